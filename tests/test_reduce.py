"""Reductions: forward against reference.py over dims/keepdim/shapes, gradients by finite differences."""

import math

import numpy as np
import pytest
import reference as R
import tetragrad as tg
from conftest import (
    assert_close,
    check_grad,
    distinct,
    nc,
    raises,
    rand_away,
    randn,
    tetragrad_only,
    tgt,
)

F32, F64, I64, B = tg.float32, tg.float64, tg.int64, tg.bool
INF = math.inf


def kw(dim, keepdim):
    """Keyword arguments as a PyTorch user writes them (dim=None only together with keepdim)."""
    if dim is None:
        return {"dim": None, "keepdim": True} if keepdim else {}
    return {"dim": dim, "keepdim": True} if keepdim else {"dim": dim}


# name: (tetragrad fn(x, dim, keepdim), reference fn(x, dim, keepdim), input kind, needs a dim)
REDUCE = {
    "sum": (lambda x, d, k: x.sum(**kw(d, k)), R.sum, "any", False),
    "sum_fn": (lambda x, d, k: tg.sum(x, **kw(d, k)), R.sum, "any", False),
    "mean": (lambda x, d, k: x.mean(**kw(d, k)), R.mean, "any", False),
    "mean_fn": (lambda x, d, k: tg.mean(x, **kw(d, k)), R.mean, "any", False),
    "prod": (lambda x, d, k: x.prod(**kw(d, k)), R.prod, "away", "int"),
    "amax": (lambda x, d, k: x.amax(**kw(d, k)), R.amax, "distinct", False),
    "amin": (lambda x, d, k: tg.amin(x, **kw(d, k)), R.amin, "distinct", False),
    "var": (lambda x, d, k: x.var(**kw(d, k)), lambda x, d, k: R.var(x, d, 1, k), "any", False),
    "var_biased": (
        lambda x, d, k: x.var(unbiased=False, **kw(d, k)),
        lambda x, d, k: R.var(x, d, 0, k),
        "any",
        False,
    ),
    "var_correction2": (
        lambda x, d, k: tg.var(x, correction=2, **kw(d, k)),
        lambda x, d, k: R.var(x, d, 2, k),
        "any",
        False,
    ),
    "std": (lambda x, d, k: x.std(**kw(d, k)), lambda x, d, k: R.std(x, d, 1, k), "any", False),
    "std_biased": (
        lambda x, d, k: tg.std(x, unbiased=False, **kw(d, k)),
        lambda x, d, k: R.std(x, d, 0, k),
        "any",
        False,
    ),
    "std_correction0": (
        lambda x, d, k: x.std(correction=0, **kw(d, k)),
        lambda x, d, k: R.std(x, d, 0, k),
        "any",
        False,
    ),
    "logsumexp": (lambda x, d, k: x.logsumexp(d, keepdim=k), R.logsumexp, "any", True),
    "logsumexp_fn": (lambda x, d, k: tg.logsumexp(x, d, keepdim=k), R.logsumexp, "any", True),
    "norm2": (
        lambda x, d, k: x.norm(**kw(d, k)),
        lambda x, d, k: R.norm(x, 2, d, k),
        "away",
        False,
    ),
    "norm1": (
        lambda x, d, k: x.norm(p=1, **kw(d, k)),
        lambda x, d, k: R.norm(x, 1, d, k),
        "away",
        False,
    ),
    "norm_inf": (
        lambda x, d, k: x.norm(p=INF, **kw(d, k)),
        lambda x, d, k: R.norm(x, INF, d, k),
        "distinct",
        False,
    ),
    "norm3": (
        lambda x, d, k: tg.norm(x, p=3, **kw(d, k)),
        lambda x, d, k: R.norm(x, 3, d, k),
        "away",
        False,
    ),
    "max_values": (
        lambda x, d, k: x.max(d, keepdim=k).values,
        lambda x, d, k: R.max_dim(x, d, k)[0],
        "distinct",
        "int",
    ),
    "min_values": (
        lambda x, d, k: tg.min(x, d, keepdim=k)[0],
        lambda x, d, k: R.min_dim(x, d, k)[0],
        "distinct",
        "int",
    ),
}

CASES = [  # (shape, dim, keepdim)
    ((), None, False),
    ((5,), None, False),
    ((5,), 0, True),
    ((1,), 0, False),
    ((2, 3), None, False),
    ((2, 3), None, True),
    ((2, 3), 0, False),
    ((2, 3), 1, True),
    ((2, 3), -1, False),
    ((1, 4), 0, False),
    ((2, 3, 4), 1, False),
    ((2, 3, 4), (0, 2), False),
    ((2, 3, 4), (-1, 0), True),
    ((3, 1, 2), (1,), False),
]


