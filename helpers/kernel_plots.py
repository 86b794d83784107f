"""Plots of a resampler's kernel: the kernel in time, its frequency response, several compared.

The kernel comes from :func:`helpers.kernels.resampler_kernel` (impulses through a
resampler). :func:`plot_kernel` and :func:`plot_kernel_response` follow the plot contract of
:mod:`helpers.plots` (the kernel's data are ``(times_s, kernel)``, on an uneven grid, so the
time grid takes the place of the sample rate); :func:`compare_kernels` draws several kernels
and responses side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .display import new_figure
from .kernels import kernel_response_db, resampler_kernel
from .plots import target_axes
from .validation import ArrayLike, amplitude_db, check_sample_rate

__all__ = ["compare_kernels", "plot_kernel", "plot_kernel_response"]


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
        Draw the magnitude in dB re. the peak (floor -200 dB), which shows the
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
        shape = amplitude_db(shape)
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
    f_min: float = 0.0,
    f_max: float | None = None,
    **kwargs: Any,
) -> Line2D:
    """Draw a kernel's frequency response in dB, with a dashed line at the new Nyquist.

    Nothing is drawn at a floor: the axes show -160 to 5 dB, a deeper response runs off
    their bottom edge, and the caller may zoom with ``ax.set_ylim``.

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
    f_min, f_max : float
        The frequency axis, Hz (default: 0 to ``new_rate``).
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
    keep = (freqs >= f_min) & (freqs <= f_max)
    line = ax.plot(freqs[keep], gain[keep], **{"linewidth": 0.9, **kwargs})[0]
    ax.axvline(new_rate / 2, color="0.3", linestyle="--", linewidth=0.8)
    ax.set_xlim(f_min, f_max)
    ax.xaxis.set_major_locator(MaxNLocator(6))  # five-digit labels must not run together
    ax.set_ylim(-160, 5)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Gain (dB)")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    return line


def compare_kernels(
    resamplers: dict[str, Callable[[torch.Tensor], ArrayLike]],
    orig_rate: int,
    new_rate: int,
    *,
    title: str | None = None,
    kernel_ms: float = 2.0,
    kernel_db: bool = False,
    f_min: float = 8000.0,
) -> Figure:
    """Kernels (left) and exact responses (right) of several resamplers, overlaid.

    Used in: 03 · Resampling, §3.

    Drawn last to first, so that shorter kernels stay visible on top of longer ones; the
    dashed line marks the new Nyquist frequency. Returns the figure.
    """
    figure, (left, right) = new_figure(1, 2)
    for index, (name, resample) in reversed(list(enumerate(resamplers.items()))):
        times_s, kernel = resampler_kernel(resample, orig_rate, new_rate)
        style = dict(label=name, color=f"C{index}")
        plot_kernel(times_s, kernel, ax=left, db=kernel_db, **style)
        plot_kernel_response(times_s, kernel, ax=right, new_rate=new_rate, f_min=f_min,
                             f_max=orig_rate / 2, **style)
    handles, labels = left.get_legend_handles_labels()
    left.legend(handles[::-1], labels[::-1], loc="lower center" if kernel_db else "upper right",
                fontsize="small")
    left.set_xlim(-kernel_ms, kernel_ms)
    if kernel_db:
        left.set_ylim(-160, 5)
    if title:
        figure.suptitle(title)
    return figure
