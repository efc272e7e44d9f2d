"""minigrad.nn.layers: each layer's output and gradients (input and parameters) against PyTorch's
layer holding the same float64 weights, and against finite differences; BatchNorm's running
statistics; Dropout's modes; initialisation shared with scalar mode; reprs."""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import minigrad.rng
from minigrad import Value, gradcheck
from minigrad.nn import layers as nn
from minigrad.nn.module import Sequential
from minigrad.nn.scalar import MLP, Layer
from minigrad.tensor import Tensor, float32, float64

from .helpers import assert_close, leaf

sizes = st.integers(1, 5)
seeds = st.integers(0, 2**32 - 1)
examples = settings(max_examples=25, deadline=None)
# Our layers and Sequential under torch.nn's names, so that one function builds both models.
OUR_NN = SimpleNamespace(**vars(nn), Sequential=Sequential)


def copy_weights(torch, ours, theirs, seed=0):
    """Give PyTorch's layer random float64 weights (so no default passes by accident) and load them into ours."""
    rng = np.random.default_rng(seed)
    theirs.double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape))))
    ours.double().load_state_dict(theirs.state_dict())


def check_step(torch, ours, theirs, x, seed=0):
    """One forward and backward pass through both layers: equal outputs, equal gradients of the input
    and of every parameter, by name. Leaves every gradient cleared."""
    our_x, their_x = leaf(x), torch.tensor(x, requires_grad=True)
    out, expected = ours(our_x), theirs(their_x)
    assert_close(out.data, expected)
    upstream = np.asarray(np.random.default_rng(seed).standard_normal(out.shape))
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    assert_close(our_x.grad, their_x.grad)
    their_parameters = dict(theirs.named_parameters())
    assert [name for name, _ in ours.named_parameters()] == list(their_parameters)
    for name, p in ours.named_parameters():
        assert_close(p.grad, their_parameters[name].grad)
    ours.zero_grad()
    theirs.zero_grad()


# ---------------------------------------------------------------------- Linear


@pytest.mark.parametrize("seed", [0, 1, 123])
def test_linear_starts_as_scalar_modes_layer_from_the_same_seed(seed):
    linear = nn.Linear(3, 4, dtype=float64, generator=seed)
    layer = Layer(3, 4, activation="linear", seed=seed)
    np.testing.assert_array_equal(linear.weight.data, [[w.data for w in n.w] for n in layer.neurons])
    np.testing.assert_array_equal(linear.bias.data, [n.b.data for n in layer.neurons])
    x = [0.5, -1.0, 2.0]
    np.testing.assert_allclose(linear(Tensor(x, dtype=float64)).data, [v.data for v in layer(x)], rtol=1e-12)


def test_a_tensor_mlp_built_from_one_generator_gives_the_scalar_mlps_loss_and_gradients():
    generator = np.random.default_rng(42)
    tensor_net = Sequential(
        nn.Linear(2, 8, dtype=float64, generator=generator),
        nn.Tanh(),
        nn.Linear(8, 8, dtype=float64, generator=generator),
        nn.Tanh(),
        nn.Linear(8, 1, dtype=float64, generator=generator),
    )
    scalar_net = MLP(2, [8, 8, 1], activation="tanh", seed=42)
    x, y = [0.3, -0.7], 0.25
    tensor_loss = ((tensor_net(Tensor(x, dtype=float64)) - y) ** 2).sum()
    scalar_loss = (scalar_net([Value(v) for v in x]) - y) ** 2
    tensor_loss.backward()
    scalar_loss.backward()
    np.testing.assert_allclose(tensor_loss.item(), scalar_loss.data, rtol=1e-12)
    for linear, layer in zip(tensor_net[::2], scalar_net.layers):
        np.testing.assert_allclose(linear.weight.grad, [[w.grad for w in n.w] for n in layer.neurons], rtol=1e-10)
        np.testing.assert_allclose(linear.bias.grad, [n.b.grad for n in layer.neurons], rtol=1e-10)


def test_linear_weights_are_uniform_within_one_over_root_fan_in_in_float32_by_default():
    linear = nn.Linear(16, 300, generator=0)
    assert linear.weight.shape == (300, 16) and linear.bias.shape == (300,)
    assert linear.weight.dtype == float32 and linear.weight.requires_grad and linear.bias.requires_grad
    assert np.abs(linear.weight.data).max() <= 0.25 < 1.05 * np.abs(linear.weight.data).max()
    assert nn.Linear(2, 3, dtype=float64).weight.dtype == float64


