"""PyTorch's idioms in tensor mode: the top-level names, containers that refuse non-modules, and
in-place updates, each compared with torch side by side."""

import subprocess
import sys

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import nn

torch = pytest.importorskip("torch")

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
        (
            lambda: nn.Sequential(nn.Linear(2, 2), F.relu, nn.Linear(2, 1)),
            r"Sequential: item 1 .* relu; use nn.ReLU\(\)",
        ),
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


# ---------------------------------------------------------------------- in-place updates


def _pair(values, dtype="float32"):
    array = np.array(values, dtype=dtype)
    return minigrad.tensor(array.copy()), torch.tensor(array.copy())


def _same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


OTHER = [[0.5, -2.0, 3.0], [1.0, 1.0, -1.0]]


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("add_", (1.5,), {}),
        ("add_", ("tensor",), {"alpha": 2.0}),
        ("sub_", ("row",), {}),
        ("sub_", ("tensor",), {"alpha": -0.5}),
        ("mul_", ("tensor",), {}),
        ("mul_", (3,), {}),
        ("div_", ("tensor",), {}),
        ("div_", (4.0,), {}),
        ("copy_", ("row",), {}),
        ("fill_", (2.5,), {}),
        ("zero_", (), {}),
        ("clamp_", (), {"min": -1.0}),
        ("clamp_", (), {"max": 0.5}),
        ("clamp_", (-0.5, 0.5), {}),
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_each_in_place_method_matches_torch_and_returns_the_tensor_itself(name, args, kwargs, dtype):
    ours, theirs = _pair([[1.0, -2.0, 0.25], [3.0, -0.75, 8.0]], dtype)
    view, torch_view = ours.numpy(), theirs.numpy()

    def operand(arg, module):
        if arg == "tensor":
            return (
                module.tensor(np.array(OTHER, dtype=dtype))
                if module is torch
                else minigrad.tensor(np.array(OTHER, dtype=dtype))
            )
        if arg == "row":
            row = np.array(OTHER[0], dtype="float64")
            return torch.tensor(row) if module is torch else minigrad.tensor(row)
        return arg

    out = getattr(ours, name)(*(operand(a, minigrad) for a in args), **kwargs)
    torch_out = getattr(theirs, name)(*(operand(a, torch) for a in args), **kwargs)
    assert out is ours and torch_out is theirs
    _same(ours, theirs)
    np.testing.assert_array_equal(view, torch_view)  # the array numpy() returned changed too


def _iadd(x, y):
    x += y
    return x


def _isub(x, y):
    x -= y
    return x


def _imul(x, y):
    x *= y
    return x


def _idiv(x, y):
    x /= y
    return x


@pytest.mark.parametrize("update", [_iadd, _isub, _imul, _idiv])
@pytest.mark.parametrize("other", [2, 2.5, "tensor", "scaled"])
def test_augmented_assignment_updates_the_same_tensor_as_in_torch(update, other):
    results = []
    for make in (minigrad.tensor, torch.tensor):
        x, y = make([1.0, -2.0, 4.0]), make([0.5, 0.25, -1.0])
        operand = {"tensor": y, "scaled": 0.5 * y}.get(other, other)
        assert update(x, operand) is x
        results.append(x)
    _same(*results)


def test_an_integer_tensor_refuses_float_results_as_torch_does():
    for make in (minigrad.tensor, torch.tensor):
        halves = make([0.5, 0.5])
        for update in (
            lambda x: x.add_(1.5),
            lambda x, halves=halves: x.mul_(halves),
            lambda x: x.div_(2),
            lambda x: x.__iadd__(0.5),
            lambda x: x.add_(1, alpha=0.5),
        ):
            x = make([1, 2])
            with pytest.raises(RuntimeError, match="can't be cast|alpha must not be a floating"):
                update(x)
            assert x.tolist() == [1, 2]
    ours, theirs = minigrad.tensor([1, 2]), torch.tensor([1, 2])
    ours += 3
    theirs += 3
    _same(ours, theirs)
    ours.fill_(2.7)  # fill_ truncates, as PyTorch's does
    theirs.fill_(2.7)
    _same(ours, theirs)
    bools = minigrad.tensor([True, False])
    with pytest.raises(RuntimeError, match="add_: result type int64 can't be cast to the desired output type bool"):
        bools.add_(1)


