"""Module.register_full_backward_hook / register_full_backward_pre_hook: what the hooks see
(against hand-derived gradients), what they may replace, several inputs and outputs, removal,
and parity with torch (skipped when torch is not installed)."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, randn, tgt, to_np

A = randn(4, 3, seed=1)
W = randn(2, 3, seed=2)


def linear(lib):
    lin = lib.nn.Linear(3, 2).double()
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(W))
        lin.bias.zero_()
    return lin


def test_hooks_see_grad_output_and_grad_input():
    lin = linear(tg)
    log = []
    lin.register_full_backward_pre_hook(lambda m, go: log.append(("pre", m, to_np(go[0]))))
    lin.register_full_backward_hook(
        lambda m, gi, go: log.append(("full", to_np(gi[0]), to_np(go[0])))
    )
    x = tgt(A, requires_grad=True)
    (lin(x) ** 2).sum().backward()
    y = A @ W.T
    assert [e[0] for e in log] == ["pre", "full"] and log[0][1] is lin
    np.testing.assert_allclose(log[0][2], 2 * y)  # grad_output
    np.testing.assert_allclose(log[1][1], 2 * y @ W)  # grad_input
    np.testing.assert_allclose(log[1][2], 2 * y)
    assert_close(x.grad, 2 * y @ W)


def test_hooks_replace_gradients():
    lin = linear(tg)
    lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 3,))
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] + 1,))
    x = tgt(A, requires_grad=True)
    lin(x).sum().backward()
    ones = np.ones((4, 2))
    assert_close(x.grad, 3 * ones @ W + 1)
    assert_close(lin.weight.grad, 3 * ones.T @ A)  # the parameters see the replaced grad_output


def test_input_without_grad_gets_none_and_no_graph_no_call():
    lin = linear(tg)
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    lin(tgt(A)).sum().backward()
    assert seen == [(None,)]
    with tg.no_grad():
        lin(tgt(A, requires_grad=True))
    assert len(seen) == 1


class AddScale(tg.nn.Module):
    """Two tensor inputs and a non-tensor one, two outputs."""

    def forward(self, a, k, b):
        return a * k + b, a * b


def test_several_inputs_and_outputs():
    m = AddScale()
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go)))
    a = tgt(randn(3, seed=3), requires_grad=True)
    b = tgt(randn(3, seed=4))  # no grad: its entry is None
    s, p = m(a, 2.0, b)
    s.sum().backward()
    gi, go = seen[0]  # one entry per positional argument, as torch's
    assert len(gi) == 3 and gi[1] is None
    assert_close(gi[0], np.full(3, 2.0))
    assert_close(gi[2], np.zeros(3))  # a tensor that needs no gradient: zeros
    assert len(go) == 2 and go[1] is None  # the unused output got no gradient
    assert_close(a.grad, np.full(3, 2.0))


def test_remove_and_nested_modules():
    inner = linear(tg)
    model = tg.nn.Sequential(inner, tg.nn.ReLU())
    calls = []
    h_in = inner.register_full_backward_hook(lambda m, gi, go: calls.append("inner"))
    model.register_full_backward_hook(lambda m, gi, go: calls.append("outer"))
    model(tgt(A, requires_grad=True)).sum().backward()
    assert calls == ["inner", "outer"]  # the outer module's inputs are the inner one's inputs
    h_in.remove()
    calls.clear()
    model(tgt(A, requires_grad=True)).sum().backward()
    assert calls == ["outer"]


def test_hook_returning_wrong_count_raises():
    lin = linear(tg)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(
        RuntimeError,
        match="Backward hook returned an invalid number of grad_input, got 2, but expected 1",
    ):
        lin(tgt(A, requires_grad=True)).sum().backward()


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
def test_backward_hooks_match_torch(torch):
    def run(lib, make):
        lin = linear(lib)
        log = []
        lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 0.5,))
        lin.register_full_backward_hook(
            lambda m, gi, go: log.append([np.array(t.tolist()) for t in gi + go]) or (gi[0] * 2,)
        )
        x = make(A)
        y = lin(x)
        (y * y.tanh()).sum().backward()
        return log[0] + [np.array(x.grad.tolist()), np.array(lin.weight.grad.tolist())]

    got = run(tg, lambda a: tgt(a, requires_grad=True))
    want = run(torch, lambda a: torch.tensor(a, requires_grad=True))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
