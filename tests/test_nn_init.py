"""minigrad.nn.init against torch.nn.init: gains exactly, fans of Linear and Conv2d shapes, and the
statistics (mean, standard deviation, bounds) of large tensors filled by each function."""

import math

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.nn import init

GAIN_CASES = [("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None), ("conv_transpose2d", None),
              ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
              ("leaky_relu", 0), ("leaky_relu", math.sqrt(5)), ("selu", None)]
# A Linear weight (out, in), a Conv2d weight (out, in, kh, kw), a Conv1d one, and an uneven one.
FAN_SHAPES = [(300, 200), (64, 32, 3, 3), (16, 8, 5), (10, 784), (7, 3, 2, 5)]
BIG = (400, 500)  # 200,000 numbers: a standard deviation measured to about 0.3 %


@pytest.mark.parametrize("nonlinearity, param", GAIN_CASES)
def test_calculate_gain_is_torchs_exactly(nonlinearity, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_refuses_what_torch_refuses():
    with pytest.raises(ValueError, match="calculate_gain.*unsupported nonlinearity 'softmax'"):
        init.calculate_gain("softmax")
    with pytest.raises(ValueError, match="negative_slope True"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", FAN_SHAPES)
def test_fans_are_torchs(shape):
    torch = pytest.importorskip("torch")
    ours = init._calculate_fan_in_and_fan_out(minigrad.zeros(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))


def test_fans_of_the_layers_weights():
    assert init._calculate_fan_in_and_fan_out(nn.Linear(20, 30).weight) == (20, 30)
    assert init._calculate_fan_in_and_fan_out(nn.Conv2d(3, 8, 5).weight) == (3 * 25, 8 * 25)


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="xavier_uniform_: fan in and fan out .* fewer than 2 dimensions.*\\(5,\\)"):
        init.xavier_uniform_(minigrad.zeros(5))


def statistics_of(values):
    values = np.asarray(values, dtype=np.float64)
    return values.mean(), values.std(), values.min(), values.max()


def torch_filled(torch, name, shape, kwargs):
    tensor = torch.empty(*shape, dtype=torch.float64)
    getattr(torch.nn.init, name)(tensor, **kwargs)
    return tensor.numpy()


INIT_CASES = [
    ("uniform_", {"a": -0.3, "b": 0.7}),
    ("normal_", {"mean": 0.5, "std": 2.0}),
    ("trunc_normal_", {"mean": 0.1, "std": 1.0, "a": -1.0, "b": 1.5}),
    ("xavier_uniform_", {}),
    ("xavier_uniform_", {"gain": 5 / 3}),
    ("xavier_normal_", {"gain": math.sqrt(2)}),
    ("kaiming_uniform_", {}),
    ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {"nonlinearity": "relu"}),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "tanh"}),
    ("kaiming_normal_", {"a": 0.2, "nonlinearity": "leaky_relu"}),
]


@pytest.mark.parametrize("shape", [BIG, (100, 50, 3, 3)], ids=["linear", "conv"])
@pytest.mark.parametrize("name, kwargs", INIT_CASES, ids=[f"{n}{k}" for n, k in INIT_CASES])
def test_the_statistics_are_torchs(name, kwargs, shape):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    ours = getattr(init, name)(minigrad.zeros(*shape, dtype=minigrad.float64), **kwargs, generator=0)
    mean, std, low, high = statistics_of(ours.numpy())
    t_mean, t_std, t_low, t_high = statistics_of(torch_filled(torch, name, shape, kwargs))
    # With n numbers of spread s, a mean is off by about s / sqrt(n) and a spread by s / sqrt(2n).
    n = math.prod(shape)
    assert abs(mean - t_mean) < 6 * t_std / math.sqrt(n)
    assert abs(std - t_std) < 6 * t_std / math.sqrt(2 * n)
    if "uniform" in name or name == "trunc_normal_":  # bounded: both reach the same bounds
        span = t_high - t_low
        assert abs(low - t_low) < 1e-3 * span and abs(high - t_high) < 1e-3 * span


