"""Unit tests for helpers.spectral: spectral convergence, Griffin-Lim, mel scales, plots."""

import librosa
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torchaudio.functional as AF

import helpers
from helpers import spectral

SAMPLE_RATE = 16000


@pytest.fixture(scope="module")
def chirp() -> torch.Tensor:
    t = torch.arange(8000, dtype=torch.float64) / SAMPLE_RATE
    return (0.5 * torch.sin(2 * torch.pi * (200 * t + 2000 * t**2))).float().unsqueeze(0)


def _magnitude(signal: torch.Tensor, n_fft: int = 256, hop: int = 64) -> torch.Tensor:
    return torch.stft(
        signal, n_fft, hop, window=torch.hann_window(n_fft), return_complex=True
    ).abs()


# --- spectral_convergence_db -------------------------------------------------------


def test_convergence_of_identical_is_very_low_and_of_zero_is_0_db():
    target = torch.rand(10, 20, generator=torch.Generator().manual_seed(0)) + 0.1
    assert spectral.spectral_convergence_db(target, target) == helpers.validation.DB_FLOOR
    assert spectral.spectral_convergence_db(target, torch.zeros_like(target)) == pytest.approx(0)
    assert spectral.spectral_convergence_db(target, 0.9 * target) == pytest.approx(-20, abs=1e-4)


def test_convergence_accepts_numpy():
    target = np.ones((3, 4))
    level = spectral.spectral_convergence_db(target, 0.5 * target)
    assert level == pytest.approx(-6.0206, abs=1e-3)


@pytest.mark.parametrize(
    ("target", "estimate", "error", "match"),
    [
        (torch.ones(3, 4), torch.ones(3, 5), ValueError, "same STFT"),
        (torch.ones(3, 4, dtype=torch.complex64), torch.ones(3, 4), TypeError, "magnitude"),
        (torch.zeros(3, 4), torch.ones(3, 4), ValueError, "silence"),
        (torch.ones(3, 4), -torch.ones(3, 4), ValueError, ">= 0"),
        (torch.full((3, 4), float("nan")), torch.ones(3, 4), ValueError, "NaN"),
        ([1.0, 2.0], torch.ones(2), TypeError, "torch.Tensor or numpy"),
        (torch.ones(0), torch.ones(0), ValueError, "empty"),
    ],
)
def test_convergence_rejects_bad_input(target, estimate, error, match):
    with pytest.raises(error, match=match):
        spectral.spectral_convergence_db(target, estimate)


# --- griffin_lim -------------------------------------------------------------------


@pytest.mark.parametrize("momentum", [0.0, 0.99])
def test_griffin_lim_matches_torchaudio(chirp, momentum):
    magnitude = _magnitude(chirp)
    ours = spectral.griffin_lim(
        magnitude, n_fft=256, hop_length=64, n_iter=12, momentum=momentum, length=8000
    )
    theirs = AF.griffinlim(
        magnitude, torch.hann_window(256), 256, 64, 256, 1.0, 12, momentum, 8000, False
    )
    assert ours.waveform.shape == (1, 8000)
    assert torch.allclose(ours.waveform, theirs, atol=1e-6)


def test_griffin_lim_records_convergence_and_snapshots(chirp):
    magnitude = _magnitude(chirp)
    result = spectral.griffin_lim(
        magnitude[0], n_fft=256, hop_length=64, n_iter=30, momentum=0.0, length=8000,
        keep=[0, 10, 30],
    )
    assert result.convergence_db.shape == (31,)
    assert np.all(np.diff(result.convergence_db) < 1e-6), "plain Griffin-Lim never gets worse"
    assert result.convergence_db[-1] < result.convergence_db[0] - 6
    assert sorted(result.snapshots) == [0, 10, 30]
    assert torch.equal(result.snapshots[30], result.waveform)
    rebuilt = _magnitude(result.waveform)
    assert spectral.spectral_convergence_db(magnitude, rebuilt) == pytest.approx(
        result.convergence_db[-1], abs=1e-3
    )


