"""``ExponentialFamily``: densities exp(<t(x), theta> - F(theta) + k(x))."""

from __future__ import annotations

import tetragrad as tg

from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Subclasses give ``_natural_params`` (theta), ``_log_normalizer`` (F) and
    ``_mean_carrier_measure`` (E[k(x)]); the generic ``entropy`` is then the Bregman form
    F(theta) - <theta, grad F(theta)> - E[k(x)], with grad F from autograd."""

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        # torch passes create_graph=True, which only keeps the result differentiable in these
        # detached copies (never in the distribution's parameters); tetragrad's autograd.grad
        # has no higher-order mode, so the gradient terms are constants here
        grads = tg.autograd.grad(lg_normal.sum(), nparams)
        result = result + lg_normal
        for p, g in zip(nparams, grads, strict=True):
            result = result - (p * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
