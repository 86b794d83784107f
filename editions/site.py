"""The reading site: every notebook as a static HTML page, readable offline from ``file://``.

Each page is nbconvert's HTML export of the committed notebook (its stored outputs:
figures, audio players and each explorer's static view of its default settings), with
links to the course map and to the previous and next notebooks. Nothing on a page is
fetched from the network: images and audio are embedded as ``data:`` URLs, the style
sheets are inline, and math is converted from TeX to MathML when the site is built
(with ``latex2mathml``), which browsers lay out themselves, so no MathJax, require.js or
web font is needed. Links between notebooks (``NN_name.ipynb``, ``deeper/NNx_name.ipynb``)
point at their pages. The index page holds the README's introduction, its course map, its
"Going deeper" table of deep dives (``notebooks/deeper/``, pages of their own, after the
core pages in the previous/next sequence), a glossary (``editions/glossary.py``) and the
audio credits.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import latex2mathml.converter
import nbformat
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets.config import Config

from editions import DEEPER, core_notebooks, deep_dives, is_deep_dive
from editions.glossary import glossary_markdown

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
OUTPUT = ROOT / "build" / "site"
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: A link to a course notebook or deep dive, as the README (``notebooks/NN_name.ipynb``,
#: ``notebooks/deeper/NNx_name.ipynb``) or a notebook (``NN_name.ipynb``, ``./NN_name.ipynb``,
#: ``../NN_name.ipynb``, ``deeper/NNx_name.ipynb``) writes it. Every page lies in one folder.
NOTEBOOK_LINK = re.compile(
    r"^(?:\./|\.\./)?(?:notebooks/)?(?:deeper/)?(?P<stem>\d\d[a-z]?_[A-Za-z0-9_-]+)\.ipynb"
    r"(?P<fragment>#.*)?$"
)

#: A link's target as nbconvert writes it (double quotes, no line break).
HREF = re.compile(r'\bhref="(?P<href>[^"\n]*)"')

#: What a page shows of an output, best first. Widget views need a kernel (their state is
#: not stored), so the explorers' static ``text/html`` view is shown instead;
#: ``text/latex`` would need MathJax.
DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/plain",
]

NBSP = "\u00a0"  # keeps "40 min" on one line
NOTE = "Reading edition: outputs as the notebooks were last run. Run them to move the sliders."


@dataclass(frozen=True)
class Lesson:
    """One row of the README's course map or "Going deeper" table."""

    notebook: str  # path under notebooks/, e.g. "01_audio_effects.ipynb", "deeper/01a_x.ipynb"
    title: str  # e.g. "01 · Audio effects"
    topics: str  # markdown
    time: str  # e.g. "40 min"

    @property
    def page(self) -> str:
        return Path(self.notebook).with_suffix(".html").name

    @property
    def deep_dive(self) -> bool:
        return is_deep_dive(Path(self.notebook))

    @property
    def minutes(self) -> int | None:
        match = re.fullmatch(r"(\d+)\s*min", self.time.strip())
        return int(match.group(1)) if match else None


def course_map(readme: str) -> list[Lesson]:
    """The rows of the table under the README's "## Course map" heading.

    Raises ``ValueError`` when the section or its table is missing or a row does not
    link a notebook in its first column.
    """
    lessons = _readme_table(readme, "Course map", "notebooks/NN_name.ipynb", "what you learn")
    if lessons is None:
        raise ValueError('README.md has no "## Course map" section to build the index from')
    if not lessons:
        raise ValueError('the "## Course map" section of README.md has no table rows')
    return lessons


def going_deeper(readme: str) -> list[Lesson]:
    """The rows of the table under the README's "## Going deeper" heading (deep dives).

    An empty list when the section or its table has no rows yet. Raises ``ValueError``
    when a row does not link a deep dive (``notebooks/deeper/NNx_name.ipynb``).
    """
    target = "notebooks/deeper/NNx_name.ipynb"
    lessons = _readme_table(readme, "Going deeper", target, "what it adds") or []
    for lesson in lessons:
        if not lesson.deep_dive:
            raise ValueError(f"README.md going deeper: {lesson.title!r} should link {target}")
    return lessons


