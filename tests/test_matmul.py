"""matmul / mm / bmm / addmm / dot: forward against reference.py, gradients by finite differences."""

import numpy as np
import pytest
import reference as R
import tetragrad as tg
from conftest import assert_close, check_grad, nc, randn, tgt

F32, F64 = tg.float32, tg.float64

MATMUL_SHAPES = [
    ((3,), (3,)),  # dot -> 0-d
    ((3,), (3, 4)),  # vector @ matrix
    ((2, 3), (3,)),  # matrix @ vector
    ((2, 3), (3, 4)),
    ((1, 1), (1, 1)),
    ((4, 1), (1, 5)),  # outer product
    ((2, 2, 3), (2, 3, 4)),  # batched
    ((2, 2, 3), (3, 4)),  # batch @ matrix
    ((3,), (2, 3, 4)),  # vector @ batch
    ((2, 2, 3), (3,)),  # batch @ vector
    ((2, 1, 2, 3), (3, 3, 2)),  # broadcast batch dims
    ((1, 2, 3), (4, 3, 2)),
    ((0, 3), (3, 4)),  # size-0 rows
    ((2, 0), (0, 4)),  # size-0 inner dim -> zeros
    ((2, 3), (3, 0)),
    ((0, 2, 3), (3, 2)),
]
GRAD_SHAPES = [s for s in MATMUL_SHAPES if 0 not in s[0] + s[1]]

FNS = {
    "matmul": tg.matmul,
    "matmul_op": lambda a, b: a @ b,
    "matmul_method": lambda a, b: a.matmul(b),
}


def ab(sa, sb, dtype=np.float64):
    return randn(*sa, seed=1).astype(dtype), randn(*sb, seed=2).astype(dtype)


