// CPU reductions. Shapes: x [outer, R, inner] (contiguous) -> out [outer, inner], reduced
// over R; `index` [outer, inner] gets the position of Max/Min/ArgMax/ArgMin.
// Float sums accumulate in double across blocks (float within a block, for SIMD), so a sum
// of millions of float32 keeps its precision.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernels/common/elementwise_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

template <class T>
using acc_t = std::conditional_t<std::is_floating_point_v<T>, double, T>;

// Each reduction: init, step(acc, x, r), combine(acc, acc) for split rows, finish(acc, R).
template <class T>
struct SumR {
  using A = acc_t<T>;
  A init() const { return A(0); }
  void step(A& a, T x, int64_t) const { a = math::add_wrap(a, A(x)); }
  void combine(A& a, const A& b) const { a = math::add_wrap(a, b); }
  T finish(const A& a, int64_t) const { return T(a); }
};
// any/all over bool (the ops compare to zero first); an empty row gives false / true.
template <bool kAll>
struct LogicalR {
  using A = unsigned char;  // not bool: a std::vector<A> of parts stays a plain array
  A init() const { return kAll; }
  void step(A& a, bool x, int64_t) const { a = kAll ? (a && x) : (a || x); }
  void combine(A& a, const A& b) const { step(a, b, 0); }
  bool finish(const A& a, int64_t) const { return a != 0; }
};
template <class T>
struct MeanR : SumR<T> {
  T finish(const acc_t<T>& a, int64_t R) const { return T(a / acc_t<T>(R)); }
};
template <class T>
struct ProdR {
  using A = acc_t<T>;
  A init() const { return A(1); }
  void step(A& a, T x, int64_t) const { a = math::mul_wrap(a, A(x)); }
  void combine(A& a, const A& b) const { a = math::mul_wrap(a, b); }
  T finish(const A& a, int64_t) const { return T(a); }
};
template <class T>
struct NormOneR : SumR<T> {
  void step(acc_t<T>& a, T x, int64_t) const { a += x < T(0) ? -x : x; }
};
template <class T>
struct NormTwoR : SumR<T> {
  void step(acc_t<T>& a, T x, int64_t) const { a += acc_t<T>(x) * x; }
  T finish(const acc_t<T>& a, int64_t) const { return T(std::sqrt(double(a))); }
};
template <class T>
struct NormPR : SumR<T> {
  double p;
  void step(acc_t<T>& a, T x, int64_t) const { a += std::pow(std::abs(double(x)), p); }
  T finish(const acc_t<T>& a, int64_t) const { return T(std::pow(double(a), 1.0 / p)); }
};
// Value and first index of the extreme; NaN wins, as in torch.
template <class T, bool IsMax>
struct ExtremeR {
  struct A {
    T v;
    int64_t i;
  };
  A init() const { return {IsMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max(), -1}; }
  static bool better(T x, T best) {
    if constexpr (std::is_floating_point_v<T>) {
      if (best != best) return false;
      if (x != x) return true;
    }
    return IsMax ? x > best : x < best;
  }
  void step(A& a, T x, int64_t r) const {
    if (a.i < 0 || better(x, a.v)) a = {x, r};
  }
  void combine(A& a, const A& b) const {
    if (b.i < 0) return;
    if (a.i < 0 || better(b.v, a.v) || (b.v == a.v && b.i < a.i)) a = b;
  }
  T finish(const A& a, int64_t) const { return a.v; }
};
template <class T>
struct NormInfR {
  using A = T;
  A init() const { return T(0); }
  void step(A& a, T x, int64_t) const {
    T ax = x < T(0) ? T(-x) : x;
    if (ax > a || ax != ax) a = ax;
  }
  void combine(A& a, const A& b) const { step(a, b, 0); }
  T finish(const A& a, int64_t) const { return a; }
};
// Sum of squared deviations from aux (the mean), divided by max(0, R - correction); its root
// for StdDev.
// Equal deviations mean a constant slice, whose variance is exactly 0 (as torch's Welford gives):
// the mean's rounding would otherwise leave a tiny variance, and std's gradient 1 / std huge.
template <class T>
struct SqDevR {
  struct A {
    acc_t<T> sum;
    T lo, hi;  // the smallest and largest deviation (NaN skipped; the sum carries it)
  };
  double correction;
  bool root;  // StdDev
  A init() const {
    return {acc_t<T>(0), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()};
  }
  void step(A& a, T d, int64_t) const {
    a.sum += acc_t<T>(d) * d;
    if (d < a.lo) a.lo = d;
    if (d > a.hi) a.hi = d;
  }
  void combine(A& a, const A& b) const {
    a.sum += b.sum;
    a.lo = std::min(a.lo, b.lo), a.hi = std::max(a.hi, b.hi);
  }
  T finish(const A& a, int64_t R) const {
    const double n = double(R) - correction;
    const double ss = a.lo == a.hi && a.sum == a.sum ? 0.0 : double(a.sum);
    const double v = ss / (n > 0 ? n : 0.0);
    return T(root ? std::sqrt(v) : v);
  }
};

