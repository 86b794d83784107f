"""Facts that notebook 05 and its deep dives state, kept here rather than in the lessons."""

import io
import math
import time
import warnings

import numpy as np
import pyloudnorm
import pytest
import soundfile
import torch
import torchaudio.functional as AF

from helpers.augment import chain, data, distributed, loaders, tempo

RATE = 16000


def _tone(seconds=1.0, rate=RATE):
    t = torch.arange(int(seconds * rate)) / rate
    return (0.3 * torch.sin(2 * math.pi * 220 * t))[None]


def _bad_files(folder):
    audio = _tone().T.numpy()
    (folder / "corrupt.wav").write_bytes(b"RIFF" + bytes(range(200)))
    (folder / "empty.flac").write_bytes(b"")
    (folder / "notes.wav").write_text("not audio at all")
    soundfile.write(folder / "silent.wav", np.zeros_like(audio), RATE)
    soundfile.write(folder / "quiet.wav", audio * 10 ** (-80 / 20) / 0.3, RATE)
    soundfile.write(folder / "six_channels.wav", np.repeat(audio, 6, axis=1), RATE)
    soundfile.write(folder / "nan.wav", np.full_like(audio, np.nan), RATE, subtype="FLOAT")
    whole = io.BytesIO()
    soundfile.write(whole, audio, RATE, format="WAV")
    (folder / "truncated.wav").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    good = folder / "good.wav"
    soundfile.write(good, audio, RATE)
    return sorted(p for p in folder.iterdir() if p != good), good


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    return _bad_files(tmp_path_factory.mktemp("bad"))


LOUDNESS = chain.Chain([chain.Loudness(p=1.0)], seed=0)


def test_every_bad_file_raises_naming_itself_from_a_worker(bad_folder):
    bad, good = bad_folder
    for path in bad:
        error = loaders.first_worker_error(
            data.AudioDataset([path, good], chain=LOUDNESS), num_workers=1
        )
        assert isinstance(error, data.AudioFileError), (path.name, error)
        assert path.name in str(error)


