"""Tensor.register_hook, retain_grad and retains_grad: torch's semantics (where hooks run, what
they may change, how they stack and are removed), errors, and parity with torch."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, randn, tgt, to_np, torch_differs


def leaf(*values):
    return tg.tensor(list(values), requires_grad=True)


def test_leaf_hook_sees_and_replaces_the_gradient():
    x = leaf(1.0, 2.0, 3.0)
    seen = []
    x.register_hook(lambda g: seen.append(to_np(g)))
    x.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: seen.append(to_np(g)))  # runs after the previous one
    (x * x).sum().backward()
    np.testing.assert_array_equal(seen[0], [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(seen[1], [20.0, 40.0, 60.0])
    assert_close(x.grad, [20.0, 40.0, 60.0])


def test_non_leaf_hook_changes_what_flows_on():
    x = leaf(1.0, 2.0)
    y = x * 3
    y.register_hook(lambda g: g + 1)
    (y * y).sum().backward()  # dz/dy = 2y = [6, 12] -> +1 -> dz/dx = 3 * [7, 13]
    assert_close(x.grad, [21.0, 39.0])


def test_hook_outlives_its_tensor():
    seen = []

    def f(x):
        h = x * 2
        h.register_hook(lambda g: seen.append(to_np(g)))
        return (h * h).sum()

    x = leaf(1.0, 2.0)
    f(x).backward()
    np.testing.assert_array_equal(seen[0], [4.0, 8.0])


def test_hook_on_the_root():
    x = leaf(1.0, 2.0)
    z = (x * x).sum()
    z.register_hook(lambda g: g * 0.5)
    z.backward()
    assert_close(x.grad, [1.0, 2.0])


def test_remove_and_context_manager():
    x = leaf(1.0)
    h = x.register_hook(lambda g: g * 100)
    h.remove()
    h.remove()  # twice is fine
    (x * 1).sum().backward()
    assert_close(x.grad, [1.0])
    x.grad = None
    y = x * 1
    with y.register_hook(lambda g: g * 7):
        pass
    y.sum().backward()
    assert_close(x.grad, [1.0])


def test_hooks_run_without_grad_mode_and_on_every_backward():
    x = leaf(1.0, 2.0)
    modes = []
    x.register_hook(lambda g: modes.append(tg.is_grad_enabled()))
    z = (x * x).sum()
    z.backward(retain_graph=True)
    z.backward()
    assert modes == [False, False]
    assert_close(x.grad, [4.0, 8.0])


def test_hooks_apply_in_autograd_grad():
    x = leaf(1.0, 2.0)
    x.register_hook(lambda g: g * 2)
    (gx,) = tg.autograd.grad((x * x).sum(), [x])
    assert_close(gx, [4.0, 8.0])
    assert x.grad is None


def test_gradient_clipping_by_hook_trains():
    w = tg.nn.Parameter(tg.tensor([5.0, -5.0]))
    w.register_hook(lambda g: g.clamp(-1.0, 1.0))
    opt = tg.optim.SGD([w], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()  # raw gradient +-10, clipped to +-1
        opt.step()
    assert_close(w, [4.7, -4.7], rtol=1e-6, atol=1e-6)


def test_hook_errors():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tg.ones(2).register_hook(lambda g: g)
    w = leaf(1.0, 2.0)
    a = w * 1
    a.register_hook(lambda g: 5)
    with pytest.raises(TypeError, match="int"):  # ours: "must return a Tensor or None, got int"
        a.sum().backward()
    a = w * 1
    a.register_hook(lambda g: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        a.sum().backward()
    (w * 2).sum().backward()  # the engine is usable after a failed backward
    assert_close(w.grad, [2.0, 2.0])


@torch_differs("RuntimeError for both, with other messages")
def test_hook_changing_shape_or_dtype_raises():
    w = leaf(1.0, 2.0)
    a = w * 1
    a.register_hook(lambda g: tg.ones(3))
    with pytest.raises(
        ValueError, match=r"register_hook: a hook changed the gradient's shape from \[2\] to \[3\]"
    ):
        a.sum().backward()
    a = w * 1
    a.register_hook(lambda g: g.double())
    with pytest.raises(TypeError, match="changed the gradient's dtype from float32 to float64"):
        a.sum().backward()


# ---- retain_grad ----------------------------------------------------------------------------------
def test_retain_grad_on_a_non_leaf():
    x = leaf(1.0, 2.0)
    y = x * 2
    assert not y.retains_grad and not x.retains_grad
    y.retain_grad()
    y.retain_grad()  # idempotent
    x.retain_grad()  # a leaf: no-op
    assert y.retains_grad and not x.retains_grad
    z = (y * y).sum()
    z.backward(retain_graph=True)
    assert_close(y.grad, [4.0, 8.0])
    z.backward()  # accumulates, as a leaf's .grad
    assert_close(y.grad, [8.0, 16.0])
    assert_close(x.grad, [16.0, 32.0])


def test_retain_grad_sees_hooked_gradient_and_follows_in_place_writes():
    x = leaf(1.0, 2.0)
    y = x * 2
    y.retain_grad()
    seen = []
    y.register_hook(lambda g: seen.append(to_np(g)))  # stays with y's old value
    y.mul_(3)
    (y * y).sum().backward()
    assert_close(y.grad, [12.0, 24.0])  # w.r.t. the new y = [6, 12]
    np.testing.assert_array_equal(seen[0], [36.0, 72.0])
    assert_close(x.grad, [72.0, 144.0])
    a = x * 1
    a.retain_grad()
    a.register_hook(lambda g: g * 10)
    a.sum().backward()
    assert_close(a.grad, [10.0, 10.0])


def test_retain_grad_needs_requires_grad():
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        tg.ones(2).retain_grad()


# ---- parity ---------------------------------------------------------------------------------------
def test_hooks_and_retained_grads_match_torch(torch):
    """An MLP whose hidden activations are hooked (scaled, clamped) and retained, and a
    parameter hook: every gradient as torch's."""
    x0, w1, w2 = randn(4, 3, seed=1), randn(5, 3, seed=2), randn(2, 5, seed=3)

    def run(lib, make):
        x, a, b = make(x0), make(w1, True), make(w2, True)
        h = x @ a.t()
        h.retain_grad()
        h.register_hook(lambda g: g * 0.5)
        r = h.relu()
        r.retain_grad()
        r.register_hook(lambda g: g.clamp(-0.3, 0.3))
        b.register_hook(lambda g: g - g.mean())
        loss = ((r @ b.t()) ** 2).sum()
        loss.backward()
        return [
            to_np(t) if not hasattr(t, "detach") else t.detach().numpy()
            for t in (h.grad, r.grad, a.grad, b.grad)
        ]

    got = run(tg, lambda v, rg=False: tgt(v, requires_grad=rg))
    want = run(torch, lambda v, rg=False: torch.tensor(v, requires_grad=rg))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
