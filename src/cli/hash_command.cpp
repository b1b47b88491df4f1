// `saring hash [--json] PATH...`: PDQ, pHash and dHash of images; PDQ per sampled frame of videos.
// One line per input; an input that cannot be hashed gets an error line and exit status 1 after
// the rest are hashed.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "context.hpp"
#include "media_kind.hpp"
#include "saring/core/error.hpp"
#include "saring/hash/image_hashes.hpp"
#include "saring/hash/video_hash.hpp"

namespace saring::cli {
namespace {

struct HashArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool exif_orientation = false;
  bool fast = false;
  int scale_denom = 1;
  bool dihedral = false;
  double video_interval = 1.0;
  int video_max_frames = 600;
  double video_max_duration = VideoOptions{}.max_duration_seconds;
  std::uint64_t video_max_bytes = VideoOptions{}.max_input_bytes;
  std::optional<std::uint64_t> video_max_frame_pixels;  // unset: --max-pixels, as before the option existed
  std::uint64_t max_bytes = DecodeOptions{}.max_input_bytes;
  std::uint64_t max_pixels = DecodeOptions{}.max_pixels;
};

VideoOptions video_options(const HashArgs& args, const DecodeOptions& decode) {
  VideoOptions vo;
  vo.interval_seconds = args.video_interval;
  vo.max_frames = args.video_max_frames;
  vo.max_frame_pixels = args.video_max_frame_pixels.value_or(decode.max_pixels);
  vo.max_duration_seconds = args.video_max_duration;
  vo.max_input_bytes = args.video_max_bytes;
  return vo;
}

nlohmann::ordered_json hash_one(const std::string& path, const HashArgs& args, const DecodeOptions& decode) {
  nlohmann::ordered_json out;
  out["path"] = path;
  const auto head = head_of(path);
  if (!is_image_magic(head) && looks_like_video(head)) {
    const VideoOptions vo = video_options(args, decode);
    nlohmann::ordered_json frames = nlohmann::ordered_json::array();
    bool first = true;
    sample_video_frames(path, vo, [&](const VideoFrame& f) {
      if (first) {
        const ImageHashes h = hash_image(f.image.view());
        out["pdq"] = h.pdq.hash.hex();
        out["pdq_quality"] = h.pdq.quality;
        out["phash"] = h.phash.hex();
        out["dhash"] = h.dhash.hex();
        first = false;
      }
      const PdqHash p = pdq_hash(f.image.view());
      frames.push_back({{"time", f.time_seconds}, {"pdq", p.hash.hex()}, {"quality", p.quality}});
    });
    out["frames"] = std::move(frames);
    return out;
  }
  const Image img = decode_image_file(path, decode);
  const ImageHashes h = hash_image(img.view());
  out["pdq"] = h.pdq.hash.hex();
  out["pdq_quality"] = h.pdq.quality;
  out["phash"] = h.phash.hex();
  out["dhash"] = h.dhash.hex();
  if (args.dihedral) {
    const PdqDihedralHashes v = pdq_hash_dihedral(img.view());
    nlohmann::ordered_json d = nlohmann::ordered_json::object();
    for (int i = 0; i < 8; ++i) d[std::string(dihedral_name(static_cast<Dihedral>(i)))] = v.hashes[i].hex();
    out["pdq_dihedral"] = std::move(d);
  }
  return out;
}

std::string plain_line(const nlohmann::ordered_json& j) {
  const std::string path = j["path"].get<std::string>();
  if (j.contains("error")) return path + "\terror: " + j["error"].get<std::string>();
  std::string line = path + "\t" + j["pdq"].get<std::string>() + "\t" + std::to_string(j["pdq_quality"].get<int>()) +
                     "\t" + j["phash"].get<std::string>() + "\t" + j["dhash"].get<std::string>();
  if (j.contains("frames")) line += "\tvideo frames=" + std::to_string(j["frames"].size());
  return line;
}

int run(const HashArgs& args) {
  DecodeOptions decode;
  decode.apply_exif_orientation = args.exif_orientation;
  decode.jpeg_scale_denom = args.scale_denom;
  if (args.fast) decode.jpeg_auto_min_side = 256;
  decode.max_input_bytes = args.max_bytes;
  decode.max_pixels = args.max_pixels;
  decode.validate();
  video_options(args, decode).validate();  // a bad cap is a usage error (exit 2), not a per-file one
  int status = 0;
  for (const std::string& path : args.paths) {
    nlohmann::ordered_json j;
    try {
      j = hash_one(path, args, decode);
    } catch (const Error& e) {
      j = {{"path", path}, {"error", e.what()}, {"code", std::string(error_code_name(e.code()))}};
      status = 1;
    } catch (const std::exception& e) {
      j = {{"path", path}, {"error", e.what()}, {"code", "internal"}};
      status = 1;
    }
    std::cout << (args.json ? j.dump() : plain_line(j)) << "\n";
  }
  std::cout.flush();
  return status;
}

}  // namespace

void register_hash_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<HashArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hash", "PDQ, pHash and dHash of images (PDQ per sampled frame for videos); one line per input");
  cmd->add_option("paths", args->paths, "image or video files")->required();
  cmd->add_flag("--json", args->json,
                "one JSON object per line: path, pdq, pdq_quality, phash, dhash (videos add frames)");
  cmd->add_flag("--exif-orientation", args->exif_orientation,
                "rotate JPEGs upright by their EXIF orientation first (not the PDQ reference's behaviour)");
  cmd->add_flag("--fast", args->fast,
                "decode large JPEGs at reduced scale (largest of 1/2..1/8 keeping both sides >= 256 px); "
                "hashes differ slightly from the reference");
  cmd->add_option("--scale", args->scale_denom, "decode JPEGs at 1/N scale (1, 2, 4, 8)")->check(CLI::IsMember({1, 2, 4, 8}));
  cmd->add_flag("--dihedral", args->dihedral, "also print PDQ of the 8 rotations/mirrors (JSON only)");
  cmd->add_option("--video-interval", args->video_interval, "seconds between sampled video frames")->check(CLI::PositiveNumber);
  cmd->add_option("--video-max-frames", args->video_max_frames, "at most this many frames per video")->check(CLI::PositiveNumber);
  cmd->add_option("--video-max-duration", args->video_max_duration, "stop reading a video beyond this many seconds")
      ->capture_default_str();
  cmd->add_option("--video-max-bytes", args->video_max_bytes, "refuse video files larger than this")->capture_default_str();
  cmd->add_option("--video-max-frame-pixels", args->video_max_frame_pixels,
                  "refuse videos whose frames declare more pixels than this (default: --max-pixels)");
  cmd->add_option("--max-bytes", args->max_bytes, "refuse image files larger than this");
  cmd->add_option("--max-pixels", args->max_pixels, "refuse images declaring more pixels than this");
  cmd->callback([args, &ctx] { run_guarded(ctx, "hash", [args] { return run(*args); }); });
}

}  // namespace saring::cli
