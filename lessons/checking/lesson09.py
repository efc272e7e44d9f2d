"""The checks of lesson 09, Training deep networks.

Each check builds its own inputs and takes the right answers from minigrad itself (``nn.init``'s
gains and fans, the running statistics of ``batch_norm``, which ``nn.BatchNorm1d`` calls) or from the rule the lesson states, so it
never relies on what the notebook holds besides the learner's function.
"""

import math
import numbers

import numpy as np

import minigrad
from checking import exercise, is_node, right, wrong
from minigrad.nn import functional as F
from minigrad.nn import init

# (fan_in, fan_out): square, widening, narrowing, the digits' first layer, tiny ones.
FANS = [(256, 256), (64, 256), (256, 10), (784, 100), (3, 5), (50, 2)]


def _expected_std(scheme, fan_in, fan_out):
    """What nn.init's normal initialisations use, from its own gain and fans."""
    weight = minigrad.zeros(fan_out, fan_in)  # a Linear weight is (out, in)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(weight)
    if scheme == "xavier":
        return math.sqrt(2.0 / (fan_in + fan_out))
    return init.calculate_gain("relu") / math.sqrt(fan_in)


def _is_real(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


@exercise("init_std")
def check_init_std(init_std):
    results = {}
    for scheme in ("xavier", "he"):
        for fan_in, fan_out in FANS:
            call = f"init_std({scheme!r}, {fan_in}, {fan_out})"
            try:
                value = init_std(scheme, fan_in, fan_out)
            except Exception as error:  # name the call that failed
                return wrong(f"{call} raised {type(error).__name__}: {error}")
            if value is None:
                return wrong(f"{call} returns None: return the standard deviation.")
            if is_node(value) or not _is_real(value):
                return wrong(f"{call} returns a {type(value).__name__}: return a plain number.")
            results[scheme, fan_in, fan_out] = float(value)
    for scheme in ("xavier", "he"):
        cases = [(scheme, *fans) for fans in FANS]
        expected = {case: _expected_std(*case) for case in cases}
        if all(math.isclose(results[c], expected[c], rel_tol=1e-9) for c in cases):
            continue
        name = "Xavier" if scheme == "xavier" else "He"
        ratio = [results[c] / expected[c] if expected[c] else math.inf for c in cases]
        if all(math.isclose(results[c], expected[c] ** 2, rel_tol=1e-9) for c in cases):
            return wrong(f"{name}: init_std returns the variance Var(W); the standard deviation is its square root.")
        if all(math.isclose(results[c], expected[c] * math.sqrt(3), rel_tol=1e-9) for c in cases):
            return wrong(f"{name}: init_std returns the bound of the uniform version (sqrt(3) times the standard "
                         "deviation, since U(-a, a) has variance a**2 / 3); the exercise asks for the normal one's std.")
        if scheme == "he":
            if all(math.isclose(results[c], math.sqrt(2 / c[2]), rel_tol=1e-9) for c in cases):
                return wrong("He: init_std uses fan_out; He's forward rule keeps the variance of the activations, "
                             "which depends on the number of inputs each output sums over: fan_in.")
            if all(math.isclose(r, 1 / math.sqrt(2), rel_tol=1e-9) for r in ratio):
                return wrong("He: init_std is sqrt(2) too small in every case: ReLU sets half its inputs to 0, so He "
                             "doubles Var(W) to make up for it.")
            if all(math.isclose(results[c], math.sqrt(2) / c[1], rel_tol=1e-9) for c in cases):
                return wrong("He: init_std divides by fan_in itself; Var(W) = 2 / fan_in, so the std divides by "
                             "its square root.")
        if scheme == "xavier":
            if all(math.isclose(results[c], 1 / math.sqrt(c[1]), rel_tol=1e-9) for c in cases):
                return wrong("Xavier: init_std uses fan_in alone (that is LeCun's rule); Xavier averages the forward "
                             "rule (fan_in) and the backward one (fan_out).")
            if all(math.isclose(results[c], math.sqrt(1 / (c[1] + c[2])), rel_tol=1e-9) for c in cases):
                return wrong("Xavier: init_std is sqrt(2) too small in every case: the average of fan_in and "
                             "fan_out is (fan_in + fan_out) / 2, so Var(W) = 1 / that average.")
            if results["xavier", 256, 256] == results["xavier", 64, 256] or \
                    results["xavier", 64, 256] == results["xavier", 256, 10]:
                return wrong("Xavier: init_std does not depend on both fan_in and fan_out: init_std('xavier', "
                             "64, 256) and init_std('xavier', 256, 10) must differ from init_std('xavier', 256, 256).")
        if scheme == "he" and results["he", 256, 256] == results["he", 256, 10] and \
                results["he", 64, 256] == results["xavier", 64, 256]:
            return wrong("init_std gives He the same numbers as Xavier: check that it looks at `scheme`.")
        first = next(c for c in cases if not math.isclose(results[c], expected[c], rel_tol=1e-9))
        call = f"init_std({first[0]!r}, {first[1]}, {first[2]})"
        return wrong(f"{name}: {call} is too {'large' if results[first] > expected[first] else 'small'}. Start "
                     "from Var(W) as the lesson derives it, then take the square root.")
    return right(f"init_std gives nn.init's Xavier and He standard deviations for all {len(FANS)} pairs of fans")


def _batch_norm_running(batch, mean, var, momentum):
    """The running statistics minigrad's batch_norm (what nn.BatchNorm1d calls) leaves after one training batch."""
    running_mean, running_var = (minigrad.Tensor(a, dtype=minigrad.float64) for a in (mean, var))
    F.batch_norm(minigrad.Tensor(batch, dtype=minigrad.float64), running_mean, running_var, training=True,
                 momentum=momentum)
    return running_mean.numpy(), running_var.numpy()


@exercise("update_running")
def check_update_running(update_running):
    rng = np.random.default_rng(9)
    cases = [(rng.normal(2.0, 3.0, (8, 3)), np.zeros(3), np.ones(3), 0.1),
             (rng.normal(-1.0, 0.5, (5, 4)), rng.normal(0, 1, 4), rng.uniform(0.5, 2, 4), 0.1),
             (rng.normal(0.0, 2.0, (16, 2)), rng.normal(0, 1, 2), rng.uniform(0.5, 2, 2), 0.3)]
    for batch, mean, var, momentum in cases:
        where = f"for a batch of shape {batch.shape} and momentum {momentum}"
        given = (mean.copy(), var.copy(), batch.copy())
        try:
            result = update_running(given[0], given[1], given[2], momentum)
        except Exception as error:
            return wrong(f"{where}, update_running raised {type(error).__name__}: {error}")
        if result is None:
            return wrong("update_running returns None: return the pair (new running mean, new running variance).")
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return wrong(f"update_running returns a {type(result).__name__}; return a pair: new_mean, new_var.")
        new_mean, new_var = result
        if any(is_node(r) for r in result):
            return wrong("update_running returns Tensors: work with the NumPy arrays it is given and return arrays.")
        new_mean, new_var = np.asarray(new_mean, dtype=float), np.asarray(new_var, dtype=float)
        expected_mean, expected_var = _batch_norm_running(batch, mean, var, momentum)
        if new_mean.shape != expected_mean.shape or new_var.shape != expected_var.shape:
            return wrong(f"{where}, the results have shapes {new_mean.shape} and {new_var.shape}: one number per "
                         "feature (a column of the batch), so average over axis 0, the samples.")
        if not np.allclose(new_mean, expected_mean, rtol=1e-9, atol=1e-12):
            if np.allclose(new_mean, (1 - momentum) * batch.mean(0) + momentum * mean, rtol=1e-9):
                return wrong("the new running mean weighs the batch by 1 - momentum: PyTorch's momentum is the "
                             "weight of the new batch, so running = (1 - momentum) * running + momentum * batch's.")
            if np.allclose(new_mean, batch.mean(0), rtol=1e-9):
                return wrong("the new running mean is the batch's mean alone: it should move only `momentum` of "
                             "the way from the old running mean towards it.")
            return wrong(f"{where}, the new running mean is wrong: (1 - momentum) * old + momentum * the batch's "
                         "mean over its samples.")
        if not np.allclose(new_var, expected_var, rtol=1e-9, atol=1e-12):
            if np.allclose(new_var, (1 - momentum) * var + momentum * batch.var(0), rtol=1e-9):
                return wrong("the running variance uses the batch's biased variance (divided by N); BatchNorm "
                             "normalises with that one but keeps the unbiased one (divided by N - 1, ddof=1) for "
                             "evaluation.")
            if np.allclose(new_var, (1 - momentum) * batch.var(0, ddof=1) + momentum * var, rtol=1e-9):
                return wrong("the new running variance weighs the batch by 1 - momentum: momentum is the weight of "
                             "the new batch.")
            if np.allclose(new_var, (1 - momentum) * var + momentum * batch.std(0, ddof=1), rtol=1e-9):
                return wrong("the running variance is moved towards the batch's standard deviation: use its "
                             "variance (ddof=1).")
            return wrong(f"{where}, the new running variance is wrong: (1 - momentum) * old + momentum * the "
                         "batch's unbiased variance over its samples.")
        if not (np.array_equal(given[0], mean) and np.array_equal(given[1], var)):
            return wrong("update_running changed the arrays it was given; compute new ones and return them, as the "
                         "exercise asks (BatchNorm's buffers are replaced, not written into, by the step).")
    return right(f"update_running moves the running statistics as nn.BatchNorm1d does, on all {len(cases)} batches")


# (validation losses, patience, the epoch to keep): a later minimum after patience ran out, a tie,
# never stopping, patience 1, improvement on the last allowed epoch.
EARLY_STOPPING_CASES = [
    ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6, 0.65], 3),
    ([0.9, 0.5, 0.5, 0.6, 0.7, 0.8], 2),
    ([3.0, 2.0, 1.0], 2),
    ([1.0, 2.0, 0.5], 1),
    ([2.0, 1.5, 1.6, 1.7, 1.4, 1.8, 1.9, 2.0, 0.1], 3),
]


