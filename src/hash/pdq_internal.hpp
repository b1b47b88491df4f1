// PDQ internals shared by the straightforward scalar path (kept as the reference for tests and
// benchmarks) and the vectorised path that pdq_hash() uses.
#pragma once

#include <cstdint>
#include <vector>

#include "saring/hash/pdq.hpp"

namespace saring::detail {

inline constexpr int kPdqMaxSide = 512;  // larger images are resampled to 512x512 first
inline constexpr int kPdqMinSide = 5;

// Float luma of the (possibly resampled) image, row-major rows x cols.
void pdq_fill_luma(const ImageView& image, std::vector<float>& luma, int& rows, int& cols);

// The 16x64 DCT matrix (rows are coefficients 1..16).
const float* pdq_dct_matrix();
// Its transpose, 64x16, for the vectorised second DCT stage.
const float* pdq_dct_matrix_transposed();

int pdq_quality(const float* buffer64x64);
Hash256 pdq_bits(const float* dct16x16);
// Coefficients of the dihedral transform `d` of an image from those of the image itself.
void pdq_dihedral_dct(const float* dct16x16, Dihedral d, float* out16x16);

// Straightforward scalar path: filter, decimate, quality and DCT exactly as the reference.
// `luma` is overwritten. Fills dct16x16 and returns the quality.
int pdq_reference_dct(std::vector<float>& luma, int rows, int cols, float* dct16x16);
// Vectorised path (SSE2 baseline, AVX2 when the CPU has it); same results bit for bit.
int pdq_fast_dct(std::vector<float>& luma, int rows, int cols, float* dct16x16);

PdqHash pdq_hash_reference(const ImageView& image);

// Kernel sets, one per instruction set, chosen at run time.
struct PdqKernels {
  // Box filter down the rows of a rows x cols matrix (each column independently), `window` wide,
  // summing each column in the reference's order. `sums` is scratch of `cols` floats. ld_* are
  // leading dimensions (floats from one row to the next).
  void (*box_vertical)(const float* in, long ld_in, float* out, long ld_out, int rows, int cols, int window,
                       float* sums);
  // out (cols x rows) = transpose of in (rows x cols).
  void (*transpose)(const float* in, long ld_in, float* out, long ld_out, int rows, int cols);
  // The two DCT stages on a 64x64 buffer.
  void (*dct64to16)(const float* a64x64, float* out16x16);
  const char* name;
};
const PdqKernels& pdq_kernels_sse2();
const PdqKernels& pdq_kernels_avx2();
const PdqKernels& pdq_kernels();  // the best the CPU supports

}  // namespace saring::detail
