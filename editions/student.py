"""The student edition: the course's notebooks without the exercises' reference solutions.

Every code cell tagged ``solution`` (cell metadata ``"tags": ["solution"]``) is removed and
every output cleared, with nbconvert's own preprocessors. What stays of each exercise is
its stub (``raise NotImplementedError``) and the checker call after it, which answers
"not solved yet: ..." until the student replaces the stub with working code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor
from traitlets.config import Config

from editions import DEEPER, all_notebooks, is_deep_dive

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUTPUT = ROOT / "build" / "student"

#: The tag that marks a reference-solution cell (CONTRIBUTING.md, "Exercises").
SOLUTION_TAG = "solution"

#: Text that only a solution cell may contain: the reference solutions' names and the
#: function that prints them. The build refuses a student notebook that still has any.
SOLUTION_TEXT = re.compile(r"\bsolution_\w+|\bshow_solution\b")


def exporter() -> NotebookExporter:
    """An nbconvert exporter that drops ``solution`` cells and clears every output."""
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG}
    config.TagRemovePreprocessor.enabled = True
    config.ClearOutputPreprocessor.enabled = True
    config.NotebookExporter.preprocessors = [TagRemovePreprocessor, ClearOutputPreprocessor]
    return NotebookExporter(config=config)


def solution_mentions(notebook: nbformat.NotebookNode, cell_type: str) -> list[str]:
    """Cells of ``cell_type`` that name a reference solution: one line per cell, empty if none."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != cell_type:
            continue
        names = sorted(set(SOLUTION_TEXT.findall(cell.source)))
        if names:
            first_line = cell.source.strip().splitlines()[0][:70]
            found.append(f"cell {index} ({first_line!r}) names {', '.join(names)}")
    return found


def student_notebook(path: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """The student version of one notebook, checked for leftover solutions, and notes.

    Raises ``ValueError`` naming the code cells that still call a reference solution: a
    solution cell without the ``solution`` tag would otherwise reach the students. A
    markdown cell that only names one (say, to point at ``show_solution``) gets a note,
    since ``helpers.exercises`` still holds the solutions for a student who asks.
    """
    text, _ = exporter().from_filename(str(path))
    notebook = nbformat.reads(text, as_version=4)
    leaks = solution_mentions(notebook, "code")
    if leaks:
        raise ValueError(
            f"{path.name}: the student edition would still show a solution:\n  "
            + "\n  ".join(leaks)
            + f'\nTag each solution cell with "{SOLUTION_TAG}" (cell metadata "tags"), '
            "and call solutions only there (CONTRIBUTING.md, Exercises)."
        )
    notes = [f"{path.name}: markdown {found}" for found in solution_mentions(notebook, "markdown")]
    return notebook, notes


def build(
    notebooks: Iterable[Path] | None = None, output: Path = OUTPUT
) -> tuple[list[Path], list[str]]:
    """Write the student edition of ``notebooks`` (all of ``notebooks/``) into ``output``.

    The deep dives (``notebooks/deeper/``) go to ``output/deeper/``, so that the links
    between them and the core notebooks still work. Returns the notebooks written and the
    notes on markdown that names a solution. Nothing is written if any notebook fails its
    check.
    """
    paths = all_notebooks(NOTEBOOKS) if notebooks is None else list(notebooks)
    if not paths:
        raise ValueError(f"no notebooks to build from (looked in {NOTEBOOKS})")
    if any(path.resolve().parent == _target(path, output).parent.resolve() for path in paths):
        raise ValueError(
            f"{output} holds the teacher's notebooks: write the student edition elsewhere"
        )
    editions = {path: student_notebook(path) for path in paths}
    output.mkdir(parents=True, exist_ok=True)
    for stale in [*output.glob("*.ipynb"), *(output / DEEPER).glob("*.ipynb")]:
        stale.unlink()  # a notebook since renamed or removed
    written, notes = [], []
    for path, (notebook, notebook_notes) in editions.items():
        target = _target(path, output)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
        written.append(target)
        notes += notebook_notes
    return written, notes


def _target(path: Path, output: Path) -> Path:
    """Where the student edition of the notebook at ``path`` goes."""
    return output / DEEPER / path.name if is_deep_dive(path) else output / path.name
