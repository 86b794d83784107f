"""Loudness (ITU-R BS.1770-4) and normalisation to a target loudness with a peak guard.

BS.1770 measures loudness in LUFS (loudness units relative to full scale, also written
LKFS): the signal is K-weighted (a high shelf of about +4 dB above 2 kHz, for the head's
effect, and a high-pass at 38 Hz), its mean square taken over 400 ms blocks overlapping by
75 %, blocks below -70 LUFS dropped (absolute gate), then blocks more than 10 LU below
the mean of the rest dropped (relative gate). A full-scale 997 Hz sine in one channel
reads -3.01 LUFS.

:func:`integrated_loudness` follows the recommendation's filter: the published 48 kHz
coefficients, redesigned for any rate from their shelf and high-pass parameters (as
``pyloudnorm`` does). ``torchaudio.functional.loudness`` builds its shelf from
``treble_biquad`` instead, which reads high frequencies up to about 2.4 dB low (measured
in notebook 05).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torchaudio.functional as AF

from ..validation import DB_FLOOR, ArrayLike, amplitude_db, as_waveform, check_sample_rate

BLOCK_S = 0.4
OVERLAP = 0.75
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
_OFFSET = -0.691
# BS.1770's pre-filter as shelf and high-pass parameters (they reproduce its 48 kHz table).
_SHELF = {"gain_db": 3.999843853973347, "q": 0.7071752369554196, "f_c": 1681.974450955533}
_HIGHPASS = {"q": 0.5003270373238773, "f_c": 38.13547087602444}
#: Channel weights for L, R, C, Ls, Rs.
CHANNEL_WEIGHTS = (1.0, 1.0, 1.0, 1.41, 1.41)


def _k_weighting(sample_rate: int) -> list[tuple[list[float], list[float]]]:
    """(b, a) of the shelf and the high-pass, bilinear-transformed at ``sample_rate``."""
    k = math.tan(math.pi * _SHELF["f_c"] / sample_rate)
    v_h = 10 ** (_SHELF["gain_db"] / 20)
    v_b = v_h**0.4996667741545416
    q = _SHELF["q"]
    a0 = 1 + k / q + k * k
    shelf = (
        [
            (v_h + v_b * k / q + k * k) / a0,
            2 * (k * k - v_h) / a0,
            (v_h - v_b * k / q + k * k) / a0,
        ],
        [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0],
    )
    k = math.tan(math.pi * _HIGHPASS["f_c"] / sample_rate)
    q = _HIGHPASS["q"]
    a0 = 1 + k / q + k * k
    highpass = ([1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return [shelf, highpass]


def k_weight(waveform: ArrayLike, sample_rate: int) -> torch.Tensor:
    """The BS.1770 K-weighted signal, in float64, shape ``(channels, frames)``."""
    data = as_waveform(waveform, tensor=True).double()
    for b, a in _k_weighting(check_sample_rate(sample_rate)):
        data = AF.lfilter(
            data, torch.tensor(a, dtype=torch.float64, device=data.device),
            torch.tensor(b, dtype=torch.float64, device=data.device), clamp=False,
        )
    return data


def integrated_loudness(waveform: ArrayLike, sample_rate: int) -> float:
    """Integrated loudness in LUFS (BS.1770-4, gated), of up to five channels.

    Used in: 05a · codecs, §2.

    Raises ``ValueError`` for a clip shorter than one 400 ms block (no gating block fits:
    ``torchaudio.functional.loudness`` fails there with a tensor-size error and pyloudnorm
    with "length greater than the block size"), and returns
    :data:`~helpers.validation.DB_FLOOR` (-200) for silence (pyloudnorm: ``-inf``).
    """
    sample_rate = check_sample_rate(sample_rate)
    data = as_waveform(waveform, tensor=True)
    if data.shape[0] > len(CHANNEL_WEIGHTS):
        raise ValueError(f"at most {len(CHANNEL_WEIGHTS)} channels, got {data.shape[0]}")
    block = round(BLOCK_S * sample_rate)
    if data.shape[-1] < block:
        raise ValueError(
            f"the clip has {data.shape[-1]} samples "
            f"({data.shape[-1] / sample_rate * 1000:.0f} ms), "
            f"shorter than one {BLOCK_S * 1000:.0f} ms gating block; BS.1770 loudness is "
            "undefined for it: normalise such clips by RMS (helpers.rms_dbfs) or pad them"
        )
    weighted = k_weight(data, sample_rate)
    step = round(block * (1 - OVERLAP))
    energy = weighted.square().unfold(-1, block, step).mean(dim=-1)  # (channels, blocks)
    weights = torch.tensor(CHANNEL_WEIGHTS[: data.shape[0]], dtype=torch.float64)
    block_loudness = _OFFSET + 10 * torch.log10((weights[:, None] * energy).sum(0))
    kept = block_loudness > ABSOLUTE_GATE_LUFS
    if not bool(kept.any()):
        return DB_FLOOR
    relative = _OFFSET + 10 * math.log10(float((weights * energy[:, kept].mean(-1)).sum()))
    kept &= block_loudness > relative + RELATIVE_GATE_LU
    return float(_OFFSET + 10 * torch.log10((weights * energy[:, kept].mean(-1)).sum()))


@dataclass(frozen=True)
class Normalised:
    """Result of :func:`normalize_loudness`: the audio and what was done to it."""

    waveform: torch.Tensor
    loudness_before: float
    gain_db: float
    peak_limited: bool

    @property
    def loudness_after(self) -> float:
        return self.loudness_before + self.gain_db


def normalize_loudness(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    target_lufs: float = -23.0,
    peak_dbfs: float | None = -1.0,
) -> Normalised:
    """Scale a clip to ``target_lufs``; with ``peak_dbfs``, never let its peak exceed that.

    Used in: 05a · codecs, §2.

    The gain is one number for the whole clip (no compression). When the loudness gain
    would push the peak above ``peak_dbfs`` the gain is lowered to meet the peak instead
    and ``peak_limited`` is true: the clip is then quieter than the target, never clipped.
    ``-23 LUFS`` is EBU R 128's broadcast target.
    """
    data = as_waveform(waveform, tensor=True)
    before = integrated_loudness(data, sample_rate)
    if before <= DB_FLOOR:
        raise ValueError("the clip is silent (below the -70 LUFS gate): it has no loudness")
    gain_db = float(target_lufs) - before
    limited = False
    if peak_dbfs is not None:
        peak = float(data.abs().max())
        room_db = float(peak_dbfs) - amplitude_db(peak)
        if gain_db > room_db:
            gain_db, limited = room_db, True
    scaled = data * 10 ** (gain_db / 20)
    return Normalised(scaled, before, gain_db, limited)


def normalize_peak(waveform: ArrayLike, *, peak_dbfs: float = -1.0) -> torch.Tensor:
    """Scale a clip so that its largest sample sits at ``peak_dbfs``.

    Used in: 05a · codecs, §2.
    """
    data = as_waveform(waveform, tensor=True)
    peak = float(data.abs().max())
    if peak == 0:
        raise ValueError("the clip is silent (all zeros): there is no peak to normalise")
    return data * (10 ** (float(peak_dbfs) / 20) / peak)
