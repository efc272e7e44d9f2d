"""Tensor mode's reductions and scans beyond the core ones in ``minigrad/tensor.py``: prod, std,
logsumexp, norm, amax/amin, any/all, cumsum, cumprod, sort, argsort, topk, and the named pairs
that max/min along a dimension, sort and topk return (as ``torch.return_types``).

``Tensor`` inherits them from ``ReduceOps``. Each op computes its result with NumPy and, beside it,
the rule that gives its operand's gradient.
"""

import numbers
from collections import namedtuple

import numpy as np

from minigrad import tensor as _core
from minigrad.ops_elementwise import _function
from minigrad.ops_movement import _dim

# PyTorch's torch.return_types: a tuple that unpacks as (values, indices) and names both.
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])
sort_result = namedtuple("sort", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])


def _others_product(a, axis):
    """Along ``axis``, the product of all the other elements for each element (exact with zeros):
    the product of those before it times the product of those after it."""
    ones = np.ones_like(np.take(a, [0], axis=axis))
    before = np.cumprod(np.concatenate([ones, np.delete(a, -1, axis=axis)], axis=axis), axis=axis)
    after = np.flip(
        np.cumprod(np.concatenate([ones, np.delete(np.flip(a, axis), -1, axis=axis)], axis=axis), axis=axis), axis
    )
    return before * after


def _take_back(g, indices, axis, shape):
    """The gradient of picking ``indices`` along ``axis``: each value's gradient back at its place."""
    grad = np.zeros(shape, dtype=g.dtype)
    np.put_along_axis(grad, indices, g, axis=axis)
    return grad


