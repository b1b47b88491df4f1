// Index file loader: any bytes must give an index or a saring::Error, never a crash, hang or
// huge allocation. A loaded index must answer queries and save back to a file that loads again.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/crc32.hpp"
#include "saring/core/error.hpp"
#include "saring/index/hamming_index.hpp"

namespace {

template <class Index, class Hash>
void try_load(const std::string& bytes, const Hash& probe) {
  std::istringstream in(bytes);
  try {
    Index index = Index::load(in, "fuzz");
    (void)index.query(probe, 10);
    (void)index.nearest(probe, 3);
    std::ostringstream out;
    index.save(out);
    std::istringstream again(out.str());
    Index back = Index::load(again, "fuzz-resaved");
    if (back.size() != index.size()) __builtin_trap();
  } catch (const saring::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try_load<saring::PdqIndex>(bytes, saring::Hash256());
  try_load<saring::Hash64Index>(bytes, saring::Hash64());
  // Again with a correct checksum trailer, so mutations reach the body parser too.
  if (size >= 4) {
    std::string fixed = bytes;
    const std::uint32_t crc = saring::detail::crc32_update(0, fixed.data(), fixed.size() - 4);
    fixed.replace(fixed.size() - 4, 4, reinterpret_cast<const char*>(&crc), 4);
    try_load<saring::PdqIndex>(fixed, saring::Hash256());
    try_load<saring::Hash64Index>(fixed, saring::Hash64());
  }
  return 0;
}
