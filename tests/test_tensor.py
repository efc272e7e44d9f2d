"""Tensor mode: every op's values and gradients (against NumPy and finite differences), semantics, errors.

``CASES`` writes each op once, as ``fn(lib, *tensors, **kw)`` with PyTorch's names, so that the same
expression runs on minigrad here and on PyTorch in test_tensor_torch.py. Hypothesis draws the shapes
(broadcasting pairs and size-1 axes included) and the axes; the values come from a drawn seed.
"""

import math
import operator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad import gradcheck, manual_seed, no_grad, rng
from minigrad import tensor as mt
from minigrad.tensor import Tensor

CHECK = settings(max_examples=25, deadline=None)
SIDE = 3

# ---------------------------------------------------------------------- strategies


def shapes(min_dims=0, max_dims=3, min_side=1):
    return st.lists(st.integers(min_side, SIDE), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def broadcast_pairs(draw, max_dims=3):
    """Two shapes that broadcast together: each is a trailing part of one shape, some sides set to 1."""
    full = draw(shapes(0, max_dims))

    def operand():
        kept = full[len(full) - draw(st.integers(0, len(full))) :]
        return tuple(draw(st.sampled_from([n, 1])) for n in kept)

    return operand(), operand()


ANY, POSITIVE, NONZERO = "any", "positive", "nonzero"


def values(shape, domain=ANY):
    """float64 arrays; hypothesis draws (and shrinks) a seed. NONZERO keeps clear of kinks at 0."""

    def make(seed):
        g = np.random.default_rng(seed)
        if domain == ANY:
            return g.uniform(-2.0, 2.0, shape)
        magnitude = g.uniform(0.2, 2.0, shape)
        return magnitude if domain == POSITIVE else magnitude * g.choice([-1.0, 1.0], shape)

    return st.integers(0, 2**32 - 1).map(make)


def bools(shape):
    return st.integers(0, 2**32 - 1).map(lambda seed: np.random.default_rng(seed).random(shape) < 0.5)


def axes(ndim):
    """What ``sum(dim=...)`` takes: None, one axis, or a tuple of distinct axes, each maybe negative."""
    if ndim == 0:
        return st.none()
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).flatmap(
        lambda chosen: st.tuples(*(st.sampled_from([a, a - ndim]) for a in chosen))
    )
    return st.none() | st.integers(-ndim, ndim - 1) | several


def unary(domain=ANY, shape=shapes()):
    return shape.flatmap(lambda s: values(s, domain)).map(lambda x: ((x,), {}))


@st.composite
def binary(draw, domain_a=ANY, domain_b=ANY):
    shape_a, shape_b = draw(broadcast_pairs())
    return (draw(values(shape_a, domain_a)), draw(values(shape_b, domain_b))), {}


@st.composite
def reduction(draw, shape=shapes()):
    shape = draw(shape)
    return (draw(values(shape)),), {"dim": draw(axes(len(shape))), "keepdim": draw(st.booleans())}


@st.composite
def along_an_axis(draw, extra=0):
    """One array and an axis of it (``extra=1``: an axis of the result of inserting one, for stack)."""
    shape = draw(shapes(min_dims=1 - extra))
    ndim = len(shape) + extra
    return (draw(values(shape)),), {"dim": draw(st.integers(-ndim, ndim - 1))}


@st.composite
def matmul_operands(draw):
    """Vectors, matrices and batches of matrices on either side, batch dimensions broadcasting."""
    n, k, m = draw(st.tuples(*[st.integers(1, SIDE)] * 3))
    batch_a, batch_b = draw(broadcast_pairs(max_dims=2))
    kinds = st.sampled_from(["vector", "matrix", "batch"])
    kind_a, kind_b = draw(kinds), draw(kinds)
    shape_a = (k,) if kind_a == "vector" else (batch_a if kind_a == "batch" else ()) + (n, k)
    shape_b = (k,) if kind_b == "vector" else (batch_b if kind_b == "batch" else ()) + (k, m)
    return (draw(values(shape_a)), draw(values(shape_b))), {}


@st.composite
def reshape_operands(draw):
    shape = draw(shapes())
    size = math.prod(shape)
    target = draw(st.sampled_from([tuple(reversed(shape)), (-1,), (1, -1), (size, 1), shape + (1,)]))
    return (draw(values(shape)),), {"shape": target}


@st.composite
def two_axes(draw):
    shape = draw(shapes(min_dims=1))
    axis = st.integers(-len(shape), len(shape) - 1)
    return (draw(values(shape)),), {"dim0": draw(axis), "dim1": draw(axis)}


@st.composite
def permute_operands(draw):
    shape = draw(shapes())
    order = draw(st.permutations(range(len(shape))))
    spelled = tuple(draw(st.sampled_from([a, a - len(shape)])) for a in order)
    return (draw(values(shape)),), {"dims": spelled}


@st.composite
def flatten_operands(draw):
    shape = draw(shapes(min_dims=1))
    start = draw(st.integers(0, len(shape) - 1))
    end = draw(st.integers(start, len(shape) - 1))
    return (draw(values(shape)),), {"start_dim": start, "end_dim": draw(st.sampled_from([end, end - len(shape)]))}


@st.composite
def squeeze_operands(draw):
    shape = draw(shapes())
    dim = draw(st.none() | st.integers(-len(shape), len(shape) - 1)) if shape else None
    return (draw(values(shape)),), {"dim": dim}


