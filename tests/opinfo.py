"""The OpInfo registry: one entry per op, driven through every check by tests/test_opinfo.py.

Each ``OpInfo`` names an op, how to call it on tetragrad, how to make sample inputs for it, and
its NumPy reference (``tests/reference.py``, float64). ``tests/test_opinfo.py`` runs every entry,
per dtype and per sample, through: forward against the reference (values, and the result dtype
torch's promotion gives), float64 gradcheck, float32 gradients against float64 ones, gradients
at extreme inputs (elementwise ops) and at kinks/ties (``kinks``: torch's convention there),
transposed and strided inputs against contiguous ones, the method / in-place / operator
spellings against the function, mixed-dtype operands (binary ops), and every CPU capability
(AVX2, AVX512) against DEFAULT (the ``backend`` parameter; CUDA-vs-CPU is one more value later).

How a new op joins (one entry, no new test file)
------------------------------------------------
Append one entry to ``OPS`` below, usually through its family's helper::

    unary("expm1", R.expm1, dtypes=ALL_NUM, out=FLOAT_OUT),     # tg.expm1, x.expm1, x.expm1_
    binary("atan2", R.atan2, dtypes=FLOAT, out=FLOAT_OUT, domain=((-2, 2), (0.2, 2))),
    act("hardswish", R.hardswish, avoid=(-3.0, 3.0), inplace_kw=True),  # F.hardswish
    reduction("nansum", R.nansum, dims="tuple", dtypes=ALL, out=INT_SUM),
    loss("soft_margin_loss", R.soft_margin_loss, gen=_pointwise_loss_samples()),

or write ``OpInfo(name=..., op=..., ref=..., sample_inputs=..., ...)`` directly (the fields of
``OpInfo`` say what each is). ``op`` is a callable taking tensors (and the sample's kwargs) or a
name resolved, when called, on ``tetragrad``, then ``tetragrad.nn.functional``. ``ref`` takes the
same arguments as NumPy arrays and returns float64 arrays (a tuple for several outputs); put a
missing reference in ``tests/reference.py`` (NumPy only, torch's semantics). ``out_dtype`` gives
the result dtype from the sample (presets: PROMOTE, FLOAT_OUT, BOOL_OUT, SAME, INT_SUM, LONG).
Give the input domain (``domain``: an open interval per argument) and the points where the op
has a kink (``avoid``: samples keep 0.2 away, so gradcheck's central differences are valid), and
torch's gradient exactly there (``kinks``, e.g. ``kinks_at([0.0], lambda x: (x > 0) * 1.0)``).
An op not in tetragrad yet is guarded with ``requires=("nn.functional", "celu")`` (any dotted
namespace under tetragrad: ``("linalg", "inv")``, ``("Tensor", "kron")`` for a method; a tuple
of such pairs needs them all; ``op`` may be a dotted name too, "linalg.inv"): its cases skip
until it lands (and run against torch in the self-check, which validates the reference ahead of
time). A known tetragrad bug is a strict xfail on exactly the cases it breaks:
``xfail=[XFail("forward", "float32", 2, "BUG: ...")]`` (``torch_only=True``: a torch quirk).
"""

from __future__ import annotations

import builtins
import math
import operator
import warnings
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import reference as R
import tetragrad as tg

# ---- samples ----------------------------------------------------------------------------------


