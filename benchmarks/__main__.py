"""``python -m benchmarks``: run the course's benchmark and print one table."""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

from numpy import percentile

from .report import Table, Target, format_seconds

SECTIONS = (
    "notebooks",
    "explorers",
    "browser",
    "sizes",
    "tests",
    "plots",
    "resamplers",
    "griffinlim",
    "pipeline",
    "training",
)

NOTEBOOK_TARGET = Target(20.0, "<= 20 s execution")
EXPLORER_TARGET = Target(0.050, "p95 <= 50 ms")
BROWSER_TARGET = Target(0.100, "p95 <= 100 ms")
SIZE_TARGET = Target(2.0, "<= 2 MB")
TESTS_TARGET = Target(240.0, "<= 240 s")
WAVEFORM_TARGET = Target(0.3, "<= 0.3 s")
SCALING_TARGET = Target(1.7, ">= 1.7 x one worker", at_least=True)
CHAIN_TARGET = Target(1.0, "<= 1.00 x audiomentations")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the notebooks, explorers (in the kernel and in JupyterLab in "
        "Chromium), test command, plot helpers, resamplers and Griffin-Lim, weigh the "
        "notebooks; print one table with the targets met or missed.",
    )
    parser.add_argument("--only", action="append", choices=SECTIONS, metavar="SECTION",
                        help=f"run only this section (repeatable): {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true",
                        help="skip the whole test command and repeat less")
    parser.add_argument("--notebook", action="append", metavar="TEXT",
                        help="only notebooks whose file name contains TEXT (repeatable)")
    parser.add_argument("--updates", type=int, default=30,
                        help="explorer updates timed per explorer (at least 30; default 30)")
    parser.add_argument("--presses", type=int, default=20,
                        help="arrow-key presses timed per explorer in the browser (default 20)")
    parser.add_argument("--drags", type=int, default=5,
                        help="slider drags timed per explorer in the browser (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the explorer settings")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="limit torch and BLAS to N threads everywhere (kernels and "
                        "subprocesses too, through OMP_NUM_THREADS); default: their own choice")
    arguments = parser.parse_args(argv)
    if arguments.updates < 30:
        parser.error("--updates must be at least 30, so that p95 means something")
    if arguments.presses + arguments.drags < 20 or min(arguments.presses, arguments.drags) < 0:
        parser.error("--presses and --drags must add up to at least 20, so that p95 means "
                     "something")
    return arguments


def notebook_section(table: Table, arguments, wanted: set[str]) -> None:
    from .notebooks import notebook_paths, run_notebook

    updates = arguments.updates if "explorers" in wanted else 0
    results = []
    for path in notebook_paths(arguments.notebook):
        print(f"  running {path.name} ...", file=sys.stderr, flush=True)
        results.append(run_notebook(path, explorer_updates=updates, seed=arguments.seed))
    table.section("Notebooks: execution with nbclient (kernel start apart)")
    for result in results:
        details = (f"+ kernel start {format_seconds(result.kernel_start_s)} = "
                   f"{format_seconds(result.total_s)}; {result.cells} code cells")
        if result.error:
            details = f"FAILED: {result.error}"
        table.row(result.name, f"{format_seconds(result.execution_s)} execution", details,
                  NOTEBOOK_TARGET, math.inf if result.error else result.execution_s)
    if "explorers" not in wanted:
        return
    table.section(f"Explorers: set() with {updates} varied settings, render + PNG + WAV")
    for result in results:
        for explorer in result.explorers:
            name = f"{result.name[:2]} {explorer.name}"
            if explorer.title:
                name += f" ({explorer.title[:40]})"
            audio = f"{explorer.audio_s:.1f} s clip" if explorer.audio_s else "no audio"
            if not explorer.latencies:
                table.row(name, "all updates failed", explorer.failures[0][:80],
                          EXPLORER_TARGET, math.inf)
                continue
            p50 = percentile(explorer.latencies, 50)
            p95 = percentile(explorer.latencies, 95)
            details = (f"{audio}; max {format_seconds(max(explorer.latencies))}, "
                       f"{len(explorer.latencies)} updates")
            if explorer.failures:
                details += f", {len(explorer.failures)} refused"
            table.row(name, f"p50 {format_seconds(p50)}, p95 {format_seconds(p95)}", details,
                      EXPLORER_TARGET, p95)


