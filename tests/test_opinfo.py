"""The one test driver for every op of the OpInfo registry (tests/opinfo.py).

For every entry, per supported dtype and per sample:
  test_forward        the op against its NumPy reference: shape, values, and the dtype torch's
                      promotion gives;
  test_gradcheck      float64 central finite differences against autograd (differentiable ops);
  test_noncontiguous  transposed and strided inputs give the contiguous result (and gradients);
  test_variants       the Tensor method, the in-place method (value and gradient) and the
                      operator/alias spellings agree with the function;
  test_promotion      binary elementwise ops on operands of two different dtypes;
  test_backend        forward and backward under another backend against the reference
                      backend: each CPU capability this machine supports (AVX2, AVX512) against
                      DEFAULT, as ggml's test-backend-ops. CUDA against CPU is one more entry of
                      BACKENDS.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass

import numpy as np
import pytest
import tetragrad as tg
from conftest import TORCH_BACKEND, assert_close, default_tol, tg_dtype, tgt, to_np
from opinfo import FLOAT, OPS, SampleInput, result_type

# the degenerate samples are deliberate: var/std over <= correction elements, kl_div's 'mean'
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0"),
    pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss"),
    pytest.mark.filterwarnings("ignore:Mean of empty slice"),
]

# ---- parametrisation ------------------------------------------------------------------------------

SAMPLES = {(op.name, dt): op.samples(dt) for op in OPS for dt in op.dtypes}
assert len({op.name for op in OPS}) == len(OPS), "two registry entries share a name"


def _marks(op, test, dtype=None, idx=None):
    marks = []
    if op.tetragrad_only and TORCH_BACKEND:
        marks.append(pytest.mark.skip(reason=f"tetragrad only: {op.name} is not in torch"))
    elif not op.available():
        marks.append(pytest.mark.skip(reason=f"{op.name} is not in tetragrad yet"))
    for x in op.xfail:
        if x.test == test and x.dtype in (None, dtype) and x.sample in (None, idx):
            on = TORCH_BACKEND if x.torch_only else not TORCH_BACKEND
            marks.append(pytest.mark.xfail(on, reason=x.reason, strict=True))
    return marks


def _params(test, keep=lambda op, dt, s: True, dtypes=None):
    out = []
    for op in OPS:
        for dt in op.dtypes if dtypes is None else [d for d in dtypes if d in op.dtypes]:
            for i, s in enumerate(SAMPLES[(op.name, dt)]):
                if keep(op, dt, s):
                    out.append(
                        pytest.param(
                            op, dt, i, id=f"{op.name}-{dt}-sample{i}", marks=_marks(op, test, dt, i)
                        )
                    )
    return out


def _arrays(s):
    return [a for a in s.args if isinstance(a, np.ndarray)]


def _float_arrays(s):
    return [a for a in s.args if isinstance(a, np.ndarray) and a.dtype.kind == "f"]


# ---- calling an op on a sample ------------------------------------------------------------------

GARBAGE = {"f": 7.0, "i": 7, "b": True}  # fills the skipped elements of a strided view


def _input(a, layout, requires_grad):
    """(leaf, the tensor the op sees, leaf.grad -> gradient of the op's input) for array a."""
    if layout == "transposed" and a.ndim >= 2:
        leaf = tgt(np.ascontiguousarray(np.swapaxes(a, -1, -2)), requires_grad=requires_grad)
        return leaf, leaf.transpose(-1, -2), lambda g: g.transpose(-1, -2)
    if layout == "strided" and a.ndim >= 1 and a.size:
        # every other element from offset 1: a stride and a storage offset
        wide = np.full((*a.shape[:-1], 2 * a.shape[-1]), GARBAGE[a.dtype.kind], dtype=a.dtype)
        wide[..., 1::2] = a
        leaf = tgt(wide, requires_grad=requires_grad)
        return leaf, leaf[..., 1::2], lambda g: g[..., 1::2]
    leaf = tgt(a, requires_grad=requires_grad)
    return leaf, leaf, lambda g: g


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def _upstream(shape, k):
    """A fixed, non-trivial upstream gradient for output k (so reductions' sums are not all 1)."""
    return np.random.default_rng(100 + k).uniform(0.5, 1.5, size=tuple(shape))


@dataclass
class Result:
    outputs: list  # tensors
    grads: list | None  # gradients (NumPy) of the float array args, None where none came


def call(op, s, layout="contiguous", grad=False, fn=None, ones=False):
    """Run op (or the spelling fn) on sample s with inputs in `layout`; with grad, backpropagate
    a fixed upstream gradient from every float output into every float array argument."""
    fn = fn or op
    args, leaves = [], []
    for a in s.args:
        if isinstance(a, np.ndarray):
            rg = grad and a.dtype.kind == "f"
            leaf, view, back = _input(a, layout, rg)
            if rg:
                leaves.append((leaf, back))
            args.append(view)
        else:
            args.append(a)
    kwargs = {k: tgt(v) if isinstance(v, np.ndarray) else v for k, v in s.kwargs.items()}
    outs = _flat(fn(*args, **kwargs))
    grads = None
    if grad:
        total = None
        for k, o in enumerate(outs):
            if o.dtype.is_floating_point and o.requires_grad:
                term = o.sum() if ones else (o * tgt(_upstream(o.shape, k), dtype=o.dtype)).sum()
                total = term if total is None else total + term
        if total is not None:
            total.backward()
        grads = [None if leaf.grad is None else to_np(back(leaf.grad)) for leaf, back in leaves]
    return Result(outs, grads)


def _tol(op, dtype_name):
    if dtype_name in op.tol:
        return op.tol[dtype_name]
    return default_tol(tg_dtype(np.dtype(dtype_name) if dtype_name != "bool" else np.bool_))


def _assert_same(got, want, op, what):
    """Two runs of one op agree: same dtype and shape, values to the op's tolerance."""
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    name = str(want.dtype).split(".")[-1]
    rtol, atol = _tol(op, name)
    assert_close(got, to_np(want), dtype=want.dtype, rtol=rtol, atol=atol)


def _assert_grads_same(got, want, op, what):
    rtol, atol = _tol(op, "float64")
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        assert (g is None) == (w is None), f"{what}: gradient {k} missing on one side"
        if g is not None:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"{what}: grad {k}")


