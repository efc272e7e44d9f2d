"""DescentExplorer: gradient descent, momentum and Adam on 1-D and 2-D loss surfaces.

The point being optimized is a real minigrad parameter, a float64 ``minigrad.Tensor`` with
``requires_grad``; each step computes the loss with minigrad ops, calls ``backward()``, and lets an
optimizer from ``minigrad.optim`` update the point. The heatmap (or the curve) behind the
trajectory is the same loss function evaluated on a grid of points at once.
"""

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets
import numpy as np

import minigrad
from minigrad.optim import SGD, Adam
from widgets import svg
from widgets.base import ExactSlider, Explorer, RateSlider, row

# ---------------------------------------------------------------------- surfaces
# Each loss takes a Tensor whose first axis holds the coordinates: shape (d,) for the point being
# optimized (the loss is then a 0-d Tensor), or (d, ...) for a whole grid of points at once.


def bowl(p):
    """A round quadratic bowl, ``x**2 + y**2``: the gradient points straight at the minimum."""
    return p[0] ** 2 + p[1] ** 2


def valley(p):
    """An ill-conditioned quadratic, ``0.5 * x**2 + 10 * y**2``: 20 times steeper across than along."""
    return 0.5 * p[0] ** 2 + 10 * p[1] ** 2


def rosenbrock(p):
    """Rosenbrock's banana, ``(1 - x)**2 + 100 * (y - x**2)**2``: a curved, flat-bottomed valley."""
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


LINE_X = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0])
LINE_Y = np.array([-2.2, -1.4, 0.7, 1.9, 3.9, 4.8])


def line_fit(p):
    """The mean squared error of the line ``y = w * x + b`` on six fixed points (LINE_X, LINE_Y)."""
    w, b = p[0], p[1]
    shape = (-1,) + (1,) * w.ndim  # one row per data point, against a grid of (w, b) if given one
    x = minigrad.Tensor(LINE_X.reshape(shape), dtype=minigrad.float64)
    y = minigrad.Tensor(LINE_Y.reshape(shape), dtype=minigrad.float64)
    return ((w * x + b - y) ** 2).mean(axis=0)


def parabola(p):
    """``x**2``: one minimum, at 0."""
    return p[0] ** 2


def two_minima(p):
    """``x**4 - 3 x**2 + x``: a global minimum near -1.30 and a local one near 1.13."""
    x = p[0]
    return x**4 - 3 * x**2 + x


@dataclass(frozen=True)
class Surface:
    """A loss surface: its function, the region drawn, and a start and a learning rate that work."""

    name: str
    title: str
    loss: Callable
    extent: tuple  # ((x_min, x_max),) or ((x_min, x_max), (y_min, y_max))
    start: tuple
    lr: float
    minima: tuple  # every local minimum inside the extent, the global one first
    axes: tuple = ("x", "y")
    log_colour: bool = False
    adam_lr: float = None  # Adam moves about lr per step whatever the gradient: it may need a larger one

    def default_lr(self, optimizer):
        return self.adam_lr if optimizer == "adam" and self.adam_lr is not None else self.lr

    @property
    def dims(self):
        return len(self.extent)


def _line_fit_minimum():
    design = np.stack([LINE_X, np.ones_like(LINE_X)], axis=1)
    return tuple(float(v) for v in np.linalg.lstsq(design, LINE_Y, rcond=None)[0])


def _two_minima_minima():
    roots = np.sort(np.roots([4.0, 0.0, -6.0, 1.0]).real)  # f'(x) = 4x^3 - 6x + 1
    return ((float(roots[0]),), (float(roots[2]),))


SURFACES = {
    s.name: s
    for s in [
        Surface("bowl", "quadratic bowl", bowl, ((-3.0, 3.0), (-3.0, 3.0)), (-2.5, 2.0), 0.1, ((0.0, 0.0),)),
        Surface(
            "valley",
            "ill-conditioned valley",
            valley,
            ((-5.0, 5.0), (-2.5, 2.5)),
            (-4.5, 1.5),
            0.05,
            ((0.0, 0.0),),
            log_colour=True,
        ),
        Surface(
            "rosenbrock",
            "Rosenbrock",
            rosenbrock,
            ((-2.0, 2.0), (-1.0, 3.0)),
            (-1.2, 1.0),
            0.001,
            ((1.0, 1.0),),
            log_colour=True,
            adam_lr=0.3,
        ),
        Surface(
            "line_fit",
            "least squares of y = w*x + b",
            line_fit,
            ((-1.0, 4.0), (-2.0, 3.0)),
            (-0.5, 2.5),
            0.05,
            (_line_fit_minimum(),),
            axes=("w", "b"),
            adam_lr=0.1,
        ),
        Surface("parabola", "1-D: parabola", parabola, ((-3.0, 3.0),), (2.5,), 0.1, ((0.0,),)),
        Surface("two_minima", "1-D: two minima", two_minima, ((-2.5, 2.5),), (2.2,), 0.02, _two_minima_minima(), adam_lr=0.05),
    ]
}

