"""torch.linalg semantics the OpInfo registry cannot express: errors, singular matrices, the
named-tuple results (field names, shapes per mode) and lstsq's other fields. Values and
gradients at well-conditioned inputs are the registry's (tests/opinfo.py, the linalg rows).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, check_grad, tgt, to_np, torch_differs

if not hasattr(tg, "linalg"):
    pytest.skip("tetragrad has no linalg yet", allow_module_level=True)

LA = tg.linalg

# exactly singular: partial-pivoting elimination reaches an exact zero pivot
SINGULAR_2 = np.array([[1.0, 2.0], [2.0, 4.0]])
SINGULAR_3 = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])  # rank 2
RANK_1 = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]])
SPD_2 = np.array([[4.0, 1.0], [1.0, 3.0]])
INDEFINITE = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3 and -1


def _cofactor(a):
    """C[i, j] = (-1)^(i + j) det(A without row i and column j) = d det(A) / d A[i, j]."""
    n = a.shape[0]
    c = np.zeros_like(a)
    for i in range(n):
        for j in range(n):
            c[i, j] = (-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1))
    return c


def _well_conditioned(*shape, seed=0):
    a = np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)
    return a + shape[-1] * np.eye(shape[-1])


# ---- errors -----------------------------------------------------------------------------------


def test_linalg_error_is_a_runtime_error():
    assert issubclass(LA.LinAlgError, RuntimeError)


@pytest.mark.parametrize(
    "a", [SINGULAR_2, SINGULAR_3, np.zeros((3, 3))], ids=["2x2", "3x3", "zero"]
)
@pytest.mark.parametrize(
    "fn",
    [
        lambda a: LA.inv(a),
        lambda a: LA.solve(a, tg.ones(a.shape[-1], dtype=a.dtype)),
        lambda a: LA.solve(a, tg.ones(a.shape[-1], 2, dtype=a.dtype)),
        lambda a: LA.matrix_power(a, -2),
    ],
    ids=["inv", "solve_vector", "solve_matrix", "matrix_power_negative"],
)
def test_singular_matrix_raises(fn, a):
    with pytest.raises(LA.LinAlgError):
        fn(tgt(a))


def test_singular_matrix_in_a_batch_raises():
    a = np.stack([np.eye(2), SINGULAR_2])
    with pytest.raises(LA.LinAlgError):
        LA.inv(tgt(a))


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("a", [INDEFINITE, -SPD_2, np.zeros((2, 2))], ids=["indefinite", "nd", "0"])
def test_cholesky_of_a_non_positive_definite_matrix_raises(a, upper):
    with pytest.raises(LA.LinAlgError):
        LA.cholesky(tgt(a), upper=upper)


@pytest.mark.parametrize(
    "fn",
    [
        LA.inv,
        LA.det,
        LA.slogdet,
        LA.cholesky,
        LA.eigh,
        LA.eigvalsh,
        lambda a: LA.matrix_power(a, 2),
    ],
    ids=["inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "matrix_power"],
)
@pytest.mark.parametrize("shape", [(2, 3), (4, 3, 2), (3,)])
def test_non_square_input_raises(fn, shape):
    with pytest.raises(RuntimeError):
        fn(tg.ones(shape, dtype=tg.float64))


@pytest.mark.parametrize(
    "a_shape,b_shape,kw",
    [
        ((3, 3), (4,), {}),
        ((3, 3), (4, 2), {}),
        ((3, 3, 3), (2, 3, 1), {}),  # batch dims 3 and 2
        ((3, 3), (3,), {"left": False}),
    ],
    ids=["vector", "matrix", "batch", "vector_right"],
)
def test_solve_shape_mismatch_raises(a_shape, b_shape, kw):
    """B must match A on the solved dim and broadcast on the batch dims; X A = B takes no
    vector B (torch refuses it: a vector B is a column there)."""
    a = tgt(_well_conditioned(*a_shape))
    with pytest.raises(RuntimeError):
        LA.solve(a, tg.ones(b_shape, dtype=tg.float64), **kw)


def test_solve_triangular_takes_no_vector():
    a = tgt(np.triu(_well_conditioned(3, 3)))
    with pytest.raises(RuntimeError):
        LA.solve_triangular(a, tg.ones(3, dtype=tg.float64), upper=True)


@pytest.mark.parametrize(
    "eq,shapes",
    [
        ("ij->il", [(2, 3)]),  # an output label in no operand
        ("ij->ii", [(3, 3)]),  # an output label twice
        ("ij,jk->ik", [(2, 3)]),  # fewer operands than terms
        ("ij->ij", [(2, 3), (3, 4)]),  # more operands than terms
        ("ijk->i", [(2, 3)]),  # a term of the wrong rank
        ("ij,jk->ik", [(2, 3), (4, 4)]),  # j: 3 and 4
        ("i$j->i", [(2, 3)]),  # not a letter
        ("i..j->i", [(2, 3)]),  # a stray '.'
        ("...i...->i", [(2, 3)]),  # two ellipses in a term
    ],
)
def test_einsum_bad_equation_raises(eq, shapes):
    ops = [tg.ones(s, dtype=tg.float64) for s in shapes]
    with pytest.raises(RuntimeError):
        tg.einsum(eq, *ops)


@pytest.mark.parametrize("ord_", [math.inf, -math.inf])
def test_vector_norm_of_empty_at_inf_raises(ord_):
    """max / min of nothing has no identity (over a non-empty dim of an empty tensor it is fine)."""
    with pytest.raises(RuntimeError):
        LA.vector_norm(tg.zeros(0, dtype=tg.float64), ord_)
    assert tuple(LA.vector_norm(tg.zeros(0, 3), ord_, dim=1).shape) == (0,)


# ---- singular matrices ------------------------------------------------------------------------------


@pytest.mark.parametrize("a", [SINGULAR_2, SINGULAR_3, RANK_1, np.zeros((3, 3))])
@pytest.mark.parametrize("dtype", [tg.float32, tg.float64])
def test_singular_slogdet_det_logdet(a, dtype):
    sign, logabsdet = LA.slogdet(tgt(a, dtype=dtype))
    assert to_np(sign) == 0.0  # (torch's is -0.0 here: equal)
    assert to_np(logabsdet) == -math.inf
    assert to_np(LA.det(tgt(a, dtype=dtype))) == 0.0
    assert to_np(tg.logdet(tgt(a, dtype=dtype))) == -math.inf


def test_logdet_of_a_negative_determinant_is_nan():
    out = tg.logdet(tgt(np.array([[0.0, 1.0], [1.0, 0.0]])))
    assert math.isnan(float(to_np(out)))


@pytest.mark.parametrize(
    "a",
    [
        pytest.param(
            SINGULAR_3,
            marks=torch_differs(
                "torch's first-order det backward is det * A^-T, which is 0 when det is exactly "
                "0 (it gives the cofactor matrix only under create_graph=True, and at any "
                "non-singular matrix near this one)"
            ),
            id="rank2",
        ),
        pytest.param(RANK_1, id="rank1"),  # every 2x2 minor is 0: the gradient is 0
    ],
)
def test_det_gradient_at_a_singular_matrix_is_the_cofactor_matrix(a):
    """d det(A) / dA = adj(A)^T, continuous through singular matrices: at rank n - 1 it is not 0."""
    x = tgt(a, requires_grad=True)
    LA.det(x).backward()
    np.testing.assert_allclose(to_np(x.grad), _cofactor(a), atol=1e-12)


def test_det_gradient_near_a_singular_matrix():
    """Just off the singular matrix, det * A^-T: the cofactor matrix of the nearby point."""
    a = SINGULAR_3 + 1e-6 * np.eye(3)
    x = tgt(a, requires_grad=True)
    LA.det(x).backward()
    np.testing.assert_allclose(to_np(x.grad), _cofactor(a), rtol=1e-6, atol=1e-8)


# ---- named tuples and shapes ------------------------------------------------------------------------


def _fields(result, names):
    """The named tuple's fields by name are its items, in order."""
    assert len(result) == len(names)
    for k, name in enumerate(names):
        assert getattr(result, name) is result[k], name
    return [getattr(result, n) for n in names]


