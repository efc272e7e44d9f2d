"""The checks of lesson 06, An MLP in tensor mode."""

import sys

import numpy as np

import minigrad
from checking import exercise, gradient_problem, is_number, right, wrong
from minigrad import Tensor, nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.nn import functional as F
from minigrad.training import fit

# ---------------------------------------------------------------------------------------------- exercise 1


class _OwnParameter(nn.Module):
    # A module with a parameter of its own, of three dimensions, besides a Linear without a bias.
    def __init__(self, gen):
        super().__init__()
        self.scale = nn.Parameter(gen.uniform(-1, 1, (2, 3, 4)))
        self.project = nn.Linear(4, 5, bias=False, generator=gen)

    def forward(self, x):
        return self.project(x * self.scale)


def _models():
    """(name, model) pairs: the lesson's MLP, a deeper one, and modules that are not plain Linear stacks."""
    gen = np.random.default_rng(0)
    return [
        ("the 64-64-10 MLP", nn.Sequential(nn.Linear(64, 64, generator=gen), nn.ReLU(), nn.Linear(64, 10, generator=gen))),
        ("a 64-128-64-10 MLP", nn.Sequential(nn.Linear(64, 128, generator=gen), nn.ReLU(),
                                             nn.Linear(128, 64, generator=gen), nn.Tanh(),
                                             nn.Linear(64, 10, generator=gen))),
        ("a Linear(5, 3) without bias and a Linear(3, 2)", nn.Sequential(nn.Linear(5, 3, bias=False, generator=gen),
                                                                        nn.Linear(3, 2, generator=gen))),
        ("a model with a BatchNorm1d (lesson 08), whose running statistics are not trained",
         nn.Sequential(nn.Linear(6, 4, generator=gen), nn.BatchNorm1d(4), nn.Linear(4, 2, generator=gen))),
        ("a module with a (2, 3, 4) parameter of its own", _OwnParameter(gen)),
    ]


def _linear_formula(model):
    # What n_in * n_out + n_out per Linear gives, whatever the layer holds.
    return sum(m.in_features * m.out_features + m.out_features for m in model.modules() if isinstance(m, nn.Linear))


def _wrong_counts(model):
    """What each typical mistake counts for ``model``, with the hint for it."""
    params = list(model.named_parameters())
    return [
        (sum(p.numel() for child in model.children() for p in child.parameters()),
         "you counted the parameters of model's sub-modules (model.children()), which misses a parameter that the "
         "module holds itself: model.parameters() yields every parameter, its own and its sub-modules'."),
        (sum(p.numel() for m in model.modules() for p in m.parameters()),
         "each parameter is counted more than once: model.modules() yields the model itself as well as every "
         "sub-module, and m.parameters() already includes the sub-modules' parameters. Add p.numel() over "
         "model.parameters() alone."),
        (len(params), "you counted the parameter tensors, not the numbers in them: add up p.numel() for each p "
                      "in model.parameters()."),
        (sum(p.shape[0] for _, p in params), "you added up each parameter's first dimension (len(p) or p.shape[0]): "
                                             "a (64, 64) weight holds 64 * 64 numbers, which p.numel() counts."),
        (sum(p.numel() for name, p in params if name.endswith("weight")), "only the weights are counted: the "
                                                                          "biases are parameters too."),
        (sum(p.numel() for _, p in params if p.ndim >= 2), "only the parameters of two or more dimensions (the "
                                                           "weight matrices) are counted: biases are parameters too."),
        (sum(np.asarray(getattr(v, "data", v)).size for v in model.state_dict().values()),
         "you counted model.state_dict(), which also holds buffers that are not trained (a BatchNorm's running "
         "mean and variance): count model.parameters()."),
        (_linear_formula(model), "you worked it out from each Linear's sizes: that misses a Linear without bias and "
                                 "any parameter that is not in a Linear. Count what model.parameters() yields."),
    ]


