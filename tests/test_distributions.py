"""tetragrad.distributions against torch.distributions: log_prob, entropy, moments, cdf/icdf and
kl_divergence values and their gradients on the same float64 parameters; shapes of draws,
batches and expand; the laws of draws (means and variances of 20000 draws within a few standard
errors, at fixed seeds); reparameterised gradients (against torch on the same draws, and for
Gamma, Beta and Dirichlet in expectation: the mean of per-draw gradients against the derivative
of the exact moment); argument and support validation.

torch here is the reference (``import torch``); the code under test is ``tg.distributions``
(torch.distributions itself on the torch backend, which checks these references).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import tetragrad as tg
from conftest import make, np_of, rand_away, randn, torch_differs

torch = pytest.importorskip("torch")
TD = torch.distributions
D = tg.distributions

HAS_LINALG = hasattr(tg, "linalg") and all(
    hasattr(tg.linalg, f) for f in ("cholesky", "solve_triangular", "eigvalsh")
)
needs_linalg = pytest.mark.skipif(
    not HAS_LINALG,
    reason="MultivariateNormal needs tg.linalg.cholesky / solve_triangular / eigvalsh",
)

# Gamma, Beta and Dirichlet draw through tg._standard_gamma (torch's name for the sampler)
HAS_GAMMA_SAMPLER = hasattr(tg, "_standard_gamma")
needs_gamma_sampler = pytest.mark.skipif(
    not HAS_GAMMA_SAMPLER,
    reason="Gamma/Beta/Dirichlet draws need tg._standard_gamma, which this tetragrad lacks",
)
_GAMMA_FAMILY = ("gamma", "beta", "dirichlet")  # case-name prefixes that draw through it

TOL = dict(rtol=1e-10, atol=1e-12)
# Gradients through digamma's derivative: torch's CPU trigamma is good to ~5e-10 relative only
# (tetragrad's to ~2e-11, both against mpmath), so these compare at 1e-8
TRIGAMMA_TOL = dict(rtol=1e-8, atol=1e-9)


def close(a, b, **tol):
    """tetragrad result a equals torch result b: shape and values (NaN == NaN, inf == inf)."""
    assert tuple(a.shape) == tuple(b.shape), f"shape {tuple(a.shape)} != {tuple(b.shape)}"
    np.testing.assert_allclose(np_of(a), np_of(b), equal_nan=True, **(tol or TOL))


def _rng(seed):
    return np.random.default_rng(seed)


def _spd(n, seed=0):
    a = _rng(seed).standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def _one_hot(idx, k):
    return np.eye(k)[idx]


# ---- one table of cases: builder(M, P) over module M's distributions and tensors P ------------
# name -> (builder, {param: array}, value array, params that get gradients)

_PROBS = _rng(1).uniform(0.1, 0.9, (2, 3))
_WEIGHTS = _rng(2).uniform(0.2, 2.0, (2, 4))
_LOW = randn(2, 3, seed=3) - 1.0
_HIGH = _LOW + rand_away(2, 3, seed=4, positive=True, lo=0.5, hi=3.0)
_SPD = _spd(3, seed=5)
_IDX = _rng(6).integers(0, 4, (5, 2))
# Dirichlet concentrations: row 0 all below 1 (the mode is a vertex), row 1 mixed
_CONC = np.stack([_rng(90).uniform(0.2, 0.9, 4), _rng(91).uniform(0.5, 3.0, 4)])
_SIMPLEX = _rng(92).uniform(0.05, 1.0, (5, 2, 4))
_SIMPLEX /= _SIMPLEX.sum(-1, keepdims=True)

CASES = {
    "normal": (
        lambda M, P: M.distributions.Normal(P["loc"], P["scale"]),
        {"loc": randn(2, 3, seed=7), "scale": rand_away(2, 3, seed=8, positive=True)},
        randn(4, 2, 3, seed=9),
        ["loc", "scale"],
    ),
    "normal_broadcast": (  # loc (3,) against scale (2, 1): batch (2, 3)
        lambda M, P: M.distributions.Normal(P["loc"], P["scale"]),
        {"loc": randn(3, seed=10), "scale": rand_away(2, 1, seed=11, positive=True)},
        randn(3, seed=12),
        ["loc", "scale"],
    ),
    "uniform": (
        lambda M, P: M.distributions.Uniform(P["low"], P["high"]),
        {"low": _LOW, "high": _HIGH},
        _LOW + (_HIGH - _LOW) * _rng(13).uniform(0.05, 0.95, (4, 2, 3)),
        ["low", "high"],
    ),
    "bernoulli_probs": (
        lambda M, P: M.distributions.Bernoulli(probs=P["probs"]),
        {"probs": _PROBS},
        _rng(14).integers(0, 2, (4, 2, 3)).astype(np.float64),
        ["probs"],
    ),
    "bernoulli_logits": (
        lambda M, P: M.distributions.Bernoulli(logits=P["logits"]),
        {"logits": randn(2, 3, seed=15) * 2},
        _rng(16).integers(0, 2, (4, 2, 3)).astype(np.float64),
        ["logits"],
    ),
    "categorical_probs": (
        lambda M, P: M.distributions.Categorical(probs=P["probs"]),
        {"probs": _WEIGHTS},  # unnormalised: the distribution normalises
        _IDX,
        ["probs"],
    ),
    "categorical_logits": (
        lambda M, P: M.distributions.Categorical(logits=P["logits"]),
        {"logits": randn(2, 4, seed=17)},
        _IDX,
        ["logits"],
    ),
    "onehot_probs": (
        lambda M, P: M.distributions.OneHotCategorical(probs=P["probs"]),
        {"probs": _WEIGHTS},
        _one_hot(_IDX, 4),
        ["probs"],
    ),
    "onehot_logits": (
        lambda M, P: M.distributions.OneHotCategorical(logits=P["logits"]),
        {"logits": randn(2, 4, seed=18)},
        _one_hot(_IDX, 4),
        ["logits"],
    ),
    "independent_normal": (
        lambda M, P: M.distributions.Independent(M.distributions.Normal(P["loc"], P["scale"]), 1),
        {"loc": randn(2, 3, seed=19), "scale": rand_away(2, 3, seed=20, positive=True)},
        randn(4, 2, 3, seed=21),
        ["loc", "scale"],
    ),
    "mvn_covariance": (
        lambda M, P: M.distributions.MultivariateNormal(P["loc"], covariance_matrix=P["cov"]),
        {"loc": randn(2, 3, seed=22), "cov": _SPD},
        randn(4, 2, 3, seed=23),
        ["loc", "cov"],
    ),
    "mvn_precision": (
        lambda M, P: M.distributions.MultivariateNormal(P["loc"], precision_matrix=P["prec"]),
        {"loc": randn(2, 3, seed=24), "prec": _SPD},
        randn(4, 2, 3, seed=25),
        ["loc", "prec"],
    ),
    "mvn_scale_tril": (
        lambda M, P: M.distributions.MultivariateNormal(P["loc"], scale_tril=P["tril"]),
        {"loc": randn(3, seed=26), "tril": np.linalg.cholesky(np.stack([_SPD, 2 * _SPD]))},
        randn(4, 2, 3, seed=27),
        ["loc", "tril"],
    ),
    "mvn_batched_tril": (  # scale_tril batch (2, 1) against loc batch (5,): batch (2, 5)
        lambda M, P: M.distributions.MultivariateNormal(P["loc"], scale_tril=P["tril"]),
        {
            "loc": randn(5, 3, seed=28),
            "tril": np.linalg.cholesky(np.stack([_SPD, 3 * _SPD]))[:, None],
        },
        randn(7, 2, 5, 3, seed=29),
        ["loc", "tril"],
    ),
    "gamma": (  # concentrations on both sides of 1 (the mode clamps at 0 below it)
        lambda M, P: M.distributions.Gamma(P["concentration"], P["rate"]),
        {
            "concentration": rand_away(2, 3, seed=93, positive=True, lo=0.3, hi=4.0),
            "rate": rand_away(2, 3, seed=94, positive=True, lo=0.3, hi=3.0),
        },
        rand_away(4, 2, 3, seed=95, positive=True, lo=0.05, hi=5.0),
        ["concentration", "rate"],
    ),
    "gamma_broadcast": (  # concentration (3,) against rate (2, 1): batch (2, 3)
        lambda M, P: M.distributions.Gamma(P["concentration"], P["rate"]),
        {
            "concentration": rand_away(3, seed=96, positive=True, lo=0.5, hi=3.0),
            "rate": rand_away(2, 1, seed=97, positive=True),
        },
        rand_away(3, seed=98, positive=True, lo=0.1, hi=3.0),
        ["concentration", "rate"],
    ),
    "beta": (
        lambda M, P: M.distributions.Beta(P["a"], P["b"]),
        {
            "a": rand_away(2, 3, seed=99, positive=True, lo=0.3, hi=4.0),
            "b": rand_away(2, 3, seed=100, positive=True, lo=0.3, hi=4.0),
        },
        _rng(101).uniform(0.02, 0.98, (4, 2, 3)),
        ["a", "b"],
    ),
    # a (2, 1) against b (3,): batch (2, 3); modes at a vertex (a, b < 1), torch's NaN (a < 1,
    # b = 1) and at 0 (a < 1 < b)
    "beta_broadcast": (
        lambda M, P: M.distributions.Beta(P["a"], P["b"]),
        {
            "a": np.array([[0.4], [2.5]]),
            "b": np.array([0.7, 1.0, 3.0]),
        },
        _rng(102).uniform(0.02, 0.98, (3,)),
        ["a", "b"],
    ),
    "dirichlet": (
        lambda M, P: M.distributions.Dirichlet(P["concentration"]),
        {"concentration": _CONC},
        _SIMPLEX,
        ["concentration"],
    ),
    "dirichlet_unbatched": (
        lambda M, P: M.distributions.Dirichlet(P["concentration"]),
        {"concentration": np.array([0.6, 2.0, 4.5])},
        _SIMPLEX[..., :3] / _SIMPLEX[..., :3].sum(-1, keepdims=True),
        ["concentration"],
    ),
}


def _marks(name):
    if name.startswith("mvn"):
        return [needs_linalg]
    return []


def _case_params():
    return [pytest.param(name, marks=_marks(name)) for name in CASES]


def _sampling_params(names):
    """Cases whose draws are tested: the gamma family also needs tg._standard_gamma."""
    return [
        pytest.param(
            n, marks=_marks(n) + ([needs_gamma_sampler] if n.startswith(_GAMMA_FAMILY) else [])
        )
        for n in names
    ]


def build(name, M, requires_grad=False):
    """The case's distribution over module M, and its parameter tensors."""
    builder, params, _, grads = CASES[name]
    P = {k: make(M, v, requires_grad=requires_grad and k in grads) for k, v in params.items()}
    return builder(M, P), P


