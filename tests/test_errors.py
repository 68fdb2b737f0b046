"""Bad input raises typed Python errors with useful messages and never crashes the interpreter.

tetragrad's contract (DESIGN.md, Errors): ValueError for bad shapes and values (the message names
the op and the offending shapes, e.g. "add: ... [2, 3] ... [4]"), TypeError for wrong dtypes,
IndexError for out-of-range indices and dims, RuntimeError for misuse of state. (PyTorch raises
RuntimeError for most of these; the ValueError/TypeError split is tetragrad's own.) Each table row
names the exception torch raises for the same call, which the torch self-check asserts.
"""

import numpy as np
import pytest
import tetragrad as tg
from conftest import (
    TORCH_BACKEND,
    assert_close,
    assert_message_names,
    raises,
    tetragrad_only,
    tgt,
    torch_differs,
)

I64, B = tg.int64, tg.bool


def z(*shape, dtype=None):
    return tg.zeros(*shape, dtype=dtype or tg.float32)


def idx(*vals):
    return tgt(np.array(vals, dtype=np.int64).reshape(-1))


# ---- shapes: ValueError naming the op and the shapes ---------------------------------------------------
# (id, fn, accepted op names (any one must appear), shapes that must appear in the message);
# torch raises RuntimeError for every one
SHAPE_ERRORS = [
    ("add", lambda: tg.add(z(2, 3), z(4)), ("add",), ["[2, 3]", "[4]"]),
    ("add_op", lambda: z(2, 3) + z(4), ("add",), ["[2, 3]", "[4]"]),
    ("sub", lambda: z(2, 3) - z(3, 2), ("sub",), ["[2, 3]", "[3, 2]"]),
    ("mul", lambda: tg.mul(z(2, 3), z(2, 2)), ("mul",), ["[2, 3]", "[2, 2]"]),
    ("div", lambda: z(5) / z(4), ("div",), ["[5]", "[4]"]),
    ("pow", lambda: tg.pow(z(2, 3), z(4)), ("pow",), ["[2, 3]", "[4]"]),
    ("maximum", lambda: tg.maximum(z(3), z(2)), ("maximum",), ["[3]", "[2]"]),
    ("eq", lambda: z(3) == z(2), ("eq",), ["[3]", "[2]"]),
    ("lt", lambda: tg.lt(z(1, 3), z(2, 2)), ("lt",), ["[1, 3]", "[2, 2]"]),
    (
        "logical_and",
        lambda: tg.logical_and(z(3, dtype=B), z(2, dtype=B)),
        ("logical_and",),
        ["[3]", "[2]"],
    ),
    ("where", lambda: tg.where(z(2, 3, dtype=B), z(2, 3), z(4)), ("where",), ["[4]"]),
    ("matmul", lambda: z(2, 3) @ z(4, 5), ("matmul",), ["[2, 3]", "[4, 5]"]),
    (
        "matmul_batch",
        lambda: tg.matmul(z(2, 2, 3), z(3, 3, 2)),
        ("matmul",),
        ["[2, 2, 3]", "[3, 3, 2]"],
    ),
    ("matmul_vec", lambda: tg.matmul(z(3), z(4)), ("matmul", "dot"), ["[3]", "[4]"]),
    ("mm", lambda: tg.mm(z(2, 3), z(2, 3)), ("mm",), ["[2, 3]"]),
    ("mm_1d", lambda: tg.mm(z(3), z(3, 2)), ("mm",), ["[3]"]),
    ("bmm", lambda: tg.bmm(z(2, 2, 3), z(3, 3, 2)), ("bmm",), ["[2, 2, 3]", "[3, 3, 2]"]),
    ("bmm_2d", lambda: tg.bmm(z(2, 3), z(3, 2)), ("bmm",), ["[2, 3]"]),
    ("addmm_bias", lambda: tg.addmm(z(3, 3), z(2, 3), z(3, 4)), ("addmm",), ["[3, 3]"]),
    ("dot", lambda: tg.dot(z(3), z(4)), ("dot",), ["[3]", "[4]"]),
    ("cat", lambda: tg.cat([z(2, 3), z(2, 4)]), ("cat",), ["[2, 3]", "[2, 4]"]),
    ("cat_ndim", lambda: tg.cat([z(2, 3), z(3)]), ("cat",), ["[2, 3]", "[3]"]),
    ("stack", lambda: tg.stack([z(2), z(3)]), ("stack",), ["[2]", "[3]"]),
    ("view", lambda: z(2, 3).view(4), ("view",), ["[2, 3]", "[4]"]),
    ("reshape", lambda: z(2, 3).reshape(5, -1), ("reshape", "view"), ["[2, 3]"]),
    ("expand", lambda: z(2, 3).expand(4, 3), ("expand",), ["[2, 3]", "[4, 3]"]),
    (
        "masked_fill",
        lambda: z(2, 3).masked_fill(z(4, dtype=B), 0.0),
        ("masked_fill",),
        ["[2, 3]", "[4]"],
    ),
    ("gather_ndim", lambda: tg.gather(z(2, 3), 1, idx(0, 1, 2)), ("gather",), ["[2, 3]", "[3]"]),
    ("inplace_broadcast", lambda: z(3).add_(z(2, 3)), ("add",), ["[3]", "[2, 3]"]),
    ("copy_", lambda: z(2, 3).copy_(z(5)), ("copy",), ["[2, 3]", "[5]"]),
]


