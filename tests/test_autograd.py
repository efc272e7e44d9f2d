"""The backward core: order, accumulation semantics, no_grad, the step records, deep graphs."""

import numpy as np
import pytest

from minigrad import Value, backward_steps, is_grad_enabled, no_grad, topological_order
from minigrad.autograd import BackwardStep, backward

from .array_node import ArrayNode


def small_graph():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    d = c + a
    e = d.tanh()
    return a, b, c, d, e


# ---------------------------------------------------------------------- topological order


def test_order_puts_every_node_after_its_parents_and_root_last():
    a, b, c, d, e = small_graph()
    order = topological_order(e)
    position = {id(node): i for i, node in enumerate(order)}
    assert order[-1] is e
    assert len(order) == 5
    for node in order:
        for parent in node._prev:
            assert position[id(parent)] < position[id(node)]


def test_order_lists_a_node_used_twice_once():
    a = Value(1.0)
    b = a * a
    c = b + b
    assert [id(n) for n in topological_order(c)] == [id(a), id(b), id(c)]


# ---------------------------------------------------------------------- accumulation semantics


def test_a_node_used_twice_receives_both_contributions():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_leaf_gradients_accumulate_across_backward_calls():
    a = Value(3.0)
    b = a * 4.0
    b.backward()
    b.backward()
    assert a.grad == 8.0


def test_inner_gradients_are_those_of_the_latest_pass():
    a, b, c, d, e = small_graph()
    e.backward()
    first = (c.grad, d.grad, e.grad)
    e.backward()
    assert (c.grad, d.grad, e.grad) == first
    assert e.grad == 1.0


def test_zeroed_leaves_start_again_from_zero():
    a = Value(3.0)
    b = a * 4.0
    b.backward()
    a.grad = 0.0
    b.backward()
    assert a.grad == 4.0


def test_no_grad_records_nothing_and_restores_the_previous_state():
    a = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        b = a * 3.0 + 1.0
    assert is_grad_enabled()
    assert b.data == 7.0
    assert b._prev == () and b._op == "" and b._grad_fn is None
    b.backward()
    assert a.grad == 0.0


def test_no_grad_restores_state_after_an_exception_and_works_as_decorator():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("inside")
    assert is_grad_enabled()

    @no_grad()
    def evaluate(x):
        return x * x

    assert evaluate(Value(3.0))._prev == ()
    assert is_grad_enabled()


def test_backward_returns_the_root_so_calls_chain():
    a = Value(2.0)
    b = a * a
    assert b.backward() is b


# ---------------------------------------------------------------------- the step records


def test_backward_steps_yields_one_record_per_node_in_reverse_topological_order():
    a, b, c, d, e = small_graph()
    steps = list(backward_steps(e, 1.0))
    assert all(isinstance(step, BackwardStep) for step in steps)
    assert [id(step.node) for step in steps] == [id(n) for n in reversed(topological_order(e))]
    assert [step.op for step in steps] == [n._op for n in reversed(topological_order(e))]


def test_records_hold_the_incoming_gradient_and_each_parents_contribution():
    a, b, c, d, e = small_graph()
    steps = {id(step.node): step for step in backward_steps(e, 1.0)}
    mul = steps[id(c)]
    assert mul.parents == (a, b)
    assert mul.grad == c.grad
    assert mul.contributions == (b.data * c.grad, a.data * c.grad)
    assert steps[id(a)].contributions == ()
    # Every gradient is the sum of what its children sent it.
    received = {id(n): 0.0 for n in (a, b, c, d)}
    for step in steps.values():
        for parent, contribution in zip(step.parents, step.contributions):
            received[id(parent)] += contribution
    assert received == {id(n): n.grad for n in (a, b, c, d)}


def test_stepping_part_way_shows_exactly_the_contributions_made_so_far():
    a, b, c, d, e = small_graph()
    steps = backward_steps(e, 1.0)
    first = next(steps)
    assert first.node is e
    assert d.grad == first.contributions[0]
    assert c.grad == 0.0 and a.grad == 0.0
    rest = list(steps)
    assert a.grad == pytest.approx(sum(
        contribution for step in rest for parent, contribution in zip(step.parents, step.contributions) if parent is a
    ))


def test_backward_is_the_generator_run_to_the_end():
    stepped, direct = small_graph(), small_graph()
    for _ in backward_steps(stepped[-1], 1.0):
        pass
    direct[-1].backward()
    assert [n.grad for n in stepped] == [n.grad for n in direct]


def test_manual_backward_applies_one_rule_as_in_the_lecture():
    a, b, c, d, e = small_graph()
    e.grad = 1.0
    for node in reversed(topological_order(e)):
        node._backward()
    manual = [n.grad for n in (a, b, c, d, e)]
    fresh = small_graph()
    fresh[-1].backward()
    assert manual == [n.grad for n in fresh]


# ---------------------------------------------------------------------- deep and wide graphs


def test_a_chain_a_million_nodes_deep():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert y.data == 0.5
    assert x.grad == 1.0


def test_sum_of_a_hundred_thousand_values():
    values = [Value(float(i)) for i in range(100_000)]
    total = sum(values)
    total.backward()
    assert total.data == sum(range(100_000))
    assert all(v.grad == 1.0 for v in values)


# ---------------------------------------------------------------------- the core is type-agnostic


def test_the_core_walks_array_nodes_too():
    x = ArrayNode([1.0, 2.0, 3.0])
    w = ArrayNode([4.0, 5.0, 6.0])
    loss = (x * w * x).sum()
    backward(loss, np.float64(1.0))
    np.testing.assert_array_equal(x.grad, 2 * w.data * x.data)
    np.testing.assert_array_equal(w.grad, x.data**2)


def test_array_gradients_are_never_modified_in_place():
    # add's rule gives the same array to both parents; accumulating must not write through it.
    x = ArrayNode([1.0, 2.0])
    shared = ArrayNode([1.0, 1.0], (x, x), "+", lambda g: (g, g))
    loss = shared.sum()
    backward(loss, np.float64(1.0))
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    np.testing.assert_array_equal(shared.grad, [1.0, 1.0])
