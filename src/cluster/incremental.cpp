// Incremental DBSCAN with the nearest-core border rule, over the cells of the batch fast path.
//
// Points live in cubes of edge ~chord(eps)/sqrt(3) (with eps_time / same_category also one time
// bucket and one category), so the points of one cell are mutual neighbours. A cell holding at
// least min_pts points is dense: all its points are core and no counts are kept for them; exact
// neighbourhood counts are kept only in sparse cells. The core points of a cell are connected, so
// clusters are connected components of the graph of cells with cores, two cells being linked when
// a core pair across them are neighbours; clusters hold their cells, merges move the smaller side.
// Border points keep their anchor, the nearest core neighbour (ties to the earlier insert).
//
// Insert only adds core points and links: new cores join or merge the clusters of the cells they
// touch. Removal can remove cores (the point itself, or neighbours whose count falls below
// min_pts); a cluster that lost cores is checked for a split from the cells the removed cores
// touched ("seeds"): first a cheap sufficient test through witnesses, then one search per group of
// seeds in lockstep that stops as soon as at most one group is still growing, so only the parts
// that split off are enumerated.
#include "saring/cluster/incremental.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <queue>
#include <span>
#include <type_traits>
#include <tuple>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cluster/sphere_grid.hpp"
#include "core/flat_hash_table.hpp"
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
// A point's coordinate v lands in cell floor(v / h); rounding can put it up to ~2e-16 outside the
// mathematical box [c h, (c + 1) h], so every box used in a distance bound is widened by this.
constexpr double kBoxSlack = 4e-15;

// A cell: a cube of the unit-sphere grid, and, when they filter neighbourhoods, one time bucket
// and one category.
struct CellKey {
  std::int64_t x = 0, y = 0, z = 0, t = 0;
  std::int32_t cat = 0;
  bool operator==(const CellKey&) const = default;
};

// Block key -> block index (no erase: the block table is rebuilt by compaction). Keys are compared
// in the blocks themselves.
class CellKeyMap {
 public:
  static constexpr std::uint32_t kMissing = kNone;
  explicit CellKeyMap(std::size_t expected = 16) : table_(expected) {}
  template <typename KeyOf>
  std::uint32_t find(const CellKey& key, KeyOf&& key_of) const {
    return table_.find(hash(key), [&](std::uint32_t v) { return key_of(v) == key; });
  }
  // The value stored for key; stores `value` when absent.
  template <typename KeyOf>
  std::uint32_t insert(const CellKey& key, std::uint32_t value, KeyOf&& key_of) {
    return table_.find_or_insert(hash(key), value, [&](std::uint32_t v) { return key_of(v) == key; });
  }

 private:
  // Blocks of one 4 x 4 x 4 group share a run of 64 slots, so the lookups for a new block's
  // neighbours touch a few runs instead of a dozen scattered cache lines.
  static std::uint64_t hash(const CellKey& k) {
    std::uint64_t h = static_cast<std::uint64_t>(k.x >> 2) * 0x9E3779B97F4A7C15ull;
    h ^= static_cast<std::uint64_t>(k.y >> 2) * 0xC2B2AE3D27D4EB4Full;
    h ^= static_cast<std::uint64_t>(k.z >> 2) * 0x165667B19E3779F9ull;
    h ^= static_cast<std::uint64_t>(k.t) * 0xD6E8FEB86659FD93ull;
    h ^= static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.cat)) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return (h << 6) | static_cast<std::uint64_t>(((k.x & 3) << 4) | ((k.y & 3) << 2) | (k.z & 3));
  }
  FlatHashTable<std::uint64_t, std::uint32_t> table_;
};
static_assert(CellKeyMap::kMissing == FlatHashTable<std::uint64_t, std::uint32_t>::kNoValue);

// Report id -> slot: 8 bytes per entry (the low 32 bits of the id's hash and the slot) instead of
// a node per id; the id itself is compared in the clusterer's id table.
class IdMap {
 public:
  static std::uint32_t hash(std::string_view id) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(id));
  }
  std::size_t size() const { return table_.size(); }
  std::uint32_t find(std::string_view id, std::uint32_t hv, const std::vector<std::string>& ids) const {
    return table_.find(hv, [&](std::uint32_t s) { return ids[s] == id; });
  }
  // The id must not be present.
  void insert(std::uint32_t hv, std::uint32_t slot) { table_.insert(hv, slot); }
  void erase(std::uint32_t hv, std::uint32_t slot) { table_.erase(hv, slot); }

 private:
  FlatHashTable<std::uint32_t, std::uint32_t> table_;
};
static_assert(kNone == FlatHashTable<std::uint32_t, std::uint32_t>::kNoValue);

std::int64_t floor_div(std::int64_t a, __int128 b) {
  const __int128 q = a / b;
  return static_cast<std::int64_t>((q * b > a) ? q - 1 : q);
}
}  // namespace

class IncrementalState {
 public:
  explicit IncrementalState(const DbscanOptions& o) : opt(o) {
    opt.border = BorderRule::kNearestCore;
    opt.validate();
    // Cells must be large enough to hold the rounding slack many times over; below 1 micrometre the
    // radius is under the precision of the coordinates anyway.
    if (opt.eps_m < 1e-6)
      throw Error(ErrorCode::kInvalidArgument, "incremental cluster: eps_m " + std::to_string(opt.eps_m) +
                                                   " is below the supported 1e-6 m");
    radius = make_radius(opt.eps_m);
    min_pts = static_cast<std::uint32_t>(opt.min_pts);
    // Edge h such that the widened cube's diagonal is below the "surely a neighbour" chord, with the
    // rounding of the squared-chord computation covered too: two points of one cell are neighbours.
    h = (std::sqrt(radius.chord2_in) / std::sqrt(3.0) - 3 * kBoxSlack) * (1.0 - 1e-12);
    const double reach_len = std::sqrt(radius.chord2_out) + 2 * kBoxSlack;
    block_reach = static_cast<int>(std::ceil(reach_len / (2 * h) + 1e-6));
    if (opt.eps_time_s) {
      time_w = static_cast<__int128>(*opt.eps_time_s) + 1;
      eps_time_u = static_cast<std::uint64_t>(*opt.eps_time_s);
    }
  }

