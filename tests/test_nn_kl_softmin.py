"""tetragrad.nn: softmin and kl_div (Python composites of tetragrad ops) and their modules
Softmin and KLDivLoss.

kl_div forward against reference.py for every reduction ('none', 'mean', 'sum', 'batchmean')
and both log_target values (float32 and float64, 0-d, 1-d, 3-d, empty, non-contiguous, mixed
dtypes), float64 gradchecks w.r.t. input and target, targets with exact zeros (finite values,
input gradients of 0 there and torch's NaN target gradient), torch's 'mean' warning, the
deprecated size_average/reduce, softmin (forward, dtype, gradients, the implicit-dim warning),
modules == functional, reprs, the error contract, and parity with torch (outputs and gradients;
skipped when torch is not installed).
"""

import warnings

import numpy as np
import pytest
import reference as R
import tetragrad as tg
from conftest import (
    F32,
    F64,
    FLOATS,
    NP,
    TORCH_BACKEND,
    assert_close,
    assert_same_call,
    check_grad,
    dtype_name,
    make,
    nc,
    np_of,
    raises,
    randn,
    tgt,
    to_np,
    torch_differs,
)

F = tg.nn.functional
nn = tg.nn
REDUCTIONS = ["none", "mean", "sum", "batchmean"]
MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size"
)

# torch's warning for reduction='mean' (its own test below), torch's for size_average/reduce
pytestmark = [
    pytest.mark.filterwarnings("ignore:reduction"),
    pytest.mark.filterwarnings("ignore:size_average and reduce args"),
]


# ---- data -------------------------------------------------------------------------------------


def log_probs(shape, seed=0):
    """log_softmax of standard normals along the last dim (a negative scalar for 0-d)."""
    x = randn(*shape, seed=seed) if shape else np.array(randn(1, seed=seed)[0])
    if not shape or 0 in shape:
        return np.asarray(-np.abs(x) - 0.1)
    return x - np.log(np.sum(np.exp(x), axis=-1, keepdims=True))


def probs(shape, seed=0, zeros=False):
    """Probabilities along the last dim (rows of up to 6: each at least 0.03), exactly 0 at about
    a third of the places with `zeros` (every row keeps a positive entry)."""
    r = np.random.default_rng(seed + 100)
    p = r.uniform(0.2, 1.0, size=shape)
    if zeros and p.ndim:
        p = np.where(r.uniform(size=shape) < 0.35, 0.0, p)
        if p.size:
            p[..., 0] = np.maximum(p[..., 0], 0.3)
    if p.ndim and p.size:
        p = p / p.sum(axis=-1, keepdims=True)
    return np.asarray(p, dtype=np.float64)


def target_for(shape, log_target, seed=0, zeros=False):
    p = probs(shape, seed=seed, zeros=zeros)
    return np.log(p) if log_target else p


def all_finite(t):
    return bool(np.all(np.isfinite(to_np(t))))


# ---- kl_div forward ---------------------------------------------------------------------------

SHAPES = [(), (5,), (3, 4), (2, 3, 4), (0, 3)]


