"""Custom differentiable operations: ``tetragrad.autograd.Function``, PyTorch's API.

    class Exp(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

    y = Exp.apply(x)

``forward`` runs without recording a graph; its tensor outputs get one autograd node (in C++,
``record_function``) whose backward calls ``backward`` with one gradient per output and takes
one gradient (or None) per ``forward`` argument.
"""

from __future__ import annotations

from .. import _C
from .._C import Tensor
from . import no_grad  # autograd/__init__ imports this module last

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` of a custom Function: what forward leaves for backward."""

    def __init__(self):
        self._saved: tuple = ()
        self._saved_versions: tuple = ()
        self._non_differentiable: set[int] = set()
        self._materialize_grads = True
        self.needs_input_grad: tuple[bool, ...] = ()

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (or None) for backward; an in-place write to one of them before
        backward makes ``saved_tensors`` raise, as in torch."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save tensors or None, got {type(t).__name__}"
                )
        self._saved = tuple(None if t is None else t.detach() for t in tensors)
        self._saved_versions = tuple(None if t is None else t._version for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        for i, (t, v) in enumerate(zip(self._saved, self._saved_versions, strict=True)):
            if t is not None and t._version != v:
                raise RuntimeError(
                    f"one of the tensors needed for gradient computation has been modified by an "
                    f"inplace operation: saved tensor {i} (shape {list(t.shape)}) is at version "
                    f"{t._version}; expected version {v}"
                )
        return self._saved

    def mark_non_differentiable(self, *tensors) -> None:
        """These outputs get no gradient (as integer outputs never do)."""
        self._non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        """True (default): backward gets zeros for outputs that received no gradient; False: None."""
        self._materialize_grads = bool(value)

    def mark_dirty(self, *tensors) -> None:
        raise NotImplementedError(
            "mark_dirty: in-place custom Functions are not supported by tetragrad"
        )


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_name = name + "Backward"


class Function(metaclass=_FunctionMeta):
    """Subclass with ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` static
    methods; call ``apply(*args)``. Instances are not used (as torch's)."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            f"{type(self).__name__}: custom Functions are used through the class: call "
            f"{type(self).__name__}.apply(...)"
        )

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement the backward function for custom autograd.Function."
        )

    # torch 2's other style: forward(*args) without ctx, and setup_context(ctx, inputs, output)
    # to fill ctx. Used when a subclass overrides it.
    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not overridden")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            if cls.setup_context is Function.setup_context:
                result = cls.forward(ctx, *args, **kwargs)
            else:
                result = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, result)
        if not (_C.is_grad_enabled() and any(ctx.needs_input_grad)):
            return result
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        arg_ids = {id(a) for a in args if isinstance(a, Tensor)}
        recorded, kept = [], []
        for o in outputs:
            if isinstance(o, Tensor):
                # an input returned as is becomes a new handle on it (else its own history
                # would be overwritten)
                o = o.detach() if id(o) in arg_ids else o
                differentiable = o.is_floating_point() and id(o) not in ctx._non_differentiable
                recorded.append(o if differentiable else None)
            else:
                recorded.append(None)
            kept.append(o)
        # The closure keeps shapes and flags, not tensors: no output (a cycle through the node)
        # and no input (its memory) stays alive because of it.
        shapes = [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None for o in kept]
        is_tensor = [isinstance(a, Tensor) for a in args]

        def backward(grads):
            if ctx._materialize_grads:
                grads = [
                    g if g is not None or s is None else _C.zeros(list(s[0]), dtype=s[1])
                    for g, s in zip(grads, shapes, strict=True)
                ]
            res = cls.backward(ctx, *grads)
            res = res if isinstance(res, tuple) else (res,)
            if len(res) != len(is_tensor):
                raise RuntimeError(
                    f"{cls._backward_name}: backward returned an incorrect number of gradients "
                    f"(expected {len(is_tensor)}, got {len(res)})"
                )
            for i, g in enumerate(res):
                if g is not None and not isinstance(g, Tensor):
                    raise TypeError(
                        f"{cls._backward_name}: backward must return Tensors or None, got "
                        f"{type(g).__name__} for input {i}"
                    )
            return [g if t else None for t, g in zip(is_tensor, res, strict=True)]

        _C._record_function(
            cls._backward_name,
            [a if isinstance(a, Tensor) else None for a in args],
            recorded,
            backward,
        )
        return kept[0] if single else tuple(kept)


def once_differentiable(backward):
    """Marks a backward as not differentiable itself. tetragrad has no higher-order gradients
    (create_graph), so every backward already is: this returns ``backward`` unchanged."""
    return backward
