// View ops: new shape/strides/offset over the same storage, each with its backward.
#include <algorithm>
#include <optional>

#include "ops/common.h"

namespace tg {

namespace {

Tensor make_view(const Tensor& t, Shape shape, Shape strides, int64_t offset) {
  return t.alias_with(shape, strides, offset);
}

// Record a view's backward: the input gradient is fn(grad).
template <class F>
Tensor view_grad(Tensor out, const Tensor& in, const char* name, F fn) {
  if (needs_grad({&in}))
    record(out, name, {&in}, {},
           [fn](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList { return {fn(g)}; });
  return out;
}

Shape infer_shape(Shape shape, int64_t numel, const Shape& from, const char* op) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      TG_CHECK(infer < 0, ValueError, op, ": only one dimension can be inferred (shape ", shape, ")");
      infer = (int64_t)i;
    } else {
      TG_CHECK(shape[i] >= 0, ValueError, op, ": invalid shape dimension ", shape[i], " in ", shape);
      if (__builtin_mul_overflow(known, shape[i], &known)) known = -1;  // too large to match any numel
    }
  }
  if (infer >= 0) {
    TG_CHECK(known > 0 && numel % known == 0, ValueError, op, ": shape ", shape,
             " is invalid for input of size ", numel, " (shape ", from, ")");
    shape[infer] = numel / known;
  }
  TG_CHECK(shape_numel(shape) == numel, ValueError, op, ": shape ", shape, " is invalid for input of size ",
           numel, " (shape ", from, ")");
  return shape;
}

