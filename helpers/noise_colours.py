"""Coloured noise: Gaussian noise whose power spectrum falls as ``1 / f ** exponent``.

White (exponent 0: equal power per hertz, a hiss), pink (1: equal power per octave, the
spectrum falls 3 dB per octave), brown (2: a rumble). The noise is shaped in the
frequency domain: white Gaussian noise times ``f ** (-exponent / 2)`` in amplitude,
inside a band and zero outside it (and at 0 Hz), so no noise puts power where real
recordings have none. One function, :func:`coloured_noise`, makes them all;
:func:`white_noise` and :func:`pink_noise` are its two named cases, and :data:`COLOURS`
the band-limited noises of the augmentation corpus (:mod:`helpers.augment.noises`).
"""

from __future__ import annotations

import math

import torch

from .validation import ArrayLike, as_waveform, check_count, check_frequency, check_sample_rate

__all__ = ["COLOURS", "band_power_share", "coloured_noise", "pink_noise", "white_noise"]

#: The augmentation corpus's coloured noises: name -> (spectral exponent, low edge Hz,
#: high edge Hz).
COLOURS = {
    "white 300-3400 Hz": (0.0, 300.0, 3400.0),
    "pink 50-8000 Hz": (1.0, 50.0, 8000.0),
    "brown 20-2000 Hz": (2.0, 20.0, 2000.0),
}


def _gaussian(
    frames: int,
    channels: int,
    rms_dbfs: float,
    generator: torch.Generator,
    shape: torch.Tensor | None = None,
) -> torch.Tensor:
    """Gaussian noise, shaped by an amplitude per rfft bin, zero mean, each channel at
    ``rms_dbfs``."""
    if not math.isfinite(rms_dbfs) or rms_dbfs > 0:
        raise ValueError(f"rms_dbfs must be a level <= 0 dBFS, got {rms_dbfs}")
    white = torch.randn(channels, frames, generator=generator, dtype=torch.float64)
    if shape is not None:
        white = torch.fft.irfft(torch.fft.rfft(white) * shape, n=frames)
    white = white - white.mean(dim=-1, keepdim=True)
    rms = white.square().mean(dim=-1, keepdim=True).sqrt()
    return (white / rms * 10.0 ** (rms_dbfs / 20.0)).float()


