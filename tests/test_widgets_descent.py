"""DescentExplorer, driven from Python: its paths are minigrad.optim's, step for step."""

import re
from xml.etree import ElementTree

import numpy as np
import pytest

import minigrad
from minigrad.optim import SGD, Adam
from widgets.descent_explorer import LINE_X, LINE_Y, SURFACES, DescentExplorer

from .svg_reading import SVG, colour_bars, font_sizes, images, legend_markers, legend_texts

# The surfaces written out again, independently of the widget's code.
BY_HAND = {
    "bowl": lambda p: p[0] ** 2 + p[1] ** 2,
    "valley": lambda p: 0.5 * p[0] ** 2 + 10 * p[1] ** 2,
    "rosenbrock": lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
    "line_fit": lambda p: (
        (
            p[0] * minigrad.Tensor(LINE_X, dtype=minigrad.float64)
            + p[1]
            - minigrad.Tensor(LINE_Y, dtype=minigrad.float64)
        )
        ** 2
    ).mean(),
    "parabola": lambda p: p[0] ** 2,
    "two_minima": lambda p: p[0] ** 4 - 3 * p[0] ** 2 + p[0],
}


def optimize_directly(surface, optimizer, lr, momentum, steps, start):
    p = minigrad.Tensor(start, dtype=minigrad.float64, requires_grad=True)
    opt = {
        "sgd": lambda: SGD([p], lr=lr),
        "momentum": lambda: SGD([p], lr=lr, momentum=momentum),
        "adam": lambda: Adam([p], lr=lr, betas=(momentum, 0.999)),
    }[optimizer]()
    path = [p.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        BY_HAND[surface](p).backward()
        opt.step()
        path.append(p.data.copy())
    return np.array(path)


def polyline_points(drawing, css_class):
    match = re.search(rf'<polyline points="([^"]*)" fill="none"[^>]*class="{css_class}"', drawing)
    assert match, f"no polyline of class {css_class}"
    return [tuple(map(float, pair.split(","))) for pair in match.group(1).split()]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("surface", ["valley", "line_fit", "two_minima"])
def test_the_trajectory_is_the_one_minigrad_optim_takes(surface, optimizer):
    explorer = DescentExplorer(surface=surface, optimizer=optimizer, momentum=0.8, steps=40)
    assert not explorer.diverged
    expected = optimize_directly(surface, optimizer, explorer.lr, 0.8, 40, SURFACES[surface].start)
    np.testing.assert_allclose(explorer.trajectory, expected, rtol=1e-12, atol=1e-14)
    with minigrad.no_grad():
        losses = [BY_HAND[surface](minigrad.Tensor(x, dtype=minigrad.float64)).item() for x in expected]
    np.testing.assert_allclose(explorer.losses, losses, rtol=1e-12, atol=1e-14)


def test_sgd_on_the_bowl_and_the_parabola_is_the_closed_form_update():
    explorer = DescentExplorer(surface="bowl", optimizer="sgd", lr=0.1, steps=30)
    x = np.array(SURFACES["bowl"].start)
    expected = [x]
    for _ in range(30):
        x = x - 0.1 * (2 * x)  # x_{k+1} = x_k - lr * grad f(x_k), grad of x^2 + y^2 is 2 (x, y)
        expected.append(x)
    np.testing.assert_array_equal(explorer.trajectory, np.array(expected))

    explorer = DescentExplorer(surface="parabola", optimizer="sgd", lr=0.2, steps=10, start=(1.5,))
    assert explorer.trajectory.shape == (11, 1)
    np.testing.assert_allclose(explorer.trajectory[:, 0], 1.5 * 0.6 ** np.arange(11), rtol=1e-13)


def test_a_large_learning_rate_on_the_bowl_diverges_and_says_where():
    explorer = DescentExplorer(surface="bowl", optimizer="sgd", lr=1.05)
    # Each step multiplies the point by 1 - 2 lr = -1.1: (-2.5, 2) -> (2.75, -2.2) -> (-3.025, 2.42), off the plot.
    assert explorer.diverged and explorer.diverged_at == 2 and explorer.outcome == "diverged"
    assert len(explorer.trajectory) == len(explorer.losses) == 3
    np.testing.assert_allclose(explorer.trajectory[-1], [-3.025, 2.42])
    assert "diverged at step 2" in explorer.status
    assert "diverged at step 2" in explorer.status_label.value
    assert 'class="exit"' in explorer.view.value and "diverged at step 2</text>" in explorer.view.value
    np.testing.assert_allclose(explorer.exit_point[0], -3.0)  # where the last segment crosses the edge x = -3
    assert repr(explorer) == "DescentExplorer(surface='bowl', optimizer='sgd', lr=1.05, 50 steps, diverged at step 2)"


def test_a_small_learning_rate_on_the_bowl_heads_steadily_for_the_minimum():
    explorer = DescentExplorer(surface="bowl", optimizer="sgd", lr=0.01, steps=200)
    distances = np.linalg.norm(explorer.trajectory, axis=1)
    assert not explorer.diverged
    assert np.all(np.diff(distances) < 0) and np.all(np.diff(explorer.losses) < 0)
    assert distances[-1] < 0.05 * distances[0]


def test_adam_makes_progress_on_rosenbrock():
    explorer = DescentExplorer(surface="rosenbrock", optimizer="adam", lr=0.2, steps=200)
    assert not explorer.diverged
    assert explorer.losses[-1] < 0.02 * explorer.losses[0]
    assert np.linalg.norm(explorer.trajectory[-1] - 1) < 0.5 * np.linalg.norm(explorer.trajectory[0] - 1)


def test_converging_to_a_local_or_the_global_minimum_is_told_apart():
    sgd = DescentExplorer(surface="two_minima", optimizer="sgd")
    assert sgd.outcome == "converged" and "a local minimum at x = 1.13" in sgd.status
    momentum = DescentExplorer(surface="two_minima", optimizer="momentum", steps=100)
    assert momentum.outcome == "converged" and "the global minimum at x = -1.3" in momentum.status


def test_the_line_fits_minimum_is_least_squares_and_the_widget_gets_there():
    ((w, b),) = SURFACES["line_fit"].minima
    np.testing.assert_allclose([w, b], np.polyfit(LINE_X, LINE_Y, 1), rtol=1e-12)
    explorer = DescentExplorer(surface="line_fit", optimizer="sgd", lr=0.1, steps=200)
    assert explorer.outcome == "converged"
    np.testing.assert_allclose(explorer.trajectory[-1], [w, b], atol=1e-3)


def test_2d_surfaces_draw_a_heatmap_and_1d_surfaces_draw_a_curve():
    for name, surface in SURFACES.items():
        drawing = DescentExplorer(surface=name).view.value
        if surface.dims == 2:
            assert 'class="surface-curve"' not in drawing
            # One smooth image, not a grid of squares: a PNG fine enough that the browser's smoothing
            # shows a surface, as wide and high as the plot in the same proportions as the extent.
            ((pixels, (_, _, width, height)),) = images(drawing, "heatmap")
            assert drawing.count("<rect") < 20
            assert max(pixels.shape[:2]) >= 150
            assert pixels.shape[1] / pixels.shape[0] == pytest.approx(width / height, rel=0.02)
            (x0, x1), (y0, y1) = surface.extent
            assert width / height == pytest.approx((x1 - x0) / (y1 - y0), rel=0.01)
            # About as light (a large sum of RGB) at the minimum as the lightest pixel, far lighter than the darkest.
            column = int((surface.minima[0][0] - x0) / (x1 - x0) * pixels.shape[1])
            row = int((y1 - surface.minima[0][1]) / (y1 - y0) * pixels.shape[0])
            brightness = pixels.astype(int).sum(axis=2)
            spread = brightness.max() - brightness.min()
            assert spread > 300
            assert brightness[row, column] >= brightness.max() - 0.03 * spread
        else:
            curve = polyline_points(drawing, "surface-curve")
            assert len(curve) > 100
            xs = [x for x, _ in curve]
            assert xs == sorted(xs)


def test_the_svg_holds_the_trajectory_from_start_to_end():
    explorer = DescentExplorer(surface="valley", optimizer="momentum", steps=30)
    drawing = explorer.view.value
    path = polyline_points(drawing, "trajectory")
    assert len(path) == len(explorer.trajectory) == 31
    assert drawing.count('class="iterate"') == 31
    assert 'class="start"' in drawing and 'class="end"' in drawing
    # Screen x grows with the parameter's x: the path's horizontal order is the trajectory's.
    order = np.argsort(explorer.trajectory[:, 0], kind="stable")
    screen = np.array([x for x, _ in path])
    assert np.all(np.diff(screen[order]) >= -0.1)
    assert drawing == DescentExplorer(surface="valley", optimizer="momentum", steps=30).view.value


def test_every_control_reruns():
    explorer = DescentExplorer(surface="bowl")
    runs, path = explorer.runs, explorer.trajectory
    explorer.lr_slider.value = 0.02
    assert explorer.runs == runs + 1 and not np.array_equal(explorer.trajectory, path)
    explorer.steps_slider.value = 20
    assert len(explorer.trajectory) == 21
    explorer.start_x_slider.value = 1.0
    assert explorer.trajectory[0, 0] == 1.0
    explorer.optimizer_dropdown.value = "adam"
    assert not explorer.momentum_slider.disabled
    before = explorer.trajectory
    explorer.momentum_slider.value = 0.5
    assert not np.array_equal(explorer.trajectory, before)
    runs = explorer.runs
    explorer.surface_dropdown.value = "rosenbrock"
    assert explorer.runs == runs + 1  # one run, though the start and lr sliders moved too
    assert explorer.lr == SURFACES["rosenbrock"].default_lr("adam")
    assert tuple(explorer.trajectory[0]) == SURFACES["rosenbrock"].start
    explorer.surface_dropdown.value = "parabola"
    assert explorer.trajectory.shape[1] == 1 and explorer.start_y_slider.layout.visibility == "hidden"
    explorer.optimizer_dropdown.value = "sgd"
    assert explorer.momentum_slider.disabled


def test_the_repr_is_short_and_stable():
    assert repr(DescentExplorer()) == "DescentExplorer(surface='bowl', optimizer='sgd', lr=0.1, 50 steps, converged)"
    assert (
        repr(DescentExplorer(surface="valley", optimizer="adam"))
        == "DescentExplorer(surface='valley', optimizer='adam', lr=0.05, 50 steps, not converged)"
    )


def test_unknown_names_are_errors_that_list_the_choices():
    with pytest.raises(ValueError, match="choose one of bowl, valley"):
        DescentExplorer(surface="saddle")
    with pytest.raises(ValueError, match="choose one of sgd, momentum, adam"):
        DescentExplorer(optimizer="lbfgs")


@pytest.mark.parametrize("lr", [0.11, 0.05, 0.3, 0.0123])
def test_a_learning_rate_from_code_is_the_one_used_and_shown(lr):
    explorer = DescentExplorer(surface="valley", optimizer="sgd", lr=lr)
    assert explorer.lr == lr and explorer.lr_slider.label == f"{lr:g}"
    assert f"lr {lr:g}:" in explorer.status_label.value and f"lr={lr:g}," in repr(explorer)
    # What the page sends back for the slider is its index, which points at the rate itself.
    explorer.lr_slider.set_state({"index": explorer.lr_slider.index})
    assert explorer.lr == lr
    optimizer = SGD([minigrad.Tensor(SURFACES["valley"].start, requires_grad=True)], lr=lr)
    assert optimizer.lr == explorer.lr


def test_adam_on_rosenbrock_starts_with_a_rate_that_moves():
    explorer = DescentExplorer(surface="rosenbrock", optimizer="adam")
    assert explorer.lr == SURFACES["rosenbrock"].default_lr("adam") == 0.3
    start, end = explorer.trajectory[0], explorer.trajectory[-1]
    assert np.linalg.norm(end - start) > 0.8  # at lr 0.001 it travelled 0.07
    assert explorer.losses[-1] < explorer.losses[0] / 5


def test_the_lr_follows_the_optimizer_unless_chosen():
    explorer = DescentExplorer(surface="rosenbrock", optimizer="sgd")
    assert explorer.lr == 0.001
    explorer.optimizer_dropdown.value = "adam"
    assert explorer.lr == 0.3
    explorer.lr_slider.value = 0.2
    explorer.optimizer_dropdown.value = "momentum"
    assert explorer.lr == 0.2


def test_a_start_from_code_survives_the_pages_rounding():
    explorer = DescentExplorer(surface="bowl", start=(-1.234, 0.5678))
    explorer.start_x_slider.set_state({"value": -1.23})  # the page snaps to the 0.01 step
    assert explorer.start == (-1.234, 0.5678)
    explorer.start_x_slider.set_state({"value": -1.0})  # a drag is a change
    assert explorer.start == (-1.0, 0.5678)


def loss_of(surface, point):
    with minigrad.no_grad():
        return BY_HAND[surface](minigrad.Tensor(point, dtype=minigrad.float64)).item()


@pytest.mark.parametrize("name", ["bowl", "valley", "rosenbrock", "line_fit"])
def test_the_heatmap_has_a_colour_bar_from_the_minimum_loss_to_the_highest_in_view(name):
    surface = SURFACES[name]
    drawing = DescentExplorer(surface=name).view.value
    caption = "loss (colours on a log scale)" if surface.log_colour else "loss"
    bar = colour_bars(drawing)[caption]
    assert bar["caption_shown"]
    assert bar["low"] == pytest.approx(loss_of(name, surface.minima[0]), rel=1e-5, abs=1e-12)  # written to 6 digits
    (x0, x1), (y0, y1) = surface.extent
    # The heatmap samples the centres of its pixels: its highest loss lies just inside the extent's.
    highest = max(loss_of(name, (x, y)) for x in (x0, x1) for y in (y0, y1))
    assert 0.9 * highest < bar["high"] <= highest
    assert float(bar["low_text"]) == pytest.approx(bar["low"], rel=1e-2, abs=1e-12)
    assert float(bar["high_text"]) == pytest.approx(bar["high"], rel=1e-2)
    # Its colours are the heatmap's own: from the lightest pixel of the map to the darkest.
    ((pixels, _),) = images(drawing, "heatmap")
    brightness = pixels.astype(int).sum(axis=2)
    np.testing.assert_allclose(bar["pixels"][0], pixels.reshape(-1, 3)[brightness.argmax()], atol=4)
    np.testing.assert_allclose(bar["pixels"][-1], pixels.reshape(-1, 3)[brightness.argmin()], atol=4)
    if surface.log_colour:  # the ticks are losses a power of ten above the minimum, left to right
        ticks = [float(t) for t in bar["ticks"]]
        assert ticks and ticks == sorted(ticks)
        assert all(np.log10(t - bar["low"]) == pytest.approx(round(np.log10(t - bar["low"])), abs=0.01) for t in ticks)


def test_1d_surfaces_have_no_colour_bar():
    assert colour_bars(DescentExplorer(surface="parabola").view.value) == {}


def test_the_legend_names_the_path_the_start_the_end_and_the_minimum():
    explorer = DescentExplorer(surface="valley", optimizer="momentum", steps=30)
    assert legend_texts(explorer.view.value) == ["path: a dot per step", "start", "end, after 30 steps", "minimum"]
    diverged = DescentExplorer(surface="bowl", optimizer="sgd", lr=1.05)
    assert legend_texts(diverged.view.value) == ["path: a dot per step", "start", "where it diverged", "minimum"]
    two = DescentExplorer(surface="two_minima", steps=7)
    assert legend_texts(two.view.value) == [
        "path: a dot per step",
        "start",
        "end, after 7 steps",
        "global minimum",
        "local minimum",
        "loss curve",
    ]


def test_the_legends_markers_look_like_the_plots():
    explorer = DescentExplorer(surface="bowl", optimizer="sgd", lr=1.05)
    root = ElementTree.fromstring(explorer.view.value)
    (markers,) = legend_markers(explorer.view.value)
    start = next(e for e in root.iter(f"{SVG}circle") if e.get("class") == "start")
    exit_mark = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "exit")
    path = next(e for e in root.iter(f"{SVG}polyline") if e.get("class") == "trajectory")
    circles = [e for e in markers if e.tag == f"{SVG}circle"]
    lines = [e for e in markers if e.tag == f"{SVG}line"]
    assert any(c.get("fill") == start.get("fill") and c.get("stroke") == start.get("stroke") for c in circles)
    assert any(line.get("stroke") == exit_mark.get("stroke") == "#b2182b" for line in lines)
    assert any(line.get("stroke") == path.get("stroke") for line in lines)
    # Every marker of the path is counted apart from the plot's own: one iterate per point, as before.
    assert explorer.view.value.count('class="iterate"') == len(explorer.trajectory) - 1


