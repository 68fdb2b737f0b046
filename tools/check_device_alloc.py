#!/usr/bin/env python
"""Fail on an allocation in the ops layer that does not name its device.

    python tools/check_device_alloc.py [files or dirs ...]   # default: cpp/src/ops cpp/src/optim cpp/src/nn

Every op allocates on its inputs' device: through new_empty/new_zeros/new_ones/new_full(like, ...)
(the device of `like`) or with an explicit device argument. A bare `Tensor::empty(shape, dtype)`,
`zeros(...)`, `ones(...)`, `full(...)`, `empty(...)`, `rand(...)` (and
randn, randint, arange, linspace, eye) call would put the result on the CPU
whatever its inputs' device, so this check (run by CI and tests/test_device_clean.py) lists
each call whose argument list does not mention a device.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ["cpp/src/ops", "cpp/src/optim", "cpp/src/nn"]
# Tensor::empty( or a bare call of the creation functions (not x.empty(), not new_zeros(...)).
CALL = re.compile(
    r"Tensor::empty\(|(?<![\w.:>])(?:zeros|ones|full|empty|rand|randn|randint|arange|linspace|eye)\("
)


def arguments(text: str, open_paren: int) -> str:
    depth = 0
    for i in range(open_paren, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_paren + 1 : i]
    return text[open_paren + 1 :]


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group()), text, flags=re.S)
    return re.sub(r"//[^\n]*", lambda m: " " * len(m.group()), text)


def problems(path: Path) -> list[str]:
    text = strip_comments(path.read_text())
    found = []
    for m in CALL.finditer(text):
        args = arguments(text, m.end() - 1)
        if re.search(r"device", args, re.I):
            continue
        line = text.count("\n", 0, m.start()) + 1
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        found.append(f"{name}:{line}: allocation without a device: {m.group()}{args})")
    return found


def main(argv: list[str]) -> int:
    targets = [ROOT / a for a in (argv or DEFAULT)]
    files = [f for t in targets for f in ([t] if t.is_file() else sorted(t.rglob("*.cpp")))]
    found = [p for f in files for p in problems(f)]
    for p in found:
        print(p)
    if found:
        print(
            f"{len(found)} allocations without a device (use new_empty/new_zeros/new_full or pass one)"
        )
        return 1
    print(f"ok: every allocation in {len(files)} files names its device")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
