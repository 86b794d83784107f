"""Slider explorers: rendering, driving them from code, and their static view."""

from __future__ import annotations

import base64
import io
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import helpers

RATE = 8000


class Recorder:
    """A render function that counts its calls and can be told to fail."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.fail_above: float | None = None

    def __call__(self, cutoff_hz: float, gain: float, shape: str):
        self.calls.append({"cutoff_hz": cutoff_hz, "gain": gain, "shape": shape})
        if self.fail_above is not None and cutoff_hz > self.fail_above:
            raise RuntimeError(f"cutoff {cutoff_hz:g} Hz is too high")
        times = np.arange(RATE // 10) / RATE
        tone = gain * np.sin(2 * np.pi * cutoff_hz * times)
        if shape == "square":
            tone = gain * np.sign(tone)
        figure, ax = helpers.new_figure()
        ax.plot(times, tone)
        ax.set_xlabel("Time (s)")
        ax.set_ylabel("Amplitude")
        return figure, helpers.play(tone, RATE, title=shape)


CONTROLS = [
    helpers.Slider(
        name="cutoff_hz",
        label="Cutoff",
        unit="Hz",
        minimum=100.0,
        maximum=3000.0,
        default=300.0,
        log=True,
    ),
    helpers.Slider(
        name="gain", label="Gain", unit="", minimum=0.0, maximum=1.0, default=0.5, step=0.1
    ),
    helpers.Choice(
        name="shape",
        label="Shape",
        options={"Sine wave": "sine", "Square wave": "square"},
        default="sine",
    ),
]


@pytest.fixture
def figures_stay_closed():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before, "an explorer left a pyplot figure open"


@pytest.fixture
def made(figures_stay_closed):
    render = Recorder()
    return render, helpers.Explorer(render, CONTROLS, title="Tone <demo>")


def test_initial_render_happens_once(made):
    render, explorer = made
    assert render.calls == [{"cutoff_hz": 300.0, "gain": 0.5, "shape": "sine"}]
    assert explorer.updates == 1
    assert explorer.figure_png.startswith(b"\x89PNG")
    assert isinstance(explorer.audio, helpers.AudioPlayer)
    assert explorer.last_error is None


def test_set_renders_exactly_once_more(made):
    render, explorer = made
    explorer.set(cutoff_hz=1000.0, gain=0.2, shape="square")
    assert len(render.calls) == 2
    assert render.calls[-1] == {"cutoff_hz": 1000.0, "gain": 0.2, "shape": "square"}
    assert explorer.updates == 2
    assert explorer.values == {"cutoff_hz": 1000.0, "gain": 0.2, "shape": "square"}
    assert explorer.audio.title == "square"
    assert explorer.audio.peak_dbfs == pytest.approx(20 * np.log10(0.2), abs=0.01)


def test_moving_one_widget_renders_once(made):
    render, explorer = made
    explorer.widgets["gain"].value = 0.8
    assert len(render.calls) == 2
    assert render.calls[-1]["gain"] == 0.8
    assert explorer.updates == 2


def test_set_unknown_control(made):
    render, explorer = made
    with pytest.raises(KeyError, match="speed"):
        explorer.set(speed=2.0)
    assert len(render.calls) == 1


def test_values_and_describe_show_labels_and_units(made):
    _, explorer = made
    assert explorer.values == {"cutoff_hz": 300.0, "gain": 0.5, "shape": "sine"}
    assert explorer.describe() == "Cutoff = 300 Hz, Gain = 0.5, Shape = Sine wave"


def test_mimebundle(made):
    _, explorer = made
    bundle = explorer._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.widget.model_id
    markup = bundle["text/html"]
    assert markup.startswith('<div class="course-explorer-static">')
    assert markup.endswith("</div>")
    assert "Tone &lt;demo&gt;" in markup
    match = re.search(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"/>', markup)
    assert match
    stored = base64.b64decode(match.group(1))
    assert len(stored) < len(explorer.figure_png), "the stored copy is compressed harder"
    live_png = io.BytesIO(explorer.figure_png)
    with Image.open(io.BytesIO(stored)) as image, Image.open(live_png) as live:
        # a palette image, within the bound of helpers.display.png.palette_image
        error = np.abs(
            np.asarray(image.convert("RGB")).astype(np.int16) - np.asarray(live.convert("RGB"))
        )
        assert error.mean() <= helpers.display.png.PALETTE_MEAN_ERROR
    assert "<audio" in markup
    assert bundle["text/plain"] == "Explorer(Cutoff = 300 Hz, Gain = 0.5, Shape = Sine wave)"
    assert "0x" not in bundle["text/plain"]


def test_static_html_without_title_is_well_formed(figures_stay_closed):
    explorer = helpers.Explorer(Recorder(), CONTROLS)
    markup = explorer.static_html()
    assert markup.startswith('<div class="course-explorer-static">')
    assert markup.count("<div") == markup.count("</div>")
    assert "<b>" not in markup


def test_static_html_follows_set(made):
    _, explorer = made
    explorer.set(cutoff_hz=1500.0)
    assert "Cutoff = 1.5e+03 Hz" in explorer.static_html()


def shown_view(explorer) -> widgets.Widget:
    """The widget the explorer's output area shows."""
    (output,) = explorer._output.outputs
    model_id = output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model_id == explorer._media.model_id
    return explorer._media


