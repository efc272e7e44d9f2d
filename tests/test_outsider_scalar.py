"""Scalar mode as a learner fresh from the micrograd lecture uses it: the lecture's code, its mistakes, and
lesson 03's Exercise 4 answered in more wrong ways than tests/learner_answers/lesson03.py lists."""

import math
import random

import nbformat
import numpy as np
import pytest

import minigrad
from minigrad import Value, gradcheck, nn, no_grad, optim
from minigrad.gradcheck import GradcheckError
from minigrad.training import fit
from tests.learner_answers.lesson03 import SIN, SIN_NODE
from tests.lecture_value import LectureValue
from tests.lesson_runner import LESSONS, LessonKernel, exercises
from widgets import BackwardExplorer
from widgets.trace import Trace

micrograd_engine = pytest.importorskip("micrograd.engine")


def sin_with(node="Value(math.sin(x.data), (x,), 'sin')", rule="x.grad += math.cos(x.data) * out.grad"):
    """sin added to minigrad's Value the lecture's way, with ``node`` and ``rule`` as typed."""
    namespace = {"math": math, "Value": Value}
    exec(SIN.replace("minigrad.Value", "Value").format(node=node, rule=rule), namespace)  # noqa: S102
    return namespace["value_sin"]


# ---------------------------------------------------------------- mistakes in a rule written the lecture's way


def test_assigning_the_called_rule_says_to_assign_the_function_itself():
    x = Value(0.7)
    out = Value(math.sin(x.data), (x,), "sin")

    def _backward():
        x.grad += math.cos(x.data) * out.grad

    with pytest.raises(TypeError, match=r"got None: assign the function itself \(out._backward = _backward\)"):
        out._backward = _backward()


def test_a_rule_on_a_node_without_parents_is_refused_rather_than_skipped_in_silence():
    value_sin = sin_with(node="Value(math.sin(x.data))")
    with pytest.raises(TypeError, match=r"has no parents, so backward\(\) never runs its rule"):
        value_sin(Value(0.7))


def test_under_no_grad_a_rule_may_still_be_set_on_the_node_that_keeps_no_parents():
    value_sin = sin_with()
    with no_grad():
        out = value_sin(Value(0.7))
    assert out._prev == () and out.data == math.sin(0.7)


@pytest.mark.parametrize(
    "rule, analytic",
    [
        ("x.grad = math.cos(x.data) * out.grad", None),  # = instead of +=: the other use of x is lost
        ("x.grad += math.cos(x.data)", None),  # out.grad forgotten
        ("pass", 0.0),  # a rule that does nothing
    ],
)
def test_gradcheck_catches_every_wrong_rule_written_the_lecture_way(rule, analytic):
    value_sin = sin_with(rule=rule)
    with pytest.raises(GradcheckError, match="FAILED"):
        gradcheck(lambda v: value_sin(v) * value_sin(v) + value_sin(v), [Value(0.7)])
    if analytic is not None:
        x = Value(0.7)
        (value_sin(x) * x).backward()
        assert x.grad == pytest.approx(math.sin(0.7))  # only the product's own path arrives


def test_the_right_rules_for_sin_and_sqrt_pass_gradcheck_and_match_torch():
    torch = pytest.importorskip("torch")
    value_sin = sin_with()
    value_sqrt = sin_with(node="Value(math.sqrt(x.data), (x,), 'sqrt')", rule="x.grad += 0.5 / out.data * out.grad")
    assert gradcheck(lambda v: value_sin(v) * value_sqrt(v) + value_sin(v), [Value(0.7)])
    x = Value(0.7)
    (value_sin(x) * value_sqrt(x) + value_sin(x)).backward()
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (t.sin() * t.sqrt() + t.sin()).backward()
    assert x.grad == pytest.approx(t.grad.item(), rel=1e-12)


def test_mixing_micrograds_value_into_minigrads_names_the_other_class():
    with pytest.raises(TypeError, match=r"\*: expected a minigrad Value or a real number, got micrograd.engine.Value"):
        Value(2.0) * micrograd_engine.Value(3.0)


# ---------------------------------------------------------------- the lecture's graphs in the tools


