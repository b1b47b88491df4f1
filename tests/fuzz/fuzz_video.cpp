// Video frame sampling (OpenCV's FFmpeg backend behind sample_video_frames): any bytes, written
// to a file as a user's upload would be, give frames or a saring::Error, never a crash, hang or
// other exception. Sampled frames stay within the frame cap and come in time order. The caps are
// small so the fuzzer explores container and codec parsing rather than long decodes.
//
// The seed corpus (tests/fuzz/corpus/video/) is tiny MJPG/AVI, MPEG-4/MP4 and FFV1/MKV clips that
// this file writes itself: SARING_FUZZ_VIDEO_SEEDS=<dir> ./fuzz_video -runs=0 <dir>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "image/video_internal.hpp"
#include "saring/core/error.hpp"
#include "saring/image/video.hpp"

namespace {

std::string g_path;

void write_seeds(const std::string& dir) {
  std::vector<saring::Image> frames;
  for (int f = 0; f < 4; ++f) {
    saring::Image img(32, 24, saring::PixelFormat::kRgb);
    for (int y = 0; y < 24; ++y) {
      for (int x = 0; x < 32; ++x) {
        std::uint8_t* p = img.data() + (y * 32 + x) * 3;
        p[0] = static_cast<std::uint8_t>(x * 8 + f * 40);
        p[1] = static_cast<std::uint8_t>(y * 10);
        p[2] = static_cast<std::uint8_t>((x ^ y) * 8);
      }
    }
    frames.push_back(std::move(img));
  }
  const struct { const char* name; const char* fourcc; } kinds[] = {
      {"mjpg.avi", "MJPG"}, {"mp4v.mp4", "mp4v"}, {"ffv1.mkv", "FFV1"}};
  for (const auto& k : kinds) {
    try {
      saring::detail::write_video(dir + "/" + k.name, frames, 4.0, k.fourcc);
      std::fprintf(stderr, "wrote %s/%s\n", dir.c_str(), k.name);
    } catch (const saring::Error& e) {
      std::fprintf(stderr, "skipped %s: %s\n", k.name, e.what());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // OpenCV logs every input FFmpeg cannot open; that noise slows the fuzzer and buries findings.
  ::setenv("OPENCV_LOG_LEVEL", "OFF", 0);
  ::setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);  // AV_LOG_QUIET
  if (const char* dir = std::getenv("SARING_FUZZ_VIDEO_SEEDS")) write_seeds(dir);
  const auto tmp = std::filesystem::temp_directory_path() / ("saring_fuzz_video_" + std::to_string(::getpid()));
  g_path = tmp.string();
  std::atexit([] { std::remove(g_path.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)saring::looks_like_video(std::span<const std::uint8_t>(data, size));
  {
    std::ofstream out(g_path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  saring::VideoOptions o;
  o.max_frames = 8;
  o.interval_seconds = 0.25;
  o.max_duration_seconds = 60;
  o.max_input_bytes = 1 << 20;
  o.max_frame_pixels = 1 << 20;
  try {
    double last = -1e300;
    saring::sample_video_frames(g_path, o, [&](const saring::VideoFrame& f) {
      const std::uint64_t pixels = std::uint64_t(f.image.width()) * std::uint64_t(f.image.height());
      if (pixels == 0 || pixels > o.max_frame_pixels) __builtin_trap();
      if (!(f.time_seconds >= last)) __builtin_trap();
      last = f.time_seconds;
    });
  } catch (const saring::Error&) {
  }
  return 0;
}
