"""Basic layers: ``Linear``, ``Identity``, ``Flatten``, ``Unflatten``, ``Dropout``."""

from __future__ import annotations

from .. import _C
from .._C import Tensor
from . import init
from .module import Module
from .parameter import Parameter

_linear = _C._nn.linear


class Linear(Module):
    """y = x W^T + b. Input [*, in_features] -> output [*, out_features].

    ``weight`` [out_features, in_features] and ``bias`` [out_features] start as
    U(-1/sqrt(in_features), 1/sqrt(in_features)), PyTorch's default."""

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ):
        super().__init__()
        from .. import empty, get_default_dtype

        if not (isinstance(in_features, int) and isinstance(out_features, int)):
            raise TypeError(
                f"Linear: in_features and out_features must be ints, got {in_features!r}, {out_features!r}"
            )
        if in_features < 0 or out_features < 0:
            raise ValueError(
                f"Linear: in_features and out_features must be >= 0, got {in_features}, {out_features}"
            )

        self.in_features = in_features
        self.out_features = out_features
        dt = dtype if dtype is not None else get_default_dtype()
        self.weight = Parameter(empty((out_features, in_features), dtype=dt))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's: kaiming_uniform_(weight, a=sqrt(5)), bias U(-1/sqrt(in), 1/sqrt(in)) (the
        formula in C++, shared with the C++ Linear)."""
        init._warn_if_empty(self.weight)
        _C._init.reset_linear_parameters(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        try:  # free in Python 3.11+ until something raises
            return _linear(input, self.weight, self.bias)
        except (ValueError, TypeError) as e:  # name the layer, not only the op
            if type(e) not in (ValueError, TypeError, _C.TensorValueError, _C.TensorTypeError):
                raise
            raise type(e)(f"{self!r}: {e}") from None

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Flatten(Module):
    """Flattens dims ``start_dim..end_dim``: [N, C, H, W] -> [N, C*H*W] by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dim ``dim`` into ``unflattened_size``: [N, 12] -> [N, 3, 4] (Flatten's inverse)."""

    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, tuple | list):
            raise TypeError(
                f"Unflatten: unflattened_size must be a tuple or list of ints, got {type(unflattened_size).__name__}"
            )
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """Inverted dropout in training mode (zero with probability p, scale by 1/(1-p)); the
    identity in eval mode."""

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        from .functional import dropout

        return dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