def test_a_float32_tensor_keeps_its_dtype_with_float64_operands():
    ours, theirs = _pair([1.0, 2.0, 3.0])
    ours.add_(minigrad.tensor(np.array([0.1, 0.2, 0.3])))
    theirs.add_(torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))
    _same(ours, theirs)


def test_the_graph_is_guarded_as_in_torch():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    torch_w = torch.tensor([1.0, 2.0], requires_grad=True)
    for op in ("add_", "sub_", "mul_", "div_"):
        with pytest.raises(
            RuntimeError, match=f"{op}: a leaf Variable that requires grad is being used in an in-place"
        ):
            getattr(w, op)(2.0)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            getattr(torch_w, op)(2.0)
    for update in (lambda t: t.zero_(), lambda t: t.fill_(1.0), lambda t: t.clamp_(0.0), lambda t: t.normal_()):
        with pytest.raises(RuntimeError, match="a leaf Variable"):
            update(w)
    with pytest.raises(RuntimeError, match="copy_: a leaf Variable"):
        w.copy_(minigrad.tensor([0.0, 0.0]))
    with pytest.raises(RuntimeError, match="add_: this tensor is the output of 'mul' in a graph.*no version counter"):
        (w * 2).add_(1.0)
    with pytest.raises(RuntimeError, match="add_: the operand requires grad"):
        minigrad.zeros(2).add_(w)
    with pytest.raises(RuntimeError, match="requires_grad_: you can only change requires_grad flags of leaf"):
        (w * 2).requires_grad_(False)
    with minigrad.no_grad():
        assert w.add_(1.0) is w and w.mul_(2.0) is w
    assert w.tolist() == [4.0, 6.0] and w.requires_grad and w.is_leaf


def test_shape_and_argument_errors_name_the_op():
    with pytest.raises(RuntimeError, match=r"add_: an operand of shape \(3, 2\) does not broadcast to .* \(2,\)"):
        minigrad.zeros(2).add_(minigrad.ones(3, 2))
    with pytest.raises(RuntimeError, match=r"copy_: a source of shape \(3,\) does not broadcast to shape \(2,\)"):
        minigrad.zeros(2).copy_(minigrad.ones(3))
    with pytest.raises(RuntimeError, match="clamp_: at least one of 'min' or 'max'"):
        minigrad.zeros(2).clamp_()
    with pytest.raises(RuntimeError, match="uniform_: fills floating-point tensors only, not int64"):
        minigrad.zeros(2, dtype=minigrad.int64).uniform_()
    with pytest.raises(RuntimeError, match="normal_: expects std >= 0.0"):
        minigrad.zeros(2).normal_(0.0, -1.0)
    with pytest.raises(RuntimeError, match="uniform_: expects a range"):
        minigrad.zeros(2).uniform_(1.0, 0.0)
    with pytest.raises(RuntimeError, match="fill_: this tensor is a read-only view"):
        minigrad.zeros(1).expand(3).fill_(1.0)
    with pytest.raises(TypeError, match="copy_: expected a Tensor"):
        minigrad.zeros(2).copy_([1.0, 2.0])


def test_a_view_sees_the_update_as_in_torch():
    ours, theirs = _pair([[1.0, 2.0], [3.0, 4.0]])
    ours[0].mul_(10.0)
    theirs[0].mul_(10.0)
    _same(ours, theirs)


