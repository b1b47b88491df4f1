// saring's own point-in-polygon index: every ring of every polygon of one level flattened into an
// edge array, bucketed by horizontal grid rows, plus a uniform grid whose cells remember either
// "no edge crosses me and I am inside polygon k / outside everything" (answered in O(1)) or
// "edges cross me" (answered by an even-odd crossing count over the row's edges). GEOS builds and
// repairs the polygons; this only reads their coordinates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace saring::detail {

struct Ring {
  std::vector<double> x;  // lon; closed or not, the last edge back to the first point is implied
  std::vector<double> y;  // lat
};

struct PolygonRings {
  std::vector<Ring> rings;  // shells and holes alike: the even-odd rule needs no distinction
};

class PointIndex {
 public:
  PointIndex() = default;
  // `max_cells` caps the grid; the grid aims at ~64 cells per edge below that cap.
  PointIndex(const std::vector<PolygonRings>& polygons, std::size_t max_cells);

  // The lowest polygon index containing (x, y), or -1. Not finite -> -1.
  std::int32_t find(double x, double y) const noexcept;
  bool empty() const noexcept { return polygon_count_ == 0; }
  std::size_t edge_count() const noexcept { return edge_count_; }
  std::size_t cell_count() const noexcept { return cells_.size(); }

 private:
  struct Edge {
    double x0, y0, x1, y1;
    std::int32_t polygon;
  };
  static constexpr std::int32_t kEmpty = -1;
  static constexpr std::int32_t kMixed = -2;

  std::int32_t scan_row(std::size_t row, double x, double y) const noexcept;

  std::size_t polygon_count_ = 0;
  std::size_t edge_count_ = 0;
  double min_x_ = 0, min_y_ = 0, max_x_ = 0, max_y_ = 0;
  double inv_cell_w_ = 0, inv_cell_h_ = 0;
  std::size_t cols_ = 0, rows_ = 0;
  std::vector<std::int32_t> cells_;        // rows_ * cols_: polygon, kEmpty or kMixed
  std::vector<std::uint32_t> row_start_;   // rows_ + 1 offsets into row_edges_
  std::vector<Edge> row_edges_;            // per row, sorted by polygon
};

}  // namespace saring::detail