@exercise("count_parameters")
def check_count_parameters(count_parameters):
    models = _models()
    counts = [count_parameters(model) for _, model in models]
    expected = [sum(p.numel() for p in model.parameters()) for _, model in models]
    if counts[0] is None:
        return wrong("count_parameters returns None: return the number of elements of all parameters.")
    for count in counts:
        if not is_number(count) or int(count) != count:
            return wrong(f"count_parameters should return a whole number, but it returns a {type(count).__name__}.")
    if counts == expected:
        return right(f"count_parameters gives {expected[0]} for the 64-64-10 MLP and {expected[1]} for "
                     "64-128-64-10, and is right for a layer without bias, a BatchNorm and a 3-d parameter")
    if len(set(counts)) == 1:
        return wrong("count_parameters gives the same number for every model it is given: count from the "
                     "argument, model.parameters(), not from a fixed number or from a model of the notebook such "
                     "as mlp.")
    mistakes = [_wrong_counts(model) for _, model in models]
    for j, (_, hint) in enumerate(mistakes[0]):  # one mistake that explains every count
        if all(count == mistake[j][0] for count, mistake in zip(counts, mistakes)):
            return wrong(hint)
    for (name, _), count, want, mistake in zip(models, counts, expected, mistakes):
        if count != want:
            hint = next((hint for value, hint in mistake if value == count), None)
            if hint:
                return wrong(f"for {name}, {hint}")
            return wrong(f"count_parameters is too {'large' if count > want else 'small'} for {name}: add "
                         "p.numel() over model.parameters().")
    return wrong("count_parameters is wrong for one of the models.")


# ---------------------------------------------------------------------------------------------- exercise 2


def _log_softmax(z, axis):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _loss_variants(z, t):
    """The loss, and what typical mistakes give instead, computed in NumPy (float64)."""
    n = len(t)
    log_probs = _log_softmax(z, 1)
    loss = -log_probs[np.arange(n), t].mean()
    return loss, [
        (-loss, "the sign is wrong: cross-entropy is minus the mean log-probability of the right class."),
        (n * loss, "it is N times too large: average the picked log-probabilities with .mean(), do not .sum() them."),
        (-log_probs[:, t].mean(), "log_probs[:, targets] takes every row at every sample's target (an N x N block): "
                                  "pick one entry per row with log_probs[minigrad.arange(N), targets]."),
        (-_log_softmax(z, 0)[np.arange(n), t].mean(), "log_softmax along dim 0 normalises each column, across the "
                                                      "samples: take it along dim=1, over the classes of each row."),
        (loss / z.shape[1], "it is C times too small (C the number of classes): the mean ran over all N x C "
                            "entries, the zeros of a one-hot mask included. Sum over the classes of each row first, "
                            "or pick one entry per row, and then average over the N samples."),
    ]


def _describe_result(value):
    if value is None:
        return "my_cross_entropy returns None: return the loss, a 0-d Tensor."
    if is_number(value):
        return ("my_cross_entropy returns a plain number: .item(), float() or NumPy turned the loss into a number, "
                "which cuts the graph, so backward() could not reach the logits. Return the Tensor itself.")
    if not (hasattr(value, "data") and hasattr(value, "backward")):
        return f"my_cross_entropy should return a Tensor, but it returns a {type(value).__name__}."
    if np.shape(value.data) != ():
        shape = tuple(np.shape(value.data))
        return (f"my_cross_entropy returns a Tensor of shape {shape}: the loss is one number for the batch, the mean "
                "over the samples of minus the log-probability of each sample's target.")
    return None


