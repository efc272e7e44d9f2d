"""The checks of lesson 01, Derivatives.

Each check calls the learner's function on cases of its own (functions, points, steps and lists of
steps the lesson never shows, besides the lesson's own), so that a number typed in, or code that only
works for the lesson's example, gets ✗. A hint names the case that failed and what the answer looks
like (the forward difference, twice the central one, ...), never the number asked for.
"""

import math
import numbers

from checking import exercise, is_number, number_problem, right, wrong


def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def forward(f, x, h):
    return (f(x + h) - f(x)) / h


def backward(f, x, h):
    return (f(x) - f(x - h)) / h


def close(actual, expected, rtol=1e-9, atol=1e-12):
    return is_number(actual) and math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol)


def cube(x):
    return x * x * x


# ------------------------------------------------------------------ exercise 1

# (what, f, its exact slope, x, h); the first is where the hard-coded answer of the old check came from.
DIFFERENCE_CASES = [
    ("x³ at x = 2 with h = 0.1", cube, lambda x: 3 * x * x, 2.0, 0.1),
    ("x³ at x = -1 with h = 0.5", cube, lambda x: 3 * x * x, -1.0, 0.5),
    ("exp at x = 0 with h = 0.2", math.exp, math.exp, 0.0, 0.2),
    ("sin at x = 1 with h = 0.001", math.sin, math.cos, 1.0, 0.001),
    ("cos at x = 2 with h = 0.01 (a negative slope)", math.cos, lambda x: -math.sin(x), 2.0, 0.01),
]


def difference_mistake(estimate, f, slope, x, h):
    """What the estimate is instead of the central difference, when it is a known mistake."""
    rise = f(x + h) - f(x - h)
    mistakes = [
        (forward(f, x, h), "is the forward difference (f(x + h) - f(x)) / h: use the two points on either "
                           "side of x, x - h and x + h"),
        (backward(f, x, h), "is the backward difference (f(x) - f(x - h)) / h: use the two points on either "
                            "side of x, x - h and x + h"),
        (rise / h, "is twice the central difference: the run from x - h to x + h is 2h, so divide by 2 * h"),
        (rise / 2 * h, "is the central difference times h²: in Python a / 2 * h means (a / 2) * h, so write "
                       "the run in parentheses, / (2 * h)"),
        (abs(rise) / (2 * h), "is the size of the central difference without its sign: the slope is negative "
                              "here, so keep the sign of the rise (no abs)"),
        (-rise / (2 * h), "has the wrong sign: subtract f(x - h) from f(x + h), not the other way round"),
        (f(x + h) - f(x - h) / (2 * h), "divides only f(x - h) by the run: Python divides before it subtracts, "
                                        "so put the rise f(x + h) - f(x - h) in parentheses"),
        (rise, "is the rise f(x + h) - f(x - h) alone: divide it by the run between the two points"),
        (slope(x), "is the exact slope, not the estimate from two points: use only f(x - h), f(x + h) and h"),
    ]
    for value, what in mistakes:
        if close(estimate, value):
            return what
    return None


@exercise("central_difference")
def check_central_difference(central_difference):
    first_what, f, slope, x, h = DIFFERENCE_CASES[0]
    estimates = [central_difference(f, x, h), central_difference(f, x, h / 2)]
    for estimate in estimates:
        if estimate is None:
            return wrong("central_difference returned None: give the estimate, rise over run, back with return.")
        if not is_number(estimate):
            return wrong(number_problem(estimate, 0.0, "central_difference(f, x, h)") + ".")
    if estimates[0] == estimates[1] and estimates[0] == (f(x + h) - f(x - h)) // (2 * h):
        return wrong("central_difference rounds down to a whole number: // is floor division, use / to divide "
                     "the rise by the run.")
    if estimates[0] == estimates[1]:
        return wrong(f"central_difference gives the same estimate for {first_what} as with h = 0.05, but the "
                     "central difference of x³ changes with h (by h²): compute it from f(x - h), f(x + h) and "
                     "the step h it is given, not from a number or a step typed in, nor the exact slope.")
    for k, (what, f, slope, x, h) in enumerate(DIFFERENCE_CASES):
        estimate = central_difference(f, x, h)
        if close(estimate, central(f, x, h)):
            continue
        prefix = f"for {what}, your estimate" if k == 0 else (
            f"central_difference is right for {first_what}, but for {what} your estimate")
        mistake = difference_mistake(estimate, f, slope, x, h)
        if mistake:
            return wrong(f"{prefix} {mistake}.")
        problem = number_problem(estimate, central(f, x, h), "it", rtol=1e-9, atol=1e-12)
        return wrong(f"{prefix}: {problem}. Use the points x - h and x + h, and divide by the run between them, "
                     "and compute it from the f, x and h that central_difference is given.")
    return right(f"central_difference(cube, 2.0, 0.1) = {central_difference(cube, 2.0, 0.1):.6g}, and it is "
                 f"the central difference for exp, sin and x³ at other points and steps too")


