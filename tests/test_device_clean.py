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
        "  Tensor c = rand(x.shape(), x.dtype());  // flagged: random draws need a device too\n"
        "  return add(zeros({3}, x.dtype()), Tensor::empty(\n    {2}, DType::Int64));\n"
        "}\n"
    )
    r = subprocess.run([sys.executable, str(TOOL), str(src)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "3 allocations without a device" in r.stdout, r.stdout
    assert ":5:" in r.stdout and ":6:" in r.stdout, r.stdout


# The data-dependent checks moved from host loops in the ops into kernels that report what they
# found (the index checks, BCE's range, NLL's targets); their errors are unchanged.


def test_kernel_checks_report_the_offending_value():
    import numpy as np
    import tetragrad as tg
    from conftest import raises

    F = tg.nn.functional
    x = tg.zeros(3, 4)
    with raises(IndexError, RuntimeError, match="index 7 is out of bounds", torch_match=None):
        tg.index_select(x, 1, tg.tensor([0, 7, 1]))
    with raises(IndexError, match="index -4 is out of bounds", torch_match=None):
        x[tg.tensor([1, -4])]
    with raises(ValueError, RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(tg.tensor([0.5, float("nan")]), tg.tensor([1.0, 0.0]))
    with raises(IndexError, match="target 5 is out of bounds", torch_match=None):
        F.nll_loss(tg.zeros(2, 3), tg.tensor([1, 5]))
    big = 2**53 + 1  # read exactly (an int64, not through a double)
    with raises(
        ValueError, RuntimeError, match=f"class value {big} is out of range", torch_match=None
    ):
        F.one_hot(tg.tensor([0, big]), big)
    m = tg.tensor([[True, False], [False, True]])
    np.testing.assert_array_equal(m.nonzero().numpy(), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(
        tg.masked_select(tg.arange(4.0).reshape(2, 2), m).numpy(), [0.0, 3.0]
    )
