"""Scalar-mode Value, forward: values, printing, errors, IEEE edge cases, comparisons, micrograd compatibility."""

import math
import operator
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad import Value, dot

BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}

# Every kind of number a learner may mix with Values; numpy scalars come from indexing arrays.
NUMBERS = [3, -2.5, np.float64(1.5), np.int64(-4)]
NUMBER_IDS = ["int", "float", "np.float64", "np.int64"]


# ---------------------------------------------------------------------- construction and printing


def test_repr_is_exactly_micrographs():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"


def test_repr_shows_a_label():
    assert repr(Value(2.0, label="a")) == "Value(data=2.0, grad=0.0, label='a')"


@pytest.mark.parametrize("number", [2, 2.0, np.float64(2.0), np.int64(2)], ids=NUMBER_IDS)
def test_data_is_stored_as_a_python_float(number):
    v = Value(number)
    assert type(v.data) is float
    assert v.data == 2.0
    assert repr(v) == "Value(data=2.0, grad=0.0)"


def test_float_gives_the_data():
    assert float(Value(2.5)) == 2.5
    assert type(float(Value(2.5))) is float


# ---------------------------------------------------------------------- forward values of binary ops


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/"])
@pytest.mark.parametrize("number", NUMBERS, ids=NUMBER_IDS)
def test_arithmetic_with_a_number_on_either_side(symbol, number):
    op = BINARY[symbol]
    left = op(Value(7.5), number)
    right = op(number, Value(7.5))
    assert isinstance(left, Value) and isinstance(right, Value)
    assert left.data == op(7.5, float(number))
    assert right.data == op(float(number), 7.5)
    assert type(left.data) is float and type(right.data) is float


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/"])
def test_arithmetic_between_values(symbol):
    op = BINARY[symbol]
    out = op(Value(-3), Value(0.5))
    assert out.data == op(-3.0, 0.5)
    assert out._op == symbol


@pytest.mark.parametrize(
    "base, exponent",
    [(2.0, 3), (2.0, -2), (9, 0.5), (-2.0, 3), (-2.0, -1), (-8.0, 2.0), (1.5, 0), (0.0, 2), (4.0, 2.5)],
)
def test_value_to_a_number_power(base, exponent):
    out = Value(base) ** exponent
    assert isinstance(out, Value)
    assert out.data == float(base) ** exponent
    assert type(out.data) is float


@pytest.mark.parametrize("base, exponent", [(2.0, 3.0), (2.0, -0.5), (-3.0, 2.0), (0.0, 0.0), (7, 1)])
def test_value_to_a_value_power(base, exponent):
    out = Value(base) ** Value(exponent)
    assert out.data == float(base) ** float(exponent)
    assert out._op == "**"


@pytest.mark.parametrize("base", [2, 2.5, np.float64(2.5), np.int64(2)], ids=NUMBER_IDS)
def test_number_to_a_value_power(base):
    out = base**Value(1.5)
    assert isinstance(out, Value)
    assert out.data == float(base) ** 1.5
    assert type(out.data) is float


@pytest.mark.parametrize("exponent", [np.float64(0.5), np.int64(3)], ids=["np.float64", "np.int64"])
def test_value_to_a_numpy_power_has_the_right_number(exponent):
    assert Value(4.0) ** exponent == 4.0 ** float(exponent)


@pytest.mark.parametrize("exponent", [np.float64(2.0), np.int64(3)], ids=["np.float64", "np.int64"])
def test_value_to_a_numpy_power_stores_a_python_float(exponent):
    out = Value(2.0) ** exponent
    assert type(out.data) is float
    assert repr(out) == f"Value(data={2.0 ** float(exponent)!r}, grad=0.0)"