@st.composite
def broadcast_targets(draw, keep_marker=False):
    """An array and a shape it broadcasts to; ``keep_marker`` spells some kept sides -1, as expand takes."""
    shape, other = draw(broadcast_pairs())
    target = list(np.broadcast_shapes(shape, other))
    offset = len(target) - len(shape)
    if keep_marker:
        for i in range(offset, len(target)):
            if target[i] == shape[i - offset] and draw(st.booleans()):
                target[i] = -1
    return (draw(values(shape)),), {"shape": tuple(target)}


@st.composite
def index_operands(draw, kind):
    shape = draw(shapes(min_dims=2 if kind in ("tuple", "rows_and_slice") else 1))
    n = shape[0]
    x = draw(values(shape))
    position = st.integers(-n, n - 1)
    if kind == "int":
        index = draw(position)
    elif kind == "slice":
        bound = st.none() | st.integers(-n - 1, n + 1)
        index = slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2])))
    elif kind == "tuple":
        index = (Ellipsis, draw(st.integers(-shape[-1], shape[-1] - 1)))
    elif kind == "list":
        index = draw(st.lists(position, min_size=1, max_size=4))
    elif kind == "rows_and_slice":
        index = (draw(st.lists(position, min_size=1, max_size=4)), slice(1, None))
    elif kind == "array":
        index = draw(st.integers(0, 2**32 - 1).map(lambda seed: np.random.default_rng(seed).integers(-n, n, (2, 2))))
    elif kind == "mask":
        index = draw(bools(shape))
    elif kind == "row_mask":
        index = draw(bools((n,)))
    return (x,), {"index": index}


