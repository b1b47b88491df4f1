// Hamming index: saring.PdqIndex and saring.Hash64Index. Hashes are accepted as saring.Hash256 /
// Hash64 objects, hex strings, or numpy arrays: uint8 (n, 32) rows for PDQ in the byte order of
// bytes.fromhex(hex), uint8 (n, 8) rows or uint64 (n,) values for 64-bit hashes. Batch queries
// return flat numpy arrays. The GIL is released while the index works.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <array>
#include <string>
#include <vector>

#include "saring/core/error.hpp"
#include "saring/index/hamming_index.hpp"

namespace py = pybind11;

namespace saring::python {
namespace {

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorCode::kInvalidArgument, what); }

Hash256 pdq_from_bytes(const std::uint8_t* b) {
  // Byte j of the hex text's bytes is bits 8*(31-j) .. 8*(31-j)+7 of the hash.
  Hash256::Words w{};
  for (int j = 0; j < 32; ++j) w[3 - j / 8] |= std::uint64_t{b[j]} << (8 * (7 - j % 8));
  return Hash256(w);
}
void pdq_to_bytes(const Hash256& h, std::uint8_t* b) {
  for (int j = 0; j < 32; ++j) b[j] = static_cast<std::uint8_t>(h.words()[3 - j / 8] >> (8 * (7 - j % 8)));
}

Hash256 one_hash(const py::handle& o, Hash256*) {
  if (py::isinstance<Hash256>(o)) return o.cast<Hash256>();
  if (py::isinstance<py::str>(o)) return Hash256::from_hex(o.cast<std::string>());
  if (py::isinstance<py::bytes>(o)) {
    const std::string b = o.cast<std::string>();
    if (b.size() != 32) bad("PDQ hash bytes must be 32 long, got " + std::to_string(b.size()));
    return pdq_from_bytes(reinterpret_cast<const std::uint8_t*>(b.data()));
  }
  bad("expected a saring.Hash256, a 64-digit hex string or 32 bytes");
}
Hash64 one_hash(const py::handle& o, Hash64*) {
  if (py::isinstance<Hash64>(o)) return o.cast<Hash64>();
  if (py::isinstance<py::str>(o)) return Hash64::from_hex(o.cast<std::string>());
  if (py::isinstance<py::int_>(o)) return Hash64(o.cast<std::uint64_t>());
  bad("expected a saring.Hash64, a 16-digit hex string or an int");
}

// A batch of hashes from a numpy array or any iterable of single hashes.
template <class Hash>
std::vector<Hash> many_hashes(const py::handle& o) {
  std::vector<Hash> out;
  if (py::isinstance<py::array>(o)) {
    const auto a = py::reinterpret_borrow<py::array>(o);
    if constexpr (std::is_same_v<Hash, Hash256>) {
      if (!py::isinstance<py::array_t<std::uint8_t>>(a) || a.ndim() != 2 || a.shape(1) != 32) {
        bad("PDQ hashes must be a uint8 array of shape (n, 32)");
      }
      const auto c = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>::ensure(a);
      const auto* p = c.data();
      for (py::ssize_t i = 0; i < c.shape(0); ++i) out.push_back(pdq_from_bytes(p + 32 * i));
    } else {
      if (py::isinstance<py::array_t<std::uint64_t>>(a) && a.ndim() == 1) {
        const auto c = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>::ensure(a);
        for (py::ssize_t i = 0; i < c.shape(0); ++i) out.emplace_back(c.data()[i]);
      } else if (py::isinstance<py::array_t<std::uint8_t>>(a) && a.ndim() == 2 && a.shape(1) == 8) {
        const auto c = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>::ensure(a);
        for (py::ssize_t i = 0; i < c.shape(0); ++i) {
          std::uint64_t v = 0;
          for (int j = 0; j < 8; ++j) v = (v << 8) | c.data()[8 * i + j];
          out.emplace_back(v);
        }
      } else {
        bad("64-bit hashes must be a uint64 array of shape (n,) or a uint8 array of shape (n, 8)");
      }
    }
    return out;
  }
  for (const auto& item : py::iter(o)) out.push_back(one_hash(item, static_cast<Hash*>(nullptr)));
  return out;
}

