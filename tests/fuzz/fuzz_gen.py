"""Case generator for the differential fuzzer (see fuzz_torch.py).

`generate(seed, index)` draws one random call from `numpy.random.default_rng([seed, index])`
and returns a `Case`: the body of a Python function `case(L)` (one statement a line, inputs
built from NumPy literals) that runs the same with `L = tetragrad` and `L = torch`, plus what
to compare afterwards (`out`, mutated tensors, leaves whose `.grad` must match).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

FLOAT, INT, BOOL = ("float32", "float64"), ("int64",), ("bool",)
ALL = FLOAT + INT + BOOL
NUM = FLOAT + INT
SPECIAL_F = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1.0, -1.0, 0.5, 1e30, -1e30, 1e-30, 3.0]
SPECIAL_I = [0, 1, -1, 2, -2, 2**62, -(2**62), 2**53 + 1, -(2**53 + 1), 2**63 - 1, -(2**63)]

# ---- op tables: every name the generator may call, so the driver can list what tetragrad lacks

BINARY = {  # name: (operator or None, differentiable)
    "add": ("+", True), "sub": ("-", True), "mul": ("*", True), "div": ("/", True),
    "true_divide": (None, True), "floor_divide": ("//", False), "remainder": ("%", True),
    "pow": ("**", True), "maximum": (None, True), "minimum": (None, True),
    "eq": ("==", False), "ne": ("!=", False), "lt": ("<", False), "le": ("<=", False),
    "gt": (">", False), "ge": (">=", False), "logical_and": (None, False),
    "logical_or": (None, False), "logical_xor": (None, False), "bitwise_and": ("&", False),
    "bitwise_or": ("|", False), "bitwise_xor": ("^", False), "fmod": (None, True),
    "atan2": (None, True),
}  # fmt: skip
UNARY = {  # name: (value kind it likes, differentiable)
    "abs": ("any", True), "neg": ("any", True), "negative": ("any", True), "exp": ("any", True),
    "log": ("pos", True), "sqrt": ("pos", True), "rsqrt": ("pos", True),
    "sigmoid": ("any", True), "tanh": ("any", True), "relu": ("any", True),
    "sign": ("any", True), "square": ("any", True), "isnan": ("any", False),
    "isfinite": ("any", False), "logical_not": ("any", False), "bitwise_not": ("any", False),
    "floor": ("any", True), "ceil": ("any", True), "round": ("any", True),
    "trunc": ("any", True), "sin": ("any", True), "cos": ("any", True), "log1p": ("pos", True),
    "expm1": ("any", True), "reciprocal": ("away", True), "isinf": ("any", False),
}  # fmt: skip
ACTIVATIONS = {  # F.name: extra kwargs drawn by name
    "relu": {}, "relu6": {}, "gelu": {"approximate": ["none", "tanh"]}, "silu": {},
    "elu": {"alpha": [1.0, 0.5]}, "selu": {}, "leaky_relu": {"negative_slope": [0.01, 0.2]},
    "softplus": {"beta": [1.0, 2.0], "threshold": [20.0, 1.0]},
    "hardtanh": {"min_val": [-1.0, -0.5], "max_val": [1.0, 2.0]}, "logsigmoid": {},
    "mish": {}, "sigmoid": {}, "tanh": {}, "hardswish": {}, "hardsigmoid": {},
}  # fmt: skip
REDUCE = ["sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "std", "var"]
REDUCE += ["norm", "logsumexp", "all", "any", "count_nonzero"]
VIEWS = ["view", "reshape", "flatten", "unflatten", "transpose", "swapaxes", "permute", "t"]
VIEWS += ["mT", "expand", "expand_as", "squeeze", "unsqueeze", "narrow", "select", "unbind"]
VIEWS += ["split", "chunk", "contiguous", "clone", "detach", "view_as", "reshape_as", "movedim"]
INDEX = ["getitem", "setitem", "masked_fill", "masked_fill_", "masked_select", "index_select"]
INDEX += ["gather", "scatter", "scatter_", "scatter_add", "scatter_add_", "index_add"]
INDEX += ["index_add_", "index_put_", "index_put", "copy_", "fill_", "zero_", "nonzero"]
MATMUL = ["matmul", "mm", "bmm", "addmm", "dot", "mv", "outer"]
CREATE = ["tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "zeros_like"]
CREATE += ["ones_like", "full_like", "empty_like", "cat", "stack", "new_zeros", "new_ones"]
CREATE += ["new_full", "new_tensor", "to", "float", "double", "long", "bool", "item", "tolist"]
LOSSES = ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]
LOSSES += ["binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]
NNF = ["linear", "dropout", "normalize", "cosine_similarity", "pairwise_distance", "one_hot"]
NNF += ["softmax", "log_softmax", "softmin", "layer_norm", "prelu"]


def wanted_names():
    """Every API name the generator may draw: 'name' (module), 'Tensor.name', 'F.name'."""
    fn = list(BINARY) + list(UNARY) + REDUCE + MATMUL + ["where", "clamp", "clip"]
    inplace = list(BINARY) + list(UNARY) + ["clamp", "clip"]
    module = fn + CREATE[:14]  # tensor ... stack: module-level creation functions
    methods = fn + [n for n in VIEWS + INDEX if n not in ("getitem", "setitem")] + CREATE[14:]
    names = set(module) | {f"Tensor.{n}" for n in methods} | {f"Tensor.{n}_" for n in inplace}
    names |= {f"F.{n}" for n in list(ACTIVATIONS) + LOSSES + NNF}
    return sorted(names)


class Unavailable(Exception):
    """The drawn op is missing from the library under test; the case draws again."""


@dataclass
class Case:
    seed: int
    index: int
    op: str = ""
    lines: list = field(default_factory=list)
    watch: list = field(default_factory=list)  # names compared after the call (out, mutated)
    leaves: list = field(default_factory=list)  # names whose .grad is compared
    tags: set = field(default_factory=set)  # facts for the allow-list / known-bug predicates
    strides: bool = False  # view ops: strides must match too
    values: bool = True  # False for empty/empty_like: shape and dtype only
    detail: str | None = None  # the difference found, for the allow-list predicates

    def source(self):
        body = "\n".join("    " + ln for ln in self.lines)
        ret = ", ".join(f"{w!r}: {w}" for w in self.watch)
        grads = ", ".join(f"{x!r}: {x}.grad" for x in self.leaves)
        return (
            f"# fuzz_torch seed={self.seed} case={self.index} op={self.op}\n"
            "import numpy as np, tetragrad, torch\n\n"
            "def case(L):\n"
            "    nan, inf = float('nan'), float('inf')\n"
            "    W = lambda o, k: L.from_numpy(np.random.default_rng(k).standard_normal"
            "(tuple(o.shape))).to(o.dtype)\n"
            f"{body}\n"
            f"    return {{{ret}}}, {{{grads}}}\n\n"
            "for L in (tetragrad, torch):\n"
            "    try:\n        print(L.__name__, *case(L))\n"
            "    except Exception as e:\n        print(L.__name__, 'raised', repr(e))\n"
        )


def lit(v):
    """Python source for a scalar (nan/inf are names bound in the case body)."""
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def np_source(a):
    a = np.asarray(a)
    if a.ndim == 0:
        v = float(str(a)) if a.dtype == np.float32 else a.item()
        return f"np.array({lit(v)}, dtype='{a.dtype}')"
    vals = a.reshape(-1).tolist()
    if a.dtype == np.float32:  # shortest repr that round-trips through float32
        vals = [float(str(np.float32(v))) for v in vals]
    flat = "[" + ", ".join(lit(v) for v in vals) + "]"
    return f"np.array({flat}, dtype='{a.dtype}').reshape{tuple(a.shape)}"


def idx_text(parts):
    return "[" + ", ".join(parts) + "]"


class Gen:
    """Drawing helpers; `missing` is the set of API names the library under test lacks."""

    def __init__(self, seed, index, missing=()):
        self.r = np.random.default_rng([seed, index])
        self.c = Case(seed, index)
        self.missing = missing
        self.n = 0
        self.grad = False
        self.arrays = {}  # name -> NumPy value of the tensor as the op sees it

    def reset(self):
        self.c = Case(self.c.seed, self.c.index)
        self.n, self.grad, self.arrays = 0, False, {}

    # -- basic draws
    def pick(self, seq):
        return seq[int(self.r.integers(len(seq)))]

    def coin(self, p=0.5):
        return bool(self.r.random() < p)

    def use(self, *names):
        for n in names:
            if n in self.missing:
                raise Unavailable(n)

    def emit(self, line):
        self.c.lines.append(line)

    def shape(self, lo=0, hi=4, max_numel=48):
        nd = int(self.r.choice(range(lo, hi + 1), p=_ndim_p(lo, hi)))
        s = [
            int(self.r.choice([0, 1, 1, 2, 2, 3, 3, 4, 5], p=[0.04] + [0.12] * 8))
            for _ in range(nd)
        ]
        while int(np.prod(s)) > max_numel:
            s[int(np.argmax(s))] -= 1
        return tuple(s)

    def bshape(self, s):
        """A shape that broadcasts against s (sometimes one that does not)."""
        s = list(s)[int(self.r.integers(len(s) + 1)) if self.coin(0.3) else 0 :]
        s = [1 if self.coin(0.25) else d for d in s]
        if s and self.coin(0.04):
            k = int(self.r.integers(len(s)))
            s[k] += 2
            self.c.tags.add("bad-shape")
        return tuple(s)

    def dim(self, nd, bad=0.05):
        if self.coin(bad):
            self.c.tags.add("bad-dim")
            return self.pick([max(nd, 1), -max(nd, 1) - 1, nd + 2])
        return int(self.r.integers(-max(nd, 1), max(nd, 1)))

    def dtype(self, allowed=ALL):
        return self.pick(list(allowed))

    def scalar(self, dtype=None):
        kind = dtype or self.pick(["int", "int", "float", "float", "float", "bool"])
        kind = {"float32": "float", "float64": "float", "int64": "int"}.get(kind, kind)
        if kind == "bool":
            return self.coin()
        if kind == "int":
            if self.coin(0.15):
                self.c.tags.add("huge-int")
                return int(self.pick(SPECIAL_I))
            return int(self.r.integers(-4, 5))
        if self.coin(0.15):
            self.c.tags.add("special-float")
            return float(self.pick(SPECIAL_F))
        return float(np.round(self.r.standard_normal() * 2, 2))

    def values(self, shape, dtype, kind="any"):
        n = int(np.prod(shape))
        r = self.r
        if dtype == "bool":
            return (r.random(n) < 0.5).reshape(shape)
        special = kind == "any" and self.coin(0.3)
        if kind == "distinct":
            v = r.permutation(n) - n // 2
            v = v.astype(dtype) if dtype in INT else (v * 0.37 + 0.11).astype(dtype)
            return v.reshape(shape)
        if dtype in INT:
            lo, hi = {"pos": (1, 6), "away": (1, 6)}.get(kind, (-5, 6))
            v = r.integers(lo, hi, n).astype(np.int64)
            if kind == "away":
                v *= r.choice([-1, 1], n)
            if special:
                m = r.random(n) < 0.2
                v[m] = r.choice(np.array(SPECIAL_I, dtype=object), int(m.sum())).astype(np.int64)
                self.c.tags.add("huge-int")
        else:
            v = np.round(r.standard_normal(n) * self.pick([1.0, 1.0, 3.0]), 3)
            if kind == "pos":
                v = np.abs(v) + 0.1
            elif kind == "unit":
                v = np.round(r.uniform(0.02, 0.98, n), 3)
            elif kind == "away":
                v = (np.abs(v) + 0.2) * r.choice([-1, 1], n)
            if special:
                m = r.random(n) < 0.2
                v[m] = r.choice(SPECIAL_F, int(m.sum()))
                self.c.tags.add("special-float")
        return v.astype(dtype).reshape(shape)

    def tensor(self, shape, dtype, kind="any", layout=None, rg=None, vals=None, leaf_ok=True):
        """Emit lines building a tensor of `shape`; return the name the op should use."""
        name = f"x{self.n}"
        self.n += 1
        shape = tuple(shape)
        nd = len(shape)
        if layout is None:
            opts = (
                ["c"] * 5 + (["T", "perm"] if nd >= 2 else []) + (["step", "offset"] if nd else [])
            )
            opts += ["expand"] if nd and kind not in ("distinct",) and vals is None else []
            layout = self.pick(opts)
        if layout == "expand" and vals is not None:
            layout = "c"  # explicit values (indices) are built plainly
        if layout == "expand":
            base_shape = tuple(1 if self.coin(0.5) else d for d in shape)
            base_shape = base_shape[
                int(self.r.integers(len(base_shape) + 1)) if self.coin(0.3) else 0 :
            ]
            base = self.values(base_shape, dtype, kind)
            vals = np.broadcast_to(base, shape)
            view = f"{name}.expand{shape}"
            self.c.tags.add("expanded")
        else:
            vals = (
                self.values(shape, dtype, kind) if vals is None else np.asarray(vals, dtype=dtype)
            )
            base, view = vals, None
            if layout == "T":
                base, view = np.swapaxes(vals, -1, -2), f"{name}.transpose(-1, -2)"
            elif layout == "perm":
                p = [int(i) for i in self.r.permutation(nd)]
                base, view = np.transpose(vals, np.argsort(p)), f"{name}.permute{tuple(p)}"
            elif layout in ("step", "offset"):
                d = int(self.r.integers(nd))
                big = list(shape)
                big[d] = shape[d] * 2 + (layout == "offset")
                base = self.values(tuple(big), dtype, kind)
                sl = [slice(None)] * d + [slice(layout == "offset", None, 2)]
                base[tuple(sl)] = vals
                view = name + idx_text([":"] * d + ["1::2" if layout == "offset" else "::2"])
        if dtype == "float32":
            self.c.tags.add("float32")
        if 0 in shape:
            self.c.tags.add("empty")
        if rg is None:
            rg = self.grad and dtype in FLOAT and leaf_ok and self.coin(0.85)
        self.emit(f"{name} = L.from_numpy({np_source(base)})" + (".requires_grad_()" if rg else ""))
        if rg:
            self.c.leaves.append(name)
        if view is None:
            self.arrays[name] = vals
            return name
        v = f"v{name[1:]}"
        self.emit(f"{v} = {view}")
        self.arrays[v] = np.asarray(vals)
        self.c.tags.add(f"layout-{layout}")
        if layout == "expand":
            self.c.tags.add(f"expanded:{v}")
        return v

    def index(self, size, shape=(), unique=False, neg=0.3):
        """An int64 index tensor into a dim of `size` (negatives, sometimes one out of range)."""
        n = int(np.prod(shape))
        if unique and size:
            n = min(n, size)
            shape = (n,)
            v = self.r.permutation(size)[:n]
        else:
            v = self.r.integers(0, max(size, 1), n)
        v = v - size * (self.r.random(n) < neg)
        if n and self.coin(0.05):
            v[int(self.r.integers(n))] = size + int(self.r.integers(2))
            self.c.tags.add("bad-index")
        return self.tensor(shape, "int64", vals=v.reshape(shape).astype(np.int64))

    def operand(self, shape, dtype, kind="any", scalar_p=0.3):
        """A tensor of a broadcastable shape, or a Python scalar."""
        if self.coin(scalar_p):
            return lit(self.scalar(self.pick([dtype, dtype, None])))
        dt = dtype if self.coin(0.75) else self.dtype(ALL)
        return self.tensor(self.bshape(shape), dt, kind)

    def backward(self, expr="out"):
        k = int(self.r.integers(1000))
        self.emit(f"({expr} * W({expr}, {k})).sum().backward()")

    def backward_all(self, expr="out"):
        k = int(self.r.integers(1000))
        self.emit(f"sum((o * W(o, {k} + i)).sum() for i, o in enumerate({expr})).backward()")


def _ndim_p(lo, hi):
    w = np.array([1.0, 2.0, 3.0, 2.0, 1.0][lo : hi + 1])
    return w / w.sum()
