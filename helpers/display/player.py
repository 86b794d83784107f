"""Listening: an audio player for notebooks that keeps loudness differences audible."""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import soundfile

from ..validation import OPUS_RATES, ArrayLike, amplitude_db, as_waveform, check_sample_rate

__all__ = ["OPUS_BITRATE_PER_CHANNEL", "OPUS_RATES", "AudioPlayer", "play"]

#: Target bit rate of a stored player's Opus stream, per channel, in bit/s (variable).
#: Xiph's recommended settings call 128 kb/s Opus "pretty much transparent" for fullband
#: stereo music; this is as much per channel, for clips of 8 kHz bandwidth or less mostly.
OPUS_BITRATE_PER_CHANNEL = 64_000
#: The decoded Opus stream must have each channel's RMS level within this many dB of the
#: samples', or the player stores FLAC instead.
OPUS_LEVEL_TOLERANCE_DB = 0.1


class AudioPlayer:
    """An HTML audio player for a notebook; see :func:`play`.

    Parameters
    ----------
    waveform : numpy.ndarray, shape (channels, frames)
        float32 samples, within full scale.
    sample_rate : int
        In Hz.
    title : str
        The clip's name, shown in the caption.
    note : str
        Added to the caption in parentheses (e.g. how much it was scaled).
    """

    def __init__(self, waveform: np.ndarray, sample_rate: int, title: str, note: str = "") -> None:
        self.waveform = waveform
        self.sample_rate = sample_rate
        self.title = title
        self.note = note

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.waveform.shape[1] / self.sample_rate

    @property
    def peak_dbfs(self) -> float:
        """Largest absolute sample in dBFS (silence reads -200 dB, as everywhere)."""
        return amplitude_db(float(np.max(np.abs(self.waveform))))

    def caption(self) -> str:
        """The text shown above the player: title, duration, rate and peak level."""
        channels = self.waveform.shape[0]
        parts = [
            self.title,
            f"{self.duration_s:.2f} s",
            f"{self.sample_rate} Hz",
            "mono" if channels == 1 else f"{channels} ch",
            f"peak {self.peak_dbfs:.1f} dBFS",
        ]
        return " · ".join(part for part in parts if part) + (f" ({self.note})" if self.note else "")

    def wav_bytes(self) -> bytes:
        """The audio as a 16-bit PCM WAV file."""
        buffer = io.BytesIO()
        soundfile.write(buffer, self.waveform.T, self.sample_rate, format="WAV", subtype="PCM_16")
        return buffer.getvalue()

    def flac_bytes(self) -> bytes:
        """The 16-bit samples of :meth:`wav_bytes`, bit for bit, losslessly compressed (FLAC)."""
        # From the WAV file's integers: libsndfile rounds floats differently for FLAC.
        samples, _ = soundfile.read(io.BytesIO(self.wav_bytes()), dtype="int16", always_2d=True)
        buffer = io.BytesIO()
        soundfile.write(buffer, samples, self.sample_rate, format="FLAC", subtype="PCM_16")
        return buffer.getvalue()

    def opus_bytes(self) -> bytes | None:
        """The 16-bit samples of :meth:`wav_bytes` as Ogg Opus, or None where that fails.

        Variable bit rate, :data:`OPUS_BITRATE_PER_CHANNEL` per channel. None when the
        rate is not one Opus codes (:data:`OPUS_RATES`), or when the decoded stream
        (pre-skip removed by the decoder) differs from the samples in length, in a
        channel's RMS level by more than :data:`OPUS_LEVEL_TOLERANCE_DB`, or peaks
        beyond full scale (the codec can overshoot a loud peak): it would clip.
        """
        if self.sample_rate not in OPUS_RATES:
            return None
        samples, _ = soundfile.read(io.BytesIO(self.wav_bytes()), dtype="float32", always_2d=True)
        if not np.any(samples):
            return None
        # libsndfile maps a compression level in [0, 1] linearly onto 256 to 6 kb/s per channel
        level = 1.0 - (OPUS_BITRATE_PER_CHANNEL - 6000) / 250_000
        buffer = io.BytesIO()
        soundfile.write(  # variable bit rate: libopus's default
            buffer,
            samples,
            self.sample_rate,
            format="OGG",
            subtype="OPUS",
            compression_level=level,
        )
        decoded, rate = soundfile.read(
            io.BytesIO(buffer.getvalue()), dtype="float32", always_2d=True
        )
        if rate != self.sample_rate or decoded.shape != samples.shape:
            return None
        if float(np.max(np.abs(decoded))) > 1.0:
            return None
        source_db = np.array([amplitude_db(float(np.sqrt(np.mean(c**2)))) for c in samples.T])
        coded_db = np.array([amplitude_db(float(np.sqrt(np.mean(c**2)))) for c in decoded.T])
        if np.max(np.abs(coded_db - source_db)) > OPUS_LEVEL_TOLERANCE_DB:
            return None
        return buffer.getvalue()

    def stored_audio(self) -> tuple[str, bytes]:
        """What a notebook stores for this player: ``(mime_type, file_bytes)``.

        Ogg Opus (:meth:`opus_bytes`) where it can be made and is smaller than FLAC, else
        FLAC (:meth:`flac_bytes`, lossless): never renormalised, never clipped.
        """
        flac = self.flac_bytes()
        opus = self.opus_bytes()
        if opus is not None and len(opus) < len(flac):
            return "audio/ogg", opus
        return "audio/flac", flac

    def _repr_html_(self) -> str:
        # Opus (or FLAC), not WAV: a fraction of the bytes, so notebooks stay small
        mime, data = self.stored_audio()
        payload = base64.b64encode(data).decode("ascii")
        return (
            '<div class="course-audio"><div style="font-size:0.9em">'
            f"{html.escape(self.caption())}</div>"
            f'<audio controls preload="none" src="data:{mime};base64,{payload}"></audio></div>'
        )

    def __repr__(self) -> str:
        return f"AudioPlayer({self.caption()})"


