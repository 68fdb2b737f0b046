// CPU activation kernels: softmax / log-softmax forward and backward. (The pointwise
// activations are unary elementwise list entries: see elementwise.cpp.)
#include <cmath>
#include <limits>

#include "kernels/common/scalar_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {

namespace {

// Naive reference, any inner: out[o, :, i] = softmax(x[o, :, i]); max-shifted so no overflow.
template <class T>
void softmax_strided(bool log, T* out, const T* x, int64_t outer, int64_t D, int64_t inner) {
  parallel_for(outer * inner, threads_for(outer * D * inner), [&](int64_t oi) {
    const int64_t o = oi / inner, i = oi % inner;
    {
      const T* xr = x + o * D * inner + i;
      T* yr = out + o * D * inner + i;
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t d = 0; d < D; ++d) m = xr[d * inner] > m ? xr[d * inner] : m;
      T s = 0;
      for (int64_t d = 0; d < D; ++d) s += std::exp(xr[d * inner] - m);
      if (log) {
        const T ls = std::log(s);  // (x - m) - log s: m + log s would round away log s at large m
        for (int64_t d = 0; d < D; ++d) yr[d * inner] = (xr[d * inner] - m) - ls;
      } else {
        for (int64_t d = 0; d < D; ++d) yr[d * inner] = std::exp(xr[d * inner] - m) / s;
      }
    }
  });
}

// Fast path, inner == 1 (softmax over the last dim): vectorised rows.
template <class T>
void softmax_rows(bool log, T* out, const T* x, int64_t rows, int64_t D) {
  parallel_for(rows, threads_for(rows * D), [&](int64_t r) {
    const T* xr = x + r * D;
    T* yr = out + r * D;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t d = 0; d < D; ++d) m = xr[d] > m ? xr[d] : m;
    T s = 0;
    if (log) {
#pragma omp simd reduction(+ : s)
      for (int64_t d = 0; d < D; ++d) s += math::exp_of(xr[d] - m);
      const T ls = std::log(s);
#pragma omp simd
      for (int64_t d = 0; d < D; ++d) yr[d] = (xr[d] - m) - ls;
    } else {
#pragma omp simd reduction(+ : s)
      for (int64_t d = 0; d < D; ++d) {
        yr[d] = math::exp_of(xr[d] - m);
        s += yr[d];
      }
      const T inv = T(1) / s;
#pragma omp simd
      for (int64_t d = 0; d < D; ++d) yr[d] *= inv;
    }
  });
}

}  // namespace

// out, x: [outer, D, inner] contiguous
void softmax(DType dtype, bool log, void* out, const void* x, int64_t outer, int64_t D, int64_t inner) {
  TG_DISPATCH_FLOAT(dtype, "softmax", [&] {
    if (inner == 1)
      softmax_rows<scalar_t>(log, (scalar_t*)out, (const scalar_t*)x, outer, D);
    else
      softmax_strided<scalar_t>(log, (scalar_t*)out, (const scalar_t*)x, outer, D, inner);
  });
}

namespace {
template <class T>
void softmax_backward_typed(bool log, T* gx, const T* gy, const T* yy, int64_t outer, int64_t D,
                            int64_t inner) {
  parallel_for(outer * inner, threads_for(outer * D * inner), [&](int64_t oi) {
    const int64_t o = oi / inner, i = oi % inner;
    {
      const int64_t base = o * D * inner + i;
      T s = 0;
      if (log) {
        for (int64_t d = 0; d < D; ++d) s += gy[base + d * inner];
        for (int64_t d = 0; d < D; ++d) {
          const int64_t k = base + d * inner;
          gx[k] = gy[k] - std::exp(yy[k]) * s;
        }
      } else {
        for (int64_t d = 0; d < D; ++d) s += gy[base + d * inner] * yy[base + d * inner];
        for (int64_t d = 0; d < D; ++d) {
          const int64_t k = base + d * inner;
          gx[k] = yy[k] * (gy[k] - s);
        }
      }
    }
  });
}
}  // namespace

// dx, dy, y: [outer, D, inner] contiguous.
//   softmax:     dx = y * (dy - sum_d(dy * y))
//   log_softmax: dx = dy - exp(y) * sum_d(dy)
void softmax_backward(DType dtype, bool log, void* dx, const void* dy, const void* y, int64_t outer,
                      int64_t D, int64_t inner) {
  TG_DISPATCH_FLOAT(dtype, "softmax_backward", [&] {
    softmax_backward_typed<scalar_t>(log, (scalar_t*)dx, (const scalar_t*)dy, (const scalar_t*)y, outer, D,
                                     inner);
  });
}

void fill(ActivationKernels& k) {
  k.softmax = softmax;
  k.softmax_backward = softmax_backward;
}

}  // namespace TG_KERNEL_NAMESPACE
