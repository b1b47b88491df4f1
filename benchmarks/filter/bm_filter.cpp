// End-to-end filter throughput with precomputed photo hashes (PDQ): a window of W retained
// reports spread over Jakarta and 30 days, then new reports submitted against it (a quarter of
// them re-uploads of a retained photo nearby). Sizes sweep W; the 2-thread runs share one filter.
//
//   build/benchmarks/bm_filter --benchmark_filter='BM_FilterSubmit' --benchmark_min_time=2s
// With 2 threads, items_per_second is over wall time (both threads' reports): the throughput of
// one shared filter, where evaluation runs in parallel and commits take turns.
// BM_FilterSubmitWithPhotos adds the real per-photo work above hashing (ORB geometric check
// against candidates whose PDQ does not match) on the demo photos; compare with
// BM_FilterPhotoFeatures (hashing alone). BM_FilterOrbExtract / BM_FilterOrbMatch time the two
// steps of the geometric check.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <deque>
#include <tuple>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "saring/core/time.hpp"
#include "saring/filter/demo.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/similarity.hpp"

namespace {

constexpr std::int64_t kT0 = 1790000000;  // 2026-09-21
const char* const kCategories[] = {"jalan_rusak", "sampah", "banjir", "pohon_tumbang", "lampu_jalan", "parkir_liar"};

saring::Hash256 random_hash(std::mt19937_64& g) { return saring::Hash256({g(), g(), g(), g()}); }

struct Window {
  std::unique_ptr<saring::Filter> filter;
  std::vector<std::pair<saring::Hash256, std::pair<double, double>>> photos;  // hash, place of retained reports
  std::int64_t end_time = 0;
  double interval = 0;                        // seconds between reports while the window was built
  std::atomic<std::uint64_t> submitted{0};   // timed submits so far: they continue that stream
  std::atomic<std::uint64_t> passes{0};      // passes over prepared reports, by any thread or run
  std::uint64_t memory_bytes = 0;  // the filter's own estimate (stats().memory_bytes)
  double rss_bytes = 0;            // growth of the resident set while the window was built
};

double rss_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long pages = 0, resident = 0;
  const int n = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return n == 2 ? static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) : 0.0;
}

saring::Report make(std::uint64_t n, std::int64_t time, double lat, double lon, std::mt19937_64& g) {
  saring::Report r;
  r.id = "r" + std::to_string(n);
  r.reporter = "u" + std::to_string(g() % 200000);
  r.time.unix = time;
  r.time.offset_minutes = 420;
  r.lat = lat;
  r.lon = lon;
  r.category = kCategories[g() % 6];
  r.text = std::string("laporan ") + r.category + " nomor " + std::to_string(g() % 1000) + " mohon ditindak";
  return r;
}

// Windows are built once per size and shared by the benchmarks (and threads) that use them.
Window& window(std::size_t size, bool geotag = true) {
  static std::mutex mu;
  static std::map<std::pair<std::size_t, bool>, Window> windows;
  std::lock_guard lock(mu);
  Window& w = windows[{size, geotag}];
  if (w.filter) return w;
  saring::FilterOptions o;
  o.journal.sync = "none";
  o.geotag.enabled = geotag;
  o.duplicate.geometric_check = false;  // hashes only: the photos are not on disk
  const double rss_before = rss_bytes();
  w.filter = std::make_unique<saring::Filter>(o);
  std::mt19937_64 g(size);
  std::uniform_real_distribution<double> lat(-6.37, -6.09), lon(106.69, 106.97);
  const std::int64_t span = 30 * 86400;
  for (std::size_t i = 0; i < size; ++i) {
    const std::int64_t t = kT0 + static_cast<std::int64_t>(i) * span / static_cast<std::int64_t>(size);
    saring::Report r = make(i, t, lat(g), lon(g), g);
    const saring::Hash256 h = random_hash(g);
    saring::ReportFeatures f;
    f.photos.push_back({"", h, 100});
    w.filter->submit(r, f);
    if (i % 64 == 0) w.photos.push_back({h, {r.lat, r.lon}});
    w.end_time = t;
  }
  w.interval = static_cast<double>(span) / static_cast<double>(size);
  w.memory_bytes = w.filter->stats().memory_bytes;
  w.rss_bytes = rss_bytes() - rss_before;
  return w;
}

std::atomic<std::uint64_t> next_id{1ull << 40};

