"""minigrad.nn.module: registration, the names and order PyTorch gives parameters, buffers and
state_dict keys (nested containers, shared weights), modes, zero_grad, loading state, reprs."""

import re
import warnings
from collections import OrderedDict
from types import SimpleNamespace

import numpy as np
import pytest

from minigrad.nn import layers, module
from minigrad.nn.layers import BatchNorm1d, Dropout, Linear, ReLU
from minigrad.nn.module import Module, ModuleDict, ModuleList, Parameter, Sequential
from minigrad.tensor import Tensor, float32, float64, int64

# Our Module, containers and layers under torch.nn's names, so that one function builds both models.
OUR_NN = SimpleNamespace(**{**vars(module), **vars(layers)})


def our_ones(size):
    return Tensor(np.ones(size))


def build_net(nn, ones):
    """A model using every container, nested, with a parameter and a buffer of its own."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(ones(3))
            self.stem = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU())
            self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(8, 8), nn.LayerNorm(8)) for _ in range(2)])
            self.blocks.append(nn.Dropout(0.1))
            self.heads = nn.ModuleDict({"label": nn.Linear(8, 3), "value": nn.Sequential(nn.Linear(8, 1), nn.Tanh())})
            self.register_buffer("offset", ones(3))

    return Net()


def build_shared(nn):
    """One Linear used twice, and a third layer whose weight is tied to the first's."""
    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, nn.ReLU(), shared, nn.Linear(3, 3))
    model[3].weight = model[0].weight
    return model


def both(build):
    torch = pytest.importorskip("torch")
    return build(OUR_NN, our_ones), build(torch.nn, torch.ones)


# ---------------------------------------------------------------------- registration


class Registered(Module):
    def __init__(self):
        super().__init__()
        self.layer = Linear(2, 3)
        self.gain = Parameter(np.ones(3))
        self.name = "not registered"
        self.register_buffer("count", Tensor(0, dtype=int64))


def test_assignment_registers_parameters_and_modules_and_nothing_else():
    net = Registered()
    assert list(net._parameters) == ["gain"]
    assert list(net._modules) == ["layer"]
    assert list(net._buffers) == ["count"]
    assert [name for name, _ in net.named_parameters()] == ["gain", "layer.weight", "layer.bias"]
    assert [name for name, _ in net.named_parameters(recurse=False)] == ["gain"]
    assert list(net.children()) == [net.layer]
    assert net.name == "not registered"


def test_deleting_or_replacing_an_attribute_unregisters_it():
    net = Registered()
    del net.gain
    net.layer = None
    assert list(net.parameters()) == []
    assert list(net.children()) == []


def test_a_tensor_assigned_to_a_buffers_name_stays_a_buffer():
    net = Registered()
    net.count = Tensor(5, dtype=int64)
    assert net.state_dict()["count"].item() == 5


def test_a_parameter_requires_grad_and_keeps_a_floating_dtype():
    p = Parameter(np.ones(2, dtype=np.float64))
    assert p.requires_grad and p.dtype == float64
    assert Parameter(np.ones(2), requires_grad=False).requires_grad is False
    assert repr(Parameter(np.ones(2))).startswith("Parameter containing:\ntensor(")


def test_a_subclass_that_skips_super_init_is_told_to_call_it():
    class Forgetful(Module):
        def __init__(self):
            self.layer = Linear(2, 2)

    class Quiet(Module):
        def __init__(self):
            pass

        def forward(self, x):
            return x

    hint = re.escape("call super().__init__() first in ")
    with pytest.raises(AttributeError, match=hint + "Forgetful.__init__"):
        Forgetful()
    with pytest.raises(AttributeError, match=hint + "Quiet.__init__"):
        list(Quiet().parameters())
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'wieght'"):
        Linear(2, 2).wieght


# ---------------------------------------------------------------------- names, as PyTorch gives them


def test_nested_containers_name_everything_as_pytorch_does():
    ours, theirs = both(build_net)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [p.shape for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]


def test_a_shared_layer_and_a_tied_weight_are_trained_once_but_saved_under_every_name():
    ours, theirs = both(lambda nn, ones: build_shared(nn))
    names = [n for n, _ in ours.named_parameters()]
    assert names == [n for n, _ in theirs.named_parameters()] == ["0.weight", "0.bias", "3.bias"]
    assert len(list(ours.parameters())) == 3
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()] == ["", "0", "1", "3"]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert len(ours.state_dict()) == 6


def test_a_shared_weight_collects_the_gradient_of_every_use():
    model = build_shared(OUR_NN)
    model(Tensor(np.ones((2, 3)))).sum().backward()
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    assert all(g is not None for g in grads)
    assert all(p.grad is None for p in model.parameters())


def test_a_slice_of_a_sequential_keeps_the_names_as_pytorch_does():
    ours, theirs = both(lambda nn, ones: nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))[1:])
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["2.weight", "2.bias"]
    assert repr(ours) == repr(theirs)


