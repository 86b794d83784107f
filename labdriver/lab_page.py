"""Drive JupyterLab and its notebooks through Playwright, the way a reader does.

What the saved notebook shows (figures, audio players, widgets) is read from the
``.ipynb`` file by :func:`saved_outputs`. :class:`LabPage` is JupyterLab, loaded
once in a browser page; :class:`NotebookPage` opens one notebook in it from the
menus, clears and runs it, reports what the browser shows, and closes it again
with its kernel. Nothing here knows a particular notebook.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

#: The notebook that is shown (JupyterLab keeps others in hidden panels).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
#: Seconds allowed for opening a notebook until its kernel is idle.
OPEN_TIMEOUT_S = 180
#: Seconds allowed for "Run All Cells" on one notebook.
RUN_TIMEOUT_S = 300
#: Seconds allowed for an explorer to redraw after a slider moves.
UPDATE_TIMEOUT_S = 60
#: Seconds a control must stay in place before it is clicked or dragged.
SETTLE_S = 0.2
#: How often a wait looks at the page, in milliseconds, instead of Playwright's default of
#: every animation frame: a bounded number of checks per second, whatever the frame rate.
#: Timings are taken by the page's own clock (:class:`ExplorerTimer`), so the interval does
#: not enter them.
POLL_MS = 20

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# The order in which JupyterLab picks the representation it renders.
_RENDER_ORDER = (
    WIDGET_MIME,
    "application/javascript",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/latex",
    "text/plain",
)
_IMAGE_MIMES = {"image/svg+xml", "image/png", "image/jpeg", "image/gif"}


@dataclass
class SavedCell:
    """What one code cell of the saved notebook shows a reader."""

    index: int  # among the code cells, from 0
    source: str
    figures: int = 0
    players: int = 0
    widgets: int = 0
    static_widget_views: int = 0  # widget outputs that carry an HTML view of their own
    stderr: int = 0
    errors: list[str] = field(default_factory=list)

    def title(self) -> str:
        first = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return f"code cell {self.index + 1} ({first[:60]!r})"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def saved_outputs(path: Path) -> list[SavedCell]:
    """Figures, audio players and widgets of every code cell, as the saved notebook shows them."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = []
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for index, cell in enumerate(code_cells):
        saved = SavedCell(index, _text(cell.get("source", "")))
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                saved.errors.append(f"{output.get('ename')}: {output.get('evalue')}")
                continue
            if output["output_type"] == "stream":
                saved.stderr += output.get("name") == "stderr"
                continue
            data = output.get("data", {})
            shown = next((mime for mime in _RENDER_ORDER if mime in data), None)
            if shown in _IMAGE_MIMES:
                saved.figures += 1
            elif shown in ("text/html", WIDGET_MIME):
                page = _text(data.get("text/html", ""))
                saved.figures += len(re.findall(r"<img\b", page))
                saved.players += len(re.findall(r"<audio\b", page))
                if shown == WIDGET_MIME:
                    saved.widgets += 1
                    saved.static_widget_views += bool(page)
        cells.append(saved)
    return cells


# Reads what every code cell of the shown notebook displays now.
_SHOWN_CELLS_JS = """
(selector) => Array.from(document.querySelectorAll(selector + ' .jp-CodeCell')).map(cell => {
  const area = cell.querySelector('.jp-Cell-outputArea') || cell;
  const images = Array.from(area.querySelectorAll('.jp-OutputArea-output img'));
  const players = Array.from(area.querySelectorAll('.jp-OutputArea-output audio'));
  const text = (mime) => Array.from(area.querySelectorAll(`[data-mime-type="${mime}"]`))
    .map(node => node.textContent.trim().slice(0, 2000));
  return {
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    images: images.map(img => ({
      loaded: img.complete && img.naturalWidth > 0,
      width: Math.round(img.getBoundingClientRect().width),
      height: Math.round(img.getBoundingClientRect().height),
      naturalWidth: img.naturalWidth,
    })),
    players: players.map(audio => ({
      src: (audio.getAttribute('src') || (audio.querySelector('source') || {}).src || '')
        .slice(0, 40),
      controls: audio.controls,
    })),
    errors: text('application/vnd.jupyter.error'),
    stderr: text('application/vnd.jupyter.stderr'),
    widgetViews: area.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length,
    widgetProblems: Array.from(area.querySelectorAll('.jp-OutputArea-output'))
      .map(node => node.textContent)
      .filter(text => /Error displaying widget|model not found|Loading widget/i.test(text))
      .map(text => text.trim().slice(0, 300)),
    staticFallbacks: area.querySelectorAll('.course-explorer-static').length,
  };
})
"""