@pytest.mark.parametrize("log_target", [False, True], ids=["prob", "logt"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_kl_div_forward(shape, reduction, log_target):
    x, t = log_probs(shape, seed=1), target_for(shape, log_target, seed=2)
    for dtype in FLOATS:
        xd, td = x.astype(NP[dtype]), t.astype(NP[dtype])
        out = F.kl_div(tgt(xd), tgt(td), reduction=reduction, log_target=log_target)
        assert_close(out, R.kl_div(xd, td, reduction, log_target), dtype=dtype)
        if reduction == "mean":  # the default
            out = F.kl_div(tgt(xd), tgt(td), log_target=log_target)
            assert_close(out, R.kl_div(xd, td, "mean", log_target), dtype=dtype)


@pytest.mark.parametrize("log_target", [False, True], ids=["prob", "logt"])
def test_kl_div_reductions_relations(log_target):
    x, t = log_probs((4, 5), seed=3), target_for((4, 5), log_target, seed=4)
    xt, tt = tgt(x), tgt(t)
    kw = {"log_target": log_target}
    s = to_np(F.kl_div(xt, tt, reduction="sum", **kw))
    assert_close(F.kl_div(xt, tt, reduction="none", **kw).sum(), s)
    assert_close(F.kl_div(xt, tt, reduction="mean", **kw), s / 20)
    assert_close(F.kl_div(xt, tt, reduction="batchmean", **kw), s / 4)


def test_kl_div_batchmean_is_the_kl_divergence():
    p, q = probs((3, 6), seed=5), probs((3, 6), seed=6)
    kl = np.mean(np.sum(p * np.log(p / q), axis=1))  # mean over the batch of KL(p || q)
    assert_close(F.kl_div(tgt(np.log(q)), tgt(p), reduction="batchmean"), kl)
    assert_close(
        F.kl_div(tgt(np.log(q)), tgt(np.log(p)), reduction="batchmean", log_target=True), kl
    )
    # KL(p || p) == 0
    assert_close(F.kl_div(tgt(np.log(p)), tgt(p), reduction="none"), np.zeros((3, 6)), atol=1e-15)


@pytest.mark.parametrize("log_target", [False, True], ids=["prob", "logt"])
def test_kl_div_noncontiguous(log_target):
    x, t = log_probs((3, 4), seed=7), target_for((3, 4), log_target, seed=8, zeros=not log_target)
    for dtype in FLOATS:
        xd, td = x.astype(NP[dtype]), t.astype(NP[dtype])
        for r in REDUCTIONS:
            out = F.kl_div(nc(xd), nc(td), reduction=r, log_target=log_target)
            assert_close(out, R.kl_div(xd, td, r, log_target), dtype=dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_kl_div_mixed_dtypes_promote(reduction):
    """As torch: float32 with float64 returns float64 (log(target) is in target's dtype)."""
    x, t = log_probs((2, 3), seed=9), probs((2, 3), seed=10)
    for xd, td in ((np.float32, np.float64), (np.float64, np.float32)):
        out = F.kl_div(tgt(x.astype(xd)), tgt(t.astype(td)), reduction=reduction)
        expected = R.kl_div(x.astype(xd), t.astype(td), reduction)
        assert_close(out, expected, dtype=F64, rtol=1e-5, atol=1e-6)


# ---- kl_div: target == 0 (xlogy) ------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_kl_div_target_zeros(reduction):
    x = log_probs((3, 5), seed=11)
    t = probs((3, 5), seed=12, zeros=True)
    assert np.any(t == 0) and np.all(t >= 0)
    for dtype in FLOATS:
        xd, td = x.astype(NP[dtype]), t.astype(NP[dtype])
        xt, tt = tgt(xd, requires_grad=True), tgt(td, requires_grad=True)
        out = F.kl_div(xt, tt, reduction=reduction)
        assert all_finite(out), to_np(out)
        assert_close(out, R.kl_div(xd, td, reduction), dtype=dtype)
        if reduction == "none":
            np.testing.assert_array_equal(to_np(out)[t == 0], 0.0)  # exactly 0, as xlogy
        out.sum().backward()
        gx, gt = R.kl_div_grads(xd, td, reduction)
        assert all_finite(xt.grad)
        assert_close(xt.grad, gx, dtype=dtype)
        np.testing.assert_array_equal(to_np(xt.grad)[t == 0], 0.0)
        # torch's choice: NaN w.r.t. the target where it is 0 (t log t has slope -inf there)
        assert np.all(np.isnan(to_np(tt.grad)[t == 0]))
        assert_close(tt.grad, gt, dtype=dtype)


def test_kl_div_target_zeros_without_target_grad():
    """The usual case (a fixed target distribution): finite loss and input gradient."""
    x = tgt(log_probs((4, 3), seed=13), requires_grad=True)
    t = probs((4, 3), seed=14, zeros=True)
    loss = F.kl_div(x, tgt(t), reduction="batchmean")
    loss.backward()
    assert all_finite(loss) and all_finite(x.grad)
    assert_close(x.grad, -t / 4)


def test_kl_div_negative_target_is_nan():
    """log of a negative probability: NaN, as torch (xlogy(t, t) for t < 0)."""
    out = F.kl_div(tgt(np.array([-1.0, -2.0])), tgt(np.array([-0.5, 0.5])), reduction="none")
    got = to_np(out)
    assert np.isnan(got[0]) and np.isfinite(got[1])


# ---- kl_div gradients ---------------------------------------------------------------------------


@pytest.mark.parametrize("log_target", [False, True], ids=["prob", "logt"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2), (5,), ()], ids=str)
def test_kl_div_grad(shape, reduction, log_target):
    # the target strictly positive (>= 0.03) for log_target=False: log(t) is smooth there
    x, t = log_probs(shape, seed=15), target_for(shape, log_target, seed=16)
    check_grad(lambda x, t: F.kl_div(x, t, reduction=reduction, log_target=log_target), x, t)


@pytest.mark.parametrize("log_target", [False, True], ids=["prob", "logt"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_kl_div_grads_by_hand(reduction, log_target):
    x, t = log_probs((3, 4), seed=17), target_for((3, 4), log_target, seed=18)
    xt, tt = tgt(x, requires_grad=True), tgt(t, requires_grad=True)
    F.kl_div(xt, tt, reduction=reduction, log_target=log_target).sum().backward()
    gx, gt = R.kl_div_grads(x, t, reduction, log_target)
    assert_close(xt.grad, gx)
    assert_close(tt.grad, gt)


def test_kl_div_grad_through_log_softmax():
    """The usual pipeline: kl_div(log_softmax(logits), p)."""
    p = tgt(probs((3, 5), seed=19))
    check_grad(
        lambda z: F.kl_div(F.log_softmax(z, dim=1), p, reduction="batchmean"), randn(3, 5, seed=21)
    )


# ---- kl_div: torch's warning and the deprecated arguments -------------------------------------


def test_kl_div_mean_warns():
    x, t = tgt(log_probs((2, 3), seed=22)), tgt(probs((2, 3), seed=23))
    with pytest.warns(UserWarning, match=MEAN_WARNING):
        F.kl_div(x, t)
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(x, t, reduction="mean")
    with pytest.warns(UserWarning, match=MEAN_WARNING):
        nn.KLDivLoss()(x, t)


def test_kl_div_other_reductions_do_not_warn():
    x, t = tgt(log_probs((2, 3), seed=22)), tgt(probs((2, 3), seed=23))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for r in ["none", "sum", "batchmean"]:
            F.kl_div(x, t, reduction=r)
            F.kl_div(x, t, reduction=r, log_target=True)
            nn.KLDivLoss(reduction=r)(x, t)


# (size_average, reduce) -> the reduction they stand for (torch's legacy mapping)
LEGACY = [
    ((None, False), "none"),
    ((True, False), "none"),
    ((False, None), "sum"),
    ((False, True), "sum"),
    ((True, None), "mean"),
    ((None, True), "mean"),
    ((True, True), "mean"),
]


@pytest.mark.parametrize("args,reduction", LEGACY, ids=str)
def test_kl_div_legacy_arguments(args, reduction):
    x, t = log_probs((3, 4), seed=24), probs((3, 4), seed=25)
    expected = R.kl_div(x, t, reduction)
    size_average, reduce = args
    # they override reduction, as in torch
    out = F.kl_div(tgt(x), tgt(t), size_average, reduce, "none")
    assert_close(out, expected)
    out = F.kl_div(tgt(x), tgt(t), size_average=size_average, reduce=reduce, reduction="sum")
    assert_close(out, expected)
    m = nn.KLDivLoss(size_average, reduce)
    assert m.reduction == reduction
    assert_close(m(tgt(x), tgt(t)), expected)


@torch_differs("it divides by the batch size all the same (a torch bug)")
def test_kl_div_legacy_arguments_override_batchmean():
    x, t = log_probs((3, 4), seed=24), probs((3, 4), seed=25)
    out = F.kl_div(tgt(x), tgt(t), size_average=False, reduction="batchmean")
    assert_close(out, R.kl_div(x, t, "sum"))


def test_kl_div_positional_arguments():
    """torch's order: input, target, size_average, reduce, reduction, log_target."""
    x, t = log_probs((3, 4), seed=26), target_for((3, 4), True, seed=27)
    out = F.kl_div(tgt(x), tgt(t), None, None, "sum", True)
    assert_close(out, R.kl_div(x, t, "sum", log_target=True))
    m = nn.KLDivLoss(None, None, "batchmean", True)
    assert (m.reduction, m.log_target) == ("batchmean", True)


# ---- softmin --------------------------------------------------------------------------------------

SOFTMIN_CASES = [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1), ((), 0)]
SOFTMIN_CASES += [((2, 3, 4), -3), ((0, 3), 1)]


@pytest.mark.parametrize("shape,dim", SOFTMIN_CASES, ids=str)
def test_softmin_forward(shape, dim):
    x = randn(*shape, seed=28)
    for dtype in FLOATS:
        xd = x.astype(NP[dtype])
        assert_close(F.softmin(tgt(xd), dim), R.softmin(xd, dim), dtype=dtype)
        assert_close(F.softmin(tgt(xd), dim=dim), R.softmin(xd, dim), dtype=dtype)
        assert_close(nn.Softmin(dim)(tgt(xd)), R.softmin(xd, dim), dtype=dtype)


def test_softmin_is_softmax_of_negation():
    x = tgt(randn(3, 5, seed=29))
    assert_close(F.softmin(x, 1), to_np(F.softmax(-x, 1)), rtol=0, atol=0)
    s = to_np(F.softmin(x, 1))
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-14)
    # the largest weight at the smallest value
    np.testing.assert_array_equal(s.argmax(axis=1), to_np(x).argmin(axis=1))


def test_softmin_noncontiguous():
    x = randn(3, 4, seed=30)
    for dim in (0, 1):
        assert_close(F.softmin(nc(x), dim), R.softmin(x, dim))


def test_softmin_dtype():
    x = randn(2, 5, seed=31).astype(np.float32)
    out = F.softmin(tgt(x), 1, dtype=F64)
    assert_close(out, R.softmin(x, 1), dtype=F64)
    out = F.softmin(tgt(x.astype(np.float64)), dim=0, dtype=F32)
    assert_close(out, R.softmin(x.astype(np.float64), 0), dtype=F32)
    # an integer input is fine once cast, as in torch
    i = np.array([[1, 2, 3], [0, 0, 5]], dtype=np.int64)
    assert_close(F.softmin(tgt(i), 1, dtype=F64), R.softmin(i, 1), dtype=F64)


def test_softmin_stable():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, 1e4]])
    for dtype in FLOATS:
        xt = tgt(x.astype(NP[dtype]), requires_grad=True)
        y = F.softmin(xt, 1)
        (y * tgt(randn(3, 3, seed=32).astype(NP[dtype]))).sum().backward()
        assert all_finite(y) and all_finite(xt.grad)
        assert_close(y, R.softmin(x, 1), dtype=dtype)