def both(name, requires_grad=False):
    d, P = build(name, tg, requires_grad)
    r, Q = build(name, torch, requires_grad)
    return d, P, r, Q


def check_grads(P, Q, grads, **tol):
    for k in grads:
        if Q[k].grad is None:  # the result does not depend on k (a Normal's entropy on loc)
            assert P[k].grad is None or not np_of(P[k].grad).any(), k
            continue
        assert P[k].grad is not None, f"no gradient reached {k}"
        close(P[k].grad, Q[k].grad, **tol)


# ---- values and gradients against torch ----------------------------------------------------


@pytest.mark.parametrize("name", _case_params())
def test_log_prob_and_its_gradients_match_torch(name):
    d, P, r, Q = both(name, requires_grad=True)
    value = CASES[name][2]
    lp, lq = d.log_prob(make(tg, value)), r.log_prob(make(torch, value))
    close(lp, lq)
    lp.sum().backward()
    lq.sum().backward()
    check_grads(P, Q, CASES[name][3])


@pytest.mark.parametrize("name", _case_params())
def test_entropy_and_its_gradients_match_torch(name):
    d, P, r, Q = both(name, requires_grad=True)
    e, f = d.entropy(), r.entropy()
    close(e, f)
    e.sum().backward()
    f.sum().backward()
    check_grads(P, Q, CASES[name][3], **(TRIGAMMA_TOL if name.startswith(_GAMMA_FAMILY) else {}))


@pytest.mark.parametrize("name", _case_params())
@pytest.mark.parametrize("attr", ["mean", "mode", "variance", "stddev"])
def test_moments_match_torch(name, attr):
    d, _, r, _ = both(name)
    close(getattr(d, attr), getattr(r, attr))


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith(_GAMMA_FAMILY)])
@pytest.mark.parametrize("attr", ["mean", "mode", "variance", "stddev"])
def test_moment_gradients_match_torch(name, attr):
    d, P, r, Q = both(name, requires_grad=True)
    a, b = getattr(d, attr), getattr(r, attr)
    w = randn(*a.shape, seed=103)  # a weighted sum, so every entry's gradient counts
    (a * make(tg, w)).sum().backward()
    (b * make(torch, w)).sum().backward()
    check_grads(P, Q, CASES[name][3])


def test_gamma_family_with_python_numbers_matches_torch():
    for ctor in (
        lambda M: M.distributions.Gamma(2.5, 0.5),
        lambda M: M.distributions.Beta(0.5, 2.0),
    ):
        d, r = ctor(tg), ctor(torch)
        assert d.batch_shape == () and tuple(d.mean.shape) == ()
        assert d.mean.dtype == tg.get_default_dtype()
        v = 0.3
        close(d.log_prob(tg.tensor(v)), r.log_prob(torch.tensor(v)), rtol=1e-6)
        close(d.entropy(), r.entropy(), rtol=1e-6)
        close(d.variance, r.variance, rtol=1e-6)
    # Gamma.log_prob takes a number (as_tensor in the rate's dtype), as torch's does
    d = D.Gamma(make(tg, np.array([2.0, 0.5])), 1.5)
    r = TD.Gamma(make(torch, np.array([2.0, 0.5])), 1.5)
    close(d.log_prob(0.7), r.log_prob(0.7))
    assert d.log_prob(0.7).dtype == tg.float64


@pytest.mark.parametrize("name", ["normal", "uniform", "normal_broadcast"])
def test_cdf_icdf_and_their_gradients_match_torch(name):
    d, P, r, Q = both(name, requires_grad=True)
    value = CASES[name][2]
    c, e = d.cdf(make(tg, value)), r.cdf(make(torch, value))
    close(c, e)
    q = _rng(30).uniform(0.02, 0.98, (4, 2, 3))
    i, j = d.icdf(make(tg, q)), r.icdf(make(torch, q))
    close(i, j, rtol=1e-9, atol=1e-12)  # erfinv's last bits
    (c.sum() + i.sum()).backward()
    (e.sum() + j.sum()).backward()
    check_grads(P, Q, CASES[name][3], rtol=1e-9, atol=1e-12)


def test_normal_icdf_inverts_cdf():
    d = D.Normal(make(tg, randn(5, seed=31)), make(tg, rand_away(5, seed=32, positive=True)))
    x = make(tg, randn(5, seed=33))
    np.testing.assert_allclose(np_of(d.icdf(d.cdf(x))), np_of(x), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "name", ["bernoulli_probs", "bernoulli_logits", "categorical_probs", "categorical_logits"]
)
def test_the_other_parameterisation_matches_torch(name):
    d, P, r, Q = both(name, requires_grad=True)
    (k,) = CASES[name][3]
    other = "logits" if k == "probs" else "probs"
    a, b = getattr(d, other), getattr(r, other)
    close(a, b)
    a.sum().backward()
    b.sum().backward()
    check_grads(P, Q, [k])
    close(getattr(d, k), getattr(r, k))  # Categorical normalises what it was given


def test_degenerate_probabilities_match_torch():
    # zero / one probabilities: clamped logits keep log_prob finite, 0 log 0 counts as 0
    w = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    idx = np.array([[0, 1], [1, 0]])
    d, r = D.Categorical(probs=make(tg, w)), TD.Categorical(probs=make(torch, w))
    close(d.entropy(), r.entropy())
    close(d.log_prob(make(tg, idx)), r.log_prob(make(torch, idx)))
    p, v = np.array([0.0, 1.0, 0.5, 0.5]), np.array([0.0, 1.0, 1.0, 0.0])
    d, r = D.Bernoulli(probs=make(tg, p)), TD.Bernoulli(probs=make(torch, p))
    close(d.log_prob(make(tg, v)), r.log_prob(make(torch, v)))
    close(d.entropy(), r.entropy())
    close(d.mode, r.mode)  # NaN at p = 1/2


def test_a_lazy_parameter_first_read_under_no_grad_keeps_its_graph():
    logits = make(tg, randn(3, seed=37), requires_grad=True)
    d = D.Bernoulli(logits=logits)
    d.sample()  # derives probs inside no_grad
    d.probs.sum().backward()
    ref = make(torch, randn(3, seed=37), requires_grad=True)
    torch.sigmoid(ref).sum().backward()
    close(logits.grad, ref.grad)


