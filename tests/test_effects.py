"""Sox-style effects rebuilt from torchaudio: one-pole low-pass, synthetic RIR, reverb."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torchaudio.functional as AF

import helpers
from helpers import effects
from helpers.effects import apply_reverb, synthetic_rir
from helpers.filters import fft_convolve, single_pole_lowpass

RATE = 16000


def white_noise(seconds=4.0, seed=0, channels=1):
    generator = torch.Generator().manual_seed(seed)
    return 0.1 * torch.randn(channels, round(seconds * RATE), generator=generator)


def one_pole_db(frequency, cutoff, rate=RATE):
    pole = np.exp(-2 * np.pi * cutoff / rate)
    omega = 2 * np.pi * np.asarray(frequency) / rate
    return 20 * np.log10((1 - pole) / np.abs(1 - pole * np.exp(-1j * omega)))


# --------------------------------------------------------------------------- single_pole_lowpass


@pytest.mark.parametrize("cutoff", [100.0, 1000.0])
def test_single_pole_lowpass_matches_the_analytic_response(cutoff):
    noise = white_noise()
    filtered = single_pole_lowpass(noise, RATE, cutoff)
    frequencies = [50.0, cutoff, 2 * cutoff, 4000.0]
    measured = helpers.transfer_db(noise, filtered, RATE, frequencies)
    np.testing.assert_allclose(measured, one_pole_db(frequencies, cutoff), atol=0.1)


def test_single_pole_lowpass_matches_the_analytic_response_on_tones():
    times = torch.arange(2 * RATE) / RATE
    for frequency in (100.0, 1000.0):
        tone = torch.sin(2 * torch.pi * frequency * times)
        filtered = single_pole_lowpass(tone, RATE, 1000.0)
        steady = filtered[:, RATE:]  # after the transient: a whole number of periods
        gain_db = 20 * np.log10(float(steady.square().mean().sqrt() / np.sqrt(0.5)))
        assert gain_db == pytest.approx(one_pole_db(frequency, 1000.0), abs=0.1)


def test_single_pole_lowpass_has_unit_dc_gain():
    filtered = single_pole_lowpass(torch.full((RATE,), 0.5), RATE, 200.0)
    assert filtered.shape == (1, RATE)
    assert float(filtered[0, -1]) == pytest.approx(0.5, rel=1e-4)


def test_single_pole_lowpass_keeps_channels_and_accepts_numpy():
    stereo = white_noise(seconds=0.5, channels=2)
    filtered = single_pole_lowpass(stereo.numpy(), RATE, 500.0)
    assert isinstance(filtered, torch.Tensor)
    assert filtered.shape == (2, RATE // 2)
    torch.testing.assert_close(filtered[1:], single_pole_lowpass(stereo[1], RATE, 500.0))


def test_single_pole_lowpass_does_not_clamp():
    loud = torch.full((1000,), 2.0)
    assert float(single_pole_lowpass(loud, RATE, 1000.0).max()) > 1.9


@pytest.mark.parametrize("cutoff", [RATE / 2, RATE, 0.0, -100.0])
def test_single_pole_lowpass_rejects_cutoffs_outside_the_band(cutoff):
    with pytest.raises(ValueError, match="Nyquist"):
        single_pole_lowpass(white_noise(seconds=0.1), RATE, cutoff)


# --------------------------------------------------------------------------- synthetic_rir


def test_synthetic_rir_shape_and_unit_energy():
    response = synthetic_rir(RATE, 0.5, channels=2)
    assert response.dtype == torch.float32
    assert response.shape == (2, round(1.2 * 0.5 * RATE))
    torch.testing.assert_close(response.square().sum(dim=1), torch.ones(2))


def test_synthetic_rir_pre_delay_is_silent():
    response = synthetic_rir(RATE, 0.3, predelay_s=0.025)
    delay = round(0.025 * RATE)
    assert response.shape == (1, delay + round(1.2 * 0.3 * RATE))
    assert torch.all(response[:, :delay] == 0)
    assert response[0, delay] != 0
    assert float(response.square().sum()) == pytest.approx(1.0, rel=1e-5)


def test_synthetic_rir_is_seeded():
    torch.testing.assert_close(synthetic_rir(RATE, 0.4, seed=7), synthetic_rir(RATE, 0.4, seed=7))
    assert not torch.equal(synthetic_rir(RATE, 0.4, seed=7), synthetic_rir(RATE, 0.4, seed=8))
    torch.manual_seed(123)  # the global generator plays no part
    first = synthetic_rir(RATE, 0.4)
    torch.manual_seed(456)
    torch.testing.assert_close(first, synthetic_rir(RATE, 0.4))


def test_synthetic_rir_channels_are_decorrelated():
    left, right = synthetic_rir(RATE, 0.5, channels=2).double()
    correlation = float((left * right).sum() / (left.norm() * right.norm()))
    assert abs(correlation) < 0.1


def test_synthetic_rir_decays():
    response = synthetic_rir(RATE, 0.5)[0]
    early = response[: RATE // 20].square().mean()
    late = response[RATE // 4 : RATE // 4 + RATE // 20].square().mean()
    # 0.25 s of a 0.5 s RT60 is 30 dB down
    assert 10 * np.log10(float(late / early)) == pytest.approx(-30, abs=3.0)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"rt60": 0.0}, "rt60"),
        ({"rt60": 30.0}, "rt60"),
        ({"rt60": 0.5, "predelay_s": -0.1}, "predelay"),
    ],
)
def test_synthetic_rir_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        synthetic_rir(RATE, **kwargs)


# --------------------------------------------------------------------------- fft_convolve


@pytest.mark.parametrize("frames, taps", [(1, 1), (7, 3), (1009, 997), (4096, 1), (2, 5000)])
def test_fft_convolve_is_the_full_convolution(frames, taps):
    generator = torch.Generator().manual_seed(frames + taps)
    signal = torch.randn(2, frames, generator=generator, dtype=torch.float64)
    response = torch.randn(2, taps, generator=generator, dtype=torch.float64)
    out = fft_convolve(signal, response)
    assert out.shape == (2, frames + taps - 1)
    assert out.dtype == torch.float64
    for channel in range(2):
        expected = np.convolve(signal[channel].numpy(), response[channel].numpy())
        np.testing.assert_allclose(out[channel].numpy(), expected, atol=1e-9)
    torch.testing.assert_close(out, AF.fftconvolve(signal, response))


def test_fft_convolve_broadcasts_like_fftconvolve():
    signal = white_noise(seconds=0.05, channels=3).unsqueeze(0)  # (1, 3, frames)
    response = synthetic_rir(RATE, 0.02).unsqueeze(0)  # (1, 1, taps)
    torch.testing.assert_close(
        fft_convolve(signal, response), AF.fftconvolve(signal, response), atol=1e-5, rtol=1e-5
    )


# --------------------------------------------------------------------------- apply_reverb


def test_apply_reverb_dry_is_the_padded_input():
    dry = white_noise(seconds=0.5)
    response = synthetic_rir(RATE, 0.3)
    out = apply_reverb(dry, response, mix=0.0)
    assert out.shape == (1, dry.shape[1] + response.shape[1] - 1)
    torch.testing.assert_close(out[:, : dry.shape[1]], dry)
    assert torch.all(out[:, dry.shape[1] :] == 0)


def test_apply_reverb_wet_is_the_convolution():
    dry = white_noise(seconds=0.1)
    response = synthetic_rir(RATE, 0.05)
    out = apply_reverb(dry, response, mix=1.0)
    expected = np.convolve(dry[0].double().numpy(), response[0].double().numpy())
    np.testing.assert_allclose(out[0].numpy(), expected, atol=1e-5)
    half = apply_reverb(dry, response, mix=0.5)
    torch.testing.assert_close(half, 0.5 * out + 0.5 * apply_reverb(dry, response, mix=0.0))


def test_apply_reverb_output_length():
    dry = white_noise(seconds=0.2, channels=2)
    response = synthetic_rir(RATE, 0.1)
    out = apply_reverb(dry.numpy(), response, mix=0.3)
    assert out.shape == (2, dry.shape[1] + response.shape[1] - 1)


def test_apply_reverb_per_channel_responses():
    dry = white_noise(seconds=0.1, channels=2)
    response = synthetic_rir(RATE, 0.05, channels=2)
    out = apply_reverb(dry, response, mix=1.0)
    torch.testing.assert_close(out[1:], apply_reverb(dry[1], response[1], mix=1.0))


def test_apply_reverb_channel_mismatch():
    with pytest.raises(ValueError, match="3 channels for a 2-channel"):
        apply_reverb(white_noise(seconds=0.1, channels=2), synthetic_rir(RATE, 0.1, channels=3),
                     mix=0.5)


@pytest.mark.parametrize("mix", [-0.1, 1.5, float("nan")])
def test_apply_reverb_mix_out_of_range(mix):
    with pytest.raises(ValueError, match="mix must be between 0"):
        apply_reverb(white_noise(seconds=0.1), synthetic_rir(RATE, 0.1), mix=mix)


def test_apply_reverb_mono_through_stereo_response_gives_stereo():
    dry = white_noise(seconds=0.1, channels=1)
    response = synthetic_rir(RATE, 0.1, channels=2, seed=3)
    out = apply_reverb(dry, response, mix=1.0)
    assert out.shape == (2, dry.shape[-1] + response.shape[-1] - 1)
    for channel in range(2):
        alone = apply_reverb(dry, response[channel], mix=1.0)
        torch.testing.assert_close(out[channel : channel + 1], alone)


# --------------------------------------------------------------------------- effects_chain


def test_effects_chain_length_and_pitch():
    times = torch.arange(2 * RATE) / RATE
    tone = 0.3 * torch.sin(2 * torch.pi * 500 * times).unsqueeze(0)
    result = effects.effects_chain(tone, RATE, cutoff_hz=2000.0, speed=1.25, rt60=0.5, mix=0.0)
    assert result.shape == (2, math.ceil(tone.shape[-1] / 1.25) + round(1.2 * 0.5 * RATE) - 1)
    assert helpers.dominant_frequency(result, RATE) == pytest.approx(625.0, abs=1.0)


def test_effects_chain_rejects_a_non_positive_speed():
    with pytest.raises(ValueError, match="speed must be a positive factor"):
        effects.effects_chain(torch.zeros(1, RATE), RATE, cutoff_hz=300, speed=0, rt60=0.5, mix=1)


def test_an_explorer_over_the_chain_redraws_once_per_move():
    """What notebook 01's explorer does: one drawing on creation, one per `set`."""
    figure, axes = helpers.new_figure(2, 1)
    clip = white_noise(seconds=1.0)

    def render(cutoff_hz, speed):
        result = effects.effects_chain(
            clip, RATE, cutoff_hz=cutoff_hz, speed=speed, rt60=0.3, mix=1
        )
        with helpers.redraw(figure):
            helpers.plot_waveform(result[0], RATE, ax=axes[0])
        return figure, helpers.play(result, RATE, title="chain", on_clip="scale")

    explorer = helpers.Explorer(
        render,
        [
            helpers.Slider(
                name="cutoff_hz",
                label="Cut-off",
                unit="Hz",
                minimum=50,
                maximum=5000,
                default=300,
                log=True,
            ),
            helpers.Slider(
                name="speed", label="Speed", unit="×", minimum=0.5, maximum=2, default=1
            ),
        ],
    )
    frames = explorer.audio.waveform.shape[-1]
    explorer.set(speed=1.25)
    assert explorer.updates == 2
    assert explorer.audio.waveform.shape[-1] < frames
