// CPU elementwise kernels: unary (forward and backward), binary, cast/copy, where, fill, arange.
// Shapes: any broadcast geometry (LoopGeom, operand 0 = out); inner runs are 1-D loops
// with fast paths for contiguous and scalar (stride 0) operands.
#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/common/activation_math.h"
#include "kernels/common/elementwise_math.h"
#include "kernels/common/gamma_math.h"
#include "kernels/common/unary_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

// Whether a pointwise list entry's kernel exists for T (its DTypeRule; the op layer casts
// or rejects other dtypes first).
template <class T>
constexpr bool takes(DTypeRule rule) {
  if (rule == DTypeRule::Numeric) return std::is_floating_point_v<T> || std::is_same_v<T, int64_t>;
  return std::is_floating_point_v<T>;
}

template <class T>
void unary_dispatch(UnaryOp op, const LoopGeom& g, void* out, const void* in, double a, double b) {
  switch (op) {
    case UnaryOp::Neg:
      return unary_typed<T, T>(g, out, in, math::Neg{});
    case UnaryOp::Sign:
      return unary_typed<T, T>(g, out, in, math::Sign{});
    case UnaryOp::Square:
      return unary_typed<T, T>(g, out, in, math::Square{});
    case UnaryOp::PowScalar:
      return unary_typed<T, T>(g, out, in, math::PowScalar{a});
    case UnaryOp::Clamp:
      return unary_typed<T, T>(g, out, in, math::Clamp{a, b});
    case UnaryOp::LogicalNot:
      return unary_typed<bool, T>(g, out, in, math::LogicalNot{});
    case UnaryOp::IsNan:
      return unary_typed<bool, T>(g, out, in, math::IsNan{});
    case UnaryOp::IsFinite:
      return unary_typed<bool, T>(g, out, in, math::IsFinite{});
    case UnaryOp::IsInf:
      return unary_typed<bool, T>(g, out, in, math::IsInf{});
    case UnaryOp::IsPosInf:
      return unary_typed<bool, T>(g, out, in, math::IsPosInf{});
    case UnaryOp::IsNegInf:
      return unary_typed<bool, T>(g, out, in, math::IsNegInf{});
    case UnaryOp::SignBit:
      return unary_typed<bool, T>(g, out, in, math::SignBit{});
    case UnaryOp::BitNot:
      if constexpr (std::is_integral_v<T>) return unary_typed<T, T>(g, out, in, math::BitNot{});
      break;
#define TG_FORWARD_CASE(Name, fn, py, rule, saves, node, np, ...)          \
  case UnaryOp::Name:                                                      \
    if constexpr (takes<T>(DTypeRule::rule))                               \
      return unary_typed<T, T>(g, out, in, math::Name TG_PW_FUNCTOR_##np); \
    break;
      TG_POINTWISE_OPS(TG_FORWARD_CASE)
#undef TG_FORWARD_CASE
  }
  throw TypeError(msg("unary kernel: op ", int(op), " not defined for ", dtype_name(dtype_of<T>::value)));
}

void unary(UnaryOp op, DType dtype, const LoopGeom& g, void* out, const void* in, double a, double b) {
  switch (dtype) {
    case DType::Bool:
      if (op == UnaryOp::LogicalNot) return unary_typed<bool, bool>(g, out, in, math::LogicalNot{});
      if (op == UnaryOp::IsNan) return unary_typed<bool, bool>(g, out, in, math::IsNan{});
      if (op == UnaryOp::IsFinite) return unary_typed<bool, bool>(g, out, in, math::IsFinite{});
      if (op == UnaryOp::IsInf || op == UnaryOp::IsPosInf || op == UnaryOp::IsNegInf ||
          op == UnaryOp::SignBit)
        return unary_typed<bool, bool>(g, out, in, [](bool) { return false; });
      if (op == UnaryOp::BitNot) return unary_typed<bool, bool>(g, out, in, math::BitNot{});
      // clamp and sign leave a bool unchanged
      if (op == UnaryOp::Clamp || op == UnaryOp::Sign)
        return unary_typed<bool, bool>(g, out, in, [](bool x) { return x; });
      throw TypeError(msg("unary kernel: op ", int(op), " not defined for bool"));
    case DType::Int64:
      return unary_dispatch<int64_t>(op, g, out, in, a, b);
    case DType::Float32:
      return unary_dispatch<float>(op, g, out, in, a, b);
    case DType::Float64:
      return unary_dispatch<double>(op, g, out, in, a, b);
    default:
      throw TypeError(msg("unary kernel: unsupported dtype ", dtype_name(dtype)));
  }
}

#define TG_BACKWARD_CASE(Name, fn, py, rule, saves, node, np, ...) \
  case UnaryOp::Name:                                              \
    return binary_typed<T, T>(g, dx, grad, saved, math::Name##Grad TG_PW_FUNCTOR_##np);

// dx, grad, saved: any geometry (LoopGeom over dx, grad, saved); floating dtypes only.
void unary_backward(UnaryOp op, DType dtype, const LoopGeom& g, void* dx, const void* grad, const void* saved,
                    double a, double b) {
  TG_DISPATCH_FLOAT(dtype, "unary_backward", [&] {
    using T = scalar_t;
    switch (op) {
      TG_POINTWISE_OPS(TG_BACKWARD_CASE)
      default:
        throw ValueError(msg("unary_backward kernel: op ", int(op), " has no backward functor"));
    }
  });
}
#undef TG_BACKWARD_CASE

template <class T>
void binary_dispatch(BinaryOp op, const LoopGeom& g, void* out, const void* a, const void* b,
                     const Scalar& alpha) {
  switch (op) {
    case BinaryOp::Add:
      if (alpha.is_one()) return binary_typed<T, T>(g, out, a, b, math::Add{});
      return binary_typed<T, T>(g, out, a, b, math::AddScaled<T>{alpha.to<T>()});
    case BinaryOp::Mul:
      return binary_typed<T, T>(g, out, a, b, math::Mul{});
    case BinaryOp::Maximum:
      return binary_typed<T, T>(g, out, a, b, math::Maximum{});
    case BinaryOp::Minimum:
      return binary_typed<T, T>(g, out, a, b, math::Minimum{});
    case BinaryOp::Eq:
      return binary_typed<bool, T>(g, out, a, b, math::Eq{});
    case BinaryOp::Ne:
      return binary_typed<bool, T>(g, out, a, b, math::Ne{});
    case BinaryOp::Lt:
      return binary_typed<bool, T>(g, out, a, b, math::Lt{});
    case BinaryOp::Le:
      return binary_typed<bool, T>(g, out, a, b, math::Le{});
    case BinaryOp::Gt:
      return binary_typed<bool, T>(g, out, a, b, math::Gt{});
    case BinaryOp::Ge:
      return binary_typed<bool, T>(g, out, a, b, math::Ge{});
    case BinaryOp::LogicalAnd:
      return binary_typed<bool, T>(g, out, a, b, math::LogicalAnd{});
    case BinaryOp::LogicalOr:
      return binary_typed<bool, T>(g, out, a, b, math::LogicalOr{});
    default:
      break;
  }
  if constexpr (std::is_integral_v<T>) {
    switch (op) {
      case BinaryOp::BitAnd:
        return binary_typed<T, T>(g, out, a, b, math::BitAnd{});
      case BinaryOp::BitOr:
        return binary_typed<T, T>(g, out, a, b, math::BitOr{});
      case BinaryOp::BitXor:
        return binary_typed<T, T>(g, out, a, b, math::BitXor{});
      default:
        break;
    }
  }
  if constexpr (!std::is_same_v<T, bool>) {
    switch (op) {
      case BinaryOp::FloorDiv:
        return binary_typed<T, T>(g, out, a, b, math::FloorDiv{});
      case BinaryOp::TruncDiv:
        return binary_typed<T, T>(g, out, a, b, math::TruncDiv{});
      case BinaryOp::Remainder:
        return binary_typed<T, T>(g, out, a, b, math::Remainder{});
      case BinaryOp::Fmod:
        return binary_typed<T, T>(g, out, a, b, math::Fmod{});
      case BinaryOp::Sub:
        if (alpha.is_one()) return binary_typed<T, T>(g, out, a, b, math::Sub{});
        return binary_typed<T, T>(g, out, a, b, math::AddScaled<T>{(-alpha).to<T>()});
      case BinaryOp::Pow:
        return binary_typed<T, T>(g, out, a, b, math::Pow{});
      default:
        break;
    }
  }
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case BinaryOp::Div:
        return binary_typed<T, T>(g, out, a, b, math::Div{});
      case BinaryOp::Atan2:
        return binary_typed<T, T>(g, out, a, b, math::Atan2{});
      case BinaryOp::Hypot:
        return binary_typed<T, T>(g, out, a, b, math::Hypot{});
      case BinaryOp::LogAddExp:
        return binary_typed<T, T>(g, out, a, b, math::LogAddExp{});
      case BinaryOp::LogAddExp2:
        return binary_typed<T, T>(g, out, a, b, math::LogAddExp2{});
      case BinaryOp::Xlogy:
        return binary_typed<T, T>(g, out, a, b, math::Xlogy{});
      case BinaryOp::Gammainc:
        return binary_typed<T, T>(g, out, a, b, math::Gammainc{});
      case BinaryOp::Gammaincc:
        return binary_typed<T, T>(g, out, a, b, math::Gammaincc{});
      default:
        break;
    }
  }
  throw TypeError(msg("binary kernel: op ", int(op), " not defined for ", dtype_name(dtype_of<T>::value)));
}

