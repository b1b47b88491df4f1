// Popcount kernels of the Hamming index, one set per CPU level, chosen at run time. The library
// is compiled for baseline x86-64; the wider kernels are functions compiled with
// __attribute__((target(...))) and only called when __builtin_cpu_supports says the CPU has them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace saring::detail {

enum class KernelLevel { kPortable = 0, kPopcnt = 1, kAvx2 = 2, kAvx512 = 3 };

// Every scan function writes to `out` the positions i in [0, n) (in some order) whose distance to
// the query is <= bound and returns how many it wrote; `out` must have room for n.
struct IndexKernels {
  KernelLevel level;
  std::string_view name;
  // hashes: n rows of 4 words (Hash256::words order); q: 4 words.
  std::size_t (*scan256)(const std::uint64_t* hashes, std::size_t n, const std::uint64_t* q, int bound,
                         std::uint32_t* out);
  std::size_t (*scan64)(const std::uint64_t* hashes, std::size_t n, std::uint64_t q, int bound,
                        std::uint32_t* out);
  // bytes: n filter bytes; positions whose popcount(byte ^ q) <= bound.
  std::size_t (*filter8)(const std::uint8_t* bytes, std::size_t n, std::uint8_t q, int bound,
                         std::uint32_t* out);
  int (*distance256)(const std::uint64_t* a, const std::uint64_t* b);
  int (*distance64)(std::uint64_t a, std::uint64_t b);
};

KernelLevel best_kernel_level();
const IndexKernels& kernels_for(KernelLevel level);  // level must be <= best_kernel_level()
// The kernels queries use: the best level, unless lowered by set_active_kernel_level (tests,
// benchmarks) or the environment variable SARING_INDEX_KERNEL=portable|popcnt|avx2|avx512.
const IndexKernels& active_kernels();
void set_active_kernel_level(KernelLevel level);  // clamped to best_kernel_level()

}  // namespace saring::detail
