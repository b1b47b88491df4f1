// PDQ kernels for baseline x86-64 (SSE2, 4 floats) and any other architecture (generic vectors).
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
#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace saring::detail {
namespace {

#include "hash/pdq_kernels.inc"

void transpose_sse2(const float* in, long ld_in, float* out, long ld_out, int rows, int cols) {
  const int br = rows & ~3, bc = cols & ~3;
#if defined(__SSE2__)
  for (int r = 0; r < br; r += 4) {
    for (int c = 0; c < bc; c += 4) {
      __m128 a = _mm_loadu_ps(in + r * ld_in + c), b = _mm_loadu_ps(in + (r + 1) * ld_in + c);
      __m128 e = _mm_loadu_ps(in + (r + 2) * ld_in + c), f = _mm_loadu_ps(in + (r + 3) * ld_in + c);
      _MM_TRANSPOSE4_PS(a, b, e, f);
      _mm_storeu_ps(out + c * ld_out + r, a);
      _mm_storeu_ps(out + (c + 1) * ld_out + r, b);
      _mm_storeu_ps(out + (c + 2) * ld_out + r, e);
      _mm_storeu_ps(out + (c + 3) * ld_out + r, f);
    }
  }
  transpose_edges(in, ld_in, out, ld_out, rows, cols, br, bc);
#else
  transpose_edges(in, ld_in, out, ld_out, rows, cols, 0, 0);
#endif
}

}  // namespace

const PdqKernels& pdq_kernels_sse2() {
  static const PdqKernels k{&Kernels<4>::box_vertical, &transpose_sse2, &Kernels<4>::dct64to16, "sse2"};
  return k;
}

}  // namespace saring::detail
