"""minigrad.nn.functional: every function's values and gradients against PyTorch (float64) and
finite differences, on shapes hypothesis draws; the fused losses' stability; the errors."""

import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import minigrad.rng
from minigrad import gradcheck
from minigrad.nn import functional as F
from minigrad.tensor import Tensor, float64, int64

from .helpers import assert_close, leaf

sizes = st.integers(1, 5)
seeds = st.integers(0, 2**32 - 1)
reductions = pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
examples = settings(max_examples=25, deadline=None)


def compare_with_torch(torch, our_op, torch_op, arrays, seed=0):
    """Run both ops on the same float64 arrays: equal outputs, and equal gradients of every array
    for the same random upstream gradient."""
    ours = [leaf(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = our_op(*ours), torch_op(*theirs)
    assert out.shape == tuple(expected.shape)
    assert_close(out.data, expected)
    upstream = np.asarray(np.random.default_rng(seed).standard_normal(out.shape))
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for our_input, their_input in zip(ours, theirs):
        assert our_input.grad is not None
        assert_close(our_input.grad, their_input.grad)


# ---------------------------------------------------------------------- linear


@examples
@given(
    leading=st.lists(st.integers(1, 3), max_size=2),
    in_features=sizes,
    out_features=sizes,
    with_bias=st.booleans(),
    seed=seeds,
)
def test_linear_matches_torch(leading, in_features, out_features, with_bias, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((*leading, in_features)), rng.standard_normal((out_features, in_features))]
    if with_bias:
        arrays.append(rng.standard_normal(out_features))
    compare_with_torch(torch, F.linear, torch.nn.functional.linear, arrays, seed)


def test_linear_is_one_node_whose_parents_are_input_weight_and_bias():
    x, w, b = leaf(np.ones((2, 3))), leaf(np.ones((4, 3))), leaf(np.ones(4))
    out = F.linear(x, w, b)
    assert out._op == "linear"
    assert out._prev == (x, w, b)


class MatmulCounter(np.ndarray):
    """An array that counts the matrix products it takes part in."""

    count = 0

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc is np.matmul:
            MatmulCounter.count += 1
        inputs = tuple(i.view(np.ndarray) if isinstance(i, MatmulCounter) else i for i in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)


@pytest.mark.parametrize("input_requires_grad, products", [(False, 0), (True, 1)])
def test_linear_computes_the_input_gradient_only_when_the_input_requires_it(input_requires_grad, products):
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((5, 3)), dtype=float64, requires_grad=input_requires_grad)
    w = leaf(rng.standard_normal((4, 3)))
    # The weight's data takes part in the forward product and in the input's gradient, not the weight's.
    w.data = w.data.view(MatmulCounter)
    out = F.linear(x, w)
    MatmulCounter.count = 0
    out.sum().backward()
    assert MatmulCounter.count == products
    np.testing.assert_allclose(w.grad, np.ones((4, 5)) @ x.data)
    assert (x.grad is not None) == input_requires_grad


@pytest.mark.parametrize(
    "x_shape, w_shape, b_shape, named",
    [
        ((2, 3), (4, 2), None, ["(2, 3)", "(4, 2)"]),
        ((2, 3), (4, 3), (3,), ["(3,)", "(4, 3)"]),
        ((), (4, 3), None, ["()", "(4, 3)"]),
    ],
)
def test_linear_names_the_shapes_that_do_not_fit(x_shape, w_shape, b_shape, named):
    bias = None if b_shape is None else Tensor(np.zeros(b_shape))
    with pytest.raises(ValueError, match="linear") as error:
        F.linear(Tensor(np.zeros(x_shape)), Tensor(np.zeros(w_shape)), bias)
    for shape in named:
        assert shape in str(error.value)


# ---------------------------------------------------------------------- activations and movement

ELEMENTWISE = {
    "relu": (F.relu, lambda torch, x: torch.nn.functional.relu(x)),
    "tanh": (F.tanh, lambda torch, x: torch.tanh(x)),
    "sigmoid": (F.sigmoid, lambda torch, x: torch.sigmoid(x)),
    "gelu": (F.gelu, lambda torch, x: torch.nn.functional.gelu(x)),
    "gelu_tanh": (
        lambda x: F.gelu(x, approximate="tanh"),
        lambda torch, x: torch.nn.functional.gelu(x, approximate="tanh"),
    ),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
@examples
@given(shape=st.lists(sizes, min_size=1, max_size=3), seed=seeds)
def test_activation_matches_torch(name, shape, seed):
    torch = pytest.importorskip("torch")
    ours, theirs = ELEMENTWISE[name]
    x = 3 * np.random.default_rng(seed).standard_normal(shape)
    compare_with_torch(torch, ours, lambda t: theirs(torch, t), [x], seed)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@examples
@given(shape=st.lists(sizes, min_size=1, max_size=3), data=st.data(), seed=seeds)
def test_softmax_along_any_dim_matches_torch(name, shape, data, seed):
    torch = pytest.importorskip("torch")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = 3 * np.random.default_rng(seed).standard_normal(shape)
    compare_with_torch(torch, lambda t: getattr(F, name)(t, dim), lambda t: getattr(torch, name)(t, dim), [x], seed)


@examples
@given(shape=st.lists(sizes, min_size=1, max_size=4), data=st.data(), seed=seeds)
def test_flatten_matches_torch(shape, data, seed):
    torch = pytest.importorskip("torch")
    start = data.draw(st.integers(0, len(shape) - 1))
    end = data.draw(st.integers(start, len(shape) - 1)) - len(shape) * data.draw(st.booleans())
    x = np.random.default_rng(seed).standard_normal(shape)
    compare_with_torch(torch, lambda t: F.flatten(t, start, end), lambda t: torch.flatten(t, start, end), [x], seed)


# ---------------------------------------------------------------------- dropout


@pytest.fixture
def restore_default_generator(monkeypatch):
    # manual_seed rebinds the module-level generator; put the original back for the other tests.
    monkeypatch.setattr(minigrad.rng, "_default_generator", minigrad.rng._default_generator)


def test_dropout_outside_training_changes_nothing_and_passes_the_gradient_through():
    x = leaf(np.random.default_rng(0).standard_normal((4, 5)))
    out = F.dropout(x, 0.5, training=False)
    np.testing.assert_array_equal(out.data, x.data)
    out.backward(np.full((4, 5), 2.0))
    np.testing.assert_array_equal(x.grad, np.full((4, 5), 2.0))


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_zeroes_about_p_of_the_elements_and_scales_the_rest(p):
    x = leaf(np.random.default_rng(0).uniform(1, 2, (200, 100)))
    out = F.dropout(x, p, generator=1)
    kept = out.data != 0
    assert abs((~kept).mean() - p) < 0.02
    np.testing.assert_allclose(out.data[kept], x.data[kept] / (1 - p))
    out.sum().backward()
    np.testing.assert_allclose(x.grad, kept / (1 - p))


def test_dropout_with_p_0_or_1_keeps_or_drops_everything():
    x = leaf(np.ones((3, 4)))
    np.testing.assert_array_equal(F.dropout(x, 0.0).data, x.data)
    dropped = F.dropout(x, 1.0)
    dropped.sum().backward()
    np.testing.assert_array_equal(dropped.data, np.zeros((3, 4)))
    np.testing.assert_array_equal(x.grad, np.zeros((3, 4)))


def test_dropout_masks_are_reproducible_from_a_seed(restore_default_generator):
    x = Tensor(np.ones((8, 8)))
    assert np.array_equal(F.dropout(x, generator=3).data, F.dropout(x, generator=3).data)
    assert not np.array_equal(F.dropout(x, generator=3).data, F.dropout(x, generator=4).data)
    generator = np.random.default_rng(5)
    first, second = F.dropout(x, generator=generator), F.dropout(x, generator=generator)
    assert not np.array_equal(first.data, second.data)
    minigrad.manual_seed(7)
    from_default = F.dropout(x).data
    minigrad.manual_seed(7)
    np.testing.assert_array_equal(F.dropout(x).data, from_default)
    np.testing.assert_array_equal(np.random.default_rng(5).random((8, 8)) >= 0.5, first.data != 0)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_a_probability_outside_0_to_1(p):
    with pytest.raises(ValueError, match=re.escape(f"dropout: probability p must be between 0 and 1, got {p}")):
        F.dropout(Tensor(np.ones(3)), p)


# ---------------------------------------------------------------------- normalisation


@examples
@given(
    leading=st.lists(st.integers(1, 3), max_size=2),
    normalized_shape=st.lists(st.integers(1, 4), min_size=1, max_size=2),
    affine_arrays=st.sampled_from([0, 1, 2]),
    seed=seeds,
)
def test_layer_norm_matches_torch(leading, normalized_shape, affine_arrays, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    # No affine arrays, a weight, or a weight and a bias.
    arrays = [rng.standard_normal((*leading, *normalized_shape))]
    arrays += [rng.standard_normal(normalized_shape) for _ in range(affine_arrays)]
    shape = tuple(normalized_shape)
    compare_with_torch(
        torch,
        lambda x, *affine: F.layer_norm(x, shape, *affine),
        lambda x, *affine: torch.nn.functional.layer_norm(x, shape, *affine),
        arrays,
        seed,
    )


@examples
@given(
    batch=st.integers(1, 4),
    channels=sizes,
    spatial=st.lists(st.integers(1, 3), max_size=2),
    training=st.booleans(),
    affine=st.booleans(),
    momentum=st.sampled_from([0.1, 0.5]),
    seed=seeds,
)
def test_batch_norm_matches_torch_including_the_running_statistics(
    batch, channels, spatial, training, affine, momentum, seed
):
    torch = pytest.importorskip("torch")
    assume(not training or batch * np.prod(spatial, dtype=int) > 1)
    rng = np.random.default_rng(seed)
    mean, var = rng.standard_normal(channels), rng.uniform(0.5, 2, channels)
    our_mean, our_var = Tensor(mean, dtype=float64), Tensor(var, dtype=float64)
    their_mean, their_var = torch.tensor(mean), torch.tensor(var)
    arrays = [rng.standard_normal((batch, channels, *spatial))]
    if affine:
        arrays += [rng.standard_normal(channels), rng.standard_normal(channels)]
    options = dict(training=training, momentum=momentum)
    compare_with_torch(
        torch,
        lambda x, *affine: F.batch_norm(x, our_mean, our_var, *affine, **options),
        lambda x, *affine: torch.nn.functional.batch_norm(x, their_mean, their_var, *affine, **options),
        arrays,
        seed,
    )
    assert_close(our_mean.data, their_mean)
    assert_close(our_var.data, their_var)


def test_batch_norm_training_without_running_statistics_uses_the_batch_alone():
    x = Tensor(np.random.default_rng(0).standard_normal((6, 3)) * 5 + 2, dtype=float64)
    out = F.batch_norm(x, None, None, training=True)
    np.testing.assert_allclose(out.data.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.data.var(axis=0), 1, rtol=1e-4)


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda x: F.layer_norm(x, 4), "layer_norm: input of shape (2, 3) does not end in normalized_shape (4,)"),
        (
            lambda x: F.layer_norm(x, 3, weight=Tensor(np.ones(2))),
            "layer_norm: weight of shape (2,) does not fit input of shape (2, 3) (expected (3,))",
        ),
        (
            lambda x: F.batch_norm(x, Tensor(np.zeros(4)), Tensor(np.ones(3))),
            "batch_norm: running_mean of shape (4,) does not fit input of shape (2, 3) (expected (3,))",
        ),
        (
            lambda x: F.batch_norm(x[0], None, None, training=True),
            "batch_norm: expected input of shape (N, C, ...), got (3,)",
        ),
    ],
)
def test_norms_name_the_shapes_that_do_not_fit(call, expected):
    with pytest.raises(ValueError, match=re.escape(expected)):
        call(Tensor(np.zeros((2, 3))))


