// Reporter state snapshot parser: a state or saring::Error(kCorrupt); a parsed state re-serialises
// to text that parses to the same state.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/spam/reporter_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const saring::ReporterState s = saring::ReporterState::deserialize(text);
    const std::string again = s.serialize();
    if (saring::ReporterState::deserialize(again).serialize() != again) __builtin_trap();
  } catch (const saring::Error& e) {
    if (e.code() != saring::ErrorCode::kCorrupt) __builtin_trap();
  }
  return 0;
}
