"""ParameterList, ParameterDict, Module.get_parameter/get_buffer, Sequential/ModuleList.pop,
Unflatten and Tensor.unflatten: torch's semantics, registration, state dicts, reprs and errors,
with torch parity where it is installed."""

import numpy as np
import pytest
import tetragrad as tg
from conftest import assert_close, check_grad, randn, tgt, to_np, torch_differs

nn = tg.nn


# ---- ParameterList --------------------------------------------------------------------------------
def test_parameter_list_wraps_tensors_and_indexes():
    p = nn.Parameter(tg.ones(4))
    pl = nn.ParameterList([tg.zeros(2, 3), p])
    assert len(pl) == 2
    assert type(pl[0]) is nn.Parameter and pl[0].requires_grad
    assert pl[1] is p and pl[-1] is p and pl[-2] is pl[0]
    assert [type(x).__name__ for x in pl] == ["Parameter", "Parameter"]
    with pytest.raises(IndexError):
        pl[2]
    with pytest.raises(IndexError):
        pl[-3]
    sub = pl[1:]
    assert isinstance(sub, nn.ParameterList) and len(sub) == 1 and sub[0] is p
    q = nn.Parameter(tg.zeros(1))
    pl[0] = q
    assert pl[0] is q
    pl.append(tg.ones(3)).extend([tg.ones(1)])
    pl += [tg.zeros(5)]
    assert len(pl) == 5 and tuple(pl[4].shape) == (5,)
    assert list(dict(pl.named_parameters())) == ["0", "1", "2", "3", "4"]


def test_parameter_list_errors():
    with pytest.raises(TypeError, match="iterable"):
        nn.ParameterList().extend(tg.zeros(3))
    with pytest.raises(RuntimeError, match="should not be called"):
        nn.ParameterList([tg.zeros(1)])(tg.zeros(1))


def make_holder(lib):
    """The same module in tetragrad or torch: a ParameterList and a ParameterDict."""
    mod = lib.nn

    class Holder(mod.Module):
        def __init__(self):
            super().__init__()
            self.pl = mod.ParameterList(
                [mod.Parameter(lib.zeros(2, 3)), mod.Parameter(lib.zeros(4))]
            )
            self.pd = mod.ParameterDict(
                {"b": mod.Parameter(lib.zeros(3)), "a": mod.Parameter(lib.zeros(1))}
            )

        def forward(self, x):
            return (
                (x @ self.pl[0]).sum() + self.pl[1].sum() + self.pd["b"].sum() + self.pd["a"].sum()
            )

    return Holder()


@torch_differs("load_state_dict does not take NumPy arrays")
def test_parameter_containers_register_with_owner_and_train():
    m = make_holder(tg)
    assert list(m.state_dict()) == [
        "pl.0",
        "pl.1",
        "pd.a",
        "pd.b",
    ]  # a dict's keys sorted, as torch
    assert len(list(m.parameters())) == 4
    assert m.get_parameter("pd.b") is m.pd["b"]
    opt = tg.optim.SGD(m.parameters(), lr=0.5)
    m(tg.ones(1, 2)).backward()
    opt.step()
    assert_close(m.pl[0], np.full((2, 3), -0.5, np.float32))
    assert_close(m.pd["a"], np.full(1, -0.5, np.float32))
    m.load_state_dict({k: np.ones(v.shape, np.float32) for k, v in m.state_dict().items()})
    assert_close(m.pl[1], np.ones(4, np.float32))
    m.double()
    assert m.pl[0].dtype == tg.float64 and m.pd["b"].dtype == tg.float64


