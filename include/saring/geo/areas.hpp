// Administrative areas: which provinsi, kabupaten/kota, kecamatan and kelurahan a point lies in,
// and how far a point outside lies from the service area. Boundaries are GeoJSON polygons loaded
// and validated (repaired where needed) through GEOS; point queries then run on saring's own
// flattened edge arrays behind a uniform grid, so they do not touch GEOS at all (GEOS stays behind
// the pimpl, and stays the reference in tests).
//
//   const saring::AreaSet& areas = saring::AreaSet::jakarta();   // bundled, no configuration
//   for (const saring::AreaRef& a : areas.lookup(-6.1754, 106.8272))  // Monas
//     std::cout << a.level << " " << a.code << " " << a.name << "\n";
//   double d = areas.distance_to_service_area_m(-6.5950, 106.7970);   // Bogor: ~25 km
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "saring/core/report.hpp"

namespace saring {

// Levels, widest first. The numeric order is the chain order of lookup().
enum class AreaLevel : std::uint8_t { kProvinsi = 0, kKabupatenKota = 1, kKecamatan = 2, kKelurahan = 3 };
inline constexpr std::size_t kAreaLevelCount = 4;

std::string_view area_level_name(AreaLevel level) noexcept;  // "provinsi", "kabupaten_kota", ...
AreaLevel parse_area_level(std::string_view name);           // throws Error(kParse) on unknown names

struct AreaLoadOptions {
  // Invalid polygons (self-intersections, nested shells) are repaired with GEOSMakeValid (the
  // "structure" method, which keeps a shell nested in another as land) when true; when false the
  // load fails with an Error naming the feature and GEOS's reason.
  bool repair_invalid = true;
  std::size_t max_bytes = std::size_t{64} << 20;       // a larger GeoJSON text is refused
  std::size_t max_features = 100000;
  std::size_t max_vertices = 5'000'000;                // over all features of one text
  std::string code_property = "kode";                  // feature property holding the code
  std::string name_property = "nama";
  std::string level_property = "level";                // values as area_level_name()
  std::optional<AreaLevel> level;                      // when set, overrides level_property
  void validate() const;                               // throws Error(kInvalidArgument)
};

struct AreaInfo {
  AreaRef ref;                 // level name, code, name
  AreaLevel level = AreaLevel::kProvinsi;
  std::size_t vertices = 0;    // after repair
  bool repaired = false;       // GEOSMakeValid changed it
  double min_lat = 0, min_lon = 0, max_lat = 0, max_lon = 0;
};

// A set of areas at up to four levels, plus an optional land/water layer for the "in the sea"
// check. Loading is not thread-safe; once loaded, every const member may be called from many
// threads at once (the GEOS-backed ones take an internal lock).
class AreaSet {
 public:
  AreaSet();
  ~AreaSet();
  AreaSet(AreaSet&&) noexcept;
  AreaSet& operator=(AreaSet&&) noexcept;
  AreaSet(const AreaSet&) = delete;
  AreaSet& operator=(const AreaSet&) = delete;

  // The bundled DKI Jakarta set (4 levels from cahyadsn/wilayah_boundaries, MIT, see
  // data/geo/SOURCES.md) with saring's own coarse Jakarta Bay water polygon. Built on first use.
  static const AreaSet& jakarta();
  // The bundled GeoJSON texts, e.g. for comparing against another library on the same polygons.
  // `name` is "provinsi", "kabupaten_kota", "kecamatan", "kelurahan" or "water".
  static std::string_view bundled_geojson(std::string_view name);

  // Adds every Polygon/MultiPolygon feature of a FeatureCollection (or a single Feature). `source`
  // names the input in error messages. Throws Error(kParse) for broken GeoJSON, missing codes or
  // levels, unrepairable geometry; Error(kLimitExceeded) over the options' caps. On a throw the
  // set is unchanged.
  void add_geojson(std::string_view geojson, std::string_view source, const AreaLoadOptions& options = {});
  void add_geojson_file(const std::string& path, const AreaLoadOptions& options = {});
  // Replaces the water layer (polygons of sea or water bodies; properties are ignored).
  void set_water_geojson(std::string_view geojson, std::string_view source, const AreaLoadOptions& options = {});
  void set_water_geojson_file(const std::string& path, const AreaLoadOptions& options = {});

  bool has_level(AreaLevel level) const noexcept;
  std::size_t size(AreaLevel level) const noexcept;
  const AreaInfo& area(AreaLevel level, std::size_t index) const;  // throws kNotFound
  std::optional<AreaLevel> widest_level() const noexcept;
  std::optional<AreaLevel> finest_level() const noexcept;
  bool has_water() const noexcept;
  // One line per repaired feature ("kelurahan 31.71.01.1001 Gambir: repaired (Self-intersection)").
  const std::vector<std::string>& repair_notes() const noexcept;

  // The chain of areas containing the point, widest first. When the finest match's code has
  // dotted-prefix parents in the coarser levels (31.71.01.1001 -> 31.71.01 -> 31.71 -> 31) those
  // are used, so the chain is consistent even where the simplified levels do not nest exactly.
  // Empty when the point is in no area or not finite.
  std::vector<AreaRef> lookup(double lat, double lon) const;
  // Index of the area of `level` containing the point (fast path, no GEOS), or nullopt. Where
  // polygons overlap, the one loaded first wins.
  std::optional<std::size_t> find(AreaLevel level, double lat, double lon) const noexcept;
  // Batch form: out[i] = index or -1. Spans must be the same length (throws kInvalidArgument).
  void find_many(AreaLevel level, std::span<const double> lat, std::span<const double> lon,
                 std::span<std::int32_t> out) const;
  // Reference path through GEOS (STRtree + prepared geometries): every area of `level` that
  // contains the point. Slow; used to cross-check find() and for the rare points on overlaps.
  std::vector<std::size_t> find_all_geos(AreaLevel level, double lat, double lon) const;

  // Inside any area of any level (the levels of a simplified set need not nest exactly).
  bool in_service_area(double lat, double lon) const noexcept;
  // Geodesic (haversine) distance in metres from the point to the nearest area of the widest
  // level: 0 in the service area. The nearest point is found by GEOS in lon/lat space, which is exact enough
  // near the equator (Jakarta: 6 deg S) and a fair approximation elsewhere. NaN if the set is empty
  // or the point is not finite.
  double distance_to_service_area_m(double lat, double lon) const;
  // Distance in metres to the nearest area of `level` (0 inside); NaN when that level is empty.
  // Answered by saring's own boundary-segment grid, without GEOS or its lock except for points
  // numerically on a boundary; equal to distance_to_level_geos_m (tests check it bit for bit on
  // random points and points near the boundaries).
  double distance_to_level_m(AreaLevel level, double lat, double lon) const;
  // Reference path through GEOS (STRtree nearest area + GEOSNearestPoints, under the lock). Slow.
  double distance_to_level_geos_m(AreaLevel level, double lat, double lon) const;
  // Inside the water layer (false without one).
  bool in_water(double lat, double lon) const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Great-circle distance in metres on a sphere of radius 6,371,008.8 m.
double haversine_m(double lat1, double lon1, double lat2, double lon2) noexcept;

}  // namespace saring
