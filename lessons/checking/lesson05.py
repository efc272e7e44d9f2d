"""The checks of lesson 05, From Value to Tensor."""

import math

import numpy as np

from checking import exercise, is_node, right, wrong
from minigrad import Tensor, float64
from minigrad.gradcheck import numerical_gradients

# ---------------------------------------------------------------------- exercise 1: broadcast shapes

PAIRS = [((4, 3), (3,)), ((8, 1, 5), (7, 1)), ((5, 4), (4, 1)), ((2, 1), (1, 3))]


def broadcast_shape(a, b):
    """The shape of a + b by the rule (lined up on the right, a 1 stretched), or "error"."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b)):
        return "error"
    return tuple(max(x, y) for x, y in zip(a, b))


def _as_answer(p):
    """A learner's answer as a tuple of ints or "error"; None when it is neither."""
    if isinstance(p, str):
        return "error" if p.strip().lower() == "error" else None
    if isinstance(p, (list, tuple)) and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in p):
        return tuple(int(n) for n in p)
    return None


def _shape_hint(k, answer, expected):
    a, b = PAIRS[k]
    pair = f"pair {k}, {a} + {b}"
    if expected == "error":
        return (f"{pair}, does not broadcast: line the shapes up on the right and compare the sizes position by "
                "position; two sizes that differ, neither of them 1, are an error.")
    if answer == "error":
        return (f"{pair}, does broadcast: line the shapes up on the right (not the left), pad the shorter one with "
                "1s on the left, and compare position by position: equal, or one of them 1.")
    if len(answer) != len(expected):
        return f"{pair}: the result has as many axes as the longer shape, after padding the shorter one on the left."
    if any(x == 1 and y != 1 for x, y in zip(answer, expected)):
        return f"{pair}: your shape keeps a size 1 where the other shape has a larger size; a size 1 is stretched."
    return f"{pair}: in each position the result has the larger of the two sizes, once they are lined up on the right."


@exercise("predicted")
def check_shapes(predicted):
    expected = [broadcast_shape(a, b) for a, b in PAIRS]
    if not isinstance(predicted, (list, tuple)) or len(predicted) != len(expected):
        return wrong(f"predicted should be a list of {len(expected)} answers, one per pair.")
    answers = []
    for k, p in enumerate(predicted):
        if p is None:
            return wrong(f"the answer for pair {k} is still None: write a shape such as (2, 5), or \"error\".")
        answer = _as_answer(p)
        if answer is None and isinstance(p, (list, tuple)) and all(isinstance(n, float) for n in p):
            return wrong(f"the answer for pair {k} is {p!r}, with floats: a size is a whole number, so write a shape "
                         "as a tuple of ints, such as (2, 5).")
        if answer is None:
            return wrong(f"the answer for pair {k} is a {type(p).__name__} {p!r}: write a shape as a tuple of "
                         "sizes, such as (2, 5), without quotes, or the text \"error\".")
        answers.append(answer)
    off = [k for k, (p, e) in enumerate(zip(answers, expected)) if p != e]
    if off:
        k = off[0]
        return wrong(f"{len(off)} of the {len(expected)} answers {'is' if len(off) == 1 else 'are'} not right yet. "
                     "The first, "
                     + _shape_hint(k, answers[k], expected[k]))
    return right(f"all four predictions are right: {expected}")


# ---------------------------------------------------------------------- exercise 2: unbroadcast

# (shape of grad, shape of the operand): added axes, stretched axes, both, neither, a 0-d operand, and
# axes of size 1 in both, in front of and behind the ones to sum.
UNBROADCAST_CASES = [((4, 16), (16,)), ((4, 16), (1, 16)), ((4, 16), (4, 1)), ((2, 3, 4), (3, 1)),
                     ((2, 3), (2, 3)), ((2, 3), ()), ((2, 1, 16), (1, 1)), ((1, 16), (1, 16)),
                     ((3, 1, 5), (3, 1, 1)), ((5,), (1,))]


def _backward_gives(grad, shape):
    # What backward() gives a tensor of `shape` that an addition broadcast to grad's shape.
    x = Tensor(np.zeros(shape), dtype=float64, requires_grad=True)
    (x + Tensor(np.zeros(grad.shape), dtype=float64)).backward(grad)
    return x.grad


def _unbroadcast_hint(got, grad, shape):
    case = f"unbroadcast(a grad of shape {grad.shape}, {shape})"
    lead = grad.ndim - len(shape)
    got_shape = np.shape(got)
    if got_shape != shape:
        if len(got_shape) < len(shape) and math.prod(got_shape) == math.prod(shape):
            return (f"{case} has the shape {got_shape}: a stretched axis was summed away. Keep it, with size 1, "
                    "by summing with keepdims=True.")
        if got_shape == grad.shape:
            return f"{case} still has grad's shape {got_shape}: nothing was summed."
        if len(got_shape) > len(shape):
            return (f"{case} has the shape {got_shape}: the axes that broadcasting added in front are still there; "
                    "sum over the first grad.ndim - len(shape) axes.")
        if got_shape == grad.shape[lead:]:
            return (f"{case} has the shape {got_shape}: the added axes are summed, but not the stretched ones, "
                    "where shape has a 1 and grad (without its added axes) does not.")
        return (f"{case} has the shape {got_shape}, not {shape}: sum over the leading axes that broadcasting added, "
                "then over each axis where shape has a 1 and grad does not.")
    expected = _backward_gives(grad, shape)
    summed = math.prod(grad.shape) // max(1, math.prod(shape))
    if summed > 1 and np.allclose(np.asarray(got) * summed, expected):
        return f"{case} has the right shape, but its values are the mean over the broadcast axes, not their sum."
    return (f"{case} has the right shape but the wrong values: the result must be the sum of grad over the axes "
            "broadcasting added or stretched, each element of grad counted once (reshaping or slicing grad "
            "leaves elements out).")


