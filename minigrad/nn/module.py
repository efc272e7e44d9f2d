"""Tensor-mode building blocks: Parameter, Module and the containers, named and printed as in PyTorch.

A Module registers what is assigned to it: a Parameter becomes one of its parameters, a Module one
of its children, and ``register_buffer`` records state that is saved but not trained (BatchNorm's
running statistics). Everything else is a plain attribute.
"""

from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from minigrad.tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module's trainable weight: it requires grad unless told otherwise."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        dtype = data.dtype if isinstance(data, (Tensor, np.ndarray)) and data.dtype.kind == "f" else None
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns, as PyTorch's: the keys it did not find and those it did not use."""

    missing_keys: list
    unexpected_keys: list

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"


# Which kinds of data each kind of tensor takes from a state dict: a float takes integers too (as
# PyTorch's copy_ does), an integer only integers (never a NaN or a fraction), a bool only bools.
_LOADABLE_KINDS = {"f": "fiu", "i": "iu", "u": "iu", "b": "b"}


class Module:
    """Base class of every tensor-mode layer and model; subclasses define ``forward``."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() is called: "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )
        if isinstance(value, Parameter):
            registered = self._parameters
        elif isinstance(value, Module):
            registered = self._modules
        elif name in self._buffers and isinstance(value, Tensor):
            registered = self._buffers  # a tensor assigned to a buffer's name replaces the buffer, as in PyTorch
        else:
            registered = None
        for registry in (self._parameters, self._modules, self._buffers):
            if registry is not registered:
                registry.pop(name, None)
        if registered is not None:
            # Replacing keeps the name's place, so state_dict keys keep PyTorch's order.
            registered[name] = value
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Called only when ordinary lookup fails; the registries are missing if __init__ was skipped.
        if name in ("_parameters", "_modules", "_buffers", "training"):
            cls = type(self).__name__
            raise AttributeError(f"{cls} has no {name!r}: call super().__init__() first in {cls}.__init__")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        for registry in (self._parameters, self._modules, self._buffers):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name, tensor):
        """Keep ``tensor`` as state that ``state_dict`` saves but the optimizer never sees."""
        object.__setattr__(self, name, tensor)
        self._buffers[name] = tensor

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ walking the tree

    def named_modules(self, prefix="", remove_duplicate=True):
        """This module and all below it with dotted names; a module reached by two paths comes once,
        unless ``remove_duplicate`` is False."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child}" if name else child, m) for child, m in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        yield from self._modules.items()

    def children(self):
        yield from self._modules.values()

    def named_parameters(self, prefix="", recurse=True):
        """(dotted name, Parameter) pairs; a parameter shared by two modules comes once."""
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, p in module._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{module_name}.{name}" if module_name else name), p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self):
        for module_name, module in self.named_modules():
            for name, b in module._buffers.items():
                yield (f"{module_name}.{name}" if module_name else name), b

    # ------------------------------------------------------------------ modes and gradients

    def train(self, mode=True):
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self):
        for p in self.parameters():
            p.grad = None

    def to(self, dtype):
        """Convert every floating-point parameter and buffer to ``dtype`` (in place), as PyTorch's ``.to``."""
        dtype = np.dtype(dtype)
        for tensor in [*self.parameters(), *(b for _, b in self.named_buffers())]:
            if tensor.data.dtype.kind == "f":
                tensor.data = tensor.data.astype(dtype)
                tensor.grad = None
        return self

    def double(self):
        return self.to(np.float64)

    def float(self):
        return self.to(np.float32)

    # ------------------------------------------------------------------ saving state

    def _named_state(self, with_owner=False):
        """(dotted name, tensor) for every parameter and buffer, in PyTorch's state_dict order: module
        by module, parameters before buffers, a shared module or weight under each of its names.
        ``with_owner``: (dotted name, (tensor, module, name in that module)) instead."""
        for module_name, module in self.named_modules(remove_duplicate=False):
            prefix = f"{module_name}." if module_name else ""
            for name, tensor in [*module._parameters.items(), *module._buffers.items()]:
                yield prefix + name, ((tensor, module, name) if with_owner else tensor)

    def state_dict(self):
        """Every parameter and buffer by dotted name, as Tensors sharing this module's data."""
        return OrderedDict((name, tensor.detach()) for name, tensor in self._named_state())

    def _check_state(self, name, value):
        """What is wrong with ``value`` (a NumPy array of the right shape and kind) for this module's
        parameter or buffer ``name``, or None; a layer whose state has constraints overrides it."""
        return None

    def load_state_dict(self, state_dict, strict=True):
        """Copy values into this module's parameters and buffers, as PyTorch's does, and return the
        missing and unexpected keys (an ``IncompatibleKeys``); with ``strict``, either is an error.

        Every entry is checked (shape, kind of number, what the layer needs) before any is copied, so
        a failed load leaves the module as it was.
        """
        own = OrderedDict(self._named_state(with_owner=True))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(
                f"load_state_dict into {type(self).__name__}: "
                + "; ".join(
                    part
                    for part in (
                        f"missing keys {missing}" if missing else "",
                        f"unexpected keys {unexpected}" if unexpected else "",
                    )
                    if part
                )
            )
        copies = []
        for name, (target, module, local_name) in own.items():
            if name in state_dict:
                copies.append((target, _loadable(name, state_dict[name], target, module, local_name)))
        for target, value in copies:
            target.data[...] = value
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing

    def extra_repr(self):
        """The text inside this module's parentheses; layers override it."""
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        if not lines:
            return f"{type(self).__name__}({self.extra_repr()})"
        body = "\n  ".join(([self.extra_repr()] if self.extra_repr() else []) + lines)
        return f"{type(self).__name__}(\n  {body}\n)"


