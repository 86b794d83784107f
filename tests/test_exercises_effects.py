"""Notebook 01's exercise checkers accept the reference solutions and reject typical mistakes."""

from __future__ import annotations

import math

import torch
import torchaudio.functional as AF

from helpers.exercises import effects as exercises


def test_single_pole_lowpass_solution_passes():
    assert exercises.check_single_pole_lowpass(exercises.solution_single_pole_lowpass)


def test_single_pole_lowpass_rejects_a_wrong_pole():
    def wrong_pole(waveform, sample_rate, cutoff_hz):
        pole = math.exp(-math.pi * cutoff_hz / sample_rate)  # missing factor 2
        return AF.lfilter(waveform, torch.tensor([1.0, -pole]), torch.tensor([1 - pole, 0.0]))

    verdict = exercises.check_single_pole_lowpass(wrong_pole)
    assert not verdict
    assert "gain at 600 Hz" in repr(verdict)


def test_single_pole_lowpass_rejects_a_biquad():
    def biquad(waveform, sample_rate, cutoff_hz):
        return AF.lowpass_biquad(waveform, sample_rate, cutoff_hz)

    assert not exercises.check_single_pole_lowpass(biquad)


def test_stub_counts_as_not_attempted():
    def stub(waveform, sample_rate, cutoff_hz):
        raise NotImplementedError

    assert "not solved yet" in repr(exercises.check_single_pole_lowpass(stub))


def test_change_speed_solution_passes():
    assert exercises.check_change_speed(exercises.solution_change_speed)


def test_change_speed_rejects_the_inverse_ratio():
    def inverted(waveform, sample_rate, factor):
        return AF.resample(waveform, sample_rate, round(sample_rate * factor))

    verdict = exercises.check_change_speed(inverted)
    assert not verdict
    assert "speed 0.8" in repr(verdict)


def test_change_speed_rejects_a_rate_relabel_only():
    def relabel(waveform, sample_rate, factor):
        return waveform

    assert not exercises.check_change_speed(relabel)


def test_single_pole_lowpass_rejects_a_clamped_output():
    def clamped(waveform, sample_rate, cutoff_hz):
        pole = math.exp(-2 * math.pi * cutoff_hz / sample_rate)
        a_coeffs = torch.tensor([1.0, -pole], dtype=waveform.dtype)
        b_coeffs = torch.tensor([1 - pole, 0.0], dtype=waveform.dtype)
        return AF.lfilter(waveform, a_coeffs, b_coeffs)  # clamp=True by default

    verdict = exercises.check_single_pole_lowpass(clamped)
    assert not verdict
    assert "clamp=False" in repr(verdict)


def test_single_pole_lowpass_rejects_float32_coefficients_on_float64():
    def float32_only(waveform, sample_rate, cutoff_hz):
        pole = math.exp(-2 * math.pi * cutoff_hz / sample_rate)
        a_coeffs, b_coeffs = torch.tensor([1.0, -pole]), torch.tensor([1 - pole, 0.0])
        return AF.lfilter(waveform.float(), a_coeffs, b_coeffs, clamp=False)

    verdict = exercises.check_single_pole_lowpass(float32_only)
    assert not verdict
    assert "waveform.dtype" in repr(verdict)


def test_change_speed_rejects_the_default_resampling_filter():
    """AF.speed (AF.resample's defaults) lets tones sped past Nyquist fold back."""

    def defaults(waveform, sample_rate, factor):
        return AF.speed(waveform, sample_rate, factor)[0]

    verdict = exercises.check_change_speed(defaults)
    assert not verdict
    assert "folds back" in repr(verdict)


def test_echo_solution_passes():
    assert exercises.check_echo(exercises.solution_echo)


def test_echo_rejects_a_cut_off_tail():
    def truncated(waveform, sample_rate, delay_s, decay):
        return exercises.solution_echo(waveform, sample_rate, delay_s, decay)[
            ..., : waveform.shape[-1]
        ]

    verdict = exercises.check_echo(truncated)
    assert not verdict
    assert "longer by the delay" in repr(verdict)


def test_echo_rejects_a_wrong_decay():
    def loud(waveform, sample_rate, delay_s, decay):
        return exercises.solution_echo(waveform, sample_rate, delay_s, 1.0)

    assert not exercises.check_echo(loud)


def test_change_speed_rejects_linear_interpolation():
    def linear(waveform, sample_rate, factor):
        frames = round(waveform.shape[-1] / factor)
        return torch.nn.functional.interpolate(waveform[None], size=frames, mode="linear")[0]

    verdict = exercises.check_change_speed(linear)
    assert not verdict
    assert "folds back" in repr(verdict)


def test_change_speed_rejects_nearest_neighbour_repetition():
    def nearest(waveform, sample_rate, factor):
        frames = round(waveform.shape[-1] / factor)
        return torch.nn.functional.interpolate(waveform[None], size=frames, mode="nearest")[0]

    assert not exercises.check_change_speed(nearest)


def test_change_speed_accepts_a_steeper_resampler():
    def kaiser(waveform, sample_rate, factor):
        return AF.resample(
            waveform,
            round(sample_rate * factor),
            sample_rate,
            lowpass_filter_width=64,
            rolloff=0.95,
            resampling_method="sinc_interp_kaiser",
            beta=12.0,
        )

    assert exercises.check_change_speed(kaiser)


def test_change_speed_rejects_an_upsampler_that_leaves_images():
    def images_only(waveform, sample_rate, factor):
        if factor >= 1:
            return exercises.solution_change_speed(waveform, sample_rate, factor)
        frames = round(waveform.shape[-1] / factor)
        return torch.nn.functional.interpolate(waveform[None], size=frames, mode="linear")[0]

    verdict = exercises.check_change_speed(images_only)
    assert not verdict
    assert "image" in repr(verdict)


