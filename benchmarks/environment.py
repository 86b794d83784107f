"""The machine and the library versions, for the head of the table."""

from __future__ import annotations

import os
import platform
from importlib import metadata

PACKAGES = ("torch", "torchaudio", "numpy", "scipy", "librosa", "soxr", "matplotlib")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name).split("+")[0]
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def header_lines() -> list[str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    cores = usable_cores()
    lines = [
        f"machine: {cores} cores ({os.cpu_count()} logical CPUs), {cpu_model()}, "
        f"{platform.system()} {platform.machine()}",
        "versions: " + ", ".join(f"{name} {version}" for name, version in versions().items()),
    ]
    if load is not None:
        lines.append(
            f"load average at start: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min) "
            f"on {cores} cores; other work on the machine slows every timing"
        )
    return lines