@st.composite
def cat_operands(draw):
    shape = draw(shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    arrays = []
    for _ in range(3):
        sides = list(shape)
        sides[axis] = draw(st.integers(1, SIDE))
        arrays.append(draw(values(tuple(sides))))
    return tuple(arrays), {"dim": axis}


@st.composite
def stack_operands(draw):
    shape = draw(shapes())
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    return (draw(values(shape)), draw(values(shape))), {"dim": axis}


@st.composite
def masked_fill_operands(draw):
    shape, mask_shape = draw(broadcast_pairs())
    return (draw(values(np.broadcast_shapes(shape, mask_shape))),), {"mask": draw(bools(mask_shape))}


@st.composite
def where_operands(draw):
    shape_a, shape_b = draw(broadcast_pairs())
    full = np.broadcast_shapes(shape_a, shape_b)
    condition = draw(bools(full[draw(st.integers(0, len(full))) :]))
    return (draw(values(shape_a)), draw(values(shape_b))), {"condition": condition}


# ---------------------------------------------------------------------- every op, written once for both libraries

# What minigrad spells differently from a method of torch.Tensor; test_tensor_torch.py has torch's.
MINIGRAD = SimpleNamespace(
    const=mt.tensor,
    cat=mt.cat,
    stack=mt.stack,
    where=mt.where,
    gelu=lambda x, approximate: x.gelu(approximate),
    amax=lambda x, dim, keepdim: x.amax(dim=() if dim is None else dim, keepdim=keepdim),
    amin=lambda x, dim, keepdim: x.amin(dim=() if dim is None else dim, keepdim=keepdim),
)


@dataclass(frozen=True)
class Case:
    """``fn(lib, *tensors, **kw)``; ``reference(*arrays, **kw)`` is the same in NumPy; ``inputs`` draws
    ``(arrays, kw)``."""

    fn: Callable
    reference: Callable
    inputs: st.SearchStrategy


def _softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _squeeze(x, dim):
    return x.squeeze() if dim is None else x.squeeze(dim)


def _np_squeeze(x, dim):
    # PyTorch's squeeze(dim) leaves an axis whose size is not 1 as it is, where NumPy's raises.
    return x if dim is not None and x.shape[dim] != 1 else _squeeze(x, dim)


def _np_expand(x, shape):
    """PyTorch's expand in NumPy: a side of -1 keeps the array's own."""
    offset = len(shape) - x.ndim
    return np.broadcast_to(x, tuple(x.shape[i - offset] if n == -1 else n for i, n in enumerate(shape)))


def _reduce(method):
    """``x.method(dim, keepdim)`` for either library, and NumPy's same-named method as its reference."""
    return (
        lambda lib, x, dim, keepdim: getattr(x, method)(dim=dim, keepdim=keepdim),
        lambda x, dim, keepdim: getattr(x, method)(axis=dim, keepdims=keepdim),
    )


def _index(lib, index):
    """Arrays in an index go in as the library's tensors; lists, slices and ints as they are."""
    return lib.const(index) if isinstance(index, np.ndarray) else index


CASES = {
    # elementwise, two tensors broadcasting
    "add": Case(lambda lib, a, b: a + b, np.add, binary()),
    "sub": Case(lambda lib, a, b: a - b, np.subtract, binary()),
    "mul": Case(lambda lib, a, b: a * b, np.multiply, binary()),
    "div": Case(lambda lib, a, b: a / b, np.divide, binary(domain_b=NONZERO)),
    "pow": Case(lambda lib, a, b: a**b, np.power, binary(domain_a=POSITIVE)),
    # elementwise, a tensor and a Python number on either side
    "add_number": Case(lambda lib, x: x + 1.5, lambda x: x + 1.5, unary()),
    "radd_number": Case(lambda lib, x: 1.5 + x, lambda x: 1.5 + x, unary()),
    "sub_number": Case(lambda lib, x: x - 1.5, lambda x: x - 1.5, unary()),
    "rsub_number": Case(lambda lib, x: 1.5 - x, lambda x: 1.5 - x, unary()),
    "mul_number": Case(lambda lib, x: x * -2.5, lambda x: x * -2.5, unary()),
    "rmul_number": Case(lambda lib, x: 3 * x, lambda x: 3 * x, unary()),
    "div_number": Case(lambda lib, x: x / 2.5, lambda x: x / 2.5, unary()),
    "rdiv_number": Case(lambda lib, x: 2.5 / x, lambda x: 2.5 / x, unary(NONZERO)),
    "pow_int": Case(lambda lib, x: x**3, lambda x: x**3, unary()),
    "pow_float": Case(lambda lib, x: x**2.5, lambda x: x**2.5, unary(POSITIVE)),
    "pow_negative": Case(lambda lib, x: x**-1.5, lambda x: x**-1.5, unary(POSITIVE)),
    "rpow_number": Case(lambda lib, x: 2.5**x, lambda x: 2.5**x, unary()),
    # elementwise, one tensor
    "neg": Case(lambda lib, x: -x, np.negative, unary()),
    "exp": Case(lambda lib, x: x.exp(), np.exp, unary()),
    "log": Case(lambda lib, x: x.log(), np.log, unary(POSITIVE)),
    "sqrt": Case(lambda lib, x: x.sqrt(), np.sqrt, unary(POSITIVE)),
    "abs": Case(lambda lib, x: x.abs(), np.abs, unary(NONZERO)),
    "clip": Case(lambda lib, x: x.clip(-0.5, 1.0), lambda x: np.clip(x, -0.5, 1.0), unary()),
    "clip_min": Case(lambda lib, x: x.clip(min=0.3), lambda x: np.maximum(x, 0.3), unary()),
    "tanh": Case(lambda lib, x: x.tanh(), np.tanh, unary()),
    "sigmoid": Case(lambda lib, x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), unary()),
    "relu": Case(lambda lib, x: x.relu(), lambda x: np.maximum(x, 0), unary(NONZERO)),
    "gelu": Case(lambda lib, x: lib.gelu(x, approximate="none"), _gelu, unary()),
    "gelu_tanh": Case(lambda lib, x: lib.gelu(x, approximate="tanh"), _gelu_tanh, unary()),
    "softmax": Case(lambda lib, x, dim: x.softmax(dim=dim), _softmax, along_an_axis()),
    "log_softmax": Case(
        lambda lib, x, dim: x.log_softmax(dim=dim), lambda x, dim: np.log(_softmax(x, dim)), along_an_axis()
    ),
    # matmul
    "matmul": Case(lambda lib, a, b: a @ b, np.matmul, matmul_operands()),
    # reduce
    "sum": Case(*_reduce("sum"), reduction()),
    "mean": Case(*_reduce("mean"), reduction()),
    # PyTorch's max(dim) also returns the indices; amax is the reduction alone.
    "max": Case(lambda lib, x, dim, keepdim: lib.amax(x, dim, keepdim), _reduce("max")[1], reduction()),
    "min": Case(lambda lib, x, dim, keepdim: lib.amin(x, dim, keepdim), _reduce("min")[1], reduction()),
    # At least two elements in every reduction: a variance of one value divides by N - 1 = 0.
    "var": Case(
        lambda lib, x, dim, keepdim: x.var(dim=dim, keepdim=keepdim),
        lambda x, dim, keepdim: x.var(axis=dim, keepdims=keepdim, ddof=1),
        reduction(shapes(min_dims=1, min_side=2)),
    ),
    "var_population": Case(
        lambda lib, x, dim, keepdim: x.var(dim=dim, keepdim=keepdim, correction=0),
        lambda x, dim, keepdim: x.var(axis=dim, keepdims=keepdim),
        reduction(),
    ),
    # movement
    "reshape": Case(lambda lib, x, shape: x.reshape(shape), lambda x, shape: x.reshape(shape), reshape_operands()),
    "transpose": Case(
        lambda lib, x, dim0, dim1: x.transpose(dim0, dim1), lambda x, dim0, dim1: x.swapaxes(dim0, dim1), two_axes()
    ),
    "T": Case(lambda lib, x: x.T, lambda x: x.T, unary(shape=shapes(2, 2))),
    "permute": Case(lambda lib, x, dims: x.permute(dims), lambda x, dims: x.transpose(dims), permute_operands()),
    "flatten": Case(lambda lib, x: x.flatten(), lambda x: x.reshape(-1), unary()),
    "flatten_dims": Case(
        lambda lib, x, start_dim, end_dim: x.flatten(start_dim, end_dim),
        lambda x, start_dim, end_dim: x.reshape(x.shape[:start_dim] + (-1,) + x.shape[end_dim % x.ndim + 1 :]),
        flatten_operands(),
    ),
    "squeeze": Case(lambda lib, x, dim: _squeeze(x, dim), _np_squeeze, squeeze_operands()),
    "unsqueeze": Case(lambda lib, x, dim: x.unsqueeze(dim), lambda x, dim: np.expand_dims(x, dim), along_an_axis(1)),
    "broadcast_to": Case(lambda lib, x, shape: x.broadcast_to(shape), np.broadcast_to, broadcast_targets()),
    "expand": Case(lambda lib, x, shape: x.expand(shape), _np_expand, broadcast_targets(keep_marker=True)),
    # indexing
    **{
        f"index_{kind}": Case(
            lambda lib, x, index: x[_index(lib, index)], lambda x, index: x[index], index_operands(kind)
        )
        for kind in ["int", "slice", "tuple", "list", "rows_and_slice", "array", "mask", "row_mask"]
    },
    "index_repeated": Case(
        lambda lib, x: x[[0, 0, 1]], lambda x: x[[0, 0, 1]], unary(shape=shapes(min_dims=1, min_side=2))
    ),
    # joining and selecting
    "cat": Case(
        lambda lib, a, b, c, dim: lib.cat([a, b, c], dim=dim),
        lambda a, b, c, dim: np.concatenate([a, b, c], axis=dim),
        cat_operands(),
    ),
    "stack": Case(
        lambda lib, a, b, dim: lib.stack([a, b], dim=dim),
        lambda a, b, dim: np.stack([a, b], axis=dim),
        stack_operands(),
    ),
    "masked_fill": Case(
        lambda lib, x, mask: x.masked_fill(lib.const(mask), 0.5),
        lambda x, mask: np.where(mask, 0.5, x),
        masked_fill_operands(),
    ),
    "where": Case(
        lambda lib, a, b, condition: lib.where(lib.const(condition), a, b),
        lambda a, b, condition: np.where(condition, a, b),
        where_operands(),
    ),
    "where_number": Case(
        lambda lib, a, b, condition: lib.where(lib.const(condition), a, 0.5) * b,
        lambda a, b, condition: np.where(condition, a, 0.5) * b,
        where_operands(),
    ),
}

