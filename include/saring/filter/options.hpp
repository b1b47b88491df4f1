// The filter's configuration: nested option structs whose JSON form uses the same field names.
// Configuration is layered: built-in defaults, then a JSON file, then "a.b=value" overrides from a
// command line; every layer is checked against the known keys so a typo is an error that names it.
//
//   auto options = saring::load_filter_options("saring.json", {"duplicate.radius_m=100"});
//   saring::Filter filter(options, "state/");
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "saring/geo/areas.hpp"
#include "saring/geo/geotag.hpp"

namespace saring {

// Scores in [0, 1] are turned into a decision by these thresholds (see decide() in docs/filter.md):
// reject when the risk (spam, geotag, photo reuse combined) reaches `reject`; review when it
// reaches `review`; duplicate when the duplicate score reaches `duplicate`; otherwise accept.
struct DecisionThresholds {
  double duplicate = 0.6;
  double review = 0.5;
  double reject = 0.9;
  void validate(const std::string& where = "thresholds") const;
};

struct DuplicateOptions {
  double radius_m = 150.0;             // candidates within this geodesic distance
  std::int64_t window_s = 7 * 86400;   // ... and this time gap (either direction)
  std::int64_t retention_s = 30 * 86400;  // how long a report stays a duplicate candidate
  int photo_same_max_distance = 31;    // PDQ Hamming distance up to which two photos are the same
  bool geometric_check = true;         // ORB + RANSAC for candidate photos that are not the same
  int geometric_min_inliers = 20;      // homography inliers that make two photos one scene
  int geometric_max_side = 512;        // photos are downscaled to this longest side for ORB
  int geometric_max_features = 300;
  // Run a geometric check only while its result can change the decision (the incident the report
  // joins, or none); a verdict whose checks were left out says so (DUP_GEOMETRIC_NOT_NEEDED).
  bool geometric_only_if_decisive = true;
  double text_min_similarity = 0.3;    // Jaccard of word shingles counted as "similar text"
  // A report of the same (or a related) category closer than this is at the same spot: evidence enough
  // for a duplicate without text or photos (Qlue deduplicates "by similar photo or the same
  // location"; phone fixes of one spot scatter by 5-15 m). Photos of both that match neither by
  // hash nor geometry still keep them apart. 0 turns the rule off.
  double same_spot_m = 15.0;
  // Groups of categories that can describe one incident (e.g. banjir and genangan).
  std::vector<std::vector<std::string>> related_categories = {{"banjir", "genangan"},
                                                              {"jalan_rusak", "jalan_berlubang"}};
  void validate(const std::string& where = "duplicate") const;
};

struct PhotoReuseOptions {
  std::int64_t retention_s = 365 * 86400;  // photos are remembered this long
  int max_distance = 20;                   // PDQ Hamming distance counted as the same photo
  double distant_m = 2000.0;               // earlier use this far away is suspicious
  std::int64_t long_ago_s = 30 * 86400;    // earlier use this long ago is suspicious
  void validate(const std::string& where = "photo_reuse") const;
};

// One GeoJSON file of areas for the geotag checks (read with AreaSet::add_geojson_file).
struct AreaFile {
  std::string path;                    // relative paths in a config file are relative to that file
  std::string level;                   // "provinsi" ... "kelurahan"; empty: each feature's level_property
  std::string code_property = "kode";
  std::string name_property = "nama";
  std::string level_property = "level";
};

// The geo module's geotag checks (saring/geo/geotag.hpp) as the filter runs them. Every
// GeotagOptions field can be set, under the same name in the "geotag" section of the JSON; the
// filter's defaults differ from the geo module's only in weight_in_sea. `areas` and `water` say
// where the service area and its administrative levels come from, so a deployment outside DKI
// Jakarta (or with newer boundaries) needs no rebuild.
struct GeotagSettings : GeotagOptions {
  GeotagSettings() {
    weight_in_sea = 0.9;  // higher than the generic 0.7: a city report pinned in the sea cannot be acted on
  }
  bool enabled = true;
  // The areas, loaded in this order (where polygons overlap, the first loaded wins). Empty: the
  // bundled DKI Jakarta set (AreaSet::jakarta()).
  std::vector<AreaFile> areas;
  // Water polygons for GEO_IN_SEA. Empty: the bundled Jakarta Bay polygon when `areas` is empty,
  // no in-the-sea check otherwise.
  std::string water;
  void validate(const std::string& where = "geotag") const;
};

// The spam module's scoring (saring/spam/spam.hpp): text rules, plus a trained model when a model
// file is given (`saring spam train`); moderator feedback updates that model online.
struct SpamSettings {
  bool enabled = true;
  std::string model;            // path of a SpamModel file; empty: rules only
  // Directory of own word lists (slang_id.tsv, promo_id.txt, money_id.txt, abuse_id.txt: see
  // docs/spam.md) for the rules and the model; empty: the built-in lists. A model file must have
  // been trained with the same lists (`saring spam train --lexicons DIR`).
  std::string lexicons;
  double learning_rate = 0.05;  // online update per moderator judgement (0: no updates)
  void validate(const std::string& where = "spam") const;
};

struct ReputationOptions {
  int min_feedback = 3;                // judged reports before reputation counts
  double low = 0.3;                    // reputation below this adds a risk reason
  double score = 0.3;                  // risk of REPORTER_LOW_REPUTATION
  void validate(const std::string& where = "reputation") const;
};

struct JournalOptions {
  // "always": fdatasync before submit returns (concurrent submitters share one sync: group
  // commit); "manual": the caller calls Filter::sync() before releasing verdicts (the CLI does so
  // per batch); "none": no syncing (tests, benchmarks: a crash may lose recent reports).
  std::string sync = "always";
  std::int64_t snapshot_every = 50000;  // records between snapshots (0 = only on close)
  void validate(const std::string& where = "journal") const;
};

// Per-category overrides of the thresholds and the duplicate radius/window.
struct CategoryOptions {
  std::optional<double> duplicate_threshold, review_threshold, reject_threshold;
  std::optional<double> radius_m;
  std::optional<std::int64_t> window_s;
};

struct FilterOptions {
  DecisionThresholds thresholds;
  DuplicateOptions duplicate;
  PhotoReuseOptions photo_reuse;
  GeotagSettings geotag;
  SpamSettings spam;
  ReputationOptions reputation;
  JournalOptions journal;
  std::map<std::string, CategoryOptions> categories;

