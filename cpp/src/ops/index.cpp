// Joining and indexing: cat, stack, chunk, split,
// index_select/index_add, masked_fill, masked_select, where.
#include <algorithm>

#include "ops/elementwise_internal.h"

namespace tg {

Tensor cat(const TensorList& tensors, int64_t dim) {
  TG_CHECK(!tensors.empty(), ValueError, "cat: expected a non-empty list of tensors");
  // Legacy rule kept by torch: 1-D empty tensors are skipped.
  TensorList ts;
  DType dt = tensors[0].dtype();
  for (const Tensor& t : tensors) {
    dt = promote_types(dt, t.dtype());
    if (!(t.dim() == 1 && t.numel() == 0)) ts.push_back(t);
  }
  Shape shape{0};  // all skipped: an empty result, every input still gets its (empty) gradient
  if (!ts.empty()) {
    const Tensor& ref = ts[0];
    TG_CHECK(ref.dim() > 0, ValueError, "cat: zero-dimensional tensor (shape []) cannot be concatenated");
    dim = wrap_dim(dim, ref.dim(), "cat");
    shape = ref.shape();
    shape[dim] = 0;
  }
  for (const Tensor& t : ts) {
    const Tensor& ref = ts[0];
    TG_CHECK(t.dim() == ref.dim(), ValueError, "cat: tensors must have the same number of dimensions: got ",
             ref.shape(), " and ", t.shape());
    for (int64_t d = 0; d < t.dim(); ++d)
      TG_CHECK(d == dim || t.shape()[d] == ref.shape()[d], ValueError,
               "cat: sizes of tensors must match except in dimension ", dim, " (got ", ref.shape(), " and ",
               t.shape(), ")");
    shape[dim] += t.shape()[dim];
  }
  Tensor out = new_empty(tensors[0], shape, dt);
  {
    NoGradGuard ng;
    int64_t off = 0;
    for (const Tensor& t : ts) {
      Tensor v = slice(out, dim, off, off + t.shape()[dim]);
      copy_(v, t);
      off += t.shape()[dim];
    }
  }
  // Every input gets its gradient, the skipped 1-D empty ones too (an empty one, as torch's).
  if (GradMode::is_enabled() &&
      std::any_of(tensors.begin(), tensors.end(), [](const Tensor& t) { return t.requires_grad(); })) {
    std::vector<int64_t> sizes;  // -1: skipped
    std::vector<DType> dts;
    for (const Tensor& t : tensors) {
      const bool skipped = t.dim() == 1 && t.numel() == 0;
      sizes.push_back(skipped ? -1 : t.shape()[dim]), dts.push_back(t.dtype());
    }
    record_list(out, "CatBackward0", tensors, {},
                [dim, sizes, dts](const Tensor& g, const TensorList&, const FunctionNode& n) -> TensorList {
                  TensorList r;
                  int64_t off = 0;
                  for (size_t i = 0; i < sizes.size(); ++i) {
                    if (!n.needs(i)) {
                      r.push_back(Tensor());
                    } else if (sizes[i] < 0) {
                      r.push_back(new_zeros(g, {0}, dts[i]));
                    } else {
                      Tensor s = slice(g, dim, off, off + sizes[i]);
                      r.push_back(s.dtype() == dts[i] ? s : to_dtype(s, dts[i]));
                    }
                    if (sizes[i] > 0) off += sizes[i];
                  }
                  return r;
                });
  }
  return out;
}

Tensor stack(const TensorList& tensors, int64_t dim) {
  TG_CHECK(!tensors.empty(), ValueError, "stack: expected a non-empty list of tensors");
  dim = wrap_dim(dim, tensors[0].dim() + 1, "stack");
  TensorList u;
  for (const Tensor& t : tensors) {
    TG_CHECK(t.shape() == tensors[0].shape(), ValueError,
             "stack: expects each tensor to be equal size, but got ", tensors[0].shape(), " and ", t.shape());
    u.push_back(unsqueeze(t, dim));
  }
  return cat(u, dim);
}

TensorList split(const Tensor& t, int64_t split_size, int64_t dim) {
  TG_CHECK(t.dim() > 0, ValueError, "split: expected at least a 1-dimensional tensor");
  dim = wrap_dim(dim, t.dim(), "split");
  const int64_t n = t.shape()[dim];
  TG_CHECK(split_size > 0 || (split_size == 0 && n == 0), ValueError,
           "split: split_size must be positive, got ", split_size);
  TensorList out;
  if (n == 0) return {t};
  for (int64_t s = 0; s < n; s += split_size) out.push_back(narrow(t, dim, s, std::min(split_size, n - s)));
  return out;
}

TensorList split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t dim) {
  TG_CHECK(t.dim() > 0, ValueError, "split: expected at least a 1-dimensional tensor");
  dim = wrap_dim(dim, t.dim(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) {
    TG_CHECK(s >= 0, ValueError, "split: split sizes must be non-negative, got ", Shape(sizes));
    total += s;
  }
  TG_CHECK(total == t.shape()[dim], ValueError, "split: split sizes ", Shape(sizes), " sum to ", total,
           " but dimension ", dim, " of shape ", t.shape(), " has size ", t.shape()[dim]);
  TensorList out;
  int64_t off = 0;
  for (int64_t s : sizes) out.push_back(narrow(t, dim, off, s)), off += s;
  return out;
}

TensorList chunk(const Tensor& t, int64_t chunks, int64_t dim) {
  TG_CHECK(chunks > 0, ValueError, "chunk: number of chunks must be greater than 0, got ", chunks);
  TG_CHECK(t.dim() > 0, ValueError, "chunk: expected at least a 1-dimensional tensor");
  const int64_t n = t.shape()[wrap_dim(dim, t.dim(), "chunk")];
  if (n == 0) {
    TensorList out;
    for (int64_t i = 0; i < chunks; ++i) out.push_back(narrow(t, dim, 0, 0));
    return out;
  }
  const int64_t size = std::max<int64_t>((n + chunks - 1) / chunks, 1);
  return split(t, size, dim);
}

Tensor index_select(const Tensor& t, int64_t dim, const Tensor& index) {
  check_index_tensor(index, "index_select");
  TG_CHECK(index.dim() <= 1, ValueError, "index_select: index must be 0-D or 1-D, got shape ", index.shape());
  dim = wrap_dim(dim, t.dim(), "index_select");
  TG_CHECK(t.dim() > 0 || index.numel() == 1, IndexError,
           "index_select: index to a 0-d tensor can have only 1 value, got ", index.numel());
  const int64_t D = t.dim() ? t.shape()[dim] : 1;
  Tensor idx = checked_indices(index, D, "index_select");
  Tensor src = contiguous(t.detach());
  Shape shape = t.shape();
  const int64_t J = idx.numel();
  if (t.dim()) shape[dim] = J;
  Tensor out = new_empty(t, shape, t.dtype());
  const int64_t outer = t.dim() ? shape_numel(t.shape(), 0, dim) : 1;
  const int64_t inner = t.dim() ? shape_numel(t.shape(), dim + 1, t.dim()) : 1;
  if (out.numel())
    kernels(t.device())
        .index.index_select(t.dtype(), out.raw_data(), src.raw_data(), idx.data<int64_t>(), outer, D, J,
                            inner);
  if (needs_grad({&t}))
    record(out, "IndexSelectBackward0", {&t}, {idx},
           [s = t.shape(), dim](const Tensor& g, const TensorList& sv, const FunctionNode&) -> TensorList {
             return {index_add(new_zeros(g, s, g.dtype()), dim, sv[0], g)};
           });
  return out;
}

Tensor index_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src_in,
                 const Scalar& alpha) {
  // alpha as a Python number: an int keeps an int source int (exactly), as torch's.
  // A bool source is added (or-ed) as it is, or not at all for alpha 0 (as torch's).
  const Tensor src = alpha.is_one() ? src_in
                     : src_in.dtype() == DType::Bool
                         ? (alpha.to<double>() != 0 ? src_in : new_zeros(src_in, src_in.shape(), DType::Bool))
                         : mul(src_in, wrap_scalar(alpha));
  check_index_tensor(index, "index_add");
  TG_CHECK(index.dim() <= 1, ValueError, "index_add: index must be 0-D or 1-D, got shape ", index.shape());
  dim = wrap_dim(dim, t.dim(), "index_add");
  TG_CHECK(src.dtype() == t.dtype(), TypeError, "index_add: self (", dtype_name(t.dtype()), ") and source (",
           dtype_name(src.dtype()), ") must have the same dtype");
  TG_CHECK(t.dim() > 0 || index.numel() == 1, IndexError,
           "index_add: index to a 0-d tensor can have only 1 value, got ", index.numel());
  Shape expect = t.shape();
  if (t.dim()) expect[dim] = index.numel();
  TG_CHECK(src.shape() == expect, ValueError, "index_add: source of shape ", src.shape(), " does not match ",
           expect, " (self ", t.shape(), ", index ", index.shape(), ")");
  const int64_t D = t.dim() ? t.shape()[dim] : 1;
  Tensor idx = checked_indices(index, D, "index_add");
  const DType ct = kernel_dtype(t.dtype());  // a storage dtype adds in its kernel dtype, rounded once
  Tensor out = ct == t.dtype() ? contiguous(clone(t.detach())) : to_dtype(t.detach(), ct);
  Tensor s = contiguous(ct == t.dtype() ? src.detach() : to_dtype(src.detach(), ct));
  const int64_t outer = t.dim() ? shape_numel(t.shape(), 0, dim) : 1;
  const int64_t inner = t.dim() ? shape_numel(t.shape(), dim + 1, t.dim()) : 1;
  if (s.numel())
    kernels(t.device())
        .index.index_add(ct, out.raw_data(), s.raw_data(), idx.data<int64_t>(), outer, D, idx.numel(), inner);
  if (ct != t.dtype()) out = to_dtype(out, t.dtype());
  if (needs_grad({&t, &src}))
    record(out, "IndexAddBackward0", {&t, &src}, {idx},
           [dim](const Tensor& g, const TensorList& sv, const FunctionNode& n) -> TensorList {
             return {n.needs(0) ? g : Tensor(), n.needs(1) ? index_select(g, dim, sv[0]) : Tensor()};
           });
  return out;
}

