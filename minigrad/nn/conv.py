"""Convolution and pooling on (N, C, H, W) tensors, with PyTorch's names, semantics and reprs:
``conv2d`` (stride, padding including ``'same'``, dilation, groups), ``conv1d`` on (N, C, L),
``conv_transpose2d``, ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``, and their modules.

Each op is one graph node with its own gradient rule, built on three ideas:

im2col
    A strided view (``as_strided``) shows every kernel window of the padded input at once, without
    copying. Copying that view into a matrix per image, one row per output pixel and one column
    per weight, turns the whole convolution into one (batched) matrix product.
col2im
    The way back: each window's gradient is added onto the input positions the window covered.
    Windows overlap, so the contributions must add up; one strided slice per kernel offset (9 for
    a 3x3 kernel) adds them all at once, with no loop over pixels or batch items.
channels-last memory
    Inside, images are stored (N, H, W, C) in memory while keeping the (N, C, H, W) shape outside
    (the results are transposed views). Then a window's (kw, C) block is contiguous, so the copies
    above move long runs rather than single numbers, and conv -> relu -> pool -> conv never has to
    reorder its data. This is PyTorch's ``channels_last`` memory format.

Sections: arguments and shapes, windows, ops, modules.
"""

import math
import numbers
import operator

import numpy as np
from numpy.lib.stride_tricks import as_strided

from minigrad.nn.module import Module, Parameter
from minigrad.rng import as_generator
from minigrad.tensor import Tensor, _result, float32

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "Conv1d",
    "Conv2d",
    "ConvTranspose2d",
    "MaxPool2d",
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv_transpose2d",
    "max_pool2d",
]

# ---------------------------------------------------------------------- arguments and shapes


def _pair(op, name, value):
    """``3`` or ``(3, 3)`` as ``(3, 3)``; NumPy integers are welcome, floats and strings are not."""
    try:
        if isinstance(value, (tuple, list)):
            pair = tuple(operator.index(v) for v in value)
        else:
            pair = (operator.index(value),) * 2
    except TypeError:
        pair = ()
    if len(pair) != 2:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    return pair


def _positive(op, name, value):
    pair = _pair(op, name, value)
    if min(pair) <= 0:
        raise ValueError(f"{op}: {name} must be positive, got {pair}")
    return pair


def _geometry(op, kernel_size, stride, padding):
    """Kernel, stride and padding as checked pairs; a stride of None means the kernel size."""
    kernel = _positive(op, "kernel_size", kernel_size)
    stride = kernel if stride is None else _positive(op, "stride", stride)
    padding = _pair(op, "padding", padding)
    if min(padding) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {padding}")
    return kernel, stride, padding


def _pool_geometry(op, kernel_size, stride, padding):
    kernel, stride, padding = _geometry(op, kernel_size, stride, padding)
    # PyTorch's rule; among other things it keeps any window from lying wholly in the padding.
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding {padding} must be at most half of the kernel size {kernel}")
    return kernel, stride, padding


