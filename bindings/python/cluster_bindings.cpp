// Clustering: batch DBSCAN / ST-DBSCAN on numpy arrays (GIL released), the incremental clusterer,
// geodesic distances and the radius index.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <unordered_map>

#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/geodesic.hpp"
#include "saring/cluster/incremental.hpp"
#include "saring/cluster/point_reader.hpp"
#include "saring/cluster/spatial_index.hpp"
#include "saring/core/error.hpp"

namespace py = pybind11;

namespace saring::python {

namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Int64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using Int32Array = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;

template <typename A>
void check_1d(const A& a, const char* name) {
  if (a.ndim() != 1)
    throw Error(ErrorCode::kInvalidArgument, std::string(name) + " must be a 1-D array, got " +
                                                 std::to_string(a.ndim()) + " dimensions");
}

py::array_t<std::int64_t> run_dbscan(const DoubleArray& lat, const DoubleArray& lon, double eps_m, int min_pts,
                                     std::optional<Int64Array> times, std::optional<std::int64_t> eps_time,
                                     std::optional<Int32Array> categories, const std::string& border) {
  check_1d(lat, "lat");
  check_1d(lon, "lon");
  DbscanOptions o;
  o.eps_m = eps_m;
  o.min_pts = min_pts;
  o.eps_time_s = eps_time;
  o.border = parse_border_rule(border);
  DbscanInput in;
  in.lat_deg = {lat.data(), static_cast<std::size_t>(lat.size())};
  in.lon_deg = {lon.data(), static_cast<std::size_t>(lon.size())};
  if (times) {
    check_1d(*times, "times");
    in.time = {times->data(), static_cast<std::size_t>(times->size())};
  }
  if (eps_time && !times) throw Error(ErrorCode::kInvalidArgument, "eps_time needs times");
  if (categories) {
    check_1d(*categories, "categories");
    o.same_category = true;
    in.category = {categories->data(), static_cast<std::size_t>(categories->size())};
  }
  std::vector<std::int32_t> labels;
  {
    py::gil_scoped_release release;
    labels = dbscan(in, o);
  }
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(labels.size()));
  auto* p = out.mutable_data();
  for (std::size_t i = 0; i < labels.size(); ++i) p[i] = labels[i];
  return out;
}

// The points `saring cluster` reads, as columns ready for dbscan(): ids, lat/lon (float64), time
// (int64 Unix seconds, None without a time column), category names and their int32 codes (codes
// by first appearance; None without a category column).
py::dict points_to_dict(const PointSet& set) {
  const std::size_t n = set.points.size();
  py::list ids;
  py::array_t<double> lat(static_cast<py::ssize_t>(n)), lon(static_cast<py::ssize_t>(n));
  auto* la = lat.mutable_data();
  auto* lo = lon.mutable_data();
  for (std::size_t i = 0; i < n; ++i) {
    ids.append(set.points[i].id);
    la[i] = set.points[i].lat;
    lo[i] = set.points[i].lon;
  }
  py::dict d;
  d["ids"] = ids;
  d["lat"] = lat;
  d["lon"] = lon;
  d["time"] = py::none();
  d["category"] = py::none();
  d["category_codes"] = py::none();
  if (set.has_time) {
    py::array_t<std::int64_t> t(static_cast<py::ssize_t>(n));
    auto* tp = t.mutable_data();
    for (std::size_t i = 0; i < n; ++i) tp[i] = set.points[i].time;
    d["time"] = t;
  }
  if (set.has_category) {
    py::list names;
    py::array_t<std::int32_t> codes(static_cast<py::ssize_t>(n));
    auto* cp = codes.mutable_data();
    std::unordered_map<std::string, std::int32_t> code_of;
    for (std::size_t i = 0; i < n; ++i) {
      names.append(set.points[i].category);
      cp[i] = code_of.try_emplace(set.points[i].category, static_cast<std::int32_t>(code_of.size())).first->second;
    }
    d["category"] = names;
    d["category_codes"] = codes;
  }
  return d;
}

py::list events_to_list(const std::vector<ClusterEvent>& events) {
  py::list out;
  for (const auto& e : events) out.append(py::cast(e));
  return out;
}

}  // namespace

