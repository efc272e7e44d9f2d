"""The explorers as a learner meets them: a real JupyterLab, driven through headless Chromium.

The test writes a notebook, starts its own JupyterLab on a free port of 127.0.0.1 (a random
token, every Jupyter directory in a temporary folder, nothing fetched from the internet), opens
the notebook in Chromium through Playwright, runs every cell from the Run menu, then clicks the
widget's buttons and moves its slider with the keyboard as a person would, and reads what the page
shows against what minigrad's engine computes here for the same expression.

It skips where Chromium or Playwright is missing (it fails instead when MINIGRAD_REQUIRE_BROWSER is
set, as in CI). It never runs ``playwright install``: it drives the system's Chromium (Debian's
``chromium`` package, which ``.ci/run`` installs). ``-m "not browser"`` leaves it out. After a
failure, pytest's temporary directory holds ``jupyterlab0/server.log`` and the test's ``page.png``,
a screenshot of the page as it was last.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent


def _unavailable(reason):
    # CI sets this so that the browser test can never be skipped silently.
    if os.environ.get("MINIGRAD_REQUIRE_BROWSER"):
        pytest.fail(f"MINIGRAD_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
if CHROMIUM is None:
    _unavailable("no Chromium: neither `chromium` on PATH nor /usr/bin/chromium (Debian: apt-get install chromium)")
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError as error:
    _unavailable(f"playwright is not importable ({error}); it is in the test extra")

import nbformat  # only worth importing once we know the test can run

# Waits: generous, for a loaded 2-core machine. Every wait is for a condition, none is a sleep.
SERVER_TIMEOUT = 120  # s, until the server answers
KERNEL_TIMEOUT = 120_000  # ms, until the cells have run and the widget shows
UI_TIMEOUT = 60_000  # ms, for anything the page does after a click

KERNEL_NAME = "minigrad-browser-test"
KERNEL_DISPLAY_NAME = "minigrad (browser test)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_settings(settings_dir):
    """JupyterLab user settings: never ask about, fetch or check news or updates."""
    path = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def _write_kernelspec(data_dir):
    """A kernel that is the Python running this test (it imports minigrad and widgets: the server's
    PYTHONPATH, which the kernel inherits, starts with the repository)."""
    kernel_dir = data_dir / "kernels" / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec))


class Lab:
    """A JupyterLab server this test started, and how to reach it."""

    def __init__(self, root, port, token, process, log_path):
        self.root, self.port, self.token, self.process, self.log_path = root, port, token, process, log_path
        self.url = f"http://127.0.0.1:{port}"

    def log(self):
        return self.log_path.read_text(errors="replace")[-6000:]

    def api(self, path, method="GET", parse=True):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body and parse else None

    def write_notebook(self, name, sources):
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": KERNEL_NAME,
            "display_name": KERNEL_DISPLAY_NAME,
            "language": "python",
        }
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
        nbformat.write(notebook, self.root / name)
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"


def _jupyter_home(tmp_path_factory, name):
    """A temporary folder for a server and its kernels: the notebooks it serves and every Jupyter
    directory, and the environment that points Jupyter at them."""
    base = tmp_path_factory.mktemp(name)
    dirs = {
        name: base / name for name in ("notebooks", "config", "data", "runtime", "settings", "workspaces", "ipython")
    }
    for path in dirs.values():
        path.mkdir()
    _write_settings(dirs["settings"])
    _write_kernelspec(dirs["data"])

    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        # Nothing from the user's own Jupyter set-up, nothing left behind in it.
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        IPYTHONDIR=str(dirs["ipython"]),
    )
    return base, dirs, env


@contextlib.contextmanager
def _serving(name, command, base, root, port, token, env, ready_path):
    """Start ``command``, wait until ``ready_path`` answers, and stop it (and its kernels) afterwards."""
    log_path = base / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Lab(root, port, token, process, log_path)
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode} before answering:\n{server.log()}")
            try:
                server.api(ready_path, parse=False)
                break
            except urllib.error.HTTPError:
                break  # it answers, if only to say no
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"{name} did not answer within {SERVER_TIMEOUT} s:\n{server.log()}")
                time.sleep(0.25)
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base, dirs, env = _jupyter_home(tmp_path_factory, "jupyterlab")
    port, token = _free_port(), secrets.token_hex(24)
    command = [
        sys.executable, "-m", "jupyterlab",
        "--allow-root",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={dirs['notebooks']}",
        "--ServerApp.terminals_enabled=False",
        # Nothing reaches the internet: no news feed, no update check, no PyPI extension listing.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    with _serving("JupyterLab", command, base, dirs["notebooks"], port, token, env, "/api/status") as server:
        yield server

def _stop(server):
    """Shut the kernels down through the API, then stop the server's process group, harder if it must."""
    process = server.process
    if process.poll() is None:
        try:
            for kernel in server.api("/api/kernels"):
                server.api(f"/api/kernels/{kernel['id']}", method="DELETE")
        except (OSError, ValueError):
            pass  # the server is beyond asking; the signals below still stop it, and its kernels follow it
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def page(lab, tmp_path):
    with _browser_page(tmp_path, lab.port) as page:
        yield page


