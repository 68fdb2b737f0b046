// Activations that are not pointwise list entries: gelu and hardtanh (hand-picked entries),
// prelu, softmax, log_softmax, maxout.
#include "ops/elementwise_internal.h"
#include "tetragrad/functional.h"

namespace tg {

// The pointwise activations are list entries (pointwise_ops.h, defined in unary.cpp); these
// two pick their entry by hand.
Tensor gelu(const Tensor& x, bool tanh_approximation) {
  return pointwise(tanh_approximation ? UnaryOp::GeluTanh : UnaryOp::Gelu, x);
}
Tensor hardtanh(const Tensor& x, double min_val, double max_val) {
  TG_CHECK(max_val >= min_val, ValueError, "hardtanh: min_val (", min_val, ") must not exceed max_val (",
           max_val, ")");
  return pointwise(UnaryOp::Hardtanh, x, min_val, max_val);
}

// prelu(x) = x for x > 0, w x otherwise; w [1] or [C] along dim 1 (composed: where, mul).
Tensor prelu(const Tensor& x, const Tensor& weight) {
  check_floating(x, "prelu");
  TG_CHECK(weight.dim() <= 1, ValueError, "prelu: weight must be 0-d or 1-d, got shape ", weight.shape());
  const int64_t n = weight.numel(), channels = x.dim() >= 2 ? x.size(1) : 1;
  TG_CHECK(n == 1 || n == channels, ValueError, "prelu: weight has ", n, " parameters but the input has ",
           channels, " channels (input ", x.shape(), ", weight ", weight.shape(), "); expected 1 or ",
           channels);
  Tensor w = weight;
  if (n != 1 || x.dim() >= 2) {
    Shape ws(std::max<int64_t>(x.dim(), 1), 1);
    if (x.dim() >= 2) ws[1] = n;
    w = reshape(weight, ws);
  } else {
    w = reshape(weight, {});
  }
  Tensor out;
  {
    NoGradGuard ng;
    out = where(compare(BinaryOp::Gt, x, wrap_scalar(0.0)), x, mul(w, x));
  }
  if (needs_grad({&x, &weight}))
    // torch's: x > 0 ? g : w g for the input, x > 0 ? 0 : x g for the weight (a select, so an
    // infinite weight never meets a zero mask).
    record(out, "PreluKernelBackward0", {&x, &weight}, {x, w},
           [ws = weight.shape()](const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             const Tensor pos = compare(BinaryOp::Gt, s[0], wrap_scalar(0.0));
             const Tensor zero = new_zeros(g, {}, g.dtype());
             Tensor gx, gw;
             if (n.needs(0)) gx = where(pos, g, mul(s[1], g));
             if (n.needs(1)) gw = reshape(sum_to(where(pos, zero, mul(s[0], g)), s[1].shape()), ws);
             return {gx, gw};
           });
  return out;
}

// ---- softmax ------------------------------------------------------------------------------
namespace {

struct SoftmaxView {
  int64_t outer = 1, D = 1, inner = 1;
};
SoftmaxView softmax_view(const Shape& s, int64_t d) {
  if (s.empty()) return {};
  if (shape_numel(s) == 0) return {0, 1, 0};  // nothing to do (other dims may multiply past int64)
  return {shape_numel(s, 0, d), s[d], shape_numel(s, d + 1, int64_t(s.size()))};
}

Tensor softmax_impl(const Tensor& x, int64_t dim, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  check_floating(x, op);
  if (is_storage_only(x.dtype()))  // float16/bfloat16: in float32, rounded once
    return to_dtype(softmax_impl(to_dtype(x, DType::Float32), dim, log), x.dtype());
  const int64_t d = wrap_dim(dim, x.dim(), op);
  const SoftmaxView v = softmax_view(x.shape(), d);
  const Tensor xc = x.is_contiguous() ? x : contiguous(x.detach());
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  kernels(x.device())
      .activation.softmax(x.dtype(), log, out.raw_data(), xc.raw_data(), v.outer, v.D, v.inner);
  if (needs_grad({&x}))
    record(out, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", {&x}, {out},
           [log, v](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             const Tensor& y = s[0];
             const Tensor gc =
                 g.is_contiguous() && g.dtype() == y.dtype() ? g : contiguous(to_dtype(g, y.dtype()));
             Tensor dx = Tensor::empty(y.shape(), y.dtype(), y.device());
             kernels(y.device())
                 .activation.softmax_backward(y.dtype(), log, dx.raw_data(), gc.raw_data(), y.raw_data(),
                                              v.outer, v.D, v.inner);
             return {dx};
           });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, false); }
Tensor softmin(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  if (!dtype) check_floating(x, "softmin");
  const Tensor n = neg(x);
  return softmax(dtype ? to_dtype(n, *dtype) : n, dim);
}
Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, true); }

Tensor maxout(const Tensor& x, int64_t pool_size, int64_t dim) {
  TG_CHECK(x.dim() >= 1, ValueError, "maxout: expected a tensor with at least 1 dim, got shape ", x.shape());
  const int64_t d = wrap_dim(dim, x.dim(), "maxout");
  TG_CHECK(pool_size >= 1 && x.size(d) % pool_size == 0, ValueError, "maxout: dim ", d, " of size ",
           x.size(d), " is not divisible into groups of pool_size ", pool_size, " (shape ", x.shape(), ")");
  Shape grouped = x.shape();
  grouped[d] = x.size(d) / pool_size;
  grouped.insert(grouped.begin() + d + 1, pool_size);
  return max_dim(reshape(x, grouped), d + 1).first;
}

}  // namespace tg
