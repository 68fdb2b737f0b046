// Scalar: a number as Python passes it (bool, int64 or double), kept exactly: an int64 above
// 2^53 does not go through a double on its way to an int64 tensor.
#pragma once
#include <cstdint>
#include <type_traits>

#include "tetragrad/dtype.h"

namespace tg {

class Scalar {
 public:
  enum class Kind : uint8_t { Bool, Int, Float };
  Scalar(double v) : kind_(Kind::Float), d_(v) {}  // NOLINT: implicit, as a number literal
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Scalar(I v) : kind_(Kind::Int), i_(int64_t(v)) {}  // NOLINT
  Scalar(bool v) : kind_(Kind::Bool), i_(v) {}       // NOLINT

  Kind kind() const { return kind_; }
  bool is_floating() const { return kind_ == Kind::Float; }
  bool is_integral() const { return kind_ == Kind::Int; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  // The dtype a wrapped Python number of this kind has (its promotion is weakest; see result_type).
  DType dtype() const {
    return kind_ == Kind::Float ? DType::Float64 : kind_ == Kind::Int ? DType::Int64 : DType::Bool;
  }

  double to_double() const { return kind_ == Kind::Float ? d_ : double(i_); }
  // The value as T: exact for an integer into int64; a float into an integer truncates (the
  // ops check the range first).
  template <class T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>)
      return kind_ == Kind::Float ? d_ != 0.0 : i_ != 0;
    else if constexpr (std::is_floating_point_v<T>)
      return T(to_double());
    else
      return kind_ == Kind::Float ? T(d_) : T(i_);
  }
  bool is_one() const { return kind_ == Kind::Float ? d_ == 1.0 : i_ == 1; }
  Scalar operator-() const {
    if (kind_ == Kind::Float) return Scalar(-d_);
    return Scalar(int64_t(0 - uint64_t(i_)));  // wraps at INT64_MIN, as int64 arithmetic does
  }

 private:
  Kind kind_;
  double d_ = 0.0;
  int64_t i_ = 0;
};

}  // namespace tg
