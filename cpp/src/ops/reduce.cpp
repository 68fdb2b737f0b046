// Reductions over a set of dims: the input is viewed as [outer, R, inner] (no copy when the
// reduced dims are adjacent in a contiguous tensor; else kept dims are permuted to the front).
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/common.h"

namespace tg {

namespace {

struct ReducePlan {
  Tensor src;                           // contiguous, laid out as [outer, src_R, inner]
  int64_t outer = 1, R = 1, inner = 1;  // R: the elements each output reduces over
  std::vector<bool> reduced;            // per input dim
  Shape keep_shape, out_shape;
  // An input expanded (stride 0) along some dims: src holds one slice of them, reduced over
  // src_R = R / repeat elements into base_keep_shape (1 at every expanded dim).
  int64_t src_R = -1, repeat = 1;
  Shape base_keep_shape;
};

ReducePlan plan(const Tensor& t, const Dims& dims_in, bool keepdim, const char* op, bool unexpand = false);

// Sum and mean over an expanded input read the expansion's base, not a materialised copy.
ReducePlan plan_unexpanded(const Tensor& t, const Dims& dims_in, bool keepdim, const char* op) {
  Tensor base = t.detach();
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.shape()[d] > 1 && t.strides()[d] == 0) base = narrow(base, d, 0, 1);
  ReducePlan b = plan(base, dims_in, true, op);
  ReducePlan p = plan(base, dims_in, keepdim, op);  // the shapes, re-derived for t below
  p.keep_shape.clear(), p.out_shape.clear();
  p.R = 1;
  for (int64_t i = 0; i < t.dim(); ++i) {
    p.keep_shape.push_back(p.reduced[i] ? 1 : t.shape()[i]);
    if (!p.reduced[i]) p.out_shape.push_back(t.shape()[i]);
    if (p.reduced[i]) p.R *= t.shape()[i];
  }
  if (keepdim) p.out_shape = p.keep_shape;
  p.src = b.src, p.outer = b.outer, p.inner = b.inner, p.src_R = b.R;
  p.repeat = b.R ? p.R / b.R : 1;
  p.base_keep_shape = b.keep_shape;
  return p;
}

ReducePlan plan(const Tensor& t, const Dims& dims_in, bool keepdim, const char* op, bool unexpand) {
  if (unexpand && t.numel() > 0)
    for (int64_t d = 0; d < t.dim(); ++d)
      if (t.shape()[d] > 1 && t.strides()[d] == 0) return plan_unexpanded(t, dims_in, keepdim, op);
  ReducePlan p;
  const int64_t nd = t.dim();
  p.reduced.assign(nd, dims_in.empty());
  std::vector<bool> seen(std::max<int64_t>(nd, 1), false);  // a 0-d tensor takes dim 0 (or -1)
  for (int64_t d : dims_in) {
    int64_t w = wrap_dim(d, nd, op);
    TG_CHECK(!seen[w], ValueError, op, ": dim ", w, " appears multiple times in the list of dims");
    seen[w] = true;
    if (nd > 0) p.reduced[w] = true;
  }
  for (int64_t i = 0; i < nd; ++i) {
    p.keep_shape.push_back(p.reduced[i] ? 1 : t.shape()[i]);
    if (!p.reduced[i]) p.out_shape.push_back(t.shape()[i]);
  }
  if (keepdim) p.out_shape = p.keep_shape;
  // Adjacent reduced dims in a contiguous tensor: view as [outer, R, inner] directly.
  int64_t first = -1, last = -1;
  for (int64_t i = 0; i < nd; ++i)
    if (p.reduced[i]) {
      if (first < 0) first = i;
      last = i;
    }
  bool adjacent = first >= 0;
  for (int64_t i = first; adjacent && i <= last; ++i) adjacent = p.reduced[i] || t.shape()[i] == 1;
  if (first < 0) {  // 0-d input, or nothing reduced
    p.src = contiguous(t);
    p.outer = t.numel();
    return p;
  }
  if (adjacent && t.is_contiguous()) {
    p.src = t;
    p.outer = shape_numel(t.shape(), 0, first);
    p.R = shape_numel(t.shape(), first, last + 1);
    p.inner = shape_numel(t.shape(), last + 1, nd);
    return p;
  }
  Dims perm;
  Shape kept, reduced;
  for (int64_t i = 0; i < nd; ++i)
    if (!p.reduced[i]) perm.push_back(i), kept.push_back(t.shape()[i]);
  for (int64_t i = 0; i < nd; ++i)
    if (p.reduced[i]) perm.push_back(i), reduced.push_back(t.shape()[i]);
  p.outer = shape_numel(kept);
  p.R = shape_numel(reduced);
  NoGradGuard ng;
  p.src = contiguous(permute(t.detach(), perm));
  return p;
}

Tensor run(ReduceOp op, const ReducePlan& p, DType dtype, Tensor* index = nullptr,
           const Tensor* aux = nullptr, double param = 0) {
  const DType ct = kernel_dtype(dtype);  // a storage dtype reduces in its kernel dtype, rounded once
  const bool unexpanded = p.src_R >= 0;
  Tensor out = new_empty(p.src, unexpanded ? p.base_keep_shape : p.out_shape, ct);
  int64_t* idx = nullptr;
  if (index) {
    *index = new_empty(p.src, p.out_shape, DType::Int64);
    idx = index->data<int64_t>();
  }
  Tensor src = p.src.dtype() == ct ? p.src : to_dtype(p.src.detach(), ct);
  const Tensor a = aux && aux->dtype() != ct ? to_dtype(aux->detach(), ct) : aux ? *aux : Tensor();
  if (out.numel() > 0)
    kernels(src.device())
        .reduce.reduce(op, ct, out.raw_data(), idx, src.raw_data(), a.defined() ? a.raw_data() : nullptr,
                       p.outer, unexpanded ? p.src_R : p.R, p.inner, param);
  if (unexpanded) {  // sum: each base element stands for `repeat`; kept expanded dims expand back
    NoGradGuard ng;
    if (op == ReduceOp::Sum && p.repeat != 1) out = mul(out, wrap_scalar(p.repeat));
    out = reshape(contiguous(expand(out, p.keep_shape)), p.out_shape);
  }
  return ct == dtype ? out : to_dtype(out, dtype);
}

// Gradient of a reduction back to the input shape: reshape to keepdim shape, expand.
Tensor expand_back(const Tensor& g, const Shape& keep_shape, const Shape& in_shape) {
  return expand(reshape(g, keep_shape), in_shape);
}

DType sum_dtype(DType d) { return is_floating(d) ? d : DType::Int64; }

void require_nonempty(const ReducePlan& p, const Tensor& t, const char* op) {
  TG_CHECK(p.R > 0, ValueError, op, ": cannot reduce over a zero-size dimension without an identity (shape ",
           t.shape(), ")");
}

}  // namespace