@pytest.mark.parametrize(
    "expression, expected",
    [
        (lambda a: 2 - a, 2.0 - 0.5),
        (lambda a: 2 / a, 2.0 / 0.5),
        (lambda a: np.float64(2) * a, 2.0 * 0.5),
        (lambda a: np.float64(2) - a, 2.0 - 0.5),
        (lambda a: np.int64(2) / a, 2.0 / 0.5),
        (lambda a: np.float64(2) ** a, 2.0**0.5),
        (lambda a: 2 + a, 2.5),
    ],
    ids=["2 - a", "2 / a", "np.float64(2) * a", "np.float64(2) - a", "np.int64(2) / a", "np.float64(2) ** a", "2 + a"],
)
def test_reflected_ops_give_a_value(expression, expected):
    # NumPy scalars would otherwise grab the op and return an array or an object scalar.
    out = expression(Value(0.5))
    assert type(out) is Value
    assert out.data == expected


def test_reflected_ops_record_the_number_as_the_first_parent():
    a = Value(0.5)
    out = 2 - a
    assert out._prev[1] is a
    assert out._prev[0].data == 2.0


# ---------------------------------------------------------------------- forward values of functions


def reference_sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


UNARY = {
    "neg": (lambda v: -v, lambda x: -x),
    "exp": (Value.exp, math.exp),
    "tanh": (Value.tanh, math.tanh),
    "relu": (Value.relu, lambda x: max(x, 0.0)),
    "abs": (Value.abs, abs),
    "builtin abs": (abs, abs),
}


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("x", [-2, -0.75, 0.0, 1.25, 3])
def test_unary_functions(name, x):
    function, reference = UNARY[name]
    out = function(Value(x))
    assert isinstance(out, Value)
    assert out.data == reference(float(x))


@pytest.mark.parametrize("x", [0.25, 1, 2.0, 1e10, np.float64(3.5)])
def test_log(x):
    assert Value(x).log().data == math.log(x)


@pytest.mark.parametrize("x", [-30.0, -2, -0.5, 0.0, 0.5, 2, 30.0])
def test_sigmoid(x):
    assert Value(x).sigmoid().data == pytest.approx(reference_sigmoid(x), rel=1e-15)


def test_sigmoid_of_zero_is_one_half():
    assert Value(0.0).sigmoid().data == 0.5


def test_relu_of_a_negative_number_is_zero_not_minus_zero():
    assert math.copysign(1.0, Value(-3.0).relu().data) == 1.0


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize("x", [-1.0, 0.0])
def test_log_of_a_non_positive_value_names_log_and_the_value(x):
    with pytest.raises(ValueError, match=rf"^log\b.*{re.escape(repr(x))}"):
        Value(x).log()


@pytest.mark.parametrize("exponent", [0.5, Value(0.5)], ids=["number", "Value"])
def test_negative_base_to_a_fractional_power_names_the_op_and_the_base(exponent):
    with pytest.raises(ValueError, match=r"^\*\*.*-2\.0"):
        Value(-2.0) ** exponent


@pytest.mark.parametrize(
    "expression, symbol",
    [
        (lambda: Value(1.0) + "x", "+"),
        (lambda: "x" + Value(1.0), "+"),
        (lambda: Value(1.0) - "x", "-"),
        (lambda: "x" - Value(1.0), "-"),
        (lambda: Value(1.0) * "x", "*"),
        (lambda: "x" * Value(1.0), "*"),
        (lambda: Value(1.0) / "x", "/"),
        (lambda: "x" / Value(1.0), "/"),
        (lambda: Value(1.0) ** "x", "**"),
        (lambda: "x" ** Value(1.0), "**"),
    ],
    ids=["V + x", "x + V", "V - x", "x - V", "V * x", "x * V", "V / x", "x / V", "V ** x", "x ** V"],
)
def test_a_string_operand_is_a_type_error_naming_the_op_and_the_type(expression, symbol):
    with pytest.raises(TypeError, match=rf"^{re.escape(symbol)}:.*\bstr\b"):
        expression()


