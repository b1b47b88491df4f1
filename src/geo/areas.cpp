// AreaSet: GEOS (reentrant C API on one context handle) parses, validates and repairs the
// polygons and answers the rare distance and reference queries; saring's PointIndex answers the
// hot point lookups from coordinates copied out of the GEOS geometries.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "saring/geo/areas.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "core/json_depth.hpp"
#include "geo/bundled_data.hpp"
#include "geo/point_index.hpp"
#include "geo/segment_index.hpp"
#include "saring/core/error.hpp"

namespace saring {

namespace {

constexpr std::array<std::string_view, kAreaLevelCount> kLevelNames = {"provinsi", "kabupaten_kota",
                                                                        "kecamatan", "kelurahan"};
constexpr double kEarthRadiusM = 6371008.8;
constexpr std::size_t kMaxGridCells = std::size_t{1} << 20;
// Below this planar distance (degrees, ~0.1 mm) a point counts as on a boundary: GEOS decides.
constexpr double kOnBoundaryDeg = 1e-9;

// Owns one GEOS geometry.
struct GeomDeleter {
  GEOSContextHandle_t ctx;
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(ctx, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

std::string property_text(const nlohmann::json& props, const std::string& key) {
  if (!props.is_object()) return {};
  auto it = props.find(key);
  if (it == props.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer() || it->is_number_unsigned()) return it->dump();
  return {};
}

// GEOS 3.11's GeoJSON reader indexes a position without checking its length (an empty position
// inside a ring crashed it under the fuzzer), so the shape of the coordinates is checked here.
void check_polygon_positions(const nlohmann::json& geometry, bool multi, const std::string& label) {
  const auto fail = [&](const std::string& what) { throw Error(ErrorCode::kParse, label + ": " + what); };
  if (!geometry.contains("coordinates") || !geometry["coordinates"].is_array()) fail("geometry has no 'coordinates' array");
  const auto polygon = [&](const nlohmann::json& rings, const std::string& where) {
    if (!rings.is_array()) fail(where + " is not an array of rings");
    for (std::size_t r = 0; r < rings.size(); ++r) {
      if (!rings[r].is_array()) fail(where + " ring " + std::to_string(r) + " is not an array of positions");
      for (std::size_t p = 0; p < rings[r].size(); ++p) {
        const nlohmann::json& pos = rings[r][p];
        bool ok = pos.is_array() && pos.size() >= 2;
        for (std::size_t k = 0; ok && k < pos.size(); ++k) ok = pos[k].is_number();
        if (!ok) fail(where + " ring " + std::to_string(r) + " position " + std::to_string(p) + " is not [lon, lat]");
      }
    }
  };
  const nlohmann::json& c = geometry["coordinates"];
  if (!multi) {
    polygon(c, "polygon");
  } else {
    for (std::size_t i = 0; i < c.size(); ++i) polygon(c[i], "polygon " + std::to_string(i));
  }
}

}  // namespace

std::string_view area_level_name(AreaLevel level) noexcept {
  const auto i = static_cast<std::size_t>(level);
  return i < kLevelNames.size() ? kLevelNames[i] : std::string_view("unknown");
}

AreaLevel parse_area_level(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == name) return static_cast<AreaLevel>(i);
  // Common spellings in other Indonesian boundary sets.
  if (name == "province" || name == "prov") return AreaLevel::kProvinsi;
  if (name == "kabupaten" || name == "kota" || name == "kab" || name == "regency") return AreaLevel::kKabupatenKota;
  if (name == "kec" || name == "district") return AreaLevel::kKecamatan;
  if (name == "desa" || name == "kel" || name == "village") return AreaLevel::kKelurahan;
  throw Error(ErrorCode::kParse, "unknown area level '" + std::string(name) +
                                     "' (expected provinsi, kabupaten_kota, kecamatan or kelurahan)");
}

void AreaLoadOptions::validate() const {
  if (max_bytes == 0) throw Error(ErrorCode::kInvalidArgument, "AreaLoadOptions.max_bytes must be > 0");
  if (max_features == 0) throw Error(ErrorCode::kInvalidArgument, "AreaLoadOptions.max_features must be > 0");
  if (max_vertices < 4) throw Error(ErrorCode::kInvalidArgument, "AreaLoadOptions.max_vertices must be >= 4");
  if (code_property.empty()) throw Error(ErrorCode::kInvalidArgument, "AreaLoadOptions.code_property is empty");
  if (!level && level_property.empty())
    throw Error(ErrorCode::kInvalidArgument, "AreaLoadOptions: set level or level_property");
}

double haversine_m(double lat1, double lon1, double lat2, double lon2) noexcept {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

struct AreaSet::Impl {
  struct Layer {
    std::vector<AreaInfo> infos;
    std::vector<GEOSGeometry*> geoms;                  // owned
    std::vector<const GEOSPreparedGeometry*> prepared;  // owned
    std::vector<detail::PolygonRings> rings;
    GEOSSTRtree* tree = nullptr;                        // owned; items are indices + 1
    detail::PointIndex index;
    detail::SegmentIndex segments;  // nearest boundary for distance_to_level_m
    std::unordered_map<std::string, std::size_t> by_code;
  };

  GEOSContextHandle_t ctx = nullptr;
  std::string last_error;  // GEOS's message of the failing call (under `mutex` or during loading)
  mutable std::mutex mutex;  // GEOS objects are not safe for concurrent use, even for queries
  std::array<Layer, kAreaLevelCount> levels;
  Layer water;
  std::vector<std::string> notes;

  Impl() {
    ctx = GEOS_init_r();
    if (!ctx) throw Error(ErrorCode::kInternal, "GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(
        ctx, [](const char* message, void* self) { static_cast<Impl*>(self)->last_error = message ? message : ""; },
        this);
  }
  ~Impl() {
    for (auto& layer : levels) clear(layer);
    clear(water);
    GEOS_finish_r(ctx);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void clear(Layer& layer) {
    if (layer.tree) GEOSSTRtree_destroy_r(ctx, layer.tree);
    layer.tree = nullptr;
    for (auto* p : layer.prepared) GEOSPreparedGeom_destroy_r(ctx, p);
    for (auto* g : layer.geoms) GEOSGeom_destroy_r(ctx, g);
    layer = Layer{};
  }

  // Rebuilds the STRtree and the fast index after features were appended.
  void rebuild(Layer& layer) {
    if (layer.tree) GEOSSTRtree_destroy_r(ctx, layer.tree);
    layer.tree = GEOSSTRtree_create_r(ctx, 10);
    if (!layer.tree) throw Error(ErrorCode::kInternal, "GEOSSTRtree_create_r failed: " + last_error);
    for (std::size_t i = 0; i < layer.geoms.size(); ++i)
      GEOSSTRtree_insert_r(ctx, layer.tree, layer.geoms[i], reinterpret_cast<void*>(static_cast<std::uintptr_t>(i + 1)));
    layer.index = detail::PointIndex(layer.rings, kMaxGridCells);
    layer.segments = detail::SegmentIndex(layer.rings, kMaxGridCells);
  }

  struct Parsed {
    AreaInfo info;
    GeomPtr geom;
    detail::PolygonRings rings;
  };

  // Copies the rings of a (Multi)Polygon out of GEOS.
  detail::PolygonRings extract_rings(const GEOSGeometry* g) {
    detail::PolygonRings out;
    auto add_ring = [&](const GEOSGeometry* ring) {
      const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
      unsigned int n = 0;
      if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n)) return;
      detail::Ring r;
      r.x.resize(n);
      r.y.resize(n);
      for (unsigned int i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx, seq, i, &r.x[i], &r.y[i]);
      out.rings.push_back(std::move(r));
    };
    auto add_polygon = [&](const GEOSGeometry* poly) {
      add_ring(GEOSGetExteriorRing_r(ctx, poly));
      const int holes = GEOSGetNumInteriorRings_r(ctx, poly);
      for (int h = 0; h < holes; ++h) add_ring(GEOSGetInteriorRingN_r(ctx, poly, h));
    };
    if (GEOSGeomTypeId_r(ctx, g) == GEOS_POLYGON) {
      add_polygon(g);
    } else {
      const int n = GEOSGetNumGeometries_r(ctx, g);
      for (int i = 0; i < n; ++i) add_polygon(GEOSGetGeometryN_r(ctx, g, i));
    }
    return out;
  }

  // The polygonal part of a GEOSMakeValid result (which may mix in lines and points), as one
  // MultiPolygon, or null when nothing polygonal is left.
  GeomPtr polygonal_part(const GEOSGeometry* g) {
    std::vector<GEOSGeometry*> polys;
    auto collect = [&](auto&& self, const GEOSGeometry* part) -> void {
      const int type = GEOSGeomTypeId_r(ctx, part);
      if (type == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(ctx, part)) polys.push_back(GEOSGeom_clone_r(ctx, part));
      } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx, part);
        for (int i = 0; i < n; ++i) self(self, GEOSGetGeometryN_r(ctx, part, i));
      }
    };
    collect(collect, g);
    if (polys.empty()) return GeomPtr(nullptr, GeomDeleter{ctx});
    return GeomPtr(GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(),
                                               static_cast<unsigned int>(polys.size())),
                   GeomDeleter{ctx});
  }

  std::vector<Parsed> parse(std::string_view text, std::string_view source, const AreaLoadOptions& options,
                            bool water_layer, std::vector<std::string>& new_notes) {
    options.validate();
    const std::string src(source);
    if (text.size() > options.max_bytes)
      throw Error(ErrorCode::kLimitExceeded, src + ": GeoJSON is " + std::to_string(text.size()) +
                                                 " bytes, over the limit of " + std::to_string(options.max_bytes));
    detail::check_json_depth(text, src + ": GeoJSON");
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::kParse, src + ": not valid JSON: " + e.what());
    }
    std::vector<const nlohmann::json*> features;
    const std::string type = doc.is_object() && doc.contains("type") && doc["type"].is_string()
                                 ? doc["type"].get<std::string>() : std::string();
    if (type == "FeatureCollection") {
      if (!doc.contains("features") || !doc["features"].is_array())
        throw Error(ErrorCode::kParse, src + ": FeatureCollection without a 'features' array");
      for (const auto& f : doc["features"]) features.push_back(&f);
    } else if (type == "Feature") {
      features.push_back(&doc);
    } else {
      throw Error(ErrorCode::kParse, src + ": expected a GeoJSON FeatureCollection or Feature, got type '" + type + "'");
    }
    if (features.size() > options.max_features)
      throw Error(ErrorCode::kLimitExceeded, src + ": " + std::to_string(features.size()) +
                                                 " features, over the limit of " + std::to_string(options.max_features));

    std::unique_ptr<GEOSGeoJSONReader, std::function<void(GEOSGeoJSONReader*)>> reader(
        GEOSGeoJSONReader_create_r(ctx), [this](GEOSGeoJSONReader* r) { GEOSGeoJSONReader_destroy_r(ctx, r); });
    if (!reader) throw Error(ErrorCode::kInternal, "GEOSGeoJSONReader_create_r failed");

    std::vector<Parsed> out;
    std::size_t total_vertices = 0;
    for (std::size_t i = 0; i < features.size(); ++i) {
      const nlohmann::json& f = *features[i];
      std::string label = src + " feature #" + std::to_string(i);
      if (!f.is_object() || !f.contains("type") || f["type"] != "Feature")
        throw Error(ErrorCode::kParse, label + ": not a GeoJSON Feature object");
      const nlohmann::json props = f.contains("properties") ? f["properties"] : nlohmann::json();
      Parsed p{AreaInfo{}, GeomPtr(nullptr, GeomDeleter{ctx}), {}};
      if (!water_layer) {
        const std::string code = property_text(props, options.code_property);
        if (code.empty())
          throw Error(ErrorCode::kParse, label + ": no '" + options.code_property + "' property (the area code)");
        std::string name = property_text(props, options.name_property);
        if (name.empty()) name = code;
        label += " (" + code + " " + name + ")";
        AreaLevel level;
        if (options.level) {
          level = *options.level;
        } else {
          const std::string lv = property_text(props, options.level_property);
          if (lv.empty())
            throw Error(ErrorCode::kParse, label + ": no '" + options.level_property + "' property and no level given");
          try {
            level = parse_area_level(lv);
          } catch (const Error& e) {
            throw Error(ErrorCode::kParse, label + ": " + e.what());
          }
        }
        p.info.level = level;
        p.info.ref = AreaRef{std::string(area_level_name(level)), code, name};
      } else {
        p.info.ref = AreaRef{"water", property_text(props, options.code_property), property_text(props, options.name_property)};
      }
      if (!f.contains("geometry") || !f["geometry"].is_object())
        throw Error(ErrorCode::kParse, label + ": no geometry object");
      const nlohmann::json& gj = f["geometry"];
      const std::string gtype = gj.contains("type") && gj["type"].is_string() ? gj["type"].get<std::string>() : "";
      if (gtype != "Polygon" && gtype != "MultiPolygon")
        throw Error(ErrorCode::kParse, label + ": geometry type '" + gtype + "' is not Polygon or MultiPolygon");
      check_polygon_positions(gj, gtype == "MultiPolygon", label);
      last_error.clear();
      GEOSGeometry* raw = nullptr;
      try {
        raw = GEOSGeoJSONReader_readGeometry_r(ctx, reader.get(), gj.dump().c_str());
      } catch (...) {  // the C API catches its own exceptions; this is belt and braces
        raw = nullptr;
      }
      p.geom = GeomPtr(raw, GeomDeleter{ctx});
      if (!p.geom) throw Error(ErrorCode::kParse, label + ": GEOS could not read the geometry: " + last_error);
      if (GEOSisEmpty_r(ctx, p.geom.get()) == 1) throw Error(ErrorCode::kParse, label + ": empty geometry");
      const int nverts = GEOSGetNumCoordinates_r(ctx, p.geom.get());
      if (nverts < 0) throw Error(ErrorCode::kParse, label + ": cannot count coordinates: " + last_error);
      total_vertices += static_cast<std::size_t>(nverts);
      if (total_vertices > options.max_vertices)
        throw Error(ErrorCode::kLimitExceeded, src + ": more than " + std::to_string(options.max_vertices) + " vertices");
      double x0, y0, x1, y1;
      if (!GEOSGeom_getXMin_r(ctx, p.geom.get(), &x0) || !GEOSGeom_getYMin_r(ctx, p.geom.get(), &y0) ||
          !GEOSGeom_getXMax_r(ctx, p.geom.get(), &x1) || !GEOSGeom_getYMax_r(ctx, p.geom.get(), &y1))
        throw Error(ErrorCode::kParse, label + ": cannot compute the bounding box: " + last_error);
      if (!(std::isfinite(x0) && std::isfinite(x1) && std::isfinite(y0) && std::isfinite(y1)) || x0 < -180 ||
          x1 > 180 || y0 < -90 || y1 > 90)
        throw Error(ErrorCode::kParse, label + ": coordinates outside lon -180..180, lat -90..90 (GeoJSON is [lon, lat])");
      const char valid = GEOSisValid_r(ctx, p.geom.get());
      if (valid != 1) {
        char* why_raw = GEOSisValidReason_r(ctx, p.geom.get());
        std::string why = why_raw ? why_raw : last_error;
        if (why_raw) GEOSFree_r(ctx, why_raw);
        if (!options.repair_invalid)
          throw Error(ErrorCode::kParse, label + ": invalid polygon (" + why + ") and repair is off");
        // The "structure" method unions shells and subtracts holes, so a shell nested in another
        // (an island inside an atoll's ring, as in the upstream Jakarta layers) stays land; the
        // default "linework" method would turn it into a hole.
        GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(ctx);
        GEOSMakeValidParams_setMethod_r(ctx, params, GEOS_MAKE_VALID_STRUCTURE);
        GEOSMakeValidParams_setKeepCollapsed_r(ctx, params, 0);
        GeomPtr fixed(GEOSMakeValidWithParams_r(ctx, p.geom.get(), params), GeomDeleter{ctx});
        GEOSMakeValidParams_destroy_r(ctx, params);
        if (!fixed) throw Error(ErrorCode::kParse, label + ": invalid polygon (" + why + ") and GEOSMakeValid failed: " + last_error);
        GeomPtr poly = polygonal_part(fixed.get());
        if (!poly || GEOSisValid_r(ctx, poly.get()) != 1)
          throw Error(ErrorCode::kParse, label + ": invalid polygon (" + why + ") and its repair leaves no valid polygon");
        p.geom = std::move(poly);
        p.info.repaired = true;
        new_notes.push_back(label + ": repaired (" + why + ")");
      }
      p.info.vertices = static_cast<std::size_t>(std::max(0, GEOSGetNumCoordinates_r(ctx, p.geom.get())));
      p.info.min_lon = x0;
      p.info.min_lat = y0;
      p.info.max_lon = x1;
      p.info.max_lat = y1;
      p.rings = extract_rings(p.geom.get());
      out.push_back(std::move(p));
    }
    return out;
  }

  void append(Layer& layer, Parsed&& p) {
    const GEOSPreparedGeometry* prep = GEOSPrepare_r(ctx, p.geom.get());
    if (!prep) throw Error(ErrorCode::kInternal, "GEOSPrepare_r failed: " + last_error);
    layer.by_code.emplace(p.info.ref.code, layer.infos.size());
    layer.infos.push_back(std::move(p.info));
    layer.geoms.push_back(p.geom.release());
    layer.prepared.push_back(prep);
    layer.rings.push_back(std::move(p.rings));
  }

  // Indices of `layer`'s areas whose prepared geometry contains the point.
  std::vector<std::size_t> contains_geos(const Layer& layer, double lat, double lon) {
    std::vector<std::size_t> hits;
    if (!layer.tree || !std::isfinite(lat) || !std::isfinite(lon)) return hits;
    GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx, lon, lat), GeomDeleter{ctx});
    if (!pt) return hits;
    std::vector<std::size_t> candidates;
    GEOSSTRtree_query_r(
        ctx, layer.tree, pt.get(),
        [](void* item, void* user) {
          static_cast<std::vector<std::size_t>*>(user)->push_back(reinterpret_cast<std::uintptr_t>(item) - 1);
        },
        &candidates);
    std::sort(candidates.begin(), candidates.end());
    for (std::size_t c : candidates)
      if (GEOSPreparedContains_r(ctx, layer.prepared[c], pt.get()) == 1) hits.push_back(c);
    return hits;
  }

  // The reference path through GEOS (under `mutex`).
  double distance_m_geos(const Layer& layer, double lat, double lon) {
    if (layer.geoms.empty() || !std::isfinite(lat) || !std::isfinite(lon)) return std::numeric_limits<double>::quiet_NaN();
    if (layer.index.find(lon, lat) >= 0) return 0.0;
    GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx, lon, lat), GeomDeleter{ctx});
    if (!pt) return std::numeric_limits<double>::quiet_NaN();
    // The STRtree's nearest area by planar lon/lat distance; its nearest point gives the metres.
    struct Search {
      Impl* self;
      const Layer* layer;
      const GEOSGeometry* point;
    } search{this, &layer, pt.get()};
    const void* item = GEOSSTRtree_nearest_generic_r(
        ctx, layer.tree, pt.get(), pt.get(),
        [](const void* a, const void* b, double* d, void* user) -> int {
          auto* s = static_cast<Search*>(user);
          // The query item is the point geometry itself; the tree's items are index + 1.
          auto geom = [s](const void* item) {
            return item == s->point ? s->point : s->layer->geoms[reinterpret_cast<std::uintptr_t>(item) - 1];
          };
          return GEOSDistance_r(s->self->ctx, geom(a), geom(b), d);
        },
        &search);
    if (!item) return std::numeric_limits<double>::quiet_NaN();
    const std::size_t best = reinterpret_cast<std::uintptr_t>(item) - 1;
    if (best >= layer.geoms.size()) return std::numeric_limits<double>::quiet_NaN();
    GEOSCoordSequence* nearest = GEOSNearestPoints_r(ctx, layer.geoms[best], pt.get());
    if (!nearest) return std::numeric_limits<double>::quiet_NaN();
    double nx = 0, ny = 0;
    GEOSCoordSeq_getXY_r(ctx, nearest, 0, &nx, &ny);
    GEOSCoordSeq_destroy_r(ctx, nearest);
    return haversine_m(lat, lon, ny, nx);
  }
};

