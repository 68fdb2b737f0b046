"""Differential fuzz test: random calls run with tetragrad and with torch, compared.

    python tests/fuzz/fuzz_torch.py --cases 3000 --seeds 0,1 --fresh-seed

Each case is drawn from (seed, case index) alone (fuzz_gen.py, fuzz_ops.py, fuzz_nn.py): one
call from creation, elementwise, reductions, views, indexing/assignment, matmul or
nn.functional, on random shapes (0-d, empty, size-1 dims, up to 4-d), layouts (transposed,
permuted, stepped, offset, expanded), dtypes (float32/float64/int64/bool) and values (nan, inf,
-0.0, huge ints), often with autograd (leaves require grad, a random-weight sum is
backpropagated and every leaf's .grad is compared). A case is a small Python function `case(L)`
run once with L=tetragrad and once with L=torch (fuzz_check.py compares): both raise -> pass
(a different error class is tallied); one raises -> failure unless allow-listed (ALLOW in
fuzz_check.py); else dtype, shape and values of the result, of mutated tensors and their
bases, of requires_grad and of every .grad must agree.

Batches run in child processes (2 at most); when a child dies, the case it died on (the first
without a result line) is rerun alone in a fresh child to confirm and name the crash, and the
rest of the batch goes on in another child.

Replaying a failure: the report prints the seed, case index and a standalone snippet (paste it
into python). Or rerun exactly that case:

    python tests/fuzz/fuzz_torch.py --case SEED:INDEX        # prints the snippet and verdict
    python tests/fuzz/fuzz_torch.py --cases 3000 --seeds SEED  # the whole CI seed again
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def _libs():
    import tetragrad
    import torch

    torch.set_num_threads(1)
    tetragrad.set_num_threads(1)
    return tetragrad, torch


def worker(seed, start, count):
    """Run cases start..start+count-1 of `seed`, one JSON line each, flushed (so a crash shows
    which case it happened in)."""
    import fuzz_check

    libs = _libs()
    missing = fuzz_check.missing_names()
    for i in range(start, start + count):
        if os.environ.get("FUZZ_SELFTEST_CRASH") == f"{seed}:{i}":  # checks the crash path
            os.kill(os.getpid(), signal.SIGSEGV)
        try:
            res = fuzz_check.run_case(seed, i, missing, libs)
        except Exception as e:  # noqa: BLE001 - a bug in the fuzzer itself, reported as such
            res = {
                "seed": seed,
                "i": i,
                "op": "?",
                "status": "fail",
                "detail": f"fuzzer error: {e!r}",
            }
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()


def _child(seed, start, count, timeout):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--seed", str(seed)]
    cmd += ["--start", str(start), "--count", str(count)]
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONFAULTHANDLER="1")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        rc = "timeout"
    results = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
    return results, rc, err


def _how(rc):
    if rc == "timeout":
        return "timed out"
    if isinstance(rc, int) and rc < 0:
        return f"killed by {signal.Signals(-rc).name}"
    return f"exit status {rc}"


def run_range(seed, start, count, per_case_s=2.0):
    """All results for cases start..start+count-1; crashes found, confirmed alone, named."""
    results, crashes = [], []
    end = start + count
    while start < end:
        got, rc, err = _child(seed, start, end - start, 30 + per_case_s * (end - start))
        results += got
        if rc == 0 and len(got) == end - start:
            break
        bad = start + len(got)  # the first case without a result line
        alone, rc1, err1 = _child(seed, bad, 1, 60)
        if alone and rc1 == 0:
            results += alone
            crashes.append(
                {
                    "seed": seed,
                    "i": bad,
                    "how": f"batch {_how(rc)} here, but the case alone passes (state from earlier cases?)",
                    "stderr": _report(err),
                }
            )
        else:
            crashes.append({"seed": seed, "i": bad, "how": _how(rc1), "stderr": _report(err1)})
        start = bad + 1
    return results, crashes


def _report(err: str) -> str:
    """A child's stderr, cut to what names the crash: a sanitizer report from its first line
    (plus its first frames), else the tail."""
    for mark in ("runtime error:", "ERROR: AddressSanitizer", "AddressSanitizer:"):
        at = err.find(mark)
        if at >= 0:
            start = err.rfind("\n", 0, at) + 1
            return err[start : start + 2500]
    return err[-1500:]


def _print_case(seed, i, detail, how=None):
    import fuzz_check

    src = fuzz_check.generate(seed, i, fuzz_check.missing_names()).source()
    print(f"\n---- {'CRASH' if how else 'FAIL'} seed={seed} case={i}: {how or detail}")
    print(src)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=3000, help="cases per seed")
    ap.add_argument("--seeds", default="0,1", help="comma-separated seeds")
    ap.add_argument(
        "--fresh-seed",
        action="store_true",
        help="add one seed from os.urandom; its mismatches are reported, only its crashes fail",
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=750)
    ap.add_argument("--show", type=int, default=15, help="failures printed in full")
    ap.add_argument("--case", help="SEED:INDEX: run one case in this process and show it")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--count", type=int, default=1, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        worker(a.seed, a.start, a.count)
        return 0
    import fuzz_check

    if a.case:
        seed, i = map(int, a.case.split(":"))
        print(fuzz_check.generate(seed, i, fuzz_check.missing_names()).source())
        res = fuzz_check.run_case(seed, i, fuzz_check.missing_names(), _libs())
        print(json.dumps({k: v for k, v in res.items() if k != "src"}, indent=1))
        return 0 if res["status"] != "fail" else 1

    t0 = time.time()
    seeds = [int(s) for s in a.seeds.split(",") if s.strip()]
    if a.fresh_seed:
        fresh = int.from_bytes(os.urandom(4), "little")
        seeds.append(fresh)
        print(
            f"==== fresh seed: {fresh}   (replay: --seeds {fresh} --cases {a.cases}) ====",
            flush=True,
        )
    missing = sorted(fuzz_check.missing_names())
    print(f"skipped, not in tetragrad (or torch): {len(missing)}: {' '.join(missing)}", flush=True)
    known = [k for k, _, _ in fuzz_check.KNOWN_BUGS]
    if known:
        print(f"known bugs, pending fix: {', '.join(known)}", flush=True)

    tasks = [(s, b, min(a.batch, a.cases - b)) for s in seeds for b in range(0, a.cases, a.batch)]
    results, crashes = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(a.workers, 2)) as ex:
        for r, c in ex.map(lambda t: run_range(*t), tasks):
            results += r
            crashes += c

    status = collections.Counter()
    per_seed = collections.Counter(r["seed"] for r in results)
    mism = collections.Counter(r["mismatch"] for r in results if "mismatch" in r)
    fails = [r for r in results if r["status"] == "fail"]
    for r in results:
        status[r["status"].split(":")[0]] += 1
    sub = collections.Counter(r["status"] for r in results if ":" in r["status"])
    by_op = collections.Counter(r["op"] for r in fails)
    ops = {r["op"].split("[")[0].split("+")[0] for r in results}

    for r in fails[: a.show]:
        print(f"\n---- FAIL seed={r['seed']} case={r['i']} op={r['op']}: {r.get('detail')}")
        print(r.get("src", ""))
    for r in fails[a.show :]:
        print(f"FAIL seed={r['seed']} case={r['i']} op={r['op']}: {r.get('detail')}")
    for c in crashes:
        _print_case(c["seed"], c["i"], None, c["how"])
        print("child stderr:\n" + c["stderr"])

    print("\n==== fuzz_torch summary ====")
    print("cases per seed: " + ", ".join(f"{s}: {per_seed[s]}" for s in seeds))
    print(
        f"passed {status['pass']}, allowed {status['allowed']}, known bugs (pending fix) {status['known']}, failures {len(fails)}, crashes {len(crashes)}"
    )
    for k, n in sorted(sub.items()):
        print(f"  {k}: {n}")
    print(
        f"error-type mismatches (both raise, different class; not failures): {sum(mism.values())}"
    )
    for k, n in mism.most_common(8):
        print(f"  {k}: {n}")
    if by_op:
        print("failures by op: " + ", ".join(f"{k} {n}" for k, n in by_op.most_common()))
    print(f"ops covered: {len(ops)}")
    if a.fresh_seed:
        print(f"fresh seed: {seeds[-1]}")
    print(f"wall time: {time.time() - t0:.1f} s")
    # The fixed seeds gate; a fresh seed's value mismatches are new findings to replay and fix,
    # printed but not failing the run (a gate that fails at random blocks every change). A crash
    # on any seed fails.
    gating = [r for r in fails if not (a.fresh_seed and r["seed"] == seeds[-1])]
    if len(gating) < len(fails):
        print(
            f"NEW FINDINGS on the fresh seed (reported, not failing): {len(fails) - len(gating)}; "
            f"replay: --seeds {seeds[-1]} --cases {a.cases}"
        )
    return 1 if gating or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
