"""Joining and indexing: cat, stack, chunk, split, gather, index_select, masked_fill, where."""

import numpy as np
import pytest
import reference as R
import tetragrad as tg
from conftest import assert_close, check_grad, nc, randn, tetragrad_only, tgt

F32, F64, I64, B = tg.float32, tg.float64, tg.int64, tg.bool


def ids(v):
    return str(v).replace(" ", "")


def arrays(*shapes, dtype=np.float64):
    return [randn(*s, seed=i).astype(dtype) for i, s in enumerate(shapes)]


# ---- cat / stack --------------------------------------------------------------------------------
CAT = [  # (shapes, dim)
    ([(2, 3), (4, 3)], 0),
    ([(2, 3), (2, 1), (2, 2)], 1),
    ([(2, 3), (2, 3)], -1),
    ([(2, 3, 2), (2, 1, 2)], 1),
    ([(3,), (1,), (2,)], 0),
    ([(2, 3)], 0),
    ([(0, 3), (2, 3)], 0),
    ([(2, 0), (2, 3)], 1),
    ([(0, 3), (0, 3)], 0),
]


@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
@pytest.mark.parametrize("shapes,dim", CAT, ids=ids)
def test_cat(shapes, dim, dtype):
    xs = arrays(*shapes, dtype=np.float32 if dtype == F32 else np.float64)
    assert_close(tg.cat([tgt(x) for x in xs], dim), R.cat(xs, dim), dtype=dtype)
    assert_close(tg.cat(tuple(tgt(x) for x in xs), dim=dim), R.cat(xs, dim), dtype=dtype)


def test_cat_noncontiguous_and_int():
    a, b = randn(3, 2, seed=1), randn(3, 4, seed=2)
    assert_close(tg.cat([nc(a), tgt(b)], 1), np.concatenate([a, b], 1))
    assert_close(tg.cat([tgt(b)[:, ::2], nc(a)], 1), np.concatenate([b[:, ::2], a], 1))
    i = np.arange(6).reshape(2, 3)
    assert_close(tg.cat([tgt(i), tgt(i)]), np.concatenate([i, i]), dtype=I64)
    m = np.array([True, False])
    assert_close(tg.cat([tgt(m), tgt(~m)]), np.concatenate([m, ~m]), dtype=B)


def test_cat_result_is_a_copy():
    a = tgt(np.zeros(2))
    c = tg.cat([a, a])
    c.fill_(1.0)
    assert_close(a, np.zeros(2))


@pytest.mark.parametrize("shapes,dim", [s for s in CAT if all(0 not in x for x in s[0])], ids=ids)
def test_cat_grad(shapes, dim):
    check_grad(lambda *ts: tg.cat(ts, dim), *arrays(*shapes))


STACK = [
    ((3,), 2, 0),
    ((3,), 2, 1),
    ((2, 3), 3, 0),
    ((2, 3), 2, 1),
    ((2, 3), 2, -1),
    ((2, 3), 1, 2),
    ((), 3, 0),
    ((0, 2), 2, 1),
]


@pytest.mark.parametrize("shape,n,dim", STACK, ids=ids)
def test_stack(shape, n, dim):
    xs = arrays(*[shape] * n)
    assert_close(tg.stack([tgt(x) for x in xs], dim), R.stack(xs, dim))
    assert_close(
        tg.stack([tgt(x.astype(np.float32)) for x in xs], dim=dim), R.stack(xs, dim), dtype=F32
    )
    if 0 not in shape:
        check_grad(lambda *ts: tg.stack(ts, dim), *xs)


def test_stack_noncontiguous():
    a, b = randn(2, 3, seed=1), randn(3, 2, seed=2)
    assert_close(tg.stack([tgt(a), tgt(b).t()], 1), np.stack([a, b.T], 1))


