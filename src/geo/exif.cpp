// EXIF through libexif: the library finds the APP1 segment and the IFDs; saring reads only the
// handful of tags the geotag checks use, checking each tag's format and count before touching its
// bytes (libexif hands out whatever the file declared).
#include "saring/geo/exif.hpp"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <vector>

#include "saring/core/error.hpp"

namespace saring {

namespace {

struct ExifDataDeleter {
  void operator()(ExifData* d) const { exif_data_unref(d); }
};

const ExifEntry* entry_of(ExifData* data, ExifIfd ifd, int tag) {
  if (!data->ifd[ifd]) return nullptr;
  return exif_content_get_entry(data->ifd[ifd], static_cast<ExifTag>(tag));
}

// RATIONAL value i of an entry, or NaN when the entry is not a RATIONAL array that long or the
// denominator is zero. SRATIONAL is accepted too: some phones (e.g. a Nokia 8.3 5G in the shared
// sample set) write GPS coordinates as SRATIONAL against the specification.
double rational_at(const ExifEntry* e, ExifByteOrder order, unsigned i) {
  if (!e || (e->format != EXIF_FORMAT_RATIONAL && e->format != EXIF_FORMAT_SRATIONAL) || i >= e->components ||
      !e->data || e->size < (static_cast<std::size_t>(i) + 1) * 8)
    return std::numeric_limits<double>::quiet_NaN();
  if (e->format == EXIF_FORMAT_SRATIONAL) {
    const ExifSRational r = exif_get_srational(e->data + 8 * i, order);
    if (r.denominator == 0) return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(r.numerator) / static_cast<double>(r.denominator);
  }
  const ExifRational r = exif_get_rational(e->data + 8 * i, order);
  if (r.denominator == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(r.numerator) / static_cast<double>(r.denominator);
}

// An ASCII entry as a string, stopped at the first NUL, trailing spaces trimmed.
std::string ascii_of(const ExifEntry* e) {
  if (!e || !e->data || e->size == 0) return {};
  if (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_UNDEFINED) return {};
  const char* p = reinterpret_cast<const char*>(e->data);
  std::size_t n = strnlen(p, e->size);
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\n')) --n;
  std::string s(p, n);
  for (char& c : s)  // keep output printable; these strings end up in JSON and logs
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return s;
}

// Degrees from the usual three RATIONALs (deg, min, sec); also accepts one or two components.
double dms_of(const ExifEntry* e, ExifByteOrder order) {
  if (!e || e->components == 0) return std::numeric_limits<double>::quiet_NaN();
  double deg = 0;
  bool negative = false;
  const double scale[3] = {1.0, 1.0 / 60.0, 1.0 / 3600.0};
  for (unsigned i = 0; i < std::min<unsigned long>(e->components, 3); ++i) {
    const double v = rational_at(e, order, i);
    if (!std::isfinite(v)) return std::numeric_limits<double>::quiet_NaN();
    if (v < 0) negative = true;  // a signed writer puts the sign on the degrees
    deg += std::fabs(v) * scale[i];
  }
  return negative ? -deg : deg;
}

// "+07:00" / "-03:30" -> minutes; nullopt otherwise.
std::optional<int> parse_offset(const std::string& s) {
  if (s.size() < 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return std::nullopt;
  const int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
  if (h > 14 || m > 59) return std::nullopt;
  return (s[0] == '-' ? -1 : 1) * (h * 60 + m);
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's well-known algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "YYYY:MM:DD HH:MM:SS" (also '-' as date separator) as seconds since the epoch in local time
// (i.e. not yet shifted by any offset); nullopt if malformed or all zero.
std::optional<std::int64_t> parse_exif_datetime(const std::string& s) {
  if (s.size() < 19) return std::nullopt;
  int f[6];
  const int pos[6] = {0, 5, 8, 11, 14, 17};
  const int len[6] = {4, 2, 2, 2, 2, 2};
  for (int k = 0; k < 6; ++k) {
    int v = 0;
    for (int i = 0; i < len[k]; ++i) {
      const char c = s[static_cast<std::size_t>(pos[k] + i)];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    f[k] = v;
  }
  if (f[0] < 1900 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
    return std::nullopt;
  return days_from_civil(f[0], static_cast<unsigned>(f[1]), static_cast<unsigned>(f[2])) * 86400 + f[3] * 3600 +
         f[4] * 60 + f[5];
}

}  // namespace

void ExifReadOptions::validate() const {
  if (max_bytes == 0) throw Error(ErrorCode::kInvalidArgument, "ExifReadOptions.max_bytes must be > 0");
  if (max_bytes > std::numeric_limits<unsigned int>::max())
    throw Error(ErrorCode::kInvalidArgument, "ExifReadOptions.max_bytes must fit libexif's 32-bit sizes");
}

std::optional<double> PhotoExif::horizontal_accuracy_m() const {
  if (gps_accuracy_m) return gps_accuracy_m;
  if (gps_dop) return *gps_dop * 5.0;
  return std::nullopt;
}

std::optional<Timestamp> PhotoExif::taken_at(int fallback_offset_minutes) const {
  const auto local = parse_exif_datetime(date_time_original);
  if (local && offset_minutes) return Timestamp{*local - *offset_minutes * 60, *offset_minutes};
  if (gps_time) return Timestamp{*gps_time, 0};
  if (local) return Timestamp{*local - fallback_offset_minutes * 60, fallback_offset_minutes};
  return std::nullopt;
}

PhotoExif read_photo_exif(std::span<const std::uint8_t> bytes, const ExifReadOptions& options) {
  options.validate();
  if (bytes.size() > options.max_bytes)
    throw Error(ErrorCode::kLimitExceeded, "photo is " + std::to_string(bytes.size()) + " bytes, over the EXIF limit of " +
                                               std::to_string(options.max_bytes));
  PhotoExif out;
  if (bytes.size() < 6) return out;
  std::unique_ptr<ExifData, ExifDataDeleter> data(exif_data_new());
  if (!data) throw Error(ErrorCode::kInternal, "exif_data_new failed (out of memory)");
  // Read the file as it is: no tag insertion or "fixing" to the specification.
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_load_data(data.get(), bytes.data(), static_cast<unsigned int>(bytes.size()));
  ExifData* d = data.get();
  bool any = false;
  for (int i = 0; i < EXIF_IFD_COUNT; ++i)
    if (d->ifd[i] && d->ifd[i]->count > 0) any = true;
  if (!any) return out;
  out.has_exif = true;
  const ExifByteOrder order = exif_data_get_byte_order(d);

  out.make = ascii_of(entry_of(d, EXIF_IFD_0, EXIF_TAG_MAKE));
  out.model = ascii_of(entry_of(d, EXIF_IFD_0, EXIF_TAG_MODEL));
  out.software = ascii_of(entry_of(d, EXIF_IFD_0, EXIF_TAG_SOFTWARE));
  out.date_time_original = ascii_of(entry_of(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL));
  if (!parse_exif_datetime(out.date_time_original)) out.date_time_original.clear();
  out.offset_minutes = parse_offset(ascii_of(entry_of(d, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL)));
  if (!out.offset_minutes) out.offset_minutes = parse_offset(ascii_of(entry_of(d, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME)));

  const double lat = dms_of(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE), order);
  const double lon = dms_of(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE), order);
  const std::string lat_ref = ascii_of(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF));
  const std::string lon_ref = ascii_of(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF));
  if (std::isfinite(lat) && std::isfinite(lon) && std::fabs(lat) <= 90 && std::fabs(lon) <= 180) {
    // The Ref gives the hemisphere; a signed (SRATIONAL) value without a southern/western Ref
    // keeps its own sign.
    const bool south = !lat_ref.empty() && (lat_ref[0] == 'S' || lat_ref[0] == 's');
    const bool west = !lon_ref.empty() && (lon_ref[0] == 'W' || lon_ref[0] == 'w');
    out.gps = LatLon{south ? -std::fabs(lat) : lat, west ? -std::fabs(lon) : lon};
  }
  const double alt = rational_at(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE), order, 0);
  if (std::isfinite(alt)) {
    const ExifEntry* ref = entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF);
    const bool below = ref && ref->data && ref->size >= 1 && ref->format == EXIF_FORMAT_BYTE && ref->data[0] == 1;
    out.gps_altitude_m = below ? -alt : alt;
  }
  const double herr = rational_at(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_H_POSITIONING_ERROR), order, 0);
  if (std::isfinite(herr)) out.gps_accuracy_m = herr;
  const double dop = rational_at(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_DOP), order, 0);
  if (std::isfinite(dop)) out.gps_dop = dop;

  const std::string date = ascii_of(entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP));
  const ExifEntry* tstamp = entry_of(d, EXIF_IFD_GPS, EXIF_TAG_GPS_TIME_STAMP);
  if (date.size() >= 10 && tstamp && tstamp->components >= 3) {
    const double h = rational_at(tstamp, order, 0), m = rational_at(tstamp, order, 1), s = rational_at(tstamp, order, 2);
    const auto day = parse_exif_datetime(date.substr(0, 10) + " 00:00:00");
    if (day && std::isfinite(h) && std::isfinite(m) && std::isfinite(s) && h >= 0 && h < 24 && m >= 0 && m < 60 &&
        s >= 0 && s < 61)
      out.gps_time = *day + static_cast<std::int64_t>(h) * 3600 + static_cast<std::int64_t>(m) * 60 +
                     static_cast<std::int64_t>(s);
  }
  return out;
}

PhotoExif read_photo_exif_file(const std::string& path, const ExifReadOptions& options) {
  options.validate();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open photo");
  std::vector<std::uint8_t> bytes;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.insert(bytes.end(), buf, buf + in.gcount());
    if (bytes.size() > options.max_bytes)
      throw Error(ErrorCode::kLimitExceeded, path + ": photo larger than the EXIF limit of " + std::to_string(options.max_bytes) + " bytes");
  }
  if (in.bad()) throw Error(ErrorCode::kIo, path + ": read error");
  return read_photo_exif(bytes, options);
}

}  // namespace saring
