// Creation ops (the random ones are in random.cpp).
#include <cmath>

#include "ops/common.h"

namespace tg {

Tensor empty(const Shape& shape, DType dtype, Device device) { return Tensor::empty(shape, dtype, device); }

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  check_value_fits(value, dtype, "full");
  Tensor t = Tensor::empty(shape, dtype, device);
  kernels(device).elementwise.fill(dtype, t.raw_data(), t.numel(), value);
  return t;
}
Tensor zeros(const Shape& shape, DType dtype, Device device) { return full(shape, 0.0, dtype, device); }
Tensor ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }
Tensor new_empty(const Tensor& like, const Shape& shape, DType dtype) {
  return Tensor::empty(shape, dtype, like.device());
}
Tensor new_zeros(const Tensor& like, const Shape& shape, DType dtype) {
  return zeros(shape, dtype, like.device());
}
Tensor new_ones(const Tensor& like, const Shape& shape, DType dtype) {
  return ones(shape, dtype, like.device());
}
Tensor new_full(const Tensor& like, const Shape& shape, double value, DType dtype) {
  return full(shape, value, dtype, like.device());
}

// Python numbers and C++ scalars live on the host (as torch's wrapped numbers, they combine with
// tensors on any device).
Tensor scalar_tensor(double value, DType dtype, bool wrapped) {
  Tensor t = full({}, value, dtype, Device{});
  t.impl()->is_wrapped_number = wrapped;
  return t;
}
Tensor wrap_scalar(double value) { return scalar_tensor(value, DType::Float64, true); }
Tensor wrap_scalar(int64_t value) {
  Tensor t = Tensor::empty({}, DType::Int64, Device{});
  *t.data<int64_t>() = value;  // exact for large integers
  t.impl()->is_wrapped_number = true;
  return t;
}
Tensor wrap_scalar(bool value) { return scalar_tensor(value ? 1.0 : 0.0, DType::Bool, true); }
Tensor wrap_scalar(const Scalar& value) {
  if (value.is_floating()) return wrap_scalar(value.to_double());
  if (value.is_bool()) return wrap_scalar(value.to<bool>());
  return wrap_scalar(value.to<int64_t>());
}

Scalar to_scalar(const Tensor& t) {
  TG_CHECK(t.numel() == 1, ValueError, "item: a Tensor with ", t.numel(),
           " elements cannot be converted to a Scalar (shape ", t.shape(), ")");
  Tensor c = contiguous(t.detach());
  switch (t.dtype()) {
    case DType::Bool:
      return Scalar(*c.data<bool>());
    case DType::Int64:
      return Scalar(*c.data<int64_t>());
    default:  // the small integers convert to a double exactly
      return is_integral(t.dtype()) ? Scalar(int64_t(c.item())) : Scalar(c.item());
  }
}