# ---- forward against the reference ------------------------------------------------------------------


@pytest.mark.parametrize("op,dtype,idx", _params("forward"))
def test_forward(op, dtype, idx):
    s = SAMPLES[(op.name, dtype)][idx]
    outs = call(op, s).outputs
    with np.errstate(all="ignore"):
        refs = op.ref(*s.args, **s.kwargs)
    refs = list(refs) if isinstance(refs, tuple) else [refs]
    want = op.out_dtype(s, dtype)
    want = [want] * len(outs) if isinstance(want, str) else list(want)
    assert len(outs) == len(refs) == len(want), f"{len(outs)} outputs, {len(refs)} references"
    for k, (o, r, w) in enumerate(zip(outs, refs, want, strict=True)):
        rtol, atol = _tol(op, w)
        with np.errstate(all="ignore"):
            r = np.asarray(r).astype(w)  # rounded to the result dtype (float32 overflow: inf)
        try:
            assert_close(
                o, r, dtype=tg_dtype(np.dtype(w) if w != "bool" else np.bool_), rtol=rtol, atol=atol
            )
        except AssertionError as e:
            raise AssertionError(f"output {k} of {s}: {e}") from None


# ---- gradcheck (float64) ---------------------------------------------------------------------------------


def _gradcheckable(op, dt, s):
    return op.differentiable and not (s.big or s.special) and any(a.size for a in _float_arrays(s))