  struct Slot {
    SpherePoint p;
    std::int64_t time = 0;
    std::int32_t cat = 0;
    std::uint64_t seq = 0;
    std::uint32_t anchor = kNone;  // non-core points: nearest core neighbour
    double anchor_d = 0;
    std::uint32_t cell = 0;
    std::uint32_t cell_pos = 0;
    bool alive = false;
    bool core = false;
  };
  // A cell's copy of what the hot loops need, so they stay in the cell's contiguous memory.
  struct Entry {
    double x, y, z;
    std::int64_t time;
    std::int32_t cat;
    std::uint32_t slot;
    // Neighbourhood size, itself included; kept only while the cell is sparse. It lives here, not in
    // the slot, because the count loops already have the entry in cache.
    std::uint32_t count;
    bool core;
  };
  static_assert(sizeof(Entry) == 48, "the count fits in the padding of an entry");
  // A cell with at least min_pts points is *dense*: its points are mutual neighbours, so all are
  // core and no counts are kept for them. The core points of any cell are connected to each other,
  // so clusters are connected components of the graph of cells with core points, two cells being
  // linked when some core pair across them are neighbours.
  // Field order and alignment: what the neighbour loops read (entries, ncore, cluster, marks,
  // key.x/y/z) is in the first 64 bytes, so a visit costs one cache line.
  struct alignas(64) Cell {
    std::vector<Entry> entries;
    std::uint32_t ncore = 0;
    std::int32_t cluster = -1;  // while ncore > 0
    // Scratch of the seed collection and the split search: reached in the current epoch, and by
    // which group. Here rather than in arrays of their own, so the search reads one line per cell.
    std::uint32_t mark = 0, group = 0;
    CellKey key;
    std::uint32_t cpos = 0;     // index in the cluster's cell list
    std::uint32_t block = 0;
    std::uint8_t oct = 0, lpos = 0;  // octant in the block, index in the block's list
  };
  static_assert(offsetof(Cell, key) + offsetof(CellKey, z) + sizeof(std::int64_t) <= 64,
                "the fields the neighbour loops read share the first cache line");

  // The index over cells: blocks of 2 x 2 x 2 cells (edge 2h, still covering eps) with links to
  // the blocks around them, built when a block is created. Building such links for every fine
  // cell would cost several times more lookups, and scattered reports create cells all the time.
  // Aligned with the list of cells first: visiting a block's cells reads one cache line. The list
  // of blocks around is kept in the block's first two lines when it fits (without a time radius it
  // practically always does: the sphere meets at most 19 of the 27 cubes around), so a visit around
  // a cell reads them together instead of waiting for the block and then for a list elsewhere.
  static constexpr std::uint32_t kNearInline = 22;
  struct alignas(64) Block {
    std::uint32_t list[8] = {};  // the cells present, packed
    std::uint8_t n = 0;
    bool fresh = true;
    std::uint32_t near_n = 0;  // blocks around (itself included) that exist
    std::uint32_t near_in[kNearInline];  // them, when near_n <= kNearInline
    std::uint32_t sub[8] = {kNone, kNone, kNone, kNone, kNone, kNone, kNone, kNone};
    CellKey key;
    std::vector<std::uint32_t> near_more;  // them, when there are more
    std::span<const std::uint32_t> near() const {
      return near_n <= kNearInline ? std::span<const std::uint32_t>(near_in, near_n)
                                   : std::span<const std::uint32_t>(near_more);
    }
    void add_near(std::uint32_t d) {
      if (near_n < kNearInline) {
        near_in[near_n] = d;
      } else {
        if (near_n == kNearInline) near_more.assign(near_in, near_in + kNearInline);
        near_more.push_back(d);
      }
      ++near_n;
    }
    // Keeps the blocks around for which keep(d) holds, renumbered to remap(d).
    template <typename Keep, typename Remap>
    void filter_near(Keep&& keep, Remap&& remap) {
      std::uint32_t* d = near_n <= kNearInline ? near_in : near_more.data();
      std::size_t w = 0;
      for (std::size_t i = 0; i < near_n; ++i)
        if (keep(d[i])) d[w++] = remap(d[i]);
      if (near_n > kNearInline && w <= kNearInline) {
        std::copy(near_more.begin(), near_more.begin() + static_cast<std::ptrdiff_t>(w), near_in);
        near_more = {};
      } else if (near_n > kNearInline) {
        near_more.resize(w);
        near_more.shrink_to_fit();
      }
      near_n = static_cast<std::uint32_t>(w);
    }
  };
  static_assert(offsetof(Block, near_in) + sizeof(Block::near_in) <= 128, "the inline list ends in the second line");
  struct Cluster {
    std::int64_t incident = -1;
    std::vector<std::uint32_t> cells;
    bool alive = false;
  };

  DbscanOptions opt;
  Radius radius;
  std::uint32_t min_pts = 1;
  double h = 0;
  int block_reach = 1;
  __int128 time_w = 0;  // time bucket width eps_time + 1 (0: no time radius)
  std::uint64_t eps_time_u = 0;

  std::vector<Slot> slots;
  std::vector<std::string> ids;
  std::vector<double> lat_deg, lon_deg;  // as given, for points()
  std::vector<std::uint32_t> free_slots;
  IdMap by_id;
  std::unordered_map<std::string, std::int32_t> cat_codes;
  std::vector<std::string> cat_names;

  std::vector<Cell> cells;
  std::vector<std::uint32_t> free_cells;
  std::vector<Block> blocks;
  CellKeyMap block_map;
  std::size_t empty_blocks = 0;

  std::vector<Cluster> clusters;
  std::vector<std::int32_t> free_clusters;
  std::size_t live_clusters = 0;
  std::int64_t next_incident = 0;
  std::uint64_t next_seq = 0;

  std::deque<std::pair<std::uint64_t, std::uint32_t>> order;  // insertion order, lazily pruned
  using TimeKey = std::tuple<std::int64_t, std::uint64_t, std::uint32_t>;
  std::priority_queue<TimeKey, std::vector<TimeKey>, std::greater<TimeKey>> by_time;  // lazily pruned
  std::size_t stale_order = 0, stale_time = 0;

  std::uint32_t epoch = 0;  // of the marks in the cells

