"""The course's glossary: each term, where a notebook defines it, and a one-line definition.

The reading site's index lists the terms with a link to the heading of the section that
defines each one (``tests/test_glossary.py`` checks that every heading exists in its
notebook and that the term appears in that section). A term belongs to the notebook that
defines it first; when a notebook is rewritten, point its terms at their new headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbconvert.filters.markdown_mistune import markdown2html_mistune


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    term: str  # as the index shows it
    notebook: str  # path under notebooks/, e.g. "02_noise_and_reverb.ipynb"
    heading: str  # the defining section's heading, as written after the #s
    definition: str  # one line, markdown
    text: str = ""  # what the section says, if not the term itself (case-insensitive)

    @property
    def anchor(self) -> str:
        """The heading's id on the notebook's page (nbconvert's rule, percent-encoded)."""
        return heading_anchor(self.heading)

    @property
    def href(self) -> str:
        return f"notebooks/{self.notebook}#{self.anchor}"

    @property
    def searched(self) -> str:
        return self.text or self.term


def heading_anchor(heading: str) -> str:
    """The ``id`` nbconvert gives a markdown heading (and its anchor link points at)."""
    html = markdown2html_mistune(f"## {heading}")
    match = re.search(r'<h2 id="([^"]+)"', html)
    if match is None:
        raise ValueError(f"nbconvert gave the heading {heading!r} no id: {html[:200]}")
    return match.group(1)


N01 = "01_audio_effects.ipynb"
N02 = "02_noise_and_reverb.ipynb"
N03 = "03_resampling_sine_sweeps.ipynb"
N04 = "04_spectrogram_griffinlim_mfcc.ipynb"
N05 = "05_augmentation_pipeline.ipynb"

LOADING = "1 · Loading and saving with `soundfile`"
LEVELS = "2 · Levels in dBFS"
RATE_STEP = "3 · Step 0: one channel at 16 kHz"
FILTER_STEP = "4 · Step 1: a low-pass filter at 300 Hz"
REVERB_STEP = "6 · Step 3: reverb by convolution"

#: The terms, in the order a learner meets them.
TERMS: tuple[Term, ...] = (
    Term("sample rate", N01, LOADING, "How many samples a second a recording holds, in Hz."),
    Term("frame", N01, LOADING, "One time step of a recording: one sample per channel."),
    Term("channel", N01, LOADING, "One of a recording's parallel signals (mono 1, stereo 2)."),
    Term("dBFS", N01, LEVELS, "Decibels relative to full scale: a sample of ±1 reads 0 dBFS."),
    Term("peak level", N01, LEVELS, "The largest absolute sample, in dBFS.", text="peak"),
    Term("RMS", N01, LEVELS, "Root mean square: the square root of a signal's mean power."),
    Term(
        "low-pass filter",
        N01,
        RATE_STEP,
        "A filter that keeps frequencies below a cut-off and attenuates those above it.",
        text="low-pass",
    ),
    Term(
        "Nyquist frequency",
        N01,
        RATE_STEP,
        "Half the sample rate: the highest frequency a sampled signal can hold.",
    ),
    Term(
        "impulse response",
        N01,
        FILTER_STEP,
        "What a system (a filter, a room) outputs for a single click; it describes the system.",
    ),
    Term(
        "convolution",
        N01,
        REVERB_STEP,
        "Adding delayed, scaled copies of a signal, one per impulse-response sample.",
    ),
    Term(
        "power",
        N02,
        "The definition",
        "A signal's mean square over all its samples and channels.",
    ),
    Term(
        "SNR",
        N02,
        "The definition",
        "Signal-to-noise ratio: speech power over noise power, usually in dB.",
    ),
    Term(
        "active speech level",
        N02,
        "The definition",
        "The speech's power averaged only over the moments someone speaks (ITU-T P.56).",
    ),
    Term(
        "clipping",
        N02,
        "Before listening: in this recording the mixtures clip",
        "Samples cut off at ±1 when a signal exceeds full scale; it distorts the sound.",
        text="clip",
    ),
    Term(
        "room impulse response (RIR)",
        N02,
        "3 · Room impulse response",
        "A room's impulse response: the direct sound, then its echoes and their decay.",
        text="impulse response",
    ),
    Term(
        "reverberation time (RT60)",
        N02,
        "Reverberation time and Schroeder's integral",
        "The time a room's sound takes to decay by 60 dB.",
        text="reverberation time",
    ),
    Term(
        "Schroeder integral",
        N02,
        "Reverberation time and Schroeder's integral",
        "The energy an impulse response has left after each instant: a smooth decay curve.",
        text="Schroeder",
    ),
    Term(
        "direct-to-reverberant ratio",
        N02,
        "Direct-to-reverberant ratio",
        "The energy of the direct sound against that of the room's reflections, in dB.",
    ),
    Term(
        "C50",
        N02,
        "Direct-to-reverberant ratio",
        "The energy of the first 50 ms of a room's response against the rest, in dB.",
    ),
    Term(
        "sampling",
        N03,
        "1 · Sampling and aliasing",
        "Storing a waveform as its values at regular instants.",
    ),
    Term(
        "aliasing",
        N03,
        "1 · Sampling and aliasing",
        "Frequencies above the Nyquist frequency folding back into the band as false tones.",
    ),
    Term(
        "sine sweep",
        N03,
        "1 · Sampling and aliasing",
        "A tone whose frequency rises over time; logarithmic: the same time per octave.",
        text="sweep",
    ),
    Term(
        "octave",
        N03,
        "1 · Sampling and aliasing",
        "A doubling of frequency.",
    ),
    Term(
        "resampling",
        N03,
        "2 · Resampling: upsample, filter, decimate",
        "Changing a recording's sample rate: filter, then interpolate at the new instants.",
        text="resampl",
    ),
    Term(
        "interpolation kernel",
        N03,
        "2 · Resampling: upsample, filter, decimate",
        "The weights a resampler gives the neighbouring input samples of each output sample.",
        text="kernel",
    ),
    Term(
        "window",
        N04,
        "1. The spectrogram and its parameters",
        "A taper that falls towards zero at a frame's ends, applied before its FFT.",
    ),
    Term(
        "STFT",
        N04,
        "1. The spectrogram and its parameters",
        "Short-time Fourier transform: the spectra of short, overlapping windowed frames.",
    ),
    Term(
        "spectrogram",
        N04,
        "1. The spectrogram and its parameters",
        "The STFT's magnitude (or power) over time and frequency, drawn as an image.",
    ),
    Term(
        "hop length",
        N04,
        "1. The spectrogram and its parameters",
        "The samples between the starts of consecutive STFT frames.",
        text="hop_length",
    ),
    Term(
        "leakage",
        N04,
        "The time/frequency trade-off",
        "One frequency's energy spreading into distant bins of a spectrum.",
    ),
    Term(
        "Griffin-Lim",
        N04,
        "Griffin-Lim: from the magnitude alone",
        "An algorithm that finds a waveform whose spectrogram magnitude matches a given one.",
    ),
    Term(
        "mel scale",
        N04,
        "3. Mel filter banks",
        "A frequency scale spaced as the ear resolves pitch: fine when low, coarse when high.",
    ),
    Term(
        "mel spectrogram",
        N04,
        "4. The mel spectrogram, checked against librosa",
        "A power spectrogram summed into bands equally spaced on the mel scale.",
    ),
    Term(
        "MFCC",
        N04,
        "5. MFCC",
        "Mel-frequency cepstral coefficients: the DCT of a log-mel spectrum, its first few kept.",
    ),
    Term(
        "augmentation",
        N05,
        "1 · Five augmentations in plain torch",
        "Random changes to training clips (noise, rooms, codecs...) that keep their labels true.",
    ),
    Term(
        "codec",
        N05,
        "1 · Five augmentations in plain torch",
        "A coder-decoder that compresses audio (MP3, Ogg Vorbis, Opus, μ-law).",
    ),
    Term(
        "bitrate",
        N05,
        "1 · Five augmentations in plain torch",
        "A compressed stream's size per second, in kilobits per second (kbps).",
    ),
    Term(
        "cross-correlation",
        N05,
        "1 · Five augmentations in plain torch",
        "How well two signals match at each lag; its peak gives the delay between them.",
    ),
    Term(
        "loudness (LUFS)",
        "deeper/05a_codecs_loudness_speed.ipynb",
        "2 · Loudness",
        "Perceived level by ITU-R BS.1770, in loudness units re. full scale.",
        text="LUFS",
    ),
    Term(
        "SpecAugment",
        N04,
        "6. Into a model: SpecAugment masking",
        "Masking random time and frequency bands of a spectrogram while training.",
    ),
)


def glossary_markdown(terms: tuple[Term, ...] = TERMS) -> str:
    """The glossary as a markdown section, terms in alphabetical order."""
    rows = [
        f"| [{term.term}]({term.href}) | {term.definition} | {term.notebook[:2]} |"
        for term in sorted(terms, key=lambda term: term.term.casefold())
    ]
    return (
        "## Glossary\n\nEach term links to the section that defines it.\n\n"
        "| term | meaning | notebook |\n|---|---|---|\n" + "\n".join(rows)
    )
