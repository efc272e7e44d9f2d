"""Movement, indexing and einsum ops against PyTorch float64 (values, gradients, dtypes) and
finite differences, and their errors naming the op and the shapes."""

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, float32, gradcheck
from tests.helpers import assert_close, leaf

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
A34 = rng.standard_normal((3, 4))
A234 = rng.standard_normal((2, 3, 4))
A44 = rng.standard_normal((4, 4))
V4 = rng.standard_normal(4)
IDX_GATHER = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])
# No position twice in a row: which of two writes scatter keeps is unspecified, in PyTorch too.
IDX_SCATTER = np.array([[0, 2, 1], [1, 0, 3]])
MASK = np.array([True, False, True, True])

# (name, minigrad function, torch function, input arrays): the functions take the inputs in order.
CASES = [
    ("flip", lambda x: x.flip(0), lambda x: x.flip(0), [A34]),
    ("flip dims", lambda x: x.flip((0, -1)), lambda x: x.flip((0, -1)), [A234]),
    ("roll", lambda x: x.roll(1, 1), lambda x: x.roll(1, 1), [A34]),
    ("roll dims", lambda x: x.roll((2, -1), (0, 2)), lambda x: x.roll((2, -1), (0, 2)), [A234]),
    ("roll flat", lambda x: x.roll(5), lambda x: x.roll(5), [A34]),
    ("repeat", lambda x: x.repeat(2, 3), lambda x: x.repeat(2, 3), [A34]),
    ("repeat new dims", lambda x: x.repeat(2, 1, 2), lambda x: x.repeat(2, 1, 2), [A34]),
    ("repeat_interleave", lambda x: x.repeat_interleave(2, dim=1), lambda x: x.repeat_interleave(2, dim=1), [A34]),
    (
        "repeat_interleave counts",
        lambda x: x.repeat_interleave(minigrad.tensor([1, 0, 3]), dim=0),
        lambda x: x.repeat_interleave(torch.tensor([1, 0, 3]), dim=0),
        [A34],
    ),
    ("repeat_interleave flat", lambda x: x.repeat_interleave(2), lambda x: x.repeat_interleave(2), [A34]),
    ("split int", lambda x: x.split(3, 1)[1], lambda x: x.split(3, 1)[1], [A34]),
    ("split list", lambda x: x.split([1, 2])[1] * 2, lambda x: x.split([1, 2])[1] * 2, [A34]),
    ("chunk", lambda x: x.chunk(3, 1)[-1], lambda x: x.chunk(3, 1)[-1], [A234]),
    ("unflatten", lambda x: x.unflatten(1, (2, -1)), lambda x: x.unflatten(1, (2, -1)), [A34]),
    ("view", lambda x: x.view(4, 3), lambda x: x.view(4, 3), [A34]),
    ("diag of vector", lambda x: x.diag(), lambda x: x.diag(), [V4]),
    ("diag of vector, offset", lambda x: x.diag(-1), lambda x: x.diag(-1), [V4]),
    ("diag of matrix", lambda x: x.diag(1), lambda x: x.diag(1), [A34]),
    ("diagonal", lambda x: x.diagonal(), lambda x: x.diagonal(), [A34]),
    ("diagonal dims", lambda x: x.diagonal(-1, 0, 2), lambda x: x.diagonal(-1, 0, 2), [A234]),
    ("tril", lambda x: x.tril(), lambda x: x.tril(), [A34]),
    ("triu batched", lambda x: x.triu(1), lambda x: x.triu(1), [A234]),
    ("minigrad.tril", lambda x: minigrad.tril(x, -1), lambda x: torch.tril(x, -1), [A34]),
    ("minigrad.triu", lambda x: minigrad.triu(x), lambda x: torch.triu(x), [A34]),
    (
        "gather",
        lambda x: x.gather(0, minigrad.tensor(IDX_GATHER)),
        lambda x: x.gather(0, torch.tensor(IDX_GATHER)),
        [A34],
    ),
    (
        "gather smaller index",
        lambda x: x.gather(1, minigrad.tensor(IDX_SCATTER)),
        lambda x: x.gather(1, torch.tensor(IDX_SCATTER)),
        [A34],
    ),
    (
        "scatter",
        lambda x, s: x.scatter(1, minigrad.tensor(IDX_SCATTER), s),
        lambda x, s: x.scatter(1, torch.tensor(IDX_SCATTER), s),
        [A34, rng.standard_normal((2, 3))],
    ),
    (
        "scatter value",
        lambda x: x.scatter(1, minigrad.tensor(IDX_SCATTER), 2.5),
        lambda x: x.scatter(1, torch.tensor(IDX_SCATTER), 2.5),
        [A34],
    ),
    (
        "scatter_add",
        lambda x, s: x.scatter_add(0, minigrad.tensor(IDX_GATHER), s),
        lambda x, s: x.scatter_add(0, torch.tensor(IDX_GATHER), s),
        [A34, rng.standard_normal((2, 4))],
    ),
    (
        "index_select",
        lambda x: x.index_select(1, minigrad.tensor([3, 0, 3])),
        lambda x: x.index_select(1, torch.tensor([3, 0, 3])),
        [A34],
    ),
    (
        "masked_select",
        lambda x: x.masked_select(minigrad.tensor(MASK)),
        lambda x: x.masked_select(torch.tensor(MASK)),
        [A34],
    ),
    ("einsum matmul", lambda a, b: minigrad.einsum("ij,jk->ik", a, b), lambda a, b: torch.einsum("ij,jk->ik", a, b), [A34, A44]),
    (
        "einsum batched",
        lambda a, b: minigrad.einsum("bij,bjk->bik", a, b),
        lambda a, b: torch.einsum("bij,bjk->bik", a, b),
        [A234, rng.standard_normal((2, 4, 3))],
    ),
    ("einsum outer", lambda a, b: minigrad.einsum("i,j->ij", a, b), lambda a, b: torch.einsum("i,j->ij", a, b), [V4, A34[0, :3]]),
    ("einsum trace", lambda a: minigrad.einsum("ii->", a), lambda a: torch.einsum("ii->", a), [A44]),
    ("einsum diagonal", lambda a: minigrad.einsum("ii->i", a), lambda a: torch.einsum("ii->i", a), [A44]),
    ("einsum sum", lambda a: minigrad.einsum("ijk->j", a), lambda a: torch.einsum("ijk->j", a), [A234]),
    ("einsum transpose", lambda a: minigrad.einsum("ij->ji", a), lambda a: torch.einsum("ij->ji", a), [A34]),
    ("einsum implicit", lambda a, b: minigrad.einsum("ij,jk", a, b), lambda a, b: torch.einsum("ij,jk", a, b), [A34, A44]),
    ("einsum dot", lambda a, b: minigrad.einsum("i,i->", a, b), lambda a, b: torch.einsum("i,i->", a, b), [V4, V4[::-1].copy()]),
    (
        "einsum ellipsis",
        lambda a, b: minigrad.einsum("...ij,...jk->...ik", a, b),
        lambda a, b: torch.einsum("...ij,...jk->...ik", a, b),
        [A234, rng.standard_normal((2, 4, 2))],
    ),
    (
        "einsum three operands",
        lambda a, b, c: minigrad.einsum("ij,jk,k->i", a, b, c),
        lambda a, b, c: torch.einsum("ij,jk,k->i", a, b, c),
        [A34, A44, V4],
    ),
]


