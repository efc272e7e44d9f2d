"""TrainingPlayground: what TensorFlow Playground gives, in a notebook, trained by minigrad.

Pick a two-class toy dataset, a network (hidden layers, their width, the activation) and the training
settings (learning rate, batch size, L2), then play, pause or step. Each training step is minigrad's
own: a forward pass on a batch, ``binary_cross_entropy_with_logits``, ``backward()`` and an SGD step,
in tensor mode (an ``nn.Sequential`` of ``nn.Linear`` on Tensors) or in scalar mode (the scalar
``MLP``, one ``Value`` per number). Both modes start from the same weights for the same seed and see
the same batches, so switching mode retraces the same curve, only slower.

After each step (while playing: after each tick's steps) the widget redraws three SVG pictures, each
with its legend: the decision boundary (the model's output on a grid, with the train and test
points), the train and test loss curves, and the network with each edge as thick as its weight is
large.

    from widgets.playground import TrainingPlayground
    playground = TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16)
    playground                      # press play; or from code:
    playground.step(100)
    playground.history[-1]          # {'step': 100, 'train_loss': ..., 'test_accuracy': ...}
"""

import collections
import functools
import math
import time

import ipywidgets as widgets
import numpy as np

from minigrad import Tensor, float64, nn, no_grad
from minigrad import data as toy
from minigrad.data import DataLoader, TensorDataset
from minigrad.nn import functional as F
from minigrad.nn import scalar
from minigrad.optim import SGD
from widgets.base import ExactSlider, Explorer, RateSlider
from widgets.svg import HIGHLIGHT, INK, MUTED, Drawing, Scale, diverging, diverging_array, diverging_rgb

DATASETS = ("circle", "xor", "gaussians", "spiral", "moons")
ACTIVATIONS = ("tanh", "relu", "sigmoid")
MODES = ("tensor", "scalar")
# Play asks for a tick every PLAY_INTERVAL_MS, more often than a tick takes: ipywidgets holds Play's
# next value back until the kernel has answered the last one, so ticks never queue up and the kernel
# trains tick after tick. Each tick trains and redraws within a budget: REDRAW_PERIOD_MS (15 redraws a
# second) less the round trip from the kernel to the page and back, but at least MIN_TICK_BUDGET_MS.
PLAY_INTERVAL_MS = 20
REDRAW_PERIOD_MS = 66
MIN_TICK_BUDGET_MS = 40
MAX_STEPS_PER_TICK = 500
# Weights of the latest timing in the running estimates. A time measured on a busy machine is too long
# now and then (the kernel waited for a core), never too short: estimates fall fast and rise slowly.
FALLING_WEIGHT, RISING_WEIGHT = 0.5, 0.1
SPEED_WINDOW_S = 1.0  # steps/s and redraws/s are measured over the ticks of the last second

# L2 rates to choose from, as TensorFlow Playground offers them: a log scale, and 0 for none.
L2_RATES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
_ACTIVATION_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

# Class 0 is drawn blue, class 1 red: the colours of negative and positive outputs on the heatmap.
CLASS_COLORS = (diverging(-1, 1), diverging(1, 1))
BOUNDARY_SIZE = 300
BOUNDARY_LEGEND_HEIGHT = 92
NETWORK_WIDTH, NETWORK_HEIGHT = 360, 300
NETWORK_LEGEND_HEIGHT = 78
# Edges and neurons share one colour scale: blue negative, red positive, full colour from |0.5| on.
NETWORK_COLOUR_SCALE = 0.5
LOSS_WIDTH, LOSS_HEIGHT = 300, 170
MAX_CURVE_POINTS = 300


def edge_width(weight):
    """How thick an edge is drawn, in pixels, for a weight: 0.5 + 4 |w| / (1 + |w|), from 0.5 to 4.5."""
    size = np.abs(weight)
    return 0.5 + 4 * size / (1 + size)


def probability_colours(p):
    """The heatmap's colour for a predicted probability p of class 1: blue below 1/2, red above, the
    deeper the surer; at most half-way to full colour, so that the points stay visible on it."""
    return diverging_rgb(2 * np.asarray(p, dtype=float) - 1, 2.0)


def output_colours(logits):
    """``probability_colours`` of sigmoid(logits), computed as tanh(z / 2) = 2 sigmoid(z) - 1, which
    does not overflow."""
    return diverging_rgb(np.tanh(np.asarray(logits, dtype=float) / 2), 2.0)


