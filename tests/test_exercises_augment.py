"""The notebook 05 checkers accept the reference solutions and reject typical mistakes."""

import torch

from helpers.exercises import augment as exercises


def test_checkers_accept_the_solutions():
    assert exercises.check_delay(exercises.solution_delay)
    assert exercises.check_snr_guard(exercises.solution_snr_guard)
    assert exercises.check_collate(exercises.solution_collate)


def test_delay_checker_rejects_the_length_difference_and_single_peaks():
    verdict = exercises.check_delay(lambda ref, out: out.shape[-1] - ref.shape[-1])
    assert not verdict and "length difference is not the delay" in repr(verdict)
    peaks = exercises.check_delay(
        lambda ref, out: int(out.abs().argmax()) - int(ref.abs().argmax())
    )
    assert not peaks and "cross-correlation" in repr(peaks)
    flipped = exercises.check_delay(lambda ref, out: -exercises.solution_delay(ref, out))
    assert not flipped and "sign is flipped" in repr(flipped)


def _measured(clean, augmented):
    noise = augmented.double() - clean.double()
    return float(10 * torch.log10(clean.double().square().mean() / noise.square().mean()))


def test_snr_guard_checker_needs_the_measurement_and_the_assert():
    no_assert = exercises.check_snr_guard(lambda clean, aug, asked: _measured(clean, aug))
    assert not no_assert and "end it with an assert" in repr(no_assert)

    def mixture_power(clean, augmented, asked):
        noise = augmented.double() - clean.double()
        value = float(10 * torch.log10(augmented.double().square().mean() / noise.square().mean()))
        assert abs(value - asked) <= 0.1
        return value

    verdict = exercises.check_snr_guard(mixture_power)
    assert not verdict and "not of the mixture" in repr(verdict)

    def peaks(clean, augmented, asked):
        noise = augmented - clean
        return float(20 * torch.log10(clean.abs().max() / noise.abs().max()))

    assert not exercises.check_snr_guard(peaks)


def test_collate_checker_rejects_truncation_and_edge_padding():
    def shortest(clips):
        n = min(c.shape[-1] for c in clips)
        return torch.stack([c[:, :n] for c in clips]), torch.tensor([n] * len(clips))

    verdict = exercises.check_collate(shortest)
    assert not verdict and "shortest" in repr(verdict)

    def edge(clips):
        n = max(c.shape[-1] for c in clips)
        batch = torch.stack(
            [torch.nn.functional.pad(c[None], (0, n - c.shape[-1]), mode="replicate")[0]
             for c in clips]
        )
        return batch, torch.tensor([c.shape[-1] for c in clips])

    padded = exercises.check_collate(edge)
    assert not padded and "padding is not zero" in repr(padded)


def test_unattempted_stub_is_reported():
    def stub(*args):
        raise NotImplementedError

    assert "not solved yet" in repr(exercises.check_collate(stub))


def test_delay_checker_accepts_numpy_integers_and_forbids_the_helper():
    import numpy as np

    from helpers.augment import codecs

    def numpy_answer(reference, processed):
        return np.int64(exercises.solution_delay(reference, processed))

    assert exercises.check_delay(numpy_answer).passed

    def bare_helper(reference, processed):
        return codecs.find_delay(reference, processed)

    verdict = exercises.check_delay(bare_helper)
    assert not verdict.passed and "find_delay" in verdict.message
    assert codecs.find_delay is not None and codecs.find_delay.__name__ == "find_delay"


def test_snr_guard_checker_accepts_numpy_floats():
    import numpy as np

    def numpy_answer(clean, augmented, asked_db):
        return np.float32(exercises.solution_snr_guard(clean, augmented, asked_db))

    assert exercises.check_snr_guard(numpy_answer).passed


def test_delay_checker_rejects_circular_correlation():
    def circular(reference, processed):
        a, b = reference[0].double(), processed[0].double()
        n = max(a.shape[-1], b.shape[-1])  # no zero padding: the correlation wraps
        correlation = torch.fft.irfft(torch.fft.rfft(b, n) * torch.fft.rfft(a, n).conj(), n)
        lag = int(torch.argmax(correlation))
        return lag if lag < n // 2 else lag - n

    verdict = exercises.check_delay(circular)
    assert not verdict and "wrapped around" in repr(verdict)


def test_snr_guard_checker_rejects_a_loose_tolerance():
    def loose(clean, augmented, asked):
        value = _measured(clean, augmented)
        assert abs(value - asked) < 5
        return value

    verdict = exercises.check_snr_guard(loose)
    assert not verdict and "10.3 dB" in repr(verdict)


def test_collate_checker_rejects_the_first_clips_width():
    def first_width(clips):
        lengths = torch.tensor([c.shape[-1] for c in clips])
        batch = torch.zeros(len(clips), clips[0].shape[0], clips[0].shape[-1])
        for row, c in enumerate(clips):
            n = min(c.shape[-1], batch.shape[-1])
            batch[row, :, :n] = c[:, :n]
        return batch, lengths

    verdict = exercises.check_collate(first_width)
    assert not verdict and "longest" in repr(verdict)
