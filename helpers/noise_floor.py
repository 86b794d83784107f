"""A measured response's noise floor: where its decay meets the noise (Lundeby et al., 1995).

* :func:`find_noise_floor`: the noise level, the late-decay line and their crossing;
* :func:`plot_noise_floor`: Lundeby's diagnostic, with the plot contract of
  :mod:`helpers.plots`.

Levels are in dB re. the direct-path peak (:func:`helpers.room.direct_path_index`);
times are in seconds after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .measure import block_power_db
from .plots import target_axes
from .room import direct_path_index
from .validation import ArrayLike, as_mono, check_count, check_sample_rate, check_seconds, power_db

__all__ = ["NoiseFloor", "find_noise_floor", "plot_noise_floor"]


@dataclass(frozen=True)
class NoiseFloor:
    """Where a response's decay meets its noise floor; what :func:`find_noise_floor` returns.

    Levels are mean power per sample in dB re. the direct-path peak's power; times
    are seconds after the direct-path peak.

    Attributes
    ----------
    direct_index : the direct-path peak's sample index in the response.
    crossing_index : the sample index where the late-decay line meets the noise level.
    noise_db : the noise floor's level.
    decay_db_per_s, intercept_db : the late-decay line, ``intercept_db + decay_db_per_s * t``.
    peak_power : the direct-path peak's power (the 0 dB reference), in squared sample units.
    iterations : the iterations of the late-decay fit.
    block_frames : the length of the blocks the late decay was fitted on, in samples.
    """

    sample_rate: int
    direct_index: int
    crossing_index: int
    noise_db: float
    decay_db_per_s: float
    intercept_db: float
    peak_power: float
    iterations: int
    block_frames: int

    @property
    def crossing_s(self) -> float:
        """The crossing point, in seconds after the direct-path peak."""
        return (self.crossing_index - self.direct_index) / self.sample_rate

    @property
    def decay_range_db(self) -> float:
        """Impulse-to-noise ratio: the start of the late-decay line above the noise, in dB.

        ISO 3382-1 asks for at least 35 dB to measure T20 and 45 dB for T30
        (the fit must end 10 dB above the noise).
        """
        return self.intercept_db - self.noise_db

    @property
    def late_rt60(self) -> float:
        """The RT60 (s) the late-decay line implies: ``-60 / decay_db_per_s``."""
        return -60.0 / self.decay_db_per_s

    @property
    def tail_energy(self) -> float:
        """Energy the decay would still have after the crossing point, had there been no noise.

        The integral of the late-decay line beyond the crossing: the compensation
        that is added to Schroeder's integral of the truncated response.
        """
        rate = self.decay_db_per_s * math.log(10) / 10  # per second, negative
        level_at_crossing = self.intercept_db + self.decay_db_per_s * self.crossing_s
        return self.sample_rate * self.peak_power * 10 ** (level_at_crossing / 10) / -rate


def _first_at_or_below(levels: np.ndarray, threshold: float, start: int) -> int | None:
    hits = np.flatnonzero(levels[start:] <= threshold)
    return start + int(hits[0]) if hits.size else None


def find_noise_floor(
    rir: ArrayLike,
    sample_rate: int,
    *,
    block_s: float = 0.01,
    blocks_per_10db: int = 5,
    max_iterations: int = 10,
) -> NoiseFloor:
    """Find where a measured response's decay sinks into its noise floor (Lundeby's method).

    Used in: 02 · Background noise at a measured SNR, §3; 02a · Measuring a room, §3.

    Schroeder's integral sums energy from the end of the response backwards. In a
    measured response, everything after the decay has met the noise floor is
    noise, and integrating it makes the decay curve level off, so the fitted RT60
    comes out far too long. Lundeby, Vigran, Bietz and Vorländer (1995) find the
    point where to cut, iteratively:

    1. square the response and average it in blocks (``block_s``), in dB;
    2. take the noise level from the last 10 % of the response;
    3. fit a line to the decay from its peak down to 10 dB above the noise;
    4. the crossing point is where that line meets the noise level;
    5. re-average in blocks of about ``10 dB / blocks_per_10db`` of decay; then repeat:
       measure the noise from 10 dB of decay after the crossing point to the end,
       fit the late decay from 25 to 5 dB above the noise, and find the new
       crossing point, until it moves by less than a block.

    The analysis starts at the direct-path peak (earlier samples are ignored).
    Raises ``ValueError`` when the decay does not reach 10 dB above the noise.
    """
    sample_rate = check_sample_rate(sample_rate)
    response = as_mono(rir, "impulse_response")
    direct = direct_path_index(response)
    power = np.square(response[direct:])
    reference = float(power[0])
    count = len(power)
    first_block = max(round(check_seconds(block_s, "block_s") * sample_rate), 1)
    if count < 10 * first_block:
        raise ValueError(
            f"the response has only {count / sample_rate:.3f} s after its direct path; "
            f"need at least 10 blocks of {block_s} s"
        )
    check_count(blocks_per_10db, "blocks_per_10db")
    check_count(max_iterations, "max_iterations")

    def noise_level(start: int) -> float:
        start = min(start, round(0.9 * count))
        return power_db(float(np.mean(power[start:])), reference)

    times, levels = block_power_db(power, first_block, sample_rate, reference)
    noise = noise_level(round(0.9 * count))
    peak = int(np.argmax(levels))
    end = _first_at_or_below(levels, noise + 10, peak)
    if end is None or end - peak < 2:
        raise ValueError(
            f"the decay does not fall to 10 dB above the noise floor ({noise:.1f} dB re. the "
            "direct path) within the response: it is too noisy or too short to analyse"
        )
    slope, intercept = np.polyfit(times[peak : end + 1], levels[peak : end + 1], 1)
    if slope >= 0:
        raise ValueError("the response does not decay; is it an impulse response?")
    crossing = (noise - intercept) / slope
    block = max(round(10 / -slope / blocks_per_10db * sample_rate), 1)
    times, levels = block_power_db(power, block, sample_rate, reference)
    peak = int(np.argmax(levels))
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        noise = noise_level(round((crossing + 10 / -slope) * sample_rate))
        top = _first_at_or_below(levels, noise + 25, peak)
        top = peak if top is None else top
        bottom = _first_at_or_below(levels, noise + 5, top)
        if bottom is None or bottom - top < 2:
            break
        new_slope, new_intercept = np.polyfit(times[top : bottom + 1], levels[top : bottom + 1], 1)
        if new_slope >= 0:
            break
        new_crossing = (noise - new_intercept) / new_slope
        moved = abs(new_crossing - crossing)
        slope, intercept, crossing = new_slope, new_intercept, new_crossing
        if moved < block / sample_rate:
            break
    crossing = min(max(crossing, 0.0), (count - 1) / sample_rate)
    return NoiseFloor(
        sample_rate=sample_rate,
        direct_index=direct,
        crossing_index=direct + round(crossing * sample_rate),
        noise_db=noise,
        decay_db_per_s=float(slope),
        intercept_db=float(intercept),
        peak_power=reference,
        iterations=iterations,
        block_frames=block,
    )


def plot_noise_floor(
    impulse_response: ArrayLike,
    sample_rate: int,
    *,
    floor: NoiseFloor | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> Line2D:
    """Draw Lundeby's diagnostic: block levels, noise level, late-decay line and crossing.

    Used in: 02a · Measuring a room, §3.

    Parameters
    ----------
    impulse_response : torch.Tensor or numpy.ndarray, shape ``(frames,)`` or ``(1, frames)``
        The measured response, as passed to :func:`find_noise_floor`.
    sample_rate : int
        Sample rate in Hz.
    floor : NoiseFloor or None
        The result of :func:`find_noise_floor` for this response; ``None`` computes it.
    ax, title, **kwargs
        As in the plot contract; ``**kwargs`` go to the block levels' line.

    Returns
    -------
    matplotlib.lines.Line2D
        The block levels (mean power per block, in dB re. the direct-path peak), in the
        blocks of the method's last iteration.
    """
    sample_rate = check_sample_rate(sample_rate)
    response = as_mono(impulse_response, "impulse_response")
    floor = find_noise_floor(response, sample_rate) if floor is None else floor
    if not isinstance(floor, NoiseFloor):
        raise TypeError("floor must be the result of find_noise_floor(impulse_response, rate)")
    ax = target_axes(ax, height=3.2)
    power = np.square(response[floor.direct_index :])
    times, levels = block_power_db(power, floor.block_frames, sample_rate, floor.peak_power)
    block_ms = 1000 * floor.block_frames / sample_rate
    options = {"color": "C0", "drawstyle": "steps-mid", "label": f"{block_ms:.0f} ms blocks"}
    line = ax.plot(times, levels, **{**options, **kwargs})[0]
    ax.axhline(
        floor.noise_db, color="0.4", linestyle="--", label=f"noise level {floor.noise_db:.1f} dB"
    )
    ax.axhspan(
        floor.noise_db + 5,
        floor.noise_db + 25,
        color="C1",
        alpha=0.08,
        label="late-decay fit: 25 to 5 dB above the noise",
    )
    span = np.array([0.0, floor.crossing_s])
    ax.plot(
        span,
        floor.intercept_db + floor.decay_db_per_s * span,
        color="C1",
        label=f"late-decay line (RT60 {floor.late_rt60:.2f} s)",
    )
    ax.plot(
        [floor.crossing_s],
        [floor.noise_db],
        "o",
        color="C3",
        label=f"crossing point, {floor.crossing_s:.3f} s",
    )
    ax.axvline(floor.crossing_s, color="C3", linestyle=":")
    ax.set_ylim(max(float(np.min(levels)), floor.noise_db - 20) - 3, 3)
    ax.set_xlabel("Time after the direct sound (s)")
    ax.set_ylabel("Level (dB re. direct-path peak)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    if title:
        ax.set_title(title)
    return line
