// Binary elementwise ops: PyTorch type promotion, broadcasting, their backward formulas, and
// the in-place forms. Unary ops are in unary.cpp.
#include <cmath>
#include <limits>

#include "ops/elementwise_internal.h"

namespace tg {

// ---- type promotion -------------------------------------------------------------------------
namespace {
constexpr int kUndef = -1;
int promote(int a, int b) {
  return a == kUndef ? b : b == kUndef ? a : int(promote_types(DType(a), DType(b)));
}
bool floating(int t) { return t != kUndef && is_floating(DType(t)); }
// torch's combine_categories: the higher tier wins unless the lower one is of a higher
// category (bool < int < float).
int combine(int higher, int lower) {
  if (floating(higher)) return higher;
  if (higher == int(DType::Bool) || floating(lower)) return promote(higher, lower);
  return higher != kUndef ? higher : lower;
}
}  // namespace

DType result_type(const Tensor& a, const Tensor& b) {
  int dim_t = kUndef, zero_t = kUndef, wrapped_t = kUndef;
  for (const Tensor* t : {&a, &b}) {
    int dt = int(t->dtype());
    if (t->impl()->is_wrapped_number) {
      if (floating(dt)) dt = int(default_dtype());
      wrapped_t = promote(wrapped_t, dt);
    } else if (t->dim() == 0) {
      zero_t = promote(zero_t, dt);
    } else {
      dim_t = promote(dim_t, dt);
    }
  }
  return DType(combine(dim_t, combine(zero_t, wrapped_t)));
}

Tensor cast(const Tensor& t, DType d) { return t.dtype() == d ? t : to_dtype(t, d); }

Tensor reduce_grad(const Tensor& g, const Shape& shape, DType dtype) { return cast(sum_to(g, shape), dtype); }
Tensor reduce_grad(const Tensor& g, const Tensor& input) {
  return reduce_grad(g, input.shape(), input.dtype());
}

namespace {

const char* op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
      return "add";
    case BinaryOp::Sub:
      return "sub";
    case BinaryOp::Mul:
      return "mul";
    case BinaryOp::Div:
      return "div";
    case BinaryOp::Pow:
      return "pow";
    case BinaryOp::Maximum:
      return "maximum";
    case BinaryOp::Minimum:
      return "minimum";
    case BinaryOp::Eq:
      return "eq";
    case BinaryOp::Ne:
      return "ne";
    case BinaryOp::Lt:
      return "lt";
    case BinaryOp::Le:
      return "le";
    case BinaryOp::Gt:
      return "gt";
    case BinaryOp::Ge:
      return "ge";
    case BinaryOp::LogicalAnd:
      return "logical_and";
    case BinaryOp::LogicalOr:
      return "logical_or";
    case BinaryOp::FloorDiv:
      return "floor_divide";
    case BinaryOp::TruncDiv:
      return "div";
    case BinaryOp::Remainder:
      return "remainder";
    case BinaryOp::Fmod:
      return "fmod";
    case BinaryOp::Atan2:
      return "atan2";
    case BinaryOp::Hypot:
      return "hypot";
    case BinaryOp::LogAddExp:
      return "logaddexp";
    case BinaryOp::LogAddExp2:
      return "logaddexp2";
    case BinaryOp::Xlogy:
      return "xlogy";
    case BinaryOp::Gammainc:
      return "gammainc";
    case BinaryOp::Gammaincc:
      return "gammaincc";
    case BinaryOp::BitAnd:
      return "bitwise_and";
    case BinaryOp::BitOr:
      return "bitwise_or";
    case BinaryOp::BitXor:
      return "bitwise_xor";
  }
  return "binary";
}

bool bool_result(BinaryOp op) { return op >= BinaryOp::Eq; }

