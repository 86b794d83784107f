"""Exercises the learner can check, one module per notebook.

Each module offers, per exercise, a ``check_<name>(function)`` that tests the
learner's function and returns a :class:`Verdict` (shown as a sentence), and a
reference ``solution_<name>``.
``show_solution(solution)`` prints a solution's source when the learner is stuck.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["Verdict", "run_check", "show_solution"]


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
        return Verdict(False, f"{title}: not right yet. {error}")
    return Verdict(True, f"{title}: correct, well done!")


def show_solution(solution: Callable) -> None:
    """Print the source code of a reference solution."""
    print(inspect.getsource(solution))
