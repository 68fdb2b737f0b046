// CPU random fills. Counter-based (SplitMix64 of seed + element counter), so a draw is the
// same whatever the thread count, and each element is independent of the others.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common/gamma_math.h"
#include "kernels/cpu/families.h"
#include "kernels/cpu/loops.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
inline uint64_t bits(uint64_t seed, uint64_t counter) { return splitmix64(seed ^ splitmix64(counter)); }
// Uniform in [0, 1) with 53 random bits.
inline double unit(uint64_t seed, uint64_t counter) { return double(bits(seed, counter) >> 11) * 0x1.0p-53; }
// An integer uniform in [0, range) from 64 random bits (Lemire's multiply; bias < range / 2^64).
inline uint64_t below(uint64_t r, uint64_t range) { return uint64_t((__uint128_t(r) * range) >> 64); }

// One element's own stream (poisson takes a variable number of draws per element).
struct Stream {
  uint64_t state;
  double next() {
    state += 0x9E3779B97F4A7C15ull;
    return double(splitmix64(state) >> 11) * 0x1.0p-53;
  }
};

// Knuth's product of uniforms below 10, Hoermann's transformed rejection (PTRS) above, as torch.
double poisson_draw(double lam, Stream& s) {
  if (lam == 0) return 0;
  if (lam < 10) {
    const double limit = std::exp(-lam);
    double prod = s.next(), k = 0;
    while (prod > limit) prod *= s.next(), k += 1;
    return k;
  }
  const double slam = std::sqrt(lam), loglam = std::log(lam), b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b, invalpha = 1.1239 + 1.1328 / (b - 3.4),
               vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double U = s.next() - 0.5, V = s.next(), us = 0.5 - std::fabs(U);
    const double k = std::floor((2 * a / us + b) * U + lam + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (std::log(V) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -lam + k * loglam - std::lgamma(k + 1))
      return k;
  }
}

// Gamma(alpha, 1) by Marsaglia and Tsang's squeeze-and-reject (alpha >= 1), boosted for alpha < 1
// by u^(1/alpha); the normal draws by Box-Muller from the same stream. 0 for alpha <= 0 or NaN.
double gamma_draw(double alpha, Stream& s) {
  if (!(alpha > 0)) return 0;
  if (alpha == INFINITY) return INFINITY;
  double boost = 1;
  if (alpha < 1) {
    boost = std::pow(1 - s.next(), 1 / alpha);  // u in (0, 1]
    alpha += 1;
  }
  const double d = alpha - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  for (;;) {
    double x, v;
    do {
      const double u1 = 1 - s.next(), u2 = s.next();
      x = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = 1 - s.next();
    if (u < 1 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v)))
      return d * v * boost;
  }
}

}  // namespace

// out[n] ~ U[lo, hi). For integer dtypes: floor of the draw (randint).
void uniform(DType dtype, void* out, int64_t n, double lo, double hi, uint64_t seed, uint64_t offset) {
  TG_DISPATCH_NUMERIC(dtype, "uniform", [&] {
    scalar_t* o = (scalar_t*)out;
    parallel_for(n, threads_for(n), [&](int64_t i) {
      double u = lo + (hi - lo) * unit(seed, offset + uint64_t(i));
      if constexpr (std::is_integral_v<scalar_t>)
        o[i] = scalar_t(std::floor(u));
      else {
        scalar_t v = scalar_t(u);
        o[i] = v < scalar_t(hi) ? v : scalar_t(lo);  // rounding to float must not reach hi
      }
    });
  });
}

