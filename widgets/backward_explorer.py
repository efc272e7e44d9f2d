"""BackwardExplorer: step through a backward pass (or a forward pass) one node at a time.

The explorer runs ``minigrad.backward_steps`` once to the end and keeps its records. At step k it
shows the seed plus the contributions of the first k records, added in the engine's order, so what
a learner steps through is exactly what ``backward()`` does. The graph is drawn by
``widgets/graph.py``; the panel below it explains the current step in words and numbers.
"""

import html
import operator
from typing import Any, NamedTuple

import ipywidgets
import numpy as np

from minigrad import Tensor, Value, backward_steps, dot, topological_order
from widgets import graph, svg
from widgets.base import Explorer

UPDATED = "#b35c00"  # text colour of a gradient the current step just added to
MAX_WIDTH, MAX_HEIGHT = 2400, 1600  # a full layout larger than this is not legible: show a part
VIEW_WIDTH, VIEW_HEIGHT, MAX_HOPS = 1500, 1800, 8  # the part: nodes within up to 8 hops, if they fit


class ForwardStep(NamedTuple):
    """One step of the forward mode: ``node`` was computed by ``op`` and holds ``data``."""

    node: Any
    op: str
    data: Any


# ---------------------------------------------------------------------- scalar mode: the rules

# Per op: the node's equation (with names, and with numbers), and for each parent the local
# derivative times the node's gradient (with names, and with numbers). In the templates {a} and {b}
# are the parents' names, {A} and {B} their data, {o}, {O} and {g} the node's name, data and grad;
# a trailing p ({Ap}) puts a negative number in parentheses, for powers.
SCALAR_RULES = {
    "+": (("{a} + {b}", "{A} + {B}"), [("{o}.grad", "{g}"), ("{o}.grad", "{g}")]),
    "-": (("{a} - {b}", "{A} - {B}"), [("{o}.grad", "{g}"), ("-1 * {o}.grad", "-1 * {g}")]),
    "*": (("{a} * {b}", "{A} * {B}"), [("{b}.data * {o}.grad", "{B} * {g}"), ("{a}.data * {o}.grad", "{A} * {g}")]),
    "/": (
        ("{a} / {b}", "{A} / {B}"),
        [("{o}.grad / {b}.data", "{g} / {B}"), ("-1 * {o}.grad * {a}.data / {b}.data**2", "-1 * {g} * {A} / {Bp}**2")],
    ),
    "**": (
        ("{a}**{b}", "{Ap}**{Bp}"),
        [
            ("{b}.data * {a}.data**({b}.data - 1) * {o}.grad", "{B} * {Ap}**({B} - 1) * {g}"),
            ("{o}.data * log({a}.data) * {o}.grad", "{O} * log({A}) * {g}"),
        ],
    ),
    "neg": (("-{a}", "-{Ap}"), [("-1 * {o}.grad", "-1 * {g}")]),
    "exp": (("exp({a})", "exp({A})"), [("{o}.data * {o}.grad", "{O} * {g}")]),
    "log": (("log({a})", "log({A})"), [("{o}.grad / {a}.data", "{g} / {A}")]),
    "tanh": (("tanh({a})", "tanh({A})"), [("(1 - {o}.data**2) * {o}.grad", "(1 - {Op}**2) * {g}")]),
    "sigmoid": (("sigmoid({a})", "sigmoid({A})"), [("{o}.data * (1 - {o}.data) * {o}.grad", "{O} * (1 - {O}) * {g}")]),
    "relu": (("relu({a})", "relu({A})"), [("({a}.data > 0) * {o}.grad", "{Apositive} * {g}")]),
    "abs": (("abs({a})", "abs({A})"), [("sign({a}.data) * {o}.grad", "{Asign} * {g}")]),
}


def _power_rule(op):
    """The rule of ``x ** n`` for a constant n; the op is named ``'**n'`` (``'**2'``, ``'**-1'``)."""
    n = op[2:]
    exponent = _exponent(n)
    below = exponent - 1
    below = str(below) if isinstance(below, int) else repr(below)
    return (
        ("{a}**" + n, "{Ap}**" + n),
        [(n + " * {a}.data**" + below + " * {o}.grad", n + " * {Ap}**" + below + " * {g}")],
    )


