"""Optimizers, gradient clipping and learning-rate schedules, with PyTorch's names and update rules.

Each optimizer works on Values and Tensors alike: it only reads ``p.grad`` and updates ``p.data``.
The arithmetic below is the same for floats and NumPy arrays; ``p.data -= ...`` updates an array in
place and rebinds a float. Gradients are never modified in place, since the backward core may hand
one array to several nodes.
"""

import math
import numbers

import numpy as np


class Optimizer:
    """What every optimizer shares: the parameters, the learning rate, and one state per parameter.

    ``state[i]`` belongs to ``params[i]`` (a dict, as ``torch.optim.Optimizer.state[p]``) and starts as
    a copy of the ``initial_state`` a subclass passes in. ``step()`` hands each parameter that has a
    gradient, with that gradient and its state, to the subclass's ``_update``.
    """

    def __init__(self, params, lr, **initial_state):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if lr < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {lr!r}")
        self.lr = lr
        self.state = [dict(initial_state) for _ in self.params]

    def __repr__(self):
        settings = {k: v for k, v in vars(self).items() if k not in ("params", "state") and not k.startswith("_")}
        return f"{type(self).__name__}({len(self.params)} parameters, " + ", ".join(
            f"{name}={value!r}" for name, value in settings.items()
        ) + ")"

    def _require_non_negative(self, **hyperparameters):
        for name, value in hyperparameters.items():
            if value < 0:
                raise ValueError(f"{type(self).__name__}: invalid {name} {value!r} (must be >= 0)")

    def zero_grad(self):
        for p in self.params:
            p.grad = p._grad_zero

    def step(self):
        for p, state in zip(self.params, self.state):
            # A parameter the loss never reached is left alone, state included, as in PyTorch.
            if p.grad is not None:
                self._update(p, p.grad, state)


