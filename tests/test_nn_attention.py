"""Attention and RMS normalisation: scaled_dot_product_attention, MultiheadAttention and rms_norm
against PyTorch (float64 values and gradients) and finite differences, with their masks and errors."""

import numpy as np
import pytest

import minigrad
from minigrad import gradcheck
from minigrad.nn import functional as F
from minigrad.nn import MultiheadAttention, RMSNorm
from minigrad.tensor import Tensor, float64

from .helpers import assert_close, leaf

torch = pytest.importorskip("torch")


def arrays(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def compare(our_op, torch_op, inputs, seed=1):
    """Equal outputs, and equal gradients of every input for one random upstream gradient."""
    ours = [leaf(a) for a in inputs]
    theirs = [torch.tensor(a, requires_grad=True) for a in inputs]
    out, expected = our_op(*ours), torch_op(*theirs)
    assert out.shape == tuple(expected.shape) and out.dtype == np.float64
    assert_close(out.data, expected)
    upstream = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for our_input, their_input in zip(ours, theirs):
        assert_close(our_input.grad.numpy(), their_input.grad)
    return out


# ---------------------------------------------------------------------- scaled_dot_product_attention

SDPA_SHAPES = [
    ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)),  # batch, heads, 4 queries over 6 keys
    ((4, 5), (4, 5), (4, 3)),  # one sequence, no batch
    ((2, 1, 4, 5), (3, 6, 5), (3, 6, 2)),  # leading axes broadcast
]


@pytest.mark.parametrize("shapes", SDPA_SHAPES)
@pytest.mark.parametrize("is_causal", [False, True])
def test_sdpa_matches_torch(shapes, is_causal):
    compare(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=is_causal),
        lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=is_causal),
        arrays(*shapes),
    )


def test_sdpa_with_a_scale_a_boolean_and_a_float_mask_matches_torch():
    q, k, v = arrays((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7))
    allowed = np.random.default_rng(2).random((2, 1, 4, 6)) > 0.4
    allowed[..., 0] = True
    bias = np.random.default_rng(3).standard_normal((4, 6))
    for mask, their_mask in ((minigrad.tensor(allowed), torch.from_numpy(allowed)), (Tensor(bias, dtype=float64), torch.from_numpy(bias))):
        compare(
            lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.3),
            lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=their_mask, scale=0.3),
            [q, k, v],
        )


def test_a_query_that_may_attend_to_nothing_gets_zeros_as_in_torch():
    q, k, v = arrays((3, 4), (5, 4), (5, 2))
    allowed = np.ones((3, 5), dtype=bool)
    allowed[1] = False
    out = compare(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=minigrad.tensor(allowed)),
        lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=torch.from_numpy(allowed)),
        [q, k, v],
    )
    assert np.all(out.data[1] == 0) and np.all(np.isfinite(out.data))


def test_sdpa_with_grouped_query_heads_matches_torch():
    compare(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True),
        lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True),
        arrays((2, 4, 3, 5), (2, 2, 3, 5), (2, 2, 3, 6)),
    )


def test_sdpa_gradients_match_finite_differences():
    q, k, v = arrays((2, 3, 4), (2, 3, 4), (2, 3, 2), seed=4)
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), [leaf(q), leaf(k), leaf(v)])
    allowed = minigrad.tensor(np.array([[True, False, True], [True, True, False], [False, False, False]]))
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=allowed), [leaf(q), leaf(k), leaf(v)])


def test_causal_attention_never_looks_ahead():
    x = leaf(arrays((6, 4))[0])
    out = F.scaled_dot_product_attention(x, x, x, is_causal=True)
    out[2].sum().backward()
    assert np.all(x.grad.numpy()[3:] == 0) and np.any(x.grad.numpy()[:3] != 0)


def test_sdpa_dropout_drops_weights_and_keeps_the_expected_output():
    q, k, v = (Tensor(a, dtype=float64) for a in arrays((4, 3), (5, 3), (5, 2)))
    plain = F.scaled_dot_product_attention(q, k, v).numpy()
    minigrad.manual_seed(0)
    first = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy()
    minigrad.manual_seed(0)
    assert np.array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy(), first)
    assert not np.allclose(first, plain)
    mean = np.mean([F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy() for _ in range(4000)], axis=0)
    np.testing.assert_allclose(mean, plain, atol=0.05)
    assert np.all(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy() == 0)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=minigrad.tensor(np.ones((4, 4), bool)), is_causal=True),
         RuntimeError, "attn_mask should not be set when is_causal"),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k[:, :3], v), ValueError, r"same last dimension"),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v[:3]), ValueError, r"same length"),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=minigrad.tensor(np.ones((3, 4), bool))),
         ValueError, r"mask of shape \(3, 4\) does not broadcast"),
        (lambda q, k, v: F.scaled_dot_product_attention(q.long(), k, v), TypeError, "floating-point"),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((4, 4), bool)), TypeError, "as a Tensor"),
        (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, dropout_p=1.5), ValueError, "dropout_p"),
        (lambda q, k, v: F.scaled_dot_product_attention(q[0], k[0], v[0]), ValueError, "at least 2 dimensions"),
    ],
)
def test_sdpa_refuses_bad_input_naming_itself(call, error, message):
    q, k, v = (Tensor(a) for a in arrays((4, 5), (4, 5), (4, 2)))
    with pytest.raises(error, match=message) as raised:
        call(q, k, v)
    assert "scaled_dot_product_attention" in str(raised.value)