@contextlib.contextmanager
def _browser_page(tmp_path, port, show_scrollbars=False):
    """A Chromium page that may reach the server on ``port`` of 127.0.0.1 and nothing else.

    Playwright hides scrollbars (--hide-scrollbars) unless ``show_scrollbars`` asks for the ones a
    learner sees."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            ignore_default_args=["--hide-scrollbars"] if show_scrollbars else None,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        try:
            # Only the server under test: anything else the page asks for fails at once.
            page.route(re.compile(rf"^(?!http://127\.0\.0\.1:{port}/)"), lambda route: route.abort())
            page.set_default_timeout(UI_TIMEOUT)
            yield page
        finally:
            # What the page showed last, beside the server's log, for whoever reads a failure; a page
            # that cannot be drawn any more must not hide the test's own error.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(tmp_path / "page.png"), timeout=10_000)
            context.close()


def run_all_cells(page, url):
    """Open the notebook, wait for its kernel, and run every cell from JupyterLab's Run menu."""
    page.goto(url)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    expect(notebook.locator(".jp-Cell").first).to_be_visible(timeout=KERNEL_TIMEOUT)
    # Run only once the kernel is connected and idle: earlier, JupyterLab asks which kernel to start.
    kernel_status = page.locator(".jp-StatusBar-Widget").get_by_role("button", name=f"{KERNEL_DISPLAY_NAME} | Idle")
    expect(kernel_status).to_be_visible(timeout=KERNEL_TIMEOUT)
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled)", has_text=re.compile(r"^Run All Cells")).click()
    return notebook


# What the SVG shows: for each node box (a rect with data-node), whether it is the highlighted one
# and the lines of text drawn inside it, top to bottom. Read by position, as a person reads them.
READ_GRAPH = """svg => {
    const texts = [...svg.querySelectorAll("text")].map(t => ({
        x: +t.getAttribute("x"), y: +t.getAttribute("y"), text: t.textContent }));
    const boxes = {};
    for (const rect of svg.querySelectorAll("rect[data-node]")) {
        const [x, y, w, h] = ["x", "y", "width", "height"].map(a => +rect.getAttribute(a));
        boxes[rect.getAttribute("data-node")] = {
            current: rect.classList.contains("current"),
            lines: texts.filter(t => t.x >= x && t.x <= x + w && t.y >= y && t.y <= y + h)
                        .sort((s, t) => s.y - t.y).map(t => t.text),
        };
    }
    return boxes;
}"""

GRAPH = """\
from minigrad import Value

a = Value({a!r}, label="a")
b = Value({b!r}, label="b")
c = Value(10.0, label="c")
e = a * b; e.label = "e"
d = e + c; d.label = "d"
f = Value(-2.0, label="f")
L = d * f; L.label = "L"
"""
EXPLORER = """\
from widgets import BackwardExplorer

explorer = BackwardExplorer(L, sliders=[a, b])
explorer
"""


def expected_after(steps, **inputs):
    """What the explorer should show after ``steps`` steps: computed here by minigrad's own engine.

    ``backward_steps`` adds each step's contributions before it yields, so after k steps every
    node's ``grad`` is what the explorer shows at step k.
    """
    from minigrad import backward_steps, topological_order

    namespace = {}
    exec(GRAPH.format(**inputs), namespace)  # noqa: S102  (the very cell the notebook runs)
    root = namespace["L"]
    walk = backward_steps(root, 1.0)
    records = [next(walk) for _ in range(steps)]
    walk.close()
    nodes = topological_order(root)
    return {
        "current": records[-1].node.label,
        "steps": len(nodes),
        "values": {node.label: (node.data, node.grad) for node in nodes},
    }


def _shown_number(lines, field):
    """The number on the line that starts with ``field`` ('data' or 'grad')."""
    for line in lines:
        if line.startswith(field + " "):
            return float(line.split()[1])
    raise AssertionError(f"no {field!r} line in {lines}")


def _mismatches(boxes, expected):
    """What the page shows that differs from ``expected`` (empty when it all agrees)."""
    problems = []
    highlighted = sorted(name for name, box in boxes.items() if box["current"])
    if highlighted != [expected["current"]]:
        problems.append(f"highlighted {highlighted}, expected [{expected['current']!r}]")
    for name, (data, grad) in expected["values"].items():
        box = boxes.get(name)
        if box is None:
            problems.append(f"no box for node {name!r}")
            continue
        try:
            shown = (_shown_number(box["lines"], "data"), _shown_number(box["lines"], "grad"))
        except (AssertionError, ValueError) as error:
            problems.append(f"{name}: {error}")
            continue
        # The explorer writes 4 significant digits.
        if shown != pytest.approx((data, grad), rel=1e-3, abs=1e-6):
            problems.append(f"{name}: shows data, grad = {shown}, expected {(data, grad)}")
    return problems


