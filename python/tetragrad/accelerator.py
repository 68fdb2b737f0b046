"""``tetragrad.accelerator``, as ``torch.accelerator``: the CPU is not an accelerator, and this
build has no other device, so nothing is available."""

from __future__ import annotations

__all__ = ["current_accelerator", "device_count", "is_available"]


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def current_accelerator(check_available: bool = False):
    """The accelerator device type, or None when there is none (torch's answer on a CPU-only build)."""
    return None
