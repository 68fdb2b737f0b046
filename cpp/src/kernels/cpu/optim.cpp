// CPU optimizer update kernels: one fused pass per parameter tensor.
#include "kernels/common/optim_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {

namespace {
template <class T>
void sgd_typed(int64_t n, T* p, const T* g, T* buf, const SgdParams& hp) {
  parallel_range(n, threads_for(n, 4 * kParallelGrain), [&](int64_t b, int64_t e) {
    if (buf) {
#pragma omp simd
      for (int64_t i = b; i < e; ++i) math::sgd_step(p[i], g[i], buf + i, hp);
    } else {
#pragma omp simd
      for (int64_t i = b; i < e; ++i) math::sgd_step<T>(p[i], g[i], nullptr, hp);
    }
  });
}
}  // namespace

// p, g, buf: [n] contiguous (buf null without momentum)
void sgd_update(DType dtype, int64_t n, void* p, const void* g, void* buf, const SgdParams& hp) {
  TG_DISPATCH_FLOAT(dtype, "sgd_update",
                    [&] { sgd_typed<scalar_t>(n, (scalar_t*)p, (const scalar_t*)g, (scalar_t*)buf, hp); });
}

void fill(OptimKernels& k) { k.sgd_update = sgd_update; }

}  // namespace TG_KERNEL_NAMESPACE