@pytest.mark.parametrize("name,fn,ops,shapes", SHAPE_ERRORS, ids=[c[0] for c in SHAPE_ERRORS])
def test_shape_error_type(name, fn, ops, shapes):
    with raises(ValueError, RuntimeError):
        fn()


TORCH_MESSAGE_NAMES_OP_AND_SHAPES = {"stack", "expand"}


@pytest.mark.parametrize(
    "name,fn,ops,shapes",
    [
        pytest.param(
            *c,
            id=c[0],
            marks=()
            if c[0] in TORCH_MESSAGE_NAMES_OP_AND_SHAPES
            else torch_differs("its message does not name both the op and every shape"),
        )
        for c in SHAPE_ERRORS
    ],
)
def test_shape_error_message(name, fn, ops, shapes):
    with pytest.raises(Exception) as info:  # noqa: B017 - the type is checked above
        fn()
    assert_message_names(str(info.value), ops, shapes)


# (id, fn, the exception torch raises)
VALUE_ERRORS = [
    ("setitem_shape", lambda: z(2, 3).__setitem__(0, z(4)), RuntimeError),
    ("view_two_infer", lambda: z(2, 3).view(-1, -1), RuntimeError),
    ("view_ambiguous_empty", lambda: z(0, 3).view(-1, 0), RuntimeError),
    ("permute_dup", lambda: z(2, 3).permute(0, 0), RuntimeError),
    ("permute_len", lambda: z(2, 3).permute(0), RuntimeError),
    ("chunk_0", lambda: z(3).chunk(0), RuntimeError),
    ("split_0", lambda: z(3).split(0), RuntimeError),
    ("split_sections_sum", lambda: z(5).split([2, 2]), RuntimeError),
    ("arange_step_0", lambda: tg.arange(0, 5, 0), RuntimeError),
    ("zeros_negative", lambda: tg.zeros(-1), RuntimeError),
    ("randint_empty_range", lambda: tg.randint(5, 2, (3,)), RuntimeError),
    ("linspace_negative", lambda: tg.linspace(0, 1, -1), RuntimeError),
    ("matmul_0d", lambda: tg.matmul(tgt(np.array(1.0)), z(2)), RuntimeError),
    ("cat_empty_list", lambda: tg.cat([]), ValueError),
    ("stack_empty_list", lambda: tg.stack([]), RuntimeError),
    ("tensor_ragged", lambda: tg.tensor([[1, 2], [3]]), ValueError),
    (
        "index_select_2d_index",
        lambda: tg.index_select(z(3, 2), 0, tgt(np.zeros((2, 2), dtype=np.int64))),
        IndexError,
    ),
    ("masked_fill_value_not_0d", lambda: z(2, 3).masked_fill(z(2, 3, dtype=B), z(2)), RuntimeError),
    ("expand_fewer_dims", lambda: z(2, 3).expand(3), RuntimeError),
]


@pytest.mark.parametrize("name,fn,torch_exc", VALUE_ERRORS, ids=[c[0] for c in VALUE_ERRORS])
def test_value_error(name, fn, torch_exc):
    with raises(ValueError, torch_exc):
        fn()


def test_backward_gradient_shape_mismatch():
    x = tg.zeros(2, requires_grad=True)
    with raises(ValueError, RuntimeError, match="shape"):
        (x * 2.0).backward(tg.zeros(3))


