"""The device checks, legacy types and conveniences tutorials touch, against torch's behaviour."""

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