@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES, ids=str)
@pytest.mark.parametrize("name", list(FNS))
def test_matmul_forward(name, sa, sb, dtype):
    a, b = ab(sa, sb, np.float32 if dtype == F32 else np.float64)
    assert_close(FNS[name](tgt(a), tgt(b)), R.matmul(a, b), dtype=dtype, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("sa,sb", GRAD_SHAPES, ids=str)
def test_matmul_grad(sa, sb):
    check_grad(tg.matmul, *ab(sa, sb))


@pytest.mark.parametrize("ta,tb", [(True, False), (False, True), (True, True)])
def test_matmul_noncontiguous(ta, tb):
    a, b = ab((5, 3), (3, 4))
    x = nc(a) if ta else tgt(a)
    y = nc(b) if tb else tgt(b)
    assert_close(x @ y, a @ b)
    assert_close(
        nc(a.astype(np.float32)) @ nc(b.astype(np.float32)), a @ b, dtype=F32, rtol=1e-5, atol=1e-5
    )
    check_grad(
        lambda p, q: (p.t() if ta else p) @ (q.t() if tb else q),
        a.T.copy() if ta else a,
        b.T.copy() if tb else b,
    )


def test_matmul_batched_noncontiguous():
    a, b = ab((2, 4, 3), (2, 3, 5))
    x = tgt(np.ascontiguousarray(a.transpose(1, 0, 2))).transpose(
        0, 1
    )  # batch stride is not outermost
    y = tgt(np.ascontiguousarray(b.transpose(0, 2, 1))).transpose(1, 2)
    assert_close(x @ y, a @ b)
    assert_close(tgt(a)[:, ::2] @ tgt(b), a[:, ::2] @ b)  # strided rows
    check_grad(
        lambda p, q: p.transpose(0, 1) @ q.transpose(1, 2),
        a.transpose(1, 0, 2).copy(),
        b.transpose(0, 2, 1).copy(),
    )


def test_matmul_expanded_operand():
    a, b = ab((1, 2, 3), (4, 3, 2))
    x = tgt(a).expand(4, 2, 3)  # stride 0 in the batch dim
    assert_close(x @ tgt(b), np.broadcast_to(a, (4, 2, 3)) @ b)
    check_grad(lambda p, q: p.expand(4, 2, 3) @ q, a, b)


@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
@pytest.mark.parametrize(
    "sa,sb", [((2, 3), (3, 4)), ((1, 5), (5, 1)), ((0, 3), (3, 2)), ((3, 0), (0, 2))], ids=str
)
def test_mm(sa, sb, dtype):
    a, b = ab(sa, sb, np.float32 if dtype == F32 else np.float64)
    assert_close(tg.mm(tgt(a), tgt(b)), R.mm(a, b), dtype=dtype, rtol=1e-5, atol=1e-5)
    assert_close(tgt(a).mm(tgt(b)), R.mm(a, b), dtype=dtype, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "sa,sb",
    [
        ((2, 2, 3), (2, 3, 4)),
        ((1, 1, 1), (1, 1, 1)),
        ((3, 2, 3), (3, 3, 1)),
        ((0, 2, 3), (0, 3, 4)),
    ],
    ids=str,
)
def test_bmm(sa, sb):
    a, b = ab(sa, sb)
    assert_close(tg.bmm(tgt(a), tgt(b)), R.bmm(a, b))
    assert_close(tgt(a).bmm(tgt(b)), R.bmm(a, b))


@pytest.mark.parametrize("bias_shape", [(2, 4), (4,), (1, 4), (2, 1), ()], ids=str)
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_addmm(bias_shape, beta, alpha):
    a, b = ab((2, 3), (3, 4))
    c = randn(*bias_shape, seed=3)
    assert_close(
        tg.addmm(tgt(c), tgt(a), tgt(b), beta=beta, alpha=alpha), R.addmm(c, a, b, beta, alpha)
    )
    af, bf, cf = a.astype(np.float32), b.astype(np.float32), c.astype(np.float32)
    assert_close(
        tg.addmm(tgt(cf), tgt(af), tgt(bf), beta=beta, alpha=alpha),
        R.addmm(cf, af, bf, beta, alpha),
        dtype=F32,
        rtol=1e-5,
        atol=1e-5,
    )


def test_dot():
    a, b = ab((5,), (5,))
    assert_close(tg.dot(tgt(a), tgt(b)), R.dot(a, b))
    assert_close(tgt(a).dot(tgt(b)), R.dot(a, b))
    assert_close(tg.dot(tgt(a)[::2], tgt(b)[::2]), R.dot(a[::2], b[::2]))  # strided
    assert_close(tg.dot(tgt(np.zeros(0)), tgt(np.zeros(0))), np.array(0.0))


GRAD_FNS = [
    ("mm", lambda a, b: tg.mm(a, b), (2, 3), (3, 4)),
    ("mm_method", lambda a, b: a.mm(b), (1, 3), (3, 1)),
    ("bmm", lambda a, b: tg.bmm(a, b), (2, 2, 3), (2, 3, 2)),
    ("dot", lambda a, b: tg.dot(a, b), (4,), (4,)),
    ("matmul_op", lambda a, b: a @ b, (2, 1, 2, 3), (3, 3, 2)),
    (
        "addmm_a_b",
        lambda a, b: tg.addmm(tg.ones(4, dtype=tg.float64), a, b, beta=0.5, alpha=2.0),
        (2, 3),
        (3, 4),
    ),
    ("self_matmul", lambda a, b: a @ a.t() + b.sum(), (2, 3), (1,)),
]


@pytest.mark.parametrize("name,fn,sa,sb", GRAD_FNS, ids=[g[0] for g in GRAD_FNS])
def test_matmul_family_grad(name, fn, sa, sb):
    check_grad(fn, *ab(sa, sb))


@pytest.mark.parametrize("bias_shape", [(2, 4), (4,), ()], ids=str)
def test_addmm_grad(bias_shape):
    a, b = ab((2, 3), (3, 4))
    check_grad(
        lambda c, x, y: tg.addmm(c, x, y, beta=0.7, alpha=-1.3), randn(*bias_shape, seed=3), a, b
    )


def test_matmul_larger_float32():
    a, b = ab((33, 65), (65, 17), np.float32)
    assert_close(tgt(a) @ tgt(b), a.astype(np.float64) @ b, rtol=1e-4, atol=1e-4)
    a, b = ab((3, 20, 70), (70, 9), np.float32)
    assert_close(tgt(a) @ tgt(b), a.astype(np.float64) @ b, rtol=1e-4, atol=1e-4)


def test_matmul_result_is_fresh():
    a, b = ab((2, 3), (3, 2))
    x, y = tgt(a), tgt(b)
    z = x @ y
    z.zero_()
    assert_close(x, a)
    assert_close(y, b)


# Products large enough to be split across threads (kernels/cpu/matmul.cpp): row slabs, column
# slabs cut at multiples of 16 with a ragged last slab, tiny K, a single row, transposed operands.
SPLIT_SHAPES = [
    (300, 130, 70),  # tall C: row slabs
    (40, 100, 200),  # wide C, K >= 64: column slabs, 200 is not a multiple of 16
    (1, 600, 500),  # one row: column slabs
    (90, 8, 700),  # wide C, tiny K: row slabs
    (700, 300, 3),  # narrow C
]


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("mkn", SPLIT_SHAPES, ids=str)
def test_matmul_split_across_threads(mkn, ta, tb, threads):
    m, k, n = mkn
    a, b = ab((m, k), (k, n), np.float32)
    x = tgt(a.T.copy()).t() if ta else tgt(a)
    y = tgt(b.T.copy()).t() if tb else tgt(b)
    c = randn(m, n, seed=3).astype(np.float32)
    old = tg.get_num_threads()
    tg.set_num_threads(threads)
    try:
        got = x @ y
        got_addmm = tg.addmm(tgt(c), x, y, beta=0.5, alpha=-2.0)
        got_int = tgt((a * 4).astype(np.int64)) @ tgt((b * 4).astype(np.int64))
    finally:
        tg.set_num_threads(old)
    ref = a.astype(np.float64) @ b
    assert_close(got, ref, rtol=1e-4, atol=1e-4)
    assert_close(got_addmm, 0.5 * c - 2.0 * ref, rtol=1e-4, atol=2e-4)
    want_int = (a * 4).astype(np.int64) @ (b * 4).astype(np.int64)
    np.testing.assert_array_equal(got_int.numpy(), want_int)


def test_bmm_large_products_split():
    a, b = ab((2, 130, 140), (2, 140, 150), np.float32)
    assert_close(tg.bmm(tgt(a), tgt(b)), a.astype(np.float64) @ b, rtol=1e-4, atol=1e-4)
