"""``tetragrad.nn.utils``: gradient clipping and parameter/vector conversion, with PyTorch's
names, arguments and formulas (``torch.nn.utils``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .. import _C
from .._C import Tensor
from ..autograd import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _as_list(parameters) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach=None,
) -> Tensor:
    """Scales the gradients of ``parameters`` in place so that their joint ``norm_type``-norm
    (the norm of the per-tensor norms) is at most ``max_norm``; returns that norm before
    clipping. As torch: the scale is ``max_norm / (norm + 1e-6)`` clamped to 1, and ``foreach``
    is accepted and ignored (there is one code path)."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return _C.zeros([])
    with no_grad():
        norms = [g.norm(norm_type) for g in grads]
        dtype = norms[0].dtype
        total = _C.stack([n.to(dtype) for n in norms]).norm(norm_type)
        if error_if_nonfinite and not bool(total.isfinite().item()):
            raise RuntimeError(
                f"clip_grad_norm_: the total norm of order {norm_type} for gradients from "
                "`parameters` is non-finite, so it cannot be clipped. To disable this error and "
                "scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
            )
        coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))
    return total


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach=None
) -> None:
    """Clamps every gradient of ``parameters`` to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated into one 1-D tensor (a copy)."""
    if isinstance(parameters, Tensor):
        raise TypeError(
            f"parameters_to_vector: expected an iterable of Tensors, got {type(parameters).__name__}"
        )
    return _C.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Points each parameter's ``.data`` at its consecutive slice of the 1-D ``vec`` (as torch:
    the parameters then share ``vec``'s memory)."""
    if not isinstance(vec, Tensor):
        raise TypeError(
            f"vector_to_parameters: expected vec to be a Tensor, got {type(vec).__name__}"
        )
    params = list(parameters)
    need = sum(math.prod(p.shape) for p in params)
    if vec.dim() != 1 or vec.shape[0] != need:
        raise ValueError(
            f"vector_to_parameters: vec has shape {list(vec.shape)}, the parameters need [{need}] elements"
        )
    offset = 0
    for p in params:
        n = math.prod(p.shape)
        p.data = vec[offset : offset + n].view(p.shape).data
        offset += n
