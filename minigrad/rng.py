"""Where minigrad's random numbers come from: one default NumPy Generator, reseedable.

Like PyTorch's default generator, ours starts from a fixed seed, so that a notebook which never
seeds still gives the same numbers on every run.
"""

import numpy as np

_DEFAULT_SEED = 0
_default_generator = np.random.default_rng(_DEFAULT_SEED)


def manual_seed(seed):
    """Reseed the default generator, as ``torch.manual_seed``.

    It returns nothing (PyTorch returns its generator): a notebook cell ending with this call then
    shows no object address, which would change from run to run.
    """
    global _default_generator
    _default_generator = np.random.default_rng(seed)


def default_generator():
    return _default_generator


def as_generator(seed=None):
    """A Generator from ``seed``: None takes the default one, an int makes a fresh one."""
    if seed is None:
        return _default_generator
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
