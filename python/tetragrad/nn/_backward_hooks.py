"""Module backward hooks (``register_full_backward_hook`` / ``_pre_hook``), built as torch
builds them: the module's tensor inputs and outputs pass through identity autograd Functions,
whose backward sees the gradients w.r.t. all of them at once."""

from __future__ import annotations

from .. import _C
from .._C import Tensor
from ..autograd.function import Function


class _Identity(Function):
    """Returns its tensors unchanged; on backward hands their gradients to ``on_backward``,
    which returns the gradients to pass on."""

    @staticmethod
    def forward(ctx, on_backward, *tensors):
        ctx.on_backward = on_backward
        ctx.set_materialize_grads(False)  # None where a tensor got no gradient, as torch
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        return (None, *ctx.on_backward(grads))


def _wrap(values: tuple, on_backward) -> tuple[tuple, list[int]]:
    """`values` with every tensor requiring grad passed through _Identity; their positions."""
    idx = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
    if not idx:
        return values, idx
    wrapped = _Identity.apply(on_backward, *[values[i] for i in idx])
    out = list(values)
    for k, i in enumerate(idx):
        out[i] = wrapped[k]
    return tuple(out), idx


def _as_tuple(res, n: int, what: str) -> tuple:
    res = res if isinstance(res, tuple) else (res,)
    if len(res) != n:
        raise RuntimeError(
            f"Backward hook returned an invalid number of {what}, got {len(res)}, but expected {n}"
        )
    return res


def call_with_backward_hooks(module, forward, args: tuple, kwargs: dict):
    """forward(*args, **kwargs) with module's full backward (pre-)hooks attached.

    grad_input has one entry per positional argument, as torch's: the gradient of a tensor that
    requires grad, zeros for another tensor, None for a non-tensor (all None when no input
    requires grad)."""
    state = {"grad_output": None}
    # Per positional argument: (shape, dtype) of a tensor (for its zeros), None otherwise; the
    # closures keep these, not the inputs themselves.
    specs = [(list(a.shape), a.dtype) if isinstance(a, Tensor) else None for a in args]

    def run_hooks(grad_input: tuple) -> tuple:
        for hook in list(module._backward_hooks.values()):
            res = hook(module, grad_input, state["grad_output"])
            if res is not None:
                grad_input = _as_tuple(res, len(grad_input), "grad_input")
        return grad_input

    def on_grad_input(grads: tuple) -> tuple:
        by_pos = dict(zip(in_idx, grads, strict=True))
        grad_input = tuple(
            by_pos[i] if i in by_pos else (None if s is None else _C.zeros(s[0], dtype=s[1]))
            for i, s in enumerate(specs)
        )
        grad_input = run_hooks(grad_input)
        return tuple(grad_input[i] for i in in_idx)

    def on_grad_output(grads: tuple) -> tuple:
        for hook in list(module._backward_pre_hooks.values()):
            res = hook(module, grads)
            if res is not None:
                grads = _as_tuple(res, len(grads), "grad_output")
        state["grad_output"] = grads
        if not in_idx:  # no input needs a gradient: the hooks run now, with grad_input None
            run_hooks(tuple(None for _ in specs))
        return grads

    wrapped_args, in_idx = _wrap(args, on_grad_input)
    out = forward(*wrapped_args, **kwargs)
    single = not isinstance(out, tuple)
    outs, _ = _wrap((out,) if single else out, on_grad_output)
    return outs[0] if single else outs
