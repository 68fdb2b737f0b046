"""Issue 10 cases: the tensor surface's hot paths (sorting, selection, scans, sin, randperm,
bfloat16 conversion).

Inputs are the same NumPy data in each framework (float32, contiguous); each callable does
exactly the named op and returns its result(s).
"""

from __future__ import annotations

from harness import Framework, case, data


@case("sort_1M", target=1.0, bytes=1_000_000 * (4 + 4 + 8))
def sort_1m(fw: Framework):
    """float32 [1M] sort -> (values, int64 indices), distinct values (no tie order to differ)"""
    x = fw.tensor((data.rng(40).permutation(1_000_000) - 500_000).astype("float32"))
    if fw.name == "numpy":
        return lambda: (lambda i: (x[i], i))(x.argsort(kind="stable"))
    return lambda: fw.lib.sort(x)


@case("topk10_512x32000", target=1.0, bytes=512 * 32000 * 4)
def topk_rows(fw: Framework):
    """float32 [512,32000].topk(10, dim=-1) -> (values, indices) [512,10]"""
    x = fw.tensor(data.randn(512, 32000, seed=41))
    if fw.name == "numpy":
        return None
    return lambda: x.topk(10, dim=-1)


@case("cumsum_lastdim_4096x1024", target=1.0, bytes=2 * 4096 * 1024 * 4, rtol=1e-5)
def cumsum_lastdim(fw: Framework):
    """float32 [4096,1024].cumsum(dim=-1)"""
    x = fw.tensor(data.randn(4096, 1024, seed=42))
    if fw.name == "numpy":
        return lambda: x.cumsum(axis=-1)
    return lambda: x.cumsum(dim=-1)


@case("sin_4M", target=0.8, bytes=2 * 4 * 1024 * 1024 * 4, rtol=1e-6)
def sin_4m(fw: Framework):
    """float32 [4M] sin (new tensor)"""
    x = fw.tensor(data.randn(4 * 1024 * 1024, seed=43))
    if fw.name == "numpy":
        import numpy as np

        return lambda: np.sin(x)
    return lambda: fw.lib.sin(x)


@case("bf16_roundtrip_4M", target=1.0, bytes=4 * 1024 * 1024 * (4 + 2 + 2 + 4))
def bf16_roundtrip_4m(fw: Framework):
    """float32 [4M] -> bfloat16 -> float32 (two conversion passes, round to nearest even)"""
    x = fw.tensor(data.randn(4 * 1024 * 1024, seed=45))
    if fw.name == "numpy":
        return None
    return lambda: x.to(fw.lib.bfloat16).to(fw.lib.float32)


@case("randperm_1M", target=1.0, bytes=1_000_000 * 8, check=False)
def randperm_1m(fw: Framework):
    """randperm(1_000_000) -> int64 (values differ by generator: not compared)"""
    if fw.name == "numpy":
        rng = data.rng(44)
        return lambda: rng.permutation(1_000_000)
    return lambda: fw.lib.randperm(1_000_000)


@case(
    "einsum_bhid_bhjd_B8H8T256d64",
    target=1.1,
    flops=2.0 * 8 * 8 * 256 * 256 * 64,
    rtol=1e-5,
)
def einsum_attention_scores(fw: Framework):
    """einsum("bhid,bhjd->bhij") of two float32 [8,8,256,64]: one batched GEMM (q k^T)"""
    q = fw.tensor(data.randn(8, 8, 256, 64, seed=45))
    k = fw.tensor(data.randn(8, 8, 256, 64, seed=46))
    if fw.name == "numpy":
        import numpy as np

        return lambda: np.matmul(q, np.swapaxes(k, -1, -2))
    return lambda: fw.lib.einsum("bhid,bhjd->bhij", q, k)
