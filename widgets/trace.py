"""The trace of one pass through a graph: what the explorer shows, and what ``draw_dot`` draws.

A :class:`Trace` reads any graph that follows the node protocol of ``minigrad/autograd.py``
(``data``, ``grad``, ``_prev`` and ``_op``): minigrad's Values and Tensors, micrograd's Values, the
lecture's, a learner's own. It runs ``backward_steps`` once to the end and keeps, for every step,
the node, what it sent to each parent and the parents' gradients after it, so that the gradients
at step k are exactly those the engine had then, whether the rule returned its contributions
(minigrad) or a ``_backward`` closure added them (micrograd). The graph's own gradients are put
back afterwards. It also says each step in words. No widgets here: the explorer draws a trace,
and tests read one directly.
"""

import copy
import re
from typing import Any, NamedTuple

import numpy as np

from minigrad import backward_steps, topological_order
from minigrad.autograd import grad_attribute, raw_grad
from widgets import graph

class ForwardStep(NamedTuple):
    """One step of the forward mode: ``node`` was computed by ``op`` and holds ``data``."""

    node: Any
    op: str
    data: Any


# ---------------------------------------------------------------------- scalar mode: the rules

# Per op: the node's equation (with names, and with numbers), and for each parent the local
# derivative times the node's gradient (with names, and with numbers). In the templates {a} and {b}
# are the parents' names, {A} and {B} their data, {o}, {O} and {g} the node's name, data and grad;
# a trailing p ({Ap}) puts a negative number in parentheses, for powers.
SCALAR_RULES = {
    "+": (("{a} + {b}", "{A} + {B}"), [("{o}.grad", "{g}"), ("{o}.grad", "{g}")]),
    "-": (("{a} - {b}", "{A} - {B}"), [("{o}.grad", "{g}"), ("-1 * {o}.grad", "-1 * {g}")]),
    "*": (("{a} * {b}", "{A} * {B}"), [("{b}.data * {o}.grad", "{B} * {g}"), ("{a}.data * {o}.grad", "{A} * {g}")]),
    "/": (
        ("{a} / {b}", "{A} / {B}"),
        [("{o}.grad / {b}.data", "{g} / {B}"), ("-1 * {o}.grad * {a}.data / {b}.data**2", "-1 * {g} * {A} / {Bp}**2")],
    ),
    "**": (
        ("{a}**{b}", "{Ap}**{Bp}"),
        [
            ("{b}.data * {a}.data**({b}.data - 1) * {o}.grad", "{B} * {Ap}**({B} - 1) * {g}"),
            ("{o}.data * log({a}.data) * {o}.grad", "{O} * log({A}) * {g}"),
        ],
    ),
    "neg": (("-{a}", "-{Ap}"), [("-1 * {o}.grad", "-1 * {g}")]),
    "exp": (("exp({a})", "exp({A})"), [("{o}.data * {o}.grad", "{O} * {g}")]),
    "log": (("log({a})", "log({A})"), [("{o}.grad / {a}.data", "{g} / {A}")]),
    "tanh": (("tanh({a})", "tanh({A})"), [("(1 - {o}.data**2) * {o}.grad", "(1 - {Op}**2) * {g}")]),
    "sigmoid": (("sigmoid({a})", "sigmoid({A})"), [("{o}.data * (1 - {o}.data) * {o}.grad", "{O} * (1 - {O}) * {g}")]),
    "relu": (("relu({a})", "relu({A})"), [("({a}.data > 0) * {o}.grad", "{Apositive} * {g}")]),
    "ReLU": (("relu({a})", "relu({A})"), [("({a}.data > 0) * {o}.grad", "{Apositive} * {g}")]),  # micrograd's name
    "abs": (("abs({a})", "abs({A})"), [("sign({a}.data) * {o}.grad", "{Asign} * {g}")]),
}


