"""NeuronExplorer: one neuron (or a 2-2-1 net) on a few labelled points, with sliders for its weights.

The network is computed in scalar mode, one ``minigrad.Value`` graph per update, exactly as in the
lesson on backprop: every point's output, the loss, ``loss.backward()``, and each parameter's
``grad`` read off its leaf. The shaded decision region behind the points is the same forward
function applied to a grid of inputs at once in tensor mode (it needs no gradient).
"""

import ipywidgets
import numpy as np

import minigrad
from minigrad.nn.scalar import mse_loss
from widgets import svg
from widgets.base import ExactSlider, Explorer, RateSlider, row

ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")

# The targets of the two classes are the bottom and top of the activation's range.
_TARGETS = {"tanh": (-1.0, 1.0), "linear": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 1.0)}

# Linearly separable for the single neuron; XOR for the net with a hidden layer.
_LINE_POINTS = [(1.0, 1.5), (2.0, 0.5), (1.5, -0.5), (0.5, 0.5), (-1.0, -1.0), (-1.5, 0.5), (-0.5, -1.5), (0.5, -1.5)]
_LINE_LABELS = [1, 1, 1, 1, 0, 0, 0, 0]
_XOR_POINTS = [(1.0, 1.0), (-1.0, -1.0), (1.5, 0.5), (-0.5, -1.5), (1.0, -1.0), (-1.0, 1.0), (1.5, -0.5), (-0.5, 1.5)]
_XOR_LABELS = [1, 1, 1, 1, 0, 0, 0, 0]

_REGION_CELLS = 60  # the decision region: a 60 x 60 image, which the browser smooths
_PLOT = 300  # pixels, square
_LEFT = 44  # room for the x2 axis: its name and its numbers
_TOP = 14
_BAR_ROW = 24
_BARS_WIDTH = 320
# Where each activation's output can go; the colour bar ends there or where the colours saturate.
_OUTPUT_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, np.inf), "linear": (-np.inf, np.inf)}


def _activate(z, activation):
    """``activation(z)`` for a Value or a Tensor alike (both have ``tanh``, ``sigmoid``, ``relu``)."""
    return z if activation == "linear" else getattr(z, activation)()


def parameter_names(hidden):
    """``w1 w2 b`` for one neuron; ``h1_w1 h1_w2 h1_b ... o_w1 ... o_b`` with a hidden layer."""
    if hidden == 0:
        return ["w1", "w2", "b"]
    names = [f"h{j}_{p}" for j in range(1, hidden + 1) for p in ("w1", "w2", "b")]
    return names + [f"o_w{j}" for j in range(1, hidden + 1)] + ["o_b"]


def forward(parameters, x1, x2, hidden=0, activation="tanh"):
    """The network's output for inputs ``x1, x2``: Values give one point, Tensors a whole batch.

    One neuron: ``activation(w1*x1 + w2*x2 + b)``. With a hidden layer, each hidden neuron ``hj``
    computes the same from the inputs, and the output neuron ``o`` from the hidden outputs.
    """
    p = parameters
    if hidden == 0:
        return _activate(p["w1"] * x1 + p["w2"] * x2 + p["b"], activation)
    h = [_activate(p[f"h{j}_w1"] * x1 + p[f"h{j}_w2"] * x2 + p[f"h{j}_b"], activation) for j in range(1, hidden + 1)]
    z = p["o_b"]
    for j, hj in enumerate(h, start=1):
        z = z + p[f"o_w{j}"] * hj
    return _activate(z, activation)


