// Element types and devices.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "tetragrad/errors.h"
#include "tetragrad/half.h"

namespace tg {

// The numbering is part of the checkpoint format: new dtypes take new numbers.
enum class DType : uint8_t {
  Bool = 0,
  Int64 = 1,
  Float32 = 2,
  Float64 = 3,
  Int32 = 4,
  Int16 = 5,
  Int8 = 6,
  UInt8 = 7,
  Float16 = 8,
  BFloat16 = 9,
};
constexpr int kNumDTypes = 10;

inline size_t itemsize(DType t) {
  switch (t) {
    case DType::Bool:
    case DType::Int8:
    case DType::UInt8:
      return 1;
    case DType::Int16:
    case DType::Float16:
    case DType::BFloat16:
      return 2;
    case DType::Int32:
    case DType::Float32:
      return 4;
    case DType::Int64:
    case DType::Float64:
      return 8;
  }
  return 0;
}
inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "bool";
    case DType::Int64:
      return "int64";
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::Int32:
      return "int32";
    case DType::Int16:
      return "int16";
    case DType::Int8:
      return "int8";
    case DType::UInt8:
      return "uint8";
    case DType::Float16:
      return "float16";
    case DType::BFloat16:
      return "bfloat16";
  }
  return "?";
}
inline bool is_floating(DType t) {
  return t == DType::Float32 || t == DType::Float64 || t == DType::Float16 || t == DType::BFloat16;
}
// Integer dtypes, bool excluded (torch's is_integral(include_bool=False)).
inline bool is_integral(DType t) { return !is_floating(t) && t != DType::Bool; }

// The dtypes the kernels compute in are bool, int64, float32 and float64; the others are storage
// dtypes: ops widen them to their kernel dtype (float32 for float16 and bfloat16, int64 for the
// small integers), compute there and round the result once, as torch's CPU kernels do.
inline DType kernel_dtype(DType t) {
  switch (t) {
    case DType::Float16:
    case DType::BFloat16:
      return DType::Float32;
    case DType::Int32:
    case DType::Int16:
    case DType::Int8:
    case DType::UInt8:
      return DType::Int64;
    default:
      return t;
  }
}
inline bool is_storage_only(DType t) { return kernel_dtype(t) != t; }

// torch.promote_types: bool < integers < floats; within a category the wider dtype, uint8 with
// int8 gives int16, float16 with bfloat16 gives float32.
inline DType promote_types(DType a, DType b) {
  if (a == b || b == DType::Bool) return a;
  if (a == DType::Bool) return b;
  const bool fa = is_floating(a), fb = is_floating(b);
  if (fa != fb) return fa ? a : b;
  if (fa && itemsize(a) == 2 && itemsize(b) == 2) return DType::Float32;  // float16 with bfloat16
  if (!fa && (a == DType::UInt8 || b == DType::UInt8)) {
    const DType other = a == DType::UInt8 ? b : a;
    return other == DType::Int8 ? DType::Int16 : other;
  }
  return itemsize(a) >= itemsize(b) ? a : b;
}

// torch.can_cast: whether an op may write a `from` result into a `to` tensor (no float into an
// integer, nothing but bool into bool).
inline bool can_cast(DType from, DType to) {
  if (is_floating(from) && !is_floating(to)) return false;
  if (from != DType::Bool && to == DType::Bool) return false;
  return true;
}

// The default floating dtype (float32 unless changed), as torch.get_default_dtype().
DType default_dtype();
void set_default_dtype(DType t);

template <typename T>
struct dtype_of;
template <>
struct dtype_of<bool> {
  static constexpr DType value = DType::Bool;
};
template <>
struct dtype_of<int64_t> {
  static constexpr DType value = DType::Int64;
};
template <>
struct dtype_of<float> {
  static constexpr DType value = DType::Float32;
};
template <>
struct dtype_of<double> {
  static constexpr DType value = DType::Float64;
};
template <>
struct dtype_of<int32_t> {
  static constexpr DType value = DType::Int32;
};
template <>
struct dtype_of<int16_t> {
  static constexpr DType value = DType::Int16;
};
template <>
struct dtype_of<int8_t> {
  static constexpr DType value = DType::Int8;
};
template <>
struct dtype_of<uint8_t> {
  static constexpr DType value = DType::UInt8;
};
template <>
struct dtype_of<Half> {
  static constexpr DType value = DType::Float16;
};
template <>
struct dtype_of<BFloat16> {
  static constexpr DType value = DType::BFloat16;
};