def _power_rule(op):
    """The rule of ``x ** n`` for a constant n; the op is named ``'**n'`` (``'**2'``, ``'**-1'``)."""
    n = op[2:]
    exponent = _exponent(n)
    below = exponent - 1
    below = str(below) if isinstance(below, int) else repr(below)
    return (
        ("{a}**" + n, "{Ap}**" + n),
        [(n + " * {a}.data**" + below + " * {o}.grad", n + " * {Ap}**" + below + " * {g}")],
    )


def _dot_rule(n_parents):
    """The rule of ``dot(weights, inputs, bias)``: parents are the weights, the inputs, the bias."""
    n = n_parents // 2
    has_bias = n_parents % 2 == 1
    products = [(f"{{p{i}}}*{{p{n + i}}}", f"{{P{i}}}*{{P{n + i}}}") for i in range(n)]
    if n > 3:
        products = products[:2] + [("...", "...")] + products[-1:]
    if has_bias:
        products.append((f"{{p{2 * n}}}", f"{{P{2 * n}}}"))
    equation = (" + ".join(s for s, _ in products), " + ".join(v for _, v in products))
    local = [(f"{{p{n + i}}}.data * {{o}}.grad", f"{{P{n + i}}} * {{g}}") for i in range(n)]
    local += [(f"{{p{i}}}.data * {{o}}.grad", f"{{P{i}}} * {{g}}") for i in range(n)]
    if has_bias:
        local.append(("{o}.grad", "{g}"))
    return equation, local


def _scalar_rule(op, n_parents):
    if op in SCALAR_RULES:
        return SCALAR_RULES[op]
    if op.startswith("**"):
        return _power_rule(op)
    if op == "dot":
        return _dot_rule(n_parents)
    names = ", ".join(f"{{p{i}}}" for i in range(n_parents))
    values = ", ".join(f"{{P{i}}}" for i in range(n_parents))
    return ((f"{op}({names})", f"{op}({values})"), [(f"(d{{o}}/d{{p{i}}}) * {{o}}.grad", "") for i in range(n_parents)])


