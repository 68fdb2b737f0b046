"""Regression tests for bugs found by differential fuzzing against PyTorch (one per finding)."""

import copy

import numpy as np
import pytest
import tetragrad as tg
from conftest import raises, tetragrad_only, torch_differs


def close(t, want):
    np.testing.assert_allclose(
        t.detach().numpy(), np.asarray(want, dtype=np.float64), rtol=1e-6, atol=1e-7
    )


# ---- crashes ----------------------------------------------------------------------------------
def test_cast_operand_keeps_its_own_strides():
    # a strided int operand converted to float was read with the original strides (heap overread)
    close(tg.arange(4096000)[::4096][:3] * 1.5, [0, 6144, 12288])
    close(tg.tensor([1, 2, 3, 4])[::2] * 1.5, [1.5, 4.5])
    close(tg.tensor([[1.0, 2.0], [3.0, 4.0]]).t() + tg.zeros(2, dtype=tg.float64), [[1, 3], [2, 4]])


def test_unbind_0d_raises():
    with pytest.raises(IndexError):
        tg.ones(()).unbind(0)


@pytest.mark.parametrize(
    "make",
    [
        lambda: tg.zeros(2**62),
        lambda: tg.arange(0, 2**62),
        lambda: tg.eye(2**40),
        lambda: tg.linspace(0, 1, 2**62),
    ],
)
def test_huge_sizes_raise(make):
    with raises(ValueError, RuntimeError):
        make()


# ---- wrong gradients and values -----------------------------------------------------------------
def test_view_history_regenerated_after_inplace_on_base():
    w = tg.ones(3, requires_grad=True)
    b = w * 1
    y = b.unsqueeze(0)
    b.mul_(2)
    y.sum().backward()
    close(w.grad, [2, 2, 2])


def test_view_history_regenerated_after_inplace_on_sibling_view():
    w = tg.ones(2, 3, requires_grad=True)
    v = (w * 1).t()
    v[0].mul_(3)
    v.sum().backward()
    close(w.grad, [[3, 1, 1], [3, 1, 1]])


def test_prod_gradient_with_zeros():
    w = tg.tensor([[0.0, 2.0], [0.0, 0.0], [1.0, 4.0]], requires_grad=True)
    w.prod(1).sum().backward()
    close(w.grad, [[2, 0], [0, 0], [4, 1]])


def test_bitwise_operators_on_integers():
    assert (tg.tensor([5, 6]) | tg.tensor([3, 1])).tolist() == [7, 7]
    assert (tg.tensor([5, 6]) & 3).tolist() == [1, 2]
    assert (tg.tensor([5, 6]) ^ 1).tolist() == [4, 7]
    assert (~tg.tensor([5])).tolist() == [-6]
    with raises(TypeError, NotImplementedError):  # torch: "bitwise_and_cpu" not implemented
        tg.tensor([1.5]) & 1


def test_overlapping_inplace():
    # torch's rule: an operand that only partly coincides with the destination raises (the
    # result would depend on the write order); the same elements in the same layout are fine
    x = tg.arange(4.0).reshape(2, 2)
    with raises(ValueError, RuntimeError, match="single memory location"):
        x.add_(x.t())
    with raises(ValueError, RuntimeError, match="single memory location"):
        x.view(-1)[1:].copy_(x.view(-1)[:-1])
    with raises(ValueError, RuntimeError, match="single memory location"):
        tg.mul(x[0], 2, out=x.view(-1)[1:3])
    x.add_(x.t().clone())
    close(x, [[0, 3], [3, 6]])
    x.mul_(x)
    close(x, [[0, 9], [9, 36]])
    y = tg.arange(6.0)
    y[::2].add_(y[1::2])  # interleaved but disjoint
    close(y, [1, 1, 5, 3, 9, 5])


def test_inplace_into_an_expanded_tensor_raises():
    with raises(ValueError, RuntimeError, match="single memory location"):
        tg.zeros(3, 1).expand(3, 4).add_(1)


def test_clamp_promotes_and_propagates_nan_bounds():
    out = tg.tensor([1, 2]).clamp(max=1.5)
    assert out.dtype == tg.float32 and out.tolist() == [1.0, 1.5]
    assert np.isnan(tg.tensor([1.0, 2.0]).clamp(float("nan"), 1).numpy()).all()
    with raises(TypeError, RuntimeError, match="can't be cast"):
        tg.tensor([1, 2]).clamp_(max=1.5)


def test_clamp_with_tensor_bounds_and_gradients():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    lo = tg.tensor([1.5, 0.0, 0.0], requires_grad=True)
    x.clamp(min=lo).sum().backward()
    close(x.grad, [0, 1, 1])
    close(lo.grad, [1, 0, 0])


