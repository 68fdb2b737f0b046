// Activations: sigmoid, tanh, relu, leaky_relu, elu, gelu, softmax, log_softmax, maxout.
// Each records one node whose backward is a fused kernel (no temporaries).
#include "ops/elementwise_internal.h"
#include "tetragrad/functional.h"

namespace tg {

namespace {

void check_floating(const Tensor& x, const char* op) {
  TG_CHECK(is_floating(x.dtype()), TypeError, op, ": expected a floating-point tensor, got ",
           dtype_name(x.dtype()), " (shape ", x.shape(), ")");
}

// dx = act'(saved) * g, one pass.
Tensor activation_grad(ActGrad op, const Tensor& g, const Tensor& saved, double a, double b) {
  const Tensor gg = g.dtype() == saved.dtype() ? g : to_dtype(g, saved.dtype());
  Tensor dx = Tensor::empty(saved.shape(), saved.dtype(), saved.device());
  const LoopGeom geom = make_geom(saved.shape(), {&dx, &gg, &saved});
  kernels(saved.device())
      .activation.activation_backward(op, saved.dtype(), geom, dx.raw_data(), gg.raw_data(), saved.raw_data(),
                                      a, b);
  return dx;
}

// out = fwd(x), recorded as one node whose backward is `grad` on the saved input or output.
Tensor activation(const Tensor& x, UnaryOp fwd, ActGrad grad, const char* name, bool saves_output,
                  double a = 0.0, double b = 0.0) {
  Tensor out = unary_raw(fwd, x, a, b);
  if (needs_grad({&x}))
    record(out, name, {&x}, {saves_output ? out : x},
           [grad, a, b](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {activation_grad(grad, g, s[0], a, b)};
           });
  return out;
}

}  // namespace

Tensor sigmoid(const Tensor& x) {
  return activation(x, UnaryOp::Sigmoid, ActGrad::Sigmoid, "SigmoidBackward0", true);
}
Tensor tanh(const Tensor& x) { return activation(x, UnaryOp::Tanh, ActGrad::Tanh, "TanhBackward0", true); }
// The gradient is masked by the output (> 0), as torch's threshold_backward: a NaN in the
// incoming gradient stays out of the zeroed positions.
Tensor relu(const Tensor& x) { return activation(x, UnaryOp::Relu, ActGrad::Relu, "ReluBackward0", true); }

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  check_floating(x, "leaky_relu");
  return activation(x, UnaryOp::LeakyRelu, ActGrad::LeakyRelu, "LeakyReluBackward0", false, negative_slope);
}
Tensor elu(const Tensor& x, double alpha) {
  check_floating(x, "elu");
  return activation(x, UnaryOp::Elu, ActGrad::Elu, "EluBackward0", false, alpha);
}
Tensor gelu(const Tensor& x, bool tanh_approximation) {
  check_floating(x, "gelu");
  return tanh_approximation ? activation(x, UnaryOp::GeluTanh, ActGrad::GeluTanh, "GeluBackward0", false)
                            : activation(x, UnaryOp::Gelu, ActGrad::Gelu, "GeluBackward0", false);
}

Tensor silu(const Tensor& x) {
  check_floating(x, "silu");
  return activation(x, UnaryOp::Silu, ActGrad::Silu, "SiluBackward0", false);
}
Tensor softplus(const Tensor& x, double beta, double threshold) {
  check_floating(x, "softplus");
  return activation(x, UnaryOp::Softplus, ActGrad::Softplus, "SoftplusBackward0", false, beta, threshold);
}
Tensor log_sigmoid(const Tensor& x) {
  check_floating(x, "log_sigmoid");
  return activation(x, UnaryOp::LogSigmoid, ActGrad::LogSigmoid, "LogSigmoidBackward0", false);
}
Tensor hardtanh(const Tensor& x, double min_val, double max_val) {
  TG_CHECK(max_val >= min_val, ValueError, "hardtanh: min_val (", min_val, ") must not exceed max_val (",
           max_val, ")");
  TG_CHECK(x.dtype() != DType::Bool, TypeError, "hardtanh: not implemented for bool tensors (shape ",
           x.shape(), ")");
  return activation(x, UnaryOp::Clamp, ActGrad::Hardtanh, "HardtanhBackward0", false, min_val, max_val);
}
Tensor selu(const Tensor& x) {
  check_floating(x, "selu");
  return activation(x, UnaryOp::Selu, ActGrad::Selu, "EluBackward0", false);
}
Tensor mish(const Tensor& x) {
  check_floating(x, "mish");
  return activation(x, UnaryOp::Mish, ActGrad::Mish, "MishBackward0", false);
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
