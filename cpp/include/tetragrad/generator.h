// Random number generators (torch.Generator): a seed and a counter. Each draw of n numbers
// takes n counters (two per normal), and the kernels compute number i from (seed, offset + i)
// alone, so a result is the same for any thread count. Every random op takes a Generator*
// (null: the default one, which tg::manual_seed seeds).
#pragma once
#include <cstdint>
#include <mutex>
#include <utility>

namespace tg {

class Generator {
 public:
  static constexpr uint64_t kDefaultSeed = 67280421310721ull;  // torch's default seed
  explicit Generator(uint64_t seed = kDefaultSeed) : seed_(seed) {}
  // Restart the stream from `seed`.
  void manual_seed(uint64_t seed);
  // A seed from std::random_device; the stream restarts from it, which is returned.
  uint64_t seed();
  uint64_t initial_seed() const;
  // (seed, offset): all that determines the numbers to come.
  std::pair<uint64_t, uint64_t> get_state() const;
  void set_state(uint64_t seed, uint64_t offset);
  // Reserve n counters: the (seed, first offset) the kernel draws from.
  std::pair<uint64_t, uint64_t> take(uint64_t n);

 private:
  mutable std::mutex mu_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

Generator& default_generator();
// gen, or the default generator when null.
inline Generator& generator_or_default(Generator* gen) { return gen ? *gen : default_generator(); }

}  // namespace tg
