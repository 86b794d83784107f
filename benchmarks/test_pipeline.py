"""The pipeline benchmark compares like with like: audiomentations gets the room response the
course's chain uses, aligned to its direct path, and the two room steps are checked to agree
before they are timed (``benchmarks/pipeline.py``)."""

from __future__ import annotations

import soundfile
import torch

from helpers.augment import chain

RATE = 16000


def test_the_benchmark_gives_audiomentations_the_aligned_room(tmp_path):
    import audiomentations

    import helpers
    from benchmarks.pipeline import rooms_agree
    from helpers.augment import rooms

    rir, _ = helpers.load_audio("rir")
    aligned = rooms.align_rir(rir, RATE)
    ir_file = tmp_path / "aligned.wav"
    soundfile.write(ir_file, aligned[0].numpy(), RATE, subtype="FLOAT")
    clip = helpers.load_audio("speech", channels="mix", sample_rate=RATE)[0][:, :RATE]
    ours = chain.Chain([chain.Room(rirs={"m": aligned})], seed=0, peak_dbfs=None)(clip, RATE)[0]
    for ir_path, agree in ((ir_file, True), (helpers.asset_path("rir"), False)):
        theirs = audiomentations.ApplyImpulseResponse(ir_path=str(ir_path), p=1.0)(
            clip[0].numpy(), RATE
        )
        assert rooms_agree(ours, torch.from_numpy(theirs)) is agree
