"""TrainingPlayground, driven from Python as a learner's clicks would drive it."""

import base64
import re
import struct
import zlib

import numpy as np
import pytest

from minigrad import Tensor, float64, nn
from minigrad.nn import functional as F
from minigrad.optim import SGD
from widgets import svg as svg_module
from widgets import playground as playground_module
from widgets.playground import TrainingPlayground


def parameters(playground):
    return [a.copy() for pair in playground.layer_weights() for a in pair]


def group(svg, kind):
    """The opening tag and the contents of the group <g class="kind" ...> ... </g>."""
    return re.search(rf'(<g class="{kind}"[^>]*>)(.*?)</g>', svg).groups()


def circles(svg, kind):
    return re.findall(r"<circle [^>]*/>", group(svg, kind)[1])


def font_sizes(svg):
    return [float(size) for size in re.findall(r'font-size="([0-9.]+)"', svg)]


def test_a_tensor_step_is_one_sgd_step_on_the_batch():
    playground = TrainingPlayground(dataset="moons", activation="tanh", lr=0.2, l2=0.001, batch_size=10, seed=4)
    playground.step()
    X, y = playground.last_batch
    assert X.shape == (10, 2) and y.shape == (10,)
    # The batch is 10 distinct training points with their labels.
    rows = [np.flatnonzero((playground.X_train == x).all(axis=1)) for x in X]
    assert all(len(r) == 1 for r in rows) and len({int(r[0]) for r in rows}) == 10
    np.testing.assert_array_equal(playground.y_train[[int(r[0]) for r in rows]], y)

    # The same network by hand: one generator, seeded once, handed to each Linear in turn.
    rng = np.random.default_rng(4)
    twin = nn.Sequential(
        nn.Linear(2, 8, dtype=float64, generator=rng),
        nn.Tanh(),
        nn.Linear(8, 8, dtype=float64, generator=rng),
        nn.Tanh(),
        nn.Linear(8, 1, dtype=float64, generator=rng),
    )
    optimizer = SGD(twin.parameters(), lr=0.2, weight_decay=0.001)
    loss = F.binary_cross_entropy_with_logits(twin(Tensor(X, dtype=float64)).reshape(-1), Tensor(y, dtype=float64))
    loss.backward()
    optimizer.step()
    for mine, theirs in zip(parameters(playground), [p.data for p in twin.parameters()]):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize(
    "settings",
    [
        {"dataset": "circle", "activation": "tanh", "lr": 1.0},
        {"dataset": "xor", "noise": 0.0, "activation": "relu", "lr": 1.0},
    ],
)
def test_training_reaches_high_train_accuracy(settings):
    playground = TrainingPlayground(**settings)
    playground.step(300)
    first, last = playground.history[0], playground.history[-1]
    assert last["step"] == playground.step_count == 300 and len(playground.history) == 301
    assert last["train_loss"] < first["train_loss"] / 3
    assert last["train_accuracy"] >= 0.95
    assert last["test_accuracy"] >= 0.85


def test_changing_the_learning_rate_takes_effect_at_the_next_step_without_a_reset():
    playground = TrainingPlayground(lr=0.01)
    playground.step(3)
    model, optimizer, before = playground.model, playground.optimizer, parameters(playground)
    playground.lr_slider.value = 0.5
    playground.l2_slider.value = 0.01
    assert playground.optimizer is optimizer and playground.model is model
    assert optimizer.lr == 0.5 and optimizer.weight_decay == 0.01
    assert playground.step_count == 3 and len(playground.history) == 4
    for a, b in zip(before, parameters(playground)):
        np.testing.assert_array_equal(a, b)

    playground.step()
    # The step used the new rate and L2: p <- p - 0.5 (grad + 0.01 p), grad as the step left it.
    grads = [p.grad for p in model.parameters()]
    for old, new, g in zip(before, parameters(playground), grads):
        np.testing.assert_allclose(new, old - 0.5 * (g + 0.01 * old), rtol=1e-12, atol=1e-15)
    assert playground.step_count == 4


@pytest.mark.parametrize(
    "control, value",
    [
        ("dataset_picker", "xor"),
        ("noise_slider", 0.25),
        ("split_slider", 70),
        ("layers_slider", 1),
        ("neurons_slider", 4),
        ("activation_picker", "relu"),
        ("mode_picker", "scalar"),
        ("seed_box", 3),
    ],
)
def test_changing_data_network_or_mode_resets(control, value):
    playground = TrainingPlayground()
    playground.step(3)
    model = playground.model
    getattr(playground, control).value = value
    assert playground.step_count == 0
    assert [h["step"] for h in playground.history] == [0]
    assert playground.model is not model
    assert playground.optimizer.params == list(playground.model.parameters())


