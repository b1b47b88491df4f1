// Fuzzes the GeoJSON area loader (JSON parsing, GEOS reading, validation and repair, the grid
// index build) and then queries whatever loaded. Errors must be saring::Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/geo/areas.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  saring::AreaSet set;
  saring::AreaLoadOptions options;
  options.max_bytes = 1 << 20;
  options.max_vertices = 200000;  // keeps one input's work bounded
  try {
    set.add_geojson(text, "fuzz", options);
  } catch (const saring::Error&) {
    return 0;
  }
  // Query the corners and centre of each area's box and a few odd points.
  for (std::size_t l = 0; l < saring::kAreaLevelCount; ++l) {
    const auto level = static_cast<saring::AreaLevel>(l);
    for (std::size_t i = 0; i < set.size(level) && i < 8; ++i) {
      const auto& a = set.area(level, i);
      const double pts[][2] = {{a.min_lat, a.min_lon},
                               {a.max_lat, a.max_lon},
                               {(a.min_lat + a.max_lat) / 2, (a.min_lon + a.max_lon) / 2}};
      for (const auto& p : pts) {
        (void)set.lookup(p[0], p[1]);
        const auto fast = set.find(level, p[0], p[1]);
        (void)fast;
        (void)set.find_all_geos(level, p[0], p[1]);
      }
    }
  }
  (void)set.distance_to_service_area_m(0.5, 0.5);
  (void)set.lookup(1e308, -1e308);
  return 0;
}