@pytest.mark.parametrize("shape,dim", [((4,), 0), ((2, 3), 1), ((2, 3), 0), ((2, 3, 2), -2)])
def test_softmin_grad(shape, dim):
    # a weighted sum, so the gradient is not trivially zero (the rows sum to 1)
    w = tgt(randn(*shape, seed=33))
    check_grad(lambda x: (F.softmin(x, dim) * w).sum(), randn(*shape, seed=34))
    check_grad(lambda x: F.softmin(x, dim=dim), randn(*shape, seed=35))


# torch's deprecated implicit dim: 0 for 0-, 1- and 3-d input, else 1, with a UserWarning
@pytest.mark.parametrize(
    "shape,dim", [((), 0), ((5,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 1, 3, 2), 1)], ids=str
)
def test_softmin_implicit_dim_warns(shape, dim):
    x = randn(*shape, seed=36)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin") as rec:
        assert_close(F.softmin(tgt(x)), R.softmin(x, dim))
    assert rec[0].filename == __file__  # points at the caller
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin") as rec:
        assert_close(nn.Softmin()(tgt(x)), R.softmin(x, dim))
    if not TORCH_BACKEND:  # torch's points into its module.py
        assert rec[0].filename == __file__
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        assert_close(F.softmin(tgt(x), None), R.softmin(x, dim))


