#include "geo/point_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/grid_cell.hpp"
#include "saring/core/error.hpp"

namespace saring::detail {

namespace {

// Where a non-horizontal edge crosses the horizontal line y. One expression everywhere, so the
// build and the query round identically.
inline double cross_x(double x0, double y0, double x1, double y1, double y) {
  return x0 + (y - y0) * (x1 - x0) / (y1 - y0);
}

}  // namespace

PointIndex::PointIndex(const std::vector<PolygonRings>& polygons, std::size_t max_cells) {
  if (polygons.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 2))
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

  // ~64 cells per edge keeps most cells edge-free (answered from the grid alone) and the crossed
  // ones down to a handful of edges, while the grid of a 15k-edge level stays around 4 MB. Long
  // edges touch many cells; the grid is coarsened until the edge-cell incidences fit a budget
  // linear in the edge count, so hostile input cannot blow up memory or build time.
  double target = std::clamp(static_cast<double>(edges.size()) * 64.0, 1024.0,
                             static_cast<double>(std::max<std::size_t>(max_cells, 16)));
  const double budget = 16.0 * static_cast<double>(edges.size()) + 4e6;
  for (;;) {
    cols_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::sqrt(target * w / h)));
    rows_ = std::max<std::size_t>(1, static_cast<std::size_t>(target / static_cast<double>(cols_)));
    cols_ = std::min<std::size_t>(cols_, 1 << 16);
    rows_ = std::min<std::size_t>(rows_, 1 << 16);
    const double ew = w / static_cast<double>(cols_), eh = h / static_cast<double>(rows_);
    double estimate = 0;  // rows spanned x (columns spanned per row + slack), per edge
    for (const Edge& e : edges) {
      const double dx = std::fabs(e.x1 - e.x0), dy = std::fabs(e.y1 - e.y0);
      const double per_row = dy > eh ? dx * eh / dy : dx;
      estimate += (dy / eh + 2.0) * (per_row / ew + 4.0);
    }
    if (estimate <= budget) break;
    if (target <= 1024.0)
      throw Error(ErrorCode::kLimitExceeded, "point index: polygons too large or too spiky for the grid (" +
                                                 std::to_string(edges.size()) + " edges)");
    target = std::max(1024.0, target / 4.0);
  }
  inv_cell_w_ = static_cast<double>(cols_) / w;
  inv_cell_h_ = static_cast<double>(rows_) / h;
  cell_w_ = w / static_cast<double>(cols_);
  cell_h_ = h / static_cast<double>(rows_);

  auto row_of = [&](double y) { return clamp_grid_cell((y - min_y_) * inv_cell_h_, rows_); };
  auto col_of = [&](double x) { return clamp_grid_cell((x - min_x_) * inv_cell_w_, cols_); };

  // Rows an edge touches, and per row the columns (one column of slack either side against
  // rounding). Visited twice: to count, then to fill.
  auto for_each_cell = [&](const Edge& e, auto&& visit) {
    const double ylo = std::min(e.y0, e.y1), yhi = std::max(e.y0, e.y1);
    const std::size_t r0 = row_of(ylo), r1 = row_of(yhi);
    for (std::size_t r = r0; r <= r1; ++r) {
      double xa, xb;
      if (e.y0 == e.y1) {
        xa = std::min(e.x0, e.x1);
        xb = std::max(e.x0, e.x1);
      } else {
        const double band0 = std::max(ylo, min_y_ + static_cast<double>(r) * cell_h_);
        const double band1 = std::min(yhi, min_y_ + static_cast<double>(r + 1) * cell_h_);
        const double xt0 = cross_x(e.x0, e.y0, e.x1, e.y1, band0), xt1 = cross_x(e.x0, e.y0, e.x1, e.y1, band1);
        xa = std::min(xt0, xt1);
        xb = std::max(xt0, xt1);
      }
      std::size_t c0 = col_of(xa), c1 = col_of(xb);
      c0 = c0 > 0 ? c0 - 1 : 0;
      c1 = std::min(c1 + 1, cols_ - 1);
      for (std::size_t c = c0; c <= c1; ++c) visit(r, c);
    }
  };

  // Row buckets of the non-horizontal edges, used only here to find each polygon's crossings of
  // the cell-centre lines (a horizontal edge never crosses a horizontal line under the half-open
  // rule).
  std::vector<std::uint32_t> row_start(rows_ + 1, 0);
  for (const Edge& e : edges) {
    if (e.y0 == e.y1) continue;
    for (std::size_t r = row_of(std::min(e.y0, e.y1)), r1 = row_of(std::max(e.y0, e.y1)); r <= r1; ++r) ++row_start[r + 1];
  }
  for (std::size_t r = 0; r < rows_; ++r) row_start[r + 1] += row_start[r];
  if (row_start[rows_] > 400'000'000u) throw Error(ErrorCode::kLimitExceeded, "point index: polygons too large for the grid");
  std::vector<std::uint32_t> row_edges(row_start[rows_]);
  {
    std::vector<std::uint32_t> fill(row_start.begin(), row_start.end() - 1);
    for (std::uint32_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      if (e.y0 == e.y1) continue;
      for (std::size_t r = row_of(std::min(e.y0, e.y1)), r1 = row_of(std::max(e.y0, e.y1)); r <= r1; ++r)
        row_edges[fill[r]++] = i;  // edges are in polygon order, so rows stay sorted by polygon
    }
  }

  // Cells crossed by edges: CSR of edge indices per cell (sorted by polygon, as edges are).
  cells_.assign(rows_ * cols_, kEmpty);
  std::vector<std::uint32_t> cell_count(rows_ * cols_ + 1, 0);
  for (const Edge& e : edges) for_each_cell(e, [&](std::size_t r, std::size_t c) { ++cell_count[r * cols_ + c + 1]; });
  std::uint64_t total = 0;
  for (std::size_t i = 1; i < cell_count.size(); ++i) total += cell_count[i];
  if (total > 400'000'000u) throw Error(ErrorCode::kLimitExceeded, "point index: polygons too large for the grid");
  for (std::size_t i = 1; i < cell_count.size(); ++i) cell_count[i] += cell_count[i - 1];
  std::vector<std::uint32_t> cell_edge_idx(total);
  {
    std::vector<std::uint32_t> fill(cell_count.begin(), cell_count.end() - 1);
    for (std::uint32_t i = 0; i < edges.size(); ++i)
      for_each_cell(edges[i], [&](std::size_t r, std::size_t c) { cell_edge_idx[fill[r * cols_ + c]++] = i; });
  }

  // Row by row: each polygon's sorted crossings of the centre line give the state of every cell
  // centre (inside iff an odd number of crossings lie to the right, the half-open ray rule the
  // queries use). Edge-free cells take that state for good; crossed cells store it per candidate.
  struct Run {
    std::int32_t polygon;
    std::uint32_t begin, end;  // into xs
  };
  std::vector<double> xs;
  std::vector<Run> runs;
  std::vector<std::int32_t> cand;
  for (std::size_t r = 0; r < rows_; ++r) {
    const double yc = min_y_ + (static_cast<double>(r) + 0.5) * cell_h_;
    xs.clear();
    runs.clear();
    for (std::uint32_t k = row_start[r]; k < row_start[r + 1];) {
      const std::int32_t poly = edges[row_edges[k]].polygon;
      const auto begin = static_cast<std::uint32_t>(xs.size());
      for (; k < row_start[r + 1] && edges[row_edges[k]].polygon == poly; ++k) {
        const Edge& e = edges[row_edges[k]];
        if ((e.y0 > yc) != (e.y1 > yc)) xs.push_back(cross_x(e.x0, e.y0, e.x1, e.y1, yc));
      }
      std::sort(xs.begin() + begin, xs.end());
      if (xs.size() > begin) runs.push_back({poly, begin, static_cast<std::uint32_t>(xs.size())});
    }
    auto inside_at = [&](const Run& run, double cx) {
      const auto above = xs.begin() + run.end - std::upper_bound(xs.begin() + run.begin, xs.begin() + run.end, cx);
      return (above & 1) != 0;
    };
    // Edge-free cells: fill each polygon's inside intervals, lowest polygon first. (No boundary
    // comes within a cell of these centres, so rounding at interval ends cannot matter.)
    for (const Run& run : runs) {
      for (std::uint32_t k = run.begin; k + 1 < run.end; k += 2) {
        const double ca = (xs[k] - min_x_) * inv_cell_w_ - 0.5, cb = (xs[k + 1] - min_x_) * inv_cell_w_ - 0.5;
        const double first = std::max(0.0, std::ceil(ca));
        const double last = std::min(static_cast<double>(cols_) - 1.0, std::ceil(cb) - 1.0);
        for (double c = first; c <= last; c += 1.0) {
          const std::size_t cell = r * cols_ + static_cast<std::size_t>(c);
          if (cells_[cell] == kEmpty && cell_count[cell] == cell_count[cell + 1]) cells_[cell] = run.polygon;
        }
      }
    }
    for (std::size_t c = 0; c < cols_; ++c) {
      const std::size_t cell = r * cols_ + c;
      if (cell_count[cell] == cell_count[cell + 1]) continue;
      const double cx = min_x_ + (static_cast<double>(c) + 0.5) * cell_w_;
      // Candidates: polygons with edges here, and polygons whose interior holds the centre.
      cand.clear();
      for (std::uint32_t k = cell_count[cell]; k < cell_count[cell + 1]; ++k) cand.push_back(edges[cell_edge_idx[k]].polygon);
      for (const Run& run : runs)
        if (inside_at(run, cx)) cand.push_back(run.polygon);
      std::sort(cand.begin(), cand.end());
      cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
      const std::size_t mixed = mixed_start_.size();
      if (mixed > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 8))
        throw Error(ErrorCode::kLimitExceeded, "point index: too many crossed cells");
      cells_[cell] = kMixedBase - static_cast<std::int32_t>(mixed);
      mixed_start_.push_back(static_cast<std::uint32_t>(candidates_.size()));
      for (std::int32_t poly : cand) {
        Candidate cd{poly, static_cast<std::uint32_t>(cell_edges_.size()), 0, false};
        for (std::uint32_t k = cell_count[cell]; k < cell_count[cell + 1]; ++k)
          if (edges[cell_edge_idx[k]].polygon == poly) cell_edges_.push_back(edges[cell_edge_idx[k]]);
        cd.edge_end = static_cast<std::uint32_t>(cell_edges_.size());
        auto it = std::lower_bound(runs.begin(), runs.end(), poly,
                                   [](const Run& a, std::int32_t p) { return a.polygon < p; });
        cd.centre_inside = it != runs.end() && it->polygon == poly && inside_at(*it, cx);
        candidates_.push_back(cd);
      }
      if (cell_edges_.size() > 400'000'000u)
        throw Error(ErrorCode::kLimitExceeded, "point index: polygons too large for the grid");
    }
  }
  mixed_start_.push_back(static_cast<std::uint32_t>(candidates_.size()));
}

