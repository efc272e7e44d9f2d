"""Checkpoints of scalar networks: tensor mode's keys and shapes, round trips between the modes and
through minigrad.save/load with the same outputs, and errors that name the key and the shapes."""

from collections import OrderedDict

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, float64, nn, no_grad
from minigrad.nn import scalar as S

ACTIVATION_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def sequential_like(nin, nouts, activation):
    """The tensor-mode Sequential of Linear layers (float64) computing what MLP(nin, nouts, activation) computes."""
    sizes, modules = [nin, *nouts], []
    for i in range(len(nouts)):
        modules.append(nn.Linear(sizes[i], sizes[i + 1], dtype=float64, generator=100 + i))
        if i < len(nouts) - 1 and activation != "linear":
            modules.append(ACTIVATION_MODULES[activation]())
    return nn.Sequential(*modules)


def scalar_outputs(net, inputs):
    with no_grad():
        outputs = [net(list(x)) for x in inputs]
    return np.array([[v.data for v in (out if isinstance(out, list) else [out])] for out in outputs])


def tensor_outputs(model, inputs):
    with no_grad():
        return model(Tensor(inputs, dtype=float64)).numpy()


def trained_mlp(nin, nouts, activation):
    """An MLP after a few SGD steps, so its weights are no longer the seeded ones."""
    net = S.MLP(nin, nouts, activation, seed=0)
    rng = np.random.default_rng(1)
    inputs, targets = rng.normal(size=(8, nin)), rng.normal(size=8)
    for _ in range(3):
        outputs = [net(list(x)) for x in inputs]
        loss = S.mse_loss([o if isinstance(o, minigrad.Value) else o[0] for o in outputs], targets)
        net.zero_grad()
        loss.backward()
        for p in net.parameters():
            p.data -= 0.1 * p.grad
    return net


@pytest.mark.parametrize(
    "nin, nouts, activation", [(3, [4, 1], "relu"), (2, [5, 3, 2], "tanh"), (4, [3, 3], "sigmoid"), (3, [2, 2, 1], "linear")]
)
def test_an_mlp_trained_in_scalar_mode_loads_into_tensor_mode_and_back(nin, nouts, activation):
    net = trained_mlp(nin, nouts, activation)
    model = sequential_like(nin, nouts, activation)
    state = net.state_dict()
    assert list(state) == list(model.state_dict())
    assert [v.shape for v in state.values()] == [v.shape for v in model.state_dict().values()]
    # parameters() order: each layer's weights row by row, each neuron's bias after its weights.
    flat = [p.data for p in net.parameters()]
    per_layer = [np.column_stack([state[w].numpy(), state[b].numpy()]).ravel() for w, b in zip(list(state)[::2], list(state)[1::2])]
    assert flat == list(np.concatenate(per_layer))

    model.load_state_dict(state)
    inputs = np.random.default_rng(2).normal(size=(6, nin))
    np.testing.assert_allclose(tensor_outputs(model, inputs), scalar_outputs(net, inputs), rtol=0, atol=1e-12)

    fresh = S.MLP(nin, nouts, activation, seed=9)
    fresh.load_state_dict(model.state_dict())
    np.testing.assert_allclose(scalar_outputs(fresh, inputs), scalar_outputs(net, inputs), rtol=0, atol=1e-12)


def test_layer_and_neuron_use_the_keys_of_a_one_linear_sequential():
    layer, neuron = S.Layer(3, 2, "tanh", seed=0), S.Neuron(3, "relu", seed=0)
    assert {k: v.shape for k, v in layer.state_dict().items()} == {"0.weight": (2, 3), "0.bias": (2,)}
    assert {k: v.shape for k, v in neuron.state_dict().items()} == {"0.weight": (1, 3), "0.bias": (1,)}
    model = nn.Sequential(nn.Linear(3, 2, dtype=float64), nn.Tanh())
    model.load_state_dict(layer.state_dict())
    x = [0.3, -1.2, 2.0]
    with no_grad():
        np.testing.assert_allclose(
            model(Tensor([x], dtype=float64)).numpy()[0], [v.data for v in layer(x)], rtol=0, atol=1e-12
        )
    other = S.Neuron(3, "relu", seed=5)
    other.load_state_dict(neuron.state_dict())
    assert [p.data for p in other.parameters()] == [p.data for p in neuron.parameters()]


