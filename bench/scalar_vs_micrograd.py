"""Scalar mode against micrograd 0.1.0: one training step of MLP(2, [16, 16, 1]) on 100 moons.

A step is micrograd's own demo step: wrap the inputs in Values, forward all 100 samples, hinge loss
plus L2 regularisation, zero the grads, backward, SGD update. All engines start from the same weights
(copied from ours into micrograd) and run the same expression, so their losses must agree; the script
checks that before it prints any time.

Three engines are timed in the same run, interleaved, best of several rounds:
- micrograd 0.1.0, the peer;
- minigrad on micrograd's graph: micrograd's own Neuron code running on our Value (one node per
  multiply and per add), which measures the engine alone;
- minigrad's MLP, whose neurons compute their weighted sum as one ``dot`` node.

Run: python bench/scalar_vs_micrograd.py [--steps N] [--rounds N]
"""

import argparse
import importlib
import subprocess
import sys
import time

from sklearn.datasets import make_moons

from minigrad import Value
from minigrad.nn.scalar import MLP

MICROGRAD_VERSION = "0.1.0"
SIZES = [16, 16, 1]
LEARNING_RATE = 0.05


def import_micrograd():
    """micrograd's engine and nn modules, installing the pinned release if it is missing."""
    try:
        engine, nn = importlib.import_module("micrograd.engine"), importlib.import_module("micrograd.nn")
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", f"micrograd=={MICROGRAD_VERSION}"], check=True)
        engine, nn = importlib.import_module("micrograd.engine"), importlib.import_module("micrograd.nn")
    return engine, nn


def training_step(model, params, X, y, value_class):
    """micrograd's demo step, written with operators only, so that it runs on either engine."""
    inputs = [list(map(value_class, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in params)
    total = data_loss + reg_loss
    model.zero_grad()
    total.backward()
    for p in params:
        p.data -= LEARNING_RATE * p.grad
    return total.data


def build_engines(seed=0):
    """(name, model, params, Value class) for the three engines, all holding the same weights."""
    micrograd_engine, micrograd_nn = import_micrograd()
    ours = MLP(2, SIZES, seed=seed)
    weights = [p.data for p in ours.parameters()]

    theirs = micrograd_nn.MLP(2, SIZES)
    for p, w in zip(theirs.parameters(), weights, strict=True):
        p.data = w

    ours_on_their_graph = micrograd_nn.MLP(2, SIZES)
    numbers = iter(weights)
    for layer in ours_on_their_graph.layers:
        for neuron in layer.neurons:
            neuron.w = [Value(next(numbers)) for _ in neuron.w]
            neuron.b = Value(next(numbers))

    return [
        (f"micrograd {MICROGRAD_VERSION}", theirs, theirs.parameters(), micrograd_engine.Value),
        ("minigrad Value, micrograd's graph", ours_on_their_graph, ours_on_their_graph.parameters(), Value),
        ("minigrad MLP (dot nodes)", ours, ours.parameters(), Value),
    ]


def moons():
    X, labels = make_moons(n_samples=100, noise=0.1, random_state=1)
    return X.tolist(), [2.0 * label - 1.0 for label in labels]


def losses_agree(steps=3, rtol=1e-12):
    """Each engine's loss over ``steps`` steps from the same start, and the largest relative spread."""
    X, y = moons()
    histories = [[training_step(model, params, X, y, V) for _ in range(steps)] for _, model, params, V in build_engines()]
    spread = max(
        abs(h[k] - histories[0][k]) / abs(histories[0][k]) for h in histories for k in range(steps)
    )
    return histories, spread, spread <= rtol


def time_engines(steps, rounds):
    """Best seconds per step for each engine, the rounds interleaved so that load hits all alike."""
    X, y = moons()
    engines = build_engines()
    best = {name: float("inf") for name, *_ in engines}
    for _ in range(rounds):
        for name, model, params, value_class in engines:
            start = time.perf_counter()
            for _ in range(steps):
                training_step(model, params, X, y, value_class)
            best[name] = min(best[name], (time.perf_counter() - start) / steps)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="training steps per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the best one counts")
    args = parser.parse_args()

    histories, spread, agree = losses_agree()
    print("loss after each of 3 steps, per engine:")
    for (name, *_), history in zip(build_engines(), histories):
        print(f"  {name:36s} " + "  ".join(f"{loss:.12f}" for loss in history))
    print(f"largest relative difference: {spread:.1e}")
    if not agree:
        sys.exit("the engines disagree: timings would compare different work")

    best = time_engines(args.steps, args.rounds)
    peer = best[f"micrograd {MICROGRAD_VERSION}"]
    print(f"\none training step of MLP(2, {SIZES}) on 100 samples (best of {args.rounds} rounds of {args.steps} steps)")
    print(f"| {'engine':36s} | ms per step | speed-up over micrograd |")
    print(f"|{'-' * 38}|------------:|------------------------:|")
    for name, seconds in best.items():
        print(f"| {name:36s} | {seconds * 1e3:11.1f} | {peer / seconds:22.2f}x |")


if __name__ == "__main__":
    main()