@functools.cache
def _boundary_legend():
    """What the boundary's colours and markers mean (the same for every playground): SVG markup for
    the BOUNDARY_LEGEND_HEIGHT under the map."""
    drawing, top = Drawing(BOUNDARY_SIZE, BOUNDARY_LEGEND_HEIGHT, background=None), BOUNDARY_SIZE + 8
    drawing.colour_bar(
        8,
        top,
        BOUNDARY_SIZE - 16,
        0.0,
        1.0,
        "output: probability of class 1",
        colours=probability_colours(np.linspace(0.0, 1.0, 128)),
        ticks=((0.5, "0.5"),),
    )
    light = {"stroke": "white", "stroke_width": 1, "r": 4}
    drawing.legend(
        0,
        top + 48,
        [
            ("circle", "class 0", {"fill": CLASS_COLORS[0], **light}),
            ("circle", "class 1", {"fill": CLASS_COLORS[1], **light}),
            ("circle", "filled: train", {"fill": INK, **light}),
            ("circle", "rings: test", {"fill": "white", "stroke": INK, "stroke_width": 2, "r": 3}),
        ],
        width=BOUNDARY_SIZE,
    )
    return "".join(drawing.parts)


@functools.cache
def _network_legend():
    """What the network's colours and thicknesses mean: SVG markup for the NETWORK_LEGEND_HEIGHT
    under the network."""
    drawing, top = Drawing(NETWORK_WIDTH, NETWORK_LEGEND_HEIGHT, background=None), NETWORK_HEIGHT + 4
    scale = NETWORK_COLOUR_SCALE
    drawing.colour_bar(
        12,
        top,
        NETWORK_WIDTH - 24,
        -scale,
        scale,
        "colour: weight (edges), bias (neurons)",
        ends=(f"≤ {-scale:g}", f"≥ {scale:g}"),
        ticks=((0.5, "0"),),
    )
    drawing.text(12, top + 62, "width: |weight|", fill=INK)
    drawing.legend(
        130,
        top + 48,
        [("line", f"{w:g}", {"stroke": MUTED, "stroke_width": f"{edge_width(w):.2f}"}) for w in (0.1, 1, 10)],
        width=NETWORK_WIDTH - 130,
    )
    return "".join(drawing.parts)


def make_dataset(name, n_samples=200, noise=0.1, seed=0):
    """One of the playground's datasets as NumPy arrays: X (n, 2) float64 and y (n,) float64 in {0, 1}.

    ``noise`` is the standard deviation of the Gaussian noise added to each point; for "gaussians",
    whose blobs are Gaussian already, it widens them instead (std = 0.5 + 2 * noise).
    """
    if name == "circle":
        X, y = toy.make_circles(n_samples, noise=noise, seed=seed)
    elif name == "xor":
        X, y = toy.make_xor(n_samples, noise=noise, seed=seed)
    elif name == "gaussians":
        X, y = toy.make_gaussians(n_samples, centers=2, std=0.5 + 2 * noise, seed=seed)
    elif name == "spiral":
        X, y = toy.make_spiral(n_samples, classes=2, noise=noise, seed=seed)
    elif name == "moons":
        X, y = toy.make_moons(n_samples, noise=noise, seed=seed)
    else:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(map(repr, DATASETS))}")
    return X.numpy().astype(np.float64), y.numpy().astype(np.float64)


def tensor_mlp(sizes, activation="tanh", seed=0):
    """The tensor-mode twin of ``scalar.MLP(sizes[0], sizes[1:], activation, seed=seed)``.

    One generator, seeded once, is handed to each ``nn.Linear`` in turn, so the weights are drawn in
    the scalar MLP's order (weights then biases, layer by layer) and come out the same. float64, so
    that the two modes also compute the same numbers as they train.
    """
    rng = np.random.default_rng(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=float64, generator=rng))
        if i < len(sizes) - 2:
            layers.append(_ACTIVATION_MODULES[activation]())
    return nn.Sequential(*layers)


def _square_domain(X, margin=0.1):
    """The smallest square around the points, widened by ``margin`` on each side: ((x0, x1), (y0, y1))."""
    low, high = X.min(axis=0), X.max(axis=0)
    centre, half = (low + high) / 2, max(float((high - low).max()) / 2, 0.5) * (1 + margin)
    return (centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half)