# ---- ParameterDict --------------------------------------------------------------------------------
def test_parameter_dict_mapping_api():
    pd = nn.ParameterDict({"w": tg.zeros(2)})
    assert type(pd["w"]) is nn.Parameter
    pd["v"] = nn.Parameter(tg.ones(3))
    assert "v" in pd and "x" not in pd and len(pd) == 2
    assert list(pd) == ["w", "v"] and list(pd.keys()) == ["w", "v"]
    assert [k for k, _ in pd.items()] == ["w", "v"] and list(pd.values())[1] is pd["v"]
    assert pd.get("x") is None and pd.get("w") is pd["w"]
    d = pd.setdefault("u", tg.zeros(1))
    assert pd["u"] is d and pd.setdefault("u") is d
    assert pd.pop("u") is d and "u" not in pd and not hasattr(pd, "u")
    assert pd.popitem()[0] == "v"
    pd.update([("a", tg.zeros(1)), ("b", tg.zeros(1))])
    pd.update({"c": tg.zeros(1)})
    assert list(pd) == ["w", "a", "b", "c"]
    cp = pd.copy()
    assert list(cp) == list(pd) and cp["a"] is pd["a"]
    del pd["a"]
    assert list(pd) == ["w", "b", "c"] and list(dict(pd.named_parameters())) == ["w", "b", "c"]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []


def test_parameter_dict_key_order_as_torch():
    from collections import OrderedDict

    z = tg.zeros(1)
    assert list(nn.ParameterDict({"b": z, "a": z})) == ["a", "b"]  # a plain mapping: sorted
    assert list(nn.ParameterDict(OrderedDict([("b", z), ("a", z)]))) == ["b", "a"]
    assert list(nn.ParameterDict([("b", z), ("a", z)])) == ["b", "a"]  # pairs keep their order


@torch_differs("AttributeError for a missing key; other messages")
def test_parameter_dict_errors():
    pd = nn.ParameterDict()
    with pytest.raises(KeyError):
        pd["missing"]
    with pytest.raises(TypeError, match="strings"):
        pd[1] = tg.zeros(1)
    with pytest.raises(ValueError, match="element #0"):
        pd.update([("a", tg.zeros(1), 3)])
    with pytest.raises(KeyError):
        pd.popitem()
    with pytest.raises(RuntimeError, match="should not be called"):
        pd()


@torch_differs("tetragrad's dtype names in reprs (torch's strings: the test below)")
def test_parameter_container_reprs():
    assert repr(nn.ParameterList()) == "ParameterList()"
    assert (
        repr(nn.ParameterList([tg.zeros(2, 3)]))
        == "ParameterList(  (0): Parameter containing: [tetragrad.float32 of size 2x3])"
    )
    assert repr(nn.ParameterList([tg.zeros(2, 3), tg.ones(4, dtype=tg.float64)])) == (
        "ParameterList(\n"
        "    (0): Parameter containing: [tetragrad.float32 of size 2x3]\n"
        "    (1): Parameter containing: [tetragrad.float64 of size 4]\n"
        ")"
    )
    assert (
        repr(nn.ParameterDict({"a": tg.zeros(2)}))
        == "ParameterDict(  (a): Parameter containing: [tetragrad.FloatTensor of size 2])"
    )


def test_parameter_containers_reprs_like_torch(torch):
    def norm(s):
        return s.replace("tetragrad.", "torch.")

    cases = [
        (lambda lib: lib.nn.ParameterList([lib.zeros(2, 3)]),),
        (lambda lib: lib.nn.ParameterList([lib.zeros(2, 3), lib.ones(4, dtype=lib.float64)]),),
        (lambda lib: lib.nn.ParameterDict({"a": lib.zeros(2), "b": lib.zeros(1, 2)}),),
    ]
    for (make,) in cases:
        assert norm(repr(make(tg))) == repr(make(torch))


@torch_differs("load_state_dict does not take NumPy arrays")
def test_parameter_containers_state_dict_from_torch(torch):
    tm = make_holder(torch)
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.randn(p.shape))
    m = make_holder(tg)
    m.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    x = randn(3, 2, seed=1).astype(np.float32)
    out = m(tgt(x))
    tout = tm(torch.tensor(x))
    assert_close(out, tout.detach().numpy(), rtol=1e-5, atol=1e-5)
    out.backward()
    tout.backward()
    for (name, p), (tname, tp) in zip(m.named_parameters(), tm.named_parameters(), strict=True):
        assert name == tname
        assert_close(p.grad, tp.grad.numpy(), rtol=1e-5, atol=1e-5)