// The dtype the kernel computes in.
DType compute_dtype(BinaryOp op, const Tensor& a, const Tensor& b) {
  DType ct = result_type(a, b);
  // torch computes these in floats only: some promote ints, the others refuse them.
  const bool float_only = op == BinaryOp::Hypot || op == BinaryOp::LogAddExp || op == BinaryOp::LogAddExp2;
  TG_CHECK(!float_only || is_floating(ct), TypeError, op_name(op), ": not implemented for ", dtype_name(ct),
           " (shapes ", a.shape(), " and ", b.shape(), "); convert to a floating dtype first");
  TG_CHECK(op != BinaryOp::Fmod || ct != DType::Bool, TypeError, "fmod: not implemented for bool");
  if ((op == BinaryOp::Div || op == BinaryOp::Atan2 || op == BinaryOp::Xlogy || op == BinaryOp::Gammainc ||
       op == BinaryOp::Gammaincc) &&
      !is_floating(ct))
    ct = default_dtype();
  if (op == BinaryOp::Sub && (a.dtype() == DType::Bool || b.dtype() == DType::Bool))
    throw TypeError(msg("sub: subtraction, the `-` operator, with a bool tensor is not supported (shapes ",
                        a.shape(), " and ", b.shape(), "); use ~ or logical_not"));
  if ((op == BinaryOp::BitAnd || op == BinaryOp::BitOr || op == BinaryOp::BitXor) && is_floating(ct))
    throw TypeError(msg(op_name(op), ": only integer and bool tensors are supported, got ",
                        dtype_name(a.dtype()), " and ", dtype_name(b.dtype())));
  if ((op == BinaryOp::Pow || op == BinaryOp::FloorDiv || op == BinaryOp::TruncDiv ||
       op == BinaryOp::Remainder || op == BinaryOp::Fmod) &&
      ct == DType::Bool)
    ct = DType::Int64;
  // A negative Python int as the power of an integer tensor (torch raises; a tensor of negative
  // exponents truncates instead, as torch's).
  TG_CHECK(!(op == BinaryOp::Pow && !is_floating(ct) && b.impl()->is_wrapped_number &&
             b.dtype() == DType::Int64 && *b.data<int64_t>() < 0),
           ValueError, "pow: integers to negative integer powers are not allowed (base ",
           dtype_name(a.dtype()), " of shape ", a.shape(), ", exponent ", *b.data<int64_t>(), ")");
  return ct;
}

// torch's rules for add/sub's alpha: a float only for a floating result, a bool only for a bool one.
void check_alpha(BinaryOp op, DType ct, const Scalar& alpha) {
  if (alpha.is_one() || (op != BinaryOp::Add && op != BinaryOp::Sub)) return;
  TG_CHECK(is_floating(ct) || !alpha.is_floating(), TypeError, op_name(op),
           ": for integral input tensors, argument alpha must not be a floating point number (got ",
           alpha.to_double(), ")");
  TG_CHECK(ct == DType::Bool || !alpha.is_bool(), TypeError, op_name(op),
           ": boolean alpha only supported for boolean results");
}

// Integer division by zero has no result (torch raises ZeroDivisionError): the kernel finds it
// before writing anything, the in-place forms included.
void check_status(KernelStatus st, BinaryOp op, const Tensor& a, const Tensor& b) {
  TG_CHECK(st != KernelStatus::IntegerDivisionByZero, ZeroDivisionError, op_name(op),
           ": integer division by zero (shapes ", a.shape(), " and ", b.shape(), ")");
}

// An operand's data in dtype `ct`: itself, a converted copy in `keep`, or, for a 0-d operand
// (a Python scalar, typically), one element converted into `buf` with no allocation.
const void* operand_data(const Tensor& t, DType ct, Tensor& keep, void* buf) {
  if (t.dtype() == ct) return t.raw_data();
  if (t.dim() == 0) {
    TG_DISPATCH_STORAGE(t.dtype(), "operand", [&] {
      const scalar_t v = *static_cast<const scalar_t*>(t.raw_data());
      TG_DISPATCH_ALL(ct, "operand", [&] { *static_cast<scalar_t*>(buf) = static_cast<scalar_t>(v); });
    });
    return buf;
  }
  keep = to_dtype(t, ct);
  return keep.raw_data();
}

}  // namespace

Tensor binary_raw(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  const char* name = op_name(op);
  TG_CHECK(a.device() == b.device(), ValueError, name, ": tensors on different devices");
  const DType rt = compute_dtype(op, a, b), ct = kernel_dtype(rt);
  Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = Tensor::empty(shape, bool_result(op) ? DType::Bool : ct, a.device());
  check_alpha(op, rt, alpha);
  Tensor keep_a, keep_b;
  alignas(8) unsigned char buf_a[8], buf_b[8];
  const void* pa = operand_data(a, ct, keep_a, buf_a);
  const void* pb = operand_data(b, ct, keep_b, buf_b);
  // A converted copy is contiguous: its strides, not the original's, describe it.
  LoopGeom g = make_geom(shape, {&out, keep_a.defined() ? &keep_a : &a, keep_b.defined() ? &keep_b : &b});
  check_status(kernels(a.device()).elementwise.binary(op, ct, g, out.raw_data(), pa, pb, alpha), op, a, b);
  return out.dtype() == DType::Bool ? out : cast(out, rt);  // a storage dtype: rounded once
}

