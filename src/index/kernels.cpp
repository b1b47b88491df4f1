#include "index/kernels.hpp"

#include <immintrin.h>

// GCC 12's AVX-512 intrinsics start from a self-initialised `__Y` placeholder and warn about it.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <string>

#include "saring/index/hamming_index.hpp"

namespace saring::detail {
namespace {

// ---- portable (baseline x86-64: std::popcount compiles to a bit-twiddling sequence) ----

int distance256_portable(const std::uint64_t* a, const std::uint64_t* b) {
  return std::popcount(a[0] ^ b[0]) + std::popcount(a[1] ^ b[1]) + std::popcount(a[2] ^ b[2]) +
         std::popcount(a[3] ^ b[3]);
}
int distance64_portable(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

std::size_t scan256_portable(const std::uint64_t* h, std::size_t n, const std::uint64_t* q, int bound,
                             std::uint32_t* out) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += distance256_portable(h + 4 * i, q) <= bound;
  }
  return k;
}
std::size_t scan64_portable(const std::uint64_t* h, std::size_t n, std::uint64_t q, int bound,
                            std::uint32_t* out) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += std::popcount(h[i] ^ q) <= bound;
  }
  return k;
}

constexpr std::array<std::uint8_t, 256> kBytePop = [] {
  std::array<std::uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = static_cast<std::uint8_t>(std::popcount(static_cast<unsigned>(i)));
  return t;
}();

std::size_t filter8_portable(const std::uint8_t* b, std::size_t n, std::uint8_t q, int bound,
                             std::uint32_t* out) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += kBytePop[b[i] ^ q] <= bound;
  }
  return k;
}

// ---- POPCNT ----

__attribute__((target("popcnt"))) int distance256_popcnt(const std::uint64_t* a, const std::uint64_t* b) {
  return __builtin_popcountll(a[0] ^ b[0]) + __builtin_popcountll(a[1] ^ b[1]) +
         __builtin_popcountll(a[2] ^ b[2]) + __builtin_popcountll(a[3] ^ b[3]);
}
__attribute__((target("popcnt"))) int distance64_popcnt(std::uint64_t a, std::uint64_t b) {
  return __builtin_popcountll(a ^ b);
}
__attribute__((target("popcnt"))) std::size_t scan256_popcnt(const std::uint64_t* h, std::size_t n,
                                                             const std::uint64_t* q, int bound,
                                                             std::uint32_t* out) {
  std::size_t k = 0;
  const std::uint64_t q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t* p = h + 4 * i;
    const int d = __builtin_popcountll(p[0] ^ q0) + __builtin_popcountll(p[1] ^ q1) +
                  __builtin_popcountll(p[2] ^ q2) + __builtin_popcountll(p[3] ^ q3);
    out[k] = static_cast<std::uint32_t>(i);
    k += d <= bound;
  }
  return k;
}
__attribute__((target("popcnt"))) std::size_t scan64_popcnt(const std::uint64_t* h, std::size_t n,
                                                            std::uint64_t q, int bound, std::uint32_t* out) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += __builtin_popcountll(h[i] ^ q) <= bound;
  }
  return k;
}

// ---- AVX2: byte popcount by a 16-entry nibble table (vpshufb), summed per 64-bit word by vpsadbw ----

__attribute__((target("avx2"))) inline __m256i popcount_bytes_avx2(__m256i v) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3,
                                       1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_and_si256(v, low);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

__attribute__((target("avx2,popcnt"))) std::size_t scan256_avx2(const std::uint64_t* h, std::size_t n,
                                                                const std::uint64_t* q, int bound,
                                                                std::uint32_t* out) {
  const __m256i qv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  const __m256i zero = _mm256_setzero_si256();
  const __m256i bv = _mm256_set1_epi64x(bound);
  std::size_t k = 0, i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256i* p = reinterpret_cast<const __m256i*>(h + 4 * i);
    // Per hash: four 64-bit lanes, each the popcount of one word.
    const __m256i s0 = _mm256_sad_epu8(popcount_bytes_avx2(_mm256_xor_si256(_mm256_loadu_si256(p + 0), qv)), zero);
    const __m256i s1 = _mm256_sad_epu8(popcount_bytes_avx2(_mm256_xor_si256(_mm256_loadu_si256(p + 1), qv)), zero);
    const __m256i s2 = _mm256_sad_epu8(popcount_bytes_avx2(_mm256_xor_si256(_mm256_loadu_si256(p + 2), qv)), zero);
    const __m256i s3 = _mm256_sad_epu8(popcount_bytes_avx2(_mm256_xor_si256(_mm256_loadu_si256(p + 3), qv)), zero);
    // Transpose-add: a = [h0 w01, h1 w01 | h0 w23, h1 w23], b likewise for h2, h3.
    const __m256i a = _mm256_add_epi64(_mm256_unpacklo_epi64(s0, s1), _mm256_unpackhi_epi64(s0, s1));
    const __m256i b = _mm256_add_epi64(_mm256_unpacklo_epi64(s2, s3), _mm256_unpackhi_epi64(s2, s3));
    const __m256i d = _mm256_add_epi64(_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31));
    unsigned over = static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(d, bv))));
    unsigned hit = ~over & 0xfu;
    while (hit) {
      out[k++] = static_cast<std::uint32_t>(i + static_cast<unsigned>(__builtin_ctz(hit)));
      hit &= hit - 1;
    }
  }
  for (; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += distance256_popcnt(h + 4 * i, q) <= bound;
  }
  return k;
}

