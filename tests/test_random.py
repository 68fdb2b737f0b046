"""Random: Generator objects (seeding, state round trips, independence from the default one and
from the thread count), randperm, multinomial, bernoulli, normal, poisson and the in-place
fillers. Draws are checked by their laws (means, variances, frequencies within a few standard
errors, at fixed seeds, so each check is deterministic), never by hard-coded numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tetragrad as tg
from conftest import TORCH_BACKEND, raises, tetragrad_only, tgt, to_np


def test_generator_seeding_and_independence():
    g = tg.Generator().manual_seed(7)
    a = tg.rand(5, generator=g)
    g.manual_seed(7)
    assert np.array_equal(to_np(a), to_np(tg.rand(5, generator=g)))
    assert g.initial_seed() == 7
    # drawing from g leaves the default generator's stream where it was
    tg.manual_seed(3)
    x = tg.randn(4)
    tg.manual_seed(3)
    tg.randn(3, generator=g)
    assert np.array_equal(to_np(x), to_np(tg.randn(4)))


def test_state_round_trip_resumes_the_stream():
    g = tg.Generator().manual_seed(11)
    tg.rand(3, generator=g)
    state = g.get_state()
    a = tg.randn(6, generator=g)
    g.set_state(state)
    assert np.array_equal(to_np(a), to_np(tg.randn(6, generator=g)))
    s = tg.get_rng_state()
    b = tg.rand(4)
    tg.set_rng_state(s)
    assert np.array_equal(to_np(b), to_np(tg.rand(4)))


def test_manual_seed_returns_the_default_generator_and_accepts_any_int():
    assert tg.manual_seed(-1) is not None
    g = tg.Generator()
    g.manual_seed(2**64 - 1)
    g.manual_seed(-5)
    assert isinstance(g.seed(), int)


@tetragrad_only(
    "tetragrad's draws are the same for any thread count (torch's are too, but not proven)"
)
def test_draws_do_not_depend_on_the_thread_count():
    n = tg.get_num_threads()
    try:
        out = []
        for threads in (1, 2):
            tg.set_num_threads(threads)
            tg.manual_seed(5)
            out.append(
                [
                    to_np(tg.randn(200_000)),
                    to_np(tg.randperm(1000)),
                    to_np(tg.poisson(tg.full((50_000,), 3.0))),
                ]
            )
        for a, b in zip(*out, strict=True):
            assert np.array_equal(a, b)
    finally:
        tg.set_num_threads(n)


@pytest.mark.parametrize("n", [0, 1, 2, 10, 100_000])
def test_randperm_is_a_permutation(n):
    p = tg.randperm(n, generator=tg.Generator().manual_seed(n))
    assert p.dtype == tg.int64 and tuple(p.shape) == (n,)
    assert np.array_equal(np.sort(to_np(p)), np.arange(n))


def test_randperm_is_uniform():
    # each of the 6 orders of 3 elements about equally often
    g = tg.Generator().manual_seed(1)
    counts = {}
    for _ in range(6000):
        k = tuple(to_np(tg.randperm(3, generator=g)))
        counts[k] = counts.get(k, 0) + 1
    assert len(counts) == 6
    assert all(abs(c - 1000) < 5 * math.sqrt(1000) for c in counts.values())


def test_randperm_dtype_and_errors():
    assert tg.randperm(4, dtype=tg.float32).dtype == tg.float32
    with raises(
        ValueError, torch_exc=RuntimeError, match="n must be non-negative", torch_match=None
    ):
        tg.randperm(-1)


def test_multinomial_with_replacement_frequencies():
    p = np.array([0.1, 0.0, 0.6, 0.3])
    s = to_np(
        tg.multinomial(
            tgt(p * 5), 40_000, replacement=True, generator=tg.Generator().manual_seed(2)
        )
    )
    freq = np.bincount(s, minlength=4) / s.size
    assert freq[1] == 0
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / s.size) + 1e-12)


def test_multinomial_without_replacement():
    g = tg.Generator().manual_seed(4)
    w = tgt(np.array([[1.0, 2.0, 0.0, 4.0, 3.0], [0.0, 1.0, 1.0, 0.0, 1.0]]))
    s = to_np(tg.multinomial(w, 3, generator=g))
    assert s.shape == (2, 3)
    for row, wr in zip(s, to_np(w), strict=True):
        assert len(set(row)) == 3 and np.all(wr[row] > 0)
    # the first draw follows the weights: P(first = j) = w_j / sum(w)
    first = np.array([to_np(tg.multinomial(w[0], 2, generator=g))[0] for _ in range(4000)])
    freq = np.bincount(first, minlength=5) / first.size
    ref = to_np(w[0]) / 10.0
    assert np.all(np.abs(freq - ref) < 5 * np.sqrt(ref * (1 - ref) / first.size) + 1e-12)


def test_multinomial_errors():
    with raises(ValueError, torch_exc=RuntimeError, match="without replacement|n_sample"):
        tg.multinomial(tgt(np.array([1.0, 1.0])), 3)
    with raises(ValueError, torch_exc=RuntimeError):
        tg.multinomial(tgt(np.array([1.0, -1.0])), 1)
    with raises(ValueError, torch_exc=RuntimeError):
        tg.multinomial(tgt(np.array([0.0, 0.0])), 1, True)
    if not TORCH_BACKEND:  # torch returns a category of weight 0 here
        with raises(ValueError, match="fewer non-zero categories"):
            tg.multinomial(tgt(np.array([1.0, 0.0, 0.0])), 2)
    with raises(ValueError, torch_exc=RuntimeError, match="1 or 2 dim"):
        tg.multinomial(tgt(np.ones((2, 2, 2))), 1)


def test_bernoulli_forms():
    g = tg.Generator().manual_seed(6)
    p = tgt(np.linspace(0.0, 1.0, 5).repeat(4000).reshape(5, 4000))
    b = to_np(tg.bernoulli(p, generator=g))
    assert set(np.unique(b)) <= {0.0, 1.0}
    assert np.all(np.abs(b.mean(1) - np.linspace(0, 1, 5)) < 0.03)
    x = tg.zeros(10_000)
    assert abs(float(x.bernoulli_(0.25, generator=g).mean()) - 0.25) < 0.02
    y = tg.zeros(2, 3000)
    y.bernoulli_(tgt(np.array([[0.1], [0.9]])))
    assert np.all(np.abs(to_np(y).mean(1) - [0.1, 0.9]) < 0.03)
    with raises(ValueError, torch_exc=RuntimeError):
        tg.bernoulli(tgt(np.array([1.5])))


def test_normal_forms():
    g = tg.Generator().manual_seed(8)
    m = tgt(np.array([[-3.0], [5.0]]))
    x = to_np(tg.normal(m, tgt(np.array([0.5, 2.0, 1.0])).expand(20000, 3)[:2] * 1.0, generator=g))
    assert x.shape == (2, 3)
    y = to_np(tg.normal(2.0, 3.0, (200_000,), generator=g))
    assert abs(y.mean() - 2.0) < 0.03 and abs(y.std() - 3.0) < 0.03
    z = to_np(tg.normal(tg.zeros(100_000), 2.0, generator=g))
    assert abs(z.std() - 2.0) < 0.03


@pytest.mark.parametrize("lam", [0.0, 0.7, 4.0, 30.0, 1000.0])
def test_poisson_mean_and_variance(lam):
    x = to_np(tg.poisson(tg.full((100_000,), lam), generator=tg.Generator().manual_seed(9)))
    assert np.all(x == np.round(x)) and np.all(x >= 0)
    se = math.sqrt(max(lam, 1e-9) / x.size)
    assert abs(x.mean() - lam) < 5 * se + 1e-12
    if lam > 0:
        assert abs(x.var() / lam - 1) < 0.05


@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0, 5.0, 200.0])
def test_standard_gamma_mean_and_variance(alpha):
    g = tg.Generator().manual_seed(12)
    x = to_np(tg._standard_gamma(tg.full((100_000,), alpha, dtype=tg.float64), generator=g))
    assert np.all(x > 0)
    se = math.sqrt(alpha / x.size)  # the standard error of the mean (the variance is alpha)
    assert abs(x.mean() - alpha) < 5 * se
    # the sample variance's relative standard error: sqrt((2 + excess kurtosis 6 / alpha) / n)
    assert abs(x.var() / alpha - 1) < 5 * math.sqrt((2 + 6 / alpha) / x.size)


def test_standard_gamma_edges_and_threads():
    a = tg.tensor([0.0, -1.0, math.inf], dtype=tg.float32)
    x = to_np(tg._standard_gamma(a))
    assert x[0] == x[1] == np.finfo(np.float32).tiny and x[2] == math.inf  # torch's clamp
    n = tg.get_num_threads()
    try:
        out = []
        for threads in (1, 2):
            tg.set_num_threads(threads)
            out.append(
                to_np(
                    tg._standard_gamma(
                        tg.full((50_000,), 2.5), generator=tg.Generator().manual_seed(3)
                    )
                )
            )
        assert np.array_equal(*out)
    finally:
        tg.set_num_threads(n)


def test_standard_gamma_gradient_is_the_implicit_one():
    """d x / d alpha at a fixed CDF value: -(dP(alpha, x)/d alpha) / p(x; alpha), by mpmath."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30

    def implicit(a, x):
        dp = mpmath.diff(lambda s: mpmath.gammainc(s, 0, x, regularized=True), a)
        return float(-dp / mpmath.exp((a - 1) * mpmath.log(x) - x - mpmath.loggamma(a)))

    tg.manual_seed(4)
    for a in (0.05, 0.3, 1.0, 2.5, 7.0, 50.0):
        alpha = tg.full((6,), a, dtype=tg.float64, requires_grad=True)
        x = tg._standard_gamma(alpha)
        x.sum().backward()
        want = [implicit(a, float(v)) for v in to_np(x.detach())]
        # torch's own approximation of this gradient is good to ~6e-5; tetragrad's to ~1e-9
        np.testing.assert_allclose(to_np(alpha.grad), want, rtol=1e-4)


