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


def leaky_relu(input, negative_slope=0.01):
    return input.leaky_relu(negative_slope)


def elu(input, alpha=1.0):
    return input.elu(alpha)


def selu(input):
    return input.selu()


def silu(input):
    return input.silu()


def softplus(input, beta=1.0, threshold=20.0):
    return input.softplus(beta, threshold)


def mish(input):
    return input.mish()


def hardtanh(input, min_val=-1.0, max_val=1.0):
    return input.hardtanh(min_val, max_val)


def relu6(input):
    return input.relu6()


def hardsigmoid(input):
    return input.hardsigmoid()


def hardswish(input):
    return input.hardswish()


def logsigmoid(input):
    return input.logsigmoid()


def softsign(input):
    return input.softsign()


def softmin(input, dim):
    return input.softmin(dim)


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


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Divide each sample by the root mean square over its last axes (``normalized_shape``), then scale
    by ``weight``. ``eps`` defaults to the dtype's machine epsilon, as in PyTorch."""
    op = "rms_norm"
    normalized_shape = _as_shape(normalized_shape)
    if not 0 < len(normalized_shape) <= input.ndim or input.shape[-len(normalized_shape) :] != normalized_shape:
        raise ValueError(f"{op}: input of shape {input.shape} does not end in normalized_shape {normalized_shape}")
    _check_shape(op, "weight", weight, normalized_shape, input)
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got {input.dtype}")
    axes = tuple(range(-len(normalized_shape), 0))
    a = input.data
    eps = np.finfo(a.dtype).eps if eps is None else eps
    inv_rms = 1 / np.sqrt((a * a).mean(axis=axes, keepdims=True) + eps)
    data = a * inv_rms

    def grad_fn(g):
        # Each x also moves the mean square: that path removes g's part along the output.
        return (inv_rms * (g - data * (g * data).mean(axis=axes, keepdims=True)),)

    out = _result(data, (input,), op, grad_fn)
    return out if weight is None else out * weight


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


def smooth_l1_loss(input, target, *, reduction="mean", beta=1.0):
    """Squared error ``0.5 d**2 / beta`` where ``|d| < beta``, absolute error ``|d| - 0.5 beta`` beyond:
    quadratic near the target, linear (robust to outliers) far from it; ``beta=0`` is ``l1_loss``."""
    return _smooth("smooth_l1_loss", input, target, reduction, beta, 1.0)


def huber_loss(input, target, *, reduction="mean", delta=1.0):
    """``delta * smooth_l1_loss`` with ``beta = delta``: ``0.5 d**2`` near the target, ``delta (|d| - 0.5 delta)``
    beyond, so its slope far away is ``delta``, not 1."""
    return _smooth("huber_loss", input, target, reduction, delta, delta)


def _smooth(op, input, target, reduction, beta, scale):
    _check_elementwise(op, input, target, reduction)
    if beta < 0:
        raise ValueError(f"{op}: {'beta' if op == 'smooth_l1_loss' else 'delta'} must be >= 0, got {beta}")
    diff = input.data - target.data
    size = np.abs(diff)
    near = size < beta
    with np.errstate(divide="ignore", invalid="ignore"):  # beta = 0 takes the linear branch everywhere
        losses = scale * np.where(near, 0.5 * diff * diff / beta, size - 0.5 * beta)

    def grad_fn(g):
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = scale * np.where(near, diff / beta, np.sign(diff))
        d_input = _spread(g, reduction, diff.size) * slope
        return d_input, -d_input

    return _result(_reduced(losses, reduction), (input, target), op, grad_fn)


def binary_cross_entropy(input, target, weight=None, *, reduction="mean"):
    """``-weight (t log p + (1 - t) log(1 - p))`` for probabilities ``p`` in [0, 1].

    As in PyTorch, each log is clamped at -100 so that p = 0 or 1 gives a finite loss, and
    ``weight`` (broadcast to the input) rescales each element; the mean is over the elements.
    """
    _check_elementwise("binary_cross_entropy", input, target, reduction)
    p, t = input.data, target.data
    if np.any((p < 0) | (p > 1)):
        raise ValueError(
            f"binary_cross_entropy: input must be probabilities in [0, 1], got values from {p.min()} to {p.max()}; "
            "binary_cross_entropy_with_logits takes raw scores"
        )
    w = 1 if weight is None else _weight_array("binary_cross_entropy", weight, p.shape, "weight")
    with np.errstate(divide="ignore"):
        log_p, log_not_p = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
    losses = -(t * log_p + (1 - t) * log_not_p) * w

    def grad_fn(g):
        g = _spread(g, reduction, p.size) * w
        # PyTorch's floor on p (1 - p), 1e-12 in single precision, keeps the slope finite at p = 0 or 1.
        return g * (p - t) / np.maximum(p * (1 - p), np.float32(1e-12)), g * (log_not_p - log_p)

    return _result(_reduced(losses, reduction), (input, target), "binary_cross_entropy", grad_fn)


