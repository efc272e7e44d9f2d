"""NeuronExplorer, driven from Python: its numbers are those of a Value graph built by hand."""

import math
import re
from xml.etree import ElementTree

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad import Value
from widgets import svg
from widgets.neuron_explorer import NeuronExplorer, forward

from .svg_reading import SVG, colour_bars, font_sizes, images, legend_markers, legend_texts

TARGETS = {"tanh": (-1.0, 1.0), "linear": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 1.0)}


def act(z, activation):
    return {"tanh": z.tanh, "sigmoid": z.sigmoid, "relu": z.relu, "linear": lambda: z}[activation]()


def by_hand(explorer):
    """The loss and the gradients from a fresh Value computation, written out without the widget's code."""
    p = {name: Value(value) for name, value in explorer.parameters.items()}
    low, high = TARGETS[explorer.activation]
    total = Value(0.0)
    for (x1, x2), positive in zip(explorer.points, explorer.labels):
        if explorer.hidden == 0:
            out = act(p["w1"] * x1 + p["w2"] * x2 + p["b"], explorer.activation)
        else:
            h1 = act(p["h1_w1"] * x1 + p["h1_w2"] * x2 + p["h1_b"], explorer.activation)
            h2 = act(p["h2_w1"] * x1 + p["h2_w2"] * x2 + p["h2_b"], explorer.activation)
            out = act(p["o_w1"] * h1 + p["o_w2"] * h2 + p["o_b"], explorer.activation)
        total = total + (out - (high if positive else low)) ** 2
    loss = total / len(explorer.points)
    loss.backward()
    return loss.data, {name: v.grad for name, v in p.items()}


def assert_matches_by_hand(explorer):
    loss, grads = by_hand(explorer)
    assert explorer.loss == pytest.approx(loss, rel=1e-12, abs=1e-15)
    assert explorer.gradients.keys() == grads.keys()
    for name, grad in grads.items():
        assert explorer.gradients[name] == pytest.approx(grad, rel=1e-10, abs=1e-14), name


def bars(explorer):
    """Each gradient bar as drawn: name -> (x, width, fill)."""
    found = re.findall(
        r'<rect x="([-\d.]+)" y="[-\d.]+" width="([\d.]+)" height="[\d.]+" fill="(#[0-9a-f]{6})" '
        r'class="grad-bar" data-param="(\w+)"',
        explorer.view.value,
    )
    return {name: (float(x), float(width), fill) for x, width, fill, name in found}


def test_one_neuron_has_three_parameters_and_its_gradients_are_those_of_a_fresh_value_graph():
    explorer = NeuronExplorer()
    assert list(explorer.parameters) == ["w1", "w2", "b"]
    assert list(explorer.sliders) == ["w1", "w2", "b"]
    assert len(explorer.outputs) == len(explorer.points) == 8
    assert_matches_by_hand(explorer)


def test_the_2_2_1_net_has_nine_parameters_and_its_gradients_are_those_of_a_fresh_value_graph():
    explorer = NeuronExplorer(hidden=2)
    assert len(explorer.parameters) == len(explorer.gradients) == len(explorer.sliders) == 9
    assert list(explorer.parameters) == ["h1_w1", "h1_w2", "h1_b", "h2_w1", "h2_w2", "h2_b", "o_w1", "o_w2", "o_b"]
    assert_matches_by_hand(explorer)


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.sampled_from([0, 2]),
    activation=st.sampled_from(["tanh", "sigmoid", "relu", "linear"]),
    values=st.lists(st.floats(-3, 3), min_size=9, max_size=9),
)
def test_for_any_parameters_and_activation_the_loss_and_gradients_match_by_hand(hidden, activation, values):
    explorer = NeuronExplorer(hidden=hidden, activation=activation)
    explorer.set_parameters(**dict(zip(explorer.names, values)))
    assert_matches_by_hand(explorer)


