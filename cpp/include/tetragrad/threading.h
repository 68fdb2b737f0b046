// Intra-op threads and deterministic algorithms: process-wide settings read by the kernels.
#pragma once
#include <cstdint>

namespace tg {

// The intra-op thread count is process-wide (as torch's): kernels started from any OS thread
// follow the last set_num_threads.
void set_num_threads(int n);
int get_num_threads();
// Deterministic algorithms (off by default): every result is bit-identical for any thread
// count. Long-row reductions split at fixed chunks and GEMMs at slabs fixed by the shape, so
// no summation order follows the threads. Costs little on large ops; see README.
void use_deterministic_algorithms(bool on);
bool are_deterministic_algorithms_enabled();
// The number of threads a parallel kernel over `work` elements, started from the calling OS
// thread, runs on (for tests of set_num_threads).
int parallel_team_size(int64_t work);

}  // namespace tg
