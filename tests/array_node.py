"""A stand-in for tensor mode: the least a node class needs to be walked by the backward core."""

import numpy as np


class ArrayNode:
    """A minimal array node speaking the core's protocol, as tensor mode does."""

    _grad_zero = None

    def __init__(self, data, parents=(), op="", grad_fn=None):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = None
        self._prev, self._op, self._grad_fn = parents, op, grad_fn

    def __mul__(self, other):
        return ArrayNode(self.data * other.data, (self, other), "*", lambda g: (g * other.data, g * self.data))

    def sum(self):
        return ArrayNode(self.data.sum(), (self,), "sum", lambda g: (np.broadcast_to(g, self.data.shape),))
