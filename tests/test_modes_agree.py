"""The same network in scalar mode and in tensor mode, from the same seed, computes the same numbers."""

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, float64, nn
from minigrad.nn import functional as F
from minigrad.nn.scalar import MLP, cross_entropy, mse_loss

ACTIVATION_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def tensor_twin(nin, nouts, activation, seed):
    """The tensor-mode network that ``MLP(nin, nouts, activation, seed)`` is: same draws, same order."""
    rng = np.random.default_rng(seed)
    sizes = [nin, *nouts]
    layers = []
    for i in range(len(nouts)):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=float64, generator=rng))
        if i < len(nouts) - 1:
            layers.append(ACTIVATION_MODULES[activation]())
    return nn.Sequential(*layers)


def scalar_gradients(model):
    """The scalar MLP's gradients laid out as the tensor model's (weight matrix, bias vector) pairs."""
    grads = []
    for layer in model.layers:
        grads.append(np.array([[w.grad for w in neuron.w] for neuron in layer.neurons]))
        grads.append(np.array([neuron.b.grad for neuron in layer.neurons]))
    return grads


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_same_seed_same_weights_same_loss_same_gradients(activation):
    X = np.random.default_rng(1).normal(size=(16, 3))
    targets = np.random.default_rng(2).normal(size=16)

    scalar = MLP(3, [8, 8, 1], activation=activation, seed=7)
    scalar_loss = mse_loss([scalar(row) for row in X], targets)
    scalar_loss.backward()

    tensor = tensor_twin(3, [8, 8, 1], activation, seed=7)
    tensor_loss = F.mse_loss(tensor(Tensor(X, dtype=float64)).reshape(-1), Tensor(targets, dtype=float64))
    tensor_loss.backward()

    weights = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in scalar.layers]
    np.testing.assert_array_equal(weights[0], tensor[0].weight.data)
    assert tensor_loss.item() == pytest.approx(scalar_loss.data, rel=1e-12, abs=0)
    for p, g in zip(tensor.parameters(), scalar_gradients(scalar)):
        np.testing.assert_allclose(p.grad, g, rtol=1e-12, atol=1e-14)


def test_classification_loss_agrees_too():
    X = np.random.default_rng(3).normal(size=(10, 2))
    labels = np.random.default_rng(4).integers(0, 3, size=10)

    scalar = MLP(2, [6, 3], seed=0)
    scalar_loss = cross_entropy([scalar(row) for row in X], labels.tolist())
    scalar_loss.backward()

    tensor = tensor_twin(2, [6, 3], "relu", seed=0)
    tensor_loss = F.cross_entropy(tensor(Tensor(X, dtype=float64)), minigrad.tensor(labels))
    tensor_loss.backward()

    assert tensor_loss.item() == pytest.approx(scalar_loss.data, rel=1e-12, abs=0)
    for p, g in zip(tensor.parameters(), scalar_gradients(scalar)):
        np.testing.assert_allclose(p.grad, g, rtol=1e-12, atol=1e-14)
