"""minigrad.data: the loader's batches and order, collation, the toy datasets and sklearn's digits."""

import sys

import numpy as np
import pytest

import minigrad
from minigrad.data import (
    DataLoader,
    Dataset,
    TensorDataset,
    load_digits,
    load_names,
    make_circles,
    make_gaussians,
    make_moons,
    make_spiral,
    make_xor,
)
from minigrad.tensor import Tensor, float32, float64, int64, tensor, zeros


def numbered_dataset(n=10):
    """Row i of X is [i, i], y[i] == i: a batch shows which samples it holds and in which order."""
    X = Tensor(np.repeat(np.arange(n, dtype=np.float32)[:, None], 2, axis=1))
    return TensorDataset(X, tensor(np.arange(n)))


def sample_ids(loader):
    return [y.tolist() for _, y in loader]


def sample_order(loader):
    return [i for _, y in loader for i in y.tolist()]


# ---------------------------------------------------------------------- TensorDataset


def test_tensor_dataset_indexes_every_tensor_alike():
    dataset = numbered_dataset(5)
    x, y = dataset[3]
    assert len(dataset) == 5
    assert x.tolist() == [3.0, 3.0] and y.item() == 3


def test_tensor_dataset_names_the_shapes_whose_first_dimensions_differ():
    with pytest.raises(ValueError, match=r"first dimensions must agree.*\(4, 2\), \(3,\)"):
        TensorDataset(zeros(4, 2), zeros(3))


def test_tensor_dataset_needs_a_tensor():
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()


# ---------------------------------------------------------------------- DataLoader


