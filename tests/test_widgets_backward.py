"""BackwardExplorer, driven from Python: it shows what backward_steps does, step by step."""

import html
import math
import re

import numpy as np
import pytest

from minigrad import Tensor, Value, backward_steps, dot, topological_order
from widgets import graph, svg
from widgets.backward_explorer import BackwardExplorer
from widgets.graph import format_number, layout_graph

# ---------------------------------------------------------------------- graphs (each call builds a fresh one)


def named(value, label):
    value.label = label
    return value


def lecture(a=2.0, b=-3.0):
    """The micrograd lecture's first example."""
    a, b, c = Value(a, label="a"), Value(b, label="b"), Value(10.0, label="c")
    e = named(a * b, "e")
    d = named(e + c, "d")
    f = Value(-2.0, label="f")
    return named(d * f, "L")


def neuron():
    """The lecture's neuron: tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = named(named(x1 * w1, "x1*w1") + named(x2 * w2, "x2*w2"), "x1*w1 + x2*w2") + b
    return named(named(n, "n").tanh(), "o")


def reuse():
    a = Value(3.0, label="a")
    return named(a + a, "b")


def dotted():
    ws = [Value(v, label=f"w{i}") for i, v in enumerate([0.5, -1.0, 2.0])]
    xs = [Value(v, label=f"x{i}") for i, v in enumerate([1.0, 2.0, -0.5])]
    return named(dot(ws, xs, Value(0.1, label="b")).tanh(), "out")


def tensor_graph():
    x = Tensor([[1.0, -2.0, 3.0], [0.5, 1.0, -1.0]], label="x")
    w = Tensor([[0.5, -1.0], [0.25, 2.0], [-1.5, 0.75]], requires_grad=True, label="w")
    return (x @ w).relu().sum()


def big(n_nodes=150):
    """A scalar MLP-like graph of exactly ``n_nodes`` nodes."""
    inputs = [Value(0.1 * i - 0.2, label=f"x{i}") for i in range(3)]
    weights = iter(np.linspace(-1.0, 1.0, 97))

    def neuron_of(xs):
        return sum((Value(float(next(weights))) * x for x in xs), Value(0.0)).tanh()

    hidden = [neuron_of(inputs) for _ in range(4)]
    out = sum(neuron_of(hidden) for _ in range(3))
    while len(topological_order(out)) < n_nodes:
        out = out.tanh()
    assert len(topological_order(out)) == n_nodes
    return out


SCALAR_GRAPHS = {"lecture": lecture, "neuron": neuron, "reuse": reuse, "dot": dotted}
ALL_GRAPHS = {**SCALAR_GRAPHS, "tensor": tensor_graph}


def seed_of(root):
    return np.ones_like(root.data) if isinstance(root, Tensor) else 1.0


def expected_grads(build):
    """Gradients after each number of records, as the sums of what backward_steps yields."""
    root = build()
    nodes = topological_order(root)
    where = {id(node): i for i, node in enumerate(nodes)}
    zero = None if isinstance(root, Tensor) else 0.0
    grads = [zero] * len(nodes)
    grads[where[id(root)]] = seed_of(root)
    states = [[None] * len(nodes)]
    for record in backward_steps(root, seed_of(root)):
        for parent, contribution in zip(record.node._prev, record.contributions):
            if contribution is not None:
                i = where[id(parent)]
                grads[i] = contribution if grads[i] is None else grads[i] + contribution
        states.append(list(grads))
    return states


def same(x, y):
    if x is None or y is None:
        return x is None and y is None
    return np.array_equal(np.asarray(x), np.asarray(y))


# ---------------------------------------------------------------------- the gradients shown


@pytest.mark.parametrize("name", ALL_GRAPHS)
def test_the_gradients_at_each_step_are_those_backward_steps_has_produced(name):
    build = ALL_GRAPHS[name]
    explorer = BackwardExplorer(build())
    states = expected_grads(build)
    assert explorer.steps == len(states) - 1 == len(explorer.nodes)
    for k in range(explorer.steps + 1):
        assert explorer.step == k
        assert all(same(shown, expected) for shown, expected in zip(explorer.grads, states[k])), k
        explorer.forward_button.click()
    # At the last step: every gradient equals backward()'s on the same graph built again.
    root = build()
    root.backward()
    for shown, node in zip(explorer.grads, topological_order(root)):
        assert same(shown, node.grad)


def test_step_zero_knows_no_gradient_and_says_so():
    explorer = BackwardExplorer(lecture())
    assert explorer.grads == [None] * 7 and explorer.current_node is None
    assert explorer.svg.count("grad ?") == 7
    assert "no gradient is known yet" in explorer.explanation
    explorer.step_forward()
    assert "grad ?" not in explorer.svg


def test_a_node_used_twice_gets_both_contributions():
    explorer = BackwardExplorer(reuse())
    explorer.go_to(1)
    assert explorer.grads[0] == 2.0
    assert explorer.explanation.count("b = a + a, so a.grad += b.grad = 1.0") == 2
    assert "\u00d72" in explorer.svg  # the edge a -> + is marked as taken twice


def test_the_explorer_leaves_the_graphs_gradients_and_labels_as_they_were():
    root = lecture()
    root.backward()
    nodes = topological_order(root)
    before = [(node.grad, node.label) for node in nodes]
    unlabeled = Value(1.0) * Value(2.0)
    explorer = BackwardExplorer(root)
    explorer.go_to(explorer.steps)
    assert [(node.grad, node.label) for node in nodes] == before
    names = BackwardExplorer(unlabeled).names
    assert names == ["n1", "n2", "n3"] and all(node.label == "" for node in topological_order(unlabeled))


# ---------------------------------------------------------------------- controls


def test_buttons_slider_and_play_move_the_step_consistently():
    explorer = BackwardExplorer(lecture())

    def state():
        return explorer.step, explorer.step_slider.value, explorer.play_widget.value

    explorer.back_button.click()
    assert state() == (0, 0, 0)  # clamped at 0
    for _ in range(3):
        explorer.forward_button.click()
    assert state() == (3, 3, 3)
    explorer.back_button.click()
    assert state() == (2, 2, 2)
    explorer.step_slider.value = 5
    assert state() == (5, 5, 5)
    explorer.play_widget.value = 4
    assert state() == (4, 4, 4)
    for _ in range(10):
        explorer.forward_button.click()
    assert state() == (7, 7, 7) == (explorer.steps,) * 3  # clamped at the last step
    explorer.reset_button.click()
    assert state() == (0, 0, 0)
    explorer.go_to(99)
    assert state() == (7, 7, 7)
    explorer.go_to(-5)
    assert state() == (0, 0, 0)


def test_play_pause_and_speed():
    explorer = BackwardExplorer(lecture())
    explorer.play()
    assert explorer.playing and explorer.play_widget.playing
    explorer.pause()
    assert not explorer.playing
    explorer.go_to(explorer.steps)
    explorer.play()  # at the end, play starts again from the beginning
    assert explorer.step == 0 and explorer.playing
    explorer.reset()
    assert not explorer.playing
    explorer.speed_slider.value = 4.0
    assert explorer.play_widget.interval == 250
    # The named toggle in front of the hidden Play widget (whose buttons have icons only).
    assert explorer.play_widget.layout.display == "none" and explorer.play_button.description == "play"
    explorer.go_to(explorer.steps)
    explorer.play_button.value = True
    assert explorer.playing and explorer.step == 0 and explorer.play_button.description == "pause"
    explorer.play_widget.playing = False  # as the page says when the Play widget reaches its end
    assert not explorer.play_button.value and explorer.play_button.description == "play"
    assert explorer.play_widget.max == explorer.step_slider.max == explorer.steps


# ---------------------------------------------------------------------- what is drawn

RECT = re.compile(r"<rect [^>]*/>")


def attrs(element):
    return {name: html.unescape(value) for name, value in re.findall(r'([a-z-]+)="([^"]*)"', element)}


def node_rects(svg_text):
    return [attrs(rect) for rect in RECT.findall(svg_text) if 'data-node="' in rect]


@pytest.mark.parametrize("mode", ["backward", "forward"])
def test_the_highlighted_node_is_the_current_node(mode):
    explorer = BackwardExplorer(neuron(), mode=mode)
    assert not [r for r in node_rects(explorer.svg) if r["stroke"] == svg.HIGHLIGHT]
    while explorer.step < explorer.steps:
        explorer.step_forward()
        highlighted = [r for r in node_rects(explorer.svg) if r["stroke"] == svg.HIGHLIGHT]
        assert len(highlighted) == 1
        assert int(highlighted[0]["data-index"]) == explorer.current_index
        assert explorer.nodes[explorer.current_index] is explorer.current_node
        assert highlighted[0]["data-node"] == explorer.names[explorer.current_index]
        # the edges highlighted are those from the current node's parents
        hot = [attrs(line) for line in re.findall(r"<polyline [^>]*/>", explorer.svg)]
        hot = [(edge["data-from"], edge["data-to"]) for edge in hot if edge["stroke"] == svg.HIGHLIGHT]
        position = {id(node): i for i, node in enumerate(explorer.nodes)}
        parents = {explorer.names[position[id(p)]] for p in explorer.current_node._prev}
        assert {parent for parent, _ in hot} == parents
        assert {child for _, child in hot} == ({explorer.names[explorer.current_index]} if parents else set())


def test_the_explanation_of_a_product():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = named(a * b, "c")
    explorer = BackwardExplorer(named(c * Value(-2.0, label="k"), "L"))
    explorer.go_to(2)
    assert explorer.current_node is c
    lines = explorer.explanation.splitlines()
    assert lines[0] == "Step 2 of 5: node 'c' (*), c.grad = -2.0"
    assert lines[1:] == [
        "c = a * b, so a.grad += b.data * c.grad = 3.0 * -2.0 = -6.0",
        "c = a * b, so b.grad += a.data * c.grad = 2.0 * -2.0 = -4.0",
    ]
    explorer.go_to(3)
    assert "is a leaf" in explorer.explanation and "its gradient is complete" in explorer.explanation.lower()


OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "neg": lambda a, b: -a,
    "**2": lambda a, b: a**2,
    "**-1": lambda a, b: a**-1,
    "**0.5": lambda a, b: a**0.5,
    "**": lambda a, b: a**b,
    "exp": lambda a, b: a.exp(),
    "log": lambda a, b: a.log(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "relu": lambda a, b: b.relu(),
    "abs": lambda a, b: b.abs(),
    "dot": lambda a, b: dot([a, b], [b, a], Value(0.5, label="c")),
}


@pytest.mark.parametrize("op", OPS)
def test_each_op_explains_its_local_derivative_in_numbers_that_add_up(op):
    a, b = Value(1.5, label="a"), Value(-0.7, label="b")
    y = named(OPS[op](a, b), "y")
    assert y._op == op
    explorer = BackwardExplorer(named(y * Value(-2.0, label="k"), "L"))
    explorer.go_to(2)
    assert explorer.current_node is y
    record = explorer.records[1]
    lines = explorer.explanation.splitlines()[1:]
    assert len(lines) == len(y._prev) == len(record.contributions)
    functions = {"log": math.log, "exp": math.exp, "tanh": math.tanh, "__builtins__": {}}
    for line, parent, contribution in zip(lines, y._prev, record.contributions):
        equation, sent = line.split(", so ")
        assert equation.startswith("y = ")
        parts = sent.split(" = ")
        assert parts[0].startswith(f"{parent.label}.grad += ")
        assert parts[-1] == format_number(contribution)
        if len(parts) == 3:  # the local derivative times y.grad, in numbers: it must add up
            assert eval(parts[1], functions) == pytest.approx(contribution, rel=2e-3)


def test_tensor_steps_describe_the_op_and_the_shapes_sent():
    explorer = BackwardExplorer(tensor_graph())
    explorer.go_to(3)
    assert explorer.current_node._op == "matmul"
    text = explorer.explanation
    assert "so x gets nothing: it does not require grad" in text
    assert "so w.grad += x.data.T @ n1.grad: shape (3, 2) = [[" in text
    assert "w (3, 2)" in explorer.svg and "grad (not required)" in explorer.svg


def test_numbers_are_compact_and_deterministic():
    assert [format_number(x) for x in (3, -6.0, 0.70710678, 12345.678, 1e-5, float("nan"), -float("inf"))] == [
        "3.0",
        "-6.0",
        "0.7071",
        "1.235e+04",
        "1e-05",
        "nan",
        "-inf",
    ]


# ---------------------------------------------------------------------- live inputs


def test_moving_an_input_slider_recomputes_both_passes_and_keeps_the_step():
    original = lecture()
    a = next(n for n in topological_order(original) if n.label == "a")
    b = next(n for n in topological_order(original) if n.label == "b")
    explorer = BackwardExplorer(original, sliders=[a, b])
    assert [s.description for s in explorer.sliders] == ["a", "b"]
    explorer.go_to(3)
    explorer.sliders[0].value = 3.0
    explorer.sliders[1].value = -1.5
    assert explorer.step == 3 and explorer.root is not original

    def rebuilt():
        return lecture(3.0, -1.5)

    fresh = rebuilt()
    assert explorer.root.data == fresh.data == (3.0 * -1.5 + 10.0) * -2.0
    assert [n.data for n in explorer.nodes] == [n.data for n in topological_order(fresh)]
    assert [n.label for n in explorer.nodes] == [n.label for n in topological_order(original)]
    states = expected_grads(rebuilt)
    assert all(same(x, y) for x, y in zip(explorer.grads, states[3]))
    explorer.go_to(explorer.steps)
    fresh.backward()
    assert explorer.grads == [n.grad for n in topological_order(fresh)]
    assert a.data == 2.0 and original.data == -8.0  # the user's graph is left alone


def test_sliders_rebuild_every_scalar_op():
    a, b = Value(1.5, label="a"), Value(-0.7, label="b")
    parts = [named(f(a, b), op) for op, f in OPS.items()]
    root = sum(parts[1:], parts[0])
    explorer = BackwardExplorer(root, sliders=[a])
    explorer.sliders[0].value = 1.25
    a2, b2 = Value(1.25, label="a"), Value(-0.7, label="b")
    expected = sum((f(a2, b2) for f in list(OPS.values())[1:]), OPS["+"](a2, b2))
    assert explorer.root.data == pytest.approx(expected.data, rel=1e-12)
    assert [n._op for n in explorer.nodes] == [n._op for n in topological_order(root)]


def test_a_slider_value_the_graph_cannot_take_is_reported_not_raised():
    a = Value(2.0, label="a")
    explorer = BackwardExplorer(named(a.log(), "y"), sliders=[a])
    explorer.sliders[0].value = -1.0
    assert explorer.error and "cannot compute" in explorer.explanation
    explorer.sliders[0].value = 1.0
    assert explorer.error is None and explorer.root.data == 0.0


def test_a_slider_making_a_denominator_tiny_shows_infinite_gradients():
    # Issue 10: b = 1e-200 raised ZeroDivisionError inside the slider's callback (b * b underflowed).
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    explorer = BackwardExplorer(named(a / b, "y"), sliders=[b])
    explorer.sliders[0].value = 1e-200
    assert explorer.error is None and explorer.root.data == 1e200
    explorer.go_to(explorer.steps)
    assert explorer.grads[explorer.names.index("b")] == -math.inf


def test_sliders_are_for_value_graphs_and_leaves():
    x = tensor_graph()
    with pytest.raises(TypeError, match="Value graphs only"):
        BackwardExplorer(x, sliders=[Value(1.0)])
    root = lecture()
    e = root._prev[0]._prev[0]
    with pytest.raises(ValueError, match="not a leaf"):
        BackwardExplorer(root, sliders=[e])
    with pytest.raises(ValueError, match="not in the graph"):
        BackwardExplorer(root, sliders=[Value(1.0)])


def test_a_non_scalar_tensor_needs_a_seed():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="needs a seed"):
        BackwardExplorer(x * 2)
    explorer = BackwardExplorer(x * 2, seed=[1.0, -1.0])
    explorer.go_to(explorer.steps)
    assert explorer.nodes[1] is x and explorer.grads[1].tolist() == [2.0, -2.0]


# ---------------------------------------------------------------------- forward mode


def test_forward_mode_fills_in_data_in_topological_order():
    explorer = BackwardExplorer(lecture(), mode="forward")
    assert explorer.steps == 3  # e, d, L: the leaves are given
    assert [d is None for d in explorer.data] == [bool(n._prev) for n in explorer.nodes]
    assert explorer.svg.count("data ?") == 3 and "grad" not in explorer.svg
    explorer.step_forward()
    assert explorer.explanation.splitlines()[1] == "e = a * b = 2.0 * -3.0 = -6.0"
    assert explorer.svg.count("data ?") == 2 and "data -6.0" in explorer.svg
    explorer.go_to(3)
    assert "data ?" not in explorer.svg and explorer.data == [n.data for n in explorer.nodes]
    assert repr(explorer) == "BackwardExplorer(forward, step 3 of 3, current node 'L' (*))"


def test_forward_mode_on_tensors():
    explorer = BackwardExplorer(tensor_graph(), mode="forward")
    explorer.step_forward()
    assert explorer.explanation.splitlines()[1].startswith(
        "n1 = x @ w: from shapes (2, 3), (3, 2) to shape (2, 2) = [["
    )


# ---------------------------------------------------------------------- layout


def rectangles(layout):
    return [layout.boxes[k] for k in layout.keys] + [layout.op_boxes[k] for k in layout.keys if k in layout.op_boxes]


def assert_no_overlap(layout):
    rects = rectangles(layout)
    for i, (x1, y1, w1, h1) in enumerate(rects):
        for x2, y2, w2, h2 in rects[i + 1 :]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1


def mlp_with_reuse():
    xs = [Value(v, label=f"x{i}") for i, v in enumerate([0.5, -1.0, 2.0])]
    hidden = [named((xs[0] * (i + 1) + xs[1] * xs[2] - xs[i]).tanh(), f"h{i}") for i in range(3)]
    return named(sum((h * h for h in hidden), xs[0]), "loss")


@pytest.mark.parametrize("build", [*ALL_GRAPHS.values(), mlp_with_reuse], ids=[*ALL_GRAPHS, "mlp"])
def test_the_layout_has_no_overlapping_boxes_and_flows_left_to_right(build):
    explorer = BackwardExplorer(build())
    layout = explorer.graph_layout
    assert layout.keys == list(range(len(explorer.nodes)))  # small enough: everything is drawn
    assert_no_overlap(layout)
    assert layout.overlaps() == []
    for k in layout.op_boxes:  # each op box sits just left of its node, on its line
        ox, oy, ow, oh = layout.op_boxes[k]
        x, y, w, h = layout.boxes[k]
        assert ox + ow < x and oy + oh / 2 == pytest.approx(y + h / 2)
    for edge in layout.edges:  # parents on the left of the ops they feed
        px, _, pw, _ = layout.boxes[edge.parent]
        assert px + pw < layout.op_boxes[edge.child][0]
    root_box = layout.boxes[len(explorer.nodes) - 1]
    assert root_box[0] == max(x for x, _, _, _ in layout.boxes.values())
    assert all(
        0 <= x and x + w <= layout.width and 0 <= y and y + h <= layout.height for x, y, w, h in rectangles(layout)
    )


def test_the_same_graph_built_twice_draws_the_same_svg():
    for build in [*ALL_GRAPHS.values(), mlp_with_reuse]:
        one, two = BackwardExplorer(build()), BackwardExplorer(build())
        assert one.svg == two.svg
        for k in (1, 3):
            one.go_to(k)
            two.go_to(k)
            assert one.svg == two.svg and one.explanation == two.explanation
    assert "0x" not in one.svg and "id=" not in one.svg


def test_long_edges_are_routed_between_the_boxes():
    # x feeds the first and the last node: its edge crosses the layers in between
    keys = [0, 1, 2, 3, 4]
    parents = {0: (), 1: (0,), 2: (1,), 3: (2,), 4: (3, 0)}
    sizes = {k: (100.0, 40.0) for k in keys}
    ops = {k: (22.0, 20.0) for k in keys if parents[k]}
    layout = layout_graph(keys, parents, sizes, ops)
    long_edge = next(e for e in layout.edges if (e.parent, e.child) == (0, 4))
    assert len(long_edge.points) > 2
    for x, y in long_edge.points[1:-1]:
        for bx, by, bw, bh in rectangles(layout):
            assert not (bx < x < bx + bw and by < y < by + bh)


def test_a_150_node_graph_shows_the_part_around_the_current_node():
    explorer = BackwardExplorer(big(150))
    assert explorer.steps == 150
    for k in (0, 1, 40, 150):
        explorer.go_to(k)
        layout = explorer.graph_layout
        shown = len(layout.keys)
        assert 1 < shown <= explorer.view_nodes
        assert f"showing {shown} of 150 nodes" in explorer.svg
        centre = explorer.current_index if k else len(explorer.nodes) - 1
        assert centre in layout.keys
        assert_no_overlap(layout)
    assert 'stroke-dasharray="3 2"' in explorer.svg  # edges to nodes not shown


def test_repr_is_short_and_stable():
    explorer = BackwardExplorer(lecture())
    assert repr(explorer) == "BackwardExplorer(step 0 of 7, no current node)"
    explorer.go_to(3)
    assert repr(explorer) == "BackwardExplorer(step 3 of 7, current node 'e' (*))"
    explorer.go_to(4)
    assert repr(explorer) == "BackwardExplorer(step 4 of 7, current node 'a' (leaf))"
    assert repr(BackwardExplorer(tensor_graph())) == "BackwardExplorer(step 0 of 5, no current node)"


# ---------------------------------------------------------------------- legible, and saying what it shows


def lesson_05():
    """Lesson 05's tensor graph: L = sum(X @ W.T + b)."""
    x = Tensor(np.arange(8.0).reshape(4, 2) / 4, label="X")
    w = Tensor([[0.5, -1.0], [1.0, 0.5], [-0.5, 0.25]], requires_grad=True, label="W")
    b = Tensor([0.1, 0.2, 0.3], requires_grad=True, label="b")
    w_t = named(w.T, "W.T")
    xw = named(x @ w_t, "XW")
    return named(named(xw + b, "Z").sum(), "L")