def test_labels_with_operators_are_bracketed_in_the_words():
    x1, w1, b = Value(2.0, label="x1"), Value(-3.0, label="w1"), Value(1.0, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    n = x1w1 + b
    n.label = "n"
    trace = Trace(n)
    assert "n = (x1*w1) + b, so (x1*w1).grad += n.grad = 1.0" in trace.words(1)
    k = trace.order.index(trace.index[id(x1w1)]) + 1
    assert "x1*w1 = x1 * w1, so x1.grad += w1.data * (x1*w1).grad = -3.0 * 1.0 = -3.0" in trace.words(k)


def test_the_lectures_mlp_training_loss_steps_through_with_the_lectures_own_gradients():
    random.seed(0)
    sizes = [3, 4, 4, 1]
    layers = [
        [([LectureValue(random.uniform(-1, 1)) for _ in range(nin)], LectureValue(random.uniform(-1, 1)))
         for _ in range(nout)]
        for nin, nout in zip(sizes, sizes[1:])
    ]
    params = [p for layer in layers for w, b in layer for p in (*w, b)]

    def mlp(x):
        for layer in layers:
            x = [sum((wi * xi for wi, xi in zip(w, x)), b).tanh() for w, b in layer]
        return x[0]

    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    loss = sum((mlp(x) - y) ** 2 for x, y in zip(xs, ys))
    trace = Trace(loss)
    shown = trace.grads_at(trace.steps)
    loss.backward()
    for p in params:
        assert shown[trace.index[id(p)]] == pytest.approx(p.grad, rel=1e-12, abs=1e-15)
    before = [p.grad for p in params]
    explorer = BackwardExplorer(loss)
    explorer.go_to(explorer.steps)
    assert explorer.steps == trace.steps
    assert [p.grad for p in params] == before  # the explorer put the graph's gradients back


# ---------------------------------------------------------------- fit


def test_fit_refuses_log_every_true():
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    X, Y = minigrad.tensor([[0.0, 1.0]]), minigrad.tensor([[1.0]])
    with pytest.raises(ValueError, match="log_every must be a positive number of epochs or None, got True"):
        fit(model, [(X, Y)], nn.BCELoss(), optim.SGD(model.parameters(), lr=0.1), log_every=True, progress=False)


def test_fit_learns_xor_with_sigmoid_and_the_bce_module():
    minigrad.manual_seed(0)
    X = minigrad.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = minigrad.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid())
    history = fit(model, [(X, Y)], nn.BCELoss(), optim.SGD(model.parameters(), lr=0.5), epochs=600, progress=False)
    assert history["accuracy"][-1] == 1.0
    assert history["loss"][-1] < 0.05 < history["loss"][0]


# ---------------------------------------------------------------- lesson 03, Exercise 4: more wrong answers