class SGD(Optimizer):
    """Stochastic gradient descent with PyTorch's update rule::

        g = grad + weight_decay * p
        buf = momentum * buf + (1 - dampening) * g      (buf = g at the first step)
        p -= lr * (g + momentum * buf if nesterov else buf)
    """

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr, momentum_buffer=None)
        self._require_non_negative(momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening == 0")
        self.momentum, self.dampening = momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov

    def _update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        if self.momentum:
            buf = state["momentum_buffer"]
            buf = g if buf is None else self.momentum * buf + (1 - self.dampening) * g
            state["momentum_buffer"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        p.data -= self.lr * g


class Adam(Optimizer):
    """Adam with PyTorch's update rule; weight decay is an L2 penalty, added to the gradient::

        g = grad + weight_decay * p
        t = t + 1                                        (each parameter counts its own steps)
        m = beta1 * m + (1 - beta1) * g                  (m = v = 0 at the start)
        v = beta2 * v + (1 - beta2) * g * g
        p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, lr, step=0, exp_avg=0.0, exp_avg_sq=0.0)
        self._require_non_negative(eps=eps, weight_decay=weight_decay)
        for index, beta in enumerate(betas):
            if not 0 <= beta < 1:
                name = type(self).__name__
                raise ValueError(f"{name}: invalid beta parameter at index {index}: {beta!r} (must be in [0, 1))")
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay

    def _update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        self._adam_step(p, g, state)

    def _adam_step(self, p, g, state):
        beta1, beta2 = self.betas
        state["step"] = t = state["step"] + 1
        state["exp_avg"] = m = beta1 * state["exp_avg"] + (1 - beta1) * g
        state["exp_avg_sq"] = v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
        # m and v start at 0, so early on they underestimate the moments; (1 - beta**t) undoes that.
        p.data -= self.lr / (1 - beta1**t) * m / (v**0.5 / (1 - beta2**t) ** 0.5 + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay, PyTorch's update rule: the decay shrinks ``p`` directly, where
    Adam adds it to the gradient, so that ``sqrt(v)`` rescales it and heavily updated weights decay less::

        p *= 1 - lr * weight_decay
        then Adam's rule with g = grad
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)

    def _update(self, p, g, state):
        p.data *= 1 - self.lr * self.weight_decay
        self._adam_step(p, g, state)


class RMSprop(Optimizer):
    """RMSprop with PyTorch's update rule: each coordinate's step is divided by its recent RMS gradient::

        g = grad + weight_decay * p
        square_avg = alpha * square_avg + (1 - alpha) * g * g        (the averages start at 0)
        grad_avg = alpha * grad_avg + (1 - alpha) * g                (if centered)
        avg = sqrt(square_avg - grad_avg**2) + eps  if centered  else  sqrt(square_avg) + eps
        buf = momentum * buf + g / avg;  p -= lr * buf               (if momentum; buf starts at 0)
        p -= lr * g / avg                                            (otherwise)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        super().__init__(params, lr, square_avg=0.0, grad_avg=0.0, momentum_buffer=0.0)
        self._require_non_negative(eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay
        self.momentum, self.centered = momentum, centered

    def _update(self, p, g, state):
        alpha = self.alpha
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        state["square_avg"] = square_avg = alpha * state["square_avg"] + (1 - alpha) * g * g
        if self.centered:
            state["grad_avg"] = grad_avg = alpha * state["grad_avg"] + (1 - alpha) * g
            avg = (square_avg - grad_avg * grad_avg) ** 0.5 + self.eps
        else:
            avg = square_avg**0.5 + self.eps
        if self.momentum:
            state["momentum_buffer"] = buf = self.momentum * state["momentum_buffer"] + g / avg
            p.data -= self.lr * buf
        else:
            p.data -= self.lr * g / avg


def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    """Scale all gradients by one factor so that their total norm is at most ``max_norm``, as
    ``torch.nn.utils.clip_grad_norm_`` does; return the total norm from before clipping, a float.

    The total norm is that of every gradient joined into one vector (``norm_type`` may be ``inf``:
    the largest magnitude). Parameters whose grad is None are skipped. Each clipped grad is a new
    array: the old one may be shared with other nodes.
    """
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: invalid norm_type {norm_type!r} (must be > 0, or inf)")
    with_grad = [p for p in parameters if p.grad is not None]
    if not with_grad:
        return 0.0
    magnitudes = np.abs(np.concatenate([np.ravel(p.grad) for p in with_grad]))
    if norm_type == math.inf:
        total = float(magnitudes.max())
    else:
        total = float((magnitudes**norm_type).sum() ** (1 / norm_type))
    # PyTorch's 1e-6 keeps the division finite when every gradient is zero.
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for p in with_grad:
            p.grad = p.grad * scale
    return total


class LRScheduler:
    """Sets ``optimizer.lr`` from the number of ``step()`` calls so far (``last_epoch``), starting from
    the optimizer's learning rate when the scheduler is made (``base_lr``).

    PyTorch's schedulers compute the same numbers recursively from the current rate, which also carries
    along changes made to ``lr`` from outside; ours use the closed form, which reads like the schedule's
    definition, and set ``lr`` afresh at each step.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        self._last_lr = optimizer.lr

    def __repr__(self):
        settings = {k: v for k, v in vars(self).items() if k != "optimizer" and not k.startswith("_")}
        return f"{type(self).__name__}(" + ", ".join(f"{name}={value!r}" for name, value in settings.items()) + ")"

    def step(self):
        self.last_epoch += 1
        self._last_lr = self.optimizer.lr = self._lr_at(self.last_epoch)

    def get_last_lr(self):
        """The learning rate this scheduler set last, in a list (PyTorch has one per parameter group)."""
        return [self._last_lr]


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps::

        lr = base_lr * gamma ** (epoch // step_size)
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        if not (isinstance(step_size, numbers.Integral) and step_size > 0):
            raise ValueError(f"StepLR: invalid step_size {step_size!r} (must be a positive integer)")
        super().__init__(optimizer)
        self.step_size, self.gamma = step_size, gamma

    def _lr_at(self, epoch):
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from ``base_lr`` down to ``eta_min`` over ``T_max`` steps, and back up over
    the next ``T_max`` (PyTorch's schedule, without SGDR's restarts)::

        lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        if not T_max > 0:
            raise ValueError(f"CosineAnnealingLR: invalid T_max {T_max!r} (must be > 0)")
        super().__init__(optimizer)
        self.T_max, self.eta_min = T_max, eta_min

    def _lr_at(self, epoch):
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2
