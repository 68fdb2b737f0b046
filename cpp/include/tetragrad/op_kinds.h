// The elementwise op kinds shared by the ops (tg::binary, tg::unary) and the kernel layer,
// which sees them without Tensor or autograd.
#pragma once
#include <cstdint>

#include "tetragrad/pointwise_ops.h"

namespace tg {

enum class BinaryOp : uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Maximum,
  Minimum,
  FloorDiv,   // torch.floor_divide: rounds toward -inf
  TruncDiv,   // div(rounding_mode="trunc"): rounds toward 0
  Remainder,  // torch.remainder: sign of the divisor
  Fmod,       // torch.fmod: sign of the dividend (C's fmod, % for ints)
  Atan2,      // these four and Xlogy compute ints in the default float dtype
  Hypot,
  LogAddExp,
  LogAddExp2,
  Xlogy,      // x * log(y), 0 where x == 0 (unless y is NaN)
  Gammainc,   // the regularized lower incomplete gamma P(a, x) (torch.special.gammainc)
  Gammaincc,  // its upper complement Q(a, x) = 1 - P
  BitAnd,     // int64 / bool only
  BitOr,
  BitXor,
  Eq,  // Eq and everything after it produce bool
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  LogicalAnd,
  LogicalOr,
};
// Hand-written unary ops first, then one case per entry of the pointwise lists.
enum class UnaryOp : uint8_t {
  Neg,
  Sign,
  LogicalNot,
  IsNan,
  IsFinite,
  IsInf,
  IsPosInf,
  IsNegInf,
  SignBit,
  PowScalar,
  Clamp,
  Square,
  BitNot,
#define TG_UNARY_ENUM_CASE(Name, ...) Name,
  TG_POINTWISE_OPS(TG_UNARY_ENUM_CASE)
#undef TG_UNARY_ENUM_CASE
};

// The dtypes a pointwise op takes (see pointwise_ops.h).
enum class DTypeRule : uint8_t {
  Float,      // int and bool inputs compute in the default float dtype
  FloatOnly,  // a TypeError for int and bool inputs
  Numeric,    // int and float keep their dtype; a TypeError for bool
};
// What a pointwise op's backward reads beside the incoming gradient.
enum class Saves : uint8_t { Input, Output };

}  // namespace tg
