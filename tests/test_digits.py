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
    steps = 1 * math.ceil(len(train) / 64)
    optimiser = torch.optim.AdamW(plain.parameters(), lr=3e-3, weight_decay=1e-2)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 3e-3, total_steps=steps)
    plain.train()
    for batch in torch.randperm(len(train), generator=generator).split(64):
        waves = noise(train.waveforms[batch], train.lengths[batch], batch, generator)
        waves = waves + 10 ** (-70 / 20) * torch.randn(waves.shape, generator=generator)
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


def _notebook_noise(colours, waves, lengths, generator, p=0.8, snr_range=(0.0, 20.0)):
    """Notebook 06's plain-torch noise augmentation (section 4), as printed there."""
    rows = torch.randint(0, len(colours), (len(waves),), generator=generator)
    starts = torch.randint(0, colours.shape[1] - waves.shape[1], (len(waves),), generator=generator)
    noise = colours[rows[:, None], starts[:, None] + torch.arange(waves.shape[1])]
    low, high = snr_range
    snr_db = (low + (high - low) * torch.rand(len(waves), generator=generator)).double()
    speech_power = waves.double().square().sum(-1) / lengths
    gain = torch.sqrt(speech_power / noise.double().square().mean(-1)) * 10 ** (-snr_db / 20)
    noisy = waves + (gain[:, None] * noise).float()
    chosen = torch.rand(len(waves), generator=generator) < p
    return torch.where(chosen[:, None], noisy, waves)


def test_noise_regime_is_the_notebook_function_draw_for_draw(dataset):
    train = dataset.subset(dataset.takes < 2)
    noise = robustness.make_augmentations(train)["noise"]["augment"]
    some = torch.arange(64)
    waves, lengths = train.waveforms[some], train.lengths[some]
    here = _notebook_noise(robustness.training_noises(), waves, lengths,
                           torch.Generator().manual_seed(1))
    assert torch.equal(here, noise(waves, lengths, some, torch.Generator().manual_seed(1)))


def test_wilson_and_bootstrap_intervals_agree_on_500_clips():
    """Two methods that share no code: within a point and a half for 500 clips."""
    for correct in (50, 250, 430, 490):
        hits = torch.zeros(500)
        hits[:correct] = 1
        wilson = digits.wilson_interval(correct, 500)
        boot = digits.bootstrap_interval(hits, resamples=4000, seed=1)
        assert max(abs(a - b) for a, b in zip(wilson, boot, strict=True)) < 0.015


def test_paired_difference_is_mcnemars_exact_test():
    first = torch.tensor([True] * 10 + [False] * 90)
    second = torch.tensor([False] * 10 + [True] * 1 + [False] * 89)
    result = digits.paired_difference(first, second)
    assert (result.gains, result.losses) == (10, 1)
    # two-sided binomial by hand: P(X <= 1) + P(X >= 10) for X ~ Bin(11, 1/2)
    assert math.isclose(result.p_value, 2 * (1 + 11) / 2**11)
    assert result.low > 0 and math.isclose(result.difference, 0.09)
    tied = digits.paired_difference(first, first)
    assert tied.p_value == 1.0 and tied.difference == 0.0
    four_to_none = digits.paired_difference(torch.tensor([True] * 4 + [False] * 96),
                                            torch.zeros(100, dtype=torch.bool))
    assert math.isclose(four_to_none.p_value, 0.125) and four_to_none.low < 0


def test_spec_augment_masks_only_the_clips_own_frames(dataset):
    train = dataset.subset(dataset.takes < 1)
    spec = robustness.make_augmentations(train)["SpecAugment"]["spec_augment"]
    waves, lengths = train.waveforms[:32], train.lengths[:32]
    features = digits.LogMel()(digits.add_floor(waves, torch.Generator().manual_seed(0)))
    masked = spec(features, lengths, torch.Generator().manual_seed(1))
    changed = (masked != features).any(dim=1)
    starts = (digits.CLIP_FRAMES - lengths) // 2
    for row in range(len(waves)):
        frames = torch.nonzero(changed[row]).flatten()
        assert int(frames.min()) >= int(starts[row]) // digits.HOP - 1
        assert int(frames.max()) <= (int(starts[row] + lengths[row])) // digits.HOP + 1


def test_predict_gives_every_condition_the_same_floor(dataset):
    """The noise floor is seeded: the same clips give the same probabilities every call."""
    train = dataset.subset(dataset.takes < 1)
    model = digits.DigitNet().eval()
    first = digits.predict(model, train.waveforms[:20])
    assert torch.equal(first, digits.predict(model, train.waveforms[:20]))