SEVERAL_OPERANDS = ["add", "sub", "mul", "div", "pow", "matmul", "cat", "stack", "where", "where_number"]


def tensors_of(arrays, dtype=mt.float64, requires_grad=True):
    return [Tensor(a, dtype=dtype, requires_grad=requires_grad) for a in arrays]


def apply(case, tensors, kw):
    return case.fn(MINIGRAD, *tensors, **kw)


def weights(shape):
    """A fixed output gradient that weighs every element differently."""
    return np.random.default_rng(1).standard_normal(shape)


# ---------------------------------------------------------------------- every op: values, gradients, semantics


@pytest.mark.parametrize("name", CASES)
@CHECK
@given(data=st.data())
def test_forward_matches_numpy(name, data):
    case = CASES[name]
    arrays, kw = data.draw(case.inputs)
    out = apply(case, tensors_of(arrays, requires_grad=False), kw)
    expected = case.reference(*arrays, **kw)
    assert out.shape == np.shape(expected)
    assert out.dtype == mt.float64
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", CASES)
@CHECK
@given(data=st.data())
def test_gradient_matches_central_differences(name, data):
    case = CASES[name]
    arrays, kw = data.draw(case.inputs)
    gradcheck(lambda *ts: apply(case, ts, kw), tensors_of(arrays))


@pytest.mark.parametrize("name", CASES)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_ops_leave_their_operands_unchanged(name, data):
    case = CASES[name]
    arrays, kw = data.draw(case.inputs)
    masks_and_indices = {k: v.copy() for k, v in kw.items() if isinstance(v, np.ndarray)}
    tensors = tensors_of(arrays)
    out = apply(case, tensors, kw)
    result = out.data.copy()
    out.backward(weights(out.shape))
    for t, a in zip(tensors, arrays):
        np.testing.assert_array_equal(t.data, a)
    np.testing.assert_array_equal(out.data, result)
    for k, v in masks_and_indices.items():
        np.testing.assert_array_equal(kw[k], v)


@pytest.mark.parametrize("name", SEVERAL_OPERANDS)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_only_operands_that_require_grad_get_a_gradient(name, data):
    case = CASES[name]
    arrays, kw = data.draw(case.inputs)
    everything = tensors_of(arrays)
    out = apply(case, everything, kw)
    out.backward(weights(out.shape))
    for constant in range(len(arrays)):
        tensors = [Tensor(a, dtype=mt.float64, requires_grad=i != constant) for i, a in enumerate(arrays)]
        out = apply(case, tensors, kw)
        out.backward(weights(out.shape))
        assert tensors[constant].grad is None
        for t, reference in zip(tensors, everything):
            if t is not tensors[constant]:
                np.testing.assert_array_equal(t.grad, reference.grad)


@pytest.mark.parametrize("name", CASES)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_float32_in_float32_out_and_float32_gradients(name, data):
    case = CASES[name]
    arrays, kw = data.draw(case.inputs)
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = apply(case, tensors, kw)
    assert out.dtype == mt.float32
    np.testing.assert_allclose(out.data, case.reference(*arrays, **kw), rtol=1e-4, atol=1e-5)
    out.backward(weights(out.shape))
    for t in tensors:
        assert t.dtype == mt.float32
        assert t.grad.dtype == mt.float32
        assert np.shape(t.grad) == t.shape


# ---------------------------------------------------------------------- the tensor itself


@pytest.mark.parametrize("data", [1.5, [1.5, 2.0], np.array([1.5, 2.0]), np.array([0.5], dtype=np.float16)])
def test_floats_become_float32(data):
    x = Tensor(data)
    assert x.dtype == mt.float32
    np.testing.assert_array_equal(x.data, np.asarray(data, dtype=np.float32))


