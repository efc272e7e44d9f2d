import importlib.util
import os

import pytest


def pytest_sessionstart(session):
    # CI sets this so that the comparisons with PyTorch can never be skipped silently.
    if os.environ.get("MINIGRAD_REQUIRE_TORCH") and importlib.util.find_spec("torch") is None:
        raise pytest.UsageError("MINIGRAD_REQUIRE_TORCH is set but torch is not installed")
