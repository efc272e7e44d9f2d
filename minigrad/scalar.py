"""Scalar mode: ``Value``, one number per graph node.

The names are micrograd's (``data``, ``grad``, ``label``, ``_prev``, ``_op``, ``backward()``), so code
written for it runs unchanged. Each op computes its result and, right beside it, its local
derivative: a rule that returns one gradient contribution per parent. The walk that applies the
rules lives in ``minigrad/autograd.py`` and is shared with tensor mode.
"""

import math
import numbers
import operator

import numpy as np

from minigrad import autograd


def _type_name(x):
    """The type's name, with its module when that is not ours: micrograd's Value is a Value too."""
    kind = type(x)
    if kind.__module__ in ("builtins", __name__):
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _describe(x):
    return repr(x) if isinstance(x, Value) else f"{_type_name(x)} {x!r}"


def _is_real(x):
    """A real number, including NumPy's scalars and 0-d arrays of them."""
    if isinstance(x, numbers.Real):
        return True
    return isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "biuf"


def _as_value(x, op):
    """``x`` as a Value (a number becomes a constant leaf); anything else is a TypeError."""
    if isinstance(x, Value):
        return x
    if _is_real(x):
        return Value(x)
    raise TypeError(f"{op}: expected a minigrad Value or a real number, got {_type_name(x)} {x!r}")


