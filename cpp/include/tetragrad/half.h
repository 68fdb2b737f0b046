// float16 and bfloat16 as storage types: 16 bits each, converted to and from float with
// round-to-nearest-even (nan stays nan, overflow goes to inf). Arithmetic happens in float:
// the conversions are explicit, so no expression computes in 16 bits by accident.
#pragma once
#include <cstdint>
#include <cstring>

namespace tg {

namespace half_bits {
inline uint32_t to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// IEEE binary16 from float, branch-free so loops over it vectorise. Scaling by 2^112 and back
// by 2^-110 lets the float unit do the rounding (subnormals included) and saturate to inf.
inline uint16_t from_float16(float f) {
  const float scale_to_inf = 0x1.0p+112f, scale_to_zero = 0x1.0p-110f;
  const uint32_t w = to_bits(f), shl1_w = w + w, sign = w & 0x80000000u;
  float base = ((f < 0 ? -f : f) * scale_to_inf) * scale_to_zero;
  uint32_t bias = shl1_w & 0xFF000000u;
  bias = bias < 0x71000000u ? 0x71000000u : bias;
  base = from_bits((bias >> 1) + 0x07800000u) + base;
  const uint32_t b = to_bits(base);
  const uint32_t nonsign = ((b >> 13) & 0x00007C00u) + (b & 0x00000FFFu);
  return uint16_t((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}
inline float to_float16(uint16_t h) {
  const uint32_t w = uint32_t(h) << 16, sign = w & 0x80000000u, two_w = w + w;
  const float normalized = from_bits((two_w >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
  const float denormalized = from_bits((two_w >> 17) | (126u << 23)) - 0.5f;
  return from_bits(sign | (two_w < (1u << 27) ? to_bits(denormalized) : to_bits(normalized)));
}

// bfloat16 is float's top half: round the dropped 16 bits to nearest even; nan stays a quiet nan.
inline uint16_t from_bfloat16(float f) {
  const uint32_t u = to_bits(f);
  const uint32_t rounded = (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
  return uint16_t((u & 0x7FFFFFFFu) > 0x7F800000u ? ((u >> 16) | 0x40u) : rounded);
}
inline float to_bfloat16(uint16_t h) { return from_bits(uint32_t(h) << 16); }
}  // namespace half_bits

struct Half {
  uint16_t x = 0;
  Half() = default;
  explicit Half(float f) : x(half_bits::from_float16(f)) {}
  template <class T>
  explicit Half(T v) : Half(float(v)) {}
  explicit operator float() const { return half_bits::to_float16(x); }
  template <class T>
  explicit operator T() const {
    return T(float(*this));
  }
  static Half from_raw(uint16_t bits) {
    Half h;
    h.x = bits;
    return h;
  }
};

struct BFloat16 {
  uint16_t x = 0;
  BFloat16() = default;
  explicit BFloat16(float f) : x(half_bits::from_bfloat16(f)) {}
  template <class T>
  explicit BFloat16(T v) : BFloat16(float(v)) {}
  explicit operator float() const { return half_bits::to_bfloat16(x); }
  template <class T>
  explicit operator T() const {
    return T(float(*this));
  }
  static BFloat16 from_raw(uint16_t bits) {
    BFloat16 h;
    h.x = bits;
    return h;
  }
};

}  // namespace tg
