"""A resampler's interpolation kernel, probed with impulses, and its frequency response.

No sweep is needed: a linear resampler fed a unit impulse outputs its kernel, sampled
at one phase; impulses at every phase give the whole kernel on a fine time grid.

* :func:`resampler_kernel` probes the kernel of any linear resampler (a black box);
* :func:`kernel_response_db` is its frequency response;
* :func:`plot_kernel` and :func:`plot_kernel_response` draw the two (the plot contract
  of :mod:`helpers.plots`; the kernel's data are ``(times_s, kernel)``, on an uneven
  grid, so the time grid takes the place of the sample rate).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .plots import target_axes
from .resampling import FLOOR_DB
from .validation import ArrayLike, amplitude_db, check_sample_rate, check_seconds

__all__ = ["kernel_response_db", "plot_kernel", "plot_kernel_response", "resampler_kernel"]


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
        ``(batch, frames')`` at ``new_rate``, e.g. ``lambda x: AF.resample(x, 48000, 32000)``.
    span_s : how far the kernel is probed on each side of its centre, in seconds.

    Returns
    -------
    ``(times_s, kernel)``: offsets in seconds, sorted, and the kernel's values there as
    the resampler applies them (taken every ``1 / orig_rate`` they sum to its gain at 0 Hz).
    """
    orig_rate = check_sample_rate(orig_rate, "orig_rate")
    new_rate = check_sample_rate(new_rate, "new_rate")
    check_seconds(span_s, "span_s", positive=True)
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
    gain_db = np.maximum(amplitude_db(gain), FLOOR_DB)
    return np.fft.rfftfreq(size, step), gain_db


def plot_kernel(
    times_s: ArrayLike,
    kernel: ArrayLike,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    db: bool = False,
    **kwargs: Any,
) -> Line2D:
    """Draw a kernel against time in ms, scaled to its peak (call again to overlay).

    Parameters
    ----------
    times_s : numpy.ndarray, shape (taps,)
        The offsets from :func:`resampler_kernel`, in seconds.
    kernel : numpy.ndarray, shape (taps,)
        The kernel's values there.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    db : bool
        Draw the magnitude in dB re. the peak (floor -150 dB), which shows the
        kernel's length and the taper of its window.
    **kwargs
        To ``Axes.plot``, e.g. ``label``, ``color`` (a legend is added for a label).

    Returns
    -------
    matplotlib.lines.Line2D
    """
    times = np.asarray(times_s, dtype=np.float64)
    values = np.asarray(kernel, dtype=np.float64)
    if times.ndim != 1 or times.shape != values.shape:
        raise ValueError(
            f"times_s and kernel must be 1-D and equally long, got {times.shape} and "
            f"{values.shape}; pass the two arrays resampler_kernel returns"
        )
    ax = target_axes(ax)
    shape = values / float(np.max(np.abs(values)))
    if db:
        shape = np.maximum(amplitude_db(shape), FLOOR_DB)
    line = ax.plot(times * 1000, shape, **{"linewidth": 0.8, **kwargs})[0]
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Kernel magnitude (dB re. peak)" if db else "Kernel (re. peak)")
    ax.grid(True, alpha=0.3)
    if kwargs.get("label"):
        ax.legend(loc="upper right", fontsize="small")
    if title:
        ax.set_title(title)
    return line


def plot_kernel_response(
    times_s: ArrayLike,
    kernel: ArrayLike,
    *,
    new_rate: int,
    ax: Axes | None = None,
    title: str | None = None,
    f_max: float | None = None,
    **kwargs: Any,
) -> Line2D:
    """Draw a kernel's frequency response in dB, with a dashed line at the new Nyquist.

    Parameters
    ----------
    times_s, kernel : numpy.ndarray, shape (taps,)
        From :func:`resampler_kernel`.
    new_rate : int
        The resampler's output rate, in Hz (its Nyquist frequency is marked).
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    f_max : float or None
        Right end of the frequency axis, Hz (default: ``new_rate``).
    **kwargs
        To ``Axes.plot``, e.g. ``label``, ``color``.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    new_rate = check_sample_rate(new_rate, "new_rate")
    f_max = float(new_rate) if f_max is None else f_max
    freqs, gain = kernel_response_db(np.asarray(times_s), np.asarray(kernel))
    ax = target_axes(ax)
    keep = freqs <= f_max
    line = ax.plot(freqs[keep], gain[keep], **{"linewidth": 0.9, **kwargs})[0]
    ax.axvline(new_rate / 2, color="0.3", linestyle="--", linewidth=0.8)
    ax.set_xlim(0, f_max)
    ax.set_ylim(-160, 5)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Gain (dB)")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    return line
