"""Facts notebook 04 and its deep dives state in their prose, kept true here rather than
asserted in the lessons."""

from __future__ import annotations

import inspect

import librosa
import numpy as np
import pytest
import torch
import torchaudio.transforms as T

from helpers import spectral

RATE = 16_000


def _scalloping_db(window: np.ndarray) -> float:
    """Level of a tone half a bin off, against one on a bin (analytic, dB)."""
    phase = np.exp(-1j * np.pi * np.arange(len(window)) / len(window))
    return float(20 * np.log10(abs(np.sum(window * phase)) / np.sum(window)))


def test_frequency_masking_widths_stop_one_short_of_the_parameter():
    """§6: freq_mask_param=12 draws widths 0 to 11, some of them 0 (no mask)."""
    torch.manual_seed(0)
    masking = T.FrequencyMasking(freq_mask_param=12)
    widths = [int((masking(torch.ones(1, 64, 1)) == 0).sum()) for _ in range(3000)]
    assert max(widths) == 11 and 0.04 < widths.count(0) / len(widths) < 0.13


@pytest.mark.filterwarnings("ignore:At least one mel filterbank has all zero values")
def test_torchaudio_and_librosa_defaults_are_as_tabled():
    """04b §1: the table of defaults that differ."""
    assert T.Spectrogram().n_fft == 400 and T.Spectrogram().hop_length == 200
    assert T.GriffinLim().hop_length == 200 and T.MelSpectrogram().hop_length == 200
    assert T.Spectrogram().pad_mode == "reflect" and T.MFCC().n_mfcc == 40
    assert T.AmplitudeToDB().top_db is None
    stft = inspect.signature(librosa.stft).parameters
    assert stft["n_fft"].default == 2048 and stft["pad_mode"].default == "constant"
    assert inspect.signature(librosa.feature.mfcc).parameters["n_mfcc"].default == 20
    assert inspect.signature(librosa.amplitude_to_db).parameters["amin"].default == 1e-5
    assert inspect.signature(librosa.power_to_db).parameters["amin"].default == 1e-10


def test_amplitude_to_db_floors_a_3d_batch_at_one_maximum():
    """§4: on (batch, n_mels, frames) the 80 dB floor follows the loudest example."""
    loud = torch.logspace(-9, 0, 64 * 10, dtype=torch.float64).reshape(64, 10)
    to_db = T.AmplitudeToDB(stype="power", top_db=80)
    quiet_alone = to_db(loud * 0.1)
    quiet_batched = to_db(torch.stack([loud, loud * 0.1]))[1]
    assert float(quiet_alone.min()) == pytest.approx(-90.0, abs=1e-3)
    assert float(quiet_batched.min()) == pytest.approx(-80.0, abs=1e-3)


def test_istft_refuses_center_false_with_a_hann_window():
    """04b §4: the first sample meets only the window's zero, whatever the hop."""
    signal = torch.randn(1, 4000, generator=torch.Generator().manual_seed(0))
    window = torch.hann_window(512)
    for hop in (64, 128, 256):
        frames = torch.stft(signal, 512, hop, window=window, center=False, return_complex=True)
        with pytest.raises(RuntimeError, match="window overlap add min"):
            torch.istft(frames, 512, hop, window=window, center=False)


def test_mel_scales_at_one_kilohertz():
    """§3: 1 kHz is 1000 mels on the HTK scale (to 0.015) and 15 on Slaney's."""
    assert abs(float(spectral.hz_to_mel(1000.0, "htk")) - 1000.0) < 0.015
    assert abs(float(spectral.hz_to_mel(1000.0, "slaney")) - 15.0) < 1e-9


def test_griffin_lim_helper_is_torchaudios_update():
    """§2: spectral.griffin_lim runs T.GriffinLim's update step by step."""
    generator = torch.Generator().manual_seed(1)
    signal = torch.randn(1, 8000, generator=generator)
    magnitude = T.Spectrogram(n_fft=512, hop_length=128, power=1.0)(signal)
    ours = spectral.griffin_lim(magnitude, n_fft=512, hop_length=128, n_iter=8, length=8000)
    theirs = T.GriffinLim(
        n_fft=512, hop_length=128, power=1.0, n_iter=8, rand_init=False, length=8000
    )(magnitude)
    assert float((ours.waveform - theirs).abs().max()) < 1e-6


def test_hann_main_lobe_widths():
    """04a §1: a 256-sample Hann window at 16 kHz: 125 Hz at -6 dB, 250 Hz null to null."""
    bandwidth_hz = spectral.window_resolution(256, RATE)[1]
    assert abs(bandwidth_hz - 125.0) < 0.5
    assert 4 * RATE / 256 == 250.0  # nulls at +-2 bins of a periodic Hann window


def test_side_lobes_and_scalloping_of_torchs_windows_and_harris_hamming():
    """04a §2: exact side lobes; Harris's 25/46 Hamming loses 1.78 dB, torch's 1.75 dB."""
    exact = {"rectangular": -13.26, "hann": -31.47, "hamming": -42.68, "blackman": -58.11}
    for name, level in exact.items():
        assert abs(spectral.window_sidelobe_db(name, 512) - level) < 0.05
    samples = np.arange(2048)
    torch_hamming = torch.hamming_window(2048).double().numpy()
    harris_hamming = 25 / 46 - (21 / 46) * np.cos(2 * np.pi * samples / 2048)
    assert abs(_scalloping_db(torch_hamming) + 1.75) < 0.01
    assert abs(_scalloping_db(harris_hamming) + 1.78) < 0.01


def test_mfcc_floors_a_batch_at_one_maximum_unless_given_a_channel_axis():
    """§5: T.MFCC's built-in top_db=80 floors a (batch, time) batch at one maximum."""
    torch.manual_seed(0)
    loud = torch.randn(1, 16_000) * torch.linspace(0.0, 1.0, 16_000)
    quiet = loud * 1e-2
    mfcc = T.MFCC(sample_rate=RATE, n_mfcc=13, melkwargs={"n_fft": 512, "n_mels": 64})
    alone = mfcc(quiet)[0]
    assert float((mfcc(torch.cat([loud, quiet]))[1] - alone).abs().max()) > 100
    assert torch.allclose(mfcc(torch.stack([loud, quiet]))[1, 0], alone)


@pytest.mark.parametrize("scale", ["htk", "slaney"])
@pytest.mark.parametrize("norm", [None, "slaney"])
def test_mel_filter_banks_match_librosa_in_all_four_conventions(scale, norm):
    """§3: with matching settings torchaudio's bank is librosa's, transposed."""
    import torchaudio.functional as AF

    ours = AF.melscale_fbanks(
        257, f_min=0.0, f_max=8000.0, n_mels=40, sample_rate=RATE, norm=norm, mel_scale=scale
    )
    theirs = librosa.filters.mel(sr=RATE, n_fft=512, n_mels=40, htk=scale == "htk", norm=norm)
    assert np.abs(ours.numpy() - theirs.T).max() < 1e-5
