"""Shared helpers for the course notebooks: audio assets, plots, players, explorers, measurements.

Every notebook starts with ``import helpers``; the names below are the public API.
Topic modules are attached to the package, so ``from helpers import noise`` (or
``helpers.noise``) works for each of them:

========================  ==================================================
``helpers.validation``    the input checks and the one dB conversion
``helpers.figures``       the figure factory (``new_figure``) and ``redraw``
``helpers.plots``         the plot contract and the general plot helpers
``helpers.player``        the audio player (``play``)
``helpers.explorer``      sliders and drop-downs around a render function
``helpers.measure``       levels, spectra, transfer functions
``helpers.filters``       one-pole low-pass, Butterworth high-pass, FFT convolution
``helpers.effects``       sox effects rebuilt (reverb, synthetic responses)
``helpers.noise``         noise at a measured SNR
``helpers.room``          room impulse responses: direct path, trimming, DRR
``helpers.decay``         energy decay, noise floor, RT60
``helpers.sweeps``        sine sweeps and aliasing
``helpers.resampling``    resampler quality measured with a sweep
``helpers.kernels``       resampler kernels probed with impulses
``helpers.spectral``      Griffin-Lim, mel scales, the mel-spectrogram plot
``helpers.assets``        the recordings the course uses
========================  ==================================================
"""

from . import (
    assets,
    decay,
    effects,
    explorer,
    figures,
    filters,
    kernels,
    measure,
    noise,
    player,
    plots,
    resampling,
    room,
    spectral,
    sweeps,
    validation,
)
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
from .decay import DecayFit, energy_decay_curve, estimate_rt60, fit_decay
from .explorer import Choice, Explorer, Slider
from .figures import new_figure, redraw
from .measure import (
    audio_stats,
    average_spectrum,
    dominant_frequency,
    peak_dbfs,
    print_stats,
    rms_dbfs,
    spectrogram_db,
    transfer_db,
)
from .player import AudioPlayer, play
from .plots import attach_colorbar, plot_feature, plot_filterbank, plot_spectrogram, plot_waveform
from .spectral import plot_mel_spectrogram

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
    "assets",
    "attach_colorbar",
    "audio_stats",
    "average_spectrum",
    "decay",
    "dominant_frequency",
    "effects",
    "energy_decay_curve",
    "estimate_rt60",
    "explorer",
    "figures",
    "filters",
    "fit_decay",
    "kernels",
    "load_audio",
    "measure",
    "new_figure",
    "noise",
    "peak_dbfs",
    "play",
    "player",
    "plot_feature",
    "plot_filterbank",
    "plot_mel_spectrogram",
    "plot_spectrogram",
    "plot_waveform",
    "plots",
    "print_stats",
    "redraw",
    "register",
    "resampling",
    "rms_dbfs",
    "room",
    "save_audio",
    "spectral",
    "spectrogram_db",
    "sweeps",
    "transfer_db",
    "validation",
]
