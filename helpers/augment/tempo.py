"""Speed, pitch and tempo: three ways to change a clip's time and frequency axes.

- **speed** (``torchaudio.functional.speed``, ``T.SpeedPerturbation``): resample and play
  at the original rate, like a tape run faster; pitch and duration change together,
  the pitch by ``factor`` and the duration by ``1 / factor``.
- **pitch** (:func:`shift_pitch`): a phase-vocoder stretch followed by resampling, so the
  pitch moves and the duration stays. ``torchaudio.functional.pitch_shift`` does the same
  but resamples by exactly ``2 ** (n_steps / 12)``: as a ratio of whole rates that has a
  large denominator, and its sinc kernel takes seconds to build (about 26 s for +2
  semitones at 16 kHz here). :func:`shift_pitch` rounds the factor to 1 % (0.17 semitone)
  so the resampling ratio stays small.
- **tempo** (:func:`time_stretch`): the phase vocoder alone (``T.TimeStretch`` on the
  complex STFT), so the duration changes by ``1 / rate`` and the pitch stays.
"""

from __future__ import annotations

import math

import torch
import torchaudio.functional as AF
import torchaudio.transforms as T

from ..validation import ArrayLike, as_waveform, check_sample_rate


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def change_speed(waveform: ArrayLike, sample_rate: int, *, factor: float) -> torch.Tensor:
    """Play ``factor`` times faster: pitch times ``factor``, duration over ``factor``.

    Used in: 05a · codecs, §3.

    The factor is rounded so that the source rate is a multiple of
    ``sample_rate / gcd(sample_rate, 100)``: the resampler then needs at most 100 phases
    at any rate (``AF.speed`` truncates ``factor * sample_rate`` instead, which at
    22.05 kHz can need 22050 phases). The rounding changes the factor: in steps of 1 % at
    16 kHz (0.9 and 1.1 stay exact), 2 % at 22.05 kHz (0.91 -> 0.92, 0.95 -> 0.96,
    1.07 -> 1.08) and 4 % at 11.025 kHz (0.9 -> 0.88, 1.1 -> 1.12).
    :func:`effective_speed_factor` returns the factor really applied: divide time labels
    by it.
    """
    sample_rate = check_sample_rate(sample_rate)
    factor = _positive(factor, "factor")
    data = as_waveform(waveform, tensor=True).float()
    unit = sample_rate // math.gcd(sample_rate, 100)
    source_rate = unit * max(round(factor * sample_rate / unit), 1)
    if source_rate == sample_rate:
        return data.clone()
    return AF.resample(data, source_rate, sample_rate)


def effective_speed_factor(sample_rate: int, factor: float) -> float:
    """The factor :func:`change_speed` really applies at ``sample_rate`` (source rate over
    ``sample_rate``, after rounding the source rate to a multiple of
    ``sample_rate / gcd(sample_rate, 100)``): at 22.05 kHz 0.91 gives 0.92; at 16 kHz 1.1
    stays 1.1.

    Used in: 05a · codecs, §3.
    """
    sample_rate = check_sample_rate(sample_rate)
    factor = _positive(factor, "factor")
    unit = sample_rate // math.gcd(sample_rate, 100)
    return unit * max(round(factor * sample_rate / unit), 1) / sample_rate


def shift_pitch(waveform: ArrayLike, sample_rate: int, *, semitones: float) -> torch.Tensor:
    """Move the pitch by ``semitones`` (a factor ``2 ** (semitones / 12)``, rounded as
    :func:`change_speed` rounds it: to 1 %, or 2 % at 22.05 kHz) and keep the duration:
    stretch the tempo by the factor, then speed up by it.

    Used in: 05a · codecs, §3.
    """
    sample_rate = check_sample_rate(sample_rate)
    data = as_waveform(waveform, tensor=True).float()
    factor = round(2 ** (float(semitones) / 12) * 100) / 100
    if factor == 1:
        return data.clone()
    stretched = time_stretch(data, rate=1 / factor)
    out = change_speed(stretched, sample_rate, factor=factor)
    frames = data.shape[-1]
    return torch.nn.functional.pad(out, (0, max(frames - out.shape[-1], 0)))[:, :frames]


def time_stretch(
    waveform: ArrayLike, *, rate: float, n_fft: int = 512, hop_length: int = 128
) -> torch.Tensor:
    """Change the tempo by ``rate`` (2 plays in half the time) and keep the pitch.

    Used in: 05a · codecs, §3.

    A phase vocoder: the complex STFT's frames are resampled in time and their phases
    advanced so each bin keeps its frequency, then the inverse STFT.
    """
    rate = _positive(rate, "rate")
    data = as_waveform(waveform, tensor=True).float()
    window = torch.hann_window(n_fft, device=data.device)
    spectrum = torch.stft(data, n_fft, hop_length, window=window, return_complex=True)
    stretch = T.TimeStretch(hop_length=hop_length, n_freq=n_fft // 2 + 1, fixed_rate=rate)
    stretched = stretch(spectrum)
    frames = round(data.shape[-1] / rate)
    return torch.istft(stretched, n_fft, hop_length, window=window, length=frames)


def harmonic_tone(
    sample_rate: int, *, f0_hz: float = 220.0, seconds: float = 1.0, harmonics: int = 5
) -> torch.Tensor:
    """A test tone with a known pitch: ``harmonics`` partials at k·f0 with 1/k amplitudes,
    peak-normalised to 0.5; shape ``(1, frames)``.

    Used in: 05 · Augmentation at training time, §1; 05a · codecs, §3.
    """
    sample_rate = check_sample_rate(sample_rate)
    t = torch.arange(round(seconds * sample_rate), dtype=torch.float64) / sample_rate
    tone = sum(torch.sin(2 * math.pi * k * f0_hz * t) / k for k in range(1, harmonics + 1))
    return (0.5 * tone / tone.abs().max()).float()[None]
