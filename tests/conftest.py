import importlib.util
import os

import pytest
from hypothesis import HealthCheck, settings

# Shared machines are noisy: no test may fail for taking long. In CI the drawn examples are also
# fixed (derandomize), so that a run is green or red for the code alone, never for the draw.
settings.register_profile("local", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("local"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "local")


def pytest_sessionstart(session):
    # CI sets this so that the comparisons with PyTorch can never be skipped silently.
    if os.environ.get("MINIGRAD_REQUIRE_TORCH") and importlib.util.find_spec("torch") is None:
        raise pytest.UsageError("MINIGRAD_REQUIRE_TORCH is set but torch is not installed")
