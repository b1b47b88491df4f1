// How far the non-default decode options move PDQ from the reference-compatible default: EXIF
// orientation, and reduced-scale JPEG decoding at 1/2, 1/4, 1/8 (and the --fast automatic choice).
//
//   build/benchmarks/eval_decoder_diff [PHOTO_DIR]     (default ../shared/data/photos/large)
//
// Prints, per photo, the Hamming distance of each option's PDQ to the default's, then the mean
// and maximum per option.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "saring/core/error.hpp"
#include "saring/hash/pdq.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : (fs::path(__FILE__).parent_path() / "../../../shared/data/photos/large").string();
  if (!fs::is_directory(dir)) dir = "/work/shared/data/photos/large";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".jpg" || e.path().extension() == ".jpeg") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  struct Option {
    std::string name;
    saring::DecodeOptions o;
  };
  std::vector<Option> options;
  {
    saring::DecodeOptions o;
    o.apply_exif_orientation = true;
    options.push_back({"exif_orientation", o});
  }
  for (int d : {2, 4, 8}) {
    saring::DecodeOptions o;
    o.jpeg_scale_denom = d;
    options.push_back({"scale_1/" + std::to_string(d), o});
  }
  {
    saring::DecodeOptions o;
    o.jpeg_auto_min_side = 256;
    options.push_back({"fast_auto(min_side=256)", o});
  }
  std::map<std::string, std::vector<int>> dist;
  std::printf("%-50s %8s", "photo", "size");
  for (const auto& op : options) std::printf(" %14s", op.name.c_str());
  std::printf("\n");
  for (const auto& f : files) {
    try {
      const auto bytes = saring::read_file_bytes(f.string(), std::uint64_t{1} << 30);
      const saring::ImageInfo info = saring::probe_image(bytes, f.string());
      const saring::PdqHash base = saring::pdq_hash_bytes(bytes, f.string());
      std::printf("%-50s %4dx%-4d", f.filename().string().c_str(), info.width, info.height);
      for (const auto& op : options) {
        const int d = saring::pdq_hash_bytes(bytes, f.string(), op.o).hash.distance(base.hash);
        dist[op.name].push_back(d);
        std::printf(" %14d", d);
      }
      std::printf("\n");
    } catch (const saring::Error& e) {
      std::printf("%s: %s\n", f.string().c_str(), e.what());
    }
  }
  std::printf("%-60s", "mean / max bits of 256");
  for (const auto& op : options) {
    const auto& v = dist[op.name];
    double mean = 0;
    for (int d : v) mean += d;
    mean = v.empty() ? 0 : mean / static_cast<double>(v.size());
    std::printf(" %7.1f / %-4d", mean, v.empty() ? 0 : *std::max_element(v.begin(), v.end()));
  }
  std::printf("\n");
  return 0;
}