@pytest.mark.parametrize("op,dtype,idx", _params("gradcheck", _gradcheckable, dtypes=["float64"]))
def test_gradcheck(op, dtype, idx):
    s = SAMPLES[(op.name, dtype)][idx]
    with tg.no_grad():
        outs = call(op, s).outputs
    if not all(np.all(np.isfinite(to_np(o))) for o in outs if o.dtype.is_floating_point):
        pytest.skip(f"{s}: a non-finite output (no derivative to check)")
    inputs = tuple(
        tgt(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
        for a in s.args
    )
    kwargs = {k: tgt(v) if isinstance(v, np.ndarray) else v for k, v in s.kwargs.items()}

    def fn(*a):
        return op(*a, **kwargs)

    opts = {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3, **op.grad_tol}
    assert tg.autograd.gradcheck(fn, inputs, **opts), s


# ---- float32 gradients against float64 ones -------------------------------------------------------------


def _float32_grad(op, dt, s):
    return _gradcheckable(op, dt, s) or (op.differentiable and s.big and not s.special)


@pytest.mark.parametrize("op,dtype,idx", _params("grad_float32", _float32_grad, dtypes=["float32"]))
def test_grad_float32(op, dtype, idx):
    """The float32 backward (its own kernels) against the float64 backward at the same point."""
    s = SAMPLES[(op.name, dtype)][idx]
    s64 = SampleInput(
        tuple(
            a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
            for a in s.args
        ),
        {
            k: v.astype(np.float64) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
            for k, v in s.kwargs.items()
        },
    )
    got, want = call(op, s, grad=True), call(op, s64, grad=True)
    if not all(np.all(np.isfinite(to_np(o))) for o in want.outputs if o.dtype.is_floating_point):
        pytest.skip(f"{s}: a non-finite output")
    rtol, atol = op.tol.get("float32_grad", (1e-4, 1e-5))
    for k, (g, w) in enumerate(zip(got.grads, want.grads, strict=True)):
        assert (g is None) == (w is None), f"gradient {k} missing on one side"
        if g is not None:
            assert g.dtype == np.float32, f"gradient {k} is {g.dtype}"
            scale = max(np.abs(w).max(initial=0.0), 1.0)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol * scale, err_msg=f"{s}: grad {k}")


# ---- gradients at extreme finite inputs (elementwise ops) ---------------------------------------------------


def _fd(ref, args, k, kwargs):
    """Central differences of the elementwise reference in argument k at steps h and h / 2 (h
    relative to every operand's magnitude), forward and backward differences, and the value."""
    x = args[k].astype(np.float64)
    mag = np.max([np.abs(a) for a in args if isinstance(a, np.ndarray)], axis=0)
    h = 1e-6 * np.maximum(mag, 1e-2)

    def f(v):
        a = list(args)
        a[k] = v
        return np.asarray(ref(*a, **kwargs), dtype=np.float64)

    with np.errstate(all="ignore"):
        f0, fp, fm = f(x), f(x + h), f(x - h)
        half = (f(x + h / 2) - f(x - h / 2)) / h
        return (fp - fm) / (2 * h), half, (fp - f0) / h, (f0 - fm) / h, f0


def _extreme_params():
    out = []
    for op in OPS:
        if op.elementwise and op.differentiable:
            for dt in [d for d in FLOAT if d in op.dtypes]:
                for i, s in enumerate(SAMPLES[(op.name, dt)]):
                    if s.special:
                        out.append(
                            pytest.param(
                                op,
                                dt,
                                i,
                                id=f"{op.name}-{dt}-sample{i}",
                                marks=_marks(op, "extremes", dt, i),
                            )
                        )
    return out


