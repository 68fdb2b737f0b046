"""Plain NumPy reference implementations of the tetragrad foundation ops.

Every function takes and returns NumPy arrays and computes in float64 (the tests
cast the result to the dtype tetragrad should return). Nothing here imports
tetragrad: these are the ground truth the op tests compare against.
Semantics follow PyTorch (e.g. ``var`` is unbiased by default, ``chunk``
uses ceil-sized chunks, ``max(dim)`` returns values and indices).
"""

from __future__ import annotations

import math

import numpy as np

# ---- helpers --------------------------------------------------------------------------------


def f64(a):
    return np.asarray(a, dtype=np.float64)


def _dims(a, dim):
    """Normalise a dim argument (None, int or tuple) to a sorted tuple of non-negative axes."""
    a = np.asarray(a)
    if dim is None:
        return tuple(range(a.ndim))
    if isinstance(dim, int):
        dim = (dim,)
    return tuple(sorted(d % max(a.ndim, 1) for d in dim))


def _axis(a, dim):
    """NumPy axis argument for a 0-d-safe reduction."""
    a = np.asarray(a)
    if a.ndim == 0:
        return None
    return _dims(a, dim)


# ---- elementwise: unary -----------------------------------------------------------------------


def neg(x):
    return -f64(x)


def exp(x):
    return np.exp(f64(x))


def log(x):
    return np.log(f64(x))


def sqrt(x):
    return np.sqrt(f64(x))


def rsqrt(x):
    return 1.0 / np.sqrt(f64(x))


def abs(x):  # noqa: A001 - mirrors the op name
    return np.abs(f64(x))


def sign(x):
    """-1, 0 or 1; 0 for NaN (as torch.sign)."""
    x = f64(x)
    return np.where(np.isnan(x), 0.0, np.sign(x))


def sigmoid(x):
    x = f64(x)
    return 1.0 / (1.0 + np.exp(-x))


def tanh(x):
    return np.tanh(f64(x))


def relu(x):
    """max(x, 0); NaN stays NaN (as torch.relu)."""
    x = f64(x)
    return np.where((x > 0) | np.isnan(x), x, 0.0)


def square(x):
    return f64(x) ** 2


def clamp(x, min=None, max=None):  # noqa: A002 - torch argument names
    x = f64(x)
    if min is not None:
        x = np.maximum(x, min)
    if max is not None:
        x = np.minimum(x, max)
    return x


def pow_scalar(x, e):
    return f64(x) ** e


def rpow_scalar(base, x):
    return base ** f64(x)


def logical_not(x):
    return np.logical_not(np.asarray(x))


def isnan(x):
    return np.isnan(f64(x))


def isfinite(x):
    return np.isfinite(f64(x))


def isinf(x):
    return np.isinf(f64(x))


def isposinf(x):
    return np.isposinf(f64(x))


def isneginf(x):
    return np.isneginf(f64(x))


def signbit(x):
    return np.signbit(f64(x))


# math functions (NumPy's, float64)
sin, cos, tan = (lambda x: np.sin(f64(x))), (lambda x: np.cos(f64(x))), (lambda x: np.tan(f64(x)))
asin, acos, atan = (
    (lambda x: np.arcsin(f64(x))),
    (lambda x: np.arccos(f64(x))),
    (lambda x: np.arctan(f64(x))),
)
sinh, cosh = (lambda x: np.sinh(f64(x))), (lambda x: np.cosh(f64(x)))
asinh, acosh, atanh = (
    (lambda x: np.arcsinh(f64(x))),
    (lambda x: np.arccosh(f64(x))),
    (lambda x: np.arctanh(f64(x))),
)
log1p, expm1 = (lambda x: np.log1p(f64(x))), (lambda x: np.expm1(f64(x)))
log2, log10, exp2 = (
    (lambda x: np.log2(f64(x))),
    (lambda x: np.log10(f64(x))),
    (lambda x: np.exp2(f64(x))),
)


def reciprocal(x):
    with np.errstate(divide="ignore"):
        return 1.0 / f64(x)


def erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(f64(x))


def erfc(x):
    return np.vectorize(math.erfc, otypes=[np.float64])(f64(x))


def erfinv(y):
    """erf^-1 by bisection on math.erf (monotonic), to float64 resolution; +-inf at +-1."""

    def one(v):
        if not -1.0 <= v <= 1.0:
            return math.nan
        if abs(v) == 1.0:
            return math.copysign(math.inf, v)
        lo, hi = -6.0, 6.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if math.erf(mid) < v:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi) if v != 0 else v

    return np.vectorize(one, otypes=[np.float64])(f64(y))


def floor(x):
    return np.floor(f64(x))


def ceil(x):
    return np.ceil(f64(x))


def trunc(x):
    return np.trunc(f64(x))


def frac(x):
    x = f64(x)
    return x - np.trunc(x)


# ---- elementwise: binary (NumPy broadcasting == PyTorch broadcasting) -------------------------


def add(a, b, alpha=1):
    return f64(a) + alpha * f64(b)


def sub(a, b, alpha=1):
    return f64(a) - alpha * f64(b)


def mul(a, b):
    return f64(a) * f64(b)


def div(a, b):
    return f64(a) / f64(b)


def pow(a, b):  # noqa: A001
    return f64(a) ** f64(b)


def maximum(a, b):
    return np.maximum(f64(a), f64(b))


def minimum(a, b):
    return np.minimum(f64(a), f64(b))


def eq(a, b):
    return f64(a) == f64(b)


def ne(a, b):
    return f64(a) != f64(b)


def lt(a, b):
    return f64(a) < f64(b)


def le(a, b):
    return f64(a) <= f64(b)


def gt(a, b):
    return f64(a) > f64(b)


def ge(a, b):
    return f64(a) >= f64(b)


def logical_and(a, b):
    return np.logical_and(np.asarray(a), np.asarray(b))


def logical_or(a, b):
    return np.logical_or(np.asarray(a), np.asarray(b))


def broadcast_shape(*shapes):
    """PyTorch/NumPy broadcast of shapes; raises ValueError when incompatible."""
    return tuple(np.broadcast_shapes(*shapes))


# ---- reductions -------------------------------------------------------------------------------


def sum(x, dim=None, keepdim=False):  # noqa: A001
    x = f64(x)
    return np.sum(x, axis=_axis(x, dim), keepdims=keepdim)


def mean(x, dim=None, keepdim=False):
    x = f64(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.mean(x, axis=_axis(x, dim), keepdims=keepdim)


def prod(x, dim=None, keepdim=False):
    x = f64(x)
    return np.prod(x, axis=_axis(x, dim), keepdims=keepdim)


def amax(x, dim=None, keepdim=False):
    x = f64(x)
    return np.amax(x, axis=_axis(x, dim), keepdims=keepdim)


def amin(x, dim=None, keepdim=False):
    x = f64(x)
    return np.amin(x, axis=_axis(x, dim), keepdims=keepdim)


def max_dim(x, dim, keepdim=False):
    """torch.max(x, dim) -> (values, indices)."""
    x = f64(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), dtype=np.int64)
    idx = np.argmax(x, axis=dim)
    val = np.take_along_axis(x, np.expand_dims(idx, dim), axis=dim)
    if not keepdim:
        val = np.squeeze(val, axis=dim)
    else:
        idx = np.expand_dims(idx, dim)
    return val, idx.astype(np.int64)


def min_dim(x, dim, keepdim=False):
    x = f64(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), dtype=np.int64)
    idx = np.argmin(x, axis=dim)
    val = np.take_along_axis(x, np.expand_dims(idx, dim), axis=dim)
    if not keepdim:
        val = np.squeeze(val, axis=dim)
    else:
        idx = np.expand_dims(idx, dim)
    return val, idx.astype(np.int64)


def argmax(x, dim=None, keepdim=False):
    x = f64(x)
    if dim is None:
        r = np.int64(np.argmax(x.reshape(-1)))
        return np.full([1] * x.ndim, r, dtype=np.int64) if keepdim else np.asarray(r)
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    r = np.argmax(x, axis=dim)
    return (np.expand_dims(r, dim) if keepdim else r).astype(np.int64)


def argmin(x, dim=None, keepdim=False):
    x = f64(x)
    if dim is None:
        r = np.int64(np.argmin(x.reshape(-1)))
        return np.full([1] * x.ndim, r, dtype=np.int64) if keepdim else np.asarray(r)
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    r = np.argmin(x, axis=dim)
    return (np.expand_dims(r, dim) if keepdim else r).astype(np.int64)


def var(x, dim=None, correction=1, keepdim=False):
    x = f64(x)
    ax = _axis(x, dim)
    n = x.size if ax is None else int(np.prod([x.shape[d] for d in ax]))
    m = np.mean(x, axis=ax, keepdims=True)
    ss = np.sum((x - m) ** 2, axis=ax, keepdims=keepdim)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ss / max(n - correction, 0) if n - correction > 0 else ss * np.nan


def std(x, dim=None, correction=1, keepdim=False):
    return np.sqrt(var(x, dim, correction, keepdim))