@exercise("my_cross_entropy")
def check_my_cross_entropy(my_cross_entropy):
    rng = np.random.default_rng(1)
    cases = [  # moderate logits of a shape the lesson never used, then logits in the thousands
        ("logits of shape (5, 7)", rng.normal(0, 3, (5, 7)), np.array([6, 0, 6, 2, 3])),
        ("logits in the thousands", rng.normal(0, 1000, (6, 4)), rng.integers(0, 4, 6)),
    ]
    for name, z, t in cases:
        try:
            value = my_cross_entropy(Tensor(z, dtype=minigrad.float64, requires_grad=True), minigrad.tensor(t))
        except IndexError as error:
            return wrong(f"on {name} ({len(t)} samples) your code raised IndexError: {error}. Pick one entry per row "
                         "with an arange as long as the batch, minigrad.arange(len(targets)), not a length taken "
                         "from the lesson's example.")
        problem = _describe_result(value)
        if problem:
            return wrong(problem)
        if getattr(value, "_op", "") == "cross_entropy":
            return wrong("my_cross_entropy calls F.cross_entropy, the fused version it is compared with: build it "
                         "yourself from log_softmax, indexing and mean.")
        if getattr(value, "_op", "") == "nll_loss":
            return wrong("my_cross_entropy ends in F.nll_loss, which picks each row's target and averages for you: "
                         "that picking and averaging is the exercise. Index the log-probabilities yourself and take "
                         ".mean().")
        actual = float(np.asarray(value.data, dtype=float))
        loss, variants = _loss_variants(z, t)
        if np.isclose(actual, loss, rtol=1e-6, atol=1e-9):
            continue
        if not np.isfinite(actual):
            return wrong(f"my_cross_entropy gives {actual} on {name}: exp overflows there (softmax first and the "
                         "log second, or a log of a sum of exps without subtracting the row's largest logit). Use "
                         "log_softmax(dim=1), which subtracts each row's largest logit first.")
        for alternative, hint in variants:
            if np.isclose(actual, alternative, rtol=1e-6, atol=1e-9):
                return wrong(hint)
        return wrong(f"my_cross_entropy is too {'large' if actual > loss else 'small'} on {name}: take "
                     "log_softmax(dim=1), pick the target's column in each row, and return minus the mean.")
    small = Tensor(rng.normal(0, 2, (6, 4)), dtype=minigrad.float64, requires_grad=True)
    targets = minigrad.tensor([3, 1, 1, 0, 2, 3])
    problem = gradient_problem(lambda z: my_cross_entropy(z, targets), [small], "my_cross_entropy")
    if problem:
        return wrong(problem + ". The value is right, so the gradient is lost on the way: build the loss from "
                     "Tensor ops only, since going through NumPy or making a new Tensor(...) cuts the graph.")
    return right("my_cross_entropy gives F.cross_entropy's value on moderate and on huge logits, and its gradients "
                 "match finite differences")


# ---------------------------------------------------------------------------------------------- exercise 3

_BATCH = 64


def _data():
    # 300 samples of 64 features, labelled by a random linear teacher: 4 full batches and one of 44.
    gen = np.random.default_rng(11)
    X = gen.normal(0, 1, (300, 64)).astype(np.float32)
    y = (X @ gen.normal(0, 1, (64, 10))).argmax(axis=1)
    return TensorDataset(Tensor(X), minigrad.tensor(y))


def _network():
    gen = np.random.default_rng(5)
    return nn.Sequential(nn.Linear(64, 32, generator=gen), nn.ReLU(), nn.Linear(32, 10, generator=gen))


def _loader(dataset):
    return DataLoader(dataset, batch_size=_BATCH, shuffle=True, generator=3)


def _grads(params):
    return [None if p.grad is None else np.array(p.grad, dtype=np.float64) for p in params]


def _fingerprint(params):
    return tuple(None if p.grad is None else float(np.sum(np.abs(p.grad.numpy()))) for p in params)


class _Watch:
    """Everything the learner's loop does, in order: batches drawn, forward passes, zero_grad, step, and
    (inferred from the gradients changing between those events) backward passes."""

    def __init__(self, net):
        self.params = list(net.parameters())
        self.twin = _network()
        self.events = []  # (kind, info)
        self.last = _fingerprint(self.params)
        self.batch = None
        self.since_zero = None  # the sum of the true gradients of the batches since the last zero_grad

    def note(self, kind, info=None):
        now = _fingerprint(self.params)
        if now != self.last:
            self.events.append(("backward", None))
        self.events.append((kind, info))
        self.last = now

    def after_zero(self):
        self.last = _fingerprint(self.params)
        self.since_zero = None

    def true_gradient(self, softmax_first=False):
        """The gradient of F.cross_entropy(model(images), labels) for the current batch at the current weights
        (with softmax_first, of the mistake F.cross_entropy(model(images).softmax(dim=1), labels))."""
        for mine, p in zip(self.twin.parameters(), self.params):
            mine.data[...] = p.data
            mine.grad = None
        images, labels = self.batch
        output = self.twin(images)
        F.cross_entropy(output.softmax(dim=1) if softmax_first else output, labels).backward()
        return [np.array(p.grad, dtype=np.float64) for p in self.twin.parameters()]


