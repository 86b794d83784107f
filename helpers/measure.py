"""Measurements that back the notebooks' claims: levels, spectra, transfer functions.

Levels include the active speech level of ITU-T P.56 (:func:`active_speech_level`): the
level of a clip's speech without its pauses.

Every function takes a torch tensor or numpy array of shape ``(frames,)`` or
``(channels, frames)`` and returns plain Python floats or numpy arrays, so a
notebook can print them and ``assert`` on them.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.signal
import torch

from .validation import (
    ArrayLike,
    amplitude_db,
    as_mono,
    as_waveform,
    check_frequency,
    check_sample_rate,
    check_seconds,
    power_db,
)

__all__ = [
    "active_speech_level", "average_spectrum", "block_power_db",
    "dominant_frequency", "level_envelope_db", "peak_dbfs", "rms_dbfs",
    "spectrogram_db", "spectrogram_db_pooled", "stft_window", "tone_level_db", "transfer_db"
]


def peak_dbfs(waveform: ArrayLike) -> float:
    """Largest absolute sample in dB relative to full scale (1.0 reads 0 dBFS).

    Used in: 05a · codecs, §2; 05c · scale-out, §3.

    Examples
    --------
    >>> import torch
    >>> import helpers
    >>> round(helpers.peak_dbfs(torch.tensor([0.5, -1.0])), 1)
    0.0
    """
    data = as_waveform(waveform)
    return float(power_db(float(np.max(np.abs(data))) ** 2))


def rms_dbfs(waveform: ArrayLike) -> float:
    """Root-mean-square level over all channels, in dBFS (a full-scale square wave reads 0).

    Used in: 02 · Background noise at a measured SNR, §3; 02a · Measuring a room, §1; 02b · Levels,
    §1.

    Examples
    --------
    >>> import torch
    >>> import helpers
    >>> round(helpers.rms_dbfs(torch.full((1, 100), 0.1)), 1)
    -20.0
    """
    data = as_waveform(waveform)
    return float(power_db(float(np.mean(np.square(data, dtype=np.float64)))))


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

    Used in: 01b · filters in the z-domain, §4.

    Returns
    -------
    times : frame centres in seconds, shape ``(frames,)``.
    freqs : bin frequencies in Hz, shape ``(n_fft // 2 + 1,)``.
    level_db : shape ``(channels, n_fft // 2 + 1, frames)``.
    """
    sample_rate = check_sample_rate(sample_rate)
    signal = as_waveform(waveform, tensor=True).float()
    win_length = win_length or n_fft
    hop_length = hop_length or win_length // 4
    window_tensor = stft_window(window, win_length, signal.device)
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
    level_db = power_db(amplitude.cpu().numpy().astype(np.float64) ** 2)
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
    signal = as_waveform(waveform, tensor=True).float()
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
    window_tensor = stft_window(window, win_length, signal.device)
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
    level_db = power_db(amplitude.cpu().numpy().astype(np.float64) ** 2)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    return (hop_length / sample_rate) * factor, freqs, level_db


