// CPU indexing kernels along one dim. x viewed as [outer, D, inner] (contiguous); indices
// are already range-checked by the op (with check_indices / wrap_coords below). Forward and backward sit side
// by side: gather <-> scatter_reduce, index_select <-> index_add. index_put writes through strides.
#include <cstring>
#include <type_traits>

#include "kernels/common/elementwise_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {

// out[o, j, i] = x[o, idx[o, j, i], i];  idx, out: [outer, J, inner]
void gather(DType dtype, void* out, const void* x, const int64_t* idx, int64_t outer, int64_t D, int64_t J,
            int64_t inner) {
  TG_DISPATCH_BITS(dtype, "gather", [&] {  // a move: elements by size
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

// out[o, idx[o, j, i], i] = op(out[...], src[o, j, i]) over contiguous out [outer, D, inner]
// (scatter, scatter_add, scatter_reduce; the gradient of gather). counts [outer, D, inner],
// zeroed, gets how many src elements reached each slot: without include_self the first one
// replaces the slot's value; Mean divides by count + include_self at the end (ints floored).
// Parallel over outer only: two j may hit the same slot.
void scatter_reduce(ScatterReduce op, DType dtype, void* out, int64_t* counts, const void* src,
                    const int64_t* idx, int64_t outer, int64_t D, int64_t J, int64_t inner,
                    bool include_self) {
  TG_DISPATCH_ALL(dtype, "scatter_reduce", [&] {  // bool: sum is or, prod and
    using T = scalar_t;
    T* o_ = (T*)out;
    const T* s_ = (const T*)src;
    parallel_for(outer, outer > 1 ? threads_for(outer * J * inner) : 1, [&](int64_t o) {
      for (int64_t j = 0; j < J; ++j)
        for (int64_t i = 0; i < inner; ++i) {
          const int64_t k = (o * J + j) * inner + i, slot = (o * D + idx[k]) * inner + i;
          T& d = o_[slot];
          const T v = s_[k];
          if (counts[slot]++ == 0 && !include_self) {
            d = v;
            continue;
          }
          switch (op) {
            case ScatterReduce::Assign:
              d = v;
              break;
            case ScatterReduce::Sum:
            case ScatterReduce::Mean:
              d = math::Add{}(d, v);
              break;
            case ScatterReduce::Prod:
              d = math::Mul{}(d, v);
              break;
            case ScatterReduce::Amax:
              d = math::Maximum{}(d, v);
              break;
            case ScatterReduce::Amin:
              d = math::Minimum{}(d, v);
              break;
          }
        }
      if constexpr (!std::is_same_v<T, bool>)
        if (op == ScatterReduce::Mean)
          for (int64_t slot = o * D * inner; slot < (o + 1) * D * inner; ++slot)
            if (counts[slot] > 0) {
              const T n = T(counts[slot] + include_self);
              o_[slot] = std::is_integral_v<T> ? math::FloorDiv{}(o_[slot], n) : T(o_[slot] / n);
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
  TG_DISPATCH_ALL(dtype, "index_add", [&] {  // bool: += is or
    using T = scalar_t;
    T* o_ = (T*)out;
    const T* s_ = (const T*)src;
    parallel_for(outer, outer > 1 ? threads_for(outer * J * inner) : 1, [&](int64_t o) {
      for (int64_t j = 0; j < J; ++j) {
        T* dst = o_ + (o * D + idx[j]) * inner;
        const T* s = s_ + (o * J + j) * inner;
        for (int64_t i = 0; i < inner; ++i) dst[i] = math::Add{}(dst[i], s[i]);
      }
    });
  });
}

// dst[slice + offsets[j]] = src[slice + j * src_j]  (or += with accumulate), j < n: `g` is the
// geometry of one slice (operand 0: dst's strides, 1: src's, 0 where src broadcasts). j runs in
// order, so among duplicate offsets the last write wins and sums accumulate without races.
void index_put(DType dtype, const LoopGeom& g, void* dst, const int64_t* offsets, int64_t n, const void* src,
               int64_t src_j, bool accumulate) {
  auto run = [&](auto type_tag) {
    using T = decltype(type_tag);
    T* d = (T*)dst;
    const T* s = (const T*)src;
    if (g.numel() == 1) {  // one element per index (a full bool mask): no per-slice loop
      if (accumulate) {
        for (int64_t j = 0; j < n; ++j) d[offsets[j]] = math::Add{}(d[offsets[j]], s[j * src_j]);
      } else {
        // Threads only when the offsets are distinct (increasing, as a mask's on a contiguous
        // tensor): with duplicates the last write must win.
        bool distinct = true;
        for (int64_t j = 1; j < n && distinct; ++j) distinct = offsets[j] > offsets[j - 1];
        parallel_for(n, distinct ? threads_for(n) : 1, [&](int64_t j) { d[offsets[j]] = s[j * src_j]; });
      }
      return;
    }
    for (int64_t j = 0; j < n; ++j)
      for_each_run<2>(g, {(char*)(d + offsets[j]), (char*)(s + j * src_j)}, {sizeof(T), sizeof(T)},
                      [&](const std::array<char*, 2>& p, int64_t m, const std::array<int64_t, 2>& st) {
                        T* o = (T*)p[0];
                        const T* x = (const T*)p[1];
                        if (accumulate)
                          for (int64_t i = 0; i < m; ++i)
                            o[i * st[0]] = math::Add{}(o[i * st[0]], x[i * st[1]]);
                        else
                          for (int64_t i = 0; i < m; ++i) o[i * st[0]] = x[i * st[1]];
                      });
  };
  // A plain write moves elements (any dtype, by size); accumulating adds in the kernel dtypes.
  if (accumulate) {
    TG_DISPATCH_ALL(dtype, "index_put", [&] { run(scalar_t{}); });
  } else {
    TG_DISPATCH_BITS(dtype, "index_put", [&] { run(scalar_t{}); });
  }
}

// ---- checks and coordinates (the data-dependent host work of the indexing ops) ----------------

// idx [n]
BadIndex check_indices(const int64_t* idx, int64_t n, int64_t size) {
  for (int64_t i = 0; i < n; ++i)
    if (idx[i] < 0 || idx[i] >= size) return {i, idx[i]};
  return {};
}

// coords [n, k], in place
BadIndex wrap_coords(int64_t* coords, int64_t n, const CoordDims& dims) {
  const int64_t k = dims.k;
  for (int64_t j = 0; j < n * k; ++j) {
    const int64_t size = dims.size[j % k], v = coords[j];
    if (v < -size || v >= size) return {j, v};
  }
  for (int64_t j = 0; j < n * k; ++j)
    if (coords[j] < 0) coords[j] += dims.size[j % k];
  return {};
}

// off [n], coords [n, k]
void coord_offsets(int64_t* off, const int64_t* coords, int64_t n, const CoordDims& dims) {
  for (int64_t j = 0; j < n; ++j) {
    int64_t o = 0;
    for (int q = 0; q < dims.k; ++q) o += coords[j * dims.k + q] * dims.stride[q];
    off[j] = o;
  }
}

template <class T>
bool nonzero_value(T v) {
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>)
    return static_cast<float>(v) != 0.0f;
  else
    return v != T(0);
}

// x [n]
int64_t count_nonzero(DType dtype, const void* x, int64_t n) {
  int64_t c = 0;
  TG_DISPATCH_STORAGE(dtype, "count_nonzero", [&] {
    const scalar_t* p = (const scalar_t*)x;
    for (int64_t i = 0; i < n; ++i) c += nonzero_value(p[i]);
  });
  return c;
}

// x [n] (row-major over `shape`) -> out [count, ndim]
void nonzero(DType dtype, const void* x, int64_t n, const int64_t* shape, int ndim, int64_t* out) {
  TG_DISPATCH_STORAGE(dtype, "nonzero", [&] {
    const scalar_t* p = (const scalar_t*)x;
    int64_t* o = out;
    for (int64_t i = 0; i < n; ++i) {
      if (!nonzero_value(p[i])) continue;
      int64_t rem = i;
      for (int d = ndim - 1; d >= 0; --d) {
        o[d] = rem % shape[d];
        rem /= shape[d];
      }
      o += ndim;
    }
  });
}

void fill(IndexKernels& k) {
  k.gather = gather;
  k.scatter_reduce = scatter_reduce;
  k.index_select = index_select;
  k.index_add = index_add;
  k.index_put = index_put;
  k.check_indices = check_indices;
  k.wrap_coords = wrap_coords;
  k.coord_offsets = coord_offsets;
  k.count_nonzero = count_nonzero;
  k.nonzero = nonzero;
}

}  // namespace TG_KERNEL_NAMESPACE
