"""Activation modules beyond ReLU, Tanh, Sigmoid, GELU and Softmax (in ``layers.py``), named and
printed as ``torch.nn``'s. Each one calls its function in ``minigrad.nn.functional``."""

from minigrad.nn import functional as F
from minigrad.nn.module import Module


class LeakyReLU(Module):
    """``x`` for positive ``x``, ``negative_slope * x`` otherwise."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """``x`` for positive ``x``, ``alpha * (exp(x) - 1)`` otherwise."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class SELU(Module):
    """ELU with the constants that keep activations near zero mean and unit variance."""

    def forward(self, input):
        return F.selu(input)


class SiLU(Module):
    """``x * sigmoid(x)``."""

    def forward(self, input):
        return F.silu(input)


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta``, a smooth ReLU; linear where ``beta x > threshold``."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Mish(Module):
    """``x * tanh(softplus(x))``."""

    def forward(self, input):
        return F.mish(input)


class Hardtanh(Module):
    """``x`` clipped to [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        self.min_val, self.max_val = min_val, max_val

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Module):
    """``x`` clipped to [0, 6]."""

    def forward(self, input):
        return F.relu6(input)


class Hardsigmoid(Module):
    """0 up to -3, 1 from 3 on, ``x / 6 + 1 / 2`` between."""

    def forward(self, input):
        return F.hardsigmoid(input)


class Hardswish(Module):
    """``x * hardsigmoid(x)``."""

    def forward(self, input):
        return F.hardswish(input)


class LogSigmoid(Module):
    """``log(sigmoid(x))``."""

    def forward(self, input):
        return F.logsigmoid(input)


class Softsign(Module):
    """``x / (1 + |x|)``."""

    def forward(self, input):
        return F.softsign(input)


class Softmin(Module):
    """Softmax of ``-x`` along ``dim``, which must be given (as for ``Softmax``)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        if self.dim is None:
            raise ValueError(
                f"Softmin: give the axis to normalise along, e.g. Softmin(dim=-1) for input of shape {input.shape}"
            )
        return F.softmin(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"