@pytest.mark.parametrize("data", [3, [1, 2], np.array([1, 2], dtype=np.int32), np.array([7], dtype=np.uint8)])
def test_integers_become_float32_in_Tensor_and_int64_in_tensor(data):
    x = Tensor(data)
    assert x.dtype == mt.float32
    assert x.tolist() == np.asarray(data).tolist()
    inferred = mt.tensor(data)
    assert inferred.dtype == (np.asarray(data).dtype if isinstance(data, np.ndarray) else mt.int64)
    assert inferred.tolist() == np.asarray(data).tolist()


def test_float64_on_request_keeps_every_digit():
    x = Tensor([0.1, 1 / 3], dtype=mt.float64)
    assert x.dtype == mt.float64
    assert x.tolist() == [0.1, 1 / 3]
    assert Tensor(Tensor([0.5]), dtype=mt.float64).dtype == mt.float64
    assert mt.tensor([0.1], dtype=mt.float64).tolist() == [0.1]


def test_a_tensor_holds_its_own_copy_of_the_data():
    a = np.array([1.0, 2.0], dtype=np.float32)
    x = Tensor(a)
    a[0] = 5.0
    assert x.tolist() == [1.0, 2.0]


def test_shape_ndim_dtype_item_and_numpy():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert (x.shape, x.ndim, x.dtype) == ((2, 3), 2, mt.float32)
    assert isinstance(x.numpy(), np.ndarray)
    np.testing.assert_array_equal(x.numpy(), np.arange(6.0).reshape(2, 3))
    assert Tensor([[2.5]]).item() == 2.5
    assert isinstance(Tensor([[2.5]]).item(), float)
    assert mt.tensor(3).item() == 3
    assert isinstance(mt.tensor(3).item(), int)
    assert isinstance(Tensor(3).item(), float)


def test_results_hold_numpy_arrays_also_when_0d():
    x = Tensor([1.0, 2.0], requires_grad=True)
    for out in [x.sum(), x[0] * 2, x[1].exp(), x.max(), x.argmax(), x[0] > 1]:
        assert isinstance(out.numpy(), np.ndarray)
        assert out.shape == ()


def test_item_of_several_elements_names_the_shape():
    with pytest.raises(ValueError, match=r"item.*\(2,\)"):
        Tensor([1.0, 2.0]).item()


def test_only_floating_point_tensors_can_require_grad():
    for make in [
        lambda: mt.tensor([1, 2], requires_grad=True),
        lambda: mt.tensor([True], requires_grad=True),
        lambda: mt.tensor([1, 2]).requires_grad_(),
        lambda: mt.arange(3, requires_grad=True),
        lambda: mt.zeros(2, dtype=mt.int64, requires_grad=True),
    ]:
        with pytest.raises(TypeError, match="grad"):
            make()


def test_grad_is_none_until_backward():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).sum()
    assert x.grad is None
    y.backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_detach_gives_the_values_outside_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf and d.grad is None
    assert d.tolist() == [2.0, 4.0]
    assert not (d * 3).requires_grad
    (d * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_repr_names_the_op_that_made_the_tensor():
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<mul>)"
    assert repr(x.sum()) == "tensor(3., grad_fn=<sum>)"
    y = Tensor([0.5], dtype=mt.float64, requires_grad=True)
    assert repr(y.exp()) == "tensor([1.6487], dtype=minigrad.float64, grad_fn=<exp>)"
    with no_grad():
        assert repr(x * 2) == "tensor([2., 4.])"


# ---------------------------------------------------------------------- creation


@pytest.fixture
def default_generator(monkeypatch):
    """manual_seed replaces the default generator; give other tests theirs back afterwards."""
    monkeypatch.setattr(rng, "_default_generator", rng.default_generator())


@pytest.mark.parametrize("make, value", [(mt.zeros, 0.0), (mt.ones, 1.0)])
def test_zeros_and_ones(make, value):
    for x in [make(2, 3), make((2, 3)), make([2, 3])]:
        assert (x.shape, x.dtype, x.requires_grad) == ((2, 3), mt.float32, False)
        assert np.all(x.data == value)
    x = make(4, dtype=mt.float64, requires_grad=True)
    assert (x.shape, x.dtype, x.requires_grad, x.is_leaf) == ((4,), mt.float64, True, True)


def test_full():
    x = mt.full((2, 3), 2.5)
    assert (x.shape, x.dtype) == ((2, 3), mt.float32)
    assert np.all(x.data == 2.5)
    y = mt.full(4, -1.0, dtype=mt.float64, requires_grad=True)
    assert (y.shape, y.dtype, y.requires_grad) == ((4,), mt.float64, True)


@pytest.mark.parametrize("make", [mt.randn, mt.rand])
def test_random_tensors_repeat_with_the_same_seed(make, default_generator):
    a = make(3, 4, generator=np.random.default_rng(7))
    assert (a.shape, a.dtype) == ((3, 4), mt.float32)
    np.testing.assert_array_equal(a.data, make((3, 4), generator=np.random.default_rng(7)).data)
    assert not np.array_equal(a.data, make(3, 4, generator=np.random.default_rng(8)).data)
    manual_seed(7)
    b = make(3, 4)
    manual_seed(7)
    np.testing.assert_array_equal(b.data, make(3, 4).data)
    assert not np.array_equal(b.data, make(3, 4).data)


