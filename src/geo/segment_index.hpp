// saring's own nearest-boundary search over the polygons of one level (private): which boundary
// segment lies nearest a point, in planar lon/lat, and the nearest point on it. It answers what
// GEOS's STRtree-nearest + GEOSNearestPoints answered for AreaSet::distance_to_level_m (the same
// segments in the same order, the same closest-point arithmetic, ties to the segment GEOS meets
// first), without GEOS's per-call brute force over every vertex of the area and without its lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "geo/point_index.hpp"

namespace saring::detail {

class SegmentIndex {
 public:
  struct Nearest {
    std::int32_t polygon = -1;  // -1 when the index is empty or the point not finite
    double x = 0, y = 0;        // nearest point on the boundary (lon, lat)
    double distance = 0;        // planar distance in degrees (point-to-segment)
  };

  SegmentIndex() = default;
  // Rings must be closed coordinate sequences as GEOS holds them (last point == first): segment
  // i joins points i and i+1. `max_cells` caps the grid.
  SegmentIndex(const std::vector<PolygonRings>& polygons, std::size_t max_cells);

  // The boundary segment nearest to (x, y) over all polygons; among segments at the same
  // distance, the first in (polygon, ring, segment) order.
  Nearest nearest(double x, double y) const noexcept;
  bool empty() const noexcept { return segments_.empty(); }
  std::size_t segment_count() const noexcept { return segments_.size(); }

 private:
  struct Segment {
    double x0, y0, x1, y1;
    std::uint32_t order;  // position in (polygon, ring, segment) order
    std::int32_t polygon;
  };
  double min_x_ = 0, min_y_ = 0, cell_w_ = 1, cell_h_ = 1;
  std::size_t cols_ = 0, rows_ = 0;
  std::vector<Segment> segments_;
  std::vector<std::uint32_t> cell_start_;  // rows_ * cols_ + 1, into cell_segments_
  std::vector<std::uint32_t> cell_segments_;
};

// Planar distance from (px, py) to the segment (x0, y0)-(x1, y1), and the nearest point on it.
double point_segment_distance(double px, double py, double x0, double y0, double x1, double y1) noexcept;
void closest_point_on_segment(double px, double py, double x0, double y0, double x1, double y1, double& cx,
                              double& cy) noexcept;

}  // namespace saring::detail