void submit_loop(benchmark::State& state, bool geotag) {
  Window& w = window(static_cast<std::size_t>(state.range(0)), geotag);
  std::mt19937_64 g(1234 + state.thread_index());
  std::uniform_real_distribution<double> lat(-6.37, -6.09), lon(106.69, 106.97);
  // Prepared outside the timed loop: the benchmark measures the filter, not report building. The
  // timed reports continue the window's stream: each is later than the last by the window's mean
  // interval (so the oldest reports expire as in steady state), and each pass over the prepared
  // reports moves the fresh ones to new places, so a pass does not repeat the previous one's
  // incidents (which made almost every submit a duplicate of a report sent moments before).
  constexpr std::size_t kPrepared = 4096;
  std::vector<std::pair<saring::Report, saring::ReportFeatures>> batch;
  std::vector<bool> reupload;
  for (std::size_t i = 0; i < kPrepared; ++i) {
    saring::Report r;
    saring::ReportFeatures f;
    reupload.push_back(i % 4 == 0);
    if (reupload.back()) {  // a re-upload of a retained photo, 30 m away
      const auto& [h, place] = w.photos[g() % w.photos.size()];
      r = make(0, w.end_time, place.first + 0.0003, place.second, g);
      saring::Hash256 near = h;
      near.set_bit(3, !near.bit(3));
      f.photos.push_back({"", near, 100});
    } else {
      r = make(0, w.end_time, lat(g), lon(g), g);
      f.photos.push_back({"", random_hash(g), 100});
    }
    batch.emplace_back(std::move(r), std::move(f));
  }
  std::vector<std::pair<double, double>> base;
  for (const auto& [r, f] : batch) base.emplace_back(r.lat, r.lon);
  const auto wrap = [](double v, double lo, double hi) { return v < hi ? v : v - (hi - lo); };
  // Photos a re-upload can copy: the window's (every 64th report, oldest first) that have not
  // expired yet, and every 64th fresh report this loop submitted, dropped once expired too.
  std::deque<std::tuple<std::int64_t, saring::Hash256, double, double>> mine;
  const std::int64_t span = static_cast<std::int64_t>(w.interval * static_cast<double>(state.range(0)));
  std::uint64_t k = 0;
  std::uint64_t duplicates = 0;
  // stats() walks every retained report (its memory estimate): only where the share can be > 0.
  const std::uint64_t reevaluated_before = state.threads() > 1 ? w.filter->stats().reevaluated : 0;
  std::uint64_t pass = 0;
  for (auto _ : state) {
    const std::size_t i = k % kPrepared;
    // Numbered per window across threads and runs, so no pass repeats another's places.
    if (i == 0) pass = w.passes.fetch_add(1);
    ++k;
    auto& [r, f] = batch[i];
    const std::uint64_t seq = w.submitted.fetch_add(1);
    r.time.unix = w.end_time + static_cast<std::int64_t>(static_cast<double>(seq + 1) * w.interval);
    const std::int64_t oldest = r.time.unix - span;
    if (reupload[i]) {
      while (!mine.empty() && std::get<0>(mine.front()) < oldest) mine.pop_front();
      const std::size_t cut = std::min(w.photos.size(), static_cast<std::size_t>(static_cast<double>(seq) * w.interval /
                                                                                  static_cast<double>(span) *
                                                                                  static_cast<double>(w.photos.size())));
      const std::size_t total = (w.photos.size() - cut) + mine.size();
      if (total > 0) {
        const std::size_t j = g() % total;
        saring::Hash256 h;
        if (j < w.photos.size() - cut) {
          const auto& [ph, place] = w.photos[cut + j];
          h = ph;
          r.lat = place.first + 0.0003;
          r.lon = place.second;
        } else {
          const auto& [t, ph, la, lo] = mine[j - (w.photos.size() - cut)];
          h = ph;
          r.lat = la + 0.0003;
          r.lon = lo;
        }
        h.set_bit(3, !h.bit(3));
        f.photos[0].pdq = h;
      }
    } else {
      if (pass > 0) {  // golden-ratio shifts: every pass lands somewhere new
        const double a = std::fmod(static_cast<double>(pass) * 0.6180339887498949, 1.0);
        const double b = std::fmod(static_cast<double>(pass) * 0.7548776662466927, 1.0);
        r.lat = wrap(base[i].first + a * 0.28, -6.37, -6.09);
        r.lon = wrap(base[i].second + b * 0.28, 106.69, 106.97);
        f.photos[0].pdq = random_hash(g);
      }
      if (k % 64 == 0) mine.emplace_back(r.time.unix, *f.photos[0].pdq, r.lat, r.lon);
    }
    r.id = "n" + std::to_string(next_id.fetch_add(1));
    const saring::Verdict v = w.filter->submit(r, f);
    duplicates += v.decision == saring::Decision::kDuplicate;
  }
  state.SetItemsProcessed(state.iterations());
  // Share of the timed submits judged duplicates (a quarter are photo re-uploads next to a retained
  // report; the rest land at random places in a window of this density).
  state.counters["duplicate_share"] = benchmark::Counter(
      static_cast<double>(duplicates) / static_cast<double>(std::max<std::uint64_t>(state.iterations(), 1)),
      benchmark::Counter::kAvgThreads);
  // Share of commits that judged again under the writer lock because a commit since their
  // evaluation touched what it read (over all threads' submits; with one thread it is always 0
  // and not reported).
  if (state.thread_index() == 0 && state.threads() > 1) {
    state.counters["reevaluated_share"] = benchmark::Counter(
        static_cast<double>(w.filter->stats().reevaluated - reevaluated_before) /
        static_cast<double>(std::max<std::uint64_t>(state.iterations() * static_cast<std::uint64_t>(state.threads()), 1)));
  }
  state.counters["window"] = benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kAvgThreads);
  state.counters["rss_per_report"] =
      benchmark::Counter(w.rss_bytes / static_cast<double>(state.range(0)), benchmark::Counter::kAvgThreads);
  state.counters["bytes_per_report"] =
      benchmark::Counter(static_cast<double>(w.memory_bytes) / static_cast<double>(state.range(0)), benchmark::Counter::kAvgThreads);
}
void BM_FilterSubmit(benchmark::State& state) { submit_loop(state, true); }
// The same without the geo module's checks: how much of the cost is point-in-polygon and EXIF.
void BM_FilterSubmitNoGeotag(benchmark::State& state) { submit_loop(state, false); }
BENCHMARK(BM_FilterSubmitNoGeotag)->Arg(10000)->Arg(100000)->Arg(1000000)->Threads(1)->Threads(2)->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FilterSubmit)->Arg(10000)->Arg(100000)->Arg(1000000)->Threads(1)->Threads(2)->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

