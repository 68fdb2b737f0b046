"""tetragrad.nn.functional: activations, linear, dropout and losses against reference.py (forward in
float32 and float64, contiguous or not), float64 gradchecks through every function, numerical
stability at logits of +-1e4, dropout statistics, and the error contract."""

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
    assert_message_names,
    check_grad,
    distinct,
    nc,
    np_dtype,
    raises,
    rand_away,
    randn,
    tgt,
    to_np,
    torch_differs,
)

F = tg.nn.functional
REDUCTIONS = ["none", "mean", "sum"]
tetragrad_only = pytest.mark.skipif(TORCH_BACKEND, reason="tetragrad-only API (not in torch)")


def unit(*shape, seed=0):
    """Values in (0.05, 0.95): probabilities away from bce's clamps."""
    return np.random.default_rng(seed).uniform(0.05, 0.95, size=shape)


def data(kind, shape, seed=0):
    if kind == "any":
        return randn(*shape, seed=seed)
    if kind == "away":
        return rand_away(*shape, seed=seed)
    raise ValueError(kind)


def all_finite(t):
    return bool(np.all(np.isfinite(to_np(t))))


# ---- activations ----------------------------------------------------------------------------------
# name: (tetragrad fn, reference fn, input domain)
ACT = {
    "sigmoid": (lambda x: F.sigmoid(x), R.sigmoid, "any"),
    "tanh": (lambda x: F.tanh(x), R.tanh, "any"),
    "relu": (lambda x: F.relu(x), R.relu, "away"),
    "leaky_relu": (lambda x: F.leaky_relu(x), R.leaky_relu, "away"),
    "leaky_relu_0.2": (lambda x: F.leaky_relu(x, 0.2), lambda x: R.leaky_relu(x, 0.2), "away"),
    "leaky_relu_kw": (
        lambda x: F.leaky_relu(x, negative_slope=-1.5),
        lambda x: R.leaky_relu(x, -1.5),
        "away",
    ),
    "elu": (lambda x: F.elu(x), R.elu, "away"),
    "elu_alpha": (lambda x: F.elu(x, alpha=0.3), lambda x: R.elu(x, 0.3), "away"),
    "elu_alpha_pos": (lambda x: F.elu(x, 2.0), lambda x: R.elu(x, 2.0), "away"),
    "gelu": (lambda x: F.gelu(x), R.gelu, "any"),
    "gelu_none": (lambda x: F.gelu(x, approximate="none"), R.gelu, "any"),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: R.gelu(x, "tanh"), "any"),
}
ACT_SHAPES = [(), (7,), (2, 3, 4), (0, 3)]


