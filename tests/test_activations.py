"""Activations as Tensor methods, ``F.`` functions and ``nn`` modules, against PyTorch float64
(values, gradients, dtypes, module reprs) and finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import Tensor, float32
from minigrad.gradcheck import gradcheck

from .helpers import assert_close, leaf

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# name -> keyword arguments to try (besides the defaults)
ACTIVATIONS = {
    "leaky_relu": [{}, {"negative_slope": 0.2}],
    "elu": [{}, {"alpha": 0.5}],
    "selu": [{}],
    "silu": [{}],
    "softplus": [{}, {"beta": 2.0, "threshold": 3.0}],
    "mish": [{}],
    "hardtanh": [{}, {"min_val": -2.0, "max_val": 0.5}],
    "relu6": [{}],
    "hardsigmoid": [{}],
    "hardswish": [{}],
    "logsigmoid": [{}],
    "softsign": [{}],
}
# Points where a piecewise activation changes formula: finite differences are meaningless there.
KINKS = [-3.0, -2.0, -1.0, 0.0, 0.5, 1.0, 3.0, 6.0]


def _grad_close(name, ours, theirs):
    # PyTorch's float64 hardsigmoid gradient is the float32 number nearest 1/6; ours is 1/6 in float64.
    rtol = 1e-7 if name == "hardsigmoid" else 1e-9
    np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=rtol, atol=1e-12)


def _inputs(seed, shape=(4, 5)):
    a = np.random.default_rng(seed).uniform(-8, 8, size=shape)
    # Off every kink by at least 1e-3 (including softplus's threshold at x = 1.5 for beta 2, threshold 3).
    for kink in KINKS + [1.5]:
        a = np.where(np.abs(a - kink) < 1e-3, a + 2e-3, a)
    return a


def _cases():
    for name, kwargs_list in ACTIVATIONS.items():
        for kwargs in kwargs_list:
            yield name, kwargs


@pytest.mark.parametrize("name, kwargs", list(_cases()))
@settings(max_examples=10, deadline=None)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), seed=st.integers(0, 2**16))
def test_function_matches_torch_and_finite_differences(name, kwargs, shape, seed):
    a = _inputs(seed, shape)
    x, t = leaf(a), torch.tensor(a, dtype=torch.float64, requires_grad=True)
    out, expected = getattr(F, name)(x, **kwargs), getattr(TF, name)(t, **kwargs)
    assert out.dtype == np.float64 and out.shape == tuple(expected.shape)
    assert_close(out.data, expected)
    w = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(w)
    expected.backward(torch.tensor(w))
    _grad_close(name, x.grad, t.grad)
    gradcheck(lambda v: getattr(v, name)(**kwargs), [leaf(a)])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_gradients_at_the_kinks_are_torchs(name):
    a = np.array(KINKS + [-6.0, 20.0, 21.0, -20.0])
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    assert_close(getattr(x, name)().data, getattr(TF, name)(t))
    getattr(x, name)().sum().backward()
    getattr(TF, name)(t).sum().backward()
    _grad_close(name, x.grad, t.grad)


def test_extreme_inputs_stay_finite_as_in_torch():
    a = np.array([-1000.0, -50.0, 50.0, 1000.0])
    for name in ACTIVATIONS:
        x, t = leaf(a), torch.tensor(a, requires_grad=True)
        out = getattr(x, name)()
        assert_close(out.data, getattr(TF, name)(t))
        out.sum().backward()
        getattr(TF, name)(t).sum().backward()
        _grad_close(name, x.grad, t.grad)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmin(dim):
    a = _inputs(3, (3, 4))
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    w = np.random.default_rng(0).standard_normal((3, 4))
    F.softmin(x, dim).backward(w)
    TF.softmin(t, dim).backward(torch.tensor(w))
    assert_close(F.softmin(x, dim).data, TF.softmin(t, dim))
    assert_close(np.asarray(x.grad), t.grad)
    gradcheck(lambda v: v.softmin(dim), [leaf(a)])
    assert_close(nn.Softmin(dim=dim)(leaf(a)).data, torch.nn.Softmin(dim=dim)(t))


def test_float32_and_int_inputs_give_float32():
    for name in ACTIVATIONS:
        assert getattr(Tensor([1.0, -2.0]), name)().dtype == float32
        assert getattr(Tensor([1, -2]), name)().dtype == float32


MODULES = [
    (nn.LeakyReLU(), torch.nn.LeakyReLU()),
    (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
    (nn.ELU(), torch.nn.ELU()),
    (nn.ELU(alpha=0.5), torch.nn.ELU(alpha=0.5)),
    (nn.SELU(), torch.nn.SELU()),
    (nn.SiLU(), torch.nn.SiLU()),
    (nn.Softplus(), torch.nn.Softplus()),
    (nn.Softplus(beta=2, threshold=10), torch.nn.Softplus(beta=2, threshold=10)),
    (nn.Mish(), torch.nn.Mish()),
    (nn.Hardtanh(), torch.nn.Hardtanh()),
    (nn.Hardtanh(-2, 3), torch.nn.Hardtanh(-2, 3)),
    (nn.ReLU6(), torch.nn.ReLU6()),
    (nn.Hardsigmoid(), torch.nn.Hardsigmoid()),
    (nn.Hardswish(), torch.nn.Hardswish()),
    (nn.LogSigmoid(), torch.nn.LogSigmoid()),
    (nn.Softsign(), torch.nn.Softsign()),
    (nn.Softmin(dim=1), torch.nn.Softmin(dim=1)),
    (nn.Softmin(), torch.nn.Softmin()),
]


@pytest.mark.parametrize("ours, theirs", MODULES, ids=[repr(t) for _, t in MODULES])
def test_modules_print_and_compute_as_torchs(ours, theirs):
    assert repr(ours) == repr(theirs)
    if ours.extra_repr() == "dim=None":
        return
    a = _inputs(7, (3, 4))
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    ours(x).sum().backward()
    theirs(t).sum().backward()
    assert_close(ours(x).data, theirs(t))
    _grad_close(type(ours).__name__.lower(), x.grad, t.grad)
    assert list(ours.parameters()) == []


def test_modules_work_in_sequential():
    model = nn.Sequential(nn.Linear(3, 4), nn.SiLU(), nn.Linear(4, 2), nn.LeakyReLU(0.1))
    assert model(Tensor(np.ones((5, 3)))).shape == (5, 2)
    assert "(1): SiLU()" in repr(model) and "(3): LeakyReLU(negative_slope=0.1)" in repr(model)


def test_errors_name_the_op():
    with pytest.raises(TypeError, match="leaky_relu: negative_slope must be a real number"):
        F.leaky_relu(Tensor([1.0]), "0.1")
    with pytest.raises(ValueError, match="hardtanh: min_val 2 is greater than max_val 1"):
        F.hardtanh(Tensor([1.0]), 2, 1)
    with pytest.raises(ValueError, match=r"Softmin: give the axis.*shape \(2,\)"):
        nn.Softmin()(Tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="softmax: axis 1 is out of range"):
        F.softmin(Tensor([1.0, 2.0]), 1)
