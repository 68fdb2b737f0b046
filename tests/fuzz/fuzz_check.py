"""Run one fuzz case with tetragrad and with torch and compare (see fuzz_torch.py).

Also holds the two short lists every failure is checked against:
  ALLOW       known, accepted differences (each with its reason);
  KNOWN_BUGS  real tetragrad bugs already reported: counted as "known bug, pending fix"
              rather than failing CI; drop the entry once the fix lands. FUZZ_SHOW_KNOWN=1
              in the environment turns them back into failures, printed in full.
"""

from __future__ import annotations

import math
import os
import warnings

import fuzz_nn
import fuzz_ops
import numpy as np
from fuzz_gen import Gen, Unavailable, wanted_names

fuzz_ops.add_family("nn", fuzz_nn.op_nn, 12)
FAMILIES = fuzz_ops.FAMILIES

TOL = {"float32": (1e-5, 1e-6), "float64": (1e-9, 1e-12)}
GRAD_TOL_FACTOR = 10  # backward formulas may legitimately round differently (cancellations)


def _tg_raises(a, b):
    """Only tetragrad raises, or it raises at an earlier line than torch."""
    return bool(a.err) and (not b.err or b.err[2] > a.err[2])


def _torch_bug(c, a, b):
    """Known torch bugs (torch is wrong, tetragrad right); the ones the generator avoids instead
    are noted where it does so (logsumexp dim=(), var/std dim=() gradients, x[..., ...])."""
    src = "".join(c.lines)
    if b.err and "INTERNAL ASSERT FAILED" in b.err[1]:  # torch says so itself
        return True
    if b.err and not a.err and b.err[2] == len(c.lines) - 1:  # torch's backward fails
        return any(
            m in b.err[1] for m in ("returned an invalid gradient", "with a bool tensor is not")
        ) or (
            c.op.startswith(("clamp[fn", "clamp[method", "clip[fn", "clip[method"))
            and "doesn't match the broadcast shape" in b.err[1]
        )
    detail = c.detail or ""
    if c.op.startswith("pow") and "(False" in src and ".grad" in detail:
        return "(nan)" in detail.split(" vs ")[-1]  # torch's zero-exponent rule misses False
    return c.op == "F.gelu" and "inf" in src and "inf) vs np.float32(nan)" in detail


