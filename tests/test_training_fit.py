"""fit() and evaluate(): accuracy by an explicit rule for logits and probabilities (tested on XOR),
a validation loader, and a log line every N epochs."""

import numpy as np
import pytest

from minigrad import Tensor, float64, nn
from minigrad.data import DataLoader, TensorDataset
from minigrad.nn import functional as F
from minigrad.optim import Adam
from minigrad.training import evaluate, fit

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=np.float64)


def xor_loader():
    return DataLoader(TensorDataset(Tensor(XOR_INPUTS, dtype=float64), Tensor(XOR_TARGETS, dtype=float64)), batch_size=4)


def xor_net(sigmoid_output, seed=0):
    layers = [nn.Linear(2, 8, dtype=float64, generator=seed), nn.Tanh(), nn.Linear(8, 1, dtype=float64, generator=seed + 1)]
    return nn.Sequential(*layers, nn.Sigmoid()) if sigmoid_output else nn.Sequential(*layers)


def train_xor(sigmoid_output, loss_fn, **options):
    model = xor_net(sigmoid_output)
    history = fit(model, xor_loader(), loss_fn, Adam(model.parameters(), lr=0.05), epochs=300, progress=False, **options)
    return model, history


def outputs_are_right(model, threshold):
    predictions = model(Tensor(XOR_INPUTS, dtype=float64)).numpy() > threshold
    return bool((predictions == (XOR_TARGETS > 0.5)).all())


def test_xor_with_a_sigmoid_output_counts_probabilities_above_one_half():
    model, history = train_xor(True, F.binary_cross_entropy)
    assert outputs_are_right(model, 0.5)
    # Every probability is above 0, so reading them as logits would claim 50 %.
    assert (model(Tensor(XOR_INPUTS, dtype=float64)).numpy() > 0).all()
    assert history["accuracy"][-1] == 1.0
    assert evaluate(model, xor_loader(), F.binary_cross_entropy)[1] == 1.0
    assert evaluate(model, xor_loader(), F.binary_cross_entropy, accuracy="logits")[1] == 0.5


def test_the_bce_module_also_says_probabilities():
    if not hasattr(nn, "BCELoss"):
        pytest.skip("this minigrad has no nn.BCELoss")
    model, history = train_xor(True, nn.BCELoss())
    assert outputs_are_right(model, 0.5)
    assert history["accuracy"][-1] == 1.0


def test_xor_with_a_logit_output_counts_logits_above_zero():
    model, history = train_xor(False, F.binary_cross_entropy_with_logits)
    assert outputs_are_right(model, 0.0)
    assert history["accuracy"][-1] == 1.0
    assert evaluate(model, xor_loader(), F.binary_cross_entropy_with_logits, accuracy="logits")[1] == 1.0


def test_a_loss_that_does_not_say_needs_the_rule_given():
    # MSE on Sigmoid outputs: the loss does not tell, so the default reads logits, and the argument fixes it.
    model, history = train_xor(True, F.mse_loss, accuracy="probabilities")
    assert outputs_are_right(model, 0.5)
    assert history["accuracy"][-1] == 1.0
    assert evaluate(model, xor_loader(), F.mse_loss)[1] == 0.5
    assert evaluate(model, xor_loader(), F.mse_loss, accuracy="probabilities")[1] == 1.0


def test_without_accuracy_only_losses_are_kept():
    model, history = train_xor(False, F.mse_loss, accuracy=None, val_loader=xor_loader())
    assert set(history) == {"loss", "val_loss"}
    loss, accuracy = evaluate(model, xor_loader(), F.mse_loss, accuracy=None)
    assert accuracy is None and loss == history["val_loss"][-1]


def test_the_validation_loader_is_evaluated_after_every_epoch():
    model = xor_net(True)
    history = fit(model, xor_loader(), F.binary_cross_entropy, Adam(model.parameters(), lr=0.05), epochs=5,
                  val_loader=xor_loader(), progress=False)
    assert [len(history[key]) for key in ("loss", "accuracy", "val_loss", "val_accuracy")] == [5, 5, 5, 5]
    assert (history["val_loss"][-1], history["val_accuracy"][-1]) == evaluate(model, xor_loader(), F.binary_cross_entropy)


def test_a_log_line_every_n_epochs(capsys):
    model = xor_net(False)
    history = fit(model, xor_loader(), F.binary_cross_entropy_with_logits, Adam(model.parameters(), lr=0.05),
                  epochs=7, val_loader=xor_loader(), progress=False, log_every=3)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 3/7", "epoch 6/7"]
    assert lines[1] == (
        f"epoch 6/7: loss {history['loss'][5]:.4f}, accuracy {history['accuracy'][5]:.4f}, "
        f"val_loss {history['val_loss'][5]:.4f}, val_accuracy {history['val_accuracy'][5]:.4f}"
    )


def test_the_log_lines_print_above_the_progress_bar(capsys):
    pytest.importorskip("tqdm")
    model = xor_net(False)
    fit(model, xor_loader(), F.binary_cross_entropy_with_logits, Adam(model.parameters(), lr=0.05), epochs=4, log_every=2)
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("epoch")] == ["epoch 2/4", "epoch 4/4"]


def test_bad_arguments_are_named():
    model = xor_net(False)
    optimizer = Adam(model.parameters(), lr=0.05)
    with pytest.raises(ValueError, match="fit: accuracy must be 'auto', 'logits', 'probabilities' or None, got 'prob'"):
        fit(model, xor_loader(), F.mse_loss, optimizer, accuracy="prob", progress=False)
    with pytest.raises(ValueError, match="fit: log_every must be a positive number of epochs or None, got 0"):
        fit(model, xor_loader(), F.mse_loss, optimizer, log_every=0, progress=False)
    with pytest.raises(ValueError, match="evaluate: accuracy must be"):
        evaluate(model, xor_loader(), F.mse_loss, accuracy="argmax")
