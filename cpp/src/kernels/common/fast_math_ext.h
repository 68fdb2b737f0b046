// More branch-free float32 functions that compilers vectorise, built on fast_math.h's exp and log
// reductions: log1p, expm1, log2, log10, exp2, atan, asin, acos, sinh, cosh, asinh, acosh, atanh.
// Each is the fast path for the finite inputs of its domain that need no special care; the
// functors in unary_math.h send the rest (NaN, inf, out of the domain, overflow) to the C library.
// Accuracy: within 4 ulp of the float64 result (tests/test_fast_math.py, random bit patterns).
// Polynomials: Cephes (atanf, asinf); the log1p forms of the inverse hyperbolics as fdlibm's.
#pragma once
#include "kernels/common/fast_math.h"

namespace TG_KERNEL_NAMESPACE::math {

TG_HD inline float copysign_of(float mag, float sign) {
  return bits_as_float((float_as_bits(mag) & 0x7fffffff) | (float_as_bits(sign) & int32_t(0x80000000)));
}

// log1p(x), x > -1 finite: log(u) * x / (u - 1) with u = 1 + x rounded (Goldberg): the quotient
// corrects u's rounding, so small x keep their accuracy.
TG_HD inline float fast_log1pf(float x) {
  const float u = 1.0f + x;
  const float d = u - 1.0f;
  const float r = fast_logf(u) * (x / (d == 0.0f ? 1.0f : d));
  return d == 0.0f ? x : r;
}

// expm1(x), x < 88 (no overflow): x = n ln2 + r as in fast_expf, expm1(r) = r + r^2 q(r) by its
// Taylor polynomial (no cancellation near 0), then 2^n (expm1(r) + 1) - 1 = 2^n expm1(r) + (2^n - 1).
// Below -88 the result is -1 to float precision.
TG_HD inline float fast_expm1f(float x) {
  const float xc = x < -88.0f ? -88.0f : x;
  const float n = __builtin_rintf(xc * 1.44269504088896341f);
  float r = xc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float q = 1.0f / 40320.0f;
  q = q * r + 1.0f / 5040.0f;
  q = q * r + 1.0f / 720.0f;
  q = q * r + 1.0f / 120.0f;
  q = q * r + 1.0f / 24.0f;
  q = q * r + 1.0f / 6.0f;
  q = q * r + 0.5f;
  const float p = r + r * r * q;
  const float s = bits_as_float(int32_t(uint32_t(int32_t(n) + 127) << 23));  // 2^n (0 at n = -127)
  const float y = n == 0.0f ? p : s * p + (s - 1.0f);
  return x == 0.0f ? x : y;  // -0 stays -0
}

// log2(x) = e + (m + t) log2(e), the exponent added exactly (powers of two give integers);
// log2(e) as 1 + 0.44269504 so the large part is not rounded.
TG_HD inline float fast_log2f(float x) {
  float e, m, p, z;
  log_parts(x, e, m, p, z);
  const float t = p - 0.5f * z;
  const float l2ea = 0.44269504088896340736f;
  return log_edges(x, t * l2ea + m * l2ea + t + m + e);
}

// log10(x) = e log10(2) + (m + t) log10(e), each constant in an exact head and a tail (Cephes).
TG_HD inline float fast_log10f(float x) {
  float e, m, p, z;
  log_parts(x, e, m, p, z);
  const float t = p - 0.5f * z;
  const float l10ea = 4.3359375e-1f, l10eb = 7.00731903251827651129e-4f;
  const float l102a = 3.0078125e-1f, l102b = 2.48745663981195213739e-4f;
  const float r = t * l10eb + m * l10eb + t * l10ea + m * l10ea + e * l102b + e * l102a;
  return log_edges(x, r);
}

// exp2(x), -149 < x < 128: 2^n 2^r, n = rint(x), r = x - n exact in [-1/2, 1/2]; 2^r by its
// Taylor polynomial in r (coefficients ln2^k / k!); 2^n as two factors so a subnormal result
// rounds once.
TG_HD inline float fast_exp2f(float x) {
  const float n = __builtin_rintf(x);
  const float r = x - n;
  float p = 1.525273380405984e-5f;
  p = p * r + 1.5403530393381609e-4f;
  p = p * r + 1.3333558146428443e-3f;
  p = p * r + 9.618129107628477e-3f;
  p = p * r + 5.550410866482158e-2f;
  p = p * r + 2.402265069591007e-1f;
  p = p * r + 6.931471805599453e-1f;
  p = p * r + 1.0f;
  const int32_t ni = int32_t(n), n1 = ni >> 1, n2 = ni - n1;
  return p * bits_as_float(int32_t(uint32_t(n1 + 127) << 23)) *
         bits_as_float(int32_t(uint32_t(n2 + 127) << 23));
}

// atan(x), finite: |x| reduced to [0, tan(pi/8)] by pi/2 - atan(1/|x|) or pi/4 + atan((|x|-1)/(|x|+1)).
TG_HD inline float fast_atanf(float x) {
  const float a = x < 0.0f ? -x : x;
  const bool big = a > 2.414213562373095f, mid = a > 0.4142135623730950f;
  const float r = big ? -1.0f / a : (mid ? (a - 1.0f) / (a + 1.0f) : a);
  const float y0 = big ? 1.57079632679489661923f : (mid ? 0.78539816339744830962f : 0.0f);
  const float z = r * r;
  const float y =
      (((8.05374449538e-2f * z - 1.38776856032e-1f) * z + 1.99777106478e-1f) * z - 3.33329491539e-1f) * z *
          r +
      r;
  return copysign_of(y0 + y, x);
}

// asin of |x| <= 1 without the sign: Cephes' polynomial on [0, 1/2]; above, pi/2 - 2 asin(sqrt((1-a)/2)).
TG_HD inline float asin_abs(float a) {
  const bool hi = a > 0.5f;
  const float z = hi ? 0.5f * (1.0f - a) : a * a;
  const float s = hi ? __builtin_sqrtf(z) : a;
  const float p =
      ((((4.2163199048e-2f * z + 2.4181311049e-2f) * z + 4.5470025998e-2f) * z + 7.4953002686e-2f) * z +
       1.6666752422e-1f) *
          z * s +
      s;
  return hi ? 1.57079632679489661923f - (p + p) : p;
}
TG_HD inline float fast_asinf(float x) { return copysign_of(asin_abs(x < 0.0f ? -x : x), x); }

// acos(x), |x| <= 1: 2 asin(sqrt((1 - x)/2)) near 1, pi - that near -1 (no cancellation), else
// pi/2 - asin(x).
TG_HD inline float fast_acosf(float x) {
  const float a = x < 0.0f ? -x : x;
  const float h = asin_abs(__builtin_sqrtf(0.5f * (1.0f - a)));  // for a > 1/2
  const float near1 = 2.0f * h;
  const float outer = x < 0.0f ? 3.14159265358979323846f - near1 : near1;
  const float inner = 1.57079632679489661923f - copysign_of(asin_abs(a), x);
  return a > 0.5f ? outer : inner;
}

// sinh(x), |x| < 88: (E + E / (E + 1)) / 2 with E = expm1(|x|) (no cancellation near 0).
TG_HD inline float fast_sinhf(float x) {
  const float a = x < 0.0f ? -x : x;
  const float em = fast_expm1f(a);
  return copysign_of(0.5f * (em + em / (em + 1.0f)), x);
}

// cosh(x), |x| < 88: (e + 1/e) / 2.
TG_HD inline float fast_coshf(float x) {
  const float e = fast_expf(x < 0.0f ? -x : x);
  return 0.5f * e + 0.5f / e;
}

// asinh(x), |x| < 2^28: log1p(a + a^2 / (1 + sqrt(1 + a^2))), a = |x|.
TG_HD inline float fast_asinhf(float x) {
  const float a = x < 0.0f ? -x : x;
  const float a2 = a * a;
  return copysign_of(fast_log1pf(a + a2 / (1.0f + __builtin_sqrtf(1.0f + a2))), x);
}

// acosh(x), 1 <= x < 2^28: log1p(z + sqrt(2z + z^2)), z = x - 1 (exact near 1).
TG_HD inline float fast_acoshf(float x) {
  const float z = x - 1.0f;
  return fast_log1pf(z + __builtin_sqrtf(2.0f * z + z * z));
}

// atanh(x), |x| < 1: log1p(2a / (1 - a)) / 2, a = |x|.
TG_HD inline float fast_atanhf(float x) {
  const float a = x < 0.0f ? -x : x;
  return copysign_of(0.5f * fast_log1pf((a + a) / (1.0f - a)), x);
}

}  // namespace TG_KERNEL_NAMESPACE::math