def wait_for_graph(page, graph_svg, expected, timeout_ms=UI_TIMEOUT):
    """Wait until the SVG shows ``expected``; fail with what it shows if it never does."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        boxes = graph_svg.evaluate(READ_GRAPH)
        problems = _mismatches(boxes, expected)
        if not problems:
            return boxes
        if time.monotonic() > deadline:
            shown = [
                f"  {name}{' (highlighted)' if box['current'] else ''}: {box['lines']}" for name, box in boxes.items()
            ]
            pytest.fail(
                "the graph does not show what the engine computed:\n  "
                + "\n  ".join(problems)
                + "\nit shows:\n"
                + "\n".join(shown)
            )
        page.wait_for_timeout(100)  # poll the page again: the kernel answers each change in its own time


def test_backward_explorer_in_jupyterlab(lab, page):
    a, b = 2.0, -3.0
    expected = expected_after(2, a=a, b=b)
    steps = expected["steps"]
    url = lab.write_notebook("backward_explorer.ipynb", [GRAPH.format(a=a, b=b), EXPLORER])
    notebook = run_all_cells(page, url)

    explorer = notebook.locator(".jp-OutputArea-output .widget-vbox").filter(has=page.locator("svg rect[data-node]"))
    expect(explorer).to_have_count(1, timeout=KERNEL_TIMEOUT)
    graph_svg = explorer.locator(".widget-html svg").filter(has=page.locator("rect[data-node]"))
    panel = explorer.locator(".widget-html pre")
    expect(panel).to_contain_text(f"Step 0 of {steps}")

    # Two clicks on the step-forward button: the second step's node is highlighted, with the
    # gradients the engine has sent by then.
    # (Its accessible name starts with the icon's glyph: find it by its text, as a person does.)
    step_button = explorer.locator("button").filter(has_text=re.compile(r"^\s*step\s*$"))
    step_button.click()
    expect(panel).to_contain_text(f"Step 1 of {steps}")
    step_button.click()
    expect(panel).to_contain_text(f"Step 2 of {steps}: node '{expected['current']}'")
    wait_for_graph(page, graph_svg, expected)

    # Move the slider of input a five steps to the right with the keyboard: the explorer rebuilds
    # the graph with the new value and stays at step 2, so the data and gradients downstream change.
    slider = explorer.locator(".widget-slider").filter(has=page.locator(".widget-label", has_text=re.compile(r"^a$")))
    handle = slider.get_by_role("slider")
    assert float(handle.get_attribute("aria-valuetext")) == pytest.approx(a)
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    a_moved = float(handle.get_attribute("aria-valuetext"))  # what the slider holds now (its readout rounds)
    assert a_moved > a
    expect(slider.locator(".widget-readout")).to_have_text(f"{a_moved:.2f}")
    moved = expected_after(2, a=a_moved, b=b)
    assert moved["values"]["f"][1] != pytest.approx(expected["values"]["f"][1])  # the check below can tell
    wait_for_graph(page, graph_svg, moved)
    expect(panel).to_contain_text(f"Step 2 of {steps}: node '{moved['current']}'")


# ---------------------------------------------------------------------- every explorer, at two widths
# Each explorer as the lessons and the README build it. Each cell ends by showing it; the values
# set from code here are ones a slider's grid does not hold (0.11, 0.0625), so the page's rounding
# would show.
EXPLORERS = {
    "playground": 'TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16, activation="relu", lr=0.3)',
    "playground_scalar": 'TrainingPlayground(dataset="moons", mode="scalar", lr=0.11, seed=0)',
    "descent": 'DescentExplorer(surface="valley", optimizer="sgd", lr=0.11)',
    "descent_rosenbrock": 'DescentExplorer(surface="rosenbrock", optimizer="adam")',
    "descent_1d": 'DescentExplorer(surface="two_minima", optimizer="momentum", momentum=0.95)',
    "neuron": "NeuronExplorer()",
    "neuron_xor": "NeuronExplorer(hidden=2, lr=0.3)",
    "conv": 'ConvExplorer(index=12, kernel="blur", pixel=(7, 7))',
    "depth": 'DepthExplorer(depth=10, width=256, activation="relu", init="he")',
    "depth_readme": 'DepthExplorer(init="he")',
    # Lesson 05's tensor graph, shown at step 2; lines after the first run once the explorer is in `shown`.
    "backward_tensor": 'BackwardExplorer(L_tensor)\nshown["backward_tensor"].go_to(2)',
}
IMPORTS = """\
import numpy as np

from minigrad import Tensor, float64
from widgets import BackwardExplorer, ConvExplorer, DepthExplorer, DescentExplorer, NeuronExplorer, TrainingPlayground

