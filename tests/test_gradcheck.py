"""minigrad.gradcheck: passes right gradients, catches wrong ones and says where."""

import math

import numpy as np
import pytest

from minigrad import Value, gradcheck
from minigrad.gradcheck import GradcheckError, numerical_gradients
from minigrad.scalar import _result

from .array_node import ArrayNode


def wrong_square(x):
    """x**2 whose rule claims the slope is x instead of 2x: the bug a learner might write."""
    return _result(x.data**2, (x,), "square", lambda g: (x.data * g,))


def test_a_correct_gradient_passes_and_reports_its_worst_element():
    a, b = Value(1.5, label="a"), Value(-0.5, label="b")
    result = gradcheck(lambda a, b: (a * b).tanh() + a.exp() / b, [a, b])
    assert result
    assert result.passed and result.elements == 2
    assert result.worst.error < 1e-8
    assert repr(result).startswith("gradcheck passed on 2 element(s)")


def test_a_wrong_gradient_fails_naming_the_input_and_both_numbers():
    x = Value(3.0, label="x")
    with pytest.raises(GradcheckError) as failure:
        gradcheck(wrong_square, x)
    message = str(failure.value)
    assert "FAILED" in message
    assert "input 0 ('x')" in message
    assert "analytic 3" in message and "numeric 6" in message


def test_without_raising_the_failure_is_a_false_result():
    result = gradcheck(lambda u, v: u * v + wrong_square(v), [Value(2.0), Value(4.0, label="v")], raise_exception=False)
    assert not result
    assert result.worst.input_index == 1
    assert result.worst.input_label == "v"
    assert result.worst.analytic == pytest.approx(2.0 + 4.0)
    assert result.worst.numeric == pytest.approx(2.0 + 8.0)


def test_a_nan_gradient_fails():
    nan_rule = lambda x: _result(x.data * 2, (x,), "double", lambda g: (math.nan,))  # noqa: E731
    assert not gradcheck(nan_rule, Value(1.0), raise_exception=False)


def test_leaves_the_inputs_data_unchanged():
    a = Value(0.1)
    gradcheck(lambda a: a.sigmoid(), a)
    assert a.data == 0.1


def test_numerical_gradients_of_arrays_element_by_element():
    x = ArrayNode([1.0, -2.0, 0.5])
    w = ArrayNode([3.0, 4.0, -1.0])
    (gx, gw) = numerical_gradients(lambda x, w: (x * w * x).sum(), [x, w])
    np.testing.assert_allclose(gx, 2 * w.data * x.data, rtol=1e-8)
    np.testing.assert_allclose(gw, x.data**2, rtol=1e-8)
    np.testing.assert_array_equal(x.data, [1.0, -2.0, 0.5])


def test_non_scalar_outputs_are_checked_through_a_random_weighting():
    x = ArrayNode([1.0, -2.0, 0.5])
    w = ArrayNode([3.0, 4.0, -1.0])
    result = gradcheck(lambda x, w: x * w, [x, w])
    assert result.elements == 6


def test_a_wrong_array_gradient_names_the_element():
    x = ArrayNode([1.0, 2.0, 3.0])

    def cube_with_a_bad_middle_slope(x):
        def grad_fn(g):
            slope = 3 * x.data**2
            slope[1] = 0.0
            return (g * slope,)

        return ArrayNode(x.data**3, (x,), "cube", grad_fn).sum()

    result = gradcheck(cube_with_a_bad_middle_slope, x, raise_exception=False)
    assert not result
    assert result.worst.element == (1,)
    assert "element (1,)" in repr(result)


def test_rejects_float32_inputs_and_non_nodes():
    single_precision = ArrayNode([1.0, 2.0])
    single_precision.data = single_precision.data.astype(np.float32)
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda x: x.sum(), single_precision)
    with pytest.raises(TypeError, match="not a Value or Tensor"):
        gradcheck(lambda x: x, [1.0])
    with pytest.raises(ValueError, match="no inputs"):
        gradcheck(lambda: Value(1.0), [])


def test_checks_zero_dimensional_tensor_outputs_and_non_contiguous_inputs():
    from minigrad.tensor import Tensor, float64

    matrix = Tensor(np.arange(6.0).reshape(2, 3), dtype=float64).T.detach().requires_grad_()
    assert not matrix.data.flags["C_CONTIGUOUS"]
    assert gradcheck(lambda m: (m * m).sum(), matrix)
    a, b = Tensor(1.5, dtype=float64, requires_grad=True), Tensor(-2.0, dtype=float64, requires_grad=True)
    assert gradcheck(lambda a, b: a * b + a, [a, b])