def test_batch_norm_says_what_it_lacks():
    with pytest.raises(ValueError, match=re.escape("more than one value per channel, got input of shape (1, 3)")):
        F.batch_norm(Tensor(np.zeros((1, 3))), None, None, training=True)
    with pytest.raises(ValueError, match="running_mean and running_var"):
        F.batch_norm(Tensor(np.zeros((2, 3))), None, None, training=False)


# ---------------------------------------------------------------------- losses


def elementwise_loss_arrays(name, shape, rng):
    """An input and a target in the range each loss is defined on."""
    if name == "binary_cross_entropy":
        return rng.uniform(0.05, 0.95, shape), rng.uniform(0, 1, shape)
    if name == "binary_cross_entropy_with_logits":
        return 3 * rng.standard_normal(shape), rng.uniform(0, 1, shape)
    return rng.standard_normal(shape), rng.standard_normal(shape)


ELEMENTWISE_LOSSES = ["mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"]
CLASS_LOSSES = ["cross_entropy", "nll_loss"]


@pytest.mark.parametrize("name", ELEMENTWISE_LOSSES)
@reductions
@examples
@given(shape=st.lists(sizes, min_size=1, max_size=3), seed=seeds)
def test_elementwise_loss_matches_torch_for_input_and_target(name, reduction, shape, seed):
    torch = pytest.importorskip("torch")
    arrays = elementwise_loss_arrays(name, shape, np.random.default_rng(seed))
    compare_with_torch(
        torch,
        lambda x, t: getattr(F, name)(x, t, reduction=reduction),
        lambda x, t: getattr(torch.nn.functional, name)(x, t, reduction=reduction),
        arrays,
        seed,
    )