@dataclass
class SampleInput:
    """One call: positional ``args`` (NumPy arrays become tensors, anything else is passed as is)
    and ``kwargs`` (arrays there become tensors too, never differentiated)."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    desc: str = ""
    big: bool = False  # wide enough to reach the vector loops (not gradchecked)
    special: bool = False  # holds +-0, +-inf, NaN, tiny and huge values (not gradchecked)

    def __repr__(self):
        shapes = ", ".join(
            f"{a.dtype}{list(a.shape)}" if isinstance(a, np.ndarray) else repr(a) for a in self.args
        )
        kw = ", ".join(
            f"{k}={v.dtype}{list(v.shape)}" if isinstance(v, np.ndarray) else f"{k}={v!r}"
            for k, v in self.kwargs.items()
        )
        return (
            f"SampleInput({shapes}{', ' if kw else ''}{kw}){' ' + self.desc if self.desc else ''}"
        )


@dataclass
class XFail:
    """A strict xfail on one test of an entry: ``test`` in {"forward", "gradcheck",
    "noncontiguous", "variants", "variants_inplace", "promotion", "backend"}, narrowed by dtype name and sample
    index (None: every one). ``torch_only``: the case fails on the torch backend only (a
    tetragrad contract torch does not share)."""

    test: str
    dtype: str | None
    sample: int | None
    reason: str
    torch_only: bool = False


@dataclass
class Kink:
    """A sample exactly at a kink or tie, and the gradient torch gives there: `grads` holds
    d sum(outputs) / d arg (NumPy, float64) for each float array argument of `sample`."""

    sample: SampleInput
    grads: tuple


def _resolve(path):
    """tg.<path> for a dotted path under tetragrad ("linalg.inv"; a leading "tg." is allowed),
    or None where a part of it does not exist."""
    obj = tg
    for part in path.removeprefix("tg.").split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


FLOAT = ("float32", "float64")
ALL_NUM = ("float32", "float64", "int64")
ALL = ("float32", "float64", "int64", "bool")
INT_BOOL = ("int64", "bool")
NP_OF = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "bool": np.bool_}


@dataclass
class OpInfo:
    """One op of the registry (see the module docstring)."""

    name: str
    op: Callable | str
    ref: Callable
    sample_inputs: Callable[[OpInfo, str], Iterable[SampleInput]]
    dtypes: tuple = FLOAT
    # the result dtype(s) for a sample at a dtype: a function (sample, dtype) -> name or names
    out_dtype: Callable = None
    differentiable: bool = True
    # per argument: an open interval (lo, hi) for the values, or None for (-2, 2)
    domain: tuple = ()
    avoid: tuple = ()  # kinks: samples keep |x - a| >= 0.2 (gradcheck steps stay on one side)
    integer_valued: bool = False  # float samples hold small integers (ties for comparisons)
    distinct: bool = False  # no repeated values (max/min/sort-like ops: no tied gradients)
    tol: dict = field(default_factory=dict)  # dtype -> (rtol, atol); conftest defaults else
    grad_tol: dict = field(default_factory=dict)  # gradcheck kwargs (eps, atol, rtol)
    method: str | None = None  # Tensor method spelling: x.method(*rest, **kwargs)
    inplace: str | None = None  # in-place method spelling: x.inplace_(*rest, **kwargs)
    variants: tuple = ()  # other spellings (operators, aliases): callables like ``op``
    promotion: bool = False  # binary elementwise: also test mixed-dtype operands
    elementwise: bool = False  # out[i] depends on in[i] only (gradients at extremes are checked)
    # samples at kinks/ties with torch's gradient there: (op, dtype) -> Iterable[Kink]
    kinks: Callable | None = None
    # ("tg" | "nn.functional" | "linalg" | any dotted namespace under tg, attribute), or a
    # tuple of such pairs: skip until it (every one of them) exists
    requires: tuple | None = None
    tetragrad_only: bool = False  # tetragrad's own op: skip on the torch backend
    xfail: list = field(default_factory=list)
    # test_backend's bound (ulps of the largest value) between CPU capabilities: 16, but the
    # iterative decompositions (Eigen's SVD, eigh, QR) round differently under each ISA and
    # their gradients amplify it, so their rows take ITERATIVE_ULPS.
    backend_ulps: int = 16

    def __post_init__(self):
        if self.out_dtype is None:
            self.out_dtype = PROMOTE

    # -- calling ---------------------------------------------------------------------------------

    def available(self):
        """``requires`` holds ("tg" | a dotted namespace under tg, attribute), e.g.
        ("nn.functional", "celu") or ("linalg", "inv"): tg.linalg.inv exists (a namespace
        missing so far counts as not available). Several such pairs: all of them must exist."""
        if self.requires is None:
            return True
        pairs = self.requires if isinstance(self.requires[0], tuple) else (self.requires,)
        return builtins.all(_resolve(f"{ns}.{attr}") is not None for ns, attr in pairs)

    def __call__(self, *args, **kwargs):
        fn = self.op
        if isinstance(fn, str):  # tg.<name> (dotted: "linalg.inv"), else tg.nn.functional.<name>
            fn = _resolve(fn) or _resolve(f"nn.functional.{fn}")
        return fn(*args, **kwargs)

    def samples(self, dtype):
        return list(self.sample_inputs(self, dtype))

    # -- data ------------------------------------------------------------------------------------

    def make(self, shape, dtype, arg=0, seed=0, domain=None):
        """Values for argument `arg` of `shape` at `dtype`, inside the op's domain, away from
        its kinks (`avoid`), deterministic in (op name, arg, seed)."""
        rng = np.random.default_rng(zlib.crc32(f"{self.name}/{arg}/{seed}".encode()))
        if domain is None:
            domain = self.domain[arg] if arg < len(self.domain) else None
        shape = tuple(shape)
        n = int(np.prod(shape)) if shape else 1
        if dtype == "bool":
            return np.asarray(rng.random(shape) < 0.5)
        if dtype == "int64":
            lo, hi = domain if domain is not None else (-4.5, 4.5)
            ilo, ihi = math.ceil(lo + 1e-9), math.floor(hi - 1e-9)
            if self.distinct:
                return (rng.permutation(n) - n // 2).reshape(shape).astype(np.int64)
            v = rng.integers(ilo, ihi + 1, size=shape)
            for a in self.avoid:
                v = np.where(v == a, a + 1 if a + 1 <= ihi else a - 1, v)
            return v.astype(np.int64)
        lo, hi = domain if domain is not None else (-2.0, 2.0)
        if self.distinct:
            v = lo + (rng.permutation(n) + 0.5 + 0.3 * rng.random(n)) * (hi - lo) / (n + 1)
        elif self.integer_valued:
            v = rng.integers(math.ceil(lo), math.floor(hi) + 1, size=n).astype(np.float64)
        else:
            v = rng.uniform(lo, hi, size=n)
        if not self.integer_valued:
            m = 0.2
            for a in self.avoid:
                d = v - a
                v = np.where(np.abs(d) < m, a + np.where(d >= 0, 1.0, -1.0) * (m + np.abs(d)), v)
        return v.reshape(shape).astype(NP_OF[dtype])


# ---- result dtypes (torch's promotion) ----------------------------------------------------------

_ORDER = ["bool", "int64", "float32", "float64"]


def _category(name):
    return {"bool": 0, "int64": 1, "float32": 2, "float64": 2}[name]


def result_type(*operands):
    """torch.result_type of arrays (tensors) and Python scalars: tensors with dims outrank 0-d
    tensors, which outrank scalars, unless a lower group is of a higher category (bool < int <
    float): then a 0-d tensor's dtype wins, and a scalar gives that category's default."""
    groups = ([], [], [])
    for o in operands:
        if isinstance(o, np.ndarray):
            groups[0 if o.ndim else 1].append(str(o.dtype) if o.dtype != np.bool_ else "bool")
        elif isinstance(o, builtins.bool):
            groups[2].append("bool")
        elif isinstance(o, int):
            groups[2].append("int64")
        elif isinstance(o, float):
            groups[2].append("float64")
    result = None
    for k, g in enumerate(groups):
        if not g:
            continue
        t = max(g, key=_ORDER.index)
        if result is None:
            result = "float32" if (k == 2 and t == "float64") else t
        elif _category(t) > _category(result):
            result = (
                {"bool": "bool", "int64": "int64", "float64": "float32"}.get(t, t) if k == 2 else t
            )
    return result


def _to_float(name):
    return name if name in FLOAT else "float32"


def PROMOTE(s, dtype):  # noqa: N802 - a preset, used as a constant
    return result_type(*s.args)


def FLOAT_OUT(s, dtype):  # noqa: N802
    return _to_float(result_type(*s.args))


def BOOL_OUT(s, dtype):  # noqa: N802
    return "bool"


def INT_SUM(s, dtype):  # noqa: N802
    """sum/prod of bool or int64: int64."""
    t = result_type(s.args[0])
    return "int64" if t in INT_BOOL else t


def SAME(s, dtype):  # noqa: N802
    return result_type(s.args[0])


def VALUES_INDICES(s, dtype):  # noqa: N802
    return (result_type(s.args[0]), "int64")


def POSITIONS(s, dtype):  # noqa: N802 - searchsorted/bucketize: int64, or int32 with out_int32
    return "int32" if s.kwargs.get("out_int32") else "int64"


def LONG(s, dtype):  # noqa: N802
    return "int64"


def TWO_FLOATS(s, dtype):  # noqa: N802
    t = _to_float(result_type(s.args[0]))
    return (t, t)


# ---- families -----------------------------------------------------------------------------------

F = tg.nn.functional
UNARY_SHAPES = [(), (0,), (5,), (3, 4)]
BIG = (7, 37)  # odd sizes: a vector body and a tail on every instruction set
SPECIAL = np.array(
    [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-30, -1e-30, 80.0, -80.0, 1e4, -1e4, 0.5, -1.5]
)


def special_unary(dtype):
    """The special values, 45 long (a vector body and a tail), at a float dtype."""
    return np.tile(SPECIAL, 4)[:45].astype(NP_OF[dtype])


def special_pairs(dtype):
    """Every pair of special values (a, b), 169 long."""
    n = len(SPECIAL)
    return np.repeat(SPECIAL, n).astype(NP_OF[dtype]), np.tile(SPECIAL, n).astype(NP_OF[dtype])


def special_rows(dtype):
    """[4, 13]: a row with a NaN, one with +inf, one with +inf and -inf, one finite."""
    rows = np.tile(np.linspace(-1.2, 1.3, 13), (4, 1))
    rows[0, 5], rows[1, 2], rows[2, 3], rows[2, 9] = math.nan, math.inf, math.inf, -math.inf
    return rows.astype(NP_OF[dtype])


BINARY_SHAPES = [((), ()), ((0, 3), (3,)), ((3, 4), (3, 4)), ((2, 1, 4), (3, 1)), ((3, 4), ())]


def _unary_samples(op, dtype):
    for i, shape in enumerate(UNARY_SHAPES):
        yield SampleInput((op.make(shape, dtype, seed=i),))
    yield SampleInput((op.make(BIG, dtype, seed=9),), big=True)
    if dtype in FLOAT:
        yield SampleInput((special_unary(dtype),), desc="special", special=True)


def _binary_samples_for(scalars):
    def gen(op, dtype):
        for i, (sa, sb) in enumerate(BINARY_SHAPES):
            yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)))
        yield SampleInput((op.make(BIG, dtype, 0, 8), op.make(BIG[-1:], dtype, 1, 8)), big=True)
        if dtype in FLOAT:
            yield SampleInput(special_pairs(dtype), desc="special", special=True)
        for s in scalars:  # a Python scalar operand (its promotion differs from a tensor's)
            yield SampleInput((op.make((2, 3), dtype, 0, 9), s), desc=f"scalar {s!r}")

    return gen


def _name_or(op, name):
    return op if op is not None else name


def unary(name, ref, *, op=None, dtypes=ALL_NUM, out=FLOAT_OUT, method=True, inplace=True, **kw):
    """An elementwise unary op on tetragrad (tg.<name>), with its method and in-place forms."""
    return OpInfo(
        name=name,
        op=_name_or(op, name),
        ref=ref,
        sample_inputs=kw.pop("sample_inputs", _unary_samples),
        dtypes=dtypes,
        out_dtype=out,
        method=name if method is True else (method or None),
        inplace=f"{name}_" if inplace is True else (inplace or None),
        elementwise=kw.pop("elementwise", True),
        **kw,
    )


def binary(name, ref, *, op=None, dtypes=ALL_NUM, out=PROMOTE, scalars=(2, 0.5), **kw):
    """An elementwise binary op (tg.<name>) with broadcasting, 0-d and Python scalar operands."""
    return OpInfo(
        name=name,
        op=_name_or(op, name),
        ref=ref,
        sample_inputs=kw.pop("sample_inputs", _binary_samples_for(scalars)),
        dtypes=dtypes,
        out_dtype=out,
        method=kw.pop("method", name),
        inplace=kw.pop("inplace", f"{name}_"),
        promotion=kw.pop("promotion", True),
        elementwise=kw.pop("elementwise", True),
        **kw,
    )


def reflected(name, fn, ref, *, scalars=(2, 0.5), dtypes=ALL_NUM, out=PROMOTE, **kw):
    """A Python scalar on the left of an operator (x.__r<op>__): fn(scalar, tensor)."""

    def gen(op, dtype):
        for i, shape in enumerate([(), (3, 4), (0,)]):
            for s in scalars:
                yield SampleInput((s, op.make(shape, dtype, 1, i)), desc=f"scalar {s!r}")
        yield SampleInput((scalars[0], op.make(BIG, dtype, 1, 9)), big=True)

    return OpInfo(
        name=name,
        op=fn,
        ref=ref,
        sample_inputs=gen,
        dtypes=dtypes,
        out_dtype=out,
        elementwise=True,
        **kw,
    )


def kinks_at(points, dydx, kwargs=None):
    """Kinks of an elementwise unary op: x at each point and 0.5 either side; dydx(x) is torch's
    derivative everywhere, its convention at the kinks included."""

    def gen(op, dtype):
        x = sorted({p + d for p in points for d in (-0.5, 0.0, 0.5)})
        x = np.array(x).astype(NP_OF[dtype])
        with np.errstate(all="ignore"):
            yield Kink(SampleInput((x,), dict(kwargs or {})), (dydx(x.astype(np.float64)),))

    return gen


def _ties(fn):
    """x (float64) -> 1 / count at each position equal to fn(x, row), 0 elsewhere, per row."""

    def grad(x, full=False):
        if full:
            m = x == fn(x)
            return m / m.sum()
        m = x == fn(x, axis=1, keepdims=True)
        return m / m.sum(axis=1, keepdims=True)

    return grad


TIES = np.array([[1.0, 3.0, 3.0, -2.0], [2.0, 2.0, 2.0, 2.0], [0.0, 5.0, 1.0, 5.0]])


def _tie_kinks(gradfn, kwargs, first=False):
    def gen(op, dtype):
        x = TIES.astype(NP_OF[dtype])
        if first:  # the gradient goes to the first maximal element (the index max returns)
            g = np.zeros_like(TIES)
            g[np.arange(3), np.argmax(TIES if "max" in op.name else -TIES, axis=1)] = 1.0
        else:
            g = gradfn(TIES, full="dim" not in kwargs)
        yield Kink(SampleInput((x,), dict(kwargs)), (g,))

    return gen


def _act_samples(op, dtype):
    for i, shape in enumerate([(), (0, 3), (7,), (2, 3, 4)]):
        yield SampleInput((op.make(shape, dtype, seed=i),))
    yield SampleInput((op.make(BIG, dtype, seed=9),), big=True)
    if dtype in FLOAT:
        yield SampleInput((special_unary(dtype),), desc="special", special=True)


def act(name, ref, *, kwargs=None, op=None, inplace_kw=False, **kw):
    """An activation on tetragrad.nn.functional (with fixed extra arguments `kwargs`);
    `inplace_kw`: F.<name>(x, inplace=True) is a variant that must agree."""
    kwargs = kwargs or {}
    fname = name.split("-")[0].removeprefix("F.")
    fn = op or (lambda x, **k: getattr(tg.nn.functional, fname)(x, **k))

    def gen(o, dtype):
        for s in _act_samples(o, dtype):
            yield SampleInput(s.args, dict(kwargs), s.desc, s.big, s.special)

    variants = kw.pop("variants", ())
    if inplace_kw:
        variants = (
            *variants,
            lambda x, **k: getattr(tg.nn.functional, fname)(x.clone(), inplace=True, **k),
        )
    return OpInfo(
        name=name,
        op=fn,
        ref=lambda x, **k: ref(x, **k),
        sample_inputs=kw.pop("sample_inputs", gen),
        dtypes=kw.pop("dtypes", FLOAT),
        out_dtype=kw.pop("out", SAME),
        variants=variants,
        requires=kw.pop("requires", None),
        elementwise=kw.pop("elementwise", True),
        **kw,
    )


RED_CASES = [  # (shape, kwargs) in order of the sample index
    ((), {}),
    ((0,), {}),
    ((5,), {"dim": 0}),
    ((3, 4), {}),
    ((3, 4), {"dim": 1, "keepdim": True}),
    ((2, 3, 4), {"dim": (0, 2)}),
    ((2, 3, 4), {"dim": -2}),
    ((0, 3), {"dim": 1}),
    ((6, 35), {}),  # big
    ((6, 35), {"dim": 1}),  # big
]


def _red_samples_for(dims, empty, extra, big_ints):
    def gen(op, dtype):
        for shape, kw in RED_CASES:
            if shape == (6, 35) and dtype == "int64" and not big_ints:
                continue  # int64 overflows (prod)
            d = kw.get("dim")
            if dims == "int" and not isinstance(d, int):
                continue
            if dims == "int_or_none" and isinstance(d, tuple):
                continue
            if dims == "required" and d is None:
                continue
            if dims == "none" and d is not None:
                continue
            if (
                not empty
                and 0 in shape
                and (d is None or shape[d if d >= 0 else d + len(shape)] == 0)
            ):
                continue  # the reduced extent is empty: no identity (amax, argmax, ...)
            seed = len(shape) * 10 + (0 if d is None else 1)
            yield SampleInput(
                (op.make(shape, dtype, seed=seed),), {**kw, **extra}, big=shape == (6, 35)
            )
        if dtype in FLOAT:
            kw = extra if dims == "none" else {"dim": 1, **extra}
            yield SampleInput((special_rows(dtype),), kw, "special", special=True)

    return gen


def _without_keepdim(gen):
    """A reduction without keepdim= (count_nonzero): the samples that do not pass it."""

    def g(op, dtype):
        return (s for s in gen(op, dtype) if "keepdim" not in s.kwargs)

    return g


def _isclose_samples(op, dtype):
    # b near a: equal, inside and outside the tolerances (values differing by ~1e-5 relative),
    # broadcast, plus inf/nan pairs and explicit tolerances.
    for i, (sa, sb) in enumerate(BINARY_SHAPES):
        a = op.make(sa, dtype, 0, i)
        b = op.make(sb, dtype, 1, i)
        if dtype in FLOAT:
            a_b = np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape))
            scale = np.array([0.0, 5e-6, 2e-5, 1.0])[np.arange(a_b.size) % 4].reshape(a_b.shape)
            b = np.asarray(a_b * (1 + scale)).astype(a.dtype)
        yield SampleInput((a, b))
    yield SampleInput((op.make((3, 4), dtype, 0, 7), op.make((3, 4), dtype, 1, 7)), {"atol": 1.5})
    if dtype in FLOAT:
        x, y = special_pairs(dtype)
        yield SampleInput((x, y), desc="special", special=True)
        yield SampleInput((x, x.copy()), {"equal_nan": True}, desc="special nan", special=True)
        yield SampleInput((x, y), {"rtol": 0.5, "atol": 0.0}, desc="special", special=True)


def reduction(
    name, ref, *, op=None, dims="tuple", empty=True, extra=None, out=SAME, dtypes=FLOAT, **kw
):
    """A reduction x.<name>(dim=..., keepdim=...) with tg.<name> as the function form.
    dims: which dim arguments it takes ("tuple", "int", "int_or_none", "required", "none")."""
    extra = extra or {}
    method = kw.pop("method", name)
    return OpInfo(
        name=kw.pop("label", name),
        op=op or (lambda x, **k: getattr(tg, name)(x, **k)),
        ref=ref,
        sample_inputs=kw.pop(
            "sample_inputs", _red_samples_for(dims, empty, extra, kw.pop("big_ints", True))
        ),
        dtypes=dtypes,
        out_dtype=out,
        method=method,
        **kw,
    )


def loss(name, ref, *, gen, **kw):
    return OpInfo(
        name=kw.pop("label", name),
        op=lambda *a, **k: getattr(tg.nn.functional, name)(*a, **k),
        ref=ref,
        sample_inputs=gen,
        dtypes=FLOAT,
        out_dtype=lambda s, d: _to_float(result_type(s.args[0])),
        **kw,
    )


# ---- sample generators of the other families ------------------------------------------------------


def _pointwise_loss_samples(target_domain=None):
    def gen(op, dtype):
        cases = [("none", (3, 4)), ("mean", (3, 4)), ("sum", (5,)), ("mean", ()), ("sum", (0, 2))]
        cases += [("mean", BIG)]
        for i, (red, shape) in enumerate(cases):
            x = op.make(shape, dtype, 0, i)
            t = op.make(shape, dtype, 1, i, domain=target_domain)
            yield SampleInput((x, t), {"reduction": red}, big=shape == BIG)

    return gen


def _smooth_l1_samples(kwname, values):
    base = _pointwise_loss_samples()

    def gen(op, dtype):
        for i, s in enumerate(base(op, dtype)):
            yield SampleInput(s.args, {**s.kwargs, kwname: values[i % len(values)]}, big=s.big)

    return gen


def _bce_samples(logits):
    def gen(op, dtype):
        cases = [("none", (3, 4), False), ("mean", (3, 4), True), ("sum", (5,), False)]
        cases += [("mean", (), False), ("sum", (0, 2), False)]
        for i, (red, shape, weighted) in enumerate(cases):
            x = op.make(shape, dtype, 0, i, domain=None if logits else (0.05, 0.95))
            t = op.make(shape, dtype, 1, i, domain=(0.0, 1.0))
            kw = {"reduction": red}
            if weighted:
                kw["weight"] = op.make(shape[-1:], dtype, 2, i, domain=(0.5, 1.5))
            if logits and i == 2:
                kw["pos_weight"] = op.make((5,), dtype, 3, i, domain=(0.5, 2.0))
            yield SampleInput((x, t), kw)

    return gen


def _class_target(rng, shape, c):
    return rng.integers(0, c, size=shape).astype(np.int64)


def _nll_like_samples(probs_target):
    def gen(op, dtype):
        rng = np.random.default_rng(zlib.crc32(op.name.encode()))
        cases = [
            ((4, 3), "mean", {}),
            ((4, 3), "none", {"weight": True}),
            ((3,), "sum", {}),
            ((2, 3, 2), "mean", {"ignore_index": 1}),
            ((5, 4), "mean", {"weight": True, "ignore_index": 0}),
        ]
        for i, (shape, red, opts) in enumerate(cases):
            x = op.make(shape, dtype, 0, i, domain=(-3.0, 0.0) if not probs_target else None)
            c = shape[1] if len(shape) >= 2 else shape[0]
            tshape = (shape[0], *shape[2:]) if len(shape) >= 2 else ()
            kw = {"reduction": red}
            if opts.get("weight"):
                kw["weight"] = op.make((c,), dtype, 2, i, domain=(0.5, 1.5))
            if "ignore_index" in opts:
                kw["ignore_index"] = opts["ignore_index"]
            yield SampleInput((x, _class_target(rng, tshape, c)), kw)
        if probs_target:  # class probabilities, and label smoothing
            x = op.make((4, 3), dtype, 0, 7)
            p = op.make((4, 3), dtype, 1, 7, domain=(0.1, 1.0))
            p = (p / p.sum(1, keepdims=True)).astype(NP_OF[dtype])
            yield SampleInput((x, p), {"reduction": "mean"}, "probabilities")
            yield SampleInput(
                (op.make((4, 3), dtype, 0, 8), _class_target(rng, (4,), 3)),
                {"label_smoothing": 0.2},
                "label smoothing",
            )

    return gen


def _kl_samples(op, dtype):
    cases = [("mean", False), ("batchmean", False), ("sum", True), ("none", False)]
    for i, (red, log_target) in enumerate(cases):
        x = op.make((3, 4), dtype, 0, i, domain=(-3.0, -0.1))
        t = op.make((3, 4), dtype, 1, i, domain=(-3.0, -0.1) if log_target else (0.05, 1.0))
        yield SampleInput((x, t), {"reduction": red, "log_target": log_target})


def _softmax_samples(op, dtype):
    for i, (shape, dim) in enumerate(
        [((), 0), ((5,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -2)]
    ):
        yield SampleInput((op.make(shape, dtype, seed=i),), {"dim": dim})
    yield SampleInput((op.make(BIG, dtype, seed=9),), {"dim": -1}, big=True)
    yield SampleInput((special_rows(dtype),), {"dim": 1}, "special", special=True)


def _matmul_samples(op, dtype):
    pairs = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4))]
    pairs += [((2, 2, 3), (3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]
    for i, (sa, sb) in enumerate(pairs):
        yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)))
    yield SampleInput((op.make((9, 17), dtype, 0, 9), op.make((17, 33), dtype, 1, 9)), big=True)


def _mm_samples(op, dtype):
    for i, (sa, sb) in enumerate(
        [((2, 3), (3, 4)), ((1, 5), (5, 1)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]
    ):
        yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)))


def _bmm_samples(op, dtype):
    for i, (sa, sb) in enumerate(
        [((2, 2, 3), (2, 3, 4)), ((1, 1, 5), (1, 5, 2)), ((0, 2, 3), (0, 3, 1))]
    ):
        yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)))


def _addmm_samples(op, dtype):
    cases = [
        ((2, 4), {}),
        ((4,), {"beta": 0.5, "alpha": 2.0}),
        ((), {"beta": 2.0}),
        ((2, 1), {"alpha": -1.0}),
    ]
    for i, (bias, kw) in enumerate(cases):
        a, b = op.make((2, 3), dtype, 1, i), op.make((3, 4), dtype, 2, i)
        if dtype == "int64":
            kw = {k: int(v) for k, v in kw.items() if float(v).is_integer()}
        yield SampleInput((op.make(bias, dtype, 0, i), a, b), kw)


def _mv_samples(op, dtype):
    for i, (n, m) in enumerate([(3, 4), (1, 1), (0, 2), (2, 0)]):
        yield SampleInput((op.make((n, m), dtype, 0, i), op.make((m,), dtype, 1, i)))


def _outer_samples(op, dtype):
    for i, (n, m) in enumerate([(3, 4), (1, 1), (0, 2)]):
        yield SampleInput((op.make((n,), dtype, 0, i), op.make((m,), dtype, 1, i)))


def _dot_samples(op, dtype):
    for i, n in enumerate([3, 1, 0, 7]):
        yield SampleInput((op.make((n,), dtype, 0, i), op.make((n,), dtype, 1, i)))


def _linear_samples(op, dtype):
    cases = [
        ((3,), (2, 3), (2,)),
        ((4, 3), (2, 3), (2,)),
        ((2, 4, 3), (5, 3), None),
        ((0, 3), (2, 3), (2,)),
    ]
    for i, (sx, sw, sb) in enumerate(cases):
        args = (op.make(sx, dtype, 0, i), op.make(sw, dtype, 1, i))
        if sb is not None:
            args += (op.make(sb, dtype, 2, i),)
        yield SampleInput(args)


def _where_samples(op, dtype):
    cases = [((), (), ()), ((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), (4,)), ((0, 2), (2,), ())]
    rng = np.random.default_rng(1)
    for i, (sc, sa, sb) in enumerate(cases):
        c = np.asarray(rng.random(sc) < 0.5)
        yield SampleInput((c, op.make(sa, dtype, 1, i), op.make(sb, dtype, 2, i)))


def _clamp_samples(op, dtype):
    cases = [(UNARY_SHAPES[0], {"min": -1, "max": 1}), ((0,), {"min": -1, "max": 1})]
    cases += [((3, 4), {"min": -1}), ((3, 4), {"max": 1}), ((2, 3, 4), {"min": -1, "max": 1})]
    for i, (shape, kw) in enumerate(cases):
        if dtype in FLOAT:
            kw = {k: v * 0.75 for k, v in kw.items()}
        yield SampleInput((op.make(shape, dtype, seed=i),), kw)


def _clamp_tensor_samples(op, dtype):
    for i, (sx, sl, sh) in enumerate(
        [((3, 4), (4,), (3, 1)), ((2, 3), (), ()), ((5,), (5,), (1,))]
    ):
        lo = op.make(sl, dtype, 1, i, domain=(-1.5, -0.5))
        hi = op.make(sh, dtype, 2, i, domain=(0.5, 1.5))
        yield SampleInput((op.make(sx, dtype, 0, i),), {"min": lo, "max": hi})


def _prelu_samples(op, dtype):
    for i, (sx, sw) in enumerate([((3, 4), (1,)), ((2, 3, 4), (3,)), ((), (1,)), ((0, 2), (2,))]):
        yield SampleInput((op.make(sx, dtype, 0, i), op.make(sw, dtype, 1, i, domain=(0.1, 0.5))))


def _maxout_samples(op, dtype):
    for i, (shape, pool, dim) in enumerate([((3, 4), 2, -1), ((2, 6, 2), 3, 1), ((6,), 6, 0)]):
        yield SampleInput((op.make(shape, dtype, seed=i),), {"pool_size": pool, "dim": dim})


def _normalize_samples(op, dtype):
    for i, (shape, kw) in enumerate(
        [((3, 4), {}), ((3, 4), {"p": 1.0, "dim": 0}), ((2, 3, 2), {"dim": -1})]
    ):
        yield SampleInput((op.make(shape, dtype, seed=i),), kw)


def _pair_samples(cases):
    def gen(op, dtype):
        for i, (sa, sb, kw) in enumerate(cases):
            yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)), dict(kw))

    return gen


def _one_hot_samples(op, dtype):
    rng = np.random.default_rng(3)
    for shape, kw in [((5,), {"num_classes": 4}), ((2, 3), {}), ((), {"num_classes": 3})]:
        t = rng.integers(0, 3, size=shape).astype(np.int64)
        if not kw and t.size:
            t.flat[0] = 3  # num_classes inferred as max + 1
        yield SampleInput((t,), kw)


# ---- pointwise math: sample generators -----------------------------------------------------------
# atan2 / hypot / logaddexp take no Python scalar operand in torch (a TypeError), fmod and xlogy
# do. lerp, addcmul and addcdiv broadcast their three tensors; round(decimals=) and nan_to_num
# take keyword arguments.


def _special_pairs_except(dtype, drop):
    """special_pairs without the pairs (a, b) where drop(a, b) (float64 arrays) holds."""
    a, b = special_pairs("float64")
    keep = ~drop(a, b)
    return a[keep].astype(NP_OF[dtype]), b[keep].astype(NP_OF[dtype])


def _binary_samples_plus(scalars, extra, drop=None):
    """The binary samples, the special one extended by the pairs `extra` [(a, b), ...] and
    without the pairs where drop(a, b) holds."""
    base = _binary_samples_for(scalars)

    def gen(op, dtype):
        for s in base(op, dtype):
            if s.special:
                ea, eb = (np.array(v).astype(NP_OF[dtype]) for v in zip(*extra, strict=True))
                a, b = s.args if drop is None else _special_pairs_except(dtype, drop)
                args = (np.concatenate([ea, a]), np.concatenate([eb, b]))
                s = SampleInput(args, s.kwargs, s.desc, special=True)
            yield s

    return gen


INF, NAN = math.inf, math.nan
LOGADDEXP_SPECIAL = [(-INF, -INF), (INF, INF), (-INF, 1.0), (1.0, -INF), (NAN, 1.0), (-INF, NAN)]
XLOGY_SPECIAL = [(0.0, NAN), (0.0, INF), (1.0, 0.0), (0.0, -1.0), (0.0, -INF), (NAN, 0.0)]
XLOGY_ZEROS = (
    "d xlogy / dy = x / y is NaN at x == y == 0, torch's convention (the xlogy kinks pin it): "
    "central differences of the reference give 0 there"
)


def _zero_pair(a, b):
    return (a == 0) & (b == 0)


def _xlogy_samples(op, dtype):
    """The binary samples; the special one without x == y == 0, which comes in a sample of its
    own (its gradient in y is NaN, as torch: XLOGY_ZEROS)."""
    yield from _binary_samples_plus((), XLOGY_SPECIAL, drop=_zero_pair)(op, dtype)
    if dtype in FLOAT:
        z = np.array([0.0, -0.0, 0.0, -0.0]).astype(NP_OF[dtype])
        yield SampleInput((z, z[[0, 0, 1, 1]]), desc="special zeros", special=True)


def _xlogy_scalar_samples(op, dtype):
    """A number on either side: torch.xlogy(2.5, y), x.xlogy(2) (and x.xlogy_(2))."""
    for i, (s, shape) in enumerate([(2.5, ()), (0, (3, 4)), (-1, (0,)), (2, (2, 3))]):
        yield SampleInput((s, op.make(shape, dtype, 1, i)), desc=f"scalar self {s!r}")
    for i, (shape, s) in enumerate([((3, 4), 2), ((), 0.5)]):
        yield SampleInput((op.make(shape, dtype, 0, 10 + i), s), desc=f"scalar other {s!r}")
    yield SampleInput((2.5, op.make(BIG, dtype, 1, 9)), big=True)


def _tiny_divisor(a, b):
    """b = +-1e-30 under a finite a: a / b (or fmod's many periods) is beyond what central
    differences of the reference see (their step is relative to |a|)."""
    return (np.abs(b) == 1e-30) & np.isfinite(a) & (np.abs(a) != 1e-30)


def _fmod_operands(op, sa, sb, dtype, seed):
    """a of shape sa and b of shape sb (or the number sb) with every broadcast ratio a / b at
    least 0.05 from an integer: fmod jumps there, and so does its d/db = -trunc(a / b)."""
    b = op.make(sb, dtype, 1, seed) if isinstance(sb, tuple) else sb
    for k in range(1000):
        a = op.make(sa, dtype, 0, seed + 1000 * k)
        if dtype not in FLOAT:
            return a, b
        with np.errstate(all="ignore"):
            r = a.astype(np.float64) / np.asarray(b, dtype=np.float64)
        near = np.abs(r - np.round(r)) < 0.05
        if not near.any():
            return a, b
        if r.shape == a.shape:  # each element of a meets one b: move a / b on by 0.3
            return np.where(near, a + 0.3 * np.asarray(b), a).astype(a.dtype), b
    raise AssertionError(f"no fmod operands {sa}, {sb}")


def _fmod_samples(op, dtype):
    for i, (sa, sb) in enumerate(BINARY_SHAPES):
        yield SampleInput(_fmod_operands(op, sa, sb, dtype, i))
    yield SampleInput(_fmod_operands(op, BIG, BIG[-1:], dtype, 8), big=True)
    if dtype in FLOAT:
        # no +-1e-30 divisor under a finite a: ~1e30 periods in one central-difference step
        a, b = _special_pairs_except(dtype, lambda a, b: (np.abs(b) == 1e-30) & np.isfinite(a))
        yield SampleInput((a, b), desc="special", special=True)
    for s in (0.75,) if dtype in FLOAT else (2, 0.75):  # a number divisor (exact in float32)
        yield SampleInput(_fmod_operands(op, (2, 3), s, dtype, 9), desc=f"scalar {s!r}")


def _lerp_samples(op, dtype):
    cases = [  # (start, end, weight: a number or the shape of a weight tensor)
        ((3, 4), (3, 4), 0.3),
        ((), (), 0.75),
        ((3, 4), (4,), -0.5),  # extrapolation
        ((2, 3), (2, 3), (2, 3)),
        ((3, 1), (4,), (2, 1, 1)),  # all three broadcast
        ((0, 3), (3,), (3,)),
    ]
    for i, (ss, se, w) in enumerate(cases):
        w = w if isinstance(w, float) else op.make(w, dtype, 2, i)
        yield SampleInput((op.make(ss, dtype, 0, i), op.make(se, dtype, 1, i), w))
    # a weight tensor on both sides of 0.5 (both formulas, vector body and tail)
    yield SampleInput(tuple(op.make(BIG, dtype, k, 8) for k in range(3)), big=True)
    x, y = special_pairs(dtype)
    w = np.resize(np.array([0.25, 0.5, 0.75, 1.0, -0.5, 0.0]), x.shape).astype(NP_OF[dtype])
    yield SampleInput((x, y, w), desc="special", special=True)


ADDC_CASES = [  # (input, tensor1, tensor2 shapes, value for floats, value for int64)
    ((3, 4), (3, 4), (3, 4), None, None),
    ((3, 4), (4,), (3, 1), 0.5, 2),
    ((), (), (), -2, -2),
    ((2, 1, 4), (3, 1), (4,), 1.5, 3),  # all three broadcast
    ((0, 3), (3,), (0, 1), None, None),
    ((3, 4), (), (3, 4), -0.25, -1),
]


def _addc_samples(op, dtype):
    for i, (s0, s1, s2, vf, vi) in enumerate(ADDC_CASES):
        v = vf if dtype in FLOAT else vi
        args = tuple(op.make(s, dtype, k, i) for k, s in enumerate((s0, s1, s2)))
        yield SampleInput(args, {} if v is None else {"value": v})
    big = tuple(op.make(s, dtype, k, 8) for k, s in enumerate((BIG, BIG, BIG[-1:])))
    yield SampleInput(big, {"value": 0.5 if dtype in FLOAT else 3}, big=True)
    if dtype in FLOAT:
        if op.name == "addcmul":  # every pair as tensor1 * tensor2
            x, y = special_pairs(dtype)
            args = (np.roll(y, 5), x, y)
        else:  # the pairs as tensor1 / tensor2
            x, y = _special_pairs_except(dtype, _tiny_divisor)
            args = (np.roll(x, 5), x, y)
        yield SampleInput(args, {"value": 0.5}, desc="special", special=True)


def _round_values(op, shape, dtype, decimals, seed):
    """Values whose x * 10^decimals is at least 0.2 from a tie (n + 0.5): the steps of round
    stay out of gradcheck's differences."""
    rng = np.random.default_rng(zlib.crc32(f"{op.name}/{decimals}/{seed}".encode()))
    scale = 10.0**decimals
    top = max(int(2.5 * scale), 20)
    v = rng.integers(-top, top + 1, size=shape) + rng.uniform(-0.3, 0.3, size=shape)
    return np.asarray(v / scale).astype(NP_OF[dtype])


def _round_decimals_samples(op, dtype):
    cases = [((3, 4), 1), ((), 2), ((5,), -1), ((2, 3, 4), 3), ((0, 3), -2), ((3, 4), 0)]
    for i, (shape, d) in enumerate(cases):
        yield SampleInput((_round_values(op, shape, dtype, d, i),), {"decimals": d})
    yield SampleInput((_round_values(op, BIG, dtype, 2, 9),), {"decimals": 2}, big=True)
    yield SampleInput((special_unary(dtype),), {"decimals": -1}, "special", special=True)


NAN_TO_NUM_KW = [
    {},
    {"nan": 1.5},
    {"posinf": 100.0, "neginf": -100.0},
    {"nan": -2.0, "posinf": 3.0, "neginf": -3.0},
]


def _nan_to_num_samples(op, dtype):
    for i, (shape, kw) in enumerate(zip(UNARY_SHAPES, NAN_TO_NUM_KW, strict=True)):
        yield SampleInput((op.make(shape, dtype, seed=i),), dict(kw))
    yield SampleInput((op.make(BIG, dtype, seed=9),), big=True)
    if dtype in FLOAT:  # the defaults (the dtype's extremes), then given values, one left out
        for kw in ({}, {"nan": 1.5, "posinf": 100.0}, {"nan": -0.5, "neginf": -100.0}):
            yield SampleInput((special_unary(dtype),), dict(kw), "special", special=True)


# ---- shape and layout ops: sample generators --------------------------------------------------
# Re-arrangements (flip, roll, tril, diagonal, repeat, unfold, movedim, broadcast, stacking,
# tensor_split) and indexing (take, scatter, index_fill/index_copy, masked_scatter). Index
# arrays are int64 arguments: never differentiated, but transposed / strided like the data in
# test_noncontiguous. Sequence ops (hstack, ...) take their tensors as separate positional args
# (the driver converts top-level arrays only) and the entry's op packs them into a list.


def _cases(cases):
    """x of each shape, then fixed extra positional args and kwargs: cases of (shape, args, kw)."""

    def gen(op, dtype):
        for i, (shape, args, kw) in enumerate(cases):
            yield SampleInput((op.make(shape, dtype, seed=i), *args), dict(kw))

    return gen


def _seq_samples(cases):
    """One positional tensor per shape of each case."""

    def gen(op, dtype):
        for i, shapes in enumerate(cases):
            yield SampleInput(tuple(op.make(s, dtype, k, i) for k, s in enumerate(shapes)))

    return gen


def _index_rng(op, seed):
    return np.random.default_rng(zlib.crc32(f"{op.name}/index/{seed}".encode()))


def _unique_index(rng, shape, dim, n):
    """An int64 index of `shape` with values in [0, n) that never repeats along `dim` (plain
    scatter: no two writes to one position)."""
    idx = np.zeros(shape, dtype=np.int64)
    if idx.ndim == 0:
        return np.asarray(rng.integers(0, n), dtype=np.int64)
    moved = np.moveaxis(idx, dim, -1)  # a view: writes land in idx
    for pos in np.ndindex(moved.shape[:-1]):
        moved[pos] = rng.permutation(n)[: moved.shape[-1]]
    return idx


def _fill_value(dtype, f=-1.5):
    """A number of the sample's kind (torch casts a float value to an int64 tensor's dtype by
    truncation; the samples avoid relying on it)."""
    return {"int64": int(f) if f == int(f) else -2, "bool": True}.get(dtype, f)


FLIP_CASES = [
    ((), ([0],), {}),
    ((0, 3), ([1],), {}),
    ((5,), ([0],), {}),
    ((3, 4), ([0, 1],), {}),
    ((3, 4), ((-1,),), {}),
    ((2, 3, 4), ([0, 2],), {}),
    ((2, 3, 4), ([],), {}),
]
ROLL_CASES = [
    ((), (), {"shifts": 1}),
    ((5,), (), {"shifts": 2}),
    ((3, 4), (), {"shifts": 5}),  # dims=None: the flattened tensor
    ((3, 4), (), {"shifts": -5, "dims": 1}),
    ((3, 4), (), {"shifts": (1, 2), "dims": (0, 1)}),
    ((2, 3, 4), (), {"shifts": (7, -1), "dims": (-1, 0)}),
    ((2, 3, 4), (), {"shifts": (1, 2), "dims": (2, 2)}),  # a repeated dim rolls twice
    ((0, 3), (), {"shifts": 1, "dims": 1}),
]
TRI_CASES = [
    ((3, 4), (), {}),
    ((4, 3), (), {"diagonal": -1}),
    ((3, 4), (), {"diagonal": 2}),
    ((2, 3, 4), (), {"diagonal": 1}),  # batched: the last two dims
    ((3, 4), (), {"diagonal": 10}),
    ((3, 4), (), {"diagonal": -10}),
    ((0, 3), (), {}),
    ((2, 0, 3), (), {"diagonal": -1}),
]
DIAGONAL_CASES = [
    ((3, 4), (), {}),
    ((3, 4), (), {"offset": 1}),
    ((3, 4), (), {"offset": -2}),
    ((2, 3, 4), (), {"offset": 1, "dim1": -1, "dim2": 0}),
    ((2, 3, 4), (), {"offset": -1, "dim1": 2, "dim2": 1}),
    ((3, 4), (), {"offset": 5}),  # past the edge: empty
    ((0, 3), (), {}),
]
DIAG_CASES = [
    ((4,), (), {}),
    ((3,), (), {"diagonal": 1}),
    ((3,), (), {"diagonal": -2}),
    ((3, 4), (), {}),
    ((3, 4), (), {"diagonal": 1}),
    ((3, 4), (), {"diagonal": -2}),
    ((0,), (), {"diagonal": 1}),  # an empty vector on diagonal 1: a [1, 1] zero matrix
    ((3, 4), (), {"diagonal": 7}),
]
DIAG_EMBED_CASES = [
    ((3,), (), {}),
    ((2, 3), (), {}),
    ((2, 3), (), {"offset": 1}),
    ((2, 3), (), {"offset": -1, "dim1": 0, "dim2": 2}),
    ((2, 3), (), {"offset": 1, "dim1": -1, "dim2": 0}),  # dim1 > dim2: offset is along dim2
    ((0, 2), (), {}),
    ((2, 0), (), {"offset": 1}),
]
TRACE_CASES = [
    ((3, 4), (), {}),
    ((4, 3), (), {}),
    ((1, 1), (), {}),
    ((0, 3), (), {}),
    ((5, 5), (), {}),
]
REPEAT_CASES = [  # x.repeat(*sizes)
    ((3,), (2,), {}),
    ((2, 3), (2, 1), {}),
    ((2, 3), (1, 2, 3), {}),  # more sizes than dims: new leading dims
    ((), (2, 3), {}),
    ((0, 3), (2, 2), {}),
    ((2, 3), (0, 1), {}),
    ((2, 1, 3), (1, 3, 1), {}),
]
TILE_CASES = [
    ((2, 3), ((2,),), {}),  # fewer dims than x: 1s prepended
    ((2, 3), ((2, 2),), {}),
    ((3,), ((2, 3),), {}),
    ((), ((3,),), {}),
    ((0, 2), ((2, 1),), {}),
    ((2, 3), ((),), {}),
    ((2, 1, 3), ((2, 1, 1, 2),), {}),
]
UNFOLD_CASES = [  # x.unfold(dimension, size, step)
    ((7,), (0, 2, 1), {}),  # overlapping windows: the gradient accumulates
    ((7,), (0, 3, 2), {}),
    ((3, 8), (1, 2, 3), {}),  # step > size: elements skipped (zero gradient)
    ((3, 8), (-1, 8, 1), {}),
    ((4, 3, 2), (0, 2, 2), {}),
    ((2, 5, 3), (1, 3, 1), {}),
    ((), (0, 1, 1), {}),  # 0-d: one window of one element, [1]
    ((0, 4), (1, 2, 1), {}),
]
MOVEDIM_CASES = [
    ((2, 3, 4), (0, 2), {}),
    ((2, 3, 4), (-1, 0), {}),
    ((2, 3, 4), ((0, 1), (2, 0)), {}),
    ((2, 3, 4), ((0, 1, 2), (2, 1, 0)), {}),
    ((3, 4), (0, 1), {}),
    ((), (0, 0), {}),
    ((0, 3), (0, -1), {}),
]
SWAPDIMS_CASES = [
    ((3, 4), (0, 1), {}),
    ((2, 3, 4), (0, -1), {}),
    ((2, 3, 4), (1, 1), {}),
    ((), (0, -1), {}),
    ((0, 3), (0, 1), {}),
    ((2, 3, 4), (-2, 0), {}),
]
BROADCAST_TO_CASES = [
    ((), ((2, 3),), {}),
    ((3, 1), ((2, 3, 4),), {}),
    ((3, 4), ((2, -1, 4),), {}),  # -1: keep that size
    ((3, 4), ((3, 4),), {}),
    ((3, 1), ((2, -1, 0),), {}),
    ((1,), ((0,),), {}),
    ((4,), ((3, 4),), {}),
]
SUM_TO_SIZE_CASES = [  # x.sum_to_size(*size)
    ((3, 4), (1, 4), {}),
    ((3, 4), (4,), {}),
    ((3, 4), (3, 1), {}),
    ((3, 4), (1,), {}),
    ((2, 3, 4), (3, 1), {}),
    ((2, 3, 4), (2, 3, 4), {}),  # nothing to sum: x itself
    ((), ((),), {}),  # 0-d: x.sum_to_size(()) (torch wants at least one argument)
    ((0, 3), (1, 3), {}),
]
TENSOR_SPLIT_CASES = [
    ((7,), (3,), {}),  # uneven: 3, 2, 2
    ((7,), ([2, 10, 1, 5],), {}),  # out of range (clamped) and decreasing (an empty piece)
    ((7,), ([-2, 3],), {}),  # a negative index wraps: [0:5], [5:3] (empty), [3:]
    ((3, 4), (5,), {"dim": 1}),  # more sections than elements: empty pieces at the end
    ((0, 3), (2,), {}),
    ((4, 5), (np.array([1, 3]),), {"dim": -1}),  # a 1-d int64 tensor of indices
    ((7,), (np.array(3),), {}),  # a 0-d int64 tensor: sections
    ((2, 6), ([],), {"dim": 1}),  # no index: one piece
]


FLIP2_SHAPES = {
    "fliplr": [(3, 4), (2, 3, 4), (0, 3), (1, 5)],  # >= 2-d
    "flipud": [(3, 4), (2, 3, 4), (0, 3), (1, 5), (5,)],  # >= 1-d
}
ATLEAST_SHAPES = [(), (3,), (2, 3), (2, 3, 4), (0,), (1, 2, 1, 3)]
STACK_CASES = {  # the shapes of the tensors of each sample
    "hstack": [
        [(3,), (2,)],
        [(2, 3), (2, 1)],
        [(), (2,)],
        [(2, 3, 1), (2, 2, 1)],
        [(0, 2), (0, 3)],
        [(2, 0), (2, 3)],
        [(4,)],
    ],
    "vstack": [
        [(3,), (3,)],
        [(2, 3), (1, 3)],
        [(3,), (2, 3)],
        [(), ()],
        [(2, 2, 3), (1, 2, 3)],
        [(0, 3), (2, 3)],
        [(4,)],
    ],
    "row_stack": [[(3,), (3,)], [(2, 3), (1, 3)], [(), ()]],  # vstack's alias
    "dstack": [
        [(3,), (3,)],
        [(2, 3), (2, 3)],
        [(), ()],
        [(2, 3, 1), (2, 3, 2)],
        [(2, 3), (2, 3, 2)],
        [(0, 3), (0, 3)],
    ],
    "column_stack": [
        [(3,), (3,)],
        [(3,), (3, 2)],
        [(), ()],
        [(2, 3), (2, 1)],
        [(0,), (0, 2)],
        [(2, 3, 1), (2, 1, 1)],
    ],
}


def _size_arg(size):
    """*size or one tuple -> a tuple."""
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size


def _sum_to_size_out(s, dtype):
    """The input's dtype; bool sums to int64, unless there is nothing to sum (torch returns x
    itself), except size () (torch always sums then: a 0-d bool gives a 0-d int64)."""
    x, size = s.args[0], _size_arg(s.args[1:])
    if dtype == "bool" and (tuple(size) != x.shape or size == ()):
        return "int64"
    return result_type(x)


def _repeat_interleave_samples(op, dtype):
    cases = [
        ((3, 4), 2, {}),  # dim=None: the flattened x
        ((3, 4), 2, {"dim": -1}),
        ((), 3, {}),
        ((3, 4), np.array([1, 0, 2]), {"dim": 0}),  # a count per row (a zero drops it)
        ((2, 3), np.array([2]), {"dim": 1}),  # one count for every element
        ((0, 3), 2, {"dim": 0}),
        ((2, 3), np.array([3, 1, 0]), {"dim": 1, "output_size": 4}),
    ]
    for i, (shape, rep, kw) in enumerate(cases):
        x = op.make(shape, dtype, seed=i)
        if isinstance(rep, int):
            yield SampleInput((x,), {"repeats": rep, **kw})
        else:  # an int64 tensor of counts: a positional argument (not differentiated)
            yield SampleInput((x, rep), kw)


def _broadcast_tensors_samples(op, dtype):
    cases = [[(), (2, 1), (3,)], [(3, 4), (4,)], [(2, 1, 4), (3, 1)], [(0, 3), (3,)], [(5,)]]
    for i, shapes in enumerate(cases):
        yield SampleInput(tuple(op.make(s, dtype, k, i) for k, s in enumerate(shapes)))


def _broadcast_mixed_samples(op, dtype):
    """Operands of three dtypes: each output keeps its input's dtype (no promotion)."""
    for i, shapes in enumerate([[(3, 1), (4,), ()], [(2, 1, 3), (1, 4, 1), (3,)]]):
        dts = [dtype, "int64", "bool"]
        yield SampleInput(
            tuple(op.make(s, d, k, i) for k, (s, d) in enumerate(zip(shapes, dts, strict=True)))
        )


def _meshgrid_samples(op, dtype):
    cases = [
        ([(3,), (2,)], "ij"),
        ([(3,), (2,)], "xy"),  # the first two output dims swapped
        ([(3,), (2,), (4,)], "xy"),
        ([(), (2,)], "ij"),  # a 0-d tensor counts as one element
        ([(0,), (3,)], "ij"),
        ([(4,)], "xy"),
    ]
    for i, (shapes, ix) in enumerate(cases):
        args = tuple(op.make(s, dtype, k, i) for k, s in enumerate(shapes))
        yield SampleInput(args, {"indexing": ix})


def _take_samples(op, dtype):
    cases = [
        ((3, 4), np.array([[0, -1], [5, -12]])),  # negative indices wrap (flattened)
        ((), np.array([0, -1])),
        ((3, 4), np.array(3)),  # a 0-d index: a 0-d result
        ((0,), np.zeros((0,), dtype=np.int64)),
        ((2, 3, 4), np.array([23, 0, 7, 7, 11])),  # a repeated index: the gradient adds
        ((5,), np.array([[4, 0, 1], [2, 2, 3]])),
    ]
    for i, (shape, idx) in enumerate(cases):
        yield SampleInput((op.make(shape, dtype, seed=i), idx.astype(np.int64)))


def _take_along_dim_samples(op, dtype):
    cases = [  # (x shape, indices, dim)
        ((3, 4), np.array([[0], [2], [1]]), 1),
        ((3, 4), np.array([[2, 0, 1, 1], [0, 0, 2, 1]]), 0),
        ((3, 4), np.array([[3, 1]]), 1),  # indices broadcast along dim 0
        ((1, 4), np.array([[3, 0], [1, 1], [2, 3]]), 1),  # x broadcast along dim 0
        ((2, 3, 4), np.array([[[1], [0], [2], [2]]]), -2),  # both broadcast
        ((3, 4), np.array([[-1, 0], [1, -4], [2, 3]]), -1),  # negative indices wrap (with dim)
        # dim=None: x and indices flattened, a 1-d result. (torch views them with .view(-1):
        # a transposed x or indices raises there, so this sample keeps both viewable)
        ((2, 1, 6), np.array([11, 0, 5, 5, 6, 1]), None),
        ((0, 3), np.zeros((0, 2), dtype=np.int64), 1),
    ]
    for i, (shape, idx, dim) in enumerate(cases):
        kw = {} if dim is None else {"dim": dim}
        yield SampleInput((op.make(shape, dtype, seed=i), idx.astype(np.int64)), kw)


def _scatter_samples(op, dtype):
    """Plain scatter: src (may be larger than index) or a number; no repeated target (torch
    leaves the winner of two writes to one position unspecified)."""
    cases = [  # (x shape, dim, index shape, src shape or None: a value)
        ((4, 5), 0, (3, 4), (3, 5)),
        ((3, 6), 1, (2, 4), (2, 4)),
        ((2, 3, 4), -1, (2, 3, 2), (2, 3, 2)),
        ((), 0, (), ()),
        ((3, 4), 1, (3, 2), None),  # value=
        ((0, 3), 0, (0, 3), (0, 3)),
        ((3, 4), 1, (3, 0), (3, 0)),  # an empty index: x unchanged
    ]
    for i, (sx, dim, si, ss) in enumerate(cases):
        x = op.make(sx, dtype, 0, i)
        n = sx[dim] if sx else 1
        idx = _unique_index(_index_rng(op, i), si, dim, n)
        if ss is None:
            yield SampleInput((x, dim, idx), {"value": _fill_value(dtype)})
        else:
            yield SampleInput((x, dim, idx, op.make(ss, dtype, 3, i)))
    # a positional number (repeated targets are fine: every write is the same value)
    idx = _index_rng(op, 9).integers(0, 4, size=(2, 3)).astype(np.int64)
    yield SampleInput((op.make((4, 3), dtype, 0, 9), 0, idx, _fill_value(dtype, 0.5)))


TORCH_SCATTER_SRC_LARGER = (
    "torch differs: with src larger than index, its scatter / scatter_reduce backward returns "
    "src's gradient in index's shape (an autograd shape error) instead of zero-padding it"
)


def _src_larger_xfails(idx):
    """The sample whose src is larger than index: torch's backward fails (float64 gradcheck and
    gradients on other layouts, float32 gradients); tetragrad gives zeros for the unread src."""
    return [
        XFail("gradcheck", "float64", idx, TORCH_SCATTER_SRC_LARGER, torch_only=True),
        XFail("noncontiguous", "float64", idx, TORCH_SCATTER_SRC_LARGER, torch_only=True),
        XFail("grad_float32", "float32", idx, TORCH_SCATTER_SRC_LARGER, torch_only=True),
    ]


def _scatter_kw_reduce_samples(op, dtype):
    """scatter(..., reduce='add' | 'multiply'): repeated targets combine (with x too)."""
    cases = [  # (x shape, dim, index shape, index bound, src shape or None: value=, reduce)
        ((3, 4), 0, (5, 4), 3, (5, 4), "add"),
        ((3, 4), 0, (5, 4), 2, (5, 4), "multiply"),
        ((2, 5), 1, (2, 3), 5, None, "add"),
        ((3, 4), 0, (4, 4), 3, None, "multiply"),
        ((2, 3, 4), -1, (2, 3, 6), 4, (2, 3, 6), "add"),
        ((), 0, (), 1, (), "multiply"),
    ]
    for i, (sx, dim, si, hi, ss, red) in enumerate(cases):
        x = op.make(sx, dtype, 0, i)
        idx = _index_rng(op, i).integers(0, hi, size=si).astype(np.int64)
        if ss is None:
            v = _fill_value(dtype, 2.0 if red == "add" else -1.5)
            yield SampleInput((x, dim, idx), {"value": v, "reduce": red})
        else:
            yield SampleInput((x, dim, idx, op.make(ss, dtype, 3, i)), {"reduce": red})


def _scatter_reduce_samples_for(reduce):
    """scatter_reduce(x, dim, index, src, reduce, include_self=...): repeated targets, targets no
    index reaches (they keep x), src larger than index, 0-d, empty index."""
    cases = [  # (x shape, dim, index shape, index bound, src shape, include_self)
        ((3, 4), 0, (5, 4), 3, (5, 4), True),
        ((3, 4), 0, (5, 4), 3, (5, 4), False),
        ((3, 4), 0, (4, 4), 2, (4, 4), False),  # row 2 never reached: x there
        ((2, 5), 1, (2, 7), 5, (2, 8), True),
        ((2, 3, 4), -2, (2, 4, 3), 3, (2, 4, 3), False),
        ((), 0, (), 1, (), False),
        ((3, 4), 1, (3, 0), 4, (3, 0), True),
        ((0, 3), 1, (0, 2), 3, (0, 2), False),
    ]

    def gen(op, dtype):
        for i, (sx, dim, si, hi, ss, inc) in enumerate(cases):
            idx = _index_rng(op, i).integers(0, hi, size=si).astype(np.int64)
            x, src = op.make(sx, dtype, 0, i), op.make(ss, dtype, 3, i)
            yield SampleInput((x, dim, idx, src, reduce), {"include_self": inc})

    return gen


def _index_fill_samples(op, dtype):
    cases = [  # (x shape, dim, index)
        ((3, 4), 1, [0, 2, 0]),  # a repeated index
        ((3, 4), 0, [2]),
        ((2, 3, 4), -1, [3, 1]),
        ((), 0, [0]),
        ((3, 4), 1, [-1]),  # a negative index wraps
        ((0, 3), 1, [1]),
        ((3, 4), 0, 1),  # a 0-d index
        ((3, 4), 0, np.zeros((0,), dtype=np.int64)),
    ]
    for i, (sx, dim, idx) in enumerate(cases):
        idx = np.asarray(idx, dtype=np.int64)
        yield SampleInput((op.make(sx, dtype, seed=i), dim, idx, _fill_value(dtype)))


def _index_copy_samples(op, dtype):
    cases = [  # (x shape, dim, index (no repeats), source shape)
        ((4, 3), 0, [3, 0], (2, 3)),
        ((3, 5), 1, [4, 1, 2], (3, 3)),
        ((2, 3, 4), -1, [2, 0], (2, 3, 2)),
        ((), 0, [0], ()),
        ((3, 4), 0, np.zeros((0,), dtype=np.int64), (0, 4)),
        ((0, 3), 1, [2], (0, 1)),
    ]
    for i, (sx, dim, idx, ss) in enumerate(cases):
        idx = np.asarray(idx, dtype=np.int64)
        yield SampleInput((op.make(sx, dtype, 0, i), dim, idx, op.make(ss, dtype, 3, i)))


def _masked_scatter_samples(op, dtype):
    cases = [  # (x shape, mask shape, source shape)
        ((3, 4), (4,), (12,)),  # more source than needed: its first mask.sum() elements
        ((3, 4), (3, 4), (3, 5)),  # a 2-d source, read flat in row-major order
        ((2, 3, 4), (3, 1), (25,)),
        ((), (), (2,)),
        ((0, 3), (3,), (0,)),
        ((4,), (2, 4), (9,)),  # mask wider than x: the result has the broadcast shape
        ((2, 3), (2, 3), (0,)),  # an all-False mask: an empty source is enough
    ]
    for i, (sx, sm, ss) in enumerate(cases):
        rng = _index_rng(op, i)
        mask = np.asarray(rng.random(sm) < 0.6) if i != 6 else np.zeros(sm, dtype=bool)
        yield SampleInput((op.make(sx, dtype, 0, i), mask, op.make(ss, dtype, 2, i)))


def _indices_samples(op, dtype):
    for args in [(3, 4), (3, 4, 1), (4, 3, -1), (3, 4, -5), (4, 3, 10), (0, 3), (1, 1)]:
        yield SampleInput(args)


SQUEEZE_CASES = [
    ((1, 3, 1), (), {}),
    ((1, 3, 1), (), {"dim": 0}),
    ((1, 3, 1), (), {"dim": -1}),
    ((2, 3), (), {"dim": 0}),  # not size 1: unchanged
    ((1, 1, 3), (), {"dim": (0, 1)}),
    ((), (), {}),
    ((0, 1), (), {"dim": 1}),
]
UNSQUEEZE_CASES = [
    ((3, 4), (0,), {}),
    ((3, 4), (-1,), {}),
    ((3, 4), (1,), {}),
    ((), (0,), {}),
    ((2, 3, 4), (-2,), {}),
    ((0, 3), (2,), {}),
]
T_CASES = [((3, 4), (), {}), ((5,), (), {}), ((), (), {}), ((0, 3), (), {}), ((1, 4), (), {})]
TRANSPOSE_CASES = [
    ((3, 4), (0, 1), {}),
    ((2, 3, 4), (0, -1), {}),
    ((2, 3, 4), (1, 1), {}),
    ((), (0, -1), {}),
    ((0, 3), (1, 0), {}),
]


# ---- the registry -------------------------------------------------------------------------------

POS = ((0.2, 3.0),)
HALVES = tuple(k + 0.5 for k in range(-5, 5))  # the ties of round
TORCH_GELU_INF = (
    "torch differs: its vectorised float32 gelu gives NaN at +inf (the strided path inf)"
)
# Only some of torch's CPU kernels do (it depends on the machine's vector path): ask the library
# under test (on tetragrad the torch-only xfails do not apply anyway).
_GELU_NAN_AT_INF = bool(tg.nn.functional.gelu(tg.full((64,), math.inf)).isnan().any())
TORCH_VAR_MEAN_INF = (
    "torch differs: var_mean/std_mean's mean of a row holding +inf is NaN (Welford)"
)
UNIT = ((-0.9, 0.9),)

# ---- scans and orderings along a dim --------------------------------------------------------------

DIM_CASES = [  # (shape, dim): 0-d, empty, last dim, first dim, a middle dim (inner > 1), negative
    ((), 0),
    ((0, 3), 1),
    ((5,), 0),
    ((3, 4), 1),
    ((3, 4), 0),
    ((2, 3, 4), -2),
    ((2, 5, 3), 1),
]


def _dim_samples(extra=None, k_of=None, big=(3, 2500)):
    """x with dim= over DIM_CASES (plus `extra` kwargs; `k_of(D)` a k argument), a long row
    (sort's radix path), and NaN/inf rows for floats."""

    def gen(op, dtype):
        for i, (shape, dim) in enumerate(DIM_CASES):
            kw = {"dim": dim, **(extra or {})}
            D = shape[dim] if shape else 1
            if k_of is not None:
                kw["k"] = k_of(D)
            yield SampleInput((op.make(shape, dtype, seed=i),), kw)
        kw = {"dim": -1, **(extra or {})}
        if k_of is not None:
            kw["k"] = k_of(big[-1])
        yield SampleInput((op.make(big, dtype, seed=20),), kw, big=True)
        if dtype in FLOAT:
            kw = {"dim": 1, **(extra or {})}
            if k_of is not None:
                kw["k"] = k_of(13)
            yield SampleInput((special_rows(dtype),), kw, "special", special=True)

    return gen


def _cumprod_samples(op, dtype):
    yield from _dim_samples()(op, dtype)
    if dtype in FLOAT:  # exact zeros: the backward's special cases (one zero, two, at the ends)
        x = op.make((4, 6), dtype, seed=30)
        x[0, 2] = x[1, 1] = x[1, 4] = x[2, 0] = x[3, 5] = 0
        yield SampleInput((x,), {"dim": 1}, "zeros")
        yield SampleInput((x.T.copy(),), {"dim": 0}, "zeros")


# ---- NaN-ignoring reductions, counting, bucketing, uniques and quantiles: sample generators ------
# Every float sample of nansum / nanmean / nanquantile but the special one holds NaNs at fixed
# positions and no all-NaN reduced group: gradcheck runs on them (a NaN element's central
# difference is 0, as its gradient). The counting, bucketing and unique ops are not
# differentiable (torch: no derivative for bincount, unique, unique_consecutive; histc,
# bucketize and searchsorted outputs are integer or detached).

NANRED_CASES = [  # (shape, kwargs, flat NaN positions in float samples)
    ((), {}, ()),
    ((0, 3), {"dim": 0}, ()),  # the reduced extent is empty: nansum 0, nanmean NaN
    ((3, 4), {}, (1, 6, 7)),
    ((3, 5), {"dim": 1, "keepdim": True}, (0, 7, 8, 14)),
    ((2, 3, 4), {"dim": (0, 2)}, (3, 5, 17, 22)),
    ((2, 3, 4), {"dim": -2}, ()),
    ((6, 35), {"dim": 1}, tuple(range(0, 210, 7))),  # big: 5 NaNs a row
]


def _with_nans(x, positions):
    if x.dtype.kind == "f" and positions:
        x = x.copy()
        x.reshape(-1)[list(positions)] = math.nan
    return x


def _nan_rows(dtype):
    """special_rows and an all-NaN row: [5, 13]."""
    return np.concatenate([special_rows(dtype), np.full((1, 13), math.nan, NP_OF[dtype])])


def _nanred_samples(extra=None):
    def gen(op, dtype):
        for i, (shape, kw, nans) in enumerate(NANRED_CASES):
            x = _with_nans(op.make(shape, dtype, seed=i), nans)
            yield SampleInput((x,), {**kw, **(extra or {})}, big=shape == (6, 35))
        if dtype in FLOAT:
            yield SampleInput(
                (_nan_rows(dtype),), {"dim": 1, **(extra or {})}, "special", special=True
            )

    return gen


AMINMAX_CASES = [
    ((), {}),
    ((), {"dim": 0, "keepdim": True}),
    ((5,), {"dim": 0}),
    ((3, 4), {}),
    ((3, 4), {"dim": 1, "keepdim": True}),
    ((2, 3, 4), {"dim": -2}),
    ((0, 3), {"dim": 1}),  # an empty result (the reduced extent is not empty)
]


def _aminmax_samples(op, dtype):
    for i, (shape, kw) in enumerate(AMINMAX_CASES):
        yield SampleInput((op.make(shape, dtype, seed=i),), dict(kw))
    if dtype in FLOAT:
        yield SampleInput((special_rows(dtype),), {"dim": 1}, "special", special=True)
    else:
        yield SampleInput((op.make((6, 35), dtype, seed=9),), {"dim": 0}, big=True)


def _aminmax_kinks(op, dtype):
    """Ties: min's and max's gradients each split evenly among the tied elements (amin/amax)."""
    for kw in ({"dim": 1}, {}):
        full = "dim" not in kw
        g = _ties(np.min)(TIES, full=full) + _ties(np.max)(TIES, full=full)
        yield Kink(SampleInput((TIES.astype(NP_OF[dtype]),), dict(kw)), (g,))


def _bincount_samples(op, dtype):
    """dtype is the weights' dtype; int64 also runs the unweighted cases."""
    rng = _index_rng(op, 0)
    x = np.array([0, 1, 1, 3, 1, 6, 0, 2, 6, 6, 4, 1], dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if dtype == "int64":
        yield SampleInput((x[:4],))
        yield SampleInput((empty,), {"minlength": 3})
        yield SampleInput((rng.integers(0, 7, size=20),), {"minlength": 10})  # > max + 1
        yield SampleInput((rng.integers(0, 7, size=20),), {"minlength": 2})  # < max + 1
        yield SampleInput((rng.integers(0, 50, size=300),), big=True)
    w = op.make((12,), dtype, 1, 0)
    yield SampleInput((x, w))
    yield SampleInput((x, op.make((12,), dtype, 1, 1)), {"minlength": 9})
    # an empty x: int64 zeros whatever the weights (torch)
    yield SampleInput((empty, np.zeros(0, NP_OF[dtype])), {"minlength": 3}, "empty")
    if dtype != "int64":
        big = rng.integers(0, 50, size=300)
        yield SampleInput((big, op.make((300,), dtype, 1, 2)), big=True)


def _bincount_out(s, dtype):
    """int64 counts; weights: float32 stays float32, any other dtype sums in float64."""
    w = s.args[1] if len(s.args) > 1 else None
    if w is None or s.args[0].size == 0:
        return "int64"
    return "float32" if w.dtype == np.float32 else "float64"


def _histc_samples(op, dtype):
    t = NP_OF[dtype]
    yield SampleInput((op.make((3, 4), dtype, seed=0),), {"bins": 5})  # the data's range
    # an explicit range: values outside skipped, both ends inside (x == max: the last bin)
    x = np.array([-1.0, -0.75, -0.3, 0.1, 0.6, 1.0, 1.5, -2.0, 0.35, 0.85, 1.0, -1.0], t)
    yield SampleInput((x,), {"bins": 4, "min": -1.0, "max": 1.0})
    yield SampleInput((np.asarray(t(0.7)),), {"bins": 3})  # one value: [x - 1, x + 1]
    yield SampleInput((np.zeros(0, t),), {"bins": 3})  # empty: [-1, 1], all zeros
    yield SampleInput((np.full((2, 3, 4), 1.5, t),), {"bins": 4})  # a constant: [0.5, 2.5]
    # min == max but not 0: the data's range too
    yield SampleInput((op.make((5,), dtype, seed=5),), {"bins": 3, "min": 2.0, "max": 2.0})
    yield SampleInput((op.make(BIG, dtype, seed=9),), big=True)  # bins=100
    x = np.array([0.5, math.nan, 1.5, math.inf, -math.inf, 0.0, 2.0, 1.0], t)
    yield SampleInput((x,), {"bins": 4, "min": 0.0, "max": 2.0}, "special", special=True)


def _grid(dtype, lo, hi, step):
    """Values lo, lo + step, ..., hi (exact in every dtype; ints for int64)."""
    v = np.arange(round(lo / step), round(hi / step) + 1) * step
    return v.astype(NP_OF[dtype])


def _sorted_rows(rng, shape, dtype):
    """Rows sorted along the last dim, from a coarse grid (repeats happen: ties in the row)."""
    return np.sort(rng.choice(_boundary_grid(dtype), size=shape), axis=-1)


def _boundary_grid(dtype):
    return _grid(dtype, -4, 4, 1) if dtype == "int64" else _grid(dtype, -2, 2, 0.5)


def _search_values(rng, shape, dtype):
    """Values on the boundaries' grid (ties), between its points and beyond both ends."""
    g = _grid(dtype, -6, 6, 1) if dtype == "int64" else _grid(dtype, -3, 3, 0.25)
    return rng.choice(g, size=shape)


def _bucketize_samples(op, dtype):
    rng = _index_rng(op, 0)
    b = _boundary_grid(dtype)[[1, 3, 4, 6, 7]]  # distinct
    v = _search_values(rng, (3, 4), dtype)
    yield SampleInput((v, b))
    yield SampleInput((v, b), {"right": True})
    yield SampleInput((v, b), {"out_int32": True})
    yield SampleInput((_search_values(rng, (), dtype), b))  # 0-d values: a 0-d result
    yield SampleInput((_search_values(rng, (0,), dtype), b))
    yield SampleInput((_search_values(rng, (6,), dtype), b[:0]))  # no boundaries: all 0
    dup = _boundary_grid(dtype)[[1, 3, 3, 3, 6]]  # repeated boundaries
    v = np.concatenate([dup, _search_values(rng, (7,), dtype)]).reshape(3, 4)
    yield SampleInput((v, dup), {"right": True})
    yield SampleInput((_search_values(rng, BIG, dtype), _sorted_rows(rng, (50,), dtype)), big=True)
    if dtype in FLOAT:
        b = np.array([-math.inf, -1.0, 0.0, 2.0, math.inf], NP_OF[dtype])
        v = np.array([math.nan, math.inf, -math.inf, 0.0, 3.0, -5.0], NP_OF[dtype])
        yield SampleInput((v, b), {"right": True}, "special", special=True)


def _searchsorted_samples(op, dtype):
    rng = _index_rng(op, 0)
    seq = _boundary_grid(dtype)[[0, 2, 3, 5, 6, 8]]
    v = _search_values(rng, (3, 4), dtype)
    yield SampleInput((seq, v))
    yield SampleInput((seq, v), {"side": "right"})
    yield SampleInput((seq, v), {"right": True})
    yield SampleInput((seq, v), {"right": True, "out_int32": True})
    # batched: the leading dims of the sequence and the values match
    yield SampleInput((_sorted_rows(rng, (2, 3, 5), dtype), _search_values(rng, (2, 3, 4), dtype)))
    unsorted = rng.choice(_boundary_grid(dtype), size=(3, 6))
    yield SampleInput(
        (unsorted, _search_values(rng, (3, 4), dtype)),
        {"side": "right", "sorter": np.argsort(unsorted, axis=-1, kind="stable")},
        "sorter",
    )
    # a Python number on a boundary: a 0-d result
    yield SampleInput((seq, int(seq[2]) if dtype == "int64" else float(seq[2])), {"right": True})
    yield SampleInput((np.zeros((2, 0), NP_OF[dtype]), _search_values(rng, (2, 3), dtype)))
    if dtype in FLOAT:
        seq = np.array([-math.inf, -1.0, 0.0, 0.0, 2.0, math.inf], NP_OF[dtype])
        v = np.array([[math.nan, math.inf, -math.inf], [0.0, 3.0, -5.0]], NP_OF[dtype])
        yield SampleInput((seq, v), {"side": "left"}, "special", special=True)
    else:
        yield SampleInput(
            (_sorted_rows(rng, (100,), dtype), _search_values(rng, BIG, dtype)), big=True
        )


def _small_values(op, shape, dtype, seed):
    """Few distinct values (repeats): small integers, as floats for float dtypes."""
    rng = np.random.default_rng(zlib.crc32(f"{op.name}/values/{seed}".encode()))
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    return np.asarray(rng.integers(-3, 4, size=shape)).astype(NP_OF[dtype])


def _runs_values(op, shape, dtype, seed):
    """Runs of repeated values (unique_consecutive): values repeated 1 to 3 times."""
    rng = np.random.default_rng(zlib.crc32(f"{op.name}/runs/{seed}".encode()))
    n = int(np.prod(shape)) if shape else 1
    v = _small_values(op, (n,), dtype, seed)
    v = np.repeat(v, rng.integers(1, 4, size=n))[:n]
    return v.reshape(shape)


UNIQUE_CASES = [  # (shape, kwargs)
    ((3, 4), {}),
    ((3, 4), {"return_inverse": True}),
    ((2, 3, 4), {"return_counts": True}),
    ((12,), {"return_inverse": True, "return_counts": True, "sorted": False}),
    ((), {"return_inverse": True, "return_counts": True}),
    ((0, 3), {"return_inverse": True, "return_counts": True}),
    (BIG, {"return_inverse": True, "return_counts": True}),
]


def _unique_samples(values):
    def gen(op, dtype):
        for i, (shape, kw) in enumerate(UNIQUE_CASES):
            if "sorted" in kw and op.name != "unique":
                kw = {k: v for k, v in kw.items() if k != "sorted"}
            yield SampleInput((values(op, shape, dtype, i),), dict(kw), big=shape == BIG)
        if dtype in FLOAT:
            # NaNs are each distinct (after +inf); -0.0 equals 0.0. No inverse: torch's order
            # among the NaNs' inverse indices is not their order of appearance (40+ elements)
            x = [math.nan, math.nan, 1.0, 1.0, -0.0, 0.0, math.inf, math.inf, -math.inf, math.nan]
            x = np.array(x, NP_OF[dtype])
            yield SampleInput((x,), {"return_counts": True}, "special", special=True)

    return gen


UNIQUE_DIM_CASES = [  # (shape, kwargs): rows, columns, a middle dim, repeated slices
    ((6, 3), {"dim": 0, "return_inverse": True, "return_counts": True}),
    ((3, 6), {"dim": 1, "return_inverse": True}),
    ((2, 5, 3), {"dim": -2, "return_counts": True}),
    ((7,), {"dim": 0}),
    ((0, 3), {"dim": 0, "return_inverse": True, "return_counts": True}),
]


def _unique_dim_samples(op, dtype):
    for i, (shape, kw) in enumerate(UNIQUE_DIM_CASES):
        rng = np.random.default_rng(zlib.crc32(f"{op.name}/{dtype}/{i}".encode()))
        x = rng.integers(0, 2, size=shape)  # few distinct slices, so repeats
        yield SampleInput((x.astype(NP_OF[dtype]),), dict(kw))


def _gammainc_samples(op, dtype):
    """x in (0.05, 6) against shapes of a in (0.3, 5) (broadcast too); the edges (a = 0, inf,
    x = 0, inf, NaN, negatives) as a special sample."""
    for i, (sx, sa) in enumerate([((), ()), ((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((0,), (0,))]):
        a = op.make(sa, dtype, 1, i, domain=(0.3, 5.0))
        yield SampleInput((op.make(sx, dtype, 0, i),), {"a": a})
    yield SampleInput(
        (op.make((3, 700), dtype, 0, 9),), {"a": op.make((700,), dtype, 1, 9, (0.3, 5.0))}, big=True
    )
    inf, nan = math.inf, math.nan
    a = np.array([0.0, 0.0, inf, inf, 2.0, 2.0, -1.0, nan, 3.0, 1e-3, 40.0], NP_OF[dtype])
    x = np.array([1.0, 0.0, 1.0, inf, inf, 0.0, 1.0, 1.0, -1.0, 1e-3, 39.0], NP_OF[dtype])
    yield SampleInput((x,), {"a": a}, "special", special=True)


def _unique_out(s, dtype):
    t = result_type(s.args[0])
    n = 1 + bool(s.kwargs.get("return_inverse")) + bool(s.kwargs.get("return_counts"))
    return t if n == 1 else (t, *["int64"] * (n - 1))


QUANTILE_CASES = [  # (shape, q: a number or a list (a 1-D tensor), kwargs, flat NaN positions)
    # rank 0.57 * 100: 56.99999999999999 in float64 (lower: 56), 57 in float32 (lower: 57)
    ((101,), 0.57, {"interpolation": "lower"}, ()),
    ((3, 5), 0.3, {"dim": 1, "keepdim": True}, (2, 5, 13)),
    ((3, 4), [0.1, 0.5, 0.9], {"dim": 0, "interpolation": "lower"}, (1, 4)),
    ((2, 3, 4), 0.4, {"dim": -1, "interpolation": "higher"}, (0, 9, 23)),
    ((2, 5), [0.25, 0.75], {"keepdim": True, "interpolation": "midpoint"}, (3, 6)),
    # ranks 0.5, 1.5, 2.5, 3.5: rounded half to even (0, 2, 2, 4)
    ((5,), [0.125, 0.375, 0.625, 0.875], {"interpolation": "nearest"}, ()),
    ((), 0.7, {"dim": 0}, ()),
]


def _quantile_samples(op, dtype):
    nan_ok = op.name == "nanquantile"  # quantile: a row with a NaN is NaN (the special sample)
    for i, (shape, q, kw, nans) in enumerate(QUANTILE_CASES):
        x = op.make(shape, dtype, seed=i)
        if nan_ok:
            x = _with_nans(x, nans)
        q = np.array(q, NP_OF[dtype]) if isinstance(q, list) else q
        # the float32 rank of sample 0 selects another element than float64's: not compared
        # with the float64 gradient (test_grad_float32), so not gradchecked
        rank32 = i == 0 and dtype == "float32"
        desc = "rank rounding in float32" if rank32 else ""
        # q by keyword: never differentiated
        yield SampleInput((x,), {"q": q, **kw}, desc, special=rank32)
    # NaN rows, +inf (lerp's two-sided formula: NaN between a finite value and inf at a weight
    # >= 0.5), +-inf; nanquantile: an all-NaN row gives NaN
    x = _nan_rows(dtype) if nan_ok else special_rows(dtype)
    q = np.array([0.05, 0.5, 0.97], NP_OF[dtype])
    yield SampleInput((x,), {"q": q, "dim": 1}, "special", special=True)


# ---- linear algebra: products, norms, solves, decompositions ------------------------------------
# The matrices are built so every op is well defined at the sample and a little way around it
# (gradcheck's steps): diagonally dominant matrices (never singular, determinants away from 0),
# singular and eigen values apart (>= 0.3: eigen/singular vector gradients are stable), entries
# away from 0 where an abs or a max is taken. Decompositions go through the wrappers below, whose
# outputs are unique (singular vectors, eigenvectors and Q's columns are so only up to sign);
# tests/reference.py does the same math in NumPy.


def _la_rng(op, seed):
    return np.random.default_rng(zlib.crc32(f"{op.name}/linalg/{seed}".encode()))


def _signed(op, shape, dtype, seed, lo=0.3, hi=2.0, distinct=False):
    """Values with |x| in [lo, hi] and random signs (distinct magnitudes: no ties in max |x|)."""
    rng = _la_rng(op, seed)
    n = int(np.prod(shape)) if shape else 1
    if distinct:
        mag = lo + (rng.permutation(n) + 0.2 + 0.6 * rng.random(n)) * (hi - lo) / n
    else:
        mag = rng.uniform(lo, hi, size=n)
    v = mag * rng.choice([-1.0, 1.0], size=n)
    return v.reshape(shape).astype(NP_OF[dtype])


def _dominant(op, shape, dtype, seed, signs=False):
    """[..., n, n] strictly diagonally dominant: entries in (-1, 1) off the diagonal, |diagonal|
    in (n, n + 1) (positive unless `signs`): never singular, condition number below ~2n + 1,
    and, with a positive diagonal, every eigenvalue's real part > 1 (det > 0)."""
    rng = _la_rng(op, seed)
    n = shape[-1]
    a = rng.uniform(-1.0, 1.0, size=shape)
    d = n + rng.uniform(0.0, 1.0, size=tuple(shape[:-1]))
    if signs:
        d = d * rng.choice([-1.0, 1.0], size=d.shape)
    idx = np.arange(n)
    a[..., idx, idx] = d
    return a.astype(NP_OF[dtype])


def _orthonormal(rng, m, k):
    q, r = np.linalg.qr(rng.standard_normal((m, k)))
    return q * np.sign(np.diagonal(r))


SVALS = (3.1, 2.4, 1.8, 1.2, 0.8, 0.5)  # descending, >= 0.3 apart, >= 0.5


def _with_svals(op, shape, dtype, seed, svals=SVALS):
    """[..., m, n] = U diag(s) V^T with random orthonormal U, V and the leading min(m, n) of
    `svals` (each matrix of the batch scaled by its own factor in [0.9, 1.1])."""
    rng = _la_rng(op, seed)
    *batch, m, n = shape
    k = min(m, n)
    out = np.empty((int(np.prod(batch)) if batch else 1, m, n))
    for b in range(out.shape[0]):
        s = np.array(svals[:k]) * rng.uniform(0.9, 1.1)
        out[b] = (_orthonormal(rng, m, k) * s) @ _orthonormal(rng, n, k).T
    return out.reshape(shape).astype(NP_OF[dtype])


EIGS = (-1.7, -0.9, -0.2, 0.5, 1.3, 2.2)  # ascending, >= 0.7 apart


def _with_eigs(op, shape, dtype, seed, skew=True):
    """[..., n, n] = Q diag(e) Q^T (+ an antisymmetric part with `skew`, which (A + A^T) / 2
    takes off again): a symmetric part with n of `EIGS` as eigenvalues."""
    rng = _la_rng(op, seed)
    *batch, n, _ = shape
    out = np.empty((int(np.prod(batch)) if batch else 1, n, n))
    for b in range(out.shape[0]):
        q = _orthonormal(rng, n, n)
        e = np.array(EIGS[len(EIGS) // 2 - n // 2 :][:n]) + rng.uniform(-0.1, 0.1)
        out[b] = (q * e) @ q.T
        if skew:
            k = rng.uniform(-0.5, 0.5, size=(n, n))
            out[b] += k - k.T
    return out.reshape(shape).astype(NP_OF[dtype])


def _int_kw(kw, dtype):
    """beta / alpha for an int64 sample: the integer ones only (torch refuses a float scalar)."""
    if dtype != "int64":
        return kw
    return {k: int(v) for k, v in kw.items() if float(v).is_integer()}


EINSUM_CASES = [
    ("bhid,bhjd->bhij", [(2, 2, 3, 4), (2, 2, 5, 4)]),  # attention scores
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output: ik
    ("ii->i", [(3, 3)]),  # the diagonal
    ("ii", [(3, 3)]),  # the trace (implicit output: none)
    ("ij->ji", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),  # batch dims broadcast
    ("ab,bc,cd->ad", [(2, 3), (3, 4), (4, 2)]),
    ("ijk->", [(2, 3, 4)]),
    ("iij->ij", [(3, 3, 2)]),  # a label repeated within one operand: its diagonal
    ("ij,k->i", [(3, 2), (4,)]),  # k only in one operand, not in the output: summed
    ("ij,jk->ik", [(2, 1), (3, 4)]),  # j of size 1 broadcasts against 3
    ("ij,jk->ik", [(0, 3), (3, 4)]),
    ("ij,jk->ik", [(2, 0), (0, 4)]),  # an empty contraction: zeros
    (" i j , j k -> k i ", [(2, 3), (3, 4)]),  # spaces
    ("ba,...Bc", [(3, 2), (4, 5, 6)]),  # implicit: the ellipsis, then B, a, b, c (ASCII order)
    ("...,...->...", [(3, 1), (4,)]),  # only ellipses: an elementwise product, broadcast
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),  # bilinear
]


def _einsum_samples(op, dtype):
    for i, (eq, shapes) in enumerate(EINSUM_CASES):
        ops = tuple(op.make(s, dtype, k, i) for k, s in enumerate(shapes))
        yield SampleInput((eq, *ops))


def _tensordot_samples(op, dtype):
    cases = [
        ((2, 3, 4), (3, 4, 5), {}),  # dims=2
        ((2, 3), (3, 4), {"dims": 1}),
        ((2, 3), (4,), {"dims": 0}),  # the outer product
        ((3, 2, 4), (2, 3, 5), {"dims": ([1, 0], [0, 1])}),
        ((2, 3, 4), (4, 3), {"dims": ([1, 2], [1, 0])}),
        ((0, 3), (3, 2), {"dims": 1}),
    ]
    for i, (sa, sb, kw) in enumerate(cases):
        yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)), kw)


def _kron_samples(op, dtype):
    """torch's kron fails ("view size is not compatible") on a transposed operand next to a
    contiguous one (a vector) or one with a size-1 dim: those rank mixes are in test_linalg.py."""
    cases = [((2, 3), (3, 2)), ((2, 2, 3), (3, 2)), ((2, 3), (2, 2, 2)), ((3,), (4,)), ((), (3,))]
    cases += [((0, 2), (3, 2))]
    for i, (sa, sb) in enumerate(cases):
        yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)))


