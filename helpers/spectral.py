"""Spectral features: phase reconstruction with Griffin-Lim, mel scales, and feature plots.

* :func:`spectral_convergence_db` measures how far a magnitude spectrogram is from a
  target, the usual score for phase reconstruction;
* :func:`griffin_lim` runs torchaudio's Griffin-Lim algorithm step by step and records
  that score after every iteration, with a deterministic start;
* :func:`hz_to_mel`, :func:`mel_to_hz` and :func:`mel_centres_hz` convert between Hz and
  the HTK or Slaney mel scale, as ``torchaudio.functional.melscale_fbanks`` does;
* :func:`plot_mel_spectrogram` draws a mel spectrogram on a mel-spaced axis labelled
  in Hz, built on :func:`helpers.plot_feature` (the plot contract of :mod:`helpers.plots`);
* :func:`window_resolution`, :func:`window_sidelobe_db` and :func:`frame_spectrum_db`
  measure windows (main lobe, side lobes, zero-padding);
* :func:`overlap_add_inverse` writes the least-squares inverse STFT out in NumPy, an
  independent check of ``torch.istft``; :func:`max_difference` compares with librosa.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .measure import stft_window
from .validation import ArrayLike, amplitude_db, as_array, check_count, check_sample_rate

__all__ = [
    "Difference", "GriffinLimResult", "frame_spectrum_db", "griffin_lim", "hz_to_mel",
    "max_difference", "mel_centres_hz", "mel_to_hz", "overlap_add_inverse",
    "spectral_convergence_db", "window_resolution", "window_sidelobe_db"
]

#: Mel scales understood here, as named by torchaudio (``librosa``: ``htk=True``/``False``).
MEL_SCALES = ("htk", "slaney")


def _same_shape(
    first: ArrayLike, second: ArrayLike, names: tuple[str, str], fix: str
) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays as float64 numpy, checked by :func:`as_array`, or a ValueError if the
    shapes differ (the message names both shapes and ``fix``)."""
    one, other = (as_array(value, name).astype(np.float64) for value, name in zip(
        (first, second), names, strict=True))
    if one.shape != other.shape:
        raise ValueError(
            f"shapes differ: {names[0]} {one.shape}, {names[1]} {other.shape}; {fix}"
        )
    return one, other


def spectral_convergence_db(target: ArrayLike, estimate: ArrayLike) -> float:
    """How far a magnitude spectrogram is from the target one, in dB.

    ``20 log10(||target - estimate||_F / ||target||_F)``: 0 dB means an error as large
    as the target itself, -20 dB an error a tenth of it (in amplitude).

    Parameters
    ----------
    target, estimate : magnitude spectrograms (not power, not dB) of the same shape,
        torch or numpy, e.g. ``stft(x).abs()`` and ``stft(reconstruction).abs()``.
    """
    reference, guess = _same_shape(
        target, estimate, ("target", "estimate"),
        "compute both with the same STFT settings and signal length",
    )
    if np.any(reference < 0) or np.any(guess < 0):
        raise ValueError(
            "magnitudes must be >= 0; pass |STFT| (e.g. spec.abs()), not a dB spectrogram"
        )
    norm = float(np.linalg.norm(reference))
    if norm == 0:
        raise ValueError("target is all zeros (silence): the relative error is undefined")
    error = float(np.linalg.norm(reference - guess))
    return amplitude_db(error / norm)


@dataclass
class GriffinLimResult:
    """What :func:`griffin_lim` returns.

    Attributes
    ----------
    waveform : the reconstruction after all iterations, ``(channels, frames)``.
    convergence_db : spectral convergence (dB) of the reconstruction after
        ``0, 1, ..., n_iter`` iterations (entry 0 is the starting phase).
    snapshots : reconstruction after each iteration count asked for in ``keep``.
    """

    waveform: torch.Tensor
    convergence_db: np.ndarray
    snapshots: dict[int, torch.Tensor] = field(default_factory=dict)