def _result(data, parents, op, grad_fn):
    """A new node made by an op; under ``no_grad()`` it is a plain leaf."""
    out = Value.__new__(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if autograd._grad_enabled:
        out._prev, out._op, out._grad_fn = parents, op, grad_fn
    else:
        out._prev, out._op, out._grad_fn = (), "", None
    return out


def _power(base, exponent, op):
    """``base ** exponent`` on floats, with errors that name the op and the operands."""
    if base < 0 and not float(exponent).is_integer():
        raise ValueError(
            f"{op}: a negative base {base!r} to the non-integer power {exponent!r} has no real value"
        )
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(f"{op}: 0.0 to the negative power {exponent!r}")
    return _ieee_power(base, exponent)


def _ieee_power(base, exponent):
    """``base ** exponent`` as IEEE has it: overflow gives inf, and so does 0 to a negative power.

    Gradients use it directly: the slope of ``x ** 0.5`` at 0 is inf, not an exception.
    """
    try:
        return float(base) ** float(exponent)
    except (OverflowError, ZeroDivisionError):
        odd_integer = float(exponent).is_integer() and int(exponent) % 2 == 1
        return -math.inf if base < 0 and odd_integer else math.inf


def _comparison(compare):
    def method(self, other):
        if isinstance(other, Value):
            return compare(self.data, other.data)
        if _is_real(other):
            return bool(compare(self.data, other))
        return NotImplemented

    return method


class Value:
    """A scalar in a computation graph: its ``data``, and the ``grad`` of the output with respect to it."""

    __slots__ = ("data", "grad", "label", "_prev", "_op", "_grad_fn", "_closure")
    _grad_zero = 0.0
    # NumPy scalars on the left (``np.float64(2) * v``) defer to our reflected ops.
    __array_ufunc__ = None

    def __init__(self, data, _children=(), _op="", label=""):
        """As micrograd's: ``Value(x.sin_data, (x,), 'sin')`` makes a node, whose ``_backward`` you then set."""
        if not _is_real(data):
            raise TypeError(f"Value: data must be a real number, got {type(data).__name__} {data!r}")
        children = tuple(_children)
        for child in children:
            if not (hasattr(child, "data") and hasattr(child, "grad") and hasattr(child, "_prev")):
                raise TypeError(
                    f"Value: _children must be graph nodes (with data, grad and _prev), got {type(child).__name__} "
                    f"{child!r} for the op {_op!r}"
                )
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._grad_fn = None
        if autograd._grad_enabled:
            self._prev, self._op = children, _op
        else:
            self._prev, self._op = (), ""

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self):
        return self.data

    # ------------------------------------------------------------------ arithmetic

    def __add__(self, other):
        other = other if type(other) is Value else _as_value(other, "+")

        def grad_fn(g):
            return g, g

        return _result(self.data + other.data, (self, other), "+", grad_fn)

    def __mul__(self, other):
        other = other if type(other) is Value else _as_value(other, "*")
        a, b = self.data, other.data

        def grad_fn(g):
            return b * g, a * g

        return _result(a * b, (self, other), "*", grad_fn)

    def __truediv__(self, other):
        other = other if type(other) is Value else _as_value(other, "/")
        a, b = self.data, other.data
        if b == 0:
            raise ZeroDivisionError(f"/: division by zero ({_describe(self)} / {_describe(other)})")

        def grad_fn(g):
            # For |b| < 1e-154, b * b underflows to 0: divide by b twice then, which overflows to inf.
            return g / b, -g * a / (b * b) if abs(b) > 1e-150 else -g * a / b / b

        return _result(a / b, (self, other), "/", grad_fn)

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            return self._pow_value(exponent)
        if not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"**: expected a Value or a real number as exponent, got {_type_name(exponent)} {exponent!r}"
            )
        # A NumPy scalar exponent as a Python number, so that no gradient becomes a NumPy scalar.
        a, n = self.data, exponent.item() if isinstance(exponent, np.generic) else exponent
        op = f"**{n}"
        out = _power(a, n, op)

        def grad_fn(g):
            # x**0 is constant: its slope is 0 even at x == 0, where n * x**(n-1) would be 0 * inf.
            return (n * _ieee_power(a, n - 1) * g if n != 0 else 0.0,)

        return _result(out, (self,), op, grad_fn)

    def _pow_value(self, exponent):
        a, b = self.data, exponent.data
        out = _power(a, b, "**")

        def grad_fn(g):
            d_base = b * _ieee_power(a, b - 1) * g if b != 0 else 0.0
            # d(a**b)/db = a**b * log(a): undefined for a negative base, 0 at a == 0 (as PyTorch).
            if a > 0:
                d_exponent = out * math.log(a) * g
            else:
                d_exponent = 0.0 if a == 0 else math.nan
            return d_base, d_exponent

        return _result(out, (self, exponent), "**", grad_fn)

    def __neg__(self):
        def grad_fn(g):
            return (-g,)

        return _result(-self.data, (self,), "neg", grad_fn)

    def __sub__(self, other):
        other = other if type(other) is Value else _as_value(other, "-")

        def grad_fn(g):
            return g, -g

        return _result(self.data - other.data, (self, other), "-", grad_fn)

    def __radd__(self, other):
        return _as_value(other, "+") + self

    def __rsub__(self, other):
        return _as_value(other, "-") - self

    def __rmul__(self, other):
        return _as_value(other, "*") * self

    def __rtruediv__(self, other):
        return _as_value(other, "/") / self

    def __rpow__(self, base):
        return _as_value(base, "**") ** self

    # ------------------------------------------------------------------ functions

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            e = math.inf

        def grad_fn(g):
            return (e * g,)

        return _result(e, (self,), "exp", grad_fn)

    def log(self):
        x = self.data
        if not x > 0:
            raise ValueError(f"log: needs a positive value, got {_describe(self)}")

        def grad_fn(g):
            return (g / x,)

        return _result(math.log(x), (self,), "log", grad_fn)

    def tanh(self):
        t = math.tanh(self.data)

        def grad_fn(g):
            return ((1.0 - t * t) * g,)

        return _result(t, (self,), "tanh", grad_fn)

    def sigmoid(self):
        x = self.data
        # Two forms, so that exp never overflows: exp(-x) for x >= 0, exp(x) below.
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)

        def grad_fn(g):
            return (s * (1.0 - s) * g,)

        return _result(s, (self,), "sigmoid", grad_fn)

    def relu(self):
        positive = self.data > 0

        def grad_fn(g):
            return (g if positive else 0.0,)

        return _result(self.data if positive else 0.0, (self,), "relu", grad_fn)

    def abs(self):
        x = self.data
        sign = (x > 0) - (x < 0)

        def grad_fn(g):
            return (sign * g,)

        return _result(abs(x), (self,), "abs", grad_fn)

    __abs__ = abs

    # ------------------------------------------------------------------ comparisons

    # Comparisons look at data and return plain bools. Hashing stays by identity, so that two
    # distinct nodes holding equal numbers remain two nodes in sets and dicts.
    __hash__ = object.__hash__
    __eq__ = _comparison(operator.eq)
    __ne__ = _comparison(operator.ne)
    __lt__ = _comparison(operator.lt)
    __le__ = _comparison(operator.le)
    __gt__ = _comparison(operator.gt)
    __ge__ = _comparison(operator.ge)

    # ------------------------------------------------------------------ backward

    def backward(self):
        """Fill in ``grad`` of every node this Value depends on (d self / d node)."""
        autograd.backward(self, 1.0)
        return self

    @property
    def _backward(self):
        """This node's local rule as a call, as in the micrograd lecture's manual steps.

        Assign a closure to it to add an op the lecture's way; it then replaces the node's own rule.
        """
        closure = getattr(self, "_closure", None)
        if closure is not None:
            return closure
        if self._grad_fn is not None:
            return self._apply_rule
        if self._prev:
            return self._no_rule
        return _leaf_backward

    @_backward.setter
    def _backward(self, closure):
        if closure is None:
            raise TypeError(
                "_backward: expected a function of no arguments, got None: assign the function itself "
                "(out._backward = _backward), not what calling it returns (_backward())"
            )
        if not callable(closure):
            raise TypeError(f"_backward: expected a function of no arguments, got {type(closure).__name__}")
        if not self._prev and autograd._grad_enabled:
            # backward() runs the rules of nodes with parents only: this one would be skipped in silence.
            raise TypeError(
                f"_backward: {self!r} has no parents, so backward() never runs its rule and no gradient "
                "reaches its inputs: make the node with them, Value(data, (x,), 'op')"
            )
        self._closure = closure
        self._grad_fn = None

    def _apply_rule(self):
        autograd.propagate(self)

    def _no_rule(self):
        raise TypeError(
            f"backward: the node {self!r} made by {self._op!r} has parents but no gradient rule: "
            "set out._backward to a function that adds to each parent's grad"
        )