def _cross_samples(linalg):
    # operands broadcast, but only at one number of dims (torch refuses [2, 4, 3] x [4, 3])
    if linalg:  # dim=-1 by default
        cases = [((4, 3), (4, 3), {}), ((2, 1, 3), (1, 4, 3), {}), ((3,), (3,), {})]
        cases += [((3, 2), (3, 2), {"dim": 0}), ((0, 3), (0, 3), {})]
    else:
        cases = [((4, 3), (4, 3), {"dim": 1}), ((3, 4), (3, 4), {"dim": 0})]
        cases += [((2, 3, 2), (1, 3, 2), {"dim": 1}), ((2, 4, 3), (1, 4, 3), {"dim": -1})]
        cases += [((0, 3), (0, 3), {"dim": 1})]

    def gen(op, dtype):
        for i, (sa, sb, kw) in enumerate(cases):
            yield SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)), kw)

    return gen


def _cross_default_dim_samples(op, dtype):
    """dim=None: the first dim of size 3 (torch warns that the default will change)."""
    for i, shape in enumerate([(2, 3, 4), (3, 3)]):
        yield SampleInput((op.make(shape, dtype, 0, i), op.make(shape, dtype, 1, i)))


def _cross_default_dim(a, b):
    with warnings.catch_warnings():  # torch: "Using torch.cross without specifying the dim ..."
        warnings.filterwarnings("ignore", "Using torch.cross without specifying the dim")
        return tg.cross(a, b)


