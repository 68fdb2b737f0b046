"""``tetragrad.optim``: optimizers with PyTorch's API and update rules."""

from .optimizer import Optimizer
from .sgd import SGD
