"""Exercises for notebook 05 (augmentation at training time).

* :func:`check_delay`: measure a codec's delay by cross-correlation;
* :func:`check_snr_guard`: measure the SNR a noise step achieved and assert it is the
  one asked for;
* :func:`check_collate`: pad clips of different lengths into one batch with ``lengths``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from . import Verdict, as_integer, as_real, assert_message, run_check, show_solution

__all__ = [
    "check_collate",
    "check_delay",
    "check_snr_guard",
    "show_solution",
    "solution_collate",
    "solution_delay",
    "solution_snr_guard",
]


def _noise(frames: int, seed: int, level: float = 0.1) -> torch.Tensor:
    return level * torch.randn(1, frames, generator=torch.Generator().manual_seed(seed))


# --- 1. a codec's delay --------------------------------------------------------------


def solution_delay(reference: torch.Tensor, processed: torch.Tensor) -> int:
    """Lag (samples) at which ``processed`` best matches ``reference``: the peak of their
    cross-correlation, computed with FFTs long enough that nothing wraps around."""
    a, b = reference[0].double(), processed[0].double()
    n = a.shape[-1] + b.shape[-1]
    correlation = torch.fft.irfft(torch.fft.rfft(b, n) * torch.fft.rfft(a, n).conj(), n)
    lag = int(torch.argmax(correlation))
    return lag if lag < b.shape[-1] else lag - n


def _shifted(reference: torch.Tensor, delay: int, extra: int, seed: int) -> torch.Tensor:
    frames = reference.shape[-1] + extra
    out = torch.zeros(1, frames)
    if delay >= 0:
        part = reference[:, : frames - delay]
        out[:, delay : delay + part.shape[-1]] = part
    else:
        part = reference[:, -delay : -delay + frames]
        out[:, : part.shape[-1]] = part
    return 0.7 * out + _noise(frames, seed, 0.1)  # a gain, and noise as loud as the signal


def _forbidden_find_delay(*args, **kwargs):
    raise AssertionError(
        "codecs.find_delay is the answer this exercise builds: write the cross-correlation "
        "yourself (torch.fft or a sliding dot product)"
    )


def _verify_delay(learner: Callable) -> None:
    from ..augment import codecs

    allowed = codecs.find_delay
    codecs.find_delay = _forbidden_find_delay
    try:
        _verify_delay_cases(learner)
    finally:
        codecs.find_delay = allowed


def _verify_delay_cases(learner: Callable) -> None:
    long_reference, short_reference = _noise(4000, 1), _noise(1000, 6)
    cases = ((long_reference, 37, 1152, 2), (long_reference, 576, 1152, 3),
             (long_reference, -12, 0, 4), (long_reference, 0, 300, 5),
             # a CBR MP3's 1105-sample delay on a clip shorter than the delay: a circular
             # correlation (FFTs not zero-padded to len(a) + len(b)) wraps it to a negative lag
             (short_reference, 1105, 1152, 7))
    for reference, delay, extra, seed in cases:
        processed = _shifted(reference, delay, extra, seed)
        answer = learner(reference.clone(), processed.clone())
        answer = as_integer(answer, "the delay (in samples)")
        if int(answer) == delay:
            continue
        if int(answer) == extra:
            hint = ("that is how much longer the output is: an encoder pads its end too, so "
                    "the length difference is not the delay; correlate the two signals")
        elif int(answer) == -delay:
            hint = "the sign is flipped: a positive delay means the processed signal lags"
        elif int(answer) == delay - processed.shape[-1] or int(answer) < 0 < delay:
            hint = ("the correlation wrapped around: an FFT correlation is circular, so "
                    "zero-pad both signals to len(reference) + len(processed) before the FFT "
                    "and read lags past len(processed) as negative")
        else:
            hint = ("find the lag where the cross-correlation of the two signals peaks "
                    "(noise moves single peaks, but not the correlation's)")
        raise AssertionError(
            f"the processed clip lags by {delay} samples (and is {extra} samples longer); "
            f"you returned {answer}; {hint}."
        )


def check_delay(learner: Callable[[torch.Tensor, torch.Tensor], int]) -> Verdict:
    """Check ``learner(reference, processed) -> delay in samples`` on five noisy, scaled,
    shifted copies (lags from -12 to 1105 samples, outputs up to 1152 samples longer)."""
    return run_check("Exercise 1 (codec delay)", _verify_delay, learner)


# --- 2. measure the SNR a noise step achieved, and assert it -------------------------


def solution_snr_guard(clean: torch.Tensor, augmented: torch.Tensor, asked_db: float) -> float:
    """The SNR of ``augmented`` against ``clean``, measured from the noise that is really
    in it (``augmented - clean``); raises ``AssertionError`` when it is more than 0.1 dB
    from ``asked_db``."""
    noise = augmented.double() - clean.double()
    measured = float(10 * torch.log10(clean.double().square().mean() / noise.square().mean()))
    assert abs(measured - asked_db) <= 0.1, (
        f"asked for {asked_db:.2f} dB, the mixture has {measured:.2f} dB"
    )
    return measured


def _mix(clean: torch.Tensor, noise: torch.Tensor, snr_db: float, *, amplitude: bool = True):
    ratio = clean.double().square().mean() / noise.double().square().mean()
    # The right amplitude gain uses 10 ** (-snr / 20); the wrong one the power ratio's 10.
    gain = torch.sqrt(ratio) * 10 ** (-snr_db / (20 if amplitude else 10))
    return clean + (gain * noise).float()


def _verify_snr_guard(learner: Callable) -> None:
    clean = _noise(8000, 21, 0.2)
    noise = _noise(8000, 22, 0.03)
    for asked in (20.0, 0.0, -5.0):
        mixture = _mix(clean, noise, asked)
        try:
            answer = learner(clean.clone(), mixture.clone(), asked)
        except AssertionError as error:
            raise AssertionError(
                f"your assert fired on a mixture that really is at {asked} dB "
                f"({assert_message(error)}); "
                "measure the noise as augmented - clean, and compare powers (mean squares)"
            ) from None
        answer = as_real(answer, "the measured SNR (dB)")
        assert abs(answer - asked) <= 0.01, (
            f"the mixture is at {asked} dB and you measured {answer:.4f} dB (within 0.01 dB is "
            "asked); use the "
            "clean clip's power over the power of augmented - clean (not of the mixture)"
        )
    wrong = _mix(clean, noise, 10.0, amplitude=False)  # really at 20 dB
    try:
        learner(clean.clone(), wrong.clone(), 10.0)
    except AssertionError:
        pass
    else:
        raise AssertionError(
            "a mixture asked for 10 dB but scaled by 10 ** (-snr / 10), a power ratio, where "
            "an amplitude gain belongs is really at 20 dB, and your function let it pass: end "
            "it with an assert that the measured SNR is within 0.1 dB of the asked one"
        )
    slightly_off = _mix(clean, noise, 10.3)  # asked for 10 dB, really at 10.3 dB
    try:
        learner(clean.clone(), slightly_off.clone(), 10.0)
    except AssertionError:
        return
    raise AssertionError(
        "a mixture asked for 10 dB is really at 10.3 dB and your function let it pass: the "
        "assert must allow 0.1 dB, not more"
    )


def check_snr_guard(learner: Callable[[torch.Tensor, torch.Tensor, float], float]) -> Verdict:
    """Check ``learner(clean, augmented, asked_db) -> measured dB`` on mixtures at 20, 0 and
    -5 dB, and that its assert catches mixtures 10 dB and 0.3 dB off."""
    return run_check("Exercise 2 (SNR guard)", _verify_snr_guard, learner)


# --- 3. collate with lengths ---------------------------------------------------------


def solution_collate(clips: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-pad ``(channels, frames)`` clips to the longest; return the batch
    ``(batch, channels, frames)`` and each clip's length."""
    lengths = torch.tensor([clip.shape[-1] for clip in clips])
    batch = torch.zeros(len(clips), clips[0].shape[0], int(lengths.max()))
    for row, clip in enumerate(clips):
        batch[row, :, : clip.shape[-1]] = clip
    return batch, lengths


