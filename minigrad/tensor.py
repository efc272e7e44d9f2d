"""Tensor mode: ``Tensor``, a NumPy array in the graph.

Names and semantics follow PyTorch where a learner would look them up. Every op computes its
result with NumPy and, beside it, a rule that returns one gradient contribution per tensor operand;
the walk that applies the rules is the one in ``minigrad/autograd.py`` that scalar mode uses too.
Broadcasting works in every elementwise op, and each rule sums its gradient back to the operand's
shape (``_unbroadcast``).

Sections: creation, elementwise, reduce, movement, indexing and joining, activations, backward.
More ops come from mixins ``Tensor`` inherits, one module per kind: ``ops_elementwise`` (elementwise
math and activations), ``ops_reduce`` (reductions and scans), ``ops_movement`` (movement and indexing).
Result dtypes follow PyTorch's type promotion (``_result_dtype``).
"""

import functools
import math
import numbers
import sys
import types

import numpy as np

from minigrad import autograd
from minigrad.ops_elementwise import ElementwiseOps
from minigrad.ops_movement import MovementOps
from minigrad.ops_reduce import ReduceOps
from minigrad.rng import as_generator

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int64 = np.dtype(np.int64)
int32 = np.dtype(np.int32)
bool_ = np.dtype(np.bool_)

_erf = np.frompyfunc(math.erf, 1, 1)


def _torch_names(method):
    """Accept PyTorch's ``dim``/``keepdim`` as well as NumPy's ``axis``/``keepdims``."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        if "dim" in kwargs:
            kwargs["axis"] = kwargs.pop("dim")
        if "keepdim" in kwargs:
            kwargs["keepdims"] = kwargs.pop("keepdim")
        return method(*args, **kwargs)

    return wrapper


def _unbroadcast(grad, shape):
    """Sum ``grad`` over the axes broadcasting added or stretched, so that it has ``shape``."""
    if grad.shape == shape:
        return grad
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


def _array_of(op, data, dtype=None):
    """``data`` as a NumPy array of real numbers (of ``dtype`` if given), or an error naming ``op``."""
    try:
        array = np.array(data, dtype=dtype)
    except OverflowError:
        raise ValueError(f"{op}: {data!r} does not fit in {np.dtype(dtype)}") from None
    except (TypeError, ValueError) as error:
        raise type(error)(f"{op}: cannot make an array of {type(data).__name__} {data!r} ({error})") from None
    if array.dtype.kind not in "biuf":
        # Strings too, which astype would otherwise parse as numbers.
        raise TypeError(f"{op}: cannot make numbers out of {type(data).__name__} {data!r}")
    return array


def _default_dtype(array):
    """The dtype ``torch.tensor`` infers for data read into ``array``: float32 for floating data,
    int64 for integers, bool for bools (``minigrad.tensor`` and the data loaders use it)."""
    if array.dtype.kind == "f":
        return float32
    if array.dtype.kind in "iu":
        # NumPy reads 2**63 as uint64, which int64 would silently wrap to a negative number.
        if array.dtype.kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
            raise ValueError(f"tensor: the integer {array.max()} does not fit in int64")
        return int64
    if array.dtype.kind == "b":
        return bool_
    raise TypeError(f"tensor: cannot hold data of dtype {array.dtype}")


# PyTorch's type promotion. Each dtype has a category: bool < integer < floating.
# - Two dtypes promote (``promote_types``) to the one of higher category; within a category to the
#   wider one (as NumPy's promote_types does there).
# - An op's operands fall into three groups: tensors with dimensions, 0-d tensors, and Python numbers
#   (which count as bool, int64 and float32, the default float). Each group promotes within itself.
# - A group further down the list decides the result only if its category is higher than that of
#   all the groups before it: float32 + a 0-d float64 tensor is float32, int64 + 2.5 is float32.
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _promote_types(a, b):
    if a == b:
        return a
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _combine_categories(higher, lower):
    """The result of a group ``higher`` up the list and the groups below it, ``lower`` (None: empty)."""
    if higher is None:
        return lower
    if lower is None or _CATEGORY[higher.kind] >= _CATEGORY[lower.kind]:
        return higher
    return _promote_types(higher, lower)


def _number_dtype(x):
    return bool_ if isinstance(x, bool) else int64 if isinstance(x, numbers.Integral) else float32


def _result_dtype(*operands):
    """The dtype PyTorch gives an op over ``operands`` (Tensors and Python numbers)."""
    groups = [None, None, None]  # dimensioned tensors, 0-d tensors, Python numbers
    for x in operands:
        if isinstance(x, Tensor):
            group, dtype = (0 if x.data.ndim else 1), x.data.dtype
        else:
            group, dtype = 2, _number_dtype(x)
        groups[group] = dtype if groups[group] is None else _promote_types(groups[group], dtype)
    return _combine_categories(groups[0], _combine_categories(groups[1], groups[2]))


def _floating(array):
    """``array`` as the input of a floating-point op: integers and bools become float32, as in PyTorch."""
    return array if array.dtype.kind == "f" else array.astype(float32)


def _result(data, parents, op, grad_fn):
    """A new node made by an op. It joins the graph only if an operand requires grad (and
    ``no_grad`` is off); operands that do not are given no gradient."""
    out = Tensor.__new__(Tensor)
    # A ufunc or a full reduction hands back a NumPy scalar, not the 0-d array a Tensor holds.
    out.data = np.asarray(data)
    out._grad = None
    out.label = ""
    if autograd._grad_enabled and any(p.requires_grad for p in parents):
        if not all(p.requires_grad for p in parents):
            needs = tuple(p.requires_grad for p in parents)
            rule = grad_fn

            def grad_fn(g):
                return tuple(c if need else None for c, need in zip(rule(g), needs))

        out.requires_grad = True
        out._prev, out._op, out._grad_fn = parents, op, grad_fn
    else:
        out.requires_grad = False
        out._prev, out._op, out._grad_fn = (), "", None
    return out


def _axes(op, axis, ndim):
    """``axis`` (an int or a tuple of them, negative counting from the end) as a tuple of axes, or
    None for all of them. A 0-d tensor takes 0 and -1, as in PyTorch, and means all of it."""
    if axis is None:
        return None
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{op}: an axis must be an integer, got {axis!r}")
    bound = max(ndim, 1)
    if not all(-bound <= a < bound for a in axes):
        raise ValueError(f"{op}: axis {axis!r} is out of range for a tensor with {ndim} dimensions")
    axes = tuple(int(a) % bound for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: axis {axis!r} names an axis twice")
    return None if ndim == 0 else axes


def _axis(op, axis, ndim):
    """One axis, checked as ``_axes`` checks it, for ops that take exactly one (softmax)."""
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"{op}: the axis must be an integer, got {type(axis).__name__} {axis!r}")
    _axes(op, axis, ndim)
    return int(axis)


_TYPE_NAMES = {
    float32: "FloatTensor",
    float64: "DoubleTensor",
    np.dtype(np.float16): "HalfTensor",
    int64: "LongTensor",
    int32: "IntTensor",
    np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int8): "CharTensor",
    np.dtype(np.uint8): "ByteTensor",
    bool_: "BoolTensor",
}


def _is_real_array(x):
    return isinstance(x, np.ndarray) and x.dtype.kind in "biuf"


def _shape(size):
    """``zeros(2, 3)`` and ``zeros((2, 3))`` alike."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


