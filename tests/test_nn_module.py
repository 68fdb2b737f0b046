"""tetragrad.nn: Module bookkeeping, containers, Linear, activation/dropout/loss modules, state_dict.

Everything here is PyTorch's torch.nn behaviour (names, defaults, reprs, state_dict keys, errors),
checked against NumPy references or the matching tg.nn.functional call. Two groups are
tetragrad's own contract and say so:
  * load_state_dict with NumPy arrays as values (torch rejects them: skipped on the torch backend);
  * Linear shape errors are ValueError naming both shapes (torch: RuntimeError -> torch_differs).
"""

import copy
import math
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import tetragrad as tg
from conftest import TORCH_BACKEND, assert_close, randn, tgt, to_np, torch_differs

nn = tg.nn
F = tg.nn.functional

F64 = tg.float64


def x64(*shape, seed=0):
    return tgt(randn(*shape, seed=seed))


def mlp():
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.body = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Dropout(0.1))
        self.head = nn.Linear(4, 2, bias=False)

    def forward(self, x, scale=1.0):
        return self.head(self.body(self.fc(x))) * scale


def names(pairs):
    return [n for n, _ in pairs]


# ---- Parameter -------------------------------------------------------------------------------------


def test_parameter_is_tensor_leaf():
    p = nn.Parameter(tg.zeros(2, 3))
    assert isinstance(p, tg.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert tuple(p.shape) == (2, 3) and p.dtype == tg.float32


def test_parameter_requires_grad_false():
    assert not nn.Parameter(tg.zeros(2), requires_grad=False).requires_grad


def test_parameter_from_non_leaf_is_leaf():
    x = tg.ones(3, requires_grad=True)
    p = nn.Parameter(x * 2)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    assert_close(p, np.full(3, 2.0))


def test_parameter_receives_grad():
    p = nn.Parameter(tgt(np.array([1.0, -2.0, 3.0])))
    (p * p).sum().backward()
    assert_close(p.grad, np.array([2.0, -4.0, 6.0]))


# ---- Linear ------------------------------------------------------------------------------------------


def test_linear_shapes_and_names():
    lin = nn.Linear(3, 5)
    assert (lin.in_features, lin.out_features) == (3, 5)
    assert tuple(lin.weight.shape) == (5, 3) and tuple(lin.bias.shape) == (5,)
    assert isinstance(lin.weight, nn.Parameter) and isinstance(lin.bias, nn.Parameter)
    assert lin.weight.dtype == tg.float32
    assert names(lin.named_parameters()) == ["weight", "bias"]


def test_linear_no_bias():
    lin = nn.Linear(3, 5, bias=False)
    assert lin.bias is None and names(lin.named_parameters()) == ["weight"]
    x = x64(2, 3)
    assert_close(lin.double()(x), to_np(x) @ to_np(lin.weight).T)


def test_linear_dtype():
    lin = nn.Linear(3, 2, dtype=F64)
    assert lin.weight.dtype == F64 and lin.bias.dtype == F64


@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 5, 3), (0, 3)])
def test_linear_forward(shape):
    lin = nn.Linear(3, 2, dtype=F64)
    x = tgt(randn(*shape))
    w, b = to_np(lin.weight), to_np(lin.bias)
    assert_close(lin(x), to_np(x) @ w.T + b, dtype=F64)


def test_linear_backward():
    lin = nn.Linear(3, 2, dtype=F64)
    x = tgt(randn(4, 3), requires_grad=True)
    g = randn(4, 2, seed=1)
    (lin(x) * tgt(g)).sum().backward()
    xn, w = to_np(x), to_np(lin.weight)
    assert_close(lin.weight.grad, g.T @ xn)
    assert_close(lin.bias.grad, g.sum(0))
    assert_close(x.grad, g @ w)


def test_linear_default_init_bounds():
    # kaiming_uniform_(a=sqrt(5)) -> U(-1/sqrt(in), 1/sqrt(in)); bias U(-1/sqrt(in), 1/sqrt(in))
    tg.manual_seed(0)
    lin = nn.Linear(256, 128)
    bound = 1 / math.sqrt(256)
    w, b = to_np(lin.weight), to_np(lin.bias)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    assert abs(w.mean()) < 0.02 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.8 * bound
    assert len(np.unique(b)) == 128  # not a constant fill


def test_linear_init_depends_on_seed():
    tg.manual_seed(1)
    a = to_np(nn.Linear(4, 3).weight)
    tg.manual_seed(1)
    b = to_np(nn.Linear(4, 3).weight)
    c = to_np(nn.Linear(4, 3).weight)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


@torch_differs("RuntimeError, with a message naming neither the module nor both shapes")
def test_linear_shape_error():
    with pytest.raises(ValueError) as e:
        nn.Linear(4, 5)(tg.zeros(2, 3))
    assert "[2, 3]" in str(e.value) and "[5, 4]" in str(e.value)
    assert str(e.value).startswith(
        "Linear(in_features=4, out_features=5, bias=True): linear: input has 3"
    )
    with pytest.raises(TypeError, match=r"^Linear\(in_features=4.*linear: .*float64"):
        nn.Linear(4, 5)(tg.zeros(2, 4, dtype=tg.float64))