def _verify_collate(learner: Callable) -> None:
    # the longest clip is not first: a batch as wide as clips[0] would cut it
    clips = [_noise(n, 30 + n, 0.3).expand(2, -1) + 0.5 for n in (800, 1200, 1000)]
    answer = learner([clip.clone() for clip in clips])
    assert isinstance(answer, tuple) and len(answer) == 2, "return (batch, lengths)"
    batch, lengths = answer
    assert tuple(batch.shape) == (3, 2, 1200), (
        f"the batch must be (batch, channels, longest) = (3, 2, 1200), got {tuple(batch.shape)}"
        + ("; that is the first clip's (or the shortest) length: pad to the longest, which "
           "can be anywhere in the list" if batch.shape[-1] == 800 else "")
    )
    assert torch.as_tensor(lengths).tolist() == [800, 1200, 1000], (
        f"lengths must be each clip's own frame count [800, 1200, 1000], got {lengths}"
    )
    for row, clip in enumerate(clips):
        n = clip.shape[-1]
        assert torch.equal(batch[row, :, :n], clip), f"clip {row} is not at the start of its row"
        assert not batch[row, :, n:].any(), (
            f"clip {row}'s padding is not zero: pad with zeros (silence), not by repeating "
            "its last sample or wrapping around"
        )


def check_collate(learner: Callable[[list[torch.Tensor]], tuple]) -> Verdict:
    """Check ``learner(clips) -> (batch, lengths)`` on three stereo clips of 800, 1200 and
    1000 samples."""
    return run_check("Exercise 3 (padding collate)", _verify_collate, learner)
