"""helpers.resampling: the worst and mean alias from a sweep, the reference resamplers, the
device measurement, the explorer's panels and controls."""

import numpy as np
import pytest
import torch
import torchaudio.functional as AF

import helpers
from helpers import kernels, resampling, sweeps


@pytest.fixture(scope="module")
def sweep():
    return sweeps.log_sweep(48000, 1.5)


@pytest.fixture(scope="module")
def slow_sweep():
    return sweeps.log_sweep(48000, 15.0, fade_s=0.05)


def test_worst_alias_of_torchaudios_defaults_is_just_above_16_khz(sweep):
    quality = resampling.measure_resampling(AF.resample(sweep.waveform, 48000, 32000), 32000,
                                            sweep)
    assert -10 < quality.aliasing_db < -6 and 16300 < quality.aliasing_hz < 16500
    assert -17 < quality.mean_aliasing_db < -14


def test_slow_sweep_agrees_with_the_exact_response(slow_sweep):
    references = resampling.reference_resamplers(48000, 32000)
    for name in ("torchaudio defaults", "soxr HQ", "librosa kaiser_fast"):
        exact = kernels.response_quality(
            *kernels.probe_response(references[name], 48000, 32000),
            orig_rate=48000, new_rate=32000).aliasing_db
        swept = resampling.measure_resampling(references[name](slow_sweep.waveform), 32000,
                                              slow_sweep).aliasing_db
        assert swept == pytest.approx(exact, abs=5), name
    # The slow sweep's floor lies far below soxr HQ: it reads soxr VHQ below -150 dB.
    vhq = references["soxr VHQ"](slow_sweep.waveform)
    assert resampling.measure_resampling(vhq, 32000, slow_sweep).aliasing_db < -150


def test_fast_sweeps_mean_alias_has_a_floor_near_minus_90_db(sweep, slow_sweep):
    soxr_hq = resampling.reference_resamplers(48000, 32000)["soxr HQ"]
    fast = resampling.measure_resampling(soxr_hq(sweep.waveform), 32000, sweep)
    slow = resampling.measure_resampling(soxr_hq(slow_sweep.waveform), 32000, slow_sweep)
    assert fast.mean_aliasing_db > -95 and slow.mean_aliasing_db < -120


def test_measure_resampling_rejects_a_bad_guard(sweep):
    output = AF.resample(sweep.waveform, 48000, 32000)
    with pytest.raises(ValueError, match="guard"):
        resampling.measure_resampling(output, 32000, sweep, guard=0.6)


def test_reference_resamplers_keep_the_batch_layout():
    batch = torch.randn(3, 4800, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    for name, resample in resampling.reference_resamplers(48000, 32000).items():
        output = resample(batch)
        assert isinstance(output, np.ndarray), name
        assert output.shape[0] == 3 and abs(output.shape[1] - 3200) <= 1, name
        # Each row is resampled on its own (soxr's channels are the batch's rows).
        single = resample(batch[1:2])
        np.testing.assert_allclose(output[1], single[0], atol=1e-6, err_msg=name)


def test_device_aliasing_on_the_cpu_matches_float64_and_restores_the_setting():
    before = torch.backends.cudnn.conv.fp32_precision
    level = resampling.device_aliasing_db(48000, 32000, device="cpu", fp32_precision="ieee",
                                          **resampling.LONG_KAISER)
    assert torch.backends.cudnn.conv.fp32_precision == before
    exact = kernels.response_quality(
        *kernels.probe_response(
            lambda batch: AF.resample(batch, 48000, 32000, **resampling.LONG_KAISER),
            48000, 32000), orig_rate=48000, new_rate=32000).aliasing_db
    assert level == pytest.approx(exact, abs=1)
    with pytest.raises(ValueError, match="fp32_precision"):
        resampling.device_aliasing_db(48000, 32000, fp32_precision="half")


def test_draw_resampling_titles_the_panels_with_what_it_measured(sweep):
    _, axes = helpers.new_figure(1, 2)
    output = AF.resample(sweep.waveform, 48000, 16000)
    quality = resampling.draw_resampling(output, 16000, sweep, axes=axes)
    assert f"worst alias {quality.aliasing_db:.0f} dB" in axes[1].get_title()
    assert axes[0].get_title() == "48 → 16 kHz"


def test_explorer_controls_match_torchaudios_defaults():
    controls = {control.name: control for control in resampling.explorer_controls()}
    assert list(controls) == ["target_rate", "lowpass_filter_width", "rolloff", "method", "beta"]
    assert controls["lowpass_filter_width"].default == 6
    assert controls["rolloff"].default == 0.99
    assert controls["beta"].default == pytest.approx(14.769656459379492, abs=0.01)