// out[n] ~ N(mean, std^2), Box-Muller on pairs of counters.
void normal(DType dtype, void* out, int64_t n, double mean, double std, uint64_t seed, uint64_t offset) {
  TG_DISPATCH_FLOAT(dtype, "normal", [&] {
    scalar_t* o = (scalar_t*)out;
    parallel_for(n, threads_for(n), [&](int64_t i) {
      const uint64_t c = offset + 2 * uint64_t(i);  // the op reserves 2n counters
      const double u1 = 1.0 - unit(seed, c), u2 = unit(seed, c + 1);
      o[i] = scalar_t(mean + std * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    });
  });
}

void randperm(int64_t* out, int64_t n, uint64_t seed, uint64_t offset) {
  for (int64_t i = 0; i < n; ++i) out[i] = i;
  for (int64_t i = n - 1; i > 0; --i) {
    const int64_t j = int64_t(below(bits(seed, offset + uint64_t(i)), uint64_t(i) + 1));
    std::swap(out[i], out[j]);
  }
}

// With replacement: a binary search of u * total in the row's running sums (zero weights own
// an empty interval). Without: the n largest of p_j / E_j, E_j ~ Exp(1) (the exponential race,
// as torch's), so each next category is drawn in proportion among the ones left.
BadIndex multinomial(DType dtype, int64_t* out, const void* p, int64_t rows, int64_t K, int64_t n,
                     bool replacement, uint64_t seed, uint64_t offset) {
  std::vector<BadIndex> bad(rows);
  TG_DISPATCH_FLOAT(dtype, "multinomial", [&] {
    const scalar_t* w = (const scalar_t*)p;
    parallel_for(rows, threads_for(rows * K, 4096), [&](int64_t r) {
      const scalar_t* row = w + r * K;
      std::vector<double> cdf(K);
      double total = 0;
      int64_t nonzero = 0;
      for (int64_t j = 0; j < K; ++j) {
        const double v = double(row[j]);
        if (!(v >= 0) || !std::isfinite(v)) {
          bad[r] = {r, 0};
          return;
        }
        nonzero += v > 0;
        cdf[j] = total += v;
      }
      if (total == 0) {
        bad[r] = {r, 1};
        return;
      }
      if (!replacement && nonzero < n) {
        bad[r] = {r, 2};
        return;
      }
      int64_t* o = out + r * n;
      if (replacement) {
        const uint64_t base = offset + uint64_t(r) * uint64_t(n);
        for (int64_t s = 0; s < n; ++s) {
          const double x = unit(seed, base + uint64_t(s)) * total;
          int64_t j = std::upper_bound(cdf.begin(), cdf.end(), x) - cdf.begin();
          if (j >= K) j = K - 1;
          while (row[j] == 0) --j;  // x rounded onto the end: the last category of weight
          o[s] = j;
        }
        return;
      }
      const uint64_t base = offset + uint64_t(r) * uint64_t(K);
      std::vector<std::pair<double, int64_t>> keys(K);
      for (int64_t j = 0; j < K; ++j) {
        const double e = -std::log1p(-unit(seed, base + uint64_t(j)));  // Exp(1), > 0 almost surely
        keys[j] = {row[j] > 0 ? double(row[j]) / e : -1.0, j};
      }
      std::partial_sort(keys.begin(), keys.begin() + n, keys.end(),
                        [](const auto& a, const auto& b) { return a.first > b.first; });
      for (int64_t s = 0; s < n; ++s) o[s] = keys[s].second;
    });
  });
  for (const BadIndex& b : bad)
    if (b.pos >= 0) return b;
  return {};
}

void poisson(DType dtype, void* out, const void* rate, int64_t n, uint64_t seed, uint64_t offset) {
  TG_DISPATCH_FLOAT(dtype, "poisson", [&] {
    scalar_t* o = (scalar_t*)out;
    const scalar_t* lam = (const scalar_t*)rate;
    parallel_for(n, threads_for(n, 4096), [&](int64_t i) {
      Stream s{bits(seed, offset + uint64_t(i))};
      o[i] = scalar_t(poisson_draw(double(lam[i]), s));
    });
  });
}

void standard_gamma(DType dtype, void* out, const void* alpha, int64_t n, uint64_t seed, uint64_t offset) {
  TG_DISPATCH_FLOAT(dtype, "_standard_gamma", [&] {
    scalar_t* o = (scalar_t*)out;
    const scalar_t* a = (const scalar_t*)alpha;
    constexpr double tiny = double(std::numeric_limits<scalar_t>::min());
    parallel_for(n, threads_for(n, 4096), [&](int64_t i) {
      Stream s{bits(seed, offset + uint64_t(i))};
      o[i] = scalar_t(std::max(gamma_draw(double(a[i]), s), tiny));  // torch clamps to the tiniest normal
    });
  });
}

void standard_gamma_grad(DType dtype, void* out, const void* x, const void* alpha, int64_t n) {
  TG_DISPATCH_FLOAT(dtype, "_standard_gamma_grad", [&] {
    scalar_t* o = (scalar_t*)out;
    const scalar_t *xs = (const scalar_t*)x, *a = (const scalar_t*)alpha;
    parallel_for(n, threads_for(n, 256),
                 [&](int64_t i) { o[i] = scalar_t(math::standard_gamma_grad(double(a[i]), double(xs[i]))); });
  });
}

void fill(RandomKernels& k) {
  k.standard_gamma = standard_gamma;
  k.standard_gamma_grad = standard_gamma_grad;
  k.uniform = uniform;
  k.normal = normal;
  k.randperm = randperm;
  k.multinomial = multinomial;
  k.poisson = poisson;
}

}  // namespace TG_KERNEL_NAMESPACE
