// Video evidence, vPDQ-style: PDQ of sampled frames with their times, and similarity as the
// fraction of frames that match (distance <= 31 between frames of quality >= 50).
//
//   auto frames = saring::hash_video_file("clip.mp4");          // one frame per second
//   double f = saring::photo_video_similarity(saring::pdq_hash_file("p.jpg"), frames);
#pragma once

#include <string>
#include <vector>

#include "saring/hash/pdq.hpp"
#include "saring/image/video.hpp"

namespace saring {

struct VideoFrameHash {
  double time_seconds = 0.0;
  Hash256 hash;
  int quality = 0;
};

std::vector<VideoFrameHash> hash_video_file(const std::string& path, const VideoOptions& options = {});

struct VideoMatchRule {
  int max_distance = kPdqMatchDistance;  // 31
  int min_quality = kPdqMinQuality;      // 50: frames below are ignored on both sides
};

// Fraction of the video's usable frames that match the photo; 0 when the photo or every frame is
// below min_quality.
double photo_video_similarity(const PdqHash& photo, const std::vector<VideoFrameHash>& video,
                              const VideoMatchRule& rule = {});

struct VideoSimilarity {
  double query_matched = 0.0;   // fraction of a's usable frames with a match in b
  double target_matched = 0.0;  // fraction of b's usable frames with a match in a
};
VideoSimilarity video_similarity(const std::vector<VideoFrameHash>& a, const std::vector<VideoFrameHash>& b,
                                 const VideoMatchRule& rule = {});

}  // namespace saring