namespace {
// sum/prod with dtype=: the input cast to it, and the result in it (a bool result is any/all).
template <class F>
Tensor with_dtype(const Tensor& t, std::optional<DType> dtype, F reduce, const char* op) {
  TG_CHECK(is_floating(*dtype) || !needs_grad({&t}), TypeError, op, ": a result of dtype ",
           dtype_name(*dtype), " cannot carry the gradient of an input that requires grad (input ",
           dtype_name(t.dtype()), " of shape ", t.shape(), ")");
  Tensor r = reduce(to_dtype(t, *dtype));
  return r.dtype() == *dtype ? r : to_dtype(r, *dtype);
}
}  // namespace

Tensor sum(const Tensor& t, const Dims& dims, bool keepdim, std::optional<DType> dtype) {
  if (dtype) return with_dtype(t, dtype, [&](const Tensor& x) { return sum(x, dims, keepdim); }, "sum");
  ReducePlan p = plan(t, dims, keepdim, "sum", /*unexpand=*/true);
  Tensor out = run(ReduceOp::Sum, p, sum_dtype(t.dtype()));
  if (needs_grad({&t}))
    record(out, dims.empty() ? "SumBackward0" : "SumBackward1", {&t}, {},
           [k = p.keep_shape, s = t.shape()](const Tensor& g, const TensorList&, const FunctionNode&)
               -> TensorList { return {expand_back(g, k, s)}; });
  return out;
}

