// Filter state files: any bytes given as a journal or a snapshot must load or fail with a
// saring::Error (kCorrupt for damage), never crash, hang or allocate without bound. The first byte
// picks the file kind; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "filter/persist.hpp"
#include "filter/state.hpp"
#include "saring/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const saring::FilterOptions options;
  try {
    if (data[0] & 1) {
      std::uint32_t version = 0;
      const auto [seq, payload] = saring::detail::parse_snapshot(bytes, "fuzz snapshot", &version);
      saring::detail::State s = saring::detail::decode_state(payload, options, "fuzz snapshot", version);
      // A state that loads must also survive being written and read again (in the current version).
      (void)saring::detail::decode_state(saring::detail::encode_state(s), options, "fuzz re-encoded",
                                         saring::detail::kSnapshotVersion);
      (void)seq;
    } else {
      const auto contents = saring::detail::parse_journal(bytes, "fuzz journal");
      saring::detail::State s;
      for (const auto& record : contents.records) saring::detail::apply_record(s, options, record, "fuzz record");
    }
  } catch (const saring::Error&) {
  }
  return 0;
}
