// Header parsers: the declared width and height of each supported format, read from the first
// bytes only, so the pixel cap is enforced before a decoder allocates anything.
#include <cctype>
#include <cstring>
#include <string>

#include "saring/core/error.hpp"
#include "saring/image/image.hpp"

namespace saring {
namespace {

using Bytes = std::span<const std::uint8_t>;

[[noreturn]] void fail(std::string_view name, const std::string& what) {
  throw Error(ErrorCode::kDecode, std::string(name) + ": " + what);
}

std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t{p[0]} << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
std::uint32_t le16(const std::uint8_t* p) { return (std::uint32_t{p[1]} << 8) | p[0]; }
std::uint32_t le32(const std::uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }
std::uint32_t le24(const std::uint8_t* p) { return (std::uint32_t{p[2]} << 16) | le16(p); }

bool starts_with(Bytes b, const char* magic, std::size_t n, std::size_t at = 0) {
  return b.size() >= at + n && std::memcmp(b.data() + at, magic, n) == 0;
}

bool is_sof(std::uint8_t m) {
  // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

ImageInfo probe_jpeg(Bytes b, std::string_view name) {
  std::size_t i = 2;
  while (true) {
    // Markers may be preceded by any number of 0xFF fill bytes.
    if (i >= b.size() || b[i] != 0xFF) fail(name, "truncated or malformed JPEG header (no frame header found)");
    while (i < b.size() && b[i] == 0xFF) ++i;
    if (i >= b.size()) fail(name, "truncated JPEG header");
    const std::uint8_t marker = b[i++];
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no length
    if (marker == 0xD9 || marker == 0xDA) fail(name, "JPEG has no frame header before its image data");
    if (i + 2 > b.size()) fail(name, "truncated JPEG header");
    const std::size_t len = be16(&b[i]);
    if (len < 2) fail(name, "malformed JPEG segment length");
    if (is_sof(marker)) {
      if (len < 8 || i + 8 > b.size()) fail(name, "truncated JPEG frame header");
      const int height = static_cast<int>(be16(&b[i + 3]));
      const int width = static_cast<int>(be16(&b[i + 5]));
      return ImageInfo{ImageFormat::kJpeg, width, height};
    }
    i += len;
  }
}

ImageInfo probe_png(Bytes b, std::string_view name) {
  // signature(8) length(4) "IHDR"(4) width(4) height(4)
  if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) fail(name, "truncated or malformed PNG header");
  const std::uint32_t w = be32(&b[16]), h = be32(&b[20]);
  if (w > 0x7fffffffu || h > 0x7fffffffu) fail(name, "PNG declares an invalid size");
  return ImageInfo{ImageFormat::kPng, static_cast<int>(w), static_cast<int>(h)};
}

ImageInfo probe_webp(Bytes b, std::string_view name) {
  if (b.size() < 30) fail(name, "truncated WebP header");
  if (starts_with(b, "VP8X", 4, 12)) {
    // Canvas width and height minus one, 24 bits each at 24 and 27: reading 32 bits at 27 went one
    // byte past a 30-byte file (found by fuzz_image_decode).
    const std::uint32_t w = 1 + le24(&b[24]);
    const std::uint32_t h = 1 + le24(&b[27]);
    return ImageInfo{ImageFormat::kWebp, static_cast<int>(w), static_cast<int>(h)};
  }
  if (starts_with(b, "VP8L", 4, 12)) {
    if (b[20] != 0x2f) fail(name, "malformed lossless WebP header");
    const std::uint32_t bits = le32(&b[21]);
    return ImageInfo{ImageFormat::kWebp, static_cast<int>((bits & 0x3fff) + 1),
                     static_cast<int>(((bits >> 14) & 0x3fff) + 1)};
  }
  if (starts_with(b, "VP8 ", 4, 12)) {
    if (b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a) fail(name, "malformed lossy WebP header");
    return ImageInfo{ImageFormat::kWebp, static_cast<int>(le16(&b[26]) & 0x3fff),
                     static_cast<int>(le16(&b[28]) & 0x3fff)};
  }
  fail(name, "unrecognised WebP chunk");
}

ImageInfo probe_bmp(Bytes b, std::string_view name) {
  if (b.size() < 26) fail(name, "truncated BMP header");
  const std::uint32_t header_size = le32(&b[14]);
  if (header_size == 12) {
    return ImageInfo{ImageFormat::kBmp, static_cast<int>(le16(&b[18])), static_cast<int>(le16(&b[20]))};
  }
  const auto w = static_cast<std::int32_t>(le32(&b[18]));
  const auto h = static_cast<std::int32_t>(le32(&b[22]));
  if (w <= 0 || h == INT32_MIN) fail(name, "BMP declares an invalid size");
  return ImageInfo{ImageFormat::kBmp, w, h < 0 ? -h : h};
}

ImageInfo probe_tiff(Bytes b, std::string_view name) {
  const bool le = b[0] == 'I';
  auto u16 = [&](std::size_t at) { return le ? le16(&b[at]) : be16(&b[at]); };
  auto u32 = [&](std::size_t at) { return le ? le32(&b[at]) : be32(&b[at]); };
  if (b.size() < 8) fail(name, "truncated TIFF header");
  const std::size_t ifd = u32(4);
  if (ifd + 2 > b.size()) fail(name, "truncated TIFF header (first directory beyond the data)");
  const std::size_t n = u16(ifd);
  std::int64_t width = -1, height = -1;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t e = ifd + 2 + 12 * k;
    if (e + 12 > b.size()) fail(name, "truncated TIFF directory");
    const std::uint32_t tag = u16(e), type = u16(e + 2);
    std::uint32_t value = 0;
    if (type == 3) value = u16(e + 8);
    else if (type == 4) value = u32(e + 8);
    else continue;
    if (tag == 256) width = value;
    if (tag == 257) height = value;
  }
  if (width < 0 || height < 0) fail(name, "TIFF directory has no image size");
  if (width > 0x7fffffff || height > 0x7fffffff) fail(name, "TIFF declares an invalid size");
  return ImageInfo{ImageFormat::kTiff, static_cast<int>(width), static_cast<int>(height)};
}

ImageInfo probe_pnm(Bytes b, std::string_view name) {
  std::size_t i = 2;
  std::int64_t vals[2] = {0, 0};
  for (auto& v : vals) {
    // Skip whitespace and # comments.
    while (i < b.size() && (std::isspace(b[i]) || b[i] == '#')) {
      if (b[i] == '#') {
        while (i < b.size() && b[i] != '\n') ++i;
      } else {
        ++i;
      }
    }
    if (i >= b.size() || !std::isdigit(b[i])) fail(name, "truncated or malformed PNM header");
    while (i < b.size() && std::isdigit(b[i])) {
      v = v * 10 + (b[i++] - '0');
      if (v > 0x7fffffff) fail(name, "PNM declares an invalid size");
    }
  }
  return ImageInfo{ImageFormat::kPnm, static_cast<int>(vals[0]), static_cast<int>(vals[1])};
}

}  // namespace

