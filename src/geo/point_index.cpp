#include "geo/point_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "saring/core/error.hpp"

namespace saring::detail {

namespace {

std::size_t clamp_index(double v, std::size_t n) {
  if (!(v > 0)) return 0;  // also NaN
  if (v >= static_cast<double>(n)) return n - 1;
  return static_cast<std::size_t>(v);
}

}  // namespace

PointIndex::PointIndex(const std::vector<PolygonRings>& polygons, std::size_t max_cells) {
  if (polygons.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw Error(ErrorCode::kLimitExceeded, "point index: too many polygons");
  polygon_count_ = polygons.size();
  std::vector<Edge> edges;
  min_x_ = min_y_ = std::numeric_limits<double>::infinity();
  max_x_ = max_y_ = -std::numeric_limits<double>::infinity();
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    for (const Ring& ring : polygons[p].rings) {
      const std::size_t n = ring.x.size();
      if (n < 2) continue;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t j = (i + 1) % n;
        const Edge e{ring.x[i], ring.y[i], ring.x[j], ring.y[j], static_cast<std::int32_t>(p)};
        if (e.x0 == e.x1 && e.y0 == e.y1) continue;  // the closing duplicate, or a repeated vertex
        edges.push_back(e);
        min_x_ = std::min({min_x_, e.x0, e.x1});
        max_x_ = std::max({max_x_, e.x0, e.x1});
        min_y_ = std::min({min_y_, e.y0, e.y1});
        max_y_ = std::max({max_y_, e.y0, e.y1});
      }
    }
  }
  edge_count_ = edges.size();
  if (edges.empty()) {
    polygon_count_ = 0;
    return;
  }
  // Pad the box so points on its far edge still map into the last cell.
  const double pad_x = std::max((max_x_ - min_x_) * 1e-9, 1e-9);
  const double pad_y = std::max((max_y_ - min_y_) * 1e-9, 1e-9);
  min_x_ -= pad_x;
  max_x_ += pad_x;
  min_y_ -= pad_y;
  max_y_ += pad_y;
  const double w = max_x_ - min_x_, h = max_y_ - min_y_;

