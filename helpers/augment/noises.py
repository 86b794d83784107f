"""A small noise corpus for augmentation: recorded babble and band-limited coloured noises.

Coloured noise has a power spectrum falling as ``1 / f ** exponent``: white (0, equal
power per hertz: a hiss), pink (1, equal power per octave), brown (2, a rumble). Each
noise here is band-limited with an FFT mask to a band where microphones and loudspeakers
work, so no noise puts power where real recordings have none.
"""

from __future__ import annotations

import torch
import torchaudio.functional as AF

from ..assets import load_audio
from ..validation import ArrayLike, as_waveform, check_count, check_sample_rate

#: Name -> (spectral exponent, low edge Hz, high edge Hz).
COLOURS = {
    "white 300-3400 Hz": (0.0, 300.0, 3400.0),
    "pink 50-8000 Hz": (1.0, 50.0, 8000.0),
    "brown 20-2000 Hz": (2.0, 20.0, 2000.0),
}


def coloured_noise(
    frames: int,
    sample_rate: int,
    *,
    exponent: float,
    f_min: float,
    f_max: float,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Gaussian noise with power ``~ 1 / f ** exponent`` between ``f_min`` and ``f_max``
    (zero outside), unit RMS, shape ``(1, frames)``."""
    sample_rate = check_sample_rate(sample_rate)
    frames = check_count(frames, "frames", minimum=2, unit="samples")
    if not 0 <= f_min < f_max:
        raise ValueError(f"need 0 <= f_min < f_max, got {f_min}, {f_max}")
    white = torch.randn(1, int(frames), generator=generator, dtype=torch.float64)
    spectrum = torch.fft.rfft(white)
    freqs = torch.fft.rfftfreq(int(frames), 1 / sample_rate, dtype=torch.float64)
    inside = (freqs >= max(f_min, freqs[1].item())) & (freqs <= min(f_max, sample_rate / 2))
    shape = torch.where(inside, freqs.clamp_min(1e-9) ** (-exponent / 2), 0.0)
    noise = torch.fft.irfft(spectrum * shape, n=int(frames))
    return (noise / noise.square().mean().sqrt()).float()


def noise_corpus(
    sample_rate: int, *, seconds: float = 5.0, seed: int = 0
) -> dict[str, torch.Tensor]:
    """The recorded babble (resampled to ``sample_rate``) and the :data:`COLOURS`, each
    ``(1, frames)`` at unit RMS; the coloured ones ``seconds`` long."""
    sample_rate = check_sample_rate(sample_rate)
    babble, _ = load_audio("babble", channels="mix", sample_rate=sample_rate)
    corpus = {"babble (recorded)": babble / babble.square().mean().sqrt()}
    generator = torch.Generator().manual_seed(seed)
    frames = round(seconds * sample_rate)
    for name, (exponent, low, high) in COLOURS.items():
        corpus[name] = coloured_noise(
            frames, sample_rate, exponent=exponent, f_min=low, f_max=min(high, sample_rate / 2),
            generator=generator,
        )
    return corpus


def noise_excerpt(
    noise: ArrayLike, frames: int, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    """``frames`` samples of ``noise`` from a random start (tiled when it is too short)."""
    data = as_waveform(noise, "noise", tensor=True)
    if data.shape[-1] < frames:
        data = data.repeat(1, -(-frames // data.shape[-1]))
    start = int(torch.randint(0, data.shape[-1] - frames + 1, (1,), generator=generator))
    return data[:, start : start + frames]


def band_power_share(noise: ArrayLike, sample_rate: int, f_min: float, f_max: float) -> float:
    """Share (0-1) of a signal's power between ``f_min`` and ``f_max``, from its spectrum."""
    data = as_waveform(noise, tensor=True).double()
    power = torch.fft.rfft(data).abs().square().sum(0)
    freqs = torch.fft.rfftfreq(data.shape[-1], 1 / check_sample_rate(sample_rate))
    inside = (freqs >= f_min) & (freqs <= f_max)
    return float(power[inside].sum() / power.sum())


def resample_noise(noise: ArrayLike, noise_rate: int, sample_rate: int) -> torch.Tensor:
    """``noise`` at ``sample_rate`` (unchanged if the rates agree)."""
    data = as_waveform(noise, "noise", tensor=True).float()
    if check_sample_rate(noise_rate) == check_sample_rate(sample_rate):
        return data
    return AF.resample(data, noise_rate, sample_rate)
