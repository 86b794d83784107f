"""Exercises for notebook 04: STFT frames, the inverse HTK mel scale, spectral convergence,
and a window's scalloping loss measured and asserted by the learner."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ..spectral import spectral_convergence_db
from . import Verdict, as_integer, as_real, assert_message, run_check, show_solution

__all__ = [
    "check_frame_count",
    "check_mel_to_hz_htk",
    "check_scalloping_loss",
    "check_spectral_convergence",
    "show_solution",
    "solution_claim_scalloping_loss",
    "solution_frame_count",
    "solution_mel_to_hz_htk",
    "solution_scalloping_loss_db",
    "solution_spectral_convergence",
]


def solution_frame_count(num_samples: int, n_fft: int, hop_length: int, center: bool) -> int:
    """Number of frames ``torch.stft`` returns for a signal of ``num_samples`` samples."""
    if center:
        # n_fft // 2 samples of padding on each side; for an odd n_fft that is one sample
        # less in all than n_fft, so `1 + num_samples // hop_length` holds for even n_fft only.
        num_samples += 2 * (n_fft // 2)
    # A frame needs n_fft samples; one more frame starts every hop_length samples.
    return 1 + (num_samples - n_fft) // hop_length


def _verify_frame_count(learner: Callable[[int, int, int, bool], int]) -> None:
    cases = [
        (16000, 400, 160, True),
        (16000, 400, 160, False),
        (54400, 512, 128, True),
        (54400, 2048, 512, False),
        (1000, 256, 100, True),
        (1001, 256, 100, False),
        (16000, 401, 160, True),
        (16000, 401, 160, False),
        (1000, 255, 100, True),
    ]
    for num_samples, n_fft, hop_length, center in cases:
        frames = torch.stft(
            torch.zeros(num_samples),
            n_fft,
            hop_length,
            window=torch.hann_window(n_fft),
            center=center,
            return_complex=True,
        ).shape[-1]
        got = as_integer(learner(num_samples, n_fft, hop_length, center), "the frame count")
        assert got == frames, (
            f"for {num_samples} samples, n_fft={n_fft}, hop_length={hop_length}, "
            f"center={center}, torch.stft gives {frames} frames, your function {got}. "
            "Hint: with center=False a frame needs n_fft samples; with center=True the "
            "signal is padded by n_fft // 2 on each side (for an odd n_fft that is less "
            "than n_fft in all)."
        )


def check_frame_count(learner: Callable[[int, int, int, bool], int]) -> Verdict:
    """Check ``learner(num_samples, n_fft, hop_length, center) -> frames`` against torch.stft."""
    return run_check("Exercise 1 (frame count)", _verify_frame_count, learner)


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
    # 1e-4 relative: the equally standard natural-log form, 700 (exp(m / 1127) - 1), is
    # 2595 log10 with its constant rounded (2595 / ln 10 = 1127.0), 0.11 Hz off at 8 kHz.
    assert np.allclose(got, hz, rtol=1e-4, atol=1e-3), (
        f"{mels[worst]:.2f} mels should be {hz[worst]:g} Hz, you have {got[worst]:.2f} Hz. "
        "Hint: solve m = 2595 log10(1 + f / 700) for f, step by step: divide by 2595, "
        "undo the base-10 logarithm with 10 **, subtract 1, multiply by 700 (the form "
        "700 (exp(m / 1127) - 1) is accepted too)."
    )


def check_mel_to_hz_htk(learner: Callable[[np.ndarray], np.ndarray]) -> Verdict:
    """Check ``learner(mel_array) -> hz_array`` (HTK scale) on frequencies from 0 to 8 kHz."""
    return run_check("Exercise 2 (HTK mel scale, inverted)", _verify_mel_to_hz, learner)


def solution_spectral_convergence(target: torch.Tensor, estimate: torch.Tensor) -> float:
    """Spectral convergence in dB between two magnitude spectrograms."""
    ratio = torch.linalg.vector_norm(target - estimate) / torch.linalg.vector_norm(target)
    return 20.0 * math.log10(float(ratio))


def _verify_spectral_convergence(learner: Callable[[torch.Tensor, torch.Tensor], float]) -> None:
    generator = torch.Generator().manual_seed(4)
    target = torch.rand(257, 40, generator=generator, dtype=torch.float64) * 3.0
    for scale in (0.5, 0.1, 0.01):
        estimate = (
            target + scale * torch.randn(257, 40, generator=generator, dtype=torch.float64)
        ).abs()
        expected = spectral_convergence_db(target, estimate)
        got = as_real(learner(target, estimate), "the spectral convergence (dB)")
        assert abs(got - expected) < 1e-3, (
            f"expected {expected:.4f} dB, got {got:.4f} dB (within 0.001 dB is asked). "
            "Hint: divide the error's norm "
            "by the target's norm, and use 20 log10 for a ratio of amplitudes."
        )


def check_spectral_convergence(
    learner: Callable[[torch.Tensor, torch.Tensor], float],
) -> Verdict:
    """Check ``learner(target, estimate) -> dB`` against the course's implementation."""
    return run_check("Exercise 3 (spectral convergence)", _verify_spectral_convergence, learner)


