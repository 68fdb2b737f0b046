// Scans and orderings along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp, sort,
// argsort, topk, kthvalue, median. Each views its input as contiguous [outer, D, inner].
#include <cmath>

#include "ops/elementwise_internal.h"

namespace tg {

namespace {

struct DimView {
  int64_t outer = 1, D = 1, inner = 1;
};
DimView dim_view(const Shape& s, int64_t d) {
  if (s.empty()) return {};
  if (shape_numel(s) == 0) return {0, s[d], 0};
  return {shape_numel(s, 0, d), s[d], shape_numel(s, d + 1, int64_t(s.size()))};
}

Tensor contiguous_input(const Tensor& x) { return x.is_contiguous() ? x : contiguous(x.detach()); }

// The gradient of an op that picked the elements `index` (along d) of an input of `shape`.
Tensor picked_grad(const Tensor& g, const Shape& shape, int64_t d, const Tensor& index) {
  return scatter_add(new_zeros(g, shape, g.dtype()), d, index, g);
}

// The dtype a cumsum/cumprod computes in: `dtype`, else integers and bools widen to int64.
DType accumulate_dtype(const Tensor& x, std::optional<DType> dtype) {
  if (dtype) return *dtype;
  return is_floating(x.dtype()) ? x.dtype() : DType::Int64;
}

Tensor scan_raw(ScanOp op, const Tensor& x, int64_t d, bool reverse, Tensor* index = nullptr) {
  if (is_storage_only(x.dtype()))  // in the kernel dtype, rounded once
    return to_dtype(scan_raw(op, to_dtype(x.detach(), kernel_dtype(x.dtype())), d, reverse, index),
                    x.dtype());
  const Tensor xc = contiguous_input(x);
  const DimView v = dim_view(x.shape(), d);
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (index) *index = Tensor::empty(x.shape(), DType::Int64, x.device());
  kernels(x.device())
      .scan.scan(op, x.dtype(), out.raw_data(), index ? index->data<int64_t>() : nullptr, xc.raw_data(),
                 v.outer, v.D, v.inner, reverse);
  return out;
}

// cumsum from the front (or the back); each is the other's backward.
Tensor cumsum_dir(const Tensor& x, int64_t d, bool reverse) {
  Tensor out = scan_raw(ScanOp::Sum, x, d, reverse);
  if (needs_grad({&x}))
    record(out, "CumsumBackward0", {&x}, {},
           [d, reverse](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList {
             return {cumsum_dir(g, d, !reverse)};
           });
  return out;
}

// y = f(x) by a scan kernel, backward = bw(g, x, y) by its own kernel (no double backward).
using ScanBackwardKernel = void (*)(DType, void*, const void*, const void*, const void*, int64_t, int64_t,
                                    int64_t);
Tensor scan_with_kernel_backward(ScanOp op, const char* node, ScanBackwardKernel ScanKernels::* bw,
                                 const Tensor& x, int64_t d) {
  Tensor out = scan_raw(op, x, d, false);
  if (needs_grad({&x}))
    record(out, node, {&x}, {x, out}, [d, bw](const Tensor& g, const TensorList& s, const FunctionNode&) {
      const Tensor &xs = s[0], &y = s[1];
      const DimView v = dim_view(xs.shape(), d);
      const DType ct = kernel_dtype(xs.dtype());  // float16/bfloat16: in float32, rounded once
      const Tensor gc = contiguous(cast(g, ct)), xc = contiguous(cast(xs, ct)), yc = contiguous(cast(y, ct));
      Tensor dx = Tensor::empty(xs.shape(), ct, xs.device());
      (kernels(xs.device()).scan.*bw)(ct, dx.raw_data(), gc.raw_data(), xc.raw_data(), yc.raw_data(), v.outer,
                                      v.D, v.inner);
      return TensorList{cast(dx, xs.dtype())};
    });
  return out;
}

std::pair<Tensor, Tensor> cum_extreme(bool is_max, const Tensor& x, int64_t dim) {
  const char* name = is_max ? "cummax" : "cummin";
  const int64_t d = wrap_dim(dim, x.dim(), name);
  Tensor index;
  Tensor out = scan_raw(is_max ? ScanOp::Max : ScanOp::Min, x, d, false, &index);
  if (needs_grad({&x}))
    record(out, is_max ? "CummaxBackward0" : "CumminBackward0", {&x}, {index},
           [d, shape = x.shape()](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {picked_grad(g, shape, d, s[0])};
           });
  return {out, index};
}

// values = x picked at `index` along d, recorded as one node (its gradient scatters back).
Tensor record_picked(Tensor values, const Tensor& x, int64_t d, const Tensor& index, const char* node) {
  if (needs_grad({&x}))
    record(values, node, {&x}, {index},
           [d, shape = x.shape()](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             return {picked_grad(g, shape, d, s[0])};
           });
  return values;
}

}  // namespace

Tensor cumsum(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  const int64_t d = wrap_dim(dim, x.dim(), "cumsum");
  return cumsum_dir(cast(x, accumulate_dtype(x, dtype)), d, false);
}

Tensor cumprod(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  const int64_t d = wrap_dim(dim, x.dim(), "cumprod");
  const Tensor xt = cast(x, accumulate_dtype(x, dtype));
  if (!is_floating(xt.dtype())) return scan_raw(ScanOp::Prod, xt, d, false);
  return scan_with_kernel_backward(ScanOp::Prod, "CumprodBackward0", &ScanKernels::cumprod_backward, xt, d);
}

Tensor logcumsumexp(const Tensor& x, int64_t dim) {
  check_floating(x, "logcumsumexp");
  const int64_t d = wrap_dim(dim, x.dim(), "logcumsumexp");
  return scan_with_kernel_backward(ScanOp::LogSumExp, "LogcumsumexpBackward0",
                                   &ScanKernels::logcumsumexp_backward, x, d);
}

std::pair<Tensor, Tensor> cummax(const Tensor& x, int64_t dim) { return cum_extreme(true, x, dim); }
std::pair<Tensor, Tensor> cummin(const Tensor& x, int64_t dim) { return cum_extreme(false, x, dim); }

std::pair<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending) {
  if (is_storage_only(x.dtype())) {  // the kernel dtype holds every value exactly, in the same order
    auto [values, index] = sort(to_dtype(x, kernel_dtype(x.dtype())), dim, descending);
    return {to_dtype(values, x.dtype()), index};
  }
  const int64_t d = wrap_dim(dim, x.dim(), "sort");
  const Tensor xc = contiguous_input(x);
  const DimView v = dim_view(x.shape(), d);
  Tensor values = Tensor::empty(x.shape(), x.dtype(), x.device());
  Tensor index = Tensor::empty(x.shape(), DType::Int64, x.device());
  kernels(x.device())
      .sort.sort(x.dtype(), values.raw_data(), index.data<int64_t>(), xc.raw_data(), v.outer, v.D, v.inner,
                 descending);
  return {record_picked(values, x, d, index, "SortBackward0"), index};
}

Tensor argsort(const Tensor& x, int64_t dim, bool descending) {
  NoGradGuard no_grad;
  return sort(x, dim, descending).second;
}

std::pair<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest) {
  if (is_storage_only(x.dtype())) {
    auto [values, index] = topk(to_dtype(x, kernel_dtype(x.dtype())), k, dim, largest);
    return {to_dtype(values, x.dtype()), index};
  }
  const int64_t d = wrap_dim(dim, x.dim(), "topk");
  const int64_t D = x.dim() ? x.size(d) : 1;
  TG_CHECK(k >= 0 && k <= D, IndexError, "topk: k (", k, ") out of range for dimension ", d, " of size ", D,
           " (shape ", x.shape(), ")");
  Shape shape = x.shape();
  if (x.dim()) shape[d] = k;
  const Tensor xc = contiguous_input(x);
  const DimView v = dim_view(x.shape(), d);
  Tensor values = Tensor::empty(shape, x.dtype(), x.device());
  Tensor index = Tensor::empty(shape, DType::Int64, x.device());
  if (shape_numel(shape) > 0)
    kernels(x.device())
        .sort.topk(x.dtype(), values.raw_data(), index.data<int64_t>(), xc.raw_data(), v.outer, v.D, v.inner,
                   k, largest);
  return {record_picked(values, x, d, index, "TopkBackward0"), index};
}