@pytest.mark.parametrize("symbol", list(BINARY))
def test_a_complex_operand_is_a_type_error_naming_the_op_and_complex(symbol):
    with pytest.raises(TypeError, match=rf"^{re.escape(symbol)}:.*\bcomplex\b"):
        BINARY[symbol](Value(1.0), 1 + 2j)


@pytest.mark.parametrize("data, type_name", [("x", "str"), (1 + 2j, "complex"), (None, "NoneType")])
def test_value_of_a_non_real_is_a_type_error_naming_value_and_the_type(data, type_name):
    with pytest.raises(TypeError, match=rf"^Value\b.*\b{type_name}\b"):
        Value(data)


@pytest.mark.parametrize(
    "expression",
    [lambda: Value(1.0) / 0, lambda: Value(1.0) / Value(0.0), lambda: 1 / Value(0.0), lambda: Value(1.0) / -0.0],
    ids=["V / 0", "V / V(0)", "1 / V(0)", "V / -0.0"],
)
def test_division_by_zero_names_the_op(expression):
    with pytest.raises(ZeroDivisionError, match=r"^/:"):
        expression()


def test_zero_to_a_negative_power_is_a_zero_division_naming_the_op():
    with pytest.raises(ZeroDivisionError, match=r"^\*\*"):
        Value(0.0) ** -1


# ---------------------------------------------------------------------- IEEE edge cases


@pytest.fixture
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.usefixtures("warnings_are_errors")
def test_exp_overflows_to_inf_without_raising():
    assert Value(1000.0).exp().data == math.inf


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("base, exponent, expected", [(10.0, 400, math.inf), (-10.0, 401, -math.inf), (-10.0, 400, math.inf)])
def test_power_overflows_to_a_signed_inf(base, exponent, expected):
    assert (Value(base) ** exponent).data == expected


@pytest.mark.usefixtures("warnings_are_errors")
def test_power_with_a_numpy_exponent_overflows_to_inf_silently():
    assert (Value(10.0) ** np.float64(400)).data == math.inf


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("x, expected", [(1000.0, 1.0), (-1000.0, 0.0)])
def test_sigmoid_saturates_exactly_with_a_finite_gradient(x, expected):
    v = Value(x)
    s = v.sigmoid()
    s.backward()
    assert s.data == expected
    assert math.isfinite(v.grad)
    assert v.grad == 0.0


# ---------------------------------------------------------------------- comparisons and hashing

COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}


@pytest.mark.parametrize("symbol", list(COMPARISONS))
@pytest.mark.parametrize("other", [1.0, 2, 2.5, 3], ids=["1.0", "2", "2.5", "3"])
def test_comparisons_return_plain_bools(symbol, other):
    compare = COMPARISONS[symbol]
    v = Value(2.0)
    results = {
        "Value, Value": (compare(v, Value(other)), compare(2.0, other)),
        "Value, number": (compare(v, other), compare(2.0, other)),
        "number, Value": (compare(other, v), compare(other, 2.0)),
    }
    for where, (result, expected) in results.items():
        assert type(result) is bool, where
        assert result == expected, where


@pytest.mark.parametrize("symbol", list(COMPARISONS))
def test_comparisons_with_numpy_scalars_return_plain_bools(symbol):
    compare = COMPARISONS[symbol]
    assert type(compare(Value(2.0), np.float64(2.5))) is bool
    assert type(compare(np.float64(2.5), Value(2.0))) is bool


def test_ordering_against_a_string_is_a_type_error():
    with pytest.raises(TypeError):
        Value(1) < "a"  # noqa: B015


def test_equality_against_a_string_is_false():
    assert (Value(1) == "a") is False
    assert (Value(1) != "a") is True


def test_values_hash_by_identity_so_equal_values_stay_distinct():
    a, b = Value(1.0), Value(1.0)
    assert a == b
    assert len({a, b}) == 2
    names = {a: "a", b: "b"}
    assert len(names) == 2
    assert names[a] == "a" and names[b] == "b"