# ---- chunk / split ------------------------------------------------------------------------------
CHUNK = [
    ((6,), 3, 0),
    ((5,), 3, 0),
    ((6,), 4, 0),
    ((2, 7), 3, 1),
    ((4, 2), 1, 0),
    ((3, 2), 5, 0),
    ((2, 6), 2, -1),
    ((0, 2), 3, 0),
]


@pytest.mark.parametrize("shape,chunks,dim", CHUNK, ids=ids)
def test_chunk(shape, chunks, dim):
    x = randn(*shape)
    ref = R.chunk(x, chunks, dim)
    for got in (tg.chunk(tgt(x), chunks, dim), tgt(x).chunk(chunks, dim=dim)):
        assert len(got) == len(ref)
        for g, r in zip(got, ref, strict=True):
            assert_close(g, r)


@pytest.mark.parametrize("shape,chunks,dim", [c for c in CHUNK if 0 not in c[0]], ids=ids)
def test_chunk_grad(shape, chunks, dim):
    def fn(x):
        pieces = tg.chunk(x, chunks, dim)
        return tg.cat([p * (i + 1) for i, p in enumerate(pieces)], dim)

    check_grad(fn, randn(*shape))
    check_grad(lambda x: tg.chunk(x, chunks, dim)[0], randn(*shape, seed=1))  # unused pieces get 0


SPLIT = [
    ((6,), 2, 0),
    ((5,), 2, 0),
    ((7, 2), 3, 0),
    ((2, 6), [1, 2, 3], 1),
    ((2, 6), (4, 2), -1),
    ((4,), [0, 4], 0),
    ((4,), 10, 0),
    ((3, 4), [3], 0),
]


@pytest.mark.parametrize("shape,sec,dim", SPLIT, ids=ids)
def test_split(shape, sec, dim):
    x = randn(*shape)
    ref = R.split(x, sec if isinstance(sec, int) else list(sec), dim)
    for got in (tg.split(tgt(x), sec, dim), tgt(x).split(sec, dim=dim)):
        assert len(got) == len(ref)
        for g, r in zip(got, ref, strict=True):
            assert_close(g, r)


@pytest.mark.parametrize("shape,sec,dim", SPLIT, ids=ids)
def test_split_grad(shape, sec, dim):
    def fn(x):
        pieces = tg.split(x, sec, dim)
        return tg.cat([p.exp() if i % 2 else p * 2 for i, p in enumerate(pieces)], dim)

    check_grad(fn, randn(*shape))


def test_chunk_split_are_views():
    t = tgt(np.zeros((4, 3)))
    a, b = t.chunk(2)
    a.fill_(1.0)
    c, d = t.split([1, 2], dim=1)
    d.add_(5.0)
    assert_close(t, np.array([[1, 6, 6], [1, 6, 6], [0, 5, 5], [0, 5, 5]], dtype=np.float64))


# ---- gather / index_select ------------------------------------------------------------------------
GATHER = [  # (input shape, dim, index)
    ((3,), 0, [2, 0, 0, 1]),
    ((3, 4), 0, [[0, 1, 2, 0], [2, 2, 1, 0]]),
    ((3, 4), 1, [[3, 0], [1, 1], [0, 2]]),
    ((3, 4), -1, [[3], [0], [2]]),
    ((3, 4), 1, [[0, 3, 3]]),  # index smaller than input along the other dim
    ((2, 3, 4), 2, np.random.default_rng(0).integers(0, 4, size=(2, 3, 5))),
    ((2, 3, 4), 1, np.random.default_rng(1).integers(0, 3, size=(2, 2, 4))),
    ((3, 4), 1, np.zeros((3, 0), dtype=np.int64)),
]


@pytest.mark.parametrize(
    "shape,dim,index",
    GATHER,
    ids=lambda v: ids(np.asarray(v).shape) if isinstance(v, (list, np.ndarray)) else ids(v),
)
def test_gather(shape, dim, index):
    x = randn(*shape)
    index = np.asarray(index, dtype=np.int64)
    ref = R.gather(x, dim, index)
    assert_close(tg.gather(tgt(x), dim, tgt(index)), ref)
    assert_close(tgt(x).gather(dim, tgt(index)), ref)
    assert_close(tg.gather(tgt(x.astype(np.float32)), dim, tgt(index)), ref, dtype=F32)
    if index.size:
        check_grad(lambda t: tg.gather(t, dim, tgt(index)), x)  # repeated indices accumulate


