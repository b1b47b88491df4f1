#include "saring/cluster/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "cluster/sphere_grid.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace detail {

struct GeoRadiusIndexImpl {
  double max_radius_m = 0;
  Radius radius;
  std::vector<SpherePoint> pts;      // in cell order
  std::vector<std::uint32_t> orig;   // build index of each
  std::vector<std::uint32_t> start;  // per cell
  CellMap map;
};

}  // namespace detail

static void check_radius(double r, const char* what) {
  if (!(std::isfinite(r) && r > 0 && r <= 1e7))
    throw Error(ErrorCode::kInvalidArgument,
                std::string("GeoRadiusIndex: ") + what + " " + std::to_string(r) + " is not in (0, 1e7] metres");
}

GeoRadiusIndex::GeoRadiusIndex(std::span<const LatLon> points, double max_radius_m)
    : impl_(std::make_unique<detail::GeoRadiusIndexImpl>()) {
  check_radius(max_radius_m, "max_radius_m");
  if (points.size() >= 0xfffffff0u) throw Error(ErrorCode::kLimitExceeded, "GeoRadiusIndex: more than 4e9 points");
  auto& im = *impl_;
  im.max_radius_m = max_radius_m;
  im.radius = detail::make_radius(max_radius_m);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order(points.size());
  std::vector<detail::SpherePoint> raw(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!valid_lat_lon(points[i].lat, points[i].lon))
      throw Error(ErrorCode::kInvalidArgument, "GeoRadiusIndex: point " + std::to_string(i) + " (" +
                                                   std::to_string(points[i].lat) + ", " +
                                                   std::to_string(points[i].lon) + ") is not a valid lat/lon");
    raw[i] = detail::make_sphere_point(points[i].lat, points[i].lon);
    order[i] = {detail::cell_key(raw[i], im.radius.cell), static_cast<std::uint32_t>(i)};
  }
  std::sort(order.begin(), order.end());
  im.map = detail::CellMap(points.size() / 4 + 16);
  for (std::size_t k = 0; k < order.size(); ++k) {
    im.pts.push_back(raw[order[k].second]);
    im.orig.push_back(order[k].second);
    if (k == 0 || order[k].first != order[k - 1].first) {
      im.map.insert(order[k].first, static_cast<std::uint32_t>(im.start.size()));
      im.start.push_back(static_cast<std::uint32_t>(k));
    }
  }
  im.start.push_back(static_cast<std::uint32_t>(order.size()));
}

GeoRadiusIndex::~GeoRadiusIndex() = default;
GeoRadiusIndex::GeoRadiusIndex(GeoRadiusIndex&&) noexcept = default;
GeoRadiusIndex& GeoRadiusIndex::operator=(GeoRadiusIndex&&) noexcept = default;

std::size_t GeoRadiusIndex::size() const { return impl_->pts.size(); }
double GeoRadiusIndex::max_radius_m() const { return impl_->max_radius_m; }

std::vector<std::uint32_t> GeoRadiusIndex::query(LatLon center, double radius_m) const {
  check_radius(radius_m, "radius_m");
  if (radius_m > impl_->max_radius_m)
    throw Error(ErrorCode::kInvalidArgument, "GeoRadiusIndex: query radius " + std::to_string(radius_m) +
                                                 " m exceeds the index's max_radius_m " +
                                                 std::to_string(impl_->max_radius_m));
  if (!valid_lat_lon(center.lat, center.lon))
    throw Error(ErrorCode::kInvalidArgument, "GeoRadiusIndex: query centre (" + std::to_string(center.lat) + ", " +
                                                 std::to_string(center.lon) + ") is not a valid lat/lon");
  const auto& im = *impl_;
  const detail::Radius r = detail::make_radius(radius_m);
  const detail::SpherePoint c = detail::make_sphere_point(center.lat, center.lon);
  std::uint64_t keys[27];
  detail::neighbour_keys(detail::cell_key(c, im.radius.cell), keys);
  std::vector<std::uint32_t> out;
  for (std::uint64_t k : keys) {
    const std::uint32_t cell = im.map.find(k);
    if (cell == detail::CellMap::kMissing) continue;
    for (std::uint32_t i = im.start[cell]; i < im.start[cell + 1]; ++i)
      if (detail::within(c, im.pts[i], r)) out.push_back(im.orig[i]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace saring