@pytest.mark.parametrize("shape", ACT_SHAPES, ids=str)
@pytest.mark.parametrize("name", list(ACT))
def test_activation_forward(name, shape):
    fn, ref, kind = ACT[name]
    for dtype in FLOATS:
        x = (data(kind, shape) * 2).astype(NP[dtype])
        assert_close(fn(tgt(x)), ref(x), dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("name", list(ACT))
def test_activation_noncontiguous(name, dtype):
    fn, ref, kind = ACT[name]
    x = (data(kind, (3, 4), seed=3) * 2).astype(NP[dtype])
    assert_close(fn(nc(x)), ref(x), dtype=dtype)


@pytest.mark.parametrize("name", list(ACT))
def test_activation_grad(name):
    fn, _, kind = ACT[name]
    check_grad(fn, data(kind, (2, 3), seed=4) * 2)


@pytest.mark.parametrize("name", list(ACT))
def test_activation_stable(name):
    fn, ref, _ = ACT[name]
    x = np.array([1e4, -1e4, 3e3, -3e3, 0.5])
    for dtype in FLOATS:
        xt = tgt(x.astype(NP[dtype]), requires_grad=True)
        y = fn(xt)
        y.sum().backward()
        with np.errstate(over="ignore"):
            assert_close(y, ref(x), dtype=dtype)
        assert all_finite(xt.grad), to_np(xt.grad)


# ---- softmax / log_softmax ------------------------------------------------------------------------
SOFTMAX = {"softmax": (F.softmax, R.softmax), "log_softmax": (F.log_softmax, R.log_softmax)}
# (shape, dim)
SOFTMAX_DIMS = [((), 0), ((), -1), ((5,), 0), ((5,), -1), ((1, 4), 0), ((2, 3), 1), ((2, 3), 0)]
SOFTMAX_DIMS += [((2, 3), -2), ((2, 3, 4), 1), ((2, 3, 4), -1), ((2, 3, 4), 0), ((2, 1, 3, 2), -3)]


@pytest.mark.parametrize("shape,dim", SOFTMAX_DIMS, ids=str)
@pytest.mark.parametrize("name", list(SOFTMAX))
def test_softmax_forward(name, shape, dim):
    fn, ref = SOFTMAX[name]
    for dtype in FLOATS:
        x = (randn(*shape, seed=1) * 3).astype(NP[dtype])
        assert_close(fn(tgt(x), dim=dim), ref(x, dim), dtype=dtype)
        assert_close(fn(tgt(x), dim), ref(x, dim), dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("name", list(SOFTMAX))
def test_softmax_noncontiguous(name, dim, dtype):
    fn, ref = SOFTMAX[name]
    x = randn(3, 5, seed=2).astype(NP[dtype])
    assert_close(fn(nc(x), dim=dim), ref(x, dim), dtype=dtype)


@pytest.mark.parametrize(
    "shape,dim", [((4,), 0), ((2, 3), 1), ((2, 3), 0), ((2, 3, 2), -2)], ids=str
)
@pytest.mark.parametrize("name", list(SOFTMAX))
def test_softmax_grad(name, shape, dim):
    fn, _ = SOFTMAX[name]
    check_grad(lambda x: fn(x, dim=dim), randn(*shape, seed=5))
    # a weighted sum, so softmax's gradient is not trivially zero (its rows sum to 1)
    w = tgt(randn(*shape, seed=6))
    check_grad(lambda x: (fn(x, dim=dim) * w).sum(), randn(*shape, seed=5))


# torch's deprecated implicit dim: 0 for 0-, 1- and 3-d input, else 1, with a UserWarning
@pytest.mark.parametrize(
    "shape,dim", [((), 0), ((5,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 1, 3, 2), 1)], ids=str
)
@pytest.mark.parametrize("name", list(SOFTMAX))
def test_softmax_implicit_dim_warns(name, shape, dim):
    fn, ref = SOFTMAX[name]
    module = {"softmax": tg.nn.Softmax, "log_softmax": tg.nn.LogSoftmax}[name]
    x = randn(*shape, seed=3)
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
        assert_close(fn(tgt(x)), ref(x, dim))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        assert_close(module()(tgt(x)), ref(x, dim))


@pytest.mark.parametrize("dim", ["1", 1.0, [1]], ids=str)
def test_softmax_dim_type_error(dim):
    with pytest.raises(TypeError, match="softmax"):  # ours: "softmax: dim must be an int or None"
        F.softmax(tgt(randn(2, 3)), dim)
    with pytest.raises(TypeError):
        tgt(randn(2, 3)).softmax()  # the method needs dim, as torch's


BIG = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [5e3, 1e4, -1e4], [1e4, 1e4, 1e4]])


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize("name", list(SOFTMAX))
def test_softmax_stable(name, dim, dtype):
    fn, ref = SOFTMAX[name]
    x = tgt(BIG.astype(NP[dtype]), requires_grad=True)
    y = fn(x, dim=dim)
    assert_close(y, ref(BIG, dim), dtype=dtype)
    (y * tgt(randn(*BIG.shape, seed=1).astype(NP[dtype]))).sum().backward()
    assert all_finite(x.grad), to_np(x.grad)


# ---- maxout (tetragrad only) ----------------------------------------------------------------------
# (shape, pool_size, dim or None for the default -1)
MAXOUT = [((6,), 2, None), ((6,), 3, 0), ((2, 6), 2, None), ((2, 6), 3, -1), ((4, 3), 2, 0)]
MAXOUT += [((2, 6, 3), 3, 1), ((2, 6, 3), 2, -2), ((2, 3, 4), 4, 2), ((2, 3, 4), 1, 1)]
MAXOUT += [((8, 2), 8, 0)]


@tetragrad_only
@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("shape,pool,dim", MAXOUT, ids=str)
def test_maxout_forward(shape, pool, dim, dtype):
    x = distinct(*shape, seed=1).astype(NP[dtype])
    kw = {} if dim is None else {"dim": dim}
    assert_close(F.maxout(tgt(x), pool, **kw), R.maxout(x, pool, -1 if dim is None else dim))
    if x.ndim >= 2:
        assert_close(F.maxout(nc(x), pool, **kw), R.maxout(x, pool, -1 if dim is None else dim))


@tetragrad_only
@pytest.mark.parametrize("shape,pool,dim", MAXOUT, ids=str)
def test_maxout_grad(shape, pool, dim):
    d = -1 if dim is None else dim
    check_grad(lambda x: F.maxout(x, pool, dim=d), distinct(*shape, seed=2))


@tetragrad_only
@pytest.mark.parametrize(
    "shape,pool,dim", [((2, 5), 2, -1), ((6, 3), 4, 0), ((2, 6), 0, -1), ((4,), 3, 0)], ids=str
)
def test_maxout_not_divisible(shape, pool, dim):
    with pytest.raises(ValueError):
        F.maxout(tg.zeros(*shape), pool, dim=dim)


