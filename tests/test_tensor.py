"""Tensor basics: creation, dtypes and conversion, NumPy interop (memory sharing both ways),
repr, item/tolist, attributes, deepcopy/pickle, threads."""

import copy
import math
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, raises, randn, tgt, torch_differs

F32, F64, I64, B = tg.float32, tg.float64, tg.int64, tg.bool
NAME = tg.__name__  # "tetragrad": dtypes print as tetragrad.float64


# ---- dtypes and devices -------------------------------------------------------------------------


def test_dtype_aliases_and_repr():
    assert tg.float is tg.float32 and tg.double is tg.float64 and tg.long is tg.int64
    assert repr(tg.float32) == f"{NAME}.float32"
    assert str(tg.int64) == f"{NAME}.int64"
    assert repr(tg.bool) == f"{NAME}.bool"
    assert tg.get_default_dtype() == tg.float32
    assert len({tg.float32, tg.float64, tg.int64, tg.bool}) == 4  # hashable, distinct


def test_device():
    t = tg.zeros(2)
    assert t.device == tg.device("cpu")
    assert t.device.type == "cpu"
    assert str(t.device) == "cpu"
    assert t.cpu().device == tg.device("cpu")
    assert_close(t.to("cpu"), np.zeros(2), dtype=F32)
    assert_close(t.to(tg.device("cpu")), np.zeros(2), dtype=F32)


CONVERSIONS = [
    ("float", lambda t: t.float(), F32),
    ("double", lambda t: t.double(), F64),
    ("long", lambda t: t.long(), I64),
    ("bool", lambda t: t.bool(), B),
    ("to_f64", lambda t: t.to(tg.float64), F64),
    ("to_i64", lambda t: t.to(tg.int64), I64),
    ("to_kw", lambda t: t.to(dtype=tg.float32), F32),
]


@pytest.mark.parametrize("src", [F32, F64, I64, B], ids=str)
@pytest.mark.parametrize("name,fn,out", CONVERSIONS, ids=[c[0] for c in CONVERSIONS])
def test_dtype_conversion(name, fn, out, src):
    a = np.array([[-1.75, 0.0, 2.5], [3.0, -0.25, 1.0]])
    if src in (I64, B):
        a = a.astype(np.int64) if src == I64 else a != 0
    t = tgt(a, dtype=src)
    r = fn(t)
    ref = {
        F32: a.astype(np.float32),
        F64: a.astype(np.float64),
        I64: a.astype(np.int64),
        B: a != 0,
    }[out]
    assert_close(r, ref, dtype=out)
    assert_close(fn(t.t()), ref.T, dtype=out)  # non-contiguous source


def test_float_to_long_truncates_toward_zero():
    assert tgt(np.array([1.7, -2.7, -0.5])).long().tolist() == [1, -2, 0]


def test_conversion_to_same_dtype_keeps_values_and_is_usable():
    t = tgt(randn(3))
    assert_close(t.double(), randn(3))
    u = t.to(tg.float32)
    assert u.dtype == F32


# ---- creation -----------------------------------------------------------------------------------
TENSOR_DATA = [
    ("float_list", [[1.0, 2.0], [3.0, 4.0]], F32),
    ("int_list", [1, 2, 3], I64),
    ("mixed_list", [1, 2.5], F32),
    ("bool_list", [True, False], B),
    ("bool_int_list", [True, 2], I64),
    ("float_scalar", 3.5, F32),
    ("int_scalar", 7, I64),
    ("bool_scalar", True, B),
    ("nested_3d", [[[1.0], [2.0]], [[3.0], [4.0]]], F32),
    ("empty", [], F32),
    ("empty_2d", [[], []], F32),
    ("np_f64", np.array([1.0, 2.0]), F64),
    ("np_f32", np.array([1.0, 2.0], dtype=np.float32), F32),
    ("np_i64", np.array([[1, 2]]), I64),
    ("np_bool", np.array([True, False]), B),
    ("np_0d", np.array(2.5), F64),
    ("np_noncontig", np.arange(12.0).reshape(3, 4)[:, ::2].T, F64),
]


