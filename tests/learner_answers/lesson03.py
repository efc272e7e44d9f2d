"""Answers learners type to lesson 03's exercises, each wrong in a way its check must catch."""

REVERSE_ORDER = "def reverse_order(root):\n{}\n"

# Kahn's algorithm as the solution has it, with {count} and {subtract} as the loops that vary.
COUNTING = '''    users = {{root: 0}}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in {count}:
            if parent not in users:
                users[parent] = 0
                stack.append(parent)
            users[parent] {add}
    order, ready = [], [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for parent in {subtract}:
            users[parent] -= 1
            if users[parent] == 0:
                ready.append(parent)
    return order'''

BACKWARD_ALL = '''def backward_all(root):
    # Run every node's rule in reverse topological order.
{}
'''

# The exercise's search with {visit} in place of the lines that push and place the nodes.
SEARCH = '''    order = []
    visited = set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
{visit}
    root.grad = 1.0
    for node in {run}:
        node._backward()'''

NEURON = '''x1, x2 = 0.5, -1.5  # the inputs, plain numbers (constants in the graph)


def neuron_exp(w1, w2, b):
    # tanh(w1*x1 + w2*x2 + b), with tanh written as (exp(2z) - 1) / (exp(2z) + 1)
{}
'''

SIN_NODE = 'minigrad.Value(math.sin(x.data), (x,), "sin")'
SIN = '''def value_sin(x):
    # sin(x) as a new minigrad.Value whose parent is x, with its rule written the micrograd way.
    out = {node}

    def _backward():
        {rule}

    out._backward = _backward
    return out
'''