def _add_product_samples(shapes, cases):
    """addmv / baddbmm / addbmm: (input shape, kwargs) cases on fixed operand shapes, the
    empty cases, and beta=0 with NaN in the input (ignored: it does not propagate)."""

    (s1, s2), empty = shapes[0], shapes[1:]

    def gen(op, dtype):
        for i, (si, kw) in enumerate(cases):
            args = (op.make(si, dtype, 0, i), op.make(s1, dtype, 1, i), op.make(s2, dtype, 2, i))
            yield SampleInput(args, _int_kw(kw, dtype))
        for i, (si, sa, sb) in enumerate(empty, len(cases)):
            args = (op.make(si, dtype, 0, i), op.make(sa, dtype, 1, i), op.make(sb, dtype, 2, i))
            yield SampleInput(args, _int_kw({"beta": 0.5}, dtype))
        if dtype in FLOAT:
            x = op.make(cases[0][0], dtype, 0, 9)
            x.reshape(-1)[::2] = np.nan
            args = (x, op.make(s1, dtype, 1, 9), op.make(s2, dtype, 2, 9))
            yield SampleInput(args, {"beta": 0, "alpha": 2.0}, "beta=0 ignores NaN", special=True)

    return gen


_ADDMV = _add_product_samples(
    [((3, 4), (4,)), ((0,), (0, 2), (2,)), ((2,), (2, 0), (0,))],
    [((3,), {}), ((), {"beta": 0.5, "alpha": 2.0}), ((1,), {"alpha": -1.0}), ((3,), {"beta": 0})],
)
_BADDBMM = _add_product_samples(
    [((2, 3, 5), (2, 5, 4)), ((0, 3, 4), (0, 3, 2), (0, 2, 4)), ((2, 3, 4), (2, 3, 0), (2, 0, 4))],
    [
        ((2, 3, 4), {}),
        ((3, 4), {"beta": 0.5, "alpha": 2.0}),
        ((1, 4), {"alpha": -1.0}),
        ((), {"beta": 2.0}),
        ((2, 3, 4), {"beta": 0}),
    ],
)
_ADDBMM = _add_product_samples(
    [((2, 3, 5), (2, 5, 4)), ((3, 4), (0, 3, 2), (0, 2, 4))],
    [
        ((3, 4), {}),
        ((4,), {"beta": 0.5, "alpha": 2.0}),
        ((), {"alpha": -1.0}),
        ((3, 4), {"beta": 0}),
    ],
)


