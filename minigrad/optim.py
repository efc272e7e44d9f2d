"""Optimizers. Each works on Values and Tensors alike: it only reads ``p.grad`` and updates ``p.data``."""


class Optimizer:
    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if lr < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {lr!r}")
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            p.grad = p._grad_zero


class SGD(Optimizer):
    """Stochastic gradient descent with PyTorch's update rule::

        g = grad + weight_decay * p
        buf = momentum * buf + (1 - dampening) * g      (buf = g at the first step)
        p -= lr * (g + momentum * buf if nesterov else buf)
    """

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr)
        if momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: momentum ({momentum!r}) and weight_decay ({weight_decay!r}) must be >= 0")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening == 0")
        self.momentum, self.dampening = momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov
        self._velocity = [None] * len(self.params)

    def step(self):
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            if self.momentum:
                velocity = self._velocity[i]
                velocity = g if velocity is None else self.momentum * velocity + (1 - self.dampening) * g
                self._velocity[i] = velocity
                g = g + self.momentum * velocity if self.nesterov else velocity
            p.data -= self.lr * g
