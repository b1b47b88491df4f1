#include "saring/core/json.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json_depth.hpp"
#include "core/report_fields.hpp"
#include "saring/core/error.hpp"

namespace saring {
namespace {

using nlohmann::json;

std::string where(std::size_t line_no) {
  return line_no ? "line " + std::to_string(line_no) + ": " : std::string();
}

[[noreturn]] void field_error(std::size_t line_no, std::string_view field, const std::string& what) {
  throw Error(ErrorCode::kParse, where(line_no) + "report field '" + std::string(field) + "' " + what);
}

std::string get_string(const json& obj, const char* field, bool required, std::size_t line_no) {
  const auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) field_error(line_no, field, "is missing");
    return {};
  }
  if (!it->is_string()) field_error(line_no, field, "must be a string");
  return it->get<std::string>();
}

std::optional<double> get_number(const json& obj, const char* field, bool required, std::size_t line_no) {
  const auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) field_error(line_no, field, "is missing");
    return std::nullopt;
  }
  if (!it->is_number()) field_error(line_no, field, "must be a number");
  const double v = it->get<double>();
  if (!std::isfinite(v)) field_error(line_no, field, "must be finite");
  return v;
}

std::vector<std::string> get_strings(const json& obj, const char* field, std::size_t line_no) {
  std::vector<std::string> out;
  const auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) field_error(line_no, field, "must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) field_error(line_no, field, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}


}  // namespace

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::kAccept: return "accept";
    case Decision::kDuplicate: return "duplicate";
    case Decision::kReview: return "review";
    case Decision::kReject: return "reject";
  }
  return "accept";
}

Decision parse_decision(std::string_view name) {
  if (name == "accept") return Decision::kAccept;
  if (name == "duplicate") return Decision::kDuplicate;
  if (name == "review") return Decision::kReview;
  if (name == "reject") return Decision::kReject;
  throw Error(ErrorCode::kParse, "unknown decision '" + std::string(name.substr(0, 40)) +
                                     "' (expected accept, duplicate, review or reject)");
}

Report parse_report_json(std::string_view text, std::size_t line_no, const ReportParseOptions& options) {
  if (text.size() > options.max_line_bytes) {
    throw Error(ErrorCode::kLimitExceeded, where(line_no) + "report is " + std::to_string(text.size()) +
                                               " bytes, over the limit of " + std::to_string(options.max_line_bytes));
  }
  detail::check_json_depth(text, where(line_no) + "report");
  json obj;
  try {
    obj = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw Error(ErrorCode::kParse, where(line_no) + "report is not valid JSON: " + e.what());
  }
  if (!obj.is_object()) throw Error(ErrorCode::kParse, where(line_no) + "report must be a JSON object");
  Report r;
  r.id = get_string(obj, "id", true, line_no);
  if (r.id.empty()) field_error(line_no, "id", "must not be empty");
  r.reporter = get_string(obj, "reporter", false, line_no);
  const std::string time = get_string(obj, "time", true, line_no);
  try {
    r.time = parse_rfc3339(time);
  } catch (const Error& e) {
    field_error(line_no, "time", std::string("is invalid: ") + e.what());
  }
  r.lat = *get_number(obj, "lat", true, line_no);
  r.lon = *get_number(obj, "lon", true, line_no);
  r.accuracy_m = get_number(obj, "accuracy_m", false, line_no);
  if (r.accuracy_m && *r.accuracy_m < 0) field_error(line_no, "accuracy_m", "must not be negative");
  r.category = get_string(obj, "category", false, line_no);
  r.text = get_string(obj, "text", false, line_no);
  r.photos = get_strings(obj, "photos", line_no);
  r.videos = get_strings(obj, "videos", line_no);
  if (const auto it = obj.find("client"); it != obj.end() && !it->is_null()) {
    if (!it->is_object()) field_error(line_no, "client", "must be an object");
    if (const auto m = it->find("mock_location"); m != it->end() && !m->is_null()) {
      if (!m->is_boolean()) field_error(line_no, "client.mock_location", "must be true or false");
      r.client.mock_location = m->get<bool>();
    }
    if (const auto a = it->find("app"); a != it->end() && !a->is_null()) {
      if (!a->is_string()) field_error(line_no, "client.app", "must be a string");
      r.client.app = a->get<std::string>();
    }
  }
  json extra = json::object();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!detail::is_report_field(it.key())) extra[it.key()] = it.value();
  }
  // Client facts saring does not know (os, device, ...) are kept too, under "client" in the
  // extra fields, so a report written back out still carries them (REPORT_FORMAT.md).
  if (const auto it = obj.find("client"); it != obj.end() && it->is_object()) {
    json client_extra = json::object();
    for (auto c = it->begin(); c != it->end(); ++c) {
      if (c.key() != "mock_location" && c.key() != "app") client_extra[c.key()] = c.value();
    }
    if (!client_extra.empty()) extra["client"] = std::move(client_extra);
  }
  if (!extra.empty()) r.extra_json = extra.dump();
  return r;
}

