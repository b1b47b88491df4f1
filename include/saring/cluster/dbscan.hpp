// Batch DBSCAN and ST-DBSCAN over geotagged reports: which reports describe the same incident.
//
// Two points are neighbours when their haversine distance is <= eps_m (scikit-learn's formula and
// comparison, see geodesic.hpp) and, when set, their times differ by <= eps_time_s seconds and
// they share a category. A point is core when its neighbourhood, itself included, holds at least
// min_pts points; clusters are the connected components of core points; every other point within
// reach of a core point is a border point, noise (-1) otherwise.
//
// Border points that touch two clusters need a rule:
//  - BorderRule::kSklearn: the cluster whose lowest-indexed core point is lowest. This is what
//    scikit-learn's expansion order yields (each cluster is grown completely, from its
//    lowest-indexed core point, before the next one starts, and a border point keeps the first
//    label it gets). Labels then equal DBSCAN(metric="haversine", algorithm="ball_tree",
//    eps=eps_m/6371008.8, min_samples=min_pts).fit(np.radians(latlon)).labels_ exactly,
//    numbering included (clusters are numbered in order of their lowest-indexed core point).
//  - BorderRule::kNearestCore: the cluster of the nearest core neighbour (smallest reduced
//    haversine, ties to the lower index). It depends only on the neighbourhood, which is what
//    lets IncrementalClusterer stay equal to batch clustering after every insert and expiry.
//
//   saring::DbscanOptions o{.eps_m = 50, .min_pts = 3};
//   std::vector<std::int32_t> labels = saring::dbscan(points, o);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "saring/core/report.hpp"
#include "saring/core/time.hpp"

namespace saring {

enum class BorderRule { kSklearn, kNearestCore };
BorderRule parse_border_rule(std::string_view name);  // "sklearn", "nearest-core"
std::string_view border_rule_name(BorderRule rule);

struct DbscanOptions {
  double eps_m = 50.0;                     // spatial radius, metres, in (0, 1e7]
  std::optional<std::int64_t> eps_time_s;  // time radius in seconds (>= 0); none: space only
  int min_pts = 3;                         // >= 1, the point itself included
  bool same_category = false;              // neighbours must share the category
  BorderRule border = BorderRule::kSklearn;
  void validate() const;                   // throws Error(kInvalidArgument)
};

// One point to cluster; `time` matters only with eps_time_s, `category` only with same_category.
struct ClusterPoint {
  std::string id;
  double lat = 0.0;  // WGS84 degrees
  double lon = 0.0;
  UnixSeconds time = 0;
  std::string category;
};

// Columnar input: lat/lon in degrees, one entry per point; `time` is needed (same length) when
// eps_time_s is set and `category` (any integer codes) when same_category is set.
struct DbscanInput {
  std::span<const double> lat_deg;
  std::span<const double> lon_deg;
  std::span<const std::int64_t> time;
  std::span<const std::int32_t> category;
};

// Cluster labels per input point (0, 1, ... or -1 for noise). Throws Error(kInvalidArgument)
// naming the index for NaN/out-of-range coordinates or missing time/category columns.
std::vector<std::int32_t> dbscan(const DbscanInput& input, const DbscanOptions& options);
std::vector<std::int32_t> dbscan(std::span<const ClusterPoint> points, const DbscanOptions& options);
std::vector<std::int32_t> dbscan(std::span<const Report> reports, const DbscanOptions& options);

// The cut-off scikit-learn compares reduced haversine distances against: sin^2(eps/2), with
// eps = eps_m / kEarthRadiusM.
double dbscan_reduced_radius(double eps_m);

}  // namespace saring
