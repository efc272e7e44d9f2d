"""A small conv net trained on digits in scalar mode, and the same net in tensor mode: accuracy and
time per epoch, as a ratio.

The net: one 3x3 convolution to 4 channels, ReLU, a 2x2 max-pool, and a linear layer from the 36
pooled numbers to the 10 classes. Both modes start from the same weights (the same seed draws them
in the same order) and take the same batches of the same training samples, with Adam; accuracy is
on the whole held-out 25 % of the digits. Scalar mode builds one node per multiply-and-add window
(every output pixel is a ``dot`` node), tensor mode one node per layer.

Run: python bench/scalar_conv.py [--samples N] [--epochs E] [--seed S]
"""

import argparse
import time

import numpy as np

import minigrad
from minigrad import nn, no_grad, optim
from minigrad.data import load_digits
from minigrad.nn import functional as F
from minigrad.nn import scalar as S

CHANNELS = 4
BATCH_SIZE = 10
LEARNING_RATE = 0.02


def digits_arrays():
    """(train images, train labels, test images, test labels) as float64 / int arrays."""
    train, test = load_digits(images=True)
    (x_train, y_train), (x_test, y_test) = train.tensors, test.tensors
    return x_train.numpy().astype(np.float64), y_train.numpy(), x_test.numpy().astype(np.float64), y_test.numpy()


class ScalarConvNet(S.Module):
    """conv 3x3 -> ReLU -> max-pool 2x2 -> linear, on one (1, 8, 8) image of Values at a time."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.conv = S.Conv2d(1, CHANNELS, 3, seed=rng)
        self.pool = S.MaxPool2d(2)
        self.fc = S.Layer(CHANNELS * 3 * 3, 10, "linear", seed=rng)

    def __call__(self, image):
        hidden = self.conv(image)
        for index, v in np.ndenumerate(hidden):
            hidden[index] = v.relu()
        return self.fc(list(self.pool(hidden).reshape(-1)))

    def parameters(self):
        return self.conv.parameters() + self.fc.parameters()


def tensor_conv_net(scalar_net):
    """Tensor mode's same net (float64), holding a copy of ``scalar_net``'s weights."""
    model = nn.Sequential(
        nn.Conv2d(1, CHANNELS, 3, dtype=minigrad.float64),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(CHANNELS * 3 * 3, 10, dtype=minigrad.float64),
    )
    conv, fc = scalar_net.conv.state_dict(), scalar_net.fc.state_dict()
    model.load_state_dict({"0.weight": conv["weight"], "0.bias": conv["bias"], "4.weight": fc["0.weight"], "4.bias": fc["0.bias"]})
    return model


def batches(count, epochs, seed):
    """The same shuffled index batches for both modes: one permutation of ``range(count)`` per epoch."""
    rng = np.random.default_rng(seed)
    return [[order[i : i + BATCH_SIZE] for i in range(0, count, BATCH_SIZE)] for order in (rng.permutation(count) for _ in range(epochs))]


def train_scalar(samples=600, epochs=3, seed=0):
    """Train the scalar net on the first ``samples`` training digits; return (net, test accuracy, seconds per epoch)."""
    x_train, y_train, x_test, y_test = digits_arrays()
    net = ScalarConvNet(seed)
    optimizer = optim.Adam(net.parameters(), lr=LEARNING_RATE)
    start = time.perf_counter()
    for epoch in batches(samples, epochs, seed):
        for batch in epoch:
            loss = S.cross_entropy([net(x_train[i]) for i in batch], [int(y_train[i]) for i in batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    seconds = (time.perf_counter() - start) / epochs
    return net, float(np.mean(scalar_predictions(net, x_test) == y_test)), seconds


def scalar_predictions(net, images):
    with no_grad():
        return np.array([int(np.argmax([v.data for v in net(image)])) for image in images])


def tensor_predictions(model, images):
    with no_grad():
        return model(minigrad.Tensor(images, dtype=minigrad.float64)).numpy().argmax(axis=1)


def train_tensor(samples=600, epochs=3, seed=0):
    """The same training in tensor mode, from the same weights and batches: (model, test accuracy, seconds per epoch)."""
    x_train, y_train, x_test, y_test = digits_arrays()
    model = tensor_conv_net(ScalarConvNet(seed))
    optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    start = time.perf_counter()
    for epoch in batches(samples, epochs, seed):
        for batch in epoch:
            images = minigrad.Tensor(x_train[batch], dtype=minigrad.float64)
            loss = F.cross_entropy(model(images), minigrad.tensor(y_train[batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    seconds = (time.perf_counter() - start) / epochs
    return model, float(np.mean(tensor_predictions(model, x_test) == y_test)), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=600, help="training digits used (of 1347)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    net, scalar_accuracy, scalar_seconds = train_scalar(args.samples, args.epochs, args.seed)
    model, tensor_accuracy, tensor_seconds = train_tensor(args.samples, args.epochs, args.seed)
    x_test = digits_arrays()[2]
    same = int((scalar_predictions(net, x_test) == tensor_predictions(model, x_test)).sum())
    weights = tensor_conv_net(net).state_dict()
    gap = max(float(np.abs(weights[key].numpy() - value.numpy()).max()) for key, value in model.state_dict().items())
    print(f"{args.samples} training digits, {args.epochs} epochs, batch {BATCH_SIZE}, Adam lr {LEARNING_RATE}")
    print("| mode | test accuracy | seconds per epoch |")
    print("|---|---:|---:|")
    print(f"| scalar | {scalar_accuracy:.2%} | {scalar_seconds:.3f} |")
    print(f"| tensor | {tensor_accuracy:.2%} | {tensor_seconds:.3f} |")
    print(f"scalar / tensor time per epoch: {scalar_seconds / tensor_seconds:.0f}x")
    print(f"trained weights differ by at most {gap:.1e}; the modes agree on {same} of {len(x_test)} test predictions")


if __name__ == "__main__":
    main()
