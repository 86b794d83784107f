"""Exercises of notebook 01 (audio effects): checkers and reference solutions."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.signal
import torch
import torchaudio.functional as AF

from ..measure import dominant_frequency, tone_level_db, transfer_db
from . import Verdict, assert_message, run_check, show_solution

__all__ = [
    "check_change_speed",
    "check_echo",
    "check_echo_test",
    "check_single_pole_lowpass",
    "show_solution",
    "solution_change_speed",
    "solution_echo",
    "solution_echo_test",
    "solution_single_pole_lowpass",
]

_RATE = 16000
#: Level of :func:`_tone`'s sine (amplitude 0.5) in dBFS.
_TONE_DB = 20 * math.log10(0.5)


def _noise(seconds: float = 1.0, seed: int = 7) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return 0.1 * torch.randn(1, round(seconds * _RATE), generator=generator)


def _tone(frequency: float, seconds: float = 1.0) -> torch.Tensor:
    times = torch.arange(round(seconds * _RATE), dtype=torch.float64) / _RATE
    return (0.5 * torch.sin(2 * math.pi * frequency * times)).float().unsqueeze(0)


def solution_single_pole_lowpass(
    waveform: torch.Tensor, sample_rate: int, cutoff_hz: float
) -> torch.Tensor:
    """y[n] = (1 - a) x[n] + a y[n-1], with a = exp(-2 pi cutoff / rate)."""
    pole = math.exp(-2 * math.pi * cutoff_hz / sample_rate)
    a_coeffs = torch.tensor([1.0, -pole], dtype=waveform.dtype)
    b_coeffs = torch.tensor([1.0 - pole, 0.0], dtype=waveform.dtype)
    return AF.lfilter(waveform, a_coeffs, b_coeffs, clamp=False)


def _expected_lowpass(waveform: torch.Tensor, cutoff: float) -> torch.Tensor:
    """The same filter computed independently, by scipy in float64."""
    pole = math.exp(-2 * math.pi * cutoff / _RATE)
    output = scipy.signal.lfilter([1 - pole, 0.0], [1.0, -pole], waveform.double().numpy())
    return torch.from_numpy(output)


def _lowpass_inputs() -> dict[str, torch.Tensor]:
    """Quiet noise, a loud low tone (peak 1.5, beyond full scale) and float64 noise."""
    times = torch.arange(_RATE, dtype=torch.float64) / _RATE
    loud = 1.5 * torch.sin(2 * math.pi * 100 * times).unsqueeze(0)
    return {
        "quiet noise (float32)": _noise(),
        "a loud 100 Hz tone (float32, peak 1.5)": loud.float(),
        "noise in float64": _noise(seed=8).double(),
    }


def _verify_single_pole_lowpass(learner: Callable) -> None:
    for name, signal in _lowpass_inputs().items():
        for cutoff in (300.0, 1000.0):
            result = learner(signal.clone(), _RATE, cutoff)
            assert isinstance(result, torch.Tensor), "return a torch.Tensor"
            assert result.shape == signal.shape, (
                f"the output should have the input's shape {tuple(signal.shape)}, "
                f"got {tuple(result.shape)}"
            )
            assert result.dtype == signal.dtype, (
                f"for {name} the output should keep the input's dtype ({signal.dtype}), "
                f"got {result.dtype}: make the coefficients tensors of waveform.dtype"
            )
            expected = _expected_lowpass(signal, cutoff)
            peak, wanted_peak = float(result.abs().max()), float(expected.abs().max())
            assert wanted_peak <= 1 or peak > 1.0001, (
                f"for {name} the output should peak at {wanted_peak:.4f}, yours stops at "
                f"{peak:.4f}: AF.lfilter clips its output to [-1, 1] unless you pass clamp=False"
            )
            measured, wanted = (
                transfer_db(signal.float(), out.float(), _RATE, [2 * cutoff])[0]
                for out in (result, expected)
            )
            assert torch.allclose(result.double(), expected, atol=1e-4), (
                f"for {name} with a {cutoff:g} Hz cut-off the gain at {2 * cutoff:g} Hz should "
                f"be {wanted:.3f} dB, yours is {measured:.3f} dB (each sample must match to "
                "within 1e-4). Check the pole a = exp(-2 pi fc / fs) and which of the difference "
                "equation's terms go into a_coeffs and b_coeffs (a_coeffs[0] multiplies y[n])."
            )


def check_single_pole_lowpass(learner: Callable) -> Verdict:
    """Exercise 1: a one-pole low-pass filter built with ``torchaudio.functional.lfilter``."""
    return run_check("Exercise 1 (one-pole low-pass)", _verify_single_pole_lowpass, learner)


#: Worst alias allowed (dB re. the tone) for a tone sped past the Nyquist frequency.
_ALIAS_LIMIT_DB = -40.0
#: Largest level change (dB) allowed for a tone that must pass.
_PASS_BAND_DB = 0.5


def solution_change_speed(waveform: torch.Tensor, sample_rate: int, factor: float) -> torch.Tensor:
    """Play ``factor`` times faster, at the same rate: relabel the rate, then resample back
    with a steep low-pass, so that nothing sped past the Nyquist frequency folds back."""
    played_rate = round(sample_rate * factor)
    steep = dict(lowpass_filter_width=64, rolloff=0.95, beta=12.0)
    return AF.resample(
        waveform, played_rate, sample_rate, **steep, resampling_method="sinc_interp_kaiser"
    )


def _verify_change_speed(learner: Callable) -> None:
    for factor in (0.8, 1.5):
        tone = _tone(440.0)
        result = learner(tone, _RATE, factor)
        assert isinstance(result, torch.Tensor) and result.ndim == 2, (
            "return a (channels, frames) torch.Tensor"
        )
        expected_frames = tone.shape[-1] / factor
        assert abs(result.shape[-1] - expected_frames) <= 2, (
            f"speed {factor} should make 1 s last {1 / factor:.3f} s "
            f"({expected_frames:.0f} frames at the same rate, within 2), got {result.shape[-1]}"
        )
        pitch = dominant_frequency(result, _RATE)
        assert abs(pitch / 440.0 - factor) < 0.01, (
            f"speed {factor} should move a 440 Hz tone to {440 * factor:.1f} Hz (within 1 %), "
            f"yours is at {pitch:.1f} Hz"
        )
    _verify_no_aliases(learner)


def _verify_no_aliases(learner: Callable) -> None:
    """Reject resamplers whose low-pass lets tones sped past Nyquist fold back."""
    # Each tone lands between 8.4 and 11 kHz, above the 8 kHz Nyquist frequency: it must be
    # removed. Left through, it folds back to 16 kHz minus where it landed.
    for factor, frequency in (
        (1.25, 6800.0),
        (1.25, 7000.0),
        (1.25, 7500.0),
        (1.5, 6000.0),
        (1.5, 6400.0),
        (1.5, 7000.0),
    ):
        landed = factor * frequency
        folded = _RATE - landed
        alias = tone_level_db(learner(_tone(frequency), _RATE, factor), _RATE, folded) - _TONE_DB
        assert alias < _ALIAS_LIMIT_DB, (
            f"speed {factor} moves a {frequency / 1000:g} kHz tone to {landed / 1000:g} kHz, "
            f"above the Nyquist frequency (8 kHz): it must be filtered out, but it folds back "
            f"to {folded / 1000:g} kHz at {alias:.2f} dB (at most {_ALIAS_LIMIT_DB:g} dB is "
            "asked). AF.resample's default low-pass is too gentle for this (and interpolating "
            "between samples is not resampling): ask AF.resample for a longer, steeper filter."
        )
    # Speed 1.25 moves 5.6 kHz to 7 kHz, below Nyquist: it must keep its level, so a
    # low-pass that also removes the top of the band (over-filtering) is not an answer.
    survivor = tone_level_db(learner(_tone(5600.0), _RATE, 1.25), _RATE, 7000.0) - _TONE_DB
    assert abs(survivor) < _PASS_BAND_DB, (
        f"speed 1.25 moves a 5.6 kHz tone to 7 kHz, below the Nyquist frequency (8 kHz): it "
        f"should keep its level (within {_PASS_BAND_DB} dB), yours is at {survivor:+.2f} dB. "
        "Your low-pass cuts into the band it must keep: put its cut-off (rolloff) close to "
        "the Nyquist frequency and make it steep with a longer filter."
    )
    # Speed 0.8 moves 3 kHz to 2.4 kHz; the level must stay, and interpolating from
    # 12.8 kHz to 16 kHz must not leave an image at 12.8 - 2.4 = 10.4 kHz (seen at 5.6 kHz).
    result = learner(_tone(3000.0), _RATE, 0.8)
    kept = tone_level_db(result, _RATE, 2400.0) - _TONE_DB
    image = tone_level_db(result, _RATE, 5600.0) - _TONE_DB
    assert abs(kept) < _PASS_BAND_DB and image < _ALIAS_LIMIT_DB, (
        f"speed 0.8 should turn a 3 kHz tone into 2.4 kHz at the same level (within "
        f"{_PASS_BAND_DB} dB); "
        f"yours is at {kept:+.2f} dB, with an image at 5.6 kHz of {image:.2f} dB (at most -40 dB "
        "is asked; a resampler's low-pass filter keeps the tone and removes the image, "
        "interpolation between samples does not)."
    )


def check_change_speed(learner: Callable) -> Verdict:
    """Exercise 2: sox's ``speed`` followed by ``rate``, returning audio at the same rate."""
    return run_check("Exercise 2 (speed, then rate)", _verify_change_speed, learner)