std::string_view image_format_name(ImageFormat format) noexcept {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kWebp: return "webp";
    case ImageFormat::kBmp: return "bmp";
    case ImageFormat::kTiff: return "tiff";
    case ImageFormat::kPnm: return "pnm";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

ImageInfo probe_image(std::span<const std::uint8_t> b, std::string_view name) {
  if (b.empty()) fail(name, "empty input, not an image");
  ImageInfo info;
  if (starts_with(b, "\xff\xd8\xff", 3)) {
    info = probe_jpeg(b, name);
  } else if (starts_with(b, "\x89PNG\r\n\x1a\n", 8)) {
    info = probe_png(b, name);
  } else if (starts_with(b, "RIFF", 4) && starts_with(b, "WEBP", 4, 8)) {
    info = probe_webp(b, name);
  } else if (starts_with(b, "BM", 2)) {
    info = probe_bmp(b, name);
  } else if (starts_with(b, "II*\0", 4) || starts_with(b, "MM\0*", 4)) {
    info = probe_tiff(b, name);
  } else if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2])) {
    // As strict as OpenCV's own PNM signature check, so OpenCV never falls back to another
    // decoder (its GDAL fallback would copy the bytes to a temporary file).
    info = probe_pnm(b, name);
  } else {
    fail(name, "not a recognised image format (JPEG, PNG, WebP, BMP, TIFF or PNM expected)");
  }
  if (info.width <= 0 || info.height <= 0) {
    fail(name, std::string(image_format_name(info.format)) + " header declares an empty image (" +
                   std::to_string(info.width) + "x" + std::to_string(info.height) + ")");
  }
  return info;
}

}  // namespace saring
