#include <algorithm>
#include <cmath>

#include "ops/common.h"

namespace tg {

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  const int64_t n = ndim > 0 ? ndim : 1;
  TG_CHECK(dim >= -n && dim < n, IndexError, op, ": dimension out of range (expected to be in ", "range of [",
           -n, ", ", n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

void check_index_tensor(const Tensor& index, const char* op) {
  TG_CHECK(index.dtype() == DType::Int64, TypeError, op, ": expected an int64 index tensor, got ",
           dtype_name(index.dtype()), " (shape ", index.shape(), ")");
}

Tensor checked_indices(const Tensor& index, int64_t size, const char* op) {
  Tensor idx = contiguous(index.detach());
  const BadIndex bad = kernels(idx.device()).index.check_indices(idx.data<int64_t>(), idx.numel(), size);
  TG_CHECK(bad.pos < 0, IndexError, op, ": index ", bad.value, " is out of bounds for dimension with size ",
           size);
  return idx;
}

void check_floating(const Tensor& x, const char* op) {
  TG_CHECK(is_floating(x.dtype()), TypeError, op, ": expected a floating-point tensor, got ",
           dtype_name(x.dtype()), " (shape ", x.shape(), ")");
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    TG_CHECK(da == db || da == 1 || db == 1, ValueError, op, ": shapes ", a, " and ", b,
             " cannot be broadcast together (dimension ", i, ": ", da, " vs ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  const size_t lead = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[lead + i]) return false;
  return true;
}

void broadcast_strides(const Tensor& t, const Shape& out_shape, int64_t* strides) {
  const int64_t lead = (int64_t)out_shape.size() - t.dim();
  for (int64_t i = 0; i < (int64_t)out_shape.size(); ++i) {
    if (i < lead)
      strides[i] = 0;
    else
      strides[i] = t.shape()[i - lead] == 1 ? 0 : t.strides()[i - lead];
  }
}

LoopGeom make_geom(const Shape& out_shape, std::initializer_list<const Tensor*> operands) {
  LoopGeom g;
  TG_CHECK(out_shape.size() <= size_t(kMaxDims), ValueError, "tensors with more than ", kMaxDims,
           " dims are not supported (shape ", out_shape, ")");
  g.ndim = (int)out_shape.size();
  g.nops = (int)operands.size();
  for (int d = 0; d < g.ndim; ++d) g.shape[d] = out_shape[d];
  int k = 0;
  for (const Tensor* t : operands) broadcast_strides(*t, out_shape, g.stride[k++]);
  coalesce(g);
  return g;
}

// Drop size-1 dims and merge neighbours that are contiguous with each other in every
// operand, so most loops become 1-D or 2-D.
void coalesce(LoopGeom& g) {
  for (int d = 0; d < g.ndim; ++d)
    if (g.shape[d] == 0) {  // nothing to loop over (and the other dims may multiply past int64)
      g.ndim = 1;
      g.shape[0] = 0;
      return;
    }
  int nd = 0;
  for (int d = 0; d < g.ndim; ++d) {
    if (g.shape[d] == 1) continue;
    if (nd > 0) {
      bool merge = true;
      for (int k = 0; k < g.nops; ++k) merge = merge && g.stride[k][nd - 1] == g.stride[k][d] * g.shape[d];
      if (merge) {
        g.shape[nd - 1] *= g.shape[d];
        for (int k = 0; k < g.nops; ++k) g.stride[k][nd - 1] = g.stride[k][d];
        continue;
      }
    }
    g.shape[nd] = g.shape[d];
    for (int k = 0; k < g.nops; ++k) g.stride[k][nd] = g.stride[k][d];
    ++nd;
  }
  if (nd == 0 && g.ndim > 0) {  // all dims 1: one element
    nd = 1;
    g.shape[0] = 1;
    for (int k = 0; k < g.nops; ++k) g.stride[k][0] = 1;
  }
  g.ndim = nd;
}

TensorList FunctionNode::apply(TensorList&& grads) {
  TensorList saved_now;
  saved_now.reserve(saved.size());
  for (auto& s : saved) saved_now.push_back(s.unpack(name_));
  if (multi_fn_) {
    if (std::none_of(grads.begin(), grads.end(), [](const Tensor& g) { return g.defined(); }))
      return TensorList(next_edges.size());
    return multi_fn_(grads, saved_now, *this);
  }
  if (!grads[0].defined()) return TensorList(next_edges.size());
  return fn_(grads[0], saved_now, *this);
}

void FunctionNode::release_saved() {
  for (auto& s : saved) s.release();
}

static void finish_record(Tensor& out, std::shared_ptr<FunctionNode> node,
                          std::initializer_list<Tensor> saved) {
  for (const Tensor& s : saved) node->saved.emplace_back(s);
  set_history(out, node);
}

void record(Tensor& out, const char* name, std::initializer_list<const Tensor*> inputs,
            std::initializer_list<Tensor> saved, BackwardFn fn) {
  auto node = std::make_shared<FunctionNode>(name, std::move(fn));
  for (const Tensor* t : inputs) node->next_edges.push_back(t ? gradient_edge(*t) : Edge{});
  finish_record(out, node, saved);
}

void record_list(Tensor& out, const char* name, const TensorList& inputs, std::initializer_list<Tensor> saved,
                 BackwardFn fn) {
  auto node = std::make_shared<FunctionNode>(name, std::move(fn));
  for (const Tensor& t : inputs) node->next_edges.push_back(gradient_edge(t));
  finish_record(out, node, saved);
}

void record_multi(TensorList& outputs, const char* name, std::initializer_list<const Tensor*> inputs,
                  std::initializer_list<Tensor> saved, MultiBackwardFn fn) {
  auto node = std::make_shared<FunctionNode>(name, uint32_t(outputs.size()), std::move(fn));
  for (const Tensor* t : inputs) node->next_edges.push_back(t ? gradient_edge(*t) : Edge{});
  for (const Tensor& s : saved) node->saved.emplace_back(s);
  for (size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].defined()) set_history(outputs[i], node, uint32_t(i));
}

void check_inplace(const Tensor& t, const char* op) {
  if (!GradMode::is_enabled()) return;
  TG_CHECK(!(t.requires_grad() && t.is_leaf() && !t.is_view()), StateError, op,
           ": a leaf Variable that requires grad is being used in an in-place operation "
           "(shape ",
           t.shape(), ")");
  const TensorImpl* base = t.impl()->view_base.get();
  TG_CHECK(!(base && base->requires_grad && !base->grad_fn), StateError, op,
           ": a view of a leaf Variable that requires grad is being used in an in-place "
           "operation (view shape ",
           t.shape(), ", base shape ", base ? base->shape : Shape{}, ")");
}

namespace {
// History for a tensor whose values were overwritten by a constant (fill_, copy_ of a tensor
// that needs no grad): zero gradient to what it was before.
std::shared_ptr<FunctionNode> overwritten_node(const Tensor& self) {
  auto node = std::make_shared<FunctionNode>(
      "FillBackward0", [](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList {
        return {new_zeros(g, g.shape(), g.dtype())};
      });
  node->next_edges = {gradient_edge(self)};
  return node;
}

// The view's history as a strided window into its (contiguous) base's current history.
void set_as_strided_history(const Tensor& view, const char* op) {
  Tensor base(view.impl()->view_base);
  TG_CHECK(base.is_contiguous(), StateError, op, ": autograd through a view (shape ", view.shape(),
           ") of a non-contiguous tensor (shape ", base.shape(), ") written in place is not supported");
  const Shape vshape = view.shape(), vstrides = view.strides(), bshape = base.shape();
  const int64_t voff = view.offset() - base.offset();
  auto node =
      std::make_shared<FunctionNode>("AsStridedBackward0",
                                     [bshape, vshape, vstrides, voff](const Tensor& g, const TensorList&,
                                                                      const FunctionNode&) -> TensorList {
                                       Tensor z = new_zeros(g, bshape, g.dtype());
                                       Tensor r = z.alias_with(vshape, vstrides, voff);
                                       copy_(r, g);
                                       return {z};
                                     });
  node->next_edges = {gradient_edge(base)};
  Tensor v = view;
  set_history(v, node);
  view.impl()->view_version = view.storage()->version.load();
}
}  // namespace

void refresh_view_history(const Tensor& t) {
  TensorImpl* impl = t.impl();
  if (!impl->view_base || !impl->view_base->requires_grad) return;
  if (impl->view_version == impl->storage->version.load()) return;
  set_as_strided_history(t, "view");
}

void check_not_read_only(const Tensor& t, const char* op) {
  TG_CHECK(!t.storage()->read_only, StateError, op, ": the tensor (shape ", t.shape(),
           ") is read-only: it shares memory with a non-writable NumPy array; clone() it first");
}

void check_writable(const Tensor& t, const char* op) {
  check_not_read_only(t, op);
  if (t.numel() == 0) return;
  for (int64_t d = 0; d < t.dim(); ++d)
    TG_CHECK(t.shape()[d] <= 1 || t.strides()[d] != 0, ValueError, op,
             ": unsupported operation: more than one element of the written-to tensor (shape ", t.shape(),
             ", strides ", t.strides(), ") refers to a single memory location; clone() it first");
}

namespace {
// Strides a permutation of a contiguous layout's (size-1 dims aside): the elements fill
// [offset, offset + numel) with no gaps and no repeats.
bool non_overlapping_and_dense(const Tensor& t) {
  std::vector<std::pair<int64_t, int64_t>> dims;  // (stride, size) of the dims that step
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.shape()[d] != 1) dims.push_back({t.strides()[d], t.shape()[d]});
  std::sort(dims.begin(), dims.end());
  int64_t expect = 1;
  for (const auto& [stride, size] : dims) {
    if (stride != expect) return false;
    expect *= size;
  }
  return true;
}
}  // namespace

void check_no_partial_overlap(const Tensor& out, const Tensor& in, const char* op) {
  if (!out.defined() || !in.defined() || out.storage() != in.storage() || out.numel() == 0 || in.numel() == 0)
    return;
  if (!non_overlapping_and_dense(out) || !non_overlapping_and_dense(in)) return;  // torch: too hard to tell
  const int64_t oi = int64_t(itemsize(out.dtype())), ii = int64_t(itemsize(in.dtype()));
  const int64_t a0 = out.offset() * oi, a1 = a0 + out.numel() * oi;
  const int64_t b0 = in.offset() * ii, b1 = b0 + in.numel() * ii;
  if (a1 <= b0 || b1 <= a0) return;  // disjoint
  const bool same =
      a0 == b0 && out.dtype() == in.dtype() && out.shape() == in.shape() && out.strides() == in.strides();
  TG_CHECK(same, ValueError, op,
           ": unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
           "single memory location (output shape ",
           out.shape(), ", input shape ", in.shape(),
           "). Please clone() the tensor before performing the operation.");
}

bool inplace_records(const Tensor& self, const Tensor* other) {
  return GradMode::is_enabled() &&
         (self.requires_grad() || (other && other->defined() && other->requires_grad()) ||
          (self.is_view() && self.impl()->view_base->requires_grad));
}

Tensor& commit_inplace(Tensor& self, const Tensor& result, const char* op, bool result_uses_self) {
  check_writable(self, op);
  const bool track = inplace_records(self, &result);
  if (track) check_inplace(self, op);
  {
    NoGradGuard ng;
    Tensor src = result;
    if (src.storage() == self.storage() && !src.same(self)) src = clone(src.detach());
    LoopGeom g = make_geom(self.shape(), {&self, &src});
    kernels(self.device()).elementwise.copy(self.dtype(), src.dtype(), g, self.raw_data(), src.raw_data());
    self.bump_version();
  }
  if (!track) return self;
  if (!self.is_view()) {
    if (result.requires_grad() && !result_uses_self && self.requires_grad()) {
      auto node = std::make_shared<FunctionNode>(
          "CopyBackwards", [](const Tensor& g, const TensorList&, const FunctionNode& n) -> TensorList {
            return {n.needs(0) ? new_zeros(g, g.shape(), g.dtype()) : Tensor(), g};
          });
      node->next_edges = {gradient_edge(self), gradient_edge(result)};
      set_history(self, node);
    } else if (result.requires_grad() && result.grad_fn()) {
      set_history(self, result.grad_fn(), result.impl()->output_nr);
    } else if (result.requires_grad()) {
      self.impl()->requires_grad = true;
      self.impl()->grad_fn = nullptr;
      self.impl()->output_nr = result.impl()->output_nr;
    } else {
      set_history(self, overwritten_node(self));
    }
    return self;
  }
  Tensor base(self.impl()->view_base);
  TG_CHECK(base.is_contiguous(), StateError, op, ": in-place write through a view (shape ", self.shape(),
           ") of a non-contiguous tensor (shape ", base.shape(), ") is not supported by autograd");
  const Shape vshape = self.shape(), vstrides = self.strides();
  const int64_t voff = self.offset() - base.offset();
  // The base's new history: the region gets its gradient from `result`, the rest from the
  // base's old history.
  auto copy_slices = std::make_shared<FunctionNode>(
      "CopySlices",
      [vshape, vstrides, voff](const Tensor& g, const TensorList&, const FunctionNode& n) -> TensorList {
        Tensor gb = clone(g);  // contiguous, fresh
        Tensor region = gb.alias_with(vshape, vstrides, gb.offset() + voff);
        Tensor gr = n.needs(1) ? clone(region) : Tensor();
        fill_(region, 0.0);
        return {gb, gr};
      });
  copy_slices->next_edges = {gradient_edge(base), result.requires_grad() ? gradient_edge(result) : Edge{}};
  set_history(base, copy_slices);
  set_as_strided_history(self, op);
  return self;
}

void check_int_value(double v, const char* op) {
  TG_CHECK(std::isfinite(v) && v >= -9.2233720368547758e18 && v < 9.2233720368547758e18, ValueError, op,
           ": value ", v, " cannot be converted to int64 without overflow");
}

void check_value_fits(double v, DType dtype, const char* op) {
  if (dtype == DType::Int64) return check_int_value(v, op);
  if (!is_integral(dtype)) return;
  const int bits = int(8 * itemsize(dtype));
  // uint8 takes negatives down to -255, wrapping (torch's rule for unsigned types)
  const double lo = dtype == DType::UInt8 ? -255.0 : -std::ldexp(1.0, bits - 1);
  const double hi = dtype == DType::UInt8 ? 255.0 : std::ldexp(1.0, bits - 1) - 1;
  TG_CHECK(std::isfinite(v) && std::trunc(v) >= lo && std::trunc(v) <= hi, ValueError, op, ": value ", v,
           " cannot be converted to ", dtype_name(dtype), " without overflow");
}

}  // namespace tg