OPTIMIZERS = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}


def make_optimizer(name, params, lr, momentum):
    """``sgd``: plain SGD; ``momentum``: SGD(momentum=momentum); ``adam``: Adam(betas=(momentum, 0.999))."""
    if name == "sgd":
        return SGD(params, lr=lr)
    if name == "momentum":
        return SGD(params, lr=lr, momentum=momentum)
    if name == "adam":
        return Adam(params, lr=lr, betas=(momentum, 0.999))
    raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(map(repr, OPTIMIZERS))}")


# ---------------------------------------------------------------------- drawing constants

_LONG_SIDE = 380  # pixels of the longer side of a 2-D plot (axes keep the same scale)
_LEFT = 56  # room for the y axis: its name and its numbers
_TOP = 30
_LOSS_GAP = 54  # between the surface and the loss plot: room for the loss plot's numbers
_LOSS_WIDTH = 176
_RIGHT = 8
_BAR_WIDTH = 300
_GRID_CELLS = 160  # heatmap pixels along the longer side; the browser smooths them into a surface
_CURVE_SAMPLES = 241
_TOLERANCE = 0.01  # "converged": within 1% of the plot's width of a minimum
_DIVERGED = svg.diverging(1, 1)

_AXIS_NAMES = {"x": "parameter x", "y": "parameter y", "w": "w, the slope", "b": "b, the intercept"}
_RULES = {
    "sgd": "each step: p <- p - lr * grad, the gradient of the loss at p",
    "momentum": "each step: v <- momentum * v + grad, then p <- p - lr * v",
    "adam": "each step: p <- p - lr * m / (sqrt(v) + eps); m, v: running means of grad, grad^2",
}


def _boxed_text(d, x, y, content, colour, **attrs):
    """Text on a white box, readable on the dark and the light parts of a map alike."""
    d.rect(x - 4, y - 13, svg.text_width(content) + 8, 17, fill="white", fill_opacity=0.9, stroke=colour, rx=3)
    d.text(x, y, content, fill=colour, **attrs)


def _nice_ticks(low, high):
    """Two to five round numbers between ``low`` and ``high``, for an axis."""
    span = high - low
    for step in sorted(m * 10.0**k for k in range(int(np.floor(np.log10(span))) - 1, int(np.ceil(np.log10(span))) + 1) for m in (1, 2, 5)):
        ticks = np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step
        if len(ticks) <= 5:
            return [float(t) + 0.0 for t in ticks]
    return [low, high]


def _spaced(ticks, width, reserved):
    """The (fraction, text) ticks of a colour bar ``width`` wide whose labels do not touch each other
    or the ``reserved`` (left, right) spans of its end labels."""
    kept, taken = [], list(reserved)
    for fraction, label in ticks:
        half = svg.text_width(label) / 2 + 6
        span = (fraction * width - half, fraction * width + half)
        if all(span[1] <= a or span[0] >= b for a, b in taken):
            kept.append((fraction, label))
            taken.append(span)
    return kept


def _format_point(point):
    return "(" + ", ".join(f"{v:.3g}" for v in point) + ")" if len(point) > 1 else f"x = {point[0]:.3g}"


