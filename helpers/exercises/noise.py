"""Exercises for notebook 02 (background noise and room reverberation).

* :func:`check_mix_padded`: mix noise into a zero-padded batch, each clip at its own
  SNR measured over its real samples only, and keep the padding silent;
* :func:`check_t20`: measure a room's reverberation time (T20) from its impulse
  response with Schroeder's backward integration and a line fit;
* :func:`check_assert_snr`: write the measurement *and the assert* that proves a
  mixture has the SNR it was asked for; the checker feeds it right and wrong mixtures.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from . import Verdict, as_real, assert_message, run_check, show_solution

__all__ = [
    "check_assert_snr",
    "check_mix_padded",
    "check_t20",
    "show_solution",
    "solution_assert_snr",
    "solution_mix_padded",
    "solution_t20",
]

#: Closest a learner's measured SNR must come to the one asked for.
_DB_TOLERANCE = 0.01


def _noise(shape: tuple[int, ...], seed: int, level: float = 0.1) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return level * torch.randn(shape, generator=generator)


def _power_db(signal: torch.Tensor) -> float:
    return float(10 * torch.log10(signal.double().square().mean()))


# --- 1. a padded batch, each clip at its own SNR ---------------------------------------


def solution_mix_padded(
    clean: torch.Tensor, noise: torch.Tensor, snr_db: torch.Tensor, lengths: torch.Tensor
) -> torch.Tensor:
    """Mix ``noise`` into a zero-padded ``(batch, channels, time)`` batch at ``snr_db``.

    Each clip's powers are measured over its first ``lengths[i]`` samples only, and
    the noise is masked there too, so the padding stays silent.
    """
    time = clean.shape[-1]
    mask = (torch.arange(time) < lengths.reshape(-1, 1, 1)).to(clean.dtype)  # (batch, 1, time)
    valid = mask.sum(dim=(1, 2)) * clean.shape[1]  # real samples per clip, all channels
    signal_power = (clean.double() * mask).square().sum(dim=(1, 2)) / valid
    noise_power = (noise.double() * mask).square().sum(dim=(1, 2)) / valid
    gain = torch.sqrt(signal_power / noise_power) * 10 ** (-snr_db.double() / 20)
    return clean + (gain.reshape(-1, 1, 1) * noise * mask).to(clean.dtype)


def _padded_case() -> tuple[torch.Tensor, ...]:
    lengths = torch.tensor([8000, 3000, 5500, 1200])
    time = int(lengths.max())
    clean = torch.zeros(len(lengths), 1, time)
    for index, length in enumerate(lengths.tolist()):
        clean[index, :, :length] = _noise((1, length), 30 + index, 0.2 / (index + 1))
    noise = _noise((len(lengths), 1, time), 40, 0.05)
    # the noise is ten times louder in the padding, so that its power averaged over the
    # padded length is far from its power over the real samples
    noise = torch.where(torch.arange(time) < lengths.reshape(-1, 1, 1), noise, 10 * noise)
    snr_db = torch.tensor([15.0, 5.0, 0.0, -5.0])
    return clean, noise, snr_db, lengths


def _stereo_case() -> tuple[torch.Tensor, ...]:
    # two channels of unequal level: one gain per clip over both channels keeps the
    # left/right balance; one gain per channel does not
    clean, noise, snr_db, lengths = _padded_case()
    clean = torch.cat([clean, 0.2 * clean.roll(1, 0)], dim=1)
    noise = torch.cat([noise, _noise(tuple(noise.shape), 41, 0.05)], dim=1)
    return clean, noise, snr_db, lengths


def _verify_mix_padded(learner: Callable) -> None:
    _verify_mix_padded_case(learner, *_padded_case())
    _verify_mix_padded_case(learner, *_stereo_case())


def _verify_mix_padded_case(learner: Callable, clean, noise, snr_db, lengths) -> None:
    mixture = learner(clean.clone(), noise.clone(), snr_db.clone(), lengths.clone())
    if isinstance(mixture, tuple) and mixture and isinstance(mixture[0], torch.Tensor):
        mixture = mixture[0]  # (mixture, scaled noise), like the lesson's functions
    assert isinstance(mixture, torch.Tensor), f"return a tensor, got {type(mixture).__name__}"
    assert mixture.shape == clean.shape, (
        f"the mixture has shape {tuple(mixture.shape)}, the batch {tuple(clean.shape)}; "
        "return one mixture per clip, padded like the input"
    )
    added = (mixture - clean).double()
    for index, (length, target) in enumerate(zip(lengths.tolist(), snr_db.tolist(), strict=True)):
        padding = added[index, :, length:]
        if padding.numel() and float(padding.abs().max()) > 1e-6:
            raise AssertionError(
                f"clip {index} has only {length} real samples, but your mixture has noise in "
                "its padding after them (torchaudio's add_noise does that too): multiply the "
                "noise by the mask of real samples, so the padding stays silent."
            )
        real = slice(0, length)
        measured = _power_db(clean[index, :, real]) - _power_db(added[index, :, real])
        if abs(measured - target) <= _DB_TOLERANCE and clean.shape[1] > 1:
            gains = added[index, :, real].norm(dim=-1) / noise[index, :, real].norm(dim=-1)
            if float(gains.max() / gains.min()) > 1.001:
                raise AssertionError(
                    f"clip {index} has two channels, and your noise gains differ between "
                    f"them ({gains[0]:.4f} vs {gains[1]:.4f}): one gain per clip, from the "
                    "powers over all its channels, keeps the noise's left/right balance"
                )
        if abs(measured - target) <= _DB_TOLERANCE:
            continue
        diluted = 10 * math.log10(clean.shape[-1] / length)
        noise_share = _power_db(noise[index, :, real]) - _power_db(noise[index])
        padded_noise = (measured - target + noise_share, measured - target + noise_share - diluted)
        if abs(measured - (target + diluted)) <= 0.05:
            hint = (
                "the SNR over the real samples is too high by exactly the padding's dilution, "
                f"10 log10({clean.shape[-1]} / {length}) = {diluted:.2f} dB: you averaged the "
                "clip's power over its padding (zeros); average over the first lengths[i] "
                "samples only"
            )
        elif abs(measured - 2 * target) <= 0.05:
            hint = "the dB came out doubled: an amplitude gain takes 10 ** (-snr_db / 20)"
        elif min(abs(error) for error in padded_noise) <= 0.05:
            hint = (
                "the noise's power was averaged over its padding too (the checker's noise is "
                "louder there): you averaged the clip's power over its padding; measure both "
                "powers over the first lengths[i] samples only"
            )
        else:
            hint = (
                "compute one gain per clip from the mean squares of its real samples, "
                "a = sqrt(P_signal / P_noise) * 10 ** (-snr_db / 20)"
            )
        raise AssertionError(
            f"clip {index} ({length} real samples) was asked for {target:g} dB and came out at "
            f"{measured:.4f} dB over its real samples (within {_DB_TOLERANCE:g} dB is asked); "
            f"{hint}."
        )


def check_mix_padded(learner: Callable[..., torch.Tensor]) -> Verdict:
    """Check ``learner(clean, noise, snr_db, lengths) -> mixture`` on a padded batch of 4,
    mono and stereo (a tuple whose first item is the mixture is accepted too)."""
    return run_check("Exercise 1 (a padded batch)", _verify_mix_padded, learner)


# --- 2. T20 by Schroeder's backward integration --------------------------------------


def solution_t20(rir: torch.Tensor, sample_rate: int) -> float:
    """T20 (s): Schroeder's curve in dB, a line fitted from -5 to -25 dB, extended to -60 dB."""
    energy = rir[0].double().square()
    remaining = energy.flip(0).cumsum(0).flip(0)  # energy from each sample to the end
    curve_db = 10 * torch.log10(remaining / remaining[0])
    inside = (curve_db <= -5) & (curve_db >= -25)
    times = torch.arange(len(curve_db), dtype=torch.float64)[inside] / sample_rate
    slope, _ = np.polyfit(times.numpy(), curve_db[inside].numpy(), 1)  # dB per second
    return float(-60 / slope)


