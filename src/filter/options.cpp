#include "saring/filter/options.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/json_depth.hpp"
#include "saring/core/error.hpp"
#include "saring/core/time.hpp"
#include "saring/geo/areas.hpp"

namespace saring {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& key, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, "filter option '" + key + "' " + what);
}
void check_unit(const std::string& key, double v) {
  if (!(v >= 0.0 && v <= 1.0)) invalid(key, "must be in [0, 1], got " + std::to_string(v));
}
void check_positive(const std::string& key, double v) {
  if (!(v > 0.0) || !std::isfinite(v)) invalid(key, "must be > 0, got " + std::to_string(v));
}

const char* const kCategoryKeys[] = {"duplicate_threshold", "review_threshold", "reject_threshold",
                                     "radius_m", "window_s"};

// The geotag section's scalar fields (GeotagOptions members, same names in the JSON).
struct GeotagDouble {
  const char* key;
  double GeotagOptions::*field;
};
constexpr GeotagDouble kGeotagDoubles[] = {
    {"weight_invalid", &GeotagOptions::weight_invalid},
    {"weight_null_island", &GeotagOptions::weight_null_island},
    {"weight_swapped", &GeotagOptions::weight_swapped},
    {"weight_outside", &GeotagOptions::weight_outside},
    {"weight_in_sea", &GeotagOptions::weight_in_sea},
    {"weight_low_precision", &GeotagOptions::weight_low_precision},
    {"weight_poor_accuracy", &GeotagOptions::weight_poor_accuracy},
    {"weight_photo_gps_mismatch", &GeotagOptions::weight_photo_gps_mismatch},
    {"weight_photo_time_mismatch", &GeotagOptions::weight_photo_time_mismatch},
    {"weight_impossible_travel", &GeotagOptions::weight_impossible_travel},
    {"weight_mock_location", &GeotagOptions::weight_mock_location},
    {"weight_emulator", &GeotagOptions::weight_emulator},
    {"weight_shared", &GeotagOptions::weight_shared},
    {"null_island_radius_m", &GeotagOptions::null_island_radius_m},
    {"outside_tolerance_m", &GeotagOptions::outside_tolerance_m},
    {"outside_full_severity_m", &GeotagOptions::outside_full_severity_m},
    {"sea_margin_m", &GeotagOptions::sea_margin_m},
    {"default_max_accuracy_m", &GeotagOptions::default_max_accuracy_m},
    {"photo_mismatch_sigma", &GeotagOptions::photo_mismatch_sigma},
    {"photo_mismatch_floor_m", &GeotagOptions::photo_mismatch_floor_m},
    {"default_pin_accuracy_m", &GeotagOptions::default_pin_accuracy_m},
    {"default_photo_accuracy_m", &GeotagOptions::default_photo_accuracy_m},
    {"max_speed_kmh", &GeotagOptions::max_speed_kmh},
    {"travel_min_distance_m", &GeotagOptions::travel_min_distance_m}};
const char* const kAreaFileKeys[] = {"path", "level", "code_property", "name_property", "level_property"};
const char* const kEmulatorKeys[] = {"name", "lat", "lon", "radius_m"};
// Objects whose keys are names chosen by the user (new keys may be added by a layer).
bool is_open_map(const std::string& path) { return path == "geotag.category_max_accuracy_m"; }

