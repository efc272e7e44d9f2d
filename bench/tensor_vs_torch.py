"""Tensor mode against PyTorch (CPU, one thread): one epoch of training on sklearn's digits.

Batch 32, SGD with momentum 0.9, cross-entropy, on the 75 % training split (1347 images), for
- the MLP 64-64-10, and
- the small conv net: two 3x3 conv layers (8 and 16 channels, padding 1) each with ReLU and 2x2
  max-pooling, then Linear to 10.
Both frameworks start from the same weights and see the same batches in the same order; the script
checks that their parameters still agree after the epoch before it prints any time. PyTorch gets
its batches by indexing whole tensors (its fastest path), minigrad through its DataLoader. The
same MLP is also trained for one epoch in scalar mode, to show what vectorising buys.

Run: python bench/tensor_vs_torch.py [--rounds N]
"""

import argparse
import sys
import time

import numpy as np
import torch

import minigrad
from minigrad import nn
from minigrad.data import DataLoader, load_digits
from minigrad.nn import functional as F
from minigrad.nn.scalar import MLP, cross_entropy
from minigrad.optim import SGD

BATCH_SIZE = 32
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


def epoch_torch(model, optimizer, images, labels, order):
    model.train()
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start : start + BATCH_SIZE]
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

    def __init__(self, name, build, images):
        minigrad.manual_seed(0)
        self.name = name
        self.ours = build()
        self.theirs = torch_twin(self.ours)
        train, _ = load_digits(images=images)
        self.loader = DataLoader(train, batch_size=BATCH_SIZE, shuffle=True, generator=0)
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
        return epoch_torch(self.theirs, self.their_optimizer, self.images, self.labels, order)

    def largest_weight_difference(self):
        theirs = self.theirs.state_dict()
        return max(float(np.max(np.abs(t.numpy() - theirs[name].numpy()))) for name, t in self.ours.state_dict().items())


def timed(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="epochs per framework; the fastest counts")
    args = parser.parse_args()
    torch.set_num_threads(1)

    contests = [Contest("MLP 64-64-10", mlp, images=False), Contest("conv net 8-16", conv_net, images=True)]
    best = {}
    for contest in contests:
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(timed(contest.run_ours))
            theirs.append(timed(contest.run_theirs))
        difference = contest.largest_weight_difference()
        print(f"{contest.name}: largest weight difference after {args.rounds} epochs: {difference:.1e}")
        if difference > 1e-3:
            sys.exit("the frameworks disagree: timings would compare different work")
        best[contest.name] = (min(ours), min(theirs))

    minigrad.manual_seed(0)
    scalar_mlp = MLP(64, [64, 10], seed=0)
    train, _ = load_digits()
    images, labels = train.tensors[0].numpy().tolist(), train.tensors[1].numpy().tolist()
    order = np.random.default_rng(0).permutation(len(labels))
    scalar_seconds = timed(
        lambda: epoch_scalar(scalar_mlp, SGD(scalar_mlp.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM), images, labels, order)
    )

    print(f"\none epoch on digits, batch {BATCH_SIZE}, SGD momentum (best of {args.rounds}; PyTorch on 1 thread)")
    print("| model | minigrad (ms) | PyTorch (ms) | minigrad / PyTorch |")
    print("|---|---:|---:|---:|")
    for name, (ours, theirs) in best.items():
        print(f"| {name} | {ours * 1e3:.1f} | {theirs * 1e3:.1f} | {ours / theirs:.2f} |")
    mlp_seconds = best["MLP 64-64-10"][0]
    print(f"\nscalar mode, the same MLP, one epoch: {scalar_seconds * 1e3:.0f} ms; "
          f"tensor mode is {scalar_seconds / mlp_seconds:.0f}x faster")


if __name__ == "__main__":
    main()
