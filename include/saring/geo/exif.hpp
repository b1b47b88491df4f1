// The EXIF facts a geotag check needs from a photo: where the camera's GPS put it and how sure it
// was, when the photo was taken (with the UTC offset if the camera wrote one), and which camera and
// software made or edited it. Read through libexif from the photo's bytes (JPEG or a raw EXIF
// block); nothing is decoded beyond the EXIF segment.
//
//   saring::PhotoExif e = saring::read_photo_exif_file("IMG_0001.jpg");
//   if (e.gps) std::cout << e.gps->lat << "," << e.gps->lon << " +- " << e.gps_accuracy_m.value_or(-1);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "saring/core/report.hpp"
#include "saring/core/time.hpp"

namespace saring {

struct ExifReadOptions {
  std::size_t max_bytes = std::size_t{64} << 20;  // larger inputs are refused (kLimitExceeded)
  void validate() const;                          // throws Error(kInvalidArgument)
};

struct PhotoExif {
  bool has_exif = false;                      // an EXIF block was found and parsed
  std::optional<LatLon> gps;                  // GPSLatitude/Longitude with their Ref signs
  std::optional<double> gps_altitude_m;       // negative below sea level (GPSAltitudeRef = 1)
  std::optional<double> gps_accuracy_m;       // GPSHPositioningError (EXIF 2.31), metres
  std::optional<double> gps_dop;              // GPSDOP
  std::optional<UnixSeconds> gps_time;        // GPSDateStamp + GPSTimeStamp, always UTC
  std::string date_time_original;             // as written, "YYYY:MM:DD HH:MM:SS"; empty if absent
  std::optional<int> offset_minutes;          // OffsetTimeOriginal (or OffsetTime), e.g. +07:00 -> 420
  std::string make, model, software;

  // The horizontal uncertainty of `gps` in metres: GPSHPositioningError, else GPSDOP times a
  // typical 5 m user range error; nullopt when the photo says neither.
  std::optional<double> horizontal_accuracy_m() const;
  // When the photo was taken: DateTimeOriginal with its offset; without an offset, the GPS time
  // (UTC) when present, else DateTimeOriginal read in `fallback_offset_minutes` (the reporter's
  // zone, from the report's own timestamp). nullopt when the photo carries no usable time.
  std::optional<Timestamp> taken_at(int fallback_offset_minutes) const;
};

// Parses the EXIF of a JPEG (or a bare "Exif\0\0" block). A photo without EXIF gives a PhotoExif
// with has_exif = false; malformed tags are skipped. Throws Error(kLimitExceeded) over the cap.
PhotoExif read_photo_exif(std::span<const std::uint8_t> bytes, const ExifReadOptions& options = {});
// Reads at most options.max_bytes from the file (kIo if it cannot be read, kLimitExceeded if larger).
PhotoExif read_photo_exif_file(const std::string& path, const ExifReadOptions& options = {});

}  // namespace saring
