"""``Gamma(concentration, rate)``: density rate^a x^(a-1) e^(-rate x) / Gamma(a) on x >= 0."""

from __future__ import annotations

import tetragrad as tg

from . import constraints
from .exp_family import ExponentialFamily
from .utils import _Number, _size, broadcast_all

__all__ = ["Gamma"]


def _standard_gamma(concentration):
    """Gamma(concentration, 1) draws, differentiable in concentration (the implicit
    reparameterization gradient), as torch._standard_gamma."""
    if not hasattr(tg, "_standard_gamma"):
        raise NotImplementedError(
            "drawing from Gamma, Beta or Dirichlet needs tetragrad._standard_gamma, which this "
            "build of tetragrad lacks"
        )
    return tg._standard_gamma(concentration)


class Gamma(ExponentialFamily):
    """concentration (shape, alpha) and rate (1 / scale, beta), both positive; broadcast
    together into the batch."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, concentration, rate, validate_args: bool | None = None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        both_numbers = isinstance(concentration, _Number) and isinstance(rate, _Number)
        batch_shape = () if both_numbers else self.concentration.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gamma, _instance)
        batch_shape = _size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        super(Gamma, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        # keep draws that underflowed off 0 (log_prob stays finite); not recorded in the graph
        value.detach().clamp_(min=tg.finfo(value.dtype).tiny)
        return value

    def log_prob(self, value):
        value = tg.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (
            tg.xlogy(self.concentration, self.rate)
            + tg.xlogy(self.concentration - 1, value)
            - self.rate * value
            - tg.lgamma(self.concentration)
        )

    def cdf(self, value):
        # torch: special.gammainc(concentration, rate * value)
        raise NotImplementedError(
            "Gamma.cdf needs the regularized lower incomplete gamma function "
            "(torch.special.gammainc), which tetragrad lacks"
        )

    def entropy(self):
        return (
            self.concentration
            - tg.log(self.rate)
            + tg.lgamma(self.concentration)
            + (1.0 - self.concentration) * tg.digamma(self.concentration)
        )

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return tg.lgamma(x + 1) + (x + 1) * tg.log(-y.reciprocal())
