// Thread count for OpenMP loops and Eigen's GEMM (which follows omp_get_max_threads).
#include <omp.h>

#include "tetragrad/ops.h"

namespace tg {

void set_num_threads(int n) {
  TG_CHECK(n > 0, ValueError, "set_num_threads: expected a positive number of threads, got ", n);
  omp_set_num_threads(n);
}

int get_num_threads() { return omp_get_max_threads(); }

}  // namespace tg
