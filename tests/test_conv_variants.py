"""conv2d's groups, dilation and 'same'/'valid' padding, conv1d, conv_transpose2d, max_pool2d's
ceil_mode, dilation and return_indices, avg_pool2d's ceil_mode and count_include_pad,
adaptive_avg_pool2d, and their modules: against PyTorch float64 (values, gradients, dtypes, reprs)
and finite differences; errors name the op and the shapes."""

import numpy as np
import pytest

from minigrad import Tensor, float32, float64, gradcheck
from minigrad.nn import conv as C
from tests.helpers import assert_close, leaf

torch = pytest.importorskip("torch")
TF = torch.nn.functional

rng = np.random.default_rng(3)
# PyTorch warns that 'same' padding with an even kernel copies its input; the result is what counts.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


def compare(ours, theirs, arrays, check_finite_differences=True):
    """Forward, backward and dtype of ``ours`` against ``theirs`` on float64 copies of ``arrays``."""
    inputs = [leaf(a) for a in arrays]
    torch_inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = ours(*inputs), theirs(*torch_inputs)
    assert out.shape == tuple(expected.shape) and str(out.dtype) == "float64"
    assert_close(out.data, expected)
    upstream = rng.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    for x, t in zip(inputs, torch_inputs):
        assert_close(np.asarray(x.grad), t.grad)
    if check_finite_differences:
        gradcheck(ours, [leaf(a) for a in arrays])
    assert ours(*[Tensor(a, dtype=float32) for a in arrays]).dtype == float32


CONV2D = [
    # input shape, weight shape, keyword arguments
    ((2, 4, 7, 6), (6, 2, 3, 3), dict(groups=2)),
    ((1, 6, 5, 5), (6, 1, 3, 2), dict(groups=6, padding=1)),
    ((2, 2, 9, 8), (3, 2, 3, 3), dict(dilation=2)),
    ((2, 2, 9, 8), (3, 2, 3, 2), dict(dilation=(2, 3), stride=(2, 1), padding=(1, 2))),
    ((2, 3, 6, 7), (4, 3, 3, 3), dict(padding="same")),
    ((2, 3, 6, 7), (4, 3, 4, 2), dict(padding="same")),
    ((1, 2, 8, 8), (4, 1, 3, 3), dict(padding="same", dilation=2, groups=2)),
    ((2, 3, 6, 7), (4, 3, 3, 3), dict(padding="valid")),
    ((2, 4, 8, 8), (4, 2, 2, 2), dict(groups=2, stride=2)),
]


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("x_shape, w_shape, kwargs", CONV2D)
def test_conv2d_variants(x_shape, w_shape, kwargs, bias):
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape)] + ([rng.standard_normal(w_shape[0])] if bias else [])
    compare(lambda *a: C.conv2d(*a[:2], a[2] if bias else None, **kwargs),
            lambda *a: TF.conv2d(*a[:2], a[2] if bias else None, **kwargs), arrays)


CONV1D = [
    ((2, 3, 10), (4, 3, 3), dict()),
    ((2, 4, 10), (6, 2, 3), dict(groups=2, stride=2, padding=1)),
    ((1, 2, 12), (3, 2, 3), dict(dilation=3)),
    ((2, 2, 9), (2, 2, 4), dict(padding="same")),
]


@pytest.mark.parametrize("x_shape, w_shape, kwargs", CONV1D)
def test_conv1d(x_shape, w_shape, kwargs):
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])]
    compare(lambda *a: C.conv1d(*a, **kwargs), lambda *a: TF.conv1d(*a, **kwargs), arrays)


TRANSPOSED = [
    ((2, 3, 4, 5), (3, 2, 3, 3), dict()),
    ((2, 3, 4, 4), (3, 2, 3, 3), dict(stride=2)),
    ((1, 2, 4, 3), (2, 3, 3, 2), dict(stride=2, padding=1, output_padding=1)),
    ((1, 2, 3, 3), (2, 3, 4, 4), dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2))),
    ((2, 4, 3, 3), (4, 1, 3, 3), dict(groups=2, stride=2)),
    ((1, 2, 4, 4), (2, 2, 3, 3), dict(dilation=2, padding=1)),
]


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("x_shape, w_shape, kwargs", TRANSPOSED)
def test_conv_transpose2d(x_shape, w_shape, kwargs, bias):
    out_channels = w_shape[1] * kwargs.get("groups", 1)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape)] + ([rng.standard_normal(out_channels)] if bias else [])
    compare(lambda *a: C.conv_transpose2d(*a[:2], a[2] if bias else None, **kwargs),
            lambda *a: TF.conv_transpose2d(*a[:2], a[2] if bias else None, **kwargs), arrays)


