"""Exercises for notebook 03, resampling with sine sweeps.

1. :func:`check_fold_frequency`: where a tone lands after sampling (aliasing by hand).
2. :func:`check_rolloff_for_cutoff`: the ``rolloff`` that puts the cut-off where you want it.
3. :func:`check_clean_downsampler`: a 48 kHz -> 32 kHz resampler that meets a quality spec.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
import torchaudio.functional as AF

from ..kernels import kernel_response_db, resampler_kernel
from ..resampling import measure_resampling
from ..sweeps import log_sweep
from ..validation import as_waveform
from . import Verdict, run_check

__all__ = [
    "ALIASING_LIMIT_DB",
    "LOSS_LIMIT_DB",
    "check_clean_downsampler",
    "check_fold_frequency",
    "check_rolloff_for_cutoff",
    "solution_clean_downsampler",
    "solution_fold_frequency",
    "solution_rolloff_for_cutoff",
]

#: Exercise 3's specification: aliasing at most this (dB re. the signal) ...
ALIASING_LIMIT_DB = -70.0
#: ... and at most this loss (dB) at 14.4 kHz (90 % of the new Nyquist frequency).
LOSS_LIMIT_DB = 1.0


# --- 1. Folding -----------------------------------------------------------------------------


def solution_fold_frequency(frequency_hz: float, sample_rate: int) -> float:
    """The frequency (Hz) at which a sinusoid of ``frequency_hz`` appears after sampling."""
    folded = frequency_hz % sample_rate  # a shift by a whole sample rate is invisible
    return float(sample_rate - folded if folded > sample_rate / 2 else folded)  # mirror


_FOLD_CASES = [
    (1000.0, 16000, 1000.0),  # below Nyquist: unchanged
    (12000.0, 16000, 4000.0),  # above Nyquist: mirrored
    (20000.0, 32000, 12000.0),
    (8000.0, 16000, 8000.0),  # exactly Nyquist
    (17000.0, 16000, 1000.0),  # above the sample rate: shifted, then not mirrored
    (30000.0, 16000, 2000.0),  # above the sample rate: shifted and mirrored
    (44100.0, 48000, 3900.0),
]


def _verify_fold(fold_frequency: Callable[[float, int], float]) -> None:
    for frequency, rate, expected in _FOLD_CASES:
        got = fold_frequency(frequency, rate)
        assert got is not None, "your function returns None: did you forget `return`?"
        assert math.isclose(float(got), expected, abs_tol=1e-6), (
            f"a {frequency:g} Hz tone sampled at {rate} Hz appears at {expected:g} Hz, "
            f"your function says {float(got):g} Hz. Hint: first remove whole multiples of the "
            "sample rate, then mirror what lies above the Nyquist frequency."
        )


def check_fold_frequency(fold_frequency: Callable[[float, int], float]) -> Verdict:
    """Check ``fold_frequency(frequency_hz, sample_rate) -> Hz`` on tones below and above
    the Nyquist frequency and above the sample rate."""
    return run_check("Exercise 1 (folding)", _verify_fold, fold_frequency)


# --- 2. Rolloff -----------------------------------------------------------------------------


def solution_rolloff_for_cutoff(cutoff_hz: float, orig_rate: int, new_rate: int) -> float:
    """The ``rolloff`` that puts torchaudio's resampling cut-off at ``cutoff_hz``."""
    lower_nyquist = min(orig_rate, new_rate) / 2  # the filter protects the lower rate
    return cutoff_hz / lower_nyquist


_ROLLOFF_CASES = [
    (14000.0, 48000, 32000),
    (7000.0, 44100, 16000),
    (7000.0, 16000, 44100),  # upsampling: the lower rate is the original one
]


def _cutoff_of(rolloff: float, orig_rate: int, new_rate: int) -> float:
    """Where torchaudio's kernel with this rolloff is 6 dB down (sinc's half-amplitude point)."""
    times, kernel = resampler_kernel(
        lambda x: AF.resample(x, orig_rate, new_rate, lowpass_filter_width=64, rolloff=rolloff),
        orig_rate,
        new_rate,
        span_s=0.01,
    )
    freqs, gain = kernel_response_db(times, kernel)
    return float(freqs[np.argmax(gain < 20 * math.log10(0.5))])


