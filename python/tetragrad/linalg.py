"""tetragrad.linalg: torch.linalg's norms, decompositions, inverses and solvers (C++, Eigen).

Results of several tensors are torch's named tuples (``tetragrad.return_types.linalg_qr`` and
so on). Real floating inputs (float32, float64); a singular or non-positive-definite matrix
raises :class:`LinAlgError` (a ``ValueError`` and a ``RuntimeError``, as torch's is).
"""

from ._C import _LinAlgError as LinAlgError
from ._C._linalg import (
    cholesky,
    cross,
    det,
    diagonal,
    eigh,
    eigvalsh,
    inv,
    lstsq,
    matmul,
    matrix_norm,
    matrix_power,
    matrix_rank,
    multi_dot,
    norm,
    pinv,
    qr,
    slogdet,
    solve,
    solve_triangular,
    svd,
    svdvals,
    vecdot,
    vector_norm,
)

__all__ = [
    "LinAlgError",
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "lstsq",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_triangular",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]
