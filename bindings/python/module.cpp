// Entry point of saring._saring: registers each module's bindings (see CMakeLists.txt).
#include <pybind11/pybind11.h>

namespace py = pybind11;

#define SARING_PY_MODULE(name) void register_##name(py::module_&);
namespace saring::python {
#include "module_registry.inc"
}
#undef SARING_PY_MODULE

PYBIND11_MODULE(_saring, m) {
  m.doc() = "saring: filter citizen reports (duplicates, geotag plausibility, spam)";
#define SARING_PY_MODULE(name) saring::python::register_##name(m);
#include "module_registry.inc"
#undef SARING_PY_MODULE
}