@pytest.mark.parametrize("name", CLASS_LOSSES)
@reductions
@examples
@given(
    batch=st.lists(st.integers(1, 4), max_size=1),
    classes=sizes,
    extra=st.lists(st.integers(1, 3), max_size=1),
    seed=seeds,
)
def test_class_loss_matches_torch(name, reduction, batch, classes, extra, seed):
    torch = pytest.importorskip("torch")
    assume(batch or not extra)
    rng = np.random.default_rng(seed)
    # (C,) with a 0-d target, (N, C) with (N,), or (N, C, d) with (N, d).
    scores = 3 * rng.standard_normal((*batch, classes, *extra))
    labels = rng.integers(0, classes, (*batch, *extra))
    compare_with_torch(
        torch,
        lambda x: getattr(F, name)(x, minigrad.tensor(labels), reduction=reduction),
        lambda x: getattr(torch.nn.functional, name)(x, torch.tensor(labels), reduction=reduction),
        [scores],
        seed,
    )


def test_cross_entropy_is_one_node_equal_to_log_softmax_then_nll_loss():
    logits = leaf(np.random.default_rng(0).standard_normal((4, 3)))
    labels = minigrad.tensor([0, 2, 1, 2])
    fused = F.cross_entropy(logits, labels)
    assert fused._op == "cross_entropy" and fused._prev == (logits,)
    composed = F.nll_loss(F.log_softmax(logits, dim=1), labels)
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    fused.backward()
    fused_grad, logits.grad = logits.grad, None
    composed.backward()
    np.testing.assert_allclose(fused_grad, logits.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropy_stays_finite_and_exact_at_logits_of_1e4(dtype):
    torch = pytest.importorskip("torch")
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 1e4]])
    labels = np.array([1, 1, 0])
    ours = Tensor(logits, dtype=dtype, requires_grad=True)
    theirs = torch.tensor(logits, dtype=getattr(torch, dtype), requires_grad=True)
    loss = F.cross_entropy(ours, minigrad.tensor(labels))
    expected = torch.nn.functional.cross_entropy(theirs, torch.tensor(labels))
    loss.backward()
    expected.backward()
    assert loss.dtype == np.dtype(dtype) and np.isfinite(loss.data) and np.all(np.isfinite(ours.grad.numpy()))
    np.testing.assert_allclose(loss.data, (2e4 + 0 + 1e4) / 3)
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), atol=1e-7)