def test_float32_parameters_keep_float32():
    d = D.Normal(make(tg, randn(3, dtype=np.float32)), 2.0)
    assert d.loc.dtype == tg.float32 and d.scale.dtype == tg.float32
    assert d.log_prob(make(tg, randn(3, dtype=np.float32))).dtype == tg.float32
    assert d.rsample((2,)).dtype == tg.float32
    # Python numbers alone take the default dtype and give an empty batch shape
    s = D.Normal(0.0, 1.0)
    assert s.loc.dtype == tg.get_default_dtype() and s.batch_shape == ()


def test_exponential_family_generic_entropy_matches_closed_form():
    # the Bregman-divergence entropy through autograd of the log normaliser
    for d in (
        D.Normal(make(tg, randn(4, seed=34)), make(tg, rand_away(4, seed=35, positive=True))),
        D.Bernoulli(logits=make(tg, randn(4, seed=36))),
        D.Gamma(
            make(tg, rand_away(4, seed=104, positive=True)),
            make(tg, rand_away(4, seed=105, positive=True)),
        ),
    ):
        np.testing.assert_allclose(
            np_of(D.ExponentialFamily.entropy(d)), np_of(d.entropy()), rtol=1e-9, atol=1e-12
        )


@needs_gamma_sampler
def test_gamma_family_float32_draws_keep_float32():
    c = make(tg, rand_away(3, seed=106, positive=True, dtype=np.float32))
    for d in (D.Gamma(c, 2.0), D.Beta(c, c), D.Dirichlet(c)):
        assert d.mean.dtype == tg.float32
        assert d.rsample((2,)).dtype == tg.float32 and d.sample().dtype == tg.float32
        assert d.log_prob(d.sample()).dtype == tg.float32


# ---- KL divergence -------------------------------------------------------------------------

KL_PAIRS = {
    "normal": (
        lambda M, P: (
            M.distributions.Normal(P["a"], P["b"]),
            M.distributions.Normal(P["c"], P["d"]),
        ),
        {
            "a": randn(2, 3, seed=40),
            "b": rand_away(2, 3, seed=41, positive=True),
            "c": randn(3, seed=42),
            "d": rand_away(3, seed=43, positive=True),
        },
    ),
    "bernoulli": (
        lambda M, P: (
            M.distributions.Bernoulli(probs=P["a"]),
            M.distributions.Bernoulli(logits=P["b"]),
        ),
        {"a": _rng(44).uniform(0.05, 0.95, (2, 3)), "b": randn(2, 3, seed=45)},
    ),
    "categorical": (
        lambda M, P: (
            M.distributions.Categorical(probs=P["a"]),
            M.distributions.Categorical(logits=P["b"]),
        ),
        {"a": _WEIGHTS, "b": randn(2, 4, seed=46)},
    ),
    "onehot": (
        lambda M, P: (
            M.distributions.OneHotCategorical(logits=P["a"]),
            M.distributions.OneHotCategorical(probs=P["b"]),
        ),
        {"a": randn(2, 4, seed=47), "b": _WEIGHTS},
    ),
    "uniform": (  # q's interval contains p's
        lambda M, P: (
            M.distributions.Uniform(P["a"], P["b"]),
            M.distributions.Uniform(P["c"], P["d"]),
        ),
        {"a": _LOW, "b": _HIGH, "c": _LOW - 0.5, "d": _HIGH + 1.0},
    ),
    "independent": (
        lambda M, P: (
            M.distributions.Independent(M.distributions.Normal(P["a"], P["b"]), 2),
            M.distributions.Independent(M.distributions.Normal(P["c"], P["d"]), 2),
        ),
        {
            "a": randn(4, 2, 3, seed=48),
            "b": rand_away(4, 2, 3, seed=49, positive=True),
            "c": randn(4, 2, 3, seed=50),
            "d": rand_away(4, 2, 3, seed=51, positive=True),
        },
    ),
    "normal_uniform": (  # infinite: q is bounded
        lambda M, P: (
            M.distributions.Normal(P["a"], P["b"]),
            M.distributions.Uniform(P["c"], P["d"]),
        ),
        {
            "a": randn(3, seed=52),
            "b": rand_away(3, seed=53, positive=True),
            "c": _LOW[0],
            "d": _HIGH[0],
        },
    ),
    "uniform_normal": (
        lambda M, P: (
            M.distributions.Uniform(P["a"], P["b"]),
            M.distributions.Normal(P["c"], P["d"]),
        ),
        {"a": _LOW, "b": _HIGH, "c": randn(3, seed=54), "d": rand_away(3, seed=55, positive=True)},
    ),
    "mvn": (  # covariance against scale_tril, batch (2,) against a shared q
        lambda M, P: (
            M.distributions.MultivariateNormal(P["a"], covariance_matrix=P["b"]),
            M.distributions.MultivariateNormal(P["c"], scale_tril=P["d"]),
        ),
        {
            "a": randn(2, 3, seed=56),
            "b": np.stack([_SPD, _spd(3, seed=57)]),
            "c": randn(3, seed=58),
            "d": np.linalg.cholesky(_spd(3, seed=59)),
        },
    ),
    "mvn_batched": (  # p's factor shared, q's batched (2, 1) against loc batch (5,)
        lambda M, P: (
            M.distributions.MultivariateNormal(P["a"], precision_matrix=P["b"]),
            M.distributions.MultivariateNormal(P["c"], scale_tril=P["d"]),
        ),
        {
            "a": randn(5, 3, seed=60),
            "b": _SPD,
            "c": randn(5, 3, seed=61),
            "d": np.linalg.cholesky(np.stack([_SPD, _spd(3, seed=62)]))[:, None],
        },
    ),
    "gamma": (  # batch (2, 3) against (3,)
        lambda M, P: (
            M.distributions.Gamma(P["a"], P["b"]),
            M.distributions.Gamma(P["c"], P["d"]),
        ),
        {
            "a": rand_away(2, 3, seed=110, positive=True, lo=0.3, hi=4.0),
            "b": rand_away(2, 3, seed=111, positive=True),
            "c": rand_away(3, seed=112, positive=True, lo=0.3, hi=4.0),
            "d": rand_away(3, seed=113, positive=True),
        },
    ),
    "beta": (
        lambda M, P: (
            M.distributions.Beta(P["a"], P["b"]),
            M.distributions.Beta(P["c"], P["d"]),
        ),
        {
            "a": rand_away(2, 3, seed=114, positive=True, lo=0.3, hi=4.0),
            "b": rand_away(2, 3, seed=115, positive=True, lo=0.3, hi=4.0),
            "c": rand_away(3, seed=116, positive=True, lo=0.3, hi=4.0),
            "d": rand_away(2, 1, seed=117, positive=True, lo=0.3, hi=4.0),
        },
    ),
    "dirichlet": (  # batch (2,) against a shared q
        lambda M, P: (
            M.distributions.Dirichlet(P["a"]),
            M.distributions.Dirichlet(P["b"]),
        ),
        {"a": _CONC, "b": _rng(118).uniform(0.3, 3.0, 4)},
    ),
    "beta_gamma": (
        lambda M, P: (
            M.distributions.Beta(P["a"], P["b"]),
            M.distributions.Gamma(P["c"], P["d"]),
        ),
        {
            "a": rand_away(2, 3, seed=119, positive=True, lo=0.3, hi=4.0),
            "b": rand_away(2, 3, seed=120, positive=True, lo=0.3, hi=4.0),
            "c": rand_away(3, seed=121, positive=True, lo=0.3, hi=4.0),
            "d": rand_away(3, seed=122, positive=True),
        },
    ),
    "beta_normal": (
        lambda M, P: (
            M.distributions.Beta(P["a"], P["b"]),
            M.distributions.Normal(P["c"], P["d"]),
        ),
        {
            "a": rand_away(2, 3, seed=123, positive=True, lo=0.3, hi=4.0),
            "b": rand_away(2, 3, seed=124, positive=True, lo=0.3, hi=4.0),
            "c": randn(3, seed=125),
            "d": rand_away(3, seed=126, positive=True),
        },
    ),
    # torch's partly infinite pairs index the result with a mask of one side's shape: both
    # sides have the batch shape here
    "beta_uniform": (  # q covers [0, 1] in the first column only: inf elsewhere
        lambda M, P: (
            M.distributions.Beta(P["a"], P["b"]),
            M.distributions.Uniform(P["c"], P["d"]),
        ),
        {
            "a": rand_away(2, 3, seed=127, positive=True, lo=0.3, hi=4.0),
            "b": rand_away(2, 3, seed=128, positive=True, lo=0.3, hi=4.0),
            "c": np.tile([-0.5, 0.2, -1.0], (2, 1)),
            "d": np.tile([1.5, 2.0, 0.9], (2, 1)),
        },
    ),
    "gamma_normal": (
        lambda M, P: (
            M.distributions.Gamma(P["a"], P["b"]),
            M.distributions.Normal(P["c"], P["d"]),
        ),
        {
            "a": rand_away(2, 3, seed=129, positive=True, lo=0.3, hi=4.0),
            "b": rand_away(2, 3, seed=130, positive=True),
            "c": randn(3, seed=131),
            "d": rand_away(3, seed=132, positive=True),
        },
    ),
    "gamma_uniform": (  # infinite: q is bounded
        lambda M, P: (
            M.distributions.Gamma(P["a"], P["b"]),
            M.distributions.Uniform(P["c"], P["d"]),
        ),
        {
            "a": rand_away(3, seed=133, positive=True),
            "b": rand_away(3, seed=134, positive=True),
            "c": _LOW[0],
            "d": _HIGH[0],
        },
    ),
    "gamma_beta": (  # infinite
        lambda M, P: (
            M.distributions.Gamma(P["a"], P["b"]),
            M.distributions.Beta(P["c"], P["d"]),
        ),
        {
            "a": rand_away(3, seed=135, positive=True),
            "b": rand_away(3, seed=136, positive=True),
            "c": rand_away(3, seed=137, positive=True),
            "d": rand_away(3, seed=138, positive=True),
        },
    ),
    "normal_beta": (  # infinite
        lambda M, P: (
            M.distributions.Normal(P["a"], P["b"]),
            M.distributions.Beta(P["c"], P["d"]),
        ),
        {
            "a": randn(3, seed=139),
            "b": rand_away(3, seed=140, positive=True),
            "c": rand_away(3, seed=141, positive=True),
            "d": rand_away(3, seed=142, positive=True),
        },
    ),
    "normal_gamma": (  # infinite
        lambda M, P: (
            M.distributions.Normal(P["a"], P["b"]),
            M.distributions.Gamma(P["c"], P["d"]),
        ),
        {
            "a": randn(3, seed=143),
            "b": rand_away(3, seed=144, positive=True),
            "c": rand_away(3, seed=145, positive=True),
            "d": rand_away(3, seed=146, positive=True),
        },
    ),
    "uniform_beta": (  # p inside [0, 1] in the first two columns only: inf in the third
        lambda M, P: (
            M.distributions.Uniform(P["a"], P["b"]),
            M.distributions.Beta(P["c"], P["d"]),
        ),
        {
            "a": np.tile([0.1, 0.35, 0.5], (2, 1)),
            "b": np.tile([0.6, 0.9, 1.2], (2, 1)),
            "c": rand_away(2, 3, seed=147, positive=True, lo=0.3, hi=4.0),
            "d": rand_away(2, 3, seed=148, positive=True, lo=0.3, hi=4.0),
        },
    ),
    "uniform_gamma": (  # p below 0 in the last column: inf there
        lambda M, P: (
            M.distributions.Uniform(P["a"], P["b"]),
            M.distributions.Gamma(P["c"], P["d"]),
        ),
        {
            "a": np.tile([0.1, 1.5, -0.5], (2, 1)),
            "b": np.tile([0.6, 4.0, 1.0], (2, 1)),
            "c": rand_away(2, 3, seed=149, positive=True, lo=0.3, hi=4.0),
            "d": rand_away(2, 3, seed=150, positive=True),
        },
    ),
}

