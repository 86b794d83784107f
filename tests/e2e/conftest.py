"""Fixtures for the browser tests: one JupyterLab server, one Chromium and one JupyterLab
page per test process (pytest-xdist runs two, each with its share of the notebooks); each
notebook is opened in that page in turn and closed afterwards.

Chromium is Debian's (``apt-get install chromium``), driven through Playwright with
``executable_path``; no browser is downloaded. Without Chromium or Playwright the
browser tests are skipped, except in CI (``CI`` set), where that is a failure.
On a failing test, a screenshot, the page's HTML, the browser console log and the
server log are saved under ``test-artifacts/browser/`` and their paths printed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from labdriver.lab_server import CHROMIUM_FLAGS, VIEWPORT, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artifacts" / "browser"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed (see requirements.txt)")
    path = chromium_path()
    if path is None:
        _unavailable(
            "Chromium was not found (install it with: apt-get install chromium, "
            "or point COURSE_CHROMIUM at a Chromium binary)"
        )
    return path


@pytest.fixture(scope="module")
def lab_server(chromium, tmp_path_factory):
    """JupyterLab on a copy of ``notebooks/`` (and ``notebooks/deeper/``) without outputs,
    each notebook with the other recording injected after its parameters cell
    (``other_recording.py``); stopped with its kernels whatever happens."""
    from other_recording import copy_course_with_other_recording

    from labdriver.lab_server import LabServer, port_is_free

    base = tmp_path_factory.mktemp("jupyterlab")
    copy_course_with_other_recording(ROOT / "notebooks", base / "root" / "notebooks")
    server = LabServer(base / "root", base / "state")
    # A SIGTERM (e.g. a CI time-out) is an interruption (tests/conftest.py): the clean-up runs.
    server.start()
    try:
        yield server
    finally:
        port = server.port
        server.stop()
        if not port_is_free(port):
            pytest.fail(f"port {port} is still in use after JupyterLab stopped", pytrace=False)


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_FLAGS, timeout=120_000
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def jupyterlab(browser, lab_server):
    """JupyterLab, loaded once with a fresh workspace; the notebooks are opened in it in turn."""
    from labdriver.lab_page import LabPage

    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(60_000)
    lab = LabPage(page, lab_server.url, lab_server.token)
    try:
        try:
            lab.load()
        except Exception as error:
            listing = "\n".join(f"  {item}" for item in _save_artefacts(lab, lab_server, "load"))
            raise AssertionError(
                f"JupyterLab did not load: {error}\nbrowser artefacts:\n{listing}"
            ) from error
        yield lab
    finally:
        context.close()


def _artefact_folder(name: str) -> Path:
    return ARTEFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def _save_artefacts(lab, server, name: str) -> list[Path]:
    folder = _artefact_folder(name)
    saved = lab.save_artefacts(folder)
    server_log = folder / "jupyterlab.log"
    server_log.write_text(server.log_tail(400) + "\n", encoding="utf-8")
    saved.append(server_log)
    return saved


@pytest.fixture(scope="class")
def notebook(request, jupyterlab, lab_server):
    """The test class's notebook (its ``path``) opened in JupyterLab, its kernel idle;
    closed with its kernel afterwards."""
    from labdriver.lab_page import NotebookPage

    path: Path = request.cls.path
    folder = "notebooks/deeper" if path.parent.name == "deeper" else "notebooks"
    notebook_page = NotebookPage(jupyterlab, path, folder)
    try:
        try:
            notebook_page.open()
        except Exception as error:
            saved = _save_artefacts(jupyterlab, lab_server, f"{path.stem}-open")
            listing = "\n".join(f"  {item}" for item in saved)
            raise AssertionError(
                f"JupyterLab could not open {path.name}: {error}\nbrowser artefacts:\n{listing}"
            ) from error
        yield notebook_page
    finally:
        try:
            notebook_page.close()
        except Exception as error:
            # The next notebook starts from a freshly loaded JupyterLab, not from this state.
            jupyterlab.log(f"closing {path.name} failed ({error}); loading JupyterLab again")
            lab_server.shutdown_kernels()
            jupyterlab.load()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing browser test, save what the browser shows and say where."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when != "call":
        return
    notebook_page = item.funcargs.get("notebook") if hasattr(item, "funcargs") else None
    server = item.funcargs.get("lab_server") if hasattr(item, "funcargs") else None
    if notebook_page is None or server is None:
        return
    try:
        saved = _save_artefacts(notebook_page.lab, server, item.name)
    except Exception as error:
        report.sections.append(("browser artefacts", f"could not save them: {error}"))
        return
    listing = "\n".join(str(path) for path in saved)
    report.sections.append(("browser artefacts", listing))
