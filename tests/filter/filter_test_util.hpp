// Helpers shared by the filter tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "saring/core/report.hpp"
#include "saring/core/time.hpp"
#include "saring/filter/filter.hpp"

namespace saring::test {

inline Report make_report(const std::string& id, const std::string& time, double lat, double lon,
                          const std::string& category = "jalan_rusak", const std::string& text = {},
                          const std::string& reporter = {}) {
  Report r;
  r.id = id;
  r.time = parse_rfc3339(time);
  r.lat = lat;
  r.lon = lon;
  r.category = category;
  r.text = text;
  r.reporter = reporter;
  return r;
}

inline Hash256 random_hash(std::uint64_t seed) {
  std::mt19937_64 g(seed);
  return Hash256(Hash256::Words{g(), g(), g(), g()});
}

inline Hash256 flip_bits(Hash256 h, int n) {
  for (int k = 0; k < n; ++k) h.set_bit(k * 7 % 256, !h.bit(k * 7 % 256));
  return h;
}

inline ReportFeatures with_pdq(const Hash256& h) {
  ReportFeatures f;
  f.photos.push_back({"", h, 100});
  return f;
}

// Three reports a few tens of metres apart with the photos in tests/data/filter/: a scene, the
// same scene from another angle an hour later, and an unrelated photo half an hour after that.
struct SceneReports {
  Report a, b, c;
};
inline SceneReports scene_reports(const std::string& dir) {
  SceneReports s{make_report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8),
                 make_report("b", "2026-10-01T09:00:00+07:00", -6.2003, 106.8),
                 make_report("c", "2026-10-01T09:30:00+07:00", -6.2001, 106.8001)};
  s.a.photos = {dir + "scene.jpg"};
  s.b.photos = {dir + "scene_other_angle.jpg"};
  s.c.photos = {dir + "other.jpg"};
  return s;
}

// A fresh, empty directory under the test temp dir.
inline std::string fresh_dir(const std::string& name) {
  // The pid keeps two runs of the suite apart (helpers' worktrees and CI share this machine's /tmp:
  // a shared name let one run wipe or lock another's state directory mid-test).
  const auto p = std::filesystem::path(::testing::TempDir()) / ("saring_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

}  // namespace saring::test
