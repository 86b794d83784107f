"""Reverberation decay: Schroeder's energy decay curve, line fits and RT60, noise floor.

* :func:`energy_decay_curve`, :func:`fit_decay` and :func:`estimate_rt60`: Schroeder's
  backward integral of an impulse response, a straight line fitted between two levels
  (:data:`FIT_RANGES`: T20, T30) and the reverberation time it implies;
* the noise floor comes from :func:`helpers.noise_floor.find_noise_floor`;
* :func:`analyse_decay` and :func:`plot_energy_decay`: the curve truncated and
  compensated at the noise floor, with T20/T30 fits, and its plot (the plot contract of
  :mod:`helpers.plots`).

Times are in seconds and levels in dB; responses are ``(frames,)`` or ``(1, frames)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .filters import highpass
from .noise_floor import NoiseFloor, find_noise_floor
from .plots import target_axes
from .room import direct_path_index
from .validation import (
    ArrayLike,
    as_mono,
    as_waveform,
    check_sample_rate,
    power_db,
)

__all__ = [
    "FIT_RANGES",
    "DecayAnalysis",
    "DecayFit",
    "analyse_decay",
    "energy_decay_curve",
    "estimate_rt60",
    "fit_decay",
    "plot_energy_decay",
]

#: Fit ranges of the usual reverberation times (ISO 3382-1): upper and lower level in dB.
FIT_RANGES: dict[str, tuple[float, float]] = {"T20": (-5.0, -25.0), "T30": (-5.0, -35.0)}


def energy_decay_curve(impulse_response: ArrayLike, *, tail_energy: float = 0.0) -> np.ndarray:
    """Schroeder backward integration of a (mono) impulse response, in dB re. total energy.

    Used in: 01 · Audio effects in torch, §6.

    Entry ``n`` is the energy remaining after sample ``n``; it starts at 0 dB and falls.

    ``tail_energy`` (default 0) is energy, in the units of the summed squared samples,
    that belongs after the last sample: the compensation of a response that was
    truncated where its decay met the noise floor (Lundeby et al., 1995; see
    :func:`find_noise_floor`). Without it, the curve of a truncated
    response plunges towards -inf dB at its end, which shortens a fitted RT60.
    """
    data = as_waveform(impulse_response, "impulse_response")
    if data.shape[0] != 1:
        raise ValueError(f"impulse_response must be mono, got {data.shape[0]} channels")
    if not np.isfinite(tail_energy) or tail_energy < 0:
        raise ValueError(f"tail_energy must be a finite energy >= 0, got {tail_energy}")
    energy = np.cumsum(np.square(data[0].astype(np.float64))[::-1])[::-1] + tail_energy
    if energy[0] <= 0:
        raise ValueError("impulse_response is silent (all zeros): it has no decay to measure")
    return power_db(energy / energy[0])


@dataclass(frozen=True)
class DecayFit:
    """A straight line fitted to an energy decay curve; what :func:`fit_decay` returns.

    Attributes
    ----------
    rt60 : the reverberation time in seconds: the time the line takes to fall 60 dB.
    slope_db_per_s : the line's slope (negative).
    intercept_db : the line's level at time 0 (the curve's first sample).
    start_s, stop_s : the times where the curve crosses the fit range's two levels.
    fit_range_db : the two levels, e.g. ``(-5, -25)`` for T20.
    """

    rt60: float
    slope_db_per_s: float
    intercept_db: float
    start_s: float
    stop_s: float
    fit_range_db: tuple[float, float]

    @property
    def name(self) -> str:
        """The conventional name: T20 for a 20 dB range, T30 for 30 dB, EDT for (0, -10)."""
        upper, lower = self.fit_range_db
        if upper == 0 and lower == -10:
            return "EDT"
        return f"T{round(upper - lower):d}"

    def line_db(self, times_s: ArrayLike | float) -> np.ndarray:
        """The fitted line's level (dB) at the given times (s)."""
        return self.intercept_db + self.slope_db_per_s * np.asarray(times_s, dtype=np.float64)


def fit_decay(
    decay_db: ArrayLike, sample_rate: int, *, fit_range_db: tuple[float, float] = FIT_RANGES["T20"]
) -> DecayFit:
    """Least-squares line through an energy decay curve between two levels.

    ``decay_db`` is a curve from :func:`energy_decay_curve` (0 dB at sample 0).
    The fit uses every sample from where the curve first falls to the upper level
    to where it first falls to the lower one.
    """
    sample_rate = check_sample_rate(sample_rate)
    upper, lower = fit_range_db
    if not 0 >= upper > lower:
        raise ValueError(
            f"fit_range_db must be (upper, lower) with 0 >= upper > lower, got {fit_range_db}"
        )
    decay = as_waveform(decay_db, "decay_db")
    if decay.shape[0] != 1:
        raise ValueError(f"decay_db must be one curve, got {decay.shape[0]}")
    decay = decay[0].astype(np.float64)
    start = int(np.argmax(decay <= upper))
    below = np.flatnonzero(decay <= lower)
    if decay[start] > upper or below.size == 0:
        raise ValueError(
            f"the decay curve never falls to {lower} dB (it ends at {decay[-1]:.1f} dB); the "
            "response is too short or too noisy for this fit range"
        )
    stop = int(below[0])
    if stop - start < 2:
        raise ValueError(
            f"the decay curve falls from {upper} to {lower} dB within {stop - start + 1} "
            "sample(s), too few to fit a line: the response is too short for this fit range"
        )
    times = np.arange(start, stop + 1) / sample_rate
    slope_db_per_s, intercept_db = np.polyfit(times, decay[start : stop + 1], 1)
    if slope_db_per_s >= 0:
        raise ValueError(
            "the decay curve does not fall in the fit range; is this an impulse response?"
        )
    return DecayFit(
        rt60=float(-60.0 / slope_db_per_s),
        slope_db_per_s=float(slope_db_per_s),
        intercept_db=float(intercept_db),
        start_s=start / sample_rate,
        stop_s=stop / sample_rate,
        fit_range_db=(float(upper), float(lower)),
    )


