"""How long each explorer takes to answer one interaction, on the Python side, in milliseconds.

The sizes are the issue's: a 100-node graph for the BackwardExplorer, a 2-16-16-1 network on 200
points for the TrainingPlayground, an 8x8 digit for the ConvExplorer, 10 layers of 256 on a batch of
256 digits for the DepthExplorer. The target is under 50 ms for each (100 ms for the DepthExplorer,
which also trains its network for a few steps); what the browser adds to draw the new SVG is not
counted here.

Run: python bench/widget_speed.py [--repeats N]
"""

import argparse
import itertools
import statistics
import time

import numpy as np

from minigrad import Value, topological_order
from widgets import BackwardExplorer, ConvExplorer, DepthExplorer, DescentExplorer, NeuronExplorer, TrainingPlayground

TARGET_MS = 50
# The DepthExplorer trains a 10 x 256 network for a few steps on every change: its own target.
TARGETS_MS = {"DepthExplorer 10 x 256, batch 256: choose another init": 100}


def hundred_node_graph():
    """Two tanh neurons built one op at a time, on three inputs, made exactly 100 nodes deep by tanh."""
    inputs = [Value(0.1 * i - 0.2, label=f"x{i}") for i in range(3)]
    weights = itertools.cycle(np.linspace(-1.0, 1.0, 7))

    def neuron(xs):
        return sum((Value(float(next(weights))) * x for x in xs), Value(0.0)).tanh()

    out = neuron([neuron(inputs), neuron(inputs[::-1])])
    while len(topological_order(out)) < 100:
        out = out.tanh()
    return out, inputs


def milliseconds(interaction, repeats):
    """Median and worst time of ``interaction(i)`` over ``repeats`` calls."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        interaction(i)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), max(times)


def interactions():
    root, inputs = hundred_node_graph()
    explorer = BackwardExplorer(root, sliders=inputs[:2])
    explorer.go_to(explorer.steps // 2)
    neuron = NeuronExplorer(hidden=2)
    descent = DescentExplorer(surface="valley", optimizer="momentum", steps=50)
    playground = TrainingPlayground(dataset="spiral", mode="tensor", hidden_layers=2, neurons=16, n_samples=200)
    conv = ConvExplorer()
    depth = DepthExplorer(depth=10, width=256, activation="relu", init="he")
    schemes = itertools.cycle(["xavier", "he", "default", "too small"])
    values = np.linspace(-0.5, 0.5, 17)
    return [
        ("BackwardExplorer, 100 nodes: one step", lambda i: explorer.step_forward() if explorer.step < explorer.steps else explorer.reset()),
        ("BackwardExplorer, 100 nodes: move an input slider", lambda i: setattr(explorer.sliders[0], "value", values[i % 17])),
        ("NeuronExplorer 2-2-1: move a weight slider", lambda i: setattr(neuron.sliders["h1_w1"], "value", values[i % 17])),
        ("NeuronExplorer 2-2-1: take one step", lambda i: neuron.take_step()),
        ("DescentExplorer, valley, 50 steps: move the lr slider", lambda i: setattr(descent.lr_slider, "value", 0.01 + 0.001 * (i % 17))),
        ("TrainingPlayground 2-16-16-1, 200 points: one step with drawing", lambda i: playground.step()),
        ("ConvExplorer 8x8: move a kernel slider", lambda i: setattr(conv.weight_sliders[1][1], "value", values[i % 17])),
        ("ConvExplorer 8x8: choose another pixel", lambda i: conv.select_pixel(i % 8, (3 * i) % 8)),
        ("DepthExplorer 10 x 256, batch 256: choose another init", lambda i: depth.set(init=next(schemes))),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    print("| interaction | median (ms) | worst (ms) | under its target |")
    print("|---|---:|---:|:---:|")
    for name, interaction in interactions():
        median, worst = milliseconds(interaction, args.repeats)
        target = TARGETS_MS.get(name, TARGET_MS)
        print(f"| {name} | {median:.1f} | {worst:.1f} | {'yes' if median < target else 'NO'} ({target} ms) |")


if __name__ == "__main__":
    main()