def test_binary_cross_entropy_with_logits_stays_finite_at_logits_of_1e4():
    z = leaf([1e4, -1e4, 1e4, -1e4])
    loss = F.binary_cross_entropy_with_logits(z, Tensor([0.0, 1.0, 1.0, 0.0], dtype=float64), reduction="none")
    loss.sum().backward()
    np.testing.assert_array_equal(loss.data, [1e4, 1e4, 0, 0])
    np.testing.assert_array_equal(z.grad, [1, -1, 0, 0])


def test_binary_cross_entropy_at_probabilities_0_and_1_is_finite_as_in_torch():
    torch = pytest.importorskip("torch")
    p, t = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    ours, target = leaf(p), leaf(t)
    theirs = torch.tensor(p, requires_grad=True)
    loss = F.binary_cross_entropy(ours, target, reduction="sum")
    expected = torch.nn.functional.binary_cross_entropy(theirs, torch.tensor(t), reduction="sum")
    loss.backward()
    expected.backward()
    assert_close(loss.data, expected)
    assert_close(ours.grad, theirs.grad)
    # The slope in the target is that of the clamped loss (PyTorch's is infinite there).
    np.testing.assert_array_equal(target.grad, [100, -100, 100, -100])


@reductions
def test_reductions_are_the_mean_the_sum_and_each_element(reduction):
    x, t = Tensor([1.0, 2.0, 4.0]), Tensor([0.0, 0.0, 0.0])
    expected = {"mean": 7.0, "sum": 21.0, "none": [1.0, 4.0, 16.0]}[reduction]
    np.testing.assert_allclose(F.mse_loss(x, t, reduction=reduction).data, expected)


