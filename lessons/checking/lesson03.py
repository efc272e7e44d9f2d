"""The checks of lesson 03, Backpropagation.

The checks of exercises 1 and 2 run the learner's function on graphs of their own, built from
``_Node``, a node written the micrograd way (a ``_backward`` closure that adds to its parents'
``grad``) that also records when its rule runs. So the checks never depend on the notebook's class
or objects, and can say which node ran too early, twice or never. Each graph is one that separates a
known mistake: a node used twice, paths of different lengths to one node, a shared subgraph, a
diamond, the parents of the output in either order, a single leaf, and a chain 5,000 nodes deep
(deeper than Python lets a function call itself), on which the check also measures how deeply the
learner's function nests its calls.
"""

import math
import sys
import types

import minigrad
from checking import exercise, gradient_problem, right, wrong

CHAIN_DEPTH = 5_000
NESTED_CALLS_ALLOWED = 100  # an iterative walk nests a few calls; a recursive one, one per level


class _Node:
    """A scalar node with micrograd's fields and ``_backward`` rules; every rule that runs is logged."""

    def __init__(self, data, label="", _prev=(), _op="", log=None):
        self.data, self.grad, self.label = float(data), 0.0, label
        self._name = label  # what hints call the node, even where its label is blank
        self._prev, self._op = _prev, _op
        self._log = [] if log is None else log
        self._backward = lambda: None

    def __repr__(self):
        return f"node {self._name or '(unlabelled)'}"

    def _made(self, data, parents, op, rule):
        out = _Node(data, _prev=parents, _op=op, log=self._log)

        def _backward():
            out._log.append(out)
            rule(out)

        out._backward = _backward
        return out

    def __add__(self, other):
        def rule(out):
            self.grad += out.grad
            other.grad += out.grad

        return self._made(self.data + other.data, (self, other), "+", rule)

    def __mul__(self, other):
        def rule(out):
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        return self._made(self.data * other.data, (self, other), "*", rule)


def _label(node, text):
    node.label = text
    if isinstance(node, _Node):
        node._name = text
    return node


# Each graph: (what the hint calls it, builder). A builder takes a function leaf(data, label) and
# returns the root; every node gets a label, so that a hint can name it.

def _lesson_graph(leaf, swapped=False):
    a, b = leaf(2.0, "a"), leaf(1.0, "b")
    c = _label(a + b, "c")
    d = _label(c * c, "d")
    return _label(c + d if swapped else d + c, "L")


def _other_user_graph(leaf):
    # c is used by d twice and by e, which comes second among L's parents.
    a, b, k = leaf(2.0, "a"), leaf(1.0, "b"), leaf(0.5, "k")
    c = _label(a + b, "c")
    d = _label(c * c, "d")
    e = _label(c + k, "e")
    return _label(e + d, "L")


def _square_graph(leaf):
    x = leaf(3.0, "x")
    return _label(x * x, "L")


def _diamond_graph(leaf):
    a, b = leaf(1.5, "a"), leaf(-2.0, "b")
    u = _label(a + b, "u")
    v = _label(a * b, "v")
    return _label(u * v, "L")


def _path_lengths_graph(leaf):
    # d reaches L directly and through three more nodes: paths of length 1 and 4; k is used three times.
    a, b, k = leaf(0.5, "a"), leaf(2.0, "b"), leaf(-1.5, "k")
    c = _label(a * b, "c")
    d = _label(c * c, "d")
    y1 = _label(d + k, "y1")
    y2 = _label(y1 * k, "y2")
    y3 = _label(y2 + k, "y3")
    return _label(d * y3, "L")


def _shared_subgraph_graph(leaf):
    a, b = leaf(1.2, "a"), leaf(-0.7, "b")
    s = _label(a * b, "s")
    t = _label(s + a, "t")
    u = _label(s * t, "u")
    return _label(u + t, "L")


def _blank_labels_graph(leaf):
    # The shared subgraph again, with its inner nodes' labels blank, as ops leave them: counts keyed by
    # label (all "") would merge them.
    root = _shared_subgraph_graph(leaf)
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node._prev and isinstance(node, _Node):
            node.label = ""
        stack.extend(node._prev)
    return root


