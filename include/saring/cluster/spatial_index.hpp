// A static index of WGS84 points answering "which points lie within r metres of here?".
//
// Points are placed in a uniform grid of cubic cells over their unit-sphere (3-D) positions, cell
// edge = the chord of the build radius. Working on the sphere's embedding instead of lat/lon means
// nothing special happens at the poles or across the antimeridian. Every candidate is verified
// with the exact spherical haversine (scikit-learn's formula), so results are exact, not
// approximate.
//
//   saring::GeoRadiusIndex index(points, 50.0);
//   for (std::uint32_t i : index.query({-6.2, 106.8}, 50.0)) ...
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "saring/core/report.hpp"

namespace saring {

namespace detail {
struct GeoRadiusIndexImpl;
}

class GeoRadiusIndex {
 public:
  // `max_radius_m` sizes the cells: queries with a larger radius are refused. Throws
  // Error(kInvalidArgument) naming the point for NaN or out-of-range coordinates, or for a radius
  // that is not in (0, 1e7] metres.
  GeoRadiusIndex(std::span<const LatLon> points, double max_radius_m);
  ~GeoRadiusIndex();
  GeoRadiusIndex(GeoRadiusIndex&&) noexcept;
  GeoRadiusIndex& operator=(GeoRadiusIndex&&) noexcept;

  std::size_t size() const;
  double max_radius_m() const;

  // Indices (into the build span) of points whose haversine distance to `center` is <= radius_m,
  // in ascending order.
  std::vector<std::uint32_t> query(LatLon center, double radius_m) const;

 private:
  std::unique_ptr<detail::GeoRadiusIndexImpl> impl_;
};

}  // namespace saring
