"""Data: ``Dataset``, ``TensorDataset`` and ``DataLoader`` as in PyTorch; toy datasets, sklearn's digits
and the census names of the ``names`` package.

A loader's batches are data, outside the graph: they never require grad. Each toy dataset is
class-balanced (class sizes differ by at most one), shuffled, and returns ``(X, y)`` with X float32 of
shape (n, 2) and y int64 of shape (n,).
"""

import abc
import math
import numbers

import numpy as np

from minigrad.rng import as_generator
from minigrad.tensor import Tensor, _array_of, _default_dtype, float32, int64


class Dataset(abc.ABC):
    """A sized collection of samples: subclasses define ``__getitem__`` and ``__len__``."""

    @abc.abstractmethod
    def __getitem__(self, index):
        """Sample ``index``: a tuple such as (input, target)."""

    @abc.abstractmethod
    def __len__(self):
        """How many samples there are."""


class TensorDataset(Dataset):
    """Sample ``i`` is ``(t[i] for t in tensors)``; every tensor has the same first dimension.

    Arrays given instead of Tensors become Tensors of the course's default dtypes: floating data
    float32, integers int64 (class labels), bools bool.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        tensors = tuple(t if isinstance(t, Tensor) else _default_tensor("TensorDataset", t) for t in tensors)
        if any(t.ndim == 0 for t in tensors) or len({len(t) for t in tensors}) > 1:
            shapes = ", ".join(str(t.shape) for t in tensors)
            raise ValueError(f"TensorDataset: the tensors' first dimensions must agree, got shapes {shapes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(Tensor._wrap(t.data[index]) for t in self.tensors)

    def __len__(self):
        return len(self.tensors[0])

    def __repr__(self):
        return f"TensorDataset({', '.join(str(t.shape) for t in self.tensors)})"


class DataLoader:
    """Batches of a dataset, in order or reshuffled every epoch.

    ``generator`` (an int seed or a NumPy Generator; None: the default one that ``manual_seed`` sets)
    draws each epoch's permutation, so two loaders with the same seed give the same batches.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, generator=None):
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        # None is looked up at each epoch, so that a later manual_seed() takes effect, as in PyTorch.
        self.generator = None if generator is None else as_generator(generator)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = as_generator(self.generator).permutation(n)
        else:
            order = np.arange(n)
        stop = len(self) * self.batch_size
        if isinstance(self.dataset, TensorDataset):
            # One fancy index per tensor per batch: no per-sample Python work, and a copy, so that
            # changing a batch in place never changes the dataset.
            arrays = [t.data for t in self.dataset.tensors]
            for start in range(0, stop, self.batch_size):
                index = order[start : start + self.batch_size]
                yield tuple([Tensor._wrap(a[index]) for a in arrays])
        else:
            for start in range(0, stop, self.batch_size):
                yield collate([self.dataset[i] for i in order[start : start + self.batch_size].tolist()])

    def __repr__(self):
        return (
            f"DataLoader({self.dataset!r}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last})"
        )


def collate(samples):
    """Stack a list of samples into a batch: a tuple of samples gives a tuple of batched Tensors.

    Tensors keep their dtype; arrays and numbers become float32 (floating), int64 (integers) or bool.
    """
    first = samples[0]
    if isinstance(first, (tuple, list)):
        if any(not isinstance(s, (tuple, list)) or len(s) != len(first) for s in samples):
            raise ValueError(f"collate: every sample must have {len(first)} fields, as the first one has")
        return tuple(collate(list(field)) for field in zip(*samples))
    if isinstance(first, Tensor):
        arrays, dtype = [s.data if isinstance(s, Tensor) else np.asarray(s) for s in samples], first.dtype
    else:
        arrays, dtype = [np.asarray(s) for s in samples], None
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"collate: samples of different shapes cannot be stacked: {sorted(shapes)}")
    return Tensor(np.stack(arrays), dtype=dtype) if dtype else _default_tensor("collate", np.stack(arrays))


def _default_tensor(op, data):
    """``data`` as a Tensor whose dtype is inferred as ``minigrad.tensor`` infers it from Python
    numbers, so that labels stay int64 where ``Tensor(labels)`` would make them float32."""
    array = _array_of(op, data)
    return Tensor(array, dtype=_default_dtype(array))


# ---------------------------------------------------------------------- toy datasets


def _class_sizes(n_samples, classes, name):
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or n_samples < 1:
        raise ValueError(f"{name}: n_samples must be a positive integer, got {n_samples!r}")
    if isinstance(classes, bool) or not isinstance(classes, numbers.Integral) or classes < 1:
        raise ValueError(f"{name}: the number of classes must be a positive integer, got {classes!r}")
    return [n_samples // classes + (k < n_samples % classes) for k in range(classes)]


def _check_nonnegative(name, **values):
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"{name}: {key} must be >= 0, got {value!r}")


def _finish(classes, noise, rng):
    """Label each class's points by its position, add Gaussian noise, and shuffle (so that a loader
    without shuffle still mixes the classes)."""
    points = np.concatenate(classes)
    labels = np.concatenate([np.full(len(p), k) for k, p in enumerate(classes)])
    points = points + noise * rng.standard_normal(points.shape)
    order = rng.permutation(len(points))
    return Tensor(points[order], dtype=float32), Tensor(labels[order], dtype=int64)