std::int32_t PointIndex::find_mixed(std::size_t mixed, std::size_t row, std::size_t col, double x,
                                    double y) const noexcept {
  // The L from the centre (cx, cy) to (x, cy) to (x, y). The horizontal leg uses the horizontal
  // half-open rule the centre state was computed with: a crossing at xi counts when it lies in
  // (min(cx, x), max(cx, x)]. The vertical leg uses the vertical counterpart. Both legs stay in
  // the cell, so only the cell's edges can cross them.
  const double cx = min_x_ + (static_cast<double>(col) + 0.5) * cell_w_;
  const double cy = min_y_ + (static_cast<double>(row) + 0.5) * cell_h_;
  const double lo_x = std::min(cx, x), hi_x = std::max(cx, x);
  const double lo_y = std::min(cy, y), hi_y = std::max(cy, y);
  const Candidate* c = candidates_.data() + mixed_start_[mixed];
  const Candidate* end = candidates_.data() + mixed_start_[mixed + 1];
  for (; c != end; ++c) {
    bool inside = c->centre_inside;
    for (std::uint32_t k = c->edge_begin; k < c->edge_end; ++k) {
      const Edge& e = cell_edges_[k];
      if ((e.y0 > cy) != (e.y1 > cy)) {
        const double xi = cross_x(e.x0, e.y0, e.x1, e.y1, cy);
        inside ^= (lo_x < xi && xi <= hi_x);
      }
      if ((e.x0 > x) != (e.x1 > x)) {
        const double yi = e.y0 + (x - e.x0) * (e.y1 - e.y0) / (e.x1 - e.x0);
        inside ^= (lo_y < yi && yi <= hi_y);
      }
    }
    if (inside) return c->polygon;
  }
  return kEmpty;
}

std::int32_t PointIndex::find(double x, double y) const noexcept {
  if (polygon_count_ == 0) return kEmpty;
  // The comparisons are false for NaN, so NaN falls out here too.
  if (!(x >= min_x_ && x <= max_x_ && y >= min_y_ && y <= max_y_)) return kEmpty;
  const std::size_t r = clamp_grid_cell((y - min_y_) * inv_cell_h_, rows_);
  const std::size_t c = clamp_grid_cell((x - min_x_) * inv_cell_w_, cols_);
  const std::int32_t v = cells_[r * cols_ + c];
  if (v >= kEmpty) return v;
  return find_mixed(static_cast<std::size_t>(kMixedBase - v), r, c, x, y);
}

}  // namespace saring::detail