def test_changing_the_batch_size_does_not_reset():
    playground = TrainingPlayground()
    playground.step(2)
    playground.batch_slider.value = 25
    assert playground.step_count == 2
    playground.step()
    assert len(playground.last_batch[0]) == 25 and playground.step_count == 3


def test_the_reset_sizes_the_split_and_the_network():
    playground = TrainingPlayground(n_samples=200)
    playground.split_slider.value = 70
    playground.layers_slider.value = 3
    playground.neurons_slider.value = 5
    assert (len(playground.X_train), len(playground.X_test)) == (140, 60)
    assert playground.layers == [2, 5, 5, 5, 1]
    assert [w.shape for w, _ in playground.layer_weights()] == [(5, 2), (5, 5), (5, 5), (1, 5)]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_scalar_and_tensor_modes_start_from_the_same_weights_and_loss(activation):
    settings = {"dataset": "spiral", "hidden_layers": 2, "neurons": 6, "activation": activation, "seed": 11}
    tensor = TrainingPlayground(mode="tensor", **settings)
    scalar = TrainingPlayground(mode="scalar", **settings)
    for a, b in zip(parameters(tensor), parameters(scalar)):
        np.testing.assert_array_equal(a, b)
    for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        assert scalar.history[0][key] == pytest.approx(tensor.history[0][key], rel=1e-12)


def test_both_modes_train_alike_as_they_see_the_same_batches():
    settings = {"dataset": "xor", "hidden_layers": 1, "neurons": 4, "batch_size": 5, "seed": 2}
    tensor, scalar = TrainingPlayground(mode="tensor", **settings), TrainingPlayground(mode="scalar", **settings)
    tensor.step(3)
    scalar.step(3)
    for a, b in zip(parameters(tensor), parameters(scalar)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert scalar.history[-1]["train_loss"] == pytest.approx(tensor.history[-1]["train_loss"], rel=1e-10)
    assert "scalar mode" in scalar.status.value and "scalar mode" not in tensor.status.value


def decode_png(uri):
    """The pixels of an 8-bit RGB PNG without filters, as png_data_uri writes it, checked by its CRCs."""
    data = base64.b64decode(uri.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        assert struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])[0] == zlib.crc32(kind + body)
        chunks[kind], offset = body, offset + 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2)
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(height, 1 + 3 * width)
    assert not rows[:, 0].any()  # filter type 0 on every row
    return rows[:, 1:].reshape(height, width, 3).astype(float)


def test_the_boundary_shows_the_heatmap_and_the_train_and_test_points():
    playground = TrainingPlayground(dataset="gaussians", grid_size=30)
    playground.step(20)
    svg = playground.boundary_svg()
    assert svg == playground.boundary_view.value
    (uri,) = re.findall(r'<image [^>]*href="(data:image/png;base64,[^"]+)"[^>]*class="heatmap"/>', svg)
    pixels = decode_png(uri)
    assert pixels.shape == (30, 30, 3)
    # The model's output on the grid, row 0 at the top, in the colours of the points' classes.
    expected = np.rint(svg_module.diverging_rgb(np.tanh(playground._grid_logits / 2), 2.0))
    assert np.array_equal(pixels, expected.reshape(30, 30, 3))
    reddish, bluish = pixels[..., 0] > pixels[..., 2] + 20, pixels[..., 2] > pixels[..., 0] + 20
    assert reddish.any() and bluish.any()  # the two classes sit on either side of the boundary
    train, test = circles(svg, "train"), circles(svg, "test")
    assert (len(train), len(test)) == (len(playground.X_train), len(playground.X_test))
    assert 'stroke="white"' in group(svg, "train")[0] and 'fill="white"' in group(svg, "test")[0]


def test_the_loss_curves_follow_the_history():
    playground = TrainingPlayground()
    playground.step(12)
    svg = playground.loss_view.value
    for name in ("train-loss", "test-loss"):
        points = re.search(rf'<polyline points="([^"]*)"[^>]*class="{name}"', svg).group(1).split()
        assert len(points) == len(playground.history) == 13
    # Long runs are thinned to a few hundred points.
    playground.step(400)
    points = re.search(r'<polyline points="([^"]*)"[^>]*class="train-loss"', playground.loss_view.value).group(1)
    assert len(points.split()) <= 300


