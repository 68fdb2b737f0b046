// Binary and ternary math: atan2, hypot, fmod, logaddexp/logaddexp2, xlogy (one kernel pass
// each, their backwards from torch's formulas), and the combinations lerp, addcmul, addcdiv,
// round(decimals), nan_to_num (re-arrangements of existing passes; their autograd comes with them).
#include <cmath>
#include <limits>

#include "ops/elementwise_internal.h"

namespace tg {

namespace {

// Record out = op(a, b) with its gradients (da, db) = fn(g, a, b, out), each reduced to its input.
template <class F>
Tensor with_grads(Tensor out, const char* node, const Tensor& a, const Tensor& b, F fn) {
  if (needs_grad({&a, &b}))
    record(out, node, {&a, &b}, {cast(a, out.dtype()), cast(b, out.dtype()), out},
           [fn, sa = a.shape(), da = a.dtype(), sb = b.shape(), db = b.dtype()](
               const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             auto [ga, gb] = fn(g, s[0], s[1], s[2], n);
             return {ga.defined() ? reduce_grad(ga, sa, da) : Tensor(),
                     gb.defined() ? reduce_grad(gb, sb, db) : Tensor()};
           });
  return out;
}

using Grads = std::pair<Tensor, Tensor>;

}  // namespace

Tensor atan2(const Tensor& a, const Tensor& b) {
  return with_grads(
      binary_raw(BinaryOp::Atan2, a, b), "Atan2Backward0", a, b,
      [](const Tensor& g, const Tensor& x, const Tensor& y, const Tensor&, const FunctionNode& n) {
        // d/dx = y / (x^2 + y^2), d/dy = -x / (x^2 + y^2); 0 at the origin, as torch
        Tensor den = add(mul(x, x), mul(y, y));
        Tensor r =
            where(compare(BinaryOp::Eq, den, wrap_scalar(0.0)), new_zeros(g, {}, g.dtype()), div(g, den));
        return Grads{n.needs(0) ? mul(r, y) : Tensor(), n.needs(1) ? mul(neg(r), x) : Tensor()};
      });
}

Tensor hypot(const Tensor& a, const Tensor& b) {
  return with_grads(
      binary_raw(BinaryOp::Hypot, a, b), "HypotBackward0", a, b,
      [](const Tensor& g, const Tensor& x, const Tensor& y, const Tensor& out, const FunctionNode& n) {
        Tensor r = div(g, out);  // d/dx = x / hypot, d/dy = y / hypot
        return Grads{n.needs(0) ? mul(r, x) : Tensor(), n.needs(1) ? mul(r, y) : Tensor()};
      });
}

Tensor fmod(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Fmod, a, b);
  if (!is_floating(out.dtype())) return out;
  return with_grads(
      out, "FmodBackward0", a, b,
      [](const Tensor& g, const Tensor& x, const Tensor& y, const Tensor&, const FunctionNode& n) {
        // d/dx = 1, d/dy = -trunc(x / y)
        return Grads{n.needs(0) ? g : Tensor(), n.needs(1) ? neg(mul(g, trunc_divide(x, y))) : Tensor()};
      });
}

namespace {
// log(e^a + e^b) in base e (LogAddExp) or 2: d/da = 1 / (1 + base^(b - a)), the softmax weight of a.
Tensor log_add_exp(BinaryOp op, const char* node, const Tensor& a, const Tensor& b) {
  return with_grads(
      binary_raw(op, a, b), node, a, b,
      [op](const Tensor& g, const Tensor& x, const Tensor& y, const Tensor&, const FunctionNode& n) {
        auto weight_of = [&](const Tensor& d) {  // 1 + base^d
          return add(wrap_scalar(1.0), op == BinaryOp::LogAddExp ? exp(d) : exp2(d));
        };
        return Grads{n.needs(0) ? div(g, weight_of(sub(y, x))) : Tensor(),
                     n.needs(1) ? div(g, weight_of(sub(x, y))) : Tensor()};
      });
}
}  // namespace

Tensor logaddexp(const Tensor& a, const Tensor& b) {
  return log_add_exp(BinaryOp::LogAddExp, "LogaddexpBackward0", a, b);
}
Tensor logaddexp2(const Tensor& a, const Tensor& b) {
  return log_add_exp(BinaryOp::LogAddExp2, "Logaddexp2Backward0", a, b);
}

