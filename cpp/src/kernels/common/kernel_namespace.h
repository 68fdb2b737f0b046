// The namespace of every kernel and of the math it instantiates: one per CPU instruction set
// (tg::cpu::avx512, tg::cpu::avx2, tg::cpu::baseline; CMake compiles the kernel sources once per
// ISA with TG_CPU_ISA set) and tg::cuda for the CUDA build. No kernel symbol is shared between
// two ISAs, so the linker can never keep one ISA's copy for another's callers.
#pragma once

#if defined(__CUDACC__)
#define TG_KERNEL_NAMESPACE tg::cuda
#else
#ifndef TG_CPU_ISA
#define TG_CPU_ISA baseline  // the core (compiled for the baseline) sees the baseline kernels' helpers
#endif
#define TG_KERNEL_NAMESPACE tg::cpu::TG_CPU_ISA
#endif