  // Throws Error(kInvalidArgument) naming the key ("duplicate.radius_m must be > 0").
  void validate() const;
  DecisionThresholds thresholds_for(const std::string& category) const;
  double radius_for(const std::string& category) const;
  std::int64_t window_for(const std::string& category) const;
};

// The areas `geotag` names (`areas`, `water`), loaded as the filter loads them: null when it
// names none, and then the bundled DKI Jakarta set (AreaSet::jakarta()) applies; only `water`:
// the bundled levels with that water layer. Throws Error naming the option and the file.
std::unique_ptr<AreaSet> load_geotag_areas(const GeotagSettings& geotag);

// The JSON form (durations as seconds or "30d"-style strings on input, seconds on output).
std::string filter_options_to_json(const FilterOptions& options, int indent = 2);
// Parses one JSON layer on top of `base`; unknown keys and mistyped values throw Error(kParse)
// naming the key path; the result is validated.
FilterOptions parse_filter_options(const std::string& json, const FilterOptions& base = {});
// Applies "a.b=value" (value: JSON, or a bare string) on top of `base`.
FilterOptions apply_filter_override(const std::string& assignment, const FilterOptions& base);
// Defaults, then `config_file` when not empty, then each override in order.
FilterOptions load_filter_options(const std::string& config_file = {},
                                  const std::vector<std::string>& overrides = {});

}  // namespace saring