Tensor mean(const Tensor& t, const Dims& dims, bool keepdim) {
  TG_CHECK(is_floating(t.dtype()), TypeError,
           "mean: could not infer output dtype. Input dtype must be "
           "a floating point dtype, got ",
           dtype_name(t.dtype()));
  ReducePlan p = plan(t, dims, keepdim, "mean", /*unexpand=*/true);
  Tensor out = run(ReduceOp::Mean, p, t.dtype());
  if (needs_grad({&t}))
    record(out, dims.empty() ? "MeanBackward0" : "MeanBackward1", {&t}, {},
           [k = p.keep_shape, s = t.shape(), R = p.R](const Tensor& g, const TensorList&, const FunctionNode&)
               -> TensorList { return {expand_back(div(g, wrap_scalar(double(R))), k, s)}; });
  return out;
}

namespace {
// torch's prod backward. Without a zero anywhere in x: g prod / x_i. Otherwise each x_i gets
// the product of the other elements of its slice (torch's exclusive cumprods; 0 for all when
// a full reduction has two zeros), computed here from the slice's product of its finite
// nonzero elements and its counts of zeros, infinities and NaNs, so an inf among the others
// gives inf and 0 * inf gives NaN as the cumprods would.
Tensor prod_grad(const Tensor& gk, const Tensor& x, const Tensor& out_k, const Dims& dims) {
  if (x.dim() == 0) return gk;
  const Tensor is_zero = compare(BinaryOp::Eq, x, wrap_scalar(0.0));
  const int64_t zeros_in_x = int64_t(sum(is_zero).item());
  if (zeros_in_x == 0) return div(mul(gk, out_k), x);
  if (dims.empty() && zeros_in_x >= 2) return new_zeros(x, x.shape(), x.dtype());
  const Tensor is_nan = unary(UnaryOp::IsNan, x);
  const Tensor is_inf = logical(BinaryOp::LogicalAnd, unary(UnaryOp::LogicalNot, unary(UnaryOp::IsFinite, x)),
                                unary(UnaryOp::LogicalNot, is_nan));
  const Tensor regular = unary(UnaryOp::IsFinite, where(is_zero, new_full(x, {}, NAN, x.dtype()), x));
  auto others = [&](const Tensor& mask) {  // how many of the other elements of the slice are `mask`
    return sub(sum(mask, dims, true), to_dtype(mask, DType::Int64));
  };
  const Tensor nz = others(is_zero), ni = others(is_inf), nn = others(is_nan);
  const Tensor one = new_ones(x, {}, x.dtype()), zero = new_zeros(x, {}, x.dtype());
  const Tensor p = prod(where(regular, x, one), dims, true);
  const Tensor p_others = where(regular, div(p, x), p);
  // The sign of the other infinities (an infinity's own sign divides out: sign^2 = 1).
  const Tensor inf_sign = prod(where(is_inf, sign(x), one), dims, true);
  const Tensor s_others = where(is_inf, mul(inf_sign, sign(x)), inf_sign);
  auto positive = [](const Tensor& n) { return compare(BinaryOp::Gt, n, wrap_scalar(int64_t(0))); };
  Tensor v =
      where(positive(ni), mul(new_full(x, {}, INFINITY, x.dtype()), mul(s_others, sign(p_others))), p_others);
  v = where(positive(nz), zero, v);
  v = where(
      logical(BinaryOp::LogicalOr, positive(nn), logical(BinaryOp::LogicalAnd, positive(nz), positive(ni))),
      new_full(x, {}, NAN, x.dtype()), v);
  return mul(gk, v);
}
}  // namespace

Tensor prod(const Tensor& t, const Dims& dims, bool keepdim, std::optional<DType> dtype) {
  if (dtype) return with_dtype(t, dtype, [&](const Tensor& x) { return prod(x, dims, keepdim); }, "prod");
  ReducePlan p = plan(t, dims, keepdim, "prod");
  Tensor out = run(ReduceOp::Prod, p, sum_dtype(t.dtype()));
  if (needs_grad({&t}))
    record(out, "ProdBackward1", {&t}, {t, out},
           [k = p.keep_shape, dims](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {prod_grad(expand_back(g, k, s[0].shape()), s[0], reshape(s[1], k), dims)};
           });
  return out;
}

