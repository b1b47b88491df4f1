#include "saring/geo/geotag.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>

#include "saring/core/error.hpp"
#include "saring/core/time.hpp"

namespace saring {
namespace {

Report report_at(double lat, double lon, const char* time = "2026-11-28T08:15:00+07:00") {
  Report r;
  r.id = "r1";
  r.reporter = "u1";
  r.time = parse_rfc3339(time);
  r.lat = lat;
  r.lon = lon;
  r.accuracy_m = 10;
  r.category = "jalan_rusak";
  return r;
}

const GeotagChecker& checker() {
  static const GeotagChecker c(AreaSet::jakarta());
  return c;
}

std::string codes(const GeotagResult& r) {
  std::string s;
  for (const auto& f : r.findings) s += (s.empty() ? "" : ",") + f.code;
  return s;
}

TEST(Geotag, MonasIsPlausible) {
  const auto r = checker().evaluate(report_at(-6.1754, 106.8272));
  EXPECT_TRUE(r.findings.empty()) << codes(r);
  EXPECT_EQ(r.plausibility, 1.0);
  EXPECT_TRUE(r.in_service_area);
  ASSERT_EQ(r.areas.size(), 4u);
  EXPECT_EQ(r.areas[3].name, "Gambir");
  EXPECT_EQ(r.distance_to_service_area_m, 0.0);
}

TEST(Geotag, TanjungPriokAndSeribuArePlausible) {
  EXPECT_TRUE(checker().evaluate(report_at(-6.1087, 106.8859)).findings.empty());
  const auto island = checker().evaluate(report_at(-5.7453, 106.6140));
  EXPECT_TRUE(island.findings.empty()) << codes(island);
  EXPECT_EQ(island.areas.at(1).code, "31.01");
}

TEST(Geotag, JakartaBayIsInTheSeaNotOutside) {
  const auto r = checker().evaluate(report_at(-6.02, 106.85));
  EXPECT_TRUE(r.has(kGeoInSea)) << codes(r);
  EXPECT_FALSE(r.has(kGeoOutsideServiceArea)) << codes(r);
  EXPECT_GT(r.find(kGeoInSea)->value, 1000.0);  // metres to the nearest kelurahan
  EXPECT_LT(r.plausibility, 0.5);
  // A category allowed on water is not flagged.
  GeotagOptions o;
  o.water_ok_categories = {"kapal"};
  GeotagChecker boats(AreaSet::jakarta(), o);
  Report boat = report_at(-6.02, 106.85);
  boat.category = "kapal";
  EXPECT_FALSE(boats.evaluate(boat).has(kGeoInSea));
  boat.category = "sampah";
  EXPECT_TRUE(boats.evaluate(boat).has(kGeoInSea));
}

TEST(Geotag, BogorAndDepokAreOutsideWithDistance) {
  const auto bogor = checker().evaluate(report_at(-6.5971, 106.8060));
  ASSERT_TRUE(bogor.has(kGeoOutsideServiceArea)) << codes(bogor);
  EXPECT_FALSE(bogor.has(kGeoInSea));
  EXPECT_NEAR(bogor.find(kGeoOutsideServiceArea)->value, 25800, 3000);
  EXPECT_EQ(bogor.find(kGeoOutsideServiceArea)->unit, "m");
  const auto depok = checker().evaluate(report_at(-6.4025, 106.7942));
  ASSERT_TRUE(depok.has(kGeoOutsideServiceArea));
  EXPECT_NEAR(depok.find(kGeoOutsideServiceArea)->value, 4200, 1500);
  // Farther away is less plausible, up to outside_full_severity_m (2 km): both are beyond it.
  const auto near_line = checker().evaluate(report_at(-6.3750, 106.7942));  // ~1.2 km south of the line
  ASSERT_TRUE(near_line.has(kGeoOutsideServiceArea));
  EXPECT_NEAR(near_line.find(kGeoOutsideServiceArea)->value, 1200, 300);
  EXPECT_LT(depok.plausibility, near_line.plausibility);
  EXPECT_EQ(bogor.plausibility, depok.plausibility);
  EXPECT_TRUE(bogor.areas.empty());
}

TEST(Geotag, SwappedLatLonIsInvalidAndExplained) {
  const auto r = checker().evaluate(report_at(106.8272, -6.1754));
  EXPECT_TRUE(r.has(kGeoInvalidCoordinates)) << codes(r);
  ASSERT_TRUE(r.has(kGeoSwappedLatLon)) << codes(r);
  EXPECT_NE(r.find(kGeoSwappedLatLon)->detail.find("swapped"), std::string::npos);
  EXPECT_LT(r.plausibility, 0.05);
}

TEST(Geotag, NegatedLatitudeIsExplained) {
  const auto r = checker().evaluate(report_at(6.1754, 106.8272));  // the sign got lost
  EXPECT_FALSE(r.has(kGeoInvalidCoordinates));
  ASSERT_TRUE(r.has(kGeoSwappedLatLon)) << codes(r);
  EXPECT_NE(r.find(kGeoSwappedLatLon)->detail.find("latitude sign flipped"), std::string::npos);
  EXPECT_TRUE(r.has(kGeoOutsideServiceArea));
}

TEST(Geotag, NullIsland) {
  const auto r = checker().evaluate(report_at(0, 0));
  EXPECT_EQ(codes(r), "GEO_NULL_ISLAND");
  EXPECT_EQ(r.plausibility, 0.0);
  EXPECT_TRUE(checker().evaluate(report_at(0.001, -0.002)).has(kGeoNullIsland));
}

TEST(Geotag, NanAndInfinityAreInvalidNotACrash) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (auto [lat, lon] : {std::pair{nan, 106.8}, {-6.2, inf}, {-inf, nan}, {91.0, 106.8}, {-6.2, 181.0}}) {
    const auto r = checker().evaluate(report_at(lat, lon));
    EXPECT_TRUE(r.has(kGeoInvalidCoordinates)) << lat << "," << lon;
    EXPECT_TRUE(r.areas.empty());
    EXPECT_GE(r.plausibility, 0.0);
    EXPECT_LE(r.plausibility, 0.1);
  }
}

TEST(Geotag, LowPrecision) {
  const auto r = checker().evaluate(report_at(-6.2, 106.8));
  ASSERT_TRUE(r.has(kGeoLowPrecision)) << codes(r);
  EXPECT_EQ(r.find(kGeoLowPrecision)->value, 1.0);
  EXPECT_FALSE(checker().evaluate(report_at(-6.175, 106.827)).has(kGeoLowPrecision));
  EXPECT_EQ(coordinate_decimals(106.8272), 4);
  EXPECT_EQ(coordinate_decimals(-6.1), 1);
  EXPECT_EQ(coordinate_decimals(107.0), 0);
  EXPECT_EQ(coordinate_decimals(1e-5), 5);
}

TEST(Geotag, PoorAccuracyPerCategory) {
  Report rep = report_at(-6.1754, 106.8272);
  rep.accuracy_m = 250;
  const auto r = checker().evaluate(rep);
  ASSERT_TRUE(r.has(kGeoPoorAccuracy));
  EXPECT_EQ(r.find(kGeoPoorAccuracy)->value, 250.0);
  GeotagOptions o;
  o.category_max_accuracy_m["banjir"] = 500;  // a flooded district needs no street precision
  GeotagChecker lenient(AreaSet::jakarta(), o);
  rep.category = "banjir";
  EXPECT_FALSE(lenient.evaluate(rep).has(kGeoPoorAccuracy));
  rep.accuracy_m = -1;
  EXPECT_TRUE(lenient.evaluate(rep).has(kGeoPoorAccuracy));
}

TEST(Geotag, PhotoGpsAgainstPinWithCombinedAccuracy) {
  const Report rep = report_at(-6.1754, 106.8272);
  PhotoExif near_photo;
  near_photo.gps = LatLon{-6.1756, 106.8273};  // ~25 m away
  near_photo.gps_accuracy_m = 5;
  PhotoExif far_photo;
  far_photo.gps = LatLon{-6.2000, 106.8450};  // ~3.4 km away
  far_photo.gps_accuracy_m = 5;
  EXPECT_FALSE(checker().evaluate(rep, std::vector{near_photo}).has(kGeoPhotoGpsMismatch));
  const auto r = checker().evaluate(rep, std::vector{near_photo, far_photo});
  ASSERT_TRUE(r.has(kGeoPhotoGpsMismatch));
  EXPECT_NEAR(r.find(kGeoPhotoGpsMismatch)->value, 3340, 200);
  // A photo 300 m off is fine when the photo itself claims 200 m uncertainty.
  PhotoExif vague;
  vague.gps = LatLon{-6.1781, 106.8272};  // 300 m south
  vague.gps_accuracy_m = 200;
  EXPECT_FALSE(checker().evaluate(rep, std::vector{vague}).has(kGeoPhotoGpsMismatch));
  vague.gps_accuracy_m = 5;
  EXPECT_TRUE(checker().evaluate(rep, std::vector{vague}).has(kGeoPhotoGpsMismatch));
}

TEST(Geotag, PhotoTime) {
  const Report rep = report_at(-6.1754, 106.8272, "2026-11-28T08:15:00+07:00");
  PhotoExif recent;
  recent.date_time_original = "2026:11:28 08:10:00";
  recent.offset_minutes = 420;
  EXPECT_FALSE(checker().evaluate(rep, std::vector{recent}).has(kGeoPhotoTimeMismatch));
  PhotoExif old_photo;
  old_photo.date_time_original = "2026:11:20 08:10:00";  // no offset: read in the report's zone
  const auto r = checker().evaluate(rep, std::vector{old_photo});
  ASSERT_TRUE(r.has(kGeoPhotoTimeMismatch));
  EXPECT_EQ(r.find(kGeoPhotoTimeMismatch)->value, 8 * 86400 + 300);
  PhotoExif future;
  future.date_time_original = "2026:11:28 10:15:00";
  future.offset_minutes = 420;
  const auto f = checker().evaluate(rep, std::vector{future});
  ASSERT_TRUE(f.has(kGeoPhotoTimeMismatch));
  EXPECT_LT(f.find(kGeoPhotoTimeMismatch)->value, 0);
}

TEST(Geotag, MockLocationAndEmulatorPositions) {
  Report rep = report_at(-6.1754, 106.8272);
  rep.client.mock_location = true;
  EXPECT_TRUE(checker().evaluate(rep).has(kGeoMockLocation));
  rep.client.mock_location = false;
  EXPECT_FALSE(checker().evaluate(rep).has(kGeoMockLocation));
  const auto android = checker().evaluate(report_at(37.421998, -122.084));
  EXPECT_TRUE(android.has(kGeoEmulatorPosition)) << codes(android);
  EXPECT_TRUE(android.has(kGeoOutsideServiceArea));
  EXPECT_TRUE(checker().evaluate(report_at(37.3349, -122.009)).has(kGeoEmulatorPosition));
  EXPECT_TRUE(checker().evaluate(report_at(37.33233, -122.03121)).has(kGeoEmulatorPosition));
  EXPECT_FALSE(checker().evaluate(report_at(37.40, -122.084)).has(kGeoEmulatorPosition));
}

TEST(Geotag, ImpossibleTravelNeedsHistory) {
  GeoHistory history;
  Report first = report_at(-6.1754, 106.8272, "2026-11-28T08:00:00+07:00");
  first.id = "a";
  EXPECT_FALSE(checker().evaluate(first, {}, &history).has(kGeoImpossibleTravel));
  history.commit(first);
  ASSERT_TRUE(history.last_fix("u1"));
  // Pulau Pramuka is ~60 km away: 10 minutes later is 360 km/h.
  Report second = report_at(-5.7453, 106.6140, "2026-11-28T08:10:00+07:00");
  second.id = "b";
  const auto r = checker().evaluate(second, {}, &history);
  ASSERT_TRUE(r.has(kGeoImpossibleTravel)) << codes(r);
  EXPECT_GT(r.find(kGeoImpossibleTravel)->value, 300.0);
  EXPECT_EQ(r.find(kGeoImpossibleTravel)->unit, "km/h");
  // Just over the limit (1.44x) is already at severity 0.75: 1 - 0.7 * 0.75.
  EXPECT_NEAR(r.plausibility, 1 - 0.7 * 0.75, 1e-9);
  // Three hours later it is a boat trip.
  second.time = parse_rfc3339("2026-11-28T11:00:00+07:00");
  EXPECT_FALSE(checker().evaluate(second, {}, &history).has(kGeoImpossibleTravel));
  // Another reporter is not affected; without history the check is skipped.
  second.time = parse_rfc3339("2026-11-28T08:10:00+07:00");
  EXPECT_FALSE(checker().evaluate(second).has(kGeoImpossibleTravel));
  second.reporter = "u2";
  EXPECT_FALSE(checker().evaluate(second, {}, &history).has(kGeoImpossibleTravel));
  // A configurable limit.
  GeotagOptions fast;
  fast.max_speed_kmh = 1000;
  second.reporter = "u1";
  EXPECT_FALSE(GeotagChecker(AreaSet::jakarta(), fast).evaluate(second, {}, &history).has(kGeoImpossibleTravel));
}

TEST(Geotag, ManyReportersAtExactlyTheSameCoordinates) {
  GeoHistory history;
  Report rep = report_at(-6.1900001, 106.8300002);
  for (int i = 0; i < 4; ++i) {
    rep.reporter = "u" + std::to_string(i);
    rep.id = "r" + std::to_string(i);
    EXPECT_FALSE(checker().evaluate(rep, {}, &history).has(kGeoSharedCoordinates)) << i;
    history.commit(rep);
  }
  rep.reporter = "u9";
  rep.id = "r9";
  const auto r = checker().evaluate(rep, {}, &history);
  ASSERT_TRUE(r.has(kGeoSharedCoordinates));
  EXPECT_EQ(r.find(kGeoSharedCoordinates)->value, 5.0);
  // The same reporter again does not count twice; a nearby but different coordinate is distinct.
  rep.reporter = "u0";
  EXPECT_FALSE(checker().evaluate(rep, {}, &history).has(kGeoSharedCoordinates));
  EXPECT_EQ(history.reporters_at(-6.1900001, 106.8300002, rep.time.unix), 4u);
  EXPECT_EQ(history.reporters_at(-6.1900002, 106.8300002, rep.time.unix), 0u);
  // Outside the window the old reporters are forgotten.
  EXPECT_EQ(history.reporters_at(-6.1900001, 106.8300002, rep.time.unix + 31LL * 86400), 0u);
}

TEST(Geotag, SharedCoordinatesKeepTheLatestTimeAndExpire) {
  GeoHistory::Options o;
  o.shared_window_s = 100;
  o.reporter_ttl_s = 100;
  GeoHistory history(o);
  Report rep = report_at(-6.1900001, 106.8300002);
  const UnixSeconds t0 = rep.time.unix;
  for (int i = 0; i < 3; ++i) {
    rep.reporter = "u" + std::to_string(i);
    rep.id = "r" + std::to_string(i);
    history.commit(rep);
  }
  // u0 again, 50 s later, and once more out of order: one reporter, remembered at its latest time.
  rep.reporter = "u0";
  rep.time.unix = t0 + 50;
  history.commit(rep);
  rep.time.unix = t0 + 10;
  history.commit(rep);
  EXPECT_EQ(history.reporters_at(rep.lat, rep.lon, t0 + 60), 3u);
  EXPECT_EQ(history.reporters_at(rep.lat, rep.lon, t0 + 60, "u1"), 2u);
  EXPECT_EQ(history.reporters_at(rep.lat, rep.lon, t0 + 120), 1u);  // only u0 (at t0 + 50) is in the window
  EXPECT_EQ(history.coordinate_count(), 1u);
  // Enough later commits elsewhere to run the expiry sweep: the coordinate is forgotten.
  for (int i = 0; i < 5000; ++i) {
    Report other = report_at(-6.2 - 1e-6 * i, 106.8);
    other.reporter = "v";
    other.id = "o" + std::to_string(i);
    other.time.unix = t0 + 1000;
    history.commit(other);
  }
  EXPECT_EQ(history.reporters_at(rep.lat, rep.lon, t0 + 60), 0u);
  EXPECT_EQ(history.coordinate_count(), 5000u);
}

// A random run of commits (mostly in time order, some late; coordinates drifting so that old ones
// expire and new ones take their slots) against a plain model of what GeoHistory promises:
// reporters_at counts each reporter at its latest time at a coordinate within the window, and
// last_fix is each reporter's latest fix, kept at least while it is within the TTL.
TEST(Geotag, HistoryMatchesAModelUnderChurn) {
  GeoHistory::Options o;
  o.shared_window_s = 300;
  o.reporter_ttl_s = 200;
  GeoHistory history(o);
  std::mt19937_64 rng(7);
  const UnixSeconds t0 = parse_rfc3339("2026-11-28T08:00:00+07:00").unix;
  const auto coord = [](int k) { return std::pair<double, double>{-6.2 - 1e-5 * k, 106.8 + 1e-5 * (k % 7)}; };
  // Short ids stay in the small-string buffer, long ones do not: both kinds of key are compared.
  const auto reporter = [](int i) {
    return i % 3 ? "u" + std::to_string(i) : "reporter-with-a-long-opaque-id-" + std::to_string(i);
  };
  std::map<std::pair<int, std::string>, UnixSeconds> seen;  // (coordinate, reporter) -> latest time
  std::map<std::string, GeoHistory::Fix> fixes;
  UnixSeconds t = t0, newest = t0;
  std::size_t checks = 0;
  for (int step = 0; step < 30000; ++step) {
    t += static_cast<UnixSeconds>(rng() % 4);
    // Late by at most 150 s, less than the TTL and the window: a late report never lands on an
    // entry the sweep may already have dropped (that would be a fresh entry in GeoHistory).
    const UnixSeconds time = rng() % 20 == 0 ? t - static_cast<UnixSeconds>(rng() % 150) : t;
    const int k = step / 20 + static_cast<int>(rng() % 200);
    const std::string who = reporter(static_cast<int>(rng() % 60));
    Report r;
    r.id = "r" + std::to_string(step);
    r.reporter = who;
    r.time.unix = time;
    std::tie(r.lat, r.lon) = coord(k);
    history.commit(r);
    newest = std::max(newest, time);
    UnixSeconds& s = seen[{k, who}];
    s = std::max(s, time);
    auto f = fixes.find(who);
    if (f == fixes.end() || time >= f->second.time) fixes[who] = GeoHistory::Fix{r.lat, r.lon, time, r.id};

    if (step % 211 != 0 && step != 29999) continue;
    for (int q = step / 20 - 30; q < step / 20 + 200; q += 3) {
      const auto [lat, lon] = coord(q);
      const std::string except = reporter(q % 60);
      for (const UnixSeconds now : {newest, newest + 50}) {
        std::size_t expected = 0;
        for (auto it = seen.lower_bound({q, std::string()}); it != seen.end() && it->first.first == q; ++it)
          if (it->first.second != except && now - it->second <= o.shared_window_s) ++expected;
        ASSERT_EQ(history.reporters_at(lat, lon, now, except), expected) << "step " << step << " coordinate " << q;
        ++checks;
      }
    }
    for (const auto& [id, fix] : fixes) {
      const auto got = history.last_fix(id);
      if (newest - fix.time <= o.reporter_ttl_s) ASSERT_TRUE(got) << "step " << step << " " << id;
      if (!got) continue;
      EXPECT_EQ(got->time, fix.time) << id;
      EXPECT_EQ(got->report_id, fix.report_id) << id;
      EXPECT_EQ(got->lat, fix.lat) << id;
      EXPECT_EQ(got->lon, fix.lon) << id;
    }
    EXPECT_LE(history.reporter_count(), 60u);
  }
  EXPECT_GT(checks, 10000u);
}

// Every commit at a new coordinate, time moving on: the sweep forgets as much as comes in, and
// the slots it frees are reused, so memory levels off instead of growing with the commits.
TEST(Geotag, HistoryMemoryStaysBoundedUnderChurn) {
  GeoHistory::Options o;
  o.shared_window_s = 100;
  o.reporter_ttl_s = 100;
  GeoHistory history(o);
  const UnixSeconds t0 = parse_rfc3339("2026-11-28T08:00:00+07:00").unix;
  std::size_t warm = 0, late = 0;
  for (int i = 0; i < 200000; ++i) {
    Report r;
    r.id = "report-" + std::to_string(i);
    r.reporter = "reporter-with-a-long-opaque-id-" + std::to_string(i % 1000);
    r.time.unix = t0 + i;
    r.lat = -6.1 - 1e-7 * i;
    r.lon = 106.8;
    history.commit(r);
    // Live: the last 101 s of commits plus at most one sweep interval (4096 commits) not yet swept.
    if (i % 1000 == 0) {
      ASSERT_LE(history.coordinate_count(), 101u + 4096u) << i;
      ASSERT_LE(history.reporter_count(), 1000u) << i;
    }
    // Compared just after a sweep (every 4096th commit), when the queues hold the same span.
    if ((i + 1) % 4096 == 0) {
      if (i < 50000) {
        warm = history.memory_bytes();
      } else {
        late = history.memory_bytes();
      }
    }
  }
  EXPECT_GT(warm, 0u);
  EXPECT_LE(late, warm + warm / 10);
  // 4196 live coordinates at most: a leak of one slot per commit would be 40 bytes x 150,000.
  EXPECT_LT(history.memory_bytes(), 4u << 20);
}

TEST(Geotag, ScoreCombinesFindings) {
  Report rep = report_at(-6.2, 106.8);  // low precision only
  rep.client.mock_location = true;
  const auto r = checker().evaluate(rep);
  ASSERT_EQ(r.findings.size(), 2u) << codes(r);
  double expected = 1;
  for (const auto& f : r.findings) {
    EXPECT_GT(f.score, 0);
    EXPECT_LE(f.score, f.weight);
    expected *= 1 - f.score;
  }
  EXPECT_DOUBLE_EQ(r.plausibility, expected);
  const auto reasons = r.reasons();
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].group, "geotag");
}

TEST(Geotag, OptionsValidate) {
  GeotagOptions o;
  EXPECT_NO_THROW(o.validate());
  o.weight_outside = 1.5;
  EXPECT_THROW(o.validate(), Error);
  o = GeotagOptions{};
  o.max_speed_kmh = 0;
  EXPECT_THROW(GeotagChecker(AreaSet::jakarta(), o), Error);
  o = GeotagOptions{};
  o.shared_min_reporters = 1;
  EXPECT_THROW(o.validate(), Error);
  o = GeotagOptions{};
  o.emulator_positions.push_back({"bad", 100, 0, 10});
  EXPECT_THROW(o.validate(), Error);
  GeoHistory::Options h;
  h.shared_window_s = 0;
  EXPECT_THROW(GeoHistory{h}, Error);
}

}  // namespace
}  // namespace saring
