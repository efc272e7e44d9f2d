"""DepthExplorer: a deep MLP on a batch of real digits, and what its initialisation does to each layer.

Each change builds the network again from one seed (``minigrad.nn`` layers, weights filled by
``minigrad.nn.init``), runs the batch forward and ``loss.backward()`` once, and reads every hidden
layer's output and the gradient that arrived at it. Then a few steps of SGD on mini-batches of the
same batch show whether the network starts to learn. The same settings always draw the same network,
so what is shown depends on the settings alone.
"""

import math

import ipywidgets
import numpy as np
from threadpoolctl import ThreadpoolController

import minigrad
from minigrad import nn, optim
from minigrad.data import load_digits
from minigrad.nn import functional as F
from minigrad.nn import init
from widgets import svg
from widgets.base import Explorer

ACTIVATIONS = ("tanh", "relu")
# Each scheme as (label on its button, what it draws); Var(W) * n is what decides (lesson 09).
INITS = {
    "too small": "N(0, 0.01²)",
    "default": "PyTorch's Linear default, U(±1/√fan_in)",
    "xavier": "Xavier, N(0, 2 / (fan_in + fan_out))",
    "he": "He, N(0, 2 / fan_in)",
    "too large": "N(0, 1)",
}
WIDTHS = (16, 32, 64, 128, 256, 512)
MAX_DEPTH = 20
QUANTILES = (5, 25, 50, 75, 95)
QUANTILE_SAMPLE = 16384
SATURATED = 0.97  # |tanh| beyond this passes on less than 6 % of its gradient (1 - 0.97² = 0.059)
STEPS, STEP_BATCH, LR, MOMENTUM = 4, 64, 0.05, 0.9

# OpenBLAS's threads, on a 2-core machine that also runs the kernel and the browser, made each change
# several times slower (715 ms instead of 163 ms, measured under load): the 256 x 256 matmuls are too
# small to share. Only the explorer's own computation runs on one thread.
_BLAS = ThreadpoolController()

_WIDTH = 700
_LEFT = 64       # room for the axes' numbers
_RIGHT = 16
_PANEL = 130     # height of the activation and gradient panels
_SMALL = 110     # height of the dead-units and loss panels

ACTIVATION_COLOUR = "#2166ac"
GRADIENT_COLOUR = "#b2182b"
DEAD_COLOUR = "#6a3d9a"
LOSS_COLOUR = "#1b7837"