# ---------------------------------------------------------------------- MultiheadAttention


def twins(embed_dim=8, num_heads=2, batch_first=True, bias=True, seed=0):
    """Our MultiheadAttention and torch's, in float64, holding the same weights."""
    minigrad.manual_seed(seed)
    ours = MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=batch_first, dtype=float64)
    theirs = torch.nn.MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=batch_first, dtype=torch.float64)
    our_state = ours.state_dict()
    assert list(our_state) == list(theirs.state_dict())
    theirs.load_state_dict({name: torch.from_numpy(t.numpy().copy()) for name, t in our_state.items()})
    return ours, theirs


def causal_masks(length):
    blocked = np.triu(np.ones((length, length), dtype=bool), 1)
    return minigrad.tensor(blocked), torch.from_numpy(blocked)


@pytest.mark.parametrize("batch_first, shape", [(True, (2, 5, 8)), (False, (5, 2, 8)), (True, (5, 8))])
@pytest.mark.parametrize("masked", ["none", "causal bool", "causal float", "padding"])
@pytest.mark.parametrize("average", [True, False])
def test_multihead_attention_matches_torch(batch_first, shape, masked, average):
    ours, theirs = twins(batch_first=batch_first)
    x, memory = arrays(shape, shape, seed=5)
    kwargs, their_kwargs = {}, {}
    if masked == "causal bool":
        kwargs["attn_mask"], their_kwargs["attn_mask"] = causal_masks(5)
        kwargs["is_causal"] = their_kwargs["is_causal"] = True
    elif masked == "causal float":
        square = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
        kwargs["attn_mask"], their_kwargs["attn_mask"] = Tensor(square.numpy(), dtype=float64), square
    elif masked == "padding":
        padding = np.zeros((2, 5), dtype=bool) if len(shape) == 3 else np.zeros(5, dtype=bool)
        padding[..., 3:] = True
        kwargs["key_padding_mask"], their_kwargs["key_padding_mask"] = minigrad.tensor(padding), torch.from_numpy(padding)
    kwargs["average_attn_weights"] = their_kwargs["average_attn_weights"] = average

    our_x, our_memory = leaf(x), leaf(memory)
    their_x, their_memory = torch.tensor(x, requires_grad=True), torch.tensor(memory, requires_grad=True)
    out, weights = ours(our_x, our_memory, our_memory, **kwargs)
    expected, expected_weights = theirs(their_x, their_memory, their_memory, **their_kwargs)
    assert out.shape == tuple(expected.shape) and weights.shape == tuple(expected_weights.shape)
    assert_close(out.numpy(), expected)
    assert_close(weights.numpy(), expected_weights)
    upstream = np.random.default_rng(6).standard_normal(out.shape)
    (out * Tensor(upstream, dtype=float64)).sum().backward()
    expected.backward(torch.from_numpy(upstream))
    assert_close(our_x.grad.numpy(), their_x.grad)
    assert_close(our_memory.grad.numpy(), their_memory.grad)
    their_parameters = dict(theirs.named_parameters())
    for name, parameter in ours.named_parameters():
        assert_close(parameter.grad.numpy(), their_parameters[name].grad)


def test_multihead_attention_without_weights_or_bias_and_its_repr():
    ours, theirs = twins(bias=False)
    x = arrays((2, 3, 8))[0]
    out, weights = ours(Tensor(x, dtype=float64), Tensor(x, dtype=float64), Tensor(x, dtype=float64), need_weights=False)
    expected, _ = theirs(*(torch.from_numpy(x),) * 3, need_weights=False)
    assert weights is None
    assert_close(out.numpy(), expected)
    assert ours.in_proj_bias is None and ours.out_proj.bias is None
    assert repr(ours) == "MultiheadAttention(\n  (out_proj): Linear(in_features=8, out_features=8, bias=False)\n)"


def test_multihead_attention_initialises_as_torch_does():
    ours = MultiheadAttention(64, 4)
    bound = np.sqrt(6 / (64 + 3 * 64))  # Xavier uniform over the (3E, E) in-projection
    weights = ours.in_proj_weight.numpy()
    assert weights.dtype == np.float32 and weights.shape == (192, 64)
    assert np.abs(weights).max() <= bound and np.abs(weights).max() > 0.95 * bound
    assert np.all(ours.in_proj_bias.numpy() == 0) and np.all(ours.out_proj.bias.numpy() == 0)
    assert ours.head_dim == 16 and ours.training


