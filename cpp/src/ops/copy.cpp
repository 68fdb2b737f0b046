// Copies and conversions: contiguous, clone, to_dtype, copy_, fill_, zero_.
#include "ops/common.h"

namespace tg {

namespace {
// dst[...] = cast(src[...]) with src broadcast to dst's shape, raw (no autograd).
void copy_raw(const Tensor& dst, const Tensor& src) {
  LoopGeom g = make_geom(dst.shape(), {&dst, &src});
  kernels(dst.device()).copy(dst.dtype(), src.dtype(), g, dst.raw_data(), src.raw_data());
}
}  // namespace

Tensor contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  return clone(t);
}

Tensor clone(const Tensor& t) {
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  copy_raw(out, t);
  if (needs_grad({&t}))
    record(out, "CloneBackward0", {&t}, {},
           [](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList { return {g}; });
  return out;
}

Tensor to_dtype(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t;
  Tensor out = Tensor::empty(t.shape(), dtype, t.device());
  copy_raw(out, t);
  if (is_floating(dtype) && is_floating(t.dtype()) && needs_grad({&t}))
    record(out, "ToCopyBackward0", {&t}, {}, [from = t.dtype()](const Tensor& g, const TensorList&,
                                                                  const FunctionNode&) -> TensorList {
      return {to_dtype(g, from)};
    });
  return out;
}

Tensor& copy_(Tensor& dst, const Tensor& src) {
  Shape b = broadcast_shapes(dst.shape(), src.shape(), "copy_");
  TG_CHECK(b == dst.shape(), ValueError, "copy_: source of shape ", src.shape(),
           " cannot be broadcast to the destination shape ", dst.shape());
  const bool grad = needs_grad({&src}) || (GradMode::is_enabled() && dst.requires_grad());
  if (grad) {
    check_inplace(dst, "copy_");
    TG_CHECK(!dst.impl()->is_view || !src.requires_grad(), StateError,
             "copy_: writing a tensor that requires grad into a view (shape ", dst.shape(),
             ") is not supported by autograd; build the result with cat, stack or where");
  }
  // Copy through a temporary when src and dst share storage (overlap would corrupt).
  Tensor s = src;
  if (src.defined() && src.storage() == dst.storage() && !src.same(dst)) s = clone(src.detach());
  copy_raw(dst, s);
  dst.bump_version();
  if (grad) {
    Tensor out = dst;
    if (src.requires_grad()) {
      record(out, "CopyBackwards", {&src}, {},
             [shape = src.shape(), dt = src.dtype()](const Tensor& g, const TensorList&,
                                                     const FunctionNode&) -> TensorList {
               Tensor r = sum_to(g, shape);
               return {r.dtype() == dt ? r : to_dtype(r, dt)};
             });
    } else {
      // Overwritten: no gradient flows to the old value.
      auto node = std::make_shared<FunctionNode>(
          "FillBackward0", [](const Tensor&, const TensorList&, const FunctionNode&) -> TensorList {
            return {};
          });
      set_history(out, node);
    }
  }
  return dst;
}

Tensor& fill_(Tensor& t, double value) {
  const bool grad = GradMode::is_enabled() && t.requires_grad();
  if (grad) check_inplace(t, "fill_");
  if (t.is_contiguous()) {
    kernels(t.device()).fill(t.dtype(), t.raw_data(), t.numel(), value);
  } else {
    Tensor v = scalar_tensor(value, t.dtype());
    copy_raw(t, v);
  }
  t.bump_version();
  if (grad) {
    auto node = std::make_shared<FunctionNode>(
        "FillBackward0",
        [](const Tensor&, const TensorList&, const FunctionNode&) -> TensorList { return {}; });
    set_history(t, node);
  }
  return t;
}

Tensor& zero_(Tensor& t) { return fill_(t, 0.0); }

}  // namespace tg
