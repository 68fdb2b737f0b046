"""Op families for the differential fuzzer: each `op_<family>(g)` draws one call with the
helpers of `fuzz_gen.Gen`, emits its lines (the result in `out`) and says what to compare."""

from __future__ import annotations

import numpy as np
from fuzz_gen import (
    ACTIVATIONS,
    ALL,
    BINARY,
    BOOL,
    FLOAT,
    INT,
    NUM,
    UNARY,
    Unavailable,
    idx_text,
    lit,
)

# ---- elementwise ------------------------------------------------------------------------------


def _inplace_target(g, shape, dt, kind="any"):
    """A tensor to mutate: a view of a plain tensor (watched with its base), or under autograd a
    clone of a leaf (in-place on a leaf that requires grad raises in both)."""
    a = g.tensor(shape, dt, kind)
    if g.c.leaves and a.replace("v", "x") in g.c.leaves:
        g.emit(f"m = {a}.clone()")
        g.c.tags.add("write-clone")
        return "m"
    g.c.watch.append(a)
    if a.startswith("v"):
        g.c.watch.append("x" + a[1:])
        g.c.tags.add("write-view")
    if "expanded:" + a in g.c.tags:
        g.c.tags.add("write-expanded")
    return a


def op_binary(g):
    name = g.pick(list(BINARY))
    sym, diff = BINARY[name]
    form = g.pick(["fn", "method", "op", "op", "inplace", "iop"])
    if form == "iop" and (sym is None or sym[0] in "=!<>"):  # no `a ==` ... augmented form
        form = "inplace"
    if form == "op" and sym is None:
        form = "fn"
    g.use({"fn": name, "method": f"Tensor.{name}", "inplace": f"Tensor.{name}_"}.get(form, name))
    bitwise = name.startswith("bitwise") or name.startswith("logical")
    dt = g.dtype(INT + BOOL if bitwise and g.coin(0.8) else NUM if g.coin(0.9) else ALL)
    g.grad = diff and dt in FLOAT and g.coin(0.5)
    s = g.shape()
    scalar_p = 0.0 if name.startswith("logical") else 0.3  # torch's logical_* take tensors only
    divlike = name in ("div", "floor_divide", "remainder", "fmod", "true_divide")
    bkind = "away" if divlike and g.coin(0.7) else "any"
    kw = ""
    if name in ("add", "sub") and g.coin(0.3):
        kw = f", alpha={lit(g.scalar(g.pick([dt, 'int', 'float'])))}"
    if name == "div" and form in ("fn", "method", "inplace") and g.coin(0.5):
        kw = f", rounding_mode={g.pick([None, 'trunc', 'floor'])!r}"
    if form in ("inplace", "iop"):
        a = _inplace_target(g, s, dt)
        b = g.operand(s, dt, bkind, scalar_p)
        g.c.tags.add("inplace")
        if form == "inplace":
            g.emit(f"out = {a}.{name}_({b}{kw})")
        else:
            g.emit(f"{a} {sym}= {b}")
            g.emit(f"out = {a}")
    else:
        a = g.tensor(g.bshape(s), dt)
        b = g.operand(s, dt, bkind, scalar_p)
        if form == "fn":
            if b[0] != "x" and b[0] != "v" and g.coin(0.2):  # scalar first: L.pow(2, t)
                a, b = b, a
            g.emit(f"out = L.{name}({a}, {b}{kw})")
        elif form == "method":
            g.emit(f"out = {a}.{name}({b}{kw})")
        else:
            rev = b[0] not in "xv" and g.coin(0.5)
            g.emit(f"out = ({b}) {sym} {a}" if rev else f"out = {a} {sym} {b}")
    g.c.op = f"{name}[{form}]"
    g.c.watch.insert(0, "out")
    if g.grad:
        g.backward()


def op_unary(g):
    name = g.pick(list(UNARY))
    kind, diff = UNARY[name]
    form = g.pick(["fn", "method", "method", "inplace"])
    g.use({"fn": name, "method": f"Tensor.{name}", "inplace": f"Tensor.{name}_"}[form])
    dt = g.dtype(FLOAT if g.coin(0.75) else ALL)
    kind = kind if g.coin(0.7) else "any"
    g.grad = diff and dt in FLOAT and g.coin(0.5)
    s = g.shape()
    if form == "inplace":
        a = _inplace_target(g, s, dt, kind)
        g.emit(f"out = {a}.{name}_()")
        g.c.tags.add("inplace")
    else:
        a = g.tensor(s, dt, kind)
        g.emit(f"out = L.{name}({a})" if form == "fn" else f"out = {a}.{name}()")
    g.c.op = f"{name}[{form}]"
    g.c.watch.insert(0, "out")
    if g.grad:
        g.backward()