@pytest.mark.parametrize("name,data,dtype", TENSOR_DATA, ids=[c[0] for c in TENSOR_DATA])
def test_tensor_from_data(name, data, dtype):
    t = tg.tensor(data)
    assert_close(t, np.asarray(data), dtype=dtype)


def test_tensor_dtype_override_and_requires_grad():
    t = tg.tensor([1, 2], dtype=tg.float64, requires_grad=True)
    assert t.dtype == F64 and t.requires_grad and t.is_leaf and t.grad is None
    assert_close(tg.tensor([1.9, -1.9], dtype=tg.int64), np.array([1, -1]), dtype=I64)
    assert_close(tg.tensor(np.array([1.0, 0.0]), dtype=tg.bool), np.array([True, False]), dtype=B)


def test_tensor_from_numpy_copies():
    a = np.array([1.0, 2.0])
    t = tg.tensor(a)
    a[0] = 100.0
    assert t[0].item() == 1.0
    t2 = tg.tensor(t)  # from a tensor (PyTorch warns but copies)
    t2.fill_(0.0)
    assert t[1].item() == 2.0


CREATORS = [
    ("zeros", lambda: tg.zeros(2, 3), np.zeros((2, 3)), F32),
    ("zeros_tuple", lambda: tg.zeros((2, 3)), np.zeros((2, 3)), F32),
    ("zeros_list_dtype", lambda: tg.zeros([4], dtype=tg.int64), np.zeros(4), I64),
    ("zeros_0d", lambda: tg.zeros(()), np.zeros(()), F32),
    ("zeros_empty", lambda: tg.zeros(0, 3), np.zeros((0, 3)), F32),
    ("ones", lambda: tg.ones(3), np.ones(3), F32),
    ("ones_f64", lambda: tg.ones(2, 2, dtype=tg.float64), np.ones((2, 2)), F64),
    ("ones_bool", lambda: tg.ones(2, dtype=tg.bool), np.ones(2, dtype=bool), B),
    ("full", lambda: tg.full((2, 2), 1.5), np.full((2, 2), 1.5), F32),
    ("full_int", lambda: tg.full((3,), 7), np.full(3, 7), I64),
    ("full_bool", lambda: tg.full((2,), True), np.full(2, True), B),
    ("full_dtype", lambda: tg.full((2,), 3, dtype=tg.float64), np.full(2, 3.0), F64),
    ("arange", lambda: tg.arange(5), np.arange(5), I64),
    ("arange_start", lambda: tg.arange(1, 5), np.arange(1, 5), I64),
    ("arange_neg_step", lambda: tg.arange(5, 1, -2), np.arange(5, 1, -2), I64),
    ("arange_float", lambda: tg.arange(0, 1, 0.25), np.arange(0, 1, 0.25), F32),
    ("arange_float_end", lambda: tg.arange(3.0), np.arange(3.0), F32),
    ("arange_dtype", lambda: tg.arange(4, dtype=tg.float64), np.arange(4.0), F64),
    ("arange_empty", lambda: tg.arange(0), np.arange(0), I64),
    ("linspace", lambda: tg.linspace(0, 1, 5), np.linspace(0, 1, 5), F32),
    ("linspace_neg", lambda: tg.linspace(2, -2, 3), np.linspace(2, -2, 3), F32),
    ("linspace_1", lambda: tg.linspace(3, 7, 1), np.array([3.0]), F32),
    ("eye", lambda: tg.eye(3), np.eye(3), F32),
    ("eye_rect", lambda: tg.eye(2, 3), np.eye(2, 3), F32),
    ("eye_dtype", lambda: tg.eye(2, dtype=tg.float64), np.eye(2), F64),
]


