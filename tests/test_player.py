"""What a notebook stores for a player: Ogg Opus where it is transparent, else FLAC."""

import base64
import io
import re

import numpy as np
import pytest
import soundfile

import helpers
from helpers.display.player import OPUS_BITRATE_PER_CHANNEL, OPUS_LEVEL_TOLERANCE_DB

RATE = 16000


def speech_like(seconds=3.0, rate=RATE, seed=0):
    """A voiced sound (harmonics of a gliding 120-180 Hz pitch) in bursts, plus breath noise."""
    times = np.arange(round(seconds * rate)) / rate
    pitch = 150 + 30 * np.sin(2 * np.pi * 0.7 * times)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 30) if k * 180 < rate / 2)
    bursts = 0.5 * (1 + np.sin(2 * np.pi * 2.5 * times)) ** 2
    noise = np.random.default_rng(seed).standard_normal(times.size) * 0.01
    signal = 0.2 * voiced * bursts + noise
    return (0.8 * signal / np.max(np.abs(signal))).astype(np.float32)


def rms_db(x):
    return 20 * np.log10(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2)))


def snr_db(reference, test):
    reference = np.asarray(reference, dtype=np.float64)
    error = reference - np.asarray(test, dtype=np.float64)
    return 10 * np.log10(np.sum(reference**2) / np.sum(error**2))


def stored(player):
    """The stored player's MIME type and its audio as decoded from the page."""
    match = re.search(r'src="data:(audio/[a-z]+);base64,([A-Za-z0-9+/=]+)"', player._repr_html_())
    data, rate = soundfile.read(
        io.BytesIO(base64.b64decode(match.group(2))), dtype="float64", always_2d=True
    )
    return match.group(1), data.T, rate


@pytest.mark.parametrize("rate", [8000, 16000, 48000])
def test_opus_round_trip_keeps_length_level_and_waveform(rate):
    """Same length (the decoder removes Opus's pre-skip), RMS within 0.1 dB, SNR >= 20 dB.

    Waveform SNR is not what makes a codec transparent (it shapes its noise under what
    the ear hears); it is a floor checked by plain subtraction, sample by sample: the
    clips of the noise-and-reverb notebook read 22.6-28.6 dB at 16 kHz, 40 dB at 8 kHz.
    """
    clip = speech_like(rate=rate)
    player = helpers.play(clip, rate)
    mime, decoded, decoded_rate = stored(player)
    assert mime == "audio/ogg"
    assert decoded_rate == rate
    assert decoded.shape == (1, clip.size)
    assert abs(rms_db(decoded) - rms_db(clip)) <= OPUS_LEVEL_TOLERANCE_DB
    assert snr_db(clip, decoded[0]) >= 20.0
    assert np.max(np.abs(decoded)) <= 1.0
    # aligned to the sample: the pre-skip is removed, no delay is left
    lags = range(-8, 9)
    match = [np.dot(clip[8:-8], np.roll(decoded[0], -lag)[8:-8]) for lag in lags]
    assert lags[int(np.argmax(match))] == 0
    kbps = len(player.opus_bytes()) * 8 / (clip.size / rate) / 1000
    assert OPUS_BITRATE_PER_CHANNEL / 1000 <= kbps <= 1.15 * OPUS_BITRATE_PER_CHANNEL / 1000
    assert len(player.opus_bytes()) < len(player.flac_bytes())


def test_stereo_opus_keeps_each_channel():
    left, right = speech_like(seed=1), 0.5 * speech_like(seed=2)[::-1]
    mime, decoded, _ = stored(helpers.play(np.stack([left, right]), RATE))
    assert mime == "audio/ogg"
    for source, channel in zip((left, right), decoded, strict=True):
        assert abs(rms_db(channel) - rms_db(source)) <= OPUS_LEVEL_TOLERANCE_DB
        assert snr_db(source, channel) >= 20.0


@pytest.mark.parametrize(
    ("name", "waveform", "rate"),
    [
        ("a rate Opus does not code", speech_like(rate=44100), 44100),
        ("silence", np.zeros(RATE, dtype=np.float32), RATE),
        # a full-scale square wave: the codec's band limit overshoots full scale (Gibbs)
        (
            "a clipping overshoot",
            np.sign(np.sin(2 * np.pi * 200 * np.arange(RATE) / RATE)).astype(np.float32),
            RATE,
        ),
    ],
)
def test_flac_when_opus_would_not_be_faithful(name, waveform, rate):
    player = helpers.play(waveform, rate)
    assert player.opus_bytes() is None, name
    mime, decoded, _ = stored(player)
    assert mime == "audio/flac"
    wav, _ = soundfile.read(io.BytesIO(player.wav_bytes()), dtype="float64", always_2d=True)
    np.testing.assert_array_equal(decoded, wav.T)


def test_the_caption_is_the_samples_not_the_codec():
    clip = speech_like()
    player = helpers.play(0.5 * clip, RATE, title="half")
    assert player.stored_audio()[0] == "audio/ogg"
    assert f"peak {20 * np.log10(0.5 * np.max(np.abs(clip))):.1f} dBFS" in player.caption()
    assert "scaled" not in player.caption()  # never renormalised
