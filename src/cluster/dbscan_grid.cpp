// The fast path of batch DBSCAN for purely spatial runs (no time radius, no category).
//
// Points go into cubic cells of edge h = chord(eps) / sqrt(3) on the unit sphere, so any two
// points sharing a cell are neighbours without computing anything, and only cells at most two
// steps away along each axis can hold neighbours. That gives three shortcuts on dense data:
//  - a cell holding >= min_pts points consists of core points only: no counting at all;
//  - the core points of one cell are all connected: the union-find runs over cells, and a pair of
//    cells is joined on the first core-core pair found within eps;
//  - only points of cells with fewer than min_pts points can be border or noise.
// Neighbouring cells are found by a sweep over the sorted cell keys with one cursor per
// (dx, dy) column, so no hashing is needed either.
#include <algorithm>
#include <cmath>
#include <climits>
#include <cstdint>
#include <numeric>

#include "cluster/sphere_grid.hpp"
#include "saring/cluster/dbscan.hpp"

namespace saring::detail {

namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

struct CellUnionFind {
  BigVector<std::uint32_t> parent;
  explicit CellUnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

// Cell coordinates packed into one integer, x major, so that sorting by key sorts cells
// lexicographically; each field is wide enough for the data's range plus two cells either side.
struct Packing {
  int by = 21, bz = 21;
  std::uint64_t my = 0, mz = 0;
  void unpack(std::uint64_t k, std::int64_t& x, std::int64_t& y, std::int64_t& z) const {
    x = static_cast<std::int64_t>(k >> (by + bz));
    y = static_cast<std::int64_t>((k >> bz) & my);
    z = static_cast<std::int64_t>(k & mz);
  }
  std::uint64_t pack(std::int64_t x, std::int64_t y, std::int64_t z) const {
    return (static_cast<std::uint64_t>(x) << (by + bz)) | (static_cast<std::uint64_t>(y) << bz) |
           static_cast<std::uint64_t>(z);
  }
};

int bits_for(std::int64_t range) {
  int b = 1;
  while ((std::int64_t{1} << b) <= range) ++b;
  return b;
}

// LSD radix sort of (key, index) pairs on the low `bits` bits of the key; stable, so equal keys
// keep index order.
void radix_sort(BigVector<std::pair<std::uint64_t, std::uint32_t>>& v, int bits) {
  BigVector<std::pair<std::uint64_t, std::uint32_t>> tmp(v.size());
  constexpr int kDigit = 11;
  for (int shift = 0; shift < bits; shift += kDigit) {
    std::vector<std::uint32_t> hist((1u << kDigit) + 1, 0);
    for (const auto& e : v) ++hist[((e.first >> shift) & ((1u << kDigit) - 1)) + 1];
    for (std::size_t i = 1; i < hist.size(); ++i) hist[i] += hist[i - 1];
    for (const auto& e : v) tmp[hist[(e.first >> shift) & ((1u << kDigit) - 1)]++] = e;
    v.swap(tmp);
  }
}

// Calls f(a, b, adjacent) for every pair of non-empty cells a < b whose offsets are within 2 on
// each axis; `adjacent` says they are within 1.
template <typename F>
void for_each_cell_pair(const BigVector<std::uint64_t>& keys, const Packing& pk, F&& f) {
  static constexpr int kCols[13][2] = {{0, 0},  {0, 1},  {0, 2},  {1, -2}, {1, -1}, {1, 0}, {1, 1},
                                       {1, 2},  {2, -2}, {2, -1}, {2, 0},  {2, 1},  {2, 2}};
  const std::size_t n = keys.size();
  std::size_t cursor[13] = {};
  for (std::size_t a = 0; a < n; ++a) {
    std::int64_t x, y, z;
    pk.unpack(keys[a], x, y, z);
    for (int c = 0; c < 13; ++c) {
      const std::int64_t cx = x + kCols[c][0], cy = y + kCols[c][1];
      const std::uint64_t lo = pk.pack(cx, cy, c == 0 ? z + 1 : z - 2);
      const std::uint64_t hi = pk.pack(cx, cy, z + 2);
      std::size_t& p = cursor[c];
      while (p < n && keys[p] < lo) ++p;
      const bool near_column = kCols[c][0] <= 1 && kCols[c][1] >= -1 && kCols[c][1] <= 1;
      for (std::size_t q = p; q < n && keys[q] <= hi; ++q) {
        const std::int64_t dz = static_cast<std::int64_t>(keys[q] & pk.mz) - z;
        f(static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(q), near_column && dz >= -1 && dz <= 1);
      }
    }
  }
}

}  // namespace

// Returns false when the fast path does not apply (then the caller uses the general one).
bool dbscan_spatial_grid(const DbscanInput& in, const DbscanOptions& o, std::vector<std::int32_t>& labels) {
  const Radius r = make_radius(o.eps_m);
  if (r.chord2_in <= 0) return false;
  const double h = std::sqrt(r.chord2_in / 3.0) * (1.0 - 1e-9);
  const std::size_t n = in.lat_deg.size();
  const std::uint32_t min_pts = static_cast<std::uint32_t>(o.min_pts);

  // Sort points by cell.
  BigVector<SpherePoint> pts(n);
  BigVector<std::uint32_t> orig(n);
  BigVector<std::uint64_t> keys;
  BigVector<std::uint32_t> start;
  Packing pk;
  {
    BigVector<std::pair<std::uint64_t, std::uint32_t>> order(n);
    std::int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {INT64_MIN, INT64_MIN, INT64_MIN};
    for (std::size_t i = 0; i < n; ++i) {
      pts[i] = make_sphere_point(in.lat_deg[i], in.lon_deg[i]);
      const std::int64_t c[3] = {cell_coord(pts[i].x, h), cell_coord(pts[i].y, h), cell_coord(pts[i].z, h)};
      for (int a = 0; a < 3; ++a) {
        lo[a] = std::min(lo[a], c[a]);
        hi[a] = std::max(hi[a], c[a]);
      }
    }
    // Biased coordinates run from 2 to range + 2; neighbours reach 0 .. range + 4.
    const int bx = bits_for(hi[0] - lo[0] + 4), by = bits_for(hi[1] - lo[1] + 4), bz = bits_for(hi[2] - lo[2] + 4);
    if (bx + by + bz > 63) return false;  // tiny cells over a wide area: the general path copes
    pk.by = by;
    pk.bz = bz;
    pk.my = (std::uint64_t{1} << by) - 1;
    pk.mz = (std::uint64_t{1} << bz) - 1;
    for (std::size_t i = 0; i < n; ++i)
      order[i] = {pk.pack(cell_coord(pts[i].x, h) - lo[0] + 2, cell_coord(pts[i].y, h) - lo[1] + 2,
                          cell_coord(pts[i].z, h) - lo[2] + 2),
                  static_cast<std::uint32_t>(i)};
    radix_sort(order, bx + by + bz);
    BigVector<SpherePoint> sorted(n);
    keys.reserve(n);
    start.reserve(n + 1);
    for (std::size_t k = 0; k < n; ++k) {
      sorted[k] = pts[order[k].second];
      orig[k] = order[k].second;
      if (k == 0 || order[k].first != order[k - 1].first) {
        keys.push_back(order[k].first);
        start.push_back(static_cast<std::uint32_t>(k));
      }
    }
    start.push_back(static_cast<std::uint32_t>(n));
    pts.swap(sorted);
  }
  const std::size_t ncell = keys.size();
  auto size_of = [&](std::uint32_t c) { return start[c + 1] - start[c]; };

  // Pass 1: neighbourhood sizes, needed only in cells with fewer than min_pts points.
  BigVector<std::uint32_t> count(n, 0);
  BigVector<std::uint8_t> sparse(ncell);
  for (std::uint32_t c = 0; c < ncell; ++c) {
    sparse[c] = size_of(c) < min_pts;
    for (std::uint32_t i = start[c]; i < start[c + 1]; ++i) count[i] = size_of(c);
  }
  // Counting stops at min_pts: only the core/non-core decision is needed.
  auto count_into = [&](std::uint32_t a, std::uint32_t b) {
    for (std::uint32_t i = start[a]; i < start[a + 1]; ++i)
      for (std::uint32_t j = start[b]; j < start[b + 1] && count[i] < min_pts; ++j)
        if (within(pts[i], pts[j], r)) ++count[i];
  };
  for_each_cell_pair(keys, pk, [&](std::uint32_t a, std::uint32_t b, bool) {
    if (sparse[a]) count_into(a, b);
    if (sparse[b]) count_into(b, a);
  });
  BigVector<std::uint8_t> core(n);
  BigVector<std::uint8_t> cell_core(ncell, 0), cell_noncore(ncell, 0);
  for (std::uint32_t c = 0; c < ncell; ++c)
    for (std::uint32_t i = start[c]; i < start[c + 1]; ++i) {
      core[i] = count[i] >= min_pts;
      (core[i] ? cell_core[c] : cell_noncore[c]) = 1;
    }
  BigVector<std::uint32_t>().swap(count);

  // Pass 2: cells with core points that have a core-core pair within eps are connected.
  // Adjacent cells first: they usually connect everything, so the pairs two cells apart are
  // mostly skipped as already joined.
  CellUnionFind uf(ncell);
  for (int phase = 0; phase < 2; ++phase) {
    for_each_cell_pair(keys, pk, [&](std::uint32_t a, std::uint32_t b, bool adjacent) {
      if (!cell_core[a] || !cell_core[b] || adjacent != (phase == 0) || uf.find(a) == uf.find(b)) return;
      for (std::uint32_t i = start[a]; i < start[a + 1]; ++i) {
        if (!core[i]) continue;
        for (std::uint32_t j = start[b]; j < start[b + 1]; ++j)
          if (core[j] && within(pts[i], pts[j], r)) {
            uf.unite(a, b);
            return;
          }
      }
    });
  }
  // Clusters numbered by their lowest input index among core points (scikit-learn's order).
  BigVector<std::uint32_t> first_core(ncell, kNone);
  for (std::uint32_t c = 0; c < ncell; ++c) {
    if (!cell_core[c]) continue;
    const std::uint32_t root = uf.find(c);
    for (std::uint32_t i = start[c]; i < start[c + 1]; ++i)
      if (core[i]) first_core[root] = std::min(first_core[root], orig[i]);
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> roots;
  for (std::uint32_t c = 0; c < ncell; ++c)
    if (first_core[c] != kNone && uf.find(c) == c) roots.emplace_back(first_core[c], c);
  std::sort(roots.begin(), roots.end());
  BigVector<std::int32_t> root_label(ncell, -1);
  for (std::size_t k = 0; k < roots.size(); ++k) root_label[roots[k].second] = static_cast<std::int32_t>(k);

  // Pass 3: border points (non-core points live only in sparse cells).
  BigVector<std::uint32_t> best_key(n, kNone);
  BigVector<std::int32_t> best_label(n, -1);
  BigVector<double> best_dist;
  const bool nearest = o.border == BorderRule::kNearestCore;
  if (nearest) best_dist.assign(n, 0.0);
  auto offer = [&](std::uint32_t i, std::uint32_t j, std::uint32_t cell_j) {
    const std::uint32_t root = uf.find(cell_j);
    if (!nearest) {
      if (first_core[root] < best_key[i]) {
        best_key[i] = first_core[root];
        best_label[i] = root_label[root];
      }
      return;
    }
    const double d = reduced_distance(pts[i], pts[j]);
    if (best_key[i] == kNone || d < best_dist[i] || (d == best_dist[i] && orig[j] < best_key[i])) {
      best_dist[i] = d;
      best_key[i] = orig[j];
      best_label[i] = root_label[root];
    }
  };
  for (std::uint32_t c = 0; c < ncell; ++c) {
    if (!cell_core[c] || !cell_noncore[c]) continue;
    for (std::uint32_t i = start[c]; i < start[c + 1]; ++i) {
      if (core[i]) continue;
      for (std::uint32_t j = start[c]; j < start[c + 1]; ++j)
        if (core[j]) offer(i, j, c);  // same cell: always within eps
    }
  }
  for_each_cell_pair(keys, pk, [&](std::uint32_t a, std::uint32_t b, bool) {
    const bool ab = cell_noncore[a] && cell_core[b], ba = cell_noncore[b] && cell_core[a];
    if (!ab && !ba) return;
    for (std::uint32_t i = start[a]; i < start[a + 1]; ++i)
      for (std::uint32_t j = start[b]; j < start[b + 1]; ++j) {
        if (core[i] == core[j]) continue;
        if (!within(pts[i], pts[j], r)) continue;
        if (core[j])
          offer(i, j, b);
        else
          offer(j, i, a);
      }
  });

  labels.assign(n, -1);
  for (std::uint32_t c = 0; c < ncell; ++c) {
    const std::int32_t cl = cell_core[c] ? root_label[uf.find(c)] : -1;
    for (std::uint32_t i = start[c]; i < start[c + 1]; ++i) labels[orig[i]] = core[i] ? cl : best_label[i];
  }
  return true;
}

}  // namespace saring::detail
