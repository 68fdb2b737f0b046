"""End-to-end runs: examples/xor.py, the bundled digits data set, and ``python -m tetragrad.demo``.

The XOR example is plain PyTorch code and runs on both backends; the data set and the demo are
tetragrad's own (``tetragrad.datasets``, ``tetragrad.demo``) and are skipped on the torch backend.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import tetragrad as tg
from conftest import TORCH_BACKEND

ROOT = Path(__file__).resolve().parents[1]

tetragrad_only = pytest.mark.skipif(
    TORCH_BACKEND, reason="tetragrad.datasets and tetragrad.demo are tetragrad's own"
)

EPOCH_LINE = re.compile(
    r"^epoch +(\d+)  train loss (\d+\.\d+)  train acc +(\d+\.\d+)%  test acc +(\d+\.\d+)%$"
)


def _load_example(name: str):
    path = ROOT / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- examples/xor.py ----------------------------------------------------------------------------


def test_xor_example_solves_xor(capsys):
    xor = _load_example("xor")
    assert xor.main([]) == 1.0
    out = capsys.readouterr().out
    assert "accuracy 100%" in out
    assert re.search(r"^step +0  loss", out, re.M)  # progress is printed
    rows = re.findall(r"^ +([01]) +([01]) +([01]) +(-?\d+\.\d+) +([01])$", out, re.M)
    assert [(int(a), int(b), int(t)) for a, b, t, _, _ in rows] == [
        (0, 0, 0),
        (0, 1, 1),
        (1, 0, 1),
        (1, 1, 0),
    ]
    assert all(t == p for _, _, t, _, p in rows)


def test_xor_train_returns_confident_predictions():
    xor = _load_example("xor")
    accuracy, loss, predictions = xor.train(seed=0, verbose=False)
    assert accuracy == 1.0
    assert loss < 0.01
    assert len(predictions) == 4
    np.testing.assert_allclose(predictions, xor.Y, atol=0.3)


# ---- tetragrad.datasets.load_digits -------------------------------------------------------------

# The first and last rows of scikit-learn's digits.csv.gz (64 pixels, then the label).
FIRST_ROW = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4,
             12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10,
             12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0, 0]  # fmt: skip
LAST_ROW = [0, 0, 10, 14, 8, 1, 0, 0, 0, 2, 16, 14, 6, 1, 0, 0, 0, 0, 15, 15, 8, 15, 0, 0, 0, 0,
            5, 16, 16, 10, 0, 0, 0, 0, 12, 15, 15, 12, 0, 0, 0, 4, 16, 6, 4, 16, 6, 0, 0, 8, 16, 10,
            8, 16, 8, 0, 0, 1, 8, 12, 14, 12, 1, 0, 8]  # fmt: skip
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


@tetragrad_only
def test_load_digits_tensors():
    from tetragrad.datasets import load_digits

    X, y = load_digits()
    assert isinstance(X, tg.Tensor) and isinstance(y, tg.Tensor)
    assert tuple(X.shape) == (1797, 64) and X.dtype == tg.float32
    assert tuple(y.shape) == (1797,) and y.dtype == tg.int64
    assert not X.requires_grad
    assert X.min().item() == 0.0 and X.max().item() == 1.0
    assert y.min().item() == 0 and y.max().item() == 9


@tetragrad_only
def test_load_digits_values():
    from tetragrad.datasets import load_digits

    X, y = load_digits(return_tensors=False)
    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    counts = X * 16  # pixel counts 0..16, exactly representable
    np.testing.assert_array_equal(counts, np.round(counts))
    np.testing.assert_array_equal(counts[0], FIRST_ROW[:64])
    assert y[0] == FIRST_ROW[64]
    np.testing.assert_array_equal(counts[-1], LAST_ROW[:64])
    assert y[-1] == LAST_ROW[64]
    np.testing.assert_array_equal(y[:10], np.arange(10))
    assert np.bincount(y).tolist() == CLASS_COUNTS
    # fingerprints of the whole file: any change to a pixel or a label shows up here
    assert int(counts.astype(np.int64).sum()) == 561718
    assert int((counts.astype(np.int64) * np.arange(64)).sum()) == 17660653
    assert int((y * np.arange(1797)).sum()) == 7264791


@tetragrad_only
def test_load_digits_tensors_match_arrays_and_are_fresh():
    from tetragrad.datasets import load_digits

    X, y = load_digits()
    Xn, yn = load_digits(return_tensors=False)
    np.testing.assert_array_equal(X.numpy(), Xn)
    np.testing.assert_array_equal(y.numpy(), yn)
    Xn[0] = 5.0  # the caller owns the arrays: no cache to corrupt
    X2, _ = load_digits(return_tensors=False)
    np.testing.assert_array_equal(X2[0] * 16, FIRST_ROW[:64])


@tetragrad_only
def test_digits_file_is_package_data():
    ref = resources.files("tetragrad.datasets").joinpath("digits.npz")
    assert ref.is_file()
    size = len(ref.read_bytes())
    assert 0 < size < 100_000  # kept small (compressed uint8)
    with ref.open("rb") as f, np.load(f) as data:
        assert sorted(data.files) == ["images", "labels"]
        assert data["images"].shape == (1797, 8, 8) and data["images"].dtype == np.uint8
        assert data["labels"].shape == (1797,)


# ---- tetragrad.demo -----------------------------------------------------------------------------


@tetragrad_only
def test_demo_feedforward_reaches_target():
    from tetragrad import demo

    lines: list[str] = []
    result = demo.feedforward(seed=0, log=lines.append)
    epochs = [m for m in map(EPOCH_LINE.match, lines) if m]
    assert [int(m.group(1)) for m in epochs] == list(range(1, len(epochs) + 1))
    assert len(epochs) >= 5
    assert result.name == "feedforward" and result.target == 0.95
    assert result.test_accuracy >= 0.95, "\n".join(lines)
    assert result.passed
    # the last epoch line reports the returned accuracy
    assert float(epochs[-1].group(4)) == pytest.approx(100 * result.test_accuracy, abs=0.006)
    assert float(epochs[-1].group(3)) >= 97.0  # the training set is (nearly) learned
    assert float(epochs[-1].group(2)) < float(epochs[0].group(2))  # the loss went down


@tetragrad_only
def test_demo_is_reproducible():
    from tetragrad import demo

    runs = []
    for _ in range(2):
        lines: list[str] = []
        demo.feedforward(epochs=2, seed=3, log=lines.append)
        runs.append([line for line in lines if EPOCH_LINE.match(line)])
    assert len(runs[0]) == 2
    assert runs[0] == runs[1]


@tetragrad_only
def test_demo_main_output(capsys):
    from tetragrad import demo

    assert "feedforward" in demo.SECTIONS
    rc = demo.main(["--epochs", "3", "--seed", "1", "--section", "feedforward"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("tetragrad ") and "demo" in lines[0]
    assert len([line for line in lines if EPOCH_LINE.match(line)]) == 3
    m = re.search(r"^feedforward: final test accuracy (\d+\.\d+)% \(target 95%: (ok|BELOW TARGET)\)", out, re.M)  # fmt: skip
    assert m, out
    assert rc == (0 if m.group(2) == "ok" else 1)
    assert re.search(r"^wall time \d+\.\d+ s$", out, re.M)


@tetragrad_only
def test_demo_runs_as_module():
    import tetragrad.demo

    package_parent = str(Path(tetragrad.demo.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "tetragrad.demo", "--epochs", "2", "--threads", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert len([line for line in proc.stdout.splitlines() if EPOCH_LINE.match(line)]) == 2
    assert "final test accuracy" in proc.stdout and "wall time" in proc.stdout
