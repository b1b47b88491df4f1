#include "saring/image/image.hpp"

#include <cstring>
#include <libexif/exif-data.h>
#include <memory>
#include <vector>
#include <opencv2/core.hpp>

#include "saring/core/error.hpp"

namespace saring {

int pixel_format_channels(PixelFormat format) noexcept { return format == PixelFormat::kGray ? 1 : 3; }

void ImageView::validate() const {
  if (width <= 0 || height <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "image view: empty or negative size " + std::to_string(width) + "x" +
                                                 std::to_string(height));
  }
  if (data == nullptr) throw Error(ErrorCode::kInvalidArgument, "image view: null pixel pointer");
  if (stride != 0 && stride < static_cast<std::ptrdiff_t>(width) * channels()) {
    throw Error(ErrorCode::kInvalidArgument, "image view: stride " + std::to_string(stride) +
                                                 " bytes is shorter than a row of " + std::to_string(width) +
                                                 " pixels");
  }
}

namespace {

// The thread's spare pixel buffer (see Image). Buffers under kSpareMin come cheaply from the heap
// anyway; over kSpareMax the memory held would outweigh the faults saved.
constexpr std::size_t kSpareMin = std::size_t{1} << 20;
constexpr std::size_t kSpareMax = std::size_t{64} << 20;
// Set when the thread's spare is destroyed at thread exit: Images destroyed after that (by other
// thread_local destructors) free their memory normally. A plain bool has no destructor, so it can
// still be read then.
thread_local bool t_spare_gone = false;
struct Spare {
  std::vector<std::uint8_t> buffer;
  ~Spare() { t_spare_gone = true; }
};
thread_local Spare t_spare;

void recycle(std::vector<std::uint8_t>& pixels) noexcept {
  const std::size_t cap = pixels.capacity();
  if (t_spare_gone || cap < kSpareMin || cap > kSpareMax || cap <= t_spare.buffer.capacity()) return;
  pixels.clear();
  t_spare.buffer.swap(pixels);  // the smaller old spare, if any, is freed with `pixels`
}

}  // namespace

Image::Image(int width, int height, PixelFormat format) : width_(width), height_(height), format_(format) {
  if (width < 0 || height < 0) throw Error(ErrorCode::kInvalidArgument, "Image: negative size");
  const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                        static_cast<std::size_t>(pixel_format_channels(format));
  if (n >= kSpareMin && !t_spare_gone && t_spare.buffer.capacity() >= n) pixels_.swap(t_spare.buffer);
  pixels_.resize(n);  // zeroes all n bytes: a recycled buffer comes back empty
}

Image::~Image() { recycle(pixels_); }

Image& Image::operator=(const Image& other) {
  if (this != &other) {
    width_ = other.width_;
    height_ = other.height_;
    format_ = other.format_;
    pixels_ = other.pixels_;
  }
  return *this;
}

Image::Image(Image&& other) noexcept
    : width_(other.width_), height_(other.height_), format_(other.format_), pixels_(std::move(other.pixels_)) {
  other.pixels_.clear();
  other.width_ = other.height_ = 0;
}

Image& Image::operator=(Image&& other) noexcept {
  if (this != &other) {
    recycle(pixels_);
    width_ = other.width_;
    height_ = other.height_;
    format_ = other.format_;
    pixels_ = std::move(other.pixels_);
    other.pixels_.clear();
    other.width_ = other.height_ = 0;
  }
  return *this;
}

Image copy_image(const ImageView& view) {
  view.validate();
  Image out(view.width, view.height, view.format);
  const std::size_t row_bytes = static_cast<std::size_t>(view.width) * static_cast<std::size_t>(view.channels());
  for (int y = 0; y < view.height; ++y) std::memcpy(out.data() + y * row_bytes, view.row(y), row_bytes);
  return out;
}

int exif_orientation(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 4 || bytes.size() > 0xffffffffu) return 1;
  std::unique_ptr<ExifData, void (*)(ExifData*)> exif(
      exif_data_new_from_data(bytes.data(), static_cast<unsigned int>(bytes.size())), exif_data_unref);
  if (!exif) return 1;
  ExifEntry* entry = exif_content_get_entry(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
  if (entry == nullptr || entry->format != EXIF_FORMAT_SHORT || entry->components < 1 || entry->size < 2) return 1;
  const int value = exif_get_short(entry->data, exif_data_get_byte_order(exif.get()));
  return value >= 1 && value <= 8 ? value : 1;
}

Image apply_orientation(const ImageView& image, int orientation) {
  image.validate();
  if (orientation < 1 || orientation > 8) {
    throw Error(ErrorCode::kInvalidArgument, "apply_orientation: EXIF orientation must be 1..8, got " +
                                                 std::to_string(orientation));
  }
  const int c = image.channels();
  const bool swap = orientation >= 5;  // 5..8 exchange width and height
  Image out(swap ? image.height : image.width, swap ? image.width : image.height, image.format);
  const int ow = out.width(), oh = out.height();
  // For each output pixel (x, y), the source pixel it shows.
  for (int y = 0; y < oh; ++y) {
    std::uint8_t* dst = out.data() + static_cast<std::size_t>(y) * ow * c;
    for (int x = 0; x < ow; ++x) {
      int sx = x, sy = y;
      switch (orientation) {
        case 2: sx = image.width - 1 - x; break;                                  // mirrored
        case 3: sx = image.width - 1 - x; sy = image.height - 1 - y; break;       // 180
        case 4: sy = image.height - 1 - y; break;                                 // flipped
        case 5: sx = y; sy = x; break;                                            // transpose
        case 6: sx = y; sy = image.height - 1 - x; break;                         // 90 clockwise
        case 7: sx = image.width - 1 - y; sy = image.height - 1 - x; break;       // transverse
        case 8: sx = image.width - 1 - y; sy = x; break;                          // 90 counter-clockwise
        default: break;
      }
      std::memcpy(dst + x * c, image.row(sy) + sx * c, static_cast<std::size_t>(c));
    }
  }
  return out;
}

}  // namespace saring
