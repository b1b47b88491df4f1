// PDQ pieces shared by both paths, and the scalar reference path. Floating-point expressions here
// mirror the reference's evaluation order exactly (no reassociation, no fused multiply-add: the
// library is built as ISO C++, where GCC keeps -ffp-contract=off), which is what makes the hashes
// bit-exact.
// Bit-exactness with the reference needs every a * b + c rounded twice, never fused into one FMA
// (GCC's default for C++ is -ffp-contract=fast, which fuses when the target has FMA, e.g. with
// -march=native or on AArch64).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "hash/pdq_internal.hpp"
#include "saring/core/error.hpp"

namespace saring::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;
// The reference declares these as float constants initialised from double literals.
const float kLumaR = static_cast<float>(0.299);
const float kLumaG = static_cast<float>(0.587);
const float kLumaB = static_cast<float>(0.114);

struct DctMatrices {
  float d[16 * 64];
  float dt[64 * 16];
  DctMatrices() {
    const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
    for (int i = 0; i < 16; ++i) {
      for (int j = 0; j < 64; ++j) {
        const double angle = (kPi / 2.0 / 64.0) * static_cast<double>(i + 1) * static_cast<double>(2 * j + 1);
        d[i * 64 + j] = static_cast<float>(static_cast<double>(scale) * std::cos(angle));
        dt[j * 16 + i] = d[i * 64 + j];
      }
    }
  }
};

const DctMatrices& dct_matrices() {
  static const DctMatrices m;
  return m;
}

// Window of the box filter that takes `old_dim` samples towards 64.
int jarosz_window(int old_dim) { return (old_dim + 2 * 64 - 1) / (2 * 64); }

// One box filter along a strided vector, in the reference's four phases (growing window, full
// window, shrinking window), dividing by the number of samples summed.
void box_1d(const float* in, float* out, int length, int stride, int window) {
  const int half = (window + 2) / 2;
  const int grow_silent = half - 1, grow_write = window - half + 1, full = length - window, shrink = half - 1;
  int li = 0, ri = 0, oi = 0, count = 0;
  float sum = 0.0f;
  for (int k = 0; k < grow_silent; ++k, ri += stride) {
    sum += in[ri];
    ++count;
  }
  for (int k = 0; k < grow_write; ++k, ri += stride, oi += stride) {
    sum += in[ri];
    ++count;
    out[oi] = sum / static_cast<float>(count);
  }
  for (int k = 0; k < full; ++k, li += stride, ri += stride, oi += stride) {
    sum += in[ri];
    sum -= in[li];
    out[oi] = sum / static_cast<float>(count);
  }
  for (int k = 0; k < shrink; ++k, li += stride, oi += stride) {
    sum -= in[li];
    --count;
    out[oi] = sum / static_cast<float>(count);
  }
}

void decimate(const float* in, int rows, int cols, float* out64x64) {
  for (int i = 0; i < 64; ++i) {
    const int si = static_cast<int>(((i + 0.5) * rows) / 64);
    for (int j = 0; j < 64; ++j) {
      const int sj = static_cast<int>(((j + 0.5) * cols) / 64);
      out64x64[i * 64 + j] = in[si * cols + sj];
    }
  }
}

}  // namespace

void pdq_fill_luma(const ImageView& image, std::vector<float>& luma, int& rows, int& cols) {
  image.validate();
  const bool resample = image.width > kPdqMaxSide || image.height > kPdqMaxSide;
  rows = resample ? kPdqMaxSide : image.height;
  cols = resample ? kPdqMaxSide : image.width;
  luma.resize(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  // Nearest-neighbour source columns/rows: floor(x * W / 512).
  thread_local std::vector<int> xs;
  xs.resize(static_cast<std::size_t>(cols));
  for (int x = 0; x < cols; ++x) {
    xs[x] = resample ? static_cast<int>(std::int64_t{x} * image.width / kPdqMaxSide) : x;
  }
  const int c = image.channels();
  const int r_off = image.format == PixelFormat::kBgr ? 2 : 0;
  const int b_off = image.format == PixelFormat::kBgr ? 0 : 2;
  for (int y = 0; y < rows; ++y) {
    const int sy = resample ? static_cast<int>(std::int64_t{y} * image.height / kPdqMaxSide) : y;
    const std::uint8_t* src = image.row(sy);
    float* dst = luma.data() + static_cast<std::size_t>(y) * cols;
    if (c == 1) {
      for (int x = 0; x < cols; ++x) dst[x] = static_cast<float>(src[xs[x]]);
    } else {
      for (int x = 0; x < cols; ++x) {
        const std::uint8_t* p = src + 3 * xs[x];
        dst[x] = kLumaR * static_cast<float>(p[r_off]) + kLumaG * static_cast<float>(p[1]) +
                 kLumaB * static_cast<float>(p[b_off]);
      }
    }
  }
}

const float* pdq_dct_matrix() { return dct_matrices().d; }
const float* pdq_dct_matrix_transposed() { return dct_matrices().dt; }

int pdq_quality(const float* b) {
  // Sum of quantised gradients between vertical, then horizontal, neighbours; heuristic scale.
  int sum = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j) {
      const int d = static_cast<int>(((b[i * 64 + j] - b[(i + 1) * 64 + j]) * 100) / 255);
      sum += std::abs(d);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j) {
      const int d = static_cast<int>(((b[i * 64 + j] - b[i * 64 + j + 1]) * 100) / 255);
      sum += std::abs(d);
    }
  }
  return std::min(sum / 90, 100);
}

