"""The checks of lesson 02, Expressions as graphs."""

import math

import minigrad
from checking import Node, exercise, is_node, is_number, number_problem, right, wrong
from widgets import BackwardExplorer


@exercise("mul_backward")
def check_mul_backward(mul_backward):
    # The rule runs on nodes of the check's own, so that it is tested whatever Value class the notebook
    # holds: fresh leaves, a leaf that already holds a gradient, and x * x (one node, both factors).
    # out.grad is 2.5, so that forgetting it, doubling the shares or adding instead of multiplying
    # each give different numbers; out._prev holds the factors, as the lesson's nodes do.
    g = 2.5

    def product(a, b):
        out = Node(a.data * b.data, grad=g)
        out._prev = (a, b)
        return out

    x, y = Node(3.0), Node(-4.0)
    out = product(x, y)
    returned = mul_backward(x, y, out)
    fresh = (x.grad, y.grad)
    held_x, held_y = Node(3.0, grad=1.0), Node(-4.0, grad=-1.0)
    mul_backward(held_x, held_y, product(held_x, held_y))
    twice = Node(3.0)
    mul_backward(twice, twice, product(twice, twice))

    if out.grad != g or out.data != -12.0:
        return wrong("mul_backward changed out (its .data or .grad): it should only read out.grad, and add to the factors' .grad.")
    if fresh == (0.0, 0.0) and isinstance(returned, tuple) and len(returned) == 2:
        return wrong("mul_backward returned the two shares, but x.grad and y.grad are still 0: in MyValue the "
                     "rule itself adds each share to its factor's .grad, with +=, and returns nothing.")
    if fresh == (0.0, 0.0):
        return wrong("x.grad and y.grad are still 0 after mul_backward(x, y, out): add to each factor's .grad "
                     "its share, the other factor's .data times out.grad.")
    if all(isinstance(v, (int, float)) for v in fresh) and math.isclose(fresh[0], 3.0 * g) and math.isclose(
            fresh[1], -4.0 * g):
        return wrong("each factor got its own data times out.grad: a product sends each factor the *other* "
                     "factor's data.")
    if fresh == (-4.0, 3.0):
        return wrong("the shares are not multiplied by out.grad: the chain rule multiplies the local "
                     "derivative by the gradient that arrived at out.")
    if fresh == (-4.0 * g * 2, 3.0 * g * 2):
        return wrong("x.grad and y.grad each got twice their share: add y.data * out.grad to x.grad once, "
                     "and x.data * out.grad to y.grad once.")
    if fresh == (4.0 * g, -3.0 * g):
        return wrong("the shares have the wrong sign: add them to .grad (+=), do not subtract them.")
    if fresh[0] == -4.0 * g and fresh[1] != 3.0 * g:
        return wrong("x.grad is right, but y.grad is not: y.grad should get x.data * out.grad.")
    if fresh[1] == 3.0 * g and fresh[0] != -4.0 * g:
        return wrong("y.grad is right, but x.grad is not: x.grad should get y.data * out.grad.")
    if fresh != (-4.0 * g, 3.0 * g):
        return wrong("with x = 3, y = -4 and out.grad = 2.5, x.grad should get y.data * out.grad and y.grad "
                     "x.data * out.grad.")
    if (held_x.grad, held_y.grad) != (1.0 - 4.0 * g, -1.0 + 3.0 * g):
        return wrong("a gradient a node already held was lost: add to .grad with +=, do not assign it with =.")
    if twice.grad != 2 * 3.0 * g:
        return wrong("for x * x, where a and b are the same node, x.grad should get both shares, "
                     "x.data * out.grad twice: add each share with its own += (a.grad, b.grad = ... sets "
                     "the node's .grad twice, keeping only one share).")
    return right("mul_backward adds y.data * out.grad to x.grad and x.data * out.grad to y.grad, "
                 "and x * x gets both shares")


