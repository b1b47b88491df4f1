// Core: errors, reports and verdicts. saring::Error maps to Python exceptions: kIo -> OSError,
// everything else -> ValueError (saring.Error subclasses ValueError and carries .code).
#include <pybind11/pybind11.h>
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "py_bytes.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/core/report.hpp"
#include "saring/core/time.hpp"

namespace py = pybind11;

namespace saring::python {

void register_core(py::module_& m) {
  static py::exception<Error> error_type(m, "Error", PyExc_ValueError);
  static py::exception<Error> io_error_type(m, "IoError", PyExc_OSError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      py::object type = e.code() == ErrorCode::kIo ? io_error_type : error_type;
      py::object exc = type(e.what());
      exc.attr("code") = std::string(error_code_name(e.code()));
      PyErr_SetObject(type.ptr(), exc.ptr());
    }
  });

  py::class_<Timestamp>(m, "Timestamp")
      .def(py::init<>())
      .def_readwrite("unix", &Timestamp::unix)
      .def_readwrite("offset_minutes", &Timestamp::offset_minutes)
      .def_static("parse", &parse_rfc3339, py::arg("text"), "Parse RFC 3339 text.")
      .def("__str__", &format_rfc3339)
      .def("__repr__", [](const Timestamp& t) { return "Timestamp('" + format_rfc3339(t) + "')"; })
      .def(py::self == py::self);
  m.def("parse_duration", &parse_duration_seconds, py::arg("text"),
        "Seconds in a duration such as '90s', '15m', '2h', '30d'.");

  py::class_<ClientInfo>(m, "ClientInfo")
      .def(py::init<>())
      .def_readwrite("mock_location", &ClientInfo::mock_location)
      .def_readwrite("app", &ClientInfo::app);

  py::class_<PhotoBytes>(m, "PhotoBytes",
                         "A photo given as its encoded bytes (JPEG, PNG, WebP, ...) instead of a path; name is for messages.")
      .def(py::init([](const py::buffer& data, std::string name) {
             return PhotoBytes{py_bytes::to_vector(data), std::move(name)};
           }),
           py::arg("data"), py::arg("name") = "")
      .def_property(
          "data", [](const PhotoBytes& p) { return py::bytes(reinterpret_cast<const char*>(p.data.data()), p.data.size()); },
          [](PhotoBytes& p, const py::buffer& b) { p.data = py_bytes::to_vector(b); })
      .def_readwrite("name", &PhotoBytes::name)
      .def("__repr__", [](const PhotoBytes& p) {
        return "PhotoBytes(" + std::to_string(p.data.size()) + " bytes" + (p.name.empty() ? "" : ", name='" + p.name + "'") + ")";
      });

  py::class_<Report>(m, "Report")
      .def(py::init<>())
      .def_readwrite("id", &Report::id)
      .def_readwrite("reporter", &Report::reporter)
      .def_readwrite("time", &Report::time)
      .def_readwrite("lat", &Report::lat)
      .def_readwrite("lon", &Report::lon)
      .def_readwrite("accuracy_m", &Report::accuracy_m)
      .def_readwrite("category", &Report::category)
      .def_readwrite("text", &Report::text)
      .def_readwrite("photos", &Report::photos)
      .def_property(
          "photo_bytes", [](const Report& r) { return r.photo_bytes; },
          [](Report& r, const py::iterable& items) {
            std::vector<PhotoBytes> out;
            for (const py::handle& item : items) {
              if (py::isinstance<PhotoBytes>(item)) {
                out.push_back(item.cast<PhotoBytes>());
              } else if (py_bytes::is_bytes_like(item)) {
                out.push_back({py_bytes::to_vector(item), ""});
              } else {
                throw py::type_error("Report.photo_bytes takes bytes-like objects or PhotoBytes, not " +
                                     std::string(py::str(py::type::of(item).attr("__name__"))));
              }
            }
            r.photo_bytes = std::move(out);
          },
          "More photos, as encoded bytes (bytes-like or PhotoBytes), after `photos`; a Filter keeps the ones that "
          "decode in its photo store. Not part of the JSON form.")
      .def_readwrite("videos", &Report::videos)
      .def_readwrite("client", &Report::client)
      .def_readwrite("extra_json", &Report::extra_json,
                     "Fields saring does not know, kept verbatim as a JSON object text ('' when none); to_json writes them back")
      .def_static("from_json",
                  [](const std::string& s, std::size_t line_no) { return parse_report_json(s, line_no); },
                  py::arg("json"), py::arg("line_no") = 0,
                  "Parse one report (REPORT_FORMAT.md); line_no (1-based, 0 = none) is quoted in errors.")
      .def("to_json", &report_to_json)
      .def("__repr__", [](const Report& r) { return "Report(" + report_to_json(r) + ")"; });

  py::class_<Reason>(m, "Reason")
      .def(py::init<>())
      .def(py::init([](std::string code, std::string group, double score, std::string detail) {
             return Reason{std::move(code), std::move(group), score, std::move(detail)};
           }),
           py::arg("code"), py::arg("group"), py::arg("score"), py::arg("detail") = "")
      .def_readwrite("code", &Reason::code)
      .def_readwrite("group", &Reason::group)
      .def_readwrite("score", &Reason::score)
      .def_readwrite("detail", &Reason::detail)
      .def("__repr__", [](const Reason& r) { return "Reason(" + r.code + ", " + std::to_string(r.score) + ")"; });

  py::class_<AreaRef>(m, "AreaRef")
      .def(py::init<>())
      .def_readwrite("level", &AreaRef::level)
      .def_readwrite("code", &AreaRef::code)
      .def_readwrite("name", &AreaRef::name)
      .def("__repr__", [](const AreaRef& a) { return "AreaRef(" + a.level + ", " + a.code + ", " + a.name + ")"; });

  py::class_<Scores>(m, "Scores")
      .def(py::init<>())
      .def_readwrite("duplicate", &Scores::duplicate)
      .def_readwrite("geotag", &Scores::geotag)
      .def_readwrite("spam", &Scores::spam)
      .def_readwrite("total", &Scores::total);

  py::class_<Verdict>(m, "Verdict")
      .def(py::init<>())
      .def_readwrite("id", &Verdict::id)
      .def_property(
          "decision", [](const Verdict& v) { return std::string(decision_name(v.decision)); },
          [](Verdict& v, const std::string& s) { v.decision = parse_decision(s); })
      .def_readwrite("duplicate_of", &Verdict::duplicate_of)
      .def_readwrite("incident", &Verdict::incident)
      .def_readwrite("scores", &Verdict::scores)
      .def_readwrite("reasons", &Verdict::reasons)
      .def_readwrite("areas", &Verdict::areas)
      .def_static("from_json",
                  [](const std::string& s, std::size_t line_no) { return parse_verdict_json(s, line_no); },
                  py::arg("json"), py::arg("line_no") = 0,
                  "Parse one verdict; errors name the field (unknown decision or area level) and line_no when given.")
      .def("to_json", &verdict_to_json)
      .def("__repr__", [](const Verdict& v) { return "Verdict(" + verdict_to_json(v) + ")"; });
}

}  // namespace saring::python