# ---------------------------------------------------------------------- modes and gradients


def test_train_and_eval_reach_every_module_and_return_the_model():
    net = build_net(OUR_NN, our_ones)
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net
    assert all(m.training for m in net.modules())
    net.heads.eval()
    evaluating = [name for name, m in net.named_modules() if not m.training]
    assert evaluating == ["heads", "heads.label", "heads.value", "heads.value.0", "heads.value.1"]


def test_zero_grad_clears_every_parameters_gradient():
    model = Sequential(Linear(3, 4), ReLU(), Linear(4, 1))
    model(Tensor(np.ones((2, 3)))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_to_converts_floating_parameters_and_buffers_only():
    model = Sequential(Linear(2, 3), BatchNorm1d(3)).double()
    assert {t.dtype for t in model.parameters()} == {float64}
    assert model[1].running_mean.dtype == float64 and model[1].num_batches_tracked.dtype == int64
    assert {t.dtype for t in model.float().parameters()} == {float32}


# ---------------------------------------------------------------------- state_dict and load_state_dict


def test_state_dict_holds_every_parameter_and_buffer_sharing_the_models_data():
    model = Sequential(Linear(2, 3), BatchNorm1d(3))
    state = model.state_dict()
    model[0].weight.data[...] = 7
    np.testing.assert_array_equal(state["0.weight"].data, np.full((3, 2), 7))
    assert not state["0.weight"].requires_grad
    assert state["1.num_batches_tracked"].item() == 0


def test_load_state_dict_round_trip_copies_every_value():
    source = Sequential(Linear(2, 3, generator=0), BatchNorm1d(3), Linear(3, 1, generator=1))
    source(Tensor(np.random.default_rng(0).standard_normal((4, 2))))
    target = Sequential(Linear(2, 3, generator=2), BatchNorm1d(3), Linear(3, 1, generator=3))
    result = target.load_state_dict(source.state_dict())
    assert result == ([], []) and repr(result) == "<All keys matched successfully>"
    for (name, ours), theirs in zip(target.state_dict().items(), source.state_dict().values()):
        np.testing.assert_array_equal(ours.data, theirs.data, err_msg=name)
    x = Tensor(np.ones((2, 2)))
    np.testing.assert_array_equal(target.eval()(x).data, source.eval()(x).data)
    source[0].weight.data[...] = 0
    assert np.all(target[0].weight.data != 0)


def test_load_state_dict_takes_pytorchs_state_dict():
    torch = pytest.importorskip("torch")
    ours, theirs = build_net(OUR_NN, our_ones), build_net(torch.nn, torch.ones)
    theirs.stem(torch.randn(5, 4))
    ours.load_state_dict(theirs.state_dict())
    for name, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[name].data, value.numpy(), err_msg=name)


def test_load_state_dict_names_missing_and_unexpected_keys():
    model = Linear(2, 3)
    state = model.state_dict()
    with pytest.raises(KeyError, match=re.escape("load_state_dict into Linear: missing keys ['bias']")):
        model.load_state_dict({"weight": state["weight"]})
    with pytest.raises(KeyError, match=re.escape("unexpected keys ['extra']")):
        model.load_state_dict({**state, "extra": Tensor(1.0)})
    model.load_state_dict({"weight": Tensor(np.zeros((3, 2))), "extra": Tensor(1.0)}, strict=False)
    np.testing.assert_array_equal(model.weight.data, np.zeros((3, 2)))


def test_load_state_dict_names_a_wrong_shape_and_changes_nothing():
    model = Sequential(Linear(2, 3), Linear(3, 1))
    before = {name: t.data.copy() for name, t in model.state_dict().items()}
    state = {name: Tensor(np.zeros(t.shape)) for name, t in model.state_dict().items()}
    state["1.weight"] = Tensor(np.zeros((3, 1)))
    expected = "'1.weight' has shape (3, 1) in the state dict but (1, 3) in the model"
    with pytest.raises(ValueError, match=re.escape(expected)):
        model.load_state_dict(state)
    for name, t in model.state_dict().items():
        np.testing.assert_array_equal(t.data, before[name], err_msg=name)


# ---------------------------------------------------------------------- containers


def test_sequential_applies_its_modules_in_order():
    model = Sequential(OrderedDict(double=Linear(1, 1), shift=Linear(1, 1)))
    model.double.weight.data[...], model.double.bias.data[...] = 2, 0
    model.shift.weight.data[...], model.shift.bias.data[...] = 1, 3
    np.testing.assert_array_equal(model(Tensor([[1.0], [5.0]])).data, [[5.0], [13.0]])
    assert len(model) == 2 and model[-1] is model.shift and list(model) == [model.double, model.shift]
    model.append(ReLU())
    assert list(model._modules) == ["double", "shift", "2"]


