"""Exercises the learner can check, one module per notebook.

Each module offers, per exercise, a ``check_<name>(function)`` that tests the
learner's function and prints a verdict, and a reference ``solution_<name>``.
``show_solution(solution)`` prints a solution's source when the learner is stuck.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["run_check", "show_solution"]


def run_check(title: str, verify: Callable[[Any], None], learner: Any) -> bool:
    """Run ``verify(learner)`` and print a verdict; return ``True`` when it passes.

    ``verify`` raises ``AssertionError`` with a hint when the answer is wrong. A
    learner's function that still raises ``NotImplementedError`` counts as not
    attempted. Any other error comes from the learner's code and is raised as is.
    """
    try:
        verify(learner)
    except NotImplementedError:
        print(
            f"{title}: not attempted yet. Replace `raise NotImplementedError` with your "
            "code and run the cell again."
        )
        return False
    except AssertionError as error:
        print(f"{title}: not right yet. {error}")
        return False
    print(f"{title}: correct, well done!")
    return True


def show_solution(solution: Callable) -> None:
    """Print the source code of a reference solution."""
    print(inspect.getsource(solution))