def boxes_text(explorer, name):
    """The texts drawn in the box of node ``name``, in order."""
    group = re.search(rf'<g>(?:<title>[^<]*</title>)?<rect [^>]*data-node="{re.escape(name)}".*?</g>', explorer.svg)
    return [html.unescape(t) for t in re.findall(r"<text [^>]*>([^<]*)</text>", group.group())]


@pytest.mark.parametrize("build", [lecture, lesson_05, lambda: big(150)], ids=["scalar", "tensor", "part of 150"])
def test_every_text_in_the_drawing_is_at_least_12_px(build):
    explorer = BackwardExplorer(build())
    for k in (0, 2):
        explorer.go_to(k)
        sizes = {float(size) for size in re.findall(r'font-size="([^"]+)"', explorer.svg)}
        assert sizes and min(sizes) >= 12
    assert 'width="100%"' not in explorer.svg  # drawn at its own size, never shrunk below 12 px


def test_small_tensors_show_their_values_larger_ones_a_heatmap_and_their_range():
    explorer = BackwardExplorer(lesson_05())
    explorer.go_to(2)
    names = explorer.names
    w = explorer.nodes[names.index("W")]
    assert w.data.size == 6 and boxes_text(explorer, "W")[:3] == ["W (3, 2)", "data [[0.5, -1.0]", "[1.0, 0.5]"]
    xw = explorer.nodes[names.index("XW")]
    assert xw.data.size == 12
    low, high = format_number(xw.data.min()), format_number(xw.data.max())
    assert low != high and boxes_text(explorer, "XW")[:4] == ["XW (4, 3)", "data", f"from {low}", f"to {high}"]
    # Z's step has sent XW a gradient of ones: a range of one value is said so.
    assert boxes_text(explorer, "XW")[4:] == ["grad", "all equal", "to 1.0"]
    heatmaps = re.findall(r'<rect [^>]*class="heatmap"/>', explorer.svg)
    images = re.findall(r"<image [^>]*/>", explorer.svg)
    # data of X, XW, Z (8 and 12 elements); grad of XW and Z, known at step 2
    assert len(heatmaps) == len(images) == 5
    assert all("image-rendering:pixelated" in image for image in images)
    legend = explorer._graph_html.value.split(explorer.svg)[0]
    assert 'class="colour-bar"' in legend and "one cell per element" in legend
    assert 'class="colour-bar"' not in BackwardExplorer(tensor_graph())._graph_html.value  # no heatmap, no bar


