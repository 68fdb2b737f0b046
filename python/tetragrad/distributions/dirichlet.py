"""``Dirichlet(concentration)``: the distribution on the probability simplex with density
prod_k x_k^(alpha_k - 1) Gamma(sum alpha) / prod_k Gamma(alpha_k)."""

from __future__ import annotations

import tetragrad as tg

from . import constraints
from .exp_family import ExponentialFamily
from .gamma import _standard_gamma
from .utils import _size

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """concentration: (..., K), positive; the last dimension is the event, the others the
    batch."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args: bool | None = None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = _size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape + self.event_shape)
        super(Dirichlet, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=()):
        # torch draws with torch._sample_dirichlet and differentiates with _dirichlet_grad;
        # tetragrad has neither. Normalised Gamma(alpha_k, 1) draws have the same law, and the
        # implicit reparameterization gradient of each gamma draw, carried through the
        # normalisation by autograd, is a valid (unbiased) reparameterised gradient, but not
        # sample-by-sample the one torch computes.
        shape = self._extended_shape(sample_shape)
        gammas = _standard_gamma(self.concentration.expand(shape))  # each >= finfo.tiny
        value = gammas / gammas.sum(-1, keepdim=True)
        # as torch's sampler: into [tiny, largest float below 1], outside the graph, so the
        # log_prob of a draw stays finite
        finfo = tg.finfo(value.dtype)
        value.detach().clamp_(min=finfo.tiny, max=1 - finfo.eps / 2)
        return value

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (
            tg.xlogy(self.concentration - 1.0, value).sum(-1)
            + tg.lgamma(self.concentration.sum(-1))
            - tg.lgamma(self.concentration).sum(-1)
        )

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        concentrationm1 = (self.concentration - 1).clamp(min=0.0)
        mode = concentrationm1 / concentrationm1.sum(-1, True)
        # every alpha_k < 1: the density peaks at the vertices; torch names one (the first,
        # argmax of the all-NaN row)
        mask = (self.concentration < 1).all(dim=-1)
        mode[mask] = tg.nn.functional.one_hot(
            mode[mask].argmax(dim=-1), concentrationm1.shape[-1]
        ).to(mode)
        return mode

    @property
    def variance(self):
        con0 = self.concentration.sum(-1, True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def entropy(self):
        k = self.concentration.size(-1)
        a0 = self.concentration.sum(-1)
        return (
            tg.lgamma(self.concentration).sum(-1)
            - tg.lgamma(a0)
            - (k - a0) * tg.digamma(a0)
            - ((self.concentration - 1.0) * tg.digamma(self.concentration)).sum(-1)
        )

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - tg.lgamma(x.sum(-1))
