"""``draw_dot``: the micrograd lecture's picture of a graph, as a static SVG, with no graphviz.

The lecture draws a graph with graphviz (``draw_dot(root)`` returns a ``Digraph`` that Jupyter
shows, and ``render`` writes). Ours returns a :class:`GraphDrawing` that does the same with the
layout of ``widgets/graph.py``: no binary to install, and the same graph always gives the same SVG
text. It draws any graph a :class:`widgets.trace.Trace` reads: Values, Tensors, micrograd's and a
learner's own nodes, each with its data and its gradient as they are now.
"""

import os

import numpy as np

from widgets import graph
from widgets.trace import Trace, _shape


class GraphDrawing:
    """A drawn graph: Jupyter displays it (``_repr_svg_``); ``save`` and ``render`` write it as SVG."""

    def __init__(self, svg_text, n_nodes):
        self.svg = svg_text
        self.n_nodes = n_nodes

    def _repr_svg_(self):
        return self.svg

    def save(self, path):
        """Write the SVG to ``path``; returns the path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)
        return os.fspath(path)

    def render(self, filename="graph", directory=None, format="svg"):
        """As graphviz's ``render``: write ``filename.svg`` (in ``directory``) and return its path."""
        if format != "svg":
            raise ValueError(f"render: this drawing is SVG only (no graphviz is used), not format={format!r}")
        path = os.fspath(filename) + ".svg"
        if directory is not None:
            os.makedirs(directory, exist_ok=True)
            path = os.path.join(directory, path)
        return self.save(path)

    def __repr__(self):
        return f"GraphDrawing({self.n_nodes} nodes, SVG {len(self.svg)} characters)"


def draw_dot(root, format="svg", rankdir="LR"):
    """Draw the graph of ``root``, leaves on the left and ``root`` on the right, as in the lecture.

    Each node shows its name (its label, or a generated ``n1``, ``n2``, ...), its data and its grad;
    each op is a small box in front of the node it made.
    """
    if format != "svg":
        raise ValueError(f"draw_dot: only format='svg' is drawn (no graphviz is used), not {format!r}")
    if rankdir != "LR":
        raise ValueError(f"draw_dot: the layout runs left to right (rankdir='LR'); {rankdir!r} is not drawn")
    try:
        trace = Trace(root, mode="graph")
    except TypeError as exc:
        raise TypeError(f"draw_dot: {exc}") from None
    keys = list(range(len(trace.nodes)))
    lines = {k: _lines(trace.names[k], node, trace.is_tensor) for k, node in enumerate(trace.nodes)}
    boxes = {k: graph.box_size([len(line) for line in lines[k]]) for k in keys}
    ops = {k: trace.ops[k] for k in keys if trace.parents[k]}
    op_sizes = {k: graph.op_box_size(op) for k, op in ops.items()}
    parents = {k: trace.parents[k] for k in keys}
    layout = graph.layout_graph(keys, parents, boxes, op_sizes)
    return GraphDrawing(graph.draw_graph(layout, lines, ops, trace.names), len(keys))


def _lines(name, node, is_tensor):
    fmt = graph.format_number
    if not is_tensor:
        return [name, "data " + fmt(node.data), "grad " + fmt(node.grad)]
    lines = [f"{name} {_shape(node.data)}"] + _block("data ", node.data)
    if node.grad is None:
        return lines + ["grad None"]
    return lines + _block("grad ", np.asarray(node.grad))


def _block(prefix, array):
    rows = graph.format_array(array)
    return [prefix + rows[0]] + [" " * len(prefix) + row for row in rows[1:]]
