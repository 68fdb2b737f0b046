// One ISA's CPU kernel table: each family's kernel file fills its own sub-table by name
// (`fill`, overloaded by sub-table), and table.cpp puts them together. The core picks the
// table of the best capability at start-up (core/cpu_capability.cpp) through the one symbol
// each ISA's kernel object exports, tg_cpu_kernel_table_<isa> (CMake makes the rest local).
#pragma once
#include "kernels/common/kernel_namespace.h"
#include "kernels/kernels.h"

namespace TG_KERNEL_NAMESPACE {

void fill(ElementwiseKernels& k);  // elementwise.cpp
void fill(ReduceKernels& k);       // reduce.cpp
void fill(ScanKernels& k);         // scan.cpp
void fill(SortKernels& k);         // sort.cpp
void fill(MatmulKernels& k);       // matmul.cpp
void fill(LinalgKernels& k);       // linalg.cpp
void fill(IndexKernels& k);        // index.cpp
void fill(RandomKernels& k);       // random.cpp
void fill(ActivationKernels& k);   // activation.cpp
void fill(LossKernels& k);         // loss.cpp
void fill(OptimKernels& k);        // optim.cpp

}  // namespace TG_KERNEL_NAMESPACE

#define TG_CPU_TABLE_PASTE(isa) tg_cpu_kernel_table_##isa
#define TG_CPU_TABLE_NAME(isa) TG_CPU_TABLE_PASTE(isa)
// This ISA's whole table, filled on first use.
extern "C" const tg::KernelTable* TG_CPU_TABLE_NAME(TG_CPU_ISA)();
