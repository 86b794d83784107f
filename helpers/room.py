"""Room acoustics from an impulse response (RIR): direct path, trimming, noise floor, decay.

A measured RIR has three parts: silence (really: the measurement's noise) until
the sound arrives, the direct-path peak followed by the decaying reverberation,
and, once the decay has sunk below it, the noise floor again. The functions here
find those parts, cut a response ready for convolution, and measure the room:

* :func:`direct_path_index` and :func:`trim_rir`: where the sound arrives, and a
  trimmed, faded and normalised response;
* :func:`find_noise_floor`: where the decay meets the noise (Lundeby et al., 1995);
* :func:`analyse_decay` and :func:`plot_energy_decay`: Schroeder's energy decay
  curve, truncated and compensated at the noise floor, with T20/T30 line fits;
* :func:`direct_to_reverberant_ratio` (DRR).

Times are in seconds and levels in dB; every function takes a torch tensor or a
numpy array of shape ``(frames,)`` or ``(1, frames)`` (``trim_rir`` also takes
several channels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
import torch
import torchaudio.functional as AF
from matplotlib.axes import Axes

from ._validation import ArrayLike, as_numpy_2d, as_tensor_2d, check_sample_rate
from .display import FIGURE_WIDTH
from .measure import DecayFit, energy_decay_curve, fit_decay

__all__ = [
    "DecayAnalysis",
    "NoiseFloor",
    "analyse_decay",
    "direct_path_index",
    "direct_to_reverberant_ratio",
    "find_noise_floor",
    "highpass",
    "level_envelope_db",
    "plot_energy_decay",
    "trim_rir",
]

#: Fit ranges of the usual reverberation times (ISO 3382-1): upper and lower level in dB.
FIT_RANGES: dict[str, tuple[float, float]] = {"T20": (-5.0, -25.0), "T30": (-5.0, -35.0)}
#: Quality factors of the two biquads that make a 4th-order Butterworth filter.
_BUTTERWORTH_4_Q = (0.5412, 1.3066)
_TINY = 1e-30


def _mono(rir: ArrayLike, name: str = "impulse_response") -> np.ndarray:
    data = as_numpy_2d(rir, name)
    if data.shape[0] != 1:
        raise ValueError(
            f"{name} must be mono, got {data.shape[0]} channels; pick one, e.g. {name}[0]"
        )
    return data[0].astype(np.float64)


def _seconds(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 seconds, got {value}")
    return float(value)


def direct_path_index(rir: ArrayLike) -> int:
    """Sample index of the direct-path peak: the largest sample, summed over channels.

    The direct sound travels the shortest way, so it arrives first; it is also
    the strongest arrival in all but unusual rooms (a reflector focusing sound).
    """
    data = as_numpy_2d(rir, "impulse_response")
    energy = np.sum(np.square(data.astype(np.float64)), axis=0)
    if not energy.any():
        raise ValueError("impulse_response is silent (all zeros): it has no direct path")
    return int(np.argmax(energy))


def trim_rir(
    rir: ArrayLike,
    sample_rate: int,
    *,
    pre_s: float = 0.001,
    length_s: float | None = None,
    fade_s: float = 0.005,
    normalize: Literal["energy", "peak"] | None = "energy",
) -> torch.Tensor:
    """Cut an impulse response around its direct path, fade its end and normalise it.

    Parameters
    ----------
    pre_s : keep this much before the direct-path peak (at most what there is);
        convolving then delays the sound by exactly ``pre_s`` (rounded to samples).
    length_s : keep this much after the peak (``None``: up to the end). Cut where
        the decay meets the noise floor: later samples add only noise.
    fade_s : a half-cosine fade-out over the last ``fade_s``, so the cut adds no click.
    normalize : ``"energy"`` for unit energy per channel (``sum(h**2) == 1``: white
        noise keeps its power through the convolution), ``"peak"`` for a direct
        path of amplitude 1 (the direct sound keeps its level and the reverberation
        is added on top), ``None`` to keep the measured level.

    Returns
    -------
    float32 tensor of shape ``(channels, frames)``.
    """
    sample_rate = check_sample_rate(sample_rate)
    data = as_tensor_2d(rir, "impulse_response").double()
    peak = direct_path_index(data)
    start = max(peak - round(_seconds(pre_s, "pre_s") * sample_rate), 0)
    stop = data.shape[-1]
    if length_s is not None:
        stop = min(peak + round(_seconds(length_s, "length_s") * sample_rate) + 1, stop)
    trimmed = data[:, start:stop].clone()
    fade = round(_seconds(fade_s, "fade_s") * sample_rate)
    if fade >= trimmed.shape[-1] - (peak - start):
        raise ValueError(
            f"fade_s ({fade_s} s) is as long as the response after its direct path; shorten it"
        )
    if fade > 0:
        angles = torch.linspace(0, math.pi, fade + 2, dtype=torch.float64)[1:-1]
        ramp = 0.5 * (1 + torch.cos(angles))
        trimmed[:, -fade:] *= ramp.to(trimmed.device)
    if normalize == "energy":
        trimmed = trimmed / trimmed.norm(dim=-1, keepdim=True).clamp_min(_TINY)
    elif normalize == "peak":
        trimmed = trimmed / trimmed[:, peak - start].abs().max()
    elif normalize is not None:
        raise ValueError(f"normalize must be 'energy', 'peak' or None, got {normalize!r}")
    return trimmed.float()


def highpass(waveform: ArrayLike, sample_rate: int, cutoff_hz: float) -> torch.Tensor:
    """4th-order Butterworth high-pass filter (two biquads), computed in float64.

    The attenuation grows by 24 dB per octave below ``cutoff_hz`` (-3 dB there).
    Returns a tensor of the input's dtype (float64 for a numpy array).
    """
    sample_rate = check_sample_rate(sample_rate)
    if not 0 < cutoff_hz < sample_rate / 2:
        raise ValueError(
            f"cutoff_hz must lie between 0 and the Nyquist frequency {sample_rate / 2:g} Hz, "
            f"got {cutoff_hz}"
        )
    if isinstance(waveform, np.ndarray):
        signal = torch.from_numpy(as_numpy_2d(waveform).astype(np.float64))
    else:
        signal = as_tensor_2d(waveform)
    filtered = signal.double()
    for q in _BUTTERWORTH_4_Q:
        filtered = AF.highpass_biquad(filtered, sample_rate, cutoff_hz, Q=q)
    return filtered.to(signal.dtype)


def level_envelope_db(
    waveform: ArrayLike, sample_rate: int, *, block_s: float = 0.01, reference: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean power in consecutive blocks, in dB: the level of a signal over time.

    Returns ``(block centre times in s, level in dB)``. The level is re. full
    scale (0 dB = a power of 1), or re. ``reference`` (a power) when given.
    """
    sample_rate = check_sample_rate(sample_rate)
    power = np.mean(np.square(as_numpy_2d(waveform).astype(np.float64)), axis=0)
    block = max(round(_seconds(block_s, "block_s") * sample_rate), 1)
    return _envelope(power, block, sample_rate, 1.0 if reference is None else reference)


