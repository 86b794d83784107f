"""Spoken digits: the bundled Free Spoken Digit Dataset, a speaker split, log-mel features,
a small recogniser, its training loop and accuracies with confidence intervals.

The dataset (``_assets/fsdd-recordings.zip``, CC BY-SA 4.0) holds 3,000 recordings at
8 kHz: six speakers say each digit 0-9 fifty times. It is read from the zip in memory
(``zipfile`` + ``soundfile``), never unpacked. Every clip is centred in a fixed window of
:data:`CLIP_FRAMES` samples (0.8 s), so a batch is one tensor and no collate is needed.

Used in: 06 · does augmentation help?
"""

from __future__ import annotations

import io
import math
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import soundfile
import torch
import torchaudio.transforms as T

from .assets import asset_path
from .validation import as_waveform, check_count

__all__ = [
    "CLIP_FRAMES",
    "FLOOR_DBFS",
    "SAMPLE_RATE",
    "SPEAKERS",
    "DigitNet",
    "Digits",
    "LogMel",
    "PairedDifference",
    "add_floor",
    "add_noise_at_snr",
    "bootstrap_interval",
    "fit",
    "load_digits",
    "paired_difference",
    "predict",
    "speaker_split",
    "wilson_interval",
]

#: The recordings' sample rate (Hz).
SAMPLE_RATE = 8000
#: Samples of the fixed window every clip is centred in (0.8 s; longer clips are cut).
CLIP_FRAMES = 6400
#: Feature hop (samples): 16 ms.
HOP = 128
#: The noise floor every clip gets just before its features, in training and test alike
#: (white noise, RMS re full scale): a microphone's self-noise. Without it the zeros around
#: each clip are digital silence that no real recording has, and any noise fills them.
FLOOR_DBFS = -70.0
#: The six speakers, in the order the dataset names them.
SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")


@dataclass(frozen=True)
class Digits:
    """A set of digit clips, each centred in a window of the same length.

    Attributes
    ----------
    waveforms : torch.Tensor
        float32, shape ``(clips, frames)``, zeros around each clip.
    labels : torch.Tensor
        int64, shape ``(clips,)``: the digit said, 0-9.
    speakers : tuple of str
        The speaker of each clip.
    lengths : torch.Tensor
        int64, shape ``(clips,)``: the clip's own samples inside the window.
    takes : torch.Tensor
        int64, shape ``(clips,)``: which of the speaker's 50 recordings of the digit (0-49).
    """

    waveforms: torch.Tensor
    labels: torch.Tensor
    speakers: tuple[str, ...]
    lengths: torch.Tensor
    takes: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, keep: torch.Tensor) -> Digits:
        """The clips where the boolean ``keep`` (shape ``(clips,)``) is true."""
        index = torch.nonzero(torch.as_tensor(keep, dtype=torch.bool)).flatten()
        return Digits(
            self.waveforms[index], self.labels[index],
            tuple(self.speakers[i] for i in index.tolist()), self.lengths[index],
            self.takes[index],
        )


def _centre(clip: np.ndarray, frames: int) -> tuple[torch.Tensor, int]:
    if clip.size > frames:
        start = (clip.size - frames) // 2
        clip = clip[start : start + frames]
    out = torch.zeros(frames)
    start = (frames - clip.size) // 2
    out[start : start + clip.size] = torch.from_numpy(clip)
    return out, clip.size