def test_the_network_edges_grow_with_the_weights():
    playground = TrainingPlayground(hidden_layers=2, neurons=6)
    playground.step(30)
    svg = playground.network_view.value
    assert len(re.findall(r'class="neuron"', svg)) == 2 + 6 + 6 + 1
    edges = re.findall(r'<line [^>]*stroke="(#[0-9a-f]{6})" stroke-width="([0-9.]+)"/>', group(svg, "edges")[1])
    # Edges are drawn layer by layer, each weight matrix row by row.
    weights = np.concatenate([w.ravel() for w, _ in playground.layer_weights()])
    assert len(edges) == len(weights) == 2 * 6 + 6 * 6 + 6
    widths = np.array([float(width) for _, width in edges])
    order = np.argsort(np.abs(weights))
    assert np.all(np.diff(widths[order]) >= 0)
    assert widths[order[-1]] > widths[order[0]] + 0.5
    # Positive weights red, negative blue.
    for (color, _), w in zip(edges, weights):
        red, blue = int(color[1:3], 16), int(color[5:7], 16)
        assert (red >= blue) if w > 0 else (blue >= red)


def test_play_ticks_buttons_and_methods():
    playground = TrainingPlayground()
    playground.player.value += 1
    assert playground.step_count == 1  # nothing timed yet: the first tick runs one step
    per_tick = playground.steps_per_tick
    playground.player.value += 1
    assert playground.step_count == 1 + per_tick
    playground.step_button.click()
    assert playground.step_count == 2 + per_tick
    playground.play()
    assert playground.player.playing and playground.play_button.value
    assert playground.play_button.description == "pause"
    playground.play_button.value = False
    assert not playground.player.playing and playground.play_button.description == "play"
    playground.play_button.value = True
    playground.pause()
    assert not playground.player.playing and not playground.play_button.value
    playground.reset_button.click()
    assert playground.step_count == 0 and playground.player.value == 0 and len(playground.history) == 1
    playground.player.value += 1
    assert playground.step_count == 1


def test_a_diverging_run_pauses_and_says_so():
    playground = TrainingPlayground(
        dataset="gaussians", lr=10, activation="relu", hidden_layers=4, neurons=32, batch_size=100, noise=0.5
    )
    playground.play()
    playground.step(200)
    assert playground.step_count < 200 and not playground.player.playing
    assert "no longer finite" in playground.status.value


def test_repr_is_short_and_stable():
    playground = TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16)
    assert repr(playground) == "TrainingPlayground(dataset='spiral', mode='tensor', layers=[2, 16, 16, 1], step 0)"
    playground.step(2)
    assert repr(playground) == "TrainingPlayground(dataset='spiral', mode='tensor', layers=[2, 16, 16, 1], step 2)"
    assert repr(TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16)).endswith("step 0)")


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="unknown dataset"):
        TrainingPlayground(dataset="swiss roll")
    with pytest.raises(ValueError, match="l2 must be one of"):
        TrainingPlayground(l2=0.5)


@pytest.mark.parametrize("lr", [0.3, 0.03, 0.11])
def test_a_learning_rate_from_code_is_the_one_used_and_shown(lr):
    playground = TrainingPlayground(dataset="circle", hidden_layers=1, neurons=4, lr=lr)
    assert playground.lr_slider.value == lr and playground.lr_slider.label == f"{lr:g}"
    assert playground.optimizer.lr == lr
    playground.lr_slider.set_state({"index": playground.lr_slider.index})
    assert playground.lr_slider.value == lr


def test_a_tick_runs_as_many_steps_as_fit_in_its_budget():
    playground = TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16)
    playground.play()
    playground.player.value += 1  # one step, timed
    per_tick = playground.steps_per_tick
    assert per_tick > 1  # a 2-16-16-1 step and a redraw take far less than the 80 ms budget
    # The tick first takes in the round trip since the last one, so the count it runs is decided as it
    # starts: record that decision and what fitted the budget then.
    decided = []
    run_steps = playground.step

    def step_recording_the_decision(n=1):
        fit = (playground.tick_budget_ms - playground._draw_ms) / playground._train_ms
        decided.append((n, max(1, min(playground_module.MAX_STEPS_PER_TICK, int(fit)))))
        run_steps(n)

    playground.step = step_recording_the_decision
    start = playground.step_count
    playground.player.value += 1
    [(asked, fitted)] = decided
    assert asked == fitted > 1 and playground.step_count - start == asked
    # Play asks for ticks faster than they come back: the kernel's answer paces them.
    assert playground.player.interval == playground_module.PLAY_INTERVAL_MS < playground.tick_budget_ms
    assert playground.steps_per_second > 0 and playground.redraws_per_second > 0  # from the first tick to the second
    status = playground.status.value
    assert f"{playground.steps_per_second:.0f} steps/s" in status
    assert f"{playground.redraws_per_second:.0f} redraws/s" in status
    playground.pause()
    playground.step()
    assert "steps/s" not in playground.status.value and "ms per step and redraw" in playground.status.value


