// Picks the CPU kernel table: the best instruction set both built (TG_CPU_HAVE_*) and supported
// by this CPU and OS (CPUID, and XGETBV for the register state the OS saves), lowered by
// TETRAGRAD_CPU_CAPABILITY. Compiled for the baseline, like everything outside the kernels.
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "kernels/kernels.h"
#include "tetragrad/cpu.h"
#include "tetragrad/errors.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define TG_X86 1
#endif

// Each ISA's kernel object exports only its table (kernels/cpu/families.h).
extern "C" const tg::KernelTable* tg_cpu_kernel_table_baseline();
#ifdef TG_CPU_HAVE_AVX2
extern "C" const tg::KernelTable* tg_cpu_kernel_table_avx2();
#endif
#ifdef TG_CPU_HAVE_AVX512
extern "C" const tg::KernelTable* tg_cpu_kernel_table_avx512();
#endif

namespace tg {
namespace {

#ifdef TG_X86
uint64_t xgetbv0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

// The best capability this CPU runs, checking that the OS saves the wider registers.
CpuCapability detect() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return CpuCapability::Default;
  const bool osxsave = c & (1u << 27), avx = c & (1u << 28), fma = c & (1u << 12), f16c = c & (1u << 29);
  if (!(osxsave && avx)) return CpuCapability::Default;
  const uint64_t xcr0 = xgetbv0();
  if ((xcr0 & 0x6) != 0x6) return CpuCapability::Default;  // XMM and YMM state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return CpuCapability::Default;
  const bool avx2 = b & (1u << 5);
  if (!(avx2 && fma && f16c)) return CpuCapability::Default;
  const bool avx512 =
      (b & (1u << 16)) && (b & (1u << 17)) && (b & (1u << 30)) && (b & (1u << 31));  // F DQ BW VL
  if (avx512 && (xcr0 & 0xE6) == 0xE6) return CpuCapability::AVX512;  // + opmask, ZMM0-15 high, ZMM16-31
  return CpuCapability::AVX2;
}
#else
CpuCapability detect() { return CpuCapability::Default; }
#endif

bool built(CpuCapability c) {
  switch (c) {
    case CpuCapability::Default:
      return true;
    case CpuCapability::AVX2:
#ifdef TG_CPU_HAVE_AVX2
      return true;
#else
      return false;
#endif
    case CpuCapability::AVX512:
#ifdef TG_CPU_HAVE_AVX512
      return true;
#else
      return false;
#endif
  }
  return false;
}

const KernelTable* table_of(CpuCapability c) {
  switch (c) {
#ifdef TG_CPU_HAVE_AVX512
    case CpuCapability::AVX512:
      return tg_cpu_kernel_table_avx512();
#endif
#ifdef TG_CPU_HAVE_AVX2
    case CpuCapability::AVX2:
      return tg_cpu_kernel_table_avx2();
#endif
    default:
      return tg_cpu_kernel_table_baseline();
  }
}

CpuCapability best_supported() {
  CpuCapability c = detect();
  while (!built(c)) c = CpuCapability(int(c) - 1);
  return c;
}

CpuCapability initial() {
  CpuCapability c = best_supported();
  if (const char* env = std::getenv("TETRAGRAD_CPU_CAPABILITY"); env && *env) {
    try {
      const CpuCapability asked = parse_cpu_capability(env);
      if (int(asked) <= int(c))
        c = asked;
      else
        std::fprintf(stderr, "tetragrad: TETRAGRAD_CPU_CAPABILITY=%s is not supported here; using %s\n", env,
                     cpu_capability_name(c));
    } catch (const Error&) {
      std::fprintf(stderr,
                   "tetragrad: ignoring TETRAGRAD_CPU_CAPABILITY=%s (expected default, avx2 or avx512)\n",
                   env);
    }
  }
  return c;
}

struct State {
  std::atomic<CpuCapability> capability;
  std::atomic<const KernelTable*> table;
  State() {
    const CpuCapability c = initial();
    capability.store(c);
    table.store(table_of(c));
  }
};
State& state() {
  static State s;
  return s;
}

}  // namespace

const char* cpu_capability_name(CpuCapability c) {
  switch (c) {
    case CpuCapability::Default:
      return "DEFAULT";
    case CpuCapability::AVX2:
      return "AVX2";
    case CpuCapability::AVX512:
      return "AVX512";
  }
  return "?";
}

CpuCapability parse_cpu_capability(const std::string& name) {
  std::string n;
  for (char ch : name) n += char(std::tolower(static_cast<unsigned char>(ch)));
  if (n == "default" || n == "baseline") return CpuCapability::Default;
  if (n == "avx2") return CpuCapability::AVX2;
  if (n == "avx512") return CpuCapability::AVX512;
  throw ValueError(msg("unknown CPU capability '", name, "' (expected default, avx2 or avx512)"));
}

CpuCapability get_cpu_capability() { return state().capability.load(std::memory_order_relaxed); }

std::vector<CpuCapability> supported_cpu_capabilities() {
  std::vector<CpuCapability> r;
  const CpuCapability best = best_supported();
  for (int c = 0; c <= int(best); ++c)
    if (built(CpuCapability(c))) r.push_back(CpuCapability(c));
  return r;
}

void set_cpu_capability(CpuCapability c) {
  TG_CHECK(built(c) && int(c) <= int(best_supported()), ValueError,
           "set_cpu_capability: ", cpu_capability_name(c),
           " is not supported here (best: ", cpu_capability_name(best_supported()), ")");
  State& s = state();
  s.table.store(table_of(c), std::memory_order_release);
  s.capability.store(c, std::memory_order_relaxed);
}

const KernelTable& kernels(Device device) {
  TG_CHECK(device.type == DeviceType::CPU, StateError, "device ", device.str(),
           " is not available in this build");
  return *state().table.load(std::memory_order_acquire);
}

}  // namespace tg
