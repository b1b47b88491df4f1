// Bytes-like Python objects (bytes, bytearray, memoryview, any buffer but str) for the bindings
// that take a photo as a path or as its bytes.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <vector>

namespace saring::py_bytes {

inline bool is_bytes_like(const pybind11::handle& x) {
  return pybind11::isinstance<pybind11::buffer>(x) && !pybind11::isinstance<pybind11::str>(x);
}

// A copy of the object's bytes (the C++ side owns what it keeps).
inline std::vector<std::uint8_t> to_vector(const pybind11::handle& x) {
  const pybind11::buffer_info info = pybind11::reinterpret_borrow<pybind11::buffer>(x).request();
  const auto* p = static_cast<const std::uint8_t*>(info.ptr);
  return std::vector<std::uint8_t>(p, p + info.size * info.itemsize);
}

}  // namespace saring::py_bytes