def _leaf_backward():
    """A leaf's rule: nothing to pass on."""


def dot(weights, inputs, bias=None):
    """``bias + w0*x0 + w1*x1 + ...`` as one node: a neuron's weighted sum.

    The same numbers as ``sum((w*x for w, x in zip(weights, inputs)), bias)``, added in the same
    order, but one node with 2n+1 parents instead of 2n nodes: a network's graph shrinks tenfold,
    and so does the time spent building and walking it.
    """
    weights = [w if type(w) is Value else _as_value(w, "dot") for w in weights]
    inputs = [x if type(x) is Value else _as_value(x, "dot") for x in inputs]
    if len(weights) != len(inputs):
        raise ValueError(f"dot: {len(weights)} weights but {len(inputs)} inputs")
    w_data = [w.data for w in weights]
    x_data = [x.data for x in inputs]
    parents = (*weights, *inputs)
    total = 0.0
    if bias is not None:
        bias = bias if type(bias) is Value else _as_value(bias, "dot")
        parents += (bias,)
        total = bias.data
    for w, x in zip(w_data, x_data):
        total += w * x
    has_bias = bias is not None

    def grad_fn(g):
        d_weights = [x * g for x in x_data]
        d_inputs = [w * g for w in w_data]
        return (*d_weights, *d_inputs, g) if has_bias else (*d_weights, *d_inputs)

    return _result(total, parents, "dot", grad_fn)