_KL_INFINITE = {"normal_uniform", "gamma_uniform", "gamma_beta", "normal_beta", "normal_gamma"}
_KL_PARTLY_INFINITE = {"beta_uniform", "uniform_beta", "uniform_gamma"}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=needs_linalg) if n.startswith("mvn") else n for n in KL_PAIRS],
)
def test_kl_divergence_and_its_gradients_match_torch(name):
    builder, params = KL_PAIRS[name]
    P = {k: make(tg, v, requires_grad=True) for k, v in params.items()}
    Q = {k: make(torch, v, requires_grad=True) for k, v in params.items()}
    kl, ref = D.kl_divergence(*builder(tg, P)), TD.kl_divergence(*builder(torch, Q))
    close(kl, ref, rtol=1e-9, atol=1e-12)
    if name in _KL_INFINITE:
        assert np.isinf(np_of(kl)).all()
        return
    finite = np.isfinite(np_of(kl))
    assert finite.any() and (finite.all() != (name in _KL_PARTLY_INFINITE)), finite
    # a weighted sum of the finite entries (an infinite one has no useful gradient)
    w = randn(*kl.shape, seed=151) * finite
    kl_w = tg.where(make(tg, finite), kl, tg.zeros_like(kl))
    ref_w = torch.where(make(torch, finite), ref, torch.zeros_like(ref))
    (kl_w * make(tg, w)).sum().backward()
    (ref_w * make(torch, w)).sum().backward()
    trigamma = any(t in name for t in _GAMMA_FAMILY)  # digamma terms in the KL
    check_grads(P, Q, params, **(TRIGAMMA_TOL if trigamma else dict(rtol=1e-9, atol=1e-12)))


def test_kl_of_a_distribution_with_itself_is_zero():
    for name in (
        "normal",
        "bernoulli_logits",
        "categorical_probs",
        "uniform",
        "gamma",
        "beta",
        "dirichlet",
    ):
        d, _ = build(name, tg)
        np.testing.assert_allclose(np_of(D.kl_divergence(d, d)), 0.0, atol=1e-12)


def test_kl_limits_zero_and_infinite():
    # p puts mass where q has none: inf; a zero-probability event of p contributes 0
    p = D.Bernoulli(probs=make(tg, np.array([0.0, 1.0, 0.3, 0.3])))
    q = D.Bernoulli(probs=make(tg, np.array([0.5, 0.5, 0.0, 1.0])))
    r = TD.Bernoulli(probs=torch.tensor([0.0, 1.0, 0.3, 0.3], dtype=torch.float64))
    s = TD.Bernoulli(probs=torch.tensor([0.5, 0.5, 0.0, 1.0], dtype=torch.float64))
    close(D.kl_divergence(p, q), TD.kl_divergence(r, s))
    a, b = np.array([[0.5, 0.5, 0.0]]), np.array([[0.2, 0.0, 0.8], [0.2, 0.3, 0.5]])
    kl = D.kl_divergence(
        D.Categorical(probs=make(tg, a)).expand((2,)), D.Categorical(probs=make(tg, b))
    )
    ref = TD.kl_divergence(
        TD.Categorical(probs=make(torch, a)).expand((2,)), TD.Categorical(probs=make(torch, b))
    )
    close(kl, ref)
    assert np.isinf(np_of(kl)[0]) and np.isfinite(np_of(kl)[1])
    # a Uniform not inside q's interval
    kl = D.kl_divergence(D.Uniform(0.0, 2.0), D.Uniform(0.5, 3.0))
    assert math.isinf(kl.item())


def test_kl_dispatch_registry():
    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(0.0, 1.0), D.Normal(1.0, 2.0)
    # a subclass uses its parent's pair
    np.testing.assert_allclose(
        D.kl_divergence(p, q).item(), D.kl_divergence(D.Normal(0.0, 1.0), q).item()
    )

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return tg.zeros(p.batch_shape) - 1.0

    assert D.kl_divergence(p, q).item() == -1.0  # the more specific registration wins
    assert D.kl_divergence(q, p).item() != -1.0
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Bernoulli(0.5), D.Normal(0.0, 1.0))
    with pytest.raises(NotImplementedError):  # different reinterpreted dims
        n = D.Normal(tg.zeros(2, 3), tg.ones(2, 3))
        D.kl_divergence(D.Independent(n, 1), D.Independent(n, 2))


# ---- shapes ----------------------------------------------------------------------------------

SHAPES = {  # case -> (batch_shape, event_shape)
    "normal": ((2, 3), ()),
    "normal_broadcast": ((2, 3), ()),
    "uniform": ((2, 3), ()),
    "bernoulli_probs": ((2, 3), ()),
    "categorical_logits": ((2,), ()),
    "onehot_probs": ((2,), (4,)),
    "independent_normal": ((2,), (3,)),
    "mvn_covariance": ((2,), (3,)),
    "mvn_scale_tril": ((2,), (3,)),
    "mvn_batched_tril": ((2, 5), (3,)),
    "gamma": ((2, 3), ()),
    "gamma_broadcast": ((2, 3), ()),
    "beta": ((2, 3), ()),
    "beta_broadcast": ((2, 3), ()),
    "dirichlet": ((2,), (4,)),
    "dirichlet_unbatched": ((), (3,)),
}


