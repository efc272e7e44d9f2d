"""Elementwise math against PyTorch float64 (values, gradients, dtypes) and finite differences."""

import math

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

# name -> the inputs it is smooth on (away from kinks, poles and the ends of its domain)
UNARY = {
    "sin": (-3, 3),
    "cos": (-3, 3),
    "tan": (-1.2, 1.2),
    "sinh": (-3, 3),
    "cosh": (-3, 3),
    "atan": (-3, 3),
    "log2": (0.1, 5),
    "log10": (0.1, 5),
    "log1p": (-0.9, 5),
    "expm1": (-3, 3),
    "rsqrt": (0.1, 5),
    "erf": (-3, 3),
    "square": (-3, 3),
}
# Piecewise constant: zero gradient, as PyTorch's.
FLAT = ["sign", "floor", "ceil", "round", "trunc"]


def _array(low, high, shape=(3, 4), seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def _compare(ours_fn, torch_fn, arrays):
    ours = [leaf(a) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out, expected = ours_fn(*ours), torch_fn(*theirs)
    assert out.dtype == mg.float64 and out.shape == tuple(expected.shape)
    assert_close(out.data, expected)
    w = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(w)
    expected.backward(torch.tensor(w))
    for x, t in zip(ours, theirs):
        assert_close(np.asarray(x.grad), t.grad)
    return ours


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_matches_torch_and_finite_differences(name):
    a = _array(*UNARY[name])
    _compare(lambda x: getattr(x, name)(), lambda t: getattr(torch, name)(t), [a])
    gradcheck(lambda x: getattr(x, name)(), [leaf(a)])
    # the function form, as torch.sin(x)
    assert_close(getattr(mg, name)(leaf(a)).data, getattr(torch, name)(torch.tensor(a)))


@pytest.mark.parametrize("name", list(UNARY) + FLAT)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_unary_dtypes_match_torch(name, dtype):
    data = np.array([[1, 2], [3, 1]]).astype(dtype)
    x = Tensor(data, dtype=np.dtype(dtype))
    try:
        theirs = getattr(torch, name)(torch.tensor(data))
    except NotImplementedError:  # floor of a bool...
        with pytest.raises(TypeError, match=f"{name}: not defined for a bool tensor"):
            getattr(x, name)()
        return
    ours = getattr(x, name)()
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(np.asarray(ours.data, dtype=np.float64), theirs.double().numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", FLAT)
def test_piecewise_constant_ops_match_torch_with_zero_gradient(name):
    a = np.array([-2.5, -1.5, -0.5, 0.0, 0.4, 0.5, 1.5, 2.5, 2.7, -0.2])
    ours = _compare(lambda x: getattr(x, name)(), lambda t: getattr(torch, name)(t), [a])
    assert not np.asarray(ours[0].grad).any()


def test_round_with_decimals():
    a = np.array([1.2345, -2.5551, 0.125])
    _compare(lambda x: x.round(decimals=2), lambda t: t.round(decimals=2), [a])


def test_erf_is_accurate_to_float64():
    a = np.linspace(-6, 6, 1001)
    theirs = torch.erf(torch.tensor(a)).numpy()
    np.testing.assert_allclose(Tensor(a, dtype=mg.float64).erf().data, theirs, rtol=2e-16, atol=3e-16)
    assert np.array_equal(Tensor(a, dtype=mg.float64).erf().data, [math.erf(v) for v in a])


@pytest.mark.parametrize("name", ["maximum", "minimum", "remainder", "floor_divide"])
@settings(max_examples=20, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    seed=st.integers(0, 2**16),
)
def test_binary_matches_torch_under_broadcasting(name, shapes, seed):
    a = _array(-3, 3, shapes.input_shapes[0], seed)
    b = _array(0.5, 3, shapes.input_shapes[1], seed + 1) * np.sign(_array(-1, 1, shapes.input_shapes[1], seed + 2))
    if name == "floor_divide":
        assert_close(leaf(a).floor_divide(leaf(b)).data, torch.floor_divide(torch.tensor(a), torch.tensor(b)))
        return
    _compare(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(torch, name)(x, y), [a, b])
    gradcheck(lambda x, y: getattr(x, name)(y), [leaf(a), leaf(b)])


def test_maximum_and_minimum_share_the_gradient_at_ties():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0])
    for name in ("maximum", "minimum"):
        _compare(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(torch, name)(x, y), [a, b])


def test_operators_percent_and_floor_division_with_numbers():
    a = np.array([-3.5, -1.0, 2.0, 7.25])
    _compare(lambda x: x % 2.5, lambda t: t % 2.5, [a])
    # PyTorch has no derivative of a number % a tensor; finite differences check ours.
    assert_close((5 % (leaf(a) + 10)).data, 5 % (torch.tensor(a) + 10))
    gradcheck(lambda x: 5 % (x + 10), [leaf(a)])
    assert_close((leaf(a) // 2).data, torch.tensor(a) // 2)
    assert_close((7 // (leaf(a) + 10)).data, 7 // (torch.tensor(a) + 10))
    ints, t_ints = mg.tensor([-7, 7, 5]), torch.tensor([-7, 7, 5])
    for ours, theirs in [(ints % 3, t_ints % 3), (ints // 2, t_ints // 2), (ints % -3, t_ints % -3)]:
        assert ours.dtype == mg.int64 and ours.tolist() == theirs.tolist()


def test_lerp_with_a_number_and_a_tensor_weight():
    a, b, w = _array(-2, 2, (2, 3)), _array(-2, 2, (2, 3), 1), _array(0, 1, (3,), 2)
    _compare(lambda x, y: x.lerp(y, 0.3), lambda x, y: torch.lerp(x, y, 0.3), [a, b])
    _compare(lambda x, y, z: x.lerp(y, z), lambda x, y, z: torch.lerp(x, y, z), [a, b, w])
    gradcheck(lambda x, y, z: mg.lerp(x, y, z), [leaf(a), leaf(b), leaf(w)])


def test_predicates_and_logical_not():
    data = np.array([1.0, np.nan, np.inf, -np.inf, 0.0])
    x, t = Tensor(data, dtype=mg.float64), torch.tensor(data)
    for name in ("isnan", "isinf", "isfinite", "logical_not"):
        ours, theirs = getattr(x, name)(), getattr(torch, name)(t)
        assert ours.dtype == mg.bool_ and ours.tolist() == theirs.tolist()
        assert not ours.requires_grad
    assert Tensor([0, 3]).logical_not().tolist() == [True, False]


def test_floor_division_has_no_derivative_as_in_torch():
    x = leaf([1.5, 2.5])
    out = (x // 2).sum()
    with pytest.raises(RuntimeError, match=r"floor_divide: has no derivative.*shapes \(2,\) and \(\)"):
        out.backward()
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        (torch.tensor([1.5, 2.5], requires_grad=True) // 2).sum().backward()


def test_errors_name_the_op_and_the_shapes():
    with pytest.raises(ValueError, match=r"maximum: shapes \(2,\) and \(3,\) do not broadcast"):
        Tensor([1.0, 2.0]).maximum(Tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=r"remainder: shapes \(2,\) and \(3,\)"):
        Tensor([1.0, 2.0]) % Tensor([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="lerp: weight"):
        Tensor([1.0]).lerp(Tensor([2.0]), "half")
    with pytest.raises(TypeError, match="round: decimals"):
        Tensor([1.0]).round(1.5)
    with pytest.raises(TypeError, match="sin: expected a Tensor"):
        mg.sin(1.0)


def test_float32_stays_float32():
    x = Tensor([0.5, 1.5], requires_grad=True)
    for name in UNARY:
        out = getattr(x, name)()
        out.sum().backward()
        assert out.dtype == mg.float32 and np.asarray(x.grad).dtype == np.float32
        x.grad = None