  // ---- geometry -------------------------------------------------------------------------------
  // Whether point a (category, time, unit vector) and the point of entry e are neighbours. The
  // coordinates, time and category are copied in the entries, so only a borderline pair reads
  // the exact positions: exact_a() for a, the slot for e (a cache miss each at a large window).
  template <typename ExactA>
  bool related(std::int32_t cat, std::int64_t time, double x, double y, double z, ExactA&& exact_a,
               const Entry& e) const {
    if (opt.same_category && cat != e.cat) return false;
    if (time_w) {
      const std::uint64_t dt = time > e.time ? static_cast<std::uint64_t>(time) - static_cast<std::uint64_t>(e.time)
                                             : static_cast<std::uint64_t>(e.time) - static_cast<std::uint64_t>(time);
      if (dt > eps_time_u) return false;
    }
    const double c2 = chord2(x, y, z, e.x, e.y, e.z);
    if (c2 <= radius.chord2_in) return true;
    if (c2 > radius.chord2_out) return false;
    return reduced_distance(exact_a(), slots[e.slot].p) <= radius.reduced;
  }
  bool related(const Slot& a, const Entry& e) const {
    return related(a.cat, a.time, a.p.x, a.p.y, a.p.z, [&]() -> const SpherePoint& { return a.p; }, e);
  }
  bool related(const Entry& a, const Entry& e) const {
    return related(a.cat, a.time, a.x, a.y, a.z, [&]() -> const SpherePoint& { return slots[a.slot].p; }, e);
  }
  bool dense(const Cell& c) const { return c.entries.size() >= min_pts; }

  CellKey key_of(const Slot& a) const {
    CellKey k;
    k.x = static_cast<std::int64_t>(std::floor(a.p.x / h));
    k.y = static_cast<std::int64_t>(std::floor(a.p.y / h));
    k.z = static_cast<std::int64_t>(std::floor(a.p.z / h));
    k.t = time_w ? floor_div(a.time, time_w) : 0;
    k.cat = opt.same_category ? a.cat : 0;
    return k;
  }
  // Squared distance from (x, y, z) to the nearest / farthest point of a cell's widened cube.
  double box_min2(const Cell& c, double x, double y, double z) const {
    auto axis = [&](std::int64_t k, double v) {
      const double lo = static_cast<double>(k) * h - kBoxSlack, hi = static_cast<double>(k + 1) * h + kBoxSlack;
      return v < lo ? lo - v : (v > hi ? v - hi : 0.0);
    };
    const double dx = axis(c.key.x, x), dy = axis(c.key.y, y), dz = axis(c.key.z, z);
    return dx * dx + dy * dy + dz * dz;
  }
  double box_max2(const Cell& c, double x, double y, double z) const {
    auto axis = [&](std::int64_t k, double v) {
      const double lo = static_cast<double>(k) * h - kBoxSlack, hi = static_cast<double>(k + 1) * h + kBoxSlack;
      return std::fmax(std::fabs(v - lo), std::fabs(hi - v));
    };
    const double dx = axis(c.key.x, x), dy = axis(c.key.y, y), dz = axis(c.key.z, z);
    return dx * dx + dy * dy + dz * dz;
  }
  // No point of cell c can be a neighbour of a.
  // No point of cell c can be a neighbour of p, known from the cube alone. Cells of one or two
  // points are not worth the box test: their points are tested directly (exactly) anyway.
  bool out_of_reach(const Cell& c, const SpherePoint& p) const {
    return c.entries.size() > 2 && box_min2(c, p.x, p.y, p.z) * (1.0 - 1e-9) > radius.chord2_out;
  }
  // Every point of cell c is a neighbour of a (c is in a's near list, so categories match).
  bool all_related(const Cell& c, const Slot& a) const {
    if (time_w && c.key.t != cells[a.cell].key.t) return false;
    return box_max2(c, a.p.x, a.p.y, a.p.z) * (1.0 + 1e-9) <= radius.chord2_in;
  }
  // Exact neighbourhood size of a held point (itself included).
  std::uint32_t full_count(std::uint32_t s) const {
    const Slot& a = slots[s];
    std::uint32_t n = 0;
    for_near(a.cell, [&](std::uint32_t ci) {
      const Cell& c = cells[ci];
      if (out_of_reach(c, a.p)) return;
      if (c.entries.size() > 2 && all_related(c, a)) {
        n += static_cast<std::uint32_t>(c.entries.size());
        return;
      }
      for (const Entry& e : c.entries) n += related(a, e) ? 1u : 0u;
    });
    return n;
  }
  // Some core point of cell c is a neighbour of a.
  bool touches_core(const Slot& a, const Cell& c) const { return core_touched(a, c) != kNone; }
  // A core point of cell c that is a neighbour of a (the first found), or kNone.
  std::uint32_t core_touched(const Slot& a, const Cell& c) const {
    if (c.ncore == 0 || out_of_reach(c, a.p)) return kNone;
    for (const Entry& e : c.entries)
      if (e.core && related(a, e)) return e.slot;
    return kNone;
  }
  // The cells are linked: some core pair across them are neighbours. Only points within reach of
  // the other cell's cube can form the pair, so both sides are filtered first: when the cells are
  // not linked this costs a scan of each plus the few pairs near the facing sides.
  // No point of cell a can be a neighbour of a point of cell b (their widened cubes are apart).
  bool cells_apart(const Cell& a, const Cell& b) const {
    auto gap = [&](std::int64_t x, std::int64_t y) {
      const std::int64_t d = x > y ? x - y : y - x;
      return d <= 1 ? 0.0 : std::fmax(0.0, static_cast<double>(d - 1) * h - 2 * kBoxSlack);
    };
    const double gx = gap(a.key.x, b.key.x), gy = gap(a.key.y, b.key.y), gz = gap(a.key.z, b.key.z);
    return (gx * gx + gy * gy + gz * gz) * (1.0 - 1e-9) > radius.chord2_out;
  }
  // The cells are linked: some core pair across them are neighbours. Points out of reach of the
  // other cell's cube are skipped at the cost of a box test; in dense places the first core near
  // the other cell usually has a neighbour there.
  bool linked(std::uint32_t ai, std::uint32_t bi) const {
    const Cell& a = cells[ai];
    const Cell& b = cells[bi];
    if (a.ncore == 0 || b.ncore == 0 || cells_apart(a, b)) return false;
    const Cell& small = a.ncore <= b.ncore ? a : b;
    const Cell& big = a.ncore <= b.ncore ? b : a;
    for (const Entry& e : small.entries) {
      if (!e.core || box_min2(big, e.x, e.y, e.z) * (1.0 - 1e-9) > radius.chord2_out) continue;
      for (const Entry& f : big.entries)
        if (f.core && related(e, f)) return true;
    }
    return false;
  }