def _digits_batch(batch_size):
    """The first ``batch_size`` training digits, each pixel standardised over them (constant pixels stay 0)."""
    train, _ = load_digits()
    images, labels = train.tensors
    x = images.numpy()[:batch_size].astype(np.float64)
    spread = x.std(axis=0)
    x = (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return minigrad.Tensor(x, dtype=minigrad.float32), labels[:batch_size]


def initialise(linear, scheme, generator):
    """Fill one Linear layer's weight and bias as ``scheme`` says (biases 0 except for the default)."""
    w = linear.weight
    if scheme == "too small":
        init.normal_(w, 0.0, 0.01, generator=generator)
    elif scheme == "too large":
        init.normal_(w, 0.0, 1.0, generator=generator)
    elif scheme == "xavier":
        init.xavier_normal_(w, generator=generator)
    elif scheme == "he":
        init.kaiming_normal_(w, nonlinearity="relu", generator=generator)
    if scheme == "default":
        bound = 1 / math.sqrt(linear.in_features)
        init.uniform_(w, -bound, bound, generator=generator)
        init.uniform_(linear.bias, -bound, bound, generator=generator)
    else:
        init.zeros_(linear.bias)


def build_mlp(depth, width, activation, scheme, batch_norm, seed, in_features=64, classes=10):
    """``depth`` hidden layers of ``width`` (Linear, BatchNorm1d if asked, activation), then Linear to the classes."""
    generator = np.random.default_rng(seed)
    act = {"tanh": nn.Tanh, "relu": nn.ReLU}[activation]
    layers, n = [], in_features
    for _ in range(depth):
        layers.append(nn.Linear(n, width))
        if batch_norm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(act())
        n = width
    layers.append(nn.Linear(n, classes))
    for layer in layers:
        if isinstance(layer, nn.Linear):
            initialise(layer, scheme, generator)
    return nn.Sequential(*layers)


def _statistics(values):
    """The standard deviation of ``values`` and their QUANTILES (nearest rank, no interpolation).

    The quantiles come from at most QUANTILE_SAMPLE of the values, evenly strided: partitioning all
    65,536 of a 256 x 256 layer took a third of an update, and the bands drawn do not move visibly.
    """
    flat = values.ravel()
    sample = flat[:: max(1, flat.size // QUANTILE_SAMPLE)]
    ranks = [min(sample.size - 1, round(q / 100 * (sample.size - 1))) for q in QUANTILES]
    # A full sort picks the same values as partitioning at the five ranks, and NumPy's vectorised
    # sort took a quarter of the time on 16,384 float32 values.
    picked = np.sort(sample)[ranks]
    return {"std": float(flat.std(dtype=np.float64)), "quantiles": [float(v) for v in picked]}


class DepthExplorer(Explorer):
    """A deep MLP on 256 digits: choose depth, width, activation, initialisation and BatchNorm.

    For every hidden layer it shows the spread of the activations (its output after the
    nonlinearity) and of the gradients of the loss with respect to them, as bands between
    quantiles; the fraction of dead ReLU units (0 on every input of the batch) or saturated tanh
    outputs (|h| > 0.97); and the cross-entropy at the start, against ln 10 (what a network that
    knows nothing, giving every class 1/10, scores), and after 4 steps of SGD (lr 0.05, momentum
    0.9) on mini-batches of 64 of the same digits, one pass over them.

    State, after each change: ``activation_stats`` and ``gradient_stats`` (per layer: ``std`` and
    ``quantiles``, the 5, 25, 50, 75 and 95 % quantiles, of at most 16,384 of the values evenly
    strided; for gradients those of |g|),
    ``dead_fraction`` (per layer), ``initial_loss``, ``losses`` (each step's mini-batch loss),
    ``final_loss`` (on the whole batch after the steps) and ``model``. ``set(depth=..., width=...,
    activation=..., init=..., batch_norm=...)`` changes several controls at once and updates once.
    """

    def __init__(self, depth=10, width=256, activation="tanh", init="xavier", batch_norm=False, batch_size=256, seed=0):
        self._check(depth, width, activation, init, batch_norm)
        self.seed, self.batch_size = seed, batch_size
        self.inputs, self.labels = _digits_batch(batch_size)
        self._quiet = False
        style = {"description_width": "80px"}
        self.depth_slider = ipywidgets.IntSlider(value=depth, min=1, max=MAX_DEPTH, description="depth", style=style,
                                                 continuous_update=False)
        self.width_slider = ipywidgets.SelectionSlider(options=WIDTHS, value=width, description="width", style=style,
                                                       continuous_update=False)
        self.activation_buttons = ipywidgets.ToggleButtons(options=ACTIVATIONS, value=activation,
                                                           description="activation", style=style)
        self.init_buttons = ipywidgets.ToggleButtons(options=list(INITS), value=init, description="init",
                                                     tooltips=list(INITS.values()), style=style)
        self.batch_norm_box = ipywidgets.Checkbox(value=batch_norm, description="BatchNorm after each Linear")
        for control in (self.depth_slider, self.width_slider, self.activation_buttons, self.init_buttons,
                        self.batch_norm_box):
            control.observe(self._on_control, names="value")
        self.view = ipywidgets.HTML(layout=ipywidgets.Layout(width=f"{_WIDTH}px"))
        super().__init__([
            ipywidgets.HBox([self.depth_slider, self.width_slider]),
            self.activation_buttons,
            self.init_buttons,
            self.batch_norm_box,
            self.view,
        ], layout=ipywidgets.Layout(max_width="720px"))
        self._update()

    @staticmethod
    def _check(depth, width, activation, scheme, batch_norm):
        if not (isinstance(depth, (int, np.integer)) and not isinstance(depth, bool) and 1 <= depth <= MAX_DEPTH):
            raise ValueError(f"DepthExplorer: depth must be an int from 1 to {MAX_DEPTH}, got {depth!r}")
        if width not in WIDTHS:
            raise ValueError(f"DepthExplorer: width must be one of {WIDTHS}, got {width!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"DepthExplorer: unknown activation {activation!r}; choose one of {ACTIVATIONS}")
        if scheme not in INITS:
            raise ValueError(f"DepthExplorer: unknown init {scheme!r}; choose one of {tuple(INITS)}")
        if not isinstance(batch_norm, bool):
            raise ValueError(f"DepthExplorer: batch_norm must be True or False, got {batch_norm!r}")

    # ------------------------------------------------------------------ state

    @property
    def depth(self):
        return self.depth_slider.value

    @property
    def width(self):
        return self.width_slider.value

    @property
    def activation(self):
        return self.activation_buttons.value

    @property
    def init(self):
        return self.init_buttons.value

    @property
    def batch_norm(self):
        return self.batch_norm_box.value

    def __repr__(self):
        return (f"DepthExplorer(depth={self.depth}, width={self.width}, activation={self.activation!r}, "
                f"init={self.init!r}, batch_norm={self.batch_norm}, loss {self.initial_loss:.3g} -> "
                f"{self.final_loss:.3g} after {STEPS} steps)")

    def set(self, **settings):
        """Change several controls at once (depth, width, activation, init, batch_norm); update once."""
        controls = {"depth": self.depth_slider, "width": self.width_slider, "activation": self.activation_buttons,
                    "init": self.init_buttons, "batch_norm": self.batch_norm_box}
        unknown = [name for name in settings if name not in controls]
        if unknown:
            raise ValueError(f"DepthExplorer.set: unknown setting {', '.join(unknown)}; the settings are "
                             f"{', '.join(controls)}")
        values = {name: settings.get(name, getattr(self, name)) for name in controls}
        self._check(values["depth"], values["width"], values["activation"], values["init"], values["batch_norm"])
        self._quiet = True
        try:
            for name, value in settings.items():
                controls[name].value = value
        finally:
            self._quiet = False
        self._update()

    def _on_control(self, change):
        if not self._quiet:
            self._update()

    # ------------------------------------------------------------------ computing

    def _update(self):
        # A network made to explode overflows; what it shows is the point.
        with _BLAS.limit(limits=1, user_api="blas"), np.errstate(all="ignore"):
            self._measure()
            self._train()
        self.view.value = self._draw()

    def _measure(self):
        self.model = build_mlp(self.depth, self.width, self.activation, self.init, self.batch_norm, self.seed)
        self.model.train()
        weights = [layer.weight for layer in self.model if isinstance(layer, nn.Linear)]
        # Only the gradients reaching the activations are shown: with the weights out of the graph
        # (the biases keep it going) the backward pass skips one matmul per layer.
        for w in weights:
            w.requires_grad_(False)
        hidden, h = [], self.inputs
        for layer in self.model:
            h = layer(h)
            if isinstance(layer, (nn.Tanh, nn.ReLU)):
                hidden.append(h)
        loss = F.cross_entropy(h, self.labels)
        loss.backward()
        for w in weights:
            w.requires_grad_(True)
        self.initial_loss = loss.item()
        self.activation_stats, self.gradient_stats, self.dead_fraction = [], [], []
        for h in hidden:
            values = h.numpy()
            grads = np.abs(np.asarray(h.grad))
            self.activation_stats.append(_statistics(values))
            self.gradient_stats.append(_statistics(grads))
            if self.activation == "relu":
                self.dead_fraction.append(float(np.mean(np.all(values == 0, axis=0))))
            else:
                self.dead_fraction.append(float(np.mean(np.abs(values) > SATURATED)))

    def _train(self):
        optimizer = optim.SGD(self.model.parameters(), lr=LR, momentum=MOMENTUM)
        self.losses = []
        for step in range(STEPS):
            start = (step * STEP_BATCH) % self.batch_size
            rows = slice(start, start + STEP_BATCH)
            loss = F.cross_entropy(self.model(self.inputs[rows]), self.labels[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            self.losses.append(loss.item())
        with minigrad.no_grad():
            self.final_loss = F.cross_entropy(self.model(self.inputs), self.labels).item()

    # ------------------------------------------------------------------ drawing

    def _columns(self):
        inner = _WIDTH - _LEFT - _RIGHT
        step = inner / self.depth
        return [_LEFT + (i + 0.5) * step for i in range(self.depth)], min(step * 0.6, 40)

    def _label_every(self):
        return 1 if self.depth <= 10 else 2 if self.depth <= 20 else 4

    def _bands(self, d, top, stats, to_y, colour, css):
        xs, half = self._columns()
        half /= 2
        for i, (x, stat) in enumerate(zip(xs, stats)):
            q5, q25, q50, q75, q95 = (to_y(q) for q in stat["quantiles"])
            d.rect(x - half, min(q5, q95), 2 * half, abs(q95 - q5), fill=colour, fill_opacity=0.25,
                   class_=css, data_layer=i + 1)
            d.rect(x - half, min(q25, q75), 2 * half, abs(q75 - q25), fill=colour, fill_opacity=0.6)
            d.line(x - half, q50, x + half, q50, stroke=svg.INK, stroke_width=2)
        for i, x in enumerate(xs):
            if i % self._label_every() == 0:
                d.text(x, top + _PANEL + 16, str(i + 1), text_anchor="middle", fill=svg.INK)

    def _draw_activations(self, d, top):
        stats = self.activation_stats
        if self.activation == "tanh":
            low, high = -1.0, 1.0
        else:
            high = max([s["quantiles"][-1] for s in stats] + [1e-12])
            low = 0.0
        finite_high = high if math.isfinite(high) else 1.0
        to_y = svg.Scale((low, finite_high), (top + _PANEL, top))
        d.text(_LEFT, top - 8, "activations h of each hidden layer (its output after " + self.activation + ")",
               size=13, fill=svg.INK, font_weight="bold")
        d.rect(_LEFT, top, _WIDTH - _LEFT - _RIGHT, _PANEL, fill="none", stroke=svg.MUTED)
        for value in (low, (low + finite_high) / 2, finite_high):
            d.text(_LEFT - 6, to_y(value) + 4, f"{value:.2g}", text_anchor="end", fill=svg.INK)
        if low < 0:
            d.line(_LEFT, to_y(0), _WIDTH - _RIGHT, to_y(0), stroke=svg.MUTED, stroke_dasharray="2,3")
        self._bands(d, top, stats, lambda q: to_y(min(q, finite_high)), ACTIVATION_COLOUR, "activation-band")
        xs, _ = self._columns()
        for i, (x, stat) in enumerate(zip(xs, stats)):
            if i % self._label_every() == 0:
                d.text(x, top + _PANEL + 32, f"{stat['std']:.2g}", text_anchor="middle", fill=ACTIVATION_COLOUR,
                       class_="activation-std")
        d.text(4, top + _PANEL + 16, "layer", fill=svg.INK)
        d.text(4, top + _PANEL + 32, "std", fill=ACTIVATION_COLOUR)

    def _draw_gradients(self, d, top):
        stats = self.gradient_stats
        tiny = 1e-30
        logs = [math.log10(max(q, tiny)) for s in stats for q in s["quantiles"] if math.isfinite(q)] or [0.0]
        low, high = math.floor(min(logs)), math.ceil(max(logs))
        if high - low < 2:
            low, high = low - 1, high + 1
        to_y = svg.Scale((low, high), (top + _PANEL, top))
        d.text(_LEFT, top - 8, "|gradient of the loss| with respect to each layer's h (log scale)", size=13,
               fill=svg.INK, font_weight="bold")
        d.rect(_LEFT, top, _WIDTH - _LEFT - _RIGHT, _PANEL, fill="none", stroke=svg.MUTED)
        every = max(1, (high - low + 4) // 5)
        for power in range(low, high + 1, every):
            d.text(_LEFT - 6, to_y(power) + 4, f"1e{power}", text_anchor="end", fill=svg.INK)
            d.line(_LEFT, to_y(power), _WIDTH - _RIGHT, to_y(power), stroke="#dddddd")

        def y_of(q):
            return to_y(min(max(math.log10(max(q, tiny)), low), high)) if math.isfinite(q) else to_y(high)

        self._bands(d, top, stats, y_of, GRADIENT_COLOUR, "gradient-band")
        d.text(4, top + _PANEL + 16, "layer", fill=svg.INK)

    def _draw_dead(self, d, top, left, right):
        what = f"dead units (0 on all {self.batch_size})" if self.activation == "relu" else f"saturated (|h| > {SATURATED})"
        d.text(left, top - 8, "fraction " + what, size=13, fill=svg.INK, font_weight="bold")
        d.rect(left, top, right - left, _SMALL, fill="none", stroke=svg.MUTED)
        to_y = svg.Scale((0, 1), (top + _SMALL, top))
        for value in (0, 0.5, 1):
            d.text(left - 6, to_y(value) + 4, f"{value:g}", text_anchor="end", fill=svg.INK)
        step = (right - left) / self.depth
        for i, fraction in enumerate(self.dead_fraction):
            d.rect(left + i * step + step * 0.15, to_y(fraction), step * 0.7, to_y(0) - to_y(fraction),
                   fill=DEAD_COLOUR, class_="dead-bar", data_layer=i + 1, data_fraction=f"{fraction:.4f}")
        d.text(left, top + _SMALL + 16, f"layers 1 to {self.depth}", fill=svg.INK)

    def _draw_loss(self, d, top, left, right):
        chance = math.log(10)
        d.text(left, top - 8, f"cross-entropy over {STEPS} SGD steps", size=13, fill=svg.INK, font_weight="bold")
        d.rect(left, top, right - left, _SMALL, fill="none", stroke=svg.MUTED)
        points = [self.initial_loss, *self.losses, self.final_loss]
        finite = [p for p in points if math.isfinite(p)]
        high = max(finite + [chance]) * 1.1
        capped = min(high, 4 * chance)
        to_y = svg.Scale((0, capped), (top + _SMALL, top))
        to_x = svg.Scale((0, STEPS), (left, right))
        for value in (0, capped / 2, capped):
            d.text(left - 6, to_y(value) + 4, f"{value:.2g}", text_anchor="end", fill=svg.INK)
        d.line(left, to_y(chance), right, to_y(chance), stroke=svg.MUTED, stroke_dasharray="4,3")
        ys = [to_y(min(p, capped)) if math.isfinite(p) else to_y(capped) for p in self.losses]
        # losses[s] is measured on step s's mini-batch before its update, at the weights after s steps.
        d.polyline([to_x(s) for s in range(STEPS)], ys, stroke=LOSS_COLOUR, stroke_width=2, class_="loss-line")
        for step, value in ((0, self.initial_loss), (STEPS, self.final_loss)):
            d.circle(to_x(step), to_y(min(value, capped)) if math.isfinite(value) else to_y(capped), 4,
                     fill=LOSS_COLOUR, class_="loss-whole-batch")
        for step in range(STEPS + 1):
            d.text(to_x(step), top + _SMALL + 16, str(step), text_anchor="middle", fill=svg.INK, class_="step-tick")
        d.text(left - 6, top + _SMALL + 16, "step", text_anchor="end", fill=svg.INK)
        d.text(left, top + _SMALL + 34, f"start {self.initial_loss:.3g} (ln 10 = {chance:.2f})", fill=LOSS_COLOUR,
               class_="loss-text")
        d.text(left, top + _SMALL + 50, f"after {STEPS} steps {self.final_loss:.3g}", fill=LOSS_COLOUR, class_="loss-text")

    def _draw_legend(self, d, top):
        """Every colour, shade and line of the panels above; returns the height it takes."""
        what = "dead units" if self.activation == "relu" else "saturated units"
        entries = [
            ("swatch", "activations h", {"fill": ACTIVATION_COLOUR, "fill_opacity": 0.6}),
            ("swatch", "|gradient|", {"fill": GRADIENT_COLOUR, "fill_opacity": 0.6}),
            ("swatch", "5-95 % of the values", {"fill": svg.MUTED, "fill_opacity": 0.25}),
            ("swatch", "25-75 %", {"fill": svg.MUTED, "fill_opacity": 0.6}),
            ("line", "median", {"stroke": svg.INK}),
            ("swatch", f"fraction of {what}", {"fill": DEAD_COLOUR}),
            ("line", f"loss, each mini-batch of {STEP_BATCH}", {"stroke": LOSS_COLOUR}),
            ("circle", "loss on the whole batch", {"r": 4, "fill": LOSS_COLOUR}),
            ("line", "ln 10: knowing nothing", {"stroke": svg.MUTED, "stroke_dasharray": "4,3"}),
        ]
        height = d.legend(4, top, entries, width=_WIDTH - 8)
        d.text(4, top + height + 14, f"init {self.init}: {INITS[self.init]}", fill=svg.INK, class_="init-text")
        return height + 20

    def _draw(self):
        top = 28
        gradients_top = top + _PANEL + 70
        small_top = gradients_top + _PANEL + 56
        legend_top = small_top + _SMALL + 64
        d = svg.Drawing(_WIDTH, legend_top + 3 * 18 + 28)
        self._draw_activations(d, top)
        self._draw_gradients(d, gradients_top)
        middle = _WIDTH / 2
        self._draw_dead(d, small_top, _LEFT, middle - 20)
        self._draw_loss(d, small_top, middle + 40, _WIDTH - _RIGHT)
        self._draw_legend(d, legend_top)
        return d.to_svg()
