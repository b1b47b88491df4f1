// Time in saring: whole seconds since the Unix epoch (UTC), as std::int64_t, plus the UTC offset a
// timestamp was written with when it matters for display. RFC 3339 in, RFC 3339 out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace saring {

using UnixSeconds = std::int64_t;

struct Timestamp {
  UnixSeconds unix = 0;       // seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;     // the offset the text carried (+07:00 -> 420)
  auto operator<=>(const Timestamp&) const = default;
};

// Parses RFC 3339 ("2026-11-28T08:15:00+07:00", "...Z", fractional seconds dropped; a space may
// replace the 'T'). Throws Error(kParse) naming the text when it is not one.
Timestamp parse_rfc3339(std::string_view text);
// Formats with the given offset, e.g. "2026-11-28T08:15:00+07:00" ("Z" for offset 0).
std::string format_rfc3339(const Timestamp& t);

// Durations as people write them on a command line or in config: "90s", "15m", "2h", "30d", or
// a plain number of seconds, at most 2^50 seconds. Throws Error(kParse) otherwise.
std::int64_t parse_duration_seconds(std::string_view text);

}  // namespace saring