def test_random_tensors_are_the_generators_numbers(default_generator):
    normal = mt.randn(5, dtype=mt.float64, generator=np.random.default_rng(3))
    np.testing.assert_array_equal(normal.data, np.random.default_rng(3).standard_normal(5))
    uniform = mt.rand(5, dtype=mt.float64, generator=np.random.default_rng(3))
    np.testing.assert_array_equal(uniform.data, np.random.default_rng(3).random(5))
    u = mt.rand(1000).data
    assert u.min() >= 0.0 and u.max() < 1.0


@pytest.mark.parametrize("make", [mt.zeros_like, mt.ones_like, mt.randn_like, mt.rand_like])
def test_like_constructors_follow_shape_and_dtype(make):
    x = Tensor(np.zeros((2, 3)), dtype=mt.float64)
    y = make(x)
    assert (y.shape, y.dtype, y.requires_grad) == ((2, 3), mt.float64, False)
    assert make(x, dtype=mt.float32).dtype == mt.float32
    assert make(Tensor([1.0]), dtype=mt.float64).dtype == mt.float64
    assert make(x, requires_grad=True).requires_grad


@pytest.mark.parametrize("make", [mt.randn_like, mt.rand_like])
def test_random_like_constructors_take_a_generator(make):
    x = Tensor(np.zeros((2, 3)))
    first, again = make(x, generator=np.random.default_rng(1)), make(x, generator=np.random.default_rng(1))
    np.testing.assert_array_equal(first.data, again.data)


def test_arange():
    assert (mt.arange(5).tolist(), mt.arange(5).dtype) == ([0, 1, 2, 3, 4], mt.int64)
    assert mt.arange(2, 8, 2).tolist() == [2, 4, 6]
    assert mt.arange(5, step=2).tolist() == [0, 2, 4]
    x = mt.arange(0.0, 1.0, 0.25)
    assert (x.tolist(), x.dtype) == ([0.0, 0.25, 0.5, 0.75], mt.float32)
    assert mt.arange(3, dtype=mt.float64).dtype == mt.float64


# ---------------------------------------------------------------------- graph semantics


def test_no_grad_records_nothing():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = (x * 2).exp().sum()
    assert not y.requires_grad and y.is_leaf and y._prev == ()
    with pytest.raises(RuntimeError):
        y.backward()
    assert (x * 2).requires_grad


def test_leaf_gradients_accumulate_across_backward_calls():
    x = Tensor([1.0, -2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [4.0, -8.0]
    x.zero_grad()
    y.backward()
    assert x.grad.tolist() == [2.0, -4.0]


def test_a_tensor_used_twice_receives_both_contributions():
    x = Tensor([1.0, 3.0], requires_grad=True)
    (x + x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    x.zero_grad()
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 6.0]


def test_backward_of_a_non_scalar_needs_a_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(RuntimeError, match=r"gradient") as error:
        y.backward()
    assert "(2,)" in str(error.value)
    assert x.grad is None
    assert y.backward(Tensor([1.0, 0.5])) is y
    assert x.grad.tolist() == [3.0, 1.5]
    with pytest.raises(ValueError, match="shape"):
        y.backward(np.ones(3))


def test_backward_of_a_one_element_tensor_needs_no_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x[:1] * 2).backward()
    assert x.grad.tolist() == [2.0, 0.0]


def test_backward_on_a_tensor_that_does_not_require_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (Tensor([1.0, 2.0]) * 2).sum().backward()


def test_setitem_writes_into_a_tensor_outside_any_graph():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    x[0, 1] = 5.0
    x[1] = Tensor([6.0, 7.0])
    x[x > 6] = 0.0
    assert x.tolist() == [[1.0, 5.0], [6.0, 0.0]]
    total = x.sum()
    total[()] = 1.0
    assert total.item() == 1.0
    with no_grad():
        y = Tensor([1.0, 2.0], requires_grad=True) * 2
    y[[0, 1]] = 3.0
    assert y.tolist() == [3.0, 3.0]


@pytest.mark.parametrize(
    "make", [lambda: Tensor([1.0, 2.0], requires_grad=True), lambda: Tensor([1.0, 2.0], requires_grad=True) * 2]
)
def test_setitem_in_a_graph_points_to_where_and_masked_fill(make):
    x = make()
    before = x.data.copy()
    with pytest.raises(RuntimeError, match="where") as error:
        x[0] = 5.0
    assert "masked_fill" in str(error.value)
    np.testing.assert_array_equal(x.data, before)


def test_repeated_indices_add_up_their_gradients():
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    x[[0, 0, 1]].sum().backward()
    assert x.grad.tolist() == [2.0, 1.0, 0.0]
    x.zero_grad()
    (x[np.array([2, 2, 2])] * Tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 6.0]
    y = Tensor(np.zeros((3, 2)), requires_grad=True)
    y[[1, 1, 2], [0, 0, 1]].sum().backward()
    assert y.grad.tolist() == [[0.0, 0.0], [2.0, 0.0], [0.0, 1.0]]


def test_a_boolean_mask_sends_gradients_to_the_chosen_elements():
    x = Tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    (x[x > 0] * Tensor([5.0, 6.0])).sum().backward()
    assert x.grad.tolist() == [[5.0, 0.0], [0.0, 6.0]]


def test_max_and_min_over_everything_share_the_gradient_among_ties_along_a_dim_the_first_wins():
    # As in PyTorch: max() spreads it evenly, max(dim) sends it to the index it returns.
    x = Tensor([1.0, 3.0, 3.0, -1.0], requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5, 0.0]
    y = Tensor([[2.0, 2.0], [0.0, 1.0]], requires_grad=True)
    y.min(dim=1).values.sum().backward()
    assert y.grad.tolist() == [[1.0, 0.0], [1.0, 0.0]]


def test_raising_zero_to_the_power_zero_has_gradient_zero():
    x = Tensor([0.0, 2.0], requires_grad=True)
    (x**0).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    "op",
    [
        lambda x: x * 2.5,
        lambda x: 2.5 - x,
        lambda x: x / 3,
        lambda x: x**2.5,
        lambda x: 2**x,
        lambda x: np.float64(2.0) * x,
        lambda x: x + np.array(1.0),
        lambda x: mt.where(x > 0, x, 0.0),
        lambda x: x.masked_fill(x > 0, 2.5),
    ],
)
def test_numbers_never_change_the_dtype_of_a_float32_tensor(op):
    assert op(Tensor([0.5, 1.5])).dtype == mt.float32


