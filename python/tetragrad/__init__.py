"""tetragrad: a small deep-learning library with a C++17 core and a PyTorch-compatible API.

``import tetragrad as tg`` and use it like ``torch``: tensors, autograd, ``tg.nn``, ``tg.optim``.
"""

import builtins as _builtins

from . import _C, accelerator, autograd, backends, cuda, distributions, linalg, nn, optim, special
from ._C import (
    Generator,
    Tensor,
    TensorIndexError,
    TensorTypeError,
    TensorValueError,
    ZeroDivisionError,
    _standard_gamma,  # noqa: F401 - torch's private Gamma sampler (distributions use it)
    abs,
    acos,
    acosh,
    add,
    addbmm,
    addcdiv,
    addcmul,
    addmm,
    addmv,
    all,
    allclose,
    amax,
    amin,
    aminmax,
    any,
    arange,
    arctan2,
    are_deterministic_algorithms_enabled,
    argmax,
    argmin,
    argsort,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    baddbmm,
    bernoulli,
    bincount,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    bmm,
    broadcast_tensors,
    broadcast_to,
    bucketize,
    can_cast,
    cat,
    cdist,
    ceil,
    cholesky,
    chunk,
    clamp,
    clip,
    clone,
    column_stack,
    concat,
    contiguous,
    cos,
    cosh,
    count_nonzero,
    cross,
    cummax,
    cummin,
    cumprod,
    cumsum,
    default_generator,
    det,
    device,
    diag,
    diag_embed,
    diagonal,
    digamma,
    div,
    dot,
    dstack,
    dtype,
    einsum,
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
    flip,
    fliplr,
    flipud,
    floor,
    floor_divide,
    fmod,
    frac,
    from_dlpack,
    from_numpy,
    full,
    gather,
    ge,
    ger,
    get_default_dtype,
    get_num_threads,
    gt,
    histc,
    hstack,
    hypot,
    igamma,
    igammac,
    index_add,
    index_copy,
    index_fill,
    index_put,
    index_select,
    inverse,
    is_grad_enabled,
    isclose,
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    kron,
    kthvalue,
    le,
    lerp,
    lgamma,
    linspace,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    logaddexp2,
    logcumsumexp,
    logdet,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    logsumexp,
    lt,
    masked_fill,
    masked_scatter,
    masked_select,
    matmul,
    matrix_power,
    maximum,
    mean,
    median,
    meshgrid,
    minimum,
    mm,
    mode,
    moveaxis,
    movedim,
    msort,
    mul,
    multinomial,
    mv,
    nan_to_num,
    nanmean,
    nanmedian,
    nanquantile,
    nansum,
    narrow,
    ne,
    neg,
    negative,
    norm,
    normal,
    ones,
    outer,
    permute,
    pinverse,
    poisson,
    pow,
    prod,
    promote_types,
    qr,
    quantile,
    rand,
    randint,
    randn,
    randperm,
    reciprocal,
    relu,
    remainder,
    repeat_interleave,
    reshape,
    result_type,
    return_types,
    roll,
    round,
    row_stack,
    rsqrt,
    scatter,
    scatter_add,
    scatter_reduce,
    searchsorted,
    select,
    set_default_dtype,
    set_num_threads,
    sigmoid,
    sign,
    signbit,
    sin,
    sinh,
    slogdet,
    sort,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    std_mean,
    sub,
    sum,
    svd,
    swapaxes,
    swapdims,
    t,
    take,
    take_along_dim,
    tan,
    tanh,
    tensor_split,
    tensordot,
    tile,
    topk,
    trace,
    transpose,
    tril,
    tril_indices,
    triu,
    triu_indices,
    true_divide,
    trunc,
    unbind,
    unique,
    unique_consecutive,
    unsqueeze,
    var,
    var_mean,
    vstack,
    where,
    xlogy,
    zeros,
)
from ._C._nn import log_softmax, softmax
from ._dtype_info import e, finfo, iinfo, inf, nan, pi
from ._legacy import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    as_tensor,
    asarray,
    get_default_device,
    inference_mode,
    is_inference_mode_enabled,
    set_default_device,
)
from ._tensor import (
    Size,
    broadcast_shapes,
    empty_like,
    full_like,
    max,
    min,
    ones_like,
    rand_like,
    randint_like,
    randn_like,
    tensor,
    unflatten,
    zeros_like,
)
from .autograd import enable_grad, no_grad, set_grad_enabled
from .special import logit

float32 = float = dtype.float32
float64 = double = dtype.float64
float16 = half = dtype.float16
bfloat16 = dtype.bfloat16
int64 = long = dtype.int64
int32 = int = dtype.int32  # noqa: A001  (torch.int)
int16 = short = dtype.int16
int8 = dtype.int8
uint8 = dtype.uint8
bool = dtype.bool  # noqa: A001  (torch.bool)

__version__ = "0.1.0"


def manual_seed(seed: _builtins.int) -> Generator:
    """Seed the default generator (later draws are reproducible); returns it, as torch."""
    return _C.manual_seed(seed)


def seed() -> _builtins.int:
    """Seed the default generator from the OS's entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> _builtins.int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state (an int64 tensor [seed, offset])."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


def use_deterministic_algorithms(
    mode: _builtins.bool,  # noqa: F811 - torch's parameter name (tg.mode is shadowed here only)
    *,
    warn_only: _builtins.bool = False,
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


def numel(input: Tensor) -> _builtins.int:
    return input.numel()


from . import _aliases  # noqa: E402 - wraps the functions imported above

_aliases.install(globals())