def griffin_lim(
    magnitude: ArrayLike,
    *,
    n_fft: int,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str = "hann",
    n_iter: int = 32,
    momentum: float = 0.99,
    length: int | None = None,
    init: str = "zeros",
    seed: int = 0,
    keep: Iterable[int] = (),
) -> GriffinLimResult:
    """Griffin-Lim phase reconstruction that records its error after every iteration.

    The same update as ``torchaudio.functional.griffinlim`` (fast Griffin-Lim with
    ``momentum``; 0 gives the original algorithm), so with ``init="zeros"`` the final
    waveform equals torchaudio's with ``rand_init=False``. With ``init="random"`` the
    starting phases are uniform in [0, 2 pi), drawn from a generator seeded with ``seed``.

    Parameters
    ----------
    magnitude : ``|STFT|`` (power 1), shape ``(n_fft // 2 + 1, frames)`` or
        ``(channels, n_fft // 2 + 1, frames)``, computed with ``center=True``.
    n_fft, hop_length, win_length, window : the STFT settings of ``magnitude``
        (``win_length`` defaults to ``n_fft`` as in torchaudio; ``hop_length`` to
        ``win_length // 4`` as in librosa, where torchaudio's ``GriffinLim`` uses
        ``win_length // 2``: pass it explicitly).
    length : samples of the output (e.g. the original's), to trim the padding.
    keep : iteration counts (0 to ``n_iter``) at which to store the reconstruction.
    """
    spec = torch.as_tensor(as_array(magnitude, "magnitude").astype(np.float64))
    if spec.ndim == 2:
        spec = spec.unsqueeze(0)
    if spec.ndim != 3:
        raise ValueError(
            f"magnitude must be (freq, frames) or (channels, freq, frames), got shape "
            f"{tuple(spec.shape)}"
        )
    if torch.any(spec < 0):
        raise ValueError("magnitude must be >= 0: pass |STFT|, not a dB spectrogram")
    if spec.shape[1] != n_fft // 2 + 1:
        raise ValueError(
            f"magnitude has {spec.shape[1]} frequency bins but n_fft={n_fft} gives "
            f"{n_fft // 2 + 1}; pass the n_fft the spectrogram was computed with"
        )
    n_iter = check_count(n_iter, "n_iter", minimum=0)
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must lie in [0, 1) (0.99 is usual), got {momentum}")
    if init not in ("zeros", "random"):
        raise ValueError(f"init must be 'zeros' or 'random', got {init!r}")
    kept = sorted(set(keep))
    if any(not 0 <= count <= n_iter for count in kept):
        raise ValueError(
            f"keep must hold iteration counts between 0 and n_iter={n_iter}, got {kept}"
        )
    spec = spec.float()
    win_length = win_length or n_fft
    hop_length = hop_length or win_length // 4
    stft_kwargs = dict(
        n_fft=n_fft, hop_length=hop_length, win_length=win_length,
        window=stft_window(window, win_length, spec.device),
    )
    if init == "zeros":
        angles = torch.ones_like(spec, dtype=torch.complex64)
    else:
        generator = torch.Generator().manual_seed(seed)
        phase = 2 * math.pi * torch.rand(spec.shape, generator=generator)
        angles = torch.polar(torch.ones_like(phase), phase)
    factor = momentum / (1 + momentum)
    norm = torch.linalg.vector_norm(spec).item()
    previous = torch.zeros((), dtype=torch.complex64)
    convergence = np.empty(n_iter + 1)
    snapshots: dict[int, torch.Tensor] = {}
    for step in range(n_iter + 1):
        inverse = torch.istft(spec * angles, length=length, **stft_kwargs)
        rebuilt = torch.stft(inverse, center=True, pad_mode="reflect", return_complex=True,
                             **stft_kwargs)
        if rebuilt.shape[-1] != spec.shape[-1]:
            raise ValueError(
                f"magnitude has {spec.shape[-1]} frames but a signal of length={length} gives "
                f"{rebuilt.shape[-1]}; pass the original signal's length (or None)"
            )
        error = torch.linalg.vector_norm(spec - rebuilt.abs()).item()
        convergence[step] = amplitude_db(error / norm) if norm else 0.0
        if step in kept:
            snapshots[step] = inverse.clone()
        if step == n_iter:
            break
        angles = rebuilt - previous * factor if momentum else rebuilt
        angles = angles / (angles.abs() + 1e-16)
        previous = rebuilt
    return GriffinLimResult(waveform=inverse, convergence_db=convergence, snapshots=snapshots)


def _check_scale(mel_scale: str) -> None:
    if mel_scale not in MEL_SCALES:
        raise ValueError(f"mel_scale must be 'htk' or 'slaney', got {mel_scale!r}")


