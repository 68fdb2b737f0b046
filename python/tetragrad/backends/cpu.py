"""The CPU backend: which instruction-set build of the kernels runs (as ``torch.backends.cpu``).

The kernels are compiled once per capability (AVX-512, AVX2+FMA and the baseline on x86-64;
the baseline with NEON on aarch64); at import the best one this CPU supports is chosen, or a
lower one named by the environment variable ``TETRAGRAD_CPU_CAPABILITY`` (``default``,
``avx2``, ``avx512``).
"""

from __future__ import annotations

from .. import _C

__all__ = ["get_cpu_capability"]


def get_cpu_capability() -> str:
    """The capability in use: ``"AVX512"``, ``"AVX2"`` or ``"DEFAULT"`` (torch's names)."""
    return _C._get_cpu_capability()


def _supported_capabilities() -> list[str]:
    """Built into this library and supported by this CPU, lowest first (for tests)."""
    return list(_C._supported_cpu_capabilities())


def _set_cpu_capability(name: str) -> None:
    """Switch the kernels to another supported capability (tests and benchmarks)."""
    _C._set_cpu_capability(name)