def _pixels(x):
    """A coordinate to one decimal, without a trailing ".0": short text for the many edges."""
    return f"{x:.1f}".removesuffix(".0")


def _smoothed(estimate, latest):
    """A running estimate of a time taking in its latest measurement (None: nothing measured)."""
    if latest is None or estimate is None:
        return estimate if latest is None else latest
    weight = FALLING_WEIGHT if latest < estimate else RISING_WEIGHT
    return (1 - weight) * estimate + weight * latest


def _thinned(count, limit):
    """At most ``limit`` indices spread over range(count), always keeping the first and the last."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(int))


class TrainingPlayground(Explorer):
    """Train a small classifier on a 2-D toy dataset and watch it learn.

    State, readable from Python: ``model``, ``optimizer``, ``history`` (one dict per step, step 0
    being the untrained model: step, train_loss, test_loss, train_accuracy, test_accuracy),
    ``step_count``, ``last_batch`` (the (X, y) arrays of the latest step), the data (``X_train``,
    ``y_train``, ``X_test``, ``y_test``), ``ms_per_step`` (a training step and a redraw, lately, in
    milliseconds), ``steps_per_tick`` (how many steps the next Play tick runs before it redraws),
    ``steps_per_second`` and ``redraws_per_second`` (what playing reached over the last second, or
    None before two ticks).

    Playing runs as many steps per tick as fit in ``tick_budget_ms`` with the redraw (by running
    estimates of a step's and a redraw's time): 66 ms a tick, round trip to the page included, so that
    the pictures change about 15 times a second however fast a single step is.
    Methods: ``step(n=1)``, ``reset()``, ``play()``, ``pause()``, ``layer_weights()``.

    Changing the dataset, noise, split, network, activation, mode or seed resets the training;
    changing the learning rate, L2 rate or batch size takes effect at the next step.
    """

    def __init__(
        self,
        dataset="circle",
        mode="tensor",
        hidden_layers=2,
        neurons=8,
        activation="tanh",
        lr=0.3,
        batch_size=10,
        l2=0.0,
        noise=0.1,
        train_percent=50,
        n_samples=200,
        seed=0,
        grid_size=30,
    ):
        super().__init__()
        if dataset not in DATASETS:
            raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(map(repr, DATASETS))}")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose 'tensor' or 'scalar'")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(map(repr, ACTIVATIONS))}")
        if l2 not in L2_RATES:
            raise ValueError(f"l2 must be one of {L2_RATES}, got {l2!r}")
        self.n_samples, self.grid_size = n_samples, grid_size
        self._quiet = False
        # The page's round trip between ticks, measured while playing: it does not change with a reset.
        self._round_trip_ms, self._tick_end = None, None

        wide, label = widgets.Layout(width="290px"), {"description_width": "90px"}

        def slider(kind, description, value, **options):
            return kind(value=value, description=description, layout=wide, style=label, **options)

        # Data
        # Buttons as wide as their names, wrapping onto a second row rather than cutting a name short.
        wrap = {"flex_flow": "row wrap"}
        self.dataset_picker = widgets.ToggleButtons(
            options=DATASETS, value=dataset, style={"button_width": "auto"}, layout=widgets.Layout(width="290px", **wrap)
        )
        self.noise_slider = slider(
            ExactSlider, "noise", noise, min=0.0, max=0.5, step=0.05, continuous_update=False
        )
        self.split_slider = slider(
            widgets.IntSlider, "train %", train_percent, min=10, max=90, step=10, continuous_update=False
        )
        self.batch_slider = slider(widgets.IntSlider, "batch size", batch_size, min=1, max=100)
        self.seed_box = widgets.BoundedIntText(
            value=seed, min=0, max=2**31 - 1, description="seed", layout=widgets.Layout(width="200px"), style=label
        )
        # Network
        self.layers_slider = slider(
            widgets.IntSlider, "hidden layers", hidden_layers, min=0, max=4, continuous_update=False
        )
        self.neurons_slider = slider(widgets.IntSlider, "neurons", neurons, min=1, max=32, continuous_update=False)
        self.activation_picker = widgets.ToggleButtons(
            options=ACTIVATIONS,
            value=activation,
            description="activation",
            style={**label, "button_width": "auto"},
            layout=widgets.Layout(**wrap),
        )
        # Training
        self.lr_slider = RateSlider(lr, 1e-4, 10.0, description="learning rate", layout=wide, style=label)
        self.l2_slider = slider(widgets.SelectionSlider, "L2", l2, options=[(f"{r:g}", r) for r in L2_RATES])
        self.mode_picker = widgets.ToggleButtons(
            options=MODES, value=mode, style={"button_width": "auto"}, tooltips=[f"{m} mode" for m in MODES]
        )
        # The Play widget ticks in the page; its own buttons carry icons but no names, so it stays out of
        # sight and a named button starts and stops it.
        self.player = widgets.Play(
            value=0,
            min=0,
            max=10**9,
            interval=PLAY_INTERVAL_MS,
            show_repeat=False,
            layout=widgets.Layout(display="none"),
        )
        self.play_button = widgets.ToggleButton(
            description="play", icon="play", tooltip="train continuously", layout=widgets.Layout(width="90px")
        )
        widgets.link((self.play_button, "value"), (self.player, "playing"))
        self.play_button.observe(self._on_play_button, "value")
        self.step_button = widgets.Button(
            description="step", icon="step-forward", tooltip="one training step", layout=widgets.Layout(width="80px")
        )
        self.reset_button = widgets.Button(
            description="reset", icon="undo", tooltip="a new network, back to step 0", layout=widgets.Layout(width="80px")
        )
        self.status = widgets.HTML()
        # Pictures
        self.boundary_view = widgets.HTML()
        self.network_view = widgets.HTML()
        self.loss_view = widgets.HTML()

        # Columns keep their width and wrap under each other in a narrow page, rather than overlap.
        column = widgets.Layout(flex="0 0 auto", margin="0 12px 0 0")
        self.children = [
            widgets.HBox(
                [self.player, self.play_button, self.step_button, self.reset_button, self.mode_picker],
                layout=widgets.Layout(**wrap),
            ),
            self.status,
            widgets.HBox(
                [
                    widgets.VBox(
                        [
                            widgets.HTML("<b>data</b>"),
                            self.dataset_picker,
                            self.noise_slider,
                            self.split_slider,
                            self.batch_slider,
                            self.seed_box,
                            widgets.HTML("<b>training</b>"),
                            self.lr_slider,
                            self.l2_slider,
                        ],
                        layout=column,
                    ),
                    widgets.VBox(
                        [
                            widgets.HTML("<b>network</b>"),
                            self.layers_slider,
                            self.neurons_slider,
                            self.activation_picker,
                            self.network_view,
                        ],
                        layout=column,
                    ),
                    widgets.VBox([widgets.HTML("<b>output</b>"), self.boundary_view, self.loss_view], layout=column),
                ],
                layout=widgets.Layout(**wrap),
            ),
        ]

        self.reset()
        for control in (
            self.dataset_picker,
            self.noise_slider,
            self.split_slider,
            self.seed_box,
            self.layers_slider,
            self.neurons_slider,
            self.activation_picker,
            self.mode_picker,
        ):
            control.observe(lambda change: self.reset(), "value")
        self.lr_slider.observe(self._on_lr, "value")
        self.l2_slider.observe(self._on_l2, "value")
        self.batch_slider.observe(self._on_batch_size, "value")
        self.player.observe(self._on_tick, "value")
        self.step_button.on_click(lambda button: self.step())
        self.reset_button.on_click(lambda button: self.reset())

    # ------------------------------------------------------------------ state

    @property
    def dataset(self):
        return self.dataset_picker.value

    @property
    def mode(self):
        return self.mode_picker.value

    @property
    def activation(self):
        return self.activation_picker.value

    @property
    def layers(self):
        """The layer sizes, inputs to output: e.g. [2, 16, 16, 1]."""
        return [2, *[self.neurons_slider.value] * self.layers_slider.value, 1]

    @property
    def seed(self):
        return self.seed_box.value

    @property
    def batch_size(self):
        return min(self.batch_slider.value, len(self.X_train))

    def __repr__(self):
        return (
            f"TrainingPlayground(dataset={self.dataset!r}, mode={self.mode!r}, layers={self.layers}, "
            f"step {self.step_count})"
        )

    # ------------------------------------------------------------------ public methods

    def reset(self):
        """New data, a freshly seeded model and optimizer, an empty history (but for step 0)."""
        X, y = make_dataset(self.dataset, self.n_samples, self.noise_slider.value, self.seed)
        n_train = max(1, min(len(X) - 1, round(len(X) * self.split_slider.value / 100)))
        self.X_train, self.y_train, self.X_test, self.y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
        self.domain = _square_domain(X)
        # Cell centres of the heatmap, row 0 at the top (largest y), as Drawing.grid lays them out.
        (x0, x1), (y0, y1) = self.domain
        g = self.grid_size
        xs = x0 + (np.arange(g) + 0.5) * (x1 - x0) / g
        ys = y1 - (np.arange(g) + 0.5) * (y1 - y0) / g
        self._grid_points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        self._all_points = np.concatenate([self.X_train, self.X_test, self._grid_points])

        sizes = self.layers
        if self.mode == "tensor":
            self.model = tensor_mlp(sizes, self.activation, self.seed)
            self._all_inputs = Tensor(self._all_points, dtype=float64)
        else:
            self.model = scalar.MLP(sizes[0], sizes[1:], self.activation, seed=self.seed)
            self._all_inputs = self._all_points.tolist()
        self.optimizer = SGD(self.model.parameters(), lr=self.lr_slider.value, weight_decay=self.l2_slider.value)
        self._dataset = TensorDataset(Tensor(self.X_train, dtype=float64), Tensor(self.y_train, dtype=float64))
        # The batches' shuffling has its own generator, reseeded here: both modes see the same batches.
        self._batch_rng = np.random.default_rng(self.seed)
        self._batches = None
        self.last_batch = None
        self.history, self.step_count, self.ms_per_step = [], 0, None
        # Timings of this network in this mode: a new one is timed afresh, its first tick one step.
        self._train_ms, self._draw_ms, self.steps_per_tick = None, None, 1
        self._ticks = collections.deque()  # (time, step_count) at the start of each recent tick
        self.steps_per_second = self.redraws_per_second = None
        self._diverged = False
        self._lay_out_drawings()
        self._record()
        self._draw()
        self._draw_status()
        self._quiet = True
        try:
            self.player.value = 0
        finally:
            self._quiet = False

    def step(self, n=1):
        """Run ``n`` training steps (one batch each), recording each in ``history``, then redraw."""
        start, done = time.perf_counter(), 0
        for _ in range(n):
            if self._diverged:
                self.pause()
                break
            self._train_step()
            self.step_count += 1
            self._record()
            done += 1
        trained = time.perf_counter()
        self._draw()
        drawn = time.perf_counter()
        train_ms = (trained - start) / done * 1000 if done else None
        draw_ms = (drawn - trained) * 1000
        self.ms_per_step = (train_ms or 0.0) + draw_ms
        self.pace(train_ms, draw_ms)
        self._draw_status()

    @property
    def tick_budget_ms(self):
        """How long a Play tick may train and redraw: REDRAW_PERIOD_MS less the round trip between
        ticks (as measured lately), at least MIN_TICK_BUDGET_MS."""
        return max(MIN_TICK_BUDGET_MS, REDRAW_PERIOD_MS - (self._round_trip_ms or 0.0))

    def pace(self, train_ms=None, draw_ms=None, round_trip_ms=None):
        """Take in what was timed, in ms (None: not timed): a training step, a redraw, the round trip
        from the end of one tick to the start of the next. Sets ``steps_per_tick`` to as many steps
        as fit in ``tick_budget_ms`` with the redraw, by running estimates of each time, at least 1
        and at most MAX_STEPS_PER_TICK."""
        self._train_ms = _smoothed(self._train_ms, train_ms)
        self._draw_ms = _smoothed(self._draw_ms, draw_ms)
        self._round_trip_ms = _smoothed(self._round_trip_ms, round_trip_ms)
        if self._train_ms is not None:
            fit = (self.tick_budget_ms - (self._draw_ms or 0.0)) / max(self._train_ms, 1e-3)
            self.steps_per_tick = max(1, min(MAX_STEPS_PER_TICK, int(fit)))

    def play(self):
        """Start training: the Play widget then runs ``steps_per_tick`` steps per tick."""
        self.player.playing = True

    def pause(self):
        self.player.playing = False

    def layer_weights(self):
        """Each layer's (weight, bias) as NumPy arrays, weight of shape (out, in), in either mode."""
        if self.mode == "tensor":
            return [(m.weight.data, m.bias.data) for m in self.model if isinstance(m, nn.Linear)]
        return [
            (
                np.array([[w.data for w in neuron.w] for neuron in layer.neurons]),
                np.array([neuron.b.data for neuron in layer.neurons]),
            )
            for layer in self.model.layers
        ]

    # ------------------------------------------------------------------ training

    def _next_batch(self):
        """The next batch of a DataLoader over the training set, reshuffled at each epoch."""
        while True:
            if self._batches is None:
                loader = DataLoader(
                    self._dataset, self.batch_size, shuffle=True, drop_last=True, generator=self._batch_rng
                )
                self._batches = iter(loader)
            batch = next(self._batches, None)
            if batch is not None:
                return batch
            self._batches = None

    def _train_step(self):
        X, y = self._next_batch()
        self.last_batch = (X.numpy().copy(), y.numpy().copy())
        self.optimizer.zero_grad()
        with np.errstate(over="ignore", invalid="ignore"):
            if self.mode == "tensor":
                logits = self.model(X).reshape(-1)
                loss = F.binary_cross_entropy_with_logits(logits, y)
            else:
                logits = [self.model(row) for row in X.numpy().tolist()]
                loss = scalar.binary_cross_entropy_with_logits(logits, y.numpy().tolist())
            loss.backward()
            self.optimizer.step()

    def _logits(self, start, stop):
        """The model's output (a logit) on points start:stop of the train, test and grid points."""
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            if self.mode == "tensor":
                return self.model(self._all_inputs[start:stop]).numpy().reshape(-1)
            return np.array([self.model(row).data for row in self._all_inputs[start:stop]])

    def _record(self):
        """Append the model's loss and accuracy on the train and test sets to ``history``."""
        n_train, n_data = len(self.X_train), len(self.X_train) + len(self.X_test)
        logits = self._logits(0, n_data)
        entry = {"step": self.step_count}
        with np.errstate(over="ignore", invalid="ignore"):
            for name, z, y in (("train", logits[:n_train], self.y_train), ("test", logits[n_train:], self.y_test)):
                loss = F.binary_cross_entropy_with_logits(Tensor(z, dtype=float64), Tensor(y, dtype=float64))
                entry[f"{name}_loss"] = loss.item()
                entry[f"{name}_accuracy"] = float(np.mean((z > 0) == (y == 1)))
        self.history.append(entry)
        self._diverged = not math.isfinite(entry["train_loss"])

    # ------------------------------------------------------------------ controls

    def _on_lr(self, change):
        self.optimizer.lr = change.new

    def _on_l2(self, change):
        self.optimizer.weight_decay = change.new

    def _on_batch_size(self, change):
        self._batches = None  # the next step starts an epoch of batches of the new size

    def _on_play_button(self, change):
        self.play_button.description, self.play_button.icon = ("pause", "pause") if change.new else ("play", "play")

    def _on_tick(self, change):
        if self._quiet or change.new <= change.old:
            return
        now = time.perf_counter()
        if self._tick_end is not None and now - self._tick_end < SPEED_WINDOW_S:
            self.pace(round_trip_ms=(now - self._tick_end) * 1000)
        self._measure_speed(now)
        self.step(self.steps_per_tick)
        self._tick_end = time.perf_counter()

    def _measure_speed(self, now):
        """Steps and redraws per second over the ticks that started in the last SPEED_WINDOW_S, as a
        learner sees them: the time between ticks includes the page's round trip."""
        ticks = self._ticks
        if ticks and now - ticks[-1][0] > SPEED_WINDOW_S:
            ticks.clear()  # paused in between: a new run of ticks
        ticks.append((now, self.step_count))
        while len(ticks) > 2 and now - ticks[0][0] > SPEED_WINDOW_S:
            ticks.popleft()
        if len(ticks) >= 2:
            first_time, first_step = ticks[0]
            elapsed = now - first_time
            self.steps_per_second = (self.step_count - first_step) / elapsed
            self.redraws_per_second = (len(ticks) - 1) / elapsed

    # ------------------------------------------------------------------ drawing

    def _lay_out_drawings(self):
        """What stays put until the next reset, drawn once: the points on the boundary, where each
        neuron and edge of the network goes. A redraw then writes only what training changes."""
        size = BOUNDARY_SIZE
        points = Drawing(size, size, background=None)
        (x0, x1), (y0, y1) = self.domain
        sx, sy = Scale((x0, x1), (0, size)), Scale((y0, y1), (size, 0))
        # Train points filled, with a white edge; test points as rings in their class's colour. What the
        # points of a kind share is written once, on their group.
        for X, y, kind, shared, own in (
            (self.X_train, self.y_train, "train", 'stroke="white" stroke-width="1"', "fill"),
            (self.X_test, self.y_test, "test", 'fill="white" stroke-width="2"', "stroke"),
        ):
            points.raw(f'<g class="{kind}" {shared}>')
            radius = 3.5 if kind == "train" else 3
            for (px, py), label in zip(zip(sx(X[:, 0]), sy(X[:, 1])), y.astype(int)):
                points.circle(px, py, radius, **{own: CLASS_COLORS[label]})
            points.raw("</g>")
        self._points_markup = "".join(points.parts)

        width, height, sizes = NETWORK_WIDTH, NETWORK_HEIGHT, self.layers
        xs = np.linspace(24, width - 24, len(sizes))
        spacing = [min(36.0, (height - 40) / n) for n in sizes]
        ys = [height / 2 + 8 + (np.arange(n) - (n - 1) / 2) * s for n, s in zip(sizes, spacing)]
        self._neuron_radius = max(2.5, min(9.0, 0.35 * min(spacing)))
        self._neuron_positions = [(x, y) for x, column in zip(xs, ys) for y in column]
        # Edges layer by layer, each weight matrix (out, in) row by row: the order of W.ravel().
        self._edge_starts = [
            f'<line x1="{_pixels(xs[layer])}" y1="{_pixels(ys[layer][i])}" '
            f'x2="{_pixels(xs[layer + 1])}" y2="{_pixels(ys[layer + 1][j])}"'
            for layer in range(len(sizes) - 1)
            for j in range(sizes[layer + 1])
            for i in range(sizes[layer])
        ]
        titles = Drawing(width, height, background=None)
        for layer, (x, n) in enumerate(zip(xs, sizes)):
            title = f"in {n}" if layer == 0 else f"out {n}" if layer == len(sizes) - 1 else str(n)
            titles.text(x, 14, title, fill=INK, text_anchor="middle")
        self._network_titles = "".join(titles.parts)

    def _draw(self):
        n_data = len(self.X_train) + len(self.X_test)
        logits = self._logits(n_data, len(self._all_points)).reshape(self.grid_size, self.grid_size)
        # A diverged model's NaNs are drawn as 0 (no colour) rather than passed on to the colour scale.
        self._grid_logits = np.clip(np.nan_to_num(logits, nan=0.0), -1e6, 1e6)
        self.boundary_view.value = self.boundary_svg()
        self.network_view.value = self.network_svg()
        self.loss_view.value = self.loss_svg()

    def _draw_status(self):
        last = self.history[-1]
        text = (
            f"step {self.step_count} &middot; loss: train {last['train_loss']:.3f}, test {last['test_loss']:.3f}"
            f" &middot; accuracy: train {last['train_accuracy']:.0%}, test {last['test_accuracy']:.0%}"
        )
        if self.steps_per_second is not None and self.player.playing:
            text += f" &middot; {self.steps_per_second:.0f} steps/s, {self.redraws_per_second:.0f} redraws/s"
        elif self.ms_per_step is not None:
            text += f" &middot; {self.ms_per_step:.1f} ms per step and redraw"
        if self.mode == "scalar":
            text += (
                " &middot; <i>scalar mode: one Value per number, so each step and redraw is tens of times "
                "slower than in tensor mode</i>"
            )
        if self._diverged:
            text += " &middot; <b>the loss is no longer finite: lower the learning rate and reset</b>"
        self.status.value = text

    def boundary_svg(self):
        """The model's output on the grid as a heatmap (blue: class 0, red: class 1), and the points:
        train points filled, test points as rings; under it, a colour bar and a legend of the markers."""
        size = BOUNDARY_SIZE
        drawing = Drawing(size, size + BOUNDARY_LEGEND_HEIGHT)
        drawing.image_grid(output_colours(self._grid_logits), 0, 0, size, size, class_="heatmap")
        drawing.raw(self._points_markup)
        drawing.rect(0, 0, size, size, fill="none", stroke=MUTED)
        drawing.raw(_boundary_legend())
        return drawing.to_svg(fit=True)

    def loss_svg(self):
        """Train (solid, dark) and test (dashed, orange) loss against the step, the legend above the
        plot and the tick labels outside it."""
        width, height = LOSS_WIDTH, LOSS_HEIGHT
        left, right, plot_top, bottom = 56, LOSS_WIDTH - 12, 30, LOSS_HEIGHT - 36
        drawing = Drawing(width, height)
        keep = _thinned(len(self.history), MAX_CURVE_POINTS)
        steps = np.array([self.history[i]["step"] for i in keep], dtype=float)
        curves = {k: np.array([self.history[i][f"{k}_loss"] for i in keep]) for k in ("train", "test")}
        finite = np.concatenate(list(curves.values()))
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) if finite.size else 1.0
        sx = Scale((0, max(self.step_count, 1)), (left, right))
        sy = Scale((0, top * 1.05 or 1.0), (bottom, plot_top))
        drawing.line(left, bottom, right, bottom, stroke=MUTED)
        drawing.line(left, bottom, left, plot_top, stroke=MUTED)
        for value, label in ((0.0, "0"), (top, f"{top:.2g}")):
            drawing.line(left - 4, sy(value), left, sy(value), stroke=MUTED)
            drawing.text(left - 6, sy(value) + 4, label, fill=INK, text_anchor="end", class_="loss-tick")
        middle = (plot_top + bottom) / 2
        drawing.text(14, middle, "loss", fill=INK, text_anchor="middle", transform=f"rotate(-90 14 {middle:.0f})")
        step_ticks = ((0, "start"), (self.step_count, "end")) if self.step_count else ((0, "start"),)
        for value, anchor in step_ticks:
            drawing.line(sx(value), bottom, sx(value), bottom + 4, stroke=MUTED)
            drawing.text(sx(value), bottom + 17, str(value), fill=INK, text_anchor=anchor, class_="step-tick")
        drawing.text((left + right) / 2, bottom + 32, "training step", fill=INK, text_anchor="middle")
        last = self.history[-1]
        drawing.polyline(sx(steps), sy(curves["train"]), stroke=INK, stroke_width=1.5, class_="train-loss")
        drawing.polyline(
            sx(steps),
            sy(curves["test"]),
            stroke=HIGHLIGHT,
            stroke_width=1.5,
            stroke_dasharray="4 2",
            class_="test-loss",
        )
        test_line = {"stroke": HIGHLIGHT, "stroke_width": 1.5, "stroke_dasharray": "4 2"}
        drawing.legend(
            left - 10,
            4,
            [
                ("line", f"train {last['train_loss']:.3f}", {"stroke": INK, "stroke_width": 1.5}),
                ("line", f"test {last['test_loss']:.3f}", test_line),
            ],
            width=right - left + 10,
        )
        return drawing.to_svg(fit=True)

    def network_svg(self):
        """Neurons as circles in layers (inputs white, the others coloured by their bias), edges
        coloured by their weight's sign and as thick as it is large (``edge_width``); under it, a
        colour bar and a legend of the widths."""
        drawing = Drawing(NETWORK_WIDTH, NETWORK_HEIGHT + NETWORK_LEGEND_HEIGHT)
        # A diverged model's NaNs and infinities are drawn as 0 and as very large.
        weights = [tuple(np.clip(np.nan_to_num(a, nan=0.0), -1e6, 1e6) for a in pair) for pair in self.layer_weights()]
        flat = np.concatenate([W.ravel() for W, _ in weights])
        colours, widths = diverging_array(flat, NETWORK_COLOUR_SCALE), edge_width(flat)
        # The edges are most of what a redraw sends: one short line each, in one group.
        drawing.raw(
            '<g class="edges">'
            + "".join(
                f'{start} stroke="{colour}" stroke-width="{w:.1f}"/>'
                for start, colour, w in zip(self._edge_starts, colours, widths)
            )
            + "</g>"
        )
        biases = np.concatenate([b for _, b in weights])
        fills = ["white"] * self.layers[0] + list(diverging_array(biases, NETWORK_COLOUR_SCALE))
        for (x, y), fill in zip(self._neuron_positions, fills):
            drawing.circle(x, y, self._neuron_radius, fill=fill, stroke=INK, stroke_width=1, class_="neuron")
        drawing.raw(self._network_titles)
        drawing.raw(_network_legend())
        return drawing.to_svg(fit=True)
