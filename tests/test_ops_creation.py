"""Creation functions and conversions against PyTorch: eye, empty, linspace, full_like, randint,
``.int()`` and ``.bool()``, exported from the top level as torch has them."""

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, float64
from tests.helpers import assert_close

torch = pytest.importorskip("torch")


def _dtype_name(dtype):
    return str(dtype).removeprefix("torch.")


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda m: m.eye(3), lambda t: t.eye(3)),
        (lambda m: m.eye(2, 4), lambda t: t.eye(2, 4)),
        (lambda m: m.eye(3, dtype=m.float64), lambda t: t.eye(3, dtype=t.float64)),
        (lambda m: m.linspace(-1, 2, 7), lambda t: t.linspace(-1, 2, 7)),
        (lambda m: m.linspace(0, 1, 1), lambda t: t.linspace(0, 1, 1)),
        (lambda m: m.linspace(0, 1, 5, dtype=m.float64), lambda t: t.linspace(0, 1, 5, dtype=t.float64)),
        (lambda m: m.full_like(m.ones(2, 3), 7.5), lambda t: t.full_like(t.ones(2, 3), 7.5)),
        (lambda m: m.full_like(m.arange(4), 3), lambda t: t.full_like(t.arange(4), 3)),
        (lambda m: m.empty(2, 3), lambda t: t.zeros(2, 3)),
        (lambda m: m.empty((2,), dtype=m.float64), lambda t: t.zeros((2,), dtype=t.float64)),
        (lambda m: m.ones(2, 2).int(), lambda t: t.ones(2, 2).int()),
        (lambda m: m.Tensor([0.0, 2.5, -1.0]).bool(), lambda t: t.tensor([0.0, 2.5, -1.0]).bool()),
        (lambda m: m.Tensor([1.7, -1.7]).int(), lambda t: t.tensor([1.7, -1.7]).int()),
    ],
)
def test_values_shapes_and_dtypes_match_torch(ours, theirs):
    out, expected = ours(minigrad), theirs(torch)
    assert out.shape == tuple(expected.shape)
    assert str(out.dtype) == _dtype_name(expected.dtype)
    assert_close(out.data.astype(np.float64), expected.double())


def test_empty_is_documented_zeros():
    assert minigrad.empty(3).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("args", [((10, (1000,)),), ((5, 8, (20, 50)),)])
def test_randint_range_dtype_and_generator(args):
    (call,) = args
    out = minigrad.randint(*call, generator=np.random.default_rng(1))
    low, high = (0, call[0]) if len(call) == 2 else call[:2]
    assert out.dtype == minigrad.int64 and out.shape == tuple(call[-1])
    assert out.data.min() == low and out.data.max() == high - 1  # every value drawn at these sizes
    again = minigrad.randint(*call, generator=np.random.default_rng(1))
    assert np.array_equal(out.data, again.data)


def test_randint_follows_manual_seed():
    minigrad.manual_seed(3)
    a = minigrad.randint(100, (5,))
    minigrad.manual_seed(3)
    assert a.tolist() == minigrad.randint(100, (5,)).tolist()


def test_linspace_can_require_grad():
    x = minigrad.linspace(0, 1, 3, dtype=float64, requires_grad=True)
    (x * x).sum().backward()
    assert np.asarray(x.grad).tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: minigrad.eye(-1), "eye: n must be a non-negative integer, got -1"),
        (lambda: minigrad.eye(2, 1.5), "eye: m must be a non-negative integer, got 1.5"),
        (lambda: minigrad.linspace(0, 1, -2), "linspace: steps must be a non-negative integer"),
        (lambda: minigrad.randint(5, 5, (2,)), r"randint: low \(5\) must be below high \(5\)"),
        (lambda: minigrad.randint(5), "randint: size is required"),
    ],
)
def test_errors_name_the_function(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_exported_at_the_top_level():
    for name in ("eye", "empty", "linspace", "full_like", "randint", "einsum", "tril", "triu"):
        assert name in minigrad.__all__ and hasattr(torch, name), name
    assert Tensor([1.0]).int().dtype == minigrad.int32
