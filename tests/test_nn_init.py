"""tetragrad.nn.init: in-place initialisers with PyTorch's names, defaults, fans, gains and errors.

Distributions are checked statistically on tensors of ~18k-131k elements (bounds exactly, mean and
std to a few percent, far beyond sampling noise); fans follow torch: fan_in = size(1) * receptive
field, fan_out = size(0) * receptive field, receptive field = prod(shape[2:]).
"""

import math

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, to_np

init = tg.nn.init
nn = tg.nn

# (shape, fan_in, fan_out): Linear-like 2-D, Conv1d-like 3-D, Conv2d-like 4-D
FANS = [((256, 512), 512, 256), ((64, 32, 9), 288, 576), ((64, 32, 3, 3), 288, 576)]
FAN_IDS = ["2d", "3d", "4d"]


def empty(*shape, dtype=tg.float32):
    return tg.empty(shape, dtype=dtype)


def check_uniform(v, bound, center=0.0):
    assert v.min() >= center - bound and v.max() <= center + bound
    assert v.max() > center + 0.98 * bound and v.min() < center - 0.98 * bound
    assert abs(v.mean() - center) < 0.02 * bound
    assert v.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)


def check_normal(v, std, mean=0.0):
    assert abs(v.mean() - mean) < 0.04 * std
    assert v.std() == pytest.approx(std, rel=0.03)
    assert np.abs(v - mean).max() > 3 * std  # a real normal has tails, not a clipped/uniform fill


# ---- plain fills and distributions -------------------------------------------------------------------


def test_uniform_default():
    check_uniform(to_np(init.uniform_(empty(256, 512))), 0.5, center=0.5)  # a=0, b=1


def test_uniform_bounds():
    check_uniform(to_np(init.uniform_(empty(256, 512), a=-2.0, b=3.0)), 2.5, center=0.5)


def test_normal_default():
    check_normal(to_np(init.normal_(empty(256, 512))), 1.0)  # mean=0, std=1


def test_normal_mean_std():
    check_normal(to_np(init.normal_(empty(256, 512), mean=1.5, std=0.25)), 0.25, mean=1.5)


@pytest.mark.parametrize("dtype", [tg.float32, tg.float64], ids=["f32", "f64"])
def test_constant_fills(dtype):
    npdt = np.float32 if dtype == tg.float32 else np.float64
    assert_close(init.zeros_(tg.ones(3, 4, dtype=dtype)), np.zeros((3, 4), npdt), dtype=dtype)
    assert_close(init.ones_(tg.zeros(3, 4, dtype=dtype)), np.ones((3, 4), npdt), dtype=dtype)
    assert_close(
        init.constant_(tg.zeros(5, dtype=dtype), 0.25), np.full(5, 0.25, npdt), dtype=dtype
    )
    assert_close(init.constant_(tg.zeros((), dtype=dtype), -2.0), np.array(-2.0, npdt), dtype=dtype)


def test_float64_distribution_keeps_dtype():
    t = init.normal_(empty(64, 64, dtype=tg.float64))
    assert t.dtype == tg.float64
    assert len(np.unique(to_np(t))) == 64 * 64


# ---- in place, returns the tensor, no autograd recording --------------------------------------------------

INITS = [
    ("uniform_", lambda t: init.uniform_(t, -1.0, 1.0)),
    ("normal_", lambda t: init.normal_(t, 0.0, 0.1)),
    ("zeros_", init.zeros_),
    ("ones_", init.ones_),
    ("constant_", lambda t: init.constant_(t, 0.3)),
    ("xavier_uniform_", init.xavier_uniform_),
    ("xavier_normal_", init.xavier_normal_),
    ("kaiming_uniform_", init.kaiming_uniform_),
    ("kaiming_normal_", init.kaiming_normal_),
]


@pytest.mark.parametrize("fn", [i[1] for i in INITS], ids=[i[0] for i in INITS])
def test_returns_same_tensor(fn):
    t = empty(6, 4)
    assert fn(t) is t and tuple(t.shape) == (6, 4) and t.dtype == tg.float32


