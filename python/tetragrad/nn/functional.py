"""``tetragrad.nn.functional``: PyTorch's functional API (activations, linear, dropout, losses).

The heavy lifting is in C++ (``tetragrad._C._nn``): each function is one fused autograd
node. Deprecated PyTorch arguments (``size_average``, ``reduce``) are not accepted; use
``reduction``.
"""

from __future__ import annotations

from .. import _C
from .._C import Tensor
from .._C._nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    linear,
    log_softmax,
    maxout,
    mse_loss,
    nll_loss,
    softmax,
)

__all__ = [
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softmax", "log_softmax", "maxout",
    "linear", "dropout", "mse_loss", "l1_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
]  # fmt: skip

sigmoid = _C.sigmoid
tanh = _C.tanh


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise."""
    return input.relu_() if inplace else _C.relu(input)


def _inplace(input: Tensor, out: Tensor) -> Tensor:
    from ..autograd import no_grad

    with no_grad():
        input.copy_(out)
    return input


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise."""
    out = _C._nn.leaky_relu(input, negative_slope)
    return _inplace(input, out) if inplace and not input.requires_grad else out


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    out = _C._nn.elu(input, alpha)
    return _inplace(input, out) if inplace and not input.requires_grad else out


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (``approximate='tanh'``: PyTorch's tanh approximation)."""
    return _C._nn.gelu(input, approximate)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes elements with probability ``p`` and scales the rest by 1/(1-p) (training only)."""
    out = _C._nn.dropout(input, p, training)
    return _inplace(input, out) if inplace and training and not input.requires_grad else out