# ---- registration --------------------------------------------------------------------------------------


def test_setattr_registers_params_and_modules():
    net = Net()
    assert names(net.named_children()) == ["fc", "body", "head"]
    assert names(net.named_parameters()) == [
        "fc.weight",
        "fc.bias",
        "body.0.weight",
        "body.0.bias",
        "head.weight",
    ]
    ps = list(net.parameters())
    assert (
        len(ps) == 5
        and ps[0] is net.fc.weight
        and ps[1] is net.fc.bias
        and ps[4] is net.head.weight
    )


def test_named_parameters_prefix_recurse():
    net = Net()
    assert names(net.named_parameters(prefix="m"))[:2] == ["m.fc.weight", "m.fc.bias"]
    assert list(net.named_parameters(recurse=False)) == []
    assert list(net.parameters(recurse=False)) == []
    assert names(net.fc.named_parameters(recurse=False)) == ["weight", "bias"]


def test_plain_attributes_not_registered():
    m = nn.Module()
    m.scale = 2.0
    m.t = tg.zeros(2)
    assert m.scale == 2.0 and tuple(m.t.shape) == (2,)
    assert list(m.parameters()) == [] and list(m.buffers()) == [] and len(m.state_dict()) == 0


def test_register_parameter():
    m = nn.Module()
    p = nn.Parameter(tg.ones(2))
    m.register_parameter("p", p)
    m.register_parameter("none", None)
    assert m.p is p and m.none is None
    assert names(m.named_parameters()) == ["p"] and list(m.state_dict()) == ["p"]


def test_register_parameter_errors():
    m = nn.Module()
    with pytest.raises(TypeError):
        m.register_parameter("x", tg.zeros(2))  # a plain tensor is not a Parameter
    with pytest.raises(KeyError):
        m.register_parameter("a.b", nn.Parameter(tg.zeros(1)))
    with pytest.raises(KeyError):
        m.register_parameter("", nn.Parameter(tg.zeros(1)))


def test_assign_plain_tensor_to_parameter_raises():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="weight"):
        lin.weight = tg.zeros(2, 2)


def test_assign_none_to_parameter_unregisters_value():
    lin = nn.Linear(2, 2)
    lin.weight = None
    assert lin.weight is None and names(lin.named_parameters()) == ["bias"]


def test_register_buffer():
    m = nn.Module()
    m.register_buffer("running", tg.zeros(3))
    m.register_buffer("scratch", tg.ones(2), persistent=False)
    m.register_buffer("empty", None)
    assert names(m.named_buffers()) == ["running", "scratch"]
    assert len(list(m.buffers())) == 2
    assert list(m.parameters()) == []
    assert list(m.state_dict()) == ["running"]
    assert not m.running.requires_grad
    m.running = tg.ones(3)  # assigning a tensor to a buffer name replaces the buffer
    assert_close(m.running, np.ones(3, dtype=np.float32))
    assert next(m.buffers()) is m.running and list(m.state_dict()) == ["running"]


def test_register_buffer_errors():
    m = nn.Module()
    with pytest.raises(TypeError):
        m.register_buffer("x", 3)
    with pytest.raises(KeyError):
        m.register_buffer("a.b", tg.zeros(1))


def test_nested_buffers_named():
    net = Net()
    net.body[0].register_buffer("stat", tg.zeros(4))
    assert names(net.named_buffers()) == ["body.0.stat"]
    assert "body.0.stat" in net.state_dict()


def test_add_module_register_module():
    m = nn.Module()
    a, b = nn.ReLU(), nn.Tanh()
    m.add_module("a", a)
    m.register_module("b", b)
    assert m.a is a and m.b is b and names(m.named_children()) == ["a", "b"]
    with pytest.raises(TypeError):
        m.add_module("c", 3)


def test_delattr():
    net = Net()
    del net.fc
    assert names(net.named_children()) == ["body", "head"]
    assert not any(n.startswith("fc.") for n in names(net.named_parameters()))
    with pytest.raises(AttributeError):
        net.fc  # noqa: B018
    lin = nn.Linear(2, 2)
    del lin.bias
    assert names(lin.named_parameters()) == ["weight"]


def test_missing_attribute_error_names_class():
    with pytest.raises(AttributeError, match="Net.*nope"):
        Net().nope  # noqa: B018


def test_assign_module_before_init_raises():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError):
        Bad()


def test_children_modules():
    net = Net()
    assert [type(m).__name__ for m in net.children()] == ["Linear", "Sequential", "Linear"]
    assert names(net.named_modules()) == ["", "fc", "body", "body.0", "body.1", "body.2", "head"]
    assert next(iter(net.modules())) is net and len(list(net.modules())) == 7
    assert names(net.body.named_modules(prefix="b")) == ["b", "b.0", "b.1", "b.2"]


