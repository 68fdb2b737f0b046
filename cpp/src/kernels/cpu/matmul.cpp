// CPU GEMM. Shapes: C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C, row-major with
// leading dims; `batch` matrices apart by stride_a/b/c elements (0: broadcast operand).
// Float GEMMs go to Eigen, one single-threaded Eigen GEMM per thread (Eigen's own OpenMP
// split is off: EIGEN_DONT_PARALLELIZE in CMakeLists.txt); int64 uses the naive reference.
#include <Eigen/Core>
#include <algorithm>

#include "kernels/common/elementwise_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

// Multiply-adds per thread below which a second thread costs more than it gives (measured:
// 2 threads lose at 110k, win at 131k).
constexpr int64_t kGemmGrain = 1 << 16;

// Naive reference (also the int64 path, which wraps on overflow as torch's): C = alpha * A@B + beta * C.
template <class T>
void gemm_naive(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  using math::add_wrap, math::mul_wrap;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      T s = 0;
      for (int64_t k = 0; k < K; ++k)
        s = add_wrap(s, mul_wrap(ta ? A[k * lda + m] : A[m * lda + k], tb ? B[n * ldb + k] : B[k * ldb + n]));
      C[m * ldc + n] = add_wrap(mul_wrap(alpha, s), beta == T(0) ? T(0) : mul_wrap(beta, C[m * ldc + n]));
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

// One product on nt threads, each a single-threaded GEMM on a slab of C: columns cut at
// multiples of 16 (one AVX-512 float vector) when C is wider than tall, else rows. Measured on
// 2 cores against Eigen's own OpenMP split: 1.1-1.5x faster for the MLP shapes, 2x for 128^3,
// and Eigen's split lost even to one thread below ~1e6 multiply-adds. Column slabs were 10 %
// faster than row slabs for wide C, but 3x slower when K is tiny ([128,10] @ [10,512]).
// Under use_deterministic_algorithms the slabs are fixed by the shape alone (one per 2 grains
// of work, at least 32 rows or columns each, at most 16) and the threads share them out:
// Eigen's blocking, and so the rounding, depends on a slab's size, so slabs that followed the
// thread count would change the bits. Thinner slabs would repack B once per slab.
template <class T, class One>
void gemm_split(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B,
                int64_t ldb, T* C, int64_t ldc, One one) {
  constexpr int64_t kAlign = 16;
  constexpr int64_t kMaxDeterministicSlabs = 16, kMinDeterministicSlab = 32;
  const bool by_rows = M >= N || K < 64 || N < 2 * kAlign;
  const int64_t extent = by_rows ? M : N;
  const int64_t max_slabs = std::max<int64_t>(1, by_rows ? M : N / kAlign);
  const int nt = std::min<int64_t>(threads_for(M * N * K, kGemmGrain), max_slabs);
  const int64_t slabs =
      are_deterministic_algorithms_enabled()
          ? std::clamp<int64_t>(
                M * N * K / (2 * kGemmGrain), 1,
                std::max<int64_t>(1, std::min(kMaxDeterministicSlabs, extent / kMinDeterministicSlab)))
          : nt;
  if (slabs <= 1) {
    one(M, N, A, B, C);
    return;
  }
  parallel_for(slabs, int(std::min<int64_t>(nt, slabs)), [&](int64_t t) {
    int64_t b = extent * t / slabs, e = extent * (t + 1) / slabs;
    if (!by_rows) {
      b = t == 0 ? 0 : b / kAlign * kAlign;
      e = t == slabs - 1 ? N : e / kAlign * kAlign;
    }
    if (e <= b) return;
    if (by_rows)  // rows b..e of op(A) and C
      one(e - b, N, A + (ta ? b : b * lda), B, C + b * ldc);
    else  // columns b..e of op(B) and C
      one(M, e - b, A, B + (tb ? b * ldb : b), C + b);
  });
}

template <class T>
void gemm_typed(bool ta, bool tb, int64_t batch, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                int64_t lda, int64_t sa, const T* B, int64_t ldb, int64_t sb, T beta, T* C, int64_t ldc,
                int64_t sc) {
  auto one = [&](int64_t m, int64_t n, const T* a, const T* b, T* c) {
    if constexpr (std::is_floating_point_v<T>)
      gemm_eigen(ta, tb, m, n, K, alpha, a, lda, b, ldb, beta, c, ldc);
    else
      gemm_naive(ta, tb, m, n, K, alpha, a, lda, b, ldb, beta, c, ldc);
  };
  // Many products (or small ones): whole products shared out to the threads, dynamically, in one
  // parallel region. Few large ones: each split across the threads. Splitting every product of a
  // long batch costs a barrier per product, and when another process holds a core each barrier
  // waits out its time slice: 64 products of [256,64]x[64,256] took 0.5 s instead of 12 ms so.
  // The choice is fixed by the shape under use_deterministic_algorithms (a product's rounding
  // depends on its slabs).
  const int64_t work = M * N * K;
  const int64_t whole_from = are_deterministic_algorithms_enabled() ? 4 : 2 * int64_t(get_num_threads());
  if (batch > 1 && (work < 128 * 128 * 128 || batch >= whole_from)) {
    const int nt = int(std::min<int64_t>(threads_for(batch * work, kGemmGrain), batch));
    if (nt <= 1) {
      for (int64_t i = 0; i < batch; ++i) one(M, N, A + i * sa, B + i * sb, C + i * sc);
      return;
    }
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int64_t i = 0; i < batch; ++i) one(M, N, A + i * sa, B + i * sb, C + i * sc);
  } else {
    for (int64_t i = 0; i < batch; ++i)
      gemm_split<T>(ta, tb, M, N, K, A + i * sa, lda, B + i * sb, ldb, C + i * sc, ldc, one);
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

void fill(MatmulKernels& k) { k.gemm = gemm; }

}  // namespace TG_KERNEL_NAMESPACE