def _readme_table(readme: str, heading: str, target: str, topics: str) -> list[Lesson] | None:
    """The rows of the first table under ``## heading``; ``None`` without that section."""
    section = re.search(rf"^## {heading}\s*$(?P<body>.*?)(?=^## |\Z)", readme, re.M | re.S)
    if section is None:
        return None
    rows = [line.strip() for line in section["body"].splitlines() if line.strip().startswith("|")]
    lessons = []
    for row in rows[2:]:  # header, separator
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        link = re.fullmatch(r"\[(?P<title>[^\]]+)\]\((?P<target>[^)]+)\)", cells[0])
        match = NOTEBOOK_LINK.match(link["target"]) if link else None
        if match is None or len(cells) != 3:
            raise ValueError(
                f"README.md {heading.lower()}: expected '| [NN · title]({target}) "
                f"| {topics} | time |', got {row!r}"
            )
        folder = f"{DEEPER}/" if f"{DEEPER}/" in link["target"] else ""
        notebook = f"{folder}{match['stem']}.ipynb"
        lessons.append(Lesson(notebook, link["title"], cells[1], cells[2]))
    return lessons


def notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """The text of the notebook's first level-1 heading."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, re.M)
            if match:
                return match.group(1)
    return fallback


#: What latex2mathml leaves of TeX it does not know: a command as a token
#: (``<mi>\\foo</mi>``) or an alignment mark outside a matrix (``<mi>&</mi>``).
UNCONVERTED = re.compile(r"<m(?:i|o|n|text)\b[^>]*>\s*(\\[A-Za-z]+|&(?:amp;)?)\s*</m")


def tex_to_mathml(tex: str, display: bool) -> str:
    """MathML for a TeX formula.

    Raises ``ValueError`` naming the formula when latex2mathml cannot convert it, or
    would leave part of it as TeX (a command it does not know, an ``aligned`` ``&``).
    """
    try:
        mathml = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    except Exception as error:
        raise ValueError(
            f"cannot convert the formula ${tex}$ to MathML ({type(error).__name__}: {error}); "
            "check its braces, ^ and _, and \\left/\\right pairs"
        ) from error
    unconverted = UNCONVERTED.search(mathml)
    if unconverted:
        raise ValueError(
            f"the formula ${tex}$ would show {unconverted.group(1)!r} as text: latex2mathml "
            "does not convert it; write it with other commands (e.g. \\operatorname{name}, "
            "one equation per $$...$$ instead of aligned)"
        )
    return mathml


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with math written as MathML instead of TeX."""

    def block_math(self, body: str) -> str:
        return tex_to_mathml(body, display=True)

    def inline_math(self, body: str) -> str:
        return tex_to_mathml(body, display=False)

    def latex_environment(self, name: str, body: str) -> str:
        return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)


class SiteExporter(HTMLExporter):
    """HTML export for the reading site (template ``editions/templates/course_site``)."""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=True,  # an image file next to the notebook goes into the page
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
        )
        return MarkdownWithMath(renderer=renderer).render(source)

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return rewrite_notebook_links(html), resources


def exporter() -> SiteExporter:
    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    return SiteExporter(
        config=config, template_name="course_site", extra_template_basedirs=[str(TEMPLATES)]
    )


def rewrite_notebook_links(html: str) -> str:
    """Point every link to a course notebook (``href="NN_name.ipynb"``) at its page."""

    def page(match: re.Match) -> str:
        link = NOTEBOOK_LINK.match(match["href"])
        if link is None:
            return match[0]
        return f'href="{link["stem"]}.html{link["fragment"] or ""}"'

    return HREF.sub(page, html)


def _link(href: str, title: str) -> dict[str, str]:
    return {"href": href, "title": title}


def _rows(lessons: list[Lesson]) -> str:
    return "\n".join(
        f"| [{lesson.title}](notebooks/{lesson.notebook}) | {lesson.topics} "
        f"| {lesson.time.replace(' ', NBSP)} |"
        for lesson in lessons
    )


