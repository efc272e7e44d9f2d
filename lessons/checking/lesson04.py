"""The checks of lesson 04, A neural network in scalar mode."""

import functools
import math
import numbers

import numpy as np

from checking import exercise, gradient_problem, is_node, is_number, number_problem, right, wrong
from minigrad import Value, no_grad
from minigrad.data import make_moons
from minigrad.nn.scalar import MLP, hinge_loss
from minigrad.optim import SGD


def _is_value(x):
    return is_node(x) and hasattr(x, "_prev")


# ---------------------------------------------------------------------- exercise 1: hinge

# (score, label): both labels, both sides of the margin, exactly on it, and just either side of it.
HINGE_CASES = [(2.0, 1), (0.3, 1), (-0.5, 1), (0.5, -1), (-2.0, -1), (3.0, -1), (-3.0, 1),
               (1.0, 1), (-1.0, -1), (0.99, 1), (1.01, 1), (-0.99, -1), (-1.01, -1)]


def _hinge(s, label):
    return max(0.0, 1.0 - label * s)


@exercise("hinge")
def check_hinge(hinge):
    values = []
    for s, label in HINGE_CASES:
        out = hinge(Value(s, label="score"), label)
        where = f"hinge(Value({s}), {label})"
        if out is None:
            return wrong(f"{where} returned None: return the Value you build.")
        if not _is_value(out):
            if isinstance(out, int) and out == 0:
                return wrong(f"{where} returned the int 0, not a Value: Python's max(0, z) hands back its 0 "
                             "whenever z is not above it. Use z.relu(), which is a Value in every case.")
            return wrong(f"{where} returned a {type(out).__name__}, not a Value: build the result from Value "
                         "operations on score (a .relu() at the end), so that gradients can flow back to score.")
        values.append(float(out.data))

    expected = [_hinge(s, label) for s, label in HINGE_CASES]
    if all(math.isclose(v, e, abs_tol=1e-12) for v, e in zip(values, expected)):
        pass
    elif any(v < 0 for v in values):
        s, label = next(c for c, v in zip(HINGE_CASES, values) if v < 0)
        return wrong(f"hinge(Value({s}), {label}) is negative, and a loss that rewards a point for being far on "
                     "its side is no hinge: clip 1 - label * score at 0 with .relu().")
    elif all(math.isclose(v, max(0.0, 1.0 + label * s), abs_tol=1e-12) for v, (s, label) in zip(values, HINGE_CASES)):
        return wrong("the sign is the wrong way round: a point whose score has the sign of its label should cost "
                     "less, so the loss is max(0, 1 - label * score).")
    elif all(math.isclose(v, max(0.0, 1.0 - s), abs_tol=1e-12) for v, (s, label) in zip(values, HINGE_CASES)):
        return wrong("the right values for label +1 only: the label is missing. For label -1 the score should "
                     "be below -1 to cost nothing, so multiply the score by the label.")
    else:
        (s, label), _ = next((c, v) for c, v, e in zip(HINGE_CASES, values, expected)
                             if not math.isclose(v, e, abs_tol=1e-12))
        return wrong(f"hinge(Value({s}), {label}) has the wrong value: the hinge is max(0, 1 - label * score), "
                     "with a margin of 1.")

    # The gradient: -label where the point is inside the margin, 0 beyond it, on both sides of the kink.
    for s, label in HINGE_CASES:
        if abs(1.0 - label * s) < 1e-3:
            continue  # exactly on the kink, finite differences average the two slopes
        problem = gradient_problem(lambda score: hinge(score, label), [Value(s, label="score")],
                                   f"hinge(score, {label}) at score = {s}")
        if problem:
            return wrong(problem + ". Build the result from score with Value operations only: a new Value(...) "
                         "made from a number, or anything computed from score.data, starts a graph of its own.")
    return right(f"hinge(score, label) is max(0, 1 - label * score) on {len(HINGE_CASES)} samples of both labels, "
                 "and its gradient matches finite differences on both sides of the margin")


# ---------------------------------------------------------------------- exercise 2: accuracy


class _KnownScores:
    """A model of the check's own: its score for the point [s, anything] is the Value s."""

    def __call__(self, x):
        return Value(float(x[0]))

    def parameters(self):
        return []


# (scores, labels): ties at 0 for both labels, all scores positive with mixed labels, one point. In the
# first, as many points are beyond the margin as are right, but fewer have a positive score.
ACCURACY_CASES = [
    ([2.0, -1.5, 0.3, -0.2, 0.0, 0.0, 4.0, -1.7], [1, -1, -1, 1, 1, -1, 1, -1]),
    ([0.5, 1.5, 2.5], [1, -1, 1]),
    ([-0.25], [-1]),
    ([-3.0, -1.0, 1.0, 3.0, 0.0], [-1, -1, 1, 1, -1]),
]


def _fraction(scores, labels):
    return sum(s * t > 0 for s, t in zip(scores, labels)) / len(labels)


def _count(test):
    return lambda scores, labels: sum(test(s, t) for s, t in zip(scores, labels)) / len(labels)