def test_narrow_out_of_range():
    with raises(IndexError, RuntimeError, match="exceeds dimension size"):
        z(3, 4).narrow(0, 2, 3)


# ---- dtypes: TypeError ------------------------------------------------------------------------------
# (id, fn, the exception torch raises)
TYPE_ERRORS = [
    ("gather_float_index", lambda: tg.gather(z(3, 4), 1, z(3, 1)), RuntimeError),
    ("gather_bool_index", lambda: tg.gather(z(3, 4), 1, z(3, 1, dtype=B)), RuntimeError),
    ("index_select_float", lambda: tg.index_select(z(3, 4), 0, tgt(np.array([0.0]))), RuntimeError),
    ("masked_fill_float_mask", lambda: z(3, 4).masked_fill(z(3, 4), 1.0), RuntimeError),
    ("masked_fill_int_mask", lambda: z(3, 4).masked_fill(z(3, 4, dtype=I64), 1.0), RuntimeError),
    ("where_float_cond", lambda: tg.where(z(3, 4), z(3, 4), z(3, 4)), RuntimeError),
    ("invert_float", lambda: ~z(2), TypeError),
    ("tensor_of_str", lambda: tg.tensor("a"), TypeError),
    ("from_numpy_str", lambda: tg.from_numpy(np.array(["a", "b"])), TypeError),
]


@pytest.mark.parametrize("name,fn,torch_exc", TYPE_ERRORS, ids=[c[0] for c in TYPE_ERRORS])
def test_type_error(name, fn, torch_exc):
    with raises(TypeError, torch_exc):
        fn()


def test_getitem_float_index():
    with raises(TypeError, IndexError, match="indices must be long"):
        z(3, 4)[tgt(np.array([0.0]))]


def test_inplace_result_does_not_fit():
    t = tg.zeros(3, dtype=tg.int64)
    with raises(TypeError, RuntimeError, match="can't be cast"):
        t.add_(1.5)
    assert t.tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    "fn",
    [lambda: z(2, 2) @ z(2, 2, dtype=tg.float64), lambda: tg.mm(z(2, 2, dtype=I64), z(2, 2))],
    ids=["f32_f64", "i64_f32"],
)
def test_matmul_of_mixed_dtypes_raises(fn):
    # neither promotes: both ask for the same dtype
    with raises(TypeError, RuntimeError, match="same dtype"):
        fn()


# ---- indices: IndexError ---------------------------------------------------------------------------------
# (id, fn, the exception torch raises)
INDEX_ERRORS = [
    ("getitem_int", lambda: z(3, 4)[3], IndexError),
    ("getitem_neg", lambda: z(3, 4)[-4], IndexError),
    ("getitem_second_dim", lambda: z(3, 4)[0, 4], IndexError),
    ("getitem_too_many", lambda: z(3, 4)[0, 0, 0], IndexError),
    ("getitem_tensor", lambda: z(3, 4)[idx(0, 3)], IndexError),
    ("getitem_tensor_neg", lambda: z(3, 4)[idx(-4)], IndexError),
    ("getitem_list", lambda: z(3, 4)[[5]], IndexError),
    ("setitem_int", lambda: z(3).__setitem__(3, 1.0), IndexError),
    ("index_select", lambda: tg.index_select(z(3, 4), 0, idx(3)), IndexError),
    ("index_select_dim1", lambda: tg.index_select(z(3, 4), 1, idx(0, 4)), RuntimeError),
    ("gather", lambda: tg.gather(z(3, 4), 1, tgt(np.array([[4]]))), RuntimeError),
    ("gather_neg", lambda: tg.gather(z(3, 4), 1, tgt(np.array([[-1]]))), RuntimeError),
    ("select", lambda: z(3, 4).select(0, 5), IndexError),
    ("select_dim", lambda: z(3, 4).select(2, 0), IndexError),
    ("sum_dim", lambda: z(3, 4).sum(2), IndexError),
    ("mean_dim_neg", lambda: z(3, 4).mean(-3), IndexError),
    ("max_dim", lambda: z(3, 4).max(2), IndexError),
    ("argmax_dim", lambda: z(3, 4).argmax(5), IndexError),
    ("logsumexp_dim", lambda: z(3, 4).logsumexp(2), IndexError),
    ("transpose", lambda: z(3, 4).transpose(0, 2), IndexError),
    ("permute_dim", lambda: z(3, 4).permute(0, 2), IndexError),
    ("cat_dim", lambda: tg.cat([z(3, 4), z(3, 4)], 2), IndexError),
    ("stack_dim", lambda: tg.stack([z(3), z(3)], 3), IndexError),
    ("squeeze_dim", lambda: z(3, 4).squeeze(3), IndexError),
    ("unsqueeze_dim", lambda: z(3, 4).unsqueeze(4), IndexError),
    ("unbind_dim", lambda: z(3, 4).unbind(2), IndexError),
    ("flatten_dim", lambda: z(3, 4).flatten(0, 3), IndexError),
    ("size_dim", lambda: z(3, 4).size(2), IndexError),
    ("stride_dim", lambda: z(3, 4).stride(-3), IndexError),
    ("chunk_dim", lambda: z(3, 4).chunk(2, 2), IndexError),
    (
        "gather_dim",
        lambda: tg.gather(z(3, 4), 2, tgt(np.zeros((3, 4), dtype=np.int64))),
        IndexError,
    ),
]