  // ---- grid ---------------------------------------------------------------------------------
  // Points lie on the unit sphere (|p| = 1 up to rounding), so a cube that does not meet the
  // sphere holds none; locally the sphere is a plane, which cuts only about a third of the cubes
  // around a block, and the others need no lookup.
  bool meets_sphere(const CellKey& k, double edge) const {
    double near2 = 0, far2 = 0;
    for (const std::int64_t c : {k.x, k.y, k.z}) {
      const double lo = static_cast<double>(c) * edge - kBoxSlack, hi = static_cast<double>(c + 1) * edge + kBoxSlack;
      const double n = lo > 0 ? lo : (hi < 0 ? -hi : 0.0);
      const double f = std::fmax(std::fabs(lo), std::fabs(hi));
      near2 += n * n;
      far2 += f * f;
    }
    return near2 <= 1.0 + 1e-9 && far2 >= 1.0 - 1e-9;
  }
  std::uint32_t block_for(const CellKey& key) {
    const std::uint32_t fresh = static_cast<std::uint32_t>(blocks.size());
    const std::uint32_t b = block_map.insert(key, fresh, [&](std::uint32_t v) { return v == fresh ? key : blocks[v].key; });
    if (b != fresh) return b;
    blocks.emplace_back();
    blocks[b].key = key;
    const int tr = time_w ? 1 : 0;
    const double edge = 2 * h;
    for (int dx = -block_reach; dx <= block_reach; ++dx)
      for (int dy = -block_reach; dy <= block_reach; ++dy)
        for (int dz = -block_reach; dz <= block_reach; ++dz)
          for (int dt = -tr; dt <= tr; ++dt) {
            // Wrapping add: bucket arithmetic at the ends of the int64 range must not overflow (a
            // spurious neighbour is harmless, the point test is exact).
            const CellKey k{key.x + dx, key.y + dy, key.z + dz,
                            static_cast<std::int64_t>(static_cast<std::uint64_t>(key.t) + static_cast<std::uint64_t>(dt)),
                            key.cat};
            const bool self = (dx | dy | dz | dt) == 0;
            if (!self && !meets_sphere(k, edge)) continue;
            const std::uint32_t d = self ? b : block_map.find(k, [&](std::uint32_t v) { return blocks[v].key; });
            if (d == CellKeyMap::kMissing) continue;
            blocks[b].add_near(d);
            if (d != b) blocks[d].add_near(b);
          }
    return b;
  }
  std::uint32_t cell_for(const Slot& a) {
    const CellKey key = key_of(a);
    const std::uint32_t b =
        block_for(CellKey{key.x >> 1, key.y >> 1, key.z >> 1, key.t, key.cat});  // >> 1: floor(x / 2)
    const int oct = static_cast<int>(((key.x & 1) << 2) | ((key.y & 1) << 1) | (key.z & 1));
    if (blocks[b].sub[oct] != kNone) return blocks[b].sub[oct];
    std::uint32_t c;
    if (!free_cells.empty()) {
      c = free_cells.back();
      free_cells.pop_back();
    } else {
      c = static_cast<std::uint32_t>(cells.size());
      cells.emplace_back();
    }
    Cell& cell = cells[c];
    cell.key = key;
    cell.block = b;
    cell.oct = static_cast<std::uint8_t>(oct);
    cell.ncore = 0;
    cell.cluster = -1;
    cell.mark = 0;
    Block& bl = blocks[b];
    if (bl.n == 0 && !bl.fresh) --empty_blocks;
    bl.fresh = false;
    bl.sub[oct] = c;
    cell.lpos = bl.n;
    bl.list[bl.n++] = c;
    return c;
  }
  // Cells are freed as soon as they are empty; blocks stay (their neighbour lists cost lookups to
  // build) until compaction.
  void free_cell(std::uint32_t c) {
    Cell& cell = cells[c];
    Block& bl = blocks[cell.block];
    bl.sub[cell.oct] = kNone;
    const std::uint8_t pos = cell.lpos;
    bl.list[pos] = bl.list[--bl.n];
    cells[bl.list[pos]].lpos = pos;
    cell.entries.clear();
    free_cells.push_back(c);
    if (bl.n == 0) ++empty_blocks;
  }
  // f(cell) for every cell in the blocks around cell c (c included): a superset of the cells that
  // can hold neighbours of c's points.
  template <typename F>
  void for_near(std::uint32_t c, F&& f) const {
    for_near_block(cells[c].block, std::forward<F>(f));
  }
  // The same from the cell's block; f(cell) or f(cell, its block).
  template <typename F>
  void for_near_block(std::uint32_t home, F&& f) const {
    __builtin_prefetch(reinterpret_cast<const char*>(&blocks[home]) + 64);
    const auto near = blocks[home].near();
    for (std::uint32_t b : near) __builtin_prefetch(&blocks[b]);
    // The cells are scattered in memory: their loads, and then those of their first entries, are
    // started together instead of one miss at a time.
    constexpr bool kWithBlock = std::is_invocable_v<F&, std::uint32_t, std::uint32_t>;
    std::uint32_t buf[256];
    [[maybe_unused]] std::uint32_t bbuf[kWithBlock ? 256 : 1];
    std::size_t n = 0;
    for (std::uint32_t b : near) {
      const Block& bl = blocks[b];
      for (std::uint8_t i = 0; i < bl.n; ++i) {
        const std::uint32_t ci = bl.list[i];
        __builtin_prefetch(&cells[ci]);
        if (n < std::size(buf)) {
          buf[n] = ci;
          if constexpr (kWithBlock) bbuf[n] = b;
        }
        ++n;
      }
    }
    if (n > std::size(buf)) {  // more cells than the buffer (time buckets): visit them in place
      for (std::uint32_t b : near) {
        const Block& bl = blocks[b];
        for (std::uint8_t i = 0; i < bl.n; ++i) {
          if constexpr (kWithBlock)
            f(bl.list[i], b);
          else
            f(bl.list[i]);
        }
      }
      return;
    }
    for (std::size_t i = 0; i < n; ++i) __builtin_prefetch(cells[buf[i]].entries.data());
    for (std::size_t i = 0; i < n; ++i) {
      if constexpr (kWithBlock)
        f(buf[i], bbuf[i]);
      else
        f(buf[i]);
    }
  }
  void grid_add(std::uint32_t s) {
    Slot& a = slots[s];
    const std::uint32_t c = cell_for(a);
    a.cell = c;
    auto& entries = cells[c].entries;
    a.cell_pos = static_cast<std::uint32_t>(entries.size());
    entries.push_back(Entry{a.p.x, a.p.y, a.p.z, a.time, a.cat, s, 0, false});
  }
  void grid_remove(std::uint32_t s) {
    const Slot& a = slots[s];
    auto& entries = cells[a.cell].entries;
    entries[a.cell_pos] = entries.back();
    slots[entries[a.cell_pos].slot].cell_pos = a.cell_pos;
    entries.pop_back();
  }
  Entry& entry(std::uint32_t s) { return cells[slots[s].cell].entries[slots[s].cell_pos]; }