def test_softmin_explicit_dim_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.softmin(tgt(randn(2, 3)), 1)
        nn.Softmin(0)(tgt(randn(2, 3)))


# ---- modules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("log_target", [False, True], ids=["prob", "logt"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_kl_div_module(reduction, log_target):
    x, t = log_probs((4, 3), seed=37), target_for((4, 3), log_target, seed=38)
    res = []
    for call in (
        lambda x, t: nn.KLDivLoss(reduction=reduction, log_target=log_target)(x, t),
        lambda x, t: F.kl_div(x, t, reduction=reduction, log_target=log_target),
    ):
        xt, tt = tgt(x, requires_grad=True), tgt(t, requires_grad=True)
        out = call(xt, tt)
        out.sum().backward()
        res.append((to_np(out), to_np(xt.grad), to_np(tt.grad)))
    # the same ops on the same data; tetragrad's sums may still differ in the last bit
    for a, b in zip(res[0], res[1], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)


def test_kl_div_module_default():
    x, t = log_probs((4, 3), seed=39), probs((4, 3), seed=40)
    m = nn.KLDivLoss()
    assert (m.reduction, m.log_target) == ("mean", False)
    assert_close(m(tgt(x), tgt(t)), R.kl_div(x, t, "mean"))
    assert list(m.parameters()) == [] and list(m.state_dict()) == []
    assert nn.KLDivLoss(reduction="batchmean", log_target=True).log_target is True


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmin_module(dim):
    x = tgt(randn(3, 4, seed=41), requires_grad=True)
    w = tgt(randn(3, 4, seed=42))
    m = nn.Softmin(dim)
    assert m.dim == dim and nn.Softmin(dim=dim).dim == dim and nn.Softmin().dim is None
    y = m(x)
    assert_close(y, to_np(F.softmin(x, dim)), rtol=0, atol=0)
    (y * w).sum().backward()
    g = to_np(x.grad)
    x.grad = None
    (F.softmin(x, dim) * w).sum().backward()
    assert_close(x.grad, g, rtol=0, atol=0)


