"""More of tetragrad.nn: silu, softplus, logsigmoid, hardtanh, relu6, selu, mish, prelu,
smooth_l1_loss, huber_loss and one_hot, with their modules (SiLU, Softplus, LogSigmoid, Hardtanh,
ReLU6, SELU, Mish, PReLU, SmoothL1Loss, HuberLoss).

Forward against reference.py (float32 and float64, 0-d, empty, non-contiguous), float64
gradchecks away from the kinks (softplus also on both sides of its threshold), the exact values
and gradients at the kinks (torch's choices), stability at +-1e4, modules == functional, reprs,
PReLU's parameter and state_dict, one_hot, the error contract, and parity with torch (outputs and
gradients; skipped when torch is not installed).
"""

import numpy as np
import pytest
import reference as R
import tetragrad as tg
from conftest import (
    F32,
    F64,
    FLOATS,
    NP,
    assert_close,
    assert_message_names,
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
REDUCTIONS = ["none", "mean", "sum"]


def data(dom, shape, seed=0):
    """Uniform values in [lo, hi], each at least 0.15 from every kink in `kinks`."""
    lo, hi, kinks = dom
    x = np.random.default_rng(seed).uniform(lo, hi, size=shape)
    for k in kinks:
        x = np.where(np.abs(x - k) < 0.15, np.where(x >= k, k + 0.15, k - 0.15), x)
    return np.asarray(x, dtype=np.float64)


def all_finite(t):
    return bool(np.all(np.isfinite(to_np(t))))


SMOOTH = (-4.0, 4.0, ())  # no kinks
AT0 = (-4.0, 4.0, (0.0,))  # a kink at 0

# ---- activations ----------------------------------------------------------------------------------
# name: (tetragrad fn, reference fn, input domain)
ACT = {
    "silu": (lambda x: F.silu(x), R.silu, SMOOTH),
    "softplus": (lambda x: F.softplus(x), R.softplus_beta, SMOOTH),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0), lambda x: R.softplus_beta(x, 2.0), SMOOTH),
    "softplus_pos": (
        lambda x: F.softplus(x, 0.5, 1.0),
        lambda x: R.softplus_beta(x, 0.5, 1.0),
        AT0,
    ),
    # around the threshold (beta * x == threshold at x = 6, 10 and 20), never exactly at it
    "softplus_thr_6": (
        lambda x: F.softplus(x, beta=0.5, threshold=3.0),
        lambda x: R.softplus_beta(x, 0.5, 3.0),
        (3.0, 9.0, (6.0,)),
    ),
    "softplus_thr_10": (
        lambda x: F.softplus(x, beta=2.0, threshold=20.0),
        lambda x: R.softplus_beta(x, 2.0, 20.0),
        (8.0, 12.0, (10.0,)),
    ),
    "softplus_thr_20": (lambda x: F.softplus(x), R.softplus_beta, (17.0, 23.0, (20.0,))),
    "logsigmoid": (lambda x: F.logsigmoid(x), R.logsigmoid, SMOOTH),
    "hardtanh": (lambda x: F.hardtanh(x), R.hardtanh, (-3.0, 3.0, (-1.0, 1.0))),
    "hardtanh_range": (
        lambda x: F.hardtanh(x, min_val=-2.0, max_val=0.5),
        lambda x: R.hardtanh(x, -2.0, 0.5),
        (-4.0, 3.0, (-2.0, 0.5)),
    ),
    "hardtanh_pos": (
        lambda x: F.hardtanh(x, 0.25, 3.0),
        lambda x: R.hardtanh(x, 0.25, 3.0),
        (-1.0, 5.0, (0.25, 3.0)),
    ),
    "relu6": (lambda x: F.relu6(x), R.relu6, (-3.0, 9.0, (0.0, 6.0))),
    "selu": (lambda x: F.selu(x), R.selu, AT0),
    "mish": (lambda x: F.mish(x), R.mish, SMOOTH),
    "hardswish": (lambda x: F.hardswish(x), R.hardswish, (-5.0, 5.0, (-3.0, 3.0))),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), R.hardsigmoid, (-5.0, 5.0, (-3.0, 3.0))),
}
ACT_SHAPES = [(), (7,), (2, 3, 4), (0, 3)]


