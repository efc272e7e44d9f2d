"""Scalar-mode networks (Neuron, Layer, MLP) and their losses."""

import math
import re

import numpy as np
import pytest

import minigrad
import minigrad.rng
from minigrad import Value, gradcheck
from minigrad.nn.scalar import (
    MLP,
    Layer,
    Neuron,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
    softmax,
)
from minigrad.optim import SGD

ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear"]
NUMPY_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "linear": lambda z: z,
}


def layer_arrays(layer):
    """The layer's weights as an (nout, nin) array and its biases, read from its parameters."""
    weights = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
    biases = np.array([neuron.b.data for neuron in layer.neurons])
    return weights, biases


def torch_style_init(seed, sizes):
    """The documented scheme: per layer, weights then biases, uniform in +-1/sqrt(fan_in), one generator."""
    generator = np.random.default_rng(seed)
    arrays = []
    for nin, nout in zip(sizes, sizes[1:]):
        bound = 1.0 / math.sqrt(nin)
        arrays.append((generator.uniform(-bound, bound, (nout, nin)), generator.uniform(-bound, bound, nout)))
    return arrays


@pytest.fixture
def restore_default_generator(monkeypatch):
    # manual_seed rebinds the module-level generator; put the original back for the other tests.
    monkeypatch.setattr(minigrad.rng, "_default_generator", minigrad.rng._default_generator)


# ---------------------------------------------------------------------- shapes and errors


def test_parameter_count():
    assert len(MLP(2, [16, 16, 1]).parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)


def test_single_output_is_one_value_for_a_list_or_a_numpy_row():
    net = MLP(2, [16, 16, 1], seed=0)
    from_list = net([0.5, -0.25])
    from_row = net(np.array([[0.5, -0.25]])[0])
    assert type(from_list) is Value and type(from_row) is Value
    assert from_list.data == from_row.data


