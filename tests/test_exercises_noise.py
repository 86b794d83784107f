"""The notebook 02 checkers accept the reference solutions and reject typical mistakes."""

import math

import numpy as np
import pytest
import torch
import torchaudio.functional as AF

from helpers.exercises import noise as exercises


def _power(x):
    return x.double().square().mean()


def test_checker_reports_an_unattempted_exercise():
    def stub(*args):
        raise NotImplementedError

    for check in (exercises.check_mix_padded, exercises.check_t20, exercises.check_assert_snr):
        verdict = check(stub)
        assert not verdict
        assert "not solved yet" in repr(verdict)


def test_checker_lets_other_errors_through():
    def broken(clean, noise, snr_db, lengths):
        return clean @ noise  # shapes do not match for a matrix product

    with pytest.raises(RuntimeError):
        exercises.check_mix_padded(broken)


def test_show_solution_prints_the_source(capsys):
    exercises.show_solution(exercises.solution_t20)
    assert "def solution_t20" in capsys.readouterr().out


# --- 1. a padded batch -----------------------------------------------------------------


def test_mix_padded_accepts_the_solution():
    verdict = exercises.check_mix_padded(exercises.solution_mix_padded)
    assert verdict, repr(verdict)
    assert "correct" in repr(verdict)


def _full_length_powers(clean, noise, snr_db, lengths):
    per_clip = clean.double().square().mean(dim=(1, 2)) / noise.double().square().mean(dim=(1, 2))
    gain = per_clip.sqrt() * 10 ** (-snr_db.double() / 20)
    mask = (torch.arange(clean.shape[-1]) < lengths.reshape(-1, 1, 1)).float()
    return clean + (gain.reshape(-1, 1, 1) * noise * mask).float()


def _noise_in_padding(clean, noise, snr_db, lengths):
    return AF.add_noise(clean, noise, snr_db.unsqueeze(1), lengths.unsqueeze(1))


def _doubled(clean, noise, snr_db, lengths):
    return exercises.solution_mix_padded(clean, noise, 2 * snr_db, lengths)


def test_torchaudio_add_noise_with_lengths_gets_the_snr_right():
    # it measures over the real samples, like the solution; it only fills the padding
    clean, noise, snr_db, lengths = exercises._padded_case()
    theirs = AF.add_noise(clean, noise, snr_db.unsqueeze(1), lengths.unsqueeze(1))
    ours = exercises.solution_mix_padded(clean, noise, snr_db, lengths)
    for index, length in enumerate(lengths.tolist()):
        torch.testing.assert_close(theirs[index, :, :length], ours[index, :, :length])


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (_full_length_powers, "averaged the clip's power over its padding"),
        (_noise_in_padding, "noise in its padding"),
        (_doubled, "doubled"),
        (lambda c, n, s, lengths: c[:, 0], "shape"),
        (lambda c, n, s, lengths: c.numpy(), "return a tensor"),
    ],
)
def test_mix_padded_rejects_mistakes(mistake, hint):
    verdict = exercises.check_mix_padded(mistake)
    assert not verdict
    assert "not right yet" in repr(verdict)
    assert hint in repr(verdict)


# --- 2. T20 -------------------------------------------------------------------------------


def test_t20_accepts_the_solution_and_a_two_point_estimate():
    assert exercises.check_t20(exercises.solution_t20)

    def two_points(rir, sample_rate):
        energy = rir[0].double().square()
        curve = 10 * torch.log10(energy.flip(0).cumsum(0).flip(0) / energy.sum())
        first = int(torch.nonzero(curve <= -5)[0])
        last = int(torch.nonzero(curve <= -25)[0])
        return 3 * (last - first) / sample_rate

    assert exercises.check_t20(two_points)


def test_t20_solution_agrees_with_pyroomacoustics():
    pyroomacoustics = pytest.importorskip("pyroomacoustics")
    rir = exercises._room(0.8, 16000, seed=52)
    theirs = pyroomacoustics.experimental.measure_rt60(rir[0].numpy(), fs=16000, decay_db=20)
    assert abs(exercises.solution_t20(rir, 16000) / theirs - 1) < 0.03


def _curve(rir, square=True, factor=10):
    energy = rir[0].double().square() if square else rir[0].double().abs()
    remaining = energy.flip(0).cumsum(0).flip(0)
    return factor * torch.log10(remaining / remaining.max())


def _fit(curve, sample_rate, upper=-5.0, lower=-25.0, per_sample=False):
    inside = (curve <= upper) & (curve >= lower)
    times = torch.arange(len(curve), dtype=torch.float64)[inside]
    times = times if per_sample else times / sample_rate
    slope, _ = np.polyfit(times.numpy(), curve[inside].numpy(), 1)
    return float(-60 / slope)


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda rir, sr: _fit(_curve(rir, square=False), sr), "twice the true value"),
        (lambda rir, sr: _fit(_curve(rir, factor=20), sr), "half the true value"),
        (lambda rir, sr: _fit(_curve(rir), sr, per_sample=True), "dB per sample"),
        (lambda rir, sr: _fit(_curve(rir), sr) / 3, "a third"),
        (lambda rir, sr: torch.ones(2), "one number"),
    ],
)
def test_t20_rejects_mistakes(mistake, hint):
    verdict = exercises.check_t20(mistake)
    assert not verdict
    assert hint in repr(verdict), repr(verdict)