def test_uniform_and_normal_draw_from_the_generator_with_the_asked_statistics():
    t = minigrad.zeros(200_000)
    assert t.uniform_(-2.0, 3.0, generator=np.random.default_rng(0)) is t and t.dtype == minigrad.float32
    data = t.numpy()
    assert data.min() >= -2.0 and data.max() < 3.0
    assert abs(data.mean() - 0.5) < 0.02 and abs(data.var() - 25 / 12) < 0.03
    t.normal_(1.0, 0.5, generator=np.random.default_rng(0))
    assert abs(t.numpy().mean() - 1.0) < 0.01 and abs(t.numpy().std() - 0.5) < 0.01
    a = minigrad.zeros(5).normal_(generator=np.random.default_rng(7))
    b = minigrad.zeros(5).normal_(generator=np.random.default_rng(7))
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_the_manual_sgd_loop_of_pytorchs_tutorials_ends_where_optim_sgd_ends():
    x = minigrad.randn(32, 3, generator=np.random.default_rng(1))
    y = minigrad.randn(32, 1, generator=np.random.default_rng(2))

    def model_and_loss():
        minigrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
        return model, lambda: ((model(x) - y) ** 2).mean()

    manual, manual_loss = model_and_loss()
    first = [p.numpy().copy() for p in manual.parameters()]
    for _ in range(25):
        manual_loss().backward()
        with minigrad.no_grad():
            for p in manual.parameters():
                p -= 0.1 * p.grad
        for p in manual.parameters():
            p.grad = None
    reference, reference_loss = model_and_loss()
    optimizer = minigrad.optim.SGD(reference.parameters(), lr=0.1)
    for _ in range(25):
        optimizer.zero_grad()
        reference_loss().backward()
        optimizer.step()
    for p, q, start in zip(manual.parameters(), reference.parameters(), first):
        assert not np.array_equal(p.numpy(), start)  # the loop did move the parameters
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    assert manual_loss().item() == reference_loss().item()


DTYPES = ["bool", "int64", "float32", "float64"]
OPERANDS = [True, 3, 2.5] + [(dtype, shape) for dtype in DTYPES for shape in ((), (3,))]


def _operand(spec, module):
    if not isinstance(spec, tuple):
        return spec
    dtype, shape = spec
    array = np.ones(shape, dtype=dtype) if dtype == "bool" else np.full(shape, 2, dtype=dtype)
    return minigrad.tensor(array) if module is minigrad else torch.tensor(array)


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("other", OPERANDS, ids=str)
def test_in_place_results_keep_the_dtype_or_refuse_exactly_where_torch_does(op, dtype, other):
    start = np.array([True, False, True]) if dtype == "bool" else np.array([1, 4, -6], dtype=dtype)
    ours, theirs = minigrad.tensor(start.copy()), torch.tensor(start.copy())
    try:
        getattr(theirs, op)(_operand(other, torch))
    except RuntimeError:
        with pytest.raises(RuntimeError, match=f"{op}: "):
            getattr(ours, op)(_operand(other, minigrad))
        np.testing.assert_array_equal(ours.numpy(), start)  # a refused update changes nothing
        return
    assert getattr(ours, op)(_operand(other, minigrad)) is ours
    _same(ours, theirs)


# ---------------------------------------------------------------------- .grad is a Tensor


def _both(values, dtype):
    ours = minigrad.tensor(np.array(values, dtype=dtype), requires_grad=True)
    theirs = torch.tensor(np.array(values, dtype=dtype), requires_grad=True)
    return ours, theirs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("values", [[[0.5, -1.0, 2.0], [3.0, 0.25, -0.75]], 1.5], ids=["2x3", "0-d"])
def test_grad_is_a_tensor_outside_the_graph_with_the_tensors_shape_and_dtype(values, dtype):
    ours, theirs = _both(values, dtype)
    for t in (ours, theirs):
        assert t.grad is None
        (t * t * 3).sum().backward()
    assert type(ours.grad) is minigrad.Tensor and type(theirs.grad) is torch.Tensor
    assert ours.grad.shape == tuple(theirs.grad.shape) == ours.shape
    assert str(ours.grad.dtype) == str(theirs.grad.dtype).removeprefix("torch.") == dtype
    assert ours.grad.requires_grad is theirs.grad.requires_grad is False
    assert ours.grad.is_leaf and theirs.grad.is_leaf and not ours.grad._prev
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    np.testing.assert_array_equal((ours.grad * 2).numpy(), (theirs.grad * 2).numpy())
    assert repr(ours.grad).startswith("tensor(") and "requires_grad" not in repr(ours.grad)
    assert "grad_fn" not in repr(ours.grad)
    assert str(ours.grad) == repr(ours.grad)


