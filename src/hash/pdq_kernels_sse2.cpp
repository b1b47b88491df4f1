// PDQ kernels for baseline x86-64 (SSE2, 4 floats) and any other architecture (generic vectors).
#include <cstring>

#include "hash/pdq_internal.hpp"
#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace saring::detail {
namespace {

#include "hash/pdq_kernels.inc"

void transpose_sse2(const float* in, float* out, int rows, int cols) {
  const int br = rows & ~3, bc = cols & ~3;
#if defined(__SSE2__)
  for (int r = 0; r < br; r += 4) {
    for (int c = 0; c < bc; c += 4) {
      __m128 a = _mm_loadu_ps(in + (long)r * cols + c), b = _mm_loadu_ps(in + (long)(r + 1) * cols + c);
      __m128 e = _mm_loadu_ps(in + (long)(r + 2) * cols + c), f = _mm_loadu_ps(in + (long)(r + 3) * cols + c);
      _MM_TRANSPOSE4_PS(a, b, e, f);
      _mm_storeu_ps(out + (long)c * rows + r, a);
      _mm_storeu_ps(out + (long)(c + 1) * rows + r, b);
      _mm_storeu_ps(out + (long)(c + 2) * rows + r, e);
      _mm_storeu_ps(out + (long)(c + 3) * rows + r, f);
    }
  }
  transpose_edges(in, out, rows, cols, br, bc);
#else
  transpose_edges(in, out, rows, cols, 0, 0);
#endif
}

}  // namespace

const PdqKernels& pdq_kernels_sse2() {
  static const PdqKernels k{&Kernels<4>::box_vertical, &transpose_sse2, &Kernels<4>::dct64to16, "sse2"};
  return k;
}

}  // namespace saring::detail