def _leaf_graph(leaf):
    return leaf(4.0, "x")


def _chain_graph(leaf):
    y, k = leaf(0.5, "x"), leaf(1.0, "k")
    for i in range(1, CHAIN_DEPTH + 1):
        y = _label(y + k, f"y{i}")
    return y


GRAPHS = [
    ("the lesson's graph, L = d + c with d = c * c and c = a + b", _lesson_graph),
    ("the same graph with L = c + d (L's parents the other way round)", lambda leaf: _lesson_graph(leaf, True)),
    ("L = e + d, with c = a + b used by d = c * c and by e = c + k", _other_user_graph),
    ("L = x * x", _square_graph),
    ("a diamond, L = (a + b) * (a * b)", _diamond_graph),
    ("L = d * y3, where d reaches L directly and through y1, y2, y3 (paths of different lengths)",
     _path_lengths_graph),
    ("a shared subgraph, L = s * t + t with s = a * b and t = s + a", _shared_subgraph_graph),
    ("the shared subgraph with its inner nodes unlabelled (label \"\"), as ops leave them", _blank_labels_graph),
    ("a single leaf x (the root is a leaf)", _leaf_graph),
    (f"a chain {CHAIN_DEPTH:,} nodes deep (y1 = x + k, y2 = y1 + k, ...)", _chain_graph),
]


def _check_graph(builder):
    log = []
    return builder(lambda data, label: _Node(data, label, log=log)), log


def _minigrad_graph(builder):
    return builder(lambda data, label: minigrad.Value(data, label=label))


def _nodes(root):
    """Every node of the graph, each after its parents (an iterative depth-first search, by identity)."""
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in reversed(node._prev) if id(parent) not in visited)
    return order


def _with_nesting(fn, *args):
    """Call ``fn(*args)``; return its result and how deeply Python calls nested meanwhile."""
    depth = [0, 0]

    def profile(frame, event, arg):
        if event == "call":
            depth[0] += 1
            depth[1] = max(depth[1], depth[0])
        elif event == "return":
            depth[0] -= 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = fn(*args)
    finally:
        sys.setprofile(previous)
    return result, depth[1]


def _recursion_hint(name, nesting=None):
    found = ("raised RecursionError" if nesting is None
             else f"nested {nesting:,} calls deep (it calls a function inside itself, once per level)")
    return (f"on the chain {CHAIN_DEPTH:,} nodes deep, {name} {found}. Python allows about 1,000 nested calls, "
            "and graphs can be far deeper: keep your own list as a stack (append and pop) instead of calling a "
            "function inside itself.")


def _call(fn, name, what, root, is_chain):
    """Run the learner's ``fn(root)``: (result, None), or (None, hint) when it raised or recursed."""
    try:
        if is_chain:
            result, nesting = _with_nesting(fn, root)
            if nesting > NESTED_CALLS_ALLOWED:
                return None, _recursion_hint(name, nesting)
        else:
            result = fn(root)
    except RecursionError:
        return None, _recursion_hint(name)
    except KeyError as error:
        return None, (f"on {what}, {name} raised KeyError: {error}, a key missing from a dict. Are the dict's keys the "
                      "nodes themselves? Two nodes can share a label or a number, and then share a key.")
    except Exception as error:  # a learner's code may fail in any way: say how, and on which graph
        return None, f"on {what}, {name} raised {type(error).__name__}: {error}"
    return result, None


# ---------------------------------------------------------------- exercise 1

COUNTING = ("Count one user per edge (d = c * c counts twice for c) with +=, subtract one per edge when a user is "
            "taken, and take a node only when its count reaches 0.")


