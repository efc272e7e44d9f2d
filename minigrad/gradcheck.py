"""Check gradients against central finite differences, in float64.

``gradcheck(fn, inputs)`` compares the gradients that ``backward`` computes for ``fn(*inputs)`` with
``(f(x + eps) - f(x - eps)) / (2 eps)``, element by element, and reports the worst element. It works
on Values and on float64 Tensors. A non-scalar output is checked through a fixed random weighting
of its elements, which tests every element's gradient at once.
"""

from dataclasses import dataclass

import numpy as np

from minigrad import autograd


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree; the message names the worst element."""


@dataclass(frozen=True)
class Mismatch:
    """One element's analytic and numerical gradient."""

    input_index: int
    input_label: str
    element: tuple
    analytic: float
    numeric: float

    @property
    def error(self):
        return abs(self.analytic - self.numeric)

    def describe(self):
        name = f" ({self.input_label!r})" if self.input_label else ""
        where = f", element {self.element}" if self.element else ""
        return (
            f"input {self.input_index}{name}{where}: analytic {self.analytic:.10g}, "
            f"numeric {self.numeric:.10g}, |difference| {self.error:.3g}"
        )


@dataclass(frozen=True)
class GradcheckResult:
    """True when every element agreed; its text names the worst element either way."""

    passed: bool
    elements: int
    worst: Mismatch
    atol: float
    rtol: float

    def __bool__(self):
        return self.passed

    def __repr__(self):
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"gradcheck {verdict} on {self.elements} element(s), allowed |difference| <= "
            f"{self.atol:g} + {self.rtol:g} * |numeric|; worst: {self.worst.describe()}"
        )


def _objective_weights(out):
    """1 for a scalar output, else fixed random weights: the check is of sum(weights * out)."""
    if np.ndim(out.data) == 0:
        return 1.0
    return np.random.default_rng(0).standard_normal(np.shape(out.data))


def _evaluate(fn, inputs, weights):
    with autograd.no_grad():
        return float(np.sum(np.asarray(fn(*inputs).data, dtype=np.float64) * weights))


def _check_inputs(inputs):
    for i, x in enumerate(inputs):
        if not hasattr(x, "_grad_fn"):
            raise TypeError(f"gradcheck: input {i} is a {type(x).__name__}, not a Value or Tensor")
        if isinstance(x.data, np.ndarray) and x.data.dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} is {x.data.dtype}; finite differences need float64 inputs"
            )


def numerical_gradients(fn, inputs, eps=1e-6, weights=1.0):
    """d/dx of ``sum(weights * fn(*inputs).data)`` for each input, by central differences."""
    gradients = []
    for x in inputs:
        if isinstance(x.data, np.ndarray):
            grad = np.empty(x.data.shape)
            # Index the array itself: a flattened view would be a copy for non-contiguous data.
            for k in np.ndindex(x.data.shape):
                original = x.data[k]
                x.data[k] = original + eps
                f_plus = _evaluate(fn, inputs, weights)
                x.data[k] = original - eps
                f_minus = _evaluate(fn, inputs, weights)
                x.data[k] = original
                grad[k] = (f_plus - f_minus) / (2 * eps)
            gradients.append(grad)
        else:
            original = x.data
            x.data = original + eps
            f_plus = _evaluate(fn, inputs, weights)
            x.data = original - eps
            f_minus = _evaluate(fn, inputs, weights)
            x.data = original
            gradients.append((f_plus - f_minus) / (2 * eps))
    return gradients


def analytic_gradients(fn, inputs, weights=1.0):
    """The gradients ``backward`` gives for ``sum(weights * fn(*inputs))``; inputs' grads start at zero."""
    for x in inputs:
        x.grad = x._grad_zero
    out = fn(*inputs)
    if not hasattr(out, "_grad_fn"):
        raise TypeError(f"gradcheck: the function returned a {type(out).__name__}, not a Value or Tensor")
    # A tensor's rules take arrays, a Value's take floats: the seed follows the output's kind.
    seed = np.asarray(weights, dtype=out.data.dtype) if isinstance(out.data, np.ndarray) else weights
    autograd.backward(out, seed)
    grads = [autograd.raw_grad(x) for x in inputs]  # arrays, for a Tensor, rather than its grad Tensor
    return [np.zeros(np.shape(x.data)) if grad is None else grad for x, grad in zip(inputs, grads)]


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Compare ``backward``'s gradients of ``fn(*inputs)`` with central differences.

    ``inputs`` is a Value or Tensor, or a list of them. Returns a GradcheckResult (true when all
    agree); on disagreement raises GradcheckError naming the worst element, unless
    ``raise_exception`` is False.
    """
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if not inputs:
        raise ValueError("gradcheck: no inputs to check")
    _check_inputs(inputs)
    with autograd.no_grad():
        weights = _objective_weights(fn(*inputs))
    analytic = analytic_gradients(fn, inputs, weights)
    numeric = numerical_gradients(fn, inputs, eps, weights)

    worst, worst_excess, elements = None, -np.inf, 0
    for i, (x, a, n) in enumerate(zip(inputs, analytic, numeric)):
        a, n = np.broadcast_to(np.asarray(a, dtype=np.float64), np.shape(n)), np.asarray(n)
        excess = np.abs(a - n) - (atol + rtol * np.abs(n))
        excess = np.where(np.isnan(excess), np.inf, excess)
        elements += excess.size
        k = np.unravel_index(int(np.argmax(excess)), excess.shape) if excess.ndim else ()
        if excess[k] > worst_excess:
            worst_excess = excess[k]
            label = getattr(x, "label", "") or ""
            worst = Mismatch(i, label, tuple(int(j) for j in k), float(a[k]), float(n[k]))

    result = GradcheckResult(bool(worst_excess <= 0), elements, worst, atol, rtol)
    if raise_exception and not result:
        raise GradcheckError(repr(result))
    return result
