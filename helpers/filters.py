"""Filters: a one-pole low-pass (sox ``lowpass -1``), a Butterworth high-pass, and fast
FFT convolution (an FIR filter of any length, such as a room's impulse response)."""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
import torch
import torchaudio.functional as AF

from .validation import ArrayLike, amplitude_db, as_waveform, check_frequency, check_sample_rate

__all__ = [
    "BUTTERWORTH_Q",
    "biquad_lowpass_response_db",
    "fft_convolve",
    "highpass",
    "one_pole_lowpass_response_db",
    "single_pole_lowpass",
]

#: The Q of a 2nd-order Butterworth biquad, 1 / sqrt(2). torchaudio's ``lowpass_biquad``
#: default is the rounded 0.707 (0.01 % lower, gains within 0.002 dB of this one's).
BUTTERWORTH_Q = 1.0 / math.sqrt(2.0)

#: Quality factors of the two biquads that make a 4th-order Butterworth filter.
_BUTTERWORTH_4_Q = (0.5412, 1.3066)


def single_pole_lowpass(waveform: ArrayLike, sample_rate: int, cutoff_hz: float) -> torch.Tensor:
    """One-pole low-pass filter, like sox ``lowpass -1 FREQ``.

    ``y[n] = (1 - a) x[n] + a y[n-1]`` with ``a = exp(-2 pi cutoff / sample_rate)``:
    a gentle 6 dB/octave slope above the cut-off, unity gain at 0 Hz.
    """
    sample_rate = check_sample_rate(sample_rate)
    cutoff_hz = check_frequency(cutoff_hz, sample_rate)
    signal = as_waveform(waveform, tensor=True).float()
    pole = math.exp(-2.0 * math.pi * cutoff_hz / sample_rate)
    a_coeffs = torch.tensor([1.0, -pole], dtype=signal.dtype, device=signal.device)
    b_coeffs = torch.tensor([1.0 - pole, 0.0], dtype=signal.dtype, device=signal.device)
    return AF.lfilter(signal, a_coeffs, b_coeffs, clamp=False)


def highpass(waveform: ArrayLike, sample_rate: int, cutoff_hz: float) -> torch.Tensor:
    """4th-order Butterworth high-pass filter (two biquads), computed in float64.

    Used in: 02a · Measuring a room, §1, §4.

    The attenuation grows by 24 dB per octave below ``cutoff_hz`` (-3 dB there).
    Returns a tensor of the input's dtype (float64 for a numpy array).
    """
    sample_rate = check_sample_rate(sample_rate)
    cutoff_hz = check_frequency(cutoff_hz, sample_rate)
    if isinstance(waveform, np.ndarray):
        signal = torch.from_numpy(as_waveform(waveform).astype(np.float64))
    else:
        signal = as_waveform(waveform, tensor=True)
    filtered = signal.double()
    for q in _BUTTERWORTH_4_Q:
        filtered = AF.highpass_biquad(filtered, sample_rate, cutoff_hz, Q=q)
    return filtered.to(signal.dtype)


def fft_convolve(waveform: torch.Tensor, impulse_response: torch.Tensor) -> torch.Tensor:
    """Full linear convolution along the last axis, through an FFT of a fast length.

    Used in: 02b · Levels, §3; 05b · simulated rooms, §1.

    The same result as ``torchaudio.functional.fftconvolve`` (``mode="full"``:
    ``N + M - 1`` samples), to float rounding. That function transforms exactly
    ``N + M - 1`` samples, and an FFT whose length has a large prime factor is many
    times slower than one of a length made of 2, 3 and 5; here the transform is
    zero-padded to the next such length and the result cut back.
    """
    frames = waveform.shape[-1] + impulse_response.shape[-1] - 1
    length = scipy.fft.next_fast_len(frames, real=True)
    spectrum = torch.fft.rfft(waveform, length) * torch.fft.rfft(impulse_response, length)
    return torch.fft.irfft(spectrum, length)[..., :frames]


