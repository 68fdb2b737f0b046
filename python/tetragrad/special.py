"""tetragrad.special: torch.special's names for the ops tetragrad has (the same C++ ops as the
top-level functions), and logit/expit."""

from __future__ import annotations

from . import _C
from ._C import (
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    lgamma,
    log1p,
    logsumexp,
    xlogy,
)
from ._C import sigmoid as expit
from ._C._nn import log_softmax, softmax

gammaln = lgamma
psi = digamma
gammainc = _C.igamma
gammaincc = _C.igammac


def logit(input, eps=None):
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] first when eps is given (torch.logit)."""
    p = input if eps is None else _C.clamp(input, eps, 1.0 - eps)
    return _C.log(p) - _C.log1p(-p)


__all__ = [
    "digamma",
    "erf",
    "erfc",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "lgamma",
    "log1p",
    "log_softmax",
    "logit",
    "logsumexp",
    "psi",
    "softmax",
    "xlogy",
]