Hash256 pdq_bits(const float* dct) {
  // The reference's median (Torben's method) is the 128th smallest of the 256 coefficients.
  float sorted[256];
  std::copy(dct, dct + 256, sorted);
  std::nth_element(sorted, sorted + 127, sorted + 256);
  const float median = sorted[127];
  Hash256 h;
  for (int k = 0; k < 256; ++k) {
    if (dct[k] > median) h.set_bit(k);
  }
  return h;
}

void pdq_dihedral_dct(const float* a, Dihedral d, float* out) {
  // Coefficient (u, v) = (i + 1, j + 1) of a reversed axis changes sign when that frequency is odd,
  // i.e. when the 0-based index is even; rotations and diagonal flips also transpose.
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      const float v = a[i * 16 + j];
      const bool i_even = (i & 1) == 0, j_even = (j & 1) == 0, sum_odd = ((i + j) & 1) != 0;
      switch (d) {
        case Dihedral::kOriginal: out[i * 16 + j] = v; break;
        case Dihedral::kRotate90: out[j * 16 + i] = j_even ? -v : v; break;
        case Dihedral::kRotate180: out[i * 16 + j] = sum_odd ? -v : v; break;
        case Dihedral::kRotate270: out[j * 16 + i] = i_even ? -v : v; break;
        case Dihedral::kFlipX: out[i * 16 + j] = i_even ? -v : v; break;
        case Dihedral::kFlipY: out[i * 16 + j] = j_even ? -v : v; break;
        case Dihedral::kFlipPlus1: out[j * 16 + i] = v; break;
        case Dihedral::kFlipMinus1: out[j * 16 + i] = sum_odd ? -v : v; break;
      }
    }
  }
}

int pdq_reference_dct(std::vector<float>& luma, int rows, int cols, float* dct16x16) {
  float buf64[64 * 64];
  if (rows == 64 && cols == 64) {
    // Already the decimated size: the reference skips filtering.
    std::copy(luma.begin(), luma.end(), buf64);
  } else {
    std::vector<float> tmp(luma.size());
    const int window_along_rows = jarosz_window(cols), window_along_cols = jarosz_window(rows);
    for (int pass = 0; pass < 2; ++pass) {
      for (int i = 0; i < rows; ++i) {
        box_1d(&luma[static_cast<std::size_t>(i) * cols], &tmp[static_cast<std::size_t>(i) * cols], cols, 1,
               window_along_rows);
      }
      for (int j = 0; j < cols; ++j) box_1d(&tmp[j], &luma[j], rows, cols, window_along_cols);
    }
    decimate(luma.data(), rows, cols, buf64);
  }
  const int quality = pdq_quality(buf64);
  const float* d = pdq_dct_matrix();
  float t[16 * 64];
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 64; ++j) {
      float s = 0.0f;
      for (int k = 0; k < 64; ++k) s += d[i * 64 + k] * buf64[k * 64 + j];
      t[i * 64 + j] = s;
    }
  }
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      float s = 0.0f;
      for (int k = 0; k < 64; ++k) s += t[i * 64 + k] * d[j * 64 + k];
      dct16x16[i * 16 + j] = s;
    }
  }
  return quality;
}

PdqHash pdq_hash_reference(const ImageView& image) {
  std::vector<float> luma;
  int rows = 0, cols = 0;
  pdq_fill_luma(image, luma, rows, cols);
  if (rows < kPdqMinSide || cols < kPdqMinSide) return PdqHash{};
  float dct[256];
  const int quality = pdq_reference_dct(luma, rows, cols, dct);
  return PdqHash{pdq_bits(dct), quality};
}

}  // namespace saring::detail