def test_the_steps_per_tick_adapt_to_what_a_step_a_redraw_and_the_round_trip_take():
    playground = TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16)
    assert playground.steps_per_tick == 1  # nothing timed yet
    period, least = playground_module.REDRAW_PERIOD_MS, playground_module.MIN_TICK_BUDGET_MS
    playground.pace(train_ms=1.0, draw_ms=10.0)
    assert playground.tick_budget_ms == period and playground.steps_per_tick == int(period - 10)
    # The round trip to the page comes out of the budget: a redraw every REDRAW_PERIOD_MS in all.
    playground.pace(round_trip_ms=20.0)
    budget = period - 20
    assert playground.tick_budget_ms == budget and playground.steps_per_tick == int(budget - 10)
    # One slow step (as when the kernel waited for a core) moves the estimate a little; slow steps all
    # the way; a fast one brings it down half-way at once.
    playground.pace(train_ms=4.0)
    assert int(budget - 10) / 2 < playground.steps_per_tick < int(budget - 10)
    for _ in range(100):
        playground.pace(train_ms=4.0)
    assert playground.steps_per_tick == int((budget - 10) / 4)
    playground.pace(train_ms=2.0)
    assert playground.steps_per_tick == int((budget - 10) / 3)
    for _ in range(100):
        playground.pace(train_ms=4.0)
    # A slow page leaves the tick its least budget; a redraw that fills it leaves one step.
    for _ in range(100):
        playground.pace(round_trip_ms=500.0)
    assert playground.tick_budget_ms == least and playground.steps_per_tick == int((least - 10) / 4)
    for _ in range(100):
        playground.pace(draw_ms=3.0 * least)
    assert playground.steps_per_tick == 1
    for _ in range(100):
        playground.pace(train_ms=1e-4, draw_ms=0.0)
    assert playground.steps_per_tick == playground_module.MAX_STEPS_PER_TICK
    # A reset times the new network afresh.
    playground.neurons_slider.value = 4
    assert playground.steps_per_tick == 1


def test_the_speed_readout_counts_the_steps_and_redraws_of_the_last_second():
    playground = TrainingPlayground()
    playground.play()
    for tick, now in enumerate([10.0, 10.1, 10.2, 10.3, 10.4]):
        playground._measure_speed(now)
        playground.step(20 + tick)  # 20, 21, ... steps a tick
    assert playground.steps_per_second == pytest.approx((20 + 21 + 22 + 23) / 0.4)
    assert playground.redraws_per_second == pytest.approx(4 / 0.4)
    assert "215 steps/s, 10 redraws/s" in playground.status.value
    # Ticks more than a second old drop out of the window; a pause starts a new one.
    playground._measure_speed(11.35)
    assert playground.steps_per_second == pytest.approx(24 / 0.95)  # only the tick at 10.4 is left
    playground._measure_speed(20.0)
    playground.step(5)
    playground._measure_speed(20.5)
    assert playground.steps_per_second == pytest.approx(5 / 0.5) and playground.redraws_per_second == pytest.approx(2)


def colour_bar(svg, caption):
    """(low, high, the bar's colours from low to high) of the colour bar with this caption."""
    pattern = rf'<g class="colour-bar" data-low="([^"]+)" data-high="([^"]+)" data-caption="{re.escape(caption)}">'
    pattern += "(.*?)</g>"
    match = re.search(pattern, svg)
    assert match, f"no colour bar {caption!r}"
    (uri,) = re.findall(r'href="(data:image/png;base64,[^"]+)"', match.group(3))
    return float(match.group(1)), float(match.group(2)), decode_png(uri)[0]