KernelStatus binary(BinaryOp op, DType dtype, const LoopGeom& g, void* out, const void* a, const void* b,
                    const Scalar& alpha) {
  switch (dtype) {
    case DType::Bool:
      binary_dispatch<bool>(op, g, out, a, b, alpha);
      break;
    case DType::Int64:
      if ((op == BinaryOp::FloorDiv || op == BinaryOp::TruncDiv || op == BinaryOp::Remainder ||
           op == BinaryOp::Fmod) &&
          any_of_operand<int64_t>(g, 2, b, [](int64_t v) { return v == 0; }))
        return KernelStatus::IntegerDivisionByZero;
      binary_dispatch<int64_t>(op, g, out, a, b, alpha);
      break;
    case DType::Float32:
      binary_dispatch<float>(op, g, out, a, b, alpha);
      break;
    case DType::Float64:
      binary_dispatch<double>(op, g, out, a, b, alpha);
      break;
    default:
      throw TypeError(msg("binary kernel: unsupported dtype ", dtype_name(dtype)));
  }
  return KernelStatus::Ok;
}

// One element converted as torch converts it: floats to the small integers through int64 (so
// out-of-range values wrap rather than being undefined), to float16/bfloat16 rounded to nearest.
template <class O, class I>
inline O convert(I v) {
  constexpr bool small_int = std::is_integral_v<O> && !std::is_same_v<O, bool> && sizeof(O) < 8;
  constexpr bool from_float = !std::is_integral_v<I>;
  if constexpr (small_int && from_float) {
    // NaN, inf and values past int64 have no integer: INT64_MIN (x86's answer), then wrapped
    const double d = static_cast<double>(v);
    const int64_t i = d > -9.2233720368547758e18 && d < 9.2233720368547758e18
                          ? static_cast<int64_t>(d)
                          : std::numeric_limits<int64_t>::min();
    return static_cast<O>(i);
  } else if constexpr (std::is_same_v<I, Half> || std::is_same_v<I, BFloat16>)
    return static_cast<O>(static_cast<float>(v));
  else
    return static_cast<O>(v);
}

