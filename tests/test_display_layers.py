"""The package's shape: two layers, no import cycle, small modules, no state on matplotlib
objects, matplotlib's privates read in one place, tests and benchmarks apart."""

from __future__ import annotations

import ast
from functools import partial
from pathlib import Path

import matplotlib
import pytest
from matplotlib.axis import Axis
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

import helpers
from helpers.display import matplotlib_private

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "helpers"
MODULE_LIMIT = 450


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The helpers modules ``path`` imports, at any depth of the file (lazy imports count):
    ``from package import module`` counts the module, ``from package import name`` the
    package (its ``__init__``)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules
                          else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    """Module (a package stands for its ``__init__``) -> the helpers modules it imports."""
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: _imports(path, set(files)) - {name} for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_import_graph_of_helpers_has_no_cycle():
    graph = import_graph()
    assert graph["helpers.decay"] >= {"helpers.noise_floor"}  # the scan sees imports
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph))}"


def test_the_display_layer_imports_no_topic_module():
    for name, targets in import_graph().items():
        if name.startswith("helpers.display"):
            outside = {t for t in targets if not t.startswith("helpers.display")}
            assert outside <= {"helpers.validation"}, f"{name} imports {outside}"


def test_every_module_is_within_the_house_limit():
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "labdriver").rglob("*.py")]:
        lines = len(path.read_text().splitlines())
        assert lines <= MODULE_LIMIT, f"{path.relative_to(ROOT)} has {lines} lines"


def test_no_course_code_sets_attributes_on_matplotlib_objects():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert "._course" not in text, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr":
                pytest.fail(f"setattr in {path.relative_to(ROOT)}")


def test_only_one_module_reads_matplotlib_privates():
    private = ("._left_title", "._right_title", "._axis_map", "._frameon")
    for path in PACKAGE.rglob("*.py"):
        if path.name != "matplotlib_private.py":
            text = path.read_text()
            assert not any(name in text for name in private), path


def test_the_matplotlib_privates_the_course_reads_are_still_there():
    """Fails loudly when a matplotlib release moves what ``matplotlib_private`` reads."""
    _figure, ax = helpers.new_figure()
    ax.set_title("left", loc="left")
    parts = matplotlib_private.axes_parts(ax)
    assert all(isinstance(title, Text) for title in parts.titles)
    assert parts.titles[1].get_text() == "left"
    assert set(parts.axis_artists) == {ax.xaxis, ax.yaxis}
    assert all(isinstance(axis, Axis) for axis in parts.axis_artists)
    ax.set_xticks([0, 1], labels=["a", "b"])
    call = matplotlib_private.tick_label_call(ax.xaxis.get_major_formatter())
    assert isinstance(call, partial), (
        f"matplotlib {matplotlib.__version__} no longer wraps set_ticks labels in a partial "
        f"(checked on {matplotlib_private.CHECKED_ON})"
    )
    assert matplotlib_private.tick_label_call(FuncFormatter(lambda x, pos: "")) is None
    assert matplotlib_private.max_n_settings(MaxNLocator(5)) != matplotlib_private.max_n_settings(
        MaxNLocator(7)
    )


def _top_level_imports(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_tests_and_benchmarks_do_not_import_each_other():
    assert "benchmarks" not in _top_level_imports(ROOT / "tests")
    assert "tests" not in _top_level_imports(ROOT / "benchmarks")
    assert "labdriver" in _top_level_imports(ROOT / "tests")  # both use the one driver
    assert "labdriver" in _top_level_imports(ROOT / "benchmarks")


if __name__ == "__main__":  # python tests/test_display_layers.py: print the graph
    graph = import_graph()
    for module, targets in sorted(graph.items()):
        print(f"{module} -> {', '.join(sorted(targets)) or '(nothing)'}")
    print("cycle:", " -> ".join(find_cycle(graph) or []) or "none")
