"""The display layer: how the course shows figures and sound, and keeps notebooks fast.

Lessons use it only through the names :mod:`helpers` re-exports (``new_figure``,
``redraw``, ``Explorer``, ``Slider``, ``Choice``, ``play``, ``AudioPlayer``); the rest is
machinery a learner need not read:

==================================  ======================================================
``helpers.display.figures``         the figure factory (``new_figure``) and ``redraw``
``helpers.display.explorer``        sliders and drop-downs around a render function
``helpers.display.player``          the audio player (``play``)
``helpers.display.blit``            an explorer's redraw: only what changed, onto caches
``helpers.display.png``             the stored PNG (Pillow, palette) and the live one
``helpers.display.formatter``       the IPython formatter: a figure ending a cell as PNG
``helpers.display.state``           per-figure records, kept outside matplotlib's objects
``helpers.display.matplotlib_private``  every read of a matplotlib private, in one place
==================================  ======================================================

Importing it inside IPython registers the PNG formatter for figures.
"""

from .explorer import Choice, Explorer, Slider
from .figures import DPI, FULL_WIDTH, HALF_WIDTH, ROW_HEIGHT, new_figure, redraw
from .formatter import show_figures_as_png
from .player import AudioPlayer, play

__all__ = [
    "DPI",
    "FULL_WIDTH",
    "HALF_WIDTH",
    "ROW_HEIGHT",
    "AudioPlayer",
    "Choice",
    "Explorer",
    "Slider",
    "new_figure",
    "play",
    "redraw",
    "show_figures_as_png",
]

show_figures_as_png()
