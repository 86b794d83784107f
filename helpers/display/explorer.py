"""Slider explorers built from a pure function ``parameters -> (figure, audio[, extras])``.

The render function knows nothing about widgets, so it can be unit-tested and
benchmarked without a browser. :class:`Explorer` wraps it:

* in JupyterLab with a running kernel, the cell shows labelled sliders and an
  output area; moving a slider calls the function again and replaces the figure
  and the audio player in one update (nothing is printed from the callback, so
  nothing leaks into the cell's own output);
* the same cell output also carries a static HTML view of the default state (the
  figure as PNG and the audio player), which is what GitHub or nbviewer show
  without a kernel and what nbval compares.

A render function may build a new figure on every call, or, to follow a slider
quickly, build its figure once and replace only what it draws on each call inside
``with redraw(figure):``. Most of the cost of a slider update is matplotlib laying
out and drawing axes, ticks and text; a reused figure keeps its axes, its colour
bars, its renderer and the layout found on its first draw.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .blit import drawn_pixels
from .player import AudioPlayer
from .png import encode_png, stored_png

__all__ = ["Choice", "Explorer", "Slider"]


@dataclass(frozen=True, kw_only=True)
class Slider:
    """A numeric control, written with keywords::

    Used in: 01 · Audio effects in torch, §8; 02 · Background noise at a measured SNR, §6; 05 ·
    Augmentation at training time, §6; 06 · Does augmentation help?, §6.

        helpers.Slider(name="cutoff_hz", label="Cut-off", unit="Hz",
                       minimum=50, maximum=5000, default=300, log=True)

    Parameters
    ----------
    name : str
        The render function's keyword.
    label, unit : str
        Make the slider's description, e.g. "Cut-off (Hz)".
    minimum, maximum, default : float
        The range and the starting value.
    step : float or None
        Default: a hundredth of the range (0.01 decades with ``log``).
    log : bool
        Move in equal ratios (``minimum``/``maximum`` are values, not exponents).
    readout_format : str
        How the value is shown, e.g. ".3g".
    """

    name: str
    label: str
    unit: str = ""
    minimum: float
    maximum: float
    default: float
    step: float | None = None
    log: bool = False
    readout_format: str = ".3g"

    def __post_init__(self) -> None:
        if not self.minimum <= self.default <= self.maximum:
            raise ValueError(
                f"slider {self.name!r}: default {self.default} lies outside "
                f"[minimum, maximum] = [{self.minimum}, {self.maximum}]"
            )
        if self.log and self.minimum <= 0:
            raise ValueError(f"slider {self.name!r}: a log slider needs minimum > 0")

    def description(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def text(self, value: float) -> str:
        return f"{self.label} = {format(value, self.readout_format)} {self.unit}".rstrip()

    def make_widget(self) -> widgets.Widget:
        common = dict(
            value=self.default,
            description=self.description(),
            continuous_update=False,
            readout_format=self.readout_format,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        if self.log:
            return widgets.FloatLogSlider(
                base=10,
                min=math.log10(self.minimum),
                max=math.log10(self.maximum),
                step=self.step or 0.01,
                **common,
            )
        step = self.step or (self.maximum - self.minimum) / 100
        return widgets.FloatSlider(min=self.minimum, max=self.maximum, step=step, **common)


@dataclass(frozen=True, kw_only=True)
class Choice:
    """A drop-down control, written with keywords::

    Used in: 01 · Audio effects in torch, §8; 02 · Background noise at a measured SNR, §6; 05 ·
    Augmentation at training time, §6; 06 · Does augmentation help?, §6.

        helpers.Choice(name="window", label="Window", options=["hann", "hamming"])
        helpers.Choice(name="room", label="Room", options={"small": 0, "hall": 1}, default=1)

    Parameters
    ----------
    name : str
        The render function's keyword.
    label : str
        Shown before the drop-down.
    options : list or dict
        A plain list (each value shown as ``str(value)``), or a dict mapping the text
        shown to the value passed on.
    default : object or None
        The starting value; default the first option.
    """

    name: str
    label: str
    options: dict[str, Any] | Sequence[Any]
    default: Any = None

    def __post_init__(self) -> None:
        options = self.options
        if not isinstance(options, dict):
            if isinstance(options, str) or not isinstance(options, Sequence):
                raise TypeError(
                    f"choice {self.name!r}: options must be a list or a dict, got "
                    f"{type(options).__name__}"
                )
            options = {str(value): value for value in options}
        if not options:
            raise ValueError(f"choice {self.name!r}: options is empty")
        object.__setattr__(self, "options", dict(options))
        default = next(iter(options.values())) if self.default is None else self.default
        if default not in options.values():
            raise ValueError(
                f"choice {self.name!r}: default {default!r} is not one of the options "
                f"{list(options.values())}"
            )
        object.__setattr__(self, "default", default)

    def description(self) -> str:
        return self.label

    def text(self, value: Any) -> str:
        shown = next((key for key, item in self.options.items() if item == value), value)
        return f"{self.label} = {shown}"

    def make_widget(self) -> widgets.Widget:
        return widgets.Dropdown(
            options=list(self.options.items()),
            value=self.default,
            description=self.label,
            style={"description_width": "initial"},
        )


Control = Slider | Choice


#: Length of a slider's track, next to its label.
TRACK_WIDTH = "20em"


def _align(controls, control_widgets) -> None:
    """Give every control of an explorer the same label width.

    With labels sized to their text, each slider's track starts at a different place
    and has a different length; with one width, the tracks line up and are all
    :data:`TRACK_WIDTH` long.
    """
    label = f"{max((len(control.description()) for control in controls), default=0) + 1}ch"
    for widget in control_widgets:
        widget.style.description_width = label
        if isinstance(widget, widgets.Dropdown):
            widget.layout.width = f"calc({label} + 14em)"
        else:
            widget.layout.width = f"calc({label} + {TRACK_WIDTH} + 6em)"  # 6em: the readout


@contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` torch intra-op threads (unchanged for ``None``)."""
    before = torch.get_num_threads()
    if threads is not None and threads != before:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


