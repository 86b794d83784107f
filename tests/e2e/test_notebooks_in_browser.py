"""Every notebook, opened, run and explored in JupyterLab in a real browser (Chromium).

For each notebook in ``notebooks/`` and ``notebooks/deeper/`` (a test class each, so that
the two pytest-xdist workers can share the notebooks out, each in a JupyterLab and a
Chromium of its own): run all cells from the menu, with the other recording
(``SPEECH = "arctic"``, ``other_recording.py``) injected after the parameters cell, and
check that nothing fails and that every figure and audio player of the saved notebook is
rendered; then move the first slider of its first explorer by dragging, with the
arrow keys and by typing into the readout, and check that the figure and the
sound are replaced and that the slider shows its new value and unit.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest
from other_recording import OTHER_SPEECH, injected_code_index, missing_parameters_cell

from labdriver.saved_outputs import saved_outputs

pytestmark = pytest.mark.browser

_FOLDER = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(_FOLDER.glob("*.ipynb")) + sorted((_FOLDER / "deeper").glob("*.ipynb"))

#: A figure narrower or lower than this (in CSS pixels) is too small to read.
MIN_FIGURE_WIDTH = 320
MIN_FIGURE_HEIGHT = 120
#: While redrawing, an explorer's output may shrink by at most this share of its height.
MAX_JUMP = 0.1
#: A slider's label names its unit or scale in parentheses, e.g. "Cut-off (Hz)".
UNIT_IN_LABEL = re.compile(r"\(\s*[^()\s][^()]*\)\s*$")


def _problems_in_cell(saved, shown) -> list[str]:
    where = saved.title()
    problems = []
    if not re.fullmatch(r"\[\d+\]:", shown["prompt"].strip()):
        problems.append(f"{where} did not run (prompt {shown['prompt']!r})")
    problems += [f"{where} shows an error: {text[:400]}" for text in shown["errors"]]
    if not saved.stderr:  # JupyterLab shows exceptions as stderr too
        problems += [f"{where} shows an error: {text[:600]}" for text in shown["stderr"]]
    problems += [f"{where}: widget not shown: {text}" for text in shown["widgetProblems"]]
    if shown["widgetViews"] < saved.widgets:
        problems.append(
            f"{where} shows {shown['widgetViews']} widget(s), the saved notebook {saved.widgets}"
        )
    if saved.widgets and shown["staticFallbacks"]:
        problems.append(f"{where} shows the static view instead of the live explorer")
    exact = not saved.widgets or saved.static_widget_views == saved.widgets
    for kind, count, expected in (
        ("figure", len(shown["images"]), saved.figures),
        ("audio player", len(shown["players"]), saved.players),
    ):
        if count < expected or (exact and count != expected):
            problems.append(f"{where} shows {count} {kind}(s), the saved notebook {expected}")
    for number, image in enumerate(shown["images"], 1):
        if not image["loaded"]:
            problems.append(f"{where}: figure {number} did not load")
        elif image["width"] < MIN_FIGURE_WIDTH or image["height"] < MIN_FIGURE_HEIGHT:
            problems.append(
                f"{where}: figure {number} is shown at {image['width']}×{image['height']} px, "
                f"too small to read (at least {MIN_FIGURE_WIDTH}×{MIN_FIGURE_HEIGHT})"
            )
    for number, player in enumerate(shown["players"], 1):
        # a stored player embeds its sound (data:), a live explorer's arrives as a blob
        if not player["src"].startswith(("data:audio/", "blob:")) or not player["controls"]:
            problems.append(f"{where}: audio player {number} has no sound or no controls: {player}")
    return problems


def run_all_renders_every_output(notebook, lab_server) -> None:
    """Run All from the menu, on the other recording: no errors, and every figure and player
    of the saved notebook shows."""
    injected = injected_code_index(notebook.path)
    assert injected is not None, missing_parameters_cell(notebook.path)
    notebook.run_all()
    saved = saved_outputs(notebook.path)
    shown = notebook.shown_cells()
    other = shown.pop(injected)  # SPEECH = "arctic": not in the saved notebook
    assert not other["errors"] and re.fullmatch(r"\[\d+\]:", other["prompt"].strip()), (
        f"{notebook.path.name}: the injected cell setting SPEECH = {OTHER_SPEECH!r} did not run: "
        f"{other}"
    )
    assert len(shown) == len(saved), (
        f"JupyterLab shows {len(shown)} code cells, the notebook has {len(saved)}"
    )
    problems = [
        f"the saved notebook has an error in {cell.title()}" for cell in saved if cell.errors
    ]
    for saved_cell, shown_cell in zip(saved, shown, strict=True):
        problems += _problems_in_cell(saved_cell, shown_cell)
    kernels = lab_server.kernel_command_lines()
    if not any(command[0] == sys.executable for command in kernels):
        problems.append(f"the kernel is not this environment's Python {sys.executable}: {kernels}")
    assert not problems, (
        f"{notebook.path.name} in JupyterLab, run with SPEECH = {OTHER_SPEECH!r}:\n  "
        + "\n  ".join(problems)
    )


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("\u2212", "-"))
    except ValueError:
        return None


def _check_slider(state: dict, what: str) -> list[str]:
    """The slider shows a number that matches its handle, and a unit in its label."""
    problems = []
    if not UNIT_IN_LABEL.search(state["label"]):
        problems.append(f"{what}: the label {state['label']!r} names no unit")
    shown = _number(state["readout"])
    if shown is None:
        problems.append(f"{what}: the readout {state['readout']!r} is not a number")
        return problems
    decimals = len(state["readout"].partition(".")[2]) if "." in state["readout"] else 0
    tolerance = 0.5 * 10.0**-decimals + 1e-9
    linear = abs(shown - state["now"]) <= tolerance
    logarithmic = abs(shown - 10 ** state["now"]) <= max(tolerance, 0.02 * abs(shown))
    if not (linear or logarithmic):
        problems.append(
            f"{what}: the readout shows {state['readout']!r}, the handle is at {state['now']}"
        )
    return problems


def _check_redraw(before: dict, after: dict, what: str) -> list[str]:
    problems = []
    if after["stderr"]:
        problems.append(f"{what}: the explorer shows an error: {after['stderr']}")
    if after["image"] is None or after["image"] == before["image"]:
        problems.append(f"{what}: the figure did not change")
    if before["audio"] is not None and after["audio"] in (None, before["audio"]):
        problems.append(f"{what}: the audio did not change")
    if after["now"] == before["now"]:
        problems.append(f"{what}: the handle did not move (still at {after['now']})")
    smallest = after["smallestHeight"]
    if smallest is not None and smallest < (1 - MAX_JUMP) * before["outputHeight"]:
        problems.append(
            f"{what}: the output jumped while redrawing (its height fell from "
            f"{before['outputHeight']:.0f} px to {smallest:.0f} px)"
        )
    return problems + _check_slider(after, what)


def explorer_follows_the_slider(notebook) -> None:
    """Drag, arrow keys and typed values redraw the figure and replace the sound."""
    notebook.run_all()
    explorers = notebook.explorers()
    assert explorers, f"{notebook.path.name} shows no explorer (sliders, output) after Run All"
    layout = [
        f"explorer {number}: slider {slider['label']!r} names no unit"
        for number, sliders in enumerate(explorers, 1)
        for slider in sliders
        if not UNIT_IN_LABEL.search(slider["label"])
    ]
    for number, sliders in enumerate(explorers, 1):
        lefts = [slider["left"] for slider in sliders]
        widths = [slider["width"] for slider in sliders]
        if max(lefts) - min(lefts) > 2 or max(widths) - min(widths) > 2:
            tracks = ", ".join(
                f"{slider['label']!r} at x={slider['left']:.0f} px, {slider['width']:.0f} px long"
                for slider in sliders
            )
            layout.append(f"explorer {number}: the slider tracks do not line up: {tracks}")
    assert not layout, "\n".join(layout)

    page, explorer, slider = notebook.page, 0, 0
    cells = notebook.code_cell_count()
    control = notebook.slider(explorer, slider)
    handle = control.locator(".noUi-handle[role=slider]")
    start = notebook.slider_state(explorer, slider)
    assert start["image"] and start["imageLoaded"], "the explorer shows no figure before any change"
    problems = _check_slider(start, "at the start")
    towards_max = start["now"] <= (start["min"] + start["max"]) / 2

    # 1. Drag the handle a third of the track towards the far end.
    notebook.watch_output_height(explorer)
    grip = notebook.settled_box(handle)
    track = control.locator(".noUi-target").bounding_box()
    x, y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + (1 if towards_max else -1) * track["width"] / 3, y, steps=8)
    page.mouse.up()
    dragged = notebook.wait_for_redraw(explorer, slider, start, "after dragging the handle")
    problems += _check_redraw(start, dragged, "after dragging the handle")
    if dragged["readout"] == start["readout"]:
        problems.append(f"after dragging: the readout still shows {start['readout']!r}")

    # 2. One arrow key press on the focused handle.
    notebook.watch_output_height(explorer)
    notebook.settled_box(handle)
    handle.focus()
    page.keyboard.press("ArrowRight" if towards_max else "ArrowLeft")
    stepped = notebook.wait_for_redraw(explorer, slider, dragged, "after an arrow key")
    problems += _check_redraw(dragged, stepped, "after an arrow key")
    if towards_max and not stepped["now"] > dragged["now"]:
        problems.append(f"ArrowRight moved the handle from {dragged['now']} to {stepped['now']}")
    if not towards_max and not stepped["now"] < dragged["now"]:
        problems.append(f"ArrowLeft moved the handle from {dragged['now']} to {stepped['now']}")

    # 3. Type the starting value into the readout.
    notebook.watch_output_height(explorer)
    readout = control.locator(".widget-readout")
    notebook.settled_box(readout)
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(start["readout"])
    page.keyboard.press("Enter")
    typed = notebook.wait_for_redraw(
        explorer, slider, stepped, f"after typing {start['readout']!r}"
    )
    problems += _check_redraw(stepped, typed, f"after typing {start['readout']!r}")
    if typed["readout"] != start["readout"] or not math.isclose(
        typed["now"], start["now"], rel_tol=1e-6, abs_tol=1e-9
    ):
        problems.append(
            f"after typing {start['readout']!r}: the readout shows {typed['readout']!r}, "
            f"the handle is at {typed['now']} (it started at {start['now']})"
        )
    if notebook.code_cell_count() != cells:
        problems.append("typing into the readout changed the notebook's cells")
    assert not problems, (
        f"{notebook.path.name}, explorer 1, slider {start['label']!r}:\n  " + "\n  ".join(problems)
    )


#: Arrow-key presses and drags timed per explorer here (the benchmark times more).
TIMED_PRESSES = 3
TIMED_DRAGS = 1


def explorer_latency(notebook, record_property) -> None:
    """Key press or drag release to new figure decoded and new sound in place, per explorer.

    Prints each explorer's p50 and p95 (the benchmark's ``browser`` section judges them
    against the target); fails only if an update does not arrive or shows an error.
    """
    from numpy import percentile

    from labdriver.explorer_timer import ExplorerTimer

    notebook.run_all()
    timings = ExplorerTimer(notebook).time_all(TIMED_PRESSES, TIMED_DRAGS)
    assert timings, f"{notebook.path.name} shows no explorer after Run All"
    lines, problems = [], []
    number = notebook.path.stem.split("_")[0]  # "04", or "04a" for a deep dive
    for timing in timings:
        name = f"{number} explorer {timing.index + 1} ({timing.title[:40]})"
        problems += [f"{name}: {error}" for error in timing.errors]
        if timing.updates:
            waits = [update.ms for update in timing.updates]
            lines.append(
                f"{name}: p50 {percentile(waits, 50):.0f} ms, p95 {percentile(waits, 95):.0f} ms "
                f"over {len(waits)} updates ({timing.control.strip()})"
            )
    record_property("explorer_latency", lines)
    print("\n".join(lines))
    assert not problems, "\n".join(problems)


def _without_explorer(path: Path) -> None:
    """Skip an explorer test for a deep dive without an explorer (a core notebook needs one)."""
    if path.parent.name == "deeper" and not any(cell.widgets for cell in saved_outputs(path)):
        pytest.skip(f"{path.name} is a deep dive without an explorer")


def _without_slider(path: Path) -> None:
    """Skip the slider test for a deep dive whose explorers have drop-downs only (a core
    notebook's first explorer needs a slider; the latency test times a drop-down instead)."""
    _without_explorer(path)
    if path.parent.name == "deeper" and "helpers.Slider(" not in path.read_text():
        pytest.skip(f"{path.name} is a deep dive whose explorers have no slider")


class NotebookInJupyterLab:
    """The browser tests of the notebook at ``path``: subclassed once per notebook below."""

    path: Path

    def test_run_all_renders_every_output(self, notebook, lab_server):
        run_all_renders_every_output(notebook, lab_server)

    def test_explorer_follows_the_slider(self, notebook):
        _without_slider(notebook.path)
        explorer_follows_the_slider(notebook)

    def test_explorer_latency(self, notebook, record_property):
        _without_explorer(notebook.path)
        explorer_latency(notebook, record_property)


for _path in NOTEBOOKS:
    _name = "Test" + "".join(part.title() for part in _path.stem.split("_"))  # Test01AudioEffects
    _name += "Deeper" if _path.parent.name == "deeper" else ""
    globals()[_name] = type(
        _name, (NotebookInJupyterLab,), {"path": _path, "__doc__": f"{_path.name} in JupyterLab."}
    )