def test_shared_module_deduplicated():
    lin = nn.Linear(2, 2)
    s = nn.Sequential(lin, lin)
    assert len(list(s.parameters())) == 2 and names(s.named_parameters()) == ["0.weight", "0.bias"]
    assert names(s.named_modules()) == ["", "0"]
    # state_dict is not deduplicated: every path gets its key
    assert list(s.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


# ---- subclassing, forward, train/eval -------------------------------------------------------------------


def test_user_subclass_forward_and_grad():
    net = Net().double().eval()
    x = x64(5, 3)
    y = net(x, scale=2.0)
    h = to_np(x) @ to_np(net.fc.weight).T + to_np(net.fc.bias)
    h = h @ to_np(net.body[0].weight).T + to_np(net.body[0].bias)
    ref = 2.0 * np.tanh(h) @ to_np(net.head.weight).T
    assert_close(y, ref)
    y.sum().backward()
    assert all(p.grad is not None for p in net.parameters())


def test_train_eval_propagate():
    net = Net()
    assert net.training and all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    net.train(False)
    assert not any(m.training for m in net.modules())
    net.body.train()
    assert net.body[2].training and not net.training


def test_zero_grad():
    lin = nn.Linear(3, 2)
    lin(tg.ones(4, 3)).sum().backward()
    assert lin.weight.grad is not None
    lin.zero_grad(set_to_none=False)
    assert_close(lin.weight.grad, np.zeros((2, 3), dtype=np.float32))
    lin(tg.ones(4, 3)).sum().backward()
    lin.zero_grad()  # set_to_none=True by default
    assert lin.weight.grad is None and lin.bias.grad is None


def test_requires_grad_freeze():
    net = Net().double()
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    x = tgt(randn(2, 3), requires_grad=True)
    net(x).sum().backward()
    assert x.grad is not None and all(p.grad is None for p in net.parameters())
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())


def test_to_dtype_keeps_identity():
    net = Net()
    net.register_buffer("count", tg.zeros(1, dtype=tg.int64))
    net.register_buffer("stat", tg.ones(2))
    params = list(net.parameters())
    before = [to_np(p) for p in params]
    assert net.double() is net
    assert all(p is q for p, q in zip(net.parameters(), params, strict=True))
    assert all(p.dtype == F64 and p.requires_grad and p.is_leaf for p in params)
    for p, b in zip(params, before, strict=True):
        np.testing.assert_array_equal(to_np(p), b.astype(np.float64))
    assert net.stat.dtype == F64 and net.count.dtype == tg.int64  # only floating buffers convert
    assert net(x64(2, 3)).dtype == F64
    assert net.float() is net and all(p.dtype == tg.float32 for p in params)
    assert net.to(F64) is net and net.fc.weight.dtype == F64 and net.fc.weight is params[0]
    assert net.to(dtype=tg.float32) is net and net.stat.dtype == tg.float32


def test_apply_order_and_init():
    s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 3)))
    seen = []
    assert s.apply(lambda m: seen.append(type(m).__name__)) is s
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]  # children first

    def init(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)
            nn.init.zeros_(m.bias)

    s.apply(init)
    assert_close(s[2][0].weight, np.full((3, 3), 0.5, dtype=np.float32))
    assert_close(s[0].bias, np.zeros(3, dtype=np.float32))


# ---- repr ----------------------------------------------------------------------------------------------


class WithExtra(nn.Module):
    def extra_repr(self):
        return "k=3"


REPRS = [
    (
        lambda: nn.Sequential(nn.Linear(2, 8), nn.ReLU()),
        "Sequential(\n  (0): Linear(in_features=2, out_features=8, bias=True)\n  (1): ReLU()\n)",
    ),
    (lambda: nn.Sequential(), "Sequential()"),
    (lambda: nn.Linear(2, 3, bias=False), "Linear(in_features=2, out_features=3, bias=False)"),
    (
        Net,
        "Net(\n"
        "  (fc): Linear(in_features=3, out_features=4, bias=True)\n"
        "  (body): Sequential(\n"
        "    (0): Linear(in_features=4, out_features=4, bias=True)\n"
        "    (1): Tanh()\n"
        "    (2): Dropout(p=0.1, inplace=False)\n"
        "  )\n"
        "  (head): Linear(in_features=4, out_features=2, bias=False)\n"
        ")",
    ),
    (
        lambda: nn.ModuleList([nn.Linear(1, 2), nn.Sigmoid()]),
        "ModuleList(\n  (0): Linear(in_features=1, out_features=2, bias=True)\n  (1): Sigmoid()\n)",
    ),
    (
        lambda: nn.ModuleDict({"b": nn.Identity(), "a": nn.Flatten()}),
        "ModuleDict(\n  (b): Identity()\n  (a): Flatten(start_dim=1, end_dim=-1)\n)",
    ),
    (
        lambda: nn.Sequential(OrderedDict([("fc", nn.Linear(1, 1)), ("act", nn.Tanh())])),
        "Sequential(\n  (fc): Linear(in_features=1, out_features=1, bias=True)\n  (act): Tanh()\n)",
    ),
    (nn.Module, "Module()"),
    (WithExtra, "WithExtra(k=3)"),
    (nn.Identity, "Identity()"),
    (nn.Sigmoid, "Sigmoid()"),
    (nn.Tanh, "Tanh()"),
    (nn.ReLU, "ReLU()"),
    (nn.LeakyReLU, "LeakyReLU(negative_slope=0.01)"),
    (lambda: nn.LeakyReLU(0.2), "LeakyReLU(negative_slope=0.2)"),
    (nn.ELU, "ELU(alpha=1.0)"),
    (lambda: nn.ELU(alpha=0.5), "ELU(alpha=0.5)"),
    (nn.GELU, "GELU(approximate='none')"),
    (lambda: nn.GELU(approximate="tanh"), "GELU(approximate='tanh')"),
    (lambda: nn.Softmax(dim=1), "Softmax(dim=1)"),
    (lambda: nn.LogSoftmax(dim=-1), "LogSoftmax(dim=-1)"),
    (nn.Dropout, "Dropout(p=0.5, inplace=False)"),
    (lambda: nn.Dropout(0.25), "Dropout(p=0.25, inplace=False)"),
    (nn.Flatten, "Flatten(start_dim=1, end_dim=-1)"),
    (lambda: nn.Flatten(0, 2), "Flatten(start_dim=0, end_dim=2)"),
    (nn.MSELoss, "MSELoss()"),
    (nn.L1Loss, "L1Loss()"),
    (nn.CrossEntropyLoss, "CrossEntropyLoss()"),
    (nn.NLLLoss, "NLLLoss()"),
    (nn.BCELoss, "BCELoss()"),
    (nn.BCEWithLogitsLoss, "BCEWithLogitsLoss()"),
]


