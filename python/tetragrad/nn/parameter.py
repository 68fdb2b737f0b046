"""``nn.Parameter``: a tensor that a Module registers as a learnable parameter."""

from __future__ import annotations

from .._C import Tensor


class Parameter(Tensor):
    """A leaf tensor sharing ``data``'s storage, with ``requires_grad=True`` by default.

    Assigning one to a Module attribute registers it (``module.parameters()``)."""

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from .. import empty

            data = empty(0)
        super().__init__(data)
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
