"""Functions on Tensors with PyTorch's names and signatures (``torch.nn.functional``).

Ops on a hot path (``linear``, the normalisation, every loss) are one node each, with the forward
and its gradient rule side by side as in ``minigrad/tensor.py``; the rest call Tensor's own ops.
Every loss returns per-element losses reduced by ``reduction``: ``'mean'`` (the default), ``'sum'``
or ``'none'``.

Sections: layers, activations, normalisation, losses.
"""

import numbers

import numpy as np

# Convolution and pooling live in their own file; they are part of functional, as in PyTorch.
from minigrad.nn.conv import (  # noqa: F401
    adaptive_avg_pool2d,
    avg_pool2d,
    conv1d,
    conv2d,
    conv_transpose2d,
    max_pool2d,
)
from minigrad.nn.sparse import embedding, normalize, one_hot, pad  # noqa: F401
from minigrad.rng import as_generator
from minigrad.tensor import _result, _unbroadcast

# ---------------------------------------------------------------------- layers


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` as one node, for input (..., in_features) and weight (out_features, in_features)."""
    x, w = input.data, weight.data
    if w.ndim != 2 or x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise ValueError(f"linear: input of shape {x.shape} does not fit weight of shape {w.shape}")
    if bias is not None and bias.shape != w.shape[:1]:
        raise ValueError(f"linear: bias of shape {bias.shape} does not fit weight of shape {w.shape}")
    data = x @ w.T if bias is None else x @ w.T + bias.data

    def grad_fn(g):
        # The first layer's input is the data, which needs no gradient: skipping it saves a matmul.
        d_input = g @ w if input.requires_grad else None
        d_weight = g.reshape(-1, w.shape[0]).T @ x.reshape(-1, w.shape[1]) if weight.requires_grad else None
        return (d_input, d_weight) if bias is None else (d_input, d_weight, _unbroadcast(g, bias.shape))

    return _result(data, (input, weight) if bias is None else (input, weight, bias), "linear", grad_fn)


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def dropout(input, p=0.5, training=True, generator=None):
    """Zero each element with probability ``p`` and scale the rest by 1/(1 - p) (inverted dropout),
    so the expected value is unchanged and evaluation needs no rescaling; the identity unless training."""
    if not isinstance(p, numbers.Real):
        raise TypeError(f"dropout: probability p must be a number, got {type(p).__name__} {p!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: probability p must be between 0 and 1, got {p}")
    if not training or p == 0:
        return input
    if input.dtype.kind != "f":
        raise TypeError(f"dropout: needs a floating-point tensor to rescale, got {input.dtype}")
    if p == 1:
        scale = np.zeros(input.shape, input.dtype)
    else:
        scale = (as_generator(generator).random(input.shape) >= p) * np.asarray(1 / (1 - p), input.dtype)

    def grad_fn(g):
        return (g * scale,)

    with np.errstate(invalid="ignore"):  # inf * 0 is NaN, without NumPy's warning
        data = input.data * scale
    return _result(data, (input,), "dropout", grad_fn)


# ---------------------------------------------------------------------- activations


def relu(input):
    return input.relu()


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def gelu(input, approximate="none"):
    return input.gelu(approximate=approximate)


def softmax(input, dim):
    return input.softmax(dim)


def log_softmax(input, dim):
    return input.log_softmax(dim)


# ---------------------------------------------------------------------- normalisation


def _as_shape(shape):
    """``8`` and ``(8,)`` alike, as PyTorch accepts both for a normalised shape."""
    return (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)


def _check_shape(op, name, tensor, shape, input):
    if tensor is not None and tensor.shape != shape:
        raise ValueError(
            f"{op}: {name} of shape {tensor.shape} does not fit input of shape {input.shape} (expected {shape})"
        )


def _normalize(input, axes, eps, op):
    """``(x - mean) / sqrt(var + eps)`` over ``axes`` as one node; also returns the mean and the biased
    variance it used (keeping the reduced axes)."""
    a = input.data
    mean = a.mean(axis=axes, keepdims=True)
    centred = a - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    data = centred * inv_std

    def grad_fn(g):
        # Each x also moves the mean and the variance: their paths remove g's mean and its part along the output.
        return (inv_std * (g - g.mean(axis=axes, keepdims=True) - data * (g * data).mean(axis=axes, keepdims=True)),)

    return _result(data, (input,), op, grad_fn), mean, var


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise each sample over its last axes (``normalized_shape``), then scale by ``weight``, shift by ``bias``."""
    normalized_shape = _as_shape(normalized_shape)
    if not 0 < len(normalized_shape) <= input.ndim or input.shape[-len(normalized_shape) :] != normalized_shape:
        raise ValueError(
            f"layer_norm: input of shape {input.shape} does not end in normalized_shape {normalized_shape}"
        )
    _check_shape("layer_norm", "weight", weight, normalized_shape, input)
    _check_shape("layer_norm", "bias", bias, normalized_shape, input)
    out, _, _ = _normalize(input, tuple(range(-len(normalized_shape), 0)), eps, "layer_norm")
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (axis 1 of (N, C, ...)) over the batch and spatial axes, then scale and shift.

    Training normalises with the batch's own statistics and moves the running ones (if given) towards
    them in place: ``running = (1 - momentum) * running + momentum * batch``, with the unbiased batch
    variance, as PyTorch does. Evaluation normalises with the running statistics.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, ...), got {input.shape}")
    channels = input.shape[1]
    named = {"running_mean": running_mean, "running_var": running_var, "weight": weight, "bias": bias}
    for name, tensor in named.items():
        _check_shape("batch_norm", name, tensor, (channels,), input)
    view = (channels,) + (1,) * (input.ndim - 2)
    if training:
        count = input.data.size // channels
        if count < 2:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel, got input of shape {input.shape}"
            )
        out, mean, var = _normalize(input, (0, *range(2, input.ndim)), eps, "batch_norm")
        if running_mean is not None:
            running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * mean.reshape(channels)
        if running_var is not None:
            unbiased = var.reshape(channels) * (count / (count - 1))
            running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: evaluation (training=False) normalises with running_mean and running_var; got None"
            )
        inv_std = 1 / np.sqrt(running_var.data.reshape(view) + eps)

        def grad_fn(g):
            return (g * inv_std,)

        out = _result((input.data - running_mean.data.reshape(view)) * inv_std, (input,), "batch_norm", grad_fn)
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out


# ---------------------------------------------------------------------- losses
# Each loss is one node over its per-element losses; ``_reduced`` is the forward of the reduction
# and ``_spread`` its gradient, the share of the loss's gradient each element receives.


def _check_reduction(op, reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduced(losses, reduction):
    if reduction == "none":
        return losses
    return losses.mean() if reduction == "mean" else losses.sum()


def _spread(g, reduction, count):
    return g / count if reduction == "mean" else g


def _check_elementwise(op, input, target, reduction):
    _check_reduction(op, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"{op}: target of shape {target.shape} does not match input of shape {input.shape} "
            "(a mismatch would broadcast, e.g. (N, 1) against (N,) to (N, N))"
        )


def mse_loss(input, target, *, reduction="mean"):
    """Squared error ``(input - target) ** 2``."""
    _check_elementwise("mse_loss", input, target, reduction)
    diff = input.data - target.data

    def grad_fn(g):
        d_input = 2 * _spread(g, reduction, diff.size) * diff
        return d_input, -d_input

    return _result(_reduced(diff * diff, reduction), (input, target), "mse_loss", grad_fn)


def l1_loss(input, target, *, reduction="mean"):
    """Absolute error ``|input - target|``; its slope at a tie is 0, as PyTorch's."""
    _check_elementwise("l1_loss", input, target, reduction)
    diff = input.data - target.data

    def grad_fn(g):
        d_input = _spread(g, reduction, diff.size) * np.sign(diff)
        return d_input, -d_input

    return _result(_reduced(np.abs(diff), reduction), (input, target), "l1_loss", grad_fn)


def binary_cross_entropy(input, target, *, reduction="mean"):
    """``-(t log p + (1 - t) log(1 - p))`` for probabilities ``p`` in [0, 1].

    As in PyTorch, each log is clamped at -100 so that p = 0 or 1 gives a finite loss.
    """
    _check_elementwise("binary_cross_entropy", input, target, reduction)
    p, t = input.data, target.data
    if np.any((p < 0) | (p > 1)):
        raise ValueError(
            f"binary_cross_entropy: input must be probabilities in [0, 1], got values from {p.min()} to {p.max()}; "
            "binary_cross_entropy_with_logits takes raw scores"
        )
    with np.errstate(divide="ignore"):
        log_p, log_not_p = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
    losses = -(t * log_p + (1 - t) * log_not_p)

    def grad_fn(g):
        g = _spread(g, reduction, p.size)
        # PyTorch's floor on p (1 - p), 1e-12 in single precision, keeps the slope finite at p = 0 or 1.
        return g * (p - t) / np.maximum(p * (1 - p), np.float32(1e-12)), g * (log_not_p - log_p)

    return _result(_reduced(losses, reduction), (input, target), "binary_cross_entropy", grad_fn)


def binary_cross_entropy_with_logits(input, target, *, reduction="mean"):
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logit itself so it never overflows."""
    _check_elementwise("binary_cross_entropy_with_logits", input, target, reduction)
    z, t = input.data, target.data
    # log(1 + exp(z)) - z t, rewritten as max(z, 0) - z t + log(1 + exp(-|z|)): exp(-|z|) <= 1.
    e = np.exp(-np.abs(z))
    losses = np.maximum(z, 0) - z * t + np.log1p(e)

    def grad_fn(g):
        g = _spread(g, reduction, z.size)
        sigmoid = np.where(z >= 0, 1, e) / (1 + e)
        return g * (sigmoid - t), -g * z

    return _result(_reduced(losses, reduction), (input, target), "binary_cross_entropy_with_logits", grad_fn)


def _class_index(op, input, target, reduction):
    """The class axis of ``input`` and ``target`` as an index along it, once both are checked."""
    _check_reduction(op, reduction)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold class indices, an integer dtype such as int64, not {target.dtype}")
    axis = 1 if input.ndim > 1 else 0
    if input.ndim == 0 or target.shape != input.shape[:axis] + input.shape[axis + 1 :]:
        raise ValueError(
            f"{op}: target of shape {target.shape} does not fit input of shape {input.shape} "
            "(input (N, C) holds C class scores per sample, target (N,) one class index per sample)"
        )
    labels, classes = target.data, input.shape[axis]
    outside = (labels < 0) | (labels >= classes)
    if np.any(outside):
        raise IndexError(
            f"{op}: class label {labels[outside].flat[0]} is out of range for {classes} classes (0 to {classes - 1})"
        )
    return axis, np.expand_dims(labels, axis)


def cross_entropy(input, target, *, reduction="mean"):
    """Softmax cross-entropy, ``log_softmax`` and ``nll_loss`` fused into one node.

    ``input`` holds unnormalised class scores (logits), (N, C) or (C,) or (N, C, d1, ...), and
    ``target`` the class index of each sample, (N,) or () or (N, d1, ...).
    """
    axis, index = _class_index("cross_entropy", input, target, reduction)
    # Shifting by the largest logit keeps every exp <= 1 and changes nothing else: logits of 1e4 stay finite.
    shifted = input.data - input.data.max(axis=axis, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=axis, keepdims=True)
    losses = (np.log(total) - np.take_along_axis(shifted, index, axis)).squeeze(axis)

    def grad_fn(g):
        g = _spread(g, reduction, losses.size)
        # The slope of -log softmax(z)[target] is softmax(z) - one_hot(target).
        d_input = exp / total
        np.put_along_axis(d_input, index, np.take_along_axis(d_input, index, axis) - 1, axis)
        return ((np.expand_dims(g, axis) if reduction == "none" else g) * d_input,)

    return _result(_reduced(losses, reduction), (input,), "cross_entropy", grad_fn)


def nll_loss(input, target, *, reduction="mean"):
    """Negative log-likelihood ``-input[n, target[n]]``, for log-probabilities (``log_softmax``'s output)."""
    axis, index = _class_index("nll_loss", input, target, reduction)
    losses = -np.take_along_axis(input.data, index, axis).squeeze(axis)

    def grad_fn(g):
        g = _spread(g, reduction, losses.size)
        d_input = np.zeros_like(input.data)
        np.put_along_axis(d_input, index, -(np.expand_dims(g, axis) if reduction == "none" else g), axis)
        return (d_input,)

    return _result(_reduced(losses, reduction), (input,), "nll_loss", grad_fn)
