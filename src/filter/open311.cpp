#include "saring/filter/open311.hpp"

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/json_depth.hpp"
#include "core/report_fields.hpp"
#include "saring/core/error.hpp"
#include "saring/core/time.hpp"

namespace saring {
namespace {

using nlohmann::json;

std::string where(std::size_t line_no) { return line_no ? "line " + std::to_string(line_no) + ": " : std::string(); }

[[noreturn]] void field_error(std::size_t line_no, const char* field, const std::string& what) {
  throw Error(ErrorCode::kParse, where(line_no) + "Open311 field '" + field + "' " + what);
}

double coordinate(const json& obj, const char* field, std::size_t line_no) {
  const auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) field_error(line_no, field, "is missing");
  double v;
  if (it->is_number()) {
    v = it->get<double>();
  } else if (it->is_string()) {
    const std::string s = it->get<std::string>();
    char* end = nullptr;
    v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) field_error(line_no, field, "is not a number: '" + s + "'");
  } else {
    field_error(line_no, field, "must be a number");
  }
  if (!std::isfinite(v)) field_error(line_no, field, "must be finite");
  return v;
}

std::string text_field(const json& obj, const char* field, std::size_t line_no) {
  const auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) field_error(line_no, field, "must be a string");
  return it->get<std::string>();
}

Report from_object(const json& obj, std::size_t line_no) {
  if (!obj.is_object()) throw Error(ErrorCode::kParse, where(line_no) + "Open311 service request must be a JSON object");
  Report r;
  const auto id = obj.find("service_request_id");
  if (id == obj.end() || id->is_null()) field_error(line_no, "service_request_id", "is missing");
  if (id->is_string()) {
    r.id = id->get<std::string>();
  } else if (id->is_number_unsigned()) {  // before the signed case: 2^64-1 must not print as -1
    r.id = std::to_string(id->get<std::uint64_t>());
  } else if (id->is_number_integer()) {
    r.id = std::to_string(id->get<std::int64_t>());
  } else {
    field_error(line_no, "service_request_id", "must be a string or an integer");
  }
  if (r.id.empty()) field_error(line_no, "service_request_id", "must not be empty");
  r.category = text_field(obj, "service_code", line_no);
  r.text = text_field(obj, "description", line_no);
  r.reporter = text_field(obj, "account_id", line_no);
  r.lat = coordinate(obj, "lat", line_no);
  r.lon = coordinate(obj, "long", line_no);
  if (r.lat < -90 || r.lat > 90) field_error(line_no, "lat", "is out of range");
  if (r.lon < -180 || r.lon > 180) field_error(line_no, "long", "is out of range");
  const std::string when = text_field(obj, "requested_datetime", line_no);
  if (when.empty()) field_error(line_no, "requested_datetime", "is missing");
  try {
    r.time = parse_rfc3339(when);
  } catch (const Error& e) {
    field_error(line_no, "requested_datetime", std::string("is invalid: ") + e.what());
  }
  const std::string media = text_field(obj, "media_url", line_no);
  const bool remote = media.rfind("http://", 0) == 0 || media.rfind("https://", 0) == 0;
  std::string local = media;
  if (media.rfind("file://", 0) == 0) local = media.substr(7);
  if (!media.empty() && !remote) r.photos.push_back(local);
  json extra = json::object();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    static const char* const known[] = {"service_request_id", "service_code", "description", "account_id",
                                        "lat", "long", "requested_datetime"};
    // Names of saring's own report fields: an Open311 "photos" or "text" kept under its own name
    // would read back as the report's field (or make its JSON invalid), so it gets a prefix.
    bool is_known = false;
    for (const char* k : known) is_known = is_known || it.key() == k;
    if (it.key() == "media_url" && !remote) is_known = true;
    if (is_known) continue;
    extra[detail::is_report_field(it.key()) ? "open311_" + it.key() : it.key()] = it.value();
  }
  if (!extra.empty()) r.extra_json = extra.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace

Report parse_open311_request(std::string_view text, std::size_t line_no) {
  detail::check_json_depth(text, where(line_no) + "Open311 request");
  json obj;
  try {
    obj = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw Error(ErrorCode::kParse, where(line_no) + "Open311 request is not valid JSON: " + e.what());
  }
  return from_object(obj, line_no);
}

std::vector<Report> parse_open311(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  std::vector<Report> out;
  if (first == std::string_view::npos) return out;
  if (text[first] == '[') {
    detail::check_json_depth(text, "Open311 document");
    json arr;
    try {
      arr = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
      throw Error(ErrorCode::kParse, std::string("Open311 document is not valid JSON: ") + e.what());
    }
    for (std::size_t i = 0; i < arr.size(); ++i) {
      try {
        out.push_back(from_object(arr[i], 0));
      } catch (const Error& e) {
        throw Error(e.code(), "Open311 element " + std::to_string(i) + ": " + e.what());
      }
    }
    return out;
  }
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    ++line_no;
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) out.push_back(parse_open311_request(line, line_no));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

}  // namespace saring
