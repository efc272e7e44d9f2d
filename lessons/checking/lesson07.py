"""The checks of lesson 07, Optimizers."""

import math

import numpy as np

import minigrad
from checking import exercise, is_node, is_number, right, wrong
from minigrad import Tensor, optim

# ---------------------------------------------------------------------------------------------- exercise 1

_TILT = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])


def _scenarios():
    """(what, gradient of the loss at p, start, learning rate of each step, beta)."""
    return [
        ("the valley from (-4.5, 1.5) with lr 0.02 and beta 0.9", lambda p: np.array([1.0, 20.0]) * p,
         [-4.5, 1.5], [0.02] * 20, 0.9),
        ("a tilted bowl in three dimensions with lr 0.05 and beta 0.5", lambda p: _TILT @ p,
         [1.0, -2.0, 0.5], [0.05] * 15, 0.5),
        ("the valley from (3, -1) with a learning rate that falls at every step, as a schedule lowers it",
         lambda p: np.array([1.0, 20.0]) * p, [3.0, -1.0], [0.04 * 0.8**k for k in range(12)], 0.9),
    ]


def _reference(gradient, start, lrs, beta):
    """The states optim.SGD(momentum=beta) goes through: [(p, velocity, g, lr) before each step, ...], and after."""
    p = Tensor(np.array(start), dtype=minigrad.float64, requires_grad=True)
    optimizer = optim.SGD([p], lr=lrs[0], momentum=beta)
    states = []
    for lr in lrs:
        g = gradient(p.data.copy())
        velocity = optimizer.state[0]["momentum_buffer"]
        states.append((p.data.copy(), None if velocity is None else np.array(velocity), g, lr))
        optimizer.lr = lr
        p.grad = Tensor(g, dtype=minigrad.float64)
        optimizer.step()
    return states, (p.data.copy(), np.array(optimizer.state[0]["momentum_buffer"]))


def _rules():
    """What typical mistakes compute from (p, g, velocity, lr, beta), each with its hint."""

    def first(velocity, g):
        return velocity is None

    return [
        (lambda p, g, v, lr, b: (p - lr * ((1 - b) * g if first(v, g) else b * v + (1 - b) * g),
                                 (1 - b) * g if first(v, g) else b * v + (1 - b) * g),
         "your velocity is the running average itself, beta * velocity + (1 - beta) * g (Adam's first moment); "
         "the lesson's velocity, like optim.SGD's, adds the whole gradient: velocity = beta * velocity + g."),
        (lambda p, g, v, lr, b: (p - lr * (g if first(v, g) else b * v + (1 - b) * g),
                                 g if first(v, g) else b * v + (1 - b) * g),
         "after the first step your velocity is beta * velocity + (1 - beta) * g, the running average; the "
         "lesson's velocity, like optim.SGD's, adds the whole gradient: velocity = beta * velocity + g."),
        (lambda p, g, v, lr, b: (p, np.zeros_like(g)) if first(v, g) else (p - lr * (b * v + g), b * v + g),
         "on the first step (velocity None) your velocity is 0, so the point does not move: the first velocity "
         "is g itself, which is what beta * 0 + g gives."),
        (lambda p, g, v, lr, b: (p + lr * (g if first(v, g) else b * v + g), g if first(v, g) else b * v + g),
         "the velocity is right but the point moves uphill: step against it, p - lr * velocity."),
        (lambda p, g, v, lr, b: (p - (lr * g if first(v, g) else b * v + lr * g),
                                 lr * g if first(v, g) else b * v + lr * g),
         "your velocity has lr inside it (velocity = beta * velocity + lr * g, then p - velocity): with a fixed "
         "rate that gives the same points, but when the rate changes from step to step, as a schedule changes "
         "it, it does not, and your velocity is lr times optim.SGD's. Keep lr out of the velocity: velocity = "
         "beta * velocity + g, then p - lr * velocity."),
        (lambda p, g, v, lr, b: (p - lr * g, g if first(v, g) else b * v + g),
         "the velocity is right but the point moves along g: the step is p - lr * velocity."),
        (lambda p, g, v, lr, b: (p - lr * (g if first(v, g) else v), b * (g if first(v, g) else v) + g),
         "the point moves along the velocity from before this step's update: first velocity = beta * velocity "
         "+ g, then p - lr * velocity with that new velocity."),
        (lambda p, g, v, lr, b: (p - lr * (g + b * (g if first(v, g) else b * v + g)),
                                 g if first(v, g) else b * v + g),
         "that is Nesterov's step, p - lr * (g + beta * velocity); plain momentum steps along the velocity "
         "itself: p - lr * velocity."),
        (lambda p, g, v, lr, b: (p - lr * g if first(v, g) else p + b * v - lr * g,
                                 -lr * g if first(v, g) else b * v - lr * g),
         "your velocity is the step itself, velocity = beta * velocity - lr * g, then p + velocity (the form some "
         "courses use): with a fixed rate it visits the same points, but your velocity is -lr times optim.SGD's, "
         "and the two part ways when the rate changes. Keep lr and the minus out of the velocity: velocity = "
         "beta * velocity + g, then p - lr * velocity."),
        (lambda p, g, v, lr, b: (p - lr * (1 + b) * g if first(v, g) else p - lr * (b * v + g),
                                 (1 + b) * g if first(v, g) else b * v + g),
         "the first velocity is (1 + beta) * g: the update ran on top of velocity = g. On the first step the "
         "velocity is g itself; only from the second step on is it beta * velocity + g."),
    ]


