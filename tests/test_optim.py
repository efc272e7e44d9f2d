"""minigrad.optim on Values and Tensors: PyTorch's update rules, clipping and schedules, step for step."""

import math
import re

import numpy as np
import pytest

from minigrad import Value, optim
from minigrad.optim import SGD, Adam, AdamW, CosineAnnealingLR, RMSprop, StepLR, clip_grad_norm_
from minigrad.tensor import Tensor, float64

START = [0.5, -1.2, 2.0]
rng = np.random.default_rng(0)
TENSOR_START = [rng.standard_normal((3, 4)), rng.standard_normal(4)]


def smooth_loss(a, b, c):
    # Only methods that Values and torch tensors share, so one expression serves both engines.
    return (a * b - 1) ** 2 + c.tanh() * a + (0.3 * b).exp() * c + 0.1 * c * c


def smooth_tensor_loss(w, v):
    # Only methods that Tensors and torch tensors share; w has shape (3, 4), v shape (4,).
    return ((w @ v).tanh() ** 2).sum() + 0.1 * (w * w).sum() + (0.5 * v).exp().sum()


def train_side_by_side(name, options, start, loss, as_ours, grad_dropped=lambda step, index: False):
    """Ten steps of minigrad's optimizer ``name`` and of torch's, from the same float64 start, asserting
    after each that the parameters agree; ``grad_dropped`` says on which steps a grad is set to None."""
    torch = pytest.importorskip("torch")
    ours = [as_ours(x) for x in start]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    optimizer = getattr(optim, name)(ours, **options)
    reference = getattr(torch.optim, name)(theirs, **options)
    for step in range(10):
        for params, engine_optimizer in ((ours, optimizer), (theirs, reference)):
            engine_optimizer.zero_grad()
            loss(*params).backward()
            for index, p in enumerate(params):
                if grad_dropped(step, index):
                    p.grad = None
            engine_optimizer.step()
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=0, atol=1e-12, err_msg=f"step {step}")
    # The comparison means little if nothing moved.
    assert max(np.max(np.abs(p.data - x)) for p, x in zip(ours, start)) > 5e-3


def float64_tensor(array):
    return Tensor(array, requires_grad=True, dtype=float64)


