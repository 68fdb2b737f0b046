"""Autograd entry points: grad-mode switches, backward over several roots, gradcheck."""

from __future__ import annotations

import functools

from .. import _C
from . import graph
from .gradcheck import gradcheck

__all__ = ["backward", "enable_grad", "gradcheck", "no_grad", "set_grad_enabled"]


class _GradMode:
    """A context manager that is also a decorator (as torch's)."""

    _mode: bool

    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C.set_grad_enabled(self._mode)
        return self

    def __exit__(self, *exc):
        _C.set_grad_enabled(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Turn off graph recording: ``with tg.no_grad(): ...`` or ``@tg.no_grad()``."""

    _mode = False


class enable_grad(_GradMode):
    """Turn graph recording back on inside a no_grad block."""

    _mode = True


class set_grad_enabled(_GradMode):
    """Set grad mode on or off (immediately, and as a context manager restoring the old mode)."""

    def __init__(self, mode: bool):
        self._prev = _C.is_grad_enabled()
        self._mode = bool(mode)
        _C.set_grad_enabled(self._mode)

    def __enter__(self):
        return self

    def __call__(self, fn):
        mode = self._mode
        _C.set_grad_enabled(self._prev)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


def backward(tensors, grad_tensors=None, retain_graph: bool = False) -> None:
    """Accumulate gradients of ``tensors`` (a tensor or a sequence) into the leaves' ``.grad``."""
    if isinstance(tensors, _C.Tensor):
        tensors = [tensors]
    tensors = list(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    elif isinstance(grad_tensors, _C.Tensor):
        grad_tensors = [grad_tensors]
    _C.backward(tensors, list(grad_tensors), retain_graph)
