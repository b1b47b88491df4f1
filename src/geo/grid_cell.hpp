// Shared by saring's two uniform grids over the city (point_index, segment_index).
#pragma once

#include <cstddef>

namespace saring::detail {

// The grid row or column of a coordinate already scaled to cell units, clamped into [0, n): a
// point outside the grid's box (or NaN) lands in the nearest border cell, which the queries handle.
inline std::size_t clamp_grid_cell(double v, std::size_t n) {
  if (!(v > 0)) return 0;  // also NaN
  if (v >= static_cast<double>(n)) return n - 1;
  return static_cast<std::size_t>(v);
}

}  // namespace saring::detail
