"""Helpers shared by the distributions (torch.distributions.utils' public names and a few
private ones). Everything is tensor ops, so gradients flow through tetragrad's autograd."""

from __future__ import annotations

import tetragrad as tg

euler_constant = 0.57721566490153286060  # Euler-Mascheroni

# torch.types._Number: what broadcast_all accepts besides tensors (NumPy scalars subclass these)
_Number = (bool, int, float)

__all__ = [
    "broadcast_all",
    "clamp_probs",
    "euler_constant",
    "lazy_property",
    "logits_to_probs",
    "probs_to_logits",
]


def _size(shape) -> tg.Size:
    """shape as a tetragrad Size (tg.Size + tuple and Size slices give plain tuples)."""
    return shape if isinstance(shape, tg.Size) else tg.Size(tuple(shape))


def broadcast_all(*values):
    """Broadcast tensors and Python numbers together. Numbers become tensors of the first
    tensor's dtype and device (the default dtype if there is none), as torch does."""
    if not all(isinstance(v, (tg.Tensor, *_Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number or tetragrad.Tensor.")
    if not all(isinstance(v, tg.Tensor) for v in values):
        first = next((v for v in values if isinstance(v, tg.Tensor)), None)
        opts = (
            dict(dtype=tg.get_default_dtype())
            if first is None
            else dict(dtype=first.dtype, device=first.device)
        )
        values = [v if isinstance(v, tg.Tensor) else tg.tensor(float(v), **opts) for v in values]
    return tg.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    return tg.randn(_size(shape), dtype=dtype, device=device)


def _sum_rightmost(value, dim: int):
    """Sum out the `dim` rightmost dimensions of value."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary: bool = False):
    """Log-odds -> probabilities (binary), or unnormalised log-probabilities over the last
    dimension -> probabilities."""
    if is_binary:
        return tg.sigmoid(logits)
    return tg.nn.functional.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Clamp into [eps, 1 - eps] (eps of probs' dtype), so log and log1p(-p) stay finite."""
    eps = tg.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Probabilities -> log-odds (binary) or log-probabilities."""
    ps = clamp_probs(probs)
    if is_binary:
        return tg.log(ps) - tg.log1p(-ps)
    return tg.log(ps)


class lazy_property:
    """A parameter computed on first access from the other one (probs from logits, ...), then
    stored on the instance. Computed with grad enabled, so a value first read under no_grad
    (in sample) still carries the graph to the parameters later calls need."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__name__ = wrapped.__name__
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self  # Distribution.__init__ looks for the descriptor to skip unset params
        with tg.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
