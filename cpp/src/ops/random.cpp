// Random ops: generators, the draws (rand, randn, randint, randperm, multinomial, bernoulli,
// normal, poisson) and the in-place fillers. Every draw reserves its counters from one
// generator and leaves the numbers to the counter-based kernels (kernels/cpu/random.cpp).
#include <cmath>
#include <random>

#include "ops/elementwise_internal.h"

namespace tg {

// ---- generators -------------------------------------------------------------------------------
void Generator::manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(mu_);
  seed_ = seed;
  offset_ = 0;
}
uint64_t Generator::seed() {
  std::random_device rd;
  const uint64_t s = (uint64_t(rd()) << 32) ^ uint64_t(rd());
  manual_seed(s);
  return s;
}
uint64_t Generator::initial_seed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seed_;
}
std::pair<uint64_t, uint64_t> Generator::get_state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {seed_, offset_};
}
void Generator::set_state(uint64_t seed, uint64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  seed_ = seed;
  offset_ = offset;
}
std::pair<uint64_t, uint64_t> Generator::take(uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  auto r = std::make_pair(seed_, offset_);
  offset_ += n;
  return r;
}
Generator& default_generator() {
  static Generator g;
  return g;
}
void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

// ---- draws --------------------------------------------------------------------------------------
namespace {

// U[a, b) or N(a, b^2) draws of `shape`.
Tensor random_float(const Shape& shape, DType dtype, Device device, bool normal, const char* op,
                    Generator* gen, double a = 0.0, double b = 1.0) {
  TG_CHECK(is_floating(dtype), TypeError, op, ": expected a floating dtype, got ", dtype_name(dtype));
  if (is_storage_only(dtype))  // float16/bfloat16: drawn in float32, rounded once
    return to_dtype(random_float(shape, DType::Float32, device, normal, op, gen, a, b), dtype);
  Tensor t = Tensor::empty(shape, dtype, device);
  auto [seed, off] = generator_or_default(gen).take(uint64_t(t.numel()) * (normal ? 2 : 1));
  const KernelTable& k = kernels(t.device());
  (normal ? k.random.normal : k.random.uniform)(dtype, t.raw_data(), t.numel(), a, b, seed, off);
  return t;
}

// U[0, 1) like t, in t's dtype when floating (float32 otherwise).
Tensor uniform_like(const Tensor& t, Generator* gen, const char* op) {
  const DType d = is_floating(t.dtype()) ? t.dtype() : DType::Float32;
  return random_float(t.shape(), d, t.device(), false, op, gen);
}

void check_probability(double p, const char* op) {
  TG_CHECK(p >= 0.0 && p <= 1.0, ValueError, op, ": expects 0 <= p <= 1, but got p=", p);
}

}  // namespace

Tensor rand(const Shape& shape, DType dtype, Device device, Generator* gen) {
  return random_float(shape, dtype, device, false, "rand", gen);
}
Tensor randn(const Shape& shape, DType dtype, Device device, Generator* gen) {
  return random_float(shape, dtype, device, true, "randn", gen);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dtype, Device device, Generator* gen) {
  TG_CHECK(high > low, ValueError, "randint: expected low < high, got low=", low, " high=", high);
  TG_CHECK(dtype != DType::Bool, TypeError, "randint: bool dtype is not supported");
  if (dtype != DType::Int64) return to_dtype(randint(low, high, shape, DType::Int64, device, gen), dtype);
  Tensor t = Tensor::empty(shape, dtype, device);
  auto [seed, off] = generator_or_default(gen).take(t.numel());
  kernels(t.device()).random.uniform(dtype, t.raw_data(), t.numel(), double(low), double(high), seed, off);
  return t;
}

