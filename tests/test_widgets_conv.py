"""ConvExplorer, driven from Python as a learner's clicks would drive it: its output against NumPy
(and PyTorch when present), the engine's gradients against what they must be (the input patch and
the kernel placed over the receptive field, worked out here independently), presets, padding at
the corners, where the SVG outlines the receptive field, and the repr."""

import re
from xml.etree import ElementTree

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("sklearn")

from widgets import svg as drawing
from widgets.conv_explorer import PANELS, PRESETS, SIZE, WEIGHT_RANGE, ConvExplorer, load_digit_images

from .svg_reading import colour_bars, font_sizes, legend_texts

CORNERS = [(0, 0), (0, SIZE - 1), (SIZE - 1, 0), (SIZE - 1, SIZE - 1)]
PIXELS = [*CORNERS, (3, 4), (0, 3), (5, 7)]
SVG = "{http://www.w3.org/2000/svg}"


def reference_conv(image, kernel):
    """Cross-correlation with one ring of zero padding, one output pixel at a time."""
    padded = np.pad(image, 1)
    out = np.zeros_like(image)
    for r in range(image.shape[0]):
        for c in range(image.shape[1]):
            out[r, c] = np.sum(padded[r : r + 3, c : c + 3] * kernel)
    return out


def expected_kernel_grad(image, r, c):
    """d out[r, c] / d kernel[a, b] = padded image[r + a, c + b]: the 3x3 patch under the kernel."""
    return np.pad(image, 1)[r : r + 3, c : c + 3]


def expected_input_grad(kernel, r, c):
    """d out[r, c] / d image[i, j] = kernel[i - r + 1, j - c + 1] where that is a weight, else 0:
    the kernel laid on the padded grid at (r, c), with the padding ring cut away."""
    padded = np.zeros((SIZE + 2, SIZE + 2))
    padded[r : r + 3, c : c + 3] = kernel
    return padded[1:-1, 1:-1]


def slider_values(explorer):
    return np.array([[s.value for s in row] for row in explorer.weight_sliders])


def rect(svg, css_class):
    """(x, y, width, height) of the one rect with this class in the SVG."""
    found = [e for e in ElementTree.fromstring(svg).iter(f"{SVG}rect") if e.get("class") == css_class]
    assert len(found) == 1
    return tuple(float(found[0].get(k)) for k in ("x", "y", "width", "height"))


@pytest.fixture
def explorer():
    return ConvExplorer()


def test_starts_as_asked_with_the_digit_and_its_label(explorer):
    images, labels = load_digit_images()
    assert explorer.index == 0 and explorer.label == labels[0] == 0
    np.testing.assert_array_equal(explorer.image, images[0])
    assert explorer.image.shape == (8, 8) and 0 <= explorer.image.min() and explorer.image.max() <= 1
    assert explorer.preset == "edge" and explorer.pixel == (3, 4)
    np.testing.assert_array_equal(explorer.kernel, PRESETS["edge"])
    assert "label <b>0</b>" in explorer.label_text.value

    explorer.digit_slider.value = 17
    assert explorer.label == labels[17]
    np.testing.assert_array_equal(explorer.image, images[17])
    assert f"label <b>{labels[17]}</b>" in explorer.label_text.value
    np.testing.assert_allclose(explorer.output, reference_conv(images[17], explorer.kernel), atol=1e-12)


@pytest.mark.parametrize("index", [0, 5, 1796])
@pytest.mark.parametrize("preset", list(PRESETS))
def test_output_is_the_convolution(index, preset):
    explorer = ConvExplorer(index=index, kernel=preset)
    assert explorer.output.shape == (8, 8)
    np.testing.assert_allclose(explorer.output, reference_conv(explorer.image, PRESETS[preset]), atol=1e-12)