  // ~64 cells per edge keeps most cells edge-free (answered from the grid alone) while the grid
  // of a 15k-edge level stays around 4 MB.
  const double target = std::clamp(static_cast<double>(edges.size()) * 64.0, 1024.0,
                                   static_cast<double>(std::max<std::size_t>(max_cells, 16)));
  cols_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::sqrt(target * w / h)));
  rows_ = std::max<std::size_t>(1, static_cast<std::size_t>(target / static_cast<double>(cols_)));
  cols_ = std::min<std::size_t>(cols_, 1 << 16);
  rows_ = std::min<std::size_t>(rows_, 1 << 16);
  inv_cell_w_ = static_cast<double>(cols_) / w;
  inv_cell_h_ = static_cast<double>(rows_) / h;
  const double cell_h = h / static_cast<double>(rows_);

  auto row_of = [&](double y) { return clamp_index((y - min_y_) * inv_cell_h_, rows_); };
  auto col_of = [&](double x) { return clamp_index((x - min_x_) * inv_cell_w_, cols_); };

  // Row buckets (CSR) of the non-horizontal edges: a horizontal edge never crosses a horizontal ray
  // under the half-open rule, so it only matters for marking cells.
  std::vector<std::uint32_t> counts(rows_ + 1, 0);
  for (const Edge& e : edges) {
    if (e.y0 == e.y1) continue;
    const std::size_t r0 = row_of(std::min(e.y0, e.y1)), r1 = row_of(std::max(e.y0, e.y1));
    for (std::size_t r = r0; r <= r1; ++r) ++counts[r];
  }
  row_start_.assign(rows_ + 1, 0);
  for (std::size_t r = 0; r < rows_; ++r) row_start_[r + 1] = row_start_[r] + counts[r];
  if (row_start_[rows_] > 400'000'000u)
    throw Error(ErrorCode::kLimitExceeded, "point index: polygons too large for the grid");
  row_edges_.resize(row_start_[rows_]);
  std::vector<std::uint32_t> fill(row_start_.begin(), row_start_.end() - 1);
  for (const Edge& e : edges) {  // edges are in polygon order, so each row stays sorted by polygon
    if (e.y0 == e.y1) continue;
    const std::size_t r0 = row_of(std::min(e.y0, e.y1)), r1 = row_of(std::max(e.y0, e.y1));
    for (std::size_t r = r0; r <= r1; ++r) row_edges_[fill[r]++] = e;
  }

  // Mark the cells that edges pass through, one column of slack either side against rounding.
  cells_.assign(rows_ * cols_, kEmpty);
  for (const Edge& e : edges) {
    const double ylo = std::min(e.y0, e.y1), yhi = std::max(e.y0, e.y1);
    const std::size_t r0 = row_of(ylo), r1 = row_of(yhi);
    for (std::size_t r = r0; r <= r1; ++r) {
      double xa, xb;
      if (e.y0 == e.y1) {
        xa = std::min(e.x0, e.x1);
        xb = std::max(e.x0, e.x1);
      } else {
        const double band0 = std::max(ylo, min_y_ + static_cast<double>(r) * cell_h);
        const double band1 = std::min(yhi, min_y_ + static_cast<double>(r + 1) * cell_h);
        const double t0 = (band0 - e.y0) / (e.y1 - e.y0), t1 = (band1 - e.y0) / (e.y1 - e.y0);
        const double xt0 = e.x0 + t0 * (e.x1 - e.x0), xt1 = e.x0 + t1 * (e.x1 - e.x0);
        xa = std::min(xt0, xt1);
        xb = std::max(xt0, xt1);
      }
      std::size_t c0 = col_of(xa), c1 = col_of(xb);
      c0 = c0 > 0 ? c0 - 1 : 0;
      c1 = std::min(c1 + 1, cols_ - 1);
      std::fill(cells_.begin() + static_cast<std::ptrdiff_t>(r * cols_ + c0),
                cells_.begin() + static_cast<std::ptrdiff_t>(r * cols_ + c1 + 1), kMixed);
    }
  }

  // Edge-free cells take the state of their centre: per row, the crossings of the centre line
  // with each polygon's edges give the inside intervals (even-odd), filled lowest polygon first.
  std::vector<double> xs;
  for (std::size_t r = 0; r < rows_; ++r) {
    const double yc = min_y_ + (static_cast<double>(r) + 0.5) * cell_h;
    const std::uint32_t begin = row_start_[r], end = row_start_[r + 1];
    std::uint32_t i = begin;
    while (i < end) {
      const std::int32_t poly = row_edges_[i].polygon;
      xs.clear();
      for (; i < end && row_edges_[i].polygon == poly; ++i) {
        const Edge& e = row_edges_[i];
        if ((e.y0 > yc) != (e.y1 > yc)) xs.push_back(e.x0 + (yc - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0));
      }
      std::sort(xs.begin(), xs.end());
      for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
        // Cells whose centre x lies in (xs[k], xs[k+1]).
        const double ca = (xs[k] - min_x_) * inv_cell_w_ - 0.5, cb = (xs[k + 1] - min_x_) * inv_cell_w_ - 0.5;
        const double first = std::max(0.0, std::floor(ca) + 1.0);
        const double last = std::min(static_cast<double>(cols_) - 1.0, std::ceil(cb) - 1.0);
        for (double c = first; c <= last; c += 1.0) {
          std::int32_t& cell = cells_[r * cols_ + static_cast<std::size_t>(c)];
          if (cell == kEmpty) cell = poly;
        }
      }
    }
  }
}

std::int32_t PointIndex::scan_row(std::size_t row, double x, double y) const noexcept {
  const Edge* e = row_edges_.data() + row_start_[row];
  const Edge* end = row_edges_.data() + row_start_[row + 1];
  while (e != end) {
    const std::int32_t poly = e->polygon;
    bool inside = false;
    for (; e != end && e->polygon == poly; ++e) {
      if ((e->y0 > y) != (e->y1 > y)) {
        const double xi = e->x0 + (y - e->y0) * (e->x1 - e->x0) / (e->y1 - e->y0);
        inside ^= (x < xi);
      }
    }
    if (inside) return poly;
  }
  return kEmpty;
}

std::int32_t PointIndex::find(double x, double y) const noexcept {
  if (polygon_count_ == 0) return kEmpty;
  // The comparisons are false for NaN, so NaN falls out here too.
  if (!(x >= min_x_ && x <= max_x_ && y >= min_y_ && y <= max_y_)) return kEmpty;
  const std::size_t r = clamp_index((y - min_y_) * inv_cell_h_, rows_);
  const std::size_t c = clamp_index((x - min_x_) * inv_cell_w_, cols_);
  const std::int32_t v = cells_[r * cols_ + c];
  return v == kMixed ? scan_row(r, x, y) : v;
}

}  // namespace saring::detail