// ---- binary ops with autograd --------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  Tensor out = binary_raw(BinaryOp::Add, a, b, alpha);
  if (needs_grad({&a, &b}))
    record(out, "AddBackward0", {&a, &b}, {},
           [sa = a.shape(), da = a.dtype(), sb = b.shape(), db = b.dtype(), alpha](
               const Tensor& g, const TensorList&, const FunctionNode& n) -> TensorList {
             return {n.needs(0) ? reduce_grad(g, sa, da) : Tensor(),
                     n.needs(1) ? reduce_grad(alpha.is_one() ? g : mul(g, wrap_scalar(alpha)), sb, db)
                                : Tensor()};
           });
  return out;
}

Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  Tensor out = binary_raw(BinaryOp::Sub, a, b, alpha);
  if (needs_grad({&a, &b}))
    record(out, "SubBackward0", {&a, &b}, {},
           [sa = a.shape(), da = a.dtype(), sb = b.shape(), db = b.dtype(), alpha](
               const Tensor& g, const TensorList&, const FunctionNode& n) -> TensorList {
             return {n.needs(0) ? reduce_grad(g, sa, da) : Tensor(),
                     n.needs(1) ? reduce_grad(mul(g, wrap_scalar(-alpha)), sb, db) : Tensor()};
           });
  return out;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Mul, a, b, 1);
  if (needs_grad({&a, &b}))
    // Each input's gradient needs only the other input: save just what will be used.
    record(out, "MulBackward0", {&a, &b},
           {b.requires_grad() ? a : Tensor(), a.requires_grad() ? b : Tensor()},
           [sa = a.shape(), da = a.dtype(), sb = b.shape(), db = b.dtype()](
               const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             return {n.needs(0) ? reduce_grad(mul(g, s[1]), sa, da) : Tensor(),
                     n.needs(1) ? reduce_grad(mul(g, s[0]), sb, db) : Tensor()};
           });
  return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Div, a, b, 1);
  if (needs_grad({&a, &b}))
    record(out, "DivBackward0", {&a, &b}, {b.requires_grad() ? a : Tensor(), b},
           [sa = a.shape(), da = a.dtype()](const Tensor& g, const TensorList& s,
                                            const FunctionNode& n) -> TensorList {
             Tensor ga, gb;
             if (n.needs(0)) ga = reduce_grad(div(g, s[1]), sa, da);
             // -g (a / b) / b, torch's order: no b*b to overflow, and the same rounding
             if (n.needs(1)) gb = reduce_grad(mul(neg(g), div(div(s[0], s[1]), s[1])), s[1]);
             return {ga, gb};
           });
  return out;
}

Tensor pow(const Tensor& a, const Tensor& b) {
  // A bool tensor to a Python bool stays bool (as torch's): x ** True is x, x ** False is all True.
  if (a.dtype() == DType::Bool && b.impl()->is_wrapped_number && b.dtype() == DType::Bool)
    return *b.data<bool>() ? clone(a) : new_full(a, a.shape(), 1.0, DType::Bool);
  if (b.impl()->is_wrapped_number && b.dtype() != DType::Bool && !a.impl()->is_wrapped_number) {
    // A Python number: one pass of the scalar power in the promoted dtype.
    const DType ct = compute_dtype(BinaryOp::Pow, a, b);
    const double e = b.item();
    const Tensor x = cast(a, ct);
    Tensor out = unary_raw(UnaryOp::PowScalar, x, e);
    if (needs_grad({&x}))
      record(out, "PowBackward0", {&x}, {x},
             [e](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
               if (e == 0.0) return {new_zeros(g, g.shape(), g.dtype())};
               return {mul(g, mul(wrap_scalar(e), unary_raw(UnaryOp::PowScalar, s[0], e - 1.0)))};
             });
    return out;
  }
  Tensor out = binary_raw(BinaryOp::Pow, a, b, 1);
  if (needs_grad({&a, &b}))
    record(out, "PowBackward1", {&a, &b}, {cast(a, out.dtype()), cast(b, out.dtype()), out},
           [sa = a.shape(), da = a.dtype(), sb = b.shape(), db = b.dtype()](
               const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             Tensor ga, gb;
             const Tensor &x = s[0], &e = s[1], &y = s[2];
             if (n.needs(0)) {
               // d/dx x^e = e * x^(e-1); zero where e == 0 (torch's convention).
               Tensor d = mul(e, pow(x, sub(e, wrap_scalar(1.0))));
               d = where(compare(BinaryOp::Eq, e, wrap_scalar(0.0)), new_zeros(d, {}, d.dtype()), d);
               ga = reduce_grad(mul(g, d), sa, da);
             }
             if (n.needs(1)) {
               // d/de x^e = x^e log x; zero where x == 0 and e >= 0.
               Tensor d = mul(y, log(x));
               Tensor zero_base = logical(BinaryOp::LogicalAnd, compare(BinaryOp::Eq, x, wrap_scalar(0.0)),
                                          compare(BinaryOp::Ge, e, wrap_scalar(0.0)));
               d = where(zero_base, new_zeros(d, {}, d.dtype()), d);
               gb = reduce_grad(mul(g, d), sb, db);
             }
             return {ga, gb};
           });
  return out;
}

