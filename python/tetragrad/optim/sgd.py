"""``SGD`` with momentum, dampening, weight decay, Nesterov and maximize (PyTorch's rule);
the update of each parameter group is one fused C++ loop per tensor."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .._C import _nn
from .optimizer import Optimizer


class SGD(Optimizer):
    """Per parameter p with gradient g (PyTorch's update rule exactly):

    g = -g if maximize;  g += weight_decay * p
    b = g on the first step, else momentum * b + (1 - dampening) * g   (momentum != 0)
    g = g + momentum * b if nesterov else b
    p -= lr * g
    """

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach=None,
        differentiable: bool = False,
        fused=None,
    ):
        if differentiable:
            raise ValueError("SGD: differentiable=True is not supported")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        self._check_group(defaults)  # torch validates the defaults, not each group
        super().__init__(params, defaults)

    def _check_group(self, g: dict) -> None:
        # torch's checks, in C++ (optim::check_sgd_options), shared with the C++ SGD
        _nn.sgd_check_options(
            g["lr"], g["momentum"], g["dampening"], g["weight_decay"], g["nesterov"], g["maximize"]
        )

    def step(self, closure: Callable | None = None):
        loss = self._closure_loss(closure)
        state = self.state
        for g in self.param_groups:
            params = g["params"]
            mom = g["momentum"]
            if mom == 0:
                _nn.sgd_step(
                    params,
                    (),
                    g["lr"],
                    0.0,
                    g["dampening"],
                    g["weight_decay"],
                    False,
                    g["maximize"],
                )
                continue
            bufs = [st.get("momentum_buffer") if (st := state.get(p)) else None for p in params]
            new = _nn.sgd_step(
                params,
                bufs,
                g["lr"],
                mom,
                g["dampening"],
                g["weight_decay"],
                g["nesterov"],
                g["maximize"],
            )
            for p, old, buf in zip(params, bufs, new, strict=True):
                if old is None and buf is not None:
                    state[p]["momentum_buffer"] = buf
        return loss
