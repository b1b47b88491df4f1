// Incremental DBSCAN with the nearest-core border rule.
//
// State per point: neighbourhood size, core flag, the cluster of a core point, and for a border
// point its anchor (nearest core neighbour, ties to the earlier insert). Clusters hold their core
// points explicitly so merges move the smaller side and splits move the split-off parts.
//
// Insert only ever adds core points and edges: new cores join or merge the clusters of their core
// neighbours. Expiry can remove core points (the point itself, or neighbours that fall below
// min_pts); the clusters that lost a core are checked for a split by searching from the core
// neighbours of the removed cores ("seeds"): seeds that are direct neighbours are joined first,
// then one breadth-first search per remaining group runs in lockstep, groups that meet are
// joined, and the search stops as soon as at most one group is still growing. Only the parts that
// split off are ever enumerated, so a large cluster losing an edge point costs little.
#include "saring/cluster/incremental.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <tuple>
#include <string>
#include <unordered_map>

#include "cluster/sphere_grid.hpp"
#include "saring/core/error.hpp"

namespace saring {

std::string_view cluster_event_kind_name(ClusterEventKind kind) {
  switch (kind) {
    case ClusterEventKind::kCreated: return "created";
    case ClusterEventKind::kMerged: return "merged";
    case ClusterEventKind::kSplit: return "split";
    case ClusterEventKind::kDissolved: return "dissolved";
  }
  return "created";
}

namespace detail {

namespace {
constexpr std::uint32_t kNone = 0xffffffffu;
}

class IncrementalState {
 public:
  explicit IncrementalState(const DbscanOptions& o) : opt(o) {
    opt.border = BorderRule::kNearestCore;
    opt.validate();
    radius = make_radius(opt.eps_m);
    min_pts = static_cast<std::uint32_t>(opt.min_pts);
  }

  struct Slot {
    SpherePoint p;
    std::int64_t time = 0;
    std::int32_t cat = 0;
    std::uint64_t seq = 0;
    std::int32_t cluster = -1;  // core points only
    std::uint32_t cpos = 0;     // index in the cluster's core list
    std::uint32_t anchor = kNone;
    double anchor_d = 0;
    std::uint32_t cell = 0;
    std::uint32_t cell_pos = 0;
    bool alive = false;
    bool core = false;
  };
  // Grid entry: position and filters for the distance test, plus the neighbourhood count and a
  // copy of the core flag, so that the hot loops over a neighbourhood stay within the cells'
  // contiguous memory instead of touching one Slot per neighbour.
  struct Entry {
    double x, y, z;
    std::int64_t time;
    std::int32_t cat;
    std::uint32_t slot;
    std::uint32_t count;
    bool core;
  };
  struct Cluster {
    std::int64_t incident = -1;
    std::vector<std::uint32_t> cores;
    bool alive = false;
  };

  DbscanOptions opt;
  Radius radius;
  std::uint32_t min_pts = 1;

  std::vector<Slot> slots;
  std::vector<std::string> ids;
  std::vector<double> lat_deg, lon_deg;  // as given, for points()
  std::vector<std::uint32_t> free_slots;
  std::unordered_map<std::string, std::uint32_t> by_id;
  std::unordered_map<std::string, std::int32_t> cat_codes;
  std::vector<std::string> cat_names;

  // A cell's points, and the cells (itself included) among its 27 neighbours that exist, linked
  // when a cell is created so that queries need no hashing. Cells are never deleted.
  struct Cell {
    std::vector<Entry> entries;
    std::vector<std::uint32_t> near;
  };
  std::vector<Cell> cells;
  CellMap cell_map;

  std::vector<Cluster> clusters;
  std::vector<std::int32_t> free_clusters;
  std::size_t live_clusters = 0;
  std::int64_t next_incident = 0;
  std::uint64_t next_seq = 0;

  std::deque<std::pair<std::uint64_t, std::uint32_t>> order;  // insertion order, lazily pruned
  using TimeKey = std::tuple<std::int64_t, std::uint64_t, std::uint32_t>;
  std::priority_queue<TimeKey, std::vector<TimeKey>, std::greater<TimeKey>> by_time;  // lazily pruned
  std::size_t stale_order = 0, stale_time = 0;

