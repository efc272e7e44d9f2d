"""Small SVG drawings built as strings: what every explorer shows inside an ``ipywidgets.HTML``.

Drawing with plain SVG keeps each update to a few milliseconds, needs no front-end build, renders
the same in JupyterLab, Voila and VS Code, and gives the same text for the same input, so tests can
read what a widget drew.
"""

import base64
import html
import struct
import zlib

import numpy as np

# Colours shared by the explorers: negative values blue, positive red, as in the course's figures.
NEGATIVE = (33, 102, 172)
POSITIVE = (178, 24, 43)
NEUTRAL = (247, 247, 247)
HIGHLIGHT = "#f4a300"
INK = "#222222"
MUTED = "#888888"


def _number(x):
    """Coordinates to one decimal: short text that does not change with float noise."""
    return f"{float(x):.1f}".rstrip("0").rstrip(".")


def _attributes(attrs):
    return "".join(f' {name.rstrip("_").replace("_", "-")}="{html.escape(str(value))}"' for name, value in attrs.items())


def _hex(rgb):
    return "#{:02x}{:02x}{:02x}".format(*(int(round(c)) for c in rgb))


def diverging(value, scale):
    """A colour from blue (-scale) through near-white (0) to red (+scale)."""
    t = 0.0 if scale == 0 else max(-1.0, min(1.0, value / scale))
    end = POSITIVE if t > 0 else NEGATIVE
    return _hex([n + abs(t) * (e - n) for n, e in zip(NEUTRAL, end)])


def diverging_rgb(values, scale):
    """``diverging`` for a whole array at once: RGB triples (last axis) in 0..255."""
    t = np.clip(np.asarray(values, dtype=float) / (scale or 1.0), -1.0, 1.0)[..., None]
    neutral, positive, negative = (np.array(c, dtype=float) for c in (NEUTRAL, POSITIVE, NEGATIVE))
    return np.where(t > 0, neutral + t * (positive - neutral), neutral - t * (negative - neutral))


def diverging_array(values, scale):
    """``diverging`` for a whole array at once: an array of '#rrggbb' strings."""
    return _hex_array(diverging_rgb(values, scale))


def png_data_uri(rgb):
    """A rows x columns x 3 array in 0..255 as a PNG ``data:`` URI: the same bytes for the same array."""
    pixels = np.ascontiguousarray(np.clip(np.rint(rgb), 0, 255).astype(np.uint8))
    rows, columns, _ = pixels.shape
    # Each row starts with filter type 0 (none).
    raw = b"".join(b"\x00" + pixels[i].tobytes() for i in range(rows))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", columns, rows, 8, 2, 0, 0, 0)  # 8-bit RGB
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def sequential_rgb(values, low, high):
    """Light (low) to dark (high) grey-blue, for surfaces such as a loss landscape: RGB triples in 0..255."""
    span = (high - low) or 1.0
    t = np.clip((np.asarray(values, dtype=float) - low) / span, 0.0, 1.0)[..., None]
    light, dark = np.array([240.0, 244.0, 250.0]), np.array([37.0, 52.0, 94.0])
    return light + t * (dark - light)


def sequential_array(values, low, high):
    """``sequential_rgb`` as an array of '#rrggbb' strings."""
    return _hex_array(sequential_rgb(values, low, high))


def grey_rgb(values):
    """0 white to 1 black, as images of digits are shown: RGB triples in 0..255."""
    level = 255 * (1 - np.clip(np.asarray(values, dtype=float), 0.0, 1.0))[..., None]
    return np.repeat(level, 3, axis=-1)


def grey_array(values):
    """``grey_rgb`` as an array of '#rrggbb' strings."""
    return _hex_array(grey_rgb(values))


def _hex_array(rgb):
    """An array of '#rrggbb' strings from an array of RGB triples (last axis) in 0..255."""
    channels = [np.char.zfill(np.char.mod("%x", c), 2) for c in np.moveaxis(np.rint(rgb).astype(int), -1, 0)]
    return np.char.add("#", np.char.add(np.char.add(channels[0], channels[1]), channels[2]))


def text_width(content, size=12):
    """The width of a line of text in pixels: the drawings' monospace letters are 0.6 em wide."""
    return 0.6 * size * len(str(content))


_COLOUR_BAR_SAMPLES = 128


