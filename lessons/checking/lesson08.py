"""The checks of lesson 08, Convolution.

Each check builds its own inputs and asks minigrad (``conv2d``, ``max_pool2d`` and its backward) for
the right answers, so a check never relies on what the notebook holds besides the learner's function.
"""

import numbers
from contextlib import contextmanager

import numpy as np

import minigrad
import minigrad.nn.conv as conv_module
import minigrad.nn.functional as functional
from checking import exercise, is_node, right, wrong


def _is_integer(x):
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


def _call(n, k, s, p):
    return f"output_size({n}, {k}, stride={s}, padding={p})"


def _conv2d_size(n, k, s, p):
    """The side of what conv2d really produces for an n x n input of zeros."""
    out = functional.conv2d(minigrad.zeros(1, 1, n, n), minigrad.zeros(1, 1, k, k), stride=s, padding=p)
    return out.shape[2]


# The lesson's cases, then ones the learner has not seen: odd sides, kernels of 2, 4 and 5, stride 3,
# and positions that do not divide evenly by the stride (where rounding up or a float shows).
OUTPUT_SIZE_CASES = [(8, 3, 1, 1), (8, 3, 1, 0), (8, 3, 2, 1), (8, 3, 2, 0), (7, 3, 2, 0), (28, 5, 1, 2),
                     (32, 4, 3, 1), (8, 2, 2, 0), (10, 4, 3, 2), (5, 3, 3, 0), (13, 5, 2, 1)]


@exercise("output_size")
def check_output_size(output_size):
    cases = OUTPUT_SIZE_CASES
    results = {}
    for case in cases:
        try:
            results[case] = output_size(*case)
        except Exception as error:  # name the call that failed, not only the error
            return wrong(f"{_call(*case)} raised {type(error).__name__}: {error}")
    for case, actual in results.items():
        if actual is None:
            return wrong(f"{_call(*case)} returns None: return the size.")
        if is_node(actual):
            return wrong(f"{_call(*case)} returns a {type(actual).__name__}; return a plain int.")
        if not _is_integer(actual):
            if isinstance(actual, numbers.Real):
                return wrong(f"{_call(*case)} returns a {type(actual).__name__}, not an int. A size must be a "
                             "whole number that np.zeros and range accept, and they refuse floats, even whole ones such as 3.0: "
                             "`/` always gives a float (so does np.floor); `//` divides and rounds down to an int.")
            return wrong(f"{_call(*case)} returns a {type(actual).__name__}; return an int.")
    expected = {case: _conv2d_size(*case) for case in cases}
    failing = [case for case in cases if results[case] != expected[case]]
    if failing:
        first = failing[0]
        if len(set(results.values())) == 1:
            return wrong("output_size gives the same size for every input: it must depend on n, kernel, "
                         "stride and padding.")
        if all(results[c] == expected[c] - 1 for c in cases):
            return wrong("output_size is one too small in every case: count the kernel's first position "
                         "(its corner at 0) too.")
        if all(results[c] == expected[c] + 1 for c in cases):
            return wrong("output_size is one too large in every case: count the positions of the corner, "
                         "starting at 0, at which the kernel still fits.")
        if results[8, 3, 1, 1] == results[8, 3, 1, 0]:
            return wrong(f"padding does not change your answer: {_call(8, 3, 1, 1)} and {_call(8, 3, 1, 0)} "
                         "give the same size. Padding adds `padding` zeros on each side of the row.")
        if results[8, 3, 1, 1] - results[8, 3, 1, 0] == 1:
            return wrong(f"in your answer padding 1 adds only one position ({_call(8, 3, 1, 1)} against "
                         f"{_call(8, 3, 1, 0)}): the zeros go on both sides, so the padded row has "
                         "n + 2 * padding pixels.")
        if results[8, 3, 2, 0] == results[8, 3, 1, 0]:
            return wrong(f"the stride does not change your answer: {_call(8, 3, 2, 0)} and {_call(8, 3, 1, 0)} "
                         "give the same size. The corner moves `stride` pixels at a time.")
        if results[first] > expected[first]:
            return wrong(f"{_call(*first)} is too large ({len(failing)} of the {len(cases)} cases that the check "
                         "tries are wrong): the kernel must fit entirely inside the padded row, so "
                         "a last step that would hang over its end does not count; round down.")
        return wrong(f"{_call(*first)} is too small ({len(failing)} of the {len(cases)} cases that the check "
                     "tries are wrong): the corner can move (padded side - kernel) pixels in whole steps "
                     "of stride; subtract the kernel before you divide by the stride.")
    try:
        default = output_size(8, 3)
    except Exception as error:
        return wrong(f"output_size(8, 3) raised {type(error).__name__}: {error}; keep the defaults stride=1 "
                     "and padding=0 in the def line.")
    if default != _conv2d_size(8, 3, 1, 0):
        return wrong("output_size(8, 3), with the default stride and padding, is wrong: keep the defaults "
                     "stride=1 and padding=0 in the def line.")
    return right(f"output_size agrees with conv2d on all {len(cases)} cases: (n + 2 * padding - kernel) // "
                 "stride + 1")


