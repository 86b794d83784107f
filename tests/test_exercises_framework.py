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
    assert run_check("Double", verify_double, solution_double) is True
    out = capsys.readouterr().out
    assert out.startswith("Double: correct")


def test_not_attempted(capsys):
    def stub(x):
        raise NotImplementedError

    assert run_check("Double", verify_double, stub) is False
    out = capsys.readouterr().out
    assert "Double: not attempted" in out
    assert "NotImplementedError" in out


def test_wrong_answer_shows_the_hint(capsys):
    assert run_check("Double", verify_double, lambda x: x + 1) is False
    out = capsys.readouterr().out
    assert "Double: not right yet" in out
    assert "double(2) should be 4, got 3" in out
    assert "correct" not in out


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