def make(kind, shape, seed=0):
    if kind == "any":
        return randn(*shape, seed=seed)
    if kind == "away":
        return rand_away(*shape, seed=seed, lo=0.5, hi=1.5)
    return distinct(*shape, seed=seed)


def applicable(name, dim):
    needs = REDUCE[name][3]  # which dim arguments the op takes (as in PyTorch)
    if needs == "int":
        return isinstance(dim, int)
    if needs == "int_or_none":
        return dim is None or isinstance(dim, int)
    if needs:
        return dim is not None
    return True


def degenerate(name, shape, dim):
    """var/std over n <= correction elements (nan by definition; tested separately)."""
    if not (name.startswith("var") or name.startswith("std")):
        return False
    n = int(np.prod([shape[d] for d in R._dims(np.zeros(shape), dim)])) if shape else 1
    corr = 0 if ("biased" in name or "correction0" in name) else 2 if "correction2" in name else 1
    return n <= corr


def ids(v):
    return str(v).replace(" ", "")


# Only the combinations an op takes; degenerate variances (n <= correction) are tested separately.
FORWARD_CASES = [
    pytest.param(name, shape, dim, keepdim, id=f"{name}-{ids(shape)}-{ids(dim)}-{keepdim}")
    for name in REDUCE
    for shape, dim, keepdim in CASES
    if applicable(name, dim) and not degenerate(name, shape, dim)
]


@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
@pytest.mark.parametrize("name,shape,dim,keepdim", FORWARD_CASES)
def test_reduce_forward(name, shape, dim, keepdim, dtype):
    fn, ref, kind, _ = REDUCE[name]
    x = make(kind, shape).astype(np.float32 if dtype == F32 else np.float64)
    assert_close(fn(tgt(x), dim, keepdim), ref(x, dim, keepdim), dtype=dtype)


@pytest.mark.parametrize("name", list(REDUCE))
def test_reduce_forward_noncontiguous(name):
    fn, ref, kind, _ = REDUCE[name]
    x = make(kind, (3, 4)).astype(np.float32)
    for dim in [0, 1, -1] + ([None] if applicable(name, None) else []):
        assert_close(fn(nc(x), dim, False), ref(x, dim, False), dtype=F32)
    x3 = make(kind, (2, 3, 4), seed=1)
    t3 = tgt(x3.transpose(1, 2, 0).copy()).permute(2, 0, 1)  # values of x3, permuted strides
    assert_close(fn(t3, 1, True), ref(x3, 1, True), dtype=F64)
    if applicable(name, (0, 2)):
        assert_close(fn(t3, (0, 2), False), ref(x3, (0, 2), False), dtype=F64)


GRAD_CASES = [((2, 3), None), ((2, 3), 0), ((2, 3), -1), ((2, 3, 2), (0, 2)), ((4,), 0)]


@pytest.mark.parametrize(
    "name,shape,dim",
    [
        pytest.param(name, shape, dim, id=f"{name}-{ids(shape)}-{ids(dim)}")
        for name in REDUCE
        for shape, dim in GRAD_CASES
        if applicable(name, dim) and not degenerate(name, shape, dim)
    ],
)
def test_reduce_grad(name, shape, dim):
    fn, _, kind, _ = REDUCE[name]
    check_grad(lambda x: fn(x, dim, False), make(kind, shape))
    check_grad(lambda x: fn(x, dim, True), make(kind, shape, seed=3))


@pytest.mark.parametrize("name", list(REDUCE))
def test_reduce_grad_noncontiguous(name):
    fn, _, kind, _ = REDUCE[name]
    check_grad(lambda x: fn(x.t(), 1, False), make(kind, (4, 3)))


def test_reduce_many_elements_float32():
    x = randn(64, 257, seed=5).astype(np.float32) + 1.0
    t = tgt(x)
    assert_close(t.sum(), R.sum(x), rtol=1e-5, atol=1e-3)
    assert_close(t.mean(), R.mean(x), rtol=1e-5, atol=1e-6)
    assert_close(t.sum(1), R.sum(x, 1), rtol=1e-5, atol=1e-4)
    assert_close(t.sum(0), R.sum(x, 0), rtol=1e-5, atol=1e-4)
    assert_close(t.var(), R.var(x), rtol=1e-4)
    assert_close(t.std(0), R.std(x, 0), rtol=1e-4)
    assert_close(t.norm(), R.norm(x), rtol=1e-5)
    assert_close(t.logsumexp(1), R.logsumexp(x, 1), rtol=1e-5)
    assert_close(tgt(np.ones(10**5, dtype=np.float32)).sum(), np.array(1e5), rtol=1e-6)


