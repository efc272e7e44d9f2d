"""PyTorch's idioms in tensor mode: the top-level names, containers that refuse non-modules, and
in-place updates, each compared with torch side by side."""

import subprocess
import sys

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


# ---------------------------------------------------------------------- names


def test_a_bare_import_reaches_the_subpackages_and_tensor_is_the_function():
    code = (
        "import minigrad\n"
        "assert callable(minigrad.tensor) and minigrad.tensor([1., 2.]).tolist() == [1.0, 2.0]\n"
        "minigrad.nn.Linear, minigrad.nn.functional.relu, minigrad.optim.SGD, minigrad.data\n"
        "import minigrad.tensor\n"
        "from minigrad.tensor import Tensor\n"
        "assert callable(minigrad.tensor) and Tensor is minigrad.Tensor\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "data",
    [
        [1.0, 2.0],
        [1, 2],
        [True, False],
        [1, 2.5],
        [True, 1],
        [True, 1.5],
        3,
        2.5,
        True,
        [[1, 2], [3, 4]],
        np.arange(3.0),
        np.arange(3.0, dtype=np.float32),
        np.arange(3),
        np.array([True]),
        np.float64(1.5),
        np.int64(2),
    ],
)
def test_tensor_infers_the_dtype_as_torch_tensor_does(data):
    ours, theirs = minigrad.tensor(data), torch.tensor(data)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_tensor_copies_and_keeps_a_tensors_dtype_while_Tensor_makes_floats_float32():
    array = np.arange(3.0)
    t = minigrad.tensor(array)
    array[0] = 7.0
    assert t.tolist() == [0.0, 1.0, 2.0]
    assert minigrad.tensor(minigrad.tensor([1.0], dtype=minigrad.float64)).dtype == minigrad.float64
    assert minigrad.Tensor(np.arange(3.0)).dtype == minigrad.float32
    assert minigrad.tensor([1, 2], dtype=minigrad.float64).dtype == minigrad.float64
    assert minigrad.tensor([1.0], requires_grad=True).requires_grad


# ---------------------------------------------------------------------- containers


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: nn.Sequential(nn.Linear(2, 2), F.relu, nn.Linear(2, 1)), r"Sequential: item 1 .* relu; use nn.ReLU\(\)"),
        (lambda: nn.Sequential(nn.ReLU), r"Sequential: item 0 .* class ReLU .* nn.ReLU\(\)"),
        (lambda: nn.Sequential(nn.Linear(1, 1)).append(F.tanh), r"Sequential.append: item 1 .* tanh; use nn.Tanh\(\)"),
        (lambda: nn.ModuleList([nn.Linear(1, 1), F.sigmoid]), r"ModuleList: item 1 .* sigmoid; use nn.Sigmoid\(\)"),
        (lambda: nn.ModuleDict({"act": F.relu}), r"ModuleDict: 'act' .* relu; use nn.ReLU\(\)"),
        (lambda: nn.Sequential(lambda x: x), r"Sequential: item 0 must be a Module, got the function <lambda>$"),
    ],
)
def test_containers_refuse_what_is_not_a_module_as_pytorch_does(build, message):
    with pytest.raises(TypeError, match=message):
        build()
    with pytest.raises(TypeError, match="is not a Module subclass"):
        torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.functional.relu)
