// pHash and dHash (64-bit), and all of saring's image hashes computed from one decode.
//
// pHash is bit-compatible with OpenCV's img_hash::PHash (opencv_contrib): 32x32 bilinear resize
// (INTER_LINEAR_EXACT) of the colour image, grey, 32x32 DCT, the 8x8 lowest frequencies with DC
// zeroed, bit set where a coefficient exceeds their mean. Hex is OpenCV's 8 hash bytes in order
// (coefficient 8j+k is bit k of byte j). Usual match threshold: distance <= 10.
//
// dHash follows Python imagehash.dhash: grey, resize to 9x8, bit set where a pixel is brighter
// than its left neighbour, bits row-major with the first as the most significant (imagehash's
// hex). The resize is OpenCV's INTER_AREA, not PIL's filter, so values can differ from imagehash
// by a few bits. Usual match threshold: distance <= 10.
//
//   saring::ImageHashes h = saring::hash_image_file("photo.jpg");
//   std::cout << h.pdq.hash.hex() << " " << h.phash.hex() << "\n";
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "saring/hash/hash_types.hpp"
#include "saring/hash/pdq.hpp"
#include "saring/image/image.hpp"

namespace saring {

inline constexpr int kPhashMatchDistance = 10;
inline constexpr int kDhashMatchDistance = 10;

Hash64 phash(const ImageView& image);
Hash64 dhash(const ImageView& image);

struct ImageHashes {
  PdqHash pdq;
  Hash64 phash;
  Hash64 dhash;
  int width = 0;   // of the decoded image the hashes were computed from
  int height = 0;
};

ImageHashes hash_image(const ImageView& image);
ImageHashes hash_image_file(const std::string& path, const DecodeOptions& options = {});
ImageHashes hash_image_bytes(std::span<const std::uint8_t> bytes, std::string_view name,
                             const DecodeOptions& options = {});

}  // namespace saring