# The state of one slider of an explorer, and of the explorer's figure and sound.
_SLIDER_STATE_JS = """
([explorer, slider]) => {
  const box = document.querySelectorAll('[data-e2e-explorer]')[explorer];
  const control = box.querySelectorAll('.widget-slider')[slider];
  const handle = control.querySelector('.noUi-handle[role=slider]');
  const output = box.querySelector('.widget-output');
  const image = output.querySelector('img');
  const audio = output.querySelector('audio');
  return {
    label: (control.querySelector('.widget-label') || {}).textContent || '',
    readout: (control.querySelector('.widget-readout') || {}).textContent || '',
    // aria-valuetext holds the full value, aria-valuenow a rounded one
    now: parseFloat(handle.getAttribute('aria-valuetext') || handle.getAttribute('aria-valuenow')),
    min: parseFloat(handle.getAttribute('aria-valuemin')),
    max: parseFloat(handle.getAttribute('aria-valuemax')),
    image: image ? image.getAttribute('src') : null,
    imageLoaded: image ? image.complete && image.naturalWidth > 0 : false,
    audio: audio ? (audio.getAttribute('src') || (audio.querySelector('source') || {}).src)
      : null,
    outputText: output.innerText.trim().slice(0, 2000),
    stderr: Array.from(output.querySelectorAll(
      '[data-mime-type="application/vnd.jupyter.stderr"],'
      + '[data-mime-type="application/vnd.jupyter.error"]'
    )).map(node => node.textContent.trim()),
    outputHeight: output.getBoundingClientRect().height,
    smallestHeight: box.__e2eSmallest === undefined ? null : box.__e2eSmallest,
  };
}
"""

# Marks the explorers (a widget box with sliders and an output area) so that
# _SLIDER_STATE_JS can find them again; returns each one's slider labels.
_MARK_EXPLORERS_JS = """
(selector) => {
  const boxes = Array.from(document.querySelectorAll(selector + ' .widget-box'))
    .filter(box => box.querySelector('.widget-slider') && box.querySelector('.widget-output'))
    // the innermost box that holds both, not every box around it
    .filter((box, _i, all) => !all.some(other => other !== box && box.contains(other)));
  boxes.forEach((box, index) => box.setAttribute('data-e2e-explorer', String(index)));
  return boxes.map(box => Array.from(box.querySelectorAll('.widget-slider')).map(control => {
    const track = control.querySelector('.noUi-target').getBoundingClientRect();
    return {
      label: (control.querySelector('.widget-label') || {}).textContent || '',
      left: track.left,
      width: track.width,
    };
  }));
}
"""

# Watches an explorer's output area and keeps the smallest height it takes.
_WATCH_HEIGHT_JS = """
(explorer) => {
  const box = document.querySelectorAll('[data-e2e-explorer]')[explorer];
  const output = box.querySelector('.widget-output');
  if (box.__e2eObserver) box.__e2eObserver.disconnect();
  box.__e2eSmallest = output.getBoundingClientRect().height;
  box.__e2eObserver = new ResizeObserver(() => {
    box.__e2eSmallest = Math.min(box.__e2eSmallest, output.getBoundingClientRect().height);
  });
  box.__e2eObserver.observe(output);
}
"""


