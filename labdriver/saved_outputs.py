"""What the saved notebook shows a reader, read from its ``.ipynb`` file: figures, audio
players and widgets per code cell, in the representation JupyterLab picks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# The order in which JupyterLab picks the representation it renders.
_RENDER_ORDER = (
    WIDGET_MIME,
    "application/javascript",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/latex",
    "text/plain",
)
_IMAGE_MIMES = {"image/svg+xml", "image/png", "image/jpeg", "image/gif"}


@dataclass
class SavedCell:
    """What one code cell of the saved notebook shows a reader."""

    index: int  # among the code cells, from 0
    source: str
    figures: int = 0
    players: int = 0
    widgets: int = 0
    static_widget_views: int = 0  # widget outputs that carry an HTML view of their own
    stderr: int = 0
    errors: list[str] = field(default_factory=list)

    def title(self) -> str:
        first = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return f"code cell {self.index + 1} ({first[:60]!r})"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def saved_outputs(path: Path) -> list[SavedCell]:
    """Figures, audio players and widgets of every code cell, as the saved notebook shows them."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = []
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for index, cell in enumerate(code_cells):
        saved = SavedCell(index, _text(cell.get("source", "")))
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                saved.errors.append(f"{output.get('ename')}: {output.get('evalue')}")
                continue
            if output["output_type"] == "stream":
                saved.stderr += output.get("name") == "stderr"
                continue
            data = output.get("data", {})
            shown = next((mime for mime in _RENDER_ORDER if mime in data), None)
            if shown in _IMAGE_MIMES:
                saved.figures += 1
            elif shown in ("text/html", WIDGET_MIME):
                page = _text(data.get("text/html", ""))
                saved.figures += len(re.findall(r"<img\b", page))
                saved.players += len(re.findall(r"<audio\b", page))
                if shown == WIDGET_MIME:
                    saved.widgets += 1
                    saved.static_widget_views += bool(page)
        cells.append(saved)
    return cells
