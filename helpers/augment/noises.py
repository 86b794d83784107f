"""A small noise corpus for augmentation: recorded babble and band-limited coloured noises.

The coloured noises (:data:`helpers.noise_colours.COLOURS`) come from
:func:`helpers.noise_colours.coloured_noise`, band-limited to where microphones and
loudspeakers work.
"""

from __future__ import annotations

import torch
import torchaudio.functional as AF

from ..assets import load_audio
from ..noise_colours import COLOURS, coloured_noise
from ..validation import ArrayLike, as_waveform, check_sample_rate


def noise_corpus(
    sample_rate: int, *, seconds: float = 5.0, seed: int = 0
) -> dict[str, torch.Tensor]:
    """The recorded babble (resampled to ``sample_rate``) and the :data:`COLOURS`, each
    ``(1, frames)`` at unit RMS; the coloured ones ``seconds`` long.

    Used in: 05 · Augmentation at training time, §3; 05b · simulated rooms, §2.
    """
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


def resample_noise(noise: ArrayLike, noise_rate: int, sample_rate: int) -> torch.Tensor:
    """``noise`` at ``sample_rate`` (unchanged if the rates agree)."""
    data = as_waveform(noise, "noise", tensor=True).float()
    if check_sample_rate(noise_rate) == check_sample_rate(sample_rate):
        return data
    return AF.resample(data, noise_rate, sample_rate)
