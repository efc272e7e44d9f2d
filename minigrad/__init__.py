"""minigrad: an autograd engine to learn from, in scalar mode (Value) and tensor mode."""

from minigrad.autograd import backward_steps, is_grad_enabled, no_grad, topological_order
from minigrad.gradcheck import gradcheck
from minigrad.rng import manual_seed
from minigrad.scalar import Value, dot

__version__ = "0.1.0"

__all__ = [
    "Value",
    "backward_steps",
    "dot",
    "gradcheck",
    "is_grad_enabled",
    "manual_seed",
    "no_grad",
    "topological_order",
]