// The k-th smallest (1-based) along dim, and its position.
std::pair<Tensor, Tensor> kthvalue(const Tensor& x, int64_t k, int64_t dim, bool keepdim) {
  const int64_t d = wrap_dim(dim, x.dim(), "kthvalue");
  const int64_t D = x.dim() ? x.size(d) : 1;
  TG_CHECK(k >= 1 && k <= D, IndexError, "kthvalue: k (", k, ") out of range for dimension ", d, " of size ",
           D, " (shape ", x.shape(), ")");
  const Tensor x1 = x.dim() ? x : reshape(x, {1});
  Tensor index;
  {
    NoGradGuard no_grad;
    index = narrow(sort(x1, d, false).second, d, k - 1, 1);
  }
  Tensor values = gather(x1, d, index);
  if (!keepdim || x.dim() == 0) values = squeeze(values, d), index = squeeze(index, d);
  return {values, index};
}

// The most frequent value along dim (the smallest of the most frequent) and its last position.
std::pair<Tensor, Tensor> mode(const Tensor& x, int64_t dim, bool keepdim) {
  if (is_storage_only(x.dtype())) {
    auto [values, index] = mode(to_dtype(x, kernel_dtype(x.dtype())), dim, keepdim);
    return {to_dtype(values, x.dtype()), index};
  }
  const int64_t d = wrap_dim(dim, x.dim(), "mode");
  const Tensor x1 = x.dim() ? x : reshape(x, {1});
  TG_CHECK(x1.size(d) > 0, IndexError, "mode: cannot compute the mode of an empty dimension ", d, " (shape ",
           x.shape(), ")");
  const Tensor xc = contiguous_input(x1);
  const DimView v = dim_view(x1.shape(), d);
  Shape shape = x1.shape();
  shape[d] = 1;
  Tensor values = Tensor::empty(shape, x.dtype(), x.device());
  Tensor index = Tensor::empty(shape, DType::Int64, x.device());
  if (values.numel())
    kernels(x.device())
        .sort.mode(x.dtype(), values.raw_data(), index.data<int64_t>(), xc.raw_data(), v.outer, v.D, v.inner);
  values = record_picked(values, x1, d, index, "ModeBackward0");
  if (!keepdim || x.dim() == 0) values = squeeze(values, d), index = squeeze(index, d);
  return {values, index};
}

