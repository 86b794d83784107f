"""The course's recordings: a registry, verified fetching, and loading and saving audio.

Every recording the notebooks use is bundled in the repository's ``_assets/``
folder and checked against its SHA-256 before use, so the course runs offline.
A file that is missing is downloaded (with a progress bar) from its original
URL into a cache folder through :mod:`pooch`, which writes to a temporary file
and moves it into place only once its checksum matches: a failed or corrupt
download never leaves a file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pooch
import requests
import soundfile
import torch
import torchaudio.functional as AF

from .validation import as_waveform, check_sample_rate

__all__ = [
    "REGISTRY",
    "Asset",
    "AssetError",
    "AssetMissingError",
    "ChecksumMismatchError",
    "DownloadError",
    "asset_path",
    "bundled_dir",
    "cache_dir",
    "load_audio",
    "register",
    "save_audio",
]

_TUTORIAL_ASSETS = "https://pytorch-tutorial-assets.s3.amazonaws.com"
_VOICES = "CC BY 4.0, VOiCES corpus (Lab41, In-Q-Tel and SRI International)"


class AssetError(RuntimeError):
    """A recording could not be provided; the message says why and what to do."""


class AssetMissingError(AssetError, FileNotFoundError):
    """The file is not on disk and cannot be downloaded (no URL, or offline mode)."""


class ChecksumMismatchError(AssetError, ValueError):
    """A file's SHA-256 differs from the registered one."""

    def __init__(self, message: str, expected: str, actual: str | None) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class DownloadError(AssetError, ConnectionError):
    """Downloading failed: HTTP error, time-out, cut-short body or no network."""


@dataclass(frozen=True)
class Asset:
    """One registered recording.

    Attributes
    ----------
    name : short key used in the notebooks, e.g. ``"speech"``.
    filename : file name in ``_assets/`` and in the download cache.
    sha256 : expected SHA-256 of the file, or ``None`` to skip verification.
    url : where a missing file is downloaded from, or ``None`` (bundled only).
    description : what the recording is.
    credit : licence and author, as the licence requires them to be shown.
    """

    name: str
    filename: str
    sha256: str | None
    url: str | None
    description: str = ""
    credit: str = ""


REGISTRY: dict[str, Asset] = {
    asset.name: asset
    for asset in (
        Asset(
            "speech",
            "Lab41-SRI-VOiCES-src-sp0307-ch127535-sg0042.wav",
            "c65fcd726d6b08c82c1e5dc7558f863cd8d483e3ed2f4a7bcf271dc1865ada14",
            f"{_TUTORIAL_ASSETS}/VOiCES_devkit/source-16k/train/sp0307/"
            "Lab41-SRI-VOiCES-src-sp0307-ch127535-sg0042.wav",
            "clean read speech, 16 kHz mono, 3.4 s: "
            '"I had that curiosity beside me at this moment"',
            _VOICES,
        ),
        Asset(
            "babble",
            "Lab41-SRI-VOiCES-rm1-babb-mc01-stu-clo.wav",
            "ea4bf547280c5f950c853682bfd52bf9ff3ab7c3b4c075e687dff59f9e459243",
            f"{_TUTORIAL_ASSETS}/VOiCES_devkit/distant-16k/distractors/rm1/babb/"
            "Lab41-SRI-VOiCES-rm1-babb-mc01-stu-clo.wav",
            "babble (background talkers) recorded in room 1, 16 kHz mono, 5.0 s",
            _VOICES,
        ),
        Asset(
            "rir",
            "Lab41-SRI-VOiCES-rm1-impulse-mc01-stu-clo.wav",
            "391cb0a087b41e4a798f38f2df4be6fcbd7acaa7c45ace7c6ad12003226725bb",
            f"{_TUTORIAL_ASSETS}/VOiCES_devkit/distant-16k/room-response/rm1/impulse/"
            "Lab41-SRI-VOiCES-rm1-impulse-mc01-stu-clo.wav",
            "measured room impulse response of room 1, 16 kHz mono, 2.0 s",
            _VOICES,
        ),
        Asset(
            "whistle",
            "steam-train-whistle-daniel_simon.wav",
            "762b6783be7f20aa8be03812eeb33184bb5b1497db7422607a70b5d441fc45e9",
            f"{_TUTORIAL_ASSETS}/steam-train-whistle-daniel_simon.wav",
            "steam train whistle, 44.1 kHz stereo, 2.5 s",
            'CC BY 3.0, Daniel Simion ("Steam Train Whistle", soundbible.com)',
        ),
        Asset(
            "arctic",
            "arctic_a0007.wav",
            "1b850392f8c87ee2efe5a686523f1bab61d2a38d59bc43d1127e17e406f9e57d",
            None,
            "clean read speech by a second speaker (US English), 16 kHz mono, 4.0 s",
            "CMU ARCTIC licence, Carnegie Mellon University (_assets/CMU_ARCTIC_COPYING.txt)",
        ),
        Asset(
            "digits",
            "fsdd-recordings.zip",
            "9d1623b3b9e12ff3306d640b6d7c20f88968c89469a6f3a41da570f95b529fb0",
            None,
            "Free Spoken Digit Dataset: 3,000 WAV files in one zip, 8 kHz mono, 6 speakers "
            "x 10 digits x 50 (read with helpers.digits, never unpacked)",
            "CC BY-SA 4.0, Free Spoken Digit Dataset (FSDD), Zohar Jackson et al.",
        ),
    )
}


