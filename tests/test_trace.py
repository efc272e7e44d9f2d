"""widgets.trace.Trace: the nodes, records, gradients and words of a pass, read without any widget."""

import numpy as np
import pytest

from minigrad import Tensor, Value, backward_steps, topological_order
from tests.lecture_value import LectureValue, lecture_neuron, lesson02_value, lesson03_value
from widgets.trace import Trace

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")


def minigrad_neuron():
    return lecture_neuron(Value)


def micrograd_graph():
    """A micrograd 0.1.0 graph with a node reused across layers: a feeds c, d and e."""
    V = micrograd_engine.Value
    a, b = V(2.0), V(-3.0)
    c = a * b + a
    d = (c**2).relu() + c * a
    return {"a": a, "b": b, "c": c, "d": d}


def own_gradients(root, nodes):
    """What the root's own class computes, in the order of ``nodes``: its backward() where it has one,
    else its rules in reverse topological order (lesson 03's class leaves backward() to the lesson)."""
    if hasattr(root, "backward"):
        root.backward()
    else:
        root.grad = 1.0
        for node in reversed(nodes):
            node._backward()
    return [node.grad for node in nodes]


CLASSES = {
    "minigrad": lambda: lecture_neuron(Value)["o"],
    "micrograd": lambda: micrograd_graph()["d"],
    "lecture": lambda: lecture_neuron(LectureValue)["o"],
    "lesson02": lambda: _lesson02_graph(),
    "lesson03": lambda: lecture_neuron(lesson03_value())["o"],
}


def _lesson02_graph():
    V = lesson02_value()
    a, b, c, f = V(2.0, label="a"), V(-3.0, label="b"), V(10.0, label="c"), V(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


@pytest.mark.parametrize("name", CLASSES)
def test_the_last_step_has_the_gradients_the_class_itself_computes(name):
    root = CLASSES[name]()
    trace = Trace(root)  # on the same graph: a set of parents is ordered differently in another build
    expected = own_gradients(root, trace.nodes)
    assert trace.grads_at(trace.steps) == expected  # exactly, not approximately
    assert trace.steps == len(trace.nodes)


@pytest.mark.parametrize("name", CLASSES)
def test_each_step_shows_the_gradients_the_engine_had_after_it(name):
    root = CLASSES[name]()
    trace = Trace(root)
    for k, _ in enumerate(backward_steps(root, 1.0), start=1):
        assert trace.grads_at(k) == [node.grad for node in trace.nodes], f"step {k}"


@pytest.mark.parametrize("name", CLASSES)
def test_the_users_gradients_are_put_back(name):
    root = CLASSES[name]()
    nodes = topological_order(root)
    for i, node in enumerate(nodes):
        node.grad = float(i) + 0.5
    Trace(root)
    assert [node.grad for node in nodes] == [i + 0.5 for i in range(len(nodes))]


def test_closure_steps_and_rule_steps_are_told_apart():
    x = Value(0.5, label="x")
    y = Value(0.25, (x,), "sq", label="y")

    def _backward():
        x.grad += 2 * x.data * y.grad

    y._backward = _backward
    z = y * 3.0
    trace = Trace(z)
    closures = [trace.nodes[i] for i in range(len(trace.nodes)) if trace.uses_closure(i)]
    assert closures == [y]
    assert trace.grads_at(trace.steps)[trace.index[id(x)]] == 3.0


def test_the_words_of_a_closure_step_give_what_it_added():
    trace = Trace(micrograd_graph()["d"])
    text = "\n".join("\n".join(trace.words(k)) for k in range(trace.steps + 1))
    assert "_backward() ran" in text
    assert "relu(" in text  # micrograd's 'ReLU' has its rule in words


def test_a_plus_a_in_a_set_says_both_contributions_arrived_as_one():
    a = LectureValue(3.0, label="a")
    b = a + a
    b.label = "b"
    trace = Trace(b)
    words = trace.words(1)
    assert words[-1] == "a.grad += 2.0 (the set of parents holds it once: this is both of its contributions)"
    assert trace.grads_at(1) == [2.0, 1.0]


def test_a_lecture_product_is_explained_with_its_rule():
    nodes = lecture_neuron(LectureValue)
    trace = Trace(nodes["o"])
    k = trace.order.index(trace.index[id(nodes["x1*w1"])]) + 1
    # The set of parents may hold x1 or w1 first; * is symmetric, so either order gives these words.
    # A label with an operator in it is bracketed before ".grad", or "x1.data * x1*w1.grad" would read as a product.
    assert "x1*w1 = x1 * w1, so w1.grad += x1.data * (x1*w1).grad = 2.0 * 0.5 = 1.0" in trace.words(k) or (
        "x1*w1 = w1 * x1, so w1.grad += x1.data * (x1*w1).grad = 2.0 * 0.5 = 1.0" in trace.words(k)
    )


def test_forward_mode_needs_no_gradient():
    class NoGrad:
        def __init__(self, data, _prev=(), _op="", label=""):
            self.data, self._prev, self._op, self.label = data, _prev, _op, label

        def __add__(self, other):
            return NoGrad(self.data + other.data, (self, other), "+")

    out = NoGrad(1.0, label="a") + NoGrad(2.0, label="b")
    trace = Trace(out, mode="forward")
    assert trace.steps == 1 and trace.data_at(0)[-1] is None and trace.data_at(1)[-1] == 3.0
    with pytest.raises(TypeError, match="needs nodes with a grad"):
        Trace(out)


def test_not_a_node():
    with pytest.raises(TypeError, match="expected a graph node.*got float"):
        Trace(3.0)


def test_tensor_graphs():
    x = Tensor(np.array([[1.0, -2.0], [0.5, 3.0]]), requires_grad=True, label="x")
    out = (x * x).sum()
    trace = Trace(out)
    assert x.grad is None  # put back as it was
    out.backward()
    np.testing.assert_array_equal(trace.grads_at(trace.steps)[trace.index[id(x)]], np.asarray(x.grad))
    assert trace.updated_at(1) == {trace.index[id(out._prev[0])]}


def test_a_micrograd_mlp_trace_matches_its_backward():
    model = micrograd_nn.MLP(3, [4, 4, 1])
    x = [micrograd_engine.Value(v) for v in (0.5, -1.0, 2.0)]
    root = model(x)
    trace = Trace(root)
    root.backward()
    # micrograd orders a node's many users by its own recursive walk, so sums may round in another
    # order: equal to the last bits, not always bit for bit.
    assert trace.grads_at(trace.steps) == pytest.approx([node.grad for node in trace.nodes], rel=1e-12, abs=1e-15)