def _verify_rolloff(rolloff_for_cutoff: Callable[[float, int, int], float]) -> None:
    for cutoff, orig, new in _ROLLOFF_CASES:
        rolloff = rolloff_for_cutoff(cutoff, orig, new)
        assert rolloff is not None, "your function returns None: did you forget `return`?"
        rolloff = float(rolloff)
        assert 0 < rolloff <= 1, (
            f"for a {cutoff:g} Hz cut-off from {orig} Hz to {new} Hz you return rolloff="
            f"{rolloff:.4g}; rolloff is a fraction, between 0 and 1, of a Nyquist frequency"
        )
        measured = _cutoff_of(rolloff, orig, new)
        assert abs(measured - cutoff) < 0.01 * cutoff, (
            f"with rolloff={rolloff:.4g} ({orig} Hz -> {new} Hz) the filter's -6 dB point is at "
            f"{measured:.0f} Hz, not {cutoff:g} Hz. Hint: rolloff is a fraction of the Nyquist "
            "frequency (half the rate) of the lower of the two rates."
        )


def check_rolloff_for_cutoff(rolloff_for_cutoff: Callable[[float, int, int], float]) -> Verdict:
    """Check ``rolloff_for_cutoff(cutoff_hz, orig_rate, new_rate) -> rolloff`` by measuring
    the cut-off of ``torchaudio.functional.resample`` with the returned rolloff."""
    return run_check("Exercise 2 (rolloff)", _verify_rolloff, rolloff_for_cutoff)


# --- 3. A clean downsampler -----------------------------------------------------------------


def solution_clean_downsampler(waveform: torch.Tensor) -> torch.Tensor:
    """48 kHz -> 32 kHz with aliasing below -70 dB and under 1 dB loss at 14.4 kHz."""
    return AF.resample(
        waveform,
        48000,
        32000,
        lowpass_filter_width=64,  # a long kernel: a narrow transition band
        rolloff=0.95,  # cut at 15.2 kHz so the transition ends near 16 kHz
        resampling_method="sinc_interp_kaiser",
        beta=8.6,  # deep stop band without widening the transition too much
    )


def _verify_clean(downsample: Callable[[torch.Tensor], torch.Tensor]) -> None:
    sweep = log_sweep(48000, 1.5)
    output = downsample(sweep.waveform.float())
    assert output is not None, "your function returns None: did you forget `return`?"
    data = as_waveform(output, "output")
    expected = round(sweep.waveform.shape[-1] * 32000 / 48000)
    assert data.shape[0] == 1 and abs(data.shape[1] - expected) <= 2, (
        f"for a (1, {sweep.waveform.shape[-1]}) input at 48 kHz, the output at 32 kHz should "
        f"have shape (1, {expected}); yours has shape {tuple(data.shape)}"
    )
    quality = measure_resampling(data, 32000, sweep)
    assert quality.aliasing_db <= ALIASING_LIMIT_DB, (
        f"aliasing is {quality.aliasing_db:.1f} dB, above the {ALIASING_LIMIT_DB:g} dB allowed. "
        "Hint: a longer kernel (lowpass_filter_width) narrows the transition band, and a "
        "rolloff below 1 keeps the transition below the new Nyquist frequency."
    )
    assert quality.passband_loss_db <= LOSS_LIMIT_DB, (
        f"the loss at 14.4 kHz is {quality.passband_loss_db:.1f} dB, above the "
        f"{LOSS_LIMIT_DB:g} dB allowed: the cut-off is too low (rolloff too small, or the "
        "kernel too short for a sharp edge)"
    )


def check_clean_downsampler(downsample: Callable[[torch.Tensor], torch.Tensor]) -> Verdict:
    """Check ``downsample(waveform_48k) -> waveform_32k`` against the spec: aliasing at most
    -70 dB and at most 1 dB loss at 14.4 kHz, measured with a sweep."""
    return run_check("Exercise 3 (a clean downsampler)", _verify_clean, downsample)
