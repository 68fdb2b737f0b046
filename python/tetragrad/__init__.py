"""tetragrad: a small deep-learning library with a C++17 core and a PyTorch-compatible API.

``import tetragrad as tg`` and use it like ``torch``: tensors, autograd, ``tg.nn``, ``tg.optim``.
"""

import builtins as _builtins

from . import _C, accelerator, autograd, backends, cuda, nn, optim
from ._C import (
    Tensor,
    TensorIndexError,
    TensorTypeError,
    TensorValueError,
    ZeroDivisionError,
    abs,
    acos,
    acosh,
    add,
    addmm,
    all,
    allclose,
    amax,
    amin,
    any,
    arange,
    are_deterministic_algorithms_enabled,
    argmax,
    argmin,
    asin,
    asinh,
    atan,
    atanh,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    bmm,
    cat,
    ceil,
    chunk,
    clamp,
    clip,
    clone,
    concat,
    contiguous,
    cos,
    cosh,
    count_nonzero,
    device,
    div,
    dot,
    dtype,
    empty,
    eq,
    equal,
    erf,
    erfc,
    erfinv,
    exp,
    exp2,
    expm1,
    eye,
    flatten,
    floor,
    floor_divide,
    frac,
    from_numpy,
    full,
    gather,
    ge,
    get_default_dtype,
    get_num_threads,
    gt,
    index_add,
    index_put,
    index_select,
    is_grad_enabled,
    isclose,
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    le,
    linspace,
    log,
    log1p,
    log2,
    log10,
    logical_and,
    logical_not,
    logical_or,
    logsumexp,
    lt,
    masked_fill,
    masked_select,
    matmul,
    maximum,
    mean,
    minimum,
    mm,
    mul,
    narrow,
    ne,
    neg,
    negative,
    norm,
    ones,
    permute,
    pow,
    prod,
    rand,
    randint,
    randn,
    reciprocal,
    relu,
    remainder,
    reshape,
    rsqrt,
    scatter_add,
    select,
    set_default_dtype,
    set_num_threads,
    sigmoid,
    sign,
    signbit,
    sin,
    sinh,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    std_mean,
    sub,
    sum,
    swapaxes,
    t,
    tan,
    tanh,
    transpose,
    true_divide,
    trunc,
    unbind,
    unsqueeze,
    var,
    var_mean,
    where,
    zeros,
)
from ._C._nn import log_softmax, softmax
from ._legacy import (
    BoolTensor,
    DoubleTensor,
    FloatTensor,
    LongTensor,
    as_tensor,
    asarray,
    get_default_device,
    inference_mode,
    is_inference_mode_enabled,
    set_default_device,
)
from ._tensor import (
    Size,
    empty_like,
    full_like,
    manual_seed,
    max,
    min,
    ones_like,
    rand_like,
    randn_like,
    tensor,
    unflatten,
    zeros_like,
)
from .autograd import enable_grad, no_grad, set_grad_enabled

float32 = float = dtype.float32
float64 = double = dtype.float64
int64 = long = dtype.int64
bool = dtype.bool  # noqa: A001  (torch.bool)

__version__ = "0.1.0"


def use_deterministic_algorithms(
    mode: _builtins.bool, *, warn_only: _builtins.bool = False
) -> None:
    """Make every result bit-identical for any thread count (torch's switch, stronger).

    Reductions of long rows split at fixed chunks and matrix products at slabs fixed by the
    shape, so no summation order follows ``set_num_threads``. Every tetragrad op has a
    deterministic form, so ``warn_only`` changes nothing; it is accepted for torch's code.
    """
    _C._use_deterministic_algorithms(_builtins.bool(mode))


def is_deterministic_algorithms_warn_only_enabled() -> _builtins.bool:
    return False


def is_tensor(obj) -> "builtins.bool":  # noqa: F821
    """True if ``obj`` is a tetragrad tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


from . import _aliases  # noqa: E402 - wraps the functions imported above

_aliases.install(globals())