def hz_to_mel(hz: ArrayLike | float, mel_scale: str = "htk") -> np.ndarray:
    """Frequency in Hz to mels, on the HTK scale or Slaney's (as torchaudio and librosa).

    HTK: ``2595 log10(1 + f / 700)``. Slaney: linear below 1 kHz (``3 f / 200``, so
    1 kHz is 15 mels), logarithmic above (``15 + 27 ln(f / 1000) / ln(6.4)``).

    Examples
    --------
    >>> from helpers import spectral
    >>> round(float(spectral.hz_to_mel(1000.0, "htk")))  # the HTK scale puts 1 kHz at 1000 mel
    1000
    """
    _check_scale(mel_scale)
    freqs = np.asarray(hz, dtype=np.float64)
    if np.any(freqs < 0) or not np.all(np.isfinite(freqs)):
        raise ValueError("frequencies must be finite and >= 0 Hz")
    if mel_scale == "htk":
        return 2595.0 * np.log10(1.0 + freqs / 700.0)
    linear = freqs / (200.0 / 3)
    logstep = math.log(6.4) / 27.0
    return np.where(
        freqs >= 1000.0, 15.0 + np.log(np.maximum(freqs, 1e-10) / 1000.0) / logstep, linear
    )


def mel_to_hz(mels: ArrayLike | float, mel_scale: str = "htk") -> np.ndarray:
    """Inverse of :func:`hz_to_mel`."""
    _check_scale(mel_scale)
    values = np.asarray(mels, dtype=np.float64)
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError("mel values must be finite and >= 0")
    if mel_scale == "htk":
        return 700.0 * (10.0 ** (values / 2595.0) - 1.0)
    logstep = math.log(6.4) / 27.0
    return np.where(values >= 15.0, 1000.0 * np.exp(logstep * (values - 15.0)),
                    values * (200.0 / 3))


def mel_centres_hz(
    n_mels: int, f_min: float, f_max: float, mel_scale: str = "htk"
) -> np.ndarray:
    """Centre frequency (Hz) of each of ``n_mels`` triangular mel filters.

    The filters' corners are ``n_mels + 2`` points equally spaced in mels from ``f_min`` to
    ``f_max``; filter ``m`` peaks at point ``m + 1``.
    """
    n_mels = check_count(n_mels, "n_mels")
    if not 0 <= f_min < f_max:
        raise ValueError(f"need 0 <= f_min < f_max, got f_min={f_min}, f_max={f_max}")
    corners = np.linspace(hz_to_mel(f_min, mel_scale), hz_to_mel(f_max, mel_scale), n_mels + 2)
    return mel_to_hz(corners[1:-1], mel_scale)


def window_resolution(
    win_length: int, sample_rate: int, window: str = "hann"
) -> tuple[float, float]:
    """Time and frequency resolution of an STFT window, both measured at -6 dB.

    Returns
    -------
    duration_s : how long the window stays above half its peak amplitude.
    bandwidth_hz : width of its spectrum's main lobe above half the peak amplitude
        (zero-padded 64 times, so the measurement does not depend on ``n_fft``).
    """
    sample_rate = check_sample_rate(sample_rate)
    win_length = check_count(win_length, "win_length", minimum=4, unit="samples")
    taps = stft_window(window, win_length, torch.device("cpu")).double().numpy()
    duration_s = float(np.count_nonzero(taps >= 0.5 * taps.max())) / sample_rate
    oversample = 64
    spectrum = np.abs(np.fft.rfft(taps, n=oversample * win_length))
    below = np.flatnonzero(spectrum < 0.5 * spectrum[0])
    edge = int(below[0])
    # Interpolate the half-amplitude crossing between the two bins around it.
    lower, upper = spectrum[edge - 1], spectrum[edge]
    crossing = edge - 1 + (lower - 0.5 * spectrum[0]) / (lower - upper)
    bandwidth_hz = 2.0 * crossing * sample_rate / (oversample * win_length)
    return duration_s, float(bandwidth_hz)


def window_sidelobe_db(window: str, length: int = 512) -> float:
    """Height of a window's highest side lobe relative to its main lobe's peak, in dB.

    The spectrum is zero-padded 64 times; the main lobe ends at its first minimum, and
    every ripple beyond is a side lobe. Harris (1978): rectangular -13.3 dB, Hann -31.5,
    Hamming -42.7, Blackman -58.1.
    """
    length = check_count(length, "length", minimum=8, unit="samples")
    taps = stft_window(window, length).double().numpy()
    spectrum = np.abs(np.fft.rfft(taps, 64 * length))
    first_null = int(np.argmax(np.diff(spectrum) > 0))
    return float(20.0 * np.log10(spectrum[first_null:].max() / spectrum[0]))


