"""Whole training steps, from the same weights, end where PyTorch's end."""

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, float64, nn, optim
from minigrad.nn import functional as F

torch = pytest.importorskip("torch")


def mlp():
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def conv_net():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 2 * 2, 10),
    )


def torch_mlp():
    return torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))


def torch_conv_net():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(8 * 2 * 2, 10),
    )


OPTIMIZERS = {
    "sgd-momentum": (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
    "adam": (lambda ps: optim.Adam(ps, lr=0.01), lambda ps: torch.optim.Adam(ps, lr=0.01)),
}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize(
    "build, build_torch, input_shape", [(mlp, torch_mlp, (16, 64)), (conv_net, torch_conv_net, (16, 1, 8, 8))], ids=["mlp", "conv"]
)
def test_five_training_steps_match_pytorch(build, build_torch, input_shape, optimizer):
    rng = np.random.default_rng(0)
    batches = [(rng.normal(size=input_shape), rng.integers(0, 10, size=input_shape[0])) for _ in range(5)]

    ours = build().double()
    theirs = build_torch().double()
    theirs.load_state_dict({name: torch.from_numpy(t.numpy().copy()) for name, t in ours.state_dict().items()})
    make_ours, make_theirs = OPTIMIZERS[optimizer]
    our_optimizer, their_optimizer = make_ours(ours.parameters()), make_theirs(theirs.parameters())

    for x, y in batches:
        our_loss = F.cross_entropy(ours(Tensor(x, dtype=float64)), minigrad.tensor(y))
        our_optimizer.zero_grad()
        our_loss.backward()
        our_optimizer.step()

        their_loss = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)), torch.from_numpy(y))
        their_optimizer.zero_grad()
        their_loss.backward()
        their_optimizer.step()
        assert our_loss.item() == pytest.approx(their_loss.item(), rel=1e-9)

    their_state = theirs.state_dict()
    for name, tensor in ours.state_dict().items():
        np.testing.assert_allclose(tensor.numpy(), their_state[name].numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
