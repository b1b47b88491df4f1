#include "saring/cluster/dbscan.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "cluster/cluster_test_util.hpp"
#include "cluster/dbscan_internal.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace {

using test::blob_points;
using test::reference_dbscan;

TEST(Dbscan, EqualsReferenceWithSklearnBorderRuleExactly) {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    const auto pts = blob_points(1500, seed, -6.2, 106.8, 0.02, 0.0004, 12);
    for (int min_pts : {1, 2, 3, 5, 9}) {
      DbscanOptions o;
      o.eps_m = seed % 2 ? 50.0 : 23.0;
      o.min_pts = min_pts;
      const auto got = dbscan(std::span<const ClusterPoint>(pts), o);
      // Not just the same partition: the same numbers, in scikit-learn's order.
      ASSERT_EQ(got, reference_dbscan(pts, o)) << "seed " << seed << " min_pts " << min_pts;
    }
  }
}

TEST(Dbscan, GridFastPathAndGeneralPathAgree) {
  // Spatial-only runs take the sub-cell fast path; the general path must give the same labels.
  for (std::uint32_t seed = 30; seed < 34; ++seed) {
    const auto pts = blob_points(3000, seed, seed % 2 ? -6.2 : 89.995, seed % 2 ? 106.8 : 179.99, 0.02, 0.0004, 15);
    std::vector<double> lat, lon;
    for (const auto& p : pts) {
      lat.push_back(p.lat);
      lon.push_back(p.lon);
    }
    for (BorderRule rule : {BorderRule::kSklearn, BorderRule::kNearestCore})
      for (double eps : {0.5, 7.0, 50.0, 400.0}) {
        DbscanOptions o;
        o.eps_m = eps;
        o.min_pts = 3;
        o.border = rule;
        const DbscanInput in{lat, lon, {}, {}};
        ASSERT_EQ(detail::run_dbscan(in, o, false), detail::run_dbscan(in, o, true))
            << "seed " << seed << " eps " << eps;
      }
  }
}

TEST(Dbscan, NearestCoreRuleEqualsReference) {
  for (std::uint32_t seed = 10; seed < 14; ++seed) {
    const auto pts = blob_points(1200, seed, 48.85, 2.35, 0.01, 0.0003, 8);
    DbscanOptions o;
    o.eps_m = 40;
    o.min_pts = 4;
    o.border = BorderRule::kNearestCore;
    const auto got = dbscan(std::span<const ClusterPoint>(pts), o);
    ASSERT_TRUE(test::same_partition(got, reference_dbscan(pts, o))) << "seed " << seed;
  }
}

TEST(Dbscan, SpaceTimeAndCategory) {
  const auto pts = blob_points(1500, 21, -6.2, 106.8, 0.01, 0.0003, 6, 3, 6 * 3600);
  DbscanOptions o;
  o.eps_m = 60;
  o.min_pts = 3;
  o.eps_time_s = 1800;
  const auto st = dbscan(std::span<const ClusterPoint>(pts), o);
  EXPECT_EQ(st, reference_dbscan(pts, o));
  o.same_category = true;
  const auto stc = dbscan(std::span<const ClusterPoint>(pts), o);
  EXPECT_EQ(stc, reference_dbscan(pts, o));
  // Every cluster is single-category.
  std::map<std::int32_t, std::string> cat_of;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (stc[i] >= 0) {
      auto [it, fresh] = cat_of.emplace(stc[i], pts[i].category);
      EXPECT_EQ(it->second, pts[i].category);
    }
  o.eps_time_s.reset();
  EXPECT_EQ(dbscan(std::span<const ClusterPoint>(pts), o), reference_dbscan(pts, o));
}