template <class A, class = void>
struct has_index : std::false_type {};
template <class A>
struct has_index<A, std::void_t<decltype(A::i)>> : std::true_type {};
template <class A>
int64_t index_of(const A& a) {
  if constexpr (has_index<A>::value)
    return a.i;
  else
    return 0;
}

// Fast row sum of contiguous floats: 4 x 64 bytes of independent SIMD accumulators (the adders
// stay busy) within 4096-blocks, blocks accumulated in double for precision. The order is the
// same at any address (Eigen's packet sum peeled to alignment, so equal data at two addresses
// could sum differently in the last bit).
template <class T>
double row_sum(const T* x, int64_t n) {
  constexpr int64_t W = 4 * 64 / sizeof(T);
  double total = 0;
  for (int64_t b = 0; b < n; b += 4096) {
    const int64_t len = b + 4096 < n ? 4096 : n - b;
    const T* p = x + b;
    T acc[W] = {};
    int64_t i = 0;
    for (; i + W <= len; i += W) {
#pragma omp simd
      for (int64_t j = 0; j < W; ++j) acc[j] += p[i + j];
    }
    T s = 0;
    for (; i < len; ++i) s += p[i];
    for (int64_t j = 0; j < W; ++j) s += acc[j];
    total += s;
  }
  return total;
}

// Sums of 4 contiguous rows at once (rows of length R <= 4096): four independent SIMD
// accumulators keep the adders busy and share one horizontal reduction pass.
template <class T>
void four_row_sums(const T* x, int64_t R, double* out4) {
  constexpr int64_t W = 64 / sizeof(T);
  T a0[W] = {}, a1[W] = {}, a2[W] = {}, a3[W] = {};
  const T *x0 = x, *x1 = x + R, *x2 = x + 2 * R, *x3 = x + 3 * R;
  int64_t i = 0;
  for (; i + W <= R; i += W) {
#pragma omp simd
    for (int64_t j = 0; j < W; ++j) {
      a0[j] += x0[i + j];
      a1[j] += x1[i + j];
      a2[j] += x2[i + j];
      a3[j] += x3[i + j];
    }
  }
  T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (; i < R; ++i) s0 += x0[i], s1 += x1[i], s2 += x2[i], s3 += x3[i];
  for (int64_t j = 0; j < W; ++j) s0 += a0[j], s1 += a1[j], s2 += a2[j], s3 += a3[j];
  out4[0] = s0, out4[1] = s1, out4[2] = s2, out4[3] = s3;
}

template <class T, class Op>
void reduce_impl(const Op& op, T* out, int64_t* index, const T* x, const T* aux, int64_t outer, int64_t R,
                 int64_t inner) {
  using A = decltype(op.init());
  const int64_t work = outer * R * inner;
  const int nt = threads_for(work);
  auto value = [&](int64_t o, int64_t r, int64_t i) {
    T v = x[(o * R + r) * inner + i];
    if constexpr (!std::is_same_v<T, bool>)
      if (aux) v -= aux[o * inner + i];
    return v;
  };
  // Few long rows: split each row into parts, reduce the parts in parallel, combine them in
  // order. By default one part per thread; under use_deterministic_algorithms the parts are
  // fixed-size chunks, so the combine tree (and every bit of the result) is the same for any
  // thread count. This is the only place a reduction's order depends on the threads.
  const bool deterministic = are_deterministic_algorithms_enabled();
  constexpr int64_t kDeterministicChunk = kParallelGrain;
  constexpr int64_t kDeterministicSplitRows = 16;  // more rows than this run one row per thread
  if (inner == 1 && R >= 2 * kParallelGrain &&
      (deterministic ? outer < kDeterministicSplitRows : outer < nt)) {
    const int64_t parts = deterministic ? (R + kDeterministicChunk - 1) / kDeterministicChunk : nt;
    auto part_begin = [&](int64_t p) {
      return deterministic ? std::min(R, p * kDeterministicChunk) : R * p / parts;
    };
    std::vector<A> part(parts, op.init());
    for (int64_t o = 0; o < outer; ++o) {
      parallel_for(parts, int(std::min<int64_t>(nt, parts)), [&](int64_t p) {
        const int64_t b = part_begin(p), e = part_begin(p + 1);
        A a = op.init();
        if constexpr (std::is_same_v<Op, SumR<T>> && std::is_floating_point_v<T>) {
          if (!aux)
            a = row_sum(x + o * R + b, e - b);
          else
            for (int64_t r = b; r < e; ++r) op.step(a, value(o, r, 0), r);
        } else {
          for (int64_t r = b; r < e; ++r) op.step(a, value(o, r, 0), r);
        }
        part[p] = a;
      });
      A a = part[0];
      for (int64_t p = 1; p < parts; ++p) op.combine(a, part[p]);
      out[o] = op.finish(a, R);
      if (index) index[o] = index_of(a);
    }
    return;
  }
  constexpr bool kFloatSum =
      (std::is_same_v<Op, SumR<T>> || std::is_same_v<Op, MeanR<T>>) && std::is_floating_point_v<T>;
  if constexpr (kFloatSum) {
    if (inner == 1 && !aux && R <= 4096 && outer >= 4) {
      const int64_t groups = outer / 4;
      parallel_for(groups, nt, [&](int64_t q) {
        double s[4];
        four_row_sums(x + q * 4 * R, R, s);
        for (int k = 0; k < 4; ++k) out[q * 4 + k] = op.finish(acc_t<T>(s[k]), R);
      });
      for (int64_t o = groups * 4; o < outer; ++o) out[o] = op.finish(acc_t<T>(row_sum(x + o * R, R)), R);
      return;
    }
  }
  if (inner == 1) {
    parallel_for(outer, nt, [&](int64_t o) {
      A a = op.init();
      if constexpr ((std::is_same_v<Op, SumR<T>> || std::is_same_v<Op, MeanR<T>>) &&
                    std::is_floating_point_v<T>) {
        if (!aux)
          a = row_sum(x + o * R, R);
        else
          for (int64_t r = 0; r < R; ++r) op.step(a, value(o, r, 0), r);
      } else {
        for (int64_t r = 0; r < R; ++r) op.step(a, value(o, r, 0), r);
      }
      out[o] = op.finish(a, R);
      if (index) index[o] = index_of(a);
    });
    return;
  }
  // inner > 1: keep a block of column accumulators, stream rows through them.
  constexpr int64_t kBlock = 256;
  const int64_t nblocks = (inner + kBlock - 1) / kBlock;
  parallel_for(outer * nblocks, nt, [&](int64_t ob) {
    const int64_t o = ob / nblocks, blk = ob % nblocks;
    {
      const int64_t i0 = blk * kBlock, i1 = i0 + kBlock < inner ? i0 + kBlock : inner;
      A acc[kBlock];
      for (int64_t i = i0; i < i1; ++i) acc[i - i0] = op.init();
      for (int64_t r = 0; r < R; ++r)
        for (int64_t i = i0; i < i1; ++i) op.step(acc[i - i0], value(o, r, i), r);
      for (int64_t i = i0; i < i1; ++i) {
        out[o * inner + i] = op.finish(acc[i - i0], R);
        if (index) index[o * inner + i] = index_of(acc[i - i0]);
      }
    }
  });
}

