"""The shared drawing helpers: colour bars and legends, read back from the SVG they write."""

import re
from xml.etree import ElementTree

import numpy as np
import pytest

from widgets import svg

from .svg_reading import SVG, png_pixels


def parse(drawing):
    return ElementTree.fromstring(drawing.to_svg())


def colour_bar(root):
    (bar,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "colour-bar"]
    texts = {t.get("class"): t.text for t in bar.iter(f"{SVG}text")}
    (image,) = bar.iter(f"{SVG}image")
    return bar, texts, png_pixels(image.get("href"))


@pytest.mark.parametrize(
    "colours, low, high, left, right",
    [
        ("diverging", -2.5, 2.5, svg.NEGATIVE, svg.POSITIVE),
        ("grey", 0.0, 1.0, (255, 255, 255), (0, 0, 0)),
        ("sequential", 3.0, 7.0, (240, 244, 250), (37, 52, 94)),
    ],
)
def test_a_colour_bar_writes_its_range_and_runs_from_the_low_colour_to_the_high_one(colours, low, high, left, right):
    d = svg.Drawing(300, 60)
    taken = d.colour_bar(10, 0, 200, low, high, "what the colour means", colours=colours)
    bar, texts, pixels = colour_bar(parse(d))
    assert taken == 44
    assert (float(bar.get("data-low")), float(bar.get("data-high"))) == (low, high)
    assert texts["colour-bar-low"] == f"{low:.3g}" and texts["colour-bar-high"] == f"{high:.3g}"
    assert "what the colour means" in [t.text for t in bar.iter(f"{SVG}text")]
    assert pixels.shape[0] == 1 and pixels.shape[1] > 50
    np.testing.assert_allclose(pixels[0, 0], left, atol=1)
    np.testing.assert_allclose(pixels[0, -1], right, atol=1)


def test_a_one_sided_diverging_bar_starts_white_and_ends_full_red():
    d = svg.Drawing(300, 60)
    d.colour_bar(0, 0, 100, 0.0, 4.0, "output")
    _, _, pixels = colour_bar(parse(d))
    np.testing.assert_allclose(pixels[0, 0], svg.NEUTRAL, atol=1)
    np.testing.assert_allclose(pixels[0, -1], svg.POSITIVE, atol=1)


def test_a_colour_bar_takes_its_own_colours_end_labels_and_ticks():
    d = svg.Drawing(300, 60)
    colours = np.array([[0, 0, 0], [10, 20, 30], [255, 255, 255]])
    d.colour_bar(0, 0, 100, 0, 9, "loss", colours=colours, ends=("0", "≥ 9"), ticks=[(0.5, "1")])
    _, texts, pixels = colour_bar(parse(d))
    np.testing.assert_array_equal(pixels[0], colours)
    assert texts == {None: "loss", "colour-bar-low": "0", "colour-bar-high": "≥ 9", "colour-bar-tick": "1"}


def test_a_colour_bar_is_the_same_text_for_the_same_range():
    drawings = []
    for _ in range(2):
        d = svg.Drawing(300, 60)
        d.colour_bar(0, 0, 100, -1, 3, "x")
        drawings.append(d.to_svg())
    assert drawings[0] == drawings[1]


def test_bad_colours_are_refused_by_name():
    with pytest.raises(ValueError, match="colour_bar: unknown colours 'rainbow'"):
        svg.Drawing(10, 10).colour_bar(0, 0, 10, 0, 1, "x", colours="rainbow")
    with pytest.raises(ValueError, match=r"colour_bar: .*shape \(4,\)"):
        svg.Drawing(10, 10).colour_bar(0, 0, 10, 0, 1, "x", colours=np.zeros(4))
    with pytest.raises(ValueError, match="legend: unknown marker 'star'"):
        svg.Drawing(10, 10).legend(0, 0, [("star", "x")])


def test_a_legend_writes_each_entry_and_wraps_at_its_width():
    entries = [("circle", "start", {"fill": "white"}), ("plus", "minimum"), ("path", "one dot per step"), ("cross", "left")]
    wide, narrow = svg.Drawing(700, 100), svg.Drawing(700, 100)
    assert wide.legend(0, 0, entries, width=700) == 18
    assert narrow.legend(0, 0, entries, width=200) > 18
    assert svg.Drawing(700, 100).legend(0, 0, entries) == 4 * 18
    root = parse(wide)
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]
    assert [t.text for t in group.iter(f"{SVG}text")] == ["start", "minimum", "one dot per step", "left"]
    assert any(c.get("fill") == "white" for c in group.iter(f"{SVG}circle"))
    for t in group.iter(f"{SVG}text"):
        assert float(t.get("font-size")) >= 12
    # Every entry sits inside the width it was given.
    for d in (wide, narrow):
        xs = [float(x) for x in re.findall(r'<text x="([\d.]+)"', d.to_svg())]
        ends = [x + svg.text_width(t) for x, t in zip(xs, [e[1] for e in entries])]
        assert max(ends) <= (700 if d is wide else 200)
