"""Exercises for notebook 03, resampling with sine sweeps.

1. :func:`check_fold_frequency`: where a tone lands after sampling (aliasing by hand).
2. :func:`check_rolloff_for_cutoff`: the ``rolloff`` that puts the cut-off where you want it.
3. :func:`check_clean_downsampler`: a 44.1 kHz -> 16 kHz resampler that meets a quality spec.
4. :func:`check_assert_aliasing` (in deep dive 03a): measure a resampler's worst alias and
   assert a limit on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import torch
import torchaudio.functional as AF

from ..kernels import kernel_response_db, probe_response, resampler_kernel, response_quality
from ..resampling import reference_resamplers
from ..sweeps import log_sweep
from ..validation import as_waveform
from . import Verdict, as_real, assert_message, run_check, show_solution

__all__ = [
    "ALIASING_LIMIT_DB",
    "LOSS_LIMIT_DB",
    "check_assert_aliasing",
    "check_clean_downsampler",
    "check_fold_frequency",
    "check_rolloff_for_cutoff",
    "show_solution",
    "solution_assert_aliasing",
    "solution_clean_downsampler",
    "solution_fold_frequency",
    "solution_rolloff_for_cutoff",
]

#: Exercise 3's specification, 44.1 kHz -> 16 kHz: the worst alias beyond the 2 % guard
#: band at most this (dB re. the gain at 0 Hz) ...
ALIASING_LIMIT_DB = -100.0
#: ... and at most this loss (dB) at 7.2 kHz (90 % of the new Nyquist frequency).
LOSS_LIMIT_DB = 0.1
#: Exercise 03a: how close (dB) a learner's worst alias must come to the reference's.
LEVEL_TOLERANCE_DB = 1.0


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
        got = as_real(got, "the folded frequency (Hz)")
        assert math.isclose(got, expected, abs_tol=1e-6), (
            f"a {frequency:g} Hz tone sampled at {rate} Hz appears at {expected:g} Hz, "
            f"your function says {got:.6f} Hz (within 1e-6 Hz is asked). Hint: first "
            "remove whole multiples of the "
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
        rolloff = as_real(rolloff, "rolloff")
        assert 0 < rolloff <= 1, (
            f"for a {cutoff:g} Hz cut-off from {orig} Hz to {new} Hz you return rolloff="
            f"{rolloff:.4g}; rolloff is a fraction, between 0 and 1, of a Nyquist frequency"
        )
        measured = _cutoff_of(rolloff, orig, new)
        assert abs(measured - cutoff) < 0.01 * cutoff, (
            f"with rolloff={rolloff:.4g} ({orig} Hz -> {new} Hz) the filter's -6 dB point is at "
            f"{measured:.0f} Hz, not {cutoff:g} Hz (within 1 % is asked). Hint: rolloff "
            "is a fraction of the Nyquist "
            "frequency (half the rate) of the lower of the two rates."
        )


def check_rolloff_for_cutoff(rolloff_for_cutoff: Callable[[float, int, int], float]) -> Verdict:
    """Check ``rolloff_for_cutoff(cutoff_hz, orig_rate, new_rate) -> rolloff`` by measuring
    the cut-off of ``torchaudio.functional.resample`` with the returned rolloff."""
    return run_check("Exercise 2 (rolloff)", _verify_rolloff, rolloff_for_cutoff)


# --- 3. A clean downsampler -----------------------------------------------------------------


def solution_clean_downsampler(waveform: torch.Tensor) -> torch.Tensor:
    """44.1 kHz -> 16 kHz: worst alias below -100 dB, under 0.1 dB loss at 7.2 kHz.

    Designed with Kaiser's rule: beta for 100 dB, and the rolloff that ends the transition
    band at 8 kHz (soxr HQ also passes: ``soxr.resample(x.T, 44100, 16000).T``, since soxr
    takes ``(frames, channels)``).
    """
    attenuation_db = 100.0
    beta = 0.1102 * (attenuation_db - 8.7)  # Kaiser: beta from the wanted attenuation
    width, rolloff = 64, 1.0
    for _ in range(20):  # cut-off + half the transition on 8 kHz; the transition needs rolloff
        kernel_s = 2 * width / (rolloff * 16000)
        transition_hz = (attenuation_db - 7.95) / (2.285 * 2 * math.pi * kernel_s)
        rolloff = 1 - transition_hz / 2 / 8000
    return AF.resample(
        torch.as_tensor(waveform), 44100, 16000, lowpass_filter_width=width, rolloff=rolloff,
        resampling_method="sinc_interp_kaiser", beta=beta,
    )


def _verify_clean(downsample: Callable[[torch.Tensor], torch.Tensor]) -> None:
    sweep = log_sweep(44100, 15.0, fade_s=0.05)
    layout = (
        "The input's layout is (batch, frames); soxr.resample takes (frames, channels): "
        "transpose on the way in and on the way out."
    )
    try:
        output = downsample(sweep.waveform)
    except ValueError as error:
        if "channel" not in str(error).lower():
            raise
        raise AssertionError(f"your resampler raised '{error}'. {layout}") from None
    assert output is not None, "your function returns None: did you forget `return`?"
    frames = sweep.waveform.shape[-1]
    expected = math.ceil(frames * 16000 / 44100)
    shape = tuple(np.shape(output.detach().cpu() if isinstance(output, torch.Tensor) else output))
    if len(shape) == 2 and (shape[1] == frames or shape[0] > shape[1]):
        raise AssertionError(
            f"for a (1, {frames}) input your function returns shape {shape}. {layout}"
        )
    data = as_waveform(output, "output")
    assert data.shape[0] == 1 and abs(data.shape[1] - expected) <= 2, (
        f"for a (1, {sweep.waveform.shape[-1]}) input at 44.1 kHz, the output at 16 kHz should "
        f"have shape (1, {expected}); yours has shape {tuple(data.shape)}"
    )
    exact = response_quality(*probe_response(downsample, 44100, 16000), orig_rate=44100,
                             new_rate=16000)
    assert exact.aliasing_db <= ALIASING_LIMIT_DB, (
        f"the worst alias (exact response) is {exact.aliasing_db:.1f} dB at "
        f"{exact.aliasing_hz:.0f} Hz, above the {ALIASING_LIMIT_DB:g} dB allowed. Hint: choose "
        "beta for the attenuation you need, then a rolloff that ends the transition band at "
        "the new Nyquist frequency (Kaiser's rule, deep dive 03a, section 4)."
    )
    assert exact.passband_loss_db <= LOSS_LIMIT_DB, (
        f"the loss at 7.2 kHz is {exact.passband_loss_db:.2f} dB, above the "
        f"{LOSS_LIMIT_DB:g} dB allowed: the cut-off is too low (rolloff too small, or the "
        "kernel too short for a narrow transition band)"
    )
    # The probe reads a linear, time-invariant resampler: check the function is one. (A sweep's
    # reading is no gate: near the transition band it reads high, 03a §2.)
    twice = as_waveform(downsample(2 * sweep.waveform), "output")
    scale = float(np.abs(np.asarray(data)).max())
    assert np.abs(np.asarray(twice) - 2 * np.asarray(data)).max() <= 1e-6 * scale, (
        "twice the input does not give twice the output: is your resampler linear and the "
        "same on every call?"
    )


def check_clean_downsampler(downsample: Callable[[torch.Tensor], torch.Tensor]) -> Verdict:
    """Check ``downsample(batch_44k) -> batch_16k`` against the spec: worst alias at most
    -100 dB beyond the 2 % guard band and at most 0.1 dB loss at 7.2 kHz, from its probed
    response and a 15 s sweep."""
    return run_check("Exercise 3 (a clean downsampler)", _verify_clean, downsample)


# --- 4. A measurement and its assert ----------------------------------------------------------


def solution_assert_aliasing(
    resample: Callable[[torch.Tensor], object], orig_rate: int, new_rate: int, limit_db: float
) -> float:
    """Measure the worst alias of ``resample`` from its probed kernel; assert it is at most
    ``limit_db``; return it (dB re. the gain at 0 Hz)."""
    times_s, kernel = resampler_kernel(resample, orig_rate, new_rate, span_s=0.01)
    size = 1 << 18  # zero-padded, so the side lobes' peaks are not missed between bins
    gain = np.abs(np.fft.rfft(kernel, size)) / abs(np.sum(kernel))  # relative to 0 Hz
    freqs_hz = np.fft.rfftfreq(size, times_s[1] - times_s[0])
    folding = (freqs_hz >= 1.02 * new_rate / 2) & (freqs_hz <= orig_rate / 2)
    level_db = float(20 * np.log10(gain[folding].max()))
    assert level_db <= limit_db, f"worst alias {level_db:.1f} dB, above the limit {limit_db} dB"
    return level_db


def _reference_level(resample: Callable, orig_rate: int, new_rate: int) -> float:
    return response_quality(
        *probe_response(resample, orig_rate, new_rate), orig_rate=orig_rate, new_rate=new_rate
    ).aliasing_db


def _loud_images(batch: np.ndarray | torch.Tensor) -> np.ndarray:
    """48 -> 32 kHz through ``resample_poly`` with a filter that removes 15.6-25.5 kHz but
    passes its images above 27 kHz at -40 dB: a measure taken up to the common rate's
    Nyquist frequency (48 kHz) reads -40 dB; the inputs' worst alias is far lower."""
    import scipy.signal

    taps = scipy.signal.firwin2(1201, [0, 14000, 15600, 25500, 27000, 48000],
                                [1, 1, 0, 0, 0.01, 0.01], window=("kaiser", 12.0), fs=96000)
    return scipy.signal.resample_poly(np.asarray(batch), 2, 3, axis=-1, window=taps)


