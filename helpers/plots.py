"""Plot helpers: waveform, spectrogram, feature matrix and filter bank, and the plot contract.

The plot contract
-----------------
Every public ``plot_*`` function in ``helpers`` (here and in the topic modules ``spectral``,
``sweeps``, ``resampling``, ``kernels``, ``decay``, ``noise_floor``) has the signature::

    plot_x(data, sample_rate, *, ax=None, title=None, ...options..., **kwargs) -> Artist

* ``data`` first, then ``sample_rate`` (in Hz); everything else is keyword-only.
  (Where the data carry their own rate, as a decay analysis does, or are sampled on an
  uneven grid, as a probed kernel is, the second argument is left out or is the grid.)
* ``ax``: the :class:`~matplotlib.axes.Axes` to draw on; ``None`` makes a full-width
  figure with :func:`helpers.new_figure`. ``title`` names the clip in the axes' title.
* ``**kwargs`` go to the one matplotlib call that draws the data (``color``,
  ``label``, ``linewidth``, ``cmap``...).
* The return value is **the artist that shows the data** (a ``Line2D``,
  ``PolyCollection``, ``LineCollection``, ``AxesImage`` or ``QuadMesh``), as in
  ``librosa.display``. The artist knows the rest: ``artist.axes`` and
  ``artist.figure`` (end a cell with ``artist.figure`` to show a figure the helper
  made). One artist, so one kind of return value, whatever the options.
* One signal per call, on one Axes. A multi-channel waveform raises a ``ValueError``
  that shows the fix: pass one channel (``waveform[0]``), or one Axes per channel::

      fig, axes = helpers.new_figure(2, 1, sharex=True)
      for channel, ax in zip(stereo, axes):
          helpers.plot_waveform(channel, sample_rate, ax=ax)

* Frequency limits are ``f_min`` / ``f_max`` (Hz). Axes are labelled with units.
  Helpers never call ``plt.show()`` and never change ``rcParams``.

Why the artist: it is what ``librosa.display`` returns, it is one object whatever the
plot, and it leads to the axes and the figure, so the ``(fig, ax, artist)`` triple of
libfmp would only repeat what the artist already knows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colorbar import Colorbar
from matplotlib.image import AxesImage

from .display import new_figure
from .display.state import colorbar_of, remember_colorbar
from .measure import spectrogram_db_pooled
from .validation import ArrayLike, as_mono, check_count, check_sample_rate

__all__ = [
    "attach_colorbar", "plot_spectrogram", "plot_waveform", "target_axes"
]

#: Time steps drawn per pixel column of the axes, at most: a spectrogram with more
#: frames is max-pooled first (computed a block at a time, so an hour of audio fits in
#: memory), as a waveform is drawn as its envelope.
_STEPS_PER_PIXEL = 2
#: What the error for a multi-channel input tells the caller to do.
_ONE_CHANNEL = (
    "a plot shows one: pass waveform[0], or draw each channel on its own Axes "
    "(fig, axes = helpers.new_figure(channels, 1); for channel, ax in zip(waveform, axes): ...)"
)


def target_axes(ax: Axes | None, *, height: float = 3.0) -> Axes:
    """``ax`` itself, or the axes of a new full-width figure ``height`` inches high."""
    if ax is None:
        _, ax = new_figure(height=height)
    elif not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be one matplotlib Axes, got {type(ax).__name__}; for several channels, "
            "call the helper once per channel, each with its own Axes"
        )
    return ax


def finish_axes(ax: Axes, title: str | None) -> None:
    """Give ``ax`` the plot contract's title, when there is one."""
    if title:
        ax.set_title(title)


