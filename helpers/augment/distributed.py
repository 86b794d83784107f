"""The dataset under ``torch.distributed``: ``DistributedSampler`` in several processes.

:func:`run_ranks` starts ``world_size`` processes with ``torch.multiprocessing`` (the
``spawn`` method: each process imports this module afresh, which is why the worker code
lives here and not in a notebook), joins them in a ``gloo`` process group on 127.0.0.1,
and has each read its shard of an :class:`~helpers.augment.data.AudioDataset` for a few
epochs. Each rank reports, per epoch, the indices it read and a fingerprint of what the
chain drew for each, gathered to rank 0 with ``all_gather_object``.

On several GPUs or machines only the launch changes (``torchrun --nnodes=N
--nproc-per-node=G``, the ``nccl`` backend, a rendezvous address): the dataset, the
sampler and the seeding stay as they are.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from pathlib import Path
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fingerprint(record: list[dict[str, Any]]) -> str:
    """The chain's draws for one item as short text (floats rounded to 1e-6).

    Used in: 05c · scale-out, §2.
    """
    parts = []
    for entry in record:
        values = [f"{v:.6f}" if isinstance(v, float) else str(v) for v in entry.values()]
        parts.append("/".join(values))
    return ";".join(parts)


def shard_chain(seed: int):
    """The chain every rank uses (gain and speed: cheap, and every draw visible).

    Used in: 05c · scale-out, §2, §4.
    """
    from .chain import Chain, Gain, Speed

    return Chain([Gain(p=1.0), Speed(p=0.5, factors=(0.9, 1.1))], seed=seed)


def _fingerprints(items: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """A collate function: each item's (epoch, index, fingerprint of its draws)."""
    return [(item["epoch"], item["index"], fingerprint(item["record"])) for item in items]


def _rank_main(rank: int, world_size: int, port: int, folder: str, epochs: int,
               seed: int, out_dir: str, num_workers: int = 1) -> None:
    import torch
    import torch.distributed as dist

    from .data import AudioDataset, EpochSampler

    torch.set_num_threads(1)
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    try:
        dataset = AudioDataset(folder, chain=shard_chain(seed))
        sampler = torch.utils.data.distributed.DistributedSampler(
            dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed
        )
        epochs_sampler = EpochSampler(sampler)
        loader = torch.utils.data.DataLoader(
            dataset, batch_size=2, sampler=epochs_sampler, num_workers=num_workers,
            persistent_workers=num_workers > 0, collate_fn=_fingerprints,
        )
        seen = []
        for epoch in range(epochs):
            epochs_sampler.set_epoch(epoch)  # sets the DistributedSampler's epoch too
            seen.extend([e, int(i), mark] for batch in loader for e, i, mark in batch)
        gathered: list[Any] = [None] * world_size
        dist.all_gather_object(gathered, {"rank": rank, "seen": seen})
        if rank == 0:
            Path(out_dir, "result.json").write_text(json.dumps(gathered))
    finally:
        dist.destroy_process_group()


def run_ranks(
    folder: str | os.PathLike,
    *,
    world_size: int = 2,
    epochs: int = 2,
    seed: int = 0,
    start_method: str = "spawn",
    num_workers: int = 1,
) -> list[dict[str, Any]]:
    """Run the shard reading in ``world_size`` processes; returns one dict per rank:
    ``rank`` and ``seen``, a list of ``[epoch, index, fingerprint]``.

    Used in: 05c · scale-out, §2.

    Each rank reads through a ``DataLoader`` with ``num_workers`` persistent workers,
    its sampler an :class:`~helpers.augment.data.EpochSampler` wrapping a
    ``DistributedSampler``, so the epoch reaches the workers with every index.

    ``start_method="spawn"`` (what ``torch.multiprocessing.spawn`` and ``torchrun`` give:
    fresh interpreters, portable) re-imports torch in every process, several seconds on
    a busy machine; ``"fork"`` (Linux) copies the running process instead and starts in
    a fraction of that.
    """
    import torch.multiprocessing as mp

    if start_method not in ("spawn", "fork", "forkserver"):
        raise ValueError(f"start_method must be spawn, fork or forkserver, got {start_method!r}")
    with tempfile.TemporaryDirectory() as out_dir:
        mp.start_processes(
            _rank_main,
            args=(world_size, free_port(), str(folder), epochs, seed, out_dir, num_workers),
            nprocs=world_size, join=True, start_method=start_method,
        )
        return json.loads(Path(out_dir, "result.json").read_text())


def check_shards(results: list[dict[str, Any]], dataset_size: int) -> dict[str, Any]:
    """What the ranks' reports show: per epoch, whether the shards are disjoint and cover
    the dataset; how many items got the same draws on two ranks; whether an
    (epoch, index) read twice got the same draws; how many indices changed draws
    between epochs.

    Used in: 05c · scale-out, §2.
    """
    by_epoch: dict[int, list[set[int]]] = {}
    prints: dict[tuple[int, int], str] = {}
    for report in results:
        for epoch, index, mark in report["seen"]:
            shards = by_epoch.setdefault(epoch, [set() for _ in results])
            shards[report["rank"]].add(index)
            prints[(epoch, index)] = mark
    summary = {"disjoint": True, "covering": True, "padded": 0}
    for shards in by_epoch.values():
        union = set().union(*shards)
        summary["covering"] &= union == set(range(dataset_size))
        overlap = sum(len(s) for s in shards) - len(union)
        # DistributedSampler pads the index list to a multiple of world_size by
        # repeating its first indices; those repeats are the only allowed overlap.
        summary["padded"] = max(summary["padded"], overlap)
        summary["disjoint"] &= overlap <= (-dataset_size) % len(shards)
    epochs = sorted(by_epoch)
    summary["changed_between_epochs"] = sum(
        prints.get((epochs[0], i)) != prints.get((epochs[-1], i)) for i in range(dataset_size)
    )
    return summary
