"""Every ``Examples`` section in ``helpers`` runs as written (doctest)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import helpers

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(helpers.__path__, "helpers.")
    if not info.ispkg or info.name == "helpers.display"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={}):
        runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed"
    matplotlib.pyplot.close("all")


def test_learner_facing_helpers_have_examples():
    for function in (helpers.new_figure, helpers.play, helpers.rms_dbfs, helpers.plot_waveform,
                     helpers.noise.add_noise_at_snr, helpers.noise.snr_db,
                     helpers.room.direct_path_index, helpers.decay.estimate_rt60):
        assert "Examples\n" in function.__doc__, function.__qualname__
