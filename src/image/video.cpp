#include "saring/image/video.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "image/video_internal.hpp"
#include "saring/core/error.hpp"

namespace saring {

void VideoOptions::validate() const {
  if (!(interval_seconds > 0.0) || !std::isfinite(interval_seconds)) {
    throw Error(ErrorCode::kInvalidArgument, "VideoOptions: interval_seconds must be > 0");
  }
  if (max_frames <= 0) throw Error(ErrorCode::kInvalidArgument, "VideoOptions: max_frames must be > 0");
  if (!(max_duration_seconds > 0.0)) throw Error(ErrorCode::kInvalidArgument, "VideoOptions: max_duration_seconds must be > 0");
  if (max_input_bytes == 0 || max_frame_pixels == 0) {
    throw Error(ErrorCode::kInvalidArgument, "VideoOptions: caps must be > 0");
  }
}

bool looks_like_video(std::span<const std::uint8_t> b) noexcept {
  auto at = [&](std::size_t off, const char* magic, std::size_t n) {
    return b.size() >= off + n && std::memcmp(b.data() + off, magic, n) == 0;
  };
  return at(4, "ftyp", 4) ||                         // MP4, MOV, 3GP
         at(0, "\x1a\x45\xdf\xa3", 4) ||             // Matroska, WebM
         (at(0, "RIFF", 4) && at(8, "AVI ", 4)) ||   // AVI
         (b.size() >= 189 && b[0] == 0x47 && b[188] == 0x47) ||  // MPEG transport stream
         at(0, "\x00\x00\x01\xba", 4) ||             // MPEG program stream
         at(0, "FLV", 3) || at(0, "OggS", 4);
}

int sample_video_frames(const std::string& path, const VideoOptions& options,
                        const std::function<void(const VideoFrame&)>& on_frame) {
  options.validate();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error(ErrorCode::kIo, path + ": no such file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::kIo, path + ": cannot determine its size");
  if (size > options.max_input_bytes) {
    throw Error(ErrorCode::kLimitExceeded, path + ": " + std::to_string(size) + " bytes exceeds the video cap of " +
                                               std::to_string(options.max_input_bytes));
  }
  cv::VideoCapture cap;
  try {
    // FFmpeg only: the other backends OpenCV would try (GStreamer, camera drivers) are not for
    // files, print noise and leak (libusb device lists) when probing a non-video.
    cap.open(path, cv::CAP_FFMPEG);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kDecode, path + ": cannot open as video: " + e.what());
  }
  if (!cap.isOpened()) throw Error(ErrorCode::kDecode, path + ": not a video OpenCV can open");
  const double w = cap.get(cv::CAP_PROP_FRAME_WIDTH), h = cap.get(cv::CAP_PROP_FRAME_HEIGHT);
  if (w * h > static_cast<double>(options.max_frame_pixels)) {
    throw Error(ErrorCode::kLimitExceeded, path + ": frame size " + std::to_string(static_cast<long>(w)) + "x" +
                                               std::to_string(static_cast<long>(h)) + " exceeds the cap of " +
                                               std::to_string(options.max_frame_pixels) + " pixels");
  }
  const double fps = cap.get(cv::CAP_PROP_FPS);
  int sampled = 0;
  long index = 0;
  double next = 0.0;
  cv::Mat bgr;
  try {
    while (sampled < options.max_frames && cap.grab()) {
      // Frame time from the frame rate when known (container timestamps can be missing).
      const double t = fps > 0.0 && std::isfinite(fps) ? static_cast<double>(index) / fps
                                                        : cap.get(cv::CAP_PROP_POS_MSEC) / 1000.0;
      ++index;
      if (t > options.max_duration_seconds) break;
      if (t + 1e-9 < next) continue;
      if (!cap.retrieve(bgr) || bgr.empty()) continue;
      if (bgr.type() != CV_8UC3) continue;
      VideoFrame frame;
      frame.time_seconds = t;
      frame.image = Image(bgr.cols, bgr.rows, PixelFormat::kRgb);
      cv::Mat dst(bgr.rows, bgr.cols, CV_8UC3, frame.image.data());
      cv::cvtColor(bgr, dst, cv::COLOR_BGR2RGB);
      on_frame(frame);
      ++sampled;
      while (next <= t + 1e-9) next += options.interval_seconds;
    }
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kDecode, path + ": video decoding failed: " + e.what());
  }
  if (sampled == 0) throw Error(ErrorCode::kDecode, path + ": no decodable video frame");
  return sampled;
}

namespace detail {

void write_video(const std::string& path, const std::vector<Image>& frames, double fps, const std::string& fourcc) {
  if (frames.empty() || fourcc.size() != 4) throw Error(ErrorCode::kInvalidArgument, "write_video: no frames or bad fourcc");
  cv::VideoWriter writer(path, cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]), fps,
                         cv::Size(frames[0].width(), frames[0].height()));
  if (!writer.isOpened()) throw Error(ErrorCode::kUnsupported, path + ": cannot write " + fourcc + " video");
  cv::Mat bgr;
  for (const Image& f : frames) {
    const ImageView v = f.view();
    cv::Mat m(v.height, v.width, v.channels() == 1 ? CV_8UC1 : CV_8UC3, const_cast<std::uint8_t*>(v.data));
    if (v.format == PixelFormat::kRgb) cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
    else if (v.format == PixelFormat::kGray) cv::cvtColor(m, bgr, cv::COLOR_GRAY2BGR);
    else bgr = m;
    writer.write(bgr);
  }
}

}  // namespace detail
}  // namespace saring
