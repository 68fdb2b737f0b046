"""normalize, cosine_similarity, pairwise_distance (functional and modules): NumPy references,
float64 gradchecks, zero vectors, broadcasting, and parity with torch (skipped without it)."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, check_grad, randn, tgt

F = tg.nn.functional


def np_normalize(x, p=2.0, dim=1, eps=1e-12):
    return x / np.maximum(np.linalg.norm(x, ord=p, axis=dim, keepdims=True), eps)


def np_cos(x1, x2, dim=1, eps=1e-8):
    n1 = np.maximum(np.linalg.norm(x1, axis=dim, keepdims=True), eps)
    n2 = np.maximum(np.linalg.norm(x2, axis=dim, keepdims=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def np_pdist(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    d = x1 - x2 + eps
    return np.linalg.norm(d, ord=p, axis=-1, keepdims=keepdim)


def data():
    a, b = randn(4, 5, seed=1), randn(4, 5, seed=2)
    a[1] = 0.0  # a zero vector: eps keeps it finite
    return a, b


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, 0), (3.0, -1), (float("inf"), 1)], ids=str)
def test_normalize(p, dim):
    a, _ = data()
    assert_close(F.normalize(tgt(a), p=p, dim=dim), np_normalize(a, p, dim))
    check_grad(
        lambda t: F.normalize(t, p=p, dim=dim) * tgt(randn(4, 5, seed=3)), randn(4, 5, seed=4)
    )


@pytest.mark.parametrize("dim", [1, 0, -1])
def test_cosine_similarity(dim):
    a, b = data()
    assert_close(F.cosine_similarity(tgt(a), tgt(b), dim=dim), np_cos(a, b, dim))
    assert_close(tg.nn.CosineSimilarity(dim=dim)(tgt(a), tgt(b)), np_cos(a, b, dim))
    check_grad(
        lambda x, y: F.cosine_similarity(x, y, dim=dim), randn(3, 4, seed=5), randn(3, 4, seed=6)
    )


def test_cosine_similarity_broadcasts_and_is_bounded():
    a, b = data()
    got = F.cosine_similarity(tgt(a), tgt(b[:1]))
    assert_close(got, np_cos(a, np.broadcast_to(b[:1], a.shape)))
    assert np.all(np.abs(got.numpy()) <= 1 + 1e-12)
    x = tgt(a)
    assert_close(F.cosine_similarity(x, x)[np.array([0, 2, 3])], np.ones(3))


@pytest.mark.parametrize("p", [2.0, 1.0, float("inf")], ids=str)
@pytest.mark.parametrize("keepdim", [False, True])
def test_pairwise_distance(p, keepdim):
    a, b = data()
    want = np_pdist(a, b, p, keepdim=keepdim)
    assert_close(F.pairwise_distance(tgt(a), tgt(b), p=p, keepdim=keepdim), want)
    assert_close(tg.nn.PairwiseDistance(p=p, keepdim=keepdim)(tgt(a), tgt(b)), want)
    check_grad(
        lambda x, y: F.pairwise_distance(x, y, p=p), randn(3, 4, seed=7), randn(3, 4, seed=8)
    )


def test_reprs():
    assert repr(tg.nn.CosineSimilarity()) == "CosineSimilarity()"
    assert repr(tg.nn.PairwiseDistance()) == "PairwiseDistance()"


CASES = {
    "normalize": lambda F, x, y: F.normalize(x),
    "normalize_p1_dim0": lambda F, x, y: F.normalize(x, p=1.0, dim=0),
    "cosine": lambda F, x, y: F.cosine_similarity(x, y),
    "cosine_dim0": lambda F, x, y: F.cosine_similarity(x, y, dim=0),
    "pairwise": lambda F, x, y: F.pairwise_distance(x, y),
    "pairwise_inf_keepdim": lambda F, x, y: F.pairwise_distance(x, y, p=float("inf"), keepdim=True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_parity(name, torch):
    a, b = data()

    def run(lib, M):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        out = CASES[name](M, x, y)
        (out * lib.tensor(randn(*tuple(out.shape), seed=9))).sum().backward()  # a random upstream
        return [
            np.array(t.tolist())
            for t in (out.detach(), x.grad, y.grad if y.grad is not None else x.grad)
        ]

    for g, t in zip(run(tg, F), run(torch, torch.nn.functional), strict=True):
        np.testing.assert_allclose(g, t, rtol=1e-12, atol=1e-12)
