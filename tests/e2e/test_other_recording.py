"""The copies the browser tests open get ``SPEECH = "arctic"`` right after their parameters
cell (``other_recording.py``); a notebook without one is named with the fix."""

from __future__ import annotations

import json

import nbformat
from other_recording import (
    INJECTED_SOURCE,
    copy_course_with_other_recording,
    injected_code_index,
    missing_parameters_cell,
)


def _notebook(path, tagged: bool) -> None:
    cells = [
        nbformat.v4.new_markdown_cell("# 99 · Test"),
        nbformat.v4.new_code_cell("import helpers"),
        nbformat.v4.new_code_cell(
            'SPEECH = "speech"', metadata={"tags": ["parameters"]} if tagged else {}
        ),
        nbformat.v4.new_code_cell("print(SPEECH)", outputs=[nbformat.v4.new_output("stream")]),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


def test_copies_get_the_other_recording_after_their_parameters_cell(tmp_path):
    source = tmp_path / "notebooks"
    _notebook(source / "99_test.ipynb", tagged=True)
    _notebook(source / "deeper" / "99a_more.ipynb", tagged=True)
    _notebook(source / "98_untagged.ipynb", tagged=False)
    copies = tmp_path / "copies"
    injected = copy_course_with_other_recording(source, copies)
    assert injected == {"98_untagged.ipynb": False, "99_test.ipynb": True, "99a_more.ipynb": True}
    for copy in (copies / "99_test.ipynb", copies / "deeper" / "99a_more.ipynb"):
        notebook = nbformat.read(copy, as_version=4)  # still a valid notebook
        nbformat.validate(notebook)
        sources = [cell.source for cell in notebook.cells]
        assert sources[2:4] == ['SPEECH = "speech"', INJECTED_SOURCE]
        assert all(not cell.get("outputs") for cell in notebook.cells)
    assert injected_code_index(source / "99_test.ipynb") == 2
    assert injected_code_index(source / "98_untagged.ipynb") is None
    untagged = json.loads((copies / "98_untagged.ipynb").read_text(encoding="utf-8"))
    assert len(untagged["cells"]) == 4
    fix = missing_parameters_cell(source / "98_untagged.ipynb")
    assert "98_untagged.ipynb has no code cell tagged 'parameters'" in fix and "SPEECH" in fix
