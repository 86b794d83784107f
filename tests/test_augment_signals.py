"""helpers.augment's signal steps: codecs, loudness, tempo, rooms, noise corpus, SpecAugment."""

import math

import numpy as np
import pyloudnorm
import pytest
import scipy.signal
import torch

import helpers
from helpers.augment import codecs, loudness, noises, rooms, specaugment, tempo

RATE = 16000


@pytest.fixture(scope="module")
def speech():
    return helpers.load_audio("speech")[0]


def _noise(frames, seed=0, level=0.1):
    return level * torch.randn(1, frames, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("codec", ["mp3", "vorbis", "opus"])
def test_codec_round_trip_keeps_rate_channels_and_most_of_the_signal(speech, codec):
    trip = codecs.codec_round_trip(speech, RATE, codec=codec, compression_level=0.3)
    assert trip.waveform.shape[0] == 1 and trip.waveform.dtype == torch.float32
    assert trip.encoded_bytes > 0 and 10 < trip.kbps < 400
    delay = codecs.find_delay(speech, trip.waveform, max_lag=RATE // 10)
    aligned = codecs.align(trip.waveform, delay, speech.shape[-1])
    assert aligned.shape == speech.shape
    assert helpers.noise.snr_db(speech, aligned - speech) > 15


def test_codec_arguments_are_checked(speech):
    with pytest.raises(ValueError, match="codec must be one of"):
        codecs.codec_round_trip(speech, RATE, codec="aac")
    with pytest.raises(ValueError, match=r"compression_level must be in \[0, 1\)"):
        codecs.codec_round_trip(speech, RATE, codec="mp3", compression_level=1.0)
    with pytest.raises(ValueError, match="bitrate_mode"):
        codecs.codec_round_trip(speech, RATE, codec="vorbis", bitrate_mode="CONSTANT")
    with pytest.raises(ValueError, match="Opus encodes only at"):
        codecs.codec_round_trip(speech[:, :22050], 22050, codec="opus")


@pytest.mark.parametrize("delay", [0, 5, 1105, -40])
def test_find_delay_recovers_a_known_shift_through_noise(delay):
    reference = _noise(4000, 1)
    shifted = torch.roll(torch.nn.functional.pad(reference, (100, 1200)), delay)[:, 100:]
    processed = 0.5 * shifted + _noise(shifted.shape[-1], 2, 0.05)
    assert codecs.find_delay(reference, processed) == delay
    aligned = codecs.align(processed, delay, reference.shape[-1])
    assert aligned.shape == reference.shape


def test_mu_law_snr_is_near_the_textbook_value(speech):
    out = codecs.mu_law_round_trip(speech)
    assert abs(helpers.noise.snr_db(speech, out - speech) - 38.05) < 1.5
    with pytest.raises(ValueError, match="bits"):
        codecs.mu_law_round_trip(speech, bits=1)


def test_bandwidth_of_a_known_low_pass():
    white = _noise(3 * RATE, 3)
    b, a = scipy.signal.butter(8, 4000, fs=RATE)
    filtered = torch.from_numpy(scipy.signal.lfilter(b, a, white.numpy())).float()
    assert abs(codecs.bandwidth_hz(white, filtered, RATE) - 4500) < 400
    assert codecs.bandwidth_hz(white, white, RATE) == RATE / 2


def test_loudness_of_the_reference_sine_and_agreement_with_pyloudnorm(speech):
    t = torch.arange(3 * 48000, dtype=torch.float64) / 48000
    sine = torch.sin(2 * math.pi * 997 * t)[None]
    assert loudness.integrated_loudness(sine, 48000) == pytest.approx(-3.01, abs=0.01)
    stereo = torch.cat([sine, sine])  # two channels, each weight 1: +3.01 dB
    assert loudness.integrated_loudness(stereo, 48000) == pytest.approx(0.0, abs=0.01)
    reference = pyloudnorm.Meter(RATE).integrated_loudness(speech[0].double().numpy())
    assert abs(loudness.integrated_loudness(speech, RATE) - reference) < 0.2
    assert loudness.integrated_loudness(torch.zeros(1, RATE), RATE) == helpers.validation.DB_FLOOR


def test_loudness_refuses_short_clips_and_normalises_with_a_peak_guard(speech):
    with pytest.raises(ValueError, match="shorter than one 400 ms gating block"):
        loudness.integrated_loudness(speech[:, :4800], RATE)
    result = loudness.normalize_loudness(speech, RATE, target_lufs=-26.0)
    assert not result.peak_limited
    assert loudness.integrated_loudness(result.waveform, RATE) == pytest.approx(-26.0, abs=1e-6)
    loud = loudness.normalize_loudness(speech, RATE, target_lufs=-5.0, peak_dbfs=-1.0)
    assert loud.peak_limited and helpers.peak_dbfs(loud.waveform) == pytest.approx(-1.0, abs=1e-4)
    assert helpers.peak_dbfs(loudness.normalize_peak(speech, peak_dbfs=-3)) == pytest.approx(-3.0)
    with pytest.raises(ValueError, match="silent"):
        loudness.normalize_loudness(torch.zeros(1, RATE), RATE)


def test_speed_pitch_and_tempo_change_what_they_should():
    tone = tempo.harmonic_tone(RATE, f0_hz=220.0)
    fast = tempo.change_speed(tone, RATE, factor=1.1)
    assert fast.shape[-1] == pytest.approx(RATE / 1.1, abs=2)
    assert helpers.dominant_frequency(fast, RATE) == pytest.approx(242.0, abs=2)
    higher = tempo.shift_pitch(tone, RATE, semitones=2.0)
    assert higher.shape == tone.shape
    assert helpers.dominant_frequency(higher, RATE) == pytest.approx(220 * 1.12, abs=2)
    slower = tempo.time_stretch(tone, rate=0.8)
    assert slower.shape[-1] == round(RATE / 0.8)
    assert helpers.dominant_frequency(slower, RATE) == pytest.approx(220.0, abs=2)
    with pytest.raises(ValueError, match="positive"):
        tempo.change_speed(tone, RATE, factor=0)


def test_simulated_room_direct_path_is_the_first_arrival():
    room = rooms.simulate_room(0.3, RATE)
    assert room.direct_index == pytest.approx(room.expected_direct_index, abs=1)
    assert helpers.room.direct_path_index(room.rir) > room.direct_index  # coincident reflections
    aligned = rooms.align_rir(room.rir, RATE)
    assert helpers.room.direct_path_index(aligned, RATE, rule="first_arrival") == 0
    assert float(aligned.square().sum()) == pytest.approx(1.0, abs=1e-5)
    decay = helpers.decay.analyse_decay(room.rir, RATE, truncate=False)
    assert abs(decay.rt60("T30") - 0.3) < 0.05
    with pytest.raises(ValueError, match="target_rt60_s"):
        rooms.simulate_room(5.0, RATE)


def test_noise_corpus_is_band_limited_at_unit_rms():
    corpus = noises.noise_corpus(RATE, seconds=2.0)
    assert "babble (recorded)" in corpus and len(corpus) == 4
    for name, noise in corpus.items():
        assert noise.shape[0] == 1
        assert float(noise.square().mean()) == pytest.approx(1.0, rel=1e-4)
        if name in helpers.noise_colours.COLOURS:
            _, low, high = helpers.noise_colours.COLOURS[name]
            assert helpers.noise_colours.band_power_share(noise, RATE, low, high) > 0.999
    short = noises.noise_excerpt(torch.arange(10.0)[None], 25)
    assert short.shape == (1, 25)


def test_spec_augment_respects_lengths_and_fills_with_the_mean():
    features = torch.randn(3, 40, 120, generator=torch.Generator().manual_seed(0))
    lengths = torch.tensor([120, 80, 30])
    masked, mask = specaugment.spec_augment(
        features, lengths, freq_masks=2, freq_width=10, time_masks=3, time_width=30,
        generator=torch.Generator().manual_seed(1),
    )
    for i, n in enumerate(lengths.tolist()):
        assert not mask[i, :, n:].any()
        assert torch.equal(masked[i, :, n:], features[i, :, n:])
        assert torch.allclose(masked[i][mask[i]], features[i, :, :n].mean())
        assert mask[i].any()
    again, _ = specaugment.spec_augment(
        features, lengths, freq_masks=2, freq_width=10, time_masks=3, time_width=30,
        generator=torch.Generator().manual_seed(1),
    )
    assert torch.equal(masked, again)
    with pytest.raises(ValueError, match="lengths must be"):
        specaugment.spec_augment(features, torch.tensor([121, 1, 1]))
    assert specaugment.frame_lengths(torch.tensor([16000]), 160).tolist() == [101]


def test_band_power_share_of_a_pure_tone():
    t = np.arange(RATE) / RATE
    tone = torch.from_numpy(np.sin(2 * np.pi * 1000 * t))[None]
    assert helpers.noise_colours.band_power_share(tone, RATE, 900, 1100) > 0.999
