"""tetragrad.optim.SGD: PyTorch's update rule, param groups, zero_grad, state_dict.

(a) PyTorch parity (skipped without torch): a float64 3-5-2 MLP trained 20 steps with
    tetragrad's SGD and torch's SGD from identical weights agrees at every step, for every
    combination of momentum, dampening, weight_decay, nesterov and maximize, and with two
    param groups.
(b) Without torch: the update against a NumPy reference (``sgd_reference`` below) and against
    hand-computed numbers; zero_grad, skipped parameters, state_dict round trips, lr changes
    through ``param_groups``, ``add_param_group`` and argument validation.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
import tetragrad as tg
from conftest import to_np, torch_differs

nn = tg.nn
F = tg.nn.functional

# ---- NumPy reference --------------------------------------------------------------------------


def sgd_reference(
    params,
    grads,
    bufs,
    *,
    lr,
    momentum=0.0,
    dampening=0.0,
    weight_decay=0.0,
    nesterov=False,
    maximize=False,
):
    """One step of PyTorch's SGD on NumPy arrays. Returns (new params, new momentum buffers).

    Per parameter p with gradient g (a None gradient leaves p and its buffer untouched):
        g = -g if maximize;  g = g + weight_decay * p
        b = g on the first step (no dampening), else momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b                      (only when momentum != 0)
        p = p - lr * g
    """
    new_params, new_bufs = [], []
    for p, g, b in zip(params, grads, bufs, strict=True):
        if g is None:
            new_params.append(p)
            new_bufs.append(b)
            continue
        g = -g if maximize else g
        if weight_decay != 0:
            g = g + weight_decay * p
        if momentum != 0:
            b = g.copy() if b is None else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        new_params.append(p - lr * g)
        new_bufs.append(b)
    return new_params, new_bufs


# ---- a small float64 MLP and its data -----------------------------------------------------------

_R = np.random.default_rng(7)
WEIGHTS = [  # Linear(3, 5) weight and bias, Linear(5, 2) weight and bias
    _R.standard_normal((5, 3)) * 0.5,
    _R.standard_normal(5) * 0.1,
    _R.standard_normal((2, 5)) * 0.5,
    _R.standard_normal(2) * 0.1,
]
X_DATA = _R.standard_normal((8, 3))
Y_CLASS = np.array([0, 1, 1, 0, 1, 0, 0, 1], dtype=np.int64)
Y_REG = _R.standard_normal((8, 2))


def make_mlp(lib, weights=WEIGHTS, dtype=None):
    """Linear(3, 5), Tanh, Linear(5, 2) in `lib` (tetragrad or torch) with the given weights."""
    dtype = lib.float64 if dtype is None else dtype
    model = lib.nn.Sequential(
        lib.nn.Linear(3, 5, dtype=dtype), lib.nn.Tanh(), lib.nn.Linear(5, 2, dtype=dtype)
    )
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights, strict=True):
            p.copy_(lib.tensor(np.asarray(w).tolist(), dtype=dtype))
    return model


def loss_of(lib, model, kind="ce", dtype=None):
    dtype = lib.float64 if dtype is None else dtype
    x = lib.tensor(X_DATA.tolist(), dtype=dtype)
    if kind == "ce":
        return lib.nn.functional.cross_entropy(model(x), lib.tensor(Y_CLASS.tolist()))
    return lib.nn.functional.mse_loss(model(x), lib.tensor(Y_REG.tolist(), dtype=dtype))


def params_np(model):
    return [to_np(p) for p in model.parameters()]


def train(lib, model, opt, steps, kind="ce"):
    """`steps` SGD steps; returns the parameters (NumPy) after each step."""
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss_of(lib, model, kind).backward()
        opt.step()
        history.append(params_np(model))
    return history


def assert_params_equal(got, want, rtol=1e-10, atol=1e-12, step=None):
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"step {step}, param {i}")


# ---- option combinations ------------------------------------------------------------------------


def _combo_id(c):
    m, d, wd, nest, mx = c
    return f"mom{m}-damp{d}-wd{wd}" + ("-nesterov" if nest else "") + ("-max" if mx else "")


ALL_COMBOS = list(
    itertools.product([0.0, 0.9], [0.0, 0.5], [0.0, 0.1], [False, True], [False, True])
)
VALID = [c for c in ALL_COMBOS if not c[3] or (c[0] > 0 and c[1] == 0)]
INVALID_NESTEROV = [c for c in ALL_COMBOS if c not in VALID]


def _kwargs(c, lr=0.1):
    m, d, wd, nest, mx = c
    return dict(lr=lr, momentum=m, dampening=d, weight_decay=wd, nesterov=nest, maximize=mx)


# ---- (a) PyTorch parity -------------------------------------------------------------------------


@pytest.mark.parametrize("combo", VALID, ids=_combo_id)
def test_sgd_matches_torch(combo):
    torch = pytest.importorskip("torch")
    kw = _kwargs(combo)
    model_tg, model_pt = make_mlp(tg), make_mlp(torch)
    opt_tg = tg.optim.SGD(model_tg.parameters(), **kw)
    opt_pt = torch.optim.SGD(model_pt.parameters(), **kw)
    for step, (a, b) in enumerate(
        zip(train(tg, model_tg, opt_tg, 20), train(torch, model_pt, opt_pt, 20), strict=True)
    ):
        assert_params_equal(a, b, step=step)
    if combo[0] != 0:  # the momentum buffers agree too
        for p_tg, p_pt in zip(model_tg.parameters(), model_pt.parameters(), strict=True):
            np.testing.assert_allclose(
                to_np(opt_tg.state[p_tg]["momentum_buffer"]),
                opt_pt.state[p_pt]["momentum_buffer"].numpy(),
                rtol=1e-10,
                atol=1e-12,
            )
    sd_tg, sd_pt = opt_tg.state_dict(), opt_pt.state_dict()
    assert sorted(sd_tg["state"]) == sorted(sd_pt["state"])
    assert sd_tg["param_groups"][0].keys() == sd_pt["param_groups"][0].keys()


@pytest.mark.parametrize("kind", ["ce", "mse"])
def test_sgd_two_param_groups_match_torch(kind):
    torch = pytest.importorskip("torch")

    def make_opt(lib, model):
        first, second = model[0], model[2]
        return lib.optim.SGD(
            [
                {"params": first.parameters()},  # the defaults below
                {
                    "params": second.parameters(),
                    "lr": 0.03,
                    "momentum": 0.5,
                    "dampening": 0.0,
                    "nesterov": True,
                },
            ],
            lr=0.1,
            momentum=0.9,
            dampening=0.1,
            weight_decay=0.01,
        )

    model_tg, model_pt = make_mlp(tg), make_mlp(torch)
    opt_tg, opt_pt = make_opt(tg, model_tg), make_opt(torch, model_pt)
    assert [g["lr"] for g in opt_tg.param_groups] == [0.1, 0.03]
    assert [g["momentum"] for g in opt_tg.param_groups] == [0.9, 0.5]
    for step, (a, b) in enumerate(
        zip(
            train(tg, model_tg, opt_tg, 20, kind),
            train(torch, model_pt, opt_pt, 20, kind),
            strict=True,
        )
    ):
        assert_params_equal(a, b, step=step)


def test_group_nesterov_with_inherited_dampening_matches_torch():
    """PyTorch checks nesterov/dampening (and lr, momentum, weight_decay) against the
    constructor's defaults only: a group that sets nesterov=True while inheriting dampening=0.1
    is accepted and stepped with the plain formula (b = m b + (1 - d) g; g = g + m b)."""
    torch = pytest.importorskip("torch")

    def make_opt(lib, model):
        return lib.optim.SGD(
            [
                {"params": model[0].parameters()},
                {"params": model[2].parameters(), "nesterov": True},
            ],
            lr=0.1,
            momentum=0.9,
            dampening=0.1,
        )

    model_tg, model_pt = make_mlp(tg), make_mlp(torch)
    opt_tg, opt_pt = make_opt(tg, model_tg), make_opt(torch, model_pt)
    for step, (a, b) in enumerate(
        zip(train(tg, model_tg, opt_tg, 5), train(torch, model_pt, opt_pt, 5), strict=True)
    ):
        assert_params_equal(a, b, step=step)


@pytest.mark.parametrize("combo", INVALID_NESTEROV, ids=_combo_id)
def test_nesterov_needs_momentum_and_zero_dampening(combo):
    model = make_mlp(tg)
    with pytest.raises(
        ValueError, match="Nesterov momentum requires a momentum and zero dampening"
    ):
        tg.optim.SGD(model.parameters(), **_kwargs(combo))


def test_invalid_nesterov_matches_torch():
    torch = pytest.importorskip("torch")
    for combo in INVALID_NESTEROV:
        with pytest.raises(ValueError, match="Nesterov"):
            torch.optim.SGD(make_mlp(torch).parameters(), **_kwargs(combo))


# ---- (b) the update rule without torch ----------------------------------------------------------


@pytest.mark.parametrize("combo", VALID, ids=_combo_id)
def test_sgd_matches_numpy_reference(combo):
    kw = _kwargs(combo, lr=0.2)
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), **kw)
    params = params_np(model)
    bufs = [None] * len(params)
    for step in range(6):
        opt.zero_grad()
        loss_of(tg, model).backward()
        grads = [to_np(p.grad) for p in model.parameters()]
        opt.step()
        params, bufs = sgd_reference(params, grads, bufs, **kw)
        assert_params_equal(params_np(model), params, rtol=1e-12, step=step)


@pytest.mark.parametrize(
    "combo", [VALID[0], VALID[-1], (0.9, 0.5, 0.1, False, False)], ids=_combo_id
)
def test_sgd_float32_matches_numpy_reference(combo):
    kw = _kwargs(combo, lr=0.2)
    model = make_mlp(tg, dtype=tg.float32)
    opt = tg.optim.SGD(model.parameters(), **kw)
    params = [p.astype(np.float64) for p in params_np(model)]
    bufs = [None] * len(params)
    for step in range(6):
        opt.zero_grad()
        loss_of(tg, model, dtype=tg.float32).backward()
        grads = [to_np(p.grad).astype(np.float64) for p in model.parameters()]
        opt.step()
        params, bufs = sgd_reference(params, grads, bufs, **kw)
        for p in model.parameters():
            assert p.dtype == tg.float32
            assert p.grad.dtype == tg.float32
        assert_params_equal(params_np(model), params, rtol=1e-5, atol=1e-6, step=step)


# loss = sum(p**2) / 2, so the gradient is p: each step multiplies p by a known factor.
HAND_COMPUTED = {
    "plain": (dict(lr=0.1), [0.9, 0.81, 0.729]),
    "momentum": (dict(lr=0.1, momentum=0.9), [0.9, 0.72, 0.486]),
    "dampening": (dict(lr=0.1, momentum=0.9, dampening=0.5), [0.9, 0.765, 0.60525]),
    "nesterov": (dict(lr=0.1, momentum=0.9, nesterov=True), [0.81, 0.5751, 0.327321]),
    "weight_decay": (dict(lr=0.1, weight_decay=0.1), [0.89, 0.7921, 0.704969]),
    "maximize": (dict(lr=0.1, maximize=True), [1.1, 1.21, 1.331]),
    "maximize_weight_decay": (dict(lr=0.1, maximize=True, weight_decay=0.1), [1.09, 1.1881, 1.295029]),
}  # fmt: skip


@pytest.mark.parametrize("name", list(HAND_COMPUTED))
def test_sgd_hand_computed(name):
    kw, factors = HAND_COMPUTED[name]
    p0 = np.array([1.0, -2.0, 0.5])
    p = tg.tensor(p0.tolist(), dtype=tg.float64, requires_grad=True)
    opt = tg.optim.SGD([p], **kw)
    for factor in factors:
        opt.zero_grad()
        (p * p).sum().mul(0.5).backward()
        opt.step()
        np.testing.assert_allclose(to_np(p), factor * p0, rtol=1e-12)


# ---- zero_grad and parameters without gradients -------------------------------------------------


def test_zero_grad_set_to_none():
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    loss_of(tg, model).backward()
    assert all(p.grad is not None for p in model.parameters())
    opt.zero_grad()  # set_to_none=True is the default
    assert all(p.grad is None for p in model.parameters())
    loss_of(tg, model).backward()
    opt.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in model.parameters())


def test_zero_grad_set_to_false_zeroes():
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    loss_of(tg, model).backward()
    opt.zero_grad(set_to_none=False)
    for p in model.parameters():
        assert p.grad is not None
        assert tuple(p.grad.shape) == tuple(p.shape) and p.grad.dtype == p.dtype
        np.testing.assert_array_equal(to_np(p.grad), 0.0)
    # the zeroed gradients accumulate afresh
    loss_of(tg, model).backward()
    grads = [to_np(p.grad) for p in model.parameters()]
    opt.zero_grad()
    loss_of(tg, model).backward()
    for p, g in zip(model.parameters(), grads, strict=True):
        np.testing.assert_allclose(to_np(p.grad), g, rtol=1e-14)


def test_zero_gradient_steps_but_none_gradient_skips():
    """With momentum, a zero gradient still moves p (by lr * momentum * b); a None one does not."""
    p = tg.tensor([1.0, -2.0], dtype=tg.float64, requires_grad=True)
    opt = tg.optim.SGD([p], lr=0.1, momentum=0.9)
    (p * p).sum().mul(0.5).backward()
    opt.step()  # b = [1, -2], p = [0.9, -1.8]
    opt.zero_grad(set_to_none=False)
    opt.step()  # b = 0.9 b, p -= 0.1 b
    np.testing.assert_allclose(to_np(p), [0.9 - 0.09, -1.8 + 0.18], rtol=1e-12)
    np.testing.assert_allclose(to_np(opt.state[p]["momentum_buffer"]), [0.9, -1.8], rtol=1e-12)
    opt.zero_grad(set_to_none=True)
    opt.step()  # skipped: neither p nor its buffer changes
    np.testing.assert_allclose(to_np(p), [0.81, -1.62], rtol=1e-12)
    np.testing.assert_allclose(to_np(opt.state[p]["momentum_buffer"]), [0.9, -1.8], rtol=1e-12)


def test_params_without_grad_are_skipped():
    """Weight decay and momentum must not touch a parameter that got no gradient."""
    model = make_mlp(tg)
    frozen = tg.tensor([1.0, 2.0], dtype=tg.float64)  # requires_grad=False, never a grad
    opt = tg.optim.SGD(
        [*model.parameters(), frozen], lr=0.1, momentum=0.9, weight_decay=0.5, nesterov=True
    )
    before = params_np(model)
    x = tg.tensor(X_DATA.tolist(), dtype=tg.float64)
    for _ in range(3):
        opt.zero_grad()
        model[0](x).sum().backward()  # only the first layer gets gradients
        opt.step()
    after = params_np(model)
    assert not np.allclose(after[0], before[0]) and not np.allclose(after[1], before[1])
    np.testing.assert_array_equal(after[2], before[2])
    np.testing.assert_array_equal(after[3], before[3])
    np.testing.assert_array_equal(to_np(frozen), [1.0, 2.0])
    first = list(model[0].parameters())
    assert len(opt.state) == 2
    assert all("momentum_buffer" in opt.state[p] for p in first)
    assert sorted(opt.state_dict()["state"]) == [0, 1]


def test_step_with_closure_returns_loss():
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    calls = []

    def closure():
        opt.zero_grad()
        loss = loss_of(tg, model)
        loss.backward()
        calls.append(loss.item())
        return loss

    before = params_np(model)
    with tg.no_grad():  # step runs the closure with gradients enabled, as torch does
        loss = opt.step(closure)
    assert len(calls) == 1 and loss.item() == calls[0]
    assert not np.allclose(params_np(model)[0], before[0])
    assert opt.step() is None


# ---- param groups -------------------------------------------------------------------------------


def test_defaults_and_param_groups():
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters())
    assert opt.defaults["lr"] == 1e-3  # PyTorch 2's default
    (group,) = opt.param_groups
    assert group["momentum"] == 0 and group["dampening"] == 0 and group["weight_decay"] == 0
    assert group["nesterov"] is False and group["maximize"] is False
    assert [id(p) for p in group["params"]] == [id(p) for p in model.parameters()]


def test_lr_change_through_param_groups_takes_effect():
    kw = dict(lr=0.1, momentum=0.9, weight_decay=0.01)
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), **kw)
    params = params_np(model)
    bufs = [None] * len(params)
    for step, lr in enumerate([0.1, 0.1, 0.02, 0.0, 0.5]):
        for g in opt.param_groups:  # what an lr scheduler does
            g["lr"] = lr
        opt.zero_grad()
        loss_of(tg, model).backward()
        grads = [to_np(p.grad) for p in model.parameters()]
        opt.step()
        params, bufs = sgd_reference(params, grads, bufs, **{**kw, "lr": lr})
        assert_params_equal(params_np(model), params, rtol=1e-12, step=step)
    # lr 0 freezes the parameters (momentum keeps accumulating)
    for g in opt.param_groups:
        g["lr"] = 0.0
    frozen = params_np(model)
    train(tg, model, opt, 2)
    assert_params_equal(params_np(model), frozen, rtol=0, atol=0)


def test_other_hyperparameters_change_through_param_groups():
    kw = dict(lr=0.1, momentum=0.0)
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), **kw)
    train(tg, model, opt, 1)
    opt.param_groups[0].update(momentum=0.8, weight_decay=0.2, maximize=True)
    new_kw = dict(lr=0.1, momentum=0.8, weight_decay=0.2, maximize=True)
    params = params_np(model)
    bufs = [None] * len(params)
    for step in range(3):
        opt.zero_grad()
        loss_of(tg, model).backward()
        grads = [to_np(p.grad) for p in model.parameters()]
        opt.step()
        params, bufs = sgd_reference(params, grads, bufs, **new_kw)
        assert_params_equal(params_np(model), params, rtol=1e-12, step=step)


def test_add_param_group():
    model = make_mlp(tg)
    opt = tg.optim.SGD(model[0].parameters(), lr=0.1, momentum=0.9)
    opt.add_param_group({"params": model[2].parameters(), "lr": 0.01})
    assert len(opt.param_groups) == 2
    second = opt.param_groups[1]
    assert second["lr"] == 0.01 and second["momentum"] == 0.9  # the rest from the defaults
    assert second["dampening"] == 0 and second["nesterov"] is False
    params = params_np(model)
    bufs = [None] * 4
    for step in range(3):
        opt.zero_grad()
        loss_of(tg, model).backward()
        grads = [to_np(p.grad) for p in model.parameters()]
        opt.step()
        p01, b01 = sgd_reference(params[:2], grads[:2], bufs[:2], lr=0.1, momentum=0.9)
        p23, b23 = sgd_reference(params[2:], grads[2:], bufs[2:], lr=0.01, momentum=0.9)
        params, bufs = p01 + p23, b01 + b23
        assert_params_equal(params_np(model), params, rtol=1e-12, step=step)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2, 3]]


def test_add_param_group_rejects_duplicates():
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [model[0].weight]})
    with pytest.raises(ValueError, match="more than one parameter group"):
        tg.optim.SGD([{"params": [model[0].weight]}, {"params": [model[0].weight]}], lr=0.1)


# ---- state_dict / load_state_dict ---------------------------------------------------------------


def _two_group_opt(model, lr=0.1, second_lr=0.05):
    return tg.optim.SGD(
        [
            {"params": model[0].parameters()},
            {"params": model[2].parameters(), "lr": second_lr, "nesterov": True},
        ],
        lr=lr,
        momentum=0.9,
        weight_decay=0.01,
    )


def test_state_dict_structure():
    model = make_mlp(tg)
    opt = _two_group_opt(model)
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert sd["state"] == {}  # no step yet
    train(tg, model, opt, 2)
    sd = opt.state_dict()
    assert sorted(sd["state"]) == [0, 1, 2, 3]
    for i, p in enumerate(model.parameters()):
        assert set(sd["state"][i]) == {"momentum_buffer"}
        buf = sd["state"][i]["momentum_buffer"]
        assert isinstance(buf, tg.Tensor) and tuple(buf.shape) == tuple(p.shape)
        assert buf.dtype == tg.float64
        np.testing.assert_array_equal(to_np(buf), to_np(opt.state[p]["momentum_buffer"]))
    g0, g1 = sd["param_groups"]
    assert g0["params"] == [0, 1] and g1["params"] == [2, 3]
    for key in ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"):
        assert key in g0 and key in g1
    assert (g0["lr"], g1["lr"]) == (0.1, 0.05)
    assert (g0["nesterov"], g1["nesterov"]) == (False, True)
    assert g0["momentum"] == g1["momentum"] == 0.9
    assert all(isinstance(i, int) for g in sd["param_groups"] for i in g["params"])


def test_state_dict_without_momentum_has_no_state():
    model = make_mlp(tg)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    train(tg, model, opt, 2)
    sd = opt.state_dict()
    assert sd["state"] == {}
    assert sd["param_groups"][0]["params"] == [0, 1, 2, 3]


def test_load_state_dict_continues_identically():
    model_a = make_mlp(tg)
    opt_a = _two_group_opt(model_a)
    train(tg, model_a, opt_a, 3)
    opt_a.param_groups[0]["lr"] = 0.07  # saved along with the state
    # a checkpoint: state_dict() returns the live buffers (in torch too), so copy it
    sd = copy.deepcopy(opt_a.state_dict())

    # a fresh model with A's current weights, and an optimizer built with other hyper-parameters
    model_b = make_mlp(tg, weights=params_np(model_a))
    opt_b = _two_group_opt(model_b, lr=1.0, second_lr=1.0)
    opt_b.load_state_dict(sd)
    assert [g["lr"] for g in opt_b.param_groups] == [0.07, 0.05]
    assert [id(p) for g in opt_b.param_groups for p in g["params"]] == [
        id(p) for p in model_b.parameters()
    ]
    for pa, pb in zip(model_a.parameters(), model_b.parameters(), strict=True):
        np.testing.assert_array_equal(
            to_np(opt_b.state[pb]["momentum_buffer"]), to_np(opt_a.state[pa]["momentum_buffer"])
        )

    # a third copy that starts with a fresh optimizer shows that the state matters
    model_c = make_mlp(tg, weights=params_np(model_a))
    opt_c = _two_group_opt(model_c, lr=0.07)

    hist_a = train(tg, model_a, opt_a, 5)
    hist_b = train(tg, model_b, opt_b, 5)
    hist_c = train(tg, model_c, opt_c, 5)
    for step, (a, b) in enumerate(zip(hist_a, hist_b, strict=True)):
        assert_params_equal(b, a, rtol=0, atol=0, step=step)
    assert not np.allclose(hist_c[-1][0], hist_a[-1][0], rtol=1e-6, atol=0)


@torch_differs("load_state_dict keeps the very buffers: the two optimizers share them")
def test_load_state_dict_copies_the_buffers():
    """Loading the live state_dict of another optimizer must not tie the two together.
    (PyTorch's load_state_dict keeps the very tensors when dtype and device already match, so
    there the two optimizers then update one shared momentum buffer.)"""
    model_a = make_mlp(tg)
    opt_a = tg.optim.SGD(model_a.parameters(), lr=0.1, momentum=0.9)
    train(tg, model_a, opt_a, 2)
    model_b = make_mlp(tg, weights=params_np(model_a))
    opt_b = tg.optim.SGD(model_b.parameters(), lr=0.1, momentum=0.9)
    opt_b.load_state_dict(opt_a.state_dict())
    saved = [to_np(opt_b.state[p]["momentum_buffer"]) for p in model_b.parameters()]
    for pa, pb in zip(model_a.parameters(), model_b.parameters(), strict=True):
        assert opt_b.state[pb]["momentum_buffer"] is not opt_a.state[pa]["momentum_buffer"]
    train(tg, model_a, opt_a, 2)  # A's buffers move on; B's stay where they were loaded
    for p, buf in zip(model_b.parameters(), saved, strict=True):
        np.testing.assert_array_equal(to_np(opt_b.state[p]["momentum_buffer"]), buf)


def test_load_state_dict_round_trip():
    model = make_mlp(tg)
    opt = _two_group_opt(model)
    train(tg, model, opt, 2)
    sd = opt.state_dict()
    opt2 = _two_group_opt(model, lr=0.3)
    opt2.load_state_dict(sd)
    sd2 = opt2.state_dict()
    assert sd2["param_groups"] == sd["param_groups"]
    assert sorted(sd2["state"]) == sorted(sd["state"])
    for i in sd["state"]:
        np.testing.assert_array_equal(
            to_np(sd2["state"][i]["momentum_buffer"]), to_np(sd["state"][i]["momentum_buffer"])
        )


def test_load_state_dict_rejects_mismatched_groups():
    model = make_mlp(tg)
    opt = _two_group_opt(model)
    train(tg, model, opt, 1)
    sd = opt.state_dict()
    single = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        single.load_state_dict(sd)
    swapped = tg.optim.SGD(
        [{"params": [model[0].weight]}, {"params": [model[0].bias, *model[2].parameters()]}],
        lr=0.1,
    )
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        swapped.load_state_dict(sd)


# ---- argument validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-0.1), "Invalid learning rate: -0.1"),
        (dict(lr=-1e-05), "Invalid learning rate: -1e-05"),  # numbers print as Python's repr
        (dict(lr=-0.123456789), "Invalid learning rate: -0.123456789"),
        (dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
        (dict(lr=0.1, weight_decay=-0.0001), "Invalid weight_decay value: -0.0001"),
    ],
)
def test_invalid_arguments(kwargs, message):
    model = make_mlp(tg)
    with pytest.raises(ValueError, match=message):
        tg.optim.SGD(model.parameters(), **kwargs)


def test_invalid_params_argument():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        tg.optim.SGD([], lr=0.1)
    p = tg.zeros(3, requires_grad=True)
    with pytest.raises(
        TypeError, match="params argument given to the optimizer should be an iterable"
    ):
        tg.optim.SGD(p, lr=0.1)


def test_zero_lr_and_momentum_are_valid():
    p = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    opt = tg.optim.SGD([p], lr=0.0, momentum=0.0, weight_decay=0.0)
    p.sum().backward()
    opt.step()
    np.testing.assert_array_equal(to_np(p), [1.0, 2.0])
