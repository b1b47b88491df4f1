// Internals shared by the batch, incremental and index code: unit-sphere positions, the exact
// neighbour predicate, and grid cell keys.
//
// The predicate must agree bit for bit with scikit-learn's `rdist(x1, x2) <= sin(eps/2)^2`.
// Evaluating that formula costs two sin() calls per pair, so we first compare the squared chord
// between the 3-D unit vectors (chord^2 = 4 * rdist mathematically) against a band around the
// threshold that is wide enough to swallow the rounding of both computations; only pairs inside
// the band (a vanishing fraction) are decided by the exact scikit-learn formula.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "core/flat_hash_table.hpp"
#include "core/huge_pages.hpp"
#include "saring/cluster/geodesic.hpp"

namespace saring::detail {

struct SpherePoint {
  double x = 0, y = 0, z = 0;   // unit vector
  double lat = 0, lon = 0;      // radians, as fed to the exact formula
};

inline SpherePoint make_sphere_point(double lat_deg, double lon_deg) {
  SpherePoint p;
  p.lat = degrees_to_radians(lat_deg);
  p.lon = degrees_to_radians(lon_deg);
  const double cl = std::cos(p.lat);
  p.x = cl * std::cos(p.lon);
  p.y = cl * std::sin(p.lon);
  p.z = std::sin(p.lat);
  return p;
}

// Thresholds for one radius.
struct Radius {
  double reduced = 0;   // sin^2(eps/2): scikit-learn's cut-off on rdist
  double chord2_in = -1;  // squared chord <= this: surely a neighbour
  double chord2_out = 0;  // squared chord > this: surely not
  double cell = 0;        // grid cell edge in unit-sphere coordinates (>= sqrt(chord2_out))
};

inline Radius make_radius(double eps_m) {
  Radius r;
  const double eps_rad = eps_m / kEarthRadiusM;
  const double t = std::sin(0.5 * eps_rad);
  r.reduced = t * t;
  const double chord = 2.0 * std::sqrt(r.reduced);
  // Rounding in the unit vectors and in scikit-learn's formula is a few 1e-16 in absolute angle;
  // 1e-14 absolute plus 1e-10 relative is a margin far beyond both.
  const double lo = chord * (1.0 - 1e-10) - 1e-14;
  const double hi = chord * (1.0 + 1e-10) + 1e-14;
  r.chord2_in = lo > 0 ? lo * lo : -1.0;
  r.chord2_out = hi * hi;
  // Cells no smaller than 1e-6 (6.4 m) keep cell keys inside 21 bits per axis.
  r.cell = std::fmax(hi, 1e-6);
  return r;
}

inline double reduced_distance(const SpherePoint& a, const SpherePoint& b) {
  return haversine_reduced(a.lat, a.lon, b.lat, b.lon);
}

inline double chord2(double ax, double ay, double az, double bx, double by, double bz) {
  const double dx = ax - bx, dy = ay - by, dz = az - bz;
  return dx * dx + dy * dy + dz * dz;
}

// Exact: equals haversine_reduced(a, b) <= r.reduced.
inline bool within(const SpherePoint& a, const SpherePoint& b, const Radius& r) {
  const double c2 = chord2(a.x, a.y, a.z, b.x, b.y, b.z);
  if (c2 <= r.chord2_in) return true;
  if (c2 > r.chord2_out) return false;
  return reduced_distance(a, b) <= r.reduced;
}

// Cell key: three signed cell coordinates packed in 21 bits each.
inline constexpr std::int64_t kCellBias = 1 << 20;
inline std::int64_t cell_coord(double v, double cell) {
  return static_cast<std::int64_t>(std::floor(v / cell));
}
inline std::uint64_t pack_cell(std::int64_t cx, std::int64_t cy, std::int64_t cz) {
  return (static_cast<std::uint64_t>(cx + kCellBias) << 42) |
         (static_cast<std::uint64_t>(cy + kCellBias) << 21) | static_cast<std::uint64_t>(cz + kCellBias);
}
inline std::uint64_t cell_key(const SpherePoint& p, double cell) {
  return pack_cell(cell_coord(p.x, cell), cell_coord(p.y, cell), cell_coord(p.z, cell));
}
// The 27 keys of the cells around (and including) the cell of key k.
inline void neighbour_keys(std::uint64_t k, std::uint64_t out[27]) {
  const std::int64_t cx = static_cast<std::int64_t>(k >> 42);
  const std::int64_t cy = static_cast<std::int64_t>((k >> 21) & ((1u << 21) - 1));
  const std::int64_t cz = static_cast<std::int64_t>(k & ((1u << 21) - 1));
  int n = 0;
  for (std::int64_t dx = -1; dx <= 1; ++dx)
    for (std::int64_t dy = -1; dy <= 1; ++dy)
      for (std::int64_t dz = -1; dz <= 1; ++dz)
        out[n++] = (static_cast<std::uint64_t>(cx + dx) << 42) | (static_cast<std::uint64_t>(cy + dy) << 21) |
                   static_cast<std::uint64_t>(cz + dz);
}

// The large per-point arrays of a batch run use BigVector (core/huge_pages.hpp): first touches of
// fresh memory dominate a million-point run on small VMs, and huge pages cut the faults 512-fold.

// Cell key -> 32-bit value (no erase), over the shared open-addressing table.
class CellMap {
 public:
  static constexpr std::uint32_t kMissing = 0xffffffffu;
  explicit CellMap(std::size_t expected = 16) : table_(expected) {}
  std::uint32_t find(std::uint64_t key) const { return table_.find(mix(key), [](std::uint32_t) { return true; }); }
  // Returns the value stored for key, inserting `value` when absent.
  std::uint32_t insert(std::uint64_t key, std::uint32_t value) {
    return table_.find_or_insert(mix(key), value, [](std::uint32_t) { return true; });
  }
  std::size_t size() const { return table_.size(); }

 private:
  // A bijection (odd multiplier, then xor-shift), so equal mixes mean equal keys and the table
  // needs no key of its own.
  static std::uint64_t mix(std::uint64_t key) {
    std::uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
  }
  FlatHashTable<std::uint64_t, std::uint32_t> table_;
};
static_assert(CellMap::kMissing == FlatHashTable<std::uint64_t, std::uint32_t>::kNoValue);

}  // namespace saring::detail