template <class O, class I>
void copy_typed(const LoopGeom& g, void* out, const void* in) {
  for_each_run<2>(g, {(char*)out, (char*)in}, {sizeof(O), sizeof(I)},
                  [&](const std::array<char*, 2>& p, int64_t n, const std::array<int64_t, 2>& s) {
                    O* o = (O*)p[0];
                    const I* x = (const I*)p[1];
                    if constexpr (std::is_same_v<O, I>) {
                      if (s[0] == 1 && s[1] == 1) {
                        std::memcpy(o, x, n * sizeof(O));
                        return;
                      }
                    }
                    if (s[0] == 1 && s[1] == 1) {
#pragma omp simd
                      for (int64_t i = 0; i < n; ++i) o[i] = convert<O>(x[i]);
                    } else if (s[0] == 1 && s[1] == 0) {
                      const O v = convert<O>(*x);
                      for (int64_t i = 0; i < n; ++i) o[i] = v;
                    } else {
                      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = convert<O>(x[i * s[1]]);
                    }
                  });
}

void copy(DType out_dtype, DType in_dtype, const LoopGeom& g, void* out, const void* in) {
  if (out_dtype == in_dtype) {  // a move: by element size
    TG_DISPATCH_BITS(out_dtype, "copy", [&] { copy_typed<scalar_t, scalar_t>(g, out, in); });
    return;
  }
  TG_DISPATCH_STORAGE(out_dtype, "copy", [&] {
    using O = scalar_t;
    TG_DISPATCH_STORAGE(in_dtype, "copy", [&] { copy_typed<O, scalar_t>(g, out, in); });
  });
}