def test_fillers_follow_their_laws():
    g = tg.Generator().manual_seed(10)
    n = 200_000
    e = to_np(tg.empty(n, dtype=tg.float64).exponential_(2.0, generator=g))
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01
    ln = to_np(tg.empty(n, dtype=tg.float64).log_normal_(0.0, 0.5, generator=g))
    assert abs(np.log(ln).mean()) < 0.01 and abs(np.log(ln).std() - 0.5) < 0.01
    c = to_np(tg.empty(n, dtype=tg.float64).cauchy_(1.0, 2.0, generator=g))
    assert abs(np.median(c) - 1.0) < 0.05 and abs(np.percentile(c, 75) - 3.0) < 0.1
    ge = to_np(tg.empty(n).geometric_(0.25, generator=g))
    assert ge.min() >= 1 and abs(ge.mean() - 4.0) < 0.05
    u = to_np(tg.empty(n).uniform_(-2.0, 3.0, generator=g))
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.02
    r = to_np(tg.empty(n, dtype=tg.int64).random_(3, 7, generator=g))
    assert set(np.unique(r)) == {3, 4, 5, 6}
    r = to_np(tg.empty(1000).random_(5))
    assert r.min() >= 0 and r.max() < 5 and np.all(r == np.round(r))
    with raises(ValueError, torch_exc=RuntimeError):
        tg.empty(3).exponential_(-1.0)


def test_like_functions():
    x = tg.zeros(3, 4, dtype=tg.float64)
    assert tg.randint_like(x, 5).dtype == tg.float64
    r = to_np(tg.randint_like(x, 2, 4))
    assert r.min() >= 2 and r.max() < 4
    assert tuple(tg.rand_like(x).shape) == (3, 4)


def test_generator_argument_type_error():
    with raises(TypeError):
        tg.rand(3, generator=5)
