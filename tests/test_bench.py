"""The benchmarks compare like with like, and the conv lesson's network reaches its accuracy."""

import importlib.util
from pathlib import Path

import pytest


def load_bench(name):
    path = Path(__file__).resolve().parent.parent / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scalar_engines_start_from_the_same_weights_and_agree_on_the_losses():
    pytest.importorskip("micrograd")
    bench = load_bench("scalar_vs_micrograd")
    histories, spread, agree = bench.losses_agree(steps=2)
    assert len(histories) == 3
    assert agree, f"relative spread {spread}"
    assert histories[0][1] < histories[0][0]


def test_the_conv_lessons_network_reaches_98_percent_on_held_out_digits():
    bench = load_bench("conv_digits")
    accuracy, _ = bench.train_and_test(seed=0)
    assert accuracy >= 0.98


def test_every_interaction_the_widget_benchmark_times_runs():
    bench = load_bench("widget_speed")
    for name, interaction in bench.interactions():
        interaction(0)
        interaction(1)
    root, _ = bench.hundred_node_graph()
    assert len(bench.topological_order(root)) == 100