def test_griffin_lim_random_init_is_seeded(chirp):
    magnitude = _magnitude(chirp)
    runs = [
        spectral.griffin_lim(magnitude, n_fft=256, hop_length=64, n_iter=2, init="random", seed=s)
        for s in (1, 1, 2)
    ]
    assert torch.equal(runs[0].waveform, runs[1].waveform)
    assert not torch.equal(runs[0].waveform, runs[2].waveform)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_fft": 512}, "frequency bins"),
        ({"n_fft": 256, "momentum": 1.0}, "momentum"),
        ({"n_fft": 256, "n_iter": -1}, "n_iter"),
        ({"n_fft": 256, "n_iter": 2.5}, "n_iter"),
        ({"n_fft": 256, "init": "ones"}, "init"),
        ({"n_fft": 256, "n_iter": 4, "keep": [5]}, "keep"),
        ({"n_fft": 256, "window": "kaiser"}, "window"),
    ],
)
def test_griffin_lim_rejects_bad_settings(chirp, kwargs, match):
    with pytest.raises(ValueError, match=match):
        spectral.griffin_lim(_magnitude(chirp), hop_length=64, **kwargs)


def test_griffin_lim_rejects_bad_magnitude():
    with pytest.raises(ValueError, match=">= 0"):
        spectral.griffin_lim(-torch.ones(129, 10), n_fft=256)
    with pytest.raises(ValueError, match="shape"):
        spectral.griffin_lim(torch.ones(2, 1, 129, 10), n_fft=256)
    with pytest.raises(TypeError, match="magnitude"):
        spectral.griffin_lim(torch.ones(129, 10, dtype=torch.complex64), n_fft=256)


# --- mel scales --------------------------------------------------------------------


@pytest.mark.parametrize("mel_scale", ["htk", "slaney"])
def test_mel_conversions_match_librosa(mel_scale):
    freqs = np.array([0.0, 60.0, 700.0, 1000.0, 3500.0, 8000.0, 22050.0])
    htk = mel_scale == "htk"
    assert np.allclose(spectral.hz_to_mel(freqs, mel_scale), librosa.hz_to_mel(freqs, htk=htk))
    assert np.allclose(spectral.mel_to_hz(spectral.hz_to_mel(freqs, mel_scale), mel_scale), freqs)
    centres = spectral.mel_centres_hz(40, 20.0, 7600.0, mel_scale)
    expected = librosa.mel_frequencies(42, fmin=20.0, fmax=7600.0, htk=htk)[1:-1]
    assert np.allclose(centres, expected)


def test_mel_centres_are_the_filter_peaks():
    fbank = AF.melscale_fbanks(1025, 0.0, 8000.0, 20, 16000, mel_scale="htk").numpy()
    bins_hz = np.linspace(0, 8000, 1025)
    peaks = bins_hz[fbank.argmax(axis=0)]
    assert np.allclose(peaks, spectral.mel_centres_hz(20, 0.0, 8000.0), atol=8000 / 1024)


def test_mel_functions_reject_bad_input():
    with pytest.raises(ValueError, match="mel_scale"):
        spectral.hz_to_mel(100.0, "bark")
    with pytest.raises(ValueError, match=">= 0"):
        spectral.hz_to_mel(-5.0)
    with pytest.raises(ValueError, match=">= 0"):
        spectral.mel_to_hz(np.nan)
    with pytest.raises(ValueError, match="n_mels"):
        spectral.mel_centres_hz(0, 0.0, 8000.0)
    with pytest.raises(ValueError, match="f_min < f_max"):
        spectral.mel_centres_hz(10, 8000.0, 100.0)


# --- plot_mel_spectrogram ----------------------------------------------------------


@pytest.mark.parametrize("axis", ["mel", "hz"])
def test_plot_mel_spectrogram_labels_axes(axis):
    mel_db = np.random.default_rng(0).normal(size=(32, 50))
    image = helpers.plot_mel_spectrogram(
        mel_db, SAMPLE_RATE, hop_length=160, f_min=20.0, f_max=7600.0, y_axis=axis, title="mel"
    )
    ax = image.axes
    assert ax.get_xlabel() == "Time (s)"
    assert ax.get_ylabel().startswith("Frequency (Hz")
    if axis == "mel":
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert labels[:3] == ["250", "500", "1000"]
    plt.close(ax.figure)


def test_plot_mel_spectrogram_accepts_single_channel_tensor():
    image = helpers.plot_mel_spectrogram(torch.zeros(1, 16, 10), SAMPLE_RATE, hop_length=160)
    assert image.axes.get_xlim()[1] == pytest.approx(9.5 * 160 / SAMPLE_RATE)
    plt.close(image.axes.figure)


def test_plot_mel_spectrogram_rejects_bad_input():
    with pytest.raises(ValueError, match="y_axis"):
        helpers.plot_mel_spectrogram(np.zeros((8, 4)), SAMPLE_RATE, hop_length=160, y_axis="bark")
    with pytest.raises(ValueError, match="n_mels, frames"):
        helpers.plot_mel_spectrogram(np.zeros(8), SAMPLE_RATE, hop_length=160)
    with pytest.raises(ValueError, match="sample_rate"):
        helpers.plot_mel_spectrogram(np.zeros((8, 4)), 0, hop_length=160)