@pytest.mark.parametrize("name,fn,torch_exc", INDEX_ERRORS, ids=[c[0] for c in INDEX_ERRORS])
def test_index_error(name, fn, torch_exc):
    with raises(IndexError, torch_exc):
        fn()


def test_index_error_message_names_index_and_size():
    with pytest.raises(IndexError) as info:
        z(3, 4)[5]
    assert "5" in str(info.value) and "3" in str(info.value)


def test_state_errors_do_not_corrupt():
    """After an error, the tensors involved are intact and usable."""
    a = tgt(np.arange(6.0).reshape(2, 3))
    with raises(ValueError, RuntimeError):
        a + z(4)
    with pytest.raises(IndexError):
        a[7]
    assert_close(a + 1, np.arange(6.0).reshape(2, 3) + 1)


# ---- size-0 edge cases: defined results, or a Python exception, never a crash --------------------------------
ZERO = [
    ("add_bcast", lambda: z(0, 3) + z(3), np.zeros((0, 3))),
    ("exp", lambda: z(0, 3).exp(), np.zeros((0, 3))),
    ("clamp", lambda: z(0, 3).clamp(0, 1), np.zeros((0, 3))),
    ("sum_all", lambda: z(0, 3).sum(), np.array(0.0)),
    ("sum_dim0", lambda: z(0, 3).sum(0), np.zeros(3)),
    ("sum_dim1", lambda: z(0, 3).sum(1), np.zeros(0)),
    ("sum_empty_dim_keepdim", lambda: z(2, 0).sum(1, keepdim=True), np.zeros((2, 1))),
    ("mean_all", lambda: z(0, 3).mean(), np.array(np.nan)),
    ("prod", lambda: z(0, 3).prod(0), np.ones(3)),
    ("var", lambda: z(0, 3).var(0), np.full(3, np.nan)),
    ("norm", lambda: z(0, 3).norm(), np.array(0.0)),
    ("logsumexp", lambda: z(0, 3).logsumexp(0), np.full(3, -np.inf)),
    ("max_dim_nonempty", lambda: z(0, 3).max(1).values, np.zeros(0)),
    ("argmax_dim_nonempty", lambda: z(0, 3).argmax(1), np.zeros(0, dtype=np.int64)),
    ("matmul_rows", lambda: z(0, 3) @ z(3, 2), np.zeros((0, 2))),
    ("matmul_inner", lambda: tg.ones(2, 0) @ tg.ones(0, 3), np.zeros((2, 3))),
    ("matmul_batch", lambda: tg.matmul(z(0, 2, 3), z(3, 4)), np.zeros((0, 2, 4))),
    ("cat", lambda: tg.cat([z(0, 3), tg.ones(2, 3)]), np.ones((2, 3))),
    ("cat_all_empty", lambda: tg.cat([z(0), z(0)]), np.zeros(0)),
    ("stack", lambda: tg.stack([z(0), z(0)]), np.zeros((2, 0))),
    ("reshape", lambda: z(0, 3).reshape(3, 0), np.zeros((3, 0))),
    ("transpose_contig", lambda: z(0, 3).t().contiguous(), np.zeros((3, 0))),
    ("index_select_empty_src", lambda: tg.index_select(z(0, 3), 1, idx(0, 2)), np.zeros((0, 2))),
    (
        "index_select_empty_index",
        lambda: tg.index_select(tg.ones(2, 3), 0, idx()),
        np.zeros((0, 3)),
    ),
    (
        "gather_empty",
        lambda: tg.gather(z(0, 3), 1, tgt(np.zeros((0, 2), dtype=np.int64))),
        np.zeros((0, 2)),
    ),
    ("masked_fill", lambda: z(0, 3).masked_fill(z(0, 3, dtype=B), 1.0), np.zeros((0, 3))),
    ("where", lambda: tg.where(z(0, dtype=B), z(0), z(0)), np.zeros(0)),
    ("getitem_empty_index", lambda: tg.ones(3, 2)[idx()], np.zeros((0, 2))),
    ("getitem_empty_slice", lambda: tg.ones(3)[3:], np.zeros(0)),
    ("mask_select_none", lambda: tg.ones(3)[tg.zeros(3, dtype=tg.bool)], np.zeros(0)),
    ("expand_to_zero", lambda: tg.ones(1, 3).expand(0, 3), np.zeros((0, 3))),
    ("unsqueeze", lambda: z(0, 3)[..., None], np.zeros((0, 3, 1))),
    ("arange", lambda: tg.arange(0), np.zeros(0, dtype=np.int64)),
    ("linspace", lambda: tg.linspace(0, 1, 0), np.zeros(0)),
    ("eye", lambda: tg.eye(0), np.zeros((0, 0))),
    ("rand", lambda: tg.rand(0, 5), np.zeros((0, 5))),
    ("from_numpy", lambda: tg.from_numpy(np.zeros((0, 3))), np.zeros((0, 3))),
    ("chunk", lambda: tg.cat(z(0, 2).chunk(2)), np.zeros((0, 2))),
    ("split", lambda: tg.cat(z(0, 2).split(1)), np.zeros((0, 2))),
    ("inplace", lambda: z(0, 3).add_(1.0).mul_(z(3)), np.zeros((0, 3))),
    ("setitem", lambda: _setitem_empty(), np.ones(3)),
]


