// The strided N-d loop every CPU elementwise kernel runs on: the element range is split
// across OpenMP threads, and each thread calls `inner(ptrs, n, inner_strides)` on runs of
// the innermost dim, so the per-element body is a simple (vectorisable) 1-D loop.
#pragma once
#include <omp.h>

#include <array>
#include <cstdint>

#include "kernels/kernels.h"

namespace tg::cpu {

constexpr int64_t kParallelGrain = 32768;  // elements; below this threads cost more than they give

inline int threads_for(int64_t work, int64_t grain = kParallelGrain) {
  if (work < 2 * grain) return 1;
  int64_t t = work / grain;
  int max_t = omp_get_max_threads();
  return int(t < max_t ? t : max_t);
}

template <int N, typename Inner>
void run_range(const LoopGeom& g, const std::array<char*, N>& base, const std::array<int64_t, N>& esize,
               int64_t begin, int64_t end, Inner& inner) {
  const int nd = g.ndim;
  const int last = nd - 1;
  int64_t idx[kMaxDims];
  std::array<char*, N> p;
  std::array<int64_t, N> inner_stride;
  for (int k = 0; k < N; ++k) inner_stride[k] = g.stride[k][last];
  int64_t rem = begin;
  for (int d = last; d >= 0; --d) {
    idx[d] = rem % g.shape[d];
    rem /= g.shape[d];
  }
  for (int k = 0; k < N; ++k) {
    int64_t off = 0;
    for (int d = 0; d < nd; ++d) off += idx[d] * g.stride[k][d];
    p[k] = base[k] + off * esize[k];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t n = g.shape[last] - idx[last];
    if (n > end - pos) n = end - pos;
    inner(p, n, inner_stride);
    pos += n;
    if (pos >= end) break;
    // Move to the start of the next row: undo the inner offset, carry into outer dims.
    for (int k = 0; k < N; ++k) p[k] -= idx[last] * g.stride[k][last] * esize[k];
    idx[last] = 0;
    for (int d = last - 1; d >= 0; --d) {
      for (int k = 0; k < N; ++k) p[k] += g.stride[k][d] * esize[k];
      if (++idx[d] < g.shape[d]) break;
      for (int k = 0; k < N; ++k) p[k] -= g.shape[d] * g.stride[k][d] * esize[k];
      idx[d] = 0;
    }
  }
}

// Run `inner` over the whole (coalesced) geometry, in parallel when it is large enough.
template <int N, typename Inner>
void for_each_run(const LoopGeom& g, const std::array<char*, N>& base, const std::array<int64_t, N>& esize,
                  Inner inner) {
  const int64_t total = g.numel();
  if (total == 0) return;
  if (g.ndim == 0) {  // a 0-d tensor: one element
    std::array<int64_t, N> zero{};
    inner(base, 1, zero);
    return;
  }
  const int nt = threads_for(total);
  if (nt <= 1) {
    run_range<N>(g, base, esize, 0, total, inner);
    return;
  }
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    int64_t b = total * t / T, e = total * (t + 1) / T;
    run_range<N>(g, base, esize, b, e, inner);
  }
}

}  // namespace tg::cpu