# Known mistakes, each told apart from the others and from the right answer on the cases above taken
# together (on a single case two of them can give the same fraction).
ACCURACY_MISTAKES = [
    (_count(lambda s, t: s * t >= 0), "counts a score of exactly 0 as right: 0 has neither sign, so it is on "
                                      "neither side. Test score * label > 0, not >= 0."),
    (_count(lambda s, t: (s > 0) == (t > 0)), "counts a score of exactly 0 as right for label -1: 0 has neither "
                                              "sign, so it is on neither side. Test score * label > 0."),
    (lambda scores, labels: 1 - _fraction(scores, labels),
     "returns the fraction of points it got wrong: count the points whose score has the sign of their label."),
    (_count(lambda s, t: s * t >= 1), "counts only the points beyond the margin, score * label >= 1: the hinge "
                                      "loss asks for the margin, but a point is classified right as soon as "
                                      "score * label > 0."),
    (_count(lambda s, t: s > 0), "counts the points with a positive score whatever their label: compare with "
                                 "the label."),
]


def _accuracy_problem(got, scores, labels):
    # How accuracy's answer on one of the check's own cases is wrong (never showing the answer itself).
    n = len(labels)
    expected = _fraction(scores, labels)
    where = f"on {n} point{'s' if n > 1 else ''} of the check's own (scores {scores}, labels {labels})"
    if got is None:
        return f"accuracy returned None {where}: return the fraction of points it got right."
    if _is_value(got):
        return f"accuracy returned a {type(got).__name__} {where}: return a plain number (a count divided by len(y))."
    if not is_number(got):
        return f"accuracy returned a {type(got).__name__} {where}, not a number."
    whole = isinstance(got, numbers.Integral)
    got = float(got)
    if math.isclose(got, expected, abs_tol=1e-12):
        return None
    if whole and got == math.floor(expected) and 0 < expected < 1:
        return (f"accuracy returned a whole number {where}: // is floor division, which rounds the fraction down; "
                "divide with /.")
    if got > 1 and math.isclose(got, 100 * expected, abs_tol=1e-9):
        return f"accuracy returned a percentage {where}: return the fraction, between 0 and 1."
    if n > 1 and math.isclose(got, expected * n, abs_tol=1e-9):
        return f"accuracy returned the number of points it got right {where}: divide it by len(y)."
    if got > 1:
        return f"accuracy returned more than 1 {where}: a fraction of the points is at most 1."
    if n > 1 and math.isclose(got, expected * n / (n - 1), abs_tol=1e-12):
        return f"accuracy divides by one less than the number of points {where}: divide by len(y)."
    if any(math.isclose(got, round(expected, digits), abs_tol=1e-12) for digits in range(4)):
        return f"accuracy rounds the fraction {where}: return it as it is, unrounded."
    return f"accuracy is wrong {where}: it should be the fraction of points whose score has the sign of their label."


@exercise("accuracy", "test_accuracy", "model")
def check_accuracy(accuracy, test_accuracy, model):
    if not callable(accuracy):
        return wrong(f"accuracy is a {type(accuracy).__name__}, not a function: write it as "
                     "def accuracy(model, X, y): ... in the exercise cell, and run that cell again.")
    results = []
    for scores, labels in ACCURACY_CASES:
        points = [[s, 0.5] for s in scores]
        try:
            results.append(accuracy(_KnownScores(), points, list(labels)))
        except ZeroDivisionError as error:
            return wrong(f"on a single point of the check's own, accuracy raised ZeroDivisionError ({error}): "
                         "divide by the number of points, len(y).")
    if all(is_number(r) for r in results) and len({float(r) for r in results}) == 1:
        return wrong(f"accuracy gives the same number for {len(results)} sets of points and scores of "
                     "the check's own, whose accuracies all differ: compute it from its arguments model, X and y, "
                     "not from numbers or names outside the function.")
    numbers_only = all(is_number(r) for r in results)
    if numbers_only:
        for mistake, what in ACCURACY_MISTAKES:
            if all(math.isclose(float(r), mistake(scores, labels), abs_tol=1e-12)
                   for r, (scores, labels) in zip(results, ACCURACY_CASES)):
                return wrong(f"on the points of the check's own, whose scores it knows, accuracy {what}")
        counts = [_fraction(scores, labels) * len(labels) for scores, labels in ACCURACY_CASES]
        if all(r > 0 for r in results):
            divisors = {round(c / float(r), 6) for c, r in zip(counts, results)}
            if len(divisors) == 1 and float(next(iter(divisors))).is_integer() and next(iter(divisors)) != 1:
                return wrong(f"accuracy divides the number of points it got right by {next(iter(divisors)):g}, "
                             "whatever the number of points: divide by the number it is given, len(y).")
    for got, (scores, labels) in zip(results, ACCURACY_CASES):
        problem = _accuracy_problem(got, scores, labels)
        if problem:
            return wrong(problem)

    new_points, new_classes = make_moons(n_samples=200, noise=0.1, seed=1)
    new_labels = [1 if c == 1 else -1 for c in new_classes.numpy()]
    with no_grad():
        expected = _fraction([model(x).data for x in new_points.numpy().tolist()], new_labels)
    problem = number_problem(test_accuracy, expected, "test_accuracy")
    if problem:
        return wrong(problem + ": it should be what your accuracy gives for model, X_new and y_new; run the "
                     "exercise cell again.")
    return right(f"accuracy is the fraction of points whose score has the sign of their label, also on "
                 f"{len(ACCURACY_CASES)} sets of points of the check's own; on 200 new moons the trained network "
                 f"gets {expected:.1%} right")


