// Incremental (ST-)DBSCAN over a sliding window: reports are inserted and expired one at a time
// and after every step the clustering equals batch dbscan() with BorderRule::kNearestCore over the
// reports currently held (in insertion order), up to the numbering of clusters.
//
// Each cluster carries an incident id (0, 1, 2, ... never reused) that stays fixed while it grows
// or shrinks. When clusters merge, the oldest incident (smallest id, i.e. the one founded first)
// survives and the others are reported as absorbed. When a cluster splits, the part with the most
// core points keeps the id and the other parts get new ids. Each insert/expire returns these
// changes as events, in the spirit of incdbscan.
//
//   saring::IncrementalClusterer c({.eps_m = 50, .min_pts = 3});
//   for (auto& e : c.insert({"r1", -6.2, 106.8, t, "banjir"})) ...
//   c.expire_before(t - 3600);
//   std::int64_t incident = c.incident_of("r1");  // -1: noise
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "saring/cluster/dbscan.hpp"

namespace saring {

enum class ClusterEventKind {
  kCreated,    // `incident` appeared (its first core points)
  kMerged,     // `others` were absorbed into `incident`
  kSplit,      // `incident` lost connectivity; `others` are the new incidents split off it
  kDissolved,  // `incident` lost its last core point
};
std::string_view cluster_event_kind_name(ClusterEventKind kind);  // "created", "merged", ...

struct ClusterEvent {
  ClusterEventKind kind = ClusterEventKind::kCreated;
  std::int64_t incident = -1;
  std::vector<std::int64_t> others;
  bool operator==(const ClusterEvent&) const = default;
};

namespace detail {
class IncrementalState;
}

class IncrementalClusterer {
 public:
  // options.border is ignored: the incremental clusterer always uses BorderRule::kNearestCore.
  // Throws Error(kInvalidArgument) for invalid options and for eps_m below 1e-6 m.
  explicit IncrementalClusterer(const DbscanOptions& options);
  ~IncrementalClusterer();
  IncrementalClusterer(IncrementalClusterer&&) noexcept;
  IncrementalClusterer& operator=(IncrementalClusterer&&) noexcept;

  // Adds a point. Throws Error(kInvalidArgument) for a duplicate id or bad coordinates (the
  // clusterer is left unchanged).
  std::vector<ClusterEvent> insert(const ClusterPoint& point);
  // Removes a point by id; throws Error(kNotFound) when it is not held.
  std::vector<ClusterEvent> remove(std::string_view id);
  // Removes the earliest-inserted point; no-op (empty result) when empty.
  std::vector<ClusterEvent> expire_oldest();
  // Removes every point with time < cutoff, earliest time first (ties by insertion).
  std::vector<ClusterEvent> expire_before(UnixSeconds cutoff);

  std::size_t size() const;
  std::size_t cluster_count() const;
  bool contains(std::string_view id) const;
  // Incident id of a held point, -1 for noise; throws Error(kNotFound) for unknown ids.
  std::int64_t incident_of(std::string_view id) const;
  bool is_core(std::string_view id) const;
  // Held points in insertion order with their incident ids (-1 noise).
  std::vector<std::pair<std::string, std::int64_t>> labels() const;
  // Held points in insertion order (what a batch run over the window would get).
  std::vector<ClusterPoint> points() const;
  const DbscanOptions& options() const;

 private:
  std::unique_ptr<detail::IncrementalState> state_;
};

}  // namespace saring
