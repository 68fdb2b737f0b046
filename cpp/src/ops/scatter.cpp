// Gather and scatter along a dim: gather, scatter (src or value), scatter_add, scatter_reduce
// (sum/prod/mean/amax/amin, include_self), and the ops that put values at index positions:
// index_fill, index_copy, masked_scatter. One scatter kernel (ScatterReduce) serves them all.
#include <string>

#include "ops/elementwise_internal.h"

namespace tg {

namespace {

// gather and scatter treat a 0-d tensor as one dim of size 1 (torch's rule for these ops).
Tensor as_1d(const Tensor& t) { return t.dim() ? t : reshape(t, {1}); }

// t restricted to index's extent on every dim (but `skip`, if >= 0).
Tensor narrow_to(const Tensor& t, const Shape& extent, int64_t skip) {
  Tensor v = t;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (d != skip) v = narrow(v, d, 0, extent[d]);
  return v;
}

// zeros of `shape` holding x in its leading corner (x itself when it already has the shape).
Tensor embed_in(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  Tensor z = new_zeros(x, shape, x.dtype());
  Tensor v = narrow_to(z, x.shape(), -1);
  copy_(v, x);
  return z;
}

ScatterReduce parse_reduce(const std::string& reduce, const char* op) {
  if (reduce == "sum" || reduce == "add") return ScatterReduce::Sum;
  if (reduce == "prod" || reduce == "multiply") return ScatterReduce::Prod;
  if (reduce == "mean") return ScatterReduce::Mean;
  if (reduce == "amax") return ScatterReduce::Amax;
  if (reduce == "amin") return ScatterReduce::Amin;
  throw ValueError(std::string(op) + ": reduce argument must be one of sum, prod, mean, amax, amin, got '" +
                   reduce + "'");
}

// Shapes and dtypes of a scatter; returns the wrapped dim.
int64_t check_scatter(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, const char* op) {
  check_index_tensor(index, op);
  dim = wrap_dim(dim, t.dim(), op);
  TG_CHECK(src.dtype() == t.dtype(), TypeError, op, ": expected self.dtype to be equal to src.dtype (",
           dtype_name(t.dtype()), " vs ", dtype_name(src.dtype()), ")");
  TG_CHECK(index.dim() == t.dim() && src.dim() == t.dim(), ValueError, op,
           ": index, src and self must have the same number of dimensions (self ", t.shape(), ", index ",
           index.shape(), ", src ", src.shape(), ")");
  for (int64_t d = 0; d < t.dim(); ++d)
    TG_CHECK(index.shape()[d] <= src.shape()[d] && (d == dim || index.shape()[d] <= t.shape()[d]), ValueError,
             op, ": index ", index.shape(), " does not fit src ", src.shape(), " or self ", t.shape(),
             " at dimension ", d);
  return dim;
}

// out = t with src's elements combined into index's slots along dim (no autograd); idx checked.
Tensor scatter_raw(const Tensor& t, int64_t dim, const Tensor& idx, const Tensor& src, ScatterReduce op,
                   bool include_self) {
  NoGradGuard ng;
  if (is_storage_only(t.dtype())) {  // combined in the kernel dtype, rounded once
    const DType ct = kernel_dtype(t.dtype());
    return to_dtype(scatter_raw(to_dtype(t, ct), dim, idx, to_dtype(src, ct), op, include_self), t.dtype());
  }
  Tensor out = clone(t.detach());
  if (idx.numel() == 0) return out;
  Tensor region = narrow_to(out, idx.shape(), dim);  // the slots idx can reach
  Tensor block = clone(region);                      // contiguous [outer, D, inner]
  Tensor s = contiguous(narrow_to(src.detach(), idx.shape(), -1));
  Tensor counts = new_zeros(t, block.shape(), DType::Int64);
  const int64_t outer = shape_numel(idx.shape(), 0, dim),
                inner = shape_numel(idx.shape(), dim + 1, idx.dim());
  kernels(t.device())
      .index.scatter_reduce(op, t.dtype(), block.raw_data(), counts.data<int64_t>(), s.raw_data(),
                            idx.data<int64_t>(), outer, t.shape()[dim], idx.shape()[dim], inner,
                            include_self);
  copy_(region, block);
  return out;
}

// How many src elements reached each slot of self's shape (+1 with include_self), in g's dtype.
Tensor slot_counts(const Tensor& g, int64_t dim, const Tensor& idx, bool include_self) {
  Tensor base = include_self ? new_ones(g, g.shape(), g.dtype()) : new_zeros(g, g.shape(), g.dtype());
  return scatter_add(base, dim, idx, new_ones(g, idx.shape(), g.dtype()));
}

Tensor as_float_mask(const Tensor& m, DType dt) { return to_dtype(m, dt); }

// The gradients of out = scatter_reduce(self, dim, idx, src): torch's formulas (ties of
// amax/amin share the gradient evenly; prod's exclusive products exact through zeros).
TensorList scatter_backward(ScatterReduce op, bool include_self, const Tensor& g, int64_t dim,
                            const Tensor& idx, const Shape& src_shape, const TensorList& sv,
                            const FunctionNode& n) {
  const Tensor zero = new_zeros(g, {}, g.dtype());
  Tensor g_self, g_src;  // g_src over index's extent, embedded in src's shape at the end
  // Slots that got a src element lose self's value unless include_self.
  auto self_unless_included = [&] { return include_self ? g : scatter(g, dim, idx, Scalar(0)); };
  switch (op) {
    case ScatterReduce::Assign:
      if (n.needs(0)) g_self = scatter(g, dim, idx, Scalar(0));
      if (n.needs(1)) g_src = gather(g, dim, idx);
      break;
    case ScatterReduce::Sum:
      if (n.needs(0)) g_self = self_unless_included();
      if (n.needs(1)) g_src = gather(g, dim, idx);
      break;
    case ScatterReduce::Mean: {
      Tensor N = slot_counts(g, dim, idx, include_self);
      Tensor gn = div(g, maximum(N, new_ones(g, {}, g.dtype())));
      if (n.needs(0)) g_self = include_self ? gn : scatter(g, dim, idx, Scalar(0));
      if (n.needs(1)) g_src = gather(gn, dim, idx);
      break;
    }
    case ScatterReduce::Amax:
    case ScatterReduce::Amin: {
      const Tensor &self = sv[0], &src = sv[1], &result = sv[2];
      const DType dt = g.dtype();
      Tensor src_n = narrow_to(src, idx.shape(), -1);
      Tensor self_is =
          include_self ? as_float_mask(compare(BinaryOp::Eq, self, result), dt) : new_zeros(g, g.shape(), dt);
      Tensor src_is = as_float_mask(compare(BinaryOp::Eq, src_n, gather(result, dim, idx)), dt);
      Tensor N = scatter_add(self_is, dim, idx, src_is);
      Tensor gd = div(g, where(compare(BinaryOp::Eq, N, zero), new_ones(g, {}, dt), N));
      if (n.needs(0)) g_self = include_self ? mul(self_is, gd) : scatter(g, dim, idx, Scalar(0));
      if (n.needs(1)) g_src = mul(src_is, gather(gd, dim, idx));
      break;
    }
    case ScatterReduce::Prod: {
      // Per slot: P, the product of its nonzero contributors, and Z, how many are zero. A
      // contributor c's exclusive product is P / c when Z == 0, P when c is the only zero, else 0.
      const Tensor &self = sv[0], &src = sv[1];
      const DType dt = g.dtype();
      const Tensor one = new_ones(g, {}, dt);
      Tensor src_n = narrow_to(src, idx.shape(), -1);
      Tensor self_zero = compare(BinaryOp::Eq, self, zero), src_zero = compare(BinaryOp::Eq, src_n, zero);
      Tensor base = include_self ? where(self_zero, one, self) : new_ones(g, g.shape(), dt);
      Tensor P = scatter_reduce(base, dim, idx, where(src_zero, one, src_n), "prod", true);
      Tensor Z = scatter_add(include_self ? as_float_mask(self_zero, dt) : new_zeros(g, g.shape(), dt), dim,
                             idx, as_float_mask(src_zero, dt));
      auto exclusive = [&](const Tensor& c, const Tensor& c_zero, const Tensor& p, const Tensor& z) {
        return where(c_zero, where(compare(BinaryOp::Eq, z, one), p, zero),
                     where(compare(BinaryOp::Eq, z, zero), div(p, where(c_zero, one, c)), zero));
      };
      if (n.needs(0))
        g_self = include_self ? mul(g, exclusive(self, self_zero, P, Z)) : self_unless_included();
      if (n.needs(1))
        g_src =
            mul(gather(g, dim, idx), exclusive(src_n, src_zero, gather(P, dim, idx), gather(Z, dim, idx)));
      break;
    }
  }
  if (g_src.defined()) g_src = embed_in(g_src, src_shape);
  return {g_self, g_src};
}

// The op behind scatter, scatter_add and scatter_reduce, with autograd.
Tensor scatter_op(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, ScatterReduce op,
                  bool include_self, const char* name) {
  if (t.dim() == 0 || index.dim() == 0 || src.dim() == 0) {
    check_index_tensor(index, name);
    Tensor r = scatter_op(as_1d(t), dim, as_1d(index), as_1d(src), op, include_self, name);
    return t.dim() ? r : reshape(r, {});
  }
  dim = check_scatter(t, dim, index, src, name);
  TG_CHECK(op != ScatterReduce::Mean || t.dtype() != DType::Bool, TypeError, name,
           ": reduce='mean' is not supported for bool tensors");
  Tensor idx = checked_indices(index, t.shape()[dim], name);
  Tensor out = scatter_raw(t, dim, idx, src, op, include_self);
  if (needs_grad({&t, &src})) {
    const bool keep = op == ScatterReduce::Prod || op == ScatterReduce::Amax || op == ScatterReduce::Amin;
    const bool extreme = op == ScatterReduce::Amax || op == ScatterReduce::Amin;
    const char* node = op == ScatterReduce::Assign ? "ScatterBackward0"
                       : op == ScatterReduce::Sum && include_self && std::string(name) == "scatter_add"
                           ? "ScatterAddBackward0"
                           : "ScatterReduceBackward0";
    auto fn = [op, include_self, dim, ss = src.shape()](const Tensor& g, const TensorList& sv,
                                                        const FunctionNode& n) -> TensorList {
      return scatter_backward(op, include_self, g, dim, sv[0], ss, TensorList(sv.begin() + 1, sv.end()), n);
    };
    if (extreme)
      record(out, node, {&t, &src}, {idx, t.detach(), src.detach(), out.detach()}, fn);
    else if (keep)
      record(out, node, {&t, &src}, {idx, t.detach(), src.detach()}, fn);
    else
      record(out, node, {&t, &src}, {idx}, fn);
  }
  return out;
}

}  // namespace

Tensor gather(const Tensor& t, int64_t dim, const Tensor& index) {
  check_index_tensor(index, "gather");
  if (t.dim() == 0 || index.dim() == 0) {
    Tensor r = gather(as_1d(t), dim, as_1d(index));
    return index.dim() ? r : reshape(r, {});
  }
  dim = wrap_dim(dim, t.dim(), "gather");
  TG_CHECK(index.dim() == t.dim(), ValueError,
           "gather: index tensor must have the same number of dimensions as input (input ", t.shape(),
           ", index ", index.shape(), ")");
  for (int64_t d = 0; d < index.dim(); ++d)
    TG_CHECK(d == dim || index.shape()[d] <= t.shape()[d], ValueError, "gather: size of index ",
             index.shape(), " does not fit input ", t.shape(), " at dimension ", d);
  const int64_t D = t.shape()[dim];
  Tensor idx = checked_indices(index, D, "gather");
  // The input restricted to index's extent on the non-gathered dims, made contiguous.
  Tensor src = contiguous(narrow_to(t.detach(), index.shape(), dim));
  Tensor out = new_empty(t, index.shape(), t.dtype());
  const int64_t outer = shape_numel(index.shape(), 0, dim);
  const int64_t inner = shape_numel(index.shape(), dim + 1, index.dim());
  if (out.numel())
    kernels(t.device())
        .index.gather(t.dtype(), out.raw_data(), src.raw_data(), idx.data<int64_t>(), outer, D,
                      index.shape()[dim], inner);
  if (needs_grad({&t}))
    record(out, "GatherBackward0", {&t}, {idx},
           [s = t.shape(), dim](const Tensor& g, const TensorList& sv, const FunctionNode&) -> TensorList {
             return {scatter_add(new_zeros(g, s, g.dtype()), dim, sv[0], g)};
           });
  return out;
}

Tensor scatter_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_op(t, dim, index, src, ScatterReduce::Sum, true, "scatter_add");
}

Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_op(t, dim, index, src, ScatterReduce::Assign, true, "scatter");
}

Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Scalar& value) {
  if (t.dtype() == DType::Int64) check_int_value(value.to_double(), "scatter");
  Tensor src = expand(scalar_tensor(value.to_double(), t.dtype()), index.shape());
  return scatter_op(t, dim, index, src, ScatterReduce::Assign, true, "scatter");
}

