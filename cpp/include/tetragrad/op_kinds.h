// The elementwise op kinds shared by the ops (tg::binary, tg::unary) and the kernel layer,
// which sees them without Tensor or autograd.
#pragma once
#include <cstdint>

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
enum class UnaryOp : uint8_t {
  Neg,
  Exp,
  Log,
  Sqrt,
  Rsqrt,
  Abs,
  Sign,
  Sigmoid,
  Tanh,
  Relu,
  LogicalNot,
  IsNan,
  IsFinite,
  PowScalar,
  Clamp,
  Square,
  BitNot,
  LeakyRelu,  // parameter: negative slope
  Elu,        // parameter: alpha
  Gelu,
  GeluTanh,
  Silu,
  Softplus,  // parameters: beta, threshold
  LogSigmoid,
  Selu,
  Mish,
};

}  // namespace tg
