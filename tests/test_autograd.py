"""Autograd engine: accumulation, retain_graph, grad modes, detach, error states, broadcasting
reductions, and an independent check of tg.autograd.gradcheck itself."""

import numpy as np
import pytest
import reference as R
import tetragrad as tg
from conftest import assert_close, check_grad, rand_away, randn, tgt

F32, F64 = tg.float32, tg.float64


def leaf(a, requires_grad=True):
    return tgt(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


# ---- gradcheck is checked independently ------------------------------------------------------------


def test_backward_matches_numpy_central_differences():
    """tetragrad's analytic gradients vs central differences computed here in NumPy (not gradcheck)."""
    x0, w0, b0 = randn(3, 4, seed=1), randn(4, 2, seed=2), randn(2, seed=3)

    def f_np(x, w, b):
        h = np.tanh(x @ w + b)
        return float((h * h).sum() + np.exp(x).mean() + (w / (1.0 + w * w)).sum())

    x, w, b = leaf(x0), leaf(w0), leaf(b0)
    h = (x @ w + b).tanh()
    loss = (h * h).sum() + x.exp().mean() + (w / (1.0 + w * w)).sum()
    np.testing.assert_allclose(loss.item(), f_np(x0, w0, b0), rtol=1e-12)
    loss.backward()
    gx = R.numerical_grad(lambda v: f_np(v, w0, b0), x0)
    gw = R.numerical_grad(lambda v: f_np(x0, v, b0), w0)
    gb = R.numerical_grad(lambda v: f_np(x0, w0, v), b0)
    np.testing.assert_allclose(x.grad.numpy(), gx, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(w.grad.numpy(), gw, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.grad.numpy(), gb, rtol=1e-6, atol=1e-8)


def test_backward_matches_closed_form():
    x0 = randn(5, seed=4)
    x = leaf(x0)
    (x.sigmoid() * x).sum().backward()
    s = 1 / (1 + np.exp(-x0))
    np.testing.assert_allclose(x.grad.numpy(), s + x0 * s * (1 - s), rtol=1e-12)


def test_gradcheck_passes_on_correct_gradient():
    x = leaf(randn(2, 3))
    assert tg.autograd.gradcheck(lambda t: (t * t).sum(1), (x,)) is True
    y = leaf(randn(3))
    assert tg.autograd.gradcheck(lambda a, b: a * b, (x, y), eps=1e-6, atol=1e-5, rtol=1e-3)


def test_gradcheck_detects_a_wrong_gradient():
    # x * x.detach() has true derivative 2x but the graph only sees x: the Jacobians disagree
    x = leaf(rand_away(2, 3))
    assert tg.autograd.gradcheck(lambda t: t * t.detach(), (x,), raise_exception=False) is False
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):  # GradcheckError, in both
        tg.autograd.gradcheck(lambda t: t * t.detach(), (x,))
    # a gradient that is off by a constant factor is caught too
    assert tg.autograd.gradcheck(lambda t: t + t.detach(), (x,), raise_exception=False) is False


def test_gradcheck_several_outputs_and_inputs():
    check_grad(
        lambda a, b, c: (a @ b) * c.exp(),
        randn(2, 3, seed=1),
        randn(3, 2, seed=2),
        randn(2, seed=3),
    )


# ---- accumulation ------------------------------------------------------------------------------


def test_grad_initially_none_and_accumulates():
    x = leaf([1.0, 2.0, 3.0])
    assert x.grad is None
    (x * 2.0).sum().backward()
    assert_close(x.grad, np.full(3, 2.0), dtype=F64)
    (x * x).sum().backward()
    assert_close(x.grad, 2.0 + 2 * np.array([1.0, 2.0, 3.0]))
    x.grad = None
    x.sum().backward()
    assert_close(x.grad, np.ones(3))
    x.grad.zero_()
    (3.0 * x).sum().backward()
    assert_close(x.grad, np.full(3, 3.0))


def test_tensor_used_twice_accumulates_within_one_backward():
    x = leaf([1.0, -2.0])
    y = x * 3.0 + x * x + x.exp()
    y.sum().backward()
    assert_close(x.grad, 3.0 + 2 * np.array([1.0, -2.0]) + np.exp([1.0, -2.0]))


def test_diamond_graph():
    x0 = randn(4)
    x = leaf(x0)
    a = x * 2.0
    b = a + a.exp()
    c = (b * a).sum()
    c.backward()
    # c = sum((2x + e^{2x}) * 2x)  ->  dc/dx = 2*(2x + e^{2x}) + 2x * (2 + 2 e^{2x})
    ref = 2 * (2 * x0 + np.exp(2 * x0)) + 2 * x0 * (2 + 2 * np.exp(2 * x0))
    assert_close(x.grad, ref, rtol=1e-12)


def test_grad_is_settable():
    x = leaf([1.0, 2.0])
    x.grad = tgt(np.array([10.0, 10.0]))
    x.sum().backward()
    assert_close(x.grad, np.array([11.0, 11.0]))


def test_float32_grads_are_float32():
    x = tgt(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == F32
    assert_close(x.grad, np.array([2.0, 4.0]), dtype=F32)


def test_deep_chain_no_recursion_limit():
    x = leaf([1.0])
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    assert_close(x.grad, np.array([1.0001**5000]), rtol=1e-9)


def test_wide_graph():
    x = leaf(randn(3))
    total = x.sum() * 0.0
    for k in range(200):
        total = total + (x * float(k)).sum()
    total.backward()
    assert_close(x.grad, np.full(3, sum(range(200)) * 1.0))


# ---- retain_graph / freed graphs ---------------------------------------------------------------------


def test_retain_graph_allows_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    assert_close(x.grad, 2 * 2 * np.array([1.0, 2.0]))
    y.backward()  # last use frees the graph
    assert_close(x.grad, 3 * 2 * np.array([1.0, 2.0]))
    with pytest.raises(RuntimeError):
        y.backward()


def test_second_backward_through_freed_graph_raises():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0])
    z = (x * y).sum()  # mul saves its inputs; the first backward frees them
    z.backward()
    with pytest.raises(RuntimeError):
        z.backward()


