"""Zero-copy exchange: DLPack both ways (with NumPy, with torch where installed, and with
itself) for every dtype and strided views, and the buffer protocol."""

from __future__ import annotations

import gc

import numpy as np
import pytest
import tetragrad as tg
from conftest import NP_DTYPE, raises, tetragrad_only

NUMPY_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("name", NUMPY_DTYPES)
def test_dlpack_numpy_both_ways_share_memory(name):
    a = (np.arange(12) % 5).astype(NP_DTYPE[name]).reshape(3, 4)
    t = tg.from_dlpack(a)
    assert t.dtype == getattr(tg, name) and tuple(t.shape) == (3, 4)
    np.testing.assert_array_equal(t.numpy(), a)
    a[0, 0] = 1
    assert t[0, 0].item() == 1  # shared
    back = np.from_dlpack(t)
    assert back.dtype == a.dtype and np.shares_memory(back, a)


def test_dlpack_strided_views_and_lifetime():
    base = tg.arange(24.0).reshape(4, 6)
    view = base[1:, ::2]
    a = np.from_dlpack(view)
    np.testing.assert_array_equal(a, np.arange(24.0).reshape(4, 6)[1:, ::2])
    del base, view
    gc.collect()
    assert a.sum() == np.arange(24.0).reshape(4, 6)[1:, ::2].sum()  # the export keeps storage alive
    t = tg.from_dlpack(np.arange(10.0)[::3])
    assert t.stride() == (3,) and t.tolist() == [0.0, 3.0, 6.0, 9.0]
    assert tg.from_dlpack(tg.ones(0, 3)).shape == (0, 3)
    assert tg.from_dlpack(tg.tensor(2.5)).item() == 2.5


def test_dlpack_torch_round_trip():
    torch = pytest.importorskip("torch")
    for dtype in ("bfloat16", "float16", "int32", "uint8", "float32"):
        src = tg.arange(6.0).to(getattr(tg, dtype)).reshape(2, 3).T
        tt = torch.from_dlpack(src)
        assert str(tt.dtype) == "torch." + dtype and tt.stride() == src.stride()
        tt[0, 0] = 5
        assert src[0, 0].item() == 5
        back = tg.from_dlpack(tt)
        assert back.dtype == src.dtype and back.tolist() == src.tolist()


@tetragrad_only("torch's own dlpack errors differ in wording")
def test_dlpack_errors():
    with raises(RuntimeError, match="requires grad"):
        tg.ones(2, requires_grad=True).__dlpack__()
    with raises(TypeError, match="__dlpack__"):
        tg.from_dlpack([1, 2])
    cap = tg.ones(2).__dlpack__()
    tg.from_dlpack(cap)
    with raises(ValueError, match="consumed"):
        tg.from_dlpack(cap)
    assert tg.ones(2).__dlpack_device__() == (1, 0)


@pytest.mark.parametrize("name", NUMPY_DTYPES)
@tetragrad_only("torch tensors do not implement the buffer protocol")
def test_buffer_protocol(name):
    t = (tg.arange(6) % 3).to(getattr(tg, name)).reshape(2, 3)
    m = memoryview(t)
    assert m.shape == (2, 3) and m.itemsize == t.element_size()
    a = np.asarray(m)
    np.testing.assert_array_equal(a, t.numpy())
    a[0, 0] = 1
    assert t[0, 0].item() == 1
    assert memoryview(t.T).strides == tuple(s * t.element_size() for s in t.T.stride())


@tetragrad_only("torch tensors do not implement the buffer protocol")
def test_buffer_protocol_refuses():
    with pytest.raises(BufferError):
        memoryview(tg.ones(2, dtype=tg.bfloat16))
    with pytest.raises(BufferError):
        memoryview(tg.ones(2, requires_grad=True))
    ro = tg.from_numpy(np.ones(3)[np.newaxis].repeat(2, 0).copy())
    assert not memoryview(ro).readonly


@tetragrad_only("torch tensors do not implement the buffer protocol")
def test_exports_own_the_memory_when_the_tensor_moves_on():
    # t.data = ... gives t new storage: a memoryview, an array through it and a DLPack export
    # made before keep the old one alive (no use after free)
    t = tg.zeros(100_000)
    view, arr, dl = memoryview(t), np.asarray(memoryview(t)), np.from_dlpack(t)
    t.data = tg.ones(1)
    gc.collect()
    arr[:] = 2
    assert view[0] == 2 and dl.sum() == 2 * 100_000


@tetragrad_only("torch exports read-only NumPy memory as writable")
def test_dlpack_of_read_only_memory():
    with pytest.warns(UserWarning, match="not writable"):
        ro = tg.from_numpy(np.frombuffer(b"\0" * 16, np.float32))
    with pytest.raises(BufferError):
        np.from_dlpack(ro)
    got = np.from_dlpack(ro, copy=True)  # a copy is fine
    assert not np.shares_memory(got, ro.numpy()) and got.tolist() == [0.0] * 4
    assert memoryview(ro).readonly
