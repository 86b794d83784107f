"""The benchmark's arithmetic and table (the benchmark itself never runs in the tests)."""

from __future__ import annotations

import math
import random

import pytest

from benchmarks.probe import draw_values
from benchmarks.report import Table, Target, format_seconds
from helpers import Choice, Slider


def test_target_verdicts():
    target = Target(0.1, "p95 <= 100 ms")
    assert target.verdict(0.1) == "met"
    assert target.verdict(0.1001) == "missed"
    assert target.verdict(None) == "missed"
    assert target.verdict(math.inf) == "missed"


def test_format_seconds():
    assert format_seconds(123.4) == "123 s"
    assert format_seconds(12.34) == "12.3 s"
    assert format_seconds(0.1234) == "123 ms"
    assert format_seconds(0.01234) == "12.3 ms"
    assert format_seconds(0.0001234) == "0.12 ms"
    assert format_seconds(math.nan) == "n/a"


def test_table_aligns_columns_and_collects_verdicts():
    table = Table(header=["machine: 2 cores"])
    table.section("Notebooks")
    table.row("01_audio_effects.ipynb", "10.5 s", "kernel 0.7 s", Target(20, "<= 20 s"), 10.5)
    table.row("a much longer measurement name", "1 s")
    table.section("Explorers")
    table.row("chain", "p95 1.7 s", "", Target(0.1, "p95 <= 100 ms"), 1.7)
    lines = table.render().splitlines()
    assert lines[0] == "machine: 2 cores"
    rows = [line for line in lines if line.startswith(("01_", "a much", "chain"))]
    results = ["10.5 s", "1 s", "p95"]
    result_columns = {line.index(value) for line, value in zip(rows, results, strict=True)}
    assert len(result_columns) == 1  # the result column starts at the same place in every row
    assert any(line.startswith("-- Explorers ") for line in lines)
    assert table.verdicts() == [
        ("01_audio_effects.ipynb", "<= 20 s", "met"),
        ("chain", "p95 <= 100 ms", "missed"),
    ]


def test_draw_values_cover_each_range_and_every_option():
    controls = [
        Slider(
            name="cutoff_hz",
            label="Cut-off",
            unit="Hz",
            minimum=100,
            maximum=8000,
            default=1000,
            log=True,
        ),
        Slider(name="width", label="Width", unit="", minimum=2, maximum=64, default=6, step=1),
        Slider(name="mix", label="Mix", unit="", minimum=0.0, maximum=1.0, default=0.5),
        Choice(
            name="source",
            label="Source",
            options={"speech": "s", "whistle": "w", "noise": "n"},
            default="s",
        ),
    ]
    settings = draw_values(controls, 30, random.Random(0))
    assert len(settings) == 30
    cutoffs = [item["cutoff_hz"] for item in settings]
    assert all(100 <= value <= 8000 for value in cutoffs)
    assert min(cutoffs) < 300 and max(cutoffs) > 2500  # log-uniform reaches both decades
    assert all(
        item["width"] == round(item["width"]) and 2 <= item["width"] <= 64 for item in settings
    )
    assert all(0.0 <= item["mix"] <= 1.0 for item in settings)
    assert sorted({item["source"] for item in settings}) == ["n", "s", "w"]
    assert [item["source"] for item in settings].count("s") == 10
    assert draw_values(controls, 30, random.Random(0)) == settings  # seeded


def test_lower_bound_targets():
    target = Target(1.7, ">= 1.7 x", at_least=True)
    assert target.verdict(1.7) == "met"
    assert target.verdict(1.69) == "missed"
    assert target.verdict(math.nan) == "missed"


def test_pipeline_ratios():
    from benchmarks.pipeline import PipelineResult

    result = PipelineResult(clips_per_s={0: 10.0, 1: 20.0, 2: 36.0}, course_ms=2.0, peer_ms=4.0)
    assert result.scaling == pytest.approx(1.8)
    assert result.chain_ratio == pytest.approx(0.5)
    assert math.isnan(PipelineResult().scaling)
