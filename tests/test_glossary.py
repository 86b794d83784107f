"""The glossary on the reading site's index (editions/glossary.py): every link resolves to a
heading of its notebook, and the term appears in the section under that heading."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest

from editions import glossary

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")


@functools.cache
def sections(path: Path) -> dict[str, str]:
    """Each markdown heading of the notebook and the markdown of its section (the heading,
    down to the next heading of the same or a higher level)."""
    lines = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            lines += cell.source.splitlines()
    headings = [
        (number, len(match["level"]), match["text"])
        for number, line in enumerate(lines)
        if (match := HEADING.match(line))
    ]
    found = {}
    for position, (number, level, text) in enumerate(headings):
        end = next(
            (later for later, later_level, _ in headings[position + 1 :] if later_level <= level),
            len(lines),
        )
        found.setdefault(text, "\n".join(lines[number:end]))
    return found


@pytest.mark.parametrize("term", glossary.TERMS, ids=lambda term: term.term)
def test_glossary_link_resolves_to_the_defining_section(term):
    path = ROOT / "notebooks" / term.notebook
    assert path.is_file(), (
        f"glossary: {term.term!r} points at {term.notebook}, which does not exist"
    )
    found = sections(path)
    assert term.heading in found, (
        f"glossary: {term.term!r} points at the heading {term.heading!r}, which "
        f"{term.notebook} does not have; its headings: {sorted(found)}"
    )
    prose = " ".join(found[term.heading].split()).casefold()  # a term may wrap across lines
    assert term.searched.casefold() in prose, (
        f"glossary: the section {term.heading!r} of {term.notebook} never says "
        f"{term.searched!r}; point {term.term!r} at the section that defines it"
    )


def test_anchors_are_the_ones_the_site_gives_its_headings():
    assert glossary.heading_anchor("3 · Room impulse response") == "3-%C2%B7-Room-impulse-response"
    assert glossary.heading_anchor("`conv1d` needs the flipped RIR") == (
        "conv1d-needs-the-flipped-RIR"
    )


def test_glossary_covers_the_core_terms_once():
    names = [term.term.casefold() for term in glossary.TERMS]
    assert len(names) == len(set(names))
    for core in ("sample rate", "dbfs", "snr", "nyquist frequency", "aliasing", "stft", "mfcc"):
        assert any(name.startswith(core) for name in names), core
    table = glossary.glossary_markdown()
    assert table.count("\n| [") == len(names)