def _order_problem(order, root, what):
    nodes = _nodes(root)
    if order is None:
        return "reverse_order returned None: return the list of nodes."
    if not isinstance(order, (list, tuple)):
        return f"reverse_order should return a list of nodes, but it returned a {type(order).__name__}."
    known = {id(node) for node in nodes}
    stranger = next((item for item in order if id(item) not in known), None)
    if stranger is not None:
        return (f"on {what}, the order holds {stranger!r}, which is not a node of the graph: append the nodes "
                "themselves.")
    times = {}
    for node in order:
        times[id(node)] = times.get(id(node), 0) + 1
    twice = next((node for node in order if times[id(node)] > 1), None)
    if twice is not None:
        return (f"on {what}, {twice._name} is in the order {times[id(twice)]} times: each node goes in once, "
                "when its count of users reaches 0.")
    if id(root) not in times:
        return f"on {what}, the root {root._name} is missing: start with ready = [root] and append each node you take."
    missing = next((node for node in reversed(nodes) if id(node) not in times), None)
    if missing is not None:
        return (f"on {what}, {missing._name} is missing from the order: its count of users never reached 0. "
                + COUNTING)
    if order[0] is not root:
        return f"on {what}, the order starts with {order[0]._name}, but the root, {root._name}, must come first."
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for parent in node._prev:
            if position[id(parent)] < position[id(node)]:
                return (f"on {what}, {parent._name} comes before {node._name}, which uses it: {parent._name} must "
                        f"wait until every node that uses it is in the order. " + COUNTING)
    return None


@exercise("reverse_order", cell="the cell of Exercise 1")
def check_reverse_order(reverse_order):
    for what, builder in GRAPHS:
        root, _ = _check_graph(builder)
        order, problem = _call(reverse_order, "reverse_order", what, root, builder is _chain_graph)
        problem = problem or _order_problem(order, root, what)
        if problem:
            return wrong(problem)
    return right(f"reverse_order lists every node once, each after all the nodes that use it, on {len(GRAPHS)} "
                 f"graphs: a node used twice, paths of different lengths, a shared subgraph, a diamond, a single "
                 f"leaf and a chain {CHAIN_DEPTH:,} deep")


# ---------------------------------------------------------------- exercise 2

def _rules_problem(log, root, what):
    inner = [node for node in _nodes(root) if node._prev]
    runs = {}
    for node in log:
        runs[id(node)] = runs.get(id(node), 0) + 1
    ran_at = {}
    for i, node in enumerate(log):
        ran_at.setdefault(id(node), i)
    for node in reversed(inner):
        if runs.get(id(node), 0) > 1:
            return (f"the rule of {node._name} ran {runs[id(node)]} times: a node reached by several paths is "
                    "placed in the order once per path. Place each node once.")
    for node in reversed(inner):
        if id(node) not in runs:
            return (f"the rule of {node._name} never ran: every node with parents must be in the order, after its "
                    "parents.")
    for node in reversed(inner):
        for parent in node._prev:
            if parent._prev and ran_at[id(parent)] < ran_at[id(node)]:
                return (f"the rule of {parent._name} ran before that of {node._name}, which uses it, so "
                        f"{parent._name} passed on its gradient before {node._name} had sent its share. A node "
                        "must go into the order after all of its parents, so that reversed, every node runs "
                        "before its parents.")
    return None


@exercise("backward_all", cell="the cell of Exercise 2")
def check_backward_all(backward_all):
    for what, builder in GRAPHS:
        root, log = _check_graph(builder)
        _, problem = _call(backward_all, "backward_all", what, root, builder is _chain_graph)
        if problem:
            return wrong(problem)
        expected_root = _minigrad_graph(builder)
        expected_root.backward()
        got, expected = _nodes(root), _nodes(expected_root)
        off = next(((g, e) for g, e in zip(got, expected) if not math.isclose(g.grad, e.grad, rel_tol=1e-9)), None)
        if off is None:
            continue
        leaf = next(((g, e) for g, e in zip(got, expected)
                     if not g._prev and not math.isclose(g.grad, e.grad, rel_tol=1e-9)), off)
        shown = f"on {what}, {leaf[0]._name}.grad comes out {leaf[0].grad:g} instead of {leaf[1].grad:g}"
        why = _rules_problem(log, root, what)
        if why is None and root.grad != 1.0:
            why = (f"the root's gradient is {root.grad:g} after backward_all: seed it with root.grad = 1.0 (dL/dL) "
                   "before the rules run, and leave it so (only the rules change gradients, by adding to them).")
        if why is None and all(node.grad == 0 for node in got if node is not root):
            why = ("every rule ran once, in a right order, but no gradient reached any node below the root: each "
                   "rule passes on its node's grad, so root.grad = 1.0 must be set before the first rule runs.")
        return wrong(f"{shown}: {why or 'every rule ran once, in a right order, so look at what else changes a grad.'}")
    return right(f"backward_all runs every rule once, each node before its parents, and gets minigrad's gradients "
                 f"on {len(GRAPHS)} graphs, from a single leaf to a chain {CHAIN_DEPTH:,} deep")


