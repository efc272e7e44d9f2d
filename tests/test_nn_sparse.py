"""F.pad, F.one_hot, F.embedding with nn.Embedding, and F.normalize against PyTorch float64 (values,
gradients, dtypes, reprs) and finite differences; errors name the op and the shapes."""

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, float32, gradcheck, nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, leaf

torch = pytest.importorskip("torch")
TF = torch.nn.functional

rng = np.random.default_rng(1)

PAD_CASES = [
    ((2, 3, 4), (1, 2), "constant", None),
    ((2, 3, 4), (1, 0, 2, 3), "constant", 1.5),
    ((2, 3, 4), (1, 1, 0, 2, 1, 0), "constant", None),
    ((2, 3, 4), (-1, 2, 0, -1), "constant", None),
    ((5,), (2, 3), "constant", None),
    ((2, 5), (2, 3), "reflect", None),
    ((2, 3, 5), (3, 1), "reflect", None),
    ((1, 2, 4, 5), (1, 2, 3, 0), "reflect", None),
    ((2, 3, 3, 4), (2, 1, 1, 2), "replicate", None),
    ((1, 2, 3, 3, 4), (1, 2, 0, 1, 2, 1), "replicate", None),
    ((2, 3, 4), (1, 3), "replicate", None),
    ((1, 2, 3, 4), (1, 2, 3, 0), "circular", None),
]


@pytest.mark.parametrize("shape, widths, mode, value", PAD_CASES)
def test_pad_against_torch_and_finite_differences(shape, widths, mode, value):
    array = rng.standard_normal(shape)
    kwargs = {} if value is None else {"value": value}
    x, t = leaf(array), torch.tensor(array, requires_grad=True)
    out, expected = F.pad(x, widths, mode=mode, **kwargs), TF.pad(t, widths, mode=mode, **kwargs)
    assert out.shape == tuple(expected.shape) and out.dtype == minigrad.float64
    assert_close(out.data, expected)
    upstream = rng.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    assert_close(np.asarray(x.grad), t.grad)
    gradcheck(lambda a: F.pad(a, widths, mode=mode, **kwargs), [leaf(array)])
    assert F.pad(Tensor(array, dtype=float32), widths, mode=mode, **kwargs).dtype == float32


@pytest.mark.parametrize(
    "shape, widths, mode, message",
    [
        ((2, 3), (1, 2, 3), "constant", r"pad: pad must hold an even number of integers, got \(1, 2, 3\)"),
        ((3,), (1, 1, 1, 1), "constant", r"pad: \(1, 1, 1, 1\) pads 2 dimensions, but the input of shape \(3,\) has 1"),
        ((2, 3), (0, 0, -2, -1), "constant", r"pad: .* crops more than the input of shape \(2, 3\)"),
        ((2, 3), (3, 0), "reflect", r"pad: padding \(3, 0\) is too large .* 'reflect' and input of shape \(2, 3\)"),
        ((4,), (1, 1), "reflect", r"pad: mode 'reflect' pads the last 1 to 3 dimensions.*shape \(4,\)"),
        ((2, 3), (1, 1), "wrap", "pad: mode must be 'constant', 'reflect', 'replicate' or 'circular'"),
    ],
)
def test_pad_errors(shape, widths, mode, message):
    with pytest.raises(ValueError, match=message):
        F.pad(Tensor(np.zeros(shape)), widths, mode=mode)


def test_one_hot_matches_torch():
    labels = [3, 0, 2, 2]
    for num_classes in (-1, 6):
        ours = F.one_hot(minigrad.tensor(labels), num_classes)
        theirs = TF.one_hot(torch.tensor(labels), num_classes)
        assert ours.dtype == minigrad.int64 and theirs.dtype == torch.int64
        assert ours.tolist() == theirs.tolist()
    assert F.one_hot(minigrad.tensor([[1, 0]]), 3).shape == (1, 2, 3)