@pytest.mark.parametrize("fn", [i[1] for i in INITS], ids=[i[0] for i in INITS])
def test_on_parameter_without_recording(fn):
    p = nn.Parameter(tg.zeros(6, 4) + 7.0)
    assert fn(p) is p
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert not np.all(to_np(p) == 7.0)
    (p * 2).sum().backward()  # still a usable leaf
    assert_close(p.grad, np.full((6, 4), 2.0, dtype=np.float32))
    assert tg.is_grad_enabled()


def test_on_linear_weight():
    lin = nn.Linear(4, 3)
    init.constant_(lin.weight, 0.5)
    init.zeros_(lin.bias)
    assert_close(lin(tg.ones(2, 4)), np.full((2, 3), 2.0, dtype=np.float32))


def test_through_view_writes_base():
    t = tg.ones(3, 2)
    init.zeros_(t.t())
    assert_close(t, np.zeros((3, 2), dtype=np.float32))
    u = tg.zeros(4, 6)
    init.uniform_(u[:, 2:4], 1.0, 2.0)
    v = to_np(u)
    assert np.all(v[:, [0, 1, 4, 5]] == 0) and np.all((v[:, 2:4] >= 1) & (v[:, 2:4] <= 2))


def test_seeded_determinism():
    tg.manual_seed(123)
    a = to_np(init.kaiming_uniform_(empty(8, 8)))
    tg.manual_seed(123)
    b = to_np(init.kaiming_uniform_(empty(8, 8)))
    c = to_np(init.kaiming_uniform_(empty(8, 8)))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


# ---- Xavier / Glorot ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape,fan_in,fan_out", FANS, ids=FAN_IDS)
@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier_uniform(shape, fan_in, fan_out, gain):
    t = init.xavier_uniform_(empty(*shape), gain=gain)
    check_uniform(to_np(t), gain * math.sqrt(6.0 / (fan_in + fan_out)))


@pytest.mark.parametrize("shape,fan_in,fan_out", FANS, ids=FAN_IDS)
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_xavier_normal(shape, fan_in, fan_out, gain):
    t = init.xavier_normal_(empty(*shape), gain=gain)
    check_normal(to_np(t), gain * math.sqrt(2.0 / (fan_in + fan_out)))


def test_xavier_default_gain_is_one():
    tg.manual_seed(5)
    a = to_np(init.xavier_uniform_(empty(16, 8)))
    tg.manual_seed(5)
    b = to_np(init.xavier_uniform_(empty(16, 8), gain=1.0))
    np.testing.assert_array_equal(a, b)


# ---- Kaiming / He -------------------------------------------------------------------------------------

# (a, mode, nonlinearity, gain): the gain is calculate_gain(nonlinearity, a), written out
KAIMING = [
    (0, "fan_in", "leaky_relu", math.sqrt(2.0)),  # the defaults
    (0, "fan_out", "relu", math.sqrt(2.0)),
    (math.sqrt(5), "fan_in", "leaky_relu", math.sqrt(1.0 / 3.0)),  # nn.Linear's init
    (0.2, "fan_out", "leaky_relu", math.sqrt(2.0 / 1.04)),
    (0, "fan_in", "tanh", 5.0 / 3.0),
    (0, "fan_in", "linear", 1.0),
    (0, "fan_out", "selu", 0.75),
]
KAIMING_IDS = [f"{k[2]}-{k[1]}-a{k[0]:.2g}" for k in KAIMING]


@pytest.mark.parametrize("shape,fan_in,fan_out", FANS, ids=FAN_IDS)
@pytest.mark.parametrize("a,mode,nonlinearity,gain", KAIMING, ids=KAIMING_IDS)
def test_kaiming_uniform(shape, fan_in, fan_out, a, mode, nonlinearity, gain):
    t = init.kaiming_uniform_(empty(*shape), a=a, mode=mode, nonlinearity=nonlinearity)
    fan = fan_in if mode == "fan_in" else fan_out
    check_uniform(to_np(t), gain * math.sqrt(3.0 / fan))


@pytest.mark.parametrize("shape,fan_in,fan_out", FANS, ids=FAN_IDS)
@pytest.mark.parametrize("a,mode,nonlinearity,gain", KAIMING, ids=KAIMING_IDS)
def test_kaiming_normal(shape, fan_in, fan_out, a, mode, nonlinearity, gain):
    t = init.kaiming_normal_(empty(*shape), a=a, mode=mode, nonlinearity=nonlinearity)
    fan = fan_in if mode == "fan_in" else fan_out
    check_normal(to_np(t), gain / math.sqrt(fan))


