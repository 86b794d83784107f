"""The feature exercises' checkers accept the reference solutions and reject typical mistakes."""

import math

import numpy as np
import pytest
import torch

from helpers.exercises import features


def _not_attempted(*_args):
    raise NotImplementedError


@pytest.mark.parametrize(
    ("check", "solution"),
    [
        (features.check_frame_count, features.solution_frame_count),
        (features.check_mel_to_hz_htk, features.solution_mel_to_hz_htk),
        (features.check_spectral_convergence, features.solution_spectral_convergence),
    ],
)
def test_checkers_accept_solutions_and_report_stubs(check, solution):
    verdict = check(solution)
    assert verdict and "correct" in repr(verdict)
    verdict = check(_not_attempted)
    assert not verdict and "not solved yet" in repr(verdict)


def test_frame_count_rejects_ignoring_padding():
    verdict = features.check_frame_count(lambda n, n_fft, hop, center: 1 + (n - n_fft) // hop)
    assert not verdict and "center=True" in repr(verdict)
    assert not features.check_frame_count(lambda n, n_fft, hop, center: n // hop)


def test_mel_to_hz_rejects_natural_exponential_and_forgotten_one():
    verdict = features.check_mel_to_hz_htk(lambda mel: 700.0 * (np.exp(mel / 2595.0) - 1.0))
    assert not verdict and "10 **" in repr(verdict)
    assert not features.check_mel_to_hz_htk(lambda mel: 700.0 * 10.0 ** (mel / 2595.0))
    assert not features.check_mel_to_hz_htk(lambda mel: 2595.0 * np.log10(1.0 + mel / 700.0))
    assert not features.check_mel_to_hz_htk(lambda mel: 1.0)


def test_mel_to_hz_accepts_the_natural_log_form():
    """700 (exp(m / 1127) - 1) is the same scale with its constant rounded: accepted."""
    natural_log_form = lambda mel: 700.0 * (np.exp(np.asarray(mel) / 1127.0) - 1.0)  # noqa: E731
    assert features.check_mel_to_hz_htk(natural_log_form)


def test_mel_to_hz_solution_inverts_librosa():
    import librosa

    hz = np.array([20.0, 440.0, 7600.0])
    mels = librosa.hz_to_mel(hz, htk=True)
    assert np.allclose(features.solution_mel_to_hz_htk(mels), hz)


def test_spectral_convergence_rejects_power_db_and_missing_norm():
    def ten_log(target, estimate):
        ratio = torch.linalg.vector_norm(target - estimate) / torch.linalg.vector_norm(target)
        return 10.0 * math.log10(float(ratio))

    def unnormalised(target, estimate):
        return 20.0 * math.log10(float(torch.linalg.vector_norm(target - estimate)))

    verdict = features.check_spectral_convergence(ten_log)
    assert not verdict and "20 log10" in repr(verdict)
    assert not features.check_spectral_convergence(unnormalised)


def test_frame_count_rejects_the_even_n_fft_formula():
    verdict = features.check_frame_count(
        lambda n, n_fft, hop, center: 1 + n // hop if center else 1 + (n - n_fft) // hop
    )
    assert not verdict and "odd n_fft" in repr(verdict)


def test_scalloping_checker_accepts_the_reference_pair():
    verdict = features.check_scalloping_loss(
        features.solution_scalloping_loss_db, features.solution_claim_scalloping_loss
    )
    assert verdict and "correct" in repr(verdict)
    assert not features.check_scalloping_loss(_not_attempted, _not_attempted)
    verdict = features.check_scalloping_loss(features.solution_scalloping_loss_db, _not_attempted)
    assert not verdict and "not solved yet" in repr(verdict)


def test_scalloping_reference_matches_harris():
    hann = features.solution_scalloping_loss_db(torch.hann_window(512))
    rectangular = features.solution_scalloping_loss_db(torch.ones(512))
    assert abs(hann - 1.42) < 0.01 and abs(rectangular - 3.92) < 0.01


def _real_sine_measure(window):
    # A real sine: its mirror image leaks into the peak of the rectangular window.
    samples = torch.arange(len(window), dtype=torch.float64)
    peaks = [
        float(
            torch.fft.rfft(window.double() * torch.sin(2 * math.pi * k * samples / len(window)))
            .abs()
            .max()
        )
        for k in (32, 32.5)
    ]
    return 20 * math.log10(peaks[0] / peaks[1])


@pytest.mark.parametrize(
    "measure",
    [
        lambda window: features.solution_scalloping_loss_db(torch.ones(len(window))),  # no window
        lambda window: features.solution_scalloping_loss_db(window) / 2,  # 10 log10
        lambda window: -features.solution_scalloping_loss_db(window),  # sign
        _real_sine_measure,
    ],
)
def test_scalloping_checker_rejects_wrong_measurements(measure):
    verdict = features.check_scalloping_loss(measure, features.solution_claim_scalloping_loss)
    assert not verdict and "your measurement gives" in repr(verdict)


def _claim_that_cannot_fail(measure):
    measure(torch.hann_window(512))


def _claim_with_loose_tolerance(measure):
    assert abs(measure(torch.hann_window(512)) - 1.42) < 1.0
    assert abs(measure(torch.ones(512)) - 3.92) < 1.0


def _claim_on_hann_only(measure):
    assert abs(measure(torch.hann_window(512)) - 1.42) < 0.05


def _claim_rectangular_only_larger(measure):
    hann = measure(torch.hann_window(512))
    assert abs(hann - 1.42) < 0.05
    assert measure(torch.ones(512)) > hann


def _claim_with_tenth_tolerance(measure):
    assert abs(measure(torch.hann_window(512)) - 1.42) < 0.15
    assert abs(measure(torch.ones(512)) - 3.92) < 0.15


def _claim_with_wrong_value(measure):
    assert abs(measure(torch.hann_window(512)) - 1.76) < 0.05


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        (_claim_that_cannot_fail, "accepts a measurement"),
        (_claim_with_loose_tolerance, "accepts a measurement"),
        (_claim_on_hann_only, "accepts a measurement"),
        (_claim_rectangular_only_larger, "0.1 dB off for the rectangular window"),
        (_claim_with_tenth_tolerance, "0.1 dB too high"),
        (_claim_with_wrong_value, "fails on the right measurement"),
    ],
)
def test_scalloping_checker_rejects_weak_or_wrong_claims(claim, words):
    verdict = features.check_scalloping_loss(features.solution_scalloping_loss_db, claim)
    assert not verdict and words in repr(verdict)