  // Scratch for the split search.
  std::vector<std::uint32_t> mark_epoch, mark_group, seed_epoch;
  std::uint32_t epoch = 0;

  // ---- neighbourhoods ----------------------------------------------------------------------
  bool related(const Slot& a, const Entry& e) const {
    if (opt.same_category && a.cat != e.cat) return false;
    if (opt.eps_time_s) {
      const std::int64_t dt = a.time > e.time ? a.time - e.time : e.time - a.time;
      if (dt > *opt.eps_time_s) return false;
    }
    const double c2 = chord2(a.p.x, a.p.y, a.p.z, e.x, e.y, e.z);
    if (c2 <= radius.chord2_in) return true;
    if (c2 > radius.chord2_out) return false;
    return reduced_distance(a.p, slots[e.slot].p) <= radius.reduced;
  }
  bool related(std::uint32_t a, std::uint32_t b) const {
    const Slot& sb = slots[b];
    return related(slots[a], Entry{sb.p.x, sb.p.y, sb.p.z, sb.time, sb.cat, b, 0, false});
  }

  // f(q, entry of q) for every held point q != s related to s; s must be in the grid.
  template <typename F>
  void for_each_neighbour(std::uint32_t s, F&& f) {
    const Slot& a = slots[s];
    for (std::uint32_t c : cells[a.cell].near)
      for (Entry& e : cells[c].entries)
        if (e.slot != s && related(a, e)) f(e.slot, e);
  }
  void neighbours(std::uint32_t s, std::vector<std::uint32_t>& out) {
    out.clear();
    for_each_neighbour(s, [&](std::uint32_t q, Entry&) { out.push_back(q); });
  }
  Entry& entry(std::uint32_t s) { return cells[slots[s].cell].entries[slots[s].cell_pos]; }
  void set_core(std::uint32_t s, bool core) {
    slots[s].core = core;
    entry(s).core = core;
  }

  void grid_add(std::uint32_t s) {
    Slot& a = slots[s];
    const std::uint64_t key = cell_key(a.p, radius.cell);
    const std::uint32_t c = cell_map.insert(key, static_cast<std::uint32_t>(cells.size()));
    if (c == cells.size()) {
      cells.emplace_back();
      std::uint64_t keys[27];
      neighbour_keys(key, keys);
      for (std::uint64_t k : keys) {
        const std::uint32_t d = cell_map.find(k);
        if (d == CellMap::kMissing) continue;
        cells[c].near.push_back(d);
        if (d != c) cells[d].near.push_back(c);
      }
    }
    a.cell = c;
    auto& entries = cells[c].entries;
    a.cell_pos = static_cast<std::uint32_t>(entries.size());
    entries.push_back(Entry{a.p.x, a.p.y, a.p.z, a.time, a.cat, s, 1, false});
  }
  void grid_remove(std::uint32_t s) {
    const Slot& a = slots[s];
    auto& entries = cells[a.cell].entries;
    entries[a.cell_pos] = entries.back();
    slots[entries[a.cell_pos].slot].cell_pos = a.cell_pos;
    entries.pop_back();
  }