def test_skip_substitutes_the_next_good_file_deterministically(bad_folder):
    bad, good = bad_folder
    for path in bad:
        dataset = data.AudioDataset([path, good], chain=LOUDNESS, on_error="skip")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loader = torch.utils.data.DataLoader(
                dataset, batch_size=2, num_workers=1, collate_fn=data.collate_padded
            )
            batches = [list(loader), list(loader)]
        paths = [p for b in batches[0] for p in b["path"]]
        assert paths == [str(good), str(good)], path.name
        assert torch.equal(batches[0][0]["waveform"], batches[1][0]["waveform"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dataset[0]
            dataset[0]
        assert dataset.skipped == {str(path)} and len(caught) == 1  # warned once


def test_a_truncated_wav_is_caught_but_a_whole_one_is_not(bad_folder):
    bad, good = bad_folder
    assert data._missing_wav_bytes(good) == 0
    assert data._missing_wav_bytes(next(p for p in bad if p.name == "truncated.wav")) > 0


def test_on_error_must_be_raise_or_skip():
    with pytest.raises(ValueError, match="on_error"):
        data.AudioDataset("bundled", on_error="ignore")


@pytest.mark.parametrize("rate", [22050, 44100, 48000])
@pytest.mark.parametrize("factor", [0.91, 0.95, 0.99, 1.03, 1.07, 1.1])
def test_change_speed_keeps_the_resampler_small_at_any_rate(rate, factor):
    unit = rate // math.gcd(rate, 100)
    source = unit * round(factor * rate / unit)
    assert rate // math.gcd(rate, source) <= 100
    clip = torch.randn(1, rate // 10, generator=torch.Generator().manual_seed(0))
    start = time.perf_counter()
    out = tempo.change_speed(clip, rate, factor=factor)
    assert time.perf_counter() - start < 5.0  # AF.speed takes seconds here at 22.05 kHz
    assert abs(out.shape[-1] - clip.shape[-1] / factor) <= clip.shape[-1] * 0.02 + 1


def test_change_speed_at_16k_is_af_speed():
    clip = torch.randn(1, RATE, generator=torch.Generator().manual_seed(1))
    for factor in (0.9, 1.0, 1.1):
        expected, _ = AF.speed(clip, RATE, factor)
        assert torch.allclose(tempo.change_speed(clip, RATE, factor=factor), expected, atol=1e-6)


def test_af_loudness_agrees_below_full_scale_and_clamps_at_it():
    t = torch.arange(3 * 48000, dtype=torch.float64) / 48000
    for frequency in (997, 5000, 10000):
        sine = torch.sin(2 * math.pi * frequency * t)[None]
        quiet = 0.1 * sine
        reference = pyloudnorm.Meter(48000).integrated_loudness(quiet[0].numpy())
        assert abs(AF.loudness(quiet.float(), 48000).item() - reference) < 0.01
    full = torch.sin(2 * math.pi * 5000 * t)[None]
    gap = (pyloudnorm.Meter(48000).integrated_loudness(full[0].numpy())
           - AF.loudness(full.float(), 48000).item())
    assert gap > 1.0
    lifted = AF.treble_biquad(full.float(), 48000, gain=4.0, central_freq=1500.0)
    assert float(lifted.abs().max()) <= 1.0 + 1e-6


def test_distributed_sampler_inside_a_dataloader_with_workers(tmp_path):
    data.make_clip_folder(tmp_path / "clips", clips=9, seconds=0.3)
    reports = distributed.run_ranks(
        tmp_path / "clips", world_size=2, epochs=2, seed=5, start_method="fork", num_workers=1
    )
    summary = distributed.check_shards(reports, 9)
    assert summary["disjoint"] and summary["covering"]
    assert summary["changed_between_epochs"] == 9


def test_length_buckets_cut_the_padding_and_cover_every_item_once():
    lengths = torch.randint(4000, 64000, (256,), generator=torch.Generator().manual_seed(0))
    buckets = data.LengthBucketSampler(lengths.tolist(), 8, seed=1)
    plain = [list(range(i, i + 8)) for i in range(0, 256, 8)]
    epoch0 = list(buckets)
    buckets.set_epoch(1)
    epoch1 = list(buckets)
    assert sorted(i for b in epoch0 for i in b) == list(range(256)) and len(epoch0) == len(buckets)
    assert epoch0 != epoch1
    with_buckets = data.padding_share(epoch0, lengths)
    without = data.padding_share(plain, lengths)
    assert with_buckets < 0.25 * without, (with_buckets, without)
    loader = torch.utils.data.DataLoader(
        data.AudioDataset("bundled"), batch_sampler=data.LengthBucketSampler([1, 2, 3], 2),
        collate_fn=data.collate_padded,
    )
    assert sum(len(b["lengths"]) for b in loader) == 3


def test_the_recipe_crop_is_keyed_on_seed_epoch_and_index():
    def crop_start(seed, epoch, index, frames=48000, keep=16000):
        words = np.random.SeedSequence([seed, epoch, index]).generate_state(2)
        g = torch.Generator().manual_seed(int(words[0]) << 32 | int(words[1]))
        return int(torch.randint(frames - keep + 1, (), generator=g))

    assert crop_start(3, 0, 5) == crop_start(3, 0, 5)
    starts = {crop_start(3, epoch, 5) for epoch in range(20)}
    assert len(starts) > 15


def test_a_silent_file_is_caught_without_a_loudness_step(bad_folder):
    bad, good = bad_folder
    silent = next(p for p in bad if p.name == "silent.wav")
    noise = {"white": torch.randn(1, RATE * 2)}
    main_chain = chain.Chain([chain.Gain(), chain.Noise(noises=noise)])
    with pytest.raises(data.AudioFileError, match="silent"):
        data.AudioDataset([silent, good], chain=main_chain)[0]
