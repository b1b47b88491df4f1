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
// window: 7 days), untimed, from precomputed hashes. Timed, per report and side by side in process
// CPU time: compute_features(report) (hashing alone: hashing_ms) and Filter::submit(report)
// (hashing again plus everything else: submit_ms); above_hashing = (submit - hashing) / hashing.
// geometric_checks_per_report counts the pairs matched; orb_extractions_per_report the photos
// whose ORB features were extracted. BM_FilterDemoPhotosPaired does the same on the demo's 100
// photo reports (a fresh filter per pass, as BM_FilterSubmitWithPhotos).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
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
std::unique_ptr<Stream> make_stream(int per_day, bool geometric);

constexpr std::int64_t kT0 = 1790000000;
const char* const kCategories[] = {"jalan_rusak", "sampah", "banjir", "pohon_tumbang", "lampu_jalan", "parkir_liar"};
constexpr std::size_t kTimed = 1500;  // timed reports per run (each with a photo path of its own)

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
Stream* stream(int per_day, bool geometric = true) {
  static std::map<std::pair<int, bool>, std::unique_ptr<Stream>> streams;
  auto& s = streams[{per_day, geometric}];
  if (!s) s = make_stream(per_day, geometric);
  return s.get();
}

std::unique_ptr<Stream> make_stream(int per_day, bool geometric) {
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
  o.duplicate.geometric_check = geometric;
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

// Process CPU time (OpenCV may run part of ORB on its worker threads): on a shared machine the
// wall time of two separate benchmarks drifts with the load; these pairs are measured side by side.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

// Per report, side by side: hashing alone (compute_features) and the whole Filter::submit(report)
// (which hashes again, then judges and commits). above_hashing = (submit - hashing) / hashing.
struct Paired {
  double hashing_ms = 0, submit_ms = 0;
  void report(benchmark::State& state) const {
    const double n = static_cast<double>(state.iterations());
    state.counters["hashing_ms"] = hashing_ms / n;
    state.counters["submit_ms"] = submit_ms / n;
    state.counters["above_hashing"] = (submit_ms - hashing_ms) / hashing_ms;
  }
};

saring::Verdict paired_submit(saring::Filter& filter, const saring::Report& r, Paired& p) {
  const double t0 = cpu_ms();
  benchmark::DoNotOptimize(saring::compute_features(r));
  const double t1 = cpu_ms();
  saring::Verdict v = filter.submit(r);
  p.hashing_ms += t1 - t0;
  p.submit_ms += cpu_ms() - t1;
  return v;
}

// range(1) = 0: the same without the geometric check (what the rest of the filter costs).
void BM_FilterPhotoStreamSubmit(benchmark::State& state) {
  Stream* s = stream(static_cast<int>(state.range(0)), state.range(1) != 0);
  std::size_t k = 0;
  std::uint64_t duplicates = 0;
  Paired p;
  for (auto _ : state) {
    const saring::Verdict v = paired_submit(*s->filter, s->timed[k++ % s->timed.size()], p);
    duplicates += v.decision == saring::Decision::kDuplicate;
  }
  const auto st = s->filter->stats();
  const double n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  p.report(state);
  state.counters["orb_extractions_per_report"] = static_cast<double>(st.orb_extractions - s->extractions_before) / n;
  state.counters["geometric_checks_per_report"] = static_cast<double>(st.geometric_matches - s->matches_before) / n;
  state.counters["duplicate_share"] = static_cast<double>(duplicates) / n;
}

// Reports per day over the box (all with a photo): 1,000 and 5,000. At 5,000 a report has ~0.4
// candidates of a related category within 150 m and 7 days; at 1,000, ~0.08.
BENCHMARK(BM_FilterPhotoStreamSubmit)->Args({1000, 1})->Args({1000, 0})->Args({5000, 1})->Args({5000, 0})->Iterations(kTimed)->Unit(benchmark::kMillisecond)->UseRealTime();

// The demo's 100 photo reports as BM_FilterSubmitWithPhotos (bm_filter) judges them (a fresh filter
// per pass), with hashing and submit measured side by side.
void BM_FilterDemoPhotosPaired(benchmark::State& state) {
  std::vector<saring::Report> reports;
  for (auto& r : saring::load_demo_reports(saring::find_demo_dir())) {
    if (!r.photos.empty()) reports.push_back(std::move(r));
  }
  saring::FilterOptions o;
  o.journal.sync = "none";
  o.duplicate.geometric_check = state.range(0) != 0;
  std::unique_ptr<saring::Filter> filter;
  std::uint64_t extractions = 0, matches = 0;
  Paired p;
  std::size_t k = 0;
  for (auto _ : state) {
    if (k % reports.size() == 0) {
      if (filter) {
        extractions += filter->stats().orb_extractions;
        matches += filter->stats().geometric_matches;
      }
      filter = std::make_unique<saring::Filter>(o);
    }
    paired_submit(*filter, reports[k++ % reports.size()], p);
  }
  extractions += filter->stats().orb_extractions;
  matches += filter->stats().geometric_matches;
  const double n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  p.report(state);
  state.counters["orb_extractions_per_report"] = static_cast<double>(extractions) / n;
  state.counters["geometric_checks_per_report"] = static_cast<double>(matches) / n;
}
BENCHMARK(BM_FilterDemoPhotosPaired)->Arg(1)->Arg(0)->Iterations(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