def load_digits(*, frames: int = CLIP_FRAMES) -> Digits:
    """Read all 3,000 recordings from the bundled zip (checked against its SHA-256).

    Used in: 06 · Does augmentation help?, §1.

    Parameters
    ----------
    frames : int, keyword-only
        Window length in samples; each clip is centred in it (cut if longer).

    Returns
    -------
    Digits
        Sorted by file name (``{digit}_{speaker}_{index}.wav``).

    Examples
    --------
    >>> from helpers.digits import load_digits
    >>> digits = load_digits()
    >>> tuple(digits.waveforms.shape), digits.labels[:3].tolist()
    ((3000, 6400), [0, 0, 0])
    """
    frames = check_count(frames, "frames", minimum=256, unit="samples")
    waves, labels, speakers, lengths, takes = [], [], [], [], []
    with zipfile.ZipFile(asset_path("digits")) as archive:
        for name in sorted(n for n in archive.namelist() if n.endswith(".wav")):
            digit, speaker, take = name.rsplit("/", 1)[-1][:-4].split("_")
            data, rate = soundfile.read(io.BytesIO(archive.read(name)), dtype="float32")
            if rate != SAMPLE_RATE or data.ndim != 1:
                raise ValueError(f"{name}: expected 8 kHz mono, got {rate} Hz, shape {data.shape}")
            wave, length = _centre(data, frames)
            waves.append(wave)
            labels.append(int(digit))
            speakers.append(speaker)
            lengths.append(length)
            takes.append(int(take))
    return Digits(torch.stack(waves), torch.tensor(labels), tuple(speakers), torch.tensor(lengths),
                  torch.tensor(takes))


def speaker_split(digits: Digits, held_out: str | tuple[str, ...]) -> tuple[Digits, Digits]:
    """Split by speaker: ``(training, test)``, the test set holding ``held_out``'s clips.

    Used in: 06 · Does augmentation help?, §1.

    Raises ``ValueError`` naming the speakers when ``held_out`` is not one of them.
    """
    names = (held_out,) if isinstance(held_out, str) else tuple(held_out)
    unknown = [n for n in names if n not in set(digits.speakers)]
    if unknown or not names:
        raise ValueError(
            f"held_out must name speakers of the dataset ({', '.join(SPEAKERS)}), got {held_out!r}"
        )
    test = torch.tensor([s in names for s in digits.speakers])
    return digits.subset(~test), digits.subset(test)


def add_noise_at_snr(
    clean: torch.Tensor,
    noise: torch.Tensor,
    snr_db: torch.Tensor | float,
    lengths: torch.Tensor,
) -> torch.Tensor:
    """Add ``noise`` to each clip of ``clean`` (both ``(clips, frames)``) at ``snr_db``.

    The speech power is taken over each clip's own ``lengths`` samples (not the silent
    window around it); the noise power over the whole window. ``snr_db`` is one number or
    one per clip.
    """
    clean = as_waveform(clean, "clean", tensor=True)
    noise = as_waveform(noise, "noise", tensor=True)
    if noise.shape != clean.shape:
        raise ValueError(f"noise must be shaped like clean {tuple(clean.shape)}, got "
                         f"{tuple(noise.shape)}")
    speech_power = clean.double().square().sum(-1) / torch.as_tensor(lengths).double()
    noise_power = noise.double().square().mean(-1).clamp_min(1e-20)
    snr = torch.as_tensor(snr_db, dtype=torch.float64)
    gain = torch.sqrt(speech_power / noise_power) * 10 ** (-snr / 20)
    return clean + (gain[:, None] * noise).float()


