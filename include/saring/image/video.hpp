// Video frame sampling (OpenCV videoio, FFmpeg backend): one frame per interval, as RGB images,
// for hashing video evidence frame by frame (see saring/hash/video_hash.hpp).
//
//   saring::VideoOptions opts;   // one frame per second, at most 600 frames
//   saring::sample_video_frames("clip.mp4", opts, [](const saring::VideoFrame& f) { ... });
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "saring/image/image.hpp"

namespace saring {

struct VideoOptions {
  double interval_seconds = 1.0;                             // time between sampled frames
  int max_frames = 600;                                      // stop after this many samples
  double max_duration_seconds = 4 * 3600.0;                  // stop reading beyond this time
  std::uint64_t max_input_bytes = std::uint64_t{2} << 30;    // 2 GiB file cap
  std::uint64_t max_frame_pixels = 40'000'000;               // declared frame size cap

  void validate() const;  // throws Error(kInvalidArgument)
};

struct VideoFrame {
  double time_seconds = 0.0;  // presentation time of the frame
  Image image;                // RGB
};

// Calls on_frame for each sampled frame, in time order; returns the number sampled. The first
// frame is always sampled. Throws kIo (missing/unreadable file), kLimitExceeded (caps) or kDecode
// (not a video OpenCV can open, or no decodable frame), naming the path.
int sample_video_frames(const std::string& path, const VideoOptions& options,
                        const std::function<void(const VideoFrame&)>& on_frame);

// True when the first bytes look like a container saring hands to the video decoder (MP4/MOV/3GP
// 'ftyp', Matroska/WebM, AVI, MPEG-TS/PS, FLV, Ogg).
bool looks_like_video(std::span<const std::uint8_t> head) noexcept;

}  // namespace saring
