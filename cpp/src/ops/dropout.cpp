// Dropout (inverted): zero each element with probability p, scale the kept ones by 1/(1-p),
// so eval mode is the identity. Also one_hot, the other mask-building layer helper.
#include "ops/elementwise_internal.h"
#include "tetragrad/functional.h"

namespace tg {

Tensor dropout(const Tensor& x, double p, bool training) {
  TG_CHECK(p >= 0.0 && p <= 1.0, ValueError, "dropout: probability has to be between 0 and 1, but got ", p);
  if (!training || p == 0.0) return x;
  TG_CHECK(is_floating(x.dtype()), TypeError, "dropout: expected a floating-point tensor, got ",
           dtype_name(x.dtype()), " (shape ", x.shape(), ")");
  Tensor mask;
  {
    NoGradGuard ng;
    if (p == 1.0) {
      mask = new_zeros(x, x.shape(), x.dtype());
    } else {
      const Tensor keep = compare(BinaryOp::Lt, rand(x.shape(), x.dtype(), x.device()), wrap_scalar(1.0 - p));
      mask = mul(to_dtype(keep, x.dtype()), wrap_scalar(1.0 / (1.0 - p)));
    }
  }
  return mul(x, mask);
}

Tensor one_hot(const Tensor& indices, int64_t num_classes) {
  TG_CHECK(indices.dtype() == DType::Int64, TypeError,
           "one_hot: expected an int64 tensor of class indices, got ", dtype_name(indices.dtype()),
           " (shape ", indices.shape(), ")");
  NoGradGuard ng;
  if (indices.numel() > 0) {
    // The range check syncs, as torch's (which reads min and max on the host too); exact int64.
    const int64_t lo = to_scalar(min_all(indices)).to<int64_t>(),
                  hi = to_scalar(max_all(indices)).to<int64_t>();
    TG_CHECK(lo >= 0, ValueError, "one_hot: class values must be non-negative, got ", lo);
    if (num_classes == -1) num_classes = hi + 1;
    TG_CHECK(hi < num_classes, ValueError, "one_hot: class value ", hi, " is out of range for ", num_classes,
             " classes");
  }
  TG_CHECK(num_classes >= 0, ValueError,
           "one_hot: can not infer the number of classes from an empty tensor; pass "
           "num_classes (got ",
           num_classes, ")");
  const Tensor classes = arange(0, num_classes, 1, DType::Int64, indices.device());
  return to_dtype(compare(BinaryOp::Eq, unsqueeze(indices, -1), classes), DType::Int64);
}

}  // namespace tg