def _room(rt60: float, sample_rate: int, seed: int, drr_db: float = 3.0) -> torch.Tensor:
    """A test response with a known RT60: a direct path, a 20 ms pre-delay and a decaying tail."""
    frames = round(1.2 * rt60 * sample_rate)
    times = torch.arange(frames, dtype=torch.float64) / sample_rate
    tail = _noise((frames,), seed, 1.0).double() * torch.exp(-math.log(1000) * times / rt60)
    tail[:40] = 0  # the first reflection arrives 2.5 ms after the direct sound
    tail = tail / tail.norm()
    tail[0] = 10 ** (drr_db / 20)  # direct-sound energy over tail energy: drr_db
    predelay = torch.zeros(round(0.02 * sample_rate), dtype=torch.float64)
    return torch.cat([predelay, tail]).float().unsqueeze(0)


def _verify_t20(learner: Callable) -> None:
    sample_rate = 16000
    for rt60, seed in ((0.3, 51), (0.8, 52), (1.5, 53)):
        rir = _room(rt60, sample_rate, seed)
        answer = as_real(learner(rir.clone(), sample_rate), "T20")
        if abs(answer / rt60 - 1) <= 0.05:
            continue
        ratio = answer / rt60
        if answer <= 0:
            hint = (
                "a negative time: the curve rises instead of falling; integrate from the end "
                "backwards (energy remaining after each instant), not from the start"
            )
        elif abs(ratio - 2) <= 0.15:
            hint = (
                "twice the true value: the decay in dB was half as steep. Integrate the "
                "squared response (energy), and take 10 log10 of an energy"
            )
        elif abs(ratio - 0.5) <= 0.05:
            hint = "half the true value: an energy takes 10 log10, not 20 log10"
        elif ratio > 100:
            hint = "far too long: is your slope in dB per sample? divide times by sample_rate"
        elif abs(ratio - 1 / 3) <= 0.03:
            hint = (
                "a third of the true value: that is the time the line takes to fall 20 dB; "
                "the RT60 is the time for 60 dB, -60 / slope"
            )
        else:
            hint = (
                "fit a straight line (least squares) to the curve between -5 and -25 dB and "
                "return -60 divided by its slope in dB per second"
            )
        raise AssertionError(
            f"for a room with an RT60 of {rt60} s you returned {answer:.3f} s "
            f"({ratio:.2f} times the truth; within 5 % is asked); {hint}."
        )
    _verify_t20_at_any_level(learner, sample_rate)
    _verify_t20_on_two_slopes(learner, sample_rate)


