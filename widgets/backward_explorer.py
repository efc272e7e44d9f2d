"""BackwardExplorer: step through a backward pass (or a forward pass) one node at a time.

The pass itself is a :class:`widgets.trace.Trace`: the nodes, the records of
``minigrad.backward_steps`` and the gradients after each, and each step in words. So what a learner
steps through is exactly what ``backward()`` does, for minigrad's graphs and for micrograd-style
ones alike. The explorer holds the controls and draws the trace at the current step, with the
layout of ``widgets/graph.py``.
"""

import html
import operator

import ipywidgets

from minigrad import Value, dot
from widgets import graph, svg
from widgets.base import Explorer
from widgets.trace import Trace, _exponent, _shape, is_node, is_tensor_node

UPDATED = "#b35c00"  # text colour of a gradient the current step just added to
MAX_WIDTH, MAX_HEIGHT = 2400, 1600  # a full layout larger than this is not legible: show a part
VIEW_WIDTH, VIEW_HEIGHT, MAX_HOPS = 1500, 1800, 8  # the part: nodes within up to 8 hops, if they fit


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
    """Step through the backward pass of ``root`` (a Value, a Tensor, any micrograd-style node) one node at a time.

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
        if not is_node(root):
            raise TypeError(
                "BackwardExplorer: expected a graph node (an object with data, grad, _prev and _op, such as a Value, "
                f"a Tensor or a micrograd Value), got {type(root).__name__}"
            )
        self.is_tensor = is_tensor_node(root)
        if self.is_tensor and not getattr(root, "requires_grad", True) and mode == "backward":
            raise ValueError("BackwardExplorer: this tensor does not require grad, so it has no graph to walk back")
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
        # The Play widget ticks in the page; its own buttons carry icons but no names, so it stays out of
        # sight and a named toggle starts and pauses it.
        self.play_widget = ipywidgets.Play(
            value=0, min=0, max=self.steps, step=1, interval=500, show_repeat=False, layout={"display": "none"}
        )
        self.play_button = ipywidgets.ToggleButton(
            description="play", icon="play", tooltip="step on by itself, at the speed set by steps/s"
        )
        self.speed_slider = ipywidgets.FloatSlider(value=2.0, min=0.5, max=10.0, step=0.5, description="steps/s")
        self.step_slider = ipywidgets.IntSlider(value=0, min=0, max=self.steps, description="step")
        self.sliders = [self._input_slider(i) for i in self.input_indices]
        self._graph_html = ipywidgets.HTML()
        self._text_html = ipywidgets.HTML()
        self.reset_button.on_click(lambda _: self.reset())
        self.back_button.on_click(lambda _: self.step_back())
        self.forward_button.on_click(lambda _: self.step_forward())
        self.play_widget.observe(self._on_step_control, names="value")
        self.play_widget.observe(self._on_playing, names="playing")
        self.play_button.observe(self._on_play_button, names="value")
        self.step_slider.observe(self._on_step_control, names="value")
        self.speed_slider.observe(self._on_speed, names="value")
        for slider in self.sliders:
            slider.observe(self._on_input, names="value")
        controls = ipywidgets.HBox(
            [
                self.reset_button,
                self.back_button,
                self.play_widget,
                self.play_button,
                self.forward_button,
                self.speed_slider,
            ]
        )
        self.children = [controls, self.step_slider, *self.sliders, self._graph_html, self._text_html]
        self._render()

    # ------------------------------------------------------------------ the graph and its passes

    def _load(self, root):
        """Trace the graph of ``root``: its backward pass (or its forward steps)."""
        try:
            self.trace = Trace(root, "forward" if self.mode == "forward" else "backward", self._seed)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"BackwardExplorer: {exc}") from None
        trace = self.trace
        self.root = root
        self.nodes, self.names, self.records, self.steps = trace.nodes, trace.names, trace.records, trace.steps
        self._index, self._parents, self._children = trace.index, trace.parents, trace.children
        self._order = trace.order
        self._seed_value = trace.seed

    # ------------------------------------------------------------------ inputs

    def _input_indices(self, inputs):
        indices = []
        for value in inputs:
            if not is_node(value):
                raise TypeError(f"BackwardExplorer: sliders take leaf Values of the graph, got {type(value).__name__}")
            i = self._index.get(id(value))
            if i is None:
                raise ValueError(f"BackwardExplorer: the slider input {value!r} is not in the graph")
            if self._parents[i]:
                raise ValueError(f"BackwardExplorer: the slider input {self.names[i]!r} is not a leaf (an op made it)")
            indices.append(i)
        if indices:
            closures = [self.names[i] for i in range(len(self.nodes)) if self.trace.uses_closure(i)]
            if closures:
                raise ValueError(
                    "BackwardExplorer: sliders recompute the graph with minigrad's ops, and cannot recompute nodes "
                    "whose rule is a _backward closure: " + ", ".join(map(repr, closures[:5]))
                )
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

    def _on_play_button(self, change):
        if change["new"]:
            self.play()
        else:
            self.pause()

    def _on_playing(self, change):
        self.play_button.value = change["new"]
        self.play_button.description, self.play_button.icon = ("pause", "pause") if change["new"] else ("play", "play")

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
                self._op_sizes[i] = graph.op_box_size(self.trace.ops[i])
            name = self.names[i]
            if not self.is_tensor:
                lengths = [len(name), 15] + ([] if forward else [15])  # 'data ' + up to 10 characters
            else:
                data_lines, _ = graph.tensor_block("data ", node.data)
                n_grad = graph.block_lines(node.data)
                lengths = [len(f"{name} {_shape(node.data)}")] + [len(line) for line in data_lines]
                if not forward:
                    lengths += [grad_widths[i]] + [0] * (n_grad - 1)
                self._line_counts[i] = (len(data_lines), n_grad)
            self._box_sizes[i] = graph.box_size(lengths)

    def _tensor_grad_widths(self):
        """The widest grad line each tensor node will show at any step (for its box width)."""
        widths = [len("grad none yet") for _ in self.nodes]

        def measure(i, grad):
            widths[i] = max(widths[i], max(len(line) for line in graph.tensor_block("grad ", grad)[0]))

        measure(len(self.nodes) - 1, self._seed_value)
        for after in self.trace.after:
            for p, grad in after:
                measure(p, grad)
        for i, node in enumerate(self.nodes):
            if not getattr(node, "requires_grad", True):
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
        top = len(messages) * graph.MESSAGE_HEIGHT
        return graph.layout_graph(keys, parents, self._box_sizes, self._op_sizes, top=top, stubs=bool(messages))

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
        """The text lines of node ``i``'s box, and its heatmaps (tensors too large to write out)."""
        node, name = self.nodes[i], self.names[i]
        fmt = graph.format_number
        forward = self.mode == "forward"
        if not self.is_tensor:
            lines = [name, "data " + ("?" if data is None else fmt(data))]
            if not forward:
                lines.append("grad " + ("?" if grad is None else fmt(grad)))
            return lines, []
        n_data, n_grad = self._line_counts[i]
        lines = [f"{name} {_shape(node.data)}"]
        block, heatmaps = _block("data ", data, n_data, len(lines))
        lines += block
        if not forward:
            if grad is not None:
                block, grad_heatmaps = _block("grad ", grad, n_grad, len(lines))
                lines += block
                heatmaps += grad_heatmaps
            elif self.step == 0:
                lines += _block("grad ", None, n_grad, len(lines))[0]
            elif not getattr(node, "requires_grad", True):
                lines += ["grad (not required)"] + [""] * (n_grad - 1)
            else:
                lines += ["grad none yet"] + [""] * (n_grad - 1)
        return lines, heatmaps

    def _tooltip(self, i, data, grad):
        """The full text of node ``i``'s box: what made it, and its values unabbreviated."""
        node, name = self.nodes[i], self.names[i]
        parents = ", ".join(self.names[p] for p in self._parents[i])
        made = f"{name} = {self.trace.ops[i]}({parents})" if parents else f"{name}: a leaf"
        if not self.is_tensor:
            lines = [made, "data " + ("not computed yet" if data is None else repr(float(data)))]
            if self.mode == "backward":
                lines.append("grad " + ("not known yet" if grad is None else repr(float(grad))))
            return "\n".join(lines)
        lines = [f"{made}, shape {_shape(node.data)}"]
        lines.append("data " + ("not computed yet" if data is None else graph.full_text(data)))
        if self.mode == "backward":
            lines.append("grad " + ("not known yet" if grad is None else graph.full_text(grad)))
        return "\n".join(lines)

    def _render(self):
        k = self.step
        self.grads = self.trace.grads_at(k)
        self.data = self.trace.data_at(k)
        current = self.current_index
        layout, messages, hidden_parents, hidden_children = self._view(self._centre())
        done = set(self._order[:k])
        updated = self.trace.updated_at(k)  # the parents the current step just sent gradient to
        lines, styles, ops, heatmaps, tooltips = {}, {}, {}, {}, {}
        grad_row = 2 if not self.is_tensor else None
        for i in layout.keys:
            pending = i not in done
            lines[i], heatmaps[i] = self._lines(i, self.data[i], self.grads[i])
            tooltips[i] = self._tooltip(i, self.data[i], self.grads[i])
            ops[i] = self.trace.ops[i]
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
            heatmaps=heatmaps,
            tooltips=tooltips,
            done=done - {current},
        )
        self.explanation = self._explain()
        self.meaning = self._meaning()
        shows_heatmaps = any(heatmaps.values())
        self._graph_html.value = (
            self._legend(layout, shows_heatmaps)
            + f'<div style="font-size:12px; line-height:1.4; margin:0 0 4px 0"><b>{html.escape(self.meaning)}</b></div>'
            + self._frame(layout, messages)
        )
        self._text_html.value = f'<pre style="font-size:12px; line-height:1.4">{html.escape(self.explanation)}</pre>'

    def _frame(self, layout, messages):
        """The drawing in a frame that scrolls when the page is narrower (or shorter) than the graph.

        Each step replaces the frame, and a new frame opens scrolled to the node of the step: a box
        over it carries ``scroll-initial-target`` (no script runs in a widget's HTML), while the
        learner stays free to scroll anywhere. A hint, shown by a container query only when the
        frame is narrower than the graph, says so and where the node is.
        """
        width, height = graph.drawing_size(layout, messages)
        centre = self._centre()
        x, y, w, h = layout.boxes[centre]
        if centre in layout.op_boxes:
            ox = layout.op_boxes[centre][0]
            x, w = ox, x + w - ox
        column = layout.layers[centre] + 1
        columns = 1 + max(layout.layers[k] for k in layout.keys)
        which = "the node of this step" if self.step else "the node the walk starts from"
        hint = (
            f"\u21c6 The graph is {width} px wide, wider than this page: scroll sideways in the frame. Each step "
            f"scrolls it to {which}, '{self.names[centre]}' (column {column} of {columns}: leaves on the left, "
            "the output on the right)."
        )
        hint_class = f"minigrad-scroll-hint-{width}"
        target = (
            f"position:absolute; left:{x - 20:.0f}px; top:{y - 10:.0f}px; width:{w + 40:.0f}px; height:{h + 20:.0f}px; "
            "scroll-snap-align:center; scroll-initial-target:nearest; pointer-events:none"
        )
        return (
            '<div style="container-type:inline-size">'
            f"<style>.{hint_class} {{display:none}} @container (max-width: {width - 1}px) "
            f"{{.{hint_class} {{display:block}}}} .minigrad-graph-frame svg {{display:block}}</style>"
            f'<div class="{hint_class}" style="font-size:12px; line-height:1.4; margin:0 0 4px 0">'
            f"{html.escape(hint)}</div>"
            '<div class="minigrad-graph-frame" style="overflow:auto; max-height:640px; '
            'scrollbar-color:#888888 #eeeeee; scrollbar-width:auto">'
            f'<div style="position:relative; width:{width}px; height:{height}px">{self.svg}'
            f'<div class="minigrad-current-target" style="{target}"></div></div></div></div>'
        )

    def _legend(self, layout, shows_heatmaps):
        """What every colour, line and mark of the drawing means, above it."""
        box = (
            '<span style="background:{fill}; border:{width}px solid {stroke}; border-radius:3px; padding:0 4px">'
            "{text}</span>"
        )
        current = box.format(fill=graph.CURRENT_FILL, stroke=svg.HIGHLIGHT, width=2, text="yellow box")
        visited = box.format(fill=graph.DONE_FILL, stroke=svg.INK, width=1, text="blue box")
        edge = (
            '<span style="display:inline-block; width:22px; vertical-align:middle; '
            f'border-top:3px solid {svg.HIGHLIGHT}"></span> orange edges'
        )
        if self.mode == "forward":
            parts = [
                f"{current}: the node this step computes",
                f"{visited}: nodes computed before",
                f"{edge}: from its inputs",
                f'<b style="color:{UPDATED}">bold orange</b> data: computed by this step',
                "?: not computed yet",
            ]
        else:
            parts = [
                f"{current}: the node of this step (its gradient is complete and goes back to its parents)",
                f"{visited}: nodes whose step is done",
                f"{edge}: the way its gradient goes back",
                f'<b style="color:{UPDATED}">bold orange</b> grad: what this step just added',
                f'<span style="color:{svg.MUTED}">grey</span> grad: its step has not come, more may still arrive',
                "black grad: complete",
                "?: nothing known yet",
            ]
        if any(edge.count > 1 for edge in layout.edges):
            parts.append("\u00d72: an input used twice by one op")
        parts.append("rest the pointer on a box for its values in full")
        text = f'<div style="font-size:12px; line-height:1.6; margin:2px 0 4px 0">{" &middot; ".join(parts)}</div>'
        if shows_heatmaps:
            text += _heatmap_legend()
        return text

    # ------------------------------------------------------------------ explaining

    def _meaning(self):
        """What the current step does, in one sentence above the drawing."""
        root = self.names[-1]
        if self.mode == "forward":
            if not self.step:
                return "Step 0: only the leaves are known. Each step computes one node from its inputs."
            i = self.current_index
            inputs = _listed([self.names[p] for p in dict.fromkeys(self._parents[i])])
            return f"Step {self.step}: '{self.names[i]}' is computed from {inputs}, all computed before it."
        if not self.step:
            seed = "the seed you gave" if self._seed is not None else f"d{root}/d{root} = 1"
            return (
                f"Step 0: no gradient is known yet. Step 1 starts from '{root}' ({seed}); "
                "each step walks back one node."
            )
        i = self.current_index
        name = self.names[i]
        complete = "the seed" if self.step == 1 else f"complete: every path from '{root}' to it has been walked"
        if not self._parents[i]:
            return f"Step {self.step}: '{name}' is a leaf. Its gradient is {complete}, and it has nothing to pass on."
        parents = _listed([self.names[p] for p in dict.fromkeys(self._parents[i])])
        return f"Step {self.step}: the gradient of '{name}' is {complete}; it now passes it back to {parents}."

    def _explain(self):
        lines = [self.error] if self.error else []
        return "\n".join(lines + self.trace.words(self.step))

    def __repr__(self):
        mode = "forward, " if getattr(self, "mode", "backward") == "forward" else ""
        step, steps = getattr(self, "step", 0), getattr(self, "steps", 0)
        if not step:
            return f"BackwardExplorer({mode}step 0 of {steps}, no current node)"
        i = self.current_index
        op = self.trace.ops[i] or "leaf"
        return f"BackwardExplorer({mode}step {step} of {steps}, current node '{self.names[i]}' ({op}))"


def _block(prefix, array, n_lines, first_line):
    """Lines for ``prefix`` followed by an array ('?' if not known), always ``n_lines`` long, and its
    heatmaps, their lines counted from ``first_line``, the block's line in the box."""
    if array is None:
        return [prefix + "?"] + [""] * (n_lines - 1), []
    lines, heatmaps = graph.tensor_block(prefix, array)
    return lines, [heatmap._replace(line=heatmap.line + first_line) for heatmap in heatmaps]


def _listed(names):
    """'a', 'a and b', 'a, b and c', each quoted."""
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _heatmap_legend():
    """The colour bar of the heatmaps: each tensor is coloured on its own scale, up to its largest magnitude."""
    caption = "heatmap colours, one cell per element (m: that tensor's largest |value|)"
    drawing = svg.Drawing(int(svg.text_width(caption)) + 12, 50)
    drawing.colour_bar(2, 0, 240, -1.0, 1.0, caption, ends=("-m", "+m"), ticks=[(0.5, "0")])
    return drawing.to_svg(fit=True)
