// The small text values saring reads from reports, configs, command lines and hash lists: RFC 3339
// times, durations ("30d"), hash hex (PDQ and 64-bit) and the enum names (feedback actions, area
// levels, border rules, geodesic models, decisions, spam rule codes). Each parser gives a value or a
// saring::Error (kParse; kInvalidArgument for the option names), never a crash, overflow or other exception; values print back to text
// that parses to the same value. The first byte picks the parser; the rest is the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "saring/cluster/dbscan.hpp"
#include "saring/cluster/geodesic.hpp"
#include "saring/core/error.hpp"
#include "saring/core/json.hpp"
#include "saring/core/time.hpp"
#include "saring/filter/filter.hpp"
#include "saring/geo/areas.hpp"
#include "saring/hash/hash_types.hpp"
#include "saring/spam/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Names given as command-line options (border rule, geodesic model) are refused as
  // kInvalidArgument, like any other bad option value; text read from files is kParse.
  const unsigned which = data[0] % 10;
  const bool option_value = which == 6 || which == 7;
  try {
    switch (which) {
      case 0: {
        const saring::Timestamp t = saring::parse_rfc3339(text);
        if (t.offset_minutes <= -24 * 60 || t.offset_minutes >= 24 * 60) __builtin_trap();
        if (saring::parse_rfc3339(saring::format_rfc3339(t)) != t) __builtin_trap();
        break;
      }
      case 1: {
        const std::int64_t s = saring::parse_duration_seconds(text);
        if (s < 0) __builtin_trap();
        if (saring::parse_duration_seconds(std::to_string(s)) != s) __builtin_trap();
        break;
      }
      case 2: {
        const saring::Hash256 h = saring::Hash256::from_hex(text);
        if (saring::Hash256::from_hex(h.hex()) != h) __builtin_trap();
        break;
      }
      case 3: {
        const saring::Hash64 h = saring::Hash64::from_hex(text);
        if (saring::Hash64::from_hex(h.hex()) != h) __builtin_trap();
        break;
      }
      case 4: {
        const saring::FeedbackAction a = saring::parse_feedback_action(text);
        if (saring::parse_feedback_action(saring::feedback_action_name(a)) != a) __builtin_trap();
        break;
      }
      case 5: {
        const saring::AreaLevel l = saring::parse_area_level(text);
        if (saring::parse_area_level(saring::area_level_name(l)) != l) __builtin_trap();
        break;
      }
      case 6: {
        const saring::BorderRule b = saring::parse_border_rule(text);
        if (saring::parse_border_rule(saring::border_rule_name(b)) != b) __builtin_trap();
        break;
      }
      case 7: {
        const saring::GeodesicModel g = saring::parse_geodesic_model(text);
        if (saring::parse_geodesic_model(saring::geodesic_model_name(g)) != g) __builtin_trap();
        break;
      }
      case 8: {
        const saring::Decision d = saring::parse_decision(text);
        if (saring::parse_decision(saring::decision_name(d)) != d) __builtin_trap();
        break;
      }
      case 9:
        if (const auto rule = saring::parse_spam_rule_code(text)) (void)*rule;  // noexcept: no error at all
        break;
    }
  } catch (const saring::Error& e) {
    if (e.code() != (option_value ? saring::ErrorCode::kInvalidArgument : saring::ErrorCode::kParse)) __builtin_trap();
  }
  return 0;
}