namespace {
// torch's element count: in int64 for an int64 result (the bounds truncated to ints first),
// else ceil((end - start) / step) in double; either must fit an int64.
int64_t arange_count(Scalar& start, Scalar& end, Scalar& step, DType dtype) {
  const auto bad_size = [&] {
    return ValueError(msg("arange: invalid size, possible overflow? (start ", start.to_double(), ", end ",
                          end.to_double(), ", step ", step.to_double(), ")"));
  };
  // An infinite step is a valid (empty or one-element) range, as in torch; a NaN one is not a step.
  for (Scalar* s : {&start, &end})
    TG_CHECK(std::isfinite(s->to_double()), ValueError, "arange: unsupported range: ", start.to_double(),
             " -> ", end.to_double(), " (step ", step.to_double(), ")");
  TG_CHECK(!std::isnan(step.to_double()), ValueError, "arange: step must be nonzero (got nan)");
  if (dtype == DType::Int64) {
    // The step's sign is checked on the given bounds, before they are truncated (as torch's).
    const double fa = start.to_double(), fb = end.to_double(), fd = step.to_double();
    TG_CHECK(fd == 0 || (fd > 0 ? fb >= fa : fb <= fa), ValueError,
             "arange: upper bound and larger bound inconsistent with step sign (start ", fa, ", end ", fb,
             ", step ", fd, ")");
    for (Scalar* s : {&start, &end, &step}) {
      if (s->is_floating()) check_int_value(s->to_double(), "arange");
      *s = Scalar(s->to<int64_t>());
    }
    const __int128 a = start.to<int64_t>(), b = end.to<int64_t>(), d = step.to<int64_t>();
    TG_CHECK(d != 0, ValueError, "arange: step must be nonzero");
    TG_CHECK((b - a) * (d > 0 ? 1 : -1) >= 0, ValueError,
             "arange: upper bound and larger bound inconsistent with step sign (start ", int64_t(a), ", end ",
             int64_t(b), ", step ", int64_t(d), ")");
    const __int128 n = (b - a + d - (d > 0 ? 1 : -1)) / d;
    if (n > INT64_MAX) throw bad_size();
    return int64_t(n);
  }
  const double a = start.to_double(), b = end.to_double(), d = step.to_double();
  TG_CHECK(d != 0, ValueError, "arange: step must be nonzero");
  TG_CHECK(d > 0 ? b >= a : b <= a, ValueError,  // by signs: (b - a) / -inf is -0, not negative
           "arange: upper bound and larger bound inconsistent with step sign (start ", a, ", end ", b,
           ", step ", d, ")");
  const double n = std::ceil((b - a) / d);
  if (!(n >= 0 && n < 9.2233720368547758e18)) throw bad_size();
  return int64_t(n);
}
}  // namespace

Tensor arange(const Scalar& start_in, const Scalar& end_in, const Scalar& step_in, DType dtype,
              Device device) {
  TG_CHECK(dtype != DType::Bool, TypeError, "arange: not implemented for bool");
  if (is_storage_only(dtype))  // counted and filled in the kernel dtype, then converted
    return to_dtype(arange(start_in, end_in, step_in, kernel_dtype(dtype), device), dtype);
  Scalar start = start_in, end = end_in, step = step_in;
  const int64_t n = arange_count(start, end, step, dtype);
  Tensor t = Tensor::empty({n}, dtype, device);
  kernels(t.device()).elementwise.arange(dtype, t.raw_data(), t.numel(), start, step);
  return t;
}

Tensor linspace(double start, double end, int64_t steps, DType dtype, Device device) {
  TG_CHECK(steps >= 0, ValueError, "linspace: number of steps must be non-negative, got ", steps);
  if (is_storage_only(dtype))
    return to_dtype(linspace(start, end, steps, kernel_dtype(dtype), device), dtype);
  if (dtype == DType::Int64) {  // integer bounds first, as torch's: linspace(-2.95, 0, 5) -> -2, -1, ...
    check_int_value(start, "linspace");
    check_int_value(end, "linspace");
    start = std::trunc(start), end = std::trunc(end);
  }
  Tensor t = Tensor::empty({steps}, dtype, device);
  kernels(t.device()).elementwise.linspace(dtype, t.raw_data(), steps, start, end);
  return t;
}

Tensor eye(int64_t n, int64_t m, DType dtype, Device device) {
  if (m < 0) m = n;
  TG_CHECK(n >= 0, ValueError, "eye: n must be greater or equal to 0, got ", n);
  Tensor t = zeros({n, m}, dtype, device);
  // The diagonal: a strided copy of a one (stride m + 1 in t, 0 in the source).
  const Tensor one = full({}, 1.0, dtype, device);
  LoopGeom g;
  g.ndim = 1, g.nops = 2, g.shape[0] = std::min(n, m), g.stride[0][0] = m + 1, g.stride[1][0] = 0;
  if (g.shape[0] > 0) kernels(device).elementwise.copy(dtype, dtype, g, t.raw_data(), one.raw_data());
  return t;
}

}  // namespace tg
