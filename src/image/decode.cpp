// Decoding: libjpeg directly for JPEG (full or reduced scale; CMYK JPEGs go to OpenCV), OpenCV's
// imdecode for the other formats; both reproduce Meta's PDQ reference bit for bit (docs/hash.md).
// Both run only after probe_image() has checked the declared size against the caps.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <system_error>
#include <filesystem>

// jpeglib.h needs FILE and size_t declared first.
#include <jerror.h>
#include <jpeglib.h>

#include "saring/core/error.hpp"
#include "saring/image/image.hpp"
#include "image/decode_internal.hpp"

namespace saring {
namespace {

using Bytes = std::span<const std::uint8_t>;

// Offset of the first start-of-scan marker's segment, walking segments by their lengths (so an
// EXIF thumbnail's own markers inside APP1 are skipped); npos when there is none.
std::size_t jpeg_first_scan(Bytes b) {
  std::size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return std::string::npos;
    while (i < b.size() && b[i] == 0xFF) ++i;
    if (i >= b.size()) break;
    const std::uint8_t marker = b[i++];
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;
    if (marker == 0xDA) return i;
    if (i + 2 > b.size()) break;
    i += (std::size_t{b[i]} << 8) | b[i + 1];
  }
  return std::string::npos;
}

// libjpeg (and OpenCV on top of it) fills a truncated JPEG with grey and reports success; a
// complete one has an end-of-image marker after its scans (entropy-coded data cannot contain
// FF D9, bytes 0xFF there are stuffed).
void check_jpeg_complete(Bytes b, std::string_view name) {
  const std::size_t scan = jpeg_first_scan(b);
  if (scan == std::string::npos) {
    throw Error(ErrorCode::kDecode, std::string(name) + ": JPEG has no image data (truncated?)");
  }
  for (std::size_t i = b.size() - 1; i > scan; --i) {
    if (b[i] == 0xD9 && b[i - 1] == 0xFF) return;
  }
  throw Error(ErrorCode::kDecode, std::string(name) + ": truncated JPEG (no end-of-image marker)");
}

Image from_bgr_mat(const cv::Mat& m) {
  Image out(m.cols, m.rows, PixelFormat::kRgb);
  cv::Mat dst(m.rows, m.cols, CV_8UC3, out.data());
  cv::cvtColor(m, dst, cv::COLOR_BGR2RGB);
  return out;
}

Image decode_with_opencv(Bytes b, std::string_view name, const ImageInfo& info) {
  cv::Mat encoded(1, static_cast<int>(b.size()), CV_8U, const_cast<std::uint8_t*>(b.data()));
  cv::Mat bgr;
  try {
    bgr = cv::imdecode(encoded, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kDecode, std::string(name) + ": cannot decode " +
                                        std::string(image_format_name(info.format)) + ": " + e.what());
  }
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    throw Error(ErrorCode::kDecode, std::string(name) + ": cannot decode " +
                                        std::string(image_format_name(info.format)) +
                                        " data (corrupt or truncated)");
  }
  if (bgr.cols != info.width || bgr.rows != info.height) {
    throw Error(ErrorCode::kDecode, std::string(name) + ": decoded size " + std::to_string(bgr.cols) + "x" +
                                        std::to_string(bgr.rows) + " differs from the header's " +
                                        std::to_string(info.width) + "x" + std::to_string(info.height));
  }
  return from_bgr_mat(bgr);
}

// --- libjpeg at reduced scale -------------------------------------------------------------

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool premature_end;
};

void jpeg_on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void jpeg_on_message(j_common_ptr cinfo, int level) {
  // Warnings are not printed; running out of data is remembered and turned into an error.
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    reinterpret_cast<JpegError*>(cinfo->err)->premature_end = true;
  }
}

struct JpegDecoder {
  jpeg_decompress_struct cinfo;
  JpegError err;
};