Tensor xlogy(const Tensor& a, const Tensor& b) {
  return with_grads(
      binary_raw(BinaryOp::Xlogy, a, b), "XlogyBackward0", a, b,
      [](const Tensor& g, const Tensor& x, const Tensor& y, const Tensor&, const FunctionNode& n) {
        // d/dx = log y (torch: xlogy(g, y), 0 where x == 0 and y <= 0), d/dy = x / y
        Tensor gx, gy;
        if (n.needs(0)) {
          const Tensor zero = wrap_scalar(0.0);
          Tensor off =
              logical(BinaryOp::LogicalAnd, compare(BinaryOp::Eq, x, zero), compare(BinaryOp::Le, y, zero));
          gx = where(off, new_zeros(g, {}, g.dtype()), xlogy(g, y));
        }
        if (n.needs(1)) gy = mul(g, div(x, y));
        return Grads{gx, gy};
      });
}

namespace {
// d/dx P(a, x) = x^(a-1) e^-x / Gamma(a) (Q: its negative); torch has no derivative in a.
Tensor incomplete_gamma(BinaryOp op, const char* node, const Tensor& a, const Tensor& x) {
  const bool upper = op == BinaryOp::Gammaincc;
  return with_grads(
      binary_raw(op, a, x), node, a, x,
      [upper](const Tensor& g, const Tensor& av, const Tensor& xv, const Tensor&, const FunctionNode& n) {
        TG_CHECK(!n.needs(0), StateError, upper ? "gammaincc" : "gammainc",
                 ": the derivative for 'input' (a) is not implemented (as torch's)");
        const Tensor density = exp(sub(sub(mul(sub(av, wrap_scalar(1.0)), log(xv)), xv), lgamma(av)));
        return Grads{Tensor(), mul(upper ? neg(g) : g, density)};
      });
}
}  // namespace

Tensor gammainc(const Tensor& a, const Tensor& x) {
  return incomplete_gamma(BinaryOp::Gammainc, "SpecialGammaincBackward0", a, x);
}
Tensor gammaincc(const Tensor& a, const Tensor& x) {
  return incomplete_gamma(BinaryOp::Gammaincc, "SpecialGammainccBackward0", a, x);
}

// torch's lerp: start + w (end - start) for |w| < 0.5, end - (end - start)(1 - w) beyond, so
// w = 1 gives end exactly.
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight) {
  TG_CHECK(is_floating(start.dtype()), TypeError, "lerp: expected a floating input, got ",
           dtype_name(start.dtype()));
  TG_CHECK(
      end.dtype() == start.dtype() && (weight.impl()->is_wrapped_number || weight.dtype() == start.dtype()),
      TypeError, "lerp: expected start (", dtype_name(start.dtype()), "), end (", dtype_name(end.dtype()),
      ") and weight (", dtype_name(weight.dtype()), ") of one dtype");
  const Tensor w = cast(weight, start.dtype());
  Tensor diff = sub(end, start);
  Tensor low = add(start, mul(w, diff));
  Tensor high = sub(end, mul(diff, sub(wrap_scalar(1.0), w)));
  return where(compare(BinaryOp::Lt, abs(w.detach()), wrap_scalar(0.5)), low, high);
}

Tensor lerp(const Tensor& start, const Tensor& end, double weight) {
  return lerp(start, end, wrap_scalar(weight));
}

Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  return add(input, mul(t1, t2), value);
}

Tensor addcdiv(const Tensor& input, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  TG_CHECK(is_floating(t1.dtype()) || is_floating(t2.dtype()), TypeError,
           "addcdiv: integer division with addcdiv is no longer supported (tensor1 ", dtype_name(t1.dtype()),
           ", tensor2 ", dtype_name(t2.dtype()), "); use addcmul(input, tensor1, 1 / tensor2) instead");
  return add(input, div(t1, t2), value);
}

Tensor round(const Tensor& x, int64_t decimals) {
  TG_CHECK(decimals == 0 || is_floating(x.dtype()), TypeError,
           "round: decimals is only supported for floating ", "tensors, got ", dtype_name(x.dtype()));
  return pointwise(UnaryOp::Round, x, double(decimals));
}

Tensor nan_to_num(const Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                  std::optional<double> neginf) {
  if (!is_floating(x.dtype())) return clone(x);
  const bool f32 = x.dtype() == DType::Float32;
  const double big = f32 ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
  auto value = [&](double v) { return scalar_tensor(v, x.dtype()); };
  Tensor r = where(unary(UnaryOp::IsNan, x), value(nan.value_or(0.0)), x);
  r = where(unary(UnaryOp::IsPosInf, x), value(posinf.value_or(big)), r);
  return where(unary(UnaryOp::IsNegInf, x), value(neginf.value_or(-big)), r);
}

}  // namespace tg
