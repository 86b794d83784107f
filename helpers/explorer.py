"""Slider explorers built from a pure function ``parameters -> (figure, audio)``.

The render function knows nothing about widgets, so it can be unit-tested and
benchmarked without a browser. :class:`Explorer` wraps it:

* in JupyterLab with a running kernel, the cell shows labelled sliders and an
  output area; moving a slider calls the function again and replaces the figure
  and the audio player in one update (nothing is printed from the callback, so
  nothing leaks into the cell's own output);
* the same cell output also carries a static HTML view of the default state (the
  figure as PNG and the audio player), which is what GitHub or nbviewer show
  without a kernel and what nbval compares.
"""

from __future__ import annotations

import base64
import html
import io
import math
import weakref
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .display import FIGURE_WIDTH, AudioPlayer

__all__ = ["Choice", "Explorer", "Slider", "new_figure"]

#: Resolution of the explorer's figures, in dots per inch.
EXPLORER_DPI = 80


@dataclass(frozen=True)
class Slider:
    """A numeric control: ``name`` is the render function's keyword.

    ``label`` and ``unit`` make the slider's description, e.g. "Cutoff (Hz)".
    With ``log=True`` the slider moves in equal ratios (``min``/``max`` are
    values, not exponents).
    """

    name: str
    label: str
    unit: str
    min: float
    max: float
    value: float
    step: float | None = None
    log: bool = False
    readout_format: str = ".3g"

    def description(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def text(self, value: float) -> str:
        return f"{self.label} = {format(value, self.readout_format)} {self.unit}".rstrip()

    def make_widget(self) -> widgets.Widget:
        common = dict(
            value=self.value,
            description=self.description(),
            continuous_update=False,
            readout_format=self.readout_format,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        if self.log:
            return widgets.FloatLogSlider(
                base=10,
                min=math.log10(self.min),
                max=math.log10(self.max),
                step=self.step or 0.01,
                **common,
            )
        step = self.step or (self.max - self.min) / 100
        return widgets.FloatSlider(min=self.min, max=self.max, step=step, **common)


@dataclass(frozen=True)
class Choice:
    """A drop-down control: ``options`` maps shown text to the value passed on."""

    name: str
    label: str
    options: dict[str, Any]
    value: Any

    def description(self) -> str:
        return self.label

    def text(self, value: Any) -> str:
        shown = next((key for key, item in self.options.items() if item == value), value)
        return f"{self.label} = {shown}"

    def make_widget(self) -> widgets.Widget:
        return widgets.Dropdown(
            options=list(self.options.items()),
            value=self.value,
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


def new_figure(
    rows: int = 1, columns: int = 1, *, height: float = 3.0, **kwargs
) -> tuple[Figure, Any]:
    """A figure for a render function: not registered with pyplot, so it never shows twice.

    Returns ``(figure, axes)`` like ``plt.subplots``, with ``squeeze`` applied.
    """
    figure = Figure(figsize=(FIGURE_WIDTH, height), dpi=EXPLORER_DPI, layout="constrained")
    axes = figure.subplots(rows, columns, **kwargs)
    return figure, axes


def _figure_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # The same pixels as the default compression (level 6), encoded in about half the
    # time for a file about 10 % larger: a slider update waits for this.
    figure.savefig(buffer, format="png", dpi=EXPLORER_DPI, pil_kwargs={"compress_level": 1})
    plt.close(figure)
    return buffer.getvalue()


class Explorer:
    """Sliders and drop-downs that re-run ``render`` and show its figure and audio.

    Parameters
    ----------
    render : ``render(**values) -> (Figure, AudioPlayer | None)``; use :func:`new_figure`
        for the figure and :func:`helpers.play` for the audio.
    controls : the :class:`Slider` and :class:`Choice` objects, one per keyword.
    title : shown above the controls.

    A later cell can drive it from code, e.g. ``explorer.set(cutoff_hz=1000)``,
    and check :attr:`values`, :attr:`audio` and :attr:`updates`.
    """

    #: Every live explorer, so a benchmark can find and time them all.
    instances: ClassVar[weakref.WeakSet[Explorer]] = weakref.WeakSet()

    def __init__(
        self,
        render: Callable[..., tuple[Figure, AudioPlayer | None]],
        controls: Sequence[Control],
        *,
        title: str = "",
    ) -> None:
        names = [control.name for control in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be unique, got {names}")
        self.render = render
        self.title = title
        self.controls = {control.name: control for control in controls}
        self.widgets = {control.name: control.make_widget() for control in controls}
        _align(self.controls.values(), self.widgets.values())
        self.updates = 0
        self.figure_png = b""
        self.audio: AudioPlayer | None = None
        self.last_error: Exception | None = None
        self._holding = False
        self._output = widgets.Output()
        heading = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.widget = widgets.VBox([*heading, *self.widgets.values(), self._output])
        for control in self.widgets.values():
            control.observe(self._on_change, names="value")
        self.update()
        Explorer.instances.add(self)

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
            figure, audio = self.render(**self.values)
        except Exception as error:  # shown in the output area, raised again by set()
            self.last_error = error
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
        self.figure_png = _figure_png(figure)
        self.audio = audio
        self.updates += 1
        self._output.outputs = tuple(self._output_items())

    def _output_items(self) -> list[dict]:
        items = [
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(self.figure_png).decode("ascii"),
                    "text/plain": f"<Figure: {self.describe()}>",
                },
                "metadata": {},
            }
        ]
        if self.audio is not None:
            items.append(
                {
                    "output_type": "display_data",
                    "data": {"text/html": self.audio._repr_html_(), "text/plain": repr(self.audio)},
                    "metadata": {},
                }
            )
        return items

    def static_html(self) -> str:
        """The current figure and audio as plain HTML, for readers without a kernel."""
        image = base64.b64encode(self.figure_png).decode("ascii")
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