Tensor randperm(int64_t n, DType dtype, Device device, Generator* gen) {
  TG_CHECK(n >= 0, ValueError, "randperm: n must be non-negative, got ", n);
  TG_CHECK(dtype != DType::Bool || n <= 2, TypeError, "randperm: n = ", n, " does not fit dtype bool");
  Tensor t = Tensor::empty({n}, DType::Int64, device);
  auto [seed, off] = generator_or_default(gen).take(n);
  kernels(device).random.randperm(t.data<int64_t>(), n, seed, off);
  return dtype == DType::Int64 ? t : to_dtype(t, dtype);
}

Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement, Generator* gen) {
  const char* op = "multinomial";
  TG_CHECK(probs.dim() == 1 || probs.dim() == 2, ValueError, op, ": prob_dist must be 1 or 2 dim, got shape ",
           probs.shape());
  check_floating(probs, op);
  const int64_t K = probs.size(-1), rows = probs.dim() == 2 ? probs.size(0) : 1;
  TG_CHECK(K > 0, ValueError, op, ": the number of categories cannot be zero (shape ", probs.shape(), ")");
  TG_CHECK(num_samples > 0, ValueError, op, ": cannot sample n_sample <= 0 samples, got ", num_samples);
  TG_CHECK(replacement || num_samples <= K, ValueError, op, ": cannot sample n_sample > prob_dist.size(-1) (",
           num_samples, " > ", K, ") samples without replacement");
  Tensor out = Tensor::empty(probs.dim() == 2 ? Shape{rows, num_samples} : Shape{num_samples}, DType::Int64,
                             probs.device());
  if (rows == 0) return out;
  const Tensor p = contiguous(probs.detach());
  auto [seed, off] = generator_or_default(gen).take(uint64_t(rows) * uint64_t(replacement ? num_samples : K));
  const BadIndex bad = kernels(p.device())
                           .random.multinomial(p.dtype(), out.data<int64_t>(), p.raw_data(), rows, K,
                                               num_samples, replacement, seed, off);
  TG_CHECK(bad.pos < 0, ValueError, op, ": row ", bad.pos, " of the probabilities (shape ", probs.shape(),
           ") ",
           bad.value == 0   ? "holds a negative, infinite or NaN entry"
           : bad.value == 1 ? "sums to 0"
                            : "has fewer non-zero categories than num_samples (without replacement)");
  return out;
}

Tensor bernoulli(const Tensor& p, Generator* gen) {
  check_floating(p, "bernoulli");
  Tensor pd = p.detach();
  TG_CHECK(all(logical(BinaryOp::LogicalAnd, compare(BinaryOp::Ge, pd, wrap_scalar(0.0)),
                       compare(BinaryOp::Le, pd, wrap_scalar(1.0))))
                   .item() != 0.0,
           ValueError, "bernoulli: expected all probabilities in [0, 1] (shape ", p.shape(), ")");
  return to_dtype(compare(BinaryOp::Lt, uniform_like(pd, gen, "bernoulli"), pd), p.dtype());
}

Tensor normal(const Tensor& mean, const Tensor& std, Generator* gen) {
  const Tensor m = mean.detach(), s = std.detach();
  TG_CHECK(is_floating(m.dtype()) || is_floating(s.dtype()), TypeError,
           "normal: expected a floating mean or std, got ", dtype_name(m.dtype()), " and ",
           dtype_name(s.dtype()));
  TG_CHECK(all(compare(BinaryOp::Ge, s, wrap_scalar(0.0))).item() != 0.0, ValueError,
           "normal: expected all std >= 0.0 (shape ", std.shape(), ")");
  const Shape shape = broadcast_shapes(m.shape(), s.shape(), "normal");
  const DType d = result_type(m, s);
  return add(
      m, mul(s, random_float(shape, is_floating(d) ? d : default_dtype(), m.device(), true, "normal", gen)));
}

Tensor poisson(const Tensor& rate, Generator* gen) {
  check_floating(rate, "poisson");
  const Tensor r = contiguous(rate.detach());
  TG_CHECK(all(compare(BinaryOp::Ge, r, wrap_scalar(0.0))).item() != 0.0, ValueError,
           "poisson: expected all rates >= 0 (shape ", rate.shape(), ")");
  Tensor out = Tensor::empty(r.shape(), r.dtype(), r.device());
  // Every element has its own sub-stream of counters: a draw takes a variable number of them.
  auto [seed, off] = generator_or_default(gen).take(uint64_t(r.numel()));
  kernels(r.device()).random.poisson(r.dtype(), out.raw_data(), r.raw_data(), r.numel(), seed, off);
  return out;
}

Tensor standard_gamma(const Tensor& alpha, Generator* gen) {
  check_floating(alpha, "_standard_gamma");
  const Tensor a = contiguous(alpha.detach());
  Tensor out = new_empty(a, a.shape(), a.dtype());
  auto [seed, off] = generator_or_default(gen).take(uint64_t(a.numel()));
  kernels(a.device()).random.standard_gamma(a.dtype(), out.raw_data(), a.raw_data(), a.numel(), seed, off);
  if (needs_grad({&alpha}))  // the draw moves with alpha at a fixed CDF value
    record(out, "StandardGammaBackward0", {&alpha}, {out, a},
           [](const Tensor& g, const TensorList& s, const FunctionNode&) -> TensorList {
             const Tensor x = contiguous(s[0]), al = contiguous(s[1]);
             Tensor dx = new_empty(x, x.shape(), x.dtype());
             kernels(x.device())
                 .random.standard_gamma_grad(x.dtype(), dx.raw_data(), x.raw_data(), al.raw_data(),
                                             x.numel());
             return {mul(g, dx)};
           });
  return out;
}

// ---- in-place fillers -------------------------------------------------------------------------------
namespace {
// t := values (computed out of place in t's dtype or float32), no history: fillers are leaves' inits.
Tensor& fill_from(Tensor& t, const Tensor& values, const char* op) {
  check_inplace(t, op);
  NoGradGuard no_grad;
  return copy_(t, values);
}
}  // namespace