json to_json(const FilterOptions& o) {
  json j;
  j["thresholds"] = {{"duplicate", o.thresholds.duplicate}, {"review", o.thresholds.review},
                     {"reject", o.thresholds.reject}};
  const auto& d = o.duplicate;
  j["duplicate"] = {{"radius_m", d.radius_m},
                    {"window_s", d.window_s},
                    {"retention_s", d.retention_s},
                    {"photo_same_max_distance", d.photo_same_max_distance},
                    {"geometric_check", d.geometric_check},
                    {"geometric_min_inliers", d.geometric_min_inliers},
                    {"geometric_max_side", d.geometric_max_side},
                    {"geometric_max_features", d.geometric_max_features},
                    {"geometric_only_if_decisive", d.geometric_only_if_decisive},
                    {"text_min_similarity", d.text_min_similarity},
                    {"same_spot_m", d.same_spot_m},
                    {"related_categories", d.related_categories}};
  const auto& p = o.photo_reuse;
  j["photo_reuse"] = {{"retention_s", p.retention_s}, {"max_distance", p.max_distance},
                      {"distant_m", p.distant_m}, {"long_ago_s", p.long_ago_s}};
  const auto& g = o.geotag;
  json gj = json::object();
  gj["enabled"] = g.enabled;
  for (const auto& [key, field] : kGeotagDoubles) gj[key] = g.*field;
  gj["min_decimals"] = g.min_decimals;
  gj["max_photo_age_s"] = g.max_photo_age_s;
  gj["max_photo_after_s"] = g.max_photo_after_s;
  gj["shared_min_reporters"] = g.shared_min_reporters;
  gj["water_ok_categories"] = g.water_ok_categories;
  json accuracy = json::object();
  for (const auto& [category, v] : g.category_max_accuracy_m) accuracy[category] = v;
  gj["category_max_accuracy_m"] = accuracy;
  json emulators = json::array();
  for (const auto& e : g.emulator_positions) {
    emulators.push_back({{"name", e.name}, {"lat", e.lat}, {"lon", e.lon}, {"radius_m", e.radius_m}});
  }
  gj["emulator_positions"] = emulators;
  json areas = json::array();
  for (const auto& a : g.areas) {
    areas.push_back({{"path", a.path},
                     {"level", a.level},
                     {"code_property", a.code_property},
                     {"name_property", a.name_property},
                     {"level_property", a.level_property}});
  }
  gj["areas"] = areas;
  gj["water"] = g.water;
  j["geotag"] = gj;
  j["spam"] = {{"enabled", o.spam.enabled},
               {"model", o.spam.model},
               {"lexicons", o.spam.lexicons},
               {"learning_rate", o.spam.learning_rate}};
  const auto& r = o.reputation;
  j["reputation"] = {{"min_feedback", r.min_feedback}, {"low", r.low}, {"score", r.score}};
  j["journal"] = {{"sync", o.journal.sync}, {"snapshot_every", o.journal.snapshot_every}};
  json cats = json::object();
  for (const auto& [name, c] : o.categories) {
    json cj = json::object();
    if (c.duplicate_threshold) cj["duplicate_threshold"] = *c.duplicate_threshold;
    if (c.review_threshold) cj["review_threshold"] = *c.review_threshold;
    if (c.reject_threshold) cj["reject_threshold"] = *c.reject_threshold;
    if (c.radius_m) cj["radius_m"] = *c.radius_m;
    if (c.window_s) cj["window_s"] = *c.window_s;
    cats[name] = cj;
  }
  j["categories"] = cats;
  return j;
}

// Durations may be written "30d" in a config; the canonical tree holds seconds.
json normalise_value(const std::string& key, const json& value) {
  const bool duration = key.size() > 2 && key.compare(key.size() - 2, 2, "_s") == 0;
  if (duration && value.is_string()) {
    try {
      return json(parse_duration_seconds(value.get<std::string>()));
    } catch (const Error& e) {
      throw Error(ErrorCode::kParse, "filter option '" + key + "': " + e.what());
    }
  }
  return value;
}

// Merges `layer` into `base`, refusing keys `base` does not have (categories may be new).
void merge(json& base, const json& layer, const std::string& path) {
  if (!layer.is_object()) throw Error(ErrorCode::kParse, "filter option '" + (path.empty() ? "<root>" : path) + "' must be an object");
  for (auto it = layer.begin(); it != layer.end(); ++it) {
    const std::string key = path.empty() ? it.key() : path + "." + it.key();
    if (path == "categories") {
      if (!base.contains(it.key())) base[it.key()] = json::object();
      if (!it->is_object()) throw Error(ErrorCode::kParse, "filter option '" + key + "' must be an object");
      for (auto c = it->begin(); c != it->end(); ++c) {
        bool known = false;
        for (const char* k : kCategoryKeys) known = known || c.key() == k;
        if (!known) throw Error(ErrorCode::kParse, "unknown filter option '" + key + "." + c.key() + "'");
        base[it.key()][c.key()] = normalise_value(key + "." + c.key(), *c);
      }
      continue;
    }
    if (is_open_map(path)) {
      base[it.key()] = normalise_value(key, *it);
      continue;
    }
    if (!base.contains(it.key())) throw Error(ErrorCode::kParse, "unknown filter option '" + key + "'");
    json& target = base[it.key()];
    if (target.is_object() && it.key() != "related_categories") {
      merge(target, *it, key);
    } else {
      target = normalise_value(key, *it);
    }
  }
}