def test_prod_all():
    x = rand_away(2, 3, lo=0.5, hi=1.5)
    assert_close(tgt(x).prod(), np.array(x.prod()), dtype=F64)
    assert_close(tg.prod(tgt(x.astype(np.float32))), np.array(x.prod()), dtype=F32)
    check_grad(lambda a: a.prod(), x)
    check_grad(lambda a: a.t().prod(), x)


def test_max_min_all():
    x = distinct(3, 4)
    t = tgt(x)
    assert_close(t.max(), np.array(x.max()), dtype=F64)
    assert_close(t.min(), np.array(x.min()), dtype=F64)
    assert_close(tg.max(t), np.array(x.max()), dtype=F64)
    assert_close(tgt(np.array([2, 7, -1])).max(), np.array(7), dtype=I64)
    check_grad(lambda a: a.max(), x)
    check_grad(lambda a: a.min(), x)


@pytest.mark.parametrize(
    "shape,dim,keepdim",
    [((4,), 0, False), ((3, 4), 1, False), ((3, 4), 0, True), ((2, 3, 4), -2, False)],
    ids=ids,
)
@pytest.mark.parametrize("which", ["max", "min"])
def test_max_min_dim(which, shape, dim, keepdim):
    x = distinct(*shape)
    ref = R.max_dim if which == "max" else R.min_dim
    rv, ri = ref(x, dim, keepdim)
    res = getattr(tgt(x), which)(dim, keepdim=keepdim)
    values, indices = res  # unpacks like a tuple
    assert_close(values, rv, dtype=F64)
    assert_close(indices, ri, dtype=I64)
    assert_close(res.values, rv)
    assert_close(res.indices, ri)
    assert_close(res[1], ri)
    r2 = getattr(tg, which)(tgt(x), dim=dim, keepdim=keepdim)
    assert_close(r2.values, rv)
    assert_close(
        getattr(nc(x.reshape(-1, x.shape[-1])), which)(-1).values,
        ref(x.reshape(-1, x.shape[-1]), -1)[0],
    )


ARG = [
    ((5,), None, False),
    ((3, 4), None, False),
    ((3, 4), 0, False),
    ((3, 4), 1, True),
    ((2, 3, 4), -1, False),
    ((2, 3, 4), None, True),
]


@pytest.mark.parametrize("shape,dim,keepdim", ARG, ids=ids)
@pytest.mark.parametrize("which", ["argmax", "argmin"])
def test_argmax_argmin(which, shape, dim, keepdim):
    x = distinct(*shape)
    ref = getattr(R, which)(x, dim, keepdim)
    assert_close(getattr(tgt(x), which)(**kw(dim, keepdim)), ref, dtype=I64)
    assert_close(getattr(tg, which)(tgt(x), **kw(dim, keepdim)), ref, dtype=I64)
    if len(shape) >= 2:
        xt = np.ascontiguousarray(np.swapaxes(x, -1, -2))
        ref_t = getattr(R, which)(np.swapaxes(xt, -1, -2), dim, keepdim)
        assert_close(
            getattr(tgt(xt).transpose(-1, -2), which)(**kw(dim, keepdim)), ref_t, dtype=I64
        )


def test_argmax_int_and_first_occurrence():
    t = tgt(np.array([[1, 5, 5], [7, 0, 7]]))
    assert_close(t.argmax(1), np.array([1, 0]), dtype=I64)  # first of equal maxima, like PyTorch
    assert_close(t.argmin(), np.array(4), dtype=I64)


# ---- dtypes -----------------------------------------------------------------------------------


def test_sum_int_and_bool_give_int64():
    a = np.array([[1, 2, 3], [4, 5, 6]])
    assert_close(tgt(a).sum(), np.array(21), dtype=I64)
    assert_close(tgt(a).sum(0), a.sum(0), dtype=I64)
    m = np.array([[True, False, True], [True, True, True]])
    assert_close(tgt(m).sum(), np.array(5), dtype=I64)
    assert_close(tgt(m).sum(1), m.sum(1), dtype=I64)
    assert_close(tgt(a).prod(1), a.prod(1), dtype=I64)
    assert_close(tgt(a).amax(1), a.max(1), dtype=I64)


