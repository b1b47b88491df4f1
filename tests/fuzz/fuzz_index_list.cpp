// Hash list lines of `saring index` (src/cli/hash_list.hpp, `hex[,id[,time]]`): any bytes give a
// line, nothing (blank/comment) or saring::Error(kParse), never a crash or hang; a parsed line
// printed again as `hex,id,time` parses back to the same fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/hash_list.hpp"
#include "saring/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  try {
    const auto parsed = saring::cli::parse_hash_list_line(line, "fuzz:1");
    if (!parsed) return 0;
    if (parsed->hex.size() != 64 && parsed->hex.size() != 16) __builtin_trap();
    std::string again = parsed->hex;
    if (!parsed->id.empty()) again += "," + parsed->id;
    if (parsed->time) {
      if (parsed->id.empty()) __builtin_trap();  // a time needs an id before it
      again += "," + saring::format_rfc3339(*parsed->time);
    }
    const auto back = saring::cli::parse_hash_list_line(again, "fuzz:again");
    if (!back || back->hex != parsed->hex || back->id != parsed->id || back->time.has_value() != parsed->time.has_value()) {
      __builtin_trap();
    }
    if (back->time && back->time->unix != parsed->time->unix) __builtin_trap();
  } catch (const saring::Error& e) {
    if (e.code() != saring::ErrorCode::kParse) __builtin_trap();
  }
  return 0;
}