def browser_section(table: Table, arguments) -> None:
    from .browser import run
    from .notebooks import notebook_paths

    try:
        results = run(notebook_paths(arguments.notebook), arguments.presses, arguments.drags)
    except RuntimeError as error:
        table.section("Explorers in JupyterLab + Chromium")
        table.row("browser run", "not run", str(error)[:100], BROWSER_TARGET, math.inf)
        return
    table.section(
        f"Explorers in JupyterLab + Chromium: {arguments.presses} arrow keys + "
        f"{arguments.drags} drags each, input event to new figure decoded and new audio in place"
    )
    for result in results:
        if result.error:
            table.row(result.name[:2], "FAILED", result.error[:100], BROWSER_TARGET, math.inf)
        for explorer in result.explorers:
            name = f"{result.name[:2]} explorer {explorer.index + 1}"
            if explorer.title:
                name += f" ({explorer.title[:40]})"
            waits = [update.ms / 1000 for update in explorer.updates]
            if not waits or explorer.errors:
                problem = explorer.errors[0] if explorer.errors else "no update timed"
                table.row(name, "FAILED", problem[:100], BROWSER_TARGET, math.inf)
                continue
            parts = []
            for action in ("key", "drag", "select"):
                some = [u.ms / 1000 for u in explorer.updates if u.action == action]
                if some:
                    parts.append(f"{action} p95 {format_seconds(percentile(some, 95))}")
            figure = [update.figure_ms / 1000 for update in explorer.updates]
            parts.append(f"figure alone p95 {format_seconds(percentile(figure, 95))}")
            # where the wait goes: until the new image is in the page (input, kernel and
            # transport), then decoding it
            shown = [update.shown_ms / 1000 for update in explorer.updates]
            decode = [(u.figure_ms - u.shown_ms) / 1000 for u in explorer.updates]
            parts.append(f"in page p50 {format_seconds(percentile(shown, 50))} + decode p50 "
                         f"{format_seconds(percentile(decode, 50))}")
            table.row(name, f"p50 {format_seconds(percentile(waits, 50))}, "
                      f"p95 {format_seconds(percentile(waits, 95))}", "; ".join(parts),
                      BROWSER_TARGET, percentile(waits, 95))


def sizes_section(table: Table, arguments) -> None:
    from .browser import notebook_sizes
    from .notebooks import notebook_paths

    table.section("Notebook files as committed: size, and what embedded players and PNGs take")
    for size in notebook_sizes(notebook_paths(arguments.notebook)):
        table.row(size.name, f"{size.total_bytes / 1e6:.2f} MB",
                  f"{size.players} players {size.audio_bytes / 1e6:.2f} MB, "
                  f"{size.figures} PNGs {size.image_bytes / 1e6:.2f} MB (base64)",
                  SIZE_TARGET, size.total_bytes / 1e6)


def tests_section(table: Table) -> None:
    from .notebooks import run_test_command

    print("  running the test command ...", file=sys.stderr, flush=True)
    result = run_test_command()
    table.section("Test command: python3 course.py test, after set-up")
    status = "passed" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
    table.row("ruff + pytest (unit tests, nbval)", format_seconds(result.seconds),
              f"{status}: {result.summary}; ruff {format_seconds(result.lint_s)}",
              TESTS_TARGET, result.seconds if result.returncode == 0 else math.inf)


def plots_section(table: Table, quick: bool) -> None:
    from .plots import DURATIONS, KINDS, run_case

    table.section("Plot helpers: 16 kHz noise, draw + savefig PNG (default dpi), fresh process")
    for kind in KINDS:
        found = {}
        for duration in DURATIONS:
            repeats = 1 if (kind == "spectrogram" and duration == "1 h") or quick else 5
            print(f"  plot_{kind}, {duration} ...", file=sys.stderr, flush=True)
            result = run_case(kind, duration, repeats)
            found[duration] = result
            details = (f"peak memory +{result.memory_mb:.0f} MB over baseline; "
                       f"median of {repeats}")
            if result.error:
                details = f"FAILED: {result.error}"
            is_target = kind == "waveform" and duration == "1 h"
            table.row(f"plot_{kind}, {duration}", format_seconds(result.seconds), details,
                      WAVEFORM_TARGET if is_target else None,
                      result.seconds if is_target else None)
        if kind == "waveform":
            growth = found["1 h"].seconds / found["1 min"].seconds
            table.row("plot_waveform, 1 h / 1 min", f"{growth:.2f} x",
                      "60 x more audio; ~1 x means the cost stopped growing")


def resamplers_section(table: Table, quick: bool) -> None:
    from . import resamplers

    print("  resamplers ...", file=sys.stderr, flush=True)
    results = resamplers.run(repeats=3 if quick else 5)
    for source, target in resamplers.CONVERSIONS:
        table.section(
            f"Resamplers {source / 1000:g} -> {target / 1000:g} kHz: "
            f"{resamplers.SPEED_SECONDS:g} s of float32 noise, one thread; worst alias beyond "
            f"a 2 % guard band, exact response (and a {resamplers.SWEEP_SECONDS:g} s sweep)"
        )
        rows = [r for r in results if (r.source_rate, r.target_rate) == (source, target)]
        reference = next((r.ms_per_second for r in rows if r.name == "soxr HQ"), math.nan)
        for row in rows:
            if row.error:
                table.row(row.name, "failed", row.error)
                continue
            table.row(row.name, f"{row.ms_per_second:.2f} ms/s",
                      f"{row.ms_per_second / reference:6.2f} x soxr HQ; "
                      f"aliasing {row.aliasing_db:7.1f} dB ({row.sweep_aliasing_db:7.1f} dB)")