  // ---- clusters ----------------------------------------------------------------------------
  std::int32_t new_cluster() {
    std::int32_t k;
    if (!free_clusters.empty()) {
      k = free_clusters.back();
      free_clusters.pop_back();
    } else {
      k = static_cast<std::int32_t>(clusters.size());
      clusters.emplace_back();
    }
    clusters[k].alive = true;
    clusters[k].incident = next_incident++;
    clusters[k].cores.clear();
    ++live_clusters;
    return k;
  }
  void free_cluster(std::int32_t k) {
    clusters[k].alive = false;
    clusters[k].cores.clear();
    clusters[k].cores.shrink_to_fit();
    free_clusters.push_back(k);
    --live_clusters;
  }
  void add_core(std::int32_t k, std::uint32_t s) {
    slots[s].cluster = k;
    slots[s].cpos = static_cast<std::uint32_t>(clusters[k].cores.size());
    clusters[k].cores.push_back(s);
  }
  void drop_core(std::uint32_t s) {
    auto& cores = clusters[slots[s].cluster].cores;
    const std::uint32_t pos = slots[s].cpos;
    cores[pos] = cores.back();
    slots[cores[pos]].cpos = pos;
    cores.pop_back();
    slots[s].cluster = -1;
  }
  // Merges the clusters in ks (distinct, >= 2) and returns the one that remains.
  std::int32_t merge(std::vector<std::int32_t>& ks, std::vector<ClusterEvent>& events) {
    std::int32_t target = ks[0];
    std::int64_t survivor = clusters[ks[0]].incident;
    for (std::int32_t k : ks) {
      if (clusters[k].cores.size() > clusters[target].cores.size()) target = k;
      survivor = std::min(survivor, clusters[k].incident);
    }
    ClusterEvent ev{ClusterEventKind::kMerged, survivor, {}};
    for (std::int32_t k : ks) {
      if (clusters[k].incident != survivor) ev.others.push_back(clusters[k].incident);
      if (k == target) continue;
      for (std::uint32_t s : clusters[k].cores) add_core(target, s);
      free_cluster(k);
    }
    clusters[target].incident = survivor;
    std::sort(ev.others.begin(), ev.others.end());
    events.push_back(std::move(ev));
    return target;
  }

  // ---- border anchors ----------------------------------------------------------------------
  void consider_anchor(std::uint32_t b, std::uint32_t c) {
    Slot& sb = slots[b];
    const double d = reduced_distance(sb.p, slots[c].p);
    if (sb.anchor == kNone || d < sb.anchor_d || (d == sb.anchor_d && slots[c].seq < slots[sb.anchor].seq)) {
      sb.anchor = c;
      sb.anchor_d = d;
    }
  }
  void recompute_anchor(std::uint32_t b) {
    slots[b].anchor = kNone;
    for_each_neighbour(b, [&](std::uint32_t q, Entry& e) {
      if (e.core) consider_anchor(b, q);
    });
  }

  // ---- operations ----------------------------------------------------------------------------
  std::vector<std::uint32_t> nb, tmp, promoted_, removed_nb_, removed_, reanchor_, seeds_;
  std::vector<std::int32_t> ks_, affected_, of_;
  std::vector<std::vector<std::uint32_t>> lists_;

  std::vector<ClusterEvent> insert(const ClusterPoint& pt) {
    if (!valid_lat_lon(pt.lat, pt.lon))
      throw Error(ErrorCode::kInvalidArgument, "incremental cluster: point '" + pt.id + "' has lat " +
                                                   std::to_string(pt.lat) + ", lon " + std::to_string(pt.lon) +
                                                   " (need finite values in [-90, 90] x [-180, 180])");
    if (slots.size() >= 0xfffffff0u && free_slots.empty())
      throw Error(ErrorCode::kLimitExceeded, "incremental cluster: more than 4e9 points");
    auto [id_it, fresh_id] = by_id.try_emplace(pt.id, 0u);
    if (!fresh_id)
      throw Error(ErrorCode::kInvalidArgument, "incremental cluster: id '" + pt.id + "' is already held");
    std::uint32_t s;
    if (!free_slots.empty()) {
      s = free_slots.back();
      free_slots.pop_back();
    } else {
      s = static_cast<std::uint32_t>(slots.size());
      slots.emplace_back();
      ids.emplace_back();
      lat_deg.push_back(0);
      lon_deg.push_back(0);
      mark_epoch.push_back(0);
      mark_group.push_back(0);
      seed_epoch.push_back(0);
    }
    id_it->second = s;
    Slot& a = slots[s];
    a = Slot{};
    a.p = make_sphere_point(pt.lat, pt.lon);
    a.time = pt.time;
    {
      auto [it, fresh] = cat_codes.emplace(pt.category, static_cast<std::int32_t>(cat_names.size()));
      if (fresh) cat_names.push_back(pt.category);
      a.cat = it->second;
    }
    lat_deg[s] = pt.lat;
    lon_deg[s] = pt.lon;
    a.seq = next_seq++;
    a.alive = true;
    ids[s] = pt.id;
    order.emplace_back(a.seq, s);
    by_time.emplace(a.time, a.seq, s);

    std::vector<ClusterEvent> events;
    grid_add(s);
    std::vector<std::uint32_t>& promoted = promoted_;
    promoted.clear();
    nb.clear();
    for_each_neighbour(s, [&](std::uint32_t q, Entry& e) {
      nb.push_back(q);
      ++e.count;
      if (!e.core && e.count >= min_pts) promoted.push_back(q);
    });
    const std::uint32_t own_count = static_cast<std::uint32_t>(nb.size()) + 1;
    entry(s).count = own_count;
    if (own_count >= min_pts) promoted.push_back(s);
    for (std::uint32_t c : promoted) {
      set_core(c, true);
      slots[c].anchor = kNone;
    }
    std::vector<std::int32_t>& ks = ks_;
    for (std::uint32_t c : promoted) {
      const std::vector<std::uint32_t>* list = &nb;
      if (c != s) {
        neighbours(c, tmp);
        list = &tmp;
      }
      ks.clear();
      for (std::uint32_t u : *list) {
        const Slot& su = slots[u];
        if (su.core) {
          if (su.cluster >= 0 && std::find(ks.begin(), ks.end(), su.cluster) == ks.end()) ks.push_back(su.cluster);
        } else {
          consider_anchor(u, c);
        }
      }
      std::int32_t k;
      if (ks.empty()) {
        k = new_cluster();
        events.push_back({ClusterEventKind::kCreated, clusters[k].incident, {}});
      } else if (ks.size() == 1) {
        k = ks[0];
      } else {
        k = merge(ks, events);
      }
      add_core(k, c);
    }
    if (!slots[s].core)
      for (std::uint32_t q : nb)
        if (slots[q].core) consider_anchor(s, q);
    return events;
  }

