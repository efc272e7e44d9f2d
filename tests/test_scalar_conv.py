"""Scalar-mode Conv2d and MaxPool2d: the same numbers and gradients as tensor mode's conv2d and
max_pool2d from the same weights, finite differences, errors, and a small net that learns digits."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from minigrad import Tensor, float64, gradcheck, no_grad
from minigrad.nn import functional as F
from minigrad.nn import scalar as S
from minigrad.nn.conv import conv2d, max_pool2d


def leaf(array):
    return Tensor(array, dtype=float64, requires_grad=True)


def weighted_sum(outputs, weights):
    """sum(outputs * weights) in scalar mode: a loss whose gradient reaches every output differently."""
    return sum(v * float(w) for v, w in zip(outputs.reshape(-1), weights.reshape(-1)))


@pytest.mark.parametrize(
    "in_channels, out_channels, kernel, stride, padding, size",
    [(1, 2, 2, 1, 0, (3, 3)), (2, 3, 3, 1, 1, (5, 4)), (3, 2, (2, 3), (2, 1), (1, 0), (6, 5)), (1, 1, 3, 2, 2, (4, 4))],
)
def test_conv2d_gives_tensor_modes_outputs_and_gradients(in_channels, out_channels, kernel, stride, padding, size):
    rng = np.random.default_rng(0)
    conv = S.Conv2d(in_channels, out_channels, kernel, stride, padding, seed=1)
    image = rng.normal(size=(in_channels, *size))
    x = S.values(image, "x")
    out = conv(x)
    upstream = rng.normal(size=out.shape)
    weighted_sum(out, upstream).backward()

    weight, bias, t_image = leaf(S.numbers(conv.weight)), leaf(S.numbers(conv.bias)), leaf(image[None])
    t_out = conv2d(t_image, weight, bias, stride, padding)
    (t_out * Tensor(upstream[None], dtype=float64)).sum().backward()

    assert out.shape == t_out.shape[1:]
    np.testing.assert_allclose(S.numbers(out), t_out.numpy()[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(S.numbers(x, grad=True), np.asarray(t_image.grad)[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(S.numbers(conv.weight, grad=True), np.asarray(weight.grad), rtol=0, atol=1e-12)
    np.testing.assert_allclose(S.numbers(conv.bias, grad=True), np.asarray(bias.grad), rtol=0, atol=1e-12)


def test_conv2d_starts_from_tensor_modes_weights_for_the_same_seed():
    from minigrad.nn import Conv2d

    ours, theirs = S.Conv2d(2, 3, 3, seed=4), Conv2d(2, 3, 3, dtype=float64, generator=4)
    np.testing.assert_array_equal(S.numbers(ours.weight), theirs.weight.numpy())
    np.testing.assert_array_equal(S.numbers(ours.bias), theirs.bias.numpy())


@pytest.mark.parametrize("kernel, stride, size", [(2, None, (4, 4)), (3, 1, (5, 4)), ((2, 3), (1, 2), (5, 7))])
def test_max_pool2d_gives_tensor_modes_outputs_and_gradients(kernel, stride, size):
    rng = np.random.default_rng(2)
    image = rng.normal(size=(2, *size))
    image[0, 0, :2] = 1.5  # a tie: the gradient goes to the first maximum, in both modes
    x = S.values(image)
    out = S.MaxPool2d(kernel, stride)(x)
    upstream = rng.normal(size=out.shape)
    weighted_sum(out, upstream).backward()

    t_image = leaf(image[None])
    t_out = max_pool2d(t_image, kernel, stride)
    (t_out * Tensor(upstream[None], dtype=float64)).sum().backward()

    np.testing.assert_array_equal(S.numbers(out), t_out.numpy()[0])
    np.testing.assert_allclose(S.numbers(x, grad=True), np.asarray(t_image.grad)[0], rtol=0, atol=1e-12)


def test_gradcheck_passes_for_input_weights_and_bias_of_a_strided_padded_conv_and_a_pool():
    rng = np.random.default_rng(5)
    conv, pool = S.Conv2d(2, 2, 2, stride=(1, 2), padding=1, seed=0), S.MaxPool2d(2, stride=1)
    image = S.values(rng.normal(size=(2, 3, 4)))
    inputs = [*image.reshape(-1), *conv.parameters()]
    sizes = (image.size, conv.weight.size)

    def fn(*leaves):
        x = S.values(np.array(leaves[: sizes[0]], dtype=object).reshape(image.shape))
        conv.weight[...] = np.array(leaves[sizes[0] : sum(sizes)], dtype=object).reshape(conv.weight.shape)
        conv.bias[...] = np.array(leaves[sum(sizes) :], dtype=object)
        out = pool(conv(x))
        return weighted_sum(out, np.linspace(-1.0, 1.0, out.size))

    assert gradcheck(fn, inputs)


def test_values_and_numbers_convert_arrays_both_ways():
    array = np.arange(6.0).reshape(1, 2, 3)
    wrapped = S.values(array, "x")
    assert wrapped.shape == (1, 2, 3) and wrapped.dtype == object
    assert wrapped[0, 1, 2].label == "x[0,1,2]"
    assert S.values(wrapped)[0, 0, 0] is wrapped[0, 0, 0]  # Values already there are kept
    np.testing.assert_array_equal(S.numbers(wrapped), array)
    np.testing.assert_array_equal(S.numbers(wrapped, grad=True), np.zeros((1, 2, 3)))
    assert S.numbers(S.values([[1, 2], [3, 4]])).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(TypeError, match=r"values: element \(1,\) is a str"):
        S.values([1.0, "two"])


def test_bad_inputs_name_the_op_and_the_shapes():
    conv = S.Conv2d(2, 1, 3)
    with pytest.raises(ValueError, match=r"Conv2d: expected 2 input channels, got an input of shape \(1, 5, 5\)"):
        conv(np.zeros((1, 5, 5)))
    with pytest.raises(ValueError, match=r"Conv2d: expected a 3-D input \(C, H, W\) of Values, got shape \(5, 5\)"):
        conv(np.zeros((5, 5)))
    with pytest.raises(ValueError, match=r"Conv2d: kernel \(3, 3\) is larger than the \(padded\) input of shape \(2, 2, 2\)"):
        conv(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"MaxPool2d: expected a 3-D input"):
        S.MaxPool2d(2)(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="Conv2d: out_channels must be a positive int, got 0"):
        S.Conv2d(1, 0, 3)
    with pytest.raises(TypeError, match="Conv2d: kernel_size must be an int or a pair of ints, got 2.5"):
        S.Conv2d(1, 1, 2.5)
    with pytest.raises(ValueError, match="MaxPool2d: kernel_size and stride must be positive"):
        S.MaxPool2d(0)


def test_reprs_read_like_tensor_modes():
    assert repr(S.Conv2d(1, 4, 3, padding=1)) == "Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert repr(S.MaxPool2d(2)) == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2))"


def load_bench():
    path = Path(__file__).resolve().parent.parent / "bench" / "scalar_conv.py"
    spec = importlib.util.spec_from_file_location("scalar_conv", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scalar_net_computes_what_its_tensor_mode_twin_computes():
    bench = load_bench()
    net = bench.ScalarConvNet(seed=0)
    model = bench.tensor_conv_net(net)
    images = bench.digits_arrays()[0][:5]
    with no_grad():
        ours = np.array([[v.data for v in net(image)] for image in images])
        theirs = model(Tensor(images, dtype=float64)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.slow
def test_a_small_scalar_conv_net_learns_digits_to_90_percent():
    _, accuracy, _ = load_bench().train_scalar(samples=600, epochs=3, seed=0)
    assert accuracy >= 0.90


def test_conv_and_pool_match_torch_side_by_side():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    conv, pool = S.Conv2d(2, 3, 3, stride=2, padding=1, seed=2), S.MaxPool2d(2, stride=1)
    image = rng.normal(size=(2, 7, 6))
    x = S.values(image)
    out = pool(conv(x))
    upstream = rng.normal(size=out.shape)
    weighted_sum(out, upstream).backward()

    t_image = torch.tensor(image[None], requires_grad=True)
    t_weight = torch.tensor(S.numbers(conv.weight), requires_grad=True)
    t_bias = torch.tensor(S.numbers(conv.bias), requires_grad=True)
    t_out = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(t_image, t_weight, t_bias, 2, 1), 2, 1)
    (t_out * torch.tensor(upstream[None])).sum().backward()

    for ours, theirs in ((S.numbers(out), t_out[0]), (S.numbers(x, grad=True), t_image.grad[0]),
                         (S.numbers(conv.weight, grad=True), t_weight.grad), (S.numbers(conv.bias, grad=True), t_bias.grad)):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=0, atol=1e-12)
