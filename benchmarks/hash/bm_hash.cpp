// Hashing and decoding speed. The photo comes from argv[1] (after Google Benchmark's flags are
// removed) or SARING_BENCH_PHOTOS (a file or a folder), else ../shared/data/photos/large next to
// the source tree; a folder gives its first 12 MP-class JPEG (Nokia sample if present).
//
//   build/benchmarks/bm_hash --benchmark_min_time=1 [photo-or-folder]
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#if defined(SARING_HAVE_OPENCV_IMG_HASH)
#include <opencv2/img_hash.hpp>
#endif

#include "hash/pdq_internal.hpp"
#include "saring/hash/image_hashes.hpp"
#include "saring/hash/pdq.hpp"

namespace fs = std::filesystem;

namespace {

std::string g_photo_arg;

std::string find_photo() {
  std::vector<std::string> candidates;
  if (!g_photo_arg.empty()) candidates.push_back(g_photo_arg);
  if (const char* env = std::getenv("SARING_BENCH_PHOTOS")) candidates.push_back(env);
  candidates.push_back((fs::path(__FILE__).parent_path() / "../../../shared/data/photos/large").string());
  candidates.push_back("/work/shared/data/photos/large");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return c;
    if (fs::is_directory(c, ec)) {
      const fs::path nokia = fs::path(c) / "exif-samples__HMD_Nokia_8.3_5G.jpg";
      if (fs::exists(nokia)) return nokia.string();
      for (const auto& e : fs::directory_iterator(c)) {
        if (e.path().extension() == ".jpg") return e.path().string();
      }
    }
  }
  std::cerr << "bm_hash: no photo found; pass a JPEG path or set SARING_BENCH_PHOTOS\n";
  std::exit(2);
}

struct Inputs {
  std::string path;
  std::vector<std::uint8_t> jpeg;
  saring::Image full;     // decoded photo (about 4000 px wide)
  saring::Image px1024;   // resized to 1024 px wide
  cv::Mat bgr1024, bgr_full;
};

const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs r;
    r.path = find_photo();
    r.jpeg = saring::read_file_bytes(r.path, std::uint64_t{1} << 30);
    r.full = saring::decode_image_bytes(r.jpeg, r.path);
    cv::Mat full(r.full.height(), r.full.width(), CV_8UC3, r.full.data());
    cv::Mat small;
    const int h = static_cast<int>(std::lround(1024.0 * r.full.height() / r.full.width()));
    cv::resize(full, small, cv::Size(1024, h), 0, 0, cv::INTER_AREA);
    r.px1024 = saring::Image(small.cols, small.rows, saring::PixelFormat::kRgb);
    std::memcpy(r.px1024.data(), small.data, r.px1024.size_bytes());
    cv::cvtColor(small, r.bgr1024, cv::COLOR_RGB2BGR);
    cv::cvtColor(full, r.bgr_full, cv::COLOR_RGB2BGR);
    std::cerr << "bm_hash: photo " << r.path << " " << r.full.width() << "x" << r.full.height() << ", "
              << r.jpeg.size() << " bytes; PDQ kernels: " << saring::detail::pdq_kernels().name << "\n";
    return r;
  }();
  return in;
}

const saring::Image& image_for(int side) { return side <= 1024 ? inputs().px1024 : inputs().full; }

void BM_HashPdq(benchmark::State& state) {
  const saring::Image& img = image_for(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(saring::pdq_hash(img.view()));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(img.width()) + "x" + std::to_string(img.height()));
}
BENCHMARK(BM_HashPdq)->Arg(1024)->Arg(4000)->Unit(benchmark::kMicrosecond);

// The straightforward scalar path, standing in for the reference's cost (same algorithm and
// loop structure as Meta's pdq/cpp).
void BM_HashPdqScalarReference(benchmark::State& state) {
  const saring::Image& img = image_for(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(saring::detail::pdq_hash_reference(img.view()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashPdqScalarReference)->Arg(1024)->Arg(4000)->Unit(benchmark::kMicrosecond);

void BM_HashPdqDihedral(benchmark::State& state) {
  const saring::Image& img = image_for(1024);
  for (auto _ : state) benchmark::DoNotOptimize(saring::pdq_hash_dihedral(img.view()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashPdqDihedral)->Unit(benchmark::kMicrosecond);

void BM_HashPhash(benchmark::State& state) {
  const saring::Image& img = image_for(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(saring::phash(img.view()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashPhash)->Arg(1024)->Arg(4000)->Unit(benchmark::kMicrosecond);

void BM_HashDhash(benchmark::State& state) {
  const saring::Image& img = image_for(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(saring::dhash(img.view()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashDhash)->Arg(1024)->Arg(4000)->Unit(benchmark::kMicrosecond);

#if defined(SARING_HAVE_OPENCV_IMG_HASH)
// Peer: OpenCV's img_hash::PHash on the same pixels (BGR, as OpenCV expects).
void BM_HashPhashOpenCv(benchmark::State& state) {
  const cv::Mat& m = state.range(0) <= 1024 ? inputs().bgr1024 : inputs().bgr_full;
  auto hasher = cv::img_hash::PHash::create();
  cv::Mat out;
  for (auto _ : state) {
    hasher->compute(m, out);
    benchmark::DoNotOptimize(out.data);
  }
  state.SetItemsProcessed(state.iterations());
  // Agreement check, so the peer comparison is apples to apples.
  std::uint64_t bits = 0;
  for (int j = 0; j < 8; ++j) bits = (bits << 8) | out.at<std::uint8_t>(0, j);
  const saring::Image& img = image_for(static_cast<int>(state.range(0)));
  if (bits != saring::phash(img.view()).bits()) state.SkipWithError("saring pHash differs from OpenCV img_hash");
}
BENCHMARK(BM_HashPhashOpenCv)->Arg(1024)->Arg(4000)->Unit(benchmark::kMicrosecond);
#endif

// JPEG decode at full size (OpenCV, the default path) and at 1/2, 1/4, 1/8 (libjpeg DCT scaling).
void BM_ImageDecodeJpeg(benchmark::State& state) {
  saring::DecodeOptions o;
  o.jpeg_scale_denom = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(saring::decode_image_bytes(inputs().jpeg, "bench", o));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("1/" + std::to_string(state.range(0)));
}
BENCHMARK(BM_ImageDecodeJpeg)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);

// File bytes to PDQ: the reference-compatible default, and the fast path at 1/2, 1/4, 1/8.
void BM_HashPdqFromJpeg(benchmark::State& state) {
  saring::DecodeOptions o;
  o.jpeg_scale_denom = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(saring::pdq_hash_bytes(inputs().jpeg, "bench", o));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("1/" + std::to_string(state.range(0)));
}
BENCHMARK(BM_HashPdqFromJpeg)->Arg(1)->Arg(2)->Arg(8)->Unit(benchmark::kMillisecond);

void BM_HashAllFromJpeg(benchmark::State& state) {
  saring::DecodeOptions o;
  o.jpeg_scale_denom = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(saring::hash_image_bytes(inputs().jpeg, "bench", o));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashAllFromJpeg)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_photo_arg = argv[1];
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