def _lesson_graph(Value):
    # The lesson's inputs, a = 2, b = -3, c = 10, f = -2, as fresh leaves of the given class.
    return (Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f"))


def _number_hint(answer, what):
    # Why ``answer`` is not a plain number yet, or None when it is one.
    if answer is None:
        return f"{what} is still None: set it to a number."
    if is_number(answer):
        return None if math.isfinite(answer) else f"{what} is {answer}."
    if is_node(answer):
        return (f"{what} is a {type(answer).__name__}, not a number: ops on Values make new Values; "
                "compute with the numbers, the .data of each node.")
    if not is_number(answer):
        return f"{what} should be a number, but it is a {type(answer).__name__}."
    if not math.isfinite(answer):
        return f"{what} is {answer}."
    return None


@exercise("dM_dc", cell="the cell of Exercise 1")
def check_dM_dc(dM_dc):
    # The expected number comes from minigrad's backward pass over an expression of the check's own.
    a, b, c, f = _lesson_graph(minigrad.Value)
    k = minigrad.Value(3.0, label="k")
    M = ((c + a) * b + f) * k
    M.backward()
    expected = c.grad
    problem = _number_hint(dM_dc, "dM_dc")
    if problem:
        return wrong(problem)
    walk = ("Walk back from M one node at a time: M = p * k gives p the other factor; + passes a gradient on "
            "unchanged; q = r * b multiplies what q has by the other factor.")
    if dM_dc == expected:
        return right(f"dM/dc = {expected:g}: k, passed on by +, times b, passed on by +")
    if math.isclose(dM_dc, expected, rel_tol=1e-4):
        return wrong("dM_dc is close, but not exact: that is what nudging gives. The chain rule gives the exact "
                     "number: multiply the local derivatives on the way back from M.")
    if math.isclose(dM_dc, M.data):
        return wrong("that is the value of M, not its derivative: dM/dc says how fast M moves when c is nudged.")
    if math.isclose(dM_dc, b.data):
        return wrong("a factor is missing: the walk starts at M = p * k, which multiplies every gradient below "
                     "it by the other factor, k.")
    if math.isclose(dM_dc, k.data):
        return wrong("the walk stopped too early: q = r * b multiplies the gradient that reaches q by the other "
                     "factor before + passes it on to c.")
    if math.isclose(dM_dc, 1.0):
        return wrong("+ passes a gradient on unchanged, but there are two products on the way from M to c, and "
                     "each multiplies the gradient by its other factor.")
    if math.isclose(dM_dc, k.data + b.data):
        return wrong("the chain rule multiplies the local derivatives along the way; it does not add them.")
    if math.isclose(dM_dc, -expected):
        return wrong("dM_dc has the wrong sign: look at the sign of each factor on the way, b is negative.")
    return wrong(f"{number_problem(dM_dc, expected, 'dM_dc')}. {walk}")


@exercise("predicted_b_grad", cell="the cell of Exercise 3")
def check_predicted_b_grad(predicted_b_grad):
    # A fresh graph and explorer of the check's own, driven from Python: a = 3, step 3, read b's gradient.
    a, b, c, f = _lesson_graph(minigrad.Value)
    e = a * b;  e.label = "e"
    d = e + c;  d.label = "d"
    L = d * f;  L.label = "L"
    probe = BackwardExplorer(L, sliders=[a, b])
    probe.go_to(3)
    before = probe.grads[probe.names.index("b")]
    probe.sliders[0].value = 3.0
    probe.go_to(3)
    shown = probe.grads[probe.names.index("b")]
    e_grad = probe.grads[probe.names.index("e")]
    problem = _number_hint(predicted_b_grad, "predicted_b_grad")
    if problem:
        return wrong(problem)
    rule = ("At step 3, e = a * b sends b.grad += a.data * e.grad. Which of these two numbers does the slider of "
            "a change, and what is the other one?")
    if math.isclose(predicted_b_grad, shown, rel_tol=1e-9, abs_tol=1e-12):
        return right(f"the explorer shows b.grad = {shown:g} at step 3 with a = 3: a.data * e.grad, and e.grad "
                     f"= {e_grad:g} does not depend on a")
    if math.isclose(predicted_b_grad, before):
        return wrong("that is what step 3 shows before the slider moves, with a = 2. " + rule)
    if math.isclose(predicted_b_grad, 3.0):
        return wrong("that is a.data alone: b.grad += a.data * e.grad also multiplies it by e.grad, "
                     "the gradient that has arrived at e.")
    if math.isclose(predicted_b_grad, e_grad):
        return wrong("that is e.grad alone: a product sends b the other factor, a.data, times e.grad.")
    if math.isclose(predicted_b_grad, -shown):
        return wrong("the sign is wrong: b receives a.data * e.grad (b.data * e.grad is what a receives); check "
                     "the sign of each of the two factors.")
    if math.isclose(predicted_b_grad, 3.0 * b.data):
        return wrong("that number is a * b with a = 3, e's data, or e.grad scaled as if it changed with a; but "
                     "e.grad = dL/de comes from d and f alone, so the slider of a does not change it. " + rule)
    return wrong(f"{number_problem(predicted_b_grad, shown, 'predicted_b_grad')}. {rule}")
