"""Scalar-mode networks and losses: Neuron, Layer, MLP, Conv2d, MaxPool2d, built from ``Value``.

Weights start as PyTorch's ``nn.Linear`` starts them (uniform in +-1/sqrt(fan_in), weights then
biases, drawn layer by layer), so a tensor-mode network seeded the same way starts from the same
numbers.
"""

import math
import numbers as numbers_module
from collections import OrderedDict

import numpy as np

from minigrad.rng import as_generator
from minigrad.scalar import Value, _result, dot
from minigrad.tensor import Tensor, float64

ACTIVATIONS = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def _array(rows):
    """A list of Values, or a list of lists of them, as an object array (``np.array`` would read
    the Values as numbers)."""
    shape = (len(rows), len(rows[0])) if isinstance(rows[0], list) else (len(rows),)
    out = np.empty(shape, dtype=object)
    for i, row in enumerate(rows):
        out[i] = row
    return out


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(map(repr, ACTIVATIONS))}")
    return ACTIVATIONS[name]


class Module:
    """What every scalar-mode network part has: its parameters, a way to zero their grads, and
    checkpoints.

    ``state_dict()`` names the parameters as tensor mode names those of the network computing the
    same function, so a checkpoint moves between the modes: a ``Layer(nin, nout, "relu")`` is
    ``nn.Sequential(nn.Linear(nin, nout), nn.ReLU())`` ("0.weight" of shape (nout, nin), "0.bias"),
    a ``Neuron(nin)`` the same with one output, and an ``MLP`` the Sequential of its Linear layers
    with an activation module after each hidden one (which takes an index: "0.", "2.", "4." ...; with
    ``activation="linear"`` there is none, so "0.", "1.", "2." ...).
    """

    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def _named_values(self):
        """(key, object array of this module's Values) pairs, layer by layer as ``parameters()`` goes."""
        return []

    def state_dict(self):
        """Every parameter's number by key, as float64 Tensors (copies: a Value holds its own number)."""
        return OrderedDict((key, Tensor(numbers(array), dtype=float64)) for key, array in self._named_values())

    def load_state_dict(self, state_dict):
        """Copy numbers from a state dict (this mode's or tensor mode's) into the parameters.

        Every key and shape is checked before anything is copied, so a failed load leaves the
        network as it was.
        """
        own = OrderedDict(self._named_values())
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        if missing or unexpected:
            parts = [f"missing keys {missing}" if missing else "", f"unexpected keys {unexpected}" if unexpected else ""]
            raise KeyError(f"load_state_dict into {self!r}: " + "; ".join(part for part in parts if part))
        arrays = {}
        for key, target in own.items():
            value = state_dict[key]
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
            if array.shape != target.shape:
                raise ValueError(
                    f"load_state_dict: {key!r} has shape {array.shape} in the state dict but {target.shape} in {self!r}"
                )
            if array.dtype.kind not in "fiu":
                raise TypeError(f"load_state_dict: {key!r} has dtype {array.dtype}; expected numbers")
            arrays[key] = array
        for key, target in own.items():
            for index, v in np.ndenumerate(target):
                v.data = float(arrays[key][index])


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

    def _named_values(self):
        return [("0.weight", _array([self.w])), ("0.bias", _array([self.b]))]

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

    def _weight_and_bias(self):
        """nn.Linear's weight (nout, nin) and bias (nout,), as object arrays of this layer's Values."""
        return _array([neuron.w for neuron in self.neurons]), _array([neuron.b for neuron in self.neurons])

    def _named_values(self):
        weight, bias = self._weight_and_bias()
        return [("0.weight", weight), ("0.bias", bias)]

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

    def _named_values(self):
        step = 1 if self.activation == "linear" else 2
        named = []
        for i, layer in enumerate(self.layers):
            weight, bias = layer._weight_and_bias()
            named += [(f"{i * step}.weight", weight), (f"{i * step}.bias", bias)]
        return named

    def __repr__(self):
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r})"


# ---------------------------------------------------------------------- images
# An image is a (C, H, W) NumPy object array of Values, as ``values`` makes it from numbers; nested
# lists of Values or numbers are accepted too. Every output pixel is its own node, so a learner can
# follow a convolution through the explorer as the multiplies and adds it is.


def values(array, label=""):
    """A NumPy array (or nested lists) of numbers as an object array of the same shape holding one
    leaf Value per number; Values already there are kept. ``label`` names each leaf by its index,
    e.g. ``label="x"`` gives ``x[0,1,2]``."""
    array = np.asarray(array, dtype=object)
    out = np.empty(array.shape, dtype=object)
    for index, x in np.ndenumerate(array):
        if isinstance(x, Value):
            out[index] = x
        else:
            name = f"{label}[{','.join(map(str, index))}]" if label else ""
            try:
                out[index] = Value(x, label=name)
            except TypeError:
                raise TypeError(f"values: element {index} is a {type(x).__name__} {x!r}, not a number or a Value") from None
    return out


def numbers(array, grad=False):
    """The ``data`` (or with ``grad=True`` the ``grad``) of every Value in ``array``, as a float64 array."""
    array = np.asarray(array, dtype=object)
    out = np.empty(array.shape, dtype=np.float64)
    for index, v in np.ndenumerate(array):
        out[index] = (v.grad if grad else v.data) if isinstance(v, Value) else (0.0 if grad else v)
    return out