@exercise("unbroadcast")
def check_unbroadcast(unbroadcast):
    rng = np.random.default_rng(5)
    for grad_shape, shape in UNBROADCAST_CASES:
        grad = rng.normal(size=grad_shape)
        case = f"unbroadcast(a grad of shape {grad_shape}, {shape})"
        try:
            got = unbroadcast(grad.copy(), shape)
        except Exception as error:  # a learner's code may fail in any way: say on which case
            return wrong(f"{case} raised {type(error).__name__}: {error}")
        if got is None:
            return wrong(f"{case} returned None: return the summed gradient.")
        if is_node(got):
            return wrong(f"{case} returned a {type(got).__name__}: grad is a NumPy array, and unbroadcast should "
                         "return one (a Tensor made from it is float32 by default, so even its values change).")
        try:
            values = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return wrong(f"{case} returned a {type(got).__name__}, not an array of numbers.")
        if values.shape != shape or not np.allclose(values, _backward_gives(grad, shape), rtol=1e-10, atol=1e-12):
            return wrong(_unbroadcast_hint(values, grad, shape))
    return right(f"unbroadcast sums added and stretched axes back, in all {len(UNBROADCAST_CASES)} cases, "
                 "as backward() does")


# ---------------------------------------------------------------------- exercise 3: matmul_backward

# (shape of A, shape of B): the exercise's shapes, square ones (where every product of G and B has the
# right shape), a row times a column, and shapes the learner never saw.
MATMUL_CASES = [((3, 4), (4, 2)), ((2, 2), (2, 2)), ((3, 3), (3, 3)), ((2, 5), (5, 3)), ((1, 4), (4, 1))]


@exercise("matmul_backward")
def check_matmul_backward(matmul_backward):
    rng = np.random.default_rng(2)
    for a_shape, b_shape in MATMUL_CASES:
        A, B = rng.normal(size=a_shape), rng.normal(size=b_shape)
        G = rng.normal(size=(a_shape[0], b_shape[1]))
        case = f"A {a_shape}, B {b_shape} and G {G.shape}"
        square = a_shape[0] == a_shape[1] == b_shape[1]
        try:
            got = matmul_backward(A.copy(), B.copy(), G.copy())
        except Exception as error:  # a learner's code may fail in any way: say on which shapes
            return wrong(f"matmul_backward raised {type(error).__name__} for {case}: {error}. The shapes of a "
                         "product must line up, and dL/dA has A's shape, dL/dB B's.")
        if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 2:
            return wrong(f"matmul_backward should return the pair (dL/dA, dL/dB); for {case} it returned a "
                         f"{type(got).__name__}.")
        inputs = [Tensor(A.copy(), dtype=float64), Tensor(B.copy(), dtype=float64)]
        G_t = Tensor(G, dtype=float64)
        numeric = numerical_gradients(lambda a, b: ((a @ b) * G_t).sum(), inputs)  # nudges each element of A and B
        for name, of, g, n in (("dL/dA", "A", got[0], numeric[0]), ("dL/dB", "B", got[1], numeric[1])):
            if g is None:
                return wrong(f"{name} is still None for {case}.")
            if is_node(g):
                return wrong(f"{name} is a {type(g).__name__}: A, B and G are NumPy arrays, and matmul_backward "
                             "should return NumPy arrays too (a Tensor is float32 by default, which rounds them).")
            try:
                g = np.asarray(g, dtype=float)
            except (TypeError, ValueError):
                return wrong(f"{name} should be an array, but for {case} it is a {type(g).__name__}.")
            if g.shape != n.shape:
                return wrong(f"for {case}, {name} has the shape {g.shape}: it must have {of}'s shape {n.shape}.")
            if not np.allclose(g, n, rtol=1e-5, atol=1e-6):
                scale = float(np.vdot(g, n) / np.vdot(g, g)) if np.vdot(g, g) else 0.0
                if np.allclose(scale * g, n, rtol=1e-5, atol=1e-6):
                    off = "has the wrong sign" if np.isclose(scale, -1) else "is off by a constant factor"
                    return wrong(f"for {case}, {name} is the right product but {off}: the chain rule gives the "
                                 "product of G and the other factor as it is, with no minus sign and nothing "
                                 "divided or multiplied (any mean over the batch is already in G).")
                rule = ("dL/dA[i, k] is the sum over j of G[i, j] * B[k, j]" if of == "A"
                        else "dL/dB[k, j] is the sum over i of A[i, k] * G[i, j]")
                shapes = (" With square matrices every product of G and the other factor has the right shape, "
                          "so the shapes cannot tell you which one it is." if square else "")
                return wrong(f"for {case}, {name} has the right shape but the wrong values (against finite "
                             f"differences): {rule}: which product is that?{shapes}")
    return right(f"dL/dA and dL/dB match finite differences for {len(MATMUL_CASES)} pairs of shapes, square ones "
                 "among them")
