"""Checkpoints are never lost (issue 10): ``save`` is atomic under kill -9 and write errors, and
``load`` refuses a file whose arrays declare more than it allows before allocating any."""

import errno
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from minigrad import Tensor, load, save
from minigrad import serialization

ROOT = Path(__file__).resolve().parents[1]
SHAPES = {"a": (1000, 10_000), "b": (3000, 1000), "c": (4000, 2500)}  # 92 MB in float32


def state(fill):
    return {name: Tensor(np.full(shape, fill, np.float32)) for name, shape in SHAPES.items()}


def assert_whole(path, fills):
    """``path`` holds one complete checkpoint, made with one of ``fills``."""
    loaded = load(path)
    assert list(loaded) == list(SHAPES)
    fill = loaded["a"].data.flat[0]
    assert fill in fills
    for name, shape in SHAPES.items():
        assert loaded[name].shape == shape and np.all(loaded[name].data == fill), name


SAVER = """
import sys
import numpy as np
from minigrad import Tensor, save
shapes = {shapes!r}
fill = 1.0
while True:  # saves again and again until killed
    save({{name: Tensor(np.full(shape, fill, np.float32)) for name, shape in shapes.items()}}, sys.argv[1])
    fill += 1
"""


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.7, 0.99])
def test_killing_a_save_leaves_the_old_or_the_new_checkpoint_whole(tmp_path, fraction):
    path = tmp_path / "model.npz"
    save(state(0.0), path)
    full = path.stat().st_size
    child = subprocess.Popen([sys.executable, "-c", SAVER.format(shapes=SHAPES), str(path)], cwd=ROOT)
    try:
        # Wait (by watching the files, not the clock) until a save is the given fraction of the way
        # through: a file in the folder, the temporary one or the target itself, holds that much of it.
        written = -1
        while written <= fraction * full:
            assert child.poll() is None, "the saving child died by itself"
            sizes = []
            for p in tmp_path.iterdir():
                try:
                    sizes.append(p.stat().st_size)
                except FileNotFoundError:  # renamed away meanwhile
                    pass
            written = max((size for size in sizes if size < full), default=-1)
            time.sleep(0.001)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert_whole(path, fills=set(np.arange(0.0, 1000.0)))
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".~")] == ["model.npz"]


def test_a_write_error_leaves_the_old_checkpoint_whole_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save(state(0.0), path)
    real_write = np.lib.format.write_array
    calls = []

    def write_then_fail(member, array, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            member.write(b"x" * 1000)
            raise OSError(errno.EFBIG, "File too large")
        return real_write(member, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_fail)
    with pytest.raises(OSError, match="File too large"):
        save(state(1.0), path)
    monkeypatch.undo()
    assert_whole(path, fills={0.0})
    assert os.listdir(tmp_path) == ["model.npz"]


def test_a_failing_fsync_leaves_the_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save({"w": Tensor([1.0, 2.0])}, path)

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(serialization.os, "fsync", no_space)
    with pytest.raises(OSError, match="No space left"):
        save({"w": Tensor([3.0, 4.0])}, path)
    monkeypatch.undo()
    assert load(path)["w"].tolist() == [1.0, 2.0]
    assert os.listdir(tmp_path) == ["model.npz"]


def test_a_key_too_long_for_a_zip_entry_is_refused_before_the_old_file_is_touched(tmp_path):
    path = tmp_path / "model.npz"
    save({"w": Tensor([1.0])}, path)
    with pytest.raises(ValueError, match="save: the key 'kkkk.*is 70000 characters long"):
        save({"w": Tensor([2.0]), "k" * 70_000: Tensor([3.0])}, path)
    assert load(path)["w"].tolist() == [1.0]
    assert os.listdir(tmp_path) == ["model.npz"]


def test_a_saved_file_has_ordinary_permissions(tmp_path):
    save({"w": Tensor([1.0])}, tmp_path / "model.npz")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "model.npz").stat().st_mode & 0o777 == 0o666 & ~mask


# ---------------------------------------------------------------------- load's limit


def _npy_header(shape, dtype="<f4"):
    """The magic string and header of a .npy file declaring an array of ``shape``, without its data."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def test_a_small_file_declaring_a_huge_array_is_refused_before_anything_is_allocated(tmp_path, monkeypatch):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("w.npy", "w", force_zip64=True) as member:
            member.write(_npy_header((2**28,)))
            zeros = bytes(2**24)
            for _ in range(64):  # 1 GiB of zeros, about 1 MiB compressed
                member.write(zeros)
    assert path.stat().st_size < 2**21

    def must_not_read(*args, **kwargs):
        raise AssertionError("load read an array it should have refused")

    monkeypatch.setattr(np.lib.format, "read_array", must_not_read)
    with pytest.raises(ValueError, match=r"declares arrays of 1073741824 bytes in all, more than the \d+ bytes allowed"):
        load(path)


def test_a_header_declaring_more_than_the_member_holds_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "liar.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("w.npy", _npy_header((1000, 1000, 100)) + b"\0" * 64)
    monkeypatch.setattr(np.lib.format, "read_array", lambda *a, **k: pytest.fail("read an array"))
    with pytest.raises(ValueError, match="declares arrays of 400000000 bytes"):
        load(path)


def test_a_compressed_archive_loads_with_a_stated_larger_limit(tmp_path):
    path = tmp_path / "compressed.npz"
    np.savez_compressed(path, w=np.zeros((1000, 1000), np.float32))
    with pytest.raises(ValueError, match="pass max_bytes=... to load a compressed archive"):
        load(path)
    assert load(path, max_bytes=4_000_000)["w"].shape == (1000, 1000)
    with pytest.raises(ValueError, match="more than the 3999999 bytes allowed"):
        load(path, max_bytes=3_999_999)


def test_what_save_writes_always_fits_the_default_limit(tmp_path):
    for entries in [{}, {"empty": Tensor(np.zeros((0, 3)))}, {"x": Tensor(1.0), "y": Tensor(np.ones(7, np.int64))}]:
        save(entries, tmp_path / "m.npz")
        assert list(load(tmp_path / "m.npz")) == list(entries)
