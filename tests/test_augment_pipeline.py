"""helpers.augment's pipeline: the seeded chain, the dataset, collate, loaders, distributed."""

import os

import numpy as np
import pytest
import scipy.signal
import soundfile
import torch

import helpers
from helpers.augment import chain, data, distributed, loaders

RATE = 16000


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("clips")
    data.make_clip_folder(root, clips=8, seconds=0.5)
    return root


def _clip(frames=RATE, seed=0):
    return 0.1 * torch.randn(1, frames, generator=torch.Generator().manual_seed(seed))


def test_generator_depends_on_seed_epoch_and_index_only():
    draw = lambda *key: torch.rand(3, generator=chain.generator_for(*key))  # noqa: E731
    assert torch.equal(draw(1, 2, 3), draw(1, 2, 3))
    assert not torch.equal(draw(1, 2, 3), draw(1, 3, 3))
    assert not torch.equal(draw(1, 2, 3), draw(1, 2, 4))
    assert not torch.equal(draw(1, 2, 3), draw(2, 2, 3))
    with pytest.raises(ValueError, match="epoch must be a whole number"):
        chain.generator_for(0, -1, 0)


def test_a_step_probability_does_not_shift_later_draws():
    noise = {"n": _clip(RATE * 2, 9)}
    records = []
    for p in (0.0, 1.0):
        augment = chain.Chain([chain.Gain(p=p), chain.Noise(noises=noise)], seed=3)
        records.append(augment(_clip(), RATE, epoch=1, index=4)[1])
    assert records[0][1]["snr_db"] == records[1][1]["snr_db"]
    assert [r["applied"] for r in records[0][:2]] == [False, True]


def test_chain_is_reproducible_and_records_what_it_did():
    augment = chain.Chain(
        [chain.Gain(gain_db=(-3.0, -3.0)), chain.Speed(factors=(1.1,)),
         chain.Codec(codecs=("mulaw",)), chain.Noise(noises={"n": _clip(RATE * 2, 5)})],
        seed=0,
    )
    a, record = augment(_clip(), RATE, epoch=0, index=1)
    b, _ = augment(_clip(), RATE, epoch=0, index=1)
    assert torch.equal(a, b)
    assert [entry["step"] for entry in record] == ["gain", "speed", "codec", "noise", "peak guard"]
    assert a.shape[-1] == pytest.approx(RATE / 1.1, abs=2)
    assert "gain: gain_db -3.00" in chain.describe(record)
    assert float(a.abs().max()) <= 10 ** (-1 / 20) + 1e-6


def test_noise_step_hits_the_drawn_snr_and_room_matches_scipy():
    clip = _clip(RATE, 1)
    out, record = chain.Chain([chain.Noise(noises={"n": _clip(3 * RATE, 2)}, snr_db=(-5.0, 25.0))],
                              seed=1, peak_dbfs=None)(clip, RATE, index=7)
    assert helpers.noise.snr_db(clip, out - clip) == pytest.approx(record[0]["snr_db"], abs=1e-3)
    response = torch.exp(-torch.arange(2000) / 300.0)[None] * _clip(2000, 4)
    room = chain.Chain([chain.Room(rirs={"r": response})], seed=0, peak_dbfs=None)
    wet, _ = room(clip, RATE)
    expected = scipy.signal.fftconvolve(clip[0].numpy(), response[0].numpy())[: RATE]
    np.testing.assert_allclose(wet[0].numpy(), expected, atol=1e-5)


def test_steps_check_their_settings():
    with pytest.raises(ValueError, match="p must be in"):
        chain.Gain(p=1.5)
    with pytest.raises(ValueError, match="low <= high"):
        chain.Gain(gain_db=(3.0, -3.0))
    with pytest.raises(ValueError, match="codecs must come from"):
        chain.Codec(codecs=("aac",))
    with pytest.raises(ValueError, match="at least one"):
        chain.Room(rirs={})


def test_dataset_reads_every_rate_and_layout_explicitly(folder):
    rates = {soundfile.info(str(p)).samplerate for p in data.list_audio_files(folder)}
    layouts = {soundfile.info(str(p)).channels for p in data.list_audio_files(folder)}
    assert rates == {16000, 22050, 44100} and layouts == {1, 2}
    mono = data.AudioDataset(folder, channels=1)
    stereo = data.AudioDataset(folder, channels=2)
    for i in range(len(mono)):
        path = mono.paths[i]
        info = soundfile.info(str(path))
        item = mono[i]
        assert item["waveform"].shape[0] == 1 and stereo[i]["waveform"].shape[0] == 2
        expected = info.frames * RATE / info.samplerate
        assert item["waveform"].shape[-1] == pytest.approx(expected, abs=1)
    bundled = data.AudioDataset("bundled")
    assert len(bundled) == 3 and bundled[2]["waveform"].shape[0] == 1  # the stereo whistle