def test_integer_rules():
    with raises(TypeError, RuntimeError, match="alpha must not be a floating point"):
        tg.tensor([1, 2]).add(tg.tensor([1, 1]), alpha=0.5)
    assert tg.tensor([5]).pow_(tg.tensor([-1])).tolist() == [0]
    assert (tg.tensor([-7, 7]) // 2).tolist() == [-4, 3]
    assert (tg.tensor([-7, 7]) % -3).tolist() == [-1, -2]
    close(tg.tensor([-7.0, 7.0]) % 3, [2, 1])
    # torch raises RuntimeError("ZeroDivisionError"); tetragrad's error is both
    with raises(ZeroDivisionError, RuntimeError, torch_match="ZeroDivisionError"):
        tg.tensor([7]) // 0
    with pytest.raises(RuntimeError):
        tg.tensor([7]) % 0


def test_masked_fill_value_gradient_and_broadcast():
    v = tg.tensor(2.0, requires_grad=True)
    tg.zeros(3).masked_fill(tg.tensor([True, False, True]), v).sum().backward()
    assert v.grad.item() == 2.0
    assert tuple(tg.zeros(3, 1).masked_fill(tg.tensor([True, False]), 1.0).shape) == (3, 2)


def test_numpy_array_copies_and_byte_order():
    t = tg.ones(3)
    a = np.array(t)
    a[0] = 5
    assert t.tolist() == [1, 1, 1]
    with pytest.raises(ValueError):
        tg.from_numpy(np.arange(3.0).astype(">f8"))
    with pytest.raises(RuntimeError):
        np.asarray(tg.ones(2, requires_grad=True))


@pytest.mark.parametrize(
    "make,tg_exc,torch_exc",
    [
        (lambda: tg.tensor(2**63), OverflowError, ValueError),
        (lambda: tg.full((2,), float("inf"), dtype=tg.int64), ValueError, RuntimeError),
        (lambda: tg.zeros(2, dtype=tg.int64).fill_(float("nan")), ValueError, RuntimeError),
    ],
    ids=["tensor", "full_inf", "fill_nan"],
)
def test_int64_overflow_raises(make, tg_exc, torch_exc):
    with raises(tg_exc, torch_exc):
        make()


def test_empty_logsumexp_keeps_graph():
    z = tg.zeros(0, 3, requires_grad=True).logsumexp(0)
    assert z.requires_grad and np.isneginf(z.detach().numpy()).all()


def test_fill_on_non_leaf_passes_zero_gradient():
    w = tg.ones(3, requires_grad=True)
    y = w * 1
    y.fill_(2)
    y.sum().backward()
    close(w.grad, [0, 0, 0])


def test_addmm_alpha_zero_ignores_product():
    close(
        tg.addmm(tg.ones(2, 2), tg.full((2, 3), float("nan")), tg.ones(3, 2), alpha=0),
        np.ones((2, 2)),
    )


def test_relu_gradient_ignores_nan_at_negative_inputs():
    x = tg.tensor([-1.0, 2.0], requires_grad=True)
    x.relu().backward(tg.tensor([float("nan"), 1.0]))
    assert x.grad.tolist()[0] == 0.0


# ---- errors torch raises too ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad,tg_exc,torch_exc",
    [
        (lambda: 1 - tg.tensor([True]), TypeError, RuntimeError),
        (lambda: tg.tensor([True]) - tg.tensor([1.5]), TypeError, RuntimeError),
        (lambda: tg.tensor([True]).abs(), TypeError, NotImplementedError),
        (lambda: tg.zeros(0, 0).amax(1), ValueError, IndexError),
        (lambda: tg.zeros(0, 3).norm(float("inf")), ValueError, RuntimeError),
    ],
    ids=["rsub_bool", "sub_bool", "abs_bool", "amax_empty", "inf_norm_empty"],
)
def test_torch_errors(bad, tg_exc, torch_exc):
    with raises(tg_exc, torch_exc):
        bad()


# ---- inputs torch accepts ------------------------------------------------------------------------
def test_accepted_inputs():
    assert tuple(tg.matmul(tg.zeros(2, 3, 0), tg.zeros(0, 4)).shape) == (2, 3, 4)
    assert tuple(tg.zeros(2, 0)[tg.tensor([True, False])].shape) == (1, 0)
    x = tg.zeros(2, 3)
    x[0] = tg.tensor([[1.0, 2.0, 3.0]])
    assert x[0].tolist() == [1, 2, 3]
    assert (tg.ones(2) == None) is False  # noqa: E711
    assert tg.zeros(3, 0).is_contiguous()
    assert tg.cat([tg.tensor([1, 2]), tg.zeros(0)]).dtype == tg.float32
    assert tuple(tg.randint(5, (3,)).shape) == (3,)
    assert tuple(tg.ones(2, 1, 3, 1).squeeze((1, 3)).shape) == (2, 3)
    assert tg.norm(tg.tensor([3.0, 0.0, 4.0]), 0).item() == 2.0
    assert tg.tensor([3.0, -1.0, 4.0]).norm(float("-inf")).item() == 1.0
    close(tg.ones(2) + np.ones(2), [2, 2])


def test_autograd_grad_and_no_grad_decorator():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (g,) = tg.autograd.grad((x * x).sum(), x)
    close(g, [2, 4])
    assert x.grad is None

    @tg.no_grad
    def double(a):
        return a * 2

    assert not double(x).requires_grad


def test_autograd_grad_unused_input():
    x = tg.ones(2, requires_grad=True)
    y = tg.ones(2, requires_grad=True)
    with raises(RuntimeError, match="not used", torch_match="not have been used"):
        tg.autograd.grad((x * 2).sum(), [x, y])
    gx, gy = tg.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    close(gx, [2, 2])
    assert gy is None


