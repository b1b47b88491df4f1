// Distances between WGS84 positions, in metres.
//
// The default model is the sphere of mean radius 6371008.8 m evaluated with exactly the haversine
// formula scikit-learn uses (same operations, same order), so that a distance that lands exactly on
// a clustering radius is judged the same way here and there. The ellipsoid models come from
// Boost.Geometry's geographic strategies for callers who want survey-grade lengths.
//
//   double d = saring::haversine_m({-6.2, 106.8}, {-6.201, 106.8});          // ~111.2 m
//   double e = saring::geodesic_distance_m(a, b, saring::GeodesicModel::kVincenty);
#pragma once

#include <string_view>

#include "saring/core/report.hpp"

namespace saring {

// Mean Earth radius (IUGG R1), the value scikit-learn users divide by to turn metres into radians.
inline constexpr double kEarthRadiusM = 6371008.8;

enum class GeodesicModel {
  kSphere,    // haversine on the sphere of radius kEarthRadiusM (scikit-learn's formula)
  kAndoyer,   // WGS84 ellipsoid, Boost.Geometry andoyer (first-order, ~metre accuracy)
  kThomas,    // WGS84 ellipsoid, Boost.Geometry thomas (second-order)
  kVincenty,  // WGS84 ellipsoid, Boost.Geometry vincenty (iterative, sub-millimetre)
};

// "sphere", "andoyer", "thomas", "vincenty"; throws Error(kInvalidArgument) on other names.
GeodesicModel parse_geodesic_model(std::string_view name);
std::string_view geodesic_model_name(GeodesicModel model);

// scikit-learn's reduced haversine distance between two points given in radians:
// sin^2((lat1-lat2)/2) + cos(lat1) cos(lat2) sin^2((lon1-lon2)/2). Monotone in the distance;
// the clustering code compares this value against sin^2(eps/2) just as scikit-learn's trees do.
double haversine_reduced(double lat1_rad, double lon1_rad, double lat2_rad, double lon2_rad);

// Great-circle distance in metres on the sphere of radius kEarthRadiusM (degrees in).
double haversine_m(LatLon a, LatLon b);

// Distance in metres under the chosen model. Coordinates must be finite with |lat| <= 90 and
// |lon| <= 180; otherwise throws Error(kInvalidArgument) naming the value.
double geodesic_distance_m(LatLon a, LatLon b, GeodesicModel model = GeodesicModel::kSphere);

// Degrees to radians exactly as numpy.radians does (x * (pi / 180)), so inputs fed to
// scikit-learn as np.radians(deg) and to saring as degrees become the same doubles.
inline double degrees_to_radians(double deg) { return deg * (3.14159265358979323846 / 180.0); }

// True when lat/lon are finite and inside [-90, 90] x [-180, 180].
bool valid_lat_lon(double lat, double lon);

}  // namespace saring