def _conv_padding(op, padding, kernel, stride, dilation):
    """``padding`` as ((top, bottom), (left, right)). ``'valid'`` is none; ``'same'`` keeps the
    size, putting the odd one of an even total at the bottom and right, as PyTorch does."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"{op}: padding must be 'valid', 'same', an int or a pair of ints, got {padding!r}")
        if stride != (1, 1):
            raise ValueError(f"{op}: padding='same' is not supported for strided convolutions (stride {stride})")
        totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return tuple((t // 2, t - t // 2) for t in totals)
    pair = _pair(op, "padding", padding)
    if min(pair) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {pair}")
    return tuple((p, p) for p in pair)


def _check_input(op, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim != 4:
        raise ValueError(f"{op}: expected a 4-D input (N, C, H, W), got shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got {input.dtype}")


def _output_size(op, shape, kernel, stride, pads, dilation=(1, 1), ceil_mode=False):
    """The output's (Ho, Wo) for input ``shape`` (N, C, H, W) and ``pads`` ((top, bottom), (left, right))."""
    padded = tuple(n + a + b for n, (a, b) in zip(shape[2:], pads))
    extent = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))
    if extent[0] > padded[0] or extent[1] > padded[1]:
        dilated = "" if dilation == (1, 1) else f" with dilation {dilation}"
        given = pads[0][0], pads[1][0]
        raise ValueError(
            f"{op}: kernel {kernel}{dilated} is larger than the padded input {padded} "
            f"(input of shape {shape} with padding {given if pads[0][0] == pads[0][1] and pads[1][0] == pads[1][1] else pads})"
        )
    sizes = []
    for n, p, e, s, (top, _) in zip(shape[2:], padded, extent, stride, pads):
        if ceil_mode:
            size = -(-(p - e) // s) + 1
            # PyTorch's rule: the last window must start inside the input or its left padding.
            if (size - 1) * s >= n + top:
                size -= 1
        else:
            size = (p - e) // s + 1
        sizes.append(size)
    return tuple(sizes)


# ---------------------------------------------------------------------- windows


def _padded_channels_last(x, pads, fill):
    """``x`` (N, C, H, W) as an (N, H, W, C) array with ``fill`` around it (``pads`` is ((top,
    bottom), (left, right))); a view if no padding."""
    x = x.transpose(0, 2, 3, 1)
    if pads == ((0, 0), (0, 0)):
        return x
    (n, h, w, c), ((top, bottom), (left, right)) = x.shape, pads
    padded = np.full((n, h + top + bottom, w + left + right, c), fill, dtype=x.dtype)
    padded[:, top : top + h, left : left + w] = x
    return padded


def _windows(x, kernel, stride, out_size, dilation=(1, 1)):
    """Every kernel window of the (N, H, W, C) array ``x`` as a view of shape (N, Ho, Wo, kh, kw, C):
    element [n, i, j, a, b, c] is x[n, i * sh + a * dh, j * sw + b * dw, c]. Nothing is copied."""
    n, _, _, c = x.shape
    s_n, s_h, s_w, s_c = x.strides
    shape = (n, *out_size, *kernel, c)
    strides = (s_n, s_h * stride[0], s_w * stride[1], s_h * dilation[0], s_w * dilation[1], s_c)
    return as_strided(x, shape, strides, writeable=False)


def _offset_major(windows):
    """The windows copied as (kh * kw, N, Ho, Wo, C): one contiguous block per kernel offset."""
    n, ho, wo, kh, kw, c = windows.shape
    return windows.transpose(3, 4, 0, 1, 2, 5).reshape(kh * kw, n, ho, wo, c)


def _col2im(window_grads, padded_shape, stride, pads, size, dilation=(1, 1)):
    """Add each window's gradient back where the window came from (the inverse of ``_windows``).

    ``window_grads`` is (kh, kw, N, Ho, Wo, C); the result is the input's gradient, (N, C, H, W).
    Each kernel offset adds a strided slice, so overlapping windows add up.
    """
    kh, kw, n, ho, wo, c = window_grads.shape
    (sh, sw), (dh, dw), ((top, _), (left, _)), (h, w) = stride, dilation, pads, size
    grad = np.zeros(padded_shape, dtype=window_grads.dtype)
    if (sh, sw) == (kh, kw) and (dh, dw) == (1, 1):
        # Windows side by side, as in the usual 2x2 pooling: they tile the input, so one reordering
        # copy puts them all back, about twice as fast as the adds.
        tiles = window_grads.transpose(2, 3, 0, 4, 1, 5).reshape(n, ho * kh, wo * kw, c)
        grad[:, : ho * kh, : wo * kw] = tiles
    else:
        for a in range(kh):
            for b in range(kw):
                rows, cols = slice(a * dh, a * dh + sh * ho, sh), slice(b * dw, b * dw + sw * wo, sw)
                grad[:, rows, cols] += window_grads[a, b]
    return grad[:, top : top + h, left : left + w].transpose(0, 3, 1, 2)


# ---------------------------------------------------------------------- ops


def _im2col(x, kernel, stride, out_size, dilation, groups):
    """The windows of the padded channels-last ``x`` as matrices: (N, Ho * Wo, kh * kw * C), or per
    group (G, N, Ho * Wo, kh * kw * C / G)."""
    n, (ho, wo), (kh, kw), c = len(x), out_size, kernel, x.shape[3]
    windows = _windows(x, kernel, stride, out_size, dilation)
    if groups > 1:
        per_group = windows.reshape(n, ho, wo, kh, kw, groups, c // groups).transpose(5, 0, 1, 2, 3, 4, 6)
        return per_group.reshape(groups, n, ho * wo, kh * kw * (c // groups))
    if wo > kw * c:
        # Copied column by column, so that each copy moves a run of wo positions rather than a
        # window's kw * c numbers (3 for a 3x3 kernel on 1-channel images); the matmul reads the
        # result transposed, at no cost.
        return windows.transpose(0, 3, 4, 5, 1, 2).reshape(n, kh * kw * c, ho * wo).transpose(0, 2, 1)
    return windows.reshape(n, ho * wo, kh * kw * c)


def _conv_products(cols, weight_data, groups):
    """The convolution's output rows, (N, Ho * Wo, O), from ``_im2col``'s matrices. The products are
    batched per image rather than one big matrix because OpenBLAS hands products above ~262k
    multiply-adds to several threads, which at these sizes costs far more than it saves (several
    times more on a busy machine)."""
    o, cg, kh, kw = weight_data.shape
    if groups == 1:
        return cols @ weight_data.transpose(0, 2, 3, 1).reshape(o, kh * kw * cg).T
    g, n, pixels, _ = cols.shape
    weight_matrices = weight_data.reshape(g, o // g, cg, kh, kw).transpose(0, 1, 3, 4, 2).reshape(g, 1, o // g, -1)
    out = cols @ weight_matrices.transpose(0, 1, 3, 2)
    return out.transpose(1, 2, 0, 3).reshape(n, pixels, o)


def _conv_input_grad(g_rows, weight_data, groups, out_size, padded_shape, stride, pads, size, dilation):
    """The gradient of the convolution's input from its output's, ``g_rows`` (N * Ho * Wo, O).

    Per kernel offset, one batched product gives every window's gradient at that offset, (N, Ho,
    Wo, C), and a strided slice adds it where those windows lie (col2im, one offset at a time):
    nothing holds all kh * kw offsets at once, and no product is large enough for OpenBLAS to
    split it across threads.
    """
    o, cg, kh, kw = weight_data.shape
    n, c = padded_shape[0], padded_shape[3]
    (ho, wo), (sh, sw), (dh, dw), ((top, _), (left, _)), (h, w) = out_size, stride, dilation, pads, size
    grad = np.zeros(padded_shape, dtype=g_rows.dtype)
    if groups == 1:
        rows = g_rows.reshape(n, ho * wo, o)
        # (kh, kw, O, C), so that each offset's (O, C) matrix is contiguous for BLAS.
        weights = np.ascontiguousarray(weight_data.transpose(2, 3, 0, 1))
        window_grad = np.empty((n, ho * wo, c), dtype=g_rows.dtype)
    else:
        rows = g_rows.reshape(n, ho * wo, groups, o // groups).transpose(2, 0, 1, 3)
        weights = weight_data.reshape(groups, 1, o // groups, cg, kh, kw)
    for a in range(kh):
        for b in range(kw):
            if groups == 1:
                np.matmul(rows, weights[a, b], out=window_grad)
            else:
                window_grad = (rows @ weights[..., a, b]).transpose(1, 2, 0, 3)
            covered = grad[:, a * dh : a * dh + sh * ho : sh, b * dw : b * dw + sw * wo : sw]
            covered += window_grad.reshape(n, ho, wo, c)
    return grad[:, top : top + h, left : left + w].transpose(0, 3, 1, 2)


def _conv_weight_grad(g_rows, cols, weight_shape, groups):
    """The gradient of the convolution's weight from its output's, ``g_rows`` (N * Ho * Wo, O)."""
    o, cg, kh, kw = weight_shape
    if groups == 1:
        n, pixels = cols.shape[:2]
        per_image = g_rows.reshape(n, pixels, o).transpose(0, 2, 1) @ cols
        return np.ascontiguousarray(per_image.sum(axis=0).reshape(o, kh, kw, cg).transpose(0, 3, 1, 2))
    g, n, pixels, _ = cols.shape
    rows = g_rows.reshape(n, pixels, g, o // g).transpose(2, 0, 3, 1)
    per_image = (rows @ cols).sum(axis=1)
    return np.ascontiguousarray(per_image.reshape(o, kh, kw, cg).transpose(0, 3, 1, 2))


def _bias_grad(g_rows):
    # A vector-matrix product: NumPy's sum down the long first axis is many times slower.
    return np.ones(len(g_rows), dtype=g_rows.dtype) @ g_rows


def _check_conv_operands(op, input, weight, bias, groups, transposed=False):
    """Types, shapes and dtypes of a convolution's operands; ``groups`` must divide the channels."""
    _check_input(op, input)
    for name, other in (("weight", weight), ("bias", bias)):
        if other is not None and not isinstance(other, Tensor):
            raise TypeError(f"{op}: expected a Tensor {name}, got {type(other).__name__}")
    if not isinstance(groups, numbers.Integral) or groups <= 0:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    layout = "(in_channels, out_channels / groups, kH, kW)" if transposed else "(out_channels, in_channels / groups, kH, kW)"
    if weight.ndim != 4:
        raise ValueError(f"{op}: expected a 4-D weight {layout}, got shape {weight.shape}")
    c, (o, weight_channels) = input.shape[1], weight.shape[:2]
    expected = o if transposed else weight_channels * groups
    if expected != c:
        raise ValueError(
            f"{op}: input of shape {input.shape} has {c} channels, "
            f"but weight of shape {weight.shape} expects {expected}" + (f" (groups={groups})" if groups > 1 else "")
        )
    if (o if not transposed else c) % groups:
        raise ValueError(f"{op}: {'out' if not transposed else 'in'}_channels {o} must be divisible by groups={groups}")
    out_channels = weight_channels * groups if transposed else o
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(
            f"{op}: bias must have shape ({out_channels},) to match weight of shape {weight.shape}, got {bias.shape}"
        )
    for name, other in (("weight", weight), ("bias", bias)):
        if other is not None and other.dtype != input.dtype:
            raise TypeError(f"{op}: input is {input.dtype} but {name} is {other.dtype}; convert one with .to()")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d``: input (N, C, H, W), weight
    (O, C / groups, kh, kw), bias (O,) or None; the output is (N, O, Ho, Wo). ``padding`` may be
    ``'same'`` or ``'valid'``; ``groups`` splits the channels into that many separate convolutions."""
    _check_conv_operands("conv2d", input, weight, bias, groups)
    n, c, h, w = input.shape
    o, _, kh, kw = weight.shape
    kernel, stride, _ = _geometry("conv2d", (kh, kw), stride, 0)
    dilation = _positive("conv2d", "dilation", dilation)
    pads = _conv_padding("conv2d", padding, kernel, stride, dilation)
    ho, wo = _output_size("conv2d", input.shape, kernel, stride, pads, dilation)

    x = _padded_channels_last(input.data, pads, 0)
    padded_shape = x.shape
    cols = _im2col(x, kernel, stride, (ho, wo), dilation, groups)
    weight_data = weight.data
    out = _conv_products(cols, weight_data, groups)
    if bias is not None:
        out += bias.data
    data = out.reshape(n, ho, wo, o).transpose(0, 3, 1, 2)
    needs_input, needs_weight = input.requires_grad, weight.requires_grad
    needs_bias = bias is not None and bias.requires_grad

    def grad_fn(g):
        g_rows = g.transpose(0, 2, 3, 1).reshape(n * ho * wo, o)
        d_input = d_weight = d_bias = None
        if needs_input:
            d_input = _conv_input_grad(g_rows, weight_data, groups, (ho, wo), padded_shape, stride, pads, (h, w), dilation)
        if needs_weight:
            d_weight = _conv_weight_grad(g_rows, cols, weight_data.shape, groups)
        if needs_bias:
            d_bias = _bias_grad(g_rows)
        return (d_input, d_weight) if bias is None else (d_input, d_weight, d_bias)

    parents = (input, weight) if bias is None else (input, weight, bias)
    return _result(data, parents, "conv2d", grad_fn)


def _single(op, name, value):
    """``3`` or ``(3,)`` as ``(3,)``, for conv1d."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise TypeError(f"{op}: {name} must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    try:
        return (operator.index(value),)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int or a 1-tuple, got {value!r}") from None


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation, as ``torch.nn.functional.conv1d``: input (N, C, L), weight
    (O, C / groups, k). It is conv2d on images one pixel high."""
    if not isinstance(input, Tensor) or input.ndim != 3:
        raise ValueError(f"conv1d: expected a 3-D input (N, C, L), got {getattr(input, 'shape', type(input).__name__)}")
    if not isinstance(weight, Tensor) or weight.ndim != 3:
        raise ValueError(
            f"conv1d: expected a 3-D weight (out_channels, in_channels / groups, k), got {getattr(weight, 'shape', weight)}"
        )
    if weight.shape[1] * groups != input.shape[1]:
        raise ValueError(
            f"conv1d: input of shape {input.shape} has {input.shape[1]} channels, "
            f"but weight of shape {weight.shape} expects {weight.shape[1] * groups}"
        )
    stride, dilation = _single("conv1d", "stride", stride), _single("conv1d", "dilation", dilation)
    padding = padding if isinstance(padding, str) else (0, *_single("conv1d", "padding", padding))
    out = conv2d(input.unsqueeze(2), weight.unsqueeze(2), bias, (1, *stride), padding, (1, *dilation), groups)
    return out.squeeze(2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The transposed convolution, as ``torch.nn.functional.conv_transpose2d``: input (N, C, H, W),
    weight (C, O / groups, kh, kw); the output (N, O, Ho, Wo) has Ho = (H - 1) * sh - 2 * ph +
    dh * (kh - 1) + output_padding + 1. It is conv2d's input gradient taken as a forward pass, so
    its own gradients are conv2d's forward (for the input) and conv2d's weight gradient."""
    op = "conv_transpose2d"
    _check_conv_operands(op, input, weight, bias, groups, transposed=True)
    n, c, h, w = input.shape
    _, og, kh, kw = weight.shape
    kernel, stride, padding = _geometry(op, (kh, kw), stride, padding)
    dilation = _positive(op, "dilation", dilation)
    extra = _pair(op, "output_padding", output_padding)
    if any(not 0 <= e < max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"{op}: output_padding {extra} must be non-negative and smaller than stride {stride} or dilation {dilation}")
    size = tuple((i - 1) * s - 2 * p + d * (k - 1) + e + 1 for i, s, p, d, k, e in zip((h, w), stride, padding, dilation, kernel, extra))
    if min(size) <= 0:
        raise ValueError(f"{op}: the output size {size} would not be positive (input of shape {input.shape}, padding {padding})")
    pads = tuple((p, p) for p in padding)
    o = og * groups
    padded_shape = (n, size[0] + 2 * padding[0], size[1] + 2 * padding[1], o)
    rows = input.data.transpose(0, 2, 3, 1).reshape(n * h * w, c)
    weight_data = weight.data
    data = _conv_input_grad(rows, weight_data, groups, (h, w), padded_shape, stride, pads, size, dilation)
    if bias is not None:
        data = data + bias.data.reshape(1, o, 1, 1)
    needs_input, needs_weight = input.requires_grad, weight.requires_grad
    needs_bias = bias is not None and bias.requires_grad

    def grad_fn(g):
        d_input = d_weight = d_bias = None
        g_rows = g.transpose(0, 2, 3, 1).reshape(-1, o)
        if needs_input or needs_weight:
            cols = _im2col(_padded_channels_last(g, pads, 0), kernel, stride, (h, w), dilation, groups)
        if needs_input:
            d_input = _conv_products(cols, weight_data, groups).reshape(n, h, w, c).transpose(0, 3, 1, 2)
        if needs_weight:
            d_weight = _conv_weight_grad(rows, cols, weight_data.shape, groups)
        if needs_bias:
            d_bias = _bias_grad(g_rows)
        return (d_input, d_weight) if bias is None else (d_input, d_weight, d_bias)

    parents = (input, weight) if bias is None else (input, weight, bias)
    return _result(data, parents, op, grad_fn)


def _pool_pads(op, shape, kernel, stride, padding, dilation, ceil_mode):
    """Output size and ((top, bottom), (left, right)) padding of a pool; ``ceil_mode`` windows that
    run past the padded input get extra padding at the bottom and right."""
    pads = tuple((p, p) for p in padding)
    out = _output_size(op, shape, kernel, stride, pads, dilation, ceil_mode)
    grown = []
    for n, o, s, d, k, p in zip(shape[2:], out, stride, dilation, kernel, padding):
        grown.append((p, max(p, (o - 1) * s + d * (k - 1) + 1 - n - p)))
    return out, tuple(grown)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The largest value of each window, as ``torch.nn.functional.max_pool2d``; padding is -inf.
    Its gradient goes to the first position holding the maximum, as in PyTorch. With
    ``return_indices``, also the position of that maximum in each flattened H * W input plane."""
    _check_input("max_pool2d", input)
    kernel, stride, padding = _pool_geometry("max_pool2d", kernel_size, stride, padding)
    dilation = _positive("max_pool2d", "dilation", dilation)
    (ho, wo), pads = _pool_pads("max_pool2d", input.shape, kernel, stride, padding, dilation, ceil_mode)
    x = _padded_channels_last(input.data, pads, -np.inf)
    windows = _windows(x, kernel, stride, (ho, wo), dilation)
    # One (N, Ho, Wo, C) view per kernel offset: the maximum is a running np.maximum over them,
    # with no copy of the windows.
    offsets = [windows[:, :, :, a, b] for a in range(kernel[0]) for b in range(kernel[1])]
    best = offsets[0].copy()
    for view in offsets[1:]:
        np.maximum(best, view, out=best)

    def first_hits():
        """Per offset, where it holds its window's first maximum (a window's NaN is its maximum, as
        in PyTorch): ties must not share the gradient."""
        has_nan, taken = np.isnan(best).any(), None
        for view in offsets:
            hit = view == best
            if has_nan:
                hit |= np.isnan(view)
            yield hit if taken is None else hit & ~taken
            taken = hit if taken is None else taken | hit

    def grad_fn(g):
        g = g.transpose(0, 2, 3, 1)
        tiled = stride == kernel and dilation == (1, 1) and pads == ((0, 0), (0, 0))
        if tiled:
            # Windows side by side (the usual 2x2 pooling) write each input position at most once,
            # straight into the input's gradient, laid out as the input is.
            covers = (ho * kernel[0], wo * kernel[1]) == input.shape[2:]
            grad = np.empty_like(input.data) if covers else np.zeros_like(input.data)
            padded = grad.transpose(0, 2, 3, 1)
        else:
            padded = np.zeros(x.shape, dtype=x.dtype)
        for (a, b), first in zip(np.ndindex(*kernel), first_hits()):
            rows = slice(a * dilation[0], a * dilation[0] + stride[0] * ho, stride[0])
            cols = slice(b * dilation[1], b * dilation[1] + stride[1] * wo, stride[1])
            if tiled:
                np.multiply(g, first, out=padded[:, rows, cols])
            else:
                padded[:, rows, cols] += g * first
        if tiled:
            return (grad,)
        (top, _), (left, _) = pads
        return (padded[:, top : top + input.shape[2], left : left + input.shape[3]].transpose(0, 3, 1, 2),)

    out = _result(best.transpose(0, 3, 1, 2), (input,), "max_pool2d", grad_fn)
    if not return_indices:
        return out
    offset = sum(k * first for k, first in enumerate(first_hits()))  # (N, Ho, Wo, C)
    a, b = np.divmod(offset, kernel[1])
    rows = np.arange(ho).reshape(1, ho, 1, 1) * stride[0] + a * dilation[0] - padding[0]
    columns = np.arange(wo).reshape(1, 1, wo, 1) * stride[1] + b * dilation[1] - padding[1]
    indices = (rows * input.shape[3] + columns).astype(np.int64).transpose(0, 3, 1, 2)
    return out, Tensor(indices, dtype=np.int64)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    """The mean of each window, as ``torch.nn.functional.avg_pool2d``. The padding counts as zeros
    in the mean unless ``count_include_pad=False``; windows ``ceil_mode`` adds past the padding
    count only what they cover, as in PyTorch; ``divisor_override`` replaces the count."""
    _check_input("avg_pool2d", input)
    kernel, stride, padding = _pool_geometry("avg_pool2d", kernel_size, stride, padding)
    (ho, wo), pads = _pool_pads("avg_pool2d", input.shape, kernel, stride, padding, (1, 1), ceil_mode)
    x = _padded_channels_last(input.data, pads, 0)
    padded_shape, (n, c, *size) = x.shape, input.shape
    if divisor_override is not None:
        if not isinstance(divisor_override, numbers.Integral) or divisor_override <= 0:
            raise ValueError(f"avg_pool2d: divisor_override must be a positive int, got {divisor_override!r}")
        divisor = divisor_override
    elif count_include_pad and not ceil_mode:
        divisor = kernel[0] * kernel[1]
    else:
        # How many counted positions each window covers: the input (and its padding, if counted)
        # marked with ones in a padded map, pooled by sums.
        counted = np.zeros((1, *padded_shape[1:3], 1), dtype=x.dtype)
        (top, _), (left, _) = pads
        if count_include_pad:
            counted[:, : size[0] + 2 * top, : size[1] + 2 * left] = 1
        else:
            counted[:, top : top + size[0], left : left + size[1]] = 1
        divisor = _offset_major(_windows(counted, kernel, stride, (ho, wo))).sum(axis=0)
    data = _offset_major(_windows(x, kernel, stride, (ho, wo))).sum(axis=0) / divisor

    def grad_fn(g):
        share = g.transpose(0, 2, 3, 1) / divisor
        window_grads = np.broadcast_to(share, (*kernel, n, ho, wo, c))
        return (_col2im(window_grads, padded_shape, stride, pads, size),)

    return _result(data.astype(x.dtype, copy=False).transpose(0, 3, 1, 2), (input,), "avg_pool2d", grad_fn)


def _adaptive_matrix(n, size, dtype):
    """The (size, n) matrix whose row i averages input positions floor(i n / size) to ceil((i + 1) n / size)."""
    matrix = np.zeros((size, n), dtype=dtype)
    for i in range(size):
        start, end = (i * n) // size, -(-((i + 1) * n) // size)
        matrix[i, start:end] = 1 / (end - start)
    return matrix


def adaptive_avg_pool2d(input, output_size):
    """Averages over windows chosen to give an (N, C, *output_size) output from any input size, as
    ``torch.nn.functional.adaptive_avg_pool2d``; None in ``output_size`` keeps that size. The
    windows along each axis form a matrix, so the op is two matrix products, and so is its gradient."""
    if not isinstance(input, Tensor) or input.ndim not in (3, 4):
        raise ValueError(f"adaptive_avg_pool2d: expected a 3-D or 4-D input, got {getattr(input, 'shape', type(input).__name__)}")
    if input.dtype.kind != "f":
        raise TypeError(f"adaptive_avg_pool2d: expected a floating-point input, got {input.dtype}")
    h, w = input.shape[-2:]
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    sizes = tuple(n if s is None else s for s, n in zip(sizes, (h, w)))
    if len(sizes) != 2 or not all(isinstance(s, numbers.Integral) and s > 0 for s in sizes):
        raise ValueError(f"adaptive_avg_pool2d: output_size must be a positive int or a pair of them, got {output_size!r}")
    rows, columns = _adaptive_matrix(h, sizes[0], input.dtype), _adaptive_matrix(w, sizes[1], input.dtype)

    def grad_fn(g):
        return (rows.T @ g @ columns,)

    return _result(rows @ input.data @ columns.T, (input,), "adaptive_avg_pool2d", grad_fn)


# ---------------------------------------------------------------------- modules


def _padding_mode(op, padding_mode):
    if padding_mode != "zeros":
        raise ValueError(f"{op}: only padding_mode='zeros' is available, got {padding_mode!r}; pad with F.pad first")


class _ConvNd(Module):
    """What the convolution layers share: PyTorch's initialisation (weight and then bias uniform in
    ±1/sqrt(fan_in), Kaiming-uniform with a = sqrt(5)) and PyTorch's repr."""

    def _build(self, op, in_channels, out_channels, kernel_size, weight_shape, fan_in, bias, groups, dtype, generator):
        for name, count in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(count, numbers.Integral) or count <= 0:
                raise ValueError(f"{op}: {name} must be a positive int, got {count!r}")
        if not isinstance(groups, numbers.Integral) or groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{op}: groups={groups!r} must be a positive int dividing in_channels and out_channels")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        rng = as_generator(generator)
        bound = 1 / math.sqrt(fan_in)
        self.weight = Parameter(rng.uniform(-bound, bound, weight_shape).astype(dtype))
        self.bias = Parameter(rng.uniform(-bound, bound, out_channels).astype(dtype)) if bias else None

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        zeros = (0,) * len(self.kernel_size)
        if self.padding != zeros:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.kernel_size):
            text += f", dilation={self.dilation}"
        if getattr(self, "output_padding", zeros) != zeros:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(_ConvNd):
    """A 2-D convolution layer (``conv2d``), arguments and initialisation as PyTorch's."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        dtype=float32,
        generator=None,
    ):
        super().__init__()
        _padding_mode("Conv2d", padding_mode)
        kernel, self.stride, _ = _geometry("Conv2d", kernel_size, stride, 0)
        self.kernel_size, self.dilation = kernel, _positive("Conv2d", "dilation", dilation)
        _conv_padding("Conv2d", padding, kernel, self.stride, self.dilation)
        self.padding = padding if isinstance(padding, str) else _pair("Conv2d", "padding", padding)
        per_group = in_channels // groups if isinstance(groups, numbers.Integral) and groups > 0 else in_channels
        self._build("Conv2d", in_channels, out_channels, kernel_size, (out_channels, per_group, *kernel),
                    per_group * kernel[0] * kernel[1], bias, groups, dtype, generator)

    def forward(self, input):
        return conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """A 1-D convolution layer (``conv1d``) on (N, C, L), arguments and initialisation as PyTorch's."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        dtype=float32,
        generator=None,
    ):
        super().__init__()
        _padding_mode("Conv1d", padding_mode)
        self.kernel_size = _single("Conv1d", "kernel_size", kernel_size)
        self.stride = _single("Conv1d", "stride", stride)
        self.dilation = _single("Conv1d", "dilation", dilation)
        for name, value in (("kernel_size", self.kernel_size), ("stride", self.stride), ("dilation", self.dilation)):
            if value[0] <= 0:
                raise ValueError(f"Conv1d: {name} must be positive, got {value}")
        self.padding = padding if isinstance(padding, str) else _single("Conv1d", "padding", padding)
        _conv_padding("Conv1d", padding if isinstance(padding, str) else (0, self.padding[0]),
                      (1, *self.kernel_size), (1, *self.stride), (1, *self.dilation))
        per_group = in_channels // groups if isinstance(groups, numbers.Integral) and groups > 0 else in_channels
        self._build("Conv1d", in_channels, out_channels, kernel_size, (out_channels, per_group, *self.kernel_size),
                    per_group * self.kernel_size[0], bias, groups, dtype, generator)

    def forward(self, input):
        return conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """A transposed 2-D convolution layer (``conv_transpose2d``); its weight is (in_channels,
    out_channels / groups, kh, kw) and its fan-in, as in PyTorch, counts out_channels / groups."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        bias=True,
        dilation=1,
        padding_mode="zeros",
        dtype=float32,
        generator=None,
    ):
        super().__init__()
        _padding_mode("ConvTranspose2d", padding_mode)
        self.kernel_size, self.stride, self.padding = _geometry("ConvTranspose2d", kernel_size, stride, padding)
        self.dilation = _positive("ConvTranspose2d", "dilation", dilation)
        self.output_padding = _pair("ConvTranspose2d", "output_padding", output_padding)
        per_group = out_channels // groups if isinstance(groups, numbers.Integral) and groups > 0 else out_channels
        kernel = self.kernel_size
        self._build("ConvTranspose2d", in_channels, out_channels, kernel_size, (in_channels, per_group, *kernel),
                    per_group * kernel[0] * kernel[1], bias, groups, dtype, generator)

    def forward(self, input):
        return conv_transpose2d(
            input, self.weight, self.bias, self.stride, self.padding, self.output_padding, self.groups, self.dilation
        )


class MaxPool2d(Module):
    """``max_pool2d`` as a layer. Arguments are kept as given, so the repr is PyTorch's."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        _pool_geometry("MaxPool2d", kernel_size, stride, padding)
        _positive("MaxPool2d", "dilation", dilation)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return max_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )

    def extra_repr(self):
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """``avg_pool2d`` as a layer. Arguments are kept as given, so the repr is PyTorch's."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
        super().__init__()
        _pool_geometry("AvgPool2d", kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, input):
        return avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad, self.divisor_override
        )

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """``adaptive_avg_pool2d`` as a layer."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"
