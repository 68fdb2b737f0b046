"""Benchmark harness: a case registry and an interleaved, self-calibrating timer.

A *case* is a function decorated with :func:`case`. The harness calls it once per
framework with a :class:`Framework` handle and gets back a zero-argument callable
that performs exactly the operation the case names (inputs are built in the setup,
outside the timed region). The setup returns ``None`` (or raises
:class:`Unsupported`) when a framework does not apply to the case.

Since tetragrad mirrors torch's API, one setup usually serves both; branch on
``fw.name`` (or ``fw.torchlike``) where the frameworks differ, e.g. numpy's
``axis=`` versus torch's ``dim=``::

    @case("sum_lastdim_4096x1024", target=1.0, bytes=4096 * 1024 * 4)
    def sum_lastdim(fw):
        x = fw.tensor(data.randn(4096, 1024))
        if fw.name == "numpy":
            return lambda: x.sum(axis=-1)
        return lambda: x.sum(dim=-1)

Timing protocol (all frameworks in one process, so they see the same machine state):

1. setup every framework, call each callable once and compare its output with the
   reference framework's (torch, else numpy) so a wrong or lazy kernel cannot post
   a good time;
2. warm up, round-robin across frameworks;
3. calibrate per framework the number of inner calls so one sample takes about
   ``TARGET_SAMPLE_S`` (20-50 ms; a single call longer than that is one sample);
4. take ``repeat`` samples, interleaved round-robin (tg, torch, numpy, tg, torch,
   numpy, ...), and report the median time per call.

The callable's return value is kept (``sink``) until the next call returns, so
every result is materialised and its memory released like in user code.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Order matters: it is the round-robin order and the column order of the table.
FRAMEWORKS = ("tetragrad", "torch", "numpy")
SHORT = {"tetragrad": "tg", "torch": "torch", "numpy": "np"}

TARGET_SAMPLE_S = 0.030  # aim for ~30 ms per sample (accepted window: 20-50 ms)
MIN_WARMUP_S = 0.05  # per framework, after the correctness call
MIN_WARMUP_CALLS = 2
# Warm-up goes on (up to this long) while calls still page-fault: the allocator is still
# growing its heap, and samples taken then were seen 10-50x slower than steady state.
MAX_WARMUP_S = 0.3
# Half-IQR / median above which a verdict is flagged "(noisy)". An A/A run (torch
# against itself) on a 2-core VM gave ratios within 0.95-1.07 when calm.
NOISY_SPREAD = 0.10


class Unsupported(Exception):
    """Raised by a setup when the framework cannot run the case (shows as 'n/a')."""


# --------------------------------------------------------------------------- frameworks


@dataclass
class Framework:
    """Handle passed to a case's setup: the framework's module plus a few helpers."""

    name: str  # "tetragrad" | "torch" | "numpy"
    lib: Any  # the imported module (tetragrad, torch or numpy)
    version: str = ""

    @property
    def short(self) -> str:
        return SHORT[self.name]

    @property
    def torchlike(self) -> bool:
        return self.name in ("tetragrad", "torch")

    @property
    def float32(self) -> Any:
        return self.lib.float32

    def tensor(self, arr: np.ndarray) -> Any:
        """Copy a NumPy array into memory owned by this framework, same dtype, contiguous.

        A copy (not from_numpy) so that each framework's allocator and alignment are
        what its users get, and no framework reads another's buffer.
        """
        arr = np.ascontiguousarray(arr)
        if self.name == "numpy":
            return arr.copy()
        dtype = getattr(self.lib, arr.dtype.name)  # float32, float64, int64, bool
        t = self.lib.tensor(arr, dtype=dtype)
        if tuple(t.shape) != arr.shape or not t.is_contiguous():
            raise RuntimeError(f"{self.name}.tensor produced a bad copy of {arr.shape}")
        return t

    def to_numpy(self, out: Any) -> np.ndarray:
        """Result of a callable -> NumPy array (for the correctness check, untimed)."""
        if isinstance(out, np.ndarray):
            return out
        if isinstance(out, (int, float)):
            return np.asarray(out)
        if isinstance(out, (tuple, list)):  # (values, indices): one float64 array of both
            return np.concatenate([self.to_numpy(o).astype(np.float64).ravel() for o in out])
        if self.torchlike:
            out = out.detach() if hasattr(out, "detach") else out
            return np.array(out.numpy(), copy=True)
        return np.asarray(out)

    def set_num_threads(self, n: int) -> str | None:
        """Set the intra-op thread count; returns a warning string when impossible."""
        if self.name == "numpy":
            return None  # BLAS threads are set via env vars in run.py, before import
        fn = getattr(self.lib, "set_num_threads", None)
        if fn is None:
            return f"{self.name} has no set_num_threads(); its default thread count is used"
        fn(n)
        get = getattr(self.lib, "get_num_threads", None)
        if get is not None and get() != n:
            return f"{self.name}.get_num_threads() = {get()} after set_num_threads({n})"
        return None


def load_frameworks(wanted: tuple[str, ...]) -> tuple[list[Framework], dict[str, str]]:
    """Import the wanted frameworks; missing ones are reported, not fatal."""
    loaded: list[Framework] = []
    missing: dict[str, str] = {}
    for name in FRAMEWORKS:
        if name not in wanted:
            continue
        try:
            lib = __import__(name)
        except Exception as e:  # ImportError, or a broken build raising anything
            missing[name] = f"{type(e).__name__}: {e}".splitlines()[0]
            continue
        loaded.append(Framework(name, lib, str(getattr(lib, "__version__", "?"))))
    return loaded, missing


# --------------------------------------------------------------------------- registry


SetupFn = Callable[[Framework], "Callable[[], Any] | None"]


@dataclass
class Case:
    name: str
    setup: SetupFn
    target: float | None = None  # tetragrad/torch ratio to reach (<=)
    flops: float | None = None  # floating-point ops per call -> GFLOP/s
    bytes: float | None = None  # bytes moved per call (ideal) -> GB/s
    check: bool = True  # compare outputs across frameworks
    rtol: float = 1e-4  # tolerance of the check, relative to max |reference|
    frameworks: tuple[str, ...] = FRAMEWORKS
    description: str = ""
    module: str = ""


REGISTRY: dict[str, Case] = {}


def case(
    name: str,
    *,
    target: float | None = None,
    flops: float | None = None,
    bytes: float | None = None,
    check: bool = True,
    rtol: float = 1e-4,
    frameworks: tuple[str, ...] = FRAMEWORKS,
    description: str = "",
) -> Callable[[SetupFn], SetupFn]:
    """Register ``setup(fw) -> zero-arg callable`` as bench case ``name``."""

    def deco(fn: SetupFn) -> SetupFn:
        if name in REGISTRY:
            raise ValueError(f"bench case {name!r} registered twice")
        REGISTRY[name] = Case(
            name=name,
            setup=fn,
            target=target,
            flops=flops,
            bytes=bytes,
            check=check,
            rtol=rtol,
            frameworks=frameworks,
            description=description or (fn.__doc__ or "").strip().split("\n")[0],
            module=fn.__module__,
        )
        return fn

    return deco


# --------------------------------------------------------------------------- shared data


class data:
    """Deterministic NumPy inputs, identical for every framework of a case."""

    @staticmethod
    def rng(seed: int = 0) -> np.random.Generator:
        return np.random.default_rng(seed)

    @staticmethod
    def randn(*shape: int, dtype: Any = np.float32, seed: int = 0) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32).astype(dtype)

    @staticmethod
    def rand(*shape: int, dtype: Any = np.float32, seed: int = 0) -> np.ndarray:
        return np.random.default_rng(seed).random(shape, dtype=np.float32).astype(dtype)


# --------------------------------------------------------------------------- timing


@dataclass
class FwResult:
    status: str = "ok"  # ok | n/a | error | mismatch
    error: str = ""
    inner: int = 0  # calls per sample
    samples: list[float] = field(default_factory=list)  # seconds per call
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    min: float | None = None
    max_abs_err: float | None = None  # vs the reference framework
    faults_per_call: float | None = None  # minor page faults per call, over all samples

    @property
    def spread(self) -> float | None:
        """Half the inter-quartile range, relative to the median."""
        if self.median is None or self.q1 is None or self.q3 is None or self.median == 0:
            return None
        return (self.q3 - self.q1) / 2 / self.median


@dataclass
class CaseResult:
    case: Case
    per_fw: dict[str, FwResult]

    @property
    def ratio(self) -> float | None:
        tg, th = self.per_fw.get("tetragrad"), self.per_fw.get("torch")
        if tg and th and tg.status == "ok" and th.status == "ok" and tg.median and th.median:
            return tg.median / th.median
        return None

    @property
    def noisy(self) -> bool:
        """Either side's spread is over NOISY_SPREAD: the ratio is not to be trusted."""
        return any(
            (r := self.per_fw.get(n)) is not None and (r.spread or 0) > NOISY_SPREAD
            for n in ("tetragrad", "torch")
        )

    @property
    def verdict(self) -> str:
        r, t = self.ratio, self.case.target
        if r is None or t is None:
            return ""
        return ("ok" if r <= t else "MISS") + (" (noisy)" if self.noisy else "")


