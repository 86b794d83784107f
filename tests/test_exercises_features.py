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
