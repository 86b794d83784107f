"""Room impulse responses (RIR): direct path, trimming, direct-to-reverberant ratio.

A measured RIR has three parts: silence (really: the measurement's noise) until
the sound arrives, the direct-path peak followed by the decaying reverberation,
and, once the decay has sunk below it, the noise floor again. The functions here
find those parts, cut a response ready for convolution, and measure the room:

* :func:`direct_path_index`: where the sound arrives, the course's one rule for it
  (used by trimming, the DRR, the decay analysis and the simulated rooms of
  :mod:`helpers.augment.rooms`), and :func:`trim_rir`: a trimmed, faded and normalised
  response;
* :func:`direct_to_reverberant_ratio` (DRR).

The noise floor of a measured response is in :mod:`helpers.noise_floor`, its decay
(energy decay curve, RT60) in :mod:`helpers.decay`; filters (the high-pass that removes
hum) in :mod:`helpers.filters`.

Times are in seconds and levels in dB; every function takes a torch tensor or a
numpy array of shape ``(frames,)`` or ``(1, frames)`` (``trim_rir`` also takes
several channels).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import torch

from .validation import ArrayLike, as_mono, as_waveform, check_sample_rate, check_seconds

__all__ = ["DIRECT_PATH_RULES", "direct_path_index", "direct_to_reverberant_ratio", "trim_rir"]

#: The two ways to find the direct path; ``"peak"`` is the course's default.
DIRECT_PATH_RULES = ("peak", "first_arrival")

#: Guards the division of a silent channel by its (zero) energy.
_TINY = 1e-30


def direct_path_index(
    rir: ArrayLike,
    sample_rate: int | None = None,
    *,
    rule: Literal["peak", "first_arrival"] = "peak",
    threshold_db: float = -10.0,
    window_s: float = 0.001,
) -> int:
    """Sample index of the direct path: where the sound arrives, by one rule for the course.

    Used in: 05b · simulated rooms, §1.

    ``rule="peak"`` (the default) takes the largest sample, channels summed in energy.
    The direct sound travels the shortest way, so it arrives first, and in a measured
    room it is also the strongest arrival (short of a reflector focusing sound); the
    peak needs no threshold, and every level of the room lessons (trimming, the DRR,
    the noise floor, the decay) is in dB re. this peak, as ISO 3382 measures them.

    ``rule="first_arrival"`` takes the first sample within ``threshold_db`` of the
    largest, then the largest sample in the ``window_s`` after it. A simulated
    shoebox room needs it: image sources at equal distances arrive together after
    the direct sound and can add up to more than it, so the largest sample is a
    reflection (:mod:`helpers.augment.rooms` aligns its responses with this rule).

    Parameters
    ----------
    rir : torch.Tensor or numpy.ndarray, shape ``(frames,)`` or ``(channels, frames)``
        The impulse response.
    sample_rate : int or None
        In Hz; needed by ``rule="first_arrival"`` (for ``window_s``) only.
    rule : {"peak", "first_arrival"}
        See above.
    threshold_db, window_s : float
        The first-arrival rule's level (dB re. the largest sample's energy) and window.

    Returns
    -------
    int
        The sample index.

    Examples
    --------
    >>> import numpy as np
    >>> from helpers import room
    >>> rir = np.zeros(100)
    >>> rir[[10, 30]] = [0.8, 1.0]  # the direct path, then coincident echoes adding up
    >>> room.direct_path_index(rir)
    30
    >>> room.direct_path_index(rir, 16000, rule="first_arrival")
    10
    """
    if rule not in DIRECT_PATH_RULES:
        raise ValueError(f"rule must be one of {DIRECT_PATH_RULES}, got {rule!r}")
    data = as_waveform(rir, "impulse_response")
    energy = np.sum(np.square(data.astype(np.float64)), axis=0)
    if not energy.any():
        raise ValueError("impulse_response is silent (all zeros): it has no direct path")
    if rule == "peak":
        return int(np.argmax(energy))
    if sample_rate is None:
        raise ValueError("rule='first_arrival' needs the sample_rate (for window_s)")
    first = int(np.flatnonzero(energy >= energy.max() * 10 ** (threshold_db / 10))[0])
    window = max(1, round(window_s * check_sample_rate(sample_rate)))
    return first + int(np.argmax(energy[first : first + window]))


def trim_rir(
    rir: ArrayLike,
    sample_rate: int,
    *,
    pre_s: float = 0.001,
    length_s: float | None = None,
    fade_s: float = 0.005,
    normalize: Literal["energy", "peak"] | None = "energy",
) -> torch.Tensor:
    """Cut an impulse response around its direct path, fade its end and normalise it.

    Parameters
    ----------
    pre_s : keep this much before the direct-path peak (at most what there is);
        convolving then delays the sound by exactly ``pre_s`` (rounded to samples).
    length_s : keep this much after the peak (``None``: up to the end). Cut where
        the decay meets the noise floor: later samples add only noise.
    fade_s : a half-cosine fade-out over the last ``fade_s``, so the cut adds no click.
    normalize : ``"energy"`` for unit energy per channel (``sum(h**2) == 1``: white
        noise keeps its power through the convolution), ``"peak"`` for a direct
        path of amplitude 1 (the direct sound keeps its level and the reverberation
        is added on top), ``None`` to keep the measured level.

    Returns
    -------
    float32 tensor of shape ``(channels, frames)``.

    Examples
    --------
    >>> import torch
    >>> from helpers import room
    >>> from helpers.effects import synthetic_rir
    >>> rir = torch.cat([torch.zeros(1, 800), synthetic_rir(16000, 0.3)], dim=1)
    >>> trimmed = room.trim_rir(rir, 16000, pre_s=0.001)
    >>> room.direct_path_index(trimmed)  # the direct path now 1 ms (16 samples) in
    16
    """
    sample_rate = check_sample_rate(sample_rate)
    data = as_waveform(rir, "impulse_response", tensor=True).double()
    peak = direct_path_index(data)
    start = max(peak - round(check_seconds(pre_s, "pre_s") * sample_rate), 0)
    stop = data.shape[-1]
    if length_s is not None:
        stop = min(peak + round(check_seconds(length_s, "length_s") * sample_rate) + 1, stop)
    trimmed = data[:, start:stop].clone()
    fade = round(check_seconds(fade_s, "fade_s") * sample_rate)
    if fade >= trimmed.shape[-1] - (peak - start):
        raise ValueError(
            f"fade_s ({fade_s} s) is as long as the response after its direct path; shorten it"
        )
    if fade > 0:
        angles = torch.linspace(0, math.pi, fade + 2, dtype=torch.float64)[1:-1]
        ramp = 0.5 * (1 + torch.cos(angles))
        trimmed[:, -fade:] *= ramp.to(trimmed.device)
    if normalize == "energy":
        trimmed = trimmed / trimmed.norm(dim=-1, keepdim=True).clamp_min(_TINY)
    elif normalize == "peak":
        trimmed = trimmed / trimmed[:, peak - start].abs().max()
    elif normalize is not None:
        raise ValueError(f"normalize must be 'energy', 'peak' or None, got {normalize!r}")
    return trimmed.float()


def direct_to_reverberant_ratio(
    rir: ArrayLike, sample_rate: int, *, window_s: float = 0.0025, stop_index: int | None = None
) -> float:
    """Direct-to-reverberant ratio (DRR) in dB.

    Used in: 02 · Background noise at a measured SNR, §4.

    The direct sound is the energy within ``window_s`` either side of the
    direct-path peak (2.5 ms is the usual choice); the reverberation is all the
    energy after that window, up to ``stop_index`` (e.g. the noise-floor crossing of
    a measured response, so that noise is not counted as reverberation).
    Energy before the direct sound arrives is ignored.
    """
    sample_rate = check_sample_rate(sample_rate)
    response = as_mono(rir, "impulse_response")
    peak = direct_path_index(response)
    half = round(check_seconds(window_s, "window_s") * sample_rate)
    stop = len(response) if stop_index is None else int(stop_index)
    if not peak + half + 1 < stop <= len(response):
        raise ValueError(
            f"stop_index must lie after the direct-sound window (> {peak + half + 1}) and "
            f"within the response (<= {len(response)}), got {stop_index}"
        )
    power = np.square(response)
    direct = float(power[max(peak - half, 0) : peak + half + 1].sum())
    reverberant = float(power[peak + half + 1 : stop].sum())
    if reverberant == 0:
        raise ValueError("there is no energy after the direct sound: the DRR is infinite")
    return float(10 * np.log10(direct / reverberant))
