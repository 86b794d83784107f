"""Lossy codecs as an augmentation, without FFmpeg: round trips in memory with ``soundfile``.

torchaudio 2.9 removed ``apply_codec`` and ``AudioEffector``, which encoded and decoded a
tensor through FFmpeg (or sox). The libsndfile inside the ``soundfile`` wheel (1.2.2 here)
writes and reads MP3 (LAME and mpg123), Ogg Vorbis and Opus itself, and ``io.BytesIO``
keeps the whole round trip in memory. μ-law at 8 bits, the telephone codec, is
``torchaudio.functional.mu_law_encoding`` / ``mu_law_decoding``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import soundfile
import torch
import torchaudio.functional as AF

from ..validation import OPUS_RATES, ArrayLike, as_waveform, check_count, check_sample_rate

#: Codec name -> (libsndfile format, subtype).
CODECS: dict[str, tuple[str, str]] = {
    "mp3": ("MP3", "MPEG_LAYER_III"),
    "vorbis": ("OGG", "VORBIS"),
    "opus": ("OGG", "OPUS"),
}
BITRATE_MODES = ("CONSTANT", "AVERAGE", "VARIABLE")


@dataclass(frozen=True)
class RoundTrip:
    """A codec round trip: the decoded audio and what the encoded stream cost.

    ``waveform`` is float32 ``(channels, frames)`` as the decoder returned it (not aligned:
    see :func:`find_delay`); ``encoded_bytes`` the size of the stream (container included);
    ``kbps`` that size over the input's duration.
    """

    codec: str
    compression_level: float
    waveform: torch.Tensor
    encoded_bytes: int
    kbps: float


def codec_round_trip(
    waveform: ArrayLike,
    sample_rate: int,
    *,
    codec: str,
    compression_level: float = 0.5,
    bitrate_mode: str | None = None,
) -> RoundTrip:
    """Encode ``waveform`` with a lossy codec in memory and decode it again.

    Used in: 05a · codecs, §1.

    Parameters
    ----------
    waveform : (channels, frames) or (frames,) tensor or array
        Audio in [-1, 1].
    sample_rate : int
        Its rate in Hz. Opus accepts only 8, 12, 16, 24 or 48 kHz.
    codec : {"mp3", "vorbis", "opus"}
        The codec (``"mulaw"`` is :func:`mu_law_round_trip`).
    compression_level : float in [0, 1)
        libsndfile's scale: 0 is the highest bitrate, towards 1 the lowest.
    bitrate_mode : {"CONSTANT", "AVERAGE", "VARIABLE"} or None
        MP3 only (libsndfile refuses it for Ogg); ``None`` keeps the encoder's default.

    Returns
    -------
    RoundTrip
    """
    sample_rate = check_sample_rate(sample_rate)
    if codec not in CODECS:
        raise ValueError(
            f"codec must be one of {sorted(CODECS)} (or use mu_law_round_trip), got {codec!r}"
        )
    level = float(compression_level)
    if not 0.0 <= level < 1.0:
        raise ValueError(f"compression_level must be in [0, 1), got {compression_level!r}")
    if bitrate_mode is not None and (codec != "mp3" or bitrate_mode not in BITRATE_MODES):
        raise ValueError(
            f"bitrate_mode must be None, or one of {BITRATE_MODES} for mp3; "
            f"got {bitrate_mode!r} for {codec}"
        )
    if codec == "opus" and sample_rate not in OPUS_RATES:
        raise ValueError(
            f"Opus encodes only at {OPUS_RATES} Hz, got {sample_rate}; resample first "
            "(torchaudio.functional.resample)"
        )
    data = as_waveform(waveform, tensor=True).detach().float().cpu()
    file_format, subtype = CODECS[codec]
    buffer = io.BytesIO()
    options = {"bitrate_mode": bitrate_mode} if bitrate_mode else {}
    soundfile.write(
        buffer, np.clip(data.T.numpy(), -1.0, 1.0), sample_rate, format=file_format,
        subtype=subtype, compression_level=level, **options,
    )
    size = buffer.tell()
    buffer.seek(0)
    decoded, _ = soundfile.read(buffer, dtype="float32", always_2d=True)
    seconds = data.shape[-1] / sample_rate
    return RoundTrip(
        codec=codec,
        compression_level=level,
        waveform=torch.from_numpy(np.ascontiguousarray(decoded.T)),
        encoded_bytes=size,
        kbps=size * 8 / seconds / 1000,
    )


def mu_law_round_trip(waveform: ArrayLike, *, bits: int = 8) -> torch.Tensor:
    """Quantise to ``bits``-bit μ-law codes and expand again (G.711's μ-law is 8 bits).

    Used in: 05a · codecs, §1.

    μ-law spends its codes logarithmically: quiet samples get fine steps, loud ones
    coarse steps, so the error is roughly proportional to the signal (about 38 dB SNR
    at 8 bits for speech at a normal level) instead of fixed.
    """
    if check_count(bits, "bits", minimum=2) > 16:
        raise ValueError(f"bits must be a whole number from 2 to 16, got {bits!r}")
    data = as_waveform(waveform, tensor=True).float()
    channels = 2**bits
    codes = AF.mu_law_encoding(data.clamp(-1.0, 1.0), channels)
    return AF.mu_law_decoding(codes, channels)


def find_delay(
    reference: ArrayLike, processed: ArrayLike, *, max_lag: int | None = None
) -> int:
    """Delay of ``processed`` against ``reference`` in samples, from their cross-correlation.

    Used in: 05 · Augmentation at training time, §1; 05a · codecs, §1; 05c · scale-out, §3.

    Positive: ``processed`` lags (an encoder's look-ahead and padding). Channels are
    summed first. ``max_lag`` bounds the search to ``|lag| <= max_lag``.
    """
    a = as_waveform(reference, "reference", tensor=True).double().sum(dim=0)
    b = as_waveform(processed, "processed", tensor=True).double().sum(dim=0)
    size = a.shape[-1] + b.shape[-1] - 1
    n = 1 << (size - 1).bit_length()
    correlation = torch.fft.irfft(torch.fft.rfft(b, n) * torch.fft.rfft(a, n).conj(), n)
    # Index k holds lag k for k < len(b), and lag k - n (negative) beyond.
    lags = torch.arange(n)
    lags = torch.where(lags < b.shape[-1], lags, lags - n)
    valid = (lags > -a.shape[-1]) & (lags < b.shape[-1])
    if max_lag is not None:
        valid &= lags.abs() <= int(max_lag)
    correlation = torch.where(valid, correlation, torch.tensor(-torch.inf, dtype=torch.float64))
    return int(lags[int(torch.argmax(correlation))])


def align(processed: ArrayLike, delay: int, frames: int) -> torch.Tensor:
    """``processed`` shifted earlier by ``delay`` samples and cut (or zero-padded) to ``frames``.

    Used in: 05a · codecs, §1.
    """
    data = as_waveform(processed, "processed", tensor=True)
    if delay >= 0:
        data = data[:, delay:]
    else:
        data = torch.nn.functional.pad(data, (-delay, 0))
    if data.shape[-1] < frames:
        data = torch.nn.functional.pad(data, (0, frames - data.shape[-1]))
    return data[:, :frames]


def bandwidth_hz(
    reference: ArrayLike,
    processed: ArrayLike,
    sample_rate: int,
    *,
    drop_db: float = 20.0,
    n_fft: int = 512,
    f_min: float = 500.0,
) -> float:
    """The frequency where the processed average spectrum first falls ``drop_db`` below
    the reference's, scanning up from ``f_min`` (the codec's low-pass edge).

    Used in: 05a · codecs, §1.

    Both spectra are Welch averages (:func:`helpers.average_spectrum`); the two signals
    must be aligned and equally long. Returns the Nyquist frequency when nothing falls
    that far.
    """
    from ..measure import average_spectrum

    sample_rate = check_sample_rate(sample_rate)
    freqs, before_db = average_spectrum(reference, sample_rate, n_fft=n_fft)
    _, after_db = average_spectrum(processed, sample_rate, n_fft=n_fft)
    ratio = np.convolve(after_db - before_db, np.ones(3) / 3, mode="same")  # 3-bin smoothing
    below = np.flatnonzero((freqs >= f_min) & (ratio <= -drop_db) & (freqs < sample_rate / 2))
    return float(freqs[below[0]]) if below.size else sample_rate / 2
