"""Each helper's "Used in:" line names the notebooks and sections that call it
(``editions/used_in.py`` derives them from the notebooks)."""

from __future__ import annotations

from editions import used_in


def test_used_in_lines_follow_the_notebooks():
    stale = used_in.stale()
    assert not stale, (
        f"{len(stale)} helper docstrings name the wrong notebook sections; rewrite them with "
        "`.venv/bin/python -m editions.used_in --write`:\n" + "\n".join(stale)
    )


def test_a_used_in_line_lists_each_notebook_once_with_its_sections():
    line = used_in.line_for([("02 · Noise", 3), ("02 · Noise", 1), ("05 · Chain", 2)])
    assert line == "Used in: 02 · Noise, §1, §3; 05 · Chain, §2."


def test_a_docstring_gets_its_line_after_the_summary():
    block = ['    """Summary.', "", "    More.", '    """']
    assert used_in._with_used_in(block, 4, "Used in: 01 · A, §1.") == [
        '    """Summary.', "", "    Used in: 01 · A, §1.", "", "    More.", '    """'
    ]
    assert used_in._without_used_in(
        ['    """Summary.', "", "    Used in: 01 · A, §1.", "", "    More.", '    """'], 0, 5
    ) == block
