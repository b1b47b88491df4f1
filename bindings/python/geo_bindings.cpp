// Geo: administrative areas, EXIF facts and geotag plausibility. Levels are strings
// ("provinsi", "kabupaten_kota", "kecamatan", "kelurahan"); batch lookups take numpy arrays
// (converted to contiguous float64) and release the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "saring/core/error.hpp"
#include "saring/geo/areas.hpp"
#include "saring/geo/exif.hpp"
#include "saring/geo/geotag.hpp"

namespace py = pybind11;

namespace saring::python {

namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// The bundled set is shared by the whole process (and by checkers in other threads): Python gets
// it read-only.
AreaSet& writable(AreaSet& s) {
  if (&s == &AreaSet::jakarta())
    throw Error(ErrorCode::kInvalidArgument, "AreaSet.jakarta() is read-only; load into saring.AreaSet() instead");
  return s;
}

AreaLoadOptions load_options(const std::optional<std::string>& level, bool repair) {
  AreaLoadOptions o;
  if (level) o.level = parse_area_level(*level);
  o.repair_invalid = repair;
  return o;
}

}  // namespace

void register_geo(py::module_& m) {
  py::class_<AreaInfo>(m, "AreaInfo")
      .def_readonly("ref", &AreaInfo::ref)
      .def_property_readonly("level", [](const AreaInfo& a) { return std::string(area_level_name(a.level)); })
      .def_readonly("vertices", &AreaInfo::vertices)
      .def_readonly("repaired", &AreaInfo::repaired)
      .def_property_readonly("bounds", [](const AreaInfo& a) {
        return py::make_tuple(a.min_lon, a.min_lat, a.max_lon, a.max_lat);
      }, "(min_lon, min_lat, max_lon, max_lat)");

  py::class_<AreaSet>(m, "AreaSet", "Administrative areas at up to four levels, plus an optional water layer.")
      .def(py::init<>())
      .def_static("jakarta", &AreaSet::jakarta, py::return_value_policy::reference,
                  "The bundled DKI Jakarta set (built on first use, lives for the process).")
      .def_static("bundled_geojson", [](const std::string& name) { return std::string(AreaSet::bundled_geojson(name)); },
                  py::arg("name"), "GeoJSON text of a bundled layer: a level name or 'water'.")
      .def("add_geojson",
           [](AreaSet& s, const std::string& text, const std::string& source, std::optional<std::string> level,
              bool repair) { writable(s).add_geojson(text, source, load_options(level, repair)); },
           py::arg("geojson"), py::arg("source") = "<string>", py::arg("level") = py::none(), py::arg("repair") = true)
      .def("add_geojson_file",
           [](AreaSet& s, const std::string& path, std::optional<std::string> level, bool repair) {
             writable(s).add_geojson_file(path, load_options(level, repair));
           },
           py::arg("path"), py::arg("level") = py::none(), py::arg("repair") = true)
      .def("set_water_geojson",
           [](AreaSet& s, const std::string& text, const std::string& source) { writable(s).set_water_geojson(text, source); },
           py::arg("geojson"), py::arg("source") = "<string>")
      .def("set_water_geojson_file", [](AreaSet& s, const std::string& path) { writable(s).set_water_geojson_file(path); },
           py::arg("path"))
      .def("size", [](const AreaSet& s, const std::string& level) { return s.size(parse_area_level(level)); },
           py::arg("level"))
      .def("area", [](const AreaSet& s, const std::string& level, std::size_t i) { return s.area(parse_area_level(level), i); },
           py::arg("level"), py::arg("index"))
      .def_property_readonly("has_water", &AreaSet::has_water)
      .def_property_readonly("repair_notes", &AreaSet::repair_notes)
      .def("lookup", &AreaSet::lookup, py::arg("lat"), py::arg("lon"), "The area chain, widest first.")
      .def("find",
           [](const AreaSet& s, const std::string& level, double lat, double lon) {
             return s.find(parse_area_level(level), lat, lon);
           },
           py::arg("level"), py::arg("lat"), py::arg("lon"), "Index of the containing area of `level`, or None.")
      .def("find_many",
           [](const AreaSet& s, const std::string& level, DoubleArray lat, DoubleArray lon) {
             const AreaLevel lv = parse_area_level(level);
             if (lat.ndim() != 1 || lon.ndim() != 1 || lat.shape(0) != lon.shape(0))
               throw Error(ErrorCode::kInvalidArgument, "find_many: lat and lon must be 1-D arrays of the same length");
             const auto n = static_cast<std::size_t>(lat.shape(0));
             py::array_t<std::int32_t> out(static_cast<py::ssize_t>(n));
             std::span<const double> la(lat.data(), n), lo(lon.data(), n);
             std::span<std::int32_t> o(out.mutable_data(), n);
             {
               py::gil_scoped_release release;
               s.find_many(lv, la, lo, o);
             }
             return out;
           },
           py::arg("level"), py::arg("lat"), py::arg("lon"),
           "Area index per point (int32 array, -1 outside), saring's grid index, GIL released.")
      .def("find_all_geos",
           [](const AreaSet& s, const std::string& level, double lat, double lon) {
             return s.find_all_geos(parse_area_level(level), lat, lon);
           },
           py::arg("level"), py::arg("lat"), py::arg("lon"), "Reference lookup through GEOS prepared geometries.")
      .def("in_service_area", &AreaSet::in_service_area, py::arg("lat"), py::arg("lon"))
      .def("distance_to_service_area_m", &AreaSet::distance_to_service_area_m, py::arg("lat"), py::arg("lon"))
      .def("distance_to_level_m",
           [](const AreaSet& s, const std::string& level, double lat, double lon) {
             return s.distance_to_level_m(parse_area_level(level), lat, lon);
           },
           py::arg("level"), py::arg("lat"), py::arg("lon"),
           "Metres to the nearest area of the level (0 inside, NaN if the level is empty); saring's segment grid.")
      .def("distance_to_level_geos_m",
           [](const AreaSet& s, const std::string& level, double lat, double lon) {
             return s.distance_to_level_geos_m(parse_area_level(level), lat, lon);
           },
           py::arg("level"), py::arg("lat"), py::arg("lon"), "Reference distance through GEOS (slow); equals distance_to_level_m.")
      .def("in_water", &AreaSet::in_water, py::arg("lat"), py::arg("lon"));

  // saring.haversine_m comes from the cluster bindings (same sphere, same formula); binding the geo
  // module's copy as well only added an identical second overload.

  py::class_<LatLon>(m, "LatLon")
      .def(py::init<>())
      .def(py::init([](double lat, double lon) { return LatLon{lat, lon}; }), py::arg("lat"), py::arg("lon"))
      .def_readwrite("lat", &LatLon::lat)
      .def_readwrite("lon", &LatLon::lon)
      .def("__repr__", [](const LatLon& p) { return "LatLon(" + std::to_string(p.lat) + ", " + std::to_string(p.lon) + ")"; });

  py::class_<PhotoExif>(m, "PhotoExif")
      .def(py::init<>())
      .def_readwrite("has_exif", &PhotoExif::has_exif)
      .def_readwrite("gps", &PhotoExif::gps)
      .def_readwrite("gps_altitude_m", &PhotoExif::gps_altitude_m)
      .def_readwrite("gps_accuracy_m", &PhotoExif::gps_accuracy_m)
      .def_readwrite("gps_dop", &PhotoExif::gps_dop)
      .def_readwrite("gps_time", &PhotoExif::gps_time)
      .def_readwrite("date_time_original", &PhotoExif::date_time_original)
      .def_readwrite("offset_minutes", &PhotoExif::offset_minutes)
      .def_readwrite("make", &PhotoExif::make)
      .def_readwrite("model", &PhotoExif::model)
      .def_readwrite("software", &PhotoExif::software)
      .def("horizontal_accuracy_m", &PhotoExif::horizontal_accuracy_m)
      .def("taken_at", &PhotoExif::taken_at, py::arg("fallback_offset_minutes") = 0);
  m.def("read_photo_exif",
        [](py::bytes data, std::size_t max_bytes) {
          const std::string_view v = data;
          ExifReadOptions o;
          o.max_bytes = max_bytes;
          return read_photo_exif(std::span(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()), o);
        },
        py::arg("data"), py::arg("max_bytes") = ExifReadOptions{}.max_bytes, "EXIF facts from photo bytes.");
  m.def("read_photo_exif_file",
        [](const std::string& path, std::size_t max_bytes) {
          ExifReadOptions o;
          o.max_bytes = max_bytes;
          return read_photo_exif_file(path, o);
        },
        py::arg("path"), py::arg("max_bytes") = ExifReadOptions{}.max_bytes);

  py::class_<EmulatorPosition>(m, "EmulatorPosition")
      .def(py::init([](std::string name, double lat, double lon, double radius_m) {
             return EmulatorPosition{std::move(name), lat, lon, radius_m};
           }),
           py::arg("name"), py::arg("lat"), py::arg("lon"), py::arg("radius_m") = 25.0)
      .def_readwrite("name", &EmulatorPosition::name)
      .def_readwrite("lat", &EmulatorPosition::lat)
      .def_readwrite("lon", &EmulatorPosition::lon)
      .def_readwrite("radius_m", &EmulatorPosition::radius_m);

  py::class_<GeotagOptions> opts(m, "GeotagOptions");
  opts.def(py::init<>()).def("validate", &GeotagOptions::validate);
#define SARING_OPT(field) opts.def_readwrite(#field, &GeotagOptions::field)
  SARING_OPT(weight_invalid);
  SARING_OPT(weight_null_island);
  SARING_OPT(weight_swapped);
  SARING_OPT(weight_outside);
  SARING_OPT(weight_in_sea);
  SARING_OPT(weight_low_precision);
  SARING_OPT(weight_poor_accuracy);
  SARING_OPT(weight_photo_gps_mismatch);
  SARING_OPT(weight_photo_time_mismatch);
  SARING_OPT(weight_impossible_travel);
  SARING_OPT(weight_mock_location);
  SARING_OPT(weight_emulator);
  SARING_OPT(weight_shared);
  SARING_OPT(null_island_radius_m);
  SARING_OPT(outside_tolerance_m);
  SARING_OPT(outside_full_severity_m);
  SARING_OPT(sea_margin_m);
  SARING_OPT(water_ok_categories);
  SARING_OPT(min_decimals);
  SARING_OPT(default_max_accuracy_m);
  SARING_OPT(category_max_accuracy_m);
  SARING_OPT(photo_mismatch_sigma);
  SARING_OPT(photo_mismatch_floor_m);
  SARING_OPT(default_pin_accuracy_m);
  SARING_OPT(default_photo_accuracy_m);
  SARING_OPT(max_photo_age_s);
  SARING_OPT(max_photo_after_s);
  SARING_OPT(max_speed_kmh);
  SARING_OPT(travel_min_distance_m);
  SARING_OPT(shared_min_reporters);
  SARING_OPT(emulator_positions);
#undef SARING_OPT

  py::class_<GeotagFinding>(m, "GeotagFinding")
      .def_readonly("code", &GeotagFinding::code)
      .def_readonly("value", &GeotagFinding::value)
      .def_readonly("unit", &GeotagFinding::unit)
      .def_readonly("weight", &GeotagFinding::weight)
      .def_readonly("score", &GeotagFinding::score)
      .def_readonly("detail", &GeotagFinding::detail)
      .def("__repr__", [](const GeotagFinding& f) {
        return "GeotagFinding(" + f.code + ", value=" + std::to_string(f.value) + " " + f.unit + ")";
      });

  py::class_<GeotagResult>(m, "GeotagResult")
      .def_readonly("areas", &GeotagResult::areas)
      .def_readonly("findings", &GeotagResult::findings)
      .def_readonly("plausibility", &GeotagResult::plausibility)
      .def_readonly("in_service_area", &GeotagResult::in_service_area)
      .def_readonly("distance_to_service_area_m", &GeotagResult::distance_to_service_area_m)
      .def("has", &GeotagResult::has, py::arg("code"))
      .def("find", [](const GeotagResult& r, const std::string& code) -> std::optional<GeotagFinding> {
        const GeotagFinding* f = r.find(code);
        return f ? std::optional<GeotagFinding>(*f) : std::nullopt;
      }, py::arg("code"))
      .def("reasons", &GeotagResult::reasons)
      .def_property_readonly("codes", [](const GeotagResult& r) {
        std::vector<std::string> c;
        for (const auto& f : r.findings) c.push_back(f.code);
        return c;
      });

  py::class_<GeoHistory::Fix>(m, "GeoFix")
      .def_readonly("lat", &GeoHistory::Fix::lat)
      .def_readonly("lon", &GeoHistory::Fix::lon)
      .def_readonly("time", &GeoHistory::Fix::time)
      .def_readonly("report_id", &GeoHistory::Fix::report_id);

  py::class_<GeoHistory>(m, "GeoHistory", "Per-reporter last position and reporters per exact coordinate.")
      .def(py::init([](std::int64_t shared_window_s, std::int64_t reporter_ttl_s) {
             return GeoHistory(GeoHistory::Options{shared_window_s, reporter_ttl_s});
           }),
           py::arg("shared_window_s") = GeoHistory::Options{}.shared_window_s,
           py::arg("reporter_ttl_s") = GeoHistory::Options{}.reporter_ttl_s)
      .def("last_fix", &GeoHistory::last_fix, py::arg("reporter"))
      .def("reporters_at", &GeoHistory::reporters_at, py::arg("lat"), py::arg("lon"), py::arg("now"),
           py::arg("except_reporter") = "")
      .def("commit", &GeoHistory::commit, py::arg("report"))
      .def_property_readonly("reporter_count", &GeoHistory::reporter_count)
      .def_property_readonly("coordinate_count", &GeoHistory::coordinate_count)
      .def_property_readonly("memory_bytes", &GeoHistory::memory_bytes, "Estimate of the heap bytes held.");

  py::class_<GeotagChecker>(m, "GeotagChecker")
      .def(py::init<const AreaSet&, GeotagOptions>(), py::arg("areas"), py::arg("options") = GeotagOptions{},
           py::keep_alive<1, 2>())
      .def("evaluate",
           [](const GeotagChecker& c, const Report& r, const std::vector<PhotoExif>& photos, const GeoHistory* history) {
             py::gil_scoped_release release;
             return c.evaluate(r, photos, history);
           },
           py::arg("report"), py::arg("photos") = std::vector<PhotoExif>{}, py::arg("history") = nullptr)
      .def_property_readonly("options", &GeotagChecker::options);
}

}  // namespace saring::python