# Scrolls an element into view (again whenever it is out of view or covered) and
# resolves with its box once that has stayed the same, in view and uncovered at its
# centre, for quietMs, checked every animation frame.
_SETTLED_BOX_JS = """
(node, [quietMs, timeoutMs]) => new Promise((resolve, reject) => {
  const started = performance.now();
  let last = null;
  let since = started;
  const shown = (r) => {
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return !!top && (node === top || node.contains(top));
  };
  const step = () => {
    const now = performance.now();
    let r = node.getBoundingClientRect();
    let hit = shown(r);
    if (!hit) {
      node.scrollIntoView({block: 'center', inline: 'nearest'});
      r = node.getBoundingClientRect();
      hit = shown(r);
    }
    const box = {x: r.x, y: r.y, width: r.width, height: r.height};
    const moved = !last || ['x', 'y', 'width', 'height'].some(key => box[key] !== last[key]);
    if (moved || !hit) {
      since = now;
    } else if (now - since >= quietMs) {
      resolve(box);
      return;
    }
    last = box;
    if (now - started > timeoutMs) {
      reject(new Error(`still moving or covered, last at ${JSON.stringify(box)}`));
      return;
    }
    requestAnimationFrame(step);
  };
  step();
})
"""


class LabPage:
    """JupyterLab in one browser page, in which notebooks are opened one after another."""

    def __init__(self, page: Page, base_url: str, token: str) -> None:
        self.page = page
        self.base_url = base_url
        self.token = token
        self.console: list[str] = []
        page.on("console", lambda message: self.log(f"console.{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.log(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.log(
            f"request failed: {request.method} {request.url[:200]} ({request.failure})"
        ))

    def log(self, line: str) -> None:
        self.console.append(f"{time.strftime('%H:%M:%S')} {line}")

    def load(self) -> None:
        """Load JupyterLab with a fresh workspace and wait until it shows its launcher."""
        self.log("loading JupyterLab")
        self.page.goto(
            f"{self.base_url}/lab?reset&token={self.token}", timeout=OPEN_TIMEOUT_S * 1000
        )
        self.page.wait_for_selector(".jp-Launcher", timeout=OPEN_TIMEOUT_S * 1000)

    def menu(self, menu: str, item: str) -> None:
        """Click a menu bar entry, then one of its items."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
        self.page.locator(
            ".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
            has_text=re.compile(f"^{re.escape(item)}$"),
        ).click()

    def accept_dialog(self) -> None:
        """Press the accepting button (e.g. "Open", "Ok") of the dialog that is shown."""
        self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()

    def save_artefacts(self, folder: Path) -> list[Path]:
        """Save a screenshot, the page's HTML and the browser console log into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        screenshot = folder / "screenshot.png"
        try:
            self.page.screenshot(path=str(screenshot), timeout=30_000)
            saved.append(screenshot)
        except Exception as error:  # a broken page must not hide the test's own failure
            self.log(f"(screenshot failed: {error})")
        page_html = folder / "page.html"
        try:
            page_html.write_text(self.page.content(), encoding="utf-8")
            saved.append(page_html)
        except Exception as error:
            self.log(f"(saving the page's HTML failed: {error})")
        console = folder / "console.log"
        console.write_text("\n".join(self.console) + "\n", encoding="utf-8")
        saved.append(console)
        return saved