__attribute__((target("avx2,popcnt"))) std::size_t scan64_avx2(const std::uint64_t* h, std::size_t n,
                                                               std::uint64_t q, int bound, std::uint32_t* out) {
  const __m256i qv = _mm256_set1_epi64x(static_cast<long long>(q));
  const __m256i zero = _mm256_setzero_si256();
  const __m256i bv = _mm256_set1_epi64x(bound);
  std::size_t k = 0, i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256i v = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i)), qv);
    const __m256i d = _mm256_sad_epu8(popcount_bytes_avx2(v), zero);
    unsigned hit = ~static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(d, bv)))) & 0xfu;
    while (hit) {
      out[k++] = static_cast<std::uint32_t>(i + static_cast<unsigned>(__builtin_ctz(hit)));
      hit &= hit - 1;
    }
  }
  for (; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += __builtin_popcountll(h[i] ^ q) <= bound;
  }
  return k;
}

__attribute__((target("avx2,popcnt"))) std::size_t filter8_avx2(const std::uint8_t* b, std::size_t n,
                                                                std::uint8_t q, int bound, std::uint32_t* out) {
  const __m256i qv = _mm256_set1_epi8(static_cast<char>(q));
  const __m256i bv = _mm256_set1_epi8(static_cast<char>(bound));
  std::size_t k = 0, i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)), qv);
    // Byte counts are 0..8 and bound 0..8, so a signed compare is safe.
    std::uint32_t hit = ~static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpgt_epi8(popcount_bytes_avx2(v), bv)));
    while (hit) {
      out[k++] = static_cast<std::uint32_t>(i + static_cast<unsigned>(__builtin_ctz(hit)));
      hit &= hit - 1;
    }
  }
  for (; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += __builtin_popcount(static_cast<unsigned>(b[i] ^ q)) <= bound;
  }
  return k;
}

// ---- AVX-512: VPOPCNTQ on 8 words at once, VPOPCNTB (BITALG) for the filter bytes ----

// GCC 12 with -fsanitize=thread spills the 8-bit compare mask with kmovb and reloads it as 32 bits,
// so stray stack bytes became hits (duplicate slots in the TSan CI stage). These kernels read only
// buffers their callers hold under the index lock, so they are left uninstrumented.
#if defined(__SANITIZE_THREAD__)
#define SARING_AVX512_KERNEL                                                                            \
  __attribute__((target("avx512f,avx512dq,avx512vpopcntdq,avx512bw,avx512vl,avx512bitalg,popcnt"), \
                 no_sanitize_thread))
#else
#define SARING_AVX512_KERNEL \
  __attribute__((target("avx512f,avx512dq,avx512vpopcntdq,avx512bw,avx512vl,avx512bitalg,popcnt")))
#endif

constexpr std::uint32_t kAvx512Lane[8] = {0, 2, 1, 3, 4, 6, 5, 7};

SARING_AVX512_KERNEL
std::size_t scan256_avx512(const std::uint64_t* h, std::size_t n, const std::uint64_t* q, int bound,
                           std::uint32_t* out) {
  const __m512i qv = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)));
  const __m512i bv = _mm512_set1_epi64(bound);
  std::size_t k = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t* p = h + 4 * i;
    const __m512i p0 = _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(p + 0), qv));   // h0 h1
    const __m512i p1 = _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(p + 8), qv));   // h2 h3
    const __m512i p2 = _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(p + 16), qv));  // h4 h5
    const __m512i p3 = _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(p + 24), qv));  // h6 h7
    // a's 128-bit lanes: [h0 w01, h2 w01], [h0 w23, h2 w23], [h1 w01, h3 w01], [h1 w23, h3 w23].
    const __m512i a = _mm512_add_epi64(_mm512_unpacklo_epi64(p0, p1), _mm512_unpackhi_epi64(p0, p1));
    const __m512i b = _mm512_add_epi64(_mm512_unpacklo_epi64(p2, p3), _mm512_unpackhi_epi64(p2, p3));
    // Sum lanes 0+1 and 2+3: qwords are then hashes 0,2,1,3,4,6,5,7.
    const __m512i d = _mm512_add_epi64(_mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(2, 0, 2, 0)),
                                       _mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
    unsigned hit = _cvtmask8_u32(_mm512_cmple_epu64_mask(d, bv));
    while (hit) {
      out[k++] = static_cast<std::uint32_t>(i + kAvx512Lane[__builtin_ctz(hit)]);
      hit &= hit - 1;
    }
  }
  for (; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += distance256_popcnt(h + 4 * i, q) <= bound;
  }
  return k;
}

