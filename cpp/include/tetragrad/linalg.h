// torch.linalg: norms, decompositions, inverses and solvers over the last two dims of a batch
// of matrices (real floating), each with its backward where torch has one. A singular or
// non-positive-definite matrix raises LinAlgError (a ValueError) naming the op and the batch
// element.
#pragma once
#include <optional>
#include <string>

#include "tetragrad/ops.h"

namespace tg::linalg {

// ||x||_ord over dims (none: all), torch.linalg.vector_norm (ord: any real, inf, -inf, 0).
Tensor vector_norm(const Tensor& x, double ord = 2.0, const Dims& dims = {}, bool keepdim = false,
                   std::optional<DType> dtype = std::nullopt);
// ord "fro", "nuc", or a number in {inf, -inf, 1, -1, 2, -2}, over the two dims.
Tensor matrix_norm(const Tensor& a, const std::string& ord = "fro", const Dims& dims = {-2, -1},
                   bool keepdim = false);
Tensor matrix_norm(const Tensor& a, double ord, const Dims& dims = {-2, -1}, bool keepdim = false);

Tensor det(const Tensor& a);
struct SlogdetResult {
  Tensor sign, logabsdet;
};
SlogdetResult slogdet(const Tensor& a);
Tensor inv(const Tensor& a);
// A X = B (left) or X A = B; B a batch of matrices, or of vectors (B.dim() == 1, or B's shape
// is A's without the last dim); batch dims broadcast.
Tensor solve(const Tensor& a, const Tensor& b, bool left = true);
Tensor solve_triangular(const Tensor& a, const Tensor& b, bool upper, bool left = true,
                        bool unitriangular = false);
Tensor cholesky(const Tensor& a, bool upper = false);
struct QRResult {
  Tensor Q, R;
};
QRResult qr(const Tensor& a, const std::string& mode = "reduced");  // "reduced", "complete", "r"
struct SVDResult {
  Tensor U, S, Vh;
};
SVDResult svd(const Tensor& a, bool full_matrices = true);
Tensor svdvals(const Tensor& a);
struct EighResult {
  Tensor eigenvalues, eigenvectors;
};
EighResult eigh(const Tensor& a, const std::string& uplo = "L");
Tensor eigvalsh(const Tensor& a, const std::string& uplo = "L");
// Singular values at most max(atol, rtol * the largest) count as zero; rtol's default (when
// neither is given) is eps * max(m, n).
Tensor pinv(const Tensor& a, std::optional<double> atol = std::nullopt,
            std::optional<double> rtol = std::nullopt, bool hermitian = false);
struct LstsqResult {
  Tensor solution, residuals, rank, singular_values;
};
// driver: which of LAPACK's drivers' extra results to give (the solution is the same).
LstsqResult lstsq(const Tensor& a, const Tensor& b, std::optional<double> rcond = std::nullopt,
                  const std::string& driver = "gelsy");
Tensor matrix_power(const Tensor& a, int64_t n);
Tensor matrix_rank(const Tensor& a, std::optional<double> atol = std::nullopt,
                   std::optional<double> rtol = std::nullopt, bool hermitian = false);
Tensor multi_dot(const TensorList& tensors);
Tensor vecdot(const Tensor& x, const Tensor& y, int64_t dim = -1);

}  // namespace tg::linalg
