// Per-element unary math shared by the CPU loops and the CUDA grid loops (host+device inline).
// The entries of TG_UNARY_MATH_OPS (pointwise_ops.h) have their forward functor math::<Name>
// and backward functor math::<Name>Grad side by side here; a backward takes (grad_out, saved),
// saved being the entry's `saves` (the input or the output), and follows torch's formula.
// The hand-written unary ops (neg, sign, square, pow, clamp, logical and bit ops) follow.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/common/elementwise_math.h"
#include "kernels/common/fast_math_ext.h"
#include "kernels/common/scalar_math.h"

namespace TG_KERNEL_NAMESPACE::math {

constexpr float kInfF = std::numeric_limits<float>::infinity();

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

// ---- TG_UNARY_MATH_OPS, the math functions: forward, backward (torch's derivative formulas) ----
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;  // 2 / sqrt(pi)
constexpr double kSqrtPiOver2 = 0.88622692545275801365;    // sqrt(pi) / 2
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kLn10 = 2.30258509299404568402;

// erf^-1(y): Giles' single-precision approximation, refined by two Newton steps in double
// (erf^-1(+-1) = +-inf; NaN outside [-1, 1]).
TG_HD inline double erfinv_of(double y) {
  if (!(y >= -1.0 && y <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1.0 || y == -1.0) return y * std::numeric_limits<double>::infinity();
  if (y == 0.0) return y;  // keeps -0
  double w = -std::log((1.0 - y) * (1.0 + y)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    for (double c : {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                     -0.00417768164, 0.246640727, 1.50140941})
      p = c + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    for (double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                     0.00943887047, 1.00167406, 2.83297682})
      p = c + p * w;
  }
  double x = p * y;
  for (int i = 0; i < 2; ++i) x -= (std::erf(x) - y) / (kTwoOverSqrtPi * std::exp(-x * x));
  return x;
}

struct Sin {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::sin(x);
  }
  TG_HD float fast(float x) const { return fast_sinf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !kFastTrig || !(std::fabs(x) < kFastTrigLimit); }
};
struct SinGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * std::cos(x);
  }
};

struct Cos {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::cos(x);
  }
  TG_HD float fast(float x) const { return fast_cosf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !kFastTrig || !(std::fabs(x) < kFastTrigLimit); }
};
struct CosGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * -std::sin(x);
  }
};

struct Tan {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::tan(x);
  }
  TG_HD float fast(float x) const { return fast_tanf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !kFastTrig || !(std::fabs(x) < kFastTrigLimit); }
};
struct TanGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * (T(1) + y * y);
  }
};

struct Asin {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::asin(x);
  }
  TG_HD float fast(float x) const { return fast_asinf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(std::fabs(x) <= 1.0f); }
};
struct AsinGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * (T(1) / std::sqrt(T(1) - x * x));
  }
};

struct Acos {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::acos(x);
  }
  TG_HD float fast(float x) const { return fast_acosf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(std::fabs(x) <= 1.0f); }
};
struct AcosGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * -(T(1) / std::sqrt(T(1) - x * x));
  }
};

struct Atan {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::atan(x);
  }
  TG_HD float fast(float x) const { return fast_atanf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(std::fabs(x) < kInfF); }
};
struct AtanGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g / (x * x + T(1));
  }
};

struct Sinh {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::sinh(x);
  }
  TG_HD float fast(float x) const { return fast_sinhf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(std::fabs(x) < 88.0f); }
};
struct SinhGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * std::cosh(x);
  }
};

struct Cosh {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::cosh(x);
  }
  TG_HD float fast(float x) const { return fast_coshf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(std::fabs(x) < 88.0f); }
};
struct CoshGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * std::sinh(x);
  }
};

struct Asinh {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::asinh(x);
  }
  TG_HD float fast(float x) const { return fast_asinhf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(std::fabs(x) < 268435456.0f); }
};
struct AsinhGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * (T(1) / std::sqrt(x * x + T(1)));
  }
};

struct Acosh {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::acosh(x);
  }
  TG_HD float fast(float x) const { return fast_acoshf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(x >= 1.0f && x < 268435456.0f); }
};
struct AcoshGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * (T(1) / std::sqrt(x * x - T(1)));
  }
};

struct Atanh {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::atanh(x);
  }
  TG_HD float fast(float x) const { return fast_atanhf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(std::fabs(x) < 1.0f); }
};
struct AtanhGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g / (T(1) - x * x);
  }
};

struct Erf {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::erf(x);
  }
};
struct ErfGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return T(kTwoOverSqrtPi) * std::exp(-(x * x)) * g;
  }
};

struct Erfc {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::erfc(x);
  }
};
struct ErfcGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return -T(kTwoOverSqrtPi) * std::exp(-(x * x)) * g;
  }
};

struct Erfinv {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(erfinv_of(double(x)));
  }
};
struct ErfinvGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return T(kSqrtPiOver2) * std::exp(y * y) * g;
  }
};

