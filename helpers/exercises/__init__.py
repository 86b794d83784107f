"""Exercises the learner can check, one module per notebook.

Each module offers, per exercise, a ``check_<name>(function)`` that tests the
learner's function and returns a :class:`Verdict` (shown as a sentence), and a
reference ``solution_<name>``.
``show_solution(solution)`` prints a solution's source when the learner is stuck.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

__all__ = ["Verdict", "as_integer", "as_real", "assert_message", "run_check", "show_solution"]

#: What a learner's assert without a message is shown as.
NO_MESSAGE = "(your assert had no message)"


class Verdict:
    """The outcome of a check: true when it passed; shows its message in a notebook."""

    def __init__(self, passed: bool, message: str) -> None:
        self.passed = passed
        self.message = message

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message


def run_check(title: str, verify: Callable[[Any], None], learner: Any) -> Verdict:
    """Run ``verify(learner)`` and return a :class:`Verdict` that reads as a sentence.

    ``verify`` raises ``AssertionError`` with a hint when the answer is wrong. A
    learner's function that still raises ``NotImplementedError`` (the stub as the notebook
    gives it) is not solved yet: the verdict says so and what to do, instead of a
    traceback. Any other error comes from the learner's code and is raised as is.
    """
    try:
        verify(learner)
    except NotImplementedError:
        return Verdict(
            False,
            f"{title}: not solved yet: replace `raise NotImplementedError` with your code, "
            "then run the cell again.",
        )
    except AssertionError as error:
        return Verdict(False, f"{title}: not right yet. {assert_message(error)}")
    return Verdict(True, f"{title}: correct, well done!")


def assert_message(error: BaseException) -> str:
    """The message of an ``AssertionError``, or a note that it had none.

    ``str(error)`` is empty for a bare ``assert condition``; an exception object itself
    is always true, so ``error or "..."`` would never show the note.
    """
    return str(error) or NO_MESSAGE


def _one_value(value: object, what: str) -> object:
    """Unwrap a 0-d or one-element tensor or array into a Python or numpy scalar."""
    if isinstance(value, torch.Tensor | np.ndarray):
        count = value.numel() if isinstance(value, torch.Tensor) else value.size
        assert count == 1, (
            f"return one number for {what}, got an array of shape {tuple(value.shape)}"
        )
        return value.item()
    return value


def as_real(value: object, what: str) -> float:
    """A learner's answer as a finite float: any real number is accepted.

    Python ``int``/``float``, numpy scalars (``np.float32``, ``np.int64``, ...) and 0-d or
    one-element tensors and arrays all count as numbers (``numbers.Real``); ``bool`` does not.
    """
    value = _one_value(value, what)
    assert isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_), (
        f"return {what} as a number, got {value!r} ({type(value).__name__})"
    )
    assert math.isfinite(value), (
        f"{what} came out as {value}; check for a division by zero or log(0)"
    )
    return float(value)


def as_integer(value: object, what: str) -> int:
    """A learner's answer as an ``int``: any integral number, or a float with no fraction.

    Accepts Python and numpy integers (``numbers.Integral``), whole floats such as ``37.0``
    and 0-d or one-element tensors and arrays holding either.
    """
    value = _one_value(value, what)
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)
    if not whole and isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        whole = math.isfinite(value) and float(value).is_integer()
    assert whole, f"return {what} as a whole number, got {value!r} ({type(value).__name__})"
    return int(value)


def show_solution(solution: Callable) -> None:
    """Print the source code of a reference solution."""
    print(inspect.getsource(solution))
