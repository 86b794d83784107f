"""Resamplers side by side: speed (ms per second of audio) and aliasing.

Speed: 10 s of float32 noise, one thread, the median of several repeats after a
warm-up call. Aliasing: the worst alias beyond a 2 % guard band above the new
Nyquist frequency, read off each resampler's exact frequency response (its kernel
probed with impulses, :func:`helpers.kernels.probe_response`; floor far below
-200 dB), as notebook 03 ranks them. Beside it, the independent check: the same
worst case read off a 15 s float64 sine sweep
(:func:`helpers.resampling.measure_resampling`). The sweep has no fixed floor: near the
transition band it reads each resampler's own ringing smeared in time, and its 1/48-octave
window can read a few dB below a side lobe's peak, so it agrees with the exact value within
a few dB where it is slow enough (notebook 03a, section 2).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

CONVERSIONS = ((48_000, 32_000), (44_100, 16_000))
SPEED_SECONDS = 10.0
#: The slow sweep of the independent check (about 1.3 s per octave).
SWEEP_SECONDS = 15.0


@dataclass
class ResamplerResult:
    name: str
    source_rate: int
    target_rate: int
    ms_per_second: float
    aliasing_db: float
    sweep_aliasing_db: float = float("nan")
    error: str = ""


def resamplers(source: int, target: int) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Each resampler as ``numpy in -> numpy out``, from ``source`` to ``target`` Hz, for
    ``(batch, frames)`` arrays (the layout the kernel probe feeds)."""
    import librosa
    import scipy.signal
    import soxr
    import torch
    import torchaudio.functional as AF
    import torchaudio.transforms as T

    kaiser = dict(lowpass_filter_width=64, rolloff=0.95, resampling_method="sinc_interp_kaiser",
                  beta=8.6)
    hann = dict(lowpass_filter_width=6, resampling_method="sinc_interp_hann")
    cached = {}

    def transform(name, kwargs):
        def run(y: np.ndarray) -> np.ndarray:
            key = (name, y.dtype.str)
            if key not in cached:  # the kernel is made once, as a Resample module keeps it
                dtype = torch.float64 if y.dtype == np.float64 else torch.float32
                cached[key] = T.Resample(source, target, dtype=dtype, **kwargs)
            return cached[key](torch.as_tensor(y)).numpy()
        return run

    divisor = math.gcd(source, target)
    found = {
        "torchaudio sinc_interp_hann w6": lambda y: AF.resample(
            torch.as_tensor(y), source, target, **hann).numpy(),
        "torchaudio sinc_interp_hann w6, Resample (kernel cached)": transform("hann", hann),
        "torchaudio sinc_interp_kaiser w64 (rolloff 0.95, beta 8.6)": lambda y: AF.resample(
            torch.as_tensor(y), source, target, **kaiser).numpy(),
        "torchaudio sinc_interp_kaiser w64, Resample (kernel cached)": transform("kaiser", kaiser),
        # soxr takes (frames, channels): a (batch, frames) array goes in and out transposed.
        "soxr HQ": lambda y: soxr.resample(y.T, source, target, quality="HQ").T,
        "soxr VHQ": lambda y: soxr.resample(y.T, source, target, quality="VHQ").T,
        "scipy.signal.resample_poly": lambda y: scipy.signal.resample_poly(
            y, target // divisor, source // divisor, axis=-1),
        "librosa soxr_hq": lambda y: librosa.resample(
            y, orig_sr=source, target_sr=target, res_type="soxr_hq", axis=-1),
    }
    try:
        import resampy  # noqa: F401 (librosa's kaiser resamplers need it)
    except ImportError:
        pass
    else:
        for res_type in ("kaiser_best", "kaiser_fast"):
            found[f"librosa {res_type}"] = lambda y, res_type=res_type: librosa.resample(
                y, orig_sr=source, target_sr=target, res_type=res_type, axis=-1)
    return found


def _speed(resample: Callable[[np.ndarray], np.ndarray], signal: np.ndarray, repeats: int,
           seconds: float) -> float:
    from numpy import median

    resample(signal)  # warm-up: numba compiles resampy's loop, caches fill
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        resample(signal)
        times.append(time.perf_counter() - start)
    return 1000 * float(median(times)) / seconds


def _as_numpy(resample: Callable[[np.ndarray], np.ndarray]) -> Callable:
    """``resample`` fed a numpy array, for the kernel probe that passes tensors."""
    return lambda batch: resample(np.asarray(batch))


def run(repeats: int = 5) -> list[ResamplerResult]:
    import torch

    from helpers import kernels, resampling, sweeps

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    results = []
    try:
        for source, target in CONVERSIONS:
            rng = np.random.default_rng(0)
            noise = (0.1 * rng.standard_normal(round(SPEED_SECONDS * source))).astype(np.float32)
            sweep = sweeps.log_sweep(source, duration_s=SWEEP_SECONDS, fade_s=0.05)
            signal = sweep.waveform.numpy()
            for name, resample in resamplers(source, target).items():
                try:
                    speed = _speed(resample, noise, repeats, SPEED_SECONDS)
                    response = kernels.probe_response(_as_numpy(resample), source, target)
                    exact = kernels.worst_aliasing(*response, orig_rate=source,
                                                   new_rate=target)[0]
                    output = np.asarray(resample(signal))
                    swept = resampling.measure_resampling(output, target, sweep).aliasing_db
                except Exception as error:
                    results.append(ResamplerResult(name, source, target, float("nan"),
                                                   float("nan"), error=type(error).__name__))
                    continue
                results.append(ResamplerResult(name, source, target, speed, exact, swept))
    finally:
        torch.set_num_threads(threads)
    return results