def test_gather_noncontiguous():
    x = randn(4, 3)
    idx = np.array([[1, 0, 3], [2, 2, 0]])
    assert_close(tg.gather(nc(x), 0, tgt(idx)), np.take_along_axis(x, idx, 0))
    assert_close(tg.gather(tgt(x), 0, tgt(idx.T.copy()).t()), np.take_along_axis(x, idx, 0))
    assert_close(
        tg.gather(tgt(np.arange(12).reshape(3, 4)), 1, tgt(np.array([[0], [3], [1]]))),
        np.array([[0], [7], [9]]),
        dtype=I64,
    )


INDEX_SELECT = [
    ((5,), 0, [4, 0, 0, 2]),
    ((3, 4), 0, [2, 0]),
    ((3, 4), 1, [3, 3, 1, 0, 2]),
    ((3, 4), -1, [1]),
    ((2, 3, 4), 1, [2, 1]),
    ((3, 4), 0, []),
]


@pytest.mark.parametrize("shape,dim,index", INDEX_SELECT, ids=ids)
def test_index_select(shape, dim, index):
    x = randn(*shape)
    index = np.asarray(index, dtype=np.int64)
    ref = R.index_select(x, dim, index)
    assert_close(tg.index_select(tgt(x), dim, tgt(index)), ref)
    assert_close(tgt(x).index_select(dim, tgt(index)), ref)
    if len(shape) >= 2:
        xt = np.ascontiguousarray(np.swapaxes(x, -1, -2))
        assert_close(tg.index_select(tgt(xt).transpose(-1, -2), dim, tgt(index)), ref)
    if index.size:
        check_grad(lambda t: tg.index_select(t, dim, tgt(index)), x)


def test_index_select_int_and_0d_index():
    x = np.arange(12).reshape(3, 4)
    assert_close(tg.index_select(tgt(x), 1, tgt(np.array([3, 0]))), x[:, [3, 0]], dtype=I64)
    assert_close(
        tg.index_select(tgt(x), 0, tgt(np.array(1))), x[[1]], dtype=I64
    )  # 0-d index -> size 1


# ---- masked_fill / where --------------------------------------------------------------------------
MASKED_FILL = [
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((2, 3), (2, 1)),
    ((2, 3), ()),
    ((3,), (3,)),
    ((0, 3), (3,)),
    ((2, 4, 3), (4, 1)),
]


def mask_of(shape, seed=3):
    return np.random.default_rng(seed).random(shape) < 0.5


@pytest.mark.parametrize("value", [0.0, -1.5, float("-inf")], ids=str)
@pytest.mark.parametrize("xs,ms", MASKED_FILL, ids=ids)
def test_masked_fill(xs, ms, value):
    x, m = randn(*xs), mask_of(ms)
    ref = R.masked_fill(x, m, value)
    assert_close(tgt(x).masked_fill(tgt(m), value), ref)
    assert_close(tgt(x.astype(np.float32)).masked_fill(tgt(m), value), ref, dtype=F32)
    assert_close(tgt(x).masked_fill(tgt(m), tgt(np.array(value))), ref)  # 0-d tensor value


def test_masked_fill_noncontiguous_and_int():
    x, m = randn(3, 4), mask_of((3, 4))
    assert_close(nc(x).masked_fill(tgt(m), 7.0), R.masked_fill(x, m, 7.0))
    assert_close(tgt(x).masked_fill(nc(m), 7.0), R.masked_fill(x, m, 7.0))
    i = np.arange(6).reshape(2, 3)
    assert_close(
        tgt(i).masked_fill(tgt(mask_of((2, 3))), -1), np.where(mask_of((2, 3)), -1, i), dtype=I64
    )