def _apart(op, shape, dtype, seed, side):
    """cdist points: coordinate k of x1 has sign s_k and of x2 sign -s_k (|x| >= 0.2), so every
    coordinate difference is >= 0.4 away from 0 (|.|'s kink at p = 1, 0 distances)."""
    rng = _la_rng(op, seed * 2 + side)
    s = np.where(np.arange(shape[-1]) % 2 == 0, 1.0, -1.0) * (1.0 if side == 0 else -1.0)
    return (rng.uniform(0.2, 2.0, size=shape) * s).astype(NP_OF[dtype])


def _cdist_samples(ps):
    cases = [((4, 3), (5, 3)), ((2, 4, 3), (2, 5, 3)), ((2, 1, 3, 2), (4, 5, 2)), ((1, 2), (3, 2))]

    def gen(op, dtype):
        i = 0
        for p in ps:
            for s1, s2 in cases:
                kw = {} if p == 2.0 else {"p": p}
                x1, x2 = _apart(op, s1, dtype, i, 0), _apart(op, s2, dtype, i, 1)
                yield SampleInput((x1, x2), kw)
                i += 1
        for s1, s2 in [((0, 3), (4, 3)), ((3, 0), (4, 0))]:
            yield SampleInput((op.make(s1, dtype, 0, i), op.make(s2, dtype, 1, i)), {"p": ps[0]})
        # more than 25 rows: p = 2 takes torch's matrix-product path
        x1, x2 = _apart(op, (30, 5), dtype, 50, 0), _apart(op, (27, 5), dtype, 50, 1)
        yield SampleInput((x1, x2), {"p": ps[0]}, big=True)

    return gen


def _cdist_p0_samples(op, dtype):
    rng = _la_rng(op, 0)
    for i, (s1, s2) in enumerate([((4, 3), (5, 3)), ((2, 4, 3), (2, 5, 3))]):
        x1 = rng.integers(-1, 2, size=s1).astype(NP_OF[dtype])
        x2 = rng.integers(-1, 2, size=s2).astype(NP_OF[dtype])
        yield SampleInput((x1, x2), {"p": 0.0}, f"case {i}")


VECTOR_NORM_CASES = [
    ((3, 4), {}),  # ord 2 over every dim
    ((5,), {"ord": 1}),
    ((3, 4), {"ord": math.inf, "dim": 1}),
    ((3, 4), {"ord": -math.inf, "dim": 0, "keepdim": True}),
    ((2, 3, 4), {"ord": 3, "dim": (0, 2)}),
    ((3, 4), {"ord": 0.5, "dim": -1, "keepdim": True}),
    ((2, 3, 4), {"ord": 2, "dim": (1, 2), "keepdim": True}),
    ((2, 3, 4), {"ord": math.inf}),
    ((2, 3), {"keepdim": True}),
    ((), {}),
    ((0,), {}),
    ((0, 3), {"ord": 1, "dim": 0}),
    ((0, 3), {"ord": math.inf, "dim": 1}),
]


def _vector_norm_samples(op, dtype):
    for i, (shape, kw) in enumerate(VECTOR_NORM_CASES):
        yield SampleInput((_signed(op, shape, dtype, i, distinct=True),), kw)
    yield SampleInput((_signed(op, BIG, dtype, 99),), {"dim": -1}, big=True)


def _vector_norm_ord0_samples(op, dtype):
    rng = _la_rng(op, 0)
    for i, (shape, kw) in enumerate(
        [
            ((3, 4), {}),
            ((3, 4), {"dim": 1}),
            ((2, 3, 4), {"dim": (0, 2), "keepdim": True}),
            ((0, 3), {}),
        ]
    ):
        x = rng.integers(-1, 2, size=shape).astype(NP_OF[dtype])
        yield SampleInput((x,), {"ord": 0, **kw}, f"case {i}")


def _matrix_for_norm(op, shape, dtype, seed, ord, dim=(-2, -1)):  # noqa: A002 - torch's name
    """Singular values apart for the spectral ords, entries away from 0 (distinct magnitudes:
    no tied row or column sums) for the others."""
    if ord in ("nuc", 2, -2):
        d0, d1 = (d % len(shape) for d in dim)
        rest = [s for k, s in enumerate(shape) if k not in (d0, d1)]
        a = _with_svals(op, (*rest, shape[d0], shape[d1]), dtype, seed)
        return np.moveaxis(a, (-2, -1), (d0, d1))
    return _signed(op, shape, dtype, seed, distinct=True)


MATRIX_NORM_CASES = [
    ((3, 4), {}),  # 'fro'
    ((2, 3, 3), {"ord": "nuc"}),
    ((3, 4), {"ord": 2}),
    ((4, 3), {"ord": -2}),
    ((2, 2, 3, 4), {"ord": 2, "keepdim": True}),
    ((3, 4), {"ord": 1}),
    ((2, 3, 4), {"ord": -1, "keepdim": True}),
    ((3, 4), {"ord": math.inf}),
    ((2, 4, 3), {"ord": -math.inf}),
    ((3, 2, 4), {"ord": "fro", "dim": (0, 2), "keepdim": True}),
    ((3, 2, 4), {"ord": 1, "dim": (2, 0)}),
    ((3, 2, 4), {"ord": "nuc", "dim": (2, 0)}),
    ((1, 1), {"ord": "nuc"}),
    ((0, 3, 3), {}),
    ((0, 3, 3), {"ord": "nuc"}),
]


def _matrix_norm_samples(op, dtype):
    for i, (shape, kw) in enumerate(MATRIX_NORM_CASES):
        a = _matrix_for_norm(op, shape, dtype, i, kw.get("ord", "fro"), kw.get("dim", (-2, -1)))
        yield SampleInput((a,), kw)


LINALG_NORM_CASES = [
    ((3, 4), {}),  # flattened 2-norm
    ((2, 3, 4), {}),
    ((5,), {"ord": 3}),
    ((5,), {"ord": math.inf}),  # a vector norm: max |x|
    ((3, 4), {"ord": math.inf}),  # a matrix norm: max absolute row sum
    ((3, 4), {"ord": "nuc"}),
    ((3, 4), {"ord": -1}),
    ((2, 3, 4), {"ord": 1, "dim": 1, "keepdim": True}),
    ((2, 3, 4), {"ord": 0.5, "dim": (2,)}),
    ((2, 3, 4), {"ord": "fro", "dim": (0, 2)}),
    ((2, 3, 4), {"ord": 2, "dim": (1, 2)}),
    ((2, 3, 4), {"dim": (2, 1), "keepdim": True}),
]


def _linalg_norm_samples(op, dtype):
    for i, (shape, kw) in enumerate(LINALG_NORM_CASES):
        ord_ = kw.get("ord")
        dim = kw.get("dim")
        matrix = isinstance(dim, tuple) and len(dim) == 2 or (dim is None and len(shape) == 2)
        if matrix and ord_ in ("nuc", 2, -2):
            a = _matrix_for_norm(op, shape, dtype, i, ord_, dim or (-2, -1))
        else:
            a = _signed(op, shape, dtype, i, distinct=True)
        yield SampleInput((a,), kw)


def _multi_dot_samples(op, dtype):
    """Chains the cheapest order changes (the first and last may be vectors)."""
    for i, shapes in enumerate(
        [
            [(3, 4), (4, 2)],
            [(3,), (3, 4), (4, 2)],
            [(2, 3), (3, 4), (4, 5), (5,)],
            [(4,), (4,)],
            [(5, 1), (1, 6), (6, 2), (2, 3)],
        ]
    ):
        yield SampleInput(
            tuple(op.make(s, dtype, arg=k, seed=10 * i + k) for k, s in enumerate(shapes))
        )


def _vecdot_samples(op, dtype):
    for i, (sa, sb, kw) in enumerate(
        [
            ((2, 3, 4), (3, 4), {}),
            ((5,), (5,), {}),
            ((3, 4), (3, 1), {"dim": 0}),
            ((2, 0), (2, 0), {}),
        ]
    ):
        yield SampleInput((op.make(sa, dtype, seed=i), op.make(sb, dtype, arg=1, seed=i)), kw)


def _matrix_rank_samples(op, dtype):
    """Products of [m, r] and [r, n] factors: rank r (well above the tolerance otherwise)."""
    rng = np.random.default_rng(7)
    for batch, m, r, n in [
        ((), 4, 2, 5),
        ((2,), 3, 3, 3),
        ((), 5, 1, 3),
        ((2, 2), 4, 3, 4),
        ((), 3, 0, 3),
    ]:
        a = rng.standard_normal((*batch, m, r)) @ rng.standard_normal((*batch, r, n))
        yield SampleInput((a.astype(NP_OF[dtype]),))


SQUARE_SHAPES = [(3, 3), (1, 1), (2, 3, 4, 4), (5, 5), (2, 2, 2), (0, 3, 3), (0, 0)]


def _square_samples(signs=True, shapes=SQUARE_SHAPES):
    """Diagonally dominant square matrices (with random diagonal signs: either determinant sign)."""

    def gen(op, dtype):
        for i, shape in enumerate(shapes):
            yield SampleInput((_dominant(op, shape, dtype, i, signs),))

    return gen


def _matrix_power_samples(op, dtype):
    cases = [
        ((3, 3), 0),
        ((3, 3), 1),
        ((2, 3, 3), 3),
        ((3, 3), -2),
        ((1, 1), 2),
        ((2, 2, 4, 4), -1),
    ]
    cases += [((0, 3, 3), 2), ((4, 4), 2)]
    for i, (shape, n) in enumerate(cases):
        yield SampleInput((_dominant(op, shape, dtype, i, signs=True), n))


SOLVE_CASES = [
    ((3, 3), (3, 2), {}),
    ((2, 3, 3), (2, 3, 4), {}),
    ((3, 3), (3,), {}),  # B a vector
    ((2, 3, 3), (2, 3), {}),  # a batch of vectors: B.shape == A.shape[:-1]
    ((2, 3, 3), (3,), {}),  # a vector, broadcast over A's batch
    ((2, 3, 3), (3, 2), {}),  # a matrix (B.shape != A.shape[:-1]), broadcast
    ((2, 1, 3, 3), (3, 3, 2), {}),  # batch dims broadcast
    ((3, 3), (2, 3), {"left": False}),  # X A = B
    ((2, 3, 3), (2, 4, 3), {"left": False}),
    ((1, 1), (1, 1), {}),
    ((3, 3), (3, 0), {}),
    ((0, 3, 3), (0, 3, 2), {}),
]


def _solve_samples(op, dtype):
    for i, (sa, sb, kw) in enumerate(SOLVE_CASES):
        yield SampleInput((_dominant(op, sa, dtype, i, True), op.make(sb, dtype, 1, i)), kw)


SOLVE_TRIANGULAR_CASES = [
    ((3, 3), (3, 2), {"upper": True}),
    ((3, 3), (3, 2), {"upper": False}),
    ((3, 3), (2, 3), {"upper": True, "left": False}),
    ((4, 4), (4, 2), {"upper": False, "unitriangular": True}),
    ((2, 1, 3, 3), (3, 3, 2), {"upper": True}),  # batch dims broadcast
    ((2, 3, 3), (2, 2, 3), {"upper": False, "left": False, "unitriangular": True}),
    ((1, 1), (1, 3), {"upper": True}),
    ((0, 3, 3), (0, 3, 1), {"upper": False}),
]


def _solve_triangular_samples(op, dtype):
    """A full (both triangles random): only one is read; the other's gradient is 0."""
    for i, (sa, sb, kw) in enumerate(SOLVE_TRIANGULAR_CASES):
        yield SampleInput((_dominant(op, sa, dtype, i, True), op.make(sb, dtype, 1, i)), kw)


def _cholesky_samples(op, dtype):
    cases = [((3, 3), {}), ((3, 3), {"upper": True}), ((2, 3, 4, 4), {}), ((1, 1), {})]
    cases += [((2, 5, 5), {"upper": True}), ((0, 3, 3), {})]
    for i, (shape, kw) in enumerate(cases):
        yield SampleInput((op.make(shape, dtype, 0, i),), kw)


RECT_SHAPES = [(5, 3), (4, 4), (3, 5), (2, 3, 4, 3), (2, 3, 5), (1, 1), (0, 3, 2)]


def _each(shapes, *kwargs):
    """(shape, kwargs) for every shape with every kwargs."""
    return [(s, kw) for s in shapes for kw in (kwargs or ({},))]


def _rect_samples(cases=None):
    """Matrices with singular values `SVALS` (well conditioned, apart): tall, square, wide,
    batched, 1x1, an empty batch (RECT_SHAPES) unless `cases` gives (shape, kwargs) pairs."""

    def gen(op, dtype):
        for i, (shape, kw) in enumerate(cases or _each(RECT_SHAPES)):
            yield SampleInput((_with_svals(op, shape, dtype, i),), dict(kw))

    return gen


EIGH_SHAPES = [(3, 3), (1, 1), (2, 3, 4, 4), (5, 5), (0, 3, 3)]


def _eigh_samples(op, dtype):
    """A = S + K (S symmetric with eigenvalues apart, K antisymmetric): (A + A^T) / 2 = S."""
    for i, (shape, kw) in enumerate(_each(EIGH_SHAPES, {}, {"UPLO": "U"})):
        yield SampleInput((_with_eigs(op, shape, dtype, i),), kw)


def _eigh_triangle_samples(op, dtype):
    """S's UPLO triangle (eigenvalues apart) and random values in the other one (not read)."""
    for i, (shape, kw) in enumerate(_each(EIGH_SHAPES, {}, {"UPLO": "U"})):
        s = _with_eigs(op, shape, "float64", i, skew=False)
        junk = _la_rng(op, 100 + i).uniform(-3.0, 3.0, size=shape)
        a = np.triu(s) + np.tril(junk, -1) if kw else np.tril(s) + np.triu(junk, 1)
        yield SampleInput((a.astype(NP_OF[dtype]),), kw)


def _lstsq_samples(op, dtype):
    cases = [((5, 3), (5, 2)), ((2, 5, 3), (2, 5, 2)), ((5, 3), (5,)), ((2, 5, 3), (2, 5))]
    cases += [((1, 5, 3), (2, 5, 2)), ((3, 5), (3, 2)), ((4, 4), (4, 1)), ((0, 4, 3), (0, 4, 2))]
    for i, (sa, sb) in enumerate(cases):
        yield SampleInput((_with_svals(op, sa, dtype, i), op.make(sb, dtype, 1, i)))


# the op wrappers (tg.* only: tetragrad, or torch in the self-check)


def _tg_spd(x):
    """X X^T + n I: symmetric positive definite for any X (cholesky's input)."""
    n = x.shape[-1]
    return x @ x.mT + n * tg.eye(n, dtype=x.dtype)


def _tg_sym(x):
    return (x + x.mT) / 2


