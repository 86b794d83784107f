"""Background noise at a measured signal-to-noise ratio (SNR).

The SNR of a mixture ``signal + noise`` compares the *powers* (mean squares) of
its two components::

    SNR = P_signal / P_noise        SNR_dB = 10 log10(P_signal / P_noise)

To mix at a target SNR, the noise is multiplied by an *amplitude* gain ``a``;
its power grows by ``a**2``, so ``a = sqrt(P_signal / P_noise) * 10 ** (-SNR_dB / 20)``.
Everything here keeps the two components apart, so that the SNR a mixture
really has can be measured and asserted.

The SNR over a whole clip counts its pauses; :func:`helpers.measure.active_speech_level`
measures the speech level over the moments of speech only (ITU-T P.56).

Shapes: a clip is ``(frames,)`` or ``(channels, frames)``; a batch is
``(batch, channels, frames)`` (or ``(batch, frames)``). One SNR is defined per
clip, over all of its channels, so the noise's balance between channels is kept.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
import torchaudio.functional as AF

from .validation import ArrayLike, as_array, check_count, check_sample_rate

__all__ = [
    "add_noise_at_snr",
    "fit_noise_length",
    "mix_batch_at_snr",
    "noise_gain",
    "peak_gain",
    "prepare_noise",
    "snr_db",
    "snr_db_batch",
    "snr_gain",
]


def _check_pair(signal: torch.Tensor, noise: torch.Tensor) -> None:
    if signal.shape != noise.shape:
        hint = (
            "fit the noise to the signal's length first, e.g. "
            "helpers.noise.fit_noise_length(noise, signal.shape[-1])"
            if signal.shape[:-1] == noise.shape[:-1]
            else "give both the same (channels, frames) layout"
        )
        raise ValueError(
            f"signal has shape {tuple(signal.shape)} but noise has shape {tuple(noise.shape)}; "
            f"{hint}"
        )
    if signal.device != noise.device:
        raise ValueError(f"signal is on {signal.device} but noise is on {noise.device}")


def _clip_pair(signal: ArrayLike, noise: ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    signal_t = as_array(signal, "signal", tensor=True)
    noise_t = as_array(noise, "noise", tensor=True)
    _check_pair(signal_t, noise_t)
    return signal_t, noise_t


def _batch_pair(
    signals: ArrayLike, noises: ArrayLike, one_clip_function: str
) -> tuple[torch.Tensor, torch.Tensor]:
    signal_t = as_array(signals, "signals", tensor=True)
    noise_t = as_array(noises, "noises", tensor=True)
    if signal_t.ndim not in (2, 3):
        raise ValueError(
            f"signals must be (batch, frames) or (batch, channels, frames), got shape "
            f"{tuple(signal_t.shape)}; for one clip use helpers.noise.{one_clip_function}"
        )
    _check_pair(signal_t, noise_t)
    return signal_t, noise_t


def _check_rates(sample_rate: int | None, noise_sample_rate: int | None) -> None:
    if sample_rate is None and noise_sample_rate is None:
        return
    if sample_rate is None or noise_sample_rate is None:
        raise ValueError("give both sample_rate and noise_sample_rate, or neither")
    rate = check_sample_rate(sample_rate)
    noise_rate = check_sample_rate(noise_sample_rate, "noise_sample_rate")
    if rate != noise_rate:
        raise ValueError(
            f"the signal is sampled at {rate} Hz but the noise at {noise_rate} Hz: resample the "
            f"noise first, e.g. torchaudio.functional.resample(noise, {noise_rate}, {rate}) "
            "(helpers.noise.prepare_noise does it and fits the length too)"
        )


def _powers(signal: torch.Tensor, noise: torch.Tensor, dims: tuple[int, ...]):
    """Mean squares over ``dims`` in float64, with clear errors for silence."""
    signal_power = signal.double().square().mean(dim=dims)
    noise_power = noise.double().square().mean(dim=dims)
    if bool((signal_power == 0).any()):
        raise ValueError(
            "the signal is silent (all zeros): its SNR is undefined (-inf dB) and no noise "
            "gain can reach a target SNR; check that the right clip was loaded"
        )
    if bool((noise_power == 0).any()):
        raise ValueError(
            "the noise is silent (all zeros): the SNR is undefined (+inf dB) and no gain can "
            "make silence audible; check the noise clip (or the crop taken from it)"
        )
    return signal_power, noise_power


def _check_snr_values(snr: torch.Tensor) -> None:
    if not bool(torch.isfinite(snr).all()):
        raise ValueError(f"snr_db must be finite numbers of dB, got {snr.tolist()}")


def snr_db(signal: ArrayLike, noise: ArrayLike) -> float:
    """The measured SNR (dB) of a mixture, from its two components.

    Used in: 02 · Background noise at a measured SNR, §1, §5, §8; 05 · Augmentation at training
    time, §1; 02b · Levels, §5; 05a · codecs, §1; 05b · simulated rooms, §2; 05c · scale-out, §1,
    §3.

    ``10 log10(mean(signal**2) / mean(noise**2))`` over all channels and frames.
    Both must have the same shape. Raises ``ValueError`` when either is silent
    (the SNR is then undefined), when the shapes differ, or on NaN/Inf.

    Examples
    --------
    >>> import torch
    >>> from helpers import noise
    >>> speech = torch.ones(1, 100)
    >>> round(noise.snr_db(speech, 0.1 * speech), 1)  # a tenth of the amplitude: 20 dB below
    20.0
    """
    signal_t, noise_t = _clip_pair(signal, noise)
    signal_power, noise_power = _powers(signal_t, noise_t, tuple(range(signal_t.ndim)))
    return float(10.0 * torch.log10(signal_power / noise_power))


def snr_db_batch(signals: ArrayLike, noises: ArrayLike) -> torch.Tensor:
    """The measured SNR (dB) of every clip of a batch: a float64 tensor of shape ``(batch,)``.

    ``signals`` and ``noises`` have shape ``(batch, frames)`` or
    ``(batch, channels, frames)``; each clip's SNR uses all of its channels.
    """
    signal_t, noise_t = _batch_pair(signals, noises, "snr_db")
    dims = tuple(range(1, signal_t.ndim))
    signal_power, noise_power = _powers(signal_t, noise_t, dims)
    return 10.0 * torch.log10(signal_power / noise_power)


def noise_gain(signal: ArrayLike, noise: ArrayLike, target_snr_db: float) -> float:
    """The amplitude gain ``a`` for which ``signal + a * noise`` has ``target_snr_db``.

    ``a = sqrt(P_signal / P_noise) * 10 ** (-target_snr_db / 20)``: the dB value is
    divided by 20, not 10, because ``a`` scales amplitude and power goes with ``a**2``.
    """
    return _gain(*_clip_pair(signal, noise), target_snr_db)


def snr_gain(
    signal_power: torch.Tensor | float,
    noise_power: torch.Tensor | float,
    snr_db: torch.Tensor | float,
) -> torch.Tensor:
    """The gain ``sqrt(P_signal / P_noise) * 10 ** (-snr_db / 20)`` that puts noise of power
    ``noise_power`` at ``snr_db`` below a signal of power ``signal_power``: the one SNR
    gain of the course (:func:`add_noise_at_snr`, :func:`mix_batch_at_snr`,
    :class:`helpers.augment.chain.Noise`, :func:`helpers.augment.loaders.augment_batch`).

    Tensors broadcast (one gain per example of a batch); float64 in, float64 out.

    Examples
    --------
    >>> from helpers import noise
    >>> float(noise.snr_gain(1.0, 1.0, 20.0))
    0.1
    """
    signal_power, noise_power, snr_db = (
        torch.as_tensor(value, dtype=torch.float64)
        for value in (signal_power, noise_power, snr_db)
    )
    return torch.sqrt(signal_power / noise_power) * 10.0 ** (-snr_db / 20.0)


def _gain(signal: torch.Tensor, noise: torch.Tensor, target_snr_db: float) -> float:
    _check_snr_values(torch.as_tensor(float(target_snr_db)))
    signal_power, noise_power = _powers(signal, noise, tuple(range(signal.ndim)))
    return float(snr_gain(signal_power, noise_power, float(target_snr_db)))


def add_noise_at_snr(
    signal: ArrayLike,
    noise: ArrayLike,
    target_snr_db: float,
    *,
    sample_rate: int | None = None,
    noise_sample_rate: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mix ``noise`` into ``signal`` at ``target_snr_db``; the from-scratch ``add_noise``.

    Parameters
    ----------
    signal, noise : the same shape, ``(frames,)`` or ``(channels, frames)``.
    target_snr_db : the wanted SNR in dB (negative: the noise is louder).
    sample_rate, noise_sample_rate : when given, they must agree (otherwise a
        ``ValueError`` says how to resample).

    Returns
    -------
    mixture : ``signal + scaled_noise``.
    scaled_noise : the noise as it is in the mixture, to measure the SNR from.

    Examples
    --------
    >>> import torch
    >>> from helpers import noise, noise_colours
    >>> speech = noise_colours.white_noise(16000, rms_dbfs=-20.0, seed=1)
    >>> hiss = noise_colours.white_noise(16000, rms_dbfs=-30.0, seed=2)
    >>> mixture, scaled = noise.add_noise_at_snr(speech, hiss, 5.0)
    >>> round(noise.snr_db(speech, scaled), 3)
    5.0
    """
    _check_rates(sample_rate, noise_sample_rate)
    signal_t, noise_t = _clip_pair(signal, noise)
    scaled_noise = _gain(signal_t, noise_t, target_snr_db) * noise_t
    return signal_t + scaled_noise, scaled_noise