def test_t20_rejects_a_curve_not_normalised_to_0_db():
    def unnormalised(rir, sample_rate):
        energy = rir[0].double().square()
        return _fit(10 * torch.log10(energy.flip(0).cumsum(0).flip(0)), sample_rate)

    verdict = exercises.check_t20(unnormalised)
    assert not verdict
    assert "starts at 0 dB" in repr(verdict), repr(verdict)


def test_t20_recognises_a_rising_curve():
    verdict = exercises.check_t20(lambda rir, sample_rate: -0.4)  # what a rising line gives
    assert not verdict
    assert "backwards" in repr(verdict)


# --- 3. a measurement and its assert --------------------------------------------------


def test_assert_snr_accepts_the_solution():
    verdict = exercises.check_assert_snr(exercises.solution_assert_snr)
    assert verdict, repr(verdict)


def _snr(clean, mixture):
    return 10 * math.log10(float(_power(clean) / _power(mixture - clean)))


def _exact(clean, mixture, snr_db):
    assert _snr(clean, mixture) == snr_db


def _loose(clean, mixture, snr_db):
    assert abs(_snr(clean, mixture) - snr_db) < 1.0


def _returns_bool(clean, mixture, snr_db):
    return abs(_snr(clean, mixture) - snr_db) < 0.1


def _mixture_over_clean(clean, mixture, snr_db):
    measured = 10 * math.log10(float(_power(mixture) / _power(clean)))
    assert abs(measured - snr_db) < 0.1


def _peaks(clean, mixture, snr_db):
    measured = 20 * math.log10(float(clean.abs().max() / (mixture - clean).abs().max()))
    assert abs(measured - snr_db) < 0.1


def _never_fails(clean, mixture, snr_db):
    assert _snr(clean, mixture) is not None


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (_exact, "failed on a right mixture"),
        (_loose, "tolerance too loose"),
        (_returns_bool, "return a bool"),
        (_mixture_over_clean, "failed on a right mixture"),
        (_peaks, "failed on a right mixture"),
        (_never_fails, "let it pass"),
    ],
)
def test_assert_snr_rejects_mistakes(mistake, hint):
    verdict = exercises.check_assert_snr(mistake)
    assert not verdict
    assert hint in repr(verdict), repr(verdict)


# --- checker gaps closed after review -----------------------------------------------------


def _per_channel_gains(clean, noise, snr_db, lengths):
    mask = (torch.arange(clean.shape[-1]) < lengths.reshape(-1, 1, 1)).double()
    valid = mask.sum(dim=-1, keepdim=True)
    signal_power = (clean.double() * mask).square().sum(dim=-1, keepdim=True) / valid
    noise_power = (noise.double() * mask).square().sum(dim=-1, keepdim=True) / valid
    gain = (signal_power / noise_power).sqrt() * 10 ** (-snr_db.double().view(-1, 1, 1) / 20)
    return clean + (gain * noise * mask).float()


def _noise_power_over_padding(clean, noise, snr_db, lengths):
    mask = (torch.arange(clean.shape[-1]) < lengths.reshape(-1, 1, 1)).double()
    valid = mask.sum(dim=(1, 2)) * clean.shape[1]
    signal_power = (clean.double() * mask).square().sum(dim=(1, 2)) / valid
    noise_power = noise.double().square().mean(dim=(1, 2))  # the mistake: padding included
    gain = (signal_power / noise_power).sqrt() * 10 ** (-snr_db.double() / 20)
    return clean + (gain.view(-1, 1, 1) * noise * mask).float()


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (_per_channel_gains, "one gain per clip"),
        (_noise_power_over_padding, "noise's power was averaged over its padding"),
    ],
)
def test_mix_padded_rejects_per_channel_gains_and_noise_power_over_the_padding(mistake, hint):
    verdict = exercises.check_mix_padded(mistake)
    assert not verdict
    assert hint in repr(verdict), repr(verdict)


def test_mix_padded_accepts_a_tuple_like_the_lesson_functions():
    def as_tuple(clean, noise, snr_db, lengths):
        mixture = exercises.solution_mix_padded(clean, noise, snr_db, lengths)
        return mixture, mixture - clean

    assert exercises.check_mix_padded(as_tuple)


def test_t20_rejects_a_t30_range_fit():
    verdict = exercises.check_t20(lambda rir, sr: _fit(_curve(rir), sr, lower=-35.0))
    assert not verdict
    assert "two slopes" in repr(verdict), repr(verdict)


def test_assert_snr_rejects_a_quarter_db_tolerance():
    def loose(clean, mixture, snr_db):
        noise_part = mixture.double() - clean.double()
        measured = 10 * math.log10(float(_power(clean) / _power(noise_part)))
        assert abs(measured - snr_db) < 0.25

    verdict = exercises.check_assert_snr(loose)
    assert not verdict
    assert "0.15 dB off" in repr(verdict), repr(verdict)