def test_masked_fill_inplace():
    x, m = randn(2, 3), mask_of((3,))
    t = tgt(x)
    assert t.masked_fill_(tgt(m), 0.5) is t
    assert_close(t, R.masked_fill(x, m, 0.5))


@pytest.mark.parametrize("xs,ms", [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), ())], ids=ids)
def test_masked_fill_grad(xs, ms):
    m = tgt(mask_of(ms))
    check_grad(lambda t: t.masked_fill(m, 2.0), randn(*xs))
    x = tgt(randn(*xs), requires_grad=True)
    x.masked_fill(m, 2.0).sum().backward()
    assert_close(x.grad, np.broadcast_to(~mask_of(ms), xs).astype(np.float64))


WHERE = [
    ((2, 3), (2, 3), (2, 3)),
    ((2, 3), (3,), (2, 1)),
    ((3,), (2, 3), ()),
    ((2, 1), (1, 3), (3,)),
    ((), (2,), (2,)),
    ((0, 3), (3,), (1,)),
]


@pytest.mark.parametrize("cs,as_,bs", WHERE, ids=ids)
def test_where(cs, as_, bs):
    c, a, b = mask_of(cs), randn(*as_, seed=1), randn(*bs, seed=2)
    ref = R.where(c, a, b)
    assert_close(tg.where(tgt(c), tgt(a), tgt(b)), ref)
    assert_close(
        tg.where(tgt(c), tgt(a.astype(np.float32)), tgt(b.astype(np.float32))), ref, dtype=F32
    )
    if 0 not in cs + as_ + bs:
        cc = tgt(c)
        check_grad(lambda x, y: tg.where(cc, x, y), a, b)


def test_where_scalars_promotion_noncontiguous():
    c, a = mask_of((3, 4)), randn(3, 4)
    assert_close(tg.where(tgt(c), tgt(a), 0.0), np.where(c, a, 0.0))
    assert_close(tg.where(tgt(c), nc(a), tgt(a)), a)
    assert_close(tg.where(nc(c), tgt(a), -tgt(a)), np.where(c, a, -a))
    i = np.arange(12).reshape(3, 4)
    assert_close(tg.where(tgt(c), tgt(i), tgt(-i)), np.where(c, i, -i), dtype=I64)
    assert_close(
        tg.where(tgt(c), tgt(i), tgt(a.astype(np.float32))),
        np.where(c, i, a.astype(np.float32)),
        dtype=F32,
    )
    assert_close(tgt(a).where(tgt(c), tgt(-a)), np.where(c, a, -a))


def test_where_grad_masks():
    c = mask_of((2, 3))
    a, b = tgt(randn(2, 3), requires_grad=True), tgt(randn(3), requires_grad=True)
    tg.where(tgt(c), a, b).sum().backward()
    assert_close(a.grad, c.astype(np.float64))
    assert_close(b.grad, (~c).sum(0).astype(np.float64))  # broadcast operand: gradient summed


def test_numpy_array_indices():
    # a 1-d NumPy int array passed __index__'s check and failed to cast (a pybind error);
    # now it is an advanced index, and a 0-d array is an int, as in torch
    a = np.arange(12).reshape(3, 4)
    x = tg.tensor(a)
    np.testing.assert_array_equal(x[np.array([0, 2])].numpy(), a[[0, 2]])
    np.testing.assert_array_equal(x[:, np.array([1, 3])].numpy(), a[:, [1, 3]])
    np.testing.assert_array_equal(x[np.array(2)].numpy(), a[2])
    np.testing.assert_array_equal(x[np.int64(1)].numpy(), a[1])
    np.testing.assert_array_equal(x[np.array([True, False, True])].numpy(), a[[0, 2]])
    x[np.array([0, 2])] = 0
    a[[0, 2]] = 0
    np.testing.assert_array_equal(x.numpy(), a)