class _Loop:
    """One framework's callable run like a user's loop ``y = fn()``.

    The previous result stays alive while the next one is computed and is released
    right after, across batch boundaries too: every batch continues the same loop, so
    the allocator sees the same steady state whatever the batch size.
    """

    def __init__(self, fn: Callable[[], Any]):
        self.fn = fn
        self.last: Any = None

    def batch(self, n: int) -> float:
        """Wall time of ``n`` back-to-back calls."""
        fn = self.fn
        sink, self.last = self.last, None
        t0 = time.perf_counter()
        for _ in range(n):
            sink = fn()
        t1 = time.perf_counter()
        self.last = sink
        return t1 - t0


def _minflt() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _calibrate(loop: _Loop) -> int:
    """Inner-call count so that one sample lasts about TARGET_SAMPLE_S."""
    n = 1
    while True:
        dt = loop.batch(n)
        if dt >= 0.010 or n >= 1 << 22:
            break
        n *= 10 if dt < 0.001 else 2
    per_call = dt / n
    return max(1, round(TARGET_SAMPLE_S / per_call)) if per_call > 0 else 1 << 22


def _check(case: Case, outs: dict[str, Any], fws: dict[str, Framework], res: dict[str, FwResult]):
    """Compare every framework's output with the reference (torch, else numpy)."""
    ref_name = next((n for n in ("torch", "numpy") if n in outs), None)
    if ref_name is None:
        return
    ref_raw = fws[ref_name].to_numpy(outs[ref_name])
    ref = ref_raw.astype(np.float64)
    scale = max(1.0, float(np.max(np.abs(ref)))) if ref.size else 1.0
    for name, out in outs.items():
        if name == ref_name:
            continue
        try:
            got = fws[name].to_numpy(out)
        except Exception as e:
            res[name].status, res[name].error = "error", f"to_numpy: {type(e).__name__}: {e}"
            continue
        if got.shape != ref.shape:
            res[name].status = "mismatch"
            res[name].error = f"shape {got.shape} != {ref_name} {ref.shape}"
            continue
        if got.dtype != ref_raw.dtype:
            res[name].status = "mismatch"
            res[name].error = f"dtype {got.dtype} != {ref_name} {ref_raw.dtype}"
            continue
        err = float(np.max(np.abs(got.astype(np.float64) - ref))) if ref.size else 0.0
        res[name].max_abs_err = err
        if not err <= case.rtol * scale:  # also catches NaN
            res[name].status = "mismatch"
            res[name].error = f"max |{name} - {ref_name}| = {err:.3g} > {case.rtol * scale:.3g}"


