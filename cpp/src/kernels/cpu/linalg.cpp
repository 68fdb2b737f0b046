// CPU linear-algebra kernels: Eigen's decompositions on batches of contiguous row-major
// matrices, one matrix per thread. Shapes (batch first, every matrix contiguous):
//   det:              a [B, n, n] -> det, sign, logabs [B]            (LU, partial pivoting)
//   solve:            a [B, n, n], b [B, n, k] -> x [B, n, k]          (LU, partial pivoting)
//   solve_triangular: a [B, n, n], b [B, n, k] -> x [B, n, k]          (one triangle read)
//   cholesky:         a [B, n, n] -> l [B, n, n]                       (lower triangle read)
//   qr:               a [B, m, n] -> q [B, m, mq], r [B, mq, n]        (Householder, LAPACK's signs)
//   svd:              a [B, m, n] -> u [B, m, ku], s [B, k], vh [B, kv, n]
//   eigh:             a [B, n, n] -> w [B, n] ascending, v [B, n, n]   (lower triangle read)
// Failures (a singular or non-positive-definite matrix, non-finite input to an iterative
// solver) come back as the first failing batch index, never as an exception thrown inside a
// parallel region.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;  // column-major: Eigen's native
template <class T>
using RowMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
template <class T>
using ConstRowMap = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
template <class T>
using VecMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>;

// body(i) for each matrix, a thread each once the matrices are big enough to pay for one; the
// smallest failing index (body returns false) or -1.
template <class F>
int64_t for_each_matrix(int64_t batch, int64_t work_per_matrix, F body) {
  std::atomic<int64_t> first_bad{batch};
  parallel_for(batch, threads_for(batch * std::max<int64_t>(work_per_matrix, 1), 1 << 14), [&](int64_t i) {
    if (!body(i)) {
      int64_t cur = first_bad.load();
      while (i < cur && !first_bad.compare_exchange_weak(cur, i)) {
      }
    }
  });
  const int64_t r = first_bad.load();
  return r == batch ? -1 : r;
}

template <class T>
bool all_finite(const T* a, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(a[i])) return false;
  return true;
}

template <class T>
void det_typed(const T* a, int64_t batch, int64_t n, T* det, T* sign, T* logabs) {
  for_each_matrix(batch, n * n * n, [&](int64_t i) {
    if (n == 0) {
      det[i] = sign[i] = T(1), logabs[i] = T(0);
      return true;
    }
    const Eigen::PartialPivLU<Mat<T>> lu(Mat<T>(ConstRowMap<T>(a + i * n * n, n, n)));
    const auto d = lu.matrixLU().diagonal();
    T s = T(lu.permutationP().determinant()), l = T(0), p = T(1);
    for (int64_t j = 0; j < n; ++j) {
      p *= d(j);
      s *= d(j) < T(0) ? T(-1) : d(j) > T(0) ? T(1) : d(j) == T(0) ? T(0) : d(j);  // NaN stays NaN
      l += std::log(std::abs(d(j)));
    }
    det[i] = p * T(lu.permutationP().determinant());
    sign[i] = s;
    logabs[i] = l;
    return true;
  });
}

template <class T>
int64_t solve_typed(T* x, const T* a, const T* b, int64_t batch, int64_t n, int64_t k) {
  return for_each_matrix(batch, n * n * (n + k), [&](int64_t i) {
    if (n == 0) return true;
    const Eigen::PartialPivLU<Mat<T>> lu(Mat<T>(ConstRowMap<T>(a + i * n * n, n, n)));
    RowMap<T>(x + i * n * k, n, k) = lu.solve(Mat<T>(ConstRowMap<T>(b + i * n * k, n, k)));
    // LAPACK's getrf reports an exact zero pivot; so does this.
    return (lu.matrixLU().diagonal().array() != T(0)).all();
  });
}

template <class T>
void solve_triangular_typed(T* x, const T* a, const T* b, int64_t batch, int64_t n, int64_t k, bool upper,
                            bool unit) {
  for_each_matrix(batch, n * n * k, [&](int64_t i) {
    if (n == 0) return true;
    const ConstRowMap<T> A(a + i * n * n, n, n);
    RowMap<T> X(x + i * n * k, n, k);
    X = ConstRowMap<T>(b + i * n * k, n, k);
    if (upper && unit)
      A.template triangularView<Eigen::UnitUpper>().solveInPlace(X);
    else if (upper)
      A.template triangularView<Eigen::Upper>().solveInPlace(X);
    else if (unit)
      A.template triangularView<Eigen::UnitLower>().solveInPlace(X);
    else
      A.template triangularView<Eigen::Lower>().solveInPlace(X);
    return true;
  });
}

template <class T>
int64_t cholesky_typed(T* l, const T* a, int64_t batch, int64_t n) {
  return for_each_matrix(batch, n * n * n, [&](int64_t i) {
    if (n == 0) return true;
    const Eigen::LLT<Mat<T>, Eigen::Lower> llt(Mat<T>(ConstRowMap<T>(a + i * n * n, n, n)));
    RowMap<T> L(l + i * n * n, n, n);
    L = llt.matrixL();
    return llt.info() == Eigen::Success && L.diagonal().allFinite();
  });
}