R = "x.grad += math.cos(x.data) * out.grad"
WRONG = {
    "calls the rule when assigning it": (
        SIN.format(node=SIN_NODE, rule=R).replace("out._backward = _backward\n", "out._backward = _backward()\n"),
        "assign the function itself",
    ),
    "cos of out.data": (SIN.format(node=SIN_NODE, rule="x.grad += math.cos(out.data) * out.grad"), "local derivative"),
    "times x.grad": (SIN.format(node=SIN_NODE, rule="x.grad += math.cos(x.data) * x.grad"), "local derivative"),
    "adds to x.data": (SIN.format(node=SIN_NODE, rule="x.data += math.cos(x.data) * out.grad"), "added nothing"),
    "sqrt(1 - sin**2), right only where cos > 0": (
        SIN.format(node=SIN_NODE, rule="x.grad += math.sqrt(1 - out.data ** 2) * out.grad"),
        "differs from finite differences",
    ),
    "adds twice": (SIN.format(node=SIN_NODE, rule=R + "\n        " + R), "local derivative"),
    "out.grad read when the node is made": (
        SIN.format(node=SIN_NODE, rule="pass").replace(
            "    def _backward():\n        pass\n",
            "    g = out.grad\n\n    def _backward():\n        x.grad += math.cos(x.data) * g\n",
        ),
        "added nothing",
    ),
    "no assignment": (SIN.format(node=SIN_NODE, rule="x.grad + math.cos(x.data) * out.grad"), "added nothing"),
    "resets out.grad": (SIN.format(node=SIN_NODE, rule=R + "\n        out.grad = 0.0"), "changed out.grad"),
    "micrograd's Value": (
        "import micrograd.engine\n" + SIN.format(node='micrograd.engine.Value(math.sin(x.data), (x,), "sin")', rule=R),
        "returned a micrograd.engine.Value",
    ),
    "a Taylor polynomial": (SIN.format(node='minigrad.Value(x.data - x.data ** 3 / 6, (x,), "sin")', rule=R), "data"),
    "no parents, given by label": (
        SIN.format(node='minigrad.Value(math.sin(x.data), label="sin")', rule=R),
        "has no parents",
    ),
    "the slope at 0.7 typed in": (SIN.format(node=SIN_NODE, rule="x.grad += 0.7648421872844885 * out.grad"), "differs"),
    "returns out.data": (SIN.format(node=SIN_NODE, rule=R).replace("return out", "return out.data"), "returned float"),
    "tanh's rule": (SIN.format(node=SIN_NODE, rule="x.grad += (1 - out.data ** 2) * out.grad"), "local derivative"),
}
RIGHT = {
    "math.cos of the Value itself": SIN.format(node=SIN_NODE, rule="x.grad += math.cos(x) * out.grad"),
    "children as a list": SIN.format(node='minigrad.Value(math.sin(x.data), [x], "sin")', rule=R),
}


@pytest.fixture(scope="module")
def exercise4_runs():
    runs = {}
    with LessonKernel(LESSONS / "03_backprop.ipynb") as kernel:
        notebook = kernel.notebook
        ex = next(e for e in exercises(notebook) if e.number == 4)
        for i, cell in enumerate(notebook.cells[: ex.learner]):
            if cell.cell_type == "code":
                kernel.run_cell(i)
        for name, code in [*((n, c) for n, (c, _) in WRONG.items()), *RIGHT.items()]:
            kernel.run(code, ex.learner)
            runs[name] = kernel.run_cell(ex.check)
    return runs


@pytest.mark.parametrize("name", WRONG)
def test_exercise4_refuses_a_wrong_answer_with_a_hint_on_it(exercise4_runs, name):
    run = exercise4_runs[name]
    assert run.verdict == "✗", f"{name}: {run}"
    assert WRONG[name][1] in run.stdout, run.stdout
    assert not run.stderr, run.stderr


@pytest.mark.parametrize("name", RIGHT)
def test_exercise4_accepts_right_answers_typed_differently(exercise4_runs, name):
    assert exercise4_runs[name].verdict == "✓", exercise4_runs[name]


def test_scalar_conv_with_a_stride_beyond_its_kernel_matches_torch():
    torch = pytest.importorskip("torch")
    from minigrad.nn import scalar

    conv = scalar.Conv2d(1, 2, 2, stride=3, seed=0)
    image = np.arange(49.0).reshape(1, 7, 7)
    out = conv(image.tolist())  # nested lists as well as arrays
    reference = torch.nn.Conv2d(1, 2, 2, stride=3, dtype=torch.float64)
    state = {k: torch.tensor(np.asarray(getattr(v, "data", v))) for k, v in conv.state_dict().items()}
    reference.load_state_dict(state)
    expected = reference(torch.tensor(image)[None])[0].detach().numpy()
    assert out.shape == expected.shape == (2, 2, 2)
    np.testing.assert_allclose(scalar.numbers(out), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "image, message",
    [
        (
            [[[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]]],
            r"Conv2d: element \(0, 0\) is a list \[1.0, 2.0\], not a number",
        ),
        ([[["a"]]], r"Conv2d: element \(0, 0, 0\) is a str 'a', not a number or a Value of the input"),
    ],
)
def test_a_ragged_or_non_numeric_image_is_refused_by_the_op_that_was_called(image, message):
    from minigrad.nn import scalar

    with pytest.raises(TypeError, match=message):
        scalar.Conv2d(2, 1, 1)(image)
