"""Drive JupyterLab and its notebooks through Playwright, the way a reader does.

What the saved notebook shows (figures, audio players, widgets) is read from the
``.ipynb`` file by :func:`labdriver.saved_outputs.saved_outputs`; slider updates are timed by
:mod:`labdriver.explorer_timer`. :class:`LabPage` is JupyterLab, loaded
once in a browser page; :class:`NotebookPage` opens one notebook in it from the
menus, clears and runs it, reports what the browser shows, and closes it again
with its kernel. Nothing here knows a particular notebook.
"""

from __future__ import annotations

import re
import time
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