@pytest.mark.parametrize("shape", FAN_SHAPES)
def test_the_scales_follow_the_formulas(shape):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(minigrad.zeros(*shape))
    tensor = minigrad.zeros(*shape, dtype=minigrad.float64)
    bound = math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(init.xavier_uniform_(tensor, generator=1).numpy()).max() <= bound
    he_bound = math.sqrt(3) * math.sqrt(2) / math.sqrt(fan_out)
    values = init.kaiming_uniform_(tensor, mode="fan_out", nonlinearity="relu", generator=1).numpy()
    assert np.abs(values).max() <= he_bound
    assert np.abs(values).max() > 0.9 * he_bound  # it fills the range, not a narrower one


def test_constant_zeros_ones_are_torchs():
    torch = pytest.importorskip("torch")
    for name, args in [("constant_", (0.25,)), ("zeros_", ()), ("ones_", ())]:
        ours = getattr(init, name)(minigrad.randn(3, 4), *args)
        theirs = getattr(torch.nn.init, name)(torch.randn(3, 4), *args)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert ours.dtype == np.float32
    assert init.constant_(minigrad.zeros(2, dtype=minigrad.int64), 3).numpy().tolist() == [3, 3]


def test_orthogonal_gives_orthonormal_rows_or_columns_times_the_gain():
    torch = pytest.importorskip("torch")
    for shape in [(6, 10), (10, 6), (4, 2, 3)]:
        ours = init.orthogonal_(minigrad.zeros(*shape, dtype=minigrad.float64), gain=2.0, generator=0).numpy()
        theirs = torch.nn.init.orthogonal_(torch.empty(*shape, dtype=torch.float64), gain=2.0).numpy()
        for values in (ours, theirs):
            flat = values.reshape(shape[0], -1)
            small = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
            np.testing.assert_allclose(small, 4.0 * np.eye(len(small)), atol=1e-12)


def test_the_tensor_is_filled_in_place_and_returned():
    layer = nn.Linear(8, 4)
    weight, array = layer.weight, layer.weight.data
    assert init.kaiming_normal_(weight, nonlinearity="relu", generator=0) is weight
    assert layer.weight.data is array, "the same array, so an optimizer holding it sees the new values"
    assert weight.dtype == np.float32 and weight.requires_grad and weight.grad is None


def test_a_generator_or_the_default_seed_makes_it_repeatable():
    a = init.normal_(minigrad.zeros(5), generator=np.random.default_rng(4)).numpy()
    b = init.normal_(minigrad.zeros(5), generator=4).numpy()
    np.testing.assert_array_equal(a, b)
    minigrad.manual_seed(7)
    c = init.xavier_uniform_(minigrad.zeros(3, 3)).numpy()
    minigrad.manual_seed(7)
    np.testing.assert_array_equal(c, init.xavier_uniform_(minigrad.zeros(3, 3)).numpy())


def test_an_initialised_layer_trains_through_autograd():
    layer = nn.Linear(3, 2)
    init.xavier_uniform_(layer.weight, generator=0)
    init.zeros_(layer.bias)
    layer(minigrad.ones(4, 3)).sum().backward()
    np.testing.assert_allclose(np.asarray(layer.bias.grad), [4.0, 4.0])


def test_bad_input_names_the_function():
    with pytest.raises(TypeError, match="kaiming_normal_: expected a Tensor .* got ndarray"):
        init.kaiming_normal_(np.zeros((3, 3)))
    with pytest.raises(TypeError, match="normal_: .*floating-point tensor, not int64"):
        init.normal_(minigrad.zeros(3, dtype=minigrad.int64))
    with pytest.raises(ValueError, match="kaiming_uniform_: mode 'fan_avg' is not supported"):
        init.kaiming_uniform_(minigrad.zeros(3, 3), mode="fan_avg")
    with pytest.raises(ValueError, match="uniform_: expects a <= b"):
        init.uniform_(minigrad.zeros(3), 1.0, 0.0)


def test_reachable_as_in_torch():
    assert minigrad.nn.init is init
    assert nn.init.xavier_uniform_ is init.xavier_uniform_
