"""``tetragrad.nn.functional``: PyTorch's functional API (activations, linear, dropout, losses).

The work is in C++ (``tetragrad._C._nn``, ``tetragrad/functional.h``): most functions are one
fused autograd node; ``softmin``, ``kl_div`` and the distances are C++ composites of tensor
ops. The wrappers here add torch's Python-only arguments (``inplace``, deprecated ones) and
warnings. Deprecated PyTorch
arguments (``size_average``, ``reduce``) are not accepted, except by ``kl_div``, which keeps
torch's signature; use ``reduction``.
"""

from __future__ import annotations

import operator
import warnings

from .. import _C
from .._C import Tensor
from .._C._nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_similarity,
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
    pairwise_distance,
    prelu,
    smooth_l1_loss,
    softmax,
    softplus,
)

__all__ = [
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus", "logsigmoid",
    "hardtanh", "relu6", "selu", "mish", "hardswish", "hardsigmoid", "prelu", "softmax", "log_softmax", "maxout",
    "linear", "dropout", "one_hot", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "softmin", "kl_div", "normalize", "cosine_similarity", "pairwise_distance",
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


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6"""
    return _apply(input, inplace, _C._nn.hardswish)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6"""
    return _apply(input, inplace, _C._nn.hardsigmoid)


def softmin(input: Tensor, dim: int | None = None, dtype=None, *, _stacklevel: int = 2) -> Tensor:
    """softmax(-x) along ``dim``: exp(-x_i) / sum_j exp(-x_j); output of input's shape.

    ``dim=None`` is torch's deprecated implicit choice (0 for 0-, 1- and 3-d input, else 1),
    with its UserWarning. ``dtype``: cast to it before the softmax (after the negation, as
    torch). As tetragrad's ``softmax``, the third positional argument is ``dtype`` (torch's is
    the private ``_stacklevel``, keyword-only here)."""
    if dim is not None:
        try:
            dim = operator.index(dim)
        except TypeError:
            raise TypeError(
                f"softmin: dim must be an int or None, got {type(dim).__name__}"
            ) from None
    else:
        warnings.warn(
            "Implicit dimension choice for softmin has been deprecated. "
            "Change the call to include dim=X as an argument.",
            UserWarning,
            stacklevel=_stacklevel,
        )
        dim = 0 if input.dim() in (0, 1, 3) else 1
    return _C._nn.softmin(input, dim, dtype)


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence loss; ``input`` holds log-probabilities, ``target``
    probabilities (log-probabilities with ``log_target=True``), both of the same shape [*].

    Pointwise: target * (log(target) - input), 0 where target == 0 (torch's xlogy; as in torch
    the gradient w.r.t. such a target is NaN, its one-sided derivative being -inf); with
    ``log_target``: exp(target) * (target - input). ``reduction``: 'none' ([*]), 'sum',
    'mean' (over all elements, with torch's UserWarning that 'batchmean' is the true KL) or
    'batchmean' (sum / input.size(0); the sum for 0-d input). ``size_average``/``reduce``
    (deprecated) override ``reduction``, as torch documents (torch itself still divides by the
    batch size when ``reduction='batchmean'`` is given with them). Unlike torch, mismatched
    shapes raise a ValueError instead of broadcasting, and 'elementwise_mean' is rejected."""
    if size_average is not None or reduce is not None:
        from .loss import _legacy_reduction  # loss.py imports this module

        reduction = _legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            UserWarning,
            stacklevel=2,
        )
    return _C._nn.kl_div(input, target, reduction, log_target)


# ---- distances (C++: tetragrad/functional.h) ------------------------------------------------
def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    """input / max(||input||_p along dim, eps): unit p-norm vectors along ``dim``."""
    if out is not None:
        raise TypeError("normalize: out= is not supported")
    return _C._nn.normalize(input, p, dim, eps)
