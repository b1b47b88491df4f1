// Synthetic JPEGs with chosen EXIF tags (see exif_writer.hpp). Kept in the library, not in the
// tests, so test programs need not link libjpeg and libexif themselves (they would have to in a
// shared-library build).
#include "geo/exif_writer.hpp"

#include <algorithm>
#include <cstdio>  // before jpeglib.h, which uses FILE
#include <jpeglib.h>
#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace saring::detail {

std::vector<std::uint8_t> make_gradient_jpeg(int width, int height) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* mem = nullptr;
  unsigned long mem_size = 0;
  jpeg_mem_dest(&cinfo, &mem, &mem_size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 85, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(width) * 3);
  while (cinfo.next_scanline < cinfo.image_height) {
    const int y = static_cast<int>(cinfo.next_scanline);
    for (int x = 0; x < width; ++x) {
      row[static_cast<std::size_t>(x) * 3 + 0] = static_cast<unsigned char>(x * 255 / std::max(1, width - 1));
      row[static_cast<std::size_t>(x) * 3 + 1] = static_cast<unsigned char>(y * 255 / std::max(1, height - 1));
      row[static_cast<std::size_t>(x) * 3 + 2] = 128;
    }
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<std::uint8_t> out(mem, mem + mem_size);
  jpeg_destroy_compress(&cinfo);
  std::free(mem);
  return out;
}

namespace {

ExifEntry* new_entry(ExifData* data, ExifIfd ifd, int tag, ExifFormat format, unsigned long components) {
  ExifMem* mem = exif_mem_new_default();
  ExifEntry* e = exif_entry_new_mem(mem);
  const std::size_t size = exif_format_get_size(format) * components;
  e->data = static_cast<unsigned char*>(exif_mem_alloc(mem, static_cast<ExifLong>(size)));
  e->size = static_cast<unsigned int>(size);
  e->tag = static_cast<ExifTag>(tag);
  e->format = format;
  e->components = components;
  exif_content_add_entry(data->ifd[ifd], e);
  exif_mem_unref(mem);
  exif_entry_unref(e);  // the IFD holds it now
  return e;
}

void put_ascii(ExifData* data, ExifIfd ifd, int tag, const std::string& s) {
  ExifEntry* e = new_entry(data, ifd, tag, EXIF_FORMAT_ASCII, s.size() + 1);
  std::memcpy(e->data, s.c_str(), s.size() + 1);
}

void put_rationals(ExifData* data, ExifIfd ifd, int tag, const std::vector<ExifRational>& values,
                          ExifByteOrder order) {
  ExifEntry* e = new_entry(data, ifd, tag, EXIF_FORMAT_RATIONAL, values.size());
  for (std::size_t i = 0; i < values.size(); ++i) exif_set_rational(e->data + 8 * i, order, values[i]);
}

ExifRational rational(double v, ExifLong den) {
  return ExifRational{static_cast<ExifLong>(std::llround(v * den)), den};
}

std::vector<ExifRational> dms(double deg) {
  deg = std::fabs(deg);
  const double d = std::floor(deg), m = std::floor((deg - d) * 60), s = (deg - d - m / 60) * 3600;
  return {rational(d, 1), rational(m, 1), rational(s, 10000)};
}

}  // namespace

std::vector<std::uint8_t> make_exif_block(const ExifSpec& spec) {
  ExifData* data = exif_data_new();
  exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  const ExifByteOrder o = spec.big_endian ? EXIF_BYTE_ORDER_MOTOROLA : EXIF_BYTE_ORDER_INTEL;
  exif_data_set_byte_order(data, o);
  if (!spec.make.empty()) put_ascii(data, EXIF_IFD_0, EXIF_TAG_MAKE, spec.make);
  if (!spec.model.empty()) put_ascii(data, EXIF_IFD_0, EXIF_TAG_MODEL, spec.model);
  if (!spec.software.empty()) put_ascii(data, EXIF_IFD_0, EXIF_TAG_SOFTWARE, spec.software);
  if (!spec.date_time_original.empty()) put_ascii(data, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, spec.date_time_original);
  if (!spec.offset_time_original.empty())
    put_ascii(data, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL, spec.offset_time_original);
  if (spec.lat && spec.lon) {
    ExifEntry* v = new_entry(data, EXIF_IFD_GPS, EXIF_TAG_GPS_VERSION_ID, EXIF_FORMAT_BYTE, 4);
    const unsigned char ver[4] = {2, 3, 0, 0};
    std::memcpy(v->data, ver, 4);
    put_ascii(data, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF, *spec.lat < 0 ? "S" : "N");
    put_rationals(data, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE, dms(*spec.lat), o);
    put_ascii(data, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF, *spec.lon < 0 ? "W" : "E");
    put_rationals(data, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE, dms(*spec.lon), o);
    if (spec.signed_coordinates) {  // same values, SRATIONAL format
      for (int tag : {EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LONGITUDE}) {
        ExifEntry* e = exif_content_get_entry(data->ifd[EXIF_IFD_GPS], static_cast<ExifTag>(tag));
        e->format = EXIF_FORMAT_SRATIONAL;
      }
    }
  }
  if (spec.altitude_m) {
    ExifEntry* ref = new_entry(data, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF, EXIF_FORMAT_BYTE, 1);
    ref->data[0] = *spec.altitude_m < 0 ? 1 : 0;
    put_rationals(data, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE, {rational(std::fabs(*spec.altitude_m), 100)}, o);
  }
  if (spec.h_error_m)
    put_rationals(data, EXIF_IFD_GPS, EXIF_TAG_GPS_H_POSITIONING_ERROR, {rational(*spec.h_error_m, 100)}, o);
  if (spec.dop) put_rationals(data, EXIF_IFD_GPS, EXIF_TAG_GPS_DOP, {rational(*spec.dop, 100)}, o);
  if (!spec.gps_date.empty()) put_ascii(data, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP, spec.gps_date);
  if (spec.gps_hour && spec.gps_min && spec.gps_sec)
    put_rationals(data, EXIF_IFD_GPS, EXIF_TAG_GPS_TIME_STAMP,
                  {rational(*spec.gps_hour, 1), rational(*spec.gps_min, 1), rational(*spec.gps_sec, 100)}, o);
  unsigned char* buf = nullptr;
  unsigned int len = 0;
  exif_data_save_data(data, &buf, &len);
  exif_data_unref(data);
  if (!buf) throw std::runtime_error("exif_data_save_data failed");
  std::vector<std::uint8_t> out(buf, buf + len);
  std::free(buf);
  return out;
}

std::vector<std::uint8_t> make_jpeg_with_exif(const ExifSpec& spec) {
  std::vector<std::uint8_t> jpeg = make_gradient_jpeg();
  const std::vector<std::uint8_t> exif = make_exif_block(spec);
  const std::size_t seg = exif.size() + 2;
  if (seg > 0xFFFF) throw std::runtime_error("EXIF block too large for one APP1 segment");
  std::vector<std::uint8_t> out;
  out.reserve(6 + exif.size() + jpeg.size());
  for (std::uint8_t b : {std::uint8_t{0xFF}, std::uint8_t{0xD8}, std::uint8_t{0xFF}, std::uint8_t{0xE1},
                         static_cast<std::uint8_t>(seg >> 8), static_cast<std::uint8_t>(seg & 0xFF)})
    out.push_back(b);
  out.insert(out.end(), exif.begin(), exif.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

}  // namespace saring::detail