def _setitem_empty():
    t = tg.ones(3)
    t[3:] = 5.0
    t[idx()] = 5.0  # an empty index selects nothing
    return t


@pytest.mark.parametrize("name,fn,ref", ZERO, ids=[c[0] for c in ZERO])
def test_zero_size(name, fn, ref):
    assert_close(fn(), ref)


# (id, fn, the exception torch raises; tetragrad raises ValueError)
ZERO_RAISE = [
    ("max_all", lambda: z(0).max(), RuntimeError),
    ("min_all", lambda: z(0, 2).min(), RuntimeError),
    ("argmax_all", lambda: z(0).argmax(), IndexError),
    ("amax_empty_dim", lambda: z(0, 3).amax(0), IndexError),
    ("max_empty_dim", lambda: tg.ones(2, 0).max(1), IndexError),
    ("item", lambda: z(0).item(), RuntimeError),
    ("view_ambiguous", lambda: z(0, 3).reshape(-1, 0), RuntimeError),
]


@pytest.mark.parametrize("name,fn,torch_exc", ZERO_RAISE, ids=[c[0] for c in ZERO_RAISE])
def test_zero_size_raises_cleanly(name, fn, torch_exc):
    with raises(ValueError, torch_exc):
        fn()


def test_zero_size_repr_and_tolist():
    assert repr(z(0, 3)) == "tensor([], size=(0, 3))"
    assert z(0, 3).tolist() == []
    assert z(0).numpy().shape == (0,)


def test_from_numpy_negative_strides():
    with pytest.raises(ValueError, match="negative"):  # as torch: no negative strides
        tg.from_numpy(np.arange(4.0)[::-1])


@pytest.mark.parametrize("shape", [(2**40, 2**40), (2**62, 4)])
def test_shape_too_large_to_count_is_rejected(shape):
    # numel overflowing int64 used to wrap to a tiny allocation behind a huge shape
    with raises(ValueError, RuntimeError, match="more elements", torch_match="overflow"):
        tg.empty(*shape)
    with raises(ValueError, RuntimeError, match="more elements", torch_match="overflow"):
        tg.ones(1).expand(*shape).sum()


