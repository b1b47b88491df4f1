#include "saring/hash/image_hashes.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "saring/core/error.hpp"

namespace saring {
namespace {

cv::Mat wrap(const ImageView& v) {
  v.validate();
  return cv::Mat(v.height, v.width, v.channels() == 1 ? CV_8UC1 : CV_8UC3, const_cast<std::uint8_t*>(v.data),
                 static_cast<std::size_t>(v.row_stride()));
}

cv::Mat to_gray(const cv::Mat& m, PixelFormat format) {
  if (format == PixelFormat::kGray) return m;
  cv::Mat gray;
  cv::cvtColor(m, gray, format == PixelFormat::kBgr ? cv::COLOR_BGR2GRAY : cv::COLOR_RGB2GRAY);
  return gray;
}

}  // namespace

Hash64 phash(const ImageView& image) {
  const cv::Mat m = wrap(image);
  // OpenCV's order: resize the colour image first, then convert to grey.
  cv::Mat small;
  cv::resize(m, small, cv::Size(32, 32), 0, 0, cv::INTER_LINEAR_EXACT);
  cv::Mat gray = to_gray(small, image.format), f, dct;
  gray.convertTo(f, CV_32F);
  cv::dct(f, dct);
  cv::Mat low = dct(cv::Rect(0, 0, 8, 8)).clone();
  low.at<float>(0, 0) = 0.0f;
  const float mean = static_cast<float>(cv::mean(low)[0]);
  std::uint64_t bits = 0;
  for (int i = 0; i < 64; ++i) {
    if (low.at<float>(i / 8, i % 8) > mean) bits |= std::uint64_t{1} << (56 - 8 * (i / 8) + (i % 8));
  }
  return Hash64(bits);
}

Hash64 dhash(const ImageView& image) {
  const cv::Mat gray = to_gray(wrap(image), image.format);
  cv::Mat small;
  cv::resize(gray, small, cv::Size(9, 8), 0, 0, cv::INTER_AREA);
  std::uint64_t bits = 0;
  for (int r = 0; r < 8; ++r) {
    for (int c = 0; c < 8; ++c) {
      bits <<= 1;
      if (small.at<std::uint8_t>(r, c + 1) > small.at<std::uint8_t>(r, c)) bits |= 1;
    }
  }
  return Hash64(bits);
}

ImageHashes hash_image(const ImageView& image) {
  ImageHashes h;
  h.pdq = pdq_hash(image);
  h.phash = phash(image);
  h.dhash = dhash(image);
  h.width = image.width;
  h.height = image.height;
  return h;
}

ImageHashes hash_image_file(const std::string& path, const DecodeOptions& options) {
  return hash_image(decode_image_file(path, options).view());
}

ImageHashes hash_image_bytes(std::span<const std::uint8_t> bytes, std::string_view name,
                             const DecodeOptions& options) {
  return hash_image(decode_image_bytes(bytes, name, options).view());
}

}  // namespace saring