namespace {
// Coordinates [n, k] into dims dim..dim+k-1 of `shape`, Python-style negatives wrapped and
// range-checked; a contiguous copy.
Tensor checked_coords(const Tensor& coords, const Shape& shape, int64_t dim, const char* op) {
  check_index_tensor(coords, op);
  TG_CHECK(coords.dim() == 2 && coords.shape()[1] >= 1, ValueError, op,
           ": expected coordinates of shape [n, k] with k >= 1, got ", coords.shape());
  const int64_t n = coords.shape()[0], k = coords.shape()[1];
  TG_CHECK(dim >= 0 && dim + k <= int64_t(shape.size()), IndexError, op, ": ", k, " indexed dims from dim ",
           dim, " do not fit a tensor of shape ", shape);
  Tensor c = clone(coords.detach());  // contiguous, wrapped in place
  CoordDims dims;
  dims.k = int(k);
  for (int64_t q = 0; q < k; ++q) dims.size[q] = shape[dim + q];
  const BadIndex bad = kernels(c.device()).index.wrap_coords(c.data<int64_t>(), n, dims);
  if (bad.pos >= 0) {
    const int64_t d = dim + bad.pos % k;
    throw IndexError(
        msg(op, ": index ", bad.value, " is out of bounds for dimension ", d, " with size ", shape[d]));
  }
  return c;
}

// Element offsets (in `strides`) of each coordinate row: int64 [n] on the coordinates' device.
Tensor coord_offsets(const Tensor& coords, const Shape& strides, int64_t dim) {
  const int64_t n = coords.shape()[0], k = coords.shape()[1];
  CoordDims dims;
  dims.k = int(k);
  for (int64_t q = 0; q < k; ++q) dims.stride[q] = strides[dim + q];
  Tensor off = new_empty(coords, {n}, DType::Int64);
  kernels(coords.device()).index.coord_offsets(off.data<int64_t>(), coords.data<int64_t>(), n, dims);
  return off;
}

// self's shape with the k indexed dims replaced by one of size n.
Shape put_block_shape(const Shape& shape, int64_t dim, int64_t k, int64_t n) {
  Shape b(shape.begin(), shape.begin() + dim);
  b.push_back(n);
  b.insert(b.end(), shape.begin() + dim + k, shape.end());
  return b;
}

// The raw write (no autograd, no checks): dst[coords] (=|+=) src, src of dst's dtype broadcast to
// the block. Writes through dst's own strides, so any view takes it.
void index_put_raw(const Tensor& dst, int64_t dim, const Tensor& coords, const Tensor& src, bool accumulate) {
  const int64_t n = coords.shape()[0], k = coords.shape()[1];
  if (n == 0) return;
  if (accumulate && is_storage_only(dst.dtype())) {  // sums in the kernel dtype, rounded once
    const DType ct = kernel_dtype(dst.dtype());
    const Tensor wide = to_dtype(dst.detach(), ct);
    index_put_raw(wide, dim, coords, to_dtype(src.detach(), ct), true);
    const LoopGeom g = make_geom(dst.shape(), {&dst, &wide});
    kernels(dst.device()).elementwise.copy(dst.dtype(), ct, g, dst.raw_data(), wide.raw_data());
    dst.bump_version();
    return;
  }
  Tensor se = expand(src, put_block_shape(dst.shape(), dim, k, n));
  LoopGeom g;
  g.nops = 2;
  for (int64_t d = 0; d < dst.dim(); ++d) {
    if (d >= dim && d < dim + k) continue;
    const int64_t sd = d < dim ? d : d - k + 1;  // the same dim in the block
    g.shape[g.ndim] = dst.shape()[d];
    g.stride[0][g.ndim] = dst.strides()[d];
    g.stride[1][g.ndim] = se.strides()[sd];
    ++g.ndim;
  }
  coalesce(g);
  const Tensor off = coord_offsets(coords, dst.strides(), dim);
  kernels(dst.device())
      .index.index_put(dst.dtype(), g, dst.raw_data(), off.data<int64_t>(), n, se.raw_data(),
                       se.strides()[dim], accumulate);
  dst.bump_version();
}

// g[coords] as a block [..., n, ...] (the values' gradient).
Tensor index_get(const Tensor& g, int64_t dim, const Tensor& coords) {
  const int64_t k = coords.shape()[1];
  Tensor c = contiguous(g);
  Tensor flat = reshape(c, put_block_shape(c.shape(), dim, k, shape_numel(c.shape(), dim, dim + k)));
  Shape inner_strides = contiguous_strides(Shape(c.shape().begin() + dim, c.shape().begin() + dim + k));
  return index_select(flat, dim, coord_offsets(coords, inner_strides, 0));
}

void check_put_values(const Tensor& self, int64_t dim, const Tensor& coords, const Tensor& values,
                      const char* op) {
  // As torch: a tensor of values has self's dtype; a Python number is converted.
  TG_CHECK(values.dtype() == self.dtype() || values.impl()->is_wrapped_number, TypeError, op,
           ": index put requires the source and destination dtypes match, got ", dtype_name(self.dtype()),
           " for the destination and ", dtype_name(values.dtype()), " for the source");
  const Shape block = put_block_shape(self.shape(), dim, coords.shape()[1], coords.shape()[0]);
  TG_CHECK(broadcasts_to(values.shape(), block), ValueError, op, ": shape mismatch: value tensor of shape ",
           values.shape(), " cannot be broadcast to indexing result of shape ", block, " (self ",
           self.shape(), ")");
}
}  // namespace