def _bar_colours(colours, low, high):
    """The colours of a bar from ``low`` to ``high``: one row of RGB triples, for ``png_data_uri``."""
    if not isinstance(colours, str):
        rgb = np.asarray(colours, dtype=float)
        if rgb.ndim != 2 or rgb.shape[1] != 3:
            raise ValueError(f"colour_bar: colours must be a scale's name or an (n, 3) RGB array, got shape {rgb.shape}")
        return rgb[None]
    values = np.linspace(low, high, _COLOUR_BAR_SAMPLES)
    if colours == "diverging":
        return diverging_rgb(values, max(abs(low), abs(high)))[None]
    if colours == "sequential":
        return sequential_rgb(values, low, high)[None]
    if colours == "grey":
        return grey_rgb(values)[None]
    raise ValueError(f"colour_bar: unknown colours {colours!r}; choose 'diverging', 'sequential', 'grey' or an RGB array")


class Scale:
    """A linear map from data coordinates to pixels, for one axis."""

    def __init__(self, domain, pixels):
        (self.d0, self.d1), (self.p0, self.p1) = domain, pixels

    def __call__(self, value):
        span = (self.d1 - self.d0) or 1.0
        return self.p0 + (np.asarray(value, dtype=float) - self.d0) / span * (self.p1 - self.p0)