class Tensor(ElementwiseOps, ReduceOps, MovementOps):
    """An n-dimensional array with a gradient. float32 unless asked otherwise."""

    __slots__ = ("data", "_grad", "requires_grad", "label", "_prev", "_op", "_grad_fn")
    _grad_zero = None
    # NumPy arrays and scalars on the left defer to our reflected ops.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, dtype=None, label=""):
        if isinstance(data, Tensor):
            data, dtype = data.data, dtype or data.dtype
        array = _array_of("Tensor", data, dtype)
        if dtype is None:
            # float32 for ints and bools too, as torch.Tensor; minigrad.tensor infers int64 and bool.
            with np.errstate(over="ignore"):  # 1e308 is inf in float32, as in PyTorch
                array = array.astype(float32, copy=False)
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(f"Tensor: only floating-point tensors can require grad, not {array.dtype}")
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        self._prev, self._op, self._grad_fn = (), "", None

    # ------------------------------------------------------------------ properties

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def is_leaf(self):
        return self._grad_fn is None

    def size(self, axis=None):
        return self.data.shape if axis is None else self.data.shape[axis]

    def numel(self):
        return self.data.size

    def dim(self):
        return self.data.ndim

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def item(self):
        if self.data.size != 1:
            raise ValueError(f"item: only a one-element tensor converts to a number, this one has shape {self.shape}")
        return self.data.item()

    def numpy(self):
        return self.data

    def __array__(self, dtype=None, copy=None):
        """``np.array(t)`` copies, as from PyTorch; ``np.asarray(t)`` shares memory, as ``t.numpy()`` does."""
        if copy is False and dtype is not None and np.dtype(dtype) != self.dtype:
            raise ValueError(f"__array__: a {self.dtype} tensor cannot be seen as {np.dtype(dtype)} without a copy")
        return self.data.astype(dtype or self.dtype, copy=bool(copy))

    def tolist(self):
        return self.data.tolist()

    def detach(self):
        """The same data, outside the graph."""
        return Tensor._wrap(self.data)

    @staticmethod
    def _wrap(array):
        out = Tensor.__new__(Tensor)
        out.data, out._grad, out.requires_grad, out.label = np.asarray(array), None, False, ""
        out._prev, out._op, out._grad_fn = (), "", None
        return out

    def requires_grad_(self, requires_grad=True):
        if not requires_grad and self._grad_fn is not None:
            raise RuntimeError(
                "requires_grad_: you can only change requires_grad flags of leaf tensors; "
                "use t.detach() for a copy of a computed tensor outside the graph"
            )
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating-point tensors can require grad, not {self.dtype}")
        self.requires_grad = requires_grad
        return self

    def zero_grad(self):
        self.grad = None

    @property
    def grad(self):
        """None until a backward pass reaches this tensor; then, as in PyTorch, a tensor outside the
        graph with this tensor's shape and dtype. The same object while the gradient lives: a later
        backward() adds into it (rebinding its ``data``, so an array taken with ``numpy()`` before
        keeps the old values)."""
        return self._grad

    @grad.setter
    def grad(self, value):
        """A Tensor of this shape and dtype, or None, as PyTorch asks; minigrad keeps a copy of its
        values, since no gradient shares memory with another array."""
        if value is None:
            self._grad = None
            return
        if value is self._grad:
            return  # p.grad += g: the in-place add has changed it already
        if not isinstance(value, Tensor):
            hint = "; wrap an array as minigrad.tensor(array, dtype=t.dtype)" if isinstance(value, np.ndarray) else ""
            raise TypeError(
                f"grad: assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}{hint}"
            )
        if value.shape != self.shape:
            raise RuntimeError(
                f"grad: attempting to assign a gradient of shape {value.shape} to a tensor of shape {self.shape}; "
                "the gradient and the tensor must have the same shape"
            )
        if value.dtype != self.dtype:
            raise RuntimeError(
                f"grad: attempting to assign a gradient of dtype {value.dtype} to a tensor of dtype {self.dtype}; "
                f"convert it first, grad.to(minigrad.{self.dtype})"
            )
        self._grad = Tensor._wrap(value.data.copy())

    @property
    def _grad_data(self):
        """The gradient's array, where the backward core reads and writes it (see ``minigrad/autograd.py``)."""
        grad = self._grad
        return None if grad is None else grad.data

    @_grad_data.setter
    def _grad_data(self, array):
        if array is None:
            self._grad = None
        elif self._grad is None:
            self._grad = Tensor._wrap(array)
        else:
            # np.asarray: adding two 0-d arrays gives a NumPy scalar, not the 0-d array a Tensor holds.
            self._grad.data = np.asarray(array)

    def __repr__(self):
        data = self.data
        if data.dtype.kind == "f" and data.size and not np.all(np.isfinite(data) & (data == np.round(data))):
            body = np.array2string(data, precision=4, floatmode="fixed", separator=", ", prefix="tensor(")
        else:
            body = np.array2string(data, separator=", ", prefix="tensor(")
        extras = []
        if data.dtype not in (float32, int64, bool_):
            extras.append(f"dtype=minigrad.{data.dtype}")
        if self._grad_fn is not None:
            extras.append(f"grad_fn=<{self._op}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"tensor({body}{''.join(', ' + e for e in extras)})"

    def __hash__(self):
        return id(self)

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous")
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(f"only a one-element integer tensor can be used as an index, not {self.dtype} {self.shape}")
        return int(self.data.item())

    # ------------------------------------------------------------------ elementwise

    def _operand(self, other, op):
        """``other`` as a Tensor: a number becomes a constant of the dtype the op's result will have
        (``_result_dtype``), so float32 stays float32 and an int64 tensor times 2.5 is float32."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, numbers.Number) and not isinstance(other, complex):
            dtype = self.data.dtype if self.data.dtype.kind == "f" else _result_dtype(self, other)
            try:
                with np.errstate(over="ignore"):
                    return Tensor._wrap(np.asarray(other, dtype=dtype))
            except OverflowError:
                raise ValueError(f"{op}: {other!r} does not fit in {dtype}") from None
        if isinstance(other, np.ndarray):
            floating = other.dtype.kind == "f" and self.data.dtype.kind == "f"
            return Tensor(other, dtype=self.data.dtype if floating else other.dtype)
        raise TypeError(f"{op}: expected a Tensor or a number, got {type(other).__name__}")

    def _binary(self, other, op, compute, floating=False):
        """Both operands at the promoted dtype (a float one if ``floating``), and ``compute`` of them.
        A cast operand that requires grad is cast by ``to``, whose rule casts its gradient back."""
        a, b = self, self._operand(other, op)
        dtype = a.data.dtype
        # Equal dtypes, the common case, skip the promotion rule.
        if b.data.dtype != dtype or (floating and dtype.kind != "f"):
            dtype = _result_dtype(a, b)
            if floating and dtype.kind != "f":
                dtype = float32
            a, b = a._cast(dtype), b._cast(dtype)
        try:
            # inf - inf or 0 * inf is NaN, as in PyTorch, without NumPy's RuntimeWarning.
            with np.errstate(all="ignore"):
                data = compute(a.data, b.data)
        except ValueError:
            raise ValueError(f"{op}: shapes {a.shape} and {b.shape} do not broadcast") from None
        return a, b, data

    def _broadcast_op(self, other, op, compute):
        """``other`` as a Tensor at the promoted dtype, and ``compute`` of the two (for comparisons)."""
        _, other, data = self._binary(other, op, compute)
        return other, data

    def _cast(self, dtype):
        return self if self.data.dtype == dtype else self.to(dtype)

    def __add__(self, other):
        self, other, data = self._binary(other, "add", np.add)
        a_shape, b_shape = self.shape, other.shape

        def grad_fn(g):
            return _unbroadcast(g, a_shape), _unbroadcast(g, b_shape)

        return _result(data, (self, other), "add", grad_fn)

    def __sub__(self, other):
        self, other, data = self._binary(other, "sub", np.subtract)
        a_shape, b_shape = self.shape, other.shape

        def grad_fn(g):
            return _unbroadcast(g, a_shape), _unbroadcast(-g, b_shape)

        return _result(data, (self, other), "sub", grad_fn)

    def __mul__(self, other):
        self, other, data = self._binary(other, "mul", np.multiply)
        a, b = self.data, other.data

        def grad_fn(g):
            return _unbroadcast(g * b, a.shape), _unbroadcast(g * a, b.shape)

        return _result(data, (self, other), "mul", grad_fn)

    def __truediv__(self, other):
        with np.errstate(divide="ignore", invalid="ignore"):
            self, other, data = self._binary(other, "div", np.true_divide, floating=True)
        a, b = self.data, other.data

        def grad_fn(g):
            with np.errstate(divide="ignore", invalid="ignore"):
                return _unbroadcast(g / b, a.shape), _unbroadcast(-g * data / b, b.shape)

        return _result(data, (self, other), "div", grad_fn)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return self._pow_tensor(exponent)
        if not isinstance(exponent, numbers.Real):
            raise TypeError(f"pow: expected a Tensor or a real exponent, got {type(exponent).__name__}")
        a, n = self.data, exponent
        if a.dtype.kind != "f":
            # An int tensor to the power 0.5 is float32, as in PyTorch (NumPy gives float64).
            a = a.astype(_result_dtype(self, n), copy=False)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # astype: NumPy's bool ** bool is int8, PyTorch's is bool.
            data = (a**n).astype(a.dtype, copy=False)

        def grad_fn(g):
            if n == 0:
                # Not 0 * a**-1, which is nan at a == 0; PyTorch's gradient is 0 there too.
                return (np.zeros_like(g),)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                return (g * n * a ** (n - 1),)

        return _result(data, (self,), f"pow{n}", grad_fn)

    def _pow_tensor(self, exponent):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            self, exponent, data = self._binary(exponent, "pow", np.power)
        a, b = self.data, exponent.data
        data = data.astype(a.dtype, copy=False)

        def grad_fn(g):
            zero = data.dtype.type(0)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                # x**0 is constant: its slope is 0 even at x == 0, where b * a**(b-1) is 0 * inf.
                d_base = g * np.where(b == 0, zero, b * a ** (b - 1))
                # d(a**b)/db = a**b log(a): at a == 0 that is 0 for b >= 0 and -inf for b < 0, as PyTorch has it.
                d_exponent = g * np.where((a == 0) & (b >= 0), zero, data * np.log(a))
            return _unbroadcast(d_base.astype(data.dtype, copy=False), a.shape), _unbroadcast(
                d_exponent.astype(data.dtype, copy=False), b.shape
            )

        return _result(data, (self, exponent), "pow", grad_fn)

    def __radd__(self, other):
        return self._operand(other, "add") + self

    def __rsub__(self, other):
        return self._operand(other, "sub") - self

    def __rmul__(self, other):
        return self._operand(other, "mul") * self

    def __rtruediv__(self, other):
        return self._operand(other, "div") / self

    def __rpow__(self, base):
        return self._operand(base, "pow") ** self

    def __neg__(self):
        def grad_fn(g):
            return (-g,)

        return _result(-self.data, (self,), "neg", grad_fn)

    def exp(self):
        with np.errstate(over="ignore"):
            data = np.exp(_floating(self.data))

        def grad_fn(g):
            return (g * data,)

        return _result(data, (self,), "exp", grad_fn)

    def log(self):
        a = _floating(self.data)
        with np.errstate(divide="ignore", invalid="ignore"):
            data = np.log(a)

        def grad_fn(g):
            with np.errstate(divide="ignore"):
                return (g / a,)

        return _result(data, (self,), "log", grad_fn)

    def sqrt(self):
        with np.errstate(invalid="ignore"):
            data = np.sqrt(_floating(self.data))

        def grad_fn(g):
            with np.errstate(divide="ignore"):
                return (g * 0.5 / data,)

        return _result(data, (self,), "sqrt", grad_fn)

    def abs(self):
        a = self.data

        def grad_fn(g):
            # Not np.sign(a), which is nan at nan; PyTorch's slope there is 0.
            return (g * ((a > 0).astype(a.dtype) - (a < 0)),)

        return _result(np.abs(a), (self,), "abs", grad_fn)

    __abs__ = abs

    def clip(self, min=None, max=None):
        """Values outside [min, max] are set to the bound; their gradient is zero."""
        a = self.data
        if min is None and max is None:
            raise ValueError("clip: at least one of min and max must be given, as in PyTorch")
        for bound in (min, max):
            if bound is not None and not (isinstance(bound, numbers.Real) or _is_real_array(bound)):
                raise TypeError(f"clip: a bound must be a real number or None, got {type(bound).__name__} {bound!r}")
        data = np.clip(a, min, max)
        inside = np.ones(a.shape, dtype=bool)
        if min is not None:
            inside &= a >= min
        if max is not None:
            inside &= a <= max

        def grad_fn(g):
            return (g * inside,)

        return _result(data, (self,), "clip", grad_fn)

    clamp = clip

    # Comparisons give boolean tensors, outside the graph (as in PyTorch).
    def __eq__(self, other):
        return Tensor._wrap(self._broadcast_op(other, "eq", np.equal)[1])

    def __ne__(self, other):
        return Tensor._wrap(self._broadcast_op(other, "ne", np.not_equal)[1])

    def __lt__(self, other):
        return Tensor._wrap(self._broadcast_op(other, "lt", np.less)[1])

    def __le__(self, other):
        return Tensor._wrap(self._broadcast_op(other, "le", np.less_equal)[1])

    def __gt__(self, other):
        return Tensor._wrap(self._broadcast_op(other, "gt", np.greater)[1])

    def __ge__(self, other):
        return Tensor._wrap(self._broadcast_op(other, "ge", np.greater_equal)[1])

    # ------------------------------------------------------------------ matmul

    def __matmul__(self, other):
        other = self._operand(other, "matmul")
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul: both operands need at least one dimension, got shapes {a.shape} and {b.shape}")
        if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(
                f"matmul: shapes {a.shape} and {b.shape} do not align "
                f"({a.shape[-1]} != {b.shape[-2 if b.ndim > 1 else 0]})"
            )
        try:
            with np.errstate(all="ignore"):  # 0 * inf and overflow, as in PyTorch, without a warning
                data = a @ b
        except ValueError:
            raise ValueError(f"matmul: batch dimensions of shapes {a.shape} and {b.shape} do not broadcast") from None

        def grad_fn(g):
            # Treat vectors as 1-row / 1-column matrices, then undo that.
            a2 = a if a.ndim > 1 else a[None, :]
            b2 = b if b.ndim > 1 else b[:, None]
            g2 = g
            # The column axis first: for vector @ vector, g is 0-d and has no axis -2 until then.
            if b.ndim == 1:
                g2 = np.expand_dims(g2, -1)
            if a.ndim == 1:
                g2 = np.expand_dims(g2, -2)
            d_a = _unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if self.requires_grad else None
            d_b = _unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape) if other.requires_grad else None
            return d_a, d_b

        return _result(data, (self, other), "matmul", grad_fn)

    def __rmatmul__(self, other):
        return self._operand(other, "matmul") @ self

    matmul = __matmul__

    # ------------------------------------------------------------------ reduce

    @_torch_names
    def sum(self, axis=None, keepdims=False):
        shape, axis = self.shape, _axes("sum", axis, self.ndim)
        with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf is NaN, 1e308 + 1e308 inf: no warning
            data = self.data.sum(axis=axis, keepdims=keepdims)

        def grad_fn(g):
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            # A writable copy: a gradient must never be a read-only broadcast view.
            return (np.array(np.broadcast_to(g, shape)),)

        return _result(data, (self,), "sum", grad_fn)

    @_torch_names
    def mean(self, axis=None, keepdims=False):
        total = self.sum(axis=_axes("mean", axis, self.ndim), keepdims=keepdims)
        return total / (self.data.size // max(total.data.size, 1))

    @_torch_names
    def var(self, axis=None, keepdims=False, correction=1):
        """Variance with PyTorch's default Bessel correction (divide by N - 1)."""
        mean = self.mean(axis=axis, keepdims=True)
        centred = self - mean
        count = self.data.size // max(mean.data.size, 1)
        return (centred * centred).sum(axis=axis, keepdims=keepdims) / max(count - correction, 0)

    def _extreme(self, axis, keepdims, op, pick, arg_pick, split_ties=False):
        """max or min. As in PyTorch: along one axis the gradient goes to the index ``arg_pick`` returns
        (the first of tied values); over all axes (and in amax/amin, ``split_ties``), tied values
        share it; a NaN is the extreme."""
        a, axis = self.data, _axes(op, axis, self.ndim)
        try:
            data = pick(a, axis=axis, keepdims=keepdims)
        except ValueError:
            raise ValueError(f"{op}: cannot reduce over an axis of length 0 (shape {a.shape})") from None

        def grad_fn(g):
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            if axis is not None and len(axis) == 1 and not split_ties:
                winners = np.expand_dims(arg_pick(a, axis=axis[0]), axis) == np.arange(a.shape[axis[0]]).reshape(
                    [-1 if i == axis[0] else 1 for i in range(a.ndim)]
                )
            else:
                kept = pick(a, axis=axis, keepdims=True)
                winners = (a == kept) | (np.isnan(a) & np.isnan(kept))
                winners = winners / winners.sum(axis=axis, keepdims=True)
            return ((winners * g).astype(a.dtype, copy=False),)

        return _result(data, (self,), op, grad_fn)

    @_torch_names
    def max(self, axis=None, keepdims=False):
        """The largest element; along ``dim`` the pair ``(values, indices)``; with a tensor, ``maximum``."""
        if isinstance(axis, Tensor):
            return self.maximum(axis)
        return self._extreme_pair(axis, keepdims, "max", np.max, np.argmax)

    @_torch_names
    def min(self, axis=None, keepdims=False):
        """The smallest element; along ``dim`` the pair ``(values, indices)``; with a tensor, ``minimum``."""
        if isinstance(axis, Tensor):
            return self.minimum(axis)
        return self._extreme_pair(axis, keepdims, "min", np.min, np.argmin)

    @_torch_names
    def argmax(self, axis=None, keepdims=False):
        return Tensor._wrap(np.argmax(self.data, axis=axis, keepdims=keepdims))

    @_torch_names
    def argmin(self, axis=None, keepdims=False):
        return Tensor._wrap(np.argmin(self.data, axis=axis, keepdims=keepdims))

    # ------------------------------------------------------------------ movement

    def reshape(self, *shape):
        shape = _shape(shape)
        old = self.shape
        try:
            data = self.data.reshape(shape)
        except (TypeError, ValueError) as error:
            message = f"reshape: cannot reshape a tensor of shape {old} ({self.data.size} elements) to {shape}"
            raise type(error)(message) from None

        def grad_fn(g):
            return (g.reshape(old),)

        return _result(data, (self,), "reshape", grad_fn)

    view = reshape

    def permute(self, *axes):
        axes = _shape(axes)
        if sorted(a + self.ndim if a < 0 else a for a in axes) != list(range(self.ndim)):
            raise ValueError(f"permute: {axes} is not an order of the {self.ndim} axes of shape {self.shape}")
        inverse = np.argsort([a % self.ndim for a in axes])

        def grad_fn(g):
            return (g.transpose(inverse),)

        return _result(self.data.transpose(axes), (self,), "permute", grad_fn)

    def transpose(self, axis0=-2, axis1=-1):
        """Swap two axes (PyTorch's ``transpose(dim0, dim1)``)."""
        axes = list(range(self.ndim))
        try:
            axes[axis0], axes[axis1] = axes[axis1], axes[axis0]
        except IndexError:
            raise IndexError(f"transpose: axes {axis0} and {axis1} are not both axes of shape {self.shape}") from None
        return self.permute(*axes)

    @property
    def T(self):
        return self.permute(*reversed(range(self.ndim)))

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self.shape
        if not shape:
            return self.reshape(1)
        for dim in (start_dim, end_dim):
            if not -len(shape) <= dim < len(shape):
                raise IndexError(f"flatten: dimension {dim} is out of range for shape {shape}")
        start, end = start_dim % len(shape), end_dim % len(shape)
        return self.reshape(*shape[:start], -1, *shape[end + 1 :])

    @_torch_names
    def unsqueeze(self, axis):
        return self.reshape(*np.expand_dims(self.data, axis).shape)

    @_torch_names
    def squeeze(self, axis=None):
        """Drop axes of size 1: all of them, or those among ``axis``; as in PyTorch, another size stays."""
        axis = _axes("squeeze", axis, self.ndim)
        if axis is not None:
            axis = tuple(a for a in axis if self.shape[a] == 1)
        return self.reshape(*np.squeeze(self.data, axis).shape)

    def broadcast_to(self, *shape):
        shape = _shape(shape)
        old = self.shape
        try:
            data = np.broadcast_to(self.data, shape)
        except ValueError:
            raise ValueError(f"broadcast_to: shape {old} cannot broadcast to {shape}") from None

        def grad_fn(g):
            return (_unbroadcast(g, old),)

        return _result(data, (self,), "broadcast_to", grad_fn)

    def expand(self, *sizes):
        """``broadcast_to``, where -1 keeps an axis's size (PyTorch's ``expand``)."""
        sizes = _shape(sizes)
        offset = len(sizes) - self.ndim
        return self.broadcast_to(*(self.shape[i - offset] if n == -1 else n for i, n in enumerate(sizes)))

    # ------------------------------------------------------------------ indexing

    def __getitem__(self, index):
        basic, index = _torch_index(_numpy_index(index))
        a = self.data
        try:
            data = (a if basic is None else a[basic])[index]
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {a.shape})") from None
        fancy = _has_array(index)

        def grad_fn(g):
            grad = np.zeros_like(a)
            # a[basic] is a view: writing into it writes into grad.
            target = grad if basic is None else grad[basic]
            if fancy:
                # Repeated indices must add up, which plain assignment would not do.
                np.add.at(target, index, g)
            else:
                target[index] = g
            return (grad,)

        return _result(data, (self,), "getitem", grad_fn)

    def __setitem__(self, index, value):
        if self.requires_grad or self._prev:
            raise RuntimeError(
                "setitem: writing into a tensor that is part of a graph would make its gradients wrong; "
                "build a new tensor with where(condition, a, b) or masked_fill(mask, value) instead"
            )
        basic, index = _torch_index(_numpy_index(index))
        # a[basic] is a view, so writing into it writes into the tensor.
        (self.data if basic is None else self.data[basic])[index] = value.data if isinstance(value, Tensor) else value

    def masked_fill(self, mask, value):
        """A copy with ``value`` where ``mask`` is true; no gradient flows through the filled places."""
        mask = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
        try:
            keep = np.broadcast_to(~mask.astype(bool), self.shape)
        except ValueError:
            raise ValueError(f"masked_fill: mask of shape {mask.shape} does not broadcast to {self.shape}") from None
        data = np.where(keep, self.data, np.asarray(value, dtype=self.dtype))

        def grad_fn(g):
            return (g * keep,)

        return _result(data, (self,), "masked_fill", grad_fn)

    # ------------------------------------------------------------------ activations

    def tanh(self):
        data = np.tanh(_floating(self.data))

        def grad_fn(g):
            return (g * (1 - data * data),)

        return _result(data, (self,), "tanh", grad_fn)

    def sigmoid(self):
        a = _floating(self.data)
        # exp(-|a|) never overflows; the two forms agree and each is exact on its side.
        e = np.exp(-np.abs(a))
        data = np.where(a >= 0, 1 / (1 + e), e / (1 + e))

        def grad_fn(g):
            return (g * data * (1 - data),)

        return _result(data, (self,), "sigmoid", grad_fn)

    def relu(self):
        a = self.data
        data = np.maximum(a, 0)

        def grad_fn(g):
            # "Not negative" rather than "positive": a NaN passes its gradient on, as in PyTorch.
            return (g * ~(a <= 0),)

        return _result(data, (self,), "relu", grad_fn)

    def gelu(self, approximate="none"):
        """x * Phi(x), Phi the normal CDF; ``approximate='tanh'`` is the faster tanh form."""
        a = _floating(self.data)
        if approximate == "tanh":
            c = math.sqrt(2 / math.pi)
            with np.errstate(over="ignore", invalid="ignore"):  # a**3 overflows for huge a
                inner = np.tanh(c * (a + 0.044715 * a**3))
                data = 0.5 * a * (1 + inner)

            def grad_fn(g):
                d_inner = (1 - inner * inner) * c * (1 + 3 * 0.044715 * a * a)
                return (g * (0.5 * (1 + inner) + 0.5 * a * d_inner),)

        elif approximate == "none":
            # frompyfunc gives an object array, or a bare float for a 0-d input.
            cdf = 0.5 * (1 + np.asarray(_erf(a / math.sqrt(2)), dtype=a.dtype))
            with np.errstate(invalid="ignore"):  # -inf * 0
                data = a * cdf

            def grad_fn(g):
                pdf = np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
                return (g * (cdf + a * pdf),)

        else:
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return _result(data, (self,), "gelu", grad_fn)

    @_torch_names
    def softmax(self, axis=-1):
        a, axis = self.data, _axis("softmax", axis, self.ndim)
        # initial=-inf: along an axis of length 0 the result is empty, as in PyTorch, not an error;
        # an infinite input gives NaN, as in PyTorch, without NumPy's warning; a shift below the
        # largest float is -inf, whose exp is the 0 it would be anyway.
        with np.errstate(invalid="ignore", over="ignore"):
            e = np.exp(a - a.max(axis=axis, keepdims=True, initial=-np.inf))
            data = e / e.sum(axis=axis, keepdims=True)

        def grad_fn(g):
            return (data * (g - (g * data).sum(axis=axis, keepdims=True)),)

        return _result(data, (self,), "softmax", grad_fn)

    @_torch_names
    def log_softmax(self, axis=-1):
        a, axis = self.data, _axis("log_softmax", axis, self.ndim)
        # log(0) only for an axis of length 0, whose result is empty; inf - inf is NaN, as in PyTorch;
        # a shift below the largest float is -inf, as the exact log-probability rounds to.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            shifted = a - a.max(axis=axis, keepdims=True, initial=-np.inf)
            data = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

        def grad_fn(g):
            return (g - np.exp(data) * g.sum(axis=axis, keepdims=True),)

        return _result(data, (self,), "log_softmax", grad_fn)

    # ------------------------------------------------------------------ conversion

    def to(self, dtype, copy=False):
        """This tensor as ``dtype`` (or as another tensor's dtype), a new node whose gradient is cast
        back; itself if it has that dtype already (unless ``copy``), as in PyTorch. A device name
        ('cpu') is accepted and changes nothing: minigrad computes on the CPU."""
        if isinstance(dtype, Tensor):
            dtype = dtype.dtype
        elif dtype == "cpu":
            dtype = self.dtype
        dtype = np.dtype(dtype)
        if dtype == self.dtype and not copy:
            return self
        if dtype.kind not in "biuf":
            raise TypeError(f"to: minigrad holds bool, integer and floating dtypes, not {dtype}")
        if dtype.kind != "f":
            # Integers and bools have no gradient: the result is outside the graph, as in PyTorch.
            return Tensor._wrap(self.data.astype(dtype))
        old = self.dtype

        def grad_fn(g):
            return (g.astype(old),)

        return _result(self.data.astype(dtype), (self,), "to", grad_fn)

    def type(self, dtype=None):
        """Without ``dtype``, the type's name as PyTorch spells it ('minigrad.FloatTensor'); else ``to(dtype)``."""
        if dtype is None:
            return f"minigrad.{_TYPE_NAMES.get(self.dtype, str(self.dtype))}"
        return self.to(dtype)

    def float(self):
        return self.to(float32)

    def double(self):
        return self.to(float64)

    def long(self):
        return self.to(int64)

    def int(self):
        return self.to(int32)

    def bool(self):
        return self.to(bool_)

    # ------------------------------------------------------------------ in-place updates
    # As in PyTorch, these write into the tensor's own array (so a view of it, or what numpy()
    # returned, sees the change) and keep its dtype; each returns the tensor itself. They are for
    # updates outside the graph: an optimizer step under no_grad(), filling a fresh tensor.
    # PyTorch keeps a version counter per tensor to catch an array changed after the graph saved
    # it; minigrad keeps none, so it refuses every tensor the graph follows (outside no_grad).

    def _check_inplace(self, op):
        if autograd._grad_enabled and self.requires_grad:
            if self._grad_fn is None:
                raise RuntimeError(
                    f"{op}: a leaf Variable that requires grad is being used in an in-place operation "
                    "(the graph would lose the value it was computed from); "
                    "update parameters inside `with minigrad.no_grad():`"
                )
            raise RuntimeError(
                f"{op}: this tensor is the output of {self._op!r} in a graph, and minigrad keeps no version "
                "counter to tell whether its backward pass still needs the old values; "
                "use the out-of-place op (x = x + y) or work under no_grad()"
            )
        if not self.data.flags.writeable:
            raise RuntimeError(
                f"{op}: this tensor is a read-only view (expand/broadcast_to repeat one element in several "
                "places); write into a copy, minigrad.tensor(t), instead"
            )

    def _inplace_operand(self, op, other):
        """``other``'s values, checked: they must broadcast to this shape and, as PyTorch asks, the
        op's result type must not be of a higher kind (bool < int < float) than this dtype."""
        if isinstance(other, np.ndarray):
            other = Tensor(other, dtype=other.dtype)
        if isinstance(other, bool) or (isinstance(other, numbers.Real) and not isinstance(other, Tensor)):
            values = other
        elif isinstance(other, Tensor):
            if autograd._grad_enabled and other.requires_grad:
                raise RuntimeError(
                    f"{op}: the operand requires grad, and minigrad's in-place ops record no graph; "
                    "pass other.detach(), work under no_grad(), or use the out-of-place op"
                )
            values = other.data
        else:
            raise TypeError(f"{op}: expected a Tensor or a number, got {type(other).__name__}")
        result = _result_dtype(self, other)
        if _CATEGORY[result.kind] > _CATEGORY[self.dtype.kind]:
            raise RuntimeError(f"{op}: result type {result} can't be cast to the desired output type {self.dtype}")
        shape = np.shape(values)
        try:
            broadcast = np.broadcast_shapes(self.shape, shape)
        except ValueError:
            broadcast = None
        if broadcast != self.shape:
            raise RuntimeError(
                f"{op}: an operand of shape {shape} does not broadcast to this tensor's shape {self.shape} "
                "(an in-place result keeps the shape of the tensor written into)"
            )
        return values

    def _update(self, op, ufunc, other):
        self._check_inplace(op)
        values = self._inplace_operand(op, other)
        with np.errstate(all="ignore"):  # inf - inf is NaN, as in PyTorch, without NumPy's warning
            ufunc(self.data, values, out=self.data, casting="unsafe")
        return self

    def add_(self, other, alpha=1):
        """``self += alpha * other``, in place."""
        return self._update("add_", np.add, self._scaled("add_", other, alpha))

    def sub_(self, other, alpha=1):
        """``self -= alpha * other``, in place."""
        if self.dtype == bool_ or isinstance(other, bool) or getattr(other, "dtype", None) == bool_:
            raise RuntimeError(
                "sub_: subtraction with a bool tensor or value is not supported, as in PyTorch; "
                "to invert a mask use ~mask or logical_not()"
            )
        return self._update("sub_", np.subtract, self._scaled("sub_", other, alpha))

    def _scaled(self, op, other, alpha):
        if alpha == 1:
            return other
        if self.dtype.kind != "f" and not isinstance(alpha, numbers.Integral):
            raise RuntimeError(f"{op}: for integral input tensors, argument alpha must not be a floating point number")
        if isinstance(other, Tensor):
            # alpha is a Python number, so the product keeps other's dtype, as PyTorch's does.
            return Tensor._wrap((other.data * np.asarray(alpha, dtype=other.dtype)).astype(other.dtype, copy=False))
        return other * alpha

    def mul_(self, other):
        return self._update("mul_", np.multiply, other)

    def div_(self, other):
        """True division in place; an integer tensor cannot hold its float result, as in PyTorch."""
        if self.dtype.kind != "f":
            self._check_inplace("div_")
            raise RuntimeError(f"div_: result type float32 can't be cast to the desired output type {self.dtype}")
        return self._update("div_", np.true_divide, other)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def copy_(self, src):
        """This tensor's values from ``src`` (broadcast to this shape, cast to this dtype as PyTorch casts)."""
        self._check_inplace("copy_")
        if not isinstance(src, Tensor):
            raise TypeError(f"copy_: expected a Tensor as the source, got {type(src).__name__}")
        if autograd._grad_enabled and src.requires_grad:
            raise RuntimeError(
                "copy_: the source requires grad, and minigrad's copy_ records no graph; "
                "copy src.detach(), or do it under no_grad()"
            )
        try:
            np.copyto(self.data, np.broadcast_to(src.data, self.shape), casting="unsafe")
        except ValueError:
            message = f"copy_: a source of shape {src.shape} does not broadcast to shape {self.shape}"
            raise RuntimeError(message) from None
        return self

    def fill_(self, value):
        """Every element set to ``value`` (a number or a one-element tensor), cast to this dtype."""
        self._check_inplace("fill_")
        if isinstance(value, Tensor):
            if value.data.ndim != 0:
                raise RuntimeError(f"fill_: only a 0-d tensor can fill, got one of shape {value.shape}")
            value = value.item()
        if not isinstance(value, numbers.Real):
            raise TypeError(f"fill_: expected a number, got {type(value).__name__}")
        with np.errstate(all="ignore"):
            self.data[...] = value
        return self

    def zero_(self):
        return self.fill_(0)

    def clamp_(self, min=None, max=None):
        """Values below ``min`` raised to it, above ``max`` lowered to it; NaN stays NaN."""
        if min is None and max is None:
            raise RuntimeError("clamp_: at least one of 'min' or 'max' must not be None")
        self._check_inplace("clamp_")
        for bound, ufunc in ((min, np.maximum), (max, np.minimum)):
            if bound is not None:
                self._update("clamp_", ufunc, bound)
        return self

    def uniform_(self, a=0.0, b=1.0, generator=None):
        """Samples from the uniform distribution on [a, b), from ``generator`` (default: the one
        ``manual_seed`` sets)."""
        self._check_random("uniform_")
        if not a <= b:
            raise RuntimeError(f"uniform_: expects a range [a, b) with a <= b, got a={a} > b={b}")
        self.data[...] = as_generator(generator).uniform(a, b, self.shape)
        return self

    def normal_(self, mean=0.0, std=1.0, generator=None):
        """Samples from the normal distribution N(mean, std**2), from ``generator``."""
        self._check_random("normal_")
        if not std >= 0:
            raise RuntimeError(f"normal_: expects std >= 0.0, got {std}")
        self.data[...] = as_generator(generator).normal(mean, std, self.shape)
        return self

    def _check_random(self, op):
        self._check_inplace(op)
        if self.dtype.kind != "f":
            raise RuntimeError(f"{op}: fills floating-point tensors only, not {self.dtype}")

    # ------------------------------------------------------------------ backward

    def backward(self, gradient=None):
        """Fill in ``grad`` of every tensor this one depends on that requires grad."""
        if not self.requires_grad:
            raise RuntimeError("backward: this tensor does not require grad and has no graph to walk back")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward: a non-scalar output (shape {self.shape}) needs an explicit gradient, "
                    "e.g. out.backward(gradient) with the gradient of a scalar loss with respect to out"
                )
            seed = np.ones_like(self.data)
        else:
            # A copy: the caller's array must not become (or stay tied to) any gradient.
            seed = np.array(gradient.data if isinstance(gradient, Tensor) else gradient, dtype=self.dtype)
            if seed.shape != self.shape:
                raise ValueError(f"backward: gradient of shape {seed.shape} for an output of shape {self.shape}")
        # inf - inf and 0 * inf give NaN gradients, as in PyTorch, without NumPy's RuntimeWarnings.
        with np.errstate(all="ignore"):
            autograd.backward(self, seed)
        return self