// digamma (psi = Gamma'/Gamma) and trigamma (psi'), in double: recurrence up to x >= 10 (6 for
// trigamma), then the asymptotic series; negative x by reflection. Poles: digamma(-n) NaN,
// digamma(+-0) -+inf, as torch's.
TG_HD inline double digamma_of(double x) {
  constexpr double kPi = 3.14159265358979323846;
  if (x == 0) return std::signbit(x) ? INFINITY : -INFINITY;
  if (x < 0) {
    if (x == std::trunc(x)) return NAN;
    return digamma_of(1 - x) - kPi / std::tan(kPi * (x - std::trunc(x)));
  }
  if (!(x < INFINITY)) return x;  // +inf, NaN
  double r = 0;
  while (x < 10) r -= 1 / x, x += 1;
  // psi(x) ~ log x - 1/2x - sum B_2k / (2k x^2k)
  const double z = 1 / (x * x);
  const double series =
      z *
      (1.0 / 12 -
       z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
  return r + std::log(x) - 0.5 / x - series;
}
TG_HD inline double trigamma_of(double x) {
  constexpr double kPi = 3.14159265358979323846;
  double sign = 1, r = 0;
  if (x < 0.5) {  // psi'(x) + psi'(1 - x) = pi^2 / sin^2(pi x)
    const double s = std::sin(kPi * x);
    sign = -1, r = -(kPi * kPi) / (s * s), x = 1 - x;
  }
  for (int i = 0; i < 6; ++i) r += 1 / (x * x), x += 1;
  // psi'(x) ~ 1/x + 1/2x^2 + sum B_2k / x^(2k+1)
  const double z = 1 / (x * x);
  r += (1 + 1 / (2 * x) + z * (1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42 - z / 30)))) / x;
  return sign * r;
}
// ln|Gamma(x)| without the C library's global `signgam` write (a data race across threads).
TG_HD inline double lgamma_of(double x) {
#if defined(__CUDA_ARCH__) || !defined(__GLIBC__)
  return std::lgamma(x);
#else
  int sign = 0;
  return ::lgamma_r(x, &sign);
#endif
}

struct Lgamma {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(lgamma_of(double(x)));
  }
};
struct LgammaGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * T(digamma_of(double(x)));
  }
};

struct Digamma {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(digamma_of(double(x)));
  }
};
struct DigammaGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g * T(trigamma_of(double(x)));
  }
};

struct Log1p {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::log1p(x);
  }
  TG_HD float fast(float x) const { return fast_log1pf(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(x > -1.0f && x < kInfF); }
};
struct Log1pGrad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g / (x + T(1));
  }
};

struct Expm1 {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::expm1(x);
  }
  TG_HD float fast(float x) const { return fast_expm1f(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(x < 88.0f); }
};
struct Expm1Grad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * (y + T(1));
  }
};

struct Log2 {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::log2(x);
  }
  TG_HD float fast(float x) const { return fast_log2f(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(x > 0.0f && x < kInfF); }
};
struct Log2Grad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g / (x * T(kLn2));
  }
};

struct Log10 {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::log10(x);
  }
  TG_HD float fast(float x) const { return fast_log10f(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(x > 0.0f && x < kInfF); }
};
struct Log10Grad {  // saved: x
  template <class T>
  TG_HD T operator()(T g, T x) const {
    return g / (x * T(kLn10));
  }
};

struct Exp2 {
  template <class T>
  TG_HD T operator()(T x) const {
    return std::exp2(x);
  }
  TG_HD float fast(float x) const { return fast_exp2f(x); }  // float32: vectorised where it holds
  TG_HD bool needs_slow(float x) const { return !(x > -149.0f && x < 128.0f); }
};
struct Exp2Grad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return g * y * T(kLn2);
  }
};

struct Reciprocal {
  template <class T>
  TG_HD T operator()(T x) const {
    return T(1) / x;
  }
};
struct ReciprocalGrad {  // saved: y
  template <class T>
  TG_HD T operator()(T g, T y) const {
    return -g * (y * y);
  }
};

// Rounding keeps ints as they are; the gradient is zero (torch's), frac's passes through.
struct Floor {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_integral_v<T>)
      return x;
    else
      return std::floor(x);
  }
};
struct Ceil {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_integral_v<T>)
      return x;
    else
      return std::ceil(x);
  }
};
struct Trunc {
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_integral_v<T>)
      return x;
    else
      return std::trunc(x);
  }
};
struct ZeroGrad {
  template <class T>
  TG_HD T operator()(T, T) const {
    return T(0);
  }
};
// Half to even (the FPU's nearbyint), at `decimals` digits as torch's: x * 10^d rounded, / 10^d
// (x / 10^-d rounded, * 10^-d for negative d), in T.
struct Round {
  double decimals;
  template <class T>
  TG_HD T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) {
      return x;
    } else {
      if (decimals == 0) return std::nearbyint(x);
      const T ten = T(std::pow(10.0, std::fabs(decimals)));
      return decimals < 0 ? std::nearbyint(x / ten) * ten : std::nearbyint(x * ten) / ten;
    }
  }
};
struct RoundGrad {  // piecewise constant
  double decimals;
  template <class T>
  TG_HD T operator()(T, T) const {
    return T(0);
  }
};
struct FloorGrad : ZeroGrad {};
struct CeilGrad : ZeroGrad {};
struct TruncGrad : ZeroGrad {};
struct Frac {  // x - trunc(x), the sign of x
  template <class T>
  TG_HD T operator()(T x) const {
    return x - std::trunc(x);
  }
};
struct FracGrad {  // saved: x (unused)
  template <class T>
  TG_HD T operator()(T g, T) const {
    return g;
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
struct IsInf {
  template <class T>
  TG_HD bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::isinf(x);
    else
      return false;
  }
};
struct IsPosInf {
  template <class T>
  TG_HD bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return x == std::numeric_limits<T>::infinity();
    else
      return false;
  }
};
struct IsNegInf {
  template <class T>
  TG_HD bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return x == -std::numeric_limits<T>::infinity();
    else
      return false;
  }
};
struct SignBit {  // the sign bit: true for -0.0 and a negative NaN
  template <class T>
  TG_HD bool operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::signbit(x);
    else if constexpr (std::is_same_v<T, bool>)
      return false;
    else
      return x < T(0);
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
