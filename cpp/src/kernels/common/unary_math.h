// Per-element unary math shared by the CPU loops and the CUDA grid loops (host+device inline).
// The entries of TG_UNARY_MATH_OPS (pointwise_ops.h) have their forward functor math::<Name>
// and backward functor math::<Name>Grad side by side here; a backward takes (grad_out, saved),
// saved being the entry's `saves` (the input or the output), and follows torch's formula.
// The hand-written unary ops (neg, sign, square, pow, clamp, logical and bit ops) follow.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "kernels/common/elementwise_math.h"
#include "kernels/common/scalar_math.h"

namespace TG_KERNEL_NAMESPACE::math {

// ---- TG_UNARY_MATH_OPS: forward, backward ---------------------------------------------------
struct Exp {
  template <class T>
  TG_HD T operator()(T x) const {
    return exp_of(x);
  }
};
struct ExpGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * y;
  }
};

struct Log {
  template <class T>
  TG_HD T operator()(T x) const {
    return log_of(x);
  }
};
struct LogGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g / x;
  }
};

struct Sqrt {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::sqrt(x);
  }
};
struct SqrtGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g / (T(2) * y);
  }
};

struct Rsqrt {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(1) / std::sqrt(x);
  }
};
struct RsqrtGrad {  // saved: y; d/dx x^-1/2 = -1/2 y^3
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return T(-0.5) * g * (y * y * y);
  }
};

struct Abs {
  template <class T>
  TG_HD T operator()(T x) const {
    return x < T(0) ? sub_wrap(T(0), x) : x;
  }
};
struct AbsGrad {  // saved: x; g sign(x) (0 at 0 and at NaN)
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * sign_of(x);
  }
};

struct Sigmoid {
  template <class T>
  TG_HD T operator()(T x) const {
    return sigmoid_of(x);
  }
};
struct SigmoidGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * (T(1) - y) * y;
  }
};

struct Tanh {
  template <class T>
  TG_HD T operator()(T x) const {
    return tanh_of(x);
  }
};
struct TanhGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * (T(1) - y * y);
  }
};

struct Relu {  // NaN stays NaN, as in torch
  template <class T>
  TG_HD T operator()(T x) const {
    return x < T(0) ? T(0) : x;
  }
};
struct ReluGrad {  // saved: y (torch's threshold_backward on the result)
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return y <= T(0) ? T(0) : g;  // a NaN passes its gradient, as torch's
  }
};

// ---- hand-written unary ops ----------------------------------------------------------------
struct Neg {
  template <class T>
  TG_HD T operator()(T x) const {
    return sub_wrap(T(0), x);
  }
};
struct Sign {
  template <class T>
  TG_HD T operator()(T x) const {
    return sign_of(x);
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
struct BitNot {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_same_v<T, bool>)
      return !x;
    else
      return ~x;
  }
};

}  // namespace TG_KERNEL_NAMESPACE::math
