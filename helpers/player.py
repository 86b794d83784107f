"""Listening: an audio player for notebooks that keeps loudness differences audible."""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import soundfile

from .validation import ArrayLike, amplitude_db, as_waveform, check_sample_rate

__all__ = ["AudioPlayer", "play"]


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

    def _repr_html_(self) -> str:
        # FLAC, not WAV: the same samples in about half the bytes, so notebooks stay small
        payload = base64.b64encode(self.flac_bytes()).decode("ascii")
        return (
            '<div class="course-audio"><div style="font-size:0.9em">'
            f"{html.escape(self.caption())}</div>"
            f'<audio controls preload="none" src="data:audio/flac;base64,{payload}"></audio></div>'
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