@contextmanager
def _conv2d_watched():
    """Count the calls of minigrad's conv2d while the block runs, however it was reached: F.conv2d,
    nn.Conv2d, or a conv2d imported by name before the check ran (which a patch of the name would
    miss). conv2d cuts its windows with conv.py's _windows, which the learner's own code never calls."""
    calls = []
    original_conv2d, original_windows = conv_module.conv2d, conv_module._windows

    def watched(*args, **kwargs):
        calls.append(1)
        return original_conv2d(*args, **kwargs)

    def watched_windows(*args, **kwargs):
        calls.append(1)
        return original_windows(*args, **kwargs)

    conv_module.conv2d = functional.conv2d = watched
    conv_module._windows = watched_windows
    try:
        yield calls
    finally:
        conv_module.conv2d = functional.conv2d = original_conv2d
        conv_module._windows = original_windows


def _conv2d(image, weight, padding):
    out = functional.conv2d(minigrad.Tensor(image[None], dtype=minigrad.float64),
                            minigrad.Tensor(weight, dtype=minigrad.float64), padding=padding)
    return out.numpy()[0]


@exercise("conv_im2col")
def check_conv_im2col(conv_im2col):
    rng = np.random.default_rng(8)
    # (channels C, kernels O, height, width, padding): one channel and one kernel first, so that a
    # mistake that shows only with several channels, or only with several kernels, can be named;
    # images that are not square, so that rows and columns cannot be swapped unnoticed.
    cases = [(1, 1, 5, 6, 1), (1, 4, 5, 6, 1), (3, 1, 5, 6, 1), (3, 4, 6, 7, 1), (2, 3, 5, 5, 0), (2, 2, 4, 6, 2)]
    results = []
    for channels, kernels, height, width, padding in cases:
        image = rng.standard_normal((channels, height, width))
        weight = rng.standard_normal((kernels, channels, 3, 3))
        where = (f"for an image of shape {image.shape}, a weight of shape {weight.shape} "
                 f"and padding {padding}")
        expected = _conv2d(image, weight, padding)
        image_copy, weight_copy = image.copy(), weight.copy()
        try:
            with _conv2d_watched() as calls:
                actual = conv_im2col(image, weight, padding)
        except Exception as error:
            return wrong(f"{where}, conv_im2col raised {type(error).__name__}: {error}. Print the shapes of "
                         "padded, windows and cols one by one; pad only the two spatial axes.")
        if calls:
            return wrong("conv_im2col calls minigrad's conv2d: the exercise is to compute it yourself, with "
                         "sliding_window_view and one matrix product.")
        if actual is None:
            return wrong("conv_im2col returns None: return the output array.")
        if is_node(actual):
            return wrong(f"conv_im2col returns a {type(actual).__name__}: return a NumPy array.")
        if not (np.array_equal(image, image_copy) and np.array_equal(weight, weight_copy)):
            return wrong("conv_im2col changed the image or the weight it was given: compute into new arrays.")
        try:
            actual = np.asarray(actual, dtype=float)
        except (TypeError, ValueError):
            return wrong(f"conv_im2col returns a {type(actual).__name__}, not an array of numbers.")
        if actual.shape != expected.shape:
            other = next((p for p in range(4) if p != padding and actual.shape == _conv2d(image, weight, p).shape),
                         None)
            if other is not None:
                return wrong(f"{where} your output has the shape that padding {other} gives: pad the two spatial "
                             "axes by the `padding` argument, `padding` zeros on each side.")
            if actual.shape == expected.shape[1:] + expected.shape[:1]:
                return wrong(f"{where} the output should have the shape (O, H', W') = {expected.shape}, "
                             f"but it has {actual.shape}: the output channels come first, as in conv2d.")
            return wrong(f"{where} the output should have the shape (O, H', W') = {expected.shape}, but it has "
                         f"{actual.shape}.")
        results.append(bool(np.allclose(actual, expected, rtol=1e-9, atol=1e-9)))
        if not results[-1] and np.allclose(actual, expected, rtol=1e-4, atol=1e-5):
            return wrong(f"{where} your output is right only to about 6 digits, the precision of float32: keep the "
                         "arrays in float64, as they come in (no astype(np.float32), no float32 Tensor).")
        if not results[-1]:
            flipped = _conv2d(image, weight[:, :, ::-1, ::-1].copy(), padding)
            if np.allclose(actual, flipped, rtol=1e-9, atol=1e-9):
                return wrong(f"{where} your output is the mathematician's convolution, with the kernel flipped; "
                             "conv2d (and PyTorch) slides the kernel as it is: see 'The same in minigrad'.")
            for mode in ("edge", "reflect", "symmetric", "wrap") if padding else ():
                filled = np.pad(image, ((0, 0), (padding, padding), (padding, padding)), mode=mode)
                if np.allclose(actual, _conv2d(filled, weight, 0), rtol=1e-9, atol=1e-9):
                    return wrong(f"{where} the border of your output is off: the image was padded with mode "
                                 f"'{mode}', which repeats pixels of the image. conv2d pads with zeros, np.pad's "
                                 "default mode 'constant'.")
    if all(results):
        return right("conv_im2col matches conv2d with 1 to 3 input channels, 1 to 4 kernels and padding 0, 1 and "
                     "2, on images that are not square")
    one_channel, one_kernel = results[0:2], [results[0], results[2]]
    if all(one_channel) and not results[2]:
        return wrong("right with one input channel, wrong with several: each row of the column matrix must hold "
                     "one output pixel's C x 3 x 3 numbers, channel first, in the order of weight.reshape(O, -1); "
                     "move the C axis of the windows (transpose) before you reshape.")
    if all(one_kernel) and not results[1]:
        return wrong("right with one kernel, wrong with several: the kernels get mixed up. weight.reshape(O, -1) "
                     "holds one kernel per row (its transpose .T one per column), and the (H' * W', O) product "
                     "must be transposed to (O, H' * W') before it is reshaped to (O, H', W').")
    case = cases[results.index(False)]
    return wrong(f"the output has the right shape but wrong values for an image of shape {case[0], case[2], case[3]} "
                 f"with padding {case[4]}: check that row i * W' + j of the column matrix is the window of output "
                 "pixel (i, j), with rows and columns in that order.")


