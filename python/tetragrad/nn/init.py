"""``tetragrad.nn.init``: PyTorch's weight initialisers. Each fills its tensor in place
(without recording autograd) from the global generator (``tg.manual_seed``) and returns it.
The formulas live in C++ (``tetragrad/init.h``, ``tetragrad._C._init``), shared with the C++
layers; these wrappers keep torch's signatures and its zero-element warning."""

from __future__ import annotations

import warnings

from .._C import Tensor
from .._C import _init as _I

__all__ = [
    "calculate_gain", "uniform_", "normal_", "zeros_", "ones_", "constant_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
]  # fmt: skip

calculate_gain = _I.calculate_gain


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    return _I._calculate_fan_in_and_fan_out(tensor)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with U(a, b)."""
    _I.uniform_(tensor, a, b)
    return tensor


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with N(mean, std^2)."""
    _I.normal_(tensor, mean, std)
    return tensor


def constant_(tensor: Tensor, val: float) -> Tensor:
    _I.constant_(tensor, val)
    return tensor


def zeros_(tensor: Tensor) -> Tensor:
    _I.zeros_(tensor)
    return tensor


def ones_(tensor: Tensor) -> Tensor:
    _I.ones_(tensor)
    return tensor


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))."""
    _I.xavier_uniform_(tensor, gain)
    return tensor


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))."""
    _I.xavier_normal_(tensor, gain)
    return tensor


def _warn_if_empty(tensor: Tensor) -> None:
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He: U(-b, b), b = gain * sqrt(3 / fan) (gain from ``nonlinearity`` and slope ``a``)."""
    _warn_if_empty(tensor)
    _I.kaiming_uniform_(tensor, a, mode, nonlinearity)
    return tensor


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He: N(0, std^2), std = gain / sqrt(fan)."""
    _warn_if_empty(tensor)
    _I.kaiming_normal_(tensor, a, mode, nonlinearity)
    return tensor
