"""Lookups and their neighbours, as in ``torch.nn.functional``: ``one_hot``, ``embedding`` (and the
``Embedding`` layer), ``normalize``; and ``pad``, which conv's ``padding='same'`` uses too.

Each op is one node with its gradient rule beside it.
"""

import numbers

import numpy as np

from minigrad.nn.module import Module, Parameter
from minigrad.rng import as_generator
from minigrad.tensor import Tensor, _result, float32, int64

__all__ = ["Embedding", "embedding", "normalize", "one_hot", "pad"]


def _indices(op, input):
    index = input.data if isinstance(input, Tensor) else np.asarray(input)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected an integer (int64) tensor of indices, got {index.dtype}")
    return index


def one_hot(tensor, num_classes=-1):
    """int64 rows of zeros with a 1 at each index; ``num_classes=-1`` means ``max(tensor) + 1``."""
    index = _indices("one_hot", tensor)
    if index.size and index.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {index.min()}")
    if num_classes == -1:
        if not index.size:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass num_classes")
        num_classes = int(index.max()) + 1
    if index.size and index.max() >= num_classes:
        raise ValueError(f"one_hot: class value {index.max()} is not below num_classes={num_classes}")
    return Tensor(np.eye(num_classes, dtype=int64)[index], dtype=int64)


def embedding(input, weight, padding_idx=None):
    """Row ``input[...]`` of ``weight`` for every index, as ``torch.nn.functional.embedding``. A row
    picked several times gets the sum of their gradients; row ``padding_idx`` gets none."""
    index = _indices("embedding", input)
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"embedding: weight must be a 2-D Tensor (num_embeddings, embedding_dim), got {getattr(weight, 'shape', weight)!r}")
    rows = weight.shape[0]
    if index.size and (index.min() < 0 or index.max() >= rows):
        raise IndexError(
            f"embedding: index {index.max() if index.max() >= rows else index.min()} is out of range "
            f"for weight of shape {weight.shape} (indices of shape {index.shape})"
        )
    if padding_idx is not None:
        padding_idx = _padding_index("embedding", padding_idx, rows)

    def grad_fn(g):
        grad = np.zeros(weight.shape, dtype=g.dtype)
        np.add.at(grad, index.reshape(-1), g.reshape(-1, weight.shape[1]))
        if padding_idx is not None:
            grad[padding_idx] = 0
        return (grad,)

    return _result(weight.data[index], (weight,), "embedding", grad_fn)


def _padding_index(op, padding_idx, rows):
    if not isinstance(padding_idx, numbers.Integral) or not -rows <= padding_idx < rows:
        raise ValueError(f"{op}: padding_idx must be an integer within num_embeddings ({rows}), got {padding_idx!r}")
    return int(padding_idx) % rows


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, initialised N(0, 1) as in
    PyTorch, with row ``padding_idx`` (if given) zero and never trained."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, dtype=float32, generator=None):
        super().__init__()
        for name, count in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(count, numbers.Integral) or count <= 0:
                raise ValueError(f"Embedding: {name} must be a positive int, got {count!r}")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = None if padding_idx is None else _padding_index("Embedding", padding_idx, num_embeddings)
        table = as_generator(generator).standard_normal((num_embeddings, embedding_dim)).astype(dtype)
        if self.padding_idx is not None:
            table[self.padding_idx] = 0
        self.weight = Parameter(table)

    def forward(self, input):
        return embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """``input / max(||input||_p, eps)`` along ``dim``, as ``torch.nn.functional.normalize``."""
    if input.dtype.kind != "f":
        raise TypeError(f"normalize: expected a floating-point input, got {input.dtype}")
    if not -max(input.ndim, 1) <= dim < max(input.ndim, 1):
        raise IndexError(f"normalize: dim {dim} is out of range for input of shape {input.shape}")
    if p <= 0:
        raise ValueError(f"normalize: p must be positive, got {p}")
    x = input.data
    with np.errstate(divide="ignore", invalid="ignore"):
        norm = np.sum(np.abs(x) ** p, axis=dim, keepdims=True) ** (1 / p)
    denominator = np.maximum(norm, eps)
    data = x / denominator

    def grad_fn(g):
        # y = x / n with n = ||x||_p while above eps: dy = g / n - x * sum(g x) / n^2 * dn/dx,
        # where dn/dx = sign(x) |x|^(p-1) / n^(p-1). Below eps, n is the constant eps.
        with np.errstate(divide="ignore", invalid="ignore"):
            along = np.sum(g * x, axis=dim, keepdims=True) / denominator**2
            dn = np.sign(x) * np.abs(x) ** (p - 1) / norm ** (p - 1)
        dn = np.where(norm > eps, dn, 0)
        return (g / denominator - along * dn,)

    return _result(data, (input,), "normalize", grad_fn)


