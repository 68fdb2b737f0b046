// CPU random fills. Counter-based (SplitMix64 of seed + element counter), so a draw is the
// same whatever the thread count, and each element is independent of the others.
#include <cmath>

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
// Uniform in [0, 1) with 53 random bits.
inline double unit(uint64_t seed, uint64_t counter) {
  return double(splitmix64(seed ^ splitmix64(counter)) >> 11) * 0x1.0p-53;
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
      const uint64_t c = 2 * (offset + uint64_t(i));
      const double u1 = 1.0 - unit(seed, c), u2 = unit(seed, c + 1);
      o[i] = scalar_t(mean + std * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    });
  });
}

void fill(RandomKernels& k) {
  k.uniform = uniform;
  k.normal = normal;
}

}  // namespace TG_KERNEL_NAMESPACE
