"""A resampler's interpolation kernel, probed with impulses, and its exact frequency response.

No sweep is needed: a linear resampler fed a unit impulse outputs its kernel, sampled
at one phase; impulses at every phase give the whole kernel on a fine time grid. Its
Fourier transform is the resampler's exact magnitude response, whose only floor is the
float64 rounding of the probe (far below -200 dB, the package's dB floor), so it shows
stop bands far deeper than a sine sweep can.

* :func:`resampler_kernel` probes the kernel of any linear resampler (a black box);
* :func:`kernel_response_db` is its frequency response, :func:`probe_response` both at once;
* :func:`worst_aliasing`, :func:`response_quality` and :func:`response_table` read the
  loudest alias, the pass-band loss, the flat band's end and the cut-off from it;
* :func:`kaiser_beta`, :func:`kaiser_attenuation_db` and :func:`kaiser_transition_hz` are
  Kaiser's design rule, to check against a measured response;
* :func:`torchaudio_variants` turns ``torchaudio.functional.resample`` settings into black
  boxes.

Their plots are in :mod:`helpers.kernel_plots`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.signal
import torch

from .validation import ArrayLike, amplitude_db, check_sample_rate, check_seconds

__all__ = [
    "ResponseQuality", "kaiser_attenuation_db", "kaiser_beta",
    "kaiser_transition_hz", "kernel_response_db",
    "probe_response", "resampler_kernel", "response_quality", "response_table",
    "torchaudio_variants", "worst_aliasing"
]


def resampler_kernel(
    resample: Callable[[torch.Tensor], ArrayLike],
    orig_rate: int,
    new_rate: int,
    *,
    span_s: float = 0.005,
) -> tuple[np.ndarray, np.ndarray]:
    """The interpolation kernel of a resampler, probed with impulses (works for any
    linear resampler, used as a black box).

    Used in: 01a · inside a resampler, §2, §3; 03a · measuring a resampler, §6.

    Output sample ``j`` of a resampler fed a unit impulse at input sample ``k`` is the
    kernel's value at the time offset ``j / new_rate - k / orig_rate``. Impulses at
    ``orig_rate / gcd`` consecutive positions visit every offset on a grid of
    ``1 / lcm(orig_rate, new_rate)`` seconds.

    Parameters
    ----------
    resample : maps a ``(batch, frames)`` float64 tensor at ``orig_rate`` to
        ``(batch, frames')`` at ``new_rate``, e.g. ``lambda x: AF.resample(x, 48000, 32000)``.
    span_s : how far the kernel is probed on each side of its centre, in seconds.

    Returns
    -------
    ``(times_s, kernel)``: offsets in seconds, sorted, and the kernel's values there as
    the resampler applies them (taken every ``1 / orig_rate`` they sum to its gain at 0 Hz).
    """
    orig_rate = check_sample_rate(orig_rate, "orig_rate")
    new_rate = check_sample_rate(new_rate, "new_rate")
    check_seconds(span_s, "span_s", positive=True)
    phases = orig_rate // math.gcd(orig_rate, new_rate)
    centre = 2 * math.ceil(span_s * orig_rate) + phases
    impulses = torch.zeros(phases, 2 * centre + 1, dtype=torch.float64)
    positions = centre + np.arange(phases)
    impulses[np.arange(phases), positions] = 1.0
    responses = resample(impulses)
    if isinstance(responses, torch.Tensor):
        responses = responses.detach().cpu().double().numpy()
    responses = np.asarray(responses, dtype=np.float64)
    if responses.ndim != 2 or responses.shape[0] != phases:
        raise ValueError(
            f"resample must map a ({phases}, frames) batch to ({phases}, frames'), got shape "
            f"{responses.shape}"
        )
    offsets = np.arange(responses.shape[1])[None, :] / new_rate - positions[:, None] / orig_rate
    keep = np.abs(offsets) <= span_s
    order = np.argsort(offsets[keep], kind="stable")
    return offsets[keep][order], responses[keep][order]


def kernel_response_db(
    times_s: np.ndarray, kernel: np.ndarray, *, n_fft: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Frequency response (dB re. 0 Hz) of a kernel sampled on an even time grid.

    Used in: 01a · inside a resampler, §2, §3; 03a · measuring a resampler, §6.

    Returns ``(freqs_hz, gain_db)`` up to half the grid's rate, zero-padded to
    ``n_fft`` points (default: at least 65536) so the curve is smooth. Nothing is
    clamped but at the package's dB floor (-200 dB, :data:`helpers.validation.DB_FLOOR`).
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 1 or kernel.size < 2:
        raise ValueError(f"kernel must be 1-D with at least 2 values, got shape {kernel.shape}")
    total = float(np.sum(kernel))
    if total == 0:
        raise ValueError("the kernel sums to zero: it has no gain at 0 Hz to compare with")
    step = float(times_s[1] - times_s[0])
    size = n_fft or 1 << max(16, math.ceil(math.log2(kernel.size)) + 2)
    freqs, response = scipy.signal.freqz(kernel, worN=size // 2 + 1, include_nyquist=True,
                                         fs=1.0 / step)
    return freqs, amplitude_db(np.abs(response) / abs(total))


def probe_response(
    resample: Callable[[torch.Tensor], ArrayLike],
    orig_rate: int,
    new_rate: int,
    *,
    span_s: float = 0.02,
) -> tuple[np.ndarray, np.ndarray]:
    """The exact magnitude response of a linear resampler, from its impulse-probed kernel.

    Used in: 03 · Resampling, §2; 03a · measuring a resampler, §1, §2, §3, §4, §5.

    :func:`resampler_kernel` (``resample`` maps a ``(batch, frames)`` float64 tensor to
    ``(batch, frames')``, a tensor or an array) and then :func:`kernel_response_db`. No
    sweep is involved, so nothing but the float64 rounding of the probe limits how deep a
    stop band it shows. ``span_s`` (s, each side) must cover the whole kernel: 20 ms by
    default, more than soxr VHQ needs at 8 kHz and above.

    Returns
    -------
    freqs_hz, gain_db : numpy.ndarray
        Gain (dB re. the gain at 0 Hz) up to ``lcm(orig_rate, new_rate) / 2``.
    """
    times, kernel = resampler_kernel(resample, orig_rate, new_rate, span_s=span_s)
    return kernel_response_db(times, kernel)


def worst_aliasing(
    freqs_hz: np.ndarray,
    gain_db: np.ndarray,
    *,
    orig_rate: int,
    new_rate: int,
    guard: float = 0.02,
) -> tuple[float, float]:
    """The loudest alias of a downsampler: its largest gain between ``(1 + guard)`` times
    the new Nyquist frequency and the original Nyquist frequency.

    Every input frequency in that range folds back into the new band at the level of the
    resampler's gain there. The guard band (2 % by default: 16 to 16.32 kHz at 32 kHz)
    leaves out the frequencies that fold onto the top 2 % of the new band.

    Returns
    -------
    level_db, at_hz : float
        The largest gain (dB) and the input frequency (Hz) where it occurs.
    """
    if not new_rate < orig_rate:
        raise ValueError(f"aliasing is a downsampler's: need new_rate < orig_rate, got "
                         f"{new_rate} and {orig_rate}")
    if not 0 <= guard < orig_rate / new_rate - 1:
        raise ValueError(f"guard must be >= 0 and leave some band above the new Nyquist "
                         f"frequency, got {guard}")
    freqs_hz = np.asarray(freqs_hz, dtype=np.float64)
    gain_db = np.asarray(gain_db, dtype=np.float64)
    chosen = (freqs_hz >= new_rate / 2 * (1 + guard)) & (freqs_hz <= orig_rate / 2)
    if not np.any(chosen):
        raise ValueError("the response has no frequencies in the aliasing range; probe it "
                         "with a finer grid")
    index = int(np.argmax(np.where(chosen, gain_db, -np.inf)))
    return float(gain_db[index]), float(freqs_hz[index])


def kaiser_beta(attenuation_db: float) -> float:
    """Kaiser's rule for the window's ``beta`` that gives a stop band ``attenuation_db``
    below the pass band (Kaiser 1974; as in ``scipy.signal.kaiser_beta``):
    ``0.1102 (A - 8.7)`` above 50 dB, ``0.5842 (A - 21)**0.4 + 0.07886 (A - 21)`` from
    21 to 50 dB, 0 below.

    Used in: 03a · measuring a resampler, §4.

    Examples
    --------
    >>> from helpers import kernels
    >>> round(kernels.kaiser_beta(80.0), 3)  # 0.1102 (80 - 8.7)
    7.857
    """
    return float(scipy.signal.kaiser_beta(float(attenuation_db)))


def kaiser_attenuation_db(beta: float) -> float:
    """The stop-band attenuation (dB) Kaiser's rule promises for ``beta``: the inverse of
    :func:`kaiser_beta`, for ``beta`` above 4.55 (attenuation above 50 dB).
    """
    if beta <= 0.1102 * (50 - 8.7):
        raise ValueError(f"the inverse holds for beta above 4.55 (50 dB), got {beta}")
    return beta / 0.1102 + 8.7


def kaiser_transition_hz(attenuation_db: float, kernel_s: float) -> float:
    """Kaiser's rule for the transition width (Hz) of a windowed-sinc low-pass filter whose
    kernel lasts ``kernel_s`` seconds and whose stop band is ``attenuation_db`` down:
    ``(A - 7.95) / (2.285 * 2 pi * kernel_s)``. The band is centred on the sinc's cut-off
    (its -6 dB point).

    Used in: 03a · measuring a resampler, §4.
    """
    if kernel_s <= 0:
        raise ValueError(f"kernel_s must be positive, got {kernel_s}")
    return (float(attenuation_db) - 7.95) / (2.285 * 2 * math.pi * kernel_s)


@dataclass(frozen=True)
class ResponseQuality:
    """What :func:`response_quality` read off an exact (impulse-probed) response.

    Attributes
    ----------
    aliasing_db : float
        The loudest alias beyond the guard band (:func:`worst_aliasing`), dB re. 0 Hz.
    aliasing_hz : float
        The input frequency where it occurs.
    nyquist_aliasing_db : float
        The loudest alias from the new Nyquist frequency itself (no guard band): what a
        stop band that "begins at Nyquist", as libsoxr specifies its own, must hold.
    passband_loss_db : float
        Attenuation at ``passband_hz`` (positive = quieter).
    passband_hz : float
        Where the loss is read (a fraction of the new Nyquist frequency).
    edge_hz : float
        The first frequency at which the gain leaves +-0.1 dB (the flat pass band's end).
    cutoff_hz : float
        The first frequency at which the gain falls below -6 dB.
    """

    aliasing_db: float
    aliasing_hz: float
    nyquist_aliasing_db: float
    passband_loss_db: float
    passband_hz: float
    edge_hz: float
    cutoff_hz: float


def response_quality(
    freqs_hz: np.ndarray,
    gain_db: np.ndarray,
    *,
    orig_rate: int,
    new_rate: int,
    guard: float = 0.02,
    passband_fraction: float = 0.9,
) -> ResponseQuality:
    """Aliasing, pass-band loss, flat-band edge and cut-off of a downsampler's exact
    response (from :func:`probe_response`).

    Used in: 03 · Resampling, §2; 03a · measuring a resampler, §2, §4, §5, §6.
    """
    if not 0 < passband_fraction < 1:
        raise ValueError(f"passband_fraction must be in (0, 1), got {passband_fraction}")
    level, at = worst_aliasing(freqs_hz, gain_db, orig_rate=orig_rate, new_rate=new_rate,
                               guard=guard)
    passband_hz = passband_fraction * new_rate / 2
    strict, _ = worst_aliasing(freqs_hz, gain_db, orig_rate=orig_rate, new_rate=new_rate,
                               guard=0.0)
    return ResponseQuality(
        aliasing_db=level,
        aliasing_hz=at,
        nyquist_aliasing_db=strict,
        passband_loss_db=-float(np.interp(passband_hz, freqs_hz, gain_db)) + 0.0,
        passband_hz=passband_hz,
        edge_hz=float(freqs_hz[np.argmax(np.abs(gain_db) > 0.1)]),
        cutoff_hz=float(freqs_hz[np.argmax(gain_db < -6.0)]),
    )


def response_table(results: dict[str, ResponseQuality]) -> str:
    """A text table of :class:`ResponseQuality` values, one row per name (levels to 0.1 dB,
    frequencies to 10 Hz).
    """
    if not results:
        raise ValueError("results is empty: pass {name: response_quality(...)}")
    first = next(iter(results.values()))
    width = max(len(name) for name in results)
    loss = f"loss at {first.passband_hz / 1000:.3g} kHz"
    lines = [
        f"{'':{width}}  {'worst alias':>11}  {'at':>6}  {'from Nyquist':>12}  {loss:>16}"
        f"  {'±0.1 dB to':>10}  {'-6 dB at':>8}",
        f"{'':{width}}  {'(dB)':>11}  {'(Hz)':>6}  {'(dB)':>12}  {'(dB)':>16}  {'(Hz)':>10}"
        f"  {'(Hz)':>8}",
    ]
    for name, quality in results.items():
        lines.append(
            f"{name:{width}}  {round(quality.aliasing_db, 1) + 0.0:11.1f}"
            f"  {round(quality.aliasing_hz, -1):6.0f}"
            f"  {round(quality.nyquist_aliasing_db, 1) + 0.0:12.1f}"
            f"  {round(quality.passband_loss_db, 2) + 0.0:16.2f}"
            f"  {round(quality.edge_hz, -1):10.0f}  {round(quality.cutoff_hz, -1):8.0f}"
        )
    return "\n".join(lines)


def torchaudio_variants(
    settings: dict[str, dict], orig_rate: int, new_rate: int
) -> dict[str, Callable[[torch.Tensor], torch.Tensor]]:
    """``torchaudio.functional.resample`` from ``orig_rate`` to ``new_rate`` with each
    entry's keyword arguments, as black-box resamplers (for :func:`probe_response`,
    :func:`helpers.kernel_plots.compare_kernels` or a sweep).

    Used in: 03 · Resampling, §3; 03a · measuring a resampler, §4, §5, §6.
    """
    import torchaudio.functional as AF

    orig_rate = check_sample_rate(orig_rate, "orig_rate")
    new_rate = check_sample_rate(new_rate, "new_rate")
    return {
        name: (lambda batch, kwargs=kwargs: AF.resample(batch, orig_rate, new_rate, **kwargs))
        for name, kwargs in settings.items()
    }