// Flat batch result: row i of the arrays is one match of query query_index[i].
py::tuple flatten(const std::vector<std::vector<IndexMatch>>& results) {
  std::size_t total = 0;
  for (const auto& r : results) total += r.size();
  py::array_t<std::int64_t> qi(static_cast<py::ssize_t>(total));
  py::array_t<std::int32_t> dist(static_cast<py::ssize_t>(total));
  py::array_t<std::int64_t> times(static_cast<py::ssize_t>(total));
  py::list ids;
  auto q = qi.mutable_unchecked<1>();
  auto d = dist.mutable_unchecked<1>();
  auto t = times.mutable_unchecked<1>();
  py::ssize_t row = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    for (const auto& m : results[i]) {
      q(row) = static_cast<std::int64_t>(i);
      d(row) = m.distance;
      t(row) = m.time;
      ids.append(m.id);
      ++row;
    }
  }
  return py::make_tuple(qi, ids, dist, times);
}

template <class Hash>
void bind_index(py::module_& m, const char* name, const char* doc) {
  using Index = HammingIndex<Hash>;
  auto cls = py::class_<Index>(m, name, doc)
      .def(py::init([](IndexStrategy strategy, int merge_ratio) {
             return Index(HammingIndexOptions{strategy, merge_ratio});
           }),
           py::arg("strategy") = IndexStrategy::kAuto, py::arg("merge_ratio") = 1,
           "merge_ratio: segment merging (1 = binary counter; larger keeps fewer segments for more rebuild work).")
      .def("insert",
           [](Index& self, const std::string& id, const py::object& hash, UnixSeconds time) {
             const Hash h = one_hash(hash, static_cast<Hash*>(nullptr));
             py::gil_scoped_release unlock;
             self.insert(id, h, time);
           },
           py::arg("id"), py::arg("hash"), py::arg("time"), "Add an entry or replace the one under `id`.")
      .def("insert_batch",
           [](Index& self, const std::vector<std::string>& ids, const py::object& hashes,
              const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& times) {
             const auto hs = many_hashes<Hash>(hashes);
             if (times.ndim() != 1) bad("times must be one-dimensional");
             std::vector<UnixSeconds> ts(times.data(), times.data() + times.shape(0));
             py::gil_scoped_release unlock;
             self.insert_batch(ids, hs, ts);
           },
           py::arg("ids"), py::arg("hashes"), py::arg("times"),
           "Add many entries: ids (list of str), hashes (array or list), times (int64 array or list).")
      .def("erase", &Index::erase, py::arg("id"), py::call_guard<py::gil_scoped_release>())
      .def("expire_before", &Index::expire_before, py::arg("cutoff"), py::call_guard<py::gil_scoped_release>(),
           "Remove entries with time < cutoff; returns how many.")
      .def("compact", &Index::compact, py::call_guard<py::gil_scoped_release>())
      .def("reserve", &Index::reserve, py::arg("entries"))
      .def("memory_bytes", &Index::memory_bytes)
      .def("__len__", &Index::size)
      .def("__contains__", &Index::contains, py::arg("id"))
      .def("query",
           [](const Index& self, const py::object& hash, int radius) {
             const Hash h = one_hash(hash, static_cast<Hash*>(nullptr));
             py::gil_scoped_release unlock;
             return self.query(h, radius);
           },
           py::arg("hash"), py::arg("radius"), "Entries within `radius` bits, by distance then id.")
      .def("nearest",
           [](const Index& self, const py::object& hash, std::size_t k) {
             const Hash h = one_hash(hash, static_cast<Hash*>(nullptr));
             py::gil_scoped_release unlock;
             return self.nearest(h, k);
           },
           py::arg("hash"), py::arg("k"), "The k nearest entries, ties by id.")
      .def("query_batch",
           [](const Index& self, const py::object& hashes, int radius) {
             const auto hs = many_hashes<Hash>(hashes);
             std::vector<std::vector<IndexMatch>> r;
             {
               py::gil_scoped_release unlock;
               r = self.query_batch(hs, radius);
             }
             return flatten(r);
           },
           py::arg("hashes"), py::arg("radius"),
           "Returns (query_index int64[m], ids list[str], distances int32[m], times int64[m]).")
      .def("nearest_batch",
           [](const Index& self, const py::object& hashes, std::size_t k) {
             const auto hs = many_hashes<Hash>(hashes);
             std::vector<std::vector<IndexMatch>> r;
             {
               py::gil_scoped_release unlock;
               r = self.nearest_batch(hs, k);
             }
             return flatten(r);
           },
           py::arg("hashes"), py::arg("k"), "Same flat arrays as query_batch.")
      .def("save", py::overload_cast<const std::filesystem::path&>(&Index::save, py::const_), py::arg("path"),
           py::call_guard<py::gil_scoped_release>())
      .def_static("load",
                  [](const std::filesystem::path& path, IndexStrategy strategy, int merge_ratio) {
                    py::gil_scoped_release unlock;
                    return Index::load(path, HammingIndexOptions{strategy, merge_ratio});
                  },
                  py::arg("path"), py::arg("strategy") = IndexStrategy::kAuto, py::arg("merge_ratio") = 1);
  if constexpr (std::is_same_v<Hash, Hash256>) {
    cls.def("query_dihedral",
            [](const Index& self, const py::object& variants, int radius) {
              const auto hs = many_hashes<Hash256>(variants);
              if (hs.size() != 8) bad("query_dihedral needs 8 variant hashes, got " + std::to_string(hs.size()));
              std::array<Hash256, 8> v;
              std::copy(hs.begin(), hs.end(), v.begin());
              py::gil_scoped_release unlock;
              return self.query_dihedral(v, radius);
            },
            py::arg("variants"), py::arg("radius"),
            "Match the 8 dihedral variant hashes of one photo (as the PDQ hasher gives them); each entry "
            "once, with its closest variant.");
    m.def("pdq_hashes_to_array",
          [](const std::vector<std::string>& hexes) {
            py::array_t<std::uint8_t> out({static_cast<py::ssize_t>(hexes.size()), py::ssize_t{32}});
            auto* p = out.mutable_data();
            for (std::size_t i = 0; i < hexes.size(); ++i) pdq_to_bytes(Hash256::from_hex(hexes[i]), p + 32 * i);
            return out;
          },
          py::arg("hexes"), "PDQ hex strings -> uint8 array (n, 32) in bytes.fromhex order.");
  }
}

}  // namespace

