"""Shared helpers for the course notebooks: audio assets, plots, players, explorers, measurements.

Every notebook starts with ``import helpers``; the names below are the public API.
"""

from .assets import (
    REGISTRY,
    Asset,
    AssetError,
    AssetMissingError,
    ChecksumMismatchError,
    DownloadError,
    asset_path,
    load_audio,
    register,
    save_audio,
)
from .display import (
    AudioPlayer,
    play,
    plot_feature,
    plot_filterbank,
    plot_spectrogram,
    plot_waveform,
    print_stats,
)
from .explorer import Choice, Explorer, Slider, new_figure, redraw
from .measure import (
    DecayFit,
    audio_stats,
    average_spectrum,
    dominant_frequency,
    energy_decay_curve,
    estimate_rt60,
    fit_decay,
    peak_dbfs,
    rms_dbfs,
    spectrogram_db,
    transfer_db,
)

__all__ = [
    "REGISTRY",
    "Asset",
    "AssetError",
    "AssetMissingError",
    "AudioPlayer",
    "ChecksumMismatchError",
    "Choice",
    "DecayFit",
    "DownloadError",
    "Explorer",
    "Slider",
    "asset_path",
    "audio_stats",
    "average_spectrum",
    "dominant_frequency",
    "energy_decay_curve",
    "estimate_rt60",
    "fit_decay",
    "load_audio",
    "new_figure",
    "peak_dbfs",
    "play",
    "plot_feature",
    "plot_filterbank",
    "plot_spectrogram",
    "plot_waveform",
    "print_stats",
    "redraw",
    "register",
    "rms_dbfs",
    "save_audio",
    "spectrogram_db",
    "transfer_db",
]
# Topic modules, used as ``helpers.noise.snr_db(...)``, ``helpers.room.trim_rir(...)``.
from . import noise as noise
from . import room as room
from . import spectral as spectral
from . import sweeps as sweeps