def test_single_pole_lowpass_hint_does_not_give_the_coefficients_away():
    def wrong_pole(waveform, sample_rate, cutoff_hz):
        pole = math.exp(-math.pi * cutoff_hz / sample_rate)
        return AF.lfilter(waveform, torch.tensor([1.0, -pole]), torch.tensor([1 - pole, 0.0]))

    message = repr(exercises.check_single_pole_lowpass(wrong_pole))
    assert "[1 - a, 0]" not in message and "[1, -a]" not in message


def test_echo_test_solution_passes():
    assert exercises.check_echo_test(exercises.solution_echo_test)


def test_echo_test_stub_counts_as_not_solved():
    def stub(echo):
        raise NotImplementedError

    assert "not solved yet" in repr(exercises.check_echo_test(stub))


def test_echo_test_rejects_a_test_that_asserts_nothing():
    def measures_but_never_asserts(echo):
        echo(torch.zeros(1, 16000), 16000, 0.25, 0.5)

    verdict = exercises.check_echo_test(measures_but_never_asserts)
    assert not verdict
    assert "passes" in repr(verdict)


def _autocorrelation_peak(echo):
    noise = 0.1 * torch.randn(1, 4 * 16000, generator=torch.Generator().manual_seed(3))
    output = echo(noise, 16000, 0.25, 0.5)[0].double()
    correlation = AF.fftconvolve(output, output.flip(-1))[output.numel() - 1 :]
    lag = 320 + int(correlation[320:].abs().argmax())
    return lag, float(correlation[lag] / correlation[0])


def test_echo_test_rejects_reading_the_decay_as_the_correlation_ratio():
    """The naive test asserts that the normalised autocorrelation peak equals the decay."""

    def naive(echo):
        lag, ratio = _autocorrelation_peak(echo)
        assert lag == 4000
        assert abs(ratio - 0.5) < 0.025

    verdict = exercises.check_echo_test(naive)
    assert not verdict
    assert "fails on a correct echo" in repr(verdict)


def test_echo_test_rejects_a_loose_tolerance():
    def loose(echo):
        lag, ratio = _autocorrelation_peak(echo)
        decay = (1 - math.sqrt(1 - 4 * ratio**2)) / (2 * ratio) if ratio else 0.0
        assert abs(lag - 4000) < 100  # 6 ms: misses a 2 ms error
        assert abs(decay - 0.5) < 0.2

    verdict = exercises.check_echo_test(loose)
    assert not verdict
    assert "2 ms late" in repr(verdict)


def test_echo_test_rejects_a_test_blind_to_the_sign():
    def unsigned(echo):
        lag, ratio = _autocorrelation_peak(echo)
        ratio = abs(ratio)
        decay = (1 - math.sqrt(1 - 4 * ratio**2)) / (2 * ratio) if ratio else 0.0
        assert lag == 4000 and abs(decay - 0.5) < 0.025

    verdict = exercises.check_echo_test(unsigned)
    assert not verdict
    assert "inverted" in repr(verdict)


def test_change_speed_rejects_a_resampler_that_over_filters():
    """A low-pass far below Nyquist kills every alias, and the top of the band with it."""

    def over_filtering(waveform, sample_rate, factor):
        return AF.resample(
            waveform,
            round(sample_rate * factor),
            sample_rate,
            lowpass_filter_width=64,
            rolloff=0.5,
            resampling_method="sinc_interp_kaiser",
            beta=12.0,
        )

    verdict = exercises.check_change_speed(over_filtering)
    assert not verdict
    assert "5.6 kHz tone to 7 kHz" in repr(verdict)


def test_echo_rejects_an_echo_that_overwrites_the_direct_sound():
    def overwrite(waveform, sample_rate, delay_s, decay):
        delay = round(delay_s * sample_rate)
        output = torch.nn.functional.pad(waveform, (0, delay))
        output[..., delay:] = decay * waveform
        return output

    verdict = exercises.check_echo(overwrite)
    assert not verdict
    assert "add the delayed copy" in repr(verdict)


def test_echo_rejects_a_hard_coded_sample_rate():
    def fixed_rate(waveform, sample_rate, delay_s, decay):
        return exercises.solution_echo(waveform, 16_000, delay_s, decay)

    verdict = exercises.check_echo(fixed_rate)
    assert not verdict
    assert "44.1 kHz" in repr(verdict)


def test_echo_rejects_an_echo_of_the_first_channel_only():
    def first_channel(waveform, sample_rate, delay_s, decay):
        return exercises.solution_echo(waveform[:1], sample_rate, delay_s, decay)

    verdict = exercises.check_echo(first_channel)
    assert not verdict
    assert "channels" in repr(verdict)


def test_echo_test_rejects_a_test_that_compares_with_the_reference():
    def compares_with_solution(echo):
        noise = torch.randn(1, 64_000, generator=torch.Generator().manual_seed(0))
        expected = exercises.solution_echo(noise, 16_000, 0.25, 0.5)
        assert torch.allclose(echo(noise, 16_000, 0.25, 0.5), expected, atol=1e-6)

    verdict = exercises.check_echo_test(compares_with_solution)
    assert not verdict
    assert "noise at -60 dB" in repr(verdict)


def test_echo_test_reports_an_error_that_is_not_an_assert():
    def crashes(echo):
        output = echo(torch.randn(1, 64_000), 16_000, 0.25, 0.5)
        output.no_such_method()

    verdict = exercises.check_echo_test(crashes)
    assert not verdict
    assert "stopped with AttributeError" in repr(verdict)