shown = {}
X = Tensor(np.arange(8.0).reshape(4, 2) / 4, dtype=float64, label="X")
W = Tensor([[0.5, -1.0], [1.0, 0.5], [-0.5, 0.25]], dtype=float64, requires_grad=True, label="W")
b = Tensor([0.1, 0.2, 0.3], dtype=float64, requires_grad=True, label="b")
W_T = W.T; W_T.label = "W.T"
XW = X @ W_T; XW.label = "XW"
Z = XW + b; Z.label = "Z"
L_tensor = Z.sum(); L_tensor.label = "L"
"""
# After the page has drawn them: what the kernel holds. The page sends a slider's value back when it
# draws it, rounded to the slider's step if it could not hold it.
HELD = """\
print("held:", repr(shown["playground"].lr_slider.value), repr(shown["playground_scalar"].lr_slider.value),
      repr(shown["descent"].lr), shown["descent_rosenbrock"].lr, shown["descent_1d"].momentum,
      shown["conv"].preset, shown["conv"].kernel.sum(), shown["neuron_xor"].lr,
      shown["depth"].depth, shown["depth"].width, shown["depth"].activation, shown["depth_readme"].init,
      shown["neuron"].parameters, shown["backward_tensor"].step, shown["backward_tensor"].current_node.label)
"""
HELD_EXPECTED = "held: 0.3 0.11 0.11 0.3 0.95 blur 1.0 0.3 10 256 relu he {'w1': 0.5, 'w2': -1.0, 'b': 0.5} 2 Z"

# Every problem a learner would see in one explorer's output area, as a list of sentences.
LAYOUT_PROBLEMS = """area => {
    const problems = [];
    const outer = area.getBoundingClientRect();
    const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
    const name = e => (e.className && e.className.baseVal !== undefined ? "svg" : String(e.className).split(" ")[0])
        + (e.textContent ? ` "${e.textContent.trim().slice(0, 30)}"` : "");
    const root = area.querySelector(".widget-vbox");
    // A drawing too wide to scale legibly scrolls inside a frame: the frame must fit, not what it scrolls.
    const inScrollFrame = e => { for (let a = e.parentElement; a && a !== root; a = a.parentElement)
        if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true; return false; };
    const items = [...root.querySelectorAll(".jupyter-widgets, svg, button")].filter(visible).filter(e => !inScrollFrame(e));
    for (const e of items) {
        const r = e.getBoundingClientRect();
        if (r.left < outer.left - 1 || r.right > outer.right + 1)
            problems.push(`${name(e)} spans x ${r.left.toFixed(0)}..${r.right.toFixed(0)}, the output area ${outer.left.toFixed(0)}..${outer.right.toFixed(0)}`);
    }
    for (const box of root.querySelectorAll(".widget-hbox, .widget-vbox, .widget-gridbox, .widget-toggle-buttons .widget-toggle-button")) {
        const children = [...box.children].filter(visible).map(c => [c, c.getBoundingClientRect()]);
        for (let i = 0; i < children.length; i++) for (let j = i + 1; j < children.length; j++) {
            const [a, p] = children[i], [b, q] = children[j];
            const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
            if (w > 1 && h > 1) problems.push(`${name(a)} overlaps ${name(b)} by ${w.toFixed(0)}x${h.toFixed(0)} px`);
        }
    }
    for (const e of root.querySelectorAll(".widget-label, .widget-readout, button, .widget-html-content b, select")) {
        if (!visible(e)) continue;
        if (e.scrollWidth > e.clientWidth + 1 && !e.getAttribute("title"))
            problems.push(`${name(e)} is cut: ${e.scrollWidth} px of text in ${e.clientWidth} px, and no tooltip`);
        const size = parseFloat(getComputedStyle(e).fontSize);
        if (size < 12) problems.push(`${name(e)} is ${size} px text`);
    }
    for (const e of root.querySelectorAll("[title]"))  // what a learner can point at: a hidden label shows no tooltip
        if (visible(e) && e.getAttribute("title") === "null") problems.push(`${name(e)} has title="null"`);
    for (const e of root.querySelectorAll("button"))
        if (visible(e) && !(e.textContent.trim() || e.getAttribute("aria-label") || e.getAttribute("title")))
            problems.push(`a button has no name: ${e.outerHTML.slice(0, 80)}`);
    for (const svg of root.querySelectorAll("svg")) {
        if (!visible(svg)) continue;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        for (const t of svg.querySelectorAll("text")) {
            const size = parseFloat(t.getAttribute("font-size") || getComputedStyle(t).fontSize) * scale;
            if (size < 11.5) { problems.push(`svg text "${t.textContent.slice(0, 20)}" is ${size.toFixed(1)} px`); break; }
        }
    }
    return problems;
}"""


def set_output_width(page, notebook, width):
    """Resize the window until the notebook's output areas are ``width`` px wide."""
    for _ in range(3):
        shown = notebook.locator(".jp-OutputArea-output").first.evaluate("e => e.getBoundingClientRect().width")
        if abs(shown - width) < 1:
            return
        viewport = page.viewport_size
        # Tall enough that the largest explorer is photographed whole.
        page.set_viewport_size({"width": int(round(viewport["width"] + width - shown)), "height": 1600})
        page.wait_for_timeout(500)  # JupyterLab lays the panel out again on resize
    pytest.fail(f"could not make the output area {width} px wide (it is {shown} px)")


