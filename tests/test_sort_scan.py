"""Orders the registry cannot check with distinct samples: ties, NaN and signed zeros in
sort/argsort/topk (both the std::sort path and the radix path of long float32 rows), the
stable order torch's stable=True gives, named tuples, and the errors of the scan family.
Values and gradients of every op are in the registry (tests/opinfo.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference as R
import tetragrad as tg
from conftest import raises, tgt, to_np

ROWS = [3, 40, 3000]  # std::sort, std::sort, radix (float32)


def _tied(n, seed, dtype):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=(2, n)).astype(dtype)
    if dtype != np.int64:
        x[0, :: max(1, n // 5)] = np.nan
        x[1, 1 : n : max(2, n // 4)] = -0.0
        x[1, 0] = np.inf
    return x


@pytest.mark.parametrize("n", ROWS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_stable_with_ties_nan_and_signed_zeros(n, dtype, descending):
    x = _tied(n, n, dtype)
    v, i = tg.sort(tgt(x), dim=1, descending=descending, stable=True)
    rv, ri = R.sort(x, 1, descending)
    np.testing.assert_array_equal(to_np(i), ri)
    np.testing.assert_array_equal(to_np(v), rv.astype(dtype))
    np.testing.assert_array_equal(
        to_np(tg.argsort(tgt(x), dim=1, descending=descending, stable=True)), ri
    )


@pytest.mark.parametrize("n", ROWS)
@pytest.mark.parametrize("largest", [True, False])
def test_topk_values_with_ties_and_nan(n, largest):
    # Which of several equal values topk picks is unspecified in torch; the values are not.
    x = _tied(n, n + 1, np.float32)
    k = min(n, 5)
    v, i = tg.topk(tgt(x), k, dim=1, largest=largest)
    rv, _ = R.topk(x, k, 1, largest)
    np.testing.assert_array_equal(to_np(v), rv.astype(np.float32))
    np.testing.assert_array_equal(np.take_along_axis(x, to_np(i), 1), to_np(v))


def test_sort_bool_and_named_tuples():
    x = tgt(np.array([True, False, True, False]))
    r = tg.sort(x)
    assert type(r).__name__ == "sort" and r.values is r[0] and r.indices is r[1]
    np.testing.assert_array_equal(to_np(r.indices), [1, 3, 0, 2])
    t = tgt(np.arange(6.0)).topk(2)
    assert type(t).__name__ == "topk"
    np.testing.assert_array_equal(to_np(t.indices), [5, 4])
    c = tgt(np.array([1.0, 3.0, 2.0])).cummax(0)
    assert type(c).__name__ == "cummax"
    np.testing.assert_array_equal(to_np(c.indices), [0, 1, 1])


def test_cumsum_accumulates_float32_in_double():
    # torch sums a float32 scan in double: 1 + 1e-8 * 1e6 is not lost to float32 rounding
    x = np.full(10**6 + 1, 1e-8, dtype=np.float32)
    x[0] = 1.0
    got = to_np(tg.cumsum(tgt(x), 0))[-1]
    assert abs(float(got) - (1.0 + 1e6 * float(np.float32(1e-8)))) < 1e-6


def test_cumsum_in_place_and_keyword_aliases():
    x = tgt(np.arange(6.0).reshape(2, 3))
    x.cumsum_(1)
    np.testing.assert_array_equal(to_np(x), [[0, 1, 3], [3, 7, 12]])
    np.testing.assert_array_equal(to_np(tg.cumsum(x, axis=0)), [[0, 1, 3], [3, 8, 15]])


def test_median_of_all_and_of_nan_rows():
    assert tg.median(tgt(np.array([3.0, 1.0, 2.0, 4.0]))).item() == 2.0
    assert math.isnan(tg.median(tgt(np.array([1.0, math.nan, 2.0]))).item())
    assert tg.nanmedian(tgt(np.array([1.0, math.nan, 2.0, 5.0]))).item() == 2.0
    assert math.isnan(tg.nanmedian(tgt(np.array([math.nan, math.nan]))).item())


def test_errors_name_the_op():
    x = tgt(np.zeros((2, 3)))
    with raises(IndexError, torch_exc=RuntimeError, match="out of range"):
        tg.topk(x, 4)
    with raises(IndexError, match="out of range"):
        tg.sort(x, dim=2)
    with raises(IndexError, torch_exc=RuntimeError, match="kthvalue"):
        tg.kthvalue(x, 0)
    with raises(TypeError, torch_exc=NotImplementedError, match="logcumsumexp"):
        tg.logcumsumexp(tgt(np.arange(3)), 0)
    with raises(IndexError, match="out of range"):
        tg.cumsum(x, 5)