@pytest.mark.parametrize(
    "name, x_name, y_name",
    [("valley", "parameter x", "parameter y"), ("line_fit", "w, the slope", "b, the intercept"), ("parabola", "parameter x", "loss")],
)
def test_the_axes_are_named_and_numbered(name, x_name, y_name):
    root = ElementTree.fromstring(DescentExplorer(surface=name).view.value)
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-name"]
    assert names == [x_name, y_name, "step"]
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    x0, x1 = SURFACES[name].extent[0]
    assert f"{x0:g}" in ticks and f"{x1:g}" in ticks


def test_the_diverged_label_sits_on_a_white_box():
    root = ElementTree.fromstring(DescentExplorer(surface="valley", optimizer="sgd", lr=0.11).view.value)
    children = list(root)
    label = next(i for i, e in enumerate(children) if e.get("class") == "diverged-label")
    assert children[label].text == "diverged at step 3"
    box = children[label - 1]
    assert box.tag == f"{SVG}rect" and box.get("fill") == "white" and float(box.get("fill-opacity")) >= 0.85
    # The box holds the whole text, with the drawings' 0.6 em wide letters.
    assert float(box.get("width")) >= 0.6 * 12 * len("diverged at step 3")
    assert float(box.get("x")) <= float(children[label].get("x"))


@pytest.mark.parametrize("optimizer, words", [("sgd", "p <- p - lr * grad"), ("momentum", "v <- momentum * v + grad"),
                                              ("adam", "m / (sqrt(v) + eps)")])
def test_the_drawing_says_what_a_step_does(optimizer, words):
    root = ElementTree.fromstring(DescentExplorer(surface="bowl", optimizer=optimizer).view.value)
    (rule,) = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "rule"]
    assert rule.startswith("each step:") and words in rule


@pytest.mark.parametrize("name", list(SURFACES))
def test_every_text_is_at_least_12_px_and_the_drawing_fits_720_px(name):
    drawing = DescentExplorer(surface=name).view.value
    assert min(font_sizes(drawing)) >= 12
    assert float(ElementTree.fromstring(drawing).get("width")) <= 700
