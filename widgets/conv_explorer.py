"""``ConvExplorer``: a 3x3 kernel sliding over an 8x8 digit, and the gradient of one output pixel.

The learner picks a digit, sets the nine weights of the kernel (or a preset), and picks an output
pixel. The explorer runs minigrad's ``conv2d`` with padding 1 (8x8 in, 8x8 out), then asks the
engine for the gradient of that one output pixel: with respect to the kernel it is the 3x3 input
patch under the kernel, with respect to the input it is the kernel laid over the receptive field.
Nothing here computes a gradient by hand; ``backward()`` does, and the drawing shows what it found.
"""

import functools

import ipywidgets as widgets
import numpy as np

import minigrad
from minigrad.nn.functional import conv2d
from widgets.base import ExactSlider, Explorer, row
from widgets.svg import HIGHLIGHT, INK, MUTED, Drawing, diverging_array, grey_array

__all__ = ["PRESETS", "ConvExplorer", "load_digit_images"]

# The presets, as their nine weights. The blur is the 3x3 binomial (Gaussian-like) kernel, whose
# weights are exact in binary, so the kernel a preset sets compares equal to it and the preset stays
# named.
PRESETS = {
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    "edge": np.array([[0.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 0.0]]),
    "blur": np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]) / 16,
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
}
CUSTOM = "custom"
WEIGHT_RANGE = 5.0  # each kernel slider runs from -WEIGHT_RANGE to +WEIGHT_RANGE
SIZE = 8  # the digits are 8x8; padding 1 keeps the output 8x8

# Geometry of the drawing, in pixels. The input is drawn with its ring of zero padding (10x10 cells);
# the colour bars of the first row sit in a row of their own under it.
CELL = 24
KERNEL_CELL = 48  # wide enough for "0.0625" in 12 px letters
SMALL_CELL = 12  # the input gradient's 8x8 map: mostly zeros, so small, beside a zoom on its 3x3
MARGIN = 12
TOP = 26  # room for the titles
GAP = 36  # room for the "∗" and "=" between panels
BARS_GAP = 24  # from the first row's notes to its colour bars
ROW_GAP = 84  # from the colour bars to the second row, its titles included
PAD_FILL = "#e6e6e6"  # a padding cell in the zoom: it is not an input, so it has no gradient


def _layout():
    padded = (SIZE + 2) * CELL
    kernel_side = 3 * KERNEL_CELL
    input_x = MARGIN
    kernel_x = input_x + padded + GAP
    output_x = kernel_x + kernel_side + GAP
    bars = TOP + padded + BARS_GAP
    second_row = bars + ROW_GAP
    small_side = SIZE * SMALL_CELL
    # name: (x, y, cell size, rows and columns drawn); the input's first cell is the padding's.
    return {
        "input": (input_x, TOP, CELL, SIZE + 2),
        "kernel": (kernel_x, TOP + (padded - kernel_side) / 2, KERNEL_CELL, 3),
        "output": (output_x, TOP + CELL, CELL, SIZE),
        "bars": (input_x, bars, None, None),
        "input_grad": (input_x, second_row, SMALL_CELL, SIZE),
        "input_grad_zoom": (input_x + small_side + 16, second_row, KERNEL_CELL, 3),
        "kernel_grad": (kernel_x, second_row, KERNEL_CELL, 3),
        "legend": (output_x, second_row, None, None),
    }


PANELS = _layout()
WIDTH = PANELS["output"][0] + SIZE * CELL + MARGIN
HEIGHT = PANELS["kernel_grad"][1] + 3 * KERNEL_CELL + 44 + MARGIN  # and two lines under the panels


