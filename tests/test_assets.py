"""The recording registry, verified downloads, and loading and saving audio."""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import shutil
import socket
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile
import torch

import helpers
from helpers import assets

ASSETS_DIR = Path(__file__).resolve().parent.parent / "_assets"

#: name -> (sample rate, channels, frames) of each bundled recording.
EXPECTED_AUDIO = {
    "speech": (16000, 1, 54400),
    "babble": (16000, 1, 80000),
    "rir": (16000, 1, 32000),
    "whistle": (44100, 2, 109368),
    "arctic": (16000, 1, 64000),
}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture(autouse=True)
def restore_registry():
    """Undo every ``register`` a test makes."""
    saved = dict(assets.REGISTRY)
    yield
    assets.REGISTRY.clear()
    assets.REGISTRY.update(saved)


@pytest.fixture
def empty_dirs(tmp_path, monkeypatch):
    """An empty bundled folder and an empty cache, so every asset has to be downloaded."""
    bundled = tmp_path / "bundled"
    cache = tmp_path / "cache"
    bundled.mkdir()
    monkeypatch.setenv("AUDIO_COURSE_ASSETS", str(bundled))
    monkeypatch.setenv("AUDIO_COURSE_CACHE", str(cache))
    monkeypatch.delenv("AUDIO_COURSE_OFFLINE", raising=False)
    return bundled, cache


# --------------------------------------------------------------------------- registry


def test_registry_names():
    assert set(helpers.REGISTRY) == set(EXPECTED_AUDIO) | {"digits"}  # digits: a zip


@pytest.mark.parametrize("name", sorted(EXPECTED_AUDIO))
def test_bundled_file_exists_and_matches_its_checksum(name):
    asset = helpers.REGISTRY[name]
    path = ASSETS_DIR / asset.filename
    assert path.is_file()
    assert asset.sha256 is not None
    assert sha256_of(path.read_bytes()) == asset.sha256


@pytest.mark.parametrize("name", sorted(EXPECTED_AUDIO))
def test_asset_path_returns_the_bundled_file(name):
    path = helpers.asset_path(name)
    assert path.resolve() == (ASSETS_DIR / helpers.REGISTRY[name].filename).resolve()


