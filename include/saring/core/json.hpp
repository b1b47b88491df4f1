// JSON forms of Report and Verdict (../shared/REPORT_FORMAT.md). Parsing is strict about types
// and required fields and names the field and, when given, the line number in its errors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "saring/core/report.hpp"

namespace saring {

struct ReportParseOptions {
  std::size_t max_line_bytes = 1 << 20;  // a longer line is refused (kLimitExceeded)
};

// Parses one report JSON object. `line_no` (1-based, 0 = unknown) is quoted in error messages.
// Throws Error(kParse) for broken JSON, missing or mistyped fields, NaN/infinite numbers.
Report parse_report_json(std::string_view json, std::size_t line_no = 0,
                         const ReportParseOptions& options = {});
// Report::extra_json must be a JSON object (else Error(kInvalidArgument)); keys in it that name a
// report field are left out, so the output always parses back to the same report.
std::string report_to_json(const Report& report);

std::string verdict_to_json(const Verdict& verdict);
// Reads the verdict form back. Throws Error(kParse) naming the field (and line, when given) for
// broken JSON, a missing id or decision, a mistyped field, or an unknown decision or area level.
Verdict parse_verdict_json(std::string_view json, std::size_t line_no = 0);

// Escapes text for embedding in a JSON string (invalid UTF-8 bytes become U+FFFD).
std::string json_escape(std::string_view text);

}  // namespace saring
