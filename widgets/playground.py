"""TrainingPlayground: what TensorFlow Playground gives, in a notebook, trained by minigrad.

Pick a two-class toy dataset, a network (hidden layers, their width, the activation) and the training
settings (learning rate, batch size, L2), then play, pause or step. Each training step is minigrad's
own: a forward pass on a batch, ``binary_cross_entropy_with_logits``, ``backward()`` and an SGD step,
in tensor mode (an ``nn.Sequential`` of ``nn.Linear`` on Tensors) or in scalar mode (the scalar
``MLP``, one ``Value`` per number). Both modes start from the same weights for the same seed and see
the same batches, so switching mode retraces the same curve, only slower.

After each step the widget redraws three SVG pictures: the decision boundary (the model's output on
a grid, with the train and test points), the train and test loss curves, and the network with each
edge as thick as its weight is large.

    from widgets.playground import TrainingPlayground
    playground = TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16)
    playground                      # press play; or from code:
    playground.step(100)
    playground.history[-1]          # {'step': 100, 'train_loss': ..., 'test_accuracy': ...}
"""

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
TICK_BUDGET_MS = 80  # training and one redraw per Play tick, ticks 100 ms apart: 10 redraws a second
MAX_STEPS_PER_TICK = 500

# L2 rates to choose from, as TensorFlow Playground offers them: a log scale, and 0 for none.
L2_RATES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
_ACTIVATION_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