def index_notebook(
    readme: str, lessons: list[Lesson], deeper: list[Lesson] | None = None
) -> nbformat.NotebookNode:
    """The index page as a notebook of markdown cells taken from the README: its
    introduction, the course map, the deep dives, the glossary and the audio credits."""
    title = re.search(r"^#\s+(.+)$", readme, re.M)
    intro = re.search(r"^#\s+.+?$(?P<body>.*?)(?=^## )", readme, re.M | re.S)
    credits = re.search(r"^## Audio credits\s*$.*?(?=^## |\Z)", readme, re.M | re.S)
    minutes = [lesson.minutes for lesson in lessons]
    total = ""
    if all(m is not None for m in minutes):
        hours, rest = divmod(sum(minutes), 60)
        total = f"\n\nAltogether about {hours} h {rest:02d} min."
    course = (
        "## Course map\n\n| notebook | what you learn | time |\n|---|---|---|\n"
        + _rows(lessons)
        + total
        + "\n\nEach page shows a notebook as it was last run: its code, its figures, its audio "
        "players and each slider explorer at its default settings. To change the code or move "
        "the sliders, run the notebooks in JupyterLab (`python3 course.py lab`)."
    )
    cells = [f"# {title.group(1) if title else 'Course'}\n{intro['body'] if intro else ''}"]
    cells.append(course)
    if deeper:
        cells.append(
            "## Going deeper\n\nDeep dives hold the rigorous material beside the core path: "
            "measurement standards, algorithm internals, calibration. Each is linked from the "
            "core section where its topic comes up.\n\n"
            "| deep dive | what it adds | time |\n|---|---|---|\n" + _rows(deeper)
        )
    cells.append(glossary_markdown())
    if credits:
        cells.append(credits.group(0))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
    notebook.metadata["title"] = title.group(1) if title else "Course"
    return notebook


def build(output: Path = OUTPUT, notebooks: list[Path] | None = None) -> list[Path]:
    """Write the reading site into ``output`` (old pages removed); return the pages, index first.

    ``notebooks`` defaults to the core notebooks and the deep dives (``notebooks/deeper/``);
    a deep dive is any notebook in a ``deeper/`` folder. The pages are linked in one
    sequence (previous, next): the core notebooks, then the deep dives.
    """
    paths = core_notebooks() + deep_dives() if notebooks is None else list(notebooks)
    if not paths:
        raise ValueError(f"no notebooks to build the site from (looked in {NOTEBOOKS})")
    readme = README.read_text(encoding="utf-8")
    listed = {
        Path(lesson.notebook).name: lesson for lesson in course_map(readme) + going_deeper(readme)
    }
    sources = {path: nbformat.read(path, as_version=4) for path in paths}
    sections: dict[bool, list[tuple[Path, Lesson]]] = {False: [], True: []}
    for path, notebook in sorted(sources.items(), key=lambda item: item[0].name):
        lesson = listed.get(path.name)
        if lesson is None:  # a notebook the README's tables do not list yet
            folder = f"{DEEPER}/" if is_deep_dive(path) else ""
            title = notebook_title(notebook, path.stem)
            lesson = Lesson(f"{folder}{path.name}", title, "", "")
        sections[is_deep_dive(path)].append((path, lesson))
    missing = sorted(set(listed) - {path.name for path in paths})
    if missing and notebooks is None:
        print(f"note: the README's tables list notebooks that do not exist: {missing}")

    output.mkdir(parents=True, exist_ok=True)
    for stale in output.glob("*.html"):  # a page of a notebook since renamed or removed
        stale.unlink()
    site_exporter = exporter()
    index = _link("index.html", "Course map")
    lessons = [lesson for _, lesson in sections[False]]
    deeper = [lesson for _, lesson in sections[True]]
    first = (lessons or deeper)[0]
    pages = [output / "index.html"]
    _write(
        site_exporter,
        index_notebook(readme, lessons, deeper),
        output / "index.html",
        "index",
        {"index": None, "prev": None, "next": _link(first.page, first.title), "note": NOTE},
        NOTEBOOKS,
    )
    ordered = sections[False] + sections[True]
    for number, (path, lesson) in enumerate(ordered):
        notebook = sources[path]
        page = copy.deepcopy(notebook)
        page.metadata["title"] = notebook_title(notebook, lesson.title)
        before = ordered[number - 1][1] if number > 0 else None
        after = ordered[number + 1][1] if number + 1 < len(ordered) else None
        site = {
            "index": index,
            "prev": _link(before.page, before.title) if before else None,
            "next": _link(after.page, after.title) if after else None,
            "note": NOTE,
        }
        pages.append(output / lesson.page)
        _write(site_exporter, page, pages[-1], path.stem, site, path.parent)
    return pages


def _write(
    site_exporter: SiteExporter,
    notebook: nbformat.NotebookNode,
    target: Path,
    name: str,
    site: dict[str, Any],
    folder: Path,
) -> None:
    resources = {"metadata": {"name": name, "path": str(folder)}, "site": site}
    html, _ = site_exporter.from_notebook_node(notebook, resources=resources)
    target.write_text(html, encoding="utf-8")