def test_kaiming_defaults():
    # a=0, mode='fan_in', nonlinearity='leaky_relu' -> gain sqrt(2), bound sqrt(6 / fan_in)
    check_uniform(to_np(init.kaiming_uniform_(empty(256, 512))), math.sqrt(6.0 / 512))
    check_normal(to_np(init.kaiming_normal_(empty(256, 512))), math.sqrt(2.0 / 512))


@pytest.mark.parametrize("fn", [init.kaiming_uniform_, init.kaiming_normal_])
def test_kaiming_bad_mode(fn):
    with pytest.raises(ValueError):
        fn(empty(4, 4), mode="fan_avg")


# ---- fewer than 2 dims: no fans -----------------------------------------------------------------------

FAN_FNS = [init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_, init.kaiming_normal_]


@pytest.mark.parametrize("fn", FAN_FNS, ids=[f.__name__ for f in FAN_FNS])
@pytest.mark.parametrize("shape", [(5,), ()], ids=["1d", "0d"])
def test_fan_needs_2d(fn, shape):
    with pytest.raises(ValueError, match="dimension"):
        fn(empty(*shape))


def test_plain_fills_work_on_1d_and_0d():
    assert tuple(init.uniform_(empty(5)).shape) == (5,)
    assert tuple(init.normal_(empty()).shape) == ()
    assert_close(init.ones_(empty(3)), np.ones(3, dtype=np.float32))


# ---- calculate_gain ------------------------------------------------------------------------------------

GAINS = [
    ("linear", None, 1.0),
    ("conv1d", None, 1.0),
    ("conv2d", None, 1.0),
    ("conv3d", None, 1.0),
    ("conv_transpose1d", None, 1.0),
    ("conv_transpose2d", None, 1.0),
    ("conv_transpose3d", None, 1.0),
    ("sigmoid", None, 1.0),
    ("tanh", None, 5.0 / 3.0),
    ("relu", None, math.sqrt(2.0)),
    ("leaky_relu", None, math.sqrt(2.0 / (1 + 0.01**2))),  # default negative_slope 0.01
    ("leaky_relu", 0.2, math.sqrt(2.0 / (1 + 0.2**2))),
    ("leaky_relu", 1, 1.0),  # an int slope is accepted
    ("leaky_relu", math.sqrt(5), math.sqrt(1.0 / 3.0)),
    ("selu", None, 3.0 / 4.0),
]


@pytest.mark.parametrize("nonlinearity,param,gain", GAINS, ids=[f"{g[0]}-{g[1]}" for g in GAINS])
def test_calculate_gain(nonlinearity, param, gain):
    got = init.calculate_gain(nonlinearity, param)
    assert isinstance(got, (int, float)) and got == pytest.approx(gain, rel=1e-12)
    if param is None:
        assert init.calculate_gain(nonlinearity) == pytest.approx(gain, rel=1e-12)


@pytest.mark.parametrize(
    "args", [("foo",), ("softmax",), ("leaky_relu", "x"), ("leaky_relu", True)], ids=str
)
def test_calculate_gain_errors(args):
    with pytest.raises(ValueError):
        init.calculate_gain(*args)


def test_linear_default_init_is_torchs_reset_parameters():
    # nn.Linear's default (C++ reset_linear_parameters) is torch's rule on the same stream:
    # kaiming_uniform_(weight, a=sqrt(5)), then the bias U(-1/sqrt(in), 1/sqrt(in))
    tg.manual_seed(3)
    lin = tg.nn.Linear(7, 4)
    tg.manual_seed(3)
    w, b = tg.empty(4, 7), tg.empty(4)
    tg.nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    tg.nn.init.uniform_(b, -1 / math.sqrt(7), 1 / math.sqrt(7))
    np.testing.assert_array_equal(to_np(lin.weight.detach()), to_np(w))
    np.testing.assert_array_equal(to_np(lin.bias.detach()), to_np(b))
