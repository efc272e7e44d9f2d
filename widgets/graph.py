"""Layout and drawing of a computation graph, as in the micrograd lecture's pictures.

Each value node is a box (its label, data and grad); each node an op made has a small op box just
left of it; edges run parent -> op box -> node, leaves on the left, the output on the right.

The layout is computed here, with no graphviz or other system binary (a small Sugiyama layout):

1. layers by longest path from the leaves; then each leaf moves right, next to its first consumer,
   so that a constant used only at the end (``f`` in ``L = d * f``) sits beside it;
2. an edge that spans several layers gets a placeholder point in each layer it crosses, so that it
   is routed between the boxes rather than through them;
3. the order within each layer comes from a few sweeps of barycentres (a node moves towards the
   mean position of its neighbours), ties broken by the previous order;
4. vertical positions: each layer is packed towards its neighbours' centres twice (pushing down,
   pushing up) and the two packings are averaged, which keeps the order and never overlaps.

Everything is deterministic: the same graph gives the same coordinates and the same SVG.
"""

import functools
import html
import math
import re
from typing import NamedTuple

import numpy as np

from widgets import svg

FONT = 12  # font size of all text in the drawing: at least 12 px, as the course's rule asks
CHAR_WIDTH = 7.3  # width of one monospace character at FONT (a little more than 0.6 em)
LINE_HEIGHT = 16
BASELINE = 11  # from the top of a line to its text's baseline
PAD = 6  # inside a box, around its text
OP_FONT = FONT
OP_HEIGHT = 22
RUN_IN = 26  # horizontal room for the edges arriving at an op box
OP_TO_BOX = 14  # from an op box to the node it made
GAP = 16  # vertical space between two boxes of a layer
ROUTE_HEIGHT = 4  # vertical room taken by an edge passing through a layer
MARGIN = 10
STUB = 22  # length of the dashed stub standing for edges to nodes not shown
MESSAGE_HEIGHT = 16

SMALL_TENSOR = 6  # a tensor of at most this many elements is written out in its box; a larger one is a heatmap
HEATMAP_LINES = 2  # the text lines a heatmap spans
HEATMAP_CELLS = 32  # cells per side at most: a larger tensor is shown as the means of blocks of its values
HEATMAP_WIDTH = 56  # pixels at most
MAX_CELL = 8  # pixels per cell side at most
NOT_A_NUMBER = (136, 136, 136)  # the colour of a nan in a heatmap

EDGE = "#9a9a9a"
OP_FILL = "#eeeeee"
CURRENT_FILL = "#fff3d6"
DONE_FILL = "#e6f0fa"  # a node whose step is done


# ---------------------------------------------------------------------- text


