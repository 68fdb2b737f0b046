// Losses: MSE, L1, BCE, BCE with logits (one fused elementwise node each), NLL (one node),
// cross-entropy (log_softmax + NLL, label smoothing and probability targets composed), KL
// divergence (composed).
#include <cmath>

#include "ops/elementwise_internal.h"
#include "tetragrad/functional.h"

namespace tg {

Reduction parse_reduction(const std::string& name, const char* op) {
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  if (name == "none") return Reduction::None;
  throw ValueError(
      msg(op, ": '", name, "' is not a valid value for reduction (expected 'none', 'mean' or 'sum')"));
}

namespace {

Tensor apply_reduction(const Tensor& l, Reduction r) {
  if (r == Reduction::None) return l;
  return r == Reduction::Sum ? sum(l) : mean(l);
}

// An optional per-element tensor (weight, pos_weight) must broadcast to the input's shape.
void check_broadcasts_to(const Tensor& w, const Shape& shape, const char* what, const char* op) {
  if (!w.defined()) return;
  TG_CHECK(broadcasts_to(w.shape(), shape), ValueError, op, ": ", what, " of shape ", w.shape(),
           " does not broadcast to the input's shape ", shape);
}

// l(input, target, aux) elementwise, reduced, as one node (gradients to all three).
Tensor pointwise_loss(LossOp op, const char* name, const char* node_name, const Tensor& input,
                      const Tensor& target, const Tensor& aux, Reduction r, double param = 0.0) {
  check_floating(input, name);
  if (is_storage_only(input.dtype()))  // float16/bfloat16: in float32, rounded once
    return to_dtype(
        pointwise_loss(op, name, node_name, to_dtype(input, DType::Float32), target, aux, r, param),
        input.dtype());
  TG_CHECK(input.shape() == target.shape(), ValueError, name, ": input ", input.shape(), " and target ",
           target.shape(), " have different shapes (PyTorch would broadcast them, which is usually a bug)");
  const DType dt = input.dtype();
  const Tensor t = cast(target, dt);
  const Tensor a = aux.defined() ? cast(aux, dt) : scalar_tensor(1.0, dt);
  Tensor l = Tensor::empty(input.shape(), dt, input.device());
  const LoopGeom geom = make_geom(input.shape(), {&l, &input, &t, &a});
  const KernelStatus st = kernels(input.device())
                              .loss.pointwise_loss(op, dt, geom, l.raw_data(), input.raw_data(), t.raw_data(),
                                                   a.raw_data(), param);
  TG_CHECK(st != KernelStatus::InputOutOfRange, ValueError, name,
           ": all elements of input should be between 0 and 1 (input shape ", input.shape(), ")");
  Tensor out;
  {
    NoGradGuard ng;
    out = apply_reduction(l, r);
  }
  if (needs_grad({&input, &t, &a})) {
    const double scale = r == Reduction::Mean ? 1.0 / double(input.numel()) : 1.0;
    record(out, node_name, {&input, &t, aux.defined() ? &a : nullptr}, {input, t, a},
           [op, scale, param, aux_shape = a.shape()](const Tensor& g, const TensorList& s,
                                                     const FunctionNode& n) -> TensorList {
             const Tensor gg = g.dtype() == s[0].dtype() ? g : to_dtype(g, s[0].dtype());
             auto grad_wrt = [&](LossWrt wrt) {
               Tensor d = Tensor::empty(s[0].shape(), s[0].dtype(), s[0].device());
               const LoopGeom geom = make_geom(s[0].shape(), {&d, &gg, &s[0], &s[1], &s[2]});
               kernels(d.device())
                   .loss.pointwise_loss_backward(op, wrt, d.dtype(), geom, d.raw_data(), gg.raw_data(),
                                                 s[0].raw_data(), s[1].raw_data(), s[2].raw_data(), param,
                                                 scale);
               return d;
             };
             TensorList grads(3);
             if (n.needs(0)) grads[0] = grad_wrt(LossWrt::Input);
             if (n.needs(1)) grads[1] = grad_wrt(LossWrt::Target);
             if (n.needs(2)) grads[2] = sum_to(grad_wrt(LossWrt::Aux), aux_shape);
             return grads;
           });
  }
  return out;
}

// A per-element weight: the unreduced loss times weight, then reduced (autograd composes).
Tensor weighted(const Tensor& loss, const Tensor& weight, Reduction r) {
  return apply_reduction(mul(loss, cast(weight, loss.dtype())), r);
}

// mse, l1 and smooth_l1 compute in input's and target's promoted dtype, as torch's (float32
// input, float64 target: a float64 loss); huber and the BCEs keep input's dtype, also as torch.
Tensor promoted_loss(LossOp op, const char* name, const char* node_name, const Tensor& input,
                     const Tensor& target, Reduction r, double param = 0.0) {
  check_floating(input, name);
  return pointwise_loss(op, name, node_name, cast(input, result_type(input, target)), target, {}, r, param);
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction r) {
  return promoted_loss(LossOp::Mse, "mse_loss", "MseLossBackward0", input, target, r);
}
Tensor kl_div(const Tensor& input, const Tensor& target, const std::string& reduction, bool log_target) {
  TG_CHECK(reduction == "none" || reduction == "batchmean" || reduction == "sum" || reduction == "mean",
           ValueError, "kl_div: '", reduction,
           "' is not a valid value for reduction (expected 'none', 'batchmean', 'sum' or 'mean')");
  for (const auto& [what, t] : {std::pair<const char*, const Tensor*>{"input", &input}, {"target", &target}})
    TG_CHECK(is_floating(t->dtype()), TypeError, "kl_div: expected a floating-point ", what, ", got ",
             dtype_name(t->dtype()), " (shape ", t->shape(), ")");
  TG_CHECK(input.shape() == target.shape(), ValueError, "kl_div: input ", input.shape(), " and target ",
           target.shape(), " have different shapes (PyTorch would broadcast them, which is usually a bug)");
  Tensor loss;
  if (log_target) {
    loss = mul(exp(target), sub(target, input));
  } else {
    // xlogy(target, target): 0 where target == 0. The unselected branch is NaN there, so the
    // gradient w.r.t. target is NaN at 0, as torch's (whose xlogy backward is t / t).
    const Tensor xlogx = where(compare(BinaryOp::Eq, target, wrap_scalar(0.0)),
                               new_zeros(target, {}, target.dtype()), mul(target, log(target)));
    loss = sub(xlogx, mul(target, input));
  }
  if (reduction == "none") return loss;
  if (reduction == "mean") return mean(loss);
  const Tensor total = sum(loss);
  if (reduction == "batchmean" && input.dim() != 0) return div(total, wrap_scalar(double(input.size(0))));
  return total;
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction r) {
  // Integer operands: |input - target| in integers (torch's; no gradient, and "mean" raises).
  if (!is_floating(input.dtype()) && !is_floating(target.dtype()) && input.dtype() != DType::Bool &&
      target.dtype() != DType::Bool) {
    TG_CHECK(input.shape() == target.shape(), ValueError, "l1_loss: input and target have different shapes (",
             input.shape(), " and ", target.shape(), ")");
    Tensor d = abs(sub(input, target));
    return r == Reduction::None ? d : r == Reduction::Sum ? sum(d) : mean(d);
  }
  return promoted_loss(LossOp::L1, "l1_loss", "L1LossBackward0", input, target, r);
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction r, double beta) {
  TG_CHECK(beta >= 0.0, ValueError, "smooth_l1_loss: beta must be >= 0, got ", beta);
  return promoted_loss(LossOp::SmoothL1, "smooth_l1_loss", "SmoothL1LossBackward0", input, target, r, beta);
}
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction r, double delta) {
  TG_CHECK(delta > 0.0, ValueError, "huber_loss: delta must be > 0, got ", delta);
  return pointwise_loss(LossOp::Huber, "huber_loss", "HuberLossBackward0", input, target, {}, r, delta);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, Reduction r) {
  const char* op = "binary_cross_entropy";
  check_broadcasts_to(weight, input.shape(), "weight", op);  // the kernel checks input in [0, 1]
  if (!weight.defined())
    return pointwise_loss(LossOp::Bce, op, "BinaryCrossEntropyBackward0", input, target, {}, r);
  return weighted(
      pointwise_loss(LossOp::Bce, op, "BinaryCrossEntropyBackward0", input, target, {}, Reduction::None),
      weight, r);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight,
                                        Reduction r, const Tensor& pos_weight) {
  const char* op = "binary_cross_entropy_with_logits";
  check_broadcasts_to(weight, input.shape(), "weight", op);
  check_broadcasts_to(pos_weight, input.shape(), "pos_weight", op);
  const char* node = "BinaryCrossEntropyWithLogitsBackward0";
  // torch's loss has the target's dtype (its formula runs in place on a copy of the target): a
  // float32 input with a float64 target gives float64, the reverse float32. Computed in the
  // promoted dtype, then rounded to the target's.
  check_floating(input, op);
  const bool retype = is_floating(target.dtype()) && target.dtype() != input.dtype();
  const Tensor x = retype ? cast(input, result_type(input, target)) : input;
  Tensor loss =
      weight.defined()
          ? weighted(pointwise_loss(LossOp::BceLogits, op, node, x, target, pos_weight, Reduction::None),
                     weight, r)
          : pointwise_loss(LossOp::BceLogits, op, node, x, target, pos_weight, r);
  return retype ? cast(loss, target.dtype()) : loss;
}

// ---- NLL and cross-entropy ------------------------------------------------------------------
namespace {

struct ClassLayout {
  int64_t N, C, inner;
};

// input [N, C, d...] with target [N, d...], or input [C] with a 0-d target.
ClassLayout class_layout(const Tensor& input, const Tensor& target, const char* op) {
  TG_CHECK(input.dim() >= 1, ValueError, op, ": input must have at least 1 dim (classes), got shape ",
           input.shape());
  if (input.dim() == 1) {
    TG_CHECK(target.dim() == 0, ValueError, op, ": for an input of shape ", input.shape(),
             " (one sample, C classes) the target must be a 0-d class index, got shape ", target.shape());
    return {1, input.size(0), 1};
  }
  Shape expect = input.shape();
  expect.erase(expect.begin() + 1);
  TG_CHECK(target.shape() == expect, ValueError, op, ": expected target of shape ", expect,
           " for input of shape ", input.shape(), " (input [N, C, d...] -> target [N, d...]), got ",
           target.shape());
  const int64_t N = input.size(0), C = input.size(1);
  return {N, C, N * C == 0 ? 0 : input.numel() / (N * C)};
}

Tensor class_weight(const Tensor& weight, int64_t C, DType dt, const char* op) {
  if (!weight.defined()) return {};
  TG_CHECK(weight.dim() == 1 && weight.size(0) == C, ValueError, op, ": weight of shape ", weight.shape(),
           " does not match the ", C, " classes (expected shape [", C, "])");
  return contiguous(to_dtype(weight.detach(), dt));
}

// `op`: the name errors carry (cross_entropy reaches this through its log-probabilities).
Tensor nll_loss_named(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t ignore_index,
                      Reduction r, const char* op) {
  check_floating(input, op);
  if (is_storage_only(input.dtype()))  // float16/bfloat16: in float32, rounded once
    return to_dtype(nll_loss_named(to_dtype(input, DType::Float32), target, weight, ignore_index, r, op),
                    input.dtype());
  TG_CHECK(target.dtype() == DType::Int64, TypeError, op, ": expected int64 class indices as target, got ",
           dtype_name(target.dtype()), " (target shape ", target.shape(), ")");
  const ClassLayout c = class_layout(input, target, op);
  const DType dt = input.dtype();
  const Tensor w = class_weight(weight, c.C, dt, op);
  const Tensor x = input.is_contiguous() ? input : contiguous(input.detach());
  const Tensor t = contiguous(target.detach());
  Tensor per_sample = r == Reduction::None ? Tensor::empty(target.shape(), dt, input.device()) : Tensor();
  double sums[2] = {0, 0};
  const BadIndex bad =
      kernels(input.device())
          .loss.nll_loss(dt, per_sample.defined() ? per_sample.raw_data() : nullptr, sums, x.raw_data(),
                         t.data<int64_t>(), w.defined() ? w.raw_data() : nullptr, c.N, c.C, c.inner,
                         ignore_index);
  if (bad.pos >= 0)
    throw IndexError(msg(op, ": target ", bad.value, " is out of bounds for ", c.C, " classes (input shape ",
                         input.shape(), ", target shape ", target.shape(), ")"));
  Tensor out = r == Reduction::None ? per_sample
                                    : scalar_tensor(r == Reduction::Sum ? sums[0] : sums[0] / sums[1], dt);
  if (needs_grad({&input})) {
    const double scale = r == Reduction::Mean ? 1.0 / sums[1] : 1.0;
    record(out, "NllLossBackward0", {&input}, {t},
           [c, w, r, scale, ignore_index, shape = input.shape()](const Tensor& g, const TensorList& s,
                                                                 const FunctionNode&) -> TensorList {
             Tensor dx = new_zeros(g, shape, w.defined() ? w.dtype() : g.dtype());
             const Tensor gc = contiguous(to_dtype(g, dx.dtype()));
             const bool per_elem = r == Reduction::None;
             kernels(dx.device())
                 .loss.nll_loss_backward(dx.dtype(), dx.raw_data(), gc.raw_data(), per_elem ? 1 : 0, scale,
                                         s[0].data<int64_t>(), w.defined() ? w.raw_data() : nullptr, c.N, c.C,
                                         c.inner, ignore_index);
             return {dx};
           });
  }
  return out;
}

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t ignore_index,
                Reduction r) {
  return nll_loss_named(input, target, weight, ignore_index, r, "nll_loss");
}

Tensor cross_entropy(const Tensor& input_, const Tensor& target, const Tensor& weight, int64_t ignore_index,
                     Reduction r, double label_smoothing) {
  const char* op = "cross_entropy";
  TG_CHECK(label_smoothing >= 0.0 && label_smoothing <= 1.0, ValueError, op,
           ": label_smoothing must be between 0.0 and 1.0, got ", label_smoothing);
  check_floating(input_, op);
  // Class probabilities: computed in input's and target's promoted dtype, as torch's.
  const Tensor input = is_floating(target.dtype()) ? cast(input_, result_type(input_, target)) : input_;
  TG_CHECK(input.dim() >= 1, ValueError, op, ": input must have at least 1 dim (classes), got shape ",
           input.shape());
  const int64_t class_dim = input.dim() == 1 ? 0 : 1;
  const int64_t C = input.size(class_dim);
  const Tensor logp = log_softmax(input, class_dim);
  // The weight as [C] broadcast along the class dim of an [N, C, d...] tensor.
  Tensor w_b;
  if (weight.defined()) {
    class_weight(weight, C, input.dtype(), op);  // validates
    Shape ws(input.dim(), 1);
    ws[class_dim] = C;
    w_b = reshape(cast(weight, input.dtype()), ws);
  }

  if (is_floating(target.dtype())) {  // class probabilities
    TG_CHECK(ignore_index == -100, ValueError, op,
             ": ignore_index is not supported for class-probability "
             "(floating point) targets, got ignore_index=",
             ignore_index);
    TG_CHECK(target.shape() == input.shape(), ValueError, op, ": the target must be int64 class indices (",
             dtype_name(target.dtype()), " given) or class probabilities of the input's shape ",
             input.shape(), " (shape ", target.shape(), " given); for indices, pass target.long()");
    Tensor tp = cast(target, input.dtype());
    if (label_smoothing > 0)
      tp = add(mul(tp, wrap_scalar(1.0 - label_smoothing)), wrap_scalar(label_smoothing / C));
    Tensor prod = mul(logp, tp);
    if (w_b.defined()) prod = mul(prod, w_b);
    Tensor loss = neg(sum(prod, {class_dim}));
    if (r == Reduction::None) return loss;
    if (r == Reduction::Sum) return sum(loss);
    const int64_t batch = C == 0 ? 0 : input.numel() / C;
    return div(sum(loss), wrap_scalar(double(batch)));
  }

  Tensor nll = nll_loss_named(logp, target, weight, ignore_index, r, op);
  if (label_smoothing == 0.0) return nll;
  // PyTorch's label smoothing: (1 - eps) nll + eps / C * smooth, where smooth is the
  // (weighted) sum of -log p over classes, zero at ignored targets, normalised like nll.
  const Tensor ignore_mask = compare(BinaryOp::Eq, target, wrap_scalar(ignore_index));
  Tensor smooth = neg(sum(w_b.defined() ? mul(logp, w_b) : logp, {class_dim}));
  smooth = masked_fill(smooth, ignore_mask, new_zeros(smooth, {}, smooth.dtype()));
  Tensor ret;
  if (r == Reduction::None) {
    ret = smooth;
  } else if (r == Reduction::Sum) {
    ret = sum(smooth);
  } else {
    Tensor denom;
    {
      NoGradGuard ng;
      const Tensor kept = masked_select(target, unary(UnaryOp::LogicalNot, ignore_mask));
      denom = w_b.defined() ? sum(index_select(to_dtype(weight.detach(), input.dtype()), 0, kept))
                            : scalar_tensor(double(kept.numel()), input.dtype());
    }
    ret = div(sum(smooth), denom);
  }
  return add(mul(nll, wrap_scalar(1.0 - label_smoothing)),
             mul(ret, wrap_scalar(label_smoothing / double(C))));
}

}  // namespace tg
