"""Tests of helpers.room, helpers.decay and the high-pass in helpers.filters."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import helpers
from helpers import decay, filters, measure, noise_floor, room
from helpers.effects import synthetic_rir

RATE = 16000


def _noisy_rir(rt60, *, noise_db=-60.0, predelay_s=0.05, tail_s=1.0, seed=0):
    """A synthetic response with measurement noise before, under and after its decay."""
    clean = synthetic_rir(RATE, rt60, predelay_s=predelay_s, seed=seed)[0].double()
    clean = clean / clean.abs().max()
    clean = torch.cat([clean, torch.zeros(round(tail_s * RATE), dtype=torch.float64)])
    generator = torch.Generator().manual_seed(seed + 1000)
    hiss = torch.randn(clean.shape[0], generator=generator, dtype=torch.float64)
    return (clean + hiss * 10 ** (noise_db / 20)).unsqueeze(0)


# --- direct path and trimming -------------------------------------------------------


def test_direct_path_index_finds_the_largest_sample():
    rir = torch.zeros(1, 100)
    rir[0, 40] = -0.9
    rir[0, 45] = 0.5
    assert room.direct_path_index(rir) == 40


def test_direct_path_index_of_the_bundled_rir():
    rir, rate = helpers.load_audio("rir")
    assert abs(room.direct_path_index(rir) / rate - 1.011) < 0.001  # _assets/ATTRIBUTION.md


def test_trim_rir_keeps_pre_delay_fades_and_normalises():
    rir = _noisy_rir(0.4).float()
    peak = room.direct_path_index(rir)
    trimmed = room.trim_rir(rir, RATE, pre_s=0.002, length_s=0.3, fade_s=0.01)
    assert room.direct_path_index(trimmed) == 32
    assert trimmed.shape == (1, 32 + round(0.3 * RATE) + 1)
    assert abs(float(trimmed.norm()) - 1.0) < 1e-5
    assert abs(float(trimmed[0, -1])) < 1e-3 * float(trimmed.abs().max())  # faded out
    by_peak = room.trim_rir(rir, RATE, normalize="peak")
    assert abs(float(by_peak[0, room.direct_path_index(by_peak)].abs()) - 1.0) < 1e-6
    as_is = room.trim_rir(rir, RATE, pre_s=0, fade_s=0, normalize=None)
    assert torch.allclose(as_is, rir[:, peak:])


def test_trim_rir_keeps_what_there_is_before_an_early_peak():
    rir = torch.zeros(1, 1000)
    rir[0, 3] = 1.0
    rir[0, 4:] = 0.01
    assert room.direct_path_index(room.trim_rir(rir, RATE, pre_s=0.01)) == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pre_s": -1.0}, "pre_s must be >= 0"),
        ({"length_s": float("nan")}, "length_s must be a number"),
        ({"fade_s": 5.0}, "fade_s"),
        ({"normalize": "rms"}, "normalize must be"),
    ],
)
def test_trim_rir_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        room.trim_rir(_noisy_rir(0.3), RATE, **kwargs)


def test_silent_rir_is_rejected():
    with pytest.raises(ValueError, match="silent"):
        room.direct_path_index(torch.zeros(1, 100))
    with pytest.raises(ValueError, match="NaN"):
        room.trim_rir(torch.tensor([[0.0, float("nan"), 1.0]]), RATE)


# --- noise floor and decay ---------------------------------------------------


@pytest.mark.parametrize("rt60", [0.3, 0.6, 1.2])
def test_find_noise_floor_on_a_response_with_known_noise(rt60):
    rir = _noisy_rir(rt60, noise_db=-50.0)
    floor = noise_floor.find_noise_floor(rir, RATE)
    # the decay (60 dB per rt60, from the peak's envelope) meets -50 dB about 5/6 rt60 in
    assert 0.6 * rt60 < floor.crossing_s < 1.0 * rt60
    assert abs(floor.late_rt60 - rt60) < 0.1 * rt60
    assert 30 < floor.decay_range_db < 60
    assert floor.tail_energy > 0


def test_find_noise_floor_rejects_responses_without_a_decay():
    flat = torch.randn(1, RATE, generator=torch.Generator().manual_seed(1))
    flat[0, 10] = 10.0  # a spike, then only noise at its own level
    with pytest.raises(ValueError, match="10 dB above the noise floor"):
        noise_floor.find_noise_floor(
            torch.cat([flat[:, :11], 0.001 + 0 * flat[:, 11:]], dim=1), RATE
        )
    with pytest.raises(ValueError, match="only"):
        noise_floor.find_noise_floor(torch.ones(1, 100), RATE)
    with pytest.raises(ValueError, match="mono"):
        noise_floor.find_noise_floor(torch.ones(2, RATE), RATE)


@pytest.mark.parametrize("rt60", [0.2, 0.3, 0.5, 0.8, 1.0, 1.5])
@pytest.mark.parametrize("name", ["T20", "T30"])
def test_analyse_decay_recovers_synthetic_rt60_within_10_percent(rt60, name):
    clean = decay.analyse_decay(synthetic_rir(RATE, rt60, seed=2), RATE, truncate=False)
    noisy = decay.analyse_decay(_noisy_rir(rt60, noise_db=-60.0, seed=2), RATE)
    assert abs(clean.rt60(name) / rt60 - 1) < 0.1
    assert abs(noisy.rt60(name) / rt60 - 1) < 0.1


def test_untruncated_noise_makes_the_rt60_far_too_long():
    rir = _noisy_rir(0.5, noise_db=-45.0)
    naive = decay.analyse_decay(rir, RATE, truncate=False)
    truncated = decay.analyse_decay(rir, RATE)
    assert naive.rt60("T20") > 1.5 * 0.5
    assert abs(truncated.rt60("T20") / 0.5 - 1) < 0.1


def test_estimate_rt60_agrees_with_analyse_decay_and_is_backwards_compatible():
    rir = synthetic_rir(RATE, 0.7, seed=3)
    analysis = decay.analyse_decay(rir, RATE, truncate=False)  # starts at the direct path
    from_peak = rir[:, analysis.direct_index :]
    assert helpers.estimate_rt60(from_peak, RATE) == pytest.approx(analysis.rt60("T20"))
    t30 = helpers.estimate_rt60(from_peak, RATE, fit_range_db=(-5, -35))
    assert t30 == pytest.approx(analysis.rt60("T30"))


def test_tail_energy_compensates_a_truncated_exponential():
    rate, rt60 = 1000, 0.5
    times = np.arange(rate) / rate
    envelope = np.exp(-math.log(1000) * times / rt60)  # amplitude: -60 dB per rt60
    cut = 300
    tail = float(np.sum(envelope[cut:] ** 2))
    exact = helpers.energy_decay_curve(envelope)
    compensated = helpers.energy_decay_curve(envelope[:cut], tail_energy=tail)
    assert np.allclose(compensated, exact[:cut], atol=1e-9)
    with pytest.raises(ValueError, match="tail_energy"):
        helpers.energy_decay_curve(envelope, tail_energy=-1.0)


def test_fit_decay_names_and_errors():
    decay = -100.0 * np.arange(2000) / 1000  # 100 dB/s: RT60 0.6 s
    fit = helpers.fit_decay(decay, 1000, fit_range_db=(-5, -35))
    assert fit.name == "T30"
    assert fit.rt60 == pytest.approx(0.6)
    assert fit.line_db(0.3) == pytest.approx(-30.0)
    assert helpers.fit_decay(decay, 1000, fit_range_db=(0, -10)).name == "EDT"
    with pytest.raises(ValueError, match="never falls"):
        helpers.fit_decay(decay[:100], 1000)
    with pytest.raises(ValueError, match="fit_range_db"):
        helpers.fit_decay(decay, 1000, fit_range_db=(-25, -5))


def test_rt60_of_a_missing_fit_explains_why():
    short = _noisy_rir(0.5, noise_db=-25.0)
    analysis = decay.analyse_decay(short, RATE)
    assert analysis.fits["T30"] is None
    with pytest.raises(ValueError, match="T30 could not be measured"):
        analysis.rt60("T30")
    with pytest.raises(KeyError, match="no fit named"):
        analysis.rt60("T60")


def test_bundled_rir_needs_the_rumble_removed_for_t20():
    rir, rate = helpers.load_audio("rir")
    broadband = decay.analyse_decay(rir, rate)
    filtered = decay.analyse_decay(rir, rate, highpass_hz=200)
    assert filtered.noise_floor.decay_range_db > broadband.noise_floor.decay_range_db + 5
    assert 0.4 < filtered.rt60("T20") < 0.8
    assert abs(filtered.rt60("T20") / filtered.noise_floor.late_rt60 - 1) < 0.1


def test_highpass_is_butterworth():
    white = helpers.noise_colours.white_noise(4 * RATE, seed=4)
    filtered = filters.highpass(white, RATE, 400.0)
    gains = helpers.transfer_db(white, filtered, RATE, [100, 400, 2000])
    assert abs(gains[1] - -3.0) < 0.5
    assert gains[0] < -40
    assert abs(gains[2]) < 0.5
    with pytest.raises(ValueError, match="cutoff_hz"):
        filters.highpass(white, RATE, 9000.0)


def test_plot_energy_decay_draws_fits_and_cut():
    analysis = decay.analyse_decay(_noisy_rir(0.5), RATE)
    line = decay.plot_energy_decay(analysis, title="test")
    axis = line.axes
    labels = [artist.get_label() for artist in axis.lines]
    assert line.get_label() == "cut and compensated"
    assert "uncut (noise integrated)" in labels
    assert any(label.startswith("noise floor at") for label in labels)
    assert any(label.startswith("T20 fit") for label in labels)
    assert any(label.startswith("T30 fit") for label in labels)
    assert axis.get_title() == "test"
    assert axis.get_xlabel() == "Time after the direct sound (s)"
    assert axis.get_ylabel() == "Energy remaining (dB)"
    plt.close(axis.figure)
    with pytest.raises(TypeError, match="analyse_decay"):
        decay.plot_energy_decay(torch.zeros(10))


def test_plot_energy_decay_without_fits():
    analysis = decay.analyse_decay(_noisy_rir(0.5, noise_db=-25.0), RATE)
    assert analysis.fits["T20"] is None and analysis.fits["T30"] is None
    line = decay.plot_energy_decay(analysis, color="C5")
    labels = [artist.get_label() for artist in line.axes.lines]
    assert not any(" fit " in label for label in labels)
    assert line.get_color() == "C5"


def test_level_envelope_db():
    times, level = measure.level_envelope_db(torch.full((1, 1600), 0.1), RATE, block_s=0.01)
    assert len(times) == 10
    assert np.allclose(level, -20.0)
    with pytest.raises(ValueError, match="shorter than one block"):
        measure.level_envelope_db(torch.ones(1, 10), RATE)


# --- direct-to-reverberant ratio ------------------------------------------------


def test_drr_of_a_known_response():
    rir = torch.zeros(1, 1000, dtype=torch.float64)
    rir[0, 100] = 1.0  # direct energy 1
    rir[0, 200:300] = 0.1  # reverberant energy 100 * 0.01 = 1
    assert room.direct_to_reverberant_ratio(rir, 1000, window_s=0.0025) == pytest.approx(0.0)
    rir[0, 90] = 0.5  # energy before the direct-sound window is ignored
    assert room.direct_to_reverberant_ratio(rir, 1000, window_s=0.0025) == pytest.approx(0.0)
    assert room.direct_to_reverberant_ratio(rir, 1000, stop_index=250) == pytest.approx(
        10 * math.log10(2)
    )


def test_drr_rejects_bad_input():
    rir = torch.zeros(1, 1000)
    rir[0, 100] = 1.0
    with pytest.raises(ValueError, match="infinite"):
        room.direct_to_reverberant_ratio(rir, 1000)
    with pytest.raises(ValueError, match="stop_index"):
        room.direct_to_reverberant_ratio(rir, 1000, stop_index=50)


def test_noise_floor_keeps_the_block_length_of_its_last_iteration():
    response = _noisy_rir(0.5, seed=1)
    found = noise_floor.find_noise_floor(response, RATE)
    # 5 blocks per 10 dB of the first decay line: for an RT60 near 0.5 s, about 17 ms
    assert 0.01 < found.block_frames / RATE < 0.025


def test_plot_noise_floor_draws_the_diagnostic_on_the_given_axes():
    response = _noisy_rir(0.5, seed=1)
    found = noise_floor.find_noise_floor(response, RATE)
    _figure, ax = helpers.new_figure()
    line = noise_floor.plot_noise_floor(response, RATE, floor=found, ax=ax, title="t", color="k")
    assert line.axes is ax and line.get_color() == "k"
    assert ax.get_title() == "t"
    assert len(ax.lines) == 5  # blocks, noise level, late-decay line, crossing, its line
    times, levels = line.get_data()
    assert abs(times[0] * 2 - found.block_frames / RATE) < 1e-9  # first block's centre
    assert abs(float(np.median(levels[times > found.crossing_s + 0.2])) - found.noise_db) < 3
    assert noise_floor.plot_noise_floor(response, RATE).axes is not ax  # floor=None, ax=None


def test_plot_noise_floor_rejects_a_wrong_floor():
    with pytest.raises(TypeError, match="find_noise_floor"):
        noise_floor.plot_noise_floor(_noisy_rir(0.5, seed=1), RATE, floor=0.5)
