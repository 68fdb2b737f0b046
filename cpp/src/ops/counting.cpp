// Counting, searching and order statistics: nansum/nanmean, aminmax, bincount, histc,
// searchsorted/bucketize (a binary-search kernel), unique/unique_consecutive and
// quantile/nanquantile. Apart from searchsorted these are re-arrangements of existing passes
// (sort, cumsum, masked_select, index_add, gather), which bring their autograd.
#include <cmath>
#include <limits>

#include "ops/elementwise_internal.h"

namespace tg {

namespace {
Tensor is_nan(const Tensor& x) { return unary(UnaryOp::IsNan, x); }
Tensor zero_like_scalar(const Tensor& x) { return new_zeros(x, {}, x.dtype()); }
}  // namespace

Tensor nansum(const Tensor& t, const Dims& dims, bool keepdim, std::optional<DType> dtype) {
  if (!is_floating(t.dtype())) return sum(t, dims, keepdim, dtype);
  return sum(where(is_nan(t), zero_like_scalar(t), t), dims, keepdim, dtype);
}

Tensor nanmean(const Tensor& t, const Dims& dims, bool keepdim) {
  TG_CHECK(is_floating(t.dtype()), TypeError, "nanmean: expected a floating input, got ",
           dtype_name(t.dtype()));
  Tensor count = sum(unary(UnaryOp::LogicalNot, is_nan(t)), dims, keepdim);
  return div(nansum(t, dims, keepdim), count);
}

std::pair<Tensor, Tensor> aminmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim) {
  TG_CHECK(t.numel() > 0 || dim, ValueError, "aminmax: cannot compute on an empty tensor (shape ", t.shape(),
           ") without a dim");
  const Dims dims = dim ? Dims{*dim} : Dims{};
  if (t.dim() == 0) return {clone(t), clone(t)};
  return {amin(t, dims, keepdim), amax(t, dims, keepdim)};
}

Tensor bincount(const Tensor& t_in, const Tensor& weights, int64_t minlength) {
  TG_CHECK(t_in.dim() == 1 && is_integral(t_in.dtype()), ValueError,
           "bincount: only supports 1-d non-negative integral inputs, got ", dtype_name(t_in.dtype()),
           " of shape ", t_in.shape());
  const Tensor t = cast(t_in, DType::Int64);
  TG_CHECK(minlength >= 0, ValueError, "bincount: minlength should be >= 0, got ", minlength);
  TG_CHECK(!weights.defined() || weights.shape() == t.shape(), ValueError, "bincount: weights (shape ",
           weights.defined() ? weights.shape() : Shape{}, ") should have the same length as input (",
           t.numel(), ")");
  int64_t n = minlength;
  if (t.numel()) {
    TG_CHECK(to_scalar(amin(t)).to<int64_t>() >= 0, ValueError,
             "bincount: only supports non-negative inputs");
    n = std::max(n, to_scalar(amax(t)).to<int64_t>() + 1);
  }
  NoGradGuard ng;  // counts, no gradient (as torch's)
  // torch: no weights, or an empty input (weights or not), count in int64
  if (!weights.defined() || t.numel() == 0)
    return index_add(new_zeros(t, {n}, DType::Int64), 0, t, new_ones(t, t.shape(), DType::Int64));
  const DType dt = is_floating(weights.dtype()) ? weights.dtype() : DType::Float64;
  return index_add(new_zeros(t, {n}, dt), 0, t, to_dtype(weights, dt));
}

