"""tetragrad.nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector,
vector_to_parameters against NumPy formulas and torch (skipped when it is not installed)."""

import math

import numpy as np
import pytest
import tetragrad as tg
from conftest import F32, F64, FLOATS, NP, assert_close, randn, tgt, to_np, torch_differs

U = tg.nn.utils


def params_with_grads(dtype, seed=0, scale=1.0):
    shapes = [(3, 4), (4,), (2, 1, 3)]
    ps, gs = [], []
    for i, s in enumerate(shapes):
        p = tg.nn.Parameter(tgt(randn(*s, seed=seed + i).astype(NP[dtype])))
        g = (randn(*s, seed=seed + 10 + i) * scale).astype(NP[dtype])
        p.grad = tgt(g)
        ps.append(p)
        gs.append(g.astype(np.float64))
    return ps, gs


def ref_total_norm(gs, p):
    if math.isinf(p):
        return max(np.abs(g).max() for g in gs)
    return sum((np.abs(g) ** p).sum() for g in gs) ** (1 / p)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")], ids=str)
@pytest.mark.parametrize("max_norm", [0.5, 1e6], ids=["clips", "no-op"])
def test_clip_grad_norm(norm_type, max_norm, dtype):
    ps, gs = params_with_grads(dtype)
    total = U.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    want = ref_total_norm(gs, norm_type)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == F32 else dict(rtol=1e-12, atol=1e-12)
    assert total.dtype == dtype and total.dim() == 0
    assert_close(total, want, **tol)
    coef = min(max_norm / (want + 1e-6), 1.0)
    for p, g in zip(ps, gs, strict=True):
        assert_close(p.grad, g * coef, **tol)
    if max_norm < want:
        after = ref_total_norm([to_np(p.grad) for p in ps], norm_type)
        np.testing.assert_allclose(after, max_norm, rtol=1e-4)


def test_clip_grad_norm_skips_missing_grads_and_takes_one_tensor():
    a = tg.nn.Parameter(tg.ones(2))
    b = tg.nn.Parameter(tg.ones(2))
    a.grad = tg.tensor([3.0, 4.0])
    assert_close(U.clip_grad_norm_([a, b], 1.0), 5.0)
    assert b.grad is None
    assert_close(a.grad, np.array([3.0, 4.0]) / (5.0 + 1e-6), rtol=1e-6)
    a.grad = tg.tensor([3.0, 4.0])
    assert_close(U.clip_grad_norm_(a, 10.0), 5.0)  # a lone tensor
    assert_close(a.grad, [3.0, 4.0])
    assert_close(U.clip_grad_norm_([b], 1.0), 0.0)  # no gradients at all


def test_clip_grad_norm_nonfinite():
    a = tg.nn.Parameter(tg.ones(2))
    a.grad = tg.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        U.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    assert not math.isfinite(U.clip_grad_norm_([a], 1.0).item())  # scales by the inf norm


def test_clip_grad_norm_is_not_recorded_by_autograd():
    a = tg.nn.Parameter(tg.ones(3))
    (a * a).sum().backward()
    total = U.clip_grad_norm_([a], 1.0)
    assert not total.requires_grad and not a.grad.requires_grad


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_clip_grad_value(dtype):
    ps, gs = params_with_grads(dtype, scale=2.0)
    ps.append(tg.nn.Parameter(tg.ones(2, dtype=dtype)))  # no grad: skipped
    assert U.clip_grad_value_(ps, 0.75) is None
    for p, g in zip(ps, gs, strict=False):
        assert_close(p.grad, np.clip(g, -0.75, 0.75))
    assert ps[-1].grad is None


def test_parameters_to_vector_and_back():
    m = tg.nn.Sequential(tg.nn.Linear(3, 2), tg.nn.Linear(2, 1))
    v = U.parameters_to_vector(m.parameters())
    want = np.concatenate([to_np(p).ravel() for p in m.parameters()])
    assert tuple(v.shape) == (11,)  # 2x3 + 2 + 1x2 + 1
    assert_close(v, want)
    U.vector_to_parameters(tg.arange(11, dtype=F32), m.parameters())
    assert_close(m[0].weight, np.arange(6, dtype=np.float32).reshape(2, 3))
    assert_close(m[1].bias, [10.0])
    assert isinstance(m[0].weight, tg.nn.Parameter) and m[0].weight.requires_grad
    out = m(tg.ones(1, 3))  # still trains
    out.sum().backward()
    assert m[0].weight.grad is not None


def test_vector_to_parameters_errors():
    ps = [tg.nn.Parameter(tg.zeros(2, 2))]
    with pytest.raises(TypeError):
        U.vector_to_parameters([1.0, 2.0], ps)


@torch_differs("it slices a too short vec silently, and iterates a lone tensor's rows")
def test_vector_conversion_checks():
    with pytest.raises(TypeError, match="iterable of Tensors"):
        U.parameters_to_vector(tg.zeros(3))
    with pytest.raises(
        ValueError, match=r"vector_to_parameters: vec has shape \[3\], the parameters need \[4\]"
    ):
        U.vector_to_parameters(tg.zeros(3), [tg.nn.Parameter(tg.zeros(2, 2))])


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")], ids=str)
@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
def test_clip_grad_norm_matches_torch(torch, norm_type, dtype):
    ps, gs = params_with_grads(dtype, seed=5, scale=3.0)
    tps = [torch.nn.Parameter(torch.tensor(to_np(p))) for p in ps]
    for tp, g in zip(tps, gs, strict=True):
        tp.grad = torch.tensor(g.astype(NP[dtype]))
    total = U.clip_grad_norm_(ps, 1.5, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tps, 1.5, norm_type)
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == F32 else dict(rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(total.item(), ttotal.item(), **tol)
    for p, tp in zip(ps, tps, strict=True):
        np.testing.assert_allclose(to_np(p.grad), tp.grad.numpy(), **tol)
