"""Loss modules and their functions against torch float64 (values and gradients, every option and
reduction) and against finite differences."""

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import gradcheck, nn

torch = pytest.importorskip("torch")

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)


def _both(array, grad=False):
    return minigrad.tensor(array, requires_grad=grad), torch.tensor(array, requires_grad=grad)


def _compare(module, torch_module, inputs, grads):
    """Run both modules on the (ours, torch) pairs; compare the losses and every gradient asked."""
    ours = module(*(a for a, _ in inputs))
    theirs = torch_module(*(b for _, b in inputs))
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    seed = rng.standard_normal(ours.shape)
    ours.backward(minigrad.tensor(seed))
    theirs.backward(torch.tensor(seed))
    for i in grads:
        a, b = inputs[i]
        np.testing.assert_allclose(np.asarray(a.grad), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def _gradcheck(fn, *tensors):
    def objective(*xs):
        out = fn(*xs)
        return out if out.ndim == 0 else out.sum()

    assert gradcheck(objective, list(tensors))


# ---------------------------------------------------------------------- elementwise losses

ELEMENTWISE = [
    ("MSELoss", {}),
    ("L1Loss", {}),
    ("SmoothL1Loss", {}),
    ("SmoothL1Loss", {"beta": 0.3}),
    ("SmoothL1Loss", {"beta": 0.0}),
    ("HuberLoss", {}),
    ("HuberLoss", {"delta": 0.4}),
    ("HuberLoss", {"delta": 2.5}),
]


@pytest.mark.parametrize("name, options", ELEMENTWISE)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_torch(name, options, reduction):
    x, t = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    module = getattr(nn, name)(reduction=reduction, **options)
    torch_module = getattr(torch.nn, name)(reduction=reduction, **options)
    _compare(module, torch_module, [_both(x, True), _both(t, True)], [0, 1])
    if name in ("MSELoss", "HuberLoss") or options.get("beta", 1.0) > 0:
        kind = {"L1Loss": "l1_loss", "MSELoss": "mse_loss", "SmoothL1Loss": "smooth_l1_loss", "HuberLoss": "huber_loss"}
        fn = getattr(F, kind[name])
        _gradcheck(
            lambda a, b: fn(a, b, reduction=reduction, **options),
            minigrad.tensor(x, requires_grad=True),
            minigrad.tensor(t, requires_grad=True),
        )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_torch_with_and_without_weight(weighted, reduction):
    p = rng.uniform(0.05, 0.95, (6, 3))
    t = rng.uniform(0, 1, (6, 3))
    w = rng.uniform(0.5, 2, (3,))
    ours_w, torch_w = _both(w) if weighted else (None, None)
    _compare(
        nn.BCELoss(ours_w, reduction=reduction),
        torch.nn.BCELoss(torch_w, reduction=reduction),
        [_both(p, True), _both(t, True)],
        [0, 1],
    )
    _gradcheck(
        lambda a, b: F.binary_cross_entropy(a, b, ours_w, reduction=reduction),
        minigrad.tensor(p, requires_grad=True),
        minigrad.tensor(t, requires_grad=True),
    )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("positive", [None, "per class", "scalar"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_torch_with_weight_and_pos_weight(weighted, positive, reduction):
    z = rng.standard_normal((6, 3)) * 4
    t = rng.uniform(0, 1, (6, 3))
    w = rng.uniform(0.5, 2, (6, 1))
    pw = {None: None, "per class": rng.uniform(0.5, 3, (3,)), "scalar": np.array([2.5])}[positive]
    ours_w, torch_w = _both(w) if weighted else (None, None)
    ours_pw, torch_pw = _both(pw) if pw is not None else (None, None)
    _compare(
        nn.BCEWithLogitsLoss(ours_w, reduction=reduction, pos_weight=ours_pw),
        torch.nn.BCEWithLogitsLoss(torch_w, reduction=reduction, pos_weight=torch_pw),
        [_both(z, True), _both(t, True)],
        [0, 1],
    )
    _gradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, ours_w, reduction=reduction, pos_weight=ours_pw),
        minigrad.tensor(z, requires_grad=True),
        minigrad.tensor(t, requires_grad=True),
    )


def test_bce_with_logits_stays_finite_for_huge_logits_with_pos_weight():
    z, t = _both(np.array([-800.0, 800.0, 0.0]), True), _both(np.array([1.0, 0.0, 1.0]))
    pw = _both(np.array([3.0]))
    _compare(nn.BCEWithLogitsLoss(pos_weight=pw[0]), torch.nn.BCEWithLogitsLoss(pos_weight=pw[1]), [z, t], [0])


# ---------------------------------------------------------------------- class-score losses

SHAPES = [((7, 4), (7,)), ((4,), ()), ((3, 4, 2, 2), (3, 2, 2))]


def _labels(target_shape, classes, ignore):
    labels = rng.integers(0, classes, target_shape)
    if ignore is not None and labels.ndim:
        labels.flat[::3] = ignore
    elif labels.ndim == 0 and labels == ignore:
        labels = (labels + 1) % classes  # one sample, not ignored (that case is tested on its own)
    return labels


@pytest.mark.parametrize("shape, target_shape", SHAPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [None, -100, 1])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_indices_matches_torch(shape, target_shape, weighted, ignore, smoothing, reduction):
    classes = shape[1] if len(shape) > 1 else shape[0]
    z, y = rng.standard_normal(shape) * 3, _labels(target_shape, classes, ignore)
    w = rng.uniform(0.2, 3, (classes,))
    ours_w, torch_w = _both(w) if weighted else (None, None)
    options = {"reduction": reduction, "label_smoothing": smoothing}
    if ignore is not None:
        options["ignore_index"] = ignore
    _compare(
        nn.CrossEntropyLoss(ours_w, **options),
        torch.nn.CrossEntropyLoss(torch_w, **options),
        [_both(z, True), _both(y)],
        [0],
    )
    _gradcheck(
        lambda a: F.cross_entropy(a, minigrad.tensor(y), ours_w, **options), minigrad.tensor(z, requires_grad=True)
    )


@pytest.mark.parametrize("shape", [(7, 4), (4,), (3, 4, 2, 2)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probability_targets_matches_torch(shape, weighted, smoothing, reduction):
    axis = 1 if len(shape) > 1 else 0
    z = rng.standard_normal(shape) * 3
    q = rng.uniform(0, 1, shape)
    q /= q.sum(axis=axis, keepdims=True)
    w = rng.uniform(0.2, 3, (shape[axis],))
    ours_w, torch_w = _both(w) if weighted else (None, None)
    options = {"reduction": reduction, "label_smoothing": smoothing}
    _compare(
        nn.CrossEntropyLoss(ours_w, **options),
        torch.nn.CrossEntropyLoss(torch_w, **options),
        [_both(z, True), _both(q, True)],
        [0, 1],
    )
    _gradcheck(
        lambda a, b: F.cross_entropy(a, b, ours_w, **options),
        minigrad.tensor(z, requires_grad=True),
        minigrad.tensor(q, requires_grad=True),
    )


@pytest.mark.parametrize("shape, target_shape", SHAPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [None, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_matches_torch(shape, target_shape, weighted, ignore, reduction):
    classes = shape[1] if len(shape) > 1 else shape[0]
    axis = 1 if len(shape) > 1 else 0
    z = minigrad.tensor(rng.standard_normal(shape)).log_softmax(axis).numpy()
    y = _labels(target_shape, classes, ignore)
    w = rng.uniform(0.2, 3, (classes,))
    ours_w, torch_w = _both(w) if weighted else (None, None)
    options = {"reduction": reduction} if ignore is None else {"reduction": reduction, "ignore_index": ignore}
    _compare(nn.NLLLoss(ours_w, **options), torch.nn.NLLLoss(torch_w, **options), [_both(z, True), _both(y)], [0])
    _gradcheck(lambda a: F.nll_loss(a, minigrad.tensor(y), ours_w, **options), minigrad.tensor(z, requires_grad=True))


def test_the_weighted_mean_divides_by_the_sum_of_the_weights_counted():
    z = minigrad.tensor([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    y = minigrad.tensor([0, 1, 1])
    w = minigrad.tensor([1.0, 3.0])
    # Each sample's loss is log 2; weighted sum 7 log 2 over weights 1 + 3 + 3 is log 2 itself.
    assert F.cross_entropy(z, y, w).item() == pytest.approx(np.log(2))
    assert F.cross_entropy(z, minigrad.tensor([0, -100, 1]), w).item() == pytest.approx(np.log(2))
    for ours, theirs in (
        (F.nll_loss, torch.nn.functional.nll_loss),
        (F.cross_entropy, torch.nn.functional.cross_entropy),
    ):
        a, b = _both(np.zeros((3, 2)), True)
        ignored = [-100, -100, -100]
        loss, torch_loss = ours(a, minigrad.tensor(ignored)), theirs(b, torch.tensor(ignored))
        assert np.isnan(loss.item()) and np.isnan(torch_loss.item())
        loss.backward()
        torch_loss.backward()
        np.testing.assert_array_equal(np.asarray(a.grad), b.grad.numpy())


def test_float32_losses_stay_float32():
    z = minigrad.randn(5, 3, requires_grad=True)
    y = minigrad.tensor([0, 1, 2, 1, 0])
    for loss in (nn.CrossEntropyLoss(minigrad.ones(3), label_smoothing=0.1), nn.NLLLoss(ignore_index=1)):
        out = loss(z, y)
        out.backward()
        assert out.dtype == minigrad.float32 and np.asarray(z.grad).dtype == np.float32
        z.grad = None
    out = nn.BCEWithLogitsLoss(pos_weight=minigrad.tensor([2.0]))(z, minigrad.rand(5, 3))
    out.backward()
    assert out.dtype == minigrad.float32 and np.asarray(z.grad).dtype == np.float32


# ---------------------------------------------------------------------- modules, reprs, errors


def test_reprs_and_state_dicts_are_torchs():
    w = [1.0, 2.0, 3.0]
    builds = [
        ("MSELoss", {"reduction": "sum"}),
        ("L1Loss", {}),
        ("SmoothL1Loss", {"beta": 0.5}),
        ("HuberLoss", {"delta": 2.0}),
        ("BCELoss", {"weight": "w"}),
        ("BCEWithLogitsLoss", {"pos_weight": "w"}),
        ("BCEWithLogitsLoss", {"weight": "w", "pos_weight": "w"}),
        ("CrossEntropyLoss", {"weight": "w", "ignore_index": 1, "label_smoothing": 0.1}),
        ("NLLLoss", {"weight": "w"}),
        ("NLLLoss", {}),
    ]
    for name, options in builds:
        ours = getattr(nn, name)(**{k: minigrad.tensor(w) if v == "w" else v for k, v in options.items()})
        theirs = getattr(torch.nn, name)(**{k: torch.tensor(w) if v == "w" else v for k, v in options.items()})
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert list(ours.parameters()) == [] and ours.reduction == theirs.reduction


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: nn.MSELoss(reduction="avg"), ValueError, "MSELoss: reduction must be 'mean', 'sum' or 'none'"),
        (
            lambda: nn.L1Loss()(minigrad.zeros(3, 1), minigrad.zeros(3)),
            ValueError,
            r"l1_loss: target of shape \(3,\) does not match input of shape \(3, 1\)",
        ),
        (
            lambda: F.smooth_l1_loss(minigrad.zeros(2), minigrad.zeros(2), beta=-1.0),
            ValueError,
            "smooth_l1_loss: beta must be >= 0",
        ),
        (
            lambda: F.huber_loss(minigrad.zeros(2), minigrad.zeros(2), delta=-1.0),
            ValueError,
            "huber_loss: delta must be >= 0",
        ),
        (
            lambda: nn.BCELoss(minigrad.ones(4))(minigrad.zeros(2, 3), minigrad.zeros(2, 3)),
            ValueError,
            r"binary_cross_entropy: weight of shape \(4,\) does not broadcast to \(2, 3\)",
        ),
        (
            lambda: nn.BCEWithLogitsLoss(pos_weight=minigrad.ones(2))(minigrad.zeros(2, 3), minigrad.zeros(2, 3)),
            ValueError,
            r"binary_cross_entropy_with_logits: pos_weight of shape \(2,\) does not broadcast to \(2, 3\)",
        ),
        (
            lambda: nn.CrossEntropyLoss(minigrad.ones(2))(minigrad.zeros(4, 3), minigrad.tensor([0, 1, 2, 0])),
            ValueError,
            r"cross_entropy: weight of shape \(2,\) must hold one weight per class, \(3,\)",
        ),
        (
            lambda: nn.CrossEntropyLoss()(minigrad.zeros(4, 3), minigrad.tensor([0, 1, 3, 0])),
            IndexError,
            "cross_entropy: class label 3 is out of range for 3 classes",
        ),
        (
            lambda: nn.CrossEntropyLoss(ignore_index=0)(minigrad.zeros(2, 3), minigrad.tensor([-1, 0])),
            IndexError,
            "cross_entropy: class label -1 is out of range",
        ),
        (
            lambda: nn.CrossEntropyLoss()(minigrad.zeros(4, 3), minigrad.zeros(4, 2)),
            ValueError,
            r"cross_entropy: probability targets of shape \(4, 2\) must have the shape of input, \(4, 3\)",
        ),
        (
            lambda: nn.CrossEntropyLoss()(minigrad.zeros(4, 3), minigrad.tensor([0, 1])),
            ValueError,
            r"cross_entropy: target of shape \(2,\) does not fit input of shape \(4, 3\)",
        ),
        (
            lambda: nn.CrossEntropyLoss(label_smoothing=1.5)(minigrad.zeros(2, 3), minigrad.tensor([0, 1])),
            ValueError,
            "cross_entropy: label_smoothing must be between 0.0 and 1.0",
        ),
        (
            lambda: nn.NLLLoss()(minigrad.zeros(2, 3), minigrad.zeros(2, 3)),
            TypeError,
            "nll_loss: target must hold class indices",
        ),
        (lambda: nn.NLLLoss(weight=[1.0, 2.0]), TypeError, "NLLLoss: weight must be a Tensor or None, got list"),
    ],
)
def test_errors_name_the_loss_and_the_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call()
