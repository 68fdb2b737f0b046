// This ISA's CPU kernel table, every sub-table filled by its family's file.
#include "kernels/cpu/families.h"

namespace TG_KERNEL_NAMESPACE {
namespace {

const KernelTable& table() {
  static const KernelTable t = [] {
    KernelTable k{};
    fill(k.elementwise);
    fill(k.reduce);
    fill(k.scan);
    fill(k.sort);
    fill(k.matmul);
    fill(k.linalg);
    fill(k.index);
    fill(k.random);
    fill(k.activation);
    fill(k.loss);
    fill(k.optim);
    return k;
  }();
  return t;
}

}  // namespace
}  // namespace TG_KERNEL_NAMESPACE

extern "C" const tg::KernelTable* TG_CPU_TABLE_NAME(TG_CPU_ISA)() { return &TG_KERNEL_NAMESPACE::table(); }
