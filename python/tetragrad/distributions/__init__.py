"""``tetragrad.distributions``: torch.distributions' API for the common distributions.

Pure Python over tetragrad tensor ops, so log_prob, entropy, rsample and kl_divergence are
differentiable in the parameters through the C++ autograd. Draws use the default generator
(``tetragrad.manual_seed`` makes them reproducible).

Gamma, Beta and Dirichlet draw through ``tetragrad._standard_gamma`` (reparameterised by its
implicit gradient); ``Gamma.cdf`` is missing (tetragrad has no regularized incomplete gamma).
"""

from . import constraints
from .bernoulli import Bernoulli
from .beta import Beta
from .categorical import Categorical
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .gamma import Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Beta",
    "Categorical",
    "Dirichlet",
    "Distribution",
    "ExponentialFamily",
    "Gamma",
    "Independent",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "OneHotCategoricalStraightThrough",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
