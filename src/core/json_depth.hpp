// A nesting limit for JSON read from outside. nlohmann's parser keeps its own stack, but printing
// a value (dump(), which saring does for a report's extra fields and in error messages) and GEOS's
// GeoJSON reader recurse once per level: a 600 KB line of '[' overflowed the stack. No input
// saring reads needs more than a handful of levels (a GeoJSON MultiPolygon has 8), so deeper text
// is refused before it is parsed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "saring/core/error.hpp"

namespace saring::detail {

inline constexpr std::size_t kMaxJsonDepth = 64;

// Throws Error(kParse) "<what> nests arrays/objects deeper than 64 levels" when brackets outside
// strings open deeper than `max_depth`. Only counts: malformed text is left to the parser.
inline void check_json_depth(std::string_view text, const std::string& what, std::size_t max_depth = kMaxJsonDepth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        throw Error(ErrorCode::kParse, what + " nests arrays/objects deeper than " + std::to_string(max_depth) +
                                           " levels (at byte " + std::to_string(i) + ")");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

}  // namespace saring::detail