def test_the_outputs_are_the_loss_graphs_and_the_loss_node_is_its_root():
    explorer = NeuronExplorer()
    w1, w2, b = explorer.parameters.values()
    expected = [math.tanh(w1 * x1 + w2 * x2 + b) for x1, x2 in explorer.points]
    assert explorer.outputs == pytest.approx(expected, rel=1e-12)
    assert isinstance(explorer.loss_node, Value) and explorer.loss_node.data == explorer.loss
    leaves = {v.label for v in minigrad.topological_order(explorer.loss_node) if v.label}
    assert leaves == {"w1", "w2", "b"}


def test_the_forward_function_gives_the_same_outputs_in_tensor_mode_as_in_scalar_mode():
    explorer = NeuronExplorer(hidden=2)
    x1, x2 = (minigrad.Tensor(explorer.points[:, i], dtype=minigrad.float64) for i in range(2))
    batch = forward(explorer.parameters, x1, x2, hidden=2, activation="tanh")
    np.testing.assert_allclose(batch.numpy(), explorer.outputs, rtol=1e-12)


def test_the_step_button_moves_every_parameter_by_exactly_minus_lr_times_its_gradient_and_lowers_the_loss():
    for hidden in (0, 2):
        explorer = NeuronExplorer(hidden=hidden)
        explorer.lr_slider.value = 0.01
        before, grads, loss = explorer.parameters, explorer.gradients, explorer.loss
        explorer.step_button.click()
        assert explorer.parameters == {n: before[n] - 0.01 * grads[n] for n in before}
        assert {n: s.value for n, s in explorer.sliders.items()} == explorer.parameters
        assert explorer.loss < loss
        assert explorer.steps_taken == 1
        assert_matches_by_hand(explorer)


def test_a_few_hundred_steps_separate_the_points():
    explorer = NeuronExplorer()
    assert explorer.correct < 8
    for _ in range(200):
        explorer.take_step()
    assert explorer.correct == 8 and explorer.loss < 0.05
    explorer.reset_button.click()
    assert explorer.parameters == {"w1": 0.5, "w2": -1.0, "b": 0.5} and explorer.steps_taken == 0


def test_a_slider_move_recomputes_everything():
    explorer = NeuronExplorer()
    svg_before, loss_before = explorer.view.value, explorer.loss
    explorer.sliders["w2"].value = 1.25
    assert explorer.parameters["w2"] == 1.25
    assert explorer.loss != loss_before and explorer.view.value != svg_before
    assert_matches_by_hand(explorer)


def test_set_parameters_beyond_a_sliders_range_widens_it_instead_of_clipping():
    explorer = NeuronExplorer()
    explorer.set_parameters(w1=7.3, b=-5.5)
    assert explorer.parameters == {"w1": 7.3, "w2": -1.0, "b": -5.5}
    assert explorer.sliders["w1"].value == 7.3 and explorer.sliders["w1"].max >= 7.3
    assert explorer.sliders["b"].value == -5.5 and explorer.sliders["b"].min <= -5.5
    with pytest.raises(ValueError, match="unknown parameter w3"):
        explorer.set_parameters(w3=1.0)


def test_the_bars_show_each_gradients_sign_by_colour_and_its_relative_size_by_length():
    explorer = NeuronExplorer(hidden=2)
    drawn = bars(explorer)
    assert set(drawn) == set(explorer.names)
    grads = explorer.gradients
    largest = max(abs(g) for g in grads.values())
    longest = max(width for _, width, _ in drawn.values())
    centre = min(x for name, (x, _, _) in drawn.items() if grads[name] > 0)
    for name, (x, width, fill) in drawn.items():
        assert width == pytest.approx(abs(grads[name]) / largest * longest, abs=0.11), name
        if grads[name] > 0:
            assert fill == svg.diverging(1, 1) and x == pytest.approx(centre, abs=0.06)
        else:
            assert fill == svg.diverging(-1, 1) and x + width == pytest.approx(centre, abs=0.11)