def solution_echo(
    waveform: torch.Tensor, sample_rate: int, delay_s: float, decay: float
) -> torch.Tensor:
    """One echo: y[n] = x[n] + decay * x[n - D], output longer by D samples."""
    delay = round(delay_s * sample_rate)
    output = torch.nn.functional.pad(waveform, (0, delay))
    output[..., delay:] += decay * waveform
    return output


def _expected_echo(waveform: torch.Tensor, delay: int, decay: float) -> torch.Tensor:
    """The echo computed independently, in float64 numpy."""
    signal = waveform.double().numpy()
    output = np.zeros((*signal.shape[:-1], signal.shape[-1] + delay))
    output[..., : signal.shape[-1]] += signal
    output[..., delay:] += decay * signal
    return torch.from_numpy(output)


def _echo_cases() -> list[tuple[str, torch.Tensor, int, float, float]]:
    """(what, signal, rate, delay_s, decay): delays longer and shorter than the signal."""
    impulse = torch.zeros(1, 1000)
    impulse[0, 0] = 1.0
    stereo = 0.1 * torch.randn(2, 4410, generator=torch.Generator().manual_seed(3))
    return [
        ("a click (1000 samples at 16 kHz)", impulse, _RATE, 0.25, 0.5),
        ("mono noise at 16 kHz", _noise(0.25), _RATE, 0.01, 0.5),
        ("stereo noise at 44.1 kHz", stereo, 44_100, 0.02, 0.7),
    ]


