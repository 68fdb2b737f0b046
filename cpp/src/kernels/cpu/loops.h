// The strided N-d loop every CPU elementwise kernel runs on: the element range is split
// across OpenMP threads, and each thread calls `inner(ptrs, n, inner_strides)` on runs of
// the innermost dim, so the per-element body is a simple (vectorisable) 1-D loop.
#pragma once
#include <omp.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "kernels/common/kernel_namespace.h"
#include "kernels/kernels.h"
#include "tetragrad/threading.h"

namespace TG_KERNEL_NAMESPACE {

constexpr int64_t kParallelGrain = 32768;  // elements; below this threads cost more than they give

inline int threads_for(int64_t work, int64_t grain = kParallelGrain) {
  if (work < 2 * grain) return 1;
  int64_t t = work / grain;
  int max_t = get_num_threads();  // process-wide, not the calling thread's OpenMP setting
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

// body(i) for i in [0, n), on `nt` threads. With one thread no OpenMP region is entered at
// all: even a one-thread region costs ~300 ns, more than a small op's whole kernel.
template <class F>
void parallel_for(int64_t n, int nt, F body) {
  if (nt <= 1) {
    for (int64_t i = 0; i < n; ++i) body(i);
    return;
  }
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t i = 0; i < n; ++i) body(i);
}

// body(begin, end) on contiguous chunks of [0, n), one per thread (one call when small).
template <class F>
void parallel_range(int64_t n, int nt, F body) {
  if (nt <= 1) {
    body(int64_t(0), n);
    return;
  }
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    body(n * t / T, n * (t + 1) / T);
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

// A functor with a vectorised float32 path that holds for most inputs: f.fast(x), and
// f.needs_slow(x) for the rare x that need f(x) (the C library) instead.
template <class F, class = void>
struct has_fast_path : std::false_type {};
template <class F>
struct has_fast_path<F, std::void_t<decltype(std::declval<const F&>().fast(0.0f))>> : std::true_type {};

// out = f(x) and out = f(a, b) over a geometry, with contiguous and scalar fast paths.
template <class O, class I, class F>
void unary_typed(const LoopGeom& g, void* out, const void* in, F f) {
  for_each_run<2>(g, {(char*)out, (char*)in}, {sizeof(O), sizeof(I)},
                  [&](const std::array<char*, 2>& p, int64_t n, const std::array<int64_t, 2>& s) {
                    O* o = (O*)p[0];
                    const I* x = (const I*)p[1];
                    if constexpr (std::is_same_v<I, float> && has_fast_path<F>::value) {
                      // Blocks that stay in L1: a vectorised check, then the vectorised path, or
                      // (rarely) the per-element choice. Reads each x before writing o (in place).
                      constexpr int64_t kBlock = 512;
                      for (int64_t b = 0; b < n; b += kBlock) {
                        const int64_t e = b + kBlock < n ? b + kBlock : n;
                        int slow = 0;
                        if (s[1] == 1) {  // unit stride spelled out: a strided read would be a gather
#pragma omp simd reduction(| : slow)
                          for (int64_t i = b; i < e; ++i) slow |= int(f.needs_slow(x[i]));
                        } else {
                          for (int64_t i = b; i < e; ++i) slow |= int(f.needs_slow(x[i * s[1]]));
                        }
                        if (!slow && s[0] == 1 && s[1] == 1) {
#pragma omp simd
                          for (int64_t i = b; i < e; ++i) o[i] = f.fast(x[i]);
                        } else {
                          for (int64_t i = b; i < e; ++i) {
                            const I v = x[i * s[1]];
                            o[i * s[0]] = f.needs_slow(v) ? f(v) : f.fast(v);
                          }
                        }
                      }
                      return;
                    }
                    if (s[0] == 1 && s[1] == 1) {
#pragma omp simd
                      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
                    } else {
                      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]]);
                    }
                  });
}

template <class O, class T, class F>
void binary_typed(const LoopGeom& g, void* out, const void* a, const void* b, F f) {
  for_each_run<3>(g, {(char*)out, (char*)a, (char*)b}, {sizeof(O), sizeof(T), sizeof(T)},
                  [&](const std::array<char*, 3>& p, int64_t n, const std::array<int64_t, 3>& s) {
                    O* o = (O*)p[0];
                    const T* x = (const T*)p[1];
                    const T* y = (const T*)p[2];
                    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
#pragma omp simd
                      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
                    } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {
                      const T yv = *y;
#pragma omp simd
                      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
                    } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {
                      const T xv = *x;
#pragma omp simd
                      for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
                    } else {
                      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
                    }
                  });
}

// Whether any element of operand k (of type T) of the geometry satisfies pred: the pre-scan
// of a kernel that returns a KernelStatus before writing anything.
template <class T, class Pred>
bool any_of_operand(const LoopGeom& g, int k, const void* data, Pred pred) {
  LoopGeom one = g;
  one.nops = 1;
  for (int d = 0; d < g.ndim; ++d) one.stride[0][d] = g.stride[k][d];
  std::atomic<bool> found{false};
  for_each_run<1>(one, {(char*)data}, {sizeof(T)},
                  [&](const std::array<char*, 1>& p, int64_t n, const std::array<int64_t, 1>& st) {
                    const T* x = (const T*)p[0];
                    bool f = false;
                    for (int64_t i = 0; i < n; ++i) f |= pred(x[i * st[0]]);
                    if (f) found.store(true, std::memory_order_relaxed);
                  });
  return found.load();
}

}  // namespace TG_KERNEL_NAMESPACE
