// Fuzzes the EXIF reader (libexif plus saring's tag decoding) on arbitrary photo bytes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "saring/core/error.hpp"
#include "saring/geo/exif.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const saring::PhotoExif e = saring::read_photo_exif(std::span(data, size));
    if (e.gps && (std::fabs(e.gps->lat) > 90 || std::fabs(e.gps->lon) > 180)) std::abort();
    (void)e.taken_at(420);
    (void)e.horizontal_accuracy_m();
  } catch (const saring::Error&) {
  }
  return 0;
}
