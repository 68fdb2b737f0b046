// CPU running ops along a dim of contiguous x [outer, D, inner] (cumsum, cumprod, cummax,
// cummin, logcumsumexp) and the backwards that need a loop of their own. Rows run in parallel,
// each in order; over inner > 1 the inner elements of a step form a vectorisable run.
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

// torch accumulates float32 scans in double (at::acc_type on the CPU).
template <class T>
using acc_t = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

inline double log_add_exp(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  const double hi = a > b ? a : b, lo = a > b ? b : a;
  if (hi == -std::numeric_limits<double>::infinity()) return hi;
  return hi + std::log1p(std::exp(lo - hi));
}

// Blocks of inner elements handled by one task: long enough to vectorise, short enough that
// a dim-0 scan (outer 1) still splits across threads.
constexpr int64_t kInnerBlock = 256;

// body(o, i0, i1) over [outer] x blocks of [inner], in parallel.
template <class F>
void for_rows(int64_t outer, int64_t D, int64_t inner, F body) {
  const int64_t blocks = (inner + kInnerBlock - 1) / kInnerBlock;
  parallel_for(outer * blocks, threads_for(outer * D * inner), [&](int64_t t) {
    const int64_t o = t / blocks, b = t % blocks;
    body(o, b * kInnerBlock, std::min(inner, (b + 1) * kInnerBlock));
  });
}

// out[j] = combine(out[j-1], x[j]) in Acc, for Sum/Prod/LogSumExp.
template <class T, class Combine>
void scan_fold(T* out, const T* x, int64_t outer, int64_t D, int64_t inner, bool reverse, double init,
               Combine combine) {
  using A = acc_t<T>;
  if (inner == 1) {  // along contiguous rows: kRows rows side by side, independent chains
    constexpr int64_t kRows = 8;
    const int64_t groups = (outer + kRows - 1) / kRows;
    parallel_for(groups, threads_for(outer * D), [&](int64_t gi) {
      const int64_t r0 = gi * kRows;
      if (r0 + kRows > outer) {  // the last rows, one at a time
        for (int64_t r = r0; r < outer; ++r) {
          A acc = A(init);
          for (int64_t s = 0; s < D; ++s) {
            const int64_t j = r * D + (reverse ? D - 1 - s : s);
            acc = combine(acc, A(x[j]));
            out[j] = T(acc);
          }
        }
        return;
      }
      A acc[kRows];
      for (int64_t r = 0; r < kRows; ++r) acc[r] = A(init);
      const T* xr = x + r0 * D;
      T* outr = out + r0 * D;
      for (int64_t s = 0; s < D; ++s) {
        const int64_t j = reverse ? D - 1 - s : s;
#pragma GCC unroll 8
        for (int64_t r = 0; r < kRows; ++r) {
          acc[r] = combine(acc[r], A(xr[r * D + j]));
          outr[r * D + j] = T(acc[r]);
        }
      }
    });
    return;
  }
  for_rows(outer, D, inner, [&](int64_t o, int64_t i0, int64_t i1) {
    A acc[kInnerBlock];
    for (int64_t i = i0; i < i1; ++i) acc[i - i0] = A(init);
    for (int64_t s = 0; s < D; ++s) {
      const int64_t j = reverse ? D - 1 - s : s;
      const int64_t base = (o * D + j) * inner;
      for (int64_t i = i0; i < i1; ++i) {
        acc[i - i0] = combine(acc[i - i0], A(x[base + i]));
        out[base + i] = T(acc[i - i0]);
      }
    }
  });
}

// Running max (or min) and its position: a later equal value takes the position (torch's >=),
// and a NaN, once seen, stays.
template <class T>
void scan_extreme(bool is_max, T* out, int64_t* index, const T* x, int64_t outer, int64_t D, int64_t inner,
                  bool reverse) {
  for_rows(outer, D, inner, [&](int64_t o, int64_t i0, int64_t i1) {
    T best[kInnerBlock];
    int64_t arg[kInnerBlock];
    for (int64_t s = 0; s < D; ++s) {
      const int64_t j = reverse ? D - 1 - s : s;
      const int64_t base = (o * D + j) * inner;
      for (int64_t i = i0; i < i1; ++i) {
        const T v = x[base + i];
        T& b = best[i - i0];
        bool take = s == 0;
        if constexpr (std::is_floating_point_v<T>)
          take = take || std::isnan(v) || (!std::isnan(b) && (is_max ? v >= b : v <= b));
        else
          take = take || (is_max ? v >= b : v <= b);
        if (take) b = v, arg[i - i0] = j;
        out[base + i] = b;
        index[base + i] = arg[i - i0];
      }
    }
  });
}

}  // namespace

