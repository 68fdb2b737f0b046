"""Python-side pieces of Tensor: construction from data, repr, Size, and the methods whose
return types (named tuples, lists) are simplest to build in Python."""

from __future__ import annotations

import builtins
import collections
import copy
import copyreg
import math

import numpy as np

from . import _C
from ._C import Tensor

# The NumPy dtype each tetragrad dtype fills from (bfloat16, which NumPy lacks, through float32).
_dtypes_np = {
    _C.dtype.float32: np.float32,
    _C.dtype.float64: np.float64,
    _C.dtype.float16: np.float16,
    _C.dtype.bfloat16: np.float32,
    _C.dtype.int64: np.int64,
    _C.dtype.int32: np.int32,
    _C.dtype.int16: np.int16,
    _C.dtype.int8: np.int8,
    _C.dtype.uint8: np.uint8,
    _C.dtype.bool: np.bool_,
}
# NumPy arrays keep their dtype where tetragrad has it (as torch.tensor and from_numpy do).
_np_kept = {
    np.dtype(np.float32): _C.dtype.float32,
    np.dtype(np.float64): _C.dtype.float64,
    np.dtype(np.float16): _C.dtype.float16,
    np.dtype(np.int32): _C.dtype.int32,
    np.dtype(np.int16): _C.dtype.int16,
    np.dtype(np.int8): _C.dtype.int8,
    np.dtype(np.uint8): _C.dtype.uint8,
}


_C.dtype.__repr__ = _C.dtype.__str__ = lambda self: f"tetragrad.{self.name}"


class Size(tuple):
    """The shape of a tensor: a tuple of ints, printed as ``tetragrad.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"tetragrad.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    # torch.Size stays a Size under slicing, + and * (a plain tuple would print differently and
    # lose numel()).
    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple(self) * n)

    __rmul__ = __mul__


_C._set_size_type(Size)


def broadcast_shapes(*shapes) -> Size:
    """The shape tensors of these shapes broadcast to (torch.broadcast_shapes), without tensors."""
    out: list[int] = []
    for shape in shapes:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for k in range(1, len(shape) + 1):
            n = shape[-k]
            if n < 0:
                raise _C.TensorValueError(f"broadcast_shapes: negative size {n} in {shape}")
            if k > len(out):
                out.insert(0, n)
            elif out[-k] == 1:
                out[-k] = n
            elif n != 1 and n != out[-k]:
                raise _C.TensorValueError(
                    f"broadcast_shapes: shape mismatch: objects cannot be broadcast to a single "
                    f"shape ({list(shapes)})"
                )
    return Size(out)


def _infer_dtype(arr: np.ndarray, from_numpy_array: builtins.bool):
    kind = arr.dtype.kind
    if kind == "b":
        return _C.dtype.bool
    if from_numpy_array and arr.dtype in _np_kept:
        return _np_kept[arr.dtype]
    if from_numpy_array and arr.dtype.name == "bfloat16":  # ml_dtypes'
        return _C.dtype.bfloat16
    if kind in "iu":
        return _C.dtype.int64
    if kind == "f":
        # Python floats take the default dtype (as torch).
        return _C.get_default_dtype()
    raise TypeError(f"tensor: can't build a tensor from data of dtype {arr.dtype}")


def _check_tensor_items(data):
    """torch's rule for tensors inside a list: each must hold one element (a scalar)."""
    first = data
    while isinstance(first, list | tuple) and first:
        first = first[0]
    if not isinstance(first, Tensor):  # lists of numbers: no scan (they may be long)
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, Tensor) and item.numel() != 1:
            raise ValueError(
                "tensor: only one element tensors can be converted to Python scalars (got one of "
                f"shape {list(item.shape)}); join tensors with tetragrad.stack or tetragrad.cat"
            )


