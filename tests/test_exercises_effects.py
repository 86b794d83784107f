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