namespace {
// amax/amin and max()/min(): the gradient is shared evenly by the elements equal to the
// extreme. A NaN extreme: max()/min() give it to the NaNs (torch's evenly_distribute_backward),
// amax/amin to nobody as torch's (x == NaN matches none: 0/0, NaN everywhere).
Tensor extreme_all(ReduceOp op, const char* opname, const char* name, const Tensor& t, const Dims& dims,
                   bool keepdim, bool nan_takes_grad) {
  ReducePlan p = plan(t, dims, keepdim, opname);
  require_nonempty(p, t, opname);
  const bool is_bool = t.dtype() == DType::Bool;
  Tensor out = run(op, p, is_bool ? DType::Int64 : t.dtype());
  if (is_bool) out = to_dtype(out, DType::Bool);
  if (needs_grad({&t}))
    record(out, name, {&t}, {t, out},
           [k = p.keep_shape, dims, nan_takes_grad](const Tensor& g, const TensorList& s,
                                                    const FunctionNode&) -> TensorList {
             const Tensor e = reshape(s[1], k);
             Tensor hit = compare(BinaryOp::Eq, s[0], e);
             if (nan_takes_grad && is_floating(e.dtype()))
               hit = logical(
                   BinaryOp::LogicalOr, hit,
                   logical(BinaryOp::LogicalAnd, unary(UnaryOp::IsNan, s[0]), unary(UnaryOp::IsNan, e)));
             Tensor mask = to_dtype(hit, g.dtype());
             Tensor count = sum(mask, dims, true);
             return {mul(div(reshape(g, k), count), mask)};
           });
  return out;
}

std::pair<Tensor, Tensor> extreme_dim(ReduceOp op, const char* opname, const char* name, const Tensor& t,
                                      int64_t dim, bool keepdim) {
  const int64_t d = wrap_dim(dim, t.dim(), opname);
  ReducePlan p = plan(t, {d}, keepdim, opname);
  require_nonempty(p, t, opname);
  Tensor index;
  const bool is_bool = t.dtype() == DType::Bool;
  Tensor out = run(op, p, is_bool ? DType::Int64 : t.dtype(), &index);
  if (is_bool) out = to_dtype(out, DType::Bool);
  if (needs_grad({&t}))
    record(out, name, {&t}, {index},
           [k = p.keep_shape, s = t.shape(), d](const Tensor& g, const TensorList& sv,
                                                const FunctionNode&) -> TensorList {
             if (s.empty()) return {g};
             return {scatter_add(new_zeros(g, s, g.dtype()), d, reshape(sv[0], k), reshape(g, k))};
           });
  return {out, index};
}
}  // namespace

Tensor amax(const Tensor& t, const Dims& dims, bool keepdim) {
  return extreme_all(ReduceOp::Max, "amax", "AmaxBackward0", t, dims, keepdim, false);
}
Tensor amin(const Tensor& t, const Dims& dims, bool keepdim) {
  return extreme_all(ReduceOp::Min, "amin", "AminBackward0", t, dims, keepdim, false);
}
Tensor max_all(const Tensor& t) {
  return extreme_all(ReduceOp::Max, "max", "MaxBackward1", t, {}, false, true);
}
Tensor min_all(const Tensor& t) {
  return extreme_all(ReduceOp::Min, "min", "MinBackward1", t, {}, false, true);
}
std::pair<Tensor, Tensor> max_dim(const Tensor& t, int64_t dim, bool keepdim) {
  return extreme_dim(ReduceOp::Max, "max", "MaxBackward0", t, dim, keepdim);
}
std::pair<Tensor, Tensor> min_dim(const Tensor& t, int64_t dim, bool keepdim) {
  return extreme_dim(ReduceOp::Min, "min", "MinBackward0", t, dim, keepdim);
}

