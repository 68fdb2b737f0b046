"""Shared fixtures and helpers for the tetragrad test suite.

Helpers (import them with ``from conftest import ...``):
  tgt(a, dtype=None, requires_grad=False)   NumPy array / list -> tetragrad tensor (a copy)
  nc(a, dtype=None)                         the same values as a non-contiguous (transposed) tensor
  to_np(t)                                  tetragrad tensor -> NumPy array (a copy)
  assert_close(t, ref, ...)                 shape, dtype and values against a NumPy reference
  check_grad(fn, *arrays)                   tg.autograd.gradcheck on float64 leaves
  randn / rand_away(...)                    deterministic test data
  make(M, a) / np_of(t) / dtype_name(t)     parity tests: the same data in tetragrad or torch

Self-check of the suite: ``TG_TEST_BACKEND=torch python -m pytest -q`` runs every test
against PyTorch in place of tetragrad (``import tetragrad`` resolves to ``torch``) and must pass,
as the normal run does (CI runs both). A failure there is a wrong reference in a test; a
deliberate difference between tetragrad and torch is written down case by case with these:
  raises(tg_exc, torch_exc=None, match=None, torch_match=...)
      pytest.raises for the one exception each backend raises: tg_exc on tetragrad, torch_exc
      (when given) on torch. `match` is checked on both backends unless `torch_match` is given,
      which replaces it on torch (torch_match=None: no message check there). tetragrad raises
      ValueError/TypeError/IndexError where torch often raises RuntimeError; never pass a tuple.
  torch_differs(reason)
      a strict xfail on the torch backend only (a test or one pytest.param case) for a
      tetragrad contract torch does not share (its messages, its extra checks, torch bugs); the
      reason says what torch does. xfails are strict (pyproject's xfail_strict): a case that
      passes on torch fails the run, so a mark never covers a passing case.
  tetragrad_only(reason)
      skip on the torch backend: tetragrad's own API, or behaviour torch leaves undefined (where
      running it there proves nothing or is unsafe).
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

if os.environ.get("TG_TEST_BACKEND") == "torch":  # validate the tests themselves on PyTorch
    import torch as _torch

    sys.modules["tetragrad"] = _torch

import tetragrad as tg  # noqa: E402

TORCH_BACKEND = tg.__name__ == "torch"

NP_DTYPE = {
    "float32": np.float32,
    "float64": np.float64,
    "float16": np.float16,
    "int64": np.int64,
    "int32": np.int32,
    "int16": np.int16,
    "int8": np.int8,
    "uint8": np.uint8,
    "bool": np.bool_,
}


def tg_dtype(np_dtype):
    return getattr(tg, np.dtype(np_dtype).name)


def np_dtype(tg_dt):
    """The NumPy dtype of a tetragrad one (bfloat16 has none: KeyError)."""
    return NP_DTYPE[str(tg_dt).split(".")[-1]]


# ---- data -------------------------------------------------------------------------------------


def randn(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def rand_away(*shape, seed=0, lo=0.2, hi=2.0, positive=False, dtype=np.float64):
    """Values with |x| in [lo, hi] (away from kinks at 0); all positive when `positive`."""
    r = np.random.default_rng(seed)
    mag = r.uniform(lo, hi, size=shape)
    if positive:
        return mag.astype(dtype)
    return (mag * r.choice([-1.0, 1.0], size=shape)).astype(dtype)


def distinct(*shape, seed=0, dtype=np.float64):
    """A random permutation of well-separated values (no ties: argmax/max/gather grads are safe)."""
    n = int(np.prod(shape)) if shape else 1
    v = (np.random.default_rng(seed).permutation(n) - n / 2) * 0.37 + 0.11
    return v.reshape(shape).astype(dtype)


# ---- conversion -------------------------------------------------------------------------------


def tgt(a, dtype=None, requires_grad=False):
    """A tetragrad tensor holding a copy of `a` (NumPy dtype kept unless `dtype` is given)."""
    a = np.asarray(a)
    if dtype is None:
        dtype = tg_dtype(a.dtype)
    elif not isinstance(dtype, type(tg.float32)):
        dtype = tg_dtype(dtype)
    if a.size == 0:  # nested lists lose the shape of empty arrays
        return tg.zeros(a.shape, dtype=dtype, requires_grad=requires_grad)
    return tg.tensor(a.tolist() if a.ndim else a.item(), dtype=dtype, requires_grad=requires_grad)


def nc(a, dtype=None):
    """A non-contiguous tetragrad tensor equal to `a` (built transposed, then transposed back)."""
    a = np.asarray(a)
    assert a.ndim >= 2
    t = tgt(np.ascontiguousarray(np.swapaxes(a, -1, -2)), dtype=dtype).transpose(-1, -2)
    if a.shape[-1] > 1 and a.shape[-2] > 1:
        assert not t.is_contiguous()
    return t


def to_np(t):
    return t.detach().numpy().copy()


def default_tol(dtype):
    if dtype == tg.float32:
        return 1e-5, 1e-6
    if dtype == tg.float64:
        return 1e-10, 1e-12
    return 0.0, 0.0


def assert_close(t, ref, dtype=None, rtol=None, atol=None):
    """`t` (a tetragrad tensor) has ref's shape, the given dtype, and values close to ref."""
    ref = np.asarray(ref)
    assert tuple(t.shape) == ref.shape, f"shape {tuple(t.shape)} != expected {ref.shape}"
    if dtype is not None:
        assert t.dtype == dtype, f"dtype {t.dtype} != expected {dtype}"
    r, a = default_tol(t.dtype)
    rtol = r if rtol is None else rtol
    atol = a if atol is None else atol
    got = to_np(t)
    if t.dtype in (tg.bool, tg.int64):
        np.testing.assert_array_equal(got, ref.astype(got.dtype))
    else:
        np.testing.assert_allclose(
            got, ref.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True
        )