@pytest.mark.parametrize("make,expected", REPRS, ids=[r[1].split("(")[0] for r in REPRS])
def test_repr(make, expected):
    assert repr(make()) == expected


# ---- containers -----------------------------------------------------------------------------------------


def test_sequential_forward_index_len_iter():
    s = mlp().double()
    x = x64(4, 2)
    assert_close(s(x), to_np(s[2](s[1](s[0](x)))))
    assert len(s) == 3 and isinstance(s[0], nn.Linear) and s[-1] is s[2]
    assert [type(m).__name__ for m in s] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(IndexError):
        s[3]  # noqa: B018


def test_sequential_slice():
    s = mlp()
    t = s[1:]
    assert type(t) is nn.Sequential and len(t) == 2
    assert list(t) == [s[1], s[2]]
    assert list(t.state_dict()) == ["2.weight", "2.bias"]  # slicing keeps the original keys


def test_sequential_append():
    s = mlp()
    assert s.append(nn.Linear(3, 1)) is s and len(s) == 4
    assert names(s.named_parameters())[-2:] == ["3.weight", "3.bias"]
    assert tuple(s(tg.zeros(5, 2)).shape) == (5, 1)


def test_sequential_ordered_dict():
    s = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert list(s.state_dict()) == ["fc.weight", "fc.bias"] and s.fc is s[0]


def test_module_list():
    ml = nn.ModuleList([nn.Linear(1, 2)])
    ml.append(nn.ReLU())
    ml.extend([nn.Tanh(), nn.Linear(2, 1)])
    ml.insert(1, nn.Sigmoid())
    assert [type(m).__name__ for m in ml] == ["Linear", "Sigmoid", "ReLU", "Tanh", "Linear"]
    assert len(ml) == 5 and isinstance(ml[-1], nn.Linear) and ml[-1] is ml[4]
    assert names(ml.named_parameters()) == ["0.weight", "0.bias", "4.weight", "4.bias"]
    sl = ml[1:3]
    assert type(sl) is nn.ModuleList and list(sl) == [ml[1], ml[2]]
    assert names(sl.named_children()) == ["0", "1"]  # ModuleList slices renumber
    ml[1] = nn.Identity()
    assert isinstance(ml[1], nn.Identity)
    assert nn.ModuleList().__len__() == 0


def test_module_list_in_subclass():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    m = Stack()
    assert len(list(m.parameters())) == 6 and "layers.2.bias" in m.state_dict()
    assert tuple(m(tg.zeros(4, 2)).shape) == (4, 2)


def test_module_dict():
    md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(2, 2)})
    assert list(md.keys()) == ["b", "a"] and list(md) == ["b", "a"]
    assert [type(m).__name__ for m in md.values()] == ["ReLU", "Linear"]
    assert [k for k, _ in md.items()] == ["b", "a"]
    assert isinstance(md["a"], nn.Linear) and "a" in md and "z" not in md and len(md) == 2
    md["c"] = nn.Linear(2, 1)
    assert len(md) == 3 and names(md.named_parameters()) == [
        "a.weight",
        "a.bias",
        "c.weight",
        "c.bias",
    ]
    with pytest.raises(KeyError):
        md["z"]  # noqa: B018


# ---- simple layers -------------------------------------------------------------------------------------


def test_identity():
    x = x64(2, 3)
    assert nn.Identity()(x) is x
    assert nn.Identity(54, unused="x")(x) is x  # arguments are accepted and ignored


