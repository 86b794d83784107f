"""Augmentation at training time: codecs, loudness, speed and pitch, rooms, noise, SpecAugment,
a seeded chain of them, and the ``Dataset`` / collate / ``DataLoader`` code around it.

Topic modules, used as ``from helpers.augment import codecs`` (or ``helpers.augment.codecs``):

- :mod:`~helpers.augment.codecs`: MP3, Ogg Vorbis, Opus and μ-law round trips in memory;
  delay, bandwidth and SNR of a round trip.
- :mod:`~helpers.augment.loudness`: ITU-R BS.1770 loudness, loudness and peak normalisation.
- :mod:`~helpers.augment.tempo`: speed, pitch and tempo changes, and the pitch they give.
- :mod:`~helpers.augment.rooms`: simulated shoebox rooms with a target RT60 and direct-path
  compensation.
- :mod:`~helpers.augment.noises`: a small noise corpus (recorded babble, band-limited
  coloured noises).
- :mod:`~helpers.augment.specaugment`: per-example frequency and time masks that respect
  lengths.
- :mod:`~helpers.augment.chain`: the seeded, composable chain and its steps.
- :mod:`~helpers.augment.data`: the ``Dataset`` over audio files, the collate function,
  readable errors for bad files.
- :mod:`~helpers.augment.loaders`: ``DataLoader`` throughput, the copied-RNG pitfall,
  batched augmentation on a device.
- :mod:`~helpers.augment.distributed`: the ``DistributedSampler`` check in two processes.
"""

from . import chain as chain
from . import codecs as codecs
from . import data as data
from . import distributed as distributed
from . import loaders as loaders
from . import loudness as loudness
from . import noises as noises
from . import rooms as rooms
from . import specaugment as specaugment
from . import tempo as tempo