_BIN = 32  # the on-bin sine completes 32 periods in the window


def solution_scalloping_loss_db(window: torch.Tensor) -> float:
    """How many dB lower a tone halfway between two bins reads than one on a bin.

    The tones are complex exponentials, so that no mirror image at the negative frequency
    leaks into the peak: the result is the window's own scalloping loss.
    """
    taps = torch.as_tensor(window, dtype=torch.float64)
    samples = torch.arange(len(taps), dtype=torch.float64)
    peaks = []
    for periods in (_BIN, _BIN + 0.5):
        tone = torch.exp(2j * math.pi * periods * samples / len(taps))
        peaks.append(float(torch.fft.fft(taps * tone).abs().max()))
    return 20.0 * math.log10(peaks[0] / peaks[1])


def solution_claim_scalloping_loss(measure: Callable[[torch.Tensor], float]) -> None:
    """Assert the scalloping loss of 512-sample Hann and rectangular windows (Harris, 1978)."""
    hann = measure(torch.hann_window(512))
    rectangular = measure(torch.ones(512))
    assert abs(hann - 1.42) < 0.05, f"Hann window: {hann:.2f} dB, expected 1.42 dB"
    assert abs(rectangular - 3.92) < 0.05, f"rectangular: {rectangular:.2f} dB, expected 3.92"


def _windows() -> dict[str, torch.Tensor]:
    return {
        "Hann (512)": torch.hann_window(512),
        "rectangular (512)": torch.ones(512),
        "Blackman (1024)": torch.blackman_window(1024),
        "Hamming (256)": torch.hamming_window(256),
    }


#: Wrong measurements a claim must reject: what each gets wrong, and the function.
_WRONG_MEASUREMENTS = {
    "forgets the window": lambda window: solution_scalloping_loss_db(torch.ones(len(window))),
    "takes 10 log10 of a magnitude": lambda window: solution_scalloping_loss_db(window) / 2,
    "returns the loss with the wrong sign": lambda window: -solution_scalloping_loss_db(window),
    "always returns 0 dB": lambda window: 0.0,
    "always returns Hann's 1.42 dB": lambda window: 1.42,
    "is 0.1 dB too high": lambda window: solution_scalloping_loss_db(window) + 0.1,
    "is right for Hann but 0.1 dB off for the rectangular window": lambda window: (
        solution_scalloping_loss_db(window) + 0.1 * float(bool(torch.all(window == window[0])))
    ),
}


def _verify_scalloping_loss(learner: tuple[Callable, Callable]) -> None:
    measure, claim = learner
    for name, window in _windows().items():
        expected = solution_scalloping_loss_db(window)
        got = as_real(measure(window), f"the {name} window's loss (dB)")
        assert abs(got - expected) < 0.01, (
            f"for a {name} window the loss is {expected:.3f} dB, your measurement gives "
            f"{got:.3f} dB (within 0.01 dB is asked). Hint: multiply each tone by the "
            "window before torch.fft.fft, compare "
            "the largest |X| of the two (20 log10 of their ratio, a positive number), and "
            f"make the tones complete {_BIN} and {_BIN + 0.5} periods in len(window) samples."
        )
    try:
        claim(solution_scalloping_loss_db)
    except AssertionError as error:
        raise AssertionError(
            f"your claim fails on the right measurement ({assert_message(error)}); assert "
            "the values the "
            "measurement gives (Hann 1.424, rectangular 3.922 dB), with a tolerance of a few "
            "hundredths of a dB"
        ) from None
    for mistake, wrong in _WRONG_MEASUREMENTS.items():
        try:
            claim(wrong)
        except AssertionError:
            continue
        raise AssertionError(
            f"your claim accepts a measurement that {mistake}: assert both windows' values, "
            "each against the number you expect, with a tolerance of a few hundredths of a dB"
        )


def check_scalloping_loss(
    measure: Callable[[torch.Tensor], float], claim: Callable[[Callable], None]
) -> Verdict:
    """Check a learner's scalloping-loss measurement and the assert written about it.

    ``measure(window) -> dB`` must match the reference on four windows; ``claim(measure)``
    must pass with the reference measurement and raise ``AssertionError`` for each of the
    wrong ones in :data:`_WRONG_MEASUREMENTS`.
    """
    return run_check(
        "Exercise 4 (scalloping loss, measured and asserted)",
        _verify_scalloping_loss,
        (measure, claim),
    )
