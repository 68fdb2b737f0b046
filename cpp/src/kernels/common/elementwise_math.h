// Per-element math shared by the CPU loops and the CUDA grid loops (host+device inline),
// so the CPU tests exercise the very formulas a GPU runs.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/common/fast_math.h"

namespace TG_KERNEL_NAMESPACE::math {

// Integer arithmetic wraps on overflow (two's complement, as PyTorch's results do) without
// the undefined behaviour of signed overflow: int64 goes through uint64.
template <class T>
TG_HD inline T add_wrap(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>)
    return T(uint64_t(a) + uint64_t(b));
  else
    return a + b;
}
template <class T>
TG_HD inline T sub_wrap(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>)
    return T(uint64_t(a) - uint64_t(b));
  else
    return a - b;
}
template <class T>
TG_HD inline T mul_wrap(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>)
    return T(uint64_t(a) * uint64_t(b));
  else
    return a * b;
}

// ---- binary -------------------------------------------------------------------------------
struct Add {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>)
      return a || b;
    else
      return add_wrap(a, b);
  }
};
struct Sub {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    return sub_wrap(a, b);
  }
};
// a + alpha * b (add/sub with alpha != 1: a separate functor keeps the plain loop branch-free);
// alpha in the operands' type, so an int64 alpha is exact.
template <class T>
struct AddScaled {
  T alpha;
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>)
      return a || (alpha && b);
    else
      return add_wrap(a, mul_wrap(alpha, b));
  }
};
struct Mul {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>)
      return a && b;
    else
      return mul_wrap(a, b);
  }
};
struct Div {  // only reached with floating T (true division promotes ints)
  template <class T>
  TG_HD T operator()(T a, T b) const {
    return a / b;
  }
};
// Integer power; a negative exponent gives the truncated result, as torch: 1, -1 or 0.
template <class T>
TG_HD inline T int_pow(T base, T exp) {
  if (exp < 0) {
    if (base == T(1)) return T(1);
    if (base == T(-1)) return (exp & 1) ? T(-1) : T(1);
    return T(0);
  }
  T r = 1;
  while (exp > 0) {
    if (exp & 1) r = mul_wrap(r, base);
    base = mul_wrap(base, base);
    exp >>= 1;
  }
  return r;
}
struct Pow {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>)
      return int_pow(a, b);
    else
      return std::pow(a, b);
  }
};
// Floor division and remainder with torch's conventions (quotient rounded toward -inf,
// remainder with the divisor's sign); integer division by zero is rejected by the op.
struct FloorDiv {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      // INT64_MIN / -1 overflows (SIGFPE): negate in unsigned arithmetic, which wraps as torch does.
      if (b == T(-1)) return T(~uint64_t(a) + 1);
      T q = a / b;
      return (a % b != 0 && ((a < 0) != (b < 0))) ? T(q - 1) : q;
    } else {
      if (b == T(0)) return a / b;  // +-inf or nan
      // Exact even where a / b rounds across an integer (torch's div_floor).
      T mod = std::fmod(a, b);
      T div = (a - mod) / b;
      if (mod != T(0) && ((b < T(0)) != (mod < T(0)))) div -= T(1);
      if (div == T(0)) return std::copysign(T(0), a / b);
      T fl = std::floor(div);
      return div - fl > T(0.5) ? fl + T(1) : fl;
    }
  }
};
// Division rounded toward zero (div(..., rounding_mode="trunc")).
struct TruncDiv {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == T(-1)) return T(~uint64_t(a) + 1);
      return a / b;
    } else {
      return std::trunc(a / b);
    }
  }
};
struct Remainder {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == T(-1)) return T(0);  // INT64_MIN % -1 would trap
      T r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? T(r + b) : r;
    } else {
      T r = std::fmod(a, b);
      return (r != T(0) && ((b < T(0)) != (r < T(0)))) ? r + b : r;
    }
  }
};
struct BitAnd {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    return T(a & b);
  }
};
struct BitOr {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    return T(a | b);
  }
};
struct BitXor {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    return T(a ^ b);
  }
};
struct BitNot {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_same_v<T, bool>)
      return !x;
    else
      return ~x;
  }
};
// NaN-propagating, like torch.maximum / torch.minimum.
struct Maximum {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a > b ? a : b;
  }
};
struct Minimum {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? a : b;
  }
};
struct Eq {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return a == b;
  }
};
struct Ne {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return a != b;
  }
};
struct Lt {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return a < b;
  }
};
struct Le {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return a <= b;
  }
};
struct Gt {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return a > b;
  }
};
struct Ge {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return a >= b;
  }
};
struct LogicalAnd {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return (a != T(0)) && (b != T(0));
  }
};
struct LogicalOr {
  template <class T>
  TG_HD bool operator()(T a, T b) const {
    return (a != T(0)) || (b != T(0));
  }
};