@pytest.mark.parametrize(
    "labels, num_classes, error, message",
    [
        ([0.0, 1.0], -1, TypeError, "one_hot: expected an integer"),
        ([0, 3], 3, ValueError, "one_hot: class value 3 is not below num_classes=3"),
        ([-1], 3, ValueError, "one_hot: class values must be non-negative"),
    ],
)
def test_one_hot_errors(labels, num_classes, error, message):
    with pytest.raises(error, match=message):
        F.one_hot(minigrad.tensor(labels), num_classes)


@pytest.mark.parametrize("padding_idx", [None, 1, -1])
def test_embedding_against_torch(padding_idx):
    table = rng.standard_normal((5, 3))
    index = [[0, 1, 1], [4, 1, 0]]  # row 1 three times: its gradients add up
    w, tw = leaf(table), torch.tensor(table, requires_grad=True)
    out = F.embedding(minigrad.tensor(index), w, padding_idx)
    expected = TF.embedding(torch.tensor(index), tw, padding_idx)
    assert_close(out.data, expected)
    upstream = rng.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    assert_close(np.asarray(w.grad), tw.grad)
    # The padding row is used but given no gradient on purpose, so finite differences check the rule
    # without it, and the padding row's gradient is checked to be zero.
    gradcheck(lambda a: F.embedding(minigrad.tensor(index), a), [leaf(table)])
    if padding_idx is not None:
        assert not np.asarray(w.grad)[padding_idx].any()


def test_embedding_module_repr_init_and_padding_row():
    layer = nn.Embedding(10, 4, padding_idx=2, generator=np.random.default_rng(0))
    assert repr(layer) == repr(torch.nn.Embedding(10, 4, padding_idx=2)) == "Embedding(10, 4, padding_idx=2)"
    assert repr(nn.Embedding(7, 3)) == repr(torch.nn.Embedding(7, 3))
    assert np.all(layer.weight.data[2] == 0) and layer.weight.dtype == float32
    big = nn.Embedding(1000, 100, generator=np.random.default_rng(0)).weight.data
    assert abs(big.mean()) < 0.01 and abs(big.std() - 1) < 0.01  # N(0, 1), as PyTorch's
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    out = layer(minigrad.tensor([[2, 3]]))
    assert out.shape == (1, 2, 4)


def test_embedding_errors():
    w = Tensor(np.zeros((5, 3)))
    with pytest.raises(IndexError, match=r"embedding: index 5 is out of range for weight of shape \(5, 3\)"):
        F.embedding(minigrad.tensor([5]), w)
    with pytest.raises(TypeError, match="embedding: expected an integer"):
        F.embedding(Tensor([1.0]), w)
    with pytest.raises(ValueError, match="Embedding: padding_idx must be an integer within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)


@pytest.mark.parametrize("p, dim", [(2.0, 1), (1.0, 0), (3.0, -1), (2.0, 0)])
def test_normalize_against_torch(p, dim):
    array = rng.standard_normal((3, 4))
    array[1] = 0  # a zero row along dim 1: the norm is below eps
    x, t = leaf(array), torch.tensor(array, requires_grad=True)
    out, expected = F.normalize(x, p=p, dim=dim), TF.normalize(t, p=p, dim=dim)
    assert_close(out.data, expected)
    upstream = rng.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    assert_close(np.asarray(x.grad), t.grad)
    smooth = rng.standard_normal((3, 4))
    gradcheck(lambda a: F.normalize(a, p=p, dim=dim), [leaf(smooth)])
    assert F.normalize(Tensor(smooth, dtype=float32), p=p, dim=dim).dtype == float32


def test_normalize_errors():
    with pytest.raises(TypeError, match="normalize: expected a floating-point input, got int64"):
        F.normalize(minigrad.tensor([[1, 2]]))
    with pytest.raises(IndexError, match=r"normalize: dim 2 is out of range for input of shape \(1, 2\)"):
        F.normalize(Tensor([[1.0, 2.0]]), dim=2)