def format_number(x):
    """A number in at most 4 significant digits, deterministically: 3.0, -6.0, 0.7071, 1.235e+04."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.4g}"
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def _format_element(x, integer):
    return str(int(x)) if integer else format_number(x)


def format_row(row, integer=False):
    return "[" + ", ".join(_format_element(x, integer) for x in row) + "]"


def format_array(array, max_size=9):
    """Lines showing a small array's values (one line per row), or its minimum and maximum when it is larger.

    The number of lines depends on the shape only, so a box keeps its height as the values change.
    """
    array = np.asarray(array)
    integer = array.dtype.kind in "biu"
    if array.ndim == 0:
        return [_format_element(array, integer)]
    if array.size == 0:
        return ["(empty)"]
    if array.size <= max_size and array.ndim == 1:
        return [format_row(array, integer)]
    if array.size <= max_size and array.ndim == 2:
        rows = [format_row(row, integer) for row in array]
        if len(rows) == 1:
            return ["[" + rows[0] + "]"]
        return ["[" + rows[0]] + [" " + row for row in rows[1:-1]] + [" " + rows[-1] + "]"]
    # Said in words: "[-1.0, 2.375]" would read as an array of two elements.
    return [f"min {_format_element(array.min(), integer)}, max {_format_element(array.max(), integer)}"]


class Heatmap(NamedTuple):
    """A tensor drawn as coloured cells in a box, from text line ``line`` on, ``column`` characters in."""

    line: int
    column: int
    values: np.ndarray  # 2-D, at most HEATMAP_CELLS per side


def _shrink(values, axis):
    n = values.shape[axis]
    if n <= HEATMAP_CELLS:
        return values
    starts = np.linspace(0, n, HEATMAP_CELLS + 1).astype(int)
    sums = np.add.reduceat(values, starts[:-1], axis=axis)
    counts = np.diff(starts).reshape((-1, 1) if axis == 0 else (1, -1))
    return sums / counts


def heatmap_grid(array):
    """A tensor as the 2-D grid of cells its heatmap shows: one row per index of all axes but the
    last, one column per index of the last; means of blocks when more than HEATMAP_CELLS a side."""
    values = np.asarray(array, dtype=float)
    values = values.reshape(1, -1) if values.ndim < 2 else values.reshape(-1, values.shape[-1])
    return _shrink(_shrink(values, 0), 1)


def heatmap_cell_size(grid_shape):
    """(width, height) of one cell in pixels: the heatmap fits HEATMAP_LINES lines and HEATMAP_WIDTH."""
    rows, columns = grid_shape
    return min(MAX_CELL, HEATMAP_WIDTH / columns), min(MAX_CELL, (HEATMAP_LINES * LINE_HEIGHT - 4) / rows)


def heatmap_columns(grid_shape):
    """The characters of text a heatmap takes up, a space after it included."""
    width = grid_shape[1] * heatmap_cell_size(grid_shape)[0]
    return int(math.ceil(width / CHAR_WIDTH)) + 1


def heatmap_rgb(grid):
    """The cells' colours: blue (negative) through near-white (0) to red (positive), scaled to the
    grid's own largest magnitude; a nan grey."""
    finite = np.abs(grid[np.isfinite(grid)])
    scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    rgb = svg.diverging_rgb(np.nan_to_num(grid, nan=0.0, posinf=scale, neginf=-scale), scale)
    rgb[np.isnan(grid)] = NOT_A_NUMBER
    return rgb


def is_small(array):
    """Whether a box writes out this tensor's values (else it draws a heatmap and its range)."""
    shape = np.shape(array)
    return len(shape) <= 2 and math.prod(shape) <= SMALL_TENSOR


def tensor_block(prefix, array):
    """The lines (and heatmaps) a box shows for an array after ``prefix`` ('data ', 'grad '):
    its values when it is small, else a heatmap and its range in words."""
    array = np.asarray(array)
    if is_small(array) or array.size == 0:
        rows = format_array(array)
        return [prefix + rows[0]] + [" " * len(prefix) + row for row in rows[1:]], []
    grid = heatmap_grid(array)
    columns = heatmap_columns(grid.shape)
    integer = array.dtype.kind in "biu"
    low, high = (_format_element(x, integer) for x in (array.min(), array.max()))
    # A range in words: "[-1.0, 2.375]" would read as an array of two elements.
    words = ("all equal", f"to {low}") if low == high else (f"from {low}", f"to {high}")
    indent = " " * (len(prefix) + columns)
    return [prefix + " " * columns + words[0], indent + words[1]], [Heatmap(0, len(prefix), grid)]


def block_lines(array):
    """How many lines ``tensor_block`` gives for an array of this shape."""
    shape = np.shape(array)
    if math.prod(shape) == 0:
        return 1
    if not is_small(array):
        return HEATMAP_LINES
    return shape[0] if len(shape) == 2 else 1


def full_text(array):
    """An array's values in full (4 significant digits each), for a tooltip; its size alone when huge."""
    array = np.asarray(array)
    if array.size > 120:
        return f"{array.size} values (too many to list)"
    return _full_text(array.tobytes(), array.dtype.str, array.shape)


@functools.lru_cache(maxsize=1024)
def _full_text(values, dtype, shape):
    array = np.frombuffer(values, dtype=dtype).reshape(shape)
    integer = array.dtype.kind in "biu"
    formatter = {"all": lambda x: _format_element(x, integer)}
    return np.array2string(array, separator=", ", max_line_width=100, threshold=200, formatter=formatter)


def node_names(nodes):
    """A display name per node: its label, or a generated ``n1``, ``n2``, ... in the given order.

    Generated names skip any label the graph already uses; the nodes' labels are never changed.
    """
    labels = [getattr(node, "label", "") for node in nodes]  # micrograd's Value has no label
    used = {label for label in labels if label}
    names, counter = [], 0
    for label in labels:
        if label:
            names.append(label)
            continue
        counter += 1
        while f"n{counter}" in used:
            counter += 1
        names.append(f"n{counter}")
    return names


