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
//
// BM_FilterLargePhotoStreamSubmit: the same measurement on full-size phone-camera photos, where
// hashing (decode + PDQ + dihedral variants + EXIF of a 3-20 MP JPEG) costs far more than on the
// demo's 480 px thumbnails, while the geometric check still works on a ~512 px image (the new
// photo's ORB decode is the DCT-scaled one from the bytes hashing read; a stored candidate's is
// the DCT-scaled decode of its file). Data: the JPEGs of $SARING_PHOTO_DIR, by default the first
// shared/data/photos/large found above the repository root (/work/shared/data/photos/large: 8
// photos, 3264x2448 .. 6028x3391; CC-BY-SA and others, so they are read here for measuring only
// and never copied into the repository). Skipped with a message when absent.
//
// Stream recipe (per rate, seeded by the rate; 1,000 and 5,000 photo reports a day over the same
// box, 6 unrelated categories, the 7 days before the timed reports form the window):
//  - 120 timed reports. Each is, by a die roll, "fresh" (85%: a random place, a scene of its own),
//    "other angle" (10%: 10-60 m from an earlier report of the last 2 days, window or timed, same
//    category, a new photo of that report's scene) or "re-upload" (5%: the same, with the very
//    bytes of that report's photo under a new path).
//  - A "scene" is one of the 8 source photos. A photo of a scene is a unique full-resolution
//    variant: a random crop of 70-95% of each side, rotated by up to 5 degrees, scaled by
//    0.95-1.05 and put in perspective by moving each corner up to 3% of the side (a slightly
//    different viewpoint), re-encoded as JPEG at quality 85-92 (no EXIF, as an app upload).
//    Two variants of one scene overlap (a same-scene pair for ORB) but their PDQ hashes differ
//    as two photos' do; a fresh report's scene differs from that of every other report of its
//    category within 500 m (except its own planted followers), so every same-scene pair in the
//    stream is a planted one.
//  - Window reports that can be a timed report's candidate (same category, within 200 m), and
//    the anchors of planted reports, carry such a variant (hashed at set-up, with its real PDQ
//    hash and dihedral variants). The other window reports, beyond every timed report's radius,
//    carry a random PDQ hash (unrelated photos' hashes lie ~128 bits apart) and a path no check
//    ever reads. The window is committed with the geometric check off (its verdicts are not
//    timed and would need thousands of full-size ORB checks at set-up), then the state is reopened
//    with the benchmark's options; only the timed reports run with the check on or off.
//  - Variants are generated once into $SARING_PHOTO_VARIANTS_DIR (default
//    /tmp/saring_bm_photos_large_v1_<hash of the sources' names and sizes>; ~360 MB for both
//    rates, reused by later runs; delete it when done).
// Counters as above, plus planted_found: the share of planted reports (other angle + re-upload)
// judged duplicates. Command:
//
//   build/benchmarks/bm_filter_photos --benchmark_filter=Large
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "saring/core/json.hpp"
#include "saring/filter/demo.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/similarity.hpp"
#include "saring/image/image.hpp"

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

// One report of a stream, the i-th at `interval` seconds apart: a random reporter, place, category
// and text, drawn from g in that order (both streams draw the same way).
saring::Report stream_report(const char* prefix, std::size_t i, double interval, std::mt19937_64& g,
                             std::uniform_real_distribution<double>& lat, std::uniform_real_distribution<double>& lon) {
  saring::Report r;
  r.id = prefix + std::to_string(i);
  r.reporter = "u" + std::to_string(g() % 100000);
  r.time.unix = kT0 + static_cast<std::int64_t>(static_cast<double>(i) * interval);
  r.time.offset_minutes = 420;
  r.lat = lat(g);
  r.lon = lon(g);
  r.category = kCategories[g() % 6];
  r.text = "laporan " + r.category + " nomor " + std::to_string(g() % 100000) + " mohon ditindak";
  return r;
}

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
    saring::Report r = stream_report("s", i, interval, g, lat, lon);
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

// --- Full-size photos (see the header) -----------------------------------------------------------

// $SARING_PHOTO_DIR, else the first <ancestor>/shared/data/photos/large above the repository root.
std::string large_photo_dir() {
  if (const char* env = std::getenv("SARING_PHOTO_DIR")) return env;
  std::error_code ec;
  std::filesystem::path p;
  try {
    p = std::filesystem::absolute(std::filesystem::path(saring::find_demo_dir()).parent_path().parent_path());
  } catch (...) {
    p = std::filesystem::current_path(ec);
  }
  for (; !p.empty(); p = p.parent_path()) {
    const auto candidate = p / "shared" / "data" / "photos" / "large";
    if (std::filesystem::is_directory(candidate, ec)) return candidate.string();
    if (p == p.root_path()) break;
  }
  return "../shared/data/photos/large";
}