def _quiet(fn, *args, **kwargs):
    """A deprecated torch spelling (torch.qr, torch.cholesky) without its warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"torch\.(qr|cholesky) is deprecated")
        return fn(*args, **kwargs)


def _qr_sign_fixed(q, r, k, mode):
    """Q and R with the signs fixed so R's diagonal is positive: (Q[..., :k], R) (k =
    min(m, n)), mode='r': (the empty Q, R), mode='complete': (Q[..., :k], R, Q^T Q)."""
    d = tg.sign(tg.diagonal(r, 0, -2, -1))  # [..., k]
    rk = r[..., :k, :] * d.unsqueeze(-1)
    r = tg.cat([rk, r[..., k:, :]], dim=-2) if r.shape[-2] > k else rk
    if mode == "r":
        return q, r
    q1 = q[..., :k] * d.unsqueeze(-2)
    if mode == "complete":
        return q1, r, q.mT @ q
    return q1, r


def _tg_qr_fixed(a, **kw):
    """linalg.qr(A, mode=...), signs fixed (_qr_sign_fixed)."""
    q, r = tg.linalg.qr(a, **kw)
    return _qr_sign_fixed(q, r, min(a.shape[-2], a.shape[-1]), kw.get("mode", "reduced"))


def _qr_legacy(q_r, a, some=True):
    q, r = q_r
    return _qr_sign_fixed(q, r, min(a.shape[-2], a.shape[-1]), "reduced" if some else "complete")


def _svd_parts(u, s, v, k, dtype):
    """U_k diag(S) V_k^T, S, U_k diag(1..k) U_k^T, V_k diag(1..k) V_k^T (k = min(m, n))."""
    u, v = u[..., :k], v[..., :k]
    w = tg.arange(1, k + 1, dtype=dtype)
    return (u * s.unsqueeze(-2)) @ v.mT, s, (u * w) @ u.mT, (v * w) @ v.mT


def _tg_svd_invariants(a, **kw):
    """From linalg.svd (U, S, Vh): _svd_parts."""
    u, s, vh = tg.linalg.svd(a, **kw)
    return _svd_parts(u, s, vh.mT, min(a.shape[-2], a.shape[-1]), a.dtype)


def _svd_legacy(u_s_v, a):
    """From torch.svd (U, S, V: V itself, not Vh): _svd_parts."""
    u, s, v = u_s_v
    return _svd_parts(u, s, v, min(a.shape[-2], a.shape[-1]), a.dtype)


def _tg_svd_orthonormal(a, **kw):
    u, s, vh = tg.linalg.svd(a, **kw)
    return u.mT @ u, vh @ vh.mT, s


def _tg_eigh_invariants(a, **kw):
    """From linalg.eigh: the eigenvalues and V diag(1..n) V^T."""
    lam, v = tg.linalg.eigh(a, **kw)
    w = tg.arange(1, a.shape[-1] + 1, dtype=a.dtype)
    return lam, (v * w) @ v.mT


OPS: list[OpInfo] = [
    # -- elementwise unary --
    unary("neg", R.neg, out=SAME, variants=(operator.neg,)),
    unary("negative", R.neg, out=SAME, inplace=False),
    unary("abs", R.abs, out=SAME, avoid=(0.0,), variants=(builtins.abs,)),
    unary("sign", R.sign, out=SAME, avoid=(0.0,)),
    unary("exp", R.exp),
    unary("log", R.log, domain=POS),
    unary("sqrt", R.sqrt, domain=POS),
    unary("rsqrt", R.rsqrt, domain=POS),
    unary("sigmoid", R.sigmoid, variants=(lambda x: tg.nn.functional.sigmoid(x),)),
    unary("tanh", R.tanh, variants=(lambda x: tg.nn.functional.tanh(x),)),
    unary("relu", R.relu, out=SAME, avoid=(0.0,), variants=(lambda x: tg.nn.functional.relu(x),)),
    unary("square", R.square, out=SAME),
    unary("isnan", R.isnan, dtypes=ALL, out=BOOL_OUT, differentiable=False, inplace=False),
    unary("isfinite", R.isfinite, dtypes=ALL, out=BOOL_OUT, differentiable=False, inplace=False),
    unary("isinf", R.isinf, dtypes=ALL, out=BOOL_OUT, differentiable=False, inplace=False),
    unary("isposinf", R.isposinf, dtypes=ALL, out=BOOL_OUT, differentiable=False, inplace=False),
    unary("isneginf", R.isneginf, dtypes=ALL, out=BOOL_OUT, differentiable=False, inplace=False),
    unary("signbit", R.signbit, dtypes=ALL, out=BOOL_OUT, differentiable=False, inplace=False),
    unary("sin", R.sin),
    unary("cos", R.cos),
    unary("tan", R.tan, domain=((-1.4, 1.4),)),
    unary("asin", R.asin, domain=UNIT),
    unary("acos", R.acos, domain=UNIT),
    unary("atan", R.atan),
    unary("sinh", R.sinh),
    unary("cosh", R.cosh),
    unary(
        "asinh",
        R.asinh,
        xfail=[
            XFail("variants_inplace", "float64", None, "torch has no derivative for asinh_", True)
        ],
    ),
    unary(
        "acosh",
        R.acosh,
        domain=((1.2, 4.0),),
        xfail=[
            XFail("variants_inplace", "float64", None, "torch has no derivative for acosh_", True)
        ],
    ),
    unary(
        "atanh",
        R.atanh,
        domain=UNIT,
        xfail=[
            XFail("variants_inplace", "float64", None, "torch has no derivative for atanh_", True)
        ],
    ),
    unary("erf", R.erf),
    unary("erfc", R.erfc),
    unary("erfinv", R.erfinv, domain=UNIT),
    unary("lgamma", R.lgamma, domain=((0.2, 6.0),)),
    unary("digamma", R.digamma, domain=((0.2, 6.0),)),
    unary("log1p", R.log1p, domain=((-0.8, 3.0),)),
    unary("expm1", R.expm1),
    unary("log2", R.log2, domain=POS),
    unary("log10", R.log10, domain=POS),
    unary("exp2", R.exp2),
    unary("reciprocal", R.reciprocal, domain=((0.2, 3.0),)),
    unary("floor", R.floor, out=SAME, avoid=tuple(float(k) for k in range(-4, 5))),
    unary("ceil", R.ceil, out=SAME, avoid=tuple(float(k) for k in range(-4, 5))),
    unary("trunc", R.trunc, out=SAME, avoid=tuple(float(k) for k in range(-4, 5))),
    unary("frac", R.frac, dtypes=FLOAT, out=SAME, avoid=tuple(float(k) for k in range(-4, 5))),
    unary("round", R.round, out=SAME, avoid=HALVES),  # half to even; int64: itself
    OpInfo(
        name="round_decimals",  # torch: decimals= is keyword-only, floats only
        op="round",
        ref=R.round,
        sample_inputs=_round_decimals_samples,
        dtypes=FLOAT,
        out_dtype=SAME,
        method="round",
        inplace="round_",
        elementwise=True,
    ),
    unary("nan_to_num", R.nan_to_num, dtypes=ALL, out=SAME, sample_inputs=_nan_to_num_samples),
    unary(
        "logical_not", R.logical_not, dtypes=ALL, out=BOOL_OUT, differentiable=False, inplace=False
    ),
    unary(
        "bitwise_not",
        R.bitwise_not,
        dtypes=INT_BOOL,
        out=SAME,
        differentiable=False,
        inplace=False,
        variants=(operator.invert,),
    ),
    OpInfo(
        name="pow_scalar",
        op=lambda x, e: tg.pow(x, e),
        ref=R.pow_scalar,
        sample_inputs=lambda op, dtype: (
            SampleInput((op.make(s, dtype, seed=i), e))
            for i, (s, e) in enumerate(
                [((), 2), ((3, 4), 3), ((5,), 0.5), ((3, 4), -1.5), ((0,), 2)]
            )
            if dtype in FLOAT or float(e).is_integer()
        ),
        dtypes=ALL_NUM,
        domain=POS,
        method="pow",
        inplace="pow_",
        variants=(operator.pow,),
    ),
    OpInfo(
        name="rpow_scalar",
        op=lambda x, base: base**x,
        ref=lambda x, base: R.rpow_scalar(base, x),
        sample_inputs=lambda op, dtype: (
            SampleInput((op.make(s, dtype, seed=i), b))
            for i, (s, b) in enumerate([((), 2.0), ((3, 4), 0.5), ((5,), 3)])
        ),
        dtypes=FLOAT,
    ),
    # -- a Python scalar on the left --
    reflected("radd", lambda s, x: s + x, R.add, dtypes=ALL),
    reflected("rsub", lambda s, x: s - x, R.sub),
    reflected("rmul", lambda s, x: s * x, R.mul, dtypes=ALL),
    reflected("rtruediv", lambda s, x: s / x, R.div, out=FLOAT_OUT, avoid=(0.0,)),
    reflected("rfloordiv", lambda s, x: s // x, R.floor_divide, avoid=(0.0,), differentiable=False),
    reflected(
        "rmod",
        lambda s, x: s % x,
        R.remainder,
        domain=(None, (0.3, 2.0)),
        avoid=(0.0,),
        differentiable=False,
    ),
    *[
        reflected(
            f"r{name}",
            lambda s, x, f=f: f(s, x),
            getattr(R, name),
            dtypes=ALL,
            out=BOOL_OUT,
            integer_valued=True,
            differentiable=False,
            scalars=(1, 0.5),
        )
        for name, f in (
            ("eq", operator.eq),
            ("ne", operator.ne),
            ("lt", operator.lt),
            ("le", operator.le),
            ("gt", operator.gt),
            ("ge", operator.ge),
        )
    ],
    # -- elementwise binary --
    binary("add", R.add, dtypes=ALL, variants=(operator.add,)),
    OpInfo(
        name="add_alpha",
        op=lambda a, b, **k: tg.add(a, b, **k),
        ref=lambda a, b, alpha: R.add(a, b, alpha),
        sample_inputs=lambda op, dtype: (
            SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i)), {"alpha": al})
            for i, (sa, sb, al) in enumerate([((3, 4), (4,), 2), ((2, 3), (), -3)])
        ),
        dtypes=ALL_NUM,
        method="add",
        inplace="add_",
    ),
    binary("sub", R.sub, variants=(operator.sub,)),
    binary("mul", R.mul, dtypes=ALL, variants=(operator.mul,)),
    binary("div", R.div, out=FLOAT_OUT, avoid=(0.0,), variants=(operator.truediv,)),
    binary("true_divide", R.div, out=FLOAT_OUT, avoid=(0.0,), inplace=None),
    binary(
        "pow",
        R.pow,
        domain=((0.2, 3.0), (-2.0, 2.0)),
        dtypes=FLOAT,
        variants=(operator.pow,),
        scalars=(2, 0.5),
    ),
    OpInfo(
        name="pow_int",
        op="pow",
        ref=R.pow,
        sample_inputs=lambda op, dtype: (
            SampleInput((op.make(sa, dtype, 0, i), op.make(sb, dtype, 1, i, domain=(-0.5, 3.5))))
            for i, (sa, sb) in enumerate(BINARY_SHAPES)
        ),
        dtypes=("int64",),
        differentiable=False,
        method="pow",
        inplace="pow_",
        variants=(operator.pow,),
    ),
    binary("maximum", R.maximum, dtypes=ALL, inplace=None, scalars=()),
    binary("minimum", R.minimum, dtypes=ALL, inplace=None, scalars=()),
    binary(
        "floor_divide",
        R.floor_divide,
        avoid=(0.0,),
        differentiable=False,
        variants=(operator.floordiv,),
        scalars=(2, 0.75),
    ),
    binary(
        "remainder",
        R.remainder,
        domain=((-3.0, 3.0), (0.3, 2.0)),
        avoid=(0.0,),
        differentiable=False,
        variants=(operator.mod,),
        scalars=(2, 0.75),
    ),
    binary("atan2", R.atan2, dtypes=ALL, out=FLOAT_OUT, avoid=(0.0,), scalars=()),
    binary(
        "arctan2", R.atan2, dtypes=ALL, out=FLOAT_OUT, avoid=(0.0,), scalars=(), promotion=False
    ),
    binary("hypot", R.hypot, dtypes=FLOAT, scalars=()),
    binary("fmod", R.fmod, avoid=(0.0,), sample_inputs=_fmod_samples),
    *[
        binary(
            name,
            getattr(R, name),
            dtypes=FLOAT,
            inplace=None,  # torch has no logaddexp_ / logaddexp2_
            sample_inputs=_binary_samples_plus((), LOGADDEXP_SPECIAL),
        )
        for name in ("logaddexp", "logaddexp2")
    ],
    binary(
        "xlogy",
        R.xlogy,
        dtypes=ALL,
        out=FLOAT_OUT,
        domain=(None, (0.2, 3.0)),
        sample_inputs=_xlogy_samples,
        # sample 7 (x == y == 0): NaN in d/dy on both backends (torch's convention)
        xfail=[XFail("extremes", dt, 7, XLOGY_ZEROS) for dt in FLOAT]
        + [XFail("extremes", dt, 7, XLOGY_ZEROS, torch_only=True) for dt in FLOAT],
    ),
    *[
        OpInfo(
            # a (keyword: not differentiated; torch has no derivative in a) against x
            name=f"special.{name}",
            op=lambda x, a, _n=name: getattr(tg.special, _n)(a, x),
            ref=lambda x, a, _n=name: getattr(R, _n)(a, x),
            sample_inputs=_gammainc_samples,
            dtypes=FLOAT,
            out_dtype=SAME,
            domain=((0.05, 6.0),),
            tol={"float64": (2e-9, 1e-12)},  # torch's asymptotic series near a = x = 40: 6e-10
            requires=("special", name),
        )
        for name in ("gammainc", "gammaincc")
    ],
    OpInfo(
        name="xlogy-scalar",
        op="xlogy",
        ref=R.xlogy,
        sample_inputs=_xlogy_scalar_samples,
        dtypes=ALL,
        out_dtype=FLOAT_OUT,
        domain=(None, (0.2, 3.0)),
        method="xlogy",
        inplace="xlogy_",
        elementwise=True,
    ),
    *[
        binary(
            name,
            getattr(R, name),
            dtypes=ALL,
            out=BOOL_OUT,
            differentiable=False,
            integer_valued=True,
            inplace=None,
            variants=(getattr(operator, name),),
        )
        for name in ("eq", "ne", "lt", "le", "gt", "ge")
    ],
    binary(
        "logical_and",
        R.logical_and,
        dtypes=ALL,
        out=BOOL_OUT,
        differentiable=False,
        integer_valued=True,
        inplace=None,
        scalars=(),
    ),  # fmt: skip
    binary(
        "logical_xor",
        R.logical_xor,
        dtypes=ALL,
        out=BOOL_OUT,
        differentiable=False,
        integer_valued=True,
        inplace=None,
        scalars=(),
    ),
    binary(
        "logical_or",
        R.logical_or,
        dtypes=ALL,
        out=BOOL_OUT,
        differentiable=False,
        integer_valued=True,
        inplace=None,
        scalars=(),
    ),  # fmt: skip
    *[
        binary(
            name,
            getattr(R, name),
            dtypes=INT_BOOL,
            differentiable=False,
            scalars=(),
            variants=(op,),
        )
        for name, op in (
            ("bitwise_and", operator.and_),
            ("bitwise_or", operator.or_),
            ("bitwise_xor", operator.xor),
        )
    ],
    OpInfo(
        name="where",
        op=lambda c, a, b: tg.where(c, a, b),
        ref=R.where,
        sample_inputs=_where_samples,
        dtypes=ALL,
        out_dtype=lambda s, d: result_type(*s.args[1:]),
        method=None,
        variants=(lambda c, a, b: a.where(c, b),),
    ),
    OpInfo(
        name="clamp",
        op=lambda x, **k: tg.clamp(x, **k),
        ref=R.clamp,
        sample_inputs=_clamp_samples,
        dtypes=ALL_NUM,
        out_dtype=SAME,
        avoid=(-0.75, 0.75),
        method="clamp",
        inplace="clamp_",
        variants=(lambda x, **k: tg.clip(x, **k), lambda x, **k: x.clip(**k)),
    ),
    OpInfo(
        name="clamp_tensor",
        op=lambda x, **k: tg.clamp(x, **k),
        ref=lambda x, min, max: np.minimum(np.maximum(R.f64(x), R.f64(min)), R.f64(max)),  # noqa: A006
        sample_inputs=_clamp_tensor_samples,
        dtypes=FLOAT,
        out_dtype=SAME,
        method="clamp",
        # the gradient of the bounds is not checked: they are kwargs
    ),
    # -- pointwise with three tensors --
    OpInfo(
        name="lerp",
        op="lerp",
        ref=R.lerp,
        sample_inputs=_lerp_samples,
        dtypes=FLOAT,  # torch: no integer lerp, and start / end / weight of one dtype
        out_dtype=SAME,
        domain=(None, None, (-0.25, 1.25)),
        method="lerp",
        inplace="lerp_",
        elementwise=True,
    ),
    OpInfo(
        name="addcmul",
        op="addcmul",
        ref=R.addcmul,
        sample_inputs=_addc_samples,
        dtypes=ALL_NUM,  # torch: no bool addcmul
        method="addcmul",
        inplace="addcmul_",
        elementwise=True,
    ),
    OpInfo(
        name="addcdiv",
        op="addcdiv",
        ref=R.addcdiv,
        sample_inputs=_addc_samples,
        dtypes=FLOAT,  # torch: "Integer division with addcdiv is no longer supported"
        avoid=(0.0,),
        method="addcdiv",
        inplace="addcdiv_",
        elementwise=True,
    ),
    # -- reductions --
    reduction("sum", R.sum, dtypes=ALL, out=INT_SUM),
    reduction("mean", R.mean),
    reduction(
        "prod", R.prod, dims="int_or_none", dtypes=ALL, out=INT_SUM, avoid=(0.0,), big_ints=False
    ),
    *[
        reduction(
            name,
            getattr(R, name),
            dtypes=ALL,
            out=BOOL_OUT,
            differentiable=False,
            integer_valued=True,
            domain=((-1.5, 1.5),),
        )
        for name in ("any", "all")
    ],
    reduction(
        "count_nonzero",
        R.count_nonzero,
        dtypes=ALL,
        out=LONG,
        differentiable=False,
        integer_valued=True,
        domain=((-1.5, 1.5),),
        sample_inputs=_without_keepdim(_red_samples_for("tuple", True, {}, True)),
    ),
    OpInfo(
        name="isclose",
        op="isclose",
        ref=R.isclose,
        sample_inputs=_isclose_samples,
        dtypes=ALL,
        out_dtype=BOOL_OUT,
        differentiable=False,
        method="isclose",
    ),
    reduction("amax", R.amax, empty=False, dtypes=ALL, distinct=True),
    reduction("amin", R.amin, empty=False, dtypes=ALL, distinct=True),
    reduction("var", lambda x, **k: R.var(x, **k)),
    reduction(
        "var",
        lambda x, unbiased, **k: R.var(x, correction=int(unbiased), **k),
        label="var_unbiased_false",
        extra={"unbiased": False},
        op=lambda x, **k: tg.var(x, **k),
    ),
    reduction("var", R.var, label="var_correction2", extra={"correction": 2}),
    reduction("std", R.std),
    reduction("std", R.std, label="std_correction0", extra={"correction": 0}),
    reduction(
        "var_mean",
        R.var_mean,
        out=TWO_FLOATS,
        method=None,
        xfail=[XFail("forward", dt, 10, TORCH_VAR_MEAN_INF, torch_only=True) for dt in FLOAT],
    ),
    reduction(
        "std_mean",
        R.std_mean,
        out=TWO_FLOATS,
        method=None,
        extra={"correction": 0},
        xfail=[XFail("forward", dt, 10, TORCH_VAR_MEAN_INF, torch_only=True) for dt in FLOAT],
    ),
    reduction("logsumexp", R.logsumexp, dims="required", dtypes=ALL_NUM, out=FLOAT_OUT),
    reduction("norm", lambda x, **k: R.norm(x, 2, **k), label="norm", avoid=(0.0,)),
    *[
        reduction(
            "norm",
            lambda x, p=p, **k: R.norm(x, p, **k),
            label=f"norm_p{label}",
            extra={"p": p},
            avoid=(0.0,),
            distinct=p in (math.inf, -math.inf),
            empty=p not in (math.inf, -math.inf),
        )
        for p, label in ((1, "1"), (3, "3"), (0, "0"), (math.inf, "inf"), (-math.inf, "-inf"))
    ],
    reduction(
        "max",
        lambda x, dim, keepdim=False: R.max_dim(x, dim, keepdim),
        label="max_dim",
        dims="int",
        empty=False,
        dtypes=ALL_NUM,
        distinct=True,
        out=VALUES_INDICES,
        op=lambda x, **k: tuple(tg.max(x, **k)),
        method=None,
        variants=(lambda x, **k: tuple(x.max(**k)),),
    ),
    reduction(
        "min",
        lambda x, dim, keepdim=False: R.min_dim(x, dim, keepdim),
        label="min_dim",
        dims="int",
        empty=False,
        dtypes=ALL_NUM,
        distinct=True,
        out=VALUES_INDICES,
        op=lambda x, **k: tuple(tg.min(x, **k)),
        method=None,
        variants=(lambda x, **k: tuple(x.min(**k)),),
    ),
    *[
        reduction(
            name,
            getattr(R, f"a{name}"),
            label=f"{name}_all",
            dims="none",
            empty=False,
            dtypes=ALL,
            distinct=True,
            op=lambda x, n=name: getattr(tg, n)(x),
        )
        for name in ("max", "min")
    ],
    reduction(
        "argmax",
        R.argmax,
        dims="int_or_none",
        empty=False,
        dtypes=ALL_NUM,
        distinct=True,
        out=LONG,
        differentiable=False,
    ),  # fmt: skip
    reduction(
        "argmin",
        R.argmin,
        dims="int_or_none",
        empty=False,
        dtypes=ALL_NUM,
        distinct=True,
        out=LONG,
        differentiable=False,
    ),  # fmt: skip
    # -- activations (nn.functional) --
    act("F.relu", R.relu, avoid=(0.0,), inplace_kw=True),
    act("leaky_relu", R.leaky_relu, avoid=(0.0,), inplace_kw=True),
    act("leaky_relu-slope0.2", R.leaky_relu, kwargs={"negative_slope": 0.2}, avoid=(0.0,)),
    act("elu", R.elu, avoid=(0.0,), inplace_kw=True),
    act("elu-alpha0.5", R.elu, kwargs={"alpha": 0.5}, avoid=(0.0,)),
    act("selu", R.selu, avoid=(0.0,), inplace_kw=True),
    act("celu", R.celu, avoid=(0.0,), requires=("nn.functional", "celu")),
    act(
        "gelu",
        R.gelu,
        xfail=[
            XFail("forward", "float32", 5, TORCH_GELU_INF, torch_only=True),
            XFail("noncontiguous", "float32", 5, TORCH_GELU_INF, torch_only=True),
        ]
        if _GELU_NAN_AT_INF
        else [],
    ),
    act("gelu-tanh", R.gelu, kwargs={"approximate": "tanh"}),
    act("silu", R.silu, inplace_kw=True),
    act("mish", R.mish, inplace_kw=True),
    act("softplus", R.softplus_beta),
    act("softplus-beta2", R.softplus_beta, kwargs={"beta": 2.0, "threshold": 1.0}, avoid=(0.5,)),
    act("softsign", R.softsign, requires=("nn.functional", "softsign")),
    act("hardtanh", R.hardtanh, avoid=(-1.0, 1.0), inplace_kw=True),
    act("hardtanh-bounds", R.hardtanh, kwargs={"min_val": -0.5, "max_val": 1.5}, avoid=(-0.5, 1.5)),
    act("relu6", R.relu6, avoid=(0.0, 6.0), domain=((-2.0, 7.0),), inplace_kw=True),
    act("logsigmoid", R.logsigmoid),
    act("F.sigmoid", R.sigmoid),
    act("F.tanh", R.tanh),
    act(
        "hardsigmoid",
        R.hardsigmoid,
        avoid=(-3.0, 3.0),
        domain=((-4.5, 4.5),),
        inplace_kw=True,
    ),
    act(
        "hardswish",
        R.hardswish,
        avoid=(-3.0, 3.0),
        domain=((-4.5, 4.5),),
        inplace_kw=True,
    ),
    *[
        OpInfo(
            name=name,
            op=lambda x, n=name, **k: getattr(tg.nn.functional, n)(x, **k),
            ref=getattr(R, name),
            sample_inputs=_softmax_samples,
            dtypes=FLOAT,
            out_dtype=SAME,
            method=name if name != "softmin" else None,
        )
        for name in ("softmax", "log_softmax", "softmin")
    ],
    OpInfo(
        name="tg.softmax",
        op=lambda x, **k: tg.softmax(x, **k),
        ref=R.softmax,
        sample_inputs=_softmax_samples,
        out_dtype=SAME,
        variants=(lambda x, **k: tg.log_softmax(x, **k).exp(),),
    ),
    OpInfo(
        name="prelu",
        op=lambda x, w: tg.nn.functional.prelu(x, w),
        ref=R.prelu,
        sample_inputs=_prelu_samples,
        out_dtype=SAME,
        avoid=(0.0,),
    ),
    OpInfo(
        name="maxout",
        op=lambda x, **k: tg.nn.functional.maxout(x, **k),
        ref=R.maxout,
        sample_inputs=_maxout_samples,
        out_dtype=SAME,
        distinct=True,
        tetragrad_only=True,
    ),
    OpInfo(
        name="normalize",
        op=lambda x, **k: tg.nn.functional.normalize(x, **k),
        ref=R.normalize,
        sample_inputs=_normalize_samples,
        out_dtype=SAME,
        avoid=(0.0,),
    ),
    OpInfo(
        name="cosine_similarity",
        op=lambda a, b, **k: tg.nn.functional.cosine_similarity(a, b, **k),
        ref=R.cosine_similarity,
        sample_inputs=_pair_samples(
            [
                ((3, 4), (3, 4), {}),
                ((3, 4), (1, 4), {"dim": -1}),
                ((2, 3, 2), (2, 3, 2), {"dim": 0}),
            ]
        ),  # fmt: skip
        out_dtype=SAME,
    ),
    OpInfo(
        name="pairwise_distance",
        op=lambda a, b, **k: tg.nn.functional.pairwise_distance(a, b, **k),
        ref=R.pairwise_distance,
        sample_inputs=_pair_samples(
            [
                ((3, 4), (3, 4), {}),
                ((3, 4), (4,), {"p": 1.0}),
                ((2, 3), (2, 3), {"keepdim": True, "p": 3.0}),
            ]
        ),  # fmt: skip
        out_dtype=SAME,
    ),
    OpInfo(
        name="one_hot",
        op=lambda t, **k: tg.nn.functional.one_hot(t, **k),
        ref=R.one_hot,
        sample_inputs=_one_hot_samples,
        dtypes=("int64",),
        out_dtype=LONG,
        differentiable=False,
    ),
    # -- linear algebra --
    OpInfo(
        name="matmul",
        op="matmul",
        ref=R.matmul,
        sample_inputs=_matmul_samples,
        dtypes=ALL_NUM,
        method="matmul",
        variants=(operator.matmul,),
        tol={"float32": (2e-5, 2e-6)},
    ),
    OpInfo(name="mm", op="mm", ref=R.mm, sample_inputs=_mm_samples, dtypes=ALL_NUM, method="mm"),
    OpInfo(
        name="bmm", op="bmm", ref=R.bmm, sample_inputs=_bmm_samples, dtypes=ALL_NUM, method="bmm"
    ),
    OpInfo(
        name="addmm",
        op=lambda c, a, b, **k: tg.addmm(c, a, b, **k),
        ref=R.addmm,
        sample_inputs=_addmm_samples,
        dtypes=ALL_NUM,
        method="addmm",
    ),
    OpInfo(
        name="dot", op="dot", ref=R.dot, sample_inputs=_dot_samples, dtypes=ALL_NUM, method="dot"
    ),
    OpInfo(name="mv", op="mv", ref=R.mv, sample_inputs=_mv_samples, dtypes=ALL_NUM, method="mv"),
    OpInfo(
        name="outer",
        op="outer",
        ref=R.outer,
        sample_inputs=_outer_samples,
        dtypes=ALL_NUM,
        method="outer",
        variants=(lambda a, b: tg.ger(a, b),),
    ),
    OpInfo(
        name="linear",
        op=lambda *a: tg.nn.functional.linear(*a),
        ref=R.linear,
        sample_inputs=_linear_samples,
        out_dtype=SAME,
    ),
    # -- linear algebra: products (einsum, tensordot, kron, cross, addmv / baddbmm / addbmm) --
    OpInfo(
        name="einsum",
        op=lambda eq, *ops: tg.einsum(eq, *ops),
        ref=R.einsum,
        sample_inputs=_einsum_samples,
        dtypes=ALL_NUM,
        variants=(lambda eq, *ops: tg.einsum(eq, list(ops)),),  # the list form
        tol={"float32": (2e-5, 2e-6)},
        requires=("tg", "einsum"),
    ),
    OpInfo(
        name="tensordot",
        op=lambda a, b, **k: tg.tensordot(a, b, **k),
        ref=R.tensordot,
        sample_inputs=_tensordot_samples,
        dtypes=ALL_NUM,
        tol={"float32": (2e-5, 2e-6)},
        requires=("tg", "tensordot"),
    ),
    OpInfo(
        name="kron",
        op="kron",
        ref=R.kron,
        sample_inputs=_kron_samples,
        dtypes=ALL_NUM,
        method="kron",
        requires=(("tg", "kron"), ("Tensor", "kron")),
    ),
    OpInfo(
        name="cross",
        op=lambda a, b, **k: tg.cross(a, b, **k),
        ref=R.cross,
        sample_inputs=_cross_samples(linalg=False),
        dtypes=ALL_NUM,
        method="cross",
        requires=(("tg", "cross"), ("Tensor", "cross")),
    ),
    OpInfo(
        name="cross_default_dim",  # dim=None: the first dim of size 3
        op=_cross_default_dim,
        ref=R.cross,
        sample_inputs=_cross_default_dim_samples,
        dtypes=ALL_NUM,
        requires=("tg", "cross"),
    ),
    OpInfo(
        name="linalg.cross",
        op="linalg.cross",
        ref=R.linalg_cross,
        sample_inputs=_cross_samples(linalg=True),
        dtypes=ALL_NUM,
        requires=("linalg", "cross"),
    ),
    *[
        OpInfo(
            name=name,
            op=lambda *a, _n=name, **k: getattr(tg, _n)(*a, **k),
            ref=getattr(R, name),
            sample_inputs=gen,
            dtypes=ALL_NUM,
            method=name,
            tol={"float32": (2e-5, 2e-6)},
            requires=(("tg", name), ("Tensor", name)),
        )
        for name, gen in (("addmv", _ADDMV), ("baddbmm", _BADDBMM), ("addbmm", _ADDBMM))
    ],
    OpInfo(
        name="cdist",
        op=lambda a, b, **k: tg.cdist(a, b, **k),
        ref=R.cdist,
        sample_inputs=_cdist_samples([2.0, 1.0, 3.0, math.inf]),
        tol={"float32": (1e-4, 1e-5)},
        requires=("tg", "cdist"),
    ),
    OpInfo(
        name="cdist_p0",  # the count of differing coordinates: piecewise constant
        op=lambda a, b, **k: tg.cdist(a, b, **k),
        ref=R.cdist,
        sample_inputs=_cdist_p0_samples,
        differentiable=False,
        requires=("tg", "cdist"),
    ),
    # -- linear algebra: norms --
    OpInfo(
        name="linalg.vector_norm",
        op="linalg.vector_norm",
        ref=R.vector_norm,
        sample_inputs=_vector_norm_samples,
        tol={"float32": (2e-5, 2e-6)},
        requires=("linalg", "vector_norm"),
    ),
    OpInfo(
        name="linalg.vector_norm_ord0",  # the count of non-zeros: piecewise constant
        op="linalg.vector_norm",
        ref=R.vector_norm,
        sample_inputs=_vector_norm_ord0_samples,
        differentiable=False,
        requires=("linalg", "vector_norm"),
    ),
    OpInfo(
        name="linalg.matrix_norm",
        op="linalg.matrix_norm",
        ref=R.matrix_norm,
        sample_inputs=_matrix_norm_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "matrix_norm"),
    ),
    OpInfo(
        name="linalg.norm",
        op="linalg.norm",
        ref=R.linalg_norm,
        sample_inputs=_linalg_norm_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "norm"),
    ),
    # -- linear algebra: inverses, determinants, solves --
    OpInfo(
        name="linalg.inv",
        op="linalg.inv",
        ref=R.inv,
        sample_inputs=_square_samples(),
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "inv"),
    ),
    OpInfo(
        name="inverse",  # the top-level alias and the method
        op="inverse",
        ref=R.inv,
        sample_inputs=_square_samples(shapes=[(3, 3), (2, 4, 4)]),
        tol={"float32": (1e-4, 1e-5)},
        method="inverse",
        requires=(("tg", "inverse"), ("Tensor", "inverse")),
    ),
    OpInfo(
        name="linalg.det",
        op="linalg.det",
        ref=R.det,
        sample_inputs=_square_samples(),
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "det"),
    ),
    OpInfo(
        name="det",
        op="det",
        ref=R.det,
        sample_inputs=_square_samples(shapes=[(3, 3), (2, 4, 4)]),
        tol={"float32": (1e-4, 1e-5)},
        method="det",
        requires=(("tg", "det"), ("Tensor", "det")),
    ),
    OpInfo(
        name="logdet",  # torch.logdet (no linalg spelling); positive determinants
        op="logdet",
        ref=R.logdet,
        sample_inputs=_square_samples(signs=False),
        tol={"float32": (1e-4, 1e-5)},
        method="logdet",
        requires=(("tg", "logdet"), ("Tensor", "logdet")),
    ),
    OpInfo(
        name="linalg.slogdet",  # (sign, logabsdet)
        op=lambda a: tuple(tg.linalg.slogdet(a)),
        ref=R.slogdet,
        sample_inputs=_square_samples(),
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "slogdet"),
    ),
    OpInfo(
        name="slogdet",
        op=lambda a: tuple(tg.slogdet(a)),
        ref=R.slogdet,
        sample_inputs=_square_samples(shapes=[(3, 3), (2, 4, 4)]),
        tol={"float32": (1e-4, 1e-5)},
        variants=(lambda a: tuple(a.slogdet()),),
        requires=(("tg", "slogdet"), ("Tensor", "slogdet")),
    ),
    OpInfo(
        name="linalg.solve",
        op="linalg.solve",
        ref=R.solve,
        sample_inputs=_solve_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "solve"),
    ),
    OpInfo(
        name="linalg.solve_triangular",
        op=lambda a, b, **k: tg.linalg.solve_triangular(a, b, **k),
        ref=R.solve_triangular,
        sample_inputs=_solve_triangular_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "solve_triangular"),
    ),
    OpInfo(
        name="linalg.cholesky",  # of X X^T + n I (the wrapper makes any X's input SPD)
        op=lambda x, **k: tg.linalg.cholesky(_tg_spd(x), **k),
        ref=lambda x, **k: R.cholesky(R.spd(x), **k),
        sample_inputs=_cholesky_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "cholesky"),
    ),
    OpInfo(
        name="linalg.lstsq",  # the solution (the default driver's other fields: test_linalg.py)
        op=lambda a, b: tg.linalg.lstsq(a, b).solution,
        ref=R.lstsq_solution,
        sample_inputs=_lstsq_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "lstsq"),
    ),
    OpInfo(
        name="linalg.pinv",
        op="linalg.pinv",
        ref=R.pinv,
        sample_inputs=_rect_samples(),
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "pinv"),
    ),
    OpInfo(
        name="pinverse",
        op="pinverse",
        ref=R.pinv,
        sample_inputs=_rect_samples(_each([(5, 3), (2, 3, 4)])),
        tol={"float32": (1e-4, 1e-5)},
        method="pinverse",
        requires=(("tg", "pinverse"), ("Tensor", "pinverse")),
    ),
    OpInfo(
        name="linalg.matrix_power",
        op="linalg.matrix_power",
        ref=R.matrix_power,
        sample_inputs=_matrix_power_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "matrix_power"),
    ),
    OpInfo(
        name="matrix_power",
        op="matrix_power",
        ref=R.matrix_power,
        sample_inputs=_matrix_power_samples,
        tol={"float32": (1e-4, 1e-5)},
        method="matrix_power",
        requires=(("tg", "matrix_power"), ("Tensor", "matrix_power")),
    ),
    OpInfo(
        name="linalg.multi_dot",
        op=lambda *ts: tg.linalg.multi_dot(list(ts)),
        ref=R.multi_dot,
        sample_inputs=_multi_dot_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "multi_dot"),
    ),
    OpInfo(
        name="linalg.vecdot",
        op="linalg.vecdot",
        ref=R.vecdot,
        sample_inputs=_vecdot_samples,
        requires=("linalg", "vecdot"),
    ),
    OpInfo(
        name="linalg.matrix_rank",
        op="linalg.matrix_rank",
        ref=R.matrix_rank,
        sample_inputs=_matrix_rank_samples,
        differentiable=False,
        out_dtype=lambda s, d: "int64",
        requires=("linalg", "matrix_rank"),
    ),
    # -- linear algebra: decompositions (sign-free outputs: the _tg_* wrappers) --
    OpInfo(
        name="linalg.qr",
        op=_tg_qr_fixed,
        ref=R.qr_fixed,
        sample_inputs=_rect_samples(
            _each(RECT_SHAPES) + _each([(3, 5), (4, 4), (1, 1)], {"mode": "complete"})
        ),
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "qr"),
    ),
    OpInfo(
        name="linalg.qr_forward",  # mode='r' and mode='complete' on a tall A: not differentiable
        op=_tg_qr_fixed,
        ref=R.qr_fixed,
        sample_inputs=_rect_samples(
            _each([(5, 3), (2, 4, 3), (3, 5), (4, 4), (0, 3, 2)], {"mode": "r"})
            + _each([(5, 3), (2, 4, 3), (0, 3, 2)], {"mode": "complete"})
        ),
        differentiable=False,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "qr"),
    ),
    OpInfo(
        name="linalg.svd",
        op=_tg_svd_invariants,
        ref=R.svd_invariants,
        sample_inputs=_rect_samples(_each(RECT_SHAPES, {}, {"full_matrices": False})),
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "svd"),
    ),
    OpInfo(
        name="linalg.svd_orthonormal",  # U^T U, Vh Vh^T (full_matrices: m x m and n x n), S
        op=_tg_svd_orthonormal,
        ref=R.svd_full_orthonormal,
        sample_inputs=_rect_samples(_each(RECT_SHAPES, {}, {"full_matrices": False})),
        differentiable=False,  # the extra columns of a full U are not a function of A
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "svd"),
    ),
    OpInfo(
        name="linalg.svdvals",
        op="linalg.svdvals",
        ref=R.svdvals,
        sample_inputs=_rect_samples(),
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "svdvals"),
    ),
    # the legacy top-level spellings: torch.cholesky(A, upper=False), torch.qr(A, some=True)
    # (some=False: mode 'complete'), torch.svd(A, some=True) (reduced by default; V, not Vh)
    OpInfo(
        name="cholesky",
        op=lambda x, **k: _quiet(tg.cholesky, _tg_spd(x), **k),
        ref=lambda x, **k: R.cholesky(R.spd(x), **k),
        sample_inputs=_cholesky_samples,
        tol={"float32": (1e-4, 1e-5)},
        variants=(lambda x, **k: _quiet(_tg_spd(x).cholesky, **k),),
        requires=(("tg", "cholesky"), ("Tensor", "cholesky")),
    ),
    OpInfo(
        name="qr",
        op=lambda a, **k: _qr_legacy(_quiet(tg.qr, a, **k), a, **k),
        ref=lambda a, some=True: R.qr_fixed(a, "reduced" if some else "complete"),
        sample_inputs=_rect_samples(
            _each([(5, 3), (4, 4), (3, 5), (2, 4, 3)]) + _each([(4, 4), (3, 5)], {"some": False})
        ),
        tol={"float32": (1e-4, 1e-5)},
        variants=(lambda a, **k: _qr_legacy(_quiet(a.qr, **k), a, **k),),
        requires=(("tg", "qr"), ("Tensor", "qr")),
    ),
    OpInfo(
        name="svd",
        op=lambda a, **k: _svd_legacy(tg.svd(a, **k), a),
        ref=lambda a, some=True: R.svd_invariants(a, full_matrices=not some),
        sample_inputs=_rect_samples(
            _each([(5, 3), (3, 5), (2, 4, 4), (0, 3, 2)], {}, {"some": False})
        ),
        tol={"float32": (1e-4, 1e-5)},
        variants=(lambda a, **k: _svd_legacy(a.svd(**k), a),),
        requires=(("tg", "svd"), ("Tensor", "svd")),
    ),
    OpInfo(
        name="linalg.eigh",  # of (A + A^T) / 2
        op=lambda a, **k: _tg_eigh_invariants(_tg_sym(a), **k),
        ref=lambda a, **k: R.eigh_invariants(R.symmetrize(a), **k),
        sample_inputs=_eigh_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "eigh"),
    ),
    OpInfo(
        name="linalg.eigvalsh",  # of (A + A^T) / 2
        op=lambda a, **k: tg.linalg.eigvalsh(_tg_sym(a), **k),
        ref=lambda a, **k: R.eigvalsh(R.symmetrize(a), **k),
        sample_inputs=_eigh_samples,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "eigvalsh"),
    ),
    OpInfo(
        name="linalg.eigh_triangle",  # a non-symmetric A: only the UPLO triangle is read
        op=_tg_eigh_invariants,
        ref=R.eigh_invariants,
        sample_inputs=_eigh_triangle_samples,
        differentiable=False,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "eigh"),
    ),
    OpInfo(
        name="linalg.eigvalsh_triangle",
        op="linalg.eigvalsh",
        ref=R.eigvalsh,
        sample_inputs=_eigh_triangle_samples,
        differentiable=False,
        tol={"float32": (1e-4, 1e-5)},
        requires=("linalg", "eigvalsh"),
    ),
    # -- scans and orderings --
    *[
        OpInfo(
            name=name,
            op=name,
            ref=getattr(R, name),
            sample_inputs=_cumprod_samples if name == "cumprod" else _dim_samples(),
            dtypes=ALL,
            out_dtype=INT_SUM,
            method=name,
            tol={"float32": (1e-4, 1e-5)},
        )
        for name in ("cumsum", "cumprod")
    ],
    OpInfo(
        name="cumsum_dtype",
        op="cumsum",
        ref=R.cumsum,
        sample_inputs=_dim_samples({"dtype": tg.float64}),
        dtypes=ALL,
        out_dtype=lambda s, d: "float64",
        method="cumsum",
    ),
    OpInfo(
        name="logcumsumexp",
        op="logcumsumexp",
        ref=R.logcumsumexp,
        sample_inputs=_dim_samples(),
        method="logcumsumexp",
    ),
    *[
        OpInfo(
            name=name,
            op=lambda x, _n=name, **k: tuple(getattr(tg, _n)(x, **k)),
            ref=getattr(R, name),
            sample_inputs=_dim_samples(),
            dtypes=ALL,
            distinct=True,
            out_dtype=VALUES_INDICES,
            variants=(lambda x, _n=name, **k: tuple(getattr(x, _n)(**k)),),
        )
        for name in ("cummax", "cummin")
    ],
    *[
        OpInfo(
            name=f"sort{label}",
            op=lambda x, **k: tuple(tg.sort(x, **k)),
            ref=R.sort,
            sample_inputs=_dim_samples(extra),
            dtypes=ALL,
            distinct=True,
            out_dtype=VALUES_INDICES,
            variants=(lambda x, **k: tuple(x.sort(**k)),),
        )
        # stable=True: bool rows tie (torch's default order among ties is unspecified)
        for label, extra in (
            ("", {"stable": True}),
            ("_descending", {"descending": True, "stable": True}),
        )
    ],
    OpInfo(
        name="argsort",
        op="argsort",
        ref=R.argsort,
        sample_inputs=_dim_samples({"descending": True, "stable": True}),
        dtypes=ALL,
        distinct=True,
        differentiable=False,
        out_dtype=LONG,
        method="argsort",
    ),
    *[
        OpInfo(
            name=f"topk{label}",
            op=lambda x, **k: tuple(tg.topk(x, **k)),
            ref=R.topk,
            sample_inputs=_dim_samples(extra, k_of=lambda D: min(D, 3)),
            dtypes=ALL_NUM,
            distinct=True,
            out_dtype=VALUES_INDICES,
            variants=(lambda x, **k: tuple(x.topk(**k)),),
        )
        for label, extra in (("", {}), ("_smallest", {"largest": False}))
    ],
    OpInfo(
        name="topk_all",  # k = D: the partial-sort path
        op=lambda x, **k: tuple(tg.topk(x, **k)),
        ref=R.topk,
        sample_inputs=_dim_samples(k_of=lambda D: D),
        dtypes=ALL_NUM,
        distinct=True,
        out_dtype=VALUES_INDICES,
    ),
    OpInfo(
        name="mode",  # small integers: ties, so not gradchecked (a step breaks a tie)
        op=lambda x, **k: tuple(tg.mode(x, **k)),
        ref=R.mode,
        sample_inputs=(
            lambda op, dtype: (s for s in _dim_samples({"keepdim": True})(op, dtype) if not s.big)
        ),
        dtypes=ALL_NUM,
        integer_valued=True,
        differentiable=False,
        out_dtype=VALUES_INDICES,
        variants=(lambda x, **k: tuple(x.mode(**k)),),
    ),
    OpInfo(
        name="mode_distinct",  # no repeats: the smallest value, its gradient to that one
        op=lambda x, **k: tuple(tg.mode(x, **k)),
        ref=R.mode,
        sample_inputs=(
            lambda op, dtype: (
                s
                for s in _dim_samples()(op, dtype)
                if not s.big and not s.special and 0 not in s.args[0].shape
            )
        ),
        dtypes=FLOAT,
        distinct=True,
        out_dtype=VALUES_INDICES,
    ),
    OpInfo(
        name="kthvalue",
        op=lambda x, **k: tuple(tg.kthvalue(x, **k)),
        ref=R.kthvalue,
        sample_inputs=_dim_samples({"keepdim": True}, k_of=lambda D: max(1, (D + 1) // 2)),
        dtypes=ALL_NUM,
        distinct=True,
        out_dtype=VALUES_INDICES,
        variants=(lambda x, **k: tuple(x.kthvalue(**k)),),
    ),
    *[
        OpInfo(
            name=f"{name}_dim",
            op=lambda x, _n=name, **k: tuple(getattr(tg, _n)(x, **k)),
            ref=getattr(R, name),
            sample_inputs=(
                lambda op, dtype: (s for s in _dim_samples()(op, dtype) if 0 not in s.args[0].shape)
            ),
            dtypes=ALL_NUM,
            distinct=True,
            out_dtype=VALUES_INDICES,
            variants=(lambda x, _n=name, **k: tuple(getattr(x, _n)(**k)),),
        )
        for name in ("median", "nanmedian")
    ],
    *[
        reduction(name, getattr(R, name), dims="none", empty=False, dtypes=ALL_NUM, distinct=True)
        for name in ("median", "nanmedian")
    ],
    # -- losses (nn.functional) --
    loss("mse_loss", R.mse_loss, gen=_pointwise_loss_samples()),
    loss("l1_loss", R.l1_loss, gen=_pointwise_loss_samples()),
    loss("smooth_l1_loss", R.smooth_l1_loss, gen=_smooth_l1_samples("beta", [1.0, 0.5, 2.0, 0.0])),
    loss("huber_loss", R.huber_loss, gen=_smooth_l1_samples("delta", [1.0, 0.5, 2.0, 0.3])),
    loss("binary_cross_entropy", R.binary_cross_entropy, gen=_bce_samples(logits=False)),
    loss(
        "binary_cross_entropy_with_logits",
        R.binary_cross_entropy_with_logits,
        gen=_bce_samples(logits=True),
    ),
    loss("cross_entropy", R.cross_entropy, gen=_nll_like_samples(probs_target=True)),
    loss("nll_loss", R.nll_loss, gen=_nll_like_samples(probs_target=False)),
    loss("kl_div", R.kl_div, gen=_kl_samples),
    # -- shape and layout (re-arrangements: every dtype, the input's dtype out) --
    OpInfo(
        name="flip",
        op="flip",
        ref=R.flip,
        sample_inputs=_cases(FLIP_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="flip",
        variants=(lambda x, dims: x.flip(*dims) if dims else x.flip(dims),),  # x.flip(0, 1)
    ),
    *[
        OpInfo(
            name=name,
            op=name,
            ref=getattr(R, name),
            sample_inputs=_cases([(s, (), {}) for s in FLIP2_SHAPES[name]]),
            dtypes=ALL,
            out_dtype=SAME,
            method=name,
        )
        for name in ("fliplr", "flipud")
    ],
    OpInfo(
        name="roll",
        op="roll",
        ref=R.roll,
        sample_inputs=_cases(ROLL_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="roll",
    ),
    *[
        OpInfo(
            name=name,
            op=name,
            ref=getattr(R, name),
            sample_inputs=_cases(TRI_CASES),
            dtypes=ALL,
            out_dtype=SAME,
            method=name,
            inplace=f"{name}_",
        )
        for name in ("tril", "triu")
    ],
    *[
        OpInfo(  # creation: no tensor argument (forward only)
            name=name,
            op=name,
            ref=getattr(R, name),
            sample_inputs=_indices_samples,
            dtypes=("int64",),
            out_dtype=LONG,
            differentiable=False,
        )
        for name in ("tril_indices", "triu_indices")
    ],
    OpInfo(
        name="diagonal",
        op="diagonal",
        ref=R.diagonal,
        sample_inputs=_cases(DIAGONAL_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="diagonal",
    ),
    OpInfo(
        name="diag",
        op="diag",
        ref=R.diag,
        sample_inputs=_cases(DIAG_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="diag",
    ),
    OpInfo(
        name="diag_embed",
        op="diag_embed",
        ref=R.diag_embed,
        sample_inputs=_cases(DIAG_EMBED_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="diag_embed",
    ),
    OpInfo(
        name="trace",  # torch has no bool trace ("not implemented for 'Bool'")
        op="trace",
        ref=R.trace,
        sample_inputs=_cases(TRACE_CASES),
        dtypes=ALL_NUM,
        out_dtype=INT_SUM,
        method="trace",
    ),
    OpInfo(
        name="repeat",  # a method only; requires tile (they land together)
        op=lambda x, *sizes: x.repeat(*sizes),
        ref=R.repeat,
        sample_inputs=_cases(REPEAT_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        variants=(lambda x, *sizes: x.repeat(sizes),),  # x.repeat((2, 3))
    ),
    OpInfo(
        name="tile",
        op="tile",
        ref=R.tile,
        sample_inputs=_cases(TILE_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="tile",
    ),
    OpInfo(
        name="repeat_interleave",
        op="repeat_interleave",
        ref=R.repeat_interleave,
        sample_inputs=_repeat_interleave_samples,
        dtypes=ALL,
        out_dtype=SAME,
        method="repeat_interleave",
    ),
    OpInfo(
        # Tensor.unfold is a method only (tg.nn.functional.unfold is im2col, another op); the
        # registry's `requires` names tg attributes, so it is guarded by tril (same batch)
        name="unfold",
        op=lambda x, *a: x.unfold(*a),
        ref=R.unfold,
        sample_inputs=_cases(UNFOLD_CASES),
        dtypes=ALL,
        out_dtype=SAME,
    ),
    *[
        OpInfo(
            name=name,
            op=name,
            ref=R.movedim,
            sample_inputs=_cases(MOVEDIM_CASES),
            dtypes=ALL,
            out_dtype=SAME,
            method=name,
        )
        for name in ("movedim", "moveaxis")
    ],
    OpInfo(
        name="swapdims",
        op="swapdims",
        ref=R.swapdims,
        sample_inputs=_cases(SWAPDIMS_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="swapdims",
    ),
    OpInfo(
        name="broadcast_to",
        op="broadcast_to",
        ref=R.broadcast_to,
        sample_inputs=_cases(BROADCAST_TO_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        method="broadcast_to",
    ),
    OpInfo(
        name="broadcast_tensors",  # a tuple; each output keeps its input's dtype
        op=lambda *ts: tuple(tg.broadcast_tensors(*ts)),
        ref=R.broadcast_tensors,
        sample_inputs=_broadcast_tensors_samples,
        dtypes=ALL,
        out_dtype=lambda s, d: tuple(result_type(a) for a in s.args),
    ),
    OpInfo(
        name="broadcast_tensors_mixed",  # (torch's gradcheck cannot take the bool output)
        op=lambda *ts: tuple(tg.broadcast_tensors(*ts)),
        ref=R.broadcast_tensors,
        sample_inputs=_broadcast_mixed_samples,
        dtypes=FLOAT,
        out_dtype=lambda s, d: tuple(result_type(a) for a in s.args),
        differentiable=False,
    ),
    OpInfo(
        name="meshgrid",
        op=lambda *ts, **k: tuple(tg.meshgrid(*ts, **k)),
        ref=R.meshgrid,
        sample_inputs=_meshgrid_samples,
        dtypes=ALL,
        out_dtype=lambda s, d: tuple(result_type(a) for a in s.args),
        variants=(lambda *ts, **k: tuple(tg.meshgrid(list(ts), **k)),),  # one list argument
    ),
    *[
        OpInfo(
            name=name,
            op=lambda *ts, _n=name: getattr(tg, _n)(list(ts)),
            ref=lambda *xs, _n=name: getattr(R, "vstack" if _n == "row_stack" else _n)(xs),
            sample_inputs=_seq_samples(cases),
            dtypes=ALL,
            out_dtype=SAME,
            variants=(lambda *ts, _n=name: getattr(tg, _n)(ts),),  # a tuple argument
        )
        for name, cases in STACK_CASES.items()
    ],
    *[
        OpInfo(
            name=name,
            op=name,
            ref=getattr(R, name),
            sample_inputs=_cases([(s, (), {}) for s in ATLEAST_SHAPES]),
            dtypes=ALL,
            out_dtype=SAME,
        )
        for name in ("atleast_1d", "atleast_2d", "atleast_3d")
    ],
    OpInfo(
        name="tensor_split",  # a tuple of views
        op=lambda x, *a, **k: tuple(tg.tensor_split(x, *a, **k)),
        ref=R.tensor_split,
        sample_inputs=_cases(TENSOR_SPLIT_CASES),
        dtypes=ALL,
        out_dtype=SAME,
        variants=(lambda x, *a, **k: tuple(x.tensor_split(*a, **k)),),
    ),
    OpInfo(
        name="sum_to_size",  # a method only; requires broadcast_to (its inverse, same batch)
        op=lambda x, *size: x.sum_to_size(*size),
        ref=R.sum_to_size,
        sample_inputs=_cases(SUM_TO_SIZE_CASES),
        dtypes=ALL,
        out_dtype=_sum_to_size_out,
        variants=(lambda x, *size: x.sum_to_size(_size_arg(size)),),  # one tuple argument
    ),
    # -- in-place view ops (methods only, they return self): on a clone, so the registry checks
    # values, gradients through them and every layout; tests/test_shape_inplace_views.py checks
    # `is x`, the shape of x itself and autograd through a non-leaf. Guarded by swapdims (same
    # batch: the registry's `requires` names tg attributes only).
    *[
        OpInfo(
            name=f"{name}_",
            op=lambda x, *a, _n=name, **k: getattr(x.clone(), f"{_n}_")(*a, **k),
            ref=getattr(R, name),
            sample_inputs=_cases(cases),
            dtypes=ALL,
            out_dtype=SAME,
            variants=(lambda x, *a, _n=name, **k: getattr(x, _n)(*a, **k),),  # the out-of-place
        )
        for name, cases in (
            ("squeeze", SQUEEZE_CASES),
            ("unsqueeze", UNSQUEEZE_CASES),
            ("t", T_CASES),
            ("transpose", TRANSPOSE_CASES),
        )
    ],
    # -- indexing: take, scatter, index_fill / index_copy, masked_scatter --
    OpInfo(
        name="take",
        op="take",
        ref=R.take,
        sample_inputs=_take_samples,
        dtypes=ALL,
        out_dtype=SAME,
        method="take",
    ),
    OpInfo(
        name="take_along_dim",
        op="take_along_dim",
        ref=R.take_along_dim,
        sample_inputs=_take_along_dim_samples,
        dtypes=ALL,
        out_dtype=SAME,
        method="take_along_dim",
    ),
    OpInfo(
        name="scatter",
        op="scatter",
        ref=R.scatter,
        sample_inputs=_scatter_samples,
        dtypes=ALL,
        out_dtype=SAME,
        method="scatter",
        xfail=_src_larger_xfails(0),
    ),
    OpInfo(
        # torch: "derivative for aten::scatter is not implemented" with reduce= (src or value);
        # src with reduce= warns (deprecated for scatter_reduce)
        name="scatter-reduce_kw",
        op="scatter",
        ref=R.scatter,
        sample_inputs=_scatter_kw_reduce_samples,
        dtypes=ALL,
        out_dtype=SAME,
        differentiable=False,
        method="scatter",
    ),
    *[
        OpInfo(
            name=f"scatter_reduce-{red}",
            op="scatter_reduce",
            ref=R.scatter_reduce,
            sample_inputs=_scatter_reduce_samples_for(red),
            # torch: no bool mean ("not implemented for 'Bool'"); int64 mean floor-divides
            dtypes=ALL_NUM if red == "mean" else ALL,
            out_dtype=SAME,
            method="scatter_reduce",
            # amax/amin: no ties (the gradient splits among them); prod: no zeros
            distinct=red in ("amax", "amin"),
            domain=((0.5, 2.5), None, None, (0.5, 2.5)) if red == "prod" else (),
            xfail=_src_larger_xfails(3),
        )
        for red in ("sum", "prod", "mean", "amax", "amin")
    ],
    OpInfo(
        name="index_fill",
        op="index_fill",
        ref=R.index_fill,
        sample_inputs=_index_fill_samples,
        dtypes=ALL,
        out_dtype=SAME,
        method="index_fill",
    ),
    OpInfo(
        name="index_copy",
        op="index_copy",
        ref=R.index_copy,
        sample_inputs=_index_copy_samples,
        dtypes=ALL,
        out_dtype=SAME,
        method="index_copy",
    ),
    OpInfo(
        name="masked_scatter",
        op="masked_scatter",
        ref=R.masked_scatter,
        sample_inputs=_masked_scatter_samples,
        dtypes=ALL,
        out_dtype=SAME,
        method="masked_scatter",
    ),
    # -- NaN-ignoring reductions, counting, bucketing, uniques, quantiles --
    reduction("nansum", R.nansum, dtypes=ALL, out=INT_SUM, sample_inputs=_nanred_samples()),
    reduction(
        "nansum",
        R.nansum,
        label="nansum_dtype",
        dtypes=ALL,
        out=lambda s, d: "float64",
        sample_inputs=_nanred_samples({"dtype": tg.float64}),
    ),
    reduction("nanmean", R.nanmean, sample_inputs=_nanred_samples()),
    OpInfo(
        name="aminmax",
        op=lambda x, **k: tuple(tg.aminmax(x, **k)),
        ref=R.aminmax,
        sample_inputs=_aminmax_samples,
        dtypes=ALL,
        distinct=True,
        out_dtype=lambda s, d: (result_type(s.args[0]),) * 2,
        variants=(lambda x, **k: tuple(x.aminmax(**k)),),
    ),
    OpInfo(
        name="bincount",  # dtypes: the weights' (the input is int64)
        op="bincount",
        ref=R.bincount,
        sample_inputs=_bincount_samples,
        dtypes=ALL,
        out_dtype=_bincount_out,
        differentiable=False,
        method="bincount",
    ),
    OpInfo(
        name="histc",
        op="histc",
        ref=R.histc,
        sample_inputs=_histc_samples,
        out_dtype=SAME,
        differentiable=False,
        method="histc",
    ),
    OpInfo(
        name="bucketize",  # no Tensor method in torch
        op="bucketize",
        ref=R.bucketize,
        sample_inputs=_bucketize_samples,
        dtypes=ALL_NUM,
        out_dtype=POSITIONS,
        differentiable=False,
    ),
    OpInfo(
        name="searchsorted",  # no Tensor method in torch
        op="searchsorted",
        ref=R.searchsorted,
        sample_inputs=_searchsorted_samples,
        dtypes=ALL_NUM,
        out_dtype=POSITIONS,
        differentiable=False,
    ),
    OpInfo(
        name="unique",
        op="unique",
        ref=R.unique,
        sample_inputs=_unique_samples(_small_values),
        dtypes=ALL,
        out_dtype=_unique_out,
        differentiable=False,
        method="unique",
    ),
    OpInfo(
        name="unique_dim",
        op="unique",
        ref=R.unique,
        sample_inputs=_unique_dim_samples,
        dtypes=ALL,
        out_dtype=_unique_out,
        differentiable=False,
        method="unique",
    ),
    OpInfo(
        name="unique_consecutive_dim",
        op="unique_consecutive",
        ref=R.unique_consecutive,
        sample_inputs=_unique_dim_samples,
        dtypes=ALL,
        out_dtype=_unique_out,
        differentiable=False,
        method="unique_consecutive",
    ),
    OpInfo(
        name="unique_consecutive",
        op="unique_consecutive",
        ref=R.unique_consecutive,
        sample_inputs=_unique_samples(_runs_values),
        dtypes=ALL,
        out_dtype=_unique_out,
        differentiable=False,
        method="unique_consecutive",
    ),
    *[
        OpInfo(
            name=name,
            op=name,
            ref=getattr(R, name),
            sample_inputs=_quantile_samples,
            out_dtype=SAME,
            distinct=True,  # no ties: the gradient goes to the sorted neighbours
            method=name,
        )
        for name in ("quantile", "nanquantile")
    ],
]

# Rows computed through an iterative decomposition (see OpInfo.backend_ulps).
ITERATIVE_ULPS = 512
for _op in OPS:
    if any(
        k in _op.name
        for k in ("qr", "svd", "eigh", "eigvalsh", "pinv", "lstsq", "matrix_norm", "linalg.norm")
    ):
        _op.backend_ulps = ITERATIVE_ULPS


def by_name(name):
    return next(op for op in OPS if op.name == name)


# ---- torch's gradient at kinks and ties (test_grad_at_kinks) ------------------------------------
# gradcheck cannot see these (central differences straddle the kink); each is torch's convention,
# which the torch self-check mode confirms. An entry may give ``kinks=`` itself; these are set here
# to keep the conventions side by side.


def _where(c, a, b):
    return np.where(c, a, b).astype(np.float64)


def _pair_ties(gt):
    """maximum/minimum at ties: half the gradient to each operand."""

    def gen(op, dtype):
        a = np.array([1.0, 2.0, -3.0, 0.5, 0.0])
        b = np.array([1.0, 1.0, -3.0, 4.0, -0.0])
        wins = a > b if gt else a < b
        ga = _where(a == b, 0.5, _where(wins, 1.0, 0.0))
        yield Kink(SampleInput((a.astype(NP_OF[dtype]), b.astype(NP_OF[dtype]))), (ga, 1.0 - ga))

    return gen


def _zero_norm_kinks(op, dtype):
    """The norm of a zero vector: gradient 0 (torch masks the 0 / 0), rows of zeros and not."""
    x = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, -4.0]])
    p = 2.0 if op.name == "norm" else float(op.name.removeprefix("norm_p"))
    kw = {"dim": 1, **({"p": p} if op.name != "norm" else {})}
    n = R.norm(x, p, 1, keepdim=True)
    with np.errstate(all="ignore"):
        g = np.where(n > 0, np.sign(x) * np.abs(x) ** (p - 1) / n ** (p - 1), 0.0)
    yield Kink(SampleInput((x.astype(NP_OF[dtype]),), kw), (g,))


def _prelu_kinks(op, dtype):
    x = np.array([[0.0, 1.0, -1.0], [-0.0, 2.0, -3.0]])
    w = np.array([0.25])
    gx = _where(x > 0, 1.0, 0.25)
    gw = np.array([np.sum(np.where(x > 0, 0.0, x))])
    yield Kink(SampleInput((x.astype(NP_OF[dtype]), w.astype(NP_OF[dtype]))), (gx, gw))


def _l1_kinks(op, dtype):
    x, t = np.array([1.0, 2.0, -1.0, 0.5]), np.array([1.0, 1.0, 0.0, 0.5])
    g = np.sign(x - t)  # 0 where input == target
    yield Kink(
        SampleInput((x.astype(NP_OF[dtype]), t.astype(NP_OF[dtype])), {"reduction": "sum"}), (g, -g)
    )


def _std_const_kinks(op, dtype):
    """std of a constant row: 0, and its gradient 0 (torch masks the 0 / 0)."""
    x = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    m = x.mean(1, keepdims=True)
    s = x.std(1, ddof=1, keepdims=True)
    with np.errstate(all="ignore"):
        g = (x - m) / (s * 2)
    g[0] = 0.0
    yield Kink(SampleInput((x.astype(NP_OF[dtype]),), {"dim": 1}), (g,))


def _pair_points(a, b, grads):
    """A binary op at the points (a, b) and torch's gradients there: grads(a, b) -> (ga, gb)
    (float64 NumPy)."""

    def gen(op, dtype):
        x, y = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
        with np.errstate(all="ignore"):
            g = tuple(np.broadcast_to(v, x.shape).astype(np.float64) for v in grads(x, y))
        yield Kink(SampleInput((x.astype(NP_OF[dtype]), y.astype(NP_OF[dtype]))), g)

    return gen


def _atan2_grads(a, b):
    """b / r and -a / r (r = a^2 + b^2); torch gives 0 at the origin (not 0 / 0)."""
    r = a * a + b * b
    return _where(r == 0, 0.0, b / r), _where(r == 0, 0.0, -a / r)


def _logaddexp_grads(a, b, two=False):
    out = R.logaddexp2(a, b) if two else R.logaddexp(a, b)
    e = np.exp2 if two else np.exp
    return e(a - out), e(b - out)  # NaN at two equal infinities, as torch


def _nan_to_num_kinks(op, dtype):
    """At NaN and +-inf the gradient is 0 (d nan_to_num / dx = isfinite(x))."""
    x = np.array([NAN, INF, -INF, 1.0, -0.0, 1e-30])
    yield Kink(SampleInput((x.astype(NP_OF[dtype]),)), (np.isfinite(x) * 1.0,))


SELU = R.SELU_SCALE * R.SELU_ALPHA
_KINKS = {
    "abs": kinks_at([0.0], np.sign),
    "sign": kinks_at([0.0], np.zeros_like),
    "relu": kinks_at([0.0], lambda x: _where(x > 0, 1.0, 0.0)),
    "F.relu": kinks_at([0.0], lambda x: _where(x > 0, 1.0, 0.0)),
    "leaky_relu": kinks_at([0.0], lambda x: _where(x > 0, 1.0, 0.01)),
    "leaky_relu-slope0.2": kinks_at(
        [0.0], lambda x: _where(x > 0, 1.0, 0.2), {"negative_slope": 0.2}
    ),
    "elu": kinks_at([0.0], lambda x: _where(x > 0, 1.0, np.exp(x))),
    "elu-alpha0.5": kinks_at([0.0], lambda x: _where(x > 0, 1.0, 0.5 * np.exp(x)), {"alpha": 0.5}),
    "selu": kinks_at([0.0], lambda x: _where(x > 0, R.SELU_SCALE, SELU * np.exp(x))),
    "celu": kinks_at([0.0], lambda x: _where(x > 0, 1.0, np.exp(x))),
    "hardtanh": kinks_at([-1.0, 1.0], lambda x: _where((x > -1) & (x < 1), 1.0, 0.0)),
    "hardtanh-bounds": kinks_at(
        [-0.5, 1.5],
        lambda x: _where((x > -0.5) & (x < 1.5), 1.0, 0.0),
        {"min_val": -0.5, "max_val": 1.5},
    ),
    "relu6": kinks_at([0.0, 6.0], lambda x: _where((x > 0) & (x < 6), 1.0, 0.0)),
    # torch's gradient is the float constant 1/6 (0.16666667163...) in float64 too
    "hardsigmoid": kinks_at(
        [-3.0, 3.0], lambda x: _where((x > -3) & (x < 3), float(np.float32(1 / 6)), 0.0)
    ),
    "hardswish": kinks_at(
        [-3.0, 3.0], lambda x: _where(x <= -3, 0.0, _where(x < 3, x / 3 + 0.5, 1.0))
    ),
    "clamp": kinks_at(
        [-0.75, 0.75],
        lambda x: _where((x >= -0.75) & (x <= 0.75), 1.0, 0.0),
        {"min": -0.75, "max": 0.75},
    ),
    "maximum": _pair_ties(gt=True),
    "minimum": _pair_ties(gt=False),
    "amax": _tie_kinks(_ties(np.max), {"dim": 1}),
    "amin": _tie_kinks(_ties(np.min), {"dim": 1}),
    "max_all": _tie_kinks(_ties(np.max), {}),
    "min_all": _tie_kinks(_ties(np.min), {}),
    "max_dim": _tie_kinks(None, {"dim": 1}, first=True),
    "min_dim": _tie_kinks(None, {"dim": 1}, first=True),
    "norm": _zero_norm_kinks,
    "norm_p1": _zero_norm_kinks,
    "norm_p3": _zero_norm_kinks,
    "prelu": _prelu_kinks,
    "l1_loss": _l1_kinks,
    "std": _std_const_kinks,
    "atan2": _pair_points(
        [0.0, -0.0, 0.0, -0.0, 1.0, 0.0], [0.0, 0.0, -0.0, -0.0, 0.0, 1.0], _atan2_grads
    ),
    "arctan2": _pair_points([0.0, -0.0, 0.0], [0.0, 0.0, -0.0], _atan2_grads),
    # hypot at the origin: NaN (a / hypot = 0 / 0), as torch
    "hypot": _pair_points(
        [0.0, -0.0, 3.0, 0.0],
        [0.0, 0.0, 0.0, -2.0],
        lambda a, b: (a / R.hypot(a, b), b / R.hypot(a, b)),
    ),
    # a / b an integer: d/da = 1, d/db = -trunc(a / b)
    "fmod": _pair_points(
        [3.0, -3.0, 2.0, 0.75, 0.0],
        [1.5, 1.5, -1.0, 0.75, 2.0],
        lambda a, b: (1.0, -np.trunc(a / b)),
    ),
    "logaddexp": _pair_points(
        [-INF, INF, -INF, 1.0, 80.0], [-INF, INF, 1.0, -INF, 80.0], _logaddexp_grads
    ),
    "logaddexp2": _pair_points(
        [-INF, INF, -INF, 1.0, 80.0],
        [-INF, INF, 1.0, -INF, 80.0],
        lambda a, b: _logaddexp_grads(a, b, two=True),
    ),
    # x == 0: d/dx = log(y) where y > 0 (NaN y: NaN), 0 where y <= 0; d/dy = x / y (0 / 0: NaN)
    "xlogy": _pair_points(
        [0.0, -0.0, 0.0, 0.0, 0.0, 1.5],
        [2.0, 0.5, 0.0, -1.0, INF, 2.0],
        lambda a, b: (_where((a == 0) & (b <= 0), 0.0, np.log(b)), a / b),
    ),
    "round": kinks_at([0.5, 1.5, -2.5], np.zeros_like),
    "nan_to_num": _nan_to_num_kinks,
    "aminmax": _aminmax_kinks,
}
for _op in OPS:
    if _KINKS.get(_op.name) is not None and _op.kinks is None:
        _op.kinks = _KINKS[_op.name]
