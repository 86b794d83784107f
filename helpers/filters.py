"""Filters: a one-pole low-pass (sox ``lowpass -1``), a Butterworth high-pass, and fast
FFT convolution (an FIR filter of any length, such as a room's impulse response)."""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
import torch
import torchaudio.functional as AF

from .validation import ArrayLike, as_waveform, check_frequency, check_sample_rate

__all__ = ["fft_convolve", "highpass", "single_pole_lowpass"]

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
