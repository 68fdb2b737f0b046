// CPU GEMM. Shapes: C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C, row-major with
// leading dims; `batch` matrices apart by stride_a/b/c elements (0: broadcast operand).
// Float GEMMs go to Eigen (multi-threaded with OpenMP); int64 uses the naive reference.
#include <Eigen/Core>

#include "kernels/cpu/loops.h"

namespace tg::cpu {
namespace {

// Naive reference (also the int64 path): C = alpha * A@B + beta * C.
template <class T>
void gemm_naive(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      T s = 0;
      for (int64_t k = 0; k < K; ++k)
        s += (ta ? A[k * lda + m] : A[m * lda + k]) * (tb ? B[n * ldb + k] : B[k * ldb + n]);
      C[m * ldc + n] = alpha * s + (beta == T(0) ? T(0) : beta * C[m * ldc + n]);
    }
}

template <class T>
using RowMat = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0,
                          Eigen::OuterStride<>>;
template <class T>
using OutMat =
    Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0, Eigen::OuterStride<>>;

template <class T>
void gemm_eigen(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  OutMat<T> c(C, M, N, Eigen::OuterStride<>(ldc));
  if (beta == T(0))
    c.setZero();
  else if (beta != T(1))
    c *= beta;
  if (K == 0) return;
  // A transposed is A^T of a row-major [K, M] map: Eigen folds it into the GEMM packing.
  RowMat<T> a(A, ta ? K : M, ta ? M : K, Eigen::OuterStride<>(lda));
  RowMat<T> b(B, tb ? N : K, tb ? K : N, Eigen::OuterStride<>(ldb));
  if (!ta && !tb)
    c.noalias() += alpha * a * b;
  else if (ta && !tb)
    c.noalias() += alpha * a.transpose() * b;
  else if (!ta && tb)
    c.noalias() += alpha * a * b.transpose();
  else
    c.noalias() += alpha * a.transpose() * b.transpose();
}

template <class T>
void gemm_typed(bool ta, bool tb, int64_t batch, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                int64_t lda, int64_t sa, const T* B, int64_t ldb, int64_t sb, T beta, T* C, int64_t ldc,
                int64_t sc) {
  auto one = [&](int64_t i) {
    if constexpr (std::is_floating_point_v<T>)
      gemm_eigen(ta, tb, M, N, K, alpha, A + i * sa, lda, B + i * sb, ldb, beta, C + i * sc, ldc);
    else
      gemm_naive(ta, tb, M, N, K, alpha, A + i * sa, lda, B + i * sb, ldb, beta, C + i * sc, ldc);
  };
  // Many small products: one per thread (Eigen stays single-threaded inside a parallel
  // region). Few large ones: let Eigen split each product.
  const int64_t flops = M * N * K;
  if (batch > 1 && flops < 128 * 128 * 128) {
    const int nt = threads_for(batch * flops, 1 << 16);
    parallel_for(batch, nt, one);
  } else {
    for (int64_t i = 0; i < batch; ++i) one(i);
  }
}

}  // namespace

void gemm(DType dtype, bool ta, bool tb, int64_t batch, int64_t M, int64_t N, int64_t K, double alpha,
          const void* A, int64_t lda, int64_t sa, const void* B, int64_t ldb, int64_t sb, double beta,
          void* C, int64_t ldc, int64_t sc) {
  TG_DISPATCH_NUMERIC(dtype, "matmul", [&] {
    using T = scalar_t;
    gemm_typed<T>(ta, tb, batch, M, N, K, T(alpha), (const T*)A, lda, sa, (const T*)B, ldb, sb, T(beta),
                  (T*)C, ldc, sc);
  });
}

}  // namespace tg::cpu