Tensor scatter_reduce(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src,
                      const std::string& reduce, bool include_self) {
  return scatter_op(t, dim, index, src, parse_reduce(reduce, "scatter_reduce"), include_self,
                    "scatter_reduce");
}

Tensor index_fill(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& value) {
  check_index_tensor(index, "index_fill");
  TG_CHECK(index.dim() <= 1, ValueError, "index_fill: index is supposed to be a vector, got shape ",
           index.shape());
  TG_CHECK(value.dim() == 0, ValueError,
           "index_fill: only supports a 0-dimensional value tensor, but got tensor with ", value.dim(),
           " dimension(s)");
  if (t.dim() == 0) return reshape(index_fill(reshape(t, {1}), dim, index, value), {});
  dim = wrap_dim(dim, t.dim(), "index_fill");
  return index_put(t, {reshape(index, {-1})}, cast(value, t.dtype()), false, dim);
}

Tensor index_copy(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source) {
  check_index_tensor(index, "index_copy");
  TG_CHECK(index.dim() <= 1, ValueError, "index_copy: index should have dimension 1 or 0 (got ", index.dim(),
           ")");
  TG_CHECK(source.dtype() == t.dtype(), TypeError, "index_copy: self (", dtype_name(t.dtype()),
           ") and source (", dtype_name(source.dtype()), ") must have the same dtype");
  if (t.dim() == 0) return reshape(index_copy(reshape(t, {1}), dim, index, reshape(source, {-1})), {});
  dim = wrap_dim(dim, t.dim(), "index_copy");
  Shape want = t.shape();
  want[dim] = index.numel();
  Tensor src = source.dim() == 0 && index.numel() == 1 ? reshape(source, want) : source;
  TG_CHECK(src.shape() == want, ValueError, "index_copy: source of shape ", source.shape(),
           " does not fit self of shape ", t.shape(), " with ", index.numel(), " indices along dim ", dim,
           " (expected ", want, ")");
  return index_put(t, {reshape(index, {-1})}, src, false, dim);
}