def test_heatmap_cells_are_the_tensors_elements_coloured_by_sign():
    values = np.array([[-2.0, 0.0, 1.0], [np.nan, 2.0, -1.0]])
    rgb = graph.heatmap_rgb(graph.heatmap_grid(values))
    assert rgb.shape == (2, 3, 3)
    assert tuple(rgb[0, 1]) == svg.NEUTRAL and tuple(rgb[1, 0]) == graph.NOT_A_NUMBER
    assert tuple(rgb[0, 0]) == svg.NEGATIVE and tuple(rgb[1, 1]) == svg.POSITIVE  # the extremes, at +-max |value|
    blue, red = rgb[1, 2], rgb[0, 2]
    assert blue[2] > blue[0] and red[0] > red[2]
    # A large tensor is shown as the means of blocks, at most HEATMAP_CELLS a side; rows are all axes but the last.
    assert graph.heatmap_grid(np.zeros((2, 50, 70))).shape == (graph.HEATMAP_CELLS, graph.HEATMAP_CELLS)
    pairs = graph.heatmap_grid(np.arange(2.0 * graph.HEATMAP_CELLS))
    assert pairs.tolist() == [[2 * i + 0.5 for i in range(graph.HEATMAP_CELLS)]]
    assert graph.heatmap_grid(np.ones(12)).shape == (1, 12)