# ---- get_parameter / get_buffer, pop ------------------------------------------------------------
@torch_differs("other messages")
def test_get_parameter_and_buffer():
    m = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 1)))
    m[1].register_buffer("stat", tg.zeros(3))
    assert m.get_parameter("1.0.bias") is m[1][0].bias
    assert m.get_buffer("1.stat") is m[1].stat
    with pytest.raises(AttributeError, match="no parameter `stat`"):
        m.get_parameter("1.stat")
    with pytest.raises(AttributeError, match="no buffer `weight`"):
        m.get_buffer("0.weight")
    with pytest.raises(AttributeError):
        m.get_parameter("7.weight")


@pytest.mark.parametrize("container", [nn.Sequential, lambda *ms: nn.ModuleList(ms)])
def test_pop_renumbers(container):
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Identity()
    s = container(a, b, c)
    assert s.pop(1) is b
    assert list(s._modules) == ["0", "1"] and s[1] is c
    assert s.pop(-1) is c and len(s) == 1
    with pytest.raises(IndexError):
        s.pop(3)


# ---- Unflatten ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shape,dim,sizes,out",
    [
        ((3, 12), 1, (3, 4), (3, 3, 4)),
        ((3, 12), -1, (2, -1), (3, 2, 6)),
        ((12,), 0, [2, 2, 3], (2, 2, 3)),
        ((2, 6, 5), 1, (6,), (2, 6, 5)),
        ((2, 6, 5), -2, (-1, 1, 3), (2, 2, 1, 3, 5)),
        ((0, 6), 1, (2, 3), (0, 2, 3)),
    ],
    ids=str,
)
def test_unflatten(shape, dim, sizes, out):
    x = randn(*shape, seed=2)
    y = tgt(x).unflatten(dim, sizes)
    assert tuple(y.shape) == out
    assert_close(y, x.reshape(out))
    assert_close(tg.unflatten(tgt(x), dim, sizes), x.reshape(out))
    assert_close(nn.Unflatten(dim, sizes)(tgt(x)), x.reshape(out))


def test_unflatten_is_a_view_and_differentiable():
    x = tg.zeros(2, 6)
    y = x.unflatten(1, (2, 3))
    y[0, 1, 2] = 5.0
    assert x[0, 5].item() == 5.0
    check_grad(
        lambda t: (t.unflatten(1, (3, 2)) * tgt(randn(2, 3, 2, seed=4))).sum(), randn(2, 6, seed=3)
    )
    flat = nn.Flatten()(nn.Unflatten(1, (3, 2))(tgt(randn(4, 6, seed=5))))
    assert tuple(flat.shape) == (4, 6)


@torch_differs("RuntimeError where tetragrad raises ValueError, with other messages")
def test_unflatten_errors():
    x = tg.zeros(3, 6)
    with pytest.raises(
        ValueError, match=r"unflatten: sizes \[4, -1\] don't multiply up to the size of dim 1 \(6\)"
    ):
        x.unflatten(1, (4, -1))
    with pytest.raises(ValueError, match="multiply"):
        x.unflatten(1, (2, 2))
    with pytest.raises(ValueError, match="multiply"):
        x.unflatten(1, (-1, -1, 6))
    with pytest.raises(ValueError, match="non-empty"):
        x.unflatten(1, ())
    with pytest.raises(IndexError, match="unflatten: dimension 2 out of range"):
        x.unflatten(2, (6,))
    with pytest.raises(IndexError):
        tg.tensor(1.0).unflatten(0, (1,))
    with pytest.raises(TypeError, match="unflattened_size"):
        nn.Unflatten(1, 6)


def test_unflatten_repr():
    assert repr(nn.Unflatten(1, (2, 3))) == "Unflatten(dim=1, unflattened_size=(2, 3))"
    assert repr(nn.Unflatten(-1, [2, 3])) == "Unflatten(dim=-1, unflattened_size=[2, 3])"


def test_unflatten_parity(torch):
    x = randn(2, 12, 3, seed=6)
    for dim, sizes in [(1, (3, 4)), (1, (-1, 2)), (-2, (2, 2, 3)), (0, (1, 2))]:
        got = to_np(tgt(x).unflatten(dim, sizes))
        want = torch.tensor(x).unflatten(dim, sizes).numpy()
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)
