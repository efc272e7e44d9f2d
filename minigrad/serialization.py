"""``save`` and ``load`` a state dict as a NumPy ``.npz`` archive, never with pickle.

Loading a pickle can run any code its author chose, so ``load`` refuses anything but plain numeric
arrays: a state dict saved here reads back with ``np.load(path, allow_pickle=False)`` too.

``save`` is atomic: it writes a temporary file beside the target and renames it over the target
only once the data is on disk, so a crash or a full disk leaves the old checkpoint or the new one,
whole. ``load`` reads every array's declared size before it allocates any.
"""

import math
import os
import tempfile
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from minigrad.tensor import Tensor

# bool, signed and unsigned integers, floats: what a Tensor holds.
_NUMERIC_KINDS = "biuf"


def save(obj, path):
    """Write a state dict (a mapping from names to Tensors or arrays) to ``path``, exactly there,
    atomically: until the new file is complete and flushed to disk, ``path`` keeps what it held."""
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"save: expected a state dict (a mapping from names to Tensors), got {type(obj).__name__}; "
            "pass model.state_dict() to save a model"
        )
    arrays = {}
    for name, value in obj.items():
        if not isinstance(name, str):
            raise TypeError(f"save: state dict keys must be strings, got {name!r}")
        if len((name + ".npy").encode("utf-8", "surrogatepass")) > 0xFFFF:
            raise ValueError(f"save: the key {name[:40]!r}... is {len(name)} characters long; a zip entry name holds at most 65531 bytes")
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"save: {name!r} is a {type(value).__name__}, not a Tensor or a NumPy array")
        array = value.data if isinstance(value, Tensor) else value
        if array.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"save: {name!r} has dtype {array.dtype}; only numeric arrays are saved")
        arrays[name] = array
    path = os.fspath(path)
    handle, temporary = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(handle, "wb") as file:
            # The archive np.savez writes, but by hand: np.savez would take a key named "file" or
            # "allow_pickle" for its own argument, and would add ".npz" to a path not ending in it.
            with zipfile.ZipFile(file, "w", allowZip64=True) as archive:
                for name, array in arrays.items():
                    with archive.open(name + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; a checkpoint is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def load(path, max_bytes=None):
    """Read a state dict written by ``save`` as an OrderedDict of name -> Tensor, dtypes kept.

    Before allocating anything, ``load`` adds up the sizes the arrays' headers declare and refuses a
    file that declares more than ``max_bytes``: by default the size of the file itself, which is all
    ``save`` ever needs (it stores arrays uncompressed), so a small file cannot make ``load`` take
    gigabytes. Pass a larger ``max_bytes`` for a compressed archive (``np.savez_compressed``).
    """
    try:
        # Our own handle, closed here: np.load leaks the one it opens when a zip archive is corrupt.
        with open(path, "rb") as file:
            limit = os.fstat(file.fileno()).st_size if max_bytes is None else max_bytes
            return _read_state(file, f"load: {os.fspath(path)!r}", limit)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no such file: {os.fspath(path)!r}") from None


# The contents are checked with isinstance, but a file of the wrong kind is a bad value (ValueError),
# whatever Python type NumPy reads it as.
def _read_state(file, where, max_bytes):
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
        declared = sum(_declared_bytes(archive.zip, info, where) for info in archive.zip.infolist())
        if declared > max_bytes:
            raise ValueError(
                f"{where} declares arrays of {declared} bytes in all, more than the {max_bytes} bytes allowed "
                "(by default the file's own size; pass max_bytes=... to load a compressed archive)"
            )
        return OrderedDict((name, _read_entry(archive, name, where)) for name in archive.files)


def _declared_bytes(archive, info, where):
    """The size the header of the .npy entry ``info`` declares for its array, read without the array."""
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    try:
        with archive.open(info) as member:
            try:
                reader = readers.get(np.lib.format.read_magic(member))
            except ValueError:
                reader = None
            if reader is None:
                return 0  # not an array of a version save writes: _read_entry says what it is
            shape, _, dtype = reader(member)
    except (ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        name = info.filename.removesuffix(".npy")
        raise ValueError(f"{where} is corrupt: entry {name!r} does not read ({error})") from None
    return math.prod(shape) * dtype.itemsize


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
    return Tensor._wrap(array)  # freshly read: no copy needed, so loading takes the memory once
