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


def test_numbers_of_any_kind_are_accepted():
    import numpy as np
    import torch

    from helpers.exercises import as_integer, as_real

    for value in (37, np.int64(37), np.int32(37), 37.0, np.float32(37.0), torch.tensor(37)):
        assert as_integer(value, "the delay") == 37
    for value in (20.5, np.float32(20.5), np.float64(20.5), torch.tensor(20.5), np.array(20.5)):
        assert as_real(value, "the SNR") == 20.5


def test_non_numbers_and_fractions_are_rejected_with_the_value():
    import pytest

    from helpers.exercises import as_integer, as_real

    with pytest.raises(AssertionError, match=r"whole number.*37\.5"):
        as_integer(37.5, "the delay")
    with pytest.raises(AssertionError, match=r"as a number.*'20'"):
        as_real("20", "the SNR")
    with pytest.raises(AssertionError, match="as a number"):
        as_real(True, "the SNR")


def test_an_assert_without_a_message_says_so():
    from helpers.exercises import run_check

    def verify(learner):
        learner()

    def bare():
        raise AssertionError  # what a bare `assert condition` raises

    verdict = run_check("Exercise 9 (demo)", verify, bare)
    assert repr(verdict) == "Exercise 9 (demo): not right yet. (your assert had no message)"


def test_every_verdict_title_has_one_form():
    import re

    from helpers.exercises import augment, effects, features, noise, resampling

    for module in (augment, effects, features, noise, resampling):
        for name in dir(module):
            if name.startswith("check_"):
                stubs = (_stub, _stub) if name == "check_scalloping_loss" else (_stub,)
                verdict = getattr(module, name)(*stubs)
                # "Exercise 2 (...)" in a core notebook, "Exercise 03a (...)" in a deep dive
                assert re.match(r"Exercise (\d|\d\d[a-z]) \([^)]+\): not solved yet",
                                repr(verdict)), verdict


def _stub(*args, **kwargs):
    raise NotImplementedError
