// The pointwise (one input, one output) op lists. One entry per op generates its UnaryOp enum
// case, its forward and backward kernel cases, its dtype check and autograd node, its C++
// declaration and definition and its Python binding; the entry's functors are found by name,
// forward math::<Name> and backward math::<Name>Grad, side by side in kernels/common/
// (unary_math.h for the tensor ops, activation_math.h for the activations).
//
//   X(Name, fn, "py_name", rule, saves, "NodeName", nparams, p0, d0, p1, d1)
//
//   rule    the dtypes the op takes (DTypeRule, op_kinds.h): Float computes ints and bool in
//           the default float dtype, FloatOnly raises TypeError for them, Numeric keeps int and
//           float dtypes and raises TypeError for bool
//   saves   what the backward functor reads beside the incoming gradient: Input or Output
//   nparams 0, 1 or 2 double parameters `p0 = d0, p1 = d1` (the functors' fields in order;
//           unused slots are `_, 0`)
#pragma once

// clang-format off
// Tensor ops: tg::fn(x) (ops.h), and in Python tetragrad.fn, Tensor.fn and Tensor.fn_ (in place).
#define TG_UNARY_MATH_OPS(X)                                                       \
  X(Exp, exp, "exp", Float, Output, "ExpBackward0", 0, _, 0, _, 0)                 \
  X(Log, log, "log", Float, Input, "LogBackward0", 0, _, 0, _, 0)                  \
  X(Sqrt, sqrt, "sqrt", Float, Output, "SqrtBackward0", 0, _, 0, _, 0)             \
  X(Rsqrt, rsqrt, "rsqrt", Float, Output, "RsqrtBackward0", 0, _, 0, _, 0)         \
  X(Abs, abs, "abs", Numeric, Input, "AbsBackward0", 0, _, 0, _, 0)                \
  X(Sigmoid, sigmoid, "sigmoid", Float, Output, "SigmoidBackward0", 0, _, 0, _, 0) \
  X(Tanh, tanh, "tanh", Float, Output, "TanhBackward0", 0, _, 0, _, 0)             \
  X(Relu, relu, "relu", Numeric, Output, "ReluBackward0", 0, _, 0, _, 0)                 \
  X(Sin, sin, "sin", Float, Input, "SinBackward0", 0, _, 0, _, 0)                        \
  X(Cos, cos, "cos", Float, Input, "CosBackward0", 0, _, 0, _, 0)                        \
  X(Tan, tan, "tan", Float, Output, "TanBackward0", 0, _, 0, _, 0)                       \
  X(Asin, asin, "asin", Float, Input, "AsinBackward0", 0, _, 0, _, 0)                    \
  X(Acos, acos, "acos", Float, Input, "AcosBackward0", 0, _, 0, _, 0)                    \
  X(Atan, atan, "atan", Float, Input, "AtanBackward0", 0, _, 0, _, 0)                    \
  X(Sinh, sinh, "sinh", Float, Input, "SinhBackward0", 0, _, 0, _, 0)                    \
  X(Cosh, cosh, "cosh", Float, Input, "CoshBackward0", 0, _, 0, _, 0)                    \
  X(Asinh, asinh, "asinh", Float, Input, "AsinhBackward0", 0, _, 0, _, 0)                \
  X(Acosh, acosh, "acosh", Float, Input, "AcoshBackward0", 0, _, 0, _, 0)                \
  X(Atanh, atanh, "atanh", Float, Input, "AtanhBackward0", 0, _, 0, _, 0)                \
  X(Erf, erf, "erf", Float, Input, "ErfBackward0", 0, _, 0, _, 0)                        \
  X(Erfc, erfc, "erfc", Float, Input, "ErfcBackward0", 0, _, 0, _, 0)                    \
  X(Erfinv, erfinv, "erfinv", Float, Output, "ErfinvBackward0", 0, _, 0, _, 0)           \
  X(Log1p, log1p, "log1p", Float, Input, "Log1PBackward0", 0, _, 0, _, 0)                \
  X(Expm1, expm1, "expm1", Float, Output, "Expm1Backward0", 0, _, 0, _, 0)               \
  X(Log2, log2, "log2", Float, Input, "Log2Backward0", 0, _, 0, _, 0)                    \
  X(Log10, log10, "log10", Float, Input, "Log10Backward0", 0, _, 0, _, 0)                \
  X(Exp2, exp2, "exp2", Float, Output, "Exp2Backward0", 0, _, 0, _, 0)                   \
  X(Reciprocal, reciprocal, "reciprocal", Float, Output, "ReciprocalBackward0", 0, _, 0, _, 0) \
  X(Floor, floor, "floor", Numeric, Input, "FloorBackward0", 0, _, 0, _, 0)              \
  X(Ceil, ceil, "ceil", Numeric, Input, "CeilBackward0", 0, _, 0, _, 0)                  \
  X(Trunc, trunc, "trunc", Numeric, Input, "TruncBackward0", 0, _, 0, _, 0)              \
  X(Frac, frac, "frac", FloatOnly, Input, "FracBackward0", 0, _, 0, _, 0)              \
  X(Lgamma, lgamma, "lgamma", Float, Input, "LgammaBackward0", 0, _, 0, _, 0)            \
  X(Digamma, digamma, "digamma", Float, Input, "DigammaBackward0", 0, _, 0, _, 0)

