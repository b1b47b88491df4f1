// distance_to_level_m (saring's own boundary-segment grid) against the GEOS reference path,
// compared bit for bit: random points over and around Jakarta, far points, and points within
// millimetres to hundreds of metres of the boundaries (found by bisection between an inside and
// an outside point).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "saring/geo/areas.hpp"

namespace saring {
namespace {

const AreaSet& jakarta() { return AreaSet::jakarta(); }

constexpr AreaLevel kLevels[] = {AreaLevel::kProvinsi, AreaLevel::kKabupatenKota, AreaLevel::kKecamatan,
                                 AreaLevel::kKelurahan};

bool same_bits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_same(AreaLevel level, double lat, double lon) {
  const double fast = jakarta().distance_to_level_m(level, lat, lon);
  const double geos = jakarta().distance_to_level_geos_m(level, lat, lon);
  EXPECT_TRUE(same_bits(fast, geos)) << area_level_name(level) << " at " << lat << "," << lon << ": " << fast
                                     << " vs GEOS " << geos;
}

TEST(AreaDistance, RandomPointsEqualGeosBitForBit) {
  std::mt19937_64 g(7);
  // The benchmark's box, a wider ring around it (Bogor, Tangerang, Bekasi, the bay, the islands).
  std::uniform_real_distribution<double> lat(-6.6, -5.1), lon(106.4, 107.2);
  int outside = 0;
  for (int i = 0; i < 4000; ++i) {
    const double y = lat(g), x = lon(g);
    for (AreaLevel level : kLevels) expect_same(level, y, x);
    outside += !jakarta().in_service_area(y, x);
  }
  EXPECT_GT(outside, 1000);  // most of the wide box lies outside the city: the path under test
}

TEST(AreaDistance, FarPointsEqualGeos) {
  const double points[][2] = {{-6.5971, 106.8060}, {0, 0}, {51.5, -0.12}, {-89.9, 179.9}, {-6.2, 110.4}, {-5.9, 106.1}};
  for (const auto& p : points)
    for (AreaLevel level : kLevels) expect_same(level, p[0], p[1]);
}

TEST(AreaDistance, PointsNearBoundariesEqualGeos) {
  std::mt19937_64 g(11);
  std::uniform_real_distribution<double> lat(-6.40, -6.05), lon(106.65, 107.0), unit(0.0, 1.0);
  std::uniform_real_distribution<double> angle(0, 2 * M_PI);
  int near = 0;
  for (AreaLevel level : kLevels) {
    for (int i = 0; i < 1500; ++i) {
      // A random pair of points on either side of this level's boundary, bisected to it.
      double ay = lat(g), ax = lon(g), by = lat(g), bx = lon(g);
      const bool a_in = jakarta().find(level, ay, ax).has_value();
      if (a_in == jakarta().find(level, by, bx).has_value()) continue;
      for (int k = 0; k < 60; ++k) {
        const double my = (ay + by) / 2, mx = (ax + bx) / 2;
        if (jakarta().find(level, my, mx).has_value() == a_in) {
          ay = my;
          ax = mx;
        } else {
          by = my;
          bx = mx;
        }
      }
      // On the boundary, and offsets from 1e-8 degrees (~1 mm) to 1e-2 (~1 km) around it.
      expect_same(level, ay, ax);
      expect_same(level, by, bx);
      const double scale = std::pow(10.0, -8.0 + 6.0 * unit(g));
      const double t = angle(g);
      expect_same(level, ay + scale * std::sin(t), ax + scale * std::cos(t));
      ++near;
    }
  }
  EXPECT_GT(near, 1000);
}

}  // namespace
}  // namespace saring
