#include "geo/segment_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/grid_cell.hpp"
#include "saring/core/error.hpp"

namespace saring::detail {

namespace {

double length(double dx, double dy) { return std::sqrt(dx * dx + dy * dy); }

// Slack on the search's lower bound: cell edges are computed as min + i * width while segments
// were binned by floor((v - min) / width); the two round differently by far less than this.
constexpr double kBoundSlack = 1e-12;

}  // namespace

double point_segment_distance(double px, double py, double x0, double y0, double x1, double y1) noexcept {
  if (x0 == x1 && y0 == y1) return length(px - x0, py - y0);
  const double dx = x1 - x0, dy = y1 - y0;
  const double len2 = dx * dx + dy * dy;
  // Where the perpendicular from p meets the segment's line, as a fraction of the segment.
  const double r = ((px - x0) * dx + (py - y0) * dy) / len2;
  if (r <= 0.0) return length(px - x0, py - y0);
  if (r >= 1.0) return length(px - x1, py - y1);
  // Otherwise the perpendicular distance: the cross product over the length.
  const double s = ((y0 - py) * dx - (x0 - px) * dy) / len2;
  return std::fabs(s) * std::sqrt(len2);
}

void closest_point_on_segment(double px, double py, double x0, double y0, double x1, double y1, double& cx,
                              double& cy) noexcept {
  double r;
  if (px == x0 && py == y0) {
    r = 0.0;
  } else if (px == x1 && py == y1) {
    r = 1.0;
  } else {
    const double dx = x1 - x0, dy = y1 - y0;
    r = ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy);
  }
  if (r > 0 && r < 1) {
    cx = x0 + r * (x1 - x0);
    cy = y0 + r * (y1 - y0);
    return;
  }
  // Beyond either end (or a point segment): the nearer endpoint, the far one on a tie.
  if (length(x0 - px, y0 - py) < length(x1 - px, y1 - py)) {
    cx = x0;
    cy = y0;
  } else {
    cx = x1;
    cy = y1;
  }
}

SegmentIndex::SegmentIndex(const std::vector<PolygonRings>& polygons, std::size_t max_cells) {
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x;
  double max_x = -min_x, max_y = -min_x;
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    for (const Ring& ring : polygons[p].rings) {
      for (std::size_t i = 0; i + 1 < ring.x.size(); ++i) {
        if (segments_.size() >= std::numeric_limits<std::uint32_t>::max() / 2)
          throw Error(ErrorCode::kLimitExceeded, "segment index: too many segments");
        const Segment s{ring.x[i], ring.y[i], ring.x[i + 1], ring.y[i + 1],
                        static_cast<std::uint32_t>(segments_.size()), static_cast<std::int32_t>(p)};
        segments_.push_back(s);
        min_x = std::min({min_x, s.x0, s.x1});
        max_x = std::max({max_x, s.x0, s.x1});
        min_y = std::min({min_y, s.y0, s.y1});
        max_y = std::max({max_y, s.y0, s.y1});
      }
    }
  }
  if (segments_.empty()) return;
  const double w = std::max(max_x - min_x, 1e-9), h = std::max(max_y - min_y, 1e-9);
  min_x_ = min_x;
  min_y_ = min_y;
  // About one segment per cell, coarsened while long segments would make the cell lists
  // (segment-cell incidences) exceed a budget linear in the segment count.
  double target = std::clamp(static_cast<double>(segments_.size()), 16.0,
                             static_cast<double>(std::max<std::size_t>(max_cells, 16)));
  const double budget = 16.0 * static_cast<double>(segments_.size()) + 1e6;
  for (;;) {
    cols_ = std::clamp<std::size_t>(static_cast<std::size_t>(std::sqrt(target * w / h)), 1, 1 << 14);
    rows_ = std::clamp<std::size_t>(static_cast<std::size_t>(target / static_cast<double>(cols_)), 1, 1 << 14);
    cell_w_ = w / static_cast<double>(cols_);
    cell_h_ = h / static_cast<double>(rows_);
    double incidences = 0;
    for (const Segment& s : segments_) {
      const double cx = std::floor(std::fabs(s.x1 - s.x0) / cell_w_) + 2, cy = std::floor(std::fabs(s.y1 - s.y0) / cell_h_) + 2;
      incidences += cx * cy;
    }
    if (incidences <= budget || target <= 16) break;
    target /= 4;
  }
  // Counting sort of (cell, segment) incidences: cell lists in segment order.
  const auto cell_range = [&](const Segment& s, std::size_t& c0, std::size_t& c1, std::size_t& r0, std::size_t& r1) {
    c0 = clamp_grid_cell((std::min(s.x0, s.x1) - min_x_) / cell_w_, cols_);
    c1 = clamp_grid_cell((std::max(s.x0, s.x1) - min_x_) / cell_w_, cols_);
    r0 = clamp_grid_cell((std::min(s.y0, s.y1) - min_y_) / cell_h_, rows_);
    r1 = clamp_grid_cell((std::max(s.y0, s.y1) - min_y_) / cell_h_, rows_);
  };
  cell_start_.assign(rows_ * cols_ + 1, 0);
  for (const Segment& s : segments_) {
    std::size_t c0, c1, r0, r1;
    cell_range(s, c0, c1, r0, r1);
    for (std::size_t r = r0; r <= r1; ++r)
      for (std::size_t c = c0; c <= c1; ++c) ++cell_start_[r * cols_ + c + 1];
  }
  for (std::size_t i = 1; i < cell_start_.size(); ++i) cell_start_[i] += cell_start_[i - 1];
  cell_segments_.resize(cell_start_.back());
  std::vector<std::uint32_t> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (const Segment& s : segments_) {
    std::size_t c0, c1, r0, r1;
    cell_range(s, c0, c1, r0, r1);
    for (std::size_t r = r0; r <= r1; ++r)
      for (std::size_t c = c0; c <= c1; ++c) cell_segments_[fill[r * cols_ + c]++] = s.order;
  }
}

