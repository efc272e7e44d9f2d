"""The check cells' helpers: each prints one line, ✓ or ✗ with a hint, and never raises, so that a
lesson always runs from top to bottom whatever a learner has typed so far."""

import numpy as np

from minigrad import gradcheck


def report(passed, success, hint):
    """Print ``✓ success`` or ``✗ Not yet: hint``; return whether it passed."""
    print(f"✓ {success}" if passed else f"✗ Not yet: {hint}")
    return passed


def check_close(actual, expected, what, hint="", rtol=1e-6, atol=1e-9):
    """``actual`` should equal ``expected`` (numbers or arrays) to ``rtol``/``atol``."""
    if actual is None:
        return report(False, "", f"{what} is still None. {hint}".strip())
    try:
        passed = bool(np.allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return report(False, "", f"{what} should be a number or an array of numbers, got {type(actual).__name__}. {hint}".strip())
    shown = np.array2string(np.asarray(expected, dtype=float), precision=4) if np.ndim(expected) else f"{float(expected):.6g}"
    return report(passed, f"{what} is right: {shown}", f"{what} should be {shown}. {hint}".strip())


def check_gradients(fn, inputs, what, hint=""):
    """The gradients ``backward`` computes for ``fn(*inputs)`` should match finite differences."""
    try:
        result = gradcheck(fn, inputs, raise_exception=False)
    except Exception as error:  # a learner's half-written code may fail in any way; say how
        return report(False, "", f"{what} raised {type(error).__name__}: {error}. {hint}".strip())
    return report(bool(result), f"{what}: gradients match finite differences", f"{what}: {result!r}. {hint}".strip())
