"""Scalar-mode networks and losses: Neuron, Layer, MLP, built from ``Value``.

Weights start as PyTorch's ``nn.Linear`` starts them (uniform in +-1/sqrt(fan_in), weights then
biases, drawn layer by layer), so a tensor-mode network seeded the same way starts from the same
numbers.
"""

import math

import numpy as np

from minigrad.rng import as_generator
from minigrad.scalar import Value, dot

ACTIVATIONS = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(map(repr, ACTIVATIONS))}")
    return ACTIVATIONS[name]


class Module:
    """What every scalar-mode network part has: its parameters, and a way to zero their grads."""

    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """``activation(w . x + b)``: one weighted sum, computed as one ``dot`` node."""

    def __init__(self, nin, activation="relu", seed=None):
        bound = 1.0 / math.sqrt(nin)
        rng = as_generator(seed)
        weights = rng.uniform(-bound, bound, nin)
        bias = rng.uniform(-bound, bound)
        self._build(weights, bias, activation)

    @classmethod
    def _from_numbers(cls, weights, bias, activation):
        neuron = cls.__new__(cls)
        neuron._build(weights, bias, activation)
        return neuron

    def _build(self, weights, bias, activation):
        self._apply_activation = _activation(activation)
        self.activation = activation
        self.w = [Value(w, label=f"w{i}") for i, w in enumerate(weights)]
        self.b = Value(bias, label="b")

    def __call__(self, x):
        out = dot(self.w, x, self.b)
        return out if self._apply_activation is None else self._apply_activation(out)

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; returns a list of ``nout`` Values."""

    def __init__(self, nin, nout, activation="relu", seed=None):
        bound = 1.0 / math.sqrt(nin)
        rng = as_generator(seed)
        weights = rng.uniform(-bound, bound, (nout, nin))
        biases = rng.uniform(-bound, bound, nout)
        self.nin, self.nout, self.activation = nin, nout, activation
        self.neurons = [Neuron._from_numbers(w, b, activation) for w, b in zip(weights, biases)]

    def __call__(self, x):
        if len(x) != self.nin:
            raise ValueError(f"{self!r}: expected {self.nin} inputs, got {len(x)}")
        x = [v if type(v) is Value else Value(v) for v in x]
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multilayer perceptron: ``activation`` after every layer but the last, which stays linear.

    Called on one input (a list of ``nin`` numbers or Values), it returns a Value when the last
    layer has one neuron and a list of Values otherwise.
    """

    def __init__(self, nin, nouts, activation="relu", seed=None):
        _activation(activation)
        rng = as_generator(seed)
        sizes = [nin, *nouts]
        self.nin, self.nouts, self.activation = nin, list(nouts), activation
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else "linear", seed=rng)
            for i in range(len(nouts))
        ]
        for i, layer in enumerate(self.layers):
            for j, neuron in enumerate(layer.neurons):
                for p in neuron.parameters():
                    p.label = f"L{i}N{j}.{p.label}"

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r})"


# ---------------------------------------------------------------------- losses
# Each loss takes a batch (a list of predictions and a list of targets) and returns the mean loss
# as one Value. A single prediction may be given as a bare Value.


def _batch(op, predictions, targets):
    if isinstance(predictions, Value):
        predictions = [predictions]
    targets = list(targets) if np.ndim(targets) else [targets]
    if len(predictions) != len(targets):
        raise ValueError(f"{op}: {len(predictions)} predictions but {len(targets)} targets")
    if not predictions:
        raise ValueError(f"{op}: the batch is empty")
    return predictions, targets


def _mean(values):
    return sum(values) / len(values)


def mse_loss(predictions, targets):
    """Mean of ``(prediction - target) ** 2``."""
    predictions, targets = _batch("mse_loss", predictions, targets)
    return _mean([(p - t) ** 2 for p, t in zip(predictions, targets)])


def hinge_loss(scores, labels):
    """The SVM max-margin loss: mean of ``relu(1 - label * score)``, labels -1 or +1."""
    scores, labels = _batch("hinge_loss", scores, labels)
    for y in labels:
        if y not in (-1, 1):
            raise ValueError(f"hinge_loss: labels must be -1 or +1, got {y!r}")
    return _mean([(1 - y * s).relu() for s, y in zip(scores, labels)])


def binary_cross_entropy(probabilities, targets):
    """Mean of ``-(t log p + (1 - t) log(1 - p))`` for probabilities strictly between 0 and 1."""
    probabilities, targets = _batch("binary_cross_entropy", probabilities, targets)
    for p in probabilities:
        if not 0 < p.data < 1:
            raise ValueError(
                f"binary_cross_entropy: probability {p.data!r} is not strictly between 0 and 1 "
                "(a saturated sigmoid?); binary_cross_entropy_with_logits takes the raw score instead"
            )
    return _mean([-(t * p.log() + (1 - t) * (1 - p).log()) for p, t in zip(probabilities, targets)])


def _softplus(z):
    """``log(1 + exp(z))``, written so that exp never overflows (the branch picks a form, not a slope)."""
    if z.data > 0:
        return z + ((-z).exp() + 1).log()
    return (z.exp() + 1).log()


def binary_cross_entropy_with_logits(logits, targets):
    """Binary cross-entropy of ``sigmoid(logit)``, computed stably from the logit itself."""
    logits, targets = _batch("binary_cross_entropy_with_logits", logits, targets)
    return _mean([_softplus(z) - z * t for z, t in zip(logits, targets)])


def _log_sum_exp(logits):
    # Shifting by the largest logit (a constant) keeps every exp <= 1 and leaves the value unchanged.
    shift = max(z.data for z in logits)
    return sum((z - shift).exp() for z in logits).log() + shift


def softmax(logits):
    """Probabilities from a list of logits, as a list of Values."""
    shift = max(z.data for z in logits)
    exps = [(z - shift).exp() for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def cross_entropy(logits, targets):
    """Softmax cross-entropy: ``logits`` is a list of samples, each a list of class scores;
    ``targets`` holds each sample's class index."""
    logits, targets = _batch("cross_entropy", logits, targets)
    losses = []
    for scores, target in zip(logits, targets):
        if isinstance(scores, Value):
            raise TypeError("cross_entropy: each sample needs a list of class scores, got a single Value")
        if not (isinstance(target, int) or hasattr(target, "__index__")) or not 0 <= target < len(scores):
            raise ValueError(f"cross_entropy: target {target!r} is not a class index in 0..{len(scores) - 1}")
        losses.append(_log_sum_exp(scores) - scores[target])
    return _mean(losses)
