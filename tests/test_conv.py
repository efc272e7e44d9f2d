"""conv2d, max_pool2d, avg_pool2d and their modules: values and gradients against PyTorch on drawn
shapes, finite differences, initialisation, reprs, and the errors bad arguments give."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad import backward_steps, gradcheck
from minigrad.nn import conv as conv_module
from minigrad.nn.conv import (
    AvgPool2d,
    Conv2d,
    MaxPool2d,
    avg_pool2d,
    conv2d,
    max_pool2d,
)
from minigrad.nn.module import Sequential
from minigrad.tensor import Tensor, float32, float64

from .helpers import assert_close

DRAWN = settings(max_examples=150, deadline=None)


def as_int_or_pair(pair):
    """PyTorch's functions take 2 or (2, 2) alike; pass the int form when it can say the same."""
    return pair[0] if pair[0] == pair[1] else pair


@st.composite
def geometries(draw, max_kernel, pooling):
    kernel = (draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if pooling:
        padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    else:
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    # At least as large as the kernel once padded.
    size = tuple(draw(st.integers(max(1, k - 2 * p), k - 2 * p + 6)) for k, p in zip(kernel, padding))
    return kernel, stride, padding, size


def drawn_input(rng, shape, channels_last, values="normal"):
    """float64 data of ``shape`` (N, C, H, W), stored channels-last in memory when asked: the ops
    must give the same answers whatever the layout of what they receive."""
    n, c, h, w = shape
    if values == "ties":
        data = rng.integers(-2, 3, size=(n, h, w, c)).astype(np.float64)
    else:
        data = rng.standard_normal((n, h, w, c))
    data = data.transpose(0, 3, 1, 2)
    return data if channels_last else np.ascontiguousarray(data)


# ---------------------------------------------------------------------- against PyTorch


@DRAWN
@given(
    geometry=geometries(max_kernel=4, pooling=False),
    batch=st.integers(1, 3),
    in_channels=st.integers(1, 3),
    out_channels=st.integers(1, 3),
    with_bias=st.booleans(),
    channels_last=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_conv2d_and_its_gradients_match_pytorch(
    geometry, batch, in_channels, out_channels, with_bias, channels_last, seed
):
    torch = pytest.importorskip("torch")
    kernel, stride, padding, size = geometry
    rng = np.random.default_rng(seed)
    arrays = [
        drawn_input(rng, (batch, in_channels, *size), channels_last),
        rng.standard_normal((out_channels, in_channels, *kernel)),
    ] + ([rng.standard_normal(out_channels)] if with_bias else [])
    ours = [Tensor(a, requires_grad=True, dtype=float64) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]

    out = conv2d(*ours, stride=as_int_or_pair(stride), padding=as_int_or_pair(padding))
    expected = torch.nn.functional.conv2d(*theirs, stride=stride, padding=padding)
    assert_close(out.data, expected)
    upstream = rng.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    for mine, reference in zip(ours, theirs):
        assert mine.grad.shape == mine.shape
        assert_close(mine.grad, reference.grad)


@DRAWN
@given(
    geometry=geometries(max_kernel=3, pooling=True),
    batch=st.integers(1, 3),
    channels=st.integers(1, 3),
    default_stride=st.booleans(),
    channels_last=st.booleans(),
    values=st.sampled_from(["normal", "ties"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_pooling_and_its_gradient_match_pytorch(
    geometry, batch, channels, default_stride, channels_last, values, seed
):
    torch = pytest.importorskip("torch")
    kernel, stride, padding, size = geometry
    stride = None if default_stride else stride
    rng = np.random.default_rng(seed)
    data = drawn_input(rng, (batch, channels, *size), channels_last, values)
    for ours_fn, torch_fn in [
        (max_pool2d, torch.nn.functional.max_pool2d),
        (avg_pool2d, torch.nn.functional.avg_pool2d),
    ]:
        x = Tensor(data, requires_grad=True, dtype=float64)
        tx = torch.tensor(data, requires_grad=True)
        given_stride = None if stride is None else as_int_or_pair(stride)
        out = ours_fn(x, as_int_or_pair(kernel), given_stride, as_int_or_pair(padding))
        expected = torch_fn(tx, kernel, stride, padding)
        assert_close(out.data, expected)
        upstream = rng.standard_normal(out.shape)
        out.backward(upstream)
        expected.backward(torch.tensor(upstream))
        assert_close(x.grad, tx.grad)


def test_a_small_conv_net_gives_pytorchs_parameter_gradients():
    """conv -> relu -> pool -> conv -> relu -> pool -> flatten, as the course's digits net: the layers
    pass each other channels-last data and gradients, and the sum still comes out right."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    images = rng.standard_normal((4, 1, 8, 8))
    params = [rng.standard_normal(s) for s in [(8, 1, 3, 3), (8,), (16, 8, 3, 3), (16,)]]
    readout = rng.standard_normal((4, 64))

    w1, b1, w2, b2 = (Tensor(p, requires_grad=True, dtype=float64) for p in params)
    hidden = max_pool2d(conv2d(Tensor(images, dtype=float64), w1, b1, padding=1).relu(), 2)
    features = max_pool2d(conv2d(hidden, w2, b2, padding=1).relu(), 2).reshape(4, 64)
    (features * Tensor(readout, dtype=float64)).sum().backward()

    F = torch.nn.functional
    tw1, tb1, tw2, tb2 = (torch.tensor(p, requires_grad=True) for p in params)
    t_hidden = F.max_pool2d(F.conv2d(torch.tensor(images), tw1, tb1, padding=1).relu(), 2)
    t_features = F.max_pool2d(F.conv2d(t_hidden, tw2, tb2, padding=1).relu(), 2).reshape(4, 64)
    (t_features * torch.tensor(readout)).sum().backward()

    assert_close(features.data, t_features)
    for mine, reference in zip((w1, b1, w2, b2), (tw1, tb1, tw2, tb2)):
        assert_close(mine.grad, reference.grad)


def test_max_pool_gives_a_tied_windows_gradient_to_its_first_maximum():
    x = Tensor([[[[5.0, 5.0], [5.0, 5.0]]]], requires_grad=True)
    max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [[[[1.0, 0.0], [0.0, 0.0]]]])


def test_max_pool_pads_with_minus_infinity_and_avg_pool_with_counted_zeros():
    x = Tensor([[[[-1.0, -2.0], [-3.0, -4.0]]]])
    np.testing.assert_array_equal(
        max_pool2d(x, 2, stride=1, padding=1).data,
        [[[[-1.0, -1.0, -2.0], [-1.0, -1.0, -2.0], [-3.0, -3.0, -4.0]]]],
    )
    # The corner window holds one real value and three padding zeros, all four counted.
    assert avg_pool2d(x, 2, stride=1, padding=1).data[0, 0, 0, 0] == -0.25


def test_float32_stays_float32_through_forward_and_backward():
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((2, 3, 5, 5)), requires_grad=True)
    layer = Conv2d(3, 4, 3, padding=1, generator=0)
    out = avg_pool2d(max_pool2d(layer(x), 2, stride=1), 2)
    out.sum().backward()
    assert out.dtype == float32
    assert {t.grad.dtype for t in (x, layer.weight, layer.bias)} == {float32}


# ---------------------------------------------------------------------- finite differences


def test_conv2d_passes_gradcheck():
    rng = np.random.default_rng(1)
    shapes = [(2, 2, 5, 4), (3, 2, 3, 2), (3,)]
    x, w, b = (Tensor(rng.standard_normal(s), requires_grad=True, dtype=float64) for s in shapes)
    gradcheck(lambda x, w, b: conv2d(x, w, b, stride=(2, 1), padding=1), [x, w, b])


@pytest.mark.parametrize("pool", [max_pool2d, avg_pool2d])
def test_pooling_passes_gradcheck(pool):
    # Distinct values far apart, so that no nudge of eps changes which element is a window's max.
    values = np.random.default_rng(2).permutation(2 * 2 * 5 * 5).reshape(2, 2, 5, 5) * 0.1
    x = Tensor(values, requires_grad=True, dtype=float64)
    gradcheck(lambda x: pool(x, 3, stride=2, padding=1), [x])


# ---------------------------------------------------------------------- the first layer


def test_the_first_layers_input_gets_no_gradient_and_none_is_computed(monkeypatch):
    input_grad_calls = []
    real_input_grad = conv_module._conv_input_grad

    def counted_input_grad(*args):
        input_grad_calls.append(args)
        return real_input_grad(*args)

    monkeypatch.setattr(conv_module, "_conv_input_grad", counted_input_grad)
    images = Tensor(np.random.default_rng(0).standard_normal((2, 1, 6, 6)))
    first, second = Conv2d(1, 4, 3, padding=1, generator=0), Conv2d(4, 2, 3, generator=1)

    out = second(first(images))
    steps = {id(step.node): step for step in backward_steps(out, np.ones(out.shape, dtype=np.float32))}

    assert images.grad is None
    first_step = steps[id(out._prev[0])]
    assert first_step.contributions[0] is None
    assert first_step.contributions[1] is not None and first_step.contributions[2] is not None
    # Only the second layer, whose input requires grad, computes an input gradient.
    assert len(input_grad_calls) == 1


# ---------------------------------------------------------------------- modules


def test_conv2d_module_draws_weight_then_bias_uniformly_within_one_over_root_fan_in():
    layer = Conv2d(3, 5, (3, 2), generator=7)
    bound = 1 / math.sqrt(3 * 3 * 2)
    rng = np.random.default_rng(7)
    expected_weight = rng.uniform(-bound, bound, (5, 3, 3, 2)).astype(np.float32)
    expected_bias = rng.uniform(-bound, bound, 5).astype(np.float32)
    np.testing.assert_array_equal(layer.weight.data, expected_weight)
    np.testing.assert_array_equal(layer.bias.data, expected_bias)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.requires_grad and layer.bias.requires_grad


def test_conv2d_module_bound_is_pytorchs():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    fan_in = 16 * 5 * 5
    theirs = torch.nn.Conv2d(16, 32, 5)
    ours = Conv2d(16, 32, 5, generator=0)
    for mine, reference in [(ours.weight, theirs.weight), (ours.bias, theirs.bias)]:
        reference_extent = reference.detach().abs().max().item()
        assert reference_extent <= 1 / math.sqrt(fan_in) and np.abs(mine.data).max() <= 1 / math.sqrt(fan_in)
        assert reference_extent > 0.95 / math.sqrt(fan_in) and np.abs(mine.data).max() > 0.95 / math.sqrt(fan_in)


def test_conv2d_module_is_reproducible_from_a_seed():
    same = [Conv2d(2, 3, 3, generator=11).weight.data for _ in range(2)]
    np.testing.assert_array_equal(*same)
    minigrad.manual_seed(5)
    first = Conv2d(2, 3, 3)
    minigrad.manual_seed(5)
    again = Conv2d(2, 3, 3)
    np.testing.assert_array_equal(first.weight.data, again.weight.data)
    np.testing.assert_array_equal(first.bias.data, again.bias.data)
    assert not np.array_equal(first.weight.data, Conv2d(2, 3, 3, generator=12).weight.data)


def test_conv2d_module_options():
    layer = Conv2d(2, 3, 3, bias=False, dtype=float64, generator=0)
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert layer.weight.dtype == float64


def test_modules_compute_what_pytorchs_compute():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).standard_normal((2, 2, 7, 6))
    nn = torch.nn
    ours = Sequential(
        Conv2d(2, 3, (3, 2), stride=(2, 1), padding=1, dtype=float64, generator=0),
        MaxPool2d(2, stride=1),
        AvgPool2d(2, padding=1),
    )
    theirs = nn.Sequential(
        nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=1), nn.MaxPool2d(2, stride=1), nn.AvgPool2d(2, padding=1)
    ).double()
    with torch.no_grad():
        theirs[0].weight.copy_(torch.tensor(ours[0].weight.data))
        theirs[0].bias.copy_(torch.tensor(ours[0].bias.data))
    assert_close(ours(Tensor(x, dtype=float64)).data, theirs(torch.tensor(x)))


@pytest.mark.parametrize(
    "build",
    [
        lambda nn: nn.Conv2d(1, 8, 3, padding=1),
        lambda nn: nn.Conv2d(1, 8, 3),
        lambda nn: nn.Conv2d(2, 4, (3, 2), stride=2, padding=(1, 0), bias=False),
        lambda nn: nn.MaxPool2d(2),
        lambda nn: nn.MaxPool2d((2, 3), stride=1, padding=1),
        lambda nn: nn.AvgPool2d(2),
        lambda nn: nn.AvgPool2d((2, 2), 1, (1, 0)),
        lambda nn: nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1)),
    ],
)
def test_reprs_are_pytorchs(build):
    torch = pytest.importorskip("torch")

    class ours:
        Conv2d, MaxPool2d, AvgPool2d, Sequential = Conv2d, MaxPool2d, AvgPool2d, Sequential

    assert repr(build(ours)) == repr(build(torch.nn))


# ---------------------------------------------------------------------- errors


def raises(error, pattern):
    return pytest.raises(error, match=pattern)


def test_conv2d_names_the_op_and_the_shapes_of_bad_input():
    w = Tensor(np.zeros((8, 1, 3, 3)))
    with raises(ValueError, r"conv2d: expected a 4-D input \(N, C, H, W\), got shape \(1, 8, 8\)"):
        conv2d(Tensor(np.zeros((1, 8, 8))), w)
    channels = r"conv2d: input of shape \(2, 3, 8, 8\) has 3 channels, but weight of shape \(8, 1, 3, 3\) expects 1"
    with raises(ValueError, channels):
        conv2d(Tensor(np.zeros((2, 3, 8, 8))), w)
    too_large = r"conv2d: kernel \(3, 3\) is larger than the padded input \(2, 2\) \(input of shape \(1, 1, 2, 2\)"
    with raises(ValueError, too_large):
        conv2d(Tensor(np.zeros((1, 1, 2, 2))), w)
    with raises(ValueError, r"conv2d: stride must be positive, got \(1, 0\)"):
        conv2d(Tensor(np.zeros((1, 1, 8, 8))), w, stride=(1, 0))
    with raises(ValueError, r"conv2d: padding must be non-negative, got \(-1, -1\)"):
        conv2d(Tensor(np.zeros((1, 1, 8, 8))), w, padding=-1)
    with raises(ValueError, r"conv2d: expected a 4-D weight .*got shape \(8, 9\)"):
        conv2d(Tensor(np.zeros((1, 1, 8, 8))), Tensor(np.zeros((8, 9))))
    with raises(ValueError, r"conv2d: bias must have shape \(8,\) to match weight of shape \(8, 1, 3, 3\), got \(3,\)"):
        conv2d(Tensor(np.zeros((1, 1, 8, 8))), w, Tensor(np.zeros(3)))
    with raises(TypeError, r"conv2d: input is float64 but weight is float32"):
        conv2d(Tensor(np.zeros((1, 1, 8, 8)), dtype=float64), w)
    with raises(TypeError, r"conv2d: expected a Tensor weight, got ndarray"):
        conv2d(Tensor(np.zeros((1, 1, 8, 8))), np.zeros((8, 1, 3, 3)))
    with raises(TypeError, r"conv2d: stride must be an int or a pair of ints, got 1.5"):
        conv2d(Tensor(np.zeros((1, 1, 8, 8))), w, stride=1.5)


@pytest.mark.parametrize("pool", [max_pool2d, avg_pool2d])
def test_pooling_names_the_op_and_the_shapes_of_bad_input(pool):
    name = pool.__name__
    with raises(ValueError, rf"{name}: expected a 4-D input \(N, C, H, W\), got shape \(1, 8, 8\)"):
        pool(Tensor(np.zeros((1, 8, 8))), 2)
    with raises(ValueError, rf"{name}: kernel \(5, 5\) is larger than the padded input \(4, 4\)"):
        pool(Tensor(np.zeros((1, 1, 4, 4))), 5)
    with raises(ValueError, rf"{name}: stride must be positive, got \(1, -1\)"):
        pool(Tensor(np.zeros((1, 1, 4, 4))), 2, stride=(1, -1))
    with raises(ValueError, rf"{name}: padding \(2, 2\) must be at most half of the kernel size \(3, 3\)"):
        pool(Tensor(np.zeros((1, 1, 4, 4))), 3, padding=2)
    with raises(TypeError, rf"{name}: expected a floating-point input, got int64"):
        pool(minigrad.tensor(np.zeros((1, 1, 4, 4), dtype=np.int64)), 2)


def test_modules_check_their_arguments_when_built():
    with raises(ValueError, r"Conv2d: kernel_size must be positive, got \(0, 0\)"):
        Conv2d(1, 8, 0)
    with raises(ValueError, r"Conv2d: in_channels must be a positive int, got 0"):
        Conv2d(0, 8, 3)
    with raises(ValueError, r"Conv2d: padding must be 'valid', 'same', an int or a pair of ints, got 'full'"):
        Conv2d(1, 8, 3, padding="full")
    with raises(ValueError, r"MaxPool2d: stride must be positive, got \(0, 0\)"):
        MaxPool2d(2, stride=0)
    with raises(ValueError, r"AvgPool2d: padding \(2, 2\) must be at most half of the kernel size \(2, 2\)"):
        AvgPool2d(2, padding=2)