@pytest.mark.parametrize("width", [720, 1200])
def test_every_explorer_fits_the_page_and_holds_its_values(lab, page, width, tmp_path):
    cells = [IMPORTS, *(f"shown[{name!r}] = {code}\nshown[{name!r}]" for name, code in EXPLORERS.items()), HELD]
    notebook = run_all_cells(page, lab.write_notebook(f"explorers_{width}.ipynb", cells))
    expect(notebook.get_by_text(re.compile("^held: "))).to_be_visible(timeout=KERNEL_TIMEOUT * 2)
    expect(notebook.get_by_text(re.compile("^held: "))).to_have_text(HELD_EXPECTED)
    set_output_width(page, notebook, width)
    page.wait_for_timeout(1000)  # the SVGs settle into their new width
    shots = Path(os.environ.get("MINIGRAD_SCREENSHOTS", tmp_path))
    problems = {}
    for index, name in enumerate(EXPLORERS, start=1):
        area = notebook.locator(".jp-Cell").nth(index).locator(".jp-OutputArea-output").first
        area.scroll_into_view_if_needed()
        expect(area.locator(".widget-vbox").first).to_be_visible(timeout=KERNEL_TIMEOUT)
        found = area.evaluate(LAYOUT_PROBLEMS)
        if found:
            problems[name] = found
        area.screenshot(path=str(shots / f"{name}-{width}.png"))
    assert not problems, "\n".join(f"{name} at {width} px:\n    " + "\n    ".join(p) for name, p in problems.items())

    # The page shows what code set: the rates exactly, the blur preset with its own weights.
    cell = lambda name: notebook.locator(".jp-Cell").nth(list(EXPLORERS).index(name) + 1)
    readout = lambda name, label: cell(name).locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=re.compile(f"^{label}$"))).locator(".widget-readout")
    expect(readout("playground", "learning rate")).to_have_text("0.3")
    expect(readout("playground_scalar", "learning rate")).to_have_text("0.11")
    expect(readout("descent", "lr")).to_have_text("0.11")
    expect(cell("descent").locator(".widget-html-content code").first).to_contain_text("lr 0.11:")
    expect(cell("conv").locator("select").first).to_have_value("blur")


# ---------------------------------------------------------------------- every lesson, as a learner runs it
# Each lesson is copied (never changed on disk) into the lab's folder with lessons/checking beside it,
# its stored outputs cleared, and run whole. The test adds a first cell that notes every change the
# page makes to a widget's state, and a last one that reports what the kernel holds: together they say
# whether a value the lesson's code set is still the value used and shown.
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
STATE_MARK = "browser-test-state: "
NOTE_PAGE_CHANGES = """\
def _browser_test_note_page_changes():
    import ipywidgets

    changes, set_state = [], ipywidgets.Widget.set_state

    def set_state_noting_changes(self, sync_data):
        before = {name: repr(getattr(self, name, None)) for name in sync_data}
        set_state(self, sync_data)
        for name, old in before.items():
            if repr(getattr(self, name, None)) != old:
                changes.append(f"{type(self).__name__} {getattr(self, 'description', '')!r}: {name} "
                               f"{old} -> {getattr(self, name, None)!r}")

    ipywidgets.Widget.set_state = set_state_noting_changes
    return changes


_browser_test_page_changes = _browser_test_note_page_changes()
"""
REPORT_STATE = f"""\
def _browser_test_state():
    import json
    import math

    import ipywidgets

    def control(widget):
        seen = {{"description": getattr(widget, "description", "")}}
        if isinstance(widget, ipywidgets.FloatLogSlider):
            return {{**seen, "kind": "log", "value": widget.value, "position": math.log(widget.value, widget.base),
                    "step": widget.step, "readout": widget.readout}}
        if isinstance(widget, (ipywidgets.FloatSlider, ipywidgets.IntSlider)):
            return {{**seen, "kind": "linear", "value": widget.value, "position": widget.value, "step": widget.step,
                    "readout": widget.readout}}
        if isinstance(widget, ipywidgets.SelectionSlider):  # the page shows the label at the index
            return {{**seen, "kind": "selection", "label": widget._options_labels[widget.index],
                    "position": widget.index, "step": 1, "readout": widget.readout}}
        if isinstance(widget, (ipywidgets.Dropdown, ipywidgets.ToggleButtons)):
            return {{**seen, "kind": "choice", "label": widget.label}}
        return None

    def controls(widget):  # in the order the page lays them out
        found = [seen for seen in [control(widget)] if seen]
        for child in getattr(widget, "children", ()):
            found += controls(child)
        return found

    shown = [value for _, value in sorted(Out.items()) if isinstance(value, ipywidgets.DOMWidget)]
    return {{"shown": [{{"repr": repr(widget)[:80], "controls": controls(widget)}} for widget in shown],
            "changed_by_page": _browser_test_page_changes}}


print({STATE_MARK!r} + __import__("json").dumps(_browser_test_state()))
"""