def check_grad(fn, *arrays, eps=1e-6, atol=1e-5, rtol=1e-3):
    """gradcheck `fn` at float64 leaves built from `arrays` (tg.autograd.gradcheck)."""
    inputs = tuple(tgt(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays)
    assert tg.autograd.gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)


# ---- parity helpers (one expression written against a module M: tetragrad or torch) ----------


def make(M, a, requires_grad=False):
    """The same NumPy data as a tensor of module M (tetragrad or torch)."""
    a = np.asarray(a)
    dt = getattr(M, str(a.dtype))  # float32 / float64 / int64 / bool
    t = M.tensor(a.tolist(), dtype=dt) if a.size else M.zeros(a.shape, dtype=dt)
    if requires_grad:
        t.requires_grad_(True)
    return t


def np_of(t):
    return np.array(t.detach().tolist(), dtype=np.float64)


# The float dtypes most tests sweep, and the NumPy dtype of each.
F32, F64 = tg.float32, tg.float64
FLOATS = [F32, F64]
NP = {F32: np.float32, F64: np.float64}


def dtype_name(t):
    return str(t.dtype).split(".")[-1]


def assert_same_call(tg_call, torch_call, dtype):
    """One call's (output, inputs) in tetragrad and in torch: same output shape, dtype and values,
    and the same gradient on every input torch differentiates, to float32/float64 rounding."""
    (out_tg, in_tg), (out_pt, in_pt) = tg_call, torch_call
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    assert tuple(out_tg.shape) == tuple(out_pt.shape)
    assert dtype_name(out_tg) == dtype_name(out_pt)
    np.testing.assert_allclose(np_of(out_tg), np_of(out_pt), **tol)
    for k, (a, b) in enumerate(zip(in_tg, in_pt, strict=True)):
        if not b.requires_grad:
            continue
        assert a.grad is not None, f"input {k} got no gradient"
        assert dtype_name(a.grad) == dtype_name(b.grad)
        np.testing.assert_allclose(
            np_of(a.grad), np_of(b.grad), err_msg=f"grad of input {k}", **tol
        )


def assert_message_names(msg, ops, shapes):
    """An error message names one of the ops and shows every shape."""
    assert any(op in msg for op in ops), f"message does not name the op {ops}: {msg!r}"
    for s in shapes:
        assert s in msg, f"message does not show shape {s}: {msg!r}"


# ---- backend differences -------------------------------------------------------------------------

_SAME = object()


def raises(tg_exc, torch_exc=None, match=None, torch_match=_SAME):
    """pytest.raises(tg_exc, match=match) on tetragrad; on torch, torch_exc (default tg_exc) with
    torch_match (default match; None: any message)."""
    if TORCH_BACKEND:
        exc = tg_exc if torch_exc is None else torch_exc
        return pytest.raises(exc, match=match if torch_match is _SAME else torch_match)
    return pytest.raises(tg_exc, match=match)


def torch_differs(reason):
    """A strict xfail on the torch backend: the test (or pytest.param case) checks tetragrad's
    own contract, which torch does not share; `reason` says what torch does instead."""
    return pytest.mark.xfail(TORCH_BACKEND, reason=f"torch differs: {reason}", strict=True)


def tetragrad_only(reason):
    """Skip on the torch backend: tetragrad's own API or guarantee, not checkable on torch."""
    return pytest.mark.skipif(TORCH_BACKEND, reason=f"tetragrad only: {reason}")


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _grad_mode_guard():
    """A test that leaves grad mode off must not poison the next one."""
    yield
    if not tg.is_grad_enabled():
        tg.enable_grad().__enter__()  # switch recording back on globally
        pytest.fail("test left autograd disabled")
