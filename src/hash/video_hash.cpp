#include "saring/hash/video_hash.hpp"

namespace saring {
namespace {

std::vector<const VideoFrameHash*> usable(const std::vector<VideoFrameHash>& frames, int min_quality) {
  std::vector<const VideoFrameHash*> out;
  for (const auto& f : frames) {
    if (f.quality >= min_quality) out.push_back(&f);
  }
  return out;
}

double matched_fraction(const std::vector<const VideoFrameHash*>& from, const std::vector<const VideoFrameHash*>& in,
                        int max_distance) {
  if (from.empty() || in.empty()) return 0.0;
  std::size_t hits = 0;
  for (const auto* f : from) {
    for (const auto* g : in) {
      if (f->hash.distance(g->hash) <= max_distance) {
        ++hits;
        break;
      }
    }
  }
  return static_cast<double>(hits) / static_cast<double>(from.size());
}

}  // namespace

std::vector<VideoFrameHash> hash_video_file(const std::string& path, const VideoOptions& options) {
  std::vector<VideoFrameHash> out;
  sample_video_frames(path, options, [&](const VideoFrame& f) {
    const PdqHash h = pdq_hash(f.image.view());
    out.push_back(VideoFrameHash{f.time_seconds, h.hash, h.quality});
  });
  return out;
}

double photo_video_similarity(const PdqHash& photo, const std::vector<VideoFrameHash>& video, const VideoMatchRule& rule) {
  if (photo.quality < rule.min_quality) return 0.0;
  const VideoFrameHash p{0.0, photo.hash, photo.quality};
  return matched_fraction(usable(video, rule.min_quality), {&p}, rule.max_distance);
}

VideoSimilarity video_similarity(const std::vector<VideoFrameHash>& a, const std::vector<VideoFrameHash>& b,
                                 const VideoMatchRule& rule) {
  const auto ua = usable(a, rule.min_quality), ub = usable(b, rule.min_quality);
  return VideoSimilarity{matched_fraction(ua, ub, rule.max_distance), matched_fraction(ub, ua, rule.max_distance)};
}

}  // namespace saring
