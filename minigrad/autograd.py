"""The one backward core shared by scalar mode (``Value``) and tensor mode (``Tensor``).

The core knows nothing of either class. It walks any graph whose nodes follow this protocol:

``data``
    the node's value (a float, or a NumPy array).
``grad``
    the gradient of the root with respect to this node.
``_prev``
    the parents, in the order the op received them (``a * a`` has ``(a, a)``); a set is accepted
    too, as micrograd has it.
``_op``
    the name of the op that made the node (``''`` for a leaf).
``_grad_fn``
    the op's local gradient rule: given the gradient arriving at the node, it *returns* one
    contribution per parent (a vector-Jacobian product), or ``None`` for a parent that needs no
    gradient (a tensor without ``requires_grad``). ``None`` (or missing) for a leaf.
``_backward``
    the other kind of rule, micrograd's: a closure that *adds* to its parents' ``grad`` itself.
    The core uses it for a node with parents and no ``_grad_fn``, and reads each parent's
    contribution as the change of its ``grad``.
``_grad_zero``
    what the gradient is before anything arrives: ``0.0`` for a Value, ``None`` for a Tensor
    (``0.0`` when missing, as for micrograd's nodes).
``_grad_data``
    optional, defined on the node's class: where the core reads and writes the gradient when
    ``grad`` shows it in another form. A Tensor's ``grad`` is a Tensor outside the graph, as in
    PyTorch, around the NumPy array kept here; the rules and the core work on the array. Without
    it (a Value, micrograd's nodes) the core uses ``grad`` itself.

The rule returns, the core accumulates. That split is what lets :func:`backward_steps` report
every contribution it adds, and the explorer widget step through exactly what ``backward()`` does.
A closure hides that split; measuring what it changed restores it, so a learner's own ``Value``
is stepped through like ours.
The core never modifies a gradient in place (it rebinds the parent's gradient), and it gives every node a
gradient of its own: a rule may pass on the gradient it received or hand one array to two parents,
and the core copies it rather than let two gradients share memory.
"""

import copy
from contextlib import contextmanager
from typing import Any, NamedTuple


_grad_enabled = True


def is_grad_enabled():
    """False inside ``no_grad()``: ops then record no parents and no gradient rule."""
    return _grad_enabled


@contextmanager
def no_grad():
    """Build no graph inside this block (for evaluation and optimizer updates); also a decorator."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def topological_order(root):
    """Every node ``root`` depends on, each after all of its parents, ``root`` last.

    Iterative depth-first search: a graph a million nodes deep needs no recursion. A node reached
    again while its own parents are still being ordered lies on a cycle, which is an error.
    """
    order = []
    done = {}  # id(node) -> False while its parents are being ordered, True once it is in order
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            done[id(node)] = True
            continue
        state = done.get(id(node))
        if state:
            continue
        if state is False:
            _cycle(node)
        done[id(node)] = False
        stack.append((node, True))
        for parent in node._prev:
            state = done.get(id(parent))
            if state is None:
                stack.append((parent, False))
            elif state is False:
                _cycle(parent)
    return order


def _cycle(node):
    raise ValueError(
        f"backward: the graph has a cycle through {_short(node)} (a node among its own parents' ancestors)"
    )


class BackwardStep(NamedTuple):
    """What one step of the backward pass did at one node.

    ``contributions[i]`` is what was added to ``parents[i].grad``; a leaf has none. For a closure,
    a parent listed twice gets the whole change at its first place and ``None`` at the others.
    """

    node: Any
    op: str
    grad: Any
    contributions: tuple

    @property
    def parents(self):
        return tuple(self.node._prev)


_grad_attributes = {}  # node class -> the attribute the core keeps that class's gradients in


def _class_grad_attribute(cls):
    name = _grad_attributes.get(cls)
    if name is None:
        name = _grad_attributes[cls] = "_grad_data" if hasattr(cls, "_grad_data") else "grad"
    return name


def grad_attribute(node):
    """``"_grad_data"`` if ``node``'s class has one (a Tensor), else ``"grad"``; looked up once per class."""
    return _class_grad_attribute(type(node))


