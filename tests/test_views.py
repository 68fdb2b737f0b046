"""Views: shape ops and basic indexing share storage in both directions; non-contiguous layouts;
advanced indexing and __setitem__; gradients through chains of views."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, check_grad, raises, randn, tgt

F32, F64, I64, B = tg.float32, tg.float64, tg.int64, tg.bool

A = np.arange(24, dtype=np.float64).reshape(2, 3, 4)

# name: (tetragrad view fn, NumPy view fn, writable through the view)
VIEWS = {
    "view": (lambda t: t.view(6, 4), lambda a: a.reshape(6, 4), True),
    "view_tuple": (lambda t: t.view((4, 6)), lambda a: a.reshape(4, 6), True),
    "view_infer": (lambda t: t.view(2, -1), lambda a: a.reshape(2, -1), True),
    "view_flat": (lambda t: t.view(-1), lambda a: a.reshape(-1), True),
    "reshape": (lambda t: t.reshape(4, 3, 2), lambda a: a.reshape(4, 3, 2), True),
    "reshape_fn": (lambda t: tg.reshape(t, (-1, 4)), lambda a: a.reshape(-1, 4), True),
    "transpose": (lambda t: t.transpose(0, 2), lambda a: a.transpose(2, 1, 0), True),
    "transpose_neg": (lambda t: tg.transpose(t, -1, -2), lambda a: a.swapaxes(-1, -2), True),
    "permute": (lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), True),
    "permute_tuple": (lambda t: t.permute((1, 2, 0)), lambda a: a.transpose(1, 2, 0), True),
    "unsqueeze0": (lambda t: t.unsqueeze(0), lambda a: a[None], True),
    "unsqueeze_neg": (lambda t: tg.unsqueeze(t, -1), lambda a: a[..., None], True),
    "unsqueeze_mid": (lambda t: t.unsqueeze(2), lambda a: a[:, :, None], True),
    "squeeze_all": (lambda t: t[:1, 1:2].squeeze(), lambda a: a[:1, 1:2].squeeze(), True),
    "squeeze_dim": (lambda t: t[:, :1].squeeze(1), lambda a: a[:, :1].squeeze(1), True),
    "squeeze_noop": (lambda t: t.squeeze(0), lambda a: a, True),
    "expand": (
        lambda t: t[:, :1].expand(2, 5, 4),
        lambda a: np.broadcast_to(a[:, :1], (2, 5, 4)),
        False,
    ),
    "expand_keep": (
        lambda t: t.unsqueeze(0).expand(3, -1, -1, -1),
        lambda a: np.broadcast_to(a, (3, 2, 3, 4)),
        False,
    ),
    "expand_as": (
        lambda t: t[0, 0].expand_as(t),
        lambda a: np.broadcast_to(a[0, 0], a.shape),
        False,
    ),
    "flatten": (lambda t: t.flatten(), lambda a: a.reshape(-1), True),
    "flatten_1": (lambda t: t.flatten(1), lambda a: a.reshape(2, -1), True),
    "flatten_0_1": (lambda t: tg.flatten(t, 0, 1), lambda a: a.reshape(6, 4), True),
    "narrow": (lambda t: t.narrow(1, 1, 2), lambda a: a[:, 1:3], True),
    "narrow_neg": (lambda t: t.narrow(-1, 0, 3), lambda a: a[..., :3], True),
    "select": (lambda t: t.select(1, 2), lambda a: a[:, 2], True),
    "select_neg": (lambda t: t.select(-1, -1), lambda a: a[..., -1], True),
    "t": (lambda t: t[0].t(), lambda a: a[0].T, True),
    "T": (lambda t: t[1].T, lambda a: a[1].T, True),
    "unbind": (lambda t: t.unbind(1)[2], lambda a: a[:, 2], True),
    "unbind_fn": (lambda t: tg.unbind(t)[1], lambda a: a[1], True),
    "detach": (lambda t: t.detach(), lambda a: a, True),
    "chain": (
        lambda t: t.transpose(0, 1)[1:].unsqueeze(0)[..., ::2],
        lambda a: a.transpose(1, 0, 2)[1:][None][..., ::2],
        True,
    ),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_values(name):
    fn, ref, _ = VIEWS[name]
    assert_close(fn(tgt(A)), ref(A), dtype=F64)
    assert_close(fn(tgt(A.astype(np.float32))), ref(A), dtype=F32)
    assert_close(fn(tgt(A.astype(np.int64))), ref(A), dtype=I64)


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_sees_base_writes(name):
    fn, ref, _ = VIEWS[name]
    base = tgt(A)
    v = fn(base)
    base.mul_(-2.0)  # an in-place write to the base shows through the view
    assert_close(v, ref(A * -2.0))
    base[1] = 0.5  # and so does a __setitem__ on the base
    a = A * -2.0
    a[1] = 0.5
    assert_close(v, ref(a))


@pytest.mark.parametrize("name", [n for n, v in VIEWS.items() if v[2]])
def test_base_sees_view_writes(name):
    fn, ref, _ = VIEWS[name]
    base = tgt(A)
    v = fn(base)
    v.fill_(-7.0)
    a = A.copy()
    ref(a)[...] = -7.0  # the NumPy view writes through to `a` in the same places
    assert_close(base, a)
    v.zero_()
    ref(a)[...] = 0.0
    assert_close(base, a)


# view() of a transposed tensor is an error (tested below), so view cases are left out.
@pytest.mark.parametrize("name", [n for n in VIEWS if not n.startswith("view")])
def test_view_of_noncontiguous_input(name):
    fn, ref, _ = VIEWS[name]
    a = np.ascontiguousarray(A.transpose(2, 1, 0))  # (4, 3, 2)
    base = tgt(a).permute(2, 1, 0)  # values of A, non-contiguous strides
    assert not base.is_contiguous()
    assert_close(fn(base), ref(A))


def test_strides_and_contiguity():
    t = tgt(A)
    assert t.stride() == (12, 4, 1) and t.stride(0) == 12 and t.stride(-1) == 1
    assert t.is_contiguous()
    assert t.transpose(0, 2).stride() == (1, 4, 12)
    assert not t.transpose(0, 2).is_contiguous()
    assert t[:, :, ::2].stride() == (12, 4, 2)
    assert t[:, :1].expand(2, 5, 4).stride() == (12, 0, 1)
    assert t.unsqueeze(1).shape == (2, 1, 3, 4)
    assert t[:, 1].is_contiguous() is False and t[1].is_contiguous() is True
    c = t.transpose(0, 2).contiguous()
    assert c.is_contiguous() and c.stride() == (6, 2, 1)
    assert_close(c, A.transpose(2, 1, 0))
    assert t.contiguous().data_ptr() == t.data_ptr()  # already contiguous: no copy


def test_data_ptr_offsets():
    t = tgt(A.astype(np.float32))
    assert t.element_size() == 4
    assert t[1].data_ptr() == t.data_ptr() + 12 * 4
    assert t[:, 2, 1:].data_ptr() == t.data_ptr() + (2 * 4 + 1) * 4
    assert t.transpose(0, 1).data_ptr() == t.data_ptr()


def test_contiguous_copy_is_independent():
    t = tgt(A)
    c = t.transpose(0, 1).contiguous()
    c.fill_(0.0)
    assert_close(t, A)


def test_clone_is_independent():
    t = tgt(A)
    for c in (t.clone(), t.transpose(0, 2).clone(), t[:, 1:].clone()):
        assert c.data_ptr() != t.data_ptr()
        c.fill_(3.0)
    assert_close(t, A)
    assert_close(t.transpose(0, 2).clone(), A.transpose(2, 1, 0))


def test_clone_function():
    t = tgt(A)
    c = tg.clone(t[:, 1:])  # torch.clone exists as a function too
    assert_close(c, A[:, 1:])
    c.fill_(0.0)
    assert_close(t, A)


def test_view_of_noncontiguous_raises_reshape_copies():
    t = tgt(A).transpose(0, 1)  # (3, 2, 4)
    with raises(ValueError, RuntimeError, match="not compatible with input"):
        t.view(-1)
    r = t.reshape(-1)
    assert_close(r, A.transpose(1, 0, 2).reshape(-1))
    r.fill_(0.0)  # reshape had to copy: the base is untouched
    assert_close(t, A.transpose(1, 0, 2))
    assert_close(t.reshape(3, 8), A.transpose(1, 0, 2).reshape(3, 8))
    assert_close(
        t.view(3, 2, 2, 2), A.transpose(1, 0, 2).reshape(3, 2, 2, 2)
    )  # splitting the last dim is fine


def test_reshape_of_contiguous_is_a_view():
    t = tgt(A)
    r = t.reshape(6, 4)
    r[0, 0] = 100.0
    assert t[0, 0, 0].item() == 100.0


def test_zero_and_one_size_views():
    t = tgt(np.zeros((0, 3)))
    assert tuple(t.view(3, 0).shape) == (3, 0)
    assert tuple(t.reshape(0, 1, 3).shape) == (0, 1, 3)
    assert tuple(t.t().shape) == (3, 0)
    assert tuple(t.unsqueeze(1).shape) == (0, 1, 3)
    assert tuple(t.flatten().shape) == (0,)
    assert tuple(t[:, 1:].shape) == (0, 2)
    assert tuple(tgt(np.ones((1, 1))).squeeze().shape) == ()
    assert tuple(tgt(np.ones((1, 1))).expand(0, 4).shape) == (0, 4)
    s = tgt(np.array(5.0))
    assert tuple(s.view(1, 1).shape) == (1, 1)
    assert tuple(s.reshape(-1).shape) == (1,)
    assert tuple(s.unsqueeze(0).shape) == (1,)
    assert tuple(s.expand(2, 3).shape) == (2, 3)
    assert tuple(s.flatten().shape) == (1,)


# ---- basic indexing -----------------------------------------------------------------------------
KEYS = [
    1,
    -1,
    slice(1, 2),
    (slice(None), 1),
    (Ellipsis, 0),
    (Ellipsis, -2),
    (1, slice(None), 0),
    (slice(0, 2), slice(None), 0),
    (slice(None, None, 2),),
    (slice(None), slice(None, None, 2)),
    (slice(None), slice(1, None, 2), slice(None, None, 3)),
    (slice(None), slice(-2, None)),
    (slice(None), slice(None, -1)),
    (None,),
    (Ellipsis, None),
    (slice(None), None, 1),
    (0, 1, 2),
    (-1, -1, -1),
    (slice(5, None),),  # empty
    (slice(None), slice(2, 1)),  # empty
    (slice(None), slice(1, 100)),  # clamped
    (slice(-100, 1),),
    (1, Ellipsis, None, slice(1, 3)),
    (),
]


def key_id(k):
    return repr(k).replace("slice", "s").replace("Ellipsis", "...").replace(" ", "")


@pytest.mark.parametrize("key", KEYS, ids=key_id)
def test_getitem(key):
    assert_close(tgt(A)[key], A[key], dtype=F64)


@pytest.mark.parametrize("key", KEYS, ids=key_id)
def test_getitem_is_view(key):
    base = tgt(A)
    base[key].fill_(-1.0)  # basic indexing returns a view (also a 0-d one)
    a = A.copy()
    a[key] = -1.0
    assert_close(base, a)


@pytest.mark.parametrize("key", KEYS, ids=key_id)
def test_getitem_noncontiguous(key):
    base = tgt(np.ascontiguousarray(A.transpose(2, 1, 0))).permute(2, 1, 0)
    assert_close(base[key], A[key])


def test_getitem_0d_and_1d():
    s = tgt(np.array(3.0))
    assert_close(s[()], np.array(3.0))
    assert_close(s[None], np.array([3.0]))
    assert_close(s[...], np.array(3.0))
    v = tgt(np.arange(5))
    assert_close(v[-1], np.array(4), dtype=I64)
    assert_close(v[1:-1:2], np.array([1, 3]), dtype=I64)


# ---- advanced indexing ---------------------------------------------------------------------------
ADV = [
    ("tensor", lambda t: t[tg.tensor([1, 0, 1])], lambda a: a[[1, 0, 1]]),
    ("list", lambda t: t[[1, 0]], lambda a: a[[1, 0]]),
    ("neg_index", lambda t: t[tg.tensor([-1, 0])], lambda a: a[[-1, 0]]),
    ("index_2d", lambda t: t[tg.tensor([[0, 1], [1, 1]])], lambda a: a[np.array([[0, 1], [1, 1]])]),
    ("mask_full", lambda t: t[t > 10], lambda a: a[a > 10]),
    ("mask_rows", lambda t: t[tg.tensor([True, False])], lambda a: a[np.array([True, False])]),
    ("mask_2d", lambda t: t[t.sum(2) > 20], lambda a: a[a.sum(2) > 20]),
    ("mask_none", lambda t: t[t > 1000], lambda a: a[a > 1000]),
    ("after_slice", lambda t: t[1][tg.tensor([2, 0])], lambda a: a[1][[2, 0]]),
]


@pytest.mark.parametrize("name,fn,ref", ADV, ids=[c[0] for c in ADV])
def test_advanced_indexing(name, fn, ref):
    assert_close(fn(tgt(A)), ref(A), dtype=F64)
    assert_close(fn(tgt(np.ascontiguousarray(A.transpose(2, 1, 0))).permute(2, 1, 0)), ref(A))
    t = tgt(A)
    fn(t).fill_(0.0)  # advanced indexing copies: the base is untouched
    assert_close(t, A)


@pytest.mark.parametrize(
    "name,fn,ref",
    [c for c in ADV if c[0] != "mask_none"],
    ids=[c[0] for c in ADV if c[0] != "mask_none"],
)
def test_advanced_indexing_grad(name, fn, ref):
    check_grad(fn, A / 10.0 + randn(*A.shape) * 0.01)


# ---- __setitem__ ------------------------------------------------------------------------------------
SETITEM = [
    ("int_scalar", 0, 5.0),
    ("neg_int", -1, -2.5),
    ("slice_scalar", (slice(None), 1), 9),
    ("ellipsis", (Ellipsis, -1), 0.0),
    ("point", (1, 2, 3), 1.5),
    ("tensor_row", (0, 1), np.array([1.0, 2.0, 3.0, 4.0])),
    ("broadcast_col", (slice(None), slice(0, 2)), np.array([[10.0], [20.0]])),
    ("broadcast", (slice(None), slice(None), 0), np.array([7.0, 8.0, 9.0])),
    ("step", (slice(None), slice(None), slice(None, None, 2)), np.array([-1.0, -2.0])),
    ("full", (Ellipsis,), np.array(4.0)),
    ("mask", "mask", 0.0),
]


@pytest.mark.parametrize("name,key,value", SETITEM, ids=[c[0] for c in SETITEM])
def test_setitem(name, key, value):
    a = A.copy()
    t = tgt(A)
    ptr = t.data_ptr()
    if isinstance(key, str):  # boolean mask
        key_t, key = t > 11, A > 11
    else:
        key_t = key
    a[key] = value
    t[key_t] = tgt(value) if isinstance(value, np.ndarray) else value
    assert_close(t, a)
    assert t.data_ptr() == ptr


def test_setitem_through_view_and_casting():
    t = tgt(A)
    v = t.transpose(0, 2)  # (4, 3, 2)
    v[1] = tgt(np.array([1.0, 2.0]))
    a = A.copy()
    a.transpose(2, 1, 0)[1] = np.array([1.0, 2.0])
    assert_close(t, a)
    i = tgt(np.zeros((2, 3), dtype=np.int64))
    i[0] = tgt(np.array([1.7, -2.7, 3.0], dtype=np.float32))  # cast into int64 (truncates)
    assert_close(i, np.array([[1, -2, 3], [0, 0, 0]]), dtype=I64)
    f = tgt(np.zeros(3, dtype=np.float32))
    f[1:] = tgt(np.array([5, 6]))
    assert_close(f, np.array([0.0, 5.0, 6.0]), dtype=F32)


# ---- len, iteration, unbind ------------------------------------------------------------------------


def test_len_and_iteration():
    t = tgt(A)
    assert len(t) == 2
    rows = list(t)
    assert len(rows) == 2
    for r, ar in zip(rows, A, strict=True):
        assert_close(r, ar)
    rows[0].fill_(0.0)  # rows are views
    assert t[0].sum().item() == 0.0
    assert len(tgt(np.zeros((0, 3)))) == 0 and list(tgt(np.zeros((0, 3)))) == []
    with pytest.raises(TypeError):
        len(tgt(np.array(1.0)))
    with pytest.raises(TypeError):
        iter(tgt(np.array(1.0)))


def test_unbind():
    parts = tgt(A).unbind(2)
    assert isinstance(parts, tuple) and len(parts) == 4
    for k, p in enumerate(parts):
        assert_close(p, A[:, :, k])


# ---- gradients through chains of views --------------------------------------------------------------


def setitem_graph(x):
    y = x.clone()
    y[0] = 0.0
    y[:, 1] = x[:, 0] * 2.0
    return y * x


def inplace_on_view_of_nonleaf(x):
    y = x * 1.0
    y[0].mul_(3.0)
    y.t()[1].add_(x[:, 0])
    return y.exp()


GRAD_CHAINS = [
    ("view_t_slice", lambda x: x.view(3, 2).t()[1:, ::2]),
    ("reshape_step", lambda x: x.reshape(-1)[::2] * 3.0),
    (
        "expand_sum",
        lambda x: x.unsqueeze(0).expand(3, 2, 3) * tg.arange(3, dtype=tg.float64).view(3, 1, 1),
    ),
    ("expand_as", lambda x: x[:, :1].expand_as(x) * x),
    ("permute_flatten", lambda x: x.unsqueeze(2).permute(2, 1, 0).flatten()),
    ("outer", lambda x: x.flatten()[:, None] * x.flatten()[None]),
    ("index_int", lambda x: x[1] * x[:, -1].sum() + x[0, 1]),
    ("narrow_select", lambda x: x.narrow(1, 1, 2).select(0, 1)),
    ("unbind", lambda x: x.unbind(1)[1] * x.unbind(1)[0]),
    ("squeeze_unsqueeze", lambda x: x[:1].squeeze().unsqueeze(1).transpose(0, 1)),
    ("T_contiguous_view", lambda x: x.T.contiguous().view(-1)),
    ("setitem", setitem_graph),
    ("inplace_on_view", inplace_on_view_of_nonleaf),
    ("chunk_stack", lambda x: tg.stack(x.chunk(3, dim=1), 0)),
]


@pytest.mark.parametrize("name,fn", GRAD_CHAINS, ids=[c[0] for c in GRAD_CHAINS])
def test_grad_through_views(name, fn):
    check_grad(fn, randn(2, 3))


def test_grad_setitem_values():
    x = tgt(np.ones((2, 3)), requires_grad=True)
    y = x * 2.0
    y[:, 0] = 0.0
    y.sum().backward()
    assert_close(x.grad, np.array([[0.0, 2.0, 2.0], [0.0, 2.0, 2.0]]))


def test_setitem_leaf_requiring_grad_raises():
    x = tgt(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError):
        x[0] = 5.0
    with tg.no_grad():
        x[0] = 5.0  # fine without recording
    assert_close(x, np.array([5.0, 1.0, 1.0]))


def test_view_of_leaf_requires_grad():
    x = tgt(randn(2, 3), requires_grad=True)
    v = x.t()
    assert v.requires_grad and not v.is_leaf
    (v * 2.0).sum().backward()
    assert_close(x.grad, np.full((2, 3), 2.0))
