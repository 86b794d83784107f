"""Exercises for notebook 02 (background noise and room reverberation).

* :func:`check_snr_db`: measure the SNR (dB) of a mixture from its two components;
* :func:`check_noise_gain`: the amplitude gain that puts noise at a target SNR;
* :func:`check_reverberate`: convolve with a room impulse response, keeping the
  dry signal's length and timing.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torchaudio.functional as AF

from . import Verdict, run_check

__all__ = [
    "check_noise_gain",
    "check_reverberate",
    "check_snr_db",
    "solution_noise_gain",
    "solution_reverberate",
    "solution_snr_db",
]

#: Closest a learner's dB value must come to the reference.
_DB_TOLERANCE = 0.01


def _clip(frames: int, seed: int, level: float = 0.1) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return level * torch.randn(1, frames, generator=generator)


def _as_float(value: object, what: str) -> float:
    if isinstance(value, torch.Tensor):
        assert value.numel() == 1, (
            f"return one number for {what}, got a tensor of shape {tuple(value.shape)}"
        )
        value = value.item()
    assert isinstance(value, int | float), f"return {what} as a number, got {type(value).__name__}"
    assert math.isfinite(value), (
        f"{what} came out as {value}; check for a division by zero or log(0)"
    )
    return float(value)


# --- 1. measure the SNR ------------------------------------------------------------


def solution_snr_db(signal: torch.Tensor, noise: torch.Tensor) -> float:
    """SNR in dB: ten times the log of the ratio of the two mean squares (powers)."""
    signal_power = signal.double().square().mean()
    noise_power = noise.double().square().mean()
    return float(10 * torch.log10(signal_power / noise_power))


def _verify_snr_db(learner: Callable) -> None:
    cases = [(1.0, 0.1, 1), (0.3, 0.3, 2), (0.05, 0.2, 3), (0.5, 0.005, 4)]
    for signal_level, noise_level, seed in cases:
        signal = _clip(8000, seed, signal_level)
        noise = _clip(8000, seed + 100, noise_level)
        expected = solution_snr_db(signal, noise)
        answer = _as_float(learner(signal.clone(), noise.clone()), "the SNR")
        if abs(answer - expected) <= _DB_TOLERANCE:
            continue
        if abs(answer - 2 * expected) <= 0.05:
            hint = (
                "your answer is twice the right one: 20 log10 belongs to amplitude ratios; a "
                "ratio of powers (mean squares) takes 10 log10"
            )
        elif abs(answer - expected / 2) <= 0.05:
            hint = (
                "your answer is half the right one: you took 10 log10 of an amplitude ratio (RMS "
                "or norm); square the amplitudes (power) or use 20 log10"
            )
        elif abs(answer + expected) <= 0.05:
            hint = "the sign is flipped: the signal's power goes on top of the fraction"
        else:
            hint = "compare the mean of signal**2 with the mean of noise**2, in dB"
        raise AssertionError(
            f"for a signal of RMS {signal_level} and noise of RMS {noise_level} the SNR is "
            f"{expected:.2f} dB, you returned {answer:.2f} dB; {hint}."
        )


def check_snr_db(learner: Callable[[torch.Tensor, torch.Tensor], float]) -> Verdict:
    """Check ``learner(signal, noise) -> SNR in dB`` on four mixtures, from +40 to -12 dB."""
    return run_check("SNR in dB", _verify_snr_db, learner)


# --- 2. the noise gain for a target SNR -------------------------------------------


def solution_noise_gain(signal: torch.Tensor, noise: torch.Tensor, snr_db: float) -> float:
    """Amplitude gain ``a`` with ``SNR(signal, a * noise) == snr_db``."""
    signal_power = signal.double().square().mean()
    noise_power = noise.double().square().mean()
    return float(torch.sqrt(signal_power / noise_power) * 10 ** (-snr_db / 20))


def _verify_noise_gain(learner: Callable) -> None:
    signal = _clip(8000, 11, 0.2)
    noise = _clip(8000, 12, 0.02)
    for target in (20.0, 10.0, 3.0, -5.0):
        gain = _as_float(learner(signal.clone(), noise.clone(), target), "the gain")
        assert gain > 0, f"for {target} dB you returned the gain {gain}; a gain must be positive"
        achieved = solution_snr_db(signal, gain * noise)
        if abs(achieved - target) <= _DB_TOLERANCE:
            continue
        if abs(achieved - 0.2 * 10 / math.log(10) * target) <= 0.05:
            hint = (
                "exp(snr_db / 10) is not a dB conversion (it gives 0.87 of the wanted dB): use "
                "powers of ten"
            )
        elif abs(achieved - 2 * target) <= 0.05:
            hint = (
                "the SNR came out doubled: 10 ** (snr_db / 10) is a power ratio, but the gain "
                "multiplies amplitudes; use 10 ** (snr_db / 20)"
            )
        elif abs(achieved + target) <= 0.05:
            hint = "the noise moved the wrong way: a higher SNR needs a smaller noise gain"
        else:
            hint = "start from the powers: a**2 * P_noise must equal P_signal / 10 ** (snr_db / 10)"
        raise AssertionError(
            f"asking for {target:g} dB gave a mixture with an SNR of {achieved:.2f} dB; {hint}."
        )


def check_noise_gain(learner: Callable[[torch.Tensor, torch.Tensor, float], float]) -> Verdict:
    """Check ``learner(signal, noise, snr_db) -> gain`` at 20, 10, 3 and -5 dB."""
    return run_check("Noise gain", _verify_noise_gain, learner)


# --- 3. reverberate, keeping the timing ---------------------------------------------


def solution_reverberate(dry: torch.Tensor, rir: torch.Tensor) -> torch.Tensor:
    """Convolve ``dry`` with ``rir``; keep ``dry``'s length, the direct sound at time 0."""
    delay = int(rir.abs().argmax(dim=-1).max())
    wet = AF.fftconvolve(dry, rir)
    return wet[..., delay : delay + dry.shape[-1]]