std::string report_to_json(const Report& r) {
  json obj = json::object();
  if (!r.extra_json.empty()) {
    // extra_json is settable by callers (Python too): a text that is not a JSON object is their
    // error, named, not a crash or a stray library exception.
    try {
      obj = json::parse(r.extra_json);
    } catch (const json::exception& e) {
      throw Error(ErrorCode::kInvalidArgument, "report '" + r.id + "': extra_json is not valid JSON: " + e.what());
    }
    if (!obj.is_object()) throw Error(ErrorCode::kInvalidArgument, "report '" + r.id + "': extra_json is not a JSON object");
    // The report's own fields win: an extra "photos": 5 left in place (as an Open311 request could
    // bring) made JSON that parse_report_json refuses, and the filter journals this JSON. Unknown
    // client facts stay (under "client"), but not the client fields saring itself writes.
    for (const std::string_view f : detail::kReportFields) {
      if (f != "client") obj.erase(std::string(f));
    }
    if (const auto c = obj.find("client"); c != obj.end() && c->is_object()) {
      c->erase("mock_location");
      c->erase("app");
    }
  }
  obj["id"] = r.id;
  if (!r.reporter.empty()) obj["reporter"] = r.reporter;
  obj["time"] = format_rfc3339(r.time);
  obj["lat"] = r.lat;
  obj["lon"] = r.lon;
  if (r.accuracy_m) obj["accuracy_m"] = *r.accuracy_m;
  if (!r.category.empty()) obj["category"] = r.category;
  if (!r.text.empty()) obj["text"] = r.text;
  if (!r.photos.empty()) obj["photos"] = r.photos;
  if (!r.videos.empty()) obj["videos"] = r.videos;
  // Unknown client facts kept from parsing sit in the extra fields' "client" object.
  json c = obj.contains("client") && obj["client"].is_object() ? obj["client"] : json::object();
  if (r.client.mock_location) c["mock_location"] = *r.client.mock_location;
  if (!r.client.app.empty()) c["app"] = r.client.app;
  if (!c.empty()) {
    obj["client"] = std::move(c);
  } else {
    obj.erase("client");
  }
  return obj.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string verdict_to_json(const Verdict& v) {
  json obj;
  obj["id"] = v.id;
  obj["decision"] = decision_name(v.decision);
  obj["duplicate_of"] = v.duplicate_of ? json(*v.duplicate_of) : json(nullptr);
  obj["incident"] = v.incident ? json(*v.incident) : json(nullptr);
  obj["scores"] = {{"duplicate", v.scores.duplicate}, {"geotag", v.scores.geotag},
                   {"spam", v.scores.spam}, {"total", v.scores.total}};
  json reasons = json::array();
  for (const auto& r : v.reasons) {
    reasons.push_back({{"code", r.code}, {"group", r.group}, {"score", r.score}, {"detail", r.detail}});
  }
  obj["reasons"] = std::move(reasons);
  json areas = json::array();
  for (const auto& a : v.areas) areas.push_back({{"level", a.level}, {"code", a.code}, {"name", a.name}});
  obj["areas"] = std::move(areas);
  return obj.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The verdict form is what saring writes; reading it back (journals, Python, other tools' output)
// holds it to REPORT_FORMAT.md: an unknown enum value or a mistyped field is an error that names
// the field and, when given, the line.
Verdict parse_verdict_json(std::string_view text, std::size_t line_no) {
  auto fail = [&](const std::string& field, const std::string& what) -> void {
    throw Error(ErrorCode::kParse, where(line_no) + "verdict field '" + field + "' " + what);
  };
  detail::check_json_depth(text, "verdict");
  json obj;
  try {
    obj = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kParse, where(line_no) + "verdict is not valid JSON: " + e.what());
  }
  if (!obj.is_object()) throw Error(ErrorCode::kParse, where(line_no) + "verdict must be a JSON object");
  auto string_at = [&](const json& o, const char* key, const std::string& field, bool required) -> std::string {
    const auto it = o.find(key);
    if (it == o.end() || it->is_null()) {
      if (required) fail(field, "is missing");
      return {};
    }
    if (!it->is_string()) fail(field, "must be a string");
    return it->get<std::string>();
  };
  auto optional_string = [&](const char* key) -> std::optional<std::string> {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) fail(key, "must be a string or null");
    return it->get<std::string>();
  };
  auto number_at = [&](const json& o, const char* key, const std::string& field) -> double {
    const auto it = o.find(key);
    if (it == o.end() || it->is_null()) return 0.0;
    if (!it->is_number()) fail(field, "must be a number");
    return it->get<double>();
  };
  Verdict v;
  v.id = string_at(obj, "id", "id", true);
  const std::string decision = string_at(obj, "decision", "decision", true);
  try {
    v.decision = parse_decision(decision);
  } catch (const Error& e) {
    fail("decision", e.what());
  }
  v.duplicate_of = optional_string("duplicate_of");
  v.incident = optional_string("incident");
  if (const auto it = obj.find("scores"); it != obj.end() && !it->is_null()) {
    if (!it->is_object()) fail("scores", "must be an object");
    v.scores = {number_at(*it, "duplicate", "scores.duplicate"), number_at(*it, "geotag", "scores.geotag"),
                number_at(*it, "spam", "scores.spam"), number_at(*it, "total", "scores.total")};
  }
  if (const auto it = obj.find("reasons"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) fail("reasons", "must be an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& r = (*it)[i];
      const std::string at = "reasons[" + std::to_string(i) + "]";
      if (!r.is_object()) fail(at, "must be an object");
      v.reasons.push_back({string_at(r, "code", at + ".code", true), string_at(r, "group", at + ".group", false),
                           number_at(r, "score", at + ".score"), string_at(r, "detail", at + ".detail", false)});
    }
  }
  if (const auto it = obj.find("areas"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) fail("areas", "must be an array");
    static constexpr std::string_view kLevels[] = {"provinsi", "kabupaten_kota", "kecamatan", "kelurahan"};
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& a = (*it)[i];
      const std::string at = "areas[" + std::to_string(i) + "]";
      if (!a.is_object()) fail(at, "must be an object");
      AreaRef ref{string_at(a, "level", at + ".level", true), string_at(a, "code", at + ".code", false),
                  string_at(a, "name", at + ".name", false)};
      if (std::find(std::begin(kLevels), std::end(kLevels), ref.level) == std::end(kLevels)) {
        fail(at + ".level", "is '" + ref.level.substr(0, 40) +
                                "', not a known level (provinsi, kabupaten_kota, kecamatan or kelurahan)");
      }
      v.areas.push_back(std::move(ref));
    }
  }
  return v;
}

std::string json_escape(std::string_view text) {
  const std::string dumped = json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
  return dumped.substr(1, dumped.size() - 2);
}

}  // namespace saring