namespace {
// The coordinate-level put: coords [n, k] into dims dim..dim+k-1, values laid out as the block.
Tensor put_coords(const Tensor& self, int64_t dim, const Tensor& coords, const Tensor& values,
                  bool accumulate) {
  check_put_values(self, dim, coords, values, "index_put");
  Tensor out = clone(self.detach());
  index_put_raw(out, dim, coords, cast(values.detach(), self.dtype()), accumulate);
  if (needs_grad({&self, &values}))
    record(out, "IndexPutBackward0", {&self, &values}, {coords},
           [dim, accumulate, vs = values.shape(), vd = values.dtype()](const Tensor& g, const TensorList& s,
                                                                       const FunctionNode& n) -> TensorList {
             Tensor gs, gv;
             if (n.needs(0)) {
               gs = g;
               if (!accumulate) {  // the overwritten elements got nothing from self
                 gs = clone(g);
                 index_put_raw(gs, dim, s[0], new_zeros(g, {}, g.dtype()), false);
               }
             }
             if (n.needs(1)) gv = cast(sum_to(index_get(g, dim, s[0]), vs), vd);
             return {gs, gv};
           });
  return out;
}

Tensor& put_coords_(Tensor& self, int64_t dim, const Tensor& coords, const Tensor& values, bool accumulate) {
  check_writable(self, "index_put_");
  if (inplace_records(self, &values))
    return commit_inplace(self, put_coords(self, dim, coords, values, accumulate), "index_put_");
  check_put_values(self, dim, coords, values, "index_put_");
  Tensor v = values.storage() == self.storage() ? clone(values.detach()) : values.detach();
  index_put_raw(self, dim, coords, cast(v, self.dtype()), accumulate);
  return self;
}

// torch's index tensors for dims dim.. of `self` -> checked coordinates [n, k] (int64 indices
// broadcast together to `shape`, a bool mask standing for its true positions).
struct IndexCoords {
  Tensor coords;  // [n, k]
  Shape shape;    // the indices' broadcast shape (n elements)
  int64_t k = 0;  // dims of self indexed
};
IndexCoords index_coords(const Tensor& self, int64_t dim, const TensorList& indices, const char* op) {
  TG_CHECK(!indices.empty(), ValueError, op, ": expected at least one index tensor");
  TensorList cols;  // one int64 index per indexed dim (a bool mask gives one per dim it covers)
  int64_t d = dim;
  for (const Tensor& idx : indices) {
    TG_CHECK(idx.dtype() == DType::Int64 || idx.dtype() == DType::Bool, TypeError, op,
             ": tensors used as indices must be long or bool tensors, got ", dtype_name(idx.dtype()));
    if (idx.dtype() == DType::Int64) {
      cols.push_back(idx);
      ++d;
      continue;
    }
    TG_CHECK(idx.dim() > 0, ValueError, op, ": a 0-d bool index is not supported here");
    for (int64_t q = 0; q < idx.dim(); ++q)
      TG_CHECK(d + q < self.dim() && idx.shape()[q] == self.shape()[d + q], IndexError, op,
               ": the shape of the mask ", idx.shape(), " at index ", q,
               " does not match the shape of the indexed tensor ", self.shape(), " at index ", d + q);
    Tensor nz = nonzero(idx);
    for (int64_t q = 0; q < idx.dim(); ++q) cols.push_back(select(nz, 1, q));
    d += idx.dim();
  }
  IndexCoords r;
  r.k = int64_t(cols.size());
  TG_CHECK(dim + r.k <= self.dim(), IndexError, op, ": too many indices (", r.k, " from dim ", dim,
           ") for tensor of shape ", self.shape());
  r.shape = cols[0].shape();
  for (const Tensor& c : cols) r.shape = broadcast_shapes(r.shape, c.shape(), op);
  const int64_t n = shape_numel(r.shape);
  TensorList flat;
  for (const Tensor& c : cols) flat.push_back(reshape(expand(c, r.shape), {n}));
  r.coords = checked_coords(stack(flat, 1), self.shape(), dim, op);
  return r;
}

// self's shape with the k indexed dims from `dim` replaced by the indices' shape.
Shape index_result_shape(const Shape& self, int64_t dim, const IndexCoords& ic) {
  Shape result(self.begin(), self.begin() + dim);
  result.insert(result.end(), ic.shape.begin(), ic.shape.end());
  result.insert(result.end(), self.begin() + dim + ic.k, self.end());
  return result;
}

// The coordinates, and `values` laid out as the block [..., n, ...] (broadcast first to what
// self[indices] would be).
std::pair<Tensor, Tensor> coords_and_block(const Tensor& self, int64_t dim, const TensorList& indices,
                                           const Tensor& values, const char* op) {
  IndexCoords ic = index_coords(self, dim, indices, op);
  Tensor v = values;
  if (ic.shape.size() != 1 && v.dim() > 0) {  // index dims other than one: flatten them in the values too
    const Shape result = index_result_shape(self.shape(), dim, ic);
    TG_CHECK(broadcasts_to(v.shape(), result), ValueError, op, ": shape mismatch: value tensor of shape ",
             v.shape(), " cannot be broadcast to indexing result of shape ", result);
    v = reshape(expand(v, result), put_block_shape(self.shape(), dim, ic.k, ic.coords.shape()[0]));
  }
  return {ic.coords, v};
}
}  // namespace