class Explorer:
    """Sliders and drop-downs that re-run ``render`` and show its figure and audio.

    Used in: 01 · Audio effects in torch, §8; 02 · Background noise at a measured SNR, §6; 03 ·
    Resampling, §6; 05 · Augmentation at training time, §6; 06 · Does augmentation help?, §6.

    Parameters
    ----------
    render : callable
        ``render(**values) -> (Figure, AudioPlayer | None)`` or
        ``(Figure, AudioPlayer | None, extras)``; use :func:`helpers.new_figure` for the
        figure and :func:`helpers.play` for the audio. The figure may be the same one on
        every call, redrawn with :func:`redraw` (much faster to update); it is laid out
        on its first draw only. ``extras`` is anything else the render computed (a
        measured SNR, a dict of numbers): the explorer keeps the latest as
        :attr:`result`, so a later cell can assert on it without module-level state.
    controls : the :class:`Slider` and :class:`Choice` objects, one per keyword.
    title : shown above the controls.
    torch_threads : torch's intra-op threads while ``render`` runs (restored after): 1 by
        default, because for clips of a few seconds splitting each operation across
        threads costs more than it saves, and far more on a busy machine; ``None`` keeps
        torch's own setting.

    A later cell can drive it from code, e.g. ``explorer.set(cutoff_hz=1000)``,
    and check :attr:`values`, :attr:`audio`, :attr:`result` and :attr:`updates`.
    """

    def __init__(
        self,
        render: Callable[..., tuple],
        controls: Sequence[Control],
        *,
        title: str = "",
        torch_threads: int | None = 1,
    ) -> None:
        names = [control.name for control in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be unique, got {names}")
        if torch_threads is not None and torch_threads < 1:
            raise ValueError(f"torch_threads must be at least 1 or None, got {torch_threads}")
        self.render = render
        self.title = title
        self.torch_threads = torch_threads
        self.controls = {control.name: control for control in controls}
        self.widgets = {control.name: control.make_widget() for control in controls}
        _align(self.controls.values(), self.widgets.values())
        self.updates = 0
        self.figure_png = b""
        self._pixels = np.zeros((0, 0, 3), dtype=np.uint8)
        self._stored_png: bytes | None = None
        self._figure: Figure | None = None
        self.audio: AudioPlayer | None = None
        #: The ``extras`` of the last successful render (``None`` for a two-item return).
        self.result: Any = None
        self.last_error: Exception | None = None
        self._holding = False
        self._output = widgets.Output()
        # The figure and the sound travel as binary comm buffers (no base64, no HTML for
        # the page to sanitise and lay out again); an unchanged value is not sent again.
        self._image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self._caption = widgets.HTML()
        self._sound = widgets.Audio(format="wav", autoplay=False, loop=False, controls=True)
        self._media = widgets.VBox([self._image])
        self._showing_media = False
        heading = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.widget = widgets.VBox([*heading, *self.widgets.values(), self._output])
        for control in self.widgets.values():
            control.observe(self._on_change, names="value")
        self.update()

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by keyword."""
        return {name: control.value for name, control in self.widgets.items()}

    def describe(self) -> str:
        """The current settings as text, with units, e.g. "Cutoff = 300 Hz, Speed = 0.8 x"."""
        return ", ".join(
            self.controls[name].text(value) for name, value in self.values.items()
        )

    @contextmanager
    def _hold(self):
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def set(self, **values: Any) -> None:
        """Move several controls at once, then redraw once; raises if rendering fails."""
        unknown = set(values) - set(self.widgets)
        if unknown:
            raise KeyError(f"no control named {sorted(unknown)}; controls: {sorted(self.widgets)}")
        with self._hold():
            for name, value in values.items():
                self.widgets[name].value = value
        self.update()
        if self.last_error is not None:
            raise self.last_error

    def _on_change(self, _change: dict) -> None:
        if not self._holding:
            self.update()

    def update(self) -> None:
        """Re-run ``render`` with the current values and replace the shown figure and audio."""
        try:
            with _torch_threads(self.torch_threads):
                returned = self.render(**self.values)
            if not isinstance(returned, tuple) or len(returned) not in (2, 3):
                raise TypeError(
                    "render must return (figure, audio) or (figure, audio, extras), got "
                    f"{type(returned).__name__}"
                )
        except Exception as error:  # shown in the output area, raised again by set()
            self.last_error = error
            self._showing_media = False
            self._output.outputs = (
                {
                    "output_type": "stream",
                    "name": "stderr",
                    "text": f"Could not render {self.describe()}: "
                    f"{type(error).__name__}: {error}\n",
                },
            )
            return
        self.last_error = None
        figure, audio = returned[:2]
        self.result = returned[2] if len(returned) == 3 else None
        if figure is not self._figure:
            if self._figure is not None:
                plt.close(self._figure)
            self._figure = figure
        # one copy of the pixels serves the live PNG now and the stored one later
        self._pixels = drawn_pixels(figure)
        self.figure_png = encode_png(self._pixels, level=1)
        self._stored_png = None  # made when a static view is asked for
        self.audio = audio
        self.updates += 1
        self._show_media()

    def _show_media(self) -> None:
        """Put the new figure and sound into their widgets (shown again after an error)."""
        self._image.value = self.figure_png
        children = (self._image,)
        if self.audio is not None:
            self._caption.value = (
                f'<div style="font-size:0.9em">{html.escape(self.audio.caption())}</div>'
            )
            self._sound.value = self.audio.wav_bytes()
            children = (self._image, self._caption, self._sound)
        if self._media.children != children:
            self._media.children = children
        if not self._showing_media:
            view = {"version_major": 2, "version_minor": 0, "model_id": self._media.model_id}
            self._output.outputs = (
                {
                    "output_type": "display_data",
                    "data": {
                        "application/vnd.jupyter.widget-view+json": view,
                        "text/plain": "<the explorer's figure and sound>",
                    },
                    "metadata": {},
                },
            )
            self._showing_media = True

    def static_html(self) -> str:
        """The current figure and audio as plain HTML, for readers without a kernel.

        The figure is the one shown live, compressed harder (as a palette image when
        that is visually lossless, :func:`helpers.display.png.stored_png`): it is stored
        in the notebook, while the live one is made quickly for a slider.
        """
        if self._stored_png is None:
            self._stored_png = (
                stored_png(self._pixels) if self.updates else b""
            )
        image = base64.b64encode(self._stored_png).decode("ascii")
        audio = self.audio._repr_html_() if self.audio is not None else ""
        heading = f"<p><b>{html.escape(self.title)}</b></p>" if self.title else ""
        return (
            f'<div class="course-explorer-static">{heading}'
            f"<p><i>Static view ({html.escape(self.describe())}); run the notebook to "
            "move the sliders.</i></p>"
            f'<img alt="{html.escape(self.describe())}" src="data:image/png;base64,{image}"/>'
            f"{audio}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/html"] = self.static_html()
        bundle["text/plain"] = f"Explorer({self.describe()})"
        return bundle