template <typename T>
T get(const json& j, const std::string& key) {
  auto wrong = [&](const char* what) {
    // replace: a bare override word may hold any bytes, and dump() throws on invalid UTF-8.
    std::string got = j.dump(-1, ' ', false, json::error_handler_t::replace);
    if (got.size() > 80) got = got.substr(0, 77) + "...";
    throw Error(ErrorCode::kParse, "filter option '" + key + "' " + what + ", got " + got);
  };
  if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) wrong("must be true or false");
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) wrong("must be a string");
  } else if constexpr (std::is_integral_v<T>) {
    if (!j.is_number_integer()) wrong("must be an integer");
    // nlohmann's get<int>() would wrap: 4294967297 must not become 1.
    const bool fits = j.is_number_unsigned()
                          ? j.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())
                          : j.get<std::int64_t>() >= std::numeric_limits<T>::min() &&
                                j.get<std::int64_t>() <= std::numeric_limits<T>::max();
    if (!fits) wrong("is out of range");
  } else {
    if (!j.is_number()) wrong("must be a number");
  }
  return j.get<T>();
}

std::vector<std::string> get_strings(const json& j, const std::string& key) {
  if (!j.is_array()) throw Error(ErrorCode::kParse, "filter option '" + key + "' must be an array of strings, got " + j.dump());
  std::vector<std::string> out;
  for (const auto& v : j) out.push_back(get<std::string>(v, key));
  return out;
}

// An array of objects whose keys are all among `known` (a typo is an error, as everywhere else).
template <std::size_t N>
const json& objects(const json& j, const std::string& key, const char* const (&known)[N]) {
  if (!j.is_array()) throw Error(ErrorCode::kParse, "filter option '" + key + "' must be an array of objects, got " + j.dump());
  for (const auto& e : j) {
    if (!e.is_object()) throw Error(ErrorCode::kParse, "filter option '" + key + "' must be an array of objects, got " + e.dump());
    for (auto it = e.begin(); it != e.end(); ++it) {
      bool ok = false;
      for (const char* k : known) ok = ok || it.key() == k;
      if (!ok) throw Error(ErrorCode::kParse, "unknown filter option '" + key + "." + it.key() + "'");
    }
  }
  return j;
}