def _shape_params():
    return [pytest.param(n, marks=_marks(n)) for n in SHAPES]


@pytest.mark.parametrize("name", _sampling_params(SHAPES))
@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 4)])
def test_sample_and_rsample_shapes(name, sample_shape):
    d, _ = build(name, tg, requires_grad=True)
    batch, event = SHAPES[name]
    assert tuple(d.batch_shape) == batch and tuple(d.event_shape) == event
    expected = sample_shape + batch + event
    x = d.sample(sample_shape)
    assert tuple(x.shape) == expected and not x.requires_grad
    assert d.support.check(x).all()
    assert tuple(d.sample(tg.Size(sample_shape)).shape) == expected
    if d.has_rsample:
        y = d.rsample(sample_shape)
        assert tuple(y.shape) == expected and y.requires_grad
    else:
        with pytest.raises(NotImplementedError):
            d.rsample(sample_shape)
    assert tuple(d.log_prob(x).shape) == sample_shape + batch


@pytest.mark.parametrize("name", _shape_params())
def test_expand_matches_torch(name):
    d, _, r, _ = both(name)
    batch, event = SHAPES[name]
    new_batch = (4,) + batch
    e, f = d.expand(new_batch), r.expand(new_batch)
    assert type(e) is type(d)
    assert tuple(e.batch_shape) == new_batch and tuple(e.event_shape) == event
    if HAS_GAMMA_SAMPLER or not name.startswith(_GAMMA_FAMILY):
        assert tuple(e.sample((3,)).shape) == (3,) + new_batch + event
    value = CASES[name][2]
    tail = value.shape[value.ndim - min(value.ndim, len(batch + event)) :]
    value = value.reshape((-1,) + tail)[0]  # one value per (old) batch entry
    close(e.log_prob(make(tg, value)), f.log_prob(make(torch, value)))
    close(e.entropy(), f.entropy())
    close(e.mean, f.mean)
    close(e.variance, f.variance)
    assert e._validate_args == d._validate_args


def test_expand_of_a_scalar_distribution_and_errors():
    d = D.Normal(0.0, 1.0).expand((3, 2))
    assert tuple(d.batch_shape) == (3, 2) and tuple(d.loc.shape) == (3, 2)
    assert tuple(d.rsample((4,)).shape) == (4, 3, 2)
    with pytest.raises((RuntimeError, ValueError)):  # (2, 3) does not expand to (4,)
        D.Normal(tg.zeros(2, 3), 1.0).expand((4,))

    class WithInit(D.Normal):  # its own __init__ and no expand of its own
        def __init__(self):
            super().__init__(0.0, 1.0)

    with pytest.raises(NotImplementedError, match="custom .expand"):
        WithInit().expand((2,))


def test_independent_shapes_support_and_sums():
    base = D.Normal(make(tg, randn(4, 2, 3, seed=70)), make(tg, np.ones((4, 2, 3))))
    d = D.Independent(base, 2)
    assert tuple(d.batch_shape) == (4,) and tuple(d.event_shape) == (2, 3)
    x = make(tg, randn(5, 4, 2, 3, seed=71))
    np.testing.assert_allclose(
        np_of(d.log_prob(x)), np_of(base.log_prob(x)).sum((-1, -2)), rtol=1e-12
    )
    np.testing.assert_allclose(np_of(d.entropy()), np_of(base.entropy()).sum((-1, -2)))
    assert d.support.event_dim == 2 and d.has_rsample
    assert not D.Independent(D.Bernoulli(tg.ones(3) * 0.5), 1).has_enumerate_support
    with pytest.raises(ValueError, match="reinterpreted_batch_ndims"):
        D.Independent(base, 4)


@needs_linalg
def test_diagonal_mvn_is_independent_normals():
    loc, scale = randn(2, 3, seed=72), rand_away(2, 3, seed=73, positive=True)
    mvn = D.MultivariateNormal(make(tg, loc), scale_tril=tg.diag_embed(make(tg, scale)))
    ind = D.Independent(D.Normal(make(tg, loc), make(tg, scale)), 1)
    x = make(tg, randn(6, 2, 3, seed=74))
    np.testing.assert_allclose(np_of(mvn.log_prob(x)), np_of(ind.log_prob(x)), rtol=1e-10)
    np.testing.assert_allclose(np_of(mvn.entropy()), np_of(ind.entropy()), rtol=1e-12)


@needs_linalg
def test_mvn_parameterisations_agree_and_derived_matrices_match_torch():
    loc = make(tg, randn(2, 3, seed=75))
    cov = _SPD
    by_cov = D.MultivariateNormal(loc, covariance_matrix=make(tg, cov))
    by_prec = D.MultivariateNormal(loc, precision_matrix=make(tg, np.linalg.inv(cov)))
    by_tril = D.MultivariateNormal(loc, scale_tril=make(tg, np.linalg.cholesky(cov)))
    x = make(tg, randn(4, 2, 3, seed=76))
    for d in (by_prec, by_tril):
        np.testing.assert_allclose(np_of(d.log_prob(x)), np_of(by_cov.log_prob(x)), rtol=1e-10)
        for attr in ("covariance_matrix", "precision_matrix", "scale_tril"):
            np.testing.assert_allclose(
                np_of(getattr(d, attr)), np_of(getattr(by_cov, attr)), rtol=1e-10, atol=1e-12
            )
    r = TD.MultivariateNormal(make(torch, randn(2, 3, seed=75)), covariance_matrix=make(torch, cov))
    for attr in ("covariance_matrix", "precision_matrix", "scale_tril"):
        close(getattr(by_cov, attr), getattr(r, attr), rtol=1e-10, atol=1e-12)


def test_enumerate_support_matches_torch():
    d, _, r, _ = both("bernoulli_probs")
    for expand in (True, False):
        close(d.enumerate_support(expand), r.enumerate_support(expand))
    d, _, r, _ = both("categorical_probs")
    close(d.enumerate_support(), r.enumerate_support())
    d, _, r, _ = both("onehot_logits")
    close(d.enumerate_support(False), r.enumerate_support(False))


# ---- reparameterised draws: gradients against torch's autograd ---------------------------------


def test_normal_rsample_gradients_match_torch():
    d, P, r, Q = both("normal", requires_grad=True)
    tg.manual_seed(0)
    x = d.rsample((1000,))
    eps = (np_of(x) - np_of(P["loc"])) / np_of(P["scale"])  # the standard draws tetragrad used
    y = Q["loc"] + make(torch, eps) * Q["scale"]  # the same draw, built in torch
    close(x, y)
    (x.sin() * x).mean().backward()
    (y.sin() * y).mean().backward()
    check_grads(P, Q, ["loc", "scale"])


def test_uniform_rsample_gradients_match_torch():
    d, P, r, Q = both("uniform", requires_grad=True)
    tg.manual_seed(1)
    x = d.rsample((1000,))
    u = (np_of(x) - np_of(P["low"])) / (np_of(P["high"]) - np_of(P["low"]))
    assert ((u >= 0) & (u < 1)).all()
    y = Q["low"] + make(torch, u) * (Q["high"] - Q["low"])
    (x.square()).mean().backward()
    (y.square()).mean().backward()
    check_grads(P, Q, ["low", "high"])


@needs_linalg
@pytest.mark.parametrize("name", ["mvn_covariance", "mvn_scale_tril", "mvn_precision"])
def test_mvn_rsample_gradients_match_torch(name):
    d, P, r, Q = both(name, requires_grad=True)
    tg.manual_seed(2)
    x = d.rsample((500,))
    L = r._unbroadcasted_scale_tril.detach()
    diff = make(torch, np_of(x)) - r.loc.detach()
    eps = torch.linalg.solve_triangular(L, diff.unsqueeze(-1), upper=False).squeeze(-1)
    y = r.loc + (r._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)
    close(x, y, rtol=1e-9, atol=1e-11)
    x.tanh().sum().backward()
    y.tanh().sum().backward()
    check_grads(P, Q, CASES[name][3], rtol=1e-8, atol=1e-10)


