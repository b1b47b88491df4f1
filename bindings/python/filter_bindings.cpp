// Filter: the verdict per report, moderator feedback, state directories, config layering, the
// Open311 reader, the pairwise evidence (text similarity, ORB geometric match) and the demo data.
// submit/evaluate/geometric_match release the GIL, so Python threads can submit concurrently.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <optional>

#include "py_bytes.hpp"
#include "saring/core/error.hpp"
#include "saring/geo/exif.hpp"
#include "saring/filter/demo.hpp"
#include "saring/filter/filter.hpp"
#include "saring/filter/open311.hpp"
#include "saring/filter/options.hpp"
#include "saring/filter/similarity.hpp"

namespace py = pybind11;

namespace saring::python {

void register_filter(py::module_& m) {
  py::class_<FilterOptions>(m, "FilterOptions",
                            "Filter configuration. Build with FilterOptions.load(config_file, overrides) or from_json.")
      .def(py::init<>())
      .def_static("load", &load_filter_options, py::arg("config_file") = "", py::arg("overrides") = std::vector<std::string>{},
                  "Defaults, then the JSON file (when given), then 'a.b=value' overrides.")
      .def_static("from_json", [](const std::string& json) { return parse_filter_options(json); }, py::arg("json"))
      .def("with_override", [](const FilterOptions& o, const std::string& a) { return apply_filter_override(a, o); },
           py::arg("assignment"), "A copy with one 'a.b=value' override applied.")
      .def("to_json", [](const FilterOptions& o) { return filter_options_to_json(o); })
      .def("validate", &FilterOptions::validate)
      .def("__repr__", [](const FilterOptions& o) { return "FilterOptions(" + filter_options_to_json(o, -1) + ")"; });

  // A backend that hashes photos and reads their EXIF elsewhere hands all of it in here, as C++
  // callers do: dihedral lets photo reuse find a rotated or mirrored copy, exif feeds the geotag
  // checks (photo GPS and time against the pin).
  py::class_<PhotoFeatures>(m, "PhotoFeatures")
      .def(py::init([](std::string path, std::optional<Hash256> pdq, int quality,
                       std::optional<std::array<Hash256, 8>> dihedral, std::optional<PhotoExif> exif) {
             PhotoFeatures f;
             f.path = std::move(path);
             f.pdq = pdq;
             f.quality = quality;
             f.dihedral = dihedral;
             f.exif = std::move(exif);
             return f;
           }),
           py::arg("path") = "", py::arg("pdq") = std::nullopt, py::arg("quality") = 100,
           py::arg("dihedral") = std::nullopt, py::arg("exif") = std::nullopt)
      .def_readwrite("path", &PhotoFeatures::path)
      .def_readwrite("pdq", &PhotoFeatures::pdq)
      .def_readwrite("quality", &PhotoFeatures::quality)
      .def_readwrite("dihedral", &PhotoFeatures::dihedral,
                     "The PDQ hashes of the photo's 8 rotations/mirrors (pdq_dihedral order), or None")
      .def_readwrite("exif", &PhotoFeatures::exif, "EXIF facts for the geotag checks (PhotoExif), or None")
      .def_readwrite("error", &PhotoFeatures::error,
                     "Why the photo could not be read or decoded; empty when it could (verdict reason IMG_UNREADABLE)");
  py::class_<ReportFeatures>(m, "ReportFeatures")
      .def(py::init([](std::vector<PhotoFeatures> photos) { return ReportFeatures{std::move(photos)}; }),
           py::arg("photos") = std::vector<PhotoFeatures>{})
      .def_readwrite("photos", &ReportFeatures::photos);
  m.def("compute_features", &compute_features, py::arg("report"), "Photo features from the report's photo paths.");

  py::class_<ReporterReputation>(m, "ReporterReputation")
      .def_readonly("reports", &ReporterReputation::reports)
      .def_readonly("confirmed", &ReporterReputation::confirmed)
      .def_readonly("rejected", &ReporterReputation::rejected)
      .def_property_readonly("reputation", &ReporterReputation::reputation);

  py::class_<Filter>(m, "Filter",
                     "One explained verdict per report. state_dir='' keeps everything in memory; otherwise the\n"
                     "journal and snapshots there survive crashes. Thread-safe.")
      .def(py::init<FilterOptions, const std::string&>(), py::arg("options") = FilterOptions{}, py::arg("state_dir") = "")
      .def("submit", py::overload_cast<const Report&>(&Filter::submit), py::arg("report"),
           py::call_guard<py::gil_scoped_release>(), "Judge and commit; a held id returns its earlier verdict.")
      .def("submit", py::overload_cast<const Report&, const ReportFeatures&>(&Filter::submit), py::arg("report"),
           py::arg("features"), py::call_guard<py::gil_scoped_release>())
      .def("evaluate", &Filter::evaluate, py::arg("report"), py::arg("features") = ReportFeatures{},
           py::call_guard<py::gil_scoped_release>(), "Judge without committing.")
      .def("verdict_of", &Filter::verdict_of, py::arg("report_id"))
      .def(
          "feedback",
          [](Filter& f, const std::string& action, const std::string& report_id, const std::string& other_id,
             const std::string& moderator) {
            f.feedback({parse_feedback_action(action), report_id, other_id, moderator});
          },
          py::arg("action"), py::arg("report_id"), py::arg("other_id") = "", py::arg("moderator") = "",
          "action: confirm, reject_spam, mark_duplicate (other_id = a report of the incident), unmark_duplicate,\n"
          "fake_location.")
      .def("reporter", &Filter::reporter, py::arg("reporter_id"))
      .def("incident_members", &Filter::incident_members, py::arg("report_id"))
      .def("sync", &Filter::sync, py::call_guard<py::gil_scoped_release>())
      .def("snapshot", &Filter::snapshot, py::call_guard<py::gil_scoped_release>())
      .def("stats",
           [](const Filter& f) {
             const FilterStats s = f.stats();
             py::dict d;
             d["retained_reports"] = s.retained_reports;
             d["duplicate_candidates"] = s.duplicate_candidates;
             d["incidents"] = s.incidents;
             d["reporters"] = s.reporters;
             d["photos"] = s.photos;
             d["journal_records"] = s.journal_records;
             d["committed"] = s.committed;
             d["reevaluated"] = s.reevaluated;
             d["orb_extractions"] = s.orb_extractions;
             d["geometric_matches"] = s.geometric_matches;
             d["memory_bytes"] = s.memory_bytes;
             d["stored_photos"] = s.stored_photos;
             d["stored_photo_bytes"] = s.stored_photo_bytes;
             return d;
           })
      .def_property_readonly("options", &Filter::options);

  m.def("parse_open311", &parse_open311, py::arg("text"), "Open311 GeoReport v2 requests (JSON array or lines) as Reports.");
  m.def("text_similarity", &text_similarity, py::arg("a"), py::arg("b"), "Jaccard similarity of word 1-2-gram shingles.");
  m.def(
      "geometric_match",
      [](const py::object& a, const py::object& b, int min_inliers, int max_side, int max_features, double ratio,
         double ransac_px) {
        GeometricOptions o;
        o.min_inliers = min_inliers;
        o.max_side = max_side;
        o.max_features = max_features;
        o.ratio = ratio;
        o.ransac_px = ransac_px;
        o.validate();
        // Each photo: its bytes (bytes-like) or a path (str or os.PathLike), read without the GIL.
        struct Photo {
          std::optional<std::vector<std::uint8_t>> bytes;
          std::string path;
        };
        auto photo = [](const py::object& x) {
          Photo p;
          if (py_bytes::is_bytes_like(x)) {
            p.bytes = py_bytes::to_vector(x);
          } else {
            p.path = py::str(py::module_::import("os").attr("fspath")(x));
          }
          return p;
        };
        const Photo pa = photo(a), pb = photo(b);
        GeometricMatch r;
        {
          py::gil_scoped_release release;
          auto features = [&](const Photo& p) { return p.bytes ? orb_features_from_bytes(*p.bytes, o) : orb_features(p.path, o); };
          r = geometric_match(features(pa), features(pb), o);
        }
        py::dict d;
        d["keypoints_a"] = r.keypoints_a;
        d["keypoints_b"] = r.keypoints_b;
        d["good_matches"] = r.good_matches;
        d["inliers"] = r.inliers;
        d["same_scene"] = r.same_scene;
        return d;
      },
      py::arg("path_a"), py::arg("path_b"), py::arg("min_inliers") = GeometricOptions{}.min_inliers,
      py::arg("max_side") = GeometricOptions{}.max_side, py::arg("max_features") = GeometricOptions{}.max_features,
      py::arg("ratio") = GeometricOptions{}.ratio, py::arg("ransac_px") = GeometricOptions{}.ransac_px,
      "ORB features + RANSAC homography between two photos, each a path (str or os.PathLike) or its bytes: "
      "keypoints, ratio-test matches, inliers and whether they show one scene. The keywords are GeometricOptions'.");

  m.def("find_demo_dir", [] { return find_demo_dir(); }, "The bundled demo data directory.");
  m.def("load_demo_reports", &load_demo_reports, py::arg("dir"));
  m.def(
      "score_demo",
      [](const std::vector<Verdict>& verdicts, const std::string& dir) {
        const DemoScore s = score_demo(verdicts, load_demo_truth(dir));
        py::dict out;
        for (const auto& d : s.per_decision) {
          py::dict e;
          e["precision"] = d.precision();
          e["recall"] = d.recall();
          e["tp"] = d.true_positives;
          e["fp"] = d.false_positives;
          e["fn"] = d.false_negatives;
          out[py::str(std::string(decision_name(d.decision)))] = e;
        }
        out["correct"] = s.correct;
        out["total"] = s.total;
        out["mismatches"] = s.mismatches;
        return out;
      },
      py::arg("verdicts"), py::arg("dir"), "Precision/recall per decision against the demo ground truth.");
}

}  // namespace saring::python