def test_backward_through_shared_subgraph_after_free_raises():
    x = leaf([1.0, 2.0])
    h = x * x
    h.sum().backward()
    with pytest.raises(RuntimeError):
        (h * 2.0).sum().backward()


# ---- backward arguments and errors -------------------------------------------------------------------


def test_non_scalar_backward_needs_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2.0
    with pytest.raises(RuntimeError):
        y.backward()
    y.backward(tgt(np.array([1.0, 0.5, -1.0])))
    assert_close(x.grad, np.array([2.0, 1.0, -2.0]))


def test_scalar_backward_with_explicit_gradient():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward(tgt(np.array(3.0)))
    assert_close(x.grad, np.array([6.0, 12.0]))


def test_backward_without_grad_raises():
    x = tgt(np.array([1.0, 2.0]))
    y = (x * 2.0).sum()
    assert not y.requires_grad and y.grad_fn is None
    with pytest.raises(RuntimeError):
        y.backward()


def test_inplace_on_leaf_requiring_grad_raises():
    x = leaf([1.0, 2.0])
    for op in (
        lambda t: t.add_(1.0),
        lambda t: t.mul_(2.0),
        lambda t: t.zero_(),
        lambda t: t.fill_(1.0),
        lambda t: t.exp_(),
    ):
        with pytest.raises(RuntimeError):
            op(x)
    with pytest.raises(RuntimeError):
        x += 1.0
    assert_close(x, np.array([1.0, 2.0]))  # unchanged


def test_inplace_on_leaf_allowed_under_no_grad():
    """What every optimizer step does."""
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    with tg.no_grad():
        w.sub_(0.1 * w.grad)
        w -= 0.1 * w.grad
    assert w.requires_grad and w.is_leaf
    assert_close(w, np.array([0.6, 1.2]))
    w.grad = None
    (w * 3.0).sum().backward()
    assert_close(w.grad, np.array([3.0, 3.0]))


def test_modified_saved_tensor_raises():
    x = leaf([0.5, -1.0])
    y = x.sigmoid()  # sigmoid saves its output
    y.mul_(2.0)
    with pytest.raises(RuntimeError):
        y.sum().backward()


def test_int_tensor_cannot_require_grad():
    with pytest.raises(RuntimeError, match="can require gradients"):
        tgt(np.array([1, 2]), requires_grad=True)
    with pytest.raises(RuntimeError, match="can require gradients"):
        tgt(np.array([1, 2])).requires_grad_()


# ---- requires_grad / is_leaf / grad_fn -----------------------------------------------------------------


def test_requires_grad_propagation_and_leaves():
    a = leaf([1.0])
    b = tgt(np.array([2.0]))
    c = a * b
    assert c.requires_grad and not c.is_leaf and c.grad_fn is not None
    d = b * 2.0
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert a.is_leaf and b.is_leaf and a.grad_fn is None
    e = b.requires_grad_()
    assert e is b and b.requires_grad and b.is_leaf
    b.requires_grad = False
    assert not b.requires_grad
    b.requires_grad_(True)
    assert b.requires_grad
    with pytest.raises(RuntimeError):
        c.requires_grad = False  # only leaves can switch it off


