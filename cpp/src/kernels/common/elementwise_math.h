// Per-element binary math shared by the CPU loops and the CUDA grid loops (host+device
// inline), so the CPU tests exercise the very formulas a GPU runs. Unary math: unary_math.h.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/common/scalar_math.h"

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
// C's fmod: the sign of the dividend (torch.fmod).
struct Fmod {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == T(-1)) return T(0);  // INT64_MIN % -1 would trap
      return T(a % b);
    } else {
      return std::fmod(a, b);
    }
  }
};
// The floating binary ops (ints compute in the default float dtype).
struct Atan2 {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    return std::atan2(a, b);
  }
};
struct Hypot {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    return std::hypot(a, b);
  }
};
// log(e^a + e^b) = max + log1p(e^-|a - b|); equal infinities give themselves (not inf - inf).
struct LogAddExp {
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if (std::isinf(a) && a == b) return a;
    const T m = a > b ? a : b;
    return m + std::log1p(std::exp(-std::fabs(a - b)));
  }
};
struct LogAddExp2 {  // log2(2^a + 2^b)
  template <class T>
  TG_HD T operator()(T a, T b) const {
    if (std::isinf(a) && a == b) return a;
    const T m = a > b ? a : b;
    return m + std::log1p(std::exp2(-std::fabs(a - b))) / T(0.69314718055994530942);
  }
};
struct Xlogy {  // x log y; 0 where x == 0 unless y is NaN
  template <class T>
  TG_HD T operator()(T x, T y) const {
    if (y != y) return y;
    if (x == T(0)) return T(0);
    return x * std::log(y);
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

}  // namespace TG_KERNEL_NAMESPACE::math