@pytest.mark.parametrize("name,fn,ref,dtype", CREATORS, ids=[c[0] for c in CREATORS])
def test_creation(name, fn, ref, dtype):
    assert_close(fn(), ref, dtype=dtype)


def test_creation_requires_grad_and_empty():
    z = tg.zeros(2, 2, requires_grad=True)
    assert z.requires_grad and z.is_leaf
    o = tg.ones(3, dtype=tg.float64, requires_grad=True)
    assert o.requires_grad
    e = tg.empty(2, 3)
    assert tuple(e.shape) == (2, 3) and e.dtype == F32
    assert tg.empty((4,), dtype=tg.int64).dtype == I64


LIKES = [
    ("zeros_like", lambda t: tg.zeros_like(t), lambda a: np.zeros_like(a)),
    ("ones_like", lambda t: tg.ones_like(t), lambda a: np.ones_like(a)),
    ("full_like", lambda t: tg.full_like(t, 2), lambda a: np.full_like(a, 2)),
    ("empty_like", lambda t: tg.empty_like(t).zero_(), lambda a: np.zeros_like(a)),
]


@pytest.mark.parametrize("src", [F32, F64, I64], ids=str)
@pytest.mark.parametrize("name,fn,ref", LIKES, ids=[c[0] for c in LIKES])
def test_like(name, fn, ref, src):
    a = np.arange(6).reshape(2, 3)
    t = tgt(a, dtype=src)
    assert_close(fn(t), ref(a), dtype=src)
    assert_close(fn(t.t()), ref(a.T), dtype=src)
    assert_close(tg.zeros_like(t, dtype=tg.float64), np.zeros((2, 3)), dtype=F64)


def test_random_creation():
    tg.manual_seed(0)
    r = tg.rand(1000)
    a = r.numpy()
    assert r.dtype == F32 and tuple(r.shape) == (1000,)
    assert a.min() >= 0.0 and a.max() < 1.0 and 0.4 < a.mean() < 0.6
    n = tg.randn(50, 40).numpy()
    assert n.shape == (50, 40) and abs(n.mean()) < 0.1 and 0.9 < n.std() < 1.1
    i = tg.randint(-3, 4, (200,))
    assert i.dtype == I64 and i.numpy().min() >= -3 and i.numpy().max() <= 3
    assert set(i.tolist()) == set(range(-3, 4))
    assert tg.rand(2, 3, dtype=tg.float64).dtype == F64
    assert tuple(tg.randn((2, 3)).shape) == (2, 3)
    x = tgt(np.zeros((3, 2), dtype=np.float64))
    assert tg.rand_like(x).dtype == F64 and tuple(tg.randn_like(x).shape) == (3, 2)


def test_manual_seed_reproducible():
    tg.manual_seed(1234)
    a, b = tg.rand(5).tolist(), tg.randn(3, 3).tolist()
    tg.manual_seed(1234)
    assert tg.rand(5).tolist() == a and tg.randn(3, 3).tolist() == b
    c = tg.rand(5).tolist()
    assert c != a
    tg.manual_seed(1235)
    assert tg.rand(5).tolist() != a


# ---- attributes ---------------------------------------------------------------------------------


def test_shape_size_attributes():
    t = tgt(np.zeros((2, 3, 4)))
    assert isinstance(t.shape, tuple) and isinstance(t.shape, tg.Size)
    assert t.shape == (2, 3, 4) and t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.shape[0] == 2 and list(t.shape) == [2, 3, 4]
    assert t.ndim == 3 and t.dim() == 3 and t.numel() == 24
    assert tgt(np.array(1.0)).shape == () and tgt(np.array(1.0)).numel() == 1
    assert tgt(np.zeros((0, 5))).numel() == 0
    assert repr(tg.Size([2, 3])) in ("tetragrad.Size([2, 3])", "torch.Size([2, 3])")