static Tensor extreme(BinaryOp op, const char* name, const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(op, a, b, 1);
  if (needs_grad({&a, &b}))
    record(out, name, {&a, &b}, {a, b},
           [op](const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             // The loser gets none; ties split it in half; with a NaN (neither wins) both get it all,
             // as torch's.
             const BinaryOp loses = op == BinaryOp::Maximum ? BinaryOp::Lt : BinaryOp::Gt;
             Tensor half = mul(g, wrap_scalar(0.5));
             Tensor tie = compare(BinaryOp::Eq, s[0], s[1]);
             Tensor zero = new_zeros(g, {}, g.dtype());
             Tensor ga, gb;
             if (n.needs(0))
               ga = reduce_grad(where(tie, half, where(compare(loses, s[0], s[1]), zero, g)), s[0]);
             if (n.needs(1))
               gb = reduce_grad(where(tie, half, where(compare(loses, s[1], s[0]), zero, g)), s[1]);
             return {ga, gb};
           });
  return out;
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  return extreme(BinaryOp::Maximum, "MaximumBackward0", a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return extreme(BinaryOp::Minimum, "MinimumBackward0", a, b);
}

Tensor compare(BinaryOp op, const Tensor& a, const Tensor& b) {
  TG_CHECK(op >= BinaryOp::Eq && op <= BinaryOp::Ge, ValueError, "compare: not a comparison");
  return binary_raw(op, a, b, 1);
}
Tensor logical(BinaryOp op, const Tensor& a, const Tensor& b) {
  TG_CHECK(op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr, ValueError, "logical: not a logical op");
  return binary_raw(op, a, b, 1);
}
// != of the truth values.
Tensor logical_xor(const Tensor& a, const Tensor& b) {
  return compare(BinaryOp::Ne, unary(UnaryOp::LogicalNot, a), unary(UnaryOp::LogicalNot, b));
}

// Rounded divisions are piecewise constant: a float result keeps the history with a zero
// gradient (torch's DivBackward2), so backward through it works and gives zeros.
static Tensor rounded_divide(BinaryOp op, const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(op, a, b, 1);
  if (is_floating(out.dtype()) && needs_grad({&a, &b}))
    record(out, "DivBackward2", {&a, &b}, {},
           [sa = a.shape(), da = a.dtype(), sb = b.shape(), db = b.dtype()](
               const Tensor& g, const TensorList&, const FunctionNode& n) -> TensorList {
             return {n.needs(0) ? new_zeros(g, sa, da) : Tensor(),
                     n.needs(1) ? new_zeros(g, sb, db) : Tensor()};
           });
  return out;
}
Tensor floor_divide(const Tensor& a, const Tensor& b) { return rounded_divide(BinaryOp::FloorDiv, a, b); }
Tensor trunc_divide(const Tensor& a, const Tensor& b) { return rounded_divide(BinaryOp::TruncDiv, a, b); }

Tensor remainder(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Remainder, a, b, 1);
  if (needs_grad({&a, &b}))
    record(out, "RemainderBackward0", {&a, &b}, {a.requires_grad() || b.requires_grad() ? a : Tensor(), b},
           [sa = a.shape(), da = a.dtype(), sb = b.shape(), db = b.dtype()](
               const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             // d/da = 1, d/db = -floor(a / b)
             return {n.needs(0) ? reduce_grad(g, sa, da) : Tensor(),
                     n.needs(1) ? reduce_grad(neg(mul(g, floor_divide(s[0], s[1]))), sb, db) : Tensor()};
           });
  return out;
}