REPRS = [
    (lambda: nn.KLDivLoss(), "KLDivLoss()"),
    (lambda: nn.KLDivLoss(reduction="batchmean", log_target=True), "KLDivLoss()"),
    (lambda: nn.Softmin(dim=1), "Softmin(dim=1)"),
    (lambda: nn.Softmin(0), "Softmin(dim=0)"),
    (lambda: nn.Softmin(), "Softmin(dim=None)"),
    (
        lambda: nn.Sequential(nn.Linear(2, 3), nn.Softmin(dim=-1)),
        "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): Softmin(dim=-1)\n)",
    ),
]


@pytest.mark.parametrize("make_mod,expected", REPRS, ids=[r[1] for r in REPRS])
def test_repr(make_mod, expected):
    assert repr(make_mod()) == expected


def test_exports():
    ns = {}
    exec(f"from {F.__name__} import *", ns)
    assert ns["softmin"] is F.softmin and ns["kl_div"] is F.kl_div
    assert nn.KLDivLoss.__module__.endswith(".loss")
    assert nn.Softmin.__module__.endswith(".activation")


def test_kl_div_trains():
    """A few SGD steps on batchmean KL move log_softmax(logits) to the target distribution."""
    p = tgt(probs((2, 4), seed=43))
    logits = tgt(np.zeros((2, 4)), requires_grad=True)
    first = None
    for _ in range(200):
        loss = F.kl_div(F.log_softmax(logits, dim=1), p, reduction="batchmean")
        first = loss.item() if first is None else first
        logits.grad = None
        loss.backward()
        with tg.no_grad():
            logits -= 2.0 * logits.grad
    assert loss.item() < 1e-3 * first
    assert_close(F.softmax(logits, dim=1), to_np(p), rtol=1e-2, atol=1e-3)


# ---- errors ---------------------------------------------------------------------------------------


def z(*shape, dtype=None):
    return tg.zeros(*shape, dtype=dtype or F32)


# torch raises ValueError here too ("... is not a valid value for reduction")
BAD_REDUCTIONS = [
    ("avg", lambda: F.kl_div(z(2), z(2), reduction="avg")),
    ("None", lambda: F.kl_div(z(2), z(2), reduction=None)),
    ("log_target", lambda: F.kl_div(z(2), z(2), reduction="batch", log_target=True)),
    ("module", lambda: nn.KLDivLoss(reduction="all")(z(2), z(2))),
]


@pytest.mark.parametrize("name,fn", BAD_REDUCTIONS, ids=[c[0] for c in BAD_REDUCTIONS])
def test_kl_div_reduction_error(name, fn):
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        fn()