@pytest.mark.parametrize("op,dtype,idx", _extreme_params())
def test_grad_extremes(op, dtype, idx):
    """d op / d x at +-1e-30, +-0.5, +-1.5, +-80, +-1e4 (and every pair of them for binary ops)
    against central differences of the reference, where the reference is smooth there (its
    one-sided differences agree) and finite: no NaN or overflow from a naive backward formula."""
    s = SAMPLES[(op.name, dtype)][idx]
    finite = np.all([np.isfinite(a) for a in s.args if isinstance(a, np.ndarray)], axis=0)
    args = tuple(a[finite] if isinstance(a, np.ndarray) else a for a in s.args)
    sub = SampleInput(args, s.kwargs)
    res = call(op, sub, grad=True)
    up = _upstream(res.outputs[0].shape, 0)
    np_dt = np.dtype(dtype)
    for k, g in enumerate(res.grads):
        central, half, fwd, bwd, f0 = _fd(op.ref, args, k, s.kwargs)
        with np.errstate(all="ignore"):
            smooth = np.isfinite(central) & np.isfinite(f0)
            near = 1e-3 * np.maximum(np.abs(central), 1e-6)
            smooth &= (np.abs(fwd - bwd) <= near) & (
                np.abs(half - central) <= near
            )  # no kink, no jump
            want = (central * up).astype(np_dt)  # overflow in the result dtype: inf
        rtol, atol = (1e-4, 1e-7) if dtype == "float32" else (1e-6, 1e-12)
        bad = smooth & ~np.isclose(g, want, rtol=rtol, atol=atol)
        assert not bad.any(), (
            f"grad {k} at {[a[bad] for a in args if isinstance(a, np.ndarray)]}: "
            f"got {g[bad] / up[bad]}, want {central[bad]}"
        )


# ---- torch's gradient at kinks and ties ---------------------------------------------------------------------


def _kink_params():
    out = []
    for op in OPS:
        if op.kinks is not None:
            for dt in [d for d in FLOAT if d in op.dtypes]:
                for i, _ in enumerate(op.kinks(op, dt)):
                    out.append(
                        pytest.param(
                            op,
                            dt,
                            i,
                            id=f"{op.name}-{dt}-kink{i}",
                            marks=_marks(op, "kinks", dt, i),
                        )
                    )
    return out


@pytest.mark.parametrize("op,dtype,idx", _kink_params())
def test_grad_at_kinks(op, dtype, idx):
    """At a kink (relu at 0, hardtanh at its bounds) or a tie (max of equal values), where no
    finite difference decides, the gradient follows torch's convention (Kink.grads)."""
    k = list(op.kinks(op, dtype))[idx]
    res = call(op, k.sample, grad=True, ones=True)
    rtol, atol = (1e-5, 1e-6) if dtype == "float32" else (1e-12, 1e-12)
    assert len(res.grads) == len(k.grads)
    for j, (g, w) in enumerate(zip(res.grads, k.grads, strict=True)):
        assert g is not None, f"no gradient for argument {j}"
        np.testing.assert_allclose(
            g, w, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{k.sample}: grad {j}"
        )


# ---- non-contiguous inputs -------------------------------------------------------------------------------

LAYOUTS = ["transposed", "strided"]


def _nc_params():
    out = []
    for p in _params("noncontiguous"):
        op, dt, i = p.values
        s = SAMPLES[(op.name, dt)][i]
        for layout in LAYOUTS:
            need = 2 if layout == "transposed" else 1
            if any(a.ndim >= need and a.size for a in _arrays(s)):
                out.append(pytest.param(op, dt, i, layout, id=f"{p.id}-{layout}", marks=p.marks))
    return out


@pytest.mark.parametrize("op,dtype,idx,layout", _nc_params())
def test_noncontiguous(op, dtype, idx, layout):
    s = SAMPLES[(op.name, dtype)][idx]
    grad = op.differentiable and dtype == "float64" and not s.special  # (no gradient at inf)
    want = call(op, s, grad=grad)
    got = call(op, s, layout, grad=grad)
    assert len(got.outputs) == len(want.outputs)
    for g, w in zip(got.outputs, want.outputs, strict=True):
        _assert_same(g, w, op, f"{layout} {s}")
    if grad:
        _assert_grads_same(got.grads, want.grads, op, f"{layout} {s}")
    if any(label == "inplace" for label, _ in _spellings(op, dtype, s)):
        # in place on a non-contiguous self: the writes land in the view's elements only
        a = s.args[0]
        leaf, view, back = _input(a, layout, False)
        rest = [tgt(x) if isinstance(x, np.ndarray) else x for x in s.args[1:]]
        kwargs = {k: tgt(v) if isinstance(v, np.ndarray) else v for k, v in s.kwargs.items()}
        getattr(view, op.inplace)(*rest, **kwargs)
        _assert_same(back(leaf), want.outputs[0], op, f"{op.inplace} on {layout} {s}")
        if layout == "strided":  # the skipped elements are untouched
            untouched = to_np(leaf)[..., ::2]
            assert np.all(untouched == GARBAGE[a.dtype.kind]), (
                f"{op.inplace} wrote outside the view"
            )


