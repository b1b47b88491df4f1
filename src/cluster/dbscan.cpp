// Batch (ST-)DBSCAN without neighbour lists: one pass counts neighbourhoods, a second unions core
// points that are neighbours (skipping pairs already joined, which is most pairs in dense blobs),
// a third assigns border points. Memory stays O(n) where scikit-learn holds every neighbourhood.
#include "saring/cluster/dbscan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>

#include "cluster/dbscan_internal.hpp"
#include "cluster/sphere_grid.hpp"
#include "saring/core/error.hpp"

namespace saring {

BorderRule parse_border_rule(std::string_view name) {
  if (name == "sklearn") return BorderRule::kSklearn;
  if (name == "nearest-core" || name == "nearest_core") return BorderRule::kNearestCore;
  throw Error(ErrorCode::kInvalidArgument,
              "border rule '" + std::string(name) + "' is not one of sklearn, nearest-core");
}

std::string_view border_rule_name(BorderRule rule) {
  return rule == BorderRule::kSklearn ? "sklearn" : "nearest-core";
}

void DbscanOptions::validate() const {
  if (!(std::isfinite(eps_m) && eps_m > 0.0 && eps_m <= 1e7))
    throw Error(ErrorCode::kInvalidArgument,
                "dbscan: eps_m " + std::to_string(eps_m) + " is not a distance in (0, 1e7] metres");
  if (eps_time_s && *eps_time_s < 0)
    throw Error(ErrorCode::kInvalidArgument,
                "dbscan: eps_time_s " + std::to_string(*eps_time_s) + " is negative");
  if (min_pts < 1)
    throw Error(ErrorCode::kInvalidArgument, "dbscan: min_pts " + std::to_string(min_pts) + " is below 1");
}

double dbscan_reduced_radius(double eps_m) { return detail::make_radius(eps_m).reduced; }

namespace detail {
bool dbscan_spatial_grid(const DbscanInput& in, const DbscanOptions& o, std::vector<std::int32_t>& labels);

namespace {

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);
    parent_[a] = b;  // smaller index as root keeps trees shallow enough and is deterministic
  }

 private:
  std::vector<std::uint32_t> parent_;
};

struct Grid {
  std::vector<SpherePoint> pts;       // in cell order
  std::vector<std::uint32_t> orig;    // input index of each sorted point
  std::vector<std::int64_t> time;     // sorted, when used
  std::vector<std::int32_t> cat;      // sorted, when used
  std::vector<std::uint32_t> start;   // cell c holds [start[c], start[c+1])
  std::vector<std::uint64_t> keys;    // cell keys, ascending
  CellMap map;
};

void build_grid(const DbscanInput& in, const DbscanOptions& o, const Radius& r, Grid& g) {
  const std::size_t n = in.lat_deg.size();
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order(n);
  std::vector<SpherePoint> raw(n);
  for (std::size_t i = 0; i < n; ++i) {
    raw[i] = make_sphere_point(in.lat_deg[i], in.lon_deg[i]);
    order[i] = {cell_key(raw[i], r.cell), static_cast<std::uint32_t>(i)};
  }
  std::sort(order.begin(), order.end());
  g.pts.resize(n);
  g.orig.resize(n);
  const bool use_time = o.eps_time_s.has_value(), use_cat = o.same_category;
  if (use_time) g.time.resize(n);
  if (use_cat) g.cat.resize(n);
  g.map = CellMap(n / 4 + 16);
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t i = order[k].second;
    g.pts[k] = raw[i];
    g.orig[k] = i;
    if (use_time) g.time[k] = in.time[i];
    if (use_cat) g.cat[k] = in.category[i];
    if (k == 0 || order[k].first != order[k - 1].first) {
      g.map.insert(order[k].first, static_cast<std::uint32_t>(g.keys.size()));
      g.keys.push_back(order[k].first);
      g.start.push_back(static_cast<std::uint32_t>(k));
    }
  }
  g.start.push_back(static_cast<std::uint32_t>(n));
}

// Calls f(cell) for the cells around cell c (including c itself) that hold points.
template <typename F>
void for_each_neighbour_cell(const Grid& g, std::uint32_t c, F&& f) {
  std::uint64_t keys[27];
  neighbour_keys(g.keys[c], keys);
  for (std::uint64_t k : keys) {
    const std::uint32_t d = g.map.find(k);
    if (d != CellMap::kMissing) f(d);
  }
}

}  // namespace

