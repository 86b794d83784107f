"""A ``Dataset`` of audio files with on-the-fly augmentation, and a padding collate function.

:class:`AudioDataset` reads WAV or FLAC files (a folder, a list of paths, or the course's
bundled recordings), brings each one to one sample rate and one channel layout, stated
explicitly, and augments it with a :class:`~helpers.augment.chain.Chain` seeded from
``(seed, epoch, index)``. A file that cannot be used raises :class:`AudioFileError`
naming the file; inside a ``DataLoader`` worker, PyTorch re-raises it in the main process
with the worker's traceback.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
import torch
import torchaudio.functional as AF

from ..assets import asset_path
from ..validation import check_sample_rate
from .chain import Chain

#: File endings the dataset reads.
EXTENSIONS = (".wav", ".flac")
#: The bundled recordings that are clips (speech and a whistle), not noise or a response.
BUNDLED_CLIPS = ("speech", "arctic", "whistle")


class AudioFileError(ValueError):
    """A file in a dataset that cannot be used: its message names the file and the fix.

    Used in: 05 · Augmentation at training time, §4.
    """


def list_audio_files(folder: str | os.PathLike) -> list[Path]:
    """The WAV and FLAC files under ``folder`` (recursively), sorted, so the order (and
    hence each file's index) is the same on every machine."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in EXTENSIONS and p.is_file())
    if not files:
        raise FileNotFoundError(f"{root} holds no {' or '.join(EXTENSIONS)} files")
    return files


def read_clip(path: str | os.PathLike, *, sample_rate: int, channels: int) -> torch.Tensor:
    """Read one file as float32 ``(channels, frames)`` at ``sample_rate``.

    ``channels=1`` averages stereo to mono; ``channels=2`` keeps stereo and copies mono to
    both sides. Any other layout (more than two channels), an empty or unreadable file, a
    WAV file whose data chunk holds less than its header promises (cut short),
    non-finite samples, or a silent file (mean square below -80 dBFS: no SNR or loudness is
    defined for it) raise :class:`AudioFileError` naming ``path``.
    """
    path = Path(path)
    missing = _missing_wav_bytes(path)
    if missing:
        raise AudioFileError(
            f"{path}: is cut short ({missing} bytes of audio data missing); "
            "copy or export this file again"
        )
    try:
        data, native_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as error:  # libsndfile's errors do not all share one class
        size = path.stat().st_size if path.exists() else None
        what = "is empty (0 bytes)" if size == 0 else "cannot be read as audio"
        raise AudioFileError(
            f"{path}: {what} ({type(error).__name__}: {error}); remove or replace this file"
        ) from error
    if data.shape[0] == 0:
        raise AudioFileError(f"{path}: has no samples; remove or replace this file")
    if not np.isfinite(data).all():
        raise AudioFileError(f"{path}: contains NaN or infinite samples; re-export this file")
    waveform = torch.from_numpy(np.ascontiguousarray(data.T))
    have = waveform.shape[0]
    if have > 2:
        raise AudioFileError(
            f"{path}: has {have} channels, and the dataset reads mono or stereo; "
            "mix or select the channels you want and save the file again"
        )
    if channels == 1 and have > 1:
        waveform = waveform.mean(dim=0, keepdim=True)
    elif channels == 2 and have == 1:
        waveform = waveform.expand(2, -1).clone()
    elif have != channels:
        raise AudioFileError(
            f"{path}: has {have} channels, and the dataset wants {channels}; "
            "choose channels=1 (mix to mono) or convert the file"
        )
    if not float(np.square(data, dtype=np.float64).mean()) > 1e-8:  # -80 dBFS
        raise AudioFileError(f"{path}: is silent (below -80 dBFS); remove or replace this file")
    if native_rate != sample_rate:
        waveform = AF.resample(waveform, native_rate, sample_rate)
    return waveform


def _missing_wav_bytes(path: Path) -> int:
    """How many bytes a WAV file's ``data`` chunk promises beyond the end of the file
    (0 for other files, or when the size is unknown)."""
    if path.suffix.lower() != ".wav" or not path.is_file():
        return 0
    with path.open("rb") as file:
        head = file.read(4096)
    where = head.find(b"data", 12)
    if not head.startswith(b"RIFF") or where < 0 or where + 8 > len(head):
        return 0
    declared = int.from_bytes(head[where + 4 : where + 8], "little")
    if declared in (0, 0xFFFFFFFF):  # unknown length (a stream): nothing to compare
        return 0
    return max(declared - (path.stat().st_size - where - 8), 0)


class AudioDataset(torch.utils.data.Dataset):
    """Audio files, read at one rate and channel count, augmented per ``(epoch, index)``.

    Used in: 05 · Augmentation at training time, §4, §5, §7; 05c · scale-out, §2, §4.

    Parameters
    ----------
    source : "bundled", a folder, or a list of paths
        ``"bundled"``: the course's recordings :data:`BUNDLED_CLIPS` (one is a 44.1 kHz
        stereo file); a folder: every WAV/FLAC file in it (:func:`list_audio_files`).
    sample_rate : int
        Every clip is resampled to this rate.
    channels : {1, 2}
        Every clip gets this many channels (see :func:`read_clip`).
    chain : Chain or None
        The augmentation; ``None`` returns the clips as read.
    on_error : {"raise", "skip"}
        The bad-file policy. ``"raise"``: a file that cannot be read, or that a step of
        the chain cannot augment (a silent clip meeting a loudness step), raises
        :class:`AudioFileError` naming it. ``"skip"``: warn once per file, count it in
        :attr:`skipped` (per process: each ``DataLoader`` worker counts its own), and
        return the next usable file in index order instead, augmented with the bad
        item's own ``(epoch, index)`` draws, so shapes and seeding stay reproducible.

    An item is a dict: ``waveform`` (channels, frames), ``index``, ``epoch``, ``path``
    (as text) and ``record`` (what the chain applied). Set the epoch with
    :meth:`set_epoch` before each epoch (as ``DistributedSampler.set_epoch``), or index
    with an ``(epoch, index)`` pair, e.g. from :class:`EpochSampler`, which also works
    with ``persistent_workers=True`` (there, workers keep their copy of the dataset and
    never see a later ``set_epoch``).
    """

    def __init__(
        self,
        source: str | os.PathLike | Sequence[str | os.PathLike] = "bundled",
        *,
        sample_rate: int = 16000,
        channels: int = 1,
        chain: Chain | None = None,
        on_error: str = "raise",
    ) -> None:
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        self.on_error = on_error
        self.skipped: set[str] = set()
        self.sample_rate = check_sample_rate(sample_rate)
        if channels not in (1, 2):
            raise ValueError(f"channels must be 1 (mono) or 2 (stereo), got {channels!r}")
        self.channels = channels
        if isinstance(source, str) and source == "bundled":
            self.paths = [asset_path(name) for name in BUNDLED_CLIPS]
        elif isinstance(source, str | os.PathLike):
            self.paths = list_audio_files(source)
        else:
            self.paths = [Path(p) for p in source]
        self.chain = chain
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.paths)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __getitem__(self, item: int | tuple[int, int]) -> dict[str, Any]:
        epoch, index = item if isinstance(item, tuple) else (self.epoch, item)
        if not 0 <= index < len(self.paths):
            raise IndexError(f"index {index} out of range for {len(self.paths)} files")
        for offset in range(len(self.paths)):
            path = self.paths[(index + offset) % len(self.paths)]
            try:
                waveform, record = self._read_and_augment(path, epoch, index)
            except AudioFileError as error:
                if self.on_error == "raise":
                    raise
                if str(path) not in self.skipped:
                    self.skipped.add(str(path))
                    warnings.warn(f"skipped: {error}", stacklevel=2)
                continue
            return {"waveform": waveform, "index": index, "epoch": epoch, "path": str(path),
                    "record": record}
        raise AudioFileError(f"no file of the {len(self.paths)} in this dataset can be used")

    def _read_and_augment(self, path: Path, epoch: int, index: int):
        waveform = read_clip(path, sample_rate=self.sample_rate, channels=self.channels)
        record: list[dict[str, Any]] = []
        if self.chain is not None:
            try:
                waveform, record = self.chain(
                    waveform, self.sample_rate, epoch=epoch, index=index
                )
            except ValueError as error:  # e.g. a silent clip meeting a loudness step
                raise AudioFileError(f"{path}: the chain cannot augment it: {error}") from error
        return waveform, record


