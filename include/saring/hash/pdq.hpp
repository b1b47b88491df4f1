// PDQ: Meta's 256-bit perceptual hash, bit-exact with the C++ reference (ThreatExchange pdq/cpp)
// for the same decoded pixels, so hashes can be exchanged with ThreatExchange/HMA hash lists.
//
// Pipeline (see docs/hash.md): images larger than 512 on either side are first resampled to
// exactly 512x512 by nearest neighbour; luma in float; two passes of a Jarosz box filter; 64x64
// decimation; quality from image-domain gradients; 16x16 DCT; one bit per coefficient above the
// median. Images with a side under 5 pixels hash to zero with quality 0.
//
//   saring::PdqHash h = saring::pdq_hash_file("photo.jpg");
//   if (h.quality >= 50 && h.hash.distance(other) <= 31) { /* same picture */ }
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "saring/hash/hash_types.hpp"
#include "saring/image/image.hpp"

namespace saring {

struct PdqHash {
  Hash256 hash;
  int quality = 0;  // 0..100; the reference suggests trusting matches only at >= 50
};

// The eight dihedral transforms, in the reference's order.
enum class Dihedral {
  kOriginal = 0,
  kRotate90 = 1,    // rotated 90 degrees counter-clockwise (as the reference's dih/ test files)
  kRotate180 = 2,
  kRotate270 = 3,
  kFlipX = 4,       // upside down (rows reversed)
  kFlipY = 5,       // mirrored (columns reversed)
  kFlipPlus1 = 6,   // transposed
  kFlipMinus1 = 7,  // anti-transposed
};
std::string_view dihedral_name(Dihedral d) noexcept;

// The hashes of all eight transforms of the image, computed from one DCT (sign flips and
// transposes of the coefficients) as the reference does; index with static_cast<int>(Dihedral).
struct PdqDihedralHashes {
  std::array<Hash256, 8> hashes;
  int quality = 0;
};

// Usual PDQ match rule: distance <= 31 (of 256).
inline constexpr int kPdqMatchDistance = 31;
inline constexpr int kPdqMinQuality = 50;

PdqHash pdq_hash(const ImageView& image);
PdqDihedralHashes pdq_hash_dihedral(const ImageView& image);

// Decode (DecodeOptions: caps, EXIF orientation, reduced-scale JPEG) and hash.
PdqHash pdq_hash_file(const std::string& path, const DecodeOptions& options = {});
PdqHash pdq_hash_bytes(std::span<const std::uint8_t> bytes, std::string_view name,
                       const DecodeOptions& options = {});

// Smallest distance between `query` and any of the eight dihedral variants of an image.
int pdq_min_dihedral_distance(const PdqDihedralHashes& variants, const Hash256& query);

}  // namespace saring