SGD_CASES = [
    pytest.param({}, id="plain"),
    pytest.param({"momentum": 0.9}, id="momentum"),
    pytest.param({"momentum": 0.9, "dampening": 0.1}, id="dampening"),
    pytest.param({"momentum": 0.9, "nesterov": True}, id="nesterov"),
    pytest.param({"weight_decay": 0.01}, id="weight_decay"),
    pytest.param({"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, id="nesterov_weight_decay"),
]


@pytest.mark.parametrize("options", SGD_CASES)
def test_sgd_matches_torch_over_ten_steps(options):
    train_side_by_side("SGD", {"lr": 0.05, **options}, START, smooth_loss, Value)


# Defaults are left out where a case names none, so that they are compared with PyTorch's too.
ADAPTIVE_CASES = [
    pytest.param("Adam", {}, id="Adam-defaults"),
    pytest.param("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}, id="Adam-betas-eps"),
    pytest.param("Adam", {"lr": 0.05, "weight_decay": 0.1}, id="Adam-weight_decay"),
    pytest.param("AdamW", {}, id="AdamW-defaults"),
    pytest.param("AdamW", {"lr": 0.05, "weight_decay": 0.1}, id="AdamW-weight_decay"),
    pytest.param("AdamW", {"lr": 0.05, "weight_decay": 0}, id="AdamW-no_weight_decay"),
    pytest.param("RMSprop", {}, id="RMSprop-defaults"),
    pytest.param("RMSprop", {"alpha": 0.9, "eps": 1e-6}, id="RMSprop-alpha-eps"),
    pytest.param("RMSprop", {"weight_decay": 0.1}, id="RMSprop-weight_decay"),
    pytest.param("RMSprop", {"momentum": 0.9}, id="RMSprop-momentum"),
    pytest.param("RMSprop", {"centered": True}, id="RMSprop-centered"),
    pytest.param(
        "RMSprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.1}, id="RMSprop-momentum-centered-weight_decay"
    ),
]


@pytest.mark.parametrize("name, options", ADAPTIVE_CASES)
def test_adaptive_optimizer_matches_torch_on_values(name, options):
    train_side_by_side(name, options, START, smooth_loss, Value)


@pytest.mark.parametrize("name, options", ADAPTIVE_CASES)
def test_adaptive_optimizer_matches_torch_on_tensors(name, options):
    train_side_by_side(name, options, TENSOR_START, smooth_tensor_loss, float64_tensor)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_a_parameter_without_grad_on_some_steps_keeps_its_own_state(name):
    # Adam's bias correction goes wrong if the skipped steps of the vector are counted.
    options = {"lr": 0.05, "momentum": 0.9} if name in ("SGD", "RMSprop") else {"lr": 0.05}
    train_side_by_side(
        name,
        options,
        TENSOR_START,
        smooth_tensor_loss,
        float64_tensor,
        grad_dropped=lambda step, index: index == 1 and step in (0, 3, 4, 7),
    )


def test_changing_lr_takes_effect_on_the_next_step():
    p = Value(1.0)
    optimizer = SGD([p], lr=0.1, momentum=0.9)
    p.grad = 2.0
    optimizer.step()
    assert p.data == pytest.approx(1.0 - 0.1 * 2.0, abs=1e-15)
    optimizer.lr = 0.01
    optimizer.step()
    # The velocity is 0.9 * 2 + 2 = 3.8, scaled by the new learning rate.
    assert p.data == pytest.approx(0.8 - 0.01 * 3.8, abs=1e-15)


class _UnusedParameter:
    """Stands in for a tensor-mode parameter the loss never reached: its grad is None."""

    _grad_zero = None

    def __init__(self, data):
        self.data = data
        self.grad = None


def test_zero_grad_resets_every_grad_to_its_zero():
    values = [Value(x) for x in START]
    for v in values:
        v.grad = 3.0
    unused = _UnusedParameter(5.0)
    unused.grad = 7.0
    SGD([*values, unused], lr=0.1).zero_grad()
    assert [v.grad for v in values] == [0.0, 0.0, 0.0]
    assert all(type(v.grad) is float for v in values)
    assert unused.grad is None


def test_step_skips_a_parameter_whose_grad_is_none():
    used, unused = Value(1.0), _UnusedParameter(5.0)
    optimizer = SGD([used, unused], lr=0.1, momentum=0.9, weight_decay=0.01)
    used.grad = 1.0
    optimizer.step()
    assert unused.data == 5.0
    assert unused.grad is None
    assert used.data == pytest.approx(1.0 - 0.1 * (1.0 + 0.01 * 1.0), abs=1e-15)
    # As in PyTorch, its momentum starts at its first real gradient, not at the skipped steps.
    unused.grad = 2.0
    optimizer.step()
    assert unused.data == pytest.approx(5.0 - 0.1 * (2.0 + 0.01 * 5.0), abs=1e-15)


@pytest.mark.parametrize(
    "params, options, message",
    [
        ([], {"lr": 0.1}, "empty parameter list"),
        ([Value(1.0)], {"lr": -0.1}, "learning rate -0.1"),
        ([Value(1.0)], {"lr": 0.1, "momentum": -0.5}, "momentum"),
        ([Value(1.0)], {"lr": 0.1, "weight_decay": -0.01}, "weight_decay"),
        ([Value(1.0)], {"lr": 0.1, "nesterov": True}, "nesterov"),
    ],
    ids=["empty", "negative_lr", "negative_momentum", "negative_weight_decay", "nesterov_without_momentum"],
)
def test_invalid_arguments_raise(params, options, message):
    with pytest.raises(ValueError, match=rf"^SGD: .*{message}"):
        SGD(params, **options)


@pytest.mark.parametrize(
    "optimizer_class, options, message",
    [
        pytest.param(Adam, {"lr": -0.1}, "invalid learning rate -0.1", id="Adam-negative_lr"),
        pytest.param(Adam, {"eps": -1e-8}, "invalid eps -1e-08", id="Adam-negative_eps"),
        pytest.param(Adam, {"betas": (1.0, 0.999)}, "invalid beta parameter at index 0: 1.0", id="Adam-beta1_one"),
        pytest.param(Adam, {"betas": (0.9, -0.5)}, "invalid beta parameter at index 1: -0.5", id="Adam-negative_beta2"),
        pytest.param(Adam, {"weight_decay": -0.01}, "invalid weight_decay -0.01", id="Adam-negative_weight_decay"),
        pytest.param(AdamW, {"weight_decay": -0.01}, "invalid weight_decay -0.01", id="AdamW-negative_weight_decay"),
        pytest.param(AdamW, {"betas": (0.9, 1.5)}, "invalid beta parameter at index 1: 1.5", id="AdamW-beta2_above_one"),
        pytest.param(RMSprop, {"lr": -0.1}, "invalid learning rate -0.1", id="RMSprop-negative_lr"),
        pytest.param(RMSprop, {"alpha": -0.9}, "invalid alpha -0.9", id="RMSprop-negative_alpha"),
        pytest.param(RMSprop, {"eps": -1e-8}, "invalid eps -1e-08", id="RMSprop-negative_eps"),
        pytest.param(RMSprop, {"momentum": -0.9}, "invalid momentum -0.9", id="RMSprop-negative_momentum"),
        pytest.param(RMSprop, {"weight_decay": -0.01}, "invalid weight_decay -0.01", id="RMSprop-negative_weight_decay"),
    ],
)
def test_adaptive_optimizer_rejects_invalid_arguments(optimizer_class, options, message):
    with pytest.raises(ValueError, match=rf"^{optimizer_class.__name__}: {re.escape(message)}"):
        optimizer_class([Value(1.0)], **options)


@pytest.mark.parametrize("optimizer_class", [Adam, AdamW, RMSprop])
def test_adaptive_optimizer_rejects_an_empty_parameter_list(optimizer_class):
    with pytest.raises(ValueError, match=rf"^{optimizer_class.__name__}: got an empty parameter list"):
        optimizer_class([])


# ---------------------------------------------------------------------- gradient clipping

CLIP_CASES = [
    pytest.param(2.0, 0.5, True, id="2-norm-clips"),
    pytest.param(2.0, 100.0, False, id="2-norm-within"),
    pytest.param(math.inf, 0.5, True, id="inf-norm-clips"),
    pytest.param(math.inf, 100.0, False, id="inf-norm-within"),
    pytest.param(1.0, 0.5, True, id="1-norm-clips"),
]


@pytest.mark.parametrize("norm_type, max_norm, clips", CLIP_CASES)
def test_clip_grad_norm_matches_torch_on_tensors(norm_type, max_norm, clips):
    torch = pytest.importorskip("torch")
    grads = [np.array(x) for x in TENSOR_START]
    ours = [float64_tensor(np.zeros_like(g)) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = Tensor(g, dtype=float64), torch.tensor(g)
    held = [p.grad for p in ours]
    arrays = [p.grad.numpy() for p in ours]
    # A parameter the loss never reached: both skip it.
    ours.append(float64_tensor(np.ones(2)))
    theirs.append(torch.ones(2, dtype=torch.float64, requires_grad=True))

    total = clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)

    assert type(total) is float
    assert total == pytest.approx(expected.item(), rel=0, abs=1e-12)
    assert (total > max_norm) is clips
    for p, q in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=0, atol=1e-12)
    assert ours[2].grad is None
    # Each grad stays the same Tensor, as in PyTorch, holding a new array when clipped: the old one may
    # be in a backward step's record, so clipping must not have written into it.
    assert all(p.grad is g for p, g in zip(ours, held))
    assert all(isinstance(p.grad, Tensor) and p.grad.dtype == q.grad.numpy().dtype for p, q in zip(ours[:2], theirs))
    np.testing.assert_array_equal(arrays[0], TENSOR_START[0])
    np.testing.assert_array_equal(arrays[1], TENSOR_START[1])
    assert all((p.grad.numpy() is not a) is clips for p, a in zip(ours, arrays))


@pytest.mark.parametrize("norm_type, max_norm, clips", CLIP_CASES)
def test_clip_grad_norm_matches_torch_on_values(norm_type, max_norm, clips):
    torch = pytest.importorskip("torch")
    ours = [Value(0.0) for _ in START]
    theirs = [torch.tensor(0.0, dtype=torch.float64, requires_grad=True) for _ in START]
    for p, q, g in zip(ours, theirs, START):
        p.grad, q.grad = g, torch.tensor(g, dtype=torch.float64)

    total = clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)

    assert type(total) is float
    assert total == pytest.approx(expected.item(), rel=0, abs=1e-12)
    assert (total > max_norm) is clips
    np.testing.assert_allclose([p.grad for p in ours], [q.grad.item() for q in theirs], rtol=0, atol=1e-12)
    assert all(type(p.grad) is float for p in ours)


def test_clip_grad_norm_of_parameters_without_grads_is_zero():
    unused = float64_tensor(np.ones(3))
    assert clip_grad_norm_([unused], max_norm=1.0) == 0.0
    assert unused.grad is None


@pytest.mark.parametrize("norm_type", [0, -1.0, -math.inf], ids=["zero", "negative", "minus_inf"])
def test_clip_grad_norm_rejects_a_norm_type_that_is_not_positive(norm_type):
    p = Value(1.0)
    p.grad = 2.0
    with pytest.raises(ValueError, match=r"^clip_grad_norm_: invalid norm_type"):
        clip_grad_norm_([p], max_norm=1.0, norm_type=norm_type)
    assert p.grad == 2.0


# ---------------------------------------------------------------------- learning-rate schedules


@pytest.mark.parametrize(
    "name, options",
    [
        pytest.param("StepLR", {"step_size": 7}, id="StepLR"),
        pytest.param("StepLR", {"step_size": 3, "gamma": 0.5}, id="StepLR-gamma"),
        pytest.param("CosineAnnealingLR", {"T_max": 10}, id="CosineAnnealingLR"),
        # Thirty steps go down and up again twice, through the branches of PyTorch's recursion.
        pytest.param("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}, id="CosineAnnealingLR-eta_min"),
    ],
)
def test_schedule_matches_torch_over_thirty_steps(name, options):
    torch = pytest.importorskip("torch")
    optimizer = SGD([Value(1.0)], lr=0.1)
    reference = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    schedule = getattr(optim, name)(optimizer, **options)
    reference_schedule = getattr(torch.optim.lr_scheduler, name)(reference, **options)
    ours, theirs = [schedule.get_last_lr()], [reference_schedule.get_last_lr()]
    for _ in range(30):
        optimizer.step()
        schedule.step()
        # PyTorch warns when its schedule steps before its optimizer.
        reference.step()
        reference_schedule.step()
        assert schedule.get_last_lr() == [optimizer.lr]
        ours.append(schedule.get_last_lr())
        theirs.append(reference_schedule.get_last_lr())
    assert all(len(lrs) == 1 and type(lrs[0]) is float for lrs in ours)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert max(lr for [lr] in ours) - min(lr for [lr] in ours) > 0.05


def test_schedule_starts_from_the_optimizer_learning_rate_and_drives_its_steps():
    p = Value(1.0)
    optimizer = SGD([p], lr=0.4)
    schedule = StepLR(optimizer, step_size=1, gamma=0.5)
    assert schedule.get_last_lr() == [0.4]
    p.grad = 1.0
    optimizer.step()
    schedule.step()
    optimizer.step()
    assert p.data == pytest.approx(1.0 - 0.4 - 0.2, abs=1e-15)


@pytest.mark.parametrize(
    "make_schedule, message",
    [
        (lambda optimizer: StepLR(optimizer, step_size=0), r"^StepLR: invalid step_size 0"),
        (lambda optimizer: StepLR(optimizer, step_size=2.5), r"^StepLR: invalid step_size 2\.5"),
        (lambda optimizer: CosineAnnealingLR(optimizer, T_max=0), r"^CosineAnnealingLR: invalid T_max 0"),
    ],
    ids=["zero_step_size", "fractional_step_size", "zero_T_max"],
)
def test_schedule_rejects_invalid_arguments(make_schedule, message):
    optimizer = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=message):
        make_schedule(optimizer)
    assert optimizer.lr == 0.1


def test_optimizers_and_schedules_print_their_settings_and_no_address():
    params = [Value(1.0), Value(2.0)]
    adam = Adam(params, lr=0.01)
    assert repr(adam) == "Adam(2 parameters, lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)"
    assert repr(SGD(params, lr=0.1, momentum=0.9)) == (
        "SGD(2 parameters, lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)"
    )
    schedule = StepLR(adam, step_size=2)
    schedule.step()
    assert repr(schedule) == "StepLR(base_lr=0.01, last_epoch=1, step_size=2, gamma=0.1)"


# ---------------------------------------------------------------------- argument forms (issue 10)


@pytest.mark.parametrize("optimizer_class", [SGD, Adam, AdamW, RMSprop])
def test_a_single_tensor_is_refused_as_pytorch_refuses_it(optimizer_class):
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        getattr(torch.optim, optimizer_class.__name__)(torch.zeros(3, 2, requires_grad=True), lr=0.1)
    w = float64_tensor(np.ones((3, 2)))
    with pytest.raises(TypeError, match=rf"^{optimizer_class.__name__}: params should be an iterable .* single Tensor"):
        optimizer_class(w, lr=0.1)
    with pytest.raises(TypeError, match="single Value"):
        optimizer_class(Value(1.0), lr=0.1)


def test_clip_grad_norm_takes_a_single_tensor_as_pytorch_does():
    torch = pytest.importorskip("torch")
    w, t = float64_tensor(np.ones(3)), torch.ones(3, dtype=torch.float64, requires_grad=True)
    w.grad, t.grad = Tensor(np.full(3, 10.0), dtype=float64), torch.full((3,), 10.0, dtype=torch.float64)
    assert clip_grad_norm_(w, 1.0) == pytest.approx(torch.nn.utils.clip_grad_norm_(t, 1.0).item())
    np.testing.assert_allclose(w.grad, t.grad.numpy(), rtol=1e-12)
    v = Value(1.0)
    v.grad = 5.0
    assert clip_grad_norm_(v, 1.0) == 5.0 and v.grad == pytest.approx(1.0 / (1 + 2e-7), rel=1e-6)


def test_a_parameter_listed_twice_warns_as_in_pytorch():
    torch = pytest.importorskip("torch")
    t = torch.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        torch.optim.SGD([t, t], lr=0.1)
    w = float64_tensor(np.zeros(2))
    with pytest.warns(UserWarning, match="SGD: a parameter group holds the same parameter twice"):
        SGD([w, w], lr=0.1)


def test_a_parameter_in_two_groups_is_refused_as_in_pytorch():
    w = float64_tensor(np.zeros(2))
    with pytest.raises(ValueError, match="SGD: some parameters appear in more than one parameter group"):
        SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(TypeError, match="a parameter group is a dict with a 'params' entry"):
        SGD([{"lr": 0.1}], lr=0.1)
    with pytest.raises(ValueError, match="SGD: invalid learning rate -1"):
        SGD([{"params": [w], "lr": -1}], lr=0.1)


@pytest.mark.parametrize(
    "name, defaults, overrides",
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.01, "nesterov": True}),
        ("Adam", {"lr": 0.05}, {"lr": 0.01, "betas": (0.5, 0.9), "weight_decay": 0.1}),
        ("AdamW", {"lr": 0.05}, {"weight_decay": 0.5}),
        ("RMSprop", {"lr": 0.01}, {"momentum": 0.5, "centered": True}),
    ],
)
def test_parameter_groups_with_their_own_hyperparameters_step_as_in_pytorch(name, defaults, overrides):
    torch = pytest.importorskip("torch")
    ours = [float64_tensor(x) for x in TENSOR_START]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in TENSOR_START]
    optimizer = getattr(optim, name)([{"params": ours[0]}, {"params": [ours[1]], **overrides}], **defaults)
    reference = getattr(torch.optim, name)([{"params": theirs[0]}, {"params": [theirs[1]], **overrides}], **defaults)
    schedule, reference_schedule = StepLR(optimizer, 2, 0.5), torch.optim.lr_scheduler.StepLR(reference, 2, 0.5)
    for _ in range(6):
        for params, engine_optimizer, engine_schedule in ((ours, optimizer, schedule), (theirs, reference, reference_schedule)):
            engine_optimizer.zero_grad()
            smooth_tensor_loss(*params).backward()
            engine_optimizer.step()
            engine_schedule.step()
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=0, atol=1e-12)
    assert schedule.get_last_lr() == pytest.approx(reference_schedule.get_last_lr())
    assert [g["lr"] for g in optimizer.param_groups] == pytest.approx([g["lr"] for g in reference.param_groups])
    assert re.fullmatch(rf"{name}\(2 parameters in 2 groups: 1 with lr=.*; 1 with lr=.*\)", repr(optimizer))


def test_setting_a_hyperparameter_sets_it_in_every_group():
    a, b = float64_tensor(np.zeros(2)), float64_tensor(np.zeros(2))
    optimizer = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert optimizer.lr == 0.1
    optimizer.lr = 0.2
    assert [g["lr"] for g in optimizer.param_groups] == [0.2, 0.2]