SARING_AVX512_KERNEL
std::size_t scan64_avx512(const std::uint64_t* h, std::size_t n, std::uint64_t q, int bound, std::uint32_t* out) {
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i bv = _mm512_set1_epi64(bound);
  std::size_t k = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512i d = _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(h + i), qv));
    unsigned hit = _cvtmask8_u32(_mm512_cmple_epu64_mask(d, bv));
    while (hit) {
      out[k++] = static_cast<std::uint32_t>(i + static_cast<unsigned>(__builtin_ctz(hit)));
      hit &= hit - 1;
    }
  }
  for (; i < n; ++i) {
    out[k] = static_cast<std::uint32_t>(i);
    k += __builtin_popcountll(h[i] ^ q) <= bound;
  }
  return k;
}

SARING_AVX512_KERNEL
std::size_t filter8_avx512(const std::uint8_t* b, std::size_t n, std::uint8_t q, int bound, std::uint32_t* out) {
  const __m512i qv = _mm512_set1_epi8(static_cast<char>(q));
  const __m512i bv = _mm512_set1_epi8(static_cast<char>(bound));
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; i += 64) {
    const std::size_t left = n - i;
    const __mmask64 load = left >= 64 ? ~__mmask64{0} : ((__mmask64{1} << left) - 1);
    const __m512i v = _mm512_xor_si512(_mm512_maskz_loadu_epi8(load, b + i), qv);
    std::uint64_t hit = _mm512_mask_cmple_epu8_mask(load, _mm512_popcnt_epi8(v), bv);
    while (hit) {
      out[k++] = static_cast<std::uint32_t>(i + static_cast<unsigned>(__builtin_ctzll(hit)));
      hit &= hit - 1;
    }
  }
  return k;
}

const IndexKernels kTable[4] = {
    {KernelLevel::kPortable, "portable", scan256_portable, scan64_portable, filter8_portable,
     distance256_portable, distance64_portable},
    {KernelLevel::kPopcnt, "popcnt", scan256_popcnt, scan64_popcnt, filter8_portable, distance256_popcnt,
     distance64_popcnt},
    {KernelLevel::kAvx2, "avx2", scan256_avx2, scan64_avx2, filter8_avx2, distance256_popcnt, distance64_popcnt},
    {KernelLevel::kAvx512, "avx512-vpopcntdq", scan256_avx512, scan64_avx512, filter8_avx512, distance256_popcnt,
     distance64_popcnt},
};

KernelLevel detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vpopcntdq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bitalg") && __builtin_cpu_supports("popcnt")) {
    return KernelLevel::kAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) return KernelLevel::kAvx2;
  if (__builtin_cpu_supports("popcnt")) return KernelLevel::kPopcnt;
  return KernelLevel::kPortable;
}

KernelLevel initial_level() {
  KernelLevel level = best_kernel_level();
  if (const char* env = std::getenv("SARING_INDEX_KERNEL")) {
    const std::string want(env);
    for (const auto& k : kTable) {
      if ((want == k.name || (want == "avx512" && k.level == KernelLevel::kAvx512)) && k.level <= level) {
        level = k.level;
      }
    }
  }
  return level;
}

std::atomic<int>& active_level_slot() {
  static std::atomic<int> slot{static_cast<int>(initial_level())};
  return slot;
}

}  // namespace

KernelLevel best_kernel_level() {
  static const KernelLevel best = detect();
  return best;
}

const IndexKernels& kernels_for(KernelLevel level) {
  return kTable[static_cast<int>(std::min(level, best_kernel_level()))];
}

const IndexKernels& active_kernels() {
  return kTable[active_level_slot().load(std::memory_order_relaxed)];
}

void set_active_kernel_level(KernelLevel level) {
  active_level_slot().store(static_cast<int>(std::min(level, best_kernel_level())), std::memory_order_relaxed);
}

}  // namespace saring::detail

namespace saring {
std::string_view index_kernel_name() { return detail::active_kernels().name; }
}  // namespace saring
