// Open311 GeoReport v2 service requests (a JSON array or one request a line): any bytes give
// reports or a saring::Error(kParse), never a crash, hang or other exception. Every report the
// parser accepts must be a valid saring report: its report JSON parses back to the same JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/filter/open311.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const saring::Report& r : saring::parse_open311(text)) {
      if (r.id.empty() || !(r.lat >= -90 && r.lat <= 90) || !(r.lon >= -180 && r.lon <= 180)) __builtin_trap();
      const std::string j = saring::report_to_json(r);
      saring::Report back;
      try {
        back = saring::parse_report_json(j, 1);
      } catch (const saring::Error&) {
        __builtin_trap();  // an accepted request must make a report the report parser accepts
      }
      if (saring::report_to_json(back) != j) __builtin_trap();
    }
  } catch (const saring::Error& e) {
    if (e.code() != saring::ErrorCode::kParse) __builtin_trap();
  }
  return 0;
}