def test_loader_gives_the_samples_in_order_in_batches_with_a_short_last_one():
    loader = DataLoader(numbered_dataset(10), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3
    assert sample_ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    x, y = batches[0]
    assert x.shape == (4, 2) and x.dtype == float32 and y.dtype == int64
    assert x.tolist() == [[0, 0], [1, 1], [2, 2], [3, 3]]


def test_drop_last_drops_the_short_batch_and_len_counts_it_out():
    loader = DataLoader(numbered_dataset(10), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert sample_ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(numbered_dataset(8), batch_size=4, drop_last=True)) == 2


@pytest.mark.parametrize(
    "n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (2, 5, False), (2, 5, True)]
)
def test_len_is_the_number_of_batches_iteration_gives(n, batch_size, drop_last):
    loader = DataLoader(numbered_dataset(n), batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=0)
    assert len(loader) == len(list(loader))


def test_shuffled_epochs_are_permutations_drawn_from_the_seeded_generator():
    loader = DataLoader(numbered_dataset(10), batch_size=4, shuffle=True, generator=7)
    reference = np.random.default_rng(7)
    for _ in range(3):
        assert sample_order(loader) == reference.permutation(10).tolist()


def test_each_epoch_reshuffles_and_two_loaders_with_one_seed_agree():
    first = DataLoader(numbered_dataset(50), batch_size=8, shuffle=True, generator=3)
    second = DataLoader(numbered_dataset(50), batch_size=8, shuffle=True, generator=3)
    epochs = [sample_ids(first) for _ in range(2)]
    assert epochs == [sample_ids(second) for _ in range(2)]
    assert epochs[0] != epochs[1]
    assert sorted(sample_order(first)) == list(range(50))


def test_loaders_with_different_seeds_differ():
    orders = [sample_ids(DataLoader(numbered_dataset(50), batch_size=50, shuffle=True, generator=s)) for s in (1, 2)]
    assert orders[0] != orders[1]


def test_a_loader_without_a_generator_follows_manual_seed_even_when_set_after_it_was_made():
    loader = DataLoader(numbered_dataset(20), batch_size=20, shuffle=True)
    minigrad.manual_seed(5)
    first = sample_ids(loader)
    minigrad.manual_seed(5)
    assert sample_ids(loader) == first == [np.random.default_rng(5).permutation(20).tolist()]


def test_a_numpy_generator_is_used_as_it_is():
    rng = np.random.default_rng(11)
    loader = DataLoader(numbered_dataset(10), batch_size=10, shuffle=True, generator=rng)
    reference = np.random.default_rng(11)
    assert sample_ids(loader) == [reference.permutation(10).tolist()]
    assert sample_ids(loader) == [reference.permutation(10).tolist()]


def test_batches_are_copies_outside_the_graph():
    X = Tensor(np.zeros((4, 2)), requires_grad=True)
    dataset = TensorDataset(X, tensor(np.arange(4)))
    x, _ = next(iter(DataLoader(dataset, batch_size=2)))
    assert not x.requires_grad and x.is_leaf
    x[0] = 9.0
    assert X.data[0].tolist() == [0.0, 0.0]


def test_a_tensor_dataset_of_one_tensor_gives_one_tuples():
    (x,) = next(iter(DataLoader(TensorDataset(Tensor(np.arange(6.0))), batch_size=4)))
    assert x.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_batch_size_must_be_a_positive_integer(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(numbered_dataset(), batch_size=batch_size)


# ---------------------------------------------------------------------- generic datasets


class Squares(Dataset):
    """Sample i is (a float64 Tensor [i, i*i], the array [[i]], the int i, the float i / 2)."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return Tensor([i, i * i], dtype=float64), np.array([[i]]), i, i / 2

    def __len__(self):
        return self.n


def test_a_generic_dataset_is_collated_field_by_field_by_stacking():
    batches = list(DataLoader(Squares(5), batch_size=2))
    assert len(batches) == 3
    vector, array, integer, real = batches[1]
    assert vector.dtype == float64 and vector.tolist() == [[2, 4], [3, 9]]
    assert array.shape == (2, 1, 1) and array.dtype == int64 and array.tolist() == [[[2]], [[3]]]
    assert integer.dtype == int64 and integer.tolist() == [2, 3]
    assert real.dtype == float32 and real.tolist() == [1.0, 1.5]
    assert [len(b[0]) for b in batches] == [2, 2, 1]


def test_a_generic_dataset_shuffles_like_a_tensor_dataset():
    generic = DataLoader(Squares(12), batch_size=5, shuffle=True, generator=4)
    tensors = DataLoader(numbered_dataset(12), batch_size=5, shuffle=True, generator=4)
    assert [b[2].tolist() for b in generic] == sample_ids(tensors)


def test_a_dataset_of_single_tensors_gives_tensor_batches():
    class Rows(Dataset):
        def __getitem__(self, i):
            return Tensor([i, -i])

        def __len__(self):
            return 3

    (batch,) = DataLoader(Rows(), batch_size=3)
    assert batch.tolist() == [[0, 0], [1, -1], [2, -2]]


def test_collating_samples_of_different_shapes_names_them():
    class Ragged(Dataset):
        def __getitem__(self, i):
            return Tensor(np.zeros(i + 1))

        def __len__(self):
            return 2

    with pytest.raises(ValueError, match=r"different shapes.*\(1,\), \(2,\)"):
        next(iter(DataLoader(Ragged(), batch_size=2)))


def test_the_base_dataset_says_what_a_subclass_must_define():
    class OnlyLength(Dataset):
        def __len__(self):
            return 3

    with pytest.raises(TypeError, match="__getitem__"):
        OnlyLength()
    with pytest.raises(TypeError, match="__getitem__.*__len__|__len__.*__getitem__"):
        Dataset()


# ---------------------------------------------------------------------- toy datasets

TOY_DATASETS = {
    "moons": (make_moons, {"noise": 0.1}, 2),
    "circles": (make_circles, {"noise": 0.1}, 2),
    "spiral": (make_spiral, {"classes": 3, "noise": 0.1}, 3),
    "xor": (make_xor, {"noise": 0.1}, 2),
    "gaussians": (make_gaussians, {"centers": 4}, 4),
}


@pytest.mark.parametrize("name", TOY_DATASETS)
@pytest.mark.parametrize("n_samples", [1, 7, 100])
def test_toy_datasets_have_the_shapes_dtypes_and_balanced_labels_asked_for(name, n_samples):
    make, options, classes = TOY_DATASETS[name]
    X, y = make(n_samples, seed=0, **options)
    assert isinstance(X, Tensor) and isinstance(y, Tensor)
    assert X.shape == (n_samples, 2) and X.dtype == float32
    assert y.shape == (n_samples,) and y.dtype == int64
    counts = np.bincount(y.data, minlength=classes)
    assert len(counts) == classes and counts.sum() == n_samples
    assert counts.max() - counts.min() <= 1
    assert np.all(np.isfinite(X.data))


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_toy_datasets_repeat_with_a_seed_and_differ_between_seeds(name):
    make, options, _ = TOY_DATASETS[name]
    X, y = make(60, seed=1, **options)
    X_again, y_again = make(60, seed=1, **options)
    X_other, _ = make(60, seed=2, **options)
    assert np.array_equal(X.data, X_again.data) and np.array_equal(y.data, y_again.data)
    assert not np.array_equal(X.data, X_other.data)


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_toy_datasets_without_a_seed_draw_from_the_default_generator(name):
    make, options, _ = TOY_DATASETS[name]
    minigrad.manual_seed(3)
    X, _ = make(30, **options)
    minigrad.manual_seed(3)
    assert np.array_equal(X.data, make(30, **options)[0].data)


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_toy_datasets_mix_the_classes_so_an_unshuffled_loader_sees_both(name):
    make, options, _ = TOY_DATASETS[name]
    _, y = make(100, seed=0, **options)
    assert len(set(y.tolist()[:20])) > 1


def test_noiseless_moons_and_circles_lie_on_their_curves():
    X, y = make_moons(200, seed=0)
    outer, inner = X.data[y.data == 0], X.data[y.data == 1]
    assert np.allclose(np.hypot(*outer.T), 1, atol=1e-6) and np.all(outer[:, 1] >= -1e-6)
    assert np.allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1, atol=1e-6) and np.all(inner[:, 1] <= 0.5 + 1e-6)
    X, y = make_circles(200, factor=0.3, seed=0)
    radius = np.hypot(*X.data.T)
    assert np.allclose(radius[y.data == 0], 1, atol=1e-6) and np.allclose(radius[y.data == 1], 0.3, atol=1e-6)


def test_noiseless_xor_labels_are_the_sign_rule():
    X, y = make_xor(400, seed=0)
    assert np.array_equal(y.data, (X.data[:, 0] * X.data[:, 1] < 0).astype(np.int64))
    quadrants = np.bincount((X.data[:, 0] > 0) * 2 + (X.data[:, 1] > 0))
    assert quadrants.tolist() == [100, 100, 100, 100]


def test_noiseless_spiral_arms_are_rotations_of_one_another():
    X, y = make_spiral(300, classes=3, seed=0)
    arms = [X.data[y.data == k] for k in range(3)]
    by_radius = [arm[np.argsort(np.hypot(*arm.T))] for arm in arms]
    turn = 2 * np.pi / 3
    rotation = np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])
    assert np.allclose(by_radius[0] @ rotation, by_radius[1], atol=1e-5)


def test_gaussian_blobs_centre_on_a_circle_with_the_spread_asked_for():
    X, y = make_gaussians(4000, centers=3, std=0.5, seed=0)
    means = np.array([X.data[y.data == k].mean(0) for k in range(3)])
    spreads = np.array([X.data[y.data == k].std(0) for k in range(3)])
    assert np.allclose(np.linalg.norm(means[:, None] - means[None], axis=-1)[~np.eye(3, dtype=bool)], 4, atol=0.1)
    assert np.allclose(spreads, 0.5, atol=0.05)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: make_moons(0), "n_samples must be a positive integer"),
        (lambda: make_moons(10, noise=-1), "noise must be >= 0"),
        (lambda: make_circles(10, factor=1.5), r"factor must be in \[0, 1\)"),
        (lambda: make_spiral(10, classes=0), "number of classes must be a positive integer"),
        (lambda: make_gaussians(10, std=-0.1), "std must be >= 0"),
    ],
)
def test_toy_datasets_refuse_bad_arguments_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------- digits


@pytest.fixture(scope="module")
def digits():
    pytest.importorskip("sklearn")
    return load_digits()


def test_digits_are_split_three_to_one_as_float32_pixels_in_0_1_and_int64_labels(digits):
    train, test = digits
    assert (len(train), len(test)) == (1347, 450)
    for dataset in digits:
        X, y = dataset.tensors
        assert X.shape[1:] == (64,) and X.dtype == float32 and y.dtype == int64
        assert X.data.min() == 0.0 and X.data.max() == 1.0
    # Every pixel is a count of 0..16, so pixel * 16 gives back whole numbers.
    assert np.array_equal(train.tensors[0].data * 16, np.round(train.tensors[0].data * 16))


def test_digits_split_is_stratified_and_disjoint(digits):
    train, test = digits
    train_share = np.bincount(train.tensors[1].data) / len(train)
    test_share = np.bincount(test.tensors[1].data) / len(test)
    assert np.abs(train_share - test_share).max() < 0.01
    train_rows = {row.tobytes() for row in train.tensors[0].data}
    assert not any(row.tobytes() in train_rows for row in test.tensors[0].data)


def test_digits_split_follows_test_size_and_seed(digits):
    train, test = load_digits(test_size=0.5, seed=1)
    assert abs(len(test) - len(train)) <= 1
    assert not np.array_equal(load_digits(seed=1)[1].tensors[1].data, digits[1].tensors[1].data)
    assert np.array_equal(load_digits(seed=0)[1].tensors[0].data, digits[1].tensors[0].data)


def test_digits_as_images_are_the_same_pixels_in_one_channel_8x8(digits):
    train, test = load_digits(images=True)
    assert train.tensors[0].shape == (1347, 1, 8, 8) and test.tensors[0].shape == (450, 1, 8, 8)
    assert np.array_equal(train.tensors[0].data.reshape(-1, 64), digits[0].tensors[0].data)
    assert np.array_equal(train.tensors[1].data, digits[0].tensors[1].data)


def test_digits_without_scikit_learn_say_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'scikit-learn.*pip install -e "\.\[lab\]"'):
        load_digits()


# ---------------------------------------------------------------------- names


@pytest.mark.parametrize("kind, count", [("first", 5163), ("last", 88799)])
def test_load_names_gives_the_census_names_split_by_seed(kind, count):
    train, val = load_names(kind)
    assert len(train) + len(val) == count and len(val) == round(count * 0.1)
    assert len(set(train) | set(val)) == count and not set(train) & set(val)
    assert all(isinstance(w, str) and w.isalpha() and w.isascii() and w.islower() for w in train + val)
    assert load_names(kind) == (train, val)
    other_train, other_val = load_names(kind, seed=1)
    assert other_val != val and set(other_train) | set(other_val) == set(train) | set(val)


def test_load_names_holds_the_names_a_learner_expects_and_takes_the_validation_fraction():
    train, val = load_names(val_size=0.25)
    names = set(train) | set(val)
    assert {"emma", "olivia", "james", "mary"} <= names and "smith" not in names and "smith" in load_names("last")[0] + load_names("last")[1]
    assert len(val) == round(5163 * 0.25)
    assert load_names(val_size=0)[1] == []


@pytest.mark.parametrize(
    "kwargs, message",
    [({"kind": "middle"}, r"kind must be one of \['first', 'last'\], got 'middle'"), ({"val_size": 1}, r"val_size must be a fraction"),
     ({"val_size": -0.1}, "val_size"), ({"val_size": "0.1"}, "val_size")],
)
def test_load_names_refuses_what_it_cannot_do(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_names(**kwargs)


def test_load_names_without_the_package_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "names", None)
    with pytest.raises(ImportError, match=r'needs the names package, from the lab extra: pip install -e "\.\[lab\]"'):
        load_names()