def add_floor(waveforms: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """``waveforms`` plus white noise at :data:`FLOOR_DBFS`, drawn from ``generator``
    (one row per clip, shape kept): the noise floor of every clip the model hears."""
    waves = as_waveform(waveforms, tensor=True)
    noise = torch.randn(waves.shape, generator=generator)
    return waves + 10 ** (FLOOR_DBFS / 20) * noise


class LogMel(torch.nn.Module):
    """40 log-mel bands (notebook 04), each band's mean over time removed.

    Used in: 06 · Does augmentation help?, §2, §4.

    Input ``(clips, frames)`` at 8 kHz; output ``(clips, 40, frames // 128 + 1)``:
    32 ms windows (``n_fft`` 256), 16 ms hop, 20-4000 Hz, levels in dB. Removing each
    band's mean over the window takes away a filter or a gain applied to *everything* in
    it (a microphone's tilt, a phone line's), the log-mel form of cepstral mean
    normalisation. It does not take away a gain on the speech alone: the window's
    silence (its noise floor, :func:`add_floor`) stays put, so a quieter clip sits closer
    to the floor and its features change.
    """

    def __init__(self, n_mels: int = 40, hop_length: int = HOP) -> None:
        super().__init__()
        self.mel = T.MelSpectrogram(
            SAMPLE_RATE, n_fft=256, hop_length=hop_length, n_mels=n_mels, f_min=20.0,
            f_max=4000.0,
        )

    def forward(self, waveforms: torch.Tensor) -> torch.Tensor:
        level = 10 * torch.log10(self.mel(waveforms) + 1e-8)
        return level - level.mean(dim=-1, keepdim=True)


class DigitNet(torch.nn.Module):
    """A small 1-D CNN over log-mel frames: three convolutions, global max-pool, 10 logits.

    Used in: 06 · Does augmentation help?, §4.

    Input ``(clips, n_mels, frames)``; output logits ``(clips, 10)``. About 17 k weights.
    """

    def __init__(self, n_mels: int = 40, width: int = 32) -> None:
        super().__init__()

        def block(inputs: int, dilation: int) -> list[torch.nn.Module]:
            return [
                torch.nn.Conv1d(inputs, width, 5, padding=2 * dilation, dilation=dilation),
                torch.nn.BatchNorm1d(width),
                torch.nn.ReLU(),
            ]

        self.body = torch.nn.Sequential(
            torch.nn.BatchNorm1d(n_mels), *block(n_mels, 1), *block(width, 2), *block(width, 4)
        )
        self.head = torch.nn.Linear(width, 10)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(features).amax(dim=-1))


Augment = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, torch.Generator], torch.Tensor]


