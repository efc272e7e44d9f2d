"""Helpers shared by the tests that compare with PyTorch."""

import numpy as np

from minigrad import Tensor, float64


def assert_close(ours, theirs):
    """Our array against a torch tensor (or an array) to the tests' tolerance: relative 1e-9."""
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else theirs
    np.testing.assert_allclose(np.asarray(ours, dtype=np.float64), theirs, rtol=1e-9, atol=1e-12)


def leaf(array):
    """A float64 leaf tensor that requires grad, as every gradient test starts from."""
    return Tensor(array, dtype=float64, requires_grad=True)