def plot_waveform(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    max_points: int | None = None,
    **kwargs: Any,
) -> Artist:
    """Plot one channel against time in seconds.

    Used in: 01 · Audio effects in torch, §2, §8; 02 · Background noise at a measured SNR, §1, §6.

    When there are more samples than ``max_points`` (default: twice the axes' width
    in pixels), each pixel column shows the min/max envelope of its samples, so
    drawing an hour costs about as much as drawing a second.

    Parameters
    ----------
    waveform : torch.Tensor or numpy.ndarray, shape (frames,) or (1, frames)
        The samples.
    sample_rate : int
        In Hz.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The clip's name, shown as the axes' title.
    max_points : int or None
        Most points drawn before the envelope takes over.
    **kwargs
        To ``Axes.plot`` (or ``Axes.fill_between`` for the envelope), e.g. ``color``,
        ``label`` (a legend is added when a label is given).

    Returns
    -------
    matplotlib.lines.Line2D or matplotlib.collections.PolyCollection

    Examples
    --------
    >>> import torch
    >>> import helpers
    >>> line = helpers.plot_waveform(torch.zeros(1, 1600), 16000, title="silence")
    >>> line.axes.get_title()
    'silence'
    """
    sample_rate = check_sample_rate(sample_rate)
    samples = as_mono(waveform, fix=_ONE_CHANNEL, dtype=None)
    if max_points is not None:
        check_count(max_points, "max_points", minimum=2)
    ax = target_axes(ax, height=2.3)
    limit = max_points or _drawn_steps(ax)
    frames = samples.shape[0]
    options = {"linewidth": 0.8, **kwargs}
    if frames <= limit:
        artist = ax.plot(np.arange(frames) / sample_rate, samples, **options)[0]
    else:
        columns = max(limit // 2, 1)
        starts = (np.arange(columns) * frames) // columns
        lower = np.minimum.reduceat(samples, starts)
        upper = np.maximum.reduceat(samples, starts)
        centres = (starts + np.diff(np.append(starts, frames)) / 2) / sample_rate
        # color=None keeps the envelope's colour fixed (no colour cycling), so a redrawn
        # figure looks the same for the same settings.
        options = {"linewidth": 0.5, "color": None, **kwargs}
        artist = ax.fill_between(centres, lower, upper, step="mid", **options)
    ax.set_xlim(0, frames / sample_rate)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Amplitude")
    ax.grid(True, alpha=0.3)
    if kwargs.get("label"):
        ax.legend(loc="upper right", fontsize="small")
    finish_axes(ax, title)
    return artist


def plot_spectrogram(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    n_fft: int = 1024,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str = "hann",
    top_db: float = 80.0,
    vmax: float | None = None,
    f_min: float | None = None,
    f_max: float | None = None,
    log_frequency: bool = False,
    colorbar: bool = True,
    **kwargs: Any,
) -> AxesImage | QuadMesh:
    """Spectrogram of one channel: time in seconds, frequency in Hz, colour in dBFS.

    Used in: 01 · Audio effects in torch, §2, §4, §8; 02 · Background noise at a measured SNR, §1,
    §3, §5, §6; 03 · Resampling, §2; 05 · Augmentation at training time, §6; 05a · codecs, §3; 05b ·
    simulated rooms, §1.

    The level is calibrated so that a full-scale sine reads 0 dB, so two spectrograms
    drawn with the same ``vmax`` compare levels honestly.

    Parameters
    ----------
    waveform : torch.Tensor or numpy.ndarray, shape (frames,) or (1, frames)
        The samples.
    sample_rate : int
        In Hz.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` for a new figure.
    title : str or None
        The clip's name.
    n_fft, hop_length, win_length : int
        STFT settings (defaults: ``win_length = n_fft``, ``hop_length = win_length // 4``).
    window : {"hann", "hamming", "blackman", "rectangular"}
        The STFT window.
    top_db : float
        The colour range spans ``top_db`` below ``vmax``.
    vmax : float or None
        Top of the colour range in dBFS; default the loudest bin.
    f_min, f_max : float or None
        Frequency range shown, in Hz (default 0, or 20 Hz with ``log_frequency``, to
        the Nyquist frequency).
    log_frequency : bool
        A logarithmic (symlog) frequency axis.
    colorbar : bool
        Add (or reuse) a colour bar labelled "Level (dBFS)".
    **kwargs
        To ``Axes.imshow`` (or ``Axes.pcolormesh`` on a log axis), e.g. ``cmap``.

    Returns
    -------
    matplotlib.image.AxesImage or matplotlib.collections.QuadMesh
    """
    sample_rate = check_sample_rate(sample_rate)
    samples = as_mono(waveform, fix=_ONE_CHANNEL, dtype=None)
    ax = target_axes(ax)
    hop, freqs, level = spectrogram_db_pooled(
        samples, sample_rate, max_frames=_drawn_steps(ax), n_fft=n_fft,
        hop_length=hop_length, win_length=win_length, window=window,
    )
    vmax = float(np.ceil(level.max())) if vmax is None else vmax
    shown = len(freqs) if f_max is None else min(int(np.searchsorted(freqs, f_max)) + 1, len(freqs))
    image = draw_matrix(
        ax, level[0, :shown], hop, freqs[:shown], log_frequency,
        vmin=vmax - top_db, vmax=vmax, **kwargs,
    )
    ax.set_ylabel("Frequency (Hz)")
    low = (20 if log_frequency else 0) if f_min is None else f_min
    ax.set_ylim(low, f_max or sample_rate / 2)
    ax.set_xlabel("Time (s)")
    if colorbar:
        attach_colorbar(image, ax=ax, label="Level (dBFS)")
    finish_axes(ax, title)
    return image


def _drawn_steps(ax: Axes) -> int:
    """How many time steps are worth drawing across ``ax``: a few per pixel column."""
    return _STEPS_PER_PIXEL * max(int(ax.get_window_extent().width), 200)


def _evenly_spaced(values: np.ndarray) -> bool:
    steps = np.diff(values)
    return len(values) < 3 or bool(np.allclose(steps, steps[0], rtol=1e-6))


def draw_matrix(ax, matrix, hop_seconds, y_values, log_y, *, vmin, vmax, **kwargs):
    """Draw ``matrix`` (rows, frames) on ``ax``: an image on an even grid, else a mesh."""
    frames = matrix.shape[-1]
    options = {"cmap": "magma", "vmin": vmin, "vmax": vmax, **kwargs}
    if not log_y and _evenly_spaced(y_values):
        step = y_values[1] - y_values[0] if len(y_values) > 1 else 1.0
        extent = (
            -hop_seconds / 2, (frames - 0.5) * hop_seconds,
            y_values[0] - step / 2, y_values[-1] + step / 2,
        )
        return ax.imshow(
            matrix, origin="lower", aspect="auto", extent=extent, interpolation="nearest",
            **options,
        )
    times = np.arange(frames) * hop_seconds
    mesh = ax.pcolormesh(times, y_values, matrix, shading="nearest", **options)
    if log_y:
        ax.set_yscale("symlog", linthresh=100.0, linscale=0.3)
    return mesh


def attach_colorbar(mappable, *, ax: Axes | None = None, label: str) -> Colorbar:
    """The colour bar of ``ax``, made on the first call and pointed at ``mappable`` later.

    Used in: 06 · Does augmentation help?, §6.

    Drawing on the same Axes again (as an explorer does with :func:`helpers.redraw`)
    reuses its colour bar instead of adding another one beside it.

    Parameters
    ----------
    mappable : matplotlib.cm.ScalarMappable
        The image or mesh the bar describes.
    ax : matplotlib.axes.Axes or None
        The axes the bar belongs to; default ``mappable.axes``.
    label : str
        The bar's label, with units, e.g. "Level (dBFS)".

    Returns
    -------
    matplotlib.colorbar.Colorbar
    """
    ax = mappable.axes if ax is None else ax
    existing = colorbar_of(ax)
    if existing is not None and existing.ax in ax.figure.axes:
        old, new = existing.norm, mappable.norm
        if (type(old), old.vmin, old.vmax) == (type(new), new.vmin, new.vmax) and (
            existing.cmap.name == mappable.cmap.name
        ):
            mappable.set_norm(old)  # the same colours: the bar stays as drawn
            existing.mappable = mappable
        else:
            existing.update_normal(mappable)
        mappable.colorbar = existing
        if existing.ax.get_ylabel() != label:
            existing.set_label(label)
        return existing
    colorbar = ax.figure.colorbar(mappable, ax=ax, label=label, pad=0.01)
    remember_colorbar(ax, colorbar)
    return colorbar


