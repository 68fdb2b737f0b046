// Pieces shared by the binary (elementwise.cpp) and unary (unary.cpp) elementwise ops.
#pragma once
#include "ops/common.h"

namespace tg {

// t in dtype d (itself when it already is), with autograd.
Tensor cast(const Tensor& t, DType d);
// The gradient for an input of `shape`/`dtype` (or like `input`) from a broadcast output gradient.
Tensor reduce_grad(const Tensor& g, const Shape& shape, DType dtype);
Tensor reduce_grad(const Tensor& g, const Tensor& input);
// out = op(a, b) in the promoted dtype, broadcast, no autograd.
Tensor binary_raw(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
// out = op(t) with torch's dtype rules, no autograd; p0/p1 are the op's parameters.
Tensor unary_raw(UnaryOp op, const Tensor& t, double p0 = 0, double p1 = 0);

// A pointwise list entry's facts (pointwise_ops.h); null for the hand-written unary ops.
struct PointwiseInfo {
  const char* name;  // the C++ function, for messages
  const char* node;  // the autograd node's name (torch's)
  DTypeRule rule;
  Saves saves;
};
const PointwiseInfo* pointwise_info(UnaryOp op);
// out = op(x) for a list entry, recorded as one node whose backward is the entry's fused
// backward functor (pointwise_backward); a, b: the entry's parameters.
Tensor pointwise(UnaryOp op, const Tensor& x, double a = 0, double b = 0);
Tensor pointwise_backward(UnaryOp op, const Tensor& g, const Tensor& saved, double a = 0, double b = 0);

}  // namespace tg
