"""Convolution and pooling on (N, C, H, W) tensors: ``conv2d``, ``max_pool2d``, ``avg_pool2d`` and
their modules ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, with PyTorch's names, semantics and reprs.

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

__all__ = ["AvgPool2d", "Conv2d", "MaxPool2d", "avg_pool2d", "conv2d", "max_pool2d"]

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


def _geometry(op, kernel_size, stride, padding):
    """Kernel, stride and padding as checked pairs; a stride of None means the kernel size."""
    kernel = _pair(op, "kernel_size", kernel_size)
    stride = kernel if stride is None else _pair(op, "stride", stride)
    padding = _pair(op, "padding", padding)
    if min(kernel) <= 0:
        raise ValueError(f"{op}: kernel_size must be positive, got {kernel}")
    if min(stride) <= 0:
        raise ValueError(f"{op}: stride must be positive, got {stride}")
    if min(padding) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {padding}")
    return kernel, stride, padding


def _pool_geometry(op, kernel_size, stride, padding):
    kernel, stride, padding = _geometry(op, kernel_size, stride, padding)
    # PyTorch's rule; among other things it keeps any window from lying wholly in the padding.
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding {padding} must be at most half of the kernel size {kernel}")
    return kernel, stride, padding


def _check_input(op, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim != 4:
        raise ValueError(f"{op}: expected a 4-D input (N, C, H, W), got shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got {input.dtype}")


def _output_size(op, shape, kernel, stride, padding):
    padded = (shape[2] + 2 * padding[0], shape[3] + 2 * padding[1])
    if kernel[0] > padded[0] or kernel[1] > padded[1]:
        raise ValueError(
            f"{op}: kernel {kernel} is larger than the padded input {padded} "
            f"(input of shape {shape} with padding {padding})"
        )
    return (padded[0] - kernel[0]) // stride[0] + 1, (padded[1] - kernel[1]) // stride[1] + 1


# ---------------------------------------------------------------------- windows


def _padded_channels_last(x, padding, fill):
    """``x`` (N, C, H, W) as an (N, H, W, C) array with ``fill`` around it; a view if no padding."""
    x = x.transpose(0, 2, 3, 1)
    if padding == (0, 0):
        return x
    (n, h, w, c), (ph, pw) = x.shape, padding
    padded = np.full((n, h + 2 * ph, w + 2 * pw, c), fill, dtype=x.dtype)
    padded[:, ph : ph + h, pw : pw + w] = x
    return padded


def _windows(x, kernel, stride, out_size):
    """Every kernel window of the (N, H, W, C) array ``x`` as a view of shape (N, Ho, Wo, kh, kw, C):
    element [n, i, j, a, b, c] is x[n, i * sh + a, j * sw + b, c]. Nothing is copied."""
    n, _, _, c = x.shape
    s_n, s_h, s_w, s_c = x.strides
    shape = (n, *out_size, *kernel, c)
    strides = (s_n, s_h * stride[0], s_w * stride[1], s_h, s_w, s_c)
    return as_strided(x, shape, strides, writeable=False)


def _offset_major(windows):
    """The windows copied as (kh * kw, N, Ho, Wo, C): one contiguous block per kernel offset."""
    n, ho, wo, kh, kw, c = windows.shape
    return windows.transpose(3, 4, 0, 1, 2, 5).reshape(kh * kw, n, ho, wo, c)


def _col2im(window_grads, padded_shape, stride, padding, size):
    """Add each window's gradient back where the window came from (the inverse of ``_windows``).

    ``window_grads`` is (kh, kw, N, Ho, Wo, C); the result is the input's gradient, (N, C, H, W).
    Each kernel offset adds a strided slice, so overlapping windows add up.
    """
    kh, kw, n, ho, wo, c = window_grads.shape
    (sh, sw), (ph, pw), (h, w) = stride, padding, size
    grad = np.zeros(padded_shape, dtype=window_grads.dtype)
    if (sh, sw) == (kh, kw):
        # Windows side by side, as in the usual 2x2 pooling: they tile the input, so one reordering
        # copy puts them all back, about twice as fast as the adds.
        tiles = window_grads.transpose(2, 3, 0, 4, 1, 5).reshape(n, ho * kh, wo * kw, c)
        grad[:, : ho * kh, : wo * kw] = tiles
    else:
        for a in range(kh):
            for b in range(kw):
                grad[:, a : a + sh * ho : sh, b : b + sw * wo : sw] += window_grads[a, b]
    return grad[:, ph : ph + h, pw : pw + w].transpose(0, 3, 1, 2)


# ---------------------------------------------------------------------- ops


def conv2d(input, weight, bias=None, stride=1, padding=0):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d``: input (N, C, H, W), weight
    (O, C, kh, kw), bias (O,) or None; the output is (N, O, Ho, Wo)."""
    _check_input("conv2d", input)
    for name, other in (("weight", weight), ("bias", bias)):
        if other is not None and not isinstance(other, Tensor):
            raise TypeError(f"conv2d: expected a Tensor {name}, got {type(other).__name__}")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: expected a 4-D weight (out_channels, in_channels, kH, kW), got shape {weight.shape}")
    n, c, h, w = input.shape
    o, weight_channels, kh, kw = weight.shape
    if weight_channels != c:
        raise ValueError(
            f"conv2d: input of shape {input.shape} has {c} channels, "
            f"but weight of shape {weight.shape} expects {weight_channels}"
        )
    if bias is not None and bias.shape != (o,):
        raise ValueError(
            f"conv2d: bias must have shape ({o},) to match weight of shape {weight.shape}, got {bias.shape}"
        )
    for name, other in (("weight", weight), ("bias", bias)):
        if other is not None and other.dtype != input.dtype:
            raise TypeError(f"conv2d: input is {input.dtype} but {name} is {other.dtype}; convert one with .to()")
    kernel, stride, padding = _geometry("conv2d", (kh, kw), stride, padding)
    ho, wo = _output_size("conv2d", input.shape, kernel, stride, padding)

    x = _padded_channels_last(input.data, padding, 0)
    padded_shape = x.shape
    # im2col: per image, one row per output pixel (i, j), one column per weight (a, b, c). The
    # products below are batched per image rather than one big matrix because OpenBLAS hands
    # products above ~262k multiply-adds to several threads, which at these sizes costs far more
    # than it saves (several times more on a busy machine).
    windows = _windows(x, kernel, stride, (ho, wo))
    if wo > kw * c:
        # Copied column by column, so that each copy moves a run of wo positions rather than a
        # window's kw * c numbers (3 for a 3x3 kernel on 1-channel images); the matmul reads the
        # result transposed, at no cost.
        cols = windows.transpose(0, 3, 4, 5, 1, 2).reshape(n, kh * kw * c, ho * wo).transpose(0, 2, 1)
    else:
        cols = windows.reshape(n, ho * wo, kh * kw * c)
    weight_data = weight.data
    weight_matrix = weight_data.transpose(0, 2, 3, 1).reshape(o, kh * kw * c)
    out = cols @ weight_matrix.T
    if bias is not None:
        out += bias.data
    data = out.reshape(n, ho, wo, o).transpose(0, 3, 1, 2)
    needs_input, needs_weight = input.requires_grad, weight.requires_grad
    needs_bias = bias is not None and bias.requires_grad

    def grad_fn(g):
        g_rows = g.transpose(0, 2, 3, 1).reshape(n * ho * wo, o)
        d_input = d_weight = d_bias = None
        if needs_input:
            # A matrix per kernel offset and image (kh * kw * n small products in one matmul call):
            # each offset's gradients come out as one contiguous block for col2im's strided adds,
            # and no product is large enough for OpenBLAS to split it across threads, which costs
            # far more than it saves on a busy machine.
            weight_per_offset = weight_data.transpose(2, 3, 0, 1).reshape(kh * kw, 1, o, c)
            per_image_rows = g_rows.reshape(1, n, ho * wo, o)
            window_grads = (per_image_rows @ weight_per_offset).reshape(kh, kw, n, ho, wo, c)
            d_input = _col2im(window_grads, padded_shape, stride, padding, (h, w))
        if needs_weight:
            per_image = g_rows.reshape(n, ho * wo, o).transpose(0, 2, 1) @ cols
            d_weight = np.ascontiguousarray(per_image.sum(axis=0).reshape(o, kh, kw, c).transpose(0, 3, 1, 2))
        if needs_bias:
            # A vector-matrix product: NumPy's sum down the long first axis is many times slower.
            d_bias = np.ones(len(g_rows), dtype=g_rows.dtype) @ g_rows
        return (d_input, d_weight) if bias is None else (d_input, d_weight, d_bias)

    parents = (input, weight) if bias is None else (input, weight, bias)
    return _result(data, parents, "conv2d", grad_fn)


