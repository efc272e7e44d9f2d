"""Tensor mode's elementwise math and activations beyond the core ones in ``minigrad/tensor.py``.

``Tensor`` inherits them from ``ElementwiseOps``. Each op computes its result with NumPy and, beside
it, the rule that gives its operands' gradients. Integer and bool inputs of a floating-point op
(``sin``, ``erf``, ``silu``...) are read as float32, and a binary op's operands are promoted, as in
PyTorch. Ops whose result is piecewise constant (``floor``, ``sign``, ``//``) pass on a zero gradient,
as PyTorch does; ``//`` has none.

Sections: elementwise math, activations.
"""

import math
import numbers

import numpy as np

from minigrad import tensor as _core

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _unary(x, op, forward, derivative):
    """One node: ``forward(a)`` of the (floating) data ``a``, with gradient ``g * derivative(a, out)``."""
    a = _core._floating(x.data)
    with np.errstate(all="ignore"):  # tan(pi/2), log(0): inf or NaN, as in PyTorch, without a warning
        data = np.asarray(forward(a), dtype=a.dtype)

    def grad_fn(g):
        with np.errstate(all="ignore"):
            return ((g * derivative(a, data)).astype(a.dtype, copy=False),)

    return _core._result(data, (x,), op, grad_fn)


def _flat(x, op, forward, bools=False):
    """A piecewise-constant op that keeps integer dtypes (``floor`` of an int64 is int64): zero gradient."""
    a = x.data
    if a.dtype.kind == "b" and not bools:
        raise TypeError(f"{op}: not defined for a bool tensor (shape {x.shape}), as in PyTorch")
    with np.errstate(invalid="ignore"):
        data = forward(a)

    def grad_fn(g):
        return (np.zeros_like(g),)

    return _core._result(data, (x,), op, grad_fn)


def _erf(a):
    # math.erf, element by element: NumPy has no erf, and math.erf is correct to the last bit or so.
    return np.asarray(_core._erf(a), dtype=a.dtype)


def _sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(a):
    """log(1 + e^a) without overflow: max(a, 0) + log1p(e^-|a|)."""
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


def _number(op, name, value):
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{op}: {name} must be a real number, got {type(value).__name__} {value!r}")
    return float(value)