@pytest.mark.parametrize(
    "args,out", [((), (2, 60)), ((0,), (120,)), ((1, 2), (2, 12, 5)), ((2, -1), (2, 3, 20))]
)
def test_flatten(args, out):
    x = x64(2, 3, 4, 5)
    y = nn.Flatten(*args)(x)
    assert tuple(y.shape) == out
    np.testing.assert_array_equal(to_np(y), to_np(x).reshape(out))


def test_dropout_train_statistics():
    tg.manual_seed(0)
    x = tg.ones(200, 200, dtype=F64, requires_grad=True)
    y = nn.Dropout(p=0.3)(x)
    v = to_np(y)
    assert abs((v == 0).mean() - 0.3) < 0.02
    np.testing.assert_allclose(v[v != 0], 1 / 0.7, rtol=1e-12)  # survivors scaled by 1/(1-p)
    y.sum().backward()
    np.testing.assert_allclose(to_np(x.grad), v, rtol=1e-12)  # grad = mask / (1-p)


def test_dropout_eval_and_edge_p():
    x = x64(10, 10)
    d = nn.Dropout(0.5)
    assert d.eval() is d
    np.testing.assert_array_equal(to_np(d(x)), to_np(x))
    np.testing.assert_array_equal(to_np(nn.Dropout(0.0)(x)), to_np(x))
    np.testing.assert_array_equal(to_np(nn.Dropout(1.0)(x)), np.zeros((10, 10)))
    assert nn.Dropout(0.2).p == 0.2
    with pytest.raises(ValueError):
        nn.Dropout(1.5)


def test_dropout_in_model_eval():
    net = Net().double()
    x = x64(50, 3)
    net.eval()
    np.testing.assert_array_equal(to_np(net(x)), to_np(net(x)))


# ---- activations: module == functional == NumPy -----------------------------------------------------


def _erf(a):
    return np.vectorize(math.erf)(a)


def _softmax(a, d):
    e = np.exp(a - a.max(d, keepdims=True))
    return e / e.sum(d, keepdims=True)


ACTS = [
    ("sigmoid", nn.Sigmoid, lambda x: tg.sigmoid(x), lambda a: 1 / (1 + np.exp(-a))),
    ("tanh", nn.Tanh, lambda x: tg.tanh(x), np.tanh),
    ("relu", nn.ReLU, lambda x: F.relu(x), lambda a: np.maximum(a, 0)),
    (
        "leaky_relu",
        nn.LeakyReLU,
        lambda x: F.leaky_relu(x),
        lambda a: np.where(a > 0, a, 0.01 * a),
    ),
    (
        "leaky_relu_0.2",
        lambda: nn.LeakyReLU(negative_slope=0.2),
        lambda x: F.leaky_relu(x, 0.2),
        lambda a: np.where(a > 0, a, 0.2 * a),
    ),
    ("elu", nn.ELU, lambda x: F.elu(x), lambda a: np.where(a > 0, a, np.expm1(a))),
    (
        "elu_alpha",
        lambda: nn.ELU(alpha=0.5),
        lambda x: F.elu(x, alpha=0.5),
        lambda a: np.where(a > 0, a, 0.5 * np.expm1(a)),
    ),
    ("gelu", nn.GELU, lambda x: F.gelu(x), lambda a: 0.5 * a * (1 + _erf(a / math.sqrt(2)))),
    (
        "gelu_tanh",
        lambda: nn.GELU(approximate="tanh"),
        lambda x: F.gelu(x, approximate="tanh"),
        lambda a: 0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a**3))),
    ),
    (
        "softmax",
        lambda: nn.Softmax(dim=1),
        lambda x: F.softmax(x, dim=1),
        lambda a: _softmax(a, 1),
    ),
    (
        "softmax_last",
        lambda: nn.Softmax(dim=-1),
        lambda x: F.softmax(x, dim=-1),
        lambda a: _softmax(a, -1),
    ),
    (
        "log_softmax",
        lambda: nn.LogSoftmax(dim=1),
        lambda x: F.log_softmax(x, dim=1),
        lambda a: np.log(_softmax(a, 1)),
    ),
]


@pytest.mark.parametrize("make,fn,ref", [a[1:] for a in ACTS], ids=[a[0] for a in ACTS])
def test_activation_module(make, fn, ref):
    x = tgt(randn(2, 3, 4) * 2)
    y = make()(x)
    assert_close(y, to_np(fn(x)), dtype=F64)
    assert_close(y, ref(to_np(x)), rtol=1e-9, atol=1e-12)


def test_activation_attributes():
    assert nn.LeakyReLU().negative_slope == 0.01 and nn.ELU().alpha == 1.0
    assert nn.GELU().approximate == "none" and nn.Softmax(dim=2).dim == 2
    assert nn.Flatten().start_dim == 1 and nn.Flatten().end_dim == -1


def test_activation_module_grad():
    x = tgt(randn(3, 4), requires_grad=True)
    nn.Tanh()(x).sum().backward()
    assert_close(x.grad, 1 - np.tanh(to_np(x)) ** 2)


