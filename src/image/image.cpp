#include "saring/image/image.hpp"

#include <cstring>
#include <libexif/exif-data.h>
#include <memory>
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

Image::Image(int width, int height, PixelFormat format) : width_(width), height_(height), format_(format) {
  if (width < 0 || height < 0) throw Error(ErrorCode::kInvalidArgument, "Image: negative size");
  pixels_.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                 static_cast<std::size_t>(pixel_format_channels(format)));
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
