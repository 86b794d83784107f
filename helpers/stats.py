"""One clip's statistics at a glance: duration, channels, peak and RMS level, DC offset.

:func:`print_stats` is what a notebook prints after loading or changing a clip; the
levels come from :mod:`helpers.measure`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import ArrayLike, as_waveform, check_sample_rate, power_db

__all__ = ["AudioStats", "audio_stats", "print_stats"]


@dataclass(frozen=True)
class AudioStats:
    """What :func:`audio_stats` measures; ``print`` gives a readable table."""

    shape: tuple[int, ...]
    dtype: str
    sample_rate: int
    duration_s: float
    peak: tuple[float, ...]
    peak_dbfs: tuple[float, ...]
    rms_dbfs: tuple[float, ...]
    dc_offset: tuple[float, ...]

    def __str__(self) -> str:
        lines = [
            f"shape {self.shape}, dtype {self.dtype}, {self.sample_rate} Hz, "
            f"{self.duration_s:.3f} s",
            f"{'channel':>8} {'peak':>8} {'peak dBFS':>10} {'RMS dBFS':>9} {'DC offset':>10}",
        ]
        for channel, values in enumerate(
            zip(self.peak, self.peak_dbfs, self.rms_dbfs, self.dc_offset, strict=True)
        ):
            peak, peak_db, rms_db, dc = values
            lines.append(f"{channel:>8} {peak:8.4f} {peak_db:10.1f} {rms_db:9.1f} {dc:+10.5f}")
        return "\n".join(lines)


def print_stats(waveform: ArrayLike, sample_rate: int, *, title: str | None = None) -> None:
    """Print shape, dtype, sample rate, duration, and per-channel peak, RMS and DC offset.

    Used in: 02 · Background noise at a measured SNR, §1.

    Parameters
    ----------
    waveform : torch.Tensor or numpy.ndarray, shape (frames,) or (channels, frames)
        The samples.
    sample_rate : int
        In Hz.
    title : str or None
        The clip's name, printed as a heading.
    """
    if title:
        print(f"--- {title} ---")
    print(audio_stats(waveform, sample_rate))


def audio_stats(waveform: ArrayLike, sample_rate: int) -> AudioStats:
    """Shape, dtype, duration and per-channel peak, RMS (dBFS) and DC offset."""
    sample_rate = check_sample_rate(sample_rate)
    data = as_waveform(waveform).astype(np.float64)
    peaks = np.max(np.abs(data), axis=1)
    return AudioStats(
        shape=tuple(waveform.shape),
        dtype=str(waveform.dtype).replace("torch.", ""),
        sample_rate=sample_rate,
        duration_s=data.shape[1] / sample_rate,
        peak=tuple(float(p) for p in peaks),
        peak_dbfs=tuple(float(power_db(p**2)) for p in peaks),
        rms_dbfs=tuple(float(power_db(m)) for m in np.mean(data**2, axis=1)),
        dc_offset=tuple(float(m) for m in np.mean(data, axis=1)),
    )