template <class T>
void qr_typed(T* q, T* r, const T* a, int64_t batch, int64_t m, int64_t n, bool complete) {
  const int64_t k = std::min(m, n), mq = complete ? m : k;
  for_each_matrix(batch, m * n * k, [&](int64_t i) {
    RowMap<T> R(r + i * mq * n, mq, n);
    if (m == 0 || n == 0) {
      R.setZero();
      if (q) RowMap<T>(q + i * m * mq, m, mq).setIdentity();
      return true;
    }
    const Eigen::HouseholderQR<Mat<T>> qr(Mat<T>(ConstRowMap<T>(a + i * m * n, m, n)));
    R = qr.matrixQR().topRows(mq).template triangularView<Eigen::Upper>();
    if (q) RowMap<T>(q + i * m * mq, m, mq) = qr.householderQ() * Mat<T>::Identity(m, mq);
    return true;
  });
}

template <class T>
int64_t svd_typed(T* u, T* s, T* vh, const T* a, int64_t batch, int64_t m, int64_t n, bool full) {
  const int64_t k = std::min(m, n), ku = full ? m : k, kv = full ? n : k;
  const bool vectors = u != nullptr;
  return for_each_matrix(batch, m * n * k * 8, [&](int64_t i) {
    const T* ai = a + i * m * n;
    if (!all_finite(ai, m * n)) return false;  // the iteration would not converge
    if (k == 0) {
      if (vectors) {
        RowMap<T>(u + i * m * ku, m, ku).setIdentity();
        RowMap<T>(vh + i * kv * n, kv, n).setIdentity();
      }
      return true;
    }
    const unsigned opts = !vectors ? 0u
                          : full   ? unsigned(Eigen::ComputeFullU | Eigen::ComputeFullV)
                                   : unsigned(Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::BDCSVD<Mat<T>> svd(Mat<T>(ConstRowMap<T>(ai, m, n)), opts);
    VecMap<T>(s + i * k, k) = svd.singularValues();
    if (vectors) {
      RowMap<T>(u + i * m * ku, m, ku) = svd.matrixU();
      RowMap<T>(vh + i * kv * n, kv, n) = svd.matrixV().transpose();
    }
    return true;
  });
}

template <class T>
int64_t eigh_typed(T* w, T* v, const T* a, int64_t batch, int64_t n) {
  return for_each_matrix(batch, n * n * n * 4, [&](int64_t i) {
    const T* ai = a + i * n * n;
    if (n == 0) return true;
    Mat<T> A = ConstRowMap<T>(ai, n, n);
    A.template triangularView<Eigen::StrictlyUpper>() = A.transpose();  // only the lower one counts
    if (!A.allFinite()) return false;
    const Eigen::SelfAdjointEigenSolver<Mat<T>> es(A,
                                                   v ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
    if (es.info() != Eigen::Success) return false;
    VecMap<T>(w + i * n, n) = es.eigenvalues();
    if (v) RowMap<T>(v + i * n * n, n, n) = es.eigenvectors();
    return true;
  });
}

}  // namespace

void fill(LinalgKernels& k) {
  k.det = [](DType dtype, const void* a, int64_t batch, int64_t n, void* det, void* sign, void* logabs) {
    TG_DISPATCH_FLOAT(dtype, "linalg.det", [&] {
      det_typed((const scalar_t*)a, batch, n, (scalar_t*)det, (scalar_t*)sign, (scalar_t*)logabs);
    });
  };
  k.solve = [](DType dtype, void* x, const void* a, const void* b, int64_t batch, int64_t n, int64_t nrhs) {
    int64_t bad = -1;
    TG_DISPATCH_FLOAT(dtype, "linalg.solve", [&] {
      bad = solve_typed((scalar_t*)x, (const scalar_t*)a, (const scalar_t*)b, batch, n, nrhs);
    });
    return bad;
  };
  k.solve_triangular = [](DType dtype, void* x, const void* a, const void* b, int64_t batch, int64_t n,
                          int64_t nrhs, bool upper, bool unit) {
    TG_DISPATCH_FLOAT(dtype, "linalg.solve_triangular", [&] {
      solve_triangular_typed((scalar_t*)x, (const scalar_t*)a, (const scalar_t*)b, batch, n, nrhs, upper,
                             unit);
    });
  };
  k.cholesky = [](DType dtype, void* l, const void* a, int64_t batch, int64_t n) {
    int64_t bad = -1;
    TG_DISPATCH_FLOAT(dtype, "linalg.cholesky",
                      [&] { bad = cholesky_typed((scalar_t*)l, (const scalar_t*)a, batch, n); });
    return bad;
  };
  k.qr = [](DType dtype, void* q, void* r, const void* a, int64_t batch, int64_t m, int64_t n,
            bool complete) {
    TG_DISPATCH_FLOAT(dtype, "linalg.qr", [&] {
      qr_typed((scalar_t*)q, (scalar_t*)r, (const scalar_t*)a, batch, m, n, complete);
    });
  };
  k.svd = [](DType dtype, void* u, void* s, void* vh, const void* a, int64_t batch, int64_t m, int64_t n,
             bool full) {
    int64_t bad = -1;
    TG_DISPATCH_FLOAT(dtype, "linalg.svd", [&] {
      bad = svd_typed((scalar_t*)u, (scalar_t*)s, (scalar_t*)vh, (const scalar_t*)a, batch, m, n, full);
    });
    return bad;
  };
  k.eigh = [](DType dtype, void* w, void* v, const void* a, int64_t batch, int64_t n) {
    int64_t bad = -1;
    TG_DISPATCH_FLOAT(dtype, "linalg.eigh",
                      [&] { bad = eigh_typed((scalar_t*)w, (scalar_t*)v, (const scalar_t*)a, batch, n); });
    return bad;
  };
}

}  // namespace TG_KERNEL_NAMESPACE
