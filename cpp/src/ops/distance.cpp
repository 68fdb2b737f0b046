// Distances and normalisation (torch.nn.functional's normalize, cosine_similarity,
// pairwise_distance): composites of tensor ops with torch's formulas, their gradients by
// autograd through those ops.
#include <algorithm>

#include "ops/common.h"
#include "tetragrad/functional.h"

namespace tg {

// x / max(||x||_p along dim, eps)
Tensor normalize(const Tensor& x, double p, int64_t dim, double eps) {
  return div(x, clamp(norm(x, p, {dim}, true), eps, std::nullopt));
}

// sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along dim, inputs broadcast first. Each
// vector is normalised before the product (torch's order, for precision), and the norms are
// clamped without recording it, as torch does: the gradient flows through the unclamped norm.
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, int64_t dim, double eps) {
  const Shape s = broadcast_shapes(x1.shape(), x2.shape(), "cosine_similarity");
  const Tensor a = expand(x1, s), b = expand(x2, s);
  Tensor n1 = clone(norm(a, 2.0, {dim}, true)), n2 = clone(norm(b, 2.0, {dim}, true));
  {
    NoGradGuard ng;
    clamp_(n1, eps, std::nullopt);
    clamp_(n2, eps, std::nullopt);
  }
  return sum(mul(div(a, n1), div(b, n2)), {dim});
}

// ||x1 - x2 + eps||_p over the last dim (inputs broadcast).
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim) {
  return norm(add(sub(x1, x2), wrap_scalar(eps)), p, {-1}, keepdim);
}

}  // namespace tg