class NotebookPage:
    """One notebook, opened in JupyterLab from its menus."""

    def __init__(self, lab: LabPage, path: Path, folder: str) -> None:
        self.lab = lab
        self.page = lab.page
        self.path = Path(path)  # the committed notebook
        self.relative_path = f"{folder}/{self.path.name}"  # its copy, as the server sees it
        self.timings: dict[str, float] = {}
        self.ran = False

    # -- opening, running and closing -----------------------------------------------------

    def open(self) -> None:
        """Open the notebook from "File > Open from Path…" and wait until its kernel is idle."""
        started = time.monotonic()
        self.lab.log(f"opening {self.relative_path}")
        self.lab.menu("File", "Open from Path…")
        self.page.locator(".jp-Dialog input").fill(self.relative_path)
        self.lab.accept_dialog()
        self.page.wait_for_function(
            """([selector, name]) => {
                const tab = document.querySelector(
                    '.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel');
                return tab && tab.textContent.trim() === name
                    && document.querySelector(selector + ' .jp-Cell');
            }""",
            arg=[NOTEBOOK, self.path.name],
            timeout=OPEN_TIMEOUT_S * 1000,
            polling=POLL_MS,
        )
        self.wait_idle(OPEN_TIMEOUT_S)
        # A notebook closed just before goes once its kernel has shut down, meanwhile.
        self.page.wait_for_function(
            "() => document.querySelectorAll('.jp-NotebookPanel').length === 1",
            timeout=OPEN_TIMEOUT_S * 1000,
            polling=100,
        )
        self.timings["open"] = time.monotonic() - started

    def close(self) -> None:
        """Close the notebook with "File > Close and Shut Down Notebook…".

        JupyterLab shuts the kernel down, then closes the notebook; the next :meth:`open`
        waits until it has, so the two overlap.
        """
        self.lab.log(f"closing {self.relative_path}")
        self.lab.menu("File", "Close and Shut Down Notebook…")
        self.lab.accept_dialog()

    def wait_idle(self, timeout_s: float) -> None:
        """Wait until the shown notebook's kernel is connected and idle."""
        self.page.wait_for_function(
            """(selector) => {
                const indicator = document.querySelector(
                    selector + ' .jp-Notebook-ExecutionIndicator');
                const status = Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                    .map(node => node.textContent);
                return indicator && indicator.dataset.status === 'idle'
                    && status.some(text => /\\| Idle$/.test(text.trim()));
            }""",
            arg=NOTEBOOK,
            timeout=timeout_s * 1000,
            polling=POLL_MS,
        )

    def code_cell_count(self) -> int:
        return self.page.locator(f"{NOTEBOOK} .jp-CodeCell").count()

    def run_all(self) -> None:
        """Clear every output, then "Run All Cells" and wait until every code cell has run.

        JupyterLab stops at a cell that fails: then this returns once the kernel is idle
        and the test reports the error and the cells that did not run.
        """
        if self.ran:
            return
        started = time.monotonic()
        self.lab.menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function(
            """(selector) => Array.from(document.querySelectorAll(selector + ' .jp-CodeCell'))
                .every(cell => !cell.querySelector('.jp-OutputArea-output')
                    && /^\\[ ?\\]:$/.test(
                        cell.querySelector('.jp-InputPrompt').textContent.trim()))""",
            arg=NOTEBOOK,
            timeout=30_000,
            polling=POLL_MS,
        )
        self.lab.menu("Run", "Run All Cells")
        self.page.wait_for_function(
            """(selector) => {
                const prompts = Array.from(
                    document.querySelectorAll(selector + ' .jp-CodeCell .jp-InputPrompt')
                ).map(node => node.textContent.trim());
                const indicator = document.querySelector(
                    selector + ' .jp-Notebook-ExecutionIndicator');
                // Run All marks every cell "[*]" at once; none left means it finished,
                // with every cell run or stopped at a failing cell (the rest "[ ]").
                return prompts.some(prompt => /^\\[\\d+\\]:$/.test(prompt))
                    && !prompts.includes('[*]:')
                    && indicator && indicator.dataset.status === 'idle';
            }""",
            arg=NOTEBOOK,
            timeout=RUN_TIMEOUT_S * 1000,
            polling=250,
        )
        # Images are decoded after they are attached: give them a moment to load.
        self.page.wait_for_function(
            """(selector) => Array.from(
                document.querySelectorAll(selector + ' .jp-OutputArea-output img')
            ).every(img => img.complete)""",
            arg=NOTEBOOK,
            timeout=60_000,
            polling=POLL_MS,
        )
        self.ran = True
        self.timings["run all"] = time.monotonic() - started

    def shown_cells(self) -> list[dict]:
        """What every code cell shows now (prompt, images, players, errors, widgets)."""
        return self.page.evaluate(_SHOWN_CELLS_JS, NOTEBOOK)

    # -- explorers ------------------------------------------------------------------------

    def explorers(self) -> list[list[dict]]:
        """The explorers on the page (in order), each as its sliders' labels and tracks."""
        return self.page.evaluate(_MARK_EXPLORERS_JS, NOTEBOOK)

    def explorer(self, index: int):
        return self.page.locator(f'[data-e2e-explorer="{index}"]')

    def slider_state(self, explorer: int, slider: int) -> dict:
        return self.page.evaluate(_SLIDER_STATE_JS, [explorer, slider])

    def watch_output_height(self, explorer: int) -> None:
        self.page.evaluate(_WATCH_HEIGHT_JS, explorer)

    def slider(self, explorer: int, slider: int):
        return self.explorer(explorer).locator(".widget-slider").nth(slider)

    def settled_box(self, locator, timeout_s: float = 20) -> dict:
        """Scroll ``locator`` into view and return its box once the page stops moving.

        Cells outside the viewport are laid out lazily, so the page can shift for a
        moment after scrolling; a click in that moment would land elsewhere. The box
        counts once it has stayed in view, unmoved and uncovered for :data:`SETTLE_S`.
        """
        try:
            return locator.evaluate(
                _SETTLED_BOX_JS, [SETTLE_S * 1000, timeout_s * 1000], timeout=timeout_s * 1000
            )
        except PlaywrightError as error:
            raise AssertionError(
                f"{locator} did not come to rest in view within {timeout_s:.0f} s: {error}"
            ) from None

    def wait_for_redraw(self, explorer: int, slider: int, before: dict, action: str) -> dict:
        """Wait until the explorer shows a new figure and a new sound; return the new state.

        Raises ``AssertionError`` saying what stayed the same if that takes longer than
        :data:`UPDATE_TIMEOUT_S`.
        """
        started = time.monotonic()
        try:
            self._wait_for_new_output(explorer, slider, before)
        except PlaywrightTimeoutError:
            now = self.slider_state(explorer, slider)
            same = [
                name
                for name, key in (("figure", "image"), ("sound", "audio"), ("handle", "now"),
                                  ("readout", "readout"))
                if now[key] == before[key]
            ]
            raise AssertionError(
                f"{action}: the explorer did not redraw within {UPDATE_TIMEOUT_S} s; "
                f"unchanged: {', '.join(same) or 'nothing'}; slider {now['label']!r} reads "
                f"{now['readout']!r} (was {before['readout']!r}), handle at {now['now']} "
                f"(was {before['now']}); output area: {now['outputText'][:300]!r}"
            ) from None
        self.wait_idle(UPDATE_TIMEOUT_S)
        self.timings.setdefault("slider actions", 0.0)
        self.timings["slider actions"] += time.monotonic() - started
        return self.slider_state(explorer, slider)

    def _wait_for_new_output(self, explorer: int, slider: int, before: dict) -> None:
        self.page.wait_for_function(
            """([explorer, slider, before]) => {
                const box = document.querySelectorAll('[data-e2e-explorer]')[explorer];
                const output = box.querySelector('.widget-output');
                const image = output.querySelector('img');
                const audio = output.querySelector('audio');
                const src = audio
                    ? (audio.getAttribute('src') || (audio.querySelector('source') || {}).src)
                    : null;
                const failed = output.querySelector(
                    '[data-mime-type="application/vnd.jupyter.stderr"],'
                    + '[data-mime-type="application/vnd.jupyter.error"]');
                return failed || (image && image.complete && image.naturalWidth > 0
                    && image.getAttribute('src') !== before.image
                    && (before.audio === null || (src && src !== before.audio)));
            }""",
            arg=[explorer, slider, before],
            timeout=UPDATE_TIMEOUT_S * 1000,
            polling=100,
        )


