"""The storage dtypes (int32, int16, int8, uint8, float16, bfloat16) next to bool, int64, float32
and float64: torch's promotion table, conversions bit for bit against NumPy (bfloat16 against a
nearest-value reference), arithmetic, reductions and matmul in the wide dtype rounded once,
autograd through half types, NumPy interop and the conversion surface."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import tetragrad as tg
from conftest import NP_DTYPE, TORCH_BACKEND, raises, tetragrad_only

ALL = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
]
SMALL_INTS = ["uint8", "int8", "int16", "int32"]
HALVES = ["float16", "bfloat16"]
STORAGE = SMALL_INTS + HALVES


def dt(name):
    return getattr(tg, name)


# ---- promotion ------------------------------------------------------------------------------------
def promote_ref(a: str, b: str) -> str:
    """torch.promote_types from its rules: bool < integers < floats; uint8 with a signed integer is
    the signed one widened to at least 16 bits; float16 with bfloat16 is float32."""
    if a == b:
        return a
    if "bool" in (a, b):
        return b if a == "bool" else a
    fa, fb = a.startswith(("float", "bfloat")), b.startswith(("float", "bfloat"))
    if fa != fb:
        return a if fa else b
    bits = {n: int("".join(c for c in n if c.isdigit())) for n in (a, b)}
    if fa:
        if {a, b} == {"float16", "bfloat16"}:
            return "float32"
        return a if bits[a] >= bits[b] else b
    if "uint8" in (a, b):
        other = b if a == "uint8" else a
        return "int16" if other == "int8" else other
    return a if bits[a] >= bits[b] else b


@pytest.mark.parametrize("a,b", list(itertools.product(ALL, ALL)))
def test_promote_types_table(a, b):
    assert tg.promote_types(dt(a), dt(b)) == dt(promote_ref(a, b))
    x, y = tg.ones(2, dtype=dt(a)), tg.ones(2, dtype=dt(b))
    assert (x + y).dtype == dt(promote_ref(a, b)) or promote_ref(a, b) == "bool"
    assert tg.result_type(x, y) == dt(promote_ref(a, b))


@pytest.mark.parametrize(
    "tensor_dt,other,expect",
    [
        ("uint8", 5, "uint8"),  # a Python int keeps the tensor's integer dtype
        ("int8", 2.5, "float32"),  # a Python float gives the default dtype to an integer tensor
        ("float16", 2.5, "float16"),
        ("bfloat16", 3, "bfloat16"),
        ("int16", ("float64", 1.0), "float64"),  # a 0-d tensor of a higher category
        ("uint8", ("int8", 1), "uint8"),  # a 0-d tensor of the same category does not widen
        ("float16", ("float64", 1.0), "float16"),
        ("int32", ("int64", 7), "int32"),
    ],
)
def test_result_type_with_scalars(tensor_dt, other, expect):
    x = tg.ones(3, dtype=dt(tensor_dt))
    if isinstance(other, tuple):
        other = tg.tensor(other[1], dtype=dt(other[0]))
    assert tg.result_type(x, other) == dt(expect)
    assert (x * other).dtype == dt(expect)


def test_dtype_attributes():
    for name in ALL:
        d = dt(name)
        assert d.is_floating_point == name.startswith(("float", "bfloat"))
        assert d.itemsize == (
            1 if name == "bool" else int("".join(c for c in name if c.isdigit())) // 8
        )
        assert repr(d) == ("torch." if TORCH_BACKEND else "tetragrad.") + name
    assert tg.half is tg.float16 and tg.int is tg.int32 and tg.short is tg.int16
    assert not tg.uint8.is_signed and tg.int8.is_signed and tg.float16.is_signed
    assert tg.can_cast(tg.int8, tg.float16) and not tg.can_cast(tg.float16, tg.int64)
    assert tg.can_cast(tg.int64, tg.uint8) and not tg.can_cast(tg.uint8, tg.bool)


# ---- conversions ----------------------------------------------------------------------------------
def random_float32(n, seed=0):
    """Random bit patterns as float32: every exponent, subnormals, infs and nans included."""
    bits = np.random.default_rng(seed).integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    return bits.view(np.float32)


def bfloat16_ref(x: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 as float32 values: the nearer of the two bfloat16 neighbours (the
    value truncated to 16 bits, and the next one away from zero), ties to an even last bit, in
    float64 arithmetic; overflow past the largest bfloat16 goes to inf, nan stays nan."""
    x = x.astype(np.float32)
    bits = x.view(np.uint32)
    lo = (bits & np.uint32(0xFFFF0000)).view(np.float32).astype(np.float64)
    hi_bits = (bits & np.uint32(0xFFFF0000)) + np.uint32(0x10000)
    hi = hi_bits.view(np.float32).astype(np.float64)
    # past the largest finite bfloat16 the next neighbour is 2^128, which rounds to inf (IEEE)
    hi = np.where(np.isinf(hi), np.copysign(2.0**128, hi), hi)
    v = x.astype(np.float64)
    with np.errstate(invalid="ignore"):
        d_lo, d_hi = np.abs(v - lo), np.abs(hi - v)
        lo_even = ((bits >> np.uint32(16)) & np.uint32(1)) == 0
        pick_hi = (d_hi < d_lo) | ((d_hi == d_lo) & ~lo_even)
    out = np.where(pick_hi, hi, lo)
    out = np.where(np.abs(out) == 2.0**128, np.copysign(np.inf, out), out)
    out = np.where(np.isinf(v), v, out)
    return np.where(np.isnan(v), np.nan, out).astype(np.float32)