# --- window_resolution and max_difference ------------------------------------------


@pytest.mark.parametrize("win_length", [256, 400, 1024])
def test_hann_window_resolution(win_length):
    duration, bandwidth = spectral.window_resolution(win_length, SAMPLE_RATE)
    assert duration == pytest.approx(win_length / 2 / SAMPLE_RATE, rel=0.01)
    assert bandwidth == pytest.approx(2 * SAMPLE_RATE / win_length, rel=0.01)


def test_window_resolution_rejects_bad_input():
    with pytest.raises(ValueError, match="win_length"):
        spectral.window_resolution(2, SAMPLE_RATE)
    with pytest.raises(ValueError, match="window"):
        spectral.window_resolution(256, SAMPLE_RATE, "kaiser")


def test_max_difference():
    diff = spectral.max_difference(np.array([1.0, 2.1]), torch.tensor([1.0, 2.0]))
    assert diff.max_abs == pytest.approx(0.1)
    assert diff.max_rel == pytest.approx(0.05)
    assert "max rel diff 5.0e-02" in str(diff)
    with pytest.raises(ValueError, match="shapes differ"):
        spectral.max_difference(np.zeros(3), np.zeros(4))


@pytest.mark.parametrize(
    ("window", "textbook_db"),
    [("rectangular", -13.3), ("hann", -31.5), ("hamming", -42.7), ("blackman", -58.1)],
)
def test_window_sidelobe_db_matches_harris(window, textbook_db):
    assert abs(spectral.window_sidelobe_db(window) - textbook_db) < 0.1


def test_window_sidelobe_db_rejects_bad_input():
    with pytest.raises(ValueError, match="window must be one of"):
        spectral.window_sidelobe_db("kaiser")
    with pytest.raises(ValueError, match="length"):
        spectral.window_sidelobe_db("hann", 4)


def test_frame_spectrum_db_puts_a_tone_on_its_bin_and_padding_adds_bins_only():
    tone = np.sin(2 * np.pi * 1000.0 * np.arange(4096) / 16000)
    freqs, level = spectral.frame_spectrum_db(tone, 16000, win_length=512, n_fft=512)
    assert freqs.shape == level.shape == (257,) and freqs[int(np.argmax(level))] == 1000.0
    assert level.max() == 0.0
    fine_freqs, fine = spectral.frame_spectrum_db(tone, 16000, win_length=512, n_fft=4096)
    assert fine.shape == (2049,)
    # the main lobe's -6 dB width is the window's (2 bins of 31.25 Hz), not the FFT's
    width_hz = np.ptp(fine_freqs[fine > -6.02])
    assert abs(width_hz - 62.5) <= 2 * 16000 / 4096 + 1e-9  # within the fine grid's bins


def test_frame_spectrum_db_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_fft"):
        spectral.frame_spectrum_db(np.ones(1000), 16000, win_length=512, n_fft=256)
    with pytest.raises(ValueError, match="fewer than win_length"):
        spectral.frame_spectrum_db(np.ones(100), 16000, win_length=512, n_fft=512)


def test_overlap_add_inverse_equals_istft_on_a_modified_stft():
    generator = torch.Generator().manual_seed(3)
    signal = torch.randn(1, 4000, generator=generator)
    window = torch.hann_window(256)
    stft = torch.stft(signal, 256, 64, window=window, return_complex=True)
    stft[:, 20:40] = 0  # no longer a consistent STFT
    ours = spectral.overlap_add_inverse(stft, n_fft=256, hop_length=64, length=4000)
    theirs = torch.istft(stft, 256, 64, window=window, length=4000)[0].double().numpy()
    assert ours.shape == (4000,) and np.abs(ours - theirs).max() < 1e-5


def test_overlap_add_inverse_reports_nola_failure_and_bad_shape():
    signal = torch.randn(1, 2048)
    stft = torch.stft(signal, 256, 256, window=torch.hann_window(256), return_complex=True)
    with pytest.raises(ValueError, match="NOLA"):
        spectral.overlap_add_inverse(stft, n_fft=256, hop_length=256, length=2048)
    with pytest.raises(ValueError, match="n_fft // 2 \\+ 1"):
        spectral.overlap_add_inverse(stft, n_fft=512, hop_length=256, length=2048)
