"""Tensor-mode layers as in ``torch.nn``: Linear, Flatten, Dropout, the norms and the activations.

Each layer holds its parameters and settings and calls ``minigrad.nn.functional`` in ``forward``.
Its ``extra_repr`` prints what PyTorch's prints, so ``print(model)`` reads the same in both.
"""

import math

import numpy as np

from minigrad.nn import functional as F
from minigrad.nn.module import Module, Parameter
from minigrad.rng import as_generator
from minigrad.tensor import Tensor, float32, int64


class Linear(Module):
    """``input @ weight.T + bias``, from ``in_features`` to ``out_features``."""

    def __init__(self, in_features, out_features, bias=True, dtype=float32, generator=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        # PyTorch's initialisation, which scalar mode's Layer shares draw for draw: weights, then
        # biases, uniform in +-1/sqrt(in_features), so one seed gives both modes the same network.
        bound = 1 / math.sqrt(in_features)
        rng = as_generator(generator)
        self.weight = Parameter(rng.uniform(-bound, bound, (out_features, in_features)).astype(dtype))
        self.bias = Parameter(rng.uniform(-bound, bound, out_features).astype(dtype)) if bias else None

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Flatten(Module):
    """Merge axes ``start_dim`` to ``end_dim`` into one; by default all but the batch axis."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return F.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """Inverted dropout in training mode (``model.train()``); the identity after ``model.eval()``."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        # PyTorch prints its in-place flag; minigrad never drops in place.
        return f"p={self.p}, inplace=False"


# ---------------------------------------------------------------------- normalisation


class LayerNorm(Module):
    """Normalise each sample over its last axes (``normalized_shape``), then a learned scale and shift."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        self.normalized_shape = F._as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = Parameter(np.ones(self.normalized_shape, float32)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, float32)) if elementwise_affine and bias else None

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Divide each sample by its root mean square over its last axes (``normalized_shape``), then a
    learned scale; ``eps=None`` takes the dtype's machine epsilon, as in PyTorch."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, dtype=float32):
        super().__init__()
        self.normalized_shape = F._as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = Parameter(np.ones(self.normalized_shape, dtype)) if elementwise_affine else None

    def forward(self, input):
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ in the input shapes they accept.

    ``momentum=None`` makes the running statistics a plain average over all batches seen, as in PyTorch.
    """

    input_shapes = {}

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(np.ones(num_features, float32)) if affine else None
        self.bias = Parameter(np.zeros(num_features, float32)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, float32)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, float32)))
            self.register_buffer("num_batches_tracked", Tensor(0, dtype=int64))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, input):
        if input.ndim not in self.input_shapes:
            expected = " or ".join(self.input_shapes.values())
            raise ValueError(f"{type(self).__name__}: expected input of shape {expected}, got {input.shape}")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            if momentum is None:
                momentum = 1 / self.num_batches_tracked.item()
        # The batch's statistics while training, and in evaluation too when no running ones are kept.
        use_batch_statistics = self.training or not self.track_running_stats
        return F.batch_norm(
            input, self.running_mean, self.running_var, self.weight, self.bias, use_batch_statistics, momentum, self.eps
        )

    def _check_state(self, name, value):
        # A negative or NaN running variance would give NaN in evaluation mode.
        if name in ("running_mean", "running_var") and not np.all(np.isfinite(value)):
            return "must be finite (a running statistic), found a NaN or an infinity"
        if name == "running_var" and np.any(value < 0):
            return f"must be at least 0 (a running variance), found {value.min()}"
        if name == "num_batches_tracked" and value < 0:
            return f"must be at least 0 (a count), found {value}"
        return None

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) features or (N, C, L) sequences, per channel C."""

    input_shapes = {2: "(N, C)", 3: "(N, C, L)"}


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel C."""

    input_shapes = {4: "(N, C, H, W)"}


# ---------------------------------------------------------------------- activations


class ReLU(Module):
    def forward(self, input):
        return F.relu(input)


class Tanh(Module):
    def forward(self, input):
        return F.tanh(input)


class Sigmoid(Module):
    def forward(self, input):
        return F.sigmoid(input)


class GELU(Module):
    """``x * Phi(x)``, Phi the normal CDF; ``approximate='tanh'`` uses the tanh formula."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """Softmax along ``dim``, which must be given: PyTorch's guess when it is None is deprecated there."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        if self.dim is None:
            raise ValueError(
                f"Softmax: give the axis to normalise along, e.g. Softmax(dim=-1) for input of shape {input.shape}"
            )
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Identity(Module):
    """Returns its input: a placeholder where a layer may be switched off."""

    def forward(self, input):
        return input