def test_straight_through_one_hot_passes_the_gradient_of_probs():
    logits = make(tg, randn(3, 4, seed=80), requires_grad=True)
    d = D.OneHotCategoricalStraightThrough(logits=logits)
    tg.manual_seed(3)
    x = d.rsample()
    assert ((np_of(x) == 0) | (np_of(x) == 1)).all() and (np_of(x).sum(-1) == 1).all()
    w = randn(3, 4, seed=81)
    (x * make(tg, w)).sum().backward()
    lt = make(torch, randn(3, 4, seed=80), requires_grad=True)
    (torch.softmax(lt, -1) * make(torch, w)).sum().backward()
    close(logits.grad, lt.grad)


@needs_gamma_sampler
def test_gamma_rsample_gradients_match_torch():
    # a Gamma draw moves with its parameters at a fixed CDF value: d x / d alpha is the
    # implicit gradient of the standard draw z = x * rate (torch._standard_gamma_grad), over
    # rate. torch's _standard_gamma_grad is an approximation good to ~5e-5 relative (tetragrad's
    # to ~1e-12, against mpmath in test_random.py), hence rtol 1e-3: this checks the wiring
    d, P, r, Q = both("gamma", requires_grad=True)
    tg.manual_seed(4)
    x = d.rsample((1000,))
    z = make(torch, np_of(x)) * Q["rate"].detach()  # the standard draws tetragrad used
    alpha = Q["concentration"]
    dz = torch._standard_gamma_grad(alpha.detach().expand_as(z), z)
    y = (z + (alpha - alpha.detach()) * dz) / Q["rate"]  # value z / rate, torch's gradients
    close(x, y, rtol=1e-12)
    (x.sin() * x).mean().backward()
    (y.sin() * y).mean().backward()
    check_grads(P, Q, ["concentration", "rate"], rtol=1e-3, atol=1e-6)


# ---- the laws of the draws -------------------------------------------------------------------

N = 20000


def _within(sample_mean, mean, sd, k=5.0, n=N):
    """Each sample mean within k standard errors of its expectation."""
    err = np.abs(np.asarray(sample_mean) - np.asarray(mean))
    assert (err <= k * np.asarray(sd) / math.sqrt(n) + 1e-12).all(), (sample_mean, mean)


def _sample_var_ok(x, var, k=5.0):
    # the variance of a sample variance is about (m4 - var^2) / n; m4 from the draws
    m4 = ((x - x.mean(0)) ** 4).mean(0)
    _within(x.var(0), var, np.sqrt(np.maximum(m4 - np.asarray(var) ** 2, 1e-300)), k)


@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_normal_draws(method):
    loc, scale = np.array([0.0, 3.0, -2.0]), np.array([1.0, 0.5, 4.0])
    d = D.Normal(make(tg, loc), make(tg, scale))
    tg.manual_seed(10)
    x = np_of(getattr(d, method)((N,)))
    _within(x.mean(0), loc, scale)
    _sample_var_ok(x, scale**2)


@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_uniform_draws(method):
    low, high = np.array([0.0, -3.0]), np.array([1.0, 5.0])
    d = D.Uniform(make(tg, low), make(tg, high))
    tg.manual_seed(11)
    x = np_of(getattr(d, method)((N,)))
    assert (x >= low).all() and (x < high).all()
    _within(x.mean(0), (low + high) / 2, (high - low) / math.sqrt(12))
    _sample_var_ok(x, (high - low) ** 2 / 12)


def test_bernoulli_draws():
    p = np.array([0.1, 0.5, 0.93])
    tg.manual_seed(12)
    for d in (D.Bernoulli(probs=make(tg, p)), D.Bernoulli(logits=make(tg, np.log(p / (1 - p))))):
        x = np_of(d.sample((N,)))
        assert set(np.unique(x)) <= {0.0, 1.0}
        _within(x.mean(0), p, np.sqrt(p * (1 - p)))


def test_categorical_draws():
    w = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 0.0, 1.0, 1.0]])
    p = w / w.sum(-1, keepdims=True)
    d = D.Categorical(probs=make(tg, w))
    tg.manual_seed(13)
    x = d.sample((N,))
    assert x.dtype == tg.int64 and tuple(x.shape) == (N, 2)
    freq = np.stack([(np_of(x) == k).mean(0) for k in range(4)], -1)
    _within(freq, p, np.sqrt(p * (1 - p)))
    assert freq[1, 1] == 0  # a zero-probability class is never drawn
    oh = D.OneHotCategorical(probs=make(tg, w))
    y = np_of(oh.sample((N,)))
    assert tuple(y.shape) == (N, 2, 4) and (y.sum(-1) == 1).all()
    _within(y.mean(0), p, np.sqrt(p * (1 - p)))


@needs_linalg
@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_mvn_draws(method):
    loc = np.array([1.0, -1.0, 0.5])
    d = D.MultivariateNormal(make(tg, loc), covariance_matrix=make(tg, _SPD))
    tg.manual_seed(14)
    x = np_of(getattr(d, method)((N,)))
    _within(x.mean(0), loc, np.sqrt(np.diag(_SPD)))
    c = np.cov(x.T)
    # Var of a sample covariance entry ~ (S_ii S_jj + S_ij^2) / n for a Gaussian
    sd = np.sqrt(np.outer(np.diag(_SPD), np.diag(_SPD)) + _SPD**2)
    _within(c, _SPD, sd)


@needs_gamma_sampler
@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_gamma_draws(method):
    conc = np.array([0.3, 5.0, 0.3, 5.0])  # small and large concentrations
    rate = np.array([1.0, 1.0, 2.5, 0.4])
    d = D.Gamma(make(tg, conc), make(tg, rate))
    tg.manual_seed(15)
    x = np_of(getattr(d, method)((N,)))
    assert (x > 0).all()
    var = conc / rate**2
    _within(x.mean(0), conc / rate, np.sqrt(var))
    _sample_var_ok(x, var)


@needs_gamma_sampler
@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_beta_draws(method):
    a, b = np.array([0.5, 2.0, 0.3, 4.0]), np.array([0.5, 5.0, 3.0, 1.2])
    d = D.Beta(make(tg, a), make(tg, b))
    tg.manual_seed(16)
    x = np_of(getattr(d, method)((N,)))
    assert ((x > 0) & (x < 1)).all()
    var = a * b / ((a + b) ** 2 * (a + b + 1))
    _within(x.mean(0), a / (a + b), np.sqrt(var))
    _sample_var_ok(x, var)


@needs_gamma_sampler
@pytest.mark.parametrize("method", ["sample", "rsample"])
def test_dirichlet_draws(method):
    conc = np.array([[0.3, 1.0, 5.0], [2.0, 2.0, 0.5]])
    d = D.Dirichlet(make(tg, conc))
    tg.manual_seed(17)
    x = np_of(getattr(d, method)((N,)))
    assert tuple(x.shape) == (N, 2, 3) and (x > 0).all()
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=0, atol=1e-12)
    s = conc.sum(-1, keepdims=True)
    mean = conc / s
    var = mean * (1 - mean) / (s + 1)
    _within(x.mean(0), mean, np.sqrt(var))
    _sample_var_ok(x, var)


@needs_gamma_sampler
def test_tiny_concentrations_draw_inside_the_support():
    # draws that underflow are clamped to the smallest normal (and Dirichlet's below 1), as
    # torch's samplers do: log_prob of a draw stays finite
    tiny = tg.finfo(tg.float32).tiny
    tg.manual_seed(18)
    g = D.Gamma(tg.full((4000,), 1e-3), 1.0).sample()
    assert g.min().item() >= tiny and tg.isfinite(D.Gamma(1e-3, 1.0).log_prob(g)).all()
    x = D.Dirichlet(tg.full((3,), 1e-3)).sample((4000,))
    assert not tg.isnan(x).any() and x.min().item() >= tiny and x.max().item() < 1
    np.testing.assert_allclose(np_of(x.sum(-1)), 1.0, atol=1e-6)
    b = D.Beta(1e-3, 1e-3).sample((4000,))
    assert b.min().item() >= tiny and b.max().item() < 1


# ---- rsample gradients in expectation (d/dtheta E[f(x)] = E[d f(x) / dtheta]) ---------------