def test_multihead_attention_drops_weights_only_in_training():
    ours, _ = twins()
    ours.dropout = 0.5
    x = Tensor(arrays((2, 3, 8))[0], dtype=float64)
    ours.eval()
    first, second = ours(x, x, x)[0].numpy(), ours(x, x, x)[0].numpy()
    assert np.array_equal(first, second)
    ours.train()
    assert not np.allclose(ours(x, x, x)[0].numpy(), first)


@pytest.mark.parametrize(
    "build, call, error, message",
    [
        (lambda: MultiheadAttention(8, 3), None, ValueError, "divisible by num_heads"),
        (lambda: MultiheadAttention(8, 2, kdim=4), None, NotImplementedError, "kdim"),
        (lambda: MultiheadAttention(8, 2), lambda m, x: m(x, x, x, is_causal=True), RuntimeError, "pass attn_mask too"),
        (lambda: MultiheadAttention(8, 2), lambda m, x: m(x[..., :4], x[..., :4], x[..., :4]), ValueError, r"expected query of shape"),
        (lambda: MultiheadAttention(8, 2), lambda m, x: m(x, x, x, attn_mask=minigrad.tensor(np.ones((2, 2), bool))),
         ValueError, r"attn_mask must have shape \(3, 3\)"),
        (lambda: MultiheadAttention(8, 2), lambda m, x: m(x, x, x, key_padding_mask=minigrad.tensor(np.ones((3, 3), bool))),
         ValueError, r"key_padding_mask must have shape"),
    ],
)
def test_multihead_attention_refuses_bad_input_naming_itself(build, call, error, message):
    x = Tensor(arrays((3, 2, 8))[0])
    with pytest.raises(error, match=message) as raised:
        call(build(), x)
    assert "MultiheadAttention" in str(raised.value)


# ---------------------------------------------------------------------- rms_norm


@pytest.mark.parametrize("shape, normalized", [((3, 5), (5,)), ((2, 3, 4), (3, 4)), ((4,), 4)])
@pytest.mark.parametrize("eps", [None, 1e-6])
@pytest.mark.parametrize("with_weight", [False, True])
def test_rms_norm_matches_torch(shape, normalized, eps, with_weight):
    x, w = arrays(shape, np.atleast_1d(normalized) if isinstance(normalized, int) else normalized, seed=7)
    as_tuple = (normalized,) if isinstance(normalized, int) else normalized  # torch's function takes only tuples
    if with_weight:
        compare(lambda x, w: F.rms_norm(x, normalized, w, eps), lambda x, w: torch.nn.functional.rms_norm(x, as_tuple, w, eps), [x, w])
    else:
        compare(lambda x: F.rms_norm(x, normalized, eps=eps), lambda x: torch.nn.functional.rms_norm(x, as_tuple, eps=eps), [x])


def test_rms_norm_gradients_match_finite_differences_and_its_default_eps_is_the_dtypes():
    x, w = arrays((3, 4), (4,), seed=8)
    assert gradcheck(lambda x, w: F.rms_norm(x, (4,), w), [leaf(x), leaf(w)])
    tiny = Tensor(np.full((1, 2), 1e-5, np.float32))
    expected = torch.nn.functional.rms_norm(torch.from_numpy(tiny.numpy()), (2,))
    np.testing.assert_allclose(F.rms_norm(tiny, (2,)).numpy(), expected.numpy(), rtol=1e-6)
    assert F.rms_norm(tiny, (2,)).dtype == np.float32


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: F.rms_norm(x, (3,)), ValueError, r"does not end in normalized_shape \(3,\)"),
        (lambda x: F.rms_norm(x, (4,), Tensor(np.ones(3))), ValueError, "weight of shape"),
        (lambda x: F.rms_norm(x.long(), (4,)), TypeError, "floating-point"),
    ],
)
def test_rms_norm_refuses_bad_input_naming_itself(call, error, message):
    with pytest.raises(error, match=message) as raised:
        call(Tensor(np.ones((2, 4))))
    assert "rms_norm" in str(raised.value)


def test_rms_norm_module_matches_torch_and_prints_as_torch():
    ours, theirs = RMSNorm((3, 4), dtype=float64), torch.nn.RMSNorm((3, 4), dtype=torch.float64)
    assert repr(ours) == repr(theirs) == "RMSNorm((3, 4), eps=None, elementwise_affine=True)"
    assert repr(RMSNorm(4, eps=1e-6, elementwise_affine=False)) == repr(torch.nn.RMSNorm(4, eps=1e-6, elementwise_affine=False))
    assert RMSNorm(4, elementwise_affine=False).weight is None and list(ours.state_dict()) == list(theirs.state_dict())
    with torch.no_grad():
        theirs.weight.copy_(torch.linspace(0.5, 2, 12, dtype=torch.float64).reshape(3, 4))
    ours.weight.data[...] = theirs.weight.detach().numpy()
    x = arrays((2, 3, 4), seed=9)[0]
    out = compare(ours, theirs, [x])
    assert out.dtype == np.float64
    assert_close(ours.weight.grad.numpy(), theirs.weight.grad)
