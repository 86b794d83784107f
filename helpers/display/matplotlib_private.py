"""Every read of a matplotlib private attribute by the course, in one place.

The blitting engine (:mod:`helpers.display.blit`) must know which artists a full draw
of an axes draws and what a tick formatter shows; matplotlib has no public way to ask
for three of them. Checked on matplotlib 3.11.2 (the version pinned on this machine);
``tests/test_display_layers.py`` fails loudly when a later matplotlib changes them.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

__all__ = ["AxesParts", "axes_parts", "max_n_settings", "tick_label_call"]

#: The matplotlib version the reads below were checked on.
CHECKED_ON = "3.11.2"


class AxesParts(NamedTuple):
    """The artists of an axes that matplotlib keeps in private attributes."""

    titles: tuple[Text, Text, Text]  # centre, left, right
    axis_artists: tuple[Axis, ...]  # what Axes.draw leaves out when the axis is off


def axes_parts(axis: Axes) -> AxesParts:
    """The title texts and the axis artists of ``axis`` (matplotlib 3.11.2:
    ``Axes._left_title``, ``Axes._right_title``, ``Axes._axis_map``)."""
    return AxesParts(
        (axis.title, axis._left_title, axis._right_title), tuple(axis._axis_map.values())
    )


def tick_label_call(formatter: Any) -> partial | None:
    """The ``functools.partial`` holding a ``set_ticks(ticks, labels=...)`` call's labels,
    which matplotlib 3.11.2 wraps in a :class:`~matplotlib.ticker.FuncFormatter`;
    ``None`` for any other formatter."""
    if isinstance(formatter, FuncFormatter) and isinstance(formatter.func, partial):
        return formatter.func
    return None


def max_n_settings(locator: MaxNLocator) -> str:
    """A :class:`~matplotlib.ticker.MaxNLocator`'s settings as text (its private
    attributes ``_nbins``, ``_steps``... in matplotlib 3.11.2, less the axis)."""
    settings = {key: value for key, value in vars(locator).items() if key != "axis"}
    return repr(sorted(settings.items()))