def test_output_matches_torch():
    torch = pytest.importorskip("torch")
    explorer = ConvExplorer(index=42)
    explorer.set_kernel(np.arange(9).reshape(3, 3) / 4 - 1)
    theirs = torch.nn.functional.conv2d(
        torch.tensor(explorer.image).reshape(1, 1, 8, 8), torch.tensor(explorer.kernel).reshape(1, 1, 3, 3), padding=1
    )
    np.testing.assert_allclose(explorer.output, theirs[0, 0].numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pixel", PIXELS)
def test_gradients_are_the_patch_and_the_placed_kernel(explorer, pixel):
    explorer.set_kernel(np.arange(1, 10).reshape(3, 3) / 2)  # every weight different, none zero
    explorer.row_slider.value, explorer.column_slider.value = pixel
    assert explorer.pixel == pixel
    np.testing.assert_array_equal(explorer.kernel_grad, expected_kernel_grad(explorer.image, *pixel))
    np.testing.assert_array_equal(explorer.input_grad, expected_input_grad(explorer.kernel, *pixel))


@pytest.mark.parametrize("pixel", CORNERS)
def test_corner_pixels_see_the_padding(pixel):
    r, c = pixel
    explorer = ConvExplorer(kernel="blur", pixel=pixel)
    explorer.digit_slider.value = 3
    # Gradients are those of the new digit at the same pixel.
    assert explorer.pixel == pixel
    # Five of the nine patch cells lie in the padding: their weight's gradient is 0 ...
    rows = [0] if r == 0 else [2]
    cols = [0] if c == 0 else [2]
    outside = np.zeros((3, 3), bool)
    outside[rows, :] = outside[:, cols] = True
    assert outside.sum() == 5
    np.testing.assert_array_equal(explorer.kernel_grad[outside], 0)
    np.testing.assert_array_equal(explorer.kernel_grad, expected_kernel_grad(explorer.image, r, c))
    # ... and only a 2x2 corner of the input receives a gradient: the kernel's other four weights.
    assert np.count_nonzero(explorer.input_grad) == 4
    np.testing.assert_array_equal(explorer.input_grad, expected_input_grad(PRESETS["blur"], r, c))
    np.testing.assert_allclose(explorer.output[r, c], np.sum(explorer.kernel_grad * explorer.kernel), atol=1e-12)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_presets_set_the_sliders(explorer, preset):
    explorer.set_kernel(np.full((3, 3), 0.5))
    assert explorer.preset == "custom"
    explorer.preset_dropdown.value = preset
    np.testing.assert_array_equal(slider_values(explorer), PRESETS[preset])
    np.testing.assert_array_equal(explorer.kernel, PRESETS[preset])
    assert explorer.preset == preset
    np.testing.assert_allclose(explorer.output, reference_conv(explorer.image, PRESETS[preset]), atol=1e-12)

    explorer.set_kernel("identity")
    np.testing.assert_array_equal(slider_values(explorer), PRESETS["identity"])
    np.testing.assert_allclose(explorer.output, explorer.image, atol=1e-12)


def test_moving_a_weight_slider_recomputes(explorer):
    before = explorer.output.copy()
    explorer.weight_sliders[0][2].value = 1.5
    kernel = PRESETS["edge"].copy()
    kernel[0, 2] = 1.5
    np.testing.assert_array_equal(explorer.kernel, kernel)
    assert explorer.preset == "custom"
    assert not np.allclose(explorer.output, before)
    np.testing.assert_allclose(explorer.output, reference_conv(explorer.image, kernel), atol=1e-12)
    np.testing.assert_array_equal(explorer.input_grad, expected_input_grad(kernel, *explorer.pixel))
    # Moving it back to the preset's value names the preset again.
    explorer.weight_sliders[0][2].value = 0.0
    assert explorer.preset == "edge"


@settings(max_examples=25, deadline=None)
@given(
    weights=st.lists(st.floats(-WEIGHT_RANGE, WEIGHT_RANGE, allow_nan=False), min_size=9, max_size=9),
    row=st.integers(0, SIZE - 1),
    column=st.integers(0, SIZE - 1),
    index=st.integers(0, 1796),
)
def test_drawn_kernels_and_pixels(weights, row, column, index):
    explorer = ConvExplorer(index=index)
    kernel = np.array(weights).reshape(3, 3)
    explorer.set_kernel(kernel)
    explorer.select_pixel(row, column)
    np.testing.assert_allclose(explorer.output, reference_conv(explorer.image, kernel), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(explorer.kernel_grad, expected_kernel_grad(explorer.image, row, column))
    np.testing.assert_array_equal(explorer.input_grad, expected_input_grad(kernel, row, column))


def test_changing_the_pixel_keeps_the_output(explorer):
    output, svg = explorer.output.copy(), explorer.svg
    explorer.select_pixel(6, 1)
    assert (explorer.row_slider.value, explorer.column_slider.value) == (6, 1)
    np.testing.assert_array_equal(explorer.output, output)
    assert explorer.svg != svg
    # Gradients come from one backward pass each: they do not pile up across pixels.
    explorer.select_pixel(3, 4)
    np.testing.assert_array_equal(explorer.input_grad, expected_input_grad(explorer.kernel, 3, 4))
    assert explorer.svg == svg


@pytest.mark.parametrize("pixel", [(3, 4), (0, 0), (7, 7), (0, 6)])
def test_svg_outlines_the_receptive_field(explorer, pixel):
    r, c = pixel
    explorer.select_pixel(r, c)
    svg = explorer.svg
    # The input is drawn with its padding ring, so image cell (i, j) is padded cell (i + 1, j + 1):
    # the receptive field, image rows r-1..r+1, starts at padded row r, and is always a full 3x3.
    x, y, cell, _ = PANELS["input"]
    assert rect(svg, "receptive-field") == (x + c * cell, y + r * cell, 3 * cell, 3 * cell)
    x, y, cell, _ = PANELS["output"]
    assert rect(svg, "output-pixel") == (x + c * cell, y + r * cell, cell, cell)
    # On the 8x8 input gradient, the outline is the receptive field cut to the image: exactly the
    # cells the engine gave a gradient (every weight is non-zero here).
    explorer.set_kernel(np.arange(1, 10).reshape(3, 3) / 4)
    rows, cols = np.nonzero(explorer.input_grad)
    x, y, cell, _ = PANELS["input_grad"]
    expected = (
        x + cols.min() * cell,
        y + rows.min() * cell,
        (cols.max() - cols.min() + 1) * cell,
        (rows.max() - rows.min() + 1) * cell,
    )
    assert rect(explorer.svg, "receptive-field-grad") == expected


def test_svg_writes_the_weights_in_the_kernel(explorer):
    explorer.set_kernel("blur")
    texts = [e.text for e in ElementTree.fromstring(explorer.svg).iter(f"{SVG}text")]
    for weight in ("0.0625", "0.125", "0.25"):
        assert weight in texts
    explorer.set_kernel(np.array([[-1, 0.5, 0], [0, 2, 0], [0, 0, -4.75]]))
    texts = [e.text for e in ElementTree.fromstring(explorer.svg).iter(f"{SVG}text")]
    for weight in ("-1", "0.5", "2", "-4.75"):
        assert weight in texts


def test_image_is_grey_and_maps_are_diverging(explorer):
    # Each cell of the image is a grey, white for 0 and black for 1, at the cell's place in the panel.
    fills = {}
    for e in ElementTree.fromstring(explorer.svg).iter(f"{SVG}rect"):
        if e.get("fill") != "none":
            fills[float(e.get("x")), float(e.get("y"))] = e.get("fill")
    x, y, cell, _ = PANELS["input"]
    for i in range(SIZE):
        for j in range(SIZE):
            level = round(255 * (1 - explorer.image[i, j]))
            assert fills[x + (j + 1) * cell, y + (i + 1) * cell] == "#" + f"{level:02x}" * 3
    assert fills[x, y] == "#ffffff"  # the padding
    # Signed maps are scaled to their largest magnitude: it is full red when positive, full blue when negative.
    assert "#b2182b" in explorer.svg and "#2166ac" not in explorer.svg  # edge on digit 0: max 4, min -1
    explorer.set_kernel(-PRESETS["edge"])
    assert "#2166ac" in explorer.svg


def test_repr_is_short_and_stable(explorer):
    assert repr(explorer) == "ConvExplorer(digit 0 (label 0), kernel 'edge', pixel (3, 4))"
    assert repr(ConvExplorer()) == repr(explorer)
    explorer.digit_slider.value = 17
    explorer.weight_sliders[1][1].value = 2.35
    explorer.select_pixel(0, 7)
    text = repr(explorer)
    assert re.fullmatch(r"ConvExplorer\(digit 17 \(label \d\), kernel 'custom', pixel \(0, 7\)\)", text)
    assert len(text) < 80


def test_state_is_read_only(explorer):
    for name in ("image", "kernel", "output", "kernel_grad", "input_grad"):
        with pytest.raises(ValueError):
            getattr(explorer, name)[0, 0] = 1.0
    with pytest.raises(AttributeError):
        explorer.kernel = np.zeros((3, 3))


def test_bad_arguments_say_what_is_wrong(explorer):
    with pytest.raises(ValueError, match="unknown preset 'emboss'"):
        explorer.set_kernel("emboss")
    with pytest.raises(ValueError, match="3x3"):
        explorer.set_kernel(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="within"):
        explorer.set_kernel(np.full((3, 3), 6.0))
    with pytest.raises(ValueError, match="row must be in 0..7"):
        explorer.select_pixel(8, 0)
    with pytest.raises(ValueError, match="index"):
        explorer.set_digit(5000)
    assert repr(explorer) == "ConvExplorer(digit 0 (label 0), kernel 'edge', pixel (3, 4))"


def test_own_digits_can_be_given():
    image = np.zeros((8, 8))
    image[2:6, 3] = 1.0
    explorer = ConvExplorer(kernel="identity", pixel=(0, 0), digits=(image[None], np.array([1])))
    assert repr(explorer) == "ConvExplorer(digit 0 (label 1), kernel 'identity', pixel (0, 0))"
    np.testing.assert_array_equal(explorer.output, image)
    with pytest.raises(ValueError, match="8, 8"):
        ConvExplorer(digits=(np.zeros((2, 7, 7)), np.zeros(2)))


def test_presets_and_kernels_from_code_survive_the_pages_rounding():
    explorer = ConvExplorer()
    sliders = [s for row in explorer.weight_sliders for s in row]
    explorer.preset_dropdown.value = "blur"
    assert all(s.value * 16 == round(s.value * 16) for s in sliders)  # on the sliders' 1/16 grid
    assert explorer.preset == "blur" and explorer.kernel.sum() == 1.0
    off_grid = np.full((3, 3), 0.1)
    explorer.set_kernel(off_grid)
    for slider in sliders:  # the page snaps 0.1 to 0.125, the nearest step, and sends that back
        slider.set_state({"value": round(slider.value * 16) / 16})
    assert np.array_equal(explorer.kernel, off_grid)
    explorer.preset_dropdown.value = "blur"
    assert np.array_equal(explorer.kernel, PRESETS["blur"])
    explorer.weight_sliders[0][0].set_state({"value": 0.5})  # a drag is a change
    assert explorer.preset == "custom" and explorer.kernel[0, 0] == 0.5


def fills_at(svg):
    """The fill of every filled rect, by its top-left corner."""
    return {
        (float(e.get("x")), float(e.get("y"))): e.get("fill")
        for e in ElementTree.fromstring(svg).iter(f"{SVG}rect")
        if e.get("fill") not in (None, "none")
    }


@pytest.mark.parametrize("kernel", ["edge", "blur", np.array([[-1, 0.5, 0], [0, 2, 0], [0, 0, -4.75]])])
def test_each_colour_scale_has_a_colour_bar_with_its_range(explorer, kernel):
    explorer.set_kernel(kernel)
    bars = colour_bars(explorer.svg)
    assert set(bars) == {"pixel value", "weight", "output value"}
    assert all(bar["caption_shown"] for bar in bars.values())
    weights, outputs = np.max(np.abs(explorer.kernel)), np.max(np.abs(explorer.output))
    for caption, low, high in [("pixel value", 0, 1), ("weight", -weights, weights), ("output value", -outputs, outputs)]:
        bar = bars[caption]
        assert bar["low"] == pytest.approx(low, rel=1e-5) and bar["high"] == pytest.approx(high, rel=1e-5)
        assert float(bar["low_text"]) == pytest.approx(low, rel=5e-3)
        assert float(bar["high_text"]) == pytest.approx(high, rel=5e-3)
    np.testing.assert_array_equal(bars["pixel value"]["pixels"][0], [255, 255, 255])
    np.testing.assert_array_equal(bars["pixel value"]["pixels"][-1], [0, 0, 0])
    # The weight bar's ends are the colours of the kernel's cells at its largest weights.
    fills = fills_at(explorer.svg)
    x, y, cell, _ = PANELS["kernel"]
    i, j = np.unravel_index(np.argmax(np.abs(explorer.kernel)), (3, 3))
    end = bars["weight"]["pixels"][-1 if explorer.kernel[i, j] > 0 else 0]
    assert fills[x + j * cell, y + i * cell] == "#{:02x}{:02x}{:02x}".format(*end)


def test_the_kernel_gradient_is_drawn_in_the_inputs_greys(explorer):
    explorer.select_pixel(3, 4)
    fills = fills_at(explorer.svg)
    x, y, cell, _ = PANELS["kernel_grad"]
    expected = drawing.grey_array(explorer.kernel_grad)
    for i in range(3):
        for j in range(3):
            assert fills[x + j * cell, y + i * cell] == expected[i, j]


@pytest.mark.parametrize("pixel", [(3, 4), (0, 0), (7, 7), (0, 6)])
def test_the_input_gradient_zoom_writes_the_receptive_fields_gradients(explorer, pixel):
    explorer.set_kernel(np.array([[-1, 0.5, 0.25], [2, 3, -0.125], [1.5, -2.5, 4.75]]))
    r, c = pixel
    explorer.select_pixel(r, c)
    root = ElementTree.fromstring(explorer.svg)
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "input-grad-value"]
    expected = []
    for i in range(r - 1, r + 2):
        for j in range(c - 1, c + 2):
            inside = 0 <= i < SIZE and 0 <= j < SIZE
            expected.append(f"{explorer.input_grad[i, j]:.3g}" if inside else "pad")
    assert values == expected
    # Inside the image the zoom's numbers are the kernel's weights (the gradient is the kernel).
    kernel_texts = {f"{w:.3g}" for w in explorer.kernel.ravel()}
    assert {v for v in values if v != "pad"} <= kernel_texts
    padding = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "padding-cell"]
    assert len(padding) == values.count("pad")


def test_the_legend_names_the_outlines(explorer):
    explorer.select_pixel(2, 5)
    assert legend_texts(explorer.svg) == [
        "output pixel [2, 5]",
        "its receptive field",
        "zero padding",
        "padding: no gradient",
    ]


def test_the_input_gradient_map_is_small_beside_its_zoom():
    x, y, cell, n = PANELS["input_grad"]
    zx, zy, zcell, _ = PANELS["input_grad_zoom"]
    assert n * cell <= 3 * zcell  # the mostly-zero map takes no more room than the zoom on its numbers
    assert zx >= x + n * cell and zx + 3 * zcell < PANELS["kernel_grad"][0]


def test_text_is_at_least_12_px_and_the_drawing_fits_720_px(explorer):
    assert min(font_sizes(explorer.svg)) >= 12
    assert float(ElementTree.fromstring(explorer.svg).get("width")) <= 700