def test_attribution_mentions_every_bundled_file():
    attribution = (ASSETS_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for asset in helpers.REGISTRY.values():
        assert asset.filename in attribution
        assert asset.sha256 in attribution
    for path in [*ASSETS_DIR.glob("*.wav"), ASSETS_DIR / "CMU_ARCTIC_COPYING.txt"]:
        assert path.is_file()
        assert path.name in attribution, f"{path.name} is not credited in ATTRIBUTION.md"


def test_registered_assets_have_credit_and_description():
    for asset in helpers.REGISTRY.values():
        assert asset.credit
        assert asset.description


def test_asset_path_unknown_name_lists_registered_names():
    with pytest.raises(KeyError, match="speech"):
        helpers.asset_path("no-such-recording")


# --------------------------------------------------------------------------- load_audio


@pytest.mark.parametrize("name", sorted(EXPECTED_AUDIO))
def test_load_audio_shape_dtype_and_rate(name):
    rate, channels, frames = EXPECTED_AUDIO[name]
    waveform, sample_rate = helpers.load_audio(name)
    assert isinstance(waveform, torch.Tensor)
    assert waveform.dtype == torch.float32
    assert waveform.shape == (channels, frames)
    assert sample_rate == rate
    assert isinstance(sample_rate, int)
    assert waveform.abs().max() <= 1.0
    assert waveform.abs().max() > 0.01


def test_load_audio_channels_int_and_list():
    stereo, _ = helpers.load_audio("whistle")
    left, _ = helpers.load_audio("whistle", channels=0)
    right, _ = helpers.load_audio("whistle", channels=1)
    swapped, _ = helpers.load_audio("whistle", channels=[1, 0])
    assert left.shape == (1, stereo.shape[1])
    torch.testing.assert_close(left[0], stereo[0])
    torch.testing.assert_close(right[0], stereo[1])
    torch.testing.assert_close(swapped, stereo.flip(0))


def test_load_audio_channels_mix_is_the_mean():
    stereo, _ = helpers.load_audio("whistle")
    mono, _ = helpers.load_audio("whistle", channels="mix")
    assert mono.shape == (1, stereo.shape[1])
    torch.testing.assert_close(mono, stereo.mean(dim=0, keepdim=True))


@pytest.mark.parametrize("channels", [2, -3, [0, 5], []])
def test_load_audio_bad_channel_names_the_count(channels):
    with pytest.raises(ValueError, match="has 2 channel"):
        helpers.load_audio("whistle", channels=channels)


def test_load_audio_bad_channel_word():
    with pytest.raises(ValueError, match="'mix'"):
        helpers.load_audio("whistle", channels="left")


def test_load_audio_offset_and_duration_in_seconds():
    full, rate = helpers.load_audio("speech")
    excerpt, excerpt_rate = helpers.load_audio("speech", offset=0.5, duration=1.25)
    assert excerpt_rate == rate
    assert excerpt.shape == (1, round(1.25 * rate))
    start = round(0.5 * rate)
    torch.testing.assert_close(excerpt, full[:, start : start + round(1.25 * rate)])
    tail, _ = helpers.load_audio("speech", offset=3.0)
    assert tail.shape == (1, full.shape[1] - 3 * rate)


def test_load_audio_offset_past_the_end():
    with pytest.raises(ValueError, match="past the end"):
        helpers.load_audio("speech", offset=10.0)


@pytest.mark.parametrize(("offset", "duration"), [(-0.1, None), (0.0, 0.0), (0.0, -1.0)])
def test_load_audio_negative_offset_or_duration(offset, duration):
    with pytest.raises(ValueError, match="offset"):
        helpers.load_audio("speech", offset=offset, duration=duration)


def test_load_audio_resamples():
    full, rate = helpers.load_audio("speech")
    resampled, new_rate = helpers.load_audio("speech", sample_rate=8000)
    assert new_rate == 8000
    assert isinstance(new_rate, int)
    assert resampled.dtype == torch.float32
    assert resampled.shape == (1, full.shape[1] * 8000 // rate)
    same, same_rate = helpers.load_audio("speech", sample_rate=16000)
    assert same_rate == 16000
    torch.testing.assert_close(same, full)


def test_load_audio_resample_rate_given_as_float_returns_an_int():
    _, rate = helpers.load_audio("speech", sample_rate=8000.0)
    assert rate == 8000
    assert isinstance(rate, int)


def test_load_audio_bad_resample_rate():
    with pytest.raises(ValueError, match="sample_rate"):
        helpers.load_audio("speech", sample_rate=-8000)


def test_load_audio_from_a_path():
    by_name, rate = helpers.load_audio("speech")
    by_path, path_rate = helpers.load_audio(ASSETS_DIR / helpers.REGISTRY["speech"].filename)
    by_str, _ = helpers.load_audio(str(ASSETS_DIR / helpers.REGISTRY["speech"].filename))
    assert path_rate == rate
    torch.testing.assert_close(by_path, by_name)
    torch.testing.assert_close(by_str, by_name)


@pytest.mark.parametrize("source", ["no-such-recording", "missing/file.wav"])
def test_load_audio_unknown_source_lists_registered_names(source):
    with pytest.raises(FileNotFoundError) as caught:
        helpers.load_audio(source)
    message = str(caught.value)
    assert source in message
    for name in EXPECTED_AUDIO:
        assert name in message


# --------------------------------------------------------------------------- bundled files


def test_corrupt_bundled_file_raises_checksum_mismatch(tmp_path, monkeypatch):
    asset = helpers.REGISTRY["speech"]
    copy = tmp_path / asset.filename
    shutil.copy(ASSETS_DIR / asset.filename, copy)
    data = bytearray(copy.read_bytes())
    data[1000] ^= 0xFF
    copy.write_bytes(bytes(data))
    monkeypatch.setenv("AUDIO_COURSE_ASSETS", str(tmp_path))
    with pytest.raises(helpers.ChecksumMismatchError) as caught:
        helpers.load_audio("speech")
    error = caught.value
    actual = sha256_of(bytes(data))
    assert error.expected == asset.sha256
    assert error.actual == actual
    message = str(error)
    assert asset.sha256 in message
    assert actual in message
    assert "restore" in message and "delete" in message
    assert isinstance(error, ValueError)  # catchable as a plain ValueError too


def test_bundled_copy_in_override_folder_is_used(tmp_path, monkeypatch):
    asset = helpers.REGISTRY["arctic"]
    shutil.copy(ASSETS_DIR / asset.filename, tmp_path / asset.filename)
    monkeypatch.setenv("AUDIO_COURSE_ASSETS", str(tmp_path))
    assert helpers.asset_path("arctic") == tmp_path / asset.filename


def test_missing_file_without_url(empty_dirs):
    bundled, _ = empty_dirs
    with pytest.raises(helpers.AssetMissingError) as caught:
        helpers.asset_path("arctic")
    message = str(caught.value)
    assert "no download URL" in message
    assert str(bundled / helpers.REGISTRY["arctic"].filename) in message
    assert isinstance(caught.value, FileNotFoundError)


def test_missing_file_in_offline_mode(empty_dirs, monkeypatch):
    bundled, cache = empty_dirs
    monkeypatch.setenv("AUDIO_COURSE_OFFLINE", "1")
    with pytest.raises(helpers.AssetMissingError) as caught:
        helpers.load_audio("speech")
    message = str(caught.value)
    filename = helpers.REGISTRY["speech"].filename
    assert "offline" in message
    assert "AUDIO_COURSE_OFFLINE" in message
    assert f"put the file at {bundled / filename}" in message
    assert files_in(cache) == []


def test_offline_mode_uses_a_cached_file(empty_dirs, monkeypatch):
    _, cache = empty_dirs
    monkeypatch.setenv("AUDIO_COURSE_OFFLINE", "1")
    asset = helpers.REGISTRY["speech"]
    cache.mkdir()
    shutil.copy(ASSETS_DIR / asset.filename, cache / asset.filename)
    assert helpers.asset_path("speech", progressbar=False) == cache / asset.filename


# --------------------------------------------------------------------------- register


def test_register_valid():
    digest = "AB" * 32
    asset = helpers.register(
        "mine", "https://example.org/sounds/clip.wav?raw=1", sha256=digest, credit="me"
    )
    assert helpers.REGISTRY["mine"] is asset
    assert asset.filename == "clip.wav"
    assert asset.sha256 == digest.lower()
    assert asset.url == "https://example.org/sounds/clip.wav?raw=1"
    assert asset.credit == "me"


def test_register_explicit_filename_and_no_hash():
    asset = helpers.register("mine", "http://example.org/get", filename="clip.flac")
    assert asset.filename == "clip.flac"
    assert asset.sha256 is None


def test_register_duplicate_name():
    with pytest.raises(ValueError, match="overwrite=True"):
        helpers.register("speech", "https://example.org/other.wav")
    assert helpers.REGISTRY["speech"].filename.startswith("Lab41")
    replaced = helpers.register("speech", "https://example.org/other.wav", overwrite=True)
    assert helpers.REGISTRY["speech"] is replaced


def test_registry_is_restored_after_the_previous_test():
    assert helpers.REGISTRY["speech"].filename.startswith("Lab41")
    assert "mine" not in helpers.REGISTRY


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a.wav", "example.org/a.wav", "/tmp/a.wav", "https://", "http:///a.wav"]
)
def test_register_bad_url(url):
    with pytest.raises(ValueError, match="http"):
        helpers.register("mine", url)
    assert "mine" not in helpers.REGISTRY


@pytest.mark.parametrize("digest", ["abc", "g" * 64, "a" * 63, "a" * 65])
def test_register_bad_sha256(digest):
    with pytest.raises(ValueError, match="64 hexadecimal"):
        helpers.register("mine", "https://example.org/a.wav", sha256=digest)
    assert "mine" not in helpers.REGISTRY


@pytest.mark.parametrize("url", ["https://example.org", "https://example.org/", "http://h/?a=b"])
def test_register_url_without_file_name(url):
    with pytest.raises(ValueError, match="filename="):
        helpers.register("mine", url)
    assert helpers.register("mine", url, filename="clip.wav").filename == "clip.wav"


# --------------------------------------------------------------------------- downloads


def _wav_bytes(seconds: float = 0.25, rate: int = 8000, frequency: float = 440.0) -> bytes:
    times = np.arange(round(seconds * rate)) / rate
    buffer = io.BytesIO()
    soundfile.write(buffer, 0.5 * np.sin(2 * np.pi * frequency * times), rate, format="WAV")
    return buffer.getvalue()


PAYLOAD = _wav_bytes()
OTHER_PAYLOAD = _wav_bytes(frequency=880.0)


class LocalServer:
    """A local HTTP server whose behaviour per path is set by the test."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[str] = []
        self.stop = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                action = server.routes.get(self.path)
                if action is None:
                    self.send_error(404, "Not Found")
                    return
                action(self)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stall(self, seconds: float) -> None:
        """Wait without answering, but give up as soon as the server shuts down."""
        self.stop.wait(seconds)


@pytest.fixture
def server():
    local = LocalServer()
    local.thread.start()
    try:
        yield local
    finally:
        local.stop.set()
        local.httpd.shutdown()
        local.httpd.server_close()
        local.thread.join(timeout=5)


def send_body(body: bytes, *, status: int = 200, length: int | None = None):
    def action(handler):
        handler.send_response(status)
        handler.send_header("Content-Type", "audio/wav")
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        handler.close_connection = True

    return action


def register_local(server: LocalServer, path: str = "/clip.wav", digest: str | None = None):
    return helpers.register(
        "local", server.url(path), sha256=sha256_of(PAYLOAD) if digest is None else digest
    )


def test_download_into_the_cache_then_reuse_it(server, empty_dirs):
    _, cache = empty_dirs
    server.routes["/clip.wav"] = send_body(PAYLOAD)
    asset = register_local(server)
    path = helpers.asset_path("local", progressbar=False, timeout=5)
    assert path == cache / asset.filename
    assert sha256_of(path.read_bytes()) == asset.sha256
    assert files_in(cache) == [path]
    assert server.requests == ["/clip.wav"]

    again = helpers.asset_path("local", progressbar=False, timeout=5)
    assert again == path
    assert server.requests == ["/clip.wav"], "the cached file should be used without a request"

    waveform, rate = helpers.load_audio("local")
    assert rate == 8000
    assert waveform.shape == (1, 2000)


def test_corrupt_cached_file_is_downloaded_again(server, empty_dirs):
    _, cache = empty_dirs
    server.routes["/clip.wav"] = send_body(PAYLOAD)
    asset = register_local(server)
    cache.mkdir()
    (cache / asset.filename).write_bytes(b"damaged")
    path = helpers.asset_path("local", progressbar=False, timeout=5)
    assert path.read_bytes() == PAYLOAD
    assert server.requests == ["/clip.wav"]


def assert_cache_empty(cache: Path) -> None:
    leftovers = files_in(cache)
    assert leftovers == [], f"a failed download left files behind: {leftovers}"


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error")])
def test_download_http_error(server, empty_dirs, status, reason):
    _, cache = empty_dirs
    if status != 404:
        server.routes["/clip.wav"] = lambda handler: handler.send_error(status)
    register_local(server)
    with pytest.raises(helpers.DownloadError) as caught:
        helpers.asset_path("local", progressbar=False, timeout=5)
    message = str(caught.value)
    assert f"HTTP {status} {reason}" in message
    assert server.url("/clip.wav") in message
    assert "Check the URL" in message
    assert "put the file at" in message
    assert_cache_empty(cache)


def test_download_truncated_body(server, empty_dirs):
    _, cache = empty_dirs
    server.routes["/clip.wav"] = send_body(PAYLOAD[:1000], length=len(PAYLOAD))
    register_local(server)
    with pytest.raises(helpers.DownloadError) as caught:
        helpers.asset_path("local", progressbar=False, timeout=5)
    message = str(caught.value)
    assert "closed before the whole file arrived" in message
    assert "Try again later" in message
    assert "put the file at" in message
    assert_cache_empty(cache)


def test_download_wrong_checksum(server, empty_dirs):
    _, cache = empty_dirs
    server.routes["/clip.wav"] = send_body(OTHER_PAYLOAD)
    asset = register_local(server)
    with pytest.raises(helpers.ChecksumMismatchError) as caught:
        helpers.asset_path("local", progressbar=False, timeout=5)
    error = caught.value
    actual = sha256_of(OTHER_PAYLOAD)
    assert error.expected == asset.sha256
    assert error.actual == actual
    message = str(error)
    assert asset.sha256 in message
    assert actual in message
    assert "Nothing was saved" in message
    assert "put the file at" in message
    assert_cache_empty(cache)


def test_download_without_registered_hash_keeps_the_file(server, empty_dirs):
    _, cache = empty_dirs
    server.routes["/clip.wav"] = send_body(PAYLOAD)
    helpers.register("local", server.url("/clip.wav"))
    path = helpers.asset_path("local", progressbar=False, timeout=5)
    assert path.read_bytes() == PAYLOAD
    assert files_in(cache) == [path]


def stall_after_headers(server: LocalServer, seconds: float):
    def action(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(PAYLOAD)))
        handler.end_headers()
        handler.wfile.write(PAYLOAD[:500])
        handler.wfile.flush()
        server.stall(seconds)

    return action


def stall_before_headers(server: LocalServer, seconds: float):
    def action(handler):
        server.stall(seconds)

    return action


@pytest.mark.parametrize("stall", [stall_before_headers, stall_after_headers])
def test_download_time_out(server, empty_dirs, stall):
    _, cache = empty_dirs
    server.routes["/clip.wav"] = stall(server, 3.0)
    register_local(server)
    with pytest.raises(helpers.DownloadError) as caught:
        helpers.asset_path("local", progressbar=False, timeout=0.5)
    message = str(caught.value)
    assert "no answer within the time-out of 0.5 s" in message
    assert "Try again later" in message
    assert "put the file at" in message
    assert_cache_empty(cache)


def test_download_connection_refused(empty_dirs):
    _, cache = empty_dirs
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    helpers.register("local", f"http://127.0.0.1:{port}/clip.wav", sha256=sha256_of(PAYLOAD))
    with pytest.raises(helpers.DownloadError) as caught:
        helpers.asset_path("local", progressbar=False, timeout=5)
    message = str(caught.value)
    assert "could not connect" in message
    assert "put the file at" in message
    assert isinstance(caught.value, ConnectionError)
    assert_cache_empty(cache)


def test_download_errors_are_asset_errors():
    for error in (helpers.DownloadError, helpers.ChecksumMismatchError, helpers.AssetMissingError):
        assert issubclass(error, helpers.AssetError)


# --------------------------------------------------------------------------- save_audio


def _sine(seconds: float = 0.5, rate: int = 16000, amplitude: float = 0.5, channels: int = 1):
    times = torch.arange(round(seconds * rate)) / rate
    tone = amplitude * torch.sin(2 * torch.pi * 440 * times)
    return tone.repeat(channels, 1)


def test_save_audio_round_trip(tmp_path):
    waveform = _sine(channels=2)
    waveform[1] *= 0.5
    target = tmp_path / "sub" / "tone.wav"
    returned = helpers.save_audio(target, waveform, 16000)
    assert returned == target
    data, rate = soundfile.read(target, dtype="float32", always_2d=True)
    assert rate == 16000
    assert data.shape == (waveform.shape[1], 2)
    np.testing.assert_allclose(data.T, waveform.numpy(), atol=1.0 / 2**15)
    info = soundfile.info(target)
    assert info.subtype == "PCM_16"
    assert sorted(p.name for p in target.parent.iterdir()) == ["tone.wav"]
    loaded, loaded_rate = helpers.load_audio(target)
    assert loaded_rate == 16000
    torch.testing.assert_close(loaded, waveform, atol=1.0 / 2**15, rtol=0)


def test_save_audio_numpy_and_flac(tmp_path):
    waveform = _sine().numpy()[0]
    target = helpers.save_audio(tmp_path / "tone.flac", waveform, 16000)
    data, _ = soundfile.read(target, dtype="float32")
    np.testing.assert_allclose(data, waveform, atol=1.0 / 2**15)
    assert soundfile.info(target).format == "FLAC"


def test_save_audio_replaces_an_existing_file(tmp_path):
    target = tmp_path / "tone.wav"
    helpers.save_audio(target, _sine(amplitude=0.5), 16000)
    helpers.save_audio(target, _sine(amplitude=0.25), 16000)
    data, _ = soundfile.read(target)
    assert abs(np.max(np.abs(data)) - 0.25) < 1e-3
    assert [p.name for p in tmp_path.iterdir()] == ["tone.wav"]


def test_save_audio_clipping_guard_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="clip") as caught:
        helpers.save_audio(tmp_path / "loud.wav", _sine(amplitude=1.5), 16000)
    assert "1.500" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_save_audio_float_subtype_allows_values_beyond_full_scale(tmp_path):
    target = helpers.save_audio(tmp_path / "loud.wav", _sine(amplitude=1.5), 16000, subtype="FLOAT")
    data, _ = soundfile.read(target)
    assert abs(np.max(np.abs(data)) - 1.5) < 1e-3


def test_save_audio_unsupported_extension_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"\.wav"):
        helpers.save_audio(tmp_path / "tone.xyz", _sine(), 16000)
    assert list(tmp_path.iterdir()) == []


def test_save_audio_failed_write_leaves_no_part_file(tmp_path):
    # OGG holds Vorbis, not 16-bit PCM: libsndfile refuses while writing.
    with pytest.raises(Exception):  # noqa: B017 (libsndfile's own error type)
        helpers.save_audio(tmp_path / "tone.ogg", _sine(), 16000, subtype="PCM_16")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("rate", [0, -16000, 44100.5])
def test_save_audio_bad_sample_rate(tmp_path, rate):
    with pytest.raises(ValueError, match="sample_rate"):
        helpers.save_audio(tmp_path / "tone.wav", _sine(), rate)
    assert list(tmp_path.iterdir()) == []


def test_save_audio_rejects_bad_waveforms(tmp_path):
    with pytest.raises(ValueError, match="shape"):
        helpers.save_audio(tmp_path / "tone.wav", torch.zeros(2, 2, 100), 16000)
    with pytest.raises(ValueError, match="NaN"):
        helpers.save_audio(tmp_path / "tone.wav", torch.full((100,), float("nan")), 16000)
    assert list(tmp_path.iterdir()) == []


def test_no_temporary_file_pattern_in_assets_folder():
    assert not [p for p in ASSETS_DIR.iterdir() if re.search(r"\.part$", p.name)]