# ---------------------------------------------------------------------- loss errors

ALL_LOSSES = ELEMENTWISE_LOSSES + CLASS_LOSSES


def loss_inputs(name, batch=4):
    if name in CLASS_LOSSES:
        return Tensor(np.zeros((batch, 3))), minigrad.tensor(np.zeros(batch, dtype=np.int64))
    return Tensor(np.full(batch, 0.5)), Tensor(np.full(batch, 0.5))


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_a_bad_reduction_is_named(name):
    with pytest.raises(ValueError, match=re.escape(f"{name}: reduction must be 'mean', 'sum' or 'none', got 'avg'")):
        getattr(F, name)(*loss_inputs(name), reduction="avg")


@pytest.mark.parametrize("name", ELEMENTWISE_LOSSES)
def test_a_target_of_another_shape_is_refused_naming_both_shapes(name):
    # The classic slip: a (N, 1) output against a (N,) target, which would broadcast to (N, N).
    expected = f"{name}: target of shape (4,) does not match input of shape (4, 1)"
    with pytest.raises(ValueError, match=re.escape(expected)):
        getattr(F, name)(Tensor(np.full((4, 1), 0.5)), Tensor(np.full(4, 0.5)))


@pytest.mark.parametrize("name", CLASS_LOSSES)
@pytest.mark.parametrize("input_shape, target_shape", [((4, 3), (5,)), ((4, 3), (4, 3)), ((3,), (1,)), ((), ())])
def test_class_targets_that_do_not_fit_name_both_shapes(name, input_shape, target_shape):
    expected = f"{name}: target of shape {target_shape} does not fit input of shape {input_shape}"
    with pytest.raises(ValueError, match=re.escape(expected)):
        getattr(F, name)(Tensor(np.zeros(input_shape)), minigrad.tensor(np.zeros(target_shape, dtype=np.int64)))


