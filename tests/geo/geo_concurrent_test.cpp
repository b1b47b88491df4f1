// Many threads reading one AreaSet (fast path and the GEOS-backed calls, which share one GEOS
// context behind a lock) while GeoHistory takes commits and reads at once. Run under TSan in CI.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "saring/core/time.hpp"
#include "saring/geo/areas.hpp"
#include "saring/geo/geotag.hpp"

namespace saring {
namespace {

TEST(GeoConcurrent, AreaSetReadsFromManyThreads) {
  const AreaSet& areas = AreaSet::jakarta();
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t) + 1);
      std::uniform_real_distribution<double> lat(-6.40, -6.05), lon(106.65, 107.0);
      for (int i = 0; i < 1500; ++i) {
        const double y = lat(rng), x = lon(rng);
        const auto fast = areas.find(AreaLevel::kKelurahan, y, x);
        const auto geos = areas.find_all_geos(AreaLevel::kKelurahan, y, x);
        if (fast.has_value() == geos.empty()) ++mismatches;
        if (i % 50 == 0) {
          const double d = areas.distance_to_service_area_m(y, x);
          if (!(d >= 0)) ++mismatches;
          (void)areas.lookup(y, x);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(GeoConcurrent, HistoryCommitsWhileCheckersRead) {
  GeoHistory history;
  const GeotagChecker checker(AreaSet::jakarta());
  const UnixSeconds t0 = parse_rfc3339("2026-11-28T08:00:00+07:00").unix;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Report r;
      r.lat = -6.1754;
      r.lon = 106.8272;  // everyone at exactly the same place
      for (int i = 0; i < 500; ++i) {
        r.id = std::to_string(t) + "-" + std::to_string(i);
        r.reporter = "u" + std::to_string(t * 1000 + i % 20);
        r.time = Timestamp{t0 + i, 420};
        (void)checker.evaluate(r, {}, &history);
        history.commit(r);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(history.reporter_count(), 80u);
  EXPECT_EQ(history.reporters_at(-6.1754, 106.8272, t0 + 500), 80u);
}

}  // namespace
}  // namespace saring