TEST(Dbscan, TimeRadiusSeparatesRepeatReports) {
  // The same pothole reported in two weeks: one cluster in space, two in space-time.
  std::vector<ClusterPoint> pts;
  for (int week = 0; week < 2; ++week)
    for (int i = 0; i < 5; ++i)
      pts.push_back({"w" + std::to_string(week) + "_" + std::to_string(i), -6.2 + i * 1e-5, 106.8,
                     week * 7 * 86400 + i * 60, "jalan_rusak"});
  DbscanOptions o;
  o.eps_m = 20;
  o.min_pts = 3;
  auto space = dbscan(std::span<const ClusterPoint>(pts), o);
  EXPECT_EQ(std::set<std::int32_t>(space.begin(), space.end()), std::set<std::int32_t>{0});
  o.eps_time_s = 3600;
  auto st = dbscan(std::span<const ClusterPoint>(pts), o);
  EXPECT_EQ(std::set<std::int32_t>(st.begin(), st.begin() + 5), std::set<std::int32_t>{0});
  EXPECT_EQ(std::set<std::int32_t>(st.begin() + 5, st.end()), std::set<std::int32_t>{1});
}

TEST(Dbscan, DegenerateInputs) {
  DbscanOptions o;
  o.eps_m = 1;
  o.min_pts = 3;
  EXPECT_TRUE(dbscan(std::span<const ClusterPoint>(), o).empty());
  std::vector<ClusterPoint> same(300, ClusterPoint{"x", 10.0, 20.0, 0, ""});
  EXPECT_EQ(dbscan(std::span<const ClusterPoint>(same), o), std::vector<std::int32_t>(300, 0));
  o.min_pts = 301;
  EXPECT_EQ(dbscan(std::span<const ClusterPoint>(same), o), std::vector<std::int32_t>(300, -1));
  // A chain of points eps apart along a meridian, and around the poles and the antimeridian.
  std::vector<ClusterPoint> chain;
  const double step = 50.0 / kEarthRadiusM * 180.0 / M_PI;
  for (int i = 0; i < 200; ++i) chain.push_back({"c", -1.0 + i * step, 179.9995, 0, ""});
  for (int i = 0; i < 200; ++i) chain.push_back({"d", 89.9995, -180.0 + i * 1.8, 0, ""});
  for (int min_pts : {2, 3}) {
    o.min_pts = min_pts;
    o.eps_m = 50;
    EXPECT_EQ(dbscan(std::span<const ClusterPoint>(chain), o), reference_dbscan(chain, o));
  }
}

TEST(Dbscan, BadInputNamesThePoint) {
  DbscanOptions o;
  std::vector<ClusterPoint> pts{{"a", 0, 0, 0, ""}, {"b", NAN, 0, 0, ""}};
  try {
    dbscan(std::span<const ClusterPoint>(pts), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("point 1"), std::string::npos) << e.what();
  }
  pts[1].lat = 0;
  pts[1].lon = 180.5;
  EXPECT_THROW(dbscan(std::span<const ClusterPoint>(pts), o), Error);
  const std::vector<double> lat{0, 1}, lon{0};
  EXPECT_THROW(dbscan(DbscanInput{lat, lon, {}, {}}, o), Error);
  const std::vector<double> lon2{0, 1};
  o.eps_time_s = 10;
  EXPECT_THROW(dbscan(DbscanInput{lat, lon2, {}, {}}, o), Error);  // no times
}

TEST(DbscanOptions, Validate) {
  DbscanOptions o;
  EXPECT_NO_THROW(o.validate());
  o.eps_m = 0;
  EXPECT_THROW(o.validate(), Error);
  o.eps_m = NAN;
  EXPECT_THROW(o.validate(), Error);
  o.eps_m = 5e7;
  EXPECT_THROW(o.validate(), Error);
  o.eps_m = 10;
  o.min_pts = 0;
  EXPECT_THROW(o.validate(), Error);
  o.min_pts = 2;
  o.eps_time_s = -1;
  EXPECT_THROW(o.validate(), Error);
  EXPECT_EQ(parse_border_rule("nearest-core"), BorderRule::kNearestCore);
  EXPECT_THROW(parse_border_rule("first"), Error);
}

}  // namespace
}  // namespace saring