def binary_cross_entropy_with_logits(input, target, weight=None, *, reduction="mean", pos_weight=None):
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logit itself so it never overflows.

    ``pos_weight`` multiplies the positive term, ``-pos_weight t log sigmoid(z)`` (one per class,
    broadcast along the last axis); ``weight`` rescales each element's loss.
    """
    op = "binary_cross_entropy_with_logits"
    _check_elementwise(op, input, target, reduction)
    z, t = input.data, target.data
    w = 1 if weight is None else _weight_array(op, weight, z.shape, "weight")
    # softplus(z) = log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)), and exp(-|z|) <= 1: no overflow.
    e = np.exp(-np.abs(z))
    if pos_weight is None:
        losses = (np.maximum(z, 0) - z * t + np.log1p(e)) * w
    else:
        softplus = np.maximum(z, 0) + np.log1p(e)  # -log(1 - sigmoid(z))
        pw = _weight_array(op, pos_weight, z.shape, "pos_weight")
        losses = (pw * t * (softplus - z) + (1 - t) * softplus) * w  # softplus(-z) = softplus(z) - z

    def grad_fn(g):
        g = _spread(g, reduction, z.size) * w
        sigmoid = np.where(z >= 0, 1, e) / (1 + e)
        if pos_weight is None:
            return g * (sigmoid - t), -g * z
        return g * ((1 - t) * sigmoid - pw * t * (1 - sigmoid)), g * (pw * (softplus - z) - softplus)

    return _result(_reduced(losses, reduction), (input, target), op, grad_fn)


def _weight_array(op, weight, shape, what):
    """``weight`` as an array that broadcasts to ``shape`` (the elements, or the classes)."""
    w = weight.data if hasattr(weight, "data") and not isinstance(weight, np.ndarray) else np.asarray(weight)
    try:
        np.broadcast_shapes(w.shape, shape)
    except ValueError:
        raise ValueError(f"{op}: {what} of shape {w.shape} does not broadcast to {shape}") from None
    return w


def _class_targets(op, input, target, weight, ignore_index, label_smoothing, reduction):
    """What a class-scores loss needs from its targets: the class axis, the coefficient of every
    log-probability in the loss (``losses = -(Q * logp).sum(axis)``), the divisor of the mean, and
    for class indices each sample's class (``index``, along the class axis) and weight. Without
    label smoothing Q is None: it would hold only those weights, at those classes, and gathering
    them is the faster way; the weights are None too when every one is 1.

    Class-index targets (an integer tensor without the class axis) put ``weight[y]`` on each
    sample's class; PyTorch's mean divides by the sum of those weights, so ignored samples
    (``ignore_index``) count in neither sum. Probability targets (floats shaped like ``input``)
    weigh every class; their mean divides by the number of samples. Label smoothing mixes each
    target with the uniform distribution: ``(1 - eps) target + eps / C``.
    """
    _check_reduction(op, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    axis = 1 if input.ndim > 1 else 0
    misfit = (
        f"{op}: target of shape {target.shape} does not fit input of shape {input.shape} "
        "(input (N, C) holds C class scores per sample, target (N,) one class index per sample)"
    )
    if input.ndim == 0:
        raise ValueError(misfit)
    classes = input.shape[axis]
    if weight is not None:
        w = weight.data if not isinstance(weight, np.ndarray) else weight
        if w.shape != (classes,):
            raise ValueError(
                f"{op}: weight of shape {w.shape} must hold one weight per class, ({classes},), "
                f"for input of shape {input.shape}"
            )
    along = (classes,) + (1,) * (input.ndim - axis - 1)  # the class weights, broadcast along the class axis
    if target.dtype.kind == "f":
        if target.shape == input.shape[:axis] + input.shape[axis + 1 :]:
            # Float labels, the common slip: Tensor(y) is float32, as torch.Tensor(y) is.
            raise TypeError(
                f"{op}: target must hold class indices, an integer dtype such as int64, not {target.dtype} "
                f"(or a probability per class, shaped like input {input.shape}); make labels with "
                "minigrad.tensor(y), which keeps integers int64 (Tensor(y) makes them float32), or convert with .long()"
            )
        if target.shape != input.shape:
            raise ValueError(
                f"{op}: probability targets of shape {target.shape} must have the shape of input, {input.shape} "
                "(class-index targets are an integer tensor without the class axis)"
            )
        q = target.data * (1 - label_smoothing) + label_smoothing / classes if label_smoothing else target.data
        if weight is not None:
            q = q * w.reshape(along)
        return axis, q, q.size // classes, None, None
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold class indices (an integer dtype such as int64) or probabilities, not {target.dtype}"
        )
    if target.shape != input.shape[:axis] + input.shape[axis + 1 :]:
        raise ValueError(misfit)
    labels = target.data
    outside = (labels < 0) | (labels >= classes)
    if weight is None and not label_smoothing and not 0 <= ignore_index < classes and not outside.any():
        # Every sample counts, with weight 1: the common case, as cheap as plain indexing.
        return axis, None, labels.size, np.expand_dims(labels, axis), None
    valid = labels != ignore_index
    outside &= valid
    if np.any(outside):
        raise IndexError(
            f"{op}: class label {labels[outside].flat[0]} is out of range for {classes} classes (0 to {classes - 1})"
        )
    index = np.expand_dims(np.where(valid, labels, 0), axis)
    if weight is None:
        per_sample = valid.astype(input.dtype)
    else:
        per_sample = np.where(valid, w.astype(input.dtype)[index.squeeze(axis)], 0)
    per_sample = np.expand_dims(per_sample, axis)
    if not label_smoothing:
        return axis, None, per_sample.sum(), index, per_sample
    spread = label_smoothing / classes * (1.0 if weight is None else w.astype(input.dtype).reshape(along))
    q = np.zeros(input.shape, dtype=input.dtype)
    q += np.expand_dims(valid, axis) * spread
    np.put_along_axis(q, index, np.take_along_axis(q, index, axis) + (1 - label_smoothing) * per_sample, axis)
    return axis, q, per_sample.sum(), index, per_sample


def _reduced_by(losses, reduction, divisor):
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    with np.errstate(divide="ignore", invalid="ignore"):  # every sample ignored: 0 / 0 is NaN, as in PyTorch
        return total / divisor


def _per_sample(g, reduction, divisor, axis):
    """The gradient arriving at each sample's loss, shaped to broadcast along the class axis."""
    if reduction == "none":
        return np.expand_dims(g, axis)
    if reduction == "sum":
        return g
    # Every sample ignored: the loss is NaN but no sample had a share in it, so, as in PyTorch,
    # each gradient is 0.
    return g / divisor if divisor else np.zeros_like(g)