@pytest.mark.parametrize("dtype,size", [(F32, 4), (F64, 8), (I64, 8), (B, 1)], ids=str)
def test_element_size(dtype, size):
    assert tg.zeros(2, dtype=dtype).element_size() == size


# ---- numpy interop --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "npdt", [np.float32, np.float64, np.int64, np.bool_], ids=lambda d: d.__name__
)
def test_from_numpy_shares_memory_both_ways(npdt):
    a = (np.arange(6).reshape(2, 3) % 2).astype(npdt)
    t = tg.from_numpy(a)
    assert t.dtype == {np.float32: F32, np.float64: F64, np.int64: I64, np.bool_: B}[npdt]
    assert t.data_ptr() == a.ctypes.data
    a[0, 0] = 1
    assert t[0, 0].item() == 1
    t[1, 2] = 0  # writes through to the array
    assert a[1, 2] == 0
    if npdt is not np.bool_:
        t.add_(1)
        np.testing.assert_array_equal(a, np.array([[2, 2, 1], [2, 1, 1]], dtype=npdt))


def test_from_numpy_strided_and_lifetime():
    base = np.arange(12.0).reshape(3, 4)
    t = tg.from_numpy(base[:, ::2])  # non-contiguous NumPy view: still shared
    assert_close(t, base[:, ::2])
    base[0, 2] = -1.0
    assert t[0, 1].item() == -1.0
    u = tg.from_numpy(base.T)
    assert_close(u, base.T)
    del base
    assert_close(
        t, np.array([[0.0, -1.0], [4.0, 6.0], [8.0, 10.0]])
    )  # array kept alive by the tensor


def test_numpy_shares_memory_both_ways():
    t = tgt(np.zeros((2, 3), dtype=np.float32))
    a = t.numpy()
    assert a.dtype == np.float32 and a.shape == (2, 3)
    a[0, 1] = 5.0
    assert t[0, 1].item() == 5.0
    t.add_(1.0)
    assert a[1, 2] == 1.0
    v = t.t().numpy()  # non-contiguous view -> strided array on the same memory
    assert v.shape == (3, 2) and v[1, 0] == 6.0
    v[2, 1] = -3.0
    assert t[1, 2].item() == -3.0


def test_asarray_and_array_protocol():
    t = tgt(np.arange(6.0).reshape(2, 3))
    a = np.asarray(t)
    np.testing.assert_array_equal(a, np.arange(6.0).reshape(2, 3))
    a[0, 0] = 9.0
    assert t[0, 0].item() == 9.0  # np.asarray does not copy
    assert np.array(tgt(np.array([1, 2]))).dtype == np.int64
    assert np.asarray(tgt(np.array([True]))).dtype == np.bool_
    assert float(np.asarray(t).sum()) == float(t.sum().item())


def test_numpy_of_requires_grad_raises():
    x = tgt(np.ones(2), requires_grad=True)
    with pytest.raises(RuntimeError):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "npdt", [np.float32, np.float64, np.int64, np.bool_], ids=lambda d: d.__name__
)
def test_numpy_roundtrip_dtypes(npdt):
    a = (randn(3, 2) * 3).astype(npdt)
    np.testing.assert_array_equal(tgt(a).numpy(), a)
    assert tgt(a).numpy().dtype == npdt


