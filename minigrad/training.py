"""The training loop every lesson would otherwise write by hand: ``fit`` and ``evaluate``.

Each batch is ``(inputs, targets)``. Losses are averaged over samples (the mean of the batch losses,
weighted by batch size).

Accuracy is for classification, and what an output means is said by ``accuracy``:

- ``"logits"``: raw scores. With one output column the prediction is ``output > 0``, compared with
  ``target > 0`` (so targets may be 0/1 or -1/+1).
- ``"probabilities"``: outputs in [0, 1], e.g. after a Sigmoid. With one column the prediction is
  ``output > 0.5``, compared with ``target > 0.5`` (targets 0/1).
- ``"auto"`` (the default): ``"probabilities"`` when the loss function is ``binary_cross_entropy``
  (tensor or scalar mode's) or its module ``nn.BCELoss``, which only take probabilities, and
  ``"logits"`` for every other loss (``binary_cross_entropy_with_logits``, ``cross_entropy``,
  ``mse_loss``, your own). Pass
  ``accuracy="probabilities"`` for a Sigmoid output trained with another loss, such as MSE.
- ``None``: no accuracy is measured.

With several output columns the argmax is the predicted class either way (softmax keeps the order),
compared with integer targets.
"""

import numpy as np

from minigrad.autograd import no_grad
from minigrad.nn import functional as F
from minigrad.nn import scalar

_THRESHOLDS = {"logits": 0.0, "probabilities": 0.5}
_PROBABILITY_LOSSES = (F.binary_cross_entropy, scalar.binary_cross_entropy)


def fit(
    model,
    loader,
    loss_fn,
    optimizer,
    epochs=1,
    val_loader=None,
    scheduler=None,
    progress=True,
    accuracy="auto",
    log_every=None,
):
    """Train ``model`` for ``epochs`` passes over ``loader``; return the per-epoch history.

    The history has lists 'loss' and 'accuracy' (no 'accuracy' with ``accuracy=None``; see the module
    docstring for what it counts), and with ``val_loader`` also 'val_loss' and 'val_accuracy' (from
    ``evaluate``). ``scheduler.step()`` runs after each epoch. ``progress`` shows a tqdm bar over all
    batches with the running loss; ``log_every=N`` prints one line of the history after every Nth
    epoch, with or without the bar.
    """
    threshold = _threshold("fit", accuracy, loss_fn)
    # bool is an int in Python: log_every=True would mean every epoch, which nobody means by it.
    if log_every is not None and (not isinstance(log_every, int) or isinstance(log_every, bool) or log_every <= 0):
        raise ValueError(f"fit: log_every must be a positive number of epochs or None, got {log_every!r}")
    history = {"loss": []}
    if threshold is not None:
        history["accuracy"] = []
    if val_loader is not None:
        history["val_loss"] = []
        if threshold is not None:
            history["val_accuracy"] = []
    bar = _progress_bar(epochs * len(loader) if hasattr(loader, "__len__") else None) if progress else None
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            if bar is not None:
                bar.set_description(f"epoch {epoch}/{epochs}")
            total_loss, correct, count = 0.0, 0, 0
            for inputs, targets in loader:
                optimizer.zero_grad()
                output = model(inputs)
                loss = loss_fn(output, targets)
                loss.backward()
                optimizer.step()
                n = len(targets)
                total_loss += loss.item() * n
                if threshold is not None:
                    correct += _count_correct(output, targets, threshold)
                count += n
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix_str(f"loss={total_loss / count:.4f}", refresh=False)
            if count == 0:
                raise ValueError("fit: the loader gave no batches")
            history["loss"].append(total_loss / count)
            if threshold is not None:
                history["accuracy"].append(correct / count)
            if val_loader is not None:
                val_loss, val_accuracy = evaluate(model, val_loader, loss_fn, accuracy=accuracy)
                history["val_loss"].append(val_loss)
                if threshold is not None:
                    history["val_accuracy"].append(val_accuracy)
            if bar is not None:
                bar.set_postfix({name: f"{values[-1]:.4f}" for name, values in history.items()})
            if log_every is not None and epoch % log_every == 0:
                latest = ", ".join(f"{name} {values[-1]:.4f}" for name, values in history.items())
                line = f"epoch {epoch}/{epochs}: {latest}"
                if bar is not None:
                    bar.write(line)  # above the bar, which stays at the bottom
                else:
                    print(line)
            if scheduler is not None:
                scheduler.step()
    finally:
        if bar is not None:
            bar.close()
    return history


def evaluate(model, loader, loss_fn, accuracy="auto"):
    """(mean loss, accuracy) of ``model`` over ``loader``, in eval mode and without building a graph.

    ``accuracy`` says what the outputs are, as for ``fit``; with None the accuracy returned is None.
    The model is put back in the mode it was in.
    """
    threshold = _threshold("evaluate", accuracy, loss_fn)
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    try:
        with no_grad():
            for inputs, targets in loader:
                output = model(inputs)
                n = len(targets)
                total_loss += loss_fn(output, targets).item() * n
                if threshold is not None:
                    correct += _count_correct(output, targets, threshold)
                count += n
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError("evaluate: the loader gave no batches")
    return total_loss / count, (None if threshold is None else correct / count)


def _threshold(op, accuracy, loss_fn):
    """The one-column decision threshold that ``accuracy`` stands for, or None for no accuracy."""
    if accuracy == "auto":
        # The module is known by its PyTorch name, so that this file need not import every loss module.
        takes_probabilities = loss_fn in _PROBABILITY_LOSSES or type(loss_fn).__name__ == "BCELoss"
        accuracy = "probabilities" if takes_probabilities else "logits"
    if accuracy is None:
        return None
    if accuracy not in _THRESHOLDS:
        raise ValueError(f"{op}: accuracy must be 'auto', 'logits', 'probabilities' or None, got {accuracy!r}")
    return _THRESHOLDS[accuracy]


def _count_correct(output, targets, threshold):
    output, targets = np.asarray(output), np.asarray(targets)
    if output.ndim == 2 and output.shape[1] > 1:
        if targets.shape != output.shape[:1] or targets.dtype.kind not in "iu":
            raise ValueError(
                f"accuracy: an output of shape {output.shape} needs integer class targets of shape "
                f"{output.shape[:1]}, got {targets.dtype} {targets.shape}"
            )
        return int((output.argmax(axis=1) == targets).sum())
    if output.size != targets.size:
        raise ValueError(
            f"accuracy: output of shape {output.shape} and targets of shape {targets.shape} differ in size"
        )
    return int(((output.reshape(-1) > threshold) == (targets.reshape(-1) > threshold)).sum())


def _progress_bar(total):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError(
            'fit: the progress bar needs tqdm, from the lab extra: pip install -e ".[lab]" (or pass progress=False)'
        ) from None
    return tqdm(total=total, unit="batch")
