"""Classic sox effects rebuilt from ``torchaudio.functional`` and torch operations.

torchaudio 2.9 removed ``torchaudio.sox_effects``. Most sox effects map directly
onto a function in ``torchaudio.functional``; the few that do not are here (the
filters they use, such as the one-pole low-pass, are in :mod:`helpers.filters`).
"""

from __future__ import annotations

import math

import torch
import torchaudio.functional as AF

from .filters import fft_convolve, single_pole_lowpass
from .validation import ArrayLike, as_waveform, check_sample_rate

__all__ = ["apply_reverb", "effects_chain", "synthetic_rir"]

#: Amplitude falls by 60 dB (a factor 1000) over one RT60: exp(-ln(1000) t / RT60).
_LN_1000 = math.log(1000.0)
#: With a direct sound, the decay starts this long after it (the DRR window's half-width).
_FIRST_REFLECTION_S = 0.0025


def synthetic_rir(
    sample_rate: int,
    rt60: float,
    *,
    channels: int = 1,
    predelay_s: float = 0.0,
    drr_db: float | None = None,
    seed: int = 0,
) -> torch.Tensor:
    """A statistical room impulse response: Gaussian noise with an exponential decay.

    Used in: 02a · Measuring a room, §5, §7; 02b · Levels, §3.

    The amplitude envelope falls by 60 dB over ``rt60`` seconds; the response lasts
    ``1.2 * rt60`` after an optional silent pre-delay. Each channel gets its own noise,
    so a stereo response sounds wide. The result has unit energy per channel.

    Parameters
    ----------
    sample_rate : int
        Sample rate in Hz.
    rt60 : float
        Reverberation time in seconds (0.01 to 20).
    channels : int
        Number of channels, each with its own noise.
    predelay_s : float
        Silence before the response, in seconds.
    drr_db : float or None
        ``None`` (default): the decaying noise alone, with no direct sound, as if the
        listener heard only the room. A number: a direct sound (one sample, the
        response's first) at this direct-to-reverberant ratio, its energy over the
        decay's. The decay then starts 2.5 ms after it (as a first reflection would),
        so :func:`helpers.room.direct_to_reverberant_ratio` with its 2.5 ms window
        measures ``drr_db`` exactly.

    Returns
    -------
    torch.Tensor, shape ``(channels, frames)``, float32
    """
    sample_rate = check_sample_rate(sample_rate)
    if not 0.01 <= rt60 <= 20:
        raise ValueError(f"rt60 must be between 0.01 and 20 seconds, got {rt60}")
    if predelay_s < 0:
        raise ValueError(f"predelay_s must be >= 0 seconds, got {predelay_s}")
    if drr_db is not None and not (isinstance(drr_db, int | float) and math.isfinite(drr_db)):
        raise ValueError(f"drr_db must be a finite number of dB or None, got {drr_db!r}")
    generator = torch.Generator().manual_seed(seed)
    frames = round(1.2 * rt60 * sample_rate)
    times = torch.arange(frames, dtype=torch.float64) / sample_rate
    envelope = torch.exp(-_LN_1000 * times / rt60)
    noise = torch.randn(channels, frames, generator=generator, dtype=torch.float64)
    response = noise * envelope
    if drr_db is not None:
        gap = round(_FIRST_REFLECTION_S * sample_rate) + 1
        if gap >= frames:
            raise ValueError(f"rt60 ({rt60} s) is too short for a direct sound and a decay")
        response[:, :gap] = 0.0
        response = response / response.norm(dim=1, keepdim=True)
        response[:, 0] = 10.0 ** (drr_db / 20.0)
    response = response / response.norm(dim=1, keepdim=True)
    silence = torch.zeros(channels, round(predelay_s * sample_rate), dtype=torch.float64)
    return torch.cat([silence, response], dim=1).float()


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
    dry = as_waveform(waveform, tensor=True).float()
    response = as_waveform(impulse_response, "impulse_response", tensor=True).float().to(dry.device)
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


def effects_chain(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    cutoff_hz: float,
    speed: float,
    rt60: float,
    mix: float,
    seed: int = 0,
) -> torch.Tensor:
    """sox's ``lowpass -1 F speed S rate R reverb``: low-pass, speed change, stereo reverb.

    :func:`helpers.filters.single_pole_lowpass`, then ``AF.speed`` (which resamples
    back to ``sample_rate``), then :func:`apply_reverb` with a stereo
    :func:`synthetic_rir` of the given RT60.

    Parameters
    ----------
    waveform : torch.Tensor or numpy.ndarray, shape (frames,) or (channels, frames)
        The dry signal, mono or stereo.
    sample_rate : int
        Its sample rate in Hz, kept by the chain.
    cutoff_hz : float
        The low-pass filter's cut-off in Hz, below ``sample_rate / 2``.
    speed : float
        Speed factor: 0.8 plays 1.25 times longer and a factor 0.8 lower.
    rt60 : float
        The room's reverberation time in seconds.
    mix : float
        0 for the dry signal, 1 for the reverberant signal alone.
    seed : int
        Seed of the impulse response's noise.

    Returns
    -------
    torch.Tensor of float32, shape (2, frames')
        ``frames' = ceil(frames / speed) + round(1.2 * rt60 * sample_rate) - 1``.
    """
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not speed > 0:
        raise ValueError(f"speed must be a positive factor, got {speed!r}")
    filtered = single_pole_lowpass(waveform, sample_rate, cutoff_hz)
    moved, _ = AF.speed(filtered, sample_rate, speed)
    room = synthetic_rir(sample_rate, rt60, channels=2, seed=seed)
    return apply_reverb(moved, room, mix=mix)
