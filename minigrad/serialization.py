"""``save`` and ``load`` a state dict as a NumPy ``.npz`` archive, never with pickle.

Loading a pickle can run any code its author chose, so ``load`` refuses anything but plain numeric
arrays: a state dict saved here reads back with ``np.load(path, allow_pickle=False)`` too.
"""

import os
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from minigrad.tensor import Tensor

# bool, signed and unsigned integers, floats: what a Tensor holds.
_NUMERIC_KINDS = "biuf"


def save(obj, path):
    """Write a state dict (a mapping from names to Tensors or arrays) to ``path``, exactly there."""
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"save: expected a state dict (a mapping from names to Tensors), got {type(obj).__name__}; "
            "pass model.state_dict() to save a model"
        )
    arrays = {}
    for name, value in obj.items():
        if not isinstance(name, str):
            raise TypeError(f"save: state dict keys must be strings, got {name!r}")
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"save: {name!r} is a {type(value).__name__}, not a Tensor or a NumPy array")
        array = value.data if isinstance(value, Tensor) else value
        if array.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"save: {name!r} has dtype {array.dtype}; only numeric arrays are saved")
        arrays[name] = array
    # The archive np.savez writes, but by hand: np.savez would take a key named "file" or
    # "allow_pickle" for its own argument, and would add ".npz" to a path not ending in it.
    with zipfile.ZipFile(path, "w", allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def load(path):
    """Read a state dict written by ``save`` as an OrderedDict of name -> Tensor, dtypes kept."""
    try:
        # Our own handle, closed here: np.load leaks the one it opens when a zip archive is corrupt.
        with open(path, "rb") as file:
            return _read_state(file, f"load: {os.fspath(path)!r}")
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no such file: {os.fspath(path)!r}") from None


# The contents are checked with isinstance, but a file of the wrong kind is a bad value (ValueError),
# whatever Python type NumPy reads it as.
def _read_state(file, where):
    try:
        archive = np.load(file, allow_pickle=False)
    except ValueError as error:
        # np.load says "pickled data" for any file that is neither .npy nor .npz.
        raise ValueError(f"{where} is not a state dict saved by minigrad.save ({error})") from None
    except (EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{where} is corrupt or truncated ({error})") from None
    if isinstance(archive, np.ndarray):
        raise ValueError(f"{where} holds a single array (.npy), not a state dict saved by minigrad.save")  # noqa: TRY004
    with archive:
        return OrderedDict((name, _read_entry(archive, name, where)) for name in archive.files)


def _read_entry(archive, name, where):
    try:
        array = archive[name]
    except ValueError as error:
        raise ValueError(f"{where}: entry {name!r} is not a plain numeric array ({error})") from None
    except (EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"{where} is corrupt: entry {name!r} does not read ({error})") from None
    if not isinstance(array, np.ndarray):
        raise ValueError(  # noqa: TRY004
            f"{where} is not a state dict saved by minigrad.save: entry {name!r} is not an array"
        )
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise ValueError(f"{where}: entry {name!r} has dtype {array.dtype}, not a number type")
    return Tensor(array, dtype=array.dtype)
