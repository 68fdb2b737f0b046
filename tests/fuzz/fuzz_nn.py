"""nn.functional family for the differential fuzzer: losses, linear, dropout, normalisation,
distances, softmax family (all called as `F.name`, F = L.nn.functional)."""

from __future__ import annotations

import numpy as np
from fuzz_gen import FLOAT, LOSSES, NNF, lit


def _reduction(g):
    return f", reduction={g.pick(['mean', 'sum', 'none'])!r}" if g.coin(0.6) else ""


def op_nn(g):
    name = g.pick(LOSSES + NNF)
    g.use(f"F.{name}")
    dt = g.dtype(FLOAT) if g.coin(0.95) else g.dtype(("int64",))
    g.grad = dt in FLOAT and g.coin(0.6)
    g.c.op = f"F.{name}"
    T = g.tensor
    if name in ("cross_entropy", "nll_loss"):
        C = int(g.r.integers(1, 5))
        N = int(g.r.integers(0, 4))
        lead = g.pick([(), (N,), (N,), (N, C, 2)])
        ish = (C,) if lead == () else (N, C) if len(lead) == 1 else (N, C, 2)
        tsh = () if lead == () else (N,) if len(lead) == 1 else (N, 2)
        x = T(ish, dt)
        kw = _reduction(g)
        ign = None
        if g.coin(0.3):
            ign = g.pick([-100, 0, 1])
            kw += f", ignore_index={ign}"
        if name == "cross_entropy" and g.coin(0.25):
            y = T(ish, dt, "unit", rg=False)
        else:
            v = g.r.integers(0, C, int(np.prod(tsh)))
            if ign is not None and v.size and g.coin(0.5):
                v[0] = ign
            if g.coin(0.04) and v.size:
                v[-1] = C
                g.c.tags.add("bad-index")
            y = T(tsh, "int64", vals=v.reshape(tsh))
        if g.coin(0.3):
            kw += f", weight={T((C,), dt, 'pos', rg=False)}"
        if name == "cross_entropy" and g.coin(0.3):
            kw += f", label_smoothing={g.pick([0.1, 0.5])}"
        g.emit(f"out = F.{name}({x}, {y}{kw})")
    elif name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
        s = g.shape()
        x, y = T(s, dt), T(s if g.coin(0.95) else g.bshape(s), dt)
        kw = _reduction(g)
        if name == "smooth_l1_loss" and g.coin(0.5):
            kw += f", beta={g.pick([0.5, 1.0, 2.0])}"
        if name == "huber_loss" and g.coin(0.5):
            kw += f", delta={g.pick([0.5, 1.0, 2.0])}"
        g.emit(f"out = F.{name}({x}, {y}{kw})")
    elif name in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
        s = g.shape()
        logits = name.endswith("logits")
        x = T(s, dt, "any" if logits else "unit")
        y = T(s, dt, "unit", rg=None if logits else False)
        kw = _reduction(g)
        if g.coin(0.3):
            kw += f", weight={T(g.bshape(s), dt, 'pos', rg=False)}"
        if logits and g.coin(0.3) and s:
            kw += f", pos_weight={T(s[-1:], dt, 'pos', rg=False)}"
        g.emit(f"out = F.{name}({x}, {y}{kw})")
    elif name == "kl_div":
        s = g.shape(1, 3)
        log_t = g.coin(0.4)
        x, y = T(s, dt), T(s, dt, "any" if log_t else "unit")
        red = g.pick(["mean", "sum", "none", "batchmean"])
        g.emit(f"out = F.kl_div({x}, {y}, reduction={red!r}, log_target={log_t})")
    elif name == "linear":
        s = g.shape(1, 3)
        o = int(g.r.integers(0, 4))
        i = s[-1] if g.coin(0.95) else s[-1] + 1
        x, w = T(s, dt), T((o, i), dt)
        b = T((o,), dt) if g.coin(0.6) else "None"
        g.emit(f"out = F.linear({x}, {w}, {b})")
    elif name == "dropout":
        x = T(g.shape(), dt)
        kw = g.pick(["0.0", "p=0.0, training=True", "p=0.5, training=False", "0.9, False"])
        g.emit(f"out = F.dropout({x}, {kw})")
    elif name in ("normalize", "softmax", "log_softmax", "softmin"):
        s = g.shape(0 if name != "normalize" else 1)
        x = T(s, dt)
        d = g.dim(len(s))
        if name == "normalize":
            kw = f", p={lit(g.pick([2.0, 1.0, 3.0, float('inf')]))}, dim={d}"
            kw += f", eps={g.pick([1e-12, 0.1])}" if g.coin(0.3) else ""
        else:
            kw = f", dim={d}" + (f", dtype=L.{g.dtype(FLOAT)}" if g.coin(0.2) else "")
        g.emit(f"out = F.{name}({x}{kw})")
    elif name in ("cosine_similarity", "pairwise_distance"):
        s = g.shape(1, 3)
        x, y = T(s, dt), T(g.bshape(s), dt)
        if name == "cosine_similarity":
            kw = f", dim={g.dim(len(s))}" + (", eps=0.5" if g.coin(0.3) else "")
        else:
            kw = f", p={g.pick([2.0, 1.0, 3.0])}, keepdim={g.coin()}"
        g.emit(f"out = F.{name}({x}, {y}{kw})")
    elif name == "one_hot":
        C = int(g.r.integers(1, 5))
        s = g.shape(0, 2)
        ix = g.index(C, s, neg=0.02)
        g.emit(f"out = F.one_hot({ix}, {g.pick([C, C + 1, -1])})")
    elif name == "layer_norm":
        s = g.shape(1, 4)
        k = int(g.r.integers(1, len(s) + 1))
        ns = s[-k:]
        x = T(s, dt)
        kw = f", {T(ns, dt)}" + (f", {T(ns, dt)}" if g.coin(0.6) else "") if g.coin(0.6) else ""
        g.emit(f"out = F.layer_norm({x}, {tuple(ns)!r}{kw})")
    elif name == "prelu":
        s = g.shape(1, 4)
        c = s[1] if len(s) > 1 and g.coin(0.6) else 1
        g.emit(f"out = F.prelu({T(s, dt)}, {T((c,), dt)})")
    g.c.watch.insert(0, "out")
    if g.grad and name != "one_hot":
        g.backward()