def _fixed_rules():
    """Mistakes that hard-code the valley's beta 0.9 or learning rate 0.02, and swapped results."""
    return [
        (lambda p, g, v, l, b: (p - l * (g if v is None else 0.9 * v + g), g if v is None else 0.9 * v + g),
         "right for beta 0.9, but the check also uses other betas: use the beta passed in."),
        (lambda p, g, v, l, b: (p - 0.02 * (g if v is None else b * v + g), g if v is None else b * v + g),
         "right for the rate 0.02, but the check also uses other rates: use the lr passed in."),
        (lambda p, g, v, l, b: (g if v is None else b * v + g, p - l * (g if v is None else b * v + g)),
         "the two are swapped: return the new point first, then the new velocity, (p, velocity)."),
    ]


def _close(a, b):
    try:
        a = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == np.shape(b) and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def _step_problem(result, what):
    if result is None:
        return f"momentum_step returns None on {what}: return the pair (new p, new velocity)."
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return f"momentum_step should return a pair (new p, new velocity), but it returns a {type(result).__name__}."
    p, velocity = result
    for name, value in (("the new p", p), ("the new velocity", velocity)):
        if value is None:
            return (f"{name} is None on {what}: return the point after the step and the velocity it used, so that "
                    "the next step can go on from them.")
        if is_node(value):
            return (f"{name} is a {type(value).__name__}: p and g come in as NumPy arrays, so return NumPy arrays "
                    "(a Tensor is float32 by default, which rounds them).")
        try:
            np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return f"{name} should be an array of numbers, but it is a {type(value).__name__}."
    return None


@exercise("momentum_step")
def check_momentum_step(momentum_step):
    try:
        return _check_momentum_step(momentum_step)
    except ValueError as error:
        if "truth value of an array" not in str(error):
            raise
        return wrong(f"your code raised ValueError: {error}. An array is neither true nor false, so `if velocity:`, "
                     "`if not velocity:`, `velocity or g` and `if velocity == None:` (which compares element by "
                     "element) fail once velocity is an array: test `velocity is None`.")


def _check_momentum_step(momentum_step):
    rules = _rules()
    for what, gradient, start, lrs, beta in _scenarios():
        states, end = _reference(gradient, start, lrs, beta)
        # Each step starts from optim.SGD's state, so that a mistake shows at the step where it happens.
        for k, (p, velocity, g, lr) in enumerate(states):
            want = states[k + 1][:2] if k + 1 < len(states) else end
            result = momentum_step(p.copy(), g.copy(), None if velocity is None else velocity.copy(), lr, beta)
            problem = _step_problem(result, what)
            if problem:
                return wrong(problem)
            if _close(result[0], want[0]) and _close(result[1], want[1]):
                continue
            for rule, hint in rules + _fixed_rules():
                mistaken = rule(p, g, velocity, lr, beta)
                if _close(result[0], mistaken[0]) and _close(result[1], mistaken[1]):
                    return wrong(hint)
            step = "the first step (velocity None)" if velocity is None else f"step {k + 1}"
            part = "the new point" if not _close(result[0], want[0]) else "the new velocity"
            return wrong(f"on {what}, {part} differs from optim.SGD's at {step}: the first velocity is g, after that "
                         "velocity = beta * velocity + g, and the new point is p - lr * velocity.")
        # And a run on the learner's own state from start to end.
        p, velocity = np.array(start, dtype=float), None
        for lr in lrs:
            p, velocity = momentum_step(p, gradient(p), velocity, lr, beta)
        if not (_close(p, end[0]) and _close(velocity, end[1])):
            return wrong(f"each step alone is right, but a run of {len(lrs)} steps on {what} ends elsewhere: does "
                         "momentum_step change its arguments in place, or keep a state of its own?")
    return right("momentum_step matches optim.SGD(momentum=...), point and velocity, at every step on the valley, "
                 "on a tilted 3-d bowl and with a changing learning rate")