def text_width(text, font=FONT):
    return len(text) * CHAR_WIDTH * font / FONT


def op_box_size(op):
    return (max(22.0, text_width(op, OP_FONT) + 10.0), float(OP_HEIGHT))


# ---------------------------------------------------------------------- layout


class Edge(NamedTuple):
    """An edge from ``parent`` to the op box of ``child``: ``count`` times (``a + a`` has 2), along ``points``."""

    parent: int
    child: int
    count: int
    points: tuple


class Layout:
    """Where each shown node went. Boxes are ``(x, y, width, height)`` in pixels, y downwards."""

    def __init__(self, keys, boxes, op_boxes, edges, layers, width, height):
        self.keys = keys  # the shown nodes, in topological order
        self.boxes = boxes  # key -> value box
        self.op_boxes = op_boxes  # key -> op box, for nodes an op made
        self.edges = edges  # list of Edge
        self.layers = layers  # key -> layer (column), 0 on the left
        self.width = width
        self.height = height

    def rectangles(self):
        """Every box drawn, value and op boxes alike: ``(key, kind, (x, y, w, h))``."""
        return [(k, "node", self.boxes[k]) for k in self.keys] + [
            (k, "op", self.op_boxes[k]) for k in self.keys if k in self.op_boxes
        ]

    def overlaps(self):
        """Pairs of boxes that overlap (none, if the layout is right): for tests."""
        rects = self.rectangles()
        found = []
        for i, (k1, kind1, (x1, y1, w1, h1)) in enumerate(rects):
            for k2, kind2, (x2, y2, w2, h2) in rects[i + 1 :]:
                if x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1:
                    found.append(((k1, kind1), (k2, kind2)))
        return found


def _pack(heights, desired):
    """Tops for items stacked in this order, each as near its desired centre as the gaps allow.

    One packing pushes down, one pushes up; both keep the order with a GAP between neighbours, so
    their average does too.
    """
    n = len(heights)
    down, bottom = [], -math.inf
    for h, d in zip(heights, desired):
        top = max(d - h / 2, bottom + GAP)
        down.append(top)
        bottom = top + h
    up, next_top = [0.0] * n, math.inf
    for i in reversed(range(n)):
        top = min(desired[i] - heights[i] / 2, next_top - GAP - heights[i])
        up[i] = top
        next_top = top
    return [(a + b) / 2 for a, b in zip(down, up)]


