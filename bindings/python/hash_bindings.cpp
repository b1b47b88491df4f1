// Hash value types (and, from the hashing module, hashing functions).
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "saring/hash/hash_types.hpp"

namespace py = pybind11;

namespace saring::python {

void register_hash(py::module_& m) {
  py::class_<Hash64>(m, "Hash64", "64-bit perceptual hash (pHash, dHash).")
      .def(py::init<>())
      .def(py::init<std::uint64_t>(), py::arg("bits"))
      .def_static("from_hex", &Hash64::from_hex, py::arg("hex"))
      .def("hex", &Hash64::hex)
      .def_property_readonly("bits", &Hash64::bits)
      .def("distance", &Hash64::distance, py::arg("other"), "Hamming distance, 0..64.")
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def("__hash__", [](const Hash64& h) { return std::hash<Hash64>{}(h); })
      .def("__str__", &Hash64::hex)
      .def("__repr__", [](const Hash64& h) { return "Hash64('" + h.hex() + "')"; });

  py::class_<Hash256>(m, "Hash256", "256-bit PDQ hash; hex in PDQ's interchange format.")
      .def(py::init<>())
      .def_static("from_hex", &Hash256::from_hex, py::arg("hex"))
      .def("hex", &Hash256::hex)
      .def("distance", &Hash256::distance, py::arg("other"), "Hamming distance, 0..256.")
      .def("popcount", &Hash256::popcount)
      .def("bit", &Hash256::bit, py::arg("k"))
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def("__hash__", [](const Hash256& h) { return std::hash<Hash256>{}(h); })
      .def("__str__", &Hash256::hex)
      .def("__repr__", [](const Hash256& h) { return "Hash256('" + h.hex() + "')"; });
}

}  // namespace saring::python