# ---- linear ------------------------------------------------------------------------------------------
# (x shape, weight shape, bias)
LINEAR = [
    ((3, 4), (5, 4), True),
    ((3, 4), (5, 4), False),
    ((4,), (5, 4), True),
    ((4,), (2, 4), False),
]
LINEAR += [((2, 3, 4), (5, 4), True), ((2, 1, 3, 4), (1, 4), True), ((0, 4), (3, 4), True)]


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("xs,ws,bias", LINEAR, ids=str)
def test_linear_forward(xs, ws, bias, dtype):
    x, w, b = (randn(*s, seed=i).astype(NP[dtype]) for i, s in enumerate([xs, ws, ws[:1]]))
    out = F.linear(tgt(x), tgt(w), tgt(b) if bias else None)
    assert_close(out, R.linear(x, w, b if bias else None), dtype=dtype)
    if bias:
        assert_close(F.linear(tgt(x), tgt(w), bias=tgt(b)), R.linear(x, w, b), dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_linear_noncontiguous(dtype):
    x, w, b = randn(3, 4, seed=1), randn(5, 4, seed=2), randn(5, seed=3)
    x, w, b = (a.astype(NP[dtype]) for a in (x, w, b))
    assert_close(F.linear(nc(x), nc(w), tgt(b)), R.linear(x, w, b), dtype=dtype)
    assert_close(F.linear(tgt(x), tgt(w.T.copy()).t(), tgt(b)), R.linear(x, w, b), dtype=dtype)


@pytest.mark.parametrize("xs,ws,bias", [c for c in LINEAR if 0 not in c[0]], ids=str)
def test_linear_grad(xs, ws, bias):
    x, w, b = randn(*xs, seed=1), randn(*ws, seed=2), randn(ws[0], seed=3)
    if bias:
        check_grad(lambda x, w, b: F.linear(x, w, b), x, w, b)
    else:
        check_grad(lambda x, w: F.linear(x, w), x, w)


# ---- dropout -------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics(p):
    tg.manual_seed(0)
    y = to_np(F.dropout(tg.ones(20000), p=p))
    kept = y != 0
    assert abs(kept.mean() - (1 - p)) < 0.02, kept.mean()  # >5 standard deviations
    np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-6)  # inverted dropout: 1 / (1 - p)
    assert abs(y.mean() - 1) < 0.08, y.mean()  # unbiased


def test_dropout_defaults():
    tg.manual_seed(1)
    y = to_np(F.dropout(tg.ones(200, 50, dtype=F64)))  # p=0.5, training=True
    kept = y != 0
    assert abs(kept.mean() - 0.5) < 0.03
    np.testing.assert_array_equal(y[kept], 2.0)
    assert len({r.tobytes() for r in kept}) > 100  # every element draws its own mask bit
    assert len({c.tobytes() for c in kept.T}) > 40


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_dropout_preserves_values_shape_dtype(dtype):
    x = rand_away(3, 4, 5, seed=1).astype(NP[dtype])
    tg.manual_seed(2)
    y = F.dropout(tgt(x), 0.3)
    assert tuple(y.shape) == (3, 4, 5) and y.dtype == dtype
    got = to_np(y)
    kept = got != 0
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(got[kept], (x / 0.7)[kept], rtol=1e-6)


def test_dropout_noncontiguous():
    x = rand_away(40, 30, seed=3)
    tg.manual_seed(3)
    got = to_np(F.dropout(nc(x), 0.25))
    kept = got != 0
    assert abs(kept.mean() - 0.75) < 0.06
    np.testing.assert_allclose(got[kept], (x / 0.75)[kept], rtol=1e-12)


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_dropout_eval_identity(p):
    x = randn(3, 4, seed=4)
    assert_close(F.dropout(tgt(x), p, training=False), x, dtype=F64)
    assert_close(F.dropout(nc(x), p=p, training=False), x, dtype=F64)


def test_dropout_p0_is_identity():
    x = randn(50, 4, seed=5)
    assert_close(F.dropout(tgt(x), p=0.0), x, dtype=F64)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_dropout_p1_zeros(dtype):
    x = tgt(randn(50, 4, seed=6).astype(NP[dtype]), requires_grad=True)
    y = F.dropout(x, p=1.0)
    assert_close(y, np.zeros((50, 4)), dtype=dtype, rtol=0, atol=0)  # zeros, not NaN
    y.sum().backward()
    assert_close(x.grad, np.zeros((50, 4)), rtol=0, atol=0)


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_dropout_grad_is_mask_times_scale(p):
    x = tgt(rand_away(30, 20, seed=7), requires_grad=True)
    tg.manual_seed(4)
    y = F.dropout(x, p)
    g = randn(30, 20, seed=8)
    y.backward(tgt(g))
    kept = to_np(y) != 0
    assert 0 < kept.sum() < kept.size
    mask = kept / (1 - p)
    assert_close(x.grad, g * mask)
    np.testing.assert_allclose(to_np(y), to_np(x) * mask, rtol=1e-12)