class _WatchedModel(nn.Module):
    def __init__(self, net, watch):
        super().__init__()
        self.net = net
        object.__setattr__(self, "_watch", watch)

    def forward(self, x):
        self._watch.note("forward")
        return self.net(x)


class _WatchedLoader:
    def __init__(self, loader, watch):
        self.loader, self.watch = loader, watch

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        for batch in self.loader:
            self.watch.batch = batch
            self.watch.note("batch")
            yield batch


def _same(a, b):
    return all(x is not None and np.allclose(x, y, rtol=1e-4, atol=1e-7) for x, y in zip(a, b))


class _WatchedSGD(optim.SGD):
    def __init__(self, params, watch, **settings):
        super().__init__(params, **settings)
        self.watch = watch

    def zero_grad(self, *args, **kwargs):  # passed on, so that a call optim.SGD refuses fails as it would there
        had = any(p.grad is not None for p in self.watch.params)
        self.watch.note("zero", had)
        super().zero_grad(*args, **kwargs)
        self.watch.after_zero()

    def step(self):
        watch = self.watch
        in_fit = any(frame.f_code.co_filename.endswith(("minigrad/training.py", "minigrad\\training.py"))
                     for frame in _frames())
        grads = _grads(watch.params)
        if all(g is None for g in grads):
            kind = "none"
        elif watch.batch is None:
            kind = "other"
        else:
            true = watch.true_gradient()
            earlier = watch.since_zero
            kind = "other"
            if _same(grads, true):
                kind = "right"
            elif earlier is not None and _same(grads, [a + b for a, b in zip(earlier, true)]):
                kind = "accumulated"
            elif _same(grads, [2 * g for g in true]):
                kind = "double"
            elif _same(grads, [len(watch.batch[1]) * g for g in true]):
                kind = "sum"
            elif _same(grads, watch.true_gradient(softmax_first=True)):
                kind = "softmax"
            watch.since_zero = true if earlier is None else [a + b for a, b in zip(earlier, true)]
        watch.note("step", (kind, in_fit))
        super().step()


def _frames():
    frame = sys._getframe(1)
    while frame is not None:
        yield frame
        frame = frame.f_back


def _segments(events):
    """The events of each batch: from one 'batch' to the next (what came before the first batch is dropped)."""
    segments = []
    for kind, info in events:
        if kind == "batch":
            segments.append([])
        elif segments:
            segments[-1].append((kind, info))
    return segments