# ---------------------------------------------------------------- exercise 3

X1, X2 = 0.5, -1.5  # the inputs of the exercise
PARAMETERS = [(0.8, -0.4, 0.1), (-0.3, 0.5, 0.2), (1.1, 0.9, -0.6)]  # the first is the lesson's


def _with_inputs(fn):
    """``fn`` reading x1 = 0.5 and x2 = -1.5 as its globals, whatever the notebook's x1 and x2 hold now."""
    if not isinstance(fn, types.FunctionType):
        return fn
    namespace = dict(fn.__globals__, x1=X1, x2=X2)
    return types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)


@exercise("neuron_exp", cell="the cell of Exercise 3")
def check_neuron_exp(neuron_exp):
    fn = _with_inputs(neuron_exp)
    for values in PARAMETERS:
        params = [minigrad.Value(v, label=name) for v, name in zip(values, ("w1", "w2", "b"))]
        out = fn(*params)
        if not (hasattr(out, "data") and hasattr(out, "_prev")):
            plain = " (a .data or a float() takes the number out of the graph)" if isinstance(out, float) else ""
            return wrong(f"neuron_exp should return a Value, but it returned {type(out).__name__}{plain}: build it "
                         "from w1, w2, b and the inputs with Value ops (+, -, *, / and .exp()), and return the Value "
                         "itself.")
        nodes = _nodes(out)
        ops = {node._op for node in nodes}
        for op in ("tanh", "sigmoid"):
            if op in ops:
                return wrong(f"the graph of neuron_exp has a {op} node: the exercise is to write tanh out as "
                             "(exp(2z) - 1) / (exp(2z) + 1), from +, -, *, / and .exp().")
        in_graph = {id(node) for node in nodes}
        cut = [p.label for p in params if id(p) not in in_graph]
        if cut:
            names = cut[0] if len(cut) == 1 else ", ".join(cut[:-1]) + " and " + cut[-1]
            verb, them = ("is", "it") if len(cut) == 1 else ("are", "them")
            return wrong(f"{names} {verb} not in the graph of the output, so no gradient can reach {them}. Check that "
                         "z = w1*x1 + w2*x2 + b uses every parameter, and that the graph is not cut where a number "
                         "leaves it (.data, or a new Value made from a plain number such as Value(math.exp(...))): "
                         "build every step from Values.")
        if "exp" not in ops:
            return wrong("the graph of neuron_exp has no exp node: write tanh out with .exp(), "
                         "as (exp(2z) - 1) / (exp(2z) + 1).")
        w1, w2, b = values
        z = w1 * X1 + w2 * X2 + b
        actual = out.data
        if math.isclose(actual, math.tanh(z), rel_tol=1e-9, abs_tol=1e-12):
            continue
        if math.isclose(actual, 1 / math.tanh(z), rel_tol=1e-9):
            return wrong("neuron_exp is upside down: tanh(z) is (exp(2z) - 1) divided by (exp(2z) + 1).")
        if math.isclose(actual, math.tanh(z / 2), rel_tol=1e-9):
            return wrong("neuron_exp gives tanh(z / 2): the formula takes exp(2z), not exp(z).")
        if math.isclose(actual, math.tanh(w1 * X1 + w2 * X2), rel_tol=1e-9):
            return wrong("neuron_exp leaves out the bias: z = w1*x1 + w2*x2 + b.")
        if math.isclose(actual, -math.tanh(z), rel_tol=1e-9):
            return wrong("neuron_exp has the wrong sign: (exp(2z) - 1) / (exp(2z) + 1) is positive for z > 0.")
        return wrong(f"for w1 = {w1}, w2 = {w2}, b = {b}, neuron_exp does not give tanh(w1*x1 + w2*x2 + b) with "
                     "x1 = 0.5 and x2 = -1.5. Check z first, then the formula (exp(2z) - 1) / (exp(2z) + 1).")
    for values in PARAMETERS:
        params = [minigrad.Value(v) for v in values]
        problem = gradient_problem(fn, params, "neuron_exp")
        if problem:
            return wrong(f"{problem}. Build every step from Values: a Value made from a plain float cuts the graph.")
    return right("neuron_exp is tanh written with exp: the same outputs, and backward() gives the gradients of "
                 "w1, w2 and b that finite differences give, for three sets of parameters")