# ---- several advanced indices in one expression (NumPy's rules are torch's here) -----------------
_MASK5 = np.array([True, False, False, True, False])
MULTI_INDEX = [  # index as a function of the module's tensor constructor (NumPy: np.asarray)
    ("two_lists", lambda T: ([0, 2], [1, 3])),
    ("range_and_list", lambda T: (range(2), [1, 2])),
    ("apart_by_slice", lambda T: ([0, 1], slice(None), [2, 3])),
    ("adjacent_after_slice", lambda T: (slice(None), [0, 1], [2, 3])),
    ("broadcast_columns", lambda T: ([[0], [2]], [1, 3])),
    ("tuple_as_list", lambda T: ((0, 1),)),
    ("negative_apart", lambda T: ([0, 1], slice(1, 3), [-1, 0])),
    ("int_then_two", lambda T: (1, [0, 1], [2, 3])),
    ("int_between", lambda T: ([0, 1], 1, [2, 3])),
    ("list_and_mask", lambda T: ([0, 2], slice(None), T(_MASK5))),
    ("tensors", lambda T: (T(np.array([2, 0])), T(np.array([[1], [3]])))),
    ("empty", lambda T: ([], [])),
]


def _np_index(index):
    return tuple(np.asarray(list(i)) if isinstance(i, range) else i for i in index)


@pytest.mark.parametrize("name,index", MULTI_INDEX, ids=[c[0] for c in MULTI_INDEX])
def test_several_advanced_indices(name, index):
    a = randn(3, 4, 5)
    want = a[_np_index(index(np.asarray))]
    x = tgt(a, requires_grad=True)
    got = x[index(tg.tensor)]
    assert tuple(got.shape) == want.shape
    assert_close(got, want)
    # The gradient scatters back with repeats summed (np.add.at).
    w = randn(*want.shape, seed=7)
    (got * tgt(w)).sum().backward()
    g = np.zeros_like(a)
    np.add.at(g, _np_index(index(np.asarray)), w)
    assert_close(x.grad, g)
    # Writes land where reads come from, through the same placement rules.
    y, ya = tgt(a), a.copy()
    y[index(tg.tensor)] = tgt(w)
    ya[_np_index(index(np.asarray))] = w
    assert_close(y, ya)


@tetragrad_only("tetragrad's error classes (torch raises IndexError/RuntimeError differently)")
def test_several_advanced_indices_errors():
    x = tg.zeros(3, 4)
    with pytest.raises(IndexError, match="out of bounds"):
        x[[0, 1], [1, 4]]
    with pytest.raises(RuntimeError, match="out of bounds"):
        x[[0, 3], [1, 2]] = 1.0
    with pytest.raises(ValueError, match="broadcast"):
        x[[0, 1], [1, 2, 3]]


@tetragrad_only("torch counts an excluded self among amax's ties (its gradients then sum to less)")
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_amax_ties_share_the_gradient(include_self):
    # slot 2 gets src 3, 3 (and self 3 when included); slot 0 gets src 1 (self 1 likewise)
    x = tg.tensor([[1.0, 2.0, 3.0]], dtype=tg.float64, requires_grad=True)
    s = tg.tensor([[3.0, 3.0, 1.0]], dtype=tg.float64, requires_grad=True)
    out = x.scatter_reduce(1, tg.tensor([[2, 2, 0]]), s, "amax", include_self=include_self)
    out.backward(tg.tensor([[6.0, 1.0, 6.0]], dtype=tg.float64))
    share = 3.0 if include_self else 2.0  # contributors equal to the max at slot 2
    first = 2.0 if include_self else 1.0  # at slot 0
    assert_close(s.grad, np.array([[6 / share, 6 / share, 6 / first]]))
    self_grad = [6 / first, 1.0, 6 / share] if include_self else [0.0, 1.0, 0.0]
    assert_close(x.grad, np.array([self_grad]))
    assert_close(x.grad.sum() + s.grad.sum(), np.array(13.0))  # all of the gradient arrives