// Both steps are plain C-style functions: nothing with a destructor lives across setjmp.
bool jpeg_begin(JpegDecoder& d, const std::uint8_t* data, std::size_t size, int denom) {
  if (setjmp(d.err.jump)) return false;
  jpeg_mem_src(&d.cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&d.cinfo, TRUE);
  if (d.cinfo.jpeg_color_space == JCS_CMYK || d.cinfo.jpeg_color_space == JCS_YCCK) {
    std::snprintf(d.err.message, sizeof d.err.message, "cmyk");
    return false;
  }
  d.cinfo.scale_num = 1;
  d.cinfo.scale_denom = static_cast<unsigned>(denom);
  d.cinfo.out_color_space = JCS_RGB;
  d.cinfo.dct_method = JDCT_ISLOW;
  d.cinfo.do_fancy_upsampling = TRUE;
  jpeg_calc_output_dimensions(&d.cinfo);
  return true;
}

bool jpeg_read_pixels(JpegDecoder& d, std::uint8_t* out, std::size_t stride) {
  if (setjmp(d.err.jump)) return false;
  jpeg_start_decompress(&d.cinfo);
  while (d.cinfo.output_scanline < d.cinfo.output_height) {
    JSAMPROW row = out + static_cast<std::size_t>(d.cinfo.output_scanline) * stride;
    jpeg_read_scanlines(&d.cinfo, &row, 1);
  }
  jpeg_finish_decompress(&d.cinfo);
  return true;
}

int choose_denom(const ImageInfo& info, const DecodeOptions& o) {  // see decode_internal.hpp
  if (o.jpeg_auto_min_side <= 0) return o.jpeg_scale_denom;
  const int min_side = std::min(info.width, info.height);
  for (int d = 8; d > 1; d /= 2) {
    if ((min_side + d - 1) / d >= o.jpeg_auto_min_side) return d;
  }
  return 1;
}

// Returns an empty image when the JPEG needs the OpenCV path (CMYK/YCCK, which OpenCV converts).
Image decode_jpeg_scaled(Bytes b, std::string_view name, int denom) {
  JpegDecoder d{};
  d.cinfo.err = jpeg_std_error(&d.err.mgr);
  d.err.mgr.error_exit = jpeg_on_error;
  d.err.mgr.emit_message = jpeg_on_message;
  jpeg_create_decompress(&d.cinfo);
  Image out;
  std::string failure;
  if (!jpeg_begin(d, b.data(), b.size(), denom)) {
    failure = d.err.message;
  } else {
    out = Image(static_cast<int>(d.cinfo.output_width), static_cast<int>(d.cinfo.output_height), PixelFormat::kRgb);
    if (!jpeg_read_pixels(d, out.data(), static_cast<std::size_t>(out.width()) * 3)) failure = d.err.message;
  }
  const bool premature = d.err.premature_end;
  jpeg_destroy_decompress(&d.cinfo);
  if (failure == "cmyk") return Image();
  if (!failure.empty()) throw Error(ErrorCode::kDecode, std::string(name) + ": cannot decode JPEG: " + failure);
  if (premature) throw Error(ErrorCode::kDecode, std::string(name) + ": truncated JPEG (data ends early)");
  return out;
}

}  // namespace

void DecodeOptions::validate() const {
  if (max_input_bytes == 0) throw Error(ErrorCode::kInvalidArgument, "DecodeOptions: max_input_bytes must be > 0");
  if (max_pixels == 0) throw Error(ErrorCode::kInvalidArgument, "DecodeOptions: max_pixels must be > 0");
  if (jpeg_scale_denom != 1 && jpeg_scale_denom != 2 && jpeg_scale_denom != 4 && jpeg_scale_denom != 8) {
    throw Error(ErrorCode::kInvalidArgument, "DecodeOptions: jpeg_scale_denom must be 1, 2, 4 or 8, got " +
                                                 std::to_string(jpeg_scale_denom));
  }
  if (jpeg_auto_min_side < 0) {
    throw Error(ErrorCode::kInvalidArgument, "DecodeOptions: jpeg_auto_min_side must be >= 0");
  }
}

