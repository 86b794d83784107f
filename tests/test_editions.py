"""The student edition (``course.py student``) and the reading site's build (``course.py site``).

The student edition of the whole course is built once in this module's fixture and
compared with the teacher's notebooks, which nbval runs top to bottom in every test run:
it is the same notebook less its solution cells, which bind no name, so it runs as the
teacher's does (one built edition is also run here); every exercise stub answers
"not solved yet"; and no reference solution is left. The per-topic
``tests/test_exercises_*.py`` prove that the reference solutions pass their checkers. The
reading site is checked in a browser in ``tests/e2e/test_site.py``.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import io
import pkgutil
import random
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from bs4 import BeautifulSoup

import helpers.exercises
from editions import all_notebooks, site, student

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))  # the core notebooks
EVERY_NOTEBOOK = all_notebooks()  # and the deep dives (notebooks/deeper/)


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
    """The course's student edition, built: {name: (teacher, student)}."""
    folder = tmp_path_factory.mktemp("student")
    written, _ = student.build(output=folder)
    return {
        path.name: (
            nbformat.read(ROOT / "notebooks" / path.relative_to(folder), as_version=4),
            nbformat.read(path, as_version=4),
        )
        for path in written
    }


def test_student_edition_has_every_notebook(student_edition):
    assert sorted(student_edition) == sorted(path.name for path in EVERY_NOTEBOOK)


def _is_solution(cell) -> bool:
    return "solution" in cell.metadata.get("tags", [])


def _names_a_solution(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "exercises"
        and node.attr.startswith("solution_")
    )


def _binds_nothing(source: str) -> bool:
    """Whether a cell is only calls ``exercises.show_solution(exercises.solution_x)`` and
    ``exercises.check_x(exercises.solution_x, ...)``: it defines no name a later cell
    could use, so the notebook without it runs as the notebook with it does."""
    for statement in ast.parse(source).body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "exercises"
            and (call.func.attr == "show_solution" or call.func.attr.startswith("check_"))
            and not call.keywords
            and call.args
            and all(_names_a_solution(argument) for argument in call.args)
        ):
            return False
    return True


@pytest.mark.parametrize("name", [path.name for path in EVERY_NOTEBOOK])
def test_student_edition_runs_as_the_teachers_does(student_edition, name):
    """The student edition runs top to bottom, without executing it a second time.

    It is the teacher's notebook, which nbval runs top to bottom in every test run, less
    its solution cells, cell for cell; and a solution cell only shows and checks a
    reference solution, binding no name, so no cell after it can depend on it (a checker
    leaves the global random generators alone: ``test_checkers_leave_global_state_alone``).
    ``test_a_built_student_notebook_runs`` runs one built edition.
    """
    teacher, notebook = student_edition[name]
    kept = [(cell.cell_type, cell.source) for cell in teacher.cells if not _is_solution(cell)]
    assert [(cell.cell_type, cell.source) for cell in notebook.cells] == kept
    removed = [cell.source for cell in teacher.cells if _is_solution(cell)]
    core = {path.name for path in NOTEBOOKS}  # a deep dive may have no exercise
    assert removed or name not in core, f"{name} has no solution cell"
    assert [source for source in removed if not _binds_nothing(source)] == []


def _random_states() -> tuple:
    """The global generators' states: torch's, NumPy's legacy one, Python's."""
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002 (the global one, on purpose)
    return torch.get_rng_state(), numpy_state, random.getstate()


def test_checkers_leave_global_state_alone():
    """Every solution cell of the course, run: the global random generators (torch's,
    NumPy's, Python's) are where they were after it."""
    cells = []
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
        topic = re.search(r"^from helpers\.exercises import (\w+) as exercises$", code, re.M)
        assert topic, f"{path.name} does not import its exercises as `exercises`"
        module = importlib.import_module(f"helpers.exercises.{topic.group(1)}")
        cells += [(path.name, module, cell.source) for cell in notebook.cells if _is_solution(cell)]
    assert len(cells) >= 5 * 3
    for name, module, source in cells:
        before = _random_states()
        exec(compile(source, f"<{name} solution cell>", "exec"), {"exercises": module})
        after = _random_states()
        assert torch.equal(before[0], after[0]), f"{name}: {source[:60]!r} drew from torch"
        assert (before[1] == after[1]).all(), f"{name}: {source[:60]!r} drew from NumPy"
        assert before[2] == after[2], f"{name}: {source[:60]!r} drew from random"