# ---- repr -----------------------------------------------------------------------------------------
REPRS = [
    (
        "matrix_grad",
        lambda: tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True),
        "tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)",
    ),
    ("ints", lambda: tg.tensor([1, 2, 3]), "tensor([1, 2, 3])"),
    (
        "int_matrix",
        lambda: tg.zeros(2, 3, dtype=tg.int64),
        "tensor([[0, 0, 0],\n        [0, 0, 0]])",
    ),
    ("scalar", lambda: tg.tensor(3.5), "tensor(3.5000)"),
    ("int_scalar", lambda: tg.tensor(2), "tensor(2)"),
    (
        "float64",
        lambda: tg.tensor([1.5, 2.25], dtype=tg.float64),
        f"tensor([1.5000, 2.2500], dtype={NAME}.float64)",
    ),
    ("bools", lambda: tg.tensor([True, False]), "tensor([ True, False])"),
    ("empty", lambda: tg.zeros(0), "tensor([])"),
    ("signs", lambda: tg.tensor([-1.5, 0.0, 3.25]), "tensor([-1.5000,  0.0000,  3.2500])"),
    (
        "grad_fn",
        lambda: tg.tensor([1.0, 2.0], requires_grad=True) * 2,
        "tensor([2., 4.], grad_fn=<MulBackward0>)",
    ),
    (
        "f64_sum",
        lambda: tg.tensor([1, 2], dtype=tg.float64).sum(),
        f"tensor(3., dtype={NAME}.float64)",
    ),
]


@pytest.mark.parametrize("name,fn,expected", REPRS, ids=[c[0] for c in REPRS])
def test_repr(name, fn, expected):
    assert repr(fn()) == expected


def test_repr_never_fails():
    for t in [
        tg.zeros(2, 0),
        tgt(np.array([np.nan, np.inf, -np.inf])),
        tg.zeros(100, 100),
        tgt(np.array([1e-8, 1e8])),
        tg.ones(2, 3).t(),
    ]:
        assert repr(t).startswith("tensor(") and str(t).startswith("tensor(")


# ---- item / tolist --------------------------------------------------------------------------------


def test_item():
    assert tgt(np.array(2.5)).item() == 2.5 and isinstance(tgt(np.array(2.5)).item(), float)
    assert tgt(np.array([[3]])).item() == 3 and isinstance(tgt(np.array([[3]])).item(), int)
    assert tgt(np.array([True])).item() is True
    assert tgt(np.array([0.1], dtype=np.float32)).item() == float(np.float32(0.1))
    assert tgt(np.arange(6.0).reshape(2, 3)).t()[2, 1].item() == 5.0
    assert math.isnan(tgt(np.array(np.nan)).item())
    assert tgt(np.array(2**53 + 1)).item() == 2**53 + 1  # int64 without a trip through double
    with raises(ValueError, RuntimeError, match="2 elements cannot be converted"):
        tgt(np.array([1.0, 2.0])).item()
    with raises(ValueError, RuntimeError, match="0 elements cannot be converted"):
        tgt(np.zeros(0)).item()


def test_python_number_conversions():
    assert float(tgt(np.array([1.5]))) == 1.5
    assert int(tgt(np.array(7))) == 7
    assert bool(tgt(np.array(True))) is True
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(tgt(np.array([1.0, 2.0])))


def test_tolist():
    assert tgt(np.array([[1, 2], [3, 4]])).tolist() == [[1, 2], [3, 4]]
    assert tgt(np.array([[1.5, 2.0]])).tolist() == [[1.5, 2.0]]
    assert tgt(np.array(5.0)).tolist() == 5.0
    assert tgt(np.array([True, False])).tolist() == [True, False]
    assert tgt(np.arange(6).reshape(2, 3)).t().tolist() == [[0, 3], [1, 4], [2, 5]]
    assert tgt(np.zeros((2, 0))).tolist() == [[], []]
    assert all(type(v) is int for v in tgt(np.array([1, 2])).tolist())


# ---- copy / pickle --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [F32, F64, I64, B], ids=str)
def test_deepcopy(dtype):
    a = (np.arange(6).reshape(2, 3) % 3).astype(
        {F32: np.float32, F64: np.float64, I64: np.int64, B: np.bool_}[dtype]
    )
    t = tgt(a)
    c = copy.deepcopy(t)
    assert c.dtype == dtype and c.data_ptr() != t.data_ptr()
    assert_close(c, a)
    c.zero_()
    assert_close(t, a)