def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy, ``log_softmax`` and ``nll_loss`` fused into one node.

    ``input`` holds unnormalised class scores (logits), (N, C) or (C,) or (N, C, d1, ...), and
    ``target`` either the class index of each sample, (N,) or () or (N, d1, ...), or a probability
    for every class, shaped like ``input``. ``weight`` (C,) rescales each class.
    """
    axis, q, divisor, index, per_sample = _class_targets(
        "cross_entropy", input, target, weight, ignore_index, label_smoothing, reduction
    )
    # Shifting by the largest logit keeps every exp <= 1 and changes nothing else: logits of 1e4 stay finite.
    shifted = input.data - input.data.max(axis=axis, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=axis, keepdims=True)
    log_total = np.log(total)
    if q is None:
        losses = log_total - np.take_along_axis(shifted, index, axis)
        losses = (losses if per_sample is None else losses * per_sample).squeeze(axis)
    else:
        log_p = shifted - log_total
        losses = -(q * log_p).sum(axis=axis)
    probability_targets = target.dtype.kind == "f"

    def grad_fn(g):
        g = _per_sample(g, reduction, divisor, axis)
        # The slope of -sum(q log softmax(z)) is softmax(z) sum(q) - q.
        if q is None:
            d_input = exp / total
            if per_sample is None:
                np.put_along_axis(d_input, index, np.take_along_axis(d_input, index, axis) - 1, axis)
            else:
                d_input *= per_sample
                np.put_along_axis(d_input, index, np.take_along_axis(d_input, index, axis) - per_sample, axis)
            return (g * d_input,)
        d_input = g * (exp / total * q.sum(axis=axis, keepdims=True) - q)
        if not probability_targets:
            return (d_input,)
        d_target = -g * (1 - label_smoothing) * log_p
        if weight is not None:
            w = weight.data if not isinstance(weight, np.ndarray) else weight
            d_target = d_target * w.reshape(q.shape[axis], *(1,) * (q.ndim - axis - 1))
        return d_input, d_target.astype(target.dtype, copy=False)

    # Class indices are no parents: the graph shows the one tensor a gradient can reach.
    parents = (input, target) if probability_targets else (input,)
    return _result(_reduced_by(losses, reduction, divisor), parents, "cross_entropy", grad_fn)


def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood ``-weight[y] input[n, y]`` with ``y = target[n]``, for log-probabilities
    (``log_softmax``'s output); the mean divides by the sum of the weights of the samples counted."""
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"nll_loss: target must hold class indices, an integer dtype such as int64, not {target.dtype}; "
            "make labels with minigrad.tensor(y) (Tensor(y) makes them float32) or convert with .long()"
        )
    axis, _, divisor, index, per_sample = _class_targets(
        "nll_loss", input, target, weight, ignore_index, 0.0, reduction
    )
    losses = -np.take_along_axis(input.data, index, axis)
    losses = (losses if per_sample is None else losses * per_sample).squeeze(axis)

    def grad_fn(g):
        d_input = np.zeros_like(input.data)
        share = -_per_sample(g, reduction, divisor, axis)
        np.put_along_axis(d_input, index, share if per_sample is None else share * per_sample, axis)
        return (d_input,)

    return _result(_reduced_by(losses, reduction, divisor), (input,), "nll_loss", grad_fn)


# Attention is built from the ops above and Tensor's own; it lives in its own file, as convolution does.
from minigrad.nn.attention import scaled_dot_product_attention  # noqa: E402, F401
