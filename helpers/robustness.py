"""Training regimes and test conditions for the spoken-digit experiment of notebook 06.

Training and test never share a noise, a room or a codec:

- **training** noises are the course's band-limited coloured noises
  (:data:`helpers.augment.noises.COLOURS`, synthesised at 8 kHz), rooms are three simulated
  shoeboxes (:func:`helpers.augment.rooms.simulate_room`), codecs are 8-bit μ-law and
  Microsoft ADPCM (4 bits a sample, 33 kbps), band limits are biquad filters;
- **test** noise is the bundled recorded babble, the room is the bundled measured one
  (VOiCES room 1), the codec is GSM 6.10 (13 kbps, the GSM phone codec) after a 4th-order
  Butterworth band-pass of 300-3400 Hz (the telephone band).

Every augmentation takes ``(waveforms, lengths, indices, generator)`` and returns the
augmented ``(clips, frames)`` batch; all its draws come from ``generator``.

Used in: 06 · does augmentation help?
"""

from __future__ import annotations

import io
from collections.abc import Callable

import scipy.signal
import soundfile
import torch
import torchaudio.functional as AF

from .assets import load_audio
from .augment import noises, rooms, specaugment, tempo
from .digits import CLIP_FRAMES, HOP, SAMPLE_RATE, Digits, add_noise_at_snr, wilson_interval
from .validation import as_waveform, check_count

__all__ = [
    "CONDITIONS",
    "REGIMES",
    "accuracy_table",
    "codec_round_trip",
    "make_augmentations",
    "make_conditions",
    "training_noises",
    "training_rooms",
]

#: The test conditions, in table order.
CONDITIONS = ("clean", "babble 10 dB", "babble 5 dB", "babble 0 dB", "measured room",
              "telephone + GSM", "room + babble 5 dB + phone")
#: The training regimes, in table order.
REGIMES = ("none", "noise", "room", "codec/band", "speed", "SpecAugment", "05 chain")
#: Samples kept of each training room's response after its direct path (0.45 s): the
#: clip's window is 0.8 s, and a shorter response makes the convolution's FFT half as long.
ROOM_FRAMES = 3600
#: Simulated training rooms: name -> (target RT60 s, dimensions m).
ROOMS = {
    "small, 0.3 s": (0.3, (5.0, 3.5, 2.7)),
    "medium, 0.5 s": (0.5, (7.0, 5.0, 3.0)),
    "large, 0.8 s": (0.8, (10.0, 6.0, 3.5)),
}


def training_noises(*, seconds: float = 5.0, seed: int = 0) -> torch.Tensor:
    """The coloured noises of :data:`helpers.augment.noises.COLOURS` at 8 kHz, unit RMS,
    shape ``(3, frames)`` (white 300-3400 Hz, pink, brown).

    Used in: 06 · Does augmentation help?, §4.
    """
    generator = torch.Generator().manual_seed(check_count(seed, "seed", minimum=0))
    return torch.cat([
        noises.coloured_noise(round(seconds * SAMPLE_RATE), SAMPLE_RATE, exponent=exponent,
                              f_min=low, f_max=min(high, SAMPLE_RATE / 2 - 1),
                              generator=generator)
        for exponent, low, high in noises.COLOURS.values()
    ])


def training_rooms() -> torch.Tensor:
    """The :data:`ROOMS`' responses at 8 kHz, aligned to their direct path, cut to
    :data:`ROOM_FRAMES` (end faded), unit energy: shape ``(3, frames)``."""
    found = []
    for rt60, size in ROOMS.values():
        room = rooms.simulate_room(rt60, SAMPLE_RATE, dimensions_m=size)
        response = room.rir[:, : room.direct_index + ROOM_FRAMES]
        found.append(rooms.align_rir(response, SAMPLE_RATE)[0])
    return torch.nn.utils.rnn.pad_sequence(found, batch_first=True)


