"""The spoken-digit helpers of notebook 06: reading the zip, the split, the loop, the intervals."""

import math

import pytest
import torch

from helpers import digits, robustness


@pytest.fixture(scope="module")
def dataset():
    return digits.load_digits()


def test_load_digits_reads_all_3000_clips_in_memory(dataset):
    assert dataset.waveforms.shape == (3000, digits.CLIP_FRAMES)
    assert sorted(set(dataset.speakers)) == sorted(digits.SPEAKERS)
    assert torch.bincount(dataset.labels).tolist() == [300] * 10
    assert int(dataset.takes.max()) == 49 and int(dataset.lengths.min()) > 0


def test_speaker_split_holds_the_speaker_out(dataset):
    train, test = digits.speaker_split(dataset, "theo")
    assert set(test.speakers) == {"theo"} and "theo" not in train.speakers
    assert len(train) + len(test) == len(dataset)
    with pytest.raises(ValueError, match="george"):
        digits.speaker_split(dataset, "nobody")


def test_wilson_interval_matches_a_textbook_value_and_refuses_bad_counts():
    low, high = digits.wilson_interval(81, 263)  # Brown, Cai & DasGupta's style of example
    p, z, n = 81 / 263, 1.96, 263
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    assert low < p < high and math.isclose((low + high) / 2, centre)
    assert digits.wilson_interval(0, 10)[0] == 0.0 and digits.wilson_interval(10, 10)[1] <= 1.0
    with pytest.raises(ValueError, match="correct"):
        digits.wilson_interval(11, 10)


def test_fit_is_the_notebook_loop(dataset):
    """digits.fit gives the same weights as the plain loop notebook 06 shows."""
    train = dataset.subset(dataset.takes < 2)
    noise = robustness.make_augmentations(train)["noise"]["augment"]
    model, _ = digits.fit(train, augment=noise, epochs=1, seed=3)

    torch.manual_seed(3)
    generator = torch.Generator().manual_seed(3)
    features, plain = digits.LogMel(), digits.DigitNet()
    steps = 1 * -(-len(train) // 64)
    optimiser = torch.optim.AdamW(plain.parameters(), lr=3e-3, weight_decay=1e-2)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 3e-3, total_steps=steps)
    plain.train()
    for batch in torch.randperm(len(train), generator=generator).split(64):
        waves = noise(train.waveforms[batch], train.lengths[batch], batch, generator)
        loss = torch.nn.functional.cross_entropy(plain(features(waves)), train.labels[batch])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
    for mine, theirs in zip(model.state_dict().values(), plain.state_dict().values(),
                            strict=True):
        assert torch.equal(mine, theirs)


def test_conditions_keep_shape_and_codec_round_trip_keeps_the_clips(dataset):
    test = dataset.subset(torch.tensor([s == "theo" for s in dataset.speakers])
                          & (dataset.takes < 2))
    conditions = robustness.make_conditions(test)
    assert list(conditions) == list(robustness.CONDITIONS)
    assert all(w.shape == test.waveforms.shape for w in conditions.values())
    coded = robustness.codec_round_trip(test.waveforms, "ULAW")
    error = (coded - test.waveforms).square().sum() / test.waveforms.square().sum()
    assert 10 * math.log10(1 / float(error)) > 30  # 8-bit mu-law: about 37 dB
