// Fuzzes the image header parsers and decoders (OpenCV path and libjpeg reduced-scale path) and
// hashes whatever decodes. Any saring::Error is an acceptable outcome; crashes, leaks and hangs are
// not. Caps are small so the fuzzer explores parsing rather than big allocations.
#include <cstddef>
#include <cstdint>
#include <span>

#include "saring/core/error.hpp"
#include "saring/hash/image_hashes.hpp"
#include "saring/image/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  saring::DecodeOptions options;
  options.max_pixels = 4'000'000;
  options.max_input_bytes = 1 << 20;
  try {
    (void)saring::probe_image(bytes, "fuzz");
  } catch (const saring::Error&) {
  }
  for (int denom : {1, 4}) {
    options.jpeg_scale_denom = denom;
    options.apply_exif_orientation = denom == 4;
    try {
      const saring::Image img = saring::decode_image_bytes(bytes, "fuzz", options);
      (void)saring::hash_image(img.view());
      (void)saring::pdq_hash_dihedral(img.view());
    } catch (const saring::Error&) {
    }
  }
  (void)saring::exif_orientation(bytes);
  return 0;
}
