"""Every stated reading time is the measure (editions/reading_time.py), rounded to 5 minutes:
each notebook's own ``**Time:** about N minutes.`` line, the README's course map (core
notebooks) and its "Going deeper" table (deep dives)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from editions import all_notebooks, core_notebooks, deep_dives, site
from editions.reading_time import (
    ReadingTime,
    reading_minutes,
    reading_time,
    rounded_to_five,
    stated_minutes,
)

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _tiny_notebook(folder: Path) -> Path:
    """Six prose words (one inside a tag), three code lines, one figure, two players."""
    code = nbformat.v4.new_code_cell(
        "x = 1\n\ny = 2\n   \nprint(x + y)",
        outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
            nbformat.v4.new_output(
                "display_data",
                data={"text/html": '<audio controls src="a"></audio><AUDIO src="b">'},
            ),
            nbformat.v4.new_output("stream", text="3\n"),
        ],
    )
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "# A title\n\n**Time:** about 5 minutes.<br/><b>bold</b>"
            ),
            code,
        ]
    )
    path = folder / "99_tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def test_reading_minutes_counts_words_lines_figures_and_players(tmp_path):
    path = _tiny_notebook(tmp_path)
    assert reading_time(path) == ReadingTime(words=8, code_lines=3, figures=1, players=2)
    assert reading_minutes(path) == pytest.approx(8 / 120 + 3 / 8 + 0.5 + 2 / 6)
    assert stated_minutes(path) == 5 and reading_time(path).stated == 0


def test_rounding_to_five_minutes():
    assert [rounded_to_five(m) for m in (0, 2.4, 2.5, 44.9, 47.4, 47.5, 174.8)] == [
        0,
        0,
        5,
        45,
        45,
        50,
        175,
    ]


def _fix(path: Path, measured: ReadingTime) -> str:
    return (
        f"{measured.words} words, {measured.code_lines} code lines, {measured.figures} figures, "
        f"{measured.players} players: {measured.minutes:.1f} min by the measure; state "
        f"'**Time:** about {measured.stated} minutes.' in its first markdown cell"
    )


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda path: path.name)
def test_notebook_states_its_measured_time(path):
    measured = reading_time(path)
    stated = stated_minutes(path)
    assert stated == measured.stated, f"{path.name} states {stated} min; {_fix(path, measured)}"


def _readme_times(lessons: list[site.Lesson], paths: list[Path], table: str) -> list[str]:
    problems = []
    listed = {Path(lesson.notebook).name: lesson for lesson in lessons}
    for path in paths:
        lesson = listed.pop(path.name, None)
        measured = reading_time(path)
        if lesson is None:
            problems.append(f"{path.name} is missing from the README's {table}")
        elif lesson.minutes != measured.stated:
            problems.append(
                f"{path.name}: the README's {table} says {lesson.time!r}, the measure gives "
                f"{measured.minutes:.1f} min: write '{measured.stated} min'"
            )
    problems += [f"the README's {table} lists {name}, which does not exist" for name in listed]
    return problems


def test_readme_course_map_shows_the_measured_times():
    problems = _readme_times(site.course_map(README), core_notebooks(), "course map")
    assert not problems, "\n".join(problems)


def test_readme_going_deeper_shows_the_measured_times():
    problems = _readme_times(site.going_deeper(README), deep_dives(), '"Going deeper" table')
    assert not problems, "\n".join(problems)


def test_readme_tables_are_checked_for_deep_dives_too(tmp_path):
    """A deep dive's row is read from "Going deeper" (an empty table is no rows)."""
    readme = "## Going deeper\n\n| deep dive | what it adds | time |\n|---|---|---|\n\n## Next\n"
    assert site.going_deeper(readme) == [] and site.going_deeper("# Title\n") == []
    readme = readme.replace(
        "|---|---|---|\n",
        "|---|---|---|\n| [01a · Kernels](notebooks/deeper/01a_k.ipynb) | x | 5 min |\n",
    )
    (lesson,) = site.going_deeper(readme)
    assert lesson.notebook == "deeper/01a_k.ipynb" and lesson.minutes == 5 and lesson.deep_dive
    with pytest.raises(ValueError, match="should link notebooks/deeper"):
        site.going_deeper(readme.replace("notebooks/deeper/01a_k", "notebooks/01_k"))