def _pair(op, name, value):
    pair = (value, value) if isinstance(value, numbers_module.Integral) else value
    if not isinstance(pair, (tuple, list)) or len(pair) != 2 or not all(isinstance(v, numbers_module.Integral) for v in pair):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def _image(op, x, channels=None):
    try:
        x = values(x)
    except TypeError as error:
        raise TypeError(f"{op}: {str(error).removeprefix('values: ')} of the input") from None
    if x.ndim != 3:
        raise ValueError(f"{op}: expected a 3-D input (C, H, W) of Values, got shape {x.shape}")
    if channels is not None and x.shape[0] != channels:
        raise ValueError(f"{op}: expected {channels} input channels, got an input of shape {x.shape}")
    return x


def _out_size(op, shape, kernel, stride):
    if kernel[0] > shape[1] or kernel[1] > shape[2]:
        raise ValueError(f"{op}: kernel {kernel} is larger than the (padded) input of shape {shape}")
    return (shape[1] - kernel[0]) // stride[0] + 1, (shape[2] - kernel[1]) // stride[1] + 1


class Conv2d(Module):
    """A 2-D convolution of one (C, H, W) image of Values, as ``torch.nn.Conv2d`` on one image.

    Each output pixel is one ``dot`` node: the window's inputs times the kernel's weights, plus the
    bias. Weights (``weight[out, in, kh, kw]``) and then biases start uniform in
    +-1/sqrt(in_channels * kh * kw), drawn as tensor mode's ``nn.Conv2d`` draws them, so both start
    from the same numbers for the same seed. Padding is zeros.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, seed=None):
        for name, count in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(count, numbers_module.Integral) or count <= 0:
                raise ValueError(f"Conv2d: {name} must be a positive int, got {count!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair("Conv2d", "kernel_size", kernel_size)
        self.stride = _pair("Conv2d", "stride", stride)
        self.padding = _pair("Conv2d", "padding", padding)
        if min(self.kernel_size) <= 0 or min(self.stride) <= 0 or min(self.padding) < 0:
            raise ValueError(
                f"Conv2d: kernel_size and stride must be positive and padding non-negative, got "
                f"{self.kernel_size}, {self.stride}, {self.padding}"
            )
        rng = as_generator(seed)
        bound = 1.0 / math.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1])
        self.weight = values(rng.uniform(-bound, bound, (out_channels, in_channels, *self.kernel_size)), "weight")
        self.bias = values(rng.uniform(-bound, bound, out_channels), "bias")

    def __call__(self, x):
        x = _image("Conv2d", x, self.in_channels)
        (ph, pw), (kh, kw), (sh, sw) = self.padding, self.kernel_size, self.stride
        if ph or pw:
            padded = np.empty((x.shape[0], x.shape[1] + 2 * ph, x.shape[2] + 2 * pw), dtype=object)
            padded[...] = 0.0  # constants: dot makes each a leaf with no parameter behind it
            padded[:, ph : ph + x.shape[1], pw : pw + x.shape[2]] = x
            x = padded
        ho, wo = _out_size("Conv2d", x.shape, self.kernel_size, self.stride)
        kernels = [list(self.weight[o].reshape(-1)) for o in range(self.out_channels)]
        out = np.empty((self.out_channels, ho, wo), dtype=object)
        for i in range(ho):
            for j in range(wo):
                window = list(x[:, i * sh : i * sh + kh, j * sw : j * sw + kw].reshape(-1))
                for o, kernel in enumerate(kernels):
                    out[o, i, j] = dot(kernel, window, self.bias[o])
        return out

    def parameters(self):
        return list(self.weight.reshape(-1)) + list(self.bias)

    def _named_values(self):
        # Tensor mode's nn.Conv2d names and shapes: weight (out, in, kh, kw), bias (out,).
        return [("weight", self.weight), ("bias", self.bias)]

    def __repr__(self):
        text = f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        return text + (f", padding={self.padding})" if self.padding != (0, 0) else ")")


def _max(window):
    """The largest of ``window``'s Values as one node; its gradient goes to the first one holding the
    maximum (tensor mode's and PyTorch's rule for ties)."""
    best = max(range(len(window)), key=lambda k: (window[k].data, -k))
    n = len(window)

    def grad_fn(g):
        return tuple(g if k == best else 0.0 for k in range(n))

    return _result(window[best].data, tuple(window), "max", grad_fn)


class MaxPool2d(Module):
    """The largest Value of each window of a (C, H, W) image, one ``max`` node per output pixel;
    ``stride`` defaults to the kernel size, as in PyTorch."""

    def __init__(self, kernel_size, stride=None):
        self.kernel_size = _pair("MaxPool2d", "kernel_size", kernel_size)
        self.stride = self.kernel_size if stride is None else _pair("MaxPool2d", "stride", stride)
        if min(self.kernel_size) <= 0 or min(self.stride) <= 0:
            raise ValueError(f"MaxPool2d: kernel_size and stride must be positive, got {self.kernel_size}, {self.stride}")

    def __call__(self, x):
        x = _image("MaxPool2d", x)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        ho, wo = _out_size("MaxPool2d", x.shape, self.kernel_size, self.stride)
        out = np.empty((x.shape[0], ho, wo), dtype=object)
        for c in range(x.shape[0]):
            for i in range(ho):
                for j in range(wo):
                    out[c, i, j] = _max(list(x[c, i * sh : i * sh + kh, j * sw : j * sw + kw].reshape(-1)))
        return out

    def __repr__(self):
        return f"MaxPool2d(kernel_size={self.kernel_size}, stride={self.stride})"


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