// Moves only: elements by size.
void where(DType dtype, const LoopGeom& g, void* out, const void* cond, const void* a, const void* b) {
  TG_DISPATCH_BITS(dtype, "where", [&] {
    using T = scalar_t;
    for_each_run<4>(g, {(char*)out, (char*)cond, (char*)a, (char*)b}, {sizeof(T), 1, sizeof(T), sizeof(T)},
                    [&](const std::array<char*, 4>& p, int64_t n, const std::array<int64_t, 4>& s) {
                      T* o = (T*)p[0];
                      const bool* c = (const bool*)p[1];
                      const T* x = (const T*)p[2];
                      const T* y = (const T*)p[3];
                      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = c[i * s[1]] ? x[i * s[2]] : y[i * s[3]];
                    });
  });
}

void fill(DType dtype, void* out, int64_t n, double value) {
  TG_DISPATCH_STORAGE(dtype, "fill", [&] {
    scalar_t* o = (scalar_t*)out;
    const scalar_t v = convert<scalar_t>(value);
    parallel_range(n, threads_for(n, 4 * kParallelGrain), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) o[i] = v;
    });
  });
}

void arange(DType dtype, void* out, int64_t n, const Scalar& start, const Scalar& step) {
  if (dtype == DType::Int64 && !start.is_floating() && !step.is_floating()) {
    int64_t* o = (int64_t*)out;
    const int64_t s = start.to<int64_t>(), d = step.to<int64_t>();
    for (int64_t i = 0; i < n; ++i) o[i] = math::add_wrap(s, math::mul_wrap(i, d));
    return;
  }
  const double s = start.to_double(), d = step.to_double();
  TG_DISPATCH_NUMERIC(dtype, "arange", [&] {
    scalar_t* o = (scalar_t*)out;
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<scalar_t>(s + double(i) * d);
  });
}

void linspace(DType dtype, void* out, int64_t n, double start, double end) {
  const double step = n > 1 ? (end - start) / double(n - 1) : 0.0;
  const int64_t half = std::max<int64_t>(n / 2, 1);
  TG_DISPATCH_NUMERIC(dtype, "linspace", [&] {
    scalar_t* o = (scalar_t*)out;
    for (int64_t i = 0; i < std::min(half, n); ++i) o[i] = static_cast<scalar_t>(start + double(i) * step);
    for (int64_t i = half; i < n; ++i) o[i] = static_cast<scalar_t>(end - step * double(n - 1 - i));
  });
}

}  // namespace

void fill(ElementwiseKernels& k) {
  k.unary = unary;
  k.unary_backward = unary_backward;
  k.binary = binary;
  k.copy = copy;
  k.where = where;
  k.fill = fill;
  k.arange = arange;
  k.linspace = linspace;
}

}  // namespace TG_KERNEL_NAMESPACE
