"""Hostile input to the public API of both modes (issue 10): inf, NaN, -0.0, huge and tiny floats,
huge ints, bools, NumPy scalars, None, strings, ragged and empty shapes. Every failure must be a
TypeError or ValueError whose message names the op, never an IndexError, a bare NumPy message or a
RecursionError; and no warning may escape (NumPy's RuntimeWarnings included)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad import Tensor, Value
from minigrad.nn import functional as F

EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), float("nan"), 1e308, -1e308, 5e-324, 1e-200]
numbers = st.one_of(
    st.sampled_from(EDGE_FLOATS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.sampled_from([np.float32(2.5), np.float64(-0.0), np.int64(3), np.bool_(True), np.uint8(7), np.float16(1e4)]),
)
hostile = st.one_of(
    numbers,
    st.none(),
    st.text(max_size=3),
    st.sampled_from(["1.5", "nan", b"1", 1j, object(), [], [[]], [1, [2, 3]], [[1.0, 2.0], [3.0]], (), {}, slice(1)]),
    st.lists(numbers, max_size=4),
)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)
arrays = shapes.flatmap(lambda shape: hnp.arrays(np.float64, shape, elements=st.sampled_from(EDGE_FLOATS + [0.5, 2.0, -3.0])))


def tensor_ops(x, y):
    """(op name, call) for the tensor-mode API with a well-formed ``x`` and a hostile ``y``."""
    return [
        ("Tensor", lambda: Tensor(y)),
        ("Tensor", lambda: Tensor(y, requires_grad=True)),
        ("add", lambda: x + y),
        ("add", lambda: y + x),
        ("sub", lambda: x - y),
        ("mul", lambda: x * y),
        ("div", lambda: x / y),
        ("div", lambda: y / x),
        ("pow", lambda: x**y),
        ("pow", lambda: y**x),
        ("matmul", lambda: x @ y),
        ("sum", lambda: x.sum(y)),
        ("mean", lambda: x.mean(y)),
        ("max", lambda: x.max(y)),
        ("min", lambda: x.min(y)),
        ("squeeze", lambda: x.squeeze(y)),
        ("softmax", lambda: x.softmax(y)),
        ("log_softmax", lambda: x.log_softmax(y)),
        ("reshape", lambda: x.reshape(y)),
        ("clip", lambda: x.clip(y, None)),
        ("cat", lambda: minigrad.cat([x, y])),
        ("stack", lambda: minigrad.stack([x, y])),
        ("where", lambda: minigrad.where(x > 0, x, y)),
        ("dropout", lambda: F.dropout(x, y)),
        ("eq", lambda: x == y),
        ("lt", lambda: x < y),
    ]


def value_ops(v, y):
    return [
        ("Value", lambda: Value(y)),
        ("+", lambda: v + y),
        ("+", lambda: y + v),
        ("-", lambda: v - y),
        ("*", lambda: v * y),
        ("/", lambda: v / y),
        ("/", lambda: y / v),
        ("**", lambda: v**y),
        ("**", lambda: y**v),
    ]


def run(name, call):
    """Call it; a failure must be a TypeError or ValueError naming ``name``. Returns the result or None."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = call()
        except (TypeError, ValueError, ZeroDivisionError) as error:
            message = str(error)
            assert message.startswith(name) or f" {name}:" in message, (
                f"{type(error).__name__} does not name {name!r}: {message}"
            )
            out = None
        if isinstance(out, (Tensor, Value)) and (isinstance(out, Value) or out.requires_grad):
            # Whatever the forward pass made, the backward pass takes without an escaping warning.
            (out.sum() if isinstance(out, Tensor) else out).backward()
    assert not caught, f"{name}: a warning escaped: {[str(w.message) for w in caught]}"
    return out


@settings(max_examples=300)
@given(arrays, hostile)
def test_tensor_ops_refuse_hostile_input_clearly(array, y):
    for name, call in tensor_ops(Tensor(array, dtype=np.float64, requires_grad=True), y):
        run(name, call)


@settings(max_examples=300)
@given(arrays, arrays)
def test_tensor_ops_on_two_arrays_of_any_shapes(a, b):
    x, y = Tensor(a, dtype=np.float64, requires_grad=True), Tensor(b, dtype=np.float64, requires_grad=True)
    for name, call in tensor_ops(x, y):
        run(name, call)
    for name, call in [("tanh", x.tanh), ("sigmoid", x.sigmoid), ("relu", x.relu), ("exp", x.exp), ("log", x.log),
                       ("sqrt", x.sqrt), ("abs", x.abs), ("gelu", x.gelu), ("var", x.var), ("T", lambda: x.T)]:
        run(name, call)


@settings(max_examples=300)
@given(st.sampled_from(EDGE_FLOATS + [0.5, -2.0]), hostile)
def test_value_ops_refuse_hostile_input_clearly(data, y):
    v = Value(data)
    for name, call in value_ops(v, y):
        run(name, call)
    for name, call in [("exp", v.exp), ("log", v.log), ("tanh", v.tanh), ("sigmoid", v.sigmoid), ("relu", v.relu)]:
        run(name, call)


@pytest.mark.parametrize("depth", [100_000])
def test_deep_graphs_never_recurse(depth):
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