Tensor masked_scatter(const Tensor& t, const Tensor& mask, const Tensor& source) {
  TG_CHECK(mask.dtype() == DType::Bool, TypeError, "masked_scatter: expected a bool mask, got ",
           dtype_name(mask.dtype()));
  TG_CHECK(source.dtype() == t.dtype(), TypeError, "masked_scatter: self (", dtype_name(t.dtype()),
           ") and source (", dtype_name(source.dtype()), ") must have the same dtype");
  const Shape shape = broadcast_shapes(t.shape(), mask.shape(), "masked_scatter");
  Tensor m = expand(mask, shape);
  const int64_t count = to_scalar(count_nonzero(m)).to<int64_t>();
  TG_CHECK(source.numel() >= count, ValueError, "masked_scatter: the mask (shape ", mask.shape(), ") has ",
           count, " true elements but source (shape ", source.shape(), ") only ", source.numel());
  Tensor values = narrow(reshape(source, {-1}), 0, 0, count);
  if (shape.empty()) return reshape(index_put(reshape(t, {1}), {reshape(m, {1})}, values), {});
  return index_put(expand(t, shape), {m}, values);
}

Tensor& assign_(Tensor& self, const Tensor& result, const char* op) {
  TG_CHECK(result.shape() == self.shape(), ValueError, op, ": the result's shape ", result.shape(),
           " does not match self's ", self.shape(), " (in-place ops cannot broadcast self)");
  return commit_inplace(self, result, op);
}

}  // namespace tg