def test_deepcopy_still_independent():
    t = tg.ones(2)
    c = copy.deepcopy(t)
    c.add_(1)
    assert t.tolist() == [1, 1]


# ---- second fuzzing round -------------------------------------------------------------------------
def test_int64_min_divided_by_minus_one_does_not_trap():
    assert (tg.tensor([-(2**63)]) // -1).tolist() == [-(2**63)]
    assert tg.remainder(tg.tensor([-(2**63)]), tg.tensor([-1])).tolist() == [0]


def test_integer_clamp_with_one_bound():
    assert tg.tensor([-2, 0, 3]).clamp(min=-1).tolist() == [-1, 0, 3]
    assert tg.tensor([-2, 0, 3]).clamp(max=1).tolist() == [-2, 0, 1]


def test_float_floor_divide_by_zero_is_inf():
    out = (tg.tensor([1.0, -1.0, 0.0]) // 0).numpy()
    assert out[0] == np.inf and out[1] == -np.inf and np.isnan(out[2])


def test_copy_into_non_leaf_passes_zero_gradient_to_old_value():
    w = tg.ones(3, requires_grad=True)
    v = tg.ones(3, requires_grad=True)
    y = w * 1
    y.copy_(v * 2)
    y.sum().backward()
    close(w.grad, [0, 0, 0])
    close(v.grad, [2, 2, 2])


def test_output_only_backward_allows_inplace_on_input():
    w = tg.ones(3, requires_grad=True)
    y = w * 2
    z = y.sqrt()
    y.add_(1)  # sqrt's backward needs only its output
    z.sum().backward()
    close(w.grad, [2**-0.5] * 3)


def test_where_one_argument_and_nonzero():
    rows, cols = tg.where(tg.tensor([[True, False], [False, True]]))
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1]
    assert tg.tensor([0, 3, 0, 4]).nonzero().tolist() == [[1], [3]]


def test_scalar_first_functions_and_rounding_modes():
    close(tg.add(2, tg.tensor([1.0])), [3])
    close(tg.pow(2, tg.tensor([3.0])), [8])
    close(tg.div(tg.tensor([-7.0]), 2, rounding_mode="trunc"), [-3])
    assert tg.div(tg.tensor([-7]), 2, rounding_mode="floor").tolist() == [-4]


def test_python_bool_and_empty_mask_indices():
    x = tg.arange(6.0).reshape(2, 3)
    assert tuple(x[True].shape) == (1, 2, 3) and tuple(x[False].shape) == (0, 2, 3)
    assert tuple(x[0, False, ::2].shape) == (0, 2)
    assert tuple(tg.zeros(0, 3)[tg.zeros(0, dtype=tg.bool)].shape) == (0, 3)


def test_index_add_alpha_and_fill_on_expanded():
    close(tg.zeros(3).index_add(0, tg.tensor([0, 0]), tg.ones(2), alpha=2), [4, 0, 0])
    assert tg.zeros(3).expand(2, 3).zero_().tolist() == [[0, 0, 0], [0, 0, 0]]


def test_cat_rejects_a_lone_tensor_and_argmax_rejects_bool():
    with pytest.raises(TypeError):
        tg.cat(tg.ones(2, 2))
    with raises(TypeError, RuntimeError, match="does not support bool"):
        tg.tensor([True]).argmax()


# ---- found by fuzzing under AddressSanitizer / UBSan ---------------------------------------------
def test_index_ops_on_0d_take_one_index():
    # three indices into a 0-d tensor read (index_add) and wrote (index_select) past the buffers
    with pytest.raises(IndexError):
        tg.index_add(tg.tensor(0.0), 0, tg.tensor([0, 0, 0]), tg.tensor(0.97))
    with raises(IndexError, RuntimeError, match="can have only 1 value"):
        tg.tensor(1.0).index_select(0, tg.tensor([0, 0, 0]))


def test_integer_overflow_wraps_like_torch():
    assert tg.tensor([-(2**63)]).abs().tolist() == [-(2**63)]
    assert (-tg.tensor([-(2**63)])).tolist() == [-(2**63)]
    assert (tg.tensor([3]) ** 63).tolist() == [-3237885987332494933]
    assert tg.tensor([2] * 70).prod().item() == 0


def test_logsumexp_with_nan_and_inf():
    x = tg.tensor([-float("inf"), -1.28, float("nan"), 0.09, -1.24, 0.0])[::2]
    assert np.isnan(x.logsumexp(0).item())


def test_where_on_0d_expand_strides_and_bool_sign_like_torch():
    assert [t.tolist() for t in tg.where(tg.tensor(3))] == [[0]]
    assert tg.tensor([2.27]).expand(1, -1).stride() == (1, 1)
    assert tg.tensor(True).sign().dtype == tg.bool


HUGE_EMPTY = torch_differs(
    "a shape whose numel overflows int64 before its 0 is counted raises RuntimeError"
)


@HUGE_EMPTY
def test_huge_but_empty_shapes():
    # intermediate products overflowed int64 (undefined behaviour) before the zero was seen
    assert tuple(tg.zeros(0).reshape(2**32, 2**32, 0).shape) == (2**32, 2**32, 0)


def test_huge_view_of_a_nonempty_tensor_raises_and_huge_slice_steps():
    with raises(ValueError, RuntimeError, match="is invalid for input of size 6"):
        tg.ones(2, 3).view(2**32, 2**32, 0)
    assert tg.ones(2, 3)[:, :: 2**62].tolist() == [[1.0], [1.0]]


@HUGE_EMPTY
def test_ops_on_huge_but_empty_tensors():
    # loop geometries multiplied dims of an empty tensor past int64 (undefined behaviour, found
    # by UBSan); empty results come back with their shapes, impossible ones raise ValueError
    x = tg.zeros(0).reshape(2**32, 2**32, 0)
    big = (2**32, 2**32, 0)
    for fn in [
        lambda: tg.softmax(x, 2),
        lambda: tg.log_softmax(x, 0),
        lambda: tg.cat([x, x], 2),
        lambda: x + 1,
        lambda: x.exp(),
        lambda: tg.nn.functional.relu(x),
    ]:
        assert tuple(fn().shape) == big
    assert tuple(x.flatten().shape) == (0,)
    assert tuple(x.sum(0).shape) == (2**32, 0)
    assert tuple(tg.index_select(x, 0, tg.tensor([0])).shape) == (1, 2**32, 0)
    with pytest.raises(ValueError, match="dims 0..1"):
        x.flatten(0, 1)
    with pytest.raises(ValueError, match="int64"):
        x.sum(2)


@pytest.mark.parametrize("dtype,n", [(tg.float64, 12), (tg.float32, 1000), (tg.float32, 5000)])
def test_sum_does_not_depend_on_the_data_address(dtype, n):
    # the row sum peeled to alignment, so equal data at two addresses summed differently in the
    # last bit; the same values must give the same sum (and mean) wherever they lie
    a = np.random.default_rng(0).standard_normal(n)
    sums, means = set(), set()
    for off in range(16):
        buf = tg.zeros(n + off, dtype=dtype)
        buf[off:] = tg.tensor(a)
        sums.add(buf[off:].sum().item())
        means.add(buf[off:].mean().item())
    assert len(sums) == 1 and len(means) == 1


# ---- outside probing (issue 8): crashes ---------------------------------------------------------
@pytest.mark.parametrize(
    "write",
    [
        lambda x: x.__ifloordiv__(0),
        lambda x: x.__imod__(0),
        lambda x: x.floor_divide_(0),
        lambda x: x.remainder_(0),
        lambda x: x.floor_divide_(tg.tensor([1, 0])),
    ],
)
def test_inplace_integer_division_by_zero_raises(write):
    x = tg.tensor([5, 6])
    # torch: RuntimeError("ZeroDivisionError"); tetragrad's error is both
    with raises(
        ZeroDivisionError, RuntimeError, match="division by zero", torch_match="ZeroDivision"
    ):
        write(x)
    assert x.tolist() == [5, 6]  # nothing written


@pytest.mark.parametrize("call", [lambda t: t.size(0), lambda t: t.size(-1), lambda t: t.stride(0)])
def test_size_and_stride_of_0d_tensor_raise(call):
    with pytest.raises(IndexError, match="no dimensions"):
        call(tg.tensor(1.0))


def test_gather_and_scatter_add_treat_0d_as_one_dim():
    assert tg.tensor(1.0).scatter_add(0, tg.tensor(0), tg.tensor(2.0)).item() == 3.0
    assert tg.tensor(1.0).scatter_add(0, tg.tensor([0, 0]), tg.tensor([2.0, 3.0])).item() == 6.0
    assert tg.tensor([1.0, 2.0]).scatter_add(0, tg.tensor(1), tg.tensor(2.0)).tolist() == [1.0, 4.0]
    x = tg.tensor(1.5, requires_grad=True)
    y = tg.gather(x, 0, tg.tensor(0))
    assert y.shape == () and y.item() == 1.5
    y.backward()
    assert x.grad.item() == 1.0
    assert tg.gather(x, -1, tg.tensor([0, 0])).tolist() == [1.5, 1.5]
    with raises(IndexError, RuntimeError, match="out of bounds"):
        tg.gather(x, 0, tg.tensor(1))
    s = tg.tensor(2.0, requires_grad=True)
    tg.tensor(1.0).scatter_add(0, tg.tensor(0), s).backward()
    assert s.grad.item() == 1.0


@tetragrad_only(
    "torch warns once per process about non-writable NumPy memory, then writes into it "
    "(undefined behaviour: a read-only memmap faults)"
)
def test_from_numpy_of_read_only_memory_is_read_only(tmp_path):
    buf = np.frombuffer(b"\x00" * 16, dtype=np.float32)
    with pytest.warns(UserWarning, match="not writable"):
        t = tg.from_numpy(buf)
    path = tmp_path / "m.bin"
    np.arange(4, dtype=np.float64).tofile(path)
    with pytest.warns(UserWarning):
        m = tg.from_numpy(np.memmap(path, dtype=np.float64, mode="r"))
    for x in (t, m, m[1:], m.view(2, 2).t()):
        for write in (
            lambda x: x.add_(1),
            lambda x: x.fill_(1),
            lambda x: x.zero_(),
            lambda x: x.copy_(tg.ones(x.shape, dtype=x.dtype)),
            lambda x: x.__setitem__(..., 2),
            lambda x: x.__setitem__(x >= 0, 2),
            lambda x: x.clamp_(0, 1),
            lambda x: x.exp_(),
            lambda x: x.uniform_(),
        ):
            with pytest.raises(RuntimeError, match="read-only"):
                write(x)
        assert not x.numpy().flags.writeable
    assert m.tolist() == [0.0, 1.0, 2.0, 3.0] and t.tolist() == [0.0] * 4
    assert (m + 1).tolist() == [1.0, 2.0, 3.0, 4.0]  # reading is fine
    w = m.clone()
    w.add_(1)  # a copy is writable
    p = tg.nn.Parameter(m)  # shares the read-only memory: an optimizer step may not write it
    p.grad = tg.ones(4, dtype=tg.float64)
    with pytest.raises(RuntimeError, match="read-only"):
        tg.optim.SGD([p], lr=0.1).step()


def test_operand_from_read_only_array_does_not_warn(recwarn):
    ro = np.arange(3.0)
    ro.flags.writeable = False
    assert (tg.tensor([1.0, 1.0, 1.0], dtype=tg.float64) + ro).tolist() == [1.0, 2.0, 3.0]
    assert not [w for w in recwarn if "writable" in str(w.message)]


def test_parameter_survives_pickle():
    import pickle

    lin = tg.nn.Linear(2, 3)
    p = pickle.loads(pickle.dumps(lin.weight))
    assert type(p) is tg.nn.Parameter and p.requires_grad
    assert p.tolist() == lin.weight.tolist()
    lin.weight = p  # registers as a parameter again
    q = pickle.loads(pickle.dumps(tg.nn.Parameter(tg.ones(2), requires_grad=False)))
    assert type(q) is tg.nn.Parameter and not q.requires_grad
    m2 = pickle.loads(pickle.dumps(lin))
    assert all(type(v) is tg.nn.Parameter for v in m2.parameters())


# ---- outside probing (issue 8): silent wrong results -------------------------------------------
BIG = 2**53 + 1  # the first integer float64 cannot hold


def test_int64_arange_clamp_and_alpha_are_exact_above_2_53():
    assert tg.arange(BIG, BIG + 3).tolist() == [BIG, BIG + 1, BIG + 2]
    assert tg.arange(BIG, BIG + 6, 2).tolist() == [BIG, BIG + 2, BIG + 4]
    assert tg.tensor([2**53]).clamp(min=BIG).tolist() == [BIG]
    assert tg.tensor([2**60]).clamp(max=BIG).tolist() == [BIG]
    assert tg.tensor([2**53]).clamp_(min=BIG).tolist() == [BIG]
    one = tg.tensor([1])
    assert tg.add(one, one, alpha=BIG).tolist() == [BIG + 1]
    assert tg.sub(one, one, alpha=BIG).tolist() == [1 - BIG]
    assert one.clone().add_(one, alpha=BIG).tolist() == [BIG + 1]
    z = tg.zeros(2, dtype=tg.int64).index_add(0, tg.tensor([1]), one, alpha=BIG)
    assert z.tolist() == [0, BIG]


def test_alpha_type_rules_match_torch():
    with raises(TypeError, RuntimeError, match="alpha must not be a floating point"):
        tg.add(tg.tensor([1]), tg.tensor([1]), alpha=0.5)  # float alpha, integer result
    assert tg.add(tg.tensor([1.0]), tg.tensor([1.0]), alpha=0.5).tolist() == [1.5]
    assert tg.add(tg.tensor([1]), tg.tensor([1.0]), alpha=2).tolist() == [3.0]


@pytest.mark.parametrize(
    "args", [(0, 1, 1e-300), (0, 2**63 - 1), (0, float("inf")), (-(2**63), 2**63 - 1, 1)]
)
def test_arange_whose_size_overflows_raises(args):
    with raises(ValueError, RuntimeError):
        tg.arange(*args)


def test_integer_pow_promotes_and_rejects_negative_exponents():
    r = tg.tensor([2]) ** 2.0
    assert r.dtype == tg.float32 and r.tolist() == [4.0]
    assert (tg.tensor([2]) ** 1e20).tolist() == [float("inf")]
    assert (tg.tensor([2]) ** 3).dtype == tg.int64
    assert tg.pow(tg.tensor([3]), 2).tolist() == [9]
    for f in (lambda x: x.pow_(-1), lambda x: x**-1, lambda x: tg.pow(x, -2)):
        with raises(ValueError, RuntimeError, match="negative integer powers"):
            f(tg.tensor([2]))
    assert (tg.tensor([1.0, 2.0]) ** -1).tolist() == [1.0, 0.5]  # floats take negative powers
    assert tg.pow(tg.tensor(0.0), 1e-310).item() == 0.0  # a denormal exponent is not 0
    assert tg.pow(tg.tensor(0.0, dtype=tg.float64), 1e-310).item() == 0.0


def test_sum_and_prod_with_dtype_bool():
    for f in (lambda x: x.sum(dtype=tg.bool), lambda x: x.prod(dtype=tg.bool)):
        r = f(tg.ones(3))
        assert r.dtype == tg.bool and r.item() is True
    assert tg.tensor([0.0, 0.0]).sum(dtype=tg.bool).item() is False
    assert tg.tensor([1.0, 0.0]).prod(dtype=tg.bool).item() is False
    assert tg.ones(2, 3).sum(1, dtype=tg.float64).dtype == tg.float64


@pytest.mark.parametrize("reduce", [lambda x: x.max(), lambda x: x.min()], ids=["max", "min"])
def test_max_gradient_goes_to_the_nan(reduce):
    x = tg.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    reduce(x).backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize("reduce", [lambda x: x.amax(), lambda x: x.amin(0)], ids=["amax", "amin"])
def test_amax_gradient_at_a_nan_is_nan_everywhere_as_torch(reduce):
    # torch divides by the count of elements equal to the NaN extreme: 0 / 0
    x = tg.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    reduce(x).backward()
    assert np.isnan(x.grad.numpy()).all()


def test_norm_below_one_has_zero_gradient_at_zero():
    x = tg.tensor([0.0, 1.0, 2.0], requires_grad=True)
    x.norm(p=0.5).backward()
    g = x.grad.tolist()
    assert g[0] == 0.0 and np.isfinite(g).all()
    s = 1 + 2**0.5
    np.testing.assert_allclose(g[1:], [s, s / 2**0.5], rtol=1e-6)


@torch_differs(
    "it takes log_sigmoid of the float32 input before promoting to the float64 target (4e-8 off)"
)
def test_bce_with_logits_promotes_mixed_precision():
    F = tg.nn.functional
    x32, t64 = tg.tensor([0.3, -1.2]), tg.tensor([1.0, 0.0], dtype=tg.float64)
    r = F.binary_cross_entropy_with_logits(x32, t64)
    assert r.dtype == tg.float64
    xd = np.array([0.3, -1.2], np.float32).astype(np.float64)
    want = np.mean(np.log1p(np.exp(-np.abs(xd))) + np.maximum(xd, 0) - xd * [1, 0])
    assert abs(r.item() - want) < 1e-12
    # torch's rule: the result takes the target's dtype
    assert F.binary_cross_entropy_with_logits(t64, x32.sigmoid()).dtype == tg.float32


@tetragrad_only("torch leaves which duplicate index_put_ write wins undefined (it varies by run)")
def test_index_put_with_many_duplicate_indices_keeps_the_last_write():
    n = 200_000  # large enough for the threaded path
    x = tg.zeros(4)
    idx = tg.from_numpy(np.tile(np.arange(4), n // 4))
    x[idx] = tg.arange(n, dtype=tg.float32)
    assert x.tolist() == [n - 4, n - 3, n - 2, n - 1]


# ---- found by the differential fuzz test (tests/fuzz) -------------------------------------------
NAN, INF = float("nan"), float("inf")


def grad_of(f, *xs):
    leaves = [tg.tensor(x, dtype=tg.float64, requires_grad=True) for x in xs]
    f(*leaves).sum().backward()
    return [v.grad.tolist() if v.grad is not None else None for v in leaves]


def test_nan_gradients_follow_torch_masks():
    F = tg.nn.functional
    assert grad_of(F.relu, [NAN, 1.0, -1.0]) == [[1.0, 1.0, 0.0]]  # relu passes a NaN's gradient
    # maximum/minimum: with a NaN neither side loses, both take the full gradient
    assert grad_of(tg.maximum, [0.5], [NAN]) == [[1.0], [1.0]]
    assert grad_of(tg.minimum, [0.5, 2.0], [NAN, 1.0]) == [[1.0, 0.0], [1.0, 1.0]]
    assert grad_of(lambda x: x.norm(p=INF), [NAN, 1.0]) == [[0.0, 0.0]]  # sign(nan) is 0


@torch_differs(
    "a NaN's gradient depends on its position: its vectorised loop gives 0, its scalar loop "
    "(short tensors, tails) the full gradient"
)
def test_hardtanh_and_relu6_give_a_nan_zero_gradient():
    # hardtanh/relu6 pass only strictly inside the bounds: a NaN gets 0 (torch's vectorised loop)
    F = tg.nn.functional
    assert grad_of(F.relu6, [NAN, 3.0, 6.0]) == [[0.0, 1.0, 0.0]]
    assert grad_of(F.hardtanh, [NAN] * 20 + [0.5, 1.0]) == [[0.0] * 20 + [1.0, 0.0]]


def test_clamp_with_tensor_bounds_propagates_nan_and_uses_torch_gradients():
    x = tg.tensor([0.5, -2.0, 3.0])
    r = x.clamp(min=tg.tensor([NAN, NAN, 0.0]))
    assert np.isnan(r[:2].numpy()).all() and r[2].item() == 3.0
    # min > max: every element takes max, and only max gets gradient
    g = grad_of(lambda x, lo, hi: x.clamp(lo, hi), [0.0, 5.0], [2.0, 2.0], [1.0, 1.0])
    assert g == [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    y = tg.zeros(3)
    with raises(ValueError, RuntimeError, match="broadcast"):
        y.clamp_(tg.zeros(()), tg.ones(2, 3))


@pytest.mark.parametrize(
    "f",
    [
        pytest.param(lambda x: tg.div(x, 3.0, rounding_mode="floor"), id="div_floor"),
        pytest.param(lambda x: x.div(2.0, rounding_mode="trunc"), id="div_trunc"),
        pytest.param(
            lambda x: tg.floor_divide(x, 3.0),
            id="floor_divide",
            marks=torch_differs("floor_divide has no derivative: backward raises RuntimeError"),
        ),
    ],
)
def test_rounding_divisions_keep_history_with_zero_gradient(f):
    x = tg.tensor([1.5, -2.5], requires_grad=True)
    r = f(x)
    assert r.requires_grad
    r.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_piecewise_constant_ops_keep_history_with_zero_or_no_gradient():
    z = tg.tensor([1.0, 0.0], requires_grad=True)
    r = tg.norm(z, p=0)
    assert r.requires_grad and r.item() == 1.0
    r.backward()
    assert z.grad is None  # torch's backward gives no gradient for p=0
    with raises(TypeError, RuntimeError):
        z.sum(dtype=tg.int64)  # an integer result cannot carry the gradient: at once, as torch


def test_cosine_similarity_broadcasts_first_and_grads_through_clamped_norm():
    F = tg.nn.functional
    a, b = np.arange(12.0).reshape(4, 3) - 5, np.array([[1.0], [2.0], [-1.0], [0.5]])
    r = F.cosine_similarity(tg.tensor(a), tg.tensor(b), dim=1).numpy()
    bb = np.broadcast_to(b, a.shape)
    want = (a * bb).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(bb, axis=1)
    np.testing.assert_allclose(r, want, rtol=1e-12)
    assert F.cosine_similarity(tg.zeros(2, 2), tg.zeros(2), dim=1).tolist() == [0.0, 0.0]


def test_bool_index_add_and_scatter_add_or_the_values():
    x = tg.tensor([False, False, True])
    assert x.index_add(0, tg.tensor([0, 0]), tg.tensor([False, True])).tolist() == [
        True,
        False,
        True,
    ]
    assert x.scatter_add(0, tg.tensor([1]), tg.tensor([True])).tolist() == [False, True, True]


def test_cat_gives_a_gradient_to_a_skipped_empty_input():
    a, e = tg.ones(2, requires_grad=True), tg.zeros(0, requires_grad=True)
    tg.cat([a, e]).sum().backward()
    assert e.grad is not None and e.grad.shape == (0,) and a.grad.tolist() == [1.0, 1.0]


def test_number_first_arguments_and_inplace_rounding_div():
    x = tg.tensor([1.0, 2.0])
    assert tg.add(1.0, x, alpha=2).tolist() == [3.0, 5.0]
    assert tg.sub(1, x, alpha=-1).tolist() == [2.0, 3.0]
    assert tg.floor_divide(5.0, x).tolist() == [5.0, 2.0]
    assert tg.remainder(5, tg.tensor([2, 3])).tolist() == [1, 2]
    assert tg.bitwise_xor(1, tg.tensor([3])).tolist() == [2]
    assert tg.tensor([7.0, -7.0]).div_(2, rounding_mode="trunc").tolist() == [3.0, -3.0]


def test_writing_a_requires_grad_value_into_a_view_makes_the_view_require_grad():
    base = tg.zeros(4)
    v = base[::2]
    src = tg.ones(2, requires_grad=True)
    v[0:1] = src[:1]
    assert v.requires_grad and base.requires_grad
    (v * 3).sum().backward()
    assert src.grad.tolist() == [3.0, 0.0]


def test_missing_checks_found_by_fuzzing():
    with raises(ValueError, RuntimeError, match="appears multiple times"):
        tg.zeros(3).var(dim=(0, 0))
    with raises(ValueError, RuntimeError, match="appears multiple times"):
        tg.zeros(1, 3).squeeze((0, 0))
    with pytest.raises(IndexError):
        tg.tensor(0.4).flatten(0, 1)
    with raises(ValueError, RuntimeError, match="step sign"):
        tg.arange(-0.33, dtype=tg.int64)
    with raises(ValueError, RuntimeError, match="ignore_index"):
        tg.nn.functional.cross_entropy(tg.zeros(2, 3), tg.ones(2, 3) / 3, ignore_index=1)
    with raises(ValueError, RuntimeError, match="at most 2 dims", torch_match="2-tuple"):
        tg.zeros(2, 2, 2).norm(p="fro", dim=(0, 1, 2))
    with raises(ValueError, RuntimeError):
        tg.addmm(tg.zeros(1, 6), tg.zeros(5, 3), tg.zeros(3, 4), beta=0)


def test_linspace_int_and_linear_with_no_outputs_and_var_gradients_like_torch():
    assert tg.linspace(-2.95, 0, 5, dtype=tg.int64).tolist() == [-2, -1, -1, 0, 0]
    F = tg.nn.functional
    x = tg.ones(3, 1, 2, requires_grad=True)
    out = F.linear(x, tg.zeros(0, 2))
    assert out.shape == (3, 1, 0)
    out.sum().backward()
    assert x.grad.tolist() == np.zeros((3, 1, 2)).tolist()
    # over all dims with N <= correction: torch's inf/nan factor; over a dim: 2 / (N - c)
    assert grad_of(lambda x: x.var(correction=2), [1.0, 3.0])[0] == [INF, INF]
    assert grad_of(lambda x: x.var(dim=0, correction=2), [1.0, 3.0])[0] == [-INF, INF]


def test_more_fuzz_findings_match_torch():
    F = tg.nn.functional
    b = tg.tensor([True, False])
    assert (b**True).dtype == tg.bool and (b**False).tolist() == [True, True]
    assert (b**2).dtype == tg.int64
    # prelu with an infinite weight: a select, not 0 * inf
    g = grad_of(lambda x, w: F.prelu(x, w), [1.0, -1.0], [INF])
    assert g[0] == [1.0, INF] and g[1] == [-1.0]
    # bce_with_logits' target gradient at an infinite logit, with and without pos_weight
    for pw in (None, tg.tensor([0.5], dtype=tg.float64)):
        x = tg.tensor([-INF, 1.0], dtype=tg.float64)
        t = tg.tensor([0.5, 0.5], dtype=tg.float64, requires_grad=True)
        F.binary_cross_entropy_with_logits(x, t, reduction="sum", pos_weight=pw).backward()
        assert t.grad[0].item() == INF and np.isfinite(t.grad[1].item())
    # a float32 std of huge values stays finite (the root is taken before rounding)
    assert np.isfinite(tg.tensor([0.0, 1e30, -1e30]).std().item())
    # prod's gradient at inf and zero elements: the product of the others, as torch's
    g = grad_of(lambda x: x.prod(dim=1), [[2.0, INF, 3.0], [0.0, 2.0, 5.0]])[0]
    assert g == [[INF, 6.0, INF], [10.0, 0.0, 0.0]]
    g = grad_of(lambda x: x.prod(dim=0), [0.0, INF, 2.0])[0]
    assert g[:2] == [INF, 0.0] and np.isnan(g[2])  # 0 * inf among the others of the 2
    assert grad_of(lambda x: x.prod(), [0.0, 0.0, 3.0])[0] == [0.0, 0.0, 0.0]
    # bool index_add with an int alpha; int64 l1_loss
    x = tg.tensor([False, False])
    assert x.index_add(0, tg.tensor([1]), tg.tensor([True]), alpha=-2).tolist() == [False, True]
    assert x.index_add(0, tg.tensor([1]), tg.tensor([True]), alpha=0).tolist() == [False, False]
    assert F.l1_loss(tg.tensor([1, 2]), tg.tensor([0, 0]), reduction="sum").item() == 3
    # norm(p<1) gradient at a tiny element: sign(x) |x|^(p-1), no overflow
    x = tg.tensor([1e-30, -0.3, -1.4], requires_grad=True)
    x.norm(p=0.5).backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_int64_matmul_wraps_on_overflow_like_torch():
    # found by the fuzz run under UBSan: the int64 GEMM overflowed (undefined behaviour)
    a = tg.tensor([[2**62, 3]])
    b = tg.tensor([[4], [5]])
    assert (a @ b).tolist() == [[15]]  # 2**64 wraps to 0
    assert tg.addmm(tg.tensor([[2**63 - 1]]), a, b).tolist() == [[-(2**63) + 14]]


def test_fuzz_found_edges_of_arange_cat_var_and_div():
    assert tg.arange(2.08, 3.1, INF, dtype=tg.float64).shape == (0,)  # torch: an empty range
    with raises(ValueError, RuntimeError, match="nonzero"):
        tg.arange(0.0, 5.0, NAN)
    with raises(ValueError, RuntimeError, match="step sign"):
        tg.arange(0.39, 3.5, -INF, dtype=tg.float64)
    # every skipped 1-D empty input of cat still gets its (empty) gradient
    a, b = tg.zeros(0, requires_grad=True), tg.zeros(0, requires_grad=True)
    tg.cat([a, b]).sum().backward()
    assert a.grad.shape == (0,) and b.grad.shape == (0,)
    # var with no degrees of freedom: NaN where x equals the mean (an infinite x too), else inf
    (g,) = grad_of(lambda x: tg.var(x, correction=2), [0.5, INF])
    assert g[0] == INF and np.isnan(g[1])
    # div's divisor gradient is -g (a / b) / b (torch's order): no overflow of b * b
    (gb,) = grad_of(lambda b: tg.div(tg.tensor(1e-300, dtype=tg.float64), b), [1e-300])
    assert np.isclose(gb[0], -1e300, rtol=1e-15)


def test_constant_slices_have_exactly_zero_variance():
    x = tg.tensor(-1.084, dtype=tg.float64, requires_grad=True)
    v = x.expand(2, 1, 5)
    s = v.std(correction=2)
    assert s.item() == 0.0 and v.var().item() == 0.0
    s.backward()
    assert x.grad.item() == 0.0  # std's gradient is 0 where std is 0 (torch's rule)
    assert np.isnan(tg.tensor([1.0, NAN, 1.0]).var().item())
    b = tg.tensor([True, False])
    b **= True
    assert b.dtype == tg.bool and b.tolist() == [True, False]
    b **= False
    assert b.tolist() == [True, True]


def test_norm_minus_inf_gives_a_nan_row_zero_gradient_as_torch():
    # torch's norm rule for p=-inf: the NaN takes the gradient, times sign(NaN) = 0 (not amin's 0/0)
    x = tg.tensor([[0.5, NAN, 2.0], [3.0, -1.0, 2.0]], dtype=tg.float64, requires_grad=True)
    tg.norm(x, p=-INF, dim=1).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [0.0, -1.0, 0.0]]
