// Dropout (inverted): zero each element with probability p, scale the kept ones by 1/(1-p),
// so eval mode is the identity.
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
      mask = zeros(x.shape(), x.dtype());
    } else {
      const Tensor keep = compare(BinaryOp::Lt, rand(x.shape(), x.dtype()), wrap_scalar(1.0 - p));
      mask = mul(to_dtype(keep, x.dtype()), wrap_scalar(1.0 / (1.0 - p)));
    }
  }
  return mul(x, mask);
}

}  // namespace tg