def test_the_heatmap_has_a_colour_bar_of_the_probability_of_class_1():
    playground = TrainingPlayground(dataset="gaussians")
    playground.step(30)
    svg = playground.boundary_view.value
    low, high, bar = colour_bar(svg, "output: probability of class 1")
    assert (low, high) == (0.0, 1.0)
    for label in ("colour-bar-low\">0<", "colour-bar-tick\">0.5<", "colour-bar-high\">1<"):
        assert label in svg  # the range, written at its ends, and the boundary between the classes
    # Each pixel of the map has the bar's colour at the probability the network gives there.
    (uri,) = re.findall(r'href="([^"]+)"[^>]*class="heatmap"', svg)
    pixels = decode_png(uri).reshape(-1, 3)
    probability = 1 / (1 + np.exp(-playground._grid_logits.ravel()))
    at = np.rint(probability * (len(bar) - 1)).astype(int)
    assert np.abs(pixels - bar[at]).max() <= 2  # the bar samples the scale at 128 points
    # The ends: blue for class 0, red for class 1, the colours of the points' classes.
    assert bar[0][2] > bar[0][0] and bar[-1][0] > bar[-1][2]
    for label in ("class 0", "class 1", "filled: train", "rings: test"):
        assert f">{label}</text>" in svg


def test_the_network_has_a_legend_of_its_colours_and_widths():
    playground = TrainingPlayground(hidden_layers=1, neurons=3)
    playground.step(50)
    svg = playground.network_view.value
    low, high, bar = colour_bar(svg, "colour: weight (edges), bias (neurons)")
    assert (low, high) == (-0.5, 0.5) and "≤ -0.5" in svg and "≥ 0.5" in svg
    # The inputs are white (they have no bias); every other neuron has the bar's colour at its bias.
    fills = re.findall(r'<circle [^>]*fill="([^"]+)"[^>]*class="neuron"/>', svg)
    assert fills[:2] == ["white", "white"] and len(fills) == 2 + 3 + 1
    biases = np.concatenate([b for _, b in playground.layer_weights()])
    for fill, bias in zip(fills[2:], biases):
        shown = np.array([int(fill[k : k + 2], 16) for k in (1, 3, 5)])
        at = int(np.rint((np.clip(bias, low, high) - low) / (high - low) * (len(bar) - 1)))
        assert np.abs(shown - bar[at]).max() <= 3
    # The widths' legend: a line as thick as an edge of each weight it names.
    legend = re.search(r'width: \|weight\|</text><g class="legend">(.*?)</g>', svg).group(1)
    shown = re.findall(r'stroke-width="([0-9.]+)"/><text [^>]*>([0-9.]+)</text>', legend)
    assert [label for _, label in shown] == ["0.1", "1", "10"]
    for width, label in shown:
        assert float(width) == pytest.approx(playground_module.edge_width(float(label)), abs=0.01)


def test_the_loss_plot_labels_its_axes_outside_the_plot():
    playground = TrainingPlayground()
    playground.step(40)
    svg = playground.loss_view.value
    assert ">loss</text>" in svg and ">training step</text>" in svg
    vertical = r'<line x1="([0-9.]+)" y1="[0-9.]+" x2="\1" y2="[0-9.]+" stroke="#888888"/>'
    axis_x = float(re.search(vertical, svg).group(1))
    ticks = re.findall(r'<text x="([0-9.]+)" y="([0-9.]+)"[^>]*text-anchor="end" class="loss-tick">([^<]+)</text>', svg)
    highest = max(max(h["train_loss"], h["test_loss"]) for h in playground.history)
    assert [label for _, _, label in ticks] == ["0", f"{highest:.2g}"]
    assert all(float(x) < axis_x for x, _, _ in ticks)  # right-aligned left of the axis
    steps = re.findall(r'<text x="[0-9.]+" y="([0-9.]+)"[^>]*class="step-tick">([0-9]+)</text>', svg)
    assert [label for _, label in steps] == ["0", "40"]
    assert all(float(y) > float(ticks[0][1]) for y, _ in steps)  # under the axis
    assert f">train {playground.history[-1]['train_loss']:.3f}</text>" in svg
    playground.reset()
    assert re.findall(r'class="step-tick">([0-9]+)</text>', playground.loss_view.value) == ["0"]  # not "0" twice


@pytest.mark.parametrize("settings", [{}, {"hidden_layers": 4, "neurons": 32}, {"mode": "scalar", "n_samples": 40}])
def test_every_text_of_the_drawings_is_at_least_12_px(settings):
    playground = TrainingPlayground(**settings)
    playground.step(2)
    for view in (playground.boundary_view, playground.network_view, playground.loss_view):
        sizes = font_sizes(view.value)
        assert sizes and min(sizes) >= 12
