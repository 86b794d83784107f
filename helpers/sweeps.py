"""Sine sweeps for seeing and measuring resampling: the sweep, its plot, and quality metrics.

A logarithmic sweep visits every frequency once, at a time we know exactly, so
after resampling each time instant tells us what happened to one input
frequency: kept, attenuated, or folded back below the new Nyquist frequency
(aliased). That turns one resampled sweep into a complete measurement of the
resampler's magnitude response, aliasing included.

* :func:`log_sweep` makes the sweep (a :class:`Sweep`, which knows its
  instantaneous frequency at every time and the time of every frequency);
* :func:`alias_frequency` predicts where a frequency lands after sampling;
* :func:`zero_crossing_frequency` checks a tone's frequency from its samples;
* :func:`plot_sweep` draws a spectrogram whose time axis is labelled with the
  *original* frequency (log-spaced ticks from :func:`frequency_ticks`);
* :func:`sweep_gain_db`, :func:`plot_gain` and :func:`measure_resampling` measure the
  gain at each frequency, the aliasing, the pass-band loss and the transition width,
  and :func:`quality_table` lists them;
* :func:`resampler_kernel`, :func:`kernel_response_db` and :func:`plot_kernel` show a
  resampler's interpolation kernel and its frequency response.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.ticker import NullFormatter

from ._validation import ArrayLike, as_numpy_2d, check_sample_rate
from .display import attach_colorbar
from .measure import spectrogram_db

__all__ = [
    "ResamplingQuality",
    "Sweep",
    "alias_frequency",
    "frequency_ticks",
    "kernel_response_db",
    "log_sweep",
    "measure_resampling",
    "plot_gain",
    "plot_kernel",
    "plot_sweep",
    "quality_table",
    "resampler_kernel",
    "sweep_gain_db",
    "zero_crossing_frequency",
]

#: Metrics never report less than this (dB): the limit of what the sweep method resolves.
FLOOR_DB = -150.0


@dataclass(frozen=True)
class Sweep:
    """A logarithmic sine sweep and the facts needed to measure what happens to it.

    Attributes
    ----------
    waveform : tensor of shape ``(1, frames)``.
    sample_rate : in Hz.
    f_start, f_end : instantaneous frequency (Hz) at the first and the last sample.
    amplitude : peak amplitude (between the fades).
    fade_s : length of the raised-cosine fade at each end, in seconds.
    """

    waveform: torch.Tensor
    sample_rate: int
    f_start: float
    f_end: float
    amplitude: float
    fade_s: float

    @property
    def duration_s(self) -> float:
        """Time from the first to the last sample, in seconds."""
        return (self.waveform.shape[-1] - 1) / self.sample_rate

    @property
    def octaves(self) -> float:
        """How many octaves the sweep covers."""
        return math.log2(self.f_end / self.f_start)

    def frequency_at(self, time_s: ArrayLike | float) -> np.ndarray:
        """Instantaneous frequency (Hz) at time(s) ``t``: ``f_start * (f_end/f_start)**(t/T)``."""
        time = np.asarray(time_s, dtype=np.float64)
        return self.f_start * (self.f_end / self.f_start) ** (time / self.duration_s)

    def time_at(self, frequency_hz: ArrayLike | float) -> np.ndarray:
        """Time (s) at which the sweep passes the given frequency(ies); the inverse of
        :meth:`frequency_at`. Raises ``ValueError`` outside ``[f_start, f_end]``."""
        frequency = np.asarray(frequency_hz, dtype=np.float64)
        low, high = self.f_start * (1 - 1e-9), self.f_end * (1 + 1e-9)
        if np.any(frequency < low) or np.any(frequency > high):
            raise ValueError(
                f"the sweep covers {self.f_start:g}-{self.f_end:g} Hz; got {frequency_hz}"
            )
        ratio = math.log(self.f_end / self.f_start)
        return self.duration_s * np.log(frequency / self.f_start) / ratio


def log_sweep(
    sample_rate: int,
    duration_s: float = 1.5,
    *,
    f_start: float = 10.0,
    f_end: float | None = None,
    amplitude: float = 0.5,
    fade_s: float = 0.005,
    dtype: torch.dtype = torch.float64,
) -> Sweep:
    """A sine sweep whose frequency rises exponentially from ``f_start`` to ``f_end``.

    The phase is the integral of the instantaneous frequency
    ``f(t) = f_start * k**(t/T)`` with ``k = f_end / f_start``:
    ``phi(t) = 2 pi f_start T (k**(t/T) - 1) / ln k``, so every octave takes the
    same time. Both ends are faded in and out (raised cosine, ``fade_s``) so the
    start and the stop do not click across the whole spectrum.

    Parameters
    ----------
    sample_rate : in Hz.
    duration_s : from the first to the last sample.
    f_start : frequency at the start (Hz); a log sweep cannot start at 0 Hz.
    f_end : frequency at the end (Hz); default the Nyquist frequency, ``sample_rate / 2``.
    amplitude : peak amplitude, at most 1 (full scale).
    dtype : float64 by default, so that rounding noise (about -150 dB in float32)
        stays far below anything we measure.
    """
    sample_rate = check_sample_rate(sample_rate)
    nyquist = sample_rate / 2
    f_end = nyquist if f_end is None else float(f_end)
    if not 0 < f_start < f_end <= nyquist:
        raise ValueError(
            f"need 0 < f_start < f_end <= {nyquist:g} Hz (the Nyquist frequency), "
            f"got f_start={f_start}, f_end={f_end}"
        )
    if not 0 < amplitude <= 1:
        raise ValueError(f"amplitude must be in (0, 1] (full scale is 1), got {amplitude}")
    frames = round(duration_s * sample_rate) + 1
    if frames < 16:
        raise ValueError(f"duration_s={duration_s} gives only {frames} samples; make it longer")
    if not 0 <= 2 * fade_s < duration_s:
        raise ValueError(f"fade_s must be >= 0 and shorter than half the sweep, got {fade_s}")
    duration = (frames - 1) / sample_rate
    time = np.arange(frames) / sample_rate
    ratio = f_end / f_start
    phase = 2 * np.pi * f_start * duration / math.log(ratio) * (ratio ** (time / duration) - 1)
    signal = amplitude * np.sin(phase)
    fade = round(fade_s * sample_rate)
    if fade > 0:
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)
        signal[:fade] *= ramp
        signal[-fade:] *= ramp[::-1]
    waveform = torch.from_numpy(signal).to(dtype).unsqueeze(0)
    return Sweep(waveform, sample_rate, float(f_start), float(f_end), float(amplitude), fade_s)


def alias_frequency(frequency_hz: ArrayLike | float, sample_rate: int) -> np.ndarray:
    """Where a sinusoid of ``frequency_hz`` appears after sampling at ``sample_rate``.

    Sampling cannot tell ``f`` from ``f + n * sample_rate`` or ``n * sample_rate - f``,
    so every frequency folds into ``[0, sample_rate / 2]``: e.g. 20 kHz sampled at
    32 kHz appears at 12 kHz, mirrored around the Nyquist frequency (16 kHz).
    """
    sample_rate = check_sample_rate(sample_rate)
    frequency = np.abs(np.asarray(frequency_hz, dtype=np.float64))
    folded = np.mod(frequency, sample_rate)
    return np.where(folded > sample_rate / 2, sample_rate - folded, folded)


def frequency_ticks(
    sweep: Sweep, frequencies: Sequence[float] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Tick positions (s) and labels for a time axis labelled with the sweep's frequency.

    Default ticks: 1-2-5 steps per decade within the sweep (10, 20, 50, 100, ... Hz)
    and its last frequency. Labels read "20", "500", "1k", "12k". Returns
    ``(times_s, labels)``.
    """
    if frequencies is None:
        frequencies = [*_nice_frequencies(sweep.f_start, sweep.f_end * 0.8), sweep.f_end]
    values = np.asarray(frequencies, dtype=np.float64)
    return sweep.time_at(values), [_frequency_label(f) for f in values]