def stft_window(name: str, length: int, device: torch.device | None = None) -> torch.Tensor:
    """The STFT window ``name`` ("hann", "hamming", "blackman", "rectangular"), periodic."""
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

    Used in: 02 · Background noise at a measured SNR, §1; 05a · codecs, §1; 05b · simulated rooms,
    §2.

    Channels are averaged. Returns ``(freqs in Hz, power in dB)``.
    """
    data = as_waveform(waveform, tensor=True).float()
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
    return np.fft.rfftfreq(n_fft, 1.0 / check_sample_rate(sample_rate)), power_db(power)


def transfer_db(
    before: ArrayLike,
    after: ArrayLike,
    sample_rate: int,
    frequencies_hz: ArrayLike | list[float],
    *,
    n_fft: int = 4096,
) -> np.ndarray:
    """Gain of a linear effect at given frequencies, read from the two average spectra.

    Used in: 01 · Audio effects in torch, §4.

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
    f_min: float = 20.0,
    f_max: float | None = None,
    n_fft: int = 8192,
) -> float:
    """Frequency (Hz) of the strongest peak of the average spectrum between f_min and f_max.

    Used in: 01 · Audio effects in torch, §5, §7; 02 · Background noise at a measured SNR, §1; 01a ·
    inside a resampler, §4; 05a · codecs, §3.

    The peak is refined by fitting a parabola through the three bins around it (in dB),
    which is accurate to a small fraction of a bin for a steady tone.

    Examples
    --------
    >>> import torch
    >>> import helpers
    >>> times = torch.arange(16000) / 16000
    >>> round(helpers.dominant_frequency(torch.sin(2 * torch.pi * 440 * times), 16000))
    440
    """
    freqs, power_db = average_spectrum(waveform, sample_rate, n_fft=n_fft)
    f_max = sample_rate / 2 if f_max is None else f_max
    band = np.flatnonzero((freqs >= f_min) & (freqs <= f_max))
    if band.size < 3:
        raise ValueError(f"the band {f_min}-{f_max} Hz holds fewer than 3 bins; widen it")
    peak = int(band[np.argmax(power_db[band])])
    if 0 < peak < len(freqs) - 1:
        left, centre, right = power_db[peak - 1 : peak + 2]
        curvature = left - 2 * centre + right
        shift = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
    else:
        shift = 0.0
    return float(freqs[peak] + shift * (freqs[1] - freqs[0]))


