"""Plots of features: a feature matrix (mel bands, MFCC...), a filter bank, a mel spectrogram.

They follow the plot contract of :mod:`helpers.plots` (data first, then the sample rate,
``ax=``, keyword-only options, the drawn artist returned) and draw with its parts
(:func:`helpers.plots.draw_matrix`, :func:`helpers.plots.attach_colorbar`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, QuadMesh
from matplotlib.image import AxesImage
from matplotlib.ticker import FixedFormatter, MaxNLocator

from .plots import attach_colorbar, draw_matrix, finish_axes, target_axes
from .spectral import hz_to_mel, mel_centres_hz
from .validation import ArrayLike, as_waveform, check_count, check_sample_rate, power_db

__all__ = ["plot_feature", "plot_filterbank", "plot_mel_spectrogram"]

#: Frequencies (Hz) labelled on a mel-spaced axis, where they fall inside the plotted range.
_MEL_TICKS_HZ = (0, 250, 500, 1000, 2000, 3000, 4000, 6000, 8000, 12000, 16000, 22050)


def plot_feature(
    matrix: ArrayLike,
    sample_rate: int | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    hop_length: int | None = None,
    y_coords: ArrayLike | None = None,
    y_label: str = "Bin",
    to_db: bool = False,
    top_db: float | None = 80.0,
    colorbar_label: str | None = None,
    symmetric: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
    **kwargs: Any,
) -> AxesImage | QuadMesh:
    """Show a precomputed matrix: a spectrogram, mel spectrogram or MFCC.

    Used in: 06 · Does augmentation help?, §2; 05b · simulated rooms, §3.

    Parameters
    ----------
    matrix : torch.Tensor or numpy.ndarray, shape (bins, frames) or (frames,)
        The values, one row per bin.
    sample_rate : int or None
        In Hz; give it with ``hop_length`` to label time in seconds (frames otherwise).
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    hop_length : int or None
        Samples between frames.
    y_coords : torch.Tensor or numpy.ndarray, shape (bins,), or None
        Value of each row (e.g. Hz of each bin, mel band centres); rows are numbered
        otherwise.
    y_label : str
        The vertical axis' label, with units.
    to_db : bool
        Convert power to dB (``10 log10``, floor -200 dB) before drawing.
    top_db : float or None
        With ``to_db``, the colour range below the maximum.
    colorbar_label : str or None
        Default "Level (dB)" with ``to_db``, else "Value".
    symmetric : bool
        Centre the colour scale on 0, for signed values such as MFCCs (use a
        diverging ``cmap``).
    vmin, vmax : float or None
        A fixed colour range, e.g. so that an explorer's colour bar stays the same from
        one setting to the next; by default it follows the data (and ``top_db``,
        ``symmetric``).
    **kwargs
        To ``Axes.imshow`` / ``Axes.pcolormesh``, e.g. ``cmap="coolwarm"``.

    Returns
    -------
    matplotlib.image.AxesImage or matplotlib.collections.QuadMesh
    """
    data = as_waveform(matrix, "matrix", check_layout=False).astype(np.float64)
    if to_db:
        data = power_db(data)
    high = float(data.max())
    low = high - top_db if to_db and top_db is not None else float(data.min())
    if symmetric:
        if to_db:
            raise ValueError("symmetric colours are for signed values, not with to_db=True")
        high = float(np.abs(data).max())
        low = -high
    if vmin is not None or vmax is not None:
        vmin = low if vmin is None else float(vmin)
        vmax = high if vmax is None else float(vmax)
        if not vmin < vmax:
            raise ValueError(f"a colour range needs vmin < vmax, got vmin={vmin}, vmax={vmax}")
    else:
        vmin, vmax = low, high
    if (sample_rate is None) != (hop_length is None):
        raise ValueError("give both sample_rate and hop_length to label time, or neither")
    hop = 1.0 if sample_rate is None else hop_length / check_sample_rate(sample_rate)
    rows = np.arange(data.shape[0], dtype=float) if y_coords is None else as_waveform(
        y_coords, "y_coords")[0]
    if rows.shape[0] != data.shape[0]:
        raise ValueError(f"y_coords has {rows.shape[0]} values for {data.shape[0]} rows")
    ax = target_axes(ax)
    image = draw_matrix(ax, data, hop, rows, False, vmin=vmin, vmax=vmax, **kwargs)
    if np.array_equal(rows, np.round(rows)):  # numbered rows: no ticks between them
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Time (s)" if sample_rate is not None else "Frame")
    ax.set_ylabel(y_label)
    attach_colorbar(image, ax=ax, label=colorbar_label or ("Level (dB)" if to_db else "Value"))
    finish_axes(ax, title)
    return image


def plot_filterbank(
    filterbank: ArrayLike,
    sample_rate: int,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    every: int = 1,
    **kwargs: Any,
) -> LineCollection:
    """Plot each filter's weight against frequency in Hz.

    Parameters
    ----------
    filterbank : torch.Tensor or numpy.ndarray, shape (n_freqs, n_filters) or (n_freqs,)
        torchaudio's layout (as from ``torchaudio.functional.melscale_fbanks``); for
        librosa's ``(n_filters, n_freqs)``, pass its transpose.
    sample_rate : int
        In Hz; the bins span 0 to ``sample_rate / 2``.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    every : int
        Draw only every n-th filter, to keep dense banks readable.
    **kwargs
        To :class:`matplotlib.collections.LineCollection`, e.g. ``linewidth``.

    Returns
    -------
    matplotlib.collections.LineCollection
        One line per drawn filter, coloured in the property cycle's order.
    """
    sample_rate = check_sample_rate(sample_rate)
    every = check_count(every, "every")
    weights = as_waveform(filterbank, "filterbank", check_layout=False)
    if np.ndim(filterbank) == 1:  # the weights of one filter: (n_freqs,)
        weights = weights.T
    n_freqs, n_filters = weights.shape
    if n_freqs < n_filters:
        raise ValueError(
            f"filterbank has shape {weights.shape}: fewer frequency bins than filters, as in "
            "librosa's (n_filters, n_freqs) layout; pass filterbank.T"
        )
    ax = target_axes(ax, height=2.8)
    freqs = np.linspace(0, sample_rate / 2, n_freqs)
    drawn = range(0, n_filters, every)
    segments = [np.column_stack([freqs, weights[:, k]]) for k in drawn]
    colours = [f"C{index % 10}" for index in range(len(segments))]
    lines = LineCollection(segments, **{"colors": colours, "linewidths": 1.0, **kwargs})
    ax.add_collection(lines)
    ax.set_xlim(0, sample_rate / 2)
    top = float(weights.max())
    ax.set_ylim(min(0.0, float(weights.min())), top * 1.05 if top > 0 else 1.0)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Weight")
    ax.grid(True, alpha=0.3)
    finish_axes(ax, title)
    return lines


def plot_mel_spectrogram(
    mel_db: ArrayLike,
    sample_rate: int,
    *,
    hop_length: int,
    ax: Axes | None = None,
    title: str | None = None,
    f_min: float = 0.0,
    f_max: float | None = None,
    mel_scale: str = "htk",
    y_axis: str = "mel",
    colorbar_label: str = "Level (dB)",
    **kwargs: Any,
) -> AxesImage | QuadMesh:
    """Draw a mel spectrogram (already in dB) against time and frequency.

    Parameters
    ----------
    mel_db : torch.Tensor or numpy.ndarray, shape (n_mels, frames) or (1, n_mels, frames)
        Levels in dB.
    sample_rate : int
        In Hz.
    hop_length : int
        Samples between frames.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The axes' title.
    f_min, f_max : float
        The filter bank's frequency range, Hz (``f_max`` default: Nyquist).
    mel_scale : {"htk", "slaney"}
        The scale the filter bank was built with.
    y_axis : {"mel", "hz"}
        ``"mel"``: bands equally spaced, as the model sees them, ticks naming their
        frequency in Hz; ``"hz"``: each band at its centre frequency on a linear Hz
        axis, so low bands look thin and high ones wide.
    colorbar_label : str
        The colour bar's label.
    **kwargs
        To ``Axes.imshow`` / ``Axes.pcolormesh``, e.g. ``cmap``.

    Returns
    -------
    matplotlib.image.AxesImage or matplotlib.collections.QuadMesh
    """
    sample_rate = check_sample_rate(sample_rate)
    f_max = sample_rate / 2 if f_max is None else f_max
    if y_axis not in ("mel", "hz"):
        raise ValueError(f"y_axis must be 'mel' or 'hz', got {y_axis!r}")
    shape = tuple(getattr(mel_db, "shape", ()))
    if len(shape) == 3 and shape[0] == 1:
        mel_db = mel_db[0]
        shape = shape[1:]
    if len(shape) != 2:
        raise ValueError(f"mel_db must be (n_mels, frames), got shape {shape or None}")
    centres = mel_centres_hz(int(shape[0]), f_min, f_max, mel_scale)
    rows = hz_to_mel(centres, mel_scale) if y_axis == "mel" else centres
    image = plot_feature(
        mel_db, sample_rate, ax=ax, hop_length=hop_length, y_coords=rows,
        y_label="Frequency (Hz, mel-spaced)" if y_axis == "mel" else "Frequency (Hz)",
        colorbar_label=colorbar_label, title=title, **kwargs,
    )
    if y_axis == "mel":
        ticks = [hz for hz in _MEL_TICKS_HZ if f_min <= hz <= f_max]
        image.axes.set_yticks(hz_to_mel(np.array(ticks, dtype=float), mel_scale))
        image.axes.yaxis.set_major_formatter(FixedFormatter([f"{hz:g}" for hz in ticks]))
    return image