def test_a_bar_changes_colour_when_its_gradient_changes_sign():
    explorer = NeuronExplorer()
    assert explorer.gradients["b"] < 0 and bars(explorer)["b"][2] == svg.diverging(-1, 1)
    explorer.set_parameters(b=2.0)
    assert explorer.gradients["b"] > 0 and bars(explorer)["b"][2] == svg.diverging(1, 1)


def test_the_drawing_holds_the_region_every_point_and_its_output():
    explorer = NeuronExplorer()
    drawing = explorer.view.value
    assert drawing.startswith("<svg") and drawing.count('class="point"') == 8
    for out in explorer.outputs:
        assert f">{out:.2f}</text>" in drawing
    assert "loss (MSE) = " in drawing
    assert drawing == NeuronExplorer().view.value  # deterministic


def test_the_activation_sets_the_targets_and_the_threshold():
    explorer = NeuronExplorer()
    assert list(np.unique(explorer.targets)) == [-1.0, 1.0] and explorer.threshold == 0.0
    explorer.activation_dropdown.value = "sigmoid"
    assert list(np.unique(explorer.targets)) == [0.0, 1.0] and explorer.threshold == 0.5
    assert all(0 < out < 1 for out in explorer.outputs)
    assert_matches_by_hand(explorer)


def test_a_data_set_can_be_passed_in():
    explorer = NeuronExplorer(points=[[0, 1], [1, 0], [2, 2]], labels=[1, -1, 0], parameters={"w1": 1, "w2": 0, "b": 0})
    assert list(explorer.labels) == [True, False, False]
    assert explorer.outputs == pytest.approx([0.0, math.tanh(1), math.tanh(2)])
    assert_matches_by_hand(explorer)
    with pytest.raises(ValueError, match="3 points but labels"):
        NeuronExplorer(points=[[0, 1], [1, 0], [2, 2]], labels=[1, 0])
    with pytest.raises(ValueError, match="n x 2"):
        NeuronExplorer(points=[0, 1, 2], labels=[1, 0, 1])


def test_the_repr_is_short_stable_and_says_what_is_shown():
    assert repr(NeuronExplorer()) == "NeuronExplorer(hidden=0, activation='tanh', 8 points, loss=1.711, 4/8 correct)"
    assert repr(NeuronExplorer(hidden=2)) == repr(NeuronExplorer(hidden=2))
    assert repr(NeuronExplorer(hidden=2)).startswith("NeuronExplorer(hidden=2, activation='tanh', 8 points, loss=")


def test_values_from_code_survive_the_pages_rounding():
    explorer = NeuronExplorer(lr=0.3)
    assert explorer.lr == 0.3 and explorer.lr_slider.label == "0.3"
    explorer.take_step()
    exact = {name: slider.value for name, slider in explorer.sliders.items()}
    assert any(round(v, 3) != v for v in exact.values())  # a step leaves the 0.001 grid
    for slider in explorer.sliders.values():  # the page snaps each to its step and sends it back
        slider.set_state({"value": round(slider.value, 3)})
    assert {name: slider.value for name, slider in explorer.sliders.items()} == exact
    assert {name: explorer._values[name] for name in exact} == exact


