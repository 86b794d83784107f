"""Editions of the course built from ``notebooks/``: the student edition and the reading site.

``python3 course.py student`` and ``python3 course.py site`` call :func:`student.build`
and :func:`site.build` through ``python -m editions``.
"""

from pathlib import Path

#: The teacher's notebooks: the core notebooks, and the deep dives in ``deeper/``.
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DEEPER = "deeper"


def core_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The core notebooks (``notebooks/NN_name.ipynb``), in course order."""
    return sorted(folder.glob("*.ipynb"))


def deep_dives(folder: Path = NOTEBOOKS) -> list[Path]:
    """The deep dives (``notebooks/deeper/NNx_name.ipynb``), in course order."""
    return sorted((folder / DEEPER).glob("*.ipynb"))


def is_deep_dive(path: Path) -> bool:
    """Whether the notebook at ``path`` is a deep dive (it lies in a ``deeper/`` folder)."""
    return Path(path).parent.name == DEEPER


def all_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The core notebooks, then the deep dives."""
    return core_notebooks(folder) + deep_dives(folder)