def layout_graph(keys, parents, box_sizes, op_sizes, top=0.0, sweeps=4, stubs=True):
    """Lay out a DAG in layers, left to right.

    ``keys``: the nodes in topological order; ``parents[k]``: k's parents among ``keys`` (repeats
    kept, in op order); ``box_sizes[k]``: (width, height) of k's value box; ``op_sizes[k]``: that of
    its op box, for each node an op made (even if its parents are not shown). ``top``: pixels to
    leave free above the drawing (for messages). ``stubs``: leave room on the right for the dashed
    stubs of children not shown (a whole graph has none).
    """
    # 1. layers
    layer = {}
    for k in keys:
        ps = parents[k]
        layer[k] = 1 + max(layer[p] for p in ps) if ps else 0
    children = {k: [] for k in keys}
    for k in keys:
        for p in dict.fromkeys(parents[k]):
            children[p].append(k)
    for k in reversed(keys):
        if not parents[k] and children[k]:
            layer[k] = min(layer[c] for c in children[k]) - 1

    # 2. items (nodes and routing points) in layers, linked to their neighbours in adjacent layers
    item_key, item_layer, item_height = [], [], []
    left, right = [], []

    def new_item(key, at, height):
        item_key.append(key)
        item_layer.append(at)
        item_height.append(height)
        left.append([])
        right.append([])
        return len(item_key) - 1

    item_of = {}
    for k in keys:
        height = max(box_sizes[k][1], op_sizes[k][1] if k in op_sizes else 0.0)
        item_of[k] = new_item(k, layer[k], height)
    chains = []
    for k in keys:
        counts = {}
        for p in parents[k]:
            counts[p] = counts.get(p, 0) + 1
        for p, count in counts.items():
            chain = (
                [item_of[p]] + [new_item(None, at, ROUTE_HEIGHT) for at in range(layer[p] + 1, layer[k])] + [item_of[k]]
            )
            for u, v in zip(chain, chain[1:]):
                right[u].append(v)
                left[v].append(u)
            chains.append((p, k, count, chain))
    n_layers = 1 + max(layer.values(), default=0)
    layers = [[] for _ in range(n_layers)]
    for item, at in enumerate(item_layer):
        layers[at].append(item)

    # 3. order within layers: start from the order in which a walk back from the outputs meets the
    # nodes, parents in op order (so ``a * b`` puts a above b); then barycentre sweeps.
    met = {}
    for sink in reversed(keys):
        if children[sink]:
            continue
        stack = [sink]
        while stack:
            k = stack.pop()
            if k in met:
                continue
            met[k] = len(met)
            stack.extend(reversed(parents[k]))
    initial = {item_of[k]: (met[k], 0, 0) for k in keys}
    for p, k, _, chain in chains:
        for item in chain[1:-1]:
            initial[item] = (met[p], 1, met[k])
    position = {}
    for items in layers:
        items.sort(key=initial.__getitem__)
        for i, item in enumerate(items):
            position[item] = float(i)

    def reorder(items, neighbours):
        def barycentre(item):
            near = neighbours[item]
            return sum(position[n] for n in near) / len(near) if near else position[item]

        items.sort(key=lambda item: (barycentre(item), position[item]))
        for i, item in enumerate(items):
            position[item] = float(i)

    for _ in range(sweeps):
        for at in range(1, n_layers):
            reorder(layers[at], left)
        for at in range(n_layers - 2, -1, -1):
            reorder(layers[at], right)

    # 4. vertical positions: start stacked, then pull each layer towards its neighbours' centres
    centre = {}
    for items in layers:
        y = 0.0
        for item in items:
            centre[item] = y + item_height[item] / 2
            y += item_height[item] + GAP

    def place(items, neighbours):
        desired = [
            sum(centre[n] for n in neighbours[item]) / len(neighbours[item]) if neighbours[item] else centre[item]
            for item in items
        ]
        heights = [item_height[item] for item in items]
        for item, t, h in zip(items, _pack(heights, desired), heights):
            centre[item] = t + h / 2

    for _ in range(sweeps):
        for at in range(1, n_layers):
            place(layers[at], left)
        for at in range(n_layers - 2, -1, -1):
            place(layers[at], right)
    lowest = min((centre[i] - item_height[i] / 2 for i in centre), default=0.0)
    shift = top + MARGIN - lowest

    # 5. horizontal positions: a column per layer, an op area then the value boxes
    column_x, op_area, column_width = [], [], []
    x = MARGIN
    for at, items in enumerate(layers):
        nodes = [item_key[i] for i in items if item_key[i] is not None]
        op_width = max((op_sizes[k][0] for k in nodes if k in op_sizes), default=0.0)
        fan_in = max((len(left[i]) for i in items), default=0)
        run_in = RUN_IN + min(60.0, 4.0 * max(0, fan_in - 2))  # more room where many edges converge
        area = run_in + op_width + OP_TO_BOX if op_width else (run_in if at else 0.0)
        width = max((box_sizes[k][0] for k in nodes), default=0.0)
        column_x.append(x)
        op_area.append(area)
        column_width.append(area + width)
        x += area + width
    boxes, op_boxes = {}, {}
    for k in keys:
        item = item_of[k]
        at, c = layer[k], centre[item] + shift
        w, h = box_sizes[k]
        box_x = column_x[at] + op_area[at]
        boxes[k] = (box_x, c - h / 2, w, h)
        if k in op_sizes:
            ow, oh = op_sizes[k]
            op_boxes[k] = (box_x - OP_TO_BOX - ow, c - oh / 2, ow, oh)
    edges = []
    for p, k, count, chain in chains:
        px, py, pw, ph = boxes[p]
        points = [(px + pw, py + ph / 2)]
        for item in chain[1:-1]:
            at, c = item_layer[item], centre[item] + shift
            points += [(column_x[at], c), (column_x[at] + column_width[at], c)]
        ox, oy, ow, oh = op_boxes[k]
        points.append((ox, oy + oh / 2))
        edges.append(Edge(p, k, count, tuple(points)))
    width = x + MARGIN + (STUB + 12 if stubs else 0)
    height = max((y + h for _, y, _, h in boxes.values()), default=top) + MARGIN
    return Layout(list(keys), boxes, op_boxes, edges, layer, width, height)