# ---- allow-list: (key, predicate(case, tg_outcome, torch_outcome), reason) -------------------
# Error *types* are compared separately: when both libraries raise, a different exception class
# is tallied as an "error-type mismatch" but passes (tetragrad raises ValueError/IndexError/
# TypeError where torch raises RuntimeError; making its errors subclass both is a later issue).
# Dtypes tetragrad lacks (int32, float16, complex, ...) are simply never generated.
ALLOW = [
    (
        "expanded-write",
        lambda c, a, b: _tg_raises(a, b) and "write-expanded" in c.tags,
        "an in-place write into an expanded (stride-0, overlapping) view raises in tetragrad on "
        "purpose; torch sometimes writes silently and the result depends on write order",
    ),
    (
        "float-to-int-nonfinite",
        lambda c, a, b: (
            ("float-to-int" in c.tags and "special-float" in c.tags)
            or (_tg_raises(a, b) and "cannot be converted to int64 without overflow" in a.err[1])
        ),
        "casting nan/inf/out-of-range floats to int64 is undefined behaviour in C++; torch's "
        "value is whatever its CPU loop happens to produce (tetragrad raises where it writes one)",
    ),
    (
        "torch-nan-grad-tail",
        lambda c, a, b: (
            c.op.startswith(("F.elu", "F.selu", "F.celu", "F.hardtanh", "F.relu6"))
            and ".grad" in (c.detail or "")
            and "nan" in "".join(c.lines)
        ),
        "torch's own elu/selu/hardtanh gradient at a NaN input differs between its vectorised "
        "loop (elu: NaN, hardtanh: 0) and its scalar tail (the incoming gradient); tetragrad "
        "follows the vectorised loop everywhere",
    ),
    (
        "loss-shape-mismatch",
        lambda c, a, b: _tg_raises(a, b) and "have different shapes" in a.err[1],
        "tetragrad's regression losses refuse input/target shapes that differ (its message says "
        "so); torch warns and broadcasts, which is almost always a user bug",
    ),
    (
        "torch-bug",
        _torch_bug,
        "torch is wrong and tetragrad right: torch's backward rejects its own gradient "
        "(scatter_add, empty index) or fails (pow, bool exponent; clamp, min/max broadcast "
        "beyond the input); vectorised gelu(inf) is nan; x ** False gets 0 * x^-1 (NaN at 0) "
        "because torch's Scalar(False) is not equal to 0 in its pow backward; torch's own "
        "INTERNAL ASSERT failures (e.g. True ** an empty float tensor)",
    ),
    (
        "summation-order",
        lambda c, a, b: (
            not a.err
            and not b.err
            and "values differ" in (c.detail or "")
            and "e+30" in "".join(c.lines)
            and "-1e+30" in "".join(c.lines)
        ),
        "sums whose terms include +1e30 and -1e30 cancel catastrophically: the result depends "
        "on summation order, which neither library defines",
    ),
    (
        "torch-lacks-kernel",
        lambda c, a, b: (
            b.err
            and not a.err
            and (b.err[0] == "NotImplementedError" or "is not implemented" in b.err[1])
        ),
        "torch has no kernel (or derivative) for that dtype/form (clamp on bool, the "
        "gradient of scalar % tensor); tetragrad computes one",
    ),
    (
        "torch-skips-check",
        lambda c, a, b: (
            _tg_raises(a, b)
            and ("empty" in c.tags or c.op.startswith(("index_put", "setitem")))
            and any(
                m in a.err[1]
                for m in ("dtype", "out of bounds", "not implemented for", "floating-point")
            )
        ),
        "torch skips its dtype/bounds checks on fast paths (empty operands to mm/bmm/index_add/"
        "softmax/setitem; a bool mask with a 0-d value goes through masked_fill); tetragrad checks",
    ),
    (
        "torch-overflows",
        lambda c, a, b: (
            c.op.startswith(("F.pair", "norm", "F.normalize", "F.cos", "prod"))
            and not a.err
            and not b.err
            and (
                "[torch overflows]" in (c.detail or "")
                or ("float32" in c.tags and "e+30" in "".join(c.lines))
            )
        ),
        "tetragrad's float32 p-norms scale before summing powers and stay finite for |x| ~ 1e30 "
        "where torch's overflow to inf (so norm, normalize, distances differ there); prod's "
        "gradient with a zero is the product of the others (0) where torch's cumulative "
        "products overflow to inf * 0 = NaN",
    ),
]


# ---- real tetragrad bugs found by this fuzzer, skipped pending a fix: (key, predicate, what) -
def _bug(op, text=""):
    """Predicate: the case's op name starts with `op` and the difference mentions `text`."""
    return lambda c, d: c.op.startswith(op) and text in (d or "")


KNOWN_BUGS = []  # none open (several advanced indices per expression landed in issue 10)


def missing_names():
    """API names the generator may draw that tetragrad (or torch) lacks."""
    import tetragrad
    import torch

    out = set()
    for n in wanted_names():
        for L in (tetragrad, torch):
            owner, attr = L, n
            if n.startswith("Tensor."):
                owner, attr = L.Tensor, n[7:]
            elif n.startswith("F."):
                owner, attr = L.nn.functional, n[2:]
            if not hasattr(owner, attr):
                out.add(n)
    return out


def generate(seed, index, missing=frozenset()):
    """The case (seed, index): a family drawn by weight, then its op; redrawn if unavailable."""
    g = Gen(seed, index, missing)
    names = list(FAMILIES)
    w = np.array([FAMILIES[n][1] for n in names], dtype=float)
    for _ in range(50):
        fam = names[int(g.r.choice(len(names), p=w / w.sum()))]
        g.reset()
        try:
            FAMILIES[fam][0](g)
        except Unavailable:
            continue
        g.c.tags.add("family-" + fam)
        return g.c
    raise RuntimeError(f"no available op for case {seed}:{index}")


# ---- running ----------------------------------------------------------------------------------