void register_index(py::module_& m) {
  py::enum_<IndexStrategy>(m, "IndexStrategy")
      .value("AUTO", IndexStrategy::kAuto)
      .value("LINEAR_SCAN", IndexStrategy::kLinearScan)
      .value("MULTI_INDEX", IndexStrategy::kMultiIndex);
  py::class_<IndexMatch>(m, "IndexMatch", "One entry within the radius of a query.")
      .def_readonly("id", &IndexMatch::id)
      .def_readonly("distance", &IndexMatch::distance)
      .def_readonly("time", &IndexMatch::time)
      .def("__eq__", [](const IndexMatch& a, const IndexMatch& b) { return a == b; })
      .def("__repr__", [](const IndexMatch& x) {
        return "IndexMatch(id='" + x.id + "', distance=" + std::to_string(x.distance) + ", time=" + std::to_string(x.time) + ")";
      });
  py::class_<DihedralMatch>(m, "DihedralMatch", "An entry matched by one of a photo's 8 dihedral variants.")
      .def_readonly("id", &DihedralMatch::id)
      .def_readonly("distance", &DihedralMatch::distance)
      .def_readonly("variant", &DihedralMatch::variant)
      .def_readonly("time", &DihedralMatch::time)
      .def("__repr__", [](const DihedralMatch& x) {
        return "DihedralMatch(id='" + x.id + "', distance=" + std::to_string(x.distance) +
               ", variant=" + std::to_string(x.variant) + ")";
      });
  bind_index<Hash256>(m, "PdqIndex", "Exact Hamming index over PDQ (256-bit) hashes with ids and times.");
  bind_index<Hash64>(m, "Hash64Index", "Exact Hamming index over 64-bit hashes (pHash, dHash) with ids and times.");
  m.def("index_kernel_name", [] { return std::string(index_kernel_name()); },
        "The popcount kernel this CPU uses: avx512-vpopcntdq, avx2, popcnt or portable.");
}

}  // namespace saring::python