  std::vector<ClusterEvent> remove_slot(std::uint32_t s) {
    std::vector<ClusterEvent> events;
    std::vector<std::uint32_t>& removed_nb = removed_nb_;
    std::vector<std::uint32_t>& removed = removed_;  // core points that stop being core (s included)
    removed.clear();
    removed_nb.clear();
    for_each_neighbour(s, [&](std::uint32_t q, Entry& e) {
      removed_nb.push_back(q);
      --e.count;
      if (e.core && e.count < min_pts) removed.push_back(q);
    });
    grid_remove(s);
    if (slots[s].core) removed.push_back(s);
    // Neighbour lists of the removed cores, taken before any flag changes matter (lists only).
    if (lists_.size() < removed.size()) lists_.resize(removed.size());
    auto& lists = lists_;
    for (std::size_t i = 0; i < removed.size(); ++i) {
      if (removed[i] == s)
        lists[i].swap(removed_nb);  // removed_nb is not used after this
      else
        neighbours(removed[i], lists[i]);
    }
    std::vector<std::int32_t>& affected = affected_;
    affected.clear();
    std::vector<std::int32_t>& of = of_;
    of.assign(removed.size(), -1);
    for (std::size_t i = 0; i < removed.size(); ++i) {
      const std::uint32_t r = removed[i];
      of[i] = slots[r].cluster;
      if (std::find(affected.begin(), affected.end(), of[i]) == affected.end()) affected.push_back(of[i]);
      drop_core(r);
      slots[r].core = false;
      if (r != s) entry(r).core = false;  // s has left the grid
    }
    // Points whose anchor went away, and demoted points, need a new anchor (later).
    std::vector<std::uint32_t>& reanchor = reanchor_;
    reanchor.clear();
    for (std::size_t i = 0; i < removed.size(); ++i) {
      const std::uint32_t r = removed[i];
      if (r != s) reanchor.push_back(r);
      for (std::uint32_t b : lists[i])
        if (!slots[b].core && slots[b].anchor == r) reanchor.push_back(b);
    }
    slots[s].alive = false;
    for (std::int32_t k : affected) {
      if (clusters[k].cores.empty()) {
        events.push_back({ClusterEventKind::kDissolved, clusters[k].incident, {}});
        free_cluster(k);
        continue;
      }
      std::vector<std::uint32_t>& seeds = seeds_;
      seeds.clear();
      const SpherePoint* centre = nullptr;
      std::size_t lists_used = 0;
      for (std::size_t i = 0; i < removed.size(); ++i) {
        if (of[i] != k) continue;
        ++lists_used;
        if (!centre) centre = &slots[removed[i]].p;
        for (std::uint32_t u : lists[i])
          if (slots[u].core && slots[u].alive) seeds.push_back(u);
      }
      if (lists_used > 1) {  // one neighbour list holds no repeats
        std::sort(seeds.begin(), seeds.end());
        seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
      }
      if (seeds.size() > 1) split_check(k, seeds, *centre, events);
    }
    std::sort(reanchor.begin(), reanchor.end());
    reanchor.erase(std::unique(reanchor.begin(), reanchor.end()), reanchor.end());
    for (std::uint32_t b : reanchor)
      if (b != s && slots[b].alive && !slots[b].core) recompute_anchor(b);
    by_id.erase(ids[s]);
    ids[s].clear();
    ids[s].shrink_to_fit();
    free_slots.push_back(s);
    ++stale_order;
    ++stale_time;
    maybe_compact();
    return events;
  }