def griffinlim_section(table: Table, quick: bool) -> None:
    from . import griffinlim

    print("  Griffin-Lim ...", file=sys.stderr, flush=True)
    result = griffinlim.run(repeats=3 if quick else 5)
    table.section(
        f"Griffin-Lim: {griffinlim.ITERATIONS} iterations, bundled speech "
        f"({result.audio_s:.1f} s), n_fft {griffinlim.N_FFT}, hop {griffinlim.HOP}, one thread"
    )
    table.row("torchaudio GriffinLim", format_seconds(result.torchaudio_s),
              f"{result.ratio:.2f} x librosa")
    table.row("librosa.griffinlim", format_seconds(result.librosa_s), "1.00 x librosa")


def pipeline_section(table: Table, quick: bool) -> None:
    from . import pipeline
    from .notebooks import notebook_paths, run_notebook

    print("  augmentation pipeline ...", file=sys.stderr, flush=True)
    table.section(
        f"Augmentation pipeline (notebook 05): {pipeline.CLIPS} one-second clips, "
        f"batches of {pipeline.BATCH}, the notebook's chain; second epoch, persistent workers"
    )
    for path in notebook_paths(["05_"]):
        notebook = run_notebook(path, explorer_updates=0)
        details = f"+ kernel start {format_seconds(notebook.kernel_start_s)}"
        table.row(f"{path.name} execution",
                  f"{format_seconds(notebook.execution_s)}",
                  f"FAILED: {notebook.error}" if notebook.error else details,
                  NOTEBOOK_TARGET, math.inf if notebook.error else notebook.execution_s)
    result = pipeline.run(repeats=2 if quick else 3, pitch_shift=not quick)
    if result.error:
        table.row("pipeline", "failed", result.error[:100])
        return
    for workers, rate in result.clips_per_s.items():
        table.row(f"DataLoader, num_workers={workers}", f"{rate:.1f} clips/s",
                  "first epoch (start-up included) "
                  f"{format_seconds(result.first_epoch_s[workers])}")
    table.row("2 workers / 1 worker", f"{result.scaling:.2f} x", "clips per second",
              SCALING_TARGET, result.scaling)
    table.row("course chain (gain, babble, room)", f"{result.course_ms:.2f} ms/clip",
              f"{result.chain_ratio:.2f} x audiomentations, one thread", CHAIN_TARGET,
              result.chain_ratio)
    table.row("audiomentations Compose (same steps)", f"{result.peer_ms:.2f} ms/clip",
              "1.00 x audiomentations")
    if math.isfinite(result.pitch_shift_s):
        table.row("AF.pitch_shift, +2 semitones, 1 s", format_seconds(result.pitch_shift_s),
                  f"shift_pitch (factor rounded to 1 %): {format_seconds(result.shift_pitch_s)}")


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    wanted = set(arguments.only or SECTIONS)
    if arguments.quick and not arguments.only:
        wanted.discard("tests")
    if arguments.threads is not None:
        if arguments.threads < 1:
            print("--threads must be at least 1", file=sys.stderr)
            return 2
        for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[variable] = str(arguments.threads)
    import matplotlib

    matplotlib.use("Agg")
    import torch

    from .environment import header_lines

    if arguments.threads is not None:
        torch.set_num_threads(arguments.threads)
    start = time.perf_counter()
    table = Table(header=header_lines())
    table.header.append(
        f"threads: torch uses {torch.get_num_threads()} intra-op threads"
        + (" (--threads)" if arguments.threads else " (its default)")
        + "; resamplers and Griffin-Lim run on one"
    )
    if wanted & {"notebooks", "explorers"}:
        notebook_section(table, arguments, wanted)
    if "browser" in wanted:
        browser_section(table, arguments)
    if "sizes" in wanted:
        sizes_section(table, arguments)
    if "tests" in wanted:
        tests_section(table)
    if "plots" in wanted:
        plots_section(table, arguments.quick)
    if "resamplers" in wanted:
        resamplers_section(table, arguments.quick)
    if "griffinlim" in wanted:
        griffinlim_section(table, arguments.quick)
    if "pipeline" in wanted:
        pipeline_section(table, arguments.quick)
    if "training" in wanted:
        from .training import section as training_section

        training_section(table, arguments.quick)
    verdicts = table.verdicts()
    missed = [f"{name} ({target})" for name, target, verdict in verdicts if verdict == "missed"]
    table.header.append(f"benchmark took {format_seconds(time.perf_counter() - start)}")
    print(table.render())
    met = len(verdicts) - len(missed)
    if not verdicts:
        print("targets: none among the sections run")
    else:
        print(f"targets: {met} of {len(verdicts)} rows met" +
              (f"; missed: {'; '.join(missed)}" if missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