def _numpy_index(index):
    """An index NumPy understands: tensors and lists inside it become arrays."""
    if isinstance(index, tuple):
        return tuple(_numpy_index_part(i) for i in index)
    return _numpy_index_part(index)


def _numpy_index_part(part):
    if isinstance(part, Tensor):
        return part.data
    if isinstance(part, list):
        return np.asarray(part)
    return part


def _torch_index(index):
    """PyTorch's axis placement as ``(basic, rest)``, with PyTorch's ``a[index]`` equal to ``a[basic][rest]``.

    PyTorch takes integers first, as selections that drop their axis, and then indexes what is left
    with the arrays. NumPy counts an integer as one more array index, and arrays that a slice
    separates put their axes first: on a (2, 3, 4) tensor ``x[1, :, [0, 0]]`` is (3, 2) in PyTorch,
    (2, 3) in NumPy. Without both an integer and an array the two agree: ``basic`` is None.
    """
    # One part cannot be both: the common x[i] and x[a:b] return at once.
    if not isinstance(index, tuple) or not (any(map(_is_integer, index)) and any(map(_is_array, index))):
        return None, index
    basic, rest = [], []
    for part in index:
        if _is_integer(part):
            basic.append(int(part))  # a 0-d array would make a[basic] a copy, not a view
        elif _is_array(part):
            # A boolean mask stands for as many axes as it has.
            basic.extend([slice(None)] * (part.ndim if part.dtype.kind == "b" else 1))
            rest.append(part)
        elif part is Ellipsis:
            basic.append(part)
            rest.append(part)
        else:  # a slice, or None, whose new axis the second step keeps whole
            basic.append(part)
            rest.append(slice(None))
    return tuple(basic), tuple(rest)