@torch_differs("its message does not name the op; it takes the deprecated 'elementwise_mean'")
def test_kl_div_reduction_error_names_op():  # (tetragrad's losses do not)
    with pytest.raises(ValueError, match="kl_div: 'elementwise_mean' is not a valid value"):
        F.kl_div(z(2), z(2), reduction="elementwise_mean")
    with pytest.raises(ValueError, match="kl_div: 'avg' is not a valid value for reduction"):
        F.kl_div(z(2), z(2), reduction="avg")
    with pytest.raises(ValueError, match="kl_div: 'None' is not a valid value"):
        F.kl_div(z(2), z(2), reduction=None)


# (id, fn, shapes that must appear in the message)
SHAPE_ERRORS = [
    ("bcast_last", lambda: F.kl_div(z(2, 3), z(3)), ["[2, 3]", "[3]"]),
    ("bcast_1", lambda: F.kl_div(z(4, 1), z(4), reduction="sum"), ["[4, 1]", "[4]"]),
    ("no_bcast", lambda: F.kl_div(z(2, 3), z(2, 4), reduction="none"), ["[2, 3]", "[2, 4]"]),
    ("0d", lambda: F.kl_div(z(()), z(3), reduction="batchmean"), ["[]", "[3]"]),
    (
        "log_target",
        lambda: F.kl_div(z(3, 2), z(2, 3), reduction="sum", log_target=True),
        ["[3, 2]", "[2, 3]"],
    ),
    ("module", lambda: nn.KLDivLoss(reduction="batchmean")(z(5), z(1)), ["[5]", "[1]"]),
]


@torch_differs("it broadcasts, or raises RuntimeError")
@pytest.mark.parametrize("name,fn,shapes", SHAPE_ERRORS, ids=[c[0] for c in SHAPE_ERRORS])
def test_kl_div_shape_error(name, fn, shapes):
    with pytest.raises(ValueError) as info:
        fn()
    msg = str(info.value)
    assert "kl_div" in msg, f"message does not name the op: {msg!r}"
    for s in shapes:
        assert s in msg, f"message does not show shape {s}: {msg!r}"


@pytest.mark.parametrize("which", ["input", "target", "both"])
def test_kl_div_int_error(which):
    i = tgt(np.array([[1, 2]], dtype=np.int64))
    f = z(1, 2)
    x, t = {"input": (i, f), "target": (f, i), "both": (i, i)}[which]
    with raises(
        TypeError,
        RuntimeError,
        match=r"kl_div: expected a floating-point .*int64",
        torch_match="kl_div: Integral inputs not supported",
    ):
        F.kl_div(x, t, reduction="sum")


def test_softmin_int_error():
    with raises(
        TypeError,
        NotImplementedError,  # "softmax_lastdim_kernel_impl" not implemented for 'Long'
        match="softmin: expected a floating-point",
        torch_match="not implemented for 'Long'",
    ):
        F.softmin(tgt(np.array([1, 2], dtype=np.int64)), 0)


@pytest.mark.parametrize("dim", ["1", 1.0, [1]], ids=str)
def test_softmin_dim_type_error(dim):
    with raises(TypeError, match="softmin: dim must be an int or None", torch_match="must be int"):
        F.softmin(tgt(randn(2, 3)), dim)


def test_softmin_dim_out_of_range():
    with pytest.raises(IndexError, match="out of range"):
        F.softmin(tgt(randn(2, 3)), 2)


# ---- parity with torch ------------------------------------------------------------------------------


def run_kl(M, x, t, dtypes, **kw):
    """kl_div on module M; backward with a fixed random upstream gradient."""
    xt = make(M, x.astype(dtypes[0]), requires_grad=True)
    tt = make(M, t.astype(dtypes[1]), requires_grad=True)
    out = M.nn.functional.kl_div(xt, tt, **kw)
    out.backward(
        make(M, np.asarray(randn(*tuple(out.shape), seed=99)).astype(np.float64)).to(out.dtype)
    )
    return out, (xt, tt)