def test_an_integer_tensor_with_floats_keeps_the_fractions():
    n = Tensor([1, 2])
    assert (n + np.array([0.5, 0.25])).tolist() == [1.5, 2.25]
    assert (n * 2.5).tolist() == [2.5, 5.0]
    assert (n / 4).tolist() == [0.25, 0.5]


def test_argmax_and_argmin_give_int64_indices_outside_the_graph():
    x = Tensor([[1.0, 5.0, 3.0], [7.0, 0.0, 2.0]], requires_grad=True)
    assert x.argmax().item() == 3
    assert x.argmax(dim=1).tolist() == [1, 0]
    assert x.argmin(axis=0).tolist() == [0, 1, 1]
    indices = x.argmin(dim=-1, keepdim=True)
    assert indices.tolist() == [[0], [1]]
    assert indices.dtype == mt.int64
    assert not indices.requires_grad and indices.is_leaf


@pytest.mark.parametrize("dtype", [mt.float32, mt.float64])
def test_softmax_and_log_softmax_stay_finite_at_large_logits(dtype):
    x = Tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]], dtype=dtype, requires_grad=True)
    p, log_p = x.softmax(dim=-1), x.log_softmax(dim=-1)
    assert np.all(np.isfinite(p.data)) and np.all(np.isfinite(log_p.data))
    assert p.tolist()[0] == [1.0, 0.0, 0.0]
    np.testing.assert_allclose(p.data[1], [1 / 3] * 3, rtol=1e-6)
    assert log_p.tolist()[0] == [0.0, -2e4, -1e4]
    np.testing.assert_allclose(log_p.data[1], [-math.log(3)] * 3, rtol=1e-6)
    (p + log_p).backward(weights(x.shape))
    assert np.all(np.isfinite(x.grad.numpy()))


def test_gelu_knows_two_forms_only():
    with pytest.raises(ValueError, match="approximate"):
        Tensor([1.0]).gelu(approximate="erf")


def test_pytorch_argument_names_are_aliases():
    x = Tensor(np.arange(6.0).reshape(2, 3), dtype=mt.float64)
    pairs = [
        (x.sum(dim=1, keepdim=True), x.sum(axis=1, keepdims=True)),
        (x.mean(dim=0), x.mean(axis=0)),
        (x.var(dim=1, keepdim=True), x.var(axis=1, keepdims=True)),
        (x.max(dim=-1).values, x.max(axis=-1).values),
        (x.min(dim=0, keepdim=True).values, x.min(axis=0, keepdims=True).values),
        (x.softmax(dim=-1), x.softmax(axis=-1)),
        (x.log_softmax(dim=0), x.log_softmax(axis=0)),
        (x.argmax(dim=1), x.argmax(axis=1)),
        (x.unsqueeze(dim=0), x.unsqueeze(axis=0)),
        (mt.cat([x, x], dim=1), mt.cat([x, x], axis=1)),
        (mt.stack([x, x], dim=2), mt.stack([x, x], axis=2)),
    ]
    for torch_style, numpy_style in pairs:
        assert torch_style.shape == numpy_style.shape
        np.testing.assert_array_equal(torch_style.data, numpy_style.data)
    assert x.sum(dim=1, keepdim=True).shape == (2, 1)


# ---------------------------------------------------------------------- errors name the op and the shapes


@contextmanager
def error_naming(kind, *fragments):
    """Expect ``kind`` with every fragment in its message, and no NumPy error chained behind it."""
    with pytest.raises(kind) as info:
        yield
    for fragment in fragments:
        assert fragment in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def zeros(*shape):
    return Tensor(np.zeros(shape))


@pytest.mark.parametrize(
    "a, b",
    [((2, 3), (4, 5)), ((3,), (2,)), ((2, 3), (2,)), ((4,), (3, 5)), ((2, 2, 3), (3, 3, 4)), ((2, 3), ())],
)
def test_matmul_of_mismatched_shapes(a, b):
    with error_naming(ValueError, "matmul", str(a), str(b)):
        zeros(*a) @ zeros(*b)


@pytest.mark.parametrize(
    "op, name",
    [
        (operator.add, "add"),
        (operator.sub, "sub"),
        (operator.mul, "mul"),
        (operator.truediv, "div"),
        (operator.pow, "pow"),
    ],
)
def test_elementwise_ops_of_shapes_that_do_not_broadcast(op, name):
    with error_naming(ValueError, name, "(2, 3)", "(4,)"):
        op(zeros(2, 3), zeros(4))