  struct Group {
    std::vector<std::uint32_t> nodes;
    std::size_t head = 0;
    std::uint32_t parent = 0;
    bool done = false;
  };
  std::uint32_t group_root(std::vector<Group>& g, std::uint32_t x) {
    while (g[x].parent != x) x = g[x].parent = g[g[x].parent].parent;
    return x;
  }
  void join_groups(std::vector<Group>& g, std::uint32_t into, std::uint32_t from) {
    Group& a = g[into];
    Group& b = g[from];
    std::vector<std::uint32_t> merged;
    merged.reserve(a.nodes.size() + b.nodes.size());
    merged.insert(merged.end(), a.nodes.begin(), a.nodes.begin() + a.head);
    merged.insert(merged.end(), b.nodes.begin(), b.nodes.begin() + b.head);
    const std::size_t head = merged.size();
    merged.insert(merged.end(), a.nodes.begin() + a.head, a.nodes.end());
    merged.insert(merged.end(), b.nodes.begin() + b.head, b.nodes.end());
    a.nodes.swap(merged);
    a.head = head;
    a.done = false;
    b.nodes.clear();
    b.nodes.shrink_to_fit();
    b.parent = into;
  }

  // A cheap sufficient test that the seeds are still connected: expand the seed nearest to the
  // removed point (in a dense cluster its neighbourhood covers almost every seed, since all seeds
  // lie within eps of the removed point), then check that each seed it missed touches that
  // neighbourhood. At most `budget` missed seeds are tried; false means "undecided".
  bool seeds_connected_nearby(const std::vector<std::uint32_t>& seeds, const SpherePoint& centre,
                              std::size_t budget) {
    if (++epoch == 0) {
      std::fill(mark_epoch.begin(), mark_epoch.end(), 0);
      std::fill(seed_epoch.begin(), seed_epoch.end(), 0);
      epoch = 1;
    }
    std::uint32_t c0 = seeds[0];
    double best = 1e300;
    for (std::uint32_t x : seeds) {
      const SpherePoint& q = slots[x].p;
      const double d = chord2(centre.x, centre.y, centre.z, q.x, q.y, q.z);
      if (d < best) {
        best = d;
        c0 = x;
      }
    }
    mark_epoch[c0] = epoch;
    for_each_neighbour(c0, [&](std::uint32_t v, Entry& e) {
      if (e.core) mark_epoch[v] = epoch;
    });
    tmp.clear();
    for (std::uint32_t x : seeds)
      if (mark_epoch[x] != epoch) tmp.push_back(x);
    if (tmp.size() > budget) return false;
    for (std::uint32_t m : tmp) {
      bool touches = false;
      for_each_neighbour(m, [&](std::uint32_t v, Entry& e) {
        if (mark_epoch[v] == epoch && e.core) touches = true;
      });
      if (!touches) return false;
    }
    return true;
  }