@examples
@given(
    batch=st.lists(st.integers(1, 4), max_size=2), in_features=sizes, out_features=sizes, bias=st.booleans(), seed=seeds
)
def test_linear_matches_torch(batch, in_features, out_features, bias, seed):
    torch = pytest.importorskip("torch")
    ours = nn.Linear(in_features, out_features, bias=bias)
    theirs = torch.nn.Linear(in_features, out_features, bias=bias)
    copy_weights(torch, ours, theirs, seed)
    check_step(torch, ours, theirs, np.random.default_rng(seed).standard_normal((*batch, in_features)), seed)


# ---------------------------------------------------------------------- Flatten and Dropout


@examples
@given(shape=st.lists(sizes, min_size=2, max_size=4), seed=seeds)
def test_flatten_matches_torch(shape, seed):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(seed).standard_normal(shape)
    check_step(torch, nn.Flatten(), torch.nn.Flatten(), x, seed)
    check_step(torch, nn.Flatten(0, -2), torch.nn.Flatten(0, -2), x, seed)


@pytest.fixture
def restore_default_generator(monkeypatch):
    # manual_seed rebinds the module-level generator; put the original back for the other tests.
    monkeypatch.setattr(minigrad.rng, "_default_generator", minigrad.rng._default_generator)


def test_dropout_scales_the_kept_elements_in_training_and_does_nothing_in_evaluation():
    dropout = nn.Dropout(0.25)
    x = Tensor(np.random.default_rng(0).uniform(1, 2, (100, 100)), dtype=float64)
    trained = dropout(x).data
    kept = trained != 0
    assert 0.2 < 1 - kept.mean() < 0.3
    np.testing.assert_allclose(trained[kept], x.data[kept] / 0.75)
    np.testing.assert_array_equal(dropout.eval()(x).data, x.data)


def test_dropout_inside_a_model_follows_train_and_eval(restore_default_generator):
    model = Sequential(nn.Identity(), nn.Dropout(0.5))
    x = Tensor(np.ones((4, 4)))
    minigrad.manual_seed(3)
    first = model(x).data
    minigrad.manual_seed(3)
    np.testing.assert_array_equal(model(x).data, first)
    assert set(np.unique(first)) == {0.0, 2.0}
    np.testing.assert_array_equal(model.eval()(x).data, np.ones((4, 4)))


# ---------------------------------------------------------------------- LayerNorm


@examples
@given(
    batch=st.lists(st.integers(1, 3), max_size=2),
    normalized_shape=st.lists(st.integers(1, 4), min_size=1, max_size=2),
    elementwise_affine=st.booleans(),
    bias=st.booleans(),
    seed=seeds,
)
def test_layer_norm_matches_torch(batch, normalized_shape, elementwise_affine, bias, seed):
    torch = pytest.importorskip("torch")
    ours = nn.LayerNorm(normalized_shape, elementwise_affine=elementwise_affine, bias=bias)
    theirs = torch.nn.LayerNorm(normalized_shape, elementwise_affine=elementwise_affine, bias=bias)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_weights(torch, ours, theirs, seed)
    check_step(torch, ours, theirs, np.random.default_rng(seed).standard_normal((*batch, *normalized_shape)), seed)


def test_layer_norm_starts_as_the_identity_scale_and_zero_shift():
    norm = nn.LayerNorm(3)
    np.testing.assert_array_equal(norm.weight.data, np.ones(3))
    np.testing.assert_array_equal(norm.bias.data, np.zeros(3))
    out = norm(Tensor([[1.0, 2.0, 3.0], [-5.0, 0.0, 5.0]], dtype=float64))
    np.testing.assert_allclose(out.data, np.tile([-1, 0, 1], (2, 1)) * np.sqrt(1.5), rtol=1e-5)


# ---------------------------------------------------------------------- BatchNorm

BATCH_NORMS = {2: "BatchNorm1d", 3: "BatchNorm1d", 4: "BatchNorm2d"}