# The controls an output area shows, in the page's order: each one's label, the slider's knob as
# assistive technology reads it (aria-valuetext: the knob's position, for a log slider its exponent),
# the readout and the choice shown.
READ_CONTROLS = """area => [...area.querySelectorAll(".widget-slider, .widget-dropdown, .widget-toggle-buttons")]
  .map(e => {
    const shows = e => e && e.getBoundingClientRect().width > 0 && getComputedStyle(e).display !== "none";
    const readout = e.querySelector(".widget-readout"), select = e.querySelector("select");
    const active = e.querySelector("button.mod-active");
    const words = text => text.replace(/\\s+/g, " ").trim();  // a no-break space reads as a space
    return {
        label: (e.querySelector(".widget-label") || {textContent: ""}).textContent.trim(),
        knob: (e.querySelector("[role=slider]") || {getAttribute: () => null}).getAttribute("aria-valuetext"),
        readout: shows(readout) ? readout.textContent.trim() : null,
        choice: select ? words((select.selectedOptions[0] || {textContent: ""}).textContent)
              : active ? words(active.textContent) : null,
    };
})"""
# What marks a cell still to run or running: JupyterLab writes [*] in its prompt.
LESSON_DONE = """([mark, stderr]) => {
    const cells = [...document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")];
    const reported = cells.some(c => [...c.querySelectorAll(".jp-OutputArea-output")]
        .some(o => o.textContent.startsWith(mark)));
    const pending = cells.some(c => (c.querySelector(".jp-InputPrompt") || {textContent: ""}).textContent
        .includes("*"));
    return reported || (!pending && document.querySelector(stderr) !== null);
}"""
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def _readout_tolerance(text):
    """Half a unit of the readout's last digit: how far a value may lie from what it shows."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals) * (1 + 1e-9)


def _control_problems(kernel, page):
    """Where a control on the page does not show what the kernel holds, as sentences."""
    name = f"{kernel['kind']} {kernel['description']!r}"
    if page["label"] != kernel["description"]:
        return [f"{name}: the page's control in its place is labelled {page['label']!r}"]
    problems = []
    if kernel["kind"] == "choice":
        if page["choice"] != kernel["label"]:
            problems.append(f"{name} holds {kernel['label']!r}, the page shows {page['choice']!r}")
        return problems
    held = kernel.get("value", kernel.get("label"))
    # The knob sits on the slider's grid of steps, at the point nearest the value (aria-valuetext has 2 decimals).
    if abs(float(page["knob"]) - kernel["position"]) > kernel["step"] / 2 * (1 + 1e-9) + 0.005:
        problems.append(f"{name}: the knob is at {page['knob']}, the value {held!r} is at {kernel['position']:.4g}")
    if kernel["readout"] and page["readout"] is not None:
        if kernel["kind"] == "selection":
            agrees = page["readout"] == kernel["label"]
        else:
            try:
                readout = page["readout"].replace("\N{MINUS SIGN}", "-")  # the page writes a typographic minus
                agrees = abs(float(readout) - kernel["value"]) <= _readout_tolerance(readout)
            except ValueError:
                agrees = False
        if not agrees:
            problems.append(f"{name} holds {held!r}, its readout shows {page['readout']!r}")
    return problems


def _lesson_copy(lab, lesson):
    """The lesson in the lab's folder, outputs cleared, between the test's first and last cells."""
    checking = lab.root / "checking"
    if not checking.exists():
        shutil.copytree(REPO / "lessons" / "checking", checking, ignore=shutil.ignore_patterns("__pycache__"))
    notebook = nbformat.read(lesson, as_version=4)
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python"}
    for cell in (cell for cell in notebook.cells if cell.cell_type == "code"):
        cell.outputs, cell.execution_count = [], None
    notebook.cells = [nbformat.v4.new_code_cell(NOTE_PAGE_CHANGES), *notebook.cells,
                      nbformat.v4.new_code_cell(REPORT_STATE)]
    nbformat.write(notebook, lab.root / lesson.name)
    return f"{lab.url}/lab/tree/{lesson.name}?reset&token={lab.token}"


# Known, not yet fixed (issue 12): lesson 03 trains its NeuronExplorer and resets it in the cells after
# the one that shows it; under "Run All" the page's sliders keep the trained weights while the kernel
# holds the reset ones. Strict, so that the fix shows here.
KNOWN_BROKEN = {
    "03_backprop": "NeuronExplorer's sliders in the page keep the trained weights after reset() when it trains "
                   "before the page has drawn it",
}
LESSON_PARAMS = [pytest.param(lesson, id=lesson.stem, marks=[pytest.mark.xfail(reason=KNOWN_BROKEN[lesson.stem], strict=True)]
                              if lesson.stem in KNOWN_BROKEN else []) for lesson in LESSONS]


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_lesson_in_jupyterlab_runs_cleanly_and_its_widgets_fit_and_hold(lab, page, lesson):
    notebook = run_all_cells(page, _lesson_copy(lab, lesson))
    page.wait_for_function(LESSON_DONE, arg=[STATE_MARK, STDERR], timeout=KERNEL_TIMEOUT * 3, polling=500)
    kernel_status = page.locator(".jp-StatusBar-Widget").get_by_role("button", name=f"{KERNEL_DISPLAY_NAME} | Idle")
    expect(kernel_status).to_be_visible(timeout=KERNEL_TIMEOUT)

    # The page's cell i is the lesson's cell i - 1 (the test's own first cell comes before them).
    cells = notebook.locator(".jp-Cell")
    # (textContent: innerText is empty for a cell out of view, which the page need not lay out)
    written = cells.evaluate_all(f"cells => cells.map(c => [...c.querySelectorAll('{STDERR}')].map(e => e.textContent))")
    errors = [f"cell {index - 1} writes to stderr: {text if len(text) < 1200 else text[:300] + ' ... ' + text[-900:]}"
              for index, texts in enumerate(written) for text in texts]
    report = notebook.locator(".jp-OutputArea-output", has_text=STATE_MARK)
    assert report.count() == 1, f"{lesson.name} stopped:\n" + "\n".join(errors)
    state = json.loads(report.text_content().removeprefix(STATE_MARK))

    # Every output area that holds a widget, in the lesson's order, with the lesson's cell it is in.
    with_widgets = cells.evaluate_all(
        "cells => cells.map(c => [...c.querySelectorAll('.jp-OutputArea-output')]"
        ".map(o => !!o.querySelector('.jupyter-widgets')))")
    areas = [(index - 1, cells.nth(index).locator(".jp-OutputArea-output").nth(output))
             for index, outputs in enumerate(with_widgets) for output, has_widget in enumerate(outputs) if has_widget]
    problems = [*errors, *(f"the page changed {change}" for change in state["changed_by_page"])]
    if len(areas) != len(state["shown"]):
        problems.append(f"{len(areas)} widget output areas on the page, the kernel showed {len(state['shown'])} "
                        "widgets: " + ", ".join(widget["repr"] for widget in state["shown"]))
    for width in (720, 1200):
        set_output_width(page, notebook, width)
        page.wait_for_timeout(1000)  # the SVGs settle into their new width
        for (cell, area), widget in zip(areas, state["shown"]):
            area.scroll_into_view_if_needed()
            expect(area.locator(".widget-vbox").first).to_be_visible(timeout=KERNEL_TIMEOUT)
            where = f"cell {cell} ({widget['repr']}) at {width} px"
            problems += [f"{where}: {problem}" for problem in area.evaluate(LAYOUT_PROBLEMS)]
            if width == 720:
                shown = area.evaluate(READ_CONTROLS)
                if len(shown) != len(widget["controls"]):
                    problems.append(f"{where}: {len(shown)} controls on the page, {len(widget['controls'])} in the "
                                    "kernel")
                for kernel, seen in zip(widget["controls"], shown):
                    problems += [f"{where}: {problem}" for problem in _control_problems(kernel, seen)]
    assert not problems, f"{lesson.name}:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------- under Voila
# Voila runs a notebook and shows only its outputs, as a page of its own: two explorers there must draw
# their SVG and redraw it when a slider moves.
VOILA_CELLS = [
    "from widgets import DescentExplorer, NeuronExplorer",
    'DescentExplorer(surface="valley", optimizer="momentum")',
    "NeuronExplorer()",
]
VOILA_SLIDERS = ["steps", "w1"]  # a slider of each explorer, in the order they are shown
DRAWINGS = """area => [...area.querySelectorAll(".widget-html svg")].map(svg => svg.outerHTML).join("\\n")"""


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    try:
        import voila  # noqa: F401  (only whether it is installed: the server runs in its own process)
    except ImportError as error:
        _unavailable(f"voila is not importable ({error}); it is in the test extra")
    base, dirs, env = _jupyter_home(tmp_path_factory, "voila")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in VOILA_CELLS]
    nbformat.write(notebook, dirs["notebooks"] / "explorers.ipynb")
    port, token = _free_port(), secrets.token_hex(24)
    command = [
        sys.executable, "-m", "voila", str(dirs["notebooks"] / "explorers.ipynb"),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--token={token}",
    ]  # fmt: skip
    with _serving("Voila", command, base, dirs["notebooks"], port, token, env, "/api/kernelspecs") as server:
        yield server


def test_explorers_render_and_respond_under_voila(voila, tmp_path):
    with _browser_page(tmp_path, voila.port) as page:
        page.goto(f"{voila.url}/?token={voila.token}")
        areas = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-vbox .widget-html svg"))
        expect(areas).to_have_count(len(VOILA_SLIDERS), timeout=KERNEL_TIMEOUT)
        for index, label in enumerate(VOILA_SLIDERS):
            area = areas.nth(index)
            before = area.evaluate(DRAWINGS)
            handle = area.locator(".widget-slider").filter(
                has=page.locator(".widget-label", has_text=re.compile(f"^{label}$"))).get_by_role("slider")
            handle.focus()
            handle.press("ArrowLeft")  # (the steps slider starts at its end)
            deadline = time.monotonic() + UI_TIMEOUT / 1000
            while area.evaluate(DRAWINGS) == before:
                assert time.monotonic() < deadline, f"explorer {index + 1}: moving {label!r} left its drawing as it was"
                page.wait_for_timeout(100)  # the kernel redraws in its own time


# ---------------------------------------------------------------------- speed, as the page sees it
# Time from a key press on a slider to the first change of the explorer's drawing, measured in the
# page: a keydown listener and a MutationObserver, both reading performance.now().
ARM_LATENCY = """area => {
    window.__latency = {start: null, end: null};
    const begin = () => { window.__latency = {start: performance.now(), end: null}; };
    area.addEventListener("keydown", begin, {capture: true, once: true});
    area.addEventListener("mousedown", begin, {capture: true, once: true});
    const observer = new MutationObserver(() => {
        if (window.__latency.start !== null && window.__latency.end === null) { window.__latency.end = performance.now(); observer.disconnect(); }
    });
    for (const view of [...area.querySelectorAll(".widget-html svg")].map(svg => svg.closest(".widget-html")))
        observer.observe(view, {subtree: true, childList: true, characterData: true, attributes: true});
}"""
COUNT_REDRAWS = """area => {
    window.__redraws = 0;
    const view = [...area.querySelectorAll(".widget-html svg")].find(svg => svg.textContent.includes("filled:")).closest(".widget-html");
    new MutationObserver(() => { window.__redraws += 1; }).observe(view, {subtree: true, childList: true});
}"""
SPEED_EXPLORERS = {
    "playground": ('TrainingPlayground(dataset="spiral", hidden_layers=2, neurons=16)', "step"),
    "descent": ('DescentExplorer(surface="valley", optimizer="momentum")', "steps"),
    "neuron": ("NeuronExplorer(hidden=2)", "h1_w1"),
    "conv": ("ConvExplorer()", "digit"),
}


@pytest.mark.skipif(
    not os.environ.get("MINIGRAD_BROWSER_BENCH"), reason="a benchmark: bench/browser_speed.py runs it (timings vary with load)"
)
def test_speed_in_the_browser(lab, page):
    cells = [IMPORTS, *(f"shown[{name!r}] = {code}\nshown[{name!r}]" for name, (code, _) in SPEED_EXPLORERS.items())]
    notebook = run_all_cells(page, lab.write_notebook("speed.ipynb", cells))
    figures, slow = [], []
    for index, (name, (_, label)) in enumerate(SPEED_EXPLORERS.items(), start=1):
        area = notebook.locator(".jp-Cell").nth(index).locator(".jp-OutputArea-output").first
        expect(area.locator(".widget-html svg").first).to_be_visible(timeout=KERNEL_TIMEOUT)
        area.scroll_into_view_if_needed()
        if label == "step":  # the playground's own interaction: a training step and its redraw
            button = area.get_by_role("button", name=re.compile("step"))
            act = lambda press: button.click()
        else:
            handle = area.locator(".widget-slider").filter(
                has=page.locator(".widget-label", has_text=re.compile(f"^{label}$"))).get_by_role("slider")
            handle.focus()
            act = lambda press: handle.press("ArrowRight" if press % 2 == 0 else "ArrowLeft")
        times = []
        for press in range(7):
            area.evaluate(ARM_LATENCY)
            act(press)
            page.wait_for_function("window.__latency.end !== null", timeout=UI_TIMEOUT)
            times.append(page.evaluate("window.__latency.end - window.__latency.start"))
        median = sorted(times)[len(times) // 2]
        figures.append(f"{name}: {label!r} to redrawn SVG, median of 7: {median:.0f} ms")
        slow += [figures[-1]] if median >= 100 else []

    # Playing the 2-16-16-1 playground for five seconds: steps and redraws per second, as shown.
    area = notebook.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output").first
    area.scroll_into_view_if_needed()
    status = area.locator(".widget-html-content").filter(has_text=re.compile(r"^step \d+")).first
    step_of = lambda: int(re.match(r"step (\d+)", status.inner_text()).group(1))
    area.get_by_role("button", name=re.compile("play")).click()
    page.wait_for_timeout(2000)  # the first ticks time a step and settle the steps per tick
    area.evaluate(COUNT_REDRAWS)
    first, started = step_of(), time.monotonic()
    page.wait_for_timeout(5000)
    last, elapsed = step_of(), time.monotonic() - started
    redraws = page.evaluate("window.__redraws")
    area.get_by_role("button", name=re.compile("pause")).click()
    steps_per_second, redraws_per_second = (last - first) / elapsed, redraws / elapsed
    figures.append(f"playground 2-16-16-1 playing: {steps_per_second:.0f} steps/s, {redraws_per_second:.1f} redraws/s")
    print("\n" + "\n".join(figures))
    slow += [figures[-1]] if steps_per_second < 100 or redraws_per_second < 10 else []
    assert not slow, "below the targets (100 ms per interaction; 100 steps/s, 10 redraws/s):\n" + "\n".join(slow)
