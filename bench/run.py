#!/usr/bin/env python
"""Side-by-side benchmarks: tetragrad vs PyTorch (and NumPy), in one process.

    python bench/run.py                       # all cases, 15 samples each
    python bench/run.py --filter sgemm        # cases whose name contains "sgemm"
    python bench/run.py --repeat 31 --threads 1 --json /tmp/r.json
    python bench/run.py --list

Cases live in bench/cases_*.py (registered with ``@harness.case``). For each case the
frameworks are timed round-robin (tg, torch, np, tg, torch, np, ...) after a warm-up;
each sample runs enough calls to last ~30 ms. The table shows the median time per
call (± half the inter-quartile range), the ratio tetragrad/torch of the medians next
to the case's target, and GFLOP/s (GEMM) or GB/s (memory-bound ops, ideal traffic:
inputs read once + output written once). Results go to bench/out/results.json.

A framework that cannot be imported is left out (its column shows "-"); a case that a
framework cannot run shows "n/a" / "error" with the reason below the table.

Threads: every framework gets the same intra-op thread count (default: all cores
available to this process). The env vars below are set *before* numpy/torch/tetragrad
are imported, then tg.set_num_threads / torch.set_num_threads are called as well.
OPENBLAS_CORETYPE (set to Haswell on some of our machines) only steers OpenBLAS, i.e.
NumPy's matmul here; torch (MKL/oneDNN) and tetragrad (Eigen) ignore it. It is
recorded in the JSON so a slow NumPy GEMM column can be explained.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALIASES = {
    "tg": "tetragrad",
    "tetragrad": "tetragrad",
    "torch": "torch",
    "pt": "torch",
    "np": "numpy",
    "numpy": "numpy",
}
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc <malloc.h>
MMAP_THRESHOLD_MAX = 32 << 20  # glibc's ceiling for M_MMAP_THRESHOLD on 64-bit


def steady_malloc() -> str:
    """Pin glibc malloc's thresholds so that freed blocks stay in the heap.

    By default glibc moves its mmap/trim thresholds as blocks come and go, so whether a
    16 MiB output costs 4096 fresh page faults or none depends on what ran before
    (another case, another framework): we measured torch's add_broadcast_4M swing
    from 0.6 to 4.5 ms between runs. Fixed thresholds make every framework's malloc
    reach the same steady state after the warm-up (no page faults per call); blocks
    over 32 MiB still come from mmap. Applies to every framework alike, and only to
    allocations through malloc (an allocator that caches on its own is unaffected).
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX) == 1
        ok = libc.mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1 and ok
        return (
            "steady (glibc mallopt: mmap_threshold=32MiB, trim_threshold=1GiB)"
            if ok
            else "default (mallopt refused)"
        )
    except (OSError, AttributeError):
        return "default (no glibc mallopt)"


def openmp_runtimes() -> list[str]:
    """Distinct OpenMP runtime files mapped into this process (Linux only)."""
    found = set()
    try:
        for line in Path("/proc/self/maps").read_text().splitlines():
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if name.startswith(("libgomp", "libomp", "libiomp")):
                found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--filter",
        action="append",
        metavar="NAME",
        help="run cases whose name contains NAME (repeatable, or comma-separated)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=15,
        metavar="N",
        help="samples per framework and case (default 15)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        metavar="N",
        help="intra-op threads for every framework (default: all available cores)",
    )
    p.add_argument(
        "--frameworks",
        default="tg,torch,np",
        help="comma-separated subset of tg,torch,np (default: all three)",
    )
    p.add_argument(
        "--json",
        default=str(HERE / "out" / "results.json"),
        metavar="PATH",
        help="where to write the JSON results (default bench/out/results.json)",
    )
    p.add_argument(
        "--malloc",
        choices=("steady", "default"),
        default="steady",
        help="steady: pin glibc malloc thresholds (see steady_malloc); default: leave them",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print per framework: min time, calls per sample, page faults per "
        "call, max |error| against the reference",
    )
    p.add_argument(
        "--deterministic",
        action="store_true",
        help="run tetragrad under tg.use_deterministic_algorithms(True) (to measure its cost)",
    )
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument(
        "--strict", action="store_true", help="exit 1 if a target is missed or an output mismatches"
    )
    return p.parse_args(argv)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_rev() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        return out.stdout.strip() or None if out.returncode == 0 else None
    except Exception:
        return None