def op_activation(g):
    name = g.pick(list(ACTIVATIONS))
    g.use(f"F.{name}")
    dt = g.dtype(FLOAT if g.coin(0.9) else ALL)
    g.grad = dt in FLOAT and g.coin(0.6)
    a = g.tensor(g.shape(), dt)
    kw = "".join(
        f", {k}={lit(g.pick(v))}" if not isinstance(v[0], str) else f", {k}={g.pick(v)!r}"
        for k, v in ACTIVATIONS[name].items()
        if g.coin(0.6)
    )
    g.emit(f"out = F.{name}({a}{kw})")
    g.c.op = f"F.{name}"
    g.c.watch.insert(0, "out")
    if g.grad:
        g.backward()


def op_where_clamp(g):
    s = g.shape()
    dt = g.dtype(NUM if g.coin(0.9) else ALL)
    g.grad = dt in FLOAT and g.coin(0.5)
    if g.coin(0.4):
        form = g.pick(["fn", "method"])
        g.use("where" if form == "fn" else "Tensor.where")
        c = g.tensor(g.bshape(s), "bool")
        a = g.tensor(g.bshape(s), dt) if form == "method" else g.operand(s, dt)
        b = g.operand(s, dt)
        g.emit(f"out = L.where({c}, {a}, {b})" if form == "fn" else f"out = {a}.where({c}, {b})")
        g.c.op = f"where[{form}]"
    else:
        name = g.pick(["clamp", "clamp", "clip"])
        form = g.pick(["fn", "method", "inplace"])
        g.use({"fn": name, "method": f"Tensor.{name}", "inplace": f"Tensor.{name}_"}[form])
        tensors = g.coin(0.4)
        lo, hi = [
            (g.tensor(g.bshape(s), dt) if tensors else lit(g.scalar(g.pick([dt, None]))))
            if g.coin(0.75)
            else "None"
            for _ in range(2)
        ]
        kw = f"{lo}, {hi}" if g.coin(0.5) else f"min={lo}, max={hi}"
        if form == "inplace":
            a = _inplace_target(g, s, dt)
            g.emit(f"out = {a}.{name}_({kw})")
            g.c.tags.add("inplace")
        else:
            a = g.tensor(s, dt)
            g.emit(f"out = L.{name}({a}, {kw})" if form == "fn" else f"out = {a}.{name}({kw})")
        g.c.op = f"{name}[{form},{'tensor' if tensors else 'scalar'}]"
    g.c.watch.insert(0, "out")
    if g.grad:
        g.backward()


# ---- reductions -------------------------------------------------------------------------------


def _dims(g, nd):
    k = int(g.r.integers(0, max(nd, 1) + 1))
    d = [int(x) for x in g.r.permutation(max(nd, 1))[:k]]
    d = [x - max(nd, 1) if g.coin(0.3) else x for x in d]
    if d and g.coin(0.04):
        d.append(d[0])
        g.c.tags.add("bad-dim")
    return tuple(d)


