// Test and evaluation support: writes frames to a video file with OpenCV's VideoWriter (so tests
// need not link OpenCV themselves).
#pragma once

#include <string>
#include <vector>

#include "saring/image/image.hpp"

namespace saring::detail {

// fourcc like "MJPG"; throws Error(kUnsupported) when the backend cannot write it.
void write_video(const std::string& path, const std::vector<Image>& frames, double fps, const std::string& fourcc);

}  // namespace saring::detail