FilterOptions from_json(const json& j) {
  FilterOptions o;
  const auto& t = j.at("thresholds");
  o.thresholds.duplicate = get<double>(t.at("duplicate"), "thresholds.duplicate");
  o.thresholds.review = get<double>(t.at("review"), "thresholds.review");
  o.thresholds.reject = get<double>(t.at("reject"), "thresholds.reject");
  const auto& d = j.at("duplicate");
  auto& od = o.duplicate;
  od.radius_m = get<double>(d.at("radius_m"), "duplicate.radius_m");
  od.window_s = get<std::int64_t>(d.at("window_s"), "duplicate.window_s");
  od.retention_s = get<std::int64_t>(d.at("retention_s"), "duplicate.retention_s");
  od.photo_same_max_distance = get<int>(d.at("photo_same_max_distance"), "duplicate.photo_same_max_distance");
  od.geometric_check = get<bool>(d.at("geometric_check"), "duplicate.geometric_check");
  od.geometric_min_inliers = get<int>(d.at("geometric_min_inliers"), "duplicate.geometric_min_inliers");
  od.geometric_max_side = get<int>(d.at("geometric_max_side"), "duplicate.geometric_max_side");
  od.geometric_max_features = get<int>(d.at("geometric_max_features"), "duplicate.geometric_max_features");
  od.geometric_only_if_decisive = get<bool>(d.at("geometric_only_if_decisive"), "duplicate.geometric_only_if_decisive");
  od.text_min_similarity = get<double>(d.at("text_min_similarity"), "duplicate.text_min_similarity");
  od.same_spot_m = get<double>(d.at("same_spot_m"), "duplicate.same_spot_m");
  const auto& rc = d.at("related_categories");
  if (!rc.is_array()) throw Error(ErrorCode::kParse, "filter option 'duplicate.related_categories' must be an array of arrays of strings");
  od.related_categories.clear();
  for (const auto& group : rc) od.related_categories.push_back(get_strings(group, "duplicate.related_categories"));
  const auto& p = j.at("photo_reuse");
  o.photo_reuse.retention_s = get<std::int64_t>(p.at("retention_s"), "photo_reuse.retention_s");
  o.photo_reuse.max_distance = get<int>(p.at("max_distance"), "photo_reuse.max_distance");
  o.photo_reuse.distant_m = get<double>(p.at("distant_m"), "photo_reuse.distant_m");
  o.photo_reuse.long_ago_s = get<std::int64_t>(p.at("long_ago_s"), "photo_reuse.long_ago_s");
  const auto& g = j.at("geotag");
  auto& og = o.geotag;
  og.enabled = get<bool>(g.at("enabled"), "geotag.enabled");
  for (const auto& [key, field] : kGeotagDoubles) og.*field = get<double>(g.at(key), std::string("geotag.") + key);
  og.min_decimals = get<int>(g.at("min_decimals"), "geotag.min_decimals");
  og.max_photo_age_s = get<std::int64_t>(g.at("max_photo_age_s"), "geotag.max_photo_age_s");
  og.max_photo_after_s = get<std::int64_t>(g.at("max_photo_after_s"), "geotag.max_photo_after_s");
  const auto shared = get<std::int64_t>(g.at("shared_min_reporters"), "geotag.shared_min_reporters");
  if (shared < 0) throw Error(ErrorCode::kParse, "filter option 'geotag.shared_min_reporters' must be >= 0, got " + std::to_string(shared));
  og.shared_min_reporters = static_cast<std::size_t>(shared);
  og.water_ok_categories = get_strings(g.at("water_ok_categories"), "geotag.water_ok_categories");
  const auto& acc = g.at("category_max_accuracy_m");
  if (!acc.is_object()) throw Error(ErrorCode::kParse, "filter option 'geotag.category_max_accuracy_m' must be an object of numbers");
  og.category_max_accuracy_m.clear();
  for (auto it = acc.begin(); it != acc.end(); ++it) {
    og.category_max_accuracy_m[it.key()] = get<double>(*it, "geotag.category_max_accuracy_m." + it.key());
  }
  og.emulator_positions.clear();
  for (const json& e : objects(g.at("emulator_positions"), "geotag.emulator_positions", kEmulatorKeys)) {
    EmulatorPosition p;
    const std::string w = "geotag.emulator_positions";
    p.name = e.contains("name") ? get<std::string>(e["name"], w + ".name") : std::string();
    if (!e.contains("lat") || !e.contains("lon")) throw Error(ErrorCode::kParse, "filter option '" + w + "': each entry needs lat and lon");
    p.lat = get<double>(e["lat"], w + ".lat");
    p.lon = get<double>(e["lon"], w + ".lon");
    if (e.contains("radius_m")) p.radius_m = get<double>(e["radius_m"], w + ".radius_m");
    og.emulator_positions.push_back(std::move(p));
  }
  og.areas.clear();
  for (const json& a : objects(g.at("areas"), "geotag.areas", kAreaFileKeys)) {
    AreaFile f;
    const std::string w = "geotag.areas";
    if (!a.contains("path")) throw Error(ErrorCode::kParse, "filter option '" + w + "': each entry needs a path");
    f.path = get<std::string>(a["path"], w + ".path");
    if (a.contains("level")) f.level = get<std::string>(a["level"], w + ".level");
    if (a.contains("code_property")) f.code_property = get<std::string>(a["code_property"], w + ".code_property");
    if (a.contains("name_property")) f.name_property = get<std::string>(a["name_property"], w + ".name_property");
    if (a.contains("level_property")) f.level_property = get<std::string>(a["level_property"], w + ".level_property");
    og.areas.push_back(std::move(f));
  }
  og.water = get<std::string>(g.at("water"), "geotag.water");
  const auto& sp = j.at("spam");
  o.spam.enabled = get<bool>(sp.at("enabled"), "spam.enabled");
  o.spam.model = get<std::string>(sp.at("model"), "spam.model");
  o.spam.lexicons = get<std::string>(sp.at("lexicons"), "spam.lexicons");
  o.spam.learning_rate = get<double>(sp.at("learning_rate"), "spam.learning_rate");
  const auto& r = j.at("reputation");
  o.reputation.min_feedback = get<int>(r.at("min_feedback"), "reputation.min_feedback");
  o.reputation.low = get<double>(r.at("low"), "reputation.low");
  o.reputation.score = get<double>(r.at("score"), "reputation.score");
  const auto& jo = j.at("journal");
  o.journal.sync = get<std::string>(jo.at("sync"), "journal.sync");
  o.journal.snapshot_every = get<std::int64_t>(jo.at("snapshot_every"), "journal.snapshot_every");
  for (auto it = j.at("categories").begin(); it != j.at("categories").end(); ++it) {
    const std::string key = "categories." + it.key();
    CategoryOptions c;
    const json& cj = *it;
    if (cj.contains("duplicate_threshold")) c.duplicate_threshold = get<double>(cj["duplicate_threshold"], key + ".duplicate_threshold");
    if (cj.contains("review_threshold")) c.review_threshold = get<double>(cj["review_threshold"], key + ".review_threshold");
    if (cj.contains("reject_threshold")) c.reject_threshold = get<double>(cj["reject_threshold"], key + ".reject_threshold");
    if (cj.contains("radius_m")) c.radius_m = get<double>(cj["radius_m"], key + ".radius_m");
    if (cj.contains("window_s")) c.window_s = get<std::int64_t>(cj["window_s"], key + ".window_s");
    o.categories[it.key()] = c;
  }
  return o;
}

