// Verdict JSON parser (verdicts read back from `saring run` output): any bytes give a Verdict or
// a saring::Error(kParse), never a crash or other exception; a parsed verdict prints to JSON that
// parses to the same JSON again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/core/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const saring::Verdict v = saring::parse_verdict_json(text);
    const std::string j = saring::verdict_to_json(v);
    if (saring::verdict_to_json(saring::parse_verdict_json(j)) != j) __builtin_trap();
  } catch (const saring::Error& e) {
    if (e.code() != saring::ErrorCode::kParse) __builtin_trap();
  }
  return 0;
}