def make_moons(n_samples=100, noise=0.0, seed=None):
    """Two interleaving half circles (as scikit-learn's ``make_moons``)."""
    outer, inner = _class_sizes(n_samples, 2, "make_moons")
    _check_nonnegative("make_moons", noise=noise)
    rng = as_generator(seed)
    a, b = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    moons = [np.stack([np.cos(a), np.sin(a)], 1), np.stack([1 - np.cos(b), 0.5 - np.sin(b)], 1)]
    return _finish(moons, noise, rng)


def make_circles(n_samples=100, noise=0.0, factor=0.5, seed=None):
    """A circle of radius 1 (class 0) around one of radius ``factor`` (class 1)."""
    outer, inner = _class_sizes(n_samples, 2, "make_circles")
    _check_nonnegative("make_circles", noise=noise)
    if not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be in [0, 1), got {factor!r}")
    rng = as_generator(seed)
    circles = []
    for n, radius in ((outer, 1.0), (inner, factor)):
        angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
        circles.append(radius * np.stack([np.cos(angle), np.sin(angle)], 1))
    return _finish(circles, noise, rng)


def make_spiral(n_samples=100, classes=2, noise=0.0, seed=None):
    """``classes`` spiral arms winding out of the origin, as in CS231n's spiral data."""
    sizes = _class_sizes(n_samples, classes, "make_spiral")
    _check_nonnegative("make_spiral", noise=noise)
    rng = as_generator(seed)
    arms = []
    for k, n in enumerate(sizes):
        radius = np.linspace(0.0, 1.0, n)
        angle = 2 * np.pi * k / classes + 4.0 * radius
        arms.append(radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1))
    return _finish(arms, noise, rng)


def make_xor(n_samples=100, noise=0.0, seed=None):
    """Points in [-1, 1]^2: class 1 where x and y have opposite signs; the four quadrants equally full."""
    sizes = _class_sizes(n_samples, 2, "make_xor")
    _check_nonnegative("make_xor", noise=noise)
    rng = as_generator(seed)
    groups = []
    for k, n in enumerate(sizes):
        sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
        quadrant_signs = np.stack([sign, sign if k == 0 else -sign], 1)
        groups.append(quadrant_signs * rng.random((n, 2)))
    return _finish(groups, noise, rng)


def make_gaussians(n_samples=100, centers=2, std=1.0, seed=None):
    """Isotropic Gaussian blobs with standard deviation ``std``, centred evenly on a circle with
    neighbouring centres 4 apart."""
    sizes = _class_sizes(n_samples, centers, "make_gaussians")
    _check_nonnegative("make_gaussians", std=std)
    rng = as_generator(seed)
    radius = 2 / np.sin(np.pi / centers) if centers > 1 else 0.0
    angle = 2 * np.pi * np.arange(centers) / centers
    means = radius * np.stack([np.cos(angle), np.sin(angle)], 1)
    blobs = [np.repeat(means[k : k + 1], n, axis=0) for k, n in enumerate(sizes)]
    return _finish(blobs, std, rng)


# ---------------------------------------------------------------------- digits


def load_digits(test_size=0.25, images=False, seed=0):
    """scikit-learn's 8x8 digits as ``(train, test)`` TensorDatasets of (X float32 in [0, 1], y int64).

    The split is stratified by class. X has shape (n, 64), or (n, 1, 8, 8) with ``images=True``.
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise ImportError('load_digits needs scikit-learn, from the lab extra: pip install -e ".[lab]"') from None
    digits = sklearn_load_digits()
    # The pixels are counts 0..16 of set cells in a 4x4 block.
    X = (digits.data / 16).astype(np.float32)
    if images:
        X = X.reshape(-1, 1, 8, 8)
    X_train, X_test, y_train, y_test = train_test_split(
        X, digits.target, test_size=test_size, stratify=digits.target, random_state=seed
    )
    return (
        TensorDataset(Tensor(X_train, dtype=float32), Tensor(y_train, dtype=int64)),
        TensorDataset(Tensor(X_test, dtype=float32), Tensor(y_test, dtype=int64)),
    )


# ---------------------------------------------------------------------- names

# The US census lists that the names package ships as files, per kind of name.
NAME_FILES = {"first": ("dist.male.first", "dist.female.first"), "last": ("dist.all.last",)}


def load_names(kind="first", val_size=0.1, seed=0):
    """US census names as ``(train, val)`` lists of lowercase strings (letters a-z only).

    ``kind="first"`` gives the 5,163 distinct first names of the male and female lists, ``"last"``
    the 88,799 surnames. They come as files with the ``names`` package (the lab extra), so nothing is
    downloaded. The names are sorted, shuffled by ``seed``, and the last ``val_size`` of them (a
    fraction, rounded) form the validation list.
    """
    if kind not in NAME_FILES:
        raise ValueError(f"load_names: kind must be one of {sorted(NAME_FILES)}, got {kind!r}")
    if not isinstance(val_size, numbers.Real) or not 0 <= val_size < 1:
        raise ValueError(f"load_names: val_size must be a fraction in [0, 1), got {val_size!r}")
    try:
        from importlib.resources import files

        package = files("names")
    except ModuleNotFoundError:
        raise ImportError('load_names needs the names package, from the lab extra: pip install -e ".[lab]"') from None
    # Each line is "NAME  frequency  cumulative-frequency  rank".
    lines = [line for name in NAME_FILES[kind] for line in (package / name).read_text().splitlines() if line.strip()]
    ordered = sorted({line.split()[0].lower() for line in lines})
    words = [ordered[i] for i in np.random.default_rng(seed).permutation(len(ordered))]
    n_val = round(len(words) * val_size)
    return words[: len(words) - n_val], words[len(words) - n_val :]
