// Branch-free float32 exp/log/tanh that compilers vectorise (std::expf and friends are
// scalar calls that block SIMD). Accuracy: within ~2 ulp of the correctly rounded result
// over the whole float range, with IEEE handling of inf, NaN, zero and negative inputs
// (checked against float64 references in tests/test_elementwise.py). Range reduction and
// polynomials follow Cephes (expf, logf, tanhf).
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/common/kernel_namespace.h"

#if defined(__CUDACC__)
#define TG_HD __host__ __device__
#else
#define TG_HD
#endif

namespace TG_KERNEL_NAMESPACE::math {

TG_HD inline float bits_as_float(int32_t i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}
TG_HD inline int32_t float_as_bits(float f) {
  int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i;
}

// exp(x) = 2^n * exp(r), x = n ln2 + r, |r| <= ln2 / 2; exp(r) by its Taylor polynomial.
// 2^n is applied as two normal factors, so results down in the subnormals round once.
TG_HD inline float fast_expf(float x) {
  const float hi = 88.72283935546875f, lo = -103.97207708f;
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  xc = xc != xc ? 0.0f : xc;  // NaN: compute on 0 (the result is replaced below), no UB
  const float n = __builtin_rintf(xc * 1.44269504088896341f);
  float r = xc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t ni = int32_t(n), n1 = ni >> 1, n2 = ni - n1;
  float y =
      p * bits_as_float(int32_t(uint32_t(n1 + 127) << 23)) * bits_as_float(int32_t(uint32_t(n2 + 127) << 23));
  y = x > hi ? std::numeric_limits<float>::infinity() : y;
  y = x < lo ? 0.0f : y;
  return x != x ? x : y;
}

// x = 2^e (1 + m) with 1 + m in [sqrt(1/2), sqrt(2)) (x > 0, subnormals scaled first), and
// log(1 + m) = m + p - z / 2 with z = m^2 and p from Cephes' polynomial: the shared reduction
// of log, log2 and log10.
TG_HD inline void log_parts(float x, float& e, float& m, float& p, float& z) {
  // Subnormals: scale into the normal range first (the selects stay branch-free).
  const float sub = x < 1.17549435e-38f ? 1.0f : 0.0f;
  const float xs = x * (1.0f + sub * 8388607.0f);  // x * 2^23 for subnormals
  const int32_t bits = float_as_bits(xs);
  const float e0 = float(((bits >> 23) & 0xff) - 126) - 23.0f * sub;
  const float m0 = bits_as_float((bits & 0x007fffff) | 0x3f000000);  // in [0.5, 1)
  const float small = m0 < 0.707106781186547524f ? 1.0f : 0.0f;
  e = e0 - small;
  m = m0 + small * m0 - 1.0f;  // 2 m0 - 1 when m0 < sqrt(1/2), else m0 - 1
  z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  p = y * m * z;
}

// IEEE edges of the logs: inf at inf, -inf at 0, NaN below 0 and at NaN.
TG_HD inline float log_edges(float x, float r) {
  r = x == std::numeric_limits<float>::infinity() ? x : r;
  r = x == 0.0f ? -std::numeric_limits<float>::infinity() : r;
  r = x < 0.0f ? std::numeric_limits<float>::quiet_NaN() : r;
  return x != x ? x : r;
}

// log(x) = e ln2 + m + t, ln2 in two parts (0.693359375 is exact times any e).
TG_HD inline float fast_logf(float x) {
  float e, m, p, z;
  log_parts(x, e, m, p, z);
  return log_edges(x, m + (p - 2.12194440e-4f * e - 0.5f * z) + 0.693359375f * e);
}

// tanh: an odd polynomial near 0 (no cancellation), 1 - 2 / (exp(2|x|) + 1) elsewhere.
TG_HD inline float fast_tanhf(float x) {
  const float a = x < 0.0f ? -x : x;
  const float s = x * x;
  float p = -5.70498872745e-3f;
  p = p * s + 2.06390887954e-2f;
  p = p * s - 5.37397155531e-2f;
  p = p * s + 1.33314422036e-1f;
  p = p * s - 3.33332819422e-1f;
  const float near0 = x * (1.0f + p * s);  // keeps the sign of -0
  const float big = 1.0f - 2.0f / (fast_expf(a + a) + 1.0f);
  const float far = x < 0.0f ? -big : big;
  return a < 0.625f ? near0 : far;  // NaN: a < 0.625 is false, big is NaN
}

// ---- sin, cos, tan of float32 for |x| < kFastTrigLimit (finite) -------------------------------
// x = n pi/2 + r with pi/2 in three float parts through FMAs: the first step is exact (x and
// n * p1 are multiples of p1's ulp and r is small), the others round once relative to r, so r
// keeps its accuracy next to multiples of pi/2. Then Cephes' sinf/cosf polynomials on
// |r| <= pi/4. Larger or non-finite x take the C library (unary_math.h: the functors' slow path).
constexpr float kFastTrigLimit = 1048576.0f;  // 2^20
#if defined(__FMA__) || defined(__CUDACC__)
constexpr bool kFastTrig = true;
#else
constexpr bool kFastTrig = false;  // without FMA the reduction is not exact: the C library then
#endif

// Returns r; q = n mod 4 (as a float, so the computation stays in one vector type).
TG_HD inline float reduce_half_pi(float x, float& q) {
  const float n = __builtin_rintf(x * 0.636619772367581343f);
  q = n - 4.0f * __builtin_floorf(n * 0.25f);
  float r = __builtin_fmaf(-n, 1.57079637050628662109375f, x);
  r = __builtin_fmaf(-n, -4.37113900018624283e-8f, r);
  return __builtin_fmaf(-n, -1.71512451000591642e-15f, r);
}
TG_HD inline float sin_kernel(float r) {  // |r| <= pi/4 (a little beyond is fine)
  const float z = r * r;
  return ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * r + r;
}
TG_HD inline float cos_kernel(float r) {
  const float z = r * r;
  return ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f) * z * z -
         0.5f * z + 1.0f;
}
// sin(n pi/2 + r) = s, c, -s, -c for n mod 4 = 0..3 (within 1.5 ulp, tests/test_fast_math.py).
TG_HD inline float fast_sinf(float x) {
  float q;
  const float r = reduce_half_pi(x, q);
  const float s = sin_kernel(r), c = cos_kernel(r);
  const float v = ((q == 1.0f) | (q == 3.0f)) ? c : s;
  const float y = q >= 2.0f ? -v : v;
  return x == 0.0f ? x : y;  // -0 stays -0
}
// cos(n pi/2 + r) = c, -s, -c, s.
TG_HD inline float fast_cosf(float x) {
  float q;
  const float r = reduce_half_pi(x, q);
  const float s = sin_kernel(r), c = cos_kernel(r);
  const float v = ((q == 1.0f) | (q == 3.0f)) ? s : c;
  return ((q == 1.0f) | (q == 2.0f)) ? -v : v;
}
// tan(n pi/2 + r) = s / c (n even) or -c / s (n odd).
TG_HD inline float fast_tanf(float x) {
  float q;
  const float r = reduce_half_pi(x, q);
  const float s = sin_kernel(r), c = cos_kernel(r);
  const bool odd = (q == 1.0f) | (q == 3.0f);
  const float y = (odd ? -c : s) / (odd ? s : c);
  return x == 0.0f ? x : y;
}

}  // namespace TG_KERNEL_NAMESPACE::math
