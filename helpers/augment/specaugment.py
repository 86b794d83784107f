"""SpecAugment (Park et al. 2019) on a padded batch of log-mel features, lengths respected.

Each example gets its own masks: ``freq_masks`` bands of up to ``freq_width`` mel channels
and ``time_masks`` spans of up to ``time_width`` frames (and at most ``max_time_share`` of
the example's own length), drawn from a ``torch.Generator``. Masks lie inside each
example's valid frames, never in its padding; they are filled with the example's mean
over its valid frames, so the masked value is an ordinary level, not a jump to 0 dB or
to the padding value. ``T.FrequencyMasking`` / ``T.TimeMasking(iid_masks=True)`` draw
from torch's global generator and know nothing of lengths, which is why this exists.
"""

from __future__ import annotations

import torch


def frame_lengths(sample_lengths: torch.Tensor, hop_length: int) -> torch.Tensor:
    """STFT frames of each clip (``center=True``): ``1 + samples // hop_length``.

    Used in: 05b · simulated rooms, §3.
    """
    return 1 + torch.div(sample_lengths, hop_length, rounding_mode="floor")


def _uniform_int(high: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """One integer in ``[0, high]`` per element of ``high``."""
    u = torch.rand(high.shape, generator=generator, dtype=torch.float64)
    return torch.minimum((u * (high + 1)).floor().long(), high)


def spec_augment(
    features: torch.Tensor,
    lengths: torch.Tensor,
    *,
    freq_masks: int = 2,
    freq_width: int = 15,
    time_masks: int = 2,
    time_width: int = 40,
    max_time_share: float = 0.2,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask a ``(batch, channels, frames)`` feature batch; returns ``(masked, mask)``.

    Used in: 05b · simulated rooms, §3.

    ``lengths`` holds each example's valid frames, shape ``(batch,)``; ``mask`` is a bool
    tensor shaped like ``features`` (true where masked). Draws happen on the CPU, so a
    seeded CPU generator gives the same masks for a batch on any device.
    """
    if features.ndim != 3:
        raise ValueError(
            f"features must be (batch, channels, frames), got shape {tuple(features.shape)}"
        )
    batch, channels, frames = features.shape
    lengths = torch.as_tensor(lengths, dtype=torch.long).cpu()
    if lengths.shape != (batch,) or bool((lengths < 1).any()) or bool((lengths > frames).any()):
        raise ValueError(
            f"lengths must be {batch} frame counts in [1, {frames}], got {lengths.tolist()}"
        )
    mel = torch.arange(channels)
    time = torch.arange(frames)
    mask = torch.zeros(batch, channels, frames, dtype=torch.bool)
    for _ in range(freq_masks):
        width = _uniform_int(torch.full((batch,), min(freq_width, channels)), generator)
        start = _uniform_int(channels - width, generator)
        band = (mel[None] >= start[:, None]) & (mel[None] < (start + width)[:, None])
        mask |= band[:, :, None]
    longest = torch.minimum(
        torch.full((batch,), time_width), (max_time_share * lengths).floor().long()
    )
    for _ in range(time_masks):
        width = _uniform_int(longest, generator)
        start = _uniform_int(lengths - width, generator)
        span = (time[None] >= start[:, None]) & (time[None] < (start + width)[:, None])
        mask |= span[:, None, :]
    valid = (time[None] < lengths[:, None])[:, None, :]  # (batch, 1, frames)
    mask &= valid
    valid = valid.to(features.device)
    mask = mask.to(features.device)
    cells = valid.sum(dim=(1, 2), keepdim=True) * channels
    mean = (features * valid).sum(dim=(1, 2), keepdim=True) / cells
    return torch.where(mask, mean, features), mask
