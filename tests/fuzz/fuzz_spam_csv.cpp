// CSV reader (RFC 4180) and the labelled-data step after it: a table or saring::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/spam/csv.hpp"
#include "saring/spam/training.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const saring::CsvTable t = saring::parse_csv(text);
    for (const auto& row : t.rows) {
      if (!t.header.empty() && row.size() != t.header.size()) __builtin_trap();
    }
    if (!t.header.empty()) (void)saring::labeled_texts_from_csv(t, "0", std::to_string(t.header.size() - 1), {"1"});
  } catch (const saring::Error&) {
  }
  return 0;
}