def same_floats(got: np.ndarray, want: np.ndarray):
    """Bit-identical, except that any nan matches any nan."""
    got, want = got.astype(np.float32), want.astype(np.float32)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    mismatch = got[ok].view(np.uint32) != want[ok].view(np.uint32)
    assert not mismatch.any(), f"{mismatch.sum()} mismatches, first {want[ok][mismatch][:5]}"


def test_float32_to_float16_every_class_of_input():
    x = np.concatenate([random_float32(200_000), np.float32([0.0, -0.0, 65504, 65520, 1e-8, 6e-8])])
    got = tg.from_numpy(x).half().float().numpy()
    with np.errstate(over="ignore", invalid="ignore"):
        want = x.astype(np.float16).astype(np.float32)
    same_floats(got, want)


def test_float16_to_float32_every_pattern():
    h = np.arange(2**16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    t = tg.from_numpy(h)
    assert t.dtype == tg.float16
    same_floats(t.float().numpy(), h.astype(np.float32))
    same_floats(t.double().float().numpy(), h.astype(np.float32))


def test_float32_to_bfloat16_every_class_of_input():
    x = np.concatenate([random_float32(200_000, seed=1), np.float32([3.3895314e38, 3.4e38, 1e-40])])
    got = tg.from_numpy(x).bfloat16().float().numpy()
    with np.errstate(over="ignore", invalid="ignore"):
        same_floats(got, bfloat16_ref(x))


def test_bfloat16_to_float32_every_pattern():
    bits = np.arange(2**16, dtype=np.uint32)
    want = (bits << np.uint32(16)).view(np.float32)
    # build the bfloat16 tensor from exact float32 values, then read them back
    t = tg.from_numpy(want.copy()).bfloat16()
    same_floats(t.float().numpy(), want)


def test_ml_dtypes_bfloat16_agrees():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = random_float32(100_000, seed=2)
    with np.errstate(over="ignore", invalid="ignore"):
        want = x.astype(ml_dtypes.bfloat16).astype(np.float32)
    same_floats(tg.from_numpy(x).bfloat16().float().numpy(), want)


@pytest.mark.parametrize("src,dst", list(itertools.product(ALL, ALL)))
def test_conversion_pairs(src, dst):
    # values every dtype holds exactly (uint8: no negatives; bool: 0/1)
    vals = {"bool": [0, 1, 1, 0]}.get(src, [0, 1, 2, 100] if src == "uint8" else [-3, 0, 1, 100])
    x = tg.tensor(vals, dtype=dt(src))
    y = x.to(dt(dst))
    assert y.dtype == dt(dst)
    want = np.array(vals, dtype=np.float64)
    if dst == "bool":
        want = want != 0
    elif dst == "uint8":
        want = np.array(vals, dtype=np.int64).astype(np.uint8).astype(np.float64)  # wraps
    np.testing.assert_array_equal(np.array(y.tolist(), dtype=np.float64), want.astype(np.float64))


def test_integer_wraparound_and_float_truncation():
    big = tg.tensor([300, -1, 127, 128, 70000])
    assert big.to(tg.uint8).tolist() == [44, 255, 127, 128, 112]
    assert big.to(tg.int8).tolist() == [44, -1, 127, -128, 112]
    assert big.to(tg.int16).tolist() == [300, -1, 127, 128, 4464]
    assert tg.tensor([2.9, -2.9, 255.9, 300.5]).to(tg.uint8).tolist() == [2, 254, 255, 44]
    assert tg.tensor([2.9, -2.9, 100.5]).to(tg.int8).tolist() == [2, -2, 100]
    assert tg.tensor([1e5]).half().item() == float("inf")


# ---- arithmetic, reductions and matmul --------------------------------------------------------------
def int_data(name, shape=(3, 4), seed=0):
    lo = 0 if name == "uint8" else -50
    return np.random.default_rng(seed).integers(lo, 120, shape).astype(NP_DTYPE[name])


@pytest.mark.parametrize("name", SMALL_INTS)
def test_integer_arithmetic_wraps_like_numpy(name):
    a, b = int_data(name), int_data(name, seed=1)
    x, y = tg.from_numpy(a), tg.from_numpy(b)
    with np.errstate(over="ignore"):
        for got, want in [
            (x + y, a + b),
            (x - y, a - b),
            (x * y, a * b),
            (x * 3, a * NP_DTYPE[name](3)),
            (tg.maximum(x, y), np.maximum(a, b)),
            (x // 7, a // NP_DTYPE[name](7)),
            (x % 7, a % NP_DTYPE[name](7)),
        ]:
            assert got.dtype == dt(name)
            np.testing.assert_array_equal(got.numpy(), want)
    assert (x == y).dtype == tg.bool
    np.testing.assert_array_equal((x < y).numpy(), a < b)
    # sums widen to int64 (torch's), extremes keep the dtype
    assert x.sum().dtype == tg.int64 and x.sum().item() == int(a.astype(np.int64).sum())
    np.testing.assert_array_equal(x.sum(1).numpy(), a.astype(np.int64).sum(1))
    np.testing.assert_array_equal(x.cumsum(0).numpy(), a.astype(np.int64).cumsum(0))
    assert x.amax().dtype == dt(name) and x.amax().item() == a.max()
    np.testing.assert_array_equal(x.max(1).values.numpy(), a.max(1))
    np.testing.assert_array_equal(x.sort(1).values.numpy(), np.sort(a, 1))
    np.testing.assert_array_equal(
        (x @ y.T).numpy(), (a.astype(np.int64) @ b.T.astype(np.int64)).astype(a.dtype)
    )


def round_to(name, x):
    """float64 values rounded to a half type (as float64)."""
    x = np.asarray(x, dtype=np.float32)
    return (x.astype(np.float16) if name == "float16" else bfloat16_ref(x)).astype(np.float64)


@pytest.mark.parametrize("name", HALVES)
def test_half_arithmetic_rounds_once(name):
    rng = np.random.default_rng(3)
    a, b = round_to(name, rng.standard_normal((5, 6))), round_to(name, rng.standard_normal((5, 6)))
    x, y = tg.tensor(a, dtype=dt(name)), tg.tensor(b, dtype=dt(name))
    # each op is exact in float32 (then float64) for these operands, then rounded once
    for got, want in [
        (x + y, a + b),
        (x * y, a * b),
        (x - y, a - b),
        (-x, -a),
        (tg.maximum(x, y), np.maximum(a, b)),
        (x.abs(), np.abs(a)),
    ]:
        assert got.dtype == dt(name)
        np.testing.assert_array_equal(got.double().numpy(), round_to(name, want))
    assert x.exp().dtype == dt(name)
    np.testing.assert_allclose(x.exp().double().numpy(), round_to(name, np.exp(a)), rtol=2**-7)
    # reductions accumulate in float32: a sum of many ones is exact past float16's 2048
    ones = tg.ones(5000, dtype=dt(name))
    assert ones.sum().dtype == dt(name) and ones.sum().item() == round_to(name, 5000.0)
    np.testing.assert_allclose(x.mean(1).double().numpy(), round_to(name, a.mean(1)), rtol=2**-7)
    # matmul accumulates in float32 and rounds the result once
    c = round_to(name, rng.standard_normal((6, 4)))
    got = (x @ tg.tensor(c, dtype=dt(name))).double().numpy()
    np.testing.assert_allclose(got, round_to(name, a @ c), rtol=2**-7, atol=1e-6)
    assert tg.softmax(x, 1).dtype == dt(name)
    np.testing.assert_allclose(tg.softmax(x, 1).double().numpy().sum(1), 1.0, rtol=2**-6)


@pytest.mark.parametrize("name", STORAGE)
def test_moves_and_indexing_keep_the_dtype(name):
    a = int_data(name) if name in SMALL_INTS else np.arange(12.0).reshape(3, 4)
    x = tg.tensor(a, dtype=dt(name))
    for got, want in [
        (x[[2, 0]], a[[2, 0]]),
        (x[x > 3], a[a > 3]),
        (x.T.contiguous(), a.T),
        (tg.cat([x, x], 0), np.concatenate([a, a])),
        (tg.where(x > 3, x, x * 0), np.where(a > 3, a, 0)),
        (x.flip(1), a[:, ::-1]),
        (tg.gather(x, 1, tg.tensor([[0, 3]] * 3)), a[:, [0, 3]]),
    ]:
        assert got.dtype == dt(name)
        np.testing.assert_array_equal(np.array(got.tolist()), want)
    y = x.clone()
    y[0] = 7
    y[y > 50] = 1
    y[tg.tensor([1, 1])] += 1  # a read-modify-write: the last write of the duplicates wins
    w = a.copy()
    w[0] = 7
    w[w > 50] = 1
    w[1] += 1
    np.testing.assert_array_equal(np.array(y.tolist()), w)
    z = x.clone().index_put_((tg.tensor([0, 0]),), tg.ones(4, dtype=dt(name)), accumulate=True)
    w = a.copy()
    w[0] += 2
    np.testing.assert_array_equal(np.array(z.tolist()), w)
    # integer index tensors of any width, as torch's
    np.testing.assert_array_equal(np.array(x[tg.tensor([2, 1]).int()].tolist()), a[[2, 1]])
    assert x.fill_(3).tolist() == [[3] * 4] * 3


def test_uint8_all_any_keep_uint8():
    x = tg.tensor([[1, 0], [2, 3]], dtype=tg.uint8)
    assert x.all().dtype == tg.uint8 and x.all().item() == 0
    assert x.any(1).tolist() == [1, 1]


# ---- autograd -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", HALVES)
def test_half_gradients(name):
    a = round_to(name, np.linspace(-2, 2, 7))
    x = tg.tensor(a, dtype=dt(name), requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == dt(name)
    np.testing.assert_array_equal(x.grad.double().numpy(), round_to(name, 2 * a))
    # through a conversion: the float32 leaf gets a float32 gradient of the half computation
    y = tg.tensor(a, dtype=tg.float32, requires_grad=True)
    (y.to(dt(name)).exp() * 2).sum().backward()
    assert y.grad.dtype == tg.float32
    np.testing.assert_allclose(y.grad.numpy(), 2 * np.exp(a), rtol=2**-6)


@pytest.mark.parametrize("name", HALVES)
def test_half_model_trains(name):
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(4, 16), tg.nn.Tanh(), tg.nn.Linear(16, 1)).to(dt(name))
    assert all(p.dtype == dt(name) for p in model.parameters())
    x = tg.randn(64, 4).to(dt(name))
    target = x.float().sum(1, keepdim=True).to(dt(name))
    opt = tg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = tg.nn.functional.mse_loss(model(x), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert all(p.dtype == dt(name) for p in model.parameters())
    assert losses[-1] < 0.2 * losses[0]


# ---- NumPy interop and the conversion surface -----------------------------------------------------
@pytest.mark.parametrize("name", [n for n in ALL if n != "bfloat16"])
def test_from_numpy_shares_every_numpy_dtype(name):
    a = np.zeros(4, dtype=NP_DTYPE[name])
    t = tg.from_numpy(a)
    assert t.dtype == dt(name)
    t[1] = 1
    assert a[1] == 1
    assert t.numpy().dtype == a.dtype
    assert tg.tensor(a).dtype == dt(name)  # a NumPy array keeps its dtype
    assert tg.as_tensor(a).numpy().ctypes.data == a.ctypes.data


@tetragrad_only("the message when NumPy lacks bfloat16 (torch has its own)")
def test_bfloat16_numpy_needs_ml_dtypes():
    t = tg.ones(2, dtype=tg.bfloat16)
    try:
        import ml_dtypes  # noqa: F401
    except ImportError:
        with pytest.raises(TypeError, match="ml_dtypes"):
            t.numpy()
    else:
        assert t.numpy().dtype.name == "bfloat16"
    assert t.tolist() == [1.0, 1.0] and "bfloat16" in repr(t)


def test_tensor_from_data_range_checks():
    with raises(OverflowError, torch_exc=RuntimeError, match="overflow"):
        tg.tensor([300], dtype=tg.uint8)
    with raises(OverflowError, torch_exc=RuntimeError, match="overflow"):
        tg.tensor([-129], dtype=tg.int8)
    assert tg.tensor([1.5, 2.25], dtype=tg.float16).tolist() == [1.5, 2.25]
    assert tg.tensor([1, 2], dtype=tg.bfloat16).dtype == tg.bfloat16
    assert tg.tensor(np.int32(7)).dtype == tg.int32


def test_conversion_methods_and_legacy_types():
    x = tg.tensor([1.7, -2.2])
    for method, name in [
        ("int", "int32"),
        ("short", "int16"),
        ("char", "int8"),
        ("byte", "uint8"),
        ("half", "float16"),
        ("bfloat16", "bfloat16"),
    ]:
        assert getattr(x, method)().dtype == dt(name)
    assert x.int().tolist() == [1, -2]
    prefix = "torch." if TORCH_BACKEND else "tetragrad."
    assert x.half().type() == prefix + "HalfTensor"
    assert x.byte().type() == prefix + "ByteTensor"
    assert x.type(tg.IntTensor).dtype == tg.int32
    assert tg.ShortTensor([1, 2]).dtype == tg.int16
    assert isinstance(x.char(), tg.CharTensor) and not isinstance(x, tg.CharTensor)
    assert tg.ones((), dtype=tg.int16).item() == 1 and isinstance(
        tg.ones((), dtype=tg.int16).item(), int
    )
    assert isinstance(tg.ones((), dtype=tg.float16).item(), float)


def test_finfo_iinfo_new_dtypes():
    f = tg.finfo(tg.float16)
    assert (f.bits, f.eps, f.max, f.tiny, f.resolution) == (16, 2.0**-10, 65504.0, 2.0**-14, 0.001)
    b = tg.finfo(tg.bfloat16)
    assert (b.bits, b.eps, b.tiny, b.resolution) == (16, 2.0**-7, 2.0**-126, 0.01)
    assert b.max == float(bfloat16_ref(np.float32([3.3895314e38]))[0])
    for name, lo, hi, bits in [
        ("uint8", 0, 255, 8),
        ("int8", -128, 127, 8),
        ("int16", -(2**15), 2**15 - 1, 16),
    ]:
        i = tg.iinfo(dt(name))
        assert (i.min, i.max, i.bits) == (lo, hi, bits)
    assert tg.iinfo(tg.int32).max == 2**31 - 1


@pytest.mark.parametrize("name", STORAGE)
def test_creation_and_random_in_every_dtype(name):
    d = dt(name)
    assert tg.arange(5, dtype=d).tolist() == [0, 1, 2, 3, 4]
    assert tg.linspace(0, 4, 5, dtype=d).tolist() == [0, 1, 2, 3, 4]
    assert tg.randint(0, 5, (50,), dtype=d).dtype == d
    r = tg.empty(2000, dtype=d).random_()
    hi = {"float16": 2**11, "bfloat16": 2**8, "uint8": 255, "int8": 127, "int16": 2**15 - 1}.get(
        name, 2**31 - 1
    )
    assert r.double().min().item() >= 0 and r.double().max().item() <= hi
    if name in HALVES:
        assert tg.rand(10, dtype=d).dtype == d and tg.randn(10, dtype=d).dtype == d
        x = tg.rand(6, dtype=d).requires_grad_(True)
        tg.cumprod(x, 0).sum().backward()
        assert x.grad.dtype == d
        assert tg.nn.functional.dropout(tg.ones(8, dtype=d), 0.5).dtype == d


@pytest.mark.parametrize("name", SMALL_INTS)
def test_python_numbers_must_fit_small_ints(name):
    info = np.iinfo(NP_DTYPE[name])
    lo = -255 if name == "uint8" else info.min  # uint8: negatives wrap down to -255 (torch's rule)
    with raises(ValueError, torch_exc=RuntimeError, match="overflow"):
        tg.full((2,), info.max + 1, dtype=dt(name))
    with raises(ValueError, torch_exc=RuntimeError, match="overflow"):
        tg.zeros(2, dtype=dt(name)).fill_(lo - 1)
    assert tg.zeros(1, dtype=dt(name)).fill_(lo).item() == np.array(lo).astype(NP_DTYPE[name])
    assert tg.full((2,), 2.7, dtype=dt(name)).tolist() == [2, 2]