@needs_gamma_sampler
@pytest.mark.parametrize("alpha, rate", [(0.3, 1.0), (5.0, 1.0), (1.5, 2.5)])
def test_gamma_rsample_gradient_in_expectation(alpha, rate):
    # one leaf entry per draw gives the per-draw gradients, hence their standard error
    a = tg.full((N,), alpha, dtype=tg.float64, requires_grad=True)
    b = tg.full((N,), rate, dtype=tg.float64, requires_grad=True)
    tg.manual_seed(20)
    x = D.Gamma(a, b).rsample()
    ga, gb = (np_of(g) for g in tg.autograd.grad(x.sum(), [a, b], retain_graph=True))
    # E[x] = alpha / rate
    _within(ga.mean(), 1 / rate, ga.std())
    _within(gb.mean(), -alpha / rate**2, gb.std())
    # E[x^2] = alpha (alpha + 1) / rate^2
    ga2, gb2 = (np_of(g) for g in tg.autograd.grad((x**2).sum(), [a, b]))
    _within(ga2.mean(), (2 * alpha + 1) / rate**2, ga2.std())
    _within(gb2.mean(), -2 * alpha * (alpha + 1) / rate**3, gb2.std())
    # the same draws from a scalar parameter: the gradient of rsample().sum() / N is the mean
    a0 = tg.tensor(alpha, dtype=tg.float64, requires_grad=True)
    tg.manual_seed(20)
    y = D.Gamma(a0, tg.tensor(rate, dtype=tg.float64)).rsample((N,))
    np.testing.assert_allclose(np_of(y), np_of(x), rtol=1e-12)
    (y.sum() / N).backward()
    np.testing.assert_allclose(a0.grad.item(), ga.mean(), rtol=1e-9)


@needs_gamma_sampler
@pytest.mark.parametrize("conc", [[0.5, 1.5, 3.0], [4.0, 0.7]])
def test_dirichlet_rsample_gradient_in_expectation(conc):
    conc = np.array(conc)
    k_count, s = len(conc), conc.sum()
    for k in range(k_count):
        c = make(tg, np.tile(conc, (N, 1)), requires_grad=True)
        tg.manual_seed(21 + k)
        D.Dirichlet(c).rsample()[:, k].sum().backward()
        g = np_of(c.grad)  # (N, K): d x_k / d alpha_j per draw
        expected = ((np.arange(k_count) == k) * s - conc[k]) / s**2  # d (alpha_k / S) / d alpha_j
        _within(g.mean(0), expected, g.std(0))


@needs_gamma_sampler
def test_beta_rsample_gradient_in_expectation():
    a_, b_ = 0.7, 2.0
    a = tg.full((N,), a_, dtype=tg.float64, requires_grad=True)
    b = tg.full((N,), b_, dtype=tg.float64, requires_grad=True)
    tg.manual_seed(24)
    D.Beta(a, b).rsample().sum().backward()
    ga, gb = np_of(a.grad), np_of(b.grad)
    _within(ga.mean(), b_ / (a_ + b_) ** 2, ga.std())
    _within(gb.mean(), -a_ / (a_ + b_) ** 2, gb.std())


def test_draws_follow_the_seed():
    d = D.Normal(tg.zeros(3), tg.ones(3))
    tg.manual_seed(5)
    a = np_of(d.sample((4,)))
    tg.manual_seed(5)
    assert np.array_equal(a, np_of(d.sample((4,))))


# ---- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ctor",
    [
        lambda: D.Normal(tg.zeros(2), tg.tensor([1.0, -1.0])),
        lambda: D.Normal(tg.zeros(2), tg.zeros(2)),
        lambda: D.Normal(tg.tensor([float("nan")]), 1.0),
        lambda: D.Uniform(tg.tensor([0.0, 2.0]), tg.tensor([1.0, 1.0])),
        lambda: D.Bernoulli(probs=tg.tensor([0.5, 1.5])),
        lambda: D.Categorical(probs=tg.tensor([0.5, -0.1, 0.6])),
        lambda: D.OneHotCategorical(probs=tg.tensor([0.5, -0.1, 0.6])),
        pytest.param(
            lambda: D.MultivariateNormal(
                tg.zeros(2), covariance_matrix=tg.tensor([[1.0, 2.0], [2.0, 1.0]])
            ),
            marks=needs_linalg,
            id="mvn-indefinite",
        ),
        pytest.param(
            lambda: D.MultivariateNormal(
                tg.zeros(2), covariance_matrix=tg.tensor([[1.0, 0.5], [0.0, 1.0]])
            ),
            marks=needs_linalg,
            id="mvn-asymmetric",
        ),
        pytest.param(
            lambda: D.MultivariateNormal(
                tg.zeros(2), scale_tril=tg.tensor([[1.0, 0.3], [0.0, 1.0]])
            ),
            marks=needs_linalg,
            id="mvn-upper",
        ),
        pytest.param(
            lambda: D.MultivariateNormal(
                tg.zeros(2), scale_tril=tg.tensor([[1.0, 0.0], [0.3, -1.0]])
            ),
            marks=needs_linalg,
            id="mvn-negative-diagonal",
        ),
        pytest.param(lambda: D.Gamma(tg.tensor([1.0, -1.0]), 1.0), id="gamma-negative"),
        pytest.param(lambda: D.Gamma(tg.tensor([1.0, 0.0]), 1.0), id="gamma-zero"),
        pytest.param(lambda: D.Gamma(2.0, 0.0), id="gamma-zero-rate"),
        pytest.param(lambda: D.Beta(tg.tensor([0.5, 0.0]), 1.0), id="beta-zero"),
        pytest.param(lambda: D.Beta(1.0, -2.0), id="beta-negative"),
        pytest.param(lambda: D.Dirichlet(tg.tensor([1.0, 0.0, 2.0])), id="dirichlet-zero"),
        pytest.param(
            lambda: D.Dirichlet(tg.tensor([[1.0, 2.0], [-1.0, 1.0]])), id="dirichlet-negative"
        ),
    ],
)
def test_invalid_parameters_raise_value_error(ctor):
    with pytest.raises(ValueError, match="to satisfy the constraint"):
        ctor()


def test_bad_parameter_combinations():
    with pytest.raises(ValueError, match="not both"):
        D.Bernoulli(probs=tg.tensor([0.5]), logits=tg.tensor([0.0]))
    with pytest.raises(ValueError, match="not both"):
        D.Categorical()
    with pytest.raises(ValueError, match="one-dimensional"):
        D.Categorical(probs=tg.tensor(1.0))
    with pytest.raises(ValueError, match="one-dimensional"):
        D.Dirichlet(tg.tensor(1.0))
    if HAS_LINALG:
        with pytest.raises(ValueError, match="Exactly one"):
            D.MultivariateNormal(tg.zeros(2), covariance_matrix=tg.eye(2), scale_tril=tg.eye(2))
        with pytest.raises(ValueError, match="loc must be at least one-dimensional"):
            D.MultivariateNormal(tg.tensor(0.0), covariance_matrix=tg.eye(1))


@pytest.mark.parametrize(
    "dist, value",
    [
        (lambda: D.Uniform(0.0, 1.0), tg.tensor([0.5, 1.5])),
        (lambda: D.Normal(0.0, 1.0), tg.tensor([0.0, float("nan")])),
        (lambda: D.Bernoulli(probs=tg.tensor(0.3)), tg.tensor([0.0, 0.5])),
        (lambda: D.Categorical(probs=tg.ones(3)), tg.tensor([0, 3])),
        (lambda: D.Categorical(probs=tg.ones(3)), tg.tensor([1.5])),
        (lambda: D.OneHotCategorical(probs=tg.ones(3)), tg.tensor([1.0, 1.0, 0.0])),
        (lambda: D.Gamma(2.0, 1.0), tg.tensor([1.0, -0.5])),
        (lambda: D.Beta(2.0, 2.0), tg.tensor([0.5, 1.5])),
        (lambda: D.Beta(2.0, 2.0), tg.tensor([-0.1])),
        (lambda: D.Dirichlet(tg.ones(3)), tg.tensor([0.5, 0.6, 0.1])),  # sums to 1.2
        (lambda: D.Dirichlet(tg.ones(3)), tg.tensor([1.2, -0.2, 0.0])),
    ],
)
def test_out_of_support_values_raise_when_validating(dist, value):
    with pytest.raises(ValueError, match="support"):
        dist().log_prob(value)


def test_validation_of_value_shapes_and_types():
    d = D.Normal(tg.zeros(2, 3), tg.ones(2, 3))
    with pytest.raises(ValueError, match="broadcastable"):
        d.log_prob(tg.zeros(4))
    with pytest.raises(ValueError, match="must be a Tensor"):
        d.log_prob(0.5)
    if HAS_LINALG:
        m = D.MultivariateNormal(tg.zeros(3), tg.eye(3))
        with pytest.raises(ValueError, match="event_shape"):
            m.log_prob(tg.zeros(2))
    with pytest.raises(ValueError, match="support"):
        D.Uniform(0.0, 1.0).cdf(tg.tensor(2.0))


