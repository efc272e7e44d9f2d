"""Tensor mode against PyTorch (CPU, one thread): one epoch of training on sklearn's digits.

Small workload: batch 32, SGD with momentum 0.9, cross-entropy, on the 75 % training split (1347
images), for
- the MLP 64-64-10, and
- the small conv net: two 3x3 conv layers (8 and 16 channels, padding 1) each with ReLU and 2x2
  max-pooling, then Linear to 10.
Large workload: batch 64 on 1,024 of those images scaled up to 28x28 (MNIST's size), for
- the MLP 784-512-256-10, and
- the conv net 32-64: the same two conv layers with 32 and 64 channels, then Linear to 10;
and the time of that conv net's matrix products alone (the same products in NumPy, without
anything else of an epoch): the BLAS floor no framework on this machine goes below.
Both frameworks start from the same weights and see the same batches in the same order; the script
checks that their parameters still agree after the first epoch before it prints any time. PyTorch gets
its batches by indexing whole tensors (its fastest path), minigrad through its DataLoader. The
same MLP is also trained for one epoch in scalar mode, to show what vectorising buys.

Each time is given twice: by the wall clock, and as the CPU time of the one thread that both
frameworks compute on (OpenBLAS and PyTorch on one thread run in the caller's thread), which other
programs sharing the machine inflate far less than the wall clock.

Run: python bench/tensor_vs_torch.py [--rounds N]
(NumPy's BLAS runs on one thread unless OPENBLAS_NUM_THREADS says otherwise.)
"""

import argparse
import os
import sys
import time

# NumPy's OpenBLAS on one thread too, set before NumPy loads it: like for like with PyTorch's one
# thread, and on a busy machine OpenBLAS's second thread makes the larger products several times
# slower rather than faster (measured: a 64 x 196 x 288 x 64 batched product 27 ms on one thread,
# 340 ms on two, at a load average of 7 on 2 cores).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import minigrad  # noqa: E402
from minigrad import nn  # noqa: E402
from minigrad.data import DataLoader, TensorDataset, load_digits  # noqa: E402
from minigrad.nn import functional as F  # noqa: E402
from minigrad.nn.scalar import MLP, cross_entropy  # noqa: E402
from minigrad.optim import SGD  # noqa: E402

BATCH_SIZE = 32
LARGE_BATCH_SIZE = 64
LARGE_IMAGES = 1024
LEARNING_RATE = 0.05
MOMENTUM = 0.9


def mlp():
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def conv_net():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 2 * 2, 10),
    )


def large_mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def large_conv_net():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 10),
    )


def digits(images):
    return load_digits(images=images)[0]


def large_digits(images):
    """The first 1,024 training digits, each pixel a 3x3 block (24x24) with a 2-pixel border: 28x28."""
    train = digits(images=True)
    x = train.tensors[0].numpy()[:LARGE_IMAGES]
    x = np.pad(np.kron(x, np.ones((3, 3), dtype=x.dtype)), ((0, 0), (0, 0), (2, 2), (2, 2)))
    x = x if images else x.reshape(len(x), -1)
    return TensorDataset(minigrad.Tensor(x), train.tensors[1][:LARGE_IMAGES])


def torch_twin(model):
    """The same architecture in PyTorch, holding a copy of ``model``'s weights."""
    layers = []
    for layer in model:
        if isinstance(layer, nn.Linear):
            layers.append(torch.nn.Linear(layer.in_features, layer.out_features))
        elif isinstance(layer, nn.Conv2d):
            layers.append(torch.nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, padding=layer.padding))
        elif isinstance(layer, nn.MaxPool2d):
            layers.append(torch.nn.MaxPool2d(layer.kernel_size))
        elif isinstance(layer, nn.ReLU):
            layers.append(torch.nn.ReLU())
        elif isinstance(layer, nn.Flatten):
            layers.append(torch.nn.Flatten())
    twin = torch.nn.Sequential(*layers)
    twin.load_state_dict({name: torch.from_numpy(t.numpy().copy()) for name, t in model.state_dict().items()})
    return twin


