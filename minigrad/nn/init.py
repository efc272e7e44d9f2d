"""Initialisation of parameters, as ``torch.nn.init``: each function fills a tensor in place and returns it.

The scales come from one rule (lesson 09 derives it): through ``y = W x`` with ``n`` inputs,
``Var(y) = n Var(W) Var(x)``. Keeping the variance of the activations the same from layer to layer
asks for ``Var(W) = gain**2 / n``, where the **gain** makes up for what the nonlinearity does to the
variance (ReLU halves it, so its gain is sqrt(2)). Xavier (Glorot) averages the forward ``n = fan_in``
and the backward ``n = fan_out``; Kaiming (He) takes one of them.

The functions write into the tensor's own array, so a model, an optimizer and anything else that
holds the tensor sees the new values; the write is not recorded in any graph (as under
``torch.no_grad()``). The random ones draw from ``generator`` (a seed or a NumPy Generator), or from
minigrad's default generator, which ``minigrad.manual_seed`` sets.
"""

import math
import numbers

import numpy as np

from minigrad.rng import as_generator
from minigrad.tensor import Tensor

_LINEAR_GAINS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d", "sigmoid")
_MODES = ("fan_in", "fan_out")


def calculate_gain(nonlinearity, param=None):
    """The factor by which to scale the standard deviation of weights followed by ``nonlinearity``.

    1 for linear layers and sigmoid, 5/3 for tanh, sqrt(2) for ReLU, sqrt(2 / (1 + slope**2)) for
    leaky ReLU (``param`` is its negative slope, 0.01 if None) and 3/4 for SELU: PyTorch's values.
    """
    if nonlinearity in _LINEAR_GAINS:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
                     f"{', '.join(_LINEAR_GAINS + ('tanh', 'relu', 'leaky_relu', 'selu'))}")


def _check_tensor(op, tensor, floating=True):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected a Tensor (or a Parameter), got {type(tensor).__name__}")
    if floating and tensor.dtype.kind != "f":
        raise TypeError(f"{op}: draws random numbers, so it needs a floating-point tensor, not {tensor.dtype}")


def _fill(tensor, values):
    # Writing into the array itself (not rebinding .data) keeps every view and reference valid.
    tensor.data[...] = values
    return tensor


def _calculate_fan_in_and_fan_out(tensor, op="init"):
    """(fan_in, fan_out): a Linear weight (out, in) gives (in, out); a Conv2d weight (out, in, kh, kw)
    gives (in * kh * kw, out * kh * kw), each input or output channel counting once per kernel position."""
    if tensor.ndim < 2:
        raise ValueError(f"{op}: fan in and fan out cannot be computed for a tensor with fewer than 2 "
                         f"dimensions (its shape is {tensor.shape})")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode, op):
    if mode not in _MODES:
        raise ValueError(f"{op}: mode {mode!r} is not supported, use one of {_MODES}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, op)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` with numbers drawn uniformly from [a, b)."""
    _check_tensor("uniform_", tensor)
    if a > b:
        raise ValueError(f"uniform_: expects a <= b, got a={a} and b={b}")
    return _fill(tensor, as_generator(generator).uniform(a, b, tensor.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` with numbers drawn from the normal distribution N(mean, std**2)."""
    _check_tensor("normal_", tensor)
    if std < 0:
        raise ValueError(f"normal_: expects std >= 0, got {std}")
    return _fill(tensor, as_generator(generator).normal(mean, std, tensor.shape))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill ``tensor`` from N(mean, std**2) kept to [a, b]: draws outside are drawn again."""
    _check_tensor("trunc_normal_", tensor)
    if not a < b:
        raise ValueError(f"trunc_normal_: expects a < b, got a={a} and b={b}")
    rng = as_generator(generator)
    values = rng.normal(mean, std, tensor.shape)
    outside = (values < a) | (values > b)
    while outside.any():
        values[outside] = rng.normal(mean, std, int(outside.sum()))
        outside = (values < a) | (values > b)
    return _fill(tensor, values)


def constant_(tensor, val):
    """Fill ``tensor`` with ``val``."""
    _check_tensor("constant_", tensor, floating=False)
    return _fill(tensor, val)


def zeros_(tensor):
    """Fill ``tensor`` with zeros."""
    _check_tensor("zeros_", tensor, floating=False)
    return _fill(tensor, 0)


def ones_(tensor):
    """Fill ``tensor`` with ones."""
    _check_tensor("ones_", tensor, floating=False)
    return _fill(tensor, 1)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Uniform in ±gain * sqrt(6 / (fan_in + fan_out)): variance gain**2 * 2 / (fan_in + fan_out)."""
    _check_tensor("xavier_uniform_", tensor)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, "xavier_uniform_")
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / (fan_in + fan_out))  # a uniform's variance is bound**2 / 3
    return _fill(tensor, as_generator(generator).uniform(-bound, bound, tensor.shape))


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    _check_tensor("xavier_normal_", tensor)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, as_generator(generator).normal(0.0, std, tensor.shape))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Uniform in ±sqrt(3) * gain / sqrt(fan), gain = calculate_gain(nonlinearity, a).

    ``mode="fan_in"`` keeps the variance of the activations in the forward pass, ``"fan_out"`` that of
    the gradients in the backward pass. With the default ``a=0`` the leaky ReLU's gain is ReLU's.
    """
    _check_tensor("kaiming_uniform_", tensor)
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode, "kaiming_uniform_"))
    bound = math.sqrt(3.0) * std
    return _fill(tensor, as_generator(generator).uniform(-bound, bound, tensor.shape))


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std**2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    _check_tensor("kaiming_normal_", tensor)
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode, "kaiming_normal_"))
    return _fill(tensor, as_generator(generator).normal(0.0, std, tensor.shape))


def orthogonal_(tensor, gain=1.0, generator=None):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of a normal one.

    The tensor is seen as rows = shape[0] by everything else; its rows (or columns, whichever are
    fewer) are orthonormal. The signs of R's diagonal are moved into Q so that Q is uniformly
    distributed over the orthogonal matrices, not biased by the QR algorithm's sign convention.
    """
    _check_tensor("orthogonal_", tensor)
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, got shape {tensor.shape}")
    rows = tensor.shape[0]
    columns = tensor.data.size // rows if rows else 0
    flat = as_generator(generator).normal(0.0, 1.0, (rows, columns))
    if rows < columns:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < columns:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))


__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]