# ------------------------------------------------------------------ exercise 2

LESSON_STEPS = [10.0**-k for k in range(1, 13)]
OTHER_STEPS = [3.0 * 10.0**-k for k in range(1, 12)]  # 0.3, 0.03, ...: not the lesson's hs


def parabola(x):
    return 3 * x**2 - 4 * x + 5


# (what, f, x, its exact slope at x, hs). The best step differs between them (1e-5, 0.1, 3e-7 and 1e-6, each
# at least twice as good as the next best), so that no single step typed in passes; and the known mistakes
# (below) pick different steps in them, so that a hint can name the mistake that explains every case.
STEP_CASES = [
    ("tanh at 0.5", math.tanh, 0.5, 1 - math.tanh(0.5) ** 2, LESSON_STEPS),
    ("3x² - 4x + 5 at 3 (the lesson's f)", parabola, 3.0, 14.0, LESSON_STEPS),
    ("exp(10x) at 0, with hs = [0.3, 0.03, ...]", lambda x: math.exp(10 * x), 0.0, 10.0, OTHER_STEPS),
    ("sin(10x) at 0.3", lambda x: math.sin(10 * x), 0.3, 10 * math.cos(3.0), LESSON_STEPS),
]

# What a learner's best_step returns when it makes a known mistake, and what to say about it.
STEP_MISTAKES = [
    (lambda f, x, slope, hs: max(hs, key=lambda h: abs(central(f, x, h) - slope)),
     "the step with the largest error: pick the one with the smallest"),
    (lambda f, x, slope, hs: min(hs, key=lambda h: central(f, x, h) - slope),
     "the step whose estimate - true_slope is the most negative: compare the sizes of the errors, "
     "abs(estimate - true_slope)"),
    (lambda f, x, slope, hs: min(hs, key=lambda h: abs(forward(f, x, h) - slope)),
     "the best step for the forward difference: the exercise asks about the central difference"),
    (lambda f, x, slope, hs: min(hs, key=lambda h: abs((f(x + h) - f(x - h)) / h - slope)),
     "the best step for (f(x + h) - f(x - h)) / h, twice the central difference: divide by the run, 2 * h"),
    (lambda f, x, slope, hs: min(hs),
     "the smallest step in hs, but rounding error makes the estimate worse at the smallest steps: compare "
     "the errors of all the steps"),
]
ARGUMENTS = (" Does best_step compute with its arguments f, x, true_slope and hs, rather than math.tanh, 0.5, "
             "the lesson's hs or a step typed in?")


def step_errors(f, x, slope, hs):
    return {h: abs(central(f, x, h) - slope) for h in hs}


def is_best(chosen, f, x, slope, hs):
    errors = step_errors(f, x, slope, hs)
    return errors[chosen] <= 1.2 * min(errors.values())