# ---------------------------------------------------------------------- micrograd lecture compatibility


def lecture_graph():
    """The first graph of the micrograd lecture, written exactly as there."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return a, b, c, d, e, f, L


def test_the_lecture_graph_gives_the_lecture_numbers():
    a, b, c, d, e, f, L = lecture_graph()
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)
    assert (d.grad, e.grad) == (-2.0, -2.0)


def test_the_lecture_graph_exposes_prev_and_op():
    a, b, c, d, e, f, L = lecture_graph()
    assert L._op == "*" and d._op == "+" and e._op == "*"
    assert set(L._prev) == {d, f}
    assert set(e._prev) == {a, b}
    assert a._op == "" and len(a._prev) == 0


def test_the_lecture_manual_backward_matches_backward():
    a, b, c, d, e, f, L = lecture_graph()
    L.grad = 1.0
    for node in (L, d, f, e, c, a, b):
        node._backward()
    manual = [n.grad for n in (a, b, c, d, e, f, L)]
    fresh = lecture_graph()
    fresh[-1].backward()
    assert manual == [n.grad for n in fresh]
    assert manual == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0, 1.0]


def test_the_lecture_neuron_by_hand():
    def neuron():
        x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
        w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
        b = Value(6.8813735870195432, label="b")
        x1w1, x2w2 = x1 * w1, x2 * w2
        x1w1x2w2 = x1w1 + x2w2
        n = x1w1x2w2 + b
        o = n.tanh()
        return (x1, x2, w1, w2, b), (o, n, x1w1x2w2, x2w2, x1w1)

    leaves, inner = neuron()
    o = inner[0]
    o.grad = 1.0
    for node in inner + leaves:
        node._backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert [v.grad for v in leaves] == pytest.approx([-1.5, 0.5, 1.0, 0.0, 0.5])
    fresh_leaves, fresh_inner = neuron()
    fresh_inner[0].backward()
    assert [v.grad for v in leaves + inner] == [v.grad for v in fresh_leaves + fresh_inner]


# ---------------------------------------------------------------------- dot


def summed(weights, inputs, bias):
    return sum((w * x for w, x in zip(weights, inputs)), bias)


reals = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(st.tuples(reals, reals), min_size=1, max_size=8),
    bias=reals,
)
def test_dot_is_bitwise_the_sum_it_replaces_with_the_same_gradients(pairs, bias):
    def leaves():
        return [Value(w) for w, _ in pairs], [Value(x) for _, x in pairs], Value(bias)

    w1, x1, b1 = leaves()
    w2, x2, b2 = leaves()
    one_node = dot(w1, x1, b1)
    many_nodes = summed(w2, x2, b2)
    assert one_node.data == many_nodes.data
    one_node.backward()
    many_nodes.backward()
    assert [v.grad for v in (*w1, *x1, b1)] == [v.grad for v in (*w2, *x2, b2)]


@pytest.mark.parametrize("bias", [None, 0.5, np.float64(-2.0)], ids=["no bias", "float", "np.float64"])
def test_dot_takes_numbers_anywhere(bias):
    weights = [Value(0.5), 2, np.float64(-1.5)]
    inputs = [3.0, Value(-4.0), np.int64(2)]
    expected = summed(weights, inputs, 0.0 if bias is None else bias)
    out = dot(weights, inputs, bias)
    assert isinstance(out, Value)
    assert out.data == expected.data
    assert out._op == "dot"


@pytest.mark.parametrize("n_weights, n_inputs", [(2, 3), (3, 2), (0, 1)])
def test_dot_with_mismatched_lengths_names_dot_and_both_lengths(n_weights, n_inputs):
    with pytest.raises(ValueError, match=rf"^dot\b.*\b{n_weights}\b.*\b{n_inputs}\b"):
        dot([Value(1.0)] * n_weights, [Value(2.0)] * n_inputs, Value(0.0))
