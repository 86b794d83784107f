#!/usr/bin/env python3
"""Set up the course and open it, or test it. Needs only Python 3.11 and the package index.

    python3 course.py lab     set up .venv/ if needed, then open JupyterLab on notebooks/
    python3 course.py test    set up .venv/ if needed, then run ruff and every test
    python3 course.py execute [NOTEBOOK ...]
                              re-run notebooks top to bottom and save their outputs
                              (notebooks/ and notebooks/deeper/ by default), as committed
    python3 course.py student build the student edition in build/student/: the notebooks
                              without the cells tagged "solution", outputs cleared
    python3 course.py site    build the reading site in build/site/: one HTML page per
                              notebook with its stored outputs, readable offline

Set-up creates a virtual environment in ``.venv/`` inside the repository and
installs ``requirements.txt`` and the ``helpers`` package (editable) into it, then
compiles librosa's numba functions once (:data:`WARM_UP`). It is repeated only when
``requirements.txt`` or ``pyproject.toml`` change. Extra arguments go to JupyterLab or
pytest, e.g. ``python3 course.py test -k effects``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "course-setup.sha256"
TESTED_PYTHON = (3, 11)


#: Run once after installing: librosa compiles its numba functions the first time they are
#: used (about 20 s on 2 cores) and caches them in the environment; without this, the first
#: notebook run or test run that touches librosa pays it, in every process running at once.
WARM_UP = """
import numpy as np
import librosa

signal = np.random.default_rng(0).standard_normal(8192).astype(np.float32)
spectrum = librosa.stft(signal, n_fft=512)
librosa.istft(spectrum, n_fft=512)
librosa.griffinlim(np.abs(spectrum), n_iter=1, n_fft=512)
librosa.util.abs2(spectrum)
librosa.util.phasor(np.angle(spectrum))
librosa.zero_crossings(signal)
librosa.util.peak_pick(signal, pre_max=3, post_max=3, pre_avg=3, post_avg=3, delta=0.5, wait=1)
librosa.piptrack(S=np.abs(spectrum), sr=16000)
"""


def venv_python() -> Path:
    """The virtual environment's interpreter."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_state() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def setup() -> Path:
    """Create or update ``.venv/``; return its interpreter."""
    if sys.version_info[:2] != TESTED_PYTHON:
        print(
            f"note: the course is tested with Python {'.'.join(map(str, TESTED_PYTHON))}; "
            f"this is {sys.version.split()[0]}",
            file=sys.stderr,
        )
    if not venv_python().exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = _wanted_state()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return venv_python()
    python = str(venv_python())
    _run([python, "-m", "pip", "install", "--upgrade", "pip"])
    _run([python, "-m", "pip", "install", "-r", "requirements.txt", "-e", "."])
    print("Compiling librosa's numba functions once (they are cached in .venv/) ...", flush=True)
    subprocess.run([python, "-c", WARM_UP], cwd=ROOT, check=True)
    STAMP.write_text(wanted + "\n")
    return venv_python()


def lab(arguments: list[str]) -> int:
    """Open JupyterLab on the notebooks folder."""
    python = str(setup())
    command = [python, "-m", "jupyter", "lab", f"--notebook-dir={ROOT / 'notebooks'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return subprocess.call(command + arguments, cwd=ROOT)


def test_commands(python: str, arguments: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """The lint command and the pytest command that ``test`` runs (``benchmarks`` times them)."""
    checked = ["course.py", "helpers", "labdriver", "tests", "notebooks", "benchmarks", "editions"]
    lint = [python, "-m", "ruff", "check", *checked]
    return lint, [python, "-m", "pytest", *arguments]


def test(arguments: list[str]) -> int:
    """Lint, then run the unit tests and every notebook under nbval."""
    lint_command, test_command = test_commands(str(setup()), arguments)
    lint = subprocess.call(lint_command, cwd=ROOT)
    if lint:
        print("ruff found problems (fix them, or run: .venv/bin/ruff check --fix)", file=sys.stderr)
        return lint
    return subprocess.call(test_command, cwd=ROOT)


def execute(arguments: list[str]) -> int:
    """Execute notebooks in place, top to bottom, keeping their outputs for nbval and readers."""
    python = str(setup())
    folder = ROOT / "notebooks"
    everything = sorted(folder.glob("*.ipynb")) + sorted((folder / "deeper").glob("*.ipynb"))
    notebooks = arguments or [str(path) for path in everything]
    command = [
        python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
        "--ExecutePreprocessor.timeout=600",
        "--ExecutePreprocessor.store_widget_state=False",
    ]
    return subprocess.call(command + notebooks, cwd=ROOT)


def student(arguments: list[str]) -> int:
    """Build the student edition (``editions/student.py``) in ``build/student/``."""
    return subprocess.call([str(setup()), "-m", "editions", "student", *arguments], cwd=ROOT)


def site(arguments: list[str]) -> int:
    """Build the reading site (``editions/site.py``) in ``build/site/``."""
    return subprocess.call([str(setup()), "-m", "editions", "site", *arguments], cwd=ROOT)


def main(argv: list[str]) -> int:
    commands = {"lab": lab, "test": test, "execute": execute, "student": student, "site": site}
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return commands[argv[0]](argv[1:])
    except subprocess.CalledProcessError as error:
        failed = " ".join(error.cmd)
        print(f"set-up failed: {failed} exited with {error.returncode}", file=sys.stderr)
        return error.returncode or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
