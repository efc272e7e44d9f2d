"""The core runs micrograd-style nodes (``_backward`` closures) as well as minigrad's returned rules."""

import math

import pytest

from minigrad import Value, backward_steps, gradcheck, no_grad, topological_order
from tests.lecture_value import LectureValue, lecture_neuron, lesson02_value, lesson03_value

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")


def sin(x):
    """sin added to minigrad.Value the lecture's way."""
    out = Value(math.sin(x.data), (x,), "sin")

    def _backward():
        x.grad += math.cos(x.data) * out.grad

    out._backward = _backward
    return out


def _all(root):
    return topological_order(root)


# ---------------------------------------------------------------------- minigrad.Value, the micrograd way


def test_value_takes_micrograds_constructor():
    a = Value(2.0, label="a")
    out = Value(5.0, (a,), "sin", label="out")
    assert (out.data, out._prev, out._op, out.label) == (5.0, (a,), "sin", "out")


def test_an_op_added_the_lecture_way_gets_its_gradient():
    x = Value(0.5)
    (sin(x) * 2.0).backward()
    assert x.grad == pytest.approx(2 * math.cos(0.5), rel=1e-15)
    assert x.grad == pytest.approx(1.755165123780746, rel=1e-15)


def test_an_op_added_the_lecture_way_passes_gradcheck_inside_minigrad_ops():
    assert gradcheck(lambda x, y: (sin(x * y) + x).tanh() * sin(y), [Value(0.7), Value(-1.3)])


def test_a_node_with_parents_and_no_rule_raises_naming_its_op():
    x = Value(0.5)
    y = Value(math.sin(0.5), (x,), "sin")
    with pytest.raises(TypeError, match="'sin' has parents but no gradient rule"):
        (y * 2.0).backward()
    with pytest.raises(TypeError, match="'sin'"):
        list(backward_steps(y, 1.0))


def test_the_lectures_manual_call_of_a_missing_rule_raises_too():
    y = Value(1.0, (Value(0.5),), "sin")
    with pytest.raises(TypeError, match="'sin'"):
        y._backward()


def test_a_written_backward_replaces_the_ops_own_rule():
    x = Value(3.0)
    y = x * 2.0

    def _backward():
        x.grad += 10.0 * y.grad

    y._backward = _backward
    y.backward()
    assert x.grad == 10.0


def test_minigrads_own_ops_keep_their_returned_rules():
    x = Value(3.0)
    y = (x * x).tanh()
    assert y._grad_fn is not None
    steps = list(backward_steps(y, 1.0))
    assert steps[1].contributions == pytest.approx((x.data * steps[1].grad, x.data * steps[1].grad))


def test_backward_must_be_callable():
    with pytest.raises(TypeError, match="_backward: expected a function"):
        Value(1.0)._backward = 3.0


def test_children_must_be_nodes():
    with pytest.raises(TypeError, match="_children must be graph nodes.*'sin'"):
        Value(1.0, (0.5,), "sin")


def test_a_node_made_by_hand_under_no_grad_records_nothing():
    x = Value(0.5)
    with no_grad():
        y = Value(math.sin(0.5), (x,), "sin")
    assert y._prev == () and y._op == ""


# ---------------------------------------------------------------------- graphs of other classes


def test_backward_steps_on_micrograd_gives_micrograds_gradients():
    ours, theirs = _micrograd_graph(), _micrograd_graph()
    steps = list(backward_steps(ours[-1], 1.0))
    theirs[-1].backward()
    assert len(steps) == len(_all(ours[-1]))
    assert [v.grad for v in ours] == [v.grad for v in theirs]


def _micrograd_graph():
    V = micrograd_engine.Value
    a, b = V(2.0), V(-3.0)
    c = a * b + a  # a reused
    d = (c**2).relu() + c * a
    return [a, b, c, d]


def test_a_plus_a_in_a_set_is_one_parent_with_both_contributions():
    for V in (micrograd_engine.Value, LectureValue):
        a = V(3.0)
        b = a + a
        assert len(b._prev) == 1
        steps = list(backward_steps(b, 1.0))
        assert steps[0].parents == (a,) and steps[0].contributions == (2.0,)
        assert a.grad == 2.0


def test_a_parent_listed_twice_in_a_tuple_is_counted_once():
    lesson = lesson03_value()
    a = lesson(3.0)
    b = a * a
    steps = list(backward_steps(b, 1.0))
    assert steps[0].parents == (a, a)
    assert steps[0].contributions == (6.0, None)
    assert a.grad == 6.0


def test_a_micrograd_net_with_weights_reused_across_samples():
    model = micrograd_nn.MLP(2, [4, 1])
    xs = [[1.0, -2.0], [0.5, 0.25], [-1.0, 3.0]]

    def loss():
        return sum((model(x) - 1.0) ** 2 for x in xs)

    model.zero_grad()
    loss().backward()
    expected = [p.grad for p in model.parameters()]
    model.zero_grad()
    list(backward_steps(loss(), 1.0))
    # Another walk may add a weight's contributions in another order: equal to the last bits.
    assert [p.grad for p in model.parameters()] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("make", [lambda: LectureValue, lesson03_value], ids=["lecture", "lesson03"])
def test_the_lecture_and_lesson_classes_agree_with_their_own_backward(make):
    V = make()
    for_core, own = lecture_neuron(V), lecture_neuron(V)
    list(backward_steps(for_core["o"], 1.0))
    _own_backward(own)
    assert {k: v.grad for k, v in for_core.items()} == {k: v.grad for k, v in own.items()}
    assert for_core["w1"].grad == pytest.approx(1.0, rel=1e-9)  # x1 * (1 - o**2) = 2 * 0.5


def _own_backward(nodes):
    """The class's own backward(); lesson 03's class has none (the lesson writes it), so its rules by hand."""
    if hasattr(nodes["o"], "backward"):
        nodes["o"].backward()
        return
    nodes["o"].grad = 1.0
    for name in ("o", "n", "x1*w1 + x2*w2", "x1*w1", "x2*w2"):
        nodes[name]._backward()


def test_lesson02s_class_with_the_solution_rules():
    V = lesson02_value()
    a, b, c, f = V(2.0, label="a"), V(-3.0, label="b"), V(10.0, label="c"), V(-2.0, label="f")
    L = (a * b + c) * f
    list(backward_steps(L, 1.0))
    assert [a.grad, b.grad, c.grad, f.grad] == [6.0, -4.0, -2.0, 4.0]


def test_a_foreign_node_with_no_rule_at_all_raises_naming_its_op():
    class Bare:
        def __init__(self, data, prev=(), op=""):
            self.data, self.grad, self._prev, self._op = data, 0.0, prev, op

    with pytest.raises(TypeError, match="made by 'twice' has parents but no gradient rule"):
        list(backward_steps(Bare(2.0, (Bare(1.0),), "twice"), 1.0))