def _is_integer(part):
    if isinstance(part, np.ndarray):
        return part.ndim == 0 and part.dtype.kind in "iu"
    return isinstance(part, numbers.Integral) and not isinstance(part, (bool, np.bool_))


def _is_array(part):
    return isinstance(part, np.ndarray) and part.ndim > 0


def _has_array(index):
    """Whether the index holds integer arrays, which may repeat a position."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in parts)


# ---------------------------------------------------------------------- joining and selecting


@_torch_names
def cat(tensors, axis=0):
    if isinstance(tensors, Tensor):
        raise TypeError("cat: expected a sequence of tensors, got a single Tensor (its rows would be joined)")
    tensors = list(tensors)
    if not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"cat: expected tensors, got {[type(t).__name__ for t in tensors]}")
    if not tensors:
        raise ValueError("cat: needs at least one tensor")
    try:
        data = np.concatenate([t.data for t in tensors], axis=axis)
    except ValueError:
        raise ValueError(f"cat: shapes {[t.shape for t in tensors]} do not join along axis {axis}") from None
    bounds = np.cumsum([t.shape[axis] for t in tensors])[:-1]

    def grad_fn(g):
        return tuple(np.split(g, bounds, axis=axis))

    return _result(data, tuple(tensors), "cat", grad_fn)


@_torch_names
def stack(tensors, axis=0):
    if isinstance(tensors, Tensor):
        raise TypeError("stack: expected a sequence of tensors, got a single Tensor (its rows would be joined)")
    tensors = list(tensors)
    if not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"stack: expected tensors, got {[type(t).__name__ for t in tensors]}")
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    try:
        data = np.stack([t.data for t in tensors], axis=axis)
    except ValueError:
        raise ValueError(f"stack: shapes {[t.shape for t in tensors]} differ") from None

    def grad_fn(g):
        return tuple(np.moveaxis(g, axis, 0))

    return _result(data, tuple(tensors), "stack", grad_fn)


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other``; each gets the gradient of the places it
    filled, and the result has their promoted dtype (numbers count as in every op). With the
    condition alone, the indices where it holds: one int64 tensor per dimension, as in PyTorch."""
    condition = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if input is None and other is None:
        return tuple(Tensor._wrap(i.astype(int64)) for i in np.nonzero(condition))
    condition = condition.astype(bool)
    input, other = (Tensor._wrap(x) if _is_real_array(x) else x for x in (input, other))
    for operand in (input, other):
        if not isinstance(operand, (Tensor, numbers.Real)):
            raise TypeError(f"where: expected tensors or numbers, got {type(operand).__name__}")
    dtype = _result_dtype(input, other)
    a, b = (x._cast(dtype) if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x, dtype=dtype)) for x in (input, other))
    try:
        data = np.where(condition, a.data, b.data)
    except ValueError:
        raise ValueError(f"where: shapes {condition.shape}, {a.shape} and {b.shape} do not broadcast") from None

    def grad_fn(g):
        return _unbroadcast(np.where(condition, g, 0), a.shape), _unbroadcast(np.where(condition, 0, g), b.shape)

    return _result(data, (a, b), "where", grad_fn)


