"""The augmentation pipeline of notebook 05: DataLoader scaling and the chain against peers.

- ``DataLoader`` throughput with 0, 1 and 2 workers on a stand-in corpus (64 one-second
  clips written by ``helpers.augment.data.make_clip_folder``) through the notebook's chain
  (loudness, speed, codec, room, noise): persistent workers, two epochs, the second one
  timed (steady state; the first, with the workers' start-up, is reported too).
- The course's chain against audiomentations on the same steps (gain, babble at 5-20 dB,
  the measured room, both given the same aligned room response), per clip on one thread,
  on the same clips, after a warm-up, once their room steps are checked to agree
  (cross-correlation lag 0, correlation above 0.999; audiomentations scales its output).
- ``torchaudio.functional.pitch_shift`` against ``helpers.augment.tempo.shift_pitch``.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from dataclasses import dataclass, field

CLIPS = 64
BATCH = 8


@dataclass
class PipelineResult:
    clips_per_s: dict[int, float] = field(default_factory=dict)
    first_epoch_s: dict[int, float] = field(default_factory=dict)
    course_ms: float = float("nan")
    peer_ms: float = float("nan")
    peer_equivalent: bool = False
    pitch_shift_s: float = float("nan")
    shift_pitch_s: float = float("nan")
    error: str = ""

    @property
    def scaling(self) -> float:
        """Clips per second with two workers over those with one."""
        return self.clips_per_s.get(2, float("nan")) / self.clips_per_s.get(1, float("nan"))

    @property
    def chain_ratio(self) -> float:
        """The course chain's time per clip over audiomentations'."""
        return self.course_ms / self.peer_ms


def _chain(sample_rate: int):
    import helpers
    from helpers.augment import chain, noises, rooms

    rir, _ = helpers.load_audio("rir")
    rirs = {
        "measured": rooms.align_rir(rir, sample_rate),
        "simulated 0.3 s": rooms.align_rir(rooms.simulate_room(0.3, sample_rate).rir, sample_rate),
    }
    corpus = noises.noise_corpus(sample_rate)
    return chain.Chain(
        [chain.Loudness(p=1.0, lufs=(-30.0, -20.0)), chain.Speed(p=0.5),
         chain.Codec(p=0.5, codecs=("mp3", "vorbis", "mulaw")), chain.Room(p=0.5, rirs=rirs),
         chain.Noise(p=0.8, noises=corpus)],
        seed=0,
    )


def _steady_clips_per_s(dataset, workers: int) -> tuple[float, float]:
    import torch

    from helpers.augment import data

    options = {"persistent_workers": True} if workers else {}
    sampler = data.EpochSampler(len(dataset))  # the epoch reaches persistent workers
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=BATCH, num_workers=workers, sampler=sampler,
        collate_fn=data.collate_padded, **options
    )
    times = []
    for epoch in range(2):
        sampler.set_epoch(epoch)
        start = time.perf_counter()
        clips = sum(len(batch["lengths"]) for batch in loader)
        times.append(time.perf_counter() - start)
    del loader
    return clips / times[1], times[0]


def rooms_agree(ours, theirs) -> bool:
    """Whether two room steps' outputs for one clip line up (lag 0) and have the same shape
    (correlation above 0.999), whatever their levels."""
    import torch

    from helpers.augment import codecs

    ours, theirs = ours.reshape(1, -1).double(), theirs.reshape(1, -1).double()
    lag = codecs.find_delay(ours.float(), theirs.float(), max_lag=1600)
    shape = float(torch.corrcoef(torch.cat([ours, theirs]))[0, 1])
    return lag == 0 and shape > 0.999


def _per_clip_ms(function, clips, repeats: int) -> float:
    from numpy import median

    function(0, clips[0])
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for index, clip in enumerate(clips):
            function(index, clip)
        runs.append((time.perf_counter() - start) * 1000 / len(clips))
    return float(median(runs))


def run(*, repeats: int = 3, pitch_shift: bool = True) -> PipelineResult:
    import torch
    import torchaudio.functional as AF

    import helpers
    from helpers.augment import chain, data, rooms, tempo

    result = PipelineResult()
    sample_rate = 16000
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with tempfile.TemporaryDirectory() as folder:
            data.make_clip_folder(folder, clips=CLIPS, seconds=1.0)
            dataset = data.AudioDataset(folder, chain=_chain(sample_rate))
            dataset[0]  # first-call costs (codec libraries, kernels) before any timing
            for workers in (0, 1, 2):
                result.clips_per_s[workers], result.first_epoch_s[workers] = (
                    _steady_clips_per_s(dataset, workers)
                )
            plain = data.AudioDataset(folder)
            clips = [plain[i]["waveform"] for i in range(len(plain))]
        import audiomentations

        warnings.filterwarnings("ignore", module="audiomentations")
        import soundfile

        rir, _ = helpers.load_audio("rir")
        aligned = rooms.align_rir(rir, sample_rate)
        babble, _ = helpers.load_audio("babble")
        ours = chain.Chain(
            [chain.Gain(), chain.Noise(noises={"babble": babble}),
             chain.Room(rirs={"measured": aligned})],
            seed=0,
        )
        with tempfile.TemporaryDirectory() as folder:
            ir_file = f"{folder}/aligned_rir.wav"
            soundfile.write(ir_file, aligned[0].numpy(), sample_rate, subtype="FLOAT")
            peer_room = audiomentations.ApplyImpulseResponse(ir_path=ir_file, p=1.0)
            our_room = chain.Chain([chain.Room(rirs={"measured": aligned})], seed=0,
                                   peak_dbfs=None)
            result.peer_equivalent = rooms_agree(
                our_room(clips[0], sample_rate)[0],
                torch.from_numpy(peer_room(clips[0][0].numpy(), sample_rate)),
            )
            if not result.peer_equivalent:
                raise RuntimeError("the two room steps do not agree: no fair timing")
            peer = audiomentations.Compose([
                audiomentations.Gain(min_gain_db=-6.0, max_gain_db=6.0, p=1.0),
                audiomentations.AddBackgroundNoise(
                    sounds_path=str(helpers.asset_path("babble")), min_snr_db=5.0,
                    max_snr_db=20.0, p=1.0),
                audiomentations.ApplyImpulseResponse(ir_path=ir_file, p=1.0),
            ])
            arrays = [clip[0].numpy() for clip in clips]
            result.course_ms = _per_clip_ms(
                lambda i, x: ours(torch.from_numpy(x)[None], sample_rate, index=i), arrays,
                repeats)
            result.peer_ms = _per_clip_ms(lambda i, x: peer(x, sample_rate), arrays, repeats)
        if pitch_shift:
            second = clips[0][:, :sample_rate]
            start = time.perf_counter()
            AF.pitch_shift(second, sample_rate, n_steps=2.0)
            result.pitch_shift_s = time.perf_counter() - start
            start = time.perf_counter()
            tempo.shift_pitch(second, sample_rate, semitones=2.0)
            result.shift_pitch_s = time.perf_counter() - start
    except Exception as error:  # report, never crash the whole benchmark
        result.error = f"{type(error).__name__}: {error}"
    finally:
        torch.set_num_threads(threads)
    return result
