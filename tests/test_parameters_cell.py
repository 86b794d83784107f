"""Every notebook takes its speech from one cell tagged ``parameters`` (CONTRIBUTING.md,
"Notebook shape"), so that it runs with another recording: the browser tests inject
``SPEECH = "arctic"`` right after that cell and run the notebook (tests/e2e)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from editions import all_notebooks

#: Loading the bundled speech by its name instead of through ``SPEECH``.
SPEECH_BY_NAME = re.compile(r"""(?:load_audio|asset_path)\(\s*["']speech["']""")


def _fix(path: Path) -> str:
    return (
        f"{path.name}: the first code cell after the imports must be tagged 'parameters' "
        '(cell metadata "tags") and set SPEECH = "speech"; load the speech with '
        'helpers.load_audio(SPEECH, channels="mix", sample_rate=16000)'
    )


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda path: path.name)
def test_parameters_cell_sets_the_speech(path):
    code = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    tagged = [n for n, cell in enumerate(code) if "parameters" in cell.metadata.get("tags", [])]
    assert tagged == [1], f"{_fix(path)} (code cells tagged now: {tagged})"
    assigned = {
        target.id: node.value.value
        for node in ast.parse(code[1].source).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert isinstance(assigned.get("SPEECH"), str), _fix(path)
    by_name = [cell.source.splitlines()[0] for cell in code if SPEECH_BY_NAME.search(cell.source)]
    assert not by_name, f"{path.name} loads the speech by name, not from SPEECH: {by_name}"