def estimate_rt60(
    impulse_response: ArrayLike,
    sample_rate: int,
    *,
    fit_range_db: tuple[float, float] = FIT_RANGES["T20"],
    tail_energy: float = 0.0,
) -> float:
    """Reverberation time (s) from the energy decay curve, extrapolated to 60 dB.

    Used in: 01 · Audio effects in torch, §6, §7; 02a · Measuring a room, §2, §4.

    A straight line is fitted (least squares) to the decay curve between the two
    levels of ``fit_range_db``: (-5, -25) gives T20, (-5, -35) gives T30.
    ``tail_energy`` compensates a truncated response (see :func:`energy_decay_curve`).

    Examples
    --------
    >>> from helpers import decay
    >>> from helpers.effects import synthetic_rir
    >>> rir = synthetic_rir(16000, 0.5)  # an exponential decay with RT60 0.5 s
    >>> round(decay.estimate_rt60(rir, 16000), 1)
    0.5
    """
    decay = energy_decay_curve(impulse_response, tail_energy=tail_energy)
    return fit_decay(decay, sample_rate, fit_range_db=fit_range_db).rt60


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

    Used in: 02 · Background noise at a measured SNR, §4; 02a · Measuring a room, §4, §5, §6, §7;
    05b · simulated rooms, §1.

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
    response = as_mono(rir, "impulse_response")
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
    **kwargs,
) -> Line2D:
    """Draw the energy decay curve with its T20/T30 line fits and the noise-floor cut.

    Used in: 02 · Background noise at a measured SNR, §4; 02a · Measuring a room, §4.

    Each fit is drawn as a dashed line extended to -60 dB, with dots where the curve
    crosses the fit range's two levels; the legend gives its RT60. The analysis
    carries its own sample rate, so none is passed.

    Parameters
    ----------
    analysis : DecayAnalysis
        From :func:`analyse_decay`.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    show_raw : bool
        Also draw the uncut curve (noise integrated), in grey, when the response was cut.
    floor_db : float
        Bottom of the level axis, in dB.
    **kwargs
        To ``Axes.plot`` for the decay curve (``color``, ``linewidth``, ``label``).

    Returns
    -------
    matplotlib.lines.Line2D
        The decay curve; the fits, the uncut curve and the cut are ``ax.lines``.
    """
    if not isinstance(analysis, DecayAnalysis):
        raise TypeError("pass the result of helpers.decay.analyse_decay(rir, sample_rate)")
    ax = target_axes(ax, height=3.4)
    rate = analysis.sample_rate
    if show_raw and analysis.noise_floor is not None:
        raw_times = np.arange(len(analysis.raw_decay_db)) / rate
        ax.plot(
            raw_times, analysis.raw_decay_db, color="0.6", linewidth=1.2,
            label="uncut (noise integrated)",
        )
    times = np.arange(len(analysis.decay_db)) / rate
    label = "cut and compensated" if analysis.noise_floor else "energy decay curve"
    options = {"color": "C0", "linewidth": 2, "label": label, **kwargs}
    decay = ax.plot(times, analysis.decay_db, **options)[0]
    if analysis.noise_floor is not None:
        ax.axvline(
            analysis.noise_floor.crossing_s, color="C3", linestyle=":",
            label=f"noise floor at {analysis.noise_floor.crossing_s:.3f} s",
        )
    for colour, (name, fit) in zip(("C1", "C2", "C4", "C5"), analysis.fits.items(), strict=False):
        if fit is None:
            continue
        end = (-60.0 - fit.intercept_db) / fit.slope_db_per_s
        line_times = np.array([0.0, end])
        ax.plot(
            line_times, fit.line_db(line_times), color=colour, linestyle="--", linewidth=1.2,
            label=f"{name} fit ({fit.fit_range_db[0]:g} to {fit.fit_range_db[1]:g} dB): "
            f"RT60 = {fit.rt60:.3f} s",
        )
        ax.plot([fit.start_s, fit.stop_s], list(fit.fit_range_db), "o", color=colour, markersize=5)
    ax.set_ylim(floor_db, 3)
    ax.set_xlim(0, max([times[-1], *(fit.rt60 for fit in analysis.fits.values() if fit)]) * 1.05)
    ax.set_xlabel("Time after the direct sound (s)")
    ax.set_ylabel("Energy remaining (dB)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left")
    if title:
        ax.set_title(title)
    return decay