class NeuronExplorer(Explorer):
    """Move a neuron's weights and bias and watch its outputs, its loss and its gradients.

    ``NeuronExplorer()`` is one neuron with two inputs: ``out = activation(w1*x1 + w2*x2 + b)``.
    ``NeuronExplorer(hidden=2)`` is a 2-2-1 net (9 parameters): two such hidden neurons, and an
    output neuron with the same activation reading them. Both are built from ``minigrad.Value``.

    The loss is the mean squared error between each point's output and its target, as in the
    micrograd lecture: the targets of the two classes are the bottom and the top of the
    activation's range (-1 and +1 for ``tanh`` and ``linear``, 0 and 1 for ``sigmoid`` and
    ``relu``), and a point is classified by which side of the midpoint its output falls.

    ``points`` (n x 2) and ``labels`` (n values: 1 or True for the positive class, 0, -1 or False
    for the other) replace the built-in data set: 8 points, linearly separable for one neuron and
    an XOR pattern with a hidden layer. ``parameters`` (name -> number) sets the starting point;
    without it one neuron starts at ``w1=0.5, w2=-1, b=0.5`` and a hidden layer's weights are drawn
    uniformly in [-1, 1] from ``seed`` (from the default seed 2, a few hundred steps with lr 0.3
    solve XOR; from seed 0 they end in a local minimum with 5 of 8 points right).

    State: ``parameters``, ``gradients`` (name -> float), ``loss``, ``outputs`` (one per point),
    ``loss_node`` (the loss as the root of its Value graph). Actions: ``take_step()`` (the "take
    one step" button: each parameter moves by ``-lr * grad``), ``set_parameters(**values)``,
    ``reset()``.
    """

    def __init__(self, hidden=0, activation="tanh", points=None, labels=None, parameters=None, lr=0.1, seed=2):
        if not (isinstance(hidden, (int, np.integer)) and 0 <= hidden <= 4):
            raise ValueError(f"NeuronExplorer: hidden must be 0 (one neuron) or 1..4 hidden neurons, got {hidden!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"NeuronExplorer: unknown activation {activation!r}; choose one of {ACTIVATIONS}")
        self.hidden = int(hidden)
        self.points, self.labels = self._data(points, labels)
        self.names = parameter_names(self.hidden)
        self._initial = self._initial_parameters(parameters, seed)
        self._values = dict(self._initial)
        self.steps_taken = 0
        self._quiet = False
        self._extent = float(np.ceil(np.abs(self.points).max() * 1.25 * 2) / 2)

        self.sliders = {}
        for name in self.names:
            limit = max(4.0, float(np.ceil(abs(self._values[name]))))
            slider = ExactSlider(
                value=self._values[name],
                min=-limit,
                max=limit,
                step=0.001,
                description=name,
                readout_format=".3f",
                continuous_update=True,
                layout=ipywidgets.Layout(width="300px"),
            )
            slider.observe(self._on_parameter_slider(name), names="value")
            self.sliders[name] = slider
        self.activation_dropdown = ipywidgets.Dropdown(options=ACTIVATIONS, value=activation, description="activation")
        self.activation_dropdown.observe(self._on_control, names="value")
        self.lr_slider = RateSlider(lr, 1e-3, 10.0, description="lr")
        self.step_button = ipywidgets.Button(description="take one step", tooltip="every parameter -= lr * grad")
        self.step_button.on_click(lambda _: self.take_step())
        self.reset_button = ipywidgets.Button(description="reset", tooltip="back to the starting parameters")
        self.reset_button.on_click(lambda _: self.reset())
        self.view = ipywidgets.HTML()

        per_row = 3
        rows = [list(self.sliders.values())[i : i + per_row] for i in range(0, len(self.names), per_row)]
        super().__init__(
            [
                self.view,
                *(row(sliders) for sliders in rows),
                row([self.activation_dropdown, self.lr_slider, self.step_button, self.reset_button]),
            ]
        )
        self._update()

    # ------------------------------------------------------------------ set-up

    def _data(self, points, labels):
        if points is None:
            if labels is not None:
                raise ValueError("NeuronExplorer: labels without points")
            points, labels = (_XOR_POINTS, _XOR_LABELS) if self.hidden else (_LINE_POINTS, _LINE_LABELS)
        points = np.asarray(points, dtype=float)
        labels = np.asarray(labels)
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(f"NeuronExplorer: points must be an n x 2 array, got shape {points.shape}")
        if labels.shape != (len(points),):
            raise ValueError(f"NeuronExplorer: {len(points)} points but labels of shape {labels.shape}")
        return points, labels > 0

    def _initial_parameters(self, parameters, seed):
        if parameters is None:
            if self.hidden == 0:
                return {"w1": 0.5, "w2": -1.0, "b": 0.5}
            # Small random weights, rounded so that the sliders start on readable numbers.
            values = np.round(np.random.default_rng(seed).uniform(-1.0, 1.0, len(self.names)), 2)
            return {name: float(v) for name, v in zip(self.names, values)}
        self._check_names(parameters)
        missing = [n for n in self.names if n not in parameters]
        if missing:
            raise ValueError(f"NeuronExplorer: parameters lacks {', '.join(missing)}")
        return {name: float(parameters[name]) for name in self.names}

    def _check_names(self, values):
        unknown = [n for n in values if n not in self.names]
        if unknown:
            raise ValueError(
                f"NeuronExplorer: unknown parameter {', '.join(unknown)}; the parameters are {', '.join(self.names)}"
            )

    # ------------------------------------------------------------------ state

    @property
    def activation(self):
        return self.activation_dropdown.value

    @property
    def lr(self):
        return self.lr_slider.value

    @property
    def targets(self):
        """Each point's target: the bottom or the top of the activation's range."""
        low, high = _TARGETS[self.activation]
        return np.where(self.labels, high, low)

    @property
    def threshold(self):
        """Outputs above this midpoint between the two targets count as the positive class."""
        return sum(_TARGETS[self.activation]) / 2

    @property
    def predictions(self):
        return np.asarray(self.outputs) > self.threshold

    @property
    def correct(self):
        return int(np.sum(self.predictions == self.labels))

    def __repr__(self):
        return (
            f"NeuronExplorer(hidden={self.hidden}, activation={self.activation!r}, {len(self.points)} points, "
            f"loss={self.loss:.3f}, {self.correct}/{len(self.points)} correct)"
        )

    # ------------------------------------------------------------------ actions

    def take_step(self):
        """One step of gradient descent: every parameter moves by ``-lr * grad``."""
        lr = self.lr
        self.set_parameters(**{name: self._values[name] - lr * self.gradients[name] for name in self.names})
        self.steps_taken += 1

    def set_parameters(self, **values):
        """Set some or all parameters (by name) and recompute everything once."""
        self._check_names(values)
        self._quiet = True
        try:
            for name, value in values.items():
                value = float(value)
                self._values[name] = value
                slider = self.sliders[name]
                # Let a parameter leave the slider's range rather than have the slider clip it.
                if value > slider.max:
                    slider.max = float(np.ceil(value))
                if value < slider.min:
                    slider.min = float(np.floor(value))
                slider.value = value
        finally:
            self._quiet = False
        self._update()

    def reset(self):
        """Back to the starting parameters."""
        self.set_parameters(**self._initial)
        self.steps_taken = 0

    def _on_parameter_slider(self, name):
        def handler(change):
            if not self._quiet:
                self._values[name] = float(change.new)
                self._update()

        return handler

    def _on_control(self, change):
        if not self._quiet:
            self._update()

    # ------------------------------------------------------------------ computing

    def _update(self):
        """The scalar-mode graph: one Value per parameter, every point's output, the loss, backward."""
        leaves = {name: minigrad.Value(self._values[name], label=name) for name in self.names}
        outputs = [forward(leaves, x1, x2, self.hidden, self.activation) for x1, x2 in self.points.tolist()]
        loss = mse_loss(outputs, self.targets.tolist())
        loss.backward()
        self.loss_node = loss
        self.loss = loss.data
        self.outputs = [o.data for o in outputs]
        self.parameters = dict(self._values)
        self.gradients = {name: leaf.grad for name, leaf in leaves.items()}
        self.view.value = self._draw()

    def _region(self):
        """The output on a grid of inputs, computed in tensor mode in one go; row 0 at the top."""
        e = self._extent
        centres = -e + (np.arange(_REGION_CELLS) + 0.5) * (2 * e / _REGION_CELLS)
        x1, x2 = np.meshgrid(centres, centres[::-1])
        batch = [minigrad.Tensor(a.ravel(), dtype=minigrad.float64) for a in (x1, x2)]
        with minigrad.no_grad():
            out = forward(self._values, *batch, self.hidden, self.activation)
        return out.numpy().reshape(_REGION_CELLS, _REGION_CELLS)

    # ------------------------------------------------------------------ drawing

    def _draw(self):
        left_height = _TOP + _PLOT + 96
        right_height = 52 + len(self.names) * _BAR_ROW + 136
        d = svg.Drawing(_LEFT + _PLOT + 12 + _BARS_WIDTH, max(left_height, right_height))
        self._draw_points(d)
        self._draw_bars(d, _LEFT + _PLOT + 12)
        return d.to_svg(fit=True)

    def _region_colours(self, outputs):
        """Pastel: the region reaches half the full colour, so that the points (full colour) stand out."""
        low, high = _TARGETS[self.activation]
        return svg.diverging_rgb(np.asarray(outputs) - self.threshold, high - low)

    def _draw_points(self, d):
        e, m, top = self._extent, _LEFT, _TOP
        sx, sy = svg.Scale((-e, e), (m, m + _PLOT)), svg.Scale((-e, e), (top + _PLOT, top))
        d.image_grid(self._region_colours(self._region()), m, top, _PLOT, _PLOT, class_="region")
        d.rect(m, top, _PLOT, _PLOT, fill="none", stroke=svg.MUTED)
        d.line(sx(0), top, sx(0), top + _PLOT, stroke=svg.MUTED, stroke_dasharray="2,3")
        d.line(m, sy(0), m + _PLOT, sy(0), stroke=svg.MUTED, stroke_dasharray="2,3")
        bottom = top + _PLOT
        for value in (-e, 0.0, e):
            d.text(sx(value), bottom + 16, f"{value:g}", fill=svg.INK, text_anchor="middle", class_="tick")
            d.text(m - 6, sy(value) + 4, f"{value:g}", fill=svg.INK, text_anchor="end", class_="tick")
        d.text(m + _PLOT / 2, bottom + 32, "input x1", fill=svg.INK, text_anchor="middle", class_="axis-name")
        middle = top + _PLOT / 2
        d.text(12, middle, "input x2", fill=svg.INK, text_anchor="middle", transform=f"rotate(-90 12 {middle:g})",
               class_="axis-name")
        for (x1, x2), positive, out, predicted in zip(self.points, self.labels, self.outputs, self.predictions):
            fill = svg.diverging(1 if positive else -1, 1)
            wrong = predicted != positive
            d.circle(
                sx(x1),
                sy(x2),
                6,
                fill=fill,
                stroke=svg.HIGHLIGHT if wrong else svg.INK,
                stroke_width=3 if wrong else 1.5,
                class_="point",
            )
            d.text(sx(x1) + 8, sy(x2) - 6, f"{out:.2f}", size=12, fill=svg.INK, class_="output")
        self._draw_output_bar(d, m, bottom + 44)

    def _draw_output_bar(self, d, x, top):
        """The region's colours against the output: from the bottom of the activation's range (or
        where the colours stop darkening) to its top, white at the threshold between the classes."""
        low, high = _TARGETS[self.activation]
        floor, ceiling = _OUTPUT_RANGE[self.activation]
        start, end = max(self.threshold - (high - low), floor), min(self.threshold + (high - low), ceiling)
        ends = (
            f"{start:g}" if start == floor else f"<= {start:g}",
            f"{end:g}" if end == ceiling else f">= {end:g}",
        )
        d.colour_bar(
            x,
            top,
            _PLOT,
            start,
            end,
            f"output of the {'network' if self.hidden else 'neuron'} ({self.activation})",
            colours=self._region_colours(np.linspace(start, end, 128)),
            ends=ends,
            ticks=[((self.threshold - start) / (end - start), f"{self.threshold:g}: the boundary")],
        )

    def _draw_bars(self, d, left):
        d.text(left, 20, f"loss (MSE) = {self.loss:.4f}", size=13, fill=svg.INK, font_weight="bold")
        d.text(left, 38, f"{self.correct}/{len(self.points)} correct; d loss / d parameter:", size=12, fill=svg.INK)
        largest = max(abs(g) for g in self.gradients.values())
        centre, half = left + 190, 60
        top = 52
        d.line(centre, top, centre, top + len(self.names) * _BAR_ROW, stroke=svg.MUTED)
        for i, name in enumerate(self.names):
            grad, y = self.gradients[name], top + i * _BAR_ROW
            d.text(left, y + 15, f"{name:>5} {self._values[name]:+.3f}", size=12, fill=svg.INK)
            length = 0.0 if largest == 0 else abs(grad) / largest * half
            x = centre if grad >= 0 else centre - length
            colour = svg.diverging(np.sign(grad), 1)
            d.rect(
                x, y + 4, length, _BAR_ROW - 8, fill=colour, class_="grad-bar", data_param=name, data_grad=f"{grad:.6g}"
            )
            d.text(centre + half + 6, y + 15, f"{grad:+.4f}", size=12, fill=svg.INK)
        y = top + len(self.names) * _BAR_ROW + 6
        y += d.legend(
            left,
            y,
            [("swatch", "grad > 0", {"fill": svg.diverging(1, 1)}), ("swatch", "grad < 0", {"fill": svg.diverging(-1, 1)})],
            width=_BARS_WIDTH,
        )
        d.text(left, y + 12, "the longest bar: the largest |grad|", size=12, fill=svg.INK)
        low, high = _TARGETS[self.activation]
        d.legend(
            left,
            y + 26,
            [
                ("circle", f"class 1: target {high:g}", {"r": 6, "fill": svg.diverging(1, 1), "stroke": svg.INK,
                                                         "stroke_width": 1.5}),
                ("circle", f"class 0: target {low:g}", {"r": 6, "fill": svg.diverging(-1, 1), "stroke": svg.INK,
                                                        "stroke_width": 1.5}),
                ("circle", "misclassified", {"r": 6, "fill": "white", "stroke": svg.HIGHLIGHT, "stroke_width": 3}),
            ],
        )
        d.text(left, y + 26 + 3 * 18 + 14, "numbers: the output at each point", size=12, fill=svg.INK)