def load_cases() -> None:
    sys.path.insert(0, str(HERE))
    for path in sorted(HERE.glob("cases_*.py")):
        importlib.import_module(path.stem)


# --------------------------------------------------------------------------- formatting


def fmt_time(s: float | None) -> str:
    if s is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            v = s / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{s / 1e-9:.2g} ns"


def cell(r) -> str:
    if r is None:
        return "-"
    if r.status != "ok":
        return r.status
    sp = r.spread
    return fmt_time(r.median) + (f" ±{sp * 100:.0f}%" if sp is not None else "")


def throughput(c, r) -> float | None:
    if r is None or r.status != "ok" or not r.median:
        return None
    if c.flops:
        return c.flops / r.median / 1e9
    if c.bytes:
        return c.bytes / r.median / 1e9
    return None


def print_table(results, fw_names: list[str]) -> None:
    from harness import SHORT

    head = ["case"] + [f"{n}" for n in fw_names] + ["tg/torch", "target", ""]
    thr_head = "GFLOP/s | GB/s (" + " / ".join(SHORT[n] for n in fw_names) + ")"
    rows = []
    for cr in results:
        c = cr.case
        row = [c.name] + [cell(cr.per_fw.get(n)) for n in fw_names]
        row += [
            f"{cr.ratio:.2f}" if cr.ratio is not None else "-",
            f"<={c.target:.2f}" if c.target is not None else "",
            cr.verdict,
        ]
        thr = [throughput(c, cr.per_fw.get(n)) for n in fw_names]
        unit = "GFLOP/s" if c.flops else ("GB/s" if c.bytes else "")
        row.append(
            (" / ".join("-" if t is None else f"{t:.1f}" for t in thr) + f" {unit}") if unit else ""
        )
        rows.append(row)
    head.append(thr_head)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    right = {i for i in range(1, len(head) - 2)}

    def line(cols):
        return "  ".join(
            str(x).rjust(w) if i in right else str(x).ljust(w)
            for i, (x, w) in enumerate(zip(cols, widths, strict=True))
        ).rstrip()

    print(line(head))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    notes = [
        f"  {cr.case.name} [{SHORT[n]}] {r.status}: {r.error}"
        for cr in results
        for n, r in cr.per_fw.items()
        if r.status != "ok"
    ]
    print("time = median per call ± half the inter-quartile range; tg/torch = ratio of medians")
    if notes:
        print("\nnotes:")
        print("\n".join(notes))