@exercise("max_pool_window")
def check_max_pool_window(max_pool_window):
    # Windows of 2x2 (the network's), 3x3 and 2x3 and 3x2 (a pool with kernel_size 3 or (2, 3)); a
    # maximum off the diagonal, a negative window, and ties of two and of three.
    windows = [
        [[0.2, 0.9], [0.4, 0.1]],
        [[-3.0, -1.0], [-2.0, -5.0]],
        [[0.3, 0.1, 0.0], [0.2, -0.4, 0.8], [0.5, 0.6, 0.1]],
        [[0.1, 0.2, 0.7], [0.3, 0.4, 0.5]],
        [[0.1, 0.2], [0.5, 0.9], [0.3, 0.4]],
        [[0.5, 0.7], [0.7, 0.1]],
        [[2.0, 1.0], [2.0, 2.0]],
        [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
    ]
    for upstream in (1.5, -2.0):
        for rows in windows:
            window = np.array(rows)
            shape = window.shape
            # The answer from minigrad: max_pool2d over the whole window, and its backward
            t = minigrad.Tensor(window.reshape(1, 1, *shape), requires_grad=True, dtype=minigrad.float64)
            pooled = functional.max_pool2d(t, shape)
            (pooled * upstream).sum().backward()
            expected_value, expected_grad = pooled.item(), t.grad.numpy()[0, 0]
            given = window.copy()
            try:
                result = max_pool_window(given, upstream)
            except Exception as error:
                square_ones_passed = shape != (2, 2) and upstream == 1.5  # the 2x2 windows come first
                return wrong(f"for the {shape[0]}x{shape[1]} window {rows}, max_pool_window raised "
                             f"{type(error).__name__}: {error}."
                             + (" It ran on the 2x2 windows before it, but it must work for a window of any shape: use "
                                "window.shape wherever your code assumes 2." if square_ones_passed else ""))
            if not (isinstance(result, tuple) and len(result) == 2):
                return wrong("max_pool_window should return two things, the value and the gradient: "
                             "`return value, grad`.")
            value, grad = result
            if value is None or grad is None:
                return wrong("value or grad is still None.")
            if np.ndim(grad) == 0 and np.shape(value) == shape:
                return wrong("the two are swapped: your first result has the window's shape and your second is one "
                             "number. Return the pooled value first, then the gradient: `return value, grad`.")
            for name, part in (("the value", value), ("the gradient", grad)):
                if is_node(part):
                    return wrong(f"{name} is a {type(part).__name__}: the window is a NumPy array, so return a "
                                 "number for the value and a NumPy array for the gradient.")
            if not np.array_equal(given, window):
                return wrong("max_pool_window changed the window it was given: build the gradient in a new array "
                             "(np.zeros_like(window)), as pooling must not overwrite its input.")
            if not (np.ndim(value) == 0 and isinstance(np.asarray(value).item(), numbers.Real)):
                return wrong(f"the value should be one number, but for the window {rows} it is {value!r}.")
            if not np.isclose(float(value), expected_value):
                size = "smaller" if float(value) < expected_value else "larger"
                why = ""
                if np.isclose(float(value), window.mean()):
                    why = " (it is the mean, as in average pooling)"
                elif window.max() < 0 <= float(value):
                    why = " (all of its elements are negative: a maximum that starts at 0 stays there)"
                return wrong(f"for the window {rows} the value is {size} than the window's largest element{why}: "
                             "max-pooling keeps the largest element.")
            raw_kind = getattr(np.asarray(grad), "dtype", np.dtype(float)).kind
            try:
                grad = np.asarray(grad, dtype=float)
            except (TypeError, ValueError):
                return wrong(f"grad should be an array of numbers, but it is a {type(grad).__name__}.")
            if grad.shape != shape:
                return wrong(f"for the {shape[0]}x{shape[1]} window {rows} the gradient should have the window's "
                             f"shape {shape}, but it has {grad.shape}.")
            if np.allclose(grad, expected_grad):
                continue
            nonzero = np.flatnonzero(grad)
            maxima = np.flatnonzero(window == window.max())
            if np.allclose(grad, upstream / window.size):
                return wrong("the gradient is spread evenly over the window, as in average pooling: "
                             "max-pooling sends all of it to the one position that won.")
            if len(nonzero) > 1 and set(nonzero) <= set(maxima):
                return wrong(f"on the tie in the window {rows} your gradient goes to all {len(nonzero)} maxima: "
                             "only the first of them in reading order (row by row) gets it, as in minigrad "
                             "and PyTorch.")
            if len(nonzero) == 1 and nonzero[0] in maxima and nonzero[0] != maxima[0]:
                return wrong(f"on the tie in the window {rows} your gradient goes to a later maximum: it belongs "
                             "to the first in reading order (row by row), as np.argmax finds it.")
            if len(nonzero) == 1 and nonzero[0] == maxima[0] and raw_kind in "iub" and upstream != int(upstream):
                return wrong(f"the gradient is at the right place, but it is an array of {np.asarray(result[1]).dtype}, "
                             f"so upstream {upstream} was cut to {grad.flat[nonzero[0]]:g} when you stored it: build "
                             "the gradient as a float array (np.zeros(window.shape), or np.zeros_like(window, "
                             "dtype=float)).")
            if len(nonzero) == 1 and nonzero[0] == maxima[0]:
                return wrong(f"the gradient is at the right place, but for upstream {upstream} it is "
                             f"{grad.flat[nonzero[0]]:g}: the maximum passes on the upstream gradient itself "
                             "(its local derivative is 1).")
            if len(nonzero) == 1:
                place = tuple(int(i) for i in np.unravel_index(nonzero[0], shape))
                return wrong(f"for the {shape[0]}x{shape[1]} window {rows} your gradient is at {place}, which is "
                             "not where the maximum is. np.argmax gives its index in the window flattened row "
                             "by row; np.unravel_index(index, window.shape) turns it into (row, column).")
            return wrong(f"for the window {rows} and upstream {upstream} the gradient is wrong: it should hold "
                         "upstream at the maximum and 0 everywhere else.")
    return right("max_pool_window agrees with max_pool2d, forward and backward, on 2x2, 3x3, 2x3 and 3x2 windows, "
                 "ties included")