def _check_int_range(arr: np.ndarray, dt) -> None:
    """Integers that do not fit the asked integer dtype raise, as torch's (NumPy would wrap)."""
    if arr.dtype.kind not in "iu" or not arr.size or dt.is_floating_point or dt == _C.dtype.bool:
        return
    info = np.iinfo(_dtypes_np[dt])
    lo, hi = int(arr.min()), int(arr.max())
    if lo < info.min or hi > info.max:
        raise OverflowError(
            f"tensor: value {lo if lo < info.min else hi} cannot be converted to {dt!r} without "
            "overflow"
        )


def tensor(data, dtype=None, device=None, requires_grad: builtins.bool = False) -> Tensor:
    """Build a new tensor (a copy) from nested lists, a scalar, a NumPy array or a tensor."""
    if isinstance(data, Tensor):
        arr = data.detach().numpy()
        dt = data.dtype if dtype is None else dtype
        is_np = True
    else:
        is_np = isinstance(data, np.ndarray | np.generic)
        _check_tensor_items(data)
        try:
            arr = np.asarray(data)
        except ValueError as e:
            raise ValueError(f"tensor: could not build a tensor from data: {e}") from None
        if arr.dtype == object:
            raise TypeError(
                f"tensor: could not infer dtype of {type(data).__name__} data (ragged or non-numeric)"
            )
        if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
            raise OverflowError("tensor: value cannot be converted to int64 without overflow")
        dt = _infer_dtype(arr, is_np) if dtype is None else dtype
    _check_int_range(arr, dt)
    if arr.dtype.name == "bfloat16":  # ml_dtypes': exact in float32
        arr = arr.astype(np.float32)
    # Copy into tetragrad's own (64-byte aligned, huge-page eligible) storage, not NumPy's;
    # bfloat16 fills a float32 tensor and rounds once.
    fill_dt = _C.dtype.float32 if dt == _C.dtype.bfloat16 else dt
    out = _C.empty(*arr.shape, dtype=fill_dt)
    if arr.size:
        try:
            with np.errstate(invalid="raise"):
                out.numpy()[...] = arr.astype(_dtypes_np[dt], copy=False)
        except FloatingPointError:
            raise ValueError(
                f"tensor: a value cannot be converted to {dt!r} without overflow"
            ) from None
    if fill_dt != dt:
        out = out.to(dt)
    if device is not None:
        out = out._to(None, device)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _like(name):
    def fn(
        input: Tensor, *, dtype=None, device=None, requires_grad: builtins.bool = False
    ) -> Tensor:
        return getattr(_C, name)(
            input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad
        )

    fn.__name__ = name + "_like"
    fn.__doc__ = f"``tetragrad.{name}`` with the shape (and by default dtype) of ``input``."
    return fn


zeros_like = _like("zeros")
ones_like = _like("ones")
empty_like = _like("empty")
rand_like = _like("rand")
randn_like = _like("randn")


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    generator=None,
    dtype=None,
    device=None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """Integers in [low, high) of ``input``'s shape; ``randint_like(x, high)`` as torch."""
    if high is None:
        low, high = 0, low
    return _C.randint(
        low,
        high,
        tuple(input.shape),
        generator=generator,
        dtype=dtype or input.dtype,
        device=device,
        requires_grad=requires_grad,
    )


def full_like(
    input: Tensor, fill_value, *, dtype=None, device=None, requires_grad: builtins.bool = False
) -> Tensor:
    return _C.full(
        input.shape,
        fill_value,
        dtype=dtype or input.dtype,
        device=device,
        requires_grad=requires_grad,
    )


# ---- max / min: one name, three meanings, as in torch -----------------------------------------
class _ReturnTypes:
    max = collections.namedtuple("max", ["values", "indices"])
    min = collections.namedtuple("min", ["values", "indices"])


def max(input: Tensor, dim=None, keepdim: builtins.bool = False):
    """max(t) -> 0-d tensor; max(t, dim, keepdim=False) -> (values, indices); max(a, b) -> maximum."""
    r = input._max(dim, keepdim)
    return _ReturnTypes.max(*r) if isinstance(r, tuple) else r