json parse_layer(const std::string& text, const std::string& origin) {
  detail::check_json_depth(text, origin);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw Error(ErrorCode::kParse, origin + " is not valid JSON: " + e.what());
  }
}

}  // namespace

void DecisionThresholds::validate(const std::string& where) const {
  check_unit(where + ".duplicate", duplicate);
  check_unit(where + ".review", review);
  check_unit(where + ".reject", reject);
  if (review > reject) invalid(where + ".review", "must not exceed " + where + ".reject");
}

void DuplicateOptions::validate(const std::string& where) const {
  check_positive(where + ".radius_m", radius_m);
  check_positive(where + ".window_s", static_cast<double>(window_s));
  check_positive(where + ".retention_s", static_cast<double>(retention_s));
  if (retention_s < window_s) invalid(where + ".retention_s", "must be at least " + where + ".window_s");
  if (photo_same_max_distance < 0 || photo_same_max_distance > 128) invalid(where + ".photo_same_max_distance", "must be in [0, 128]");
  if (geometric_min_inliers < 4) invalid(where + ".geometric_min_inliers", "must be at least 4 (a homography needs 4 points)");
  if (geometric_max_side < 64 || geometric_max_side > 4096) invalid(where + ".geometric_max_side", "must be in [64, 4096]");
  if (geometric_max_features < 10 || geometric_max_features > 10000) invalid(where + ".geometric_max_features", "must be in [10, 10000]");
  check_unit(where + ".text_min_similarity", text_min_similarity);
  if (!(same_spot_m >= 0.0 && same_spot_m <= radius_m)) {
    invalid(where + ".same_spot_m", "must be in [0, " + where + ".radius_m]");
  }
}

void PhotoReuseOptions::validate(const std::string& where) const {
  check_positive(where + ".retention_s", static_cast<double>(retention_s));
  if (max_distance < 0 || max_distance > 128) invalid(where + ".max_distance", "must be in [0, 128]");
  check_positive(where + ".distant_m", distant_m);
  check_positive(where + ".long_ago_s", static_cast<double>(long_ago_s));
}