SegmentIndex::Nearest SegmentIndex::nearest(double x, double y) const noexcept {
  Nearest out;
  if (segments_.empty() || !std::isfinite(x) || !std::isfinite(y)) return out;
  double best = std::numeric_limits<double>::infinity();
  std::uint32_t best_order = std::numeric_limits<std::uint32_t>::max();
  const auto visit = [&](std::size_t row, std::size_t col) {
    const std::size_t cell = row * cols_ + col;
    for (std::uint32_t k = cell_start_[cell]; k < cell_start_[cell + 1]; ++k) {
      const Segment& s = segments_[cell_segments_[k]];
      const double d = point_segment_distance(x, y, s.x0, s.y0, s.x1, s.y1);
      if (d < best || (d == best && s.order < best_order)) {
        best = d;
        best_order = s.order;
      }
    }
  };
  // Grow a rectangle of cells around the point's (clamped) cell one ring at a time until every
  // cell outside it lies farther than the best segment found.
  const std::size_t cc = clamp_grid_cell((x - min_x_) / cell_w_, cols_), cr = clamp_grid_cell((y - min_y_) / cell_h_, rows_);
  std::size_t c0 = cc, c1 = cc, r0 = cr, r1 = cr;
  visit(cr, cc);
  for (;;) {
    double bound = std::numeric_limits<double>::infinity();
    const bool left = c0 > 0, right = c1 + 1 < cols_, down = r0 > 0, up = r1 + 1 < rows_;
    if (!left && !right && !down && !up) break;
    if (left) bound = std::min(bound, std::max(0.0, x - (min_x_ + static_cast<double>(c0) * cell_w_)));
    if (right) bound = std::min(bound, std::max(0.0, min_x_ + static_cast<double>(c1 + 1) * cell_w_ - x));
    if (down) bound = std::min(bound, std::max(0.0, y - (min_y_ + static_cast<double>(r0) * cell_h_)));
    if (up) bound = std::min(bound, std::max(0.0, min_y_ + static_cast<double>(r1 + 1) * cell_h_ - y));
    if (bound > best + kBoundSlack) break;
    const std::size_t n0 = left ? c0 - 1 : c0, n1 = right ? c1 + 1 : c1;
    const std::size_t m0 = down ? r0 - 1 : r0, m1 = up ? r1 + 1 : r1;
    for (std::size_t r = m0; r <= m1; ++r) {
      if (r < r0 || r > r1) {
        for (std::size_t c = n0; c <= n1; ++c) visit(r, c);
      } else {
        if (left) visit(r, n0);
        if (right) visit(r, n1);
      }
    }
    c0 = n0;
    c1 = n1;
    r0 = m0;
    r1 = m1;
  }
  const Segment& s = segments_[best_order];
  out.polygon = s.polygon;
  out.distance = best;
  closest_point_on_segment(x, y, s.x0, s.y0, s.x1, s.y1, out.x, out.y);
  return out;
}

}  // namespace saring::detail