def test_dropout_seeded():
    x = tg.ones(500)
    tg.manual_seed(5)
    a = to_np(F.dropout(x, 0.5))
    b = to_np(F.dropout(x, 0.5))
    tg.manual_seed(5)
    c = to_np(F.dropout(x, 0.5))
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("p", [-0.1, 1.5, 2.0])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError):
        F.dropout(tg.ones(3), p)


# ---- losses ------------------------------------------------------------------------------------------
# An argument spec: ("any" | "away" | "unit" | "w", shape) for generated data, or an int64 array of
# class indices. "any", "away" and "unit" (values in (0.05, 0.95)) arguments get gradchecked;
# "w" (positive weights, 0.2..2) and class indices are constants (torch's losses are not
# differentiable in weight, pos_weight or class indices).
GRAD_KINDS = ("any", "away", "unit")


def X(*s):
    return ("any", s)


def U(*s):
    return ("unit", s)


def W(*s):
    return ("w", s)


def T(v):
    return np.array(v, dtype=np.int64)


# (id, function name in F and in R, positional arg specs, keyword args (specs or plain values))
LOSSES = [
    ("mse_2d", "mse_loss", [X(3, 4), X(3, 4)], {}),
    ("mse_0d", "mse_loss", [X(), X()], {}),
    ("mse_1d", "mse_loss", [X(5), X(5)], {}),
    ("mse_3d", "mse_loss", [X(2, 3, 2), X(2, 3, 2)], {}),
    ("l1_2d", "l1_loss", [X(3, 4), X(3, 4)], {}),
    ("l1_0d", "l1_loss", [X(), X()], {}),
    ("l1_3d", "l1_loss", [X(2, 3, 2), X(2, 3, 2)], {}),
    ("nll_2d", "nll_loss", [X(4, 3), T([0, 2, 1, 2])], {}),
    ("nll_1d", "nll_loss", [X(3), T(1)], {}),
    ("nll_3d", "nll_loss", [X(2, 3, 4), T([[0, 1, 2, 2], [1, 1, 0, 2]])], {}),
    ("nll_4d", "nll_loss", [X(2, 3, 2, 2), T([[[0, 1], [2, 2]], [[1, 0], [0, 2]]])], {}),
    ("nll_w", "nll_loss", [X(4, 3), T([0, 2, 1, 2])], {"weight": W(3)}),
    ("nll_ign", "nll_loss", [X(4, 3), T([0, -100, 1, -100])], {}),
    ("nll_ign_w", "nll_loss", [X(4, 3), T([0, -100, 2, 2])], {"weight": W(3)}),
    ("nll_ign_custom", "nll_loss", [X(4, 3), T([0, 1, 2, 1])], {"weight": W(3), "ignore_index": 1}),
    ("nll_ign_3d_w", "nll_loss", [X(2, 3, 3), T([[0, -100, 2], [1, 2, -100]])], {"weight": W(3)}),
    ("nll_1d_w", "nll_loss", [X(4), T(3)], {"weight": W(4)}),
    ("ce_2d", "cross_entropy", [X(4, 3), T([0, 2, 1, 2])], {}),
    ("ce_1d", "cross_entropy", [X(5), T(3)], {}),
    ("ce_1x1", "cross_entropy", [X(1, 1), T([0])], {}),
    ("ce_3d", "cross_entropy", [X(2, 3, 4), T([[0, 1, 2, 2], [1, 1, 0, 2]])], {}),
    ("ce_4d", "cross_entropy", [X(2, 3, 2, 2), T([[[0, 1], [2, 2]], [[1, 0], [0, 2]]])], {}),
    ("ce_w", "cross_entropy", [X(4, 3), T([0, 2, 1, 2])], {"weight": W(3)}),
    ("ce_ign", "cross_entropy", [X(4, 3), T([0, -100, 1, 2])], {}),
    ("ce_ign_w", "cross_entropy", [X(4, 3), T([-100, 2, 1, 2])], {"weight": W(3)}),
    ("ce_ign_neg1", "cross_entropy", [X(3, 4), T([3, -1, 0])], {"ignore_index": -1}),
    ("ce_ign_out_of_range", "cross_entropy", [X(3, 4), T([3, 7, 0])], {"ignore_index": 7}),
    ("ce_3d_w_ign", "cross_entropy", [X(2, 3, 3), T([[0, -100, 2], [1, 2, 0]])], {"weight": W(3)}),
    ("ce_ls", "cross_entropy", [X(4, 3), T([0, 2, 1, 2])], {"label_smoothing": 0.1}),
    ("ce_ls_1d", "cross_entropy", [X(5), T(2)], {"label_smoothing": 0.3}),
    (
        "ce_ls_w",
        "cross_entropy",
        [X(4, 3), T([0, 2, 1, 2])],
        {"weight": W(3), "label_smoothing": 0.2},
    ),
    (
        "ce_ls_w_ign",
        "cross_entropy",
        [X(4, 3), T([0, -100, 1, 2])],
        {"weight": W(3), "label_smoothing": 0.2},
    ),
    (
        "ce_ls_3d_w_ign",
        "cross_entropy",
        [X(2, 4, 3), T([[0, 3, -100], [1, 2, 3]])],
        {"weight": W(4), "label_smoothing": 0.25},
    ),
    (
        "ce_ls_ign_custom",
        "cross_entropy",
        [X(5, 3), T([0, 2, 1, 2, 2])],
        {"ignore_index": 2, "label_smoothing": 0.4},
    ),
    ("ce_ls_1", "cross_entropy", [X(4, 3), T([0, 2, 1, 2])], {"label_smoothing": 1.0}),
    ("ce_prob_2d", "cross_entropy", [X(4, 3), U(4, 3)], {}),
    ("ce_prob_1d", "cross_entropy", [X(5), U(5)], {}),
    ("ce_prob_3d", "cross_entropy", [X(2, 3, 4), U(2, 3, 4)], {}),
    ("ce_prob_w", "cross_entropy", [X(4, 3), U(4, 3)], {"weight": W(3)}),
    ("ce_prob_ls", "cross_entropy", [X(4, 3), U(4, 3)], {"label_smoothing": 0.15}),
    ("ce_prob_ls_w", "cross_entropy", [X(4, 3), U(4, 3)], {"weight": W(3), "label_smoothing": 0.3}),
    (
        "ce_prob_4d_w_ls",
        "cross_entropy",
        [X(2, 3, 2, 2), U(2, 3, 2, 2)],
        {"weight": W(3), "label_smoothing": 0.1},
    ),
    ("bce_2d", "binary_cross_entropy", [U(3, 4), U(3, 4)], {}),
    ("bce_0d", "binary_cross_entropy", [U(), U()], {}),
    ("bce_1d", "binary_cross_entropy", [U(5), U(5)], {}),
    ("bce_3d", "binary_cross_entropy", [U(2, 3, 2), U(2, 3, 2)], {}),
    ("bce_w", "binary_cross_entropy", [U(3, 4), U(3, 4)], {"weight": W(3, 4)}),
    ("bce_w_bcast", "binary_cross_entropy", [U(3, 4), U(3, 4)], {"weight": W(4)}),
    ("bcel_2d", "binary_cross_entropy_with_logits", [X(3, 4), U(3, 4)], {}),
    ("bcel_0d", "binary_cross_entropy_with_logits", [X(), U()], {}),
    ("bcel_3d", "binary_cross_entropy_with_logits", [X(2, 3, 2), U(2, 3, 2)], {}),
    ("bcel_w", "binary_cross_entropy_with_logits", [X(3, 4), U(3, 4)], {"weight": W(3, 4)}),
    ("bcel_w_bcast", "binary_cross_entropy_with_logits", [X(3, 4), U(3, 4)], {"weight": W(3, 1)}),
    ("bcel_pw", "binary_cross_entropy_with_logits", [X(3, 4), U(3, 4)], {"pos_weight": W(4)}),
    (
        "bcel_w_pw",
        "binary_cross_entropy_with_logits",
        [X(3, 4), U(3, 4)],
        {"weight": W(4), "pos_weight": W(4)},
    ),
    (
        "bcel_pw_3d",
        "binary_cross_entropy_with_logits",
        [X(2, 3, 4), U(2, 3, 4)],
        {"pos_weight": W(4)},
    ),
    ("bcel_pw_1d", "binary_cross_entropy_with_logits", [X(5), U(5)], {"pos_weight": W(5)}),
]
LOSS_IDS = [c[0] for c in LOSSES]


