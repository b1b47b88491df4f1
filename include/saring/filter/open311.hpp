// Open311 GeoReport v2 service requests as saring reports. A city's 311 export (or a backend that
// speaks Open311) can be fed to `saring run --format open311` directly.
//
// Mapping: service_request_id -> id (string or number), service_code -> category,
// description -> text, lat/long -> lat/lon (numbers or numeric strings), requested_datetime ->
// time (RFC 3339), media_url -> photos when it is a local path (saring never downloads: http(s)
// URLs are kept in the report's extra fields only), account_id -> reporter. Other fields are kept
// in Report::extra_json; one named like a saring report field ("photos", "text", ...) is kept as
// "open311_<name>" so that it cannot be mistaken for the report's own.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "saring/core/report.hpp"

namespace saring {

// One service request object. `line_no` (1-based, 0 = unknown) is quoted in errors.
// Throws Error(kParse) naming the field when a required one is missing or mistyped.
Report parse_open311_request(std::string_view json, std::size_t line_no = 0);
// A whole document: a JSON array of service requests, or one request per line (blank lines
// skipped). Throws Error(kParse) naming the element or line.
std::vector<Report> parse_open311(std::string_view text);

}  // namespace saring