static Tensor arg_extreme(ReduceOp op, const char* name, const Tensor& t, std::optional<int64_t> dim,
                          bool keepdim) {
  if (!dim) {
    Tensor flat = reshape(t.detach(), {t.numel()});
    Tensor r = arg_extreme(op, name, flat, 0, false);
    return keepdim ? reshape(r, Shape(t.dim(), 1)) : r;
  }
  NoGradGuard ng;
  return extreme_dim(op, name, name, t.detach(), *dim, keepdim).second;
}
Tensor argmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim) {
  TG_CHECK(t.dtype() != DType::Bool, TypeError, "argmax: does not support bool input (shape ", t.shape(),
           ")");
  return arg_extreme(ReduceOp::ArgMax, "argmax", t, dim, keepdim);
}
Tensor argmin(const Tensor& t, std::optional<int64_t> dim, bool keepdim) {
  TG_CHECK(t.dtype() != DType::Bool, TypeError, "argmin: does not support bool input (shape ", t.shape(),
           ")");
  return arg_extreme(ReduceOp::ArgMin, "argmin", t, dim, keepdim);
}

namespace {
// One pass for the mean, one for the squared deviations from it (the kernel subtracts aux laid
// out as [outer, inner], the mean's layout); `out`: the variance, or the std for StdDev.
struct Dispersion {
  Tensor out, mean;  // mean: the result's shape (keepdim or not), a fresh tensor
  Tensor mean_k;     // the same memory in the keepdim shape
  ReducePlan plan;
  bool all;  // over every dim (torch's var_backward treats this case apart)
};
Dispersion dispersion(const Tensor& t, const Dims& dims, double correction, bool keepdim, const char* op,
                      ReduceOp kind) {
  TG_CHECK(is_floating(t.dtype()), TypeError, op, ": expected a floating dtype, got ", dtype_name(t.dtype()));
  Dispersion r;
  r.plan = plan(t, dims, keepdim, op);
  r.all = dims.empty() || t.dim() == 0;
  r.mean = run(ReduceOp::Mean, r.plan, t.dtype());
  r.mean_k = reshape(r.mean, r.plan.keep_shape);
  r.out = run(kind, r.plan, t.dtype(), nullptr, &r.mean_k, correction);
  return r;
}

// torch's var_backward: 2 (x - mean) / (N - correction) g. Over all dims with N <= correction
// the factor is infinite: NaN where x equals the mean (inf * 0), else inf (as torch's).
Tensor var_grad(const Tensor& gk, const Tensor& x, const Tensor& mean, int64_t R, double correction,
                bool all) {
  const double n = double(R) - correction;
  if (all && n <= 0) {  // x == mean, not x - mean == 0: an infinite x equals an infinite mean
    const double nan = std::numeric_limits<double>::quiet_NaN(),
                 inf = std::numeric_limits<double>::infinity();
    return mul(gk, where(compare(BinaryOp::Eq, x, mean), new_full(x, {}, nan, x.dtype()),
                         new_full(x, {}, inf, x.dtype())));
  }
  return mul(mul(gk, wrap_scalar(2.0 / n)), sub(x, mean));
}

// The input's gradient from the var (or std) output's gradient `g` and the mean output's `gm`
// (either undefined); saved: x, the mean (keepdim shape), the output.
Tensor dispersion_grad(bool is_std, const Tensor& g, const Tensor& gm, const TensorList& s, const Shape& k,
                       int64_t R, double correction, bool all) {
  Tensor gx;
  if (g.defined()) {
    Tensor gv = reshape(g, k);
    if (is_std) {  // torch's std_backward: var's with g / (2 std), 0 where std is 0
      const Tensor sd = reshape(s[2], k);
      gv = div(gv, mul(sd, wrap_scalar(2.0)));
      gv = where(compare(BinaryOp::Eq, sd, wrap_scalar(0.0)), new_zeros(gv, {}, gv.dtype()), gv);
    }
    gx = var_grad(gv, s[0], s[1], R, correction, all);
  }
  if (gm.defined()) {  // the mean's: g / N to every element
    Tensor gmean = expand(div(reshape(gm, k), wrap_scalar(double(R))), s[0].shape());
    gx = gx.defined() ? add(gx, gmean) : contiguous(gmean);
  }
  return gx;
}

Tensor dispersion_op(bool is_std, const Tensor& t, const Dims& dims, double correction, bool keepdim) {
  const char* op = is_std ? "std" : "var";
  Dispersion r = dispersion(t, dims, correction, keepdim, op, is_std ? ReduceOp::StdDev : ReduceOp::SumSqDev);
  if (needs_grad({&t}))
    record(r.out, is_std ? "StdBackward0" : "VarBackward0", {&t}, {t, r.mean_k, r.out},
           [is_std, k = r.plan.keep_shape, R = r.plan.R, correction, all = r.all](
               const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {dispersion_grad(is_std, g, Tensor(), s, k, R, correction, all)};
           });
  return r.out;
}

// var_mean / std_mean: one node with two differentiable outputs.
std::pair<Tensor, Tensor> dispersion_mean_op(bool is_std, const Tensor& t, const Dims& dims,
                                             double correction, bool keepdim) {
  const char* op = is_std ? "std_mean" : "var_mean";
  Dispersion r = dispersion(t, dims, correction, keepdim, op, is_std ? ReduceOp::StdDev : ReduceOp::SumSqDev);
  if (needs_grad({&t})) {
    TensorList outs{r.out, r.mean};
    record_multi(outs, is_std ? "StdMeanBackward0" : "VarMeanBackward0", {&t}, {t, r.mean_k, r.out},
                 [is_std, k = r.plan.keep_shape, R = r.plan.R, correction, all = r.all](
                     const TensorList& g, const TensorList& s, const FunctionNode&) -> TensorList {
                   return {dispersion_grad(is_std, g[0], g[1], s, k, R, correction, all)};
                 });
  }
  return {r.out, r.mean};
}
}  // namespace

