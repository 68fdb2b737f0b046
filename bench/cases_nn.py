"""Issue 3 cases: feedforward training and inference, end to end through each framework's
own nn/optim API (Sequential of Linear + ReLU, a loss, backward, an SGD step), so per-op
overhead in Python, autograd and the optimizer is part of what is measured.

Both frameworks start from the same weights (copied in from NumPy) and see the same data.
A training-step callable returns the loss of that step; the outputs drift apart as the
steps accumulate, so only inference is checked across frameworks.
"""

from __future__ import annotations

import numpy as np
from harness import Framework, Unsupported, case, data

TORCHLIKE = ("tetragrad", "torch")


def _mlp(fw: Framework, sizes: list[int], seed: int):
    """Sequential(Linear, ReLU, ..., Linear) with weights drawn from NumPy (same for all)."""
    if not fw.torchlike:
        raise Unsupported("needs an nn API")
    nn = fw.lib.nn
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        lin = nn.Linear(a, b)
        with fw.lib.no_grad():
            lin.weight.copy_(fw.tensor(data.randn(b, a, seed=seed + 2 * i) * (1.0 / a**0.5)))
            lin.bias.copy_(fw.tensor(data.randn(b, seed=seed + 2 * i + 1) * 0.1))
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


@case("xor_mlp_train_step", target=0.15, check=False, frameworks=TORCHLIKE)
def xor_train_step(fw: Framework):
    """2-8-1 ReLU MLP on the 4 XOR points: zero_grad, forward, MSE, backward, SGD step"""
    lib = fw.lib
    x = fw.tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    y = fw.tensor(np.array([[0], [1], [1], [0]], dtype=np.float32))
    model = _mlp(fw, [2, 8, 1], seed=10)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    mse = lib.nn.functional.mse_loss

    def step():
        opt.zero_grad()
        loss = mse(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


@case("mlp_64_128_10_infer_b1", target=0.3, frameworks=TORCHLIKE, rtol=1e-5)
def mlp_small_inference(fw: Framework):
    """64-128-10 ReLU MLP, batch 1, forward under no_grad"""
    lib = fw.lib
    model = _mlp(fw, [64, 128, 10], seed=20)
    x = fw.tensor(data.randn(1, 64, seed=21))
    no_grad = lib.no_grad

    def infer():
        with no_grad():
            return model(x)

    return infer


@case(
    "mlp_784_512_512_10_train_b128",
    target=1.1,
    check=False,
    frameworks=TORCHLIKE,
    flops=3 * 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10),
)
def mlp_large_train_step(fw: Framework):
    """784-512-512-10 ReLU MLP, batch 128: zero_grad, forward, cross-entropy, backward, SGD momentum"""
    lib = fw.lib
    model = _mlp(fw, [784, 512, 512, 10], seed=30)
    x = fw.tensor(data.randn(128, 784, seed=31))
    y = lib.tensor(data.rng(32).integers(0, 10, size=128).tolist(), dtype=lib.int64)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    ce = lib.nn.functional.cross_entropy

    def step():
        opt.zero_grad()
        loss = ce(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


@case(
    "pointwise_fwd_bwd_1M", target=1.0, frameworks=TORCHLIKE, rtol=1e-5, bytes=12 * 1024 * 1024 * 4
)
def pointwise_fwd_bwd(fw: Framework):
    """float32 [1024,1024]: (sigmoid(x) + tanh(x) + silu(x) + exp(-x)).sum().backward(), x.grad"""
    lib = fw.lib
    x = fw.tensor(data.randn(1024, 1024, seed=40))
    x.requires_grad_(True)
    silu = lib.nn.functional.silu

    def step():
        x.grad = None
        (x.sigmoid() + x.tanh() + silu(x) + (-x).exp()).sum().backward()
        return x.grad

    return step
