"""minigrad: an autograd engine to learn from, in scalar mode (Value) and tensor mode (Tensor).

The top level holds what ``torch`` has at its top level: tensors and their constructors, dtypes,
seeding, ``no_grad``, ``save``/``load``; plus scalar mode's ``Value`` and the tools of the course
(``backward_steps``, ``gradcheck``).
"""

from minigrad.autograd import backward_steps, is_grad_enabled, no_grad, topological_order
from minigrad.gradcheck import gradcheck
from minigrad.ops_movement import einsum, tril, triu
from minigrad.rng import manual_seed
from minigrad.scalar import Value, dot
from minigrad.serialization import load, save
from minigrad.tensor import (
    Tensor,
    empty,
    eye,
    full_like,
    int32,
    linspace,
    randint,
    arange,
    bool_,
    cat,
    float32,
    float64,
    full,
    int64,
    ones,
    ones_like,
    rand,
    rand_like,
    randn,
    randn_like,
    stack,
    where,
    zeros,
    zeros_like,
)

# ``minigrad.tensor`` is the submodule, which makes itself callable as torch.tensor, so that both
# ``minigrad.tensor([1., 2.])`` and ``from minigrad.tensor import Tensor`` work.
# Reachable after a bare ``import minigrad``, as ``torch.nn`` and ``torch.optim`` are.
from minigrad import data, nn, optim  # noqa: E402  (they import the names above)

__version__ = "0.1.0"

__all__ = [
    "einsum",
    "empty",
    "eye",
    "full_like",
    "int32",
    "linspace",
    "randint",
    "tril",
    "triu",
    "Tensor",
    "Value",
    "arange",
    "backward_steps",
    "bool_",
    "cat",
    "data",
    "dot",
    "float32",
    "float64",
    "full",
    "gradcheck",
    "int64",
    "is_grad_enabled",
    "load",
    "manual_seed",
    "nn",
    "no_grad",
    "ones",
    "ones_like",
    "optim",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "save",
    "stack",
    "tensor",
    "topological_order",
    "where",
    "zeros",
    "zeros_like",
]