def test_a_scalar_conv2d_uses_tensor_modes_conv2d_keys():
    conv = S.Conv2d(2, 3, 2, seed=0)
    tensor_conv = nn.Conv2d(2, 3, 2, dtype=float64, generator=7)
    tensor_conv.load_state_dict(conv.state_dict())
    image = np.random.default_rng(0).normal(size=(2, 4, 4))
    with no_grad():
        ours = S.numbers(conv(S.values(image)))
        theirs = tensor_conv(Tensor(image[None], dtype=float64)).numpy()[0]
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    back = S.Conv2d(2, 3, 2, seed=3)
    back.load_state_dict(tensor_conv.state_dict())
    np.testing.assert_array_equal(S.numbers(back.weight), S.numbers(conv.weight))


def test_save_and_load_carry_a_scalar_checkpoint_to_either_mode(tmp_path):
    net = trained_mlp(2, [4, 1], "relu")
    path = tmp_path / "scalar.npz"
    minigrad.save(net.state_dict(), path)
    loaded = minigrad.load(path)
    assert list(loaded) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(v.dtype == float64 for v in loaded.values())
    inputs = np.random.default_rng(4).normal(size=(5, 2))
    fresh = S.MLP(2, [4, 1], seed=7)
    fresh.load_state_dict(loaded)
    np.testing.assert_array_equal(scalar_outputs(fresh, inputs), scalar_outputs(net, inputs))
    model = sequential_like(2, [4, 1], "relu")
    model.load_state_dict(loaded)
    minigrad.save(model.state_dict(), tmp_path / "tensor.npz")
    again = S.MLP(2, [4, 1], seed=8)
    again.load_state_dict(minigrad.load(tmp_path / "tensor.npz"))
    np.testing.assert_allclose(scalar_outputs(again, inputs), tensor_outputs(model, inputs), rtol=0, atol=1e-12)


def test_the_state_dict_is_a_copy():
    net = S.MLP(2, [2, 1], seed=0)
    state = net.state_dict()
    state["0.weight"].data[...] = 0.0
    assert net.layers[0].neurons[0].w[0].data != 0.0


def test_bad_checkpoints_name_the_key_and_the_shapes_and_change_nothing():
    net = S.MLP(3, [4, 1], seed=0)
    before = [p.data for p in net.parameters()]
    state = net.state_dict()
    missing = OrderedDict((k, v) for k, v in state.items() if k != "2.bias")
    with pytest.raises(KeyError, match=r"missing keys \['2.bias'\]"):
        net.load_state_dict(missing)
    extra = OrderedDict(state, **{"4.weight": Tensor(np.zeros((1, 1)))})
    with pytest.raises(KeyError, match=r"unexpected keys \['4.weight'\]"):
        net.load_state_dict(extra)
    wrong = OrderedDict(state)
    wrong["0.bias"] = Tensor(np.zeros(5))
    wrong["0.weight"] = Tensor(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"'0.bias' has shape \(5,\) in the state dict but \(4,\) in MLP\(3, \[4, 1\]"):
        net.load_state_dict(wrong)
    assert [p.data for p in net.parameters()] == before  # every entry is checked before any is copied
    with pytest.raises(ValueError, match=r"'weight' has shape \(3, 2, 2, 2\) in the state dict but \(3, 1, 2, 2\)"):
        S.Conv2d(1, 3, 2).load_state_dict(S.Conv2d(2, 3, 2).state_dict())