def epoch_minigrad(model, optimizer, loader):
    model.train()
    for images, labels in loader:
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def epoch_torch(model, optimizer, images, labels, order, batch_size):
    model.train()
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        loss = torch.nn.functional.cross_entropy(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def epoch_scalar(model, optimizer, images, labels, order):
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start : start + BATCH_SIZE]
        loss = cross_entropy([model(images[i]) for i in batch], [labels[i] for i in batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.data


class Contest:
    """One architecture trained in both frameworks from the same weights on the same batches."""

    def __init__(self, name, build, train, batch_size):
        minigrad.manual_seed(0)
        self.name = name
        self.ours = build()
        self.theirs = torch_twin(self.ours)
        self.batch_size = batch_size
        self.loader = DataLoader(train, batch_size=batch_size, shuffle=True, generator=0)
        # PyTorch replays the loader's permutations, drawn from an identically seeded generator.
        self.orders = np.random.default_rng(0)
        self.images = torch.from_numpy(train.tensors[0].numpy())
        self.labels = torch.from_numpy(train.tensors[1].numpy())
        self.our_optimizer = SGD(self.ours.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
        self.their_optimizer = torch.optim.SGD(self.theirs.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

    def run_ours(self):
        return epoch_minigrad(self.ours, self.our_optimizer, self.loader)

    def run_theirs(self):
        order = torch.from_numpy(self.orders.permutation(len(self.labels)))
        return epoch_torch(self.theirs, self.their_optimizer, self.images, self.labels, order, self.batch_size)

    def largest_weight_difference(self):
        theirs = self.theirs.state_dict()
        return max(float(np.max(np.abs(t.numpy() - theirs[name].numpy()))) for name, t in self.ours.state_dict().items())


def conv_net_products(model, train, batch_size):
    """One epoch of ``model``'s matrix products alone, in NumPy float32, shaped as minigrad's conv2d
    and linear make them: per batch, each layer's forward product, its weight gradient, and its
    input gradient (except for the first layer, whose input needs none)."""
    rng = np.random.default_rng(0)
    batches = [batch_size] * (len(train) // batch_size) + ([len(train) % batch_size] if len(train) % batch_size else [])
    products = []
    for n in batches:
        shape = train.tensors[0].shape[1:]
        first = True
        for layer in model:
            if isinstance(layer, nn.Conv2d):
                c, h, w = shape
                o, (kh, kw) = layer.out_channels, layer.kernel_size
                k, pixels = kh * kw * c, h * w  # padding 1, stride 1: the size stays
                products.append(((n, pixels, k), (k, o)))
                products.append(((n, o, pixels), (n, pixels, k)))
                if not first:
                    products.append(((kh * kw, n, pixels, o), (kh * kw, 1, o, c)))
                shape = (o, h, w)
            elif isinstance(layer, nn.MaxPool2d):
                shape = (shape[0], shape[1] // 2, shape[2] // 2)
            elif isinstance(layer, nn.Flatten):
                shape = (int(np.prod(shape)),)
            elif isinstance(layer, nn.Linear):
                i, o = layer.in_features, layer.out_features
                products += [((n, i), (i, o)), ((o, n), (n, i)), ((n, o), (o, i))]
                shape = (o,)
            first = first and not isinstance(layer, (nn.Conv2d, nn.Linear))
    operands = [(rng.standard_normal(a, dtype=np.float32), rng.standard_normal(b, dtype=np.float32)) for a, b in products]

    def run():
        for a, b in operands:
            a @ b

    return run


def timed(run):
    """Wall-clock and this thread's CPU seconds of ``run()``."""
    start, cpu_start = time.perf_counter(), time.thread_time()
    run()
    return np.array([time.perf_counter() - start, time.thread_time() - cpu_start])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="epochs per framework; the fastest counts")
    args = parser.parse_args()
    torch.set_num_threads(1)

    contests = [
        Contest("MLP 64-64-10", mlp, digits(images=False), BATCH_SIZE),
        Contest("conv net 8-16", conv_net, digits(images=True), BATCH_SIZE),
        Contest("MLP 784-512-256-10, 28x28", large_mlp, large_digits(images=False), LARGE_BATCH_SIZE),
        Contest("conv net 32-64, 28x28", large_conv_net, large_digits(images=True), LARGE_BATCH_SIZE),
    ]
    best = {}
    for contest in contests:
        ours, theirs = [], []
        for epoch in range(args.rounds):
            ours.append(timed(contest.run_ours))
            theirs.append(timed(contest.run_theirs))
            if epoch == 0:
                # Checked after the first epoch: later, float32 rounding differences grow as training
                # amplifies them (the large conv net's weights part by 7e-3 after three epochs).
                difference = contest.largest_weight_difference()
                print(f"{contest.name}: largest weight difference after 1 epoch: {difference:.1e}")
                if difference > 1e-3:
                    sys.exit("the frameworks disagree: timings would compare different work")
        best[contest.name] = (np.min(ours, axis=0), np.min(theirs, axis=0))

    minigrad.manual_seed(0)
    scalar_mlp = MLP(64, [64, 10], seed=0)
    train, _ = load_digits()
    images, labels = train.tensors[0].numpy().tolist(), train.tensors[1].numpy().tolist()
    order = np.random.default_rng(0).permutation(len(labels))
    scalar_seconds = timed(
        lambda: epoch_scalar(scalar_mlp, SGD(scalar_mlp.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM), images, labels, order)
    )[0]

    products = conv_net_products(contests[3].ours, large_digits(images=True), LARGE_BATCH_SIZE)
    floor = np.min([timed(products) for _ in range(args.rounds)], axis=0)

    print(f"\none epoch, SGD momentum (best of {args.rounds}; PyTorch on 1 thread)")
    print("| model | batch | minigrad (ms) | PyTorch (ms) | minigrad / PyTorch "
          "| CPU: minigrad (ms) | CPU: PyTorch (ms) | CPU: minigrad / PyTorch |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for contest in contests:
        (ours, our_cpu), (theirs, their_cpu) = best[contest.name]
        print(f"| {contest.name} | {contest.batch_size} | {ours * 1e3:.1f} | {theirs * 1e3:.1f} | {ours / theirs:.2f} "
              f"| {our_cpu * 1e3:.1f} | {their_cpu * 1e3:.1f} | {our_cpu / their_cpu:.2f} |")
    conv_seconds = best[contests[3].name][0]
    print(f"\nconv net 32-64's matrix products alone (NumPy, the BLAS floor): {floor[0] * 1e3:.1f} ms, "
          f"{floor[0] / conv_seconds[0]:.2f} of minigrad's epoch; CPU time {floor[1] * 1e3:.1f} ms, "
          f"{floor[1] / conv_seconds[1]:.2f} of minigrad's")
    mlp_seconds = best["MLP 64-64-10"][0][0]
    print(f"\nscalar mode, the same MLP, one epoch: {scalar_seconds * 1e3:.0f} ms; "
          f"tensor mode is {scalar_seconds / mlp_seconds:.0f}x faster")


if __name__ == "__main__":
    main()
