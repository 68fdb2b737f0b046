"""tetragrad: a small deep-learning library with a C++17 core and a PyTorch-compatible API.

``import tetragrad as tg`` and use it like ``torch``: tensors, autograd, ``tg.nn``, ``tg.optim``.
"""

from . import _C, autograd, nn, optim
from ._C import (
    Tensor,
    abs,
    add,
    addmm,
    amax,
    amin,
    arange,
    argmax,
    argmin,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    bmm,
    cat,
    chunk,
    clamp,
    clip,
    clone,
    concat,
    contiguous,
    device,
    div,
    dot,
    dtype,
    empty,
    eq,
    exp,
    eye,
    flatten,
    floor_divide,
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
    isfinite,
    isnan,
    le,
    linspace,
    log,
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
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    sub,
    sum,
    swapaxes,
    t,
    tanh,
    transpose,
    true_divide,
    unbind,
    unsqueeze,
    var,
    where,
    zeros,
)
from ._C._nn import log_softmax, softmax
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


def is_tensor(obj) -> "builtins.bool":  # noqa: F821
    """True if ``obj`` is a tetragrad tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()