def one_pole_lowpass_response_db(
    frequencies_hz: ArrayLike, sample_rate: int, cutoff_hz: float
) -> np.ndarray:
    """Gain in dB of :func:`single_pole_lowpass` at each frequency, from its formula.

    ``|H(f)| = (1 - a) / |1 - a exp(-j 2 pi f / sample_rate)|`` with
    ``a = exp(-2 pi cutoff_hz / sample_rate)``. The gain at the cut-off is close to
    -3 dB only while the cut-off lies far below the Nyquist frequency (-3.0 dB for
    300 Hz at 16 kHz, -1.8 dB for 5 kHz).

    Parameters
    ----------
    frequencies_hz : array_like of float, shape (n,)
        Frequencies in Hz, from 0 to ``sample_rate / 2``.
    sample_rate : int
        Sample rate in Hz.
    cutoff_hz : float
        The filter's cut-off in Hz, between 0 and ``sample_rate / 2``.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
    """
    sample_rate = check_sample_rate(sample_rate)
    cutoff_hz = check_frequency(cutoff_hz, sample_rate)
    pole = math.exp(-2.0 * math.pi * cutoff_hz / sample_rate)
    omega = 2.0 * np.pi * _frequencies(frequencies_hz, sample_rate) / sample_rate
    return amplitude_db((1.0 - pole) / np.abs(1.0 - pole * np.exp(-1j * omega)))


def biquad_lowpass_response_db(
    frequencies_hz: ArrayLike, sample_rate: int, cutoff_hz: float, *, q: float = BUTTERWORTH_Q
) -> np.ndarray:
    """Gain in dB of the low-pass biquad of ``AF.lowpass_biquad`` (sox ``lowpass``).

    Used in: 01 · Audio effects in torch, §4, §7.

    The coefficients of R. Bristow-Johnson's "Audio EQ Cookbook": with
    ``w0 = 2 pi cutoff / sample_rate`` and ``alpha = sin(w0) / (2 q)``,
    ``b = [(1 - cos w0) / 2, 1 - cos w0, (1 - cos w0) / 2]`` and
    ``a = [1 + alpha, -2 cos w0, 1 - alpha]``. With ``q = 1 / sqrt(2)`` (sox's and
    torchaudio's default) this is the bilinear-transform Butterworth filter: -3.01 dB
    at the cut-off, falling towards 12 dB per octave above it.

    Parameters
    ----------
    frequencies_hz : array_like of float, shape (n,)
        Frequencies in Hz, from 0 to ``sample_rate / 2``.
    sample_rate : int
        Sample rate in Hz.
    cutoff_hz : float
        The filter's cut-off in Hz, between 0 and ``sample_rate / 2``.
    q : float
        Quality factor, positive.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        At most :data:`helpers.validation.DB_FLOOR` below 0 dB (the gain is 0 at Nyquist).
    """
    sample_rate = check_sample_rate(sample_rate)
    cutoff_hz = check_frequency(cutoff_hz, sample_rate)
    if isinstance(q, bool) or not isinstance(q, int | float) or not q > 0:
        raise ValueError(f"q must be a positive number, got {q!r}")
    w0 = 2.0 * math.pi * cutoff_hz / sample_rate
    alpha = math.sin(w0) / (2.0 * q)
    cos_w0 = math.cos(w0)
    b = np.array([(1 - cos_w0) / 2, 1 - cos_w0, (1 - cos_w0) / 2])
    a = np.array([1 + alpha, -2 * cos_w0, 1 - alpha])
    z_inv = np.exp(-2j * np.pi * _frequencies(frequencies_hz, sample_rate) / sample_rate)
    powers = np.stack([np.ones_like(z_inv), z_inv, z_inv**2])
    return amplitude_db(np.abs((b @ powers) / (a @ powers)))


def _frequencies(frequencies_hz: ArrayLike, sample_rate: int) -> np.ndarray:
    values = np.asarray(frequencies_hz, dtype=np.float64)
    if values.ndim > 1 or not np.all(np.isfinite(values)):
        raise ValueError(
            f"frequencies_hz must be a finite 1-D list of frequencies in Hz, got shape "
            f"{values.shape}"
        )
    if np.any(values < 0) or np.any(values > sample_rate / 2):
        raise ValueError(
            f"frequencies_hz must lie between 0 and the Nyquist frequency {sample_rate / 2:g} Hz"
        )
    return values.reshape(-1)
