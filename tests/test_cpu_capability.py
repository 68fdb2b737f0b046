"""The CPU capability: the kernels compiled per instruction set, chosen at start-up.

Every capability this machine supports gives the baseline's results (to rounding: FMA and
wider vectors reorder sums); `.ci/run` also runs the whole suite under each one.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import tetragrad as tg
from conftest import TORCH_BACKEND

pytestmark = pytest.mark.skipif(TORCH_BACKEND, reason="tetragrad's own kernel builds")

NAMES = ("DEFAULT", "AVX2", "AVX512")


def supported():
    return tg.backends.cpu._supported_capabilities()


@pytest.fixture
def restore_capability():
    before = tg.backends.cpu.get_cpu_capability()
    yield
    tg.backends.cpu._set_cpu_capability(before)


def _run(env_value):
    env = dict(os.environ)
    env.pop("TETRAGRAD_CPU_CAPABILITY", None)
    if env_value is not None:
        env["TETRAGRAD_CPU_CAPABILITY"] = env_value
    code = "import tetragrad as tg; print(tg.backends.cpu.get_cpu_capability())"
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return r.stdout.strip(), r.stderr


def test_the_best_supported_capability_is_chosen():
    caps = supported()
    assert caps[0] == "DEFAULT" and all(c in NAMES for c in caps)
    assert [NAMES.index(c) for c in caps] == sorted(NAMES.index(c) for c in caps)
    assert _run(None)[0] == caps[-1]


def test_the_environment_variable_lowers_the_capability():
    for c in supported():
        assert _run(c.lower())[0] == c
    assert _run("baseline")[0] == "DEFAULT"
    out, err = _run("sse9")
    assert out == supported()[-1] and "ignoring TETRAGRAD_CPU_CAPABILITY" in err


@pytest.mark.usefixtures("restore_capability")
def test_set_cpu_capability_switches_and_refuses_what_is_not_supported():
    for c in supported():
        tg.backends.cpu._set_cpu_capability(c)
        assert tg.backends.cpu.get_cpu_capability() == c
    with pytest.raises(ValueError, match="unknown CPU capability"):
        tg.backends.cpu._set_cpu_capability("sse9")
    missing = [c for c in NAMES if c not in supported()]
    if missing:
        with pytest.raises(ValueError, match="not supported here"):
            tg.backends.cpu._set_cpu_capability(missing[0])


def _workload(dtype):
    rng = np.random.default_rng(0)
    a = tg.tensor(rng.standard_normal((67, 129)), dtype=dtype, requires_grad=True)
    b = tg.tensor(rng.standard_normal((129, 33)), dtype=dtype)
    y = tg.nn.functional.gelu(a @ b).softmax(-1)
    loss = (y.exp().sum(0) * tg.arange(33.0, dtype=dtype)).sum() + a.tanh().var() + a.abs().max()
    loss.backward()
    return [y.detach().numpy(), loss.detach().numpy(), a.grad.numpy()]


@pytest.mark.usefixtures("restore_capability")
@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float64", 1e-13)])
def test_every_capability_matches_the_baseline(dtype, tol):
    dt = getattr(tg, dtype)
    tg.backends.cpu._set_cpu_capability("DEFAULT")
    ref = _workload(dt)
    for c in supported()[1:]:
        tg.backends.cpu._set_cpu_capability(c)
        for got, want in zip(_workload(dt), ref, strict=True):
            # relative to the output's scale: FMA and vector widths reorder the sums
            assert np.abs(got - want).max() <= tol * np.abs(want).max(), c