def test_output_area_shows_figure_and_audio_as_binary_widgets(made):
    _, explorer = made
    image, caption, sound = shown_view(explorer).children
    assert isinstance(image, widgets.Image) and image.format == "png"
    assert image.value == explorer.figure_png  # bytes: a binary comm buffer, not base64
    assert isinstance(sound, widgets.Audio) and sound.format == "wav"
    assert sound.value == explorer.audio.wav_bytes()
    assert (sound.autoplay, sound.loop, sound.controls) == (False, False, True)
    assert "-6.0 dBFS" in caption.value  # the caption names the true level: no renormalising


def test_an_update_sends_only_what_changed(made):
    _, explorer = made
    view = shown_view(explorer)
    image, _caption, sound = view.children
    sent = []
    image.observe(lambda change: sent.append("figure"), names="value")
    sound.observe(lambda change: sent.append("sound"), names="value")
    explorer.set(cutoff_hz=1000.0)
    assert sent == ["figure", "sound"]
    assert shown_view(explorer) is view, "the view stays; only its values change"
    sent.clear()
    explorer.set(cutoff_hz=1000.0)  # the same setting again: same pixels, same sound
    assert sent == []


def test_failing_render_raises_from_set_and_shows_the_error(made):
    render, explorer = made
    render.fail_above = 2000.0
    with pytest.raises(RuntimeError, match="too high"):
        explorer.set(cutoff_hz=2500.0)
    assert explorer.updates == 1
    (output,) = explorer._output.outputs
    assert output["name"] == "stderr"
    assert "Could not render Cutoff = 2.5e+03 Hz" in output["text"]
    assert "RuntimeError: cutoff 2500 Hz is too high" in output["text"]
    explorer.set(cutoff_hz=1000.0)
    assert explorer.last_error is None
    assert explorer.updates == 2
    assert shown_view(explorer).children[0].value == explorer.figure_png


def test_render_that_fails_from_the_start(figures_stay_closed):
    render = Recorder()
    render.fail_above = 0.0
    explorer = helpers.Explorer(render, CONTROLS)
    assert explorer.updates == 0
    assert isinstance(explorer.last_error, RuntimeError)


def test_render_without_audio(figures_stay_closed):
    explorer = helpers.Explorer(lambda gain: (helpers.new_figure()[0], None), [CONTROLS[1]])
    assert explorer.audio is None
    assert "<audio" not in explorer.static_html()
    assert shown_view(explorer).children == (explorer._image,)


def test_linear_slider_widget():
    slider = helpers.Slider(
        name="gain", label="Gain", unit="dB", minimum=-20.0, maximum=20.0, default=0.0
    )
    widget = slider.make_widget()
    assert isinstance(widget, widgets.FloatSlider)
    assert widget.description == "Gain (dB)"
    assert widget.continuous_update is False
    assert (widget.min, widget.max, widget.value) == (-20.0, 20.0, 0.0)
    assert widget.step == pytest.approx(0.4)
    assert slider.text(3.0) == "Gain = 3 dB"


