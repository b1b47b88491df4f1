// Spam model file loader: any bytes give a model or saring::Error(kCorrupt) (or kInvalidArgument
// for an intact file trained with other word lists), never a crash; a model that loads scores
// text and saves to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/spam/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const saring::SpamModel m = saring::SpamModel::from_bytes(bytes);
    (void)m.predict("promo gratis klik bit.ly/x");
    if (m.to_bytes() != bytes) __builtin_trap();
  } catch (const saring::Error& e) {
    if (e.code() != saring::ErrorCode::kCorrupt && e.code() != saring::ErrorCode::kInvalidArgument) __builtin_trap();
  }
  return 0;
}
