"""gradcheck: compare autograd's gradients with central finite differences (float64)."""

from __future__ import annotations

import numpy as np

from .. import _C


class GradcheckError(RuntimeError):
    """Raised by gradcheck when an analytical gradient disagrees with the numerical one."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, list | tuple) else (x,)


def _flat_outputs(fn, inputs):
    return [o for o in _as_tuple(fn(*inputs)) if isinstance(o, _C.Tensor)]


def _output_values(fn, inputs, oi) -> np.ndarray:
    """Output ``oi`` of ``fn(*inputs)`` as a flat float64 copy."""
    return _flat_outputs(fn, inputs)[oi].detach().numpy().astype(np.float64).reshape(-1)


def gradcheck(
    fn,
    inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check the gradients of ``fn(*inputs)`` against central finite differences.

    For every differentiable output o and every input x with ``requires_grad``, builds the
    Jacobian d o / d x twice: numerically, perturbing each element of x by +-eps, and
    analytically, by backpropagating each unit vector through autograd. Inputs should be
    float64. Returns True, or raises (or returns False) naming the first mismatch.
    """
    inputs = _as_tuple(inputs)
    diff_inputs = [
        (i, x) for i, x in enumerate(inputs) if isinstance(x, _C.Tensor) and x.requires_grad
    ]
    if not diff_inputs:
        raise ValueError("gradcheck: expected at least one input tensor with requires_grad=True")
    for _, x in diff_inputs:
        if x.dtype != _C.dtype.float64:
            raise TypeError(f"gradcheck: inputs should be float64 for precision, got {x.dtype!r}")

    with _NoGrad():
        outputs = _flat_outputs(fn, inputs)
    for oi, out in enumerate(outputs):
        if not out.dtype.is_floating_point:
            continue
        out_n = out.numel()
        for ii, x in diff_inputs:
            # Numerical Jacobian, [x.numel(), out.numel()].
            numerical = np.zeros((x.numel(), out_n))
            xa = x.detach().numpy()  # shares memory with x: perturb in place
            flat = xa.reshape(-1) if xa.flags.c_contiguous else None
            if flat is None:
                raise ValueError("gradcheck: inputs must be contiguous")
            with _NoGrad():
                for k in range(x.numel()):
                    orig = flat[k]
                    flat[k] = orig + eps
                    plus = _output_values(fn, inputs, oi)
                    flat[k] = orig - eps
                    minus = _output_values(fn, inputs, oi)
                    flat[k] = orig
                    numerical[k] = (plus - minus) / (2 * eps)
            # Analytical Jacobian by backpropagating unit vectors.
            analytical = np.zeros((x.numel(), out_n))
            for j in range(out_n):
                for _, xx in diff_inputs:
                    xx.grad = None
                o = _flat_outputs(fn, inputs)[oi]
                if not o.requires_grad:
                    break
                seed = np.zeros(out_n, dtype=np.float64)
                seed[j] = 1.0
                o.backward(_C.from_numpy(seed.reshape(tuple(o.shape))).to(o.dtype))
                g = x.grad
                analytical[:, j] = (
                    0.0 if g is None else g.detach().numpy().astype(np.float64).reshape(-1)
                )
            for _, xx in diff_inputs:
                xx.grad = None
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                bad = np.unravel_index(np.argmax(np.abs(analytical - numerical)), analytical.shape)
                text = (
                    f"gradcheck: Jacobian mismatch for output {oi} with respect to input {ii}:\n"
                    f"numerical:\n{numerical}\nanalytical:\n{analytical}\n"
                    f"largest difference at (input element {bad[0]}, output element {bad[1]}): "
                    f"numerical {numerical[bad]}, analytical {analytical[bad]}"
                )
                if raise_exception:
                    raise GradcheckError(text)
                return False
    return True


class _NoGrad:
    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C.set_grad_enabled(False)

    def __exit__(self, *exc):
        _C.set_grad_enabled(self._prev)
