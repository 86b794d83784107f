"""The "Used in:" line of each helper's docstring, derived from the notebooks that call it.

Every public helper a notebook calls names the notebooks and sections that use it, so a
reader of ``helpers/`` finds the lesson that teaches it (as libfmp's "Notebook:" lines do).
The lines are derived, never written by hand: this module reads every notebook (core and
deep dives), finds the helpers each section calls, and compares that with the docstrings.

    python -m editions.used_in            # list the helpers whose line is out of date
    python -m editions.used_in --write    # rewrite those lines in place

``tests/test_used_in.py`` fails while a line is out of date and names the command.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

from editions import all_notebooks

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "Used in: "
LINE_LENGTH = 100
SECTION = re.compile(r"^##\s+(\d+)\s+·")
TITLE = re.compile(r"^#\s+(\w+)\s+·\s+(?:Going deeper:\s*)?(.*)")


def short_title(path: Path) -> str:
    """``"02 · Background noise at a measured SNR"``: the notebook's number and its title up
    to the first comma, colon or question mark."""
    first = json.loads(path.read_text())["cells"][0]
    heading = "".join(first["source"]).splitlines()[0]
    match = TITLE.match(heading)
    if match is None:
        raise ValueError(f"{path.name}: the first cell should start with '# NN · Title'")
    title = re.split(r"[,:]|(?<=\?)\s", match.group(2))[0].strip()
    return f"{match.group(1)} · {title}"


def _helpers_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> the helpers module or object it was imported as."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "helpers":
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _resolve(dotted: str) -> object | None:
    module_name, _, attribute = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError):
        try:
            return importlib.import_module(dotted)
        except ImportError:
            return None


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    """``noise.snr_db`` -> ``helpers.noise.snr_db`` when ``noise`` came from helpers."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, names)
        return f"{base}.{node.attr}" if base else None
    return None


def _code(source: str) -> ast.Module | None:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def usage() -> dict[str, list[tuple[str, int]]]:
    """``module.qualname`` of each helper a notebook calls -> ``(short title, section)``
    pairs, in course order."""
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for path in all_notebooks():
        title = short_title(path)
        names: dict[str, str] = {}
        section = None
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                for line in source.splitlines():
                    if line.startswith("## "):
                        match = SECTION.match(line)
                        section = int(match.group(1)) if match else None
                continue
            tree = _code(source)
            if tree is None:
                continue
            names.update(_helpers_names(tree))
            if section is None:
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Attribute | ast.Name):
                    continue
                dotted = _dotted(node, names)
                if dotted is None or dotted.startswith("helpers.exercises"):
                    continue
                target = _resolve(dotted)
                if not (inspect.isfunction(target) or inspect.isclass(target)):
                    continue
                if not target.__module__.startswith("helpers."):
                    continue
                key = f"{target.__module__}.{target.__qualname__}"
                if (title, section) not in found[key]:
                    found[key].append((title, section))
    return dict(found)


def line_for(uses: list[tuple[str, int]]) -> str:
    """``"Used in: 02 · Background noise at a measured SNR, §1, §5; 05 · ..., §3."``"""
    by_notebook: dict[str, list[int]] = {}
    for title, section in uses:
        by_notebook.setdefault(title, []).append(section)
    parts = [
        f"{title}, " + ", ".join(f"§{section}" for section in sorted(set(sections)))
        for title, sections in by_notebook.items()
    ]
    return PREFIX + "; ".join(parts) + "."


def _docstring_lines(path: Path) -> dict[str, tuple[int, int, int]]:
    """Top-level function or class name -> (first line, last line, indent) of its docstring
    (0-based line numbers)."""
    spans = {}
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.FunctionDef | ast.ClassDef):
            continue
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            if isinstance(first.value.value, str):
                spans[node.name] = (first.lineno - 1, first.end_lineno - 1, node.col_offset + 4)
    return spans


def _without_used_in(lines: list[str], start: int, end: int) -> list[str]:
    """The docstring's lines without its "Used in" paragraph (and the blank line after it)."""
    block = lines[start : end + 1]
    for index, line in enumerate(block):
        if line.strip().startswith(PREFIX):
            stop = index + 1
            while stop < len(block) and block[stop].strip() and '"""' not in block[stop]:
                stop += 1
            if stop < len(block) and not block[stop].strip():
                stop += 1
            elif index > 0 and not block[index - 1].strip():
                index -= 1
            block = block[:index] + block[stop:]
            break
    return block


def _with_used_in(block: list[str], indent: int, text: str) -> list[str]:
    """Insert ``text`` (wrapped) as the paragraph after the docstring's summary."""
    pad = " " * indent
    paragraph = [pad + part for part in textwrap.wrap(text, LINE_LENGTH - indent,
                                                      break_on_hyphens=False)]
    blank = next((i for i, line in enumerate(block) if i > 0 and not line.strip()), None)
    if blank is not None:
        return block[: blank + 1] + paragraph + [""] + block[blank + 1 :]
    if block[-1].strip() == '"""':
        return [*block[:-1], "", *paragraph, block[-1]]
    last = block[-1].rstrip()
    if not last.endswith('"""'):
        raise ValueError(f"cannot place a Used-in line in the docstring ending {last!r}")
    return [*block[:-1], last[:-3], "", *paragraph, pad + '"""']


def _current(block: list[str]) -> str | None:
    """The docstring's "Used in" paragraph as one line, or None."""
    for index, line in enumerate(block):
        if line.strip().startswith(PREFIX):
            paragraph = [line.strip()]
            for later in block[index + 1 :]:
                if not later.strip() or later.strip() == '"""':
                    break
                paragraph.append(later.strip())
            return " ".join(paragraph).removesuffix('"""').strip()
    return None


def stale(write: bool = False) -> list[str]:
    """The helpers whose "Used in" line differs from the notebooks (rewritten if ``write``)."""
    wanted = {key: line_for(uses) for key, uses in usage().items()}
    out_of_date = []
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        if "exercises" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        lines = path.read_text().split("\n")
        changed = False
        for name, (start, end, indent) in sorted(_docstring_lines(path).items(),
                                                 key=lambda item: -item[1][0]):
            text = wanted.get(f"{module}.{name}")
            block = lines[start : end + 1]
            if _current(block) == text:
                continue
            out_of_date.append(f"{module}.{name}: {text or 'no notebook calls it'}")
            if write:
                bare = _without_used_in(lines, start, end)
                lines[start : end + 1] = _with_used_in(bare, indent, text) if text else bare
                changed = True
        if changed:
            path.write_text("\n".join(lines))
    return out_of_date


def main(argv: list[str]) -> int:
    write = "--write" in argv
    found = stale(write=write)
    for line in found:
        print(line)
    if found and not write:
        print(f"{len(found)} out of date: python -m editions.used_in --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
