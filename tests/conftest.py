"""Test settings shared by the unit tests and by nbval's notebook runs."""

import os

import matplotlib

# Unit tests draw off-screen; notebook kernels use their own inline backend.
matplotlib.use("Agg")

# Prove that everything the tests and notebooks use is on disk: no downloads.
# Set before nbval starts its kernels, which inherit this environment.
os.environ["AUDIO_COURSE_OFFLINE"] = "1"
