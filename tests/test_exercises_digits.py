"""The notebook 06 checker accepts the reference solution and rejects typical mistakes."""

import torch
import torchaudio.functional as AF

from helpers.exercises import digits as exercises


def _lowpass(waves, generator, *, cutoff=None, scale=1.0, probability=0.5, draw=None,
             in_place=False):
    draw = draw or (lambda n: torch.rand(n, generator=generator))
    cutoffs = 2000 + 1500 * draw(len(waves))
    chosen = draw(len(waves)) < probability
    out = waves if in_place else waves.clone()
    for row in torch.nonzero(chosen).flatten().tolist():
        value = cutoff if cutoff is not None else float(cutoffs[row]) * scale
        out[row] = AF.lowpass_biquad(waves[row].clone(), 8000, value)
    return out


def test_checker_accepts_the_solution():
    assert exercises.check_lowpass(exercises.solution_lowpass)


def test_stub_is_not_solved_yet():
    def stub(waves, lengths, indices, generator):
        raise NotImplementedError

    verdict = exercises.check_lowpass(stub)
    assert not verdict and "not solved yet" in repr(verdict)


def test_checker_rejects_one_fixed_cutoff():
    verdict = exercises.check_lowpass(lambda w, lengths, i, g: _lowpass(w, g, cutoff=2500.0))
    assert not verdict and "spread" in repr(verdict)


def test_checker_rejects_the_global_generator():
    verdict = exercises.check_lowpass(
        lambda w, lengths, i, g: _lowpass(w, g, draw=lambda n: torch.rand(n))
    )
    assert not verdict and "generator" in repr(verdict)


def test_checker_rejects_changing_the_batch_in_place():
    verdict = exercises.check_lowpass(lambda w, lengths, i, g: _lowpass(w, g, in_place=True))
    assert not verdict and "in place" in repr(verdict)


def test_checker_rejects_filtering_every_clip():
    verdict = exercises.check_lowpass(lambda w, lengths, i, g: _lowpass(w, g, probability=1.0))
    assert not verdict and "probability 0.5" in repr(verdict)


def test_checker_rejects_cutoffs_in_the_wrong_unit():
    verdict = exercises.check_lowpass(lambda w, lengths, i, g: _lowpass(w, g, scale=0.25))
    assert not verdict and "between 2000 and 3500" in repr(verdict)


def test_checker_rejects_a_highpass():
    def highpass(waves, lengths, indices, generator):
        out = waves.clone()
        cutoffs = 2000 + 1500 * torch.rand(len(waves), generator=generator)
        for row in torch.nonzero(torch.rand(len(waves), generator=generator) < 0.5).flatten():
            out[row] = AF.highpass_biquad(waves[row], 8000, float(cutoffs[row]))
        return out

    verdict = exercises.check_lowpass(highpass)
    assert not verdict and "low-pass" in repr(verdict)
