"""Backend settings, as ``torch.backends``: ``tetragrad.backends.cpu.get_cpu_capability()``."""

from . import cpu

__all__ = ["cpu"]
