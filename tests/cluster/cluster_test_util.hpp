// Helpers shared by the cluster tests: a brute-force DBSCAN reference and partition comparison.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/geodesic.hpp"

namespace saring::test {

// O(n^2) DBSCAN written the plain way: explicit neighbour lists, then scikit-learn's expansion
// loop (depth-first from each unlabelled core point in index order) or nearest-core borders.
inline std::vector<std::int32_t> reference_dbscan(const std::vector<ClusterPoint>& pts, const DbscanOptions& o) {
  const std::size_t n = pts.size();
  const double cut = dbscan_reduced_radius(o.eps_m);
  auto rad = [](double d) { return degrees_to_radians(d); };
  std::vector<std::vector<std::size_t>> nb(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (o.same_category && pts[i].category != pts[j].category) continue;
      if (o.eps_time_s && std::llabs(pts[i].time - pts[j].time) > *o.eps_time_s) continue;
      if (haversine_reduced(rad(pts[i].lat), rad(pts[i].lon), rad(pts[j].lat), rad(pts[j].lon)) <= cut)
        nb[i].push_back(j);
    }
  std::vector<char> core(n);
  for (std::size_t i = 0; i < n; ++i) core[i] = nb[i].size() >= static_cast<std::size_t>(o.min_pts);
  std::vector<std::int32_t> label(n, -1);
  std::int32_t next = 0;
  if (o.border == BorderRule::kSklearn) {
    for (std::size_t s = 0; s < n; ++s) {
      if (label[s] != -1 || !core[s]) continue;
      std::vector<std::size_t> stack{s};
      while (!stack.empty()) {
        const std::size_t i = stack.back();
        stack.pop_back();
        if (label[i] != -1) continue;
        label[i] = next;
        if (core[i])
          for (std::size_t v : nb[i])
            if (label[v] == -1) stack.push_back(v);
      }
      ++next;
    }
    return label;
  }
  for (std::size_t s = 0; s < n; ++s) {  // components of cores
    if (label[s] != -1 || !core[s]) continue;
    std::vector<std::size_t> stack{s};
    label[s] = next;
    while (!stack.empty()) {
      const std::size_t i = stack.back();
      stack.pop_back();
      for (std::size_t v : nb[i])
        if (core[v] && label[v] == -1) {
          label[v] = next;
          stack.push_back(v);
        }
    }
    ++next;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (core[i]) continue;
    double best = 0;
    std::int64_t who = -1;
    for (std::size_t j : nb[i]) {
      if (!core[j]) continue;
      const double d = haversine_reduced(rad(pts[i].lat), rad(pts[i].lon), rad(pts[j].lat), rad(pts[j].lon));
      if (who < 0 || d < best || (d == best && static_cast<std::int64_t>(j) < who)) {
        best = d;
        who = static_cast<std::int64_t>(j);
      }
    }
    label[i] = who < 0 ? -1 : label[static_cast<std::size_t>(who)];
  }
  return label;
}

// True when a and b group the points the same way (noise = -1 in both, clusters in bijection).
template <typename A, typename B>
bool same_partition(const std::vector<A>& a, const std::vector<B>& b) {
  if (a.size() != b.size()) return false;
  std::map<std::int64_t, std::int64_t> ab, ba;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::int64_t x = a[i], y = b[i];
    if ((x < 0) != (y < 0)) return false;
    if (x < 0) continue;
    auto [i1, f1] = ab.emplace(x, y);
    auto [i2, f2] = ba.emplace(y, x);
    if (i1->second != y || i2->second != x) return false;
  }
  return true;
}

// Reports around a few blob centres plus background, in a box of `span_deg` around (lat0, lon0).
inline std::vector<ClusterPoint> blob_points(std::size_t n, std::uint32_t seed, double lat0, double lon0,
                                             double span_deg, double blob_sigma_deg, int blobs,
                                             int categories = 1, std::int64_t time_span = 0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  std::normal_distribution<double> g(0.0, blob_sigma_deg);
  std::vector<std::pair<double, double>> centres;
  for (int b = 0; b < blobs; ++b) centres.emplace_back(lat0 + u(rng) * span_deg, lon0 + u(rng) * span_deg);
  std::vector<ClusterPoint> out;
  for (std::size_t i = 0; i < n; ++i) {
    ClusterPoint p;
    p.id = "p" + std::to_string(i);
    if (blobs > 0 && rng() % 3 != 0) {
      const auto& c = centres[rng() % centres.size()];
      p.lat = c.first + g(rng);
      p.lon = c.second + g(rng);
    } else {
      p.lat = lat0 + u(rng) * span_deg;
      p.lon = lon0 + u(rng) * span_deg;
    }
    p.lat = std::fmax(-90.0, std::fmin(90.0, p.lat));
    if (p.lon > 180.0) p.lon -= 360.0;
    if (p.lon < -180.0) p.lon += 360.0;
    p.time = time_span > 0 ? static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(time_span)) : 0;
    p.category = "c" + std::to_string(rng() % static_cast<std::uint64_t>(categories));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace saring::test
