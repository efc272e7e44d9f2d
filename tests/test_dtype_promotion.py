"""Result dtypes follow PyTorch's type promotion: every combination of int64, bool, float32 and float64
operands, as tensors with dimensions, 0-d tensors and Python numbers, for the binary and unary ops."""

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minigrad as mg  # noqa: E402

DTYPES = {"bool": (mg.bool_, torch.bool), "int64": (mg.int64, torch.int64),
          "float32": (mg.float32, torch.float32), "float64": (mg.float64, torch.float64)}
VALUES = [[1, 2], [3, 1]]


def operands():
    """(name, ours, theirs): tensors of every dtype with dimensions and 0-d, and Python numbers."""
    for name, (ours, theirs) in DTYPES.items():
        data = np.array(VALUES, dtype=ours)
        yield f"{name}[2,2]", mg.Tensor(data, dtype=ours), torch.tensor(data)
        yield f"{name}[]", mg.Tensor(data[0, 0], dtype=ours), torch.tensor(data[0, 0])
    for number in (True, 2, 2.5):
        yield repr(number), number, number


OPERANDS = list(operands())
PAIRS = [(a, b) for a, b in itertools.product(OPERANDS, OPERANDS) if not (np.isscalar(a[1]) and np.isscalar(b[1]))]

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "ge": lambda a, b: a >= b,
}


def _theirs(op, a, b):
    try:
        return op(a, b), None
    except (RuntimeError, TypeError) as error:
        return None, error


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_ops_promote_as_torch(name):
    op, checked = BINARY[name], 0
    for (a_name, a, ta), (b_name, b, tb) in PAIRS:
        expected, error = _theirs(op, ta, tb)
        if error is not None:
            continue  # PyTorch refuses the pair (bool - bool, int ** negative int...)
        ours = op(a, b)
        assert str(ours.dtype) == str(expected.dtype).removeprefix("torch."), f"{a_name} {name} {b_name}"
        np.testing.assert_allclose(ours.numpy().astype(np.float64), expected.double().numpy(), rtol=1e-6)
        checked += 1
    assert checked >= 50


UNARY = ["exp", "log", "sqrt", "sigmoid", "tanh"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_float_ops_of_ints_and_bools_are_float32(name):
    for a_name, a, ta in OPERANDS:
        if not isinstance(a, mg.Tensor):
            continue
        ours, theirs = getattr(a, name)(), getattr(ta, name)()
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), f"{name}({a_name})"
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_the_issue_cases():
    ints = mg.Tensor([1, 2, 3])
    assert (ints * 0.5).dtype == mg.float32
    assert (ints / ints).dtype == mg.float32
    assert ints.exp().dtype == ints.sqrt().dtype == ints.sigmoid().dtype == mg.float32
    assert (mg.Tensor([1.0]) + ints).dtype == mg.float32
    assert (mg.Tensor([1.0]) + mg.Tensor(2.0, dtype=mg.float64)).dtype == mg.float32
    assert mg.full((2, 2), 4).dtype == mg.int64
    assert mg.full((2, 2), 4.0).dtype == mg.float32
    assert mg.full((2, 2), True).dtype == mg.bool_


def test_full_dtypes_match_torch():
    for value in (4, 4.5, True, -3):
        assert str(mg.full((2,), value).dtype) == str(torch.full((2,), value).dtype).removeprefix("torch.")


def test_a_cast_operand_gets_a_gradient_of_its_own_dtype():
    a = mg.Tensor([1.0, 2.0], dtype=mg.float32, requires_grad=True)
    b = mg.Tensor(3.0, dtype=mg.float64, requires_grad=True)
    ta = torch.tensor([1.0, 2.0], dtype=torch.float32, requires_grad=True)
    tb = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    out, expected = (a * b).sum(), (ta * tb).sum()
    out.backward()
    expected.backward()
    assert out.dtype == mg.float32
    assert np.asarray(a.grad).dtype == np.float32 and np.asarray(b.grad).dtype == np.float64
    np.testing.assert_allclose(np.asarray(a.grad), ta.grad.numpy())
    np.testing.assert_allclose(np.asarray(b.grad), tb.grad.numpy())


def test_same_dtypes_stay_on_the_fast_path():
    a = mg.Tensor([1.0, 2.0])
    assert (a + a).dtype == mg.float32 and (a * 3).dtype == mg.float32 and (a / 2).dtype == mg.float32