  // Drops empty blocks once they outnumber the others: a clusterer that roams (or, with a time
  // radius, moves on in time) would otherwise keep every block it ever touched.
  void maybe_compact_blocks() {
    if (empty_blocks <= blocks.size() - empty_blocks + 65536) return;
    std::vector<std::uint32_t> remap(blocks.size(), kNone);
    std::vector<Block> kept;
    kept.reserve(blocks.size() - empty_blocks);
    for (std::uint32_t b = 0; b < blocks.size(); ++b)
      if (blocks[b].n > 0) {
        remap[b] = static_cast<std::uint32_t>(kept.size());
        kept.push_back(std::move(blocks[b]));
      }
    blocks.swap(kept);
    block_map = CellKeyMap(blocks.size());
    for (std::uint32_t b = 0; b < blocks.size(); ++b) {
      Block& bl = blocks[b];
      block_map.insert(bl.key, b, [&](std::uint32_t v) { return blocks[v].key; });
      bl.filter_near([&](std::uint32_t d) { return remap[d] != kNone; }, [&](std::uint32_t d) { return remap[d]; });
      for (std::uint8_t i = 0; i < bl.n; ++i) cells[bl.list[i]].block = b;
    }
    empty_blocks = 0;
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
    clusters[k].cells.clear();
    ++live_clusters;
    return k;
  }
  void free_cluster(std::int32_t k) {
    clusters[k].alive = false;
    clusters[k].cells.clear();
    clusters[k].cells.shrink_to_fit();
    free_clusters.push_back(k);
    --live_clusters;
  }
  void attach(std::int32_t k, std::uint32_t c) {
    cells[c].cluster = k;
    cells[c].cpos = static_cast<std::uint32_t>(clusters[k].cells.size());
    clusters[k].cells.push_back(c);
  }
  void detach(std::uint32_t c) {
    auto& list = clusters[cells[c].cluster].cells;
    const std::uint32_t pos = cells[c].cpos;
    list[pos] = list.back();
    cells[list[pos]].cpos = pos;
    list.pop_back();
    cells[c].cluster = -1;
  }
  // Merges the clusters in ks (distinct, >= 2) and returns the one that remains.
  std::int32_t merge(std::vector<std::int32_t>& ks, std::vector<ClusterEvent>& events) {
    std::int32_t target = ks[0];
    std::int64_t survivor = clusters[ks[0]].incident;
    for (std::int32_t k : ks) {
      if (clusters[k].cells.size() > clusters[target].cells.size()) target = k;
      survivor = std::min(survivor, clusters[k].incident);
    }
    ClusterEvent ev{ClusterEventKind::kMerged, survivor, {}};
    for (std::int32_t k : ks) {
      if (clusters[k].incident != survivor) ev.others.push_back(clusters[k].incident);
      if (k == target) continue;
      for (std::uint32_t c : clusters[k].cells) attach(target, c);
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
    Slot& sb = slots[b];
    sb.anchor = kNone;
    // The exact order is by scikit-learn's reduced distance; the chord only prunes candidates that
    // are farther than the best one by far more than the rounding of either.
    double best_chord = 1e300;
    for_near(sb.cell, [&](std::uint32_t ci) {
      const Cell& c = cells[ci];
      if (c.ncore == 0 || out_of_reach(c, sb.p)) return;
      for (const Entry& e : c.entries) {
        if (!e.core || !related(sb, e)) continue;
        const double ch = std::sqrt(chord2(sb.p.x, sb.p.y, sb.p.z, e.x, e.y, e.z));
        if (ch > best_chord + 1e-13) continue;
        const std::uint32_t before = sb.anchor;
        consider_anchor(b, e.slot);
        if (sb.anchor != before) best_chord = std::fmin(best_chord, ch);
      }
    });
  }
  // A new core point offers itself to the non-core points around it (all in sparse cells).
  void offer_anchor(std::uint32_t x) {
    const Slot& a = slots[x];
    for_near(a.cell, [&](std::uint32_t ci) {
      const Cell& c = cells[ci];
      if (c.ncore == c.entries.size() || out_of_reach(c, a.p)) return;
      for (const Entry& e : c.entries)
        if (!e.core && related(a, e)) consider_anchor(e.slot, x);
    });
  }

  void set_core(std::uint32_t s, bool core) {
    Slot& a = slots[s];
    a.core = core;
    entry(s).core = core;
    if (core) {
      ++cells[a.cell].ncore;
      a.anchor = kNone;
    } else {
      --cells[a.cell].ncore;
    }
  }

  // ---- operations ----------------------------------------------------------------------------
  std::vector<std::uint32_t> nbs_, promoted_, removed_, reanchor_, seed_cells_, seed_witness_, pending_, confirmed_;
  std::vector<std::int32_t> ks_, affected_, of_;
  std::vector<std::uint8_t> seed_ok_;  // seeds_connected: seed i is known connected to seeds[0]

  // The new core point x links its cell to the clusters of the cells it touches.
  void join(std::uint32_t x, std::vector<ClusterEvent>& events) {
    const Slot& a = slots[x];
    const std::uint32_t xc = a.cell;
    std::vector<std::int32_t>& ks = ks_;
    ks.clear();
    if (cells[xc].cluster >= 0) ks.push_back(cells[xc].cluster);
    for_near(xc, [&](std::uint32_t ci) {
      if (ci == xc) return;
      const Cell& c = cells[ci];
      // Cells whose cores are all new in this step have no cluster yet; they link themselves
      // when their own cores are processed.
      if (c.ncore == 0 || c.cluster < 0) return;
      if (std::find(ks.begin(), ks.end(), c.cluster) != ks.end()) return;
      if (touches_core(a, c)) ks.push_back(c.cluster);
    });
    if (ks.empty()) {
      const std::int32_t k = new_cluster();
      attach(k, xc);
      events.push_back({ClusterEventKind::kCreated, clusters[k].incident, {}});
      return;
    }
    const std::int32_t k = ks.size() == 1 ? ks[0] : merge(ks, events);
    if (cells[xc].cluster < 0) attach(k, xc);
  }

  std::vector<ClusterEvent> insert(const ClusterPoint& pt) {
    if (!valid_lat_lon(pt.lat, pt.lon))
      throw Error(ErrorCode::kInvalidArgument, "incremental cluster: point '" + pt.id + "' has lat " +
                                                   std::to_string(pt.lat) + ", lon " + std::to_string(pt.lon) +
                                                   " (need finite values in [-90, 90] x [-180, 180])");
    if (slots.size() >= 0xfffffff0u && free_slots.empty())
      throw Error(ErrorCode::kLimitExceeded, "incremental cluster: more than 4e9 points");
    const std::uint32_t id_hash = IdMap::hash(pt.id);
    if (by_id.find(pt.id, id_hash, ids) != kNone)
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
    }
    Slot& a = slots[s];
    a = Slot{};
    a.p = make_sphere_point(pt.lat, pt.lon);
    a.time = pt.time;
    {
      auto it = cat_codes.find(pt.category);
      if (it == cat_codes.end()) {
        it = cat_codes.emplace(pt.category, static_cast<std::int32_t>(cat_names.size())).first;
        cat_names.push_back(pt.category);
      }
      a.cat = it->second;
    }
    lat_deg[s] = pt.lat;
    lon_deg[s] = pt.lon;
    a.seq = next_seq++;
    a.alive = true;
    ids[s] = pt.id;
    by_id.insert(id_hash, s);
    order.emplace_back(a.seq, s);
    by_time.emplace(a.time, a.seq, s);

    std::vector<ClusterEvent> events;
    grid_add(s);
    const std::uint32_t home = a.cell;
    std::vector<std::uint32_t>& promoted = promoted_;
    promoted.clear();
    const std::size_t n = cells[home].entries.size();
    if (n == min_pts) {
      // The cell just became dense: all its points are core now.
      for (const Entry& e : cells[home].entries)
        if (!e.core) promoted.push_back(e.slot);
    } else if (n > min_pts) {
      promoted.push_back(s);
    }
    // One pass: counts are kept in sparse cells only; when the new point's own cell is sparse its
    // count is taken too, with its neighbours while they are fewer than min_pts (if it stays
    // non-core, that is all of them, and its anchor is among them).
    const bool own_count = n < min_pts;
    std::uint32_t own = 1;
    std::vector<std::uint32_t>& nbs = nbs_;
    nbs.clear();
    for_near(home, [&](std::uint32_t ci) {
      Cell& c = cells[ci];
      const bool sparse = !dense(c);
      if ((!sparse && !own_count) || out_of_reach(c, a.p)) return;
      if (!sparse && c.entries.size() > 2 && all_related(c, a)) {
        own += static_cast<std::uint32_t>(c.entries.size());
        return;
      }
      for (Entry& e : c.entries) {
        if (e.slot == s || !related(a, e)) continue;
        ++own;
        if (nbs.size() < min_pts) nbs.push_back(e.slot);
        if (!sparse) continue;
        if (++e.count >= min_pts && !e.core) promoted.push_back(e.slot);
      }
    });
    if (own_count) {
      entry(s).count = own;
      if (own >= min_pts) promoted.push_back(s);
    }
    for (std::uint32_t x : promoted) set_core(x, true);
    for (std::uint32_t x : promoted) join(x, events);
    for (std::uint32_t x : promoted) offer_anchor(x);
    if (!a.core) {
      a.anchor = kNone;
      for (std::uint32_t q : nbs)
        if (slots[q].core) consider_anchor(s, q);
    }
    return events;
  }