def op_reduce(g):
    from fuzz_gen import REDUCE

    name = g.pick(REDUCE)
    form = g.pick(["fn", "method"])
    g.use(name if form == "fn" else f"Tensor.{name}")
    s = g.shape()
    nd = len(s)
    dt = g.dtype(FLOAT if g.coin(0.7) else ALL)
    args = []
    pair = False
    if name in ("sum", "mean", "prod", "std", "var", "logsumexp", "amax", "amin", "norm"):
        if name in ("prod",):
            d = g.dim(nd) if g.coin(0.7) else None
        elif name == "logsumexp":
            d = g.dim(nd) if g.coin(0.6) else _dims(g, nd) or (0,)  # torch: dim=() raises
        else:
            d = g.pick([None, "int", "tuple"])
            d = None if d is None else g.dim(nd) if d == "int" else _dims(g, nd)
            if d == () and name in ("std", "var"):  # torch's grad for dim=() is inf (torch bug)
                d = None
        if name == "norm":
            args.append(f"p={lit(g.pick([2, 1, 3, 0, 0.5, float('inf'), -float('inf'), 'fro']))}")
        if d is not None or name in ("amax", "amin", "logsumexp"):
            args.append(f"dim={d!r}" if d is not None else "dim=()")
            if g.coin(0.5):
                args.append(f"keepdim={g.coin()}")
        if name in ("std", "var") and g.coin(0.6):
            args.append(
                f"correction={int(g.r.integers(0, 3))}" if g.coin(0.5) else f"unbiased={g.coin()}"
            )
        if name in ("sum", "mean", "prod") and g.coin(0.3):
            args.append(f"dtype=L.{g.pick(list(FLOAT) if name == 'mean' else list(NUM))}")
    elif name in ("max", "min"):
        mode = g.pick(["all", "dim", "dim", "other"])
        if mode == "dim":
            args.append(repr(g.dim(nd)))
            if g.coin(0.5):
                args.append(f"keepdim={g.coin()}")
            pair = True
        elif mode == "other":
            args.append(g.tensor(g.bshape(s), dt))
    elif name in ("argmax", "argmin", "all", "any", "count_nonzero"):
        if g.coin(0.7):
            args.append(f"dim={g.dim(nd)}")
            if g.coin(0.5) and name != "count_nonzero":
                args.append(f"keepdim={g.coin()}")
    diff = dt in FLOAT and name not in ("argmax", "argmin", "all", "any", "count_nonzero")
    g.grad = diff and g.coin(0.5)
    kind = "distinct" if pair or (g.grad and name in ("max", "min", "amax", "amin")) else "any"
    a = g.tensor(s, dt, kind)
    a_args = ", ".join(args)
    g.emit(
        f"out = L.{name}({a}{', ' if args else ''}{a_args})"
        if form == "fn"
        else f"out = {a}.{name}({a_args})"
    )
    g.c.op = f"{name}[{form}{',dim' if pair else ''}]"
    g.c.watch.insert(0, "out")
    if g.grad:
        g.backward("out[0]" if pair else "out")


# ---- views ------------------------------------------------------------------------------------