def _verify_echo(learner: Callable) -> None:
    for what, signal, rate, delay_s, decay in _echo_cases():
        delay = round(delay_s * rate)
        result = learner(signal.clone(), rate, delay_s, decay)
        assert isinstance(result, torch.Tensor) and result.ndim == 2, (
            "return a (channels, frames) torch.Tensor"
        )
        assert result.shape[0] == signal.shape[0], (
            f"for {what} the output should keep all {signal.shape[0]} channels, "
            f"got {result.shape[0]}: delay every channel, not only the first"
        )
        assert result.shape[-1] == signal.shape[-1] + delay, (
            f"for {what} a delay of {delay_s} s is round({delay_s} * {rate}) = {delay} samples "
            f"(use the sample_rate argument): the output should be longer by the delay, "
            f"{signal.shape[-1]} + {delay} = {signal.shape[-1] + delay} frames, so the echo is "
            f"not cut off; got "
            f"{result.shape[-1]}"
        )
        expected = _expected_echo(signal, delay, decay)
        error = float((result.double() - expected).abs().max())
        if delay < signal.shape[-1]:
            overwritten = expected.clone()
            overwritten[..., delay:] = decay * signal.double()
            assert not torch.allclose(result.double(), overwritten, atol=1e-5), (
                f"for {what} (a delay of {delay} samples, shorter than the signal) the echo "
                "replaces the direct sound where they overlap: add the delayed copy (+=)"
            )
        assert error < 1e-5, (
            f"for {what} with delay_s={delay_s}, decay={decay}, the output differs from "
            f"x[n] + decay * x[n - {delay}] by up to {error:.3g} (at most 1e-5 is allowed): "
            "keep the direct sound at its level and add the copy scaled by decay"
        )


def check_echo(learner: Callable) -> Verdict:
    """Exercise 3: a single echo, like sox ``echo 1 1 DELAY_MS DECAY``."""
    return run_check("Exercise 3 (echo)", _verify_echo, learner)