def _dot_rule(n_parents):
    """The rule of ``dot(weights, inputs, bias)``: parents are the weights, the inputs, the bias."""
    n = n_parents // 2
    has_bias = n_parents % 2 == 1
    products = [(f"{{p{i}}}*{{p{n + i}}}", f"{{P{i}}}*{{P{n + i}}}") for i in range(n)]
    if n > 3:
        products = products[:2] + [("...", "...")] + products[-1:]
    if has_bias:
        products.append((f"{{p{2 * n}}}", f"{{P{2 * n}}}"))
    equation = (" + ".join(s for s, _ in products), " + ".join(v for _, v in products))
    local = [(f"{{p{n + i}}}.data * {{o}}.grad", f"{{P{n + i}}} * {{g}}") for i in range(n)]
    local += [(f"{{p{i}}}.data * {{o}}.grad", f"{{P{i}}} * {{g}}") for i in range(n)]
    if has_bias:
        local.append(("{o}.grad", "{g}"))
    return equation, local


def _scalar_rule(op, n_parents):
    if op in SCALAR_RULES:
        return SCALAR_RULES[op]
    if op.startswith("**"):
        return _power_rule(op)
    if op == "dot":
        return _dot_rule(n_parents)
    names = ", ".join(f"{{p{i}}}" for i in range(n_parents))
    values = ", ".join(f"{{P{i}}}" for i in range(n_parents))
    return ((f"{op}({names})", f"{op}({values})"), [(f"(d{{o}}/d{{p{i}}}) * {{o}}.grad", "") for i in range(n_parents)])


def _parenthesized(text):
    return f"({text})" if text.startswith("-") else text


def _scalar_fields(name, data, grad, parent_names, parent_data):
    fmt = graph.format_number
    fields = {"o": name, "O": fmt(data), "Op": _parenthesized(fmt(data)), "g": "?" if grad is None else fmt(grad)}
    for i, (pname, pdata) in enumerate(zip(parent_names, parent_data)):
        text = fmt(pdata)
        fields[f"p{i}"] = pname
        fields[f"P{i}"] = text
        if i < 2:
            letter = "ab"[i]
            fields[letter] = pname
            fields[letter.upper()] = text
            fields[letter.upper() + "p"] = _parenthesized(text)
        if i == 0:
            fields["Apositive"] = "1" if pdata > 0 else "0"
            fields["Asign"] = str((pdata > 0) - (pdata < 0))
    return fields


# ---------------------------------------------------------------------- tensor mode: the rules

# Per op: the node's equation and, per parent, what the op sends back (in words or a formula).
TENSOR_RULES = {
    "add": ("{a} + {b}", ["{o}.grad", "{o}.grad"]),
    "sub": ("{a} - {b}", ["{o}.grad", "-{o}.grad"]),
    "mul": ("{a} * {b}", ["{b}.data * {o}.grad", "{a}.data * {o}.grad"]),
    "div": ("{a} / {b}", ["{o}.grad / {b}.data", "-{o}.grad * {a}.data / {b}.data**2"]),
    "pow": ("{a}**{b}", ["{b}.data * {a}.data**({b}.data - 1) * {o}.grad", "{o}.data * log({a}.data) * {o}.grad"]),
    "neg": ("-{a}", ["-{o}.grad"]),
    "exp": ("exp({a})", ["{o}.data * {o}.grad"]),
    "log": ("log({a})", ["{o}.grad / {a}.data"]),
    "sqrt": ("sqrt({a})", ["{o}.grad / (2 * {o}.data)"]),
    "abs": ("abs({a})", ["sign({a}.data) * {o}.grad"]),
    "clip": ("{a}.clip(...)", ["{o}.grad where {a}.data is within the bounds, 0 elsewhere"]),
    "matmul": ("{a} @ {b}", ["{o}.grad @ {b}.data.T", "{a}.data.T @ {o}.grad"]),
    "sum": ("{a}.sum(...)", ["{o}.grad copied to every element that was summed"]),
    "max": ("{a}.max(...)", ["{o}.grad at the maximum, 0 elsewhere"]),
    "min": ("{a}.min(...)", ["{o}.grad at the minimum, 0 elsewhere"]),
    "reshape": ("{a}.reshape(...)", ["{o}.grad reshaped back"]),
    "permute": ("{a}.permute(...)", ["{o}.grad permuted back"]),
    "broadcast_to": ("{a}.broadcast_to(...)", ["{o}.grad summed over the broadcast axes"]),
    "getitem": ("{a}[...]", ["{o}.grad at the indexed positions, 0 elsewhere"]),
    "masked_fill": ("{a}.masked_fill(...)", ["{o}.grad where the mask is False, 0 where it is True"]),
    "tanh": ("tanh({a})", ["(1 - {o}.data**2) * {o}.grad"]),
    "sigmoid": ("sigmoid({a})", ["{o}.data * (1 - {o}.data) * {o}.grad"]),
    "relu": ("relu({a})", ["({a}.data > 0) * {o}.grad"]),
    "gelu": ("gelu({a})", ["gelu'({a}.data) * {o}.grad"]),
    "softmax": ("softmax({a})", ["{o}.data * ({o}.grad - sum({o}.grad * {o}.data, axis))"]),
    "log_softmax": ("log_softmax({a})", ["{o}.grad - exp({o}.data) * sum({o}.grad, axis)"]),
    "to": ("{a}.to(dtype)", ["{o}.grad cast back to {a}'s dtype"]),
    "where": (
        "where(condition, {a}, {b})",
        ["{o}.grad where the condition holds, 0 elsewhere", "{o}.grad where it fails, 0 elsewhere"],
    ),
    "linear": (
        "linear({a}, {b}, ...)",
        ["{o}.grad @ {b}.data", "{o}.grad.T @ {a}.data", "{o}.grad summed over the batch"],
    ),
}
BROADCASTING = {"add", "sub", "mul", "div", "pow", "where"}