# -- timing what a reader feels ---------------------------------------------------------

# Marks every explorer (the innermost widget box holding an output area and a slider or
# a drop-down) with data-e2e-timed; returns for each its output's kind of media and the
# control that is timed: its first slider, or its first drop-down when it has none.
_MARK_TIMED_JS = """
(selector) => {
  const boxes = Array.from(document.querySelectorAll(selector + ' .widget-box'))
    .filter(box => box.querySelector('.widget-output')
      && box.querySelector('.widget-slider, .widget-dropdown'))
    .filter((box, _i, all) => !all.some(other => other !== box && box.contains(other)));
  boxes.forEach((box, index) => box.setAttribute('data-e2e-timed', String(index)));
  return boxes.map(box => {
    const slider = box.querySelector('.widget-slider');
    const control = slider || box.querySelector('.widget-dropdown');
    const output = box.querySelector('.widget-output');
    return {
      kind: slider ? 'slider' : 'dropdown',
      label: (control.querySelector('.widget-label') || {}).textContent || '',
      title: (box.querySelector('.widget-html') || {}).textContent || '',
      audio: !!output.querySelector('audio'),
    };
  });
}
"""

# Arms the timer of one explorer: the next `trigger` event anywhere on the page (a key
# press, a pointer release) starts it; it records when the explorer's output shows an
# image with a new source, when that image is decoded, when the next frame after it is
# drawn, and when the audio element has a new source. Resolves at once.
_ARM_TIMER_JS = """
([index, trigger]) => {
  const box = document.querySelector(`[data-e2e-timed="${index}"]`);
  const output = box.querySelector('.widget-output');
  const audioSource = () => {
    const audio = output.querySelector('audio');
    return audio ? (audio.getAttribute('src') || (audio.querySelector('source') || {}).src
      || null) : null;
  };
  const image0 = output.querySelector('img');
  const before = {image: image0 ? image0.getAttribute('src') : null, audio: audioSource()};
  if (window.__e2eTimer && window.__e2eTimer.stop) window.__e2eTimer.stop();
  const timer = window.__e2eTimer = {
    start: null, shown: null, decoded: null, painted: null, audio: null, error: null,
    done: false, hasAudio: before.audio !== null,
  };
  const finish = () => {
    if (timer.painted !== null && (!timer.hasAudio || timer.audio !== null)) {
      timer.done = true;
      timer.stop();
    }
  };
  const check = () => {
    const now = performance.now();
    const failed = output.querySelector('[data-mime-type="application/vnd.jupyter.stderr"],'
      + '[data-mime-type="application/vnd.jupyter.error"]');
    if (failed) {
      timer.error = failed.textContent.trim().slice(0, 500);
      timer.done = true;
      timer.stop();
      return;
    }
    const image = output.querySelector('img');
    if (timer.shown === null && image && image.getAttribute('src')
        && image.getAttribute('src') !== before.image) {
      timer.shown = now;
      image.decode().then(() => {
        timer.decoded = performance.now();
        requestAnimationFrame(() => { timer.painted = performance.now(); finish(); });
      }, (error) => {
        timer.error = `the new figure did not decode: ${error}`;
        timer.done = true;
      });
    }
    const source = audioSource();
    if (timer.hasAudio && timer.audio === null && source && source !== before.audio) {
      timer.audio = now;
      finish();
    }
  };
  const onTrigger = (event) => { if (timer.start === null) timer.start = event.timeStamp; };
  document.addEventListener(trigger, onTrigger, {capture: true});
  const observer = new MutationObserver(check);
  observer.observe(output, {childList: true, subtree: true, attributes: true,
                            attributeFilter: ['src']});
  timer.stop = () => {
    observer.disconnect();
    document.removeEventListener(trigger, onTrigger, {capture: true});
  };
}
"""


