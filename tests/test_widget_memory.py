"""Explorers release what they hold (issue 10): ``close()`` closes every widget an explorer made, and
re-running the cell that builds one, 500 times in a real kernel, keeps the kernel's memory flat."""

import gc
import queue

import pytest
from ipywidgets.widgets import widget

from minigrad import Value
from widgets import BackwardExplorer, ConvExplorer, DescentExplorer, NeuronExplorer, TrainingPlayground


def small_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    return (a * b + a).tanh()


EXPLORERS = {
    "BackwardExplorer": lambda: BackwardExplorer(small_graph(), sliders=None),
    "ConvExplorer": ConvExplorer,
    "DescentExplorer": DescentExplorer,
    "NeuronExplorer": NeuronExplorer,
    "TrainingPlayground": TrainingPlayground,
}


@pytest.mark.parametrize("name", EXPLORERS)
def test_close_closes_every_widget_the_explorer_made(name):
    make = EXPLORERS[name]
    make().close()
    gc.collect()
    before = set(widget._instances)
    explorer = make()
    made = set(widget._instances) - before
    assert len(made) > 10  # the box, its controls, their layouts and styles
    shown = repr(explorer)
    explorer.close()
    assert set(widget._instances) - before == set()
    assert repr(explorer) == shown and explorer.comm is None
    explorer.close()  # closing twice is harmless
    for _ in range(20):
        make().close()
    assert set(widget._instances) - before == set()


def test_an_explorer_outside_a_notebook_is_never_closed_behind_your_back():
    first, second = BackwardExplorer(small_graph()), BackwardExplorer(small_graph())
    assert first.comm is not None and second.comm is not None
    first.close()
    second.close()


SETUP = """
import gc, os, psutil
from ipywidgets.widgets import widget
from minigrad import Value
from widgets import BackwardExplorer

def graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    return (a * b + a).tanh()

def measure():
    gc.collect()
    return psutil.Process(os.getpid()).memory_info().rss, len(widget._instances)
"""


def _run(client, code, cell_id=None):
    """Execute ``code`` as the cell ``cell_id`` (JupyterLab sends the id in the request's metadata);
    return the text of its result, or raise with its error."""
    content = dict(code=code, silent=False, store_history=True, user_expressions={}, allow_stdin=False)
    message = client.session.msg("execute_request", content, metadata={"cellId": cell_id} if cell_id else {})
    client.shell_channel.send(message)
    result = None
    while True:
        try:
            reply = client.get_iopub_msg(timeout=120)
        except queue.Empty:
            raise RuntimeError("the kernel stopped answering") from None
        if reply["parent_header"].get("msg_id") != message["header"]["msg_id"]:
            continue
        kind = reply["msg_type"]
        if kind == "execute_result":
            result = reply["content"]["data"].get("text/plain")
        elif kind == "error":
            raise RuntimeError("\n".join(reply["content"]["traceback"]))
        elif kind == "status" and reply["content"]["execution_state"] == "idle":
            client.get_shell_msg(timeout=120)
            return result


def test_re_running_a_cell_500_times_keeps_the_kernels_memory_flat():
    pytest.importorskip("psutil")
    manager = pytest.importorskip("jupyter_client").KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        _run(client, SETUP)
        for _ in range(50):  # the first runs warm caches and fill IPython's output history
            _run(client, "BackwardExplorer(graph())", cell_id="cell-explorer")
        before = eval(_run(client, "measure()"))
        for _ in range(500):
            _run(client, "BackwardExplorer(graph())", cell_id="cell-explorer")
        after = eval(_run(client, "measure()"))
        # Another cell's explorer stays open.
        _run(client, "other = BackwardExplorer(graph())", cell_id="cell-other")
        _run(client, "BackwardExplorer(graph())", cell_id="cell-explorer")
        assert _run(client, "other.comm is not None") == "True"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    rss_growth, widget_growth = after[0] - before[0], after[1] - before[1]
    print(f"500 re-runs: kernel memory {rss_growth / 2**20:+.1f} MiB, live widgets {widget_growth:+d}")
    assert widget_growth <= 0
    assert rss_growth < 10 * 2**20
