"""The training loop every lesson would otherwise write by hand: ``fit`` and ``evaluate``.

Each batch is ``(inputs, targets)``. Losses are averaged over samples (the mean of the batch losses,
weighted by batch size). Accuracy is for classification: with several output columns the argmax is
the predicted class, compared with integer targets; with one output column the prediction is
``output > 0``, compared with ``target > 0`` (so targets may be 0/1 or -1/+1).
"""

import numpy as np

from minigrad.autograd import no_grad


def fit(model, loader, loss_fn, optimizer, epochs=1, val_loader=None, scheduler=None, progress=True):
    """Train ``model`` for ``epochs`` passes over ``loader``; return the per-epoch history.

    The history has lists 'loss' and 'accuracy', and with ``val_loader`` also 'val_loss' and
    'val_accuracy' (from ``evaluate``). ``scheduler.step()`` runs after each epoch. ``progress`` shows
    a tqdm bar over all batches with the running loss.
    """
    history = {"loss": [], "accuracy": []}
    if val_loader is not None:
        history.update(val_loss=[], val_accuracy=[])
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
                correct += _count_correct(output, targets)
                count += n
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix_str(f"loss={total_loss / count:.4f}", refresh=False)
            if count == 0:
                raise ValueError("fit: the loader gave no batches")
            history["loss"].append(total_loss / count)
            history["accuracy"].append(correct / count)
            if val_loader is not None:
                val_loss, val_accuracy = evaluate(model, val_loader, loss_fn)
                history["val_loss"].append(val_loss)
                history["val_accuracy"].append(val_accuracy)
            if bar is not None:
                bar.set_postfix({name: f"{values[-1]:.4f}" for name, values in history.items()})
            if scheduler is not None:
                scheduler.step()
    finally:
        if bar is not None:
            bar.close()
    return history


def evaluate(model, loader, loss_fn):
    """(mean loss, accuracy) of ``model`` over ``loader``, in eval mode and without building a graph.

    The model is put back in the mode it was in.
    """
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    try:
        with no_grad():
            for inputs, targets in loader:
                output = model(inputs)
                n = len(targets)
                total_loss += loss_fn(output, targets).item() * n
                correct += _count_correct(output, targets)
                count += n
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError("evaluate: the loader gave no batches")
    return total_loss / count, correct / count


def _count_correct(output, targets):
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
    return int(((output.reshape(-1) > 0) == (targets.reshape(-1) > 0)).sum())


def _progress_bar(total):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError(
            'fit: the progress bar needs tqdm, from the lab extra: pip install -e ".[lab]" (or pass progress=False)'
        ) from None
    return tqdm(total=total, unit="batch")