def fit(
    train: Digits,
    *,
    augment: Augment | None = None,
    spec_augment: Callable[[torch.Tensor, torch.Tensor, torch.Generator], torch.Tensor]
    | None = None,
    epochs: int = 8,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    seed: int = 0,
) -> tuple[DigitNet, float]:
    """Train a :class:`DigitNet` on ``train``; return ``(model, seconds)``.

    Used in: 06 · Does augmentation help?, §5, §8.

    The loop of notebook 06's recipe cell: each epoch shuffles the clips with a seeded
    generator; each batch passes through ``augment(waveforms, lengths, indices, generator)``
    (``indices``: the clips' positions in ``train``), then the noise floor
    (:func:`add_floor`), then the features, then ``spec_augment(features, lengths,
    generator)`` (``lengths``: each clip's samples); AdamW with a one-cycle schedule.

    Parameters
    ----------
    train : Digits
        The training clips.
    augment, spec_augment : callable or None
        Waveform- and feature-level augmentation; ``None`` trains on clean clips.
    epochs, batch_size : int
        Passes over the data, clips per step.
    learning_rate : float
        The one-cycle schedule's peak.
    seed : int
        Seeds the weights, the shuffling and every augmentation draw.
    """
    epochs = check_count(epochs, "epochs")
    batch_size = check_count(batch_size, "batch_size")
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    features, model = LogMel(), DigitNet()
    steps = epochs * math.ceil(len(train) / batch_size)
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=1e-2)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, learning_rate, total_steps=steps)
    start = time.perf_counter()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(train), generator=generator)
        for batch in order.split(batch_size):
            waves = train.waveforms[batch]
            if augment is not None:
                waves = augment(waves, train.lengths[batch], batch, generator)
            inputs = features(add_floor(waves, generator))
            if spec_augment is not None:
                inputs = spec_augment(inputs, train.lengths[batch], generator)
            loss = torch.nn.functional.cross_entropy(model(inputs), train.labels[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
    return model, time.perf_counter() - start


@torch.no_grad()
def predict(model: torch.nn.Module, waveforms: torch.Tensor, *, seed: int = 0) -> torch.Tensor:
    """Class probabilities ``(clips, 10)`` for ``(clips, frames)`` 8 kHz waveforms.

    Used in: 06 · Does augmentation help?, §5, §7, §8.

    The noise floor (:func:`add_floor`) is drawn from a generator seeded with ``seed``, so
    every test condition of the same clips gets the same floor.
    """
    generator = torch.Generator().manual_seed(check_count(seed, "seed", minimum=0))
    waves = add_floor(waveforms, generator)
    model.eval()
    features = LogMel()
    return torch.cat([model(features(part)).softmax(-1) for part in waves.split(500)])


def wilson_interval(correct: int, total: int, *, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion ``correct / total`` (95 % for ``z`` 1.96).

    Unlike the normal approximation it stays inside [0, 1] and keeps its coverage near 0
    and 1 (Wilson 1927; Brown, Cai & DasGupta 2001).

    Examples
    --------
    >>> from helpers.digits import wilson_interval
    >>> [round(v, 3) for v in wilson_interval(45, 50)]
    [0.786, 0.957]
    """
    total = check_count(total, "total")
    if not 0 <= correct <= total:
        raise ValueError(f"correct must be between 0 and total ({total}), got {correct!r}")
    share = correct / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z / (1 + z * z / total) * math.sqrt(share * (1 - share) / total
                                               + z * z / (4 * total * total))
    return max(0.0, centre - half), min(1.0, centre + half)  # round-off at 0 and 1


def bootstrap_interval(
    values: torch.Tensor, *, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of the mean of ``values`` (one number per test
    clip: 0/1 for correct, or a difference of two models' 0/1 on the same clips)."""
    data = np.asarray(torch.as_tensor(values, dtype=torch.float64))
    if data.ndim != 1 or data.size < 2:
        raise ValueError(f"values must be one number per clip (at least 2), got {data.shape}")
    rng = np.random.default_rng(check_count(seed, "seed", minimum=0))
    means = data[rng.integers(0, data.size, (check_count(resamples, "resamples"), data.size))]
    low, high = np.percentile(means.mean(axis=1), [2.5, 97.5])
    return float(low), float(high)


class PairedDifference(NamedTuple):
    """Two models compared on the same clips (:func:`paired_difference`)."""

    difference: float
    low: float
    high: float
    p_value: float
    gains: int
    losses: int


def paired_difference(first: torch.Tensor, second: torch.Tensor) -> PairedDifference:
    """Accuracy of ``first`` minus that of ``second`` on the same clips (bool per clip),
    with an exact test and a 95 % interval.

    Used in: 06 · Does augmentation help?, §5, §8.

    Each clip gives -1, 0 or +1. Only the clips where the two disagree carry information:
    ``gains`` (first right, second wrong) and ``losses`` (the reverse). If the two models
    were equally good, each of those ``gains + losses`` clips would be a gain with
    probability 1/2: ``p_value`` is the exact two-sided binomial test of that (McNemar's
    exact test). The interval is the Clopper-Pearson interval of the share of gains among
    them, turned into points of accuracy (given the number that disagree); it excludes 0
    exactly when ``p_value`` < 0.05.

    Examples
    --------
    >>> import torch
    >>> from helpers.digits import paired_difference
    >>> first = torch.tensor([True] * 6 + [False] * 4)
    >>> second = torch.tensor([True] * 4 + [False] * 6)
    >>> result = paired_difference(first, second)
    >>> result.difference, result.gains, result.losses, round(result.p_value, 2)
    (0.2, 2, 0, 0.5)
    """
    import scipy.stats

    first = torch.as_tensor(first, dtype=torch.bool)
    second = torch.as_tensor(second, dtype=torch.bool)
    if first.ndim != 1 or first.shape != second.shape:
        raise ValueError(f"first and second must be one bool per clip, shaped alike; got "
                         f"{tuple(first.shape)} and {tuple(second.shape)}")
    gains, losses = int((first & ~second).sum()), int((~first & second).sum())
    total, disagree = len(first), gains + losses
    if disagree == 0:
        return PairedDifference(0.0, 0.0, 0.0, 1.0, 0, 0)
    test = scipy.stats.binomtest(gains, disagree, 0.5)
    share = test.proportion_ci(confidence_level=0.95, method="exact")
    scale = disagree / total
    return PairedDifference((gains - losses) / total, (2 * share.low - 1) * scale,
                            (2 * share.high - 1) * scale, float(test.pvalue), gains, losses)