def _tensor_rule(op, n_parents):
    if op in TENSOR_RULES:
        return TENSOR_RULES[op]
    if op.startswith("pow"):
        n = op[3:]
        return ("{a}**" + n, [n + " * {a}.data**(" + n + " - 1) * {o}.grad"])
    names = ", ".join(f"{{p{i}}}" for i in range(n_parents))
    if op in ("cat", "stack"):
        return (f"{op}([{names}])", ["the part of {o}.grad that came from {p}"] * n_parents)
    return (f"{op}({names})", [f"{op}'s vector-Jacobian product with {{o}}.grad"] * n_parents)


def _shape(array):
    return str(tuple(np.shape(array)))


def _values(array):
    """' = [...]' for a small array, ' with values in [lo, hi]' for a larger one."""
    lines = graph.format_array(array)
    if lines[0].startswith("in ["):
        return " with values " + lines[0]
    return " = " + ", ".join(line.strip() for line in lines)


# ---------------------------------------------------------------------- rebuilding a scalar graph

REBUILD = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "neg": operator.neg,
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "abs": Value.abs,
}


def _exponent(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def _can_rebuild(op):
    if op in REBUILD or op == "dot":
        return True
    if op.startswith("**"):
        try:
            _exponent(op[2:])
        except ValueError:
            return False
        return True
    return False


def rebuild_op(op, parents):
    """Apply the Value op named ``op`` to ``parents`` again, through minigrad's public API."""
    if op in REBUILD:
        return REBUILD[op](*parents)
    if op.startswith("**"):
        return parents[0] ** _exponent(op[2:])
    if op == "dot":
        n = len(parents) // 2
        bias = parents[2 * n] if len(parents) % 2 else None
        return dot(parents[:n], parents[n : 2 * n], bias)
    raise ValueError(f"BackwardExplorer: cannot recompute the op {op!r}")


# ---------------------------------------------------------------------- the widget


class BackwardExplorer(Explorer):
    """Step through the backward pass of ``root`` (a Value or a Tensor) one node at a time.

    ``sliders``: leaf Values of the graph to drive with a slider each (scalar mode only); moving one
    rebuilds the graph with the new value and runs both passes again, keeping the step.
    ``mode='forward'``: step through the forward pass instead, filling in data node by node.
    ``seed``: the gradient to start from (default 1; needed for a Tensor of more than one element).
    ``max_nodes``: above this many nodes the explorer draws only the part around the current node,
    at most ``view_nodes`` nodes.

    State, for lessons and tests: ``step``, ``steps``, ``current_node`` (and ``current_index``),
    ``records``, ``nodes`` (topological order), ``names``, ``grads`` and ``data`` (as shown, aligned
    with ``nodes``; None where not known yet), ``svg``, ``explanation``, ``graph_layout``, ``root``,
    ``sliders`` and ``inputs``, ``error``. Methods: ``step_forward``, ``step_back``, ``go_to``,
    ``reset``, ``play``, ``pause``, ``recompute``.

    The explorer never changes the graph it is given: labels stay, and the gradients it computes to
    show are put back as they were (call ``backward()`` to fill them in).
    """

    def __init__(self, root, sliders=None, mode="backward", seed=None, max_nodes=60, view_nodes=30):
        if mode not in ("backward", "forward"):
            raise ValueError(f"BackwardExplorer: mode must be 'backward' or 'forward', not {mode!r}")
        if isinstance(root, Tensor):
            self.is_tensor = True
            if not root.requires_grad and mode == "backward":
                raise ValueError("BackwardExplorer: this tensor does not require grad, so it has no graph to walk back")
        elif isinstance(root, Value):
            self.is_tensor = False
        else:
            raise TypeError(f"BackwardExplorer: expected a Value or a Tensor, got {type(root).__name__}")
        inputs = list(sliders or [])
        if inputs and self.is_tensor:
            raise TypeError(
                "BackwardExplorer: sliders work on Value graphs only. A Tensor graph cannot be recomputed from "
                "a slider (its leaves hold whole arrays); build it again with the new data instead."
            )
        super().__init__()
        self.mode = mode
        self.max_nodes = max_nodes
        self.view_nodes = view_nodes
        self.error = None
        self.step = 0
        self._seed = seed
        self._load(root)
        self.input_indices = self._input_indices(inputs)
        self._measure()
        self._layouts = {}
        self._full = self._fits()

        self.reset_button = ipywidgets.Button(description="reset", icon="fast-backward", tooltip="back to step 0")
        self.back_button = ipywidgets.Button(description="back", icon="step-backward", tooltip="one step back")
        self.forward_button = ipywidgets.Button(description="step", icon="step-forward", tooltip="one step forward")
        self.play_widget = ipywidgets.Play(value=0, min=0, max=self.steps, step=1, interval=500, description="play")
        self.speed_slider = ipywidgets.FloatSlider(value=2.0, min=0.5, max=10.0, step=0.5, description="steps/s")
        self.step_slider = ipywidgets.IntSlider(value=0, min=0, max=self.steps, description="step")
        self.sliders = [self._input_slider(i) for i in self.input_indices]
        self._graph_html = ipywidgets.HTML()
        self._text_html = ipywidgets.HTML()
        self.reset_button.on_click(lambda _: self.reset())
        self.back_button.on_click(lambda _: self.step_back())
        self.forward_button.on_click(lambda _: self.step_forward())
        self.play_widget.observe(self._on_step_control, names="value")
        self.step_slider.observe(self._on_step_control, names="value")
        self.speed_slider.observe(self._on_speed, names="value")
        for slider in self.sliders:
            slider.observe(self._on_input, names="value")
        controls = ipywidgets.HBox(
            [self.reset_button, self.back_button, self.play_widget, self.forward_button, self.speed_slider]
        )
        self.children = [controls, self.step_slider, *self.sliders, self._graph_html, self._text_html]
        self._render()

    # ------------------------------------------------------------------ the graph and its passes

    def _load(self, root):
        """Read the graph of ``root`` and run its backward pass (or list its forward steps)."""
        self.root = root
        self.nodes = topological_order(root)
        index = {id(node): i for i, node in enumerate(self.nodes)}
        self._index = index
        self._parents = [tuple(index[id(p)] for p in node._prev) for node in self.nodes]
        self._children = [[] for _ in self.nodes]
        for i, ps in enumerate(self._parents):
            for p in dict.fromkeys(ps):
                self._children[p].append(i)
        self.names = graph.node_names(self.nodes)
        if self.mode == "forward":
            self._order = [i for i, ps in enumerate(self._parents) if ps]
            self.records = [ForwardStep(self.nodes[i], self.nodes[i]._op, self.nodes[i].data) for i in self._order]
        else:
            self.records = self._run_backward()
            self._order = [index[id(record.node)] for record in self.records]
        self.steps = len(self.records)

    def _zero(self):
        return None if self.is_tensor else 0.0

    def _seed_gradient(self):
        if not self.is_tensor:
            return 1.0 if self._seed is None else float(self._seed)
        if self._seed is None:
            if self.root.data.size != 1:
                raise ValueError(
                    f"BackwardExplorer: a non-scalar output (shape {self.root.shape}) needs a seed gradient, "
                    "e.g. BackwardExplorer(out, seed=gradient)"
                )
            return np.ones_like(self.root.data)
        seed = np.asarray(self._seed.data if isinstance(self._seed, Tensor) else self._seed, dtype=self.root.dtype)
        if seed.shape != self.root.shape:
            raise ValueError(f"BackwardExplorer: seed of shape {seed.shape} for an output of shape {self.root.shape}")
        return seed

    def _run_backward(self):
        """All records of ``backward_steps``; the graph's own gradients are left as they were."""
        self._seed_value = self._seed_gradient()
        saved = [node.grad for node in self.nodes]
        zero = self._zero()
        try:
            for node in self.nodes:
                node.grad = zero  # so that leaves start from nothing, as in a fresh backward()
            return list(backward_steps(self.root, self._seed_value))
        finally:
            for node, grad in zip(self.nodes, saved):
                node.grad = grad

    def _grads_at(self, k):
        """The gradients after the first k records: the seed plus their contributions, in order."""
        if k == 0 or self.mode == "forward":
            return [None] * len(self.nodes)
        grads = [self._zero()] * len(self.nodes)
        grads[-1] = self._seed_value  # the root is last in topological order
        for record in self.records[:k]:
            for p, contribution in zip(self._parents[self._index[id(record.node)]], record.contributions):
                if contribution is None:
                    continue
                grads[p] = contribution if grads[p] is None else grads[p] + contribution
        return grads

    def _data_at(self, k):
        if self.mode == "backward":
            return [node.data for node in self.nodes]
        known = set(self._order[:k])
        return [
            node.data if (not ps or i in known) else None for i, (node, ps) in enumerate(zip(self.nodes, self._parents))
        ]

    # ------------------------------------------------------------------ inputs

    def _input_indices(self, inputs):
        indices = []
        for value in inputs:
            if not isinstance(value, Value):
                raise TypeError(f"BackwardExplorer: sliders take leaf Values of the graph, got {type(value).__name__}")
            i = self._index.get(id(value))
            if i is None:
                raise ValueError(f"BackwardExplorer: the slider input {value!r} is not in the graph")
            if self._parents[i]:
                raise ValueError(f"BackwardExplorer: the slider input {self.names[i]!r} is not a leaf (an op made it)")
            indices.append(i)
        if indices:
            unknown = sorted({node._op for node in self.nodes if node._prev and not _can_rebuild(node._op)})
            if unknown:
                raise ValueError(
                    "BackwardExplorer: sliders need to recompute every op, and cannot recompute "
                    + ", ".join(map(repr, unknown))
                )
        return indices

    def _input_slider(self, i):
        value = self.nodes[i].data
        span = max(1.0, 2.0 * abs(value))
        return ipywidgets.FloatSlider(
            value=value, min=-span, max=span, step=span / 100, description=self.names[i], continuous_update=True
        )

    @property
    def inputs(self):
        """The leaf Values the sliders drive, in the current (rebuilt) graph."""
        return [self.nodes[i] for i in self.input_indices]

    def _on_input(self, change):
        self.recompute()

    def recompute(self):
        """Rebuild the graph with the sliders' values (keeping labels) and run both passes again."""
        values = {i: slider.value for i, slider in zip(self.input_indices, self.sliders)}
        rebuilt, shown_root = [], self.root
        try:
            for i, node in enumerate(self.nodes):
                if not self._parents[i]:
                    rebuilt.append(Value(values.get(i, node.data), label=node.label))
                else:
                    new = rebuild_op(node._op, [rebuilt[p] for p in self._parents[i]])
                    new.label = node.label
                    rebuilt.append(new)
            self._load(rebuilt[-1])  # the backward pass too may fail
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            shown = ", ".join(f"{self.names[i]} = {graph.format_number(v)}" for i, v in values.items())
            self.error = f"cannot compute the graph with {shown} ({exc}); showing the last one computed"
            if self.root is not shown_root:
                self._load(shown_root)
            self._render()
            return
        self.error = None
        self._render()

    # ------------------------------------------------------------------ stepping

    def go_to(self, k):
        """Show step ``k`` (clamped to 0..steps)."""
        k = max(0, min(self.steps, int(k)))
        changed = k != self.step
        self.step = k
        self.step_slider.value = k
        self.play_widget.value = k
        if changed:
            self._render()

    def step_forward(self):
        self.go_to(self.step + 1)

    def step_back(self):
        self.go_to(self.step - 1)

    def reset(self):
        self.pause()
        self.go_to(0)

    def play(self):
        """Start stepping at the speed of the speed slider (from the start if at the end)."""
        if self.step >= self.steps:
            self.go_to(0)
        self.play_widget.playing = True

    def pause(self):
        self.play_widget.playing = False

    @property
    def playing(self):
        return self.play_widget.playing

    def _on_step_control(self, change):
        self.go_to(change["new"])

    def _on_speed(self, change):
        self.play_widget.interval = int(round(1000 / change["new"]))

    @property
    def current_index(self):
        """Index in ``nodes`` of the node of the current step (None at step 0)."""
        return self._order[self.step - 1] if self.step else None

    @property
    def current_node(self):
        return None if self.step == 0 else self.nodes[self.current_index]

    # ------------------------------------------------------------------ drawing

    def _measure(self):
        """Box sizes, fixed for the graph: they do not change from step to step."""
        self._box_sizes, self._op_sizes, self._line_counts = {}, {}, {}
        forward = self.mode == "forward"
        grad_widths = self._tensor_grad_widths() if self.is_tensor and not forward else None
        for i, node in enumerate(self.nodes):
            if node._prev:
                self._op_sizes[i] = graph.op_box_size(node._op)
            name = self.names[i]
            if not self.is_tensor:
                lengths = [len(name), 15] + ([] if forward else [15])  # 'data ' + up to 10 characters
            else:
                data_lines = graph.format_array(node.data)
                n_grad = graph.array_lines(node.data)
                lengths = [len(f"{name} {_shape(node.data)}")] + [5 + len(line) for line in data_lines]
                if not forward:
                    lengths += [grad_widths[i]] + [0] * (n_grad - 1)
                self._line_counts[i] = (len(data_lines), n_grad)
            self._box_sizes[i] = graph.box_size(lengths)

    def _tensor_grad_widths(self):
        """The widest grad line each tensor node will show at any step (for its box width)."""
        widths = [len("grad none yet") for _ in self.nodes]
        grads = [None] * len(self.nodes)
        grads[-1] = self._seed_value

        def measure(i):
            widths[i] = max(widths[i], 5 + max(len(line) for line in graph.format_array(grads[i])))

        measure(len(self.nodes) - 1)
        for record in self.records:
            for p, contribution in zip(self._parents[self._index[id(record.node)]], record.contributions):
                if contribution is not None:
                    grads[p] = contribution if grads[p] is None else grads[p] + contribution
                    measure(p)
        for i, node in enumerate(self.nodes):
            if not node.requires_grad:
                widths[i] = max(widths[i], len("grad (not required)"))
        return widths

    def _fits(self):
        """Whether the whole graph can be drawn legibly (else only the part around the current node)."""
        if len(self.nodes) > self.max_nodes:
            return False
        layout = self._layout_of(list(range(len(self.nodes))), ())
        if layout.width > MAX_WIDTH or layout.height > MAX_HEIGHT:
            return False
        self._layouts[None] = (layout, (), {}, {})
        return True

    def _layout_of(self, keys, messages):
        shown = set(keys)
        parents = {k: tuple(p for p in self._parents[k] if p in shown) for k in keys}
        return graph.layout_graph(
            keys, parents, self._box_sizes, self._op_sizes, top=len(messages) * graph.MESSAGE_HEIGHT
        )

    def _view(self, centre):
        """(layout, messages, hidden parents, hidden children) of what is drawn around ``centre``."""
        key = None if self._full else centre
        if key in self._layouts:
            return self._layouts[key]
        n = len(self.nodes)
        max_hops = MAX_HOPS
        while True:  # as many hops as fit
            keys, hops = graph.neighbourhood(centre, self._parents, self._children, self.view_nodes, max_hops)
            messages = (
                f"The graph has {n} nodes, too large to draw legibly: showing {len(keys)} of {n} nodes,",
                f"those within {hops} hop{'s' if hops > 1 else ''} of '{self.names[centre]}'"
                " (dashed: edges to nodes not shown).",
            )
            layout = self._layout_of(keys, messages)
            if hops == 1 or (layout.width <= VIEW_WIDTH and layout.height <= VIEW_HEIGHT):
                break
            max_hops = hops - 1
        shown = set(keys)
        hidden_parents = {k: len(set(self._parents[k]) - shown) for k in keys}
        hidden_children = {k: len(set(self._children[k]) - shown) for k in keys}
        if len(self._layouts) > 256:
            self._layouts = {k: v for k, v in self._layouts.items() if k is None}
        self._layouts[key] = (layout, messages, hidden_parents, hidden_children)
        return self._layouts[key]

    def _centre(self):
        if self.step:
            return self.current_index
        if self.mode == "forward" and self._order:
            return self._order[0]
        return len(self.nodes) - 1

    def _lines(self, i, data, grad):
        node, name = self.nodes[i], self.names[i]
        fmt = graph.format_number
        forward = self.mode == "forward"
        if not self.is_tensor:
            lines = [name, "data " + ("?" if data is None else fmt(data))]
            if not forward:
                lines.append("grad " + ("?" if grad is None else fmt(grad)))
            return lines
        n_data, n_grad = self._line_counts[i]
        lines = [f"{name} {_shape(node.data)}"]
        lines += _block("data ", data, n_data)
        if not forward:
            if grad is not None:
                lines += _block("grad ", grad, n_grad)
            elif self.step == 0:
                lines += _block("grad ", None, n_grad)
            elif not node.requires_grad:
                lines += ["grad (not required)"] + [""] * (n_grad - 1)
            else:
                lines += ["grad none yet"] + [""] * (n_grad - 1)
        return lines

    def _render(self):
        k = self.step
        self.grads = self._grads_at(k)
        self.data = self._data_at(k)
        current = self.current_index
        layout, messages, hidden_parents, hidden_children = self._view(self._centre())
        done = set(self._order[:k])
        updated = set()  # the parents the current step just sent gradient to
        if current is not None and self.mode == "backward":
            sent = zip(self._parents[current], self.records[k - 1].contributions)
            updated = {p for p, contribution in sent if contribution is not None}
        lines, styles, ops = {}, {}, {}
        grad_row = 2 if not self.is_tensor else None
        for i in layout.keys:
            pending = i not in done
            lines[i] = self._lines(i, self.data[i], self.grads[i])
            ops[i] = self.nodes[i]._op
            if self.mode == "backward" and k:
                row = grad_row if grad_row is not None else 1 + self._line_counts[i][0]
                style = (
                    {"fill": UPDATED, "font_weight": "bold"}
                    if i in updated
                    else ({"fill": svg.MUTED} if pending else None)
                )
                styles[i] = [None] * row + [style] * (len(lines[i]) - row)
            elif self.mode == "forward" and i == current:
                styles[i] = [None] + [{"fill": UPDATED, "font_weight": "bold"}] * (len(lines[i]) - 1)
        self.graph_layout = layout
        self.svg = graph.draw_graph(
            layout,
            lines,
            ops,
            self.names,
            current=current,
            styles=styles,
            messages=messages,
            hidden_parents=hidden_parents,
            hidden_children=hidden_children,
        )
        self.explanation = self._explain()
        self._graph_html.value = f'<div style="overflow:auto; max-height:640px">{self.svg}</div>'
        self._text_html.value = f'<pre style="font-size:12px; line-height:1.4">{html.escape(self.explanation)}</pre>'

    # ------------------------------------------------------------------ explaining

    def _explain(self):
        lines = [self.error] if self.error else []
        if self.mode == "forward":
            lines += self._explain_forward()
        else:
            lines += self._explain_backward()
        return "\n".join(lines)

    def _explain_forward(self):
        k, n = self.step, self.steps
        if k == 0:
            return [
                f"Step 0 of {n}: only the leaves (the inputs) are known; every other node shows '?'.",
                "Step forward to compute the nodes one at a time, each after its parents (topological order).",
            ]
        i = self.current_index
        node, name = self.nodes[i], self.names[i]
        parents = self._parents[i]
        header = f"Step {k} of {n}: node '{name}' ({node._op})"
        if self.is_tensor:
            equation, _ = _tensor_rule(node._op, len(parents))
            text = equation.format(o=name, **self._tensor_fields(parents))
            shapes = ", ".join(_shape(self.nodes[p].data) for p in parents)
            line = f"{name} = {text}: from shapes {shapes} to shape {_shape(node.data)}{_values(node.data)}"
        else:
            (symbolic, numeric), _ = _scalar_rule(node._op, len(parents))
            fields = _scalar_fields(
                name, node.data, None, [self.names[p] for p in parents], [self.nodes[p].data for p in parents]
            )
            line = (
                f"{name} = {symbolic.format(**fields)} = {numeric.format(**fields)} = {graph.format_number(node.data)}"
            )
        lines = [header, line]
        if k == n:
            lines.append("That was the last step: the forward pass is complete.")
        return lines

    def _tensor_fields(self, parents):
        fields = {f"p{j}": self.names[p] for j, p in enumerate(parents)}
        for j, letter in enumerate("ab"):
            if j < len(parents):
                fields[letter] = self.names[parents[j]]
        return fields

    def _explain_backward(self):
        k, n = self.step, self.steps
        root = self.names[-1]
        if k == 0:
            seed = graph.format_number(self._seed_value) if not self.is_tensor else "ones"
            return [
                f"Step 0 of {n}: no gradient is known yet (grad shows '?').",
                f"Step forward to seed {root}.grad = {seed} (d{root}/d{root} = 1)"
                " and walk back in reverse topological order.",
            ]
        record = self.records[k - 1]
        i = self.current_index
        node, name = self.nodes[i], self.names[i]
        parents = self._parents[i]
        g = record.grad
        fmt = graph.format_number
        if self.is_tensor:
            grad_text = f"{name}.grad has shape {_shape(g)}" if g is not None else f"{name}.grad is None"
            header = f"Step {k} of {n}: node '{name}' ({node._op or 'leaf'}), shape {_shape(node.data)}; {grad_text}"
        else:
            header = f"Step {k} of {n}: node '{name}' ({node._op or 'leaf'}), {name}.grad = {fmt(g)}"
        if k == 1:
            header += f" (the seed: d{name}/d{name} = 1)"
        lines = [header]
        if not parents:
            if self.is_tensor and not node.requires_grad:
                lines.append(f"'{name}' is a leaf that does not require grad: it gets no gradient.")
            else:
                shown = fmt(g) if not self.is_tensor else (_values(g).removeprefix(" = ") if g is not None else "None")
                lines.append(f"'{name}' is a leaf: nothing to pass on. Its gradient is complete: {name}.grad = {shown}")
        elif self.is_tensor:
            equation, local = _tensor_rule(node._op, len(parents))
            fields = self._tensor_fields(parents)
            eq = equation.format(o=name, **fields)
            for j, (p, contribution) in enumerate(zip(parents, record.contributions)):
                pname = self.names[p]
                rule = local[j] if j < len(local) else local[-1]
                if contribution is None:
                    lines.append(f"{name} = {eq}, so {pname} gets nothing: it does not require grad")
                    continue
                sent = rule.format(o=name, p=pname, **fields)
                note = (
                    " (summed over the broadcast axes)"
                    if node._op in BROADCASTING and np.shape(self.nodes[p].data) != np.shape(node.data)
                    else ""
                )
                lines.append(
                    f"{name} = {eq}, so {pname}.grad += {sent}: "
                    f"shape {_shape(contribution)}{note}{_values(contribution)}"
                )
        else:
            (symbolic, _), local = _scalar_rule(node._op, len(parents))
            fields = _scalar_fields(
                name, node.data, g, [self.names[p] for p in parents], [self.nodes[p].data for p in parents]
            )
            eq = symbolic.format(**fields)
            for j, (p, contribution) in enumerate(zip(parents, record.contributions)):
                formula, numbers = local[j]
                result = fmt(contribution)
                numbers = numbers.format(**fields)
                line = f"{name} = {eq}, so {self.names[p]}.grad += {formula.format(**fields)}"
                if numbers and numbers != result:
                    line += f" = {numbers}"
                lines.append(line + f" = {result}")
        if k == n:
            lines.append("That was the last step: every gradient is complete, as after backward().")
        return lines

    def __repr__(self):
        mode = "forward, " if getattr(self, "mode", "backward") == "forward" else ""
        step, steps = getattr(self, "step", 0), getattr(self, "steps", 0)
        if not step:
            return f"BackwardExplorer({mode}step 0 of {steps}, no current node)"
        i = self.current_index
        op = self.nodes[i]._op or "leaf"
        return f"BackwardExplorer({mode}step {step} of {steps}, current node '{self.names[i]}' ({op}))"


def _block(prefix, array, n_lines):
    """Lines for ``prefix`` followed by an array's values ('?' if not known), always ``n_lines`` long."""
    if array is None:
        return [prefix + "?"] + [""] * (n_lines - 1)
    rows = graph.format_array(array)
    return [prefix + rows[0]] + [" " * len(prefix) + row for row in rows[1:]]
