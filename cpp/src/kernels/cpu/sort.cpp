// CPU sort and topk along a dim of contiguous x [outer, D, inner]. Every order here is total
// and deterministic: NaN ranks above +inf, -0.0 ties with 0.0, and ties keep their positions'
// order (sort is stable; topk of equal values takes the earlier ones first).
//   sort_rows_reference: std::sort of (value, position) pairs, every dtype.
//   radix_sort_f32:      long float32 rows: an LSD radix sort of (ordered key, position)
//                        packed in a uint64, three 11-bit passes, stable by construction.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

// a ranks below b in ascending order (NaN greatest; NaNs tie).
template <class T>
inline bool less_nan_last(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

template <class T>
struct Entry {
  T v;
  int64_t i;
};

// Ascending: smaller value first; descending: larger first; ties by position either way.
template <class T>
struct Before {
  bool descending;
  bool operator()(const Entry<T>& a, const Entry<T>& b) const {
    if (descending ? less_nan_last(b.v, a.v) : less_nan_last(a.v, b.v)) return true;
    if (descending ? less_nan_last(a.v, b.v) : less_nan_last(b.v, a.v)) return false;
    return a.i < b.i;
  }
};

template <class T>
void sort_rows_reference(Entry<T>* e, int64_t D, bool descending) {
  std::sort(e, e + D, Before<T>{descending});
}

// A float32's bits mapped so unsigned order is value order: NaN (any sign) above +inf, -0.0
// equal to 0.0; complemented for descending.
inline uint32_t ordered_key(float v, bool descending) {
  uint32_t b;
  if (std::isnan(v))
    b = 0x7FC00000u;
  else if (v == 0.0f)
    b = 0u;
  else
    std::memcpy(&b, &v, 4);
  b = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
  return descending ? ~b : b;
}

// Rows too short for the three counting passes to pay for themselves go to std::sort.
constexpr int64_t kRadixMinRow = 2048;

// keys[j] = key << 32 | position, sorted by the key (bits 32..63) stably; tmp: scratch of D.
void radix_sort_f32(uint64_t* keys, uint64_t* tmp, int64_t D) {
  constexpr int kBits = 11, kBuckets = 1 << kBits;
  std::vector<int64_t> count(kBuckets);
  uint64_t *src = keys, *dst = tmp;
  for (int pass = 0; pass < 3; ++pass) {
    const int shift = 32 + pass * kBits;
    std::fill(count.begin(), count.end(), 0);
    for (int64_t j = 0; j < D; ++j) ++count[(src[j] >> shift) & (kBuckets - 1)];
    if (count[(src[0] >> shift) & (kBuckets - 1)] == D) continue;  // every key shares this digit
    int64_t sum = 0;
    for (int b = 0; b < kBuckets; ++b) {
      const int64_t c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (int64_t j = 0; j < D; ++j) dst[count[(src[j] >> shift) & (kBuckets - 1)]++] = src[j];
    std::swap(src, dst);
  }
  if (src != keys) std::memcpy(keys, src, sizeof(uint64_t) * D);
}

// body(o, i) for each row x[o, :, i], in parallel.
template <class F>
void for_each_row(int64_t outer, int64_t D, int64_t inner, F body) {
  parallel_for(outer * inner, threads_for(outer * D * inner, 4096),
               [&](int64_t r) { body(r / inner, r % inner); });
}

}  // namespace

void sort(DType dtype, void* values, int64_t* indices, const void* x, int64_t outer, int64_t D, int64_t inner,
          bool descending) {
  TG_DISPATCH_ALL(dtype, "sort", [&] {
    using T = scalar_t;
    const T* xp = (const T*)x;
    T* vp = (T*)values;
    for_each_row(outer, D, inner, [&](int64_t o, int64_t i) {
      auto at = [&](int64_t j) { return (o * D + j) * inner + i; };
      if constexpr (std::is_same_v<T, float>) {
        if (D >= kRadixMinRow && D < (int64_t(1) << 32)) {
          std::vector<uint64_t> keys(D), tmp(D);
          for (int64_t j = 0; j < D; ++j)
            keys[j] = uint64_t(ordered_key(xp[at(j)], descending)) << 32 | uint64_t(j);
          radix_sort_f32(keys.data(), tmp.data(), D);
          for (int64_t j = 0; j < D; ++j) {
            const int64_t src = int64_t(keys[j] & 0xFFFFFFFFu);
            vp[at(j)] = xp[at(src)];
            indices[at(j)] = src;
          }
          return;
        }
      }
      std::vector<Entry<T>> e(D);
      for (int64_t j = 0; j < D; ++j) e[j] = {xp[at(j)], j};
      sort_rows_reference(e.data(), D, descending);
      for (int64_t j = 0; j < D; ++j) {
        vp[at(j)] = e[j].v;
        indices[at(j)] = e[j].i;
      }
    });
  });
}

// x [outer, D, inner] -> values, indices [outer, inner]; D >= 1. The row sorted stably
// ascending: runs of equal values, the longest (first of the longest: the smallest value)
// wins, and its last entry is the value's last position.
void mode(DType dtype, void* values, int64_t* indices, const void* x, int64_t outer, int64_t D,
          int64_t inner) {
  TG_DISPATCH_ALL(dtype, "mode", [&] {
    using T = scalar_t;
    const T* xp = (const T*)x;
    T* vp = (T*)values;
    for_each_row(outer, D, inner, [&](int64_t o, int64_t i) {
      std::vector<Entry<T>> e(D);
      for (int64_t j = 0; j < D; ++j) e[j] = {xp[(o * D + j) * inner + i], j};
      sort_rows_reference(e.data(), D, false);
      int64_t best = 0, best_len = 0;
      for (int64_t s = 0; s < D;) {
        int64_t t = s + 1;
        while (t < D && e[t].v == e[s].v) ++t;  // NaN never equals: a run of one
        if (t - s > best_len) best = t - 1, best_len = t - s;
        s = t;
      }
      vp[o * inner + i] = e[best].v;
      indices[o * inner + i] = e[best].i;
    });
  });
}

// A heap of the k best seen so far, its worst on top: most elements of a long row fail the
// one comparison with the top and cost nothing more. k close to D: a partial sort instead.
void topk(DType dtype, void* values, int64_t* indices, const void* x, int64_t outer, int64_t D, int64_t inner,
          int64_t k, bool largest) {
  TG_DISPATCH_ALL(dtype, "topk", [&] {
    using T = scalar_t;
    const T* xp = (const T*)x;
    T* vp = (T*)values;
    const Before<T> before{largest};  // "before" = better
    for_each_row(outer, D, inner, [&](int64_t o, int64_t i) {
      auto at = [&](int64_t j) { return (o * D + j) * inner + i; };
      std::vector<Entry<T>> best;
      if (k == 0) return;
      if (k * 4 >= D) {
        best.resize(D);
        for (int64_t j = 0; j < D; ++j) best[j] = {xp[at(j)], j};
        std::partial_sort(best.begin(), best.begin() + k, best.end(), before);
      } else {
        best.reserve(k);
        for (int64_t j = 0; j < k; ++j) best.push_back({xp[at(j)], j});
        std::make_heap(best.begin(), best.end(), before);  // worst on top
        // Strictly better than the worst kept (a later equal value never is); branch-free, NaN
        // the largest, so a block of a contiguous row is tested in one vectorised pass.
        auto beats = [largest](T v, T worst) {
          if constexpr (std::is_floating_point_v<T>)
            return largest ? (worst == worst) & ((v != v) | (worst < v))
                           : (v == v) & ((worst != worst) | (v < worst));
          else
            return largest ? worst < v : v < worst;
        };
        auto offer = [&](int64_t j, T v) {
          if (!beats(v, best.front().v)) return;
          std::pop_heap(best.begin(), best.end(), before);
          best.back() = {v, j};
          std::push_heap(best.begin(), best.end(), before);
        };
        int64_t j = k;
        if (inner == 1) {  // blocks in which nothing beats the worst kept are skipped whole
          constexpr int64_t kBlock = 32;
          const T* row = xp + o * D;
          for (; j + kBlock <= D; j += kBlock) {
            const T worst = best.front().v;
            int hit = 0;
            _Pragma("omp simd reduction(| : hit)")  // _Pragma: inside the dispatch macro's argument
                for (int64_t c = 0; c < kBlock; ++c) hit |= int(beats(row[j + c], worst));
            if (hit)
              for (int64_t c = 0; c < kBlock; ++c) offer(j + c, row[j + c]);
          }
        }
        for (; j < D; ++j) offer(j, xp[at(j)]);
        std::sort_heap(best.begin(), best.end(), before);
      }
      for (int64_t j = 0; j < k; ++j) {
        const int64_t a = (o * k + j) * inner + i;
        vp[a] = best[j].v;
        indices[a] = best[j].i;
      }
    });
  });
}

// out[r, j] = the insertion point of values[r, j] in the sorted row seq[r * seq_rows_step, :S]
// (left: the first position whose value is not below v; right: the first above it), NaN last.
void searchsorted(DType dtype, int64_t* out, const void* seq, int64_t seq_row_stride, int64_t S,
                  const void* values, int64_t rows, int64_t V, bool right) {
  TG_DISPATCH_ALL(dtype, "searchsorted", [&] {
    using T = scalar_t;
    const T* s_ = (const T*)seq;
    const T* v_ = (const T*)values;
    parallel_for(rows * V, threads_for(rows * V * 8), [&](int64_t k) {
      const T* row = s_ + (k / V) * seq_row_stride;
      const T v = v_[k];
      const T* p = right ? std::upper_bound(row, row + S, v, less_nan_last<T>)
                         : std::lower_bound(row, row + S, v, less_nan_last<T>);
      out[k] = p - row;
    });
  });
}

void fill(SortKernels& k) {
  k.searchsorted = searchsorted;
  k.mode = mode;
  k.sort = sort;
  k.topk = topk;
}

}  // namespace TG_KERNEL_NAMESPACE
