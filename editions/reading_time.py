"""How long a notebook takes to read: the course's one measure of a notebook's length.

A reader reads prose at about 120 words a minute (technical text, read to be understood),
code at about 8 non-empty lines a minute, looks at each figure for half a minute and
listens to each audio player for ten seconds:

    minutes = prose words / 120 + non-empty code lines / 8
              + 0.5 per figure + 1/6 per audio player

Prose words are the words of the markdown cells with HTML tags stripped; a figure is an
output holding an ``image/png``; an audio player is each ``<audio`` in an output's
``text/html`` (an explorer's static view counts its players). Outputs are counted as the
notebook was last run and saved. Each notebook states this time, rounded to the nearest
5 minutes, in its ``**Time:** about N minutes.`` line, and the README's course map and
"Going deeper" table show the same number (``tests/test_reading_time.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

WORDS_PER_MINUTE = 120
CODE_LINES_PER_MINUTE = 8
MINUTES_PER_FIGURE = 0.5
MINUTES_PER_PLAYER = 1 / 6

_TAG = re.compile(r"<[^>]*>")
_AUDIO = re.compile(r"<audio\b", re.I)

#: A notebook's own statement of its time, in its first markdown cell.
STATED_TIME = re.compile(r"\*\*Time:\*\*\s*about\s+(?P<minutes>\d+)\s+minutes\.")


@dataclass(frozen=True)
class ReadingTime:
    """The parts of a notebook's reading time, as counted from the saved notebook."""

    words: int  # prose words in markdown cells, HTML tags stripped
    code_lines: int  # non-empty lines of code cells
    figures: int  # outputs with an image/png
    players: int  # "<audio" in the outputs' text/html

    @property
    def minutes(self) -> float:
        return (
            self.words / WORDS_PER_MINUTE
            + self.code_lines / CODE_LINES_PER_MINUTE
            + self.figures * MINUTES_PER_FIGURE
            + self.players * MINUTES_PER_PLAYER
        )

    @property
    def stated(self) -> int:
        """The minutes a notebook or the README states: the measure to the nearest 5."""
        return rounded_to_five(self.minutes)


def rounded_to_five(minutes: float) -> int:
    """``minutes`` to the nearest multiple of 5 (halves round up: 92.5 -> 95)."""
    return 5 * int(minutes / 5 + 0.5)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def reading_time(path: str | Path) -> ReadingTime:
    """Count the words, code lines, figures and players of the notebook at ``path``."""
    notebook = nbformat.read(Path(path), as_version=4)
    words = code_lines = figures = players = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            words += len(_TAG.sub(" ", cell.source).split())
        elif cell.cell_type == "code":
            code_lines += sum(1 for line in cell.source.splitlines() if line.strip())
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                figures += "image/png" in data
                players += len(_AUDIO.findall(_text(data.get("text/html", ""))))
    return ReadingTime(words, code_lines, figures, players)


def reading_minutes(path: str | Path) -> float:
    """Minutes a reader needs for the notebook at ``path`` (module docstring: the formula).

    Examples
    --------
    >>> round(reading_minutes("notebooks/02_noise_and_reverb.ipynb"))  # doctest: +SKIP
    175
    """
    return reading_time(path).minutes


def stated_minutes(path: str | Path) -> int | None:
    """The N of the notebook's ``**Time:** about N minutes.`` line, or ``None`` without one."""
    notebook = nbformat.read(Path(path), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = STATED_TIME.search(cell.source)
            return int(match["minutes"]) if match else None
    return None
