"""The notebook 02 checkers accept the reference solutions and reject typical mistakes."""

import math

import pytest
import torch
import torch.nn.functional as F
import torchaudio.functional as AF

from helpers.exercises import noise as exercises


def _power(x):
    return x.double().square().mean()


# --- SNR in dB -----------------------------------------------------------------


def test_snr_checker_accepts_the_solution():
    verdict = exercises.check_snr_db(exercises.solution_snr_db)
    assert verdict
    assert "correct" in repr(verdict)


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda s, n: float(20 * torch.log10(_power(s) / _power(n))), "twice the right one"),
        (lambda s, n: float(10 * torch.log10(s.norm() / n.norm())), "half the right one"),
        (lambda s, n: float(10 * torch.log10(_power(n) / _power(s))), "sign is flipped"),
        (lambda s, n: float(10 * torch.log10(s.abs().max() / n.abs().max())), "mean of signal"),
        (lambda s, n: torch.ones(2), "one number"),
        (lambda s, n: float("inf"), "division by zero"),
    ],
)
def test_snr_checker_rejects_mistakes(mistake, hint):
    verdict = exercises.check_snr_db(mistake)
    assert not verdict
    assert "not right yet" in repr(verdict)
    assert hint in repr(verdict)


def test_checker_reports_an_unattempted_exercise():
    def stub(signal, noise):
        raise NotImplementedError

    verdict = exercises.check_snr_db(stub)
    assert not verdict
    assert "not solved yet" in repr(verdict)


def test_checker_lets_other_errors_through():
    def broken(signal, noise):
        return signal @ noise  # shapes do not match for a matrix product

    with pytest.raises(RuntimeError):
        exercises.check_snr_db(broken)


# --- noise gain ----------------------------------------------------------------


def test_gain_checker_accepts_the_solution():
    verdict = exercises.check_noise_gain(exercises.solution_noise_gain)
    assert verdict
    assert "correct" in repr(verdict)


def _ratio(s, n):
    return math.sqrt(float(_power(s) / _power(n)))


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda s, n, d: _ratio(s, n) / math.exp(d / 10), "not a dB conversion"),
        (lambda s, n, d: _ratio(s, n) * 10 ** (-d / 10), "use 10 ** (snr_db / 20)"),
        (lambda s, n, d: _ratio(s, n) * 10 ** (d / 20), "wrong way"),
        (lambda s, n, d: 10 ** (-d / 20), "start from the powers"),
        (lambda s, n, d: -1.0, "must be positive"),
    ],
)
def test_gain_checker_rejects_mistakes(mistake, hint):
    verdict = exercises.check_noise_gain(mistake)
    assert not verdict
    assert hint in repr(verdict)


# --- reverberate ---------------------------------------------------------------


def test_reverberate_checker_accepts_the_solution_and_a_conv1d_version():
    assert exercises.check_reverberate(exercises.solution_reverberate)

    def with_conv1d(dry, rir):
        taps = rir.shape[-1]
        delay = int(rir.abs().argmax())
        padded = F.pad(dry, (taps - 1, taps - 1)).unsqueeze(0)
        wet = F.conv1d(padded, rir.flip(-1).unsqueeze(0))[0]
        return wet[..., delay : delay + dry.shape[-1]]

    verdict = exercises.check_reverberate(with_conv1d)
    assert verdict
    assert "correct" in repr(verdict)


def _unflipped(dry, rir):
    taps = rir.shape[-1]
    return F.conv1d(F.pad(dry, (taps - 1, 0)).unsqueeze(0), rir.unsqueeze(0))[0]


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda d, r: AF.fftconvolve(d, r)[..., : d.shape[-1]], "samples late"),
        (lambda d, r: AF.fftconvolve(d, r), "full convolution"),
        (lambda d, r: d[..., :-1], "dry signal's shape"),
        (_unflipped, "cross-correlation"),
        (lambda d, r: d.clone(), "fftconvolve, then cut"),
        (lambda d, r: d.numpy(), "return a tensor"),
    ],
)
def test_reverberate_checker_rejects_mistakes(mistake, hint):
    verdict = exercises.check_reverberate(mistake)
    assert not verdict
    assert hint in repr(verdict)