# ---------------------------------------------------------------------- pad

_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dimensions, as ``torch.nn.functional.pad``: ``pad`` lists
    (left, right) for the last dimension, then for the one before, and so on. ``'constant'`` fills
    with ``value`` (0 by default) and takes any number of dimensions, a negative amount cropping;
    ``'reflect'``, ``'replicate'`` and ``'circular'`` pad the last 1 to 3 dimensions of a batched
    or unbatched input, as PyTorch allows."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pad: expected a Tensor input, got {type(input).__name__}")
    pad = tuple(pad)
    if len(pad) % 2 or not all(isinstance(n, numbers.Integral) for n in pad):
        raise ValueError(f"pad: pad must hold an even number of integers, got {pad}")
    k = len(pad) // 2
    if k > input.ndim:
        raise ValueError(f"pad: {pad} pads {k} dimensions, but the input of shape {input.shape} has {input.ndim}")
    widths = [(0, 0)] * (input.ndim - k) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
    shape = input.shape
    if mode == "constant":
        fill = 0 if value is None else value
        cut = tuple(slice(max(-a, 0), n - max(-b, 0)) for (a, b), n in zip(widths, shape))
        if any(s.start > s.stop for s in cut):
            raise ValueError(f"pad: {pad} crops more than the input of shape {shape} holds")
        kept = input.data[cut]
        grow = [(max(a, 0), max(b, 0)) for a, b in widths]
        data = np.pad(kept, grow, constant_values=np.asarray(fill, dtype=input.dtype))
        inner = tuple(slice(a, a + n) for (a, _), n in zip(grow, kept.shape))

        def grad_fn(g):
            grad = np.zeros(shape, dtype=g.dtype)
            grad[cut] = g[inner]
            return (grad,)

        return _result(data, (input,), "pad", grad_fn)
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    if value not in (None, 0):
        raise ValueError(f"pad: a fill value is only for mode 'constant', not {mode!r}")
    if not 1 <= k <= 3 or input.ndim not in (k + 1, k + 2):
        raise ValueError(
            f"pad: mode {mode!r} pads the last 1 to 3 dimensions of a (C, ...) or (N, C, ...) input; "
            f"{pad} pads {k} of an input of shape {shape}"
        )
    for (a, b), n in zip(widths, shape):
        if min(a, b) < 0 or (mode == "reflect" and max(a, b) >= n) or (mode == "circular" and max(a, b) > n):
            raise ValueError(f"pad: padding {pad} is too large (or negative) for mode {mode!r} and input of shape {shape}")
    # Each padded position copies one input position per dimension: where from, dimension by dimension.
    sources = [np.pad(np.arange(n), w, mode=_MODES[mode]) for w, n in zip(widths, shape)]
    data = input.data[np.ix_(*sources)]

    def grad_fn(g):
        for axis, source in enumerate(sources):
            if len(source) != shape[axis]:
                moved = np.moveaxis(g, axis, 0)
                grad = np.zeros((shape[axis],) + moved.shape[1:], dtype=g.dtype)
                np.add.at(grad, source, moved)  # a copied position gets each copy's gradient
                g = np.moveaxis(grad, 0, axis)
        return (g,)

    return _result(data, (input,), "pad", grad_fn)