# Class 0 is drawn blue, class 1 red: the colours of negative and positive outputs on the heatmap.
CLASS_COLORS = (diverging(-1, 1), diverging(1, 1))
BOUNDARY_SIZE = 300
NETWORK_WIDTH, NETWORK_HEIGHT = 360, 300
LOSS_WIDTH, LOSS_HEIGHT = 300, 150
MAX_CURVE_POINTS = 300


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
    milliseconds), ``steps_per_tick`` (how many steps each Play tick runs before it redraws) and
    ``steps_per_second`` (what playing reached lately, measured between ticks, or None).

    Playing runs as many steps per tick as fit in about 80 ms with the redraw, so that the pictures
    change at least ten times a second however fast a single step is.
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
        self.ms_per_step, self.steps_per_tick, self.steps_per_second, self._last_tick = None, 1, None, None
        self._quiet = False

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
            value=0, min=0, max=10**9, interval=50, show_repeat=False, layout=widgets.Layout(display="none")
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
        self.steps_per_tick, self.steps_per_second, self._last_tick = 1, None, None
        self._diverged = False
        self._record()
        self._draw()
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
        train_ms, draw_ms = (trained - start) / max(done, 1) * 1000, (drawn - trained) * 1000
        self.ms_per_step = train_ms + draw_ms
        self._draw_status()
        self._pace_player(train_ms, draw_ms)

    def play(self):
        """Start training: the Play widget then runs one step per tick."""
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
        if not self._quiet and change.new > change.old:
            now = time.perf_counter()
            if self._last_tick is not None and now - self._last_tick[0] < 1.0:
                rate = self._last_tick[1] / (now - self._last_tick[0])
                previous = self.steps_per_second
                self.steps_per_second = rate if previous is None else 0.7 * previous + 0.3 * rate
            steps = self.steps_per_tick
            self._last_tick = (now, steps)
            self.step(steps)

    def _pace_player(self, train_ms, draw_ms):
        """Fit the steps of one tick and its redraw into TICK_BUDGET_MS, and let Play tick no faster
        than they take, so that ticks never queue up."""
        self.steps_per_tick = max(1, min(MAX_STEPS_PER_TICK, int((TICK_BUDGET_MS - draw_ms) / max(train_ms, 1e-3))))
        tick_ms = self.steps_per_tick * train_ms + draw_ms
        interval = max(100, math.ceil(tick_ms * 1.25 / 10) * 10)
        if abs(interval - self.player.interval) > 0.2 * self.player.interval:
            self.player.interval = interval

    # ------------------------------------------------------------------ drawing

    def _draw(self):
        n_data = len(self.X_train) + len(self.X_test)
        logits = self._logits(n_data, len(self._all_points)).reshape(self.grid_size, self.grid_size)
        # A diverged model's NaNs are drawn as 0 (no colour) rather than passed on to the colour scale.
        self._grid_logits = np.clip(np.nan_to_num(logits, nan=0.0), -1e6, 1e6)
        self.boundary_view.value = self.boundary_svg()
        self.network_view.value = self.network_svg()
        self.loss_view.value = self.loss_svg()
        self._draw_status()

    def _draw_status(self):
        last = self.history[-1]
        text = (
            f"step {self.step_count} &middot; loss: train {last['train_loss']:.3f}, test {last['test_loss']:.3f}"
            f" &middot; accuracy: train {last['train_accuracy']:.0%}, test {last['test_accuracy']:.0%}"
        )
        if self.steps_per_second is not None and self.player.playing:
            text += f" &middot; {self.steps_per_second:.0f} steps/s, {self.steps_per_tick} per redraw"
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
        train points filled, test points as rings."""
        size = BOUNDARY_SIZE
        drawing = Drawing(size, size)
        # sigmoid(z) - 1/2 = tanh(z / 2) / 2; the scale keeps the colours light enough for the points.
        drawing.image_grid(diverging_rgb(np.tanh(self._grid_logits / 2), 2.0), 0, 0, size, size, class_="heatmap")
        (x0, x1), (y0, y1) = self.domain
        sx, sy = Scale((x0, x1), (0, size)), Scale((y0, y1), (size, 0))
        for X, y, kind in ((self.X_train, self.y_train, "train"), (self.X_test, self.y_test, "test")):
            for (px, py), label in zip(zip(sx(X[:, 0]), sy(X[:, 1])), y.astype(int)):
                if kind == "train":
                    drawing.circle(px, py, 3.5, fill=CLASS_COLORS[label], stroke="white", stroke_width=1, class_=kind)
                else:
                    drawing.circle(px, py, 3, fill="white", stroke=CLASS_COLORS[label], stroke_width=2, class_=kind)
        drawing.rect(0, 0, size, size, fill="none", stroke=MUTED)
        drawing.text(6, size - 6, "filled: train, rings: test", size=12, fill=INK)
        return drawing.to_svg(fit=True)

    def loss_svg(self):
        """Train (solid, dark) and test (dashed, orange) loss against the step."""
        width, height, left, bottom = LOSS_WIDTH, LOSS_HEIGHT, 34, 18
        drawing = Drawing(width, height)
        keep = _thinned(len(self.history), MAX_CURVE_POINTS)
        steps = np.array([self.history[i]["step"] for i in keep], dtype=float)
        curves = {k: np.array([self.history[i][f"{k}_loss"] for i in keep]) for k in ("train", "test")}
        finite = np.concatenate(list(curves.values()))
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) if finite.size else 1.0
        sx = Scale((0, max(self.step_count, 1)), (left, width - 8))
        # The legend sits above the plot, which spans from y = 34 down to the axis.
        sy = Scale((0, top * 1.05 or 1.0), (height - bottom, 34))
        drawing.line(left, height - bottom, width - 8, height - bottom, stroke=MUTED)
        drawing.line(left, height - bottom, left, 34, stroke=MUTED)
        drawing.text(2, 40, f"{top:.2g}", size=12, fill=MUTED)
        drawing.text(2, height - bottom, "0", size=12, fill=MUTED)
        drawing.text(width - 8, height - 4, f"step {self.step_count}", size=12, fill=MUTED, text_anchor="end")
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
        for row, (name, color, dash) in enumerate((("train", INK, "none"), ("test", HIGHLIGHT, "4 2"))):
            y = 14 + 13 * row
            drawing.line(width - 120, y - 3, width - 104, y - 3, stroke=color, stroke_width=1.5, stroke_dasharray=dash)
            drawing.text(width - 100, y, f"{name} {last[f'{name}_loss']:.3f}", size=12, fill=INK)
        return drawing.to_svg(fit=True)

    def network_svg(self):
        """Neurons as circles in layers (coloured by bias), edges coloured by their weight's sign and
        as thick as it is large: 0.5 + 4 |w| / (1 + |w|) pixels."""
        width, height = NETWORK_WIDTH, NETWORK_HEIGHT
        drawing = Drawing(width, height)
        sizes, weights = self.layers, self.layer_weights()
        xs = np.linspace(24, width - 24, len(sizes))
        spacing = [min(36.0, (height - 40) / n) for n in sizes]
        ys = [height / 2 + 8 + (np.arange(n) - (n - 1) / 2) * s for n, s in zip(sizes, spacing)]
        radius = max(2.5, min(9.0, 0.35 * min(spacing)))
        # A diverged model's NaNs and infinities are drawn as 0 and as very large.
        weights = [tuple(np.clip(np.nan_to_num(a, nan=0.0), -1e6, 1e6) for a in pair) for pair in weights]
        for layer, (W, _) in enumerate(weights):
            colors = diverging_array(W, 0.5)
            strokes = 0.5 + 4 * np.abs(W) / (1 + np.abs(W))
            for j in range(W.shape[0]):
                for i in range(W.shape[1]):
                    drawing.line(
                        xs[layer],
                        ys[layer][i],
                        xs[layer + 1],
                        ys[layer + 1][j],
                        stroke=colors[j, i],
                        stroke_width=f"{strokes[j, i]:.2f}",
                        class_="edge",
                    )
        biases = [np.zeros(sizes[0])] + [b for _, b in weights]
        for layer, (x, column, b) in enumerate(zip(xs, ys, biases)):
            colors = diverging_array(b, 0.5)
            for y, color in zip(column, colors):
                fill = "white" if layer == 0 else color
                drawing.circle(x, y, radius, fill=fill, stroke=INK, stroke_width=1, class_="neuron")
            drawing.text(x, 14, str(sizes[layer]), size=12, fill=MUTED, text_anchor="middle")
        return drawing.to_svg(fit=True)