void GeotagSettings::validate(const std::string& where) const {
  try {
    GeotagOptions::validate();
  } catch (const Error& e) {
    // The geo module names the field as "GeotagOptions.<field> ..."; here it is a filter option.
    std::string what = e.what();
    const std::string prefix = "GeotagOptions.";
    if (what.compare(0, prefix.size(), prefix) == 0) what.erase(0, prefix.size());
    throw Error(ErrorCode::kInvalidArgument, "filter option '" + where + "' invalid: " + where + "." + what);
  }
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const std::string w = where + ".areas[" + std::to_string(i) + "]";
    if (areas[i].path.empty()) invalid(w + ".path", "must not be empty");
    if (!areas[i].level.empty()) {
      try {
        (void)parse_area_level(areas[i].level);
      } catch (const Error& e) {
        invalid(w + ".level", std::string("is not an area level: ") + e.what());
      }
    }
    if (areas[i].code_property.empty()) invalid(w + ".code_property", "must not be empty");
    if (areas[i].level.empty() && areas[i].level_property.empty()) {
      invalid(w + ".level_property", "must not be empty when no level is given");
    }
  }
}

void SpamSettings::validate(const std::string& where) const {
  if (!(learning_rate >= 0.0 && learning_rate <= 1.0)) invalid(where + ".learning_rate", "must be in [0, 1]");
}

void ReputationOptions::validate(const std::string& where) const {
  if (min_feedback < 1) invalid(where + ".min_feedback", "must be at least 1");
  check_unit(where + ".low", low);
  check_unit(where + ".score", score);
}

void JournalOptions::validate(const std::string& where) const {
  if (sync != "always" && sync != "manual" && sync != "none") {
    invalid(where + ".sync", "must be \"always\", \"manual\" or \"none\", got \"" + sync + "\"");
  }
  if (snapshot_every < 0) invalid(where + ".snapshot_every", "must be >= 0");
}

void FilterOptions::validate() const {
  thresholds.validate();
  duplicate.validate();
  photo_reuse.validate();
  geotag.validate();
  spam.validate();
  reputation.validate();
  journal.validate();
  if (photo_reuse.retention_s < duplicate.retention_s) {
    invalid("photo_reuse.retention_s", "must be at least duplicate.retention_s");
  }
  for (const auto& [name, c] : categories) {
    const std::string w = "categories." + name;
    thresholds_for(name).validate(w);
    if (c.radius_m) check_positive(w + ".radius_m", *c.radius_m);
    if (c.window_s) {
      check_positive(w + ".window_s", static_cast<double>(*c.window_s));
      if (*c.window_s > duplicate.retention_s) invalid(w + ".window_s", "must not exceed duplicate.retention_s");
    }
  }
}

DecisionThresholds FilterOptions::thresholds_for(const std::string& category) const {
  DecisionThresholds t = thresholds;
  if (auto it = categories.find(category); it != categories.end()) {
    if (it->second.duplicate_threshold) t.duplicate = *it->second.duplicate_threshold;
    if (it->second.review_threshold) t.review = *it->second.review_threshold;
    if (it->second.reject_threshold) t.reject = *it->second.reject_threshold;
  }
  return t;
}

double FilterOptions::radius_for(const std::string& category) const {
  auto it = categories.find(category);
  return it != categories.end() && it->second.radius_m ? *it->second.radius_m : duplicate.radius_m;
}

std::int64_t FilterOptions::window_for(const std::string& category) const {
  auto it = categories.find(category);
  return it != categories.end() && it->second.window_s ? *it->second.window_s : duplicate.window_s;
}