def _two_slope_room(sample_rate: int) -> torch.Tensor:
    # a fast decay (0.25 s) and a slow one (1.2 s) 18 dB below it: the curve bends near
    # -20 dB, so a fit over another range (T30's -5 to -35 dB) gives another answer
    fast, slow = _room(0.25, sample_rate, 55), _room(1.2, sample_rate, 56)
    fast = torch.nn.functional.pad(fast, (0, slow.shape[-1] - fast.shape[-1]))
    slow[..., : round(0.02 * sample_rate) + 1] = 0  # no second direct sound
    return fast + 10 ** (-18 / 20) * slow


def _verify_t20_on_two_slopes(learner: Callable, sample_rate: int) -> None:
    rir = _two_slope_room(sample_rate)
    truth = solution_t20(rir, sample_rate)  # 0.277 s
    answer = as_real(learner(rir.clone(), sample_rate), "T20")
    if not abs(answer / truth - 1) <= 0.05:
        raise AssertionError(
            f"for a room that decays in two slopes, T20 (a line from -5 to -25 dB) is "
            f"{truth:.3f} s and you returned {answer:.3f} s; single-slope rooms give every "
            "fit range the same answer, this one does not: fit exactly from -5 to -25 dB."
        )


def _verify_t20_at_any_level(learner: Callable, sample_rate: int) -> None:
    # A measured response has an arbitrary level: this one has an energy of 0.001, so a
    # curve not divided by the total energy starts at -30 dB and misses the -5 to -25 window.
    quiet = _room(0.8, sample_rate, 54) * math.sqrt(
        0.001 / float(_room(0.8, sample_rate, 54).square().sum())
    )
    hint = (
        "the rooms above had an energy near 1, this one has 0.001 (like a measured response): "
        "divide the remaining energy by the total, so that the curve starts at 0 dB"
    )
    try:
        answer = as_real(learner(quiet.clone(), sample_rate), "T20")
    except (ArithmeticError, LookupError, RuntimeError, TypeError, ValueError) as error:
        raise AssertionError(f"your function failed on a quiet room ({error}); {hint}.") from error
    if not abs(answer / 0.8 - 1) <= 0.05:
        raise AssertionError(
            f"for a quiet room with an RT60 of 0.8 s you returned {answer:.3f} s; {hint}."
        )


