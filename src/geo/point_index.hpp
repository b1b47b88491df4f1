// saring's own point-in-polygon index over the polygons of one level: a uniform grid whose cells
// remember either "no edge crosses me, I am inside polygon k / outside everything" (answered in
// O(1)) or, for cells that edges cross, the candidate polygons with their state at the cell's
// centre and the edges inside the cell. A query in such a cell walks from the centre to the point
// along an L (horizontal, then vertical) and flips each candidate's state at every edge crossed,
// so it touches only the few edges of its own cell. GEOS builds and repairs the polygons; this
// only reads their coordinates.
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
  struct Candidate {           // one polygon with edges in (or containing the centre of) a cell
    std::int32_t polygon;
    std::uint32_t edge_begin;  // into cell_edges_
    std::uint32_t edge_end;
    bool centre_inside;
  };
  static constexpr std::int32_t kEmpty = -1;
  // Cell values: >= 0 polygon, kEmpty, or kMixedBase - m for mixed cell m.
  static constexpr std::int32_t kMixedBase = -2;

  std::int32_t find_mixed(std::size_t mixed, std::size_t row, std::size_t col, double x, double y) const noexcept;

  std::size_t polygon_count_ = 0;
  std::size_t edge_count_ = 0;
  double min_x_ = 0, min_y_ = 0, max_x_ = 0, max_y_ = 0;
  double inv_cell_w_ = 0, inv_cell_h_ = 0, cell_w_ = 0, cell_h_ = 0;
  std::size_t cols_ = 0, rows_ = 0;
  std::vector<std::int32_t> cells_;             // rows_ * cols_
  std::vector<std::uint32_t> mixed_start_;      // per mixed cell, into candidates_ (+1 sentinel)
  std::vector<Candidate> candidates_;
  std::vector<Edge> cell_edges_;
};

}  // namespace saring::detail
