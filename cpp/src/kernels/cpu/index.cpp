// CPU indexing kernels along one dim. x viewed as [outer, D, inner] (contiguous); indices
// are already range-checked by the op. Forward and backward sit side by side:
// gather <-> scatter_add, index_select <-> index_add.
#include <cstring>

#include "kernels/cpu/loops.h"

namespace tg::cpu {

// out[o, j, i] = x[o, idx[o, j, i], i];  idx, out: [outer, J, inner]
void gather(DType dtype, void* out, const void* x, const int64_t* idx, int64_t outer, int64_t D, int64_t J,
            int64_t inner) {
  TG_DISPATCH_ALL(dtype, "gather", [&] {
    using T = scalar_t;
    T* o_ = (T*)out;
    const T* x_ = (const T*)x;
    parallel_for(outer, threads_for(outer * J * inner), [&](int64_t o) {
      for (int64_t j = 0; j < J; ++j)
        for (int64_t i = 0; i < inner; ++i) {
          const int64_t k = (o * J + j) * inner + i;
          o_[k] = x_[(o * D + idx[k]) * inner + i];
        }
    });
  });
}

// out[o, idx[o, j, i], i] += src[o, j, i]  (the gradient of gather). Parallel over outer
// only: two j may hit the same slot.
void scatter_add(DType dtype, void* out, const void* src, const int64_t* idx, int64_t outer, int64_t D,
                 int64_t J, int64_t inner) {
  TG_DISPATCH_NUMERIC(dtype, "scatter_add", [&] {
    using T = scalar_t;
    T* o_ = (T*)out;
    const T* s_ = (const T*)src;
    parallel_for(outer, outer > 1 ? threads_for(outer * J * inner) : 1, [&](int64_t o) {
      for (int64_t j = 0; j < J; ++j)
        for (int64_t i = 0; i < inner; ++i) {
          const int64_t k = (o * J + j) * inner + i;
          o_[(o * D + idx[k]) * inner + i] += s_[k];
        }
    });
  });
}

// out[o, j, i] = x[o, idx[j], i];  out: [outer, J, inner]
void index_select(DType dtype, void* out, const void* x, const int64_t* idx, int64_t outer, int64_t D,
                  int64_t J, int64_t inner) {
  const size_t row = size_t(inner) * itemsize(dtype);
  char* o_ = (char*)out;
  const char* x_ = (const char*)x;
  parallel_for(outer * J, threads_for(outer * J * inner), [&](int64_t oj) {
    const int64_t o = oj / J, j = oj % J;
    std::memcpy(o_ + oj * row, x_ + (o * D + idx[j]) * row, row);
  });
}

// out[o, idx[j], i] += src[o, j, i]  (the gradient of index_select)
void index_add(DType dtype, void* out, const void* src, const int64_t* idx, int64_t outer, int64_t D,
               int64_t J, int64_t inner) {
  TG_DISPATCH_NUMERIC(dtype, "index_add", [&] {
    using T = scalar_t;
    T* o_ = (T*)out;
    const T* s_ = (const T*)src;
    parallel_for(outer, outer > 1 ? threads_for(outer * J * inner) : 1, [&](int64_t o) {
      for (int64_t j = 0; j < J; ++j) {
        T* dst = o_ + (o * D + idx[j]) * inner;
        const T* s = s_ + (o * J + j) * inner;
        for (int64_t i = 0; i < inner; ++i) dst[i] += s[i];
      }
    });
  });
}

}  // namespace tg::cpu