def raw_grad(node):
    """``node``'s gradient as the core and the rules see it: a float or a NumPy array (or None)."""
    return getattr(node, grad_attribute(node))


def propagate(node, attribute=None):
    """Apply ``node``'s gradient rule once and add each contribution to its parent's grad.

    ``attribute`` names where every node of the graph keeps its gradient, when the caller knows it
    is the same for all (see :func:`backward_steps`); ``None`` looks it up node by node.
    """
    g = getattr(node, attribute or grad_attribute(node))
    contributions = node._grad_fn(g)
    taken = (g,)
    for parent, contribution in zip(node._prev, contributions):
        if contribution is None:
            continue
        name = attribute or grad_attribute(parent)
        grad = getattr(parent, name)
        if grad is None:
            # The first contribution becomes the gradient: a copy, if it is the incoming gradient,
            # a view (of it, or of anything), or what another parent got.
            if getattr(contribution, "base", None) is not None or any(contribution is other for other in taken):
                contribution = contribution.copy(order="K")  # keeping its memory layout, so sums round alike
            taken += (contribution,)
            setattr(parent, name, contribution)
        else:
            setattr(parent, name, grad + contribution)
    return contributions


def run_closure(node):
    """Call ``node``'s micrograd-style ``_backward`` and return what it added to each parent's grad."""
    closure = getattr(node, "_backward", None)
    if closure is None:
        raise TypeError(
            f"backward: the node {_short(node)} made by {getattr(node, '_op', '')!r} has parents but no gradient "
            "rule (neither _grad_fn nor _backward)"
        )
    parents = tuple(node._prev)
    # A copy, in case the closure adds to an array in place.
    before = [copy.copy(raw_grad(parent)) for parent in parents]
    closure()
    contributions, seen = [], set()
    for parent, old in zip(parents, before):
        if id(parent) in seen:
            contributions.append(None)
            continue
        seen.add(id(parent))
        new = raw_grad(parent)
        contributions.append(new if old is None else new - old)
    return tuple(contributions)


def _short(node):
    name = repr(node)
    return name if len(name) <= 80 else name[:77] + "..."


def backward_steps(root, grad):
    """Run the backward pass from ``root``, seeded with ``grad``, yielding a BackwardStep per node.

    Nodes come in reverse topological order, so a node's gradient is complete when its step comes.
    Each step's contributions are already added when it is yielded. Gradients of inner nodes are
    reset first, so they are those of this pass; leaves keep accumulating across passes, as in
    PyTorch, until something zeroes them.
    """
    order = topological_order(root)
    # One lookup per class rather than per node: a graph is nearly always of one class.
    attributes = {_class_grad_attribute(cls) for cls in set(map(type, order))}
    attribute = attributes.pop() if len(attributes) == 1 else None
    for node in order:
        if node._prev:
            setattr(node, attribute or grad_attribute(node), getattr(node, "_grad_zero", 0.0))
    # A copy of the seed: the caller's array must never become a gradient.
    name = attribute or grad_attribute(root)
    old = getattr(root, name)
    setattr(root, name, copy.copy(grad) if old is None else old + grad)
    for node in reversed(order):
        if getattr(node, "_grad_fn", None) is not None:
            yield BackwardStep(node, node._op, getattr(node, attribute or grad_attribute(node)), propagate(node, attribute))
        elif node._prev:
            yield BackwardStep(node, getattr(node, "_op", ""), raw_grad(node), run_closure(node))
        else:
            yield BackwardStep(node, getattr(node, "_op", ""), getattr(node, attribute or grad_attribute(node)), ())


def backward(root, grad):
    """Run :func:`backward_steps` to the end."""
    for _ in backward_steps(root, grad):
        pass
