#include "saring/core/json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json_depth.hpp"
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

const std::initializer_list<const char*> kKnownFields = {
    "id", "reporter", "time", "lat", "lon", "accuracy_m", "category", "text", "photos", "videos", "client"};

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
    bool known = false;
    for (const char* f : kKnownFields) known = known || it.key() == f;
    if (!known) extra[it.key()] = it.value();
  }
  if (!extra.empty()) r.extra_json = extra.dump();
  return r;
}

std::string report_to_json(const Report& r) {
  json obj = json::object();
  if (!r.extra_json.empty()) {
    try {
      obj = json::parse(r.extra_json);
    } catch (const json::exception& e) {
      throw Error(ErrorCode::kInvalidArgument, "report '" + r.id + "': extra_json is not valid JSON: " + e.what());
    }
    if (!obj.is_object()) throw Error(ErrorCode::kInvalidArgument, "report '" + r.id + "': extra_json is not a JSON object");
    // The report's own fields win: an extra "photos": 5 left in place (as an Open311 request could
    // bring) made JSON that parse_report_json refuses, and the filter journals this JSON.
    for (const char* f : kKnownFields) obj.erase(f);
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
  if (r.client.mock_location || !r.client.app.empty()) {
    json c = json::object();
    if (r.client.mock_location) c["mock_location"] = *r.client.mock_location;
    if (!r.client.app.empty()) c["app"] = r.client.app;
    obj["client"] = c;
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

Verdict parse_verdict_json(std::string_view text) {
  detail::check_json_depth(text, "verdict");
  json obj;
  try {
    obj = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kParse, std::string("verdict is not valid JSON: ") + e.what());
  }
  try {
    Verdict v;
    v.id = obj.at("id").get<std::string>();
    v.decision = parse_decision(obj.at("decision").get<std::string>());
    if (obj.contains("duplicate_of") && !obj["duplicate_of"].is_null()) v.duplicate_of = obj["duplicate_of"].get<std::string>();
    if (obj.contains("incident") && !obj["incident"].is_null()) v.incident = obj["incident"].get<std::string>();
    if (obj.contains("scores")) {
      const auto& s = obj["scores"];
      v.scores = {s.value("duplicate", 0.0), s.value("geotag", 0.0), s.value("spam", 0.0), s.value("total", 0.0)};
    }
    for (const auto& r : obj.value("reasons", json::array())) {
      v.reasons.push_back({r.at("code").get<std::string>(), r.value("group", ""), r.value("score", 0.0),
                           r.value("detail", "")});
    }
    for (const auto& a : obj.value("areas", json::array())) {
      v.areas.push_back({a.at("level").get<std::string>(), a.value("code", ""), a.value("name", "")});
    }
    return v;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kParse, std::string("verdict JSON has a missing or mistyped field: ") + e.what());
  }
}

std::string json_escape(std::string_view text) {
  const std::string dumped = json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
  return dumped.substr(1, dumped.size() - 2);
}

}  // namespace saring
