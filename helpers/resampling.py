"""How good a resampler is, read from a resampled sine sweep (:mod:`helpers.sweeps`).

* :func:`measure_resampling` turns the gain a resampler applied to each input frequency
  (:func:`helpers.sweeps.sweep_gain_db`) into the worst and the mean alias, the pass-band
  loss and the transition width (a :class:`ResamplingQuality`), and :func:`quality_table`
  lists them;
* :func:`plot_gain` draws the gain against the input frequency, and
  :func:`draw_resampling` the resampling explorer's two panels;
* :func:`reference_resamplers` wraps torchaudio, soxr, scipy and librosa to one layout;
* :func:`device_aliasing_db` measures aliasing on a device's own output.

A sweep's readings have a floor set by its speed; the exact response of
:func:`helpers.kernels.probe_response` has none worth the name. Rank resamplers only
with a measure whose floor lies below the best of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from .display import Choice, Slider
from .kernels import probe_response, worst_aliasing
from .plots import target_axes
from .sweeps import Sweep, frequency_label, nice_frequencies, plot_sweep, sweep_gain_db
from .validation import ArrayLike, as_mono, check_sample_rate, power_db

__all__ = [
    "LONG_KAISER", "ResamplingQuality", "device_aliasing_db", "draw_resampling",
    "explorer_controls", "measure_resampling", "plot_gain", "quality_table",
    "reference_resamplers"
]

#: torchaudio's long Kaiser setting compared throughout notebook 03.
LONG_KAISER = dict(
    lowpass_filter_width=64, rolloff=0.95, resampling_method="sinc_interp_kaiser", beta=8.6
)


@dataclass(frozen=True)
class ResamplingQuality:
    """What :func:`measure_resampling` found; levels in dB, frequencies in Hz.

    Attributes
    ----------
    aliasing_db : float
        The worst alias: the largest gain (:func:`helpers.sweeps.sweep_gain_db`,
        1/48-octave windows) from ``1 + guard`` times the new Nyquist frequency to 1/24
        octave before the sweep's fade-out. Every input frequency there folds back into
        the new band at that level.
    aliasing_hz : float
        The input frequency of the worst alias.
    mean_aliasing_db : float
        Mean power of what is left while the input is above the new Nyquist frequency,
        relative to the sweep's power (below -96 dB it is under 16-bit rounding noise).
    passband_loss_db : float
        Attenuation at ``passband_hz`` (positive = quieter).
    passband_hz : float
        Where the pass-band loss is read (a fraction of the new Nyquist frequency).
    edge_hz : float
        Last frequency that passes within 1 dB (the pass-band edge).
    stop_hz : float
        First frequency from which the gain stays below the stop-band level (``inf`` if
        the sweep ends first).
    transition_hz : float
        ``stop_hz - edge_hz`` (to the end of the sweep if ``stop_hz`` is ``inf``).

    No reading has a fixed floor: near the transition band the output still rings with the
    pass band's last, loud frequencies while the sweep moves on (the resampler's own
    transition band, smeared in time), so a fast sweep reads too high there (soxr VHQ:
    about -135 dB on a 1.5 s sweep, -179 dB exactly), and the mean, gated from the new
    Nyquist frequency on, is dominated by it. The 1/48-octave window can also read a few dB
    below a side lobe's peak. Rank resamplers by the exact response
    (:func:`helpers.kernels.response_quality`); notebook 03a compares the two.
    """

    aliasing_db: float
    aliasing_hz: float
    mean_aliasing_db: float
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
    guard: float = 0.02,
    passband_fraction: float = 0.9,
    stop_db: float = -40.0,
    points_per_octave: int = 96,
) -> ResamplingQuality:
    """Aliasing, pass-band loss and transition width of a downsampler, from its swept output.

    Used in: 03a · measuring a resampler, §2.

    ``output`` is the resampler applied to ``sweep.waveform`` (from ``sweep.sample_rate``
    to ``output_rate``, which must be lower than twice the sweep's last frequency).

    * Worst alias: the largest gain (:func:`helpers.sweeps.sweep_gain_db`) from
      ``1 + guard`` times the new Nyquist frequency to the end of the sweep; the guard
      band (2 % by default) leaves out the inputs that fold onto the top 2 % of the new band.
    * Mean alias: while the input is above the new Nyquist frequency, nothing belongs in
      the output; the mean power of what is there, relative to the sweep's (time-gated).
    * Pass-band loss: minus the gain at ``passband_fraction`` of the new Nyquist frequency.
    * Transition width: from the last frequency within 1 dB of unity gain to the first
      above which the gain stays below ``stop_db`` (resolved to a few hundred Hz).

    See :class:`ResamplingQuality` for the floor a sweep's speed sets.
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
    if not 0 <= guard < 0.5:
        raise ValueError(f"guard must be in [0, 0.5) (a fraction of the new Nyquist "
                         f"frequency), got {guard}")
    out = as_mono(output, "output")
    expected = math.floor(sweep.waveform.shape[-1] * output_rate / sweep.sample_rate)
    if abs(out.shape[0] - expected) > 2 + output_rate // 100:
        raise ValueError(
            f"output has {out.shape[0]} samples; at {output_rate} Hz the sweep takes about "
            f"{expected}: is output_rate right?"
        )
    start, stop = sweep.time_at([nyquist, sweep.f_end])
    gate = out[math.ceil(start * output_rate) : math.floor((stop - sweep.fade_s) * output_rate)]
    mean_power = float(np.mean(gate**2)) / (sweep.amplitude**2 / 2)
    window = 1 / 48
    low = max(sweep.f_start * 2 ** (window / 2), nyquist / 8)
    high = sweep.frequency_at(sweep.duration_s - sweep.fade_s) * 2 ** (-1 / 24)
    if not nyquist * (1 + guard) < high:
        raise ValueError(f"the sweep ends at {sweep.f_end:g} Hz, inside the guard band above "
                         f"{nyquist:g} Hz; sweep higher or lower the guard")
    grid = np.geomspace(low, high, max(int(points_per_octave * math.log2(high / low)), 8))
    gain = sweep_gain_db(out, output_rate, sweep, grid, window_octaves=window)
    worst = int(np.argmax(np.where(grid >= nyquist * (1 + guard), gain, -np.inf)))
    passband_hz = passband_fraction * nyquist
    within = np.flatnonzero(gain >= -1.0)
    edge_hz = float(grid[within[-1]]) if within.size else float(grid[0])
    loud = np.flatnonzero(gain > stop_db)
    stop_index = loud[-1] + 1 if loud.size else 0
    stop_hz = float(grid[stop_index]) if stop_index < len(grid) else float("inf")
    end = stop_hz if math.isfinite(stop_hz) else float(grid[-1])
    return ResamplingQuality(
        aliasing_db=float(gain[worst]),
        aliasing_hz=float(grid[worst]),
        mean_aliasing_db=power_db(mean_power),
        passband_loss_db=-float(np.interp(passband_hz, grid, gain)) + 0.0,
        passband_hz=passband_hz,
        edge_hz=edge_hz,
        stop_hz=stop_hz,
        transition_hz=end - edge_hz,
    )


def quality_table(results: dict[str, ResamplingQuality]) -> str:
    """A text table of measured qualities, one row per name: the worst and the mean alias
    and the loss to 0.1 dB, frequencies to 10 Hz (the values are deterministic).
    """
    if not results:
        raise ValueError("results is empty: pass {name: measure_resampling(...)}")
    first = next(iter(results.values()))
    width = max(len(name) for name in results)
    loss = f"loss at {first.passband_hz / 1000:.3g} kHz"
    header = (
        f"{'':{width}}  {'worst alias':>11}  {'mean alias':>10}  {loss:>16}"
        f"  {'-1 dB edge':>10}  {'transition':>10}"
    )
    units = f"{'':{width}}  {'(dB)':>11}  {'(dB)':>10}  {'(dB)':>16}  {'(Hz)':>10}  {'(Hz)':>10}"
    lines = [header, units]
    for name, quality in results.items():
        transition = f"{quality.transition_hz:10.0f}" if math.isfinite(quality.stop_hz) else (
            f"{'>' + format(quality.transition_hz, '.0f'):>10}"
        )
        lines.append(
            f"{name:{width}}  {round(quality.aliasing_db, 1) + 0.0:11.1f}"
            f"  {round(quality.mean_aliasing_db, 1) + 0.0:10.1f}"
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


def reference_resamplers(
    orig_rate: int, new_rate: int
) -> dict[str, Callable[[ArrayLike], np.ndarray]]:
    """The resamplers notebook 03 compares, each mapping ``(batch, frames)`` at
    ``orig_rate`` (a tensor or an array) to an array ``(batch, frames')`` at ``new_rate``.

    Used in: 03 · Resampling, §4; 03a · measuring a resampler, §5.

    torchaudio's defaults and its :data:`LONG_KAISER` setting; soxr HQ and VHQ (soxr takes
    ``(frames, channels)``, so the batch goes in and out transposed); scipy's
    ``resample_poly`` with its default filter; librosa's ``soxr_hq``, ``kaiser_best`` and
    ``kaiser_fast`` (the last two run resampy). Each works with :func:`probe_response`.
    """
    import librosa
    import scipy.signal
    import soxr
    import torchaudio.functional as AF

    orig_rate = check_sample_rate(orig_rate, "orig_rate")
    new_rate = check_sample_rate(new_rate, "new_rate")
    divisor = math.gcd(orig_rate, new_rate)
    up, down = new_rate // divisor, orig_rate // divisor

    def rows(batch: ArrayLike) -> np.ndarray:
        if isinstance(batch, torch.Tensor):
            batch = batch.detach().cpu().numpy()
        return np.atleast_2d(np.asarray(batch))

    def torchaudio(**kwargs) -> Callable[[ArrayLike], np.ndarray]:
        return lambda batch: AF.resample(
            torch.from_numpy(rows(batch)), orig_rate, new_rate, **kwargs
        ).numpy()

    def with_soxr(quality: str) -> Callable[[ArrayLike], np.ndarray]:
        return lambda batch: soxr.resample(rows(batch).T, orig_rate, new_rate, quality).T

    def with_librosa(res_type: str) -> Callable[[ArrayLike], np.ndarray]:
        return lambda batch: librosa.resample(
            rows(batch), orig_sr=orig_rate, target_sr=new_rate, res_type=res_type, axis=-1
        )

    return {
        "torchaudio defaults": torchaudio(),
        "torchaudio width 64, Kaiser 8.6": torchaudio(**LONG_KAISER),
        "soxr HQ": with_soxr("HQ"),
        "soxr VHQ": with_soxr("VHQ"),
        "scipy resample_poly": lambda batch: scipy.signal.resample_poly(
            rows(batch), up, down, axis=-1
        ),
        "librosa soxr_hq": with_librosa("soxr_hq"),
        "librosa kaiser_best": with_librosa("kaiser_best"),
        "librosa kaiser_fast": with_librosa("kaiser_fast"),
    }


def device_aliasing_db(
    orig_rate: int,
    new_rate: int,
    *,
    device: str | torch.device = "cpu",
    fp32_precision: str | None = None,
    guard: float = 0.02,
    **kwargs,
) -> float:
    """The worst alias of a float32 ``torchaudio.transforms.Resample`` run on ``device``,
    measured on that device's own output (its kernel probed there, :func:`probe_response`).

    ``fp32_precision`` (``"tf32"`` or ``"ieee"``) sets cuDNN's float32 convolutions for the
    measurement (``torch.backends.cudnn.conv.fp32_precision``) and restores it after;
    ``None`` keeps the current setting. ``kwargs`` go to ``Resample``.
    """
    import torchaudio.transforms as T

    if fp32_precision not in (None, "tf32", "ieee"):
        raise ValueError(f"fp32_precision must be None, 'tf32' or 'ieee', got {fp32_precision!r}")
    transform = T.Resample(orig_rate, new_rate, **kwargs).to(device)

    def on_device(batch: torch.Tensor) -> torch.Tensor:
        return transform(torch.as_tensor(batch).to(device, torch.float32)).cpu().double()

    convolutions = torch.backends.cudnn.conv
    previous = convolutions.fp32_precision
    try:
        if fp32_precision is not None:
            convolutions.fp32_precision = fp32_precision
        response = probe_response(on_device, orig_rate, new_rate)
    finally:
        convolutions.fp32_precision = previous
    return worst_aliasing(*response, orig_rate=orig_rate, new_rate=new_rate, guard=guard)[0]


def draw_resampling(
    output: ArrayLike, output_rate: int, sweep: Sweep, *, axes: Sequence[Axes]
) -> ResamplingQuality:
    """The resampling explorer's two panels: the swept output (left, from 500 Hz, up to the
    input's Nyquist frequency whatever the new rate, the new Nyquist frequency dashed) and
    the gain for each input frequency (right, from 1 kHz), titled with the worst alias and
    the pass-band loss. Returns what it measured.

    Used in: 03 · Resampling, §6.
    """
    quality = measure_resampling(output, output_rate, sweep)
    left, right = axes
    title = f"{sweep.sample_rate / 1000:g} → {output_rate / 1000:g} kHz"
    plot_sweep(output, output_rate, sweep=sweep, ax=left, show_nyquist_of=output_rate, f_min=500,
               colorbar=False, title=title)
    left.set_ylim(0, sweep.sample_rate / 2)  # the same axes at every rate: a redraw can blit
    plot_gain(output, output_rate, sweep=sweep, ax=right, f_min=1000)
    right.set_title(
        f"worst alias {quality.aliasing_db:.0f} dB (1.5 s sweep), loss at "
        f"{quality.passband_hz / 1000:.3g} kHz {quality.passband_loss_db:.1f} dB"
    )
    return quality


def explorer_controls() -> list:
    """The resampling explorer's controls, one per keyword of its render function:
    ``target_rate`` (8 to 44.1 kHz), ``lowpass_filter_width`` (2 to 64 zero crossings),
    ``rolloff`` (0.5 to 0.99), ``method`` (Hann or Kaiser window) and ``beta`` (2 to 20,
    used by the Kaiser window only), each at torchaudio's default to start with.

    Used in: 03 · Resampling, §6.
    """
    rates = {f"{rate / 1000:g} kHz": rate for rate in (8000, 16000, 22050, 32000, 44100)}
    return [
        Choice(name="target_rate", label="Target rate", options=rates, default=32000),
        Slider(name="lowpass_filter_width", label="lowpass_filter_width", unit="zero crossings",
               minimum=2, maximum=64, default=6, step=1, readout_format=".0f"),
        Slider(name="rolloff", label="rolloff", unit="× lower Nyquist", minimum=0.5,
               maximum=0.99, default=0.99, step=0.01, readout_format=".2f"),
        Choice(name="method", label="resampling_method",
               options=["sinc_interp_hann", "sinc_interp_kaiser"]),
        Slider(name="beta", label="beta (Kaiser only)", unit="", minimum=2, maximum=20,
               default=14.77, step=0.01, readout_format=".2f"),
    ]