def test_several_outputs_are_a_list_of_values():
    out = MLP(3, [4, 2], seed=0)([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 2
    assert all(type(v) is Value for v in out)


def test_one_neuron_hidden_layer():
    # micrograd unwraps every one-element layer output, so the next layer gets a bare Value.
    net = MLP(2, [1, 3, 1], seed=0)
    x = [0.3, -0.7]
    out = net(x)
    assert type(out) is Value
    (w0, b0), (w1, b1), (w2, b2) = (layer_arrays(layer) for layer in net.layers)
    relu = NUMPY_ACTIVATIONS["relu"]
    expected = w2 @ relu(w1 @ relu(w0 @ np.array(x) + b0) + b1) + b2
    assert out.data == pytest.approx(expected[0], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("nout", [1, 3])
def test_layer_always_returns_a_list(nout):
    out = Layer(2, nout, seed=0)([1.0, -1.0])
    assert isinstance(out, list) and len(out) == nout
    assert all(type(v) is Value for v in out)


def test_wrong_number_of_inputs_names_the_layer_and_both_counts():
    with pytest.raises(ValueError, match=re.escape("Layer(2, 16, activation='relu'): expected 2 inputs, got 3")):
        MLP(2, [16, 16, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=re.escape("Layer(3, 2, activation='tanh'): expected 3 inputs, got 1")):
        Layer(3, 2, activation="tanh", seed=0)([1.0])


@pytest.mark.parametrize(
    "build",
    [
        lambda: MLP(2, [3, 1], activation="gelu"),
        lambda: Layer(2, 3, activation="gelu"),
        lambda: Neuron(2, activation="gelu"),
    ],
    ids=["MLP", "Layer", "Neuron"],
)
def test_unknown_activation_lists_the_choices(build):
    with pytest.raises(ValueError, match=re.escape("'gelu'; choose one of 'relu', 'tanh', 'sigmoid', 'linear'")):
        build()


# ---------------------------------------------------------------------- forward pass


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hidden_layers_apply_the_activation_and_the_output_layer_is_linear(activation):
    net = MLP(3, [5, 4, 2], activation=activation, seed=7)
    assert [layer.activation for layer in net.layers] == [activation, activation, "linear"]
    # Inputs large enough that relu clips some pre-activations and tanh/sigmoid are far from linear.
    inputs = np.random.default_rng(1).normal(scale=3.0, size=(10, 3))
    for x in inputs:
        h = x
        for i, layer in enumerate(net.layers):
            weights, biases = layer_arrays(layer)
            h = weights @ h + biases
            if i < len(net.layers) - 1:
                h = NUMPY_ACTIVATIONS[activation](h)
        np.testing.assert_allclose([v.data for v in net(list(x))], h, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------- initialisation


def test_same_seed_same_weights_different_seed_different_weights():
    def weights(seed):
        return [p.data for p in MLP(2, [16, 16, 1], seed=seed).parameters()]

    assert weights(3) == weights(3)
    assert weights(3) != weights(4)


def test_manual_seed_then_mlp_equals_a_seeded_mlp(restore_default_generator):
    minigrad.manual_seed(11)
    unseeded = MLP(2, [8, 1])
    seeded = MLP(2, [8, 1], seed=11)
    assert [p.data for p in unseeded.parameters()] == [p.data for p in seeded.parameters()]


@pytest.mark.parametrize("seed", [0, 5])
def test_weights_follow_the_torch_linear_scheme_from_one_generator(seed):
    sizes = [2, 16, 16, 1]
    net = MLP(sizes[0], sizes[1:], seed=seed)
    for layer, nin, (weights, biases) in zip(net.layers, sizes, torch_style_init(seed, sizes)):
        actual_weights, actual_biases = layer_arrays(layer)
        bound = 1.0 / math.sqrt(nin)
        assert np.all(np.abs(actual_weights) <= bound) and np.all(np.abs(actual_biases) <= bound)
        np.testing.assert_array_equal(actual_weights, weights)
        np.testing.assert_array_equal(actual_biases, biases)


def test_parameters_are_ordered_by_layer_then_neuron_weights_before_bias():
    sizes = [3, 4, 2]
    net = MLP(sizes[0], sizes[1:], seed=2)
    expected_objects = [p for layer in net.layers for neuron in layer.neurons for p in [*neuron.w, neuron.b]]
    assert all(a is b for a, b in zip(net.parameters(), expected_objects, strict=True))
    expected_numbers = [
        x for weights, biases in torch_style_init(2, sizes) for row, b in zip(weights, biases) for x in [*row, b]
    ]
    assert [p.data for p in net.parameters()] == expected_numbers


@pytest.mark.parametrize(
    "module",
    [lambda: MLP(2, [4, 3, 1], seed=0), lambda: Layer(2, 3, seed=0), lambda: Neuron(2, seed=0)],
    ids=["MLP", "Layer", "Neuron"],
)
def test_zero_grad_sets_every_grad_to_zero(module):
    module = module()
    out = module([0.6, -0.9])
    total = sum(out) if isinstance(out, list) else out
    (total * total + sum(p * p for p in module.parameters())).backward()
    assert any(p.grad != 0.0 for p in module.parameters())
    module.zero_grad()
    assert all(p.grad == 0.0 and type(p.grad) is float for p in module.parameters())


def test_reprs():
    assert repr(MLP(2, [16, 16, 1], activation="relu")) == "MLP(2, [16, 16, 1], activation='relu')"
    assert repr(Layer(2, 16, activation="relu")) == "Layer(2, 16, activation='relu')"
    assert repr(Neuron(2, activation="relu")) == "Neuron(2, activation='relu')"


# ---------------------------------------------------------------------- gradients


def micrograd_style_forward(layers, x, activation):
    """The same network with one Value node per multiply and per add, as micrograd builds it."""
    h = x
    for i, (weight_rows, biases) in enumerate(layers):
        outputs = []
        for row, b in zip(weight_rows, biases):
            z = b
            for w, xi in zip(row, h):
                z = z + w * xi
            if i < len(layers) - 1 and activation != "linear":
                z = getattr(z, activation)()
            outputs.append(z)
        h = outputs
    return h


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_equal_a_hand_written_micrograd_network(activation):
    net = MLP(3, [6, 5, 2], activation=activation, seed=4)
    copies = [
        ([[Value(w.data) for w in neuron.w] for neuron in layer.neurons], [Value(n.b.data) for n in layer.neurons])
        for layer in net.layers
    ]
    copied_parameters = [p for rows, biases in copies for row, b in zip(rows, biases) for p in [*row, b]]
    samples = np.random.default_rng(0).normal(size=(4, 3))
    inputs = [[Value(v) for v in x] for x in samples]
    inputs_copy = [[Value(v) for v in x] for x in samples]

    def loss(outputs):
        return sum((o[0] - 0.5) ** 2 + o[0] * o[1] for o in outputs)

    ours = loss([net(x) for x in inputs])
    ours.backward()
    theirs = loss([micrograd_style_forward(copies, x, activation) for x in inputs_copy])
    theirs.backward()
    assert ours.data == pytest.approx(theirs.data, rel=1e-12)
    np.testing.assert_allclose(
        [p.grad for p in net.parameters()], [p.grad for p in copied_parameters], rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        [v.grad for x in inputs for v in x], [v.grad for x in inputs_copy for v in x], rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_network_passes_gradcheck(activation):
    net = MLP(2, [4, 3, 1], activation=activation, seed=1)
    samples = np.random.default_rng(2).normal(size=(5, 2))
    targets = [1.0, -0.5, 0.25, 0.0, 2.0]

    def loss(*parameters):
        # The parameters are the network's own, so perturbing them changes what net() computes.
        return mse_loss([net(list(x)) for x in samples], targets)

    assert gradcheck(loss, net.parameters())


# ---------------------------------------------------------------------- losses against PyTorch


def minigrad_loss(loss, data, targets):
    """Value and gradient of ``loss`` over leaves holding ``data`` (a batch, or a batch of logit rows)."""
    data = np.asarray(data, dtype=np.float64)
    leaves = [[Value(v) for v in row] for row in data] if data.ndim == 2 else [Value(v) for v in data]
    out = loss(leaves, targets)
    out.backward()
    flat = [v for row in leaves for v in row] if data.ndim == 2 else leaves
    return out.data, np.array([v.grad for v in flat]).reshape(data.shape)


def torch_loss(torch, loss, data, targets):
    x = torch.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)
    out = loss(x, targets)
    out.backward()
    return out.item(), x.grad.numpy()


def assert_same_loss(ours, theirs):
    assert np.isfinite(ours[0]) and np.all(np.isfinite(ours[1]))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-9, atol=0)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-9, atol=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mse_loss_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    predictions, targets = rng.normal(size=8), rng.normal(size=8)
    ours = minigrad_loss(mse_loss, predictions, list(targets))
    theirs = torch_loss(torch, torch.nn.functional.mse_loss, predictions, torch.tensor(targets))
    assert_same_loss(ours, theirs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hinge_loss_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    scores, labels = rng.normal(scale=2.0, size=12), rng.choice([-1, 1], size=12)
    ours = minigrad_loss(hinge_loss, scores, labels)
    theirs = torch_loss(torch, lambda s, y: torch.relu(1 - y * s).mean(), scores, torch.tensor(labels))
    assert_same_loss(ours, theirs)
    assert 0 < np.count_nonzero(ours[1]) < len(scores), "the batch should have both active and inactive margins"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binary_cross_entropy_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    probabilities = 1.0 / (1.0 + np.exp(-rng.normal(scale=3.0, size=10)))
    targets = rng.integers(0, 2, size=10).astype(float)
    ours = minigrad_loss(binary_cross_entropy, probabilities, list(targets))
    theirs = torch_loss(torch, torch.nn.functional.binary_cross_entropy, probabilities, torch.tensor(targets))
    assert_same_loss(ours, theirs)


@pytest.mark.parametrize(
    "logits, targets",
    [
        (np.random.default_rng(0).normal(scale=3.0, size=10), list(np.random.default_rng(1).integers(0, 2, 10))),
        (np.random.default_rng(2).normal(scale=3.0, size=10), list(np.random.default_rng(3).uniform(size=10))),
        ([1000.0, -1000.0, 1000.0, -1000.0, 0.0, 2.5], [0.0, 1.0, 1.0, 0.0, 1.0, 0.0]),
    ],
    ids=["random", "soft_targets", "extreme"],
)
def test_binary_cross_entropy_with_logits_matches_torch(logits, targets):
    torch = pytest.importorskip("torch")
    ours = minigrad_loss(binary_cross_entropy_with_logits, logits, targets)
    theirs = torch_loss(
        torch,
        torch.nn.functional.binary_cross_entropy_with_logits,
        logits,
        torch.tensor(targets, dtype=torch.float64),
    )
    assert_same_loss(ours, theirs)


@pytest.mark.parametrize("target", [0.0, 1.0, 0.25])
def test_binary_cross_entropy_with_logits_at_exactly_zero(target):
    # At 0 the stable form switches branch; the slope must still be sigmoid(0) - t, not 0 - t.
    z = Value(0.0)
    loss = binary_cross_entropy_with_logits([z], [target])
    loss.backward()
    assert loss.data == pytest.approx(math.log(2.0), rel=1e-15)
    assert z.grad == pytest.approx(0.5 - target, rel=1e-15)


@pytest.mark.parametrize(
    "logits, targets",
    [
        (np.random.default_rng(0).normal(scale=2.0, size=(6, 4)), [0, 3, 1, 2, 2, 0]),
        (np.random.default_rng(1).normal(scale=2.0, size=(5, 3)), list(np.arange(5) % 3)),
        ([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, -1000.0]], [1, 0, 2]),
    ],
    ids=["random", "numpy_int_targets", "extreme"],
)
def test_cross_entropy_matches_torch(logits, targets):
    torch = pytest.importorskip("torch")
    ours = minigrad_loss(cross_entropy, logits, targets)
    theirs = torch_loss(torch, torch.nn.functional.cross_entropy, logits, torch.tensor([int(t) for t in targets]))
    assert_same_loss(ours, theirs)


@pytest.mark.parametrize(
    "logits",
    [np.random.default_rng(0).normal(scale=2.0, size=5), [1000.0, -1000.0, 0.0, 999.0]],
    ids=["random", "extreme"],
)
def test_softmax_matches_torch(logits):
    torch = pytest.importorskip("torch")
    # A fixed weighting of the outputs, so one backward pass tests every output's gradient.
    weights = [0.3, -1.1, 2.0, 0.7, -0.4][: len(logits)]
    leaves = [Value(v) for v in logits]
    probabilities = softmax(leaves)
    sum(w * p for w, p in zip(weights, probabilities)).backward()
    x = torch.tensor(np.asarray(logits, dtype=np.float64), requires_grad=True)
    reference = torch.softmax(x, dim=0)
    (reference * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose([p.data for p in probabilities], reference.detach().numpy(), rtol=1e-9, atol=0)
    np.testing.assert_allclose([v.grad for v in leaves], x.grad.numpy(), rtol=1e-9, atol=0)


# ---------------------------------------------------------------------- loss errors


@pytest.mark.parametrize(
    "loss, predictions, targets",
    [
        (mse_loss, [Value(0.1), Value(0.2), Value(0.3)], [0.0, 1.0]),
        (hinge_loss, [Value(0.1), Value(0.2), Value(0.3)], [1, -1]),
        (binary_cross_entropy, [Value(0.1), Value(0.2), Value(0.3)], [0.0, 1.0]),
        (binary_cross_entropy_with_logits, [Value(0.1), Value(0.2), Value(0.3)], [0.0, 1.0]),
        (cross_entropy, [[Value(0.1), Value(0.2)]] * 3, [0, 1]),
    ],
    ids=lambda x: x.__name__ if callable(x) else "",
)
def test_mismatched_batch_lengths(loss, predictions, targets):
    with pytest.raises(ValueError, match=rf"^{loss.__name__}: 3 predictions but 2 targets"):
        loss(predictions, targets)


@pytest.mark.parametrize("label", [0, 2, 0.5, -2])
def test_hinge_loss_rejects_labels_other_than_plus_minus_one(label):
    with pytest.raises(ValueError, match=r"^hinge_loss: labels must be -1 or \+1"):
        hinge_loss([Value(0.3), Value(-0.2)], [1, label])


@pytest.mark.parametrize(
    "probability", [lambda: Value(0.0), lambda: Value(1.0), lambda: Value(40.0).sigmoid()], ids=["0", "1", "saturated"]
)
def test_binary_cross_entropy_rejects_0_and_1_and_points_to_the_logits_version(probability):
    with pytest.raises(ValueError, match=r"^binary_cross_entropy: .*binary_cross_entropy_with_logits"):
        binary_cross_entropy([Value(0.5), probability()], [0.0, 1.0])


@pytest.mark.parametrize("target", [3, -1, 1.5])
def test_cross_entropy_rejects_a_target_out_of_range(target):
    logits = [[Value(0.1), Value(0.2), Value(0.3)]]
    with pytest.raises(ValueError, match=r"^cross_entropy: target .* is not a class index in 0\.\.2"):
        cross_entropy(logits, [target])


# ---------------------------------------------------------------------- training


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_separates_the_moons(seed):
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.make_moons(n_samples=100, noise=0.1, random_state=1)
    labels = [1 if yi == 1 else -1 for yi in y]
    net = MLP(2, [16, 16, 1], seed=seed)
    params = net.parameters()
    optimizer = SGD(params, lr=0.2, momentum=0.9)
    steps = 100
    for k in range(steps):
        loss = hinge_loss([net(x) for x in X], labels) + 1e-4 * sum(p * p for p in params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = 0.2 * (1 - 0.9 * k / steps)
        optimizer.step()
    predictions = [1 if net(x).data > 0 else -1 for x in X]
    assert predictions == labels