def max_pool2d(input, kernel_size, stride=None, padding=0):
    """The largest value of each window, as ``torch.nn.functional.max_pool2d``; padding is -inf.
    Its gradient goes to the first position holding the maximum, as in PyTorch."""
    _check_input("max_pool2d", input)
    kernel, stride, padding = _pool_geometry("max_pool2d", kernel_size, stride, padding)
    ho, wo = _output_size("max_pool2d", input.shape, kernel, stride, padding)
    x = _padded_channels_last(input.data, padding, -np.inf)
    padded_shape, size = x.shape, input.shape[2:]
    cols = _offset_major(_windows(x, kernel, stride, (ho, wo)))
    best = cols.max(axis=0)

    def grad_fn(g):
        hits = cols == best
        if np.isnan(best).any():
            hits |= np.isnan(cols)  # a window's NaN is its maximum, as in PyTorch
        # Ties must not share the gradient: rank the offsets k, k-1, ..., 1 so that the first hit
        # of each window has the highest rank, and keep only that one.
        k = len(cols)
        ranks = hits * np.arange(k, 0, -1, dtype=np.min_scalar_type(k)).reshape(k, 1, 1, 1, 1)
        first = ranks == ranks.max(axis=0)
        window_grads = (first * g.transpose(0, 2, 3, 1)).reshape(*kernel, *cols.shape[1:])
        return (_col2im(window_grads, padded_shape, stride, padding, size),)

    return _result(best.transpose(0, 3, 1, 2), (input,), "max_pool2d", grad_fn)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    """The mean of each window, as ``torch.nn.functional.avg_pool2d``; padding counts as zeros in
    the mean (PyTorch's default ``count_include_pad=True``)."""
    _check_input("avg_pool2d", input)
    kernel, stride, padding = _pool_geometry("avg_pool2d", kernel_size, stride, padding)
    ho, wo = _output_size("avg_pool2d", input.shape, kernel, stride, padding)
    x = _padded_channels_last(input.data, padding, 0)
    padded_shape, (n, c, *size) = x.shape, input.shape
    data = _offset_major(_windows(x, kernel, stride, (ho, wo))).mean(axis=0)

    def grad_fn(g):
        share = g.transpose(0, 2, 3, 1) / (kernel[0] * kernel[1])
        window_grads = np.broadcast_to(share, (*kernel, n, ho, wo, c))
        return (_col2im(window_grads, padded_shape, stride, padding, size),)

    return _result(data.transpose(0, 3, 1, 2), (input,), "avg_pool2d", grad_fn)