// torch's median: the lower of the two middle values; a NaN in the row is the median (nanmedian:
// the median of the non-NaN ones).
std::pair<Tensor, Tensor> median_dim(const Tensor& x, int64_t dim, bool keepdim, bool ignore_nan) {
  const char* name = ignore_nan ? "nanmedian" : "median";
  const int64_t d = wrap_dim(dim, x.dim(), name);
  const int64_t D = x.dim() ? x.size(d) : 1;
  TG_CHECK(D > 0, IndexError, name, ": cannot compute the median of an empty dimension ", d, " (shape ",
           x.shape(), ")");
  const Tensor x1 = x.dim() ? x : reshape(x, {1});
  Tensor index;
  {
    NoGradGuard no_grad;
    auto [sv, si] = sort(x1, d, false);
    Tensor pos;
    if (is_floating(x.dtype())) {
      // k non-NaN values per row: median at (k - 1) / 2 (nanmedian); NaNs sort last, so with any
      // NaN median takes the first NaN, at k.
      Tensor k = sum(unary(UnaryOp::LogicalNot, unary(UnaryOp::IsNan, sv)), {d}, true);
      if (ignore_nan)
        pos = maximum(floor_divide(sub(k, wrap_scalar(int64_t(1))), wrap_scalar(int64_t(2))),
                      wrap_scalar(int64_t(0)));  // an all-NaN row: its first NaN
      else
        pos = where(compare(BinaryOp::Lt, k, wrap_scalar(D)), k, wrap_scalar((D - 1) / 2));
    } else {
      Shape ps = si.shape();
      ps[d] = 1;
      pos = new_full(si, ps, double((D - 1) / 2), DType::Int64);
    }
    index = gather(si, d, pos);
  }
  Tensor values = gather(x1, d, index);
  if (!keepdim || x.dim() == 0) values = squeeze(values, d), index = squeeze(index, d);
  return {values, index};
}

Tensor median_all(const Tensor& x, bool ignore_nan) {
  return median_dim(reshape(x, {-1}), 0, false, ignore_nan).first;
}

}  // namespace tg