def _envelope(power: np.ndarray, block: int, sample_rate: int, reference: float):
    count = len(power) // block
    if count < 1:
        raise ValueError(f"the signal ({len(power)} samples) is shorter than one block ({block})")
    means = power[: count * block].reshape(count, block).mean(axis=1)
    times = (np.arange(count) + 0.5) * block / sample_rate
    return times, 10.0 * np.log10(np.maximum(means, _TINY) / reference)


@dataclass(frozen=True)
class NoiseFloor:
    """Where a response's decay meets its noise floor; what :func:`find_noise_floor` returns.

    Levels are mean power per sample in dB re. the direct-path peak's power; times
    are seconds after the direct-path peak.

    Attributes
    ----------
    direct_index : the direct-path peak's sample index in the response.
    crossing_index : the sample index where the late-decay line meets the noise level.
    noise_db : the noise floor's level.
    decay_db_per_s, intercept_db : the late-decay line, ``intercept_db + decay_db_per_s * t``.
    peak_power : the direct-path peak's power (the 0 dB reference), in squared sample units.
    """

    sample_rate: int
    direct_index: int
    crossing_index: int
    noise_db: float
    decay_db_per_s: float
    intercept_db: float
    peak_power: float
    iterations: int

    @property
    def crossing_s(self) -> float:
        """The crossing point, in seconds after the direct-path peak."""
        return (self.crossing_index - self.direct_index) / self.sample_rate

    @property
    def decay_range_db(self) -> float:
        """Impulse-to-noise ratio: the start of the late-decay line above the noise, in dB.

        ISO 3382-1 asks for at least 35 dB to measure T20 and 45 dB for T30
        (the fit must end 10 dB above the noise).
        """
        return self.intercept_db - self.noise_db

    @property
    def late_rt60(self) -> float:
        """The RT60 (s) the late-decay line implies: ``-60 / decay_db_per_s``."""
        return -60.0 / self.decay_db_per_s

    @property
    def tail_energy(self) -> float:
        """Energy the decay would still have after the crossing point, had there been no noise.

        The integral of the late-decay line beyond the crossing: the compensation
        that is added to Schroeder's integral of the truncated response.
        """
        rate = self.decay_db_per_s * math.log(10) / 10  # per second, negative
        level_at_crossing = self.intercept_db + self.decay_db_per_s * self.crossing_s
        return self.sample_rate * self.peak_power * 10 ** (level_at_crossing / 10) / -rate


