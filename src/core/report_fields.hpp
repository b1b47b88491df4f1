// The field names of the report JSON form (REPORT_FORMAT.md). Parsers of other forms (Open311)
// keep foreign fields under names that cannot be mistaken for these.
#pragma once

#include <algorithm>
#include <iterator>
#include <string_view>

namespace saring::detail {

inline constexpr std::string_view kReportFields[] = {"id",       "reporter", "time",   "lat",    "lon",   "accuracy_m",
                                                     "category", "text",     "photos", "videos", "client"};

inline bool is_report_field(std::string_view name) {
  return std::find(std::begin(kReportFields), std::end(kReportFields), name) != std::end(kReportFields);
}

}  // namespace saring::detail