@pytest.mark.parametrize(
    "activation, low, high, ends, threshold",
    [
        ("tanh", -1, 1, ("-1", "1"), "0"),
        ("sigmoid", 0, 1, ("0", "1"), "0.5"),
        ("relu", 0, 1.5, ("0", ">= 1.5"), "0.5"),
        ("linear", -2, 2, ("<= -2", ">= 2"), "0"),
    ],
)
def test_the_regions_colours_have_a_colour_bar_over_the_outputs_range(activation, low, high, ends, threshold):
    explorer = NeuronExplorer(activation=activation)
    (bar,) = colour_bars(explorer.view.value).values()
    assert bar["caption_shown"] and f"({activation})" in next(iter(colour_bars(explorer.view.value)))
    assert (bar["low"], bar["high"]) == (low, high)
    assert (bar["low_text"], bar["high_text"]) == ends
    assert bar["ticks"] == [f"{threshold}: the boundary"]
    # The bar is the region's own colour scale: white at the threshold, and the region's pixels
    # (each the output at one place) take the bar's colour for that output.
    pixels = bar["pixels"]
    middle = pixels[round((float(threshold) - low) / (high - low) * (len(pixels) - 1))]
    assert np.all(middle >= 240)
    ((region, _),) = images(explorer.view.value, "region")
    outputs = np.clip(explorer._region(), low, high)
    positions = np.rint((outputs - low) / (high - low) * (len(pixels) - 1)).astype(int)
    np.testing.assert_allclose(region.astype(int), pixels[positions].astype(int), atol=4)


def test_the_region_is_one_smooth_image_not_a_grid_of_squares():
    drawing = NeuronExplorer(hidden=2).view.value
    ((region, box),) = images(drawing, "region")
    assert region.shape[:2] == (60, 60) and box[2] == box[3] == 300
    assert drawing.count("<rect") < 40


def test_the_legend_names_the_classes_the_orange_ring_and_the_bars_colours():
    explorer = NeuronExplorer()
    assert legend_texts(explorer.view.value) == [
        "grad > 0",
        "grad < 0",
        "class 1: target 1",
        "class 0: target -1",
        "misclassified",
    ]
    assert "class 0: target 0" in legend_texts(NeuronExplorer(activation="sigmoid").view.value)
    # The markers are drawn as the plot draws them: the ring in the highlight colour, classes in red and blue.
    grads, points = legend_markers(explorer.view.value)
    assert [e.get("fill") for e in grads] == [svg.diverging(1, 1), svg.diverging(-1, 1)]
    assert [(e.get("fill"), e.get("stroke")) for e in points] == [
        (svg.diverging(1, 1), svg.INK),
        (svg.diverging(-1, 1), svg.INK),
        ("white", svg.HIGHLIGHT),
    ]
    wrong = [e for e in ElementTree.fromstring(explorer.view.value).iter(f"{SVG}circle")
             if e.get("class") == "point" and e.get("stroke") == svg.HIGHLIGHT]
    assert len(wrong) == 8 - explorer.correct


def test_the_axes_are_named_and_numbered():
    explorer = NeuronExplorer()
    root = ElementTree.fromstring(explorer.view.value)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-name"] == ["input x1", "input x2"]
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks.count("2.5") == ticks.count("-2.5") == ticks.count("0") == 2


@pytest.mark.parametrize("hidden", [0, 2, 4])
def test_text_is_at_least_12_px_and_the_drawing_fits_720_px(hidden):
    drawing = NeuronExplorer(hidden=hidden).view.value
    assert min(font_sizes(drawing)) >= 12
    root = ElementTree.fromstring(drawing)
    assert float(root.get("width")) <= 700
    # Nothing is drawn below the bottom of the drawing, however many parameters there are.
    height = float(root.get("height"))
    assert max(float(t.get("y")) for t in root.iter(f"{SVG}text")) <= height - 4


def test_a_page_echo_kept_at_the_exact_value_is_still_answered(monkeypatch):
    # ipywidgets echoes the page's change back and the page applies the echo: it must carry the exact
    # value the kernel kept, not nothing (then the page would keep showing its snapped value).
    from widgets.base import ExactSlider

    slider = ExactSlider(value=0.0625, min=-1.0, max=1.0, step=0.05)
    sent = []
    monkeypatch.setattr(slider, "_send", lambda msg, buffers=None: sent.append(msg))
    slider.set_state({"value": 0.05})  # the page snapped 0.0625 to its step
    assert slider.value == 0.0625
    assert [m["state"] for m in sent if m.get("method") == "echo_update"] == [{"value": 0.0625}]
    slider.set_state({"value": 0.5})  # a drag is a change
    assert slider.value == 0.5