def test_slogdet_fields():
    r = LA.slogdet(tgt(np.array([[0.0, 2.0], [1.0, 0.0]])))  # det -2
    sign, logabsdet = _fields(r, ["sign", "logabsdet"])
    assert_close(sign, -1.0, dtype=tg.float64)
    assert_close(logabsdet, math.log(2.0), dtype=tg.float64)


def test_eigh_fields():
    a = np.array([[2.0, 1.0], [1.0, 2.0]])
    lam, v = _fields(LA.eigh(tgt(a)), ["eigenvalues", "eigenvectors"])
    assert_close(lam, np.array([1.0, 3.0]), dtype=tg.float64)  # ascending
    vv = to_np(v)
    np.testing.assert_allclose(a @ vv, vv * np.array([1.0, 3.0]), atol=1e-12)


@pytest.mark.parametrize(
    "shape,full,want",
    [
        ((5, 3), True, [(5, 5), (3,), (3, 3)]),
        ((5, 3), False, [(5, 3), (3,), (3, 3)]),
        ((3, 5), True, [(3, 3), (3,), (5, 5)]),
        ((3, 5), False, [(3, 3), (3,), (3, 5)]),
        ((2, 4, 4), True, [(2, 4, 4), (2, 4), (2, 4, 4)]),
        ((2, 6, 2), True, [(2, 6, 6), (2, 2), (2, 2, 2)]),
        ((0, 3, 2), True, [(0, 3, 3), (0, 2), (0, 2, 2)]),
    ],
)
def test_svd_fields_and_shapes(shape, full, want):
    a = np.random.default_rng(1).standard_normal(shape)
    u, s, vh = _fields(LA.svd(tgt(a), full_matrices=full), ["U", "S", "Vh"])
    assert [tuple(t.shape) for t in (u, s, vh)] == want
    if a.size:
        k = min(shape[-2:])
        rec = (to_np(u)[..., :k] * to_np(s)[..., None, :]) @ to_np(vh)[..., :k, :]
        np.testing.assert_allclose(rec, a, atol=1e-12)
        assert np.all(np.diff(to_np(s), axis=-1) <= 0)  # descending
    assert tuple(LA.svdvals(tgt(a)).shape) == want[1]


