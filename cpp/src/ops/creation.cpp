// Creation ops and the global random generator (seed + counter: a counter-based stream).
#include <cmath>
#include <mutex>

#include "ops/common.h"

namespace tg {

namespace {
struct Generator {
  std::mutex mu;
  uint64_t seed = 67280421310721ull;  // torch's default seed
  uint64_t offset = 0;
  // Reserve `n` counters (normal draws use two per element).
  std::pair<uint64_t, uint64_t> take(uint64_t n) {
    std::lock_guard<std::mutex> lock(mu);
    auto r = std::make_pair(seed, offset);
    offset += n;
    return r;
  }
};
Generator& generator() {
  static Generator g;
  return g;
}
}  // namespace

void manual_seed(uint64_t seed) {
  auto& g = generator();
  std::lock_guard<std::mutex> lock(g.mu);
  g.seed = seed;
  g.offset = 0;
}

Tensor empty(const Shape& shape, DType dtype, Device device) { return Tensor::empty(shape, dtype, device); }

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  if (dtype == DType::Int64) check_int_value(value, "full");
  Tensor t = Tensor::empty(shape, dtype, device);
  kernels(device).fill(dtype, t.raw_data(), t.numel(), value);
  return t;
}
Tensor zeros(const Shape& shape, DType dtype, Device device) { return full(shape, 0.0, dtype, device); }
Tensor ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }

Tensor scalar_tensor(double value, DType dtype, bool wrapped) {
  Tensor t = full({}, value, dtype);
  t.impl()->is_wrapped_number = wrapped;
  return t;
}
Tensor wrap_scalar(double value) { return scalar_tensor(value, DType::Float64, true); }
Tensor wrap_scalar(int64_t value) {
  Tensor t = Tensor::empty({}, DType::Int64);
  *t.data<int64_t>() = value;  // exact for large integers
  t.impl()->is_wrapped_number = true;
  return t;
}
Tensor wrap_scalar(bool value) { return scalar_tensor(value ? 1.0 : 0.0, DType::Bool, true); }

Tensor arange(double start, double end, double step, DType dtype) {
  TG_CHECK(step != 0, ValueError, "arange: step must be nonzero");
  TG_CHECK(std::isfinite(start) && std::isfinite(end), ValueError, "arange: unsupported range: ", start,
           " -> ", end);
  TG_CHECK((end - start) / step >= 0 || start == end, ValueError,
           "arange: upper bound and larger bound inconsistent with step sign (start ", start, ", end ", end,
           ", step ", step, ")");
  TG_CHECK(dtype != DType::Bool, TypeError, "arange: not implemented for bool");
  const int64_t n = (int64_t)std::ceil((end - start) / step);
  Tensor t = Tensor::empty({n > 0 ? n : 0}, dtype);
  kernels(t.device()).arange(dtype, t.raw_data(), t.numel(), start, step);
  return t;
}

Tensor linspace(double start, double end, int64_t steps, DType dtype) {
  TG_CHECK(steps >= 0, ValueError, "linspace: number of steps must be non-negative, got ", steps);
  Tensor t = Tensor::empty({steps}, dtype);
  const double step = steps > 1 ? (end - start) / double(steps - 1) : 0.0;
  kernels(t.device()).arange(dtype, t.raw_data(), steps, start, step);
  // Fill the second half from the end, as torch does, so the last value is exactly `end`.
  TG_DISPATCH_NUMERIC(dtype, "linspace", [&] {
    scalar_t* p = t.data<scalar_t>();
    for (int64_t i = std::max<int64_t>(steps / 2, 1); i < steps; ++i)
      p[i] = scalar_t(end - step * double(steps - 1 - i));
  });
  return t;
}

Tensor eye(int64_t n, int64_t m, DType dtype) {
  if (m < 0) m = n;
  TG_CHECK(n >= 0, ValueError, "eye: n must be greater or equal to 0, got ", n);
  Tensor t = zeros({n, m}, dtype);
  TG_DISPATCH_ALL(dtype, "eye", [&] {
    scalar_t* p = t.data<scalar_t>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = scalar_t(1);
  });
  return t;
}

namespace {
// U[a, b) or N(a, b^2) draws from the global generator.
Tensor random_float(const Shape& shape, DType dtype, bool normal, const char* op, double a = 0.0,
                    double b = 1.0) {
  TG_CHECK(is_floating(dtype), TypeError, op, ": expected a floating dtype, got ", dtype_name(dtype));
  Tensor t = Tensor::empty(shape, dtype);
  auto [seed, off] = generator().take(t.numel());
  const KernelTable& k = kernels(t.device());
  (normal ? k.normal : k.uniform)(dtype, t.raw_data(), t.numel(), a, b, seed, off);
  return t;
}
}  // namespace

Tensor& uniform_(Tensor& t, double from, double to) {
  TG_CHECK(from <= to, ValueError, "uniform_: expects from <= to, but got from=", from, " to=", to);
  return copy_(t, random_float(t.shape(), t.dtype(), false, "uniform_", from, to));
}
Tensor& normal_(Tensor& t, double mean, double std) {
  TG_CHECK(std >= 0.0, ValueError, "normal_: expects std >= 0.0, but got std=", std);
  return copy_(t, random_float(t.shape(), t.dtype(), true, "normal_", mean, std));
}

Tensor rand(const Shape& shape, DType dtype) { return random_float(shape, dtype, false, "rand"); }
Tensor randn(const Shape& shape, DType dtype) { return random_float(shape, dtype, true, "randn"); }

Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dtype) {
  TG_CHECK(high > low, ValueError, "randint: expected low < high, got low=", low, " high=", high);
  TG_CHECK(dtype != DType::Bool, TypeError, "randint: bool dtype is not supported");
  if (is_floating(dtype)) return to_dtype(randint(low, high, shape, DType::Int64), dtype);
  Tensor t = Tensor::empty(shape, dtype);
  auto [seed, off] = generator().take(t.numel());
  kernels(t.device()).uniform(dtype, t.raw_data(), t.numel(), double(low), double(high), seed, off);
  return t;
}

}  // namespace tg
