"""The other recording: the browser tests run every notebook with another speech recording.

Every notebook takes its speech from a code cell tagged ``parameters`` that sets ``SPEECH``
(CONTRIBUTING.md, "Notebook shape"). The copies JupyterLab opens get a new cell right after
it, ``SPEECH = "arctic"`` (tagged ``injected-parameters``, as papermill does), so "Run All"
runs each notebook on a clip none of its claims were written for, and fails on any error;
nbval runs the committed notebook on its own clip and compares the outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
OTHER_SPEECH = "arctic"
INJECTED_SOURCE = f'SPEECH = "{OTHER_SPEECH}"  # injected by the browser tests'


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def missing_parameters_cell(path: Path) -> str:
    """How to fix a notebook that has no ``parameters`` cell."""
    return (
        f"{path.name} has no code cell tagged {PARAMETERS_TAG!r}, so it cannot be run with "
        f'another recording: add one right after the imports that sets SPEECH = "speech", '
        f'load the speech with helpers.load_audio(SPEECH, channels="mix", sample_rate=16000), '
        f'and tag the cell {PARAMETERS_TAG!r} (cell metadata "tags"; CONTRIBUTING.md, '
        f"Notebook shape)"
    )


def parameters_code_index(notebook: dict) -> int | None:
    """The position of the ``parameters`` cell among the code cells, or ``None``."""
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for index, cell in enumerate(code_cells):
        if PARAMETERS_TAG in _tags(cell):
            return index
    return None


def injected_code_index(path: Path) -> int | None:
    """Where the injected cell lies among the code cells of the copy of the notebook at
    ``path`` (right after its ``parameters`` cell), or ``None`` without one."""
    index = parameters_code_index(json.loads(Path(path).read_text(encoding="utf-8")))
    return None if index is None else index + 1


def inject_other_recording(path: Path) -> bool:
    """Insert ``SPEECH = "arctic"`` after the ``parameters`` cell of the notebook file at
    ``path`` (a copy); ``False`` when it has no ``parameters`` cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    position = next(
        (number for number, cell in enumerate(cells) if PARAMETERS_TAG in _tags(cell)), None
    )
    if position is None or cells[position]["cell_type"] != "code":
        return False
    injected = {
        "cell_type": "code",
        "execution_count": None,
        "id": "injected-parameters",
        "metadata": {"tags": [INJECTED_TAG]},
        "outputs": [],
        "source": INJECTED_SOURCE,
    }
    cells.insert(position + 1, injected)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return True


def copy_course_with_other_recording(notebooks: Path, folder: Path) -> dict[str, bool]:
    """Copy the core notebooks and the deep dives (``deeper/``) of ``notebooks`` into
    ``folder`` without outputs, each with the other recording injected; return for each
    notebook's name whether it could be (``False``: it has no ``parameters`` cell)."""
    from labdriver.lab_server import copy_without_outputs

    injected = {}
    for paths, target in (
        (sorted(notebooks.glob("*.ipynb")), folder),
        (sorted((notebooks / "deeper").glob("*.ipynb")), folder / "deeper"),
    ):
        if not paths:
            continue
        copy_without_outputs(paths, target)
        for path in paths:
            injected[path.name] = inject_other_recording(target / path.name)
    return injected
