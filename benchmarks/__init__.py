"""The course's benchmark: what readers, maintainers and teachers wait for, in one table.

Run it from the repository root with the course's environment::

    .venv/bin/python -m benchmarks            # everything (several minutes)
    .venv/bin/python -m benchmarks --quick    # without the full test command
    .venv/bin/python -m benchmarks --only explorers --only plots

Sections: ``notebooks`` (execution time of each notebook, kernel start apart),
``explorers`` (update latency of every slider explorer, timed in the kernel that
just ran its notebook), ``tests`` (the whole test command after set-up),
``plots`` (waveform and spectrogram helpers on 1 s, 1 min and 1 h of audio),
``resamplers`` and ``griffinlim``. Nothing here runs in the test suite.
"""