def _nice_frequencies(low: float, high: float) -> list[float]:
    """The 1-2-5 steps per decade (10, 20, 50, 100, ... Hz) between ``low`` and ``high``."""
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    candidates = [step * 10.0**decade for decade in decades for step in (1, 2, 5)]
    return [frequency for frequency in candidates if low <= frequency <= high]


def _frequency_label(frequency: float) -> str:
    if frequency >= 1000:
        return f"{frequency / 1000:.3g}k"
    return f"{frequency:.3g}"


def zero_crossing_frequency(
    waveform: ArrayLike, sample_rate: int, start_s: float, stop_s: float
) -> float:
    """Mean frequency (Hz) of a tone between ``start_s`` and ``stop_s``, from its zero crossings.

    Each crossing is located between two samples by linear interpolation; a sinusoid
    crosses zero twice per cycle, so the count of crossings, less one, over twice the
    time from the first to the last one is the mean frequency over that stretch.
    """
    sample_rate = check_sample_rate(sample_rate)
    signal = as_numpy_2d(waveform)[0].astype(np.float64)
    first = max(round(start_s * sample_rate), 0)
    part = signal[first : round(stop_s * sample_rate)]
    index = np.flatnonzero(np.signbit(part[1:]) != np.signbit(part[:-1]))
    if index.size < 3:
        raise ValueError(
            f"fewer than 3 zero crossings between {start_s} and {stop_s} s; widen the stretch"
        )
    crossings = (first + index + part[index] / (part[index] - part[index + 1])) / sample_rate
    return float((crossings.size - 1) / 2 / (crossings[-1] - crossings[0]))