def gen(spec, seed, dtype):
    if isinstance(spec, np.ndarray):
        return spec
    kind, shape = spec
    if kind == "unit":
        a = unit(*shape, seed=seed)
    elif kind == "w":
        a = rand_away(*shape, seed=seed, positive=True)
    else:
        a = data(kind, shape, seed=seed) * 1.5
    return np.asarray(a, dtype=dtype)


def loss_data(args, kw, dtype):
    """NumPy data for a case: [(key, value, differentiable)], positional args first."""
    items = list(enumerate(args)) + list(kw.items())
    out = []
    for n, (key, spec) in enumerate(items):
        if isinstance(spec, (tuple, np.ndarray)):
            out.append(
                (key, gen(spec, n + 1, dtype), isinstance(spec, tuple) and spec[0] in GRAD_KINDS)
            )
        else:
            out.append((key, spec, False))
    return out


def split(items, values):
    """(args, kwargs) from items with their values replaced by `values`."""
    args = [v for (k, _, _), v in zip(items, values, strict=True) if isinstance(k, int)]
    kw = {k: v for (k, _, _), v in zip(items, values, strict=True) if not isinstance(k, int)}
    return args, kw


def as_tensor(v, make):
    return make(v) if isinstance(v, np.ndarray) else v


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,args,kw", LOSSES, ids=LOSS_IDS)
def test_loss_forward(name, fn, args, kw, reduction):
    for dtype in FLOATS:
        items = loss_data(args, kw, NP[dtype])
        a, k = split(items, [as_tensor(v, tgt) for _, v, _ in items])
        ra, rk = split(items, [v for _, v, _ in items])
        expected = getattr(R, fn)(*ra, reduction=reduction, **rk)
        assert_close(getattr(F, fn)(*a, reduction=reduction, **k), expected, dtype=dtype)
        if reduction == "mean":  # the default
            assert_close(getattr(F, fn)(*a, **k), expected, dtype=dtype)