std::vector<std::int32_t> run_dbscan(const DbscanInput& in, const DbscanOptions& o, bool force_general) {
  o.validate();
  const std::size_t n = in.lat_deg.size();
  if (in.lon_deg.size() != n)
    throw Error(ErrorCode::kInvalidArgument, "dbscan: " + std::to_string(n) + " latitudes but " +
                                                 std::to_string(in.lon_deg.size()) + " longitudes");
  if (n >= 0xfffffff0u) throw Error(ErrorCode::kLimitExceeded, "dbscan: more than 4e9 points");
  if (o.eps_time_s && in.time.size() != n)
    throw Error(ErrorCode::kInvalidArgument, "dbscan: eps_time_s is set but " + std::to_string(in.time.size()) +
                                                 " times were given for " + std::to_string(n) + " points");
  if (o.same_category && in.category.size() != n)
    throw Error(ErrorCode::kInvalidArgument, "dbscan: same_category is set but " +
                                                 std::to_string(in.category.size()) + " categories were given for " +
                                                 std::to_string(n) + " points");
  for (std::size_t i = 0; i < n; ++i)
    if (!valid_lat_lon(in.lat_deg[i], in.lon_deg[i]))
      throw Error(ErrorCode::kInvalidArgument,
                  "dbscan: point " + std::to_string(i) + " has lat " + std::to_string(in.lat_deg[i]) + ", lon " +
                      std::to_string(in.lon_deg[i]) + " (need finite values in [-90, 90] x [-180, 180])");
  std::vector<std::int32_t> labels(n, -1);
  if (n == 0) return labels;
  if (!o.eps_time_s && !o.same_category && !force_general && dbscan_spatial_grid(in, o, labels)) return labels;

  const Radius r = make_radius(o.eps_m);
  Grid g;
  build_grid(in, o, r, g);
  const bool use_time = o.eps_time_s.has_value(), use_cat = o.same_category;
  const std::int64_t eps_t = use_time ? *o.eps_time_s : 0;
  auto related = [&](std::uint32_t i, std::uint32_t j) {
    if (use_cat && g.cat[i] != g.cat[j]) return false;
    if (use_time) {
      const std::int64_t dt = g.time[i] > g.time[j] ? g.time[i] - g.time[j] : g.time[j] - g.time[i];
      if (dt > eps_t) return false;
    }
    return within(g.pts[i], g.pts[j], r);
  };
  const std::uint32_t ncell = static_cast<std::uint32_t>(g.keys.size());

  // Visits each unordered pair of points in neighbouring cells once; `skip_cell` prunes a cell
  // pair, `pair` sees (i, j) with i in the lower cell.
  auto for_each_pair = [&](auto&& skip_cell, auto&& pair) {
    for (std::uint32_t a = 0; a < ncell; ++a) {
      if (skip_cell(a)) continue;
      for_each_neighbour_cell(g, a, [&](std::uint32_t b) {
        if (b < a || skip_cell(b)) return;
        const std::uint32_t ea = g.start[a + 1], eb = g.start[b + 1];
        for (std::uint32_t i = g.start[a]; i < ea; ++i) {
          const std::uint32_t jb = (a == b) ? i + 1 : g.start[b];
          for (std::uint32_t j = jb; j < eb; ++j) pair(i, j);
        }
      });
    }
  };

  // Pass 1: neighbourhood sizes (self included, as scikit-learn counts).
  std::vector<std::uint32_t> count(n, 1);
  for_each_pair([](std::uint32_t) { return false; },
                [&](std::uint32_t i, std::uint32_t j) {
                  if (related(i, j)) {
                    ++count[i];
                    ++count[j];
                  }
                });
  const std::uint32_t min_pts = static_cast<std::uint32_t>(o.min_pts);
  std::vector<std::uint8_t> cell_has_core(ncell, 0);
  for (std::uint32_t c = 0; c < ncell; ++c)
    for (std::uint32_t i = g.start[c]; i < g.start[c + 1]; ++i)
      if (count[i] >= min_pts) cell_has_core[c] = 1;

  // Pass 2: components of the core graph.
  UnionFind uf(n);
  for_each_pair([&](std::uint32_t c) { return !cell_has_core[c]; },
                [&](std::uint32_t i, std::uint32_t j) {
                  if (count[i] < min_pts || count[j] < min_pts) return;
                  if (uf.find(i) == uf.find(j)) return;
                  if (related(i, j)) uf.unite(i, j);
                });

  // Clusters are numbered by their lowest input index among core points, as scikit-learn does.
  constexpr std::uint32_t kNone = 0xffffffffu;
  std::vector<std::uint32_t> first_core(n, kNone);  // per root: lowest input index of its cores
  for (std::uint32_t i = 0; i < n; ++i)
    if (count[i] >= min_pts) {
      const std::uint32_t root = uf.find(i);
      first_core[root] = std::min(first_core[root], g.orig[i]);
    }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> roots;  // (first core, root)
  for (std::uint32_t i = 0; i < n; ++i)
    if (first_core[i] != kNone) roots.emplace_back(first_core[i], i);
  std::sort(roots.begin(), roots.end());
  std::vector<std::int32_t> root_label(n, -1);
  for (std::size_t k = 0; k < roots.size(); ++k) root_label[roots[k].second] = static_cast<std::int32_t>(k);

  // Pass 3: core labels, then border points by the chosen rule.
  std::vector<std::uint32_t> cell_of(n);
  for (std::uint32_t c = 0; c < ncell; ++c)
    for (std::uint32_t i = g.start[c]; i < g.start[c + 1]; ++i) cell_of[i] = c;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (count[i] >= min_pts) {
      labels[g.orig[i]] = root_label[uf.find(i)];
      continue;
    }
    if (count[i] == 1) continue;  // no neighbour at all
    std::int32_t best_label = -1;
    std::uint32_t best_key = kNone;  // kSklearn: first core of the cluster; else input index
    double best_dist = 0;
    for_each_neighbour_cell(g, cell_of[i], [&](std::uint32_t b) {
      if (!cell_has_core[b]) return;
      for (std::uint32_t j = g.start[b]; j < g.start[b + 1]; ++j) {
        if (count[j] < min_pts || !related(i, j)) continue;
        const std::uint32_t root = uf.find(j);
        if (o.border == BorderRule::kSklearn) {
          if (first_core[root] < best_key) {
            best_key = first_core[root];
            best_label = root_label[root];
          }
        } else {
          const double d = reduced_distance(g.pts[i], g.pts[j]);
          if (best_label < 0 || d < best_dist || (d == best_dist && g.orig[j] < best_key)) {
            best_dist = d;
            best_key = g.orig[j];
            best_label = root_label[root];
          }
        }
      }
    });
    labels[g.orig[i]] = best_label;
  }
  return labels;
}

}  // namespace detail

