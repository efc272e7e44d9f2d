"""What the lessons' check cells call.

A check cell is two lines, ``from checking.lessonNN import check_something`` and ``check_something()``.
The check reads the learner's names from the notebook itself, so the cell can never fail on a name
that is not defined yet: it says which cell to run instead. It prints exactly one line, ✓ with what
was shown or ✗ with a hint, and never raises, so that a lesson always runs from top to bottom
whatever a learner has typed so far. A hint says what is wrong and where to look; it never prints
the number a numeric exercise asks for.

The checks of lesson NN live in ``checking/lessonNN.py``, written with the helpers below.
"""

import functools
import math
import numbers
import sys
from typing import NamedTuple

import numpy as np

from minigrad import gradcheck

RUN_ABOVE = "run all the cells above it (in JupyterLab: Run ▸ Run All Above Selected Cell)"


class Verdict(NamedTuple):
    passed: bool
    text: str


def right(text):
    """The verdict of a check that passed: ``text`` says what the learner has shown."""
    return Verdict(True, text)


def wrong(hint):
    """The verdict of a check that did not pass: ``hint`` says what is wrong and where to look."""
    return Verdict(False, hint)


def say(verdict):
    """Print the one line of a check: ``✓ text`` or ``✗ Not yet: hint``."""
    print(f"✓ {verdict.text}" if verdict.passed else f"✗ Not yet: {verdict.text}")


def _notebook_namespace():
    # The globals of the first frame outside this package: the notebook's namespace when a check
    # cell calls a check.
    frame = sys._getframe(1)
    while frame.f_globals.get("__name__", "").split(".")[0] == __name__:
        frame = frame.f_back
    return frame.f_globals


def _listing(names):
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def exercise(*names, cell="the exercise cell above"):
    """Make a check cell's function from ``check(*values)``, which returns ``right(...)`` or ``wrong(...)``.

    The function takes no arguments: it looks ``names`` up in the notebook and passes their values to
    ``check``. A missing name gets ✗ saying which cell to run; an exception from the learner's code gets
    ✗ naming it. The function returns None, so a check call that ends a cell stores no value.
    """

    def decorate(check):
        @functools.wraps(check)
        def run():
            namespace = _notebook_namespace()
            missing = [name for name in names if name not in namespace]
            if missing:
                verb = "is" if len(missing) == 1 else "are"
                say(wrong(f"{_listing(missing)} {verb} not defined yet: run {cell} first; if the kernel "
                             f"was restarted, {RUN_ABOVE}."))
                return
            try:
                verdict = check(*(namespace[name] for name in names))
            except Exception as error:  # a learner's half-written code may fail in any way: say how
                verdict = wrong(f"your code raised {type(error).__name__}" + (f": {error}" if str(error) else ""))
            if not isinstance(verdict, Verdict):
                raise TypeError(f"{check.__name__} returned {verdict!r}, not right(...) or wrong(...)")
            say(verdict)

        return run

    return decorate


def is_node(x):
    """A graph node of any engine (minigrad's Value or Tensor, micrograd's, a learner's own): data and a grad."""
    return hasattr(x, "data") and hasattr(x, "grad")


def is_number(x):
    """A plain real number (a Python or NumPy int or float), not a bool, a Value or an array."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def number_problem(actual, expected, what, rtol=1e-6, atol=1e-9):
    """None when ``actual`` is the number ``expected``; otherwise how it is wrong, never showing ``expected``."""
    if actual is None:
        return f"{what} is still None"
    if is_node(actual):
        return f"{what} should be a plain number, but it is a {type(actual).__name__}; its number is its .data"
    if not is_number(actual):
        return f"{what} should be a number, but it is a {type(actual).__name__}"
    actual, expected = float(actual), float(expected)
    if not math.isfinite(actual):
        return f"{what} is {actual}"
    if math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol):
        return None
    if expected != 0 and math.isclose(actual, -expected, rel_tol=rtol, abs_tol=atol):
        return f"{what} has the wrong sign"
    for factor, words in ((2, "twice what it should be"), (0.5, "half what it should be")):
        if expected != 0 and math.isclose(actual, factor * expected, rel_tol=rtol, abs_tol=atol):
            return f"{what} is {words}"
    return f"{what} is too {'large' if actual > expected else 'small'}"


def array_problem(actual, expected, what, rtol=1e-6, atol=1e-9):
    """None when ``actual`` has ``expected``'s shape and values; otherwise how it differs, never showing them."""
    if actual is None:
        return f"{what} is still None"
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        return f"{what} should be an array of numbers, but it is a {type(actual).__name__}"
    expected = np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        return f"{what} should have the shape {expected.shape}, but it has {actual.shape}"
    off = ~np.isclose(actual, expected, rtol=rtol, atol=atol)
    if not off.any():
        return None
    if np.allclose(actual, -expected, rtol=rtol, atol=atol):
        return f"{what} has the wrong sign everywhere"
    if np.allclose(actual, 2 * expected, rtol=rtol, atol=atol):
        return f"{what} is twice what it should be everywhere"
    if actual.ndim == 0:
        return f"{what} is wrong"
    first = tuple(int(i) for i in np.argwhere(off)[0])
    return f"{what} is wrong in {int(off.sum())} of {off.size} elements, the first at index {first}"


def gradient_problem(fn, inputs, what):
    """None when the gradients ``backward`` gives for ``fn(*inputs)`` match finite differences, else why not."""
    try:
        result = gradcheck(fn, inputs, raise_exception=False)
    except Exception as error:  # a learner's half-written code may fail in any way; say how
        return f"{what} raised {type(error).__name__}: {error}"
    if result:
        return None
    worst = result.worst
    cut = worst.analytic == 0 and worst.numeric != 0
    return (f"the gradient that backward() gives for {what} differs from finite differences "
            f"(input {worst.input_index}{', element ' + str(worst.element) if worst.element else ''}"
            + (": backward() gives 0 there, so the graph is cut on the way" if cut else "") + ")")


class Node:
    """A bare graph node with micrograd's fields, for checks that call a learner's rule on nodes of their own."""

    def __init__(self, data, grad=0.0, label=""):
        self.data, self.grad, self.label = data, grad, label
        self._prev, self._op = (), ""