def test_reshape_to_a_wrong_size():
    with error_naming(ValueError, "reshape", "(2, 3)", "(4, 2)"):
        zeros(2, 3).reshape(4, 2)


def test_cat_and_stack_of_mismatched_shapes():
    with error_naming(ValueError, "cat", "(2, 3)", "(3, 2)"):
        mt.cat([zeros(2, 3), zeros(3, 2)])
    with error_naming(ValueError, "stack", "(2, 3)", "(3, 2)"):
        mt.stack([zeros(2, 3), zeros(3, 2)])


def test_broadcast_to_a_shape_out_of_reach():
    with error_naming(ValueError, "broadcast_to", "(2, 3)", "(3, 3)"):
        zeros(2, 3).broadcast_to(3, 3)
    with error_naming(ValueError, "broadcast_to", "(2, 3)", "(3,)"):
        zeros(2, 3).expand(3)


@pytest.mark.parametrize("index", [2, -3, (0, 3), [0, 2], (slice(None), [1, 5])])
def test_index_out_of_range(index):
    with error_naming(IndexError, "getitem", "(2, 3)"):
        zeros(2, 3)[index]


@pytest.mark.parametrize("dims", [(0,), (0, 0), (0, 2), (0, -3), (1, 0, 2)])
def test_permute_with_wrong_axes(dims):
    with error_naming(ValueError, "permute", str(dims), "(2, 3)"):
        zeros(2, 3).permute(*dims)


@pytest.mark.parametrize("dims", [(0, 2), (-3, 1)])
def test_transpose_of_an_axis_that_does_not_exist(dims):
    with error_naming(IndexError, "transpose", "(2, 3)"):
        zeros(2, 3).transpose(*dims)


def test_masked_fill_and_where_with_shapes_that_do_not_broadcast():
    with error_naming(ValueError, "masked_fill", "(2, 3)", "(2,)"):
        zeros(2, 3).masked_fill(np.zeros(2, dtype=bool), 1.0)
    with error_naming(ValueError, "where", "(2, 3)", "(4,)"):
        mt.where(np.zeros((2, 3), dtype=bool), zeros(2, 3), zeros(4))


def test_flatten_rejects_a_start_dimension_the_tensor_does_not_have():
    with pytest.raises(IndexError, match=r"flatten: dimension 1 is out of range for shape \(3,\)"):
        Tensor([1.0, 2.0, 3.0]).flatten(start_dim=1)
    assert Tensor(np.ones((2, 3, 4))).flatten(start_dim=1).shape == (2, 12)


def test_constructors_and_conversions_give_torchs_dtypes_and_sharing():
    torch = pytest.importorskip("torch")
    for data in ([1, 2], [True, False], np.array([1, 2]), np.array([1.5], dtype=np.float64), [0.5]):
        assert str(Tensor(data).dtype) == str(torch.Tensor(data).dtype).removeprefix("torch.")
        assert str(mt.tensor(data).dtype) == str(torch.tensor(data).dtype).removeprefix("torch.")
        assert str(mt.as_tensor(data).dtype) == str(torch.as_tensor(data).dtype).removeprefix("torch.")
    array = np.array([1, 2], dtype=np.int32)
    shared, copied = mt.from_numpy(array), mt.tensor(array)
    array[0] = 9
    assert shared.dtype == np.int32 and shared.tolist() == [9, 2] and copied.tolist() == [1, 2]
    assert mt.as_tensor(array).tolist() == [9, 2]
    x, t = mt.tensor([1.7, -2.5, 0.0]), torch.tensor([1.7, -2.5, 0.0])
    for name in ("long", "int", "bool", "float", "double"):
        ours, theirs = getattr(x, name)(), getattr(t, name)()
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.") and ours.tolist() == theirs.tolist()
    assert x.float() is x and x.to(mt.float32) is x and x.to(mt.float64).dtype == mt.float64
    assert x.type() == "minigrad.FloatTensor" and x.long().type() == "minigrad.LongTensor"
    assert x.type(mt.int64).dtype == mt.int64 and x.to(mt.tensor([1])).dtype == mt.int64
    grad_leaf = mt.tensor([1.5], requires_grad=True)
    assert not grad_leaf.long().requires_grad
    assert mt.arange(4).dtype == mt.int64 and mt.arange(0, 1, 0.25).dtype == mt.float32


def test_where_t_mT_and_clone_behave_as_torchs():
    torch = pytest.importorskip("torch")
    mask = np.array([[0, 1], [1, 1]]) > 0
    ours, theirs = mt.where(mt.tensor(mask)), torch.where(torch.tensor(mask))
    assert [i.tolist() for i in ours] == [i.tolist() for i in theirs] and ours[0].dtype == mt.int64
    assert mt.where(mt.tensor([True, False]), 1, 0).dtype == mt.int64
    assert mt.where(mt.tensor([True, False]), 1.0, 0).dtype == mt.float32
    assert mt.ones(2, 3).t().shape == (3, 2) and mt.ones(2, 2, 3).mT.shape == (2, 3, 2)
    with pytest.raises(ValueError, match="t: expects a tensor with <= 2 dimensions"):
        mt.ones(2, 2, 3).t()
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    copy = x.clone()
    assert copy.data is not x.data and copy.requires_grad
    (copy * copy).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [2.0, 4.0])