@pytest.mark.parametrize("name", CLASS_LOSSES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_class_losses_refuse_float_targets_naming_the_dtype(name, dtype):
    with pytest.raises(TypeError, match=f"{name}: target must hold class indices.*not {dtype}"):
        getattr(F, name)(Tensor(np.zeros((2, 3))), Tensor([0.0, 1.0], dtype=dtype))


@pytest.mark.parametrize("name", CLASS_LOSSES)
@pytest.mark.parametrize("label", [3, -1])
def test_class_labels_out_of_range_are_named(name, label):
    expected = f"{name}: class label {label} is out of range for 3 classes (0 to 2)"
    with pytest.raises(IndexError, match=re.escape(expected)):
        getattr(F, name)(Tensor(np.zeros((2, 3))), Tensor([0, label], dtype=int64))


def test_binary_cross_entropy_refuses_values_that_are_not_probabilities():
    expected = "probabilities in [0, 1], got values from -0.5 to 2.0; binary_cross_entropy_with_logits"
    with pytest.raises(ValueError, match=re.escape(expected)):
        F.binary_cross_entropy(Tensor([-0.5, 2.0]), Tensor([0.0, 1.0]))


# ---------------------------------------------------------------------- finite differences


def _gradcheck_cases():
    rng = np.random.default_rng(0)
    normal = rng.standard_normal
    labels = minigrad.tensor([0, 2, 1, 2])
    running_mean, running_var = Tensor(normal(3), dtype=float64), Tensor(rng.uniform(0.5, 2, 3), dtype=float64)
    return {
        "linear": (F.linear, [normal((3, 4)), normal((2, 4)), normal(2)]),
        "linear_3d_input": (F.linear, [normal((2, 3, 4)), normal((2, 4)), normal(2)]),
        "relu": (F.relu, [normal((3, 4))]),
        "tanh": (F.tanh, [normal((3, 4))]),
        "sigmoid": (F.sigmoid, [normal((3, 4))]),
        "gelu": (F.gelu, [normal((3, 4))]),
        "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), [normal((3, 4))]),
        "softmax": (lambda x: F.softmax(x, 0), [normal((3, 4))]),
        "log_softmax": (lambda x: F.log_softmax(x, -1), [normal((3, 4))]),
        "flatten": (lambda x: F.flatten(x, 1), [normal((2, 3, 2))]),
        "dropout": (lambda x: F.dropout(x, 0.3, generator=0), [normal((3, 4))]),
        "layer_norm": (
            lambda x, w, b: F.layer_norm(x, (2, 3), w, b),
            [normal((2, 2, 3)), normal((2, 3)), normal((2, 3))],
        ),
        "batch_norm_training": (
            lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
            [normal((4, 3, 2)), normal(3), normal(3)],
        ),
        "batch_norm_eval": (
            lambda x, w, b: F.batch_norm(x, running_mean, running_var, w, b),
            [normal((2, 3, 2, 2)), normal(3), normal(3)],
        ),
        "mse_loss": (F.mse_loss, [normal(5), normal(5)]),
        "l1_loss": (lambda x, t: F.l1_loss(x, t, reduction="sum"), [normal(5), normal(5)]),
        "binary_cross_entropy": (F.binary_cross_entropy, [rng.uniform(0.1, 0.9, 5), rng.uniform(0, 1, 5)]),
        "binary_cross_entropy_with_logits": (
            lambda z, t: F.binary_cross_entropy_with_logits(z, t, reduction="none"),
            [normal(5), rng.uniform(0, 1, 5)],
        ),
        "cross_entropy": (lambda x: F.cross_entropy(x, labels), [normal((4, 3))]),
        "nll_loss": (lambda x: F.nll_loss(x, labels, reduction="sum"), [normal((4, 3))]),
    }


GRADCHECK_CASES = _gradcheck_cases()


@pytest.mark.parametrize("name", GRADCHECK_CASES)
def test_gradients_match_finite_differences(name):
    fn, arrays = GRADCHECK_CASES[name]
    assert gradcheck(fn, [leaf(a) for a in arrays])