void register_cluster(py::module_& m) {
  m.attr("EARTH_RADIUS_M") = kEarthRadiusM;
  m.def("haversine_m",
        [](double lat1, double lon1, double lat2, double lon2) { return haversine_m({lat1, lon1}, {lat2, lon2}); },
        py::arg("lat1"), py::arg("lon1"), py::arg("lat2"), py::arg("lon2"),
        "Great-circle distance in metres (sphere of radius 6371008.8 m, scikit-learn's formula).");
  m.def("geodesic_distance_m",
        [](double lat1, double lon1, double lat2, double lon2, const std::string& model) {
          return geodesic_distance_m({lat1, lon1}, {lat2, lon2}, parse_geodesic_model(model));
        },
        py::arg("lat1"), py::arg("lon1"), py::arg("lat2"), py::arg("lon2"), py::arg("model") = "sphere",
        "Distance in metres: model 'sphere', 'andoyer', 'thomas' or 'vincenty' (WGS84, Boost.Geometry).");

  m.def("dbscan", &run_dbscan, py::arg("lat"), py::arg("lon"), py::arg("eps_m"), py::arg("min_pts"),
        py::kw_only(), py::arg("times") = py::none(), py::arg("eps_time") = py::none(),
        py::arg("categories") = py::none(), py::arg("border") = "sklearn",
        "DBSCAN / ST-DBSCAN labels (int64, -1 noise) for points in degrees.\n\n"
        "With border='sklearn' and no times/categories the labels equal scikit-learn's\n"
        "DBSCAN(metric='haversine', algorithm='ball_tree', eps=eps_m/6371008.8,\n"
        "min_samples=min_pts).fit(np.radians(np.c_[lat, lon])).labels_. times are Unix seconds\n"
        "(used with eps_time, seconds); categories are integer codes (neighbours must share one).\n"
        "border='nearest-core' gives the rule the incremental clusterer keeps.");

  m.def(
      "read_points",
      [](const std::string& path) {
        PointSet set;
        {
          py::gil_scoped_release release;
          set = read_points_file(path);
        }
        return points_to_dict(set);
      },
      py::arg("path"),
      "Points to cluster from a file, as `saring cluster` reads them: CSV with a header naming id, lat, lon\n"
      "(time and category optional) or report JSON lines. Every row is checked (bad coordinates, times or\n"
      "repeated ids raise saring.Error naming the line). Returns a dict: ids, lat, lon, time (int64 or\n"
      "None), category (names or None), category_codes (int32 for dbscan's categories, or None).");
  m.def(
      "parse_points",
      [](const std::string& text, const std::string& source_name) { return points_to_dict(parse_points(text, source_name)); },
      py::arg("text"), py::arg("source_name") = "<input>", "read_points() on text held in memory.");

  py::class_<GeoRadiusIndex>(m, "GeoRadiusIndex")
      .def(py::init([](const DoubleArray& lat, const DoubleArray& lon, double max_radius_m) {
             check_1d(lat, "lat");
             check_1d(lon, "lon");
             if (lat.size() != lon.size()) throw Error(ErrorCode::kInvalidArgument, "lat and lon differ in length");
             std::vector<LatLon> pts(static_cast<std::size_t>(lat.size()));
             for (std::size_t i = 0; i < pts.size(); ++i) pts[i] = {lat.data()[i], lon.data()[i]};
             return GeoRadiusIndex(pts, max_radius_m);
           }),
           py::arg("lat"), py::arg("lon"), py::arg("max_radius_m"))
      .def("__len__", &GeoRadiusIndex::size)
      .def("query", [](const GeoRadiusIndex& ix, double lat, double lon,
                       double radius_m) { return ix.query({lat, lon}, radius_m); },
           py::arg("lat"), py::arg("lon"), py::arg("radius_m"), "Indices within radius_m metres, ascending.");

  py::class_<ClusterEvent>(m, "ClusterEvent")
      .def_property_readonly("kind", [](const ClusterEvent& e) { return std::string(cluster_event_kind_name(e.kind)); })
      .def_readonly("incident", &ClusterEvent::incident)
      .def_readonly("others", &ClusterEvent::others)
      .def("__repr__", [](const ClusterEvent& e) {
        std::string s = "ClusterEvent(" + std::string(cluster_event_kind_name(e.kind)) + ", " +
                        std::to_string(e.incident) + ", [";
        for (std::size_t i = 0; i < e.others.size(); ++i) s += (i ? ", " : "") + std::to_string(e.others[i]);
        return s + "])";
      });

  py::class_<IncrementalClusterer>(m, "IncrementalClusterer",
                                   "Sliding-window (ST-)DBSCAN; equals dbscan(..., border='nearest-core') over the\n"
                                   "held points after every step. Incident ids stay stable.")
      .def(py::init([](double eps_m, int min_pts, std::optional<std::int64_t> eps_time, bool same_category) {
             DbscanOptions o;
             o.eps_m = eps_m;
             o.min_pts = min_pts;
             o.eps_time_s = eps_time;
             o.same_category = same_category;
             o.border = BorderRule::kNearestCore;
             return IncrementalClusterer(o);
           }),
           py::arg("eps_m"), py::arg("min_pts"), py::kw_only(), py::arg("eps_time") = py::none(),
           py::arg("same_category") = false)
      .def("insert",
           [](IncrementalClusterer& c, std::string id, double lat, double lon, std::int64_t time,
              std::string category) {
             return events_to_list(c.insert(ClusterPoint{std::move(id), lat, lon, time, std::move(category)}));
           },
           py::arg("id"), py::arg("lat"), py::arg("lon"), py::arg("time") = 0, py::arg("category") = "")
      .def("remove", [](IncrementalClusterer& c, const std::string& id) { return events_to_list(c.remove(id)); },
           py::arg("id"))
      .def("expire_oldest", [](IncrementalClusterer& c) { return events_to_list(c.expire_oldest()); })
      .def("expire_before", [](IncrementalClusterer& c, std::int64_t t) { return events_to_list(c.expire_before(t)); },
           py::arg("cutoff"))
      .def("insert_many",
           [](IncrementalClusterer& c, const std::vector<std::string>& ids, const DoubleArray& lat,
              const DoubleArray& lon, std::optional<Int64Array> times, std::optional<std::int64_t> window) {
             check_1d(lat, "lat");
             check_1d(lon, "lon");
             const std::size_t n = ids.size();
             if (static_cast<std::size_t>(lat.size()) != n || static_cast<std::size_t>(lon.size()) != n ||
                 (times && static_cast<std::size_t>(times->size()) != n))
               throw Error(ErrorCode::kInvalidArgument, "insert_many: ids, lat, lon and times differ in length");
             std::size_t events = 0;
             py::gil_scoped_release release;
             for (std::size_t i = 0; i < n; ++i) {
               const std::int64_t t = times ? times->data()[i] : 0;
               if (window) events += c.expire_before(t - *window).size();
               events += c.insert(ClusterPoint{ids[i], lat.data()[i], lon.data()[i], t, {}}).size();
             }
             return events;
           },
           py::arg("ids"), py::arg("lat"), py::arg("lon"), py::arg("times") = py::none(),
           py::arg("window") = py::none(),
           "Inserts many points (expiring those older than time - window first when window is given);\n"
           "returns the number of events.")
      .def("__len__", &IncrementalClusterer::size)
      .def("__contains__", &IncrementalClusterer::contains)
      .def_property_readonly("cluster_count", &IncrementalClusterer::cluster_count)
      .def("incident_of", &IncrementalClusterer::incident_of, py::arg("id"))
      .def("is_core", &IncrementalClusterer::is_core, py::arg("id"))
      .def("labels", &IncrementalClusterer::labels, "[(id, incident)] in insertion order, -1 for noise.")
      .def("points", [](const IncrementalClusterer& c) {
        py::list out;
        for (const auto& p : c.points()) out.append(py::make_tuple(p.id, p.lat, p.lon, p.time, p.category));
        return out;
      }, "[(id, lat, lon, time, category)] in insertion order.");
}

}  // namespace saring::python
