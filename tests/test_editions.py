"""The student edition (``course.py student``) and the reading site's build (``course.py site``).

The student edition of the whole course is built once and executed top to bottom, one
notebook after the other, in this module's fixture: no cell may fail, every exercise stub
must answer "not solved yet", and no reference solution may be left. The per-topic
``tests/test_exercises_*.py`` prove that the reference solutions pass their checkers. The
reading site is checked in a browser in ``tests/e2e/test_site.py``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import nbclient
import nbformat
import pytest
from bs4 import BeautifulSoup

import helpers.exercises
from editions import site, student

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _synthetic_course(folder: Path, *, tag_the_solution: bool = True) -> Path:
    """A notebook with an exercise, its tagged solution cell and a cell after them."""
    code = nbformat.v4.new_code_cell
    stub = code(
        "def my_double(x):\n    raise NotImplementedError\n\n\nexercises.check_double(my_double)",
        execution_count=3,
        outputs=[nbformat.v4.new_output("stream", text="Double: not solved yet: ...\n")],
    )
    solution = code(
        "exercises.show_solution(exercises.solution_double)\n"
        "exercises.check_double(exercises.solution_double)",
        metadata={"tags": ["solution"]} if tag_the_solution else {},
        execution_count=4,
        outputs=[nbformat.v4.new_output("stream", text="def solution_double(x):\n")],
    )
    after = code("print('after')", metadata={"tags": ["keep"]}, execution_count=5)
    title = nbformat.v4.new_markdown_cell("# 99 · Test\n\n**Exercise.** Double it.")
    notebook = nbformat.v4.new_notebook(cells=[title, stub, solution, after])
    path = folder / "99_test.ipynb"
    nbformat.write(notebook, path)
    return path


def test_student_edition_drops_tagged_solutions_and_clears_outputs(tmp_path):
    path = _synthetic_course(tmp_path)
    written, notes = student.build([path], output=tmp_path / "student")
    assert written == [tmp_path / "student" / "99_test.ipynb"] and notes == []
    cells = nbformat.read(written[0], as_version=4).cells
    assert [cell.cell_type for cell in cells] == ["markdown", "code", "code"]
    assert "raise NotImplementedError" in cells[1].source  # the stub and its checker stay
    assert "exercises.check_double(my_double)" in cells[1].source
    assert cells[2].source == "print('after')" and cells[2].metadata["tags"] == ["keep"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in cells[1:])
    assert not any("solution" in cell.source for cell in cells)


def test_student_edition_never_overwrites_the_teachers_notebooks(tmp_path):
    path = _synthetic_course(tmp_path)
    with pytest.raises(ValueError, match="holds the teacher's notebooks"):
        student.build([path], output=tmp_path)
    assert "solution" in nbformat.read(path, as_version=4).cells[2].metadata["tags"]


def test_untagged_solution_cell_is_refused(tmp_path):
    path = _synthetic_course(tmp_path, tag_the_solution=False)
    with pytest.raises(ValueError, match=r"99_test.ipynb.*\n.*cell 2 .*solution_double") as error:
        student.build([path], output=tmp_path / "student")
    assert 'Tag each solution cell with "solution"' in str(error.value)
    assert not (tmp_path / "student").exists()  # nothing half-written


def test_markdown_naming_a_solution_gets_a_note(tmp_path):
    path = _synthetic_course(tmp_path)
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source += "\n\nStuck? `exercises.show_solution(exercises.solution_double)`"
    nbformat.write(notebook, path)
    _, notes = student.build([path], output=tmp_path / "student")
    assert notes == [
        "99_test.ipynb: markdown cell 0 ('# 99 · Test') names show_solution, solution_double"
    ]


def _reference_solutions() -> dict[str, str]:
    """Every ``solution_*`` in ``helpers.exercises``: its name and source."""
    found = {}
    for module_info in pkgutil.iter_modules(helpers.exercises.__path__):
        module = importlib.import_module(f"helpers.exercises.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("solution_") and function.__module__ == module.__name__:
                found[name] = inspect.getsource(function)
    return found


def _text_of(outputs) -> str:
    parts = []
    for output in outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append("\n".join(output.traceback))
        else:
            parts.extend(str(value) for value in output.get("data", {}).values())
    return "\n".join(parts)


def _code_lines(text: str) -> str:
    """The non-blank lines of some code, stripped, one per line (to find a copied body)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    """The course's student edition, built, then executed: {name: (teacher, student)}.

    The notebooks run one after the other in one kernel, which starts once and imports
    torch, torchaudio and librosa once (most of a notebook's run time here), with a
    ``%reset -f`` before each notebook, so that each starts from an empty namespace: a
    name that only a removed solution cell defined fails as it would in a fresh kernel.
    nbval runs every teacher's notebook in a fresh kernel of its own.
    """
    folder = tmp_path_factory.mktemp("student")
    written, _ = student.build(output=folder)
    client = nbclient.NotebookClient(
        nbformat.v4.new_notebook(),
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    executed = {}
    with client.setup_kernel():
        for path in written:
            notebook = nbformat.read(path, as_version=4)
            client.nb = notebook
            client.execute_cell(nbformat.v4.new_code_cell("%reset -f"), 0)
            try:
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index)
            except nbclient.exceptions.CellExecutionError as error:
                pytest.fail(f"the student edition of {path.name} failed:\n{error}", pytrace=False)
            teacher = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
            executed[path.name] = (teacher, notebook)
    return executed


