"""Indexing against PyTorch: integers, slices, None, Ellipsis, integer arrays (lists and tensors) and
boolean masks, mixed; shapes, values and gradients (repeated indices add up), and writes."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor

from .helpers import assert_close, leaf

torch = pytest.importorskip("torch")

SHAPE = (2, 3, 4)
MASK = np.array([True, False, True])

# Each index written once: ``lib`` turns a list into an index tensor of that library.
INDICES = {
    "int": lambda lib: 1,
    "int, slice, list (the issue's case)": lambda lib: (1, slice(None), [0, 0]),
    "int, slice, tensor": lambda lib: (1, slice(None), lib([0, 3])),
    "0-d tensor, slice, list": lambda lib: (lib(1), slice(None), [0, 0]),
    "list, int, list": lambda lib: ([0, 1], 1, [0, 0]),
    "slice, int, list": lambda lib: (slice(None), 1, [0, 1]),
    "list, slice, int": lambda lib: ([0, 1], slice(None), 1),
    "int, list, list": lambda lib: (1, [0, 1], [0, 1]),
    "ellipsis, int, list": lambda lib: (Ellipsis, 1, [0, 0]),
    "None, int, slice, list": lambda lib: (None, 1, slice(None), [0, 0]),
    "list, stepped slice, int": lambda lib: ([0], slice(1, None, 2), 2),
    "negative int, list": lambda lib: (-1, [2, 0, 2]),
    "list, list": lambda lib: ([0, 1, 1], [2, 0, 2]),
    "list, slice, list": lambda lib: ([0, 1], slice(None), [3, 3]),
    "2-d tensor": lambda lib: lib(np.array([[0, 1], [1, 1]])),
    "int, 2-d tensor": lambda lib: (0, lib(np.array([[0, 1], [2, 2]]))),
    "slices": lambda lib: (slice(None, 1), slice(1, None), slice(None, None, 2)),
    "ellipsis, list": lambda lib: (Ellipsis, [1, 1, 0]),
    "int, mask": lambda lib: (1, lib(MASK)),
    "mask, int": lambda lib: (lib(np.array([True, False])), 2),
    "int, int, int": lambda lib: (1, 2, 3),
    "int, ellipsis": lambda lib: (0, Ellipsis),
    "None, ellipsis, None": lambda lib: (None, Ellipsis, None),
}


def _ours(part):
    return mg.tensor(part) if isinstance(part, np.ndarray) else mg.tensor(np.asarray(part))


def _theirs(part):
    return torch.tensor(np.asarray(part))


@pytest.mark.parametrize("name", list(INDICES))
def test_indexing_matches_torch(name):
    a = np.random.default_rng(0).standard_normal(SHAPE)
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    ours, theirs = INDICES[name](_ours), INDICES[name](_theirs)
    out, expected = x[ours], t[theirs]
    assert out.shape == tuple(expected.shape), name
    assert_close(out.data, expected)
    w = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(w)
    expected.backward(torch.tensor(w))
    assert_close(np.asarray(x.grad), t.grad)


def test_the_issue_case_has_torchs_shape():
    x = mg.zeros(2, 3, 4)
    assert x[1, :, [0, 0]].shape == (3, 2) == tuple(torch.zeros(2, 3, 4)[1, :, [0, 0]].shape)


@pytest.mark.parametrize("name", ["int, slice, list (the issue's case)", "list, int, list", "int, mask", "list, list"])
def test_writes_go_where_torch_puts_them(name):
    ours, theirs = mg.zeros(*SHAPE), torch.zeros(SHAPE)
    index_ours, index_theirs = INDICES[name](_ours), INDICES[name](_theirs)
    shape = tuple(theirs[index_theirs].shape)
    value = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) + 1
    ours[index_ours] = Tensor(value)
    theirs[index_theirs] = torch.tensor(value)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_out_of_range_names_the_shape():
    with pytest.raises(IndexError, match=r"getitem: .* \(tensor of shape \(2, 3, 4\)\)"):
        mg.zeros(2, 3, 4)[1, :, [0, 9]]
