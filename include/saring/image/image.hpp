// Image decoding with limits, and the pixel types the hashing module consumes.
//
// Every decode first reads the format's header (JPEG SOF, PNG IHDR, WebP VP8/VP8L/VP8X, BMP, TIFF,
// PNM) and checks the declared size against DecodeOptions *before* any pixel buffer exists, so a
// small file declaring 50000x50000 is refused at once. Formats whose header saring cannot read
// are refused rather than handed to a decoder blind. Truncated or undecodable data throws
// saring::Error(kDecode) naming the input; caps throw kLimitExceeded.
//
//   saring::DecodeOptions opts;                      // 64 MiB, 100 Mpx, no EXIF rotation
//   saring::Image img = saring::decode_image_file("photo.jpg", opts);
//   saring::ImageView v = img.view();                // RGB, 3 channels
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace saring {

enum class PixelFormat {
  kGray,  // 1 byte per pixel
  kRgb,   // 3 bytes per pixel, R first
  kBgr,   // 3 bytes per pixel, B first (OpenCV's order)
};

int pixel_format_channels(PixelFormat format) noexcept;

// A borrowed, read-only pixel buffer: rows of `width` pixels, `stride` bytes apart (stride may
// exceed width * channels, e.g. a numpy slice or a padded row).
struct ImageView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  std::ptrdiff_t stride = 0;  // bytes from one row to the next; 0 means tightly packed
  PixelFormat format = PixelFormat::kRgb;

  int channels() const noexcept { return pixel_format_channels(format); }
  std::ptrdiff_t row_stride() const noexcept {
    return stride != 0 ? stride : static_cast<std::ptrdiff_t>(width) * channels();
  }
  const std::uint8_t* row(int y) const noexcept { return data + y * row_stride(); }
  // Throws Error(kInvalidArgument) for a null buffer, negative sizes or a stride shorter than a row.
  void validate() const;
};

// An owned, tightly packed pixel buffer (zeroed on construction).
//
// Large buffers are recycled per thread: when an Image of 1 MiB to 64 MiB of pixels is destroyed or
// assigned over, its memory is kept (one buffer per thread, the largest) for the next Image the
// same thread makes. A full-size phone photo is 20-45 MB of pixels; fresh memory of that size
// comes from the kernel page by page, and those page faults were up to half the time of hashing
// one. Each thread that decodes large photos therefore holds up to 64 MiB between decodes.
class Image {
 public:
  Image() = default;
  Image(int width, int height, PixelFormat format);
  ~Image();
  Image(const Image&) = default;
  Image& operator=(const Image& other);
  Image(Image&& other) noexcept;
  Image& operator=(Image&& other) noexcept;

  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }
  PixelFormat format() const noexcept { return format_; }
  int channels() const noexcept { return pixel_format_channels(format_); }
  bool empty() const noexcept { return pixels_.empty(); }
  std::uint8_t* data() noexcept { return pixels_.data(); }
  const std::uint8_t* data() const noexcept { return pixels_.data(); }
  std::size_t size_bytes() const noexcept { return pixels_.size(); }
  ImageView view() const noexcept {
    return ImageView{pixels_.data(), width_, height_, static_cast<std::ptrdiff_t>(width_) * channels(), format_};
  }

 private:
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::kRgb;
  std::vector<std::uint8_t> pixels_;
};

// Copies a view into an owned image.
Image copy_image(const ImageView& view);

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kBmp, kTiff, kPnm };
std::string_view image_format_name(ImageFormat format) noexcept;

// What the header declares, read without decoding any pixels.
struct ImageInfo {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;
  int height = 0;
};

// Reads the format and declared size from the first bytes. Throws Error(kDecode) naming `name`
// when the format is not recognised or the header is truncated or declares a zero size.
ImageInfo probe_image(std::span<const std::uint8_t> bytes, std::string_view name);

struct DecodeOptions {
  // Caps, checked before the file is read / the pixel buffer is allocated.
  std::uint64_t max_input_bytes = std::uint64_t{64} << 20;  // 64 MiB
  std::uint64_t max_pixels = 100'000'000;                   // 100 megapixels (declared size)
  // Rotate/flip by the EXIF Orientation tag (JPEG only). Off by default: Meta's PDQ reference
  // ignores EXIF orientation, and hashes are only worth sharing if computed the same way.
  bool apply_exif_orientation = false;
  // Reduced-scale JPEG decoding through libjpeg's DCT scaling: 1 (full size, the default), 2, 4
  // or 8. Much faster for large photos, but the pixels differ, so hashes differ (see docs/hash.md).
  int jpeg_scale_denom = 1;
  // When > 0, overrides jpeg_scale_denom: the largest denominator (<= 8) whose scaled image keeps
  // both sides >= this many pixels. Non-JPEG inputs are decoded at full size either way.
  int jpeg_auto_min_side = 0;

  void validate() const;  // throws Error(kInvalidArgument)
};

// Decodes to 3-channel RGB (greyscale and palette images are expanded, alpha is dropped without
// compositing, CMYK is converted), as OpenCV's IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION does.
Image decode_image_bytes(std::span<const std::uint8_t> bytes, std::string_view name,
                         const DecodeOptions& options = {});
Image decode_image_file(const std::string& path, const DecodeOptions& options = {});

// Reads a whole file, refusing it (kLimitExceeded) when larger than max_bytes; kIo when unreadable.
std::vector<std::uint8_t> read_file_bytes(const std::string& path, std::uint64_t max_bytes);

// The EXIF Orientation tag (1..8) of a JPEG's APP1 segment; 1 when absent or unreadable.
int exif_orientation(std::span<const std::uint8_t> bytes);

// Encodes pixels (for tests, evaluations and thumbnails): JPEG and WebP take `quality` 1..100
// (WebP 101 = lossless); the others ignore it. Throws kInvalidArgument for kUnknown or a bad view.
std::vector<std::uint8_t> encode_image(const ImageView& image, ImageFormat format, int quality = 90);

// Applies an EXIF orientation (1..8) so the result is upright. Throws kInvalidArgument otherwise.
Image apply_orientation(const ImageView& image, int orientation);

}  // namespace saring