def solution_echo_test(echo: Callable) -> None:
    """Test an echo effect from its output alone: measure delay and decay, then assert them.

    White noise is its own best probe: its autocorrelation is a spike at lag 0, so the
    output's autocorrelation has one more spike, at the echo's lag D. With
    y = x + d x(n - D), the lag-D value is d / (1 + d**2) times the lag-0 value
    (not d): solve that for d.
    """
    rate, delay_s, decay = 16000, 0.25, 0.5
    noise = 0.1 * torch.randn(1, 4 * rate, generator=torch.Generator().manual_seed(0))
    output = echo(noise, rate, delay_s, decay)[0].double()
    # Correlating with itself is convolving with its own time reversal; lag 0 sits at N - 1.
    autocorrelation = AF.fftconvolve(output, output.flip(-1))[output.numel() - 1 :]
    first = round(0.02 * rate)  # skip lag 0 and its immediate neighbours
    lag = first + int(autocorrelation[first:].abs().argmax())
    ratio = float(autocorrelation[lag] / autocorrelation[0])
    measured = (1 - math.sqrt(1 - 4 * ratio**2)) / (2 * ratio) if ratio else 0.0
    assert lag == round(delay_s * rate), f"echo at lag {lag}, expected {round(delay_s * rate)}"
    assert abs(measured - decay) < 0.025, f"echo decay {measured:.4f}, expected {decay} ± 0.025"


def _echo_by_convolution(waveform, sample_rate, delay_s, decay):
    """A correct echo written differently from the reference (a two-spike convolution)."""
    delay = round(delay_s * sample_rate)
    response = torch.zeros(delay + 1, dtype=waveform.dtype)
    response[0], response[delay] = 1.0, decay
    return AF.fftconvolve(waveform, response.expand(waveform.shape[0], -1))


def _broken_echo(*, delay_error_s: float = 0.0, decay_factor: float = 1.0) -> Callable:
    def echo(waveform, sample_rate, delay_s, decay):
        return solution_echo(waveform, sample_rate, delay_s + delay_error_s, decay * decay_factor)

    return echo


#: Echo effects with one defect each, and what the learner's test should have noticed.
_BROKEN_ECHOES = {
    "an echo 2 ms late": _broken_echo(delay_error_s=0.002),
    "an echo at 0.6 times the decay (0.3 instead of 0.5)": _broken_echo(decay_factor=0.6),
    "an echo 10 % too loud (0.55 instead of 0.5)": _broken_echo(decay_factor=1.1),
    "an inverted echo (-0.5 instead of 0.5)": _broken_echo(decay_factor=-1.0),
    "no echo at all": _broken_echo(decay_factor=0.0),
}


def _echo_with_noise_floor(waveform, sample_rate, delay_s, decay):
    """A correct echo with its own noise at -60 dB re. its RMS, as a recording would have:
    a test that compares with the reference's output sample by sample fails it."""
    output = _echo_by_convolution(waveform, sample_rate, delay_s, decay)
    generator = torch.Generator().manual_seed(2024)
    floor = torch.randn(output.shape, generator=generator, dtype=output.dtype)
    return output + 1e-3 * output.pow(2).mean().sqrt() * floor


def _run_learner_test(learner: Callable, echo: Callable, name: str) -> str | None:
    """None if the learner's test passes ``echo``, the message if one of its asserts fails;
    any other error becomes a verdict that names it."""
    try:
        learner(echo)
    except AssertionError as error:
        return assert_message(error)
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's code: report it, do not crash
        raise AssertionError(
            f"your test stopped with {type(error).__name__} ({error}) on {name}, before "
            "reaching an assert. Run it on exercises.solution_echo to find the line."
        ) from None
    return None


def _verify_echo_test(learner: Callable) -> None:
    for name, correct in (
        ("the reference echo", solution_echo),
        ("an echo written as a convolution", _echo_by_convolution),
        ("an echo with its own noise at -60 dB", _echo_with_noise_floor),
    ):
        failure = _run_learner_test(learner, correct, f"a correct echo ({name})")
        assert failure is None, (
            f"your test fails on a correct echo ({name}, delay 0.25 s, decay 0.5): {failure}. "
            "Measure from the output alone (do not compare with solution_echo's output), on "
            "about 4 s of noise. Hint: at the echo's lag the output's autocorrelation is "
            "decay / (1 + decay**2) times its value at lag 0."
        )
    for name, broken in _BROKEN_ECHOES.items():
        assert _run_learner_test(learner, broken, name) is not None, (
            f"your test passes {name}. Measure the delay to the sample and the decay to "
            "a few hundredths, and assert both."
        )


def check_echo_test(learner: Callable) -> Verdict:
    """Exercise 4: a test that measures an echo effect's delay and decay and asserts them."""
    return run_check("Exercise 4 (a test for the echo)", _verify_echo_test, learner)
