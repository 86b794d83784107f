"""Griffin-Lim, 32 iterations on the bundled speech: torchaudio against librosa.

Both start from a zero phase with momentum 0.99 (fast Griffin-Lim), on the
magnitude of a 512-point STFT with hop 128 (notebook 04's settings), one thread;
the median of several repeats after a warm-up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

N_FFT, HOP, ITERATIONS = 512, 128, 32


@dataclass
class GriffinLimResult:
    torchaudio_s: float
    librosa_s: float
    audio_s: float

    @property
    def ratio(self) -> float:
        return self.torchaudio_s / self.librosa_s


def run(repeats: int = 5) -> GriffinLimResult:
    import librosa
    import numpy as np
    import torch
    import torchaudio.transforms as T
    from numpy import median

    import helpers

    speech, sample_rate = helpers.load_audio("speech")
    frames = speech.shape[-1]
    window = torch.hann_window(N_FFT)
    magnitude = torch.stft(speech, N_FFT, HOP, window=window, return_complex=True).abs()
    magnitude_np = magnitude[0].numpy().astype(np.float32)
    transform = T.GriffinLim(n_fft=N_FFT, hop_length=HOP, power=1.0, n_iter=ITERATIONS,
                             momentum=0.99, length=frames, rand_init=False)

    def with_torchaudio():
        return transform(magnitude)

    def with_librosa():
        return librosa.griffinlim(magnitude_np, n_iter=ITERATIONS, hop_length=HOP, n_fft=N_FFT,
                                  momentum=0.99, init=None, length=frames)

    def timed(function) -> float:
        function()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return float(median(times))

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return GriffinLimResult(timed(with_torchaudio), timed(with_librosa), frames / sample_rate)
    finally:
        torch.set_num_threads(threads)
