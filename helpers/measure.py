"""Measurements that back the notebooks' claims: levels, spectra, transfer functions, decay.

Every function takes a torch tensor or numpy array of shape ``(frames,)`` or
``(channels, frames)`` and returns plain Python floats or numpy arrays, so a
notebook can print them and ``assert`` on them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ._validation import ArrayLike, as_numpy_2d, as_tensor_2d, check_sample_rate

__all__ = [
    "AudioStats",
    "DecayFit",
    "audio_stats",
    "average_spectrum",
    "dominant_frequency",
    "energy_decay_curve",
    "estimate_rt60",
    "fit_decay",
    "peak_dbfs",
    "rms_dbfs",
    "spectrogram_db",
    "transfer_db",
]

#: Floor for logarithms, in linear power: -200 dB. Silence reads as -200 dB, not -inf.
_TINY_POWER = 1e-20


def _db_power(power: np.ndarray | float) -> np.ndarray | float:
    return 10.0 * np.log10(np.maximum(power, _TINY_POWER))


def peak_dbfs(waveform: ArrayLike) -> float:
    """Largest absolute sample in dB relative to full scale (1.0 reads 0 dBFS)."""
    data = as_numpy_2d(waveform)
    return float(_db_power(float(np.max(np.abs(data))) ** 2))


def rms_dbfs(waveform: ArrayLike) -> float:
    """Root-mean-square level over all channels, in dBFS (a full-scale square wave reads 0)."""
    data = as_numpy_2d(waveform)
    return float(_db_power(float(np.mean(np.square(data, dtype=np.float64)))))


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


def audio_stats(waveform: ArrayLike, sample_rate: int) -> AudioStats:
    """Shape, dtype, duration and per-channel peak, RMS (dBFS) and DC offset."""
    sample_rate = check_sample_rate(sample_rate)
    data = as_numpy_2d(waveform).astype(np.float64)
    peaks = np.max(np.abs(data), axis=1)
    return AudioStats(
        shape=tuple(waveform.shape),
        dtype=str(waveform.dtype).replace("torch.", ""),
        sample_rate=sample_rate,
        duration_s=data.shape[1] / sample_rate,
        peak=tuple(float(p) for p in peaks),
        peak_dbfs=tuple(float(_db_power(p**2)) for p in peaks),
        rms_dbfs=tuple(float(_db_power(m)) for m in np.mean(data**2, axis=1)),
        dc_offset=tuple(float(m) for m in np.mean(data, axis=1)),
    )


def spectrogram_db(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    n_fft: int = 1024,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str = "hann",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Short-time spectrum in dBFS, calibrated so that a full-scale sine's peak reads 0 dB.

    Returns
    -------
    times : frame centres in seconds, shape ``(frames,)``.
    freqs : bin frequencies in Hz, shape ``(n_fft // 2 + 1,)``.
    level_db : shape ``(channels, n_fft // 2 + 1, frames)``.
    """
    sample_rate = check_sample_rate(sample_rate)
    signal = as_tensor_2d(waveform).float()
    win_length = win_length or n_fft
    hop_length = hop_length or win_length // 4
    window_tensor = _window(window, win_length, signal.device)
    spectrum = torch.stft(
        signal,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window_tensor,
        center=True,
        return_complex=True,
    )
    amplitude = 2.0 * spectrum.abs() / window_tensor.sum()
    level_db = _db_power(amplitude.cpu().numpy().astype(np.float64) ** 2)
    times = np.arange(spectrum.shape[-1]) * hop_length / sample_rate
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    return times, freqs, level_db


