"""A composable, seeded augmentation chain: steps with a probability and parameter ranges.

Every random draw for one clip comes from one ``torch.Generator`` seeded from
``(seed, epoch, index)`` (:func:`generator_for`). So the same example in the same epoch
gets the same augmentation in any ``DataLoader`` worker, in any process of a distributed
job and on a rerun, and every epoch gets a fresh one. Nothing reads a global random
state (NumPy's, Python's or torch's default generator).

Each step draws its "apply?" number and all of its parameters whether it is applied or
not, so changing one step's probability does not shift the parameters drawn for the steps
after it. What a step draws while it runs (:class:`Noise`'s excerpt start) does shift
them: put such steps last. The chain returns, with the audio, a
record of what it did (``applied`` is false for a step that was drawn but changed
nothing, e.g. a speed factor of 1), for logging and to check each step against its own
measurement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.fft
import torch

from ..noise import snr_gain
from ..validation import ArrayLike, as_waveform, check_count, check_sample_rate
from . import codecs, loudness, noises, tempo


def generator_for(seed: int, epoch: int, index: int) -> torch.Generator:
    """A CPU ``torch.Generator`` seeded from ``(seed, epoch, index)``.

    The three numbers are mixed by NumPy's ``SeedSequence`` (a hash designed for this),
    so neighbouring indices or epochs give unrelated streams.
    """
    for name, value in (("seed", seed), ("epoch", epoch), ("index", index)):
        check_count(value, name, minimum=0)
    words = np.random.SeedSequence([int(seed), int(epoch), int(index)]).generate_state(2)
    return torch.Generator().manual_seed(int(words[0]) << 31 ^ int(words[1]))


def uniform(low: float, high: float, generator: torch.Generator) -> float:
    """One float drawn uniformly from ``[low, high]``."""
    return float(low + (high - low) * torch.rand((), generator=generator, dtype=torch.float64))


def pick(options: Sequence[Any], generator: torch.Generator) -> Any:
    """One element of ``options``, each equally likely."""
    return options[int(torch.randint(len(options), (), generator=generator))]


def _check_range(values: tuple[float, float], name: str) -> tuple[float, float]:
    low, high = (float(v) for v in values)
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise ValueError(f"{name} must be a (low, high) range with low <= high, got {values!r}")
    return low, high


@dataclass
class Step:
    """One augmentation: applied with probability ``p``; subclasses define the draws."""

    p: float = 1.0
    name: str = field(default="step", init=False)

    def __post_init__(self) -> None:
        if not 0.0 <= float(self.p) <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be in [0, 1], got {self.p!r}")

    def draw(self, generator: torch.Generator) -> dict[str, Any]:
        return {}

    def apply(self, waveform, sample_rate, parameters, generator) -> tuple[torch.Tensor, dict]:
        raise NotImplementedError


@dataclass
class Gain(Step):
    """Multiply by a gain drawn in dB from ``gain_db``.

    Used in: 05 · Augmentation at training time, §3, §5; 05c · scale-out, §1, §3.
    """

    gain_db: tuple[float, float] = (-6.0, 6.0)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "gain"
        self.gain_db = _check_range(self.gain_db, "gain_db")

    def draw(self, generator):
        return {"gain_db": uniform(*self.gain_db, generator)}

    def apply(self, waveform, sample_rate, parameters, generator):
        return waveform * 10 ** (parameters["gain_db"] / 20), {}


@dataclass
class Loudness(Step):
    """Normalise to a loudness drawn from ``lufs``, never letting the peak exceed
    ``peak_dbfs`` (:func:`helpers.augment.loudness.normalize_loudness`).
    """

    lufs: tuple[float, float] = (-30.0, -18.0)
    peak_dbfs: float = -1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "loudness"
        self.lufs = _check_range(self.lufs, "lufs")

    def draw(self, generator):
        return {"target_lufs": uniform(*self.lufs, generator)}

    def apply(self, waveform, sample_rate, parameters, generator):
        if waveform.shape[-1] < round(loudness.BLOCK_S * sample_rate):
            return waveform, {"skipped": "shorter than one gating block"}
        result = loudness.normalize_loudness(
            waveform, sample_rate, target_lufs=parameters["target_lufs"],
            peak_dbfs=self.peak_dbfs,
        )
        return result.waveform, {"gain_db": result.gain_db, "peak_limited": result.peak_limited}


@dataclass
class Speed(Step):
    """Speed perturbation (Ko et al. 2015): one of ``factors``; pitch and duration change.

    Used in: 05 · Augmentation at training time, §3.
    """

    factors: tuple[float, ...] = (0.9, 1.0, 1.1)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "speed"

    def draw(self, generator):
        return {"factor": float(pick(self.factors, generator))}

    def apply(self, waveform, sample_rate, parameters, generator):
        if parameters["factor"] == 1.0:
            return waveform, {"skipped": "a factor of 1 changes nothing"}
        out = tempo.change_speed(waveform, sample_rate, factor=parameters["factor"])
        effective = tempo.effective_speed_factor(sample_rate, parameters["factor"])
        # time labels must be divided by the factor really applied (rounded at some rates)
        extra = {} if math.isclose(effective, parameters["factor"]) else {"effective": effective}
        return out, extra


@dataclass
class Pitch(Step):
    """Pitch shift by a number of semitones drawn from ``semitones``; duration kept."""

    semitones: tuple[float, float] = (-2.0, 2.0)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "pitch"
        self.semitones = _check_range(self.semitones, "semitones")

    def draw(self, generator):
        return {"semitones": uniform(*self.semitones, generator)}

    def apply(self, waveform, sample_rate, parameters, generator):
        return tempo.shift_pitch(waveform, sample_rate, semitones=parameters["semitones"]), {}


@dataclass
class Codec(Step):
    """A lossy codec round trip, aligned back to the input (its delay found by
    cross-correlation) and cut to the input's length.

    Used in: 05 · Augmentation at training time, §3, §6.
    """

    codecs: tuple[str, ...] = ("mp3", "vorbis", "opus", "mulaw")
    compression: tuple[float, float] = (0.2, 0.9)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "codec"
        unknown = set(self.codecs) - {*codecs.CODECS, "mulaw"}
        if unknown or not self.codecs:
            known = [*codecs.CODECS, "mulaw"]
            raise ValueError(f"codecs must come from {known}, got {self.codecs}")
        self.compression = _check_range(self.compression, "compression")

    def draw(self, generator):
        return {"codec": pick(self.codecs, generator),
                "compression_level": uniform(*self.compression, generator)}

    def apply(self, waveform, sample_rate, parameters, generator):
        if parameters["codec"] == "mulaw":
            return codecs.mu_law_round_trip(waveform), {}
        trip = codecs.codec_round_trip(
            waveform, sample_rate, codec=parameters["codec"],
            compression_level=parameters["compression_level"],
        )
        # an MP3's delay can reach 1105 samples (576 encoder + 529 decoder): at 8 kHz more
        # than sample_rate // 10, so search at least 2048 samples
        delay = codecs.find_delay(waveform, trip.waveform,
                                  max_lag=max(sample_rate // 10, 2048))
        out = codecs.align(trip.waveform, delay, waveform.shape[-1])
        return out.to(waveform.device), {"kbps": trip.kbps, "delay": delay}


@dataclass
class Room(Step):
    """Convolve with one of ``rirs`` (name -> response aligned to its direct path, see
    :func:`helpers.augment.rooms.align_rir`); the clip keeps its length and timing.

    Used in: 05 · Augmentation at training time, §3, §6; 05c · scale-out, §3.
    """

    rirs: dict[str, torch.Tensor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "room"
        if not self.rirs:
            raise ValueError("Room needs at least one impulse response in rirs")
        self._names = sorted(self.rirs)
        self._spectra: dict[tuple[str, int, str], Any] = {}

    def draw(self, generator):
        return {"room": pick(self._names, generator)}

    def apply(self, waveform, sample_rate, parameters, generator):
        # The response's spectrum is kept per FFT length (a power of two, so clips of
        # similar length share one): each clip then costs one forward and one inverse FFT.
        # On the CPU scipy's FFT is several times faster than torch's for one clip.
        response = self.rirs[parameters["room"]][:1]
        frames = waveform.shape[-1] + response.shape[-1] - 1
        length = 1 << (frames - 1).bit_length()
        cpu = waveform.device.type == "cpu"
        key = (parameters["room"], length, str(waveform.device))
        if key not in self._spectra:
            if len(self._spectra) > 64:
                self._spectra.clear()
            self._spectra[key] = (
                scipy.fft.rfft(response.float().numpy(), length) if cpu
                else torch.fft.rfft(response.to(waveform), length)
            )
        if cpu:
            spectrum = scipy.fft.rfft(waveform.numpy(), length) * self._spectra[key]
            wet = torch.from_numpy(scipy.fft.irfft(spectrum, length).astype(np.float32))
        else:
            wet = torch.fft.irfft(torch.fft.rfft(waveform, length) * self._spectra[key], length)
        return wet[..., : waveform.shape[-1]], {}


@dataclass
class Noise(Step):
    """Add one of ``noises`` (name -> (1, frames) at the clip's rate) at an SNR drawn
    from ``snr_db``; the excerpt's start is drawn too.

    Used in: 05 · Augmentation at training time, §3, §6; 05b · simulated rooms, §2; 05c · scale-out,
    §1, §3.
    """

    noises: dict[str, torch.Tensor] = field(default_factory=dict)
    snr_db: tuple[float, float] = (5.0, 20.0)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "noise"
        if not self.noises:
            raise ValueError("Noise needs at least one recording in noises")
        self.snr_db = _check_range(self.snr_db, "snr_db")
        self._names = sorted(self.noises)

    def draw(self, generator):
        return {"noise": pick(self._names, generator), "snr_db": uniform(*self.snr_db, generator)}

    def apply(self, waveform, sample_rate, parameters, generator):
        excerpt = noises.noise_excerpt(
            self.noises[parameters["noise"]], waveform.shape[-1], generator=generator
        ).to(waveform)
        signal_power = waveform.double().square().mean()
        noise_power = excerpt.double().square().mean()
        if signal_power == 0:
            return waveform, {"skipped": "silent clip: no SNR is defined"}
        gain = snr_gain(signal_power, noise_power, parameters["snr_db"])
        return waveform + gain.to(waveform.dtype) * excerpt, {}


class Chain:
    """Steps applied in order, each drawn from one generator per ``(seed, epoch, index)``.

    Used in: 05 · Augmentation at training time, §3, §5, §6; 05b · simulated rooms, §2; 05c ·
    scale-out, §1, §3.

    Parameters
    ----------
    steps : sequence of Step
        The augmentations, applied in order.
    seed : int
        The run's seed.
    peak_dbfs : float or None
        After the last step, scale the clip down (never up) so that its peak is at most
        this level; ``None`` leaves it (the result may then exceed full scale).
    """

    def __init__(self, steps: Sequence[Step], *, seed: int = 0, peak_dbfs: float | None = -1.0):
        self.steps = list(steps)
        self.seed = seed
        self.peak_dbfs = peak_dbfs
        generator_for(seed, 0, 0)  # validates the seed

    def __repr__(self) -> str:
        inner = ", ".join(f"{s.name}(p={s.p:g})" for s in self.steps)
        return f"Chain([{inner}], seed={self.seed})"

    def __call__(
        self, waveform: ArrayLike, sample_rate: int, *, epoch: int = 0, index: int = 0
    ) -> tuple[torch.Tensor, list[dict[str, Any]]]:
        """Augment one clip; returns ``(audio, record)``, the record one dict per step
        (``step``, ``applied`` and the drawn parameters, plus what the step measured)."""
        sample_rate = check_sample_rate(sample_rate)
        audio = as_waveform(waveform, tensor=True).float()
        generator = generator_for(self.seed, epoch, index)
        record = []
        for step in self.steps:
            applied = bool(torch.rand((), generator=generator, dtype=torch.float64) < step.p)
            parameters = step.draw(generator)
            entry = {"step": step.name, "applied": applied, **parameters}
            if applied:
                audio, extra = step.apply(audio, sample_rate, parameters, generator)
                entry.update(extra)
                entry["applied"] = "skipped" not in extra  # drawn, but nothing happened
            record.append(entry)
        if self.peak_dbfs is not None:
            peak = float(audio.abs().max())
            limit = 10 ** (self.peak_dbfs / 20)
            gain_db = 20 * math.log10(limit / peak) if peak > limit else 0.0
            audio = audio * 10 ** (gain_db / 20)
            record.append({"step": "peak guard", "applied": gain_db < 0, "gain_db": gain_db})
        return audio, record


def describe(record: list[dict[str, Any]]) -> str:
    """One line per applied step, numbers rounded, e.g. ``noise: babble, snr_db 12.3``.

    Used in: 05 · Augmentation at training time, §3, §6; 05b · simulated rooms, §2.
    """
    lines = []
    for entry in record:
        if not entry["applied"]:
            continue
        values = [
            f"{key} {value:.2f}" if isinstance(value, float) else f"{key} {value}"
            for key, value in entry.items()
            if key not in {"step", "applied"}
        ]
        lines.append(f"{entry['step']}: " + ", ".join(values))
    return "\n".join(lines) or "(nothing applied)"