namespace {

// With photos: the demo reports that carry photos, judged end to end (decode + PDQ + dihedral +
// EXIF in compute_features, then candidates, ORB geometric check, photo index, geotag, commit),
// against hashing alone. The filter's cost above hashing is (submit - features) / features.
std::vector<saring::Report> demo_photo_reports() {
  std::vector<saring::Report> out;
  for (auto& r : saring::load_demo_reports(saring::find_demo_dir())) {
    if (!r.photos.empty()) out.push_back(std::move(r));
  }
  return out;
}

void BM_FilterPhotoFeatures(benchmark::State& state) {
  const auto reports = demo_photo_reports();
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(saring::compute_features(reports[k++ % reports.size()]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FilterPhotoFeatures)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FilterSubmitWithPhotos(benchmark::State& state) {
  const auto reports = demo_photo_reports();
  saring::FilterOptions o;
  o.journal.sync = "none";
  std::unique_ptr<saring::Filter> filter;
  std::size_t k = 0;
  std::uint64_t extractions = 0, matches = 0;
  const auto tally = [&] {
    if (!filter) return;
    extractions += filter->stats().orb_extractions;
    matches += filter->stats().geometric_matches;
  };
  for (auto _ : state) {
    if (k % reports.size() == 0) {  // a fresh filter per pass, so every pass sees the same candidates
      state.PauseTiming();
      tally();
      filter = std::make_unique<saring::Filter>(o);
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(filter->submit(reports[k++ % reports.size()]));
  }
  tally();
  state.SetItemsProcessed(state.iterations());
  // Per report: how often the geometric check had to extract ORB features and match a pair.
  const double n = static_cast<double>(state.iterations());
  state.counters["orb_extractions"] = benchmark::Counter(static_cast<double>(extractions) / n);
  state.counters["geometric_matches"] = benchmark::Counter(static_cast<double>(matches) / n);
}
BENCHMARK(BM_FilterSubmitWithPhotos)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

namespace {

// The geometric check's two steps on demo photos: ORB extraction (read, decode, grey, ORB) and
// matching one pair (ratio test + RANSAC), at the filter's default options.
std::vector<std::string> demo_photo_paths() {
  std::vector<std::string> out;
  for (const auto& r : demo_photo_reports()) {
    for (const auto& p : r.photos) out.push_back(p);
  }
  return out;
}

void BM_FilterOrbExtract(benchmark::State& state) {
  const auto paths = demo_photo_paths();
  saring::GeometricOptions g;
  g.max_side = static_cast<int>(state.range(0));
  g.max_features = static_cast<int>(state.range(1));
  std::size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(saring::orb_features(paths[k++ % paths.size()], g));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FilterOrbExtract)->Args({640, 500})->Args({481, 300})->Args({481, 200})->Args({320, 300})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FilterOrbMatch(benchmark::State& state) {
  const auto paths = demo_photo_paths();
  saring::GeometricOptions g;
  g.max_side = static_cast<int>(state.range(0));
  g.max_features = static_cast<int>(state.range(1));
  std::vector<saring::OrbFeatures> f;
  for (std::size_t i = 0; i < 16 && i < paths.size(); ++i) f.push_back(saring::orb_features(paths[i], g));
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(saring::geometric_match(f[k % f.size()], f[(k * 7 + 3) % f.size()], g));
    ++k;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FilterOrbMatch)->Args({640, 500})->Args({481, 300})->Args({481, 200})->Args({320, 300})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