def spectrogram_db_pooled(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    max_frames: int,
    n_fft: int = 1024,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str = "hann",
) -> tuple[float, np.ndarray, np.ndarray]:
    """:func:`spectrogram_db` with at most ``max_frames`` frames, for drawing long signals.

    Above ``max_frames`` frames, each group of ``factor`` consecutive frames is
    replaced by its loudest value in every bin (trailing frames that do not fill a
    group are dropped). The STFT is computed a block of frames at a time and pooled
    before the conversion to dB, so an hour of audio needs memory for a block, not
    for the whole spectrogram; the levels are the same as pooling ``spectrogram_db``.

    Returns
    -------
    hop_s : seconds between the drawn frames.
    freqs : bin frequencies in Hz, shape ``(n_fft // 2 + 1,)``.
    level_db : shape ``(channels, n_fft // 2 + 1, drawn frames)``.
    """
    sample_rate = check_sample_rate(sample_rate)
    if max_frames < 1:
        raise ValueError(f"max_frames must be at least 1, got {max_frames}")
    signal = as_tensor_2d(waveform).float()
    win_length = win_length or n_fft
    hop_length = hop_length or win_length // 4
    pad = n_fft // 2
    frames = 1 + (signal.shape[-1] + 2 * pad - n_fft) // hop_length
    if frames <= max_frames:
        times, freqs, level_db = spectrogram_db(
            signal, sample_rate, n_fft=n_fft, hop_length=hop_length, win_length=win_length,
            window=window,
        )
        hop_s = times[1] - times[0] if len(times) > 1 else n_fft / sample_rate / 4
        return hop_s, freqs, level_db
    factor = math.ceil(frames / max_frames)
    window_tensor = _window(window, win_length, signal.device)
    # The padding torch.stft(center=True) applies, once, so blocks can use center=False.
    padded = torch.nn.functional.pad(signal.unsqueeze(0), (pad, pad), mode="reflect")[0]
    block = factor * max(1, 2048 // factor)
    pooled = []
    for first in range(0, (frames // factor) * factor, block):
        count = min(block, (frames // factor) * factor - first)
        start = first * hop_length
        segment = padded[:, start : start + (count - 1) * hop_length + n_fft]
        spectrum = torch.stft(
            segment, n_fft=n_fft, hop_length=hop_length, win_length=win_length,
            window=window_tensor, center=False, return_complex=True,
        )
        amplitude = 2.0 * spectrum.abs() / window_tensor.sum()
        pooled.append(amplitude.reshape(*amplitude.shape[:-1], -1, factor).amax(dim=-1))
    amplitude = torch.cat(pooled, dim=-1)
    level_db = _db_power(amplitude.cpu().numpy().astype(np.float64) ** 2)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    return (hop_length / sample_rate) * factor, freqs, level_db


def _window(name: str, length: int, device: torch.device) -> torch.Tensor:
    makers = {
        "hann": torch.hann_window,
        "hamming": torch.hamming_window,
        "blackman": torch.blackman_window,
        "rectangular": torch.ones,
    }
    if name not in makers:
        raise ValueError(f"window must be one of {sorted(makers)}, got {name!r}")
    return makers[name](length, device=device)


def average_spectrum(
    waveform: ArrayLike, sample_rate: int, *, n_fft: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """Long-term average power spectrum (Welch's method, Hann window, 75 % overlap).

    Channels are averaged. Returns ``(freqs in Hz, power in dB)``.
    """
    data = as_tensor_2d(waveform).float()
    if data.shape[-1] < n_fft:
        raise ValueError(
            f"the signal has {data.shape[-1]} samples, fewer than n_fft={n_fft}; "
            "pass a smaller n_fft"
        )
    window = torch.hann_window(n_fft, device=data.device)
    spectrum = torch.stft(
        data, n_fft, hop_length=n_fft // 4, window=window, center=False, return_complex=True
    )
    power = spectrum.abs().square().mean(dim=(0, 2)).cpu().numpy().astype(np.float64)
    return np.fft.rfftfreq(n_fft, 1.0 / check_sample_rate(sample_rate)), _db_power(power)


def transfer_db(
    before: ArrayLike,
    after: ArrayLike,
    sample_rate: int,
    frequencies_hz: ArrayLike | list[float],
    *,
    n_fft: int = 4096,
) -> np.ndarray:
    """Gain of a linear effect at given frequencies, read from the two average spectra.

    ``after`` must be the effect applied to ``before`` at the same sample rate.
    Returns the ratio of their average power spectra in dB at each frequency
    (linear interpolation between bins).
    """
    freqs, before_db = average_spectrum(before, sample_rate, n_fft=n_fft)
    _, after_db = average_spectrum(after, sample_rate, n_fft=n_fft)
    wanted = np.asarray(frequencies_hz, dtype=np.float64)
    if np.any(wanted < 0) or np.any(wanted > sample_rate / 2):
        raise ValueError(f"frequencies must lie in [0, {sample_rate / 2:g}] Hz, got {wanted}")
    return np.interp(wanted, freqs, after_db - before_db)


def dominant_frequency(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    fmin: float = 20.0,
    fmax: float | None = None,
    n_fft: int = 8192,
) -> float:
    """Frequency (Hz) of the strongest peak of the average spectrum between fmin and fmax.

    The peak is refined by fitting a parabola through the three bins around it (in dB),
    which is accurate to a small fraction of a bin for a steady tone.
    """
    freqs, power_db = average_spectrum(waveform, sample_rate, n_fft=n_fft)
    fmax = sample_rate / 2 if fmax is None else fmax
    band = np.flatnonzero((freqs >= fmin) & (freqs <= fmax))
    if band.size < 3:
        raise ValueError(f"the band {fmin}-{fmax} Hz holds fewer than 3 bins; widen it")
    peak = int(band[np.argmax(power_db[band])])
    if 0 < peak < len(freqs) - 1:
        left, centre, right = power_db[peak - 1 : peak + 2]
        curvature = left - 2 * centre + right
        shift = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
    else:
        shift = 0.0
    return float(freqs[peak] + shift * (freqs[1] - freqs[0]))


def energy_decay_curve(impulse_response: ArrayLike, *, tail_energy: float = 0.0) -> np.ndarray:
    """Schroeder backward integration of a (mono) impulse response, in dB re. total energy.

    Entry ``n`` is the energy remaining after sample ``n``; it starts at 0 dB and falls.

    ``tail_energy`` (default 0) is energy, in the units of the summed squared samples,
    that belongs after the last sample: the compensation of a response that was
    truncated where its decay met the noise floor (Lundeby et al., 1995; see
    :func:`helpers.room.find_noise_floor`). Without it, the curve of a truncated
    response plunges towards -inf dB at its end, which shortens a fitted RT60.
    """
    data = as_numpy_2d(impulse_response, "impulse_response")
    if data.shape[0] != 1:
        raise ValueError(f"impulse_response must be mono, got {data.shape[0]} channels")
    if not np.isfinite(tail_energy) or tail_energy < 0:
        raise ValueError(f"tail_energy must be a finite energy >= 0, got {tail_energy}")
    energy = np.cumsum(np.square(data[0].astype(np.float64))[::-1])[::-1] + tail_energy
    if energy[0] <= 0:
        raise ValueError("impulse_response is silent (all zeros): it has no decay to measure")
    return _db_power(energy / energy[0])


@dataclass(frozen=True)
class DecayFit:
    """A straight line fitted to an energy decay curve; what :func:`fit_decay` returns.

    Attributes
    ----------
    rt60 : the reverberation time in seconds: the time the line takes to fall 60 dB.
    slope_db_per_s : the line's slope (negative).
    intercept_db : the line's level at time 0 (the curve's first sample).
    start_s, stop_s : the times where the curve crosses the fit range's two levels.
    fit_range_db : the two levels, e.g. ``(-5, -25)`` for T20.
    """

    rt60: float
    slope_db_per_s: float
    intercept_db: float
    start_s: float
    stop_s: float
    fit_range_db: tuple[float, float]

    @property
    def name(self) -> str:
        """The conventional name: T20 for a 20 dB range, T30 for 30 dB, EDT for (0, -10)."""
        upper, lower = self.fit_range_db
        if upper == 0 and lower == -10:
            return "EDT"
        return f"T{round(upper - lower):d}"

    def line_db(self, times_s: ArrayLike | float) -> np.ndarray:
        """The fitted line's level (dB) at the given times (s)."""
        return self.intercept_db + self.slope_db_per_s * np.asarray(times_s, dtype=np.float64)


def fit_decay(
    decay_db: ArrayLike, sample_rate: int, *, fit_range_db: tuple[float, float] = (-5, -25)
) -> DecayFit:
    """Least-squares line through an energy decay curve between two levels.

    ``decay_db`` is a curve from :func:`energy_decay_curve` (0 dB at sample 0).
    The fit uses every sample from where the curve first falls to the upper level
    to where it first falls to the lower one.
    """
    sample_rate = check_sample_rate(sample_rate)
    upper, lower = fit_range_db
    if not 0 >= upper > lower:
        raise ValueError(
            f"fit_range_db must be (upper, lower) with 0 >= upper > lower, got {fit_range_db}"
        )
    decay = as_numpy_2d(decay_db, "decay_db")
    if decay.shape[0] != 1:
        raise ValueError(f"decay_db must be one curve, got {decay.shape[0]}")
    decay = decay[0].astype(np.float64)
    start = int(np.argmax(decay <= upper))
    below = np.flatnonzero(decay <= lower)
    if decay[start] > upper or below.size == 0:
        raise ValueError(
            f"the decay curve never falls to {lower} dB (it ends at {decay[-1]:.1f} dB); the "
            "response is too short or too noisy for this fit range"
        )
    stop = int(below[0])
    if stop - start < 2:
        raise ValueError(
            f"the decay curve falls from {upper} to {lower} dB within {stop - start + 1} "
            "sample(s), too few to fit a line: the response is too short for this fit range"
        )
    times = np.arange(start, stop + 1) / sample_rate
    slope_db_per_s, intercept_db = np.polyfit(times, decay[start : stop + 1], 1)
    if slope_db_per_s >= 0:
        raise ValueError(
            "the decay curve does not fall in the fit range; is this an impulse response?"
        )
    return DecayFit(
        rt60=float(-60.0 / slope_db_per_s),
        slope_db_per_s=float(slope_db_per_s),
        intercept_db=float(intercept_db),
        start_s=start / sample_rate,
        stop_s=stop / sample_rate,
        fit_range_db=(float(upper), float(lower)),
    )


def estimate_rt60(
    impulse_response: ArrayLike,
    sample_rate: int,
    *,
    fit_range_db: tuple[float, float] = (-5, -25),
    tail_energy: float = 0.0,
) -> float:
    """Reverberation time (s) from the energy decay curve, extrapolated to 60 dB.

    A straight line is fitted (least squares) to the decay curve between the two
    levels of ``fit_range_db``: (-5, -25) gives T20, (-5, -35) gives T30.
    ``tail_energy`` compensates a truncated response (see :func:`energy_decay_curve`).
    """
    decay = energy_decay_curve(impulse_response, tail_energy=tail_energy)
    return fit_decay(decay, sample_rate, fit_range_db=fit_range_db).rt60
