"""Exercise for notebook 06 (does augmentation help?).

* :func:`check_lowpass`: a batch augmentation that low-passes each clip, with probability
  0.5, at a cut-off drawn between 2000 and 3500 Hz from the generator it is given.

Used in: 06 · does augmentation help?
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torchaudio.functional as AF

from . import Verdict, run_check, show_solution

__all__ = ["check_lowpass", "show_solution", "solution_lowpass"]

SAMPLE_RATE = 8000
LOW_HZ, HIGH_HZ = 2000.0, 3500.0


def solution_lowpass(
    waves: torch.Tensor, lengths: torch.Tensor, indices: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """Low-pass each clip with probability 0.5, its cut-off drawn from 2000-3500 Hz.

    ``lengths`` and ``indices`` are part of every augmentation's signature (notebook 06,
    section 4); a low-pass needs neither.
    """
    out = waves.clone()  # a new tensor: the training clips stay as they are
    cutoffs = 2000.0 + 1500.0 * torch.rand(len(waves), generator=generator)  # Hz
    chosen = torch.rand(len(waves), generator=generator) < 0.5
    for row in torch.nonzero(chosen).flatten().tolist():
        out[row] = AF.lowpass_biquad(waves[row], 8000, float(cutoffs[row]))
    return out


def _batch(clips: int = 64, frames: int = 6400) -> torch.Tensor:
    """White noise: a flat spectrum, so a low-pass shows as a fall above its cut-off."""
    return 0.1 * torch.randn(clips, frames, generator=torch.Generator().manual_seed(7))


def _upper_share(clip: torch.Tensor) -> float:
    """Share of the power above 3750 Hz (above every allowed cut-off)."""
    power = torch.fft.rfft(clip.double()).abs().square()
    freqs = torch.fft.rfftfreq(clip.shape[-1], 1 / SAMPLE_RATE)
    return float(power[freqs > 3750].sum() / power.sum())


def _verify_lowpass(learner: Callable) -> None:
    waves = _batch()
    before = waves.clone()
    lengths = torch.full((len(waves),), waves.shape[-1])
    indices = torch.arange(len(waves))
    out = learner(waves, lengths, indices, torch.Generator().manual_seed(0))
    assert isinstance(out, torch.Tensor) and out.shape == waves.shape, (
        f"return a tensor shaped like the batch {tuple(waves.shape)}, got "
        f"{getattr(out, 'shape', type(out).__name__)}"
    )
    assert torch.equal(waves, before), (
        "the input batch was changed in place: work on a copy (waves.clone()) so the "
        "training data stays clean for the next epoch"
    )
    assert bool(torch.isfinite(out).all()), "the output holds NaN or infinite values"
    changed = [not torch.allclose(a, b) for a, b in zip(out, waves, strict=True)]
    share = sum(changed) / len(changed)
    assert 0.3 <= share <= 0.7, (
        f"{share:.0%} of the clips were changed: apply the filter with probability 0.5 "
        "(draw one number per clip from the generator)"
    )
    flat = _upper_share(waves[0])
    for row, was_changed in enumerate(changed):
        if was_changed:
            upper = _upper_share(out[row])
            assert upper < 0.5 * flat, (
                f"clip {row} still has {upper:.1%} of its power above 3750 Hz (white noise "
                f"has {flat:.1%}): is it a low-pass, with a cut-off in Hz between 2000 and 3500?"
            )
    again = learner(waves, lengths, indices, torch.Generator().manual_seed(0))
    assert torch.equal(out, again), (
        "the same generator seed gave a different batch: draw every random number from "
        "`generator` (torch.rand(..., generator=generator)), not from torch's global one"
    )
    other = learner(waves, lengths, indices, torch.Generator().manual_seed(1))
    assert not torch.equal(out, other), (
        "another generator seed gave the same batch: the cut-offs and the choice must be "
        "drawn from `generator`"
    )
    cutoffs = []
    for row, was_changed in enumerate(changed):
        if was_changed:
            response = torch.fft.rfft(out[row].double()).abs() / torch.fft.rfft(
                waves[row].double()).abs()
            freqs = torch.fft.rfftfreq(waves.shape[-1], 1 / SAMPLE_RATE)
            smooth = torch.nn.functional.avg_pool1d(
                response[None, None], 41, 1, 20, count_include_pad=False)[0, 0]
            below = torch.nonzero((smooth < 0.7071) & (freqs > 500))  # -3 dB
            cutoffs.append(float(freqs[int(below[0])]) if len(below) else SAMPLE_RATE / 2)
    spread = max(cutoffs) - min(cutoffs)
    assert min(cutoffs) > 1700 and max(cutoffs) < 3800, (
        f"measured cut-offs run from {min(cutoffs):.0f} to {max(cutoffs):.0f} Hz: draw them "
        "between 2000 and 3500 Hz"
    )
    assert spread > 500, (
        f"the cut-offs only spread over {spread:.0f} Hz: draw one per clip, uniformly "
        "between 2000 and 3500 Hz"
    )


def check_lowpass(function: Callable) -> Verdict:
    """Check a batch low-pass augmentation (notebook 06, exercise)."""
    return run_check("Random low-pass", _verify_lowpass, function)
