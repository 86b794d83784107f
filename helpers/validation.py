"""The one validation layer: every helper checks its input with these functions.

Exception style, everywhere in ``helpers``: ``TypeError`` when a value is not of an
accepted kind at all (a list where an array is needed, a string for a rate, complex
audio), ``ValueError`` when it is of the right kind but unusable (wrong shape, empty,
NaN, a negative duration, a frequency above Nyquist). Every message names the
offending value and the fix.

Levels in dB come from :func:`power_db` / :func:`amplitude_db`, which share one floor,
:data:`DB_FLOOR`: silence reads -200 dB, never ``-inf``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

__all__ = [
    "DB_FLOOR",
    "OPUS_RATES",
    "ArrayLike",
    "amplitude_db",
    "as_array",
    "as_mono",
    "as_waveform",
    "check_count",
    "check_finite",
    "check_frequency",
    "check_sample_rate",
    "check_seconds",
    "power_db",
]

#: Anything the helpers accept as audio: a torch tensor or a numpy array.
ArrayLike = torch.Tensor | np.ndarray

#: Lowest level any helper reports, in dB (a power ratio of 1e-20): silence reads -200 dB.
DB_FLOOR = -200.0

#: Sample rates the Opus codec codes as they are, in Hz: the codec round trips refuse any
#: other (:mod:`helpers.augment.codecs`), the player stores FLAC instead
#: (:mod:`helpers.display.player`).
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
_FLOOR_POWER = 10.0 ** (DB_FLOOR / 10.0)

#: A 2-D array whose second axis is at most this long, and whose first axis is
#: longer, is taken for a (frames, channels) array that needs transposing.
_MAX_CHANNELS = 8


def power_db(power: Any, reference: float = 1.0) -> Any:
    """``10 log10(power / reference)``, never below :data:`DB_FLOOR` (a float or numpy array)."""
    ratio = np.asarray(power, dtype=np.float64) / reference
    level = 10.0 * np.log10(np.maximum(ratio, _FLOOR_POWER))
    return float(level) if level.ndim == 0 else level


def amplitude_db(amplitude: Any, reference: float = 1.0) -> Any:
    """``20 log10(|amplitude| / reference)``, never below :data:`DB_FLOOR`.
    """
    ratio = np.abs(np.asarray(amplitude, dtype=np.float64)) / reference
    return power_db(np.square(ratio))


def as_array(value: Any, name: str = "waveform", *, tensor: bool = False) -> Any:
    """Return ``value`` (a real, finite, non-empty array of any shape) as numpy or torch.

    Parameters
    ----------
    value : torch.Tensor or numpy.ndarray, any shape
        The values to check.
    name : str
        How error messages call the value.
    tensor : bool
        Return a torch tensor (floating point; a float tensor keeps its dtype and
        device) instead of a numpy array (integers become float64).

    Raises
    ------
    TypeError
        For anything that is not an array of real numbers (complex, bool, lists).
    ValueError
        For an empty array or NaN/Inf values.
    """
    if isinstance(value, torch.Tensor):
        if value.is_complex():
            raise TypeError(
                f"{name} is a complex tensor; take its magnitude first, e.g. {name}.abs()"
            )
        if value.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers, got dtype {value.dtype}")
        if tensor:
            result = value if value.is_floating_point() else value.float()
        else:
            cpu = value.detach().cpu()
            result = (cpu.float() if cpu.dtype == torch.bfloat16 else cpu).numpy()
    elif isinstance(value, np.ndarray):
        if np.iscomplexobj(value):
            raise TypeError(f"{name} is complex; take its magnitude first, e.g. np.abs({name})")
        if value.dtype == bool or not np.issubdtype(value.dtype, np.number):
            raise TypeError(f"{name} must hold real numbers, got dtype {value.dtype}")
        result = value
        if tensor:
            result = torch.from_numpy(np.ascontiguousarray(result))
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor or numpy.ndarray, got {type(value).__name__}"
        )
    if isinstance(result, np.ndarray) and result.dtype.kind in "iu":
        result = result.astype(np.float64)
    if isinstance(result, torch.Tensor) and not result.is_floating_point():
        result = result.float()
    size = result.numel() if isinstance(result, torch.Tensor) else result.size
    if size == 0:
        raise ValueError(
            f"{name} is empty (shape {tuple(result.shape)}); there is nothing to work on"
        )
    check_finite(result, name)
    return result


def as_waveform(
    value: Any, name: str = "waveform", *, check_layout: bool = True, tensor: bool = False
) -> Any:
    """Return ``value`` as a ``(channels, frames)`` array, or raise naming the fix.

    Parameters
    ----------
    value : torch.Tensor or numpy.ndarray, shape (frames,) or (channels, frames)
        The audio (or, with ``check_layout=False``, a feature matrix).
    name : str
        How error messages call the value.
    check_layout : bool
        Reject an array that looks like (frames, channels) (more than 8 rows, at most
        8 columns); switch off for matrices whose rows are not channels.
    tensor : bool
        Return a torch tensor: a float tensor keeps its dtype and device, anything
        else becomes float32. Otherwise a numpy array (integers become float64).

    Raises
    ------
    TypeError
        As :func:`as_array`.
    ValueError
        For 3-D+ input, a (frames, channels) layout, empty input or NaN/Inf.
    """
    shape = tuple(getattr(value, "shape", ()))
    if isinstance(value, torch.Tensor | np.ndarray) and len(shape) not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (frames,) or 2-D (channels, frames), got shape "
            f"{shape}; for a batch, pick one item first, e.g. {name}[0]"
        )
    if len(shape) == 2 and check_layout and shape[0] > _MAX_CHANNELS >= shape[1]:
        raise ValueError(
            f"{name} has shape {shape}, which looks like (frames, channels); "
            f"the helpers expect (channels, frames): pass {name}.T"
        )
    floating_tensor = isinstance(value, torch.Tensor) and value.is_floating_point()
    array = as_array(value, name, tensor=tensor and floating_tensor)
    if tensor and not floating_tensor:
        array = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    return array.unsqueeze(0) if isinstance(array, torch.Tensor) and array.ndim == 1 else (
        array[np.newaxis, :] if array.ndim == 1 else array
    )


def as_mono(
    value: Any, name: str = "waveform", *, fix: str | None = None, dtype: Any = np.float64
) -> np.ndarray:
    """Return one channel of ``value`` as a 1-D numpy array (float64 by default), or raise.

    Parameters
    ----------
    value : torch.Tensor or numpy.ndarray, shape (frames,) or (1, frames)
        The samples.
    name : str
        How error messages call the value.
    fix : str or None
        What the message tells a caller with several channels to do; default
        "pick one, e.g. {name}[0]".
    dtype : numpy dtype or None
        The result's dtype; ``None`` keeps the input's (no copy of a long float32 clip).
    """
    data = as_waveform(value, name)
    if data.shape[0] != 1:
        raise ValueError(
            f"{name} must be mono, got {data.shape[0]} channels; "
            f"{fix or f'pick one, e.g. {name}[0]'}"
        )
    return data[0] if dtype is None else data[0].astype(dtype, copy=False)


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


def _is_number(value: Any, kinds: tuple = (int, float, np.integer, np.floating)) -> bool:
    """True for a real number of one of ``kinds`` (``True``/``False`` are not numbers here)."""
    return isinstance(value, kinds) and not isinstance(value, bool | np.bool_)


def check_sample_rate(sample_rate: Any, name: str = "sample_rate") -> int:
    """Return ``sample_rate`` as a positive ``int`` number of Hz, or raise."""
    if not _is_number(sample_rate, (int, float, np.integer)):
        raise TypeError(f"{name} must be a number of samples per second, got {sample_rate!r}")
    if not math.isfinite(sample_rate) or sample_rate <= 0 or int(sample_rate) != sample_rate:
        raise ValueError(
            f"{name} must be a positive whole number of Hz (e.g. 16000), got {sample_rate!r}"
        )
    return int(sample_rate)


def check_count(value: Any, name: str, *, minimum: int = 1, unit: str = "") -> int:
    """Return ``value`` as an ``int`` of at least ``minimum``, or raise ``ValueError``.

    ``unit`` (e.g. ``"samples"``) is named in the message: "frames must be a whole
    number of samples >= 1, got 1.5".
    """
    what = f"a whole number of {unit}" if unit else "a whole number"
    if not _is_number(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be {what} >= {minimum}, got {value!r}")
    return int(value)


def check_seconds(value: Any, name: str, *, positive: bool = False) -> float:
    """Return ``value`` as a finite float number of seconds (``>= 0``, or ``> 0``), or raise."""
    if not _is_number(value) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'} seconds, got {value}")
    return float(value)


def check_frequency(value: Any, sample_rate: int, name: str = "cutoff_hz") -> float:
    """Return ``value`` (Hz) if it lies strictly between 0 and the Nyquist frequency."""
    nyquist = check_sample_rate(sample_rate) / 2
    if not _is_number(value) or not 0 < value < nyquist:
        raise ValueError(
            f"{name} must lie between 0 and the Nyquist frequency {nyquist:g} Hz, got {value}"
        )
    return float(value)
