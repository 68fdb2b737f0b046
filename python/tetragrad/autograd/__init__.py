"""Autograd entry points: grad-mode switches, backward over several roots, gradcheck."""

from __future__ import annotations

import functools

from .. import _C
from . import graph
from .gradcheck import gradcheck

__all__ = [
    "Function",
    "FunctionCtx",
    "backward",
    "enable_grad",
    "grad",
    "gradcheck",
    "no_grad",
    "set_grad_enabled",
    "Variable",
]


class _GradMode:
    """A context manager that is also a decorator, with or without parentheses (as torch's)."""

    _mode: bool

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)  # used as @no_grad, without parentheses

    def __enter__(self):
        self._prev = _C._exchange_grad_mode(self._mode)
        return self

    def __exit__(self, *exc):
        _C._exchange_grad_mode(self._prev)
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

    def __new__(cls, mode: bool):
        return object.__new__(cls)

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


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph: bool = False,
    allow_unused: bool = False,
):
    """Gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated into .grad).

    outputs, inputs: a tensor or a sequence of tensors; grad_outputs: the vector for the
    vector-Jacobian product (default: ones for scalar outputs). Returns a tuple, one entry per
    input; an input the outputs do not depend on raises unless ``allow_unused`` (then None).
    """
    if create_graph:
        raise RuntimeError(
            "tetragrad.autograd.grad: create_graph=True (higher-order gradients) is not supported"
        )
    outputs = [outputs] if isinstance(outputs, _C.Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, _C.Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, _C.Tensor):
        grad_outputs = [grad_outputs]
    result = _C.backward(outputs, list(grad_outputs), bool(retain_graph), inputs)
    if not allow_unused:
        for i, g in enumerate(result):
            if g is None:
                raise RuntimeError(
                    f"grad: input {i} was not used in the graph; pass allow_unused=True if this is intended"
                )
    return tuple(result)


from .function import Function, FunctionCtx  # noqa: E402 - it uses no_grad above


def Variable(data, requires_grad: bool = False, volatile: bool = False):  # noqa: N802 - torch's name
    """torch's legacy ``Variable(t)``: today a plain tensor, a new leaf sharing ``t``'s data."""
    return data.detach().requires_grad_(requires_grad)