# ---- losses: module == functional == NumPy ----------------------------------------------------------------


def _log_softmax(a):
    return np.log(_softmax(a, 1))


def _reduce(loss, reduction, denom=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (loss.size if denom is None else denom)


def ref_nll(lp, y, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    n, c = lp.shape
    w = np.ones(c) if weight is None else weight
    keep = y != ignore_index
    ys = np.where(keep, y, 0)
    wy = w[ys] * keep
    loss = -wy * lp[np.arange(n), ys]
    if label_smoothing:
        smooth = -(lp * w).sum(1) * keep
        loss = (1 - label_smoothing) * loss + label_smoothing / c * smooth
    return _reduce(loss, reduction, wy.sum())


def ref_bce_logits(x, y, weight=None, pos_weight=None, reduction="mean"):
    pw = 1.0 if pos_weight is None else pos_weight
    ls = -np.logaddexp(0, -x)  # log sigmoid(x)
    l1s = -np.logaddexp(0, x)  # log (1 - sigmoid(x))
    loss = -(pw * y * ls + (1 - y) * l1s) * (1.0 if weight is None else weight)
    return _reduce(loss, reduction)


def ref_bce(p, y, weight=None, reduction="mean"):
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p)) * (1.0 if weight is None else weight)
    return _reduce(loss, reduction)


X = randn(6, 4, seed=3)
Y_CLS = np.array([0, 1, 2, 3, 1, 2])
Y_REG = randn(6, 4, seed=4)
W_CLS = np.array([0.5, 1.0, 2.0, 1.5])
PROB = 1 / (1 + np.exp(-X))
Y_BIN = (randn(6, 4, seed=5) > 0).astype(np.float64)
W_BIN = np.abs(randn(4, seed=6)) + 0.5
POS_W = np.array([0.5, 1.0, 2.0, 3.0])

# (id, module factory, functional call, NumPy reference, input, target)
LOSSES = []
for red in ["mean", "sum", "none"]:
    LOSSES += [
        (
            f"mse_{red}",
            lambda r=red: nn.MSELoss(reduction=r),
            lambda x, y, r=red: F.mse_loss(x, y, reduction=r),
            lambda x, y, r=red: _reduce((x - y) ** 2, r),
            X,
            Y_REG,
        ),
        (
            f"l1_{red}",
            lambda r=red: nn.L1Loss(reduction=r),
            lambda x, y, r=red: F.l1_loss(x, y, reduction=r),
            lambda x, y, r=red: _reduce(np.abs(x - y), r),
            X,
            Y_REG,
        ),
        (
            f"cross_entropy_{red}",
            lambda r=red: nn.CrossEntropyLoss(reduction=r),
            lambda x, y, r=red: F.cross_entropy(x, y, reduction=r),
            lambda x, y, r=red: ref_nll(_log_softmax(x), y, reduction=r),
            X,
            Y_CLS,
        ),
        (
            f"cross_entropy_all_opts_{red}",
            lambda r=red: nn.CrossEntropyLoss(
                weight=tgt(W_CLS), ignore_index=1, reduction=r, label_smoothing=0.2
            ),
            lambda x, y, r=red: F.cross_entropy(
                x, y, weight=tgt(W_CLS), ignore_index=1, reduction=r, label_smoothing=0.2
            ),
            lambda x, y, r=red: ref_nll(_log_softmax(x), y, W_CLS, 1, r, 0.2),
            X,
            Y_CLS,
        ),
        (
            f"nll_{red}",
            lambda r=red: nn.NLLLoss(weight=tgt(W_CLS), ignore_index=3, reduction=r),
            lambda x, y, r=red: F.nll_loss(x, y, weight=tgt(W_CLS), ignore_index=3, reduction=r),
            lambda x, y, r=red: ref_nll(x, y, W_CLS, 3, r),
            _log_softmax(X),
            Y_CLS,
        ),
        (
            f"bce_{red}",
            lambda r=red: nn.BCELoss(weight=tgt(W_BIN), reduction=r),
            lambda x, y, r=red: F.binary_cross_entropy(x, y, weight=tgt(W_BIN), reduction=r),
            lambda x, y, r=red: ref_bce(x, y, W_BIN, r),
            PROB,
            Y_BIN,
        ),
        (
            f"bce_logits_{red}",
            lambda r=red: nn.BCEWithLogitsLoss(reduction=r),
            lambda x, y, r=red: F.binary_cross_entropy_with_logits(x, y, reduction=r),
            lambda x, y, r=red: ref_bce_logits(x, y, reduction=r),
            X,
            Y_BIN,
        ),
        (
            f"bce_logits_weights_{red}",
            lambda r=red: nn.BCEWithLogitsLoss(
                weight=tgt(W_BIN), reduction=r, pos_weight=tgt(POS_W)
            ),
            lambda x, y, r=red: F.binary_cross_entropy_with_logits(
                x, y, weight=tgt(W_BIN), reduction=r, pos_weight=tgt(POS_W)
            ),
            lambda x, y, r=red: ref_bce_logits(x, y, W_BIN, POS_W, r),
            X,
            Y_BIN,
        ),
    ]