# ---------------------------------------------------------------- exercise 4

SIN_PROBES = [0.7, -2.1, 3.0]  # cos is positive at the first, negative at the others


def _sin_rule_problem(value_sin):
    """What a single call of the node's rule does wrong at a probe, or None."""
    x = minigrad.Value(0.7, label="x")
    out = value_sin(x)
    if out is None:
        return "value_sin still returns None: make the new node, give it its _backward, and return it."
    if not (hasattr(out, "data") and hasattr(out, "_prev") and hasattr(out, "grad")):
        return (f"value_sin should return a minigrad.Value, but it returned {type(out).__name__}: make it with "
                "minigrad.Value(data, (x,), 'sin').")
    if out is x:
        return "value_sin returns x itself: it should return the new node, out, made from x."
    kind = type(out)
    if (kind.__module__, kind.__qualname__) != (minigrad.Value.__module__, minigrad.Value.__qualname__):
        # By name, not isinstance: a node of micrograd's or the lesson's own class has data, grad and _prev too.
        return (f"value_sin returned a {kind.__module__}.{kind.__qualname__}, which minigrad's ops (tanh, * with "
                "a minigrad.Value) do not take: make the node with minigrad.Value(data, (x,), 'sin').")
    if not math.isclose(out.data, math.sin(0.7), rel_tol=1e-12):
        return "the new node's data is not sin(x.data): compute it with math.sin(x.data)."
    if not any(parent is x for parent in out._prev):
        return ("x is not among the new node's parents, so no backward pass reaches it: pass the children as "
                "minigrad.Value(..., (x,), 'sin').")
    out.grad, x.grad = 2.0, 0.5  # out's gradient so far, and what x already had from elsewhere
    try:
        out._backward()
    except TypeError as error:
        if "no gradient rule" in str(error):
            return "the new node has parents but no rule: set out._backward to a function that adds to x.grad."
        raise
    if out.grad != 2.0:
        return ("the rule changed out.grad: it should leave the node's own gradient alone and add to its parent's, "
                "x.grad.")
    added, due = x.grad - 0.5, 2.0 * math.cos(0.7)
    if math.isclose(added, due, rel_tol=1e-9):
        return None
    if math.isclose(x.grad, due, rel_tol=1e-9):
        return ("the rule sets x.grad (=) instead of adding to it (+=): what x got from the other places it is used "
                "was lost.")
    if math.isclose(added, math.cos(0.7), rel_tol=1e-9):
        return "the rule leaves out out.grad: the chain rule multiplies the local derivative by the node's gradient."
    if added == 0:
        return "the rule added nothing to x.grad: it should add the local derivative times out.grad to x.grad."
    for wrong_slope in (-math.cos(0.7), math.sin(0.7), -math.sin(0.7)):
        if math.isclose(added, 2.0 * wrong_slope, rel_tol=1e-9) or math.isclose(added, wrong_slope, rel_tol=1e-9):
            return "the local derivative is not right: d sin(x) / dx is cos(x), at x.data."
    return "what the rule adds to x.grad is not the local derivative, cos(x.data), times out.grad."


@exercise("value_sin", cell="the cell of Exercise 4")
def check_value_sin(value_sin):
    problem = _sin_rule_problem(value_sin)
    if problem:
        return wrong(problem)
    # x reaches the output along two paths and through minigrad's own ops: += and the order both matter.
    for x in SIN_PROBES:
        problem = gradient_problem(lambda a: value_sin(a * a) * a + value_sin(a).tanh(), [minigrad.Value(x)],
                                   "value_sin(x * x) * x + value_sin(x).tanh()")
        if problem:
            return wrong(f"{problem}.")
    return right("value_sin is a node with its own rule: backward() gives the gradients finite differences give, "
                 "with sin used twice among minigrad's own ops, at three points")
