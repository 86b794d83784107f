"""``DataLoader`` measurements: throughput, the copied-RNG pitfall, batched augmentation.

The datasets here live in a module (not in a notebook) because ``DataLoader`` workers
started with ``spawn`` or ``forkserver`` import the dataset's class by name.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..noise import snr_gain
from .chain import generator_for, uniform
from .data import collate_padded


@dataclass(frozen=True)
class Throughput:
    """Clips and seconds of audio delivered per second of wall time, over ``epochs``."""

    num_workers: int
    clips: int
    audio_s: float
    wall_s: float
    first_batch_s: float

    @property
    def clips_per_s(self) -> float:
        return self.clips / self.wall_s

    @property
    def times_real_time(self) -> float:
        """Seconds of audio prepared per second of wall time (above 1: faster than real time)."""
        return self.audio_s / self.wall_s


def measure_throughput(
    dataset: torch.utils.data.Dataset,
    *,
    num_workers: int,
    batch_size: int = 4,
    epochs: int = 1,
    persistent_workers: bool = False,
    prefetch_factor: int | None = None,
    multiprocessing_context: str | None = None,
) -> Throughput:
    """Iterate a ``DataLoader`` over ``dataset`` for ``epochs`` and time it (start-up of
    the workers included: that is what a training loop waits for too).
    """
    options: dict[str, Any] = {}
    if num_workers > 0:
        options = {"persistent_workers": persistent_workers,
                   "multiprocessing_context": multiprocessing_context}
        if prefetch_factor is not None:
            options["prefetch_factor"] = prefetch_factor
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=batch_size, num_workers=num_workers, collate_fn=collate_padded,
        **options,
    )
    clips, samples, first = 0, 0, None
    rate = getattr(dataset, "sample_rate", 1)
    start = time.perf_counter()
    for epoch in range(epochs):
        if hasattr(dataset, "set_epoch"):
            dataset.set_epoch(epoch)
        for batch in loader:
            if first is None:
                first = time.perf_counter() - start
            clips += len(batch["lengths"])
            samples += int(batch["lengths"].sum())
    wall = time.perf_counter() - start
    del loader  # stops persistent workers
    return Throughput(num_workers, clips, samples / rate, wall, first or wall)


class GlobalNumpyDraws(torch.utils.data.Dataset):
    """Draws a "gain" from NumPy's global generator per item: the classic pitfall.

    Used in: 05 · Augmentation at training time, §2.
    """

    def __init__(self, length: int) -> None:
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict[str, Any]:
        # The legacy global generator is the point of this example.
        return {"index": index, "draw": float(np.random.uniform(-6, 6))}  # noqa: NPY002


class CopiedNumpyDraws(GlobalNumpyDraws):
    """Draws from a NumPy ``Generator`` made in ``__init__``: every worker gets a copy of
    it, in the same state, and so the same sequence of draws.

    Used in: 05 · Augmentation at training time, §2.
    """

    def __init__(self, length: int, *, seed: int = 0) -> None:
        super().__init__(length)
        self.rng = np.random.default_rng(seed)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return {"index": index, "draw": float(self.rng.uniform(-6, 6))}


class SeededDraws(GlobalNumpyDraws):
    """The fix: draws from a generator seeded from ``(seed, epoch, index)``.

    Used in: 05 · Augmentation at training time, §2.
    """

    def __init__(self, length: int, *, seed: int = 0) -> None:
        super().__init__(length)
        self.seed, self.epoch = seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __getitem__(self, index: int) -> dict[str, Any]:
        generator = generator_for(self.seed, self.epoch, index)
        return {"index": index, "draw": uniform(-6, 6, generator)}


def collect_draws(
    dataset: torch.utils.data.Dataset, *, num_workers: int, epoch: int = 0
) -> dict[int, float]:
    """Every item's draw, by index, read through a ``DataLoader`` with ``num_workers``.

    Used in: 05 · Augmentation at training time, §2.
    """
    if hasattr(dataset, "set_epoch"):
        dataset.set_epoch(epoch)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=None, num_workers=num_workers, shuffle=False
    )
    return {int(item["index"]): float(item["draw"]) for item in loader}


def count_duplicates(draws: dict[int, float]) -> int:
    """How many items share their draw with at least one other item.

    Used in: 05 · Augmentation at training time, §2.
    """
    counts = Counter(draws.values())
    return sum(count for count in counts.values() if count > 1)


def augment_batch(
    waveforms: torch.Tensor,
    lengths: torch.Tensor,
    *,
    noise: torch.Tensor,
    generator: torch.Generator,
    gain_db: tuple[float, float] = (-6.0, 6.0),
    snr_db: tuple[float, float] = (5.0, 20.0),
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Gain and noise for a whole padded batch at once, on the batch's device.

    Used in: 05c · scale-out, §1.

    Each clip gets its own gain and SNR (drawn on the CPU from ``generator``, so the
    draws do not depend on the device) and its own excerpt of ``noise`` (1, frames);
    powers are measured over each clip's valid samples only, and the padding stays zero.
    Returns the batch and the drawn ``gain_db`` and ``snr_db`` (both ``(batch,)``).
    """
    batch, _, frames = waveforms.shape
    device = waveforms.device
    gains = gain_db[0] + (gain_db[1] - gain_db[0]) * torch.rand(batch, generator=generator)
    snrs = snr_db[0] + (snr_db[1] - snr_db[0]) * torch.rand(batch, generator=generator)
    if noise.shape[-1] < frames:
        noise = noise.repeat(1, -(-frames // noise.shape[-1]))
    starts = torch.randint(0, noise.shape[-1] - frames + 1, (batch,), generator=generator)
    offsets = starts[:, None] + torch.arange(frames)[None]  # (batch, frames)
    excerpts = noise[0].to(device)[offsets.to(device)][:, None, :]
    valid = (torch.arange(frames, device=device)[None] < lengths.to(device)[:, None])[:, None]
    lengths_f = lengths.to(device, torch.float64)[:, None, None] * waveforms.shape[1]
    scaled = waveforms * (10 ** (gains.to(device) / 20))[:, None, None]
    excerpts = excerpts * valid
    signal_power = scaled.double().square().sum(dim=(1, 2), keepdim=True) / lengths_f
    noise_power = excerpts.double().square().sum(dim=(1, 2), keepdim=True) / lengths_f
    factor = snr_gain(signal_power, noise_power, snrs.to(device, torch.float64)[:, None, None])
    return scaled + (factor * excerpts).to(scaled.dtype), {"gain_db": gains, "snr_db": snrs}


def first_worker_error(
    dataset: torch.utils.data.Dataset, *, num_workers: int = 1
) -> Exception | None:
    """Read ``dataset`` through a ``DataLoader`` and return the first error it raises in the
    main process (``None`` if every item loads), its workers already stopped.

    Used in: 05 · Augmentation at training time, §4.

    A caught exception's traceback keeps the loader's iterator alive in a reference cycle;
    if the garbage collector later frees it inside a forked worker of another loader, the
    iterator's clean-up fails there ("can only test a child process"). So the traceback is
    dropped and the iterator freed here, in the process that started its workers.
    """
    import gc

    batches = iter(torch.utils.data.DataLoader(
        dataset, batch_size=1, num_workers=num_workers, collate_fn=collate_padded
    ))
    caught = None
    try:
        for _ in batches:
            pass
    except Exception as error:
        caught = error.with_traceback(None)
        caught.__context__ = caught.__cause__ = None
    del batches
    gc.collect()
    return caught
