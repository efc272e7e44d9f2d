"""BackwardExplorer on graphs written the micrograd way: micrograd 0.1.0, the lecture's class, the lessons'."""

import math

import numpy as np
import pytest

from minigrad import Tensor, Value
from tests.lecture_value import LectureValue, lecture_neuron, lesson02_value, lesson03_value
from widgets import BackwardExplorer

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")


def micrograd_neuron():
    V = micrograd_engine.Value
    x1, x2, w1, w2, b = V(2.0), V(0.0), V(-3.0), V(1.0), V(6.5)
    return (x1 * w1 + x2 * w2 + b).relu() + x1 * x1


def lesson02_graph():
    V = lesson02_value()
    a, b, c, f = V(2.0, label="a"), V(-3.0, label="b"), V(10.0, label="c"), V(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


GRAPHS = {
    "micrograd": micrograd_neuron,
    "micrograd MLP": lambda: micrograd_nn.MLP(2, [3, 1])([1.0, -2.0]),
    "lecture": lambda: lecture_neuron(LectureValue)["o"],
    "lesson02": lesson02_graph,
    "lesson03": lambda: lecture_neuron(lesson03_value())["o"],
}


def own_backward(root, nodes):
    if hasattr(root, "backward"):
        root.backward()
    else:  # lesson 03's class: the lesson writes backward() itself
        root.grad = 1.0
        for node in reversed(nodes):
            node._backward()
    return [node.grad for node in nodes]


@pytest.mark.parametrize("name", GRAPHS)
def test_stepping_to_the_end_gives_the_classes_own_gradients(name):
    root = GRAPHS[name]()
    explorer = BackwardExplorer(root)
    explorer.go_to(explorer.steps)
    assert explorer.grads == pytest.approx(own_backward(root, explorer.nodes), rel=1e-12, abs=1e-15)
    assert "That was the last step" in explorer.explanation


@pytest.mark.parametrize("name", GRAPHS)
def test_back_and_forward_show_the_same_steps(name):
    explorer = BackwardExplorer(GRAPHS[name]())
    seen = []
    for _ in range(explorer.steps):
        explorer.step_forward()
        seen.append((explorer.current_index, list(explorer.grads), explorer.explanation))
    for k in range(explorer.steps, 0, -1):
        explorer.go_to(k)
        assert (explorer.current_index, explorer.grads, explorer.explanation) == seen[k - 1]
        explorer.step_back()
    assert explorer.step == 0 and explorer.current_node is None


@pytest.mark.parametrize("name", GRAPHS)
def test_the_users_gradients_are_put_back(name):
    root = GRAPHS[name]()
    explorer = BackwardExplorer(root)
    assert all(node.grad == 0 for node in explorer.nodes)


def test_the_explanation_of_a_lecture_closure_step():
    nodes = lecture_neuron(LectureValue)
    explorer = BackwardExplorer(nodes["o"])
    explorer.go_to(1)
    assert explorer.explanation.splitlines() == [
        "Step 1 of 10: node 'o' (tanh), o.grad = 1.0 (the seed: do/do = 1)",
        "o._backward() ran: what it added to each parent is read from the change of the parent's grad.",
        "o = tanh(n), so n.grad += (1 - o.data**2) * o.grad = (1 - 0.7071**2) * 1.0 = 0.5",
    ]
    assert explorer.current_node is nodes["o"]
    assert repr(explorer) == "BackwardExplorer(step 1 of 10, current node 'o' (tanh))"


def test_the_drawing_names_every_node_of_a_micrograd_graph():
    explorer = BackwardExplorer(micrograd_neuron())
    explorer.go_to(3)
    for name in explorer.names:
        assert f'data-node="{name}"' in explorer.svg
    assert "ReLU" in explorer.svg


def test_a_plus_a_with_a_set_of_parents():
    a = LectureValue(3.0, label="a")
    b = a + a
    b.label = "b"
    explorer = BackwardExplorer(b)
    explorer.go_to(1)
    assert explorer.grads == [2.0, 1.0]
    assert "a.grad += 2.0 (the set of parents holds it once" in explorer.explanation


def test_an_op_added_to_minigrad_value_the_lecture_way():
    x = Value(0.5, label="x")
    y = Value(math.sin(0.5), (x,), "sin", label="y")

    def _backward():
        x.grad += math.cos(x.data) * y.grad

    y._backward = _backward
    out = y * 2.0
    out.label = "out"
    explorer = BackwardExplorer(out)
    explorer.go_to(explorer.steps)
    assert explorer.grads[explorer.nodes.index(x)] == pytest.approx(2 * math.cos(0.5), rel=1e-15)
    explorer.go_to(explorer.trace.order.index(explorer.nodes.index(y)) + 1)
    assert "y._backward() ran" in explorer.explanation
    assert "x.grad += 1.755" in explorer.explanation


def test_a_node_with_parents_and_no_rule_is_an_error_naming_its_op():
    y = Value(1.0, (Value(0.5),), "sin")
    with pytest.raises(TypeError, match="'sin' has parents but no gradient rule"):
        BackwardExplorer(y * 2.0)


def test_sliders_need_minigrads_ops():
    nodes = lecture_neuron(LectureValue)
    with pytest.raises(ValueError, match="cannot recompute nodes whose rule is a _backward closure"):
        BackwardExplorer(nodes["o"], sliders=[nodes["x1"]])


def test_forward_mode_on_the_lessons_first_class_with_no_gradient():
    class MyValue:  # lesson 02's first class: data, parents and op only
        def __init__(self, data, _prev=(), _op="", label=""):
            self.data, self._prev, self._op, self.label = data, _prev, _op, label

        def __mul__(self, other):
            return MyValue(self.data * other.data, (self, other), "*")

    out = MyValue(2.0, label="a") * MyValue(-3.0, label="b")
    out.label = "e"
    explorer = BackwardExplorer(out, mode="forward")
    explorer.go_to(1)
    assert explorer.explanation.splitlines()[1] == "e = a * b = 2.0 * -3.0 = -6.0"
    with pytest.raises(TypeError, match="needs nodes with a grad"):
        BackwardExplorer(out)


def test_anything_else_is_refused_clearly():
    with pytest.raises(TypeError, match="expected a graph node .* got list"):
        BackwardExplorer([1.0, 2.0])


def test_a_legend_says_what_the_colours_mean():
    explorer = BackwardExplorer(lecture_neuron(Value)["o"])
    explorer.go_to(2)
    legend = explorer._graph_html.value.split("<svg")[0]
    assert "bold orange</b> grad: what this step just added" in legend
    assert "grey</span> grad: its step has not come" in legend and "yellow box</span>" in legend


def test_a_large_tensor_shows_its_range_in_words():
    x = Tensor(np.linspace(-1.0, 2.375, 12).reshape(3, 4), requires_grad=True, label="x")
    explorer = BackwardExplorer((x * 2.0).sum())
    # A heatmap, and its range in words: not "[-1.0, 2.375]", which reads as two elements.
    assert ">from -1.0<" in explorer.svg and ">to 2.375<" in explorer.svg and 'class="heatmap"' in explorer.svg
    explorer.go_to(2)
    assert "x.grad += n1.data * n2.grad: shape (3, 4) with values from 2.0 to 2.0" in explorer.explanation
