// The CPU capability: which instruction-set build of the kernels fills the CPU kernel table.
// The kernels are compiled once per capability; at start-up the best one this CPU (and its OS)
// supports is chosen, or the one the environment variable TETRAGRAD_CPU_CAPABILITY names
// ("default", "avx2", "avx512"; it can only lower the choice).
#pragma once
#include <string>
#include <vector>

namespace tg {

enum class CpuCapability { Default, AVX2, AVX512 };  // Default: the baseline ISA (SSE2; NEON on aarch64)

// torch's names: "DEFAULT", "AVX2", "AVX512".
const char* cpu_capability_name(CpuCapability c);
// The capability in use.
CpuCapability get_cpu_capability();
// Built into this library and supported by this CPU, lowest first.
std::vector<CpuCapability> supported_cpu_capabilities();
// Switch the CPU kernels (for tests and benchmarks; ops started afterwards use them). Raises
// ValueError for a capability not in supported_cpu_capabilities().
void set_cpu_capability(CpuCapability c);
// Parse a name ("default"/"baseline", "avx2", "avx512", any case); ValueError otherwise.
CpuCapability parse_cpu_capability(const std::string& name);

}  // namespace tg