@pytest.mark.parametrize("name, ours, theirs, arrays", CASES, ids=[c[0] for c in CASES])
def test_against_torch_and_finite_differences(name, ours, theirs, arrays):
    inputs = [leaf(a.copy()) for a in arrays]
    torch_inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = ours(*inputs), theirs(*torch_inputs)
    assert out.shape == tuple(expected.shape)
    assert str(out.dtype) == str(expected.dtype).removeprefix("torch.")
    assert_close(out.data, expected)
    upstream = rng.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    for x, t in zip(inputs, torch_inputs):
        assert_close(np.asarray(x.grad), t.grad)
    gradcheck(ours, [leaf(a.copy()) for a in arrays])


@pytest.mark.parametrize("name, ours, theirs, arrays", CASES, ids=[c[0] for c in CASES])
def test_float32_stays_float32(name, ours, theirs, arrays):
    out = ours(*[Tensor(a, dtype=float32) for a in arrays])
    expected = theirs(*[torch.tensor(a, dtype=torch.float32) for a in arrays])
    assert out.dtype == float32 and expected.dtype == torch.float32


def test_split_and_chunk_give_torch_pieces():
    x = Tensor(np.arange(10.0))
    assert [p.shape for p in x.split(4)] == [tuple(p.shape) for p in torch.arange(10.0).split(4)]
    for chunks in (1, 3, 4, 6, 11):
        ours = [p.shape for p in x.chunk(chunks)]
        assert ours == [tuple(p.shape) for p in torch.arange(10.0).chunk(chunks)], chunks