def _excerpts(noise: torch.Tensor, count: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` excerpts of CLIP_FRAMES samples, each from a random row and start."""
    rows = torch.randint(0, noise.shape[0], (count,), generator=generator)
    starts = torch.randint(0, noise.shape[1] - CLIP_FRAMES, (count,), generator=generator)
    return noise[rows[:, None], starts[:, None] + torch.arange(CLIP_FRAMES)]


def _reverberate(waves: torch.Tensor, responses: torch.Tensor) -> torch.Tensor:
    """Each clip convolved with its own response (FFT), cut to the clip's window."""
    length = 1 << (waves.shape[-1] + responses.shape[-1] - 2).bit_length()
    wet = torch.fft.irfft(torch.fft.rfft(waves, length) * torch.fft.rfft(responses, length),
                          length)
    return wet[:, : waves.shape[-1]]


def codec_round_trip(waveforms: torch.Tensor, subtype: str, *, container: str = "WAV"
                     ) -> torch.Tensor:
    """Encode and decode every clip with libsndfile's ``subtype`` codec, in memory.

    The clips are joined end to end and coded in one call (coding 3,000 short files one by
    one costs far more); each window starts with silence, so a codec frame that straddles
    two clips carries almost nothing over. Shape kept: ``(clips, frames)``.
    """
    waves = as_waveform(waveforms, tensor=True)
    buffer = io.BytesIO()
    soundfile.write(buffer, waves.reshape(-1).numpy(), SAMPLE_RATE, format=container,
                    subtype=subtype)
    buffer.seek(0)
    decoded, _ = soundfile.read(buffer, dtype="float32")
    return torch.from_numpy(decoded[: waves.numel()]).reshape(waves.shape)


def make_conditions(test: Digits, *, seed: int = 0) -> dict[str, torch.Tensor]:
    """The :data:`CONDITIONS` applied to ``test``'s clips: name -> ``(clips, frames)``.

    Used in: 06 · Does augmentation help?, §3.

    Babble excerpts start at seeded random points of the 5 s recording; the measured room
    is aligned to its direct path (the clip keeps its timing).
    """
    generator = torch.Generator().manual_seed(check_count(seed, "seed", minimum=0))
    babble, _ = load_audio("babble", channels="mix", sample_rate=SAMPLE_RATE)
    rir, _ = load_audio("rir", channels="mix", sample_rate=SAMPLE_RATE)
    room = rooms.align_rir(rir, SAMPLE_RATE)
    clean, lengths = test.waveforms, test.lengths
    excerpts = _excerpts(babble, len(clean), generator)
    sos = scipy.signal.butter(4, [300, 3400], "bandpass", fs=SAMPLE_RATE, output="sos")

    def telephone(waves: torch.Tensor) -> torch.Tensor:
        band = torch.from_numpy(scipy.signal.sosfilt(sos, waves.double().numpy()))
        return codec_round_trip(band.float().clamp(-1, 1), "GSM610")

    reverberant = _reverberate(clean, room.expand(len(clean), -1))
    found = {"clean": clean}
    for snr in (10, 5, 0):
        found[f"babble {snr} dB"] = add_noise_at_snr(clean, excerpts, float(snr), lengths)
    found["measured room"] = reverberant
    found["telephone + GSM"] = telephone(clean)
    mixed = add_noise_at_snr(reverberant, excerpts, 5.0, lengths)
    found["room + babble 5 dB + phone"] = telephone(mixed / mixed.abs().amax(-1, keepdim=True))
    return found


Augment = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, torch.Generator], torch.Tensor]


def make_augmentations(train: Digits, *, seed: int = 0) -> dict[str, dict[str, Callable | None]]:
    """The :data:`REGIMES`: name -> ``{"augment": ..., "spec_augment": ...}`` for
    :func:`helpers.digits.fit`.

    Used in: 06 · Does augmentation help?, §4.

    - noise: with p 0.8 a coloured-noise excerpt at an SNR drawn from 0-20 dB;
    - room: with p 0.8 one of the three simulated rooms;
    - codec/band: per clip μ-law, MS ADPCM or none (each 1/3), then, per clip with p 0.5,
      a high-pass at 100-500 Hz and a low-pass at 2.5-3.8 kHz (biquads, corners per clip);
    - speed: per clip 0.9, 1.0 or 1.1 (pitch and length change), re-centred;
    - SpecAugment: two masks of up to 6 mel bands and two of up to 6 frames, inside each
      clip's own frames (not the silence around it);
    - 05 chain: notebook 05's steps with its probabilities (codec p 0.5, speed p 0.5,
      room p 0.5, noise p 0.8 at 5-20 dB), with this module's codecs and noises (05's
      noise corpus includes the test babble). The codec comes before the speed change
      (its round trips are computed once, on the clean clips); the loudness step is left
      out, as no test condition changes the level.
    """
    colours, responses = training_noises(seed=seed), training_rooms()
    coded = torch.stack([train.waveforms, codec_round_trip(train.waveforms, "ULAW"),
                         codec_round_trip(train.waveforms, "MS_ADPCM")])

    def noise(waves, lengths, indices, generator, p=0.8, snr=(0.0, 20.0)):
        noisy = add_noise_at_snr(waves, _excerpts(colours, len(waves), generator),
                                 snr[0] + (snr[1] - snr[0]) * torch.rand(len(waves),
                                                                         generator=generator),
                                 lengths)
        return torch.where((torch.rand(len(waves), generator=generator) < p)[:, None], noisy,
                           waves)

    def room(waves, lengths, indices, generator, p=0.8):
        picked = responses[torch.randint(0, len(responses), (len(waves),), generator=generator)]
        wet = _reverberate(waves, picked)
        return torch.where((torch.rand(len(waves), generator=generator) < p)[:, None], wet, waves)

    def codec(waves, lengths, indices, generator, p=0.5):
        version = torch.randint(0, 3, (len(waves),), generator=generator)
        waves = torch.where((version > 0)[:, None], coded[version, indices], waves)
        low = 100 + 400 * torch.rand(len(waves), generator=generator)
        high = 2500 + 1300 * torch.rand(len(waves), generator=generator)
        band = _biquads(_biquads(waves, low, "highpass"), high, "lowpass")
        return torch.where((torch.rand(len(waves), generator=generator) < p)[:, None], band,
                           waves)

    def speed(waves, lengths, indices, generator, p=1.0):
        factors = torch.tensor([0.9, 1.0, 1.1])[
            torch.randint(0, 3, (len(waves),), generator=generator)]
        apply = torch.rand(len(waves), generator=generator) < p
        out = waves.clone()
        for factor in (0.9, 1.1):
            rows = torch.nonzero((factors == factor) & apply).flatten()
            if len(rows):
                changed = tempo.change_speed(waves[rows], SAMPLE_RATE, factor=factor)
                out[rows] = _recentre(changed, waves.shape[-1])
        return out

    def spec(features, lengths, generator):
        # Masks fall inside each clip's own frames: shift the clip to frame 0, mask, shift back.
        first = (CLIP_FRAMES - lengths) // 2 // HOP
        valid = torch.minimum(-(-lengths // HOP) + 1, features.shape[-1] - first)
        frames = torch.arange(features.shape[-1])
        order = ((frames[None] + first[:, None]) % features.shape[-1])[:, None].expand_as(features)
        masked = specaugment.spec_augment(features.gather(-1, order), valid, freq_masks=2,
                                          freq_width=6, time_masks=2, time_width=6,
                                          generator=generator)[0]
        return torch.empty_like(features).scatter_(-1, order, masked)

    def chain(waves, lengths, indices, generator):
        keep = torch.rand(len(waves), generator=generator) < 0.5
        waves = torch.where(keep[:, None], waves, codec(waves, lengths, indices, generator))
        waves = speed(waves, lengths, indices, generator, p=0.5)
        waves = room(waves, lengths, indices, generator, p=0.5)
        return noise(waves, lengths, indices, generator, p=0.8, snr=(5.0, 20.0))

    plain = {"augment": None, "spec_augment": None}
    return {
        "none": plain,
        "noise": {**plain, "augment": noise},
        "room": {**plain, "augment": room},
        "codec/band": {**plain, "augment": codec},
        "speed": {**plain, "augment": speed},
        "SpecAugment": {**plain, "spec_augment": spec},
        "05 chain": {**plain, "augment": chain},
    }


def _biquads(waves: torch.Tensor, cutoffs: torch.Tensor, kind: str) -> torch.Tensor:
    """Each clip through its own 2nd-order Butterworth high- or low-pass (Q 0.707, the
    coefficients of ``torchaudio.functional.highpass_biquad``/``lowpass_biquad``)."""
    w0 = 2 * torch.pi * cutoffs.double() / SAMPLE_RATE
    alpha, cos = torch.sin(w0) / (2 * 0.707), torch.cos(w0)
    edge = (1 + cos) / 2 if kind == "highpass" else (1 - cos) / 2
    middle = -(1 + cos) if kind == "highpass" else 1 - cos
    b = torch.stack([edge, middle, edge], -1)
    a = torch.stack([1 + alpha, -2 * cos, 1 - alpha], -1)
    return AF.lfilter(waves.double(), a, b, clamp=False, batching=True).float()


def _recentre(waves: torch.Tensor, frames: int) -> torch.Tensor:
    """Cut or zero-pad ``(clips, n)`` around its centre to ``frames`` samples."""
    extra = waves.shape[-1] - frames
    if extra >= 0:
        return waves[:, extra // 2 : extra // 2 + frames]
    return torch.nn.functional.pad(waves, (-extra // 2, -extra - (-extra // 2)))


def accuracy_table(correct: dict[str, dict[str, torch.Tensor]]) -> dict[str, dict[str, tuple]]:
    """``correct[regime][condition]`` (bool per test clip) -> ``(accuracy, low, high)`` with
    the Wilson 95 % interval (:func:`helpers.digits.wilson_interval`).

    Used in: 06 · Does augmentation help?, §5.
    """
    table = {}
    for regime, row in correct.items():
        table[regime] = {}
        for condition, hits in row.items():
            hits = torch.as_tensor(hits, dtype=torch.bool)
            low, high = wilson_interval(int(hits.sum()), len(hits))
            table[regime][condition] = (float(hits.float().mean()), low, high)
    return table



def run_experiment(
    digits: Digits,
    held_out: str,
    *,
    seed: int = 0,
    epochs: int = 5,
    regimes: tuple[str, ...] = REGIMES,
) -> dict[str, object]:
    """Train every regime with ``held_out``'s clips held out and test it in every condition.

    The training set keeps every other recording per speaker and digit (25 of 50), as
    the notebook does. Returns ``{"correct": regime ->
    condition -> bool per test clip, "seconds": regime -> training time}``. Used by
    ``benchmarks/training.py`` for the seed spread and the speaker rotation.
    """
    from .digits import fit, predict, speaker_split

    train, test = speaker_split(digits, held_out)
    train = train.subset(train.takes % 2 == 0)
    conditions = make_conditions(test, seed=seed)
    augmentations = make_augmentations(train, seed=seed)
    correct, seconds = {}, {}
    for regime in regimes:
        model, seconds[regime] = fit(train, **augmentations[regime], epochs=epochs, seed=seed)
        correct[regime] = {name: predict(model, waves).argmax(-1) == test.labels
                           for name, waves in conditions.items()}
    return {"correct": correct, "seconds": seconds}
