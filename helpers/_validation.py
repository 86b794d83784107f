"""Input checks shared by every helper: one place for shape, dtype and rate errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

#: Anything the helpers accept as audio: a torch tensor or a numpy array.
ArrayLike = torch.Tensor | np.ndarray

#: A 2-D array whose second axis is at most this long, and whose first axis is
#: longer, is taken for a (frames, channels) array that needs transposing.
_MAX_CHANNELS = 8


def as_numpy_2d(signal: Any, name: str = "waveform", *, check_layout: bool = True) -> np.ndarray:
    """Return ``signal`` as a float ``(channels, frames)`` numpy array, or raise.

    Accepts a torch tensor or numpy array of shape ``(frames,)`` or
    ``(channels, frames)``. Raises ``ValueError`` naming the problem and the fix
    for 3-D+ input, a (frames, channels) layout (unless ``check_layout`` is false,
    as for feature matrices), empty input, or NaN/Inf values, and ``TypeError`` for
    anything that is not an array of real numbers.
    """
    if isinstance(signal, torch.Tensor):
        if signal.is_complex():
            raise TypeError(
                f"{name} is a complex tensor; take its magnitude first, e.g. {name}.abs()"
            )
        tensor = signal.detach().cpu()
        array = (tensor.float() if tensor.dtype == torch.bfloat16 else tensor).numpy()
    elif isinstance(signal, np.ndarray):
        array = signal
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor or numpy.ndarray, got {type(signal).__name__}"
        )
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if np.iscomplexobj(array):
        raise TypeError(f"{name} is complex; take its magnitude first, e.g. np.abs({name})")
    if array.ndim == 1:
        array = array[np.newaxis, :]
    elif array.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (frames,) or 2-D (channels, frames), got shape "
            f"{tuple(array.shape)}; for a batch, pick one item first, e.g. {name}[0]"
        )
    channels, frames = array.shape
    if check_layout and channels > _MAX_CHANNELS and frames <= _MAX_CHANNELS:
        raise ValueError(
            f"{name} has shape {tuple(array.shape)}, which looks like (frames, channels); "
            f"the helpers expect (channels, frames): pass {name}.T"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {tuple(array.shape)}); there is nothing to show")
    check_finite(array, name)
    return array.astype(np.float64, copy=False) if array.dtype.kind in "iu" else array


def check_finite(array: np.ndarray | torch.Tensor, name: str) -> None:
    """Raise ``ValueError`` if ``array`` holds NaN or infinite values."""
    if _extremes_are_finite(array):
        return
    finite = torch.isfinite(array) if isinstance(array, torch.Tensor) else np.isfinite(array)
    if not bool(finite.all()):
        bad = int((~finite).sum())
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s); check the step that produced it "
            "(a division by zero or log of zero is the usual cause)"
        )


def _extremes_are_finite(array: np.ndarray | torch.Tensor) -> bool:
    """True when the smallest and largest values of a real float array are finite.

    NaN propagates through min and max, and an infinity is an extreme, so this proves
    every value finite; it reads the data twice without allocating a mask as large as
    the input (an hour of audio is 57.6 million samples). False means "look closer".
    """
    if isinstance(array, torch.Tensor):
        if not array.is_floating_point() or array.numel() == 0:
            return False
        return bool(torch.isfinite(array.min()) & torch.isfinite(array.max()))
    if array.dtype.kind != "f" or array.size == 0:
        return False
    return bool(np.isfinite(array.min()) and np.isfinite(array.max()))


def as_tensor_2d(signal: Any, name: str = "waveform") -> torch.Tensor:
    """Return ``signal`` as a float32 ``(channels, frames)`` torch tensor, or raise.

    Same checks as :func:`as_numpy_2d`. A float tensor keeps its dtype and device.
    """
    array = as_numpy_2d(signal, name)
    if isinstance(signal, torch.Tensor) and signal.is_floating_point():
        return signal if signal.ndim == 2 else signal.unsqueeze(0)
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))


def check_sample_rate(sample_rate: Any, name: str = "sample_rate") -> int:
    """Return ``sample_rate`` as a positive ``int``, or raise ``ValueError``."""
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int | float | np.integer):
        raise TypeError(f"{name} must be a number of samples per second, got {sample_rate!r}")
    if not math.isfinite(sample_rate) or sample_rate <= 0 or int(sample_rate) != sample_rate:
        raise ValueError(
            f"{name} must be a positive whole number of Hz (e.g. 16000), got {sample_rate!r}"
        )
    return int(sample_rate)