def check_t20(learner: Callable[[torch.Tensor, int], float]) -> Verdict:
    """Check ``learner(rir, sample_rate) -> T20 in s`` on three rooms (0.3, 0.8 and 1.5 s),
    on a 0.8 s room whose energy is 0.001, not 1, and on a room with two decay slopes."""
    return run_check("Exercise 2 (a measurement)", _verify_t20, learner)


# --- 3. a measurement and its assert -------------------------------------------------


def solution_assert_snr(clean: torch.Tensor, mixture: torch.Tensor, snr_db: float) -> None:
    """Assert that ``mixture`` (= ``clean`` + noise) has ``snr_db`` within 0.1 dB."""
    noise = mixture.double() - clean.double()
    measured = 10 * math.log10(float(clean.double().square().mean() / noise.square().mean()))
    assert abs(measured - snr_db) < 0.1, f"asked for {snr_db} dB, measured {measured:.2f} dB"


def _mixtures() -> tuple[torch.Tensor, list[tuple[float, float, str]]]:
    """The clean clip, and (asked dB, the dB the mixture really has, what went wrong)."""
    syllables = torch.sin(torch.arange(16000) * (math.pi * 4 / 16000)).square()  # 4 bursts
    clean = _noise((1, 16000), 61, 0.2) * syllables
    cases = [
        (20.0, 20.0, ""),
        (3.0, 3.0, ""),
        (-5.0, -5.0, ""),
        (0.0, 0.0, ""),
        (20.0, 20.0 * 20 * math.log10(math.e) / 10, "the exp(snr_db / 10) recipe (17.4 dB)"),
        (3.0, 3.0 * 20 * math.log10(math.e) / 10, "the exp(snr_db / 10) recipe (2.6 dB)"),
        (10.0, 20.0, "a power ratio used as an amplitude gain (20 dB)"),
        (5.0, -5.0, "a gain on the wrong component (-5 dB)"),
        (10.0, 10.3, "a mixture 0.3 dB off (10.3 dB)"),
        (10.0, 9.85, "a mixture 0.15 dB off (9.85 dB)"),
    ]
    return clean, cases


def _mixture(clean: torch.Tensor, true_snr_db: float) -> torch.Tensor:
    noise = _noise(tuple(clean.shape), 62, 0.05)
    gain = math.sqrt(float(clean.double().square().mean() / noise.double().square().mean()))
    return clean + (gain * 10 ** (-true_snr_db / 20)) * noise


def _verify_assert_snr(learner: Callable) -> None:
    clean, cases = _mixtures()
    for asked, true, mistake in cases:
        mixture = _mixture(clean, true)
        try:
            returned = learner(clean.clone(), mixture.clone(), asked)
        except AssertionError as error:
            if not mistake:
                raise AssertionError(
                    f"your assert failed on a right mixture (asked {asked:g} dB, it has "
                    f"{true:g} dB to float32 rounding): {assert_message(error)}. Measure "
                    "the noise as "
                    "mixture - clean, compare mean squares in dB, and allow a tolerance "
                    "(float32 rounding is far below 0.01 dB; == never holds)"
                ) from None
            continue
        if not mistake:
            continue
        hint = (
            "did you return a bool instead of asserting? A check must raise"
            if isinstance(returned, bool | torch.Tensor | np.bool_)
            else "is your tolerance too loose? 0.1 dB catches this one"
            if abs(asked - true) < 0.5
            else "measure the noise as mixture - clean, and the SNR from mean squares"
        )
        raise AssertionError(
            f"asked for {asked:g} dB, the checker gave your function {mistake}, and your "
            f"assert let it pass; {hint}."
        )


def check_assert_snr(learner: Callable[[torch.Tensor, torch.Tensor, float], None]) -> Verdict:
    """Check ``learner(clean, mixture, snr_db)``: silent on 4 right mixtures, raises on 6 wrong."""
    return run_check("Exercise 3 (a measurement and its assert)", _verify_assert_snr, learner)
