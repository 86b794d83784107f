"""Notebook 06's experiment, repeated: execution time, seed spread and the speaker rotation.

- the notebook's execution time (nbclient, kernel start apart), against its target;
- the seed spread: the held-out speaker of the notebook ("theo"), seeds 0, 1 and 2 (each
  seed changes the weights, the shuffling, every augmentation draw and the test noise
  excerpts); per regime and condition the mean accuracy and the range over the seeds, and
  the same for each regime's gain over "none" (paired by seed);
- the six-speaker rotation: each speaker held out in turn, seed 0; per regime and
  condition the mean over the six and the lowest and highest.

Run alone: ``python -m benchmarks.training`` (``--skip-notebook`` leaves out the first
part); in the whole benchmark: ``python -m benchmarks --only training``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

SEEDS = (0, 1, 2)
HELD_OUT = "theo"
TARGET_S = 60.0


def _accuracies(runs: list[dict]) -> dict[str, dict[str, list[float]]]:
    """regime -> condition -> accuracy of each run."""
    found: dict[str, dict[str, list[float]]] = {}
    for run in runs:
        for regime, row in run["correct"].items():
            for condition, hits in row.items():
                found.setdefault(regime, {}).setdefault(condition, []).append(
                    float(hits.float().mean())
                )
    return found


def run(*, seeds=SEEDS, speakers=None, quick: bool = False) -> dict[str, object]:
    """Run the seed spread and the rotation; return their accuracies and training times."""
    import torch

    from helpers import digits, robustness

    torch.set_num_threads(1)
    data = digits.load_digits()
    speakers = speakers or digits.SPEAKERS
    if quick:
        seeds, speakers = seeds[:2], speakers[:2]
    seed_runs, rotation_runs = [], []
    for seed in seeds:
        print(f"  06 seed {seed}, {HELD_OUT} held out ...", file=sys.stderr, flush=True)
        seed_runs.append(robustness.run_experiment(data, HELD_OUT, seed=seed))
    for speaker in speakers:
        if speaker == HELD_OUT and 0 in seeds:
            rotation_runs.append(seed_runs[list(seeds).index(0)])
            continue
        print(f"  06 seed 0, {speaker} held out ...", file=sys.stderr, flush=True)
        rotation_runs.append(robustness.run_experiment(data, speaker, seed=0))
    seeds_found = _accuracies(seed_runs)
    return {
        "seeds": seeds_found,
        "gains": {regime: {condition: [a - b for a, b in zip(
            values, seeds_found["none"][condition], strict=True)]
            for condition, values in row.items()} for regime, row in seeds_found.items()
            if regime != "none"},
        "rotation": _accuracies(rotation_runs),
        "speakers": list(speakers),
        "train_s": [sum(r["seconds"].values()) for r in seed_runs
                    + [r for r in rotation_runs if all(r is not s for s in seed_runs)]],
    }


def _describe(values: list[float]) -> str:
    mean = sum(values) / len(values)
    return f"{100 * mean:5.1f} ({100 * min(values):5.1f}-{100 * max(values):5.1f})"


def section(table, quick: bool = False, *, notebook: bool = True) -> None:
    """Add the notebook 06 rows to a :class:`benchmarks.report.Table`."""
    from helpers.robustness import CONDITIONS, REGIMES

    from .report import Target, format_seconds

    if notebook:
        from .notebooks import notebook_paths, run_notebook

        for path in notebook_paths(["06_"]):
            result = run_notebook(path, explorer_updates=0)
            table.section("Notebook 06: execution with nbclient (kernel start apart)")
            table.row(path.name, format_seconds(result.execution_s),
                      f"FAILED: {result.error}" if result.error else
                      f"+ kernel start {format_seconds(result.kernel_start_s)}",
                      Target(TARGET_S, f"<= {TARGET_S:.0f} s execution"),
                      math.inf if result.error else result.execution_s)
    start = time.perf_counter()
    found = run(quick=quick)
    for key, title in (
        ("seeds", f"{HELD_OUT} held out, seeds {', '.join(map(str, SEEDS))}: mean (range)"),
        ("gains", f"gain over none (points), {HELD_OUT} held out, per seed "
                  f"{', '.join(map(str, SEEDS))}: mean (range)"),
        ("rotation", f"each speaker held out in turn ({', '.join(found['speakers'])}), seed 0: "
                     "mean (lowest-highest)"),
    ):
        table.section(f"Notebook 06 accuracy (%), {title}")
        for condition in CONDITIONS:
            cells = [f"{regime} {_describe(found[key][regime][condition])}"
                     for regime in REGIMES if regime in found[key]]
            table.row(condition, cells[0], "; ".join(cells[1:]))
    table.row("training, all regimes, per run", format_seconds(
        sum(found["train_s"]) / len(found["train_s"])),
        f"{len(found['train_s'])} runs, one thread; whole section "
        f"{format_seconds(time.perf_counter() - start)}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.training")
    parser.add_argument("--skip-notebook", action="store_true")
    parser.add_argument("--quick", action="store_true", help="two seeds, two speakers")
    arguments = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from .environment import header_lines
    from .report import Table

    table = Table(header=header_lines())
    section(table, arguments.quick, notebook=not arguments.skip_notebook)
    print(table.render())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
