"""PyTorch -> tetragrad model transfer (skipped when torch is not installed).

The user story: train in PyTorch, convert the state dict to NumPy
(``{k: v.numpy() for k, v in model.state_dict().items()}``), load it into the same architecture
built with tetragrad.nn, and get the same outputs, loss and parameter gradients (float32 rounding;
float64 to ~1e-12). And back: a tetragrad state dict as NumPy loads into the torch model.

On the self-check backend (TG_TEST_BACKEND=torch) both sides are torch, whose load_state_dict
rejects NumPy arrays, so `as_tg_state` wraps them with from_numpy there; tetragrad gets the raw
NumPy arrays.
"""

import numpy as np
import pytest
import tetragrad as tg
from conftest import TORCH_BACKEND, randn, tgt, to_np

torch = pytest.importorskip("torch")

ACT = {"relu": "ReLU", "tanh": "Tanh", "gelu": "GELU"}
TOL = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-10, atol=1e-12)}
GRAD_TOL = {"float32": dict(rtol=1e-4, atol=1e-6), "float64": dict(rtol=1e-10, atol=1e-12)}


def mlp(M, a1, a2, dtype):
    """5-16-16-3 MLP built with module M (torch or tetragrad)."""
    nn, dt = M.nn, getattr(M, dtype)
    return nn.Sequential(
        nn.Linear(5, 16, dtype=dt),
        getattr(nn, ACT[a1])(),
        nn.Linear(16, 16, dtype=dt),
        getattr(nn, ACT[a2])(),
        nn.Linear(16, 3, dtype=dt),
    )


def net(M, dtype):
    """A user subclass with nested containers (keys 'inp.weight', 'body.2.weight', 'out.0.bias')."""
    nn, dt = M.nn, getattr(M, dtype)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = nn.Linear(5, 16, dtype=dt)
            self.body = nn.Sequential(
                nn.GELU(), nn.Dropout(0.3), nn.Linear(16, 16, dtype=dt), nn.Tanh()
            )
            self.out = nn.ModuleList([nn.Linear(16, 3, dtype=dt)])

        def forward(self, x):
            return self.out[0](self.body(M.nn.functional.relu(self.inp(x))))

    return Net()


def torch_state_as_numpy(model):
    return {k: v.numpy() for k, v in model.state_dict().items()}


def as_tg_state(sd):
    if TORCH_BACKEND:  # self-check only: torch's load_state_dict wants tensors
        return {k: tg.from_numpy(v) for k, v in sd.items()}
    return sd


def data(dtype, n=8):
    x = randn(n, 5, seed=1).astype(dtype)
    y = np.random.default_rng(2).integers(0, 3, size=n).astype(np.int64)
    return x, y


def run_torch(model, x, y):
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    out = model(xt)
    loss = torch.nn.CrossEntropyLoss()(out, torch.from_numpy(y))
    loss.backward()
    grads = {k: p.grad.numpy().copy() for k, p in model.named_parameters()}
    return out.detach().numpy().copy(), loss.item(), grads, xt.grad.numpy().copy()


def run_tg(model, x, y):
    xt = tgt(x, requires_grad=True)
    out = model(xt)
    loss = tg.nn.CrossEntropyLoss()(out, tgt(y))
    loss.backward()
    grads = {k: to_np(p.grad) for k, p in model.named_parameters()}
    return to_np(out), loss.item(), grads, to_np(xt.grad)


def check_same(tm, gm, dtype):
    x, y = data(dtype)
    out_t, loss_t, grads_t, xg_t = run_torch(tm, x, y)
    out_g, loss_g, grads_g, xg_g = run_tg(gm, x, y)
    assert out_g.dtype == out_t.dtype
    np.testing.assert_allclose(out_g, out_t, **TOL[dtype])
    assert loss_g == pytest.approx(loss_t, rel=TOL[dtype]["rtol"])
    assert list(grads_g) == list(grads_t)
    for k in grads_t:
        np.testing.assert_allclose(grads_g[k], grads_t[k], **GRAD_TOL[dtype], err_msg=k)
    np.testing.assert_allclose(xg_g, xg_t, **GRAD_TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "acts", [("relu", "tanh"), ("tanh", "gelu"), ("gelu", "relu")], ids="-".join
)
def test_mlp_torch_state_dict_to_tetragrad(acts, dtype):
    torch.manual_seed(0)
    tm = mlp(torch, *acts, dtype)
    gm = mlp(tg, *acts, dtype)
    sd = torch_state_as_numpy(tm)
    res = gm.load_state_dict(as_tg_state(sd))
    assert list(res.missing_keys) == [] and list(res.unexpected_keys) == []
    assert (
        list(gm.state_dict())
        == list(sd)
        == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    )
    for k, v in gm.state_dict().items():
        np.testing.assert_array_equal(to_np(v), sd[k], err_msg=k)
    check_same(tm, gm, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nested_net_torch_state_dict_to_tetragrad(dtype):
    torch.manual_seed(1)
    tm, gm = net(torch, dtype).eval(), net(tg, dtype).eval()  # eval: Dropout is the identity
    sd = torch_state_as_numpy(tm)
    gm.load_state_dict(as_tg_state(sd))
    assert list(gm.state_dict()) == list(sd)
    assert "body.2.weight" in sd and "out.0.bias" in sd
    check_same(tm, gm, dtype)


def test_tetragrad_state_dict_to_torch():
    tg.manual_seed(3)
    gm = mlp(tg, "gelu", "tanh", "float32")
    tm = mlp(torch, "gelu", "tanh", "float32")
    sd = {k: np.array(v.numpy()) for k, v in gm.state_dict().items()}
    tm.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    check_same(tm, gm, "float32")


def test_fine_tune_step_stays_in_sync():
    """Load torch weights, take one plain SGD step on both sides: still the same model."""
    torch.manual_seed(4)
    tm, gm = mlp(torch, "relu", "gelu", "float64"), mlp(tg, "relu", "gelu", "float64")
    gm.load_state_dict(as_tg_state(torch_state_as_numpy(tm)))
    x, y = data("float64")
    run_torch(tm, x, y)
    run_tg(gm, x, y)
    with torch.no_grad():
        for p in tm.parameters():
            p -= 0.1 * p.grad
    with tg.no_grad():
        for p in gm.parameters():
            p -= 0.1 * p.grad
    tm.zero_grad()
    gm.zero_grad()
    check_same(tm, gm, "float64")
