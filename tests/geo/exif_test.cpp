#include "saring/geo/exif.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "geo/exif_writer.hpp"  // src/geo: synthetic JPEGs with EXIF
#include "saring/core/error.hpp"
#include "saring/core/time.hpp"

namespace saring {
namespace {

detail::ExifSpec full_spec() {
  detail::ExifSpec s;
  s.lat = -6.175392;  // Monas
  s.lon = 106.827153;
  s.altitude_m = 12.5;
  s.h_error_m = 4.7;
  s.dop = 1.3;
  s.gps_date = "2026:11:28";
  s.gps_hour = 1;  // 08:14:05 WIB = 01:14:05 UTC
  s.gps_min = 14;
  s.gps_sec = 5;
  s.date_time_original = "2026:11:28 08:14:05";
  s.offset_time_original = "+07:00";
  s.make = "SaringCam";
  s.model = "Synthetic 1";
  s.software = "saring test writer";
  return s;
}

TEST(Exif, ReadsEverythingWrittenIntoARealJpeg) {
  const auto jpeg = detail::make_jpeg_with_exif(full_spec());
  const PhotoExif e = read_photo_exif(jpeg);
  ASSERT_TRUE(e.has_exif);
  ASSERT_TRUE(e.gps.has_value());
  EXPECT_NEAR(e.gps->lat, -6.175392, 1e-6);
  EXPECT_NEAR(e.gps->lon, 106.827153, 1e-6);
  ASSERT_TRUE(e.gps_altitude_m);
  EXPECT_NEAR(*e.gps_altitude_m, 12.5, 1e-9);
  ASSERT_TRUE(e.gps_accuracy_m);
  EXPECT_NEAR(*e.gps_accuracy_m, 4.7, 1e-9);
  ASSERT_TRUE(e.gps_dop);
  EXPECT_NEAR(*e.gps_dop, 1.3, 1e-9);
  EXPECT_NEAR(*e.horizontal_accuracy_m(), 4.7, 1e-9);  // the positioning error wins over DOP
  EXPECT_EQ(e.make, "SaringCam");
  EXPECT_EQ(e.model, "Synthetic 1");
  EXPECT_EQ(e.software, "saring test writer");
  EXPECT_EQ(e.date_time_original, "2026:11:28 08:14:05");
  ASSERT_TRUE(e.offset_minutes);
  EXPECT_EQ(*e.offset_minutes, 420);
  const auto expected = parse_rfc3339("2026-11-28T08:14:05+07:00");
  ASSERT_TRUE(e.gps_time);
  EXPECT_EQ(*e.gps_time, expected.unix);
  const auto taken = e.taken_at(0);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->unix, expected.unix);
  EXPECT_EQ(taken->offset_minutes, 420);
}

TEST(Exif, WesternNorthernBigEndianAndBelowSeaLevel) {
  detail::ExifSpec s;
  s.lat = 37.421998;
  s.lon = -122.084;
  s.altitude_m = -3.0;
  s.dop = 2.0;
  s.big_endian = true;
  const PhotoExif e = read_photo_exif(detail::make_jpeg_with_exif(s));
  ASSERT_TRUE(e.gps);
  EXPECT_NEAR(e.gps->lat, 37.421998, 1e-6);
  EXPECT_NEAR(e.gps->lon, -122.084, 1e-6);
  EXPECT_NEAR(*e.gps_altitude_m, -3.0, 1e-9);
  EXPECT_FALSE(e.gps_accuracy_m);
  EXPECT_NEAR(*e.horizontal_accuracy_m(), 10.0, 1e-9);  // DOP 2 x 5 m
  EXPECT_FALSE(e.taken_at(420).has_value());
}

TEST(Exif, TimeWithoutOffsetUsesGpsThenTheFallbackZone) {
  detail::ExifSpec s;
  s.date_time_original = "2026:11:28 08:00:00";
  PhotoExif e = read_photo_exif(detail::make_jpeg_with_exif(s));
  EXPECT_FALSE(e.offset_minutes);
  EXPECT_FALSE(e.gps);
  EXPECT_EQ(e.taken_at(420)->unix, parse_rfc3339("2026-11-28T08:00:00+07:00").unix);
  EXPECT_EQ(e.taken_at(0)->unix, parse_rfc3339("2026-11-28T08:00:00Z").unix);
  s.gps_date = "2026:11:28";
  s.gps_hour = 0;
  s.gps_min = 59;
  s.gps_sec = 0;
  e = read_photo_exif(detail::make_jpeg_with_exif(s));
  EXPECT_EQ(e.taken_at(0)->unix, parse_rfc3339("2026-11-28T00:59:00Z").unix);  // GPS (UTC) beats a guessed zone
}

TEST(Exif, SignedRationalCoordinates) {
  detail::ExifSpec s;
  s.lat = -6.175392;
  s.lon = 106.827153;
  s.signed_coordinates = true;
  const PhotoExif e = read_photo_exif(detail::make_jpeg_with_exif(s));
  ASSERT_TRUE(e.gps);
  EXPECT_NEAR(e.gps->lat, -6.175392, 1e-6);
  EXPECT_NEAR(e.gps->lon, 106.827153, 1e-6);
}

TEST(Exif, BareExifBlockAlsoWorks) {
  const auto block = detail::make_exif_block(full_spec());
  const PhotoExif e = read_photo_exif(block);
  ASSERT_TRUE(e.gps);
  EXPECT_NEAR(e.gps->lon, 106.827153, 1e-6);
}

TEST(Exif, NoExifIsNotAnError) {
  const PhotoExif e = read_photo_exif(detail::make_gradient_jpeg());
  EXPECT_FALSE(e.has_exif);
  EXPECT_FALSE(e.gps);
  EXPECT_TRUE(e.make.empty());
  EXPECT_FALSE(read_photo_exif(std::vector<std::uint8_t>{}).has_exif);
  const std::vector<std::uint8_t> junk = {'n', 'o', 't', ' ', 'a', ' ', 'j', 'p', 'e', 'g'};
  EXPECT_FALSE(read_photo_exif(junk).has_exif);
}

TEST(Exif, TruncatedAndCorruptedBytesDoNotCrash) {
  const auto jpeg = detail::make_jpeg_with_exif(full_spec());
  for (std::size_t cut = 0; cut < 400 && cut < jpeg.size(); cut += 7) {
    std::vector<std::uint8_t> part(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(cut));
    (void)read_photo_exif(part);
  }
  std::vector<std::uint8_t> flipped = jpeg;
  for (std::size_t i = 12; i < 300 && i < flipped.size(); i += 5) {
    flipped[i] ^= 0xA5;
    const PhotoExif e = read_photo_exif(flipped);
    if (e.gps) {  // whatever survives must still be a position
      EXPECT_LE(std::abs(e.gps->lat), 90.0);
      EXPECT_LE(std::abs(e.gps->lon), 180.0);
    }
  }
}

TEST(Exif, ByteCapAndFiles) {
  const auto jpeg = detail::make_jpeg_with_exif(full_spec());
  ExifReadOptions small;
  small.max_bytes = 100;
  try {
    (void)read_photo_exif(jpeg, small);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded);
  }
  ExifReadOptions zero;
  zero.max_bytes = 0;
  EXPECT_THROW(zero.validate(), Error);
  const auto path = std::filesystem::temp_directory_path() / ("saring_exif_test_" + std::to_string(::getpid()) + ".jpg");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()));
  }
  EXPECT_NEAR(read_photo_exif_file(path.string()).gps->lat, -6.175392, 1e-6);
  EXPECT_THROW(read_photo_exif_file(path.string(), small), Error);
  std::filesystem::remove(path);
  try {
    (void)read_photo_exif_file("/nonexistent/photo.jpg");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
  // Seeds for the fuzz corpus: SARING_WRITE_EXIF_CORPUS=dir writes the generated JPEGs there.
  if (const char* dir = std::getenv("SARING_WRITE_EXIF_CORPUS")) {
    detail::ExifSpec west;
    west.lat = 37.421998;
    west.lon = -122.084;
    west.big_endian = true;
    const std::pair<const char*, std::vector<std::uint8_t>> seeds[] = {
        {"gps_full.jpg", jpeg}, {"gps_west_motorola.jpg", detail::make_jpeg_with_exif(west)},
        {"exif_block.bin", detail::make_exif_block(full_spec())}, {"no_exif.jpg", detail::make_gradient_jpeg(8, 8)}};
    for (const auto& [name, bytes] : seeds) {
      std::ofstream out(std::filesystem::path(dir) / name, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
  }
}

}  // namespace
}  // namespace saring