def test_mean_of_int_raises():
    with raises(TypeError, RuntimeError, match="could not infer output dtype"):
        tgt(np.array([1, 2, 3])).mean()


def test_float32_stays_float32():
    t = tgt(randn(3, 4).astype(np.float32))
    for r in [
        t.sum(),
        t.mean(1),
        t.var(0),
        t.std(),
        t.norm(),
        t.logsumexp(1),
        t.amax(0),
        t.prod(1),
    ]:
        assert r.dtype == F32


# ---- edge cases -------------------------------------------------------------------------------


def test_reduce_size_zero():
    x = np.zeros((0, 3))
    t = tgt(x)
    assert_close(t.sum(), np.array(0.0))
    assert_close(t.sum(0), np.zeros(3))
    assert_close(t.sum(1), np.zeros(0))
    assert_close(t.prod(0), np.ones(3))
    assert_close(t.mean(0), np.full(3, np.nan))
    assert_close(t.amax(1), np.zeros(0))
    assert_close(t.logsumexp(0), np.full(3, -np.inf))
    assert_close(t.norm(dim=0), np.zeros(3))
    assert_close(tgt(np.zeros((2, 0))).sum(1, keepdim=True), np.zeros((2, 1)))


def test_var_degenerate():
    # one element with the default correction: nan (PyTorch warns), never a crash
    assert_close(tgt(np.array([3.0])).var(), np.array(np.nan))
    assert_close(tgt(np.array([[1.0, 2.0]])).std(0), np.array([np.nan, np.nan]))
    assert_close(tgt(np.array([3.0])).var(unbiased=False), np.array(0.0))


def test_logsumexp_large_values_stable():
    x = np.array([[1000.0, 1000.0, -1000.0], [-1e4, -1e4 + 1, -1e4 - 1]])
    assert_close(tgt(x).logsumexp(1), R.logsumexp(x, 1))
    assert_close(tgt(x.astype(np.float32)).logsumexp(1), R.logsumexp(x, 1), dtype=F32)
    x = np.array([-np.inf, -np.inf])
    assert_close(tgt(x).logsumexp(0), np.array(-np.inf))


def test_std_grad_at_constant_row_is_zero():
    # PyTorch masks the 0/0 of a constant row: gradient 0, not nan
    x = tgt(np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]), requires_grad=True)
    x.std(1).sum().backward()
    g = x.grad.numpy()
    np.testing.assert_allclose(g[1], np.array([-0.5, 0.0, 0.5]), atol=1e-12)
    np.testing.assert_array_equal(g[0], np.zeros(3))


def test_norm_grad_at_zero_is_zero():
    # PyTorch defines the subgradient of the 2-norm at 0 as 0 (not nan)
    x = tgt(np.zeros(3), requires_grad=True)
    x.norm().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(3))


def test_reduce_dim_none_keepdim_shapes():
    t = tgt(randn(2, 3, 4))
    assert tuple(t.sum(dim=(0, 1, 2)).shape) == ()
    assert tuple(t.sum(dim=(0, 1, 2), keepdim=True).shape) == (1, 1, 1)
    assert tuple(t.mean(dim=(1, -1)).shape) == (2,)
    assert tuple(t.amax(dim=(0,), keepdim=True).shape) == (1, 3, 4)


# ---- var_mean / std_mean: one node, two differentiable outputs ----------------------------


@pytest.mark.parametrize("fn,disp", [("var_mean", np.var), ("std_mean", np.std)])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), ((0, 2), True), (-1, True)])
def test_var_mean_std_mean_forward(fn, disp, dim, keepdim):
    x = randn(3, 4, 5)
    d, m = getattr(tg, fn)(tgt(x), dim, keepdim=keepdim, correction=0)
    axis = None if dim is None else dim
    assert_close(d, disp(x, axis=axis, keepdims=keepdim))
    assert_close(m, np.mean(x, axis=axis, keepdims=keepdim))


@pytest.mark.parametrize("fn", ["var_mean", "std_mean"])
@pytest.mark.parametrize("use", ["both", "dispersion", "mean"])
def test_var_mean_std_mean_gradients(fn, use):
    w = {"both": (1.5, -0.7), "dispersion": (1.0, 0.0), "mean": (0.0, 1.0)}[use]

    def f(x):
        d, m = getattr(tg, fn)(x, 1, correction=1)
        if use == "dispersion":
            return d
        if use == "mean":
            return m
        return d * w[0] + m * w[1]

    check_grad(f, randn(3, 5, seed=1))


