"""How good a resampler is, read from a resampled sine sweep (:mod:`helpers.sweeps`).

* :func:`sweep_gain_db` reads the gain a resampler applied to each input frequency;
* :func:`measure_resampling` turns it into aliasing, pass-band loss and transition
  width (a :class:`ResamplingQuality`), and :func:`quality_table` lists them;
* :func:`plot_gain` draws the gain against the input frequency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from .plots import target_axes
from .sweeps import Sweep, frequency_label, nice_frequencies
from .validation import ArrayLike, as_mono, check_sample_rate, power_db

__all__ = [
    "FLOOR_DB",
    "ResamplingQuality",
    "measure_resampling",
    "plot_gain",
    "quality_table",
    "sweep_gain_db",
]

#: Metrics never report less than this (dB): the limit of what the sweep method resolves.
FLOOR_DB = -150.0


def sweep_gain_db(
    output: ArrayLike,
    output_rate: int,
    sweep: Sweep,
    frequencies_hz: ArrayLike | Sequence[float],
    *,
    window_octaves: float = 1 / 24,
) -> np.ndarray:
    """Gain (dB) that a resampler applied to each input frequency, read off the swept output.

    At the moment the sweep passes ``f``, the output holds a single sinusoid: the
    input's tone scaled by the resampler's response ``|H(f)|``, at ``f`` itself if it
    fits below the new Nyquist frequency, folded back (aliased) otherwise. Folding
    keeps the amplitude, so the output's power around that moment, relative to the
    input's power over the same stretch of time, is ``|H(f)|**2`` across the whole
    sweep, stop band included.

    ``window_octaves`` sets how long a stretch is averaged (in octaves of the sweep).
    """
    output_rate = check_sample_rate(output_rate)
    out = as_mono(output, "output")
    source = sweep.waveform[0].double().cpu().numpy()
    wanted = np.asarray(frequencies_hz, dtype=np.float64)
    low = sweep.f_start * 2 ** (window_octaves / 2)
    high = sweep.f_end * 2 ** (-window_octaves / 2)
    if np.any(wanted < low) or np.any(wanted > high):
        raise ValueError(
            f"frequencies must lie between {low:.4g} and {high:.4g} Hz (the sweep, less half a "
            f"{window_octaves:.3g}-octave window at each end), got {wanted}"
        )
    half = window_octaves / 2
    starts = sweep.time_at(wanted * 2**-half)
    stops = sweep.time_at(wanted * 2**half)
    out_power = _window_mean_power(out, starts, stops, output_rate)
    in_power = _window_mean_power(source, starts, stops, sweep.sample_rate)
    return np.maximum(power_db(out_power / in_power), FLOOR_DB)


def _window_mean_power(
    signal: np.ndarray, starts_s: np.ndarray, stops_s: np.ndarray, sample_rate: int
) -> np.ndarray:
    """Mean of ``signal**2`` over the samples from each start to each stop time (inclusive)."""
    first = np.ceil(np.asarray(starts_s) * sample_rate).astype(np.intp)
    after = np.minimum(np.floor(np.asarray(stops_s) * sample_rate).astype(np.intp) + 1,
                       signal.shape[0])
    counts = after - first
    if np.any(counts < 4):
        raise ValueError("the window holds too few output samples; raise window_octaves")
    bounds = np.empty(2 * first.shape[0], dtype=np.intp)
    bounds[0::2], bounds[1::2] = first, after
    # Sums over [first, after) for every window at once; the appended zero lets a window
    # end at the last sample.
    sums = np.add.reduceat(np.append(signal**2, 0.0), bounds)[0::2]
    return sums / counts


@dataclass(frozen=True)
class ResamplingQuality:
    """What :func:`measure_resampling` found; levels in dB, frequencies in Hz.

    Attributes
    ----------
    aliasing_db : mean power of what is left while the input is above the new
        Nyquist frequency (all of it folds back into the new band), relative to the
        sweep's power (below -96 dB it is under the rounding noise of 16-bit audio).
    passband_loss_db : attenuation at ``passband_hz`` (positive = quieter).
    passband_hz : where the pass-band loss is read (a fraction of the new Nyquist).
    edge_hz : last frequency that passes within 1 dB (the pass-band edge).
    stop_hz : first frequency from which the gain stays below the stop-band level
        (``inf`` if the sweep ends first).
    transition_hz : ``stop_hz - edge_hz`` (to the end of the sweep if ``stop_hz`` is
        ``inf``): how sharply the filter cuts.
    """

    aliasing_db: float
    passband_loss_db: float
    passband_hz: float
    edge_hz: float
    stop_hz: float
    transition_hz: float


def measure_resampling(
    output: ArrayLike,
    output_rate: int,
    sweep: Sweep,
    *,
    passband_fraction: float = 0.9,
    stop_db: float = -40.0,
    points_per_octave: int = 96,
) -> ResamplingQuality:
    """Aliasing, pass-band loss and transition width of a downsampler, from its swept output.

    ``output`` is the resampler applied to ``sweep.waveform`` (from ``sweep.sample_rate``
    to ``output_rate``, which must be lower than twice the sweep's last frequency).

    * Aliasing: while the input is above the new Nyquist frequency, nothing belongs in
      the output; whatever is there has been folded back. Its mean power, relative to
      the sweep's, in dB (time-gated, so no spectral window limits it).
    * Pass-band loss: minus the gain (:func:`sweep_gain_db`) at ``passband_fraction``
      of the new Nyquist frequency.
    * Transition width: from the last frequency within 1 dB of unity gain to the
      first above which the gain stays below ``stop_db``. The sweep resolves it to a
      few hundred Hz: during a long kernel, the sweep moves on.
    """
    output_rate = check_sample_rate(output_rate)
    nyquist = output_rate / 2
    if not nyquist < sweep.f_end:
        raise ValueError(
            f"the sweep stops at {sweep.f_end:g} Hz, below the new Nyquist frequency "
            f"{nyquist:g} Hz: nothing can alias; measure a downsampler"
        )
    if not 0 < passband_fraction < 1:
        raise ValueError(f"passband_fraction must be in (0, 1), got {passband_fraction}")
    out = as_mono(output, "output")
    expected = math.floor(sweep.waveform.shape[-1] * output_rate / sweep.sample_rate)
    if abs(out.shape[0] - expected) > 2 + output_rate // 100:
        raise ValueError(
            f"output has {out.shape[0]} samples; at {output_rate} Hz the sweep takes about "
            f"{expected}: is output_rate right?"
        )
    start, stop = sweep.time_at([nyquist, sweep.f_end])
    gate = out[math.ceil(start * output_rate) : math.floor((stop - sweep.fade_s) * output_rate)]
    alias_power = float(np.mean(gate**2)) / (sweep.amplitude**2 / 2)
    aliasing_db = max(power_db(alias_power), FLOOR_DB)
    window = 1 / 48
    low = max(sweep.f_start * 2 ** (window / 2), nyquist / 8)
    high = sweep.frequency_at(stop - sweep.fade_s) * 2 ** (-window / 2)
    grid = np.geomspace(low, high, max(int(points_per_octave * math.log2(high / low)), 8))
    gain = sweep_gain_db(out, output_rate, sweep, grid, window_octaves=window)
    passband_hz = passband_fraction * nyquist
    within = np.flatnonzero(gain >= -1.0)
    edge_hz = float(grid[within[-1]]) if within.size else float(grid[0])
    loud = np.flatnonzero(gain > stop_db)
    stop_index = loud[-1] + 1 if loud.size else 0
    stop_hz = float(grid[stop_index]) if stop_index < len(grid) else float("inf")
    end = stop_hz if math.isfinite(stop_hz) else float(grid[-1])
    return ResamplingQuality(
        aliasing_db=aliasing_db,
        passband_loss_db=-float(np.interp(passband_hz, grid, gain)) + 0.0,
        passband_hz=passband_hz,
        edge_hz=edge_hz,
        stop_hz=stop_hz,
        transition_hz=end - edge_hz,
    )


def quality_table(results: dict[str, ResamplingQuality]) -> str:
    """A text table of measured qualities, one row per name: aliasing and loss to 0.1 dB,
    frequencies to 10 Hz (the values are deterministic, so the table is stable)."""
    if not results:
        raise ValueError("results is empty: pass {name: measure_resampling(...)}")
    first = next(iter(results.values()))
    width = max(len(name) for name in results)
    header = (
        f"{'':{width}}  {'aliasing':>9}  {f'loss at {first.passband_hz / 1000:.3g} kHz':>16}"
        f"  {'-1 dB edge':>10}  {'transition':>10}"
    )
    lines = [header, f"{'':{width}}  {'(dB)':>9}  {'(dB)':>16}  {'(Hz)':>10}  {'(Hz)':>10}"]
    for name, quality in results.items():
        transition = f"{quality.transition_hz:10.0f}" if math.isfinite(quality.stop_hz) else (
            f"{'>' + format(quality.transition_hz, '.0f'):>10}"
        )
        lines.append(
            f"{name:{width}}  {round(quality.aliasing_db, 1) + 0.0:9.1f}"
            f"  {round(quality.passband_loss_db, 1) + 0.0:16.1f}"
            f"  {round(quality.edge_hz, -1):10.0f}  {transition}"
        )
    return "\n".join(lines)


def plot_gain(
    output: ArrayLike,
    sample_rate: int,
    *,
    sweep: Sweep,
    ax: Axes | None = None,
    title: str | None = None,
    points_per_octave: int = 48,
    mark_aliased: bool = True,
    f_min: float = 100.0,
    **kwargs,
) -> Line2D:
    """Gain of a resampler against the input frequency (log axis), read from its swept output.

    Above the new Nyquist frequency (shaded unless ``mark_aliased`` is false) every
    bit of the curve is aliasing: the level at which that input frequency comes back,
    folded into the new band.

    Parameters
    ----------
    output : torch.Tensor or numpy.ndarray, shape (frames,) or (1, frames)
        The resampler applied to ``sweep.waveform``.
    sample_rate : int
        The output's rate, in Hz.
    sweep : Sweep
        The input sweep.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    points_per_octave : int
        Resolution of the curve.
    mark_aliased : bool
        Shade the band above the new Nyquist frequency.
    f_min : float
        Where the curve starts, in Hz.
    **kwargs
        To ``Axes.semilogx``, e.g. ``color``, ``label`` (a legend is added for a label).

    Returns
    -------
    matplotlib.lines.Line2D
    """
    sample_rate = check_sample_rate(sample_rate)
    ax = target_axes(ax)
    window = 1 / 48
    low = max(sweep.f_start * 2 ** (window / 2), f_min)
    high = sweep.frequency_at(sweep.duration_s - sweep.fade_s) * 2 ** (-window / 2)
    grid = np.geomspace(low, high, int(points_per_octave * math.log2(high / low)))
    gain = sweep_gain_db(output, sample_rate, sweep, grid, window_octaves=window)
    line = ax.semilogx(grid, gain, **{"linewidth": 1.0, **kwargs})[0]
    nyquist = sample_rate / 2
    if mark_aliased and nyquist < sweep.f_end:
        ax.axvspan(nyquist, sweep.f_end, color="0.88", zorder=0)
        ax.text(nyquist * 1.03, -150, "folds back\n(aliasing)", fontsize="small", va="bottom")
    ax.set_xlim(low, sweep.f_end)
    ticks = nice_frequencies(low, sweep.f_end)
    ax.set_xticks(ticks, [frequency_label(f) for f in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(-160, 5)
    ax.set_xlabel("Input frequency (Hz)")
    ax.set_ylabel("Gain (dB)")
    ax.grid(True, which="both", alpha=0.3)
    if kwargs.get("label"):
        ax.legend(loc="lower left", fontsize="small")
    if title:
        ax.set_title(title)
    return line
