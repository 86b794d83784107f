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
    """Run the browser tests first: they take longest, so with two workers (pyproject.toml)
    the other one runs everything else meanwhile instead of waiting for them at the end."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


def _interrupt(signum: int, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    """A SIGTERM (e.g. a CI time-out) interrupts a test process as Ctrl+C does, so its
    clean-up runs (tests/e2e stops JupyterLab, its kernels and Chromium) and the process
    that started the workers stops them and reports what ran."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    config.add_cleanup(lambda: signal.signal(signal.SIGTERM, previous))
