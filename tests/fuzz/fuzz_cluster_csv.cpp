// Point reader (CSV and JSON lines for `saring cluster`): any bytes must give points or a
// saring::Error, never a crash or hang. Parsed points are clustered to exercise the checks that
// follow parsing (every coordinate the reader accepts must be accepted by dbscan()).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/point_reader.hpp"
#include "saring/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  saring::PointReaderOptions limits;
  limits.max_rows = 2000;
  try {
    const saring::PointSet set = saring::parse_points(text, "fuzz", limits);
    saring::DbscanOptions o;
    o.eps_m = 100;
    o.min_pts = 2;
    o.eps_time_s = set.has_time ? std::optional<std::int64_t>(3600) : std::nullopt;
    o.same_category = set.has_category;
    const auto labels = saring::dbscan(std::span<const saring::ClusterPoint>(set.points), o);
    if (labels.size() != set.points.size()) __builtin_trap();
  } catch (const saring::Error&) {
  }
  return 0;
}
