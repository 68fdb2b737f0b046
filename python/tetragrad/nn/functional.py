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
    huber_loss,
    l1_loss,
    linear,
    log_softmax,
    logsigmoid,
    maxout,
    mse_loss,
    nll_loss,
    one_hot,
    prelu,
    smooth_l1_loss,
    softmax,
    softplus,
)

__all__ = [
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus", "logsigmoid",
    "hardtanh", "relu6", "selu", "mish", "prelu", "softmax", "log_softmax", "maxout",
    "linear", "dropout", "one_hot", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
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


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    out = _C._nn.silu(input)
    return _inplace(input, out) if inplace and not input.requires_grad else out


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clamped to [min_val, max_val]; the gradient is zero at and outside the bounds."""
    out = _C._nn.hardtanh(input, min_val, max_val)
    return _inplace(input, out) if inplace and not input.requires_grad else out


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)"""
    return hardtanh(input, 0.0, 6.0, inplace)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * (x for x > 0, alpha * (exp(x) - 1) otherwise), the self-normalising constants."""
    out = _C._nn.selu(input)
    return _inplace(input, out) if inplace and not input.requires_grad else out


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))"""
    out = _C._nn.mish(input)
    return _inplace(input, out) if inplace and not input.requires_grad else out