// out, x: [outer, D, inner], same dtype (the op casts bools to int64 first).
void scan(ScanOp op, DType dtype, void* out, int64_t* index, const void* x, int64_t outer, int64_t D,
          int64_t inner, bool reverse) {
  TG_DISPATCH_ALL(dtype, "scan", [&] {
    using T = scalar_t;
    using A = acc_t<T>;
    T* o = (T*)out;
    const T* xi = (const T*)x;
    switch (op) {
      case ScanOp::Sum:
        if constexpr (!std::is_same_v<T, bool>)
          scan_fold(o, xi, outer, D, inner, reverse, 0.0, [](A a, A b) {
            if constexpr (std::is_integral_v<A>)
              return A(uint64_t(a) + uint64_t(b));
            else
              return a + b;
          });
        break;
      case ScanOp::Prod:
        if constexpr (!std::is_same_v<T, bool>)
          scan_fold(o, xi, outer, D, inner, reverse, 1.0, [](A a, A b) {
            if constexpr (std::is_integral_v<A>)
              return A(uint64_t(a) * uint64_t(b));  // wraps on overflow, as torch's, without UB
            else
              return a * b;
          });
        break;
      case ScanOp::LogSumExp:
        if constexpr (std::is_floating_point_v<T>)
          scan_fold(o, xi, outer, D, inner, reverse, -std::numeric_limits<double>::infinity(),
                    [](double a, double b) { return log_add_exp(a, b); });
        break;
      case ScanOp::Max:
      case ScanOp::Min:
        scan_extreme(op == ScanOp::Max, o, index, xi, outer, D, inner, reverse);
        break;
    }
  });
}

// dx[j] = sum_{k >= j} g[k] prod_{i <= k, i != j} x[i], per row. Before the first zero z of the
// row it is (sum_{j <= k < z} g[k] y[k]) / x[j]; at z, y[z-1] times the running sum of g[k]
// prod_{z < i <= k} x[i]; after z, 0 (every product holds x[z]).
void cumprod_backward(DType dtype, void* dx, const void* g, const void* x, const void* y, int64_t outer,
                      int64_t D, int64_t inner) {
  TG_DISPATCH_FLOAT(dtype, "cumprod_backward", [&] {
    using T = scalar_t;
    T* dxp = (T*)dx;
    const T *gp = (const T*)g, *xp = (const T*)x, *yp = (const T*)y;
    parallel_for(outer * inner, threads_for(outer * D * inner), [&](int64_t r) {
      const int64_t o = r / inner, i = r % inner;
      auto at = [&](int64_t j) { return (o * D + j) * inner + i; };
      int64_t z = D;
      for (int64_t j = 0; j < D; ++j)
        if (xp[at(j)] == T(0)) {
          z = j;
          break;
        }
      double tail = 0;  // sum_{j <= k < z} g[k] y[k]
      for (int64_t j = z - 1; j >= 0; --j) {
        tail += double(gp[at(j)]) * double(yp[at(j)]);
        dxp[at(j)] = T(tail / double(xp[at(j)]));
      }
      if (z == D) return;
      double run = 1, sum = 0;  // run: prod_{z < i <= k} x[i]
      for (int64_t k = z; k < D; ++k) {
        if (k > z) run *= double(xp[at(k)]);
        sum += double(gp[at(k)]) * run;
      }
      dxp[at(z)] = T((z > 0 ? double(yp[at(z - 1)]) : 1.0) * sum);
      for (int64_t j = z + 1; j < D; ++j) dxp[at(j)] = T(0);
    });
  });
}

// dx[j] = exp(x[j] + P_j) - exp(x[j] + N_j), with P_j = log sum_{k >= j, g > 0} g[k] e^{-y[k]}
// and N_j the same over g < 0: two reverse log-sum-exp scans, so nothing overflows.
void logcumsumexp_backward(DType dtype, void* dx, const void* g, const void* x, const void* y, int64_t outer,
                           int64_t D, int64_t inner) {
  TG_DISPATCH_FLOAT(dtype, "logcumsumexp_backward", [&] {
    using T = scalar_t;
    T* dxp = (T*)dx;
    const T *gp = (const T*)g, *xp = (const T*)x, *yp = (const T*)y;
    parallel_for(outer * inner, threads_for(outer * D * inner), [&](int64_t r) {
      const int64_t o = r / inner, i = r % inner;
      const double ninf = -std::numeric_limits<double>::infinity();
      double pos = ninf, neg = ninf;
      for (int64_t j = D - 1; j >= 0; --j) {
        const int64_t a = (o * D + j) * inner + i;
        const double gv = gp[a];
        if (gv > 0) pos = log_add_exp(pos, std::log(gv) - double(yp[a]));
        if (gv < 0) neg = log_add_exp(neg, std::log(-gv) - double(yp[a]));
        dxp[a] = T(std::exp(double(xp[a]) + pos) - std::exp(double(xp[a]) + neg));
      }
    });
  });
}

void fill(ScanKernels& k) {
  k.scan = scan;
  k.cumprod_backward = cumprod_backward;
  k.logcumsumexp_backward = logcumsumexp_backward;
}

}  // namespace TG_KERNEL_NAMESPACE