def min(input: Tensor, dim=None, keepdim: builtins.bool = False):
    """min(t) -> 0-d tensor; min(t, dim, keepdim=False) -> (values, indices); min(a, b) -> minimum."""
    r = input._min(dim, keepdim)
    return _ReturnTypes.min(*r) if isinstance(r, tuple) else r


# ---- repr like torch's ---------------------------------------------------------------------------
def _format_array(a: np.ndarray, dtype) -> str:
    if dtype == _C.dtype.bool:
        fmt = {"bool": lambda v: "True" if v else "False"}
    elif not dtype.is_floating_point:
        fmt = {"int": lambda v: str(v)}
    else:
        finite = a[np.isfinite(a)] if a.size else a
        absmax = float(np.abs(finite).max()) if finite.size else 0.0
        nonzero = np.abs(finite[finite != 0]) if finite.size else finite
        absmin = float(nonzero.min()) if nonzero.size else 0.0
        integral = finite.size == 0 or bool(np.all(finite == np.round(finite)))
        sci = finite.size > 0 and (
            absmax >= 1e8 or (absmin > 0 and (absmin < 1e-4 or absmax / absmin > 1000.0))
        )
        if integral and not sci:

            def f(v):
                return f"{v:.0f}." if np.isfinite(v) else str(v).replace("inf", "inf")
        elif sci:

            def f(v):
                return f"{v:.4e}" if np.isfinite(v) else str(v)
        else:

            def f(v):
                return f"{v:.4f}" if np.isfinite(v) else str(v)

        fmt = {"float": f}
    # Right-align every element to the widest one, as torch does.
    key = next(iter(fmt))
    base = fmt[key]
    width = builtins.max((len(base(v)) for v in a.reshape(-1)), default=0)
    fmt = {key: lambda v: base(v).rjust(width)}
    return np.array2string(
        a,
        separator=", ",
        formatter=fmt,
        prefix="tensor(",
        threshold=1000,
        edgeitems=3,
        max_line_width=80,
    )


def _host_array(t: Tensor) -> np.ndarray:
    """t as a NumPy array for printing and tolist: half types through float32 (exact), so no
    ml_dtypes is needed."""
    t = t.detach()
    if t.dtype in (_C.dtype.float16, _C.dtype.bfloat16):
        t = t.float()
    return t.numpy()


def _tensor_repr(self: Tensor) -> str:
    a = _host_array(self)
    suffix = []
    if self.numel() == 0 and self.ndim > 1:
        body = "[]"
        suffix.append(f"size={tuple(self.shape)}")
    else:
        body = _format_array(a, self.dtype)
    if self.dtype not in (_C.get_default_dtype(), _C.dtype.int64, _C.dtype.bool):
        suffix.append(f"dtype={self.dtype!r}")
    elif self.dtype == _C.dtype.int64 and self.numel() == 0:
        suffix.append(f"dtype={self.dtype!r}")
    if self.grad_fn is not None:
        suffix.append(f"grad_fn=<{self.grad_fn.name()}>")
    elif self.requires_grad:
        suffix.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + s for s in suffix) + ")"


# ---- methods that are simplest in Python --------------------------------------------------------
def _tolist(self: Tensor):
    return _host_array(self).tolist()


def _iter(self: Tensor):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(self.unbind(0))


def _array(self: Tensor, dtype=None, copy=None):
    a = self.numpy()  # raises, as torch does, for a tensor that requires grad
    if dtype is not None:
        return a.astype(dtype, copy=bool(copy))
    return a.copy() if copy else a


