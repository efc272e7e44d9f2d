"""minigrad.save / minigrad.load: exact round trips, clear refusals, and never unpickling."""

import pickle
import re
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

from minigrad import nn
from minigrad.serialization import load, save
from minigrad.tensor import Tensor, float64

UNPICKLED = []


def record_unpickling():
    UNPICKLED.append(True)
    return "ran"


class Trap:
    """Unpickling this calls ``record_unpickling``: a stand-in for code a hostile file would run."""

    def __reduce__(self):
        return record_unpickling, ()


@pytest.fixture(autouse=True)
def no_unpickling_yet():
    UNPICKLED.clear()
    yield
    assert not UNPICKLED, "a file was unpickled"


def test_every_dtype_and_shape_comes_back_exactly_in_order(tmp_path):
    rng = np.random.default_rng(0)
    state = OrderedDict(
        [
            ("layer.weight", Tensor(rng.standard_normal((3, 4)), dtype=np.float32)),
            ("layer.bias", rng.standard_normal(3)),
            ("scalar", np.array(2.5, dtype=np.float16)),
            ("steps", Tensor(np.array([7, -3]), dtype=np.int32)),
            ("counts", np.arange(5, dtype=np.uint8)),
            ("mask", Tensor([True, False])),
            ("empty", np.zeros((0, 2))),
            # Names np.savez would have taken for its own arguments.
            ("file", np.ones(1)),
            ("allow_pickle", np.ones(1)),
        ]
    )
    path = tmp_path / "state.npz"
    save(state, path)
    loaded = load(path)
    assert isinstance(loaded, OrderedDict) and list(loaded) == list(state)
    for name, value in state.items():
        expected = value.data if isinstance(value, Tensor) else value
        assert isinstance(loaded[name], Tensor) and not loaded[name].requires_grad
        assert loaded[name].dtype == expected.dtype and loaded[name].shape == expected.shape
        assert np.array_equal(loaded[name].data, expected)


def test_the_file_goes_exactly_to_the_path_given_and_numpy_reads_it_without_pickle(tmp_path):
    path = tmp_path / "model.pt"
    save({"w": Tensor([1.0, 2.0])}, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]
    with np.load(path, allow_pickle=False) as archive:
        assert archive["w"].tolist() == [1.0, 2.0]
    assert load(str(path))["w"].tolist() == [1.0, 2.0]


def test_a_model_restored_from_a_file_gives_the_same_outputs(tmp_path):
    def model(seed):
        return nn.Sequential(
            nn.Linear(3, 5, generator=seed), nn.Tanh(), nn.BatchNorm1d(5), nn.Linear(5, 2, generator=seed + 1)
        )

    trained = model(0)
    trained(Tensor(np.random.default_rng(1).standard_normal((8, 3))))  # moves BatchNorm's running statistics
    save(trained.state_dict(), tmp_path / "m.npz")
    restored = model(10)
    assert restored.load_state_dict(load(tmp_path / "m.npz")) == ([], [])
    for (name, a), (_, b) in zip(trained.state_dict().items(), restored.state_dict().items()):
        assert a.dtype == b.dtype and np.array_equal(a.data, b.data), name
    x = Tensor(np.random.default_rng(2).standard_normal((4, 3)))
    trained.eval()
    restored.eval()
    assert np.array_equal(trained(x).data, restored(x).data)


def test_a_float64_model_stays_float64(tmp_path):
    model = nn.Linear(2, 2).double()
    save(model.state_dict(), tmp_path / "m.npz")
    assert {t.dtype for t in load(tmp_path / "m.npz").values()} == {float64}


# ---------------------------------------------------------------------- what save refuses


@pytest.mark.parametrize(
    "obj, message",
    [
        (nn.Linear(2, 2), r"expected a state dict .* got Linear; pass model.state_dict\(\)"),
        ([Tensor([1.0])], "expected a state dict .* got list"),
        ({1: Tensor([1.0])}, "keys must be strings, got 1"),
        ({"w": [1.0, 2.0]}, "'w' is a list, not a Tensor or a NumPy array"),
        ({"names": np.array(["a", "b"])}, "'names' has dtype <U1; only numeric arrays"),
        ({"objects": np.array([None], dtype=object)}, "'objects' has dtype object"),
    ],
)
def test_save_refuses_what_is_not_a_numeric_state_dict(tmp_path, obj, message):
    with pytest.raises(TypeError, match=message):
        save(obj, tmp_path / "x.npz")


# ---------------------------------------------------------------------- what load refuses


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "absent.npz"
    with pytest.raises(FileNotFoundError, match=re.escape(f"no such file: '{path}'")):
        load(path)


def corrupt_files(tmp_path):
    good = tmp_path / "good.npz"
    save({"w": Tensor(np.arange(40.0))}, good)
    raw = good.read_bytes()
    flipped = bytearray(raw)
    flipped[raw.index(b"NUMPY") + 200] ^= 0xFF
    files = {
        "truncated.npz": (raw[: len(raw) // 2], "corrupt or truncated"),
        "empty.npz": (b"", "corrupt or truncated"),
        "flipped.npz": (bytes(flipped), "corrupt: entry 'w' does not read"),
        "notes.txt": (b"just some text", "not a state dict saved by minigrad.save"),
    }
    for name, (content, _) in files.items():
        (tmp_path / name).write_bytes(content)
    return {tmp_path / name: message for name, (_, message) in files.items()}


def test_corrupt_files_give_a_value_error_naming_the_file_and_the_problem(tmp_path):
    for path, message in corrupt_files(tmp_path).items():
        with pytest.raises(ValueError, match=message) as error:
            load(path)
        assert str(path) in str(error.value)
        assert error.value.__cause__ is None and error.value.__suppress_context__


def test_a_foreign_zip_is_refused_by_entry(tmp_path):
    path = tmp_path / "checkpoint.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(Trap()))
    with pytest.raises(
        ValueError, match=re.escape(f"'{path}' is not a state dict") + ".*entry 'archive/data.pkl' is not an array"
    ):
        load(path)


def test_a_single_npy_array_is_not_a_state_dict(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match=r"holds a single array \(\.npy\), not a state dict"):
        load(path)


def test_a_foreign_npz_with_strings_is_refused(tmp_path):
    path = tmp_path / "labels.npz"
    np.savez(path, names=np.array(["cat", "dog"]))
    with pytest.raises(ValueError, match="entry 'names' has dtype <U3, not a number type"):
        load(path)


def test_pickled_object_arrays_are_refused_without_being_unpickled(tmp_path):
    npy, npz = tmp_path / "objects.npy", tmp_path / "objects.npz"
    np.save(npy, np.array([Trap()], dtype=object), allow_pickle=True)
    np.savez(npz, weight=np.zeros(2), payload=np.array([Trap()], dtype=object))
    with pytest.raises(
        ValueError, match=re.escape(f"'{npy}' is not a state dict saved by minigrad.save") + ".*Object arrays"
    ):
        load(npy)
    with pytest.raises(
        ValueError, match=re.escape(f"'{npz}': entry 'payload' is not a plain numeric array") + ".*Object arrays"
    ):
        load(npz)
    # The trap is armed: loading these files with pickle allowed does run it.
    np.load(npy, allow_pickle=True)
    assert UNPICKLED == [True]
    UNPICKLED.clear()


def test_a_plain_pickle_file_is_refused_without_being_unpickled(tmp_path):
    path = tmp_path / "state.pkl"
    path.write_bytes(pickle.dumps({"w": Trap()}))
    with pytest.raises(ValueError, match="not a state dict saved by minigrad.save"):
        load(path)
