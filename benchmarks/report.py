"""Targets and the aligned text table the benchmark prints (percentiles: ``numpy.percentile``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

COLUMNS = ("measurement", "result", "details", "target", "TARGET")


@dataclass(frozen=True)
class Target:
    """A bound on a measured value: an upper bound, e.g. ``Target(0.1, "p95 <= 100 ms")``,
    or with ``at_least=True`` a lower one, e.g. ``Target(1.7, ">= 1.7 x", at_least=True)``."""

    limit: float
    text: str
    at_least: bool = False

    def verdict(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return "missed"
        met = value >= self.limit if self.at_least else value <= self.limit
        return "met" if met else "missed"


def format_seconds(seconds: float) -> str:
    """Seconds with a unit that keeps three significant digits: ``12.3 s``, ``45.6 ms``."""
    if not math.isfinite(seconds):
        return "n/a"
    if seconds >= 1:
        return f"{seconds:.1f} s" if seconds < 100 else f"{seconds:.0f} s"
    milliseconds = seconds * 1000
    if milliseconds >= 100:
        return f"{milliseconds:.0f} ms"
    return f"{milliseconds:.1f} ms" if milliseconds >= 1 else f"{milliseconds:.2f} ms"


@dataclass
class Table:
    """Sections of rows with five columns, printed as one aligned table."""

    header: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[tuple[str, ...]]]] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.sections.append((title, []))

    def row(
        self,
        measurement: str,
        result: str,
        details: str = "",
        target: Target | None = None,
        value: float | None = None,
    ) -> None:
        """Add a row; with a ``target``, ``value`` (same unit as its limit) is judged."""
        if not self.sections:
            self.section("")
        verdict = target.verdict(value) if target else ""
        self.sections[-1][1].append(
            (measurement, result, details, target.text if target else "", verdict)
        )

    def verdicts(self) -> list[tuple[str, str, str]]:
        """``(measurement, target, verdict)`` of every judged row."""
        return [
            (row[0], row[3], row[4])
            for _, rows in self.sections
            for row in rows
            if row[4]
        ]

    def render(self) -> str:
        rows = [row for _, section_rows in self.sections for row in section_rows]
        widths = [
            max([len(name)] + [len(row[column]) for row in rows])
            for column, name in enumerate(COLUMNS)
        ]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        total = sum(widths) + 2 * (len(widths) - 1)
        out = [*self.header, "=" * total, line(COLUMNS).rstrip(), "=" * total]
        for title, section_rows in self.sections:
            if title:
                out.append(f"-- {title} ".ljust(total, "-"))
            out.extend(line(row).rstrip() for row in section_rows)
        out.append("=" * total)
        return "\n".join(out)