# ---------------------------------------------------------------------- creation


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of ``data``, its dtype inferred as ``torch.tensor`` infers it.

    Python floats give float32, ints int64, bools bool, and a list mixing them the widest of
    those; a NumPy array or scalar, or a Tensor, keeps its own dtype (``Tensor(data)``, like
    ``torch.Tensor``, makes every kind of data float32 instead).
    """
    if dtype is None:
        if isinstance(data, (np.ndarray, np.generic, Tensor)) and np.dtype(data.dtype).kind in "biuf":
            dtype = data.dtype
        else:
            dtype = _default_dtype(_array_of("tensor", data))
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def as_tensor(data, dtype=None):
    """``data`` as a tensor, as ``torch.as_tensor``: a Tensor or a NumPy array of that dtype is
    shared, not copied (writes to one show in the other); anything else is copied as ``tensor`` does."""
    if isinstance(data, Tensor):
        return data if dtype is None or np.dtype(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf" and (dtype is None or np.dtype(dtype) == data.dtype):
        return Tensor._wrap(data)
    return tensor(data, dtype=dtype)


def from_numpy(array):
    """A tensor sharing ``array``'s memory and dtype, as ``torch.from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: can't convert np.ndarray of type {array.dtype}; minigrad holds bool, integers and floats")
    return Tensor._wrap(array)


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`tensor`: the package attribute ``minigrad.tensor`` is the
    module (``from minigrad import tensor as mt; mt.cat`` keeps working), and ``minigrad.tensor(data)``
    makes a tensor, as ``torch.tensor(data)`` does."""

    def __call__(self, data, dtype=None, requires_grad=False):
        return tensor(data, dtype=dtype, requires_grad=requires_grad)


sys.modules[__name__].__class__ = _CallableModule


def _created(array, dtype, requires_grad):
    return Tensor(array, requires_grad=requires_grad, dtype=np.dtype(dtype))


def zeros(*size, dtype=float32, requires_grad=False):
    return _created(np.zeros(_shape(size)), dtype, requires_grad)


def ones(*size, dtype=float32, requires_grad=False):
    return _created(np.ones(_shape(size)), dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """Without ``dtype``, that of the fill value as PyTorch reads it: bool, int64 or float32."""
    dtype = _number_dtype(fill_value) if dtype is None else dtype
    return _created(np.full(_shape((size,)), fill_value), dtype, requires_grad)


def randn(*size, dtype=float32, requires_grad=False, generator=None):
    """Standard normal samples from ``generator`` (default: the one ``manual_seed`` sets)."""
    return _created(as_generator(generator).standard_normal(_shape(size)), dtype, requires_grad)


def rand(*size, dtype=float32, requires_grad=False, generator=None):
    """Uniform samples in [0, 1) from ``generator`` (default: the one ``manual_seed`` sets)."""
    return _created(as_generator(generator).random(_shape(size)), dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """``start, start + step, ...`` below ``end``; int64 if all three are integers, else float32, as PyTorch."""
    array = np.arange(start, end, step) if end is not None else np.arange(0, start, step)
    return tensor(array, requires_grad=requires_grad, dtype=dtype or _default_dtype(array))


def zeros_like(t, dtype=None, requires_grad=False):
    return zeros(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return ones(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False, generator=None):
    return randn(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, generator=generator)


def rand_like(t, dtype=None, requires_grad=False, generator=None):
    return rand(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, generator=generator)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    return _created(np.full(t.shape, fill_value), dtype or t.dtype, requires_grad)


def empty(*size, dtype=float32, requires_grad=False):
    """Zeros: NumPy's uninitialised memory would make results differ from run to run, which a
    course cannot explain; PyTorch promises nothing about ``empty``'s values, so zeros are one answer."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def eye(n, m=None, dtype=float32, requires_grad=False):
    """The n x m identity matrix (m defaults to n)."""
    for name, size in (("n", n), ("m", n if m is None else m)):
        if not isinstance(size, numbers.Integral) or size < 0:
            raise ValueError(f"eye: {name} must be a non-negative integer, got {size!r}")
    return _created(np.eye(n, m), dtype, requires_grad)


def linspace(start, end, steps, dtype=float32, requires_grad=False):
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included."""
    if not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative integer, got {steps!r}")
    return _created(np.linspace(start, end, steps), dtype, requires_grad)


def randint(low, high=None, size=None, *, generator=None, dtype=int64, requires_grad=False):
    """Integers uniform in [low, high), as ``torch.randint(low=0, high, size)``: ``randint(10, (3,))``
    or ``randint(5, 10, (3,))``."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: size is required, as in randint(high, (n,)) or randint(low, high, (n,))")
    if not low < high:
        raise ValueError(f"randint: low ({low}) must be below high ({high})")
    size = tuple(size) if isinstance(size, (tuple, list)) else (size,)
    return _created(as_generator(generator).integers(low, high, size), dtype, requires_grad)
