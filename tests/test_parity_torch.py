"""Parity with PyTorch (skipped when torch is not installed): the same expression, written once
against a module `M` (tetragrad or torch), gives the same outputs, dtypes and gradients."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_same_call, distinct, dtype_name, make, np_of, rand_away, randn

torch = pytest.importorskip("torch")


def data(kind, shape, seed):
    if kind == "pos":
        return rand_away(*shape, seed=seed, positive=True)
    return {"any": randn, "away": rand_away, "distinct": distinct}[kind](*shape, seed=seed)


# (id, fn(M, *tensors), [(shape, kind), ...])
CASES = [
    ("add_bcast", lambda M, a, b: a + b, [((2, 3), "any"), ((3,), "any")]),
    ("sub_alpha", lambda M, a, b: M.sub(a, b, alpha=0.5), [((2, 1), "any"), ((1, 3), "any")]),
    ("mul_div", lambda M, a, b: a * b / (b * b + 1), [((4, 1, 3), "any"), ((2, 1), "any")]),
    ("pow", lambda M, a, b: a**b, [((2, 3), "pos"), ((2, 3), "any")]),
    ("rsub_rdiv_rpow", lambda M, a: 2 - 3 / a + 2**a, [((2, 3), "away")]),
    ("exp_log", lambda M, a: M.log(M.exp(a) + 1), [((2, 3), "any")]),
    ("sqrt_rsqrt", lambda M, a: M.sqrt(a) + M.rsqrt(a), [((3, 2), "pos")]),
    ("abs_sign", lambda M, a: M.abs(a) * 2 + M.sign(a), [((5,), "away")]),
    ("sigmoid_tanh_relu", lambda M, a: M.sigmoid(a) + M.tanh(a) * M.relu(a), [((2, 4), "away")]),
    ("clamp", lambda M, a: M.clamp(a, -0.8, 0.9) + a.clamp(min=0.1), [((3, 3), "away")]),
    (
        "maximum_minimum",
        lambda M, a, b: M.maximum(a, b) - M.minimum(a, b.t()),
        [((3, 3), "distinct"), ((3, 3), "any")],
    ),
    (
        "where_mask",
        lambda M, a, b: M.where(a > 0, a, b).masked_fill(b < -0.5, 0.0),
        [((2, 3), "away"), ((2, 3), "any")],
    ),
    ("sum_mean", lambda M, a: a.sum(0) + a.mean(1, keepdim=True), [((3, 3), "any")]),
    ("sum_tuple", lambda M, a: a.sum((0, 2)) + a.mean(dim=(-1, 0)), [((2, 3, 2), "any")]),
    ("prod", lambda M, a: a.prod(1), [((2, 3), "away")]),
    (
        "var_std",
        lambda M, a: a.var(1) + a.std(0, keepdim=True).sum() + a.var(unbiased=False),
        [((3, 4), "any")],
    ),
    (
        "var_correction",
        lambda M, a: a.var(dim=1, correction=0) + a.std(dim=1, correction=2),
        [((2, 5), "any")],
    ),
    ("logsumexp", lambda M, a: a.logsumexp(1) + M.logsumexp(a, dim=(0, 1)), [((3, 4), "any")]),
    (
        "norms",
        lambda M, a: (
            a.norm() + a.norm(p=1, dim=1).sum() + a.norm(p=float("inf"), dim=0).sum() + a.norm(p=3)
        ),
        [((3, 4), "distinct")],
    ),
    (
        "max_min",
        lambda M, a: a.max(1).values + a.min(dim=1)[0] + a.amax(0).sum() + a.max(),
        [((3, 4), "distinct")],
    ),
    ("matmul_batched", lambda M, a, b: a @ b, [((2, 1, 2, 3), "any"), ((3, 3, 2), "any")]),
    (
        "matmul_vec",
        lambda M, a, b: M.matmul(a, b) + M.matmul(b.t(), a.t()).sum(),
        [((2, 3), "any"), ((3,), "any")],
    ),
    (
        "mm_addmm",
        lambda M, a, b, c: M.addmm(c, a, b, beta=0.5, alpha=2.0) + M.mm(a, b),
        [((2, 3), "any"), ((3, 4), "any"), ((4,), "any")],
    ),
    (
        "bmm_dot",
        lambda M, a, b: M.bmm(a, b).sum() + M.dot(a.flatten(), a.flatten()),
        [((2, 2, 3), "any"), ((2, 3, 2), "any")],
    ),
    (
        "cat_stack",
        lambda M, a, b: M.cat([a, b.t()], 1) * M.stack([a, a], 0).sum(0)[:, :1],
        [((2, 3), "any"), ((2, 2), "any")],
    ),
    ("stack_dim", lambda M, a, b: M.stack([a, b], dim=-1), [((2, 3), "any"), ((2, 3), "any")]),
    (
        "chunk_split",
        lambda M, a: (
            M.cat([p * (i + 1) for i, p in enumerate(a.chunk(3, dim=1))], 1)
            + M.cat(a.split([1, 1], dim=0), 0).exp()
        ),
        [((2, 5), "any")],
    ),
    (
        "views",
        lambda M, a: (
            a.t()
            .reshape(6)
            .view(2, 3)
            .permute(1, 0)
            .unsqueeze(0)
            .expand(2, 3, 2)
            .flatten(1)[:, ::2]
        ),
        [((2, 3), "any")],
    ),
    (
        "indexing",
        lambda M, a: a[1:, None, ::2] * a[1:, -1:].unsqueeze(1) + a[0, 1],
        [((3, 4), "any")],
    ),
    (
        "narrow_select_unbind",
        lambda M, a: a.narrow(1, 1, 2).select(0, 1) + a.unbind(0)[2][:2],
        [((3, 4), "any")],
    ),
]

IDX_CASES = [
    ("gather", lambda M, a, i: M.gather(a, 1, i), [((3, 4), "any")], [[0, 3], [1, 1], [2, 0]]),
    ("index_select", lambda M, a, i: M.index_select(a, 0, i), [((3, 4), "any")], [2, 0, 2]),
    ("getitem_tensor", lambda M, a, i: a[i] * 2, [((3, 4), "any")], [1, 1, 0]),
]


def run_case(M, fn, arrays, dtype, grad):
    ts = [make(M, a.astype(dtype), requires_grad=grad) for a in arrays]
    out = fn(M, *ts)
    if grad:
        g = randn(*tuple(out.shape), seed=99).astype(dtype)
        out.backward(make(M, g))
    return out, ts


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name,fn,specs", CASES, ids=[c[0] for c in CASES])
def test_parity(name, fn, specs, dtype):
    arrays = [data(kind, shape, seed=i + 1) for i, (shape, kind) in enumerate(specs)]
    assert_same_call(
        run_case(tg, fn, arrays, dtype, grad=True),
        run_case(torch, fn, arrays, dtype, grad=True),
        dtype,
    )


@pytest.mark.parametrize("name,fn,specs,index", IDX_CASES, ids=[c[0] for c in IDX_CASES])
def test_parity_indexing(name, fn, specs, index):
    a = data(specs[0][1], specs[0][0], seed=1)
    outs, grads = [], []
    for M in (tg, torch):
        x = make(M, a, requires_grad=True)
        out = fn(M, x, make(M, np.array(index, dtype=np.int64)))
        out.backward(make(M, randn(*tuple(out.shape), seed=5)))
        outs.append(np_of(out))
        grads.append(np_of(x.grad))
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


PROMO = [
    lambda M: M.tensor([1, 2]) + M.tensor([1.5, 2.5]),
    lambda M: M.tensor([1, 2]) * 2.5,
    lambda M: M.tensor([1, 2]) * 2,
    lambda M: M.tensor([1, 2]) / M.tensor([2, 2]),
    lambda M: M.tensor([True, False]) + 1,
    lambda M: M.tensor([True, False]) + M.tensor([True, True]),
    lambda M: M.tensor([1.0, 2.0]) + M.tensor(1.0, dtype=M.float64),
    lambda M: M.tensor([1, 2]) + M.tensor(1.0, dtype=M.float64),
    lambda M: M.tensor([1.0], dtype=M.float64) * M.tensor([2.0]),
    lambda M: M.tensor([1, 2]).sum(),
    lambda M: M.tensor([True, True]).sum(),
    lambda M: M.tensor([1, 2]) > 1.5,
    lambda M: M.arange(3) * 1.0,
    lambda M: M.tensor([3, -4]).abs(),
    lambda M: M.tensor([3, 4]).exp(),
    lambda M: M.where(M.tensor([True, False]), M.tensor([1, 2]), M.tensor([0.5, 0.5])),
    lambda M: M.cat([M.tensor([1.0]), M.tensor([2.0], dtype=M.float64)]),
]


@pytest.mark.parametrize("k", range(len(PROMO)))
def test_parity_type_promotion(k):
    a, b = PROMO[k](tg), PROMO[k](torch)
    assert dtype_name(a) == dtype_name(b)
    np.testing.assert_allclose(
        np.array(a.tolist(), dtype=np.float64), np.array(b.tolist(), dtype=np.float64)
    )


def test_parity_mlp_step():
    """A tiny MLP with a hand-written cross-entropy: loss and every parameter gradient."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 5)), rng.integers(0, 3, size=8)
    w1, b1 = rng.standard_normal((16, 5)) * 0.4, rng.standard_normal(16) * 0.1
    w2, b2 = rng.standard_normal((3, 16)) * 0.4, rng.standard_normal(3) * 0.1
    res = []
    for M in (tg, torch):
        params = [make(M, p.astype(np.float32), requires_grad=True) for p in (w1, b1, w2, b2)]
        xt, yt = make(M, x.astype(np.float32)), make(M, y.astype(np.int64))
        h = (xt @ params[0].t() + params[1]).relu()
        z = h @ params[2].T + params[3]
        loss = (z.logsumexp(1) - z.gather(1, yt.unsqueeze(1)).squeeze(1)).mean()
        loss.backward()
        res.append([loss.item()] + [np_of(p.grad) for p in params])
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-5)
    for g_tg, g_pt in zip(res[0][1:], res[1][1:], strict=True):
        np.testing.assert_allclose(g_tg, g_pt, rtol=1e-4, atol=1e-6)


def test_parity_repr():
    cases = [
        lambda M: M.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True),
        lambda M: M.tensor([1, 2, 3]),
        lambda M: M.tensor(3.5),
        lambda M: M.tensor([True, False]),
        lambda M: M.tensor([-1.5, 0.0, 3.25]),
        lambda M: M.tensor([1.0, 2.0], requires_grad=True) * 2,
        lambda M: M.zeros(0),
    ]
    for c in cases:
        assert repr(c(tg)) == repr(c(torch))
