"""The resampling exercises' checkers accept the reference solutions and reject typical mistakes."""

import torch
import torchaudio.functional as F

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
    # torchaudio's defaults alias far above the limit.
    default = ex.check_clean_downsampler(lambda x: F.resample(x, 48000, 32000))
    assert rejected(default, "aliasing is")
    # A low cut-off removes the aliasing and the top of the band with it.
    too_low = ex.check_clean_downsampler(
        lambda x: F.resample(x, 48000, 32000, lowpass_filter_width=64, rolloff=0.8)
    )
    assert rejected(too_low, "loss at 14.4 kHz")
    # The wrong target rate.
    assert rejected(ex.check_clean_downsampler(lambda x: F.resample(x, 48000, 16000)), "shape")
    # Taking every third sample of 48 kHz gives 16 kHz, and no filter.
    assert rejected(ex.check_clean_downsampler(lambda x: torch.as_tensor(x)[:, ::3]), "shape")
    assert rejected(ex.check_clean_downsampler(not_attempted), "not solved yet")