def test_svd_default_is_full_matrices():
    u, s, vh = LA.svd(tgt(np.random.default_rng(2).standard_normal((5, 2))))
    assert (tuple(u.shape), tuple(vh.shape)) == ((5, 5), (2, 2))


@pytest.mark.parametrize(
    "kw,want",
    [
        ({}, [(5, 3), (3,), (3, 3)]),  # some=True: reduced
        ({"some": False}, [(5, 5), (3,), (3, 3)]),
        ({"compute_uv": False}, [(5, 5), (3,), (3, 3)]),  # U and V zero-filled, full sizes
    ],
)
def test_legacy_svd_fields_and_shapes(kw, want):
    """torch.svd: (U, S, V) with V itself (A = U diag(S) V^T), reduced unless some=False."""
    a = np.random.default_rng(8).standard_normal((5, 3))
    u, s, v = _fields(tg.svd(tgt(a), **kw), ["U", "S", "V"])
    assert [tuple(t.shape) for t in (u, s, v)] == want
    np.testing.assert_allclose(to_np(s), np.linalg.svd(a, compute_uv=False), atol=1e-12)
    if kw.get("compute_uv", True):
        rec = (to_np(u)[:, :3] * to_np(s)) @ to_np(v).T
        np.testing.assert_allclose(rec, a, atol=1e-12)
    else:
        assert not to_np(u).any() and not to_np(v).any()