@tetragrad_only("tetragrad's own error classes")
def test_error_classes_are_both_python_and_torch_kinds():
    # torch code catches RuntimeError, Python code ValueError/TypeError/IndexError: both work.
    for cls, base in [
        (tg.TensorValueError, ValueError),
        (tg.TensorTypeError, TypeError),
        (tg.TensorIndexError, IndexError),
        (tg.ZeroDivisionError, ZeroDivisionError),
    ]:
        assert issubclass(cls, base) and issubclass(cls, RuntimeError)
    with pytest.raises(RuntimeError, match=r"\[2, 3\].*\[4\]"):
        tg.ones(2, 3) + tg.ones(4)
    with pytest.raises(tg.TensorValueError):
        tg.ones(2, 3) + tg.ones(4)
    with pytest.raises(RuntimeError, match="out of bounds"):
        tg.ones(3)[5]
    with pytest.raises(tg.TensorTypeError):
        tg.ones(2) & tg.ones(2)


# ---- wrong argument types: one line naming the function and what it takes -------------------


@pytest.mark.parametrize(
    "call,names",
    [
        (lambda: tg.nn.Linear(4, 2)(np.zeros((3, 4), np.float32)), ["linear", "numpy.ndarray"]),
        (lambda: tg.add(z(2), "a"), ["add", "str"]),
        (lambda: z(2).add("a"), ["add", "str"]),
        (lambda: tg.nn.functional.relu([1.0, 2.0]), ["relu", "list"]),
        (lambda: tg.matmul(z(2, 2), z(2, 2), bogus=1), ["matmul", "bogus"]),
    ],
)
def test_wrong_argument_types_raise_a_short_type_error(call, names):
    with raises(TypeError, match=names[0], torch_match=None) as e:
        call()
    if not TORCH_BACKEND:
        text = str(e.value)
        assert all(n in text for n in names), text
        assert "Invoked with" not in text and len(text) < 600, text  # not pybind11's dump


def test_assigning_a_number_to_grad_is_a_type_error():
    x = z(2).requires_grad_()
    with raises(TypeError, match="grad", torch_exc=TypeError, torch_match=None):
        x.grad = 0.0


# ---- out= ---------------------------------------------------------------------------------------


def test_out_receives_the_result():
    a, b = tg.arange(6.0).reshape(2, 3), tg.ones(3, 2)
    out = tg.empty(2, 2)
    assert tg.matmul(a, b, out=out) is out
    assert_close(out, np.arange(6.0).reshape(2, 3) @ np.ones((3, 2)))
    s = tg.empty(2)
    tg.sum(a, 1, out=s)
    assert_close(s, np.array([3.0, 12.0]))
    c = tg.empty(4, 3)
    tg.cat([a, a], 0, out=c)
    assert_close(c, np.concatenate([np.arange(6.0).reshape(2, 3)] * 2))
    v, i = tg.empty(2, 3), tg.empty(2, 3, dtype=I64)
    tg.sort(a, 1, descending=True, out=(v, i))
    assert_close(v, np.arange(6.0).reshape(2, 3)[:, ::-1])
    assert_close(i, np.array([[2, 1, 0], [2, 1, 0]]))
    m = tg.empty(2, 3)
    tg.add(a, 1, out=m)
    assert_close(m, np.arange(6.0).reshape(2, 3) + 1)


@tetragrad_only("torch resizes a mismatched out= (with a warning); tetragrad refuses it")
def test_out_of_the_wrong_shape_raises():
    with raises(ValueError, match=r"matmul.*\[3, 3\].*\[2, 2\]"):
        tg.matmul(z(2, 2), z(2, 2), out=z(3, 3))


def test_out_with_inputs_that_require_grad_raises():
    x = z(2, 2).requires_grad_()
    with raises(ValueError, match="out=", torch_exc=RuntimeError):
        tg.matmul(x, x, out=z(2, 2))


def test_out_of_an_int_dtype_for_a_float_result_raises():
    with raises(
        TypeError, match="can't be cast", torch_exc=RuntimeError, torch_match="can't be cast"
    ):
        tg.add(z(2), 1.5, out=tg.zeros(2, dtype=I64))


def test_a_list_of_multi_element_tensors_is_not_a_tensor():
    with raises(ValueError, match="only one element tensors"):
        tg.tensor([tg.ones(2), tg.ones(2)])
    assert_close(tg.tensor([tg.tensor(1.0), tg.tensor(2.0)]), np.array([1.0, 2.0]))


def test_cross_entropy_with_float_class_indices_says_what_the_target_must_be():
    with raises(ValueError, match="int64 class indices", torch_exc=RuntimeError, torch_match=None):
        tg.nn.functional.cross_entropy(z(3, 4), tgt(np.array([0.0, 1.0, 2.0], np.float32)))