def plot_sweep(
    waveform: ArrayLike,
    sample_rate: int,
    sweep: Sweep,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    n_fft: int = 512,
    top_db: float = 120.0,
    vmax: float = 0.0,
    show_nyquist_of: int | None = None,
    from_hz: float | None = None,
    colorbar: bool = True,
):
    """Spectrogram of a (resampled) sweep against the sweep's *original* frequency.

    The horizontal axis is time, labelled with the frequency the input sweep had at
    that moment; because the sweep is logarithmic, this is a log-frequency axis.
    The vertical axis is the frequency actually present in ``waveform`` (linear Hz,
    up to its Nyquist frequency). A faithful copy shows one rising curve; a
    frequency that was folded back shows up as a falling, mirrored line.

    Parameters
    ----------
    waveform, sample_rate : the sweep or the resampler's output and its rate.
    sweep : the input :class:`Sweep` (for the frequency ticks).
    vmax, top_db : colour range in dBFS, fixed by default so plots compare.
    show_nyquist_of : draw a dashed line where the input passes this rate's Nyquist
        frequency (e.g. the new rate, to mark where aliasing can begin).
    from_hz : start the horizontal axis where the sweep passes this frequency, to
        zoom in on the top octaves.

    Returns
    -------
    The image drawn.
    """
    import matplotlib.pyplot as plt

    sample_rate = check_sample_rate(sample_rate)
    times, freqs, level = spectrogram_db(
        waveform, sample_rate, n_fft=n_fft, hop_length=n_fft // 8, window="blackman"
    )
    if level.shape[0] != 1:
        raise ValueError(f"plot_sweep draws one channel; got {level.shape[0]}")
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 3.0), layout="constrained")
    hop = times[1] - times[0] if len(times) > 1 else n_fft / sample_rate
    step = freqs[1] - freqs[0]
    image = ax.imshow(
        level[0], origin="lower", aspect="auto", cmap="magma", interpolation="nearest",
        vmin=vmax - top_db, vmax=vmax,
        extent=(-hop / 2, times[-1] + hop / 2, -step / 2, freqs[-1] + step / 2),
    )
    start = 0.0 if from_hz is None else float(sweep.time_at(from_hz))
    positions, labels = frequency_ticks(sweep)
    shown = positions >= start - 1e-9
    ax.set_xticks(positions[shown], list(np.asarray(labels)[shown]))
    ax.set_xlim(start, sweep.duration_s)
    ax.set_ylim(0, sample_rate / 2)
    ax.set_xlabel("Original frequency (Hz, log scale)")
    ax.set_ylabel("Frequency (Hz)")
    if show_nyquist_of is not None and show_nyquist_of / 2 < sweep.f_end:
        ax.axvline(sweep.time_at(show_nyquist_of / 2), color="white", linestyle="--", linewidth=0.8)
    if colorbar:
        attach_colorbar(ax, image, "Level (dBFS)")
    if title:
        ax.set_title(title)
    return image


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
    out = as_numpy_2d(output, "output")[0].astype(np.float64)
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
    return np.maximum(10 * np.log10(np.maximum(out_power / in_power, 1e-300)), FLOOR_DB)


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
    out = as_numpy_2d(output, "output")[0].astype(np.float64)
    expected = math.floor(sweep.waveform.shape[-1] * output_rate / sweep.sample_rate)
    if abs(out.shape[0] - expected) > 2 + output_rate // 100:
        raise ValueError(
            f"output has {out.shape[0]} samples; at {output_rate} Hz the sweep takes about "
            f"{expected}: is output_rate right?"
        )
    start, stop = sweep.time_at([nyquist, sweep.f_end])
    gate = out[math.ceil(start * output_rate) : math.floor((stop - sweep.fade_s) * output_rate)]
    alias_power = float(np.mean(gate**2)) / (sweep.amplitude**2 / 2)
    aliasing_db = max(10 * math.log10(max(alias_power, 1e-300)), FLOOR_DB)
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
    output_rate: int,
    sweep: Sweep,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    color: str | None = None,
    points_per_octave: int = 48,
    mark_aliased: bool = True,
    from_hz: float = 100.0,
) -> list:
    """Gain of a resampler against the input frequency (log axis), read from its swept output.

    Above the new Nyquist frequency (shaded unless ``mark_aliased`` is false) every
    bit of the curve is aliasing: the level at which that input frequency comes back,
    folded into the new band. The curve starts at ``from_hz``. Returns the line drawn.
    """
    import matplotlib.pyplot as plt

    output_rate = check_sample_rate(output_rate)
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 3.0), layout="constrained")
    window = 1 / 48
    low = max(sweep.f_start * 2 ** (window / 2), from_hz)
    high = sweep.frequency_at(sweep.duration_s - sweep.fade_s) * 2 ** (-window / 2)
    grid = np.geomspace(low, high, int(points_per_octave * math.log2(high / low)))
    gain = sweep_gain_db(output, output_rate, sweep, grid, window_octaves=window)
    line = ax.semilogx(grid, gain, linewidth=1.0, label=label, color=color)[0]
    nyquist = output_rate / 2
    if mark_aliased and nyquist < sweep.f_end:
        ax.axvspan(nyquist, sweep.f_end, color="0.88", zorder=0)
        ax.text(nyquist * 1.03, -150, "folds back\n(aliasing)", fontsize="small", va="bottom")
    ax.set_xlim(low, sweep.f_end)
    ticks = _nice_frequencies(low, sweep.f_end)
    ax.set_xticks(ticks, [_frequency_label(f) for f in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(-160, 5)
    ax.set_xlabel("Input frequency (Hz)")
    ax.set_ylabel("Gain (dB)")
    ax.grid(True, which="both", alpha=0.3)
    if label:
        ax.legend(loc="lower left", fontsize="small")
    return [line]


def resampler_kernel(
    resample: Callable[[torch.Tensor], ArrayLike],
    orig_rate: int,
    new_rate: int,
    *,
    span_s: float = 0.005,
) -> tuple[np.ndarray, np.ndarray]:
    """The interpolation kernel of a resampler, probed with impulses (works for any
    linear resampler, used as a black box).

    Output sample ``j`` of a resampler fed a unit impulse at input sample ``k`` is the
    kernel's value at the time offset ``j / new_rate - k / orig_rate``. Impulses at
    ``orig_rate / gcd`` consecutive positions visit every offset on a grid of
    ``1 / lcm(orig_rate, new_rate)`` seconds.

    Parameters
    ----------
    resample : maps a ``(batch, frames)`` float64 tensor at ``orig_rate`` to
        ``(batch, frames')`` at ``new_rate``, e.g. ``lambda x: F.resample(x, 48000, 32000)``.
    span_s : how far the kernel is probed on each side of its centre, in seconds.

    Returns
    -------
    ``(times_s, kernel)``: offsets in seconds, sorted, and the kernel's values there as
    the resampler applies them (taken every ``1 / orig_rate`` they sum to its gain at 0 Hz).
    """
    orig_rate = check_sample_rate(orig_rate, "orig_rate")
    new_rate = check_sample_rate(new_rate, "new_rate")
    if span_s <= 0:
        raise ValueError(f"span_s must be positive, got {span_s}")
    phases = orig_rate // math.gcd(orig_rate, new_rate)
    centre = 2 * math.ceil(span_s * orig_rate) + phases
    impulses = torch.zeros(phases, 2 * centre + 1, dtype=torch.float64)
    positions = centre + np.arange(phases)
    impulses[np.arange(phases), positions] = 1.0
    responses = resample(impulses)
    if isinstance(responses, torch.Tensor):
        responses = responses.detach().cpu().double().numpy()
    responses = np.asarray(responses, dtype=np.float64)
    if responses.ndim != 2 or responses.shape[0] != phases:
        raise ValueError(
            f"resample must map a ({phases}, frames) batch to ({phases}, frames'), got shape "
            f"{responses.shape}"
        )
    offsets = np.arange(responses.shape[1])[None, :] / new_rate - positions[:, None] / orig_rate
    keep = np.abs(offsets) <= span_s
    order = np.argsort(offsets[keep], kind="stable")
    return offsets[keep][order], responses[keep][order]


def kernel_response_db(
    times_s: np.ndarray, kernel: np.ndarray, *, n_fft: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Frequency response (dB re. 0 Hz) of a kernel sampled on an even time grid.

    Returns ``(freqs_hz, gain_db)`` up to half the grid's rate, zero-padded to
    ``n_fft`` points (default: at least 65536) so the curve is smooth.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 1 or kernel.size < 2:
        raise ValueError(f"kernel must be 1-D with at least 2 values, got shape {kernel.shape}")
    total = float(np.sum(kernel))
    if total == 0:
        raise ValueError("the kernel sums to zero: it has no gain at 0 Hz to compare with")
    step = float(times_s[1] - times_s[0])
    size = n_fft or 1 << max(16, math.ceil(math.log2(kernel.size)) + 2)
    gain = np.abs(np.fft.rfft(kernel, size)) / abs(total)
    gain_db = np.maximum(20 * np.log10(np.maximum(gain, 1e-300)), FLOOR_DB)
    return np.fft.rfftfreq(size, step), gain_db


def plot_kernel(
    times_s: np.ndarray,
    kernel: np.ndarray,
    *,
    axes: Sequence[Axes],
    label: str,
    new_rate: int,
    fmax: float,
    color: str | None = None,
    kernel_db: bool = False,
) -> list:
    """Draw a kernel (first axes: time in ms, scaled to its peak) and its frequency
    response (second axes: gain in dB up to ``fmax``, dashed line at the new Nyquist).

    With ``kernel_db`` the kernel's magnitude is drawn in dB, which shows its length and
    the taper of its window. Call it once per variant on the same two axes to overlay
    them. Returns the two lines drawn.
    """
    left, right = axes
    freqs, gain = kernel_response_db(times_s, kernel)
    shape = kernel / float(np.max(np.abs(kernel)))
    if kernel_db:
        shape = np.maximum(20 * np.log10(np.maximum(np.abs(shape), 1e-300)), FLOOR_DB)
    kernel_line = left.plot(times_s * 1000, shape, linewidth=0.8, label=label, color=color)[0]
    left.set_xlabel("Time (ms)")
    left.set_ylabel("Kernel magnitude (dB re. peak)" if kernel_db else "Kernel (re. peak)")
    left.grid(True, alpha=0.3)
    left.legend(loc="upper right", fontsize="small")
    keep = freqs <= fmax
    response_line = right.plot(
        freqs[keep], gain[keep], linewidth=0.9, label=label, color=kernel_line.get_color()
    )[0]
    right.axvline(new_rate / 2, color="0.3", linestyle="--", linewidth=0.8)
    right.set_xlim(0, fmax)
    right.set_ylim(-160, 5)
    right.set_xlabel("Frequency (Hz)")
    right.set_ylabel("Gain (dB)")
    right.grid(True, alpha=0.3)
    return [kernel_line, response_line]
