"""Sine sweeps: the sweep itself, where a frequency lands after sampling, and its plot.

A logarithmic sweep visits every frequency once, at a time we know exactly, so
after resampling each time instant tells us what happened to one input
frequency: kept, attenuated, or folded back below the new Nyquist frequency
(aliased). :mod:`helpers.resampling` turns that into a measurement of a resampler;
:mod:`helpers.kernels` probes a resampler with impulses instead.

* :func:`log_sweep` makes the sweep (a :class:`Sweep`, which knows its
  instantaneous frequency at every time and the time of every frequency);
* :func:`alias_frequency` predicts where a frequency lands after sampling;
* :func:`zero_crossing_frequency` checks a tone's frequency from its samples;
* :func:`sweep_gain_db` reads the gain a system (a resampler) applied to each frequency;
* :func:`plot_sweep` draws a spectrogram whose time axis is labelled with the
  *original* frequency (log-spaced ticks from :func:`frequency_ticks`), and
  :func:`compare_sweeps` several of them side by side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from .display import new_figure
from .measure import spectrogram_db
from .plots import attach_colorbar, target_axes
from .validation import ArrayLike, as_mono, check_sample_rate, power_db

__all__ = [
    "Sweep",
    "alias_frequency",
    "compare_sweeps",
    "frequency_label",
    "frequency_ticks",
    "log_sweep",
    "nice_frequencies",
    "plot_sweep",
    "sweep_gain_db",
    "zero_crossing_frequency",
]


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

    Used in: 03 · Resampling, §1; 03a · measuring a resampler, §2.

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

    Used in: 03 · Resampling, §1.

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
        frequencies = [*nice_frequencies(sweep.f_start, sweep.f_end * 0.8), sweep.f_end]
    values = np.asarray(frequencies, dtype=np.float64)
    return sweep.time_at(values), [frequency_label(f) for f in values]


def nice_frequencies(low: float, high: float) -> list[float]:
    """The 1-2-5 steps per decade (10, 20, 50, 100, ... Hz) between ``low`` and ``high``."""
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    candidates = [step * 10.0**decade for decade in decades for step in (1, 2, 5)]
    return [frequency for frequency in candidates if low <= frequency <= high]


def frequency_label(frequency: float) -> str:
    """A short tick label for a frequency in Hz: "20", "500", "1k", "12k"."""
    if frequency >= 1000:
        return f"{frequency / 1000:.3g}k"
    return f"{frequency:.3g}"


def zero_crossing_frequency(
    waveform: ArrayLike, sample_rate: int, start_s: float, stop_s: float
) -> float:
    """Mean frequency (Hz) of a tone between ``start_s`` and ``stop_s``, from its zero crossings.

    Used in: 03 · Resampling, §2.

    Each crossing is located between two samples by linear interpolation; a sinusoid
    crosses zero twice per cycle, so the count of crossings, less one, over twice the
    time from the first to the last one is the mean frequency over that stretch.
    """
    sample_rate = check_sample_rate(sample_rate)
    signal = as_mono(waveform)
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
    *,
    sweep: Sweep,
    ax: Axes | None = None,
    title: str | None = None,
    n_fft: int = 512,
    top_db: float = 120.0,
    vmax: float = 0.0,
    show_nyquist_of: int | None = None,
    f_min: float | None = None,
    colorbar: bool = True,
    **kwargs,
) -> AxesImage:
    """Spectrogram of a (resampled) sweep against the sweep's *original* frequency.

    Used in: 03 · Resampling, §1, §2.

    The horizontal axis is time, labelled with the frequency the input sweep had at
    that moment; because the sweep is logarithmic, this is a log-frequency axis.
    The vertical axis is the frequency actually present in ``waveform`` (linear Hz,
    up to its Nyquist frequency). A faithful copy shows one rising curve; a
    frequency that was folded back shows up as a falling, mirrored line.

    Parameters
    ----------
    waveform : torch.Tensor or numpy.ndarray, shape (frames,) or (1, frames)
        The sweep or the resampler's output.
    sample_rate : int
        Its rate, in Hz.
    sweep : Sweep
        The input sweep (for the frequency ticks).
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    n_fft : int
        STFT size (Blackman window, hop ``n_fft // 8``).
    top_db, vmax : float
        Colour range in dBFS, fixed by default so plots compare.
    show_nyquist_of : int or None
        Draw a dashed line where the input passes this rate's Nyquist frequency (e.g.
        the new rate, to mark where aliasing can begin).
    f_min : float or None
        Start the horizontal axis where the sweep passes this frequency (Hz), to zoom
        in on the top octaves.
    colorbar : bool
        Add (or reuse) a colour bar.
    **kwargs
        To ``Axes.imshow``, e.g. ``cmap``.

    Returns
    -------
    matplotlib.image.AxesImage
    """
    sample_rate = check_sample_rate(sample_rate)
    times, freqs, level = spectrogram_db(
        waveform, sample_rate, n_fft=n_fft, hop_length=n_fft // 8, window="blackman"
    )
    if level.shape[0] != 1:
        raise ValueError(f"plot_sweep draws one channel; got {level.shape[0]}")
    ax = target_axes(ax)
    hop = times[1] - times[0] if len(times) > 1 else n_fft / sample_rate
    step = freqs[1] - freqs[0]
    options = {"cmap": "magma", "interpolation": "nearest", **kwargs}
    image = ax.imshow(
        level[0], origin="lower", aspect="auto", vmin=vmax - top_db, vmax=vmax,
        extent=(-hop / 2, times[-1] + hop / 2, -step / 2, freqs[-1] + step / 2), **options,
    )
    start = 0.0 if f_min is None else float(sweep.time_at(f_min))
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
        attach_colorbar(image, ax=ax, label="Level (dBFS)")
    if title:
        ax.set_title(title)
    return image


def compare_sweeps(
    outputs: dict[str, ArrayLike],
    sample_rate: int,
    *,
    sweep: Sweep,
    titles: dict[str, str] | None = None,
    columns: int = 3,
    f_min: float | None = 2000.0,
) -> Figure:
    """The swept outputs of several resamplers side by side (:func:`plot_sweep` each, one
    shared frequency axis, no colour bars, the new Nyquist frequency dashed), each titled
    ``titles[name]`` or its name. Returns the figure.
    """
    if not outputs:
        raise ValueError("outputs is empty: pass {name: resampled sweep}")
    rows = math.ceil(len(outputs) / columns)
    figure, axes = new_figure(rows, columns, height=2.6 * rows, sharey=True)
    for ax, (name, output) in zip(np.ravel(axes), outputs.items(), strict=False):
        plot_sweep(output, sample_rate, sweep=sweep, ax=ax, show_nyquist_of=sample_rate,
                   f_min=f_min, colorbar=False, title=(titles or {}).get(name, name))
    for ax in np.ravel(axes)[len(outputs) :]:
        ax.set_visible(False)  # a last row that is not full
    return figure


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
    return power_db(out_power / in_power)


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
