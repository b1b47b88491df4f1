// Bit-exactness with the reference needs every a * b + c rounded twice, never fused into one FMA
// (GCC's default for C++ is -ffp-contract=fast, which fuses when the target has FMA, e.g. with
// -march=native or on AArch64).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include "saring/hash/pdq.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "hash/pdq_internal.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace detail {

const PdqKernels& pdq_kernels() {
  static const PdqKernels& chosen = [] () -> const PdqKernels& {
    // SARING_PDQ_KERNELS=sse2 forces the baseline (for testing both on an AVX2 machine).
    const char* force = std::getenv("SARING_PDQ_KERNELS");
    if (force != nullptr && std::strcmp(force, "sse2") == 0) return pdq_kernels_sse2();
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return pdq_kernels_avx2();
#endif
    return pdq_kernels_sse2();
  }();
  return chosen;
}

int pdq_fast_dct(std::vector<float>& luma, int rows, int cols, float* dct16x16) {
  const PdqKernels& k = pdq_kernels();
  float buf64[64 * 64];
  if (rows == 64 && cols == 64) {
    std::copy(luma.begin(), luma.end(), buf64);
  } else {
    // The reference filters rows (each row's running sum left to right), then columns, twice. The
    // vertical kernel runs many columns side by side; row passes run it on the transpose.
    thread_local std::vector<float> a, b, c, sums, narrow, narrow_out;
    // Padded leading dimensions: a power-of-two stride makes the transposes thrash the cache.
    const long ld_t = rows + 16, ld_n = cols + 16;  // for cols x rows and rows x cols matrices
    const std::size_t n = static_cast<std::size_t>(std::max(cols * ld_t, rows * ld_n));
    a.resize(n);
    b.resize(n);
    c.resize(n);
    sums.resize(static_cast<std::size_t>(std::max({rows, cols, 64})));  // the last pass is 64 wide
    const int window_along_rows = (cols + 127) / 128, window_along_cols = (rows + 127) / 128;
    float* l = luma.data();
    k.transpose(l, cols, a.data(), ld_t, rows, cols);                                        // a = L^T
    k.box_vertical(a.data(), ld_t, b.data(), ld_t, cols, rows, window_along_rows, sums.data());  // rows
    k.transpose(b.data(), ld_t, c.data(), ld_n, cols, rows);
    k.box_vertical(c.data(), ld_n, a.data(), ld_n, rows, cols, window_along_cols, sums.data());  // cols
    k.transpose(a.data(), ld_n, b.data(), ld_t, rows, cols);
    k.box_vertical(b.data(), ld_t, c.data(), ld_t, cols, rows, window_along_rows, sums.data());  // rows
    // Only 64 columns survive decimation: filter just those down the rows.
    int src_col[64], src_row[64];
    for (int i = 0; i < 64; ++i) {
      src_row[i] = static_cast<int>(((i + 0.5) * rows) / 64);
      src_col[i] = static_cast<int>(((i + 0.5) * cols) / 64);
    }
    narrow.resize(static_cast<std::size_t>(rows) * 64);
    narrow_out.resize(narrow.size());
    for (int j = 0; j < 64; ++j) {
      const float* col = c.data() + src_col[j] * ld_t;
      for (int r = 0; r < rows; ++r) narrow[static_cast<std::size_t>(r) * 64 + j] = col[r];
    }
    k.box_vertical(narrow.data(), 64, narrow_out.data(), 64, rows, 64, window_along_cols, sums.data());
    for (int i = 0; i < 64; ++i) {
      std::memcpy(buf64 + i * 64, narrow_out.data() + static_cast<std::size_t>(src_row[i]) * 64, 64 * sizeof(float));
    }
  }
  const int quality = pdq_quality(buf64);
  k.dct64to16(buf64, dct16x16);
  return quality;
}

namespace {

// Returns false (hash 0, quality 0) for images too small to hash, as the reference does.
bool pdq_dct(const ImageView& image, float* dct, int& quality) {
  thread_local std::vector<float> luma;
  int rows = 0, cols = 0;
  pdq_fill_luma(image, luma, rows, cols);
  if (rows < kPdqMinSide || cols < kPdqMinSide) {
    quality = 0;
    return false;
  }
  quality = pdq_fast_dct(luma, rows, cols, dct);
  return true;
}

}  // namespace
}  // namespace detail

std::string_view dihedral_name(Dihedral d) noexcept {
  switch (d) {
    case Dihedral::kOriginal: return "original";
    case Dihedral::kRotate90: return "rotate90";
    case Dihedral::kRotate180: return "rotate180";
    case Dihedral::kRotate270: return "rotate270";
    case Dihedral::kFlipX: return "flipx";
    case Dihedral::kFlipY: return "flipy";
    case Dihedral::kFlipPlus1: return "flip_plus1";
    case Dihedral::kFlipMinus1: return "flip_minus1";
  }
  return "unknown";
}

PdqHash pdq_hash(const ImageView& image) {
  float dct[256];
  PdqHash out;
  if (detail::pdq_dct(image, dct, out.quality)) out.hash = detail::pdq_bits(dct);
  return out;
}

PdqDihedralHashes pdq_hash_dihedral(const ImageView& image) {
  float dct[256];
  PdqDihedralHashes out;
  if (!detail::pdq_dct(image, dct, out.quality)) return out;
  float variant[256];
  for (int d = 0; d < 8; ++d) {
    detail::pdq_dihedral_dct(dct, static_cast<Dihedral>(d), variant);
    out.hashes[static_cast<std::size_t>(d)] = detail::pdq_bits(variant);
  }
  return out;
}

PdqHash pdq_hash_file(const std::string& path, const DecodeOptions& options) {
  return pdq_hash(decode_image_file(path, options).view());
}

PdqHash pdq_hash_bytes(std::span<const std::uint8_t> bytes, std::string_view name, const DecodeOptions& options) {
  return pdq_hash(decode_image_bytes(bytes, name, options).view());
}

int pdq_min_dihedral_distance(const PdqDihedralHashes& variants, const Hash256& query) {
  int best = 256;
  for (const Hash256& h : variants.hashes) best = std::min(best, h.distance(query));
  return best;
}

}  // namespace saring