LOSSES_2D = [c for c in LOSSES if len(c[2][0][1]) >= 2]


@pytest.mark.parametrize("name,fn,args,kw", LOSSES_2D, ids=[c[0] for c in LOSSES_2D])
def test_loss_noncontiguous(name, fn, args, kw):
    reduction = "none"
    items = loss_data(args, kw, np.float32)
    a, k = split(
        items, [as_tensor(v, lambda x: nc(x) if x.ndim >= 2 else tgt(x)) for _, v, _ in items]
    )
    ra, rk = split(items, [v for _, v, _ in items])
    assert_close(
        getattr(F, fn)(*a, reduction=reduction, **k), getattr(R, fn)(*ra, reduction=reduction, **rk)
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,args,kw", LOSSES, ids=LOSS_IDS)
def test_loss_grad(name, fn, args, kw, reduction):
    items = loss_data(args, kw, np.float64)
    leaves = [v for _, v, d in items if d]
    consts = [None if d else as_tensor(v, tgt) for _, v, d in items]

    def f(*ts):
        it = iter(ts)
        a, k = split(
            items, [next(it) if d else c for (_, _, d), c in zip(items, consts, strict=True)]
        )
        return getattr(F, fn)(*a, reduction=reduction, **k)

    check_grad(f, *leaves)


def test_loss_grads_reach_target():
    """Target gradients: mse/l1/bce/bce_with_logits and probability-target cross_entropy."""
    for fn in (
        F.mse_loss,
        F.l1_loss,
        F.binary_cross_entropy,
        F.binary_cross_entropy_with_logits,
        F.cross_entropy,
    ):
        x = tgt(unit(3, 4, seed=1), requires_grad=True)
        t = tgt(unit(3, 4, seed=2), requires_grad=True)
        fn(x, t).backward()
        assert x.grad is not None and t.grad is not None, fn
        assert tuple(t.grad.shape) == (3, 4)


def test_loss_all_ignored():
    x = tgt(randn(2, 3, seed=1))
    t = tgt(T([-100, -100]))
    for kw in ({}, {"label_smoothing": 0.1}, {"weight": tgt(np.ones(3))}):
        assert np.isnan(F.cross_entropy(x, t, **kw).item())  # 0 / 0, as torch
        assert F.cross_entropy(x, t, reduction="sum", **kw).item() == 0.0
        assert_close(F.cross_entropy(x, t, reduction="none", **kw), np.zeros(2))
    assert np.isnan(F.nll_loss(x, t).item())
    assert np.isnan(F.cross_entropy(tgt(randn(3, seed=2)), tgt(T(-100))).item())


def test_bce_log_clamp():
    x = np.array([0.0, 1.0, 0.0, 1.0, 1e-60, 0.5])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.5])
    for dtype in FLOATS:
        xt = x.astype(NP[dtype])
        out = F.binary_cross_entropy(tgt(xt), tgt(t.astype(NP[dtype])), reduction="none")
        assert_close(out, R.binary_cross_entropy(xt, t, reduction="none"), dtype=dtype)
        assert to_np(out)[0] == pytest.approx(100.0) and to_np(out)[1] == pytest.approx(100.0)


# ---- stability at logits of +-1e4 -------------------------------------------------------------------
def like(a, x):
    """A constant with x's float dtype."""
    return tgt(np.asarray(a, dtype=np_dtype(x.dtype)))