template <class T>
void reduce_typed(ReduceOp op, T* out, int64_t* index, const T* x, const T* aux, int64_t outer, int64_t R,
                  int64_t inner, double p) {
  switch (op) {
    case ReduceOp::Sum:
      return reduce_impl(SumR<T>{}, out, index, x, aux, outer, R, inner);
    case ReduceOp::Mean:
      return reduce_impl(MeanR<T>{}, out, index, x, aux, outer, R, inner);
    case ReduceOp::Prod:
      return reduce_impl(ProdR<T>{}, out, index, x, aux, outer, R, inner);
    case ReduceOp::Max:
    case ReduceOp::ArgMax:
      return reduce_impl(ExtremeR<T, true>{}, out, index, x, aux, outer, R, inner);
    case ReduceOp::Min:
    case ReduceOp::ArgMin:
      return reduce_impl(ExtremeR<T, false>{}, out, index, x, aux, outer, R, inner);
    case ReduceOp::NormOne:
      return reduce_impl(NormOneR<T>{}, out, index, x, aux, outer, R, inner);
    case ReduceOp::NormInf:
      return reduce_impl(NormInfR<T>{}, out, index, x, aux, outer, R, inner);
    case ReduceOp::NormP:
      if (p == 2.0) return reduce_impl(NormTwoR<T>{}, out, index, x, aux, outer, R, inner);
      return reduce_impl(NormPR<T>{{}, p}, out, index, x, aux, outer, R, inner);
    case ReduceOp::SumSqDev:
      return reduce_impl(SqDevR<T>{p, false}, out, index, x, aux, outer, R, inner);
    case ReduceOp::StdDev:
      return reduce_impl(SqDevR<T>{p, true}, out, index, x, aux, outer, R, inner);
    case ReduceOp::Any:  // bool, dispatched before the numeric types
    case ReduceOp::All:
      break;
  }
}

}  // namespace

void reduce(ReduceOp op, DType dtype, void* out, int64_t* index, const void* x, const void* aux,
            int64_t outer, int64_t R, int64_t inner, double p) {
  if (op == ReduceOp::Any || op == ReduceOp::All) {
    TG_CHECK(dtype == DType::Bool, TypeError, "reduce kernel: any/all take bool, got ", dtype_name(dtype));
    if (op == ReduceOp::All)
      return reduce_impl(LogicalR<true>{}, (bool*)out, index, (const bool*)x, (const bool*)nullptr, outer, R,
                         inner);
    return reduce_impl(LogicalR<false>{}, (bool*)out, index, (const bool*)x, (const bool*)nullptr, outer, R,
                       inner);
  }
  TG_DISPATCH_NUMERIC(dtype, "reduce", [&] {
    reduce_typed<scalar_t>(op, (scalar_t*)out, index, (const scalar_t*)x, (const scalar_t*)aux, outer, R,
                           inner, p);
  });
}

void fill(ReduceKernels& k) { k.reduce = reduce; }

}  // namespace TG_KERNEL_NAMESPACE
