"""A tour of tetragrad: train a small network per deep-learning paradigm on bundled data.

    python -m tetragrad.demo [--epochs N] [--seed S] [--threads T] [--section NAME ...]

Each section trains one model from scratch, prints its progress per epoch, and ends with its
test accuracy against a target. Sections so far:

  feedforward   a 64-256-10 MLP (ReLU, cross-entropy, SGD with momentum and weight decay) on
                the standardised UCI digits
                (``tetragrad.datasets.load_digits``: 1797 8x8 images), 80/20 stratified split;
                reaches 96-98 % test accuracy in 15 epochs

The code is what one would write with PyTorch, with ``torch`` replaced by ``tetragrad``. A new
paradigm (CNN, RNN, Transformer) is one more function decorated with ``@section(...)``: it takes
``epochs`` (None for its default), ``seed`` and ``log``, and returns a ``SectionResult``.
The exit status is 0 when every section reached its target accuracy, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import tetragrad as tg
from tetragrad import nn
from tetragrad.datasets import load_digits

F = nn.functional


@dataclass
class SectionResult:
    name: str
    test_accuracy: float  # in [0, 1]
    target: float  # the accuracy the section is expected to reach
    seconds: float  # wall time of the section (data loading, training and evaluation)

    @property
    def passed(self) -> bool:
        return self.test_accuracy >= self.target


@dataclass
class Section:
    name: str
    title: str
    run: Callable[..., SectionResult]


SECTIONS: dict[str, Section] = {}


def section(name: str, title: str):
    """Registers a demo section, run by ``main`` in registration order."""

    def register(fn: Callable[..., SectionResult]) -> Callable[..., SectionResult]:
        SECTIONS[name] = Section(name, title, fn)
        return fn

    return register


# ---- helpers shared by the sections -----------------------------------------------------------


def stratified_split(
    labels: np.ndarray, test_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (int64, shuffled) of a split that keeps each class's share in both parts."""
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * len(idx)))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return (
        rng.permutation(np.concatenate(train)).astype(np.int64),
        rng.permutation(np.concatenate(test)).astype(np.int64),
    )


def accuracy(model: nn.Module, X: tg.Tensor, y: tg.Tensor) -> float:
    """Fraction of rows of X whose argmax logit is the label in y."""
    with tg.no_grad():
        pred = model(X).argmax(dim=1)
        return (pred == y).float().mean().item()


# ---- sections -----------------------------------------------------------------------------------


@section("feedforward", "MLP 64-256-10 on the UCI digits (8x8 images)")
def feedforward(
    epochs: int | None = None,
    seed: int = 0,
    batch_size: int = 64,
    hidden: int = 256,
    lr: float = 0.1,
    momentum: float = 0.9,
    weight_decay: float = 1e-3,
    log: Callable[[str], None] = print,
) -> SectionResult:
    """A multilayer perceptron: Linear(64, hidden), ReLU, Linear(hidden, 10), trained with
    mini-batch SGD with momentum on cross-entropy; test accuracy on a held-out 20 %."""
    epochs = 15 if epochs is None else epochs
    start = time.perf_counter()
    tg.manual_seed(seed)
    rng = np.random.default_rng(seed)

    X_np, y_np = load_digits(return_tensors=False)  # float32 [1797, 64] in [0, 1], int64 [1797]
    train_idx, test_idx = stratified_split(y_np, 0.2, rng)
    # Centre each pixel on its training mean and scale by one overall standard deviation (a
    # per-pixel one would blow up the pixels that are almost always blank).
    mean = X_np[train_idx].mean(axis=0)
    X_np = (X_np - mean) / X_np[train_idx].std()
    X, y = tg.from_numpy(X_np.astype(np.float32)), tg.from_numpy(y_np)
    X_train, y_train = X[tg.from_numpy(train_idx)], y[tg.from_numpy(train_idx)]
    X_test, y_test = X[tg.from_numpy(test_idx)], y[tg.from_numpy(test_idx)]
    n = len(train_idx)
    log(f"data: {n} train / {len(test_idx)} test images, 64 pixels, 10 classes")

    model = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    opt = tg.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    log(f"model: {model}".replace("\n", "\n  "))
    log(
        f"optimizer: SGD(lr={lr}, momentum={momentum}, weight_decay={weight_decay}), "
        f"batch size {batch_size}, {epochs} epochs"
    )

    for epoch in range(1, epochs + 1):
        perm = tg.from_numpy(rng.permutation(n).astype(np.int64))
        total_loss = 0.0
        for i in range(0, n, batch_size):
            idx = perm[i : i + batch_size]
            xb, yb = X_train[idx], y_train[idx]
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total_loss += loss.item() * len(idx)
        train_acc = accuracy(model, X_train, y_train)
        test_acc = accuracy(model, X_test, y_test)
        log(
            f"epoch {epoch:3d}  train loss {total_loss / n:.4f}  "
            f"train acc {train_acc:6.2%}  test acc {test_acc:6.2%}"
        )

    test_acc = accuracy(model, X_test, y_test)
    return SectionResult("feedforward", test_acc, 0.95, time.perf_counter() - start)


# ---- driver -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tetragrad.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--epochs", type=int, default=None, help="epochs per section")
    parser.add_argument("--seed", type=int, default=0, help="seed for weights, split, shuffling")
    parser.add_argument("--threads", type=int, default=None, help="threads for the kernels")
    parser.add_argument(
        "--section",
        action="append",
        choices=list(SECTIONS),
        help="run only this section (repeatable); default: all",
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        tg.set_num_threads(args.threads)

    print(
        f"tetragrad {tg.__version__} demo: seed {args.seed}, {tg.get_num_threads()} threads, "
        f"NumPy {np.__version__}"
    )
    start = time.perf_counter()
    results = []
    for name in args.section or list(SECTIONS):
        sec = SECTIONS[name]
        print(f"\n== {sec.name}: {sec.title}")
        res = sec.run(epochs=args.epochs, seed=args.seed)
        results.append(res)
        verdict = "ok" if res.passed else "BELOW TARGET"
        print(
            f"{res.name}: final test accuracy {res.test_accuracy:.2%} "
            f"(target {res.target:.0%}: {verdict}), {res.seconds:.2f} s"
        )
    total = time.perf_counter() - start
    print(f"\nwall time {total:.2f} s")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