@pytest.mark.parametrize(
    "fn,name",
    [
        (lambda a, b: a + b, "AddBackward0"),
        (lambda a, b: a * b, "MulBackward0"),
        (lambda a, b: a * 2.0, "MulBackward0"),
    ],
    ids=["add", "mul", "mul_scalar"],
)
def test_grad_fn_name(fn, name):
    y = fn(leaf([1.0]), leaf([2.0]))
    assert y.grad_fn.name() == name
    assert type(y.grad_fn).__name__ == name


def test_leaf_grad_only():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    (h * h).sum().backward()
    assert x.grad is not None
    assert h.is_leaf is False


# ---- grad modes ---------------------------------------------------------------------------------------


def test_no_grad_context():
    x = leaf([1.0, 2.0])
    assert tg.is_grad_enabled()
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = x * 2.0
        z = x.exp().sum()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    assert not z.requires_grad
    assert_close(y, np.array([2.0, 4.0]))


def test_no_grad_decorator():
    @tg.no_grad()
    def f(t):
        assert not tg.is_grad_enabled()
        return t * 3.0

    x = leaf([1.0])
    y = f(x)
    assert not y.requires_grad and tg.is_grad_enabled()
    assert f.__name__ == "f"


def test_enable_grad_inside_no_grad():
    x = leaf([1.0, 2.0])
    with tg.no_grad():
        with tg.enable_grad():
            assert tg.is_grad_enabled()
            y = x * x
        z = x * x
        assert not tg.is_grad_enabled()
    assert y.requires_grad and not z.requires_grad
    y.sum().backward()
    assert_close(x.grad, np.array([2.0, 4.0]))

    @tg.enable_grad()
    def g(t):
        return t * 2.0

    with tg.no_grad():
        assert g(x).requires_grad


def test_no_grad_restored_after_exception():
    with pytest.raises(ZeroDivisionError):
        with tg.no_grad():
            raise ZeroDivisionError
    assert tg.is_grad_enabled()
    with tg.no_grad():
        with tg.no_grad():
            pass
        assert not tg.is_grad_enabled()  # nesting restores the previous state, not True
    assert tg.is_grad_enabled()


def test_detach():
    x = leaf([1.0, 2.0])
    y = x * 2.0
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert d.data_ptr() == y.data_ptr()  # shares storage
    (x * d).sum().backward()  # d is a constant
    assert_close(x.grad, np.array([2.0, 4.0]))
    e = x.detach()
    with tg.no_grad():
        e[0] = 10.0
    assert x[0].item() == 10.0


# ---- broadcasting reduces gradients back to input shapes ---------------------------------------------------
BCAST = [
    ((3, 1), (1, 4)),
    ((4,), (2, 3, 4)),
    ((), (2, 3)),
    ((2, 1, 3), (4, 1)),
    ((1,), (5,)),
    ((1, 1), ()),
]


@pytest.mark.parametrize("sa,sb", BCAST, ids=str)
def test_broadcast_grad_shapes_and_values(sa, sb):
    a0, b0 = randn(*sa, seed=1), randn(*sb, seed=2)
    a, b = leaf(a0), leaf(b0)
    out = a * b + a
    shape = np.broadcast_shapes(sa, sb)
    g0 = randn(*shape, seed=3)
    out.backward(tgt(g0))
    assert tuple(a.grad.shape) == sa and tuple(b.grad.shape) == sb
    ga = np.broadcast_to(g0 * (np.broadcast_to(b0, shape) + 1), shape)
    gb = g0 * np.broadcast_to(a0, shape)

    def reduce_to(g, s):
        while g.ndim > len(s):
            g = g.sum(0)
        for k, n in enumerate(s):
            if n == 1 and g.shape[k] != 1:
                g = g.sum(k, keepdims=True)
        return g

    assert_close(a.grad, reduce_to(ga, sa))
    assert_close(b.grad, reduce_to(gb, sb))
    check_grad(lambda p, q: p * q + p, a0, b0)


def test_autograd_backward_function():
    x = leaf([1.0, 2.0])
    y1 = (x * x).sum()
    y2 = x * 3.0
    tg.autograd.backward([y1, y2], [tgt(np.array(1.0)), tgt(np.array([1.0, 1.0]))])
    assert_close(x.grad, 2 * np.array([1.0, 2.0]) + 3.0)
    z = leaf([2.0])
    tg.autograd.backward((z * z).sum())
    assert_close(z.grad, np.array([4.0]))


def test_backward_on_zero_size():
    x = leaf(np.zeros((0, 3)))
    (x * 2.0).sum().backward()
    assert tuple(x.grad.shape) == (0, 3)


def test_long_graph_is_freed_without_deep_recursion():
    # 300k chained ops: freeing the graph node by node, recursively, overflowed the C stack.
    x = tg.ones(1, requires_grad=True)
    y = x
    for _ in range(300_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0
    del y  # the graph dies here