  std::vector<ClusterEvent> remove_slot(std::uint32_t s) {
    std::vector<ClusterEvent> events;
    Slot& a = slots[s];
    const std::uint32_t home = a.cell;
    std::vector<std::uint32_t>& removed = removed_;  // core points that stop being core (s included)
    removed.clear();
    const bool was_dense = dense(cells[home]);
    if (a.core) {
      removed.push_back(s);
      --cells[home].ncore;
      a.core = false;
    }
    grid_remove(s);
    a.alive = false;  // from here on s has no grid entry, but keeps its cell for the searches below
    auto demote = [&](Entry& e) {
      e.core = false;
      slots[e.slot].core = false;
      --cells[slots[e.slot].cell].ncore;
      removed.push_back(e.slot);
    };
    // Non-core points anchored to s (its neighbours, in sparse cells) are collected in the same
    // pass; demoted points have no anchor yet, so they are not mistaken for them.
    std::vector<std::uint32_t>& reanchor = reanchor_;
    reanchor.clear();
    for_near(home, [&](std::uint32_t ci) {
      Cell& c = cells[ci];
      if (c.entries.empty() || dense(c)) return;
      if (ci == home && was_dense) {
        // The cell just became sparse: its points need counts again.
        for (Entry& e : c.entries) {
          e.count = full_count(e.slot);
          if (e.count < min_pts && e.core) demote(e);
        }
        return;
      }
      if (out_of_reach(c, a.p)) return;
      for (Entry& e : c.entries) {
        if (!related(a, e)) continue;
        if (!e.core && slots[e.slot].anchor == s) reanchor.push_back(e.slot);
        if (--e.count < min_pts && e.core) demote(e);
      }
    });

    // Clusters that lost core points: cells left without cores leave their cluster; the rest are
    // checked for a split from the cells the removed cores touched.
    std::vector<std::int32_t>& affected = affected_;
    affected.clear();
    std::vector<std::int32_t>& of = of_;
    of.resize(removed.size());
    for (std::size_t i = 0; i < removed.size(); ++i) {
      of[i] = cells[slots[removed[i]].cell].cluster;
      if (std::find(affected.begin(), affected.end(), of[i]) == affected.end()) affected.push_back(of[i]);
    }
    for (std::int32_t k : affected) {
      std::vector<std::uint32_t>& seeds = seed_cells_;
      std::vector<std::uint32_t>& witness = seed_witness_;  // a core of the seed cell the removed core touched
      seeds.clear();
      witness.clear();
      next_epoch();
      const SpherePoint* centre = nullptr;
      for (std::size_t i = 0; i < removed.size(); ++i) {
        if (of[i] != k) continue;
        const Slot& r = slots[removed[i]];
        if (!centre) centre = &r.p;
        const Cell& rc = cells[r.cell];
        // The removed core's own cell first: it is the natural centre for the quick test.
        if (rc.ncore > 0 && cells[r.cell].mark != epoch) {
          cells[r.cell].mark = epoch;
          seeds.push_back(r.cell);
          std::uint32_t w = kNone;  // any core of the cell stands for it
          for (const Entry& e : rc.entries)
            if (e.core) {
              w = e.slot;
              break;
            }
          witness.push_back(w);
        }
        for_near(r.cell, [&](std::uint32_t ci) {
          const Cell& c = cells[ci];
          if (c.ncore == 0 || c.cluster != k || cells[ci].mark == epoch) return;
          const std::uint32_t w = core_touched(r, c);
          if (w != kNone) {
            cells[ci].mark = epoch;
            seeds.push_back(ci);
            witness.push_back(w);
          }
        });
      }
      for (std::size_t i = 0; i < removed.size(); ++i) {
        const std::uint32_t rc = slots[removed[i]].cell;
        if (of[i] == k && cells[rc].ncore == 0 && cells[rc].cluster == k) detach(rc);
      }
      if (clusters[k].cells.empty()) {
        events.push_back({ClusterEventKind::kDissolved, clusters[k].incident, {}});
        free_cluster(k);
        continue;
      }
      if (seeds.size() > 1 && !seeds_connected(seeds, witness)) split_check(k, seeds, *centre, events);
    }

    // Demoted points, and non-core points anchored to a removed core, need a new anchor.
    for (std::uint32_t r : removed) {
      if (r == s) continue;  // its anchored points were collected above
      reanchor.push_back(r);
      for_near(slots[r].cell, [&](std::uint32_t ci) {
        const Cell& c = cells[ci];
        if (c.ncore == c.entries.size()) return;
        for (const Entry& e : c.entries)
          if (!e.core && slots[e.slot].anchor == r) reanchor.push_back(e.slot);
      });
    }
    std::sort(reanchor.begin(), reanchor.end());
    reanchor.erase(std::unique(reanchor.begin(), reanchor.end()), reanchor.end());
    for (std::uint32_t b : reanchor)
      if (b != s) recompute_anchor(b);
    by_id.erase(IdMap::hash(ids[s]), s);
    ids[s].clear();
    ids[s].shrink_to_fit();
    free_slots.push_back(s);
    ++stale_order;
    ++stale_time;
    if (cells[home].entries.empty()) free_cell(home);
    maybe_compact();
    maybe_compact_blocks();
    return events;
  }