std::unique_ptr<AreaSet> load_geotag_areas(const GeotagSettings& g) {
  if (g.areas.empty() && g.water.empty()) return nullptr;  // the bundled set
  auto set = std::make_unique<AreaSet>();
  auto load = [](const std::string& what, auto&& add) {
    try {
      add();
    } catch (const Error& e) {
      throw Error(e.code(), "filter option '" + what + "': " + e.what());
    }
  };
  if (g.areas.empty()) {  // only another water layer: the bundled levels with it
    for (std::size_t l = 0; l < kAreaLevelCount; ++l) {
      AreaLoadOptions lo;
      lo.level = static_cast<AreaLevel>(l);
      const std::string name(area_level_name(*lo.level));
      set->add_geojson(AreaSet::bundled_geojson(name), "bundled " + name, lo);
    }
  }
  for (std::size_t i = 0; i < g.areas.size(); ++i) {
    const AreaFile& f = g.areas[i];
    AreaLoadOptions lo;
    lo.code_property = f.code_property;
    lo.name_property = f.name_property;
    lo.level_property = f.level_property;
    if (!f.level.empty()) lo.level = parse_area_level(f.level);
    load("geotag.areas[" + std::to_string(i) + "]", [&] { set->add_geojson_file(f.path, lo); });
  }
  if (!g.water.empty()) load("geotag.water", [&] { set->set_water_geojson_file(g.water); });
  return set;
}

std::string filter_options_to_json(const FilterOptions& options, int indent) {
  // replace: options built in code may hold any bytes; parsed options are valid UTF-8 already.
  return to_json(options).dump(indent, ' ', false, json::error_handler_t::replace);
}

FilterOptions parse_filter_options(const std::string& text, const FilterOptions& base) {
  json tree = to_json(base);
  merge(tree, parse_layer(text, "filter config"), "");
  FilterOptions o = from_json(tree);
  o.validate();
  return o;
}

FilterOptions apply_filter_override(const std::string& assignment, const FilterOptions& base) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error(ErrorCode::kParse, "filter override '" + assignment + "' must look like key.path=value");
  }
  const std::string path = assignment.substr(0, eq);
  const std::string value_text = assignment.substr(eq + 1);
  // Config files are checked by the JSON parser; an override's key and bare-word value must be
  // UTF-8 too, or the options could not be printed as JSON (found by fuzz_filter_options).
  try {
    (void)json(assignment).dump();
  } catch (const json::type_error&) {
    throw Error(ErrorCode::kParse, "filter override of key " + json(path).dump(-1, ' ', false, json::error_handler_t::replace) +
                                       " is not valid UTF-8");
  }
  detail::check_json_depth(value_text, "filter override '" + path + "'");
  json value;
  try {
    value = json::parse(value_text);
  } catch (const json::out_of_range& e) {  // 1e999: JSON, but no double holds it
    throw Error(ErrorCode::kParse, "filter override '" + path + "': " + e.what());
  } catch (const json::parse_error&) {
    value = value_text;  // a bare word such as sync=manual or window_s=3d
  }
  json layer = value;
  std::string rest = path;
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto dot = rest.find('.', start);
    parts.push_back(rest.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (it->empty()) throw Error(ErrorCode::kParse, "filter override '" + assignment + "' has an empty key part");
    layer = json{{*it, layer}};
  }
  json tree = to_json(base);
  merge(tree, layer, "");
  FilterOptions o = from_json(tree);
  o.validate();
  return o;
}

FilterOptions load_filter_options(const std::string& config_file, const std::vector<std::string>& overrides) {
  FilterOptions o;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) throw Error(ErrorCode::kIo, "cannot open filter config '" + config_file + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      o = parse_filter_options(ss.str(), o);
    } catch (const Error& e) {
      throw Error(e.code(), config_file + ": " + e.what());
    }
    // Files named in a config file are found next to it, wherever the program runs.
    const std::filesystem::path dir = std::filesystem::path(config_file).parent_path();
    auto anchor = [&](std::string& path) {
      if (!path.empty() && std::filesystem::path(path).is_relative()) path = (dir / path).string();
    };
    for (AreaFile& a : o.geotag.areas) anchor(a.path);
    anchor(o.geotag.water);
    anchor(o.spam.model);
    anchor(o.spam.lexicons);
  }
  for (const auto& ov : overrides) o = apply_filter_override(ov, o);
  o.validate();
  return o;
}

}  // namespace saring