Tensor& uniform_(Tensor& t, double from, double to, Generator* gen) {
  TG_CHECK(from <= to, ValueError, "uniform_: expects from <= to, but got from=", from, " to=", to);
  return copy_(t, random_float(t.shape(), t.dtype(), t.device(), false, "uniform_", gen, from, to));
}
Tensor& normal_(Tensor& t, double mean, double std, Generator* gen) {
  TG_CHECK(std >= 0.0, ValueError, "normal_: expects std >= 0.0, but got std=", std);
  return copy_(t, random_float(t.shape(), t.dtype(), t.device(), true, "normal_", gen, mean, std));
}
Tensor& bernoulli_(Tensor& t, double p, Generator* gen) {
  check_probability(p, "bernoulli_");
  return fill_from(t, compare(BinaryOp::Lt, uniform_like(t, gen, "bernoulli_"), wrap_scalar(p)),
                   "bernoulli_");
}
Tensor& bernoulli_(Tensor& t, const Tensor& p, Generator* gen) {
  const Tensor pe =
      expand(to_dtype(p.detach(), is_floating(t.dtype()) ? t.dtype() : DType::Float32), t.shape());
  return fill_from(t, bernoulli(pe, gen), "bernoulli_");
}
Tensor& exponential_(Tensor& t, double lambd, Generator* gen) {
  check_floating(t, "exponential_");
  TG_CHECK(lambd > 0.0, ValueError, "exponential_: expects lambda > 0.0, but got lambda=", lambd);
  // -log(1 - u) / lambda: u < 1, so finite
  const Tensor u = uniform_like(t, gen, "exponential_");
  return fill_from(t, div(neg(log1p(neg(u))), wrap_scalar(lambd)), "exponential_");
}
Tensor& log_normal_(Tensor& t, double mean, double std, Generator* gen) {
  check_floating(t, "log_normal_");
  TG_CHECK(std > 0.0, ValueError, "log_normal_: expects std > 0.0, but got std=", std);
  return fill_from(t,
                   exp(random_float(t.shape(), t.dtype(), t.device(), true, "log_normal_", gen, mean, std)),
                   "log_normal_");
}
Tensor& cauchy_(Tensor& t, double median, double sigma, Generator* gen) {
  check_floating(t, "cauchy_");
  TG_CHECK(sigma > 0.0, ValueError, "cauchy_: expects sigma > 0.0, but got sigma=", sigma);
  const Tensor u = uniform_like(t, gen, "cauchy_");
  const Tensor c = tan(mul(sub(u, wrap_scalar(0.5)), wrap_scalar(3.14159265358979323846)));
  return fill_from(t, add(wrap_scalar(median), mul(c, wrap_scalar(sigma))), "cauchy_");
}
Tensor& geometric_(Tensor& t, double p, Generator* gen) {
  TG_CHECK(p > 0.0 && p < 1.0, ValueError, "geometric_: expects 0 < p < 1, but got p=", p);
  // The number of trials to the first success: ceil(log(1 - u) / log(1 - p)), at least 1.
  const Tensor u = random_float(t.shape(), DType::Float64, t.device(), false, "geometric_", gen);
  Tensor k = ceil(div(log1p(neg(u)), wrap_scalar(std::log1p(-p))));
  k = maximum(k, wrap_scalar(1.0));
  return fill_from(t, k, "geometric_");
}
Tensor& random_(Tensor& t, int64_t from, std::optional<int64_t> to, Generator* gen) {
  int64_t hi;
  if (to) {
    hi = *to;
  } else if (t.dtype() == DType::Float32) {
    hi = int64_t(1) << 24;  // every integer up to here is exact in the dtype
  } else if (t.dtype() == DType::Float64) {
    hi = int64_t(1) << 53;
  } else if (t.dtype() == DType::Bool) {
    hi = 2;
  } else if (t.dtype() == DType::Float16) {
    hi = (int64_t(1) << 11) + 1;  // torch's: [0, 2^11]
  } else if (t.dtype() == DType::BFloat16) {
    hi = (int64_t(1) << 8) + 1;
  } else if (t.dtype() == DType::UInt8) {
    hi = 256;
  } else if (is_integral(t.dtype()) && t.dtype() != DType::Int64) {
    hi = int64_t(1) << (8 * itemsize(t.dtype()) - 1);  // [0, max]
  } else {
    hi = int64_t(1) << 53;  // torch's is 2^63; the draws are exact up to here
  }
  TG_CHECK(from < hi, ValueError, "random_: expects 'from' to be less than 'to', but got from=", from,
           " >= to=", hi);
  return fill_from(t, randint(from, hi, t.shape(), DType::Int64, t.device(), gen), "random_");
}

}  // namespace tg
