// Report JSON parser: any bytes must give a Report or a saring::Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/core/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const saring::Report r = saring::parse_report_json(text, 1);
    (void)saring::parse_report_json(saring::report_to_json(r), 1);
  } catch (const saring::Error&) {
  }
  return 0;
}