def _early_stopping(losses, patience):
    best = 0
    for epoch, loss in enumerate(losses):
        if loss < losses[best]:
            best = epoch
        if epoch - best >= patience:
            break
    return best


@exercise("early_stopping")
def check_early_stopping(early_stopping):
    for losses, patience in EARLY_STOPPING_CASES:
        call = f"early_stopping({losses}, patience={patience})"
        try:
            actual = early_stopping(list(losses), patience)
        except Exception as error:
            return wrong(f"{call} raised {type(error).__name__}: {error}")
        if actual is None:
            return wrong(f"{call} returns None: return the epoch (an index into the list) whose weights to keep.")
        if not (isinstance(actual, numbers.Integral) and not isinstance(actual, (bool, np.bool_))):
            return wrong(f"{call} returns a {type(actual).__name__}: return an int, the index of an epoch.")
        expected = _early_stopping(losses, patience)
        if actual == expected:
            continue
        stop = next((e for e in range(len(losses)) if e - _early_stopping(losses[: e + 1], patience) >= patience),
                    len(losses) - 1)
        if actual == int(np.argmin(losses)):
            return wrong(f"{call} picks the best epoch of the whole list: training stops once `patience` epochs "
                         "in a row bring no new best, and the epochs after that are never run.")
        if actual == expected + 1:
            return wrong(f"{call} is one too large: count epochs from 0, as indices of the list.")
        if actual == stop:
            return wrong(f"{call} returns the epoch at which training stops; return the best epoch seen until "
                         "then, whose weights early stopping keeps.")
        if actual > expected and losses[actual] == losses[expected]:
            return wrong(f"{call} counts an equal loss as an improvement: only a strictly lower validation loss is "
                         "a new best.")
        if actual > expected:
            return wrong(f"{call} trains too long: stop as soon as the current epoch is `patience` epochs after "
                         "the best one (epoch - best >= patience).")
        return wrong(f"{call} stops too early or keeps the wrong epoch: keep the epoch with the lowest loss so far, "
                     "and stop only after `patience` epochs without a new one.")
    return right(f"early_stopping keeps the right epoch in all {len(EARLY_STOPPING_CASES)} runs")
