// The intra-op thread count: one process-wide setting (as torch's), read by every parallel
// kernel (kernels/cpu/loops.h threads_for), whichever OS thread runs the op.
#include <omp.h>

#include <atomic>

#include "kernels/cpu/loops.h"
#include "tetragrad/errors.h"
#include "tetragrad/threading.h"

namespace tg {

namespace {
std::atomic<int> g_num_threads{0};  // 0: not set, OpenMP's default (OMP_NUM_THREADS or the cores)
std::atomic<bool> g_deterministic{false};
}  // namespace

void set_num_threads(int n) {
  TG_CHECK(n > 0, ValueError, "set_num_threads: expected a positive number of threads, got ", n);
  g_num_threads.store(n, std::memory_order_relaxed);
}

int get_num_threads() {
  const int n = g_num_threads.load(std::memory_order_relaxed);
  if (n > 0) return n;
  static const int default_threads = omp_get_max_threads();
  return default_threads;
}

void use_deterministic_algorithms(bool on) { g_deterministic.store(on, std::memory_order_relaxed); }
bool are_deterministic_algorithms_enabled() { return g_deterministic.load(std::memory_order_relaxed); }

int parallel_team_size(int64_t work) {
  std::atomic<int> team{1};
  cpu::baseline::parallel_range(work, cpu::baseline::threads_for(work),
                                [&](int64_t, int64_t) { team = omp_get_num_threads(); });
  return team;
}

}  // namespace tg