def _same_numel_shape(g, n):
    if n == 0:
        s = [int(g.r.integers(0, 4)) for _ in range(int(g.r.integers(1, 4)))]
        s[int(g.r.integers(len(s)))] = 0
        return s
    s = [n]
    for _ in range(int(g.r.integers(0, 3))):
        k = int(g.r.integers(len(s)))
        divs = [d for d in range(1, s[k] + 1) if s[k] % d == 0]
        d = g.pick(divs)
        s[k : k + 1] = [d, s[k] // d]
    if g.coin(0.2):
        s.insert(int(g.r.integers(len(s) + 1)), 1)
    if g.coin(0.1) and n > 1:
        s[0] += 1
        g.c.tags.add("bad-shape")
    return s


def op_view(g):
    from fuzz_gen import VIEWS

    name = g.pick(VIEWS)
    g.use(f"Tensor.{name}")
    s = g.shape()
    nd, n = len(s), int(np.prod(s))
    dt = g.dtype()
    write = g.coin(0.35)
    g.grad = dt in FLOAT and not write and g.coin(0.5)
    a = g.tensor(s, dt)
    seq = False
    if name in ("view", "reshape"):
        t = _same_numel_shape(g, n)
        if t and g.coin(0.3):
            t[int(g.r.integers(len(t)))] = -1
        call = g.pick([f"{name}({', '.join(map(str, t))})", f"{name}({tuple(t)!r})"])
        if name == "reshape" and g.coin(0.3):
            call = None
            g.emit(f"out = L.reshape({a}, {tuple(t)!r})")
    elif name == "flatten":
        call = "flatten()" if g.coin(0.3) else f"flatten({g.dim(nd)}, {g.dim(nd)})"
    elif name == "unflatten":
        d = g.dim(nd, bad=0.02)
        size = s[d] if -nd <= d < nd and nd else 1
        t = _same_numel_shape(g, size) if size else [0]
        call = f"unflatten({d}, {tuple(t)!r})"
    elif name in ("transpose", "swapaxes"):
        call = f"{name}({g.dim(nd)}, {g.dim(nd)})"
    elif name == "movedim":
        call = f"movedim({g.dim(nd)}, {g.dim(nd)})"
    elif name == "permute":
        p = [int(x) - (nd if g.coin(0.3) else 0) for x in g.r.permutation(nd)]
        if g.coin(0.05):
            p = p[:-1] if p else [0]
        call = g.pick([f"permute({', '.join(map(str, p))})", f"permute({tuple(p)!r})"])
        call = call if p else "permute(())"
    elif name in ("t", "mT"):  # mT of a 0-d tensor is deprecated torch behaviour: not drawn
        call = "t()" if name == "t" else "mT" if nd else "t()"
    elif name in ("expand", "expand_as"):
        t = [int(g.r.integers(0, 4)) if d == 1 and g.coin(0.5) else d for d in s]
        t = [int(g.r.integers(1, 3)) for _ in range(int(g.r.integers(0, 2)))] + t
        t = [-1 if g.coin(0.2) and i >= len(t) - nd else d for i, d in enumerate(t)]
        if name == "expand":
            call = f"expand{tuple(t)!r}" if len(t) > 1 else f"expand({t[0] if t else ()})"
        else:
            o = g.tensor([abs(d) if d != -1 else 1 for d in t], "float32", leaf_ok=False)
            call = f"expand_as({o})"
    elif name == "squeeze":
        call = g.pick(["squeeze()", f"squeeze({g.dim(nd)})", f"squeeze({_dims(g, nd)!r})"])
    elif name == "unsqueeze":
        call = f"unsqueeze({int(g.r.integers(-nd - 1, nd + 1)) if g.coin(0.95) else nd + 1})"
    elif name == "narrow":
        d = g.dim(nd)
        size = s[d] if nd and -nd <= d < nd else 1
        start = int(g.r.integers(-size, size + 1))
        length = (
            int(g.r.integers(0, size - (start % max(size, 1)) + 1)) if g.coin(0.9) else size + 1
        )
        call = f"narrow({d}, {start}, {length})"
    elif name == "select":
        d = g.dim(nd)
        size = s[d] if nd and -nd <= d < nd else 1
        call = f"select({d}, {int(g.r.integers(-size, size + 1))})"
    elif name in ("unbind", "split", "chunk"):
        d = g.dim(nd)
        size = s[d] if nd and -nd <= d < nd else 1
        seq = True
        if name == "unbind":
            call = f"unbind({d})"
        elif name == "chunk":
            call = f"chunk({int(g.r.integers(1, 5))}, {d})"
        elif g.coin(0.5):
            call = f"split({int(g.r.integers(1, 4))}, {d})"
        else:
            parts = list(np.diff(np.sort(np.r_[0, g.r.integers(0, size + 1, 2), size])))
            if g.coin(0.05):
                parts.append(1)
            call = f"split({[int(p) for p in parts]!r}, {d})"
    elif name in ("view_as", "reshape_as"):
        o = g.tensor(_same_numel_shape(g, n), "float32", leaf_ok=False)
        call = f"{name}({o})"
    else:  # contiguous, clone, detach
        call = f"{name}()"
    if call is not None:
        g.emit(f"out = {a}.{call}")
    g.c.op = name
    g.c.strides = name != "clone"
    g.c.watch.insert(0, "out")
    if write:
        tgt = "out[0]" if seq else "out"
        w = g.pick([f"fill_({lit(g.scalar(dt))})", "mul_(2)", "add_(1)", "zero_()"])
        if seq:
            g.emit(f"if len(out): out[0].{w}")
        else:
            g.emit(f"{tgt}.{w}")
        g.c.watch.append("x" + a[1:])
        g.c.tags.add("write-view")
        if "expanded:" + a in g.c.tags or name in ("expand", "expand_as"):
            g.c.tags.add("write-expanded")
        g.c.op += "+write"
    if g.grad:
        g.backward_all() if seq else g.backward()


# ---- indexing ---------------------------------------------------------------------------------


def _index(g, s, unique):
    """Random index components for a tensor of shape s: (source parts, NumPy parts)."""
    kinds = []
    for _ in range(int(g.r.integers(1, len(s) + 2))):
        kinds.append(g.pick(["int", "slice", "slice", "None", "ell", "mask", "itensor", "list"]))
    if kinds.count("ell") > 1:  # torch quietly accepts x[..., ...]; numpy and tetragrad raise
        first = kinds.index("ell")
        kinds = [k for i, k in enumerate(kinds) if k != "ell" or i == first]
    eat = {"int": 1, "slice": 1, "itensor": 1, "list": 1, "None": 0, "ell": 0}
    mask_nd = [int(g.r.integers(0, 3)) if k == "mask" else 0 for k in kinds]
    cons = [eat.get(k, m) for k, m in zip(kinds, mask_nd, strict=True)]
    pos = []
    d = 0
    for i, k in enumerate(kinds):
        if k == "ell":
            d = max(d, len(s) - sum(cons[i + 1 :]))
        pos.append(d)
        d += cons[i]
    src, npp = [], []
    for k, d, m in zip(kinds, pos, mask_nd, strict=True):
        size = s[d] if d < len(s) else 1
        if k == "int":
            v = int(g.r.integers(-size, size)) if size and g.coin(0.95) else size
            src.append(str(v))
            npp.append(v)
        elif k == "slice":
            a, b = (g.pick([None, None, -3, -1, 0, 1, 2, 5]) for _ in range(2))
            st = g.pick([None, None, 1, 2, 3]) if g.coin(0.97) else g.pick([0, -1])
            src.append(
                f"{'' if a is None else a}:{'' if b is None else b}"
                + ("" if st is None else f":{st}")
            )
            npp.append(slice(a, b, st))
        elif k == "None":
            src.append("None")
            npp.append(None)
        elif k == "ell":
            src.append("...")
            npp.append(Ellipsis)
        elif k == "mask":
            ms = tuple(s[d : d + m]) if d + m <= len(s) else (1,) * m
            src.append(g.tensor(ms, "bool"))
            npp.append(g.arrays[src[-1]])
        elif k == "itensor":
            src.append(g.index(size, g.shape(0, 2, 6), unique=unique))
            npp.append(g.arrays[src[-1]])
        else:
            v = [int(x) for x in g.r.integers(-size, max(size, 1), int(g.r.integers(0, 4)))]
            v = list(dict.fromkeys(x % size for x in v)) if unique and size else v
            src.append(repr(v))
            npp.append(np.array(v, dtype=np.int64))
    if len(src) == 1 and g.coin(0.5):
        return src[0], npp
    return ", ".join(src), npp


def _np_shape(shape, npp):
    try:
        if any(isinstance(p, slice) and p.step is not None and p.step <= 0 for p in npp):
            return None
        return np.empty(shape)[tuple(npp)].shape
    except (IndexError, ValueError, TypeError):
        return None


def op_index(g):
    from fuzz_gen import INDEX

    name = g.pick(INDEX)
    if name not in ("getitem", "setitem"):
        g.use(f"Tensor.{name}")
    s = g.shape(0, 4, 36)
    nd = len(s)
    dt = g.dtype()
    g.grad = dt in FLOAT and g.coin(0.4)
    inplace = name.endswith("_") or name == "setitem"
    a = _inplace_target(g, s, dt) if inplace else g.tensor(s, dt)
    diff = dt in FLOAT
    if name in ("getitem", "setitem"):
        idx, npp = _index(g, s, unique=name == "setitem")
        if name == "getitem":
            g.emit(f"out = {a}[{idx}]")
        else:
            rs = _np_shape(s, npp)
            if rs is None or g.coin(0.4):
                val = lit(g.scalar(g.pick([dt, None])))
            else:
                val = g.tensor(g.bshape(rs), dt if g.coin(0.85) else g.dtype())
            g.emit(f"{a}[{idx}] = {val}")
            g.emit(f"out = {a}")
        # basic indexing gives a view (strides must match); advanced indexing gives a copy
        g.c.strides = name == "getitem" and not any(isinstance(p, np.ndarray) for p in npp)
    elif name in ("masked_fill", "masked_fill_", "masked_select"):
        m = g.tensor(g.bshape(s), "bool" if g.coin(0.95) else "int64")
        if name == "masked_select":
            g.emit(f"out = {a}.masked_select({m})")
        else:
            v = (
                lit(g.scalar(g.pick([dt, None])))
                if g.coin(0.8)
                else g.tensor((), dt, leaf_ok=False)
            )
            g.emit(f"out = {a}.{name}({m}, {v})")
    elif name == "index_select":
        d = g.dim(nd)
        size = s[d] if nd and -nd <= d < nd else 1
        g.emit(f"out = {a}.index_select({d}, {g.index(size, g.shape(0, 1, 6), neg=0.1)})")
    elif name in ("gather", "scatter", "scatter_", "scatter_add", "scatter_add_"):
        d = g.dim(nd)
        dd = d % max(nd, 1)
        size = s[dd] if nd else 1
        ish = tuple(
            int(g.r.integers(0, x + 1)) if i != dd else int(g.r.integers(0, 4))
            for i, x in enumerate(s)
        )
        if name == "gather":
            ish = tuple(int(g.r.integers(0, 4)) if i == dd else x for i, x in enumerate(ish))
        uniq = name.startswith("scatter") and "add" not in name
        vals = g.r.integers(0, max(size, 1), int(np.prod(ish))).reshape(ish)
        if uniq and ish and ish[dd] > size:
            ish = tuple(min(x, size) if i == dd else x for i, x in enumerate(ish))
        if uniq:  # distinct along dim: a duplicate write has no defined winner in torch
            vals = np.argsort(g.r.random((*ish[:dd], size, *ish[dd + 1 :])), axis=dd)
            vals = np.take(vals, range(ish[dd]), axis=dd) if ish else vals
        if g.coin(0.05) and vals.size:
            vals.reshape(-1)[0] = g.pick([-1, size])
            g.c.tags.add("bad-index")
        ix = g.tensor(ish, "int64", vals=vals.astype(np.int64).reshape(ish))
        if name == "gather":
            g.emit(f"out = {a}.gather({d}, {ix})")
        else:
            src = (
                g.tensor(tuple(x + int(g.r.integers(0, 2)) for x in ish), dt)
                if g.coin(0.85)
                else None
            )
            if src is None and "add" not in name:
                src = lit(g.scalar(dt))
            g.emit(f"out = {a}.{name}({d}, {ix}, {src or g.tensor(ish, dt)})")
    elif name in ("index_add", "index_add_"):
        d = g.dim(nd)
        dd = d % max(nd, 1)
        k = int(g.r.integers(0, 4))
        ix = g.index(s[dd] if nd else 1, (k,) if nd else g.pick([(), (1,)]), neg=0.1)
        ssh = tuple(k if i == dd else x for i, x in enumerate(s))
        src = g.tensor(ssh, dt)
        alpha = f", alpha={lit(g.scalar(g.pick([dt, 'int'])))}" if g.coin(0.3) else ""
        g.emit(f"out = {a}.{name}({d}, {ix}, {src}{alpha})")
    elif name in ("index_put_", "index_put"):
        acc = g.coin(0.5)
        if nd and g.coin(0.2):
            ixs = [g.tensor(s[: int(g.r.integers(1, nd + 1))], "bool")]
            rs = _np_shape(s, [g.arrays[ixs[0]]])
        else:
            k = int(g.r.integers(1, max(nd, 1) + 1))
            ish = g.shape(0, 2, 6)
            ixs = [g.index(s[i] if i < nd else 1, ish, unique=not acc and i == 0) for i in range(k)]
            rs = _np_shape(s, [g.arrays[x] for x in ixs])
            if (
                not acc
                and k > 1
                and rs is not None
                and _duplicate_positions(s, [g.arrays[x] for x in ixs])
            ):
                acc = True  # which duplicate wins is undefined without accumulate (torch's docs)
        vsh = g.bshape(rs) if rs is not None else g.shape(0, 1)
        v = g.tensor(vsh, dt if g.coin(0.9) else g.dtype())
        g.emit(f"out = {a}.{name}(({', '.join(ixs)},), {v}, accumulate={acc})")
    elif name == "copy_":
        sdt = g.dtype()
        if dt in INT and sdt in FLOAT:
            g.c.tags.add("float-to-int")
        g.emit(f"out = {a}.copy_({g.tensor(g.bshape(s), sdt)})")
    elif name == "fill_":
        v = (
            lit(g.scalar(g.pick([dt, None])))
            if g.coin(0.8)
            else g.tensor((), g.dtype(), leaf_ok=False)
        )
        g.emit(f"out = {a}.fill_({v})")
    elif name == "zero_":
        g.emit(f"out = {a}.zero_()")
    elif name == "nonzero":
        g.emit(f"out = {a}.nonzero()")
        diff = False
    g.c.op = name
    g.c.watch.insert(0, "out")
    if inplace:
        g.c.tags.add("inplace")
    if g.grad and diff and name not in ("nonzero",):
        g.backward()


def _duplicate_positions(shape, index_arrays) -> bool:
    """Whether broadcast index arrays name one position twice (negative indices wrapped)."""
    try:
        b = np.broadcast_arrays(*[np.asarray(a) for a in index_arrays])
    except ValueError:
        return False
    sizes = [max(shape[i], 1) if i < len(shape) else 1 for i in range(len(b))]
    tuples = {
        tuple(int(a.flat[j]) % n for a, n in zip(b, sizes, strict=True)) for j in range(b[0].size)
    }
    return len(tuples) < b[0].size


# ---- matmul -----------------------------------------------------------------------------------


def op_matmul(g):
    from fuzz_gen import MATMUL

    name = g.pick(MATMUL + ["@"])
    g.use(name if name != "@" else "matmul")
    dt = g.dtype(FLOAT if g.coin(0.85) else ALL)
    g.grad = dt in FLOAT and g.coin(0.6)
    n, k, m = (
        int(g.r.choice([0, 1, 2, 3, 4, 5], p=[0.05, 0.2, 0.25, 0.2, 0.15, 0.15])) for _ in range(3)
    )
    k2 = k if g.coin(0.95) else k + 1
    if name in ("matmul", "@"):
        ra, rb = int(g.r.integers(1, 5)), int(g.r.integers(1, 5))
        batch = g.shape(0, 2, 6)
        sa = (g.bshape(batch) if ra > 2 else ()) + ((n, k) if ra > 1 else (k,))
        sb = (g.bshape(batch) if rb > 2 else ()) + ((k2, m) if rb > 1 else (k2,))
        sa, sb = sa[-ra:] if ra > 2 else sa, sb[-rb:] if rb > 2 else sb
    elif name == "bmm":
        b = int(g.r.integers(0, 4))
        sa, sb = (b, n, k), (b if g.coin(0.95) else b + 1, k2, m)
    elif name in ("dot", "outer"):
        sa, sb = (k,), (k2 if name == "dot" else m,)
    elif name == "mv":
        sa, sb = (n, k), (k2,)
    else:
        sa, sb = (n, k), (k2, m)
    x = g.tensor(sa, dt)
    y = g.tensor(sb, dt if g.coin(0.95) else g.dtype())
    if name == "@":
        g.emit(f"out = {x} @ {y}")
    elif name == "addmm":
        c = g.tensor(g.bshape((n, m)), dt)
        # finite alpha/beta only: with alpha=inf torch's BLAS makes nan from 0*inf terms
        kw = "".join(
            f", {w}={lit(g.scalar(g.pick([dt, 'int'])))}" for w in ("beta", "alpha") if g.coin(0.4)
        )
        kw = kw.replace("=-inf", "=-2.0").replace("=inf", "=2.0").replace("=nan", "=0.5")
        g.emit(f"out = L.addmm({c}, {x}, {y}{kw})")
    else:
        g.emit(f"out = L.{name}({x}, {y})" if g.coin(0.5) else f"out = {x}.{name}({y})")
    g.c.op = name
    g.c.watch.insert(0, "out")
    if g.grad:
        g.backward()


# ---- creation ---------------------------------------------------------------------------------


def op_create(g):
    from fuzz_gen import CREATE

    name = g.pick(CREATE)
    dts = ", dtype=L." + g.dtype() if g.coin(0.4) else ""
    g.c.op = name
    if name in ("tensor", "new_tensor"):
        dt = g.dtype()
        data = g.values(g.shape(0, 3, 12), dt).tolist()
        if isinstance(data, list) and data and g.coin(0.2):  # mixed Python types
            data[0] = g.scalar()
        src = repr(data).replace("nan", "nan").replace("inf", "inf")
        src = lit(data) if not isinstance(data, list) else src
        rg = ", requires_grad=True" if g.coin(0.1) else ""
        if name == "tensor":
            g.use("tensor")
            g.emit(f"out = L.tensor({src}{dts}{rg})")
        else:
            g.use("Tensor.new_tensor")
            g.emit(f"out = {g.tensor((2,), g.dtype())}.new_tensor({src}{dts})")
    elif name in ("zeros", "ones", "empty", "full", "new_zeros", "new_ones", "new_full"):
        g.use(name if not name.startswith("new") else f"Tensor.{name}")
        s = list(g.shape())
        if s and g.coin(0.03):
            s[0] = -1
        full = name.endswith("full")
        fill = f", {lit(g.scalar())}" if full else ""
        sh = f"{tuple(s)!r}" if full or not s or g.coin(0.5) else ", ".join(map(str, s))
        if name.startswith("new"):
            g.emit(f"out = {g.tensor((1,), g.dtype())}.{name}({sh}{fill}{dts})")
        else:
            g.emit(f"out = L.{name}({sh}{fill}{dts})")
        g.c.values = name != "empty"
    elif name == "arange":
        g.use("arange")
        isf = g.coin(0.4)
        vals = [g.scalar("float" if isf else "int") for _ in range(int(g.r.integers(1, 4)))]
        vals = [v if not isinstance(v, int) or abs(v) < 2**40 else v % 50 for v in vals]
        g.emit(f"out = L.arange({', '.join(lit(v) for v in vals)}{dts})")
    elif name == "linspace":
        g.use("linspace")  # bool: torch raises unless steps == 1 (an early return): not drawn
        dts = dts.replace("L.bool", "L.int64")
        a, b = g.scalar(g.pick(["int", "float"])), g.scalar(g.pick(["int", "float"]))
        g.emit(f"out = L.linspace({lit(a)}, {lit(b)}, {int(g.r.integers(-1, 7))}{dts})")
    elif name == "eye":
        g.use("eye")
        nm = [int(g.r.integers(0, 5)) for _ in range(int(g.r.integers(1, 3)))]
        g.emit(f"out = L.eye({', '.join(map(str, nm))}{dts})")
    elif name.endswith("_like"):
        g.use(name)
        x = g.tensor(g.shape(), g.dtype())
        fill = f", {lit(g.scalar())}" if name == "full_like" else ""
        g.emit(f"out = L.{name}({x}{fill}{dts})")
        g.c.values = name != "empty_like"
    elif name in ("cat", "stack"):
        g.use(name)
        s = g.shape(0, 3)
        nd = len(s)
        d = g.dim(nd + (name == "stack"))
        dt = g.dtype(FLOAT if g.coin(0.7) else ALL)
        g.grad = dt in FLOAT and g.coin(0.5)
        parts = []
        for _ in range(int(g.r.integers(1, 4))):
            p = list(s)
            if name == "cat" and nd and -nd <= d < nd and g.coin(0.8):
                p[d] = int(g.r.integers(0, 4))
            parts.append(g.tensor(p, dt if g.coin(0.85) else g.dtype()))
        g.emit(f"out = L.{name}([{', '.join(parts)}], {d})")
        g.c.watch.insert(0, "out")
        if g.grad:
            g.backward()
        return
    else:  # conversions, item, tolist
        g.use(f"Tensor.{name}")
        dt = g.dtype()
        kind = "any" if name not in ("to", "long") else "plain"
        g.grad = dt in FLOAT and name in ("to", "float", "double") and g.coin(0.4)
        x = g.tensor(
            g.shape(0, 2, 4) if name != "item" else g.pick([(), (1,), (1, 1), (2,)]), dt, kind
        )
        if name == "to":
            target = g.dtype()
            if target in INT and dt in FLOAT:
                g.c.tags.add("float-to-int")
            g.emit(f"out = {x}.to(L.{target})")
        else:
            g.emit(f"out = {x}.{name}()")
        g.c.watch.insert(0, "out")
        if g.grad and name != "item" and name != "tolist":
            g.backward()
        return
    g.c.watch.insert(0, "out")


FAMILIES = {
    "binary": (op_binary, 18),
    "unary": (op_unary, 8),
    "activation": (op_activation, 4),
    "where_clamp": (op_where_clamp, 6),
    "reduce": (op_reduce, 14),
    "view": (op_view, 12),
    "index": (op_index, 16),
    "matmul": (op_matmul, 7),
    "create": (op_create, 8),
}


def add_family(name, fn, weight):
    FAMILIES[name] = (fn, weight)


__all__ = ["FAMILIES", "Unavailable", "BOOL", "INT", "idx_text"]