class EpochSampler(torch.utils.data.Sampler):
    """Yields ``(epoch, index)`` pairs from another sampler (default: all indices in
    order), so the epoch travels with each index to whichever worker reads it.

    Used in: 05 · Augmentation at training time, §5; 05c · scale-out, §4.
    """

    def __init__(self, length_or_sampler: int | torch.utils.data.Sampler, *, epoch: int = 0):
        self.sampler = (
            range(length_or_sampler) if isinstance(length_or_sampler, int) else length_or_sampler
        )
        self.epoch = int(epoch)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)

    def __len__(self) -> int:
        return len(self.sampler)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return ((self.epoch, int(index)) for index in self.sampler)


def collate_padded(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Stack clips of different lengths: zero-pad to the longest, return ``lengths``.

    Used in: 05 · Augmentation at training time, §4, §5; 05c · scale-out, §4.

    Returns a dict with ``waveform`` ``(batch, channels, frames)``, ``lengths``
    ``(batch,)`` (valid samples of each clip), ``index`` ``(batch,)``, and ``record`` and
    ``path`` as lists.
    """
    if not items:
        raise ValueError("an empty batch: nothing to collate")
    lengths = torch.tensor([item["waveform"].shape[-1] for item in items])
    channels = {item["waveform"].shape[0] for item in items}
    if len(channels) != 1:
        raise ValueError(f"clips with different channel counts {sorted(channels)} in one batch")
    batch = torch.zeros(len(items), channels.pop(), int(lengths.max()))
    for row, item in enumerate(items):
        batch[row, :, : item["waveform"].shape[-1]] = item["waveform"]
    return {
        "waveform": batch,
        "lengths": lengths,
        "index": torch.tensor([item["index"] for item in items]),
        "record": [item["record"] for item in items],
        "path": [item["path"] for item in items],
    }


def make_clip_folder(
    folder: str | os.PathLike, *, clips: int = 24, seconds: float = 1.0, seed: int = 0
) -> list[Path]:
    """Write ``clips`` short excerpts of the bundled speech and whistle into ``folder``,
    as a small stand-in for a corpus: WAV and FLAC, 16, 22.05 and 44.1 kHz, mono and
    stereo, lengths from ``0.75 * seconds`` to ``seconds``. Returns their paths.

    Used in: 05 · Augmentation at training time, §4.
    """
    import soxr

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    sources = {}
    for name in BUNDLED_CLIPS:
        data, rate = soundfile.read(str(asset_path(name)), dtype="float32", always_2d=True)
        sources[name] = (data, rate)
    rates = (16000, 22050, 44100)
    paths = []
    for number in range(clips):
        name = BUNDLED_CLIPS[number % len(BUNDLED_CLIPS)]
        data, rate = sources[name]
        target = rates[number % len(rates)]
        length = round(seconds * rate * rng.uniform(0.75, 1.0))
        start = int(rng.integers(0, data.shape[0] - length))
        excerpt = data[start : start + length]
        if number % 2:  # odd clips stereo, even clips mono
            excerpt = np.repeat(excerpt[:, :1], 2, axis=1) if excerpt.shape[1] == 1 else excerpt
        else:
            excerpt = excerpt.mean(axis=1, keepdims=True)
        if target != rate:
            excerpt = soxr.resample(excerpt, rate, target)
        path = folder / f"clip{number:03d}_{name}_{target}.{'flac' if number % 4 == 3 else 'wav'}"
        soundfile.write(str(path), excerpt, target)
        paths.append(path)
    return paths


class LengthBucketSampler(torch.utils.data.Sampler):
    """Batches of indices of similar length, so a padded batch holds little padding.

    Each epoch shuffles the indices (seeded from ``seed`` and the epoch), cuts them into
    pools of ``batch_size * pool_batches``, sorts each pool by length, cuts it into
    batches and shuffles the batches' order. Use it as ``batch_sampler=``; with
    persistent workers, pair it with ``dataset[(epoch, index)]`` reads or call
    ``set_epoch`` on a dataset whose workers restart each epoch.

    Parameters
    ----------
    lengths : sequence of int
        Each item's length (e.g. frames, from ``soundfile.info``).
    batch_size : int
        Items per batch (the last batch of a pool may be smaller).
    pool_batches : int
        How many batches' worth of items are sorted together (larger: less padding,
        less randomness).
    seed : int
        Seeds the shuffles, with the epoch.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, *, pool_batches: int = 8,
                 seed: int = 0) -> None:
        if batch_size < 1 or pool_batches < 1:
            raise ValueError(f"batch_size and pool_batches must be at least 1, got "
                             f"{batch_size!r} and {pool_batches!r}")
        self.lengths = torch.as_tensor(list(lengths))
        self.batch_size, self.pool_batches, self.seed, self.epoch = (
            batch_size, pool_batches, seed, 0)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        pool = self.batch_size * self.pool_batches
        full, rest = divmod(len(self.lengths), pool)
        return full * self.pool_batches + -(-rest // self.batch_size)

    def __iter__(self) -> Iterator[list[int]]:
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
        order = torch.randperm(len(self.lengths), generator=generator)
        pool = self.batch_size * self.pool_batches
        batches = []
        for start in range(0, len(order), pool):
            chunk = order[start : start + pool]
            chunk = chunk[torch.argsort(self.lengths[chunk], stable=True)]
            batches += [chunk[i : i + self.batch_size].tolist()
                        for i in range(0, len(chunk), self.batch_size)]
        shuffle = torch.randperm(len(batches), generator=generator).tolist()
        return iter([batches[i] for i in shuffle])


def padding_share(batches: Sequence[Sequence[int]], lengths: Sequence[int]) -> float:
    """The share of a padded batch's samples that are padding, over all ``batches``."""
    total = padded = 0
    for batch in batches:
        sizes = [int(lengths[i]) for i in batch]
        total += max(sizes) * len(sizes)
        padded += max(sizes) * len(sizes) - sum(sizes)
    return padded / total if total else 0.0