@pytest.mark.parametrize(
    "shape,mode,want",
    [
        ((5, 3), "reduced", [(5, 3), (3, 3)]),
        ((5, 3), "complete", [(5, 5), (5, 3)]),
        ((5, 3), "r", [(0,), (3, 3)]),
        ((3, 5), "reduced", [(3, 3), (3, 5)]),
        ((3, 5), "complete", [(3, 3), (3, 5)]),
        ((3, 5), "r", [(0,), (3, 5)]),
        ((2, 4, 3), "reduced", [(2, 4, 3), (2, 3, 3)]),
        ((2, 4, 3), "complete", [(2, 4, 4), (2, 4, 3)]),
        ((2, 4, 3), "r", [(0,), (2, 3, 3)]),  # the empty Q is 1-D, batch or not
    ],
)
def test_qr_fields_and_shapes(shape, mode, want):
    a = np.random.default_rng(3).standard_normal(shape)
    q, r = _fields(LA.qr(tgt(a), mode=mode), ["Q", "R"])
    assert [tuple(q.shape), tuple(r.shape)] == want
    rr = to_np(r)
    np.testing.assert_array_equal(rr, np.triu(rr))  # upper triangular
    if mode != "r":
        qq = to_np(q)
        np.testing.assert_allclose(qq @ rr, a, atol=1e-12)
        eye = np.broadcast_to(np.eye(qq.shape[-1]), qq.shape[:-2] + (qq.shape[-1],) * 2)
        np.testing.assert_allclose(np.swapaxes(qq, -1, -2) @ qq, eye, atol=1e-12)


def test_qr_default_mode_is_reduced():
    q, r = LA.qr(tgt(np.random.default_rng(4).standard_normal((5, 2))))
    assert (tuple(q.shape), tuple(r.shape)) == ((5, 2), (2, 2))


@pytest.mark.parametrize("b_shape", [(5, 2), (5,)])
def test_lstsq_fields(b_shape):
    """The default driver (torch's CPU default, 'gelsy'): the solution and the rank; residuals
    and singular_values are empty (torch computes residuals only with the other drivers)."""
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((5, 3)), rng.standard_normal(b_shape)
    r = LA.lstsq(tgt(a), tgt(b))
    solution, residuals, rank, singular_values = _fields(
        r, ["solution", "residuals", "rank", "singular_values"]
    )
    want = np.linalg.lstsq(a, b, rcond=None)[0]
    assert_close(solution, want, dtype=tg.float64, rtol=1e-10, atol=1e-12)
    assert tuple(residuals.shape) == (0,) and residuals.dtype == tg.float64
    assert tuple(singular_values.shape) == (0,) and singular_values.dtype == tg.float64
    assert rank.dtype == tg.int64 and int(to_np(rank)) == 3


def test_lstsq_batch_rank():
    rng = np.random.default_rng(6)
    r = LA.lstsq(tgt(rng.standard_normal((2, 5, 3))), tgt(rng.standard_normal((2, 5, 2))))
    assert tuple(r.solution.shape) == (2, 3, 2)
    assert tuple(r.rank.shape) == (2,) and r.rank.dtype == tg.int64


# ---- kron of operands of different ranks ------------------------------------------------------------
# (not in the registry: torch's kron raises "view size is not compatible" on a transposed operand
# next to a contiguous one, which the registry's non-contiguous test builds)


@pytest.mark.parametrize(
    "sa,sb", [((2, 3), (4,)), ((3,), (2, 2)), ((2, 1, 2), (3, 2)), ((), (2, 3)), ((2, 3), ())]
)
def test_kron_of_different_ranks(sa, sb):
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    assert_close(tg.kron(tgt(a), tgt(b)), np.kron(a, b), dtype=tg.float64)
    check_grad(lambda x, y: tg.kron(x, y), a, b)