def test_deepcopy_requires_grad_and_view():
    x = tgt(randn(2, 3), requires_grad=True)
    c = copy.deepcopy(x)
    assert c.requires_grad and c.is_leaf and c.grad is None
    assert_close(c, randn(2, 3))
    v = copy.deepcopy(tgt(randn(2, 3)).t())
    assert_close(v, randn(2, 3).T)
    shallow = copy.copy(tgt(randn(2)))
    assert_close(shallow, randn(2))


@pytest.mark.parametrize("dtype", [F32, F64, I64, B], ids=str)
def test_pickle(dtype):
    a = (np.arange(6).reshape(3, 2) % 3).astype(
        {F32: np.float32, F64: np.float64, I64: np.int64, B: np.bool_}[dtype]
    )
    t = pickle.loads(pickle.dumps(tgt(a)))
    assert t.dtype == dtype
    assert_close(t, a)
    t2 = pickle.loads(pickle.dumps(tgt(a).t()))  # a non-contiguous view pickles its values
    assert_close(t2, a.T)
    t3 = pickle.loads(pickle.dumps(tgt(np.zeros((0, 4)))))
    assert tuple(t3.shape) == (0, 4)


def test_pickle_requires_grad():
    x = tgt(np.array([1.0, 2.0]), requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.requires_grad and y.is_leaf
    (y * y).sum().backward()
    assert_close(y.grad, np.array([2.0, 4.0]))
    assert pickle.loads(pickle.dumps(tgt(np.array(3.0)))).item() == 3.0


# ---- threads --------------------------------------------------------------------------------------


def test_set_get_num_threads():
    old = tg.get_num_threads()
    assert old >= 1
    try:
        tg.set_num_threads(1)
        assert tg.get_num_threads() == 1
        a, b = randn(40, 30, seed=1), randn(30, 20, seed=2)
        assert_close(tgt(a) @ tgt(b), a @ b)
        tg.set_num_threads(2)
        assert tg.get_num_threads() == 2
        assert_close(tgt(a) @ tgt(b), a @ b)
    finally:
        tg.set_num_threads(old)


def test_ops_from_python_threads():
    """Independent graphs built and differentiated concurrently from several Python threads."""

    def work(seed):
        a = randn(16, 8, seed=seed)
        x = tgt(a, requires_grad=True)
        y = (x @ x.t()).tanh().sum() + x.exp().mean()
        y.backward()
        g = 1 - np.tanh(a @ a.T) ** 2
        ref = (g + g.T) @ a + np.exp(a) / a.size
        np.testing.assert_allclose(x.grad.numpy(), ref, rtol=1e-9, atol=1e-9)
        return float(y.item())

    with ThreadPoolExecutor(max_workers=4) as ex:
        results = list(ex.map(work, range(16)))
    assert len(results) == 16


def test_no_grad_is_thread_local():
    seen = {}

    def other():
        seen["enabled"] = tg.is_grad_enabled()

    with tg.no_grad():
        th = threading.Thread(target=other)
        th.start()
        th.join()
    assert seen["enabled"] is True  # grad mode is per thread, as in PyTorch


@torch_differs(
    "Tensor.__init__ takes no data (object.__init__), and deepcopy of a plain subclass raises "
    "RuntimeError unless it implements new_empty"
)
def test_python_subclass_keeps_type_and_attributes_through_deepcopy():
    import copy

    class Param(tg.Tensor):
        def __init__(self, data, requires_grad=True):
            super().__init__(data)
            self.requires_grad_(requires_grad)

    p = Param(tg.randn(2, 3))
    p.tag = "weight"
    q = copy.deepcopy(p)
    assert type(q) is Param and q.tag == "weight" and q.requires_grad
    assert q.data_ptr() != p.data_ptr()
    assert (q.detach().numpy() == p.detach().numpy()).all()
    assert (p * 2).grad_fn is not None  # ops on the subclass record history
