"""DepthExplorer, driven from Python: its statistics are those of the same network computed by hand in
NumPy, the claims lesson 09 makes with it hold, and its drawing is readable (every text at least 12 px,
a legend, within 720 px)."""

import math
import re
from xml.etree import ElementTree

import numpy as np
import pytest

from widgets import DepthExplorer
from widgets.depth_explorer import (ACTIVATION_COLOUR, DEAD_COLOUR, GRADIENT_COLOUR, INITS, LOSS_COLOUR, QUANTILES,
                                    build_mlp)

from .svg_reading import SVG, legend_markers, legend_texts

SMALL = {"depth": 4, "width": 32}  # the tests that read numbers use a small network: they run fast


def by_hand(explorer):
    """Forward and backward of the explorer's network in float64 NumPy, from its initial weights."""
    model = build_mlp(explorer.depth, explorer.width, explorer.activation, explorer.init, False, explorer.seed)
    linears = [layer for layer in model if hasattr(layer, "weight")]
    x, labels = explorer.inputs.numpy().astype(np.float64), explorer.labels.numpy()
    pre, hidden, h = [], [], x
    for linear in linears[:-1]:
        z = h @ linear.weight.numpy().astype(np.float64).T + linear.bias.numpy()
        h = np.tanh(z) if explorer.activation == "tanh" else np.maximum(z, 0)
        pre.append(z)
        hidden.append(h)
    out = linears[-1]
    logits = h @ out.weight.numpy().astype(np.float64).T + out.bias.numpy()
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(len(labels)), labels]))
    g = (p - np.eye(10)[labels]) / len(labels) @ out.weight.numpy().astype(np.float64)
    grads = [None] * len(hidden)
    for i in reversed(range(len(hidden))):
        grads[i] = g
        local = 1 - hidden[i] ** 2 if explorer.activation == "tanh" else (pre[i] > 0).astype(float)
        g = (g * local) @ linears[i].weight.numpy().astype(np.float64)
    return hidden, grads, loss


@pytest.mark.parametrize("activation, scheme", [("tanh", "xavier"), ("relu", "he"), ("relu", "default")])
def test_the_statistics_are_those_of_the_network_computed_by_hand(activation, scheme):
    explorer = DepthExplorer(activation=activation, init=scheme, **SMALL)
    hidden, grads, loss = by_hand(explorer)
    assert explorer.initial_loss == pytest.approx(loss, rel=1e-5)
    for stat, h in zip(explorer.activation_stats, hidden):
        assert stat["std"] == pytest.approx(h.std(), rel=1e-4)
        np.testing.assert_allclose(stat["quantiles"], np.percentile(h, QUANTILES, method="nearest"), rtol=1e-4, atol=1e-6)
    for stat, g in zip(explorer.gradient_stats, grads):
        assert stat["std"] == pytest.approx(np.abs(g).std(), rel=1e-3)
    dead = [float(np.mean(np.all(h == 0, axis=0))) if activation == "relu" else float(np.mean(np.abs(h) > 0.97))
            for h in hidden]
    assert explorer.dead_fraction == pytest.approx(dead, abs=1e-12)
    explorer.close()


def test_he_keeps_relu_activations_steady_and_too_small_makes_them_vanish():
    explorer = DepthExplorer(depth=10, width=256, activation="relu", init="he")
    stds = [s["std"] for s in explorer.activation_stats]
    assert 0.5 < min(stds) and max(stds) < 2 * min(stds)
    explorer.set(init="too small")
    stds = [s["std"] for s in explorer.activation_stats]
    assert stds[-1] < 1e-8 * stds[0]
    assert explorer.initial_loss == pytest.approx(math.log(10), abs=1e-3), "outputs near 0 give every class 1/10"
    explorer.set(batch_norm=True)
    stds = [s["std"] for s in explorer.activation_stats]
    assert 0.5 < min(stds) and max(stds) < 1.5 * min(stds), "BatchNorm restores the spread whatever the init"
    explorer.close()


def test_too_large_saturates_tanh_and_training_lowers_the_loss_of_a_good_start():
    explorer = DepthExplorer(depth=10, width=256, activation="tanh", init="too large")
    assert explorer.dead_fraction[-1] > 0.8
    assert explorer.initial_loss > 5 * math.log(10)
    explorer.set(init="xavier")
    assert explorer.dead_fraction[-1] < 0.05
    assert explorer.final_loss < explorer.initial_loss - 0.1
    assert len(explorer.losses) == 4
    explorer.close()