AreaSet::AreaSet() : impl_(std::make_unique<Impl>()) {}
AreaSet::~AreaSet() = default;
AreaSet::AreaSet(AreaSet&&) noexcept = default;
AreaSet& AreaSet::operator=(AreaSet&&) noexcept = default;

namespace {

std::string read_file_capped(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open for reading");
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      throw Error(ErrorCode::kLimitExceeded, path + ": larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  if (in.bad()) throw Error(ErrorCode::kIo, path + ": read error");
  return text;
}

}  // namespace

void AreaSet::add_geojson(std::string_view geojson, std::string_view source, const AreaLoadOptions& options) {
  std::vector<std::string> new_notes;
  auto parsed = impl_->parse(geojson, source, options, false, new_notes);
  // Check codes before touching the set, so a refused text leaves it unchanged.
  std::array<std::unordered_map<std::string, std::size_t>, kAreaLevelCount> seen;
  for (const auto& p : parsed) {
    const auto l = static_cast<std::size_t>(p.info.level);
    if (impl_->levels[l].by_code.count(p.info.ref.code) || !seen[l].emplace(p.info.ref.code, 0).second)
      throw Error(ErrorCode::kParse, std::string(source) + ": duplicate " + p.info.ref.level + " code " + p.info.ref.code);
  }
  std::array<bool, kAreaLevelCount> touched{};
  for (auto& p : parsed) {
    const auto l = static_cast<std::size_t>(p.info.level);
    touched[l] = true;
    impl_->append(impl_->levels[l], std::move(p));
  }
  for (std::size_t l = 0; l < kAreaLevelCount; ++l)
    if (touched[l]) impl_->rebuild(impl_->levels[l]);
  impl_->notes.insert(impl_->notes.end(), new_notes.begin(), new_notes.end());
}

void AreaSet::add_geojson_file(const std::string& path, const AreaLoadOptions& options) {
  options.validate();
  add_geojson(read_file_capped(path, options.max_bytes), path, options);
}

void AreaSet::set_water_geojson(std::string_view geojson, std::string_view source, const AreaLoadOptions& options) {
  std::vector<std::string> new_notes;
  auto parsed = impl_->parse(geojson, source, options, true, new_notes);
  impl_->clear(impl_->water);
  for (auto& p : parsed) {
    p.info.ref.code = p.info.ref.code.empty() ? std::to_string(impl_->water.infos.size()) : p.info.ref.code;
    impl_->append(impl_->water, std::move(p));
  }
  impl_->rebuild(impl_->water);
  impl_->notes.insert(impl_->notes.end(), new_notes.begin(), new_notes.end());
}

void AreaSet::set_water_geojson_file(const std::string& path, const AreaLoadOptions& options) {
  options.validate();
  set_water_geojson(read_file_capped(path, options.max_bytes), path, options);
}

const AreaSet& AreaSet::jakarta() {
  static const AreaSet set = [] {
    AreaSet s;
    for (std::size_t l = 0; l < kAreaLevelCount; ++l) {
      AreaLoadOptions o;
      o.level = static_cast<AreaLevel>(l);
      const std::string_view name = kLevelNames[l];
      s.add_geojson(bundled_geojson(name), "bundled dki_jakarta_" + std::string(name) + ".geojson", o);
    }
    s.set_water_geojson(bundled_geojson("water"), "bundled jakarta_bay_water_coarse.geojson");
    return s;
  }();
  return set;
}

std::string_view AreaSet::bundled_geojson(std::string_view name) {
  const std::string_view text = detail::bundled_geo_text(name);
  if (text.empty()) throw Error(ErrorCode::kNotFound, "no bundled geo layer named '" + std::string(name) + "'");
  return text;
}

bool AreaSet::has_level(AreaLevel level) const noexcept { return size(level) > 0; }

std::size_t AreaSet::size(AreaLevel level) const noexcept {
  const auto l = static_cast<std::size_t>(level);
  return l < kAreaLevelCount ? impl_->levels[l].infos.size() : 0;
}

const AreaInfo& AreaSet::area(AreaLevel level, std::size_t index) const {
  if (index >= size(level))
    throw Error(ErrorCode::kNotFound, "no " + std::string(area_level_name(level)) + " area #" + std::to_string(index));
  return impl_->levels[static_cast<std::size_t>(level)].infos[index];
}

std::optional<AreaLevel> AreaSet::widest_level() const noexcept {
  for (std::size_t l = 0; l < kAreaLevelCount; ++l)
    if (!impl_->levels[l].infos.empty()) return static_cast<AreaLevel>(l);
  return std::nullopt;
}

std::optional<AreaLevel> AreaSet::finest_level() const noexcept {
  for (std::size_t l = kAreaLevelCount; l-- > 0;)
    if (!impl_->levels[l].infos.empty()) return static_cast<AreaLevel>(l);
  return std::nullopt;
}

bool AreaSet::has_water() const noexcept { return !impl_->water.infos.empty(); }
const std::vector<std::string>& AreaSet::repair_notes() const noexcept { return impl_->notes; }

std::optional<std::size_t> AreaSet::find(AreaLevel level, double lat, double lon) const noexcept {
  const auto l = static_cast<std::size_t>(level);
  if (l >= kAreaLevelCount) return std::nullopt;
  const std::int32_t i = impl_->levels[l].index.find(lon, lat);
  if (i < 0) return std::nullopt;
  return static_cast<std::size_t>(i);
}

void AreaSet::find_many(AreaLevel level, std::span<const double> lat, std::span<const double> lon,
                        std::span<std::int32_t> out) const {
  if (lat.size() != lon.size() || lat.size() != out.size())
    throw Error(ErrorCode::kInvalidArgument, "find_many: lat, lon and out must have the same length");
  const auto l = static_cast<std::size_t>(level);
  if (l >= kAreaLevelCount) throw Error(ErrorCode::kInvalidArgument, "find_many: bad level");
  const detail::PointIndex& index = impl_->levels[l].index;
  for (std::size_t i = 0; i < lat.size(); ++i) out[i] = index.find(lon[i], lat[i]);
}

std::vector<std::size_t> AreaSet::find_all_geos(AreaLevel level, double lat, double lon) const {
  const auto l = static_cast<std::size_t>(level);
  if (l >= kAreaLevelCount) throw Error(ErrorCode::kInvalidArgument, "find_all_geos: bad level");
  std::lock_guard lock(impl_->mutex);
  return impl_->contains_geos(impl_->levels[l], lat, lon);
}

std::vector<AreaRef> AreaSet::lookup(double lat, double lon) const {
  std::vector<AreaRef> chain;
  if (!std::isfinite(lat) || !std::isfinite(lon)) return chain;
  std::array<std::int32_t, kAreaLevelCount> hit{};
  int finest = -1;
  for (std::size_t l = 0; l < kAreaLevelCount; ++l) {
    hit[l] = impl_->levels[l].index.find(lon, lat);
    if (hit[l] >= 0) finest = static_cast<int>(l);
  }
  if (finest < 0) return chain;
  // Prefer the finest match's ancestors by code, so the chain agrees with itself.
  const std::string& code = impl_->levels[static_cast<std::size_t>(finest)].infos[static_cast<std::size_t>(hit[finest])].ref.code;
  for (int l = finest - 1; l >= 0; --l) {
    const auto& layer = impl_->levels[static_cast<std::size_t>(l)];
    for (std::size_t cut = code.rfind('.'); cut != std::string::npos && cut > 0; cut = code.rfind('.', cut - 1)) {
      auto it = layer.by_code.find(code.substr(0, cut));
      if (it != layer.by_code.end()) {
        hit[static_cast<std::size_t>(l)] = static_cast<std::int32_t>(it->second);
        break;
      }
    }
  }
  chain.reserve(static_cast<std::size_t>(std::count_if(hit.begin(), hit.end(), [](std::int32_t h) { return h >= 0; })));
  for (std::size_t l = 0; l < kAreaLevelCount; ++l)
    if (hit[l] >= 0) chain.push_back(impl_->levels[l].infos[static_cast<std::size_t>(hit[l])].ref);
  return chain;
}

bool AreaSet::in_service_area(double lat, double lon) const noexcept {
  // Any level counts: the simplified upstream levels do not nest exactly, and a point inside a
  // kelurahan is in the city even where the province outline misses it.
  for (std::size_t l = 0; l < kAreaLevelCount; ++l)
    if (impl_->levels[l].index.find(lon, lat) >= 0) return true;
  return false;
}

double AreaSet::distance_to_service_area_m(double lat, double lon) const {
  const auto w = widest_level();
  if (!w) return std::numeric_limits<double>::quiet_NaN();
  if (std::isfinite(lat) && std::isfinite(lon) && in_service_area(lat, lon)) return 0.0;
  return distance_to_level_m(*w, lat, lon);
}

double AreaSet::distance_to_level_m(AreaLevel level, double lat, double lon) const {
  const auto l = static_cast<std::size_t>(level);
  if (l >= kAreaLevelCount) throw Error(ErrorCode::kInvalidArgument, "distance_to_level_m: bad level");
  const Impl::Layer& layer = impl_->levels[l];
  if (layer.geoms.empty() || !std::isfinite(lat) || !std::isfinite(lon)) return std::numeric_limits<double>::quiet_NaN();
  if (layer.index.find(lon, lat) >= 0) return 0.0;
  // The nearest boundary point from saring's own segment grid: the point GEOS's nearest-points
  // search gives (same segments, same order, same arithmetic), found among a few cells instead
  // of every vertex, and without the GEOS lock. A point (numerically) on a boundary goes through
  // GEOS, whose containment test then decides between 0 and the tiny distance.
  const detail::SegmentIndex::Nearest n = layer.segments.nearest(lon, lat);
  if (n.polygon >= 0 && n.distance > kOnBoundaryDeg) return haversine_m(lat, lon, n.y, n.x);
  std::lock_guard lock(impl_->mutex);
  return impl_->distance_m_geos(layer, lat, lon);
}

double AreaSet::distance_to_level_geos_m(AreaLevel level, double lat, double lon) const {
  const auto l = static_cast<std::size_t>(level);
  if (l >= kAreaLevelCount) throw Error(ErrorCode::kInvalidArgument, "distance_to_level_geos_m: bad level");
  std::lock_guard lock(impl_->mutex);
  return impl_->distance_m_geos(impl_->levels[l], lat, lon);
}

bool AreaSet::in_water(double lat, double lon) const noexcept { return impl_->water.index.find(lon, lat) >= 0; }

}  // namespace saring