class Outcome:
    def __init__(self):
        self.err = None  # (type name, message, line number, exception MRO names)
        self.vals = {}  # watched name -> snapshot
        self.grads = {}


def _snap(L, v):
    if isinstance(v, L.Tensor):
        v = v.detach() if v.requires_grad else v
        a = np.array(v.numpy(), copy=True)
        return ("tensor", str(v.dtype).split(".")[-1], tuple(v.shape), a, tuple(v.stride()))
    if isinstance(v, tuple | list):
        return (
            "seq",
            type(v).__name__ if isinstance(v, list) else "tuple",
            [_snap(L, x) for x in v],
        )
    if isinstance(v, bool | int | float) or v is None:
        return ("py", type(v).__name__, v)
    if isinstance(v, L.dtype):
        return ("dtype", str(v).split(".")[-1])
    return ("other", type(v).__name__, repr(v))


def execute(L, case, codes):
    o = Outcome()
    ns = {"L": L, "F": L.nn.functional, "np": np, "nan": math.nan, "inf": math.inf}
    ns["W"] = lambda t, k: L.from_numpy(
        np.random.default_rng(k).standard_normal(tuple(t.shape))
    ).to(t.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, code in enumerate(codes):
            try:
                exec(code, ns)
            except Exception as e:  # noqa: BLE001 - the point is to see what each library raises
                o.err = (type(e).__name__, str(e).split("\n")[0][:200], i, _mro(e))
                return o
        rg = {}
        for w in case.watch:
            if w in ns:
                o.vals[w] = _snap(L, ns[w])
                if isinstance(ns[w], L.Tensor):
                    rg[w] = ns[w].requires_grad
        o.vals["requires_grad"] = ("py", "dict", rg)
        for x in case.leaves:
            g = ns[x].grad
            o.grads[x] = None if g is None else _snap(L, g)
    return o


def _mro(e):
    return [k.__name__ for k in type(e).__mro__]


def _close(a, b, dt, loose=1):
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if dt in ("bool", "int64") or a.dtype.kind in "biu":
        bad = a != b
    else:
        rtol, atol = (loose * t for t in TOL.get(dt, TOL["float32"]))
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        fin = np.isfinite(b64)
        scale = max(1.0, float(np.abs(b64[fin]).max())) if fin.any() else 1.0
        same_special = (np.isnan(a64) & np.isnan(b64)) | (a64 == b64)
        with np.errstate(invalid="ignore"):
            near = np.abs(a64 - b64) <= atol * scale + rtol * np.abs(b64)
        bad = ~(same_special | (near & fin & np.isfinite(a64)))
    if not bad.any():
        return None
    k = np.flatnonzero(bad.reshape(-1))
    fa, fb = a.reshape(-1), b.reshape(-1)
    pairs = ", ".join(f"[{i}] {fa[i]!r} vs {fb[i]!r}" for i in k[:4])
    over = b.dtype.kind == "f" and np.isinf(fb[k]).all() and np.isfinite(fa[k]).all()
    return f"{len(k)} of {a.size} values differ: {pairs}" + (" [torch overflows]" if over else "")


def compare(a, b, path, strides, f32=False, loose=1):
    """None if snapshots a (tetragrad) and b (torch) agree, else a one-line difference."""
    if a[0] != b[0]:
        return f"{path}: {a[0]} vs {b[0]} ({_short(a)} vs {_short(b)})"
    if a[0] == "tensor":
        if a[1] != b[1]:
            return f"{path}: dtype {a[1]} vs {b[1]}"
        if a[2] != b[2]:
            return f"{path}: shape {a[2]} vs {b[2]}"
        if strides and a[3].size > 1:
            sa = [s for s, n in zip(a[4], a[2], strict=True) if n > 1]
            sb = [s for s, n in zip(b[4], b[2], strict=True) if n > 1]
            if sa != sb:
                return f"{path}: strides {a[4]} vs {b[4]} (a view must alias like torch's)"
        d = _close(a[3], b[3], "float32" if f32 and a[1] == "float64" else a[1], loose)
        return None if d is None else f"{path}: {d}"
    if a[0] == "seq":
        if len(a[2]) != len(b[2]):
            return f"{path}: length {len(a[2])} vs {len(b[2])}"
        for i, (x, y) in enumerate(zip(a[2], b[2], strict=True)):
            d = compare(x, y, f"{path}[{i}]", strides, f32, loose)
            if d:
                return d
        return None
    if a[0] == "py":
        if a[1] != b[1]:
            return f"{path}: {a[1]} {a[2]!r} vs {b[1]} {b[2]!r}"
        if a[1] == "float":
            d = _close(np.array(a[2]), np.array(b[2]), "float64")
            return None if d is None else f"{path}: {a[2]!r} vs {b[2]!r}"
        return None if a[2] == b[2] else f"{path}: {a[2]!r} vs {b[2]!r}"
    return None if a[1:] == b[1:] else f"{path}: {a[1:]} vs {b[1:]}"


def _short(s):
    return repr(s[1:3])[:80]


def judge(case, ot, op_):
    """(status, detail, error-type mismatch or None); status: pass / allowed:<k> / known:<k> / fail."""
    mismatch = None
    if ot.err and op_.err:
        if ot.err[2] != op_.err[2]:
            detail = f"both raise but at different lines: tetragrad line {ot.err[2]} {ot.err[:2]}, torch line {op_.err[2]} {op_.err[:2]}"
        else:
            if op_.err[0] not in ot.err[3]:
                mismatch = f"torch {op_.err[0]} / tetragrad {ot.err[0]}"
            return "pass", None, mismatch
    elif ot.err or op_.err:
        who, e = ("tetragrad", ot.err) if ot.err else ("torch", op_.err)
        detail = f"only {who} raises (line {e[2]}): {e[0]}: {e[1]}"
    else:
        detail = None
        for w in case.watch + ["requires_grad"]:
            if (w in ot.vals) != (w in op_.vals):
                detail = f"{w}: defined in one library only"
            elif w in ot.vals:
                strides = case.strides and w == "out"
                f32 = "float32" in case.tags  # mixed precision: torch may compute in float32
                f32 = f32 or any("float32" in ln for ln in case.lines)
                detail = (
                    compare(ot.vals[w], op_.vals[w], w, strides, f32)
                    if case.values or w == "requires_grad"
                    else _meta(ot.vals[w], op_.vals[w])
                )
            if detail:
                break
        for x in case.leaves if not detail else ():
            ga, gb = ot.grads.get(x), op_.grads.get(x)
            if (ga is None) != (gb is None):
                detail = f"{x}.grad: {'None' if ga is None else 'set'} in tetragrad, {'None' if gb is None else 'set'} in torch"
            elif ga is not None:
                detail = compare(
                    ga,
                    gb,
                    f"{x}.grad",
                    False,
                    any("float32" in ln for ln in case.lines),
                    GRAD_TOL_FACTOR,
                )
            if detail:
                break
        if detail is None:
            return "pass", None, None
    case.detail = detail
    for key, pred, _ in ALLOW:
        if pred(case, ot, op_):
            return f"allowed:{key}", detail, mismatch
    for key, pred, _ in [] if os.environ.get("FUZZ_SHOW_KNOWN") else KNOWN_BUGS:
        if pred(case, detail):
            return f"known:{key}", detail, mismatch
    return "fail", detail, mismatch


def _meta(a, b):
    """empty/empty_like: only kind, dtype and shape are defined."""
    if a[0] != b[0] or a[0] != "tensor":
        return compare(a, b, "out", False)
    return None if a[1:3] == b[1:3] else f"out: {a[1:3]} vs {b[1:3]}"


def run_case(seed, index, missing, libs):
    case = generate(seed, index, missing)
    codes = [compile(ln, f"<fuzz {seed}:{index}>", "exec") for ln in case.lines]
    ot = execute(libs[0], case, codes)
    op_ = execute(libs[1], case, codes)
    status, detail, mismatch = judge(case, ot, op_)
    res = {"seed": seed, "i": index, "op": case.op, "status": status}
    if detail:
        res["detail"] = detail
    if mismatch:
        res["mismatch"] = mismatch
    if status == "fail":
        res["src"] = case.source()
    return res
