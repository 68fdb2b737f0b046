"""The ops layer stays device-clean: tools/check_device_alloc.py finds no allocation in
cpp/src/ops, optim or nn without a device, and it does flag one (checked on a sample)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "check_device_alloc.py"


def test_no_allocation_without_a_device_in_the_ops_layer():
    r = subprocess.run([sys.executable, str(TOOL)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_the_check_flags_bare_allocations(tmp_path):
    src = tmp_path / "sample.cpp"
    src.write_text(
        "Tensor f(const Tensor& x) {\n"
        "  Tensor a = new_zeros(x, x.shape(), x.dtype());  // fine\n"
        "  Tensor b = Tensor::empty({3}, x.dtype(), x.device());  // fine\n"
        "  if (x.shape().empty()) return a;  // a method, not an allocation\n"
        "  return add(zeros({3}, x.dtype()), Tensor::empty(\n    {2}, DType::Int64));\n"
        "}\n"
    )
    r = subprocess.run([sys.executable, str(TOOL), str(src)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "2 allocations without a device" in r.stdout and ":5:" in r.stdout, r.stdout