def test_student_edition_has_every_notebook(student_edition):
    assert sorted(student_edition) == [path.name for path in NOTEBOOKS]


@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_student_edition_has_no_solution(student_edition, name):
    teacher, notebook = student_edition[name]
    tagged = [cell.source for cell in teacher.cells if "solution" in cell.metadata.get("tags", [])]
    assert len(notebook.cells) == len(teacher.cells) - len(tagged)
    sources = [cell.source for cell in notebook.cells]
    assert not [source for source in tagged if source in sources]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [cell.source for cell in code if student.SOLUTION_TEXT.search(cell.source)]
    shown = "\n".join(cell.source + "\n" + _text_of(cell.outputs) for cell in code)
    lines_shown = _code_lines(shown)
    for solution, source in _reference_solutions().items():
        assert f"def {solution}(" not in shown, f"{name} shows {solution}"
        body = _code_lines(source.split(":\n", 1)[1].split('"""')[-1])
        assert body not in lines_shown, f"{name} shows {solution}'s code:\n{body}"


@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_student_exercises_report_not_solved(student_edition, name):
    _, notebook = student_edition[name]
    stubs = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        and "raise NotImplementedError" in cell.source
        and re.search(r"\bexercises\.check_\w+\(", cell.source)
    ]
    assert stubs, f"{name} has no exercise stub (raise NotImplementedError, then a checker)"
    for cell in stubs:
        shown = _text_of(cell.outputs)
        assert "not solved yet: " in shown, f"{name}: {cell.source[:60]!r} shows {shown[:300]!r}"
        assert "Traceback" not in shown


def test_course_map_lists_existing_notebooks_with_their_times():
    lessons = site.course_map((ROOT / "README.md").read_text(encoding="utf-8"))
    names = {path.name for path in NOTEBOOKS}
    assert lessons and all(lesson.notebook in names for lesson in lessons)
    assert all(lesson.minutes and 10 <= lesson.minutes <= 120 for lesson in lessons)
    assert all(lesson.title.startswith(lesson.notebook[:2] + " ") for lesson in lessons)


def test_course_map_names_a_bad_row():
    readme = "## Course map\n\n| notebook | what | time |\n|---|---|---|\n"
    readme += "| 01 audio | x | 4 min |\n"
    with pytest.raises(ValueError, match=r"course map: expected .*'\| 01 audio \| x \| 4 min \|'"):
        site.course_map(readme)
    with pytest.raises(ValueError, match='no "## Course map" section'):
        site.course_map("# A title\n")


def test_math_becomes_mathml_or_a_clear_error():
    mathml = site.tex_to_mathml(r"\frac{P_s}{P_n}", display=True)
    assert mathml.startswith("<math") and 'display="block"' in mathml and "<mfrac>" in mathml
    with pytest.raises(ValueError, match=r"\$x\^\$ to MathML"):
        site.tex_to_mathml("x^", display=False)
    with pytest.raises(ValueError, match=r"would show '\\\\unknowncommand' as text"):
        site.tex_to_mathml(r"\unknowncommand x", display=False)


def test_links_between_notebooks_point_at_their_pages():
    html = (
        '<a href="02_noise_and_reverb.ipynb#1-·-Signal">a</a>'
        '<a href="notebooks/01_audio_effects.ipynb">b</a>'
        '<a href="../notebooks/03_x.ipynb">c</a>'
        '<a href="https://example.org/01_x.ipynb">d</a><a href="#top">e</a>'
    )
    hrefs = re.findall(r'href="([^"]*)"', site.rewrite_notebook_links(html))
    assert hrefs == [
        "02_noise_and_reverb.html#1-·-Signal",
        "01_audio_effects.html",
        "03_x.html",
        "https://example.org/01_x.ipynb",
        "#top",
    ]


def test_site_folds_solutions_away_and_links_pages(tmp_path):
    path = _synthetic_course(tmp_path)
    pages = site.build(output=tmp_path / "site", notebooks=[path])
    assert [page.name for page in pages] == ["index.html", "99_test.html"]
    text = pages[1].read_text(encoding="utf-8")
    folded = re.search(r'<details class="course-solution">(.*?)</details>', text, re.S)
    assert folded and "solution_double" in folded.group(1)
    assert text.count("solution_double") == folded.group(1).count("solution_double")
    nav = BeautifulSoup(text, "html.parser").select("nav.course-nav a")
    assert [(a["rel"], a["href"]) for a in nav] == [(["index"], "index.html")] * 2
    index = BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in index.select("table a")] == ["99_test.html"]
    assert [a["href"] for a in index.select("nav.course-nav a[rel=next]")] == ["99_test.html"] * 2
    assert not index.select("script[src]") and "<script src=" not in text
