"""Driving JupyterLab in Chromium, and timing an explorer's update in the page.

Used by the browser tests (``tests/e2e``) and by the benchmark (``benchmarks/browser.py``),
so that neither imports the other:

- :mod:`labdriver.lab_server`: a JupyterLab server on a free port, Chromium's path and
  flags, notebooks copied without their outputs;
- :mod:`labdriver.lab_page`: a notebook opened in the page, its cells run and read back,
  and :class:`~labdriver.explorer_timer.ExplorerTimer`, the page's clock for a slider update.

Importing the package imports neither Playwright nor JupyterLab; its modules do.
"""