Tensor histc(const Tensor& t, int64_t bins, double min, double max) {
  TG_CHECK(is_floating(t.dtype()), TypeError, "histc: expected a floating input, got ",
           dtype_name(t.dtype()));
  TG_CHECK(bins > 0, ValueError, "histc: bins must be > 0, got ", bins);
  TG_CHECK(!(min > max), ValueError, "histc: max (", max, ") must be larger than or equal to min (", min,
           ")");
  NoGradGuard ng;
  Tensor x = reshape(t.detach(), {-1});
  if (min == max && x.numel()) {
    min = to_scalar(amin(x)).to_double();
    max = to_scalar(amax(x)).to_double();
  }
  if (min == max) min -= 1, max += 1;
  TG_CHECK(std::isfinite(min) && std::isfinite(max), ValueError, "histc: range of [", min, ", ", max,
           "] is not finite");
  const Tensor lo = scalar_tensor(min, t.dtype()), hi = scalar_tensor(max, t.dtype());
  Tensor inside = logical(BinaryOp::LogicalAnd, compare(BinaryOp::Ge, x, lo), compare(BinaryOp::Le, x, hi));
  Tensor v = masked_select(x, inside);
  // torch's bin: (x - min) / (max - min) * bins, truncated; x == max goes in the last bin
  Tensor pos = mul(div(sub(v, lo), sub(hi, lo)), scalar_tensor(double(bins), t.dtype()));
  Tensor idx = clamp(to_dtype(pos, DType::Int64), Tensor(), scalar_tensor(double(bins - 1), DType::Int64));
  return index_add(new_zeros(t, {bins}, t.dtype()), 0, idx, new_ones(t, idx.shape(), t.dtype()));
}

Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& values, bool right, const Tensor& sorter) {
  const Tensor& seq_in = sorted_sequence;
  TG_CHECK(seq_in.dim() >= 1, ValueError,
           "searchsorted: boundaries tensor should have positive dimension, got shape ", seq_in.shape());
  TG_CHECK(seq_in.dim() == 1 || values.dim() == seq_in.dim(), ValueError,
           "searchsorted: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
           "tensor "
           "and input value tensor must match, but we got boundaries tensor ",
           seq_in.shape(), " and input value tensor ", values.shape());
  if (seq_in.dim() > 1)
    for (int64_t d = 0; d + 1 < seq_in.dim(); ++d)
      TG_CHECK(seq_in.shape()[d] == values.shape()[d], ValueError,
               "searchsorted: the first N-1 dimensions of boundaries tensor and input value tensor must "
               "match, got ",
               seq_in.shape(), " and ", values.shape());
  Tensor seq = seq_in.detach();
  if (sorter.defined()) {
    check_index_tensor(sorter, "searchsorted");
    TG_CHECK(sorter.shape() == seq.shape(), ValueError, "searchsorted: sorter (shape ", sorter.shape(),
             ") must have the shape of the boundaries (", seq.shape(), ")");
    seq = gather(seq, -1, sorter);
  }
  const DType dt = kernel_dtype(result_type(seq, values));  // exact for every storage dtype
  seq = contiguous(cast(seq, dt));
  Tensor v = contiguous(cast(values.detach(), dt));
  const int64_t S = seq.shape().back();
  const int64_t V = seq.dim() == 1 ? v.numel() : (v.dim() ? v.shape().back() : 1);
  const int64_t rows = V ? v.numel() / V : 0;
  Tensor out = new_empty(values, values.shape(), DType::Int64);
  if (out.numel())
    kernels(values.device())
        .sort.searchsorted(dt, out.data<int64_t>(), seq.raw_data(), seq.dim() == 1 ? 0 : S, S, v.raw_data(),
                           rows, V, right);
  return out;
}

namespace {
// The sorted (or, consecutive, as given) values of flat x split into runs of equal values:
// run starts (bool [n]) and the order they were read in.
struct Runs {
  Tensor values, order, starts;
};
Runs runs_of(const Tensor& x, bool sort_first) {
  Tensor flat = reshape(x.detach(), {-1});
  Runs r;
  if (sort_first) {
    auto [v, i] = sort(flat, 0, false);
    r.values = v, r.order = i;
  } else {
    r.values = flat;
  }
  const int64_t n = flat.numel();
  Tensor head = new_ones(flat, {std::min<int64_t>(n, 1)}, DType::Bool);
  r.starts =
      n > 1 ? cat({head, compare(BinaryOp::Ne, slice(r.values, 0, 1, n), slice(r.values, 0, 0, n - 1))}, 0)
            : head;
  return r;
}
}  // namespace