@pytest.mark.parametrize("shape", ACT_SHAPES, ids=str)
@pytest.mark.parametrize("name", list(ACT))
def test_activation_forward(name, shape):
    fn, ref, dom = ACT[name]
    for dtype in FLOATS:
        x = data(dom, shape, seed=1).astype(NP[dtype])
        assert_close(fn(tgt(x)), ref(x), dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("name", list(ACT))
def test_activation_noncontiguous(name, dtype):
    fn, ref, dom = ACT[name]
    x = data(dom, (3, 4), seed=3).astype(NP[dtype])
    assert_close(fn(nc(x)), ref(x), dtype=dtype)


@pytest.mark.parametrize("name", list(ACT))
def test_activation_grad(name):
    fn, _, dom = ACT[name]
    check_grad(fn, data(dom, (3, 4), seed=4))


@pytest.mark.parametrize("name", list(ACT))
def test_activation_stable(name):
    fn, ref, _ = ACT[name]
    x = np.array([1e4, -1e4, 3e3, -3e3, 100.0, -100.0, 0.5])
    for dtype in FLOATS:
        xt = tgt(x.astype(NP[dtype]), requires_grad=True)
        y = fn(xt)
        y.sum().backward()
        assert all_finite(y), to_np(y)
        assert_close(y, ref(x), dtype=dtype)
        assert all_finite(xt.grad), to_np(xt.grad)


# F.<name>(x, inplace=True) on a tensor without grad: overwrites x and returns it (with grad: below)
INPLACE = {
    "silu": R.silu,
    "hardtanh": R.hardtanh,
    "relu6": R.relu6,
    "selu": R.selu,
    "mish": R.mish,
    "hardswish": R.hardswish,
    "hardsigmoid": R.hardsigmoid,
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_activation_inplace(name):
    fn, ref = getattr(F, name), INPLACE[name]
    x0 = data((-8.0, 8.0, ()), (3, 4), seed=5)
    for dtype in FLOATS:
        x = tgt(x0.astype(NP[dtype]))
        assert_close(fn(x, inplace=False), ref(x0.astype(NP[dtype])), dtype=dtype)
        np.testing.assert_array_equal(to_np(x), x0.astype(NP[dtype]))  # untouched
        y = fn(x, inplace=True)
        assert y is x
        assert_close(x, ref(x0.astype(NP[dtype])), dtype=dtype)


INPLACE_GRAD = {
    "relu": {},
    "leaky_relu": {"negative_slope": 0.1},
    "elu": {"alpha": 0.7},
    "silu": {},
    "hardtanh": {"min_val": -0.5, "max_val": 1.5},
    "relu6": {},
    "selu": {},
    "mish": {},
    "hardswish": {},
    "hardsigmoid": {},
}


@pytest.mark.parametrize("name", list(INPLACE_GRAD))
def test_activation_inplace_under_autograd(name):
    # as torch: the result is written into the (non-leaf) input, which is returned, and the
    # gradient equals the out-of-place one
    fn, kw = getattr(F, name), INPLACE_GRAD[name]
    x0 = data((-3.0, 3.0, (-0.5, 0.0, 1.5)), (3, 4), seed=6)
    out, grads = [], []
    for inplace in (False, True):
        x = tgt(x0, requires_grad=True)
        h = x * 2.0
        y = fn(h, inplace=inplace, **kw)
        assert (y is h) == inplace
        (y * y).sum().backward()
        out.append(to_np(y.detach()))
        grads.append(to_np(x.grad))
    # torch's in-place elu/selu differentiate through their output: equal to rounding
    np.testing.assert_allclose(out[1], out[0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, atol=1e-15)


def test_activation_inplace_autograd_errors():
    leaf = tgt(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        F.silu(leaf, inplace=True)
    s = leaf.sigmoid()  # saves its output, which the in-place activation then overwrites
    F.elu(s, inplace=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        s.sum().backward()
    with tg.no_grad():  # no graph: a leaf may be overwritten
        assert F.mish(leaf, inplace=True) is leaf
    assert_close(leaf, R.mish(np.ones(3)))


def test_dropout_inplace_under_autograd():
    x = tgt(np.ones((4, 50)), requires_grad=True)
    h = x * 1.0
    y = F.dropout(h, 0.5, training=True, inplace=True)
    assert y is h
    y.sum().backward()
    kept = to_np(h.detach()) != 0
    np.testing.assert_array_equal(to_np(x.grad), np.where(kept, 2.0, 0.0))
    z = tgt(np.ones(3))
    assert_close(F.dropout(z, 0.5, training=False, inplace=True), np.ones(3))


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_hardtanh_relu6_kwargs_and_positional(dtype):
    x = data((-9.0, 9.0, ()), (4, 5), seed=6).astype(NP[dtype])
    ref = R.hardtanh(x, -2.5, 4.0)
    assert_close(F.hardtanh(tgt(x), -2.5, 4.0), ref, dtype=dtype)
    assert_close(F.hardtanh(tgt(x), max_val=4.0, min_val=-2.5), ref, dtype=dtype)
    assert_close(F.hardtanh(tgt(x), 0.0, 6.0), R.relu6(x), dtype=dtype)
    assert_close(F.relu6(tgt(x)), R.relu6(x), dtype=dtype)


def test_selu_constants():
    x = np.array([-1e4, -1.0, 0.0, 1.0])
    got = to_np(F.selu(tgt(x)))
    np.testing.assert_allclose(got[0], -1.0507009873554805 * 1.6732632423543772, rtol=1e-15)
    np.testing.assert_allclose(
        got[1:], [R.SELU_SCALE * R.SELU_ALPHA * np.expm1(-1.0), 0, 1.0507009873554805], rtol=1e-15
    )


# ---- the kinks: values and gradients exactly at them (torch's choices) ---------------------------
# (id, fn, x, expected y, expected dy/dx), float64
KINKS = [
    # hardtanh/relu6: the gradient is 1 only strictly inside (min_val, max_val); 0 at both ends
    (
        "hardtanh",
        lambda x: F.hardtanh(x),
        [-1.0, 1.0, 0.0, -2.0],
        [-1.0, 1.0, 0.0, -1.0],
        [0, 0, 1, 0],
    ),
    (
        "hardtanh_range",
        lambda x: F.hardtanh(x, -2.0, 0.5),
        [-2.0, 0.5, 0.0],
        [-2.0, 0.5, 0.0],
        [0, 0, 1],
    ),
    ("relu6", lambda x: F.relu6(x), [0.0, 6.0, 3.0, 7.0], [0.0, 6.0, 3.0, 6.0], [0, 0, 1, 0]),
    # softplus: beta * x == threshold is still the log form (only beta * x > threshold is x)
    (
        "softplus_at_threshold",
        lambda x: F.softplus(x, beta=0.5, threshold=3.0),
        [6.0, 6.5],
        [2 * np.log1p(np.exp(3.0)), 6.5],
        [1 / (1 + np.exp(-3.0)), 1.0],
    ),
    (
        "softplus_default_threshold",
        lambda x: F.softplus(x),
        [20.0, 20.5],
        [20.0 + np.log1p(np.exp(-20.0)), 20.5],
        [1 / (1 + np.exp(-20.0)), 1.0],
    ),
    ("selu_0", lambda x: F.selu(x), [0.0], [0.0], [R.SELU_SCALE * R.SELU_ALPHA]),
]


@pytest.mark.parametrize("name,fn,x,y,g", KINKS, ids=[c[0] for c in KINKS])
def test_activation_at_kinks(name, fn, x, y, g):
    xt = tgt(np.array(x), requires_grad=True)
    out = fn(xt)
    out.sum().backward()
    assert_close(out, np.array(y), dtype=F64, rtol=1e-14, atol=0)
    assert_close(xt.grad, np.array(g, dtype=np.float64), rtol=1e-14, atol=0)


def test_softplus_threshold_float32():
    # 0.5 * 6 == 3 exactly in float32 too: still the log form
    y = F.softplus(tgt(np.array([6.0, 6.25], dtype=np.float32)), beta=0.5, threshold=3.0)
    assert_close(y, [2 * np.log1p(np.exp(3.0)), 6.25], dtype=F32)


# ---- prelu -----------------------------------------------------------------------------------------
# (x shape, weight size)
PRELU = [((2, 3), 3), ((2, 3), 1), ((2, 3, 4), 3), ((2, 3, 4), 1), ((2, 4, 2, 3), 4), ((5,), 1)]
PRELU += [((), 1), ((1, 1), 1), ((0, 3), 3), ((3, 0, 2), 1)]


def prelu_data(xs, ws, seed=0):
    x = data(AT0, xs, seed=seed)
    w = np.random.default_rng(seed + 1).uniform(-0.5, 1.5, size=(ws,))
    return x, w


@pytest.mark.parametrize("xs,ws", PRELU, ids=str)
def test_prelu_forward(xs, ws):
    x, w = prelu_data(xs, ws)
    for dtype in FLOATS:
        xd, wd = x.astype(NP[dtype]), w.astype(NP[dtype])
        assert_close(F.prelu(tgt(xd), tgt(wd)), R.prelu(xd, wd), dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("xs,ws", [((3, 4), 4), ((3, 4), 1), ((2, 3, 4), 3)], ids=str)
def test_prelu_noncontiguous(xs, ws, dtype):
    x, w = prelu_data(xs, ws, seed=2)
    xd, wd = x.astype(NP[dtype]), w.astype(NP[dtype])
    assert_close(F.prelu(nc(xd), tgt(wd)), R.prelu(xd, wd), dtype=dtype)


@pytest.mark.parametrize("xs,ws", [c for c in PRELU if 0 not in c[0]], ids=str)
def test_prelu_grad(xs, ws):
    x, w = prelu_data(xs, ws, seed=3)
    check_grad(lambda x, w: F.prelu(x, w), x, w)


def test_prelu_grads_by_hand():
    x, w = prelu_data((2, 3, 4), 3, seed=4)
    g = randn(2, 3, 4, seed=5)
    xt, wt = tgt(x, requires_grad=True), tgt(w, requires_grad=True)
    F.prelu(xt, wt).backward(tgt(g))
    neg = x <= 0
    assert_close(xt.grad, np.where(neg, w[:, None] * g, g))
    assert_close(wt.grad, np.where(neg, x * g, 0.0).sum(axis=(0, 2)))


def test_prelu_at_zero():
    # x == 0 takes the negative branch: dy/dx = w, dy/dw = x = 0
    xt = tgt(np.array([0.0, 1.0, -2.0]), requires_grad=True)
    wt = tgt(np.array([0.25]), requires_grad=True)
    F.prelu(xt, wt).sum().backward()
    assert_close(xt.grad, [0.25, 1.0, 0.25], rtol=0, atol=0)
    assert_close(wt.grad, [-2.0], rtol=0, atol=0)


# ---- modules == functional -----------------------------------------------------------------------
# (id, module factory, functional equivalent)
MODULES = [
    ("SiLU", lambda: nn.SiLU(), lambda x: F.silu(x)),
    ("Softplus", lambda: nn.Softplus(), lambda x: F.softplus(x)),
    ("Softplus_args", lambda: nn.Softplus(2.0, 3.0), lambda x: F.softplus(x, 2.0, 3.0)),
    (
        "Softplus_kw",
        lambda: nn.Softplus(beta=0.5, threshold=1.0),
        lambda x: F.softplus(x, beta=0.5, threshold=1.0),
    ),
    ("LogSigmoid", lambda: nn.LogSigmoid(), lambda x: F.logsigmoid(x)),
    ("Hardtanh", lambda: nn.Hardtanh(), lambda x: F.hardtanh(x)),
    ("Hardtanh_args", lambda: nn.Hardtanh(-2.0, 3.0), lambda x: F.hardtanh(x, -2.0, 3.0)),
    (
        "Hardtanh_kw",
        lambda: nn.Hardtanh(min_val=0.5, max_val=1.5),
        lambda x: F.hardtanh(x, min_val=0.5, max_val=1.5),
    ),
    ("ReLU6", lambda: nn.ReLU6(), lambda x: F.relu6(x)),
    ("SELU", lambda: nn.SELU(), lambda x: F.selu(x)),
    ("Mish", lambda: nn.Mish(), lambda x: F.mish(x)),
    ("Hardswish", lambda: nn.Hardswish(), lambda x: F.hardswish(x)),
    ("Hardsigmoid", lambda: nn.Hardsigmoid(), lambda x: F.hardsigmoid(x)),
]


@pytest.mark.parametrize("make_mod,fn", [m[1:] for m in MODULES], ids=[m[0] for m in MODULES])
def test_activation_module(make_mod, fn):
    x = tgt(data((-8.0, 8.0, ()), (2, 3, 4), seed=7), requires_grad=True)
    y = make_mod()(x)
    assert_close(y, to_np(fn(x)), dtype=F64)
    y.sum().backward()
    g = to_np(x.grad)
    x.grad = None
    fn(x).sum().backward()
    assert_close(x.grad, g)


def test_activation_module_attributes():
    assert (nn.Softplus().beta, nn.Softplus().threshold) == (1.0, 20.0)
    assert (nn.Softplus(2.0, 5.0).beta, nn.Softplus(beta=2.0, threshold=5.0).threshold) == (
        2.0,
        5.0,
    )
    assert (nn.Hardtanh().min_val, nn.Hardtanh().max_val) == (-1.0, 1.0)
    assert (nn.Hardtanh(-3.0, 2.0).min_val, nn.Hardtanh(-3.0, 2.0).max_val) == (-3.0, 2.0)
    assert nn.PReLU().num_parameters == 1 and nn.PReLU(4).num_parameters == 4
    assert nn.SmoothL1Loss().beta == 1.0 and nn.SmoothL1Loss(beta=0.5).beta == 0.5
    assert nn.HuberLoss().delta == 1.0 and nn.HuberLoss(delta=2.0).delta == 2.0
    assert (
        nn.SmoothL1Loss().reduction == "mean" and nn.HuberLoss(reduction="sum").reduction == "sum"
    )
    assert list(nn.SiLU().parameters()) == [] and list(nn.Mish().state_dict()) == []


REPRS = [
    (lambda: nn.SiLU(), "SiLU()"),
    (lambda: nn.Softplus(), "Softplus(beta=1.0, threshold=20.0)"),
    (lambda: nn.Softplus(beta=2.0, threshold=5.0), "Softplus(beta=2.0, threshold=5.0)"),
    (lambda: nn.LogSigmoid(), "LogSigmoid()"),
    (lambda: nn.Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"),
    (lambda: nn.Hardtanh(-2.0, 3.0), "Hardtanh(min_val=-2.0, max_val=3.0)"),
    (lambda: nn.ReLU6(), "ReLU6()"),
    (lambda: nn.SELU(), "SELU()"),
    (lambda: nn.Mish(), "Mish()"),
    (lambda: nn.PReLU(), "PReLU(num_parameters=1)"),
    (lambda: nn.PReLU(3, init=0.1), "PReLU(num_parameters=3)"),
    (lambda: nn.SmoothL1Loss(), "SmoothL1Loss()"),
    (lambda: nn.SmoothL1Loss(reduction="sum", beta=0.5), "SmoothL1Loss()"),
    (lambda: nn.HuberLoss(), "HuberLoss()"),
    (lambda: nn.HuberLoss(delta=2.0), "HuberLoss()"),
    (
        lambda: nn.Sequential(nn.Linear(2, 3), nn.PReLU(3), nn.Softplus()),
        "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): PReLU(num_parameters=3)\n  (2): Softplus(beta=1.0, threshold=20.0)\n)",
    ),
]


@pytest.mark.parametrize("make_mod,expected", REPRS, ids=[r[1].split("(")[0] for r in REPRS])
def test_repr(make_mod, expected):
    assert repr(make_mod()) == expected


# ---- PReLU module ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n,init", [(1, None), (3, None), (4, 0.1), (1, -0.5)])
def test_prelu_parameter(n, init):
    m = nn.PReLU() if (n, init) == (1, None) else nn.PReLU(n, init=0.25 if init is None else init)
    w = m.weight
    assert isinstance(w, nn.Parameter) and w.requires_grad and w.is_leaf
    assert tuple(w.shape) == (n,) and w.dtype == F32
    assert_close(w, np.full(n, 0.25 if init is None else init, dtype=np.float32), rtol=0, atol=0)
    assert [k for k, _ in m.named_parameters()] == ["weight"]
    sd = m.state_dict()
    assert list(sd) == ["weight"]
    assert_close(sd["weight"], to_np(w), rtol=0, atol=0)


def test_prelu_module_forward_and_grads():
    m = nn.PReLU(3, init=0.2)
    x0 = data(AT0, (2, 3, 4), seed=8).astype(np.float32)
    x = tgt(x0, requires_grad=True)
    y = m(x)
    assert_close(y, R.prelu(x0, np.full(3, 0.2)), dtype=F32)
    g = randn(2, 3, 4, seed=9).astype(np.float32)
    y.backward(tgt(g))
    assert tuple(m.weight.grad.shape) == (3,)
    assert_close(m.weight.grad, np.where(x0 <= 0, x0 * g, 0.0).sum(axis=(0, 2)), rtol=1e-5)
    assert_close(x.grad, np.where(x0 <= 0, 0.2 * g, g), rtol=1e-6)


def test_prelu_module_single_weight_any_shape():
    m = nn.PReLU(init=0.3)
    for shape in [(5,), (2, 3), (2, 4, 3)]:
        x0 = data(AT0, shape, seed=10).astype(np.float32)
        assert_close(m(tgt(x0)), R.prelu(x0, [0.3]), dtype=F32)


def test_prelu_module_load_state_dict_and_double():
    m = nn.PReLU(3)
    w = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    m.load_state_dict({"weight": tgt(w)})
    x0 = data(AT0, (4, 3), seed=11).astype(np.float32)
    assert_close(m(tgt(x0)), R.prelu(x0, w), dtype=F32)
    m.double()
    assert m.weight.dtype == F64 and isinstance(m.weight, nn.Parameter)
    assert_close(m(tgt(x0.astype(np.float64))), R.prelu(x0, w), dtype=F64)
    xt = tgt(data(AT0, (2, 3, 2), seed=12))
    check_grad(lambda w: F.prelu(xt, w), to_np(m.weight))


def test_prelu_module_trains():
    m = nn.PReLU(2, init=0.25)
    opt = tg.optim.SGD(m.parameters(), lr=0.1)
    x = tgt(np.array([[-1.0, -2.0], [-3.0, 1.0]], dtype=np.float32))
    before = to_np(m.weight)
    m(x).sum().backward()
    opt.step()
    # dL/dw = sum of the negative inputs per channel: [-4, -2]
    assert_close(m.weight, before - 0.1 * np.array([-4.0, -2.0]), rtol=1e-6)


# ---- smooth_l1_loss / huber_loss -----------------------------------------------------------------
# (id, function name in F and in R, keyword args, shape)
LOSSES = [
    ("sl1", "smooth_l1_loss", {}, (3, 4)),
    ("sl1_0d", "smooth_l1_loss", {}, ()),
    ("sl1_1d", "smooth_l1_loss", {"beta": 0.5}, (7,)),
    ("sl1_3d", "smooth_l1_loss", {"beta": 2.0}, (2, 3, 2)),
    ("sl1_beta0", "smooth_l1_loss", {"beta": 0.0}, (3, 4)),
    ("sl1_small_beta", "smooth_l1_loss", {"beta": 0.3}, (4, 5)),
    ("huber", "huber_loss", {}, (3, 4)),
    ("huber_0d", "huber_loss", {}, ()),
    ("huber_1d", "huber_loss", {"delta": 0.5}, (7,)),
    ("huber_3d", "huber_loss", {"delta": 2.0}, (2, 3, 2)),
    ("huber_small_delta", "huber_loss", {"delta": 0.3}, (4, 5)),
]
LOSS_IDS = [c[0] for c in LOSSES]


def loss_data(kw, shape, seed=0):
    """(input, target) whose differences are away from 0 and from +-beta / +-delta."""
    k = kw.get("beta", kw.get("delta", 1.0))
    x = np.random.default_rng(seed).uniform(-3.0, 3.0, size=shape)
    d = data((-3.0, 3.0, (0.0, k, -k)), shape, seed=seed + 1)
    return x, x - d


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,kw,shape", LOSSES, ids=LOSS_IDS)
def test_loss_forward(name, fn, kw, shape, reduction):
    x, t = loss_data(kw, shape, seed=1)
    for dtype in FLOATS:
        xd, td = x.astype(NP[dtype]), t.astype(NP[dtype])
        expected = getattr(R, fn)(xd, td, reduction=reduction, **kw)
        out = getattr(F, fn)(tgt(xd), tgt(td), reduction=reduction, **kw)
        assert_close(out, expected, dtype=dtype)
        if reduction == "mean":  # the default
            assert_close(getattr(F, fn)(tgt(xd), tgt(td), **kw), expected, dtype=dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("fn", ["smooth_l1_loss", "huber_loss"])
def test_loss_empty(fn, reduction):
    for dtype in FLOATS:
        z = tg.zeros(0, 3, dtype=dtype)
        out = getattr(F, fn)(z, z, reduction=reduction)
        assert_close(
            out, getattr(R, fn)(np.zeros((0, 3)), np.zeros((0, 3)), reduction), dtype=dtype
        )


@pytest.mark.parametrize("name,fn,kw,shape", [c for c in LOSSES if len(c[3]) >= 2], ids=str)
def test_loss_noncontiguous(name, fn, kw, shape):
    x, t = loss_data(kw, shape, seed=2)
    for dtype in FLOATS:
        xd, td = x.astype(NP[dtype]), t.astype(NP[dtype])
        out = getattr(F, fn)(nc(xd), nc(td), reduction="none", **kw)
        assert_close(out, getattr(R, fn)(xd, td, reduction="none", **kw), dtype=dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,kw,shape", LOSSES, ids=LOSS_IDS)
def test_loss_grad(name, fn, kw, shape, reduction):
    x, t = loss_data(kw, shape, seed=3)
    check_grad(lambda x, t: getattr(F, fn)(x, t, reduction=reduction, **kw), x, t)


@pytest.mark.parametrize("k", [0.3, 1.0, 2.5])
def test_huber_is_delta_times_smooth_l1(k):
    x, t = loss_data({"beta": k}, (4, 5), seed=4)
    for r in REDUCTIONS:
        h = F.huber_loss(tgt(x), tgt(t), reduction=r, delta=k)
        s = F.smooth_l1_loss(tgt(x), tgt(t), reduction=r, beta=k)
        assert_close(h, k * to_np(s))


@pytest.mark.parametrize("fn", ["smooth_l1_loss", "huber_loss"])
def test_loss_grad_reaches_target(fn):
    x, t = loss_data({}, (3, 4), seed=5)
    xt, tt = tgt(x, requires_grad=True), tgt(t, requires_grad=True)
    getattr(F, fn)(xt, tt, reduction="sum").backward()
    assert_close(tt.grad, -to_np(xt.grad))
    assert_close(xt.grad, np.clip(x - t, -1.0, 1.0))  # beta = delta = 1: clamp(d, -1, 1)


# (id, fn, d = input - target, expected loss, expected d loss / d input), float64, reduction none
LOSS_KINKS = [
    (
        "sl1",
        lambda x, t: F.smooth_l1_loss(x, t, reduction="none"),
        [0.0, 1.0, -1.0],
        [0, 0.5, 0.5],
        [0, 1, -1],
    ),
    (
        "sl1_beta",
        lambda x, t: F.smooth_l1_loss(x, t, reduction="none", beta=0.5),
        [0.0, 0.5, -0.5, 2.0],
        [0.0, 0.25, 0.25, 1.75],
        [0.0, 1.0, -1.0, 1.0],
    ),
    (
        "sl1_beta0",
        lambda x, t: F.smooth_l1_loss(x, t, reduction="none", beta=0.0),
        [0.0, 0.5, -2.0],
        [0.0, 0.5, 2.0],
        [0.0, 1.0, -1.0],
    ),
    (
        "huber_delta",
        lambda x, t: F.huber_loss(x, t, reduction="none", delta=2.0),
        [0.0, 2.0, -2.0, 3.0],
        [0.0, 2.0, 2.0, 4.0],
        [0.0, 2.0, -2.0, 2.0],
    ),
]


@pytest.mark.parametrize("name,fn,d,y,g", LOSS_KINKS, ids=[c[0] for c in LOSS_KINKS])
def test_loss_at_kinks(name, fn, d, y, g):
    xt = tgt(np.array(d) + 1.0, requires_grad=True)
    out = fn(xt, tgt(np.ones(len(d))))
    out.sum().backward()
    assert_close(out, np.array(y, dtype=np.float64), dtype=F64, rtol=1e-14, atol=0)
    assert_close(xt.grad, np.array(g, dtype=np.float64), rtol=1e-14, atol=0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("fn", ["smooth_l1_loss", "huber_loss"])
def test_loss_stable(fn, reduction):
    x = np.array([[1e4, -1e4, 3e3], [-3e3, 0.5, 1e4]])
    t = np.array([[-1e4, 1e4, 0.0], [3e3, 0.25, 1e4 - 0.5]])
    for dtype in FLOATS:
        xt = tgt(x.astype(NP[dtype]), requires_grad=True)
        out = getattr(F, fn)(xt, tgt(t.astype(NP[dtype])), reduction=reduction)
        assert all_finite(out)
        assert_close(out, getattr(R, fn)(x, t, reduction), dtype=dtype)
        out.sum().backward()
        assert all_finite(xt.grad)


# (id, module factory, functional call)
LOSS_MODULES = []
for red in REDUCTIONS:
    LOSS_MODULES += [
        (
            f"sl1_{red}",
            lambda r=red: nn.SmoothL1Loss(reduction=r),
            lambda x, t, r=red: F.smooth_l1_loss(x, t, reduction=r),
        ),
        (
            f"sl1_beta_{red}",
            lambda r=red: nn.SmoothL1Loss(reduction=r, beta=0.5),
            lambda x, t, r=red: F.smooth_l1_loss(x, t, reduction=r, beta=0.5),
        ),
        (
            f"huber_{red}",
            lambda r=red: nn.HuberLoss(reduction=r),
            lambda x, t, r=red: F.huber_loss(x, t, reduction=r),
        ),
        (
            f"huber_delta_{red}",
            lambda r=red: nn.HuberLoss(reduction=r, delta=2.0),
            lambda x, t, r=red: F.huber_loss(x, t, reduction=r, delta=2.0),
        ),
    ]
LOSS_MODULES += [
    ("sl1_default", lambda: nn.SmoothL1Loss(), lambda x, t: F.smooth_l1_loss(x, t)),
    ("huber_default", lambda: nn.HuberLoss(), lambda x, t: F.huber_loss(x, t)),
]


@pytest.mark.parametrize(
    "make_mod,fn", [c[1:] for c in LOSS_MODULES], ids=[c[0] for c in LOSS_MODULES]
)
def test_loss_module(make_mod, fn):
    x, t = loss_data({"beta": 0.5}, (4, 3), seed=6)
    xt, tt = tgt(x, requires_grad=True), tgt(t)
    loss = make_mod()(xt, tt)
    assert_close(loss, to_np(fn(xt, tt)), dtype=F64)  # sums may differ in the last bit
    loss.sum().backward()
    assert xt.grad is not None and tuple(xt.grad.shape) == (4, 3)


# ---- one_hot ---------------------------------------------------------------------------------------
# (indices, num_classes or None for the default -1)
ONE_HOT = [
    ([0, 2, 1], None),
    ([0, 2, 1], 5),
    ([3], None),
    ([[0, 1], [3, 2]], 4),
    ([[[1, 0]], [[2, 2]]], None),
    (2, 4),
    (0, None),
    ([1, 1, 1], 2),
    (np.zeros(0, dtype=np.int64), 3),
    (np.zeros((2, 0), dtype=np.int64), 4),
]


@pytest.mark.parametrize("idx,n", ONE_HOT, ids=str)
def test_one_hot(idx, n):
    a = np.array(idx, dtype=np.int64)
    expected = R.one_hot(a, -1 if n is None else n)
    if n is None:
        assert_close(F.one_hot(tgt(a)), expected, dtype=tg.int64)
    else:
        assert_close(F.one_hot(tgt(a), n), expected, dtype=tg.int64)
        assert_close(F.one_hot(tgt(a), num_classes=n), expected, dtype=tg.int64)
    assert_close(F.one_hot(tgt(a), num_classes=-1 if n is None else n), expected, dtype=tg.int64)


def test_one_hot_noncontiguous():
    a = np.array([[0, 3, 1], [2, 2, 0]], dtype=np.int64)
    assert_close(F.one_hot(nc(a)), R.one_hot(a), dtype=tg.int64)
    assert_close(F.one_hot(nc(a), 6), R.one_hot(a, 6), dtype=tg.int64)


def test_one_hot_not_differentiable_and_usable():
    y = F.one_hot(tgt(np.array([1, 0, 2], dtype=np.int64)), 3)
    assert not y.requires_grad
    logits = tgt(randn(3, 3, seed=13), requires_grad=True)
    # a one_hot target, as float, gives cross_entropy with probabilities == class indices
    ce = F.cross_entropy(logits, y.to(F64))
    assert_close(ce, R.cross_entropy(to_np(logits), np.array([1, 0, 2])))


# ---- errors: tetragrad's contract ------------------------------------------------------------------


def z(*shape, dtype=None):
    return tg.zeros(*shape, dtype=dtype or F32)


# (id, fn, op names (any one must appear), shapes that must appear in the message)
SHAPE_ERRORS = [
    ("sl1", lambda: F.smooth_l1_loss(z(2, 3), z(3)), ("smooth_l1_loss",), ["[2, 3]", "[3]"]),
    (
        "sl1_no_bcast",
        lambda: F.smooth_l1_loss(z(2, 3), z(2, 4)),
        ("smooth_l1_loss",),
        ["[2, 3]", "[2, 4]"],
    ),
    (
        "sl1_1",
        lambda: F.smooth_l1_loss(z(4, 1), z(4), beta=0.5),
        ("smooth_l1_loss",),
        ["[4, 1]", "[4]"],
    ),
    ("huber", lambda: F.huber_loss(z(4), z(2, 4)), ("huber_loss",), ["[4]", "[2, 4]"]),
    (
        "huber_no_bcast",
        lambda: F.huber_loss(z(3, 2), z(2, 3)),
        ("huber_loss",),
        ["[3, 2]", "[2, 3]"],
    ),
    (
        "huber_module",
        lambda: nn.HuberLoss(delta=2.0)(z(2, 1), z(1, 3)),
        ("huber_loss", "HuberLoss"),
        ["[2, 1]", "[1, 3]"],
    ),
    (
        "sl1_module",
        lambda: nn.SmoothL1Loss()(z(5), z(1)),
        ("smooth_l1_loss", "SmoothL1Loss"),
        ["[5]", "[1]"],
    ),
]


@torch_differs("it broadcasts (with a UserWarning) or raises RuntimeError")
@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name,fn,ops,shapes", SHAPE_ERRORS, ids=[c[0] for c in SHAPE_ERRORS])
def test_loss_shape_error(name, fn, ops, shapes):
    with pytest.raises(ValueError) as info:
        fn()
    assert_message_names(str(info.value), ops, shapes)


# torch raises ValueError here too
SAME_AS_TORCH = [
    ("sl1_reduction", lambda: F.smooth_l1_loss(z(2), z(2), reduction="avg")),
    ("huber_reduction", lambda: F.huber_loss(z(2), z(2), reduction="batchmean")),
    ("sl1_module_reduction", lambda: nn.SmoothL1Loss(reduction="elementwise")(z(2), z(2))),
    ("huber_module_reduction", lambda: nn.HuberLoss(reduction="all")(z(2), z(2))),
]


@pytest.mark.parametrize("name,fn", SAME_AS_TORCH, ids=[c[0] for c in SAME_AS_TORCH])
def test_value_error(name, fn):
    with pytest.raises(ValueError):
        fn()


# torch raises RuntimeError ("... does not support negative values for beta" / "non-positive ...
# delta", "Mismatch of parameter numbers and input channel size", "Class values must be ...")
VALUE_ERRORS = [
    ("sl1_negative_beta", lambda: F.smooth_l1_loss(z(2), z(2), beta=-1.0)),
    ("huber_zero_delta", lambda: F.huber_loss(z(2), z(2), delta=0.0)),
    ("huber_negative_delta", lambda: F.huber_loss(z(2), z(2), delta=-0.5)),
    ("prelu_weight_size", lambda: F.prelu(z(2, 3), z(2))),
    ("prelu_weight_last_dim", lambda: F.prelu(z(2, 3, 4), z(4))),
    ("prelu_1d_many_weights", lambda: F.prelu(z(4), z(4))),
    ("prelu_module_channels", lambda: nn.PReLU(3)(z(2, 4, 5))),
    ("one_hot_negative", lambda: F.one_hot(tgt(np.array([0, -1])))),
    ("one_hot_negative_n", lambda: F.one_hot(tgt(np.array([0, -1])), 3)),
    ("one_hot_too_large", lambda: F.one_hot(tgt(np.array([0, 3])), 3)),
    ("one_hot_too_large_2d", lambda: F.one_hot(tgt(np.array([[0, 1], [5, 2]])), 2)),
    ("one_hot_empty_infer", lambda: F.one_hot(tgt(np.zeros(0, dtype=np.int64)))),
]


@pytest.mark.parametrize("name,fn", VALUE_ERRORS, ids=[c[0] for c in VALUE_ERRORS])
def test_value_error_torch_differs(name, fn):
    with raises(ValueError, RuntimeError):
        fn()


INT_ACTS = {
    "silu": lambda x: F.silu(x),
    "softplus": lambda x: F.softplus(x),
    "logsigmoid": lambda x: F.logsigmoid(x),
    "selu": lambda x: F.selu(x),
    "mish": lambda x: F.mish(x),
    "hardswish": lambda x: F.hardswish(x),
    "hardsigmoid": lambda x: F.hardsigmoid(x),
}


@pytest.mark.parametrize("name", list(INT_ACTS))
def test_activation_int_input(name):
    with raises(
        TypeError,
        NotImplementedError,  # "silu_cpu" not implemented for 'Long'
        match="expected a floating-point tensor, got int64",
        torch_match="not implemented for 'Long'",
    ):
        INT_ACTS[name](tgt(np.array([1, -2, 3], dtype=np.int64)))


def test_one_hot_float_input():
    with raises(TypeError, RuntimeError, match="one_hot"):
        F.one_hot(z(3), 3)


# ---- parity with torch ------------------------------------------------------------------------------
# An argument spec (every one is a float tensor with a gradient):
#   ((lo, hi, kinks), shape)  uniform data away from the kinks (see `data`)
#   ("w", shape)              PReLU weights in [-0.5, 1.5]
#   ("big", shape)            values from {0, +-5e3, +-1e4}
#   ("exact", values)         these values (exactly at the kinks)
#   ("minus", k, shape)       a loss target: the first argument minus offsets with |offset| in
#                             [0, 3], at least 0.15 away from 0 and +-k


def gen(spec, seed, first=None):
    kind = spec[0]
    if kind == "w":
        return np.random.default_rng(seed).uniform(-0.5, 1.5, size=spec[1])
    if kind == "big":
        return np.random.default_rng(seed).choice([-1e4, -5e3, 0.0, 5e3, 1e4], size=spec[1])
    if kind == "exact":
        return np.array(spec[1], dtype=np.float64)
    if kind == "minus":
        k, shape = spec[1], spec[2]
        return first - data((-3.0, 3.0, (0.0, k, -k)), shape, seed=seed)
    return data(kind, spec[1], seed=seed)


def run(M, fn, specs, dtype, extra=()):
    """fn(F, *tensors, *extra) on module M; backward with a fixed random upstream gradient."""
    ts, arrays = [], []
    for i, s in enumerate(specs):
        arrays.append(gen(s, seed=i + 1, first=arrays[0] if arrays else None).astype(dtype))
        ts.append(make(M, arrays[-1], requires_grad=True))
    out = fn(M.nn.functional, *ts, *extra)
    if out.requires_grad:
        out.backward(make(M, np.asarray(randn(*tuple(out.shape), seed=99)).astype(dtype)))
    return out, ts


def check_parity(torch, fn, specs, dtype, extra=()):
    assert_same_call(run(tg, fn, specs, dtype, extra), run(torch, fn, specs, dtype, extra), dtype)


DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])


def S(*s):
    return (SMOOTH, s)


def A(*s):
    return (AT0, s)


def BIG(*s):
    return ("big", s)


# (id, fn(F, *tensors), specs)
PARITY = [
    ("silu", lambda F, x: F.silu(x), [S(2, 5)]),
    ("softplus", lambda F, x: F.softplus(x), [S(2, 5)]),
    ("softplus_beta", lambda F, x: F.softplus(x, beta=2.0), [S(3, 4)]),
    ("softplus_beta_thr", lambda F, x: F.softplus(x, beta=0.5, threshold=1.0), [A(3, 4)]),
    ("softplus_thr_6", lambda F, x: F.softplus(x, 0.5, 3.0), [((3.0, 9.0, (6.0,)), (4, 5))]),
    ("softplus_thr_10", lambda F, x: F.softplus(x, beta=2.0), [((8.0, 12.0, (10.0,)), (4, 5))]),
    ("softplus_thr_20", lambda F, x: F.softplus(x), [((17.0, 23.0, (20.0,)), (4, 5))]),
    ("logsigmoid", lambda F, x: F.logsigmoid(x), [S(2, 5)]),
    ("hardtanh", lambda F, x: F.hardtanh(x), [((-3.0, 3.0, (-1.0, 1.0)), (3, 5))]),
    (
        "hardtanh_range",
        lambda F, x: F.hardtanh(x, min_val=-2.0, max_val=0.5),
        [((-4.0, 3.0, (-2.0, 0.5)), (3, 5))],
    ),
    ("relu6", lambda F, x: F.relu6(x), [((-3.0, 9.0, (0.0, 6.0)), (3, 5))]),
    ("selu", lambda F, x: F.selu(x), [A(2, 5)]),
    ("mish", lambda F, x: F.mish(x), [S(2, 5)]),
    ("hardswish", lambda F, x: F.hardswish(x), [((-5.0, 5.0, (-3.0, 3.0)), (3, 5))]),
    ("hardsigmoid", lambda F, x: F.hardsigmoid(x), [((-5.0, 5.0, (-3.0, 3.0)), (3, 5))]),
    ("act_0d", lambda F, x: F.silu(x) + F.mish(x) * F.logsigmoid(x) + F.selu(x), [A()]),
    ("act_t", lambda F, x: F.mish(x.t()) + F.softplus(x.t(), 2.0), [S(4, 3)]),
    (
        "act_big",
        lambda F, x: F.silu(x) + F.softplus(x) + F.logsigmoid(x) + F.selu(x) + F.mish(x),
        [BIG(3, 5)],
    ),
    ("softplus_big_beta", lambda F, x: F.softplus(x, beta=0.5, threshold=3.0), [BIG(3, 5)]),
    ("clamps_big", lambda F, x: F.hardtanh(x, -2.0, 3.0) + F.relu6(x), [BIG(3, 5)]),
    ("prelu", lambda F, x, w: F.prelu(x, w), [A(2, 3), ("w", (3,))]),
    ("prelu_1", lambda F, x, w: F.prelu(x, w), [A(2, 3, 4), ("w", (1,))]),
    ("prelu_3d", lambda F, x, w: F.prelu(x, w), [A(2, 3, 4), ("w", (3,))]),
    ("prelu_4d", lambda F, x, w: F.prelu(x, w), [A(2, 4, 2, 3), ("w", (4,))]),
    ("prelu_1d", lambda F, x, w: F.prelu(x, w), [A(5), ("w", (1,))]),
    ("prelu_0d", lambda F, x, w: F.prelu(x, w), [A(), ("w", (1,))]),
    ("prelu_t", lambda F, x, w: F.prelu(x.transpose(0, 1), w), [A(3, 2, 4), ("w", (3,))]),
    # exactly at the kinks: both libraries must make the same choice
    (
        "kinks",
        lambda F, x, w: (
            F.hardtanh(x)
            + F.relu6(x + 1.0)
            + F.prelu(x, w)
            + F.softplus(x + 1.0, beta=0.5, threshold=1.0)
        ),
        [("exact", [-1.0, 1.0, 0.0, 5.0, -2.0]), ("w", (1,))],
    ),
]


@DTYPES
@pytest.mark.parametrize("name,fn,specs", PARITY, ids=[c[0] for c in PARITY])
def test_parity(name, fn, specs, dtype, torch):
    check_parity(torch, fn, specs, dtype)


def K(kink, *s):
    """A loss target: the input minus offsets away from 0 and +-kink."""
    return ("minus", kink, s)


# (id, fn(F, x, t, reduction), specs)
PARITY_LOSSES = [
    ("sl1", lambda F, x, t, r: F.smooth_l1_loss(x, t, reduction=r), [S(3, 4), K(1.0, 3, 4)]),
    ("sl1_0d", lambda F, x, t, r: F.smooth_l1_loss(x, t, reduction=r), [S(), K(1.0)]),
    (
        "sl1_beta",
        lambda F, x, t, r: F.smooth_l1_loss(x, t, reduction=r, beta=0.5),
        [S(2, 3, 2), K(0.5, 2, 3, 2)],
    ),
    (
        "sl1_beta0",
        lambda F, x, t, r: F.smooth_l1_loss(x, t, reduction=r, beta=0.0),
        [S(5), K(0.5, 5)],
    ),
    ("huber", lambda F, x, t, r: F.huber_loss(x, t, reduction=r), [S(3, 4), K(1.0, 3, 4)]),
    (
        "huber_delta",
        lambda F, x, t, r: F.huber_loss(x, t, reduction=r, delta=2.0),
        [S(2, 3, 2), K(2.0, 2, 3, 2)],
    ),
    (
        "huber_small_delta",
        lambda F, x, t, r: F.huber_loss(x, t, reduction=r, delta=0.25),
        [S(6), K(0.25, 6)],
    ),
    (
        "sl1_big",
        lambda F, x, t, r: F.smooth_l1_loss(x, t, reduction=r, beta=2.0),
        [BIG(3, 4), K(2.0, 3, 4)],
    ),
    ("huber_big", lambda F, x, t, r: F.huber_loss(x, t, reduction=r), [BIG(3, 4), K(1.0, 3, 4)]),
    (
        "sl1_t",
        lambda F, x, t, r: F.smooth_l1_loss(x.t(), x.t().detach() - t, reduction=r),
        [S(4, 3), ((-3.0, 3.0, (0.0, 1.0, -1.0)), (3, 4))],
    ),
]


@DTYPES
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,specs", PARITY_LOSSES, ids=[c[0] for c in PARITY_LOSSES])
def test_parity_loss(name, fn, specs, reduction, dtype, torch):
    check_parity(torch, fn, specs, dtype, extra=(reduction,))


@pytest.mark.parametrize("idx,n", ONE_HOT, ids=str)
def test_parity_one_hot(idx, n, torch):
    a = np.array(idx, dtype=np.int64)
    kw = {} if n is None else {"num_classes": n}
    out_tg = tg.nn.functional.one_hot(make(tg, a), **kw)
    out_pt = torch.nn.functional.one_hot(make(torch, a), **kw)
    assert tuple(out_tg.shape) == tuple(out_pt.shape) and dtype_name(out_tg) == "int64"
    assert out_tg.tolist() == out_pt.tolist()


MODULE_PARITY = [
    lambda M: M.nn.SiLU(),
    lambda M: M.nn.Softplus(beta=2.0, threshold=5.0),
    lambda M: M.nn.LogSigmoid(),
    lambda M: M.nn.Hardtanh(-2.0, 3.0),
    lambda M: M.nn.ReLU6(),
    lambda M: M.nn.SELU(),
    lambda M: M.nn.Mish(),
    lambda M: M.nn.PReLU(),
    lambda M: M.nn.PReLU(4, init=-0.3),
    lambda M: M.nn.SmoothL1Loss(reduction="sum", beta=0.5),
    lambda M: M.nn.HuberLoss(delta=2.0),
]
MODULE_IDS = ["SiLU", "Softplus", "LogSigmoid", "Hardtanh", "ReLU6", "SELU", "Mish", "PReLU"]
MODULE_IDS += ["PReLU4", "SmoothL1Loss", "HuberLoss"]


@pytest.mark.parametrize("factory", MODULE_PARITY, ids=MODULE_IDS)
def test_parity_module(factory, torch):
    """Same repr, state_dict keys, output and gradients (input and parameters) in float32."""
    x0 = data(AT0, (2, 4, 3), seed=14).astype(np.float32)
    t0 = (x0 - data((-3.0, 3.0, (0.0, 0.5, -0.5, 2.0, -2.0)), (2, 4, 3), seed=15)).astype(
        np.float32
    )
    res = []
    for M in (tg, torch):
        m = factory(M)
        x = make(M, x0, requires_grad=True)
        loss = m(x, make(M, t0)) if "Loss" in type(m).__name__ else m(x)
        loss.backward(make(M, randn(*tuple(loss.shape), seed=16).astype(np.float32)))
        grads = [np_of(x.grad)] + [np_of(p.grad) for p in m.parameters()]
        res.append((repr(m), list(m.state_dict()), np_of(loss), grads))
    assert res[0][:2] == res[1][:2]
    np.testing.assert_allclose(res[0][2], res[1][2], rtol=2e-5, atol=2e-6)
    assert len(res[0][3]) == len(res[1][3])
    for g_tg, g_pt in zip(res[0][3], res[1][3], strict=True):
        np.testing.assert_allclose(g_tg, g_pt, rtol=2e-5, atol=2e-6)