@examples
@given(
    ndim=st.sampled_from([2, 3, 4]),
    batch=st.integers(1, 4),
    channels=st.integers(1, 4),
    extent=st.lists(st.integers(1, 3), min_size=2, max_size=2),
    momentum=st.sampled_from([0.1, 0.7, None]),
    affine=st.booleans(),
    track_running_stats=st.booleans(),
    seed=seeds,
)
def test_batch_norm_trains_and_evaluates_as_torch(
    ndim, batch, channels, extent, momentum, affine, track_running_stats, seed
):
    torch = pytest.importorskip("torch")
    shape = (batch, channels, *extent[: ndim - 2])
    assume(np.prod(shape) // channels > 1)
    options = dict(momentum=momentum, affine=affine, track_running_stats=track_running_stats)
    ours = getattr(nn, BATCH_NORMS[ndim])(channels, **options)
    theirs = getattr(torch.nn, BATCH_NORMS[ndim])(channels, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_weights(torch, ours, theirs, seed)
    rng = np.random.default_rng(seed)
    for step in range(3):
        check_step(torch, ours, theirs, 2 * rng.standard_normal(shape) + rng.standard_normal(), seed + step)
    for name, buffer in theirs.state_dict().items():
        assert_close(ours.state_dict()[name].data, buffer)
    ours.eval()
    theirs.eval()
    check_step(torch, ours, theirs, rng.standard_normal(shape), seed)


def test_batch_norm_running_statistics_follow_pytorchs_formulas():
    norm = nn.BatchNorm1d(2, momentum=0.25)
    x = np.array([[1.0, 10.0], [3.0, 20.0], [8.0, 60.0]])
    norm(Tensor(x, dtype=float64))
    np.testing.assert_allclose(norm.running_mean.data, 0.75 * 0 + 0.25 * x.mean(axis=0), rtol=1e-6)
    # The unbiased variance feeds the running estimate, though the biased one normalised the batch.
    np.testing.assert_allclose(norm.running_var.data, 0.75 * 1 + 0.25 * x.var(axis=0, ddof=1), rtol=1e-6)
    assert norm.num_batches_tracked.item() == 1
    assert norm.running_mean.dtype == float32


def test_batch_norm_with_momentum_none_keeps_the_plain_average_of_all_batches():
    norm = nn.BatchNorm1d(2, momentum=None).double()
    batches = [np.random.default_rng(seed).standard_normal((5, 2)) + seed for seed in range(3)]
    for batch in batches:
        norm(Tensor(batch, dtype=float64))
    means, variances = [b.mean(axis=0) for b in batches], [b.var(axis=0, ddof=1) for b in batches]
    np.testing.assert_allclose(norm.running_mean.data, np.mean(means, axis=0), rtol=1e-12)
    np.testing.assert_allclose(norm.running_var.data, np.mean(variances, axis=0), rtol=1e-12)
    assert norm.num_batches_tracked.item() == 3


def test_batch_norm_evaluates_a_single_sample_but_cannot_train_on_one():
    norm = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="more than one value per channel"):
        norm(Tensor(np.ones((1, 3))))
    assert norm.eval()(Tensor(np.ones((1, 3)))).shape == (1, 3)


@pytest.mark.parametrize(
    "layer, shape, expected",
    [
        (nn.BatchNorm1d(3), (2, 3, 4, 5), "BatchNorm1d: expected input of shape (N, C) or (N, C, L), got (2, 3, 4, 5)"),
        (nn.BatchNorm2d(3), (2, 3), "BatchNorm2d: expected input of shape (N, C, H, W), got (2, 3)"),
    ],
)
def test_batch_norm_names_the_input_shapes_it_takes(layer, shape, expected):
    with pytest.raises(ValueError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        layer(Tensor(np.zeros(shape)))


# ---------------------------------------------------------------------- activations

ACTIVATIONS = {
    "ReLU": ((), ()),
    "Tanh": ((), ()),
    "Sigmoid": ((), ()),
    "GELU": ((), ()),
    "GELU_tanh": (("tanh",), ("tanh",)),
    "Softmax": ((1,), (1,)),
    "Identity": ((), ()),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@examples
@given(shape=st.lists(sizes, min_size=2, max_size=3), seed=seeds)
def test_activation_layer_matches_torch(name, shape, seed):
    torch = pytest.importorskip("torch")
    our_args, their_args = ACTIVATIONS[name]
    cls = name.split("_")[0]
    x = 3 * np.random.default_rng(seed).standard_normal(shape)
    check_step(torch, getattr(nn, cls)(*our_args), getattr(torch.nn, cls)(*their_args), x, seed)


def test_softmax_without_a_dim_asks_for_one():
    with pytest.raises(ValueError, match=r"Softmax: give the axis to normalise along, e.g. Softmax\(dim=-1\)"):
        nn.Softmax()(Tensor(np.zeros((2, 3))))


def test_identity_returns_its_input():
    x = Tensor([1.0, 2.0])
    assert nn.Identity()(x) is x


# ---------------------------------------------------------------------- whole models, reprs, finite differences


def test_a_model_of_every_layer_matches_torch_through_training_and_evaluation():
    torch = pytest.importorskip("torch")

    def build(nn):
        return nn.Sequential(
            nn.BatchNorm2d(2),
            nn.Flatten(),
            nn.Linear(18, 8),
            nn.LayerNorm(8),
            nn.GELU(),
            nn.Linear(8, 6),
            nn.BatchNorm1d(6),
            nn.Tanh(),
            nn.Dropout(0.0),
            nn.Linear(6, 3),
            nn.Sigmoid(),
            nn.Softmax(dim=-1),
        )

    ours, theirs = build(OUR_NN), build(torch.nn)
    assert repr(ours) == repr(theirs)
    copy_weights(torch, ours, theirs)
    rng = np.random.default_rng(0)
    for step in range(2):
        check_step(torch, ours, theirs, rng.standard_normal((5, 2, 3, 3)), step)
    ours.eval()
    theirs.eval()
    check_step(torch, ours, theirs, rng.standard_normal((1, 2, 3, 3)))


@pytest.mark.parametrize(
    "build",
    [
        lambda nn: nn.Linear(2, 16),
        lambda nn: nn.Linear(3, 1, bias=False),
        lambda nn: nn.Flatten(),
        lambda nn: nn.Flatten(0, 2),
        lambda nn: nn.Dropout(),
        lambda nn: nn.Dropout(0.1),
        lambda nn: nn.LayerNorm(8),
        lambda nn: nn.LayerNorm([2, 3], eps=1e-3, elementwise_affine=False),
        lambda nn: nn.LayerNorm(4, bias=False),
        lambda nn: nn.BatchNorm1d(3),
        lambda nn: nn.BatchNorm2d(8, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
        lambda nn: nn.BatchNorm2d(8, bias=False),
        lambda nn: nn.ReLU(),
        lambda nn: nn.Tanh(),
        lambda nn: nn.Sigmoid(),
        lambda nn: nn.GELU(),
        lambda nn: nn.GELU(approximate="tanh"),
        lambda nn: nn.Softmax(),
        lambda nn: nn.Softmax(dim=1),
        lambda nn: nn.Identity(),
    ],
)
def test_repr_and_state_dict_keys_are_pytorchs(build):
    torch = pytest.importorskip("torch")
    ours, theirs = build(OUR_NN), build(torch.nn)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def _gradcheck_cases():
    rng = np.random.default_rng(0)
    norm_2d = nn.BatchNorm2d(2).double()
    norm_2d(Tensor(rng.standard_normal((4, 2, 2, 2))))  # running statistics that are not the defaults
    return {
        "Linear": (nn.Linear(4, 3, dtype=float64), (2, 4)),
        "LayerNorm": (nn.LayerNorm((2, 3)).double(), (2, 2, 3)),
        "BatchNorm1d_training": (nn.BatchNorm1d(3).double(), (4, 3)),
        "BatchNorm1d_sequence_training": (nn.BatchNorm1d(3).double(), (2, 3, 2)),
        "BatchNorm2d_evaluation": (norm_2d.eval(), (2, 2, 2, 2)),
        "GELU": (nn.GELU(), (3, 3)),
        "Softmax": (nn.Softmax(dim=0), (3, 3)),
    }


GRADCHECK_CASES = _gradcheck_cases()


@pytest.mark.parametrize("name", GRADCHECK_CASES)
def test_layer_gradients_match_finite_differences(name):
    layer, shape = GRADCHECK_CASES[name]
    rng = np.random.default_rng(1)
    for p in layer.parameters():
        p.data[...] = rng.standard_normal(p.shape)
    x = leaf(rng.standard_normal(shape))
    assert gradcheck(lambda x, *parameters: layer(x), [x, *layer.parameters()])