MAX_POOL = [
    (2, dict(ceil_mode=True)),
    (3, dict(stride=2, ceil_mode=True, padding=1)),
    (2, dict(dilation=2)),
    ((3, 2), dict(stride=(2, 1), dilation=(1, 2), ceil_mode=True)),
    (3, dict(stride=1, padding=1)),
]


@pytest.mark.parametrize("kernel, kwargs", MAX_POOL)
def test_max_pool2d_variants_and_indices(kernel, kwargs):
    # A permutation: no ties, so finite differences see one maximum per window.
    array = rng.permutation(2 * 3 * 7 * 8).reshape(2, 3, 7, 8) * 0.1
    compare(lambda x: C.max_pool2d(x, kernel, **kwargs), lambda x: TF.max_pool2d(x, kernel, **kwargs), [array])
    out, indices = C.max_pool2d(Tensor(array), kernel, return_indices=True, **kwargs)
    expected, expected_indices = TF.max_pool2d(torch.tensor(array), kernel, return_indices=True, **kwargs)
    assert indices.dtype == np.int64 and indices.tolist() == expected_indices.tolist()
    assert_close(out.data, expected.float())


AVG_POOL = [
    (2, dict(ceil_mode=True)),
    (3, dict(stride=2, padding=1, ceil_mode=True)),
    (3, dict(stride=2, padding=1, count_include_pad=False)),
    (3, dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ((2, 3), dict(stride=(1, 2), padding=(1, 1), count_include_pad=False)),
    (2, dict(divisor_override=3)),
]


@pytest.mark.parametrize("kernel, kwargs", AVG_POOL)
def test_avg_pool2d_variants(kernel, kwargs):
    array = rng.standard_normal((2, 3, 7, 8))
    compare(lambda x: C.avg_pool2d(x, kernel, **kwargs), lambda x: TF.avg_pool2d(x, kernel, **kwargs), [array])


@pytest.mark.parametrize("shape, size", [((2, 3, 7, 8), 3), ((2, 3, 7, 8), (2, 5)), ((3, 6, 6), (1, None)), ((1, 2, 5, 4), 1), ((1, 2, 3, 3), 5)])
def test_adaptive_avg_pool2d(shape, size):
    compare(lambda x: C.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size), [rng.standard_normal(shape)])


@pytest.mark.parametrize(
    "build",
    [
        lambda nn: nn.Conv2d(4, 8, 3, groups=2),
        lambda nn: nn.Conv2d(2, 4, 3, padding="same", dilation=2, bias=False),
        lambda nn: nn.Conv2d(2, 4, (3, 1), padding="valid"),
        lambda nn: nn.Conv1d(2, 4, 3),
        lambda nn: nn.Conv1d(4, 4, 5, stride=2, padding=2, dilation=1, groups=4),
        lambda nn: nn.Conv1d(4, 4, 5, padding="same"),
        lambda nn: nn.ConvTranspose2d(3, 6, 3, stride=2, padding=1, output_padding=1),
        lambda nn: nn.ConvTranspose2d(4, 2, (2, 3), groups=2, bias=False, dilation=2),
        lambda nn: nn.MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True),
        lambda nn: nn.MaxPool2d(2, return_indices=True),
        lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
        lambda nn: nn.AdaptiveAvgPool2d((4, 3)),
        lambda nn: nn.AdaptiveAvgPool2d(1),
    ],
)
def test_module_reprs_are_pytorchs(build):
    class ours:
        Conv2d, Conv1d, ConvTranspose2d = C.Conv2d, C.Conv1d, C.ConvTranspose2d
        MaxPool2d, AvgPool2d, AdaptiveAvgPool2d = C.MaxPool2d, C.AvgPool2d, C.AdaptiveAvgPool2d

    assert repr(build(ours)) == repr(build(torch.nn))


