"""Backend settings, as ``torch.backends``: ``tetragrad.backends.cpu.get_cpu_capability()``;
``mps`` and ``cudnn`` answer as torch's do on a machine without them."""

from . import cpu, cudnn, mps

__all__ = ["cpu", "cudnn", "mps"]
