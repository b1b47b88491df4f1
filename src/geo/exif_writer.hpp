// Writes small synthetic JPEGs carrying chosen EXIF tags (libjpeg for the image, libexif for the
// tags). Used by the tests and to make fuzz seeds: the EXIF reader is exercised on real JPEG files
// without bundling anyone's photo. Not part of the public API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace saring::detail {

struct ExifSpec {
  std::optional<double> lat, lon;          // signed degrees; written as DMS + Ref
  std::optional<double> altitude_m;
  std::optional<double> h_error_m;         // GPSHPositioningError
  std::optional<double> dop;               // GPSDOP
  std::string gps_date;                    // "YYYY:MM:DD"
  std::optional<double> gps_hour, gps_min, gps_sec;
  std::string date_time_original;          // "YYYY:MM:DD HH:MM:SS"
  std::string offset_time_original;        // "+07:00"
  std::string make, model, software;
  bool big_endian = false;                 // Motorola byte order instead of Intel
  bool signed_coordinates = false;         // GPSLatitude/Longitude as SRATIONAL, as some phones write them
};

// A width x height baseline JPEG of a colour gradient.
std::vector<std::uint8_t> make_gradient_jpeg(int width = 32, int height = 24);
// The EXIF block ("Exif\0\0" + TIFF) for the spec.
std::vector<std::uint8_t> make_exif_block(const ExifSpec& spec);
// The gradient JPEG with an APP1 EXIF segment right after SOI.
std::vector<std::uint8_t> make_jpeg_with_exif(const ExifSpec& spec);

}  // namespace saring::detail