// Strides that let `shape` view memory laid out as (old_shape, old_strides), if any
// (PyTorch's computeStride).
std::optional<Shape> view_strides(const Shape& os, const Shape& ost, const Shape& ns) {
  Shape nst(ns.size());
  if (os.empty() || shape_numel(os) == 0) return contiguous_strides(ns);
  int64_t view_d = (int64_t)ns.size() - 1;
  int64_t chunk = ost.back(), tnumel = 1, vnumel = 1;
  for (int64_t td = (int64_t)os.size() - 1; td >= 0; --td) {
    tnumel *= os[td];
    if (td == 0 || (os[td - 1] != 1 && ost[td - 1] != tnumel * chunk)) {
      while (view_d >= 0 && (vnumel < tnumel || ns[view_d] == 1)) {
        nst[view_d] = vnumel * chunk;
        vnumel *= ns[view_d];
        --view_d;
      }
      if (vnumel != tnumel) return std::nullopt;
      if (td > 0) {
        chunk = ost[td - 1];
        tnumel = 1;
        vnumel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return nst;
}

}  // namespace

Tensor view(const Tensor& t, Shape shape) {
  shape = infer_shape(shape, t.numel(), t.shape(), "view");
  auto st = t.is_contiguous() ? std::optional<Shape>(contiguous_strides(shape))
                              : view_strides(t.shape(), t.strides(), shape);
  TG_CHECK(st.has_value(), ValueError, "view: size ", shape, " is not compatible with input's size ",
           t.shape(), " and stride ", t.strides(),
           " (at least one dimension spans across two contiguous subspaces); use .reshape(...)");
  return view_grad(make_view(t, shape, *st, t.offset()), t, "ViewBackward0",
                   [s = t.shape()](const Tensor& g) { return reshape(g, s); });
}

Tensor reshape(const Tensor& t, Shape shape) {
  shape = infer_shape(shape, t.numel(), t.shape(), "reshape");
  auto st = t.is_contiguous() ? std::optional<Shape>(contiguous_strides(shape))
                              : view_strides(t.shape(), t.strides(), shape);
  if (st) return view(t, shape);
  return view(clone(t), shape);
}

Tensor transpose(const Tensor& t, int64_t d0, int64_t d1) {
  d0 = wrap_dim(d0, t.dim(), "transpose");
  d1 = wrap_dim(d1, t.dim(), "transpose");
  if (t.dim() == 0)
    return view_grad(make_view(t, {}, {}, t.offset()), t, "TransposeBackward0",
                     [](const Tensor& g) { return g; });
  Shape sh = t.shape(), st = t.strides();
  std::swap(sh[d0], sh[d1]);
  std::swap(st[d0], st[d1]);
  return view_grad(make_view(t, sh, st, t.offset()), t, "TransposeBackward0",
                   [d0, d1](const Tensor& g) { return transpose(g, d0, d1); });
}

Tensor permute(const Tensor& t, Dims dims) {
  TG_CHECK((int64_t)dims.size() == t.dim(), ValueError, "permute: number of dims don't match (got ",
           dims.size(), " dims for a tensor of shape ", t.shape(), ")");
  std::vector<bool> seen(dims.size(), false);
  Shape sh(dims.size()), st(dims.size());
  Dims inverse(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrap_dim(dims[i], t.dim(), "permute");
    TG_CHECK(!seen[d], ValueError, "permute: repeated dim ", d, " in ", Shape(dims));
    seen[d] = true;
    sh[i] = t.shape()[d];
    st[i] = t.strides()[d];
    inverse[d] = (int64_t)i;
  }
  return view_grad(make_view(t, sh, st, t.offset()), t, "PermuteBackward0",
                   [inverse](const Tensor& g) { return permute(g, inverse); });
}

Tensor matrix_t(const Tensor& t) {
  TG_CHECK(t.dim() <= 2, ValueError, "t: expects a tensor with <= 2 dimensions, but self is ", t.dim(),
           "D (shape ", t.shape(), ")");
  if (t.dim() < 2) return transpose(t, 0, 0);
  return transpose(t, 0, 1);
}

Tensor unsqueeze(const Tensor& t, int64_t dim) {
  dim = wrap_dim(dim, t.dim() + 1, "unsqueeze");
  Shape sh = t.shape(), st = t.strides();
  const int64_t s = dim < t.dim() ? sh[dim] * st[dim] : 1;
  sh.insert(sh.begin() + dim, 1);
  st.insert(st.begin() + dim, s);
  return view_grad(make_view(t, sh, st, t.offset()), t, "UnsqueezeBackward0",
                   [dim](const Tensor& g) { return squeeze(g, dim); });
}

Tensor squeeze(const Tensor& t, std::optional<int64_t> dim) {
  Shape sh, st;
  if (dim) {
    const int64_t d = wrap_dim(*dim, t.dim(), "squeeze");
    for (int64_t i = 0; i < t.dim(); ++i)
      if (i != d || t.shape()[i] != 1) {
        sh.push_back(t.shape()[i]);
        st.push_back(t.strides()[i]);
      }
  } else {
    for (int64_t i = 0; i < t.dim(); ++i)
      if (t.shape()[i] != 1) {
        sh.push_back(t.shape()[i]);
        st.push_back(t.strides()[i]);
      }
  }
  return view_grad(make_view(t, sh, st, t.offset()), t, dim ? "SqueezeBackward1" : "SqueezeBackward0",
                   [s = t.shape()](const Tensor& g) { return reshape(g, s); });
}

Tensor expand(const Tensor& t, Shape sizes) {
  TG_CHECK((int64_t)sizes.size() >= t.dim(), ValueError, "expand: the number of sizes provided (",
           sizes.size(), ") must be greater or equal to the number of dimensions in the tensor (", t.dim(),
           "; shape ", t.shape(), ")");
  const int64_t lead = (int64_t)sizes.size() - t.dim();
  const int64_t n = (int64_t)sizes.size();
  Shape st(n);
  // Right to left, as torch: a new leading dim of size 1 gets the stride it would have in a
  // contiguous layout of the dims after it; any broadcast dim gets stride 0.
  for (int64_t i = n - 1; i >= 0; --i) {
    if (i < lead) {
      TG_CHECK(sizes[i] >= 0, ValueError, "expand: the expanded size ", sizes[i],
               " is not allowed in a leading, non-existing dimension (shape ", t.shape(), " to ", sizes, ")");
      st[i] = sizes[i] != 1 ? 0 : (i + 1 < n ? sizes[i + 1] * st[i + 1] : 1);
      continue;
    }
    const int64_t have = t.shape()[i - lead];
    if (sizes[i] == -1) sizes[i] = have;
    TG_CHECK(have == sizes[i] || have == 1, ValueError, "expand: the expanded size of the tensor (", sizes[i],
             ") must match the existing size (", have, ") at non-singleton dimension ", i, " (shape ",
             t.shape(), " to ", sizes, ")");
    st[i] = have == sizes[i] ? t.strides()[i - lead] : 0;
  }
  if (sizes == t.shape())
    return view_grad(make_view(t, sizes, t.strides(), t.offset()), t, "ExpandBackward0",
                     [](const Tensor& g) { return g; });
  return view_grad(make_view(t, sizes, st, t.offset()), t, "ExpandBackward0",
                   [s = t.shape()](const Tensor& g) { return sum_to(g, s); });
}

Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim) {
  start_dim = wrap_dim(start_dim, t.dim(), "flatten");  // a 0-d tensor takes dims 0 and -1
  end_dim = wrap_dim(end_dim, t.dim(), "flatten");
  if (t.dim() == 0) return reshape(t, {1});
  TG_CHECK(start_dim <= end_dim, ValueError, "flatten: start_dim (", start_dim,
           ") cannot come after end_dim (", end_dim, ")");
  Shape sh;
  for (int64_t i = 0; i < start_dim; ++i) sh.push_back(t.shape()[i]);
  sh.push_back(shape_numel(t.shape(), start_dim, end_dim + 1));
  for (int64_t i = end_dim + 1; i < t.dim(); ++i) sh.push_back(t.shape()[i]);
  return reshape(t, sh);
}

Tensor slice(const Tensor& t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  TG_CHECK(t.dim() > 0, IndexError, "slice: cannot slice a 0-d tensor");
  dim = wrap_dim(dim, t.dim(), "slice");
  TG_CHECK(step > 0, ValueError, "slice: step must be positive, got ", step);
  const int64_t n = t.shape()[dim];
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  Shape sh = t.shape(), st = t.strides();
  sh[dim] = (end - start + step - 1) / step;
  st[dim] *= step;
  return view_grad(make_view(t, sh, st, t.offset() + start * t.strides()[dim]), t, "SliceBackward0",
                   [s = t.shape(), dim, start, end, step](const Tensor& g) {
                     Tensor z = new_zeros(g, s, g.dtype());
                     Tensor v = slice(z, dim, start, end, step);
                     copy_(v, g);
                     return z;
                   });
}

Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length) {
  TG_CHECK(t.dim() > 0, IndexError, "narrow: cannot be applied to a 0-dim tensor");
  dim = wrap_dim(dim, t.dim(), "narrow");
  const int64_t n = t.shape()[dim];
  if (start < 0) start += n;
  TG_CHECK(start >= 0 && length >= 0 && start + length <= n, IndexError, "narrow: start (", start,
           ") + length (", length, ") exceeds dimension size (", n, ") of shape ", t.shape());
  return slice(t, dim, start, start + length, 1);
}

