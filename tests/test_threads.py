"""Threads: the process-wide thread count, gradients accumulated from several Python threads,
and use_deterministic_algorithms (bit-identical results for any thread count)."""

import threading

import numpy as np
import pytest
import tetragrad as tg
from conftest import tetragrad_only, torch_differs
from tetragrad import nn


@pytest.fixture
def restore_threads():
    n, det = tg.get_num_threads(), tg.are_deterministic_algorithms_enabled()
    yield
    tg.set_num_threads(n)
    tg.use_deterministic_algorithms(det)


def run_in_threads(fns):
    errors = []

    def guarded(f):
        try:
            f()
        except BaseException as e:  # reported in the main thread
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(f,)) for f in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


@tetragrad_only("reads the team size through tetragrad's _C._parallel_team_size")
def test_set_num_threads_governs_kernels_started_from_other_threads(restore_threads):
    work = 10**7  # big enough that a kernel uses every thread it may
    for n in (1, 3, 2):
        tg.set_num_threads(n)
        seen = []
        run_in_threads(
            [lambda s=seen: s.append((tg.get_num_threads(), tg._C._parallel_team_size(work)))]
        )
        assert seen == [(n, n)]
    # and a setting made in a worker thread reaches the main thread
    run_in_threads([lambda: tg.set_num_threads(1)])
    assert tg.get_num_threads() == 1 and tg._C._parallel_team_size(work) == 1


def test_backward_from_two_threads_into_shared_parameters_loses_nothing():
    # Integer-valued data: every gradient is an exact float32 sum, so any lost or doubled
    # accumulation shows as a wrong element. Each round, two threads run many backward passes
    # into the same parameters; the gradients are checked elementwise, then an SGD step trains.
    rng = np.random.default_rng(0)
    w = nn.Parameter(tg.from_numpy(rng.integers(-2, 3, (784, 128)).astype(np.float32)))
    b = nn.Parameter(tg.zeros(128))
    opt = tg.optim.SGD([w, b], lr=1e-3)
    xs = [tg.from_numpy(rng.integers(0, 3, (8, 784)).astype(np.float32)) for _ in range(2)]
    steps = 100
    for _ in range(3):
        opt.zero_grad()

        def work(x):
            for _ in range(steps):
                (x @ w + b).sum().backward()

        run_in_threads([lambda x=x: work(x) for x in xs])
        want_w = steps * sum(x.numpy().sum(0) for x in xs)[:, None] * np.ones((1, 128), np.float32)
        np.testing.assert_array_equal(w.grad.numpy(), want_w)
        np.testing.assert_array_equal(b.grad.numpy(), np.full(128, 2 * steps * 8, np.float32))
        opt.step()


def test_first_gradient_from_two_threads_is_not_lost():
    # Both threads find .grad empty at once: one must create it, the other add to it.
    for _ in range(50):
        w = tg.ones(1000, requires_grad=True)
        run_in_threads([lambda w=w: (w * 2.0).sum().backward() for _ in range(2)])
        np.testing.assert_array_equal(w.grad.numpy(), np.full(1000, 4.0, np.float32))


def train_digits_mlp(threads):
    from tetragrad.datasets import load_digits

    tg.set_num_threads(threads)
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    X_np, y_np = load_digits(return_tensors=False)
    X, y = tg.from_numpy(X_np), tg.from_numpy(y_np)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        perm = tg.from_numpy(rng.permutation(len(y_np)).astype(np.int64))
        for i in range(0, len(y_np), 256):
            idx = perm[i : i + 256]
            loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with tg.no_grad():
        full = model(X)  # one big product and reductions over the whole set
    return [p.detach().numpy().tobytes() for p in model.parameters()] + [
        full.numpy().tobytes(),
        full.sum().numpy().tobytes(),
    ]


# Bit-identical results for any thread count are tetragrad's guarantee: torch's deterministic mode
# does not promise them, and which of these cases differ there depends on the machine.
ANY_THREAD_COUNT = tetragrad_only("torch's deterministic mode is not thread-count invariant")


@ANY_THREAD_COUNT
@tetragrad_only("tetragrad.datasets is tetragrad's own")
def test_deterministic_digits_mlp_is_bit_identical_on_1_and_2_threads(restore_threads):
    tg.use_deterministic_algorithms(True)
    assert tg.are_deterministic_algorithms_enabled()
    assert train_digits_mlp(1) == train_digits_mlp(2)


@ANY_THREAD_COUNT
@pytest.mark.parametrize("n", [3 * 32768 + 5, 1_000_003])
def test_deterministic_long_reductions_for_any_thread_count(restore_threads, n):
    x = tg.from_numpy(np.random.default_rng(n).standard_normal(n).astype(np.float32))
    x2 = x.reshape(1, n)
    tg.use_deterministic_algorithms(True)

    def results(threads):
        tg.set_num_threads(threads)
        return [
            r.numpy().tobytes()
            for r in (
                x.sum(),
                x.mean(),
                x2.sum(1),
                x.norm(),
                x.prod(),
                x.var(),
                x.max(),
                x.argmax(),
            )
        ]

    first = results(1)
    assert all(results(t) == first for t in (2, 3, 4))
    np.testing.assert_allclose(float(x.sum()), x.numpy().astype(np.float64).sum(), rtol=1e-6)


@ANY_THREAD_COUNT
@pytest.mark.parametrize(
    "shape", [(300, 700, 500), (7, 4096, 300), (64, 64, 256), (2000, 33, 48), (5, 1000, 3000)]
)
def test_deterministic_matmul_for_any_thread_count(restore_threads, shape):
    M, K, N = shape
    rng = np.random.default_rng(M)
    a = tg.from_numpy(rng.standard_normal((M, K)).astype(np.float32))
    b = tg.from_numpy(rng.standard_normal((K, N)).astype(np.float32))
    tg.use_deterministic_algorithms(True)

    def results(threads):
        tg.set_num_threads(threads)
        return [(a @ b).numpy().tobytes(), (b.t() @ a.t()).numpy().tobytes()]

    first = results(1)
    assert all(results(t) == first for t in (2, 3, 5))
    np.testing.assert_allclose(
        (a @ b).numpy(), a.numpy().astype(np.float64) @ b.numpy(), rtol=1e-4, atol=1e-3
    )


def test_deterministic_mode_is_a_process_wide_switch(restore_threads):
    tg.use_deterministic_algorithms(False)
    assert not tg.are_deterministic_algorithms_enabled()
    run_in_threads([lambda: tg.use_deterministic_algorithms(True)])
    assert tg.are_deterministic_algorithms_enabled()
    run_in_threads([lambda: tg.use_deterministic_algorithms(False)])
    assert not tg.are_deterministic_algorithms_enabled()


@torch_differs("it records warn_only, which then reads back True")
def test_warn_only_is_accepted_and_changes_nothing(restore_threads):
    # every tetragrad op has a deterministic form: there is nothing to only warn about
    tg.use_deterministic_algorithms(True, warn_only=True)
    assert tg.are_deterministic_algorithms_enabled()
    assert not tg.is_deterministic_algorithms_warn_only_enabled()