Tensor index(const Tensor& self, const TensorList& indices, int64_t dim) {
  IndexCoords ic = index_coords(self, dim, indices, "index");
  // index_get reads through contiguous/reshape/index_select, each with its own backward.
  return reshape(index_get(self, dim, ic.coords), index_result_shape(self.shape(), dim, ic));
}

Tensor index_put(const Tensor& self, const TensorList& indices, const Tensor& values, bool accumulate,
                 int64_t dim) {
  auto [coords, block] = coords_and_block(self, dim, indices, values, "index_put");
  return put_coords(self, dim, coords, block, accumulate);
}

Tensor& index_put_(Tensor& self, const TensorList& indices, const Tensor& values, bool accumulate,
                   int64_t dim) {
  auto [coords, block] = coords_and_block(self, dim, indices, values, "index_put_");
  return put_coords_(self, dim, coords, block, accumulate);
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  TG_CHECK(cond.dtype() == DType::Bool, TypeError, "where: expected condition to be a bool tensor, got ",
           dtype_name(cond.dtype()));
  const DType dt = result_type(a, b);
  Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
  Tensor ac = a.dtype() == dt ? a : to_dtype(a.detach(), dt);
  Tensor bc = b.dtype() == dt ? b : to_dtype(b.detach(), dt);
  Tensor out = new_empty(a, shape, dt);
  LoopGeom g = make_geom(shape, {&out, &cond, &ac, &bc});
  kernels(out.device())
      .elementwise.where(dt, g, out.raw_data(), cond.raw_data(), ac.raw_data(), bc.raw_data());
  if (needs_grad({&a, &b}))
    record(out, "WhereBackward0", {&a, &b}, {cond},
           [sa = a.shape(), sb = b.shape(), da = a.dtype(), db = b.dtype()](
               const Tensor& g, const TensorList& s, const FunctionNode& n) -> TensorList {
             Tensor zero = new_zeros(g, {}, g.dtype());
             Tensor ga, gb;
             if (n.needs(0)) ga = to_dtype(sum_to(where(s[0], g, zero), sa), da);
             if (n.needs(1)) gb = to_dtype(sum_to(where(s[0], zero, g), sb), db);
             return {ga, gb};
           });
  return out;
}