def _diagnose(events, batches, weights_changed=False):
    kinds = [kind for kind, _ in events]
    drawn, forwards, steps = kinds.count("batch"), kinds.count("forward"), kinds.count("step")
    if drawn == 0:
        return "train_one_epoch never took a batch from loader: loop over it with for images, labels in loader."
    if any(info[1] for kind, info in events if kind == "step"):
        return ("train_one_epoch calls fit, which runs this very loop: write the loop yourself, with zero_grad(), "
                "the forward pass, the loss, backward() and step().")
    if forwards == 0:
        return ("the model passed in was never called: compute model(images) for each batch with the argument "
                "model, not with a model of the notebook such as mlp.")
    if steps == 0 and weights_changed:
        return ("the weights changed, but the optimizer passed in never stepped: use the argument optimizer "
                "(optimizer.zero_grad(), optimizer.step()) rather than changing the weights some other way, with "
                "an optimizer of your own (which starts with a fresh momentum buffer) or by hand.")
    if steps == 0:
        missing = "optimizer.step() and loss.backward() never ran" if "backward" not in kinds else \
            "optimizer.step() never ran"
        return f"{missing}, so the weights did not change: step once per batch, after loss.backward()."
    if drawn > batches:
        return (f"the loop took {drawn} batches from a loader of {batches}: one epoch is one pass over loader, "
                "each batch once.")
    if drawn < batches:
        return (f"the loop trained on {drawn} of the loader's {batches} batches and then stopped: is there a return "
                "or a break inside the for loop?")
    if steps != drawn:
        last = [kind for kind in kinds if kind not in ("end", "backward")][-1]
        where = "once, after the loop," if steps == 1 and last == "step" else f"{steps} times"
        return f"optimizer.step() ran {where} for {drawn} batches: call it once per batch, inside the loop."
    segments = _segments(events)
    for number, segment in enumerate(segments, start=1):
        seg_kinds = [kind for kind, _ in segment]
        step_at = seg_kinds.index("step")
        kind = segment[step_at][1][0]
        if kind == "right":
            continue
        backward_after_step = "backward" in seg_kinds[step_at:] or (
            number < len(segments) and segments[number][:1] == [("backward", None)])
        zero_before_step = [i for i, k in enumerate(seg_kinds[:step_at]) if k == "zero"]
        forward_at = seg_kinds.index("forward") if "forward" in seg_kinds else len(seg_kinds)
        if kind == "none" and zero_before_step and zero_before_step[-1] > forward_at and \
                segment[zero_before_step[-1]][1]:
            return ("when step() ran, every gradient was None: zero_grad() came between loss.backward() and "
                    "optimizer.step() and cleared the gradients backward() had just computed, and step() leaves "
                    "a parameter without a gradient alone, so the weights never changed. Clear the gradients at "
                    "the start of each batch, before the forward pass.")
        if backward_after_step:
            return ("optimizer.step() ran before loss.backward() in each batch, so it applied the gradients of the "
                    "batch before (or none at all): step after backward.")
        if kind == "none":
            return ("when step() ran, no gradient had arrived: call loss.backward() (with its parentheses) on the "
                    "loss of the batch before optimizer.step().")
        if kind == "accumulated":
            if "zero" not in kinds:
                where = "is never called"
            elif "zero" not in [k for seg in segments for k, _ in seg]:
                where = "runs only once, before the loop"
            else:
                where = f"did not run in batch {number}"
            return (f"the gradients at step() in batch {number} were the sum of that batch's and the earlier "
                    f"batches' gradients: gradients add up across backward() calls until zero_grad(), which "
                    f"{where}. Call optimizer.zero_grad() at the start of every batch (with its parentheses: "
                    f"optimizer.zero_grad alone only names the method).")
        if kind == "softmax":
            return ("the gradients at step() were those of F.cross_entropy(model(images).softmax(dim=1), labels): "
                    "F.cross_entropy takes the model's raw outputs (the logits) and applies log_softmax itself, so "
                    "a softmax before it is applied twice. Pass model(images) as it is.")
        if kind == "double":
            return (f"the gradients at step() in batch {number} were twice the loss's gradient: backward() ran "
                    "twice for one batch (or the loss was added twice). Backpropagate one loss once per batch.")
        if kind == "sum":
            return ("the gradients were batch-size times too large: the loss was summed over the batch. "
                    "F.cross_entropy's default, the mean, is what fit uses.")
        return (f"at step() in batch {number} the gradients were not those of F.cross_entropy(model(images), "
                "labels) for that batch: compute that loss from the model's output for this batch and "
                "backpropagate it.")
    return None


@exercise("train_one_epoch")
def check_train_one_epoch(train_one_epoch):
    dataset = _data()
    reference = _network()
    fit(reference, _loader(dataset), F.cross_entropy, optim.SGD(reference.parameters(), lr=0.1, momentum=0.9),
        epochs=1, progress=False)
    net = _network()
    watch = _Watch(net)
    loader = _loader(dataset)
    before = [p.numpy().copy() for p in net.parameters()]
    try:
        train_one_epoch(_WatchedModel(net, watch), _WatchedLoader(loader, watch),
                        _WatchedSGD(net.parameters(), watch, lr=0.1, momentum=0.9))
    except AttributeError as error:
        if "object has no attribute 'backward'" in str(error) and "Tensor" not in str(error):
            return wrong(f"your code raised AttributeError: {error}. loss.item() (or float(loss)) is a plain number, "
                         "which has no backward(): call backward() on the loss Tensor itself, and use .item() only "
                         "to print or record the loss.")
        raise
    watch.note("end")
    changed = any(not np.array_equal(a, p.numpy()) for a, p in zip(before, net.parameters()))
    problem = _diagnose(watch.events, len(loader), changed)
    if problem:
        return wrong(problem)
    if not all(np.allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
               for a, b in zip(net.parameters(), reference.parameters())):
        return wrong("each step used the right gradients, yet the weights differ from fit's after one epoch: "
                     "does the loop change the weights or the optimizer in some other way?")
    return right(f"your loop trains exactly as fit does: the same weights after one epoch of {len(loader)} batches")