def _test_rir(delay: int, frames: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    tail = 0.3 * torch.randn(frames - delay - 1, generator=generator)
    tail = tail * torch.exp(-torch.arange(frames - delay - 1) / (frames / 6))
    return torch.cat([torch.zeros(delay), torch.ones(1), tail]).unsqueeze(0)


def _verify_reverberate(learner: Callable) -> None:
    dry = _clip(3000, 21, 0.3)
    for delay, seed in ((37, 22), (0, 23)):
        rir = _test_rir(delay, 400, seed)
        expected = solution_reverberate(dry, rir)
        wet = learner(dry.clone(), rir.clone())
        assert isinstance(wet, torch.Tensor), f"return a tensor, got {type(wet).__name__}"
        if wet.shape != dry.shape:
            full = dry.shape[-1] + rir.shape[-1] - 1
            hint = (
                "that is the full convolution: keep as many samples as the dry signal has"
                if wet.shape[-1] == full
                else "it must have the dry signal's shape"
            )
            raise AssertionError(
                f"the result has shape {tuple(wet.shape)}, the dry signal {tuple(dry.shape)}; "
                f"{hint}."
            )
        error = float((wet - expected).abs().max())
        if error <= 1e-4:
            continue
        unflipped = AF.fftconvolve(dry, rir.flip(-1))
        undelayed = AF.fftconvolve(dry, rir)[..., : dry.shape[-1]]
        if float((wet - undelayed).abs().max()) <= 1e-4:
            hint = (
                f"the direct sound arrives {delay} samples late: the RIR's peak is at index "
                f"{delay}, so drop that many samples from the start"
            )
        elif any(
            float((wet - unflipped[..., shift : shift + dry.shape[-1]]).abs().max()) <= 1e-4
            for shift in range(rir.shape[-1])
        ):
            hint = (
                "that is a cross-correlation (conv1d without flipping the RIR): the reverberation "
                "comes before the sound; flip the RIR or use torchaudio.functional.fftconvolve"
            )
        else:
            hint = "convolve with torchaudio.functional.fftconvolve, then cut"
        raise AssertionError(
            f"with the direct path at sample {delay}, your result differs from the expected one "
            f"by up to {error:.3g}; {hint}."
        )


def check_reverberate(learner: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Verdict:
    """Check ``learner(dry, rir) -> wet``: same shape as ``dry``, direct sound not delayed."""
    return run_check("Reverberate", _verify_reverberate, learner)