# ---------------------------------------------------------------------------------------------- exercise 2


def _corrections():
    """(m, v, beta1, beta2, t) cases: the lesson's betas, others, the first step, a late one."""
    m, v = np.array([0.3, -1.2, 2.0]), np.array([0.009, 0.5, 4.0])
    return [(m, v, 0.9, 0.999, 1), (m, v, 0.9, 0.999, 2), (m, v, 0.9, 0.999, 25), (m, v, 0.5, 0.99, 3),
            (m, v, 0.8, 0.9, 7), (m, v, 0.9, 0.999, 1000)]


_CORRECTION_MISTAKES = [
    (lambda m, v, b1, b2, t: (m, v), "m and v come back as they went in: divide m by (1 - beta1 ** t) and v by "
                                     "(1 - beta2 ** t)."),
    (lambda m, v, b1, b2, t: (m / (1 - b1**t), v), "m_hat is right, but v is not corrected: divide it by "
                                                   "(1 - beta2 ** t)."),
    (lambda m, v, b1, b2, t: (m, v / (1 - b2**t)), "v_hat is right, but m is not corrected: divide it by "
                                                   "(1 - beta1 ** t)."),
    (lambda m, v, b1, b2, t: (m / (1 - b1**t), v / (1 - b1**t)), "v_hat is divided by (1 - beta1 ** t): the "
                                                                 "second moment has its own beta, beta2."),
    (lambda m, v, b1, b2, t: (m / (1 - 0.9**t), v / (1 - 0.999**t)),
     "right for betas 0.9 and 0.999, but the check also uses others: use the beta1 and beta2 passed in."),
    (lambda m, v, b1, b2, t: (m * (1 - b1**t), v * (1 - b2**t)), "m and v are multiplied by (1 - beta ** t): "
                                                                 "divide by it, since early m and v are too small."),
    (lambda m, v, b1, b2, t: (m / (1 - b1) ** t, v / (1 - b2) ** t), "the power is on (1 - beta): the correction "
                                                                     "is 1 - beta ** t, beta to the power t."),
    (lambda m, v, b1, b2, t: (m / (1 - b1 * t), v / (1 - b2 * t)), "beta * t is not beta ** t: the correction is "
                                                                   "1 - beta ** t."),
    (lambda m, v, b1, b2, t: (m / (1 - b1**t), np.sqrt(v / (1 - b2**t))),
     "v_hat is the corrected second moment itself: the square root comes later, in the step."),
    (lambda m, v, b1, b2, t: (v / (1 - b2**t), m / (1 - b1**t)), "the two are swapped: return (m_hat, v_hat)."),
    (lambda m, v, b1, b2, t: (m / (1 - b1 ** (t + 1)), v / (1 - b2 ** (t + 1))),
     "the exponent is t + 1: t already counts from 1, so step t divides by 1 - beta ** t."),
    (lambda m, v, b1, b2, t: (m / (1 - b1), v / (1 - b2)), "the power t is missing: the correction is 1 - beta ** t, "
                                                           "which grows towards 1 as the steps go on."),
]