def mix_batch_at_snr(
    signals: ArrayLike, noises: ArrayLike, target_snr_db: ArrayLike | float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mix a batch of clips, each at its own SNR, in one vectorised call.

    Parameters
    ----------
    signals, noises : ``(batch, channels, frames)`` or ``(batch, frames)``, same shape.
    target_snr_db : one SNR per clip, shape ``(batch,)``, or one number for all.

    Returns
    -------
    mixtures, scaled_noises : both shaped like ``signals``.
    """
    signal_t, noise_t = _batch_pair(signals, noises, "add_noise_at_snr")
    batch = signal_t.shape[0]
    snr = torch.as_tensor(target_snr_db, dtype=torch.float64, device=signal_t.device)
    if snr.ndim == 0:
        snr = snr.expand(batch)
    if snr.shape != (batch,):
        raise ValueError(
            f"target_snr_db must be one number or one per clip, shape ({batch},), "
            f"got shape {tuple(snr.shape)}"
        )
    _check_snr_values(snr)
    dims = tuple(range(1, signal_t.ndim))
    signal_power, noise_power = _powers(signal_t, noise_t, dims)
    gains = snr_gain(signal_power, noise_power, snr)
    shape = (batch,) + (1,) * (signal_t.ndim - 1)
    scaled_noise = noise_t * gains.reshape(shape).to(noise_t.dtype)
    return signal_t + scaled_noise, scaled_noise


def fit_noise_length(
    noise: ArrayLike,
    frames: int,
    *,
    mode: Literal["tile", "random"] = "tile",
    seed: int = 0,
    crossfade: int = 0,
) -> torch.Tensor:
    """Cut or repeat a noise recording to exactly ``frames`` samples.

    Used in: 02b · Levels, §2.

    Parameters
    ----------
    noise : torch.Tensor or numpy.ndarray, shape ``(frames,)`` or ``(channels, frames)``
        The noise recording.
    frames : int
        The wanted length, e.g. ``signal.shape[-1]``.
    mode : {"tile", "random"}
        ``"tile"`` starts at the noise's first sample. ``"random"`` starts at a random
        sample drawn from a generator seeded with ``seed`` (repeatable): a noise at
        least ``frames`` long gives a contiguous crop, ``noise[:, start:start + frames]``,
        never wrapped around its end; a shorter noise is looped from a random point of
        the loop.
    seed : int
        Seed of the generator that draws the random start.
    crossfade : int
        Only for a noise shorter than ``frames``, which must be looped: overlap each
        repeat with the previous one over this many samples with an equal-power fade,
        which avoids a click at every seam (for noise uncorrelated across the seam,
        equal power keeps the level constant).

    Returns
    -------
    torch.Tensor, shape ``(channels, frames)``

    Examples
    --------
    >>> import torch
    >>> from helpers import noise
    >>> noise.fit_noise_length(torch.arange(4.0), 10).tolist()
    [[0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0]]
    """
    data = as_array(noise, "noise", tensor=True)
    if data.ndim == 1:
        data = data.unsqueeze(0)
    if data.ndim != 2:
        raise ValueError(f"noise must be (frames,) or (channels, frames), got {tuple(data.shape)}")
    frames = check_count(frames, "frames", unit="samples")
    if mode not in ("tile", "random"):
        raise ValueError(f"mode must be 'tile' or 'random', got {mode!r}")
    length = data.shape[-1]
    crossfade = check_count(crossfade, "crossfade", minimum=0, unit="samples")
    if crossfade and 2 * crossfade >= length:
        raise ValueError(
            f"crossfade ({crossfade} samples) must be shorter than half the noise "
            f"({length} samples)"
        )
    generator = torch.Generator().manual_seed(seed)
    if length >= frames:  # a crop: one contiguous piece of the recording
        start = 0
        if mode == "random":
            start = int(torch.randint(length - frames + 1, (1,), generator=generator))
        return data[:, start : start + frames]
    loop = data if crossfade == 0 else _looped(data, crossfade)
    period = loop.shape[-1]
    start = int(torch.randint(period, (1,), generator=generator)) if mode == "random" else 0
    index = (torch.arange(frames) + start) % period
    return loop[:, index.to(loop.device)]


def _looped(data: torch.Tensor, crossfade: int) -> torch.Tensor:
    """One period of a seamless loop: the end fades into the beginning (equal power)."""
    phase = (torch.arange(crossfade, dtype=torch.float64) + 0.5) / crossfade * (math.pi / 2)
    fade_in = torch.sin(phase).to(data.dtype).to(data.device)
    fade_out = torch.cos(phase).to(data.dtype).to(data.device)
    body = data[:, crossfade:].clone()
    body[:, -crossfade:] = body[:, -crossfade:] * fade_out + data[:, :crossfade] * fade_in
    return body


def prepare_noise(
    noise: ArrayLike,
    noise_sample_rate: int,
    sample_rate: int,
    frames: int,
    *,
    mode: Literal["tile", "random"] = "random",
    seed: int = 0,
    crossfade: int = 0,
) -> torch.Tensor:
    """Resample a noise recording to ``sample_rate``, then fit it to ``frames`` samples.

    Resampling comes first: cutting first would need the length in the noise's
    own rate. See :func:`fit_noise_length` for ``mode``, ``seed`` and ``crossfade``.
    """
    noise_rate = check_sample_rate(noise_sample_rate, "noise_sample_rate")
    rate = check_sample_rate(sample_rate)
    data = as_array(noise, "noise", tensor=True)
    if noise_rate != rate:
        data = AF.resample(data.float(), noise_rate, rate)
    return fit_noise_length(data, frames, mode=mode, seed=seed, crossfade=crossfade)


def peak_gain(*waveforms: ArrayLike, peak_dbfs: float = -1.0) -> float:
    """The gain (<= 1) that brings the largest peak of ``waveforms`` down to ``peak_dbfs``.

    Used in: 05b · simulated rooms, §1, §2.

    Multiply *every* component of a mixture (or the mixture itself) by it to avoid
    clipping: a gain shared by signal and noise leaves their SNR unchanged,
    whereas clipping (``clamp``) distorts the mixture. Returns 1.0 when the
    peak is already low enough.

    Examples
    --------
    >>> import torch
    >>> from helpers import noise
    >>> round(noise.peak_gain(torch.tensor([0.5, -2.0]), peak_dbfs=0.0), 3)  # 2.0 down to 1.0
    0.5
    """
    if not waveforms:
        raise ValueError("give at least one waveform")
    if not math.isfinite(peak_dbfs) or peak_dbfs > 0:
        raise ValueError(f"peak_dbfs must be a level <= 0 dBFS, got {peak_dbfs}")
    peak = max(
        float(as_array(waveform, "waveform", tensor=True).abs().max()) for waveform in waveforms
    )
    if peak == 0:
        raise ValueError("the waveform is silent (all zeros): there is no peak to scale")
    return min(1.0, 10.0 ** (peak_dbfs / 20.0) / peak)
