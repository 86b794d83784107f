"""The resampling exercises' checkers accept the reference solutions and reject typical mistakes."""

import numpy as np
import soxr
import torch
import torchaudio.functional as AF

from helpers import kernels, resampling, sweeps
from helpers.exercises import resampling as ex


def not_attempted(*_args):
    raise NotImplementedError


def rejected(verdict, hint: str) -> bool:
    """True when a check failed with a message that contains ``hint``."""
    return not verdict and hint in repr(verdict)


def test_fold_frequency_checker():
    verdict = ex.check_fold_frequency(ex.solution_fold_frequency)
    assert verdict and "correct" in repr(verdict)
    assert rejected(ex.check_fold_frequency(not_attempted), "not solved yet")
    # Mirroring without first removing whole sample rates.
    assert rejected(
        ex.check_fold_frequency(lambda f, rate: rate - f if f > rate / 2 else f), "Hint"
    )
    # Mirroring around the Nyquist frequency the wrong way.
    assert rejected(ex.check_fold_frequency(lambda f, rate: rate / 2 - f % (rate / 2)), "Hint")
    # Forgetting to return.
    assert rejected(ex.check_fold_frequency(lambda f, rate: None), "return")


def test_rolloff_checker():
    assert ex.check_rolloff_for_cutoff(ex.solution_rolloff_for_cutoff)
    # A fraction of the original Nyquist frequency: wrong when downsampling.
    assert rejected(
        ex.check_rolloff_for_cutoff(lambda cutoff, orig, new: cutoff / (orig / 2)), "lower"
    )
    # A fraction of the lower rate instead of its Nyquist frequency.
    assert rejected(
        ex.check_rolloff_for_cutoff(lambda cutoff, orig, new: cutoff / min(orig, new)), "-6 dB"
    )
    # Not a fraction at all.
    assert rejected(ex.check_rolloff_for_cutoff(lambda cutoff, orig, new: cutoff), "between 0")


def test_clean_downsampler_checker():
    verdict = ex.check_clean_downsampler(ex.solution_clean_downsampler)
    assert verdict and "correct" in repr(verdict)
    # soxr HQ passes too, transposed to its (frames, channels) layout ...
    assert ex.check_clean_downsampler(lambda x: soxr.resample(x.numpy().T, 44100, 16000).T)
    # ... and a (1, frames) array passed as it is reads as 661501 channels.
    untransposed = ex.check_clean_downsampler(lambda x: soxr.resample(x.numpy(), 44100, 16000))
    assert rejected(untransposed, "(frames, channels)")
    # torchaudio's defaults alias far above the limit; so does the width-64 Kaiser 8.6 setting.
    assert rejected(ex.check_clean_downsampler(lambda x: AF.resample(x, 44100, 16000)),
                    "worst alias")
    long_kaiser = ex.check_clean_downsampler(
        lambda x: AF.resample(x, 44100, 16000, **resampling.LONG_KAISER)
    )
    assert rejected(long_kaiser, "worst alias")
    # A low cut-off removes the aliasing and the top of the band with it.
    too_low = ex.check_clean_downsampler(
        lambda x: AF.resample(x, 44100, 16000, lowpass_filter_width=64, rolloff=0.8)
    )
    assert rejected(too_low, "loss at 7.2 kHz")
    # The wrong target rate.
    assert rejected(ex.check_clean_downsampler(lambda x: AF.resample(x, 44100, 8000)), "shape")
    assert rejected(ex.check_clean_downsampler(not_attempted), "not solved yet")


def _worst_from_sweep(resample, orig_rate, new_rate, limit_db):
    """A naive answer: the worst alias read off the 1.5 s sweep (its floor is too high)."""
    sweep = sweeps.log_sweep(orig_rate, 1.5)
    level = resampling.measure_resampling(resample(sweep.waveform), new_rate, sweep).aliasing_db
    assert level <= limit_db, f"worst alias {level:.1f} dB"
    return level


def _gain(resample, orig_rate, new_rate, normalise=True):
    times_s, kernel = kernels.resampler_kernel(resample, orig_rate, new_rate, span_s=0.01)
    gain = np.abs(np.fft.rfft(kernel, 1 << 18))
    if normalise:
        gain = gain / abs(kernel.sum())
    return np.fft.rfftfreq(1 << 18, times_s[1] - times_s[0]), 20 * np.log10(gain + 1e-300)