def _loadable(key, value, target, module, name):
    """``value`` from a state dict as a NumPy array ready to copy into ``target``, or an error naming
    ``key`` and what was expected and found."""
    try:
        value = np.asarray(value.data if isinstance(value, Tensor) else value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"load_state_dict: {key!r} is not an array ({error})") from None
    if value.shape != target.shape:
        raise ValueError(f"load_state_dict: {key!r} has shape {value.shape} in the state dict but {target.shape} in the model")
    if value.dtype.kind not in _LOADABLE_KINDS.get(target.dtype.kind, ""):
        raise TypeError(f"load_state_dict: {key!r} has dtype {value.dtype} in the state dict but {target.dtype} in the model")
    if target.dtype.kind in "iu" and value.size:
        limits = np.iinfo(target.dtype)
        if value.min() < limits.min or value.max() > limits.max:
            raise ValueError(f"load_state_dict: {key!r} holds integers outside the range of {target.dtype}")
    problem = module._check_state(name, value)
    if problem:
        raise ValueError(f"load_state_dict: {key!r} {problem}")
    return value


def _check_module(container, place, value):
    """Raise, as PyTorch does, when a container is given something that is not a Module: a bare
    function such as ``F.relu`` would otherwise be skipped silently by the registry."""
    if isinstance(value, Module):
        return
    name = getattr(value, "__name__", None)
    if isinstance(value, type) and issubclass(value, Module):
        hint = f"; use nn.{name}() (an instance, with parentheses)"
    else:
        from minigrad import nn  # the layers import this module, so they are looked up only now

        key = str(name).replace("_", "").lower()
        matches = [m for m in nn.__all__ if m.lower() == key and isinstance(getattr(nn, m), type)]
        hint = f"; use nn.{matches[0]}() (a module) instead" if matches else ""
    if isinstance(value, type):
        what = f"the class {name} itself"
    elif callable(value) and name:
        what = f"the function {name}"
    else:
        what = type(value).__name__
    raise TypeError(f"{container}: {place} must be a Module, got {what}{hint}")


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(2, 16), ReLU(), Linear(16, 1))``."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                _check_module("Sequential", repr(name), module)
                setattr(self, name, module)
        else:
            for i, module in enumerate(modules):
                _check_module("Sequential", f"item {i}", module)
                setattr(self, str(i), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def append(self, module):
        _check_module("Sequential.append", f"item {len(self)}", module)
        setattr(self, str(len(self)), module)
        return self

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            # A slice keeps the original names, as PyTorch's does (so its state_dict keys match).
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return modules[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleList(Module):
    """A list of modules whose parameters belong to the parent; it has no forward of its own."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def append(self, module):
        _check_module("ModuleList", f"item {len(self)}", module)
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        modules = list(self._modules.values())
        return ModuleList(modules[index]) if isinstance(index, slice) else modules[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __repr__(self):
        # PyTorch prints a run of identical entries once: "(0-2): 3 x Linear(...)".
        runs = []
        for i, module in enumerate(self):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        if not runs:
            return f"{type(self).__name__}()"
        lines = [
            (f"({first}): " if first == last else f"({first}-{last}): {last - first + 1} x ")
            + text.replace("\n", "\n  ")
            for first, last, text in runs
        ]
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules whose parameters belong to the parent; it has no forward of its own."""

    def __init__(self, modules=None):
        super().__init__()
        for name, module in dict(modules or {}).items():
            self[name] = module

    def __setitem__(self, name, module):
        _check_module("ModuleDict", repr(name), module)
        setattr(self, name, module)

    def __getitem__(self, name):
        return self._modules[name]

    def __contains__(self, name):
        return name in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()
