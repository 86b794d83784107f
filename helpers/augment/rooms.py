"""Simulated rooms: ``pyroomacoustics`` shoeboxes with a target RT60, aligned for training.

The image-source method (Allen & Berkley 1979) mirrors the source in every wall, again and
again up to ``max_order`` reflections, and sums the delayed, attenuated copies. The wall
absorption for a target reverberation time comes from Sabine's formula inverted
(``pyroomacoustics.inverse_sabine``); Sabine assumes a diffuse field, which a small
empty shoebox is not, so the simulated decay overshoots or undershoots the target:
measure it.

A room impulse response delays the sound by the direct path (distance / speed of sound,
plus half the simulator's fractional-delay filter); a label aligned with the dry clip (word
timings, frame targets) would then be late. :func:`align_rir` cuts the response so its
direct path is sample 0. The direct path is the *first* arrival, not always the largest
sample: in the default room below, the floor and ceiling reflections travel the same
distance, arrive together and add up to a peak larger than the direct sound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..room import direct_path_index
from ..validation import ArrayLike, as_waveform, check_sample_rate, check_seconds

#: pyroomacoustics' speed of sound (m/s) and fractional-delay filter length (taps).
SPEED_OF_SOUND = 343.0
FRACTIONAL_DELAY_TAPS = 81


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
    distance_m: float

    @property
    def direct_index(self) -> int:
        """The direct path's sample (the first arrival, :func:`helpers.room.direct_path_index`)."""
        return direct_path_index(self.rir, self.sample_rate, rule="first_arrival")

    @property
    def expected_direct_index(self) -> float:
        """Where geometry puts the direct path: the travel time at 343 m/s plus half the
        simulator's fractional-delay filter (its centre tap)."""
        travel = self.distance_m / SPEED_OF_SOUND * self.sample_rate
        return travel + (FRACTIONAL_DELAY_TAPS - 1) / 2


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

    Used in: 05 · Augmentation at training time, §3; 05b · simulated rooms, §1.

    ``max_order`` defaults to what ``inverse_sabine`` says the decay needs; a lower one is
    faster and cuts the tail short. ``simulator_rt60_s`` is pyroomacoustics' own
    ``measure_rt60`` of the response, for comparison with other estimators.
    """
    import pyroomacoustics as pra

    sample_rate = check_sample_rate(sample_rate)
    if not 0.05 <= check_seconds(target_rt60_s, "target_rt60_s", positive=True) <= 3.0:
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
        distance_m=float(np.linalg.norm(np.subtract(source_m, microphone_m))),
    )


def align_rir(rir: ArrayLike, sample_rate: int, *, fade_s: float = 0.005) -> torch.Tensor:
    """The response cut to start at its direct path (its first arrival,
    :func:`helpers.room.direct_path_index` with ``rule="first_arrival"``), its end
    faded over ``fade_s``, normalised to unit energy per channel.

    Used in: 05 · Augmentation at training time, §3; 05b · simulated rooms, §1.

    Convolving a clip with it keeps the direct sound at the clip's own time (no delay) and
    white noise at its power.
    """
    data = as_waveform(rir, "impulse_response", tensor=True).double()
    cut = data[:, direct_path_index(data, sample_rate, rule="first_arrival") :].clone()
    fade = round(fade_s * check_sample_rate(sample_rate))
    if 0 < fade < cut.shape[-1]:
        cut[:, -fade:] *= torch.linspace(1.0, 0.0, fade, dtype=torch.float64)
    return (cut / cut.norm(dim=-1, keepdim=True).clamp_min(1e-30)).float()