  void next_epoch() {
    if (++epoch == 0) {
      for (Cell& c : cells) c.mark = 0;
      epoch = 1;
    }
  }

  // One search of the split check: the cells it reached, and those not yet expanded as a heap,
  // nearest to the removed point first.
  struct OpenCell {
    double prio;
    std::uint32_t cell, block;
  };
  struct Group {
    std::vector<std::uint32_t> nodes;  // every cell reached
    std::vector<OpenCell> open;  // not yet expanded: a heap
    std::size_t expanded = 0;
    std::size_t acc = 0;  // core points in the cells expanded so far
    std::uint32_t parent = 0;
    bool done = false;
  };
  // The priority travels with the cell in the heap, so comparisons read no other memory; so does
  // the cell's block, so that expanding the cell can start loading the blocks around at once.
  struct PrioAfter {
    bool operator()(const OpenCell& a, const OpenCell& b) const { return a.prio > b.prio; }
  };
  void push_open(Group& gr, std::uint32_t c, std::uint32_t block, double prio) {
    gr.nodes.push_back(c);
    gr.open.push_back({prio, c, block});
    std::push_heap(gr.open.begin(), gr.open.end(), PrioAfter{});
  }
  OpenCell pop_open(Group& gr) {
    std::pop_heap(gr.open.begin(), gr.open.end(), PrioAfter{});
    const OpenCell c = gr.open.back();
    gr.open.pop_back();
    return c;
  }
  std::uint32_t group_root(std::vector<Group>& g, std::uint32_t x) {
    while (g[x].parent != x) x = g[x].parent = g[g[x].parent].parent;
    return x;
  }
  void join_groups(std::vector<Group>& g, std::uint32_t into, std::uint32_t from) {
    Group& a = g[into];
    Group& b = g[from];
    a.nodes.insert(a.nodes.end(), b.nodes.begin(), b.nodes.end());
    a.open.insert(a.open.end(), b.open.begin(), b.open.end());
    std::make_heap(a.open.begin(), a.open.end(), PrioAfter{});
    a.expanded += b.expanded;
    a.acc += b.acc;
    a.done = a.open.empty();
    b.nodes.clear();
    b.nodes.shrink_to_fit();
    b.open.clear();
    b.open.shrink_to_fit();
    b.parent = into;
  }

  // Are the seed cells (cells of cluster k that the removed cores touched) still connected? First
  // a cheap test: every seed linked directly to the first one. Otherwise one breadth-first search
  // over linked cells per group of seeds runs in lockstep; groups that meet are joined, and the
  // search stops as soon as at most one group is still growing, so only the parts that split off
  // are ever enumerated.
  // A cheap sufficient test that the seed cells are still connected: a seed is connected when the
  // core it was found through (its witness) touches a core of a seed already known connected,
  // starting from the first seed. In a dense cluster the first or second try succeeds for every
  // seed; false means "undecided".
  bool seeds_connected(const std::vector<std::uint32_t>& seeds, const std::vector<std::uint32_t>& witness) {
    std::vector<std::uint32_t>& confirmed = confirmed_;
    std::vector<std::uint32_t>& pending = pending_;
    confirmed.assign(1, seeds[0]);
    seed_ok_.assign(seeds.size(), 0);
    seed_ok_[0] = 1;
    pending.clear();
    for (std::uint32_t i = 1; i < seeds.size(); ++i) pending.push_back(i);
    // Round 1: the witness against every confirmed cell within reach (a box test each).
    // Round 2: the whole seed cell against the confirmed cells near it.
    for (int round = 1; round <= 2; ++round) {
      while (!pending.empty()) {
        std::size_t w = 0;
        for (std::uint32_t i : pending) {
          const Cell& d = cells[seeds[i]];
          const Slot& x = slots[witness[i]];
          bool ok = false;
          // The first seed (usually the removed core's own cell) first, then the latest ones.
          for (std::size_t u = 0; u < confirmed.size() && !ok; ++u) {
            const std::size_t t = u == 0 ? 0 : confirmed.size() - u;
            const Cell& e = cells[confirmed[t]];
            if (cells_apart(d, e)) continue;
            ok = round == 1 ? touches_core(x, e) : linked(seeds[i], confirmed[t]);
          }
          if (ok) {
            confirmed.push_back(seeds[i]);
            seed_ok_[i] = 1;
          } else
            pending[w++] = i;
        }
        if (w == pending.size()) break;
        pending.resize(w);
      }
    }
    return pending.empty();
  }

