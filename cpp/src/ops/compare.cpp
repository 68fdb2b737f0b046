// Closeness and equality of whole tensors: isclose, allclose, equal. Built from the comparison
// kernels (one bool pass each); none carries a gradient.
#include "ops/elementwise_internal.h"

namespace tg {

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  TG_CHECK(a.dtype() == b.dtype(), TypeError, "isclose: a and b must have the same dtype, got ",
           dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), " (shapes ", a.shape(), " and ", b.shape(),
           ")");
  TG_CHECK(rtol >= 0, ValueError, "isclose: rtol must be greater than or equal to zero, but got ",
           repr_double(rtol));
  TG_CHECK(atol >= 0, ValueError, "isclose: atol must be greater than or equal to zero, but got ",
           repr_double(atol));
  NoGradGuard ng;
  Tensor close = compare(BinaryOp::Eq, a, b);  // equal values, infinities of one sign included
  if (rtol == 0 && atol == 0 && !equal_nan) return close;
  // Integers and bools compare in float64 (torch: the default float dtype), exact up to 2^53.
  const Tensor x = is_floating(a.dtype()) ? a : to_dtype(a, DType::Float64);
  const Tensor y = is_floating(b.dtype()) ? b : to_dtype(b, DType::Float64);
  const Tensor diff = abs(sub(x, y));
  const Tensor tol = add(wrap_scalar(atol), mul(wrap_scalar(rtol), abs(y)));
  close = logical(
      BinaryOp::LogicalOr, close,
      logical(BinaryOp::LogicalAnd, unary(UnaryOp::IsFinite, diff), compare(BinaryOp::Le, diff, tol)));
  if (equal_nan && is_floating(a.dtype()))
    close = logical(BinaryOp::LogicalOr, close,
                    logical(BinaryOp::LogicalAnd, unary(UnaryOp::IsNan, x), unary(UnaryOp::IsNan, y)));
  return close;
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return all(isclose(a, b, rtol, atol, equal_nan)).item() != 0.0;
}

bool equal(const Tensor& a, const Tensor& b) {
  TG_CHECK(a.device() == b.device(), ValueError, "equal: tensors on different devices");
  if (a.shape() != b.shape()) return false;
  NoGradGuard ng;
  return all(compare(BinaryOp::Eq, a, b)).item() != 0.0;
}

}  // namespace tg
