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


def _apply(input: Tensor, inplace: bool, fn) -> Tensor:
    """fn(input); with ``inplace=True`` the result is written into ``input``, which is returned
    (as torch does). Under autograd the op runs on a copy, so the tensor its backward saved is
    not the one overwritten; the gradient flows through the write to ``input``'s history.
    A leaf that requires grad raises, as in torch."""
    if not inplace:
        return fn(input)
    if input.requires_grad and _C.is_grad_enabled():
        return input.copy_(fn(input.clone()))
    return input.copy_(fn(input))


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise."""
    return _apply(input, inplace, lambda x: _C._nn.leaky_relu(x, negative_slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    return _apply(input, inplace, lambda x: _C._nn.elu(x, alpha))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (``approximate='tanh'``: PyTorch's tanh approximation)."""
    return _C._nn.gelu(input, approximate)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes elements with probability ``p`` and scales the rest by 1/(1-p) (training only)."""
    return _apply(input, inplace and training, lambda x: _C._nn.dropout(x, p, training))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    return _apply(input, inplace, lambda x: _C._nn.silu(x))


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clamped to [min_val, max_val]; the gradient is zero at and outside the bounds."""
    return _apply(input, inplace, lambda x: _C._nn.hardtanh(x, min_val, max_val))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)"""
    return hardtanh(input, 0.0, 6.0, inplace)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * (x for x > 0, alpha * (exp(x) - 1) otherwise), the self-normalising constants."""
    return _apply(input, inplace, lambda x: _C._nn.selu(x))


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))"""
    return _apply(input, inplace, lambda x: _C._nn.mish(x))
