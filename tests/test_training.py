"""minigrad.training: fit trains and reports per epoch; evaluate measures in eval mode without a graph."""

import sys

import numpy as np
import pytest

from minigrad import nn
from minigrad.data import DataLoader, TensorDataset, make_gaussians
from minigrad.nn import functional as F
from minigrad.optim import SGD, StepLR
from minigrad.tensor import Tensor
from minigrad.training import evaluate, fit


def blobs(n=200, seed=0):
    """Four well-separated Gaussian blobs: a linear model can classify them almost perfectly."""
    X, y = make_gaussians(n, centers=4, std=0.5, seed=seed)
    return TensorDataset(X, y)


def classifier(seed=0):
    return nn.Sequential(nn.Linear(2, 16, generator=seed), nn.ReLU(), nn.Linear(16, 4, generator=seed + 1))


class RecordsModes(nn.Module):
    """A linear classifier that notes, at every forward, whether it was in training mode."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 4, generator=0)
        self.seen_training_flags = []

    def forward(self, x):
        self.seen_training_flags.append(self.training)
        return self.linear(x)


def train(model, epochs=5, **options):
    loader = DataLoader(blobs(), batch_size=16, shuffle=True, generator=0)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    return fit(model, loader, F.cross_entropy, optimizer, epochs=epochs, progress=False, **options)


def test_fit_lowers_the_loss_and_learns_separable_classes():
    history = train(classifier(), epochs=10)
    assert list(history) == ["loss", "accuracy"]
    assert [len(v) for v in history.values()] == [10, 10]
    assert history["loss"][-1] < 0.3 * history["loss"][0]
    assert history["accuracy"][-1] >= 0.95


def test_the_epoch_loss_and_accuracy_are_per_sample_means_over_the_epoch():
    model = classifier()
    dataset = blobs(50)
    loader = DataLoader(dataset, batch_size=20)  # batches of 20, 20 and 10
    # A learning rate of zero leaves the weights alone, so the epoch's figures are the model's own.
    history = fit(model, loader, F.cross_entropy, SGD(model.parameters(), lr=0.0), progress=False)
    X, y = dataset.tensors
    output = model(X)
    assert history["loss"][0] == pytest.approx(F.cross_entropy(output, y).item(), rel=1e-5)
    assert history["accuracy"][0] == np.mean(output.data.argmax(1) == y.data)


def test_validation_metrics_are_those_evaluate_gives_after_each_epoch():
    model = classifier()
    validation = DataLoader(blobs(60, seed=1), batch_size=32)
    history = train(model, epochs=3, val_loader=validation)
    assert list(history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(values) == 3 for values in history.values())
    assert (history["val_loss"][-1], history["val_accuracy"][-1]) == evaluate(model, validation, F.cross_entropy)
    assert history["val_accuracy"][-1] >= 0.9


def test_validation_runs_in_eval_mode_and_training_resumes_in_train_mode():
    model = RecordsModes()
    loader = DataLoader(blobs(40), batch_size=20)
    fit(model, loader, F.cross_entropy, SGD(model.parameters(), lr=0.1), epochs=2, val_loader=loader, progress=False)
    assert model.seen_training_flags == [True, True, False, False] * 2
    assert model.training


def test_fit_puts_a_model_in_eval_mode_back_into_train_mode():
    model = classifier().eval()
    train(model, epochs=1)
    assert all(m.training for m in model.modules())


def test_evaluate_builds_no_graph_touches_no_gradient_and_keeps_the_mode():
    model = classifier()
    outputs = []

    def loss_fn(output, target):
        outputs.append(output)
        return F.cross_entropy(output, target)

    for mode in (True, False):
        model.train(mode)
        loss, accuracy = evaluate(model, DataLoader(blobs(40), batch_size=16), loss_fn)
        assert model.training is mode
    assert len(outputs) == 6
    assert all(not o.requires_grad and o.is_leaf for o in outputs)
    assert all(p.grad is None for p in model.parameters())
    assert 0 <= accuracy <= 1 and loss > 0


def test_the_scheduler_steps_once_per_epoch():
    model = classifier()
    optimizer = SGD(model.parameters(), lr=0.1)
    loader = DataLoader(blobs(40), batch_size=8)
    fit(
        model,
        loader,
        F.cross_entropy,
        optimizer,
        epochs=3,
        scheduler=StepLR(optimizer, step_size=1, gamma=0.5),
        progress=False,
    )
    assert optimizer.lr == pytest.approx(0.1 * 0.5**3)


def test_one_output_column_counts_output_above_zero_as_class_one():
    X, y = make_gaussians(100, centers=2, std=0.3, seed=0)
    targets = Tensor(y.data[:, None].astype(np.float32))
    loader = DataLoader(TensorDataset(X, targets), batch_size=25)
    model = nn.Linear(2, 1, generator=0)
    history = fit(
        model, loader, F.binary_cross_entropy_with_logits, SGD(model.parameters(), lr=0.5), epochs=20, progress=False
    )
    assert history["accuracy"][-1] == 1.0
    # Targets of -1 and +1, as with a hinge loss, are read the same way.
    signed = TensorDataset(X, Tensor(2 * targets.data - 1))
    _, accuracy = evaluate(model, DataLoader(signed, batch_size=25), F.mse_loss)
    assert accuracy == 1.0


def test_accuracy_says_what_targets_a_multi_column_output_needs():
    X, y = make_gaussians(20, centers=4, seed=0)
    one_hot = TensorDataset(X, Tensor(np.eye(4, dtype=np.float32)[y.data]))
    with pytest.raises(ValueError, match=r"output of shape \(10, 4\) needs integer class targets of shape \(10,\)"):
        evaluate(classifier(), DataLoader(one_hot, batch_size=10), F.mse_loss)


def test_an_empty_loader_is_an_error():
    model = classifier()
    with pytest.raises(ValueError, match="the loader gave no batches"):
        fit(model, [], F.cross_entropy, SGD(model.parameters(), lr=0.1), progress=False)
    with pytest.raises(ValueError, match="the loader gave no batches"):
        evaluate(model, [], F.cross_entropy)


def test_without_progress_fit_prints_nothing(capsys):
    train(classifier(), epochs=2, val_loader=DataLoader(blobs(20), batch_size=10))
    assert capsys.readouterr() == ("", "")


def test_the_progress_bar_counts_batches_and_shows_the_loss(capsys):
    pytest.importorskip("tqdm")
    model = classifier()
    loader = DataLoader(blobs(64), batch_size=16)
    history = fit(model, loader, F.cross_entropy, SGD(model.parameters(), lr=0.1), epochs=2)
    out, err = capsys.readouterr()
    assert out == ""
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    assert "epoch 2/2" in final and "8/8" in final
    assert f"loss={history['loss'][-1]:.4f}" in final and f"accuracy={history['accuracy'][-1]:.4f}" in final


def test_the_progress_bar_without_tqdm_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    model = classifier()
    with pytest.raises(ImportError, match=r'tqdm.*pip install -e "\.\[lab\]".*progress=False'):
        fit(model, DataLoader(blobs(20)), F.cross_entropy, SGD(model.parameters(), lr=0.1))
