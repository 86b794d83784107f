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
        (features.check_hz_to_mel_htk, features.solution_hz_to_mel_htk),
        (features.check_spectral_convergence, features.solution_spectral_convergence),
    ],
)
def test_checkers_accept_solutions_and_report_stubs(check, solution):
    verdict = check(solution)
    assert verdict and "correct" in repr(verdict)
    verdict = check(_not_attempted)
    assert not verdict and "not attempted" in repr(verdict)


def test_frame_count_rejects_ignoring_padding():
    verdict = features.check_frame_count(lambda n, n_fft, hop, center: 1 + (n - n_fft) // hop)
    assert not verdict and "center=True" in repr(verdict)
    assert not features.check_frame_count(lambda n, n_fft, hop, center: n // hop)


def test_hz_to_mel_rejects_natural_log():
    verdict = features.check_hz_to_mel_htk(lambda hz: 2595.0 * np.log(1.0 + hz / 700.0))
    assert not verdict and "log10" in repr(verdict)
    assert not features.check_hz_to_mel_htk(lambda hz: 1.0)


def test_spectral_convergence_rejects_power_db_and_missing_norm():
    def ten_log(target, estimate):
        ratio = torch.linalg.vector_norm(target - estimate) / torch.linalg.vector_norm(target)
        return 10.0 * math.log10(float(ratio))

    def unnormalised(target, estimate):
        return 20.0 * math.log10(float(torch.linalg.vector_norm(target - estimate)))

    verdict = features.check_spectral_convergence(ten_log)
    assert not verdict and "20 log10" in repr(verdict)
    assert not features.check_spectral_convergence(unnormalised)