def test_a_built_student_notebook_runs(tmp_path):
    """A notebook with a real exercise, built, then its cells run in order in one namespace
    (in this process, as a kernel would run them): the stub says not solved yet, and the
    cell after the removed solution runs."""
    code = nbformat.v4.new_code_cell
    cells = [
        code("from helpers.exercises import resampling as exercises"),
        code(
            "def my_fold_frequency(frequency_hz, sample_rate):\n"
            "    raise NotImplementedError\n\n\n"
            "exercises.check_fold_frequency(my_fold_frequency)"
        ),
        code(
            "exercises.show_solution(exercises.solution_fold_frequency)\n"
            "exercises.check_fold_frequency(exercises.solution_fold_frequency)",
            metadata={"tags": ["solution"]},
        ),
        code("print('after the exercise')"),
    ]
    path = tmp_path / "98_exercise.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    written, _ = student.build([path], output=tmp_path / "student")
    notebook = nbformat.read(written[0], as_version=4)
    assert len(notebook.cells) == 3
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        shown = [_run_cell(cell.source, namespace) for cell in notebook.cells]
    assert not shown[1] and "not solved yet: " in repr(shown[1])
    assert printed.getvalue() == "after the exercise\n"


def _run_cell(source: str, namespace: dict):
    """Run a code cell as a kernel does, in ``namespace``; return its last expression's value."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None


@pytest.mark.parametrize("name", [path.name for path in EVERY_NOTEBOOK])
def test_student_edition_has_no_solution(student_edition, name):
    teacher, notebook = student_edition[name]
    tagged = [cell.source for cell in teacher.cells if _is_solution(cell)]
    assert len(notebook.cells) == len(teacher.cells) - len(tagged)
    sources = [cell.source for cell in notebook.cells]
    assert not [source for source in tagged if source in sources]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [cell.source for cell in code if student.SOLUTION_TEXT.search(cell.source)]
    # what the student sees once the cells have run: the teacher's outputs of the same
    # cells (nbval checks that a run reproduces them)
    outputs = {cell.source: cell.outputs for cell in teacher.cells if cell.cell_type == "code"}
    shown = "\n".join(cell.source + "\n" + _text_of(outputs[cell.source]) for cell in code)
    lines_shown = _code_lines(shown)
    for solution, source in _reference_solutions().items():
        assert f"def {solution}(" not in shown, f"{name} shows {solution}"
        body = _code_lines(source.split(":\n", 1)[1].split('"""')[-1])
        assert body not in lines_shown, f"{name} shows {solution}'s code:\n{body}"


@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_student_exercises_report_not_solved(student_edition, name):
    teacher, _ = student_edition[name]  # the same stub cells; nbval reproduces their outputs
    stubs = [
        cell
        for cell in teacher.cells
        if cell.cell_type == "code"
        and not _is_solution(cell)
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
    assert all(lesson.minutes for lesson in lessons)  # the measure's: test_reading_time.py
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
    assert [a["href"] for a in index.select("table")[0].select("a")] == ["99_test.html"]
    assert [a["href"] for a in index.select("nav.course-nav a[rel=next]")] == ["99_test.html"] * 2
    assert not index.select("script[src]") and "<script src=" not in text


def test_deep_dives_get_their_own_section(tmp_path):
    """A notebook in ``deeper/`` goes to the student edition's ``deeper/`` and to a page of
    its own, listed in the index's "Going deeper" section after the core pages."""
    core = _synthetic_course(tmp_path)
    (tmp_path / "deeper").mkdir()
    deep = tmp_path / "deeper" / "99a_more.ipynb"
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 99a · More\n\nBack to [the core](../99_test.ipynb)."),
            nbformat.v4.new_code_cell("print(1)"),
        ]
    )
    nbformat.write(notebook, deep)
    written, _ = student.build([core, deep], output=tmp_path / "student")
    assert written == [
        tmp_path / "student" / "99_test.ipynb",
        tmp_path / "student" / "deeper" / deep.name,
    ]
    pages = site.build(output=tmp_path / "site", notebooks=[core, deep])
    assert [page.name for page in pages] == ["index.html", "99_test.html", "99a_more.html"]
    index = BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser")
    heading = index.find(id="Going-deeper")
    assert heading is not None and heading.find_next("table").select("a")[0]["href"] == (
        "99a_more.html"
    )
    assert index.find(id="Glossary") is not None
    deep_page = BeautifulSoup(pages[2].read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in deep_page.select("nav.course-nav.top a")] == [
        "index.html",
        "99_test.html",
    ]
    assert deep_page.find("a", string="the core")["href"] == "99_test.html"