# ---- method / in-place / operator spellings ----------------------------------------------------------------


def _spellings(op, dt, s):
    """(label, callable) for every other spelling of op that applies to sample s."""
    out = []
    first = s.args[0] if s.args else None
    if op.method and isinstance(first, np.ndarray):
        out.append(("method", lambda x, *r, **k: getattr(x, op.method)(*r, **k)))
    for k, v in enumerate(op.variants):
        out.append((f"variant{k}", v))
    if op.inplace and isinstance(first, np.ndarray):
        want = op.out_dtype(s, dt)
        shape = np.broadcast_shapes(*[a.shape for a in _arrays(s)])
        if want == result_type(first) and tuple(shape) == first.shape:
            out.append(("inplace", None))
    return out


def _variant_params():
    out = []
    for p in _params("variants"):
        op, dt, i = p.values
        for label, _ in _spellings(op, dt, SAMPLES[(op.name, dt)][i]):
            marks = list(p.marks)
            if label == "inplace":  # XFail("variants_inplace", ...): the in-place spelling only
                marks += [m for m in _marks(op, "variants_inplace", dt, i) if m.name == "xfail"]
            out.append(pytest.param(op, dt, i, label, id=f"{p.id}-{label}", marks=marks))
    return out


@pytest.mark.parametrize("op,dtype,idx,spelling", _variant_params())
def test_variants(op, dtype, idx, spelling):
    s = SAMPLES[(op.name, dtype)][idx]
    grad = spelling == "inplace" and op.differentiable and dtype == "float64"
    want = call(op, s, grad=grad)
    if spelling == "inplace":
        args = [tgt(a) if isinstance(a, np.ndarray) else a for a in s.args]
        kwargs = {k: tgt(v) if isinstance(v, np.ndarray) else v for k, v in s.kwargs.items()}
        x = args[0]
        r = getattr(x, op.inplace)(*args[1:], **kwargs)
        assert r is x, f"{op.inplace} did not return self"
        _assert_same(x, want.outputs[0], op, f"{op.inplace} {s}")
        if grad:  # in place on a non-leaf inside a graph
            got = call(op, s, grad=True, fn=lambda x, *r, **k: getattr(x * 1, op.inplace)(*r, **k))
            _assert_grads_same(got.grads, want.grads, op, f"{op.inplace} {s}")
        return
    fn = dict(_spellings(op, dtype, s))[spelling]
    got = call(op, s, fn=fn)
    assert len(got.outputs) == len(want.outputs)
    for g, w in zip(got.outputs, want.outputs, strict=True):
        _assert_same(g, w, op, f"{spelling} {s}")


# ---- mixed-dtype operands (binary elementwise) -----------------------------------------------------------


def _promotion_params():
    out = []
    for op in OPS:
        if not op.promotion:
            continue
        for da, db in itertools.permutations(op.dtypes, 2):
            for shape_b in [(4,), ()]:
                sid = "0d" if shape_b == () else "1d"
                out.append(
                    pytest.param(
                        op,
                        da,
                        db,
                        shape_b,
                        id=f"{op.name}-{da}-{db}-{sid}",
                        marks=_marks(op, "promotion", da),
                    )
                )
    return out


