// Shape and layout: flip, roll, tril/triu, diagonal/diag/diag_embed/trace, repeat/tile/
// repeat_interleave, unfold, movedim, broadcast_to/broadcast_tensors, meshgrid, the stacks,
// tensor_split, take/take_along_dim, sum_to_size, and the in-place view ops. Most are views or
// re-arrangements of existing ops (their autograd comes with them); flip, unfold, diagonal and
// diag_embed are their own views or copies with their own backward.
#include <algorithm>
#include <numeric>

#include "ops/elementwise_internal.h"

namespace tg {

namespace {

// Each dim of `dims` wrapped, once (`op` names a repeat).
std::vector<bool> dim_mask(const Dims& dims, int64_t ndim, const char* op) {
  std::vector<bool> m(std::max<int64_t>(ndim, 1), false);
  for (int64_t d : dims) {
    const int64_t w = wrap_dim(d, ndim, op);
    TG_CHECK(!m[w], ValueError, op, ": dim ", w, " appears multiple times in the list of dims");
    m[w] = true;
  }
  return m;
}

// The raw strided copy dst := src (same shape), no autograd.
void copy_raw(const Tensor& dst, const Tensor& src) {
  LoopGeom g = make_geom(dst.shape(), {&dst, &src});
  kernels(dst.device()).elementwise.copy(dst.dtype(), src.dtype(), g, dst.raw_data(), src.raw_data());
}

Shape with_leading_ones(const Shape& s, size_t n) {
  Shape r(n - s.size(), 1);
  r.insert(r.end(), s.begin(), s.end());
  return r;
}

}  // namespace

// A copy read through negated strides: one strided pass, whatever the dims.
Tensor flip(const Tensor& t, const Dims& dims) {
  const std::vector<bool> f = dim_mask(dims, t.dim(), "flip");
  Shape st = t.strides();
  int64_t off = t.offset();
  for (int64_t d = 0; d < t.dim(); ++d)
    if (f[d] && t.shape()[d] > 1) {
      off += (t.shape()[d] - 1) * st[d];
      st[d] = -st[d];
    }
  Tensor out = new_empty(t, t.shape(), t.dtype());
  if (out.numel()) copy_raw(out, t.detach().alias_with(t.shape(), st, off));
  if (needs_grad({&t}))
    record(out, "FlipBackward0", {&t}, {},
           [dims](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList {
             return {flip(g, dims)};
           });
  return out;
}

Tensor roll(const Tensor& t, const std::vector<int64_t>& shifts, const Dims& dims) {
  if (dims.empty()) {
    TG_CHECK(shifts.size() == 1, ValueError, "roll: shifts (", shifts.size(),
             " of them) and dims (none) must align when dims is not given");
    return view(roll(flatten(t), shifts, {0}), t.shape());
  }
  TG_CHECK(shifts.size() == dims.size(), ValueError,
           "roll: shifts and dimensions must align (shifts: ", shifts.size(), ", dims: ", dims.size(), ")");
  Tensor r = t;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = wrap_dim(dims[i], t.dim(), "roll"), n = t.dim() ? t.shape()[d] : 1;
    const int64_t s = n ? ((shifts[i] % n) + n) % n : 0;
    if (s) r = cat({narrow(r, d, n - s, s), narrow(r, d, 0, n - s)}, d);
  }
  return r.same(t) ? clone(t) : r;
}

namespace {
// Keep the elements with col - row <= k (lower) or >= k (upper) of the last two dims.
Tensor triangle(const Tensor& t, int64_t k, bool lower, const char* op) {
  TG_CHECK(t.dim() >= 2, ValueError, op, ": input tensor must have at least 2 dimensions, got shape ",
           t.shape());
  const int64_t R = t.shape()[t.dim() - 2], C = t.shape()[t.dim() - 1];
  NoGradGuard ng;
  const Scalar zero(int64_t(0)), one(int64_t(1));
  Tensor rows = reshape(arange(zero, Scalar(R), one, DType::Int64, t.device()), {R, 1});
  Tensor diff = sub(arange(zero, Scalar(C), one, DType::Int64, t.device()), rows);  // col - row, [R, C]
  return compare(lower ? BinaryOp::Le : BinaryOp::Ge, diff, wrap_scalar(k));
}
}  // namespace

Tensor tril(const Tensor& t, int64_t diagonal) {
  return where(triangle(t, diagonal, true, "tril"), t, new_zeros(t, {}, t.dtype()));
}
Tensor triu(const Tensor& t, int64_t diagonal) {
  return where(triangle(t, diagonal, false, "triu"), t, new_zeros(t, {}, t.dtype()));
}

namespace {
// The [2, N] coordinates of the lower (upper) triangle of a row x col matrix, row-major: the
// nonzero positions of the triangle's mask.
Tensor triangle_indices(int64_t row, int64_t col, int64_t offset, bool lower, DType dtype, Device device,
                        const char* op) {
  TG_CHECK(row >= 0 && col >= 0, ValueError, op, ": row and col must be non-negative, got ", row, " and ",
           col);
  TG_CHECK(dtype == DType::Int64, TypeError, op, ": only int64 indices are supported, got ",
           dtype_name(dtype));
  Tensor shape_only = empty({row, col}, DType::Bool, device);
  return contiguous(matrix_t(nonzero(triangle(shape_only, offset, lower, op))));
}
}  // namespace

Tensor tril_indices(int64_t row, int64_t col, int64_t offset, DType dtype, Device device) {
  return triangle_indices(row, col, offset, true, dtype, device, "tril_indices");
}
Tensor triu_indices(int64_t row, int64_t col, int64_t offset, DType dtype, Device device) {
  return triangle_indices(row, col, offset, false, dtype, device, "triu_indices");
}

// A view: dims dim1 and dim2 replaced by a last dim along the diagonal at `offset`.
Tensor diagonal(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2) {
  TG_CHECK(t.dim() >= 2, ValueError, "diagonal: expected a tensor of at least 2 dimensions, got shape ",
           t.shape());
  const int64_t d1 = wrap_dim(dim1, t.dim(), "diagonal"), d2 = wrap_dim(dim2, t.dim(), "diagonal");
  TG_CHECK(d1 != d2, ValueError, "diagonal: dimensions cannot be identical ", dim1, ", ", dim2);
  const int64_t n1 = t.shape()[d1], n2 = t.shape()[d2];
  int64_t len = offset >= 0 ? std::min(n1, n2 - offset) : std::min(n1 + offset, n2);
  len = std::max<int64_t>(len, 0);
  int64_t off = t.offset();
  if (len > 0) off += offset >= 0 ? offset * t.strides()[d2] : -offset * t.strides()[d1];
  Shape sh, st;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (d != d1 && d != d2) sh.push_back(t.shape()[d]), st.push_back(t.strides()[d]);
  sh.push_back(len);
  st.push_back(t.strides()[d1] + t.strides()[d2]);
  Tensor out = t.alias_with(sh, st, off);
  if (needs_grad({&t}))
    record(out, "DiagonalBackward0", {&t}, {},
           [s = t.shape(), offset, d1, d2](const Tensor& g, const TensorList&,
                                           const FunctionNode&) -> TensorList {
             Tensor z = new_zeros(g, s, g.dtype());
             Tensor v = diagonal(z, offset, d1, d2);
             copy_(v, g);
             return {z};
           });
  return out;
}

Tensor diag_embed(const Tensor& t, int64_t offset, int64_t dim1, int64_t dim2) {
  TG_CHECK(t.dim() >= 1, ValueError, "diag_embed: expected a tensor of at least 1 dimension, got shape ",
           t.shape());
  const int64_t nd = t.dim() + 1;
  const int64_t d1 = wrap_dim(dim1, nd, "diag_embed"), d2 = wrap_dim(dim2, nd, "diag_embed");
  TG_CHECK(d1 != d2, ValueError, "diag_embed: diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  const int64_t n = t.shape().back() + std::abs(offset);
  Shape sh(t.shape().begin(), t.shape().end() - 1);
  const auto [lo, hi] = std::minmax(d1, d2);
  sh.insert(sh.begin() + lo, n);
  sh.insert(sh.begin() + hi, n);
  Tensor out = new_zeros(t, sh, t.dtype());
  {
    NoGradGuard ng;
    copy_raw(diagonal(out, offset, d1, d2), t);
  }
  if (needs_grad({&t}))
    record(out, "DiagEmbedBackward0", {&t}, {},
           [offset, d1, d2](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList {
             return {diagonal(g, offset, d1, d2)};
           });
  return out;
}

Tensor diag(const Tensor& t, int64_t diagonal_) {
  TG_CHECK(t.dim() == 1 || t.dim() == 2, ValueError, "diag: expected a 1-D or 2-D tensor, got shape ",
           t.shape());
  if (t.dim() == 1) return diag_embed(t, diagonal_, 0, 1);
  return clone(diagonal(t, diagonal_, 0, 1));
}

Tensor trace(const Tensor& t) {
  TG_CHECK(t.dim() == 2, ValueError, "trace: expected a matrix, got shape ", t.shape());
  return sum(diagonal(t, 0, 0, 1));
}

// x.repeat(r0, r1, ...): x viewed as [1, s0, 1, s1, ...], expanded to [r0, s0, r1, s1, ...],
// copied out as [r0 s0, r1 s1, ...].
Tensor repeat(const Tensor& t, const Shape& repeats) {
  TG_CHECK((int64_t)repeats.size() >= t.dim(), ValueError, "repeat: number of dimensions of repeat dims (",
           repeats.size(), ") can not be smaller than number of dimensions of tensor (shape ", t.shape(),
           ")");
  const Shape s = with_leading_ones(t.shape(), repeats.size());
  Shape split, expanded, out;
  for (size_t i = 0; i < s.size(); ++i) {
    TG_CHECK(repeats[i] >= 0, ValueError, "repeat: trying to create tensor with negative dimension ",
             repeats[i], " (repeats ", repeats, ")");
    split.push_back(1), split.push_back(s[i]);
    expanded.push_back(repeats[i]), expanded.push_back(s[i]);
    out.push_back(repeats[i] * s[i]);
  }
  Tensor r = reshape(expand(reshape(t, split), expanded), out);
  return r.storage() == t.storage() ? clone(r) : r;
}

Tensor tile(const Tensor& t, const Shape& dims) {
  Shape r = dims;
  if ((int64_t)r.size() < t.dim()) r = with_leading_ones(r, t.dim());
  return repeat(t, r);
}

Tensor repeat_interleave(const Tensor& t, int64_t repeats, std::optional<int64_t> dim) {
  TG_CHECK(repeats >= 0, ValueError, "repeat_interleave: repeats can not be negative, got ", repeats);
  if (!dim) return repeat_interleave(flatten(t), repeats, 0);
  const int64_t d = wrap_dim(*dim, t.dim(), "repeat_interleave");
  Tensor x = t.dim() ? t : reshape(t, {1});
  Shape e = x.shape();
  e.insert(e.begin() + d + 1, repeats);
  Tensor r = flatten(expand(unsqueeze(x, d + 1), e), d, d + 1);
  return r.storage() == t.storage() ? clone(r) : r;
}

Tensor repeat_interleave(const Tensor& repeats) {
  TG_CHECK(repeats.dim() <= 1 && repeats.dtype() == DType::Int64, ValueError,
           "repeat_interleave: repeats must be a 0-d or 1-d int64 tensor, got ", dtype_name(repeats.dtype()),
           " of shape ", repeats.shape());
  TG_CHECK(repeats.device().type == DeviceType::CPU, ValueError,
           "repeat_interleave: tensor repeats are read on the host; move them to the CPU first");
  Tensor r = contiguous(reshape(repeats, {-1}));
  const int64_t* p = r.data<int64_t>();
  int64_t total = 0;
  for (int64_t i = 0; i < r.numel(); ++i) {
    TG_CHECK(p[i] >= 0, ValueError, "repeat_interleave: repeats can not be negative, got ", p[i]);
    total += p[i];
  }
  Tensor out = new_empty(r, {total}, DType::Int64);
  int64_t* o = out.data<int64_t>();
  for (int64_t i = 0; i < r.numel(); ++i) o = std::fill_n(o, p[i], i);
  return out;
}

Tensor repeat_interleave(const Tensor& t, const Tensor& repeats, std::optional<int64_t> dim) {
  if (!dim) return repeat_interleave(flatten(t), repeats, 0);
  const int64_t d = wrap_dim(*dim, t.dim(), "repeat_interleave");
  Tensor x = t.dim() ? t : reshape(t, {1});
  const int64_t n = x.shape()[d];
  Tensor reps = repeats;
  if (reps.numel() == 1 && n != 1) reps = expand(reshape(reps, {1}), {n});
  TG_CHECK(reps.dim() <= 1 && reps.numel() == n, ValueError,
           "repeat_interleave: repeats must have the same size (", reps.numel(), ") as input along dim ", d,
           " (shape ", t.shape(), ")");
  return index_select(x, d, repeat_interleave(reps));
}

// A view of sliding windows: dim d becomes the window count, a new last dim the window.
Tensor unfold(const Tensor& t, int64_t dimension, int64_t size, int64_t step) {
  const int64_t d = wrap_dim(dimension, t.dim(), "unfold");
  const int64_t n = t.dim() ? t.shape()[d] : 1, stride = t.dim() ? t.strides()[d] : 1;
  TG_CHECK(size >= 0 && size <= n, ValueError, "unfold: maximum size for tensor at dimension ", d, " is ", n,
           " but size is ", size, " (shape ", t.shape(), ")");
  TG_CHECK(step > 0, ValueError, "unfold: step is ", step, " but must be > 0");
  const int64_t count = (n - size) / step + 1;
  Shape sh = t.shape(), st = t.strides();
  if (t.dim()) {
    sh[d] = count;
    st[d] = stride * step;
  }
  sh.push_back(size);
  st.push_back(stride);
  Tensor out = t.alias_with(sh, st, t.offset());
  if (needs_grad({&t}))
    record(out, "UnfoldBackward0", {&t}, {},
           [s = t.shape(), d, size, step, count](const Tensor& g, const TensorList&, const FunctionNode&) {
             // Window element k of every window lands on positions k, k + step, ...; windows
             // that overlap add up.
             Tensor z = new_zeros(g, s.empty() ? Shape{1} : s, g.dtype());
             for (int64_t k = 0; k < size && count > 0; ++k) {
               Tensor v = slice(z, d, k, k + (count - 1) * step + 1, step);
               Tensor gk = select(g, -1, k);
               binary_(BinaryOp::Add, v, s.empty() ? reshape(gk, {1}) : gk);
             }
             return TensorList{s.empty() ? reshape(z, {}) : z};
           });
  return out;
}

Tensor movedim(const Tensor& t, const Dims& source, const Dims& destination) {
  TG_CHECK(source.size() == destination.size(), ValueError,
           "movedim: invalid source or destination dims: source (", Shape(source), ") and destination (",
           Shape(destination), ") must have the same number of elements");
  const int64_t nd = t.dim();
  const std::vector<bool> src = dim_mask(source, nd, "movedim"), dst = dim_mask(destination, nd, "movedim");
  Dims order(std::max<int64_t>(nd, 1), -1);
  for (size_t i = 0; i < source.size(); ++i)
    order[wrap_dim(destination[i], nd, "movedim")] = wrap_dim(source[i], nd, "movedim");
  int64_t next = 0;  // the other dims keep their order
  for (int64_t& o : order) {
    if (o >= 0) continue;
    while (src[next]) ++next;
    o = next++;
  }
  if (nd == 0) return permute(t, {});
  return permute(t, order);
}

Tensor broadcast_to(const Tensor& t, const Shape& shape) { return expand(t, shape); }

TensorList broadcast_tensors(const TensorList& ts) {
  Shape s;
  for (const Tensor& t : ts) s = broadcast_shapes(s, t.shape(), "broadcast_tensors");
  TensorList r;
  for (const Tensor& t : ts) r.push_back(expand(t, s));
  return r;
}

TensorList meshgrid(const TensorList& ts, bool xy) {
  TG_CHECK(!ts.empty(), ValueError, "meshgrid: expects a non-empty TensorList");
  for (const Tensor& t : ts)
    TG_CHECK(t.dim() <= 1, ValueError, "meshgrid: expected 0D or 1D tensors in the tensor list, got shape ",
             t.shape());
  // xy: the first two inputs swap places in the grid (NumPy's Cartesian indexing).
  const bool swap = xy && ts.size() >= 2;
  TensorList in = ts;
  if (swap) std::swap(in[0], in[1]);
  Shape grid;
  for (const Tensor& t : in) grid.push_back(t.numel());
  TensorList out;
  for (size_t i = 0; i < in.size(); ++i) {
    Shape s(in.size(), 1);
    s[i] = grid[i];
    out.push_back(expand(reshape(in[i], s), grid));
  }
  if (swap) std::swap(out[0], out[1]);
  return out;
}

Tensor atleast_1d(const Tensor& t) { return t.dim() >= 1 ? t : reshape(t, {1}); }
Tensor atleast_2d(const Tensor& t) {
  if (t.dim() >= 2) return t;
  return t.dim() == 1 ? unsqueeze(t, 0) : reshape(t, {1, 1});
}
Tensor atleast_3d(const Tensor& t) {
  if (t.dim() >= 3) return t;
  if (t.dim() == 2) return unsqueeze(t, -1);
  if (t.dim() == 1) return unsqueeze(unsqueeze(t, 0), -1);
  return reshape(t, {1, 1, 1});
}

namespace {
template <class F>
TensorList each(const TensorList& ts, F f) {
  TensorList r;
  for (const Tensor& t : ts) r.push_back(f(t));
  return r;
}
}  // namespace

Tensor hstack(const TensorList& ts) {
  TG_CHECK(!ts.empty(), ValueError, "hstack: expects a non-empty TensorList");
  TensorList r = each(ts, atleast_1d);
  return cat(r, r[0].dim() == 1 ? 0 : 1);
}
Tensor vstack(const TensorList& ts) { return cat(each(ts, atleast_2d), 0); }
Tensor dstack(const TensorList& ts) { return cat(each(ts, atleast_3d), 2); }
Tensor column_stack(const TensorList& ts) {
  TG_CHECK(!ts.empty(), ValueError, "column_stack: expects a non-empty TensorList");
  return cat(each(ts, [](const Tensor& t) { return t.dim() <= 1 ? reshape(t, {t.numel(), 1}) : t; }), 1);
}

TensorList tensor_split(const Tensor& t, int64_t sections, int64_t dim) {
  TG_CHECK(t.dim() > 0, ValueError,
           "tensor_split: expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
  TG_CHECK(sections > 0, ValueError, "tensor_split: number of sections must be larger than 0, got ",
           sections);
  const int64_t d = wrap_dim(dim, t.dim(), "tensor_split"), n = t.shape()[d];
  const int64_t base = n / sections, extra = n % sections;
  TensorList out;
  int64_t start = 0;
  for (int64_t i = 0; i < sections; ++i) {
    const int64_t len = base + (i < extra ? 1 : 0);
    out.push_back(slice(t, d, start, start + len));
    start += len;
  }
  return out;
}

TensorList tensor_split(const Tensor& t, const std::vector<int64_t>& indices, int64_t dim) {
  TG_CHECK(t.dim() > 0, ValueError,
           "tensor_split: expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
  const int64_t d = wrap_dim(dim, t.dim(), "tensor_split"), n = t.shape()[d];
  TensorList out;
  int64_t start = 0;
  for (int64_t end : indices) {
    out.push_back(slice(t, d, start, end));
    start = end;
  }
  out.push_back(slice(t, d, start, n));
  return out;
}

Tensor take(const Tensor& t, const Tensor& index) {
  check_index_tensor(index, "take");
  return tg::index(reshape(t, {-1}), {index});
}

Tensor take_along_dim(const Tensor& t, const Tensor& indices, std::optional<int64_t> dim) {
  check_index_tensor(indices, "take_along_dim");
  if (!dim) return gather(reshape(t, {-1}), 0, reshape(indices, {-1}));
  const int64_t d = wrap_dim(*dim, t.dim(), "take_along_dim");
  TG_CHECK(t.dim() == indices.dim(), ValueError,
           "take_along_dim: input and indices should have the same number of dimensions, but got ", t.dim(),
           " dimensions for input (shape ", t.shape(), "), and ", indices.dim(),
           " dimensions for indices (shape ", indices.shape(), ")");
  if (t.dim() == 0) return gather(t, 0, indices);
  // Negative indices count from the end here (not in gather).
  const int64_t n = t.shape()[d];
  Tensor idx =
      where(compare(BinaryOp::Lt, indices, wrap_scalar(int64_t(0))), add(indices, wrap_scalar(n)), indices);
  Shape ts = t.shape(), is = indices.shape();
  ts[d] = is[d] = 1;
  Shape b = broadcast_shapes(ts, is, "take_along_dim");
  Shape te = b, ie = b;
  te[d] = t.shape()[d];
  ie[d] = indices.shape()[d];
  return gather(expand(t, te), d, expand(idx, ie));
}

Tensor sum_to_size(const Tensor& t, const Shape& size) {
  TG_CHECK(broadcasts_to(size, t.shape()), ValueError, "sum_to_size: size ", size,
           " is not expandable to size ", t.shape());
  if (size.empty()) return sum(t);  // bool and ints to int64, as torch
  if (size == t.shape()) return t;
  const int64_t lead = t.dim() - (int64_t)size.size();
  Dims dims;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (d < lead || (size[d - lead] == 1 && t.shape()[d] != 1)) dims.push_back(d);
  return reshape(sum(t, dims, /*keepdim=*/true), size);
}

// ---- in-place view ops: self takes the view's shape, strides, offset and history -------------

Tensor& become_view_(Tensor& self, const Tensor& v, const char* op) {
  if (GradMode::is_enabled() && self.requires_grad()) check_inplace(self, op);
  TensorImpl* s = self.impl();
  s->shape = v.shape();
  s->strides = v.strides();
  s->offset = v.offset();
  if (GradMode::is_enabled() && v.grad_fn()) {
    s->grad_fn = v.grad_fn();
    s->output_nr = v.impl()->output_nr;
  }
  return self;
}

Tensor& squeeze_(Tensor& self, std::optional<int64_t> dim) {
  return become_view_(self, squeeze(self, dim), "squeeze_");
}
Tensor& unsqueeze_(Tensor& self, int64_t dim) {
  return become_view_(self, unsqueeze(self, dim), "unsqueeze_");
}
Tensor& transpose_(Tensor& self, int64_t d0, int64_t d1) {
  return become_view_(self, transpose(self, d0, d1), "transpose_");
}
Tensor& t_(Tensor& self) { return become_view_(self, matrix_t(self), "t_"); }

}  // namespace tg
