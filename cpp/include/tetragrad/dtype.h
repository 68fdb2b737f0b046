// Element types and devices.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "tetragrad/errors.h"

namespace tg {

enum class DType : uint8_t { Bool = 0, Int64 = 1, Float32 = 2, Float64 = 3 };

inline size_t itemsize(DType t) {
  switch (t) {
    case DType::Bool:
      return 1;
    case DType::Int64:
      return 8;
    case DType::Float32:
      return 4;
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
  }
  return "?";
}
inline bool is_floating(DType t) { return t == DType::Float32 || t == DType::Float64; }

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

// Run the block with `scalar_t` bound to the C++ type of `dtype`.
#define TG_DISPATCH_CASE(DT, T, ...) \
  case ::tg::DType::DT: {            \
    using scalar_t = T;              \
    __VA_ARGS__();                   \
    break;                           \
  }
#define TG_DISPATCH_ALL(dtype, opname, ...)        \
  switch (dtype) {                                 \
    TG_DISPATCH_CASE(Bool, bool, __VA_ARGS__)      \
    TG_DISPATCH_CASE(Int64, int64_t, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Float32, float, __VA_ARGS__)  \
    TG_DISPATCH_CASE(Float64, double, __VA_ARGS__) \
  }
#define TG_DISPATCH_NUMERIC(dtype, opname, ...)                                                      \
  switch (dtype) {                                                                                   \
    TG_DISPATCH_CASE(Int64, int64_t, __VA_ARGS__)                                                    \
    TG_DISPATCH_CASE(Float32, float, __VA_ARGS__)                                                    \
    TG_DISPATCH_CASE(Float64, double, __VA_ARGS__)                                                   \
    default:                                                                                         \
      throw ::tg::TypeError(std::string(opname) + ": unsupported dtype " + ::tg::dtype_name(dtype)); \
  }
#define TG_DISPATCH_FLOAT(dtype, opname, ...)                                           \
  switch (dtype) {                                                                      \
    TG_DISPATCH_CASE(Float32, float, __VA_ARGS__)                                       \
    TG_DISPATCH_CASE(Float64, double, __VA_ARGS__)                                      \
    default:                                                                            \
      throw ::tg::TypeError(std::string(opname) + ": expected a floating dtype, got " + \
                            ::tg::dtype_name(dtype));                                   \
  }