@pytest.mark.parametrize("make,fn,ref,x,y", [c[1:] for c in LOSSES], ids=[c[0] for c in LOSSES])
def test_loss_module(make, fn, ref, x, y):
    xt, yt = tgt(x, requires_grad=True), tgt(y)
    loss = make()(xt, yt)
    assert_close(loss, to_np(fn(xt, yt)), dtype=F64)
    assert_close(loss, ref(x, y), rtol=1e-9, atol=1e-12)
    loss.sum().backward()
    assert xt.grad is not None and tuple(xt.grad.shape) == x.shape


def test_loss_defaults():
    ce = nn.CrossEntropyLoss()
    assert (ce.ignore_index, ce.reduction, ce.label_smoothing, ce.weight) == (
        -100,
        "mean",
        0.0,
        None,
    )
    assert nn.MSELoss().reduction == "mean" and nn.L1Loss(reduction="sum").reduction == "sum"
    b = nn.BCEWithLogitsLoss()
    assert b.weight is None and b.pos_weight is None and b.reduction == "mean"


def test_cross_entropy_grad():
    x = tgt(X, requires_grad=True)
    nn.CrossEntropyLoss()(x, tgt(Y_CLS)).backward()
    p = _softmax(X, 1)
    p[np.arange(6), Y_CLS] -= 1
    assert_close(x.grad, p / 6)


# ---- state_dict / load_state_dict ---------------------------------------------------------------------


def test_state_dict_keys_and_values():
    net = Net()
    net.register_buffer("stat", tg.ones(2))
    net.register_buffer("tmp", tg.ones(2), persistent=False)
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    # a module's own params, then its own persistent buffers, then each child's, recursively
    assert list(sd) == [
        "stat",
        "fc.weight",
        "fc.bias",
        "body.0.weight",
        "body.0.bias",
        "head.weight",
    ]
    assert all(not v.requires_grad for v in sd.values())
    assert tuple(sd["body.0.weight"].shape) == (4, 4)


def test_state_dict_shares_storage():
    s = mlp()
    sd = s.state_dict()
    assert sd["0.weight"].data_ptr() == s[0].weight.data_ptr()
    sd["0.weight"].fill_(0.5)
    assert_close(s[0].weight, np.full((8, 2), 0.5, dtype=np.float32))


def test_load_state_dict_roundtrip_keeps_identity():
    a, b = mlp(), mlp()
    w = a[0].weight
    res = a.load_state_dict(b.state_dict())
    assert a[0].weight is w and w.requires_grad and w.is_leaf and w.grad_fn is None
    for (k, p), q in zip(a.named_parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(to_np(p), to_np(q), err_msg=k)
    assert list(res.missing_keys) == [] and list(res.unexpected_keys) == []
    missing, unexpected = res  # a namedtuple
    assert (list(missing), list(unexpected)) == ([], [])


def test_load_state_dict_copies():
    a, b = mlp(), mlp()
    a.load_state_dict(b.state_dict())
    b[0].weight.requires_grad_(False).fill_(3.0)  # later changes to the source don't leak
    assert not np.any(to_np(a[0].weight) == 3.0)


def test_load_state_dict_buffers_and_casts():
    net = Net()
    net.register_buffer("stat", tg.zeros(2))
    sd = {k: v.double() for k, v in Net().state_dict().items()}  # float64 values: cast on copy
    sd["stat"] = tg.ones(2)
    net.load_state_dict(sd)
    assert net.fc.weight.dtype == tg.float32
    np.testing.assert_allclose(to_np(net.fc.weight), to_np(sd["fc.weight"]), rtol=1e-6)
    assert_close(net.stat, np.ones(2, dtype=np.float32))


def test_load_state_dict_non_strict():
    s = mlp()
    sd = {"0.weight": tg.zeros(8, 2), "extra": tg.zeros(1)}
    res = s.load_state_dict(sd, strict=False)
    assert list(res.missing_keys) == ["0.bias", "2.weight", "2.bias"]
    assert list(res.unexpected_keys) == ["extra"]
    assert_close(s[0].weight, np.zeros((8, 2), dtype=np.float32))


def test_load_state_dict_strict_error_message():
    s = mlp()
    sd = dict(s.state_dict())
    del sd["0.bias"]
    sd["extra.weight"] = tg.zeros(1)
    sd["0.weight"] = tg.zeros(3, 2)
    with pytest.raises(RuntimeError) as e:
        s.load_state_dict(sd)
    msg = str(e.value)
    assert "Sequential" in msg
    assert "missing" in msg.lower() and "0.bias" in msg
    assert "unexpected" in msg.lower() and "extra.weight" in msg
    assert "size mismatch" in msg and "0.weight" in msg and "[3, 2]" in msg and "[8, 2]" in msg


def test_load_state_dict_size_mismatch_raises_even_non_strict():
    lin = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match=r"Linear[\s\S]*weight"):
        lin.load_state_dict({"weight": tg.zeros(3, 3), "bias": tg.zeros(2)}, strict=False)


