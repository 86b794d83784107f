"""The plot contract of helpers.plots, checked on every public plot function of helpers.

Every ``plot_*`` function listed in a helpers module's ``__all__`` must take its data
first (then the sample rate), everything else keyword-only, ``ax=None``, ``title=None``
and ``**kwargs`` for the matplotlib call that draws the data; return one Artist drawn
on the given axes; never call ``plt.show()``; leave ``rcParams`` as they were; and make
its own figure, when ``ax`` is None, with the course's one figure factory.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torchaudio.functional as AF
from matplotlib.artist import Artist

import helpers
from helpers import decay, effects, feature_plots, kernels, sweeps
from helpers.display import figures

RATE = 16000


def _public_plot_functions() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(helpers.__path__):
        module = importlib.import_module(f"helpers.{info.name}")
        for name in getattr(module, "__all__", []):
            if name.startswith("plot_"):
                found[f"{info.name}.{name}"] = getattr(module, name)
    return found


def _tone(seconds=0.25, rate=RATE):
    times = torch.arange(round(seconds * rate), dtype=torch.float64) / rate
    return (0.5 * torch.sin(2 * torch.pi * 440 * times)).float()


def _cases() -> dict[str, tuple[tuple, dict]]:
    """Positional data and required keywords for one call of each plot function."""
    sweep = sweeps.log_sweep(48000, duration_s=0.5)
    resampled = AF.resample(sweep.waveform, 48000, 32000)
    times, kernel = kernels.resampler_kernel(lambda x: AF.resample(x, 48000, 32000), 48000, 32000)
    analysis = decay.analyse_decay(effects.synthetic_rir(RATE, 0.3, seed=1), RATE, truncate=False)
    bank = AF.melscale_fbanks(257, 0.0, RATE / 2, 20, RATE)
    mel_db = np.random.default_rng(0).normal(size=(20, 30))
    measured = torch.nn.functional.pad(effects.synthetic_rir(RATE, 0.3, seed=1), (0, RATE // 2))
    measured = measured / measured.abs().max() + 1e-3 * torch.randn(measured.shape)
    return {
        "plots.plot_waveform": ((_tone(), RATE), {}),
        "plots.plot_spectrogram": ((_tone(), RATE), {}),
        "feature_plots.plot_feature": ((mel_db, RATE), {"hop_length": 160}),
        "feature_plots.plot_filterbank": ((bank, RATE), {}),
        "feature_plots.plot_mel_spectrogram": ((mel_db, RATE), {"hop_length": 160}),
        "sweeps.plot_sweep": ((resampled, 32000), {"sweep": sweep}),
        "resampling.plot_gain": ((resampled, 32000), {"sweep": sweep}),
        "kernel_plots.plot_kernel": ((times, kernel), {}),
        "kernel_plots.plot_kernel_response": ((times, kernel), {"new_rate": 32000}),
        "decay.plot_energy_decay": ((analysis,), {}),
        "noise_floor.plot_noise_floor": ((measured, RATE), {}),
    }


PLOTS = _public_plot_functions()
CASES = _cases()


@pytest.fixture(autouse=True)
def no_show_and_no_global_changes(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("plt.show() must not be called by a plot helper")

    monkeypatch.setattr(plt, "show", forbidden)
    before = dict(matplotlib.rcParams)
    figures_before = plt.get_fignums()
    yield
    changed = sorted(key for key, value in before.items() if matplotlib.rcParams[key] != value)
    assert not changed, f"rcParams changed: {changed}"
    assert plt.get_fignums() == figures_before, "a helper registered a figure with pyplot"
    plt.close("all")


def test_every_public_plot_function_has_a_case():
    assert set(PLOTS) == set(CASES)
    assert len(PLOTS) >= 10


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_signature_follows_the_contract(name):
    parameters = list(inspect.signature(PLOTS[name]).parameters.values())
    positional = [p for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert 1 <= len(positional) <= 2, "data first, then sample_rate; nothing else positional"
    on_a_time_grid = {"kernel_plots.plot_kernel", "kernel_plots.plot_kernel_response"}
    if len(positional) == 2 and name not in on_a_time_grid:
        assert positional[1].name == "sample_rate"
    others = [p for p in parameters if p not in positional]
    assert others[-1].kind is inspect.Parameter.VAR_KEYWORD, "**kwargs for the drawing call"
    keyword_only = {p.name: p for p in others[:-1]}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in keyword_only.values())
    assert keyword_only["ax"].default is None
    assert keyword_only["title"].default is None
    assert not {"fmin", "fmax", "from_hz", "axis", "axes"} & set(keyword_only), "f_min/f_max, ax"


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_docstring_documents_every_parameter_and_the_artist(name):
    function = PLOTS[name]
    doc = inspect.getdoc(function)
    assert "Parameters\n----------" in doc and "Returns\n-------" in doc
    for parameter in inspect.signature(function).parameters.values():
        label = "**kwargs" if parameter.kind is inspect.Parameter.VAR_KEYWORD else parameter.name
        assert label in doc, f"{label} is not documented"
    returned = doc.split("Returns\n-------\n", 1)[1].strip().splitlines()[0]
    assert returned.startswith("matplotlib."), "the documented return type is one artist type"


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_draws_on_the_given_axes_and_returns_the_artist(name):
    args, required = CASES[name]
    _figure, ax = figures.new_figure()
    artist = PLOTS[name](*args, ax=ax, title="clip", zorder=7, **required)
    assert isinstance(artist, Artist)
    assert artist.axes is ax
    assert artist in ax.get_children()
    assert artist.get_zorder() == 7, "**kwargs reach the artist that draws the data"
    assert ax.get_title() == "clip"
    assert ax.get_xlabel() and ax.get_ylabel(), "both axes are labelled"


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_a_new_figure_comes_from_the_figure_factory(name):
    args, required = CASES[name]
    artist = PLOTS[name](*args, **required)
    assert artist.figure.get_dpi() == figures.DPI
    assert artist.figure.get_figwidth() == figures.FULL_WIDTH
    assert artist.axes.get_title() == ""


def test_new_figure_sizes():
    figure, axes = figures.new_figure(3, 1, sharex=True)
    assert len(axes) == 3
    assert figure.get_size_inches() == pytest.approx((figures.FULL_WIDTH, 7.2))
    half, _ = figures.new_figure(width="half", height=2.0)
    assert half.get_size_inches() == pytest.approx((figures.HALF_WIDTH, 2.0))
    assert half.get_dpi() == figures.DPI
    with pytest.raises(ValueError, match="width must be"):
        figures.new_figure(width="wide")
    with pytest.raises(ValueError, match="height"):
        figures.new_figure(height=0)


def test_attach_colorbar_takes_ax_by_keyword():
    _figure, ax = figures.new_figure()
    image = ax.imshow(np.zeros((2, 2)))
    bar = helpers.attach_colorbar(image, label="Value")
    assert helpers.attach_colorbar(image, ax=ax, label="Level (dB)") is bar
    assert bar.ax.get_ylabel() == "Level (dB)"
    assert feature_plots.plot_feature is helpers.plot_feature


def test_figures_show_as_whole_png_in_ipython():
    """A figure that ends a cell is shown as a PNG of the whole figure (720 px wide)."""
    import struct

    from IPython.core.interactiveshell import InteractiveShell

    from helpers.display import figures
    from helpers.display.formatter import show_figures_as_png

    shell = InteractiveShell.instance()
    assert show_figures_as_png(shell)
    figure, ax = figures.new_figure(width="half")
    ax.set_xlabel("A long label that a cropping backend would make the PNG follow")
    data, _metadata = shell.display_formatter.format(figure)
    png = data["image/png"]
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (figures.HALF_WIDTH * figures.DPI, figures.ROW_HEIGHT * figures.DPI)


def test_plot_feature_takes_a_fixed_colour_range():
    """An explorer fixes the colour range so its colour bar stays from step to step."""
    _figure, ax = helpers.new_figure()
    image = helpers.plot_feature(np.linspace(-1, 1, 12).reshape(3, 4), ax=ax, vmin=-3, vmax=3)
    assert image.get_clim() == (-3.0, 3.0)
    with pytest.raises(ValueError, match="needs vmin < vmax"):
        helpers.plot_feature(np.zeros((3, 4)), ax=ax, vmin=1, vmax=1)
