"""``tetragrad.cuda``, as ``torch.cuda`` answers on a machine without CUDA: this build of
tetragrad has no CUDA device, so ``is_available()`` is False and the seeding calls do nothing
(as torch's do when CUDA is absent); calls that need a device raise RuntimeError."""

from __future__ import annotations

__all__ = [
    "current_device",
    "device_count",
    "empty_cache",
    "get_device_name",
    "is_available",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "synchronize",
]

_NO_CUDA = "tetragrad was built without CUDA: no CUDA device is available (tetragrad.cuda.is_available() is False)"


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Nothing to seed without a CUDA device (torch ignores it silently too)."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed without a CUDA device (torch ignores it silently too)."""


def empty_cache() -> None:
    """No CUDA memory is cached: nothing to free."""


def current_device() -> int:
    raise RuntimeError(_NO_CUDA)


def get_device_name(device=None) -> str:
    raise RuntimeError(_NO_CUDA)


def synchronize(device=None) -> None:
    raise RuntimeError(_NO_CUDA)