# ---------------------------------------------------------------------- neighbourhoods


def neighbourhood(centre, parents, children, max_nodes, max_hops=5):
    """The nodes within a few hops of ``centre`` (edges taken both ways), at most ``max_nodes``.

    Tries ``max_hops`` hops, then fewer; if even one hop is too many, keeps the first ``max_nodes``
    in breadth-first order. Returns ``(sorted node indices, hops)``.
    """
    order, distance = [centre], {centre: 0}
    i = 0
    while i < len(order):
        node = order[i]
        i += 1
        if distance[node] == max_hops:
            continue
        for near in (*parents[node], *children[node]):
            if near not in distance:
                distance[near] = distance[node] + 1
                order.append(near)
    for hops in range(max_hops, 0, -1):
        ball = [n for n in order if distance[n] <= hops]
        if len(ball) <= max_nodes:
            return sorted(ball), hops
    return sorted(order[:max_nodes]), 1


# ---------------------------------------------------------------------- drawing


def draw_graph(
    layout,
    lines,
    ops,
    names,
    *,
    current=None,
    styles=None,
    messages=(),
    hidden_parents=None,
    hidden_children=None,
    heatmaps=None,
    tooltips=None,
    done=(),
):
    """The SVG text of a laid-out graph.

    ``lines[k]``: the text lines of k's box (first the label); ``styles[k]``: optional SVG
    attributes per line; ``ops[k]``: the op box's text; ``names[k]``: written as ``data-node`` on
    k's box. ``current``: the node drawn highlighted, with the edges into it; ``done``: nodes drawn
    filled, as visited. ``hidden_parents`` and ``hidden_children`` count, per node, the neighbours
    not shown (drawn as dashed stubs). ``heatmaps[k]``: the heatmaps in k's box, with ``line``
    counted from its first line; ``tooltips[k]``: the text shown when the pointer rests on k's box.
    """
    styles = styles or {}
    hidden_parents = hidden_parents or {}
    hidden_children = hidden_children or {}
    heatmaps = heatmaps or {}
    tooltips = tooltips or {}
    done = set(done)
    d = svg.Drawing(*drawing_size(layout, messages))
    for i, message in enumerate(messages):
        d.text(MARGIN, MARGIN + BASELINE + i * MESSAGE_HEIGHT, message, size=FONT, fill=svg.INK)
    _draw_edges(d, layout, names, current)
    for k in layout.keys:
        is_current = k == current
        if k in layout.op_boxes:
            _draw_op(d, layout.op_boxes[k], layout.boxes[k], ops[k], names[k], is_current, hidden_parents.get(k))
        fill = CURRENT_FILL if is_current else (DONE_FILL if k in done else "white")
        d.raw("<g>")
        if k in tooltips:
            d.raw(f"<title>{html.escape(tooltips[k])}</title>")
        _draw_box(d, layout.boxes[k], lines[k], styles.get(k, ()), names[k], k, is_current, fill)
        for heatmap in heatmaps.get(k, ()):
            _draw_heatmap(d, layout.boxes[k], heatmap)
        d.raw("</g>")
        if hidden_children.get(k):
            _draw_hidden_children(d, layout.boxes[k], hidden_children[k])
    return d.to_svg()


def drawing_size(layout, messages=()):
    """(width, height) in whole pixels of what ``draw_graph`` draws."""
    width = max([layout.width] + [2 * MARGIN + text_width(m) for m in messages])
    return _round_up(width), _round_up(layout.height)


def _draw_edges(d, layout, names, current):
    """Parent -> op box edges; those into the current node last, so that they are drawn on top."""
    hot = [e for e in layout.edges if e.child == current]
    for edge in [e for e in layout.edges if e.child != current] + hot:
        is_hot = edge.child == current
        xs, ys = zip(*edge.points)
        d.polyline(
            xs,
            ys,
            stroke=svg.HIGHLIGHT if is_hot else EDGE,
            stroke_width=2.5 if is_hot else 1.2,
            data_from=names[edge.parent],
            data_to=names[edge.child],
        )
        if edge.count > 1:
            x, y = edge.points[-1]
            d.text(x - 3, y - 5, f"\u00d7{edge.count}", size=FONT, text_anchor="end", fill=svg.INK)


