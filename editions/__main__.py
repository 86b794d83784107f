"""``python -m editions student|site``: build the student edition or the reading site."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from editions import site, student


def _size(folder: Path) -> str:
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    return f"{total / 1e6:.1f} MB"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m editions", description=__doc__)
    parser.add_argument("edition", choices=["student", "site"])
    parser.add_argument("--output", type=Path, help="folder to write (default: build/EDITION)")
    arguments = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        if arguments.edition == "student":
            output = arguments.output or student.OUTPUT
            written, notes = student.build(output=output)
        else:
            output = arguments.output or site.OUTPUT
            written, notes = site.build(output=output), []
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}")
    print(
        f"{arguments.edition}: {len(written)} files in {output} ({_size(output)}) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    if arguments.edition == "site":
        print(f"open file://{(output / 'index.html').resolve()} in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
