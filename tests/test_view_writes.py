"""Every write path on every kind of view lands in the base, as NumPy's views do.

Each case builds the same base in tetragrad and NumPy, takes the same view of it, writes through
the view, and compares the whole base (so a write that went to a copy, or nowhere, fails).
"""

import numpy as np
import pytest
import tetragrad as tg
from conftest import raises, torch_differs

# view kinds: name -> function of a base of shape [4, 6] (the same code works on both libraries)
VIEWS = {
    "contiguous": lambda b: b[:],
    "transposed": lambda b: b.T,
    "strided": lambda b: b[:, ::2],
    "offset": lambda b: b[1:, 2:],
    "permuted": lambda b: (
        b.reshape(2, 2, 6)[:, :, 1:].transpose(2, 0, 1)
        if isinstance(b, np.ndarray)
        else b.reshape(2, 2, 6)[:, :, 1:].permute(2, 0, 1)
    ),
    "row": lambda b: b[2],
    "column": lambda b: b[:, 3],
}


def _mask(v):
    return v > 10


# write kinds: name -> function(view, lib) writing into the view in place
WRITES = {
    "mask_scalar": lambda v, L: v.__setitem__(_mask(v), 0),
    "mask_tensor": lambda v, L: v.__setitem__(_mask(v), -L.ones(int(_mask(v).sum()))),
    "int_index": lambda v, L: v.__setitem__(L.asarray([0, -1]), 7),
    "int_index_rows": lambda v, L: v.__setitem__(L.asarray([1, 0, 1]), -3),
    "int_2d_index": lambda v, L: v.__setitem__(L.asarray([[0], [1]]), 5),
    "list_index": lambda v, L: v.__setitem__([0, 1], 9),
    "int": lambda v, L: v.__setitem__(0, 4),
    "slice": lambda v, L: v.__setitem__(slice(1, None), 2),
    "ellipsis_mask": lambda v, L: (
        v.__setitem__((Ellipsis, v[0] % 3 == 0), 1) if v.ndim >= 2 else v.__setitem__(_mask(v), 1)
    ),
    "masked_fill_": lambda v, L: L.masked_fill_(v, _mask(v), -1),
    "index_put_": lambda v, L: L.index_put_(v, L.asarray([0, 0, 1]), 60),
    "index_put_acc": lambda v, L: L.index_put_acc(v, L.asarray([0, 0, 1]), 60),
    "copy_": lambda v, L: L.copy_(v, L.full(v.shape, 8)),
    "fill_": lambda v, L: L.fill_(v, 3),
    "add_": lambda v, L: L.add_(v, 1),
}


class NP:
    """The write API spelled for NumPy (the reference)."""

    asarray = staticmethod(np.asarray)
    ones = staticmethod(np.ones)

    @staticmethod
    def full(shape, val):
        return np.full(shape, float(val))

    @staticmethod
    def masked_fill_(v, m, val):
        v[m] = val

    @staticmethod
    def index_put_(v, idx, val):
        v[idx] = val

    @staticmethod
    def index_put_acc(v, idx, val):
        np.add.at(v, idx, val)

    @staticmethod
    def copy_(v, src):
        v[...] = src

    @staticmethod
    def fill_(v, val):
        v[...] = val

    @staticmethod
    def add_(v, val):
        v += val


class TG:
    """The same writes in tetragrad's (torch's) API."""

    @staticmethod
    def asarray(a):
        return tg.tensor(a)

    @staticmethod
    def ones(n):
        return tg.ones(n, dtype=tg.float64)

    @staticmethod
    def full(shape, val):
        return tg.full(tuple(shape), float(val), dtype=tg.float64)

    @staticmethod
    def masked_fill_(v, m, val):
        v.masked_fill_(m, val)

    @staticmethod
    def index_put_(v, idx, val):
        v.index_put_((idx,), tg.tensor(float(val), dtype=tg.float64))

    @staticmethod
    def index_put_acc(v, idx, val):
        v.index_put_((idx,), tg.tensor(float(val), dtype=tg.float64), accumulate=True)

    @staticmethod
    def copy_(v, src):
        v.copy_(src)

    @staticmethod
    def fill_(v, val):
        v.fill_(val)

    @staticmethod
    def add_(v, val):
        v.add_(val)


def _base():
    return np.arange(24, dtype=np.float64).reshape(4, 6)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("write", WRITES)
def test_write_through_view(view, write):
    ref = _base()
    got = tg.tensor(ref.copy())
    WRITES[write](VIEWS[view](ref), NP)
    WRITES[write](VIEWS[view](got), TG)
    np.testing.assert_array_equal(got.numpy(), ref)


