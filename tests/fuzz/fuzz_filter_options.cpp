// Filter configuration: a JSON layer (parse_filter_options) or a "key.path=value" override
// (apply_filter_override). Any bytes give validated options or a saring::Error (kParse for
// malformed or unknown keys, kInvalidArgument for out-of-range values), never a crash, hang or
// other exception. Options that load must survive their JSON form: printing and parsing it again
// gives the same JSON. The first byte picks the parser (bit 0) and, for overrides, whether the
// base is the defaults or a layer parsed from the rest of the bytes after a newline (bit 1).
#include <cstddef>
#include <cstdint>
#include <string>

#include "saring/core/error.hpp"
#include "saring/filter/options.hpp"

namespace {

void check_round_trip(const saring::FilterOptions& o) {
  const std::string j = saring::filter_options_to_json(o, -1);
  const saring::FilterOptions back = saring::parse_filter_options(j);
  if (saring::filter_options_to_json(back, -1) != j) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if ((data[0] & 1) == 0) {
      check_round_trip(saring::parse_filter_options(text));
    } else {
      saring::FilterOptions base;
      std::string assignment = text;
      if (data[0] & 2) {
        const auto nl = text.find('\n');
        if (nl == std::string::npos) return 0;
        base = saring::parse_filter_options(text.substr(nl + 1));
        assignment = text.substr(0, nl);
      }
      check_round_trip(saring::apply_filter_override(assignment, base));
    }
  } catch (const saring::Error& e) {
    if (e.code() != saring::ErrorCode::kParse && e.code() != saring::ErrorCode::kInvalidArgument) __builtin_trap();
  }
  return 0;
}
