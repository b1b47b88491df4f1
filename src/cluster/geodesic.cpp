#include "saring/cluster/geodesic.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/strategies/geographic/distance_andoyer.hpp>
#include <boost/geometry/strategies/geographic/distance_thomas.hpp>
#include <boost/geometry/strategies/geographic/distance_vincenty.hpp>
#include <cmath>
#include <string>

#include "saring/core/error.hpp"

namespace saring {

namespace bg = boost::geometry;

GeodesicModel parse_geodesic_model(std::string_view name) {
  if (name == "sphere" || name == "haversine") return GeodesicModel::kSphere;
  if (name == "andoyer") return GeodesicModel::kAndoyer;
  if (name == "thomas") return GeodesicModel::kThomas;
  if (name == "vincenty") return GeodesicModel::kVincenty;
  throw Error(ErrorCode::kInvalidArgument,
              "geodesic model '" + std::string(name) + "' is not one of sphere, andoyer, thomas, vincenty");
}

std::string_view geodesic_model_name(GeodesicModel model) {
  switch (model) {
    case GeodesicModel::kSphere: return "sphere";
    case GeodesicModel::kAndoyer: return "andoyer";
    case GeodesicModel::kThomas: return "thomas";
    case GeodesicModel::kVincenty: return "vincenty";
  }
  return "sphere";
}

double haversine_reduced(double lat1, double lon1, double lat2, double lon2) {
  // Same operations in the same order as scikit-learn's HaversineDistance.rdist, so results are
  // bit-identical on the same libm.
  const double sin_0 = std::sin(0.5 * (lat1 - lat2));
  const double sin_1 = std::sin(0.5 * (lon1 - lon2));
  return sin_0 * sin_0 + std::cos(lat1) * std::cos(lat2) * sin_1 * sin_1;
}

bool valid_lat_lon(double lat, double lon) {
  return std::isfinite(lat) && std::isfinite(lon) && lat >= -90.0 && lat <= 90.0 && lon >= -180.0 &&
         lon <= 180.0;
}

static void check(LatLon p, const char* which) {
  if (!valid_lat_lon(p.lat, p.lon))
    throw Error(ErrorCode::kInvalidArgument, std::string("geodesic distance: point ") + which + " (" +
                                                 std::to_string(p.lat) + ", " + std::to_string(p.lon) +
                                                 ") is not a finite lat in [-90, 90] and lon in [-180, 180]");
}

double haversine_m(LatLon a, LatLon b) {
  const double r = haversine_reduced(degrees_to_radians(a.lat), degrees_to_radians(a.lon),
                                     degrees_to_radians(b.lat), degrees_to_radians(b.lon));
  return 2.0 * std::asin(std::sqrt(r)) * kEarthRadiusM;
}

double geodesic_distance_m(LatLon a, LatLon b, GeodesicModel model) {
  check(a, "a");
  check(b, "b");
  using Point = bg::model::point<double, 2, bg::cs::geographic<bg::degree>>;
  const Point pa(a.lon, a.lat), pb(b.lon, b.lat);
  const bg::srs::spheroid<double> wgs84(6378137.0, 6356752.3142451793);
  switch (model) {
    case GeodesicModel::kSphere: return haversine_m(a, b);
    case GeodesicModel::kAndoyer:
      return bg::distance(pa, pb, bg::strategy::distance::andoyer<bg::srs::spheroid<double>>(wgs84));
    case GeodesicModel::kThomas:
      return bg::distance(pa, pb, bg::strategy::distance::thomas<bg::srs::spheroid<double>>(wgs84));
    case GeodesicModel::kVincenty:
      return bg::distance(pa, pb, bg::strategy::distance::vincenty<bg::srs::spheroid<double>>(wgs84));
  }
  return haversine_m(a, b);
}

}  // namespace saring