def test_integer_and_bool_tensors_move_too():
    x = minigrad.tensor(np.arange(6).reshape(2, 3))
    assert x.flip(1).tolist() == torch.arange(6).reshape(2, 3).flip(1).tolist()
    assert x.repeat(1, 2).dtype == x.dtype
    assert x.gather(1, minigrad.tensor([[2], [0]])).tolist() == [[2], [3]]


def test_scatter_src_larger_than_index_uses_its_leading_part():
    # torch's forward does the same; its backward (2.13) rejects this src, so only finite differences here.
    src = rng.standard_normal((2, 4))
    ours = leaf(A34).scatter(1, minigrad.tensor(IDX_SCATTER), leaf(src))
    assert_close(ours.data, torch.tensor(A34).scatter(1, torch.tensor(IDX_SCATTER), torch.tensor(src)))
    gradcheck(lambda x, s: x.scatter(1, minigrad.tensor(IDX_SCATTER), s), [leaf(A34.copy()), leaf(src)])


def test_gather_repeated_index_adds_gradients():
    x = leaf(np.array([1.0, 2.0, 3.0]))
    x.gather(0, minigrad.tensor([2, 2, 0])).sum().backward()
    assert np.asarray(x.grad).tolist() == [1.0, 0.0, 2.0]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda x: x.flip(2), "flip: dim 2 is out of range for a tensor with 2 dimensions"),
        (lambda x: x.roll((1, 2), 0), "roll: 2 shifts for 1 dims"),
        (lambda x: x.repeat(2), r"repeat: 1 sizes \(2,\) for a tensor of shape \(3, 4\)"),
        (lambda x: x.split([1, 1]), r"split: sections \[1, 1\] must .* add up to 3.*shape \(3, 4\)"),
        (lambda x: x.unflatten(1, (3, 2)), r"unflatten: sizes \(3, 2\) do not multiply to 4.*\(3, 4\)"),
        (lambda x: x.unsqueeze(0).diag(), r"diag: expected a 1-D or 2-D tensor, got shape \(1, 3, 4\)"),
        (lambda x: x.gather(0, minigrad.tensor([[5, 0, 0, 0]])), r"gather: index values must lie in \[-3, 2\].*\(3, 4\)"),
        (lambda x: x.gather(0, minigrad.tensor([1, 0])), r"gather: index of shape \(2,\) must have as many dimensions"),
        (lambda x: x.gather(0, Tensor([[0.5]])), "gather: index must hold integers"),
        (lambda x: x.scatter_add(0, minigrad.tensor([[0]]), 1.0), "scatter_add: src must be a Tensor"),
        (lambda x: x.index_select(1, minigrad.tensor([4])), r"index_select: index out of range for dimension 1 of size 4"),
        (lambda x: x.masked_select(minigrad.tensor([True, False])), r"masked_select: mask of shape \(2,\) does not broadcast"),
        (lambda x: minigrad.einsum("ij,jk->ik", x, x), r"einsum: 'ij,jk->ik': subscript 'j' has sizes 4 and 3"),
        (lambda x: minigrad.einsum("ijk->i", x), r"einsum: 'ijk->i': subscripts 'ijk' for an operand of shape \(3, 4\)"),
        (lambda x: minigrad.einsum("ij->k", x), r"einsum: 'ij->k': output subscripts"),
        (lambda x: minigrad.einsum("i1->i", x), "einsum: 'i1->i': subscripts must be letters"),
        (lambda x: minigrad.einsum("ij,jk->ik", x), "einsum: 'ij,jk->ik' has 2 operand subscripts for 1 operands"),
    ],
)
def test_errors_name_the_op_and_shapes(call, message):
    with pytest.raises((ValueError, TypeError, IndexError), match=message):
        call(Tensor(A34))