std::vector<std::int32_t> dbscan(const DbscanInput& input, const DbscanOptions& options) {
  return detail::run_dbscan(input, options, false);
}

namespace {
template <typename T>
std::vector<std::int32_t> dbscan_records(std::span<const T> items, const DbscanOptions& options) {
  std::vector<double> lat(items.size()), lon(items.size());
  std::vector<std::int64_t> time;
  std::vector<std::int32_t> cat;
  if (options.eps_time_s) time.resize(items.size());
  if (options.same_category) cat.resize(items.size());
  std::unordered_map<std::string, std::int32_t> codes;
  for (std::size_t i = 0; i < items.size(); ++i) {
    lat[i] = items[i].lat;
    lon[i] = items[i].lon;
    if constexpr (std::is_same_v<T, Report>) {
      if (options.eps_time_s) time[i] = items[i].time.unix;
    } else {
      if (options.eps_time_s) time[i] = items[i].time;
    }
    if (options.same_category)
      cat[i] = codes.emplace(items[i].category, static_cast<std::int32_t>(codes.size())).first->second;
  }
  return detail::run_dbscan(DbscanInput{lat, lon, time, cat}, options, false);
}
}  // namespace

std::vector<std::int32_t> dbscan(std::span<const ClusterPoint> points, const DbscanOptions& options) {
  return dbscan_records(points, options);
}

std::vector<std::int32_t> dbscan(std::span<const Report> reports, const DbscanOptions& options) {
  return dbscan_records(reports, options);
}

}  // namespace saring
