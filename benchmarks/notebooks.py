"""Notebook execution times, explorer latencies and the whole test command's time."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ExplorerResult:
    notebook: str
    name: str
    title: str
    latencies: list[float]
    failures: list[str]
    audio_s: float | None


@dataclass
class NotebookResult:
    name: str
    kernel_start_s: float
    execution_s: float
    cells: int
    error: str = ""
    explorers: list[ExplorerResult] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return self.kernel_start_s + self.execution_s


def notebook_paths(selected: list[str] | None = None) -> list[Path]:
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if selected:
        paths = [path for path in paths if any(key in path.name for key in selected)]
    return paths


def _probe_source(updates: int, seed: int) -> str:
    return (
        "import sys as _bench_sys\n"
        f"_bench_sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks import probe as _bench_probe\n"
        f"print(_bench_probe.MARK + _bench_probe.measure_explorers({updates}, {seed}))\n"
    )


def _current_environment_kernel_specs():
    """Kernel specs that always start this interpreter's ipykernel, as nbval's
    ``--nbval-current-env`` does (a user-wide "python3" kernel could be another Python)."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager

    class CurrentEnvironment(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES,
                **ipykernel.kernelspec.get_kernel_dict(),
            )

    return CurrentEnvironment()


def run_notebook(
    path: Path, *, explorer_updates: int = 30, seed: int = 0, timeout: int = 600
) -> NotebookResult:
    """Execute a temporary copy of ``path`` with nbclient, top to bottom, then (with
    ``explorer_updates > 0``) time its explorers in the same kernel."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    with tempfile.TemporaryDirectory(prefix="course-benchmark-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        notebook = nbformat.read(copy, as_version=4)
        cells = len([cell for cell in notebook.cells if cell.cell_type == "code"])
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": folder}},
        )
        client.km = client.kernel_manager_class(
            kernel_name="python3", kernel_spec_manager=_current_environment_kernel_specs()
        )
        client.reset_execution_trackers()
        result = NotebookResult(path.name, float("nan"), float("nan"), cells)
        start = time.perf_counter()
        # The kernel's own log lines (e.g. about its transport) would interleave with the table.
        with client.setup_kernel(stderr=subprocess.DEVNULL):
            ready = time.perf_counter()
            result.kernel_start_s = ready - start
            try:
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            except CellExecutionError as error:
                result.error = str(error).strip().splitlines()[-1][:200]
                result.execution_s = time.perf_counter() - ready
                return result
            result.execution_s = time.perf_counter() - ready
            if explorer_updates > 0:
                probe = nbformat.v4.new_code_cell(_probe_source(explorer_updates, seed))
                notebook.cells.append(probe)
                client.execute_cell(probe, len(notebook.cells) - 1)
                text = "".join(
                    output.get("text", "") for output in probe.outputs
                    if output.get("output_type") == "stream"
                )
                for line in text.splitlines():
                    if line.startswith("BENCHMARK-EXPLORERS "):
                        for item in json.loads(line.split(" ", 1)[1]):
                            result.explorers.append(ExplorerResult(path.name, **item))
    return result


def load_course_module():
    """``course.py`` from the repository root (it defines the test command)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class TestCommandResult:
    seconds: float
    lint_s: float
    returncode: int
    summary: str


def run_test_command(timeout: int = 3600) -> TestCommandResult:
    """``python3 course.py test`` without its set-up step: ruff, then pytest, timed together."""
    course = load_course_module()
    lint, tests = course.test_commands(sys.executable)
    start = time.perf_counter()
    lint_run = subprocess.run(lint, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    lint_s = time.perf_counter() - start
    if lint_run.returncode:
        return TestCommandResult(lint_s, lint_s, lint_run.returncode, "ruff found problems")
    test_run = subprocess.run(tests, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    lines = [line for line in test_run.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else ""
    summary = re.sub(r"\s+in [\d.]+s.*$", "", summary)
    return TestCommandResult(seconds, lint_s, test_run.returncode, summary)
