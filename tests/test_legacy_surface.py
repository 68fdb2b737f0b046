"""The device checks, legacy types and conveniences tutorials touch, against torch's behaviour."""

import math

import numpy as np
import pytest
import tetragrad as tg
from conftest import tetragrad_only


@tetragrad_only("a CPU-only build answers; torch here may differ")
def test_device_checks_answer_truthfully():
    assert tg.cuda.is_available() is False and tg.cuda.device_count() == 0
    assert tg.backends.mps.is_available() is False and tg.backends.mps.is_built() is False
    assert tg.accelerator.is_available() is False and tg.accelerator.current_accelerator() is None
    tg.cuda.manual_seed(0)  # ignored without CUDA, as torch's
    tg.cuda.manual_seed_all(0)
    tg.backends.cudnn.deterministic = True  # accepted, changes nothing
    with pytest.raises(RuntimeError, match="without CUDA"):
        tg.cuda.current_device()
    tg.set_default_device("cpu")
    assert tg.get_default_device().type == "cpu"
    with pytest.raises(RuntimeError, match="only the CPU"):
        tg.set_default_device("cuda")


@pytest.mark.parametrize(
    "cls,dtype",
    [
        (tg.FloatTensor, tg.float32),
        (tg.DoubleTensor, tg.float64),
        (tg.LongTensor, tg.int64),
        (tg.BoolTensor, tg.bool),
    ],
)
def test_legacy_tensor_types(cls, dtype):
    assert tuple(cls(2, 3).shape) == (2, 3) and cls(2, 3).dtype == dtype
    assert tuple(cls(tg.Size([4])).shape) == (4,)
    assert tuple(cls().shape) == (0,)
    t = cls([1, 0, 1])
    assert t.dtype == dtype and t.tolist() == np.array([1, 0, 1]).astype(t.numpy().dtype).tolist()
    assert isinstance(t, cls) and not isinstance(
        t.to(tg.float64 if dtype != tg.float64 else tg.int64), cls
    )
    assert tg.ones(2).type(cls).dtype == dtype
    assert tg.ones(2).type(f"torch.{cls.__name__}").dtype == dtype


@tetragrad_only("tetragrad's type names and messages")
def test_type_and_format():
    x = tg.ones(2)
    assert x.type() == "tetragrad.FloatTensor" and x.long().type() == "tetragrad.LongTensor"
    assert x.type(tg.float64).dtype == tg.float64 and x.type(tg.float32) is x
    with pytest.raises(ValueError, match="invalid type"):
        x.type("torch.NoSuchTensor")
    loss = tg.tensor(0.123456)
    assert f"{loss:+.2f}" == "+0.12" and f"{loss:.3e}" == "1.235e-01"
    assert f"{tg.tensor(3)}" == "3" and f"{x}" == str(x)
    with pytest.raises(TypeError, match="format"):
        f"{x:.2f}"


def test_variable_is_a_new_leaf():
    t = tg.ones(2, requires_grad=True)
    v = tg.autograd.Variable(t)
    assert v is not t and not v.requires_grad and v.is_leaf
    w = tg.autograd.Variable(tg.ones(2), requires_grad=True)
    assert w.requires_grad and w.is_leaf


def test_inference_mode():
    x = tg.ones(2, requires_grad=True)
    with tg.inference_mode():
        assert tg.is_inference_mode_enabled() and not (x * 2).requires_grad
    assert tg.is_grad_enabled() and not tg.is_inference_mode_enabled()
    with tg.inference_mode(False):
        assert (x * 2).requires_grad

    @tg.inference_mode
    def f():
        return x * 2

    @tg.inference_mode()
    def g():
        return x * 2

    assert not f().requires_grad and not g().requires_grad


@tetragrad_only("tetragrad's messages")
def test_as_tensor_and_asarray_share_where_torch_does():
    a = np.zeros(3, np.float32)
    t = tg.as_tensor(a)
    a[0] = 5
    assert t[0].item() == 5  # shared
    assert tg.as_tensor(t) is t and tg.as_tensor(t, dtype=tg.float64).dtype == tg.float64
    c = tg.asarray(a, copy=True)
    a[1] = 7
    assert c[1].item() == 0
    assert tg.as_tensor([1, 2]).dtype == tg.int64
    with pytest.raises(ValueError, match="copy=False"):
        tg.asarray([1.0, 2.0], copy=False)
    assert tg.asarray(a, requires_grad=True).requires_grad


# ---- numeric limits, constants, shapes, special (torch's surface) ----------------------------


def test_finfo_iinfo_match_numpy():
    f32, f64 = tg.finfo(tg.float32), tg.finfo(tg.float64)
    assert (f32.bits, f32.eps, f32.max, f32.tiny) == (
        32,
        float(np.finfo(np.float32).eps),
        float(np.finfo(np.float32).max),
        float(np.finfo(np.float32).tiny),
    )
    assert f32.resolution == 1e-06 and f64.eps == np.finfo(np.float64).eps
    assert tg.finfo().bits == tg.finfo(tg.get_default_dtype()).bits
    i64 = tg.iinfo(tg.int64)
    assert (i64.bits, i64.min, i64.max) == (64, -(2**63), 2**63 - 1)
    with pytest.raises(TypeError):
        tg.finfo(tg.int64)
    with pytest.raises(TypeError):
        tg.iinfo(tg.float32)


def test_constants():
    assert tg.pi == math.pi and tg.e == math.e and tg.inf == math.inf and math.isnan(tg.nan)


def test_broadcast_shapes_and_size_ops():
    assert tg.broadcast_shapes((2, 1), (3,), (1, 1, 1)) == (1, 2, 3)
    assert isinstance(tg.broadcast_shapes((2, 1)), tg.Size)
    with pytest.raises(RuntimeError):
        tg.broadcast_shapes((2,), (3,))
    s = tg.zeros(2, 3, 4).shape
    assert isinstance(s[1:], tg.Size) and s[1:] == (3, 4)
    assert isinstance(s + (5,), tg.Size) and s + (5,) == (2, 3, 4, 5)
    assert isinstance((1,) + s, tg.Size) and (1,) + s == (1, 2, 3, 4)
    assert isinstance(s[0], int)


def test_logit_and_special_names():
    p = tg.tensor([0.1, 0.5, 0.9], dtype=tg.float64)
    np.testing.assert_allclose(tg.logit(p).numpy(), np.log(p.numpy() / (1 - p.numpy())))
    np.testing.assert_allclose(
        tg.special.logit(tg.tensor([0.0, 1.0], dtype=tg.float64), eps=0.25).numpy(),
        [math.log(1 / 3), math.log(3)],
    )
    x = tg.tensor([0.5, 2.0, 7.5], dtype=tg.float64)
    np.testing.assert_allclose(
        tg.special.gammaln(x).numpy(), [math.lgamma(v) for v in (0.5, 2.0, 7.5)]
    )
    np.testing.assert_allclose(tg.special.psi(x).numpy(), tg.digamma(x).numpy())
    np.testing.assert_allclose(tg.special.expit(x).numpy(), 1 / (1 + np.exp(-x.numpy())))


def test_conjugate_transposes_and_ndimension():
    x = tg.zeros(2, 3, 4)
    assert x.mH.shape == (2, 4, 3) and x.ndimension() == 3
    assert tg.zeros(2, 3).H.shape == (3, 2)
    with pytest.raises(RuntimeError):
        _ = x.H