@pytest.mark.parametrize("op,da,db,shape_b", _promotion_params())
def test_promotion(op, da, db, shape_b):
    a = op.make((3, 4), da, 0, 50)
    b = op.make(shape_b, db, 1, 51)
    s = SampleInput((a, b))
    out = call(op, s).outputs[0]
    with np.errstate(all="ignore"):
        ref = op.ref(a, b)
    want = op.out_dtype(s, None)
    rtol, atol = _tol(op, want)
    assert_close(
        out,
        ref,
        dtype=tg_dtype(np.dtype(want) if want != "bool" else np.bool_),
        rtol=rtol,
        atol=atol,
    )


# ---- backends: each CPU capability against the baseline (later: CUDA against CPU) ---------------------------


@dataclass
class Backend:
    """A place ops run; `reference` is the backend it is compared against."""

    name: str
    reference: str
    available: callable
    enter: callable  # () -> context manager under which ops run on this backend


def _capability(name):
    @contextlib.contextmanager
    def cm():
        before = tg.backends.cpu.get_cpu_capability()
        tg.backends.cpu._set_cpu_capability(name)
        try:
            yield
        finally:
            tg.backends.cpu._set_cpu_capability(before)

    return cm


def _has_capability(name):
    return not TORCH_BACKEND and name in tg.backends.cpu._supported_capabilities()


BACKENDS = {
    f"cpu-{c}": Backend(f"cpu-{c}", "cpu-DEFAULT", lambda c=c: _has_capability(c), _capability(c))
    for c in ("DEFAULT", "AVX2", "AVX512")
}
# 16 ulp of each output's scale: FMA and vector widths reorder sums and change the rounding of
# exp/tanh/erf (the worst case measured here is 9 ulp, softmax's float32 gradient under AVX512)
BACKEND_TOL = {dt: 16 * float(np.finfo(dt).eps) for dt in FLOAT}


def _backend_params():
    out = []
    for name, b in BACKENDS.items():
        if name == b.reference:
            continue
        marks = []
        if TORCH_BACKEND:
            marks.append(pytest.mark.skip(reason="tetragrad only: its own kernel builds"))
        elif not b.available():
            marks.append(pytest.mark.skip(reason=f"{name} is not supported on this machine"))
        for op in OPS:
            for dt in op.dtypes:
                out.append(
                    pytest.param(
                        op,
                        dt,
                        name,
                        id=f"{op.name}-{dt}-{name}",
                        marks=marks + _marks(op, "backend", dt),
                    )
                )
    return out


def _compare_backend(got, want, what, ulps=16):
    assert got.shape == want.shape and got.dtype == want.dtype, what
    if got.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    assert np.array_equal(nan_g, nan_w), f"{what}: NaN positions differ"
    g, w = got[~nan_w], want[~nan_w]
    if not w.size:
        return
    inf = ~np.isfinite(w)
    assert np.array_equal(g[inf], w[inf]), f"{what}: infinities differ"
    scale = max(np.abs(w[~inf]).max(initial=0.0), np.finfo(np.float64).tiny)
    err = np.abs(g[~inf] - w[~inf]).max(initial=0.0)
    tol = BACKEND_TOL[str(got.dtype)] * ulps / 16
    assert err <= tol * scale, f"{what}: max |diff| {err:.3g} > {tol} x scale {scale:.3g}"


@pytest.mark.parametrize("op,dtype,backend", _backend_params())
def test_backend(op, dtype, backend):
    b = BACKENDS[backend]
    ref = BACKENDS[b.reference]
    grad = op.differentiable and dtype in FLOAT
    for i, s in enumerate(SAMPLES[(op.name, dtype)]):
        with ref.enter():
            want = call(op, s, grad=grad)
            want_np = [to_np(o) for o in want.outputs]
        with b.enter():
            got = call(op, s, grad=grad)
            got_np = [to_np(o) for o in got.outputs]
        what = f"{op.name} sample{i} {s} on {backend}"
        ulps = op.backend_ulps
        for g, w in zip(got_np, want_np, strict=True):
            _compare_backend(g, w, what, ulps)
        if grad:
            for g, w in zip(got.grads, want.grads, strict=True):
                assert (g is None) == (w is None), what
                if g is not None:
                    _compare_backend(g, w, what + " (gradient)", ulps)
