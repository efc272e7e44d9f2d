"""Reductions and scans against PyTorch float64 (values, gradients, dtypes) and finite differences:
prod, std, logsumexp, norm, amax/amin, any/all, cumsum, cumprod, sort, argsort, topk, max/min
along a dim, and list-valued dims for sum/mean/var/std."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad import Tensor
from minigrad.gradcheck import gradcheck

from .helpers import assert_close, leaf

torch = pytest.importorskip("torch")


def _compare(ours_fn, torch_fn, a, pick=lambda out: out, finite_differences=True):
    """Values, dtype and gradient of ``ours_fn`` against ``torch_fn`` on the float64 array ``a``."""
    x, t = leaf(a), torch.tensor(a, dtype=torch.float64, requires_grad=True)
    out, expected = pick(ours_fn(x)), pick(torch_fn(t))
    assert out.dtype == mg.float64 and out.shape == tuple(expected.shape)
    assert_close(out.data, expected)
    w = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(w)
    expected.backward(torch.tensor(w))
    assert_close(np.asarray(x.grad), t.grad)
    if finite_differences:
        gradcheck(lambda v: pick(ours_fn(v)), [leaf(a)])


def _array(seed, shape, low=-2, high=2):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


# name -> (ours, torch's), each taking the tensor and a dim of it
REDUCTIONS = {
    "prod": (lambda x, d: x.prod(d), lambda t, d: t.prod(d)),
    "prod all": (lambda x, d: x.prod(), lambda t, d: t.prod()),
    "prod keepdim": (lambda x, d: x.prod(dim=d, keepdim=True), lambda t, d: t.prod(dim=d, keepdim=True)),
    "std": (lambda x, d: x.std(d), lambda t, d: t.std(d)),
    "std all": (lambda x, d: x.std(), lambda t, d: t.std()),
    "std correction 0": (lambda x, d: x.std(d, correction=0), lambda t, d: t.std(d, correction=0)),
    "logsumexp": (lambda x, d: x.logsumexp(d), lambda t, d: t.logsumexp(d)),
    "logsumexp keepdim": (lambda x, d: x.logsumexp(d, keepdim=True), lambda t, d: t.logsumexp(d, keepdim=True)),
    "cumsum": (lambda x, d: x.cumsum(d), lambda t, d: t.cumsum(d)),
    "cumprod": (lambda x, d: x.cumprod(d), lambda t, d: t.cumprod(d)),
    "amax": (lambda x, d: x.amax(d), lambda t, d: t.amax(d)),
    "amin all": (lambda x, d: x.amin(), lambda t, d: t.amin()),
    "norm": (lambda x, d: x.norm(), lambda t, d: t.norm()),
    "norm dim": (lambda x, d: x.norm(dim=d), lambda t, d: t.norm(dim=d)),
    "norm 1": (lambda x, d: x.norm(p=1, dim=d), lambda t, d: t.norm(p=1, dim=d)),
    "norm 3": (lambda x, d: x.norm(p=3), lambda t, d: t.norm(p=3)),
    "norm inf": (lambda x, d: x.norm(p=float("inf"), dim=d), lambda t, d: t.norm(p=float("inf"), dim=d)),
    "norm fro keepdim": (lambda x, d: x.norm("fro", d, True), lambda t, d: t.norm("fro", d, True)),
    "max values": (lambda x, d: x.max(d).values, lambda t, d: t.max(d).values),
    "min values keepdim": (lambda x, d: x.min(d, keepdim=True).values, lambda t, d: t.min(d, keepdim=True).values),
    "sort values": (lambda x, d: x.sort(d).values, lambda t, d: t.sort(d).values),
    "sort descending": (lambda x, d: x.sort(d, descending=True).values, lambda t, d: t.sort(d, descending=True).values),
    "topk": (lambda x, d: x.topk(1, d).values, lambda t, d: t.topk(1, d).values),
    "topk smallest": (lambda x, d: x.topk(1, d, largest=False).values, lambda t, d: t.topk(1, d, largest=False).values),
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
@settings(max_examples=12, deadline=None)
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4), data=st.data())
def test_reduction_matches_torch_and_finite_differences(name, shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    seed = data.draw(st.integers(0, 2**16))
    # Away from 0 for prod and cumprod (finite differences of products of many small numbers).
    a = _array(seed, shape, 0.5, 2) * np.where(_array(seed + 1, shape) > 0, 1, -1)
    ours, theirs = REDUCTIONS[name]
    _compare(lambda x: ours(x, dim), lambda t: theirs(t, dim), a)


def test_prod_and_cumprod_with_zeros_have_the_exact_gradient():
    a = np.array([[2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 4.0, 1.0], [1.0, 2.0, 3.0, 4.0]])
    for dim in (0, 1):
        _compare(lambda x: x.prod(dim), lambda t: t.prod(dim), a)
        _compare(lambda x: x.cumprod(dim), lambda t: t.cumprod(dim), a)
    _compare(lambda x: x.prod(), lambda t: t.prod(), a[0])


def test_ties_share_the_gradient_in_amax_and_the_first_wins_in_max_dim():
    # No finite differences: at a tie the function has no derivative; the convention is torch's.
    a = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]])
    _compare(lambda x: x.amax(1), lambda t: t.amax(1), a, finite_differences=False)
    _compare(lambda x: x.amin((0, 1)), lambda t: t.amin((0, 1)), a, finite_differences=False)
    _compare(lambda x: x.max(1).values, lambda t: t.max(1).values, a, finite_differences=False)
    b = np.array([-3.0, 3.0, 1.0])
    _compare(lambda x: x.norm(p=float("inf")), lambda t: t.norm(p=float("inf")), b, finite_differences=False)


def test_max_and_min_along_a_dim_return_named_pairs_as_torch():
    a = np.array([[1.0, 5.0, 5.0], [7.0, -1.0, 2.0]])
    x, t = Tensor(a, dtype=mg.float64), torch.tensor(a)
    pairs = [(x.max(1), t.max(1)), (x.min(dim=0), t.min(dim=0)), (x.max(-1, keepdim=True), t.max(-1, keepdim=True))]
    for ours, theirs in pairs:
        values, indices = ours
        assert values is ours.values and indices is ours.indices
        assert indices.dtype == mg.int64 and indices.tolist() == theirs.indices.tolist()
        assert values.tolist() == theirs.values.tolist()
    assert type(x.max()) is Tensor and x.max().item() == 7.0
    fours = np.full((2, 3), 4.0)
    assert x.max(Tensor(fours, dtype=mg.float64)).tolist() == torch.max(t, torch.tensor(fours)).tolist()
    with pytest.raises(TypeError, match="max: dim must be one integer.*amax"):
        x.max((0, 1))


def test_sort_argsort_topk_indices_as_torch_with_ties_and_nan():
    a = np.array([[3.0, 1.0, 3.0, np.nan, 1.0, 2.0], [0.0, 0.0, 0.0, -1.0, 5.0, 5.0]])
    x, t = Tensor(a, dtype=mg.float64), torch.tensor(a)
    for descending in (False, True):
        ours, theirs = x.sort(1, descending=descending), t.sort(dim=1, descending=descending, stable=True)
        np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
        assert ours.indices.tolist() == theirs.indices.tolist()
        expected = t.argsort(dim=1, descending=descending, stable=True)
        assert x.argsort(1, descending=descending).tolist() == expected.tolist()
    b = np.array([[4.0, 1.0, 3.0, 2.0], [0.5, 2.5, 1.5, -1.0]])
    ours, theirs = mg.topk(Tensor(b, dtype=mg.float64), 2), torch.topk(torch.tensor(b), 2)
    assert ours.indices.tolist() == theirs.indices.tolist() and ours.values.tolist() == theirs.values.tolist()
    with pytest.raises(ValueError, match=r"topk: k must be an integer from 0 to 4 .*shape \(2, 4\)"):
        Tensor(b).topk(5)


def test_any_and_all():
    a = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]])
    x, t = Tensor(a), torch.tensor(a)
    pairs = [(x.any(), t.any()), (x.all(), t.all()), (x.any(0), t.any(0))]
    for ours, theirs in pairs + [(mg.all(x, 1, keepdim=True), torch.all(t, 1, keepdim=True))]:
        assert ours.dtype == mg.bool_ and ours.tolist() == theirs.tolist()


def test_dtypes_of_integer_reductions_and_scans_are_torchs():
    ints, bools = np.array([[1, 2, 3], [4, 5, 6]]), np.array([[True, False], [True, True]])
    for data in (ints, bools):
        x, t = mg.tensor(data), torch.tensor(data)
        pairs = [(x.prod(), t.prod()), (x.cumsum(1), t.cumsum(1)), (x.cumprod(0), t.cumprod(0))]
        for ours, theirs in pairs + [(x.sum((0, 1)), t.sum((0, 1)))]:
            assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.") and ours.tolist() == theirs.tolist()
    assert mg.tensor(ints).logsumexp(1).dtype == mg.float32 and torch.tensor(ints).logsumexp(1).dtype == torch.float32
    assert mg.tensor(ints).norm().dtype == mg.float32


@pytest.mark.parametrize("dims", [[0, 1], (0, 2), [-1, 0], [1]])
@pytest.mark.parametrize("op", ["sum", "mean", "var", "std"])
def test_list_valued_dims(op, dims):
    a = _array(0, (2, 3, 4))
    _compare(lambda x: getattr(x, op)(dim=dims), lambda t: getattr(t, op)(dim=dims), a)
    _compare(lambda x: getattr(x, op)(dims, keepdim=True), lambda t: getattr(t, op)(dims, keepdim=True), a)


def test_logsumexp_is_stable_and_handles_infinities_as_torch():
    a = np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [-np.inf, 0.0], [-1000.0, -1000.0]])
    np.testing.assert_allclose(Tensor(a, dtype=mg.float64).logsumexp(1).data, torch.tensor(a).logsumexp(1).numpy())
    _compare(lambda x: x.logsumexp(1), lambda t: t.logsumexp(1), a[[0, 3]])


def test_norm_of_zero_has_zero_gradient_as_torch():
    x, t = leaf(np.zeros(3)), torch.zeros(3, dtype=torch.float64, requires_grad=True)
    x.norm().backward()
    t.norm().backward()
    assert np.asarray(x.grad).tolist() == t.grad.tolist()


def test_errors_name_the_op_and_the_shape():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(IndexError, match="cumsum: dim 2 is out of range for a tensor with 2 dimensions"):
        x.cumsum(2)
    with pytest.raises(ValueError, match="logsumexp: axis 3 is out of range"):
        x.logsumexp(3)
    with pytest.raises(ValueError, match="norm: p must be a number"):
        x.norm(p="nuc")
    with pytest.raises(TypeError, match="sort: dim must be an integer"):
        x.sort(dim=1.0)
