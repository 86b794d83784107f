"""Start JupyterLab for the browser tests, wait until it answers, and stop it completely.

The server runs from this Python environment (``sys.executable -m jupyterlab``) on
127.0.0.1, on a free port, with a random token, a fresh root folder, fresh
settings, workspaces and runtime folders, and no outside network use (no news,
no update checks). :meth:`LabServer.stop` shuts the kernels down through the
REST API, then ends the server and every process it started, by process id.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--metrics-recording-only",
    "--autoplay-policy=user-gesture-required",
]
#: The browser window the tests and the benchmark use.
VIEWPORT = {"width": 1400, "height": 900}


def chromium_path() -> str | None:
    """``$COURSE_CHROMIUM``, or Debian's chromium on the PATH."""
    wanted = os.environ.get("COURSE_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    return next(filter(None, map(shutil.which, CHROMIUM_CANDIDATES)), None)


#: Seconds to wait for the server to answer before giving up.
START_TIMEOUT_S = 120.0
#: Seconds a process has to end after SIGTERM before it gets SIGKILL.
STOP_GRACE_S = 10.0


def copy_without_outputs(paths: list[Path], folder: Path) -> None:
    """Copy the notebooks in ``paths`` into ``folder`` with every output cleared.

    The browser runs every cell anyway (:meth:`labdriver.lab_page.NotebookPage.run_all`
    clears the outputs first), and what a notebook should show is read from the committed
    file (:func:`labdriver.saved_outputs.saved_outputs`); opened with its stored outputs,
    JupyterLab would first lay out every stored figure and player only to clear them (about
    a second of the browser's CPU for notebook 02). Sources, cell ids and metadata stay as they are.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        notebook.get("metadata", {}).pop("widgets", None)  # the widgets of those outputs
        (folder / Path(path).name).write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` (closed connections waiting to expire don't count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _dies_with_parent(python: str) -> list[str]:
    """``python``, started so that Linux stops it (SIGTERM) if the test process dies.

    A test run that is killed cannot run its clean-up; this way its server still
    ends (and the server ends its kernels). Elsewhere this is just ``[python]``.
    """
    if not sys.platform.startswith("linux"):
        return [python]
    return [
        python,
        "-c",
        "import ctypes, os, signal, sys; "
        "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM); "  # PR_SET_PDEATHSIG
        "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])",
    ]


class LabServer:
    """A JupyterLab server serving ``root_dir``; use :meth:`start` and :meth:`stop`."""

    def __init__(self, root_dir: Path, state_dir: Path) -> None:
        self.root_dir = Path(root_dir)
        self.state_dir = Path(state_dir)
        self.token = secrets.token_hex(24)
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = self.state_dir / "jupyterlab.log"
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("runtime", "config", "data", "ipython", "settings", "workspaces"):
            (self.state_dir / name).mkdir(parents=True, exist_ok=True)
        env.update(
            JUPYTER_RUNTIME_DIR=str(self.state_dir / "runtime"),
            JUPYTER_CONFIG_DIR=str(self.state_dir / "config"),
            JUPYTER_DATA_DIR=str(self.state_dir / "data"),
            JUPYTERLAB_SETTINGS_DIR=str(self.state_dir / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.state_dir / "workspaces"),
            IPYTHONDIR=str(self.state_dir / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
            AUDIO_COURSE_OFFLINE="1",
            PYTHONUNBUFFERED="1",
        )
        self._write_settings()
        env.pop("MPLBACKEND", None)  # kernels use their inline backend, as for a reader
        return env

    def _write_settings(self) -> None:
        """User settings for a quiet, reproducible JupyterLab (no news pop-up)."""
        settings = {
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
                "fetchNews": "false",
                "checkForUpdates": False,
            },
        }
        for name, values in settings.items():
            path = self.state_dir / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))

    def command(self) -> list[str]:
        command = [
            *_dies_with_parent(sys.executable), "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.user_settings_dir={self.state_dir / 'settings'}",
            f"--LabApp.workspaces_dir={self.state_dir / 'workspaces'}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--ServerApp.terminals_enabled=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        return command

    def start(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Start the server and wait (at most ``timeout_s``) until its API answers."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # closed in stop()
        for _attempt in range(3):  # another program may take the port between pick and bind
            self.port = free_port()
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.root_dir,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if self._wait_ready(timeout_s):
                return
            if self.process.poll() is None:
                break  # running but not answering: a real problem, not a port race
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(
            f"JupyterLab did not answer on {self.url} within {timeout_s:.0f} s; "
            f"its log ({self.log_path}) ends with:\n{tail}"
        )

    def _wait_ready(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                self.api("GET", "/api/status", timeout_s=2)
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        return False

    def api(self, method: str, path: str, timeout_s: float = 10) -> object:
        """Call the server's REST API; return the decoded JSON (or None)."""
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every running kernel through the API (best effort)."""
        with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
            for session in self.api("GET", "/api/sessions"):
                with contextlib.suppress(OSError, urllib.error.URLError):
                    self.api("DELETE", f"/api/sessions/{session['id']}", timeout_s=30)
            for kernel in self.api("GET", "/api/kernels"):
                with contextlib.suppress(OSError, urllib.error.URLError):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout_s=30)

    def kernel_command_lines(self) -> list[list[str]]:
        """The command lines of the kernels this server runs right now."""
        if self.process is None:
            return []
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        lines = []
        for child in children:
            with contextlib.suppress(psutil.Error):
                command = child.cmdline()
                if any("ipykernel" in part for part in command):
                    lines.append(command)
        return lines

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> list[int]:
        """Stop the kernels and the server, then end any process left, by id.

        Returns the ids of processes that had to be killed after the server stopped.
        """
        process, self.process = self.process, None
        leftovers: list[int] = []
        if process is not None:
            if process.poll() is None:
                self.shutdown_kernels()
            try:
                tree = psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                tree = []
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(STOP_GRACE_S)
            # Kernels and their helpers that outlived the server: end them by pid.
            alive = [child for child in tree if child.is_running()]
            for child in alive:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.terminate()
            _gone, still_alive = psutil.wait_procs(alive, timeout=STOP_GRACE_S)
            for child in still_alive:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            psutil.wait_procs(still_alive, timeout=STOP_GRACE_S)
            leftovers = [child.pid for child in alive]
        if self._log is not None:
            self._log.close()
            self._log = None
        return leftovers