def print_details(results) -> None:
    from harness import SHORT

    print("\ndetails:  case [fw]  min  calls/sample  page-faults/call  max|err| vs reference")
    for cr in results:
        for n, r in cr.per_fw.items():
            if r.status != "ok":
                continue
            err = "-" if r.max_abs_err is None else f"{r.max_abs_err:.2g}"
            print(
                f"  {cr.case.name:24s} [{SHORT[n]:5s}] {fmt_time(r.min):>9s} {r.inner:7d}"
                f" {r.faults_per_call or 0:9.1f} {err:>9s}"
            )


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    threads = args.threads or available_cores()
    # Before any import of numpy / torch / tetragrad (OpenMP and BLAS read these once).
    for var in THREAD_ENV:
        os.environ[var] = str(threads)
    # OpenBLAS (numpy's BLAS) worker threads otherwise busy-wait ~0.1 s after each call,
    # stealing the cores from the framework timed next (torch's sgemm_1024 measured 2.6x
    # slower interleaved with numpy). 4 = shortest timeout (2^4 cycles).
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
    malloc_mode = steady_malloc() if args.malloc == "steady" else "default"

    import harness  # imports numpy: only now that the thread env vars are set
    from harness import REGISTRY, load_frameworks, run_case

    load_cases()
    if args.list:
        for c in REGISTRY.values():
            tgt = f"target <= {c.target}" if c.target is not None else ""
            print(f"{c.name:28s} {tgt:14s} {c.description}  ({c.module})")
        return 0

    filters = [f for arg in (args.filter or []) for f in arg.split(",") if f]
    cases = [c for c in REGISTRY.values() if not filters or any(f in c.name for f in filters)]
    if not cases:
        print(f"no case matches {filters}; try --list", file=sys.stderr)
        return 2

    try:
        wanted = tuple(ALIASES[x.strip()] for x in args.frameworks.split(",") if x.strip())
    except KeyError as e:
        print(f"unknown framework {e}; use tg, torch, np", file=sys.stderr)
        return 2
    frameworks, missing = load_frameworks(wanted)
    warnings = [w for fw in frameworks if (w := fw.set_num_threads(threads))]
    if args.deterministic:
        for fw in frameworks:
            if fw.name == "tetragrad":
                fw.lib.use_deterministic_algorithms(True)
    omp = openmp_runtimes()
    if len(omp) > 1:
        warnings.append(
            f"{len(omp)} OpenMP runtimes loaded ({', '.join(omp)}): each keeps its own "
            "thread pool, whose idle threads spin and can steal cores from the framework "
            "timed next"
        )
    fw_names = [n for n in harness.FRAMEWORKS if n in wanted]

    versions = {fw.name: fw.version for fw in frameworks}
    print(
        f"tetragrad bench | {cpu_model()} | {threads} thread(s) of {available_cores()} | "
        f"{args.repeat} samples | python {platform.python_version()}"
        + (" | tetragrad deterministic" if args.deterministic else "")
    )
    print(
        "  "
        + ", ".join(f"{n} {v}" for n, v in versions.items())
        + "".join(f"; {n} missing ({why})" for n, why in missing.items())
    )
    print(f"  malloc: {malloc_mode}")
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(f"  OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} (affects numpy only)")
    for w in warnings:
        print(f"  warning: {w}")
    print()

    results = []
    tty = sys.stderr.isatty()
    for c in cases:
        if tty:
            print(f"  running {c.name} ...", end="\r", file=sys.stderr, flush=True)
        results.append(run_case(c, frameworks, args.repeat))
        if tty:
            print(" " * 60, end="\r", file=sys.stderr, flush=True)
    print_table(results, fw_names)
    if args.verbose:
        print_details(results)

    out = {
        "meta": {
            "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "cpu": cpu_model(),
            "cores_available": available_cores(),
            "threads": threads,
            "repeat": args.repeat,
            "python": platform.python_version(),
            "versions": versions,
            "missing": missing,
            "git": git_rev(),
            "malloc": malloc_mode,
            "openmp_runtimes": omp,
            "env": {
                k: os.environ.get(k)
                for k in ("OPENBLAS_CORETYPE", "OPENBLAS_THREAD_TIMEOUT", *THREAD_ENV)
            },
            "warnings": warnings,
        },
        "cases": [],
    }
    for cr in results:
        c = cr.case
        fws = {}
        for n, r in cr.per_fw.items():
            t = throughput(c, r)
            fws[n] = {
                "status": r.status,
                "error": r.error or None,
                "median_s": r.median,
                "min_s": r.min,
                "q1_s": r.q1,
                "q3_s": r.q3,
                "inner_calls": r.inner,
                "samples_s": r.samples,
                "gflops": t if c.flops else None,
                "gbps": t if (c.bytes and not c.flops) else None,
                "max_abs_err": r.max_abs_err,
                "page_faults_per_call": r.faults_per_call,
            }
        out["cases"].append(
            {
                "name": c.name,
                "description": c.description,
                "target_ratio": c.target,
                "ratio_tg_torch": cr.ratio,
                "verdict": cr.verdict or None,
                "noisy": cr.noisy,
                "flops": c.flops,
                "bytes": c.bytes,
                "frameworks": fws,
            }
        )
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(out, indent=1) + "\n")
    tmp.replace(path)
    print(f"\nwrote {path}")

    if args.strict:
        bad = any(cr.verdict.startswith("MISS") for cr in results) or any(
            r.status in ("error", "mismatch") for cr in results for r in cr.per_fw.values()
        )
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