def test_log_slider_widget():
    slider = helpers.Slider(
        name="cutoff_hz",
        label="Cutoff",
        unit="Hz",
        minimum=100.0,
        maximum=10000.0,
        default=1000.0,
        log=True,
    )
    widget = slider.make_widget()
    assert isinstance(widget, widgets.FloatLogSlider)
    assert widget.description == "Cutoff (Hz)"
    assert widget.continuous_update is False
    assert widget.base == 10
    assert (widget.min, widget.max) == (2.0, 4.0)
    assert widget.value == pytest.approx(1000.0)


def test_choice_widget():
    choice = helpers.Choice(
        name="window",
        label="Window",
        options={"Hann": "hann", "Rectangular": "rectangular"},
        default="hann",
    )
    widget = choice.make_widget()
    assert isinstance(widget, widgets.Dropdown)
    assert widget.description == "Window"
    assert widget.value == "hann"
    assert widget.label == "Hann"
    assert choice.text("rectangular") == "Window = Rectangular"
    # a drop-down changes only on a selection: there is no continuous update to switch off
    assert "continuous_update" not in widget.trait_names()


def test_duplicate_control_names():
    with pytest.raises(ValueError, match="unique"):
        helpers.Explorer(Recorder(), [CONTROLS[0], CONTROLS[0]])


def test_new_figure_is_not_registered_with_pyplot(figures_stay_closed):
    figure, axes = helpers.new_figure(2, 1, height=4.0)
    assert isinstance(figure, Figure)
    assert len(axes) == 2
    assert figure.get_figheight() == 4.0
    assert figure.dpi == helpers.display.figures.DPI


# --------------------------------------------------------------------------- keywords, extras


def test_slider_and_choice_take_keywords_only():
    with pytest.raises(TypeError):
        helpers.Slider("gain", "Gain", "dB", -20.0, 20.0, 0.0)
    with pytest.raises(TypeError):
        helpers.Choice("window", "Window", ["hann"])
    slider = helpers.Slider(name="gain", label="Gain", minimum=0.0, maximum=2.0, default=1.0)
    assert slider.unit == "" and slider.description() == "Gain"


def test_slider_rejects_a_default_outside_its_range():
    with pytest.raises(ValueError, match=r"default 5\.0 lies outside"):
        helpers.Slider(name="gain", label="Gain", minimum=0.0, maximum=1.0, default=5.0)
    with pytest.raises(ValueError, match="minimum > 0"):
        helpers.Slider(name="f", label="F", minimum=0.0, maximum=1.0, default=0.5, log=True)


def test_choice_accepts_a_plain_list_and_defaults_to_the_first_option():
    choice = helpers.Choice(name="window", label="Window", options=["hann", "hamming", 3])
    assert choice.options == {"hann": "hann", "hamming": "hamming", "3": 3}
    assert choice.default == "hann"
    widget = choice.make_widget()
    assert widget.value == "hann" and widget.label == "hann"
    assert choice.text(3) == "Window = 3"
    with pytest.raises(ValueError, match="not one of the options"):
        helpers.Choice(name="window", label="Window", options=["hann"], default="kaiser")
    with pytest.raises(ValueError, match="empty"):
        helpers.Choice(name="window", label="Window", options=[])
    with pytest.raises(TypeError, match="list or a dict"):
        helpers.Choice(name="window", label="Window", options="hann")


def test_render_extras_are_kept_as_result():
    figure, ax = helpers.new_figure()

    def render(gain: float):
        with helpers.redraw(figure):
            ax.plot([0, 1], [0, gain])
        return figure, None, {"gain_db": 20 * np.log10(gain)}

    slider = helpers.Slider(name="gain", label="Gain", minimum=0.1, maximum=1.0, default=1.0)
    explorer = helpers.Explorer(render, [slider])
    assert explorer.result == {"gain_db": 0.0}
    explorer.set(gain=0.1)
    assert explorer.result["gain_db"] == pytest.approx(-20.0)
    assert explorer.updates == 2 and explorer.audio is None


def test_a_two_item_render_has_no_result_and_a_bad_return_is_an_error():
    explorer = helpers.Explorer(Recorder(), CONTROLS)
    assert explorer.result is None

    def render(gain: float):
        return helpers.new_figure()[0]

    slider = helpers.Slider(name="gain", label="Gain", minimum=0.0, maximum=1.0, default=0.5)
    broken = helpers.Explorer(render, [slider])
    assert isinstance(broken.last_error, TypeError)
    assert "(figure, audio, extras)" in str(broken.last_error)