// ---- unary ----------------------------------------------------------------------------------
struct Neg {
  template <class T>
  TG_HD T operator()(T x) const {
    return sub_wrap(T(0), x);
  }
};
// float32 uses the vectorisable kernels of fast_math.h; float64 the C library.
struct Exp {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>)
      return fast_expf(x);
    else
      return std::exp(x);
  }
};
struct Log {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>)
      return fast_logf(x);
    else
      return std::log(x);
  }
};
struct Sqrt {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::sqrt(x);
  }
};
struct Rsqrt {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(1) / std::sqrt(x);
  }
};
struct Abs {
  template <class T>
  TG_HD T operator()(T x) const {
    return x < T(0) ? sub_wrap(T(0), x) : x;
  }
};
struct Sign {
  template <class T>
  TG_HD T operator()(T x) const {
    return T((T(0) < x) - (x < T(0)));
  }
};
// Stable for large |x|: only ever exponentiates -|x| (float32 branch-free, to vectorise).
struct Sigmoid {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) {
      const float e = fast_expf(x < 0.0f ? x : -x);
      return (x < 0.0f ? e : 1.0f) / (1.0f + e);
    } else {
      if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
      T e = std::exp(x);
      return e / (T(1) + e);
    }
  }
};
struct Tanh {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>)
      return fast_tanhf(x);
    else
      return std::tanh(x);
  }
};
struct Relu {  // NaN stays NaN, as in torch
  template <class T>
  TG_HD T operator()(T x) const {
    return x < T(0) ? T(0) : x;
  }
};
struct Square {
  template <class T>
  TG_HD T operator()(T x) const {
    return mul_wrap(x, x);
  }
};
struct PowScalar {
  double e;  // an integral value for integral T (the op promotes ints to a float power)
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) {
      return int_pow(x, T(e < 4.6e18 ? e : 4.6e18));  // past 2^62 only the parity could matter
    } else {
      if (e == 2.0) return x * x;
      if (e == 1.0) return x;
      if (e == 0.5) return std::sqrt(x);
      // An exponent that is zero in T (1e-310 in float32) is not zero: pow(0, e) is 0, not 1.
      if (T(e) == T(0) && e != 0.0) return T(std::pow(double(x), e));
      return std::pow(x, T(e));
    }
  }
};
// NaN-propagating clamp (a NaN input or bound gives NaN); lo > hi gives hi, as in torch.
struct Clamp {
  double lo, hi;
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (x != x) return x;
      if (lo != lo) return T(lo);
      if (hi != hi) return T(hi);
    }
    // Compare in double: an infinite (absent) bound must never be converted to an integer.
    T r = double(x) < lo ? T(lo) : x;
    return double(r) > hi ? T(hi) : r;
  }
};
struct LogicalNot {
  template <class T>
  TG_HD bool operator()(T x) const {
    return x == T(0);
  }
};
struct IsNan {
  template <class T>
  TG_HD bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return x != x;
    else
      return false;
  }
};
struct IsFinite {
  template <class T>
  TG_HD bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::isfinite(x);
    else
      return true;
  }
};

}  // namespace TG_KERNEL_NAMESPACE::math