@exercise("best_step")
def check_best_step(best_step):
    chosen, good = [], []
    for k, (what, f, x, slope, hs) in enumerate(STEP_CASES):
        step = best_step(f, x, slope, list(hs))
        prefix = "best_step" if k == 0 else (
            f"best_step is right for {STEP_CASES[0][0]}, but for {what} it" if all(good) else f"for {what}, best_step")
        if step is None:
            return wrong(f"{prefix} returned None: return the step, one of the numbers in hs.")
        if not is_number(step):
            return wrong(f"{prefix} returned a {type(step).__name__}: return one step, a number from hs.")
        if not any(step == h for h in hs):
            if isinstance(step, numbers.Integral) and 0 <= step < len(hs):
                return wrong(f"{prefix} returned a whole number, a position in hs: return the step itself, "
                             "the element of hs at that position.")
            if any(close(step, e, rtol=1e-6, atol=0) for e in step_errors(f, x, slope, hs).values()):
                return wrong(f"{prefix} returned an error, not the step that gives it: return h.")
            return wrong(f"{prefix} returned a number that is not one of the steps in hs: return an element of "
                         "hs, the list that best_step is given." + (ARGUMENTS if k > 0 else ""))
        chosen.append(step)
        good.append(is_best(step, f, x, slope, hs))
    if all(good):
        first = STEP_CASES[0]
        return right(f"best_step finds the best step in every case: {chosen[0]:g} for tanh at 0.5, the largest "
                     "step for the parabola, and others for functions of the check's own")
    # A known mistake that explains the step returned in every case, else the first case that fails.
    for mistake, what in STEP_MISTAKES:
        if all(step == mistake(*case[1:]) for step, case in zip(chosen, STEP_CASES)):
            return wrong(f"best_step returns {what}.")
    k = good.index(False)
    what, f, x, slope, hs = STEP_CASES[k]
    best = min(hs, key=step_errors(f, x, slope, hs).get)
    prefix = "best_step" if k == 0 else f"best_step is right for {STEP_CASES[0][0]}, but for {what} it"
    size = ("too large: a smaller step in hs gives an estimate closer to true_slope" if chosen[k] > best else
            "too small: rounding error grows as h shrinks, and a larger step in hs gives a closer estimate")
    return wrong(f"{prefix} returned a step that is {size}." + (ARGUMENTS if k > 0 else ""))


# ------------------------------------------------------------------ exercise 3

def d(a, b, c):
    return a * b + c


def g(a, b, c):
    # Each partial depends on all three inputs, so an answer that leaves an input nudged for the next
    # partial (b += h, ..., without putting b back) gets ✗.
    return a * a * c + a * b * b * b + b * c * c


# (what, f, the inputs, h, the exact partials). Hints may print no digit: the numbers asked for are
# -3, 2 and 1, and a hint showing "2h" or "1e-6" would show one of them.
PARTIAL_CASES = [
    ("d at the lesson's point", d, (2.0, -3.0, 10.0), 1e-6, lambda a, b, c: (b, a, 1.0)),
    ("a function and a point of the check's own", g, (1.5, -0.5, 2.0), 0.01,
     lambda a, b, c: (2 * a * c + b * b * b, 3 * a * b * b + c * c, a * a + 2 * b * c)),
]
NAMES = ("a", "b", "c")


def nudged(f, inputs, k, h):
    """f with input k moved by h (the others as they are)."""
    moved = list(inputs)
    moved[k] += h
    return f(*moved)


def central_partials(f, inputs, h):
    return [(nudged(f, inputs, k, h) - nudged(f, inputs, k, -h)) / (2 * h) for k in range(3)]


def three_numbers(result):
    """Why ``result`` is not three numbers, or None."""
    if result is None:
        return "partials returned None: return the three partial derivatives, df_da, df_db and df_dc."
    if isinstance(result, (dict, str)):
        return (f"partials returned a {type(result).__name__}: return the three numbers themselves, "
                "return df_da, df_db, df_dc.")
    try:
        parts = list(result)
    except TypeError:
        return f"partials should return three numbers, df_da, df_db and df_dc, but it returned a {type(result).__name__}."
    if len(parts) != 3:
        return "partials should return exactly three numbers, df_da, df_db and df_dc, in that order."
    for name, part in zip(NAMES, parts):
        if part is None:
            return f"df_d{name} is still None: nudge {name} alone, both ways by h, and divide by the run."
        if not is_number(part):
            return f"df_d{name} should be a number, but it is a {type(part).__name__}."
    return None