Tensor select(const Tensor& t, int64_t dim, int64_t index) {
  TG_CHECK(t.dim() > 0, IndexError, "select: invalid index of a 0-dim tensor");
  dim = wrap_dim(dim, t.dim(), "select");
  const int64_t n = t.shape()[dim];
  TG_CHECK(index >= -n && index < n, IndexError, "select: index ", index, " is out of bounds for dimension ",
           dim, " with size ", n, " (shape ", t.shape(), ")");
  if (index < 0) index += n;
  Shape sh = t.shape(), st = t.strides();
  const int64_t off = t.offset() + index * st[dim];
  sh.erase(sh.begin() + dim);
  st.erase(st.begin() + dim);
  return view_grad(make_view(t, sh, st, off), t, "SelectBackward0",
                   [s = t.shape(), dim, index](const Tensor& g) {
                     Tensor z = new_zeros(g, s, g.dtype());
                     Tensor v = select(z, dim, index);
                     copy_(v, g);
                     return z;
                   });
}

TensorList unbind(const Tensor& t, int64_t dim) {
  TG_CHECK(t.dim() > 0, IndexError, "unbind: dimension specified as ", dim, " but tensor has no dimensions");
  dim = wrap_dim(dim, t.dim(), "unbind");
  TensorList out;
  for (int64_t i = 0; i < t.shape()[dim]; ++i) out.push_back(select(t, dim, i));
  return out;
}

}  // namespace tg