@pytest.mark.parametrize("write", ["mask_scalar", "int_index", "masked_fill_", "index_put_"])
def test_write_through_view_records_gradients(write):
    # the same writes under autograd: values where written, gradients where not
    w = tg.tensor(_base(), requires_grad=True)
    base = w * 1
    WRITES[write](VIEWS["transposed"](base), TG)
    ref = _base()
    WRITES[write](VIEWS["transposed"](ref), NP)
    np.testing.assert_array_equal(base.detach().numpy(), ref)
    base.sum().backward()
    written = ref != _base()
    # an element untouched by the write passes its gradient through; a written one gets none
    # (unless the write happened to store the value it held)
    assert np.all(w.grad.numpy()[written] == 0)
    assert np.all(w.grad.numpy()[~written & (ref == _base())] == 1)


def test_mask_assignment_into_transposed_view_reproducer():
    x = tg.tensor([[1.0, 2, 3], [4, 5, 6]]).t()
    x[x > 2] = 0
    assert x.tolist() == [[1.0, 0.0], [2.0, 0.0], [0.0, 0.0]]


def test_values_gradient_through_index_put_on_a_view():
    v = tg.tensor([1.0, 2.0], requires_grad=True)
    base = tg.zeros(3, 4, dtype=tg.float32)
    view = base.t()
    view[tg.tensor([3, 0])] = v.unsqueeze(1).expand(2, 3)
    (base * tg.arange(12.0).reshape(3, 4)).sum().backward()
    # v[0] went to column 3 (weights 3, 7, 11), v[1] to column 0 (weights 0, 4, 8)
    assert v.grad.tolist() == [21.0, 12.0]


TORCH_ONLY_WARNS = torch_differs("it only warns (deprecated) on index_put_/masked_fill_ there")


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda x: x.__setitem__(x > 2, 0), id="setitem_mask", marks=TORCH_ONLY_WARNS),
        pytest.param(lambda x: x.masked_fill_(x > 2, 0), id="masked_fill_", marks=TORCH_ONLY_WARNS),
        pytest.param(
            lambda x: x.index_put_((tg.tensor([0]),), tg.tensor(0.0)),
            id="index_put_",
            marks=TORCH_ONLY_WARNS,
        ),
        pytest.param(lambda x: x.copy_(tg.zeros(2, 3)), id="copy_"),
        pytest.param(lambda x: x.add_(1), id="add_"),
    ],
)
@pytest.mark.filterwarnings("ignore:Use of .* on expanded tensors is deprecated")
def test_writes_into_expanded_tensors_raise(write):
    x = tg.tensor([1.0, 2, 3]).expand(2, 3)
    with raises(ValueError, RuntimeError, match="single memory location"):
        write(x)
    assert x.tolist() == [[1.0, 2.0, 3.0]] * 2


def test_index_put_matches_torch_semantics(torch):
    cases = [
        (lambda M: M.zeros(3, 2), lambda M: ((M.tensor([0, 0]),), M.tensor([1.0, 2]), True)),
        (lambda M: M.zeros(3, 2), lambda M: ((M.tensor([2, 0]),), M.tensor([1.0, 2]), False)),
        (
            lambda M: M.zeros(3, 2),
            lambda M: (
                (M.tensor([[True, False], [False, True], [True, True]]),),
                M.tensor([1.0, 2, 3, 4]),
                False,
            ),
        ),
        (
            lambda M: M.zeros(2, 3, 4),
            lambda M: ((M.tensor([[0], [1]]), M.tensor([0, 2])), M.tensor(1.0), False),
        ),
        (lambda M: M.zeros(4), lambda M: ((M.tensor([-1, 1]),), M.tensor([5.0, 6.0]), False)),
    ]
    for make, args in cases:
        got = make(tg).index_put_(*args(tg))
        want = make(torch).index_put_(*args(torch))
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_index_put_errors():
    x = tg.zeros(3)
    with pytest.raises(IndexError, match="out of bounds"):
        x[tg.tensor([3])] = 1.0
    with raises(TypeError, RuntimeError, match="dtypes match"):
        x[tg.tensor([0])] = tg.tensor([1])
    with raises(ValueError, RuntimeError, match="shape mismatch"):
        x[tg.tensor([0, 1])] = tg.tensor([1.0, 2.0, 3.0])
    with pytest.raises(IndexError, match="mask"):
        x[tg.tensor([True, False])] = 1.0