Tensor var(const Tensor& t, const Dims& dims, double correction, bool keepdim) {
  return dispersion_op(false, t, dims, correction, keepdim);
}
Tensor std(const Tensor& t, const Dims& dims, double correction, bool keepdim) {
  return dispersion_op(true, t, dims, correction, keepdim);
}
std::pair<Tensor, Tensor> var_mean(const Tensor& t, const Dims& dims, double correction, bool keepdim) {
  return dispersion_mean_op(false, t, dims, correction, keepdim);
}
std::pair<Tensor, Tensor> std_mean(const Tensor& t, const Dims& dims, double correction, bool keepdim) {
  return dispersion_mean_op(true, t, dims, correction, keepdim);
}

Tensor logsumexp(const Tensor& t, const Dims& dims, bool keepdim) {
  Tensor x = is_floating(t.dtype()) ? t : to_dtype(t, default_dtype());
  {
    ReducePlan p = plan(t, dims, keepdim, "logsumexp");
    if (p.R == 0) {  // log of an empty sum; its gradient is empty too
      Tensor out = new_full(x, p.out_shape, -std::numeric_limits<double>::infinity(), x.dtype());
      if (needs_grad({&t}))
        record(out, "LogsumexpBackward0", {&t}, {},
               [s = t.shape()](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList {
                 return {new_zeros(g, s, g.dtype())};
               });
      return out;
    }
  }
  Tensor m;
  {
    NoGradGuard ng;
    m = amax(x.detach(), dims, true);
    // Infinite maxima would give inf - inf; shift by 0 there instead.
    m = where(unary(UnaryOp::IsFinite, m), m, new_zeros(m, {}, m.dtype()));
  }
  Tensor s = log(sum(exp(sub(x, m)), dims, true));
  Tensor r = add(s, m);
  if (!keepdim) {
    ReducePlan p = plan(t, dims, false, "logsumexp");
    r = reshape(r, p.out_shape);
  }
  return r;
}

Tensor norm(const Tensor& t, double p, const Dims& dims, bool keepdim) {
  TG_CHECK(is_floating(t.dtype()), TypeError, "norm: expected a floating dtype, got ", dtype_name(t.dtype()));
  if (p == 0.0) {  // the number of nonzeros: requires grad, but its backward gives no gradient (as torch's)
    Tensor out;
    {
      NoGradGuard ng;
      out = sum(to_dtype(compare(BinaryOp::Ne, t, wrap_scalar(0.0)), t.dtype()), dims, keepdim);
    }
    if (needs_grad({&t}))
      record(out, "NormBackward1", {&t}, {},
             [](const Tensor&, const TensorList&, const FunctionNode&) -> TensorList { return {Tensor()}; });
    return out;
  }
  // -inf: amin of |x|, with torch's norm gradient rule (a NaN takes the gradient, like max()), not amin's
  if (std::isinf(p) && p < 0)
    return extreme_all(ReduceOp::Min, "norm", "NormBackward1", abs(t), dims, keepdim, true);
  if (p < 0) return pow(sum(pow(abs(t), p), dims, keepdim), 1.0 / p);
  ReducePlan pl = plan(t, dims, keepdim, "norm");
  ReduceOp op = std::isinf(p) ? ReduceOp::NormInf : p == 1.0 ? ReduceOp::NormOne : ReduceOp::NormP;
  if (op == ReduceOp::NormInf) require_nonempty(pl, t, "norm");
  Tensor out = run(op, pl, t.dtype(), nullptr, nullptr, p);
  if (needs_grad({&t}))
    record(out, "NormBackward1", {&t}, {t, out},
           [k = pl.keep_shape, p, dims](const Tensor& g, const TensorList& s,
                                        const FunctionNode&) -> TensorList {
             const Tensor& x = s[0];
             Tensor n = reshape(s[1], k), gk = reshape(g, k);
             Tensor zero = new_zeros(x, {}, x.dtype());
             if (p == 1.0) return {mul(gk, sign(x))};
             if (std::isinf(p)) {  // shared evenly by the elements at the max |x|, or the NaNs
               Tensor ax = abs(x);
               Tensor mask = to_dtype(
                   logical(BinaryOp::LogicalOr, compare(BinaryOp::Eq, ax, n), unary(UnaryOp::IsNan, ax)),
                   x.dtype());
               return {mul(mul(div(gk, sum(mask, dims, true)), mask), sign(x))};
             }
             // d||x||_p / dx = x |x|^(p-2) / ||x||^(p-1); 0 where the norm is 0, and at x = 0
             // (for p < 1 it is 0 * inf there; torch's subgradient is 0).
             // sign(x) |x|^(p-1), torch's form: x |x|^(p-2) overflows for tiny x when p < 2.
             Tensor num = p == 2.0 ? x : mul(sign(x), pow(abs(x), p - 1.0));
             Tensor den = p == 2.0 ? n : pow(n, p - 1.0);
             Tensor r = div(mul(gk, num), den);
             r = where(compare(BinaryOp::Eq, n, zero), zero, r);
             return {p >= 1.0 ? r : where(compare(BinaryOp::Eq, x, zero), zero, r)};
           });
  return out;
}

// ---- logic ------------------------------------------------------------------------------------
namespace {
Tensor logical_reduce(ReduceOp op, const char* name, const Tensor& t, const Dims& dims, bool keepdim) {
  NoGradGuard ng;  // a bool result carries no gradient
  const Tensor b = t.dtype() == DType::Bool ? t : compare(BinaryOp::Ne, t, wrap_scalar(0.0));
  const Tensor r = run(op, plan(b, dims, keepdim, name), DType::Bool);
  return t.dtype() == DType::UInt8 ? to_dtype(r, DType::UInt8) : r;  // torch keeps uint8 (its old bool)
}
}  // namespace

Tensor any(const Tensor& t, const Dims& dims, bool keepdim) {
  return logical_reduce(ReduceOp::Any, "any", t, dims, keepdim);
}
Tensor all(const Tensor& t, const Dims& dims, bool keepdim) {
  return logical_reduce(ReduceOp::All, "all", t, dims, keepdim);
}

Tensor count_nonzero(const Tensor& t, const Dims& dims) {
  NoGradGuard ng;
  return sum(compare(BinaryOp::Ne, t, wrap_scalar(0.0)), dims, false);
}

}  // namespace tg