def _to(self: Tensor, *args, **kwargs) -> Tensor:
    """to(dtype), to(device), to(device, dtype), to(other), with copy= and non_blocking= accepted."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {list(kwargs)}")
    for a in args:
        if isinstance(a, _C.dtype):
            dtype = a
        elif isinstance(a, str | _C.device):
            device = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        else:
            raise TypeError(f"to() received an invalid argument {a!r}")
    return self._to(dtype, device, copy)


def _reduce(self: Tensor):
    # bfloat16 travels as float32 (exact) with its dtype: NumPy may not have it.
    bf16 = self.dtype == _C.dtype.bfloat16
    data = (self.detach().float() if bf16 else self.detach()).numpy().copy()
    dt = self.dtype if bf16 else None
    if type(self) is Tensor:
        return (_rebuild, (data, self.requires_grad, dt))
    # A subclass (nn.Parameter, a user's): same class and attributes back, as torch's.
    return (_rebuild_subclass, (type(self), data, self.requires_grad, self.__dict__, dt))


def _from_array(array, dtype):
    t = _C.from_numpy(array)
    return t if dtype is None else t.to(dtype)


def _rebuild(array, requires_grad, dtype=None):
    t = _from_array(array, dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_subclass(cls, array, requires_grad, state, dtype=None):
    new = cls.__new__(cls)
    Tensor.__init__(new, _from_array(array, dtype))
    new.requires_grad_(requires_grad)
    new.__dict__.update(state)
    return new


def _deepcopy(self: Tensor, memo):
    if not self.is_leaf:
        raise RuntimeError(
            "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol"
        )
    if id(self) in memo:
        return memo[id(self)]
    data = self.detach().clone()
    if type(self) is Tensor:
        new = data
    else:  # a subclass (nn.Parameter, ...): same class, same attributes
        new = type(self).__new__(type(self))
        Tensor.__init__(new, data)
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
    new.requires_grad_(self.requires_grad)
    if self.grad is not None:
        new.grad = self.grad.detach().clone()
    memo[id(self)] = new
    return new


def _new_tensor(self: Tensor, data, dtype=None, requires_grad=False) -> Tensor:
    return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Splits dim ``dim`` into ``sizes`` (one may be -1): [N, 12] -> [N, 3, 4]. A view when the
    input's strides allow, as torch's."""
    sizes = tuple(int(s) for s in sizes)
    nd = input.dim()
    d = dim + nd if dim < 0 else dim
    if nd == 0 or not 0 <= d < nd:
        raise IndexError(f"unflatten: dimension {dim} out of range for a {nd}-d tensor")
    if not sizes:
        raise ValueError("unflatten: sizes must be non-empty")
    shape = list(input.shape)
    known = math.prod(s for s in sizes if s != -1)
    infer = sizes.count(-1)
    if (
        infer > 1
        or any(s < -1 for s in sizes)
        or (known != shape[d] if infer == 0 else (known == 0 or shape[d] % known))
    ):
        raise ValueError(
            f"unflatten: sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({shape[d]}) of the input (shape {shape})"
        )
    return input.reshape(shape[:d] + list(sizes) + shape[d + 1 :])


Tensor.__repr__ = _tensor_repr
Tensor.__str__ = _tensor_repr
Tensor.tolist = _tolist
Tensor.__iter__ = _iter
Tensor.__array__ = _array
Tensor.to = _to
Tensor.__reduce__ = _reduce
Tensor.__deepcopy__ = _deepcopy
Tensor.new_tensor = _new_tensor
Tensor.max = max
Tensor.unflatten = unflatten
Tensor.min = min
Tensor.__module__ = "tetragrad"
Tensor.new_zeros = lambda self, *size, dtype=None, requires_grad=False: _C.zeros(
    *size, dtype=dtype or self.dtype, requires_grad=requires_grad
)
Tensor.new_ones = lambda self, *size, dtype=None, requires_grad=False: _C.ones(
    *size, dtype=dtype or self.dtype, requires_grad=requires_grad
)
Tensor.new_full = lambda self, size, fill_value, dtype=None, requires_grad=False: _C.full(
    size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad
)
Tensor.new_empty = lambda self, *size, dtype=None, requires_grad=False: _C.empty(
    *size, dtype=dtype or self.dtype, requires_grad=requires_grad
)
copyreg.pickle(Tensor, _reduce)