def frame_spectrum_db(
    signal: ArrayLike, sample_rate: int, *, win_length: int, n_fft: int, window: str = "hann"
) -> tuple[np.ndarray, np.ndarray]:
    """Spectrum of a signal's first ``win_length`` samples, windowed, zero-padded to ``n_fft``.

    Returns ``(freqs, level_db)``: ``n_fft // 2 + 1`` frequencies in Hz and levels in dB
    relative to the largest bin. A larger ``n_fft`` gives more bins, not a narrower peak.
    """
    sample_rate = check_sample_rate(sample_rate)
    samples = as_array(signal, "signal").astype(np.float64).reshape(-1)
    win_length = check_count(win_length, "win_length", minimum=4, unit="samples")
    n_fft = check_count(n_fft, "n_fft", minimum=win_length, unit="samples")
    if samples.size < win_length:
        raise ValueError(f"signal has {samples.size} samples, fewer than win_length={win_length}")
    taps = stft_window(window, win_length).double().numpy()
    spectrum = np.abs(np.fft.rfft(samples[:win_length] * taps, n_fft))
    return np.fft.rfftfreq(n_fft, 1.0 / sample_rate), amplitude_db(spectrum / spectrum.max())


def overlap_add_inverse(
    stft: Any, *, n_fft: int, hop_length: int, length: int, window: str = "hann"
) -> np.ndarray:
    """The least-squares signal for a (possibly modified) STFT, written out in NumPy.

    Griffin and Lim (1984): overlap-add each frame's inverse FFT times the window, divide
    by the overlap-added squared window, drop the ``n_fft // 2`` samples of padding that
    ``center=True`` added. ``torch.istft`` computes the same; this is its independent check.

    Parameters
    ----------
    stft : complex torch.Tensor or numpy.ndarray, shape (n_fft // 2 + 1, frames) or
        (1, n_fft // 2 + 1, frames)
    n_fft, hop_length, length : int
        The STFT's settings (window length = ``n_fft``) and the output's length in samples.
    """
    values = stft.detach().cpu().numpy() if isinstance(stft, torch.Tensor) else np.asarray(stft)
    values = values[0] if values.ndim == 3 and values.shape[0] == 1 else values
    if values.ndim != 2 or values.shape[0] != n_fft // 2 + 1:
        raise ValueError(
            f"stft must be (n_fft // 2 + 1, frames) = ({n_fft // 2 + 1}, frames) for "
            f"n_fft={n_fft}, got shape {values.shape}; pass one channel's complex STFT"
        )
    hop_length = check_count(hop_length, "hop_length", unit="samples")
    length = check_count(length, "length", unit="samples")
    frames = np.fft.irfft(values.astype(np.complex128), n=n_fft, axis=0)
    taps = stft_window(window, n_fft).double().numpy()
    total = hop_length * (frames.shape[1] - 1) + n_fft
    summed, weight = np.zeros(total), np.zeros(total)
    for index in range(frames.shape[1]):
        start = index * hop_length
        summed[start : start + n_fft] += taps * frames[:, index]
        weight[start : start + n_fft] += taps**2
    kept = slice(n_fft // 2, n_fft // 2 + length)
    if summed[kept].size < length or np.any(weight[kept] < 1e-11):
        raise ValueError(
            "the overlap-added squared window is zero somewhere (NOLA fails) or the STFT is "
            "shorter than length; use a smaller hop_length or another window"
        )
    return summed[kept] / weight[kept]


@dataclass(frozen=True)
class Difference:
    """Largest absolute difference, and the same relative to the reference's peak."""

    max_abs: float
    max_rel: float

    def __str__(self) -> str:
        return f"max abs diff {self.max_abs:.1e}, max rel diff {self.max_rel:.1e}"


def max_difference(ours: ArrayLike, reference: ArrayLike) -> Difference:
    """Compare two arrays of the same shape: ``max|a - b|`` and ``max|a - b| / max|b|``.
    """
    mine, theirs = _same_shape(
        ours, reference, ("ours", "reference"),
        "check frames (center, hop_length) and bins (n_fft, n_mels, n_mfcc)",
    )
    peak = float(np.max(np.abs(theirs)))
    max_abs = float(np.max(np.abs(mine - theirs)))
    return Difference(max_abs=max_abs, max_rel=max_abs / peak if peak else float("inf"))
