// Pieces shared by the binary (elementwise.cpp) and unary (unary.cpp) elementwise ops.
#pragma once
#include "ops/common.h"

namespace tg {

// Whether a value of dtype `from` may be written into a tensor of dtype `to` in place
// (torch's rule: no float into int, nothing but bool into bool).
bool can_cast(DType from, DType to);
// t in dtype d (itself when it already is), with autograd.
Tensor cast(const Tensor& t, DType d);
// The gradient for an input of `shape`/`dtype` (or like `input`) from a broadcast output gradient.
Tensor reduce_grad(const Tensor& g, const Shape& shape, DType dtype);
Tensor reduce_grad(const Tensor& g, const Tensor& input);
// out = op(t) with torch's dtype rules, no autograd; p0/p1 are the op's parameters.
Tensor unary_raw(UnaryOp op, const Tensor& t, double p0 = 0, double p1 = 0);

}  // namespace tg
