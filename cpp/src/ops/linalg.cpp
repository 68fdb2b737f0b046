// torch.linalg's decompositions, inverses and solvers (kernels/cpu/linalg.cpp does the
// factorisations). Each op validates, runs its kernel on a contiguous copy of the batch, and
// records its backward in ops (so it is differentiable again); torch's formulas
// (FunctionsManual.cpp), for real matrices.
#include "tetragrad/linalg.h"

#include <cmath>
#include <limits>

#include "ops/common.h"

namespace tg::linalg {

namespace {

Shape batch_shape(const Tensor& a) { return Shape(a.shape().begin(), a.shape().end() - 2); }
Shape with_tail(Shape s, std::initializer_list<int64_t> tail) {
  s.insert(s.end(), tail.begin(), tail.end());
  return s;
}
Tensor mT(const Tensor& x) { return transpose(x, -2, -1); }
const LinalgKernels& lk(const Tensor& a) { return kernels(a.device()).linalg; }
Tensor dense(const Tensor& a) {
  NoGradGuard ng;
  return contiguous(a.detach());
}

void check_matrix(const Tensor& a, const char* op, bool square) {
  TG_CHECK(a.dim() >= 2, ValueError, op, ": the input must have at least 2 dimensions, got shape ",
           a.shape());
  TG_CHECK(!square || a.size(-1) == a.size(-2), ValueError, op,
           ": A must be batches of square matrices, but they are ", a.size(-2), " by ", a.size(-1),
           " matrices (shape ", a.shape(), ")");
  TG_CHECK(is_floating(a.dtype()), TypeError, op, ": expected a floating input (float32 or float64), got ",
           dtype_name(a.dtype()));
}

void raise_if_failed(int64_t bad, const char* op, const Shape& batch, const std::string& what) {
  if (bad < 0) return;
  throw LinAlgError(batch.empty() ? msg(op, ": ", what) : msg(op, ": (Batch element ", bad, "): ", what));
}

// An identity batch [*batch, n, n] like a.
Tensor identity_like(const Tensor& a, const Shape& batch, int64_t n) {
  Tensor e = eye(n, n, a.dtype(), a.device());
  return contiguous(expand(e, with_tail(batch, {n, n})));
}

// X = A^-1 B for A [*, n, n], B [*, n, k] of one batch shape (no autograd); `bad` gets the
// first singular matrix (X is inf/NaN there).
Tensor solve_raw(const Tensor& a, const Tensor& b, int64_t& bad) {
  const Tensor ac = dense(a), bc = dense(b);
  const int64_t n = a.size(-1), k = b.size(-1);
  Tensor x = new_empty(a, b.shape(), a.dtype());
  bad = x.numel() == 0 && n > 0 ? -1
                                : lk(a).solve(a.dtype(), x.raw_data(), ac.raw_data(), bc.raw_data(),
                                              shape_numel(batch_shape(a)), n, k);
  return x;
}

// A X = B with autograd, A [*, n, n] and B [*, n, k] broadcast over the batch; raises on a
// singular A when `check` (the backward's own solves do not: torch gives inf/NaN there).
Tensor solve_matrix(const Tensor& a, const Tensor& b, bool check, const char* op) {
  TG_CHECK(a.dtype() == b.dtype(), TypeError, op, ": expected A and B to have the same dtype, got ",
           dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  TG_CHECK(a.size(-1) == b.size(-2), ValueError, op,
           ": incompatible shapes of A and B for the equation AX = B (", a.shape(), " and ", b.shape(), ")");
  const Shape batch = broadcast_shapes(batch_shape(a), batch_shape(b), op);
  const int64_t n = a.size(-1), k = b.size(-1);
  int64_t bad = -1;
  Tensor x = solve_raw(expand(a, with_tail(batch, {n, n})), expand(b, with_tail(batch, {n, k})), bad);
  if (check) raise_if_failed(bad, op, batch, "The solver failed because the input matrix is singular.");
  if (needs_grad({&a, &b}))
    record(x, "LinalgSolveExBackward0", {&a, &b}, {a, x},
           [as = a.shape(), bs = b.shape()](const Tensor& g, const TensorList& s,
                                            const FunctionNode& n) -> TensorList {
             const Tensor gb = solve_matrix(mT(s[0]), g, false, "linalg.solve");
             Tensor ga = n.needs(0) ? sum_to(neg(matmul(gb, mT(s[1]))), as) : Tensor();
             return {ga, n.needs(1) ? sum_to(gb, bs) : Tensor()};
           });
  return x;
}

// The LU determinant pieces (no autograd).
struct LuDet {
  Tensor det, sign, logabs;
};
LuDet lu_det(const Tensor& a) {
  const Tensor ac = dense(a);
  const Shape batch = batch_shape(a);
  LuDet r{new_empty(a, batch, a.dtype()), new_empty(a, batch, a.dtype()), new_empty(a, batch, a.dtype())};
  if (r.det.numel() > 0)
    lk(a).det(a.dtype(), ac.raw_data(), shape_numel(batch), a.size(-1), r.det.raw_data(), r.sign.raw_data(),
              r.logabs.raw_data());
  return r;
}

// prod_{j != i} s_j along the last dim, without dividing (s may hold zeros).
Tensor products_of_others(const Tensor& s) {
  const int64_t n = s.size(-1);
  const Tensor one =
      new_full(s, with_tail(Shape(s.shape().begin(), s.shape().end() - 1), {1}), 1.0, s.dtype());
  const Tensor before = cumprod(cat({one, narrow(s, -1, 0, n - 1)}, -1), -1);
  const Tensor after = flip(cumprod(flip(cat({narrow(s, -1, 1, n - 1), one}, -1), {-1}), -1), {-1});
  return mul(before, after);
}

// d det / dA (the cofactor matrix) times g: g det A^-T where A is invertible; from the SVD
// A = U S V^T otherwise: det(U) det(V) U diag(prod_{j != i} s_j) V^T.
Tensor det_backward(const Tensor& g, const Tensor& a, const Tensor& det) {
  const int64_t n = a.size(-1);
  const Tensor scale = unsqueeze(unsqueeze(mul(g, det), -1), -1);
  // det is exactly 0 where LU met a zero pivot: the matrices the solve could not take.
  bool singular = false;
  {
    NoGradGuard ng;
    singular = det.numel() > 0 && any(compare(BinaryOp::Eq, det, wrap_scalar(0.0))).item() != 0.0;
  }
  if (!singular)
    return mT(solve_matrix(a, mul(scale, identity_like(a, batch_shape(a), n)), false, "linalg.det"));
  const SVDResult usv = svd(a, true);
  Tensor sign;
  {
    NoGradGuard ng;
    sign = mul(lu_det(usv.U).sign, lu_det(usv.Vh).sign);
  }
  const Tensor d = mul(products_of_others(usv.S), unsqueeze(mul(g, sign), -1));
  return matmul(mul(usv.U, unsqueeze(d, -2)), usv.Vh);
}

// The strictly lower part of x mirrored above it, the diagonal kept: tril(x, -1) + tril(x, -1)^T + diag.
Tensor copy_lower_to_upper(const Tensor& x) {
  const Tensor l = tril(x, -1);
  return add(add(l, mT(l)), mul(x, identity_like(x, batch_shape(x), x.size(-1))));
}

}  // namespace

// ---- determinants and inverses -------------------------------------------------------------

Tensor det(const Tensor& a) {
  check_matrix(a, "linalg.det", true);
  Tensor out = lu_det(a).det;
  if (needs_grad({&a}))
    record(out, "LinalgDetBackward0", {&a}, {a, out},
           [](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {det_backward(g, s[0], s[1])};
           });
  return out;
}

SlogdetResult slogdet(const Tensor& a) {
  check_matrix(a, "linalg.slogdet", true);
  LuDet r = lu_det(a);
  if (needs_grad({&a}))  // the sign's gradient is 0 (it is piecewise constant)
    record(r.logabs, "LinalgSlogdetBackward0", {&a}, {a},
           [](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             const Tensor& x = s[0];
             const Tensor gi =
                 mul(unsqueeze(unsqueeze(g, -1), -1), identity_like(x, batch_shape(x), x.size(-1)));
             return {mT(solve_matrix(x, gi, false, "linalg.slogdet"))};
           });
  return {r.sign, r.logabs};
}

Tensor inv(const Tensor& a) {
  check_matrix(a, "linalg.inv", true);
  const int64_t n = a.size(-1);
  int64_t bad = -1;
  Tensor out = solve_raw(a, identity_like(a, batch_shape(a), n), bad);
  raise_if_failed(bad, "linalg.inv", batch_shape(a),
                  "The diagonal of the LU factorization is zero: the input matrix is singular, so it has no "
                  "inverse.");
  if (needs_grad({&a}))
    record(out, "LinalgInvExBackward0", {&a}, {out},
           [](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             const Tensor it = mT(s[0]);  // d(A^-1) = -A^-1 dA A^-1
             return {neg(matmul(it, matmul(g, it)))};
           });
  return out;
}

Tensor solve(const Tensor& a, const Tensor& b, bool left) {
  check_matrix(a, "linalg.solve", true);
  // B is a (batch of) vector(s) when 1-D, or shaped as A without its last dim (torch's rule).
  const bool vector =
      b.dim() == 1 || (b.dim() == a.dim() - 1 && b.shape() == Shape(a.shape().begin(), a.shape().end() - 1));
  TG_CHECK(b.dim() >= 1, ValueError, "linalg.solve: B must have at least 1 dimension, got shape ", b.shape());
  if (vector) {
    TG_CHECK(left, ValueError, "linalg.solve: a vector B is not supported for left=False (B ", b.shape(),
             ", A ", a.shape(), "): give B as a matrix");
    return squeeze(solve_matrix(a, unsqueeze(b, -1), true, "linalg.solve"), -1);
  }
  if (left) return solve_matrix(a, b, true, "linalg.solve");
  // X A = B  <=>  A^T X^T = B^T
  return mT(solve_matrix(mT(a), mT(b), true, "linalg.solve"));
}

Tensor solve_triangular(const Tensor& a, const Tensor& b, bool upper, bool left, bool unitriangular) {
  const char* op = "linalg.solve_triangular";
  check_matrix(a, op, true);
  TG_CHECK(b.dim() >= 2, ValueError, op, ": B must have at least 2 dimensions, got shape ", b.shape());
  TG_CHECK(a.dtype() == b.dtype(), TypeError, op, ": expected A and B to have the same dtype, got ",
           dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  if (!left) return mT(solve_triangular(mT(a), mT(b), !upper, true, unitriangular));
  TG_CHECK(a.size(-1) == b.size(-2), ValueError, op,
           ": incompatible shapes of A and B for the equation AX = B (", a.shape(), " and ", b.shape(), ")");
  const Shape batch = broadcast_shapes(batch_shape(a), batch_shape(b), op);
  const int64_t n = a.size(-1), k = b.size(-1);
  const Tensor ac = dense(expand(a, with_tail(batch, {n, n}))),
               bc = dense(expand(b, with_tail(batch, {n, k})));
  Tensor x = new_empty(a, bc.shape(), a.dtype());
  if (x.numel() > 0)
    lk(a).solve_triangular(a.dtype(), x.raw_data(), ac.raw_data(), bc.raw_data(), shape_numel(batch), n, k,
                           upper, unitriangular);
  if (needs_grad({&a, &b}))
    record(x, "LinalgSolveTriangularBackward0", {&a, &b}, {a, x},
           [upper, unitriangular, as = a.shape(), bs = b.shape()](const Tensor& g, const TensorList& s,
                                                                  const FunctionNode& n) -> TensorList {
             const Tensor gb = solve_triangular(mT(s[0]), g, !upper, true, unitriangular);
             Tensor ga;
             if (n.needs(0)) {  // only the triangle A's values come from
               const Tensor full = neg(matmul(gb, mT(s[1])));
               const int64_t off = unitriangular ? 1 : 0;
               ga = sum_to(upper ? triu(full, off) : tril(full, -off), as);
             }
             return {ga, n.needs(1) ? sum_to(gb, bs) : Tensor()};
           });
  return x;
}

Tensor cholesky(const Tensor& a, bool upper) {
  check_matrix(a, "linalg.cholesky", true);
  const Tensor ac = dense(a);
  const int64_t n = a.size(-1);
  Tensor l = new_empty(a, a.shape(), a.dtype());
  const int64_t bad =
      l.numel() ? lk(a).cholesky(a.dtype(), l.raw_data(), ac.raw_data(), shape_numel(batch_shape(a)), n) : -1;
  raise_if_failed(bad, "linalg.cholesky", batch_shape(a),
                  "The factorization could not be completed because the input is not positive-definite.");
  if (needs_grad({&a}))
    record(l, "LinalgCholeskyExBackward0", {&a}, {l},
           [](const Tensor& gl, const TensorList& s, const FunctionNode&) -> TensorList {
             // gA = sym(L^-T Phi(L^T gL) L^-1), Phi: the lower triangle with half its diagonal.
             const Tensor& L = s[0];
             const Tensor I = identity_like(L, batch_shape(L), L.size(-1));
             const Tensor linv = solve_triangular(L, I, false);
             Tensor phi = tril(matmul(mT(L), gl));
             phi = sub(phi, mul(mul(phi, I), wrap_scalar(0.5)));
             const Tensor ga = matmul(matmul(mT(linv), phi), linv);
             return {mul(add(ga, mT(ga)), wrap_scalar(0.5))};
           });
  return upper ? contiguous(mT(l)) : l;
}

// ---- decompositions ------------------------------------------------------------------------

QRResult qr(const Tensor& a, const std::string& mode) {
  TG_CHECK(mode == "reduced" || mode == "complete" || mode == "r", ValueError,
           "linalg.qr: qr received unrecognized mode '", mode,
           "' but expected one of 'reduced' (default), 'r', or "
           "'complete'");
  check_matrix(a, "linalg.qr", false);
  const int64_t m = a.size(-2), n = a.size(-1), k = std::min(m, n);
  const bool complete = mode == "complete", want_q = mode != "r";
  const int64_t mq = complete ? m : k;
  const Shape batch = batch_shape(a);
  const Tensor ac = dense(a);
  Tensor q = want_q ? new_empty(a, with_tail(batch, {m, mq}), a.dtype()) : new_empty(a, {0}, a.dtype());
  Tensor r = new_empty(a, with_tail(batch, {mq, n}), a.dtype());
  if (shape_numel(batch) > 0)
    lk(a).qr(a.dtype(), want_q ? q.raw_data() : nullptr, r.raw_data(), ac.raw_data(), shape_numel(batch), m,
             n, complete);
  if (needs_grad({&a})) {
    TensorList outs{q, r};
    record_multi(
        outs, "LinalgQrBackward0", {&a}, {a, q, r},
        [want_q, complete, m, n](const TensorList& g, const TensorList& s,
                                 const FunctionNode&) -> TensorList {
          TG_CHECK(want_q, StateError,
                   "linalg.qr: the derivative of linalg.qr depends on Q, which is not "
                   "computed when mode='r'. Use linalg.qr(A, mode='reduced') to differentiate through it.");
          TG_CHECK(!complete || m <= n, StateError,
                   "linalg.qr: the QR decomposition is not differentiable "
                   "when mode='complete' and nrows > ncols.");
          const Tensor &A = s[0], &Q = s[1], &R = s[2];
          const Tensor gQ = g[0].defined() ? g[0] : new_zeros(Q, Q.shape(), Q.dtype()),
                       gR = g[1].defined() ? g[1] : new_zeros(R, R.shape(), R.dtype());
          // Square part: gA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q (Liao et al. 2019).
          auto square = [](const Tensor& gq, const Tensor& gr, const Tensor& q, const Tensor& r) {
            const Tensor M = sub(matmul(r, mT(gr)), matmul(mT(gq), q));
            const Tensor rhs = add(gq, matmul(q, copy_lower_to_upper(M)));
            return solve_triangular(mT(r), rhs, false, false);  // X R^T = rhs, R^T lower
          };
          if (m >= n) return {square(gQ, gR, Q, R)};
          // Wide: A = Q [U | V] with U square; V = Q^T Y for the extra columns Y.
          const Tensor U = narrow(R, -1, 0, m), gU = narrow(gR, -1, 0, m), gV = narrow(gR, -1, m, n - m);
          const Tensor Y = narrow(A, -1, m, n - m);
          const Tensor gX = square(add(gQ, matmul(Y, mT(gV))), gU, Q, U);
          return {cat({gX, matmul(Q, gV)}, -1)};
        });
    q = outs[0], r = outs[1];
  }
  return {q, r};
}

namespace {

// The SVD kernel call: U, S, Vh (vectors only when asked for).
SVDResult svd_raw(const Tensor& a, bool full, bool vectors, const char* op) {
  const int64_t m = a.size(-2), n = a.size(-1), k = std::min(m, n);
  const Shape batch = batch_shape(a);
  const Tensor ac = dense(a);
  SVDResult r;
  r.S = new_empty(a, with_tail(batch, {k}), a.dtype());
  r.U = new_empty(a, vectors ? with_tail(batch, {m, full ? m : k}) : Shape{0}, a.dtype());
  r.Vh = new_empty(a, vectors ? with_tail(batch, {full ? n : k, n}) : Shape{0}, a.dtype());
  const int64_t bad = shape_numel(batch) == 0 ? -1
                                              : lk(a).svd(a.dtype(), vectors ? r.U.raw_data() : nullptr,
                                                          r.S.raw_data(), vectors ? r.Vh.raw_data() : nullptr,
                                                          ac.raw_data(), shape_numel(batch), m, n, full);
  raise_if_failed(bad, op, batch,
                  "The algorithm failed to converge because the input matrix contained non-finite values.");
  return r;
}

// torch's svd_backward for reduced factors U [m, k], S [k], Vh [k, n] (undefined grads: none).
Tensor svd_backward(const Tensor& gU, const Tensor& gS, const Tensor& gVh, const Tensor& U, const Tensor& S,
                    const Tensor& Vh) {
  const int64_t m = U.size(-2), n = Vh.size(-1), k = S.size(-1);
  if (!gU.defined() && !gVh.defined()) return gS.defined() ? matmul(mul(U, unsqueeze(gS, -2)), Vh) : Tensor();
  // gA = U [(skew(U^T gU) / E) S + S (skew(V^T gV) / E) + diag(gS)] V^T + the parts outside
  // span(U) / span(V); E_ij = s_j^2 - s_i^2 (1 on the diagonal).
  const Tensor S2 = mul(S, S);
  Tensor E = sub(unsqueeze(S2, -2), unsqueeze(S2, -1));
  E = add(E, identity_like(E, batch_shape(E), k));
  auto skew = [](const Tensor& x) { return sub(x, mT(x)); };
  Tensor inner;
  if (gU.defined()) inner = mul(skew(matmul(mT(U), gU)), unsqueeze(S, -2));
  if (gVh.defined()) {
    const Tensor t = mul(unsqueeze(S, -1), skew(matmul(Vh, mT(gVh))));
    inner = inner.defined() ? add(inner, t) : t;
  }
  inner = div(inner, E);
  if (gS.defined()) inner = add(inner, diag_embed(gS));
  if (m > k && gU.defined()) {
    Tensor ga = matmul(U, inner);
    const Tensor gUSinv = div(gU, unsqueeze(S, -2));
    ga = sub(add(ga, gUSinv), matmul(U, matmul(mT(U), gUSinv)));
    return matmul(ga, Vh);
  }
  if (n > k && gVh.defined()) {
    Tensor ga = matmul(inner, Vh);
    const Tensor SinvgVh = div(gVh, unsqueeze(S, -1));
    ga = sub(add(ga, SinvgVh), matmul(matmul(SinvgVh, mT(Vh)), Vh));
    return matmul(U, ga);
  }
  return matmul(matmul(U, inner), Vh);
}

}  // namespace

SVDResult svd(const Tensor& a, bool full_matrices) {
  check_matrix(a, "linalg.svd", false);
  SVDResult r = svd_raw(a, full_matrices, true, "linalg.svd");
  if (needs_grad({&a})) {
    TensorList outs{r.U, r.S, r.Vh};
    const int64_t k = r.S.size(-1);
    record_multi(
        outs, "LinalgSvdBackward0", {&a}, {r.U, r.S, r.Vh},
        [full_matrices, k](const TensorList& g, const TensorList& s, const FunctionNode&) -> TensorList {
          // Full factors: only their first k columns (rows of Vh) carry A; the rest's
          // gradient is dropped, as torch does.
          auto first_k = [&](const Tensor& t, int64_t dim) {
            return full_matrices && t.defined() ? narrow(t, dim, 0, k) : t;
          };
          return {svd_backward(first_k(g[0], -1), g[1], first_k(g[2], -2), first_k(s[0], -1), s[1],
                               first_k(s[2], -2))};
        });
    r.U = outs[0], r.S = outs[1], r.Vh = outs[2];
  }
  return r;
}

Tensor svdvals(const Tensor& a) {
  check_matrix(a, "linalg.svdvals", false);
  const bool grad = needs_grad({&a});
  SVDResult r = svd_raw(a, false, grad, "linalg.svdvals");
  if (grad)
    record(r.S, "LinalgSvdBackward0", {&a}, {r.U, r.Vh},
           [](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {matmul(mul(s[0], unsqueeze(g, -2)), s[1])};
           });
  return r.S;
}

EighResult eigh(const Tensor& a, const std::string& uplo) {
  TG_CHECK(uplo == "L" || uplo == "U" || uplo == "l" || uplo == "u", ValueError,
           "linalg.eigh: UPLO must be 'L' or 'U', got '", uplo, "'");
  check_matrix(a, "linalg.eigh", true);
  const int64_t n = a.size(-1);
  const Shape batch = batch_shape(a);
  // The kernel reads the lower triangle: A^T's lower triangle is A's upper one.
  const Tensor ac = dense(uplo == "U" || uplo == "u" ? mT(a) : a);
  EighResult r{new_empty(a, with_tail(batch, {n}), a.dtype()), new_empty(a, a.shape(), a.dtype())};
  const int64_t bad = shape_numel(batch) == 0
                          ? -1
                          : lk(a).eigh(a.dtype(), r.eigenvalues.raw_data(), r.eigenvectors.raw_data(),
                                       ac.raw_data(), shape_numel(batch), n);
  raise_if_failed(bad, "linalg.eigh", batch,
                  "The algorithm failed to converge because the input matrix is ill-conditioned or has "
                  "non-finite values.");
  if (needs_grad({&a})) {
    TensorList outs{r.eigenvalues, r.eigenvectors};
    record_multi(outs, "LinalgEighBackward0", {&a}, {r.eigenvalues, r.eigenvectors},
                 [](const TensorList& g, const TensorList& s, const FunctionNode&) -> TensorList {
                   // gA = V (skew(V^T gV) / 2E + diag(gL)) V^T, E_ij = l_j - l_i.
                   const Tensor &L = s[0], &V = s[1];
                   Tensor inner;
                   if (g[1].defined()) {
                     const Tensor vg = matmul(mT(V), g[1]);
                     Tensor E = sub(unsqueeze(L, -2), unsqueeze(L, -1));
                     const Tensor I = identity_like(E, batch_shape(E), E.size(-1));
                     E = add(E, I);
                     inner = div(mul(sub(vg, mT(vg)), wrap_scalar(0.5)), E);
                     inner = sub(inner, mul(inner, I));  // 0 on the diagonal (gL goes there)
                   }
                   if (g[0].defined())
                     inner = inner.defined() ? add(inner, diag_embed(g[0])) : diag_embed(g[0]);
                   return {matmul(V, matmul(inner, mT(V)))};
                 });
    r.eigenvalues = outs[0], r.eigenvectors = outs[1];
  }
  return r;
}

// The eigenvalues of eigh (its node gives them the gradient V diag(g) V^T).
Tensor eigvalsh(const Tensor& a, const std::string& uplo) { return eigh(a, uplo).eigenvalues; }

// ---- from the decompositions -----------------------------------------------------------------

namespace {

// torch's pinv_backward: exact for perturbations that keep the rank.
Tensor pinv_backward(const Tensor& g, const Tensor& p, const Tensor& a) {
  const int64_t m = a.size(-2), n = a.size(-1);
  const Tensor pt = mT(p), gt = mT(g);
  if (m <= n) {
    const Tensor K = matmul(gt, p), KpT = matmul(K, pt);
    return add(sub(add(neg(mT(matmul(p, K))), KpT), matmul(matmul(a, p), KpT)),
               matmul(matmul(pt, p), sub(gt, matmul(K, a))));
  }
  const Tensor K = matmul(p, gt), pTK = matmul(pt, K);
  return sub(add(add(neg(mT(matmul(K, p))), matmul(matmul(sub(gt, matmul(a, K)), p), pt)), pTK),
             matmul(matmul(pTK, p), a));
}

// Singular values above max(atol, rtol * the largest) count; torch's defaults.
Tensor rank_tolerance(const Tensor& s, const Tensor& a, std::optional<double> atol,
                      std::optional<double> rtol) {
  const double eps = a.dtype() == DType::Float32 ? double(std::numeric_limits<float>::epsilon())
                                                 : std::numeric_limits<double>::epsilon();
  const double r = rtol ? *rtol : (atol && *atol > 0) ? 0.0 : eps * double(std::max(a.size(-2), a.size(-1)));
  Tensor smax = s.size(-1) == 0 ? new_zeros(s, Shape(s.shape().begin(), s.shape().end() - 1), s.dtype())
                                : amax(s, {-1});
  return maximum(mul(unsqueeze(smax, -1), wrap_scalar(r)), wrap_scalar(atol ? *atol : 0.0));
}

}  // namespace

Tensor pinv(const Tensor& a, std::optional<double> atol, std::optional<double> rtol, bool hermitian) {
  check_matrix(a, "linalg.pinv", hermitian);
  Tensor out;
  {
    NoGradGuard ng;
    if (hermitian) {
      const EighResult e = eigh(a);
      const Tensor aw = abs(e.eigenvalues);
      const Tensor keep = compare(BinaryOp::Gt, aw, rank_tolerance(aw, a, atol, rtol));
      const Tensor winv = where(keep, reciprocal(e.eigenvalues), new_zeros(a, {}, a.dtype()));
      out = matmul(mul(e.eigenvectors, unsqueeze(winv, -2)), mT(e.eigenvectors));
    } else {
      const SVDResult r = svd_raw(a, false, true, "linalg.pinv");
      const Tensor keep = compare(BinaryOp::Gt, r.S, rank_tolerance(r.S, a, atol, rtol));
      const Tensor sinv = where(keep, reciprocal(r.S), new_zeros(a, {}, a.dtype()));
      out = matmul(mul(mT(r.Vh), unsqueeze(sinv, -2)), mT(r.U));
    }
  }
  if (needs_grad({&a}))
    record(out, "LinalgPinvBackward0", {&a}, {out, a},
           [](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {pinv_backward(g, s[0], s[1])};
           });
  return out;
}

Tensor matrix_rank(const Tensor& a, std::optional<double> atol, std::optional<double> rtol, bool hermitian) {
  check_matrix(a, "linalg.matrix_rank", hermitian);
  NoGradGuard ng;
  const Tensor s = hermitian ? abs(eigh(a).eigenvalues) : svd_raw(a, false, false, "linalg.matrix_rank").S;
  return sum(compare(BinaryOp::Gt, s, rank_tolerance(s, a, atol, rtol)), {-1}, false, DType::Int64);
}

LstsqResult lstsq(const Tensor& a, const Tensor& b, std::optional<double> rcond, const std::string& driver) {
  check_matrix(a, "linalg.lstsq", false);
  TG_CHECK(driver == "gelsy" || driver == "gelsd" || driver == "gelss" || driver == "gels", ValueError,
           "linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss), got ", driver);
  TG_CHECK(a.dtype() == b.dtype(), TypeError, "linalg.lstsq: expected A and B to have the same dtype, got ",
           dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  const bool vector = b.dim() == a.dim() - 1;
  const Tensor bm = vector ? unsqueeze(b, -1) : b;
  TG_CHECK(bm.dim() >= 2 && bm.size(-2) == a.size(-2), ValueError,
           "linalg.lstsq: input.size(-2) should match other.size(-2), got shapes ", a.shape(), " and ",
           b.shape());
  // The minimum-norm least-squares solution pinv(A) B (what LAPACK's drivers give, rank-revealing
  // with rcond), differentiated as torch does: through the pseudo-inverse.
  const std::optional<double> rtol = rcond && *rcond > 0 ? rcond : std::nullopt;
  const Tensor x = matmul(pinv(a, std::nullopt, rtol), bm);
  LstsqResult r;
  r.solution = vector ? squeeze(x, -1) : x;
  // What each driver reports besides (torch's): gels no rank, gelsy the rank, gelsd/gelss the
  // singular values too, and the squared residuals when A is tall and of full rank.
  r.rank = driver == "gels" ? new_empty(a, {0}, DType::Int64) : matrix_rank(a, std::nullopt, rtol);
  const bool svd_driver = driver == "gelsd" || driver == "gelss";
  r.singular_values = svd_driver ? svdvals(a) : new_empty(a, {0}, a.dtype());
  r.residuals = new_empty(a, {0}, a.dtype());
  const int64_t m = a.size(-2), n = a.size(-1);
  if (driver != "gelsy" && m > n) {
    const Tensor rank = driver == "gels" ? matrix_rank(a, std::nullopt, rtol) : r.rank;
    if (rank.numel() == 0 || equal(rank, new_full(rank, rank.shape(), double(n), DType::Int64))) {
      const Tensor res = sub(matmul(a, x), bm);
      r.residuals = sum(mul(res, res), {-2});
      if (vector) r.residuals = squeeze(r.residuals, -1);
    }
  }
  return r;
}

Tensor matrix_power(const Tensor& a, int64_t n) {
  check_matrix(a, "linalg.matrix_power", true);
  if (n == 0) return identity_like(a, batch_shape(a), a.size(-1));
  Tensor base = n < 0 ? inv(a) : a;
  uint64_t e = n < 0 ? uint64_t(-(n + 1)) + 1 : uint64_t(n);
  Tensor result;
  for (; e; e >>= 1) {  // binary powering: a^(2^i) for each bit of n
    if (e & 1) result = result.defined() ? matmul(result, base) : base;
    if (e > 1) base = matmul(base, base);
  }
  return result;
}

Tensor multi_dot(const TensorList& ts) {
  TG_CHECK(ts.size() >= 2, ValueError, "linalg.multi_dot: expected at least 2 tensors but got ", ts.size());
  TensorList m(ts);
  const bool first_vec = m.front().dim() == 1, last_vec = m.back().dim() == 1;
  if (first_vec) m.front() = unsqueeze(m.front(), 0);
  if (last_vec) m.back() = unsqueeze(m.back(), -1);
  const size_t c = m.size();
  for (size_t i = 0; i < c; ++i) {
    TG_CHECK(m[i].dim() == 2, ValueError, "linalg.multi_dot: tensor ", i, " must be 2D but got ", ts[i].dim(),
             "D (the first and last may be 1D)");
    TG_CHECK(i == 0 || m[i - 1].size(1) == m[i].size(0), ValueError, "linalg.multi_dot: tensors ", i - 1,
             " and ", i, " with shapes ", m[i - 1].shape(), " and ", m[i].shape(), " cannot be multiplied");
  }
  // The cheapest order (the classic matrix-chain program), as torch chooses it.
  std::vector<int64_t> p(c + 1);
  for (size_t i = 0; i < c; ++i) p[i] = m[i].size(0);
  p[c] = m[c - 1].size(1);
  std::vector<std::vector<int64_t>> cost(c, std::vector<int64_t>(c, 0)), split(c, std::vector<int64_t>(c, 0));
  for (size_t len = 1; len < c; ++len)
    for (size_t i = 0; i + len < c; ++i) {
      const size_t j = i + len;
      cost[i][j] = std::numeric_limits<int64_t>::max();
      for (size_t k = i; k < j; ++k) {
        const int64_t q = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1];
        if (q < cost[i][j]) cost[i][j] = q, split[i][j] = int64_t(k);
      }
    }
  std::function<Tensor(size_t, size_t)> chain = [&](size_t i, size_t j) -> Tensor {
    if (i == j) return m[i];
    const size_t k = size_t(split[i][j]);
    return mm(chain(i, k), chain(k + 1, j));
  };
  Tensor r = chain(0, c - 1);
  if (first_vec) r = squeeze(r, 0);
  if (last_vec) r = squeeze(r, -1);
  return r;
}

Tensor vecdot(const Tensor& x, const Tensor& y, int64_t dim) { return sum(mul(x, y), {dim}); }

// ---- norms -------------------------------------------------------------------------------------

Tensor vector_norm(const Tensor& x, double ord, const Dims& dims, bool keepdim, std::optional<DType> dtype) {
  TG_CHECK(is_floating(x.dtype()), TypeError, "linalg.vector_norm: expected a floating point input, got ",
           dtype_name(x.dtype()));
  const Tensor xc = dtype && *dtype != x.dtype() ? to_dtype(x, *dtype) : x;
  return norm(xc, ord, dims, keepdim);
}

namespace {

// The two matrix dims, wrapped and distinct.
std::pair<int64_t, int64_t> matrix_dims(const Tensor& a, const Dims& dims, const char* op) {
  TG_CHECK(dims.size() == 2, ValueError, op, ": dim must be a 2-tuple, got ", dims.size(), " dims");
  TG_CHECK(a.dim() >= 2, ValueError, op, ": the input must have at least 2 dimensions, got shape ",
           a.shape());
  const int64_t d0 = wrap_dim(dims[0], a.dim(), op), d1 = wrap_dim(dims[1], a.dim(), op);
  TG_CHECK(d0 != d1, ValueError, op, ": dims must be different, got (", dims[0], ", ", dims[1], ")");
  TG_CHECK(is_floating(a.dtype()), TypeError, op, ": expected a floating point input, got ",
           dtype_name(a.dtype()));
  return {d0, d1};
}

// f(singular values) over the dims moved last, their two dims put back as 1 with keepdim.
Tensor spectral(const Tensor& a, int64_t d0, int64_t d1, bool keepdim, bool nuclear, bool largest) {
  const Tensor moved = movedim(a, {d0, d1}, {-2, -1});
  const Tensor s = svdvals(moved);
  Tensor r = nuclear ? sum(s, {-1}) : largest ? amax(s, {-1}) : amin(s, {-1});
  if (keepdim) {
    r = unsqueeze(unsqueeze(r, -1), -1);
    r = movedim(r, {-2, -1}, {d0, d1});
  }
  return r;
}

}  // namespace

Tensor matrix_norm(const Tensor& a, const std::string& ord, const Dims& dims, bool keepdim) {
  const auto [d0, d1] = matrix_dims(a, dims, "linalg.matrix_norm");
  if (ord == "fro") return norm(a, 2.0, {d0, d1}, keepdim);
  TG_CHECK(ord == "nuc", ValueError, "linalg.matrix_norm: Order ", ord, " not supported.");
  return spectral(a, d0, d1, keepdim, true, true);
}

Tensor matrix_norm(const Tensor& a, double ord, const Dims& dims, bool keepdim) {
  const auto [d0, d1] = matrix_dims(a, dims, "linalg.matrix_norm");
  const double o = std::abs(ord);
  TG_CHECK(o == 1.0 || o == 2.0 || std::isinf(o), ValueError, "linalg.matrix_norm: Order ", ord,
           " not supported (expected one of 'fro', 'nuc', inf, -inf, 1, -1, 2, -2).");
  if (o == 2.0) return spectral(a, d0, d1, keepdim, false, ord > 0);
  // 1: the largest column sum of |a| (over d0, then the max over d1); inf: the largest row sum.
  const int64_t sum_dim = o == 1.0 ? d0 : d1, ext_dim = o == 1.0 ? d1 : d0;
  const Tensor sums = sum(abs(a), {sum_dim}, true);
  Tensor r = ord > 0 ? amax(sums, {ext_dim}, true) : amin(sums, {ext_dim}, true);
  return keepdim ? r : squeeze(squeeze(r, std::max(d0, d1)), std::min(d0, d1));
}

}  // namespace tg::linalg
