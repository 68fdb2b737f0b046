"""The parts of torch's older and convenience surface that tutorials still touch: the legacy
tensor types (``tg.FloatTensor(2, 3)``, ``isinstance(x, tg.LongTensor)``), ``Tensor.type``,
``format(loss, '.4f')``, ``as_tensor``/``asarray``, the default device and ``inference_mode``.
Each is a thin re-arrangement of existing ops (no hot path)."""

from __future__ import annotations

import builtins
import functools
import threading

import numpy as np

from . import _C
from ._C import Tensor
from ._tensor import tensor
from .autograd import _GradMode


class _LegacyTensorType(type):
    """``isinstance(x, tg.FloatTensor)`` asks for a tensor of that dtype, as in torch."""

    def __instancecheck__(cls, obj) -> builtins.bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'tetragrad.{cls.__name__}'>"


def _legacy_new(cls, *args, device=None):
    # FloatTensor(2, 3) / FloatTensor(Size) is an uninitialised tensor of that shape,
    # FloatTensor([1, 2]) one built from the data.
    if not args:
        return _C.empty(0, dtype=cls.dtype)
    if len(args) == 1 and not isinstance(args[0], int):
        data = args[0]
        if isinstance(data, tuple) and all(isinstance(s, int) for s in data):
            return _C.empty(*data, dtype=cls.dtype)
        return tensor(data, dtype=cls.dtype)
    if not all(isinstance(s, int) for s in args):
        raise TypeError(
            f"{cls.__name__}(): expected sizes (ints) or one sequence of data, got {args!r}"
        )
    return _C.empty(*args, dtype=cls.dtype)


def _legacy_type(name: str, dtype):
    return _LegacyTensorType(
        name, (), {"dtype": dtype, "__new__": _legacy_new, "__module__": "tetragrad"}
    )


FloatTensor = _legacy_type("FloatTensor", _C.dtype.float32)
DoubleTensor = _legacy_type("DoubleTensor", _C.dtype.float64)
LongTensor = _legacy_type("LongTensor", _C.dtype.int64)
BoolTensor = _legacy_type("BoolTensor", _C.dtype.bool)
IntTensor = _legacy_type("IntTensor", _C.dtype.int32)
ShortTensor = _legacy_type("ShortTensor", _C.dtype.int16)
CharTensor = _legacy_type("CharTensor", _C.dtype.int8)
ByteTensor = _legacy_type("ByteTensor", _C.dtype.uint8)
HalfTensor = _legacy_type("HalfTensor", _C.dtype.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _C.dtype.bfloat16)
_LEGACY_BY_NAME = {
    t.__name__: t
    for t in (
        FloatTensor,
        DoubleTensor,
        LongTensor,
        BoolTensor,
        IntTensor,
        ShortTensor,
        CharTensor,
        ByteTensor,
        HalfTensor,
        BFloat16Tensor,
    )
}
_LEGACY_BY_DTYPE = {t.dtype: t for t in _LEGACY_BY_NAME.values()}


def _type(self: Tensor, dtype=None, non_blocking: builtins.bool = False, **kwargs):
    """``x.type()`` names the tensor type ("tetragrad.FloatTensor"); ``x.type(dtype)`` converts to
    a dtype, a legacy type or its name ("torch.LongTensor" is accepted as well)."""
    if dtype is None:
        return f"tetragrad.{_LEGACY_BY_DTYPE[self.dtype].__name__}"
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        if name not in _LEGACY_BY_NAME:
            raise ValueError(
                f"type: invalid type {dtype!r}; expected one of {sorted(_LEGACY_BY_NAME)}"
            )
        dtype = _LEGACY_BY_NAME[name].dtype
    elif isinstance(dtype, _LegacyTensorType):
        dtype = dtype.dtype
    if not isinstance(dtype, _C.dtype):
        raise TypeError(
            f"type: expected a dtype, a tensor type or its name, got {type(dtype).__name__}"
        )
    return self if self.dtype == dtype else self.to(dtype)


def _format(self: Tensor, spec: str) -> str:
    # A 0-d tensor formats as its number ('{:+.2f}'.format(loss)); others as str() when no spec.
    if self.dim() == 0:
        return format(self.item(), spec)
    if spec:
        raise TypeError(
            f"unsupported format string {spec!r} passed to a tensor of shape {list(self.shape)}"
        )
    return str(self)


Tensor.type = _type
Tensor.__format__ = _format

_NP_SHARED = {
    np.dtype(t)
    for t in (np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8)
} | {np.dtype(np.bool_)}


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Data as a tensor, sharing memory where it can (a tensor of the asked dtype is returned as
    is; a NumPy array of a tetragrad dtype is wrapped without a copy), else a copy."""
    _check_device(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype == dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and data.dtype in _NP_SHARED:
        t = _C.from_numpy(data)
        return t if dtype is None or t.dtype == dtype else t.to(dtype)
    return tensor(data, dtype=dtype)


def asarray(
    obj, *, dtype=None, device=None, copy=None, requires_grad: builtins.bool = False
) -> Tensor:
    """torch.asarray: shares with a tensor or NumPy array unless ``copy=True`` or a dtype change
    needs one; ``copy=False`` raises when a copy cannot be avoided."""
    t = as_tensor(obj, dtype=dtype, device=device)
    shared = t is obj or (isinstance(obj, np.ndarray) and np.shares_memory(t.numpy(), obj))
    if copy is False and not shared:
        raise ValueError(
            "asarray: copy=False, but the data cannot be shared (its dtype or kind needs a copy)"
        )
    if copy and shared:
        t = t.clone()
    if requires_grad:
        t = t.detach().requires_grad_(True) if t is obj else t.requires_grad_(True)
    return t


def _check_device(device, op: str) -> None:
    if device is not None and _C.device(device).type != "cpu":
        raise RuntimeError(
            f"{op}: device {device!r} is not available; this build of tetragrad has only the CPU"
        )


def set_default_device(device) -> None:
    """Only the CPU exists in this build: 'cpu' (or None) is accepted, any other device raises."""
    _check_device(device, "set_default_device")


def get_default_device():
    return _C.device("cpu")


class inference_mode(_GradMode):
    """``with tg.inference_mode():`` (or as a decorator): no graph is recorded, as under no_grad.
    ``inference_mode(False)`` leaves grad mode as it is."""

    def __new__(cls, mode=True):
        if callable(mode):  # @inference_mode without parentheses
            return cls()(mode)
        return object.__new__(cls)

    def __init__(self, mode: builtins.bool = True):
        self._enabled = builtins.bool(mode)
        self._mode = not self._enabled

    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        self._prev_inference = is_inference_mode_enabled()
        if self._enabled:
            _C.set_grad_enabled(False)
        _inference.on = self._enabled
        return self

    def __exit__(self, *exc):
        _C.set_grad_enabled(self._prev)
        _inference.on = self._prev_inference
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(self._enabled):
                return fn(*args, **kwargs)

        return wrapper


_inference = threading.local()  # per thread, as grad mode is


def is_inference_mode_enabled() -> builtins.bool:
    return getattr(_inference, "on", False)
