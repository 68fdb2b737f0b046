#!/usr/bin/env python
"""Check that no kernel symbol can be shared between two CPU instruction-set builds.

    python tools/check_symbols.py build/ci-cpp/libtetragrad.a

The CPU kernels are compiled once per ISA (CMakeLists.txt), each build in its own namespace
(tg::cpu::baseline, tg::cpu::avx2, tg::cpu::avx512) with Eigen renamed (tg_eigen_<isa>), and
partially linked into one object per ISA (tg_kernels_<isa>.o) whose only global symbol is its
table, tg_cpu_kernel_table_<isa>. A kernel object exporting anything else (an inline function of
a shared header, a template instantiation), a tg::cpu:: symbol outside an ISA namespace, or a
plain Eigen:: symbol would be one name with several ISAs' code behind it, and the linker would
keep one copy for every caller (AVX-512 instructions reached on an AVX2 CPU). Reads `nm -C`
of the static library, fails on any of these, and prints the symbol counts per ISA.
"""

from __future__ import annotations

import re
import subprocess
import sys

ISAS = ("baseline", "avx2", "avx512")
_ANY_ISA = "|".join(ISAS)
UNQUALIFIED_KERNEL = re.compile(r"\btg::cpu::(?!(?:" + _ANY_ISA + r")::)")
PLAIN_EIGEN = re.compile(r"(?<![\w])Eigen::")
KERNEL_MEMBER = re.compile(r"^tg_kernels_(" + _ANY_ISA + r")\.o$")


def members(path: str) -> dict[str, list[tuple[str, str]]]:
    """Archive member -> [(nm type letter, demangled name)] of its defined symbols."""
    out = subprocess.run(
        ["nm", "-C", "--defined-only", path], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, list[tuple[str, str]]] = {}
    current = path
    for line in out.splitlines():
        if line.endswith(":") and " " not in line.strip():
            current = line[:-1]
            result.setdefault(current, [])
            continue
        parts = line.split(" ", 2)
        if len(parts) == 3 and len(parts[1]) == 1:  # address, type, name
            result.setdefault(current, []).append((parts[1], parts[2]))
    return result


def check(path: str) -> list[str]:
    problems = []
    found_isas = []
    for member, syms in members(path).items():
        for _, name in syms:
            if UNQUALIFIED_KERNEL.search(name) or PLAIN_EIGEN.search(name):
                problems.append(f"{member}: not ISA-qualified: {name}")
        m = KERNEL_MEMBER.match(member)
        if not m:
            continue
        isa = m.group(1)
        found_isas.append(isa)
        exported = sorted(n for t, n in syms if t.isupper())
        if exported != [f"tg_cpu_kernel_table_{isa}"]:
            extra = [n for n in exported if n != f"tg_cpu_kernel_table_{isa}"]
            problems += [f"{member}: exports {n}" for n in extra] or [
                f"{member}: no table exported"
            ]
        print(f"{member}: {len(syms)} symbols, exported: {', '.join(exported)}")
    if "baseline" not in found_isas:
        problems.append(f"{path}: no tg_kernels_baseline.o member")
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    problems = [p for path in argv for p in check(path)]
    for p in problems[:40]:
        print(p)
    if problems:
        print(f"{len(problems)} symbol problems")
        return 1
    print(
        "ok: each ISA's kernel object exports only its table; every kernel symbol is ISA-qualified"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
