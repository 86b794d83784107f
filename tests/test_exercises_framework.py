"""The exercise checker every notebook's exercises are built on."""

from __future__ import annotations

import pytest

from helpers.exercises import run_check, show_solution


def verify_double(function) -> None:
    assert function(2) == 4, f"double(2) should be 4, got {function(2)}"


def solution_double(x):
    """Reference answer."""
    return 2 * x


def test_correct(capsys):
    verdict = run_check("Double", verify_double, solution_double)
    assert verdict and verdict.passed is True
    assert repr(verdict).startswith("Double: correct")
    assert capsys.readouterr().out == ""


def test_stub_is_not_solved_yet():
    def stub(x):
        raise NotImplementedError

    verdict = run_check("Double", verify_double, stub)
    assert not verdict
    assert repr(verdict).startswith("Double: not solved yet: ")
    assert "replace `raise NotImplementedError` with your code" in repr(verdict)
    assert "Traceback" not in repr(verdict)


def test_wrong_answer_shows_the_hint():
    verdict = run_check("Double", verify_double, lambda x: x + 1)
    assert not verdict
    assert "Double: not right yet" in repr(verdict)
    assert "double(2) should be 4, got 3" in repr(verdict)
    assert "correct" not in repr(verdict)


def test_other_errors_propagate(capsys):
    def broken(x):
        return x / 0

    with pytest.raises(ZeroDivisionError):
        run_check("Double", verify_double, broken)
    assert capsys.readouterr().out == ""


def test_show_solution_prints_the_source(capsys):
    show_solution(solution_double)
    out = capsys.readouterr().out
    assert out.startswith("def solution_double(x):")
    assert '"""Reference answer."""' in out
    assert "return 2 * x" in out