def test_module_list_and_module_dict_hold_modules_as_lists_and_dicts_do():
    blocks = ModuleList([Linear(2, 2)]).extend([ReLU(), Dropout()])
    assert len(blocks) == 3 and isinstance(blocks[1], ReLU) and isinstance(blocks[-1], Dropout)
    assert [type(m) for m in blocks[1:]] == [ReLU, Dropout]
    heads = ModuleDict({"a": ReLU()})
    heads["b"] = Linear(1, 1)
    assert "b" in heads and list(heads) == list(heads.keys()) == ["a", "b"]
    assert len(heads) == 2 and heads["a"] is list(heads.values())[0]
    assert [name for name, _ in heads.items()] == ["a", "b"]
    with pytest.raises(TypeError, match="ModuleDict: 'c' must be a Module, got int"):
        heads["c"] = 3


# ---------------------------------------------------------------------- reprs


def test_nested_reprs_are_pytorchs():
    ours, theirs = both(build_net)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize(
    "build",
    [
        lambda nn: nn.Sequential(),
        lambda nn: nn.ModuleList(),
        lambda nn: nn.ModuleDict(),
        lambda nn: nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)]),
        lambda nn: nn.ModuleList([nn.Sequential(nn.Linear(1, 1), nn.ReLU()) for _ in range(3)]),
        lambda nn: nn.Sequential(nn.ModuleDict({"x": nn.ModuleList([nn.ReLU()])}), nn.Sequential()),
    ],
)
def test_container_reprs_are_pytorchs(build):
    ours, theirs = both(lambda nn, ones: build(nn))
    assert repr(ours) == repr(theirs)


# ---------------------------------------------------------------------- load_state_dict validates first (issue 10)


def _bn_state():
    model = Sequential(Linear(2, 3), BatchNorm1d(3))
    return model, {name: t.data.copy() for name, t in model.state_dict().items()}


@pytest.mark.parametrize(
    "key, value, error, message",
    [
        ("1.num_batches_tracked", np.array(True), TypeError, "has dtype bool in the state dict but int64 in the model"),
        ("1.num_batches_tracked", np.array(2 + 1j), TypeError, "has dtype complex128 in the state dict but int64"),
        ("1.num_batches_tracked", np.array("3"), TypeError, "has dtype <U1 in the state dict but int64"),
        ("1.num_batches_tracked", np.array(np.nan), TypeError, "has dtype float64 in the state dict but int64"),
        ("1.num_batches_tracked", np.array(2**63, dtype=np.uint64), ValueError, "outside the range of int64"),
        ("1.num_batches_tracked", np.array(-1), ValueError, "must be at least 0 .a count."),
        ("0.weight", np.full((3, 2), "1.5"), TypeError, "has dtype <U3 in the state dict but float32"),
        ("0.weight", np.ones((3, 2), complex), TypeError, "has dtype complex128 in the state dict but float32"),
        ("0.weight", np.ones((3, 2), bool), TypeError, "has dtype bool in the state dict but float32"),
        ("1.running_var", np.array([1.0, -0.5, 1.0]), ValueError, r"must be at least 0 \(a running variance\), found -0.5"),
        ("1.running_var", np.array([1.0, np.nan, 1.0]), ValueError, "must be finite"),
        ("1.running_mean", np.array([np.inf, 0.0, 0.0]), ValueError, "must be finite"),
        ("1.bias", [object(), 1, 2], TypeError, "has dtype object"),
    ],
)
def test_load_state_dict_refuses_a_bad_entry_naming_it_and_changes_nothing(key, value, error, message):
    model, before = _bn_state()
    state = {name: np.full(v.shape, 7, v.dtype) for name, v in before.items()}
    state[key] = value  # the order of the dict puts some bad entries last, after good ones
    with pytest.raises(error, match=rf"load_state_dict: '{re.escape(key)}' .*{message}"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model.load_state_dict(state)
    for name, t in model.state_dict().items():
        np.testing.assert_array_equal(t.data, before[name], err_msg=name)


def test_load_state_dict_converts_integers_into_floats_as_pytorch_does():
    model = Linear(2, 1)
    model.load_state_dict({"weight": np.array([[1, 2]]), "bias": np.array([3], np.int32)})
    assert model.weight.data.tolist() == [[1.0, 2.0]] and model.weight.dtype == np.float32


def test_load_state_dict_reports_missing_and_unexpected_keys_as_pytorch_does():
    torch = pytest.importorskip("torch")
    ours, theirs = Linear(2, 3), torch.nn.Linear(2, 3)
    state = {"weight": np.zeros((3, 2), np.float32), "extra": np.zeros(1, np.float32)}
    result = ours.load_state_dict(state, strict=False)
    expected = theirs.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=False)
    assert result.missing_keys == expected.missing_keys == ["bias"]
    assert result.unexpected_keys == expected.unexpected_keys == ["extra"]
    assert tuple(result) == tuple(expected)
    assert repr(Linear(2, 3).load_state_dict(Linear(2, 3).state_dict())) == repr(
        theirs.load_state_dict(theirs.state_dict())
    )