def _first_at_or_below(levels: np.ndarray, threshold: float, start: int) -> int | None:
    hits = np.flatnonzero(levels[start:] <= threshold)
    return start + int(hits[0]) if hits.size else None


def find_noise_floor(
    rir: ArrayLike,
    sample_rate: int,
    *,
    block_s: float = 0.01,
    blocks_per_10db: int = 5,
    max_iterations: int = 10,
) -> NoiseFloor:
    """Find where a measured response's decay sinks into its noise floor (Lundeby's method).

    Schroeder's integral sums energy from the end of the response backwards. In a
    measured response, everything after the decay has met the noise floor is
    noise, and integrating it makes the decay curve level off, so the fitted RT60
    comes out far too long. Lundeby, Vigran, Bietz and Vorländer (1995) find the
    point where to cut, iteratively:

    1. square the response and average it in blocks (``block_s``), in dB;
    2. take the noise level from the last 10 % of the response;
    3. fit a line to the decay from its peak down to 10 dB above the noise;
    4. the crossing point is where that line meets the noise level;
    5. re-average in blocks of about ``10 dB / blocks_per_10db`` of decay; then repeat:
       measure the noise from 10 dB of decay after the crossing point to the end,
       fit the late decay from 25 to 5 dB above the noise, and find the new
       crossing point, until it moves by less than a block.

    The analysis starts at the direct-path peak (earlier samples are ignored).
    Raises ``ValueError`` when the decay does not reach 10 dB above the noise.
    """
    sample_rate = check_sample_rate(sample_rate)
    response = _mono(rir)
    direct = direct_path_index(response)
    power = np.square(response[direct:])
    reference = float(power[0])
    count = len(power)
    first_block = max(round(_seconds(block_s, "block_s") * sample_rate), 1)
    if count < 10 * first_block:
        raise ValueError(
            f"the response has only {count / sample_rate:.3f} s after its direct path; "
            f"need at least 10 blocks of {block_s} s"
        )
    if blocks_per_10db < 1 or max_iterations < 1:
        raise ValueError("blocks_per_10db and max_iterations must be >= 1")

    def noise_level(start: int) -> float:
        start = min(start, round(0.9 * count))
        return float(10 * np.log10(max(np.mean(power[start:]), _TINY) / reference))

    times, levels = _envelope(power, first_block, sample_rate, reference)
    noise = noise_level(round(0.9 * count))
    peak = int(np.argmax(levels))
    end = _first_at_or_below(levels, noise + 10, peak)
    if end is None or end - peak < 2:
        raise ValueError(
            f"the decay does not fall to 10 dB above the noise floor ({noise:.1f} dB re. the "
            "direct path) within the response: it is too noisy or too short to analyse"
        )
    slope, intercept = np.polyfit(times[peak : end + 1], levels[peak : end + 1], 1)
    if slope >= 0:
        raise ValueError("the response does not decay; is it an impulse response?")
    crossing = (noise - intercept) / slope
    block = max(round(10 / -slope / blocks_per_10db * sample_rate), 1)
    times, levels = _envelope(power, block, sample_rate, reference)
    peak = int(np.argmax(levels))
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        noise = noise_level(round((crossing + 10 / -slope) * sample_rate))
        top = _first_at_or_below(levels, noise + 25, peak)
        top = peak if top is None else top
        bottom = _first_at_or_below(levels, noise + 5, top)
        if bottom is None or bottom - top < 2:
            break
        new_slope, new_intercept = np.polyfit(times[top : bottom + 1], levels[top : bottom + 1], 1)
        if new_slope >= 0:
            break
        new_crossing = (noise - new_intercept) / new_slope
        moved = abs(new_crossing - crossing)
        slope, intercept, crossing = new_slope, new_intercept, new_crossing
        if moved < block / sample_rate:
            break
    crossing = min(max(crossing, 0.0), (count - 1) / sample_rate)
    return NoiseFloor(
        sample_rate=sample_rate,
        direct_index=direct,
        crossing_index=direct + round(crossing * sample_rate),
        noise_db=noise,
        decay_db_per_s=float(slope),
        intercept_db=float(intercept),
        peak_power=reference,
        iterations=iterations,
    )


