// PDQ kernels for CPUs with AVX2 (8 floats), chosen at run time by pdq_kernels(). Only this file is
// compiled for AVX2 (no FMA: a fused multiply-add would round differently from the reference).
// Bit-exactness with the reference needs every a * b + c rounded twice, never fused into one FMA
// (GCC's default for C++ is -ffp-contract=fast, which fuses when the target has FMA, e.g. with
// -march=native or on AArch64).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <cstring>

#include "hash/pdq_internal.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SARING_HAVE_AVX2_KERNELS 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

namespace saring::detail {
namespace {

#include "hash/pdq_kernels.inc"

void transpose_avx2(const float* in, long ld_in, float* out, long ld_out, int rows, int cols) {
  const int br = rows & ~7, bc = cols & ~7;
  for (int r = 0; r < br; r += 8) {
    for (int c = 0; c < bc; c += 8) {
      __m256 v[8];
      for (int k = 0; k < 8; ++k) v[k] = _mm256_loadu_ps(in + (r + k) * ld_in + c);
      const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
      const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
      const __m256 t4 = _mm256_unpacklo_ps(v[4], v[5]), t5 = _mm256_unpackhi_ps(v[4], v[5]);
      const __m256 t6 = _mm256_unpacklo_ps(v[6], v[7]), t7 = _mm256_unpackhi_ps(v[6], v[7]);
      const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      const __m256 o[8] = {_mm256_permute2f128_ps(s0, s4, 0x20), _mm256_permute2f128_ps(s1, s5, 0x20),
                           _mm256_permute2f128_ps(s2, s6, 0x20), _mm256_permute2f128_ps(s3, s7, 0x20),
                           _mm256_permute2f128_ps(s0, s4, 0x31), _mm256_permute2f128_ps(s1, s5, 0x31),
                           _mm256_permute2f128_ps(s2, s6, 0x31), _mm256_permute2f128_ps(s3, s7, 0x31)};
      for (int k = 0; k < 8; ++k) _mm256_storeu_ps(out + (c + k) * ld_out + r, o[k]);
    }
  }
  transpose_edges(in, ld_in, out, ld_out, rows, cols, br, bc);
}

}  // namespace

const PdqKernels& pdq_kernels_avx2() {
  static const PdqKernels k{&Kernels<8>::box_vertical, &transpose_avx2, &Kernels<8>::dct64to16, "avx2"};
  return k;
}

}  // namespace saring::detail

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else  // no AVX2 on this target: the baseline kernels serve.
namespace saring::detail {
const PdqKernels& pdq_kernels_avx2() { return pdq_kernels_sse2(); }
}  // namespace saring::detail
#endif
