"""Runs inside a notebook's kernel: time every live explorer's update.

:func:`measure_explorers` finds each :class:`helpers.Explorer` (in the notebook's
variables and cell results), drives it with ``explorer.set(**values)`` for varied,
seeded values drawn from each control's range, and returns the latencies as
JSON. ``set()`` renders the figure, encodes it to PNG and the audio to WAV, as
the notebook does when a reader moves a slider.
"""

from __future__ import annotations

import json
import math
import random
import time
from typing import Any

#: Marks the probe's JSON line in the cell's output.
MARK = "BENCHMARK-EXPLORERS "


def _snap(value: float, low: float, step: float | None) -> float:
    return low + round((value - low) / step) * step if step else value


def draw_values(controls: list[Any], updates: int, rng: random.Random) -> list[dict[str, Any]]:
    """``updates`` settings: uniform over each slider's range (log-uniform for log
    sliders, on the slider's step grid), every option of a choice equally often."""
    columns: dict[str, list[Any]] = {}
    for control in controls:
        if hasattr(control, "options"):
            options = list(control.options.values())
            column = [options[index % len(options)] for index in range(updates)]
            rng.shuffle(column)
        elif control.log:
            low, high = math.log10(control.minimum), math.log10(control.maximum)
            column = [
                min(
                    max(
                        10 ** _snap(rng.uniform(low, high), low, control.step or 0.01),
                        control.minimum,
                    ),
                    control.maximum,
                )
                for _ in range(updates)
            ]
        else:
            column = [
                min(
                    max(
                        _snap(
                            rng.uniform(control.minimum, control.maximum),
                            control.minimum,
                            control.step,
                        ),
                        control.minimum,
                    ),
                    control.maximum,
                )
                for _ in range(updates)
            ]
        columns[control.name] = column
    return [{name: column[index] for name, column in columns.items()} for index in range(updates)]


def _named_explorers() -> list[tuple[str, Any]]:
    """Each explorer the notebook holds in a variable, with its name, in definition order."""
    from IPython import get_ipython

    from helpers import Explorer

    shell = get_ipython()
    namespace = dict(shell.user_ns) if shell is not None else {}
    named, seen = [], set()
    for name, value in namespace.items():
        if isinstance(value, Explorer) and id(value) not in seen and not name.startswith("_"):
            named.append((name, value))
            seen.add(id(value))
    for value in dict(namespace.get("Out", {})).values():  # shown by a cell, not kept
        if isinstance(value, Explorer) and id(value) not in seen:
            named.append(("(unnamed)", value))
            seen.add(id(value))
    return named


def measure_explorers(updates: int = 30, seed: int = 0) -> str:
    """Time ``updates`` calls of ``set()`` on every live explorer; JSON list of results."""
    results = []
    for name, explorer in _named_explorers():
        rng = random.Random(f"{seed}-{name}")
        controls = list(explorer.controls.values())
        latencies, failures = [], []
        for values in draw_values(controls, updates, rng):
            start = time.perf_counter()
            try:
                explorer.set(**values)
            except Exception as error:  # a setting the render function refuses
                failures.append(f"{values}: {type(error).__name__}: {error}")
                continue
            latencies.append(time.perf_counter() - start)
        explorer.set(**{control.name: control.default for control in controls})
        audio = explorer.audio  # at the default settings
        results.append(
            {
                "name": name,
                "title": explorer.title,
                "latencies": latencies,
                "failures": failures,
                "audio_s": audio.duration_s if audio is not None else None,
            }
        )
    return json.dumps(results)
