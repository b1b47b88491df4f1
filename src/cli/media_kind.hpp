// Telling a photo from a video by its first bytes, as `saring hash` and `saring video` do.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "saring/core/error.hpp"
#include "saring/image/image.hpp"
#include "saring/image/video.hpp"

namespace saring::cli {

// The first 256 bytes of a file (fewer if shorter or unreadable: the decoder then names the fault).
inline std::vector<std::uint8_t> head_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> head(256);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

inline bool is_image_magic(const std::vector<std::uint8_t>& h) {
  try {
    probe_image(h, "");
    return true;
  } catch (const Error& e) {
    // A recognised format whose header is longer than our peek still counts as an image.
    return std::string(e.what()).find("not a recognised image format") == std::string::npos &&
           std::string(e.what()).find("empty input") == std::string::npos;
  }
}

// True when the file should go to the video sampler rather than the image decoder.
inline bool is_video_file(const std::string& path) {
  const auto head = head_of(path);
  return !is_image_magic(head) && looks_like_video(head);
}

}  // namespace saring::cli
