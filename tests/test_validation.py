"""Input checks shared by every helper."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.validation import (
    DB_FLOOR,
    amplitude_db,
    as_array,
    as_mono,
    as_waveform,
    check_count,
    check_finite,
    check_frequency,
    check_sample_rate,
    check_seconds,
    power_db,
)


@pytest.mark.parametrize("make", [torch.ones, np.ones], ids=["torch", "numpy"])
def test_1d_becomes_one_channel(make):
    array = as_waveform(make(100))
    assert isinstance(array, np.ndarray)
    assert array.shape == (1, 100)


@pytest.mark.parametrize("make", [torch.ones, np.ones], ids=["torch", "numpy"])
def test_2d_is_kept(make):
    assert as_waveform(make((2, 100))).shape == (2, 100)


def test_values_are_kept():
    samples = np.linspace(-1, 1, 50, dtype=np.float32)
    np.testing.assert_array_equal(as_waveform(samples)[0], samples)
    np.testing.assert_array_equal(as_waveform(torch.from_numpy(samples))[0], samples)


def test_integer_input_becomes_float():
    array = as_waveform(np.arange(10, dtype=np.int16))
    assert array.dtype == np.float64
    assert as_waveform(torch.arange(10)).dtype == np.float64


def test_bfloat16_and_gradient_tensors_are_accepted():
    assert as_waveform(torch.ones(10, dtype=torch.bfloat16)).shape == (1, 10)
    assert as_waveform(torch.ones(10, requires_grad=True)).shape == (1, 10)


@pytest.mark.parametrize("make", [torch.zeros, np.zeros], ids=["torch", "numpy"])
def test_3d_names_the_shape_and_the_fix(make):
    with pytest.raises(ValueError) as caught:
        as_waveform(make((4, 1, 100)), "batch")
    message = str(caught.value)
    assert "(4, 1, 100)" in message
    assert "batch[0]" in message
    assert "(channels, frames)" in message


@pytest.mark.parametrize("scalar", [np.array(0.5), torch.tensor(0.5)], ids=["numpy", "torch"])
def test_0d_is_rejected(scalar):
    with pytest.raises(ValueError, match=r"shape \(\)"):
        as_waveform(scalar)


@pytest.mark.parametrize("make", [torch.zeros, np.zeros], ids=["torch", "numpy"])
def test_frames_channels_layout_is_detected(make):
    with pytest.raises(ValueError) as caught:
        as_waveform(make((16000, 2)))
    message = str(caught.value)
    assert "(16000, 2)" in message
    assert "(frames, channels)" in message
    assert "waveform.T" in message


def test_layout_check_can_be_skipped_for_feature_matrices():
    assert as_waveform(np.zeros((40, 3)), check_layout=False).shape == (40, 3)


def test_many_channels_with_many_frames_is_not_a_layout_error():
    assert as_waveform(np.zeros((16, 100))).shape == (16, 100)


@pytest.mark.parametrize(
    "empty", [np.zeros(0), np.zeros((2, 0)), torch.zeros(0)], ids=["1d", "2d", "torch"]
)
def test_empty(empty):
    with pytest.raises(ValueError, match="empty"):
        as_waveform(empty)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("module", ["torch", "numpy"])
def test_nan_and_inf(bad, module):
    samples = np.zeros(10)
    samples[[3, 7]] = bad
    signal = torch.from_numpy(samples) if module == "torch" else samples
    with pytest.raises(ValueError) as caught:
        as_waveform(signal, "noise")
    message = str(caught.value)
    assert "noise contains 2 NaN or infinite" in message
    assert "division by zero" in message


def test_check_finite_on_tensors():
    check_finite(torch.zeros(3), "x")
    with pytest.raises(ValueError, match="1 NaN"):
        check_finite(torch.tensor([0.0, float("nan")]), "x")


@pytest.mark.parametrize(
    "signal",
    [torch.zeros(10, dtype=torch.complex64), np.zeros(10, dtype=np.complex128)],
    ids=["torch", "numpy"],
)
def test_complex_asks_for_the_magnitude(signal):
    with pytest.raises(TypeError, match=r"complex.*magnitude"):
        as_waveform(signal, "spectrum")


@pytest.mark.parametrize("signal", [[0.0, 0.1], (0.0,), 0.5, "audio.wav", None])
def test_non_array(signal):
    with pytest.raises(TypeError, match=r"torch\.Tensor or numpy\.ndarray"):
        as_waveform(signal)


@pytest.mark.parametrize(
    "signal",
    [torch.zeros(10, dtype=torch.bool), np.zeros(10, dtype=bool), np.array(["a", "b"])],
    ids=["torch-bool", "numpy-bool", "strings"],
)
def test_bool_and_non_numbers(signal):
    with pytest.raises(TypeError, match="real numbers"):
        as_waveform(signal)


def test_as_waveform_tensor_keeps_float_tensors():
    signal = torch.ones(100, dtype=torch.float64)
    tensor = as_waveform(signal, tensor=True)
    assert tensor.shape == (1, 100)
    assert tensor.dtype == torch.float64
    stereo = torch.ones(2, 100)
    assert as_waveform(stereo, tensor=True) is stereo


def test_as_waveform_tensor_converts_numpy_and_integers():
    tensor = as_waveform(np.arange(5, dtype=np.int32), tensor=True)
    assert tensor.dtype == torch.float32
    assert tensor.shape == (1, 5)
    assert as_waveform(np.ones((2, 100)), tensor=True).dtype == torch.float32


def test_as_waveform_tensor_runs_the_same_checks():
    with pytest.raises(ValueError, match="shape"):
        as_waveform(torch.zeros(2, 2, 10), tensor=True)
    with pytest.raises(ValueError, match="NaN"):
        as_waveform(torch.tensor([float("nan")]), tensor=True)


@pytest.mark.parametrize("rate", [16000, 44100.0, np.int64(8000)])
def test_sample_rate_accepted(rate):
    checked = check_sample_rate(rate)
    assert checked == rate
    assert type(checked) is int


@pytest.mark.parametrize("rate", [0, -16000, 44100.5, float("nan"), float("inf")])
def test_sample_rate_bad_value(rate):
    with pytest.raises(ValueError, match="positive whole number of Hz"):
        check_sample_rate(rate)


@pytest.mark.parametrize("rate", ["16000", None, True, torch.tensor(16000)])
def test_sample_rate_bad_type(rate):
    with pytest.raises(TypeError, match="samples per second"):
        check_sample_rate(rate, "sample_rate")


def test_one_db_floor_for_silence():
    assert power_db(0.0) == DB_FLOOR == amplitude_db(0.0) == -200.0
    assert amplitude_db(0.5) == pytest.approx(20 * np.log10(0.5))
    np.testing.assert_allclose(power_db(np.array([1.0, 0.1, 0.0])), [0.0, -10.0, -200.0])


def test_as_array_accepts_any_shape_and_returns_tensors_on_request():
    assert as_array(np.ones((2, 3, 4))).shape == (2, 3, 4)
    tensor = as_array(np.arange(3), tensor=True)
    assert isinstance(tensor, torch.Tensor) and tensor.is_floating_point()
    with pytest.raises(TypeError, match="complex"):
        as_array(torch.ones(3, dtype=torch.complex64), "spec")
    with pytest.raises(ValueError, match="empty"):
        as_array(np.zeros((0, 3)))
    with pytest.raises(TypeError, match="real numbers"):
        as_array(torch.ones(3, dtype=torch.bool))


@pytest.mark.parametrize("value", [0, 1.5, True, "3", -2])
def test_check_count_names_value_and_unit(value):
    with pytest.raises(ValueError, match=r"frames must be a whole number of samples >= 1"):
        check_count(value, "frames", unit="samples")


def test_check_count_accepts_numpy_integers():
    assert check_count(np.int64(4), "n") == 4
    assert check_count(0, "n", minimum=0) == 0


def test_check_seconds_and_frequency():
    assert check_seconds(0, "fade_s") == 0.0
    with pytest.raises(ValueError, match="> 0 seconds"):
        check_seconds(0, "block_s", positive=True)
    with pytest.raises(ValueError, match="number of seconds"):
        check_seconds(float("nan"), "block_s")
    assert check_frequency(1000, 16000) == 1000.0
    with pytest.raises(ValueError, match="Nyquist frequency 8000 Hz"):
        check_frequency(8000, 16000)


def test_as_mono_converts_or_keeps_the_dtype_and_names_the_fix():
    samples = np.ones((1, 10), dtype=np.float32)
    assert as_mono(samples).dtype == np.float64
    kept = as_mono(samples, dtype=None)
    assert kept.dtype == np.float32 and kept.shape == (10,)
    with pytest.raises(ValueError, match=r"2 channels; pick one, e.g. rir\[0\]"):
        as_mono(np.ones((2, 10)), "rir")