WRONG = {
    1: {
        "counts each parent once, subtracts per edge": REVERSE_ORDER.format(COUNTING.format(
            count="set(node._prev)", add="+= 1", subtract="node._prev")),
        "counts per edge, subtracts once per parent": REVERSE_ORDER.format(COUNTING.format(
            count="node._prev", add="+= 1", subtract="set(node._prev)")),
        "= instead of += when counting": REVERSE_ORDER.format(COUNTING.format(
            count="node._prev", add="= 1", subtract="node._prev")),
        "recursive count": REVERSE_ORDER.format('''    users = {}

    def count(node):
        for parent in node._prev:
            if parent not in users:
                users[parent] = 0
                count(parent)
            users[parent] += 1

    count(root)
    order, ready = [], [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for parent in node._prev:
            users[parent] -= 1
            if users[parent] == 0:
                ready.append(parent)
    return order'''),
        "recursive, with a raised recursion limit": "import sys\n\nsys.setrecursionlimit(100_000)\n\n\n"
        + REVERSE_ORDER.format('''    order, placed = [], set()

    def place(node):
        if node in placed:
            return
        placed.add(node)
        for parent in node._prev:
            place(parent)
        order.append(node)

    place(root)
    return order[::-1]'''),
        "topological order, not reversed": REVERSE_ORDER.format("    return minigrad.topological_order(root)"),
        "breadth-first from the root (right on the lesson's graph)": REVERSE_ORDER.format('''    order, seen, queue = [], {root}, [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for parent in node._prev:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return order'''),
        "depth-first pre-order": REVERSE_ORDER.format('''    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(node._prev)
    return order'''),
        "ready when the count reaches 1": REVERSE_ORDER.format(COUNTING.format(
            count="node._prev", add="+= 1", subtract="node._prev").replace("users[parent] == 0", "users[parent] == 1")),
        "a set of nodes": REVERSE_ORDER.format("    return set(minigrad.topological_order(root))"),
        "the labels, not the nodes": REVERSE_ORDER.format(
            "    return [node.label for node in reversed(minigrad.topological_order(root))]"),
        "counts each parent once via a seen check": REVERSE_ORDER.format(COUNTING.format(
            count="node._prev", add="+= 1", subtract="node._prev").replace(
            "                stack.append(parent)\n            users[parent] += 1",
            "                stack.append(parent)\n                users[parent] += 1")),
        "the counted nodes in discovery order": REVERSE_ORDER.format(COUNTING.format(
            count="node._prev", add="+= 1", subtract="node._prev").split("    order, ready")[0] + "    return list(users)"),
        "counts keyed by label": REVERSE_ORDER.format(COUNTING.format(
            count="node._prev", add="+= 1", subtract="node._prev").replace("users[parent]", "users[parent.label]").replace(
            "if parent not in users", "if parent.label not in users").replace("{root: 0}", "{root.label: 0}")),
        "starts from the root's parents": REVERSE_ORDER.format(COUNTING.format(
            count="node._prev", add="+= 1", subtract="node._prev").replace(
            "order, ready = [], [root]", "order, ready = [], [p for p in root._prev if users[p] == 1]")),
    },
    2: {
        "visited when pushed": BACKWARD_ALL.format(SEARCH.format(run="reversed(order)", visit='''        if parents_done:
            order.append(node)
        else:
            stack.append((node, True))
            for parent in node._prev:
                if parent not in visited:
                    visited.add(parent)
                    stack.append((parent, False))''')),
        "de-duplicates keeping the last copy": BACKWARD_ALL.format(SEARCH.format(
            run="reversed(order)", visit='''        if parents_done:
            order.append(node)
        else:
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''').replace(
            "    root.grad = 1.0", "    order = [n for i, n in enumerate(order) if n not in order[i + 1:]]\n    root.grad = 1.0")),
        "skips rules that already ran": BACKWARD_ALL.format(SEARCH.format(run="reversed(order)", visit='''        if parents_done:
            order.append(node)
        else:
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''').replace(
            "        node._backward()", "        if node not in visited:\n            visited.add(node)\n            node._backward()")),
        "visited checked before the flag": BACKWARD_ALL.format(SEARCH.format(run="reversed(order)", visit='''        if node in visited:
            continue
        if parents_done:
            order.append(node)
        else:
            visited.add(node)
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''')),
        "places a node when first taken (pre-order)": BACKWARD_ALL.format(SEARCH.format(run="reversed(order)", visit='''        if node not in visited:
            visited.add(node)
            order.append(node)
            for parent in node._prev:
                stack.append((parent, False))''')),
        "runs the rules in topological order": BACKWARD_ALL.format(SEARCH.format(run="order", visit='''        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''')),
        "recursive search": BACKWARD_ALL.format('''    order, visited = [], set()

    def build(node):
        if node not in visited:
            visited.add(node)
            for parent in node._prev:
                build(parent)
            order.append(node)

    build(root)
    root.grad = 1.0
    for node in reversed(order):
        node._backward()'''),
        "recursive, with a raised recursion limit": "import sys\n\nsys.setrecursionlimit(100_000)\n\n\n"
        + BACKWARD_ALL.format('''    order, visited = [], set()

    def build(node):
        if node not in visited:
            visited.add(node)
            for parent in node._prev:
                build(parent)
            order.append(node)

    build(root)
    root.grad = 1.0
    for node in reversed(order):
        node._backward()'''),
        "de-duplicates with a set": BACKWARD_ALL.format(SEARCH.format(run="reversed(list(set(order)))", visit='''        if parents_done:
            order.append(node)
        else:
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''')),
        "skips the root's rule": BACKWARD_ALL.format(SEARCH.format(run="reversed(order[:-1])", visit='''        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''')),
        "runs the pass twice": BACKWARD_ALL.format(SEARCH.format(run="reversed(order + order)", visit='''        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''')),
        "seeds the root after the rules": BACKWARD_ALL.format(SEARCH.format(run="reversed(order)", visit='''        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''').replace("    root.grad = 1.0\n", "") + "\n    root.grad = 1.0"),
        "forgets to seed the root": BACKWARD_ALL.format(SEARCH.format(run="reversed(order)", visit='''        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node._prev:
                stack.append((parent, False))''').replace("    root.grad = 1.0\n", "")),
    },
    3: {
        "plain tanh": NEURON.format("    return (w1 * x1 + w2 * x2 + b).tanh()"),
        "Value(math.exp(...)) cuts the graph": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = minigrad.Value(math.exp(2 * z.data))\n    return (e - 1) / (e + 1)"),
        "exp(z) instead of exp(2z)": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = z.exp()\n    return (e - 1) / (e + 1)"),
        "upside down": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = (2 * z).exp()\n    return (e + 1) / (e - 1)"),
        "w1.data": NEURON.format(
            "    z = w1.data * x1 + w2 * x2 + b\n    e = (2 * z).exp()\n    return (e - 1) / (e + 1)"),
        "math.tanh in a Value": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    return minigrad.Value(math.tanh(z.data))"),
        "returns .data": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = (2 * z).exp()\n    return ((e - 1) / (e + 1)).data"),
        "sigmoid": NEURON.format("    z = w1 * x1 + w2 * x2 + b\n    return 2 * (2 * z).sigmoid() - 1"),
        "2 * exp(z) for exp(2z)": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = 2 * z.exp()\n    return (e - 1) / (e + 1)"),
        "precedence: (e - 1) / e + 1": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = (2 * z).exp()\n    return (e - 1) / e + 1"),
        "the denominator cut by .data": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = (2 * z).exp()\n    return (e - 1) / (e.data + 1)"),
        "returns z, no tanh": NEURON.format("    return w1 * x1 + w2 * x2 + b"),
        "math.exp on a Value": NEURON.format(
            "    z = w1 * x1 + w2 * x2 + b\n    e = math.exp(2 * z)\n    return (e - 1) / (e + 1)"),
        "the micrograd lecture's inputs": NEURON.format(
            "    z = w1 * 2.0 + w2 * 0.0 + b\n    e = (2 * z).exp()\n    return (e - 1) / (e + 1)"),
        "forgets b": NEURON.format("    z = w1 * x1 + w2 * x2\n    e = (2 * z).exp()\n    return (e - 1) / (e + 1)"),
        "hard-coded inputs swapped": NEURON.format(
            "    z = w1 * -1.5 + w2 * 0.5 + b\n    e = (2 * z).exp()\n    return (e - 1) / (e + 1)"),
    },
    4: {
        "wrong derivative: -cos": SIN.format(node=SIN_NODE, rule="x.grad += -math.cos(x.data) * out.grad"),
        "wrong derivative: sin": SIN.format(node=SIN_NODE, rule="x.grad += math.sin(x.data) * out.grad"),
        "= instead of +=": SIN.format(node=SIN_NODE, rule="x.grad = math.cos(x.data) * out.grad"),
        "forgets out.grad": SIN.format(node=SIN_NODE, rule="x.grad += math.cos(x.data)"),
        "adds to the wrong node": SIN.format(node=SIN_NODE, rule="out.grad += math.cos(x.data) * out.grad"),
        "no parents": SIN.format(node='minigrad.Value(math.sin(x.data), (), "sin")',
                                 rule="x.grad += math.cos(x.data) * out.grad"),
        "forgets the rule": SIN.format(node=SIN_NODE, rule="pass").replace("    out._backward = _backward\n", ""),
        "sin of the wrong number": SIN.format(node='minigrad.Value(math.sin(2 * x.data), (x,), "sin")',
                                              rule="x.grad += math.cos(x.data) * out.grad"),
        "returns the rule's input": SIN.format(node=SIN_NODE, rule="x.grad += math.cos(x.data) * out.grad")
        .replace("    return out", "    return x"),
    },
}

SECRETS = {}