@dataclass(frozen=True)
class DecayAnalysis:
    """Schroeder decay curves and reverberation-time fits; what :func:`analyse_decay` returns.

    Attributes
    ----------
    decay_db : the energy decay curve from the direct path on, truncated at the noise
        floor and compensated (when ``noise_floor`` is set), in dB.
    raw_decay_db : the curve of the whole response from the direct path on, noise included.
    fits : ``{"T20": DecayFit, "T30": DecayFit}``; ``None`` for a range the curve
        does not reach.
    noise_floor : the :class:`NoiseFloor` found, or ``None`` without truncation.
    highpass_hz : the high-pass filter applied before the analysis, if any.
    """

    sample_rate: int
    direct_index: int
    decay_db: np.ndarray = field(repr=False)
    raw_decay_db: np.ndarray = field(repr=False)
    fits: dict[str, DecayFit | None]
    noise_floor: NoiseFloor | None
    highpass_hz: float | None

    def rt60(self, name: str = "T20") -> float:
        """The reverberation time (s) of one fit, e.g. ``"T20"``; raises if it is missing."""
        if name not in self.fits:
            raise KeyError(f"no fit named {name!r}; fits: {sorted(self.fits)}")
        fit = self.fits[name]
        if fit is None:
            raise ValueError(
                f"{name} could not be measured: the decay curve ends at "
                f"{self.decay_db[-1]:.1f} dB, above the fit range's lower level"
            )
        return fit.rt60


def analyse_decay(
    rir: ArrayLike,
    sample_rate: int,
    *,
    truncate: bool = True,
    highpass_hz: float | None = None,
    fit_ranges: dict[str, tuple[float, float]] | None = None,
) -> DecayAnalysis:
    """Schroeder's energy decay curve of a response, with T20 and T30 line fits.

    Parameters
    ----------
    truncate : cut the response where its decay meets the noise floor
        (:func:`find_noise_floor`) and add the compensating tail energy, as
        ISO 3382-1 recommends for measured responses; ``False`` integrates
        everything (right for a noise-free synthetic response).
    highpass_hz : high-pass the response first (4th-order Butterworth), e.g. to
        remove mains hum that would otherwise raise the noise floor.
    fit_ranges : names and ``(upper, lower)`` levels; default T20 and T30.
    """
    sample_rate = check_sample_rate(sample_rate)
    response = _mono(rir)
    if highpass_hz is not None:
        response = highpass(response, sample_rate, highpass_hz).numpy()[0]
    direct = direct_path_index(response)
    raw = energy_decay_curve(response[direct:])
    noise_floor = None
    decay = raw
    if truncate:
        noise_floor = find_noise_floor(response, sample_rate)
        kept = response[direct : noise_floor.crossing_index + 1]
        decay = energy_decay_curve(kept, tail_energy=noise_floor.tail_energy)
    fits: dict[str, DecayFit | None] = {}
    for name, fit_range in (fit_ranges or FIT_RANGES).items():
        try:
            fits[name] = fit_decay(decay, sample_rate, fit_range_db=fit_range)
        except ValueError:
            fits[name] = None
    return DecayAnalysis(
        sample_rate=sample_rate,
        direct_index=direct,
        decay_db=decay,
        raw_decay_db=raw,
        fits=fits,
        noise_floor=noise_floor,
        highpass_hz=highpass_hz,
    )


