"""Parity of tetragrad.nn.functional with torch.nn.functional (skipped when torch is not installed):
the same expression, written once against a module `M` (tetragrad or torch, with F = M.nn.functional),
gives the same outputs, dtypes and gradients (input, target and weight) in float32 and float64."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import (
    TORCH_BACKEND,
    assert_same_call,
    distinct,
    make,
    np_of,
    rand_away,
    randn,
)

torch = pytest.importorskip("torch")

REDUCTIONS = ["none", "mean", "sum"]


# An argument spec: (kind, shape) for generated data, or an int64 array of class indices.
# Kinds: "any" (normal), "away" (|x| in [0.2, 2], away from kinks), "unit" (in (0.05, 0.95)),
# "big" (logits of order 1e4), "w" (positive constant weights), "wg" (positive weights with a
# gradient: torch differentiates only probability-target cross_entropy's weight).
GRAD_KINDS = ("any", "away", "unit", "big", "wg")


def X(*s):
    return ("any", s)


def A(*s):
    return ("away", s)


def U(*s):
    return ("unit", s)


def W(*s):
    return ("w", s)


def T(v):
    return np.array(v, dtype=np.int64)


def gen(spec, seed):
    if isinstance(spec, np.ndarray):
        return spec
    kind, shape = spec
    r = np.random.default_rng(seed)
    if kind == "any":
        return np.asarray(randn(*shape, seed=seed) * 1.5)
    if kind == "away":
        return np.asarray(rand_away(*shape, seed=seed))
    if kind == "distinct":
        return np.asarray(distinct(*shape, seed=seed))
    if kind == "unit":
        return r.uniform(0.05, 0.95, size=shape)
    if kind == "big":
        return r.choice([-1e4, -5e3, 0.0, 5e3, 1e4], size=shape)
    if kind in ("w", "wg"):
        return np.asarray(rand_away(*shape, seed=seed, positive=True))
    raise ValueError(kind)


def run(M, fn, specs, dtype, extra=()):
    """fn(F, *tensors, *extra) on module M; backward with a fixed random upstream gradient."""
    arrays = [gen(s, seed=i + 1) for i, s in enumerate(specs)]
    ts = []
    for s, a in zip(specs, arrays, strict=True):
        is_float = not isinstance(s, np.ndarray)
        grad = is_float and s[0] in GRAD_KINDS
        ts.append(make(M, a.astype(dtype) if is_float else a, requires_grad=grad))
    out = fn(M.nn.functional, *ts, *extra)
    if out.requires_grad:
        out.backward(make(M, np.asarray(randn(*tuple(out.shape), seed=99)).astype(dtype)))
    return out, ts


def check_parity(fn, specs, dtype, extra=()):
    assert_same_call(run(tg, fn, specs, dtype, extra), run(torch, fn, specs, dtype, extra), dtype)


DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])

# ---- activations, softmax, linear, dropout in eval mode --------------------------------------------
# (id, fn(F, *tensors), specs)
CASES = [
    ("sigmoid", lambda F, x: F.sigmoid(x), [X(2, 5)]),
    ("tanh", lambda F, x: F.tanh(x), [X(2, 5)]),
    ("relu", lambda F, x: F.relu(x), [A(2, 5)]),
    ("leaky_relu", lambda F, x: F.leaky_relu(x), [A(2, 5)]),
    ("leaky_relu_slope", lambda F, x: F.leaky_relu(x, negative_slope=0.2), [A(3, 4)]),
    ("elu", lambda F, x: F.elu(x), [A(2, 5)]),
    ("elu_alpha", lambda F, x: F.elu(x, alpha=0.5), [A(3, 4)]),
    ("gelu", lambda F, x: F.gelu(x), [X(2, 5)]),
    ("gelu_tanh", lambda F, x: F.gelu(x, approximate="tanh"), [X(2, 5)]),
    ("act_0d", lambda F, x: F.gelu(x) + F.elu(x) + F.sigmoid(x) * F.leaky_relu(x), [A()]),
    ("act_big", lambda F, x: F.sigmoid(x) + F.tanh(x) + F.elu(x) + F.gelu(x), [("big", (3, 5))]),
    ("softmax_1", lambda F, x: F.softmax(x, dim=1), [X(3, 4)]),
    ("softmax_0", lambda F, x: F.softmax(x, 0), [X(3, 4)]),
    ("softmax_neg", lambda F, x: F.softmax(x, dim=-2), [X(2, 3, 4)]),
    ("softmax_0d", lambda F, x: F.softmax(x, dim=0) * x, [X()]),
    ("softmax_big", lambda F, x: F.softmax(x, dim=1), [("big", (4, 5))]),
    ("softmax_t", lambda F, x: F.softmax(x.t(), dim=1), [X(4, 3)]),
    ("log_softmax_1", lambda F, x: F.log_softmax(x, dim=1), [X(3, 4)]),
    ("log_softmax_1d", lambda F, x: F.log_softmax(x, dim=0), [X(5)]),
    ("log_softmax_neg", lambda F, x: F.log_softmax(x, -1), [X(2, 3, 4)]),
    ("log_softmax_big", lambda F, x: F.log_softmax(x, dim=0), [("big", (4, 5))]),
    ("log_softmax_t", lambda F, x: F.log_softmax(x.transpose(0, 2), dim=1), [X(4, 3, 2)]),
    ("linear", lambda F, x, w, b: F.linear(x, w, b), [X(3, 4), X(5, 4), X(5)]),
    ("linear_nobias", lambda F, x, w: F.linear(x, w), [X(3, 4), X(5, 4)]),
    ("linear_1d", lambda F, x, w, b: F.linear(x, w, bias=b), [X(4), X(2, 4), X(2)]),
    ("linear_3d", lambda F, x, w, b: F.linear(x, w, b), [X(2, 3, 4), X(5, 4), X(5)]),
    ("linear_wt", lambda F, x, w: F.linear(x.t(), w.t()), [X(4, 3), X(4, 5)]),
    (
        "mlp",
        lambda F, x, w1, b1, w2: F.log_softmax(F.linear(F.gelu(F.linear(x, w1, b1)), w2), 1),
        [X(4, 3), X(6, 3), X(6), X(2, 6)],
    ),
    ("dropout_eval", lambda F, x: F.dropout(x, 0.3, training=False), [X(3, 4)]),
    ("dropout_p0", lambda F, x: F.dropout(x, p=0.0), [X(3, 4)]),
]


@DTYPES
@pytest.mark.parametrize("name,fn,specs", CASES, ids=[c[0] for c in CASES])
def test_parity(name, fn, specs, dtype):
    check_parity(fn, specs, dtype)


# ---- losses, for every reduction ----------------------------------------------------------------
# (id, fn(F, *tensors, reduction), specs)
LOSSES = [
    ("mse", lambda F, x, t, r: F.mse_loss(x, t, reduction=r), [X(3, 4), X(3, 4)]),
    ("mse_0d", lambda F, x, t, r: F.mse_loss(x, t, reduction=r), [X(), X()]),
    ("l1", lambda F, x, t, r: F.l1_loss(x, t, reduction=r), [X(2, 3, 2), X(2, 3, 2)]),
    ("l1_1d", lambda F, x, t, r: F.l1_loss(x, t, reduction=r), [X(5), X(5)]),
    ("nll", lambda F, x, t, r: F.nll_loss(x, t, reduction=r), [X(4, 3), T([0, 2, 1, 2])]),
    ("nll_1d", lambda F, x, t, r: F.nll_loss(x, t, reduction=r), [X(4), T(2)]),
    (
        "nll_3d_w_ign",
        lambda F, x, t, w, r: F.nll_loss(x, t, weight=w, reduction=r),
        [X(2, 3, 4), T([[0, -100, 2, 1], [2, 2, 1, -100]]), W(3)],
    ),
    (
        "nll_ign_custom",
        lambda F, x, t, w, r: F.nll_loss(x, t, w, ignore_index=0, reduction=r),
        [X(5, 3), T([0, 2, 1, 0, 2]), W(3)],
    ),
    ("ce", lambda F, x, t, r: F.cross_entropy(x, t, reduction=r), [X(4, 3), T([0, 2, 1, 2])]),
    ("ce_1d", lambda F, x, t, r: F.cross_entropy(x, t, reduction=r), [X(5), T(4)]),
    (
        "ce_4d",
        lambda F, x, t, r: F.cross_entropy(x, t, reduction=r),
        [X(2, 3, 2, 2), T([[[0, 1], [2, 2]], [[1, 0], [0, 2]]])],
    ),
    (
        "ce_w",
        lambda F, x, t, w, r: F.cross_entropy(x, t, weight=w, reduction=r),
        [X(4, 3), T([0, 2, 1, 2]), W(3)],
    ),
    (
        "ce_ign",
        lambda F, x, t, r: F.cross_entropy(x, t, reduction=r),
        [X(4, 3), T([0, -100, 1, -100])],
    ),
    (
        "ce_w_ign_custom",
        lambda F, x, t, w, r: F.cross_entropy(x, t, w, ignore_index=1, reduction=r),
        [X(5, 3), T([0, 1, 2, 1, 2]), W(3)],
    ),
    (
        "ce_ls",
        lambda F, x, t, r: F.cross_entropy(x, t, label_smoothing=0.1, reduction=r),
        [X(4, 3), T([0, 2, 1, 2])],
    ),
    (
        "ce_ls_w_ign",
        lambda F, x, t, w, r: F.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction=r),
        [X(4, 3), T([0, -100, 1, 2]), W(3)],
    ),
    (
        "ce_ls_3d_w_ign",
        lambda F, x, t, w, r: F.cross_entropy(
            x, t, weight=w, ignore_index=3, label_smoothing=0.3, reduction=r
        ),
        [X(2, 4, 3), T([[0, 3, 1], [1, 2, 3]]), W(4)],
    ),
    (
        "ce_ls_1d",
        lambda F, x, t, r: F.cross_entropy(x, t, label_smoothing=0.5, reduction=r),
        [X(5), T(0)],
    ),
    (
        "ce_big",
        lambda F, x, t, r: F.cross_entropy(x, t, label_smoothing=0.1, reduction=r),
        [("big", (6, 4)), T([0, 1, 2, 3, 0, 1])],
    ),
    ("ce_prob", lambda F, x, p, r: F.cross_entropy(x, p, reduction=r), [X(4, 3), U(4, 3)]),
    ("ce_prob_1d", lambda F, x, p, r: F.cross_entropy(x, p, reduction=r), [X(5), U(5)]),
    (
        "ce_prob_w",
        lambda F, x, p, w, r: F.cross_entropy(x, p, weight=w, reduction=r),
        [X(4, 3), U(4, 3), ("wg", (3,))],
    ),
    (
        "ce_prob_3d_w_ls",
        lambda F, x, p, w, r: F.cross_entropy(x, p, weight=w, label_smoothing=0.2, reduction=r),
        [X(2, 3, 4), U(2, 3, 4), ("wg", (3,))],
    ),
    (
        "ce_prob_softmax_target",
        lambda F, x, y, r: F.cross_entropy(x, F.softmax(y, dim=1), reduction=r),
        [X(4, 3), X(4, 3)],
    ),
    (
        "ce_prob_big",
        lambda F, x, p, r: F.cross_entropy(x, p, label_smoothing=0.1, reduction=r),
        [("big", (6, 4)), U(6, 4)],
    ),
    (
        "bce",
        lambda F, x, t, r: F.binary_cross_entropy(x, t, reduction=r),
        [U(3, 4), U(3, 4)],
    ),
    ("bce_0d", lambda F, x, t, r: F.binary_cross_entropy(x, t, reduction=r), [U(), U()]),
    (
        "bce_w",
        lambda F, x, t, w, r: F.binary_cross_entropy(x, t, weight=w, reduction=r),
        [U(3, 4), U(3, 4), W(4)],
    ),
    (
        "bce_sigmoid",
        lambda F, x, t, r: F.binary_cross_entropy(F.sigmoid(x), t, reduction=r),
        [X(2, 3, 2), U(2, 3, 2)],
    ),
    (
        "bcel",
        lambda F, x, t, r: F.binary_cross_entropy_with_logits(x, t, reduction=r),
        [X(3, 4), U(3, 4)],
    ),
    (
        "bcel_w",
        lambda F, x, t, w, r: F.binary_cross_entropy_with_logits(x, t, weight=w, reduction=r),
        [X(3, 4), U(3, 4), W(3, 1)],
    ),
    (
        "bcel_pw",
        lambda F, x, t, pw, r: F.binary_cross_entropy_with_logits(x, t, reduction=r, pos_weight=pw),
        [X(2, 3, 4), U(2, 3, 4), W(4)],
    ),
    (
        "bcel_w_pw",
        lambda F, x, t, w, pw, r: F.binary_cross_entropy_with_logits(
            x, t, w, reduction=r, pos_weight=pw
        ),
        [X(3, 4), U(3, 4), W(3, 4), W(4)],
    ),
    (
        "bcel_big",
        lambda F, x, t, pw, r: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction=r),
        [("big", (4, 5)), U(4, 5), W(5)],
    ),
]


@DTYPES
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,specs", LOSSES, ids=[c[0] for c in LOSSES])
def test_parity_loss(name, fn, specs, reduction, dtype):
    check_parity(fn, specs, dtype, extra=(reduction,))


def test_parity_training_step():
    """A small classifier: F.linear -> F.relu -> F.dropout(eval) -> F.linear -> F.cross_entropy with
    class weights and label smoothing; the loss and every parameter gradient match."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 5)), rng.integers(0, 3, size=8)
    w1, b1 = rng.standard_normal((16, 5)) * 0.4, rng.standard_normal(16) * 0.1
    w2, b2 = rng.standard_normal((3, 16)) * 0.4, rng.standard_normal(3) * 0.1
    cw = np.array([0.5, 1.0, 2.0], dtype=np.float32)
    res = []
    for M in (tg, torch):
        F = M.nn.functional
        params = [make(M, p.astype(np.float32), requires_grad=True) for p in (w1, b1, w2, b2)]
        xt, yt = make(M, x.astype(np.float32)), make(M, y.astype(np.int64))
        h = F.dropout(F.relu(F.linear(xt, params[0], params[1])), 0.5, training=False)
        loss = F.cross_entropy(
            F.linear(h, params[2], params[3]), yt, weight=make(M, cw), label_smoothing=0.1
        )
        loss.backward()
        res.append([loss.item()] + [np_of(p.grad) for p in params])
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-5)
    for g_tg, g_pt in zip(res[0][1:], res[1][1:], strict=True):
        np.testing.assert_allclose(g_tg, g_pt, rtol=1e-4, atol=1e-6)


