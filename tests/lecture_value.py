"""Graphs written the micrograd way, for the tests of the core, the trace, the explorer and draw_dot.

``LectureValue`` is the ``Value`` class of the micrograd lecture ("The spelled-out intro to neural
networks and backpropagation"), as written there: ``_prev`` a set, ``_backward`` closures that add
with ``+=``, a recursive ``backward``. The lessons' own classes are read from the notebooks
themselves, so that the tests follow any change to them.
"""

import json
import math
from pathlib import Path

LESSONS = Path(__file__).resolve().parent.parent / "lessons"


class LectureValue:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = LectureValue(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __neg__(self):  # -self
        return self * -1

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __radd__(self, other):  # other + self
        return self + other

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = LectureValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        x = self.data
        out = LectureValue(math.exp(x), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)

        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


def lecture_neuron(value_class):
    """The lecture's neuron, o = tanh(x1*w1 + x2*w2 + b), with its labels; returns the nodes by label."""
    x1 = value_class(2.0, label="x1")
    x2 = value_class(0.0, label="x2")
    w1 = value_class(-3.0, label="w1")
    w2 = value_class(1.0, label="w2")
    b = value_class(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return {v.label: v for v in (x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o)}


def _cells(name):
    notebook = json.loads((LESSONS / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def lesson_class(name, must_contain, *extra_prefixes):
    """The class ``MyValue`` defined by the first code cell of lesson ``name`` that contains
    ``must_contain``, after running the cells that start with ``extra_prefixes`` (helpers it uses)."""
    cells = _cells(name)
    namespace = {"math": math}
    for prefix in extra_prefixes:
        helper = next(c for c in cells if c.startswith(prefix))
        exec(helper.split("\nfrom checking")[0], namespace)  # the definition, not the check after it
    source = next(c for c in cells if must_contain in c and "class MyValue" in c)
    start = source.index("class MyValue")
    exec(source[start:], namespace)
    return namespace["MyValue"]


def lesson02_value():
    """Lesson 02's MyValue with a gradient, with the solution's ``mul_backward`` (Exercise 2)."""
    return lesson_class("02_value.ipynb", "self._backward = lambda: None", "# Solution\ndef mul_backward")


def lesson03_value():
    """Lesson 03's MyValue (+, * and tanh)."""
    return lesson_class("03_backprop.ipynb", "def tanh(self)")
