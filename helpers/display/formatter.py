"""The IPython formatter that shows a figure ending a cell as the PNG of the whole figure.

:mod:`helpers.display` registers it when the package is imported inside IPython.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from .png import figure_png

__all__ = ["show_figures_as_png"]


def show_figures_as_png(shell: Any = None) -> bool:
    """Make IPython show a figure that ends a cell as a PNG of the whole figure.

    The inline backend would do it only once pyplot has made a figure, and it crops
    each PNG to its content, so widths would differ from figure to figure.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell or None
        The shell to configure; the running one by default.

    Returns
    -------
    bool
        True when a shell was configured, False outside IPython.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True