// Activations: tg::fn(x, params...) (functional.h), and in Python
// tetragrad._C._nn.py_name(input, params...), wrapped by tetragrad.nn.functional.
#define TG_ACTIVATION_OPS(X)                                                                                 \
  X(LeakyRelu, leaky_relu, "leaky_relu", FloatOnly, Input, "LeakyReluBackward0", 1, negative_slope, 0.01, _, 0) \
  X(Elu, elu, "elu", FloatOnly, Input, "EluBackward0", 1, alpha, 1.0, _, 0)                                  \
  X(Selu, selu, "selu", FloatOnly, Input, "EluBackward0", 0, _, 0, _, 0)                                     \
  X(Silu, silu, "silu", FloatOnly, Input, "SiluBackward0", 0, _, 0, _, 0)                                    \
  X(Mish, mish, "mish", FloatOnly, Input, "MishBackward0", 0, _, 0, _, 0)                                    \
  X(Softplus, softplus, "softplus", FloatOnly, Input, "SoftplusBackward0", 2, beta, 1.0, threshold, 20.0)    \
  X(LogSigmoid, log_sigmoid, "logsigmoid", FloatOnly, Input, "LogSigmoidBackward0", 0, _, 0, _, 0)           \
  X(Hardswish, hardswish, "hardswish", FloatOnly, Input, "HardswishBackward0", 0, _, 0, _, 0)                \
  X(Hardsigmoid, hardsigmoid, "hardsigmoid", FloatOnly, Input, "HardsigmoidBackward0", 0, _, 0, _, 0)

// Ops whose function and binding are written by hand (their own signature or checks), while
// the enum case, kernels, dtype check and node still come from here: gelu (the `approximate`
// string picks one of two entries), hardtanh (checks min_val <= max_val) and round (an int
// `decimals`, keyword-only in Python).
#define TG_POINTWISE_HAND_WRITTEN(X)                                          \
  X(Gelu, gelu, "gelu", FloatOnly, Input, "GeluBackward0", 0, _, 0, _, 0)     \
  X(GeluTanh, gelu, "gelu", FloatOnly, Input, "GeluBackward0", 0, _, 0, _, 0) \
  X(Hardtanh, hardtanh, "hardtanh", Numeric, Input, "HardtanhBackward0", 2, min_val, -1.0, max_val, 1.0) \
  X(Round, round, "round", Numeric, Input, "RoundBackward0", 1, decimals, 0, _, 0)

// clang-format on

#define TG_POINTWISE_OPS(X) TG_UNARY_MATH_OPS(X) TG_ACTIVATION_OPS(X) TG_POINTWISE_HAND_WRITTEN(X)

// Expansion helpers for an entry's parameters: the declaration (with defaults), the definition,
// the call, the functor's initialiser and the Python arguments.
#define TG_PW_DECL_0(p0, d0, p1, d1)
#define TG_PW_DECL_1(p0, d0, p1, d1) , double p0 = d0
#define TG_PW_DECL_2(p0, d0, p1, d1) , double p0 = d0, double p1 = d1
#define TG_PW_PARAMS_0(p0, p1)
#define TG_PW_PARAMS_1(p0, p1) , double p0
#define TG_PW_PARAMS_2(p0, p1) , double p0, double p1
#define TG_PW_ARGS_0(p0, p1)
#define TG_PW_ARGS_1(p0, p1) , p0
#define TG_PW_ARGS_2(p0, p1) , p0, p1
#define TG_PW_FUNCTOR_0 \
  {                     \
  }
#define TG_PW_FUNCTOR_1 {a}
#define TG_PW_FUNCTOR_2 {a, b}
// `Tensor fn(const Tensor& x, double p0 = d0, ...);` for one entry.
#define TG_DECLARE_POINTWISE(Name, fn, py, rule, saves, node, np, p0, d0, p1, d1) \
  Tensor fn(const Tensor& x TG_PW_DECL_##np(p0, d0, p1, d1));
#define TG_PW_PYARGS_0(p0, d0, p1, d1)
#define TG_PW_PYARGS_1(p0, d0, p1, d1) , pybind11::arg(#p0) = d0
#define TG_PW_PYARGS_2(p0, d0, p1, d1) , pybind11::arg(#p0) = d0, pybind11::arg(#p1) = d1