class DescentExplorer(Explorer):
    """Run an optimizer from ``minigrad.optim`` on a loss surface and draw the path it takes.

    Surfaces (``SURFACES``): ``bowl``, ``valley`` (ill-conditioned), ``rosenbrock``, ``line_fit``
    (the mean squared error of ``y = w*x + b`` on six points, as a function of ``w`` and ``b``), and
    the 1-D ``parabola`` and ``two_minima``. Optimizers: ``sgd``, ``momentum`` (SGD with the
    momentum slider's value) and ``adam`` (Adam with ``beta1`` = the momentum slider's value).
    Without ``lr``, the learning rate is one that works for the surface and the optimizer; choosing
    another surface resets it to that surface's, and choosing another optimizer to that optimizer's
    unless it was changed by hand.

    Every control change calls ``run()``: ``steps`` steps from the start point, each one
    ``zero_grad()``, the loss of the point (a float64 Tensor), ``backward()``, ``step()``. The run
    stops early when the point leaves the plotted region or becomes inf or nan: that is divergence,
    marked on the plot where the path left it.

    State after a run: ``trajectory`` (array of points, the start first, shape (k + 1, d)),
    ``losses`` (the loss at each of those points), ``diverged`` (bool), ``diverged_at`` (the step
    or None), ``outcome`` ('converged', 'diverged' or 'not converged'), ``status`` (the sentence
    under the plot).
    """

    _surface_cache = {}  # surface name -> SVG markup of its heatmap or curve (computed once)

    def __init__(self, surface="bowl", optimizer="sgd", lr=None, momentum=0.9, steps=50, start=None):
        if surface not in SURFACES:
            raise ValueError(f"DescentExplorer: unknown surface {surface!r}; choose one of {', '.join(SURFACES)}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"DescentExplorer: unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        self._quiet = True
        self.runs = 0
        self.surface_dropdown = ipywidgets.Dropdown(
            options=[(s.title, s.name) for s in SURFACES.values()], value=surface, description="surface"
        )
        self.optimizer_dropdown = ipywidgets.Dropdown(
            options=[(title, name) for name, title in OPTIMIZERS.items()], value=optimizer, description="optimizer"
        )
        self.lr_slider = RateSlider(SURFACES[surface].default_lr(optimizer), 1e-5, 10.0, description="lr")
        self.momentum_slider = ExactSlider(value=momentum, min=0.0, max=0.99, step=0.01, description="momentum")
        self.steps_slider = ipywidgets.IntSlider(value=steps, min=1, max=200, description="steps")
        self.start_x_slider = ExactSlider(description="start x", step=0.01)
        self.start_y_slider = ExactSlider(description="start y", step=0.01)
        self.view = ipywidgets.HTML()
        self.status_label = ipywidgets.HTML()
        self._configure_surface(SURFACES[surface])
        if lr is not None:
            self.lr_slider.value = lr
        if start is not None:
            self.start_x_slider.value, *rest = start
            if rest:
                self.start_y_slider.value = rest[0]

        self.surface_dropdown.observe(self._on_surface, names="value")
        self.optimizer_dropdown.observe(self._on_optimizer, names="value")
        for control in (
            self.lr_slider,
            self.momentum_slider,
            self.steps_slider,
            self.start_x_slider,
            self.start_y_slider,
        ):
            control.observe(self._on_control, names="value")
        super().__init__(
            [
                row([self.surface_dropdown, self.optimizer_dropdown]),
                row([self.lr_slider, self.momentum_slider, self.steps_slider]),
                row([self.start_x_slider, self.start_y_slider]),
                self.view,
                self.status_label,
            ]
        )
        self._quiet = False
        self.run()

    # ------------------------------------------------------------------ controls

    @property
    def surface(self):
        return SURFACES[self.surface_dropdown.value]

    @property
    def optimizer(self):
        return self.optimizer_dropdown.value

    @property
    def lr(self):
        return self.lr_slider.value

    @property
    def momentum(self):
        return self.momentum_slider.value

    @property
    def steps(self):
        return self.steps_slider.value

    @property
    def start(self):
        point = (self.start_x_slider.value, self.start_y_slider.value)
        return point[: self.surface.dims]

    def _configure_surface(self, surface):
        """Ranges of the start sliders, the surface's start and learning rate."""
        for slider, (low, high), value in zip(
            (self.start_x_slider, self.start_y_slider), surface.extent, surface.start
        ):
            # Widen first, so that the old value is never clipped against the new bounds on the way.
            slider.min, slider.max = min(low, slider.min), max(high, slider.max)
            slider.value = value
            slider.min, slider.max = low, high
        self.start_y_slider.layout.visibility = "visible" if surface.dims == 2 else "hidden"
        self.start_x_slider.description = f"start {surface.axes[0]}"
        self.start_y_slider.description = f"start {surface.axes[1]}"
        self.lr_slider.value = surface.default_lr(self.optimizer)
        self.momentum_slider.disabled = self.optimizer == "sgd"

    def _on_surface(self, change):
        self._quiet = True
        try:
            self._configure_surface(SURFACES[change.new])
        finally:
            self._quiet = False
        self.run()

    def _on_optimizer(self, change):
        # A learning rate still at the old optimizer's default follows the optimizer; one chosen stays.
        surface = self.surface
        if self.lr == surface.default_lr(change.old):
            self._quiet = True
            try:
                self.lr_slider.value = surface.default_lr(change.new)
            finally:
                self._quiet = False
        self._on_control(change)

    def _on_control(self, change):
        if not self._quiet:
            self.momentum_slider.disabled = self.optimizer == "sgd"
            self.run()

    def __repr__(self):
        end = f"diverged at step {self.diverged_at}" if self.diverged else self.outcome
        return (
            f"DescentExplorer(surface={self.surface.name!r}, optimizer={self.optimizer!r}, "
            f"lr={self.lr:.3g}, {self.steps} steps, {end})"
        )

    # ------------------------------------------------------------------ running

    def run(self):
        """Optimize from the start point with the current settings, then redraw."""
        surface = self.surface
        point = minigrad.Tensor(self.start, dtype=minigrad.float64, requires_grad=True)
        optimizer = make_optimizer(self.optimizer, [point], self.lr, self.momentum)
        low, high = np.array(surface.extent).T
        trajectory, losses = [point.data.copy()], []
        self.diverged_at = None
        # Overflow to inf is an outcome the widget reports, not an error.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for step in range(1, self.steps + 1):
                optimizer.zero_grad()
                loss = surface.loss(point)
                losses.append(loss.item())
                loss.backward()
                optimizer.step()
                trajectory.append(point.data.copy())
                x = trajectory[-1]
                if not np.all(np.isfinite(x)) or np.any(x < low) or np.any(x > high):
                    self.diverged_at = step
                    break
            with minigrad.no_grad():
                losses.append(surface.loss(minigrad.Tensor(trajectory[-1], dtype=minigrad.float64)).item())
        self.trajectory = np.array(trajectory)
        self.losses = np.array(losses)
        self.diverged = self.diverged_at is not None
        self.exit_point = self._exit_point(low, high) if self.diverged else None
        self._judge()
        self.runs += 1
        self.view.value = self._draw()
        self.status_label.value = f"<code>{self.status}</code>"
        return self

    def _exit_point(self, low, high):
        """Where the segment from the last point inside the plot to the first one outside crosses its edge."""
        inside, outside = self.trajectory[-2], self.trajectory[-1]
        if not np.all(np.isfinite(outside)):
            return inside
        direction = outside - inside
        fraction = 1.0
        for d, a, lo, hi in zip(direction, inside, low, high):
            if d > 0:
                fraction = min(fraction, (hi - a) / d)
            elif d < 0:
                fraction = min(fraction, (lo - a) / d)
        return inside + fraction * direction

    def _judge(self):
        """Set ``outcome`` and ``status``."""
        surface, steps = self.surface, len(self.trajectory) - 1
        name = f"{OPTIMIZERS[self.optimizer]}, lr {self.lr:.3g}"
        if self.diverged:
            self.outcome = "diverged"
            why = "the loss is no longer finite" if not np.all(np.isfinite(self.trajectory[-1])) else "it left the plot"
            self.status = f"{name}: diverged at step {self.diverged_at}: {why}"
            return
        minima = np.array(surface.minima)
        distances = np.linalg.norm(self.trajectory[:, None, :] - minima[None], axis=2)  # (points, minima)
        nearest = int(np.argmin(distances[-1]))
        tolerance = _TOLERANCE * max(hi - lo for lo, hi in surface.extent)
        loss = f"loss {self.losses[-1]:.3g} after {steps} steps"
        where = _format_point(surface.minima[nearest])
        # Converged: the last three points all lie within the tolerance (one close pass is not enough).
        if steps >= 2 and np.all(distances[-3:, nearest] <= tolerance):
            self.outcome = "converged"
            outside = np.nonzero(distances[:, nearest] > tolerance)[0]
            since = int(outside[-1]) + 1 if len(outside) else 0
            kind = "the minimum" if len(minima) == 1 else ("the global minimum" if nearest == 0 else "a local minimum")
            self.status = (
                f"{name}: converged to {kind} at {where} (within {tolerance:.2g} from step {since} on); {loss}"
            )
        else:
            self.outcome = "not converged"
            self.status = f"{name}: not converged; {distances[-1, nearest]:.3g} from the minimum at {where}; {loss}"

    # ------------------------------------------------------------------ drawing

    def _geometry(self):
        surface = self.surface
        (x0, x1) = surface.extent[0]
        if surface.dims == 1:
            return _LONG_SIDE, int(_LONG_SIDE * 0.7)
        (y0, y1) = surface.extent[1]
        ratio = (y1 - y0) / (x1 - x0)
        return (
            (_LONG_SIDE, int(round(_LONG_SIDE * ratio))) if ratio <= 1 else (int(round(_LONG_SIDE / ratio)), _LONG_SIDE)
        )

    def _scales(self):
        surface, (width, height) = self.surface, self._geometry()
        sx = svg.Scale(surface.extent[0], (_LEFT, _LEFT + width))
        if surface.dims == 2:
            y_domain = surface.extent[1]
        else:
            y_domain = self._curve_range(surface)
        return sx, svg.Scale(y_domain, (_TOP + height, _TOP))

    @staticmethod
    def _curve(surface):
        xs = np.linspace(*surface.extent[0], _CURVE_SAMPLES)
        with minigrad.no_grad():
            ys = surface.loss(minigrad.Tensor(xs[None], dtype=minigrad.float64)).numpy()
        return xs, ys

    @classmethod
    def _curve_range(cls, surface):
        ys = cls._curve(surface)[1]
        pad = 0.05 * (ys.max() - ys.min())
        return ys.min() - pad, ys.max() + pad

    @staticmethod
    def _minimum_loss(surface):
        with minigrad.no_grad():
            return surface.loss(minigrad.Tensor(surface.minima[0], dtype=minigrad.float64)).item()

    def _left_column_height(self):
        """From the top of the drawing to the bottom of the surface's axes and colour bar."""
        return _TOP + self._geometry()[1] + 40 + (52 if self.surface.dims == 2 else 0)

    def _background(self):
        """The heatmap and its colour bar (2-D) or the curve (1-D), the minima and the axes: computed
        once per surface, then cached."""
        surface = self.surface
        if surface.name not in self._surface_cache:
            width, height = self._geometry()
            sx, sy = self._scales()
            d = svg.Drawing(width, height, background=None)
            d.text(_LEFT, _TOP - 10, f"loss surface: {surface.title}", fill=svg.INK)
            if surface.dims == 2:
                lowest, highest = self._draw_heatmap(d, surface, width, height)
                self._draw_loss_bar(d, surface, lowest, highest, _TOP + height + 44, min(width, _BAR_WIDTH))
            else:
                xs, ys = self._curve(surface)
                d.rect(_LEFT, _TOP, width, height, fill="#f7f8fb")
                d.polyline(sx(xs), sy(ys), stroke=svg.INK, stroke_width=2, class_="surface-curve")
            d.rect(_LEFT, _TOP, width, height, fill="none", stroke=svg.MUTED)
            for i, point in enumerate(surface.minima):
                cx = sx(point[0])
                cy = sy(point[1] if surface.dims == 2 else surface.loss(minigrad.Tensor(point, dtype=minigrad.float64)).item())
                colour = svg.INK if i == 0 else svg.MUTED
                d.line(cx - 6, cy, cx + 6, cy, stroke=colour, stroke_width=2, class_="minimum")
                d.line(cx, cy - 6, cx, cy + 6, stroke=colour, stroke_width=2)
            self._draw_axes(d, surface, sx, sy, width, height)
            self._surface_cache[surface.name] = "".join(d.parts)
        return self._surface_cache[surface.name]

    @staticmethod
    def _draw_axes(d, surface, sx, sy, width, height):
        bottom = _TOP + height
        x0, x1 = surface.extent[0]
        for value in (x0, (x0 + x1) / 2, x1):
            d.line(sx(value), bottom, sx(value), bottom + 4, stroke=svg.MUTED)
            d.text(sx(value), bottom + 17, f"{value:g}", fill=svg.INK, text_anchor="middle", class_="tick")
        d.text(_LEFT + width / 2, bottom + 33, _AXIS_NAMES[surface.axes[0]], fill=svg.INK, text_anchor="middle",
               class_="axis-name")
        if surface.dims == 2:
            y0, y1 = surface.extent[1]
            ticks, name = (y0, (y0 + y1) / 2, y1), _AXIS_NAMES[surface.axes[1]]
        else:
            ticks, name = _nice_ticks(sy.d0, sy.d1), "loss"
        for value in ticks:
            d.line(_LEFT - 4, sy(value), _LEFT, sy(value), stroke=svg.MUTED)
            d.text(_LEFT - 6, sy(value) + 4, f"{value:g}", fill=svg.INK, text_anchor="end", class_="tick")
        middle = _TOP + height / 2
        d.text(14, middle, name, fill=svg.INK, text_anchor="middle", transform=f"rotate(-90 14 {middle:g})",
               class_="axis-name")

    @staticmethod
    def _draw_heatmap(d, surface, width, height):
        """The loss on a grid as one smooth image, lighter where lower. Returns the range of loss the
        colours span: the surface's minimum loss to the highest loss in view."""
        columns = rows = _GRID_CELLS
        if width > height:
            rows = max(1, round(_GRID_CELLS * height / width))
        else:
            columns = max(1, round(_GRID_CELLS * width / height))
        (x0, x1), (y0, y1) = surface.extent
        xs = x0 + (np.arange(columns) + 0.5) * (x1 - x0) / columns
        ys = y1 - (np.arange(rows) + 0.5) * (y1 - y0) / rows  # row 0 at the top
        grid = np.stack(np.meshgrid(xs, ys))
        with minigrad.no_grad():
            values = surface.loss(minigrad.Tensor(grid, dtype=minigrad.float64)).numpy()
        lowest = min(DescentExplorer._minimum_loss(surface), float(values.min()))
        excess = values - lowest
        shade = np.log1p(excess) if surface.log_colour else excess
        d.image_grid(svg.sequential_rgb(shade, 0.0, shade.max()), _LEFT, _TOP, width, height, class_="heatmap")
        return lowest, lowest + float(excess.max())

    @staticmethod
    def _draw_loss_bar(d, surface, lowest, highest, top, width):
        """The colour bar of the heatmap: its colours against the loss they stand for."""
        excess = highest - lowest
        ends = tuple(f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}" for v in (lowest, highest))
        reserved = [(0, svg.text_width(ends[0]) + 4), (width - svg.text_width(ends[1]) - 4, width)]
        if surface.log_colour:
            caption = "loss (colours on a log scale)"
            ticks = [
                (np.log1p(10.0**k) / np.log1p(excess), f"{lowest + 10.0**k:.3g}")
                for k in range(int(np.floor(np.log10(excess))) + 1)
            ]
        else:
            caption = "loss"
            ticks = [(0.5, f"{lowest + excess / 2:.3g}")]
        colours = svg.sequential_rgb(np.linspace(0.0, 1.0, 128), 0.0, 1.0)
        d.colour_bar(_LEFT, top, width, lowest, highest, caption, colours=colours, ends=ends,
                     ticks=_spaced(ticks, width, reserved))

    def _legend_entries(self):
        surface, steps = self.surface, len(self.trajectory) - 1
        entries = [
            ("path", "path: a dot per step", {"stroke": svg.HIGHLIGHT}),
            ("circle", "start", {"r": 6, "fill": "white", "stroke": svg.INK, "stroke_width": 2}),
        ]
        if self.diverged:
            entries.append(("cross", "where it diverged", {"stroke": _DIVERGED, "stroke_width": 3}))
        else:
            entries.append(("circle", f"end, after {steps} steps", {"r": 6, "fill": svg.HIGHLIGHT, "stroke": svg.INK,
                                                                     "stroke_width": 2}))
        if len(surface.minima) == 1:
            entries.append(("plus", "minimum", {"stroke_width": 2}))
        else:
            entries.append(("plus", "global minimum", {"stroke_width": 2}))
            entries.append(("plus", "local minimum", {"stroke": svg.MUTED, "stroke_width": 2}))
        if surface.dims == 1:
            entries.append(("line", "loss curve", {"stroke": svg.INK}))
        return entries

    def _draw(self):
        surface = self.surface
        width, height = self._geometry()
        loss_left = _LEFT + width + _LOSS_GAP
        loss_bottom = _TOP + min(height, 200)
        legend_top = loss_bottom + 40
        entries = self._legend_entries()
        rule_y = max(self._left_column_height(), legend_top + 18 * len(entries)) + 16
        d = svg.Drawing(loss_left + _LOSS_WIDTH + _RIGHT, rule_y + 8)
        d.raw(self._background())
        sx, sy = self._scales()
        points = self.trajectory
        if surface.dims == 2:
            xs, ys = points[:, 0], points[:, 1]
        else:
            xs, ys = points[:, 0], self.losses
        if self.diverged:  # draw up to the edge, not to the point outside
            xs, ys = xs[:-1], ys[:-1]
            exit_x = self.exit_point[0]
            exit_y = self.exit_point[1] if surface.dims == 2 else self._loss_at(self.exit_point)
            xs, ys = np.append(xs, exit_x), np.append(ys, exit_y)
        px, py = sx(xs), sy(ys)
        d.polyline(px, py, stroke=svg.HIGHLIGHT, stroke_width=1.5, class_="trajectory")
        for i, (x, y) in enumerate(zip(px, py)):
            if not (self.diverged and i == len(px) - 1):
                d.circle(x, y, 2.5, fill=svg.HIGHLIGHT, class_="iterate")
        d.circle(px[0], py[0], 6, fill="white", stroke=svg.INK, stroke_width=2, class_="start")
        label_x = min(px[0] + 12, _LEFT + width - svg.text_width("start") - 6)
        label_y = min(max(py[0] - 10, _TOP + 16), _TOP + height - 6)
        _boxed_text(d, label_x, label_y, "start", svg.INK)
        if self.diverged:
            x, y = px[-1], py[-1]
            d.line(x - 7, y - 7, x + 7, y + 7, stroke=_DIVERGED, stroke_width=3, class_="exit")
            d.line(x - 7, y + 7, x + 7, y - 7, stroke=_DIVERGED, stroke_width=3)
            text = f"diverged at step {self.diverged_at}"
            _boxed_text(
                d,
                min(max(x + 12, _LEFT + 6), _LEFT + width - svg.text_width(text) - 6),
                min(max(y - 10, _TOP + 16), _TOP + height - 6),
                text,
                _DIVERGED,
                font_weight="bold",
                class_="diverged-label",
            )
        else:
            d.circle(px[-1], py[-1], 6, fill=svg.HIGHLIGHT, stroke=svg.INK, stroke_width=2, class_="end")
        self._draw_losses(d, loss_left, loss_bottom)
        d.legend(_LEFT + width + 14, legend_top, entries)
        d.text(_LEFT, rule_y, _RULES[self.optimizer], fill=svg.INK, class_="rule")
        return d.to_svg(fit=True)

    def _loss_at(self, point):
        with np.errstate(over="ignore", invalid="ignore"), minigrad.no_grad():
            return self.surface.loss(minigrad.Tensor(point, dtype=minigrad.float64)).item()

    def _draw_losses(self, d, left, bottom):
        """Loss above the lowest loss of the surface, per step, on a log scale."""
        width, top = _LOSS_WIDTH, _TOP
        d.text(left, top - 10, "loss - minimum (log)", fill=svg.INK)
        d.rect(left, top, width, bottom - top, fill="none", stroke=svg.MUTED)
        d.text(left, bottom + 17, "0", fill=svg.INK, text_anchor="middle", class_="tick")
        d.text(left + width, bottom + 17, f"{len(self.losses) - 1}", fill=svg.INK, text_anchor="middle", class_="tick")
        d.text(left + width / 2, bottom + 17, "step", fill=svg.INK, text_anchor="middle", class_="axis-name")
        best = self._minimum_loss(self.surface)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            gaps = np.log10(np.maximum(self.losses - best, 1e-16))
        finite = np.isfinite(gaps)
        if not finite.any():
            return
        low, high = np.floor(gaps[finite].min()), np.ceil(gaps[finite].max())
        high = max(high, low + 1)
        sy = svg.Scale((low, high), (bottom, top))
        every = max(1, int(np.ceil((high - low) / 4)))
        for power in range(int(high), int(low) - 1, -every):
            y = sy(power)
            d.line(left, y, left + width, y, stroke="#e4e4e4")
            d.text(left - 4, y + 4, f"1e{power}", fill=svg.INK, text_anchor="end", class_="tick")
        steps = np.arange(len(gaps))
        sx = svg.Scale((0, max(len(gaps) - 1, 1)), (left, left + width))
        d.polyline(sx(steps[finite]), sy(gaps[finite]), stroke=svg.HIGHLIGHT, stroke_width=1.5, class_="loss-curve")