class Drawing:
    """An SVG canvas: add shapes, then ``to_svg()``. Keyword attributes are SVG's, with ``_`` for ``-``."""

    def __init__(self, width, height, background="white"):
        self.width, self.height = width, height
        self.parts = []
        if background:
            self.rect(0, 0, width, height, fill=background)

    def rect(self, x, y, width, height, **attrs):
        self.parts.append(
            f'<rect x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" height="{_number(height)}"{_attributes(attrs)}/>'
        )

    def line(self, x1, y1, x2, y2, **attrs):
        self.parts.append(
            f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}"{_attributes(attrs)}/>'
        )

    def polyline(self, xs, ys, **attrs):
        points = " ".join(f"{_number(x)},{_number(y)}" for x, y in zip(xs, ys) if np.isfinite(x) and np.isfinite(y))
        self.parts.append(f'<polyline points="{points}" fill="none"{_attributes(attrs)}/>')

    def circle(self, cx, cy, r, **attrs):
        self.parts.append(f'<circle cx="{_number(cx)}" cy="{_number(cy)}" r="{_number(r)}"{_attributes(attrs)}/>')

    def text(self, x, y, content, size=12, **attrs):
        self.parts.append(
            f'<text x="{_number(x)}" y="{_number(y)}" font-size="{size}" font-family="monospace"'
            f"{_attributes(attrs)}>{html.escape(str(content))}</text>"
        )

    def grid(self, colors, x, y, width, height):
        """A rows x columns array of colours as touching cells, row 0 at the top."""
        colors = np.asarray(colors)
        rows, columns = colors.shape
        cell_w, cell_h = width / columns, height / rows
        # Cells overlap by half a pixel so that no hairline gaps show between them.
        w, h = _number(cell_w + 0.5), _number(cell_h + 0.5)
        xs = [_number(x + j * cell_w) for j in range(columns)]
        ys = [_number(y + i * cell_h) for i in range(rows)]
        self.parts.extend(
            f'<rect x="{xs[j]}" y="{ys[i]}" width="{w}" height="{h}" fill="{colors[i, j]}"/>'
            for i in range(rows)
            for j in range(columns)
        )

    def image_grid(self, rgb, x, y, width, height, **attrs):
        """A rows x columns x 3 array of colours as one image, row 0 at the top, which the browser
        stretches smoothly: a heatmap without blocks, in far less text than a rect per cell."""
        self.parts.append(
            f'<image x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" height="{_number(height)}" '
            f'preserveAspectRatio="none" href="{png_data_uri(rgb)}"{_attributes(attrs)}/>'
        )

    def colour_bar(self, x, y, width, low, high, caption, colours="diverging", ends=None, ticks=(), height=12):
        """A colour bar, the legend of a colour encoding: ``caption`` on top, then the scale from
        ``low`` (left end) to ``high`` (right end) as one smooth image, the two values written under
        its ends. Returns the height it takes: ``height`` + 32 px.

        ``colours`` is the scale the map was drawn with: ``"diverging"`` (``diverging_rgb`` with the
        scale max(|low|, |high|): blue, near-white at 0, red), ``"sequential"`` (``sequential_rgb``
        from low to high) or ``"grey"`` (``grey_rgb``: 0 white, 1 black); or an (n, 3) array of RGB
        colours from low to high, for a scale that is not linear in the value (a log scale).
        ``ends`` replaces the two numbers under the ends (e.g. "≥ 2" for a scale that saturates);
        ``ticks`` are (fraction of the way from low to high, text) pairs marked in between.
        """
        low, high = float(low), float(high)
        rgb = _bar_colours(colours, low, high)
        left_text, right_text = ends if ends is not None else (f"{low:.3g}", f"{high:.3g}")
        top = y + 16
        self.parts.append(
            f'<g class="colour-bar" data-low="{low:.6g}" data-high="{high:.6g}" data-caption="{html.escape(caption)}">'
        )
        self.text(x, y + 12, caption, fill=INK)
        self.image_grid(rgb, x, top, width, height)
        self.rect(x, top, width, height, fill="none", stroke=MUTED)
        self.text(x, top + height + 14, left_text, fill=INK, class_="colour-bar-low")
        self.text(x + width, top + height + 14, right_text, fill=INK, text_anchor="end", class_="colour-bar-high")
        for fraction, label in ticks:
            tick_x = x + float(fraction) * width
            self.line(tick_x, top, tick_x, top + height + 3, stroke=INK)
            self.text(tick_x, top + height + 14, label, fill=INK, text_anchor="middle", class_="colour-bar-tick")
        self.parts.append("</g>")
        return height + 32

    def legend(self, x, y, entries, width=None, row_height=18):
        """A legend: a marker and what it means for each entry, left to right, a new row whenever the
        next entry would pass ``width`` (one entry per row without a width). ``y`` is the top of the
        first row. Returns the height it takes.

        Each entry is ``(marker, text)`` or ``(marker, text, attributes)``, the attributes those of the
        marker's SVG element (fill, stroke, dash...). Markers: ``"circle"`` (radius ``r``, 5 unless
        given), ``"line"``, ``"path"`` (a line through dots, as a path of steps), ``"plus"``,
        ``"cross"``, ``"swatch"`` (a filled square) and ``"outline"`` (a square's outline).
        """
        self.parts.append('<g class="legend">')
        left, row = x, 0
        for entry in entries:
            marker, label, attrs = entry if len(entry) == 3 else (*entry, {})
            span = 26 + text_width(label)
            if left > x and (width is None or left + span > x + width):
                left, row = x, row + 1
            middle = y + row * row_height + row_height / 2
            self._marker(marker, left + 10, middle, dict(attrs))
            self.text(left + 24, middle + 4, label, fill=INK, class_="legend-text")
            left += span + 16
        self.parts.append("</g>")
        return (row + 1) * row_height

    def _marker(self, marker, cx, cy, attrs):
        if marker == "circle":
            self.circle(cx, cy, attrs.pop("r", 5), **attrs)
        elif marker == "line":
            self.line(cx - 10, cy, cx + 10, cy, **{"stroke": INK, "stroke_width": 2, **attrs})
        elif marker == "path":
            attrs = {"stroke": INK, "stroke_width": 1.5, **attrs}
            self.line(cx - 10, cy, cx + 10, cy, **attrs)
            for dot_x in (cx - 7, cx, cx + 7):
                self.circle(dot_x, cy, 2.5, fill=attrs["stroke"])
        elif marker in ("plus", "cross"):
            attrs = {"stroke": INK, "stroke_width": 1.5, **attrs}
            if marker == "plus":
                self.line(cx - 5, cy, cx + 5, cy, **attrs)
                self.line(cx, cy - 5, cx, cy + 5, **attrs)
            else:
                self.line(cx - 5, cy - 5, cx + 5, cy + 5, **attrs)
                self.line(cx - 5, cy + 5, cx + 5, cy - 5, **attrs)
        elif marker == "swatch":
            self.rect(cx - 7, cy - 7, 14, 14, **{"fill": MUTED, **attrs})
        elif marker == "outline":
            self.rect(cx - 7, cy - 7, 14, 14, **{"fill": "none", "stroke": INK, "stroke_width": 2, **attrs})
        else:
            raise ValueError(
                f"legend: unknown marker {marker!r}; choose circle, line, path, plus, cross, swatch or outline"
            )

    def raw(self, markup):
        """Markup made elsewhere (already escaped), e.g. a group from another drawing."""
        self.parts.append(markup)

    def to_svg(self, fit=False):
        """The SVG markup. With ``fit``, a page narrower than the drawing shrinks it to its width."""
        style = ' style="max-width:100%;height:auto;display:block"' if fit else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}"{style}>' + "".join(self.parts) + "</svg>"
        )