def _adam_end(bias_corrected, steps=10, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    p, m, v = np.array([-4.5, 1.5]), np.zeros(2), np.zeros(2)
    for t in range(1, steps + 1):
        g = np.array([1.0, 20.0]) * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = bias_corrected(m.copy(), v.copy(), beta1, beta2, t)
        p = p - lr * np.asarray(m_hat) / (np.sqrt(np.asarray(v_hat)) + eps)
    return p


def _library_adam_end(steps=10, lr=0.1):
    p = Tensor([-4.5, 1.5], dtype=minigrad.float64, requires_grad=True)
    optimizer = optim.Adam([p], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * p[0] ** 2 + 10 * p[1] ** 2).backward()
        optimizer.step()
    return p.data.copy()


@exercise("bias_corrected")
def check_bias_corrected(bias_corrected):
    for m, v, beta1, beta2, t in _corrections():
        with np.errstate(divide="ignore", invalid="ignore"):
            result = bias_corrected(m.copy(), v.copy(), beta1, beta2, t)
        if result is None or (isinstance(result, (tuple, list)) and any(x is None for x in result)):
            return wrong("bias_corrected returns None: return the pair (m_hat, v_hat).")
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return wrong(f"bias_corrected should return a pair (m_hat, v_hat), but it returns a "
                         f"{type(result).__name__}.")
        want = (m / (1 - beta1**t), v / (1 - beta2**t))
        if _close(result[0], want[0]) and _close(result[1], want[1]):
            continue
        if not all(np.all(np.isfinite(np.asarray(x, dtype=float))) for x in result):
            return wrong(f"at t = {t} your m_hat or v_hat is infinite or nan: is the exponent t - 1? t counts from "
                         "1, so the first step divides by 1 - beta ** 1.")
        for rule, hint in _CORRECTION_MISTAKES:
            if all(_close(a, b) for a, b in zip(result, rule(m, v, beta1, beta2, t))):
                return wrong(hint)
        which = "m_hat" if not _close(result[0], want[0]) else "v_hat"
        return wrong(f"{which} is wrong at t = {t} with betas ({beta1}, {beta2}): m_hat is m / (1 - beta1 ** t) "
                     "and v_hat is v / (1 - beta2 ** t).")
    if not _close(_adam_end(bias_corrected), _library_adam_end()):
        return wrong("each correction alone is right, but ten Adam steps with it end away from optim.Adam's: does "
                     "bias_corrected change m or v in place?")
    return right("bias_corrected divides m by 1 - beta1**t and v by 1 - beta2**t for every beta and t tried, and ten "
                 "Adam steps with it end where optim.Adam does")


# ---------------------------------------------------------------------------------------------- exercise 3


def _valley_run(lr, steps=50):
    """Plain SGD on the valley from (-4.5, 1.5): the explorer's run, without its slider's range."""
    from widgets import DescentExplorer

    return DescentExplorer(surface="valley", optimizer="sgd", lr=lr, steps=steps)


@exercise("lr_choice")
def check_lr_choice(lr_choice):
    if lr_choice is None:
        return wrong("lr_choice is still None: set it to a number.")
    if isinstance(lr_choice, str):
        return wrong("lr_choice is a str (text in quotes): write the number without quotes.")
    if not is_number(lr_choice):
        return wrong(f"lr_choice should be a number, but it is a {type(lr_choice).__name__}.")
    lr = float(lr_choice)
    if not math.isfinite(lr):
        return wrong(f"lr_choice is {lr}: choose a finite number.")
    if lr < 0:
        return wrong("a negative learning rate steps uphill, away from the minimum (and optim.SGD refuses it): "
                     "the rate must be positive.")
    if lr == 0:
        return wrong("with a learning rate of 0 the point never moves: the rate must be positive.")
    x_factor, y_factor = 1 - lr, 1 - 20 * lr
    if abs(y_factor) > 1:
        status = f"SGD, lr {lr:g}: diverges" if lr > 10 else _valley_run(lr).status
        return wrong(f"{status}. The steep direction y is multiplied by 1 - 20 * lr per step, and at this rate that "
                     "is below -1, so each step overshoots the floor by more than the last: the rate must stay below "
                     "2/20 = 0.1.")
    if abs(y_factor) == 1 or math.isclose(lr, 0.1):
        return wrong("at lr 0.1, y is multiplied by 1 - 20 * 0.1 = -1 per step, so it flips between +1.5 and -1.5 "
                     "for ever: go a little lower.")
    if lr < 1e-5:  # below the explorer's slider; x hardly moves
        return wrong("too slow along x, which is multiplied by 1 - lr per step: 4.5 * (1 - lr) ** 48 must fall "
                     "below 0.1, so the rate must be larger.")
    explorer = _valley_run(lr)
    if explorer.outcome == "converged":
        return right(f"lr {lr:g} converges: {explorer.status}")
    x, y = (abs(c) for c in explorer.trajectory[-1])
    if y > x:
        return wrong(f"{explorer.status}. y still zig-zags across the valley: it is multiplied by 1 - 20 * lr per "
                     "step, which is close to -1 just below 0.1, so it shrinks too slowly: go a little lower.")
    return wrong(f"{explorer.status}. Too slow along x, which is multiplied by 1 - lr per step: 4.5 * (1 - lr) ** 48 "
                 "must fall below 0.1, so the rate must be larger.")
