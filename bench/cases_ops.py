"""Issue 2 cases: the tensor-core hot paths (GEMM, broadcast add, last-dim reduction).

Every setup builds its inputs from the same NumPy data (copied into each framework's
own memory, float32, contiguous) and returns a callable doing exactly the named op:
no dtype conversion, no copy, no output reuse, the result returned to the harness.
"""

from __future__ import annotations

from harness import Framework, case, data


def _sgemm(n: int):
    def setup(fw: Framework):
        a = fw.tensor(data.randn(n, n, seed=1))
        b = fw.tensor(data.randn(n, n, seed=2))
        return lambda: a @ b

    setup.__doc__ = f"float32 [{n},{n}] @ [{n},{n}]"
    return setup


for _n in (1024, 2048):
    case(
        f"sgemm_{_n}",
        target=1.1,
        flops=2.0 * _n**3,
        bytes=3.0 * _n * _n * 4,
    )(_sgemm(_n))


@case("add_broadcast_4M", target=1.0, bytes=(2 * 4096 * 1024 + 1024) * 4)
def add_broadcast_4m(fw: Framework):
    """float32 [4096,1024] + [1024] -> [4096,1024] (new tensor)"""
    x = fw.tensor(data.randn(4096, 1024, seed=3))
    b = fw.tensor(data.randn(1024, seed=4))
    return lambda: x + b


@case("sum_lastdim_4096x1024", target=1.0, bytes=(4096 * 1024 + 4096) * 4, rtol=1e-5)
def sum_lastdim(fw: Framework):
    """float32 [4096,1024].sum(dim=-1) -> [4096]"""
    x = fw.tensor(data.randn(4096, 1024, seed=5))
    if fw.name == "numpy":
        return lambda: x.sum(axis=-1)
    return lambda: x.sum(dim=-1)