namespace saring {
namespace {

// A real phone photo (iPhone 4S, BSD-2-Clause sample of the goexif project): GPS without DOP or
// date stamp, DateTimeOriginal without offset.
TEST(Exif, RealIphonePhoto) {
  const PhotoExif e = read_photo_exif_file(std::string(SARING_TEST_DATA_DIR) + "/geo/goexif_has_lens_info.jpg");
  ASSERT_TRUE(e.has_exif);
  EXPECT_EQ(e.make, "Apple");
  EXPECT_EQ(e.model, "iPhone 4S");
  EXPECT_EQ(e.software, "7.1.1");
  ASSERT_TRUE(e.gps);
  EXPECT_NEAR(e.gps->lat, 59.332547, 2e-6);  // 59 deg 19' 57.17" N
  EXPECT_NEAR(e.gps->lon, 18.064942, 2e-6);  // 18 deg 3' 53.79" E
  ASSERT_TRUE(e.gps_altitude_m);
  EXPECT_NEAR(*e.gps_altitude_m, 29.0, 1e-9);
  EXPECT_FALSE(e.gps_accuracy_m);
  EXPECT_FALSE(e.gps_dop);
  EXPECT_FALSE(e.gps_time);  // GPSTimeStamp without GPSDateStamp is not a time
  EXPECT_EQ(e.date_time_original, "2014:09:01 15:03:47");
  EXPECT_FALSE(e.offset_minutes);
  EXPECT_EQ(e.taken_at(120)->unix, parse_rfc3339("2014-09-01T13:03:47Z").unix);
}

}  // namespace
}  // namespace saring
