"""Neural-network parts. Scalar mode: ``Neuron``, ``Layer``, ``MLP`` and their losses in ``minigrad.nn.scalar``."""

from minigrad.nn.scalar import MLP, Layer, Neuron

__all__ = ["MLP", "Layer", "Neuron"]