def run_case(case: Case, frameworks: list[Framework], repeat: int) -> CaseResult:
    fws = {fw.name: fw for fw in frameworks if fw.name in case.frameworks}
    res = {name: FwResult() for name in fws}
    fns: dict[str, Callable[[], Any]] = {}
    outs: dict[str, Any] = {}

    # 1. setup + one call for the correctness check
    for name, fw in fws.items():
        try:
            fn = case.setup(fw)
            if fn is None:
                raise Unsupported("setup returned None")
            outs[name] = fn()
            fns[name] = fn
        except Unsupported as e:
            res[name].status, res[name].error = "n/a", str(e)
        except Exception as e:
            res[name].status = "error"
            msg = f"{type(e).__name__}: {e}".splitlines()[0]
            last = traceback.extract_tb(e.__traceback__)[-1]
            res[name].error = f"{msg} (at {os.path.basename(last.filename)}:{last.lineno})"
    if case.check:
        _check(case, outs, fws, res)
    outs.clear()
    loops = {n: _Loop(f) for n, f in fns.items() if res[n].status == "ok"}
    fns.clear()
    if not loops:
        return CaseResult(case, res)

    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        # 2. warm-up, round-robin
        spent = dict.fromkeys(loops, 0.0)
        calls = dict.fromkeys(loops, 0)
        faulted = dict.fromkeys(loops, True)

        def warming(n: str) -> bool:
            if spent[n] >= MAX_WARMUP_S:
                return False
            return spent[n] < MIN_WARMUP_S or calls[n] < MIN_WARMUP_CALLS or faulted[n]

        while any(warming(n) for n in loops):
            for n, loop in loops.items():
                if warming(n):
                    f0 = _minflt()
                    spent[n] += loop.batch(1)
                    faulted[n] = _minflt() > f0
                    calls[n] += 1
        # 3. calibration, per framework
        for n, loop in loops.items():
            res[n].inner = _calibrate(loop)
        # 4. samples, interleaved round-robin
        faults = dict.fromkeys(loops, 0)
        for _ in range(repeat):
            for n, loop in loops.items():
                k = res[n].inner
                f0 = _minflt()
                res[n].samples.append(loop.batch(k) / k)
                faults[n] += _minflt() - f0
    finally:
        names = list(loops)
        loops.clear()  # release the last results before the next case
        if gc_was_enabled:
            gc.enable()

    for n in names:
        r = res[n]
        s = sorted(r.samples)
        r.median, r.min = statistics.median(s), s[0]
        if len(s) >= 4:
            q = statistics.quantiles(s, n=4)
            r.q1, r.q3 = q[0], q[2]
        else:
            r.q1, r.q3 = s[0], s[-1]
        r.faults_per_call = faults[n] / (len(s) * r.inner) if s else None
    return CaseResult(case, res)
