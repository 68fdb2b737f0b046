"""torch.finfo / torch.iinfo: the numeric limits of tetragrad's dtypes, and torch's constants."""

from __future__ import annotations

import math

import numpy as np

from . import _C

_NP = {
    "float32": np.float32,
    "float64": np.float64,
    "float16": np.float16,
    "int64": np.int64,
    "int32": np.int32,
    "int16": np.int16,
    "int8": np.int8,
    "uint8": np.uint8,
}
# bfloat16: float32's exponent with 8 significant bits (NumPy has no such type).
_BFLOAT16 = {"bits": 16, "eps": 2.0**-7, "max": 3.3895313892515355e38, "tiny": 2.0**-126}


def _name(dtype) -> str:
    return str(dtype).removeprefix("tetragrad.")


class finfo:  # noqa: N801 - torch's name
    """Limits of a floating dtype (the default dtype when none is given)."""

    def __init__(self, type=None):  # noqa: A002 - torch's argument name
        name = _name(_C.get_default_dtype() if type is None else type)
        if name not in ("float32", "float64", "float16", "bfloat16"):
            raise TypeError(f"finfo: expected a floating point dtype, got {name}")
        self.dtype = name
        if name == "bfloat16":
            b = _BFLOAT16
            self.bits, self.eps, self.max, self.min = b["bits"], b["eps"], b["max"], -b["max"]
            self.tiny = self.smallest_normal = b["tiny"]
            self.resolution = 0.01
            return
        f = np.finfo(_NP[name])
        self.bits = f.bits
        self.eps = float(f.eps)
        self.max = float(f.max)
        self.min = float(f.min)
        self.tiny = self.smallest_normal = float(f.smallest_normal)
        self.resolution = 10.0**-f.precision  # 1e-06 for float32, as torch prints it

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 - torch's name
    """Limits of an integer dtype."""

    def __init__(self, type):  # noqa: A002 - torch's argument name
        name = _name(type)
        if name not in _NP or name.startswith("float"):
            raise TypeError(f"iinfo: expected an integer dtype, got {name}")
        i = np.iinfo(_NP[name])
        self.dtype = name
        self.bits = i.bits
        self.max = int(i.max)
        self.min = int(i.min)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
