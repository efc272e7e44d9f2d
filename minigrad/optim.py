"""Optimizers, gradient clipping and learning-rate schedules, with PyTorch's names and update rules.

Each optimizer works on Values and Tensors alike: it only reads ``p.grad`` and updates ``p.data``.
A Value's grad is a float, a Tensor's a Tensor, whose array (``p.grad.data``) the update reads. The
arithmetic below is the same for floats and NumPy arrays; ``p.data -= ...`` updates an array in
place and rebinds a float. Gradients are never modified in place by an optimizer.
"""

import copy
import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np

from minigrad import autograd


def _values(grad):
    """A gradient as numbers: a Tensor's array, a Value's float."""
    return grad if isinstance(grad, numbers.Real) else grad.data


def _is_parameter(x):
    """A Value or a Tensor (anything with data and grad), as opposed to a collection of them."""
    return hasattr(x, "grad") and hasattr(x, "data")


class Optimizer:
    """What every optimizer shares: the parameter groups, and one state per parameter.

    ``params`` is an iterable of parameters, or of parameter groups as in PyTorch: dicts with a
    ``"params"`` entry and any hyperparameters that differ from the defaults for that group
    (``[{"params": body}, {"params": head, "lr": 0.01}]``). ``optimizer.lr`` and the other
    hyperparameters read group 0's value, and setting one sets it in every group.

    ``state[i]`` belongs to ``params[i]`` (a dict, as ``torch.optim.Optimizer.state[p]``) and starts as
    a copy of the ``initial_state`` a subclass passes in. ``step()`` hands each parameter that has a
    gradient, with that gradient, its state and its group, to the subclass's ``_update``.
    """

    def __init__(self, params, defaults, **initial_state):
        name = type(self).__name__
        if _is_parameter(params) or isinstance(params, Mapping):
            raise TypeError(
                f"{name}: params should be an iterable of parameters or of parameter groups (dicts), "
                f"got a single {type(params).__name__}; write {name}([w], ...)"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list")
        object.__setattr__(self, "defaults", defaults)
        self.param_groups, self.params, self.state, self._groups = [], [], [], []
        self._initial_state = initial_state
        for group in groups if isinstance(groups[0], Mapping) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a group of parameters with its own hyperparameters (the defaults for those it omits)."""
        name = type(self).__name__
        if not isinstance(group, Mapping) or "params" not in group:
            raise TypeError(f"{name}: a parameter group is a dict with a 'params' entry, got {group!r}")
        params = group["params"]
        params = [params] if _is_parameter(params) else list(params)
        if not all(_is_parameter(p) for p in params):
            raise TypeError(f"{name}: parameters must be Values or Tensors, got {[type(p).__name__ for p in params]}")
        group = {**self.defaults, **group, "params": params}
        self._check(group)
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                f"{name}: a parameter group holds the same parameter twice; step() will update it twice",
                UserWarning,
                stacklevel=3,
            )
        if {id(p) for p in params} & {id(p) for p in self.params}:
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)
        self.params += params
        self.state += [dict(self._initial_state) for _ in params]
        self._groups += [group] * len(params)

    def _check(self, group):
        if group["lr"] < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {group['lr']!r}")

    def __getattr__(self, name):
        # Only for names not found otherwise: a hyperparameter, as group 0 has it.
        if name in self.__dict__.get("defaults", ()):
            return self.param_groups[0][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name in self.__dict__.get("defaults", ()):
            for group in self.param_groups:
                group[name] = value
        else:
            object.__setattr__(self, name, value)

    def __repr__(self):
        def settings(group):
            return ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")

        name, n = type(self).__name__, len(self.params)
        if len(self.param_groups) == 1:
            return f"{name}({n} parameters, {settings(self.param_groups[0])})"
        return f"{name}({n} parameters in {len(self.param_groups)} groups: " + "; ".join(
            f"{len(g['params'])} with {settings(g)}" for g in self.param_groups
        ) + ")"

    def _require_non_negative(self, group, *names):
        for name in names:
            if group[name] < 0:
                raise ValueError(f"{type(self).__name__}: invalid {name} {group[name]!r} (must be >= 0)")

    def zero_grad(self):
        for p in self.params:
            p.grad = p._grad_zero

    def step(self):
        for p, state, group in zip(self.params, self.state, self._groups):
            # A parameter the loss never reached is left alone, state included, as in PyTorch.
            grad = p.grad
            if grad is not None:
                self._update(p, _values(grad), state, group)


class SGD(Optimizer):
    """Stochastic gradient descent with PyTorch's update rule::

        g = grad + weight_decay * p
        buf = momentum * buf + (1 - dampening) * g      (buf = g at the first step)
        p -= lr * (g + momentum * buf if nesterov else buf)
    """

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults, momentum_buffer=None)

    def _check(self, group):
        super()._check(group)
        self._require_non_negative(group, "momentum", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening == 0")

    def _update(self, p, g, state, group):
        momentum = group["momentum"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        if momentum:
            buf = state["momentum_buffer"]
            # A copy at the first step: the buffer must not be the gradient, which may be zeroed in place.
            buf = copy.copy(g) if buf is None else momentum * buf + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + momentum * buf if group["nesterov"] else buf
        p.data -= group["lr"] * g


class Adam(Optimizer):
    """Adam with PyTorch's update rule; weight decay is an L2 penalty, added to the gradient::

        g = grad + weight_decay * p
        t = t + 1                                        (each parameter counts its own steps)
        m = beta1 * m + (1 - beta1) * g                  (m = v = 0 at the start)
        v = beta2 * v + (1 - beta2) * g * g
        p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults, step=0, exp_avg=0.0, exp_avg_sq=0.0)

    def _check(self, group):
        super()._check(group)
        self._require_non_negative(group, "eps", "weight_decay")
        for index, beta in enumerate(group["betas"]):
            if not 0 <= beta < 1:
                name = type(self).__name__
                raise ValueError(f"{name}: invalid beta parameter at index {index}: {beta!r} (must be in [0, 1))")

    def _update(self, p, g, state, group):
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        self._adam_step(p, g, state, group)

    def _adam_step(self, p, g, state, group):
        beta1, beta2 = group["betas"]
        state["step"] = t = state["step"] + 1
        state["exp_avg"] = m = beta1 * state["exp_avg"] + (1 - beta1) * g
        state["exp_avg_sq"] = v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
        # m and v start at 0, so early on they underestimate the moments; (1 - beta**t) undoes that.
        p.data -= group["lr"] / (1 - beta1**t) * m / (v**0.5 / (1 - beta2**t) ** 0.5 + group["eps"])


