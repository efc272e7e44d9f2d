"""The checks of lesson 00, Welcome."""

import math

from checking import exercise, is_node, is_number, number_problem, right, wrong


def graph_of(root):
    """Every node that ``root`` was computed from, itself included, by walking ``_prev`` without recursion."""
    seen, stack = {id(root): root}, [root]
    while stack:
        for parent in getattr(stack.pop(), "_prev", ()):
            if id(parent) not in seen:
                seen[id(parent)] = parent
                stack.append(parent)
    return list(seen.values())


def not_a_value(name, thing, inputs, how):
    """Why ``thing`` is not a Value computed from ``inputs``, or None when it is a Value."""
    if thing is None:
        return f"{name} is still None: replace None by an expression of {inputs}."
    if is_number(thing):
        return f"{name} is a plain number, not a Value, so it has no graph and no gradient: {how}."
    if not is_node(thing):
        return f"{name} should be a Value computed from {inputs}, but it is a {type(thing).__name__}."
    return None


@exercise("x", "y")
def check_first_value(x, y):
    if not is_node(x) or not is_number(x.data) or x.data != 3.0:
        return wrong("x is no longer the Value the cell starts with: keep its first line, "
                     "x = Value(3.0, label=\"x\"), and compute y from that x.")
    problem = not_a_value("y", y, "x", "compute it from the Value x itself, x**2 + 1, not from x.data or a number "
                                       "typed in")
    if problem:
        return wrong(problem)
    if not any(node is x for node in graph_of(y)):
        return wrong("y was not computed from x: x is not among the Values y came from, so backward() "
                     "cannot reach it. A new Value(...) starts a graph of its own; write y in terms of x.")
    if y.data == 2 * x.data + 1:
        return wrong("y.data is too small: x*2 is twice x. x squared is x**2 (two stars).")
    if y.data == x.data**2:
        return wrong("y.data is x squared, without the + 1.")
    problem = number_problem(y.data, x.data**2 + 1, "y.data")
    if problem:
        return wrong(f"{problem}: y should be x squared plus 1, x**2 + 1.")
    if x.grad == 0:
        return wrong("y is right, but x.grad is still 0: call y.backward() after computing y.")
    expected = (3.001**2 - 2.999**2) / 0.002  # how fast x**2 + 1 changes, by nudging x both ways
    problem = number_problem(x.grad, expected, "x.grad", rtol=1e-6)
    if problem == "x.grad is twice what it should be":
        return wrong("x.grad is twice what it should be: gradients add up over backward() calls, so a "
                     "second y.backward() doubles x.grad. Run the cell again (it makes a fresh x) with one "
                     "y.backward().")
    if problem and getattr(y, "grad", None) == 0:
        return wrong(f"{problem}, and y.grad is still 0: backward() ran from another Value than y. Call "
                     "y.backward() on y itself, once, after computing y.")
    if problem:
        return wrong(f"{problem}: y has the right value at x = 3, but not the slope of x squared plus 1. "
                     "Compute y as x**2 + 1 and call y.backward() once.")
    if getattr(y, "grad", None) == 0:
        return wrong("x.grad looks right, but y.grad is still 0, so y.backward() never ran on this y (backward() "
                     "starts by setting y.grad to 1): compute y once, then call y.backward() on it, rather than "
                     "setting x.grad yourself or computing y again afterwards.")
    return right(f"y.data = {y.data} and x.grad = {x.grad}: at x = 3, y grows 6 times as fast as x")


@exercise("a", "b", "c", "result")
def check_make_four(a, b, c, result):
    given = {"a": (a, 2.0), "b": (b, -3.0), "c": (c, 10.0)}
    changed = [name for name, (v, number) in given.items() if not is_node(v) or v.data != number]
    if changed:
        verb = "is" if len(changed) == 1 else "are"
        return wrong(f"{' and '.join(changed)} {verb} not as given any more: keep a = Value(2.0), b = Value(-3.0) "
                     "and c = Value(10.0), and find operations that make 4 from them.")
    problem = not_a_value("result", result, "a, b and c", "compute it from the Values a, b and c themselves, not "
                                                         "from their .data or a number typed in")
    if problem:
        return wrong(problem)
    graph = graph_of(result)
    unused = [name for name, (v, _) in given.items() if not any(node is v for node in graph)]
    if unused:
        which = "uses none of a, b and c" if len(unused) == 3 else f"does not use {' or '.join(unused)}"
        return wrong(f"result {which} yet: compute it from all of a, b and c, "
                     "the Values of this cell (a new Value(...) holding the same number is a different Value).")
    if not math.isclose(result.data, 4.0, abs_tol=1e-9):
        return wrong(f"result.data is {result.data}, not 4.0. What is a * b, and what can c add to it?")
    operations = sum(1 for node in graph if getattr(node, "_prev", ()))
    return right(f"result.data is 4.0, computed from a, b and c in {operations} operation(s)")