def test_moving_a_control_updates_once_and_the_same_settings_draw_the_same_picture():
    explorer = DepthExplorer(**SMALL)
    explorer.depth_slider.value = 3
    assert len(explorer.activation_stats) == len(explorer.gradient_stats) == len(explorer.dead_fraction) == 3
    assert len(re.findall('class="activation-band"', explorer.view.value)) == 3
    again = DepthExplorer(depth=3, width=32)
    assert again.view.value == explorer.view.value
    assert repr(again) == repr(explorer)
    for e in (explorer, again):
        e.close()


def test_repr_is_short_and_says_the_settings():
    explorer = DepthExplorer(activation="relu", init="he", batch_norm=True, **SMALL)
    text = repr(explorer)
    assert len(text) < 160
    assert text.startswith("DepthExplorer(depth=4, width=32, activation='relu', init='he', batch_norm=True, loss ")
    explorer.close()
    assert repr(explorer) == text


def test_the_drawing_is_readable_in_a_720_px_output_area():
    for settings in [{"activation": "tanh", "init": "too large"}, {"activation": "relu", "init": "too small", "depth": 20}]:
        explorer = DepthExplorer(**settings)
        drawing = explorer.view.value
        width = float(re.search(r'<svg [^>]*width="([\d.]+)"', drawing).group(1))
        assert width <= 720
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', drawing)]
        assert sizes and min(sizes) >= 12
        for words in ("5-95 %", "25-75 %", "median", "ln 10", INITS[explorer.init]):
            assert words in drawing, words
        assert "nan" not in re.sub(r"<text[^>]*>[^<]*</text>", "", drawing), "no NaN coordinate reaches the SVG"
        explorer.close()


def test_an_exploding_network_draws_without_warnings(recwarn):
    explorer = DepthExplorer(activation="relu", init="too large")
    assert explorer.activation_stats[-1]["std"] > 1e8
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    explorer.close()


@pytest.mark.parametrize("settings, message", [
    ({"depth": 0}, "depth must be an int from 1 to 20"),
    ({"width": 100}, "width must be one of"),
    ({"activation": "gelu"}, "unknown activation 'gelu'"),
    ({"init": "lecun"}, "unknown init 'lecun'"),
    ({"batch_norm": 1}, "batch_norm must be True or False"),
])
def test_bad_settings_name_the_explorer(settings, message):
    with pytest.raises(ValueError, match=f"DepthExplorer: {message}"):
        DepthExplorer(**settings)


def test_set_refuses_an_unknown_setting_and_leaves_the_state():
    explorer = DepthExplorer(**SMALL)
    before = repr(explorer)
    with pytest.raises(ValueError, match="DepthExplorer.set: unknown setting lr"):
        explorer.set(lr=0.1)
    with pytest.raises(ValueError, match="DepthExplorer: unknown init 'huge'"):
        explorer.set(init="huge")
    assert repr(explorer) == before
    explorer.close()


@pytest.mark.parametrize("activation, what", [("relu", "dead units"), ("tanh", "saturated units")])
def test_the_legend_has_an_entry_for_every_colour_shade_and_line_drawn(activation, what):
    explorer = DepthExplorer(activation=activation, **SMALL)
    drawing = explorer.view.value
    assert legend_texts(drawing) == [
        "activations h", "|gradient|", "5-95 % of the values", "25-75 %", "median", f"fraction of {what}",
        "loss, each mini-batch of 64", "loss on the whole batch", "ln 10: knowing nothing",
    ]
    (markers,) = legend_markers(drawing)
    root = ElementTree.fromstring(drawing)
    # Every fill and stroke colour the panels use (outside the legend) has a marker of that colour in it.
    legend_colours = {e.get("fill") for e in markers} | {e.get("stroke") for e in markers}
    panel_colours = {
        e.get(attribute)
        for e in root.iter()
        if e.tag in (f"{SVG}rect", f"{SVG}line", f"{SVG}polyline", f"{SVG}circle") and e not in markers
        for attribute in ("fill", "stroke")
    } - {None, "none", "white", "#dddddd", "#888888"}  # the background, grid lines and frames
    assert panel_colours <= legend_colours
    assert {ACTIVATION_COLOUR, GRADIENT_COLOUR, DEAD_COLOUR, LOSS_COLOUR} <= legend_colours
    # The two shades of the bands are the legend's two opacities.
    band_opacities = {e.get("fill-opacity") for e in root.iter(f"{SVG}rect") if e.get("fill") == ACTIVATION_COLOUR}
    assert band_opacities <= {e.get("fill-opacity") for e in markers if e.tag == f"{SVG}rect"}
    explorer.close()


def test_the_loss_panel_numbers_its_steps():
    explorer = DepthExplorer(**SMALL)
    root = ElementTree.fromstring(explorer.view.value)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "step-tick"] == ["0", "1", "2", "3", "4"]
    explorer.close()