def test_the_grad_is_one_object_that_later_passes_add_into_as_in_torch():
    ours, theirs = _both([1.0, -2.0], "float32")
    held = []
    for t in (ours, theirs):
        (t * 3).sum().backward()
        grad = t.grad
        assert t.grad is grad
        (t * t).sum().backward()
        assert t.grad is grad  # the wrapper taken before the second pass sees its sum
        held.append(grad)
    np.testing.assert_array_equal(held[0].numpy(), held[1].numpy())
    np.testing.assert_array_equal(held[0].numpy(), [5.0, -1.0])


def test_zero_then_backward_accumulates_from_zero_as_in_torch():
    ours, theirs = _both([1.0, -2.0, 0.5], "float64")
    for t in (ours, theirs):
        (t * 3).sum().backward()
        grad = t.grad
        assert t.grad.zero_() is grad
        (t**2).sum().backward()
    assert ours.grad.tolist() == theirs.grad.tolist() == [2.0, -4.0, 1.0]


def test_assigning_grad_takes_a_tensor_or_none_as_torch_does():
    ours, theirs = _both([[1.0, 2.0, 3.0]], "float32")
    for p, module in ((ours, minigrad), (theirs, torch)):
        p.grad = module.ones(1, 3)
        assert p.grad.tolist() == [[1.0, 1.0, 1.0]]
        p.grad = None
        assert p.grad is None
        with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None"):
            p.grad = np.ones((1, 3), dtype=np.float32)
        with pytest.raises(RuntimeError, match="assign a gradient of (shape|size)"):
            p.grad = module.ones(3, 1)
        with pytest.raises(RuntimeError, match="assign a gradient with dtype|assign a gradient of dtype"):
            p.grad = module.ones(1, 3, dtype=module.float64)
    with pytest.raises(RuntimeError, match=r"shape \(3, 1\) to a tensor of shape \(1, 3\)"):
        ours.grad = minigrad.ones(3, 1)
    with pytest.raises(TypeError, match=r"minigrad.tensor\(array, dtype=t.dtype\)"):
        ours.grad = np.ones((1, 3))


def test_an_assigned_grad_is_a_copy_no_gradient_shares_memory():
    # PyTorch keeps the very tensor assigned; minigrad keeps its values, so that an in-place change
    # of the source (or of the grad) never reaches the other.
    p = minigrad.tensor([1.0, 2.0], requires_grad=True)
    source = minigrad.tensor([5.0, 6.0])
    p.grad = source
    source.zero_()
    assert p.grad.tolist() == [5.0, 6.0]
    p.grad.zero_()
    (p * 2).sum().backward()
    assert p.grad.tolist() == [2.0, 2.0] and source.tolist() == [0.0, 0.0]
    assert not np.shares_memory(p.grad.numpy(), p.numpy())


def test_the_manual_sgd_loop_zeroing_grads_in_place_ends_where_optim_sgd_ends():
    x = minigrad.randn(16, 3, generator=np.random.default_rng(3))
    y = minigrad.randn(16, 1, generator=np.random.default_rng(4))
    results = []
    for manual in (True, False):
        minigrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
        optimizer = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        buffers = [None] * len(list(model.parameters()))
        for _ in range(10):
            ((model(x) - y) ** 2).mean().backward()
            if manual:
                with minigrad.no_grad():
                    for i, p in enumerate(model.parameters()):
                        buffers[i] = p.grad.clone() if buffers[i] is None else buffers[i] * 0.9 + p.grad
                        p -= 0.1 * buffers[i]
                        p.grad.zero_()
            else:
                optimizer.step()
                optimizer.zero_grad()
        results.append([p.numpy().copy() for p in model.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