def logsumexp(x, dim, keepdim=False):
    x = f64(x)
    ax = _axis(x, dim)
    m = np.max(x, axis=ax, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    r = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
    if not keepdim and ax is not None:
        r = np.squeeze(r, axis=ax)
    elif ax is None and not keepdim:
        r = r.reshape(())
    return r


def norm(x, p=2, dim=None, keepdim=False):
    x = np.abs(f64(x))
    ax = _axis(x, dim)
    if p == math.inf:
        return np.max(x, axis=ax, keepdims=keepdim)
    if p == -math.inf:
        return np.min(x, axis=ax, keepdims=keepdim)
    if p == 0:
        return np.sum(x != 0, axis=ax, keepdims=keepdim).astype(np.float64)
    if p == 1:
        return np.sum(x, axis=ax, keepdims=keepdim)
    if p == 2:
        return np.sqrt(np.sum(x * x, axis=ax, keepdims=keepdim))
    return np.sum(x**p, axis=ax, keepdims=keepdim) ** (1.0 / p)


# ---- linear algebra ---------------------------------------------------------------------------


def matmul(a, b):
    """torch.matmul semantics: 1-D operands are promoted and the added dim removed,
    batch dims broadcast."""
    a, b = f64(a), f64(b)
    if a.ndim == 1 and b.ndim == 1:
        return np.asarray(np.dot(a, b))
    # np.matmul implements exactly the same rules (incl. size-0 dims).
    return np.matmul(a, b)


def mm(a, b):
    assert np.ndim(a) == 2 and np.ndim(b) == 2
    return f64(a) @ f64(b)


def bmm(a, b):
    assert np.ndim(a) == 3 and np.ndim(b) == 3
    return np.matmul(f64(a), f64(b))


def addmm(bias, a, b, beta=1, alpha=1):
    return beta * f64(bias) + alpha * (f64(a) @ f64(b))


def dot(a, b):
    return np.asarray(np.dot(f64(a), f64(b)))


def mv(a, v):
    return f64(a) @ f64(v)


def outer(a, b):
    return np.outer(f64(a), f64(b))


def logical_xor(a, b):
    return np.logical_xor(np.asarray(a), np.asarray(b))


# ---- joining and indexing ---------------------------------------------------------------------


def cat(arrays, dim=0):
    arrays = [f64(a) for a in arrays]
    return np.concatenate(arrays, axis=dim)


def stack(arrays, dim=0):
    return np.stack([f64(a) for a in arrays], axis=dim)


def chunk(x, chunks, dim=0):
    """torch.chunk: pieces of size ceil(n / chunks); may return fewer than `chunks` pieces."""
    x = f64(x)
    n = x.shape[dim]
    if n == 0:
        return [x.copy() for _ in range(chunks)]
    return split(x, -(-n // chunks), dim)


def split(x, split_size_or_sections, dim=0):
    x = f64(x)
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        sizes = [min(s, n - i) for i in range(0, n, s)] or [0]
    else:
        sizes = list(split_size_or_sections)
        assert sum_(sizes) == n
    out, start = [], 0
    for s in sizes:
        idx = [slice(None)] * x.ndim
        idx[dim] = slice(start, start + s)
        out.append(x[tuple(idx)].copy())
        start += s
    return out


def sum_(xs):
    t = 0
    for v in xs:
        t += v
    return t


def gather(x, dim, index):
    """torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] (dim=1); out has index's shape
    (index may be smaller than x along the other dims; no broadcasting)."""
    x, index = f64(x), np.asarray(index, dtype=np.int64)
    d = dim % x.ndim
    sl = tuple(slice(None) if k == d else slice(0, index.shape[k]) for k in range(x.ndim))
    return np.take_along_axis(x[sl], index, axis=d)


def index_select(x, dim, index):
    return np.take(f64(x), np.asarray(index, dtype=np.int64).reshape(-1), axis=dim)


def masked_fill(x, mask, value):
    x = f64(x)
    mask = np.broadcast_to(np.asarray(mask, dtype=bool), x.shape)
    return np.where(mask, value, x)


def masked_select(x, mask):
    x = f64(x)
    mask = np.asarray(mask, dtype=bool)
    shape = broadcast_shape(x.shape, mask.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


def where(cond, a, b):
    return np.where(np.asarray(cond, dtype=bool), f64(a), f64(b))


# ---- gradients of a few ops (used by the independent finite-difference test) -----------------


def numerical_grad(f, x, eps=1e-6):
    """Central differences of a scalar function f(ndarray) -> float, in float64."""
    x = f64(x).copy()
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


# ==== nn: activations and losses ===============================================================
# References for tetragrad.nn.functional, written from the formulas with torch.nn.functional's
# semantics (``maxout`` is tetragrad's own). ``sigmoid``, ``tanh`` and ``relu`` are defined above.
# Class dim: 1 when the input has 2+ dims ([N, C, d1, ...]), else 0 ([C]). Every log-sum-exp is
# shifted by the max, so logits of +-1e4 give finite results.

_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss, reduction):
    loss = f64(loss)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.sum(loss)
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.mean(loss) if loss.size else np.float64(np.nan)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _class_dim(x):
    return 1 if np.ndim(x) >= 2 else 0


def _class_shape(x, c):
    """Shape that broadcasts a per-class vector of length c along x's class dim."""
    s = [1] * np.ndim(x)
    s[_class_dim(x)] = c
    return tuple(s)


def softplus(x):
    """log(1 + exp(x)), stable for large |x|."""
    x = f64(x)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def leaky_relu(x, negative_slope=0.01):
    x = f64(x)
    return np.where(x > 0, x, negative_slope * x)


def elu(x, alpha=1.0):
    x = f64(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def gelu(x, approximate="none"):
    x = f64(x)
    if approximate == "tanh":
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    if approximate != "none":
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def log_softmax(x, dim):
    """(x - m) - log(sum(exp(x - m))) with m the max along dim, as torch computes it: finite
    rows as usual; a row holding +inf (or only -inf) is NaN throughout."""
    x = f64(x)
    if x.ndim == 0:
        return x - x if np.isfinite(x) else x * np.nan
    m = np.max(x, axis=dim, keepdims=True)
    with np.errstate(invalid="ignore", over="ignore"):
        z = x - m
        return z - np.log(np.sum(np.exp(z), axis=dim, keepdims=True))


def softmax(x, dim):
    return np.exp(log_softmax(x, dim))


def maxout(x, pool_size, dim=-1):
    """Split `dim` (size k * pool_size) into k groups of pool_size consecutive elements; keep each max."""
    x = f64(x)
    d = dim % x.ndim
    n = x.shape[d]
    if pool_size <= 0 or n % pool_size:
        raise ValueError(f"maxout: size {n} of dim {dim} is not divisible by pool_size {pool_size}")
    return x.reshape(x.shape[:d] + (n // pool_size, pool_size) + x.shape[d + 1 :]).max(axis=d + 1)


def linear(x, weight, bias=None):
    """x [*, in], weight [out, in], bias [out] -> [*, out]."""
    y = f64(x) @ f64(weight).T
    return y if bias is None else y + f64(bias)


def mse_loss(input, target, reduction="mean"):  # noqa: A002 - torch argument names
    return _reduce((f64(input) - f64(target)) ** 2, reduction)


def l1_loss(input, target, reduction="mean"):  # noqa: A002
    return _reduce(np.abs(f64(input) - f64(target)), reduction)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):  # noqa: A002
    """input [N, C, d...] / [C] log-probabilities, target int [N, d...] / 0-d class indices.

    loss_i = -w[t_i] * input[i, t_i] (0 where t_i == ignore_index);
    'mean' = sum_i loss_i / sum_i w[t_i] over non-ignored i (NaN when all are ignored)."""
    x = f64(input)
    logp = np.moveaxis(x, 1, -1) if x.ndim >= 2 else x  # classes last
    t = np.asarray(target, dtype=np.int64)
    c = logp.shape[-1]
    w = np.ones(c) if weight is None else f64(weight)
    valid = t != ignore_index
    if np.any((t[valid] < 0) | (t[valid] >= c)):
        raise IndexError(f"nll_loss: target out of range for {c} classes")
    safe = np.where(valid, t, 0)
    picked = np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
    wt = np.where(valid, w[safe], 0.0)
    loss = -wt * picked
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.sum(loss) / np.sum(wt)
    return _reduce(loss, reduction)


def cross_entropy(
    input,  # noqa: A002
    target,
    weight=None,
    ignore_index=-100,
    reduction="mean",
    label_smoothing=0.0,
):
    """log_softmax over the class dim, then:

    class indices (int target): (1 - eps) * nll_loss + eps / C * smooth, where
      smooth_i = -sum_c w[c] logp[i, c] (0 where ignored); under 'mean' smooth is summed and
      divided by the same sum_i w[t_i] (non-ignored) as nll_loss.
    class probabilities (float target, input's shape): p = (1 - eps) * target + eps / C,
      loss_i = -sum_c w[c] p[i, c] logp[i, c]; 'mean' divides by the number of rows
      (numel / C), not by the weights; ignore_index does not apply."""
    x = f64(input)
    cdim = _class_dim(x)
    c = x.shape[cdim]
    logp = log_softmax(x, cdim)
    w = np.ones(c) if weight is None else f64(weight)
    wb = w.reshape(_class_shape(x, c))
    t = np.asarray(target)
    eps = label_smoothing
    if np.issubdtype(t.dtype, np.floating):
        p = f64(t) * (1.0 - eps) + eps / c
        loss = -np.sum(logp * p * wb, axis=cdim)
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.sum(loss) / (x.size / c)
        return _reduce(loss, reduction)
    nll = nll_loss(logp, t, weight, ignore_index, reduction)
    if eps == 0:
        return nll
    t = t.astype(np.int64)
    valid = t != ignore_index
    smooth = np.where(valid, -np.sum(logp * wb, axis=cdim), 0.0)
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            smooth = np.sum(smooth) / np.sum(np.where(valid, w[np.where(valid, t, 0)], 0.0))
    else:
        smooth = _reduce(smooth, reduction)
    return (1.0 - eps) * nll + eps / c * smooth


def binary_cross_entropy(input, target, weight=None, reduction="mean"):  # noqa: A002
    """-w * (t * log(x) + (1 - t) * log(1 - x)), each log clamped below at -100 (as torch)."""
    x, t = f64(input), f64(target)
    with np.errstate(divide="ignore"):
        log_x = np.maximum(np.log(x), -100.0)
        log_1mx = np.maximum(np.log1p(-x), -100.0)
    loss = -(t * log_x + (1.0 - t) * log_1mx)
    if weight is not None:
        loss = loss * f64(weight)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input,  # noqa: A002
    target,
    weight=None,
    reduction="mean",
    pos_weight=None,
):
    """w * (pw * t * softplus(-x) + (1 - t) * softplus(x)); pos_weight broadcasts along the last dim.

    (= -w * (pw * t * log sigmoid(x) + (1 - t) * log(1 - sigmoid(x))), stable for any x.)"""
    x, t = f64(input), f64(target)
    pw = 1.0 if pos_weight is None else f64(pos_weight)
    loss = pw * t * softplus(-x) + (1.0 - t) * softplus(x)
    if weight is not None:
        loss = loss * f64(weight)
    return _reduce(loss, reduction)


# ==== nn: more activations and losses ==========================================================
# silu, softplus (beta/threshold), logsigmoid, hardtanh, relu6, selu, mish, hardswish,
# hardsigmoid, prelu, smooth_l1_loss,
# huber_loss and one_hot, with torch.nn.functional's exact formulas. ``softplus`` above is the plain
# log(1 + exp(x)) that the losses use; torch's F.softplus(x, beta, threshold) is ``softplus_beta``.

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _sigmoid_stable(x):
    """1 / (1 + exp(-x)) without overflow: exp(-|x|) only."""
    x = f64(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def silu(x):
    """x * sigmoid(x)."""
    x = f64(x)
    return x * _sigmoid_stable(x)


def softplus_beta(x, beta=1.0, threshold=20.0):
    """torch's F.softplus: log(1 + exp(beta * x)) / beta, reverting to the identity x where
    beta * x > threshold (strictly: at beta * x == threshold it is still the log form)."""
    x = f64(x)
    bx = beta * x
    return np.where(bx > threshold, x, softplus(bx) / beta)


def logsigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    return -softplus(-f64(x))


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clamped to [min_val, max_val]."""
    return np.minimum(np.maximum(f64(x), min_val), max_val)


def relu6(x):
    """min(max(x, 0), 6) = hardtanh(x, 0, 6)."""
    return hardtanh(x, 0.0, 6.0)


def selu(x):
    """scale * (x for x > 0, alpha * (exp(x) - 1) otherwise)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def mish(x):
    """x * tanh(softplus(x)) (softplus without a threshold)."""
    x = f64(x)
    return x * np.tanh(softplus(x))


def hardsigmoid(x):
    """relu6(x + 3) / 6."""
    return relu6(f64(x) + 3.0) / 6.0


def hardswish(x):
    """x * relu6(x + 3) / 6."""
    return f64(x) * hardsigmoid(x)


def prelu(x, weight):
    """x for x > 0, w * x otherwise; weight [1] or [C] with C = x.shape[1] (x of 2+ dims)."""
    x, w = f64(x), f64(weight).reshape(-1)
    if w.size == 1:
        w = w.reshape(())  # the output keeps x's shape (0-d too)
    else:
        if x.ndim < 2 or x.shape[1] != w.size:
            raise ValueError(f"prelu: weight of {w.size} values for input of shape {x.shape}")
        w = w.reshape(_class_shape(x, w.size))
    return np.where(x > 0, x, w * x)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):  # noqa: A002
    """d = |input - target|: 0.5 * d^2 / beta where d < beta, d - 0.5 * beta otherwise
    (beta == 0: plain l1)."""
    d = np.abs(f64(input) - f64(target))
    if beta < 0:
        raise ValueError("smooth_l1_loss: beta must be non-negative")
    if beta == 0:
        return _reduce(d, reduction)
    return _reduce(np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):  # noqa: A002
    """d = |input - target|: 0.5 * d^2 where d < delta, delta * (d - 0.5 * delta) otherwise
    (= delta * smooth_l1_loss with beta = delta)."""
    if delta <= 0:
        raise ValueError("huber_loss: delta must be positive")
    d = np.abs(f64(input) - f64(target))
    return _reduce(np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def one_hot(tensor, num_classes=-1):
    """int64 [*, num_classes]: 1 at each index, 0 elsewhere; num_classes=-1 -> max + 1."""
    t = np.asarray(tensor)
    if not np.issubdtype(t.dtype, np.integer):
        raise TypeError("one_hot: expected an int64 tensor")
    if num_classes == -1:
        if t.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor")
        num_classes = int(t.max()) + 1
    if t.size and (t.min() < 0 or t.max() >= num_classes):
        raise ValueError(f"one_hot: class values must be in [0, {num_classes})")
    return (t[..., None] == np.arange(num_classes)).astype(np.int64)


# ==== nn: softmin and kl_div ======================================================================
# torch.nn.functional's formulas; kl_div's xlogy makes target == 0 contribute exactly 0.


def softmin(x, dim):
    """softmax(-x) along dim."""
    return softmax(-f64(x), dim)


def _kl_scale(x, reduction):
    """d reduced / d pointwise for each reduction (1, 1 / numel, 1 / batch size)."""
    with np.errstate(divide="ignore"):
        if reduction == "mean":
            return 1.0 / x.size if x.size else np.nan
        if reduction == "batchmean" and x.ndim:
            return 1.0 / x.shape[0] if x.shape[0] else np.nan
    return 1.0


def kl_div(input, target, reduction="mean", log_target=False):  # noqa: A002
    """target * (log(target) - input), 0 where target == 0 (NaN where target < 0, as log);
    log_target: exp(target) * (target - input). reduction: 'none', 'sum', 'mean' (over all
    elements) or 'batchmean' (sum / input.shape[0]; the plain sum for 0-d input)."""
    x, t = f64(input), f64(target)
    if x.shape != t.shape:
        raise ValueError(f"kl_div: input {x.shape} and target {t.shape} differ")
    with np.errstate(divide="ignore", invalid="ignore"):
        if log_target:
            loss = np.exp(t) * (t - x)
        else:
            loss = np.where(t == 0, 0.0, t * np.log(np.where(t == 0, 1.0, t))) - t * x
        if reduction == "batchmean":
            s = np.sum(loss)
            return s * _kl_scale(x, reduction) if x.ndim else s
    return _reduce(loss, reduction)


def kl_div_grads(input, target, reduction="mean", log_target=False):  # noqa: A002
    """(d L / d input, d L / d target) of L = kl_div(input, target, reduction).sum(), as torch
    computes them: d/d target is NaN where target == 0 (log_target=False; the one-sided
    derivative of t log t there is -inf, and torch's xlogy backward gives 0 / 0)."""
    x, t = f64(input), f64(target)
    k = _kl_scale(x, reduction)
    with np.errstate(divide="ignore", invalid="ignore"):
        if log_target:
            e = np.exp(t)
            return -e * k, e * (t - x + 1.0) * k
        gt = np.where(t == 0, np.nan, np.log(np.where(t == 0, 1.0, t)) + 1.0 - x)
        return -t * k, gt * k


# ==== references the OpInfo registry (tests/opinfo.py) needs beyond the above ====================
# torch's semantics; NumPy only, float64 (integer results are exact in float64 for the small
# values the samples use, and the tests cast to the dtype the op returns).


def floor_divide(a, b):
    """torch.floor_divide: floor(a / b) (rounds toward -inf, as Python's //)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(f64(a), f64(b))


def remainder(a, b):
    """torch.remainder: a - floor(a / b) * b, the sign of b (Python's %)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mod(f64(a), f64(b))


def _int_or_bool(a):
    a = np.asarray(a)
    return a if a.dtype == np.bool_ else a.astype(np.int64)


def bitwise_and(a, b):
    return np.bitwise_and(_int_or_bool(a), _int_or_bool(b))


def bitwise_or(a, b):
    return np.bitwise_or(_int_or_bool(a), _int_or_bool(b))


def bitwise_xor(a, b):
    return np.bitwise_xor(_int_or_bool(a), _int_or_bool(b))


def bitwise_not(x):
    x = _int_or_bool(x)
    return np.logical_not(x) if x.dtype == np.bool_ else np.invert(x)


def var_mean(x, dim=None, correction=1, keepdim=False):
    return var(x, dim, correction, keepdim), mean(x, dim, keepdim)


def std_mean(x, dim=None, correction=1, keepdim=False):
    return std(x, dim, correction, keepdim), mean(x, dim, keepdim)


def celu(x, alpha=1.0):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    x = f64(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


def softsign(x):
    x = f64(x)
    return x / (1.0 + np.abs(x))


def normalize(x, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p along dim, eps)."""
    x = f64(x)
    return x / np.maximum(norm(x, p, dim, keepdim=True), eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along dim, after broadcasting."""
    x1, x2 = np.broadcast_arrays(f64(x1), f64(x2))
    n1 = np.maximum(np.sqrt(np.sum(x1 * x1, axis=dim, keepdims=True)), eps)
    n2 = np.maximum(np.sqrt(np.sum(x2 * x2, axis=dim, keepdims=True)), eps)
    return np.sum((x1 / n1) * (x2 / n2), axis=dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dim."""
    return norm(f64(x1) - f64(x2) + eps, p, -1, keepdim)


# ---- logic ----------------------------------------------------------------------------------------
def any(x, dim=None, keepdim=False):  # noqa: A001
    x = np.asarray(x)
    return np.any(x != 0, axis=_axis(x, dim), keepdims=keepdim)


def all(x, dim=None, keepdim=False):  # noqa: A001
    x = np.asarray(x)
    return np.all(x != 0, axis=_axis(x, dim), keepdims=keepdim)


def count_nonzero(x, dim=None):
    x = np.asarray(x)
    return np.sum(x != 0, axis=_axis(x, dim)).astype(np.int64)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = f64(a), f64(b)
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - b)
        close = (a == b) | (np.isfinite(diff) & (diff <= atol + rtol * np.abs(b)))
    return close | (equal_nan & np.isnan(a) & np.isnan(b))


# ---- scans and orderings along a dim ------------------------------------------------------------


def cumsum(x, dim, dtype=None):
    x = np.asarray(x)
    return np.cumsum(f64(x), axis=dim) if x.ndim else f64(x).copy()


def cumprod(x, dim, dtype=None):
    x = np.asarray(x)
    return np.cumprod(f64(x), axis=dim) if x.ndim else f64(x).copy()


def logcumsumexp(x, dim):
    x = f64(x)
    if x.ndim == 0:
        return x.copy()
    return np.logaddexp.accumulate(x, axis=dim)


def _cum_extreme(x, dim, is_max):
    """torch's cummax/cummin: a later equal value takes the position, a NaN sticks."""
    x = f64(x)
    flat = x.reshape(1) if x.ndim == 0 else np.moveaxis(x, dim, -1)
    vals, idx = np.empty_like(flat), np.zeros(flat.shape, dtype=np.int64)
    for r in np.ndindex(flat.shape[:-1]):
        best, arg = None, 0
        for j, v in enumerate(flat[r]):
            if (
                best is None
                or math.isnan(v)
                or (not math.isnan(best) and (v >= best if is_max else v <= best))
            ):
                best, arg = v, j
            vals[r + (j,)], idx[r + (j,)] = best, arg
    if x.ndim == 0:
        return vals.reshape(()), idx.reshape(())
    return np.moveaxis(vals, -1, dim), np.moveaxis(idx, -1, dim)


def cummax(x, dim):
    return _cum_extreme(x, dim, True)


def cummin(x, dim):
    return _cum_extreme(x, dim, False)


def _order(row, descending):
    """Stable order of a 1-D row, torch's: NaN above +inf, -0.0 equal to 0.0."""
    row = f64(row)
    nan = np.isnan(row)
    v = np.where(nan, 0.0, row)
    pos = np.arange(row.size)
    if descending:
        return np.lexsort((pos, -v, ~nan))
    return np.lexsort((pos, v, nan))


def _sorted_along(x, dim, descending):
    x = f64(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), dtype=np.int64)
    xm = np.moveaxis(x, dim, -1)
    idx = np.zeros(xm.shape, dtype=np.int64)
    for r in np.ndindex(xm.shape[:-1]):
        idx[r] = _order(xm[r], descending)
    vals = np.take_along_axis(xm, idx, axis=-1)
    return np.moveaxis(vals, -1, dim), np.moveaxis(idx, -1, dim)


def sort(x, dim=-1, descending=False, stable=None):
    return _sorted_along(x, dim, descending)


def argsort(x, dim=-1, descending=False, stable=False):
    return _sorted_along(x, dim, descending)[1]


def topk(x, k, dim=-1, largest=True, sorted=True):
    v, i = _sorted_along(x, dim, largest)
    if np.asarray(x).ndim == 0:
        return v, i
    sl = [slice(None)] * v.ndim
    sl[dim] = slice(0, k)
    return v[tuple(sl)], i[tuple(sl)]


def kthvalue(x, k, dim=-1, keepdim=False):
    v, i = _sorted_along(x, dim, False)
    if np.asarray(x).ndim == 0:
        return v, i
    v, i = np.take(v, [k - 1], axis=dim), np.take(i, [k - 1], axis=dim)
    return (v, i) if keepdim else (np.squeeze(v, dim), np.squeeze(i, dim))


def mode(x, dim=-1, keepdim=False):
    """torch.mode: per row the most frequent value, the smallest of equally frequent ones, and
    the last position holding it; NaNs are each distinct (NaN != NaN)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy(), np.array(0, np.int64)
    xm = np.moveaxis(x, dim, -1)
    vals = np.empty(xm.shape[:-1], x.dtype)
    idx = np.empty(xm.shape[:-1], np.int64)
    for pos in np.ndindex(xm.shape[:-1]):
        row = xm[pos]
        best = None  # (count, value, last position)
        for j, v in enumerate(row):
            hits = np.flatnonzero(row == v) if v == v else np.array([j])
            cand = (len(hits), v, int(hits[-1]))
            nan_v = v != v
            better = best is None or cand[0] > best[0]
            tie_smaller = (
                best is not None
                and cand[0] == best[0]
                and not nan_v
                and (best[1] != best[1] or v < best[1])
            )
            if better or tie_smaller:
                best = cand
        vals[pos], idx[pos] = best[1], best[2]
    vals, idx = np.expand_dims(vals, dim), np.expand_dims(idx, dim)
    return (vals, idx) if keepdim else (np.squeeze(vals, dim), np.squeeze(idx, dim))


def median_dim(x, dim, keepdim=False, ignore_nan=False):
    """torch.median(x, dim): the lower middle value; a row with a NaN has its first NaN."""
    x = f64(x)
    v, i = _sorted_along(x, dim, False)
    if x.ndim == 0:
        return v, i
    vm, im = np.moveaxis(v, dim, -1), np.moveaxis(i, dim, -1)
    k = (~np.isnan(vm)).sum(-1)
    n = vm.shape[-1]
    if ignore_nan:
        pos = np.maximum((k - 1) // 2, 0)
    else:
        pos = np.where(k < n, k, (n - 1) // 2)
    vals = np.take_along_axis(vm, pos[..., None], -1)
    idx = np.take_along_axis(im, pos[..., None], -1)
    vals, idx = np.moveaxis(vals, -1, dim), np.moveaxis(idx, -1, dim)
    return (vals, idx) if keepdim else (np.squeeze(vals, dim), np.squeeze(idx, dim))


def median(x, dim=None, keepdim=False):
    if dim is None:
        return median_dim(f64(x).reshape(-1), 0)[0]
    return median_dim(x, dim, keepdim)


def nanmedian(x, dim=None, keepdim=False):
    if dim is None:
        return median_dim(f64(x).reshape(-1), 0, ignore_nan=True)[0]
    return median_dim(x, dim, keepdim, ignore_nan=True)


# ---- shape and layout: flips, rolls, triangles, diagonals, repeats, windows --------------------


def _nd(x):
    """x (float64) and its ndim, as a 1-element 1-D array if 0-d (torch treats a 0-d tensor as
    one element along dim 0 / -1)."""
    x = f64(x)
    return (x.reshape(1) if x.ndim == 0 else x), x.ndim


def flip(x, dims):
    x = f64(x)
    if x.ndim == 0:
        return x.copy()
    return np.flip(x, axis=tuple(d % x.ndim for d in dims)).copy()


def fliplr(x):
    return np.flip(f64(x), axis=1).copy()


def flipud(x):
    return np.flip(f64(x), axis=0).copy()


def roll(x, shifts, dims=None):
    """torch.roll: dims=None rolls the flattened tensor (then restores the shape); a dim may
    repeat (it rolls twice)."""
    x = f64(x)
    if dims is None:
        return np.roll(x.reshape(-1), shifts).reshape(x.shape)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    for s, d in zip(shifts, dims, strict=True):
        x = np.roll(x, s, axis=d)
    return x


def tril(x, diagonal=0):
    return np.tril(f64(x), diagonal)


def triu(x, diagonal=0):
    return np.triu(f64(x), diagonal)


def tril_indices(row, col, offset=0):
    """[2, N] (rows, cols) of the lower triangle, row-major (as torch.tril_indices)."""
    r, c = np.tril_indices(row, offset, col)
    return np.stack([r, c]).reshape(2, -1).astype(np.float64)


def triu_indices(row, col, offset=0):
    r, c = np.triu_indices(row, offset, col)
    return np.stack([r, c]).reshape(2, -1).astype(np.float64)


def diagonal(x, offset=0, dim1=0, dim2=1):
    """The diagonal of dims (dim1, dim2) as the last dim: out[..., i] = x[i, i + offset] with i
    along dim1 (offset > 0 above the diagonal); empty past the edge."""
    return np.diagonal(f64(x), offset, dim1, dim2).copy()


def diag(x, diagonal=0):
    """1-D -> the square matrix with x on diagonal `diagonal`; 2-D -> that diagonal (1-D)."""
    return np.diag(f64(x), diagonal).copy()


def diag_embed(x, offset=0, dim1=-2, dim2=-1):
    """The last dim of x on diagonal `offset` of dims (dim1, dim2) of a new (ndim + 1)-d tensor:
    out[..., i, i + offset] along (dim1, dim2), the other dims x's leading ones in order."""
    x = f64(x)
    n = x.shape[-1] + (-offset if offset < 0 else offset)
    z = np.zeros((*x.shape[:-1], n, n))
    i = np.arange(x.shape[-1])
    if offset >= 0:
        z[..., i, i + offset] = x
    else:
        z[..., i - offset, i] = x
    nd = x.ndim + 1
    return np.moveaxis(z, (-2, -1), (dim1 % nd, dim2 % nd)).copy()


def trace(x):
    return np.asarray(np.trace(f64(x)))


def repeat(x, *sizes):
    """Tensor.repeat(*sizes): np.tile (len(sizes) >= x.ndim; extra sizes are new leading dims)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    return np.tile(f64(x), sizes)


def tile(x, dims):
    """torch.tile: as repeat, with 1s prepended to `dims` when it is shorter than x.ndim."""
    return np.tile(f64(x), tuple(dims))


def repeat_interleave(x, repeats, dim=None, output_size=None):
    """Each element (dim=None: of the flattened x) repeated `repeats` times (an int, or one
    count per element along dim: a 1-D int64 array, or one element that broadcasts)."""
    r = repeats if isinstance(repeats, int) else np.asarray(repeats, dtype=np.int64).reshape(-1)
    return np.repeat(f64(x), r, axis=dim)


def unfold(x, dimension, size, step):
    """Tensor.unfold: windows of `size` every `step` along `dimension`; that dim becomes
    (n - size) // step + 1 and the window is a new last dim."""
    x = f64(x)
    if x.ndim == 0:  # one element along dim 0: [1] for size 1
        return x.reshape(1)[:size].copy()
    d = dimension % x.ndim
    w = np.lib.stride_tricks.sliding_window_view(x, size, axis=d)
    sl = [slice(None)] * w.ndim
    sl[d] = slice(None, None, step)
    return w[tuple(sl)].copy()


def movedim(x, source, destination):
    x = f64(x)
    if x.ndim == 0:  # dims 0 / -1 of a 0-d tensor: itself
        return x.copy()
    return np.moveaxis(x, source, destination).copy()


def swapdims(x, dim0, dim1):
    x = f64(x)
    if x.ndim == 0:
        return x.copy()
    return np.swapaxes(x, dim0, dim1).copy()


def squeeze(x, dim=None):
    """torch.squeeze: drop size-1 dims (all, or those of `dim`, an int or tuple); a named dim
    of another size is kept (no error)."""
    x = f64(x)
    if dim is None:
        return x.reshape([s for s in x.shape if s != 1])
    dims = {d % max(x.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)}
    return x.reshape([s for i, s in enumerate(x.shape) if not (i in dims and s == 1)])


def unsqueeze(x, dim):
    x = f64(x)
    return np.expand_dims(x, dim % (x.ndim + 1))


def t(x):
    """Tensor.t: the transpose of a <= 2-d tensor (0-d and 1-d unchanged)."""
    return f64(x).T.copy()


def transpose(x, dim0, dim1):
    return swapdims(x, dim0, dim1)


# ---- broadcasting and joining --------------------------------------------------------------------


def broadcast_to(x, shape):
    """torch.broadcast_to: a -1 in `shape` keeps x's size there (aligned from the right)."""
    x = f64(x)
    shape = tuple(shape)
    lead = len(shape) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
    return np.broadcast_to(x, shape).copy()


def broadcast_tensors(*xs):
    return tuple(np.array(a) for a in np.broadcast_arrays(*[f64(x) for x in xs]))


def meshgrid(*xs, indexing="ij"):
    """torch.meshgrid of 0-d / 1-d tensors (a 0-d one counts as one element); 'xy' swaps the
    first two output dims."""
    return tuple(np.meshgrid(*[f64(x).reshape(-1) for x in xs], indexing=indexing))


def atleast_1d(x):
    return np.atleast_1d(f64(x)).copy()


def atleast_2d(x):
    """0-d -> [1, 1], [n] -> [1, n]."""
    return np.atleast_2d(f64(x)).copy()


def atleast_3d(x):
    """0-d -> [1, 1, 1], [n] -> [1, n, 1], [m, n] -> [m, n, 1]."""
    return np.atleast_3d(f64(x)).copy()


def hstack(xs):
    """cat along dim 0 if the first tensor is 1-d (after atleast_1d), else along dim 1."""
    return np.hstack([f64(x) for x in xs])


def vstack(xs):
    return np.vstack([f64(x) for x in xs])


def dstack(xs):
    return np.dstack([f64(x) for x in xs])


def column_stack(xs):
    """0-d and 1-d tensors become columns [n, 1]; then cat along dim 1."""
    return np.column_stack([f64(x) for x in xs])


def tensor_split(x, indices_or_sections, dim=0):
    """torch.tensor_split: an int n gives n pieces, the first (size % n) one longer; a list of
    indices cuts at each (Python slice semantics: negative indices wrap, out-of-range ones
    clamp, a decreasing one gives an empty piece). An int64 array: 0-d = sections, 1-d = indices."""
    x = f64(x)
    ios = indices_or_sections
    if isinstance(ios, np.ndarray):
        ios = int(ios) if ios.ndim == 0 else [int(v) for v in ios]
    if not isinstance(ios, int):
        ios = list(ios)
    return tuple(p.copy() for p in np.array_split(x, ios, axis=dim))


def sum_to_size(x, *size):
    """Tensor.sum_to_size: sum the leading dims x has beyond `size`, and (keepdim) each dim
    where size is 1 and x's is not."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    x = f64(x)
    lead = x.ndim - len(size)
    r = x.sum(axis=tuple(range(lead))) if lead else x
    axes = tuple(i for i, s in enumerate(size) if s == 1 and r.shape[i] != 1)
    return r.sum(axis=axes, keepdims=True) if axes else r.copy()


# ---- indexing: take, scatter, index_fill/index_copy, masked_scatter --------------------------------


def take(x, index):
    """torch.take: x flattened, indexed by `index` (negative indices wrap); index's shape."""
    return f64(x).reshape(-1)[np.asarray(index, dtype=np.int64)]


def take_along_dim(x, indices, dim=None):
    """torch.take_along_dim: gather along dim with x and indices broadcast against each other
    in the other dims (negative indices wrap); dim=None: the flattened x by the flattened
    indices (1-d)."""
    x, idx = f64(x), np.asarray(indices, dtype=np.int64)
    if dim is None:
        return x.reshape(-1)[idx.reshape(-1)]
    d = dim % x.ndim
    rest = np.broadcast_shapes(
        x.shape[:d] + (1,) + x.shape[d + 1 :], idx.shape[:d] + (1,) + idx.shape[d + 1 :]
    )
    xb = np.broadcast_to(x, rest[:d] + (x.shape[d],) + rest[d + 1 :])
    ib = np.broadcast_to(idx, rest[:d] + (idx.shape[d],) + rest[d + 1 :])
    return np.take_along_axis(xb, ib, axis=d)


def _scatter_groups(x, dim, index):
    """{target position in x: [positions in index]} in index's row-major order."""
    d = dim % x.ndim
    groups = {}
    for pos in np.ndindex(index.shape):
        tgt = list(pos)
        tgt[d] = int(index[pos])
        groups.setdefault(tuple(tgt), []).append(pos)
    return groups


def scatter_reduce(x, dim, index, src, reduce, include_self=True):
    """torch.scatter_reduce: out = x; each out position that index targets (along dim) becomes
    reduce(x there (include_self) and every src value sent there); index may repeat; src is
    read at index's positions (it may be larger). mean divides by the count (self included when
    include_self); for int64 it floor-divides. A position no index targets keeps x."""
    is_int = np.asarray(x).dtype.kind in "biu"
    xs, nd = _nd(x)
    index = np.asarray(index, dtype=np.int64)
    index = index.reshape(1) if index.ndim == 0 else index
    s = f64(src)
    s = np.broadcast_to(s, index.shape) if s.ndim == 0 else s
    out = xs.copy()
    for tgt, poss in _scatter_groups(xs, dim if nd else 0, index).items():
        vals = ([xs[tgt]] if include_self else []) + [s[p] for p in poss]
        if reduce in ("sum", "add"):
            v = np.sum(vals)
        elif reduce in ("prod", "multiply"):
            v = np.prod(vals)
        elif reduce == "amax":
            v = np.max(vals)
        elif reduce == "amin":
            v = np.min(vals)
        elif reduce == "mean":
            v = np.floor(np.sum(vals) / len(vals)) if is_int else np.sum(vals) / len(vals)
        else:
            raise ValueError(reduce)
        out[tgt] = v
    return out.reshape(()) if nd == 0 else out


def scatter(x, dim, index, src=None, value=None, reduce=None):
    """torch.scatter: out = x with out[..index[i]..] = src[i] (or the number `value`) along dim;
    reduce='add' / 'multiply' combines with x (and the other writes) instead. Without reduce the
    index must not repeat a target (torch leaves the winner unspecified)."""
    if src is None or not isinstance(src, np.ndarray):
        v = value if src is None else src
        src = np.full(np.shape(index), float(v))
    if reduce is not None:
        return scatter_reduce(x, dim, index, src, reduce, include_self=True)
    xs, nd = _nd(x)
    index = np.asarray(index, dtype=np.int64)
    index = index.reshape(1) if index.ndim == 0 else index
    s = f64(src)
    s = s.reshape(1) if s.ndim == 0 else s
    out = xs.copy()
    for tgt, poss in _scatter_groups(xs, dim if nd else 0, index).items():
        assert len(poss) == 1, "scatter with a repeated target: torch leaves it unspecified"
        out[tgt] = s[poss[0]]
    return out.reshape(()) if nd == 0 else out


def _along(ndim, dim, idx):
    sl = [slice(None)] * ndim
    sl[dim % ndim] = idx
    return tuple(sl)


def index_fill(x, dim, index, value):
    """torch.index_fill: the slices at `index` along dim (1-d or 0-d; may repeat; negative wraps)
    set to the number `value` (cast to x's dtype)."""
    xs, nd = _nd(x)
    out = xs.copy()
    out[_along(out.ndim, dim, np.asarray(index, dtype=np.int64).reshape(-1))] = value
    return out.reshape(()) if nd == 0 else out


def index_copy(x, dim, index, source):
    """torch.index_copy: out's slice index[i] along dim = source's slice i (no repeats)."""
    xs, nd = _nd(x)
    out = xs.copy()
    idx = np.asarray(index, dtype=np.int64).reshape(-1)
    src = f64(source).reshape(-1) if nd == 0 else f64(source)
    out[_along(out.ndim, dim, idx)] = src
    return out.reshape(()) if nd == 0 else out


def masked_scatter(x, mask, source):
    """torch.masked_scatter: the positions where mask (broadcast with x: the result has the
    broadcast shape) is True take source's first mask.sum() elements in row-major order."""
    x, m = f64(x), np.asarray(mask, dtype=bool)
    shape = np.broadcast_shapes(x.shape, m.shape)
    out = np.broadcast_to(x, shape).copy()
    mb = np.broadcast_to(m, shape)
    out[mb] = f64(source).reshape(-1)[: int(mb.sum())]
    return out


# ---- elementwise: binary math, lerp / addcmul / addcdiv, round, nan_to_num ----------------------


def atan2(a, b):
    """torch.atan2(input, other): the angle of (other, input), in (-pi, pi]."""
    return np.arctan2(f64(a), f64(b))


def hypot(a, b):
    """sqrt(a^2 + b^2) without overflow; inf when either is +-inf (a NaN with it included)."""
    return np.hypot(f64(a), f64(b))


def fmod(a, b):
    """torch.fmod: a - trunc(a / b) * b, the sign of a (C's fmod / %; NaN for a float b == 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.fmod(f64(a), f64(b))


def logaddexp(a, b):
    return np.logaddexp(f64(a), f64(b))


def logaddexp2(a, b):
    return np.logaddexp2(f64(a), f64(b))


def xlogy(x, y):
    """x * log(y), 0 where x == 0 (whatever y is, log(0) and log(-1) included), NaN where y is
    NaN (as torch.xlogy)."""
    x, y = f64(x), f64(y)
    with np.errstate(all="ignore"):
        out = np.where(x == 0, 0.0, x * np.log(y))
    return np.where(np.isnan(y), np.nan, out)


def lerp(start, end, weight):
    """torch.lerp with torch's formula: start + w * (end - start) where |w| < 0.5, else
    end - (end - start) * (1 - w) (both exact at their end point; the infinities follow it)."""
    s, e, w = f64(start), f64(end), f64(weight)
    with np.errstate(all="ignore"):
        return np.where(np.abs(w) < 0.5, s + w * (e - s), e - (e - s) * (1.0 - w))


def addcmul(x, tensor1, tensor2, value=1):
    with np.errstate(all="ignore"):
        return f64(x) + value * f64(tensor1) * f64(tensor2)


def addcdiv(x, tensor1, tensor2, value=1):
    with np.errstate(all="ignore"):
        return f64(x) + value * f64(tensor1) / f64(tensor2)


def round(x, decimals=0):  # noqa: A001 - mirrors the op name
    """torch.round: half to even; with decimals, rint(x * 10^d) / 10^d (d > 0) or
    rint(x / 10^-d) * 10^-d (d < 0), as torch computes it."""
    x = f64(x)
    if decimals == 0:
        return np.rint(x)
    p = 10.0 ** (decimals if decimals > 0 else -decimals)
    with np.errstate(all="ignore"):
        return np.rint(x * p) / p if decimals > 0 else np.rint(x / p) * p


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN -> nan, +inf -> posinf, -inf -> neginf; posinf / neginf default to the largest and
    lowest finite values of x's dtype. Integer and bool inputs are returned unchanged."""
    x = np.asarray(x)
    if x.dtype.kind != "f":
        return x.copy()
    fi = np.finfo(x.dtype)
    hi = float(fi.max) if posinf is None else posinf
    lo = float(fi.min) if neginf is None else neginf
    v = f64(x)
    return np.where(np.isnan(v), nan, np.where(v == np.inf, hi, np.where(v == -np.inf, lo, v)))


# ---- NaN-ignoring reductions, counting, bucketing, uniques and quantiles ----------------------


def nansum(x, dim=None, keepdim=False, dtype=None):
    """torch.nansum: NaN counts as 0 (int64 / bool: the plain sum)."""
    x = f64(x)
    return np.sum(np.where(np.isnan(x), 0.0, x), axis=_axis(x, dim), keepdims=keepdim)


def nanmean(x, dim=None, keepdim=False):
    """torch.nanmean: nansum / the number of non-NaN elements (none: NaN)."""
    x = f64(x)
    ax = _axis(x, dim)
    keep = ~np.isnan(x)
    s = np.sum(np.where(keep, x, 0.0), axis=ax, keepdims=keepdim)
    with np.errstate(invalid="ignore", divide="ignore"):
        return s / np.sum(keep, axis=ax, keepdims=keepdim)


def aminmax(x, dim=None, keepdim=False):
    """torch.aminmax -> (min, max); a NaN in the reduced elements gives NaN in both."""
    return amin(x, dim, keepdim), amax(x, dim, keepdim)


def bincount(x, weights=None, minlength=0):
    """torch.bincount: counts (int64) or sums of weights per value of a 1-D non-negative int64
    x, max(x) + 1 or minlength long. An empty x gives int64 zeros, weights or not."""
    x = np.asarray(x).astype(np.int64)
    if x.size == 0:
        return np.zeros(minlength, dtype=np.int64)
    w = None if weights is None else f64(weights)
    return np.bincount(x, weights=w, minlength=minlength).astype(np.float64)


def histc(x, bins=100, min=0, max=0):  # noqa: A002 - torch argument names
    """torch.histc: `bins` equal bins over [min, max]; min == max (any equal pair) takes the
    data's min and max, and an empty range widens to [lo - 1, hi + 1]. Elements outside (and
    NaN) are skipped; x == max goes in the last bin. The bin of x is
    int((x - lo) * bins / (hi - lo)), computed in x's dtype as torch does."""
    x = np.asarray(x)
    t = x.dtype.type
    flat = x.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and flat.size:
        lo, hi = float(flat.min()), float(flat.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    lo_t, hi_t = t(lo), t(hi)
    with np.errstate(invalid="ignore"):
        v = flat[(flat >= lo_t) & (flat <= hi_t)]
    pos = ((v - lo_t) * t(bins) / (hi_t - lo_t)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return np.bincount(pos, minlength=bins).astype(np.float64)


def _bound(row, v, right):
    """torch's binary search in one sorted row: the first index whose element is > v (right) or
    >= v (left); a comparison with NaN is false, so a NaN value lands past the end."""
    lo, hi = 0, len(row)
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if (row[mid] > v) if right else (row[mid] >= v):
            hi = mid
        else:
            lo = mid + 1
    return lo


def searchsorted(sorted_sequence, values, out_int32=False, right=False, side=None, sorter=None):
    """torch.searchsorted: per element of values, its insertion index in sorted_sequence (1-D,
    or N-D with the leading dims of values); `sorter` sorts each row first; a Python number
    gives a 0-d result. Compared in float64 (exact for the samples)."""
    right = right or side == "right"
    seq = f64(sorted_sequence)
    if sorter is not None:
        seq = np.take_along_axis(seq, np.asarray(sorter), axis=-1)
    vals = f64(values)
    out = np.zeros(vals.shape, dtype=np.int64)
    for pos in np.ndindex(vals.shape):
        row = seq if seq.ndim == 1 else seq[pos[:-1]]
        out[pos] = _bound(row, vals[pos], right)
    return out.astype(np.int32) if out_int32 else out


def bucketize(x, boundaries, out_int32=False, right=False):
    """torch.bucketize(x, boundaries) = searchsorted(boundaries, x) (boundaries 1-D)."""
    return searchsorted(boundaries, x, out_int32=out_int32, right=right)


def _run_starts(flat):
    """True where a run of equal neighbours starts (NaN != NaN: each NaN a run of its own)."""
    new = np.ones(flat.size, dtype=bool)
    new[1:] = flat[1:] != flat[:-1]
    return new


def _runs_result(x, flat, order, return_inverse, return_counts):
    """The values, inverse (x's shape) and counts of the runs of flat[order]."""
    s = flat[order]
    new = _run_starts(s)
    inverse = np.empty(flat.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    out = (s[new],)
    if return_inverse:
        out += (inverse.reshape(np.shape(x)),)
    if return_counts:
        out += (np.diff(np.append(np.flatnonzero(new), flat.size)).astype(np.int64),)
    return out[0] if len(out) == 1 else out


def _unique_slices(x, dim, return_inverse, return_counts, consecutive):
    """unique over the slices along dim: rows compared whole, in lexicographic order
    (np.lexsort, first column most significant) unless consecutive."""
    x = np.asarray(x)
    xm = np.moveaxis(x, dim, 0)
    n = xm.shape[0]
    rows = xm.reshape(n, int(np.prod(xm.shape[1:])))
    order = (
        np.arange(n) if consecutive else np.lexsort(rows.T[::-1]) if rows.shape[1] else np.arange(n)
    )
    s = rows[order]
    new = np.ones(n, bool)
    new[1:] = (s[1:] != s[:-1]).any(axis=1)  # NaN != NaN: rows with a NaN are each distinct
    inverse = np.empty(n, np.int64)
    inverse[order] = np.cumsum(new) - 1
    out = (np.moveaxis(s[new].reshape((int(new.sum()),) + xm.shape[1:]), 0, dim),)
    if return_inverse:
        out += (inverse,)
    if return_counts:
        out += (np.diff(np.append(np.flatnonzero(new), n)).astype(np.int64),)
    return out[0] if len(out) == 1 else out


def unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """torch.unique: the sorted distinct values of the flattened x (a 0-d x gives [1]); torch's
    CPU kernel sorts with sorted=False too. NaNs are each distinct, after +inf; -0.0 equals
    0.0. With dim: the distinct slices along dim."""
    if dim is not None:
        return _unique_slices(x, dim, return_inverse, return_counts, False)
    flat = f64(x).reshape(-1)
    order = np.argsort(flat, kind="stable")  # NaN last
    return _runs_result(x, flat, order, return_inverse, return_counts)


def unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
    """torch.unique_consecutive: the first of each run of equal neighbours of the flattened x
    (NaN != NaN); with dim, of equal neighbouring slices."""
    if dim is not None:
        return _unique_slices(x, dim, return_inverse, return_counts, True)
    flat = f64(x).reshape(-1)
    return _runs_result(x, flat, np.arange(flat.size), return_inverse, return_counts)


def _torch_lerp(a, b, w):
    """torch.lerp's two-sided formula (it decides which inf - inf cases are NaN)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def quantile(x, q, dim=None, keepdim=False, interpolation="linear", ignore_nan=False):
    """torch.quantile: rank q * (n - 1) into the sorted row, computed in x's dtype as torch does
    (float32 and float64 may round a rank to different sides of an integer), then linear /
    lower / higher / midpoint / nearest (rank rounded half to even). A row with a NaN gives NaN
    (nanquantile: the NaNs are left out; an all-NaN row gives NaN). A 1-D q puts a leading dim
    of len(q) on the result."""
    x = np.asarray(x)
    t = x.dtype.type
    qa = np.asarray(q, dtype=x.dtype)
    xv = x.reshape(-1) if dim is None or x.ndim == 0 else np.moveaxis(x, dim, -1)
    srt = np.sort(xv, axis=-1)  # NaN last
    n = srt.shape[-1]
    qs = qa.reshape(-1)
    nan = np.isnan(srt)
    if ignore_nan:
        ranks = qs * (np.sum(~nan, axis=-1, keepdims=True) - 1).astype(x.dtype)
        ranks = np.where(ranks < 0, t(0), ranks)
    else:
        ranks = np.where(np.any(nan, axis=-1, keepdims=True), t(n - 1), qs * t(n - 1))
    if interpolation in ("lower", "higher", "nearest"):
        ranks = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}[interpolation](ranks)
    below = ranks.astype(np.int64)
    out = f64(np.take_along_axis(srt, below, axis=-1))
    if interpolation in ("linear", "midpoint"):
        w = np.full(ranks.shape, 0.5) if interpolation == "midpoint" else f64(ranks - below)
        above = f64(np.take_along_axis(srt, np.ceil(ranks).astype(np.int64), axis=-1))
        out = _torch_lerp(out, above, w)
    out = out[..., 0] if qa.ndim == 0 else np.moveaxis(out, -1, 0)
    if keepdim and x.ndim:
        lead = 0 if qa.ndim == 0 else 1
        if dim is None:
            out = out.reshape(out.shape[:lead] + (1,) * x.ndim)
        else:
            out = np.expand_dims(out, lead + dim % x.ndim)
    return out


def nanquantile(x, q, dim=None, keepdim=False, interpolation="linear"):
    return quantile(x, q, dim, keepdim, interpolation, ignore_nan=True)


# ---- linear algebra: products (einsum, tensordot, kron, cross, add*mv/bmm, cdist) ---------------

_EINSUM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def einsum(equation, *operands):
    """torch.einsum. Spaces are ignored; '...' stands for the broadcast batch dims (right-aligned
    across operands); a label of size 1 in one operand broadcasts against that label's size in
    another; a label repeated within an operand takes its diagonal; a label absent from the
    output is summed over. The implicit output (no '->') is the ellipsis dims, then the labels
    that appear exactly once, in ASCII order (upper case first). ``einsum(eq, [a, b])`` (the
    list form) is the same call."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ops = [f64(o) for o in operands]
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    assert len(terms) == len(ops), "einsum: one term per operand"
    free = [c for c in _EINSUM_LETTERS if c not in eq]
    n_ell = max(
        [o.ndim - (len(t) - 3) for t, o in zip(terms, ops, strict=True) if "..." in t], default=0
    )
    ell = "".join(free[:n_ell])
    full = []
    for t, o in zip(terms, ops, strict=True):
        if "..." in t:
            k = o.ndim - (len(t) - 3)
            t = t.replace("...", ell[n_ell - k :])
        assert len(t) == o.ndim, f"einsum: {t!r} does not match shape {o.shape}"
        full.append(t)
    if arrow:
        out = rhs.replace("...", ell)
    else:
        labels = "".join(terms).replace(".", "")
        out = ell + "".join(sorted(c for c in set(labels) if labels.count(c) == 1))
    size = {}
    for t, o in zip(full, ops, strict=True):
        for c, n in zip(t, o.shape, strict=True):
            if n != 1 or c not in size:
                size[c] = n
    ops = [np.broadcast_to(o, [size[c] for c in t]) for t, o in zip(full, ops, strict=True)]
    return np.asarray(np.einsum(",".join(full) + "->" + out, *ops))


def tensordot(a, b, dims=2):
    return np.asarray(np.tensordot(f64(a), f64(b), axes=dims))


def kron(a, b):
    return np.kron(f64(a), f64(b))


def cross(a, b, dim=None):
    """torch.cross: operands broadcast; dim=None takes the first dim of size 3."""
    a, b = np.broadcast_arrays(f64(a), f64(b))
    if dim is None:
        dim = a.shape.index(3)
    return np.cross(a, b, axis=dim)


def linalg_cross(a, b, dim=-1):
    return cross(a, b, dim)


def _add_scaled(inp, prod, beta, alpha):
    """beta * input + alpha * prod, input broadcast; beta == 0 ignores input (NaN and inf in it
    do not propagate), as torch's addmm family."""
    prod = alpha * prod
    if beta == 0:
        return np.broadcast_to(prod, np.broadcast_shapes(np.shape(inp), prod.shape)).copy()
    return beta * f64(inp) + prod


def addmv(inp, mat, vec, beta=1, alpha=1):
    return _add_scaled(inp, f64(mat) @ f64(vec), beta, alpha)


def baddbmm(inp, batch1, batch2, beta=1, alpha=1):
    return _add_scaled(inp, np.matmul(f64(batch1), f64(batch2)), beta, alpha)


def addbmm(inp, batch1, batch2, beta=1, alpha=1):
    b1, b2 = f64(batch1), f64(batch2)
    prod = np.matmul(b1, b2).sum(axis=0) if b1.shape[0] else np.zeros((b1.shape[1], b2.shape[2]))
    return _add_scaled(inp, prod, beta, alpha)


def _p_norm(x, p, axis, keepdims=False):
    """The p-norm of |x| along axis (p = 0: the count of non-zeros; +-inf: max / min)."""
    x = np.abs(f64(x))
    if p == 0:
        return np.sum(x != 0, axis=axis, keepdims=keepdims).astype(np.float64)
    if p == math.inf:
        return np.max(x, axis=axis, keepdims=keepdims, initial=0.0)
    if p == -math.inf:
        return np.min(x, axis=axis, keepdims=keepdims)
    if p == 1:
        return np.sum(x, axis=axis, keepdims=keepdims)
    if p == 2:
        return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
    return np.sum(x**p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def cdist(x1, x2, p=2.0):
    """torch.cdist: [..., P, M] x [..., R, M] -> [..., P, R] p-norm distances, batch dims
    broadcast (p = 0: the count of differing coordinates)."""
    d = f64(x1)[..., :, None, :] - f64(x2)[..., None, :, :]
    return _p_norm(d, p, axis=-1)


# ---- linear algebra: norms ----------------------------------------------------------------------


def vector_norm(x, ord=2, dim=None, keepdim=False):  # noqa: A002 - torch argument names
    """torch.linalg.vector_norm: over every dim (dim=None) or the given ones; ord 0 counts the
    non-zeros."""
    x = f64(x)
    ax = _axis(x, dim)
    return np.asarray(_p_norm(x, ord, axis=ax, keepdims=keepdim))


def matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False):  # noqa: A002
    """torch.linalg.matrix_norm over the two dims `dim`: 'fro', 'nuc' (sum of the singular
    values), 2 / -2 (largest / smallest singular value), 1 / -1 (max / min absolute column sum),
    inf / -inf (max / min absolute row sum)."""
    a = f64(a)
    d0, d1 = dim[0] % a.ndim, dim[1] % a.ndim
    m = np.moveaxis(a, (d0, d1), (-2, -1))
    if ord == "fro":
        out = np.sqrt(np.sum(m * m, axis=(-2, -1)))
    elif ord in ("nuc", 2, -2):
        s = np.linalg.svd(m, compute_uv=False)
        out = s.sum(-1) if ord == "nuc" else (s.max(-1) if ord == 2 else s.min(-1))
    else:
        sums = np.abs(m).sum(axis=-2 if ord in (1, -1) else -1)
        out = sums.max(-1) if ord > 0 else sums.min(-1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = np.expand_dims(out, d)
    return np.asarray(out)


def linalg_norm(a, ord=None, dim=None, keepdim=False):  # noqa: A002
    """torch.linalg.norm: ord=None and dim=None: the 2-norm of the flattened input; dim an int
    (or 1-tuple): a vector norm (ord default 2); dim a 2-tuple: a matrix norm (ord default
    'fro'); dim=None with ord given: a vector norm of a 1-D input, a matrix norm of a 2-D one."""
    a = f64(a)
    if dim is None:
        if ord is None:
            return vector_norm(a, 2, None, keepdim)
        dim = tuple(range(a.ndim))
    if isinstance(dim, int):
        dim = (dim,)
    if len(dim) == 1:
        return vector_norm(a, 2 if ord is None else ord, dim, keepdim)
    return matrix_norm(a, "fro" if ord is None else ord, dim, keepdim)


# ---- linear algebra: inverses, determinants, solves ------------------------------------------------


def inv(a):
    return np.linalg.inv(f64(a))


def det(a):
    return np.asarray(np.linalg.det(f64(a)))


def slogdet(a):
    """(sign, logabsdet); a singular matrix gives (0, -inf)."""
    sign, logabsdet = np.linalg.slogdet(f64(a))
    return np.asarray(sign), np.asarray(logabsdet)


def logdet(a):
    """torch.logdet: log(det), NaN for a negative determinant, -inf for a zero one."""
    sign, logabsdet = slogdet(a)
    return np.where(sign < 0, math.nan, logabsdet)


def _solve_vector_case(a, b):
    """torch.linalg.solve's rule: B is a (batch of) vector(s) when B.ndim == 1 or
    B.shape == A.shape[:-1]."""
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


def solve(a, b, left=True):
    """torch.linalg.solve: X with A X = B (left) or X A = B (left=False); batch dims broadcast."""
    a, b = f64(a), f64(b)
    if not left:
        return np.swapaxes(solve(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
    if _solve_vector_case(a, b):
        return np.linalg.solve(a, b[..., None])[..., 0]
    return np.linalg.solve(a, b)


def _triangle(a, upper, unitriangular=False):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        n = a.shape[-1]
        t = t * (1 - np.eye(n)) + np.eye(n)
    return t


def solve_triangular(a, b, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular: only A's upper (lower) triangle is read, its diagonal taken
    as ones with unitriangular; B is a (batch of) matrix(ces); batch dims broadcast."""
    t = _triangle(f64(a), upper, unitriangular)
    b = f64(b)
    if left:
        return np.linalg.solve(t, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)


def cholesky(a, upper=False):
    low = np.linalg.cholesky(f64(a))
    return np.swapaxes(low, -1, -2) if upper else low


def lstsq_solution(a, b):
    """torch.linalg.lstsq(A, B).solution for a full-rank A: the least-squares solution (tall A)
    or the minimum-norm one (wide A); B.ndim == A.ndim - 1 is the vector case; batch dims
    broadcast."""
    a, b = f64(a), f64(b)
    vec = b.ndim == a.ndim - 1
    x = np.matmul(np.linalg.pinv(a), b[..., None] if vec else b)
    return x[..., 0] if vec else x


def pinv(a, hermitian=False):
    return np.linalg.pinv(f64(a), hermitian=hermitian)


def matrix_power(a, n):
    a = f64(a)
    if a.size == 0:
        return a.copy()
    return np.linalg.matrix_power(a, n)


# ---- linear algebra: decompositions, as gauge-invariant outputs ----------------------------------
# Singular vectors, eigenvectors and the columns of Q are unique only up to sign; the registry's
# op wrappers (tests/opinfo.py) turn them into outputs that are not, and these are the same math.


def spd(x):
    """X X^T + n I: a symmetric positive definite matrix from a free one."""
    x = f64(x)
    n = x.shape[-1]
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def symmetrize(x):
    x = f64(x)
    return (x + np.swapaxes(x, -1, -2)) / 2


def qr_fixed(a, mode="reduced"):
    """torch.linalg.qr with the signs fixed so R's diagonal is positive (unique for a full-rank
    A): (Q[..., :, :k], R) for k = min(m, n); mode='r': (the empty Q, R); mode='complete' adds
    Q^T Q (the identity of size m: every column of Q orthonormal)."""
    a = f64(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    if mode == "r":
        r = np.linalg.qr(a, mode="r") if a.size else np.zeros(a.shape[:-2] + (k, n))
        q = None
    else:
        if a.size:
            q, r = np.linalg.qr(a, mode=mode)
        else:
            kq = m if mode == "complete" else k
            q, r = np.zeros(a.shape[:-2] + (m, kq)), np.zeros(a.shape[:-2] + (kq, n))
    d = np.sign(np.diagonal(r, axis1=-2, axis2=-1))  # [..., k]
    r = r.copy()
    r[..., :k, :] = r[..., :k, :] * d[..., :, None]
    if mode == "r":
        return np.zeros((0,)), r
    q1 = q[..., :, :k] * d[..., None, :]
    if mode == "complete":
        return q1, r, np.swapaxes(q, -1, -2) @ q
    return q1, r


def _weights(k):
    return np.arange(1, k + 1, dtype=np.float64)


def svd_invariants(a, full_matrices=True):
    """From torch.linalg.svd(A): U_k diag(S) V_k^T (k = min(m, n): A again), S, and
    U_k diag(1..k) U_k^T, V_k diag(1..k) V_k^T (each singular vector, its sign aside, at its
    place in the descending order)."""
    a = f64(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    if a.size:
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    else:
        u = np.zeros(a.shape[:-2] + (m, m if full_matrices else k))
        s = np.zeros(a.shape[:-2] + (k,))
        vh = np.zeros(a.shape[:-2] + (n if full_matrices else k, n))
    u, vt = u[..., :, :k], np.swapaxes(vh[..., :k, :], -1, -2)
    w = _weights(k)
    return (
        (u * s[..., None, :]) @ np.swapaxes(vt, -1, -2),
        s,
        (u * w) @ np.swapaxes(u, -1, -2),
        (vt * w) @ np.swapaxes(vt, -1, -2),
    )


def svd_full_orthonormal(a, full_matrices=True):
    """From torch.linalg.svd(A): U^T U and Vh Vh^T (identities of U's and Vh's sizes), and S."""
    a = f64(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    ku, kv = (m, n) if full_matrices else (k, k)
    s = np.linalg.svd(a, compute_uv=False) if a.size else np.zeros(a.shape[:-2] + (k,))
    batch = a.shape[:-2]
    return (
        np.broadcast_to(np.eye(ku), batch + (ku, ku)).copy(),
        np.broadcast_to(np.eye(kv), batch + (kv, kv)).copy(),
        s,
    )


def svdvals(a):
    a = f64(a)
    if not a.size:
        return np.zeros(a.shape[:-2] + (min(a.shape[-2:]),))
    return np.linalg.svd(a, compute_uv=False)


def eigh_invariants(a, UPLO="L"):  # noqa: N803 - torch argument name
    """From torch.linalg.eigh(A): the eigenvalues (ascending) and V diag(1..n) V^T (each
    eigenvector, its sign aside, at its place in the ascending order); only A's lower
    (UPLO='L') or upper ('U') triangle is read."""
    a = f64(a)
    n = a.shape[-1]
    if a.size:
        lam, v = np.linalg.eigh(a, UPLO=UPLO)
    else:
        lam, v = np.zeros(a.shape[:-1]), np.zeros(a.shape)
    return lam, (v * _weights(n)) @ np.swapaxes(v, -1, -2)


def eigvalsh(a, UPLO="L"):  # noqa: N803
    """torch.linalg.eigvalsh: the eigenvalues (ascending) of the symmetric matrix that A's lower
    (UPLO='L') or upper ('U') triangle holds; the other triangle is not read."""
    a = f64(a)
    if not a.size:
        return np.zeros(a.shape[:-1])
    return np.linalg.eigvalsh(a, UPLO=UPLO)


def multi_dot(*ts):
    return np.linalg.multi_dot([t.astype(np.float64) for t in ts])


def vecdot(x, y, dim=-1):
    return np.sum(x.astype(np.float64) * y.astype(np.float64), axis=dim)


def matrix_rank(a):
    """torch's default tolerance: eps * max(m, n) * the largest singular value (NumPy's too)."""
    if a.size == 0:
        return np.zeros(a.shape[:-2], dtype=np.int64)
    s = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    tol = s.max(axis=-1, keepdims=True) * max(a.shape[-2:]) * np.finfo(a.dtype).eps  # a's own eps
    return (s > tol).sum(axis=-1).astype(np.int64)


def lgamma(x):
    """ln|Gamma(x)|: +inf at the poles (0 and the negative integers) and at +-inf."""

    def one(v):
        if math.isnan(v):
            return math.nan
        if math.isinf(v) or (v <= 0 and v == math.floor(v)):
            return math.inf
        return math.lgamma(v)

    return np.vectorize(one, otypes=[np.float64])(f64(x))


def digamma(x):
    """psi(x) = Gamma'(x) / Gamma(x) by mpmath (torch's poles: -inf at +0, +inf at -0, NaN at the
    negative integers and -inf)."""
    import mpmath

    def one(v):
        if math.isnan(v) or v == math.inf:
            return v
        if v == -math.inf:
            return math.nan
        if v == 0:
            return -math.inf if math.copysign(1.0, v) > 0 else math.inf
        if v < 0 and v == math.floor(v):
            return math.nan
        return float(mpmath.digamma(v))

    return np.vectorize(one, otypes=[np.float64])(f64(x))


def gammainc(a, x, upper=False):
    """The regularized incomplete gamma P(a, x) (Q = 1 - P when upper) by mpmath, with torch's
    edge rules: NaN for a < 0, x < 0 or NaN; at a = 0 the limit for x > 0 (NaN at x = 0);
    a = inf gives P = 0 (NaN with x = inf)."""
    import mpmath

    def one(av, xv):
        if math.isnan(av) or math.isnan(xv) or av < 0 or xv < 0:
            return math.nan
        if av == 0:
            return (0.0 if upper else 1.0) if xv > 0 else math.nan
        if math.isinf(av):
            return math.nan if math.isinf(xv) else (1.0 if upper else 0.0)
        if math.isinf(xv):
            return 0.0 if upper else 1.0
        lo, hi = (xv, mpmath.inf) if upper else (0, xv)
        return float(mpmath.gammainc(av, lo, hi, regularized=True))

    return np.vectorize(one, otypes=[np.float64])(f64(a), f64(x))


def gammaincc(a, x):
    return gammainc(a, x, upper=True)
