"""Tensor mode against PyTorch in float64: every op's values and gradients, repr, backward semantics.

The ops are test_tensor.py's ``CASES``, each written once for both libraries; here they run on
minigrad and on PyTorch with the same drawn inputs. Values and gradients agree to a relative 1e-9,
with an absolute floor of 1e-12 for elements that cancel to about zero.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad import tensor as mt
from minigrad.tensor import Tensor

from .helpers import assert_close
from .test_tensor import CASES, MINIGRAD, weights


def torch_library(torch):
    """torch's spelling of what test_tensor.MINIGRAD holds."""

    def reducing_all_for_none(op):
        return lambda x, dim, keepdim: op(x, dim=() if dim is None else dim, keepdim=keepdim)

    return SimpleNamespace(
        const=torch.as_tensor,
        cat=torch.cat,
        stack=torch.stack,
        where=torch.where,
        gelu=torch.nn.functional.gelu,
        amax=reducing_all_for_none(torch.amax),
        amin=reducing_all_for_none(torch.amin),
    )


def both(torch, arrays, requires_grad=True):
    """The same float64 arrays as minigrad tensors and as torch tensors."""
    ours = [Tensor(a, dtype=mt.float64, requires_grad=requires_grad) for a in arrays]
    theirs = [torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=requires_grad) for a in arrays]
    return ours, theirs


@pytest.mark.parametrize("name", CASES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_op_matches_pytorch(name, data):
    torch = pytest.importorskip("torch")
    case = CASES[name]
    arrays, kw = data.draw(case.inputs)
    ours, theirs = both(torch, arrays)
    out = case.fn(MINIGRAD, *ours, **kw)
    expected = case.fn(torch_library(torch), *theirs, **kw)
    assert out.shape == tuple(expected.shape)
    assert_close(out.data, expected)
    w = weights(out.shape)
    out.backward(w)
    expected.backward(torch.as_tensor(w))
    for x, t in zip(ours, theirs):
        # PyTorch leaves grad None for an input no element of an empty output came from.
        assert_close(x.grad, torch.zeros_like(t) if t.grad is None else t.grad)


# ---------------------------------------------------------------------- repr


@pytest.mark.parametrize(
    "data, dtype, requires_grad",
    [
        ([1.5, -2.25, 3.0], None, False),
        ([1.0, 2.0, -3.0], None, False),
        ([1, 2, 30], None, False),
        ([[1.5, 2.0], [3.25, -4.0]], None, False),
        ([[1.0, 20.0], [3.0, -4.0]], None, False),
        (1.5, None, False),
        ([1e5, 1.5], None, False),
        ([True, False], None, False),
        ([0.5, 1.0], None, True),
        ([0.1, 2.0], "float64", False),
        ([[0.5], [-1.0]], "float64", True),
    ],
)
def test_repr_reads_as_pytorchs(data, dtype, requires_grad):
    torch = pytest.importorskip("torch")
    ours = mt(data, dtype=dtype and getattr(mt, dtype), requires_grad=requires_grad)
    theirs = torch.tensor(data, dtype=dtype and getattr(torch, dtype), requires_grad=requires_grad)
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")


# ---------------------------------------------------------------------- backward semantics


def test_backward_with_an_explicit_gradient_matches_pytorch():
    torch = pytest.importorskip("torch")
    arrays = [np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]), np.array([2.0, -3.0, 0.5])]
    (x, y), (tx, ty) = both(torch, arrays)
    gradient = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]])
    (x * y).tanh().backward(gradient)
    (tx * ty).tanh().backward(torch.tensor(gradient))
    assert_close(x.grad, tx.grad)
    assert_close(y.grad, ty.grad)


def test_leaf_gradients_accumulate_as_in_pytorch():
    torch = pytest.importorskip("torch")
    (x,), (tx,) = both(torch, [np.array([0.5, -1.5, 2.0])])
    out, expected = (x * x).exp().sum(), (tx * tx).exp().sum()
    for _ in range(3):
        out.backward()
        expected.backward(retain_graph=True)
        assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_and_log_softmax_at_large_logits_equal_pytorchs(dtype):
    torch = pytest.importorskip("torch")
    logits = [[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]]
    x = Tensor(logits, dtype=getattr(mt, dtype), requires_grad=True)
    tx = torch.tensor(logits, dtype=getattr(torch, dtype), requires_grad=True)
    for op in ["softmax", "log_softmax"]:
        out, expected = getattr(x, op)(dim=-1), getattr(tx, op)(dim=-1)
        assert np.all(np.isfinite(out.data))
        np.testing.assert_array_equal(out.data, expected.detach().numpy())
        w = weights(out.shape)
        out.backward(w)
        expected.backward(torch.as_tensor(w, dtype=tx.dtype))
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-6, atol=1e-7)
        x.zero_grad()
        tx.grad = None


@pytest.mark.parametrize(
    "op, values",
    [
        (lambda x: x**0, [0.0, 2.0]),
        (lambda x: x.abs(), [0.0, -1.0, 2.0]),
        (lambda x: x.relu(), [0.0, -1.0, 2.0]),
        (lambda x: x.clip(-0.5, 1.0), [-0.5, 1.0, 0.25, 3.0]),
        (lambda x: x.sqrt(), [0.0, 4.0]),
        (lambda x: x.max(), [1.0, 3.0, 3.0, -1.0]),
        (lambda x: x.min(), [2.0, -1.0, -1.0, -1.0]),
        (lambda x: x.var(), [2.0, 2.0, 2.0]),
    ],
)
def test_gradients_at_kinks_ties_and_bounds_are_pytorchs(op, values):
    torch = pytest.importorskip("torch")
    (x,), (tx,) = both(torch, [np.array(values)])
    op(x).sum().backward()
    op(tx).sum().backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
