"""Scalar-mode Value, backward: every op against finite differences, random programs against PyTorch."""

import inspect
import math
import operator

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minigrad import Value, dot, gradcheck


def reals(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(margin, high=5.0):
    """Floats with margin <= |x| <= high: clear of a kink or a pole at 0."""
    return st.builds(operator.mul, reals(margin, high), st.sampled_from([1.0, -1.0]))


anywhere = reals(-5.0, 5.0)
positive = reals(0.1, 5.0)

CHECK = settings(max_examples=150, deadline=None)


# ---------------------------------------------------------------------- every op against finite differences

BINARY = {
    "+": (operator.add, anywhere),
    "-": (operator.sub, anywhere),
    "*": (operator.mul, anywhere),
    "/": (operator.truediv, away_from_zero(0.1)),
}


@pytest.mark.parametrize("symbol", list(BINARY))
@CHECK
@given(data=st.data())
def test_binary_op_between_values(symbol, data):
    op, divisor_domain = BINARY[symbol]
    a, b = data.draw(anywhere), data.draw(divisor_domain)
    gradcheck(op, [Value(a), Value(b)])


@CHECK
@given(base=positive, exponent=reals(-3.0, 3.0))
def test_value_to_a_value_power_on_a_positive_base(base, exponent):
    gradcheck(operator.pow, [Value(base), Value(exponent)])


@pytest.mark.parametrize("symbol", list(BINARY))
@CHECK
@given(data=st.data())
def test_op_with_a_number_on_either_side(symbol, data):
    op, divisor_domain = BINARY[symbol]
    number, x = data.draw(anywhere), data.draw(divisor_domain)
    # A NumPy scalar on the left reaches the reflected op only because Value opts out of ufuncs.
    number = data.draw(st.sampled_from([float, np.float64]))(number)
    gradcheck(lambda v: op(number, v), [Value(x)])
    if symbol == "/":
        number, x = x, number
    gradcheck(lambda v: op(v, number), [Value(x)])


@CHECK
@given(base=positive, exponent=reals(-3.0, 3.0))
def test_number_to_a_value_power(base, exponent):
    gradcheck(lambda v: base**v, [Value(exponent)])


UNARY = {
    "neg": (operator.neg, anywhere),
    "exp": (Value.exp, anywhere),
    "log": (Value.log, reals(1e-2, 10.0)),
    "tanh": (Value.tanh, anywhere),
    "sigmoid": (Value.sigmoid, reals(-10.0, 10.0)),
    "relu": (Value.relu, away_from_zero(1e-3)),
    "abs": (Value.abs, away_from_zero(1e-3)),
    "builtin abs": (abs, away_from_zero(1e-3)),
}


@pytest.mark.parametrize("name", list(UNARY))
@CHECK
@given(data=st.data())
def test_unary_function(name, data):
    function, domain = UNARY[name]
    gradcheck(function, [Value(data.draw(domain))])


@CHECK
@given(
    base=positive,
    exponent=st.one_of(st.sampled_from([-3, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3]), reals(-3.0, 3.0)),
)
def test_power_of_a_positive_base(base, exponent):
    gradcheck(lambda v: v**exponent, [Value(base)])


@CHECK
@given(base=away_from_zero(0.1), exponent=st.integers(-3, 4))
def test_integer_power_of_any_base(base, exponent):
    gradcheck(lambda v: v**exponent, [Value(base)])


@CHECK
@given(pairs=st.lists(st.tuples(anywhere, anywhere), min_size=1, max_size=5), bias=st.none() | anywhere)
def test_dot(pairs, bias):
    n = len(pairs)
    leaves = [Value(w) for w, _ in pairs] + [Value(x) for _, x in pairs]
    if bias is None:
        gradcheck(lambda *v: dot(v[:n], v[n:]), leaves)
    else:
        gradcheck(lambda *v: dot(v[:n], v[n : 2 * n], v[2 * n]), leaves + [Value(bias)])


# ---------------------------------------------------------------------- reused nodes


def test_a_plus_a_gives_two():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0


def test_a_times_a_gives_two_a():
    a = Value(-1.5)
    (a * a).backward()
    assert a.grad == -3.0


def test_a_node_feeding_three_nodes_receives_the_sum_of_their_contributions():
    a = Value(1.5)
    b = a * 2.0
    # b feeds three nodes, each sending b a different slope: 2, 2b, -1.
    out = b * 2.0 + b**2 + (-b)
    out.backward()
    assert b.grad == 2.0 + 2 * 3.0 - 1.0
    assert a.grad == 2.0 * b.grad


def test_a_leaf_feeding_three_nodes_receives_the_sum_of_their_contributions():
    a = Value(0.5)
    out = a.tanh() + a.exp() + a * 3.0
    out.backward()
    assert a.grad == pytest.approx((1 - math.tanh(0.5) ** 2) + math.exp(0.5) + 3.0, rel=1e-15)


@pytest.mark.parametrize("exponent", [0, 0.0, Value(0.0)], ids=["int", "float", "Value"])
def test_zero_to_the_power_zero_has_gradient_zero(exponent):
    x = Value(0.0)
    (x**exponent).backward()
    assert x.grad == 0.0


# ---------------------------------------------------------------------- random programs against PyTorch

# Each step makes one node from earlier ones. Growth is kept in check (exp only of a tanh, log and
# division only of something >= 1) so that every program is defined; the rest is bounded below.
MINIGRAD_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "neg": lambda a: -a,
    "exp": lambda a: a.tanh().exp(),
    "log": lambda a: (a * a + 1).log(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "abs": lambda a: abs(a),
    "square": lambda a: a**2,
    "cube": lambda a: a**3,
    "dot": lambda w0, w1, x0, x1, bias: dot([w0, w1], [x0, x1], bias),
}
ARITY = {name: len(inspect.signature(op).parameters) for name, op in MINIGRAD_OPS.items()}
KINKED = {"relu", "abs"}
# Past this, float64 rounding differences between the engines (e.g. pow(x, 3) against x*x*x) can
# outgrow the tolerance; programs that leave the range are discarded.
BOUND = 100.0


def torch_ops(torch):
    return {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / (b * b + 1),
        "neg": torch.neg,
        "exp": lambda a: torch.exp(torch.tanh(a)),
        "log": lambda a: torch.log(a * a + 1),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "abs": torch.abs,
        "square": lambda a: a**2,
        "cube": lambda a: a**3,
        "dot": lambda w0, w1, x0, x1, bias: bias + w0 * x0 + w1 * x1,
    }


@st.composite
def programs(draw):
    """(leaf values, steps); a step is (op name, indices of earlier nodes), leaves first."""
    leaves = draw(st.lists(reals(-2.0, 2.0), min_size=2, max_size=4))
    steps = []
    for _ in range(draw(st.integers(5, 15))):
        name = draw(st.sampled_from(sorted(MINIGRAD_OPS)))
        earlier = st.integers(0, len(leaves) + len(steps) - 1)
        steps.append((name, tuple(draw(earlier) for _ in range(ARITY[name]))))
    return leaves, steps


def run(program, ops, leaf, value):
    """Every node of the program and its output, the sum of all steps (so every step gets a
    gradient); None as soon as a node leaves [-BOUND, BOUND]."""
    leaves, steps = program
    nodes = [leaf(x) for x in leaves]
    for name, args in steps:
        node = ops[name](*(nodes[i] for i in args))
        if not abs(value(node)) <= BOUND:
            return None
        nodes.append(node)
    output = nodes[len(leaves)]
    for node in nodes[len(leaves) + 1 :]:
        output = output + node
    return nodes, output


def run_minigrad(program):
    return run(program, MINIGRAD_OPS, Value, lambda v: v.data)


def run_torch(program, torch):
    return run(program, torch_ops(torch), lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True), torch.Tensor.item)