std::vector<std::string> large_sources(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto ext = e.path().extension().string();
    if (ext == ".jpg" || ext == ".jpeg" || ext == ".JPG") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Named after the source photos (names and sizes), so another photo directory never reuses them.
std::string variants_dir() {
  if (const char* env = std::getenv("SARING_PHOTO_VARIANTS_DIR")) return env;
  static const std::string dir = [] {
    std::uint64_t h = 1469598103934665603ull;
    std::error_code ec;
    for (const auto& p : large_sources(large_photo_dir())) {
      const std::string key = std::filesystem::path(p).filename().string() + ":" +
                              std::to_string(std::filesystem::file_size(p, ec)) + ";";
      for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return "/tmp/saring_bm_photos_large_v1_" + std::string(hex).substr(0, 8);
  }();
  return dir;
}

// A unique full-resolution photo of scene `source` (see the header), written once under `name` and
// reused by later runs (written to a temporary name first, so a killed run leaves no half file).
std::string make_variant(const std::vector<std::string>& sources, int source, std::uint64_t seed,
                         const std::string& name) {
  const std::string out = variants_dir() + "/" + name;
  std::error_code ec;
  if (std::filesystem::file_size(out, ec) > 0 && !ec) return out;
  static std::map<int, cv::Mat> decoded;  // each source decoded once per process
  cv::Mat& src = decoded[source];
  if (src.empty()) src = cv::imread(sources[source], cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  if (src.empty()) return {};
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> frac(0.70, 0.95), angle(-5.0, 5.0), scale(0.95, 1.05), jitter(-0.03, 0.03);
  const double W = src.cols, H = src.rows;
  const double w = std::floor(W * frac(g)), h = std::floor(H * frac(g));
  std::uniform_real_distribution<double> ux(0, W - w), uy(0, H - h);
  const double x0 = ux(g), y0 = uy(g), cx = x0 + w / 2, cy = y0 + h / 2;
  const double a = angle(g) * M_PI / 180.0, s = scale(g);
  const double ca = std::cos(a) * s, sa = std::sin(a) * s;
  // The crop's corners, turned and scaled about its centre and moved a little each: the part of
  // the scene the new photo shows, as seen from a slightly different place.
  cv::Point2f from[4], to[4];
  const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
  for (int i = 0; i < 4; ++i) {
    from[i] = cv::Point2f(static_cast<float>(cx + ca * dx[i] - sa * dy[i] + jitter(g) * w),
                          static_cast<float>(cy + sa * dx[i] + ca * dy[i] + jitter(g) * h));
    to[i] = cv::Point2f(static_cast<float>(dx[i] + w / 2), static_cast<float>(dy[i] + h / 2));
  }
  cv::Mat warped;
  cv::warpPerspective(src, warped, cv::getPerspectiveTransform(from, to), cv::Size(static_cast<int>(w), static_cast<int>(h)),
                      cv::INTER_LINEAR, cv::BORDER_REFLECT101);
  const int quality = 85 + static_cast<int>(g() % 8);
  std::filesystem::create_directories(variants_dir(), ec);
  const std::string tmp = out + ".tmp" + std::to_string(getpid()) + ".jpg";
  if (!cv::imwrite(tmp, warped, {cv::IMWRITE_JPEG_QUALITY, quality})) return {};
  std::filesystem::rename(tmp, out, ec);
  return ec ? std::string() : out;
}

double metres(double lat1, double lon1, double lat2, double lon2) {
  const double k = 111195.0;  // metres per degree of latitude
  const double x = (lon2 - lon1) * k * std::cos((lat1 + lat2) * 0.5 * M_PI / 180.0), y = (lat2 - lat1) * k;
  return std::sqrt(x * x + y * y);
}

// The reports of one rate, the same for both settings of the geometric check.
struct LargeScenario {
  std::string dir;  // symlinks (one per report) and the window's state
  std::string error;
  std::vector<saring::Report> window, timed;
  std::vector<saring::ReportFeatures> window_features;
  std::vector<int> kind;  // per timed report: 0 fresh, 1 other angle, 2 re-upload
  ~LargeScenario() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

std::unique_ptr<LargeScenario> make_large_scenario(int per_day) {
  auto sc = std::make_unique<LargeScenario>();
  const std::string photo_dir = large_photo_dir();
  const auto sources = large_sources(photo_dir);
  if (sources.size() < 2) {
    sc->error = "no full-size photos in '" + photo_dir + "' (set SARING_PHOTO_DIR to a directory of large JPEGs)";
    return sc;
  }
  char tmpl[] = "/tmp/saring_bm_large_XXXXXX";
  if (!mkdtemp(tmpl)) {
    sc->error = "cannot create a temporary directory";
    return sc;
  }
  sc->dir = tmpl;
  constexpr std::size_t kLargeTimed = 120;
  std::mt19937_64 g(per_day * 7919ull);
  std::uniform_real_distribution<double> lat(-6.37, -6.09), lon(106.69, 106.97), unit(0.0, 1.0);
  const double interval = 86400.0 / per_day;
  const std::size_t window = static_cast<std::size_t>(7 * per_day), total = window + kLargeTimed;
  std::vector<saring::Report> all(total);
  std::vector<int> kind(total, 0);
  std::vector<long> anchor(total, -1);
  for (std::size_t i = 0; i < total; ++i) {
    saring::Report& r = all[i];
    r = stream_report("L", i, interval, g, lat, lon);
    if (i < window) continue;
    const double roll = unit(g);
    if (roll >= 0.15) continue;
    kind[i] = roll < 0.10 ? 1 : 2;
    const std::size_t back = std::min<std::size_t>(i, static_cast<std::size_t>(2 * per_day));
    const std::size_t a = i - 1 - g() % back;
    anchor[i] = static_cast<long>(a);
    r.category = all[a].category;
    const double d = 10.0 + 50.0 * unit(g), bearing = 2 * M_PI * unit(g);
    r.lat = all[a].lat + d * std::cos(bearing) / 111195.0;
    r.lon = all[a].lon + d * std::sin(bearing) / (111195.0 * std::cos(all[a].lat * M_PI / 180.0));
  }
  // Which reports carry a real photo: the timed ones, their anchors, and every window report a
  // timed one could have as a candidate.
  std::vector<char> real(total, 0);
  for (std::size_t i = window; i < total; ++i) {
    real[i] = 1;
    for (long a = anchor[i]; a >= 0; a = anchor[a]) real[a] = 1;
    for (std::size_t j = 0; j < window; ++j) {
      if (all[j].category == all[i].category && metres(all[i].lat, all[i].lon, all[j].lat, all[j].lon) < 200.0) real[j] = 1;
    }
  }
  // Scenes: a planted report shows its anchor's; any other real one a scene no other real report
  // of its category within 500 m shows.
  std::vector<int> scene(total, -1);
  for (std::size_t i = 0; i < total; ++i) {
    if (!real[i]) continue;
    if (anchor[i] >= 0) {
      scene[i] = scene[anchor[i]];
      continue;
    }
    std::vector<char> taken(sources.size(), 0);
    for (std::size_t j = 0; j < i; ++j) {
      if (real[j] && all[j].category == all[i].category && metres(all[i].lat, all[i].lon, all[j].lat, all[j].lon) < 500.0) taken[scene[j]] = 1;
    }
    std::vector<int> free;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      if (!taken[k]) free.push_back(static_cast<int>(k));
    }
    if (free.empty()) {
      sc->error = "too many nearby reports for " + std::to_string(sources.size()) + " scenes";
      return sc;
    }
    scene[i] = free[g() % free.size()];
  }
  // Files: a variant per real report (a re-upload shares its anchor's), each under a path of its own.
  std::vector<std::string> file(total);
  for (std::size_t i = 0; i < total; ++i) {
    if (!real[i]) continue;
    if (kind[i] == 2) {
      file[i] = file[anchor[i]];
    } else {
      const std::string name = "r" + std::to_string(per_day) + "_" + std::to_string(i) + ".jpg";
      file[i] = make_variant(sources, scene[i], per_day * 1000003ull + i, name);
      if (file[i].empty()) {
        sc->error = "cannot write a variant of '" + sources[scene[i]] + "' to " + variants_dir();
        return sc;
      }
    }
    const std::string link = sc->dir + "/" + std::to_string(i) + ".jpg";
    std::filesystem::create_symlink(file[i], link);
    all[i].photos = {link};
  }
  for (std::size_t i = 0; i < window; ++i) {
    saring::ReportFeatures f;
    if (real[i]) {
      f = saring::compute_features(all[i]);
    } else {
      saring::PhotoFeatures p;
      p.path = sc->dir + "/absent/" + std::to_string(i) + ".jpg";
      all[i].photos = {p.path};
      p.pdq = saring::Hash256({g(), g(), g(), g()});
      f.photos.push_back(std::move(p));
    }
    sc->window.push_back(std::move(all[i]));
    sc->window_features.push_back(std::move(f));
  }
  for (std::size_t i = window; i < total; ++i) {
    sc->timed.push_back(std::move(all[i]));
    sc->kind.push_back(kind[i]);
  }
  return sc;
}

LargeScenario* large_scenario(int per_day) {
  static std::map<int, std::unique_ptr<LargeScenario>> scenarios;
  auto& s = scenarios[per_day];
  if (!s) s = make_large_scenario(per_day);
  return s.get();
}

saring::FilterOptions large_options(bool geometric) {
  saring::FilterOptions o;
  o.journal.sync = "none";
  o.journal.snapshot_every = 0;
  o.duplicate.geometric_check = geometric;
  return o;
}

// range(0): photo reports a day; range(1) = 0: without the geometric check.
void BM_FilterLargePhotoStreamSubmit(benchmark::State& state) {
  LargeScenario* sc = large_scenario(static_cast<int>(state.range(0)));
  if (!sc->error.empty()) {
    state.SkipWithError(sc->error.c_str());
    return;
  }
  // The window, committed with the check off into a state of its own, then reopened.
  const std::string state_dir = sc->dir + "/state" + std::to_string(state.range(1));
  std::error_code ec;
  std::filesystem::remove_all(state_dir, ec);
  std::filesystem::create_directories(state_dir);
  {
    saring::Filter build(large_options(false), state_dir);
    for (std::size_t i = 0; i < sc->window.size(); ++i) build.submit(sc->window[i], sc->window_features[i]);
  }
  auto filter = std::make_unique<saring::Filter>(large_options(state.range(1) != 0), state_dir);
  const auto before = filter->stats();
  std::size_t k = 0;
  std::uint64_t duplicates = 0, planted = 0, found = 0;
  Paired p;
  for (auto _ : state) {
    const std::size_t i = k++ % sc->timed.size();
    const saring::Verdict v = paired_submit(*filter, sc->timed[i], p);
    const bool dup = v.decision == saring::Decision::kDuplicate;
    duplicates += dup;
    planted += sc->kind[i] != 0;
    found += sc->kind[i] != 0 && dup;
    // SARING_BM_VERBOSE=1: the verdicts of planted reports that were not judged duplicates.
    if (sc->kind[i] != 0 && !dup && std::getenv("SARING_BM_VERBOSE")) {
      std::fprintf(stderr, "planted %s (%s): %s\n", sc->timed[i].id.c_str(), sc->kind[i] == 1 ? "other angle" : "re-upload",
                   saring::verdict_to_json(v).c_str());
    }
  }
  const auto st = filter->stats();
  const double n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  p.report(state);
  state.counters["orb_extractions_per_report"] = static_cast<double>(st.orb_extractions - before.orb_extractions) / n;
  state.counters["geometric_checks_per_report"] = static_cast<double>(st.geometric_matches - before.geometric_matches) / n;
  state.counters["duplicate_share"] = static_cast<double>(duplicates) / n;
  state.counters["planted_found"] = planted ? static_cast<double>(found) / static_cast<double>(planted) : 0.0;
  filter.reset();
  std::filesystem::remove_all(state_dir, ec);
}
BENCHMARK(BM_FilterLargePhotoStreamSubmit)->Args({1000, 1})->Args({1000, 0})->Args({5000, 1})->Args({5000, 0})->Iterations(120)->Unit(benchmark::kMillisecond)->UseRealTime();

// The steps on the 1,000/day stream's timed photos (the variants, baseline JPEGs as phones write
// them), round robin, process CPU time per photo: range(0) = 0 hashing (compute_features: read, EXIF, full-size decode, PDQ with dihedral variants), 1 the
// reduced-scale decode ORB does (the DCT scale keeping the shorter side >= 256 px), 2 a whole ORB
// extraction from the file (that decode, grey, ORB at 512 px / 300 keypoints).
void BM_FilterLargePhotoSteps(benchmark::State& state) {
  LargeScenario* sc = large_scenario(1000);
  if (!sc->error.empty()) {
    state.SkipWithError(sc->error.c_str());
    return;
  }
  std::vector<std::string> sources;
  for (const auto& r : sc->timed) sources.push_back(r.photos.at(0));
  saring::DecodeOptions reduced;
  reduced.jpeg_auto_min_side = saring::GeometricOptions{}.max_side / 2;
  std::size_t k = 0;
  double ms = 0;
  for (auto _ : state) {
    const std::string& path = sources[k++ % sources.size()];
    const double t0 = cpu_ms();
    if (state.range(0) == 0) {
      saring::Report r;
      r.photos = {path};
      benchmark::DoNotOptimize(saring::compute_features(r));
    } else if (state.range(0) == 1) {
      benchmark::DoNotOptimize(saring::decode_image_file(path, reduced));
    } else {
      benchmark::DoNotOptimize(saring::orb_features(path, saring::GeometricOptions{}));
    }
    ms += cpu_ms() - t0;
  }
  state.counters["cpu_ms"] = ms / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FilterLargePhotoSteps)->Arg(0)->Arg(1)->Arg(2)->Iterations(120)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
