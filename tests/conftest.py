"""Settings for every test run: the unit tests, nbval's notebook runs and the browser tests."""

import os
import signal

import matplotlib
import pytest

# Unit tests draw off-screen; notebook kernels use their own inline backend.
matplotlib.use("Agg")

# Prove that everything the tests and notebooks use is on disk: no downloads.
# Set before nbval starts its kernels, which inherit this environment.
os.environ["AUDIO_COURSE_OFFLINE"] = "1"

# Two test processes, each with a kernel, share the cores (pyproject.toml). torch's OpenMP
# threads spin for a while after each parallel step, waiting for more work, and that takes
# the CPU the other kernel (or Chromium) needs; sleeping instead changes no result. Set
# before torch is imported here or in a kernel.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest first: the browser tests (one notebook per test class), then the notebooks
    under nbval, then the unit tests. The two workers (pyproject.toml) take the next group
    (a test class, a notebook, a module) as they become free, so the short unit tests
    fill the end of the run instead of a long notebook holding it up."""

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("browser") is not None:
            return 0
        return 1 if item.path.suffix == ".ipynb" else 2

    items.sort(key=rank)


def _interrupt(signum: int, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    """A SIGTERM (e.g. a CI time-out) interrupts a test process as Ctrl+C does, so its
    clean-up runs (tests/e2e stops JupyterLab, its kernels and Chromium) and the process
    that started the workers stops them and reports what ran."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    config.add_cleanup(lambda: signal.signal(signal.SIGTERM, previous))


def pytest_terminal_summary(terminalreporter):
    """Print the explorer latencies the browser tests measured (tests/e2e), also from the
    xdist workers: this hook runs in the process that reports, which loads this conftest
    but not tests/e2e's."""
    lines = [
        line
        for report in terminalreporter.stats.get("passed", [])
        + terminalreporter.stats.get("failed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "explorer_latency"
        for line in value
    ]
    if lines:
        terminalreporter.section("explorer latency in the browser (key press or drag release)")
        for line in lines:
            terminalreporter.write_line(line)