@functools.lru_cache(maxsize=1)
def load_digit_images():
    """scikit-learn's 1797 digits as (images (n, 8, 8) float64 in [0, 1], labels (n,) int).

    The pixels are counts 0..16, scaled to [0, 1] as everywhere in the course. Loaded once.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("ConvExplorer needs scikit-learn, from the lab extra: pip install 'minigrad[lab]'") from None
    digits = load_digits()
    images = digits.images.astype(np.float64) / 16
    images.flags.writeable = False
    labels = digits.target.copy()
    labels.flags.writeable = False
    return images, labels


def _frozen(array):
    array = np.array(array, dtype=np.float64)
    array.flags.writeable = False
    return array


def _short(value):
    """A weight as short text: three significant digits, as the weight sliders show it, never '-0'."""
    return f"{float(value) + 0.0:.3g}"


def _scale(values):
    return float(np.max(np.abs(values))) or 1.0


class ConvExplorer(Explorer):
    """A 3x3 convolution on a digit, and the gradient of one output pixel, computed by the engine.

    State: ``index``, ``label``, ``image`` (8x8), ``kernel`` (3x3), ``preset``, ``output`` (8x8),
    ``pixel`` ((row, column)), ``kernel_grad`` (3x3), ``input_grad`` (8x8), and ``svg``.
    Controls: ``digit_slider``, ``preset_dropdown``, ``weight_sliders`` (3x3 nested list),
    ``row_slider``, ``column_slider``; methods ``set_digit``, ``set_kernel``, ``select_pixel``.
    """

    def __init__(self, index=0, kernel="edge", pixel=(3, 4), digits=None):
        """``digits`` is an optional (images (n, 8, 8), labels (n,)) pair; sklearn's digits by default."""
        images, labels = load_digit_images() if digits is None else digits
        self._images = np.asarray(images, dtype=np.float64)
        self._labels = np.asarray(labels)
        if self._images.ndim != 3 or self._images.shape[1:] != (SIZE, SIZE) or len(self._labels) != len(self._images):
            raise ValueError(f"ConvExplorer: digits must be (n, {SIZE}, {SIZE}) images and n labels")
        self._holding = False  # True while a method sets several controls: recompute once, at the end

        self.digit_slider = widgets.IntSlider(
            value=0, min=0, max=len(self._images) - 1, description="digit", continuous_update=True
        )
        self.label_text = widgets.HTML()
        self.preset_dropdown = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=CUSTOM, description="kernel")
        self.weight_sliders = [
            [
                ExactSlider(
                    value=0.0,
                    min=-WEIGHT_RANGE,
                    max=WEIGHT_RANGE,
                    # Steps of 1/16 hold every preset's weight, so the readouts show them as they are.
                    step=1 / 16,
                    readout_format=".4g",
                    description=f"w[{i},{j}]",
                    tooltip=f"the kernel's weight at row {i}, column {j}",
                    style={"description_width": "44px"},
                    layout=widgets.Layout(width="220px"),
                )
                for j in range(3)
            ]
            for i in range(3)
        ]
        self.row_slider = widgets.IntSlider(value=0, min=0, max=SIZE - 1, description="row")
        self.column_slider = widgets.IntSlider(value=0, min=0, max=SIZE - 1, description="column")
        self.figure = widgets.HTML()

        kernel_grid = widgets.GridBox(
            [s for row in self.weight_sliders for s in row],
            layout=widgets.Layout(grid_template_columns="repeat(auto-fill, 220px)", grid_gap="2px 6px"),
        )
        super().__init__(
            [
                row([self.digit_slider, self.label_text]),
                row([self.preset_dropdown, widgets.HTML("<i>or set the nine weights:</i>")]),
                kernel_grid,
                row([widgets.HTML("<b>output pixel</b>"), self.row_slider, self.column_slider]),
                self.figure,
            ]
        )

        self._holding = True
        self.set_digit(index)
        self.set_kernel(kernel)
        self.select_pixel(*pixel)
        self._holding = False
        self._forward()

        self.digit_slider.observe(self._on_digit, "value")
        self.preset_dropdown.observe(self._on_preset, "value")
        for slider in self._sliders():
            slider.observe(self._on_weight, "value")
        self.row_slider.observe(self._on_pixel, "value")
        self.column_slider.observe(self._on_pixel, "value")

    # ------------------------------------------------------------------ state

    @property
    def index(self):
        return self.digit_slider.value

    @property
    def label(self):
        return int(self._labels[self.index])

    @property
    def image(self):
        return self._image

    @property
    def kernel(self):
        return self._kernel

    @property
    def preset(self):
        """The name of the preset the kernel equals, or 'custom'."""
        return self.preset_dropdown.value

    @property
    def output(self):
        return self._output

    @property
    def pixel(self):
        return (self.row_slider.value, self.column_slider.value)

    @property
    def kernel_grad(self):
        """d output[pixel] / d kernel, from the engine: the input patch under the kernel."""
        return self._kernel_grad

    @property
    def input_grad(self):
        """d output[pixel] / d input, from the engine: the kernel over the receptive field."""
        return self._input_grad

    @property
    def svg(self):
        return self.figure.value

    def __repr__(self):
        try:
            return f"ConvExplorer(digit {self.index} (label {self.label}), kernel {self.preset!r}, pixel {self.pixel})"
        except AttributeError:  # asked before __init__ has built the controls
            return "ConvExplorer(...)"

    # ------------------------------------------------------------------ actions

    def set_digit(self, index):
        if not 0 <= index < len(self._images):
            raise ValueError(f"set_digit: index must be in 0..{len(self._images) - 1}, got {index}")
        self.digit_slider.value = int(index)
        if self._holding:  # the observer is not listening (yet), or will not act
            self._read_digit()

    def set_kernel(self, kernel):
        """Set the nine weight sliders from a 3x3 array or a preset's name, then recompute once."""
        if isinstance(kernel, str):
            if kernel not in PRESETS:
                raise ValueError(f"set_kernel: unknown preset {kernel!r}; choose one of {', '.join(PRESETS)}")
            values = PRESETS[kernel]
        else:
            values = np.asarray(kernel, dtype=np.float64)
            if values.shape != (3, 3):
                raise ValueError(f"set_kernel: expected a 3x3 kernel, got shape {values.shape}")
            if np.any(np.abs(values) > WEIGHT_RANGE) or not np.all(np.isfinite(values)):
                raise ValueError(f"set_kernel: weights must lie within ±{WEIGHT_RANGE:g}, got {values.tolist()}")
        was_holding, self._holding = self._holding, True
        try:
            for slider, value in zip(self._sliders(), values.ravel()):
                slider.value = float(value)
        finally:
            self._holding = was_holding
        self._read_kernel()
        if not self._holding:
            self._forward()

    def select_pixel(self, row, column):
        """Choose the output pixel whose gradient is shown."""
        for name, value in (("row", row), ("column", column)):
            if not 0 <= value < SIZE:
                raise ValueError(f"select_pixel: {name} must be in 0..{SIZE - 1}, got {value}")
        was_holding, self._holding = self._holding, True
        try:
            self.row_slider.value, self.column_slider.value = int(row), int(column)
        finally:
            self._holding = was_holding
        if not self._holding:
            self._backward()
            self._draw()

    # ------------------------------------------------------------------ observers

    def _sliders(self):
        return [s for row in self.weight_sliders for s in row]

    def _on_digit(self, change):
        if not self._holding:
            self._read_digit()
            self._forward()

    def _on_preset(self, change):
        if not self._holding and change["new"] != CUSTOM:
            self.set_kernel(change["new"])

    def _on_weight(self, change):
        if not self._holding:
            self._read_kernel()
            self._forward()

    def _on_pixel(self, change):
        if not self._holding:
            self._backward()
            self._draw()

    # ------------------------------------------------------------------ computing

    def _read_digit(self):
        self._image = _frozen(self._images[self.index])
        self.label_text.value = f"label <b>{self.label}</b>"

    def _read_kernel(self):
        self._kernel = _frozen([s.value for s in self._sliders()]).reshape(3, 3)
        name = next((n for n, p in PRESETS.items() if np.array_equal(p, self._kernel)), CUSTOM)
        was_holding, self._holding = self._holding, True
        try:
            self.preset_dropdown.value = name
        finally:
            self._holding = was_holding

    def _forward(self):
        """Build the graph: input and kernel as float64 leaves, their convolution, then its gradient."""
        self._x = minigrad.Tensor(self._image.reshape(1, 1, SIZE, SIZE), requires_grad=True, dtype=minigrad.float64)
        self._w = minigrad.Tensor(self._kernel.reshape(1, 1, 3, 3), requires_grad=True, dtype=minigrad.float64)
        self._out = conv2d(self._x, self._w, padding=1)
        self._output = _frozen(self._out.data[0, 0])
        self._backward()
        self._draw()

    def _backward(self):
        """The gradient of one output pixel, by the engine. The graph is reused: only the leaves'
        gradients (which accumulate across passes, as in PyTorch) are reset first."""
        self._x.zero_grad()
        self._w.zero_grad()
        r, c = self.pixel
        self._out[0, 0, r, c].backward()
        self._kernel_grad = _frozen(self._w.grad[0, 0])
        self._input_grad = _frozen(self._x.grad[0, 0])

    # ------------------------------------------------------------------ drawing

    def _draw(self):
        d = Drawing(WIDTH, HEIGHT)
        r, c = self.pixel
        value = self._output[r, c]
        weight_scale, output_scale = _scale(self._kernel), _scale(self._output)

        # The input with its ring of zero padding, and the receptive field of the chosen pixel:
        # rows r-1..r+1 and columns c-1..c+1 of the image, that is r..r+2 and c..c+2 of the padded grid.
        x, y, cell, n = PANELS["input"]
        d.text(x, y - 10, f"input: digit {self.index}, label {self.label}", size=12, fill=INK)
        padded = np.pad(self._image, 1)
        d.grid(grey_array(padded), x, y, n * cell, n * cell)
        d.rect(x, y, n * cell, n * cell, fill="none", stroke=MUTED, stroke_dasharray="3 3")
        d.rect(x + cell, y + cell, SIZE * cell, SIZE * cell, fill="none", stroke=MUTED)
        d.text(x + 2, y + n * cell + 14, "padding 1: zeros around", size=12, fill=INK)
        d.rect(
            x + c * cell,
            y + r * cell,
            3 * cell,
            3 * cell,
            fill="none",
            stroke=HIGHLIGHT,
            stroke_width=3,
            class_="receptive-field",
        )

        # The kernel, with its weights written in.
        x, y, cell, n = PANELS["kernel"]
        d.text(
            PANELS["input"][0] + (SIZE + 2) * CELL + GAP / 2,
            y + 1.5 * cell + 6,
            "∗",
            size=20,
            fill=INK,
            text_anchor="middle",
        )
        d.text(x, y - 10, f"kernel ({self.preset})", size=12, fill=INK)
        self._numbered_grid(d, self._kernel, x, y, cell, weight_scale)

        # The output, with the chosen pixel.
        x, y, cell, n = PANELS["output"]
        d.text(x - GAP / 2, PANELS["kernel"][1] + 1.5 * KERNEL_CELL + 6, "=", size=20, fill=INK, text_anchor="middle")
        d.text(x, y - 10, "output (conv2d, padding 1)", size=12, fill=INK)
        d.grid(diverging_array(self._output, output_scale), x, y, n * cell, n * cell)
        d.rect(
            x + c * cell, y + r * cell, cell, cell, fill="none", stroke=HIGHLIGHT, stroke_width=3, class_="output-pixel"
        )
        d.text(x, y + n * cell + 18, f"out[{r}, {c}] = {value:.3f}", size=12, fill=INK)
        d.text(x, y + n * cell + 34, "= sum(kernel * patch)", size=12, fill=INK)

        # One colour bar per scale, under the panels drawn with it; the gradients below reuse them.
        _, top, _, _ = PANELS["bars"]
        d.colour_bar(PANELS["input"][0] + CELL, top, SIZE * CELL, 0.0, 1.0, "pixel value", colours="grey")
        d.colour_bar(PANELS["kernel"][0], top, 3 * KERNEL_CELL, -weight_scale, weight_scale, "weight")
        d.colour_bar(PANELS["output"][0], top, SIZE * CELL, -output_scale, output_scale, "output value")

        self._draw_input_grad(d, r, c, weight_scale)

        x, y, cell, n = PANELS["kernel_grad"]
        d.text(x, y - 10, f"d out[{r}, {c}] / d kernel", size=12, fill=INK)
        self._numbered_grid(d, self._kernel_grad, x, y, cell, 1.0, grey=True)
        d.text(x, y + 3 * cell + 18, "= the input patch,", size=12, fill=INK)
        d.text(x, y + 3 * cell + 34, "greys as the input", size=12, fill=INK)

        x, y, _, _ = PANELS["legend"]
        d.legend(
            x,
            y - 8,
            [
                ("outline", f"output pixel [{r}, {c}]", {"stroke": HIGHLIGHT, "stroke_width": 3}),
                ("outline", "its receptive field", {"stroke": HIGHLIGHT, "stroke_width": 3}),
                ("outline", "zero padding", {"stroke": MUTED, "stroke_dasharray": "3 3", "stroke_width": 1}),
                ("swatch", "padding: no gradient", {"fill": PAD_FILL, "stroke": MUTED}),
            ],
        )

        self.figure.value = d.to_svg(fit=True)

    def _draw_input_grad(self, d, r, c, weight_scale):
        """The gradient with respect to the input: an 8x8 map, zero outside the receptive field, and
        a zoom on the receptive field with its numbers (the kernel's weights)."""
        x, y, cell, n = PANELS["input_grad"]
        d.text(x, y - 10, f"d out[{r}, {c}] / d input", size=12, fill=INK)
        d.grid(diverging_array(self._input_grad, weight_scale), x, y, n * cell, n * cell)
        d.rect(x, y, n * cell, n * cell, fill="none", stroke=MUTED)
        top, left = max(r - 1, 0), max(c - 1, 0)
        bottom, right = min(r + 2, SIZE), min(c + 2, SIZE)
        field = (x + left * cell, y + top * cell, (right - left) * cell, (bottom - top) * cell)
        d.rect(*field, fill="none", stroke=HIGHLIGHT, stroke_width=3, class_="receptive-field-grad")

        zx, zy, zcell, _ = PANELS["input_grad_zoom"]
        # Lines from the outline to the zoom say that the zoom is that square, enlarged.
        d.line(field[0] + field[2], field[1], zx, zy, stroke=HIGHLIGHT, stroke_width=1)
        d.line(field[0] + field[2], field[1] + field[3], zx, zy + 3 * zcell, stroke=HIGHLIGHT, stroke_width=1)
        for i in range(3):
            for j in range(3):
                row, column = r - 1 + i, c - 1 + j
                cx, cy = zx + j * zcell, zy + i * zcell
                if 0 <= row < SIZE and 0 <= column < SIZE:
                    grad = self._input_grad[row, column]
                    d.rect(cx, cy, zcell, zcell, fill=diverging_array(np.array([grad]), weight_scale)[0])
                    ink = "white" if abs(grad) > 0.6 * weight_scale else INK
                    text = _short(grad)
                else:
                    d.rect(cx, cy, zcell, zcell, fill=PAD_FILL, class_="padding-cell")
                    ink, text = INK, "pad"
                d.text(cx + zcell / 2, cy + zcell / 2 + 4, text, size=12, fill=ink, text_anchor="middle",
                       class_="input-grad-value")
        d.rect(zx, zy, 3 * zcell, 3 * zcell, fill="none", stroke=HIGHLIGHT, stroke_width=3)
        d.text(x, y + 3 * zcell + 18, "0 outside the orange square;", size=12, fill=INK)
        d.text(x, y + 3 * zcell + 34, "inside it, the kernel's weights", size=12, fill=INK)

    @staticmethod
    def _numbered_grid(d, values, x, y, cell, scale, grey=False):
        d.grid(grey_array(values) if grey else diverging_array(values, scale), x, y, 3 * cell, 3 * cell)
        d.rect(x, y, 3 * cell, 3 * cell, fill="none", stroke=MUTED)
        for i in range(3):
            for j in range(3):
                # White letters where the cell is dark: past 0.45 of a grey, 0.6 of a diverging scale.
                ink = "white" if abs(values[i, j]) > (0.45 if grey else 0.6) * scale else INK
                d.text(
                    x + (j + 0.5) * cell,
                    y + (i + 0.5) * cell + 4,
                    _short(values[i, j]),
                    size=12,
                    fill=ink,
                    text_anchor="middle",
                )
