"""tetragrad.autograd.Function (custom differentiable ops): forward/backward against NumPy and
finite differences, ctx features (saved tensors and their versions, needs_input_grad,
mark_non_differentiable, set_materialize_grads), gradient shape handling, errors, and parity
with torch.autograd.Function (skipped when torch is not installed)."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, check_grad, randn, tgt, to_np, torch_differs


def define(lib):
    """The same custom Functions for tetragrad or torch."""

    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

    class ScaleMul(lib.autograd.Function):
        """(x * alpha * w, x > 0): a non-tensor argument, a broadcast weight, a bool output."""

        @staticmethod
        def forward(ctx, x, alpha, w):
            ctx.alpha = alpha
            ctx.save_for_backward(x, w)
            return x * alpha * w, x > 0

        @staticmethod
        def backward(ctx, grad, grad_mask):
            x, w = ctx.saved_tensors
            # w's gradient returned at x's shape: summed down to w's shape
            return grad * ctx.alpha * w, None, grad * ctx.alpha * x

    return Exp, ScaleMul


Exp, ScaleMul = define(tg)


def test_forward_and_backward_against_numpy():
    a = randn(3, 4, seed=1)
    x = tgt(a, requires_grad=True)
    y = Exp.apply(x)
    assert_close(y, np.exp(a))
    assert y.requires_grad and "ExpBackward" in repr(y._grad_fn)
    (y * y).sum().backward()
    assert_close(x.grad, 2 * np.exp(2 * a))


def test_gradcheck_through_custom_functions():
    check_grad(lambda t: Exp.apply(t), randn(2, 3, seed=2))
    check_grad(lambda t, w: ScaleMul.apply(t, 1.7, w)[0], randn(4, 3, seed=3), randn(3, seed=4))
    x = tgt(randn(3, seed=5), requires_grad=True)
    assert tg.autograd.gradcheck(lambda t: Exp.apply(t).tanh(), (x,))


def test_non_tensor_args_broadcast_grads_and_bool_outputs():
    a, b = randn(4, 3, seed=6), randn(3, seed=7)
    x, w = tgt(a, requires_grad=True), tgt(b, requires_grad=True)
    out, mask = ScaleMul.apply(x, 2.0, w)
    assert not mask.requires_grad and mask.dtype == tg.bool
    np.testing.assert_array_equal(to_np(mask), a > 0)
    out.sum().backward()
    assert_close(x.grad, np.broadcast_to(2.0 * b, (4, 3)))
    assert_close(w.grad, (2.0 * a).sum(0))


def test_needs_input_grad_and_no_graph_when_nothing_needs_it():
    seen = []

    class Probe(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, k):
            seen.append((ctx.needs_input_grad, tg.is_grad_enabled()))
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g, g, None

    x, y = tg.ones(2, requires_grad=True), tg.ones(2)
    Probe.apply(x, y, 3)
    assert seen[-1] == ((True, False, False), False)  # forward runs without recording
    assert not Probe.apply(y, y, 3).requires_grad
    with tg.no_grad():
        assert not Probe.apply(x, y, 3).requires_grad


def test_returning_an_input_keeps_its_history():
    class Ident(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    x = tg.ones(2, requires_grad=True)
    h = x * 2
    out = Ident.apply(h)
    assert out is not h and "MulBackward" in repr(h._grad_fn)
    out.sum().backward()
    assert_close(x.grad, [6.0, 6.0])


def test_materialized_and_none_gradients():
    got = []

    class Two(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, materialize):
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            got.append(g2)
            return g1 * 2 + (g2 * 3 if g2 is not None else 0), None

    for materialize in (True, False):
        x = tg.ones(2, requires_grad=True)
        a, _ = Two.apply(x, materialize)
        a.sum().backward()  # the second output gets no gradient
        assert_close(x.grad, [2.0, 2.0])
    assert_close(got[0], [0.0, 0.0]) and got[1] is None


def test_mark_non_differentiable():
    class SortLike(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y, idx = x * 1, x.argmax().reshape(1).double()
            ctx.mark_non_differentiable(idx)
            return y, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            assert g_idx is None or float(g_idx.abs().sum().item()) == 0.0
            return g

    x = tg.tensor([1.0, 3.0, 2.0], requires_grad=True, dtype=tg.float64)
    y, idx = SortLike.apply(x)
    assert y.requires_grad and not idx.requires_grad
    y.sum().backward()
    assert_close(x.grad, [1.0, 1.0, 1.0])


def test_saved_tensor_modified_in_place_raises():
    x = tg.ones(3, requires_grad=True)
    h = x * 1
    y = Exp.apply(h)
    y.add_(1.0)  # Exp saved its output
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_second_backward_needs_retain_graph():
    x = tg.ones(2, requires_grad=True)
    s = Exp.apply(x).sum()
    s.backward(retain_graph=True)
    s.backward()
    assert_close(x.grad, 2 * np.exp(np.ones(2)))
    with pytest.raises(RuntimeError, match="second time"):
        s.backward()


def test_custom_function_in_a_module_trains():
    class ExpLayer(tg.nn.Module):
        def forward(self, x):
            return Exp.apply(x)

    lin = tg.nn.Linear(2, 1)
    model = tg.nn.Sequential(lin, ExpLayer())
    opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = tg.tensor([[0.1, 0.2], [0.3, -0.1]]), tg.tensor([[1.5], [0.8]])
    first = None
    for _ in range(100):
        opt.zero_grad()
        loss = tg.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < first / 10


@torch_differs(
    "other messages and types (RuntimeError for every bad gradient); instantiating a Function "
    "only warns, and there is no autograd.FunctionCtx"
)
def test_backward_errors():
    def fn(result):
        class Bad(tg.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return result(g)

        return Bad

    x = tg.ones(2, 3, requires_grad=True)
    with pytest.raises(
        RuntimeError,
        match=r"BadBackward: backward returned an incorrect number of gradients \(expected 2, got 1\)",
    ):
        fn(lambda g: g).apply(x, 2.0).sum().backward()
    with pytest.raises(TypeError, match="backward must return Tensors or None, got float"):
        fn(lambda g: (1.0, None)).apply(x, 2.0).sum().backward()
    with pytest.raises(
        ValueError,
        match=r"BadBackward: backward returned a gradient of shape \[4\] for input 0 of shape \[2, 3\]",
    ):
        fn(lambda g: (tg.ones(4), None)).apply(x, 2.0).sum().backward()
    with pytest.raises(ZeroDivisionError):
        fn(lambda g: (1 / 0, None)).apply(x, 2.0).sum().backward()
    with pytest.raises(RuntimeError, match="apply"):
        Exp()
    with pytest.raises(TypeError, match="save_for_backward"):
        tg.autograd.FunctionCtx().save_for_backward(1.0)


def test_parity_with_torch_functions(torch):
    TExp, TScaleMul = define(torch)
    a, b = randn(4, 3, seed=8), randn(3, seed=9)

    def run(lib, exp, scale):
        x = lib.tensor(a, requires_grad=True)
        w = lib.tensor(b, requires_grad=True)
        out, _ = scale.apply(exp.apply(x), 0.7, w)
        (out * out).sum().backward()
        return [np.array(t.tolist()) for t in (out.detach(), x.grad, w.grad)]

    for got, want in zip(run(tg, Exp, ScaleMul), run(torch, TExp, TScaleMul), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_setup_context_style_and_once_differentiable():
    # torch 2's style: forward without ctx, setup_context fills it
    class Cube(tg.autograd.Function):
        @staticmethod
        def forward(x, k):
            return x**3 * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, k = inputs
            ctx.save_for_backward(x)
            ctx.k = k

        @staticmethod
        @tg.autograd.function.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2 * ctx.k, None

    a = randn(4, seed=11)
    x = tgt(a, requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert_close(y, a**3 * 2)
    y.sum().backward()
    assert_close(x.grad, 6 * a**2)
    check_grad(lambda t: Cube.apply(t, 0.5), randn(3, seed=12))