namespace {
// Run starts and counts from run-start flags (bool [n]).
Tensor run_counts(const Tensor& starts, int64_t n, const Tensor& like) {
  Tensor first = reshape(nonzero(starts), {-1});  // run start positions
  Tensor ends =
      cat({slice(first, 0, 1, first.numel()), full({1}, double(n), DType::Int64, like.device())}, 0);
  return first.numel() ? sub(ends, first) : new_zeros(like, {0}, DType::Int64);
}

// unique over slices along dim: the slices as rows [N, M], ordered lexicographically by stable
// sorts on each column from the last to the first (each a pass of the sort kernel), runs of
// equal neighbouring rows, and the rows put back as slices.
UniqueResult unique_slices(const Tensor& t, int64_t dim, bool return_inverse, bool return_counts,
                           bool consecutive) {
  const char* op = consecutive ? "unique_consecutive" : "unique";
  TG_CHECK(t.dim() > 0, IndexError, op, ": dim ", dim, " is out of range for a 0-d tensor");
  const int64_t d = wrap_dim(dim, t.dim(), op);
  const Tensor moved = movedim(t.detach(), Dims{d}, Dims{0});
  const int64_t n = t.size(d), m = n ? t.numel() / n : 0;
  TG_CHECK(n == 0 || m > 0, ValueError, op, ": the slices along dim ", d, " of a tensor of shape ", t.shape(),
           " are empty, so their order is undefined");
  const Tensor rows = reshape(moved, {n, m});
  Tensor order = arange(Scalar(int64_t(0)), Scalar(n), Scalar(int64_t(1)), DType::Int64, t.device());
  if (!consecutive)
    for (int64_t j = m - 1; j >= 0; --j) {
      const Tensor col = index_select(select(rows, 1, j), 0, order);
      order = index_select(order, 0, sort(col, 0, false).second);
    }
  const Tensor sorted = consecutive ? rows : index_select(rows, 0, order);
  Tensor starts = new_ones(rows, {std::min<int64_t>(n, 1)}, DType::Bool);
  if (n > 1) {
    const Tensor differs =
        any(compare(BinaryOp::Ne, slice(sorted, 0, 1, n), slice(sorted, 0, 0, n - 1)), {1});
    starts = cat({starts, differs}, 0);
  }
  UniqueResult out;
  Shape shape = moved.shape();
  const Tensor firsts = reshape(nonzero(starts), {-1});
  shape[0] = firsts.numel();
  out.values = movedim(reshape(index_select(sorted, 0, firsts), shape), Dims{0}, Dims{d});
  if (return_inverse) {
    Tensor run = sub(cumsum(starts, 0), wrap_scalar(int64_t(1)));
    out.inverse = consecutive ? run : scatter(new_zeros(run, {n}, DType::Int64), 0, order, run);
  }
  if (return_counts) out.counts = run_counts(starts, n, t);
  return out;
}
}  // namespace

UniqueResult unique(const Tensor& t, bool sorted_, bool return_inverse, bool return_counts, bool consecutive,
                    std::optional<int64_t> dim) {
  (void)sorted_;  // the values always come out sorted (torch leaves an unsorted order unspecified)
  NoGradGuard ng;
  if (dim) return unique_slices(t, *dim, return_inverse, return_counts, consecutive);
  Runs r = runs_of(t, !consecutive);
  const int64_t n = r.values.numel();
  UniqueResult out;
  out.values = masked_select(r.values, r.starts);
  if (return_inverse) {
    // Run number of each read position, sent back to where it was read from.
    Tensor run = sub(cumsum(r.starts, 0), wrap_scalar(int64_t(1)));
    out.inverse = consecutive ? run : scatter(new_zeros(run, {n}, DType::Int64), 0, r.order, run);
    out.inverse = reshape(out.inverse, t.shape());
  }
  if (return_counts) out.counts = run_counts(r.starts, n, t);
  return out;
}

namespace {
enum class Interp { Linear, Lower, Higher, Midpoint, Nearest };
Interp parse_interp(const std::string& s, const char* op) {
  if (s == "linear") return Interp::Linear;
  if (s == "lower") return Interp::Lower;
  if (s == "higher") return Interp::Higher;
  if (s == "midpoint") return Interp::Midpoint;
  if (s == "nearest") return Interp::Nearest;
  throw ValueError(std::string(op) +
                   ": interpolation must be one of linear, lower, higher, midpoint or nearest, got '" + s +
                   "'");
}
}  // namespace