@dataclass
class UpdateTiming:
    """One slider action, timed in the page from the input event (milliseconds)."""

    action: str  # "key", "drag", or "select" (a drop-down's option)
    figure_ms: float  # until the new figure is decoded
    painted_ms: float  # until the frame after that is drawn
    audio_ms: float | None  # until the new audio source is in place (None: no audio)
    shown_ms: float  # until the new image element is in the page (before decoding)

    @property
    def ms(self) -> float:
        """What the reader waits for: the figure decoded and the audio in place."""
        return max(self.figure_ms, self.audio_ms or 0.0)


@dataclass
class ExplorerTimings:
    """The timed updates of one explorer."""

    index: int
    title: str
    control: str
    updates: list[UpdateTiming] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class ExplorerTimer:
    """Times slider actions on the explorers of an open, run notebook, as a reader does them.

    Each action is one arrow key press on the explorer's first slider or a drag of its
    handle released on the track; an explorer without a slider gets the next option of its
    first drop-down instead. The clock runs in the page, from the ``keydown`` (``pointerup``,
    ``change``) event to the moment the new figure is decoded and the new audio source is in
    place, so Playwright's own delays do not count.
    """

    def __init__(self, notebook: NotebookPage) -> None:
        self.notebook = notebook
        self.page = notebook.page

    def explorers(self) -> list[dict]:
        return self.page.evaluate(_MARK_TIMED_JS, NOTEBOOK)

    def _control(self, index: int, kind: str):
        box = self.page.locator(f'[data-e2e-timed="{index}"]')
        return box.locator(".widget-slider" if kind == "slider" else ".widget-dropdown").first

    def _timed(self, index: int, trigger: str, act) -> UpdateTiming | str:
        self.notebook.wait_idle(UPDATE_TIMEOUT_S)
        self.page.evaluate(_ARM_TIMER_JS, [index, trigger])
        act()
        try:
            self.page.wait_for_function(
                "() => window.__e2eTimer.done", timeout=UPDATE_TIMEOUT_S * 1000, polling=POLL_MS
            )
        except PlaywrightTimeoutError:
            timer = self.page.evaluate("() => window.__e2eTimer")
            self.page.evaluate("() => window.__e2eTimer.stop()")
            return f"no new figure and sound within {UPDATE_TIMEOUT_S} s: {timer}"
        timer = self.page.evaluate("() => window.__e2eTimer")
        if timer["error"]:
            return timer["error"]
        start = timer["start"]
        if start is None:
            return "the input event was not seen"
        return UpdateTiming(
            action={"keydown": "key", "pointerup": "drag"}.get(trigger, "select"),
            figure_ms=timer["decoded"] - start,
            painted_ms=timer["painted"] - start,
            audio_ms=None if timer["audio"] is None else timer["audio"] - start,
            shown_ms=timer["shown"] - start,
        )

    def time_explorer(self, index: int, info: dict, presses: int, drags: int) -> ExplorerTimings:
        """``presses`` arrow-key presses, then ``drags`` drags (sliders only), timed."""
        result = ExplorerTimings(index, info["title"].strip(), info["label"].strip())
        control = self._control(index, info["kind"])
        if info["kind"] == "slider":
            target = control.locator(".noUi-handle[role=slider]")
        else:
            target = control.locator("select")
        self.notebook.settled_box(self.page.locator(f'[data-e2e-timed="{index}"]'))
        direction = None
        for _ in range(presses):
            if result.errors:  # one failure says enough; don't wait for more
                break
            key, direction = self._next_key(target, info["kind"], direction)
            if info["kind"] == "slider":
                target.focus()
                outcome = self._timed(
                    index, "keydown", lambda key=key: self.page.keyboard.press(key)
                )
            else:  # a drop-down: choose the next option, as the arrow keys would
                position = target.evaluate("s => s.selectedIndex") + direction
                outcome = self._timed(
                    index, "change", lambda position=position: target.select_option(index=position)
                )
            self._record(result, outcome)
        for _ in range(drags if info["kind"] == "slider" else 0):
            if result.errors:
                break
            outcome = self._timed(index, "pointerup", lambda: self._drag(control, target))
            self._record(result, outcome)
        return result

    @staticmethod
    def _record(result: ExplorerTimings, outcome: UpdateTiming | str) -> None:
        if isinstance(outcome, str):
            result.errors.append(outcome)
        else:
            result.updates.append(outcome)

    def _next_key(self, target, kind: str, direction: int | None) -> tuple[str, int]:
        """The key that moves the control one step, reversing at either end."""
        if kind == "slider":
            now, low, high = target.evaluate(
                "h => ['aria-valuenow', 'aria-valuemin', 'aria-valuemax']"
                ".map(name => parseFloat(h.getAttribute(name)))"
            )
            at_low, at_high = now <= low, now >= high
        else:
            position, count = target.evaluate("s => [s.selectedIndex, s.options.length]")
            at_low, at_high = position <= 0, position >= count - 1
        if direction is None:
            direction = -1 if at_high else 1
        if (direction > 0 and at_high) or (direction < 0 and at_low):
            direction = -direction
        if kind == "slider":
            return ("ArrowRight" if direction > 0 else "ArrowLeft"), direction
        return ("ArrowDown" if direction > 0 else "ArrowUp"), direction

    def _drag(self, control, handle) -> None:
        """Drag the handle a quarter of the track towards its middle and release it."""
        grip = handle.bounding_box()
        track = control.locator(".noUi-target").bounding_box()
        x, y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
        left = x - track["x"] > track["width"] / 2
        shift = (-1 if left else 1) * track["width"] / 4
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + shift, y, steps=4)
        self.page.mouse.up()

    def time_all(self, presses: int, drags: int) -> list[ExplorerTimings]:
        return [
            self.time_explorer(index, info, presses, drags)
            for index, info in enumerate(self.explorers())
        ]