def level_envelope_db(
    waveform: ArrayLike, sample_rate: int, *, block_s: float = 0.01, reference: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean power in consecutive blocks, in dB: the level of a signal over time.

    Used in: 02 · Background noise at a measured SNR, §3.

    Returns ``(block centre times in s, level in dB)``. The level is re. full
    scale (0 dB = a power of 1), or re. ``reference`` (a power) when given.
    """
    sample_rate = check_sample_rate(sample_rate)
    power = np.mean(np.square(as_waveform(waveform).astype(np.float64)), axis=0)
    block = max(round(check_seconds(block_s, "block_s") * sample_rate), 1)
    return block_power_db(power, block, sample_rate, 1.0 if reference is None else reference)


def block_power_db(
    power: np.ndarray, block: int, sample_rate: int, reference: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``power`` (squared samples, 1-D) over consecutive blocks of ``block``
    samples, in dB re. ``reference``; returns ``(block centre times in s, level in dB)``."""
    count = len(power) // block
    if count < 1:
        raise ValueError(f"the signal ({len(power)} samples) is shorter than one block ({block})")
    means = power[: count * block].reshape(count, block).mean(axis=1)
    times = (np.arange(count) + 0.5) * block / sample_rate
    return times, power_db(means, reference)


def tone_level_db(waveform: ArrayLike, sample_rate: int, frequency_hz: float) -> float:
    """Amplitude of the sinusoid at ``frequency_hz`` in a steady signal, in dBFS.

    Used in: 01 · Audio effects in torch, §3, §5, §7; 01a · inside a resampler, §1, §4.

    A least-squares fit of a cosine and a sine at that frequency to the middle half
    of the signal (the first and last quarters hold a filter's start and end
    transients). A sine of amplitude 0.5 reads -6.02 dBFS whatever the signal holds
    at other frequencies; in float64 a one-second signal resolves components about
    150 dB below the strongest one.

    Parameters
    ----------
    waveform : torch.Tensor or numpy.ndarray, shape (frames,) or (1, frames)
        A mono signal.
    sample_rate : int
        Its sample rate in Hz.
    frequency_hz : float
        The frequency to measure, strictly between 0 and ``sample_rate / 2``.

    Returns
    -------
    float
        Never below :data:`helpers.validation.DB_FLOOR`.
    """
    sample_rate = check_sample_rate(sample_rate)
    frequency_hz = check_frequency(frequency_hz, sample_rate, "frequency_hz")
    data = as_mono(waveform)
    start, stop = len(data) // 4, 3 * len(data) // 4
    periods = (stop - start) * frequency_hz / sample_rate
    if periods < 4:
        raise ValueError(
            f"the middle half of the signal holds {periods:.1f} periods of {frequency_hz:g} Hz; "
            "pass a signal of at least 16 periods"
        )
    phase = 2.0 * np.pi * frequency_hz * np.arange(start, stop) / sample_rate
    basis = np.stack([np.cos(phase), np.sin(phase)], axis=1)
    coefficients, *_ = np.linalg.lstsq(basis, data[start:stop], rcond=None)
    return float(amplitude_db(np.hypot(*coefficients)))


def active_speech_level(
    speech: ArrayLike,
    sample_rate: int,
    *,
    margin_db: float = 15.9,
    time_constant_s: float = 0.03,
    hangover_s: float = 0.2,
) -> tuple[float, float]:
    """Active speech level (ITU-T P.56, method B) and activity of a mono clip.

    Used in: 02b · Levels, §1.

    The magnitude of the signal is smoothed twice with an exponential of time
    constant ``time_constant_s`` into an envelope. For each threshold of a ladder in
    steps of 6 dB (``2**-15`` to ``2**-1`` of full scale), a sample counts as active
    when the envelope is at or above the threshold, or was within the last
    ``hangover_s``; the level over those samples is the total energy divided by their
    number. The threshold that lies ``margin_db`` below its own level decides,
    interpolated in dB between the two rungs around it.

    Parameters
    ----------
    speech : torch.Tensor or numpy.ndarray, shape ``(frames,)`` or ``(1, frames)``
        A mono clip, full scale at 1.
    sample_rate : int
        Sample rate in Hz.
    margin_db, time_constant_s, hangover_s : float
        P.56's constants: 15.9 dB, 0.03 s and 0.2 s.

    Returns
    -------
    level_db : float
        The active speech level in dBFS (mean square re. 1, as ``helpers.rms_dbfs``).
    activity : float
        The share of the clip counted as active speech, between 0 and 1.
    """
    sample_rate = check_sample_rate(sample_rate)
    x = as_mono(speech, "speech").astype(np.float64)
    energy = float(np.sum(np.square(x)))
    if energy == 0:
        raise ValueError("speech is silent (all zeros): it has no active speech level")
    smoothing = math.exp(
        -1.0 / (sample_rate * check_seconds(time_constant_s, "time_constant_s", positive=True))
    )
    envelope = scipy.signal.lfilter([1 - smoothing], [1, -smoothing], np.abs(x))
    envelope = scipy.signal.lfilter([1 - smoothing], [1, -smoothing], envelope)
    hangover = math.ceil(check_seconds(hangover_s, "hangover_s") * sample_rate)
    index = np.arange(len(x))
    thresholds = 2.0 ** np.arange(-15, 0)
    counts = np.empty(len(thresholds))
    for rung, threshold in enumerate(thresholds):
        last_above = np.maximum.accumulate(np.where(envelope >= threshold, index, -hangover - 1))
        counts[rung] = np.count_nonzero(index - last_above <= hangover)
    levels = power_db(energy / np.maximum(counts, 1))
    margins = levels - 20 * np.log10(thresholds)
    reached = (margins <= margin_db) | (counts == 0)
    if not reached.any():  # loud throughout: the top rung is still far below the level
        return float(levels[-1]), float(counts[-1] / len(x))
    rung = int(np.argmax(reached))
    if rung == 0:
        raise ValueError(
            "speech is too quiet for P.56's lowest threshold (-90 dBFS); raise its gain"
        )
    if counts[rung] == 0:  # the envelope never reaches this rung: take the last one
        level = float(levels[rung - 1])
    else:
        part = (margins[rung - 1] - margin_db) / (margins[rung - 1] - margins[rung])
        level = float(levels[rung - 1] + part * (levels[rung] - levels[rung - 1]))
    return level, energy / len(x) / 10 ** (level / 10)