# ---------------------------------------------------------------------- modules


class Conv2d(Module):
    """A 2-D convolution layer, initialised as PyTorch's: weight and then bias uniform in
    ±1/sqrt(in_channels * kh * kw) (Kaiming-uniform with a = sqrt(5))."""

    def __init__(
        self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, dtype=float32, generator=None
    ):
        super().__init__()
        for name, count in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(count, numbers.Integral) or count <= 0:
                raise ValueError(f"Conv2d: {name} must be a positive int, got {count!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = _geometry("Conv2d", kernel_size, stride, padding)
        rng = as_generator(generator)
        bound = 1 / math.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1])
        shape = (out_channels, in_channels, *self.kernel_size)
        self.weight = Parameter(rng.uniform(-bound, bound, shape).astype(dtype))
        self.bias = Parameter(rng.uniform(-bound, bound, out_channels).astype(dtype)) if bias else None

    def forward(self, input):
        return conv2d(input, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        return text


class MaxPool2d(Module):
    """``max_pool2d`` as a layer. Arguments are kept as given, so the repr is PyTorch's."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        _pool_geometry("MaxPool2d", kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, input):
        return max_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        # PyTorch prints dilation and ceil_mode too; minigrad has only their defaults.
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            "dilation=1, ceil_mode=False"
        )


class AvgPool2d(Module):
    """``avg_pool2d`` as a layer. Arguments are kept as given, so the repr is PyTorch's."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        _pool_geometry("AvgPool2d", kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, input):
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
