#include "saring/cluster/geodesic.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "saring/cluster/spatial_index.hpp"
#include "saring/core/error.hpp"
#include "cluster/cluster_test_util.hpp"

namespace saring {
namespace {

TEST(Geodesic, HaversineOnKnownArcs) {
  // One degree along a meridian is R * pi / 180 on the sphere.
  EXPECT_NEAR(haversine_m({0, 0}, {1, 0}), kEarthRadiusM * M_PI / 180.0, 1e-6);
  // A quarter of the equator.
  EXPECT_NEAR(haversine_m({0, 0}, {0, 90}), kEarthRadiusM * M_PI / 2.0, 1e-6);
  // Across the antimeridian: 0.2 degrees of longitude at the equator, not 359.8.
  EXPECT_NEAR(haversine_m({0, 179.9}, {0, -179.9}), kEarthRadiusM * M_PI / 180.0 * 0.2, 1e-6);
  // Over the pole: (89.9, 0) to (89.9, 180) is 0.2 degrees of arc.
  EXPECT_NEAR(haversine_m({89.9, 0}, {89.9, 180}), kEarthRadiusM * M_PI / 180.0 * 0.2, 1e-6);
  EXPECT_EQ(haversine_m({-6.2, 106.8}, {-6.2, 106.8}), 0.0);
}

TEST(Geodesic, EllipsoidModelsAgreeWithEachOtherAndDifferFromSphere) {
  const LatLon monas{-6.175392, 106.827153}, tanjung_priok{-6.1045, 106.8865};
  const double sphere = geodesic_distance_m(monas, tanjung_priok, GeodesicModel::kSphere);
  const double vincenty = geodesic_distance_m(monas, tanjung_priok, GeodesicModel::kVincenty);
  const double thomas = geodesic_distance_m(monas, tanjung_priok, GeodesicModel::kThomas);
  const double andoyer = geodesic_distance_m(monas, tanjung_priok, GeodesicModel::kAndoyer);
  EXPECT_NEAR(vincenty, thomas, 0.01);
  EXPECT_NEAR(vincenty, andoyer, 1.0);
  // Near the equator the ellipsoid is flatter north-south: metres of difference over ~10 km.
  EXPECT_GT(std::abs(sphere - vincenty), 1.0);
  EXPECT_LT(std::abs(sphere - vincenty) / vincenty, 0.005);
  // One degree of latitude at the equator on WGS84 is 110574.4 m.
  EXPECT_NEAR(geodesic_distance_m({0, 0}, {1, 0}, GeodesicModel::kVincenty), 110574.4, 0.5);
}

TEST(Geodesic, BadInputThrows) {
  EXPECT_THROW(geodesic_distance_m({NAN, 0}, {0, 0}), Error);
  EXPECT_THROW(geodesic_distance_m({0, 0}, {91, 0}), Error);
  EXPECT_THROW(geodesic_distance_m({0, 181}, {0, 0}, GeodesicModel::kVincenty), Error);
  EXPECT_THROW(parse_geodesic_model("flat"), Error);
  EXPECT_EQ(parse_geodesic_model("vincenty"), GeodesicModel::kVincenty);
  EXPECT_EQ(geodesic_model_name(GeodesicModel::kAndoyer), "andoyer");
}

TEST(Geodesic, ReducedDistanceIsSymmetricBitForBit) {
  // The clustering treats "i is j's neighbour" and "j is i's" as one test; scikit-learn evaluates
  // both directions, so they must agree exactly.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(-1.5707963, 1.5707963), lon(-3.14159, 3.14159), d(-1e-5, 1e-5);
  for (int i = 0; i < 200000; ++i) {
    const double a = lat(rng), b = lon(rng);
    const double c = std::fmax(-1.5707963, std::fmin(1.5707963, a + d(rng))), e = b + d(rng);
    ASSERT_EQ(haversine_reduced(a, b, c, e), haversine_reduced(c, e, a, b));
  }
}

TEST(GeoRadiusIndex, MatchesBruteForceEverywhere) {
  // Points everywhere including the poles and the antimeridian, queries of several radii.
  std::mt19937_64 rng(3);
  std::vector<LatLon> pts;
  std::uniform_real_distribution<double> u(-1, 1);
  for (int i = 0; i < 3000; ++i) {
    const int region = i % 3;
    if (region == 0) pts.push_back({90.0 - std::abs(u(rng)) * 0.01, u(rng) * 180.0});
    else if (region == 1) pts.push_back({u(rng) * 0.01, u(rng) > 0 ? 180.0 - std::abs(u(rng)) * 0.01 : -180.0 + std::abs(u(rng)) * 0.01});
    else pts.push_back({-6.2 + u(rng) * 0.01, 106.8 + u(rng) * 0.01});
  }
  const GeoRadiusIndex index(pts, 200.0);
  EXPECT_EQ(index.size(), pts.size());
  for (int q = 0; q < 300; ++q) {
    const LatLon c = pts[static_cast<std::size_t>(rng() % pts.size())];
    const double r = q % 2 ? 200.0 : 37.5;
    std::vector<std::uint32_t> expect;
    const double cut = dbscan_reduced_radius(r);
    for (std::uint32_t i = 0; i < pts.size(); ++i)
      if (haversine_reduced(degrees_to_radians(c.lat), degrees_to_radians(c.lon), degrees_to_radians(pts[i].lat),
                            degrees_to_radians(pts[i].lon)) <= cut)
        expect.push_back(i);
    ASSERT_EQ(index.query(c, r), expect) << "query " << q;
  }
  EXPECT_THROW(index.query({0, 0}, 500.0), Error);
  EXPECT_THROW(index.query({NAN, 0}, 5.0), Error);
  const std::vector<LatLon> bad{{0, 0}, {100, 0}};
  EXPECT_THROW(GeoRadiusIndex(bad, 10.0), Error);
  EXPECT_THROW(GeoRadiusIndex(pts, 0.0), Error);
}

}  // namespace
}  // namespace saring
