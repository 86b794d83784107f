"""Exercises for notebook 04: STFT frames, the inverse HTK mel scale, and spectral convergence."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ..spectral import spectral_convergence_db
from . import Verdict, run_check

__all__ = [
    "check_frame_count",
    "check_mel_to_hz_htk",
    "check_spectral_convergence",
    "solution_frame_count",
    "solution_mel_to_hz_htk",
    "solution_spectral_convergence",
]


def solution_frame_count(num_samples: int, n_fft: int, hop_length: int, center: bool) -> int:
    """Number of frames ``torch.stft`` returns for a signal of ``num_samples`` samples."""
    if center:
        # The signal is padded by n_fft // 2 on both sides, so frames start every hop.
        return 1 + num_samples // hop_length
    return 1 + (num_samples - n_fft) // hop_length


def _verify_frame_count(learner: Callable[[int, int, int, bool], int]) -> None:
    cases = [
        (16000, 400, 160, True), (16000, 400, 160, False), (54400, 512, 128, True),
        (54400, 2048, 512, False), (1000, 256, 100, True), (1001, 256, 100, False),
    ]
    for num_samples, n_fft, hop_length, center in cases:
        frames = torch.stft(
            torch.zeros(num_samples), n_fft, hop_length, window=torch.hann_window(n_fft),
            center=center, return_complex=True,
        ).shape[-1]
        got = learner(num_samples, n_fft, hop_length, center)
        assert got == frames, (
            f"for {num_samples} samples, n_fft={n_fft}, hop_length={hop_length}, "
            f"center={center}, torch.stft gives {frames} frames, your function {got}. "
            "Hint: with center=False a frame needs n_fft samples; with center=True the "
            "signal is padded by n_fft // 2 on each side."
        )


def check_frame_count(learner: Callable[[int, int, int, bool], int]) -> Verdict:
    """Check ``learner(num_samples, n_fft, hop_length, center) -> frames`` against torch.stft."""
    return run_check("Frame count", _verify_frame_count, learner)


def solution_mel_to_hz_htk(mel: np.ndarray) -> np.ndarray:
    """Mels on the HTK scale back to frequencies in Hz (the inverse of 2595 log10(1 + f/700))."""
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=float) / 2595.0) - 1.0)


def _verify_mel_to_hz(learner: Callable[[np.ndarray], np.ndarray]) -> None:
    hz = np.array([0.0, 100.0, 700.0, 1000.0, 4000.0, 8000.0])
    mels = 2595.0 * np.log10(1.0 + hz / 700.0)
    got = np.asarray(learner(mels), dtype=float)
    assert got.shape == mels.shape, (
        f"pass an array of {mels.size} mel values, get {mels.size} frequencies back; "
        f"got shape {got.shape}"
    )
    worst = int(np.argmax(np.abs(got - hz)))
    assert np.allclose(got, hz, rtol=1e-6, atol=1e-6), (
        f"{mels[worst]:.2f} mels should be {hz[worst]:g} Hz, you have {got[worst]:.2f} Hz. "
        "Hint: solve m = 2595 log10(1 + f / 700) for f, step by step: divide by 2595, "
        "undo the base-10 logarithm with 10 **, subtract 1, multiply by 700."
    )


def check_mel_to_hz_htk(learner: Callable[[np.ndarray], np.ndarray]) -> Verdict:
    """Check ``learner(mel_array) -> hz_array`` (HTK scale) on frequencies from 0 to 8 kHz."""
    return run_check("HTK mel scale, inverted", _verify_mel_to_hz, learner)


def solution_spectral_convergence(target: torch.Tensor, estimate: torch.Tensor) -> float:
    """Spectral convergence in dB between two magnitude spectrograms."""
    ratio = torch.linalg.vector_norm(target - estimate) / torch.linalg.vector_norm(target)
    return 20.0 * math.log10(float(ratio))


def _verify_spectral_convergence(learner: Callable[[torch.Tensor, torch.Tensor], float]) -> None:
    generator = torch.Generator().manual_seed(4)
    target = torch.rand(257, 40, generator=generator, dtype=torch.float64) * 3.0
    for scale in (0.5, 0.1, 0.01):
        estimate = (target + scale * torch.randn(257, 40, generator=generator,
                                                 dtype=torch.float64)).abs()
        expected = spectral_convergence_db(target, estimate)
        got = float(learner(target, estimate))
        assert abs(got - expected) < 1e-3, (
            f"expected {expected:.2f} dB, got {got:.2f} dB. Hint: divide the error's norm "
            "by the target's norm, and use 20 log10 for a ratio of amplitudes."
        )


def check_spectral_convergence(
    learner: Callable[[torch.Tensor, torch.Tensor], float],
) -> Verdict:
    """Check ``learner(target, estimate) -> dB`` against the course's implementation."""
    return run_check("Spectral convergence", _verify_spectral_convergence, learner)