@pytest.mark.parametrize(
    "ours, theirs, x_shape",
    [
        (lambda: C.Conv2d(4, 6, 3, groups=2, dilation=2, padding="same", generator=0, dtype=float64),
         lambda: torch.nn.Conv2d(4, 6, 3, groups=2, dilation=2, padding="same"), (2, 4, 7, 7)),
        (lambda: C.Conv1d(3, 4, 3, stride=2, generator=0, dtype=float64), lambda: torch.nn.Conv1d(3, 4, 3, stride=2), (2, 3, 9)),
        (lambda: C.ConvTranspose2d(4, 6, 3, stride=2, groups=2, output_padding=1, generator=0, dtype=float64),
         lambda: torch.nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2, output_padding=1), (2, 4, 3, 3)),
    ],
)
def test_modules_match_torch_with_the_same_weights(ours, theirs, x_shape):
    layer, twin = ours(), theirs().double()
    assert layer.weight.shape == tuple(twin.weight.shape) and layer.bias.shape == tuple(twin.bias.shape)
    # PyTorch's bound, 1 / sqrt(fan_in), where fan_in counts weight.shape[1] * the kernel's size.
    bound = 1 / np.sqrt(np.prod(layer.weight.shape[1:]))
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.weight.data).max() > 0.8 * bound
    with torch.no_grad():
        twin.weight.copy_(torch.tensor(layer.weight.data))
        twin.bias.copy_(torch.tensor(layer.bias.data))
    x = rng.standard_normal(x_shape)
    assert_close(layer(Tensor(x, dtype=float64)).data, twin(torch.tensor(x)))


def raises(error, pattern):
    return pytest.raises(error, match=pattern)


def test_errors_name_the_op_and_the_shapes():
    x = Tensor(np.zeros((1, 4, 6, 6)))
    with raises(ValueError, r"conv2d: input of shape \(1, 4, 6, 6\) has 4 channels, but weight of shape \(6, 3, 3, 3\) expects 6 \(groups=2\)"):
        C.conv2d(x, Tensor(np.zeros((6, 3, 3, 3))), groups=2)
    with raises(ValueError, r"conv2d: out_channels 5 must be divisible by groups=2"):
        C.conv2d(x, Tensor(np.zeros((5, 2, 3, 3))), groups=2)
    with raises(ValueError, r"conv2d: padding='same' is not supported for strided convolutions \(stride \(2, 2\)\)"):
        C.conv2d(x, Tensor(np.zeros((2, 4, 3, 3))), stride=2, padding="same")
    with raises(ValueError, r"conv2d: kernel \(3, 3\) with dilation \(3, 3\) is larger than the padded input \(6, 6\)"):
        C.conv2d(x, Tensor(np.zeros((2, 4, 3, 3))), dilation=3)
    with raises(ValueError, r"conv2d: dilation must be positive, got \(0, 0\)"):
        C.conv2d(x, Tensor(np.zeros((2, 4, 3, 3))), dilation=0)
    with raises(ValueError, r"conv1d: expected a 3-D input \(N, C, L\), got \(1, 4, 6, 6\)"):
        C.conv1d(x, Tensor(np.zeros((2, 4, 3))))
    with raises(ValueError, r"conv1d: input of shape \(1, 4, 6\) has 4 channels, but weight of shape \(2, 3, 3\) expects 3"):
        C.conv1d(Tensor(np.zeros((1, 4, 6))), Tensor(np.zeros((2, 3, 3))))
    with raises(ValueError, r"conv_transpose2d: input of shape \(1, 4, 6, 6\) has 4 channels, but weight of shape \(3, 2, 3, 3\) expects 3"):
        C.conv_transpose2d(x, Tensor(np.zeros((3, 2, 3, 3))))
    with raises(ValueError, r"conv_transpose2d: output_padding \(2, 2\) must be .* smaller than stride \(2, 2\)"):
        C.conv_transpose2d(x, Tensor(np.zeros((4, 2, 3, 3))), stride=2, output_padding=2)
    with raises(ValueError, r"adaptive_avg_pool2d: output_size must be a positive int"):
        C.adaptive_avg_pool2d(x, 0)
    with raises(ValueError, r"Conv2d: groups=3 must be a positive int dividing in_channels and out_channels"):
        C.Conv2d(4, 6, 3, groups=3)
    with raises(ValueError, r"Conv2d: only padding_mode='zeros' is available, got 'reflect'"):
        C.Conv2d(4, 6, 3, padding_mode="reflect")