def _naive(reduce, low=1.02, normalise=True, message=True):
    def measure(resample, orig_rate, new_rate, limit_db):
        freqs_hz, gain_db = _gain(resample, orig_rate, new_rate, normalise)
        chosen = (freqs_hz >= low * new_rate / 2) & (freqs_hz <= orig_rate / 2)
        level = float(reduce(gain_db[chosen]))
        if level > limit_db:  # raised by hand: pytest would add the level to an assert's message
            raise AssertionError(f"worst alias {level:.1f} dB" if message else "too loud")
        return level

    return measure


def test_assert_aliasing_checker():
    verdict = ex.check_assert_aliasing(ex.solution_assert_aliasing)
    assert verdict and "correct" in repr(verdict)
    assert rejected(ex.check_assert_aliasing(not_attempted), "not solved yet")
    hint = "Hints"
    assert rejected(ex.check_assert_aliasing(_naive(np.mean)), hint)  # a mean, not the worst
    assert rejected(ex.check_assert_aliasing(_naive(np.max, low=0.0)), "your assert fails")
    assert rejected(ex.check_assert_aliasing(_naive(np.max, low=1.0)), hint)  # no guard band
    assert rejected(ex.check_assert_aliasing(_naive(np.max, normalise=False)), "your assert fails")
    assert rejected(ex.check_assert_aliasing(_worst_from_sweep), hint)
    # No assert at all, or one whose message does not name the level.
    def no_assert(resample, orig_rate, new_rate, limit_db):
        return ex.solution_assert_aliasing(resample, orig_rate, new_rate, 0.0)

    assert rejected(ex.check_assert_aliasing(no_assert), "add an `assert`")
    assert rejected(ex.check_assert_aliasing(_naive(np.max, message=False)), "does not name")
    # Forgetting to return.
    def no_return(resample, orig_rate, new_rate, limit_db):
        ex.solution_assert_aliasing(resample, orig_rate, new_rate, limit_db)

    assert rejected(ex.check_assert_aliasing(no_return), "return")


def test_assert_aliasing_messages_are_whole_sentences_with_rounded_levels():
    verdict = repr(ex.check_assert_aliasing(_naive(np.max, message=False)))
    assert "it reads: 'too loud'" in verdict
    assert "-17.8 dB" in verdict and "-17.7586" not in verdict
    assert "span_s=0.01" in repr(ex.check_assert_aliasing(_naive(np.mean)))


def test_assert_aliasing_rejects_a_band_reaching_into_the_images():
    """Measuring up to the common rate's Nyquist frequency reads the images' leak."""
    def to_common_nyquist(resample, orig_rate, new_rate, limit_db):
        freqs_hz, gain_db = _gain(resample, orig_rate, new_rate, True)
        level = float(gain_db[freqs_hz >= 1.02 * new_rate / 2].max())
        if level > limit_db:
            raise AssertionError(f"worst alias {level:.1f} dB")
        return level

    assert rejected(ex.check_assert_aliasing(to_common_nyquist), "images")


def _kaiser_design(attenuation_db, width, edge_hz):
    """Kaiser's rule: beta for ``attenuation_db``, the transition band ending at ``edge_hz``."""
    beta, rolloff = kernels.kaiser_beta(attenuation_db), 1.0
    for _ in range(20):
        transition_hz = kernels.kaiser_transition_hz(attenuation_db, 2 * width / (rolloff * 16000))
        rolloff = (edge_hz - transition_hz / 2) / 8000
    settings = dict(lowpass_filter_width=width, rolloff=rolloff,
                    resampling_method="sinc_interp_kaiser", beta=beta)
    return lambda x: AF.resample(torch.as_tensor(x), 44100, 16000, **settings)


def test_clean_downsampler_accepts_a_design_that_meets_the_spec_at_the_guard_edge():
    """A sweep reads high near the transition band: it no longer rejects a right answer."""
    verdict = ex.check_clean_downsampler(_kaiser_design(105.0, 64, 8160.0))
    assert verdict and "correct" in repr(verdict)


def test_clean_downsampler_rejects_a_resampler_that_is_not_linear():
    solution = ex.solution_clean_downsampler

    def loud_scaled(x):  # the probe's clicks pass; a louder sweep comes out 10 % low
        out = solution(x)
        return 0.9 * out if torch.as_tensor(x).abs().max() > 0.75 else out

    assert rejected(ex.check_clean_downsampler(loud_scaled), "linear")