  void split_check(std::int32_t k, const std::vector<std::uint32_t>& seeds, const SpherePoint& centre,
                   std::vector<ClusterEvent>& events) {
    if (seeds.size() > 12 && seeds_connected_nearby(seeds, centre, 16)) return;
    std::vector<Group> g(seeds.size());
    for (std::uint32_t i = 0; i < seeds.size(); ++i) g[i].parent = i;
    std::size_t roots = seeds.size();
    // Seeds that are direct neighbours are connected: cheap, and usually settles the question.
    if (seeds.size() <= 128) {
      for (std::uint32_t i = 0; i < seeds.size() && roots > 1; ++i)
        for (std::uint32_t j = i + 1; j < seeds.size() && roots > 1; ++j) {
          const std::uint32_t ri = group_root(g, i), rj = group_root(g, j);
          if (ri != rj && related(seeds[i], seeds[j])) {
            g[rj].parent = ri;
            --roots;
          }
        }
    }
    if (roots <= 1) return;
    if (++epoch == 0) {
      std::fill(mark_epoch.begin(), mark_epoch.end(), 0);
      std::fill(seed_epoch.begin(), seed_epoch.end(), 0);
      epoch = 1;
    }
    for (std::uint32_t i = 0; i < seeds.size(); ++i) {
      const std::uint32_t r = group_root(g, i);
      mark_epoch[seeds[i]] = epoch;
      mark_group[seeds[i]] = r;
      g[r].nodes.push_back(seeds[i]);
    }
    std::vector<std::uint32_t> live;
    for (std::uint32_t i = 0; i < g.size(); ++i)
      if (g[i].parent == i) live.push_back(i);
    while (true) {
      std::size_t growing = 0;
      roots = 0;
      for (std::uint32_t r : live)
        if (g[r].parent == r) {
          ++roots;
          if (!g[r].done) ++growing;
        }
      if (roots <= 1) return;   // all seeds connected: no split
      if (growing <= 1) break;  // every other part is complete
      for (std::uint32_t r0 : live) {
        if (g[r0].parent != r0 || g[r0].done) continue;
        if (g[r0].head == g[r0].nodes.size()) {
          g[r0].done = true;
          continue;
        }
        const std::uint32_t u = g[r0].nodes[g[r0].head++];
        for_each_neighbour(u, [&](std::uint32_t v, Entry& e) {
          if (!e.core) return;
          const std::uint32_t me = group_root(g, r0);
          if (mark_epoch[v] != epoch) {
            mark_epoch[v] = epoch;
            mark_group[v] = me;
            g[me].nodes.push_back(v);
          } else {
            const std::uint32_t other = group_root(g, mark_group[v]);
            if (other != me) join_groups(g, me, other);
          }
        });
        if (g[r0].head == g[r0].nodes.size()) g[r0].done = true;
      }
    }
    // Parts: every root. The growing one (or, if all are complete, the largest) keeps the id.
    std::vector<std::uint32_t> parts;
    for (std::uint32_t r : live)
      if (g[r].parent == r) parts.push_back(r);
    std::uint32_t keeper = parts[0];
    bool keeper_growing = false;
    for (std::uint32_t r : parts) {
      if (!g[r].done) {
        keeper = r;
        keeper_growing = true;
        break;
      }
    }
    if (!keeper_growing)
      for (std::uint32_t r : parts)
        if (g[r].nodes.size() > g[keeper].nodes.size()) keeper = r;
    ClusterEvent ev{ClusterEventKind::kSplit, clusters[k].incident, {}};
    for (std::uint32_t r : parts) {
      if (r == keeper) continue;
      const std::int32_t nk = new_cluster();
      for (std::uint32_t s : g[r].nodes) {
        drop_core(s);
        add_core(nk, s);
      }
      ev.others.push_back(clusters[nk].incident);
    }
    events.push_back(std::move(ev));
  }

  void maybe_compact() {
    const std::size_t live = by_id.size();
    if (stale_order > live + 1024) {
      std::deque<std::pair<std::uint64_t, std::uint32_t>> fresh;
      for (const auto& e : order)
        if (slots[e.second].alive && slots[e.second].seq == e.first) fresh.push_back(e);
      order.swap(fresh);
      stale_order = 0;
    }
    if (stale_time > live + 1024) {
      std::vector<TimeKey> keep;
      while (!by_time.empty()) {
        const auto& [t, seq, s] = by_time.top();
        if (slots[s].alive && slots[s].seq == seq) keep.push_back(by_time.top());
        by_time.pop();
      }
      by_time = decltype(by_time)(std::greater<TimeKey>(), std::move(keep));
      stale_time = 0;
    }
  }

