// One line of a hash list for `saring index`: `hex[,id[,time]]`. The hash is PDQ (64 hex digits)
// or 64-bit (16); the id is the index key (no ','; 1..65535 bytes); the time is RFC 3339. Blank
// lines and lines starting with '#' carry nothing. Header-only so that the fuzz build, which has
// no CLI, can fuzz it (tests/fuzz/fuzz_index_list.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "saring/core/error.hpp"
#include "saring/core/time.hpp"
#include "saring/hash/hash_types.hpp"

namespace saring::cli {

struct HashListLine {
  std::string hex;                  // 64 or 16 hex digits, checked
  std::string id;                   // empty when the line has none
  std::optional<Timestamp> time;    // when the line has one
  bool pdq() const { return hex.size() == 64; }
};

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// nullopt for a blank or comment line; Error(kParse) with `where` ("FILE:LINE") for a bad one.
inline std::optional<HashListLine> parse_hash_list_line(std::string_view raw, const std::string& where) {
  const std::string_view text = trim_blanks(raw);
  if (text.empty() || text.front() == '#') return std::nullopt;
  auto fail = [&](const std::string& what) -> HashListLine { throw Error(ErrorCode::kParse, where + ": " + what); };
  std::string_view fields[3];
  std::size_t n = 0;
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    if (n == 3) fail("at most 3 fields (hex,id,time) expected; an id cannot contain ','");
    fields[n++] = trim_blanks(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  HashListLine out;
  out.hex = std::string(fields[0]);
  if (out.hex.size() != 64 && out.hex.size() != 16) {
    fail("expected 64 (PDQ) or 16 (64-bit) hex digits, got " + std::to_string(out.hex.size()));
  }
  try {
    if (out.pdq()) {
      (void)Hash256::from_hex(out.hex);
    } else {
      (void)Hash64::from_hex(out.hex);
    }
  } catch (const Error& e) {
    fail(e.what());
  }
  if (n >= 2) {
    if (fields[1].empty()) fail("empty id after ','");
    if (fields[1].size() > 65535) fail("id longer than 65535 bytes");
    out.id = std::string(fields[1]);
  }
  if (n == 3) {
    try {
      out.time = parse_rfc3339(fields[2]);
    } catch (const Error& e) {
      fail(std::string("time: ") + e.what());
    }
  }
  return out;
}

}  // namespace saring::cli
