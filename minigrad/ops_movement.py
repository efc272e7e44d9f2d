"""Tensor mode's movement and indexing ops beyond the core ones in ``minigrad/tensor.py``:
flip, roll, repeat, repeat_interleave, split, chunk, unflatten, diag, diagonal, tril, triu (movement)
and gather, scatter, scatter_add, index_select, masked_select (indexing and gathering), plus
``einsum``.

``Tensor`` inherits them from ``MovementOps``. As everywhere in tensor mode, each op computes its
result with NumPy and, beside it, the rule that gives its operands' gradients. Most of these ops
only move or pick numbers, so their gradient puts each incoming number back where it came from,
adding where one input number went to several places.
"""

import numbers
import re
import string

import numpy as np

# ---------------------------------------------------------------------- helpers


def _dim(op, dim, ndim):
    """One dimension, negative counting from the end, checked against ``ndim``."""
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an integer, got {type(dim).__name__} {dim!r}")
    bound = max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dimensions")
    return int(dim) % bound


def _dims(op, dims, ndim):
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    dims = tuple(_dim(op, d, ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise ValueError(f"{op}: dims {dims} name a dimension twice")
    return dims


def _integer_array(op, name, index):
    index = index.data if isinstance(index, _core.Tensor) else np.asarray(index)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op}: {name} must hold integers (int64), got {index.dtype}")
    return index


def _along(index, dim):
    """The NumPy index that picks ``index[..., k, ...]`` along ``dim`` of an array and the running
    position along every other dimension (the addressing of gather and scatter)."""
    parts = []
    for d, n in enumerate(index.shape):
        if d == dim:
            parts.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            parts.append(np.arange(n).reshape(shape))
    return tuple(parts)


def _check_gather_index(op, shape, dim, index, src_shape=None):
    if index.ndim != len(shape) and not (index.ndim <= 1 and len(shape) <= 1):
        raise ValueError(
            f"{op}: index of shape {index.shape} must have as many dimensions as the tensor of shape {shape}"
        )
    for d, n in enumerate(index.shape):
        if d != dim and n > shape[d]:
            raise ValueError(
                f"{op}: index of shape {index.shape} is larger than the tensor of shape {shape} in dimension {d}"
            )
        if src_shape is not None and n > src_shape[d]:
            raise ValueError(f"{op}: index of shape {index.shape} is larger than src of shape {src_shape} in dimension {d}")
    if index.size and (index.min() < -shape[dim] or index.max() >= shape[dim]):
        raise IndexError(
            f"{op}: index values must lie in [{-shape[dim]}, {shape[dim] - 1}] for dimension {dim} "
            f"of a tensor of shape {shape}, got values from {index.min()} to {index.max()}"
        )


def _diagonal_index(shape, offset, dim1, dim2):
    """The NumPy index that picks the diagonal ``offset`` of the (dim1, dim2) planes of ``shape``,
    laid out as ``np.diagonal`` lays it out (the diagonal last)."""
    rows, cols = shape[dim1], shape[dim2]
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    i = np.arange(length) - min(offset, 0)
    j = np.arange(length) + max(offset, 0)
    others = [d for d in range(len(shape)) if d not in (dim1, dim2)]
    index = [None] * len(shape)
    for k, d in enumerate(others):
        grid = [1] * (len(others) + 1)
        grid[k] = shape[d]
        index[d] = np.arange(shape[d]).reshape(grid)
    index[dim1] = i
    index[dim2] = j
    return tuple(index)


# ---------------------------------------------------------------------- movement


class MovementOps:
    """The movement and indexing methods of ``Tensor``."""

    __slots__ = ()

    def flip(self, dims):
        """Reverse the order along ``dims`` (an int or a sequence of them)."""
        dims = _dims("flip", dims, self.ndim)

        def grad_fn(g):
            return (np.flip(g, dims),)

        return _core._result(np.flip(self.data, dims).copy(), (self,), "flip", grad_fn)

    def roll(self, shifts, dims=None):
        """Shift along ``dims`` with wrap-around; with no ``dims``, along the flattened tensor."""
        if dims is None:
            if isinstance(shifts, (tuple, list)) and len(shifts) != 1:
                raise ValueError(f"roll: without dims, shifts must be one integer, got {shifts!r}")
            return self.flatten().roll(shifts, 0).reshape(self.shape)
        dims = _dims("roll", dims, self.ndim)
        shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
        if len(shifts) != len(dims):
            raise ValueError(f"roll: {len(shifts)} shifts for {len(dims)} dims ({shifts} and {dims})")

        def grad_fn(g):
            return (np.roll(g, tuple(-s for s in shifts), dims),)

        return _core._result(np.roll(self.data, shifts, dims), (self,), "roll", grad_fn)

    def repeat(self, *sizes):
        """Tile the tensor ``sizes[d]`` times along each dimension d (PyTorch's ``repeat``, NumPy's
        ``tile``); extra leading sizes add dimensions."""
        sizes = _core._shape(sizes)
        if len(sizes) < self.ndim:
            raise ValueError(
                f"repeat: {len(sizes)} sizes {sizes} for a tensor of shape {self.shape}; give at least {self.ndim}"
            )
        if any(s < 0 for s in sizes):
            raise ValueError(f"repeat: sizes must be non-negative, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        old = self.shape

        def grad_fn(g):
            # Each output dimension is (copy, position) side by side: sum over the copies.
            split = g.reshape([n for pair in zip(sizes, shape) for n in pair])
            return (split.sum(axis=tuple(range(0, split.ndim, 2))).reshape(old),)

        return _core._result(np.tile(self.data.reshape(shape), sizes), (self,), "repeat", grad_fn)

    def repeat_interleave(self, repeats, dim=None):
        """Repeat each element ``repeats`` times (an int, or one count per element) along ``dim``;
        with no ``dim``, along the flattened tensor."""
        if dim is None:
            return self.flatten().repeat_interleave(repeats, 0)
        dim = _dim("repeat_interleave", dim, self.ndim)
        counts = _integer_array("repeat_interleave", "repeats", repeats)
        n = self.shape[dim] if self.ndim else 1
        if counts.ndim > 1 or (counts.ndim == 1 and len(counts) not in (1, n)):
            raise ValueError(
                f"repeat_interleave: repeats of shape {counts.shape} for dimension {dim} of size {n} "
                f"(tensor of shape {self.shape}); give one count or {n}"
            )
        if (counts < 0).any():
            raise ValueError("repeat_interleave: repeats must be non-negative")
        source = np.repeat(np.arange(n), np.broadcast_to(counts.reshape(-1), (n,)))
        data = np.take(self.data, source, axis=dim if self.ndim else None)
        old = self.shape

        def grad_fn(g):
            grad = np.zeros((n,) + tuple(s for d, s in enumerate(old) if d != dim), dtype=g.dtype)
            np.add.at(grad, source, np.moveaxis(g, dim, 0))
            return (np.moveaxis(grad, 0, dim).reshape(old),)

        return _core._result(data, (self,), "repeat_interleave", grad_fn)

    def split(self, split_size_or_sections, dim=0):
        """Pieces along ``dim``: of ``split_size`` each (the last may be smaller) or of the listed sizes."""
        dim = _dim("split", dim, self.ndim)
        n = self.shape[dim]
        if isinstance(split_size_or_sections, numbers.Integral):
            size = int(split_size_or_sections)
            if size <= 0 and n:
                raise ValueError(f"split: split_size must be positive, got {size}")
            sizes = [min(size, n - start) for start in range(0, n, size)] if n else [0]
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if sum(sizes) != n or any(s < 0 for s in sizes):
                raise ValueError(
                    f"split: sections {sizes} must be non-negative and add up to {n}, the size of dimension "
                    f"{dim} of shape {self.shape}"
                )
        starts = np.cumsum([0] + sizes)
        before = (slice(None),) * dim
        return tuple(self[before + (slice(starts[k], starts[k + 1]),)] for k in range(len(sizes)))

    def chunk(self, chunks, dim=0):
        """At most ``chunks`` pieces of equal size (the last may be smaller) along ``dim``, as PyTorch."""
        if not isinstance(chunks, numbers.Integral) or chunks <= 0:
            raise ValueError(f"chunk: chunks must be a positive integer, got {chunks!r}")
        n = self.shape[_dim("chunk", dim, self.ndim)]
        return self.split(max(1, -(-n // chunks)), dim)

    def unflatten(self, dim, sizes):
        """Dimension ``dim`` as several, of ``sizes`` (one of them may be -1)."""
        dim = _dim("unflatten", dim, self.ndim)
        sizes = tuple(sizes)
        known = int(np.prod([s for s in sizes if s != -1]))
        if sizes.count(-1) > 1 or (-1 not in sizes and known != self.shape[dim]) or (
            -1 in sizes and (known == 0 or self.shape[dim] % known)
        ):
            raise ValueError(
                f"unflatten: sizes {sizes} do not multiply to {self.shape[dim]}, the size of dimension {dim} "
                f"of shape {self.shape}"
            )
        return self.reshape(*self.shape[:dim], *sizes, *self.shape[dim + 1 :])

    def diag(self, diagonal=0):
        """A 1-D tensor as a square matrix with it on diagonal ``diagonal``; a matrix's diagonal as 1-D."""
        if self.ndim == 1:
            n = len(self.data) + abs(diagonal)
            index = _diagonal_index((n, n), diagonal, 0, 1)

            def grad_fn(g):
                return (g[index],)

            return _core._result(np.diag(self.data, diagonal), (self,), "diag", grad_fn)
        if self.ndim == 2:
            return self.diagonal(diagonal)
        raise ValueError(f"diag: expected a 1-D or 2-D tensor, got shape {self.shape}")

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal ``offset`` of each (dim1, dim2) plane, as a last dimension."""
        if self.ndim < 2:
            raise ValueError(f"diagonal: expected a tensor of at least 2 dimensions, got shape {self.shape}")
        dim1, dim2 = _dims("diagonal", (dim1, dim2), self.ndim)
        index = _diagonal_index(self.shape, offset, dim1, dim2)
        shape = self.shape

        def grad_fn(g):
            grad = np.zeros(shape, dtype=g.dtype)
            grad[index] = g
            return (grad,)

        return _core._result(self.data[index], (self,), "diagonal", grad_fn)

    def t(self):
        """A matrix transposed (a vector or a 0-d tensor as it is), as PyTorch's ``t()``."""
        if self.ndim > 2:
            raise ValueError(f"t: expects a tensor with <= 2 dimensions, but got shape {self.shape}; use transpose() or mT")
        return self.T if self.ndim == 2 else self.reshape(self.shape)

    @property
    def mT(self):
        """The last two dimensions swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise ValueError(f"mT: expects a tensor of at least 2 dimensions, got shape {self.shape}")
        return self.transpose(-2, -1)

    def clone(self):
        """A copy of the data in a new node, whose gradient flows back to this tensor, as PyTorch's ``clone``."""

        def grad_fn(g):
            return (g,)

        return _core._result(self.data.copy(), (self,), "clone", grad_fn)

    def tril(self, diagonal=0):
        """The lower triangle of the last two dimensions, from diagonal ``diagonal`` down; zeros above."""
        if self.ndim < 2:
            raise ValueError(f"tril: expected a tensor of at least 2 dimensions, got shape {self.shape}")

        def grad_fn(g):
            return (np.tril(g, diagonal),)

        return _core._result(np.tril(self.data, diagonal), (self,), "tril", grad_fn)

    def triu(self, diagonal=0):
        """The upper triangle of the last two dimensions, from diagonal ``diagonal`` up; zeros below."""
        if self.ndim < 2:
            raise ValueError(f"triu: expected a tensor of at least 2 dimensions, got shape {self.shape}")

        def grad_fn(g):
            return (np.triu(g, diagonal),)

        return _core._result(np.triu(self.data, diagonal), (self,), "triu", grad_fn)

    # ------------------------------------------------------------------ indexing and gathering

    def gather(self, dim, index):
        """``out[i][j] = self[index[i][j]][j]`` for dim 0 (and so on): pick along ``dim`` by ``index``,
        which has the tensor's number of dimensions and is no larger in the others."""
        dim = _dim("gather", dim, self.ndim)
        index = _integer_array("gather", "index", index)
        _check_gather_index("gather", self.shape, dim, index)
        where = _along(index, dim)
        shape = self.shape

        def grad_fn(g):
            grad = np.zeros(shape, dtype=g.dtype)
            np.add.at(grad, where, g)  # a position picked twice gets both gradients
            return (grad,)

        return _core._result(self.data[where], (self,), "gather", grad_fn)

    def _scatter(self, op, dim, index, src, add):
        dim = _dim(op, dim, self.ndim)
        index = _integer_array(op, "index", index)
        if isinstance(src, _core.Tensor):
            if src.ndim != self.ndim:
                raise ValueError(f"{op}: src of shape {src.shape} must have as many dimensions as the tensor of shape {self.shape}")
            _check_gather_index(op, self.shape, dim, index, src.shape)
        elif add or not isinstance(src, numbers.Number):
            raise TypeError(f"{op}: src must be a Tensor{'' if add else ' or a number'}, got {type(src).__name__}")
        else:
            _check_gather_index(op, self.shape, dim, index)
            src = _core.Tensor(np.asarray(src, dtype=self.dtype))
        where = _along(index, dim)
        used = tuple(slice(0, n) for n in index.shape)
        values = src.data[used] if src.ndim else np.broadcast_to(src.data, index.shape)
        data = self.data.copy()
        if add:
            np.add.at(data, where, values.astype(self.dtype, copy=False))
        else:
            data[where] = values
        src_shape = src.shape

        def grad_fn(g):
            d_self = g.copy()
            if not add:
                d_self[where] = 0  # those places were overwritten
            d_src = np.zeros(src_shape, dtype=g.dtype)
            if src_shape:
                d_src[used] = g[where]
            return d_self, d_src

        return _core._result(data, (self, src), op, grad_fn)

    def scatter(self, dim, index, src=None, value=None):
        """A copy with ``src[i][j]`` written at ``[index[i][j]][j]`` for dim 0 (and so on); ``src`` may
        be a number (or given as ``value``). Not in place, unlike PyTorch's ``scatter_``."""
        return self._scatter("scatter", dim, index, value if src is None else src, add=False)

    def scatter_add(self, dim, index, src):
        """A copy with ``src[i][j]`` added at ``[index[i][j]][j]`` for dim 0 (and so on); repeated
        positions add up."""
        return self._scatter("scatter_add", dim, index, src, add=True)

    def index_select(self, dim, index):
        """The slices at ``index`` (1-D integers) along ``dim``, in that order."""
        dim = _dim("index_select", dim, self.ndim)
        index = _integer_array("index_select", "index", index)
        if index.ndim > 1:
            raise ValueError(f"index_select: index must be 1-D, got shape {index.shape}")
        n = self.shape[dim] if self.ndim else 1
        if index.size and (index.min() < -n or index.max() >= n):
            raise IndexError(f"index_select: index out of range for dimension {dim} of size {n} (shape {self.shape})")
        index = index.reshape(-1)
        shape = self.shape

        def grad_fn(g):
            grad = np.zeros(shape, dtype=g.dtype)
            np.add.at(np.moveaxis(grad, dim, 0) if shape else grad.reshape(1), index, np.moveaxis(g, dim, 0) if shape else g.reshape(-1))
            return (grad,)

        data = np.take(self.data, index, axis=dim) if shape else self.data.reshape(1)[index].reshape(())
        return _core._result(data, (self,), "index_select", grad_fn)

    def masked_select(self, mask):
        """The elements where ``mask`` (bool, broadcast with the tensor) is true, as a 1-D tensor."""
        mask = mask.data if isinstance(mask, _core.Tensor) else np.asarray(mask)
        if mask.dtype != np.bool_:
            raise TypeError(f"masked_select: mask must be bool, got {mask.dtype}")
        try:
            shape = np.broadcast_shapes(self.shape, mask.shape)
        except ValueError:
            raise ValueError(f"masked_select: mask of shape {mask.shape} does not broadcast with {self.shape}") from None
        full_mask = np.broadcast_to(mask, shape)
        old = self.shape

        def grad_fn(g):
            grad = np.zeros(shape, dtype=g.dtype)
            grad[full_mask] = g
            return (_core._unbroadcast(grad, old),)

        return _core._result(np.broadcast_to(self.data, shape)[full_mask], (self,), "masked_select", grad_fn)


def tril(input, diagonal=0):
    return input.tril(diagonal)


def triu(input, diagonal=0):
    return input.triu(diagonal)


# ---------------------------------------------------------------------- einsum


def _einsum_parse(equation, operands):
    """Subscripts per operand and of the output, with '...' spelled out as capital letters."""
    text = equation.replace(" ", "")
    inputs, arrow, output = text.partition("->")
    subscripts = inputs.split(",")
    if len(subscripts) != len(operands):
        raise ValueError(f"einsum: '{equation}' has {len(subscripts)} operand subscripts for {len(operands)} operands")
    shapes = [t.shape for t in operands]
    spelled = []
    ellipsis_dims = None
    for sub, shape in zip(subscripts, shapes):
        if not re.fullmatch(r"[a-z]*(\.\.\.)?[a-z]*", sub):
            raise ValueError(f"einsum: '{equation}': subscripts must be letters a-z, with at most one '...'")
        if "..." in sub:
            count = len(shape) - (len(sub) - 3)
            if ellipsis_dims not in (None, count):
                raise ValueError(
                    f"einsum: '{equation}': every '...' must stand for as many dimensions here "
                    f"(operand shapes {shapes}); broadcasting '...' is not supported"
                )
            ellipsis_dims = count
            sub = sub.replace("...", string.ascii_uppercase[:count])
        if len(sub) != len(shape):
            raise ValueError(f"einsum: '{equation}': subscripts '{sub}' for an operand of shape {shape}")
        spelled.append(sub)
    letters = "".join(spelled)
    if arrow:
        if "..." in output:
            output = output.replace("...", string.ascii_uppercase[: ellipsis_dims or 0])
    else:
        ellipsis = string.ascii_uppercase[: ellipsis_dims or 0]
        output = ellipsis + "".join(sorted(c for c in set(letters) if c.islower() and letters.count(c) == 1))
    if any(c not in letters for c in output) or len(set(output)) != len(output):
        raise ValueError(f"einsum: '{equation}': output subscripts must appear once, and among the operands'")
    sizes = {}
    for sub, shape in zip(spelled, shapes):
        for c, n in zip(sub, shape):
            if sizes.setdefault(c, n) != n:
                raise ValueError(f"einsum: '{equation}': subscript '{c}' has sizes {sizes[c]} and {n} (operand shapes {shapes})")
    return spelled, output, sizes


def einsum(equation, *operands):
    """Sums of products named by subscripts, as ``torch.einsum``: ``'ij,jk->ik'`` (matmul),
    ``'bij,bjk->bik'`` (batched), ``'i,j->ij'`` (outer), ``'ii->'`` (trace), ``'ij->j'`` (sum),
    ``'ij->ji'`` (transpose), ... The gradient of each operand is itself an einsum: the incoming
    gradient times the other operands, summed over what the operand does not hold."""
    if len(operands) == 1 and isinstance(operands[0], (tuple, list)):
        operands = tuple(operands[0])
    if not all(isinstance(t, _core.Tensor) for t in operands):
        raise TypeError(f"einsum: operands must be tensors, got {[type(t).__name__ for t in operands]}")
    spelled, output, sizes = _einsum_parse(equation, operands)
    data = np.einsum(",".join(spelled) + "->" + output, *(t.data for t in operands))

    def grad_fn(g):
        grads = []
        for i, sub in enumerate(spelled):
            # A letter repeated in the operand (the trace's 'ii') is renamed and tied to its first
            # occurrence by an identity matrix; a letter nowhere else is spread by a vector of ones.
            fresh = iter(c for c in string.ascii_lowercase + string.ascii_uppercase if c not in "".join(spelled) + output)
            target, extra_subs, extra_arrays = "", [], []
            for c in sub:
                if c in target:
                    new = next(fresh)
                    extra_subs.append(c + new)
                    extra_arrays.append(np.eye(sizes[c], dtype=g.dtype))
                    target += new
                else:
                    target += c
            others = [(s, t.data) for k, (s, t) in enumerate(zip(spelled, operands)) if k != i]
            known = output + "".join(s for s, _ in others) + "".join(extra_subs)
            for c in dict.fromkeys(sub):
                if c not in known:
                    extra_subs.append(c)
                    extra_arrays.append(np.ones(sizes[c], dtype=g.dtype))
            subs = [output] + [s for s, _ in others] + extra_subs
            arrays = [g] + [a for _, a in others] + extra_arrays
            grads.append(np.einsum(",".join(subs) + "->" + target, *arrays))
        return tuple(grads)

    return _core._result(data, tuple(operands), "einsum", grad_fn)


# Imported last: tensor.py imports MovementOps from here while it is being defined, so whichever of
# the two modules loads first, MovementOps exists before tensor.py asks for it.
from minigrad import tensor as _core  # noqa: E402