def test_a_box_tooltip_has_the_full_values():
    explorer = BackwardExplorer(neuron())
    explorer.go_to(explorer.steps)
    titles = [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", explorer.svg)]
    assert len(titles) == explorer.steps
    o = explorer.nodes[explorer.names.index("o")]
    assert f"o = tanh(n)\ndata {o.data!r}\ngrad 1.0" in titles
    tensor = BackwardExplorer(lesson_05())
    tensor.go_to(3)
    xw = tensor.nodes[tensor.names.index("XW")]
    title = next(t for t in map(html.unescape, re.findall(r"<title>([^<]*)</title>", tensor.svg)) if t.startswith("XW"))
    assert title.startswith("XW = matmul(X, W.T), shape (4, 3)\ndata [[")
    assert all(format_number(v) in title for v in xw.data.ravel())


def frame_target(explorer):
    style = re.search(r'class="minigrad-current-target" style="([^"]*)"', explorer._graph_html.value).group(1)
    return {k: float(v) for k, v in re.findall(r"(left|top|width|height):(-?[\d.]+)px", style)}, style


@pytest.mark.parametrize("mode", ["backward", "forward"])
def test_the_frame_opens_at_the_node_of_the_step(mode):
    explorer = BackwardExplorer(lesson_05(), mode=mode)
    for k in range(explorer.steps + 1):
        explorer.go_to(k)
        target, style = frame_target(explorer)
        assert "scroll-initial-target:nearest" in style and "scroll-snap-align:center" in style
        start = explorer.trace.order[0] if mode == "forward" else len(explorer.nodes) - 1
        node = explorer.current_index if k else start
        x, y, w, h = explorer.graph_layout.boxes[node]
        assert target["left"] <= x and x + w <= target["left"] + target["width"]
        assert target["top"] <= y and y + h <= target["top"] + target["height"]
        if node in explorer.graph_layout.op_boxes:  # the op box beside it too
            assert target["left"] <= explorer.graph_layout.op_boxes[node][0]
    width = int(re.search(r'<svg [^>]*width="(\d+)"', explorer.svg).group(1))
    hint = explorer._graph_html.value
    assert f"@container (max-width: {width - 1}px) {{.minigrad-scroll-hint-{width} {{display:block}}}}" in hint
    assert f"The graph is {width} px wide" in hint and "overflow:auto" in hint


def test_visited_nodes_are_filled_and_the_step_is_said_in_a_sentence():
    explorer = BackwardExplorer(lecture())
    assert explorer.meaning.startswith("Step 0: no gradient is known yet. Step 1 starts from 'L' (dL/dL = 1)")
    explorer.go_to(3)
    filled = {r["data-node"] for r in node_rects(explorer.svg) if r["fill"] == graph.DONE_FILL}
    assert filled == {explorer.names[i] for i in explorer.trace.order[:2]}
    current = [r for r in node_rects(explorer.svg) if r["fill"] == graph.CURRENT_FILL]
    assert [r["data-node"] for r in current] == ["e"]
    assert explorer.meaning == (
        "Step 3: the gradient of 'e' is complete: every path from 'L' to it has been walked; "
        "it now passes it back to 'a' and 'b'."
    )
    explorer.go_to(4)
    assert explorer.meaning.startswith("Step 4: 'a' is a leaf.") and "nothing to pass on" in explorer.meaning
    assert "\u00d72" not in explorer._graph_html.value.split(explorer.svg)[0]
    reused = BackwardExplorer(reuse())
    assert "\u00d72: an input used twice by one op" in reused._graph_html.value.split(reused.svg)[0]
    forward = BackwardExplorer(lecture(), mode="forward")
    forward.go_to(1)
    assert forward.meaning == "Step 1: 'e' is computed from 'a' and 'b', all computed before it."
    assert "blue box</span>: nodes computed before" in forward._graph_html.value
