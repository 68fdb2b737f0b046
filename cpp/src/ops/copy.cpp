// Copies and conversions: contiguous, clone, to_dtype, copy_, fill_, zero_.
#include <cmath>

#include "ops/common.h"

namespace tg {

namespace {
// dst[...] = cast(src[...]) with src broadcast to dst's shape, raw (no autograd).
void copy_raw(const Tensor& dst, const Tensor& src) {
  LoopGeom g = make_geom(dst.shape(), {&dst, &src});
  kernels(dst.device()).elementwise.copy(dst.dtype(), src.dtype(), g, dst.raw_data(), src.raw_data());
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
  if (dtype == DType::Int64 && is_floating(t.dtype()) && t.numel() == 1 && t.device().type == DeviceType::CPU)
    check_int_value(t.item(), "to");  // a CPU scalar only: reading a device's would sync
  Tensor out = Tensor::empty(t.shape(), dtype, t.device());
  copy_raw(out, t);
  if (is_floating(dtype) && is_floating(t.dtype()) && needs_grad({&t}))
    record(out, "ToCopyBackward0", {&t}, {},
           [from = t.dtype()](const Tensor& g, const TensorList&, const FunctionNode&) -> TensorList {
             return {to_dtype(g, from)};
           });
  return out;
}

Tensor& copy_(Tensor& dst, const Tensor& src) {
  Shape b = broadcast_shapes(dst.shape(), src.shape(), "copy_");
  TG_CHECK(b == dst.shape(), ValueError, "copy_: source of shape ", src.shape(),
           " cannot be broadcast to the destination shape ", dst.shape());
  check_writable(dst, "copy_");
  check_no_partial_overlap(dst, src, "copy_");
  if (dst.dtype() == DType::Int64 && is_floating(src.dtype()) && src.numel() == 1 &&
      src.device().type == DeviceType::CPU)
    check_int_value(src.item(), "copy_");
  // A Python number (fill_, full) must fit a small integer dtype, as torch's.
  if (src.impl()->is_wrapped_number && is_integral(dst.dtype()))
    check_value_fits(src.item(), dst.dtype(), "fill");
  if (!inplace_records(dst, &src)) {
    // Copy through a temporary when src and dst share storage (overlap would corrupt).
    Tensor s = src.storage() == dst.storage() && !src.same(dst) ? clone(src.detach()) : src;
    copy_raw(dst, s);
    dst.bump_version();
    return dst;
  }
  Tensor r = expand(src, dst.shape());
  if (src.requires_grad() && r.dtype() != dst.dtype()) r = to_dtype(r, dst.dtype());
  return commit_inplace(dst, r, "copy_", /*result_uses_self=*/false);
}

Tensor& fill_(Tensor& t, double value) {
  check_not_read_only(t, "fill_");
  check_value_fits(value, t.dtype(), "fill_");
  Tensor v = scalar_tensor(value, t.dtype());
  if (inplace_records(t, nullptr)) return commit_inplace(t, expand(v, t.shape()), "fill_");
  if (t.is_contiguous())
    kernels(t.device()).elementwise.fill(t.dtype(), t.raw_data(), t.numel(), value);
  else
    copy_raw(t, v);
  t.bump_version();
  return t;
}

Tensor& zero_(Tensor& t) { return fill_(t, 0.0); }

}  // namespace tg
