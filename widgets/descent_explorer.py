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
_MARGIN = 30
_LOSS_WIDTH = 220
_GRID_CELLS = 40  # heatmap cells along the longer side
_CURVE_SAMPLES = 241
_TOLERANCE = 0.01  # "converged": within 1% of the plot's width of a minimum


# A white outline drawn under a label's letters, so that it reads on the dark and the light parts of a map.
_HALO = {"stroke": "white", "stroke_width": 3, "paint_order": "stroke", "stroke_linejoin": "round"}


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
        sx = svg.Scale(surface.extent[0], (_MARGIN, _MARGIN + width))
        if surface.dims == 2:
            y_domain = surface.extent[1]
        else:
            y_domain = self._curve_range(surface)
        return sx, svg.Scale(y_domain, (_MARGIN + height, _MARGIN))

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

    def _background(self):
        """The heatmap (2-D) or the curve (1-D) with its axes: computed once per surface, then cached."""
        surface = self.surface
        if surface.name not in self._surface_cache:
            width, height = self._geometry()
            sx, sy = self._scales()
            d = svg.Drawing(width, height, background=None)
            if surface.dims == 2:
                self._draw_heatmap(d, surface, width, height)
            else:
                xs, ys = self._curve(surface)
                d.rect(_MARGIN, _MARGIN, width, height, fill="#f7f8fb")
                d.polyline(sx(xs), sy(ys), stroke=svg.INK, stroke_width=2, class_="surface-curve")
            d.rect(_MARGIN, _MARGIN, width, height, fill="none", stroke=svg.MUTED)
            for point in surface.minima:
                cx, cy = (
                    sx(point[0]),
                    sy(
                        point[1]
                        if surface.dims == 2
                        else surface.loss(minigrad.Tensor(point, dtype=minigrad.float64)).item()
                    ),
                )
                d.line(cx - 5, cy, cx + 5, cy, stroke=svg.INK, stroke_width=1.5, class_="minimum")
                d.line(cx, cy - 5, cx, cy + 5, stroke=svg.INK, stroke_width=1.5)
            (x0, x1) = surface.extent[0]
            d.text(_MARGIN, _MARGIN + height + 14, f"{x0:g}", size=12, fill=svg.MUTED)
            d.text(_MARGIN + width - 20, _MARGIN + height + 14, f"{x1:g}", size=12, fill=svg.MUTED)
            d.text(_MARGIN + width / 2, _MARGIN + height + 16, surface.axes[0], fill=svg.MUTED)
            if surface.dims == 2:
                (y0, y1) = surface.extent[1]
                d.text(2, _MARGIN + height, f"{y0:g}", size=12, fill=svg.MUTED)
                d.text(2, _MARGIN + 8, f"{y1:g}", size=12, fill=svg.MUTED)
                d.text(8, _MARGIN + height / 2, surface.axes[1], fill=svg.MUTED)
            else:
                d.text(2, _MARGIN + 8, "loss", size=12, fill=svg.MUTED)
            self._surface_cache[surface.name] = "".join(d.parts)
        return self._surface_cache[surface.name]

    @staticmethod
    def _draw_heatmap(d, surface, width, height):
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
        values = values - values.min()
        if surface.log_colour:
            values = np.log1p(values)
        d.grid(svg.sequential_array(values, 0.0, values.max()), _MARGIN, _MARGIN, width, height)

    def _draw(self):
        surface = self.surface
        width, height = self._geometry()
        d = svg.Drawing(width + 2 * _MARGIN + _LOSS_WIDTH, height + 2 * _MARGIN)
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
        d.text(px[0] + 8, py[0] - 8, "start", size=12, fill=svg.INK, **_HALO)
        if self.diverged:
            x, y = px[-1], py[-1]
            d.line(x - 7, y - 7, x + 7, y + 7, stroke=svg.diverging(1, 1), stroke_width=3, class_="exit")
            d.line(x - 7, y + 7, x + 7, y - 7, stroke=svg.diverging(1, 1), stroke_width=3)
            d.text(
                min(x + 8, _MARGIN + width - 150),
                min(max(y - 8, _MARGIN + 12), _MARGIN + height - 4),
                f"diverged at step {self.diverged_at}",
                size=12,
                fill=svg.diverging(1, 1),
                font_weight="bold",
                **_HALO,
            )
        else:
            d.circle(px[-1], py[-1], 6, fill=svg.HIGHLIGHT, stroke=svg.INK, stroke_width=2, class_="end")
        self._draw_losses(d, _MARGIN * 2 + width + 10, height)
        return d.to_svg(fit=True)

    def _loss_at(self, point):
        with np.errstate(over="ignore", invalid="ignore"), minigrad.no_grad():
            return self.surface.loss(minigrad.Tensor(point, dtype=minigrad.float64)).item()

    def _draw_losses(self, d, left, height):
        """Loss above the lowest loss of the surface, per step, on a log scale."""
        width = _LOSS_WIDTH - 30
        top, bottom = _MARGIN, _MARGIN + min(height, 200)
        d.text(left, top - 8, "loss - min loss (log)", size=12, fill=svg.INK)
        d.rect(left, top, width, bottom - top, fill="none", stroke=svg.MUTED)
        best = self._loss_at(np.array(self.surface.minima[0]))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            gaps = np.log10(np.maximum(self.losses - best, 1e-16))
        finite = np.isfinite(gaps)
        if not finite.any():
            return
        low, high = np.floor(gaps[finite].min()), np.ceil(gaps[finite].max())
        high = max(high, low + 1)
        steps = np.arange(len(gaps))
        sx = svg.Scale((0, max(len(gaps) - 1, 1)), (left, left + width))
        sy = svg.Scale((low, high), (bottom, top))
        d.polyline(sx(steps[finite]), sy(gaps[finite]), stroke=svg.HIGHLIGHT, stroke_width=1.5, class_="loss-curve")
        d.text(left - 2, top + 10, f"1e{high:g}", size=12, fill=svg.MUTED)
        d.text(left - 2, bottom - 2, f"1e{low:g}", size=12, fill=svg.MUTED)
        d.text(left + width - 24, bottom + 12, f"{len(gaps) - 1}", size=12, fill=svg.MUTED)
        d.text(left, bottom + 12, "step 0", size=12, fill=svg.MUTED)
