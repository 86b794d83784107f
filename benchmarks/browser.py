"""What a reader feels: every explorer driven in JupyterLab in Chromium, as the browser tests do.

:func:`run` starts its own JupyterLab (on a temporary copy of the chosen notebooks, outputs
cleared) and Debian's Chromium through Playwright, opens each notebook, runs it, and times
arrow-key presses and drag releases on each explorer's first slider (its first drop-down
when it has no slider), from the input event to the new figure decoded and the new audio source
in place, with the clock of the page (``labdriver/explorer_timer.py``, :class:`ExplorerTimer`).
:func:`notebook_sizes` reads what the committed notebooks weigh and what in them does.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class NotebookTimings:
    name: str
    explorers: list = field(default_factory=list)  # explorer_timer.ExplorerTimings
    error: str = ""


def run(paths: list[Path], presses: int = 20, drags: int = 5) -> list[NotebookTimings]:
    """Open, run and time every explorer of each notebook in ``paths``, in one JupyterLab."""
    from labdriver.lab_server import (
        CHROMIUM_FLAGS,
        VIEWPORT,
        LabServer,
        chromium_path,
        copy_without_outputs,
    )

    chromium = chromium_path()
    if chromium is None:
        raise RuntimeError(
            "Chromium was not found (apt-get install chromium, or set COURSE_CHROMIUM)"
        )
    from playwright.sync_api import sync_playwright

    from labdriver.explorer_timer import ExplorerTimer
    from labdriver.lab_page import LabPage, NotebookPage

    results = []
    with tempfile.TemporaryDirectory(prefix="course-browser-") as folder:
        root = Path(folder) / "root"
        copy_without_outputs(paths, root / "notebooks")
        server = LabServer(root, Path(folder) / "state")
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, headless=True, args=CHROMIUM_FLAGS,
                    timeout=120_000,
                )
                try:
                    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
                    page = context.new_page()
                    page.set_default_timeout(60_000)
                    lab = LabPage(page, server.url, server.token)
                    lab.load()
                    for path in paths:
                        print(f"  timing {path.name} in the browser ...", file=sys.stderr,
                              flush=True)
                        result = NotebookTimings(path.name)
                        notebook = NotebookPage(lab, path, "notebooks")
                        try:
                            notebook.open()
                            notebook.run_all()
                            result.explorers = ExplorerTimer(notebook).time_all(presses, drags)
                        except Exception as error:  # reported in the table
                            result.error = f"{type(error).__name__}: {str(error)[:160]}"
                        finally:
                            try:
                                notebook.close()
                            except Exception:
                                server.shutdown_kernels()
                                lab.load()
                        results.append(result)
                finally:
                    browser.close()
        finally:
            server.stop()
    return results


@dataclass
class NotebookSize:
    name: str
    total_bytes: int
    audio_bytes: int  # embedded players, as stored (base64)
    image_bytes: int  # PNG figures, as stored (base64)
    players: int
    figures: int


_EMBEDDED = re.compile(r"data:(audio/[a-z0-9.+-]+|image/png);base64,([A-Za-z0-9+/=]+)")


def notebook_sizes(paths: list[Path]) -> list[NotebookSize]:
    """Each notebook's file size, and how much of it embedded players and figures take."""
    sizes = []
    for path in paths:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        audio = image = players = figures = 0
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                for mime, value in output.get("data", {}).items():
                    text = "".join(value) if isinstance(value, list) else value
                    if not isinstance(text, str):
                        continue
                    if mime == "image/png":
                        image += len(text)
                        figures += 1
                    for match in _EMBEDDED.finditer(text):
                        if match.group(1) == "image/png":
                            image += len(match.group(2))
                            figures += 1
                        else:
                            audio += len(match.group(2))
                            players += 1
        sizes.append(
            NotebookSize(path.name, path.stat().st_size, audio, image, players, figures)
        )
    return sizes