def bundled_dir() -> Path:
    """Folder of the bundled recordings: ``$AUDIO_COURSE_ASSETS`` or the repo's ``_assets/``."""
    override = os.environ.get("AUDIO_COURSE_ASSETS")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "_assets"


def cache_dir() -> Path:
    """Folder for downloaded recordings: ``$AUDIO_COURSE_CACHE`` or the user cache."""
    override = os.environ.get("AUDIO_COURSE_CACHE")
    return Path(override) if override else Path(pooch.os_cache("audio-course"))


def _offline() -> bool:
    return os.environ.get("AUDIO_COURSE_OFFLINE", "").lower() in {"1", "true", "yes"}


def register(
    name: str,
    url: str,
    *,
    sha256: str | None = None,
    filename: str | None = None,
    description: str = "",
    credit: str = "",
    overwrite: bool = False,
) -> Asset:
    """Register a recording of your own so ``load_audio(name)`` downloads and caches it.

    Parameters
    ----------
    name : key to load it by.
    url : HTTP(S) address of the file.
    sha256 : its expected SHA-256. Strongly advised: without it a changed or
        corrupt file cannot be detected (the hash of the first download is logged).
    filename : name in the cache; defaults to the last part of the URL.
    overwrite : replace an existing registration of the same name.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"url must start with http:// or https:// and name a host, got {url!r}")
    if name in REGISTRY and not overwrite:
        raise ValueError(f"{name!r} is already registered; pass overwrite=True to replace it")
    if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise ValueError(f"sha256 must be 64 hexadecimal characters, got {sha256!r}")
    filename = filename or parts.path.rstrip("/").rsplit("/", 1)[-1]
    if not filename or "/" in filename or filename in {".", ".."}:
        raise ValueError(f"cannot derive a file name from {url!r}; pass filename=")
    asset = Asset(name, filename, sha256 and sha256.lower(), url, description, credit)
    REGISTRY[name] = asset
    return asset


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _lookup(name: str) -> Asset:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(
            f"no recording named {name!r}; registered names: {known}. "
            "Use helpers.register(name, url, sha256=...) to add one of your own."
        ) from None


def asset_path(name: str, *, timeout: float = 30.0, progressbar: bool = True) -> Path:
    """Return the local path of a registered recording, verified by its SHA-256.

    Used in: 01 · Audio effects in torch, §1; 06 · Does augmentation help?, §9; 05c · scale-out, §3.

    The bundled copy in ``_assets/`` is used when present; otherwise the file is
    taken from the cache, or downloaded there from its URL.

    Raises
    ------
    ChecksumMismatchError : the file on disk or the download has the wrong hash.
    AssetMissingError : the file is missing and there is no URL, or offline mode
        (``AUDIO_COURSE_OFFLINE=1``) is on.
    DownloadError : HTTP error, time-out, connection failure or cut-short body.
    """
    asset = _lookup(name)
    bundled = bundled_dir() / asset.filename
    if bundled.is_file():
        if asset.sha256 is not None:
            actual = _sha256(bundled)
            if actual != asset.sha256:
                raise ChecksumMismatchError(
                    f"{bundled} does not match the registered checksum of {name!r}: "
                    f"expected sha256 {asset.sha256}, actual {actual}. The file is damaged "
                    f"or was replaced: restore it (git checkout -- _assets/{asset.filename}) "
                    "or delete it so that it is downloaded again.",
                    asset.sha256,
                    actual,
                )
        return bundled

    target = cache_dir() / asset.filename
    where = f"put the file at {bundled} (or {target})"
    if asset.url is None:
        raise AssetMissingError(
            f"{name!r} ({asset.filename}) is not in {bundled.parent} and has no download URL; "
            f"{where}."
        )
    if _offline() and not target.is_file():
        raise AssetMissingError(
            f"{name!r} ({asset.filename}) is not on disk and offline mode is on "
            f"(AUDIO_COURSE_OFFLINE); {where}, or unset AUDIO_COURSE_OFFLINE to download "
            f"it from {asset.url}."
        )
    return _download(asset, target, where, timeout=timeout, progressbar=progressbar)


def _download(asset: Asset, target: Path, where: str, *, timeout: float, progressbar: bool) -> Path:
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=timeout)
    known_hash = f"sha256:{asset.sha256}" if asset.sha256 else None
    failed = f"downloading {asset.name!r} from {asset.url} failed"
    try:
        path = pooch.retrieve(
            asset.url,
            known_hash=known_hash,
            fname=asset.filename,
            path=target.parent,
            downloader=downloader,
        )
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else "?"
        reason = error.response.reason if error.response is not None else ""
        raise DownloadError(
            f"{failed}: the server answered HTTP {status} {reason}. Check the URL "
            f"(helpers.register(..., overwrite=True) changes it), or {where}."
        ) from error
    except (
        requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError
    ) as error:
        text = str(error)
        if isinstance(error, requests.Timeout) or "timed out" in text.lower():
            problem = f"no answer within the time-out of {timeout:g} s"
        elif (
            isinstance(error, requests.exceptions.ChunkedEncodingError)
            or "IncompleteRead" in text
        ):
            problem = "the connection closed before the whole file arrived"
        else:
            problem = "could not connect (is the network down?)"
        raise DownloadError(f"{failed}: {problem}. Try again later, or {where}.") from error
    except requests.RequestException as error:
        raise DownloadError(f"{failed}: {error}. Try again later, or {where}.") from error
    except ValueError as error:
        match = re.search(r"but got ([0-9a-f]{64})\b", str(error))
        actual = match.group(1) if match else None
        raise ChecksumMismatchError(
            f"{failed}: the downloaded file does not match the registered checksum: "
            f"expected sha256 {asset.sha256}, actual {actual}. Nothing was saved. The file "
            f"on the server changed or the transfer was corrupted; {where}.",
            asset.sha256 or "",
            actual,
        ) from error
    return Path(path)


def load_audio(
    source: str | os.PathLike,
    *,
    channels: int | Sequence[int] | str | None = None,
    offset: float = 0.0,
    duration: float | None = None,
    sample_rate: int | None = None,
) -> tuple[torch.Tensor, int]:
    """Load a registered recording or an audio file as a float32 ``(channels, frames)`` tensor.

    Used in: 01 · Audio effects in torch, §2, §7; 02 · Background noise at a measured SNR, §1, §2,
    §3; 03 · Resampling, §1; 05 · Augmentation at training time, §1; 06 · Does augmentation help?,
    §7; 01a · inside a resampler, §4; 01b · filters in the z-domain, §4; 02a · Measuring a room, §1;
    02b · Levels, §1, §2; 05a · codecs, §2; 05b · simulated rooms, §1.

    Parameters
    ----------
    source : a registered name (``"speech"``, ``"babble"``, ``"rir"``, ``"whistle"``,
        ``"arctic"``) or the path of an audio file that libsndfile reads (WAV, FLAC, OGG...).
    channels : ``None`` keeps every channel; an ``int`` or a list of ints picks channels
        (0-based); ``"mix"`` averages them to mono.
    offset, duration : start and length of the excerpt, in seconds.
    sample_rate : resample to this rate (Hz) with ``torchaudio.functional.resample``.

    Returns
    -------
    waveform : float32 tensor of shape ``(channels, frames)``, values in [-1, 1].
    sample_rate : its sample rate in Hz.
    """
    path = _resolve(source)
    info = soundfile.info(str(path))
    native_rate = int(info.samplerate)
    if offset < 0 or (duration is not None and duration <= 0):
        raise ValueError(
            f"offset must be >= 0 and duration > 0 (seconds), got {offset}, {duration}"
        )
    start = round(offset * native_rate)
    if start >= info.frames:
        raise ValueError(
            f"offset {offset} s is past the end of {path.name} ({info.frames / native_rate:.3f} s)"
        )
    frames = -1 if duration is None else round(duration * native_rate)
    data, _ = soundfile.read(str(path), start=start, frames=frames, dtype="float32", always_2d=True)
    waveform = torch.from_numpy(np.ascontiguousarray(data.T))
    waveform = _pick_channels(waveform, channels, path.name)
    if sample_rate is None:
        return waveform, native_rate
    sample_rate = check_sample_rate(sample_rate)
    if sample_rate != native_rate:
        waveform = AF.resample(waveform, native_rate, sample_rate)
    return waveform, sample_rate


def _resolve(source: str | os.PathLike) -> Path:
    if isinstance(source, str) and source in REGISTRY:
        return asset_path(source)
    path = Path(source)
    if path.is_file():
        return path
    known = ", ".join(sorted(REGISTRY))
    raise FileNotFoundError(
        f"{str(source)!r} is neither a registered recording ({known}) nor an existing file"
    )


def _pick_channels(waveform: torch.Tensor, channels: object, filename: str) -> torch.Tensor:
    count = waveform.shape[0]
    if channels is None:
        return waveform
    if channels == "mix":
        return waveform.mean(dim=0, keepdim=True)
    if isinstance(channels, str):
        raise ValueError(
            f"channels must be None, an int, a list of ints or 'mix', got {channels!r}"
        )
    wanted = [channels] if isinstance(channels, int) else list(channels)
    bad = [c for c in wanted if not isinstance(c, int) or not -count <= c < count]
    if bad or not wanted:
        raise ValueError(
            f"{filename} has {count} channel(s), numbered 0 to {count - 1}; "
            f"cannot pick {channels!r}"
        )
    return waveform[wanted]


def save_audio(
    path: str | os.PathLike, waveform: torch.Tensor | np.ndarray, sample_rate: int, *,
    subtype: str = "PCM_16",
) -> Path:
    """Write ``(channels, frames)`` audio to ``path`` atomically (temporary file, then rename).

    Samples outside [-1, 1] would clip in a PCM file, so they raise ``ValueError``
    instead of being silently distorted.
    """
    sample_rate = check_sample_rate(sample_rate)
    data = as_waveform(waveform, tensor=True).detach().cpu().numpy()
    peak = float(np.abs(data).max())
    if subtype.startswith("PCM") and peak > 1.0:
        raise ValueError(
            f"peak amplitude is {peak:.3f}, above full scale (1.0): a {subtype} file would clip. "
            "Scale the audio down first, e.g. waveform / waveform.abs().max()"
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        soundfile.write(temporary, data.T, sample_rate, subtype=subtype, format=_format_of(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _format_of(path: Path) -> str:
    extension = path.suffix.lstrip(".").upper()
    if extension not in soundfile.available_formats():
        raise ValueError(f"cannot write {path.name!r}: use a .wav, .flac or .ogg file name")
    return extension
