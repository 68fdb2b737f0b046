// Unary elementwise ops (exp, log, tanh, relu, clamp, ...) and their backward formulas.
#include <cmath>
#include <limits>

#include "ops/elementwise_internal.h"
#include "tetragrad/functional.h"

namespace tg {

const PointwiseInfo* pointwise_info(UnaryOp op) {
  switch (op) {
#define TG_INFO_CASE(Name, fn, py, rule, saves, node, ...)                         \
  case UnaryOp::Name: {                                                            \
    static constexpr PointwiseInfo info{#fn, node, DTypeRule::rule, Saves::saves}; \
    return &info;                                                                  \
  }
    TG_POINTWISE_OPS(TG_INFO_CASE)
#undef TG_INFO_CASE
    default:
      return nullptr;
  }
}

namespace {
// The dtype a unary op computes in: a list entry's DTypeRule, or the hand-written ops' rules.
DType unary_compute_dtype(UnaryOp op, const Tensor& t, double p0) {
  DType ct = t.dtype();
  if (const PointwiseInfo* info = pointwise_info(op)) {
    switch (info->rule) {
      case DTypeRule::Float:
        return is_floating(ct) ? ct : default_dtype();
      case DTypeRule::FloatOnly:
        TG_CHECK(is_floating(ct), TypeError, info->name, ": expected a floating-point tensor, got ",
                 dtype_name(ct), " (shape ", t.shape(), ")");
        return ct;
      case DTypeRule::Numeric:
        TG_CHECK(ct != DType::Bool, TypeError, info->name, ": not implemented for bool tensors (shape ",
                 t.shape(), ")");
        return ct;
    }
  }
  TG_CHECK(op != UnaryOp::BitNot || !is_floating(ct), TypeError,
           "bitwise_not: only integer and bool tensors are supported, got ", dtype_name(ct));
  if (op == UnaryOp::Neg && ct == DType::Bool)
    throw TypeError(msg("neg: negation, the `-` operator, on a bool tensor is not supported (shape ",
                        t.shape(), "); use ~ or logical_not"));
  if ((op == UnaryOp::Square || op == UnaryOp::PowScalar) && ct == DType::Bool) ct = DType::Int64;
  if (op == UnaryOp::PowScalar && !is_floating(ct) && p0 != std::floor(p0)) ct = default_dtype();
  TG_CHECK(!(op == UnaryOp::PowScalar && !is_floating(ct) && p0 < 0), ValueError,
           "pow: integers to negative integer powers are not allowed");
  return ct;
}
}  // namespace

Tensor unary_raw(UnaryOp op, const Tensor& t, double p0, double p1) {
  const bool bool_out = op == UnaryOp::LogicalNot || op == UnaryOp::IsNan || op == UnaryOp::IsFinite ||
                        op == UnaryOp::IsInf || op == UnaryOp::IsPosInf || op == UnaryOp::IsNegInf ||
                        op == UnaryOp::SignBit;
  const DType rt = unary_compute_dtype(op, t, p0), ct = kernel_dtype(rt);
  Tensor x = cast(t, ct);
  Tensor out = Tensor::empty(t.shape(), bool_out ? DType::Bool : ct, t.device());
  LoopGeom g = make_geom(t.shape(), {&out, &x});
  kernels(t.device()).elementwise.unary(op, ct, g, out.raw_data(), x.raw_data(), p0, p1);
  return bool_out ? out : cast(out, rt);  // a storage dtype: rounded once
}

// dx = g * d op/dx from the saved input or output, one fused pass.
Tensor pointwise_backward(UnaryOp op, const Tensor& g, const Tensor& saved, double a, double b) {
  const DType ct = kernel_dtype(saved.dtype());
  const Tensor gg = cast(g, ct), s = cast(saved, ct);
  Tensor dx = new_empty(s, s.shape(), ct);
  const LoopGeom geom = make_geom(s.shape(), {&dx, &gg, &s});
  kernels(s.device())
      .elementwise.unary_backward(op, ct, geom, dx.raw_data(), gg.raw_data(), s.raw_data(), a, b);
  return cast(dx, saved.dtype());
}

Tensor pointwise(UnaryOp op, const Tensor& x, double a, double b) {
  const PointwiseInfo& info = *pointwise_info(op);
  Tensor out = unary_raw(op, x, a, b);
  if (needs_grad({&x}))
    record(out, info.node, {&x}, {info.saves == Saves::Output ? out : x},
           [op, a, b](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {pointwise_backward(op, g, s[0], a, b)};
           });
  return out;
}

// One function per TG_UNARY_MATH_OPS and TG_ACTIVATION_OPS entry.
#define TG_DEFINE_POINTWISE(Name, fn, py, rule, saves, node, np, p0, d0, p1, d1) \
  Tensor fn(const Tensor& x TG_PW_PARAMS_##np(p0, p1)) {                         \
    return pointwise(UnaryOp::Name, x TG_PW_ARGS_##np(p0, p1));                  \
  }
TG_UNARY_MATH_OPS(TG_DEFINE_POINTWISE)
TG_ACTIVATION_OPS(TG_DEFINE_POINTWISE)
#undef TG_DEFINE_POINTWISE

static Tensor zeros_like_t(const Tensor& t) { return new_zeros(t, t.shape(), t.dtype()); }

Tensor neg(const Tensor& t) {
  Tensor out = unary_raw(UnaryOp::Neg, t);
  if (needs_grad({&t}))
    record(out, "NegBackward0", {&t}, {},
           [](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList { return {neg(g)}; });
  return out;
}
// sign's gradient is zero everywhere (torch's SignBackward0).
Tensor sign(const Tensor& t) {
  Tensor out = unary_raw(UnaryOp::Sign, t);
  if (needs_grad({&t}))
    record(out, "SignBackward0", {&t}, {},
           [](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList {
             return {zeros_like_t(g)};
           });
  return out;
}
Tensor pow(const Tensor& a, double e) { return pow(a, wrap_scalar(e)); }
Tensor clamp(const Tensor& t, std::optional<double> lo, std::optional<double> hi) {
  TG_CHECK(lo || hi, ValueError, "clamp: at least one of 'min' or 'max' must not be None");
  const double l = lo ? *lo : -std::numeric_limits<double>::infinity();
  const double h = hi ? *hi : std::numeric_limits<double>::infinity();
  Tensor out = unary_raw(UnaryOp::Clamp, t, l, h);
  if (needs_grad({&t}))
    record(out, "ClampBackward1", {&t}, {t},
           [l, h](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             Tensor in = logical(BinaryOp::LogicalAnd, compare(BinaryOp::Ge, s[0], wrap_scalar(l)),
                                 compare(BinaryOp::Le, s[0], wrap_scalar(h)));
             return {where(in, g, new_zeros(g, {}, g.dtype()))};
           });
  return out;
}

Tensor clamp(const Tensor& t, const Tensor& lo, const Tensor& hi) {
  TG_CHECK(lo.defined() || hi.defined(), ValueError,
           "clamp: at least one of 'min' or 'max' must not be None");
  DType ct = t.dtype();
  for (const Tensor* b : {&lo, &hi})
    if (b->defined()) ct = promote_types(ct, result_type(t, *b));
  Tensor x = cast(t, ct);
  // The scalar kernel carries its bounds as double: integer results take the exact where() path.
  // Only CPU bounds are read on the host (a device's would sync: the where() path serves them).
  auto on_host = [](const Tensor& b) {
    return !b.defined() || (b.dim() == 0 && b.device().type == DeviceType::CPU);
  };
  const bool scalar_bounds = is_floating(ct) && on_host(lo) && on_host(hi) && !any_requires_grad({&lo, &hi});
  if (scalar_bounds)
    return clamp(x, lo.defined() ? std::optional<double>(lo.item()) : std::nullopt,
                 hi.defined() ? std::optional<double>(hi.item()) : std::nullopt);
  // Tensor bounds: min(max(x, lo), hi), a NaN in any of the three wins (as torch's).
  auto picks = [&](BinaryOp beyond, const Tensor& out, const Tensor& b) {
    Tensor p = compare(beyond, out, b);
    return is_floating(ct) ? logical(BinaryOp::LogicalOr, p, unary_raw(UnaryOp::IsNan, b)) : p;
  };
  Tensor out;
  {
    NoGradGuard ng;
    out = x.detach();
    if (lo.defined()) out = where(picks(BinaryOp::Lt, out, lo.detach()), cast(lo.detach(), ct), out);
    if (hi.defined()) out = where(picks(BinaryOp::Gt, out, hi.detach()), cast(hi.detach(), ct), out);
  }
  if (needs_grad({&t, &lo, &hi}))
    // torch's clamp_backward_min_max: the input inside [lo, hi] keeps its gradient; lo gets it
    // where it clamped (and lo < hi); hi where it clamped or lies below lo.
    record(out, "ClampBackward0", {&t, &lo, &hi}, {t, lo, hi},
           [](const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             const Tensor &x = s[0], &l = s[1], &h = s[2];
             const Tensor zero = new_zeros(g, {}, g.dtype());
             auto both = [](const Tensor& a, const Tensor& b) { return logical(BinaryOp::LogicalAnd, a, b); };
             auto either = [](const Tensor& a, const Tensor& b) {
               return logical(BinaryOp::LogicalOr, a, b);
             };
             Tensor gx, gl, gh;
             if (n.needs(0)) {
               Tensor in = l.defined() ? compare(BinaryOp::Ge, x, l) : Tensor();
               if (h.defined())
                 in = in.defined() ? both(in, compare(BinaryOp::Le, x, h)) : compare(BinaryOp::Le, x, h);
               gx = reduce_grad(where(in, g, zero), x);
             }
             if (n.needs(1)) {
               Tensor p = compare(BinaryOp::Lt, x, l);
               if (h.defined()) p = both(p, compare(BinaryOp::Lt, l, h));
               gl = reduce_grad(where(p, g, zero), l);
             }
             if (n.needs(2)) {
               Tensor p = compare(BinaryOp::Gt, x, h);
               if (l.defined()) p = either(p, compare(BinaryOp::Lt, h, l));
               gh = reduce_grad(where(p, g, zero), h);
             }
             return {gx, gl, gh};
           });
  return out;
}

Tensor unary(UnaryOp op, const Tensor& t) {
  switch (op) {
    case UnaryOp::Neg:
      return neg(t);
    case UnaryOp::Sign:
      return sign(t);
#define TG_UNARY_CASE(Name, fn, ...) \
  case UnaryOp::Name:                \
    return fn(t);
      TG_UNARY_MATH_OPS(TG_UNARY_CASE)
#undef TG_UNARY_CASE
    case UnaryOp::Square:
      return pow(t, wrap_scalar(int64_t(2)));  // an int tensor stays int
    case UnaryOp::LogicalNot:
    case UnaryOp::IsNan:
    case UnaryOp::IsFinite:
    case UnaryOp::IsInf:
    case UnaryOp::IsPosInf:
    case UnaryOp::IsNegInf:
    case UnaryOp::SignBit:
    case UnaryOp::BitNot:
      return unary_raw(op, t);
    default:
      throw ValueError("unary: this op takes parameters; call it by name");
  }
}

Tensor& unary_(UnaryOp op, Tensor& self, double a, double b) {
  if (inplace_records(self, nullptr)) {
    Tensor src = clone(self), r;
    switch (op) {
      case UnaryOp::PowScalar:
        r = pow(src, wrap_scalar(a));
        break;
      case UnaryOp::Clamp:
        r = clamp(src, a, b);
        break;
      default:
        r = unary(op, src);
    }
    return commit_inplace(self, r, "unary_");
  }
  Tensor r = unary_raw(op, self, a, b);
  TG_CHECK(can_cast(r.dtype(), self.dtype()), TypeError, "unary_: result type ", dtype_name(r.dtype()),
           " can't be cast to the desired output type ", dtype_name(self.dtype()));
  copy_(self, r);
  return self;
}

Tensor& clamp_(Tensor& self, const Tensor& lo, const Tensor& hi) {
  for (const Tensor* b : {&lo, &hi})
    TG_CHECK(!b->defined() || broadcast_shapes(self.shape(), b->shape(), "clamp_") == self.shape(),
             ValueError, "clamp_: bound of shape ", b->shape(), " doesn't broadcast to the output shape ",
             self.shape());
  // The scalar-bound clamp saves its input for backward: give it a copy, not self.
  Tensor r = clamp(needs_grad({&self, &lo, &hi}) ? clone(self) : self, lo, hi);
  TG_CHECK(can_cast(r.dtype(), self.dtype()), TypeError, "clamp_: result type ", dtype_name(r.dtype()),
           " can't be cast to the desired output type ", dtype_name(self.dtype()));
  return commit_inplace(self, r, "clamp_");
}

Tensor& clamp_(Tensor& self, std::optional<double> lo, std::optional<double> hi) {
  TG_CHECK(lo || hi, ValueError, "clamp_: at least one of 'min' or 'max' must not be None");
  return unary_(UnaryOp::Clamp, self, lo ? *lo : -std::numeric_limits<double>::infinity(),
                hi ? *hi : std::numeric_limits<double>::infinity());
}

}  // namespace tg