Y4 = T([1, 0, 2, 1])
P4 = np.array([[0.0, 1.0, 0.3]] * 4)
CW, PW = np.array([0.5, 2.0, 1.0]), np.array([2.0, 0.5, 3.0])
# (id, fn(x, reduction), reference(x, reduction)) at x = BIG
STABLE = [
    (
        "ce",
        lambda x, r: F.cross_entropy(x, tgt(Y4), reduction=r),
        lambda x, r: R.cross_entropy(x, Y4, reduction=r),
    ),
    (
        "ce_w_ls",
        lambda x, r: F.cross_entropy(
            x, tgt(Y4), weight=like(CW, x), label_smoothing=0.1, reduction=r
        ),
        lambda x, r: R.cross_entropy(x, Y4, weight=CW, label_smoothing=0.1, reduction=r),
    ),
    (
        "ce_prob",
        lambda x, r: F.cross_entropy(x, like(unit(4, 3), x), reduction=r),
        lambda x, r: R.cross_entropy(x, unit(4, 3), reduction=r),
    ),
    (
        "nll_log_softmax",
        lambda x, r: F.nll_loss(F.log_softmax(x, 1), tgt(Y4), reduction=r),
        lambda x, r: R.cross_entropy(x, Y4, reduction=r),
    ),
    (
        "bcel",
        lambda x, r: F.binary_cross_entropy_with_logits(x, like(P4, x), reduction=r),
        lambda x, r: R.binary_cross_entropy_with_logits(x, P4, reduction=r),
    ),
    (
        "bcel_pw",
        lambda x, r: F.binary_cross_entropy_with_logits(
            x, like(P4, x), pos_weight=like(PW, x), reduction=r
        ),
        lambda x, r: R.binary_cross_entropy_with_logits(x, P4, pos_weight=PW, reduction=r),
    ),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,ref", STABLE, ids=[c[0] for c in STABLE])
def test_loss_stable(name, fn, ref, reduction):
    for dtype in FLOATS:
        x = tgt(BIG.astype(NP[dtype]), requires_grad=True)
        out = fn(x, reduction)
        assert all_finite(out), to_np(out)
        assert_close(out, ref(BIG, reduction), dtype=dtype)
        out.sum().backward()
        assert all_finite(x.grad), to_np(x.grad)


# ---- errors: tetragrad's contract ---------------------------------------------------------------------


def z(*shape, dtype=None):
    return tg.zeros(*shape, dtype=dtype or F32)


def ti(v):
    return tgt(T(v))


# (id, fn, accepted op names (any one must appear), shapes that must appear in the message)
SHAPE_ERRORS = [
    ("mse", lambda: F.mse_loss(z(2, 3), z(3)), ("mse_loss",), ["[2, 3]", "[3]"]),
    ("mse_bcast_both", lambda: F.mse_loss(z(2, 1), z(1, 3)), ("mse_loss",), ["[2, 1]", "[1, 3]"]),
    ("l1", lambda: F.l1_loss(z(4), z(2, 4)), ("l1_loss",), ["[4]", "[2, 4]"]),
    (
        "bce",
        lambda: F.binary_cross_entropy(z(2, 3), z(3)),
        ("binary_cross_entropy",),
        ["[2, 3]", "[3]"],
    ),
    (
        "bcel",
        lambda: F.binary_cross_entropy_with_logits(z(4, 1), z(4)),
        ("binary_cross_entropy_with_logits",),
        ["[4, 1]", "[4]"],
    ),
    ("linear", lambda: F.linear(z(2, 3), z(5, 4)), ("linear",), ["[2, 3]", "[5, 4]"]),
    ("linear_bias", lambda: F.linear(z(2, 4), z(5, 4), z(4)), ("linear",), ["[5, 4]", "[4]"]),
    ("linear_1d", lambda: F.linear(z(3), z(5, 4), z(5)), ("linear",), ["[3]", "[5, 4]"]),
    (
        "ce_target_ndim",
        lambda: F.cross_entropy(z(2, 3), ti([[0], [1]])),
        ("cross_entropy", "nll_loss"),
        ["[2, 3]", "[2, 1]"],
    ),
    (
        "ce_target_spatial",
        lambda: F.cross_entropy(z(2, 3, 4), ti([[0, 1, 2], [0, 0, 0]])),
        ("cross_entropy", "nll_loss"),
        ["[2, 3, 4]", "[2, 3]"],
    ),
    (
        "ce_target_1d_for_3d",
        lambda: F.cross_entropy(z(2, 3, 4), ti([0, 1])),
        ("cross_entropy", "nll_loss"),
        ["[2, 3, 4]", "[2]"],
    ),
    (
        "ce_prob_shape",
        lambda: F.cross_entropy(z(2, 3), z(2, 4)),
        ("cross_entropy",),
        ["[2, 3]", "[2, 4]"],
    ),
    (
        "ce_weight_size",
        lambda: F.cross_entropy(z(2, 3), ti([0, 1]), weight=z(4)),
        ("cross_entropy", "nll_loss"),
        ["[4]"],
    ),
    (
        "nll_target_ndim",
        lambda: F.nll_loss(z(2, 3), ti([[0, 1]])),
        ("nll_loss",),
        ["[2, 3]", "[1, 2]"],
    ),
    (
        "nll_weight_size",
        lambda: F.nll_loss(z(2, 3), ti([0, 1]), weight=z(2)),
        ("nll_loss",),
        ["[2]"],
    ),
]


@torch_differs(
    "it broadcasts (with a UserWarning), or raises RuntimeError, or a ValueError not naming the op"
)
@pytest.mark.parametrize("name,fn,ops,shapes", SHAPE_ERRORS, ids=[c[0] for c in SHAPE_ERRORS])
def test_shape_error(name, fn, ops, shapes):
    with pytest.raises(ValueError) as info:
        fn()
    assert_message_names(str(info.value), ops, shapes)


# torch raises ValueError here too (naming both bce shapes, as "torch.Size([2, 3])", not the op)
SAME_AS_TORCH = [
    ("bce", lambda: F.binary_cross_entropy(z(2, 3), z(3)), ["[2, 3]", "[3]"]),
    ("bce_1", lambda: F.binary_cross_entropy(z(2, 3), z(2, 3, 1)), ["[2, 3]", "[2, 3, 1]"]),
    ("bcel", lambda: F.binary_cross_entropy_with_logits(z(2, 3), z(3)), ["[2, 3]", "[3]"]),
    ("bcel_1", lambda: F.binary_cross_entropy_with_logits(z(4, 1), z(4)), ["[4, 1]", "[4]"]),
    ("ce_batch", lambda: F.cross_entropy(z(2, 3), ti([0, 1, 2])), []),
    ("nll_batch", lambda: F.nll_loss(z(2, 3), ti([0])), []),
    ("mse_reduction", lambda: F.mse_loss(z(2), z(2), reduction="avg"), []),
    ("ce_reduction", lambda: F.cross_entropy(z(2, 3), ti([0, 1]), reduction="batchmean"), []),
    ("bcel_reduction", lambda: F.binary_cross_entropy_with_logits(z(2), z(2), reduction=None), []),
]


@pytest.mark.parametrize("name,fn,shapes", SAME_AS_TORCH, ids=[c[0] for c in SAME_AS_TORCH])
def test_value_error(name, fn, shapes):
    with pytest.raises(ValueError) as info:
        fn()
    for s in shapes:
        assert s in str(info.value), f"message does not show shape {s}: {info.value}"


# (id, fn, bad target value, number of classes)
INDEX_ERRORS = [
    ("nll", lambda: F.nll_loss(z(2, 3), ti([0, 7])), 7, 3),
    ("nll_neg", lambda: F.nll_loss(z(2, 3), ti([-2, 0])), -2, 3),
    ("nll_1d", lambda: F.nll_loss(z(5), ti(9)), 9, 5),
    ("ce", lambda: F.cross_entropy(z(2, 3), ti([0, 7])), 7, 3),
    ("ce_neg", lambda: F.cross_entropy(z(2, 3), ti([-1, 0])), -1, 3),
    ("ce_3d", lambda: F.cross_entropy(z(2, 4, 2), ti([[0, 1], [9, 3]])), 9, 4),
    ("ce_w", lambda: F.cross_entropy(z(2, 3), ti([0, 7]), weight=tg.ones(3)), 7, 3),
    ("ce_ls", lambda: F.cross_entropy(z(2, 3), ti([7, 0]), label_smoothing=0.1), 7, 3),
    ("ce_ignore_other", lambda: F.cross_entropy(z(2, 3), ti([-100, 7]), ignore_index=1), -100, 3),
]


@pytest.mark.parametrize("name,fn,bad,classes", INDEX_ERRORS, ids=[c[0] for c in INDEX_ERRORS])
def test_target_out_of_range_type(name, fn, bad, classes):
    with pytest.raises(IndexError):
        fn()


@torch_differs('its message says only "Target 7 is out of bounds."')
@pytest.mark.parametrize("name,fn,bad,classes", INDEX_ERRORS, ids=[c[0] for c in INDEX_ERRORS])
def test_target_out_of_range_message(name, fn, bad, classes):
    with pytest.raises(IndexError) as info:
        fn()
    msg = str(info.value)
    assert str(bad) in msg and str(classes) in msg, msg


def test_gelu_bad_approximate():
    with raises(ValueError, RuntimeError, match="approximate"):
        F.gelu(z(3), approximate="fast")


def test_mixed_dtype_losses_compute_in_the_promoted_dtype():
    # as torch: a float64 target makes a float32 input's mse/l1/smooth_l1 loss float64, with
    # float32 and float64 gradients back to each
    x = randn(3, 4, seed=1).astype(np.float32)
    y = randn(3, 4, seed=2)
    for fn, ref in [(F.mse_loss, lambda d: np.mean(d**2)), (F.l1_loss, lambda d: np.mean(abs(d)))]:
        xt, yt = tgt(x, requires_grad=True), tgt(y, requires_grad=True)
        out = fn(xt, yt)
        assert out.dtype == tg.float64
        np.testing.assert_allclose(out.item(), ref(x.astype(np.float64) - y), rtol=1e-14)
        out.backward()
        assert xt.grad.dtype == tg.float32 and yt.grad.dtype == tg.float64
    out = F.huber_loss(tgt(x), tgt(y))
    assert out.dtype == tg.float32  # huber keeps input's dtype, as torch
