"""Test settings shared by the unit tests and by nbval's notebook runs."""

import os

import matplotlib
import pytest

# Unit tests draw off-screen; notebook kernels use their own inline backend.
matplotlib.use("Agg")

# Prove that everything the tests and notebooks use is on disk: no downloads.
# Set before nbval starts its kernels, which inherit this environment.
os.environ["AUDIO_COURSE_OFFLINE"] = "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests first: they take longest, so with two workers (pyproject.toml)
    the other one runs everything else meanwhile instead of waiting for them at the end."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)