Tensor quantile(const Tensor& t, const Tensor& q, std::optional<int64_t> dim, bool keepdim,
                const std::string& interpolation, bool ignore_nan) {
  const char* op = ignore_nan ? "nanquantile" : "quantile";
  TG_CHECK(is_floating(t.dtype()), TypeError, op, ": input tensor must be either float or double dtype, got ",
           dtype_name(t.dtype()));
  TG_CHECK(q.dim() <= 1, ValueError, op, ": q must be a scalar or 1D tensor, got shape ", q.shape());
  TG_CHECK(q.dtype() == t.dtype() || q.impl()->is_wrapped_number, TypeError, op,
           ": q tensor must be same dtype as the input tensor (", dtype_name(t.dtype()), "), got ",
           dtype_name(q.dtype()));
  const Interp how = parse_interp(interpolation, op);
  Tensor qv = reshape(cast(q.detach(), t.dtype()), {-1});
  {
    NoGradGuard ng;
    TG_CHECK(
        qv.numel() == 0 || (to_scalar(amin(qv)).to_double() >= 0 && to_scalar(amax(qv)).to_double() <= 1),
        ValueError, op, ": q values must be in the range [0, 1]");
  }
  TG_CHECK(t.numel() > 0, ValueError, op, ": input tensor must be non-empty (shape ", t.shape(), ")");
  // x as [..., n] with the reduced dim last, sorted (NaN last).
  Tensor x = dim ? movedim(t.dim() ? t : reshape(t, {1}), {*dim}, {-1}) : reshape(t, {-1});
  const int64_t n = x.shape().back();
  Tensor sorted = sort(x, -1, false).first;
  Tensor nan_count = sum(is_nan(x.detach()), {-1}, true);  // [..., 1] int64
  Tensor k = ignore_nan ? sub(full({}, double(n), DType::Int64, t.device()), nan_count)
                        : full({}, double(n), DType::Int64, t.device());
  // ranks [..., Q] = q (k - 1), clamped at 0 (an all-NaN row gives NaN below)
  Tensor km1 = to_dtype(clamp(sub(k, wrap_scalar(int64_t(1))), 0.0, std::nullopt), t.dtype());
  Tensor ranks = mul(km1, qv);
  if (how == Interp::Nearest) ranks = round(ranks);  // half to even, as torch
  Tensor lo = to_dtype(unary(UnaryOp::Floor, ranks), DType::Int64),
         hi = to_dtype(unary(UnaryOp::Ceil, ranks), DType::Int64);
  Shape gshape = x.shape();
  gshape.back() = qv.numel();
  lo = contiguous(expand(lo, gshape)), hi = contiguous(expand(hi, gshape));
  Tensor below = gather(sorted, -1, lo);
  Tensor r;
  switch (how) {
    case Interp::Lower:
    case Interp::Nearest:
      r = below;
      break;
    case Interp::Higher:
      r = gather(sorted, -1, hi);
      break;
    case Interp::Midpoint:
      r = lerp(below, gather(sorted, -1, hi), 0.5);
      break;
    case Interp::Linear: {
      Tensor w = sub(ranks, unary(UnaryOp::Floor, ranks));
      r = lerp(below, gather(sorted, -1, hi), expand(w, gshape));
      break;
    }
  }
  // quantile: a row holding a NaN gives NaN; nanquantile: a row of NaNs only.
  Tensor nan_row = ignore_nan ? compare(BinaryOp::Eq, nan_count, wrap_scalar(n))
                              : compare(BinaryOp::Gt, nan_count, wrap_scalar(int64_t(0)));
  r = where(nan_row, full({}, std::numeric_limits<double>::quiet_NaN(), t.dtype(), t.device()), r);
  // [..., Q] -> [Q, ...] (q a tensor) or [...] (q a scalar), the reduced dim kept as 1 if asked.
  if (keepdim) {
    if (dim) {
      r = unsqueeze(r, -2);  // [..., 1, Q]
      r = movedim(r, {r.dim() - 2}, {wrap_dim(*dim, std::max<int64_t>(t.dim(), 1), op)});
    } else {
      Shape kept(t.dim(), 1);  // every dim reduced to 1, then q's
      kept.push_back(qv.numel());
      r = reshape(r, kept);
    }
  }
  r = q.dim() == 0 ? select(r, -1, 0) : movedim(r, {-1}, {0});
  if (!dim && !keepdim && q.dim() == 0) r = reshape(r, {});
  if (dim && t.dim() == 0 && !keepdim) r = q.dim() == 0 ? reshape(r, {}) : reshape(r, {qv.numel()});
  return r;
}

}  // namespace tg