def check_parity(torch, outs):
    (out_tg, in_tg), _ = outs
    f32 = "float32" in [dtype_name(t) for t in (out_tg, *in_tg)]
    # NaN where torch has NaN (the target gradient at target == 0): assert_allclose matches them
    assert_same_call(*outs, np.float32 if f32 else np.float64)


DTYPES = pytest.mark.parametrize(
    "dtypes",
    [(np.float32, np.float32), (np.float64, np.float64), (np.float32, np.float64)],
    ids=["f32", "f64", "f32_f64"],
)


@DTYPES
@pytest.mark.parametrize("log_target", [False, True], ids=["prob", "logt"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2), (5,), ()], ids=str)
def test_parity_kl_div(shape, reduction, log_target, dtypes, torch):
    x, t = log_probs(shape, seed=44), target_for(shape, log_target, seed=45)
    kw = {"reduction": reduction, "log_target": log_target}
    check_parity(torch, [run_kl(M, x, t, dtypes, **kw) for M in (tg, torch)])


@DTYPES
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_parity_kl_div_target_zeros(reduction, dtypes, torch):
    x, t = log_probs((4, 5), seed=46), probs((4, 5), seed=47, zeros=True)
    assert np.any(t == 0)
    check_parity(torch, [run_kl(M, x, t, dtypes, reduction=reduction) for M in (tg, torch)])


@pytest.mark.parametrize("args", [(None, False), (False, None), (True, True)], ids=str)
def test_parity_kl_div_legacy(args, torch):
    x, t = log_probs((3, 4), seed=48), probs((3, 4), seed=49)
    kw = {"size_average": args[0], "reduce": args[1]}
    dt = (np.float64, np.float64)
    check_parity(torch, [run_kl(M, x, t, dt, **kw) for M in (tg, torch)])


def run_softmin(M, x, dim, **kw):
    xt = make(M, x, requires_grad=True)
    out = M.nn.functional.softmin(xt, dim, **kw)
    out.backward(make(M, randn(*x.shape, seed=98)).to(out.dtype))
    return out, (xt,)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("shape,dim", [((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1), ((5,), 0)])
def test_parity_softmin(shape, dim, dtype, torch):
    x = randn(*shape, seed=50).astype(dtype)
    check_parity(torch, [run_softmin(M, x, dim) for M in (tg, torch)])
    outs = [run_softmin(M, x, dim, dtype=M.float64) for M in (tg, torch)]
    check_parity(torch, outs)


MODULE_PARITY = [
    lambda M: M.nn.KLDivLoss(),
    lambda M: M.nn.KLDivLoss(reduction="batchmean"),
    lambda M: M.nn.KLDivLoss(reduction="sum", log_target=True),
    lambda M: M.nn.KLDivLoss(reduction="none", log_target=True),
    lambda M: M.nn.Softmin(dim=1),
    lambda M: M.nn.Softmin(dim=-1),
]
MODULE_IDS = ["KLDivLoss", "KLDivLoss_batchmean", "KLDivLoss_sum_logt", "KLDivLoss_none_logt"]
MODULE_IDS += ["Softmin", "Softmin_last"]


@pytest.mark.parametrize("factory", MODULE_PARITY, ids=MODULE_IDS)
def test_parity_module(factory, torch):
    """Same repr, state_dict keys, output and gradients in float32."""
    x0 = log_probs((2, 4, 3), seed=51).astype(np.float32)
    res = []
    for M in (tg, torch):
        m = factory(M)
        t0 = target_for((2, 4, 3), getattr(m, "log_target", False), seed=52).astype(np.float32)
        x = make(M, x0, requires_grad=True)
        t = make(M, t0, requires_grad=True)
        is_loss = "Loss" in type(m).__name__
        out = m(x, t) if is_loss else m(x)
        out.backward(make(M, randn(*tuple(out.shape), seed=53).astype(np.float32)))
        grads = [np_of(x.grad)] + ([np_of(t.grad)] if is_loss else [])
        res.append((repr(m), list(m.state_dict()), np_of(out), grads))
    assert res[0][:2] == res[1][:2]
    np.testing.assert_allclose(res[0][2], res[1][2], rtol=2e-5, atol=2e-6)
    for g_tg, g_pt in zip(res[0][3], res[1][3], strict=True):
        np.testing.assert_allclose(g_tg, g_pt, rtol=2e-5, atol=2e-6)