Tensor bitwise(BinaryOp op, const Tensor& a, const Tensor& b) {
  TG_CHECK(op == BinaryOp::BitAnd || op == BinaryOp::BitOr || op == BinaryOp::BitXor, ValueError,
           "bitwise: not a bitwise op");
  return binary_raw(op, a, b, 1);
}

Tensor bitwise_not(const Tensor& t) { return unary_raw(UnaryOp::BitNot, t); }
// ---- in place ----------------------------------------------------------------------------------
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  switch (op) {
    case BinaryOp::Add:
      return add(a, b, alpha);
    case BinaryOp::Sub:
      return sub(a, b, alpha);
    case BinaryOp::Mul:
      return mul(a, b);
    case BinaryOp::Div:
      return div(a, b);
    case BinaryOp::Pow:
      return pow(a, b);
    case BinaryOp::Maximum:
      return maximum(a, b);
    case BinaryOp::Minimum:
      return minimum(a, b);
    case BinaryOp::LogicalAnd:
    case BinaryOp::LogicalOr:
      return logical(op, a, b);
    case BinaryOp::FloorDiv:
      return floor_divide(a, b);
    case BinaryOp::TruncDiv:
      return trunc_divide(a, b);
    case BinaryOp::Remainder:
      return remainder(a, b);
    case BinaryOp::Fmod:
      return fmod(a, b);
    case BinaryOp::Atan2:
      return atan2(a, b);
    case BinaryOp::Hypot:
      return hypot(a, b);
    case BinaryOp::LogAddExp:
      return logaddexp(a, b);
    case BinaryOp::LogAddExp2:
      return logaddexp2(a, b);
    case BinaryOp::Xlogy:
      return xlogy(a, b);
    case BinaryOp::Gammainc:
      return gammainc(a, b);
    case BinaryOp::Gammaincc:
      return gammaincc(a, b);
    case BinaryOp::BitAnd:
    case BinaryOp::BitOr:
    case BinaryOp::BitXor:
      return bitwise(op, a, b);
    default:
      return compare(op, a, b);
  }
}

Tensor& binary_(BinaryOp op, Tensor& self, const Tensor& other, const Scalar& alpha) {
  const char* name = op_name(op);
  if (op == BinaryOp::Pow && self.dtype() == DType::Bool && other.impl()->is_wrapped_number &&
      other.dtype() == DType::Bool) {  // stays bool, as pow's: x **= True keeps x, x **= False is all True
    check_writable(self, name);
    return *other.data<bool>() ? self : fill_(self, 1.0);
  }
  const DType ct = bool_result(op) ? DType::Bool : compute_dtype(op, self, other);
  TG_CHECK(can_cast(ct, self.dtype()), TypeError, name, "_: result type ", dtype_name(ct),
           " can't be cast to the desired output type ", dtype_name(self.dtype()));
  Shape shape = broadcast_shapes(self.shape(), other.shape(), name);
  TG_CHECK(shape == self.shape(), ValueError, name, "_: output with shape ", self.shape(),
           " doesn't match the broadcast shape ", shape);
  check_writable(self, name);
  check_no_partial_overlap(self, other, name);
  check_alpha(op, ct, alpha);
  if (inplace_records(self, &other)) return commit_inplace(self, binary(op, clone(self), other, alpha), name);
  if (ct == self.dtype() && !bool_result(op) && !is_storage_only(ct)) {  // straight into self
    Tensor o = cast(other, ct);
    // An operand overlapping self in another layout would read values already written.
    const bool same_layout =
        o.offset() == self.offset() && o.strides() == self.strides() && o.shape() == self.shape();
    if (o.storage() == self.storage() && !same_layout) o = clone(o.detach());
    LoopGeom g = make_geom(shape, {&self, &self, &o});
    check_status(kernels(self.device())
                     .elementwise.binary(op, ct, g, self.raw_data(), self.raw_data(), o.raw_data(), alpha),
                 op, self, other);
    self.bump_version();
  } else {
    Tensor r = binary_raw(op, self, other, alpha);
    copy_(self, r);
  }
  return self;
}

}  // namespace tg
