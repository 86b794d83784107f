"""Classic sox effects rebuilt from ``torchaudio.functional`` and torch operations.

torchaudio 2.9 removed ``torchaudio.sox_effects``. Most sox effects map directly
onto a function in ``torchaudio.functional``; the few that do not are here.
"""

from __future__ import annotations

import math

import scipy.fft
import torch
import torchaudio.functional as AF

from ._validation import ArrayLike, as_tensor_2d, check_sample_rate

__all__ = ["apply_reverb", "fft_convolve", "single_pole_lowpass", "synthetic_rir"]

#: Amplitude falls by 60 dB (a factor 1000) over one RT60: exp(-ln(1000) t / RT60).
_LN_1000 = math.log(1000.0)


def single_pole_lowpass(waveform: ArrayLike, sample_rate: int, cutoff_hz: float) -> torch.Tensor:
    """One-pole low-pass filter, like sox ``lowpass -1 FREQ``.

    ``y[n] = (1 - a) x[n] + a y[n-1]`` with ``a = exp(-2 pi cutoff / sample_rate)``:
    a gentle 6 dB/octave slope above the cut-off, unity gain at 0 Hz.
    """
    sample_rate = check_sample_rate(sample_rate)
    if not 0 < cutoff_hz < sample_rate / 2:
        raise ValueError(
            f"cutoff_hz must lie between 0 and the Nyquist frequency {sample_rate / 2:g} Hz, "
            f"got {cutoff_hz}"
        )
    signal = as_tensor_2d(waveform).float()
    pole = math.exp(-2.0 * math.pi * cutoff_hz / sample_rate)
    a_coeffs = torch.tensor([1.0, -pole], dtype=signal.dtype, device=signal.device)
    b_coeffs = torch.tensor([1.0 - pole, 0.0], dtype=signal.dtype, device=signal.device)
    return AF.lfilter(signal, a_coeffs, b_coeffs, clamp=False)


def synthetic_rir(
    sample_rate: int,
    rt60: float,
    *,
    channels: int = 1,
    predelay_s: float = 0.0,
    seed: int = 0,
) -> torch.Tensor:
    """A statistical room impulse response: Gaussian noise with an exponential decay.

    The amplitude envelope falls by 60 dB over ``rt60`` seconds; the response lasts
    ``1.2 * rt60`` after an optional silent pre-delay. Each channel gets its own noise,
    so a stereo response sounds wide. The result has unit energy per channel.

    Returns
    -------
    tensor of shape ``(channels, frames)``.
    """
    sample_rate = check_sample_rate(sample_rate)
    if not 0.01 <= rt60 <= 20:
        raise ValueError(f"rt60 must be between 0.01 and 20 seconds, got {rt60}")
    if predelay_s < 0:
        raise ValueError(f"predelay_s must be >= 0 seconds, got {predelay_s}")
    generator = torch.Generator().manual_seed(seed)
    frames = round(1.2 * rt60 * sample_rate)
    times = torch.arange(frames, dtype=torch.float64) / sample_rate
    envelope = torch.exp(-_LN_1000 * times / rt60)
    noise = torch.randn(channels, frames, generator=generator, dtype=torch.float64)
    response = noise * envelope
    response = response / response.norm(dim=1, keepdim=True)
    silence = torch.zeros(channels, round(predelay_s * sample_rate), dtype=torch.float64)
    return torch.cat([silence, response], dim=1).float()


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


def apply_reverb(waveform: ArrayLike, impulse_response: ArrayLike, *, mix: float) -> torch.Tensor:
    """Convolve with an impulse response and blend: ``(1 - mix) * dry + mix * wet``.

    ``mix`` is 0 for the dry signal alone and 1 for the reverberant signal alone
    (sox ``reverb -w``). The output is longer than the input by the response's
    length minus one sample, so the reverberant tail is kept. A mono response is
    used for every channel, and a mono input through a multi-channel response
    gives one output channel per response channel (mono in, stereo out).
    """
    if not 0.0 <= mix <= 1.0:
        raise ValueError(f"mix must be between 0 (dry) and 1 (wet only), got {mix}")
    dry = as_tensor_2d(waveform).float()
    response = as_tensor_2d(impulse_response, "impulse_response").float().to(dry.device)
    channels = max(dry.shape[0], response.shape[0])
    if {dry.shape[0], response.shape[0]} - {1, channels}:
        raise ValueError(
            f"impulse_response has {response.shape[0]} channels for a {dry.shape[0]}-channel "
            "waveform; use a mono response, a mono waveform, or equal channel counts"
        )
    dry = dry.expand(channels, -1)
    wet = fft_convolve(dry, response.expand(channels, -1))
    padded_dry = torch.nn.functional.pad(dry, (0, wet.shape[-1] - dry.shape[-1]))
    return (1.0 - mix) * padded_dry + mix * wet