def _sort_indices(a, axis, descending):
    """Stable: tied values keep their order, in both directions. A NaN counts as the largest."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    return n - 1 - np.flip(np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)


class ReduceOps:
    __slots__ = ()

    # ------------------------------------------------------------------ reductions and scans

    def _extreme_pair(self, dim, keepdim, op, pick, arg_pick):
        """max/min: over everything a tensor; along one ``dim`` the pair (values, indices)."""
        if dim is None:
            return self._extreme(None, keepdim, op, pick, arg_pick)
        if isinstance(dim, (tuple, list)):
            raise TypeError(f"{op}: dim must be one integer (for several dimensions use a{op}), got {dim!r}")
        _core._axes(op, dim, self.ndim)
        dim = _dim(op, dim, self.ndim)
        values = self._extreme(dim, keepdim, op, pick, arg_pick)
        a = self.data.reshape(1) if self.ndim == 0 else self.data
        indices = arg_pick(a, axis=dim, keepdims=keepdim or self.ndim == 0)
        indices = indices.reshape(()) if self.ndim == 0 else indices
        pair = max_result if op == "max" else min_result
        return pair(values, _core.Tensor._wrap(indices.astype(_core.int64)))

    def amax(self, dim=(), keepdim=False):
        """The largest values over ``dim`` (one or several, all by default); tied values share the gradient."""
        return self._extreme(None if dim == () else dim, keepdim, "amax", np.max, np.argmax, split_ties=True)

    def amin(self, dim=(), keepdim=False):
        return self._extreme(None if dim == () else dim, keepdim, "amin", np.min, np.argmin, split_ties=True)

    def std(self, dim=None, keepdim=False, correction=1):
        """Standard deviation, with PyTorch's default Bessel correction."""
        return self.var(axis=dim, keepdims=keepdim, correction=correction).sqrt()

    def prod(self, dim=None, keepdim=False):
        """Product over one ``dim`` or all; each element's gradient is the product of the others."""
        a = self.data
        if a.dtype.kind in "biu":
            a = a.astype(_core.int64)  # ints and bools multiply as int64, as in PyTorch
        axis, keepdims = (None if dim is None else _dim("prod", dim, self.ndim)), keepdim
        with np.errstate(over="ignore", invalid="ignore"):
            data = np.prod(a, axis=axis, keepdims=keepdims)
        shape = a.shape

        def grad_fn(g):
            flat = a.reshape(-1) if axis is None else a
            with np.errstate(over="ignore", invalid="ignore"):
                others = _others_product(flat, 0 if axis is None else axis).reshape(shape)
            if not keepdims and axis is not None:
                g = np.expand_dims(g, axis)
            return ((g * others).astype(a.dtype, copy=False),)

        return _core._result(data, (self,), "prod", grad_fn)

    def logsumexp(self, dim, keepdim=False):
        """``log(sum(exp(x)))`` over ``dim``, shifted by the maximum so that nothing overflows."""
        a = _core._floating(self.data)
        axes, keepdims = _core._axes("logsumexp", dim, self.ndim), keepdim
        with np.errstate(invalid="ignore", divide="ignore"):
            m = np.max(a, axis=axes, keepdims=True, initial=-np.inf)
            m = np.where(np.isfinite(m), m, 0)  # all -inf gives -inf, +inf gives inf, as in PyTorch
            total = np.log(np.exp(a - m).sum(axis=axes, keepdims=True)) + m
        data = total if keepdims else np.squeeze(total, axis=axes)

        def grad_fn(g):
            if not keepdims and axes is not None:
                g = np.expand_dims(g, axes)
            with np.errstate(invalid="ignore", over="ignore"):
                return (g * np.exp(a - total),)

        return _core._result(data, (self,), "logsumexp", grad_fn)

    def norm(self, p="fro", dim=None, keepdim=False):
        """The p-norm over ``dim`` (all elements by default): p = 2 or 'fro', 1, inf, -inf or another number."""
        if p == "fro":
            p = 2
        if not isinstance(p, numbers.Real) or isinstance(p, bool):
            raise ValueError(f"norm: p must be a number, inf or 'fro', got {p!r}")
        a = _core._floating(self.data)
        axes = _core._axes("norm", dim, self.ndim)
        magnitude = np.abs(a)
        with np.errstate(all="ignore"):
            if p == np.inf or p == -np.inf:
                pick = np.max if p > 0 else np.min
                total = pick(magnitude, axis=axes, keepdims=True)
            elif p == 0:
                total = (magnitude != 0).sum(axis=axes, keepdims=True).astype(a.dtype)
            elif p == 1:
                total = magnitude.sum(axis=axes, keepdims=True)
            elif p == 2:
                total = np.sqrt((a * a).sum(axis=axes, keepdims=True))
            else:
                total = (magnitude**p).sum(axis=axes, keepdims=True) ** (1 / p)
        data = total if keepdim else np.squeeze(total, axis=axes)

        def grad_fn(g):
            if not keepdim and axes is not None:
                g = np.expand_dims(g, axes)
            with np.errstate(all="ignore"):
                if p == np.inf or p == -np.inf:
                    # Elements tied at the extreme share its gradient, as in PyTorch.
                    hits = magnitude == total
                    share = np.sign(a) * hits / hits.sum(axis=axes, keepdims=True)
                elif p == 0:
                    share = np.zeros_like(a)
                elif p == 1:
                    share = np.sign(a)
                elif p == 2:
                    # At a zero norm the gradient is 0, as PyTorch takes it (not 0 / 0).
                    share = np.where(total == 0, 0, a / total)
                else:
                    share = np.where(total == 0, 0, np.sign(a) * magnitude ** (p - 1) / total ** (p - 1))
            return ((g * share).astype(a.dtype, copy=False),)

        return _core._result(data, (self,), "norm", grad_fn)

    def any(self, dim=None, keepdim=False):
        axis = _core._axes("any", dim, self.ndim)
        return _core.Tensor._wrap(np.any(self.data, axis=axis, keepdims=keepdim))

    def all(self, dim=None, keepdim=False):
        axis = _core._axes("all", dim, self.ndim)
        return _core.Tensor._wrap(np.all(self.data, axis=axis, keepdims=keepdim))

    def cumsum(self, dim):
        """Running sums along ``dim``; element i's gradient is the sum of the gradients from i on."""
        axis = _dim("cumsum", dim, self.ndim)
        a = self.data.reshape(1) if self.ndim == 0 else self.data
        if a.dtype.kind in "biu":
            a = a.astype(_core.int64)
        with np.errstate(over="ignore", invalid="ignore"):
            data = np.cumsum(a, axis=axis).reshape(self.shape)

        def grad_fn(g):
            g = g.reshape(a.shape)
            return (np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis).reshape(self.shape),)

        return _core._result(data, (self,), "cumsum", grad_fn)

    def cumprod(self, dim):
        """Running products along ``dim``. Element i's gradient sums, over j >= i, g_j times the
        product of the first j elements without element i (computed directly, so zeros are exact)."""
        axis = _dim("cumprod", dim, self.ndim)
        a = self.data.reshape(1) if self.ndim == 0 else self.data
        if a.dtype.kind in "biu":
            a = a.astype(_core.int64)
        with np.errstate(over="ignore", invalid="ignore"):
            data = np.cumprod(a, axis=axis).reshape(self.shape)

        def grad_fn(g):
            g = np.moveaxis(g.reshape(a.shape), axis, -1)
            x = np.moveaxis(a, axis, -1)
            n = x.shape[-1]
            grad = np.zeros_like(x)
            with np.errstate(over="ignore", invalid="ignore"):
                for i in range(n):
                    without = x.copy()
                    without[..., i] = 1
                    running = np.cumprod(without[..., i:], axis=-1) * np.prod(without[..., :i], axis=-1, keepdims=True)
                    grad[..., i] = (g[..., i:] * running).sum(axis=-1)
            return (np.moveaxis(grad, -1, axis).reshape(self.shape),)

        return _core._result(data, (self,), "cumprod", grad_fn)

    def sort(self, dim=-1, descending=False, stable=False):
        """The pair (values, indices) sorted along ``dim``. Sorting is always stable (ties keep their
        order), so ``stable`` is accepted for PyTorch's signature and changes nothing."""
        axis = _dim("sort", dim, self.ndim)
        a = self.data.reshape(1) if self.ndim == 0 else self.data
        indices = _sort_indices(a, axis, descending)
        values = self._take_along(indices, axis, "sort")
        return sort_result(values, _core.Tensor._wrap(indices.reshape(self.shape).astype(_core.int64)))

    def argsort(self, dim=-1, descending=False, stable=False):
        axis = _dim("argsort", dim, self.ndim)
        a = self.data.reshape(1) if self.ndim == 0 else self.data
        return _core.Tensor._wrap(_sort_indices(a, axis, descending).reshape(self.shape).astype(_core.int64))

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """The ``k`` largest (or smallest) values along ``dim`` and their indices, largest first."""
        axis = _dim("topk", dim, self.ndim)
        a = self.data.reshape(1) if self.ndim == 0 else self.data
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 0 <= k <= a.shape[axis]:
            raise ValueError(
                f"topk: k must be an integer from 0 to {a.shape[axis]} (dim {dim} of shape {self.shape}), got {k!r}"
            )
        indices = np.take(_sort_indices(a, axis, largest), np.arange(k), axis=axis)
        values = self._take_along(indices, axis, "topk")
        return topk_result(values, _core.Tensor._wrap(indices.astype(_core.int64)))

    def _take_along(self, indices, axis, op):
        a = self.data.reshape(1) if self.ndim == 0 else self.data
        data = np.take_along_axis(a, indices, axis=axis)
        shape = a.shape
        if self.ndim == 0:
            data = data.reshape(())

        def grad_fn(g):
            return (_take_back(g.reshape(indices.shape), indices, axis, shape).reshape(self.shape),)

        return _core._result(data, (self,), op, grad_fn)


# ---------------------------------------------------------------------- as functions (torch.sum(x)...)


prod = _function("prod")
std = _function("std")
logsumexp = _function("logsumexp")
norm = _function("norm")
amax = _function("amax")
amin = _function("amin")
any = _function("any")
all = _function("all")
cumsum = _function("cumsum")
cumprod = _function("cumprod")
sort = _function("sort")
argsort = _function("argsort")
topk = _function("topk")