Tensor masked_fill(const Tensor& t, const Tensor& mask, const Tensor& value) {
  TG_CHECK(mask.dtype() == DType::Bool, TypeError, "masked_fill: expected a bool mask, got ",
           dtype_name(mask.dtype()), " (shape ", mask.shape(), ")");
  TG_CHECK(value.dim() == 0, ValueError,
           "masked_fill: only supports a 0-dimensional value tensor, but got shape ", value.shape());
  broadcast_shapes(t.shape(), mask.shape(), "masked_fill");
  // The result keeps the input's dtype; gradients reach both the input and the value.
  return where(mask, value.dtype() == t.dtype() ? value : to_dtype(value, t.dtype()), t);
}

Tensor& masked_fill_(Tensor& t, const Tensor& mask, const Tensor& value) {
  TG_CHECK(broadcast_shapes(t.shape(), mask.shape(), "masked_fill_") == t.shape(), ValueError,
           "masked_fill_: mask of shape ", mask.shape(), " cannot be broadcast to the input shape ",
           t.shape());
  // where() saves only the mask, so writing its result over t is safe.
  return commit_inplace(t, masked_fill(t, mask, value), "masked_fill_");
}

Tensor masked_select(const Tensor& t, const Tensor& mask) {
  TG_CHECK(mask.dtype() == DType::Bool, TypeError, "masked_select: expected a bool mask, got ",
           dtype_name(mask.dtype()));
  Shape shape = broadcast_shapes(t.shape(), mask.shape(), "masked_select");
  Tensor m = contiguous(expand(mask, shape));
  const IndexKernels& k = kernels(m.device()).index;
  const int64_t n = m.numel();
  Tensor idx =
      new_empty(t, {k.count_nonzero(DType::Bool, m.raw_data(), n)}, DType::Int64);  // syncs, as torch
  k.nonzero(DType::Bool, m.raw_data(), n, &n, 1, idx.data<int64_t>());
  return index_select(reshape(expand(t, shape), {-1}), 0, idx);
}

}  // namespace tg

namespace tg {

Tensor nonzero(const Tensor& t) {
  const Tensor c = contiguous(t.detach());
  const IndexKernels& k = kernels(c.device()).index;
  const int64_t count = k.count_nonzero(c.dtype(), c.raw_data(), c.numel());  // syncs, as torch
  Tensor out = new_empty(t, {count, c.dim()}, DType::Int64);
  k.nonzero(c.dtype(), c.raw_data(), c.numel(), c.shape().data(), int(c.dim()), out.data<int64_t>());
  return out;
}

}  // namespace tg