def partial_mistake(name, k, value, f, inputs, h, exact):
    """What one partial is instead of the central difference, when it is a known mistake."""
    rise = nudged(f, inputs, k, h) - nudged(f, inputs, k, -h)
    mistakes = [
        ((nudged(f, inputs, k, h) - f(*inputs)) / h, f"is the forward difference: nudge {name} both ways, to "
                                                     f"{name} - h and {name} + h"),
        (rise / h, f"is twice the central difference: the run from {name} - h to {name} + h is twice h"),
        (rise / 2 * h, "is the central difference times h squared: Python reads x / y * h as (x / y) * h, so put "
                       "the whole run in parentheses"),
        (-rise / (2 * h), f"has the wrong sign: subtract f at {name} - h from f at {name} + h"),
        (nudged(f, inputs, k, h) - nudged(f, inputs, k, -h) / (2 * h),
         "divides only the second value of f by the run: Python divides before it subtracts, so put the rise "
         "in parentheses"),
        (exact, f"is the exact partial derivative, not the central difference with step h: nudge {name} by the "
                "h that partials is given"),
    ]
    for expected, what in mistakes:
        if close(value, expected):
            return what
    return None


@exercise("partials")
def check_partials(partials):
    results = []
    for k, (what, f, inputs, h, exact) in enumerate(PARTIAL_CASES):
        result = partials(f, *inputs, h)
        problem = three_numbers(result)
        if problem:
            return wrong(problem)
        result = [float(v) for v in result]
        results.append(result)
        expected = central_partials(f, inputs, h)
        # Up to rounding at the lesson's tiny h (where d's forward and central differences agree too);
        # to nine digits at the check's own h, where the forward difference and the exact partials differ.
        rtol, atol = (1e-7, 1e-7) if k == 0 else (1e-9, 1e-12)
        off = [i for i in range(3) if not close(result[i], expected[i], rtol, atol)]
        if not off:
            continue
        prefix = "for d at the lesson's point, " if k == 0 else (
            "partials is right for d at the lesson's point, but not for a function and a point of the check's own: ")
        if k > 0 and all(close(r, s, rtol, atol) for r, s in zip(result, results[0])):
            return wrong(prefix + "it returns the same numbers for any function and point. Compute them from "
                                  "the f, a, b, c and h that partials is given.")
        if k > 0 and all(close(r, e, rtol, atol) for r, e in zip(result, PARTIAL_CASES[0][4](*inputs))):
            return wrong(prefix + "it returns the partial derivatives of d, by their formulas, whatever function "
                                  "it is given. Compute them from f, by nudging each input.")
        if len(set(result)) == 1 and len(set(round(e, 6) for e in expected)) > 1:
            return wrong(prefix + "the three partials are all the same: nudge one input at a time, and keep the "
                                  "other two as they are.")
        for i, j in ((0, 1), (0, 2), (1, 2)):
            rest = [n for n in range(3) if n not in (i, j)]
            if (close(result[i], expected[j], rtol, atol) and close(result[j], expected[i], rtol, atol)
                    and all(close(result[n], expected[n], rtol, atol) for n in rest)):
                x, y = NAMES[i], NAMES[j]
                return wrong(prefix + f"df_d{x} and df_d{y} are swapped: df_d{x} nudges {x}, df_d{y} nudges {y}, "
                                      "and partials returns df_da, df_db, df_dc in that order.")
        if k > 0:
            halved = partials(f, *inputs, h / 2)
            if three_numbers(halved) is None and all(close(float(x), r, 1e-12, 0) for x, r in zip(halved, result)):
                return wrong(prefix + "your partials do not change when h changes, but central differences do "
                                      "(here by a little, since f bends): use the step h that partials is given, "
                                      "not one typed in or the exact partial derivatives.")
        i = off[0]
        mistake = partial_mistake(NAMES[i], i, result[i], f, inputs, h, exact(*inputs)[i])
        if mistake:
            return wrong(f"{prefix}df_d{NAMES[i]} {mistake}.")
        problem = number_problem(result[i], expected[i], f"df_d{NAMES[i]}", rtol=rtol, atol=atol)
        return wrong(f"{prefix}{problem}: nudge {NAMES[i]} alone, to {NAMES[i]} - h and {NAMES[i]} + h, keep the "
                     "other inputs as they are, and divide by the run between the two points.")
    da, db, dc = results[0]
    return right(f"partials(d, 2.0, -3.0, 10.0, 1e-6) = ({da:.6f}, {db:.6f}, {dc:.6f}): b, a and 1, "
                 "and the central differences of another function too")