enum class DeviceType : uint8_t { CPU = 0, CUDA = 1 };
struct Device {
  DeviceType type = DeviceType::CPU;
  int index = -1;
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const {
    std::string s = type == DeviceType::CPU ? "cpu" : "cuda";
    return index >= 0 ? s + ":" + std::to_string(index) : s;
  }
};

}  // namespace tg

// Run the block with `scalar_t` bound to the C++ type of `dtype`. ALL, NUMERIC and FLOAT cover
// the kernel dtypes (a storage dtype reaching them is an op that forgot to widen: a TypeError);
// STORAGE covers every dtype (copies, fills); BITS binds an unsigned type of the same size, for
// kernels that only move elements.
#define TG_DISPATCH_CASE(DT, T, ...) \
  case ::tg::DType::DT: {            \
    using scalar_t = T;              \
    __VA_ARGS__();                   \
    break;                           \
  }
#define TG_DISPATCH_UNSUPPORTED(dtype, opname) \
  default:                                     \
    throw ::tg::TypeError(std::string(opname) + ": unsupported dtype " + ::tg::dtype_name(dtype));
#define TG_DISPATCH_ALL(dtype, opname, ...)        \
  switch (dtype) {                                 \
    TG_DISPATCH_CASE(Bool, bool, __VA_ARGS__)      \
    TG_DISPATCH_CASE(Int64, int64_t, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Float32, float, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Float64, double, __VA_ARGS__) \
    TG_DISPATCH_UNSUPPORTED(dtype, opname)         \
  }
#define TG_DISPATCH_NUMERIC(dtype, opname, ...)    \
  switch (dtype) {                                 \
    TG_DISPATCH_CASE(Int64, int64_t, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Float32, float, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Float64, double, __VA_ARGS__) \
    TG_DISPATCH_UNSUPPORTED(dtype, opname)         \
  }
#define TG_DISPATCH_FLOAT(dtype, opname, ...)                                           \
  switch (dtype) {                                                                      \
    TG_DISPATCH_CASE(Float32, float, __VA_ARGS__)                                       \
    TG_DISPATCH_CASE(Float64, double, __VA_ARGS__)                                      \
    default:                                                                            \
      throw ::tg::TypeError(std::string(opname) + ": expected a floating dtype, got " + \
                            ::tg::dtype_name(dtype));                                   \
  }
#define TG_DISPATCH_STORAGE(dtype, opname, ...)             \
  switch (dtype) {                                          \
    TG_DISPATCH_CASE(Bool, bool, __VA_ARGS__)               \
    TG_DISPATCH_CASE(Int64, int64_t, __VA_ARGS__)           \
    TG_DISPATCH_CASE(Float32, float, __VA_ARGS__)           \
    TG_DISPATCH_CASE(Float64, double, __VA_ARGS__)          \
    TG_DISPATCH_CASE(Int32, int32_t, __VA_ARGS__)           \
    TG_DISPATCH_CASE(Int16, int16_t, __VA_ARGS__)           \
    TG_DISPATCH_CASE(Int8, int8_t, __VA_ARGS__)             \
    TG_DISPATCH_CASE(UInt8, uint8_t, __VA_ARGS__)           \
    TG_DISPATCH_CASE(Float16, ::tg::Half, __VA_ARGS__)      \
    TG_DISPATCH_CASE(BFloat16, ::tg::BFloat16, __VA_ARGS__) \
  }
#define TG_DISPATCH_BITS(dtype, opname, ...) \
  switch (::tg::itemsize(dtype)) {           \
    case 1: {                                \
      using scalar_t = uint8_t;              \
      __VA_ARGS__();                         \
      break;                                 \
    }                                        \
    case 2: {                                \
      using scalar_t = uint16_t;             \
      __VA_ARGS__();                         \
      break;                                 \
    }                                        \
    case 4: {                                \
      using scalar_t = uint32_t;             \
      __VA_ARGS__();                         \
      break;                                 \
    }                                        \
    default: {                               \
      using scalar_t = uint64_t;             \
      __VA_ARGS__();                         \
      break;                                 \
    }                                        \
  }