@pytest.mark.parametrize("fn,single", [("var_mean", "var"), ("std_mean", "std")])
def test_var_mean_is_one_node_and_matches_the_separate_ops(fn, single):
    x = tgt(randn(4, 6, seed=2), requires_grad=True)
    d, m = getattr(tg, fn)(x, dim=0)
    assert (
        d.grad_fn.name()
        == m.grad_fn.name()
        == {"var_mean": "VarMeanBackward0", "std_mean": "StdMeanBackward0"}[fn]
    )
    # only one output reaches the loss: the other's slot stays undefined
    (m * 3.0).sum().backward(retain_graph=True)
    assert_close(x.grad, np.full((4, 6), 3.0 / 4))
    x.grad = None
    d.sum().backward()
    y = tgt(randn(4, 6, seed=2), requires_grad=True)
    getattr(y, single)(dim=0).sum().backward()
    assert_close(x.grad, y.grad.numpy())


@tetragrad_only("tetragrad's messages and promotion in equal")
def test_allclose_equal():
    a = tg.tensor([1.0, 2.0, float("inf")])
    assert tg.allclose(a, a + 1e-9) and a.allclose(a) and not tg.allclose(a, a * 1.1)
    assert tg.allclose(tg.ones(2), tg.ones(1))  # broadcasts, as torch's
    assert not tg.allclose(tg.tensor([float("nan")]), tg.tensor([float("nan")]))
    assert tg.allclose(tg.tensor([float("nan")]), tg.tensor([float("nan")]), equal_nan=True)
    assert tg.equal(tg.ones(2), tg.ones(2, dtype=tg.float64))  # values after promotion
    assert not tg.equal(tg.ones(2), tg.ones(3)) and not tg.equal(tg.ones(2), tg.zeros(2))
    assert not tg.equal(tg.tensor([float("nan")]), tg.tensor([float("nan")]))
    assert isinstance(tg.allclose(a, a), bool) and isinstance(tg.equal(a, a), bool)
    with pytest.raises(TypeError, match=r"isclose: .*same dtype.*float32 and float64"):
        tg.isclose(tg.ones(2), tg.ones(2, dtype=tg.float64))
    with pytest.raises(
        ValueError, match="rtol must be greater than or equal to zero, but got -1.0"
    ):
        tg.isclose(tg.ones(2), tg.ones(2), rtol=-1)
    with pytest.raises(RuntimeError, match=r"\[2\].*\[3\]"):
        tg.isclose(tg.ones(2), tg.ones(3))


@tetragrad_only("tetragrad's alias error message")
def test_numpy_keyword_aliases():
    x = tgt(randn(2, 3, 4))
    assert_close(x.sum(axis=1, keepdims=True), x.sum(dim=1, keepdim=True))
    assert_close(tg.mean(x, axis=(0, 2)), tg.mean(x, dim=(0, 2)))
    assert_close(x.max(axis=2).values, x.amax(2))
    assert_close(tg.cat([x, x], axis=1), tg.cat([x, x], dim=1))
    assert_close(x.any(axis=0), x.any(0))
    with pytest.raises(TypeError, match="both dim= and its alias axis="):
        x.sum(dim=1, axis=1)


@pytest.mark.parametrize(
    "dims,keepdim", [((), False), ((1,), False), ((0, 1), True), ((2,), False), ((-1, 0), True)]
)
@pytest.mark.parametrize("name", ["sum", "mean"])
def test_reductions_over_expanded_dims(name, dims, keepdim):
    # an expanded input is reduced through its base (no materialised copy): same values and
    # gradients as the dense tensor
    base = np.random.default_rng(5).standard_normal((3, 1, 4))
    leaf = tg.tensor(base, requires_grad=True)
    x = leaf.expand(3, 5, 4)
    dense = np.broadcast_to(base, (3, 5, 4))
    kw = {"dim": dims, "keepdim": keepdim} if dims else {}
    got = getattr(x, name)(**kw)
    want = getattr(dense, name)(axis=dims or None, keepdims=keepdim)
    assert tuple(got.shape) == np.shape(want)
    np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-12)
    got.sum().backward()
    # each base element stands for its 5 copies; mean weighs each by 1 / (elements per output)
    per = 1.0 if name == "sum" else np.size(want) / dense.size
    np.testing.assert_allclose(leaf.grad.numpy(), np.full(base.shape, 5 * per), rtol=1e-12)
    ints = tg.tensor([[1], [2]]).expand(2, 1000)
    assert ints.sum(1).tolist() == [1000, 2000] and ints.sum().item() == 3000
