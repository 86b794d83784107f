"""The reading site (``course.py site``) opened from ``file://`` in Chromium.

The site is built once into a temporary folder. Each page must load without a request
leaving it (anything but the page itself and ``data:`` URLs counts as one and is aborted),
without a failed request or a script error; show every figure and audio player of its
notebook's stored outputs, each image decoded and each player's sound playable (duration
known); lay out every formula as MathML with no TeX left in the text; and have working
heading anchors and links (reference solutions, folded away, are opened first). Following
"next" from the index reaches every page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import MarkdownWithMath

from editions import all_notebooks, site

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = all_notebooks()  # the core notebooks, then the deep dives (notebooks/deeper/)
PAGES = ["index.html", *(f"{path.stem}.html" for path in NOTEBOOKS)]

#: Loads every player's metadata (the pages say preload="none") and reports what it found.
AUDIO_PROBE = """async () => Promise.all([...document.querySelectorAll('audio')].map(audio =>
  new Promise(resolve => {
    const source = audio.currentSrc || audio.src
      || (audio.querySelector('source') || {}).src || '';
    const type = (source.match(/^data:([^;,]+)/) || [])[1] || '';
    const done = () => resolve({duration: audio.duration, error: audio.error && audio.error.code,
                                type, playable: type ? audio.canPlayType(type) : 'unknown'});
    if (audio.readyState >= 1) { done(); return; }
    audio.addEventListener('loadedmetadata', done, {once: true});
    audio.addEventListener('error', done, {once: true});
    setTimeout(done, 15000);
    audio.preload = 'metadata';
    audio.load();
  })))"""

IMAGE_PROBE = """async () => Promise.all([...document.images].map(async image => {
  try { await image.decode(); } catch (error) {}
  return {width: image.naturalWidth, output: !!image.closest('.jp-OutputArea-output'),
          alt: image.alt};
}))"""

MATH_PROBE = """() => ({
  math: [...document.querySelectorAll('math')].map(math => {
    const box = math.getBoundingClientRect();
    return {display: getComputedStyle(math).display, width: box.width, height: box.height};
  }),
  prose: [...document.querySelectorAll('.jp-MarkdownOutput')].map(cell => {
    const copy = cell.cloneNode(true);
    copy.querySelectorAll('code, pre, math').forEach(element => element.remove());
    return copy.textContent;
  }).join('\\n'),
})"""

LINK_PROBE = """() => ({
  ids: [...document.querySelectorAll('[id]')].map(element => element.id),
  links: [...document.querySelectorAll('a[href]')].map(a => {
    const url = new URL(a.getAttribute('href'), location.href);
    const local = url.protocol === 'file:';
    return {href: a.getAttribute('href'), local, same: local && url.pathname === location.pathname,
            file: local ? decodeURIComponent(url.pathname) : '', hash: url.hash.slice(1)};
  }),
  headings: [...document.querySelectorAll('.jp-MarkdownOutput :is(h1,h2,h3,h4,h5,h6)')].map(
    h => ({id: h.id, hash: ((h.querySelector('a.anchor-link') || {}).hash || '').slice(1)})),
})"""


def _finds(hash_: str, ids: set[str]) -> bool:
    """Whether a URL fragment indicates one of ``ids``: as it stands, or percent-decoded
    (the HTML standard's order)."""
    return hash_ in ids or unquote(hash_) in ids


def _ids_in(path: Path) -> set[str]:
    return {
        html.unescape(value) for value in re.findall(r'\bid="([^"]*)"', path.read_text("utf-8"))
    }


def _expected(page: str) -> dict[str, int]:
    """Figures, players and formulas in the notebook a page shows (none on the index)."""
    counts = {"images": 0, "players": 0, "formulas": 0}
    if page == "index.html":
        return counts
    (path,) = [path for path in NOTEBOOKS if f"{path.stem}.html" == page]
    notebook = nbformat.read(path, as_version=4)
    formulas = []

    class Counter(site.MathMLRenderer):
        def block_math(self, body):
            formulas.append(body)
            return ""

        inline_math = block_math

        def latex_environment(self, name, body):
            return self.block_math(body)

    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            MarkdownWithMath(renderer=Counter(escape=False)).render(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            shown = next((mime for mime in site.DISPLAY_PRIORITY if mime in data), None)
            if shown in ("image/png", "image/jpeg"):
                counts["images"] += 1
            elif shown == "text/html":
                counts["images"] += len(re.findall(r"<img\b", data[shown]))
                counts["players"] += len(re.findall(r"<audio\b", data[shown]))
    counts["formulas"] = len(formulas)
    return counts


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    pages = site.build(output=folder)
    assert sorted(path.name for path in pages) == sorted(PAGES)
    return folder


@pytest.fixture(scope="module")
def reader(browser, site_folder):
    """A browser context in which every request that is not for a site file is aborted."""
    context = browser.new_context(viewport={"width": 1300, "height": 900}, service_workers="block")
    context.blocked = []

    def block(route):
        context.blocked.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(https?|wss?|ftp):"), block)
    try:
        yield context
    finally:
        context.close()


def _open(reader, folder: Path, name: str):
    page = reader.new_page()
    page.set_default_timeout(60_000)
    page.problems = []
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on(
        "requestfailed",
        lambda request: page.problems.append(f"failed request {request.url[:120]}"),
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error" and page.problems.append(f"console error: {message.text[:300]}")
        ),
    )
    page.goto((folder / name).as_uri(), wait_until="load")
    return page


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_offline(reader, site_folder, name):
    page = _open(reader, site_folder, name)
    try:
        own = (site_folder / name).as_uri()
        expected = _expected(name)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        images = page.evaluate(IMAGE_PROBE)
        players = page.evaluate(AUDIO_PROBE)
        math = page.evaluate(MATH_PROBE)
        links = page.evaluate(LINK_PROBE)
        page.wait_for_timeout(100)  # let late request events arrive
        problems = list(page.problems)
        leaving = [url for url in page.requests if url != own and not url.startswith("data:")]
        problems += [f"request leaves the page: {url[:120]}" for url in leaving]
        problems += [f"request blocked: {url[:120]}" for url in reader.blocked]
    finally:
        page.close()
        reader.blocked.clear()

    shown_images = [image for image in images if image["output"]]
    if len(shown_images) != expected["images"]:
        problems.append(f"{len(shown_images)} figures shown, the notebook has {expected['images']}")
    problems += [
        f"image not decoded: {image['alt'][:80]!r}" for image in images if not image["width"]
    ]
    if len(players) != expected["players"]:
        problems.append(f"{len(players)} audio players, the notebook has {expected['players']}")
    for number, player in enumerate(players):
        duration = player["duration"]
        if player["error"] or not (duration and duration > 0 and duration != float("inf")):
            problems.append(f"audio player {number} cannot play its sound: {player}")
        elif player["playable"] == "":
            problems.append(f"audio player {number}: Chromium cannot play {player['type']}")

    formulas = math["math"]
    if len(formulas) != expected["formulas"]:
        problems.append(f"{len(formulas)} formulas shown, the notebook has {expected['formulas']}")
    problems += [
        f"formula {number} not laid out as math: {formula}"
        for number, formula in enumerate(formulas)
        if "math" not in formula["display"] or formula["width"] <= 0 or formula["height"] <= 0
    ]
    tex = re.findall(r"\$[^$\n]{1,40}\$|\\[A-Za-z]{2,}\b", math["prose"])
    problems += [f"TeX left in the text: {snippet!r}" for snippet in tex]

    ids = set(links["ids"])
    for heading in links["headings"]:
        if not heading["id"] or not _finds(heading["hash"], {heading["id"]}):
            problems.append(f"heading without a working anchor: {heading}")
    for link in links["links"]:
        if not link["local"]:
            continue
        target = Path(link["file"])
        if not link["same"] and not (target.is_file() and target.parent == site_folder):
            problems.append(f"link to a missing page: {link['href']}")
        elif link["hash"] and not _finds(link["hash"], ids if link["same"] else _ids_in(target)):
            problems.append(f"link to a missing anchor: {link['href']}")
    if name != "index.html" and not links["headings"]:
        problems.append("no headings")
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def test_next_links_reach_every_page_from_the_index(reader, site_folder):
    page = _open(reader, site_folder, "index.html")
    try:
        visited = [Path(urlsplit(page.url).path).name]
        while page.locator("nav.course-nav.top a[rel=next]").count():
            page.locator("nav.course-nav.top a[rel=next]").click()
            page.wait_for_load_state("load")
            visited.append(Path(urlsplit(page.url).path).name)
            assert len(visited) <= len(PAGES), f"the next links go round in circles: {visited}"
        page.locator("nav.course-nav.bottom a[rel=prev]").click()
        page.wait_for_load_state("load")
        back = Path(urlsplit(page.url).path).name
        page.locator("nav.course-nav.top a[rel=index]").click()
        page.wait_for_load_state("load")
        home = Path(urlsplit(page.url).path).name
        problems = page.problems
    finally:
        page.close()
    assert visited == PAGES
    assert back == PAGES[-2] and home == "index.html"
    assert not problems