def test_validate_args_false_and_the_global_default():
    # off per instance: a bad scale is accepted; an out-of-support value scores -inf
    D.Normal(0.0, -1.0, validate_args=False)
    lp = D.Uniform(0.0, 1.0, validate_args=False).log_prob(tg.tensor(2.0))
    assert lp.item() == -math.inf
    assert D.Distribution._validate_args is __debug__
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(0.0, -1.0)
        d = D.Uniform(0.0, 1.0)
        assert d.log_prob(tg.tensor(2.0)).item() == -math.inf
        with pytest.raises(ValueError):  # validate_args=True still wins per instance
            D.Normal(0.0, -1.0, validate_args=True)
        D.Distribution.set_default_validate_args(True)
        with pytest.raises(ValueError):
            D.Normal(0.0, -1.0)
        with pytest.raises(ValueError):
            D.Distribution.set_default_validate_args(1.5)
    finally:
        D.Distribution.set_default_validate_args(__debug__)


def test_constraints_match_torch():
    C, TC = D.constraints, TD.constraints
    x = np.array([[-1.0, 0.0, 0.5, 1.0, 2.0, float("nan")]])
    cases = [
        ("real", ()),
        ("positive", ()),
        ("nonnegative", ()),
        ("unit_interval", ()),
        ("boolean", ()),
        ("nonnegative_integer", ()),
        ("positive_integer", ()),
        ("greater_than", (0.5,)),
        ("greater_than_eq", (0.5,)),
        ("less_than", (0.5,)),
        ("interval", (0.0, 1.0)),
        ("half_open_interval", (0.0, 1.0)),
        ("integer_interval", (0, 1)),
    ]
    for name, args in cases:
        c, tc = getattr(C, name), getattr(TC, name)
        if args:
            c, tc = c(*args), tc(*args)
        assert np.array_equal(np_of(c.check(make(tg, x))), np_of(tc.check(make(torch, x)))), name
        assert repr(c) == repr(tc)
    vectors = np.array([[0.2, 0.8], [0.5, 0.6], [1.0, 0.0], [-0.1, 1.1]])
    for name in ("simplex", "one_hot", "real_vector"):
        c, tc = getattr(C, name), getattr(TC, name)
        assert c.event_dim == tc.event_dim == 1
        assert np.array_equal(
            np_of(c.check(make(tg, vectors))), np_of(tc.check(make(torch, vectors)))
        )
    mats = np.stack([_SPD, np.tril(_SPD), -_SPD, np.linalg.cholesky(_SPD)])
    names = ["lower_triangular", "lower_cholesky", "square", "symmetric"]
    if HAS_LINALG:
        names += ["positive_definite", "positive_semidefinite"]
    for name in names:
        c, tc = getattr(C, name), getattr(TC, name)
        assert c.event_dim == tc.event_dim == 2
        assert np.array_equal(np_of(c.check(make(tg, mats))), np_of(tc.check(make(torch, mats)))), (
            name
        )
    ind = C.independent(C.positive, 1)
    assert ind.event_dim == 1 and repr(ind) == repr(TC.independent(TC.positive, 1))
    assert np.array_equal(
        np_of(ind.check(make(tg, np.array([[1.0, 2.0], [1.0, -1.0]])))), [True, False]
    )
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    assert C.is_dependent(D.Uniform.support) and C.is_dependent(D.Categorical.support)
    assert D.Uniform.support.event_dim == 0 and D.Categorical.support.is_discrete
    with pytest.raises(ValueError):
        C.dependent.check(tg.zeros(1))


def test_properties_and_flags():
    assert D.Normal.has_rsample and D.Uniform.has_rsample and D.MultivariateNormal.has_rsample
    assert not D.Bernoulli.has_rsample and not D.Categorical.has_rsample
    assert D.Bernoulli.has_enumerate_support and D.Categorical.has_enumerate_support
    assert isinstance(D.Normal(0.0, 1.0), D.ExponentialFamily)
    assert isinstance(D.Bernoulli(0.5), D.ExponentialFamily)
    d = D.Categorical(logits=tg.zeros(2, 3))
    assert tuple(d.param_shape) == (2, 3) and d.support.upper_bound == 2
    u = D.Uniform(tg.zeros(2), tg.ones(2))
    assert tuple(u.support.check(tg.tensor([0.5, 1.5])).shape) == (2,)
    assert "Normal(loc: 0.0, scale: 1.0)" == repr(D.Normal(0.0, 1.0))
    e = D.Normal(tg.zeros(2), tg.ones(2)).perplexity()
    np.testing.assert_allclose(np_of(e), math.exp(0.5 + 0.5 * math.log(2 * math.pi)), rtol=1e-6)
    with pytest.raises(NotImplementedError):
        D.Bernoulli(0.5).cdf(tg.tensor(0.0))


def test_gamma_family_properties_and_flags():
    for cls in (D.Gamma, D.Beta, D.Dirichlet):
        assert cls.has_rsample and not cls.has_enumerate_support
        assert issubclass(cls, D.ExponentialFamily)
    C = D.constraints
    assert D.Gamma.support is C.nonnegative and D.Beta.support is C.unit_interval
    assert D.Dirichlet.support is C.simplex
    assert D.Gamma.arg_constraints == {"concentration": C.positive, "rate": C.positive}
    assert D.Beta.arg_constraints == {"concentration1": C.positive, "concentration0": C.positive}
    dc = D.Dirichlet.arg_constraints["concentration"]
    assert dc.event_dim == 1 and dc.base_constraint is C.positive
    assert repr(D.Gamma(1.0, 2.0)) == "Gamma(concentration: 1.0, rate: 2.0)"
    assert repr(
        D.Dirichlet(tg.ones(2, 3))
    ) == "Dirichlet(concentration: torch.Size([2, 3]))".replace("torch", tg.__name__)
    b = D.Beta(tg.tensor([0.5, 2.0]), 3.0)
    assert tuple(b._dirichlet.concentration.shape) == (2, 2)
    assert np.array_equal(np_of(b.concentration0), [3.0, 3.0])
    d = D.Dirichlet(tg.ones(2, 3))
    assert tuple(d.batch_shape) == (2,) and tuple(d.event_shape) == (3,)


@torch_differs("torch computes Gamma.cdf with special.gammainc, which tetragrad lacks")
def test_gamma_cdf_is_not_implemented():
    with pytest.raises(NotImplementedError, match="incomplete gamma"):
        D.Gamma(2.0, 1.0).cdf(tg.tensor(0.5))


def test_gamma_family_edge_values_match_torch():
    # log_prob at the edges of the support: x = 0 (Gamma, Beta) and a vertex (Dirichlet)
    conc = np.array([0.5, 1.0, 2.0])
    d, r = D.Gamma(make(tg, conc), 1.5), TD.Gamma(make(torch, conc), 1.5)
    close(d.log_prob(make(tg, np.zeros(3))), r.log_prob(make(torch, np.zeros(3))))
    a, b = np.array([0.5, 1.0, 2.0, 1.0]), np.array([1.0, 1.0, 1.0, 0.5])
    v = np.array([0.0, 0.0, 0.0, 1.0])
    d, r = D.Beta(make(tg, a), make(tg, b)), TD.Beta(make(torch, a), make(torch, b))
    close(d.log_prob(make(tg, v)), r.log_prob(make(torch, v)))
    c = np.array([[1.0, 2.0, 0.5], [1.0, 1.0, 1.0]])
    x = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    d, r = D.Dirichlet(make(tg, c)), TD.Dirichlet(make(torch, c))
    close(d.log_prob(make(tg, x)), r.log_prob(make(torch, x)))
    # modes: every alpha < 1 gives a vertex; Beta(a < 1, b < 1) likewise
    c = np.array([[0.5, 0.3, 0.9], [0.5, 1.0, 3.0], [2.0, 2.0, 2.0]])
    close(D.Dirichlet(make(tg, c)).mode, TD.Dirichlet(make(torch, c)).mode)
    close(D.Dirichlet(make(tg, c[0])).mode, TD.Dirichlet(make(torch, c[0])).mode)  # no batch
    a, b = np.array([0.5, 0.5, 2.0]), np.array([0.5, 3.0, 0.5])
    close(D.Beta(make(tg, a), make(tg, b)).mode, TD.Beta(make(torch, a), make(torch, b)).mode)