def test_load_state_dict_nested_keys():
    a, b = Net(), Net()
    a.load_state_dict(b.state_dict())
    np.testing.assert_array_equal(to_np(a.body[0].weight), to_np(b.body[0].weight))
    np.testing.assert_array_equal(to_np(a.head.weight), to_np(b.head.weight))


# ---- tetragrad's own: NumPy values in load_state_dict (torch rejects them) ------------------------------

numpy_only = pytest.mark.skipif(
    TORCH_BACKEND,
    reason="tetragrad extension: torch's load_state_dict raises RuntimeError on NumPy values",
)


@numpy_only
def test_load_state_dict_numpy():
    s = mlp()
    w = s[0].weight
    src = {
        k: randn(*v.shape, seed=i).astype(np.float32)
        for i, (k, v) in enumerate(s.state_dict().items())
    }
    res = s.load_state_dict(src)
    assert list(res.missing_keys) == [] and list(res.unexpected_keys) == []
    assert s[0].weight is w and w.requires_grad and w.dtype == tg.float32
    for k, v in s.state_dict().items():
        np.testing.assert_array_equal(to_np(v), src[k], err_msg=k)
    src["0.weight"][:] = 7.0  # the model holds a copy
    assert not np.any(to_np(w) == 7.0)


@numpy_only
def test_load_state_dict_numpy_float64_and_noncontiguous():
    s = mlp()
    src = {k: randn(*v.shape, seed=i) for i, (k, v) in enumerate(s.state_dict().items())}
    src["2.weight"] = np.ascontiguousarray(src["2.weight"].T).T  # Fortran-ordered view
    assert not src["2.weight"].flags.c_contiguous
    s.load_state_dict(src)
    assert s[2].weight.dtype == tg.float32
    np.testing.assert_allclose(to_np(s[2].weight), src["2.weight"], rtol=1e-6)
    np.testing.assert_allclose(to_np(s[0].bias), src["0.bias"], rtol=1e-6)


@numpy_only
def test_load_state_dict_numpy_mixed_and_buffers():
    net = Net()
    net.register_buffer("stat", tg.zeros(3))
    sd = dict(Net().state_dict())
    sd["stat"] = np.arange(3, dtype=np.float32)
    sd["head.weight"] = np.ones((2, 4), dtype=np.float32)
    net.load_state_dict(sd)
    assert_close(net.stat, np.arange(3, dtype=np.float32))
    assert_close(net.head.weight, np.ones((2, 4), dtype=np.float32))


@numpy_only
def test_load_state_dict_numpy_size_mismatch():
    s = mlp()
    sd = {k: to_np(v) for k, v in s.state_dict().items()}
    sd["2.weight"] = np.zeros((4, 8), dtype=np.float32)
    with pytest.raises(RuntimeError) as e:
        s.load_state_dict(sd)
    assert "2.weight" in str(e.value) and "[4, 8]" in str(e.value) and "[3, 8]" in str(e.value)


# ---- copies, pickling, assign (added by the lead) ---------------------------------------------


def _mlp():
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


def test_deepcopy_is_independent_and_consistent():
    m = _mlp()
    m2 = copy.deepcopy(m)
    assert m2[0].weight is not m[0].weight and isinstance(m2[0].weight, nn.Parameter)
    assert m2[0]._parameters["weight"] is m2[0].weight  # registry and attribute agree
    with tg.no_grad():
        m2[0].weight.fill_(0.0)
    assert m[0].weight.abs().sum().item() > 0
    assert [k for k, _ in m2.named_parameters()] == [k for k, _ in m.named_parameters()]


def test_pickle_round_trip_gives_same_outputs():
    m = _mlp()
    m2 = pickle.loads(pickle.dumps(m))
    x = tg.randn(4, 2)
    np.testing.assert_array_equal(m2(x).detach().numpy(), m(x).detach().numpy())


def test_load_state_dict_assign_takes_the_tensors():
    m, src = _mlp(), _mlp()
    sd = src.state_dict()
    m.load_state_dict(sd, assign=True)
    assert m[0].weight.data_ptr() == sd["0.weight"].data_ptr()
    assert isinstance(m[0].weight, nn.Parameter) and m[0].weight.requires_grad
    assert m[0]._parameters["weight"] is m[0].weight
    x = tg.randn(4, 2)
    np.testing.assert_array_equal(m(x).detach().numpy(), src(x).detach().numpy())


@pytest.mark.parametrize(
    "copier", [copy.deepcopy, copy.copy, lambda m: pickle.loads(pickle.dumps(m))]
)
def test_a_copys_hooks_fire_after_the_originals_are_removed(copier):
    # the no-hook fast path is gated by a count of hook handles; a copy's hooks have none
    m = nn.Linear(2, 2)
    handle = m.register_forward_hook(_count_call)
    m2 = copier(m)
    handle.remove()
    _CALLS.clear()
    m2(tg.ones(1, 2))
    assert len(_CALLS) == (0 if copier is copy.copy else 1)  # copy.copy shares the hook dict


_CALLS = []


def _count_call(module, args, output):  # module level: picklable
    _CALLS.append(1)
