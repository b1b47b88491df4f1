// The filter's cost above photo hashing on a stream where photo reports are spread over Jakarta at
// a given daily rate, next to BM_FilterSubmitWithPhotos (bm_filter), whose demo stream plants
// neighbours around every photo report and so needs a geometric check for ~40% of them.
//
//   build/benchmarks/bm_filter_photos
//
// Every report carries one real photo (a demo photo under a path of its own, so the ORB cache
// never sees a photo twice by accident: each report's photo is new, as in a real stream), a random
// place in the benchmark box of bm_filter (0.28 x 0.28 degrees, ~960 km2), one of six categories
// and its own text. The window is filled with the 7 days before the timed reports (duplicate
// window: 7 days), untimed, from precomputed hashes. Timed: Filter::submit(report) (hashing plus
// everything else) against compute_features(report) (hashing alone) on the same reports; the
// cost above hashing is (submit - features) / features. geometric_checks_per_report counts the
// pairs matched; orb_extractions_per_report the photos whose ORB features were extracted.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "saring/filter/demo.hpp"
#include "saring/filter/filter.hpp"

namespace {

struct Stream;
std::unique_ptr<Stream> make_stream(int per_day);

constexpr std::int64_t kT0 = 1790000000;
const char* const kCategories[] = {"jalan_rusak", "sampah", "banjir", "pohon_tumbang", "lampu_jalan", "parkir_liar"};
constexpr std::size_t kTimed = 600;  // timed reports per run (each with a photo path of its own)

struct Stream {
  std::string dir;                    // symlinks, one per report
  std::unique_ptr<saring::Filter> filter;
  std::vector<saring::Report> timed;  // submitted in order after the window
  std::uint64_t extractions_before = 0, matches_before = 0;
  ~Stream() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

std::vector<std::string> demo_photos() {
  std::vector<std::string> out;
  const std::string dir = saring::find_demo_dir() + "/photos";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".jpg") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Built once per rate and shared: the features benchmark leaves it as it is, the submit benchmark
// (run after it) commits the timed reports.
Stream* stream(int per_day) {
  static std::map<int, std::unique_ptr<Stream>> streams;
  auto& s = streams[per_day];
  if (!s) s = make_stream(per_day);
  return s.get();
}

std::unique_ptr<Stream> make_stream(int per_day) {
  auto s = std::make_unique<Stream>();
  char tmpl[] = "/tmp/saring_bm_photos_XXXXXX";
  if (!mkdtemp(tmpl)) return nullptr;
  s->dir = tmpl;
  const auto photos = demo_photos();
  // Hashes once per demo photo; the window's reports reuse them under their own paths.
  std::map<std::string, saring::PhotoFeatures> hashed;
  for (const auto& p : photos) {
    saring::Report r;
    r.photos = {p};
    hashed[p] = saring::compute_features(r).photos.at(0);
  }
  saring::FilterOptions o;
  o.journal.sync = "none";
  s->filter = std::make_unique<saring::Filter>(o);
  std::mt19937_64 g(per_day);
  std::uniform_real_distribution<double> lat(-6.37, -6.09), lon(106.69, 106.97);
  const double interval = 86400.0 / per_day;
  const std::size_t window = static_cast<std::size_t>(7 * per_day);
  for (std::size_t i = 0; i < window + kTimed; ++i) {
    saring::Report r;
    r.id = "s" + std::to_string(i);
    r.reporter = "u" + std::to_string(g() % 100000);
    r.time.unix = kT0 + static_cast<std::int64_t>(static_cast<double>(i) * interval);
    r.time.offset_minutes = 420;
    r.lat = lat(g);
    r.lon = lon(g);
    r.category = kCategories[g() % 6];
    r.text = "laporan " + r.category + " nomor " + std::to_string(g() % 100000) + " mohon ditindak";
    const std::string& photo = photos[g() % photos.size()];
    const std::string link = s->dir + "/" + std::to_string(i) + ".jpg";
    std::filesystem::create_symlink(photo, link);
    r.photos = {link};
    if (i < window) {
      saring::ReportFeatures f;
      f.photos.push_back(hashed[photo]);
      f.photos.back().path = link;
      s->filter->submit(r, f);
    } else {
      s->timed.push_back(std::move(r));
    }
  }
  s->extractions_before = s->filter->stats().orb_extractions;
  s->matches_before = s->filter->stats().geometric_matches;
  return s;
}

void BM_FilterPhotoStreamFeatures(benchmark::State& state) {
  Stream* s = stream(static_cast<int>(state.range(0)));
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(saring::compute_features(s->timed[k++ % s->timed.size()]));
  state.SetItemsProcessed(state.iterations());
}

void BM_FilterPhotoStreamSubmit(benchmark::State& state) {
  Stream* s = stream(static_cast<int>(state.range(0)));
  std::size_t k = 0;
  std::uint64_t duplicates = 0;
  for (auto _ : state) {
    const saring::Verdict v = s->filter->submit(s->timed[k++ % s->timed.size()]);
    duplicates += v.decision == saring::Decision::kDuplicate;
  }
  const auto st = s->filter->stats();
  const double n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["orb_extractions_per_report"] = static_cast<double>(st.orb_extractions - s->extractions_before) / n;
  state.counters["geometric_checks_per_report"] = static_cast<double>(st.geometric_matches - s->matches_before) / n;
  state.counters["duplicate_share"] = static_cast<double>(duplicates) / n;
}

// Reports per day over the box (all with a photo): 1,000 and 5,000. At 5,000 a report has ~0.4
// candidates of a related category within 150 m and 7 days; at 1,000, ~0.08.
BENCHMARK(BM_FilterPhotoStreamFeatures)->Arg(1000)->Arg(5000)->Iterations(kTimed)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FilterPhotoStreamSubmit)->Arg(1000)->Arg(5000)->Iterations(kTimed)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
