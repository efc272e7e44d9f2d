"""The BackwardExplorer of lesson 05 in JupyterLab in Chromium: a graph wider than the page scrolls
inside its frame, and every step shows its node inside the frame's visible part.

It reuses the JupyterLab server of ``tests/test_browser.py`` and its way of opening a page (and skips,
or fails under MINIGRAD_REQUIRE_BROWSER, where they cannot run). With MINIGRAD_SCREENSHOTS set to a folder, it saves
the explorer there as ``backward_tensor-720.png`` and ``backward_tensor-1200.png``.
"""

import os
import re
from pathlib import Path

import pytest

from tests.test_browser import (  # noqa: F401 (lab is a fixture)
    KERNEL_TIMEOUT,
    _browser_page,
    lab,
    run_all_cells,
    set_output_width,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(lab, tmp_path):
    """The page of tests/test_browser.py, with the scrollbars a learner sees, which this test is about."""
    with _browser_page(tmp_path, lab.port, show_scrollbars=True) as page:
        yield page


# Lesson 05's cell, as the lesson builds its tensor explorer.
LESSON_05 = """\
import numpy as np
from minigrad import Tensor, float64
from widgets import BackwardExplorer

X_small = Tensor(np.arange(8.0).reshape(4, 2) / 4, dtype=float64, label="X")
W_small = Tensor([[0.5, -1.0], [1.0, 0.5], [-0.5, 0.25]], dtype=float64, requires_grad=True, label="W")
b_small = Tensor([0.1, 0.2, 0.3], dtype=float64, requires_grad=True, label="b")
W_T = W_small.T
W_T.label = "W.T"
XW = X_small @ W_T
XW.label = "XW"
Z = XW + b_small
Z.label = "Z"
L = Z.sum()
L.label = "L"

explorer = BackwardExplorer(L)
explorer
"""
# Which node each step takes (backward order), and the layout's left and right ends, from the kernel.
ORDER = """\
layout = explorer.graph_layout
lefts = {explorer.names[k]: box[0] for k, box in layout.boxes.items()}
print("order:", " ".join(explorer.names[i] for i in explorer.trace.order), "| ends:", min(lefts, key=lefts.get),
      max(lefts, key=lefts.get))
"""

# Where the current node's box is against the part of the frame one sees (its scrollbars left out),
# and what else a learner sees of the frame.
FRAME_STATE = """area => {
    const frame = area.querySelector(".minigrad-graph-frame");
    const view = frame.getBoundingClientRect();
    const visible = {left: view.left + frame.clientLeft, top: view.top + frame.clientTop};
    visible.right = visible.left + frame.clientWidth;
    visible.bottom = visible.top + frame.clientHeight;
    const current = frame.querySelector("rect.current");
    const box = current ? current.getBoundingClientRect() : null;
    const hint = area.querySelector("[class^=minigrad-scroll-hint]");
    const scale = (() => { const svg = frame.querySelector("svg");
        return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; })();
    const smallest = Math.min(...[...frame.querySelectorAll("svg text")].map(t => +t.getAttribute("font-size")));
    return {
        node: current ? current.getAttribute("data-node") : null,
        inside: !!box && box.left >= visible.left - 0.5 && box.right <= visible.right + 0.5
            && box.top >= visible.top - 0.5 && box.bottom <= visible.bottom + 0.5,
        box: box && [box.left, box.right, box.top, box.bottom].map(Math.round),
        visible: [visible.left, visible.right, visible.top, visible.bottom].map(Math.round),
        scrollLeft: frame.scrollLeft,
        scrolls: frame.scrollWidth > frame.clientWidth + 1,
        scrollsDown: frame.scrollHeight > frame.clientHeight + 1,
        scrollbar: frame.offsetHeight - frame.clientHeight - frame.clientTop * 2,
        frameWithinArea: view.left >= area.getBoundingClientRect().left - 1
            && view.right <= area.getBoundingClientRect().right + 1,
        hint: hint ? getComputedStyle(hint).display !== "none" : null,
        smallestText: smallest * scale,
    };
}"""


def frame_state(area):
    return area.evaluate(FRAME_STATE)


def wait_for_node(page, area, name, timeout_ms=KERNEL_TIMEOUT):
    """Wait until the highlighted node is ``name`` and the frame has laid it out; return the state."""
    page.wait_for_function(
        """([area, name]) => { const r = area.querySelector(".minigrad-graph-frame rect.current");
            return r && r.getAttribute("data-node") === name; }""",
        arg=[area.element_handle(), name],
        timeout=timeout_ms,
    )
    page.wait_for_timeout(200)  # one frame or two for the new HTML's initial scroll position
    return frame_state(area)


@pytest.mark.parametrize("width", [720, 1200])
def test_the_wide_tensor_graph_keeps_the_current_node_in_view(lab, page, width, tmp_path):
    url = lab.write_notebook(f"backward_tensor_{width}.ipynb", [LESSON_05, ORDER])
    notebook = run_all_cells(page, url)
    order_text = notebook.get_by_text(re.compile("^order: "))
    order_text.wait_for(timeout=KERNEL_TIMEOUT * 2)  # the kernel starts and runs the cells: slow under load
    walk, ends = order_text.inner_text().removeprefix("order: ").split(" | ends: ")
    order, (left_end, right_end) = walk.split(), ends.split()
    set_output_width(page, notebook, width)
    area = notebook.locator(".jp-Cell").nth(0).locator(".jp-OutputArea-output").first
    area.scroll_into_view_if_needed()
    explorer = area.locator(".widget-vbox").first
    step_button = explorer.locator("button").filter(has_text=re.compile(r"^\s*step\s*$"))
    reset_button = explorer.locator("button").filter(has_text=re.compile(r"^\s*reset\s*$"))
    # The resize happened after the first drawing: start again from a drawing made at this width.
    step_button.click()
    reset_button.click()
    page.wait_for_function(
        "area => !area.querySelector('.minigrad-graph-frame rect.current')", arg=area.element_handle()
    )

    state = frame_state(area)
    assert state["frameWithinArea"], state
    assert state["smallestText"] >= 12, state
    assert not state["scrollsDown"], state  # the graph is far less than the frame's 640 px high
    if width == 720:
        # Lesson 05's graph is wider than 720 px: it scrolls, with a scrollbar, and says so.
        assert state["scrolls"] and state["scrollbar"] > 0 and state["hint"], state
    else:
        assert not state["scrolls"] and not state["hint"], state
    assert {left_end, right_end} <= set(order) and order.index(right_end) < order.index(left_end)

    # Step to the node at the right end (the first step) and on to the one at the left end: each time
    # the current node's box lies inside the frame's visible part.
    seen = []
    for step, name in enumerate(order[: order.index(left_end) + 1], start=1):
        step_button.click()
        state = wait_for_node(page, area, name)
        seen.append((step, name, state["scrollLeft"]))
        assert state["inside"], f"step {step}, node {name!r}: box {state['box']}, frame shows {state['visible']}"
    if width == 720:
        # The frame followed the walk from the right end to the left end.
        assert seen[0][2] > seen[-1][2], seen

        # The learner may scroll away: the frame stays where they leave it until the next step.
        frame = area.locator(".minigrad-graph-frame")
        frame.hover()
        page.mouse.wheel(2000, 0)
        page.wait_for_timeout(500)
        moved = frame_state(area)["scrollLeft"]
        assert moved > seen[-1][2], (moved, seen)
        page.wait_for_timeout(500)
        assert frame_state(area)["scrollLeft"] == moved

    # The picture: at the second step, the gradient going back from the sum into the graph.
    reset_button.click()
    step_button.click()
    step_button.click()
    wait_for_node(page, area, order[1])
    shots = Path(os.environ.get("MINIGRAD_SCREENSHOTS", tmp_path))
    area.screenshot(path=str(shots / f"backward_tensor-{width}.png"))