def plot_energy_decay(
    analysis: DecayAnalysis,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    show_raw: bool = True,
    floor_db: float = -65.0,
) -> dict[str, object]:
    """Draw the energy decay curve with its T20/T30 line fits and the noise-floor cut.

    Each fit is drawn as a dashed line extended to -60 dB, with dots where the
    curve crosses the fit range's two levels; the legend gives its RT60.

    Returns
    -------
    dict of the artists drawn: ``"decay"``, ``"raw"`` (if shown), ``"cut"`` (if
    truncated) and one entry per fit that could be measured.
    """
    if not isinstance(analysis, DecayAnalysis):
        raise TypeError("pass the result of helpers.room.analyse_decay(rir, sample_rate)")
    if ax is None:
        _, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.4), layout="constrained")
    rate = analysis.sample_rate
    drawn: dict[str, object] = {}
    if show_raw and analysis.noise_floor is not None:
        raw_times = np.arange(len(analysis.raw_decay_db)) / rate
        drawn["raw"] = ax.plot(
            raw_times, analysis.raw_decay_db, color="0.6", linewidth=1.2,
            label="uncut (noise integrated)",
        )[0]
    times = np.arange(len(analysis.decay_db)) / rate
    label = "cut and compensated" if analysis.noise_floor else "energy decay curve"
    drawn["decay"] = ax.plot(times, analysis.decay_db, color="C0", linewidth=2, label=label)[0]
    if analysis.noise_floor is not None:
        drawn["cut"] = ax.axvline(
            analysis.noise_floor.crossing_s, color="C3", linestyle=":",
            label=f"noise floor at {analysis.noise_floor.crossing_s:.3f} s",
        )
    for colour, (name, fit) in zip(("C1", "C2", "C4", "C5"), analysis.fits.items(), strict=False):
        if fit is None:
            continue
        end = (-60.0 - fit.intercept_db) / fit.slope_db_per_s
        line_times = np.array([0.0, end])
        drawn[name] = ax.plot(
            line_times, fit.line_db(line_times), color=colour, linestyle="--", linewidth=1.2,
            label=f"{name} fit ({fit.fit_range_db[0]:g} to {fit.fit_range_db[1]:g} dB): "
            f"RT60 = {fit.rt60:.3f} s",
        )[0]
        ax.plot([fit.start_s, fit.stop_s], list(fit.fit_range_db), "o", color=colour, markersize=5)
    ax.set_ylim(floor_db, 3)
    ax.set_xlim(0, max([times[-1], *(fit.rt60 for fit in analysis.fits.values() if fit)]) * 1.05)
    ax.set_xlabel("Time after the direct sound (s)")
    ax.set_ylabel("Energy remaining (dB)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left")
    if title:
        ax.set_title(title)
    return drawn


def direct_to_reverberant_ratio(
    rir: ArrayLike, sample_rate: int, *, window_s: float = 0.0025, stop_index: int | None = None
) -> float:
    """Direct-to-reverberant ratio (DRR) in dB.

    The direct sound is the energy within ``window_s`` either side of the
    direct-path peak (2.5 ms is the usual choice); the reverberation is all the
    energy after that window, up to ``stop_index`` (e.g. the noise-floor crossing of
    a measured response, so that noise is not counted as reverberation).
    Energy before the direct sound arrives is ignored.
    """
    sample_rate = check_sample_rate(sample_rate)
    response = _mono(rir)
    peak = direct_path_index(response)
    half = round(_seconds(window_s, "window_s") * sample_rate)
    stop = len(response) if stop_index is None else int(stop_index)
    if not peak + half + 1 < stop <= len(response):
        raise ValueError(
            f"stop_index must lie after the direct-sound window (> {peak + half + 1}) and "
            f"within the response (<= {len(response)}), got {stop_index}"
        )
    power = np.square(response)
    direct = float(power[max(peak - half, 0) : peak + half + 1].sum())
    reverberant = float(power[peak + half + 1 : stop].sum())
    if reverberant == 0:
        raise ValueError("there is no energy after the direct sound: the DRR is infinite")
    return float(10 * np.log10(direct / reverberant))