def coloured_noise(
    frames: int,
    sample_rate: int,
    *,
    exponent: float,
    f_min: float = 0.0,
    f_max: float | None = None,
    channels: int = 1,
    rms_dbfs: float = 0.0,
    seed: int = 0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Gaussian noise with power density ``~ 1 / f ** exponent`` between ``f_min`` and
    ``f_max`` (zero outside, and at 0 Hz).

    Used in: 05a · codecs, §1.

    Parameters
    ----------
    frames : int
        Length in samples (at least 2).
    sample_rate : int
        In Hz; places the band on the frequency axis.
    exponent : float
        0 white, 1 pink, 2 brown.
    f_min, f_max : float
        The band in Hz; ``f_max`` defaults to the Nyquist frequency.
    channels : int
        Each channel gets its own noise.
    rms_dbfs : float
        Level of each channel, in dBFS (0: unit RMS).
    seed : int
        Seeds a new generator, unless ``generator`` is given.
    generator : torch.Generator or None
        Draw from this generator (a corpus drawing several noises from one).

    Returns
    -------
    torch.Tensor, shape ``(channels, frames)``, float32

    Examples
    --------
    >>> from helpers import noise_colours
    >>> brown = noise_colours.coloured_noise(16000, 16000, exponent=2, f_min=20, f_max=2000)
    >>> tuple(brown.shape), round(float(brown.square().mean()), 3)
    ((1, 16000), 1.0)
    >>> round(noise_colours.band_power_share(brown, 16000, 20, 2000), 3)
    1.0
    """
    sample_rate = check_sample_rate(sample_rate)
    frames = check_count(frames, "frames", minimum=2, unit="samples")
    channels = check_count(channels, "channels")
    f_max = sample_rate / 2 if f_max is None else f_max
    if not 0 <= f_min < f_max:
        raise ValueError(f"need 0 <= f_min < f_max, got {f_min}, {f_max}")
    freqs = torch.fft.rfftfreq(frames, 1.0 / sample_rate, dtype=torch.float64)
    inside = (freqs >= max(f_min, freqs[1].item())) & (freqs <= min(f_max, sample_rate / 2))
    shape = torch.where(inside, freqs.clamp_min(max(f_min, 1e-9)) ** (-exponent / 2), 0.0)
    if generator is None:
        generator = torch.Generator().manual_seed(seed)
    return _gaussian(frames, channels, rms_dbfs, generator, shape)


def white_noise(
    frames: int, *, channels: int = 1, rms_dbfs: float = -20.0, seed: int = 0
) -> torch.Tensor:
    """Gaussian white noise, ``(channels, frames)``: equal power per hertz, at ``rms_dbfs``.

    Used in: 02 · Background noise at a measured SNR, §6.

    Examples
    --------
    >>> from helpers import noise_colours
    >>> hiss = noise_colours.white_noise(8000, rms_dbfs=-20.0)
    >>> round(10 * float(hiss.square().mean().log10()), 1)
    -20.0
    """
    frames = check_count(frames, "frames", minimum=2, unit="samples")
    channels = check_count(channels, "channels")
    return _gaussian(frames, channels, rms_dbfs, torch.Generator().manual_seed(seed))


def pink_noise(
    frames: int,
    sample_rate: int,
    *,
    f_min: float = 20.0,
    channels: int = 1,
    rms_dbfs: float = -20.0,
    seed: int = 0,
) -> torch.Tensor:
    """Pink noise in the audible band: power density ~ 1/f from ``f_min`` up to Nyquist.

    Used in: 02 · Background noise at a measured SNR, §6; 02b · Levels, §4.

    :func:`coloured_noise` with ``exponent=1``: the spectrum falls 3 dB per octave
    (10 dB per decade), equal power per octave. Bins below ``f_min`` are zero: a 1/f
    spectrum shaped down to the lowest bin of a long clip would put a large share of
    its power below 20 Hz, where nobody hears it (about half of it for 10 s at 16 kHz).

    Parameters
    ----------
    frames : int
        Length in samples.
    sample_rate : int
        Sample rate in Hz, which places ``f_min`` on the frequency axis.
    f_min : float
        Lowest frequency in Hz (default 20 Hz, the bottom of the audible band); above 0
        and below the Nyquist frequency.
    channels, rms_dbfs, seed
        As in :func:`coloured_noise` (default level -20 dBFS).

    Returns
    -------
    torch.Tensor, shape ``(channels, frames)``, float32

    Examples
    --------
    >>> from helpers import noise_colours
    >>> pink = noise_colours.pink_noise(16000, 16000)
    >>> low = noise_colours.band_power_share(pink, 16000, 100, 200)
    >>> high = noise_colours.band_power_share(pink, 16000, 1000, 2000)
    >>> round(low / high, 1)  # equal power in every octave
    1.0
    """
    sample_rate = check_sample_rate(sample_rate)
    f_min = check_frequency(f_min, sample_rate, "f_min")
    return coloured_noise(
        frames, sample_rate, exponent=1.0, f_min=f_min, channels=channels, rms_dbfs=rms_dbfs,
        seed=seed,
    )


def band_power_share(noise: ArrayLike, sample_rate: int, f_min: float, f_max: float) -> float:
    """Share (0-1) of a signal's power between ``f_min`` and ``f_max``, from its spectrum.

    Used in: 05b · simulated rooms, §2.
    """
    data = as_waveform(noise, tensor=True).double()
    power = torch.fft.rfft(data).abs().square().sum(0)
    freqs = torch.fft.rfftfreq(data.shape[-1], 1 / check_sample_rate(sample_rate))
    inside = (freqs >= f_min) & (freqs <= f_max)
    return float(power[inside].sum() / power.sum())
