"""Simulated rooms: ``pyroomacoustics`` shoeboxes with a target RT60, aligned for training.

The image-source method (Allen & Berkley 1979) mirrors the source in every wall, again and
again up to ``max_order`` reflections, and sums the delayed, attenuated copies. The wall
absorption for a target reverberation time comes from Sabine's formula inverted
(``pyroomacoustics.inverse_sabine``); Sabine assumes a diffuse field, which a small
empty shoebox is not, so the simulated decay overshoots or undershoots the target:
measure it.

A room impulse response delays the sound by the direct path (distance / speed of sound,
plus the simulator's fractional-delay filter); a label aligned with the dry clip (word
timings, frame targets) would then be late. :func:`align_rir` cuts the response so its
direct-path peak is sample 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .._validation import check_sample_rate
from ..room import direct_path_index, trim_rir


@dataclass(frozen=True)
class SimulatedRoom:
    """A simulated shoebox: its impulse response (as simulated, not aligned) and settings."""

    rir: torch.Tensor
    sample_rate: int
    target_rt60_s: float
    dimensions_m: tuple[float, float, float]
    absorption: float
    max_order: int
    simulator_rt60_s: float

    @property
    def direct_index(self) -> int:
        return direct_path_index(self.rir)


def simulate_room(
    target_rt60_s: float,
    sample_rate: int,
    *,
    dimensions_m: tuple[float, float, float] = (6.0, 4.0, 3.0),
    source_m: tuple[float, float, float] = (2.0, 1.5, 1.6),
    microphone_m: tuple[float, float, float] = (4.2, 2.6, 1.4),
    max_order: int | None = None,
) -> SimulatedRoom:
    """Simulate a shoebox room whose Sabine RT60 is ``target_rt60_s``.

    ``max_order`` defaults to what ``inverse_sabine`` says the decay needs; a lower one is
    faster and cuts the tail short. ``simulator_rt60_s`` is pyroomacoustics' own
    ``measure_rt60`` of the response, for comparison with other estimators.
    """
    import pyroomacoustics as pra

    sample_rate = check_sample_rate(sample_rate)
    if not 0.05 <= float(target_rt60_s) <= 3.0:
        raise ValueError(f"target_rt60_s must be between 0.05 and 3 s, got {target_rt60_s!r}")
    absorption, order = pra.inverse_sabine(float(target_rt60_s), list(dimensions_m))
    order = int(order if max_order is None else max_order)
    room = pra.ShoeBox(
        list(dimensions_m), fs=sample_rate, materials=pra.Material(absorption), max_order=order
    )
    room.add_source(list(source_m))
    room.add_microphone(list(microphone_m))
    room.compute_rir()
    response = np.asarray(room.rir[0][0], dtype=np.float64)
    measured = float(pra.experimental.measure_rt60(response, fs=sample_rate))
    return SimulatedRoom(
        rir=torch.from_numpy(response).float()[None],
        sample_rate=sample_rate,
        target_rt60_s=float(target_rt60_s),
        dimensions_m=tuple(float(d) for d in dimensions_m),
        absorption=float(absorption),
        max_order=order,
        simulator_rt60_s=measured,
    )


def align_rir(rir: torch.Tensor, sample_rate: int, *, length_s: float | None = None) -> torch.Tensor:
    """The response cut to start at its direct-path peak, energy-normalised.

    Convolving a clip with it keeps the direct sound at the clip's own time (no delay) and
    white noise at its power; ``length_s`` keeps that much after the direct path.
    """
    return trim_rir(rir, sample_rate, pre_s=0.0, length_s=length_s, fade_s=0.005)