  std::vector<ClusterEvent> expire_oldest() {
    while (!order.empty()) {
      const auto [seq, s] = order.front();
      order.pop_front();
      if (slots[s].alive && slots[s].seq == seq) {
        --stale_order;  // remove_slot counts it stale, but it has already left the deque
        return remove_slot(s);
      }
      --stale_order;
    }
    return {};
  }

  std::vector<ClusterEvent> expire_before(UnixSeconds cutoff) {
    std::vector<ClusterEvent> events;
    while (!by_time.empty()) {
      const auto [t, seq, s] = by_time.top();
      if (slots[s].alive && slots[s].seq == seq) {
        if (t >= cutoff) break;
        by_time.pop();
        --stale_time;
        auto ev = remove_slot(s);
        events.insert(events.end(), std::make_move_iterator(ev.begin()), std::make_move_iterator(ev.end()));
      } else {
        by_time.pop();
        --stale_time;
      }
    }
    return events;
  }

  std::uint32_t slot_of(std::string_view id) const {
    auto it = by_id.find(std::string(id));
    if (it == by_id.end())
      throw Error(ErrorCode::kNotFound, "incremental cluster: id '" + std::string(id) + "' is not held");
    return it->second;
  }
  std::int64_t incident(std::uint32_t s) const {
    const Slot& a = slots[s];
    if (a.core) return clusters[a.cluster].incident;
    if (a.anchor != kNone) return clusters[slots[a.anchor].cluster].incident;
    return -1;
  }
  template <typename F>
  void for_each_held(F&& f) const {
    for (const auto& [seq, s] : order)
      if (slots[s].alive && slots[s].seq == seq) f(s);
  }
};

}  // namespace detail

IncrementalClusterer::IncrementalClusterer(const DbscanOptions& options)
    : state_(std::make_unique<detail::IncrementalState>(options)) {}
IncrementalClusterer::~IncrementalClusterer() = default;
IncrementalClusterer::IncrementalClusterer(IncrementalClusterer&&) noexcept = default;
IncrementalClusterer& IncrementalClusterer::operator=(IncrementalClusterer&&) noexcept = default;

std::vector<ClusterEvent> IncrementalClusterer::insert(const ClusterPoint& point) { return state_->insert(point); }
std::vector<ClusterEvent> IncrementalClusterer::remove(std::string_view id) {
  const std::uint32_t s = state_->slot_of(id);
  return state_->remove_slot(s);
}
std::vector<ClusterEvent> IncrementalClusterer::expire_oldest() { return state_->expire_oldest(); }
std::vector<ClusterEvent> IncrementalClusterer::expire_before(UnixSeconds cutoff) {
  return state_->expire_before(cutoff);
}
std::size_t IncrementalClusterer::size() const { return state_->by_id.size(); }
std::size_t IncrementalClusterer::cluster_count() const { return state_->live_clusters; }
bool IncrementalClusterer::contains(std::string_view id) const {
  return state_->by_id.count(std::string(id)) != 0;
}
std::int64_t IncrementalClusterer::incident_of(std::string_view id) const {
  return state_->incident(state_->slot_of(id));
}
bool IncrementalClusterer::is_core(std::string_view id) const { return state_->slots[state_->slot_of(id)].core; }
std::vector<std::pair<std::string, std::int64_t>> IncrementalClusterer::labels() const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  out.reserve(size());
  state_->for_each_held([&](std::uint32_t s) { out.emplace_back(state_->ids[s], state_->incident(s)); });
  return out;
}
std::vector<ClusterPoint> IncrementalClusterer::points() const {
  std::vector<ClusterPoint> out;
  out.reserve(size());
  const auto& st = *state_;
  st.for_each_held([&](std::uint32_t s) {
    const auto& a = st.slots[s];
    ClusterPoint p;
    p.id = st.ids[s];
    p.lat = st.lat_deg[s];
    p.lon = st.lon_deg[s];
    p.time = a.time;
    p.category = st.cat_names[static_cast<std::size_t>(a.cat)];
    out.push_back(std::move(p));
  });
  return out;
}
const DbscanOptions& IncrementalClusterer::options() const { return state_->opt; }

}  // namespace saring