def same_side_of_every_kink(program, minigrad_nodes, torch_nodes):
    """False if rounding differences could put relu or abs on different sides of 0 in the two engines."""
    _, steps = program
    for name, args in steps:
        if name in KINKED:
            ours, theirs = minigrad_nodes[args[0]].data, torch_nodes[args[0]].item()
            if ours != theirs and min(abs(ours), abs(theirs)) < 1e-9:
                return False
    return True


def close(actual, expected):
    return abs(actual - expected) <= 1e-9 * abs(expected) + 1e-12


def assert_matches_torch(program, minigrad_run, torch_run):
    (nodes, output), (torch_nodes, torch_output) = minigrad_run, torch_run
    n_leaves = len(program[0])
    output.backward()
    torch_output.backward()
    assert close(output.data, torch_output.item()), (output.data, torch_output.item())
    for i in range(n_leaves):
        # A leaf no step used has no gradient in PyTorch and 0.0 here.
        expected = 0.0 if torch_nodes[i].grad is None else torch_nodes[i].grad.item()
        assert close(nodes[i].grad, expected), (i, nodes[i].grad, expected)


@settings(max_examples=300, deadline=None)
@given(program=programs())
def test_random_programs_match_pytorch(program):
    torch = pytest.importorskip("torch")
    ours = run_minigrad(program)
    assume(ours is not None)
    theirs = run_torch(program, torch)
    assume(theirs is not None and same_side_of_every_kink(program, ours[0], theirs[0]))
    assert_matches_torch(program, ours, theirs)


# Nodes 0-2 are leaves. Node 3 = x*x and node 4 = x+x reuse x; most later steps reuse 3, 4 and each
# other, several nodes feed four or more steps, and dot takes one node as weight and input at once.
HEAVY_REUSE = (
    [0.7, -1.3, 0.4],
    [
        ("mul", (0, 0)),  # 3
        ("add", (0, 0)),  # 4
        ("mul", (3, 4)),  # 5
        ("dot", (3, 4, 4, 1, 3)),  # 6
        ("sub", (5, 5)),  # 7: exactly 0, so relu and abs below sit on their kink in both engines
        ("relu", (7,)),  # 8
        ("abs", (7,)),  # 9
        ("div", (6, 3)),  # 10
        ("log", (6,)),  # 11
        ("exp", (10,)),  # 12
        ("sigmoid", (11,)),  # 13
        ("tanh", (5,)),  # 14
        ("cube", (4,)),  # 15
        ("square", (10,)),  # 16
        ("neg", (3,)),  # 17
        ("dot", (16, 14, 13, 12, 2)),  # 18
        ("mul", (18, 18)),  # 19
        ("abs", (17,)),  # 20
        ("relu", (10,)),  # 21
    ],
)


def test_a_program_that_reuses_nodes_heavily_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = run_minigrad(HEAVY_REUSE), run_torch(HEAVY_REUSE, torch)
    assert ours is not None and theirs is not None
    assert same_side_of_every_kink(HEAVY_REUSE, ours[0], theirs[0])
    assert_matches_torch(HEAVY_REUSE, ours, theirs)
    nodes = ours[0]
    assert all(nodes[i].grad != 0.0 for i in range(3))