@pytest.mark.skipif(TORCH_BACKEND, reason="maxout is tetragrad-only")
@pytest.mark.parametrize("shape,pool,dim", [((2, 6), 2, -1), ((6, 3), 3, 0), ((2, 6, 2), 2, 1)])
def test_parity_maxout(shape, pool, dim):
    """tetragrad's F.maxout == torch's x.unflatten(dim, (k, pool)).amax(dim + 1)."""
    a = distinct(*shape, seed=3)
    x_tg, x_pt = make(tg, a, requires_grad=True), make(torch, a, requires_grad=True)
    d = dim % len(shape)
    out_tg = tg.nn.functional.maxout(x_tg, pool, dim=dim)
    out_pt = x_pt.unflatten(d, (shape[d] // pool, pool)).amax(d + 1)
    g = randn(*tuple(out_pt.shape), seed=4)
    out_tg.backward(make(tg, g))
    out_pt.backward(make(torch, g))
    np.testing.assert_allclose(np_of(out_tg), np_of(out_pt), rtol=1e-12)
    np.testing.assert_allclose(np_of(x_tg.grad), np_of(x_pt.grad), rtol=1e-12)


# ---- mixed float32/float64 operands -----------------------------------------------------------
# mse, l1, smooth_l1 and probability-target cross_entropy compute in the promoted dtype; huber
# keeps input's (torch's own huber backward fails on mixed dtypes, so only its forward is compared)
MIXED = {
    "mse_loss": lambda F, x, y: F.mse_loss(x, y),
    "l1_loss": lambda F, x, y: F.l1_loss(x, y, reduction="sum"),
    "smooth_l1_loss": lambda F, x, y: F.smooth_l1_loss(x, y, beta=0.5),
    "cross_entropy_probs": lambda F, x, y: F.cross_entropy(x, y, label_smoothing=0.1),
}


@pytest.mark.parametrize("dx,dy", [(np.float32, np.float64), (np.float64, np.float32)], ids=str)
@pytest.mark.parametrize("name", list(MIXED))
def test_mixed_dtype_losses(name, dx, dy):
    fn = MIXED[name]
    x, y = randn(3, 4, seed=1), np.random.default_rng(2).uniform(0.1, 0.9, (3, 4))

    def call(M):
        ts = [make(M, x.astype(dx), requires_grad=True), make(M, y.astype(dy), requires_grad=True)]
        out = fn(M.nn.functional, *ts)
        out.backward()
        return out, ts

    assert_same_call(call(tg), call(torch), np.float32)


@pytest.mark.parametrize("dx,dy", [(np.float32, np.float64), (np.float64, np.float32)], ids=str)
def test_mixed_dtype_huber_keeps_input_dtype(dx, dy):
    x, y = randn(3, 4, seed=1), randn(3, 4, seed=2)
    out = tg.nn.functional.huber_loss(make(tg, x.astype(dx)), make(tg, y.astype(dy)))
    want = torch.nn.functional.huber_loss(make(torch, x.astype(dx)), make(torch, y.astype(dy)))
    assert str(out.dtype)[-7:] == str(want.dtype)[-7:]
    np.testing.assert_allclose(out.item(), want.item(), rtol=1e-6)
