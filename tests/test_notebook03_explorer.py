"""Notebook 03's explorer, run outside the notebook: it redraws once per move and plays
the resampled sweep at the chosen rate."""

import json
import math
from pathlib import Path

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "03_resampling_sine_sweeps.ipynb"


def cell_defining(cells, text):
    """The source of the first code cell that contains ``text``, without IPython magics."""
    source = next("".join(cell["source"]) for cell in cells
                  if cell["cell_type"] == "code" and text in "".join(cell["source"]))
    return "\n".join(line for line in source.splitlines() if not line.startswith("%"))


def test_resampling_explorer_redraws_once_per_move_and_plays_the_new_rate():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    namespace = {}
    exec(cell_defining(cells, "import torchaudio.functional as AF"), namespace)
    exec(cell_defining(cells, "sample_rate = 48_000"), namespace)
    exec(cell_defining(cells, "def render_resampling("), namespace)
    exec(cell_defining(cells, "resampling_explorer = helpers.Explorer("), namespace)
    explorer = namespace["resampling_explorer"]
    assert explorer.updates == 1 and explorer.audio.sample_rate == 32000
    explorer.set(target_rate=16000, lowpass_filter_width=64, rolloff=0.95,
                 method="sinc_interp_kaiser", beta=8.6)
    assert explorer.updates == 2 and explorer.last_error is None
    assert explorer.audio.sample_rate == 16000
    assert explorer.audio.waveform.shape[-1] == math.ceil(72001 / 3)
    explorer.set(target_rate=8000)
    assert explorer.updates == 3 and explorer.audio.sample_rate == 8000