class ElementwiseOps:
    __slots__ = ()

    # ------------------------------------------------------------------ elementwise math

    def sin(self):
        return _unary(self, "sin", np.sin, lambda a, out: np.cos(a))

    def cos(self):
        return _unary(self, "cos", np.cos, lambda a, out: -np.sin(a))

    def tan(self):
        return _unary(self, "tan", np.tan, lambda a, out: 1 + out * out)

    def sinh(self):
        return _unary(self, "sinh", np.sinh, lambda a, out: np.cosh(a))

    def cosh(self):
        return _unary(self, "cosh", np.cosh, lambda a, out: np.sinh(a))

    def atan(self):
        return _unary(self, "atan", np.arctan, lambda a, out: 1 / (1 + a * a))

    arctan = atan

    def log2(self):
        return _unary(self, "log2", np.log2, lambda a, out: 1 / (a * math.log(2)))

    def log10(self):
        return _unary(self, "log10", np.log10, lambda a, out: 1 / (a * math.log(10)))

    def log1p(self):
        return _unary(self, "log1p", np.log1p, lambda a, out: 1 / (1 + a))

    def expm1(self):
        return _unary(self, "expm1", np.expm1, lambda a, out: out + 1)

    def rsqrt(self):
        return _unary(self, "rsqrt", lambda a: 1 / np.sqrt(a), lambda a, out: -0.5 * out * out * out)

    def erf(self):
        return _unary(self, "erf", _erf, lambda a, out: 2 / math.sqrt(math.pi) * np.exp(-a * a))

    def square(self):
        # An int64 or bool tensor squares to int64, as PyTorch's x ** 2.
        return self**2

    def sign(self):
        return _flat(self, "sign", lambda a: a if a.dtype.kind == "b" else np.sign(a), bools=True)

    def floor(self):
        return _flat(self, "floor", np.floor)

    def ceil(self):
        return _flat(self, "ceil", np.ceil)

    def trunc(self):
        return _flat(self, "trunc", np.trunc)

    def round(self, decimals=0):
        """Halves to the even neighbour, as PyTorch (and NumPy) round."""
        if not isinstance(decimals, numbers.Integral) or isinstance(decimals, bool):
            raise TypeError(f"round: decimals must be an integer, got {type(decimals).__name__} {decimals!r}")
        return _flat(self, "round", lambda a: np.round(a, decimals))

    def isnan(self):
        return _core.Tensor._wrap(np.isnan(self.data))

    def isinf(self):
        return _core.Tensor._wrap(np.isinf(self.data))

    def isfinite(self):
        return _core.Tensor._wrap(np.isfinite(self.data))

    def logical_not(self):
        return _core.Tensor._wrap(np.logical_not(self.data))

    def maximum(self, other):
        """The larger of each pair; at a tie each side gets half the gradient, as in PyTorch."""
        return self._pick(other, "maximum", np.maximum, np.greater)

    def minimum(self, other):
        return self._pick(other, "minimum", np.minimum, np.less)

    def _pick(self, other, op, pick, beats):
        a, b, data = self._binary(other, op, pick)
        x, y = a.data, b.data

        def grad_fn(g):
            tie = x == y
            # "Not beaten" rather than "beats": both sides of a NaN get the gradient, as in PyTorch.
            share_a = np.where(tie, 0.5, ~beats(y, x)).astype(g.dtype)
            share_b = np.where(tie, 0.5, ~beats(x, y)).astype(g.dtype)
            return _core._unbroadcast(g * share_a, x.shape), _core._unbroadcast(g * share_b, y.shape)

        return _core._result(data, (a, b), op, grad_fn)

    def remainder(self, other):
        """``a - floor(a / b) * b``: the sign of ``b``, as Python's ``%`` and PyTorch's ``remainder``."""
        a, b, data = self._binary(other, "remainder", np.remainder)
        x, y = a.data, b.data

        def grad_fn(g):
            with np.errstate(all="ignore"):
                return _core._unbroadcast(g, x.shape), _core._unbroadcast(-g * np.floor_divide(x, y), y.shape)

        return _core._result(data, (a, b), "remainder", grad_fn)

    def floor_divide(self, other):
        """``floor(a / b)``. Like PyTorch, it has no derivative: backward through it is an error."""
        a, b, data = self._binary(other, "floor_divide", np.floor_divide)

        def grad_fn(g):
            raise RuntimeError(
                f"floor_divide: has no derivative, as in PyTorch (operands of shapes {a.shape} and {b.shape}); "
                "divide with / for a gradient, or detach() the operands"
            )

        return _core._result(data, (a, b), "floor_divide", grad_fn)

    def __mod__(self, other):
        return self.remainder(other)

    def __rmod__(self, other):
        return self._operand(other, "remainder").remainder(self)

    def __floordiv__(self, other):
        return self.floor_divide(other)

    def __rfloordiv__(self, other):
        return self._operand(other, "floor_divide").floor_divide(self)

    def lerp(self, end, weight):
        """``self + weight * (end - self)``; ``weight`` a number or a tensor."""
        if not isinstance(end, _core.Tensor):
            raise TypeError(f"lerp: end must be a Tensor, got {type(end).__name__}")
        if not isinstance(weight, (numbers.Real, _core.Tensor)) or isinstance(weight, bool):
            raise TypeError(f"lerp: weight must be a number or a Tensor, got {type(weight).__name__}")
        # The gradients follow: 1 - weight for self, weight for end, end - self for weight.
        return self + weight * (end - self)

    # ------------------------------------------------------------------ activations

    def leaky_relu(self, negative_slope=0.01):
        slope = _number("leaky_relu", "negative_slope", negative_slope)
        return _unary(
            self, "leaky_relu", lambda a: np.where(a > 0, a, a * slope), lambda a, out: np.where(a > 0, 1, slope)
        )

    def elu(self, alpha=1.0):
        alpha = _number("elu", "alpha", alpha)
        return _unary(
            self,
            "elu",
            lambda a: np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0))),
            lambda a, out: np.where(a > 0, 1, alpha * np.exp(np.minimum(a, 0))),
        )

    def selu(self):
        scale, alpha = _SELU_SCALE, _SELU_ALPHA
        return _unary(
            self,
            "selu",
            lambda a: scale * np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0))),
            lambda a, out: scale * np.where(a > 0, 1, alpha * np.exp(np.minimum(a, 0))),
        )

    def silu(self):
        """``x * sigmoid(x)`` (also called swish)."""

        def derivative(a, out):
            s = _sigmoid(a)
            return s * (1 + a * (1 - s))

        return _unary(self, "silu", lambda a: a * _sigmoid(a), derivative)

    def softplus(self, beta=1.0, threshold=20.0):
        """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``, as in PyTorch."""
        beta = _number("softplus", "beta", beta)
        threshold = _number("softplus", "threshold", threshold)
        return _unary(
            self,
            "softplus",
            lambda a: np.where(a * beta > threshold, a, _softplus(a * beta) / beta),
            lambda a, out: np.where(a * beta > threshold, 1, _sigmoid(a * beta)),
        )

    def mish(self):
        """``x * tanh(softplus(x))``."""

        def derivative(a, out):
            t = np.tanh(_softplus(a))
            return t + a * _sigmoid(a) * (1 - t * t)

        return _unary(self, "mish", lambda a: a * np.tanh(_softplus(a)), derivative)

    def hardtanh(self, min_val=-1.0, max_val=1.0):
        """``x`` clipped to [min_val, max_val]; the gradient is 0 from each bound on, as in PyTorch."""
        low, high = _number("hardtanh", "min_val", min_val), _number("hardtanh", "max_val", max_val)
        if low > high:
            raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
        return _unary(
            self, "hardtanh", lambda a: np.clip(a, low, high), lambda a, out: (a > low) & (a < high)
        )

    def relu6(self):
        return self.hardtanh(0.0, 6.0)

    def hardsigmoid(self):
        """0 up to -3, 1 from 3 on, the line x / 6 + 1 / 2 between."""
        return _unary(
            self,
            "hardsigmoid",
            lambda a: np.clip(a / 6 + 0.5, 0, 1),
            lambda a, out: np.where((a > -3) & (a < 3), 1 / 6, 0),
        )

    def hardswish(self):
        """``x * hardsigmoid(x)``; at the joins x = -3 and 3 the slope is the outer piece's, as in PyTorch."""
        return _unary(
            self,
            "hardswish",
            lambda a: a * np.clip(a / 6 + 0.5, 0, 1),
            lambda a, out: np.where(a <= -3, 0, np.where(a < 3, a / 3 + 0.5, 1)),
        )

    def logsigmoid(self):
        """``log(sigmoid(x)) = -softplus(-x)``, exact for large |x|."""
        return _unary(self, "logsigmoid", lambda a: -_softplus(-a), lambda a, out: _sigmoid(-a))

    def softsign(self):
        return _unary(self, "softsign", lambda a: a / (1 + np.abs(a)), lambda a, out: 1 / (1 + np.abs(a)) ** 2)

    def softmin(self, dim):
        return (-self).softmax(dim)


# ---------------------------------------------------------------------- as functions (torch.sin(x)...)


def _function(name):
    def function(input, *args, **kwargs):
        if not isinstance(input, _core.Tensor):
            raise TypeError(f"{name}: expected a Tensor, got {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)``, as ``torch.{name}``."
    return function


sin = _function("sin")
cos = _function("cos")
tan = _function("tan")
sinh = _function("sinh")
cosh = _function("cosh")
atan = _function("atan")
log2 = _function("log2")
log10 = _function("log10")
log1p = _function("log1p")
expm1 = _function("expm1")
rsqrt = _function("rsqrt")
erf = _function("erf")
square = _function("square")
sign = _function("sign")
floor = _function("floor")
ceil = _function("ceil")
round = _function("round")
trunc = _function("trunc")
isnan = _function("isnan")
isinf = _function("isinf")
isfinite = _function("isfinite")
logical_not = _function("logical_not")
maximum = _function("maximum")
minimum = _function("minimum")
remainder = _function("remainder")
floor_divide = _function("floor_divide")
lerp = _function("lerp")
