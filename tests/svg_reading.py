"""Reading back what a widget drew: its colour bars, legends and images, from the SVG text."""

import base64
import struct
import zlib
from xml.etree import ElementTree

import numpy as np

SVG = "{http://www.w3.org/2000/svg}"


def png_pixels(uri):
    """The RGB pixels of a PNG ``data:`` URI made by ``svg.png_data_uri``, as a rows x columns x 3 array."""
    assert uri.startswith("data:image/png;base64,"), uri[:40]
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    columns, rows = struct.unpack(">II", png[16:24])
    data, position = b"", 8
    while position < len(png):
        (length,), kind = struct.unpack(">I", png[position : position + 4]), png[position + 4 : position + 8]
        if kind == b"IDAT":
            data += png[position + 8 : position + 8 + length]
        position += 12 + length
    raw = np.frombuffer(zlib.decompress(data), dtype=np.uint8).reshape(rows, 1 + 3 * columns)
    assert np.all(raw[:, 0] == 0), "every row unfiltered"
    return raw[:, 1:].reshape(rows, columns, 3)


def colour_bars(markup):
    """Every colour bar in the SVG: caption -> {low, high, low_text, high_text, ticks, pixels, width}."""
    bars = {}
    for group in ElementTree.fromstring(markup).iter(f"{SVG}g"):
        if group.get("class") != "colour-bar":
            continue
        texts = [(t.get("class"), t.text) for t in group.iter(f"{SVG}text")]
        (image,) = group.iter(f"{SVG}image")
        bars[group.get("data-caption")] = {
            "low": float(group.get("data-low")),
            "high": float(group.get("data-high")),
            "low_text": next(text for kind, text in texts if kind == "colour-bar-low"),
            "high_text": next(text for kind, text in texts if kind == "colour-bar-high"),
            "ticks": [text for kind, text in texts if kind == "colour-bar-tick"],
            "caption_shown": group.get("data-caption") in [text for kind, text in texts if kind is None],
            "pixels": png_pixels(image.get("href"))[0],
            "width": float(image.get("width")),
        }
    return bars


def legend_texts(markup):
    """The text of every legend entry, in the order drawn."""
    root = ElementTree.fromstring(markup)
    return [
        t.text
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "legend"
        for t in group.iter(f"{SVG}text")
    ]


def legend_markers(markup):
    """For every legend: the SVG elements of its markers (circles, lines, rects), in the order drawn."""
    root = ElementTree.fromstring(markup)
    return [
        [e for e in group if e.tag != f"{SVG}text"]
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "legend"
    ]


def images(markup, css_class):
    """The pixels of every ``<image>`` of this class, with its (x, y, width, height)."""
    found = []
    for e in ElementTree.fromstring(markup).iter(f"{SVG}image"):
        if e.get("class") == css_class:
            box = tuple(float(e.get(k)) for k in ("x", "y", "width", "height"))
            found.append((png_pixels(e.get("href")), box))
    return found


def font_sizes(markup):
    """The font size of every text in the SVG."""
    return [float(t.get("font-size")) for t in ElementTree.fromstring(markup).iter(f"{SVG}text")]