Image decode_image_bytes(std::span<const std::uint8_t> bytes, std::string_view name, const DecodeOptions& options) {
  options.validate();
  if (bytes.size() > options.max_input_bytes) {
    throw Error(ErrorCode::kLimitExceeded, std::string(name) + ": " + std::to_string(bytes.size()) +
                                               " bytes exceeds the input cap of " +
                                               std::to_string(options.max_input_bytes));
  }
  const ImageInfo info = probe_image(bytes, name);
  const std::uint64_t pixels = std::uint64_t(info.width) * std::uint64_t(info.height);
  if (pixels > options.max_pixels) {
    throw Error(ErrorCode::kLimitExceeded,
                std::string(name) + ": declared size " + std::to_string(info.width) + "x" +
                    std::to_string(info.height) + " (" + std::to_string(pixels) + " pixels) exceeds the cap of " +
                    std::to_string(options.max_pixels) + " pixels");
  }
  Image image;
  if (info.format == ImageFormat::kJpeg) {
    check_jpeg_complete(bytes, name);
    // libjpeg directly, with OpenCV's settings (integer IDCT, fancy upsampling), gives the same
    // pixels as cv::imdecode at full size, without its extra buffer clearing and copies.
    image = decode_jpeg_scaled(bytes, name, choose_denom(info, options));
  }
  if (image.empty()) image = decode_with_opencv(bytes, name, info);
  if (options.apply_exif_orientation && info.format == ImageFormat::kJpeg) {
    const int orientation = exif_orientation(bytes);
    if (orientation != 1) image = apply_orientation(image.view(), orientation);
  }
  return image;
}

std::vector<std::uint8_t> encode_image(const ImageView& image, ImageFormat format, int quality) {
  image.validate();
  cv::Mat src(image.height, image.width, image.channels() == 1 ? CV_8UC1 : CV_8UC3,
              const_cast<std::uint8_t*>(image.data), static_cast<std::size_t>(image.row_stride()));
  cv::Mat bgr;
  if (image.format == PixelFormat::kRgb) cv::cvtColor(src, bgr, cv::COLOR_RGB2BGR);
  else bgr = src;
  std::vector<int> params;
  const char* ext = nullptr;
  switch (format) {
    case ImageFormat::kJpeg: ext = ".jpg"; params = {cv::IMWRITE_JPEG_QUALITY, std::clamp(quality, 1, 100)}; break;
    case ImageFormat::kPng: ext = ".png"; break;
    case ImageFormat::kWebp: ext = ".webp"; params = {cv::IMWRITE_WEBP_QUALITY, std::clamp(quality, 1, 101)}; break;
    case ImageFormat::kBmp: ext = ".bmp"; break;
    case ImageFormat::kTiff: ext = ".tiff"; break;
    case ImageFormat::kPnm: ext = image.channels() == 1 ? ".pgm" : ".ppm"; break;
    case ImageFormat::kUnknown: throw Error(ErrorCode::kInvalidArgument, "encode_image: no format given");
  }
  std::vector<std::uint8_t> out;
  try {
    if (!cv::imencode(ext, bgr, out, params)) throw Error(ErrorCode::kInternal, std::string("encode_image: ") + ext + " encoder failed");
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kUnsupported, std::string("encode_image: ") + e.what());
  }
  return out;
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path, std::uint64_t max_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw Error(ErrorCode::kIo, path + ": no such file");
  if (std::filesystem::is_directory(status)) throw Error(ErrorCode::kIo, path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(ErrorCode::kIo, path + ": cannot determine its size");
  if (static_cast<std::uint64_t>(size) > max_bytes) {
    throw Error(ErrorCode::kLimitExceeded, path + ": " + std::to_string(size) + " bytes exceeds the input cap of " +
                                               std::to_string(max_bytes));
  }
  in.seekg(0, std::ios::beg);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw Error(ErrorCode::kIo, path + ": read failed");
  }
  return bytes;
}

Image decode_image_file(const std::string& path, const DecodeOptions& options) {
  options.validate();
  const std::vector<std::uint8_t> bytes = read_file_bytes(path, options.max_input_bytes);
  return decode_image_bytes(bytes, path, options);
}

namespace detail {
int jpeg_scale_denominator(const ImageInfo& info, const DecodeOptions& options) { return choose_denom(info, options); }
}  // namespace detail

}  // namespace saring