class AdamW(Adam):
    """Adam with decoupled weight decay, PyTorch's update rule: the decay shrinks ``p`` directly, where
    Adam adds it to the gradient, so that ``sqrt(v)`` rescales it and heavily updated weights decay less::

        p *= 1 - lr * weight_decay
        then Adam's rule with g = grad
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)

    def _update(self, p, g, state, group):
        p.data *= 1 - group["lr"] * group["weight_decay"]
        self._adam_step(p, g, state, group)


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
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        super().__init__(params, defaults, square_avg=0.0, grad_avg=0.0, momentum_buffer=0.0)

    def _check(self, group):
        super()._check(group)
        self._require_non_negative(group, "eps", "momentum", "weight_decay", "alpha")

    def _update(self, p, g, state, group):
        alpha, eps, lr = group["alpha"], group["eps"], group["lr"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        state["square_avg"] = square_avg = alpha * state["square_avg"] + (1 - alpha) * g * g
        if group["centered"]:
            state["grad_avg"] = grad_avg = alpha * state["grad_avg"] + (1 - alpha) * g
            avg = (square_avg - grad_avg * grad_avg) ** 0.5 + eps
        else:
            avg = square_avg**0.5 + eps
        if group["momentum"]:
            state["momentum_buffer"] = buf = group["momentum"] * state["momentum_buffer"] + g / avg
            p.data -= lr * buf
        else:
            p.data -= lr * g / avg


def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    """Scale all gradients by one factor so that their total norm is at most ``max_norm``, as
    ``torch.nn.utils.clip_grad_norm_`` does; return the total norm from before clipping, a float.

    The total norm is that of every gradient joined into one vector (``norm_type`` may be ``inf``:
    the largest magnitude). Parameters whose grad is None are skipped. Each clipped grad is a new
    array: the old one may be shared with other nodes.
    """
    if _is_parameter(parameters):
        parameters = [parameters]  # a single tensor, as PyTorch accepts
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: invalid norm_type {norm_type!r} (must be > 0, or inf)")
    with_grad = [p for p in parameters if p.grad is not None]
    if not with_grad:
        return 0.0
    magnitudes = np.abs(np.concatenate([np.ravel(_values(p.grad)) for p in with_grad]))
    if norm_type == math.inf:
        total = float(magnitudes.max())
    else:
        total = float((magnitudes**norm_type).sum() ** (1 / norm_type))
    # PyTorch's 1e-6 keeps the division finite when every gradient is zero.
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for p in with_grad:
            # Rebound rather than scaled in place, so a backward step's record keeps what it sent;
            # a Tensor's grad stays the same object, as in PyTorch.
            setattr(p, autograd.grad_attribute(p), autograd.raw_grad(p) * scale)
    return total


class LRScheduler:
    """Sets ``optimizer.lr`` from the number of ``step()`` calls so far (``last_epoch``), starting from
    the optimizer's learning rate when the scheduler is made (``base_lr``; each parameter group follows
    the schedule from its own).

    PyTorch's schedulers compute the same numbers recursively from the current rate, which also carries
    along changes made to ``lr`` from outside; ours use the closed form, which reads like the schedule's
    definition, and set ``lr`` afresh at each step.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        self._base_lrs = [group["lr"] for group in optimizer.param_groups]

    def __repr__(self):
        settings = {k: v for k, v in vars(self).items() if k != "optimizer" and not k.startswith("_")}
        return f"{type(self).__name__}(" + ", ".join(f"{name}={value!r}" for name, value in settings.items()) + ")"

    def step(self):
        self.last_epoch += 1
        for group, base_lr in zip(self.optimizer.param_groups, self._base_lrs):
            group["lr"] = self._lr_at(self.last_epoch, base_lr)

    def get_last_lr(self):
        """The learning rate of each parameter group, in a list, as PyTorch's."""
        return [group["lr"] for group in self.optimizer.param_groups]


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps::

        lr = base_lr * gamma ** (epoch // step_size)
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        if not (isinstance(step_size, numbers.Integral) and step_size > 0):
            raise ValueError(f"StepLR: invalid step_size {step_size!r} (must be a positive integer)")
        super().__init__(optimizer)
        self.step_size, self.gamma = step_size, gamma

    def _lr_at(self, epoch, base_lr):
        return base_lr * self.gamma ** (epoch // self.step_size)


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

    def _lr_at(self, epoch, base_lr):
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2