  void split_check(std::int32_t k, const std::vector<std::uint32_t>& seeds, const SpherePoint& centre,
                   std::vector<ClusterEvent>& events) {
    // Searches go to the cells nearest the removed point first: a way around the gap it left is
    // found before the searches spread out.
    auto prio_of = [&](std::uint32_t c) {
      const CellKey& kk = cells[c].key;
      return chord2(centre.x, centre.y, centre.z, (static_cast<double>(kk.x) + 0.5) * h,
                    (static_cast<double>(kk.y) + 0.5) * h, (static_cast<double>(kk.z) + 0.5) * h);
    };
    // The seeds that the cheap test connected to the first one start as one group with it.
    std::vector<Group> g(seeds.size());
    std::size_t roots = seeds.size();
    for (std::uint32_t i = 0; i < seeds.size(); ++i) {
      g[i].parent = i;
      if (i > 0 && seed_ok_[i]) {
        g[i].parent = 0;
        --roots;
      }
    }
    next_epoch();
    for (std::uint32_t i = 0; i < seeds.size(); ++i) {
      const std::uint32_t r = group_root(g, i);
      cells[seeds[i]].mark = epoch;
      cells[seeds[i]].group = r;
      push_open(g[r], seeds[i], cells[seeds[i]].block, prio_of(seeds[i]));
    }
    std::vector<std::uint32_t> live;
    for (std::uint32_t i = 0; i < g.size(); ++i)
      if (g[i].parent == i) live.push_back(i);
    std::size_t growing = roots;
    while (true) {
      if (roots <= 1) return;  // all seeds connected: no split
      if (growing == 0) break;
      if (growing == 1) {
        // Every other part is complete. The last one keeps the id once it is known to hold more
        // core points than any of them; otherwise it is searched on until it is, or is complete.
        std::size_t most = 0;
        std::uint32_t open = kNone;
        for (std::uint32_t r : live)
          if (g[r].parent == r) {
            if (g[r].done)
              most = std::max(most, g[r].acc);
            else
              open = r;
          }
        if (g[open].acc > most) break;
      }
      // Expand the growing group that has expanded the fewest cells (lockstep), so that the work
      // stays in proportion to the smaller parts.
      std::uint32_t r0 = kNone;
      for (std::uint32_t r : live)
        if (g[r].parent == r && !g[r].done && (r0 == kNone || g[r].expanded < g[r0].expanded)) r0 = r;
      if (g[r0].open.empty()) {
        g[r0].done = true;
        --growing;
        continue;
      }
      const OpenCell top = pop_open(g[r0]);
      const std::uint32_t u = top.cell;
      __builtin_prefetch(&cells[u]);
      ++g[r0].expanded;
      for_near_block(top.block, [&](std::uint32_t v, std::uint32_t vblock) {
        if (v == u) return;
        // Cells this group already reached are the common case behind the frontier.
        const std::uint32_t me = group_root(g, r0);
        if (cells[v].mark == epoch && group_root(g, cells[v].group) == me) return;
        if (cells[v].ncore == 0 || cells[v].cluster != k) return;
        if (!linked(u, v)) return;
        if (cells[v].mark != epoch) {
          cells[v].mark = epoch;
          cells[v].group = me;
          push_open(g[me], v, vblock, prio_of(v));
        } else {
          const std::uint32_t other = group_root(g, cells[v].group);
          if (!g[other].done) --growing;
          join_groups(g, me, other);
          --roots;
        }
      });
      g[r0].acc += cells[u].ncore;
      if (g[r0].open.empty()) {
        g[r0].done = true;
        --growing;
      }
    }
    // Parts: every root, in the order of their first seeds, so that neither the keeper nor the
    // order of the new ids depends on the order of the search. The one with the most core points
    // keeps the id: the one still growing (it already has more than any complete part), or else
    // the largest, the first seed's on ties.
    std::vector<std::uint32_t> parts;
    for (std::uint32_t i = 0; i < seeds.size(); ++i) {
      const std::uint32_t r = group_root(g, i);
      if (std::find(parts.begin(), parts.end(), r) == parts.end()) parts.push_back(r);
    }
    std::uint32_t keeper = parts[0];
    for (std::uint32_t r : parts)
      if (!g[r].done) keeper = r;
    if (g[keeper].done)
      for (std::uint32_t r : parts)
        if (g[r].acc > g[keeper].acc) keeper = r;
    ClusterEvent ev{ClusterEventKind::kSplit, clusters[k].incident, {}};
    for (std::uint32_t r : parts) {
      if (r == keeper) continue;
      const std::int32_t nk = new_cluster();
      for (std::uint32_t c : g[r].nodes) {
        detach(c);
        attach(nk, c);
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
    const std::uint32_t s = by_id.find(id, IdMap::hash(id), ids);
    if (s == kNone)
      throw Error(ErrorCode::kNotFound, "incremental cluster: id '" + std::string(id) + "' is not held");
    return s;
  }
  std::int64_t incident(std::uint32_t s) const {
    const Slot& a = slots[s];
    if (a.core) return clusters[cells[a.cell].cluster].incident;
    if (a.anchor != kNone) return clusters[cells[slots[a.anchor].cell].cluster].incident;
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
  return state_->by_id.find(id, detail::IdMap::hash(id), state_->ids) != detail::kNone;
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
