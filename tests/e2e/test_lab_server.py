"""The browser tests' notebook copies (no browser needed)."""

from __future__ import annotations

import json
from pathlib import Path

from labdriver.lab_server import copy_without_outputs

ROOT = Path(__file__).resolve().parents[2]


def test_copies_keep_every_cell_and_drop_every_output(tmp_path):
    original = ROOT / "notebooks" / "01_audio_effects.ipynb"
    before = original.read_bytes()
    copy_without_outputs([original], tmp_path / "copies")
    assert original.read_bytes() == before  # the committed notebook is left alone
    stored = json.loads(original.read_text(encoding="utf-8"))
    copied = json.loads((tmp_path / "copies" / original.name).read_text(encoding="utf-8"))
    assert any(cell.get("outputs") for cell in stored["cells"])  # the copy has work to do
    assert [(cell["cell_type"], cell["source"], cell.get("id")) for cell in copied["cells"]] == [
        (cell["cell_type"], cell["source"], cell.get("id")) for cell in stored["cells"]
    ]
    code = [cell for cell in copied["cells"] if cell["cell_type"] == "code"]
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    assert "widgets" not in copied["metadata"]
    assert copied["metadata"]["kernelspec"] == stored["metadata"]["kernelspec"]
