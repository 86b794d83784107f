"""Shared helpers for the course notebooks, in two layers.

Every notebook starts with ``import helpers``; the names below are the public API.

**The topics** (what a lesson teaches; read them to see how a helper works). Each is
attached to the package, so ``from helpers import noise`` (or ``helpers.noise``) works:

==========================  ====================================================================
``helpers.validation``      the input checks, the one dB conversion, ``OPUS_RATES``
``helpers.plots``           the plot contract, waveform and spectrogram plots
``helpers.feature_plots``   feature matrices, filter banks, the mel spectrogram
``helpers.measure``         levels, spectra, transfer functions
``helpers.stats``           one clip's statistics at a glance (``print_stats``)
``helpers.filters``         one-pole low-pass, Butterworth high-pass, FFT convolution
``helpers.effects``         sox effects rebuilt (reverb, synthetic responses)
``helpers.noise``           noise at a measured SNR, the one SNR gain (``snr_gain``)
``helpers.noise_colours``   coloured noise: white, pink, any 1/f band
``helpers.room``            room impulse responses: the direct path, trimming, DRR
``helpers.noise_floor``     a measured response's noise floor (Lundeby's method)
``helpers.decay``           energy decay and RT60
``helpers.sweeps``          sine sweeps, aliasing, a sweep's gain
``helpers.resampling``      resampler quality measured with a sweep
``helpers.kernels``         resampler kernels probed with impulses
``helpers.kernel_plots``    a kernel and its response drawn, several compared
``helpers.spectral``        STFT windows, Griffin-Lim, mel scales
``helpers.assets``          the recordings the course uses
``helpers.augment``         augmentation at training time: codecs, loudness, rooms, chain, data
``helpers.digits``          the spoken-digit data set, log-mel features, a small CNN, intervals
``helpers.robustness``      training regimes and held-out test conditions (notebook 06)
==========================  ====================================================================

**The display layer** (``helpers.display``: how figures and sound are shown, and kept
fast and small). Lessons use it only through the names re-exported here:

=====================================  ============================================
``new_figure``, ``redraw``             ``helpers.display.figures``
``play``, ``AudioPlayer``              ``helpers.display.player``
``Explorer``, ``Slider``, ``Choice``   ``helpers.display.explorer``
(machinery)                            ``helpers.display.blit``, ``.png``,
                                       ``.formatter``, ``.state``,
                                       ``.matplotlib_private``
=====================================  ============================================
"""

from . import (
    assets,
    augment,
    decay,
    digits,
    display,
    effects,
    feature_plots,
    filters,
    kernel_plots,
    kernels,
    measure,
    noise,
    noise_colours,
    noise_floor,
    plots,
    resampling,
    robustness,
    room,
    spectral,
    stats,
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
from .display import AudioPlayer, Choice, Explorer, Slider, new_figure, play, redraw
from .feature_plots import plot_feature, plot_filterbank, plot_mel_spectrogram
from .measure import (
    average_spectrum,
    dominant_frequency,
    peak_dbfs,
    rms_dbfs,
    spectrogram_db,
    transfer_db,
)
from .plots import attach_colorbar, plot_spectrogram, plot_waveform
from .stats import AudioStats, audio_stats, print_stats

__all__ = [
    "REGISTRY",
    "Asset",
    "AssetError",
    "AssetMissingError",
    "AudioPlayer",
    "AudioStats",
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
    "augment",
    "average_spectrum",
    "decay",
    "digits",
    "display",
    "dominant_frequency",
    "effects",
    "energy_decay_curve",
    "estimate_rt60",
    "feature_plots",
    "filters",
    "fit_decay",
    "kernel_plots",
    "kernels",
    "load_audio",
    "measure",
    "new_figure",
    "noise",
    "noise_colours",
    "noise_floor",
    "peak_dbfs",
    "play",
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
    "robustness",
    "room",
    "save_audio",
    "spectral",
    "spectrogram_db",
    "stats",
    "sweeps",
    "transfer_db",
    "validation",
]
