"""draw_dot: the lecture's cells that draw graphs run with only the import changed, and need no graphviz."""

import math
import re

import numpy as np
import pytest

from minigrad import Tensor, Value
from tests.lecture_value import LectureValue
from widgets import draw_dot
from widgets.dot import GraphDrawing

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")

# The lecture's cells, as written there, but for the import: there `from graphviz import Digraph` and
# a definition of draw_dot; here `from widgets import draw_dot`. Each leaves what it displays in `shown`.
LECTURE_CELLS = [
    """
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
shown = draw_dot(L)
""",
    """
L.grad = 1.0
f.grad = 4.0
d.grad = -2.0
shown = draw_dot(L)
""",
    """
# inputs x1,x2
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
# weights w1,w2
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
# bias of the neuron
b = Value(6.8813735870195432, label='b')
# x1*w1 + x2*w2 + b
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
o.backward()
shown = draw_dot(o)
""",
    """
a = Value(3.0, label='a')
b = a + a   ; b.label = 'b'
b.backward()
shown = draw_dot(b)
""",
]


def run_cells(value_class):
    namespace = {"Value": value_class, "draw_dot": draw_dot, "math": math}
    drawings = []
    for cell in LECTURE_CELLS:
        exec(cell, namespace)
        drawings.append(namespace["shown"])
    return drawings


@pytest.mark.parametrize("value_class", [LectureValue, Value], ids=["lecture", "minigrad"])
def test_the_lecture_cells_run_and_show_svg(value_class):
    first, set_by_hand, neuron, twice = run_cells(value_class)
    for drawing in (first, set_by_hand, neuron, twice):
        assert isinstance(drawing, GraphDrawing)
        assert drawing._repr_svg_().startswith("<svg ")
    for label in "abcdefL":
        assert f'data-node="{label}"' in first.svg
    assert re.search(r">grad -2\.0<", set_by_hand.svg)  # d.grad as the cell set it
    assert ">data 0.7071<" in neuron.svg and ">grad 0.5<" in neuron.svg  # o, and n.grad = 1 - o**2
    assert ">grad 2.0<" in twice.svg  # a.grad = 2 for b = a + a
    # minigrad's Value keeps both operands (a, a): one edge drawn twice; the lecture's set holds a once.
    assert ("\u00d72" in twice.svg) == (value_class is Value)


def test_micrograds_own_demo_and_render(tmp_path):
    # micrograd's trace_graph demo: a Neuron, dot = draw_dot(y), dot.render('gout').
    V = micrograd_engine.Value
    n = micrograd_nn.Neuron(2)
    x = [V(1.0), V(-2.0)]
    y = n(x)
    dot = draw_dot(y, format="svg", rankdir="LR")
    path = dot.render(str(tmp_path / "gout"))
    assert path == str(tmp_path / "gout.svg")
    with open(path, encoding="utf-8") as f:
        assert f.read() == dot.svg
    assert "ReLU" in dot.svg


def test_tensors():
    x = Tensor(np.array([[1.0, -2.0], [0.5, 3.0]]), requires_grad=True, label="x")
    out = (x * x).sum()
    out.label = "out"
    before = draw_dot(out)
    assert ">grad None<" in before.svg
    out.backward()
    after = draw_dot(out)
    assert 'data-node="x"' in after.svg and "x (2, 2)" in after.svg
    assert "[[2.0, -4.0]" in after.svg  # x.grad = 2x


def test_the_same_graph_gives_the_same_svg(tmp_path):
    def build():
        a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        return ((a * b + a).tanh() * b).exp()

    one, two = draw_dot(build()), draw_dot(build())
    assert one.svg == two.svg
    one.save(tmp_path / "graph.svg")
    assert (tmp_path / "graph.svg").read_text(encoding="utf-8") == one.svg
    assert repr(one) == f"GraphDrawing(7 nodes, SVG {len(one.svg)} characters)"


def test_drawing_changes_no_gradient_and_no_label():
    a = Value(2.0)
    out = a * a
    out.backward()
    draw_dot(out)
    assert (a.grad, a.label, out.label) == (4.0, "", "")


def test_what_is_not_drawn_is_said():
    a = Value(1.0)
    with pytest.raises(ValueError, match="rankdir='LR'"):
        draw_dot(a, rankdir="TB")
    with pytest.raises(ValueError, match="format='svg'"):
        draw_dot(a, format="png")
    with pytest.raises(ValueError, match="SVG only"):
        draw_dot(a).render("x", format="png")
    with pytest.raises(TypeError, match="draw_dot: expected a graph node"):
        draw_dot(3.0)