def _verify_assert_aliasing(assert_aliasing: Callable) -> None:
    references = reference_resamplers(48000, 32000)
    cases = [(name, references[name], limit) for name, limit in (
        ("torchaudio defaults", -3.0), ("torchaudio width 64, Kaiser 8.6", -80.0),
        ("soxr HQ", -115.0))]
    cases.append(("a filter whose images leak at -40 dB", _loud_images, -150.0))
    for name, resample, limit in cases:
        expected = _reference_level(resample, 48000, 32000)
        try:
            level = assert_aliasing(resample, 48000, 32000, limit)
        except AssertionError as error:
            raise AssertionError(
                f"your assert fails for {name} with limit {limit:.1f} dB, but its worst alias is "
                f"{expected:.1f} dB, below the limit (your message: {assert_message(error)})"
            ) from None
        assert level is not None, "your function returns None: did you forget `return`?"
        level = as_real(level, "the worst alias (dB)")
        assert abs(level - expected) < LEVEL_TOLERANCE_DB, (
            f"for {name} you measure {level:.2f} dB, the exact response gives "
            f"{expected:.2f} dB (within {LEVEL_TOLERANCE_DB:g} dB is asked). Hints: take "
            "the largest gain (not a mean) from 1.02 times the "
            "new Nyquist frequency to the original one (above it the kernel's response "
            "belongs to the images of the upsampling, not to input frequencies), "
            "relative to the gain at 0 Hz (the kernel's sum), from the probed kernel "
            "rather than a sweep, probed over "
            "span_s=0.01 (the default 5 ms cuts soxr's kernel short) and zero-padded to "
            "2**18 points before the FFT (a coarse grid misses the side lobes' peaks)."
        )
        # The same resampler against a limit it misses: the assert must fail, naming the level.
        strict = round(expected - 10, 1)
        try:
            assert_aliasing(resample, 48000, 32000, strict)
        except AssertionError as error:
            numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", str(error))]
            assert any(abs(number - expected) < 1 for number in numbers), (
                f"your assert fails for {name} with limit {strict:.1f} dB, as it should, but "
                f"its message does not name the measured level ({expected:.1f} dB); it reads: "
                f"{assert_message(error)[:200]!r}"
            )
        else:
            raise AssertionError(
                f"{name} aliases at {expected:.1f} dB, above a limit of {strict:.1f} dB, but "
                "your function did not fail: add an `assert` on the measured level"
            )


def check_assert_aliasing(assert_aliasing: Callable) -> Verdict:
    """Check ``assert_aliasing(resample, orig_rate, new_rate, limit_db) -> dB``: the measured
    worst alias must match the exact response within 1 dB for three resamplers, and its
    assert must fail exactly when the level is above the limit, naming the level."""
    return run_check("Exercise 03a (a measurement and its assert)", _verify_assert_aliasing,
                     assert_aliasing)
