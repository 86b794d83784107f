"""Input checks shared by every helper."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers._validation import as_numpy_2d, as_tensor_2d, check_finite, check_sample_rate


@pytest.mark.parametrize("make", [torch.ones, np.ones], ids=["torch", "numpy"])
def test_1d_becomes_one_channel(make):
    array = as_numpy_2d(make(100))
    assert isinstance(array, np.ndarray)
    assert array.shape == (1, 100)


@pytest.mark.parametrize("make", [torch.ones, np.ones], ids=["torch", "numpy"])
def test_2d_is_kept(make):
    assert as_numpy_2d(make((2, 100))).shape == (2, 100)


def test_values_are_kept():
    samples = np.linspace(-1, 1, 50, dtype=np.float32)
    np.testing.assert_array_equal(as_numpy_2d(samples)[0], samples)
    np.testing.assert_array_equal(as_numpy_2d(torch.from_numpy(samples))[0], samples)


def test_integer_input_becomes_float():
    array = as_numpy_2d(np.arange(10, dtype=np.int16))
    assert array.dtype == np.float64
    assert as_numpy_2d(torch.arange(10)).dtype == np.float64


def test_bfloat16_and_gradient_tensors_are_accepted():
    assert as_numpy_2d(torch.ones(10, dtype=torch.bfloat16)).shape == (1, 10)
    assert as_numpy_2d(torch.ones(10, requires_grad=True)).shape == (1, 10)


@pytest.mark.parametrize("make", [torch.zeros, np.zeros], ids=["torch", "numpy"])
def test_3d_names_the_shape_and_the_fix(make):
    with pytest.raises(ValueError) as caught:
        as_numpy_2d(make((4, 1, 100)), "batch")
    message = str(caught.value)
    assert "(4, 1, 100)" in message
    assert "batch[0]" in message
    assert "(channels, frames)" in message


@pytest.mark.parametrize("scalar", [np.array(0.5), torch.tensor(0.5)], ids=["numpy", "torch"])
def test_0d_is_rejected(scalar):
    with pytest.raises(ValueError, match=r"shape \(\)"):
        as_numpy_2d(scalar)


@pytest.mark.parametrize("make", [torch.zeros, np.zeros], ids=["torch", "numpy"])
def test_frames_channels_layout_is_detected(make):
    with pytest.raises(ValueError) as caught:
        as_numpy_2d(make((16000, 2)))
    message = str(caught.value)
    assert "(16000, 2)" in message
    assert "(frames, channels)" in message
    assert "waveform.T" in message


def test_layout_check_can_be_skipped_for_feature_matrices():
    assert as_numpy_2d(np.zeros((40, 3)), check_layout=False).shape == (40, 3)


def test_many_channels_with_many_frames_is_not_a_layout_error():
    assert as_numpy_2d(np.zeros((16, 100))).shape == (16, 100)


@pytest.mark.parametrize(
    "empty", [np.zeros(0), np.zeros((2, 0)), torch.zeros(0)], ids=["1d", "2d", "torch"]
)
def test_empty(empty):
    with pytest.raises(ValueError, match="empty"):
        as_numpy_2d(empty)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("module", ["torch", "numpy"])
def test_nan_and_inf(bad, module):
    samples = np.zeros(10)
    samples[[3, 7]] = bad
    signal = torch.from_numpy(samples) if module == "torch" else samples
    with pytest.raises(ValueError) as caught:
        as_numpy_2d(signal, "noise")
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
        as_numpy_2d(signal, "spectrum")


@pytest.mark.parametrize("signal", [[0.0, 0.1], (0.0,), 0.5, "audio.wav", None])
def test_non_array(signal):
    with pytest.raises(TypeError, match=r"torch\.Tensor or numpy\.ndarray"):
        as_numpy_2d(signal)


@pytest.mark.parametrize(
    "signal",
    [torch.zeros(10, dtype=torch.bool), np.zeros(10, dtype=bool), np.array(["a", "b"])],
    ids=["torch-bool", "numpy-bool", "strings"],
)
def test_bool_and_non_numbers(signal):
    with pytest.raises(TypeError, match="real numbers"):
        as_numpy_2d(signal)


def test_as_tensor_2d_keeps_float_tensors():
    signal = torch.ones(100, dtype=torch.float64)
    tensor = as_tensor_2d(signal)
    assert tensor.shape == (1, 100)
    assert tensor.dtype == torch.float64
    stereo = torch.ones(2, 100)
    assert as_tensor_2d(stereo) is stereo


def test_as_tensor_2d_converts_numpy_and_integers():
    tensor = as_tensor_2d(np.arange(5, dtype=np.int32))
    assert tensor.dtype == torch.float32
    assert tensor.shape == (1, 5)
    assert as_tensor_2d(np.ones((2, 100))).dtype == torch.float32


def test_as_tensor_2d_runs_the_same_checks():
    with pytest.raises(ValueError, match="shape"):
        as_tensor_2d(torch.zeros(2, 2, 10))
    with pytest.raises(ValueError, match="NaN"):
        as_tensor_2d(torch.tensor([float("nan")]))


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
