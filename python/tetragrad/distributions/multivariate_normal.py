"""``MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril)``.

Everything is computed from the lower Cholesky factor L of the covariance (L L^T = Sigma), kept
unbroadcast (``_unbroadcasted_scale_tril``) so a batch of locs sharing one covariance solves
against one factor.
"""

from __future__ import annotations

import math

import tetragrad as tg

from . import constraints
from .distribution import Distribution
from .utils import _size, _standard_normal, lazy_property

__all__ = ["MultivariateNormal"]


def _batch_mv(bmat, bvec):
    """Matrix-vector products over broadcastable batch dims."""
    return tg.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL, bx):
    """x^T (L L^T)^{-1} x = |L^{-1} x|^2 for every vector x of bx.

    bL's batch dims (each 1 or equal to bx's) face the rightmost batch dims of bx. Instead of
    copying L across bx's extra dims, those dims become right-hand-side columns of one batched
    triangular solve: bx is reshaped to (..., rep_i, size_i, ..., n), permuted so L's dims come
    last, and flattened to (columns, matrices, n)."""
    n = bx.size(-1)
    bx_batch_shape = tuple(bx.shape[:-1])
    l_dims = bL.dim() - 2
    outer = len(bx_batch_shape) - l_dims
    split = tuple(bx.shape[:outer])
    for s_l, s_x in zip(bL.shape[:-2], bx.shape[outer:-1], strict=True):
        split += (s_x // s_l, s_l)  # s_l is 1 (broadcast) or s_x
    bx = bx.reshape(split + (n,))
    last = outer + 2 * l_dims
    perm = (
        list(range(outer))
        + list(range(outer, last, 2))  # the repeat factors
        + list(range(outer + 1, last, 2))  # the dims L has
        + [last]
    )
    bx = bx.permute(perm)
    flat_l = bL.reshape(-1, n, n)  # b x n x n
    flat_x = bx.reshape(-1, flat_l.size(0), n)  # c x b x n
    m = tg.linalg.solve_triangular(flat_l, flat_x.permute(1, 2, 0), upper=False)
    m = m.pow(2).sum(-2).t()  # c x b
    # undo the permutation and the split
    m = m.reshape(tuple(bx.shape[:-1]))
    inv = list(range(outer))
    for i in range(l_dims):
        inv += [outer + i, outer + l_dims + i]
    return m.permute(inv).reshape(bx_batch_shape)


def _precision_to_scale_tril(P):
    # The Cholesky factor of P with rows and columns reversed gives an upper-triangular U with
    # P = U U^T; then L = U^{-T} is lower-triangular with L L^T = P^{-1}, found by one solve.
    lf = tg.linalg.cholesky(tg.flip(P, (-2, -1)))
    l_inv = tg.transpose(tg.flip(lf, (-2, -1)), -2, -1)
    eye = tg.eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return tg.linalg.solve_triangular(l_inv, eye, upper=False)


def _cholesky_inverse(L):
    # torch.cholesky_inverse (absent in tetragrad): (L L^T)^{-1} = L^{-T} L^{-1}
    eye = tg.eye(L.shape[-1], dtype=L.dtype, device=L.device)
    l_inv = tg.linalg.solve_triangular(L, eye, upper=False)
    return tg.matmul(l_inv.mT, l_inv)


class MultivariateNormal(Distribution):
    """loc: (..., n). Exactly one of covariance_matrix, precision_matrix (both positive
    definite) or scale_tril (lower-triangular, positive diagonal), each (..., n, n); the batch
    shape is the broadcast of loc's and the matrix's leading dims."""

    arg_constraints = {
        "loc": constraints.real_vector,
        "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite,
        "scale_tril": constraints.lower_cholesky,
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self,
        loc,
        covariance_matrix=None,
        precision_matrix=None,
        scale_tril=None,
        validate_args: bool | None = None,
    ):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m is not None for m in (covariance_matrix, precision_matrix, scale_tril)]
        if sum(given) != 1:
            raise ValueError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        name, matrix = next(
            (k, m)
            for k, m in (
                ("scale_tril", scale_tril),
                ("covariance_matrix", covariance_matrix),
                ("precision_matrix", precision_matrix),
            )
            if m is not None
        )
        if matrix.dim() < 2:
            raise ValueError(
                f"{name}{' matrix' if name == 'scale_tril' else ''} must be at least "
                "two-dimensional, with optional leading batch dimensions"
            )
        batch_shape = tg.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        setattr(self, name, matrix.expand(tuple(batch_shape) + (-1, -1)))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)

        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = tg.linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = _size(batch_shape)
        loc_shape = tuple(batch_shape) + tuple(self.event_shape)
        cov_shape = loc_shape + tuple(self.event_shape)
        new.loc = self.loc.expand(loc_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, getattr(self, name).expand(cov_shape))
        super(MultivariateNormal, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return tg.matmul(L, L.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        return _cholesky_inverse(self._unbroadcasted_scale_tril).expand(self._matrix_shape())

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        shape = tuple(self._batch_shape) + tuple(self._event_shape)
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(shape)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        eps = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def _half_log_det(self):
        # log det(Sigma) / 2 = sum log diag(L)
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        M = _batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + M) - self._half_log_det()

    def entropy(self):
        n = self._event_shape[0]
        H = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return H if len(self._batch_shape) == 0 else H.expand(self._batch_shape)