# ---------------------------------------------------------------------- exercise 3: one hidden neuron


def _moons():
    points, classes = make_moons(n_samples=100, noise=0.1, seed=0)
    return points.numpy().tolist(), [1 if c == 1 else -1 for c in classes.numpy()]


def _train(model, X, y, steps=100, lr=0.2):
    # The lesson's train(model, verbose=False), step for step.
    optimizer = SGD(model.parameters(), lr=lr, momentum=0.9)
    for step in range(steps):
        scores = [model(x) for x in X]
        loss = hinge_loss(scores, y) + 1e-4 * sum(p * p for p in model.parameters())
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = lr * (1 - 0.9 * step / steps)
        optimizer.step()
    return model


@functools.lru_cache(maxsize=None)
def _narrow_weights():
    """The initial and the trained parameters of MLP(2, [1, 1], seed=2), trained as the lesson trains it."""
    X, y = _moons()
    model = MLP(2, [1, 1], seed=2)
    initial = tuple(p.data for p in model.parameters())
    return initial, tuple(p.data for p in _train(model, X, y).parameters())


def best_straight_line(X, y):
    """The best accuracy any straight line reaches on the points, over 1,800 directions and every threshold."""
    points, labels = np.array(X), np.array(y)
    angles = np.linspace(0, np.pi, 1800, endpoint=False)
    best = 0.0
    for along in (points @ np.stack([np.cos(angles), np.sin(angles)])).T:
        ordered = labels[np.argsort(along)]
        # right[k]: points classified right if the first k are called -1 and the rest +1
        right_k = (np.concatenate([[0], np.cumsum(ordered == -1)])
                   + np.concatenate([np.cumsum((ordered == 1)[::-1])[::-1], [0]]))
        best = max(best, right_k.max() / len(labels), 1 - right_k.min() / len(labels))
    return best


def _layer_sizes(net):
    try:
        return [len(layer.neurons) for layer in net.layers], len(net.layers[0].neurons[0].w)
    except (AttributeError, IndexError, TypeError):
        return None, None


@exercise("narrow", "narrow_accuracy")
def check_narrow(narrow, narrow_accuracy):
    if narrow is None:
        return wrong("narrow is still None: store the network you train in narrow, so that the check can see "
                     "what it learned.")
    sizes, inputs = _layer_sizes(narrow)
    if sizes is None or not hasattr(narrow, "parameters"):
        return wrong(f"narrow should be the network MLP(2, [1, 1], seed=2), but it is a {type(narrow).__name__}.")
    if sizes != [1, 1] or inputs != 2:
        return wrong(f"narrow has layers of {sizes} neurons: the exercise is about MLP(2, [1, 1], seed=2), one "
                     "hidden neuron and the output neuron.")
    if narrow_accuracy is None:
        return wrong("narrow_accuracy is still None: store what train(narrow, verbose=False) returns.")
    if not is_number(narrow_accuracy):
        return wrong(f"narrow_accuracy should be a number, but it is a {type(narrow_accuracy).__name__}: "
                     "train returns the accuracy as a float.")
    if narrow_accuracy > 1:
        return wrong("narrow_accuracy is more than 1: train returns the accuracy as a fraction between 0 and 1, "
                     "not a percentage.")

    initial, trained = _narrow_weights()
    weights = np.array([p.data for p in narrow.parameters()], dtype=float)
    X, y = _moons()
    if np.array_equal(weights, initial):
        return wrong("narrow still holds the weights that MLP(2, [1, 1], seed=2) starts with: it was never trained. "
                     "Train it with train(narrow, verbose=False), and store what train returns.")
    if not np.allclose(weights, trained, rtol=0, atol=1e-12):
        with no_grad():
            hidden = [narrow.layers[0](x)[0].data for x in X]
        if max(hidden) <= 0:
            return wrong("the hidden neuron of narrow is dead: its ReLU gives 0 at every training point, so no "
                         "gradient reaches it and every point gets the same score. The exercise asks for seed=2.")
        return wrong("narrow's weights are not the ones that training a fresh MLP(2, [1, 1], seed=2) once with "
                     "train(narrow, verbose=False) gives: start from a new network, train it once, with the "
                     "lesson's train and its default steps and learning rate.")
    with no_grad():
        own = _fraction([narrow(x).data for x in X], y)
    problem = number_problem(narrow_accuracy, own, "narrow_accuracy")
    if problem:
        return wrong(problem + " for the network narrow holds: store what train(narrow, verbose=False) returns.")
    return right(f"narrow_accuracy is {own:.0%}, and no straight line does better than {best_straight_line(X, y):.0%} "
                 "on these points: one hidden neuron can only draw a straight boundary")
