"""In-place view ops: squeeze_, unsqueeze_, t_, transpose_ (Tensor methods that return self).

The registry (tests/opinfo.py, entries ``squeeze_`` ...) runs them on a clone, which checks
values, gradients and layouts; what it cannot see is checked here: the method returns the very
tensor it was called on, that tensor's own shape and strides change (its data does not move),
a view's base keeps its shape while writes through the re-shaped view still land in it, and
autograd flows through a non-leaf re-shaped in place. Expectations are plain NumPy.
"""

import numpy as np
import pytest
from conftest import tgt, to_np


def _data(shape):
    return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) - 2.5


def _squeeze(a, dim=None):
    if dim is None:
        return a.reshape([s for s in a.shape if s != 1])
    dims = {d % max(a.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)}
    return a.reshape([s for i, s in enumerate(a.shape) if not (i in dims and s == 1)])


CASES = [  # (method, shape, args, kwargs, NumPy expectation of the data)
    ("squeeze_", (1, 3, 1), (), {}, lambda a: _squeeze(a)),
    ("squeeze_", (1, 3, 1), (0,), {}, lambda a: _squeeze(a, 0)),
    ("squeeze_", (1, 3, 1), (), {"dim": -1}, lambda a: _squeeze(a, -1)),
    ("squeeze_", (2, 3), (0,), {}, lambda a: a),  # not size 1: unchanged, no error
    ("squeeze_", (1, 1, 3), ((0, 1),), {}, lambda a: _squeeze(a, (0, 1))),
    ("squeeze_", (), (), {}, lambda a: a),
    ("unsqueeze_", (3, 4), (0,), {}, lambda a: a[None]),
    ("unsqueeze_", (3, 4), (-1,), {}, lambda a: a[..., None]),
    ("unsqueeze_", (3, 4), (1,), {}, lambda a: a[:, None]),
    ("unsqueeze_", (), (0,), {}, lambda a: a.reshape(1)),
    ("unsqueeze_", (0, 3), (2,), {}, lambda a: a[..., None]),
    ("t_", (3, 4), (), {}, lambda a: a.T),
    ("t_", (5,), (), {}, lambda a: a),
    ("t_", (), (), {}, lambda a: a),
    ("transpose_", (2, 3, 4), (0, -1), {}, lambda a: np.swapaxes(a, 0, -1)),
    ("transpose_", (2, 3, 4), (1, 1), {}, lambda a: a),
    ("transpose_", (3, 4), (1, 0), {}, lambda a: a.T),
]
IDS = [f"{m}-{list(s)}-{a}-{k}" for m, s, a, k, _ in CASES]


@pytest.mark.parametrize("method,shape,args,kwargs,expect", CASES, ids=IDS)
def test_returns_self_with_new_shape(method, shape, args, kwargs, expect):
    a = _data(shape)
    x = tgt(a)
    r = getattr(x, method)(*args, **kwargs)
    assert r is x, f"{method} did not return self"
    want = expect(a)
    assert tuple(x.shape) == want.shape
    np.testing.assert_array_equal(to_np(x), want)


@pytest.mark.parametrize("dtype", ["int64", "bool"])
def test_other_dtypes(dtype):
    a = (_data((1, 3, 1)) > 0) if dtype == "bool" else _data((1, 3, 1)).astype(np.int64)
    x = tgt(a)
    assert x.squeeze_() is x and tuple(x.shape) == (3,)
    assert x.unsqueeze_(0) is x and tuple(x.shape) == (1, 3)
    assert x.t_() is x and tuple(x.shape) == (3, 1)
    assert x.transpose_(0, 1) is x and tuple(x.shape) == (1, 3)
    np.testing.assert_array_equal(to_np(x), a.reshape(1, 3))


def test_chained_and_noncontiguous_self():
    """On a transposed (non-contiguous) tensor: only shape/strides change; the values follow."""
    a = _data((4, 3))
    x = tgt(np.ascontiguousarray(a.T)).t()  # [4, 3], non-contiguous
    x.unsqueeze_(1).transpose_(0, 2)
    assert tuple(x.shape) == (3, 1, 4)
    np.testing.assert_array_equal(to_np(x), np.swapaxes(a[:, None], 0, 2))
    x.squeeze_(1).t_()
    np.testing.assert_array_equal(to_np(x), a)


def test_on_a_view_base_keeps_its_shape_and_writes_land():
    base = tgt(_data((2, 3)))
    v = base[:]
    v.t_()
    assert tuple(v.shape) == (3, 2) and tuple(base.shape) == (2, 3)
    v[0, 1] = 100.0  # v[0, 1] is base[1, 0]
    want = _data((2, 3))
    want[1, 0] = 100.0
    np.testing.assert_array_equal(to_np(base), want)
    u = base[0]
    u.unsqueeze_(0)
    assert tuple(u.shape) == (1, 3) and tuple(base.shape) == (2, 3)


def test_autograd_through_unsqueeze_():
    a = tgt(np.ones(3), requires_grad=True)
    y = a * 2
    r = y.unsqueeze_(0)
    assert r is y and tuple(y.shape) == (1, 3)
    y.sum().backward()
    np.testing.assert_array_equal(to_np(a.grad), np.full(3, 2.0))


@pytest.mark.parametrize(
    "method,shape,args,out_shape",
    [
        ("squeeze_", (1, 3, 1), (), (3,)),
        ("unsqueeze_", (2, 3), (1,), (2, 1, 3)),
        ("t_", (2, 3), (), (3, 2)),
        ("transpose_", (2, 3, 4), (0, 2), (4, 3, 2)),
    ],
)
def test_autograd_with_upstream_weights(method, shape, args, out_shape):
    """d sum(w * op(2a)) / da = 2 * (w mapped back through the inverse re-arrangement)."""
    a_np = _data(shape)
    w = np.random.default_rng(0).uniform(0.5, 1.5, size=out_shape)
    a = tgt(a_np, requires_grad=True)
    y = a * 2
    getattr(y, method)(*args)
    assert tuple(y.shape) == out_shape
    (y * tgt(w)).sum().backward()
    if method == "t_":
        back = w.T
    elif method == "transpose_":
        back = np.swapaxes(w, args[0], args[1])
    else:
        back = w.reshape(shape)
    np.testing.assert_allclose(to_np(a.grad), 2 * back)


def test_leaf_requiring_grad_raises():
    """As every in-place op: a leaf that requires grad cannot be re-shaped in place."""
    a = tgt(np.ones((1, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        a.squeeze_()
    assert tuple(a.shape) == (1, 3)
