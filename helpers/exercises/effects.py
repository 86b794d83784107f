"""Exercises of notebook 01 (audio effects): checkers and reference solutions."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torchaudio.functional as AF

from ..filters import single_pole_lowpass
from ..measure import dominant_frequency, transfer_db
from . import Verdict, run_check

__all__ = [
    "check_change_speed",
    "check_echo",
    "check_single_pole_lowpass",
    "solution_change_speed",
    "solution_echo",
    "solution_single_pole_lowpass",
]

_RATE = 16000


def _noise(seconds: float = 1.0, seed: int = 7) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return 0.1 * torch.randn(1, round(seconds * _RATE), generator=generator)


def _tone(frequency: float, seconds: float = 1.0) -> torch.Tensor:
    times = torch.arange(round(seconds * _RATE), dtype=torch.float64) / _RATE
    return (0.5 * torch.sin(2 * math.pi * frequency * times)).float().unsqueeze(0)


def solution_single_pole_lowpass(
    waveform: torch.Tensor, sample_rate: int, cutoff_hz: float
) -> torch.Tensor:
    """y[n] = (1 - a) x[n] + a y[n-1], with a = exp(-2 pi cutoff / rate)."""
    pole = math.exp(-2 * math.pi * cutoff_hz / sample_rate)
    a_coeffs = torch.tensor([1.0, -pole])
    b_coeffs = torch.tensor([1.0 - pole, 0.0])
    return AF.lfilter(waveform, a_coeffs, b_coeffs, clamp=False)


def _verify_single_pole_lowpass(learner: Callable) -> None:
    noise = _noise()
    for cutoff in (300.0, 1000.0):
        result = learner(noise, _RATE, cutoff)
        assert isinstance(result, torch.Tensor), "return a torch.Tensor"
        assert result.shape == noise.shape, (
            f"the output should have the input's shape {tuple(noise.shape)}, "
            f"got {tuple(result.shape)}"
        )
        expected = single_pole_lowpass(noise, _RATE, cutoff)
        measured, wanted = (
            transfer_db(noise, signal, _RATE, [2 * cutoff])[0] for signal in (result, expected)
        )
        assert torch.allclose(result.float(), expected, atol=1e-4), (
            f"with a {cutoff:g} Hz cut-off the gain at {2 * cutoff:g} Hz should be "
            f"{wanted:.1f} dB, yours is {measured:.1f} dB. Check the pole a = exp(-2 pi fc / fs) "
            "and that b = [1 - a, 0] and a_coeffs = [1, -a]."
        )


def check_single_pole_lowpass(learner: Callable) -> Verdict:
    """Exercise 1: a one-pole low-pass filter built with ``torchaudio.functional.lfilter``."""
    return run_check("Exercise 1 (one-pole low-pass)", _verify_single_pole_lowpass, learner)


def solution_change_speed(waveform: torch.Tensor, sample_rate: int, factor: float) -> torch.Tensor:
    """sox ``speed FACTOR`` then ``rate RATE``: reinterpret the rate, then resample back."""
    played_rate = round(sample_rate * factor)
    return AF.resample(waveform, played_rate, sample_rate)


def _verify_change_speed(learner: Callable) -> None:
    for factor in (0.8, 1.5):
        tone = _tone(440.0)
        result = learner(tone, _RATE, factor)
        assert isinstance(result, torch.Tensor) and result.ndim == 2, (
            "return a (channels, frames) torch.Tensor"
        )
        expected_frames = tone.shape[-1] / factor
        assert abs(result.shape[-1] - expected_frames) <= 2, (
            f"speed {factor} should make 1 s last {1 / factor:.3f} s "
            f"({expected_frames:.0f} frames at the same rate), got {result.shape[-1]} frames"
        )
        pitch = dominant_frequency(result, _RATE)
        assert abs(pitch / 440.0 - factor) < 0.01, (
            f"speed {factor} should move a 440 Hz tone to {440 * factor:.0f} Hz, "
            f"yours is at {pitch:.0f} Hz"
        )


def check_change_speed(learner: Callable) -> Verdict:
    """Exercise 2: sox's ``speed`` followed by ``rate``, returning audio at the same rate."""
    return run_check("Exercise 2 (speed, then rate)", _verify_change_speed, learner)


def solution_echo(
    waveform: torch.Tensor, sample_rate: int, delay_s: float, decay: float
) -> torch.Tensor:
    """One echo: y[n] = x[n] + decay * x[n - D], output longer by D samples."""
    delay = round(delay_s * sample_rate)
    output = torch.nn.functional.pad(waveform, (0, delay))
    output[..., delay:] += decay * waveform
    return output


def _verify_echo(learner: Callable) -> None:
    impulse = torch.zeros(1, 1000)
    impulse[0, 0] = 1.0
    delay_s, decay = 0.25, 0.5
    delay = round(delay_s * _RATE)
    result = learner(impulse, _RATE, delay_s, decay)
    assert isinstance(result, torch.Tensor) and result.ndim == 2, (
        "return a (channels, frames) torch.Tensor"
    )
    assert result.shape[-1] == impulse.shape[-1] + delay, (
        f"the output should be longer by the delay ({delay} samples) so the echo is not cut "
        f"off: expected {impulse.shape[-1] + delay} frames, got {result.shape[-1]}"
    )
    peaks = torch.nonzero(result[0].abs() > 1e-6).flatten().tolist()
    assert peaks == [0, delay], (
        f"an impulse should come out as two spikes, at samples 0 and {delay}; yours has "
        f"non-zero samples at {peaks[:5]}"
    )
    assert abs(float(result[0, delay]) - decay) < 1e-6 and abs(float(result[0, 0]) - 1) < 1e-6, (
        f"the direct sound should keep its level (1.0) and the echo be scaled by decay={decay}"
    )


def check_echo(learner: Callable) -> Verdict:
    """Exercise 3: a single echo, like sox ``echo 1 1 DELAY_MS DECAY``."""
    return run_check("Exercise 3 (echo)", _verify_echo, learner)
