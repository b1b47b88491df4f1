// `saring video compare QUERY TARGET...`: photo-to-video and video-to-video similarity by the
// fraction of sampled frames that match (VideoMatchRule: PDQ distance <= 31 between frames of
// quality >= 50). QUERY is a photo or a video, told apart by content as `saring hash` does; each
// TARGET is a video. One JSON line per target; a target that cannot be read gets an error line
// ({"target","error","code"}) and exit status 1 after the rest; an unreadable QUERY is fatal (2).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "context.hpp"
#include "media_kind.hpp"
#include "saring/core/error.hpp"
#include "saring/hash/pdq.hpp"
#include "saring/hash/video_hash.hpp"

namespace saring::cli {
namespace {

struct VideoArgs {
  std::string query;
  std::vector<std::string> targets;
  VideoOptions video;
  VideoMatchRule rule;
  std::uint64_t max_bytes = DecodeOptions{}.max_input_bytes;   // photo query caps
  std::uint64_t max_pixels = DecodeOptions{}.max_pixels;
  bool frames = false;
};

std::size_t usable(const std::vector<VideoFrameHash>& v, int min_quality) {
  std::size_t n = 0;
  for (const VideoFrameHash& f : v) n += f.quality >= min_quality ? 1 : 0;
  return n;
}

nlohmann::ordered_json frames_json(const std::vector<VideoFrameHash>& v) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const VideoFrameHash& f : v) out.push_back({{"time", f.time_seconds}, {"pdq", f.hash.hex()}, {"quality", f.quality}});
  return out;
}

// The target must be a video: an image there is a mistake worth naming, not a 0.
std::vector<VideoFrameHash> hash_target(const std::string& path, const VideoOptions& o) {
  if (is_image_magic(head_of(path))) {
    throw Error(ErrorCode::kInvalidArgument, path + ": is an image; a TARGET must be a video (a photo goes first, as QUERY)");
  }
  return hash_video_file(path, o);
}

int run(const VideoArgs& a) {
  a.video.validate();
  if (a.rule.max_distance < 0 || a.rule.max_distance > 256) {
    throw Error(ErrorCode::kInvalidArgument, "--max-distance must be in 0..256");
  }
  if (a.rule.min_quality < 0 || a.rule.min_quality > 100) {
    throw Error(ErrorCode::kInvalidArgument, "--min-quality must be in 0..100");
  }
  DecodeOptions decode;
  decode.max_input_bytes = a.max_bytes;
  decode.max_pixels = a.max_pixels;
  decode.validate();

  // The query, hashed once. Failing here leaves nothing to compare: fatal.
  const bool query_is_video = is_video_file(a.query);
  std::vector<VideoFrameHash> query_frames;
  PdqHash photo;
  if (query_is_video) {
    query_frames = hash_video_file(a.query, a.video);
  } else {
    photo = pdq_hash_file(a.query, decode);
  }

  int status = 0;
  for (const std::string& target : a.targets) {
    nlohmann::ordered_json j;
    j["query"] = a.query;
    j["target"] = target;
    j["query_kind"] = query_is_video ? "video" : "photo";
    try {
      const std::vector<VideoFrameHash> t = hash_target(target, a.video);
      if (query_is_video) {
        const VideoSimilarity s = video_similarity(query_frames, t, a.rule);
        j["query_frames"] = query_frames.size();
        j["query_usable_frames"] = usable(query_frames, a.rule.min_quality);
        j["target_frames"] = t.size();
        j["target_usable_frames"] = usable(t, a.rule.min_quality);
        j["query_matched"] = s.query_matched;
        j["target_matched"] = s.target_matched;
      } else {
        j["query_pdq"] = photo.hash.hex();
        j["query_quality"] = photo.quality;
        j["target_frames"] = t.size();
        j["target_usable_frames"] = usable(t, a.rule.min_quality);
        j["similarity"] = photo_video_similarity(photo, t, a.rule);
      }
      if (a.frames) {
        if (query_is_video) j["query_frame_hashes"] = frames_json(query_frames);
        j["target_frame_hashes"] = frames_json(t);
      }
    } catch (const Error& e) {
      j = {{"query", a.query}, {"target", target}, {"error", e.what()}, {"code", std::string(error_code_name(e.code()))}};
      status = 1;
    }
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
  return status;
}

}  // namespace

void register_video_command(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<VideoArgs>();
  CLI::App* video = app.add_subcommand("video", "Video evidence: photo-to-video and video-to-video similarity");
  video->require_subcommand(1);
  CLI::App* cmd = video->add_subcommand(
      "compare",
      "Fraction of sampled frames that match (PDQ): QUERY photo or video against each TARGET video; one JSON line per "
      "target (photo: similarity; video: query_matched, target_matched)");
  cmd->add_option("QUERY", a->query, "Photo or video (told apart by content)")->required();
  cmd->add_option("TARGET", a->targets, "Videos to compare QUERY with")->required();
  cmd->add_option("--max-distance", a->rule.max_distance, "PDQ distance at or below which two frames match")
      ->capture_default_str();
  cmd->add_option("--min-quality", a->rule.min_quality, "Frames (and a photo) below this PDQ quality are ignored")
      ->capture_default_str();
  cmd->add_option("--interval", a->video.interval_seconds, "Seconds between sampled video frames")->capture_default_str();
  cmd->add_option("--max-frames", a->video.max_frames, "At most this many frames per video")->capture_default_str();
  cmd->add_option("--max-duration", a->video.max_duration_seconds, "Stop reading a video beyond this many seconds")
      ->capture_default_str();
  cmd->add_option("--video-max-bytes", a->video.max_input_bytes, "Refuse video files larger than this")->capture_default_str();
  cmd->add_option("--video-max-frame-pixels", a->video.max_frame_pixels, "Refuse videos whose frames declare more pixels")
      ->capture_default_str();
  cmd->add_option("--max-bytes", a->max_bytes, "Refuse a photo QUERY larger than this")->capture_default_str();
  cmd->add_option("--max-pixels", a->max_pixels, "Refuse a photo QUERY declaring more pixels than this")->capture_default_str();
  cmd->add_flag("--frames", a->frames, "Also list every sampled frame's time, PDQ and quality");
  cmd->callback([a, &ctx] { run_guarded(ctx, "video compare", [a] { return run(*a); }); });
}

}  // namespace saring::cli