def test_read_clip_names_the_bad_file(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "broken.flac").write_bytes(b"fLaC" + bytes(50))
    soundfile.write(str(tmp_path / "surround.wav"), np.zeros((100, 3)), RATE)
    soundfile.write(str(tmp_path / "nan.wav"), np.full((100, 1), np.nan), RATE, subtype="FLOAT")
    os.symlink(tmp_path / "missing.wav", tmp_path / "dangling.wav")
    cases = {"empty.wav": "is empty", "broken.flac": "cannot be read", "nan.wav": "NaN",
             "surround.wav": "has 3 channels", "dangling.wav": "cannot be read"}
    for name, problem in cases.items():
        with pytest.raises(data.AudioFileError, match=problem) as caught:
            channels = 2 if "surround" in name else 1
            data.read_clip(tmp_path / name, sample_rate=RATE, channels=channels)
        assert name in str(caught.value)


def test_a_bad_file_in_a_worker_is_raised_in_the_main_process(folder, tmp_path):
    (tmp_path / "bad.wav").write_bytes(b"RIFF" + bytes(100))
    dataset = data.AudioDataset([*data.list_audio_files(folder)[:2], tmp_path / "bad.wav"])
    error = loaders.first_worker_error(dataset, num_workers=1)
    assert isinstance(error, data.AudioFileError)
    assert "bad.wav" in str(error) and "DataLoader worker process" in str(error)
    assert error.__traceback__ is None
    assert loaders.first_worker_error(data.AudioDataset(folder), num_workers=0) is None


def test_collate_pads_with_zeros_and_returns_lengths(folder):
    items = [data.AudioDataset(folder)[i] for i in range(3)]
    batch = data.collate_padded(items)
    lengths = [item["waveform"].shape[-1] for item in items]
    assert batch["lengths"].tolist() == lengths
    assert batch["waveform"].shape == (3, 1, max(lengths))
    for row, n in enumerate(lengths):
        assert torch.equal(batch["waveform"][row, :, :n], items[row]["waveform"])
        assert not batch["waveform"][row, :, n:].any()
    with pytest.raises(ValueError, match="empty batch"):
        data.collate_padded([])


def test_epoch_sampler_reaches_persistent_workers(folder):
    augment = chain.Chain([chain.Gain()], seed=0)
    dataset = data.AudioDataset(folder, chain=augment)
    sampler = data.EpochSampler(len(dataset))
    loader = torch.utils.data.DataLoader(dataset, sampler=sampler, batch_size=4, num_workers=1,
                                         persistent_workers=True, collate_fn=data.collate_padded)
    seen = []
    for epoch in range(2):
        sampler.set_epoch(epoch)
        seen.append([r[0]["gain_db"] for batch in loader for r in batch["record"]])
    assert all(a != b for a, b in zip(*seen, strict=True))
    direct = [dataset[(1, i)]["record"][0]["gain_db"] for i in range(len(dataset))]
    assert seen[1] == direct


def test_duplicate_counts_of_the_three_generators():
    assert loaders.count_duplicates({0: 1.0, 1: 1.0, 2: 2.0}) == 2
    copied = loaders.collect_draws(loaders.CopiedNumpyDraws(8), num_workers=2)
    assert loaders.count_duplicates(copied) == 8
    seeded = loaders.SeededDraws(8)
    assert loaders.count_duplicates(loaders.collect_draws(seeded, num_workers=2)) == 0
    one_process = loaders.collect_draws(seeded, num_workers=0)
    assert one_process == loaders.collect_draws(seeded, num_workers=2)


def test_augment_batch_hits_each_snr_over_valid_samples_only():
    waves = torch.zeros(3, 1, 800)
    lengths = torch.tensor([800, 500, 200])
    for row, n in enumerate(lengths.tolist()):
        waves[row, :, :n] = _clip(n, row)
    out, drawn = loaders.augment_batch(waves, lengths, noise=_clip(300, 9),
                                       generator=torch.Generator().manual_seed(0))
    scaled = waves * (10 ** (drawn["gain_db"] / 20))[:, None, None]
    for row, n in enumerate(lengths.tolist()):
        snr = helpers.noise.snr_db(scaled[row, :, :n], (out - scaled)[row, :, :n])
        assert snr == pytest.approx(drawn["snr_db"][row].item(), abs=1e-3)
        assert not out[row, :, n:].any()


def test_measure_throughput_counts_every_clip(folder):
    result = loaders.measure_throughput(data.AudioDataset(folder), num_workers=0, batch_size=3)
    assert result.clips == 8 and result.clips_per_s > 0 and result.audio_s > 0


def test_distributed_shards_with_spawn(folder):
    reports = distributed.run_ranks(folder, world_size=2, epochs=2, seed=5, start_method="spawn")
    summary = distributed.check_shards(reports, 8)
    assert summary["disjoint"] and summary["covering"]
    assert summary["changed_between_epochs"] == 8
    local = data.AudioDataset(folder, chain=distributed.shard_chain(5))
    for report in reports:
        for epoch, index, mark in report["seen"]:
            assert distributed.fingerprint(local[(epoch, index)]["record"]) == mark
    with pytest.raises(ValueError, match="start_method"):
        distributed.run_ranks(folder, start_method="thread")
