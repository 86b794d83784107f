"""Looking at and listening to audio: waveform, spectrogram, feature and filter-bank plots,
a statistics printout and an audio player that keeps loudness differences audible.

Plot helpers follow ``librosa.display``: they take torch or numpy input, draw on
``ax=`` when given (or on a new figure), return what they drew, label their axes
in seconds and Hz, and never call ``plt.show()`` or change global settings.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import soundfile
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colorbar import Colorbar
from matplotlib.image import AxesImage
from matplotlib.ticker import MaxNLocator

from ._validation import ArrayLike, as_numpy_2d, check_sample_rate
from .measure import audio_stats, spectrogram_db_pooled

__all__ = [
    "AudioPlayer",
    "play",
    "plot_feature",
    "plot_filterbank",
    "plot_spectrogram",
    "plot_waveform",
    "print_stats",
]

#: Width of a new figure, in inches.
FIGURE_WIDTH = 9.0
#: Time steps drawn per pixel column of the axes, at most: a spectrogram with more
#: frames is max-pooled first (computed a block at a time, so an hour of audio fits in
#: memory), as a waveform is drawn as its envelope.
_STEPS_PER_PIXEL = 2


def _axes_for_channels(
    ax: Axes | Sequence[Axes] | None, channels: int, row_height: float
) -> list[Axes]:
    if ax is None:
        _, axes = plt.subplots(
            channels,
            1,
            figsize=(FIGURE_WIDTH, 0.6 + row_height * channels),
            sharex=True,
            squeeze=False,
            layout="constrained",
        )
        return list(axes[:, 0])
    if isinstance(ax, Axes):
        return [ax] * channels
    axes = list(ax)
    if len(axes) != channels:
        raise ValueError(f"got {len(axes)} axes for {channels} channels; pass one Axes per channel")
    return axes


def _channel_label(channel: int, channels: int) -> str:
    if channels == 1:
        return ""
    names = {2: ("left", "right")}.get(channels)
    return names[channel] if names else f"channel {channel}"


def plot_waveform(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    ax: Axes | Sequence[Axes] | None = None,
    title: str | None = None,
    max_points: int | None = None,
    color: str | None = None,
    label: str | None = None,
) -> list:
    """Plot every channel against time in seconds.

    When there are more samples than ``max_points`` (default: twice the axes'
    width in pixels), each pixel column shows the min/max envelope of its
    samples, so drawing an hour costs about as much as drawing a second.

    Parameters
    ----------
    waveform : ``(frames,)`` or ``(channels, frames)``, torch or numpy.
    sample_rate : in Hz.
    ax : one Axes (channels overlaid), one Axes per channel, or ``None`` for a new figure
        with a row per channel.
    label : legend label for this waveform (to overlay several on one Axes).

    Returns
    -------
    list of the artists drawn (``Line2D`` or ``PolyCollection``), one per channel.
    """
    sample_rate = check_sample_rate(sample_rate)
    data = as_numpy_2d(waveform)
    channels, frames = data.shape
    axes = _axes_for_channels(ax, channels, row_height=1.7)
    drawn = []
    for channel, axis in enumerate(axes):
        limit = max_points or _drawn_steps(axis)
        name = _channel_label(channel, channels)
        artist_label = " ".join(
            part for part in (label, name if axes.count(axis) > 1 else "") if part
        )
        artist = _draw_trace(axis, data[channel], sample_rate, limit, color, artist_label or None)
        drawn.append(artist)
        axis.set_xlim(0, frames / sample_rate)
        axis.set_ylabel(f"Amplitude\n({name})" if name and axes.count(axis) == 1 else "Amplitude")
        axis.grid(True, alpha=0.3)
        if artist_label:
            axis.legend(loc="upper right", fontsize="small")
    axes[-1].set_xlabel("Time (s)")
    if title:
        axes[0].set_title(title)
    return drawn


def _draw_trace(axis: Axes, samples: np.ndarray, sample_rate: int, limit: int, color, label):
    frames = samples.shape[0]
    if frames <= limit:
        times = np.arange(frames) / sample_rate
        return axis.plot(times, samples, linewidth=0.8, color=color, label=label)[0]
    columns = max(limit // 2, 1)
    starts = (np.arange(columns) * frames) // columns
    lower = np.minimum.reduceat(samples, starts)
    upper = np.maximum.reduceat(samples, starts)
    centres = (starts + np.diff(np.append(starts, frames)) / 2) / sample_rate
    return axis.fill_between(
        centres, lower, upper, linewidth=0.5, color=color, label=label, step="mid"
    )


def plot_spectrogram(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    ax: Axes | Sequence[Axes] | None = None,
    n_fft: int = 1024,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str = "hann",
    top_db: float = 80.0,
    vmax: float | None = None,
    fmax: float | None = None,
    log_frequency: bool = False,
    title: str | None = None,
    colorbar: bool = True,
) -> list[AxesImage | QuadMesh]:
    """Spectrogram of each channel: time in seconds, frequency in Hz, colour in dBFS.

    The level is calibrated so that a full-scale sine reads 0 dB, so two
    spectrograms drawn with the same ``vmax`` compare levels honestly. The colour
    range spans ``top_db`` below ``vmax`` (default: the loudest bin).

    Returns
    -------
    list of the images drawn, one per channel.
    """
    sample_rate = check_sample_rate(sample_rate)
    data = as_numpy_2d(waveform)
    axes = _axes_for_channels(ax, data.shape[0], row_height=2.4)
    hop, freqs, level = spectrogram_db_pooled(
        data, sample_rate, max_frames=_drawn_steps(axes[0]), n_fft=n_fft,
        hop_length=hop_length, win_length=win_length, window=window,
    )
    vmax = float(np.ceil(level.max())) if vmax is None else vmax
    shown = len(freqs) if fmax is None else min(int(np.searchsorted(freqs, fmax)) + 1, len(freqs))
    drawn = []
    for channel, axis in enumerate(axes):
        image = _draw_matrix(
            axis, level[channel, :shown], hop, freqs[:shown], log_frequency,
            vmin=vmax - top_db, vmax=vmax,
        )
        name = _channel_label(channel, len(axes))
        axis.set_ylabel(f"Frequency (Hz)\n({name})" if name else "Frequency (Hz)")
        axis.set_ylim(20 if log_frequency else 0, fmax or sample_rate / 2)
        if colorbar:
            attach_colorbar(axis, image, "Level (dBFS)")
        drawn.append(image)
    axes[-1].set_xlabel("Time (s)")
    if title:
        axes[0].set_title(title)
    return drawn


def _drawn_steps(axis: Axes) -> int:
    """How many time steps are worth drawing across ``axis``: a few per pixel column."""
    return _STEPS_PER_PIXEL * max(int(axis.get_window_extent().width), 200)


def _draw_matrix(axis, matrix, hop_seconds, y_values, log_y, *, vmin, vmax, cmap="magma"):
    frames = matrix.shape[-1]
    if not log_y and _evenly_spaced(y_values):
        step = y_values[1] - y_values[0] if len(y_values) > 1 else 1.0
        extent = (
            -hop_seconds / 2, (frames - 0.5) * hop_seconds,
            y_values[0] - step / 2, y_values[-1] + step / 2,
        )
        return axis.imshow(
            matrix, origin="lower", aspect="auto", extent=extent, vmin=vmin, vmax=vmax,
            cmap=cmap, interpolation="nearest",
        )
    times = np.arange(frames) * hop_seconds
    mesh = axis.pcolormesh(
        times, y_values, matrix, shading="nearest", vmin=vmin, vmax=vmax, cmap=cmap
    )
    if log_y:
        axis.set_yscale("symlog", linthresh=100.0, linscale=0.3)
    return mesh


def attach_colorbar(axis: Axes, mappable, label: str) -> Colorbar:
    """The colour bar of ``axis``, made on the first call and pointed at ``mappable`` later.

    Drawing on the same Axes again (as an explorer does with :func:`helpers.redraw`)
    reuses its colour bar instead of adding another one beside it.
    """
    existing = getattr(axis, "_course_colorbar", None)
    if existing is not None and existing.ax in axis.figure.axes:
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
    colorbar = axis.figure.colorbar(mappable, ax=axis, label=label, pad=0.01)
    axis._course_colorbar = colorbar
    return colorbar


def _evenly_spaced(values: np.ndarray) -> bool:
    steps = np.diff(values)
    return len(values) < 3 or bool(np.allclose(steps, steps[0], rtol=1e-6))


def plot_feature(
    matrix: ArrayLike,
    *,
    ax: Axes | None = None,
    sample_rate: int | None = None,
    hop_length: int | None = None,
    y_coords: ArrayLike | None = None,
    y_label: str = "Bin",
    to_db: bool = False,
    top_db: float | None = 80.0,
    colorbar_label: str | None = None,
    title: str | None = None,
    cmap: str = "magma",
    symmetric: bool = False,
) -> AxesImage | QuadMesh:
    """Show a precomputed ``(bins, frames)`` matrix: a spectrogram, mel spectrogram or MFCC.

    Parameters
    ----------
    sample_rate, hop_length : give both to label time in seconds; otherwise frames.
    y_coords : value of each row (e.g. Hz of each bin, or mel band centres); rows are
        numbered otherwise.
    to_db : convert power to dB (``10 log10``) before drawing, with a ``top_db`` range.
    symmetric : centre the colour scale on 0 (``vmin=-v, vmax=v`` with ``v`` the largest
        absolute value), for signed values such as MFCCs with a diverging ``cmap``.
    """
    data = as_numpy_2d(matrix, "matrix", check_layout=False).astype(np.float64)
    if to_db:
        data = 10.0 * np.log10(np.maximum(data, 1e-20))
    vmax = float(data.max())
    vmin = vmax - top_db if to_db and top_db is not None else float(data.min())
    if symmetric:
        if to_db:
            raise ValueError("symmetric colours are for signed values, not with to_db=True")
        vmax = float(np.abs(data).max())
        vmin = -vmax
    if (sample_rate is None) != (hop_length is None):
        raise ValueError("give both sample_rate and hop_length to label time, or neither")
    hop = 1.0 if sample_rate is None else hop_length / check_sample_rate(sample_rate)
    rows = np.arange(data.shape[0], dtype=float) if y_coords is None else as_numpy_2d(
        y_coords, "y_coords")[0]
    if rows.shape[0] != data.shape[0]:
        raise ValueError(f"y_coords has {rows.shape[0]} values for {data.shape[0]} rows")
    if ax is None:
        _, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.0), layout="constrained")
    image = _draw_matrix(ax, data, hop, rows, False, vmin=vmin, vmax=vmax, cmap=cmap)
    if np.array_equal(rows, np.round(rows)):  # numbered rows: no ticks between them
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Time (s)" if sample_rate is not None else "Frame")
    ax.set_ylabel(y_label)
    attach_colorbar(ax, image, colorbar_label or ("Level (dB)" if to_db else "Value"))
    if title:
        ax.set_title(title)
    return image


def plot_filterbank(
    filterbank: ArrayLike,
    sample_rate: int,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    every: int = 1,
) -> list:
    """Plot each filter's weight against frequency in Hz.

    ``filterbank`` has torchaudio's layout ``(n_freqs, n_filters)`` (as from
    ``torchaudio.functional.melscale_fbanks``); for librosa's ``(n_filters, n_freqs)``,
    pass its transpose. ``every`` draws only every n-th filter to keep dense banks readable.
    """
    sample_rate = check_sample_rate(sample_rate)
    weights = as_numpy_2d(filterbank, "filterbank", check_layout=False)
    if np.ndim(filterbank) == 1:  # the weights of one filter: (n_freqs,)
        weights = weights.T
    n_freqs, n_filters = weights.shape
    if n_freqs < n_filters:
        raise ValueError(
            f"filterbank has shape {weights.shape}: fewer frequency bins than filters, as in "
            "librosa's (n_filters, n_freqs) layout; pass filterbank.T"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(FIGURE_WIDTH, 2.8), layout="constrained")
    freqs = np.linspace(0, sample_rate / 2, n_freqs)
    lines = [ax.plot(freqs, weights[:, k], linewidth=1)[0] for k in range(0, n_filters, every)]
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Weight")
    ax.set_xlim(0, sample_rate / 2)
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    return lines


def print_stats(waveform: ArrayLike, sample_rate: int, name: str | None = None) -> None:
    """Print shape, dtype, sample rate, duration, and per-channel peak, RMS and DC offset."""
    if name:
        print(f"--- {name} ---")
    print(audio_stats(waveform, sample_rate))


class AudioPlayer:
    """An HTML audio player for a notebook; see :func:`play`."""

    def __init__(self, waveform: np.ndarray, sample_rate: int, label: str, note: str = "") -> None:
        self.waveform = waveform
        self.sample_rate = sample_rate
        self.label = label
        self.note = note

    @property
    def duration_s(self) -> float:
        return self.waveform.shape[1] / self.sample_rate

    @property
    def peak_dbfs(self) -> float:
        peak = float(np.max(np.abs(self.waveform)))
        return float(20 * np.log10(peak)) if peak > 0 else float("-inf")

    def caption(self) -> str:
        """The text shown above the player: label, duration, rate and peak level."""
        channels = self.waveform.shape[0]
        parts = [
            self.label,
            f"{self.duration_s:.2f} s",
            f"{self.sample_rate} Hz",
            "mono" if channels == 1 else f"{channels} ch",
            f"peak {self.peak_dbfs:.1f} dBFS",
        ]
        return " · ".join(part for part in parts if part) + (f" ({self.note})" if self.note else "")

    def wav_bytes(self) -> bytes:
        """The audio as a 16-bit PCM WAV file."""
        buffer = io.BytesIO()
        soundfile.write(buffer, self.waveform.T, self.sample_rate, format="WAV", subtype="PCM_16")
        return buffer.getvalue()

    def _repr_html_(self) -> str:
        payload = base64.b64encode(self.wav_bytes()).decode("ascii")
        return (
            '<div class="course-audio"><div style="font-size:0.9em">'
            f"{html.escape(self.caption())}</div>"
            f'<audio controls preload="none" src="data:audio/wav;base64,{payload}"></audio></div>'
        )

    def __repr__(self) -> str:
        return f"AudioPlayer({self.caption()})"


def play(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    label: str = "",
    on_clip: str = "raise",
) -> AudioPlayer:
    """An audio player that plays samples at their true level.

    Unlike ``IPython.display.Audio``'s default, nothing is renormalised, so a
    signal 6 dB quieter sounds quieter. Samples beyond full scale (|x| > 1) would
    clip: with ``on_clip="raise"`` (default) that is a ``ValueError``; with
    ``on_clip="scale"`` the whole signal is scaled down just below full scale and
    the caption says by how much.
    """
    sample_rate = check_sample_rate(sample_rate)
    if on_clip not in {"raise", "scale"}:
        raise ValueError(f"on_clip must be 'raise' or 'scale', got {on_clip!r}")
    data = as_numpy_2d(waveform).astype(np.float32)
    peak = float(np.max(np.abs(data)))
    note = ""
    if peak > 1.0:
        if on_clip == "raise":
            raise ValueError(
                f"{label or 'the audio'} peaks at {peak:.3f} ({20 * np.log10(peak):+.1f} dBFS), "
                "above full scale: it would clip. Lower its gain, or pass on_clip='scale'"
            )
        factor = 0.99 / peak
        data = data * factor
        note = f"scaled by {20 * np.log10(factor):.1f} dB to avoid clipping"
    return AudioPlayer(data, sample_rate, label, note)