def _draw_op(d, op_box, box, op, name, is_current, hidden_parents):
    """The op box, its edge to the node it made, and a dashed stub for parents not shown."""
    ox, oy, ow, oh = op_box
    x, y, _, h = box
    colour = svg.HIGHLIGHT if is_current else svg.INK
    d.line(
        ox + ow,
        oy + oh / 2,
        x,
        y + h / 2,
        stroke=svg.HIGHLIGHT if is_current else EDGE,
        stroke_width=2.5 if is_current else 1.2,
    )
    d.rect(ox, oy, ow, oh, rx=oh / 2, fill=OP_FILL, stroke=colour, stroke_width=2 if is_current else 1, data_op=name)
    d.text(ox + ow / 2, oy + oh / 2 + 4, op, size=OP_FONT, text_anchor="middle", fill=svg.INK)
    if hidden_parents:  # slanted up, so as not to hide the edges that are shown
        d.line(ox - STUB, oy - 6, ox, oy + oh / 2, stroke=EDGE, stroke_dasharray="3 2")
        d.text(ox - STUB, oy - 9, f"+{hidden_parents}", size=FONT, fill=svg.MUTED)


def _draw_hidden_children(d, box, count):
    """A dashed stub, slanted down, for the children not shown."""
    x, y, w, h = box
    d.line(x + w, y + h / 2, x + w + STUB, y + h + 2, stroke=EDGE, stroke_dasharray="3 2")
    d.text(x + w + 4, y + h + 14, f"+{count}", size=FONT, fill=svg.MUTED)


def _draw_box(d, box, lines, styles, name, index, is_current, fill):
    """A value box with its lines of text."""
    x, y, w, h = box
    d.rect(
        x,
        y,
        w,
        h,
        rx=4,
        fill=fill,
        stroke=svg.HIGHLIGHT if is_current else svg.INK,
        stroke_width=3 if is_current else 1,
        data_node=name,
        data_index=index,
        class_="node current" if is_current else "node",
    )
    for i, text in enumerate(lines):
        attrs = {"fill": svg.INK}
        if i == 0:
            attrs["font_weight"] = "bold"
        if i < len(styles) and styles[i]:
            attrs.update(styles[i])
        # SVG collapses runs of spaces: each run of text goes where its column is instead.
        for run in _RUN.finditer(text):
            column_x = x + PAD + run.start() * CHAR_WIDTH
            d.text(column_x, y + PAD + BASELINE + i * LINE_HEIGHT, run.group(), size=FONT, **attrs)


_RUN = re.compile(r"\S+(?: \S+)*")  # text between runs of two spaces or more


@functools.lru_cache(maxsize=512)
def _heatmap_uri(values, shape):
    """The PNG of a heatmap's cells, by their bytes: a step redraws mostly the same tensors."""
    return svg.png_data_uri(heatmap_rgb(np.frombuffer(values).reshape(shape)))


def _draw_heatmap(d, box, heatmap):
    """A heatmap's cells as one image (each cell a crisp square: they are the tensor's elements), framed."""
    x, y, _, _ = box
    cell_w, cell_h = heatmap_cell_size(heatmap.values.shape)
    rows, columns = heatmap.values.shape
    left = x + PAD + heatmap.column * CHAR_WIDTH
    top = y + PAD + heatmap.line * LINE_HEIGHT + 2 + (HEATMAP_LINES * LINE_HEIGHT - 4 - rows * cell_h) / 2
    width, height = columns * cell_w, rows * cell_h
    d.raw(
        f'<image x="{svg._number(left)}" y="{svg._number(top)}" width="{svg._number(width)}" '
        f'height="{svg._number(height)}" preserveAspectRatio="none" style="image-rendering:pixelated" '
        f'href="{_heatmap_uri(heatmap.values.tobytes(), heatmap.values.shape)}"/>'
    )
    d.rect(left, top, width, height, fill="none", stroke=svg.MUTED, stroke_width=0.5, class_="heatmap")


def _round_up(x):
    return int(math.ceil(x))


def box_size(line_lengths):
    """(width, height) of a value box holding lines of these lengths (in characters)."""
    return (max(line_lengths) * CHAR_WIDTH + 2 * PAD, len(line_lengths) * LINE_HEIGHT + 2 * PAD - 2)
