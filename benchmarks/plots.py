"""The waveform and spectrogram helpers on long audio: time and peak memory.

Each case runs in a fresh process (``python -m benchmarks.plots KIND SECONDS``),
so its peak resident memory (``ru_maxrss``) is its own. The process first draws
and saves a 1-second plot (fonts and caches load), makes the noise, and then
reads its baseline; the reported memory is the peak above that baseline, i.e.
what drawing and saving costs on top of the audio already in memory.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

SAMPLE_RATE = 16_000
DURATIONS = {"1 s": 1, "1 min": 60, "1 h": 3600}
KINDS = ("waveform", "spectrogram")


@dataclass
class PlotResult:
    kind: str
    duration: str
    seconds: float
    memory_mb: float
    repeats: int
    error: str = ""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _draw_and_save(kind: str, signal) -> None:
    import helpers

    plot = helpers.plot_waveform if kind == "waveform" else helpers.plot_spectrogram
    artist = plot(signal, SAMPLE_RATE)
    artist.figure.savefig(io.BytesIO(), format="png")  # the figure's dpi, like the inline backend


def measure_case(kind: str, seconds: int, repeats: int) -> dict:
    """In this process: time ``repeats`` draw-and-save runs of ``kind`` on noise."""
    import matplotlib

    matplotlib.use("Agg")
    import torch

    generator = torch.Generator().manual_seed(0)
    _draw_and_save(kind, 0.1 * torch.randn(1, SAMPLE_RATE, generator=generator))
    # Scaled in place: a temporary copy would raise the peak before the baseline is read.
    signal = torch.randn(1, seconds * SAMPLE_RATE, generator=generator).mul_(0.1)
    baseline = _peak_mb()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _draw_and_save(kind, signal)
        times.append(time.perf_counter() - start)
    return {"times": times, "memory_mb": _peak_mb() - baseline}


def run_case(kind: str, duration: str, repeats: int, timeout: int = 600) -> PlotResult:
    """Run one case in a fresh interpreter; the median of its repeats."""
    from numpy import median

    command = [sys.executable, "-m", "benchmarks.plots", kind, str(DURATIONS[duration]),
               str(repeats)]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return PlotResult(kind, duration, float("nan"), float("nan"), repeats, "time-out")
    if done.returncode:
        error = (done.stderr.strip().splitlines() or ["failed"])[-1][:120]
        return PlotResult(kind, duration, float("nan"), float("nan"), repeats, error)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return PlotResult(kind, duration, float(median(found["times"])), found["memory_mb"], repeats)


if __name__ == "__main__":
    kind, seconds, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if kind not in KINDS:
        raise SystemExit(f"kind must be one of {KINDS}")
    print(json.dumps(measure_case(kind, seconds, repeats)))