def play(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    title: str = "",
    on_clip: str = "raise",
) -> AudioPlayer:
    """An audio player that plays samples at their true level.

    Used in: 01 · Audio effects in torch, §2, §3, §4, §5, §6, §8; 02 · Background noise at a
    measured SNR, §1, §3, §5, §6; 03 · Resampling, §1, §2, §3, §6; 05 · Augmentation at training
    time, §1, §3, §6; 06 · Does augmentation help?, §1, §3, §6, §7; 01a · inside a resampler, §2,
    §4; 02b · Levels, §2; 05a · codecs, §1, §2, §3; 05b · simulated rooms, §1, §2.

    Unlike ``IPython.display.Audio``'s default, nothing is renormalised, so a signal
    6 dB quieter sounds quieter.

    Parameters
    ----------
    waveform : torch.Tensor or numpy.ndarray, shape (frames,) or (channels, frames)
        The samples.
    sample_rate : int
        In Hz.
    title : str
        The clip's name, shown above the player.
    on_clip : {"raise", "scale"}
        What to do with samples beyond full scale (|x| > 1), which would clip:
        ``"raise"`` a ``ValueError``, or ``"scale"`` the whole signal just below full
        scale and say by how much in the caption.

    Returns
    -------
    AudioPlayer

    Examples
    --------
    >>> import torch
    >>> import helpers
    >>> player = helpers.play(0.1 * torch.ones(1, 8000), 16000, title="a tone")
    >>> player.duration_s, round(player.peak_dbfs, 1)
    (0.5, -20.0)
    """
    sample_rate = check_sample_rate(sample_rate)
    if on_clip not in {"raise", "scale"}:
        raise ValueError(f"on_clip must be 'raise' or 'scale', got {on_clip!r}")
    data = as_waveform(waveform).astype(np.float32)
    peak = float(np.max(np.abs(data)))
    note = ""
    if peak > 1.0:
        if on_clip == "raise":
            raise ValueError(
                f"{title or 'the audio'} peaks at {peak:.3f} ({amplitude_db(peak):+.1f} dBFS), "
                "above full scale: it would clip. Lower its gain, or pass on_clip='scale'"
            )
        factor = 0.99 / peak
        data = data * factor
        note = f"scaled by {amplitude_db(factor):.1f} dB to avoid clipping"
    return AudioPlayer(data, sample_rate, title, note)