def _exponent(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def _parenthesized(text):
    return f"({text})" if text.startswith("-") else text


# A name such as the lecture's label 'x1*w1 + x2*w2' reads wrongly in 'x1*w1 + x2*w2.grad'.
_PLAIN_NAME = re.compile(r"\w+(\[[\w, ]*\])*")


def _operand(name):
    return name if _PLAIN_NAME.fullmatch(name) else f"({name})"


def _scalar_fields(name, data, grad, parent_names, parent_data):
    fmt = graph.format_number
    name, parent_names = _operand(name), [_operand(pname) for pname in parent_names]
    fields = {"o": name, "O": fmt(data), "Op": _parenthesized(fmt(data)), "g": "?" if grad is None else fmt(grad)}
    for i, (pname, pdata) in enumerate(zip(parent_names, parent_data)):
        text = fmt(pdata)
        fields[f"p{i}"] = pname
        fields[f"P{i}"] = text
        if i < 2:
            letter = "ab"[i]
            fields[letter] = pname
            fields[letter.upper()] = text
            fields[letter.upper() + "p"] = _parenthesized(text)
        if i == 0:
            fields["Apositive"] = "1" if pdata > 0 else "0"
            fields["Asign"] = str((pdata > 0) - (pdata < 0))
    return fields


# ---------------------------------------------------------------------- tensor mode: the rules

# Per op: the node's equation and, per parent, what the op sends back (in words or a formula).
TENSOR_RULES = {
    "add": ("{a} + {b}", ["{o}.grad", "{o}.grad"]),
    "sub": ("{a} - {b}", ["{o}.grad", "-{o}.grad"]),
    "mul": ("{a} * {b}", ["{b}.data * {o}.grad", "{a}.data * {o}.grad"]),
    "div": ("{a} / {b}", ["{o}.grad / {b}.data", "-{o}.grad * {a}.data / {b}.data**2"]),
    "pow": ("{a}**{b}", ["{b}.data * {a}.data**({b}.data - 1) * {o}.grad", "{o}.data * log({a}.data) * {o}.grad"]),
    "neg": ("-{a}", ["-{o}.grad"]),
    "exp": ("exp({a})", ["{o}.data * {o}.grad"]),
    "log": ("log({a})", ["{o}.grad / {a}.data"]),
    "sqrt": ("sqrt({a})", ["{o}.grad / (2 * {o}.data)"]),
    "abs": ("abs({a})", ["sign({a}.data) * {o}.grad"]),
    "clip": ("{a}.clip(...)", ["{o}.grad where {a}.data is within the bounds, 0 elsewhere"]),
    "matmul": ("{a} @ {b}", ["{o}.grad @ {b}.data.T", "{a}.data.T @ {o}.grad"]),
    "sum": ("{a}.sum(...)", ["{o}.grad copied to every element that was summed"]),
    "max": ("{a}.max(...)", ["{o}.grad at the maximum, 0 elsewhere"]),
    "min": ("{a}.min(...)", ["{o}.grad at the minimum, 0 elsewhere"]),
    "reshape": ("{a}.reshape(...)", ["{o}.grad reshaped back"]),
    "permute": ("{a}.permute(...)", ["{o}.grad permuted back"]),
    "broadcast_to": ("{a}.broadcast_to(...)", ["{o}.grad summed over the broadcast axes"]),
    "getitem": ("{a}[...]", ["{o}.grad at the indexed positions, 0 elsewhere"]),
    "masked_fill": ("{a}.masked_fill(...)", ["{o}.grad where the mask is False, 0 where it is True"]),
    "tanh": ("tanh({a})", ["(1 - {o}.data**2) * {o}.grad"]),
    "sigmoid": ("sigmoid({a})", ["{o}.data * (1 - {o}.data) * {o}.grad"]),
    "relu": ("relu({a})", ["({a}.data > 0) * {o}.grad"]),
    "gelu": ("gelu({a})", ["gelu'({a}.data) * {o}.grad"]),
    "softmax": ("softmax({a})", ["{o}.data * ({o}.grad - sum({o}.grad * {o}.data, axis))"]),
    "log_softmax": ("log_softmax({a})", ["{o}.grad - exp({o}.data) * sum({o}.grad, axis)"]),
    "to": ("{a}.to(dtype)", ["{o}.grad cast back to {a}'s dtype"]),
    "where": (
        "where(condition, {a}, {b})",
        ["{o}.grad where the condition holds, 0 elsewhere", "{o}.grad where it fails, 0 elsewhere"],
    ),
    "linear": (
        "linear({a}, {b}, ...)",
        ["{o}.grad @ {b}.data", "{o}.grad.T @ {a}.data", "{o}.grad summed over the batch"],
    ),
}
BROADCASTING = {"add", "sub", "mul", "div", "pow", "where"}


def _tensor_rule(op, n_parents):
    if op in TENSOR_RULES:
        return TENSOR_RULES[op]
    if op.startswith("pow"):
        n = op[3:]
        return ("{a}**" + n, [n + " * {a}.data**(" + n + " - 1) * {o}.grad"])
    names = ", ".join(f"{{p{i}}}" for i in range(n_parents))
    if op in ("cat", "stack"):
        return (f"{op}([{names}])", ["the part of {o}.grad that came from {p}"] * n_parents)
    return (f"{op}({names})", [f"{op}'s vector-Jacobian product with {{o}}.grad"] * n_parents)


def _shape(array):
    return str(tuple(np.shape(array)))


def _values(array):
    """' = [...]' for a small array, ' with values from lo to hi' for a larger one."""
    lines = graph.format_array(array)
    if lines[0].startswith("min "):
        low, high = lines[0].removeprefix("min ").split(", max ")
        return f" with values from {low} to {high}"
    return " = " + ", ".join(line.strip() for line in lines)



# ---------------------------------------------------------------------- the trace


def is_node(x):
    """Whether ``x`` is a graph node (checked by its attributes, never by its class): ``data`` and ``_prev``.

    A backward pass needs a ``grad`` too; the forward pass of a class that has none yet can be shown.
    """
    return hasattr(x, "data") and hasattr(x, "_prev")


def is_tensor_node(node):
    return isinstance(node.data, np.ndarray)


def _snapshot(grad, is_tensor):
    """A gradient as it is now, safe from later in-place changes, as a float or an array."""
    if grad is None:
        return None
    return np.array(grad) if is_tensor else grad


class Trace:
    """The nodes of the graph of ``root``, and one pass through it (``mode``: 'backward', 'forward',
    or 'graph' for the structure alone).

    ``nodes`` (topological order, ``root`` last), ``names``, ``parents`` and ``children`` (as
    indices into ``nodes``), ``records`` (one per step), ``order`` (the node index of each step),
    ``steps``, ``seed``. At step k (0 = before the first step): :meth:`grads_at`, :meth:`data_at`,
    :meth:`updated_at` and :meth:`words`.
    """

    def __init__(self, root, mode="backward", seed=None):
        if mode not in ("backward", "forward", "graph"):
            raise ValueError(f"Trace: mode must be 'backward', 'forward' or 'graph', not {mode!r}")
        if not is_node(root):
            raise TypeError(
                "expected a graph node (an object with data, _prev and _op, and a grad, such as a Value or a Tensor), "
                f"got {type(root).__name__}"
            )
        if mode == "backward" and not hasattr(root, "grad"):
            raise TypeError(f"a backward pass needs nodes with a grad, and this {type(root).__name__} has none")
        self.root, self.mode = root, mode
        self.is_tensor = is_tensor_node(root)
        self.nodes = topological_order(root)
        self.index = {id(node): i for i, node in enumerate(self.nodes)}
        self.parents = [tuple(self.index[id(p)] for p in node._prev) for node in self.nodes]
        self.children = [[] for _ in self.nodes]
        for i, ps in enumerate(self.parents):
            for p in dict.fromkeys(ps):
                self.children[p].append(i)
        self.names = graph.node_names(self.nodes)
        self.ops = [getattr(node, "_op", "") for node in self.nodes]
        self.seed = None
        self.after = []  # per step: (parent index, its grad after the step) for each parent it sent to
        if mode == "forward":
            self.order = [i for i, ps in enumerate(self.parents) if ps]
            self.records = [ForwardStep(self.nodes[i], self.ops[i], self.nodes[i].data) for i in self.order]
        elif mode == "backward":
            self.seed = self._seed_gradient(seed)
            self.records = self._run_backward()
            self.order = [self.index[id(record.node)] for record in self.records]
        else:
            self.order, self.records = [], []
        self.steps = len(self.records)

    # ------------------------------------------------------------------ running the pass

    def _seed_gradient(self, seed):
        if not self.is_tensor:
            return 1.0 if seed is None else float(seed)
        data = self.root.data
        if seed is None:
            if data.size != 1:
                raise ValueError(
                    f"a non-scalar output (shape {data.shape}) needs a seed gradient, e.g. seed=gradient"
                )
            return np.ones_like(data)
        seed = np.asarray(seed if isinstance(seed, np.ndarray) else getattr(seed, "data", seed), dtype=data.dtype)
        if seed.shape != data.shape:
            raise ValueError(f"seed of shape {seed.shape} for an output of shape {data.shape}")
        return seed

    def _run_backward(self):
        """All records of ``backward_steps``, and the gradients after each; the graph's own are put back."""
        saved = [copy.copy(raw_grad(node)) for node in self.nodes]
        zero = None if self.is_tensor else 0.0
        records = []
        try:
            for node in self.nodes:
                setattr(node, grad_attribute(node), zero)  # leaves start from nothing, as in a fresh backward()
            for record in backward_steps(self.root, self.seed):
                records.append(record)
                sent = zip(record.parents, record.contributions)
                self.after.append(
                    tuple(
                        (self.index[id(p)], _snapshot(raw_grad(p), self.is_tensor))
                        for p, contribution in sent
                        if contribution is not None
                    )
                )
        finally:
            for node, grad in zip(self.nodes, saved):
                setattr(node, grad_attribute(node), grad)
        return records

    # ------------------------------------------------------------------ the state at step k

    def current_index(self, k):
        """Index in ``nodes`` of the node of step ``k`` (None at step 0)."""
        return self.order[k - 1] if k else None

    def grads_at(self, k):
        """The gradients after the first k steps, as the engine had them (None: not known yet)."""
        if k == 0 or self.mode != "backward":
            return [None] * len(self.nodes)
        grads = [None if self.is_tensor else 0.0] * len(self.nodes)
        grads[-1] = self.seed  # the root is last in topological order
        for after in self.after[:k]:
            for p, grad in after:
                grads[p] = grad
        return grads

    def data_at(self, k):
        """The data known after k steps: all of it going backward, the leaves and the steps done going forward."""
        if self.mode != "forward":
            return [node.data for node in self.nodes]
        known = set(self.order[:k])
        return [
            node.data if (not ps or i in known) else None for i, (node, ps) in enumerate(zip(self.nodes, self.parents))
        ]

    def updated_at(self, k):
        """The parents step ``k`` sent gradient to."""
        if k == 0 or self.mode != "backward":
            return set()
        return {p for p, _ in self.after[k - 1]}

    def uses_closure(self, i):
        """Whether node ``i``'s step ran a ``_backward`` closure (rather than a rule that returns)."""
        return bool(self.parents[i]) and getattr(self.nodes[i], "_grad_fn", None) is None

    # ------------------------------------------------------------------ in words

    def words(self, k):
        """Lines saying what step ``k`` does, with names and numbers."""
        return self._words_forward(k) if self.mode == "forward" else self._words_backward(k)

    def _words_forward(self, k):
        n = self.steps
        if k == 0:
            return [
                f"Step 0 of {n}: only the leaves (the inputs) are known; every other node shows '?'.",
                "Step forward to compute the nodes one at a time, each after its parents (topological order).",
            ]
        i = self.current_index(k)
        node, name, op = self.nodes[i], self.names[i], self.ops[i]
        parents = self.parents[i]
        header = f"Step {k} of {n}: node '{name}' ({op})"
        if self.is_tensor:
            equation, _ = _tensor_rule(op, len(parents))
            text = equation.format(o=name, **self._tensor_fields(parents))
            shapes = ", ".join(_shape(self.nodes[p].data) for p in parents)
            line = f"{name} = {text}: from shapes {shapes} to shape {_shape(node.data)}{_values(node.data)}"
        else:
            (symbolic, numeric), _ = _scalar_rule(op, len(parents))
            fields = _scalar_fields(
                name, node.data, None, [self.names[p] for p in parents], [self.nodes[p].data for p in parents]
            )
            line = (
                f"{name} = {symbolic.format(**fields)} = {numeric.format(**fields)} = {graph.format_number(node.data)}"
            )
        lines = [header, line]
        if k == n:
            lines.append("That was the last step: the forward pass is complete.")
        return lines

    def _tensor_fields(self, parents):
        fields = {f"p{j}": self.names[p] for j, p in enumerate(parents)}
        for j, letter in enumerate("ab"):
            if j < len(parents):
                fields[letter] = self.names[parents[j]]
        return fields

    def _words_backward(self, k):
        n = self.steps
        root = self.names[-1]
        if k == 0:
            seed = graph.format_number(self.seed) if not self.is_tensor else "ones"
            return [
                f"Step 0 of {n}: no gradient is known yet (grad shows '?').",
                f"Step forward to seed {_operand(root)}.grad = {seed} (d{root}/d{root} = 1)"
                " and walk back in reverse topological order.",
            ]
        record = self.records[k - 1]
        i = self.current_index(k)
        node, name, op = self.nodes[i], self.names[i], self.ops[i]
        parents = self.parents[i]
        g = record.grad
        fmt = graph.format_number
        if self.is_tensor:
            operand = _operand(name)
            grad_text = f"{operand}.grad has shape {_shape(g)}" if g is not None else f"{operand}.grad is None"
            header = f"Step {k} of {n}: node '{name}' ({op or 'leaf'}), shape {_shape(node.data)}; {grad_text}"
        else:
            header = f"Step {k} of {n}: node '{name}' ({op or 'leaf'}), {_operand(name)}.grad = {fmt(g)}"
        if k == 1:
            header += f" (the seed: d{name}/d{name} = 1)"
        lines = [header]
        if not parents:
            if self.is_tensor and not getattr(node, "requires_grad", True):
                lines.append(f"'{name}' is a leaf that does not require grad: it gets no gradient.")
            else:
                shown = fmt(g) if not self.is_tensor else (_values(g).removeprefix(" = ") if g is not None else "None")
                lines.append(
                    f"'{name}' is a leaf: nothing to pass on. Its gradient is complete: {_operand(name)}.grad = {shown}"
                )
        elif self.is_tensor:
            lines += self._tensor_lines(i, record)
        else:
            lines += self._scalar_lines(i, record)
        if k == n:
            lines.append("That was the last step: every gradient is complete, as after backward().")
        return lines

    def _tensor_lines(self, i, record):
        node, name, op, parents = self.nodes[i], self.names[i], self.ops[i], self.parents[i]
        equation, local = _tensor_rule(op, len(parents))
        fields = self._tensor_fields(parents)
        eq = equation.format(o=name, **fields)
        lines = []
        for j, (p, contribution) in enumerate(zip(parents, record.contributions)):
            pname = self.names[p]
            rule = local[j] if j < len(local) else local[-1]
            if contribution is None:
                lines.append(f"{name} = {eq}, so {pname} gets nothing: it does not require grad")
                continue
            sent = rule.format(o=name, p=pname, **fields)
            note = (
                " (summed over the broadcast axes)"
                if op in BROADCASTING and np.shape(self.nodes[p].data) != np.shape(node.data)
                else ""
            )
            lines.append(
                f"{name} = {eq}, so {_operand(pname)}.grad += {sent}: "
                f"shape {_shape(contribution)}{note}{_values(contribution)}"
            )
        return lines

    def _scalar_lines(self, i, record):
        node, name, op, parents = self.nodes[i], self.names[i], self.ops[i], self.parents[i]
        (symbolic, _), local = _scalar_rule(op, len(parents))
        fmt = graph.format_number
        closure = self.uses_closure(i)
        lines = []
        if closure:
            lines.append(
                f"{_operand(name)}._backward() ran: "
                "what it added to each parent is read from the change of the parent's grad."
            )
            # A set of parents has no operand order: the rule's formula is shown only where order cannot matter.
            ordered = isinstance(node._prev, (tuple, list)) or op in ("+", "*") or len(parents) == 1
            if not (ordered and _known_scalar(op) and len(local) == len(parents)):
                # A set holds a parent used twice (a + a) once: its change is the sum of both uses.
                is_set = not isinstance(node._prev, (tuple, list))
                collapsed = is_set and _known_scalar(op) and len(local) > len(parents)
                note = " (the set of parents holds it once: this is both of its contributions)" if collapsed else ""
                for p, contribution in zip(parents, record.contributions):
                    if contribution is not None:
                        lines.append(f"{_operand(self.names[p])}.grad += {fmt(contribution)}{note}")
                return lines
        fields = _scalar_fields(
            name, node.data, record.grad, [self.names[p] for p in parents], [self.nodes[p].data for p in parents]
        )
        eq = symbolic.format(**fields)
        for j, (p, contribution) in enumerate(zip(parents, record.contributions)):
            if contribution is None:
                lines.append(f"{self.names[p]} appears twice: the change of its grad is counted above")
                continue
            formula, numbers = local[j]
            result = fmt(contribution)
            numbers = numbers.format(**fields)
            line = f"{name} = {eq}, so {_operand(self.names[p])}.grad += {formula.format(**fields)}"
            if numbers and numbers != result:
                line += f" = {numbers}"
            lines.append(line + f" = {result}")
        return lines



def _known_scalar(op):
    """Whether the words have a formula for ``op`` (rather than only the numbers a closure added)."""
    if op in SCALAR_RULES or op == "dot":
        return True
    if op.startswith("**") and len(op) > 2:
        try:
            _exponent(op[2:])
        except ValueError:
            return False
        return True
    return False
