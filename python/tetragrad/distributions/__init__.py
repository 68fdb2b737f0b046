"""``tetragrad.distributions``: torch.distributions' API for the common distributions.

Pure Python over tetragrad tensor ops, so log_prob, entropy, rsample and kl_divergence are
differentiable in the parameters through the C++ autograd. Draws use the default generator
(``tetragrad.manual_seed`` makes them reproducible).

Not here yet: Beta, Gamma, Dirichlet (and the families built on them) need lgamma, digamma
and a differentiable gamma sampler, which tetragrad lacks.
"""

from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "ExponentialFamily",
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
