"""Timing what a reader feels: a slider action on an explorer, from the input event to the
new figure decoded and the new sound in place, by the page's own clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from labdriver.lab_page import NOTEBOOK, POLL_MS, UPDATE_TIMEOUT_S, NotebookPage

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
